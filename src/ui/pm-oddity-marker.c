/* pm-oddity-marker.c: the mark on what a server sent that Perimeter would not send itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-oddity-marker.h"
#include "pm-tooltip.h"

void
pm_oddity_marker_update (GtkWidget          *image,
                         const char * const *oddities)
{
  g_autofree char *joined = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (GTK_IS_IMAGE (image));

  if (oddities == NULL || oddities[0] == NULL)
    {
      /* The common case, at every bind: nothing to ask the display. */
      if (gtk_image_get_storage_type (GTK_IMAGE (image)) != GTK_IMAGE_EMPTY)
        {
          gtk_image_clear (GTK_IMAGE (image));
          gtk_widget_set_tooltip_text (image, NULL);
          gtk_accessible_reset_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL);
        }
      return;
    }
  joined = g_strjoinv ("\n", (char **) oddities);
  text = g_strdup_printf (_("Kept as the server sent it:\n%s"), joined);
  gtk_image_set_from_icon_name (GTK_IMAGE (image), "dialog-warning-symbolic");
  gtk_widget_add_css_class (image, "warning");
  pm_tooltip_set_quietly (image, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

GtkWidget *
pm_oddity_marker_new (const char *oddity)
{
  const char *oddities[] = { oddity, NULL };
  GtkWidget *image;

  if (oddity == NULL)
    return NULL;
  image = gtk_image_new ();
  pm_oddity_marker_update (image, oddities);
  return image;
}

void
pm_oddity_notice_show (GtkLabel   *label,
                       const char *notice)
{
  g_return_if_fail (GTK_IS_LABEL (label));

  if (g_strcmp0 (gtk_label_get_label (label), notice ? notice : "") != 0)
    gtk_label_set_label (label, notice ? notice : "");
  gtk_widget_set_visible (GTK_WIDGET (label), notice != NULL);
}
