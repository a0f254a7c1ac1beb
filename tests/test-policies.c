/* test-policies.c: the policies page, the policy editor and the entities
 * page against the in-process sandbox, for Hosted, ECE and Serverless
 *
 * Runs under Xvfb. Widgets are driven through their actions and models;
 * results are read back from the sandbox's state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "pm-bulk-op.h"
#include "pm-claims-page.h"
#include "pm-entities-page.h"
#include "pm-file-choice.h"
#include "pm-my-networks.h"
#include "pm-policies-page.h"
#include "pm-policy-actions.h"
#include "pm-policy-editor.h"
#include "pm-preferences-dialog.h"
#include "pm-sandbox.h"
#include "pm-screenshots.h"
#include "pm-test-api.h"
#include "pm-test-dialog.h"
#include "pm-text-cell.h"
#include "pm-test-util.h"

#define WAIT_MS 15000

typedef struct
{
  PmFlavour       flavour;
  PmSandbox      *sandbox;
  PmHttp         *http;
  PmSession      *session;
  GtkWindow      *window;
  PmPoliciesPage *page;
  PmEntitiesPage *entities;
} Fixture;

/* Waiting */

/* Loaded, and the pages' lists told of everything the stores hold. */
static gboolean
stores_loaded (gpointer data)
{
  Fixture *f = data;

  return pm_test_session_loaded (f->session)
         && !pm_policies_page_get_pending (f->page)
         && (f->entities == NULL || !pm_entities_page_get_pending (f->entities));
}

static gboolean
editor_closed (gpointer data)
{
  Fixture *f = data;

  return pm_policies_page_get_editor (f->page) == NULL;
}

static gboolean
dialog_open (gpointer data)
{
  return pm_policy_actions_get_dialog () != NULL;
}

static void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Fixture */

static gboolean
stores_settled (gpointer data)
{
  Fixture *f = data;
  PmPolicyStore *store = pm_session_get_policies (f->session);

  return (pm_policy_store_get_loaded (store) || pm_policy_store_get_error (store) != NULL)
         && !pm_policy_store_get_loading (store) && !pm_policies_page_get_pending (f->page);
}

static GtkWidget *find_label (GtkWidget  *root,
                              const char *text);

static gboolean
page_shows_no_results (gpointer data)
{
  Fixture *f = data;

  return g_strcmp0 (pm_policies_page_get_state (f->page), "no-results") == 0;
}

static gboolean
loading_page_shown (gpointer data)
{
  Fixture *f = data;

  return find_label (GTK_WIDGET (f->page), "Loading Policies") != NULL;
}

/* fault: injected before the first load; empty: no demo data. */
static Fixture *
fixture_new_full (PmFlavour   flavour,
                  const char *fault,
                  gboolean    empty)
{
  Fixture *f = g_new0 (Fixture, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmApi) api = NULL;
  g_autofree char *url = NULL;
  GtkWidget *paned;

  f->flavour = flavour;
  f->sandbox = pm_sandbox_new ();
  pm_sandbox_set_empty (f->sandbox, empty);
  if (fault != NULL)
    g_assert_true (pm_sandbox_add_fault (f->sandbox, fault, NULL));
  g_assert_true (pm_sandbox_start_in_thread (f->sandbox, 0, &error));
  g_assert_no_error (error);
  url = pm_sandbox_dup_base_url (f->sandbox);
  f->http = pm_http_new (url, PM_SANDBOX_DEFAULT_API_KEY, &error);
  g_assert_no_error (error);
  pm_http_set_retry_policy (f->http, 2, 10, 2000);
  api = pm_api_new_for_flavour (flavour, f->http);
  f->session = pm_session_new (api, "Sandbox", TRUE);

  /* As in the app, dialogs are shown inside the window. */
  f->window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (f->window, 1200, 760);
  f->page = pm_policies_page_new ();
  f->entities = pm_entities_page_new ();
  paned = gtk_paned_new (GTK_ORIENTATION_VERTICAL);
  gtk_paned_set_start_child (GTK_PANED (paned), GTK_WIDGET (f->page));
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (f->entities));
  gtk_paned_set_position (GTK_PANED (paned), 480);
  {
    /* As in the window: toasts, and their Undo, need an overlay. */
    GtkWidget *overlay = adw_toast_overlay_new ();

    adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), paned);
    adw_window_set_content (ADW_WINDOW (f->window), overlay);
  }
  pm_policies_page_set_session (f->page, f->session);
  pm_entities_page_set_session (f->entities, f->session);
  gtk_window_present (f->window);

  g_assert_cmpstr (pm_policies_page_get_state (f->page), ==, "loading");
  /* The page was given its session while hidden: the loading page is
   * built, and shown, as the page is. */
  pm_test_wait_until (loading_page_shown, f, WAIT_MS);
  pm_session_refresh (f->session);
  pm_test_wait_until (fault != NULL ? stores_settled : stores_loaded, f, WAIT_MS);
  return f;
}

static Fixture *
fixture_new (PmFlavour flavour)
{
  return fixture_new_full (flavour, NULL, FALSE);
}

static void
fixture_free (Fixture *f)
{
  PmPolicyEditor *editor = pm_policies_page_get_editor (f->page);
  GtkWidget *dialog = pm_policy_actions_get_dialog ();

  /* Closed, a dialog answers its close response: what it started ends. */
  if (ADW_IS_DIALOG (dialog))
    adw_dialog_close (ADW_DIALOG (dialog));
  else if (dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
  if (editor != NULL)
    gtk_window_destroy (GTK_WINDOW (editor));
  pm_session_shutdown (f->session);
  gtk_window_destroy (f->window);
  spin (50);
  g_clear_object (&f->session);
  g_clear_object (&f->http);
  pm_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_free (f);
}

/* The sandbox's state */

static JsonArray *
state_policies (Fixture   *f,
                JsonNode **keep)
{
  JsonObject *root;

  *keep = pm_sandbox_dup_state (f->sandbox);
  root = json_node_get_object (*keep);
  if (f->flavour == PM_FLAVOUR_SERVERLESS)
    return json_object_get_array_member (json_object_get_object_member (root, "serverless"), "traffic_filters");
  return json_object_get_array_member (json_object_get_object_member (root, "hosted"), "rulesets");
}

/* A copy of the policy named `name` in the sandbox, or NULL. */
static JsonObject *
state_policy (Fixture    *f,
              const char *name)
{
  g_autoptr(JsonNode) state = NULL;
  JsonArray *policies = state_policies (f, &state);

  for (guint i = 0; i < json_array_get_length (policies); i++)
    {
      JsonObject *policy = json_array_get_object_element (policies, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (policy, "name", ""), name) == 0)
        return json_object_ref (policy);
    }
  return NULL;
}

static guint
state_count (Fixture    *f,
             const char *member,
             const char *value)
{
  g_autoptr(JsonNode) state = NULL;
  JsonArray *policies = state_policies (f, &state);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (policies); i++)
    {
      JsonObject *policy = json_array_get_object_element (policies, i);

      if (member == NULL)
        n++;
      else if (g_strcmp0 (json_object_get_string_member_with_default (policy, member, ""), value) == 0)
        n++;
    }
  return n;
}

/* Policies whose JSON mentions the text, case-insensitively. */
static guint
state_count_mentioning (Fixture    *f,
                        const char *text)
{
  g_autoptr(JsonNode) state = NULL;
  JsonArray *policies = state_policies (f, &state);
  g_autofree char *needle = g_utf8_strdown (text, -1);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (policies); i++)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), json_array_get_object_element (policies, i));
      JsonObject *copy = json_object_ref (json_array_get_object_element (policies, i));
      g_autofree char *json = NULL;
      g_autofree char *lower = NULL;

      json_object_remove_member (copy, "associations");
      json_object_remove_member (copy, "etag");
      json_object_remove_member (copy, "total_associations");
      json_node_set_object (node, copy);
      json = json_to_string (node, FALSE);
      lower = g_utf8_strdown (json, -1);
      if (strstr (lower, needle) != NULL)
        n++;
      json_object_unref (copy);
    }
  return n;
}

/* Entity ids holding a policy: Hosted associations, Serverless projects. */
static GStrv
state_holders (Fixture    *f,
               const char *policy_id)
{
  g_autoptr(JsonNode) state = pm_sandbox_dup_state (f->sandbox);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonObject *root = json_node_get_object (state);

  if (f->flavour == PM_FLAVOUR_SERVERLESS)
    {
      JsonArray *projects = json_object_get_array_member (json_object_get_object_member (root, "serverless"), "projects");

      for (guint i = 0; i < json_array_get_length (projects); i++)
        {
          JsonObject *project = json_array_get_object_element (projects, i);
          JsonArray *filters = json_object_get_array_member (project, "traffic_filters");

          for (guint j = 0; filters && j < json_array_get_length (filters); j++)
            if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (filters, j), "id"),
                           policy_id) == 0)
              g_strv_builder_add (builder, json_object_get_string_member (project, "id"));
        }
    }
  else
    {
      JsonArray *rulesets = json_object_get_array_member (json_object_get_object_member (root, "hosted"), "rulesets");

      for (guint i = 0; i < json_array_get_length (rulesets); i++)
        {
          JsonObject *ruleset = json_array_get_object_element (rulesets, i);
          JsonArray *associations;

          if (g_strcmp0 (json_object_get_string_member (ruleset, "id"), policy_id) != 0)
            continue;
          associations = json_object_get_array_member (ruleset, "associations");
          for (guint j = 0; associations && j < json_array_get_length (associations); j++)
            g_strv_builder_add (builder, json_object_get_string_member (json_array_get_object_element (associations, j), "id"));
        }
    }
  return g_strv_builder_end (builder);
}

static PmPolicy *
store_policy (Fixture    *f,
              const char *name)
{
  return pm_test_session_find_policy (f->session, name);
}

static PmEntity *
store_entity (Fixture    *f,
              const char *name)
{
  return pm_test_session_find_entity (f->session, name);
}

/* Widgets */

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  const char *shown = GTK_IS_LABEL (root) ? gtk_label_get_label (GTK_LABEL (root))
                      : PM_IS_TEXT_CELL (root) ? pm_text_cell_get_text (PM_TEXT_CELL (root)) : NULL;

  if (g_strcmp0 (shown, text) == 0 && gtk_widget_get_mapped (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The shown text cells of @root whose text is in @texts with less room
 * than their text takes (in @checked, how many were looked at). */
static guint
count_cut_cells (GtkWidget  *root,
                 GHashTable *texts,
                 guint      *checked)
{
  guint cut = 0;

  if (PM_IS_TEXT_CELL (root) && gtk_widget_get_mapped (root)
      && g_hash_table_contains (texts, pm_text_cell_get_text (PM_TEXT_CELL (root))))
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (root, pm_text_cell_get_text (PM_TEXT_CELL (root)));
      int width;

      pango_layout_get_pixel_size (layout, &width, NULL);
      (*checked)++;
      if (gtk_widget_get_width (root) < width)
        {
          g_test_message ("cut: %s (%d px of %d)", pm_text_cell_get_text (PM_TEXT_CELL (root)), gtk_widget_get_width (root), width);
          cut++;
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    cut += count_cut_cells (child, texts, checked);
  return cut;
}

static GtkWidget *
find_actionable (GtkWidget  *root,
                 const char *action)
{
  if (GTK_IS_ACTIONABLE (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
set_field (PmPolicyEditor *editor,
           const char     *field,
           const char     *text)
{
  GtkWidget *widget = pm_policy_editor_get_field (editor, field);

  g_assert_nonnull (widget);
  gtk_editable_set_text (GTK_EDITABLE (widget), text);
}

static const char *
field_text (PmPolicyEditor *editor,
            const char     *field)
{
  GtkWidget *widget = pm_policy_editor_get_field (editor, field);

  g_assert_nonnull (widget);
  return gtk_editable_get_text (GTK_EDITABLE (widget));
}

static gboolean
save_enabled (PmPolicyEditor *editor)
{
  /* The Save button follows the action's state. */
  GtkWidget *button = find_button (GTK_WIDGET (editor), pm_policy_editor_get_is_new (editor) ? "_Create" : "_Save");

  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

static PmPolicyEditor *
open_new_editor (Fixture *f)
{
  PmPolicyEditor *editor;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "policies.new", NULL));
  editor = pm_policies_page_get_editor (f->page);
  g_assert_nonnull (editor);
  g_assert_true (pm_policy_editor_get_is_new (editor));
  return editor;
}

static void
respond (const char *response)
{
  pm_test_wait_until (dialog_open, NULL, WAIT_MS);
  pm_test_dialog_respond (pm_policy_actions_get_dialog (), response);
}

/* Tests: the list */

static void
test_list (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  GListModel *model = pm_policies_page_get_model (f->page);
  g_autoptr(JsonObject) office = NULL;
  PmPolicy *policy;

  g_assert_cmpstr (pm_policies_page_get_state (f->page), ==, "list");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, state_count (f, NULL, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 3);

  office = state_policy (f, "Office networks");
  g_assert_nonnull (office);
  policy = store_policy (f, "Office networks");
  g_assert_nonnull (policy);
  g_assert_cmpint (pm_policy_get_policy_type (policy), ==, PM_POLICY_TYPE_IP);
  g_assert_cmpstr (pm_policy_get_region (policy), ==, json_object_get_string_member (office, "region"));
  g_assert_cmpuint (pm_policy_get_n_rules (policy), ==,
                    json_array_get_length (json_object_get_array_member (office, "rules")));
  g_assert_true (pm_policy_get_include_by_default (policy));
  g_assert_cmpint (pm_policy_get_n_associations (policy), ==, f->flavour == PM_FLAVOUR_SERVERLESS ? 2 : 1);

  /* The cells show the same values, in the console's words. */
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  pm_policies_page_sort_by (f->page, "name", GTK_SORT_ASCENDING);
  spin (100);
  g_assert_nonnull (find_label (GTK_WIDGET (f->page), "Office networks"));
  g_assert_nonnull (find_label (GTK_WIDGET (f->page), pm_policy_type_get_label (PM_POLICY_TYPE_IP)));
  g_assert_nonnull (find_label (GTK_WIDGET (f->page), json_object_get_string_member (office, "region")));

  /* Each type and each region is shown whole: their columns are as wide
   * as the widest type, and the widest region policies use (measured by
   * the average character, "GCP Private Service Connect" and
   * "azure-westeurope" were cut). */
  {
    g_autoptr(GHashTable) texts = g_hash_table_new (g_str_hash, g_str_equal);
    GListModel *policies = G_LIST_MODEL (pm_session_get_policies (f->session));
    guint checked = 0;

    for (guint i = 0; i < g_list_model_get_n_items (policies); i++)
      {
        g_autoptr(PmPolicy) each = g_list_model_get_item (policies, i);

        g_hash_table_add (texts, (gpointer) pm_policy_type_get_label (pm_policy_get_policy_type (each)));
        if (pm_policy_get_region (each) != NULL)
          g_hash_table_add (texts, (gpointer) pm_policy_get_region (each));
      }
    g_assert_cmpuint (count_cut_cells (GTK_WIDGET (f->page), texts, &checked), ==, 0);
    g_assert_cmpuint (checked, >=, 2 * g_list_model_get_n_items (policies));
  }

  /* Sorting by name, both ways. */
  {
    g_autoptr(PmPolicy) first = g_list_model_get_item (model, 0);
    g_autoptr(PmPolicy) last = NULL;

    pm_policies_page_sort_by (f->page, "name", GTK_SORT_DESCENDING);
    last = g_list_model_get_item (model, 0);
    g_assert_cmpint (g_utf8_collate (pm_policy_get_name (first), pm_policy_get_name (last)), <, 0);
    pm_policies_page_sort_by (f->page, "rules", GTK_SORT_DESCENDING);
    g_clear_object (&first);
    first = g_list_model_get_item (model, 0);
    for (guint i = 1; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(PmPolicy) other = g_list_model_get_item (model, i);

        g_assert_cmpuint (pm_policy_get_n_rules (first), >=, pm_policy_get_n_rules (other));
      }
  }

  /* The row menu's Edit opens the editor on that policy. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "policies.edit", "s", pm_policy_get_id (policy)));
  g_assert_nonnull (pm_policies_page_get_editor (f->page));
  g_assert_true (pm_policy_equal (pm_policy_editor_get_policy (pm_policies_page_get_editor (f->page)), policy));
  g_assert_true (pm_policy_editor_get_policy (pm_policies_page_get_editor (f->page)) != policy);
  gtk_window_close (GTK_WINDOW (pm_policies_page_get_editor (f->page)));
  pm_test_wait_until (editor_closed, f, WAIT_MS);

  /* A change on the server updates its row in place. */
  {
    GListModel *store = G_LIST_MODEL (pm_session_get_policies (f->session));
    guint before = g_list_model_get_n_items (store);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "policies.refresh", NULL));
    pm_test_wait_until (stores_loaded, f, WAIT_MS);
    g_assert_cmpuint (g_list_model_get_n_items (store), ==, before);
    g_assert_true (store_policy (f, "Office networks") == policy);
  }

  fixture_free (f);
}

static void
test_search (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  GListModel *model = pm_policies_page_get_model (f->page);
  guint total = g_list_model_get_n_items (model);

  pm_policies_page_set_search_text (f->page, "203.0.113");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, state_count_mentioning (f, "203.0.113"));
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), <, total);

  pm_policies_page_set_search_text (f->page, "OFFICE");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, state_count_mentioning (f, "office"));

  pm_policies_page_set_search_text (f->page, "no policy says this");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpstr (pm_policies_page_get_state (f->page), ==, "no-results");

  pm_policies_page_set_search_text (f->page, "");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, total);

  pm_policies_page_set_type_filter (f->page, PM_POLICY_TYPE_VPCE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, state_count (f, "type", "vpce"));
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, 1);
  pm_policies_page_set_region_filter (f->page, "us-east-1");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "policies.clear-filters", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, total);
  pm_policies_page_set_region_filter (f->page, "us-east-1");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, state_count (f, "region", "us-east-1"));
  if (f->flavour == PM_FLAVOUR_ECE)
    {
      /* An installation's own region name, and a search within it. */
      pm_policies_page_set_region_filter (f->page, "ece-region");
      g_assert_cmpuint (g_list_model_get_n_items (model), ==, state_count (f, "region", "ece-region"));
      g_assert_cmpuint (g_list_model_get_n_items (model), >=, 1);
      pm_policies_page_set_search_text (f->page, "10.0.0.0/8");
      g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
      pm_policies_page_set_search_text (f->page, "");
    }

  /* Ctrl+F's action opens the search bar, its entry focused. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "policies.search", NULL));
  {
    GtkWidget *bar = find_type (GTK_WIDGET (f->page), GTK_TYPE_SEARCH_BAR);
    GtkWidget *entry = find_type (bar, GTK_TYPE_SEARCH_ENTRY);

    g_assert_nonnull (entry);
    g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));
    g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), entry));
  }

  fixture_free (f);
}

static gboolean
search_entry_built (gpointer data)
{
  Fixture *f = data;

  return find_type (GTK_WIDGET (f->page), GTK_TYPE_SEARCH_ENTRY) != NULL;
}

/* Each label of @root with the font its widget's Pango context has, one
 * "text: font" per line. */
