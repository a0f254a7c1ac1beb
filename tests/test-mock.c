/* test-mock.c: the real app against Prism's mock of Elastic's own specs
 *
 * A server we did not write: `prism mock` answers every operation from the
 * published specs (static: their examples; --dynamic --seed S: data made up
 * from the schemas, the same for the same request and seed). Its replies
 * are what the specs allow, which is more than our sandbox ever sends: ports
 * of -2147483648, types named "string", random text for every id, the same
 * paging cursor again and again.
 *
 * A real account profile (GSettings and the keyring, harness.sh
 * display-keyring) points the real window at it. Every list loads; every
 * element the mock sent (fetched again here, straight from the mock) is in
 * its store and on screen, with the mark where it is odd; no page shows an
 * error and no toast says the answer was unexpected; the number of requests
 * is bounded; and a policy the user saves with an odd rule left alone goes
 * back with that rule as it came.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "pm-application.h"
#include "pm-claims-page.h"
#include "pm-entities-page.h"
#include "pm-keyring.h"
#include "pm-oddity-marker.h"
#include "pm-policies-page.h"
#include "pm-policy-editor.h"
#include "pm-validate.h"
#include "pm-profile-list.h"
#include "pm-screenshots.h"
#include "pm-test-api.h"
#include "pm-test-prism.h"
#include "pm-test-util.h"
#include "pm-text-cell.h"
#include "pm-window.h"

#define API_KEY "mock-key"
#define WAIT_MS 90000
/* A refresh of a handful of policies, entities and claims. A client that
 * followed the mock's endless pager sent thousands. */
#define MAX_REQUESTS 60

typedef struct {
  PmFlavour   flavour;
  int         seed;            /* -1: static (the specs' examples) */
} MockCase;

static PmApplication *app;
static char *tmpdir;
static char *hosted_spec;
static char *serverless_spec;

/* ---- the mock, and what it says when asked directly ------------------- */

static JsonNode *
fetch (guint16     port,
       const char *path)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "ApiKey " API_KEY);
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  node = json_from_string (g_bytes_get_data (bytes, NULL), &error);
  g_assert_no_error (error);
  return node;
}

/* The mock's list of policies, and its member of the reply. */
static const char *
policies_member (PmFlavour flavour)
{
  return flavour == PM_FLAVOUR_SERVERLESS ? "items" : "rulesets";
}

static JsonNode *
fetch_policies (guint16   port,
                PmFlavour flavour)
{
  return fetch (port, flavour == PM_FLAVOUR_SERVERLESS ? "/api/v1/serverless/traffic-filters"
                                                       : "/api/v1/deployments/traffic-filter/rulesets");
}

/* The ids and names of the elements of list (member of the reply) that
 * have an id: what Perimeter must show. */
static void
collect (JsonNode   *reply,
         const char *member,
         GHashTable *names)    /* id → name (or NULL) */
{
  JsonNode *list = json_object_get_member (json_node_get_object (reply), member);

  g_assert_nonnull (list);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (list), i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      JsonNode *id = object ? json_object_get_member (object, "id") : NULL;
      JsonNode *name = object ? json_object_get_member (object, "name") : NULL;

      if (id == NULL || json_node_get_value_type (id) != G_TYPE_STRING || *json_node_get_string (id) == '\0')
        continue;
      /* The mock makes up ids, the same one now and then: one element
       * an id, the first (as the stores keep it). */
      if (g_hash_table_contains (names, json_node_get_string (id)))
        {
          g_test_message ("the mock sent id “%s” twice", json_node_get_string (id));
          continue;
        }
      g_hash_table_insert (names, g_strdup (json_node_get_string (id)),
                           name && JSON_NODE_HOLDS_VALUE (name) && json_node_get_value_type (name) == G_TYPE_STRING
                           ? g_strdup (json_node_get_string (name)) : NULL);
    }
}

/* ---- the widgets, as a person sees them --------------------------------- */

