/* test-profile.c: profiles in GSettings (memory backend): add, edit,
 * rename, remove, persistence, the last used profile, defaults per flavour
 * and validation of the base URL and CA file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "pm-profile.h"
#include "pm-test-util.h"

#define APP_SCHEMA "io.github.perimeter.Perimeter"

/* A self-signed CA certificate, for the CA file checks only. */
static const char test_ca_pem[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBkDCCATWgAwIBAgIUTVfMTLm26sKIebKpbMUsEG4Lr1owCgYIKoZIzj0EAwIw\n"
  "HDEaMBgGA1UEAwwRUGVyaW1ldGVyIFRlc3QgQ0EwIBcNMjYxMTIzMTAzMTEyWhgP\n"
  "MjEyNjEwMzAxMDMxMTJaMBwxGjAYBgNVBAMMEVBlcmltZXRlciBUZXN0IENBMFkw\n"
  "EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4MAfHgv3ynVduZYnQ+3vqbzmAqu7U/a/\n"
  "a3wj019K3c+c2ghsueKKzsaFDAdE11Bb+gZGOo8cFGOgoB0KjT8oJqNTMFEwHQYD\n"
  "VR0OBBYEFHbgFxPGGa4al1CycQUyMrElkUkAMB8GA1UdIwQYMBaAFHbgFxPGGa4a\n"
  "l1CycQUyMrElkUkAMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIh\n"
  "AK1jrsQDrdc7Ec4zbi0tmAqb6s/T4nFSoNWoKNW2+gOMAiEAk3H1j3fQsvzZTg6b\n"
  "DFjLPJefhy6BiGs28RyVmD9dJrI=\n"
  "-----END CERTIFICATE-----\n";

typedef struct
{
  GSettingsBackend *backend;
  GSettings        *settings;
  PmProfileList    *list;
  guint             n_changes;
} Fixture;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *fixture)
{
  fixture->n_changes++;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->backend = g_memory_settings_backend_new ();
  fixture->settings = g_settings_new_with_backend (APP_SCHEMA, fixture->backend);
  fixture->list = pm_profile_list_new (fixture->settings);
  g_signal_connect (fixture->list, "items-changed", G_CALLBACK (on_items_changed), fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->list);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->backend);
}