static void
append_label_fonts (GtkWidget *root,
                    GString   *out)
{
  if (GTK_IS_LABEL (root))
    {
      PangoContext *context = gtk_widget_get_pango_context (root);
      g_autofree char *font = pango_font_description_to_string (pango_context_get_font_description (context));

      g_string_append_printf (out, "%s: %s\n", gtk_label_get_text (GTK_LABEL (root)), font);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    append_label_fonts (child, out);
}

/* The page @name of a stack in @root, if built. */
static GtkWidget *
find_stack_page (GtkWidget  *root,
                 const char *name)
{
  if (GTK_IS_STACK (root) && gtk_stack_get_child_by_name (GTK_STACK (root), name) != NULL)
    return gtk_stack_get_child_by_name (GTK_STACK (root), name);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_stack_page (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
on_painted (GdkFrameClock *clock,
            gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Until @widget's window has painted a frame (its styles are then those
 * it is shown with). */
static void
wait_painted (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong handler;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_painted), &painted);
  gtk_widget_queue_draw (widget);
  pm_test_wait_until (flag_set, &painted, WAIT_MS);
  g_signal_handler_disconnect (clock, handler);
}

/* The search entry is not built with the page, but once the page has been
 * shown and is idle (or when the search opens first); the search button
 * opens it focused. Opening it builds the page shown when nothing matches
 * and sets up its labels' fonts while it is hidden (the benchmark measures
 * what that saves): the fonts its labels have hidden are those they are
 * shown with. */
static void
test_search_opens (void)
{
  g_autoptr(PmPoliciesPage) unshown = g_object_ref_sink (pm_policies_page_new ());
  g_autoptr(GString) hidden_fonts = g_string_new (NULL);
  g_autoptr(GString) shown_fonts = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  Fixture *f;
  GtkWidget *bar;
  GtkWidget *button;
  GtkWidget *entry;
  GtkWidget *no_results;

  g_assert_null (find_type (GTK_WIDGET (unshown), GTK_TYPE_SEARCH_ENTRY));
  /* Clearing a search that never opened builds nothing. */
  pm_policies_page_set_search_text (unshown, "");
  g_assert_null (find_type (GTK_WIDGET (unshown), GTK_TYPE_SEARCH_ENTRY));

  f = fixture_new (PM_FLAVOUR_HOSTED);
  pm_test_wait_until (search_entry_built, f, WAIT_MS);
  bar = find_type (GTK_WIDGET (f->page), GTK_TYPE_SEARCH_BAR);
  entry = find_type (bar, GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (entry);
  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));

  button = find_type (GTK_WIDGET (f->page), GTK_TYPE_TOGGLE_BUTTON);
  g_assert_nonnull (button);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), entry));

  no_results = find_stack_page (GTK_WIDGET (f->page), "no-results");
  g_assert_nonnull (no_results);
  g_assert_false (gtk_widget_get_visible (no_results));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  append_label_fonts (no_results, hidden_fonts);
  lines = g_strsplit (hidden_fonts->str, "\n", -1);
  /* The title, the description and the button's label, at least (and
   * the empty string after the last line). */
  g_assert_cmpuint (g_strv_length (lines), >=, 4);

  /* Typed text filters the list. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "no policy says this");
  pm_test_wait_until (page_shows_no_results, f, WAIT_MS);
  wait_painted (no_results);
  g_assert_true (gtk_widget_get_mapped (no_results));
  append_label_fonts (no_results, shown_fonts);
  g_assert_cmpstr (shown_fonts->str, ==, hidden_fonts->str);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), FALSE);
  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));

  fixture_free (f);
}

/* The filters are menu buttons whose menus are built when first opened:
 * one radio item per type the flavour offers and per region the policies
 * use, each setting the filter, which the button then shows. */
static void
test_filter_menus (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  GListModel *model = pm_policies_page_get_model (f->page);
  guint total = g_list_model_get_n_items (model);
  GtkWidget *region_button = find_label (GTK_WIDGET (f->page), "All regions");
  GtkWidget *type_button = find_label (GTK_WIDGET (f->page), "All types");
  GMenuModel *menu;
  g_autoptr(GHashTable) regions = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_nonnull (region_button);
  g_assert_nonnull (type_button);
  region_button = gtk_widget_get_ancestor (region_button, GTK_TYPE_MENU_BUTTON);
  type_button = gtk_widget_get_ancestor (type_button, GTK_TYPE_MENU_BUTTON);
  /* Nothing is built until a menu is opened. */
  g_assert_null (gtk_menu_button_get_popover (GTK_MENU_BUTTON (region_button)));
  g_assert_null (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (region_button)));

  gtk_menu_button_popup (GTK_MENU_BUTTON (region_button));
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (region_button));
  g_assert_nonnull (menu);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (model, i);

      if (pm_policy_get_region (policy) != NULL && *pm_policy_get_region (policy) != '\0')
        g_hash_table_add (regions, (gpointer) pm_policy_get_region (policy));
    }
  /* "All regions", then each region once, sorted. */
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, g_hash_table_size (regions) + 1);
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (menu, i, G_MENU_ATTRIBUTE_TARGET,
                                                                          G_VARIANT_TYPE_STRING);
      g_autofree char *action = NULL;

      g_assert_true (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action));
      g_assert_cmpstr (action, ==, "filter.region");
      g_assert_nonnull (target);
      if (i == 0)
        g_assert_cmpstr (g_variant_get_string (target, NULL), ==, "");
      else
        g_assert_true (g_hash_table_contains (regions, g_variant_get_string (target, NULL)));
    }
  gtk_menu_button_popdown (GTK_MENU_BUTTON (region_button));

  /* What a radio item does: the filter, and the button shows it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "filter.region", "s", "us-east-1"));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, state_count (f, "region", "us-east-1"));
  g_assert_nonnull (find_label (region_button, "us-east-1"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "filter.type", "u", (guint32) PM_POLICY_TYPE_VPCE));
  g_assert_nonnull (find_label (type_button, pm_policy_type_get_label (PM_POLICY_TYPE_VPCE)));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  /* The type menu offers the flavour's types after "All types". */
  gtk_menu_button_popup (GTK_MENU_BUTTON (type_button));
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (type_button));
  g_assert_nonnull (menu);
  {
    int n = 1;

    for (PmPolicyType t = PM_POLICY_TYPE_IP; t <= PM_POLICY_TYPE_GCP_PSC; t++)
      n += pm_flavour_supports_type (f->flavour, t);
    g_assert_cmpint (g_menu_model_get_n_items (menu), ==, n);
  }
  gtk_menu_button_popdown (GTK_MENU_BUTTON (type_button));

  /* A region no policy uses shows them all. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "filter.type", "u", (guint32) PM_POLICY_TYPE_UNKNOWN));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "filter.region", "s", "mars-north-1"));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, total);
  g_assert_nonnull (find_label (region_button, "All regions"));

  fixture_free (f);
}

static guint
position_in (GListModel *model,
             gpointer    item)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) other = g_list_model_get_item (model, i);

      if (other == item)
        return i;
    }
  return G_MAXUINT;
}

/* The rows stay while a search changes the policies they show (see
 * PmSlotModel): the cells show the policies found, and the selection
 * follows policies, not rows. */
static void
test_search_rows (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  GListModel *model = pm_policies_page_get_model (f->page);
  GtkWidget *view = find_type (GTK_WIDGET (f->page), GTK_TYPE_COLUMN_VIEW);
  GtkSelectionModel *rows = gtk_column_view_get_model (GTK_COLUMN_VIEW (view));
  PmPolicy *office = store_policy (f, "Office networks");
  PmPolicy *other = NULL;
  g_autoptr(GPtrArray) selected = NULL;

  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  pm_policies_page_sort_by (f->page, "name", GTK_SORT_ASCENDING);
  for (guint i = 0; i < g_list_model_get_n_items (model) && other == NULL; i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (model, i);

      if (!pm_policy_contains_text (policy, "office"))
        other = policy;
    }
  g_assert_nonnull (other);
  g_assert_true (pm_policies_page_select (f->page, pm_policy_get_id (office), FALSE));
  g_assert_true (pm_policies_page_select (f->page, pm_policy_get_id (other), TRUE));
  selected = pm_policies_page_dup_selected (f->page);
  g_assert_cmpuint (selected->len, ==, 2);
  g_clear_pointer (&selected, g_ptr_array_unref);

  /* Searched: the policy found is shown and still selected, in its new
   * row; the one searched out is neither. */
  pm_policies_page_set_search_text (f->page, "office");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, state_count_mentioning (f, "office"));
  g_assert_nonnull (find_label (GTK_WIDGET (f->page), "Office networks"));
  g_assert_null (find_label (GTK_WIDGET (f->page), pm_policy_get_name (other)));
  selected = pm_policies_page_dup_selected (f->page);
  g_assert_cmpuint (selected->len, ==, 1);
  g_assert_true (selected->pdata[0] == office);
  g_clear_pointer (&selected, g_ptr_array_unref);
  g_assert_true (gtk_selection_model_is_selected (rows, position_in (model, office)));
  g_assert_true (gtk_widget_get_sensitive (find_actionable (GTK_WIDGET (f->page), "policies.apply-selected")));

  /* Cleared: every policy again, the one searched out not selected. */
  pm_policies_page_set_search_text (f->page, "");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  g_assert_nonnull (find_label (GTK_WIDGET (f->page), pm_policy_get_name (other)));
  selected = pm_policies_page_dup_selected (f->page);
  g_assert_cmpuint (selected->len, ==, 1);
  g_assert_true (selected->pdata[0] == office);
  g_clear_pointer (&selected, g_ptr_array_unref);
  g_assert_true (gtk_selection_model_is_selected (rows, position_in (model, office)));
  g_assert_false (gtk_selection_model_is_selected (rows, position_in (model, other)));

  /* A new order moves the policies, not the selection off them. */
  pm_policies_page_sort_by (f->page, "name", GTK_SORT_DESCENDING);
  g_assert_true (gtk_selection_model_is_selected (rows, position_in (model, office)));
  g_assert_false (gtk_selection_model_is_selected (rows, position_in (model, other)));

  /* Nothing found, nothing selected: Apply to… has nothing to act on. */
  pm_policies_page_set_search_text (f->page, "no policy says this");
  selected = pm_policies_page_dup_selected (f->page);
  g_assert_cmpuint (selected->len, ==, 0);
  g_assert_false (gtk_widget_get_sensitive (find_actionable (GTK_WIDGET (f->page), "policies.apply-selected")));

  fixture_free (f);
}

/* Tests: loading, failing, empty */

static void
test_states (gconstpointer data)
{
  Fixture *f = fixture_new_full (GPOINTER_TO_INT (data), "status:503@GET*1000", FALSE);

  g_assert_nonnull (pm_policy_store_get_error (pm_session_get_policies (f->session)));
  g_assert_cmpstr (pm_policies_page_get_state (f->page), ==, "error");
  g_assert_true (gtk_widget_is_visible (find_button (GTK_WIDGET (f->page), "_Retry")));

  /* Retry once the server answers again. */
  pm_sandbox_clear_faults (f->sandbox);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "policies.refresh", NULL));
  pm_test_wait_until (stores_loaded, f, WAIT_MS);
  g_assert_cmpstr (pm_policies_page_get_state (f->page), ==, "list");
  fixture_free (f);

  f = fixture_new_full (GPOINTER_TO_INT (data), NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (pm_policies_page_get_model (f->page)), ==, 0);
  g_assert_cmpstr (pm_policies_page_get_state (f->page), ==, "empty");
  g_assert_true (gtk_widget_is_visible (find_button (GTK_WIDGET (f->page), "_Create a Policy")));
  fixture_free (f);
}

/* Tests: create, edit, delete of each type */

typedef struct
{
  PmPolicyType  type;
  const char   *fields[4][2];   /* rule field, value */
  const char   *json_member;    /* where the first value lands in the sandbox */
  const char   *second;         /* a second rule's key value */
} TypeCase;

