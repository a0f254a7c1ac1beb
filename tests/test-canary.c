/* test-canary.c: the API key goes to the keyring and nowhere else
 *
 * Runs with a real gnome-keyring in a private session and HOME
 * (harness.sh display-keyring). A random canary key goes through the app's
 * own code paths: account creation in the dialog, "Check connection" against
 * an in-process sandbox that accepts only that key, opening the account in a
 * window, and failing requests, all with G_MESSAGES_DEBUG=all. Then HOME,
 * the XDG directories, the files created since the start in the test's own
 * temporary folder (harness.sh gives it one) and every log message are
 * searched for the canary. The keyring file is encrypted, so
 * the key is found there only by asking the keyring.
 *
 * The other ways out are covered too: the policy editor's "Copy as curl"
 * (read back from the clipboard) and pm_http_format_curl() write
 * $EC_API_KEY; a policy exported through the editor's export path holds no
 * key; files under the XDG data, config and cache directories are 0600; the
 * sandbox, in-process and as the perimeter-sandbox binary (which takes the
 * key on its command line by design: it is the developer tool, not the app),
 * never prints the key with G_MESSAGES_DEBUG=all, whether a request carries
 * it, carries a wrong one or none.
 *
 * Crash handlers: the app installs none (no signal () or sigaction () in
 * src/; the sandbox binary only uses g_unix_signal_add () for SIGINT and
 * SIGTERM to stop cleanly), so there is no crash-time dump to search.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>

#include "pm-application.h"
#include "pm-file-choice.h"
#include "pm-http.h"
#include "pm-policy-editor.h"
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

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_IS_REGULAR);
}

static guint32
file_mode (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_UNIX_MODE, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &error);
  g_assert_no_error (error);
  return g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_MODE) & 0777;
}

/* Every regular file the app owns under `path` (in a folder or with a name
 * that has "perimeter" in it) is readable by its owner only; returns how
 * many were checked. Other files belong to libraries and services in the
 * process or the session (Mesa's shader cache, gnome-keyring) and are only
 * listed. */
static guint
check_private (const char *path,
               gboolean    owned,
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
      g_autofree char *folded = g_ascii_strdown (name, -1);
      gboolean ours = owned || strstr (folded, "perimeter") != NULL;

      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        n += check_private (child, ours, depth + 1);
      else if (g_file_test (child, G_FILE_TEST_IS_REGULAR))
        {
          guint32 mode = file_mode (child);

          g_test_message ("%s: %03o%s", child, mode, ours ? "" : " (not the app's)");
          if (!ours)
            continue;
          if ((mode & 077) != 0)
            g_error ("%s is mode %03o, not 0600", child, mode);
          n++;
        }
    }
  return n;
}

static GFile *
answer_save (GtkFileDialog    *dialog,
             PmFileChoiceMode  mode,
             gpointer          file)
{
  g_assert_cmpint (mode, ==, PM_FILE_CHOICE_SAVE);
  g_assert_true (g_str_has_suffix (gtk_file_dialog_get_initial_name (dialog), ".json"));
  return g_object_ref (file);
}

/* "Copy as curl" and export in a policy editor on the open account, and
 * pm_http_format_curl() on a client that holds the canary. */
