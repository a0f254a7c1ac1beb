/* pm-oddity-marker.h: the mark on what a server sent that Perimeter would not send itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Lenient in: a policy, deployment, project or claim read with values
 * Perimeter would not send (see pm_policy_get_oddities()) is listed with a
 * warning icon that says, in its tooltip and to a screen reader, what is
 * odd and that it is kept as it came. */

/* A GtkImage showing the mark for oddities (NULL-terminated), or nothing
 * (and naming nothing) when there are none. */
void        pm_oddity_marker_update (GtkWidget          *image,
                                     const char * const *oddities);
/* What the mark says (its tooltip), or NULL. */
const char *pm_oddity_marker_get_text (GtkWidget          *image);
/* The same as a new image, for a row's prefix: NULL for no oddity. */
GtkWidget  *pm_oddity_marker_new    (const char         *oddity);
/* A page's line for what a listing had to say beside its items
 * (pm_api_get_notice()): shown with notice, hidden without. */
void        pm_oddity_notice_show   (GtkLabel           *label,
                                     const char         *notice);

G_END_DECLS