static const TypeCase type_cases[] = {
  { PM_POLICY_TYPE_IP, { { "source", "198.51.100.0/24" } }, "source", "192.0.2.7" },
  { PM_POLICY_TYPE_EGRESS_FIREWALL, { { "egress_rule.target", "198.51.100.0/24" } }, "egress_rule", "192.0.2.0/28" },
  { PM_POLICY_TYPE_VPCE, { { "source", "vpce-0123456789abcdef0" } }, "source", "vpce-0fedcba9876543211" },
  { PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT,
    { { "azure_endpoint_name", "test-pe" }, { "azure_endpoint_guid", "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d" } },
    "azure_endpoint_guid", NULL },
  { PM_POLICY_TYPE_GCP_PSC, { { "source", "18446744072646845999" } }, "source", "18446744072646846000" },
};

static void
fill_rule (PmPolicyEditor *editor,
           guint           index,
           const TypeCase *tc)
{
  for (guint i = 0; i < G_N_ELEMENTS (tc->fields) && tc->fields[i][0] != NULL; i++)
    {
      g_autofree char *field = g_strdup_printf ("rules[%u].%s", index, tc->fields[i][0]);

      set_field (editor, field, tc->fields[i][1]);
    }
}

static void
test_crud (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));

  for (guint c = 0; c < G_N_ELEMENTS (type_cases); c++)
    {
      const TypeCase *tc = &type_cases[c];
      g_autofree char *name = g_strdup_printf ("Test %s", pm_policy_type_get_label (tc->type));
      g_autoptr(JsonObject) created = NULL;
      g_autoptr(JsonObject) edited = NULL;
      PmPolicyEditor *editor;
      PmPolicy *policy;
      JsonArray *rules;
      g_autofree char *id = NULL;

      if (!pm_flavour_supports_type (f->flavour, tc->type))
        continue;
      g_test_message ("type %s", pm_policy_type_get_label (tc->type));

      /* Create */
      editor = open_new_editor (f);
      pm_policy_editor_set_policy_type (editor, tc->type);
      g_assert_false (save_enabled (editor));
      g_assert_cmpstr (pm_policy_editor_get_save_reason (editor), !=, "");
      set_field (editor, "name", name);
      set_field (editor, "description", "Made by test-policies");
      fill_rule (editor, 0, tc);
      if (f->flavour == PM_FLAVOUR_ECE)
        g_assert_cmpstr (field_text (editor, "region"), ==, "ece-region");
      {
        g_autofree char *problems = pm_policy_editor_dup_problems (editor);

        g_assert_cmpstr (problems, ==, NULL);
      }
      g_assert_cmpstr (pm_policy_editor_get_save_reason (editor), ==, "");
      g_assert_true (save_enabled (editor));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
      pm_test_wait_until (editor_closed, f, WAIT_MS);

      created = state_policy (f, name);
      g_assert_nonnull (created);
      g_assert_cmpstr (json_object_get_string_member (created, "type"), ==,
                       pm_policy_type_to_api (tc->type, f->flavour));
      g_assert_cmpstr (json_object_get_string_member (created, "description"), ==, "Made by test-policies");
      rules = json_object_get_array_member (created, "rules");
      g_assert_cmpuint (json_array_get_length (rules), ==, 1);
      if (tc->type == PM_POLICY_TYPE_EGRESS_FIREWALL)
        g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (rules, 0),
                                                                                       "egress_rule"), "target"),
                         ==, tc->fields[0][1]);
      else
        g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rules, 0), tc->json_member),
                         ==, tc->type == PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT ? tc->fields[1][1] : tc->fields[0][1]);
      policy = store_policy (f, name);
      g_assert_nonnull (policy);
      id = g_strdup (pm_policy_get_id (policy));

      /* Edit: a new description, a second rule (not for Azure: one endpoint). */
      editor = pm_policies_page_open_editor (f->page, policy);
      g_assert_false (pm_policy_editor_get_is_new (editor));
      g_assert_cmpstr (field_text (editor, "name"), ==, name);
      g_assert_false (save_enabled (editor));
      set_field (editor, "description", "Edited by test-policies");
      if (tc->second != NULL)
        {
          g_autofree char *field = g_strdup_printf ("rules[1].%s", tc->fields[0][0]);

          g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-rule", NULL));
          set_field (editor, field, tc->second);
        }
      g_assert_true (pm_policy_editor_get_modified (editor));
      g_assert_true (save_enabled (editor));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
      pm_test_wait_until (editor_closed, f, WAIT_MS);
      edited = state_policy (f, name);
      g_assert_nonnull (edited);
      g_assert_cmpstr (json_object_get_string_member (edited, "id"), ==, id);
      g_assert_cmpstr (json_object_get_string_member (edited, "description"), ==, "Edited by test-policies");
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (edited, "rules")), ==,
                        tc->second != NULL ? 2 : 1);
      g_assert_cmpstr (pm_policy_get_description (store_policy (f, name)), ==, "Edited by test-policies");

      /* Delete: nothing holds it, so a plain confirmation. */
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "policies.delete", "s", id));
      g_assert_cmpstr (adw_alert_dialog_get_response_label (ADW_ALERT_DIALOG (pm_policy_actions_get_dialog ()),
                                                            "delete"), ==, "_Delete");
      respond ("delete");
      while (state_policy (f, name) != NULL || store_policy (f, name) != NULL)
        spin (20);
    }

  fixture_free (f);
}

/* Tests: validation */

/* Entries without an id are left out, and each page says so: the
 * policies, the deployments or projects, and (Hosted) the claims. */
static gboolean
claims_loaded (gpointer data)
{
  PmClaimStore *claims = pm_session_get_claims (data);

  return pm_claim_store_get_loaded (claims) && !pm_claim_store_get_loading (claims);
}

static void
test_left_out_notices (gconstpointer data)
{
  static const char notice[] = "The server sent 1 entry without an id; Perimeter leaves it out, as nothing could refer to it.";
  /* Serverless lists the projects of three types, each one's first left out */
  static const char notice_3[] = "The server sent 3 entries without an id; Perimeter leaves them out, as nothing could refer to them.";
  PmFlavour flavour = GPOINTER_TO_INT (data);
  g_autoptr(PmSandbox) reference = pm_sandbox_new ();
  g_autoptr(JsonNode) state = NULL;
  Fixture *f = fixture_new_full (flavour, "no-id@GET", FALSE);
  JsonObject *side;
  guint n_policies;

  /* What the demo holds, from a sandbox of its own */
  state = pm_sandbox_dup_state (reference);
  side = json_object_get_object_member (json_node_get_object (state),
                                        flavour == PM_FLAVOUR_SERVERLESS ? "serverless" : "hosted");
  n_policies = json_array_get_length (json_object_get_array_member (side, flavour == PM_FLAVOUR_SERVERLESS
                                                                          ? "traffic_filters" : "rulesets"));

  pm_test_wait_until (stores_loaded, f, WAIT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pm_session_get_policies (f->session))), ==, n_policies - 1);
  g_assert_nonnull (find_label (GTK_WIDGET (f->page), notice));
  g_assert_nonnull (find_label (GTK_WIDGET (f->entities), flavour == PM_FLAVOUR_SERVERLESS ? notice_3 : notice));

  if (flavour != PM_FLAVOUR_SERVERLESS)
    {
      GtkWindow *window = GTK_WINDOW (gtk_window_new ());
      PmClaimsPage *claims = pm_claims_page_new ();

      gtk_window_set_child (window, GTK_WIDGET (claims));
      pm_claims_page_set_session (claims, f->session);
      gtk_window_present (window);
      pm_test_wait_until (claims_loaded, f->session, WAIT_MS);
      pm_test_settle (50);
      g_assert_nonnull (find_label (GTK_WIDGET (claims), notice));
      gtk_window_destroy (window);
    }
  fixture_free (f);
}

static void
test_invalid (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  PmPolicyEditor *editor = open_new_editor (f);
  GtkWidget *suggest;
  g_autofree char *problems = NULL;

  pm_policy_editor_set_policy_type (editor, PM_POLICY_TYPE_IP);
  set_field (editor, "name", "Bad input");
  set_field (editor, "rules[0].source", "10.1.2.3/8");
  g_assert_false (save_enabled (editor));
  g_assert_cmpstr (pm_policy_editor_get_save_reason (editor), ==, "Fix 1 problem to save");
  g_assert_true (pm_policy_editor_field_has_error (editor, "rules[0].source"));
  problems = pm_policy_editor_dup_problems (editor);
  g_assert_nonnull (strstr (problems, "10.0.0.0/8"));

  /* The network address in one click. */
  suggest = find_button (GTK_WIDGET (editor), "Use 10.0.0.0/8");
  g_assert_nonnull (suggest);
  g_signal_emit_by_name (suggest, "clicked");
  g_assert_cmpstr (field_text (editor, "rules[0].source"), ==, "10.0.0.0/8");
  g_assert_false (pm_policy_editor_field_has_error (editor, "rules[0].source"));
  g_assert_true (save_enabled (editor));

  /* Two problems: an empty name and a bad address. */
  set_field (editor, "name", "");
  set_field (editor, "rules[0].source", "300.1.1.1");
  g_assert_cmpstr (pm_policy_editor_get_save_reason (editor), ==, "Fix 2 problems to save");
  g_assert_true (pm_policy_editor_field_has_error (editor, "name"));
  {
    g_autofree char *listed = pm_policy_editor_dup_problems (editor);

    g_assert_cmpstr (gtk_widget_get_tooltip_text (find_button (GTK_WIDGET (editor), "_Create")), ==, listed);
    g_assert_nonnull (strchr (listed, '\n'));
  }
  set_field (editor, "name", "Pasted");

  /* Pasting several sources adds one rule each. */
  set_field (editor, "rules[0].source", "192.0.2.1, 192.0.2.2\n192.0.2.0/28");
  g_assert_cmpuint (pm_policy_get_n_rules (pm_policy_editor_get_policy (editor)), ==, 3);
  g_assert_cmpstr (field_text (editor, "rules[0].source"), ==, "192.0.2.1");
  g_assert_cmpstr (field_text (editor, "rules[2].source"), ==, "192.0.2.0/28");
  g_assert_true (save_enabled (editor));

  /* A duplicate is a problem; removing it fixes it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-rule", NULL));
  set_field (editor, "rules[3].source", "192.0.2.2");
  g_assert_false (save_enabled (editor));
  g_assert_true (pm_policy_editor_field_has_error (editor, "rules[3].source"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.rule-remove", "u", 3));
  g_assert_true (save_enabled (editor));

  /* Moving a rule moves its row. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.rule-down", "u", 0));
  g_assert_cmpstr (field_text (editor, "rules[1].source"), ==, "192.0.2.1");

  /* Closing with changes asks first; keep editing, then discard. */
  gtk_window_close (GTK_WINDOW (editor));
  g_assert_nonnull (pm_policy_editor_get_dialog (editor));
  pm_test_dialog_respond (pm_policy_editor_get_dialog (editor), "keep");
  spin (20);
  g_assert_true (pm_policies_page_get_editor (f->page) == editor);
  gtk_window_close (GTK_WINDOW (editor));
  pm_test_dialog_respond (pm_policy_editor_get_dialog (editor), "discard");
  pm_test_wait_until (editor_closed, f, WAIT_MS);
  g_assert_null (state_policy (f, "Pasted"));

  fixture_free (f);
}

/* Tests: a failed save keeps the edits */

static gboolean
editor_idle (gpointer data)
{
  return !pm_policy_editor_get_busy (data);
}

static void
test_api_error (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  const char *name = f->flavour == PM_FLAVOUR_SERVERLESS ? "Tokyo office" : "Japan support offices";
  g_autoptr(PmPolicy) policy = g_object_ref (store_policy (f, name));
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GError) error = NULL;
  PmPolicyEditor *editor;
  const char *method = f->flavour == PM_FLAVOUR_SERVERLESS ? "PATCH" : "PUT";
  g_autofree char *fault = g_strdup_printf ("status:500@%s*10", method);
  g_autofree char *curl = NULL;

  g_assert_nonnull (policy);
  before = state_policy (f, name);
  editor = pm_policies_page_open_editor (f->page, policy);
  set_field (editor, "description", "Edited during an outage");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-rule", NULL));
  set_field (editor, "rules[1].source", "192.0.2.99");

  /* Copy as curl shows the request with the key as a variable. */
  curl = pm_policy_editor_dup_curl (editor);
  g_assert_nonnull (strstr (curl, "$EC_API_KEY"));
  g_assert_null (strstr (curl, PM_SANDBOX_DEFAULT_API_KEY));
  g_assert_nonnull (strstr (curl, method));
  g_assert_nonnull (strstr (curl, "192.0.2.99"));

  g_assert_true (pm_sandbox_add_fault (f->sandbox, fault, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  g_assert_true (pm_policy_editor_get_busy (editor));
  pm_test_wait_until (editor_idle, editor, WAIT_MS);

  g_assert_true (pm_policies_page_get_editor (f->page) == editor);
  g_assert_nonnull (pm_policy_editor_get_error_text (editor));
  g_assert_cmpstr (field_text (editor, "description"), ==, "Edited during an outage");
  g_assert_cmpstr (field_text (editor, "rules[1].source"), ==, "192.0.2.99");
  g_assert_true (pm_policy_editor_get_modified (editor));
  after = state_policy (f, name);
  g_assert_cmpstr (json_object_get_string_member_with_default (after, "description", ""), ==,
                   json_object_get_string_member_with_default (before, "description", ""));
  g_assert_cmpstr (pm_policy_get_description (policy), !=, "Edited during an outage");

  /* An error naming fields marks them. */
  {
    const char *fields[] = { "description", "rules[1].source", NULL };
    PmApiErrorDetails details = { 400, (char *) "traffic_filter.invalid_input",
                                  (char *) "The source is not allowed here", (GStrv) fields, 0 };
    g_autoptr(GError) refused = pm_api_error_new (PM_API_ERROR_INVALID, &details, "The request was refused");

    pm_policy_editor_show_error (editor, refused);
    g_assert_true (pm_policy_editor_field_has_error (editor, "description"));
    g_assert_true (pm_policy_editor_field_has_error (editor, "rules[1].source"));
    g_assert_false (pm_policy_editor_field_has_error (editor, "rules[0].source"));
    g_assert_nonnull (strstr (pm_policy_editor_get_error_text (editor), "The source is not allowed here"));
    g_assert_cmpstr (field_text (editor, "rules[1].source"), ==, "192.0.2.99");
  }

  /* Once the server is back, the same edits go through. */
  pm_sandbox_clear_faults (f->sandbox);
  g_assert_true (save_enabled (editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  pm_test_wait_until (editor_closed, f, WAIT_MS);
  g_clear_pointer (&after, json_object_unref);
  after = state_policy (f, name);
  g_assert_cmpstr (json_object_get_string_member (after, "description"), ==, "Edited during an outage");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after, "rules")), ==, 2);

  fixture_free (f);
}

/* Tests: import and export */

static GBytes *
bytes_from (const char *text,
            gsize       unused)
{
  return g_bytes_new_static (text, strlen (text));
}