static GSettings *
profile_settings (Fixture    *fixture,
                  const char *id)
{
  g_autofree char *path = g_strdup_printf ("/io/github/perimeter/Perimeter/profiles/%s/", id);

  return g_settings_new_with_backend_and_path (PM_PROFILE_SCHEMA_ID, fixture->backend, path);
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_defaults_per_flavour (void)
{
  g_autoptr(PmProfile) profile = pm_profile_new (NULL);
  g_autoptr(PmProfile) named = pm_profile_new ("fixed-id");

  g_assert_cmpstr (pm_profile_get_default_base_url (PM_FLAVOUR_HOSTED), ==, "https://api.elastic-cloud.com");
  g_assert_cmpstr (pm_profile_get_default_base_url (PM_FLAVOUR_SERVERLESS), ==, "https://api.elastic-cloud.com");
  g_assert_cmpstr (pm_profile_get_default_base_url (PM_FLAVOUR_ECE), ==, "https://COORDINATOR_HOST:12443");

  g_assert_true (g_uuid_string_is_valid (pm_profile_get_id (profile)));
  g_assert_cmpstr (pm_profile_get_id (named), ==, "fixed-id");
  g_assert_cmpint (pm_profile_get_flavour (profile), ==, PM_FLAVOUR_HOSTED);
  g_assert_cmpstr (pm_profile_get_base_url (profile), ==, "https://api.elastic-cloud.com");
  g_assert_true (pm_profile_has_default_base_url (profile));
  g_assert_cmpstr (pm_profile_get_ca_file (profile), ==, "");
  g_assert_cmpstr (pm_profile_get_organization_id (profile), ==, "");

  /* The default follows the flavour until a URL of one's own is set. */
  pm_profile_set_flavour (profile, PM_FLAVOUR_ECE);
  g_assert_cmpstr (pm_profile_get_base_url (profile), ==, "https://COORDINATOR_HOST:12443");
  pm_profile_set_base_url (profile, "https://ece.example.com:12443");
  g_assert_false (pm_profile_has_default_base_url (profile));
  pm_profile_set_flavour (profile, PM_FLAVOUR_HOSTED);
  g_assert_cmpstr (pm_profile_get_base_url (profile), ==, "https://ece.example.com:12443");
  pm_profile_set_base_url (profile, "https://api.elastic-cloud.com");
  g_assert_true (pm_profile_has_default_base_url (profile));
  pm_profile_set_flavour (profile, PM_FLAVOUR_SERVERLESS);
  g_assert_cmpstr (pm_profile_get_base_url (profile), ==, "https://api.elastic-cloud.com");

  /* GObject side: the enum type from the model's generated code. */
  {
    GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (profile), "flavour");
    PmFlavour flavour;

    g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
    g_object_set (profile, "flavour", PM_FLAVOUR_ECE, NULL);
    g_object_get (profile, "flavour", &flavour, NULL);
    g_assert_cmpint (flavour, ==, PM_FLAVOUR_ECE);
  }
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_notify (void)
{
  g_autoptr(PmProfile) profile = pm_profile_new (NULL);
  guint url_notes = 0;
  guint name_notes = 0;

  g_signal_connect (profile, "notify::base-url", G_CALLBACK (count_notify), &url_notes);
  g_signal_connect (profile, "notify::name", G_CALLBACK (count_notify), &name_notes);

  pm_profile_set_name (profile, "A");
  pm_profile_set_name (profile, "A");
  g_assert_cmpuint (name_notes, ==, 1);

  /* A default URL changes with the flavour, and says so. */
  pm_profile_set_flavour (profile, PM_FLAVOUR_ECE);
  g_assert_cmpuint (url_notes, ==, 1);
  pm_profile_set_base_url (profile, "https://ece.example.com:12443");
  g_assert_cmpuint (url_notes, ==, 2);
  pm_profile_set_flavour (profile, PM_FLAVOUR_HOSTED);
  g_assert_cmpuint (url_notes, ==, 2);
}

static void
test_add_and_persist (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(PmProfile) added = NULL;
  g_autoptr(PmProfile) second = NULL;
  g_autoptr(PmProfileList) reloaded = NULL;
  g_autoptr(GSettings) other = NULL;
  g_autoptr(GSettings) raw = NULL;
  g_autoptr(PmProfile) first_item = NULL;
  g_auto(GStrv) ids = NULL;
  PmProfile *copy;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (fixture->list)) == PM_TYPE_PROFILE);

  added = pm_profile_list_add (fixture->list, "Production");
  g_assert_nonnull (added);
  g_assert_true (g_uuid_string_is_valid (pm_profile_get_id (added)));
  g_assert_cmpuint (fixture->n_changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 1);
  g_assert_true (pm_profile_list_lookup (fixture->list, pm_profile_get_id (added)) == added);

  pm_profile_set_flavour (added, PM_FLAVOUR_ECE);
  pm_profile_set_base_url (added, "https://ece.example.com:12443");
  pm_profile_set_ca_file (added, "/etc/ece-ca.pem");
  pm_profile_set_organization_id (added, "1234567890");

  second = pm_profile_list_add (fixture->list, "Serverless");
  pm_profile_set_flavour (second, PM_FLAVOUR_SERVERLESS);

  /* What is in the settings. */
  ids = g_settings_get_strv (fixture->settings, "profiles");
  g_assert_cmpuint (g_strv_length (ids), ==, 2);
  g_assert_cmpstr (ids[0], ==, pm_profile_get_id (added));
  g_assert_cmpstr (ids[1], ==, pm_profile_get_id (second));
  raw = profile_settings (fixture, pm_profile_get_id (added));
  {
    g_autofree char *name = g_settings_get_string (raw, "name");
    g_assert_cmpstr (name, ==, "Production");
  }
  g_assert_cmpint (g_settings_get_enum (raw, "flavour"), ==, PM_FLAVOUR_ECE);
  {
    g_autofree char *flavour_nick = NULL;
    g_autoptr(GVariant) value = g_settings_get_value (raw, "flavour");

    flavour_nick = g_variant_dup_string (value, NULL);
    g_assert_cmpstr (flavour_nick, ==, "ece");
  }

  /* A fresh list on the same backend reads the same profiles. */
  other = g_settings_new_with_backend (APP_SCHEMA, fixture->backend);
  reloaded = pm_profile_list_new (other);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reloaded)), ==, 2);
  first_item = g_list_model_get_item (G_LIST_MODEL (reloaded), 0);
  g_assert_cmpstr (pm_profile_get_id (first_item), ==, pm_profile_get_id (added));
  copy = pm_profile_list_lookup (reloaded, pm_profile_get_id (added));
  g_assert_true (copy != added);
  g_assert_cmpstr (pm_profile_get_name (copy), ==, "Production");
  g_assert_cmpint (pm_profile_get_flavour (copy), ==, PM_FLAVOUR_ECE);
  g_assert_cmpstr (pm_profile_get_base_url (copy), ==, "https://ece.example.com:12443");
  g_assert_cmpstr (pm_profile_get_ca_file (copy), ==, "/etc/ece-ca.pem");
  g_assert_cmpstr (pm_profile_get_organization_id (copy), ==, "1234567890");
  g_assert_cmpstr (pm_profile_get_base_url (pm_profile_list_lookup (reloaded, pm_profile_get_id (second))),
                   ==, "https://api.elastic-cloud.com");
}