static gboolean
widget_shown (GtkWidget *widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_child_visible (widget);
}

/* Every shown text under root: labels, list cells, rows' titles. */
static void
collect_texts (GtkWidget *root,
               GPtrArray *texts)
{
  if (!widget_shown (root))
    return;
  if (GTK_IS_LABEL (root))
    g_ptr_array_add (texts, (gpointer) gtk_label_get_label (GTK_LABEL (root)));
  else if (PM_IS_TEXT_CELL (root) && pm_text_cell_get_text (PM_TEXT_CELL (root)) != NULL)
    g_ptr_array_add (texts, (gpointer) pm_text_cell_get_text (PM_TEXT_CELL (root)));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

static guint
count_marks (GtkWidget *root)
{
  guint n = 0;

  if (!widget_shown (root))
    return 0;
  if (GTK_IS_IMAGE (root) && g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (root)), "dialog-warning-symbolic") == 0)
    {
      /* It says what is odd, in its tooltip. */
      g_assert_true (g_str_has_prefix (pm_oddity_marker_get_text (root), "Kept as the server sent it:\n"));
      g_assert_true (gtk_widget_get_has_tooltip (root));
      n++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_marks (child);
  return n;
}

static gboolean
text_shown (GtkWidget  *root,
            const char *text)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  collect_texts (root, texts);
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (texts->pdata[i], text) == 0)
      return TRUE;
  return FALSE;
}

/* No error page, no "unexpected answer" toast, anywhere in the window. */
static void
assert_no_failure_shown (GtkWidget *window)
{
  static const char * const failures[] = { "Could Not Load", "Unexpected answer", "unexpected answer", NULL };
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  collect_texts (window, texts);
  for (guint i = 0; i < texts->len; i++)
    for (guint f = 0; failures[f] != NULL; f++)
      if (texts->pdata[i] != NULL && strstr (texts->pdata[i], failures[f]) != NULL)
        g_error ("the window shows “%s”", (const char *) texts->pdata[i]);
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A few frames, so that what was just shown is laid out and mapped. */
static void
settle (GtkWidget *window)
{
  gint64 until = g_get_monotonic_time () + 300 * 1000;

  gtk_widget_queue_draw (window);
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* With PM_SCREENSHOT_DIR, what the page looks like, to look at. */
static void
shoot (GtkWidget  *widget,
       const char *name)
{
  const char *dir = g_getenv ("PM_SCREENSHOT_DIR");
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    return;
  file = g_strdelimit (g_strconcat (g_test_get_path () + 1, "-", name, ".png", NULL), "/", '-');
  path = g_build_filename (dir, file, NULL);
  gtk_test_widget_wait_for_draw (widget);
  settle (widget);
  g_assert_true (pm_screenshots_save_widget (widget, path, &error));
  g_assert_no_error (error);
}

/* ---- an account on the mock ------------------------------------------- */

static gboolean
policies_done (gpointer data)
{
  PmSession *session = pm_window_get_session (data);

  return session != NULL && !pm_session_get_busy (session) &&
         (pm_policy_store_get_loaded (pm_session_get_policies (session)) ||
          pm_policy_store_get_error (pm_session_get_policies (session)) != NULL);
}

static gboolean
entities_done (gpointer data)
{
  PmEntityStore *store = pm_session_get_entities (pm_window_get_session (data));

  return !pm_entity_store_get_loading (store) &&
         (pm_entity_store_get_loaded (store) || pm_entity_store_get_error (store) != NULL);
}

static gboolean
claims_done (gpointer data)
{
  PmClaimStore *store = pm_session_get_claims (pm_window_get_session (data));

  return !pm_claim_store_get_loading (store) &&
         (pm_claim_store_get_loaded (store) || pm_claim_store_get_error (store) != NULL);
}

static char *
add_profile (PmFlavour flavour,
             guint16   port)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(PmProfileList) profiles = pm_profile_list_new (settings);
  g_autoptr(PmProfile) values = pm_profile_new (NULL);
  g_autoptr(PmProfile) profile = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", port);

  pm_profile_set_name (values, "Mock");
  pm_profile_set_flavour (values, flavour);
  pm_profile_set_base_url (values, url);
  profile = pm_profile_list_add_profile (profiles, values, &error);
  g_assert_no_error (error);
  pm_keyring_store_async (pm_profile_get_id (profile), "Perimeter: Mock", API_KEY, NULL, pm_test_result_cb, &result);
  g_assert_true (pm_keyring_store_finish (pm_test_wait (&result), &error));
  g_assert_no_error (error);
  return g_strdup (pm_profile_get_id (profile));
}

/* Every policy the mock lists is in the store and on the page, the odd
 * ones marked. */
static void
check_policies (PmWindow  *window,
                guint16    port,
                PmFlavour  flavour)
{
  PmSession *session = pm_window_get_session (window);
  PmPolicyStore *store = pm_session_get_policies (session);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonNode) reply = NULL;
  GtkWidget *page;
  GHashTableIter iter;
  gpointer id, name;
  guint odd = 0;

  reply = fetch_policies (port, flavour);
  collect (reply, policies_member (flavour), expected);

  pm_window_show_section (window, "policies");
  settle (GTK_WIDGET (window));
  page = find_type (GTK_WIDGET (window), PM_TYPE_POLICIES_PAGE);
  g_assert_nonnull (page);
  g_assert_null (pm_policy_store_get_error (store));
  if (g_hash_table_size (expected) > 0)
    g_assert_cmpstr (pm_policies_page_get_state (PM_POLICIES_PAGE (page)), ==, "list");

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &id, &name))
    {
      PmPolicy *policy = pm_policy_store_lookup (store, id);
      g_auto(GStrv) marks = NULL;

      if (policy == NULL)
        g_error ("policy %s, sent by the mock, is not in the store", (const char *) id);
      /* Its name as shown: the mock's text, or what stands for a name that is not text. */
      if (!text_shown (page, name != NULL ? name : pm_policy_get_name (policy)))
        g_error ("policy %s (“%s”) is not on screen", (const char *) id, pm_policy_get_name (policy));
      marks = pm_validate_dup_marks (policy, NULL);
      if (marks != NULL)
        odd++;
    }
  g_test_message ("%u policies, %u marked odd", g_hash_table_size (expected), odd);
  shoot (GTK_WIDGET (window), "policies");
  g_assert_cmpuint (count_marks (page), ==, odd);
}