static void
test_import (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  PmPolicyEditor *editor = open_new_editor (f);
  g_autoptr(GBytes) good = NULL;
  g_autoptr(GBytes) wrong_type = NULL;
  g_autoptr(GBytes) junk = NULL;
  g_autoptr(GError) error = NULL;
  guint requests = pm_sandbox_get_request_count (f->sandbox, "POST", NULL);
  g_autofree char *exported = NULL;

  good = bytes_from ("{\"name\":\"Imported\",\"region\":\"us-east-1\",\"type\":\"vpce\",\"description\":\"\","
                             "\"rules\":[{\"source\":\"vpce-00000000000\"}],\"include_by_default\":false}", 0);
  wrong_type = bytes_from ("{\"name\":\"X\",\"region\":\"us-east-1\",\"type\":\"carrier_pigeon\","
                                   "\"rules\":[],\"include_by_default\":false}", 0);
  junk = bytes_from ("{\"name\": ", 0);

  g_assert_false (pm_policy_editor_import_bytes (editor, junk, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (pm_policy_editor_import_bytes (editor, wrong_type, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_true (pm_policy_editor_import_bytes (editor, good, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pm_policy_get_policy_type (pm_policy_editor_get_policy (editor)), ==, PM_POLICY_TYPE_VPCE);
  g_assert_cmpstr (field_text (editor, "name"), ==, "Imported");
  g_assert_cmpstr (field_text (editor, "rules[0].source"), ==, "vpce-00000000000");
  spin (50);
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "POST", NULL), ==, requests);

  exported = pm_policy_editor_dup_json (editor);
  g_assert_nonnull (strstr (exported, "\"vpce-00000000000\""));
  g_assert_nonnull (strstr (exported, "\"vpce\""));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  pm_test_wait_until (editor_closed, f, WAIT_MS);
  {
    g_autoptr(JsonObject) created = state_policy (f, "Imported");

    g_assert_nonnull (created);
  }

  fixture_free (f);
}


/* Tests: associations from both sides */

static gboolean
holders_are (Fixture    *f,
             const char *policy_id,
             const char *entity_id,
             gboolean    present)
{
  g_auto(GStrv) holders = state_holders (f, policy_id);

  return g_strv_contains ((const char * const *) holders, entity_id) == present;
}

typedef struct
{
  Fixture    *f;
  const char *policy_id;
  const char *entity_id;
  gboolean    present;
} HolderWait;

static gboolean
holder_reached (gpointer data)
{
  HolderWait *w = data;

  return holders_are (w->f, w->policy_id, w->entity_id, w->present) && stores_loaded (w->f);
}

static void
wait_holder (Fixture    *f,
             PmPolicy   *policy,
             PmEntity   *entity,
             gboolean    present)
{
  g_autofree char *policy_id = g_strdup (pm_policy_get_id (policy));
  g_autofree char *entity_id = g_strdup (pm_entity_get_id (entity));
  HolderWait w = { f, policy_id, entity_id, present };

  pm_test_wait_until (holder_reached, &w, WAIT_MS);
  spin (100);
  pm_test_wait_until (stores_loaded, f, WAIT_MS);
}

static guint
applied_count (gpointer data)
{
  return g_list_model_get_n_items (pm_policy_editor_get_applied_to (data));
}

/* The count the editor's "Applied to" list is waited for. */
static guint applied_target;

static gboolean
applied_reached (gpointer data)
{
  return applied_count (data) == applied_target;
}

/* A policy and a resource it is not applied to, per flavour, and what
 * detaching it says: EU customer search keeps another policy; Tokyo SIEM
 * and Security analytics (ECE's own region) have no other one. */
static const struct
{
  const char *policy;
  const char *entity;
  const char *detach_impact;
} associate_cases[] = {
  [PM_FLAVOUR_HOSTED] = { "Shared services VPC (EU)", "EU customer search",
                          "will no longer accept traffic from the VPC endpoint" },
  [PM_FLAVOUR_ECE] = { "Corporate LAN", "Security analytics", "will have no network security policy left" },
  [PM_FLAVOUR_SERVERLESS] = { "Tokyo office", "Tokyo SIEM", "will have no network security policy left" },
};

/* The entities page's Policies column counts what pm_entity_dup_policies ()
 * finds (it reads the policies once per change, not once per row). */
static void
assert_policy_counts (Fixture *f)
{
  GListModel *entities = G_LIST_MODEL (pm_session_get_entities (f->session));

  for (guint i = 0; i < g_list_model_get_n_items (entities); i++)
    {
      g_autoptr(PmEntity) entity = g_list_model_get_item (entities, i);
      g_autoptr(GPtrArray) held = pm_entity_dup_policies (f->session, entity);

      g_assert_cmpuint (pm_entities_page_count_policies (f->entities, entity), ==, held->len);
    }
}

static void
test_associate (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  const char *policy_name = associate_cases[f->flavour].policy;
  const char *entity_name = associate_cases[f->flavour].entity;
  g_autoptr(PmPolicy) policy = g_object_ref (store_policy (f, policy_name));
  g_autoptr(PmEntity) entity = g_object_ref (store_entity (f, entity_name));
  PmPolicyEditor *editor;
  guint applied_before;
  const char *body;

  g_assert_nonnull (policy);
  g_assert_nonnull (entity);
  g_assert_true (holders_are (f, pm_policy_get_id (policy), pm_entity_get_id (entity), FALSE));

  /* From the policy: apply, then detach. */
  editor = pm_policies_page_open_editor (f->page, policy);
  applied_before = applied_count (editor);
  g_assert_cmpuint (applied_before, ==, f->flavour == PM_FLAVOUR_ECE ? 1 : 0);
  pm_policy_editor_apply_to (editor, entity);
  applied_target = applied_before + 1;
  pm_test_wait_until (applied_reached, editor, WAIT_MS);
  wait_holder (f, policy, entity, TRUE);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.remove-association", "s",
                                             pm_entity_get_id (entity)));
  pm_test_wait_until (dialog_open, NULL, WAIT_MS);
  body = adw_alert_dialog_get_body (ADW_ALERT_DIALOG (pm_policy_actions_get_dialog ()));
  g_test_message ("impact: %s", body);
  g_assert_nonnull (strstr (body, pm_entity_get_name (entity)));
  g_assert_nonnull (strstr (body, associate_cases[f->flavour].detach_impact));
  respond ("detach");
  applied_target = applied_before;
  pm_test_wait_until (applied_reached, editor, WAIT_MS);
  wait_holder (f, policy, entity, FALSE);
  gtk_window_destroy (GTK_WINDOW (editor));
  pm_test_wait_until (editor_closed, f, WAIT_MS);

  /* From the entity: its policies, apply one, detach it. */
  g_set_object (&policy, store_policy (f, policy_name));
  g_set_object (&entity, store_entity (f, entity_name));
  g_assert_true (pm_entities_page_select (f->entities, pm_entity_get_id (entity)));
  assert_policy_counts (f);
  {
    guint before = g_list_model_get_n_items (pm_entities_page_get_policies (f->entities));

    pm_entities_page_apply_policy (f->entities, policy);
    wait_holder (f, policy, entity, TRUE);
    g_assert_cmpuint (g_list_model_get_n_items (pm_entities_page_get_policies (f->entities)), ==, before + 1);
    g_assert_cmpuint (pm_entities_page_count_policies (f->entities, store_entity (f, entity_name)), ==, before + 1);
    assert_policy_counts (f);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->entities), "entities.remove-policy", "s",
                                               pm_policy_get_id (policy)));
    respond ("detach");
    wait_holder (f, policy, store_entity (f, entity_name), FALSE);
    g_assert_cmpuint (g_list_model_get_n_items (pm_entities_page_get_policies (f->entities)), ==, before);
  }

  fixture_free (f);
}

static void
test_conflict (gconstpointer data)
{
  Fixture *f = fixture_new (PM_FLAVOUR_SERVERLESS);
  g_autoptr(PmPolicy) policy = g_object_ref (store_policy (f, "Corporate VPN (EU)"));
  g_autoptr(PmEntity) entity = g_object_ref (store_entity (f, "EU logs"));
  g_autoptr(GError) error = NULL;
  PmPolicyEditor *editor;
  GtkWidget *dialog;
  guint patches;

  g_assert_nonnull (policy);
  g_assert_nonnull (entity);
  g_assert_true (pm_sandbox_add_fault (f->sandbox, "race@PATCH*1", &error));
  g_assert_no_error (error);
  patches = pm_sandbox_get_request_count (f->sandbox, "PATCH", NULL);

  editor = pm_policies_page_open_editor (f->page, policy);
  pm_policy_editor_apply_to (editor, entity);
  pm_test_wait_until (dialog_open, NULL, WAIT_MS);
  dialog = pm_policy_actions_get_dialog ();
  g_test_message ("%s: %s", adw_alert_dialog_get_heading (ADW_ALERT_DIALOG (dialog)),
                  adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog)));
  g_assert_nonnull (strstr (adw_alert_dialog_get_heading (ADW_ALERT_DIALOG (dialog)), "changed"));
  g_assert_true (adw_alert_dialog_has_response (ADW_ALERT_DIALOG (dialog), "reapply"));
  /* Nothing was retried behind the user's back. */
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "PATCH", NULL), ==, patches + 1);

  respond ("reapply");
  wait_holder (f, policy, entity, TRUE);
  /* Re-applying read the project again and left it with the policy, without
   * a second conflict (the concurrent change itself is kept). */
  spin (100);
  if (pm_policy_actions_get_dialog () != NULL)
    g_test_message ("still open: %s", adw_alert_dialog_get_heading (ADW_ALERT_DIALOG (pm_policy_actions_get_dialog ())));
  g_assert_null (pm_policy_actions_get_dialog ());
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "PATCH", NULL), >=, patches + 1);

  fixture_free (f);
}

/* Tests: my networks */

static guint assert_named (GtkWidget *root);

static void
set_my_networks (const char *first,
                 ...)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) networks = NULL;
  va_list args;

  va_start (args, first);
  for (const char *network = first; network != NULL; network = va_arg (args, const char *))
    g_strv_builder_add (builder, network);
  va_end (args);
  networks = g_strv_builder_end (builder);
  g_settings_set_strv (settings, PM_MY_NETWORKS_KEY, (const char * const *) networks);
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_reset (settings, PM_MY_NETWORKS_KEY);
  g_settings_reset (settings, "confirm-destructive");
}

static void
add_network (PmPreferencesDialog *prefs,
             const char          *text)
{
  GtkWidget *entry = find_type (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW);

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (entry, "apply");
}

static gboolean
no_networks_shown (gpointer prefs)
{
  return find_label (GTK_WIDGET (prefs), "No networks yet") != NULL;
}

static void
test_my_networks_preferences (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  PmPreferencesDialog *prefs = pm_preferences_dialog_new ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_auto(GStrv) networks = NULL;
  GtkWidget *entry;

  adw_dialog_present (ADW_DIALOG (prefs), GTK_WIDGET (f->window));
  /* Shown in the window, once it has come in. */
  pm_test_wait_until (no_networks_shown, prefs, WAIT_MS);
  entry = find_type (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW);

  /* A typed address in its network: the network is kept, and said so. */
  add_network (prefs, " 203.0.113.7/24 ");
  networks = g_settings_get_strv (settings, PM_MY_NETWORKS_KEY);
  g_assert_cmpuint (g_strv_length (networks), ==, 1);
  g_assert_cmpstr (networks[0], ==, "203.0.113.0/24");
  g_assert_nonnull (strstr (pm_preferences_dialog_get_network_message (prefs), "203.0.113.0/24"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");

  add_network (prefs, "2001:DB8:4000::/48");
  g_clear_pointer (&networks, g_strfreev);
  networks = g_settings_get_strv (settings, PM_MY_NETWORKS_KEY);
  g_assert_cmpuint (g_strv_length (networks), ==, 2);
  g_assert_cmpstr (networks[1], ==, "2001:db8:4000::/48");
  g_assert_null (pm_preferences_dialog_get_network_message (prefs));

  /* Refused: not an address, and one already listed. Nothing is lost. */
  add_network (prefs, "office-wifi");
  g_test_message ("%s", pm_preferences_dialog_get_network_message (prefs));
  g_assert_nonnull (strstr (pm_preferences_dialog_get_network_message (prefs), "not an IPv4 or IPv6 address"));
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "office-wifi");
  gtk_editable_set_text (GTK_EDITABLE (entry), "203.0.113.0/2");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  add_network (prefs, "203.0.113.0/24");
  g_assert_nonnull (strstr (pm_preferences_dialog_get_network_message (prefs), "already"));
  /* Enter in the empty row does nothing. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  add_network (prefs, "   ");
  g_assert_null (pm_preferences_dialog_get_network_message (prefs));
  g_clear_pointer (&networks, g_strfreev);
  networks = g_settings_get_strv (settings, PM_MY_NETWORKS_KEY);
  g_assert_cmpuint (g_strv_length (networks), ==, 2);

  /* Each row has a named remove button. */
  spin (100);
  g_assert_nonnull (find_label (GTK_WIDGET (prefs), "203.0.113.0/24"));
  g_assert_cmpuint (assert_named (GTK_WIDGET (prefs)), >=, 6);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prefs), "prefs.remove-network", "s", "203.0.113.0/24"));
  g_clear_pointer (&networks, g_strfreev);
  networks = g_settings_get_strv (settings, PM_MY_NETWORKS_KEY);
  g_assert_cmpuint (g_strv_length (networks), ==, 1);
  g_assert_cmpstr (networks[0], ==, "2001:db8:4000::/48");

  adw_dialog_force_close (ADW_DIALOG (prefs));
  reset_settings ();
  fixture_free (f);
}

static void
test_my_networks_edit (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  gboolean serverless = f->flavour == PM_FLAVOUR_SERVERLESS;
  PmPolicyEditor *editor;
  GtkWidget *dialog;
  const char *body;
  g_autofree char *expected = NULL;
  g_autoptr(JsonObject) after = NULL;

  /* Removing the head office block from Office networks. */
  editor = pm_policies_page_open_editor (f->page, store_policy (f, "Office networks"));
  g_assert_cmpstr (field_text (editor, "rules[0].source"), ==, "203.0.113.0/24");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.rule-remove", "u", 0));

  /* From the branch, the user keeps their access: the usual impact. */
  set_my_networks ("198.51.100.17", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  dialog = GTK_WIDGET (pm_policy_editor_get_dialog (editor));
  g_assert_cmpstr (adw_alert_dialog_get_heading (ADW_ALERT_DIALOG (dialog)), ==, "Save and Refuse This Traffic?");
  g_assert_null (strstr (adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog)), "You will no longer reach"));
  pm_test_dialog_respond (dialog, "cancel");

  /* From the head office, they would lose it: said first. */
  set_my_networks ("198.51.100.17", "203.0.113.7", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  dialog = GTK_WIDGET (pm_policy_editor_get_dialog (editor));
  body = adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog));
  g_test_message ("%s", body);
  g_assert_cmpstr (adw_alert_dialog_get_heading (ADW_ALERT_DIALOG (dialog)), ==, "Save and Lose Your Own Access?");
  expected = g_strdup_printf ("You will no longer reach %s from 203.0.113.7 (My networks).",
                              serverless ? "Product search" : "Search production");
  g_assert_true (g_str_has_prefix (body, expected) || g_str_has_prefix (body, "You will no longer reach"));
  g_assert_nonnull (strstr (body, expected));
  if (serverless)
    g_assert_nonnull (strstr (body, "Platform observability from 203.0.113.7"));
  g_assert_nonnull (strstr (body, "will no longer accept traffic from 203.0.113.0/24"));
  /* Saving anyway saves. */
  pm_test_dialog_respond (dialog, "save");
  pm_test_wait_until (editor_closed, f, WAIT_MS);
  after = state_policy (f, "Office networks");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after, "rules")), ==, 1);

  reset_settings ();
  fixture_free (f);
}

