/* pm-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-preferences-window.h"
#include "pm-profile.h"
#include "pm-profile-dialog.h"

struct _PmPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkListBox           *accounts_list;
  GtkSpinButton        *interval_spin;
  GtkSwitch            *confirm_switch;

  GSettings            *settings;
  PmProfileList        *profiles;
};

G_DEFINE_FINAL_TYPE (PmPreferencesWindow, pm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static GtkWidget *
create_account_row (gpointer item,
                    gpointer user_data)
{
  PmProfile *profile = PM_PROFILE (item);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
  GtkWidget *remove;
  g_autofree char *tooltip = NULL;

  g_object_bind_property (profile, "name", row, "title", G_BINDING_SYNC_CREATE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               pm_flavour_get_label (pm_profile_get_flavour (profile)));

  tooltip = g_strdup_printf (_("Edit “%s”"), pm_profile_get_name (profile));
  gtk_widget_set_tooltip_text (edit, tooltip);
  gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (edit, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "prefs.edit-account");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (edit), "s", pm_profile_get_id (profile));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), edit);

  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_clear_pointer (&tooltip, g_free);
  tooltip = g_strdup_printf (_("Remove “%s”"), pm_profile_get_name (profile));
  gtk_widget_set_tooltip_text (remove, tooltip);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "prefs.remove-account");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", pm_profile_get_id (profile));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  return row;
}

/* The key is an unsigned count of seconds; the adjustment speaks double. */
static gboolean
interval_get_mapping (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant));
  return TRUE;
}

static GVariant *
interval_set_mapping (const GValue       *value,
                      const GVariantType *expected_type,
                      gpointer            user_data)
{
  return g_variant_new_uint32 ((guint32) CLAMP (g_value_get_double (value), 0, G_MAXUINT32));
}

static void
add_account_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PmPreferencesWindow *self = PM_PREFERENCES_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (pm_profile_dialog_new (GTK_WINDOW (self), self->profiles, NULL)));
}

static void
edit_account_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PmPreferencesWindow *self = PM_PREFERENCES_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  gtk_window_present (GTK_WINDOW (pm_profile_dialog_new (GTK_WINDOW (self), self->profiles, id)));
}

static void
remove_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PmPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pm_profile_list_remove_finish (PM_PROFILE_LIST (source), result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The API key could not be deleted from the keyring, so the account was kept. %s"),
                                               error->message);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
    }
}

static void
remove_now (PmPreferencesWindow *self,
            const char          *id)
{
  pm_profile_list_remove_async (self->profiles, id, NULL, remove_done_cb, g_object_ref (self));
}

static void
confirm_response_cb (AdwMessageDialog    *dialog,
                     const char          *response,
                     PmPreferencesWindow *self)
{
  if (g_str_equal (response, "remove"))
    remove_now (self, g_object_get_data (G_OBJECT (dialog), "profile-id"));
}

static void
remove_account_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  PmPreferencesWindow *self = PM_PREFERENCES_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  PmProfile *profile = pm_profile_list_lookup (self->profiles, id);
  GtkWidget *dialog;

  if (profile == NULL)
    return;
  if (!g_settings_get_boolean (self->settings, "confirm-destructive"))
    {
      remove_now (self, id);
      return;
    }

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Remove Account?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” and its API key will be removed from this computer. Nothing changes in Elastic Cloud; the key itself stays valid until you revoke it in the console."),
                                  pm_profile_get_name (profile));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "profile-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
pm_preferences_window_dispose (GObject *object)
{
  PmPreferencesWindow *self = PM_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->profiles);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pm_preferences_window_parent_class)->dispose (object);
}

static void
pm_preferences_window_class_init (PmPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, PM_RESOURCE_PREFIX "/pm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PmPreferencesWindow, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, PmPreferencesWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, PmPreferencesWindow, confirm_switch);

  gtk_widget_class_install_action (widget_class, "prefs.add-account", NULL, add_account_action);
  gtk_widget_class_install_action (widget_class, "prefs.edit-account", "s", edit_account_action);
  gtk_widget_class_install_action (widget_class, "prefs.remove-account", "s", remove_account_action);
}

static void
pm_preferences_window_init (PmPreferencesWindow *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->profiles = pm_profile_list_new (self->settings);

  placeholder = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (placeholder), _("No accounts yet"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (placeholder), _("Add one with the + button, or keep using the sandbox"));
  gtk_list_box_set_placeholder (self->accounts_list, placeholder);
  gtk_list_box_bind_model (self->accounts_list, G_LIST_MODEL (self->profiles),
                           create_account_row, NULL, NULL);

  g_settings_bind_with_mapping (self->settings, "refresh-interval",
                                gtk_spin_button_get_adjustment (self->interval_spin), "value",
                                G_SETTINGS_BIND_DEFAULT,
                                interval_get_mapping, interval_set_mapping, NULL, NULL);
  g_settings_bind (self->settings, "confirm-destructive",
                   self->confirm_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

PmPreferencesWindow *
pm_preferences_window_new (GtkWindow *parent)
{
  return g_object_new (PM_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
}
