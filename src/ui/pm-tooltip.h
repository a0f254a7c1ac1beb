/* pm-tooltip.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Gives @widget, not shown yet, the tooltip @text without asking the
 * display where the pointer is. GTK asks whenever a visible widget is
 * given a tooltip (in case the pointer is over it): under X11, two round
 * trips to the server, a wait while a window is built. The window's and
 * the policies page's tooltips are set with this once their templates are
 * built: set in the templates, their eleven tooltips were 22 of the 25
 * round trips of a start. A widget already shown is given its tooltip as
 * GTK does. */
void pm_tooltip_set_quietly (GtkWidget  *widget,
                             const char *text);

G_END_DECLS