static void
test_my_networks_delete (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  gboolean serverless = f->flavour == PM_FLAVOUR_SERVERLESS;
  const char *holder = serverless ? "Product search" : "Search production";
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *expected = g_strdup_printf ("You will no longer reach %s from 203.0.113.7 (My networks).", holder);
  g_autofree char *id = NULL;
  PmPolicyEditor *editor;
  GtkWidget *dialog;
  const char *body;

  /* The holder keeps a private connection policy once Office networks
   * goes (Serverless's demo data has it so; Hosted gets it here). */
  if (!serverless)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (pm_test_api_associate (pm_session_get_api (f->session),
                                            pm_policy_get_id (store_policy (f, "Application VPC")),
                                            store_entity (f, holder), TRUE, &error));
      g_assert_no_error (error);
      pm_session_refresh (f->session);
      pm_test_wait_until (stores_loaded, f, WAIT_MS);
    }
  id = g_strdup (pm_policy_get_id (store_policy (f, "Office networks")));
  set_my_networks ("203.0.113.7", NULL);
  /* Losing one's own access asks even when destructive actions do not. */
  g_settings_set_boolean (settings, "confirm-destructive", FALSE);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "policies.delete", "s", id));
  pm_test_wait_until (dialog_open, NULL, WAIT_MS);
  dialog = pm_policy_actions_get_dialog ();
  body = adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog));
  g_test_message ("%s", body);
  g_assert_true (g_str_has_prefix (body, expected));
  g_assert_true (adw_alert_dialog_has_response (ADW_ALERT_DIALOG (dialog), "detach"));
  respond ("cancel");
  spin (50);
  g_assert_nonnull (store_policy (f, "Office networks"));

  /* Detaching it from the editor says the same, first. */
  editor = pm_policies_page_open_editor (f->page, store_policy (f, "Office networks"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.remove-association", "s",
                                             pm_entity_get_id (store_entity (f, holder))));
  pm_test_wait_until (dialog_open, NULL, WAIT_MS);
  body = adw_alert_dialog_get_body (ADW_ALERT_DIALOG (pm_policy_actions_get_dialog ()));
  g_test_message ("%s", body);
  g_assert_true (g_str_has_prefix (body, expected));
  respond ("detach");
  wait_holder (f, store_policy (f, "Office networks"), store_entity (f, holder), FALSE);
  gtk_window_destroy (GTK_WINDOW (editor));
  pm_test_wait_until (editor_closed, f, WAIT_MS);

  /* Applying it again gives the access back: no question asked. */
  reset_settings ();
  set_my_networks ("203.0.113.7", NULL);
  g_assert_null (pm_policy_actions_set_applied (GTK_WIDGET (f->page), f->session, store_policy (f, "Office networks"),
                                                store_entity (f, holder), TRUE, NULL, NULL));
  wait_holder (f, store_policy (f, "Office networks"), store_entity (f, holder), TRUE);

  /* Applying an IP filter that leaves the user out to a resource open so
   * far asks first. */
  {
    PmPolicy *vpn = store_policy (f, "Corporate VPN (EU)");
    PmEntity *open = store_entity (f, serverless ? "EU logs" : "Tokyo storefront");

    dialog = pm_policy_actions_set_applied (GTK_WIDGET (f->page), f->session, vpn, open, TRUE, NULL, NULL);
    g_assert_nonnull (dialog);
    body = adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog));
    g_test_message ("%s", body);
    g_assert_nonnull (strstr (body, pm_entity_get_name (open)));
    g_assert_true (adw_alert_dialog_has_response (ADW_ALERT_DIALOG (dialog), "apply"));
    pm_test_dialog_respond (dialog, "cancel");
    spin (50);
    g_assert_true (holders_are (f, pm_policy_get_id (vpn), pm_entity_get_id (open), FALSE));
  }

  reset_settings ();
  fixture_free (f);
}

/* Tests: deleting an associated policy detaches it first */

static gboolean
policy_gone (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  const char *name = ((gpointer *) data)[1];
  g_autoptr(JsonObject) policy = state_policy (f, name);

  return policy == NULL && store_policy (f, name) == NULL;
}

static void
test_delete_associated (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  gboolean serverless = f->flavour == PM_FLAVOUR_SERVERLESS;
  const char *name = serverless ? "Office networks" : "Corporate VPN (EU)";
  PmPolicy *policy = store_policy (f, name);
  g_autofree char *id = g_strdup (pm_policy_get_id (policy));
  g_auto(GStrv) holders = state_holders (f, id);
  gpointer wait[2] = { f, (gpointer) name };
  GtkWidget *dialog;
  const char *body;

  g_assert_cmpuint (g_strv_length (holders), ==, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "policies.delete", "s", id));
  pm_test_wait_until (dialog_open, NULL, WAIT_MS);
  dialog = pm_policy_actions_get_dialog ();
  body = adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog));
  g_test_message ("%s", body);
  g_assert_false (adw_alert_dialog_has_response (ADW_ALERT_DIALOG (dialog), "delete"));
  g_assert_true (adw_alert_dialog_has_response (ADW_ALERT_DIALOG (dialog), "detach"));
  /* Each resource either refuses what the policy allowed, or, left with no
   * policy at all, accepts everything: the dialog says which. */
  g_assert_nonnull (strstr (body, f->flavour == PM_FLAVOUR_SERVERLESS
                                  ? "Product search will no longer accept traffic from 203.0.113.0/24"
                                  : "EU customer search will have no network security policy left"));
  if (serverless)
    g_assert_nonnull (strstr (body, "Platform observability will have no network security policy left"));
  g_assert_nonnull (strstr (body, serverless ? "Product search" : "EU customer search"));
  /* Without my networks, a hint where to set them, where someone could
   * be kept out (Product search keeps a private connection policy); none
   * where every resource is left open. */
  g_assert_true ((strstr (body, "under My networks") != NULL) == serverless);

  /* Cancel changes nothing. */
  respond ("cancel");
  spin (50);
  g_assert_nonnull (store_policy (f, name));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "policies.delete", "s", id));
  respond ("detach");
  pm_test_wait_until (policy_gone, wait, WAIT_MS);
  for (guint i = 0; holders[i] != NULL; i++)
    {
      g_auto(GStrv) now = state_holders (f, id);

      g_assert_false (g_strv_contains ((const char * const *) now, holders[i]));
    }
  if (!serverless)
    {
      g_autofree char *prefix = g_strdup_printf ("/api/v1/deployments/traffic-filter/rulesets/%s/associations", id);

      g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "DELETE", prefix), ==, 2);
    }

  fixture_free (f);
}

/* Tests: import refuses what it cannot use, and sends nothing */

static guint
writes (Fixture *f)
{
  return pm_sandbox_get_request_count (f->sandbox, "POST", NULL)
         + pm_sandbox_get_request_count (f->sandbox, "PUT", NULL)
         + pm_sandbox_get_request_count (f->sandbox, "PATCH", NULL)
         + pm_sandbox_get_request_count (f->sandbox, "DELETE", NULL);
}

static void
assert_import_refused (Fixture        *f,
                       PmPolicyEditor *editor,
                       GBytes         *bytes,
                       const char     *expected)
{
  g_autoptr(GError) error = NULL;
  guint before = writes (f);
  guint n_policies = state_count (f, NULL, NULL);

  g_assert_false (pm_policy_editor_import_bytes (editor, bytes, &error));
  g_assert_nonnull (error);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, expected));
  /* The editor is as it was, and nothing went to the API. */
  g_assert_cmpstr (field_text (editor, "name"), ==, "");
  g_assert_cmpuint (pm_policy_get_n_rules (pm_policy_editor_get_policy (editor)), <=, 1);
  spin (50);
  g_assert_cmpuint (writes (f), ==, before);
  g_assert_cmpuint (state_count (f, NULL, NULL), ==, n_policies);
}

static void
test_import_refused (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  gboolean serverless = f->flavour == PM_FLAVOUR_SERVERLESS;
  PmPolicyEditor *editor = open_new_editor (f);
  g_autoptr(GString) big = g_string_new ("{\"name\":\"Big\",\"region\":\"us-east-1\",\"type\":\"ip\",\"description\":\"");
  g_autoptr(GString) many = g_string_new ("{\"name\":\"Many\",\"region\":\"us-east-1\",\"type\":\"ip\",\"rules\":[");
  g_autoptr(GBytes) oversized = NULL;
  g_autoptr(GBytes) thousands = NULL;
  g_autoptr(GBytes) array = NULL;
  g_autoptr(GBytes) scalar = NULL;
  g_autoptr(GBytes) rules_not_list = NULL;
  g_autoptr(GBytes) other_flavour = NULL;

  /* Over the 1 MiB limit, though valid JSON. */
  while (big->len <= 1024 * 1024)
    g_string_append (big, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (big, "\",\"rules\":[],\"include_by_default\":false}");
  oversized = g_string_free_to_bytes (g_steal_pointer (&big));
  assert_import_refused (f, editor, oversized, "larger than 1 MB");

  /* 10,000 rules: refused whole, with the count and the limit. */
  for (guint i = 0; i < 10000; i++)
    g_string_append_printf (many, "%s{\"source\":\"10.%u.%u.0/24\"}", i ? "," : "", i / 256, i % 256);
  g_string_append (many, "],\"include_by_default\":false}");
  thousands = g_string_free_to_bytes (g_steal_pointer (&many));
  assert_import_refused (f, editor, thousands, "10000 rules");

  /* The wrong shape: a list, a bare value, rules that are not a list. */
  array = bytes_from ("[{\"name\":\"A\",\"region\":\"us-east-1\",\"type\":\"ip\",\"rules\":[]}]", 0);
  assert_import_refused (f, editor, array, "does not hold one policy");
  scalar = bytes_from ("\"ip\"", 0);
  assert_import_refused (f, editor, scalar, "does not hold one policy");
  rules_not_list = bytes_from ("{\"name\":\"R\",\"region\":\"us-east-1\",\"type\":\"ip\",\"rules\":\"10.0.0.0/8\","
                               "\"include_by_default\":false}", 0);
  {
    g_autoptr(GError) error = NULL;
    guint before = writes (f);

    g_assert_false (pm_policy_editor_import_bytes (editor, rules_not_list, &error));
    g_assert_nonnull (error);
    g_test_message ("refused: %s", error->message);
    g_assert_nonnull (strstr (error->message, "rules"));
    g_assert_cmpstr (field_text (editor, "name"), ==, "");
    spin (50);
    g_assert_cmpuint (writes (f), ==, before);
  }

  /* A type this flavour does not have: Serverless has no egress firewall,
   * Hosted and ECE no "private_endpoint" (their Azure type is named
   * otherwise). */
  other_flavour = serverless
                  ? bytes_from ("{\"name\":\"E\",\"region\":\"us-east-1\",\"type\":\"egress_firewall\","
                                "\"rules\":[],\"include_by_default\":false}", 0)
                  : bytes_from ("{\"name\":\"E\",\"region\":\"azure-eastus2\",\"type\":\"private_endpoint\","
                                "\"rules\":[],\"include_by_default\":false}", 0);
  {
    g_autoptr(GError) error = NULL;
    guint before = writes (f);

    g_assert_false (pm_policy_editor_import_bytes (editor, other_flavour, &error));
    g_assert_nonnull (error);
    g_test_message ("refused: %s", error->message);
    g_assert_nonnull (strstr (error->message, serverless ? "egress_firewall" : "private_endpoint"));
    g_assert_cmpstr (field_text (editor, "name"), ==, "");
    spin (50);
    g_assert_cmpuint (writes (f), ==, before);
  }

  fixture_free (f);
}

/* Export and import from the editor's menu. The file chooser, answered by
 * the test, offers the policy's name; a dismissed one writes nothing; what
 * one editor exports, a new one reads back. */
typedef struct
{
  GFile            *file;
  char             *initial_name;
  PmFileChoiceMode  mode;
  guint             asked;
} FileChoice;

static GFile *
answer_choice (GtkFileDialog    *dialog,
               PmFileChoiceMode  mode,
               gpointer          data)
{
  FileChoice *choice = data;

  g_free (choice->initial_name);
  choice->initial_name = g_strdup (gtk_file_dialog_get_initial_name (dialog));
  choice->mode = mode;
  choice->asked++;
  return choice->file != NULL ? g_object_ref (choice->file) : NULL;
}

static gboolean
file_has_policy (gpointer path)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, "\"rules\"") != NULL;
}

static gboolean
name_imported (gpointer editor)
{
  return g_strcmp0 (field_text (editor, "name"), "Office networks") == 0;
}

static void
test_export_import_files (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  PmPolicy *office = store_policy (f, "Office networks");
  FileChoice choice = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pm-test-export-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "office.json", NULL);
  guint before;
  PmPolicyEditor *editor;

  g_assert_no_error (error);
  pm_file_choice_set_test_func (answer_choice, &choice);
  editor = pm_policies_page_open_editor (f->page, office);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.export", NULL));
  spin (50);
  g_assert_cmpuint (choice.asked, ==, 1);
  g_assert_cmpint (choice.mode, ==, PM_FILE_CHOICE_SAVE);
  g_assert_cmpstr (choice.initial_name, ==, "Office networks.json");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (pm_policy_editor_get_error_text (editor));

  choice.file = g_file_new_for_path (path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.export", NULL));
  pm_test_wait_until (file_has_policy, path, WAIT_MS);
  gtk_window_destroy (GTK_WINDOW (editor));
  pm_test_wait_until (editor_closed, f, WAIT_MS);

  before = writes (f);
  editor = open_new_editor (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.import", NULL));
  pm_test_wait_until (name_imported, editor, WAIT_MS);
  g_assert_cmpint (choice.mode, ==, PM_FILE_CHOICE_OPEN);
  g_assert_cmpint (pm_policy_get_policy_type (pm_policy_editor_get_policy (editor)), ==,
                   pm_policy_get_policy_type (office));
  g_assert_cmpuint (pm_policy_get_n_rules (pm_policy_editor_get_policy (editor)), ==, pm_policy_get_n_rules (office));
  g_assert_null (pm_policy_editor_get_error_text (editor));
  spin (50);
  g_assert_cmpuint (writes (f), ==, before);

  pm_file_choice_set_test_func (NULL, NULL);
  g_clear_object (&choice.file);
  g_free (choice.initial_name);
  g_remove (path);
  g_rmdir (dir);
  fixture_free (f);
}

/* Tests: several at once */

static gboolean
op_finished (gpointer data)
{
  PmBulkOp *op = data;

  return !pm_bulk_op_get_running (op) && pm_bulk_op_get_n_done (op) == pm_bulk_op_get_n_items (op);
}

/* The result line of the policy named `name` (its name is quoted in it). */
static const char *
result_line (PmBulkOp   *op,
             const char *name)
{
  GListModel *results = pm_bulk_op_get_results (op);
  g_autofree char *quoted = g_strdup_printf ("“%s”", name);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(GtkStringObject) line = g_list_model_get_item (results, i);

      if (strstr (gtk_string_object_get_string (line), quoted) != NULL)
        return gtk_string_object_get_string (line);
    }
  return NULL;
}

static const char *
line_for_entity (PmBulkOp   *op,
                 const char *entity)
{
  GListModel *results = pm_bulk_op_get_results (op);

  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(GtkStringObject) line = g_list_model_get_item (results, i);

      if (strstr (gtk_string_object_get_string (line), entity) != NULL)
        return gtk_string_object_get_string (line);
    }
  return NULL;
}

static void
wait_op (Fixture  *f,
         PmBulkOp *op)
{
  GListModel *results = pm_bulk_op_get_results (op);

  pm_test_wait_until (op_finished, op, WAIT_MS);
  for (guint i = 0; i < g_list_model_get_n_items (results); i++)
    {
      g_autoptr(GtkStringObject) line = g_list_model_get_item (results, i);

      g_test_message ("result: %s", gtk_string_object_get_string (line));
    }
  spin (100);
  pm_test_wait_until (stores_loaded, f, WAIT_MS);
}

static gboolean
has_prefix (const char *line,
            const char *prefix)
{
  return line != NULL && g_str_has_prefix (line, prefix);
}

static gboolean
undo_toast_shown (gpointer data)
{
  return pm_policy_actions_get_undo_toast () != NULL;
}

