/* test-canary.c: the API key goes to the keyring and nowhere else
 *
 * Runs with a real gnome-keyring in a private session and HOME
 * (harness.sh display-keyring). A random canary key goes through the app's
 * own code paths: account creation in the dialog, "Check connection" against
 * an in-process sandbox that accepts only that key, opening the account in a
 * window, and failing requests, all with G_MESSAGES_DEBUG=all. Then HOME,
 * the XDG directories, the files created in /tmp since the start and every
 * log message are searched for the canary. The keyring file is encrypted, so
 * the key is found there only by asking the keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "pm-application.h"
#include "pm-profile-dialog.h"
#include "pm-sandbox.h"
#include "pm-keyring.h"
#include "pm-profile.h"
#include "pm-test-util.h"
#include "pm-window.h"

static PmApplication *app;
static char *canary;
static GString *captured_logs;
static GMutex log_mutex;
static gint64 start_time;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  g_mutex_lock (&log_mutex);
  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length < 0)
        g_string_append (captured_logs, fields[i].value);
      else
        g_string_append_len (captured_logs, fields[i].value, fields[i].length);
      g_string_append_c (captured_logs, '\n');
    }
  g_mutex_unlock (&log_mutex);

  /* Still print warnings and criticals so failures are readable. */
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

/* Returns how many files were read; fails on the canary. */
static guint
search_dir (const char *path,
            gboolean    only_new,
            guint       depth)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n = 0;

  if (depth > 12 || (dir = g_dir_open (path, 0, NULL)) == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_lstat (child, &st) != 0)
        continue;
      if (only_new && st.st_mtime < start_time - 1 && st.st_ctime < start_time - 1)
        continue;
      if (S_ISDIR (st.st_mode))
        n += search_dir (child, FALSE, depth + 1);
      else if (S_ISREG (st.st_mode) && st.st_size < 64 * 1024 * 1024)
        {
          g_autofree char *contents = NULL;
          gsize length = 0;

          if (!g_file_get_contents (child, &contents, &length, NULL))
            continue;
          n++;
          if (g_strstr_len (contents, length, canary) != NULL)
            g_error ("the API key was found in %s", child);
        }
    }
  return n;
}

static gboolean
saved_id_set (gpointer data)
{
  return *(char **) data != NULL;
}

static gboolean
dialog_has_result (gpointer data)
{
  return !pm_profile_dialog_get_busy (data) && pm_profile_dialog_get_check_result (data) != NULL;
}

static gboolean
account_loaded (gpointer data)
{
  PmSession *session = pm_window_get_session (data);

  return session != NULL && pm_policy_store_get_loaded (pm_session_get_policies (session));
}

static gboolean
account_failed (gpointer data)
{
  PmSession *session = pm_window_get_session (data);

  return session != NULL
         && !pm_policy_store_get_loading (pm_session_get_policies (session))
         && pm_policy_store_get_error (pm_session_get_policies (session)) != NULL;
}

static void
on_saved (PmProfileDialog *dialog,
          const char      *id,
          char           **slot)
{
  *slot = g_strdup (id);
}

/* Type into the dialog's rows, found by their titles. */
static void
fill_dialog (GtkWidget  *widget,
             const char *name,
             const char *url,
             const char *key)
{
  if (ADW_IS_PASSWORD_ENTRY_ROW (widget))
    gtk_editable_set_text (GTK_EDITABLE (widget), key);
  else if (ADW_IS_ENTRY_ROW (widget))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));

      if (g_strcmp0 (title, "Name") == 0)
        gtk_editable_set_text (GTK_EDITABLE (widget), name);
      else if (g_strcmp0 (title, "API base URL") == 0)
        gtk_editable_set_text (GTK_EDITABLE (widget), url);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    fill_dialog (child, name, url, key);
}

