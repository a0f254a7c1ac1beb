/* test-keyring.c: API keys in a real gnome-keyring-daemon (private D-Bus
 * session and HOME, see harness.sh): store, look up, replace, delete, a
 * missing key, removing a profile with its key, the locked keyring, and a
 * canary key found nowhere in plain text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "pm-keyring.h"
#include "pm-profile.h"
#include "pm-test-util.h"

static gint64 test_start_time;   /* real time, µs */

static gboolean
store_key (const char  *id,
           const char  *label,
           const char  *key,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_keyring_store_async (id, label, key, NULL, pm_test_result_cb, &result);
  return pm_keyring_store_finish (pm_test_wait (&result), error);
}

static char *
lookup_key (const char  *id,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_keyring_lookup_async (id, NULL, pm_test_result_cb, &result);
  return pm_keyring_lookup_finish (pm_test_wait (&result), error);
}

static gboolean
delete_key (const char  *id,
            GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_keyring_delete_async (id, NULL, pm_test_result_cb, &result);
  return pm_keyring_delete_finish (pm_test_wait (&result), error);
}

/* Items of our schema for a profile, locked ones included. (The async
 * search: libsecret 0.20's sync search leaks a little inside GIO.) */
static GList *
search_items (const char *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;

  secret_password_search (pm_keyring_get_schema (), SECRET_SEARCH_ALL, NULL, pm_test_result_cb, &result,
                          "profile-id", id, NULL);
  items = secret_password_search_finish (pm_test_wait (&result), &error);
  g_assert_no_error (error);
  return items;
}

static guint
count_items (const char *id)
{
  GList *items = search_items (id);
  guint n = g_list_length (items);

  g_list_free_full (items, g_object_unref);
  return n;
}

static char *
new_profile_id (void)
{
  return g_uuid_string_random ();
}