static void
click_undo (void)
{
  AdwToast *toast;

  pm_test_wait_until (undo_toast_shown, NULL, WAIT_MS);
  toast = pm_policy_actions_get_undo_toast ();
  g_test_message ("toast: %s", adw_toast_get_title (toast));
  g_signal_emit_by_name (toast, "button-clicked");
}

static PmPolicy *
create_policy (Fixture    *f,
               const char *name,
               const char *region,
               const char *source)
{
  g_autoptr(PmPolicy) policy = pm_policy_new (f->flavour, PM_POLICY_TYPE_IP);
  g_autoptr(PmRule) rule = pm_rule_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  PmPolicy *created;

  pm_policy_set_name (policy, name);
  pm_policy_set_region (policy, region);
  pm_rule_set_source (rule, source);
  pm_policy_add_rule (policy, rule);
  created = pm_test_api_create_policy (pm_session_get_api (f->session), policy, &error);
  g_assert_no_error (error);
  pm_session_refresh (f->session);
  spin (50);
  pm_test_wait_until (stores_loaded, f, WAIT_MS);
  return created;
}

typedef struct
{
  GtkWidget *page;
  gpointer   item;
  gboolean   apply;
} BulkPicked;

static char *
bulk_pick_label (gpointer item,
                 gboolean subtitle)
{
  return subtitle ? NULL : g_strdup (pm_entity_get_name (item));
}

static BulkPicked bulk_picked;

static void
on_bulk_picked (GtkWidget *page,
                gpointer   item,
                gboolean   apply)
{
  bulk_picked.page = page;
  bulk_picked.item = item;
  bulk_picked.apply = apply;
}

/* The bulk picker for selected policies offers only entities that can
 * hold one of them, the entity among them, and hands the pick back with
 * the page and apply. */
static void
check_bulk_pick (Fixture   *f,
                 GPtrArray *selected,
                 PmEntity  *entity)
{
  GtkWidget *window = pm_bulk_pick_present (GTK_WIDGET (f->page), f->session, selected, TRUE,
                                            "Apply", bulk_pick_label, on_bulk_picked);
  GtkWidget *list = find_type (window, GTK_TYPE_LIST_BOX);
  GtkListBoxRow *target = NULL;
  GtkListBoxRow *row;
  gpointer target_item;

  g_assert_nonnull (list);
  for (int i = 0; (row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), i)) != NULL; i++)
    {
      PmEntity *candidate = g_object_get_data (G_OBJECT (row), "item");
      gboolean fits = FALSE;

      g_assert_true (PM_IS_ENTITY (candidate));
      for (guint j = 0; j < selected->len && !fits; j++)
        fits = pm_entity_can_hold_policy (f->session, candidate, g_ptr_array_index (selected, j));
      g_assert_true (fits);
      if (g_strcmp0 (pm_entity_get_id (candidate), pm_entity_get_id (entity)) == 0)
        target = row;
    }
  g_assert_nonnull (target);
  target_item = g_object_get_data (G_OBJECT (target), "item");

  /* Choosing closes the picker (and its rows). */
  memset (&bulk_picked, 0, sizeof bulk_picked);
  g_signal_emit_by_name (list, "row-activated", target);
  g_assert_true (bulk_picked.page == GTK_WIDGET (f->page));
  g_assert_true (bulk_picked.item == target_item);
  g_assert_true (bulk_picked.apply);
  spin (50);
}

static void
test_bulk_policies (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  gboolean serverless = f->flavour == PM_FLAVOUR_SERVERLESS;
  g_autoptr(PmPolicy) second = serverless ? create_policy (f, "Second EU", "eu-west-1", "192.0.2.77") : NULL;
  const char *names_hosted[] = { "Office networks", "Application VPC", "Partner SFTP egress", "Shared services VPC (EU)" };
  const char *names_serverless[] = { "Corporate VPN (EU)", "Second EU", "Tokyo office" };
  const char **names = serverless ? names_serverless : names_hosted;
  guint n = serverless ? G_N_ELEMENTS (names_serverless) : G_N_ELEMENTS (names_hosted);
  g_autoptr(PmEntity) entity = g_object_ref (store_entity (f, serverless ? "EU logs" : "Search production"));
  g_autoptr(PmBulkOp) op = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *progress = NULL;
  g_autofree char *fault = NULL;
  GtkProgressBar *bar;
  guint patches;

  g_assert_nonnull (entity);
  g_assert_false (gtk_widget_is_sensitive (find_actionable (GTK_WIDGET (f->page), "policies.apply-selected")));
  for (guint i = 0; i < n; i++)
    {
      PmPolicy *policy = store_policy (f, names[i]);

      g_assert_nonnull (policy);
      g_assert_true (pm_policies_page_select (f->page, pm_policy_get_id (policy), i > 0));
    }
  selected = pm_policies_page_dup_selected (f->page);
  g_assert_cmpuint (selected->len, ==, n);
  g_assert_true (gtk_widget_is_sensitive (find_actionable (GTK_WIDGET (f->page), "policies.apply-selected")));
  check_bulk_pick (f, selected, entity);

  /* One failure from the server in the middle: the rest still happen. */
  if (serverless)
    fault = g_strdup ("race@PATCH*1");
  else
    fault = g_strdup_printf ("status:403@POST:/api/v1/deployments/traffic-filter/rulesets/%s/associations*1",
                             pm_policy_get_id (store_policy (f, "Application VPC")));
  g_assert_true (pm_sandbox_add_fault (f->sandbox, fault, &error));
  g_assert_no_error (error);

  patches = pm_sandbox_get_request_count (f->sandbox, "PATCH", NULL);
  op = pm_policies_page_apply_selected (f->page, entity, TRUE);
  g_assert_nonnull (op);
  g_assert_cmpuint (pm_bulk_op_get_n_items (op), ==, n);
  /* The page shows the progress while it runs, then hides it. */
  bar = GTK_PROGRESS_BAR (find_type (GTK_WIDGET (f->page), GTK_TYPE_PROGRESS_BAR));
  g_assert_nonnull (bar);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));
  wait_op (f, op);
  progress = pm_bulk_op_dup_progress (op);
  g_assert_cmpstr (progress, ==, serverless ? "3 of 3" : "4 of 4");
  g_assert_cmpstr (gtk_progress_bar_get_text (bar), ==, progress);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  g_assert_cmpuint (g_list_model_get_n_items (pm_bulk_op_get_results (op)), ==, n);
  g_assert_cmpuint (pm_bulk_op_get_n_failed (op), ==, 2);

  if (serverless)
    {
      const char *vpn = result_line (op, "Corporate VPN (EU)");
      const char *other = result_line (op, "Second EU");
      gboolean vpn_failed = has_prefix (vpn, "Failed");

      /* The first PATCH met a concurrent change: that one failed and said
       * so, the next one was made. */
      g_assert_true (vpn_failed != has_prefix (other, "Failed"));
      g_assert_true (has_prefix (vpn_failed ? other : vpn, "Applied"));
      g_assert_nonnull (strstr (vpn_failed ? vpn : other, "nothing was overwritten"));
      g_assert_true (has_prefix (result_line (op, "Tokyo office"), "Failed"));
      g_assert_nonnull (strstr (result_line (op, "Tokyo office"), "another region"));
      /* The applied one is held (the failed one may be too: the
       * concurrent change is the sandbox's, and it is kept). */
      g_assert_true (holders_are (f, vpn_failed ? pm_policy_get_id (second)
                                                : pm_policy_get_id (store_policy (f, "Corporate VPN (EU)")),
                                  pm_entity_get_id (entity), TRUE));
      /* One PATCH refused, one made: nothing retried behind the user's back. */
      g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "PATCH", NULL), ==, patches + 2);
    }
  else
    {
      g_autofree char *shared = g_strdup_printf ("/api/v1/deployments/traffic-filter/rulesets/%s/associations",
                                                 pm_policy_get_id (store_policy (f, "Shared services VPC (EU)")));

      g_assert_true (has_prefix (result_line (op, "Office networks"), "Already applied"));
      g_assert_true (has_prefix (result_line (op, "Application VPC"), "Failed"));
      g_assert_nonnull (strstr (result_line (op, "Application VPC"), "403"));
      g_assert_true (has_prefix (result_line (op, "Partner SFTP egress"), "Applied"));
      g_assert_true (has_prefix (result_line (op, "Shared services VPC (EU)"), "Failed"));
      g_assert_nonnull (strstr (result_line (op, "Shared services VPC (EU)"), "another region"));
      g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "POST", shared), ==, 0);
      g_assert_true (holders_are (f, pm_policy_get_id (store_policy (f, "Partner SFTP egress")),
                                  pm_entity_get_id (entity), TRUE));
      g_assert_true (holders_are (f, pm_policy_get_id (store_policy (f, "Application VPC")),
                                  pm_entity_get_id (entity), FALSE));
      g_assert_true (holders_are (f, pm_policy_get_id (store_policy (f, "Office networks")),
                                  pm_entity_get_id (entity), TRUE));
    }

  /* Undo takes back only what was done. */
  click_undo ();
  {
    PmPolicy *made = serverless ? (has_prefix (result_line (op, "Second EU"), "Applied")
                                   ? second : store_policy (f, "Corporate VPN (EU)"))
                                : store_policy (f, "Partner SFTP egress");

    wait_holder (f, made, entity, FALSE);
    if (!serverless)
      g_assert_true (holders_are (f, pm_policy_get_id (store_policy (f, "Office networks")),
                                  pm_entity_get_id (entity), TRUE));
  }

  fixture_free (f);
}

static void
test_bulk_entities (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  gboolean serverless = f->flavour == PM_FLAVOUR_SERVERLESS;
  const char *policy_name = serverless ? "Office networks" : "Corporate VPN (EU)";
  const char *holders_names[] = { serverless ? "Product search" : "EU customer search",
                                  serverless ? "Platform observability" : "Analytics (EU)" };
  const char *other = serverless ? "EU logs" : "Search production";
  g_autoptr(PmPolicy) policy = g_object_ref (store_policy (f, policy_name));
  g_autofree char *policy_id = g_strdup (pm_policy_get_id (policy));
  g_autoptr(PmBulkOp) op = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  g_auto(GStrv) before = state_holders (f, policy_id);

  g_assert_cmpuint (g_strv_length (before), ==, 2);
  g_assert_true (pm_entities_page_select (f->entities, pm_entity_get_id (store_entity (f, holders_names[0]))));
  g_assert_true (pm_entities_page_select_also (f->entities, pm_entity_get_id (store_entity (f, holders_names[1]))));
  g_assert_true (pm_entities_page_select_also (f->entities, pm_entity_get_id (store_entity (f, other))));
  selected = pm_entities_page_dup_selected (f->entities);
  g_assert_cmpuint (selected->len, ==, 3);

  /* Detaching asks first (confirm-destructive is on by default), naming
   * each pair. */
  op = pm_entities_page_apply_to_selected (f->entities, policy, FALSE);
  g_assert_nonnull (op);
  pm_test_wait_until (dialog_open, NULL, WAIT_MS);
  {
    const char *body = adw_alert_dialog_get_body (ADW_ALERT_DIALOG (pm_policy_actions_get_dialog ()));

    g_test_message ("%s", body);
    g_assert_nonnull (strstr (body, holders_names[0]));
    g_assert_nonnull (strstr (body, holders_names[1]));
  }
  respond ("detach");
  wait_op (f, op);
  g_assert_cmpuint (pm_bulk_op_get_n_failed (op), ==, 0);
  g_assert_true (has_prefix (line_for_entity (op, holders_names[0]), "Detached"));
  g_assert_true (has_prefix (line_for_entity (op, holders_names[1]), "Detached"));
  g_assert_true (has_prefix (line_for_entity (op, other), "Not applied"));
  {
    g_auto(GStrv) after = state_holders (f, policy_id);

    g_assert_cmpuint (g_strv_length (after), ==, 0);
  }

  /* Undo puts both back. */
  click_undo ();
  wait_holder (f, policy, store_entity (f, holders_names[0]), TRUE);
  wait_holder (f, policy, store_entity (f, holders_names[1]), TRUE);
  {
    g_auto(GStrv) after = state_holders (f, policy_id);

    g_assert_cmpuint (g_strv_length (after), ==, 2);
  }

  fixture_free (f);
}

/* Tests: undo of a detach and of a delete */

typedef struct
{
  Fixture    *f;
  const char *name;
  const char *old_id;
} Restored;

/* Tests: cancelling a bulk change stops the items not sent yet */

static gboolean
op_made_one (gpointer data)
{
  return pm_bulk_op_get_n_done (data) >= 1;
}

static void
test_bulk_cancel (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  gboolean serverless = f->flavour == PM_FLAVOUR_SERVERLESS;
  const char *region = serverless ? "eu-west-1" : "ap-northeast-1";
  g_autoptr(PmEntity) entity = g_object_ref (store_entity (f, serverless ? "EU logs" : "Tokyo storefront"));
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(PmBulkOp) op = pm_bulk_op_new (f->session, TRUE);
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog, *cancel;
  guint made = 0, cancelled = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("Bulk %u", i + 1);
      g_autofree char *source = g_strdup_printf ("192.0.2.%u", i + 1);

      g_ptr_array_add (created, create_policy (f, name, region, source));
    }
  for (guint i = 0; i < created->len; i++)
    pm_bulk_op_add (op, store_policy (f, pm_policy_get_name (g_ptr_array_index (created, i))), entity);

  /* Each change takes a while: time to cancel in the middle. */
  g_assert_true (pm_sandbox_add_fault (f->sandbox, serverless ? "latency:400@PATCH" : "latency:400@POST", &error));
  g_assert_no_error (error);
  dialog = pm_bulk_op_present (op, GTK_WIDGET (f->page));
  cancel = find_button (dialog, "_Cancel");
  g_assert_nonnull (cancel);
  g_assert_true (gtk_widget_get_visible (cancel));
  pm_test_wait_until (op_made_one, op, WAIT_MS);
  g_signal_emit_by_name (cancel, "clicked");
  g_assert_cmpstr (adw_alert_dialog_get_heading (ADW_ALERT_DIALOG (dialog)), ==, "Cancelling…");
  g_assert_false (gtk_widget_get_sensitive (cancel));
  wait_op (f, op);
  pm_sandbox_clear_faults (f->sandbox);

  /* What was sent was made (the one in flight included); the rest was not
   * sent, and says so. */
  for (guint i = 0; i < created->len; i++)
    {
      PmPolicy *policy = g_ptr_array_index (created, i);
      const char *line = result_line (op, pm_policy_get_name (policy));
      PmBulkResult result = pm_bulk_op_get_result (op, i, NULL);

      g_assert_true (result == PM_BULK_RESULT_DONE || result == PM_BULK_RESULT_CANCELLED);
      if (result == PM_BULK_RESULT_DONE)
        {
          made++;
          g_assert_true (has_prefix (line, "Applied"));
          g_assert_cmpuint (cancelled, ==, 0);
        }
      else
        {
          cancelled++;
          g_assert_true (has_prefix (line, "Not done (cancelled)"));
        }
      g_assert_true (holders_are (f, pm_policy_get_id (policy), pm_entity_get_id (entity),
                                  result == PM_BULK_RESULT_DONE));
    }
  g_assert_cmpuint (made, >=, 1);
  g_assert_cmpuint (cancelled, >=, 1);
  g_assert_cmpuint (pm_bulk_op_get_n_cancelled (op), ==, cancelled);
  g_assert_cmpuint (pm_bulk_op_get_n_failed (op), ==, 0);
  g_assert_cmpstr (adw_alert_dialog_get_heading (ADW_ALERT_DIALOG (dialog)), ==, "Cancelled");
  g_assert_false (gtk_widget_get_visible (cancel));

  /* Undo takes back what was made. */
  pm_test_dialog_respond (dialog, "close");
  click_undo ();
  for (guint i = 0; i < made; i++)
    wait_holder (f, g_ptr_array_index (created, i), entity, FALSE);

  fixture_free (f);
}

