/* pm-profile-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-api-error.h"
#include "pm-confirm-dialog.h"
#include "pm-connection-check.h"
#include "pm-error-text.h"
#include "pm-file-choice.h"
#include "pm-keyring.h"
#include "pm-profile.h"
#include "pm-profile-dialog.h"

/* Copies of the key typed in the dialog are wiped when dropped. */
typedef char *PmKeyCopy;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (PmKeyCopy, pm_keyring_free_key, NULL)


struct _PmProfileDialog
{
  AdwDialog        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  AdwEntryRow     *name_row;
  AdwComboRow     *flavour_row;
  AdwEntryRow     *url_row;
  AdwActionRow    *ca_row;
  GtkWidget       *clear_ca_button;
  AdwEntryRow     *org_row;
  AdwPasswordEntryRow *key_row;
  AdwSpinner      *check_spinner;
  GtkLabel        *check_result;
  GtkWidget       *remove_group;

  PmProfileList   *profiles;
  char            *profile_id;     /* NULL while adding */
  char            *new_profile_id; /* added, key being stored */
  char            *ca_file;
  char            *check_text;
  GCancellable    *cancellable;
  gboolean         busy;
};

G_DEFINE_FINAL_TYPE (PmProfileDialog, pm_profile_dialog, ADW_TYPE_DIALOG)

enum {
  SAVED,
  REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static PmFlavour
get_flavour (PmProfileDialog *self)
{
  switch (adw_combo_row_get_selected (self->flavour_row))
    {
    case 1:
      return PM_FLAVOUR_ECE;
    case 2:
      return PM_FLAVOUR_SERVERLESS;
    default:
      return PM_FLAVOUR_HOSTED;
    }
}

static gboolean
is_default_url (const char *url)
{
  return *url == '\0'
         || g_str_equal (url, pm_profile_get_default_base_url (PM_FLAVOUR_HOSTED))
         || g_str_equal (url, pm_profile_get_default_base_url (PM_FLAVOUR_ECE))
         || g_str_equal (url, pm_profile_get_default_base_url (PM_FLAVOUR_SERVERLESS));
}

/* ECE's default is a placeholder to fill in. */
static gboolean
is_placeholder_url (const char *url)
{
  return strstr (url, "COORDINATOR_HOST") != NULL;
}

static char *
get_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
set_busy (PmProfileDialog *self,
          gboolean         busy)
{
  self->busy = busy;
  if (!busy)
    gtk_widget_set_visible (GTK_WIDGET (self->check_spinner), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.check", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.save", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.remove", !busy && self->profile_id != NULL);
}

static void
set_check_result (PmProfileDialog *self,
                  const char      *text,
                  gboolean         ok)
{
  g_free (self->check_text);
  self->check_text = g_strdup (text);
  gtk_label_set_label (self->check_result, text);
  gtk_widget_set_visible (GTK_WIDGET (self->check_result), text != NULL);
  if (ok)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->check_result), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->check_result), "success");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->check_result), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->check_result), "error");
    }
}

static void
show_error_toast (PmProfileDialog *self,
                  const char      *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Fields */

static void
update_ca_row (PmProfileDialog *self)
{
  g_autofree char *name = self->ca_file ? g_path_get_basename (self->ca_file) : NULL;

  /* The file's name, and where it is when pointed at. */
  gtk_widget_set_visible (GTK_WIDGET (self->ca_row), get_flavour (self) == PM_FLAVOUR_ECE);
  adw_action_row_set_subtitle (self->ca_row, name ? name : _("System certificate authorities"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->ca_row), self->ca_file);
  gtk_widget_set_visible (self->clear_ca_button, self->ca_file != NULL);
}

/* The fields as a detached profile (no id of its own yet). */
static PmProfile *
dup_values (PmProfileDialog *self)
{
  g_autoptr(PmProfile) values = pm_profile_new (NULL);
  g_autofree char *name = get_text (self->name_row);
  g_autofree char *url = get_text (self->url_row);
  g_autofree char *org = get_text (self->org_row);
  PmFlavour flavour = get_flavour (self);

  pm_profile_set_name (values, name);
  pm_profile_set_flavour (values, flavour);
  pm_profile_set_base_url (values, url);
  pm_profile_set_ca_file (values, flavour == PM_FLAVOUR_ECE && self->ca_file ? self->ca_file : "");
  pm_profile_set_organization_id (values, org);
  return g_steal_pointer (&values);
}

/* Returns FALSE, marks the row and says what to change when a field is wrong. */
static gboolean
validate (PmProfileDialog  *self,
          PmProfile        *values,
          char            **message)
{
  g_autofree char *url = get_text (self->url_row);
  g_auto(PmKeyCopy) key = get_text ((AdwEntryRow *) self->key_row);
  g_autoptr(GError) error = NULL;
  GtkWidget *row = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->url_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->ca_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->key_row), "error");

  if (is_placeholder_url (url))
    {
      row = GTK_WIDGET (self->url_row);
      *message = g_strdup (_("Replace COORDINATOR_HOST with the host name of a Cloud Enterprise coordinator, such as https://ece.example.com:12443."));
    }
  else if (!pm_profile_validate (values, &error))
    {
      if (g_error_matches (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_NAME))
        row = GTK_WIDGET (self->name_row);
      else if (g_error_matches (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_URL))
        row = GTK_WIDGET (self->url_row);
      else if (g_error_matches (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_CA_FILE))
        row = GTK_WIDGET (self->ca_row);
      *message = g_strdup (error->message);
    }
  else if (self->profile_id == NULL && *key == '\0')
    {
      row = GTK_WIDGET (self->key_row);
      *message = g_strdup (_("Paste the API key created in the Elastic Cloud console (Organization → API keys)."));
    }

  if (*message == NULL)
    return TRUE;
  if (row != NULL)
    {
      gtk_widget_add_css_class (row, "error");
      gtk_widget_grab_focus (row);
    }
  return FALSE;
}

