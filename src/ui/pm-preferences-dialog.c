/* pm-preferences-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-confirm-dialog.h"
#include "pm-my-networks.h"
#include "pm-preferences-dialog.h"
#include "pm-profile.h"
#include "pm-profile-dialog.h"

struct _PmPreferencesDialog
{
  AdwPreferencesDialog  parent_instance;

  GtkListBox           *accounts_list;
  GtkSpinButton        *interval_spin;
  GtkSwitch            *confirm_switch;
  GtkListBox           *networks_list;
  AdwEntryRow          *network_entry;
  GtkLabel             *network_message;

  GSettings            *settings;
  PmProfileList        *profiles;
  GtkStringList        *networks;
};

G_DEFINE_FINAL_TYPE (PmPreferencesDialog, pm_preferences_dialog, ADW_TYPE_PREFERENCES_DIALOG)

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
  PmPreferencesDialog *self = PM_PREFERENCES_DIALOG (widget);

  adw_dialog_present (ADW_DIALOG (pm_profile_dialog_new (self->profiles, NULL)), widget);
}

static void
edit_account_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PmPreferencesDialog *self = PM_PREFERENCES_DIALOG (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  adw_dialog_present (ADW_DIALOG (pm_profile_dialog_new (self->profiles, id)), widget);
}

static void
remove_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PmPreferencesDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pm_profile_list_remove_finish (PM_PROFILE_LIST (source), result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The API key could not be deleted from the keyring, so the account was kept. %s"),
                                               error->message);

      adw_preferences_dialog_add_toast (ADW_PREFERENCES_DIALOG (self), adw_toast_new (text));
    }
}

static void
remove_now (PmPreferencesDialog *self,
            const char          *id)
{
  pm_profile_list_remove_async (self->profiles, id, NULL, remove_done_cb, g_object_ref (self));
}

static void
confirm_response_cb (AdwAlertDialog      *dialog,
                     const char          *response,
                     PmPreferencesDialog *self)
{
  if (g_str_equal (response, "remove"))
    remove_now (self, g_object_get_data (G_OBJECT (dialog), "profile-id"));
}

static void
remove_account_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  PmPreferencesDialog *self = PM_PREFERENCES_DIALOG (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  PmProfile *profile = pm_profile_list_lookup (self->profiles, id);
  AdwDialog *dialog;

  if (profile == NULL)
    return;
  if (!g_settings_get_boolean (self->settings, "confirm-destructive"))
    {
      remove_now (self, id);
      return;
    }

  dialog = pm_confirm_dialog_new_remove_account (pm_profile_get_name (profile));
  g_object_set_data_full (G_OBJECT (dialog), "profile-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  adw_dialog_present (dialog, widget);
}

/* My networks */

static GtkWidget *
create_network_row (gpointer item,
                    gpointer user_data)
{
  const char *network = gtk_string_object_get_string (item);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *label = g_strdup_printf (_("Remove %s"), network);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), network);
  gtk_widget_set_tooltip_text (remove, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "prefs.remove-network");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", network);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  return row;
}

static void
sync_networks (PmPreferencesDialog *self)
{
  g_auto(GStrv) networks = g_settings_get_strv (self->settings, PM_MY_NETWORKS_KEY);

  gtk_string_list_splice (self->networks, 0, g_list_model_get_n_items (G_LIST_MODEL (self->networks)),
                          (const char * const *) networks);
}

static void
show_network_message (PmPreferencesDialog *self,
                      const char          *text,
                      gboolean             error)
{
  gtk_label_set_text (self->network_message, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->network_message), text != NULL);
  /* A refusal in red, beside the row in red; a note otherwise. */
  if (error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->network_entry), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->network_message), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->network_message), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->network_entry), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->network_message), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->network_message), "dim-label");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->network_entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text != NULL ? text : "", -1);
}

static void
on_network_changed (PmPreferencesDialog *self)
{
  if (gtk_widget_has_css_class (GTK_WIDGET (self->network_entry), "error"))
    show_network_message (self, NULL, FALSE);
}