static void
test_store_lookup_replace_delete (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = new_profile_id ();
  char *key;

  g_assert_true (store_key (id, "Production", "first-key-0001", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (id), ==, 1);

  key = lookup_key (id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "first-key-0001");
  pm_keyring_free_key (key);

  /* Storing again replaces the key; still one item. */
  g_assert_true (store_key (id, "Production", "second-key-0002", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (id), ==, 1);
  key = lookup_key (id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "second-key-0002");
  pm_keyring_free_key (key);

  /* The label names the account for keyring managers. */
  {
    GList *items = search_items (id);
    g_autofree char *label = NULL;

    g_assert_nonnull (items);
    label = secret_retrievable_get_label (items->data);
    g_assert_nonnull (strstr (label, "Production"));
    g_list_free_full (items, g_object_unref);
  }

  g_assert_true (delete_key (id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (id), ==, 0);
  key = lookup_key (id, &error);
  g_assert_null (key);
  g_assert_error (error, PM_KEYRING_ERROR, PM_KEYRING_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting what is not there is not an error. */
  g_assert_true (delete_key (id, &error));
  g_assert_no_error (error);
}

static void
test_missing_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = new_profile_id ();
  char *key = lookup_key (id, &error);

  g_assert_null (key);
  g_assert_error (error, PM_KEYRING_ERROR, PM_KEYRING_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "enter its key again"));
}

static void
test_profiles_are_separate (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = new_profile_id ();
  g_autofree char *b = new_profile_id ();
  char *key;

  g_assert_true (store_key (a, "A", "key-of-a", &error));
  g_assert_true (store_key (b, "B", "key-of-b", &error));
  g_assert_no_error (error);
  g_assert_true (delete_key (a, &error));

  key = lookup_key (b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "key-of-b");
  pm_keyring_free_key (key);
  g_assert_true (delete_key (b, &error));
}

static void
test_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = new_profile_id ();
  char *key;

  g_cancellable_cancel (cancellable);
  pm_keyring_lookup_async (id, cancellable, pm_test_result_cb, &result);
  key = pm_keyring_lookup_finish (pm_test_wait (&result), &error);
  g_assert_null (key);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Without a session bus there is no Secret Service: a clear error, and
 * nothing written anywhere else. Runs in a subprocess, which connects to the
 * bus only after the environment is changed. */
static void
test_no_service (gconstpointer data)
{
  const char *address = data;

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *id = new_profile_id ();
      char *key;

      if (address != NULL)
        g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
      else
        g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
      g_unsetenv ("DISPLAY");
      g_unsetenv ("WAYLAND_DISPLAY");

      key = lookup_key (id, &error);
      g_assert_null (key);
      g_assert_error (error, PM_KEYRING_ERROR, PM_KEYRING_ERROR_NO_SERVICE);
      g_clear_error (&error);
      g_assert_false (store_key (id, "Nowhere", "key-with-nowhere-to-go", &error));
      g_assert_error (error, PM_KEYRING_ERROR, PM_KEYRING_ERROR_NO_SERVICE);
      g_assert_cmpstr (error->message, ==, "No keyring service is running. Log in to a session with a keyring "
                                           "such as GNOME Keyring, then try again.");
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, 0);
  g_test_trap_assert_passed ();
}

/* Removing a profile through the list deletes its key too. */
static void
test_profile_remove_deletes_key (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = g_settings_new_with_backend ("io.github.perimeter.Perimeter", backend);
  g_autoptr(PmProfileList) list = pm_profile_list_new (settings);
  g_autoptr(PmProfile) profile = pm_profile_list_add (list, "Doomed");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_strdup (pm_profile_get_id (profile));

  g_assert_true (store_key (id, "Doomed", "doomed-key", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items (id), ==, 1);

  pm_profile_list_remove_async (list, id, NULL, pm_test_result_cb, &result);
  g_assert_true (pm_profile_list_remove_finish (list, pm_test_wait (&result), &error));
  g_assert_no_error (error);
  g_assert_null (pm_profile_list_lookup (list, id));
  g_assert_cmpuint (count_items (id), ==, 0);
}

static gboolean
contains_bytes (const char *haystack,
                gsize       length,
                const char *needle)
{
  gsize n = strlen (needle);

  for (const char *p = haystack; n <= length && p <= haystack + length - n; p++)
    {
      p = memchr (p, needle[0], haystack + length - n + 1 - p);
      if (p == NULL)
        return FALSE;
      if (memcmp (p, needle, n) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Reads every regular file under dir (for /tmp only those changed since
 * the test started) and returns the first that holds needle, or NULL. */
static char *
find_in_files (const char *dir,
               const char *needle,
               gboolean    only_new,
               guint      *n_files)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return NULL;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          char *found = find_in_files (path, needle, only_new, n_files);

          if (found != NULL)
            return found;
          continue;
        }
      if (!S_ISREG (st.st_mode) || st.st_size > 64 * 1024 * 1024)
        continue;
      if (only_new && (gint64) st.st_mtime * G_USEC_PER_SEC < test_start_time - G_USEC_PER_SEC)
        continue;
      if (!g_file_get_contents (path, &contents, &length, NULL))
        continue;
      (*n_files)++;
      if (contains_bytes (contents, length, needle))
        return g_steal_pointer (&path);
    }
  return NULL;
}

static void
assert_not_in_files (const char *dir,
                     const char *needle,
                     gboolean    only_new,
                     guint      *n_files)
{
  g_autofree char *found = find_in_files (dir, needle, only_new, n_files);

  if (found != NULL)
    g_error ("the canary key was found in plain text in %s", found);
}

static void
test_canary_not_in_plaintext (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = new_profile_id ();
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *canary = g_strdup_printf ("pm-canary-%s", uuid);
  const char *env_dirs[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR",
                             "XDG_STATE_HOME" };
  g_autofree char *keyrings = NULL;
  guint n_files = 0;
  guint n_keyring_files = 0;
  char *key;

  /* The harness gives a private HOME; never scan a real one. */
  g_assert_nonnull (strstr (g_get_home_dir (), "pm-test-home"));

  /* The search does find plain text where there is some. */
  {
    g_autofree char *control = g_build_filename (g_get_user_cache_dir (), "control", "file.txt", NULL);
    g_autofree char *control_dir = g_path_get_dirname (control);
    g_autofree char *found = NULL;
    g_autofree char *text = g_strdup_printf ("before %s after", canary);
    guint n_control = 0;

    g_assert_cmpint (g_mkdir_with_parents (control_dir, 0700), ==, 0);
    g_assert_true (g_file_set_contents (control, text, -1, NULL));
    found = find_in_files (g_get_home_dir (), canary, FALSE, &n_control);
    g_assert_cmpstr (found, ==, control);
    g_assert_cmpint (g_unlink (control), ==, 0);
  }

  g_assert_true (store_key (id, "Canary", canary, &error));
  g_assert_no_error (error);
  key = lookup_key (id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, canary);
  pm_keyring_free_key (key);

  /* The keyring daemon writes its file when the item is created. */
  keyrings = g_build_filename (g_get_user_data_dir (), "keyrings", NULL);
  assert_not_in_files (keyrings, canary, FALSE, &n_keyring_files);
  g_assert_cmpuint (n_keyring_files, >, 0);

  assert_not_in_files (g_get_home_dir (), canary, FALSE, &n_files);
  for (guint i = 0; i < G_N_ELEMENTS (env_dirs); i++)
    if (g_getenv (env_dirs[i]) != NULL)
      assert_not_in_files (g_getenv (env_dirs[i]), canary, FALSE, &n_files);
  /* The test's own temporary folder (tests/harness.sh) */
  assert_not_in_files (g_get_tmp_dir (), canary, TRUE, &n_files);
  g_test_message ("searched %u files (%u in the keyring folder)", n_files, n_keyring_files);
  g_assert_cmpuint (n_files, >, 0);

  /* Nor in the environment. */
  {
    g_auto(GStrv) env = g_get_environ ();

    for (guint i = 0; env[i] != NULL; i++)
      g_assert_null (strstr (env[i], canary));
  }

  g_assert_true (delete_key (id, &error));
}

/* Lock the login keyring (gnome-keyring allows that without a prompt);
 * unlocking it again needs a prompt, which fails here (no display for
 * gcr-prompter), as when a user dismisses it. Runs last. */
static void
test_locked_keyring (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autofree char *id = new_profile_id ();
  g_autofree char *other = new_profile_id ();
  GList *to_lock = NULL;
  GList *locked = NULL;
  gint64 started;
  char *key;

  g_assert_true (store_key (id, "Locked", "key-before-locking", &error));
  g_assert_no_error (error);

  service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  to_lock = g_list_append (NULL, collection);
  g_assert_cmpint (secret_service_lock_sync (service, to_lock, NULL, &locked, &error), ==, 1);
  g_assert_no_error (error);
  g_list_free (to_lock);
  g_list_free_full (locked, g_object_unref);
  g_assert_true (secret_collection_get_locked (collection));

  started = g_get_monotonic_time ();
  key = lookup_key (id, &error);
  g_assert_null (key);
  g_assert_error (error, PM_KEYRING_ERROR, PM_KEYRING_ERROR_LOCKED);
  g_assert_cmpstr (error->message, ==, "The keyring is locked. Unlock it in your session and try again.");
  g_clear_error (&error);

  g_assert_false (store_key (other, "Other", "key-while-locked", &error));
  g_assert_error (error, PM_KEYRING_ERROR, PM_KEYRING_ERROR_LOCKED);
  g_clear_error (&error);

  /* An answer, not a hang. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 20 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  test_start_time = g_get_real_time ();

  g_test_add_func ("/keyring/store-lookup-replace-delete", test_store_lookup_replace_delete);
  g_test_add_func ("/keyring/missing-key", test_missing_key);
  g_test_add_func ("/keyring/profiles-are-separate", test_profiles_are_separate);
  g_test_add_func ("/keyring/cancelled", test_cancelled);
  g_test_add_data_func ("/keyring/no-service/no-bus-socket", "unix:path=/nonexistent/pm-test-bus", test_no_service);
  g_test_add_data_func ("/keyring/no-service/no-bus-address", NULL, test_no_service);
  g_test_add_func ("/keyring/profile-remove-deletes-key", test_profile_remove_deletes_key);
  g_test_add_func ("/keyring/canary-not-in-plaintext", test_canary_not_in_plaintext);
  g_test_add_func ("/keyring/locked-keyring", test_locked_keyring);

  return g_test_run ();
}
