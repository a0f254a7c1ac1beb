/* pm-slot-model.c: a list model whose items stay put while what they show
 * changes, so that a list view keeps its rows
 *
 * A search keystroke that took the policy list from 512 to 328 policies
 * made the column view destroy the rows of the policies that went and
 * build rows for those that moved up into the ~200 it keeps: 30-50 ms of
 * widgets made and unmade (each registered on the accessibility bus),
 * then styled and measured. Setting the text of every cell of 200 rows
 * instead costs about 2 ms, and the frame after it a few more.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-slot-model.h"

/* Slots */

struct _PmSlot
{
  GObject  parent_instance;

  GObject *item;
};

G_DEFINE_FINAL_TYPE (PmSlot, pm_slot, G_TYPE_OBJECT)

enum {
  SLOT_PROP_0,
  SLOT_PROP_ITEM,
  SLOT_N_PROPS
};

static GParamSpec *slot_properties[SLOT_N_PROPS];

static void
pm_slot_dispose (GObject *object)
{
  g_clear_object (&PM_SLOT (object)->item);
  G_OBJECT_CLASS (pm_slot_parent_class)->dispose (object);
}

static void
pm_slot_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  switch (prop_id)
    {
    case SLOT_PROP_ITEM:
      g_value_set_object (value, PM_SLOT (object)->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_slot_class_init (PmSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pm_slot_dispose;
  object_class->get_property = pm_slot_get_property;

  slot_properties[SLOT_PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, SLOT_N_PROPS, slot_properties);
}

static void
pm_slot_init (PmSlot *self)
{
}

gpointer
pm_slot_get_item (PmSlot *self)
{
  g_return_val_if_fail (PM_IS_SLOT (self), NULL);

  return self->item;
}

/* Whether the slot shows another item now. */
static gboolean
slot_set_item (PmSlot  *self,
               GObject *item)
{
  if (!g_set_object (&self->item, item))
    return FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), slot_properties[SLOT_PROP_ITEM]);
  return TRUE;
}

/* The model */

/* When the list shrinks, the rows of the slots it no longer needs are
 * destroyed: ~0.3 ms each, and the frame after lays the list out again.
 * When those slots are past the screen (the visible end the view sets),
 * they are emptied instead, and kept while the list keeps changing (a
 * search being typed may grow back into them, and their rows are used
 * again), then dropped a step per frame. */
#define TRAIL_AT_ONCE   16     /* fewer spare slots than this go at once */
#define TRAIL_DELAY_MS  250    /* after the last change */
#define TRAIL_BUDGET_US 3000   /* a step */
#define TRAIL_CHUNK     8      /* slots dropped at a time within a step */
#define FRAME_MS        16

struct _PmSlotModel
{
  GObject     parent_instance;

  GListModel *model;
  GPtrArray  *slots;        /* of PmSlot, owned: the model's items, then spare ones */
  guint       n_listed;     /* slots showing an item of the model */
  guint       visible_end;  /* slots from here on are not on screen */
  gboolean    empty_hidden; /* the view is not shown when the list is empty */
  guint       trail_source;
};

static void pm_slot_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PmSlotModel, pm_slot_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, pm_slot_model_list_model_init))

enum {
  SLOTS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROP_0,
  PROP_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return PM_TYPE_SLOT;
}

static guint
get_n_items (GListModel *model)
{
  return PM_SLOT_MODEL (model)->slots->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  PmSlotModel *self = PM_SLOT_MODEL (model);

  if (position >= self->slots->len)
    return NULL;
  return g_object_ref (self->slots->pdata[position]);
}

static void
pm_slot_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static gboolean trail_cb (gpointer user_data);

static void
remove_slots (PmSlotModel *self,
              guint        position,
              guint        n)
{
  g_ptr_array_remove_range (self->slots, position, n);
  g_list_model_items_changed (G_LIST_MODEL (self), position, n, 0);
}

/* Drops the spare slots TRAIL_DELAY_MS after the last change, or from the
 * next frame on when the view is hidden (an empty list: no search grows
 * back into it soon, the list comes back with another load); or stops. */
static void
set_trail (PmSlotModel *self,
           gboolean     trail)
{
  gboolean was_pending = self->trail_source != 0;

  g_clear_handle_id (&self->trail_source, g_source_remove);
  if (trail)
    {
      guint delay = self->n_listed == 0 && self->empty_hidden ? FRAME_MS : TRAIL_DELAY_MS;

      self->trail_source = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, delay, trail_cb, self, NULL);
    }
  if (trail != was_pending)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

/* Drops spare slots from the end, a few at a time, until the step's
 * budget is spent, then goes on a frame later: slots past the rows a view
 * keeps cost next to nothing, the others a row each, and a step sized from
 * cheap ones would stall on dear ones. */
static gboolean
trail_cb (gpointer user_data)
{
  PmSlotModel *self = user_data;
  gint64 start = g_get_monotonic_time ();

  self->trail_source = 0;
  do
    {
      guint n = MIN (TRAIL_CHUNK, self->slots->len - self->n_listed);

      remove_slots (self, self->slots->len - n, n);
    }
  while (self->slots->len > self->n_listed && g_get_monotonic_time () - start < TRAIL_BUDGET_US);

  if (self->slots->len == self->n_listed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
  else
    self->trail_source = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, FRAME_MS, trail_cb, self, NULL);
  return G_SOURCE_REMOVE;
}

