/* pm-font-warmup.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void          pm_font_warmup_start      (void);
/* Whether the running GTK chooses fonts as the warm-up does (before 4.16) */
gboolean      pm_font_warmup_applies    (void);
PangoContext *pm_font_warmup_new_context (GdkDisplay   *display);
void          pm_font_warmup_run        (PangoContext *context);

G_END_DECLS
