/* pm-text-cell.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PM_TYPE_TEXT_CELL (pm_text_cell_get_type ())
G_DECLARE_FINAL_TYPE (PmTextCell, pm_text_cell, PM, TEXT_CELL, GtkWidget)

/* The texts a column's cells must fit, shared by its cells: each asks
 * for the width of the widest of them in its font (laid out once per font
 * and per change), when that is more than its characters' width. The
 * column of policy types fits the longest type, whose width in
 * characters, by a font's average character, fell short. Changing the
 * texts has the cells measured again. */
#define PM_TYPE_TEXT_CELL_FIT (pm_text_cell_fit_get_type ())
G_DECLARE_FINAL_TYPE (PmTextCellFit, pm_text_cell_fit, PM, TEXT_CELL_FIT, GObject)

PmTextCellFit *pm_text_cell_fit_new       (void);
void           pm_text_cell_fit_set_texts (PmTextCellFit      *self,
                                           const char * const *texts);

GtkWidget  *pm_text_cell_new        (guint          width_chars,
                                     float          xalign);
void        pm_text_cell_set_fit    (PmTextCell    *self,
                                     PmTextCellFit *fit);
const char *pm_text_cell_get_text   (PmTextCell    *self);
void        pm_text_cell_set_text   (PmTextCell    *self,
                                     const char    *text);

G_END_DECLS