static void
test_canary (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(PmProfileList) profiles = pm_profile_list_new (settings);
  g_autoptr(PmSandbox) sandbox = pm_sandbox_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *url = NULL;
  g_autofree char *saved_id = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *closed_url = NULL;
  PmProfileDialog *dialog;
  PmWindow *window;
  guint n_files;

  pm_sandbox_set_api_key (sandbox, canary);
  g_assert_true (pm_sandbox_start_in_thread (sandbox, 0, &error));
  g_assert_no_error (error);
  url = pm_sandbox_dup_base_url (sandbox);

  /* Add the account through the dialog, as a person would. */
  window = pm_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  dialog = pm_profile_dialog_new (GTK_WINDOW (window), profiles, NULL);
  g_object_ref (dialog);
  g_signal_connect (dialog, "saved", G_CALLBACK (on_saved), &saved_id);
  gtk_window_present (GTK_WINDOW (dialog));
  fill_dialog (GTK_WIDGET (dialog), "Canary", url, canary);

  /* Check first with the typed key, then save. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.check", NULL));
  pm_test_wait_until (dialog_has_result, dialog, 60000);
  g_assert_nonnull (strstr (pm_profile_dialog_get_check_result (dialog), "Connected"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.save", NULL));
  pm_test_wait_until (saved_id_set, &saved_id, 60000);
  g_object_unref (dialog);

  /* The profile is in GSettings, the key only in the keyring. */
  g_assert_nonnull (pm_profile_list_lookup (profiles, saved_id));
  pm_keyring_lookup_async (saved_id, NULL, pm_test_result_cb, &result);
  stored = pm_keyring_lookup_finish (pm_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, canary);
  g_clear_object (&result);

  /* Check again from the stored key (edit mode, empty key field). */
  dialog = pm_profile_dialog_new (GTK_WINDOW (window), profiles, saved_id);
  g_object_ref (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.check", NULL));
  pm_test_wait_until (dialog_has_result, dialog, 60000);
  g_assert_nonnull (strstr (pm_profile_dialog_get_check_result (dialog), "Connected"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);

  /* Open the account: the key is looked up, requests are made and logged. */
  pm_window_open_profile (window, saved_id);
  pm_test_wait_until (account_loaded, window, 60000);
  g_assert_null (strstr (gtk_window_get_title (GTK_WINDOW (window)), canary));

  /* Failing requests log too. */
  g_assert_true (pm_sandbox_add_fault (sandbox, "status:500", &error));
  g_assert_no_error (error);
  pm_session_refresh (pm_window_get_session (window));
  pm_test_wait_until (account_failed, window, 120000);
  pm_sandbox_clear_faults (sandbox);

  /* And a check with the canary key against nothing. */
  closed_url = g_strdup_printf ("http://127.0.0.1:%u", pm_test_free_port ());
  dialog = pm_profile_dialog_new (GTK_WINDOW (window), profiles, NULL);
  g_object_ref (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  fill_dialog (GTK_WIDGET (dialog), "Nothing", closed_url, canary);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.check", NULL));
  pm_test_wait_until (dialog_has_result, dialog, 60000);
  g_assert_null (strstr (pm_profile_dialog_get_check_result (dialog), canary));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);

  gtk_window_destroy (GTK_WINDOW (window));
  pm_sandbox_stop (sandbox);
  /* Let pending writes (settings, caches) reach the disk. */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_settings_sync ();

  /* Now search. */
  g_mutex_lock (&log_mutex);
  /* The client's request log was captured (so searched), as were failures. */
  g_assert_nonnull (strstr (captured_logs->str, "/traffic-filter/rulesets"));
  g_assert_nonnull (strstr (captured_logs->str, "→ 500"));
  if (strstr (captured_logs->str, canary) != NULL)
    g_error ("the API key was found in a log message");
  g_test_message ("%" G_GSIZE_FORMAT " bytes of log searched", captured_logs->len);
  g_mutex_unlock (&log_mutex);

  n_files = search_dir (g_get_home_dir (), FALSE, 0);
  n_files += search_dir (g_get_user_data_dir (), FALSE, 0);
  n_files += search_dir (g_get_user_config_dir (), FALSE, 0);
  n_files += search_dir (g_get_user_cache_dir (), FALSE, 0);
  n_files += search_dir (g_get_user_runtime_dir (), FALSE, 0);
  n_files += search_dir (g_get_tmp_dir (), TRUE, 0);
  g_test_message ("%u files searched", n_files);
  /* The keyring's own file at least exists (encrypted). */
  g_assert_cmpuint (n_files, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  start_time = g_get_real_time () / G_USEC_PER_SEC;
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  captured_logs = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  {
    g_autofree char *uuid = g_uuid_string_random ();

    canary = g_strdup_printf ("canary-%s", uuid);
  }

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

  g_test_add_func ("/secrets/canary", test_canary);
  ret = g_test_run ();

  g_clear_object (&app);
  g_string_free (captured_logs, TRUE);
  g_free (canary);
  return ret;
}
