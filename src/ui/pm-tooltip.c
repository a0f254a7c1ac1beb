/* pm-tooltip.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-tooltip.h"

void
pm_tooltip_set_quietly (GtkWidget  *widget,
                        const char *text)
{
  gboolean visible;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  /* Shown, the widget's tooltip may well be due: GTK asks. */
  if (gtk_widget_get_mapped (widget))
    {
      gtk_widget_set_tooltip_text (widget, text);
      return;
    }
  /* GTK asks the display only for a visible widget. */
  visible = gtk_widget_get_visible (widget);
  if (visible)
    gtk_widget_set_visible (widget, FALSE);
  gtk_widget_set_tooltip_text (widget, text);
  if (visible)
    gtk_widget_set_visible (widget, TRUE);
}
