/* pm-shortcuts-dialog.c: the keyboard shortcuts
 *
 * GTK's shortcuts window and an application window's help overlay are
 * deprecated since GTK 4.18, and what replaces them, AdwShortcutsDialog,
 * comes with libadwaita 1.8: this small dialog stands in for it until
 * libadwaita 1.8 is the minimum, when AdwShortcutsDialog replaces it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-shortcuts-dialog.h"

struct _PmShortcutsDialog
{
  AdwDialog             parent_instance;

  AdwPreferencesGroup  *general_group;
  AdwPreferencesGroup  *account_group;
};

G_DEFINE_FINAL_TYPE (PmShortcutsDialog, pm_shortcuts_dialog, ADW_TYPE_DIALOG)

typedef enum {
  GROUP_GENERAL,
  GROUP_ACCOUNT,
} Group;

/* An action's shortcuts are the application's accelerators for it
 * (pm-application.c); the others are the pages' own key bindings. */
static const struct {
  Group       group;
  const char *title;
  const char *action;
  const char *accelerator;
} shortcuts[] = {
  { GROUP_GENERAL, NC_("shortcuts", "Show shortcuts"), "win.show-help-overlay", NULL },
  { GROUP_GENERAL, NC_("shortcuts", "Preferences"), "app.preferences", NULL },
  { GROUP_GENERAL, NC_("shortcuts", "New window"), "app.new-window", NULL },
  { GROUP_GENERAL, NC_("shortcuts", "Close window"), "window.close", NULL },
  { GROUP_GENERAL, NC_("shortcuts", "Quit"), "app.quit", NULL },
  { GROUP_ACCOUNT, NC_("shortcuts", "Refresh"), "win.refresh", NULL },
  { GROUP_ACCOUNT, NC_("shortcuts", "Search"), "win.search", NULL },
  { GROUP_ACCOUNT, NC_("shortcuts", "New policy"), "win.new-policy", NULL },
  { GROUP_ACCOUNT, NC_("shortcuts", "Select all in the list (Ctrl-click or Shift-click for several)"), NULL, "<Primary>a" },
  { GROUP_ACCOUNT, NC_("shortcuts", "Apply the selected"), NULL, "<Primary><Shift>a" },
  { GROUP_ACCOUNT, NC_("shortcuts", "Detach the selected"), NULL, "<Primary><Shift>d" },
  { GROUP_ACCOUNT, NC_("shortcuts", "Back to sections"), "win.show-sidebar", NULL },
};

/* GtkShortcutLabel shows accelerators separated by spaces as alternatives. */
static char *
dup_accelerator (GtkApplication *application,
                 guint           i)
{
  g_auto(GStrv) accels = NULL;

  if (shortcuts[i].accelerator != NULL)
    return g_strdup (shortcuts[i].accelerator);
  if (application == NULL)
    return NULL;
  accels = gtk_application_get_accels_for_action (application, shortcuts[i].action);
  if (accels == NULL || accels[0] == NULL)
    return NULL;
  return g_strjoinv (" ", accels);
}

static GtkWidget *
create_row (const char *title,
            const char *accelerator)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_shortcut_label_new (accelerator);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static void
add_rows (PmShortcutsDialog *self,
          GtkApplication    *application)
{
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    {
      g_autofree char *accelerator = dup_accelerator (application, i);
      AdwPreferencesGroup *group = shortcuts[i].group == GROUP_GENERAL ? self->general_group : self->account_group;

      /* An action nothing is bound to has no shortcut to show. */
      if (accelerator == NULL)
        continue;
      adw_preferences_group_add (group, create_row (g_dpgettext2 (GETTEXT_PACKAGE, "shortcuts", shortcuts[i].title),
                                                    accelerator));
    }
}

static void
pm_shortcuts_dialog_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), PM_TYPE_SHORTCUTS_DIALOG);
  G_OBJECT_CLASS (pm_shortcuts_dialog_parent_class)->dispose (object);
}

static void
pm_shortcuts_dialog_class_init (PmShortcutsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_shortcuts_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, PM_RESOURCE_PREFIX "/pm-shortcuts-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PmShortcutsDialog, general_group);
  gtk_widget_class_bind_template_child (widget_class, PmShortcutsDialog, account_group);
}

static void
pm_shortcuts_dialog_init (PmShortcutsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PmShortcutsDialog *
pm_shortcuts_dialog_new (GtkApplication *application)
{
  PmShortcutsDialog *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  self = g_object_new (PM_TYPE_SHORTCUTS_DIALOG, NULL);
  add_rows (self, application);
  return self;
}
