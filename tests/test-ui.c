/* test-ui.c: the window a new user meets, the sandbox, the account dialog
 *
 * Runs under Xvfb with the memory GSettings backend and a private keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "pm-application.h"
#include "pm-application-private.h"
#include "pm-entities-page.h"
#include "pm-error-text.h"
#include "pm-file-choice.h"
#include "pm-policies-page.h"
#include "pm-preferences-dialog.h"
#include "pm-keyring.h"
#include "pm-my-networks.h"
#include "pm-oddity-marker.h"
#include "pm-profile.h"
#include "pm-profile-dialog.h"
#include "pm-sandbox.h"
#include "pm-screenshots.h"
#include "pm-shortcuts-dialog.h"
#include "pm-test-dialog.h"
#include "pm-test-util.h"
#include "pm-text-cell.h"
#include "pm-window.h"


static PmApplication *app;

/* Widget tree helpers */

static GtkWidget *
find_row (GtkWidget  *root,
          GType       type,
          const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type)
      && (title == NULL
          || g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, type, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_by_css_class (GtkWidget  *root,
                   const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_css_class (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
set_row_text (GtkWidget  *root,
              GType       type,
              const char *title,
              const char *text)
{
  GtkWidget *row = find_row (root, type, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* A widget people can operate has a name: its own label, a label child, a
 * row title, or a tooltip (icon-only controls, which also carry an
 * accessible label in their template). */
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
  /* Buttons inside composite widgets (entry rows' apply button, the password
   * peek icon, spin button arrows, popover internals) are named by GTK/Adw. */
  if (gtk_widget_get_ancestor (widget, GTK_TYPE_SPIN_BUTTON) != NULL && !GTK_IS_SPIN_BUTTON (widget))
    return FALSE;
  if (gtk_widget_get_ancestor (widget, ADW_TYPE_ENTRY_ROW) != NULL && !ADW_IS_ENTRY_ROW (widget))
    return FALSE;
  if (GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
    return FALSE;
  /* The window's own title buttons are labelled by GTK, a dialog's close
   * button and the header bar's back button (libadwaita 1.4 and later) by
   * libadwaita ("Close", "Back"). */
  if (gtk_widget_get_ancestor (widget, GTK_TYPE_WINDOW_CONTROLS) != NULL)
    return FALSE;
  if (gtk_widget_get_parent (widget) != NULL
      && g_str_equal (G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)), "AdwSheetControls"))
    return FALSE;
  if (gtk_widget_get_parent (widget) != NULL
      && g_str_equal (G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)), "AdwBackButton"))
    return FALSE;
  if (GTK_IS_LIST_BOX_ROW (widget))
    return gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget))
           && gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)) != NULL;
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || ADW_IS_ENTRY_ROW (widget)
         || ADW_IS_COMBO_ROW (widget);
}

static guint
assert_named (GtkWidget *root)
{
  guint checked = 0;

  if (is_control (root))
    {
      if (!has_name (root))
        {
          GString *path = g_string_new (NULL);

          for (GtkWidget *w = root; w; w = gtk_widget_get_parent (w))
            g_string_append_printf (path, " < %s", G_OBJECT_TYPE_NAME (w));
          if (GTK_IS_BUTTON (root))
            g_string_append_printf (path, " icon=%s", gtk_button_get_icon_name (GTK_BUTTON (root)));
          g_error ("a control has no accessible name: %s", path->str);
        }
      checked++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    checked += assert_named (child);
  return checked;
}

/* Conditions */

static gboolean
policies_loaded (gpointer data)
{
  PmSession *session = pm_window_get_session (data);

  return session != NULL
         && pm_policy_store_get_loaded (pm_session_get_policies (session))
         && g_list_model_get_n_items (G_LIST_MODEL (pm_session_get_policies (session))) > 0;
}

static gboolean
dialog_idle (gpointer data)
{
  return !pm_profile_dialog_get_busy (data) && pm_profile_dialog_get_check_result (data) != NULL;
}

/* Answers the account dialog's file chooser with `file` (NULL: dismissed). */
static GFile *
answer_file (GtkFileDialog    *dialog,
             PmFileChoiceMode  mode,
             gpointer          file)
{
  g_assert_cmpint (mode, ==, PM_FILE_CHOICE_OPEN);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_file_dialog_get_filters (dialog)), ==, 1);
  return file != NULL ? g_object_ref (file) : NULL;
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_reset (settings, "last-profile");
  g_settings_reset (settings, "profiles");
}

/* Tests */