/* Tests: the editor's "Applied to" picker takes several at once */

typedef struct
{
  PmPolicyEditor *editor;
  guint           n;
} AppliedWait;

static gboolean
applied_reached_n (gpointer data)
{
  AppliedWait *w = data;

  return applied_count (w->editor) == w->n;
}

static GtkWidget *
picker_row (GtkWidget  *picker,
            const char *name)
{
  GtkWidget *list = find_type (picker, GTK_TYPE_LIST_BOX);
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), i)) != NULL; i++)
    if (g_strcmp0 (pm_entity_get_name (g_object_get_data (G_OBJECT (row), "item")), name) == 0)
      return GTK_WIDGET (row);
  return NULL;
}

static void
test_apply_many (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  gboolean serverless = f->flavour == PM_FLAVOUR_SERVERLESS;
  const char *names[2] = { serverless ? "Product search" : "EU customer search",
                           serverless ? "Platform observability" : "Analytics (EU)" };
  g_autoptr(PmPolicy) policy = create_policy (f, "Several at once", serverless ? "us-east-1" : "eu-west-1",
                                              "192.0.2.99");
  PmPolicyEditor *editor = pm_policies_page_open_editor (f->page, store_policy (f, "Several at once"));
  GtkWidget *picker, *apply, *search, *dialog;
  AppliedWait w = { editor, 2 };

  g_assert_cmpuint (applied_count (editor), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-association", NULL));
  picker = pm_policy_actions_get_dialog ();
  g_assert_nonnull (picker);
  gtk_test_widget_wait_for_draw (picker);
  apply = find_button (picker, "_Apply");
  g_assert_nonnull (apply);
  g_assert_false (gtk_widget_get_sensitive (apply));
  g_assert_cmpuint (assert_named (picker), >=, 2);   /* Cancel, Apply; each check is named after its row */

  /* Check one; a search that hides it keeps it checked. */
  g_assert_nonnull (picker_row (picker, names[0]));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find_type (picker_row (picker, names[0]), GTK_TYPE_CHECK_BUTTON)), TRUE);
  g_assert_true (gtk_widget_get_sensitive (apply));
  search = find_type (picker, GTK_TYPE_SEARCH_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (search), names[1]);
  g_signal_emit_by_name (search, "search-changed");
  g_assert_null (picker_row (picker, names[0]));
  /* Activating a row checks it, as its check would. */
  g_assert_true (gtk_widget_activate (picker_row (picker, names[1])));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (find_type (picker_row (picker, names[1]),
                                                                           GTK_TYPE_CHECK_BUTTON))));
  gtk_editable_set_text (GTK_EDITABLE (search), "");
  g_signal_emit_by_name (search, "search-changed");
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (find_type (picker_row (picker, names[0]),
                                                                           GTK_TYPE_CHECK_BUTTON))));
  g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (find_type (picker, ADW_TYPE_WINDOW_TITLE))),
                   ==, "2 selected");

  /* Apply: one bulk change, a result for each, both in the list. */
  g_signal_emit_by_name (apply, "clicked");
  dialog = pm_policy_actions_get_dialog ();
  g_assert_true (ADW_IS_ALERT_DIALOG (dialog));
  pm_test_wait_until (applied_reached_n, &w, WAIT_MS);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    wait_holder (f, policy, store_entity (f, names[i]), TRUE);
  g_assert_cmpstr (adw_alert_dialog_get_heading (ADW_ALERT_DIALOG (dialog)), ==, "Applied");
  {
    GtkWidget *results = find_type (dialog, GTK_TYPE_LIST_BOX);
    guint rows = 0;

    while (gtk_list_box_get_row_at_index (GTK_LIST_BOX (results), rows) != NULL)
      rows++;
    g_assert_cmpuint (rows, ==, 2);
  }
  pm_test_dialog_respond (dialog, "close");

  fixture_free (f);
}

static gboolean
restored (gpointer data)
{
  Restored *r = data;
  g_autoptr(JsonObject) policy = state_policy (r->f, r->name);

  return policy != NULL && g_strcmp0 (json_object_get_string_member (policy, "id"), r->old_id) != 0
         && store_policy (r->f, r->name) != NULL;
}

static void
test_undo (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  gboolean serverless = f->flavour == PM_FLAVOUR_SERVERLESS;
  const char *name = serverless ? "Office networks" : "Corporate VPN (EU)";
  const char *lone = serverless ? "Tokyo office" : "Partner SFTP egress";
  g_autoptr(PmPolicy) policy = g_object_ref (store_policy (f, name));
  g_autoptr(PmEntity) entity = NULL;
  g_autofree char *id = g_strdup (pm_policy_get_id (policy));
  g_autofree char *lone_id = g_strdup (pm_policy_get_id (store_policy (f, lone)));
  g_auto(GStrv) holders = state_holders (f, id);
  g_autoptr(GSettings) settings = g_settings_new ("io.github.perimeter.Perimeter");

  g_assert_cmpuint (g_strv_length (holders), ==, 2);
  entity = g_object_ref (store_entity (f, serverless ? "Product search" : "EU customer search"));

  /* A detach, undone: applied again. */
  g_assert_true (pm_entities_page_select (f->entities, pm_entity_get_id (entity)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->entities), "entities.remove-policy", "s", id));
  respond ("detach");
  wait_holder (f, policy, entity, FALSE);
  click_undo ();
  wait_holder (f, policy, entity, TRUE);

  /* A delete of a policy in use, undone: the same policy again under a new
   * id, applied to what held the old one. */
  spin (200);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "policies.delete", "s", id));
  respond ("detach");
  {
    gpointer wait[2] = { f, (gpointer) name };

    pm_test_wait_until (policy_gone, wait, WAIT_MS);
  }
  click_undo ();
  {
    Restored r = { f, name, id };
    g_autoptr(JsonObject) again = NULL;
    g_autoptr(PmPolicy) back = NULL;

    pm_test_wait_until (restored, &r, WAIT_MS);
    back = g_object_ref (store_policy (f, name));
    for (guint i = 0; holders[i] != NULL; i++)
      wait_holder (f, back, pm_entity_store_lookup (pm_session_get_entities (f->session), holders[i]), TRUE);
    again = state_policy (f, name);
    g_assert_cmpstr (json_object_get_string_member (again, "id"), !=, id);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (again, "rules")), ==,
                      pm_policy_get_n_rules (policy));
  }

  /* confirm-destructive off: no dialog; the toast's Undo is the way back. */
  g_settings_set_boolean (settings, "confirm-destructive", FALSE);
  spin (300);
  g_assert_null (pm_policy_actions_delete (GTK_WIDGET (f->page), f->session, store_policy (f, lone), NULL, NULL));
  {
    gpointer wait[2] = { f, (gpointer) lone };

    pm_test_wait_until (policy_gone, wait, WAIT_MS);
  }
  click_undo ();
  {
    Restored r = { f, lone, lone_id };

    pm_test_wait_until (restored, &r, WAIT_MS);
  }

  /* Where no toast can offer Undo, the confirmation stays, setting or not. */
  {
    GtkWidget *window = gtk_window_new ();
    GtkWidget *outside = gtk_label_new ("outside");
    GtkWidget *dialog;

    gtk_window_set_child (GTK_WINDOW (window), outside);
    dialog = pm_policy_actions_delete (outside, f->session, store_policy (f, lone), NULL, NULL);
    g_assert_nonnull (dialog);
    g_assert_true (adw_alert_dialog_has_response (ADW_ALERT_DIALOG (dialog), "delete"));
    pm_test_dialog_respond (dialog, "cancel");
    spin (50);
    g_assert_nonnull (store_policy (f, lone));
    gtk_window_destroy (GTK_WINDOW (window));
  }
  g_settings_reset (settings, "confirm-destructive");

  fixture_free (f);
}

/* Tests: saving a change that removes a source shows who loses it */

static void
test_edit_impact (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  PmPolicy *policy = store_policy (f, "Office networks");
  PmPolicyEditor *editor;
  GtkWidget *dialog;
  const char *body;
  g_autoptr(JsonObject) after = NULL;

  editor = pm_policies_page_open_editor (f->page, policy);
  g_assert_cmpstr (field_text (editor, "rules[1].source"), ==, "198.51.100.17");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.rule-remove", "u", 1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  dialog = GTK_WIDGET (pm_policy_editor_get_dialog (editor));
  g_assert_nonnull (dialog);
  body = adw_alert_dialog_get_body (ADW_ALERT_DIALOG (dialog));
  g_test_message ("%s", body);
  g_assert_nonnull (strstr (body, "will no longer accept traffic from 198.51.100.17"));
  g_assert_nonnull (strstr (body, f->flavour == PM_FLAVOUR_SERVERLESS ? "Product search" : "Search production"));
  pm_test_dialog_respond (dialog, "save");
  pm_test_wait_until (editor_closed, f, WAIT_MS);
  after = state_policy (f, "Office networks");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after, "rules")), ==, 1);

  fixture_free (f);
}

/* Tests: every control has a name */

static gboolean
has_name (GtkWidget *widget)
{
  const char *text = NULL;

  if (gtk_widget_get_tooltip_text (widget) != NULL)
    return TRUE;
  if (GTK_IS_BUTTON (widget))
    text = gtk_button_get_label (GTK_BUTTON (widget));
  if (GTK_IS_MENU_BUTTON (widget))
    text = gtk_menu_button_get_label (GTK_MENU_BUTTON (widget));
  if (ADW_IS_PREFERENCES_ROW (widget))
    text = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (text != NULL && *text != '\0')
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LABEL (child) && *gtk_label_get_label (GTK_LABEL (child)) != '\0')
      return TRUE;
    else if (!GTK_IS_LABEL (child) && has_name (child))
      return TRUE;
  return FALSE;
}

static gboolean
is_control (GtkWidget *widget)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  /* Parts of composite widgets are named by GTK and libadwaita. */
  if (gtk_widget_get_ancestor (widget, ADW_TYPE_ENTRY_ROW) != NULL && !ADW_IS_ENTRY_ROW (widget))
    return FALSE;
  if (GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
    return FALSE;
  if (gtk_widget_get_ancestor (widget, GTK_TYPE_WINDOW_CONTROLS) != NULL)
    return FALSE;
  /* A dialog's close button and a header bar's back button (libadwaita
   * names them), hidden or not. */
  if (gtk_widget_get_parent (widget) != NULL
      && (g_str_equal (G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)), "AdwSheetControls")
          || g_str_equal (G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)), "AdwBackButton")))
    return FALSE;
  if (gtk_widget_get_ancestor (widget, GTK_TYPE_DROP_DOWN) != NULL && !GTK_IS_DROP_DOWN (widget))
    return FALSE;
  if (gtk_widget_get_ancestor (widget, GTK_TYPE_SEARCH_ENTRY) != NULL)
    return FALSE;
  if (gtk_widget_get_ancestor (widget, GTK_TYPE_SPIN_BUTTON) != NULL)
    return FALSE;
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || ADW_IS_ENTRY_ROW (widget)
         || ADW_IS_COMBO_ROW (widget) || GTK_IS_DROP_DOWN (widget);
}

static guint
assert_named (GtkWidget *root)
{
  guint checked = 0;

  if (is_control (root))
    {
      if (!has_name (root))
        {
          g_autoptr(GString) path = g_string_new (NULL);

          for (GtkWidget *w = root; w; w = gtk_widget_get_parent (w))
            g_string_append_printf (path, " < %s", G_OBJECT_TYPE_NAME (w));
          g_error ("a control has no name: %s", path->str);
        }
      checked++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    checked += assert_named (child);
  return checked;
}

static void
test_named (gconstpointer data)
{
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  PmPolicyEditor *editor;

  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->window));
  pm_entities_page_select (f->entities, pm_entity_get_id (store_entity (f, "Search production")));
  spin (100);
  g_assert_cmpuint (assert_named (GTK_WIDGET (f->window)), >, 10);

  for (guint c = 0; c < G_N_ELEMENTS (type_cases); c++)
    {
      editor = open_new_editor (f);
      pm_policy_editor_set_policy_type (editor, type_cases[c].type);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (editor));
      g_assert_cmpuint (assert_named (GTK_WIDGET (editor)), >, 5);
      gtk_window_destroy (GTK_WINDOW (editor));
      pm_test_wait_until (editor_closed, f, WAIT_MS);
    }
  editor = pm_policies_page_open_editor (f->page, store_policy (f, "Office networks"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (editor));
  g_assert_cmpuint (assert_named (GTK_WIDGET (editor)), >, 8);

  fixture_free (f);
}

/* Screenshots (PM_SCREENSHOT_DIR) */

static void
save_png (GtkWidget  *widget,
          const char *dir,
          const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  gtk_test_widget_wait_for_draw (widget);
  spin (200);
  g_assert_true (pm_screenshots_save_widget (widget, path, &error));
  g_assert_no_error (error);
}

/* A dialog as it is seen: over the window it is shown in, once it has
 * finished opening. */
static void
save_dialog_png (GtkWidget  *dialog,
                 const char *dir,
                 const char *name)
{
  gtk_test_widget_wait_for_draw (dialog);
  spin (600);
  save_png (GTK_WIDGET (gtk_widget_get_root (dialog)), dir, name);
}