static void
check_entities (PmWindow  *window,
                guint16    port,
                PmFlavour  flavour)
{
  PmEntityStore *store = pm_session_get_entities (pm_window_get_session (window));
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GtkWidget *page;
  GHashTableIter iter;
  gpointer id, name;

  if (flavour == PM_FLAVOUR_SERVERLESS)
    {
      static const char * const kinds[] = { "elasticsearch", "observability", "security" };

      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        {
          g_autofree char *path = g_strdup_printf ("/api/v1/serverless/projects/%s", kinds[i]);
          g_autoptr(JsonNode) reply = fetch (port, path);

          collect (reply, "items", expected);
        }
    }
  else
    {
      g_autoptr(JsonNode) reply = fetch (port, "/api/v1/deployments");

      collect (reply, "deployments", expected);
    }

  pm_window_show_section (window, "entities");
  pm_test_wait_until (entities_done, window, WAIT_MS);
  settle (GTK_WIDGET (window));
  page = find_type (GTK_WIDGET (window), PM_TYPE_ENTITIES_PAGE);
  g_assert_nonnull (page);
  g_assert_null (pm_entity_store_get_error (store));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &id, &name))
    {
      PmEntity *entity = pm_entity_store_lookup (store, id);

      if (entity == NULL)
        g_error ("%s, sent by the mock, is not in the store", (const char *) id);
      if (!text_shown (page, pm_entity_get_name (entity)))
        g_error ("%s (“%s”) is not on screen", (const char *) id, pm_entity_get_name (entity));
    }
  g_test_message ("%u deployments or projects", g_hash_table_size (expected));
  shoot (GTK_WIDGET (window), "entities");
}