static void
test_first_run_welcome (void)
{
  PmWindow *window;

  reset_settings ();
  window = pm_window_new (app);
  pm_window_restore_last (window);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_cmpstr (pm_window_get_view (window), ==, "welcome");
  g_assert_null (pm_window_get_session (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sandbox", NULL));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_sandbox (void)
{
  PmWindow *window;
  GtkWidget *badge;
  PmSession *session;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *last = NULL;

  reset_settings ();
  window = pm_window_new (app);
  pm_window_restore_last (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (pm_window_get_view (window), ==, "welcome");

  /* "Try the sandbox" is the welcome page's suggested button and its action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sandbox", NULL));
  g_assert_cmpstr (pm_window_get_view (window), ==, "main");

  session = pm_window_get_session (window);
  g_assert_nonnull (session);
  g_assert_true (pm_session_get_is_sandbox (session));
  badge = find_by_css_class (GTK_WIDGET (window), "sandbox-badge");
  g_assert_nonnull (badge);
  g_assert_true (gtk_widget_get_visible (badge));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "sandbox"));
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "Sandbox"));

  pm_test_wait_until (policies_loaded, window, 30000);

  /* Reopened on the next start. */
  last = g_settings_get_string (settings, "last-profile");
  g_assert_cmpstr (last, ==, "sandbox");
  gtk_window_destroy (GTK_WINDOW (window));

  window = pm_window_new (app);
  pm_window_restore_last (window);
  g_assert_cmpstr (pm_window_get_view (window), ==, "main");
  g_assert_true (pm_session_get_is_sandbox (pm_window_get_session (window)));
  g_assert_cmpint (pm_session_get_flavour (pm_window_get_session (window)), ==, PM_FLAVOUR_HOSTED);

  /* The Serverless sandbox reopens as itself, not as the Hosted one. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sandbox-serverless", NULL));
  pm_test_wait_until (policies_loaded, window, 30000);
  gtk_window_destroy (GTK_WINDOW (window));

  window = pm_window_new (app);
  pm_window_restore_last (window);
  g_assert_cmpstr (pm_window_get_view (window), ==, "main");
  g_assert_true (pm_session_get_is_sandbox (pm_window_get_session (window)));
  g_assert_cmpint (pm_session_get_flavour (pm_window_get_session (window)), ==, PM_FLAVOUR_SERVERLESS);

  /* So does the switcher's entry for it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-profile", "s", "sandbox"));
  g_assert_cmpint (pm_session_get_flavour (pm_window_get_session (window)), ==, PM_FLAVOUR_HOSTED);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-profile", "s", "sandbox-serverless"));
  g_assert_cmpint (pm_session_get_flavour (pm_window_get_session (window)), ==, PM_FLAVOUR_SERVERLESS);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The window's sidebar and content; the first split view found, before
 * any a page holds. */
static AdwNavigationSplitView *
window_split_view (PmWindow *window)
{
  GtkWidget *split = find_row (GTK_WIDGET (window), ADW_TYPE_NAVIGATION_SPLIT_VIEW, NULL);

  g_assert_nonnull (split);
  return ADW_NAVIGATION_SPLIT_VIEW (split);
}

/* The content header's title (the section), not the sidebar's. */
static GtkWidget *
content_title (PmWindow *window)
{
  AdwNavigationPage *content = adw_navigation_split_view_get_content (window_split_view (window));

  g_assert_nonnull (content);
  return find_row (GTK_WIDGET (content), ADW_TYPE_WINDOW_TITLE, NULL);
}

static void
test_sections (void)
{
  PmWindow *window = pm_window_new (app);
  GtkWidget *page_title;

  pm_window_open_sandbox (window);
  gtk_window_present (GTK_WINDOW (window));
  pm_test_wait_until (policies_loaded, window, 30000);

  pm_window_show_section (window, "claims");
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (content_title (window))), ==, "Private connection IDs");
  /* The page's title, what its back button and a screen reader say. */
  g_assert_cmpstr (adw_navigation_page_get_title (adw_navigation_split_view_get_content (window_split_view (window))),
                   ==, "Private connection IDs");

  /* The Serverless sandbox calls them projects. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sandbox-serverless", NULL));
  g_assert_cmpint (pm_session_get_flavour (pm_window_get_session (window)), ==, PM_FLAVOUR_SERVERLESS);
  pm_test_wait_until (policies_loaded, window, 30000);
  pm_window_show_section (window, "entities");
  g_assert_cmpstr (adw_window_title_get_title (ADW_WINDOW_TITLE (content_title (window))), ==, "Projects");
  page_title = find_row (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE, NULL);
  g_assert_nonnull (page_title);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "wizard"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
on_saved (PmProfileDialog *dialog,
          const char      *id,
          char           **slot)
{
  g_free (*slot);
  *slot = g_strdup (id);
}

static void
on_removed (PmProfileDialog *dialog,
            const char      *id,
            gboolean        *removed)
{
  *removed = TRUE;
}

static gboolean
string_set (gpointer data)
{
  return *(char **) data != NULL;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Add, edit (rename) and remove an account through the dialog's actions.
 * The session has a private, unlocked keyring (harness display-keyring). */
static void
test_profile_dialog (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(PmProfileList) profiles = NULL;
  g_autoptr(GSettings) profile_settings = NULL;
  g_autofree char *saved_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *url = NULL;
  g_autofree char *flavour = NULL;
  g_autoptr(PmProfile) first = NULL;
  PmProfileDialog *dialog;
  AdwAlertDialog *alert;
  PmWindow *window;
  PmProfile *profile;
  gboolean removed = FALSE;

  reset_settings ();
  profiles = pm_profile_list_new (settings);
  window = pm_window_new (app);
  dialog = pm_profile_dialog_new (profiles, NULL);
  g_object_ref (dialog);
  g_signal_connect (dialog, "saved", G_CALLBACK (on_saved), &saved_id);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));

  set_row_text (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Name", "Production");
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "Service")), 1);
  set_row_text (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL, "a-key-for-the-test");

  /* ECE's default address is a placeholder: refused before anything is stored. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_row (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "API base URL"))),
                   ==, pm_profile_get_default_base_url (PM_FLAVOUR_ECE));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.save", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (profiles)), ==, 0);
  set_row_text (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "API base URL", "ftp://ece.example.com");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.save", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (profiles)), ==, 0);

  set_row_text (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "API base URL", "https://ece.example.com:12443");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.save", NULL));
  pm_test_wait_until (string_set, &saved_id, 30000);
  g_object_unref (dialog);

  /* Stored in GSettings (memory backend), without the key. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (profiles)), ==, 1);
  path = g_strdup_printf ("/io/github/perimeter/Perimeter/profiles/%s/", saved_id);
  profile_settings = g_settings_new_with_path (PM_PROFILE_SCHEMA_ID, path);
  name = g_settings_get_string (profile_settings, "name");
  url = g_settings_get_string (profile_settings, "base-url");
  flavour = g_settings_get_string (profile_settings, "flavour");
  g_assert_cmpstr (name, ==, "Production");
  g_assert_cmpstr (url, ==, "https://ece.example.com:12443");
  g_assert_cmpstr (flavour, ==, "ece");

  /* Rename through the edit dialog; the stored key is kept. */
  g_clear_pointer (&saved_id, g_free);
  first = g_list_model_get_item (G_LIST_MODEL (profiles), 0);
  profile = pm_profile_list_lookup (profiles, pm_profile_get_id (first));
  g_assert_true (profile == first);
  dialog = pm_profile_dialog_new (profiles, pm_profile_get_id (profile));
  g_object_ref (dialog);
  g_signal_connect (dialog, "saved", G_CALLBACK (on_saved), &saved_id);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_row (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Name"))), ==, "Production");
  set_row_text (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Name", "Production (eu)");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.save", NULL));
  pm_test_wait_until (string_set, &saved_id, 30000);
  g_object_unref (dialog);
  g_assert_cmpstr (pm_profile_get_name (profile), ==, "Production (eu)");

  /* Remove asks first (confirm-destructive): Cancel keeps the account. */
  dialog = pm_profile_dialog_new (profiles, saved_id);
  g_object_ref (dialog);
  g_signal_connect (dialog, "removed", G_CALLBACK (on_removed), &removed);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.remove", NULL));
  alert = pm_test_dialog_find ();
  g_assert_nonnull (alert);
  g_assert_cmpstr (adw_alert_dialog_get_heading (alert), ==, "Remove Account?");
  g_assert_nonnull (strstr (adw_alert_dialog_get_body (alert), "“Production (eu)” and its API key"));
  g_assert_cmpstr (adw_alert_dialog_get_default_response (alert), ==, "cancel");
  pm_test_dialog_respond (alert, "cancel");
  g_assert_false (removed);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (profiles)), ==, 1);

  /* With the setting off, it does not ask. */
  g_settings_set_boolean (settings, "confirm-destructive", FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.remove", NULL));
  pm_test_wait_until (flag_set, &removed, 30000);
  g_object_unref (dialog);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (profiles)), ==, 0);
  g_settings_reset (settings, "confirm-destructive");

  gtk_window_destroy (GTK_WINDOW (window));
}