static void
test_screenshots (gconstpointer data)
{
  const char *dir = g_getenv ("PM_SCREENSHOT_DIR");
  gboolean serverless = GPOINTER_TO_INT (data) == PM_FLAVOUR_SERVERLESS;
  const char *prefix = serverless ? "serverless-" : "hosted-";
  g_autofree char *name = NULL;
  Fixture *f;
  PmPolicyEditor *editor;
  GtkWidget *dialog;

  if (dir == NULL)
    {
      g_test_skip ("PM_SCREENSHOT_DIR not set");
      return;
    }
  f = fixture_new (GPOINTER_TO_INT (data));
  name = g_strconcat (prefix, "policies-page.png", NULL);
  save_png (GTK_WIDGET (f->window), dir, name);

  editor = pm_policies_page_open_editor (f->page, store_policy (f, "Office networks"));
  g_free (name);
  name = g_strconcat (prefix, "editor-ip.png", NULL);
  save_png (GTK_WIDGET (editor), dir, name);
  gtk_window_destroy (GTK_WINDOW (editor));
  pm_test_wait_until (editor_closed, f, WAIT_MS);

  editor = pm_policies_page_open_editor (f->page, store_policy (f, serverless ? "SOC VNet" : "CRM VNet"));
  g_free (name);
  name = g_strconcat (prefix, "editor-azure.png", NULL);
  save_png (GTK_WIDGET (editor), dir, name);
  gtk_window_destroy (GTK_WINDOW (editor));
  pm_test_wait_until (editor_closed, f, WAIT_MS);

  editor = open_new_editor (f);
  if (serverless)
    {
      pm_policy_editor_set_policy_type (editor, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT);
      set_field (editor, "rules[0].azure_endpoint_name", "my-endpoint");
      set_field (editor, "rules[0].azure_endpoint_guid", "not-a-guid");
    }
  else
    {
      pm_policy_editor_set_policy_type (editor, PM_POLICY_TYPE_EGRESS_FIREWALL);
      set_field (editor, "name", "Partner API");
      set_field (editor, "rules[0].egress_rule.target", "198.51.100.7/24");
    }
  g_free (name);
  name = g_strconcat (prefix, "editor-new.png", NULL);
  save_png (GTK_WIDGET (editor), dir, name);
  gtk_window_destroy (GTK_WINDOW (editor));
  pm_test_wait_until (editor_closed, f, WAIT_MS);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "policies.delete", "s",
                                             pm_policy_get_id (store_policy (f, "Office networks"))));
  pm_test_wait_until (dialog_open, NULL, WAIT_MS);
  dialog = pm_policy_actions_get_dialog ();
  g_free (name);
  name = g_strconcat (prefix, "delete-dialog.png", NULL);
  save_dialog_png (dialog, dir, name);
  respond ("cancel");

  /* The same question in the narrowest window the app supports. */
  {
    GtkWidget *narrow = adw_window_new ();
    GtkWidget *overlay = adw_toast_overlay_new ();
    PmPoliciesPage *page = pm_policies_page_new ();

    gtk_window_set_default_size (GTK_WINDOW (narrow), 360, 640);
    adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (page));
    adw_window_set_content (ADW_WINDOW (narrow), overlay);
    pm_policies_page_set_session (page, f->session);
    gtk_window_present (GTK_WINDOW (narrow));
    dialog = pm_policy_actions_delete (GTK_WIDGET (page), f->session, store_policy (f, "Corporate VPN (EU)"),
                                       NULL, NULL);
    g_assert_nonnull (dialog);
    g_free (name);
    name = g_strconcat (prefix, "delete-dialog-narrow.png", NULL);
    save_dialog_png (dialog, dir, name);
    pm_test_dialog_respond (dialog, "cancel");
    gtk_window_destroy (GTK_WINDOW (narrow));
  }

  pm_entities_page_select (f->entities, pm_entity_get_id (store_entity (f, serverless ? "Product search" : "Search production")));
  g_free (name);
  name = g_strconcat (prefix, "entities-page.png", NULL);
  save_png (GTK_WIDGET (f->window), dir, name);

  /* Several at once: the results, one line each, failures with why. */
  pm_policies_page_select (f->page, pm_policy_get_id (store_policy (f, "Office networks")), FALSE);
  pm_policies_page_select (f->page, pm_policy_get_id (store_policy (f, "Application VPC")), TRUE);
  pm_policies_page_select (f->page, pm_policy_get_id (store_policy (f, "Corporate VPN (EU)")), TRUE);
  {
    g_autoptr(PmBulkOp) op = pm_policies_page_apply_selected (f->page, store_entity (f, serverless ? "Platform observability"
                                                                                                    : "Checkout API logs"),
                                                              TRUE);

    wait_op (f, op);
    spin (300);
    g_free (name);
    name = g_strconcat (prefix, "bulk-results.png", NULL);
    save_dialog_png (pm_policy_actions_get_dialog (), dir, name);
    pm_test_dialog_respond (pm_policy_actions_get_dialog (), "close");
  }

  /* My networks: the preferences, and the warning that comes first. */
  set_my_networks ("203.0.113.7", "2001:db8:4000::/48", NULL);
  {
    PmPreferencesDialog *prefs = pm_preferences_dialog_new ();

    adw_dialog_present (ADW_DIALOG (prefs), GTK_WIDGET (f->window));
    add_network (prefs, "198.51.100.23/24");
    g_free (name);
    name = g_strconcat (prefix, "preferences-my-networks.png", NULL);
    save_png (GTK_WIDGET (prefs), dir, name);
    add_network (prefs, "office-wifi");
    g_free (name);
    name = g_strconcat (prefix, "preferences-my-networks-error.png", NULL);
    save_png (GTK_WIDGET (prefs), dir, name);
    adw_dialog_force_close (ADW_DIALOG (prefs));
  }
  editor = pm_policies_page_open_editor (f->page, store_policy (f, "Office networks"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.rule-remove", "u", 0));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  g_free (name);
  name = g_strconcat (prefix, "impact-my-networks.png", NULL);
  save_dialog_png (GTK_WIDGET (pm_policy_editor_get_dialog (editor)), dir, name);
  pm_test_dialog_respond (pm_policy_editor_get_dialog (editor), "cancel");
  spin (50);

  gtk_window_destroy (GTK_WINDOW (editor));
  pm_test_wait_until (editor_closed, f, WAIT_MS);

  /* The "Applied to" picker of a new policy, two checked. */
  {
    g_autoptr(PmPolicy) branches = create_policy (f, "Branch offices", serverless ? "us-east-1" : "eu-west-1",
                                                  "198.51.100.0/24");

    editor = pm_policies_page_open_editor (f->page, store_policy (f, "Branch offices"));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-association", NULL));
  {
    GtkWidget *picker = pm_policy_actions_get_dialog ();
    GtkWidget *list = find_type (picker, GTK_TYPE_LIST_BOX);

    for (int i = 0; i < 2; i++)
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), i);

        if (row != NULL)
          gtk_check_button_set_active (GTK_CHECK_BUTTON (find_type (GTK_WIDGET (row), GTK_TYPE_CHECK_BUTTON)), TRUE);
      }
    g_free (name);
    name = g_strconcat (prefix, "picker-several.png", NULL);
    save_png (picker, dir, name);
    gtk_window_destroy (GTK_WINDOW (picker));
  }
  gtk_window_destroy (GTK_WINDOW (editor));
  pm_test_wait_until (editor_closed, f, WAIT_MS);
  reset_settings ();

  /* A slow bulk change, while it runs: progress and Cancel. */
  {
    g_autoptr(PmBulkOp) op = pm_bulk_op_new (f->session, FALSE);
    g_autoptr(GError) error = NULL;
    const char *held[] = { "Office networks", "Corporate VPN (EU)", "Application VPC" };

    for (guint i = 0; i < G_N_ELEMENTS (held); i++)
      {
        PmPolicy *policy = store_policy (f, held[i]);
        g_autoptr(GPtrArray) entities = pm_policy_dup_entities (f->session, policy);

        for (guint j = 0; j < entities->len; j++)
          pm_bulk_op_add (op, policy, g_ptr_array_index (entities, j));
      }
    g_assert_true (pm_sandbox_add_fault (f->sandbox, "latency:1500", &error));
    dialog = pm_bulk_op_present (op, GTK_WIDGET (f->page));
    pm_test_wait_until (op_made_one, op, WAIT_MS);
    g_free (name);
    name = g_strconcat (prefix, "bulk-running.png", NULL);
    save_dialog_png (dialog, dir, name);
    g_signal_emit_by_name (find_button (dialog, "_Cancel"), "clicked");
    wait_op (f, op);
    pm_sandbox_clear_faults (f->sandbox);
    spin (300);
    g_free (name);
    name = g_strconcat (prefix, "bulk-cancelled.png", NULL);
    save_dialog_png (dialog, dir, name);
    pm_test_dialog_respond (dialog, "close");
  }

  fixture_free (f);
}

/* The editor at 360 px, the narrowest the metainfo promises: for each
 * type, with its fields' messages (a fix's button under its message, the
 * narrow breakpoint), and with the resources it is applied to, nothing
 * holds the window wider. With PM_SCREENSHOT_DIR, each is saved as
 * PREFIX-editor-narrow-NAME.png. */
static void
assert_editor_fits (PmPolicyEditor *editor,
                    const char     *prefix,
                    const char     *name)
{
  const char *dir = g_getenv ("PM_SCREENSHOT_DIR");
  GtkWidget *content = adw_window_get_content (ADW_WINDOW (editor));
  int minimum = 0;
  int frame;

  /* 360 px inside the frame X11 draws around a window without a compositor. */
  gtk_window_set_default_size (GTK_WINDOW (editor), 360, 720);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (editor));
  frame = 360 - gtk_widget_get_width (content);
  gtk_window_set_default_size (GTK_WINDOW (editor), 360 + frame, 720);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (editor));
  spin (200);
  gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_test_message ("%s: at least %d px, %d px wide", name, minimum, gtk_widget_get_width (content));
  g_assert_cmpint (minimum, <=, 360);
  g_assert_cmpint (gtk_widget_get_width (content), ==, 360);
  g_assert_nonnull (adw_window_get_current_breakpoint (ADW_WINDOW (editor)));
  if (dir != NULL)
    {
      g_autofree char *file = g_strdup_printf ("%seditor-narrow-%s.png", prefix, name);

      save_png (GTK_WIDGET (editor), dir, file);
    }
}

static void
test_narrow_editor (gconstpointer data)
{
  static const char * const names[] = { "ip", "egress", "vpce", "azure", "gcp" };
  Fixture *f = fixture_new (GPOINTER_TO_INT (data));
  const char *prefix = f->flavour == PM_FLAVOUR_SERVERLESS ? "serverless-" : "hosted-";
  PmPolicyEditor *editor;

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == G_N_ELEMENTS (type_cases));
  for (guint c = 0; c < G_N_ELEMENTS (type_cases); c++)
    {
      if (!pm_flavour_supports_type (f->flavour, type_cases[c].type))
        continue;
      editor = open_new_editor (f);
      pm_policy_editor_set_policy_type (editor, type_cases[c].type);
      /* Two rules, the second one wrong: its message under the field. */
      fill_rule (editor, 0, &type_cases[c]);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.add-rule", NULL));
      set_field (editor, "name", "A policy with a rather long name to wrap");
      {
        g_autofree char *second = g_strdup_printf ("rules[1].%s", type_cases[c].fields[0][0]);

        set_field (editor, second, "not valid at all");
      }
      assert_editor_fits (editor, prefix, names[c]);
      gtk_window_destroy (GTK_WINDOW (editor));
      pm_test_wait_until (editor_closed, f, WAIT_MS);
    }

  /* A block with host bits set: the message, and the button that puts the
   * network in its place. */
  editor = open_new_editor (f);
  set_field (editor, "name", "Partner API");
  set_field (editor, "rules[0].source", "198.51.100.7/24");
  assert_editor_fits (editor, prefix, "suggestion");
  gtk_window_destroy (GTK_WINDOW (editor));
  pm_test_wait_until (editor_closed, f, WAIT_MS);

  editor = pm_policies_page_open_editor (f->page, store_policy (f, "Office networks"));
  assert_editor_fits (editor, prefix, "applied");
  gtk_window_destroy (GTK_WINDOW (editor));
  pm_test_wait_until (editor_closed, f, WAIT_MS);

  fixture_free (f);
}

int
main (int   argc,
      char *argv[])
{
  static const struct { const char *name; PmFlavour flavour; } flavours[] = {
    { "hosted", PM_FLAVOUR_HOSTED },
    { "serverless", PM_FLAVOUR_SERVERLESS },
    { "ece", PM_FLAVOUR_ECE },
  };

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();
  pm_test_dialog_tolerate_heading_warning ();

  for (guint i = 0; i < G_N_ELEMENTS (flavours); i++)
    {
      gconstpointer flavour = GINT_TO_POINTER (flavours[i].flavour);
      const char *n = flavours[i].name;
      g_autofree char *list = g_strdup_printf ("/policies/%s/list", n);
      g_autofree char *crud = g_strdup_printf ("/policies/%s/create-edit-delete", n);
      g_autofree char *search = g_strdup_printf ("/policies/%s/search-and-filter", n);
      g_autofree char *invalid = g_strdup_printf ("/policies/%s/invalid-input", n);
      g_autofree char *api_error = g_strdup_printf ("/policies/%s/api-error-keeps-edits", n);
      g_autofree char *associate = g_strdup_printf ("/policies/%s/associate-both-sides", n);
      g_autofree char *del = g_strdup_printf ("/policies/%s/delete-associated", n);
      g_autofree char *impact = g_strdup_printf ("/policies/%s/edit-impact", n);
      g_autofree char *import = g_strdup_printf ("/policies/%s/import", n);

      g_test_add_data_func (list, flavour, test_list);
      g_test_add_data_func (crud, flavour, test_crud);
      /* ECE speaks the Hosted rulesets API: the same cases, on its flavour. */
      g_test_add_data_func (search, flavour, test_search);
      g_test_add_data_func (associate, flavour, test_associate);
      g_test_add_data_func (del, flavour, test_delete_associated);
      if (flavours[i].flavour == PM_FLAVOUR_ECE)
        continue;
      {
        g_autofree char *states = g_strdup_printf ("/policies/%s/loading-error-empty", n);
        g_autofree char *search_rows = g_strdup_printf ("/policies/%s/search-keeps-rows-and-selection", n);

        g_test_add_data_func (states, flavour, test_states);
        g_test_add_data_func (search_rows, flavour, test_search_rows);
      }
      g_test_add_data_func (invalid, flavour, test_invalid);
      {
        g_autofree char *left_out = g_strdup_printf ("/policies/%s/left-out-notices", n);

        g_test_add_data_func (left_out, flavour, test_left_out_notices);
      }
      g_test_add_data_func (api_error, flavour, test_api_error);
      g_test_add_data_func (impact, flavour, test_edit_impact);
      g_test_add_data_func (import, flavour, test_import);
      {
        g_autofree char *refused = g_strdup_printf ("/policies/%s/import-refused", n);
        g_autofree char *bulk_policies = g_strdup_printf ("/policies/%s/bulk-from-policies", n);
        g_autofree char *bulk_entities = g_strdup_printf ("/policies/%s/bulk-from-entities", n);
        g_autofree char *undo = g_strdup_printf ("/policies/%s/undo-detach-and-delete", n);

        g_test_add_data_func (refused, flavour, test_import_refused);
        g_test_add_data_func (bulk_policies, flavour, test_bulk_policies);
        g_test_add_data_func (bulk_entities, flavour, test_bulk_entities);
        g_test_add_data_func (undo, flavour, test_undo);
      }
      {
        g_autofree char *bulk_cancel = g_strdup_printf ("/policies/%s/bulk-cancel", n);

        g_test_add_data_func (bulk_cancel, flavour, test_bulk_cancel);
      }
      {
        g_autofree char *many = g_strdup_printf ("/policies/%s/apply-several-from-editor", n);

        g_test_add_data_func (many, flavour, test_apply_many);
      }
      {
        g_autofree char *edit = g_strdup_printf ("/policies/%s/my-networks-edit-warning", n);
        g_autofree char *del_warning = g_strdup_printf ("/policies/%s/my-networks-delete-detach-apply", n);

        g_test_add_data_func (edit, flavour, test_my_networks_edit);
        g_test_add_data_func (del_warning, flavour, test_my_networks_delete);
      }
    }
  g_test_add_data_func ("/policies/serverless/if-match-conflict", NULL, test_conflict);
  g_test_add_data_func ("/policies/hosted/my-networks-preferences", GINT_TO_POINTER (PM_FLAVOUR_HOSTED),
                        test_my_networks_preferences);
  g_test_add_data_func ("/policies/hosted/export-import-files", GINT_TO_POINTER (PM_FLAVOUR_HOSTED),
                        test_export_import_files);
  g_test_add_func ("/policies/hosted/search-opens", test_search_opens);
  g_test_add_data_func ("/policies/hosted/filter-menus", GINT_TO_POINTER (PM_FLAVOUR_HOSTED), test_filter_menus);
  g_test_add_data_func ("/policies/serverless/filter-menus", GINT_TO_POINTER (PM_FLAVOUR_SERVERLESS), test_filter_menus);
  g_test_add_data_func ("/policies/hosted/controls-named", GINT_TO_POINTER (PM_FLAVOUR_HOSTED), test_named);
  g_test_add_data_func ("/policies/hosted/screenshots", GINT_TO_POINTER (PM_FLAVOUR_HOSTED), test_screenshots);
  g_test_add_data_func ("/policies/serverless/screenshots", GINT_TO_POINTER (PM_FLAVOUR_SERVERLESS), test_screenshots);
  g_test_add_data_func ("/policies/hosted/narrow-editor", GINT_TO_POINTER (PM_FLAVOUR_HOSTED), test_narrow_editor);
  g_test_add_data_func ("/policies/serverless/narrow-editor", GINT_TO_POINTER (PM_FLAVOUR_SERVERLESS),
                        test_narrow_editor);

  return g_test_run ();
}
