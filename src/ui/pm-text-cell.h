/* pm-text-cell.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PM_TYPE_TEXT_CELL (pm_text_cell_get_type ())
G_DECLARE_FINAL_TYPE (PmTextCell, pm_text_cell, PM, TEXT_CELL, GtkWidget)

GtkWidget  *pm_text_cell_new        (guint       width_chars,
                                     float       xalign);
const char *pm_text_cell_get_text   (PmTextCell *self);
void        pm_text_cell_set_text   (PmTextCell *self,
                                     const char *text);

G_END_DECLS