static void
fields_changed_cb (PmProfileDialog *self)
{
  g_autofree char *name = get_text (self->name_row);

  adw_window_title_set_subtitle (self->window_title, name);
}

static void
key_changed_cb (PmProfileDialog *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->key_row), "error");
}

static void
flavour_changed_cb (PmProfileDialog *self)
{
  g_autofree char *url = get_text (self->url_row);

  /* Replace the URL only while it is one of the defaults. */
  if (is_default_url (url))
    gtk_editable_set_text (GTK_EDITABLE (self->url_row), pm_profile_get_default_base_url (get_flavour (self)));
  update_ca_row (self);
}

/* Save */

static void
finish_saved (PmProfileDialog *self,
              const char      *id)
{
  g_autofree char *saved_id = g_strdup (id);

  set_busy (self, FALSE);
  g_signal_emit (self, signals[SAVED], 0, saved_id);
  adw_dialog_force_close (ADW_DIALOG (self));
}

static void
store_key_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PmProfileDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!pm_keyring_store_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      /* An account without its key would only fail later: undo the add. */
      if (self->new_profile_id != NULL)
        {
          pm_profile_list_remove (self->profiles, self->new_profile_id);
          g_clear_pointer (&self->new_profile_id, g_free);
        }
      text = g_strdup_printf (_("The API key could not be stored in the keyring, so nothing was saved. %s"),
                              error->message);
      show_error_toast (self, text);
      return;
    }

  finish_saved (self, self->profile_id ? self->profile_id : self->new_profile_id);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PmProfileDialog *self = PM_PROFILE_DIALOG (widget);
  g_autoptr(PmProfile) values = dup_values (self);
  g_autoptr(PmProfile) added = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_auto(PmKeyCopy) key = NULL;
  const char *id;

  if (!validate (self, values, &message))
    {
      show_error_toast (self, message);
      return;
    }

  key = get_text ((AdwEntryRow *) self->key_row);

  if (self->profile_id != NULL)
    {
      if (!pm_profile_list_update (self->profiles, self->profile_id, values, &error))
        {
          show_error_toast (self, error->message);
          return;
        }
      if (*key == '\0')
        {
          finish_saved (self, self->profile_id);
          return;
        }
      id = self->profile_id;
    }
  else
    {
      added = pm_profile_list_add_profile (self->profiles, values, &error);
      if (added == NULL)
        {
          show_error_toast (self, error->message);
          return;
        }
      g_free (self->new_profile_id);
      self->new_profile_id = g_strdup (pm_profile_get_id (added));
      id = self->new_profile_id;
    }

  set_busy (self, TRUE);
  pm_keyring_store_async (id, pm_profile_get_name (values), key, self->cancellable,
                          store_key_cb, g_object_ref (self));
}

/* Check connection */

static void
check_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PmProfileDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  if (!pm_connection_check_finish (result, &summary, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      set_check_result (self, error->message, FALSE);
      return;
    }

  set_busy (self, FALSE);
  set_check_result (self, summary, TRUE);
}

static void
start_check (PmProfileDialog *self,
             const char      *key)
{
  g_autofree char *url = get_text (self->url_row);
  PmFlavour flavour = get_flavour (self);

  pm_connection_check_async (flavour, url,
                             flavour == PM_FLAVOUR_ECE ? self->ca_file : NULL,
                             key, self->cancellable, check_cb, g_object_ref (self));
}