static void
on_network_apply (PmPreferencesDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->network_entry));
  g_autoptr(GError) error = NULL;
  g_autofree char *network = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) networks = NULL;
  g_auto(GStrv) updated = NULL;
  g_autofree char *typed = g_strstrip (g_strdup (text != NULL ? text : ""));
  gboolean adjusted;

  /* Enter in the empty row adds nothing and says nothing. */
  if (*typed == '\0')
    return;
  network = pm_my_networks_parse (text, &adjusted, &error);
  if (network == NULL)
    {
      show_network_message (self, error->message, TRUE);
      return;
    }

  networks = g_settings_get_strv (self->settings, PM_MY_NETWORKS_KEY);
  if (g_strv_contains ((const char * const *) networks, network))
    {
      message = g_strdup_printf (_("%s is already in the list."), network);
      show_network_message (self, message, TRUE);
      return;
    }
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) networks);
  g_strv_builder_add (builder, network);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, PM_MY_NETWORKS_KEY, (const char * const *) updated);

  if (adjusted)
    message = g_strdup_printf (_("Added %s, the network that %s belongs to."), network, typed);
  gtk_editable_set_text (GTK_EDITABLE (self->network_entry), "");
  show_network_message (self, message, FALSE);
}

static void
remove_network_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  PmPreferencesDialog *self = PM_PREFERENCES_DIALOG (widget);
  const char *network = g_variant_get_string (parameter, NULL);
  g_auto(GStrv) networks = g_settings_get_strv (self->settings, PM_MY_NETWORKS_KEY);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) updated = NULL;

  for (guint i = 0; networks[i] != NULL; i++)
    if (g_strcmp0 (networks[i], network) != 0)
      g_strv_builder_add (builder, networks[i]);
  updated = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, PM_MY_NETWORKS_KEY, (const char * const *) updated);
  show_network_message (self, NULL, FALSE);
}

static void
pm_preferences_dialog_dispose (GObject *object)
{
  PmPreferencesDialog *self = PM_PREFERENCES_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_PREFERENCES_DIALOG);
  g_clear_object (&self->profiles);
  g_clear_object (&self->networks);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pm_preferences_dialog_parent_class)->dispose (object);
}

static void
pm_preferences_dialog_class_init (PmPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_preferences_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, PM_RESOURCE_PREFIX "/pm-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PmPreferencesDialog, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, PmPreferencesDialog, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, PmPreferencesDialog, confirm_switch);
  gtk_widget_class_bind_template_child (widget_class, PmPreferencesDialog, networks_list);
  gtk_widget_class_bind_template_child (widget_class, PmPreferencesDialog, network_entry);
  gtk_widget_class_bind_template_child (widget_class, PmPreferencesDialog, network_message);
  gtk_widget_class_bind_template_callback (widget_class, on_network_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_network_changed);

  gtk_widget_class_install_action (widget_class, "prefs.add-account", NULL, add_account_action);
  gtk_widget_class_install_action (widget_class, "prefs.edit-account", "s", edit_account_action);
  gtk_widget_class_install_action (widget_class, "prefs.remove-account", "s", remove_account_action);
  gtk_widget_class_install_action (widget_class, "prefs.remove-network", "s", remove_network_action);
}

static void
pm_preferences_dialog_init (PmPreferencesDialog *self)
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

  self->networks = gtk_string_list_new (NULL);
  placeholder = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (placeholder), _("No networks yet"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (placeholder),
                               _("Add the ones you use to be warned before a change locks you out"));
  gtk_list_box_set_placeholder (self->networks_list, placeholder);
  gtk_list_box_bind_model (self->networks_list, G_LIST_MODEL (self->networks), create_network_row, NULL, NULL);
  g_signal_connect_object (self->settings, "changed::" PM_MY_NETWORKS_KEY, G_CALLBACK (sync_networks),
                           self, G_CONNECT_SWAPPED);
  sync_networks (self);
}

const char *
pm_preferences_dialog_get_network_message (PmPreferencesDialog *self)
{
  g_return_val_if_fail (PM_IS_PREFERENCES_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->network_message)))
    return NULL;
  return gtk_label_get_text (self->network_message);
}

PmPreferencesDialog *
pm_preferences_dialog_new (void)
{
  return g_object_new (PM_TYPE_PREFERENCES_DIALOG, NULL);
}