static PmProfileDialog *
check_dialog (PmProfileList *profiles,
              const char    *url,
              const char    *key)
{
  PmProfileDialog *dialog = pm_profile_dialog_new (profiles, NULL);

  g_object_ref_sink (dialog);
  /* On no window: a window of its own. */
  adw_dialog_present (ADW_DIALOG (dialog), NULL);
  set_row_text (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Name", "Check");
  set_row_text (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "API base URL", url);
  set_row_text (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL, key);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.check", NULL));
  pm_test_wait_until (dialog_idle, dialog, 60000);
  g_test_message ("check: %s", pm_profile_dialog_get_check_result (dialog));
  return dialog;
}

static void
test_check_connection (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(PmProfileList) profiles = pm_profile_list_new (settings);
  g_autoptr(PmSandbox) sandbox = pm_sandbox_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *closed_url = NULL;
  PmProfileDialog *dialog;
  const char *text;

  g_assert_true (pm_sandbox_start_in_thread (sandbox, 0, &error));
  g_assert_no_error (error);
  url = pm_sandbox_dup_base_url (sandbox);

  /* The right key: what it sees. */
  dialog = check_dialog (profiles, url, PM_SANDBOX_DEFAULT_API_KEY);
  text = pm_profile_dialog_get_check_result (dialog);
  g_assert_nonnull (strstr (text, "Connected"));
  g_assert_nonnull (strstr (text, "polic"));
  g_assert_nonnull (strstr (text, "deployment"));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  g_object_unref (dialog);

  /* A wrong key is called a wrong key, and the key is not repeated. */
  dialog = check_dialog (profiles, url, "wrong-key-1234");
  text = pm_profile_dialog_get_check_result (dialog);
  g_assert_nonnull (strstr (text, "API key was refused"));
  g_assert_null (strstr (text, "wrong-key-1234"));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  g_object_unref (dialog);

  /* Rate limited, with the wait the server asked for. */
  g_assert_true (pm_sandbox_add_fault (sandbox, "retry-after:30*1", &error));
  g_assert_no_error (error);
  dialog = check_dialog (profiles, url, PM_SANDBOX_DEFAULT_API_KEY);
  text = pm_profile_dialog_get_check_result (dialog);
  g_assert_nonnull (strstr (text, "HTTP 429"));
  g_assert_nonnull (strstr (text, "30 seconds"));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  g_object_unref (dialog);

  /* Something answers, but not the API (a wrong path in the URL). */
  {
    g_autofree char *wrong_path = g_strconcat (url, "/not-the-api", NULL);

    dialog = check_dialog (profiles, wrong_path, PM_SANDBOX_DEFAULT_API_KEY);
    text = pm_profile_dialog_get_check_result (dialog);
    g_assert_nonnull (strstr (text, "HTTP 404"));
    adw_dialog_force_close (ADW_DIALOG (dialog));
    g_object_unref (dialog);
  }

  /* Nothing listening: the port was free a moment ago and is closed now. */
  closed_url = g_strdup_printf ("http://127.0.0.1:%u", pm_test_free_port ());
  dialog = check_dialog (profiles, closed_url, "any-key");
  text = pm_profile_dialog_get_check_result (dialog);
  g_assert_nonnull (strstr (text, "Nothing answers"));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  g_object_unref (dialog);

  /* Cancelled while it checks: the check stops with the dialog, and
   * nothing answers it once closed. */
  g_assert_true (pm_sandbox_add_fault (sandbox, "latency:500", &error));
  g_assert_no_error (error);
  dialog = g_object_ref_sink (pm_profile_dialog_new (profiles, NULL));
  adw_dialog_present (ADW_DIALOG (dialog), NULL);
  set_row_text (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "API base URL", url);
  set_row_text (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, NULL, PM_SANDBOX_DEFAULT_API_KEY);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.check", NULL));
  g_assert_true (pm_profile_dialog_get_busy (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.cancel", NULL));
  pm_test_settle (4000);
  g_assert_null (pm_profile_dialog_get_check_result (dialog));
  g_object_unref (dialog);
  pm_sandbox_clear_faults (sandbox);

  pm_sandbox_stop (sandbox);
}

static void
test_version (void)
{
  const char *app_bin = g_getenv ("PM_APP_BIN");
  const char *argv[] = { app_bin, "--version", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (app_bin == NULL)
    {
      g_test_skip ("PM_APP_BIN is not set");
      return;
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "perimeter " PACKAGE_VERSION "\n");
}

static GtkWidget *
find_status_page (GtkWidget  *root,
                  const char *title)
{
  if (ADW_IS_STATUS_PAGE (root) && g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_status_page (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
view_is_error (gpointer data)
{
  return g_strcmp0 (pm_window_get_view (data), "error") == 0;
}

/* An account whose key is not in the keyring says so and offers to edit it. */
static void
test_missing_key (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(PmProfileList) profiles = NULL;
  g_autoptr(PmProfile) values = pm_profile_new (NULL);
  g_autoptr(PmProfile) added = NULL;
  g_autoptr(GError) error = NULL;
  PmWindow *window;

  reset_settings ();
  profiles = pm_profile_list_new (settings);
  pm_profile_set_name (values, "Keyless");
  added = pm_profile_list_add_profile (profiles, values, &error);
  g_assert_no_error (error);

  window = pm_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  pm_window_open_profile (window, pm_profile_get_id (added));
  g_assert_cmpstr (pm_window_get_view (window), ==, "opening");
  pm_test_wait_until (view_is_error, window, 30000);
  g_assert_null (pm_window_get_session (window));

  g_assert_nonnull (find_status_page (GTK_WIDGET (window), "No API key stored"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.retry-open", NULL));
  pm_test_wait_until (view_is_error, window, 30000);
  gtk_window_destroy (GTK_WINDOW (window));
  pm_profile_list_remove (profiles, pm_profile_get_id (added));
}

static gboolean
policies_failed (gpointer data)
{
  PmSession *session = pm_window_get_session (data);
  PmPolicyStore *store = pm_session_get_policies (session);

  return !pm_policy_store_get_loading (store) && pm_policy_store_get_error (store) != NULL;
}

static gboolean
policies_recovered (gpointer data)
{
  PmSession *session = pm_window_get_session (data);
  PmPolicyStore *store = pm_session_get_policies (session);

  return !pm_policy_store_get_loading (store) && pm_policy_store_get_error (store) == NULL;
}

/* The API goes down, then comes back: win.refresh (the toast's Retry)
 * reloads; Ctrl+N and Ctrl+F reach the policies page. */
static void
test_api_down_and_forwarding (void)
{
  PmWindow *window = pm_window_new (app);
  PmSandbox *sandbox;
  g_autoptr(GError) error = NULL;

  pm_window_open_sandbox (window);
  gtk_window_present (GTK_WINDOW (window));
  pm_test_wait_until (policies_loaded, window, 30000);

  sandbox = pm_application_get_sandbox (app, &error);
  g_assert_no_error (error);
  g_assert_true (pm_sandbox_add_fault (sandbox, "status:503@GET", &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  pm_test_wait_until (policies_failed, window, 60000);

  pm_sandbox_clear_faults (sandbox);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  pm_test_wait_until (policies_recovered, window, 60000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pm_session_get_policies (pm_window_get_session (window)))), >, 0);

  pm_window_show_section (window, "entities");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-policy", NULL));
  g_assert_nonnull (pm_policies_page_get_editor (PM_POLICIES_PAGE (find_row (GTK_WIDGET (window), PM_TYPE_POLICIES_PAGE, NULL))));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
split_collapsed (gpointer data)
{
  return adw_navigation_split_view_get_collapsed (data);
}

static gboolean
window_collapsed (gpointer data)
{
  return split_collapsed (window_split_view (data));
}

/* On a narrow window the sidebar folds away and a back button appears. */
static void
test_narrow (void)
{
  PmWindow *window = pm_window_new (app);
  AdwNavigationSplitView *split;
  GtkWidget *title;

  gtk_window_set_default_size (GTK_WINDOW (window), 400, 700);
  pm_window_open_sandbox (window);
  gtk_window_present (GTK_WINDOW (window));
  pm_test_wait_until (window_collapsed, window, 10000);
  split = window_split_view (window);

  pm_window_show_section (window, "claims");
  g_assert_true (adw_navigation_split_view_get_show_content (split));
  g_assert_cmpstr (adw_navigation_page_get_tag (adw_navigation_split_view_get_content (split)), ==, "content");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL));
  g_assert_false (adw_navigation_split_view_get_show_content (split));
  g_assert_cmpstr (adw_navigation_page_get_tag (adw_navigation_split_view_get_sidebar (split)), ==, "sidebar");

  /* The header bar's back button does as win.show-sidebar does. */
  pm_window_show_section (window, "policies");
  g_assert_true (adw_navigation_split_view_get_show_content (split));
  title = content_title (window);
  g_assert_true (gtk_widget_activate_action (title, "navigation.pop", NULL));
  g_assert_false (adw_navigation_split_view_get_show_content (split));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
entities_loaded (gpointer data)
{
  PmSession *session = pm_window_get_session (data);

  return session != NULL && pm_entity_store_get_loaded (pm_session_get_entities (session));
}

static gboolean
entities_listed (gpointer data)
{
  return !pm_entities_page_get_pending (data);
}

static gboolean
any_transition_running (GtkWidget *root)
{
  if (GTK_IS_STACK (root) && gtk_stack_get_transition_running (GTK_STACK (root)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if (any_transition_running (child))
      return TRUE;
  return FALSE;
}

static gboolean
transitions_done (gpointer data)
{
  return !any_transition_running (data);
}

/* The narrowest @root can be: its own minimum, and that of the child of
 * each breakpoint bin in it (a bin's minimum is its size request, whatever
 * its child needs). What scrolls may be wider. */
static int
widest_minimum (GtkWidget *root)
{
  int minimum = 0;

  gtk_widget_measure (root, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  if (GTK_IS_SCROLLED_WINDOW (root))
    return minimum;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child))
      minimum = MAX (minimum, widest_minimum (child));
  return minimum;
}

static gboolean
window_expanded (gpointer data)
{
  return !window_collapsed (data);
}

static gboolean
split_expanded (gpointer data)
{
  return !split_collapsed (data);
}

/* The titles of the columns shown, comma-separated. */
static char *
dup_visible_columns (GtkColumnView *view)
{
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(GString) titles = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      const char *title = gtk_column_view_column_get_title (column);

      if (gtk_column_view_column_get_visible (column) && title != NULL && *title != '\0')
        g_string_append_printf (titles, "%s%s", titles->len > 0 ? "," : "", title);
    }
  return g_string_free (g_steal_pointer (&titles), FALSE);
}

/* Every section fits the 360 px the metainfo promises (display_length),
 * with the sidebar folded away: no page holds the window wider. Wide
 * again, the sidebar, the deployments' list and detail, and every column
 * of the policies are side by side. */
static void
test_narrow_pages (void)
{
  const char *sections[] = { "policies", "entities", "claims", "wizard" };
  PmWindow *window = pm_window_new (app);
  GtkWidget *content;
  GtkWidget *entities;
  AdwNavigationSplitView *split;
  GtkColumnView *policies_view;
  GtkSelectionModel *model;
  g_autofree char *narrow_columns = NULL;
  g_autofree char *wide_columns = NULL;
  g_autofree char *narrow_entity_columns = NULL;
  g_autofree char *wide_entity_columns = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  pm_window_open_sandbox (window);
  gtk_window_present (GTK_WINDOW (window));
  pm_test_wait_until (policies_loaded, window, 30000);
  pm_test_wait_until (entities_loaded, window, 30000);
  pm_test_wait_until (window_collapsed, window, 10000);
  content = GTK_WIDGET (adw_navigation_split_view_get_content (window_split_view (window)));

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      int minimum;

      pm_window_show_section (window, sections[i]);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
      /* Measured once shown: while a stack crossfades, the page it leaves
       * is measured too (pm_stack_page_show hides it only after). */
      pm_test_wait_until (transitions_done, content, 10000);
      minimum = widest_minimum (content);
      g_test_message ("%s: at least %d px", sections[i], minimum);
      g_assert_cmpint (minimum, <=, 360);
    }

  /* Narrow, the policies are listed by name and type. */
  policies_view = GTK_COLUMN_VIEW (find_row (find_row (GTK_WIDGET (window), PM_TYPE_POLICIES_PAGE, NULL),
                                             GTK_TYPE_COLUMN_VIEW, NULL));
  narrow_columns = dup_visible_columns (policies_view);
  g_assert_cmpstr (narrow_columns, ==, "Name,Type");

  /* Collapsed, the deployments list and a deployment's policies take turns. */
  pm_window_show_section (window, "entities");
  entities = find_row (GTK_WIDGET (window), PM_TYPE_ENTITIES_PAGE, NULL);
  split = ADW_NAVIGATION_SPLIT_VIEW (find_row (entities, ADW_TYPE_NAVIGATION_SPLIT_VIEW, NULL));
  pm_test_wait_until (split_collapsed, split, 10000);
  pm_test_wait_until (entities_listed, entities, 10000);
  g_assert_false (adw_navigation_split_view_get_show_content (split));
  narrow_entity_columns = dup_visible_columns (GTK_COLUMN_VIEW (find_row (entities, GTK_TYPE_COLUMN_VIEW, NULL)));
  g_assert_cmpstr (narrow_entity_columns, ==, "Name,Region,Policies");
  model = gtk_column_view_get_model (GTK_COLUMN_VIEW (find_row (entities, GTK_TYPE_COLUMN_VIEW, NULL)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), >, 0);
  gtk_selection_model_select_item (model, 0, TRUE);
  g_assert_true (adw_navigation_split_view_get_show_content (split));
  g_assert_true (gtk_widget_activate_action (entities, "entities.show-list", NULL));
  g_assert_false (adw_navigation_split_view_get_show_content (split));

  /* As short as the window can be (a phone turned), each section still
   * fits: a page taller than that would be cut (and warned about). */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 294);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      pm_window_show_section (window, sections[i]);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
      pm_test_wait_until (transitions_done, content, 10000);
    }

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 720);
  pm_test_wait_until (window_expanded, window, 10000);
  pm_window_show_section (window, "entities");
  pm_test_wait_until (split_expanded, split, 10000);
  wide_entity_columns = dup_visible_columns (GTK_COLUMN_VIEW (find_row (entities, GTK_TYPE_COLUMN_VIEW, NULL)));
  g_assert_cmpstr (wide_entity_columns, ==, "Name,Type,Region,Policies");
  pm_window_show_section (window, "policies");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  wide_columns = dup_visible_columns (policies_view);
  g_assert_cmpstr (wide_columns, ==, "Name,Type,Region,Rules,Apply by default,Applied to");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The dialog's content fits the width it is given (at 360 px, all of the
 * window's); saved as NAME.png with PM_SCREENSHOT_DIR. */
static void
assert_dialog_fits (GtkWidget  *window,
                    AdwDialog  *dialog,
                    const char *name)
{
  const char *dir = g_getenv ("PM_SCREENSHOT_DIR");
  GtkWidget *child = adw_dialog_get_child (dialog);
  int minimum = 0;

  gtk_test_widget_wait_for_draw (window);
  pm_test_settle (300);
  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_test_message ("%s: at least %d px of %d", name, minimum, gtk_widget_get_width (child));
  g_assert_cmpint (gtk_widget_get_width (child), >, 0);
  g_assert_cmpint (minimum, <=, gtk_widget_get_width (child));
  g_assert_cmpint (gtk_widget_get_width (child), <=, 360);
  if (dir != NULL)
    {
      g_autofree char *file = g_strconcat (name, ".png", NULL);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autoptr(GError) error = NULL;

      g_assert_true (pm_screenshots_save_widget (window, path, &error));
      g_assert_no_error (error);
    }
}

/* The account dialog and the preferences on a window of 360 px, the
 * narrowest the metainfo promises, at their fullest: a Cloud Enterprise
 * account with a CA file deep in a folder and a check's verdict; my
 * networks with a refusal under the entry. */
static void
test_narrow_dialogs (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(PmProfileList) profiles = NULL;
  g_autoptr(PmProfile) values = pm_profile_new (NULL);
  g_autoptr(PmProfile) added = NULL;
  g_autoptr(GFile) ca = g_file_new_for_path ("/home/someone/Documents/certificates/ece-private-certificate-authority-2026.pem");
  g_autoptr(GError) error = NULL;
  g_autofree char *closed_url = NULL;
  GtkWidget *window = adw_window_new ();
  PmProfileDialog *dialog;
  PmPreferencesDialog *prefs;
  GtkWidget *entry;
  int frame;

  reset_settings ();
  profiles = pm_profile_list_new (settings);
  pm_profile_set_name (values, "On-premises installation in the Frankfurt data centre");
  pm_profile_set_flavour (values, PM_FLAVOUR_ECE);
  closed_url = g_strdup_printf ("https://127.0.0.1:%u", pm_test_free_port ());
  pm_profile_set_base_url (values, closed_url);
  added = pm_profile_list_add_profile (profiles, values, &error);
  g_assert_no_error (error);

  /* 360 px inside the window's frame (drawn around it on X11 without a
   * compositor); a window with nothing in it, which takes any width. */
  adw_window_set_content (ADW_WINDOW (window), gtk_box_new (GTK_ORIENTATION_VERTICAL, 0));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (window);
  frame = 360 - gtk_widget_get_width (adw_window_get_content (ADW_WINDOW (window)));
  gtk_window_set_default_size (GTK_WINDOW (window), 360 + frame, 640 + frame);
  gtk_test_widget_wait_for_draw (window);
  g_assert_cmpint (gtk_widget_get_width (adw_window_get_content (ADW_WINDOW (window))), ==, 360);

  dialog = pm_profile_dialog_new (profiles, pm_profile_get_id (added));
  adw_dialog_present (ADW_DIALOG (dialog), window);
  pm_file_choice_set_test_func (answer_file, ca);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.choose-ca", NULL));
  pm_test_settle (100);
  pm_file_choice_set_test_func (NULL, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.check", NULL));
  pm_test_wait_until (dialog_idle, dialog, 60000);
  assert_dialog_fits (window, ADW_DIALOG (dialog), "narrow-profile-dialog-ece");
  adw_dialog_force_close (ADW_DIALOG (dialog));

  prefs = pm_preferences_dialog_new ();
  adw_dialog_present (ADW_DIALOG (prefs), window);
  entry = find_row (GTK_WIDGET (prefs), ADW_TYPE_ENTRY_ROW, NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry), "2001:db8:4000::/48");
  g_signal_emit_by_name (entry, "apply");
  gtk_editable_set_text (GTK_EDITABLE (entry), "office-wifi.example.com");
  g_signal_emit_by_name (entry, "apply");
  g_assert_nonnull (pm_preferences_dialog_get_network_message (prefs));
  assert_dialog_fits (window, ADW_DIALOG (prefs), "narrow-preferences-networks");
  adw_dialog_force_close (ADW_DIALOG (prefs));

  reset_settings ();
  g_settings_reset (settings, PM_MY_NETWORKS_KEY);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Every error the API can give reads as what happened and what to do. */
static void
test_error_text (void)
{
  PmApiErrorDetails invalid = { 400, (char *) "traffic_filter.invalid_input",
                                (char *) "The source is not allowed here", NULL, 0 };
  PmApiErrorDetails limited = { 429, NULL, NULL, NULL, 30 };
  struct { PmApiErrorCode code; const PmApiErrorDetails *details; const char *expect[3]; } cases[] = {
    { PM_API_ERROR_UNAUTHORIZED, NULL, { "401", "save it again", NULL } },
    { PM_API_ERROR_RATE_LIMITED, &limited, { "429", "30 seconds", NULL } },
    { PM_API_ERROR_INVALID, &invalid, { "“The source is not allowed here”", "try again", "nothing was changed" } },
    { PM_API_ERROR_UNSUPPORTED, NULL, { "nothing was changed", "console", NULL } },
    { PM_API_ERROR_CONFLICT, NULL, { "Refresh", "try again", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = pm_api_error_new (cases[i].code, cases[i].details, "raw message");
      g_autofree char *text = pm_error_text_describe (error);

      g_assert_nonnull (pm_error_text_title (error));
      for (guint j = 0; j < G_N_ELEMENTS (cases[i].expect) && cases[i].expect[j] != NULL; j++)
        if (strstr (text, cases[i].expect[j]) == NULL)
          g_error ("error %d: “%s” does not say “%s”", cases[i].code, text, cases[i].expect[j]);
    }
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

/* Each row of the shortcuts dialog: "title=accelerator" (as
 * GtkShortcutLabel takes it), a line each. */
static void
collect_shortcuts (GtkWidget *root,
                   GString   *out)
{
  if (ADW_IS_ACTION_ROW (root))
    {
      GtkWidget *label = find_row (root, GTK_TYPE_SHORTCUT_LABEL, NULL);

      g_assert_nonnull (label);
      g_string_append_printf (out, "%s=%s\n", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)),
                              gtk_shortcut_label_get_accelerator (GTK_SHORTCUT_LABEL (label)));
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    collect_shortcuts (child, out);
}

/* The shortcuts dialog lists every accelerator the application sets (as
 * GTK writes them), and the pages' own key bindings. */
static void
assert_shortcuts_listed (AdwDialog *dialog)
{
  static const struct { const char *title; const char *action; const char *accelerator; } expected[] = {
    { "Show shortcuts", "win.show-help-overlay", NULL },
    { "Preferences", "app.preferences", NULL },
    { "New window", "app.new-window", NULL },
    { "Close window", "window.close", NULL },
    { "Quit", "app.quit", NULL },
    { "Refresh", "win.refresh", NULL },
    { "Search", "win.search", NULL },
    { "New policy", "win.new-policy", NULL },
    { "Select all in the list (Ctrl-click or Shift-click for several)", NULL, "<Primary>a" },
    { "Apply the selected", NULL, "<Primary><Shift>a" },
    { "Detach the selected", NULL, "<Primary><Shift>d" },
    { "Back to sections", "win.show-sidebar", NULL },
  };
  g_autoptr(GString) listed = g_string_new (NULL);
  g_autoptr(GString) wanted = g_string_new (NULL);
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto(GStrv) accels = NULL;
      g_autofree char *joined = NULL;

      if (expected[i].action != NULL)
        {
          accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), expected[i].action);
          joined = g_strjoinv (" ", accels);
        }
      g_assert_true (expected[i].accelerator != NULL || (accels != NULL && accels[0] != NULL));
      g_string_append_printf (wanted, "%s=%s\n", expected[i].title,
                              expected[i].accelerator ? expected[i].accelerator : joined);
    }
  collect_shortcuts (GTK_WIDGET (dialog), listed);
  g_assert_cmpstr (listed->str, ==, wanted->str);

  /* Nor is an accelerator added later left out. */
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);
      g_autofree char *joined = g_strjoinv (" ", accels);
      g_autofree char *line = g_strdup_printf ("=%s\n", joined);

      if (accels[0] != NULL && strstr (listed->str, line) == NULL)
        g_error ("the shortcuts dialog does not list %s (%s)", actions[i], joined);
    }
}

/* Size saved on close and restored; the shortcuts, about and preferences
 * open from their actions. */
static void
test_window_state (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  PmWindow *window = pm_window_new (app);
  GtkWidget *spin, *toggle;
  AdwDialog *prefs;
  AdwDialog *shortcuts;
  int width, height;
  guint n_toplevels;
  GList *windows;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 610);
  gtk_window_present (GTK_WINDOW (window));
  /* The shortcuts are built when first asked for, and shown. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
  g_assert_null (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window)));
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  shortcuts = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
  g_assert_true (PM_IS_SHORTCUTS_DIALOG (shortcuts));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
  assert_shortcuts_listed (shortcuts);
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
  g_assert_true (adw_dialog_close (shortcuts));

  /* Both are dialogs on the window they were opened from. */
  n_toplevels = g_list_model_get_n_items (gtk_window_get_toplevels ());
  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (ADW_IS_ABOUT_DIALOG (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window))));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  prefs = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
  g_assert_true (PM_IS_PREFERENCES_DIALOG (prefs));
  g_assert_cmpuint (g_list_model_get_n_items (adw_application_window_get_dialogs (ADW_APPLICATION_WINDOW (window))), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, n_toplevels);

  /* The preferences write through to GSettings. */
  spin = find_row (GTK_WIDGET (prefs), GTK_TYPE_SPIN_BUTTON, NULL);
  toggle = find_row (GTK_WIDGET (prefs), GTK_TYPE_SWITCH, NULL);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, g_settings_get_uint (settings, "refresh-interval"));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 120);
  g_assert_cmpuint (g_settings_get_uint (settings, "refresh-interval"), ==, 120);
  gtk_switch_set_active (GTK_SWITCH (toggle), FALSE);
  g_assert_false (g_settings_get_boolean (settings, "confirm-destructive"));
  g_settings_reset (settings, "refresh-interval");
  g_settings_reset (settings, "confirm-destructive");
  while ((prefs = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window))) != NULL)
    adw_dialog_force_close (prefs);

  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (windows->data);
  pm_test_wait_until (no_windows, NULL, 5000);

  window = pm_window_new (app);
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 610);
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static void
run_in (const char  *dir,
        const char **argv)
{
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
tls_handler (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

static gboolean
subtitle_is (gpointer row)
{
  const char *subtitle = adw_action_row_get_subtitle (row);

  return subtitle != NULL && g_str_has_suffix (subtitle, "ca.pem");
}

/* A server whose certificate comes from a private CA: the check names the
 * issuer and says what to do about it; with that CA's file chosen, it
 * connects. */
static void
test_check_tls (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(PmProfileList) profiles = pm_profile_list_new (settings);
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *key = NULL;
  g_autofree char *ext = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autofree char *ca_path = NULL;
  g_autoptr(GFile) ca_file = NULL;
  PmProfileDialog *dialog;
  GtkWidget *ca_row;
  const char *text;
  GSList *uris;
  const char *ca[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                       "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                       "-subj", "/CN=Example Private CA", NULL };
  const char *req[] = { "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=ece.example", NULL };
  const char *sign[] = { "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                         "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext", NULL };
  static const char * const files[] = { "ca.key", "ca.pem", "ca.srl", "server.key", "server.csr", "server.pem", "server.ext" };

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }

  dir = g_dir_make_tmp ("pm-test-ui-tls-XXXXXX", &error);
  g_assert_no_error (error);
  ext = g_build_filename (dir, "server.ext", NULL);
  g_file_set_contents (ext, "subjectAltName=IP:127.0.0.1\n", -1, &error);
  g_assert_no_error (error);
  run_in (dir, ca);
  run_in (dir, req);
  run_in (dir, sign);

  pem = g_build_filename (dir, "server.pem", NULL);
  key = g_build_filename (dir, "server.key", NULL);
  certificate = g_tls_certificate_new_from_files (pem, key, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, NULL, tls_handler, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  dialog = check_dialog (profiles, url, "any-key");
  text = pm_profile_dialog_get_check_result (dialog);
  g_assert_nonnull (strstr (text, "Example Private CA"));
  g_assert_nonnull (strstr (text, "CA certificate file"));

  /* Its CA file chosen for a Cloud Enterprise account, the check trusts
   * the server. The file chooser is answered by the test. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "Service")), 1);
  ca_row = find_row (GTK_WIDGET (dialog), ADW_TYPE_ACTION_ROW, "CA certificate");
  g_assert_true (gtk_widget_get_visible (ca_row));
  ca_path = g_build_filename (dir, "ca.pem", NULL);
  ca_file = g_file_new_for_path (ca_path);
  pm_file_choice_set_test_func (answer_file, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.choose-ca", NULL));
  pm_test_settle (100);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (ca_row)), ==, "System certificate authorities");
  pm_file_choice_set_test_func (answer_file, ca_file);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.choose-ca", NULL));
  pm_test_wait_until (subtitle_is, ca_row, 5000);
  pm_file_choice_set_test_func (NULL, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.check", NULL));
  pm_test_wait_until (dialog_idle, dialog, 60000);
  text = pm_profile_dialog_get_check_result (dialog);
  g_test_message ("check with the CA file: %s", text);
  g_assert_null (strstr (text, "secure connection"));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  g_object_unref (dialog);

  soup_server_disconnect (server);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static gboolean
view_is_welcome (gpointer data)
{
  return g_strcmp0 (pm_window_get_view (data), "welcome") == 0;
}

static gboolean
view_is_main (gpointer data)
{
  return g_strcmp0 (pm_window_get_view (data), "main") == 0;
}

/* An account opened from the keyring, its rename shown in the title, and
 * its removal from the preferences taking the window back to welcome. */
static void
test_open_rename_remove (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(PmProfileList) profiles = NULL;
  g_autoptr(PmProfile) values = pm_profile_new (NULL);
  g_autoptr(PmProfile) added = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  PmPreferencesDialog *prefs;
  PmWindow *window;

  reset_settings ();
  profiles = pm_profile_list_new (settings);
  url = pm_sandbox_dup_base_url (pm_application_get_sandbox (app, &error));
  g_assert_no_error (error);
  pm_profile_set_name (values, "Staging");
  pm_profile_set_base_url (values, url);
  added = pm_profile_list_add_profile (profiles, values, &error);
  g_assert_no_error (error);
  pm_keyring_store_async (pm_profile_get_id (added), "Staging", PM_SANDBOX_DEFAULT_API_KEY, NULL, pm_test_result_cb, &result);
  g_assert_true (pm_keyring_store_finish (pm_test_wait (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* Reopened on start as the last used account. */
  pm_profile_list_set_last_id (profiles, pm_profile_get_id (added));
  window = pm_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  pm_window_restore_last (window);
  pm_test_wait_until (view_is_main, window, 30000);
  g_assert_false (pm_session_get_is_sandbox (pm_window_get_session (window)));
  pm_test_wait_until (policies_loaded, window, 30000);
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "Staging"));
  g_assert_null (strstr (gtk_window_get_title (GTK_WINDOW (window)), PM_SANDBOX_DEFAULT_API_KEY));

  pm_profile_set_name (added, "Staging (eu)");
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (window)), "Staging (eu)"));

  g_settings_set_boolean (settings, "confirm-destructive", FALSE);
  prefs = pm_preferences_dialog_new ();
  adw_dialog_present (ADW_DIALOG (prefs), GTK_WIDGET (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prefs), "prefs.remove-account", "s", pm_profile_get_id (added)));
  pm_test_wait_until (view_is_welcome, window, 30000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (profiles)), ==, 0);
  g_settings_reset (settings, "confirm-destructive");

  /* The key went with it. */
  pm_keyring_lookup_async (pm_profile_get_id (added), NULL, pm_test_result_cb, &result);
  g_assert_null (pm_keyring_lookup_finish (pm_test_wait (&result), &error));
  g_assert_error (error, PM_KEYRING_ERROR, PM_KEYRING_ERROR_NOT_FOUND);

  adw_dialog_force_close (ADW_DIALOG (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_accessible_names (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(PmProfileList) profiles = pm_profile_list_new (settings);
  PmWindow *window = pm_window_new (app);
  PmProfileDialog *dialog;
  PmPreferencesDialog *prefs;
  guint n;

  gtk_window_present (GTK_WINDOW (window));
  pm_window_show_welcome (window);
  n = assert_named (GTK_WIDGET (window));
  pm_window_open_sandbox (window);
  pm_test_wait_until (policies_loaded, window, 30000);
  n += assert_named (GTK_WIDGET (window));

  dialog = pm_profile_dialog_new (profiles, NULL);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
  n += assert_named (GTK_WIDGET (dialog));
  adw_dialog_force_close (ADW_DIALOG (dialog));

  prefs = pm_preferences_dialog_new ();
  adw_dialog_present (ADW_DIALOG (prefs), GTK_WIDGET (window));
  n += assert_named (GTK_WIDGET (prefs));
  adw_dialog_force_close (ADW_DIALOG (prefs));

  g_test_message ("%u controls checked", n);
  g_assert_cmpuint (n, >, 20);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A first load of more policies than a list view builds rows for arrives
 * in several steps; a policy picked from the first ones stays selected
 * while the rest arrive. */
static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               guint      *n_changes)
{
  (*n_changes)++;
}

/* A mapped text cell showing text. */
static GtkWidget *
find_cell (GtkWidget  *root,
           const char *text)
{
  if (PM_IS_TEXT_CELL (root) && g_str_equal (pm_text_cell_get_text (PM_TEXT_CELL (root)), text)
      && gtk_widget_get_mapped (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_cell (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
page_has_items (gpointer data)
{
  GListModel *model = pm_policies_page_get_model (data);

  return model != NULL && g_list_model_get_n_items (model) > 0;
}

static gboolean
store_done (gpointer data)
{
  return pm_policy_store_get_loaded (data) && !pm_policy_store_get_loading (data);
}

static gboolean
page_listed (gpointer data)
{
  PmPoliciesPage *page = data;
  PmPolicyStore *store = pm_session_get_policies (pm_policies_page_get_session (page));

  return store_done (store) && !pm_policies_page_get_pending (page);
}

static GtkWidget *
find_icon_button (GtkWidget  *root,
                  const char *icon_name)
{
  if (GTK_IS_BUTTON (root) && gtk_widget_get_mapped (root)
      && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (root)), icon_name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_icon_button (child, icon_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_paced_load_keeps_selection (void)
{
  g_autoptr(PmSandbox) sandbox = pm_sandbox_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autoptr(PmHttp) http = NULL;
  g_autoptr(PmApi) api = NULL;
  g_autoptr(PmSession) session = NULL;
  g_autoptr(PmPolicy) first = NULL;
  g_autoptr(GPtrArray) selected = NULL;
  GtkWidget *window = adw_window_new ();
  PmPoliciesPage *page = pm_policies_page_new ();
  PmPolicyStore *store;
  GListModel *model;
  GMenuModel *menu_model;
  g_autoptr(GVariant) target = NULL;
  GtkWidget *button, *menu = NULL;
  guint n_changes = 0;

  pm_sandbox_set_empty (sandbox, TRUE);
  pm_sandbox_set_scale (sandbox, 300, 2, 8);
  g_assert_true (pm_sandbox_start (sandbox, 0, &error));
  g_assert_no_error (error);
  base_url = pm_sandbox_dup_base_url (sandbox);
  http = pm_http_new (base_url, PM_SANDBOX_DEFAULT_API_KEY, &error);
  g_assert_no_error (error);
  api = pm_api_new_for_flavour (PM_FLAVOUR_HOSTED, http);
  session = pm_session_new (api, "Paced", TRUE);
  store = pm_session_get_policies (session);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  pm_policies_page_set_session (page, session);
  model = pm_policies_page_get_model (page);
  g_signal_connect (model, "items-changed", G_CALLBACK (count_changes), &n_changes);
  pm_policy_store_refresh_async (store, NULL, NULL, NULL);

  /* The first policies are listed while the rest are still to come (the
   * list is told of them a step at a time). */
  pm_test_wait_until (page_has_items, page, 30000);
  g_assert_true (pm_policy_store_get_loading (store) || pm_policies_page_get_pending (page));
  g_assert_cmpuint (g_list_model_get_n_items (model), <, 300);
  first = g_list_model_get_item (model, 0);
  g_assert_true (pm_policies_page_select (page, pm_policy_get_id (first), FALSE));

  pm_test_wait_until (page_listed, page, 30000);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 300);
  g_assert_cmpuint (n_changes, >, 2);
  selected = pm_policies_page_dup_selected (page);
  g_assert_cmpuint (selected->len, ==, 1);
  g_assert_true (selected->pdata[0] == first);
  g_assert_cmpstr (pm_policies_page_get_state (page), ==, "list");

  /* A row's actions open in the page's menu, for that row's policy. */
  gtk_test_widget_wait_for_draw (window);
  button = find_icon_button (GTK_WIDGET (page), "view-more-symbolic");
  g_assert_nonnull (button);
  g_assert_nonnull (gtk_widget_get_tooltip_text (button));
  g_signal_emit_by_name (button, "clicked");
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (page)); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      menu = child;
  g_assert_nonnull (menu);
  g_assert_true (gtk_widget_get_visible (menu));
  menu_model = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu));
  g_assert_cmpint (g_menu_model_get_n_items (menu_model), ==, 2);
  target = g_menu_model_get_item_attribute_value (menu_model, 0, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_STRING);
  g_assert_nonnull (target);
  g_assert_nonnull (pm_policy_store_lookup (store, g_variant_get_string (target, NULL)));
  gtk_popover_popdown (GTK_POPOVER (menu));
  g_assert_false (gtk_widget_get_visible (menu));

  /* A search that leaves more than a screenful: the rows past the screen
   * are emptied, and dropped over the next frames (the page is pending
   * meanwhile); the rows on screen show what was found. */
  pm_policies_page_set_search_text (page, "policy 02");
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 30);
  g_assert_cmpuint (g_list_model_get_n_items (model), <, 280);
  g_assert_true (pm_policies_page_get_pending (page));
  gtk_test_widget_wait_for_draw (window);
  {
    g_autoptr(PmPolicy) found = g_list_model_get_item (model, 0);

    g_assert_nonnull (find_cell (GTK_WIDGET (page), pm_policy_get_name (found)));
  }
  g_assert_null (find_cell (GTK_WIDGET (page), pm_policy_get_name (first)));
  pm_test_wait_until (page_listed, page, 30000);
  /* One found: the rows not needed go at once (they would be on screen,
   * empty). */
  pm_policies_page_set_search_text (page, "policy 0042");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_false (pm_policies_page_get_pending (page));
  gtk_test_widget_wait_for_draw (window);
  g_assert_nonnull (find_cell (GTK_WIDGET (page), "Generated policy 0042"));
  pm_policies_page_set_search_text (page, "");
  pm_test_wait_until (page_listed, page, 30000);
  g_signal_handlers_disconnect_by_func (model, count_changes, &n_changes);

  /* Another account: its list, loading, is hidden, and the rows of the
   * one before go a step per frame (not all at once: that stalled the
   * switch); its policies fill the rows that are left. */
  {
    g_autoptr(PmSession) other = pm_session_new (api, "Paced again", TRUE);
    g_autoptr(GPtrArray) none = NULL;

    pm_policies_page_set_session (page, other);
    model = pm_policies_page_get_model (page);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
    g_assert_true (pm_policies_page_get_pending (page));
    none = pm_policies_page_dup_selected (page);
    g_assert_cmpuint (none->len, ==, 0);
    pm_policy_store_refresh_async (pm_session_get_policies (other), NULL, NULL, NULL);
    pm_test_wait_until (page_listed, page, 30000);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 300);
    gtk_test_widget_wait_for_draw (window);
    {
      g_autoptr(PmPolicy) top = g_list_model_get_item (model, 0);

      g_assert_nonnull (find_cell (GTK_WIDGET (page), pm_policy_get_name (top)));
    }
    pm_policies_page_set_session (page, NULL);
    pm_session_shutdown (other);
  }

  pm_policies_page_set_session (page, NULL);
  pm_session_shutdown (session);
  gtk_window_destroy (GTK_WINDOW (window));
  pm_sandbox_stop (sandbox);
}

static gboolean
widget_is_drawn (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

/* Once restyled (at the next frame), the cell is laid out taller... */
static gboolean
widget_grew (gpointer data)
{
  int *height = g_object_get_data (data, "height-before");

  return gtk_widget_get_height (data) > *height * 3 / 2;
}

/* ...or as high as before. */
static gboolean
widget_shrank_back (gpointer data)
{
  int *height = g_object_get_data (data, "height-before");

  return gtk_widget_get_height (data) <= *height;
}

/* Every border node under @node, in @borders. */
static void
collect_borders (GskRenderNode *node,
                 GPtrArray     *borders)
{
  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_BORDER_NODE:
      g_ptr_array_add (borders, node);
      break;
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        collect_borders (gsk_container_node_get_child (node, i), borders);
      break;
    case GSK_TRANSFORM_NODE:
      collect_borders (gsk_transform_node_get_child (node), borders);
      break;
    case GSK_CLIP_NODE:
      collect_borders (gsk_clip_node_get_child (node), borders);
      break;
    case GSK_ROUNDED_CLIP_NODE:
      collect_borders (gsk_rounded_clip_node_get_child (node), borders);
      break;
    case GSK_OPACITY_NODE:
      collect_borders (gsk_opacity_node_get_child (node), borders);
      break;
    case GSK_DEBUG_NODE:
      collect_borders (gsk_debug_node_get_child (node), borders);
      break;
    default:
      break;
    }
}

/* A border whose sides differ in colour is drawn, in software, in four
 * masked fills: Adwaita's transparent left border on a list's cells, the
 * other sides taking the text's colour with no width, was half of what
 * painting a long list cost. style.css gives each one colour: no cell or
 * column title draws a border, and each row's separator is one fill. */
static void
test_list_borders (void)
{
  PmWindow *window;
  GtkWidget *view;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GPtrArray) borders = g_ptr_array_new ();
  GtkSnapshot *snapshot;
  guint rows = 0;

  reset_settings ();
  window = pm_window_new (app);
  pm_window_restore_last (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sandbox", NULL));
  pm_test_wait_until (policies_loaded, window, 30000);
  view = find_row (GTK_WIDGET (window), GTK_TYPE_COLUMN_VIEW, NULL);
  g_assert_nonnull (view);
  pm_test_wait_until (widget_is_drawn, view, 10000);

  paintable = gtk_widget_paintable_new (view);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (view), gtk_widget_get_height (view));
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  collect_borders (node, borders);

  for (guint i = 0; i < borders->len; i++)
    {
      const GdkRGBA *colors = gsk_border_node_get_colors (borders->pdata[i]);
      const float *widths = gsk_border_node_get_widths (borders->pdata[i]);

      for (guint side = 1; side < 4; side++)
        g_assert_true (gdk_rgba_equal (&colors[0], &colors[side]));
      /* A row's separator: a line on one side. */
      if (widths[0] + widths[1] + widths[2] + widths[3] > 0 && colors[0].alpha > 0)
        rows++;
    }
  /* The separators are still drawn, between the sandbox's policies. */
  g_assert_cmpuint (rows, >=, 5);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The mark on an odd element says what is odd: in its tooltip, given when
 * GTK asks for one (no tooltip text is set, so binding a mark asks the
 * display nothing), and to a screen reader; cleared, it says nothing. */
static void
test_oddity_marker (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *image = gtk_image_new ();
  const char *odd[] = { "Port 0 is outside 1–65535; Perimeter keeps this rule as it is", NULL };
  const char *none[] = { NULL };

  gtk_window_set_child (GTK_WINDOW (window), image);
  gtk_window_present (GTK_WINDOW (window));
  pm_test_wait_until ((gboolean (*) (gpointer)) gtk_widget_get_mapped, image, 10000);

  pm_oddity_marker_update (image, odd);
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (image)), ==, "dialog-warning-symbolic");
  g_assert_cmpstr (pm_oddity_marker_get_text (image), ==,
                   "Kept as the server sent it:\nPort 0 is outside 1–65535; Perimeter keeps this rule as it is");
  g_assert_true (gtk_widget_get_has_tooltip (image));
  g_assert_null (gtk_widget_get_tooltip_text (image));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       pm_oddity_marker_get_text (image));

  pm_oddity_marker_update (image, none);
  g_assert_cmpint (gtk_image_get_storage_type (GTK_IMAGE (image)), ==, GTK_IMAGE_EMPTY);
  g_assert_null (pm_oddity_marker_get_text (image));
  g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A list's text cell is sized by its font, not its text (a column view
 * measures every row it keeps: see pm-text-cell.c), one line as high as a
 * label's, and read by a screen reader as its text. */
static void
test_text_cell (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *cell = pm_text_cell_new (10, 0.0f);
  GtkWidget *wide = pm_text_cell_new (20, 1.0f);
  GtkWidget *label = gtk_label_new ("Office networks");
  int min, nat, nat_wide, height, label_height, min_after, nat_after, height_after;

  gtk_box_append (GTK_BOX (box), cell);
  gtk_box_append (GTK_BOX (box), wide);
  gtk_box_append (GTK_BOX (box), label);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  pm_test_wait_until (widget_is_drawn, cell, 10000);

  g_assert_cmpstr (pm_text_cell_get_text (PM_TEXT_CELL (cell)), ==, "");
  gtk_widget_measure (cell, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  gtk_widget_measure (wide, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat_wide, NULL, NULL);
  gtk_widget_measure (cell, GTK_ORIENTATION_VERTICAL, -1, NULL, &height, NULL, NULL);
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, -1, NULL, &label_height, NULL, NULL);
  /* Room for an ellipsis at least; twice the characters, twice the width. */
  g_assert_cmpint (min, >, 0);
  g_assert_cmpint (nat, >, 5 * min);
  g_assert_cmpint (ABS (nat_wide - 2 * nat), <=, 2);
  g_assert_cmpint (ABS (height - label_height), <=, 3);

  /* A text far longer than the cell changes nothing of its size (it is
   * ellipsized when drawn), and is its accessible name. */
  pm_text_cell_set_text (PM_TEXT_CELL (cell), "A name much longer than the ten characters the column asks for");
  g_assert_cmpstr (pm_text_cell_get_text (PM_TEXT_CELL (cell)), ==,
                   "A name much longer than the ten characters the column asks for");
  gtk_widget_measure (cell, GTK_ORIENTATION_HORIZONTAL, -1, &min_after, &nat_after, NULL, NULL);
  gtk_widget_measure (cell, GTK_ORIENTATION_VERTICAL, -1, NULL, &height_after, NULL, NULL);
  g_assert_cmpint (min_after, ==, min);
  g_assert_cmpint (nat_after, ==, nat);
  g_assert_cmpint (height_after, ==, height);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_ROLE_LABEL);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "A name much longer than the ten characters the column asks for");
  /* Fitted to texts wider than its characters: as wide as the widest of
   * them (as a label showing it), the texts' own and not the ones shown;
   * fitted to narrower ones, its characters' width again. */
  {
    g_autoptr(PmTextCellFit) fit = pm_text_cell_fit_new ();
    const char *wide_texts[] = { "No", "GCP Private Service Connect", NULL };
    const char *narrow_texts[] = { "No", NULL };
    GtkWidget *sample = gtk_label_new ("GCP Private Service Connect");
    int fitted, sample_nat;

    gtk_box_append (GTK_BOX (box), sample);
    gtk_widget_measure (sample, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &sample_nat, NULL, NULL);
    pm_text_cell_fit_set_texts (fit, wide_texts);
    pm_text_cell_set_fit (PM_TEXT_CELL (cell), fit);
    gtk_widget_measure (cell, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &fitted, NULL, NULL);
    g_assert_cmpint (sample_nat, >, nat);
    g_assert_cmpint (ABS (fitted - sample_nat), <=, 1);
    pm_text_cell_fit_set_texts (fit, narrow_texts);
    gtk_widget_measure (cell, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &fitted, NULL, NULL);
    g_assert_cmpint (fitted, ==, nat);
    pm_text_cell_set_fit (PM_TEXT_CELL (cell), NULL);
    gtk_box_remove (GTK_BOX (box), sample);
  }
  pm_text_cell_set_text (PM_TEXT_CELL (cell), NULL);
  g_assert_cmpstr (pm_text_cell_get_text (PM_TEXT_CELL (cell)), ==, "");

  /* A larger interface font (Settings): a taller cell. */
  {
    GtkSettings *settings = gtk_widget_get_settings (cell);
    g_autofree char *font = NULL;

    g_object_get (settings, "gtk-font-name", &font, NULL);
    g_object_set (settings, "gtk-font-name", "Sans 24", NULL);
    g_object_set_data (G_OBJECT (cell), "height-before", &height);
    pm_test_wait_until (widget_grew, cell, 10000);
    gtk_settings_reset_property (settings, "gtk-font-name");
    g_object_set (settings, "gtk-font-name", font, NULL);
    pm_test_wait_until (widget_shrank_back, cell, 10000);
  }

  /* A larger font: a taller, wider cell. */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
    int bigger_nat, bigger_height;

    gtk_css_provider_load_from_string (css, ".big { font-size: 200%; }");
    gtk_style_context_add_provider_for_display (gtk_widget_get_display (cell), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    gtk_widget_add_css_class (cell, "big");
    g_object_set_data (G_OBJECT (cell), "height-before", &height);
    pm_test_wait_until (widget_grew, cell, 10000);
    gtk_widget_measure (cell, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &bigger_nat, NULL, NULL);
    gtk_widget_measure (cell, GTK_ORIENTATION_VERTICAL, -1, NULL, &bigger_height, NULL, NULL);
    g_assert_cmpint (bigger_nat, >, nat * 3 / 2);
    g_assert_cmpint (bigger_height, >, height * 3 / 2);
    gtk_style_context_remove_provider_for_display (gtk_widget_get_display (cell), GTK_STYLE_PROVIDER (css));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

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

  g_test_add_func ("/ui/first-run-welcome", test_first_run_welcome);
  g_test_add_func ("/ui/sandbox", test_sandbox);
  g_test_add_func ("/ui/sections", test_sections);
  g_test_add_func ("/ui/profile-dialog", test_profile_dialog);
  g_test_add_func ("/ui/check-connection", test_check_connection);
  g_test_add_func ("/ui/accessible-names", test_accessible_names);
  g_test_add_func ("/ui/check-tls", test_check_tls);
  g_test_add_func ("/ui/open-rename-remove", test_open_rename_remove);
  g_test_add_func ("/ui/version", test_version);
  g_test_add_func ("/ui/window-state", test_window_state);
  g_test_add_func ("/ui/missing-key", test_missing_key);
  g_test_add_func ("/ui/api-down-and-forwarding", test_api_down_and_forwarding);
  g_test_add_func ("/ui/narrow", test_narrow);
  g_test_add_func ("/ui/narrow-pages", test_narrow_pages);
  g_test_add_func ("/ui/narrow-dialogs", test_narrow_dialogs);
  g_test_add_func ("/ui/error-text", test_error_text);
  g_test_add_func ("/ui/paced-load-keeps-selection", test_paced_load_keeps_selection);
  g_test_add_func ("/ui/text-cell", test_text_cell);
  g_test_add_func ("/ui/oddity-marker", test_oddity_marker);
  g_test_add_func ("/ui/list-borders", test_list_borders);

  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