static void
check_lookup_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PmProfileDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  char *key;

  key = pm_keyring_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (key == NULL)
    {
      set_busy (self, FALSE);
      if (g_error_matches (error, PM_KEYRING_ERROR, PM_KEYRING_ERROR_NOT_FOUND))
        text = g_strdup (_("No API key is stored for this account. Enter it above."));
      else
        text = g_strdup_printf (_("The stored API key could not be read from the keyring: %s"), error->message);
      set_check_result (self, text, FALSE);
      return;
    }
  start_check (self, key);
  pm_keyring_free_key (key);
}

static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PmProfileDialog *self = PM_PROFILE_DIALOG (widget);
  g_auto(PmKeyCopy) key = get_text ((AdwEntryRow *) self->key_row);
  g_autofree char *url = get_text (self->url_row);

  if (*url == '\0' || is_placeholder_url (url))
    {
      set_check_result (self, _("Enter the API base URL first."), FALSE);
      return;
    }

  set_busy (self, TRUE);
  set_check_result (self, NULL, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->check_spinner), TRUE);
  if (*key == '\0' && self->profile_id != NULL)
    pm_keyring_lookup_async (self->profile_id, self->cancellable, check_lookup_cb, g_object_ref (self));
  else
    start_check (self, key);
}

/* Remove */

static void
remove_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PmProfileDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;

  if (!pm_profile_list_remove_finish (PM_PROFILE_LIST (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      text = g_strdup_printf (_("The API key could not be deleted from the keyring, so the account was kept. %s"),
                              error->message);
      show_error_toast (self, text);
      return;
    }

  id = g_strdup (self->profile_id);
  set_busy (self, FALSE);
  g_signal_emit (self, signals[REMOVED], 0, id);
  adw_dialog_force_close (ADW_DIALOG (self));
}

static void
remove_now (PmProfileDialog *self)
{
  set_busy (self, TRUE);
  pm_profile_list_remove_async (self->profiles, self->profile_id, self->cancellable,
                                remove_cb, g_object_ref (self));
}

static void
confirm_response_cb (AdwAlertDialog  *dialog,
                     const char      *response,
                     PmProfileDialog *self)
{
  if (g_str_equal (response, "remove"))
    remove_now (self);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PmProfileDialog *self = PM_PROFILE_DIALOG (widget);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *name = get_text (self->name_row);
  AdwDialog *dialog;

  if (self->profile_id == NULL)
    return;

  if (!g_settings_get_boolean (settings, "confirm-destructive"))
    {
      remove_now (self);
      return;
    }

  dialog = pm_confirm_dialog_new_remove_account (name);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  adw_dialog_present (dialog, GTK_WIDGET (self));
}

/* CA file */

static void
ca_chosen_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PmProfileDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = pm_file_choice_finish (result, &error);

  if (file == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error_toast (self, error->message);
      return;
    }
  g_free (self->ca_file);
  self->ca_file = g_file_get_path (file);
  update_ca_row (self);
}

static void
choose_ca_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PmProfileDialog *self = PM_PROFILE_DIALOG (widget);
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

  gtk_file_filter_set_name (filter, _("Certificates (PEM)"));
  gtk_file_filter_add_suffix (filter, "pem");
  gtk_file_filter_add_suffix (filter, "crt");
  gtk_file_filter_add_suffix (filter, "cer");
  gtk_file_filter_add_mime_type (filter, "application/x-x509-ca-cert");
  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, _("Choose CA Certificate"));
  gtk_file_dialog_set_accept_label (dialog, _("_Choose"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_default_filter (dialog, filter);
  pm_file_choice_async (dialog, PM_FILE_CHOICE_OPEN, widget, self->cancellable,
                        ca_chosen_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  adw_dialog_close (ADW_DIALOG (widget));
}

static void
clear_ca_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PmProfileDialog *self = PM_PROFILE_DIALOG (widget);

  g_clear_pointer (&self->ca_file, g_free);
  update_ca_row (self);
}

/* Object */

static void
load_profile (PmProfileDialog *self)
{
  PmProfile *profile = pm_profile_list_lookup (self->profiles, self->profile_id);
  const char *ca;
  const char *org;

  if (profile == NULL)
    {
      g_clear_pointer (&self->profile_id, g_free);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), pm_profile_get_name (profile));
  adw_combo_row_set_selected (self->flavour_row, (guint) pm_profile_get_flavour (profile));
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), pm_profile_get_base_url (profile));
  org = pm_profile_get_organization_id (profile);
  gtk_editable_set_text (GTK_EDITABLE (self->org_row), org ? org : "");
  ca = pm_profile_get_ca_file (profile);
  self->ca_file = (ca != NULL && *ca != '\0') ? g_strdup (ca) : NULL;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_row), _("New API key (optional)"));
}

static void
pm_profile_dialog_dispose (GObject *object)
{
  PmProfileDialog *self = PM_PROFILE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_PROFILE_DIALOG);

  G_OBJECT_CLASS (pm_profile_dialog_parent_class)->dispose (object);
}

