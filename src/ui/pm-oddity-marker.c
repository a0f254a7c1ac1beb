/* pm-oddity-marker.c: the mark on what a server sent that Perimeter would not send itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-oddity-marker.h"

#define TEXT_KEY "pm-oddity-text"

/* The tooltip is given when GTK asks for it, not set: on X11, GTK 4.18
 * asks the X server where the pointer is each time a shown widget's
 * tooltip text is set (67–99 µs a marker bound while a list scrolls,
 * under Xvfb; asking costs nothing: docs/performance.md). */
static gboolean
on_query_tooltip (GtkWidget  *image,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  const char *text = pm_oddity_marker_get_text (image);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
pm_oddity_marker_update (GtkWidget          *image,
                         const char * const *oddities)
{
  g_autofree char *joined = NULL;
  char *text;

  g_return_if_fail (GTK_IS_IMAGE (image));

  if (oddities == NULL || oddities[0] == NULL)
    {
      /* The common case, at every bind. */
      if (gtk_image_get_storage_type (GTK_IMAGE (image)) != GTK_IMAGE_EMPTY)
        {
          gtk_image_clear (GTK_IMAGE (image));
          g_object_set_data (G_OBJECT (image), TEXT_KEY, NULL);
          gtk_accessible_reset_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL);
        }
      return;
    }
  joined = g_strjoinv ("\n", (char **) oddities);
  text = g_strdup_printf (_("Kept as the server sent it:\n%s"), joined);
  gtk_image_set_from_icon_name (GTK_IMAGE (image), "dialog-warning-symbolic");
  gtk_widget_add_css_class (image, "warning");
  if (!gtk_widget_get_has_tooltip (image))
    {
      g_signal_connect (image, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
      gtk_widget_set_has_tooltip (image, TRUE);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  g_object_set_data_full (G_OBJECT (image), TEXT_KEY, text, g_free);
}

const char *
pm_oddity_marker_get_text (GtkWidget *image)
{
  g_return_val_if_fail (GTK_IS_WIDGET (image), NULL);

  return g_object_get_data (G_OBJECT (image), TEXT_KEY);
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