static void
check_claims (PmWindow  *window,
              PmFlavour  flavour)
{
  PmClaimStore *store = pm_session_get_claims (pm_window_get_session (window));
  GtkWidget *page;

  pm_window_show_section (window, "claims");
  pm_test_wait_until (claims_done, window, WAIT_MS);
  settle (GTK_WIDGET (window));
  page = find_type (GTK_WIDGET (window), PM_TYPE_CLAIMS_PAGE);
  g_assert_nonnull (page);
  g_assert_null (pm_claim_store_get_error (store));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(PmLinkClaim) claim = g_list_model_get_item (G_LIST_MODEL (store), i);
      const char *name = pm_link_claim_get_azure_endpoint_name (claim);
      const char *title = name && *name ? name : pm_link_claim_get_link_id (claim);

      if (!text_shown (page, title))
        g_error ("claim “%s” is not on screen", title);
    }
  g_test_message ("%u claims", g_list_model_get_n_items (G_LIST_MODEL (store)));
  shoot (GTK_WIDGET (window), "claims");
}

/* A policy with a rule the app would not send: the user changes its
 * description and saves; what goes is the rest as it came. */
static gboolean
editor_idle (gpointer data)
{
  return !pm_policy_editor_get_busy (data);
}

static void
check_save_keeps_odd_rules (PmWindow  *window,
                            guint16    port,
                            PmFlavour  flavour)
{
  PmSession *session = pm_window_get_session (window);
  PmPolicyStore *store = pm_session_get_policies (session);
  PmPolicy *odd = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *json = NULL;
  PmPolicyEditor *editor;
  JsonArray *rules = NULL;
  JsonArray *sent_rules;

  for (guint i = 0; odd == NULL && i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (pm_policy_get_policy_type (policy) != PM_POLICY_TYPE_UNKNOWN && pm_policy_get_n_rules (policy) > 0)
        odd = policy;
    }
  if (odd == NULL)
    {
      g_test_message ("no policy of a known type with rules to save");
      return;
    }

  reply = fetch_policies (port, flavour);
  {
    JsonArray *list = json_object_get_array_member (json_node_get_object (reply), policies_member (flavour));

    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *object = json_array_get_object_element (list, i);

        if (g_strcmp0 (json_object_get_string_member_with_default (object, "id", NULL), pm_policy_get_id (odd)) == 0)
          rules = json_object_get_array_member (object, "rules");
      }
  }
  g_assert_nonnull (rules);

  editor = pm_policy_editor_new (GTK_WIDGET (window), session, odd);
  g_object_ref_sink (editor);
  gtk_window_present (GTK_WINDOW (editor));
  gtk_editable_set_text (GTK_EDITABLE (pm_policy_editor_get_field (editor, "description")), "Changed by the mock test");
  g_assert_true (pm_policy_editor_get_modified (editor));
  {
    g_autofree char *problems = pm_policy_editor_dup_problems (editor);

    /* What the server sent and the user left alone is not theirs to fix. */
    g_assert_null (problems);
  }

  shoot (GTK_WIDGET (editor), "editor");
  json = pm_policy_editor_dup_json (editor);
  sent = json_from_string (json, NULL);
  sent_rules = json_object_get_array_member (json_node_get_object (sent), "rules");
  g_assert_cmpuint (json_array_get_length (sent_rules), ==, json_array_get_length (rules));
  for (guint i = 0; i < json_array_get_length (rules); i++)
    if (!json_node_equal (json_array_get_element (rules, i), json_array_get_element (sent_rules, i)))
      {
        g_autofree char *was = json_to_string (json_array_get_element (rules, i), FALSE);
        g_autofree char *goes = json_to_string (json_array_get_element (sent_rules, i), FALSE);

        g_error ("rule %u was %s and would go as %s", i + 1, was, goes);
      }

  /* The mock checks what it is sent against the spec. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  pm_test_wait_until (editor_idle, editor, WAIT_MS);
  g_assert_null (pm_policy_editor_get_error_text (editor));
  gtk_window_destroy (GTK_WINDOW (editor));
  g_object_unref (editor);
}

static void
test_mock (gconstpointer data)
{
  const MockCase *mc = data;
  g_autofree char *seed = g_strdup_printf ("%d", mc->seed);
  g_autofree char *log_path = g_build_filename (tmpdir, "prism.log", NULL);
  const char *spec = mc->flavour == PM_FLAVOUR_SERVERLESS ? serverless_spec : hosted_spec;
  const char *argv_static[] = { "mock", spec, NULL };
  const char *argv_dynamic[] = { "mock", spec, "--dynamic", "--seed", seed, NULL };
  guint16 port = pm_test_free_port ();
  g_autoptr(GSubprocess) prism = pm_test_prism_start (mc->seed < 0 ? argv_static : argv_dynamic, port, log_path);
  g_autofree char *profile_id = add_profile (mc->flavour, port);
  PmWindow *window = pm_window_new (app);
  guint requests;

  gtk_window_present (GTK_WINDOW (window));
  pm_window_open_profile (window, profile_id);
  pm_test_wait_until (policies_done, window, WAIT_MS);
  settle (GTK_WIDGET (window));

  check_policies (window, port, mc->flavour);
  assert_no_failure_shown (GTK_WIDGET (window));
  check_entities (window, port, mc->flavour);
  assert_no_failure_shown (GTK_WIDGET (window));
  if (mc->flavour != PM_FLAVOUR_SERVERLESS)
    {
      check_claims (window, mc->flavour);
      assert_no_failure_shown (GTK_WIDGET (window));
    }

  requests = pm_test_prism_count_requests (log_path);
  g_test_message ("%u requests to the mock (the test's own included)", requests);
  g_assert_cmpuint (requests, <=, MAX_REQUESTS);

  check_save_keeps_odd_rules (window, port, mc->flavour);

  gtk_window_destroy (GTK_WINDOW (window));
  pm_test_prism_stop (prism);
  g_unlink (log_path);
}

int
main (int   argc,
      char *argv[])
{
  static const MockCase cases[] = {
    { PM_FLAVOUR_HOSTED, -1 }, { PM_FLAVOUR_HOSTED, 1 }, { PM_FLAVOUR_HOSTED, 7 }, { PM_FLAVOUR_HOSTED, 42 },
    { PM_FLAVOUR_SERVERLESS, -1 }, { PM_FLAVOUR_SERVERLESS, 1 }, { PM_FLAVOUR_SERVERLESS, 7 }, { PM_FLAVOUR_SERVERLESS, 42 },
  };
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();
  app = pm_application_new_non_unique ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  tmpdir = g_dir_make_tmp ("pm-mock-XXXXXX", &error);
  g_assert_no_error (error);
  hosted_spec = pm_test_prism_write_hosted_spec (tmpdir);
  serverless_spec = pm_test_prism_write_serverless_spec (tmpdir);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = cases[i].seed < 0
        ? g_strdup_printf ("/mock/%s/static", cases[i].flavour == PM_FLAVOUR_SERVERLESS ? "serverless" : "hosted")
        : g_strdup_printf ("/mock/%s/dynamic/seed-%d", cases[i].flavour == PM_FLAVOUR_SERVERLESS ? "serverless" : "hosted",
                           cases[i].seed);

      g_test_add_data_func (path, &cases[i], test_mock);
    }
  status = g_test_run ();

  g_unlink (hosted_spec);
  g_unlink (serverless_spec);
  g_rmdir (tmpdir);
  g_clear_pointer (&hosted_spec, g_free);
  g_clear_pointer (&serverless_spec, g_free);
  g_clear_pointer (&tmpdir, g_free);
  g_clear_object (&app);
  return status;
}