/* Work in flight holds a reference: closing stops it (a check, the key
 * being stored, a file chooser), so nothing answers a closed dialog. */
static void
pm_profile_dialog_closed (AdwDialog *dialog)
{
  PmProfileDialog *self = PM_PROFILE_DIALOG (dialog);

  g_cancellable_cancel (self->cancellable);

  if (ADW_DIALOG_CLASS (pm_profile_dialog_parent_class)->closed != NULL)
    ADW_DIALOG_CLASS (pm_profile_dialog_parent_class)->closed (dialog);
}

static void
pm_profile_dialog_finalize (GObject *object)
{
  PmProfileDialog *self = PM_PROFILE_DIALOG (object);

  g_clear_object (&self->profiles);
  g_clear_object (&self->cancellable);
  g_free (self->profile_id);
  g_free (self->new_profile_id);
  g_free (self->ca_file);
  g_free (self->check_text);

  G_OBJECT_CLASS (pm_profile_dialog_parent_class)->finalize (object);
}

static void
pm_profile_dialog_class_init (PmProfileDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwDialogClass *dialog_class = ADW_DIALOG_CLASS (klass);

  object_class->dispose = pm_profile_dialog_dispose;
  object_class->finalize = pm_profile_dialog_finalize;
  dialog_class->closed = pm_profile_dialog_closed;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[REMOVED] = g_signal_new ("removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, PM_RESOURCE_PREFIX "/pm-profile-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PmProfileDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PmProfileDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, PmProfileDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, PmProfileDialog, flavour_row);
  gtk_widget_class_bind_template_child (widget_class, PmProfileDialog, url_row);
  gtk_widget_class_bind_template_child (widget_class, PmProfileDialog, ca_row);
  gtk_widget_class_bind_template_child (widget_class, PmProfileDialog, clear_ca_button);
  gtk_widget_class_bind_template_child (widget_class, PmProfileDialog, org_row);
  gtk_widget_class_bind_template_child (widget_class, PmProfileDialog, key_row);
  gtk_widget_class_bind_template_child (widget_class, PmProfileDialog, check_spinner);
  gtk_widget_class_bind_template_child (widget_class, PmProfileDialog, check_result);
  gtk_widget_class_bind_template_child (widget_class, PmProfileDialog, remove_group);
  gtk_widget_class_bind_template_callback (widget_class, fields_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, key_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, flavour_changed_cb);

  gtk_widget_class_install_action (widget_class, "profile.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "profile.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "profile.check", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "profile.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "profile.choose-ca", NULL, choose_ca_action);
  gtk_widget_class_install_action (widget_class, "profile.clear-ca", NULL, clear_ca_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "profile.save", NULL);
}

static void
pm_profile_dialog_init (PmProfileDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

PmProfileDialog *
pm_profile_dialog_new (PmProfileList *profiles,
                       const char    *profile_id)
{
  PmProfileDialog *self;
  const char *title;

  g_return_val_if_fail (PM_IS_PROFILE_LIST (profiles), NULL);

  self = g_object_new (PM_TYPE_PROFILE_DIALOG, NULL);
  self->profiles = g_object_ref (profiles);
  self->profile_id = g_strdup (profile_id);

  if (self->profile_id != NULL)
    load_profile (self);

  if (self->profile_id != NULL)
    {
      title = _("Edit Account");
      gtk_widget_set_visible (self->remove_group, TRUE);
    }
  else
    {
      title = _("Add Account");
      gtk_editable_set_text (GTK_EDITABLE (self->url_row),
                             pm_profile_get_default_base_url (PM_FLAVOUR_HOSTED));
    }
  adw_dialog_set_title (ADW_DIALOG (self), title);
  adw_window_title_set_title (self->window_title, title);
  fields_changed_cb (self);
  update_ca_row (self);
  set_busy (self, FALSE);

  return self;
}

const char *
pm_profile_dialog_get_display_name (PmProfileDialog *self)
{
  g_return_val_if_fail (PM_IS_PROFILE_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->name_row));
}

const char *
pm_profile_dialog_get_check_result (PmProfileDialog *self)
{
  g_return_val_if_fail (PM_IS_PROFILE_DIALOG (self), NULL);

  return self->check_text;
}

gboolean
pm_profile_dialog_get_busy (PmProfileDialog *self)
{
  g_return_val_if_fail (PM_IS_PROFILE_DIALOG (self), FALSE);

  return self->busy;
}

void
pm_profile_dialog_fill (PmProfileDialog *self,
                        const char      *name,
                        PmFlavour        flavour,
                        const char      *base_url,
                        const char      *api_key)
{
  g_return_if_fail (PM_IS_PROFILE_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  adw_combo_row_set_selected (self->flavour_row, (guint) flavour);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), base_url);
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), api_key);
}