static void
check_copy_and_export (PmWindow   *window,
                       const char *url)
{
  PmSession *session = pm_window_get_session (window);
  GListModel *policies = G_LIST_MODEL (pm_session_get_policies (session));
  g_autoptr(PmPolicy) policy = NULL;
  g_autoptr(PmHttp) http = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *formatted = NULL;
  g_autofree char *export_dir = NULL;
  g_autofree char *export_path = NULL;
  g_autofree char *exported = NULL;
  GdkClipboard *clipboard;
  PmPolicyEditor *editor;
  gint64 until;

  g_assert_cmpuint (g_list_model_get_n_items (policies), >, 0);
  policy = g_list_model_get_item (policies, 0);
  editor = pm_policy_editor_new (GTK_WIDGET (window), session, policy);
  g_object_ref (editor);
  gtk_window_present (GTK_WINDOW (editor));

  /* Copy as curl, read back from the clipboard. */
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.copy-curl", NULL));
  gdk_clipboard_read_text_async (clipboard, NULL, pm_test_result_cb, &result);
  copied = gdk_clipboard_read_text_finish (clipboard, pm_test_wait (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_test_message ("copied: %s", copied);
  g_assert_nonnull (strstr (copied, "ApiKey $EC_API_KEY"));
  /* Formatted by the account's own client, which holds the key. */
  g_assert_nonnull (strstr (copied, url));
  if (strstr (copied, canary) != NULL)
    g_error ("the API key was found in the copied curl command");

  /* pm_http_format_curl() itself, with and without a body. */
  http = pm_http_new (url, canary, &error);
  g_assert_no_error (error);
  body = json_from_string ("{\"name\": \"canary policy\"}", &error);
  g_assert_no_error (error);
  formatted = pm_http_format_curl (http, "POST", "/api/v1/deployments/traffic-filter/rulesets", body);
  g_assert_nonnull (strstr (formatted, "$EC_API_KEY"));
  g_assert_null (strstr (formatted, canary));
  g_free (formatted);
  formatted = pm_http_format_curl (http, "GET", "/api/v1/serverless/traffic-filters", NULL);
  g_assert_nonnull (strstr (formatted, "$EC_API_KEY"));
  g_assert_null (strstr (formatted, canary));

  /* Export, to the file the person picks (the test answers the file
   * chooser), which gets the usual permissions. */
  export_dir = g_build_filename (g_get_home_dir (), "Documents", NULL);
  g_assert_cmpint (g_mkdir_with_parents (export_dir, 0700), ==, 0);
  export_path = g_build_filename (export_dir, "canary-policy.json", NULL);
  file = g_file_new_for_path (export_path);
  pm_file_choice_set_test_func (answer_save, file);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.export", NULL));
  pm_test_wait_until (file_exists, export_path, 30000);
  pm_file_choice_set_test_func (NULL, NULL);
  until = g_get_monotonic_time () + G_USEC_PER_SEC / 5;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (pm_policy_editor_get_error_text (editor));
  g_assert_true (g_file_get_contents (export_path, &exported, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (exported, "\"name\""));
  if (strstr (exported, canary) != NULL)
    g_error ("the API key was found in the exported policy");
  g_test_message ("the export (a path the person chose) is mode %03o", file_mode (export_path));

  gtk_window_destroy (GTK_WINDOW (editor));
  g_object_unref (editor);
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
  dialog = pm_profile_dialog_new (profiles, NULL);
  g_object_ref (dialog);
  g_signal_connect (dialog, "saved", G_CALLBACK (on_saved), &saved_id);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
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
  dialog = pm_profile_dialog_new (profiles, saved_id);
  g_object_ref (dialog);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.check", NULL));
  pm_test_wait_until (dialog_has_result, dialog, 60000);
  g_assert_nonnull (strstr (pm_profile_dialog_get_check_result (dialog), "Connected"));
  adw_dialog_force_close (ADW_DIALOG (dialog));
  g_object_unref (dialog);

  /* Open the account: the key is looked up, requests are made and logged. */
  pm_window_open_profile (window, saved_id);
  pm_test_wait_until (account_loaded, window, 60000);
  g_assert_null (strstr (gtk_window_get_title (GTK_WINDOW (window)), canary));

  /* Copied commands and exported files. */
  check_copy_and_export (window, url);

  /* Failing requests log too. */
  g_assert_true (pm_sandbox_add_fault (sandbox, "status:500", &error));
  g_assert_no_error (error);
  pm_session_refresh (pm_window_get_session (window));
  pm_test_wait_until (account_failed, window, 120000);
  pm_sandbox_clear_faults (sandbox);

  /* And a check with the canary key against nothing. */
  closed_url = g_strdup_printf ("http://127.0.0.1:%u", pm_test_free_port ());
  dialog = pm_profile_dialog_new (profiles, NULL);
  g_object_ref (dialog);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (window));
  fill_dialog (GTK_WIDGET (dialog), "Nothing", closed_url, canary);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.check", NULL));
  pm_test_wait_until (dialog_has_result, dialog, 60000);
  g_assert_null (strstr (pm_profile_dialog_get_check_result (dialog), canary));
  adw_dialog_force_close (ADW_DIALOG (dialog));
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

  /* Nothing the app wrote under the user's data, config or cache
   * directories is readable by others. Today the app writes nothing there
   * itself (profiles are in GSettings, keys in the keyring, no cache file;
   * the only file writes in src/ are the export, to a path the person
   * chose, and the developer screenshot tool's folder), so this guards
   * against a future cache or state file. */
  n_files = check_private (g_get_user_data_dir (), FALSE, 0);
  n_files += check_private (g_get_user_config_dir (), FALSE, 0);
  n_files += check_private (g_get_user_cache_dir (), FALSE, 0);
  g_test_message ("%u files of the app's under XDG directories, all 0600", n_files);
}

/* Three requests: with the key, with a wrong key that starts with it, and
 * with none; returns the statuses as "200 401 401". */
static char *
send_requests (SoupSession *session,
               const char  *url)
{
  g_autofree char *wrong = g_strconcat (canary, "-wrong", NULL);
  const char *keys[] = { canary, wrong, NULL };
  GString *statuses = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *uri = g_strconcat (url, "/api/v1/deployments/traffic-filter/rulesets", NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(GError) error = NULL;

      if (keys[i] != NULL)
        {
          g_autofree char *value = g_strconcat ("ApiKey ", keys[i], NULL);

          soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
        }
      reply = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_string_append_printf (statuses, "%s%u", i ? " " : "", soup_message_get_status (msg));
      if (g_strstr_len (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), canary) != NULL)
        g_error ("the sandbox's reply holds the API key");
    }
  return g_string_free (statuses, FALSE);
}

static void
test_sandbox_in_process (void)
{
  g_autoptr(PmSandbox) sandbox = pm_sandbox_new ();
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *statuses = NULL;
  gsize start;

  g_mutex_lock (&log_mutex);
  start = captured_logs->len;
  g_mutex_unlock (&log_mutex);

  pm_sandbox_set_api_key (sandbox, canary);
  g_assert_true (pm_sandbox_start_in_thread (sandbox, 0, &error));
  g_assert_no_error (error);
  url = pm_sandbox_dup_base_url (sandbox);
  statuses = send_requests (session, url);
  g_assert_cmpstr (statuses, ==, "200 401 401");
  pm_sandbox_stop (sandbox);

  g_mutex_lock (&log_mutex);
  /* The sandbox logged the requests, so its log was searched. */
  g_assert_nonnull (strstr (captured_logs->str + start, "→ 200"));
  g_assert_nonnull (strstr (captured_logs->str + start, "→ 401"));
  if (strstr (captured_logs->str + start, canary) != NULL)
    g_error ("the in-process sandbox logged the API key");
  g_mutex_unlock (&log_mutex);
}

static void
test_sandbox_binary (void)
{
  const char *bin = g_getenv ("PM_SANDBOX_BIN");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  g_autofree char *line = NULL;
  g_autofree char *statuses = NULL;
  const char *url;

  if (bin == NULL)
    {
      g_test_skip ("PM_SANDBOX_BIN is not set");
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, bin, "--port", "0", "--api-key", canary, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

  /* Skip whatever comes before "listening on URL". */
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL
         && !g_str_has_prefix (line, "listening on "))
    {
      g_string_append_printf (output, "%s\n", line);
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_string_append_printf (output, "%s\n", line);
  url = line + strlen ("listening on ");

  statuses = send_requests (session, url);
  g_assert_cmpstr (statuses, ==, "200 401 401");

  g_subprocess_send_signal (process, SIGTERM);
  for (;;)
    {
      g_autoptr(GBytes) chunk = g_input_stream_read_bytes (G_INPUT_STREAM (out), 4096, NULL, &error);

      g_assert_no_error (error);
      if (g_bytes_get_size (chunk) == 0)
        break;
      g_string_append_len (output, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
    }
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);

  g_test_message ("perimeter-sandbox printed %" G_GSIZE_FORMAT " bytes", output->len);
  /* Its debug log was on, so the search is not of an empty output. */
  g_assert_nonnull (strstr (output->str, "→ 200"));
  g_assert_nonnull (strstr (output->str, "→ 401"));
  if (strstr (output->str, canary) != NULL)
    g_error ("perimeter-sandbox printed the API key: %s", output->str);
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
  g_test_add_func ("/secrets/canary/sandbox-in-process", test_sandbox_in_process);
  g_test_add_func ("/secrets/canary/sandbox-binary", test_sandbox_binary);
  ret = g_test_run ();

  g_clear_object (&app);
  g_string_free (captured_logs, TRUE);
  g_free (canary);
  return ret;
}
