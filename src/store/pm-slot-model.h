/* pm-slot-model.h: a list model whose items stay put while what they show
 * changes, so that a list view keeps its rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A place in a list: it shows the item at its position of the list it
 * belongs to (property "item", notified when it changes). */
#define PM_TYPE_SLOT (pm_slot_get_type ())
G_DECLARE_FINAL_TYPE (PmSlot, pm_slot, PM, SLOT, GObject)

gpointer     pm_slot_get_item           (PmSlot      *self);   /* transfer none, nullable */

/* Mirrors a GListModel with one PmSlot per item. When items of the model
 * change, move or go (a search, a new sort order), the slots at those
 * positions are given their new items: the model itself only ever grows or
 * shrinks at its end. A list view above it keeps the rows it has, and each
 * row updates its cells from its slot's "item", instead of destroying the
 * rows of the items that went and building new ones for the items that
 * came (GTK 4.8 rebuilds a row whenever its item changes, and keeps about
 * two hundred).
 *
 * When the list shrinks by many items and its items still fill the
 * screen, the slots it no longer needs are emptied (their "item" is NULL)
 * and dropped over the next frames (property "pending"), unless the list
 * grows back into them first: see pm_slot_model_set_visible_end ().
 *
 * Signal "slots-changed" (position, n): the slots from position on, n of
 * them, show other items than before, or are new (emitted after their
 * "item" notifications and the model's own "items-changed", for a
 * selection to follow). */
#define PM_TYPE_SLOT_MODEL (pm_slot_model_get_type ())
G_DECLARE_FINAL_TYPE (PmSlotModel, pm_slot_model, PM, SLOT_MODEL, GObject)

PmSlotModel *pm_slot_model_new             (GListModel  *model);  /* nullable */
GListModel  *pm_slot_model_get_model       (PmSlotModel *self);
void         pm_slot_model_set_model       (PmSlotModel *self,
                                            GListModel  *model);  /* nullable */
guint        pm_slot_model_get_n_listed    (PmSlotModel *self);
void         pm_slot_model_set_visible_end (PmSlotModel *self,
                                            guint        end);
void         pm_slot_model_set_empty_hidden (PmSlotModel *self,
                                             gboolean     hidden);
gboolean     pm_slot_model_get_pending     (PmSlotModel *self);

G_END_DECLS
