/* pm-test-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "pm-test-dialog.h"

/* The response buttons: everything but the extra child, which may hold
 * buttons of its own (a bulk change's Cancel). */
static GtkWidget *
find_response_button (GtkWidget  *root,
                      GtkWidget  *extra,
                      const char *label)
{
  if (root == extra)
    return NULL;
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_response_button (child, extra, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

void
pm_test_dialog_respond (gpointer    dialog,
                        const char *response)
{
  AdwAlertDialog *alert;
  GtkWidget *button;

  g_assert_true (ADW_IS_ALERT_DIALOG (dialog));
  alert = ADW_ALERT_DIALOG (dialog);
  g_assert_true (adw_alert_dialog_has_response (alert, response));
  g_assert_true (adw_alert_dialog_get_response_enabled (alert, response));
  button = find_response_button (GTK_WIDGET (alert), adw_alert_dialog_get_extra_child (alert),
                                 adw_alert_dialog_get_response_label (alert, response));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
contains_widget (GtkWidget *root,
                 gpointer   widget)
{
  if ((gpointer) root == widget)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    if (contains_widget (child, widget))
      return TRUE;
  return FALSE;
}

static GtkWidget *
find_alert (GtkWidget *root)
{
  if (ADW_IS_ALERT_DIALOG (root))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_alert (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

AdwAlertDialog *
pm_test_dialog_find (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
  GtkWidget *found = NULL;

  for (GList *l = toplevels; l != NULL && found == NULL; l = l->next)
    found = find_alert (l->data);
  return found != NULL ? ADW_ALERT_DIALOG (found) : NULL;
}

/* Whether message is GTK's measuring warning about the large heading of an
 * alert dialog that is shown: the address in it is looked for among the
 * widgets before it is used. */
static gboolean
is_heading_warning (const char *message)
{
  g_autoptr(GList) toplevels = NULL;
  gpointer label = NULL;

  if (message == NULL || sscanf (message, "Trying to measure GtkLabel %p for width of", &label) != 1)
    return FALSE;
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (contains_widget (l->data, label))
      return gtk_widget_get_ancestor (label, ADW_TYPE_ALERT_DIALOG) != NULL
             && gtk_widget_has_css_class (label, "title-2");
  return FALSE;
}

static GLogWriterOutput
heading_warning_writer (GLogLevelFlags   level,
                        const GLogField *fields,
                        gsize            n_fields,
                        gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      domain = fields[i].value;
    else if (g_str_equal (fields[i].key, "MESSAGE"))
      message = fields[i].value;

  if ((level & G_LOG_LEVEL_WARNING) && g_strcmp0 (domain, "Gtk") == 0 && is_heading_warning (message))
    {
      g_test_message ("libadwaita 1.7 heading measure (GNOME/libadwaita#1025): %s", message);
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

void
pm_test_dialog_tolerate_heading_warning (void)
{
  if (adw_get_major_version () == 1 && adw_get_minor_version () < 8)
    g_log_set_writer_func (heading_warning_writer, NULL, NULL);
}