/* Gives the slots from position to end (exclusive) the model's items
 * there (the spare slots a longer list grows into among them), then adds
 * slots at the end, or drops or empties those no longer needed: see
 * TRAIL_AT_ONCE. */
static void
update (PmSlotModel *self,
        guint        position,
        guint        end)
{
  guint n = self->model != NULL ? g_list_model_get_n_items (self->model) : 0;
  guint old_n = self->slots->len;
  guint first = G_MAXUINT, last = 0;

  end = MIN (end, MIN (n, old_n));
  for (guint i = position; i < end; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (self->model, i);

      if (slot_set_item (self->slots->pdata[i], item))
        {
          first = MIN (first, i);
          last = i;
        }
    }

  if (n > old_n)
    {
      for (guint i = old_n; i < n; i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (self->model, i);
          PmSlot *slot = g_object_new (PM_TYPE_SLOT, NULL);

          slot->item = g_steal_pointer (&item);
          g_ptr_array_add (self->slots, slot);
        }
      g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, n - old_n);
      first = MIN (first, old_n);
      last = n - 1;
    }
  else if (n < old_n)
    {
      /* The slots from n on are not needed. Past the screen (the list's
       * items fill it, or an empty list is not shown), they are emptied
       * and go later; otherwise they would be on screen, empty, and go
       * now. */
      gboolean off_screen = n >= self->visible_end || (n == 0 && self->empty_hidden);
      guint emptied = 0;

      if (off_screen && old_n - n >= TRAIL_AT_ONCE && self->model != NULL)
        {
          for (guint i = n; i < self->n_listed; i++)
            if (slot_set_item (self->slots->pdata[i], NULL))
              emptied++;
          if (emptied > 0)
            {
              first = MIN (first, n);
              last = n + emptied - 1;
            }
        }
      else
        remove_slots (self, n, old_n - n);
    }
  self->n_listed = n;
  set_trail (self, self->slots->len > n);

  if (first <= last)
    g_signal_emit (self, signals[SLOTS_CHANGED], 0, first, last - first + 1);
}

static void
on_items_changed (GListModel  *model,
                  guint        position,
                  guint        removed,
                  guint        added,
                  PmSlotModel *self)
{
  /* Items replaced in place change only their slots; anything else moves
   * every item after them. */
  update (self, position, removed == added ? position + added : G_MAXUINT);
}

static void
pm_slot_model_dispose (GObject *object)
{
  PmSlotModel *self = PM_SLOT_MODEL (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_clear_object (&self->model);
  g_clear_handle_id (&self->trail_source, g_source_remove);

  G_OBJECT_CLASS (pm_slot_model_parent_class)->dispose (object);
}

static void
pm_slot_model_finalize (GObject *object)
{
  g_ptr_array_unref (PM_SLOT_MODEL (object)->slots);

  G_OBJECT_CLASS (pm_slot_model_parent_class)->finalize (object);
}

static void
pm_slot_model_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PENDING:
      g_value_set_boolean (value, pm_slot_model_get_pending (PM_SLOT_MODEL (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_slot_model_class_init (PmSlotModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pm_slot_model_dispose;
  object_class->finalize = pm_slot_model_finalize;
  object_class->get_property = pm_slot_model_get_property;

  properties[PROP_PENDING] =
    g_param_spec_boolean ("pending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SLOTS_CHANGED] =
    g_signal_new ("slots-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
pm_slot_model_init (PmSlotModel *self)
{
  self->slots = g_ptr_array_new_with_free_func (g_object_unref);
  self->visible_end = G_MAXUINT;
}

PmSlotModel *
pm_slot_model_new (GListModel *model)
{
  PmSlotModel *self;

  g_return_val_if_fail (model == NULL || G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (PM_TYPE_SLOT_MODEL, NULL);
  pm_slot_model_set_model (self, model);
  return self;
}

GListModel *
pm_slot_model_get_model (PmSlotModel *self)
{
  g_return_val_if_fail (PM_IS_SLOT_MODEL (self), NULL);

  return self->model;
}

void
pm_slot_model_set_model (PmSlotModel *self,
                         GListModel  *model)
{
  g_return_if_fail (PM_IS_SLOT_MODEL (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
  update (self, 0, G_MAXUINT);
}

/* Slots from @end on are not on screen (G_MAXUINT, the default: any may
 * be): when the list shrinks to at least that many items, the slots it no
 * longer needs are emptied and dropped over the next frames rather than
 * at once. */
void
pm_slot_model_set_visible_end (PmSlotModel *self,
                               guint        end)
{
  g_return_if_fail (PM_IS_SLOT_MODEL (self));

  self->visible_end = end;
}

/* Spare slots are still to be dropped (property "pending"). */
gboolean
pm_slot_model_get_pending (PmSlotModel *self)
{
  g_return_val_if_fail (PM_IS_SLOT_MODEL (self), FALSE);

  return self->trail_source != 0;
}

/* The slots showing an item of the model: the first ones (the others are
 * empty, about to go). */
guint
pm_slot_model_get_n_listed (PmSlotModel *self)
{
  g_return_val_if_fail (PM_IS_SLOT_MODEL (self), 0);

  return self->n_listed;
}

/* The view is not shown when the list is empty (its page shows a status
 * instead): then all its slots can go over the next frames. */
void
pm_slot_model_set_empty_hidden (PmSlotModel *self,
                                gboolean     hidden)
{
  g_return_if_fail (PM_IS_SLOT_MODEL (self));

  self->empty_hidden = hidden;
}