static gboolean
list_has_n (gpointer data)
{
  gpointer *args = data;

  return g_list_model_get_n_items (args[0]) == GPOINTER_TO_UINT (args[1]);
}

static gboolean
name_is (gpointer data)
{
  gpointer *args = data;

  return g_strcmp0 (pm_profile_get_name (args[0]), args[1]) == 0;
}

/* Two windows, two lists: each follows what the other does. */
static void
test_lists_follow_each_other (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GSettings) other = g_settings_new_with_backend (APP_SCHEMA, fixture->backend);
  g_autoptr(PmProfileList) window_list = pm_profile_list_new (other);
  g_autoptr(PmProfile) added = pm_profile_list_add (fixture->list, "Staging");
  gpointer has_one[] = { window_list, GUINT_TO_POINTER (1) };
  gpointer has_none[] = { window_list, GUINT_TO_POINTER (0) };
  PmProfile *mirror;
  gpointer renamed[2];

  pm_test_wait_until (list_has_n, has_one, 5000);
  mirror = pm_profile_list_lookup (window_list, pm_profile_get_id (added));
  g_assert_nonnull (mirror);

  g_assert_true (pm_profile_list_rename (fixture->list, pm_profile_get_id (added), "  Staging EU  ", NULL));
  g_assert_cmpstr (pm_profile_get_name (added), ==, "Staging EU");
  renamed[0] = mirror;
  renamed[1] = "Staging EU";
  pm_test_wait_until (name_is, renamed, 5000);

  pm_profile_list_remove (fixture->list, pm_profile_get_id (added));
  pm_test_wait_until (list_has_n, has_none, 5000);
}

