/* pm-paced-model.h: a list model that tells its views of large changes a
 * step at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PM_TYPE_PACED_MODEL (pm_paced_model_get_type ())
G_DECLARE_FINAL_TYPE (PmPacedModel, pm_paced_model, PM, PACED_MODEL, GObject)

/* Mirrors a GListModel (a store) for the list views above it. A small change
 * is passed on at once; a large one (a first load of hundreds of items) in
 * steps, in idles below the redraw priority, each sized to take about 2.5 ms
 * of its views' work, so that a list view builds its rows over several
 * frames instead of stalling one. The store itself holds the whole list at
 * once; only what the views see lags, by a few frames.
 *
 * Property "pending": changes are still to be passed on. */

PmPacedModel *pm_paced_model_new         (GType         item_type,
                                          GListModel   *model);    /* nullable */
GListModel   *pm_paced_model_get_model   (PmPacedModel *self);
void          pm_paced_model_set_model   (PmPacedModel *self,
                                          GListModel   *model);    /* nullable */
gboolean      pm_paced_model_get_pending (PmPacedModel *self);

G_END_DECLS
