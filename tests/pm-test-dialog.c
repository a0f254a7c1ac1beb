/* pm-test-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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