static void
test_update_and_rename (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(PmProfile) added = pm_profile_list_add (fixture->list, "Dev");
  g_autoptr(PmProfile) values = pm_profile_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *id = pm_profile_get_id (added);

  /* Invalid values change nothing. */
  pm_profile_set_name (values, "Dev (ECE)");
  pm_profile_set_flavour (values, PM_FLAVOUR_ECE);   /* placeholder URL: invalid */
  g_assert_false (pm_profile_list_update (fixture->list, id, values, &error));
  g_assert_error (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_URL);
  g_clear_error (&error);
  g_assert_cmpstr (pm_profile_get_name (added), ==, "Dev");
  g_assert_cmpint (pm_profile_get_flavour (added), ==, PM_FLAVOUR_HOSTED);

  pm_profile_set_base_url (values, "https://ece.internal:12443");
  g_assert_true (pm_profile_list_update (fixture->list, id, values, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pm_profile_get_id (added), ==, id);
  g_assert_cmpstr (pm_profile_get_name (added), ==, "Dev (ECE)");
  g_assert_cmpint (pm_profile_get_flavour (added), ==, PM_FLAVOUR_ECE);
  g_assert_cmpstr (pm_profile_get_base_url (added), ==, "https://ece.internal:12443");

  g_assert_false (pm_profile_list_rename (fixture->list, id, "   ", &error));
  g_assert_error (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_cmpstr (pm_profile_get_name (added), ==, "Dev (ECE)");

  g_assert_false (pm_profile_list_rename (fixture->list, "no-such-id", "X", &error));
  g_assert_error (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (pm_profile_list_update (fixture->list, "no-such-id", values, &error));
  g_assert_error (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static void
test_add_profile (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(PmProfile) values = pm_profile_new (NULL);
  g_autoptr(PmProfile) added = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (pm_profile_list_add_profile (fixture->list, values, &error));
  g_assert_error (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 0);

  pm_profile_set_name (values, "Observability");
  pm_profile_set_flavour (values, PM_FLAVOUR_SERVERLESS);
  pm_profile_set_organization_id (values, "42");
  added = pm_profile_list_add_profile (fixture->list, values, &error);
  g_assert_no_error (error);
  g_assert_nonnull (added);
  /* A new id of its own, the values copied. */
  g_assert_cmpstr (pm_profile_get_id (added), !=, pm_profile_get_id (values));
  g_assert_cmpstr (pm_profile_get_name (added), ==, "Observability");
  g_assert_cmpint (pm_profile_get_flavour (added), ==, PM_FLAVOUR_SERVERLESS);
  g_assert_cmpstr (pm_profile_get_organization_id (added), ==, "42");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 1);
}

static void
test_remove (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(PmProfile) a = pm_profile_list_add (fixture->list, "A");
  g_autoptr(PmProfile) b = pm_profile_list_add (fixture->list, "B");
  g_autoptr(PmProfile) c = pm_profile_list_add (fixture->list, "C");
  g_autoptr(GSettings) raw = profile_settings (fixture, pm_profile_get_id (b));
  g_autofree char *b_id = g_strdup (pm_profile_get_id (b));
  g_autofree char *last = NULL;
  g_auto(GStrv) ids = NULL;
  g_autoptr(PmProfile) first = NULL;
  g_autoptr(PmProfile) second = NULL;

  pm_profile_list_set_last_id (fixture->list, b_id);
  fixture->n_changes = 0;
  pm_profile_list_remove (fixture->list, b_id);
  g_assert_cmpuint (fixture->n_changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 2);
  g_assert_null (pm_profile_list_lookup (fixture->list, b_id));
  first = g_list_model_get_item (G_LIST_MODEL (fixture->list), 0);
  second = g_list_model_get_item (G_LIST_MODEL (fixture->list), 1);
  g_assert_true (first == a);
  g_assert_true (second == c);

  ids = g_settings_get_strv (fixture->settings, "profiles");
  g_assert_false (g_strv_contains ((const char * const *) ids, b_id));
  /* Its settings are gone, the object someone still holds is intact. */
  spin ();
  {
    g_autofree char *name = g_settings_get_string (raw, "name");
    g_assert_cmpstr (name, ==, "");
  }
  g_assert_cmpstr (pm_profile_get_name (b), ==, "B");
  /* It was the last used one: that is cleared too. */
  last = pm_profile_list_dup_last_id (fixture->list);
  g_assert_null (last);

  pm_profile_list_remove (fixture->list, "no-such-id");
  g_assert_cmpuint (fixture->n_changes, ==, 1);
}

static void
test_last_profile (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(PmProfile) a = pm_profile_list_add (fixture->list, "A");
  g_autofree char *last = NULL;
  g_autofree char *raw = NULL;

  g_assert_null (pm_profile_list_get_last (fixture->list));
  last = pm_profile_list_dup_last_id (fixture->list);
  g_assert_null (last);

  pm_profile_list_set_last_id (fixture->list, pm_profile_get_id (a));
  g_assert_true (pm_profile_list_get_last (fixture->list) == a);
  raw = g_settings_get_string (fixture->settings, "last-profile");
  g_assert_cmpstr (raw, ==, pm_profile_get_id (a));

  pm_profile_list_set_last_id (fixture->list, "sandbox");
  g_clear_pointer (&last, g_free);
  last = pm_profile_list_dup_last_id (fixture->list);
  g_assert_cmpstr (last, ==, "sandbox");
  g_assert_null (pm_profile_list_get_last (fixture->list));

  pm_profile_list_set_last_id (fixture->list, NULL);
  g_clear_pointer (&last, g_free);
  last = pm_profile_list_dup_last_id (fixture->list);
  g_assert_null (last);
}

/* Ids become settings paths: anything but plain id text is ignored. */
static void
test_bad_ids_ignored (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *ids[] = { "../../evil", "a/b", "", "ok-id_1", "ok-id_1", NULL };
  g_autoptr(GSettings) other = g_settings_new_with_backend (APP_SCHEMA, fixture->backend);
  g_autoptr(PmProfileList) list = NULL;

  g_settings_set_strv (fixture->settings, "profiles", ids);
  list = pm_profile_list_new (other);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_nonnull (pm_profile_list_lookup (list, "ok-id_1"));
}

static void
test_validate_base_url (void)
{
  const char *good[] = {
    "https://api.elastic-cloud.com",
    "https://api.elastic-cloud.com/",
    "https://ece.example.com:12443",
    "https://10.0.0.5:12443",
    "HTTPS://ECE.EXAMPLE.COM",
    "http://127.0.0.1:8080",
    "http://localhost:1234",
    "http://[::1]:9999",
  };
  const char *bad[] = {
    "",
    "api.elastic-cloud.com",
    "ftp://api.elastic-cloud.com",
    "http://api.elastic-cloud.com",
    "http://10.0.0.5:12443",
    "https://COORDINATOR_HOST:12443",
    "https://user:secret@api.elastic-cloud.com",
    "https://api.elastic-cloud.com/?x=1",
    "https://api.elastic-cloud.com/#top",
    "https://",
    "https://exa mple.com",
    "not a url",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("good: %s", good[i]);
      g_assert_true (pm_profile_validate_base_url (good[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("bad: %s", bad[i]);
      g_assert_false (pm_profile_validate_base_url (bad[i], &error));
      g_assert_error (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_URL);
      g_assert_cmpstr (error->message, !=, "");
    }
  g_assert_false (pm_profile_validate_base_url (NULL, NULL));
}

static void
test_validate_ca_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pm-test-ca-XXXXXX", &error);
  g_autofree char *pem = NULL;
  g_autofree char *junk = NULL;
  g_autofree char *missing = NULL;
  g_autoptr(PmProfile) profile = pm_profile_new (NULL);

  g_assert_no_error (error);
  pem = g_build_filename (dir, "ca.pem", NULL);
  junk = g_build_filename (dir, "junk.pem", NULL);
  missing = g_build_filename (dir, "missing.pem", NULL);
  g_assert_true (g_file_set_contents (pem, test_ca_pem, -1, NULL));
  g_assert_true (g_file_set_contents (junk, "not a certificate\n", -1, NULL));

  g_assert_true (pm_profile_validate_ca_file (NULL, NULL));
  g_assert_true (pm_profile_validate_ca_file ("", NULL));
  g_assert_true (pm_profile_validate_ca_file (pem, &error));
  g_assert_no_error (error);

  g_assert_false (pm_profile_validate_ca_file ("ca.pem", &error));
  g_assert_error (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_CA_FILE);
  g_clear_error (&error);
  g_assert_false (pm_profile_validate_ca_file (missing, &error));
  g_assert_error (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_CA_FILE);
  g_assert_nonnull (strstr (error->message, "missing.pem"));
  g_clear_error (&error);
  g_assert_false (pm_profile_validate_ca_file (dir, &error));
  g_assert_error (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_CA_FILE);
  g_clear_error (&error);
  g_assert_false (pm_profile_validate_ca_file (junk, &error));
  g_assert_error (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_CA_FILE);
  g_clear_error (&error);

  /* The whole profile: the CA file counts for ECE only. */
  pm_profile_set_name (profile, "ECE");
  pm_profile_set_flavour (profile, PM_FLAVOUR_ECE);
  pm_profile_set_base_url (profile, "https://ece.example.com:12443");
  pm_profile_set_ca_file (profile, junk);
  g_assert_false (pm_profile_validate (profile, &error));
  g_assert_error (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_CA_FILE);
  g_clear_error (&error);
  pm_profile_set_ca_file (profile, pem);
  g_assert_true (pm_profile_validate (profile, &error));
  g_assert_no_error (error);

  g_unlink (pem);
  g_unlink (junk);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/profile/defaults-per-flavour", test_defaults_per_flavour);
  g_test_add_func ("/profile/notify", test_notify);
  g_test_add ("/profile/add-and-persist", Fixture, NULL, fixture_setup, test_add_and_persist, fixture_teardown);
  g_test_add ("/profile/lists-follow-each-other", Fixture, NULL, fixture_setup, test_lists_follow_each_other, fixture_teardown);
  g_test_add ("/profile/update-and-rename", Fixture, NULL, fixture_setup, test_update_and_rename, fixture_teardown);
  g_test_add ("/profile/add-profile", Fixture, NULL, fixture_setup, test_add_profile, fixture_teardown);
  g_test_add ("/profile/remove", Fixture, NULL, fixture_setup, test_remove, fixture_teardown);
  g_test_add ("/profile/last-profile", Fixture, NULL, fixture_setup, test_last_profile, fixture_teardown);
  g_test_add ("/profile/bad-ids-ignored", Fixture, NULL, fixture_setup, test_bad_ids_ignored, fixture_teardown);
  g_test_add_func ("/profile/validate-base-url", test_validate_base_url);
  g_test_add_func ("/profile/validate-ca-file", test_validate_ca_file);

  return g_test_run ();
}
