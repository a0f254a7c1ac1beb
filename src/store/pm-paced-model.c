/* pm-paced-model.c: a list model that tells its views of large changes a
 * step at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-paced-model.h"

/* A large change applied at once made the list views build hundreds of
 * rows in one main-loop iteration. It is passed on in steps, each sized
 * from the one before to take about STEP_BUDGET_US: a list view builds its
 * first couple of hundred rows when their items arrive (about half a
 * millisecond each), and measures and lays them out in the next frame,
 * which costs several times that; after those rows, items cost next to
 * nothing. The first step is small, so that what comes first shows at
 * once. A change of a few items (an edit, a short list) is passed on at
 * once, unless another was within the frame: a burst of changes is paced
 * like one large change. */
#define STEP_BUDGET_US 2500
#define FIRST_STEP     4
#define SMALL_CHANGE   16
#define MAX_STEP       4096
#define FRAME_US       17000
#define ROW_US         50     /* an item costing this much made a row */

/* One change of the model, as it was made: at position, n_removed items
 * went and added came. */
typedef struct
{
  guint      position;
  guint      n_removed;
  GPtrArray *added;      /* of item, owned */
} Change;

struct _PmPacedModel
{
  GObject     parent_instance;

  GType       item_type;
  GListModel *model;
  GPtrArray  *shown;     /* of item, owned: what the views were told of */
  GQueue      changes;   /* of Change: the model's, not told yet, in order */
  guint       offset;    /* how many of the first change's added items were */
  guint       step;      /* added items the next step may tell */
  guint       pause_ms;  /* before the next step */
  guint       source;
  gint64      told_us;   /* when the views were last told of a change */
};

static void pm_paced_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PmPacedModel, pm_paced_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, pm_paced_model_list_model_init))

enum {
  PROP_0,
  PROP_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
change_free (gpointer data)
{
  Change *change = data;

  g_ptr_array_unref (change->added);
  g_free (change);
}

static GType
get_item_type (GListModel *model)
{
  return PM_PACED_MODEL (model)->item_type;
}

static guint
get_n_items (GListModel *model)
{
  return PM_PACED_MODEL (model)->shown->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  PmPacedModel *self = PM_PACED_MODEL (model);

  if (position >= self->shown->len)
    return NULL;
  return g_object_ref (self->shown->pdata[position]);
}

static void
pm_paced_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* Tells the views of count of change's added items from the offset on
 * (and of its removals with its first slice). */
static void
tell (PmPacedModel *self,
      Change       *change,
      guint         offset,
      guint         count)
{
  guint position = change->position + offset;
  guint removed = offset == 0 ? change->n_removed : 0;

  if (removed > 0)
    g_ptr_array_remove_range (self->shown, position, removed);
  for (guint k = 0; k < count; k++)
    g_ptr_array_insert (self->shown, position + k, g_object_ref (change->added->pdata[offset + k]));
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, count);
  self->told_us = g_get_monotonic_time ();
}

/* Tells up to self->step added items (and any removals on the way), then
 * sizes the next step from what this one cost. */
static void
tell_step (PmPacedModel *self)
{
  guint budget = self->step;
  guint told = 0;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  gboolean costly, rows;

  while (!g_queue_is_empty (&self->changes) && budget > 0)
    {
      Change *change = g_queue_peek_head (&self->changes);
      guint count = MIN (change->added->len - self->offset, budget);

      tell (self, change, self->offset, count);
      budget -= MIN (budget, MAX (count, 1));
      told += MAX (count, 1);
      self->offset += count;
      if (self->offset == change->added->len)
        {
          change_free (g_queue_pop_head (&self->changes));
          self->offset = 0;
        }
    }

  /* As many items as fit in the budget at this step's cost per item, but
   * at most half as many again after a step that built rows (the cost of a
   * row varies with its text: a step sized from cheap rows must not double
   * on dear ones) and twice as many after a cheap one: the rows a view
   * builds come first, the cheap items after them. */
  elapsed = MAX (g_get_monotonic_time () - start, 1);
  costly = elapsed * 3 >= 1000;
  rows = costly && elapsed >= (gint64) told * ROW_US;
  self->step = CLAMP ((guint64) told * STEP_BUDGET_US / elapsed, 1,
                      MIN (rows ? self->step + self->step / 2 + 1 : self->step * 2, MAX_STEP));
  /* The rows a step made the views build are measured and laid out in the
   * next frame, which costs more than building them. One such step per
   * frame: the next starts a frame period after this one (with a pause of
   * three times the step, a frame often laid out the rows of two steps),
   * and not sooner than the step took again. Any other costly step is
   * followed after three times its cost, a cheap one at once. */
  if (rows)
    self->pause_ms = (guint) (MAX (elapsed, FRAME_US - MIN (elapsed, FRAME_US)) / 1000);
  else
    self->pause_ms = (guint) MIN (elapsed * 3 / 1000, FRAME_US / 1000);
}

static gboolean step_cb (gpointer user_data);

static void
schedule (PmPacedModel *self)
{
  if (self->pause_ms == 0)
    self->source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, step_cb, self, NULL);
  else
    self->source = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, self->pause_ms, step_cb, self, NULL);
}

static gboolean
step_cb (gpointer user_data)
{
  PmPacedModel *self = user_data;

  self->source = 0;
  tell_step (self);
  if (!g_queue_is_empty (&self->changes))
    schedule (self);
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
  return G_SOURCE_REMOVE;
}

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  PmPacedModel *self)
{
  Change *change = g_new0 (Change, 1);

  change->position = position;
  change->n_removed = removed;
  change->added = g_ptr_array_new_full (added, g_object_unref);
  for (guint i = 0; i < added; i++)
    g_ptr_array_add (change->added, g_list_model_get_item (model, position + i));

  if (g_queue_is_empty (&self->changes))
    {
      /* A small change (a policy edited, added or gone; a short list) at
       * once, as the store made it. */
      if (added <= SMALL_CHANGE && g_get_monotonic_time () - self->told_us >= FRAME_US)
        {
          tell (self, change, 0, added);
          change_free (change);
          return;
        }
      g_queue_push_tail (&self->changes, change);
      self->step = FIRST_STEP;
      self->pause_ms = 0;
      schedule (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
      return;
    }
  /* Items added right after others still to be told of (a list read in
   * batches) are told of with them. */
  if (removed == 0)
    {
      Change *last = g_queue_peek_tail (&self->changes);

      if (last->position + last->added->len == position)
        {
          g_ptr_array_extend_and_steal (last->added, g_steal_pointer (&change->added));
          g_free (change);
          return;
        }
    }
  g_queue_push_tail (&self->changes, change);
}

static void
drop_pending (PmPacedModel *self)
{
  gboolean was_pending = !g_queue_is_empty (&self->changes);

  g_clear_handle_id (&self->source, g_source_remove);
  g_queue_clear_full (&self->changes, change_free);
  self->offset = 0;
  if (was_pending)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

static void
pm_paced_model_dispose (GObject *object)
{
  PmPacedModel *self = PM_PACED_MODEL (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_clear_object (&self->model);
  g_clear_handle_id (&self->source, g_source_remove);
  g_queue_clear_full (&self->changes, change_free);

  G_OBJECT_CLASS (pm_paced_model_parent_class)->dispose (object);
}

static void
pm_paced_model_finalize (GObject *object)
{
  PmPacedModel *self = PM_PACED_MODEL (object);

  g_ptr_array_unref (self->shown);

  G_OBJECT_CLASS (pm_paced_model_parent_class)->finalize (object);
}

static void
pm_paced_model_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PmPacedModel *self = PM_PACED_MODEL (object);

  switch (prop_id)
    {
    case PROP_PENDING:
      g_value_set_boolean (value, pm_paced_model_get_pending (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_paced_model_class_init (PmPacedModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pm_paced_model_dispose;
  object_class->finalize = pm_paced_model_finalize;
  object_class->get_property = pm_paced_model_get_property;

  properties[PROP_PENDING] =
    g_param_spec_boolean ("pending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_paced_model_init (PmPacedModel *self)
{
  self->shown = g_ptr_array_new_with_free_func (g_object_unref);
  g_queue_init (&self->changes);
}

PmPacedModel *
pm_paced_model_new (GType       item_type,
                    GListModel *model)
{
  PmPacedModel *self;

  g_return_val_if_fail (g_type_is_a (item_type, G_TYPE_OBJECT), NULL);
  g_return_val_if_fail (model == NULL || G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (PM_TYPE_PACED_MODEL, NULL);
  self->item_type = item_type;
  pm_paced_model_set_model (self, model);
  return self;
}

GListModel *
pm_paced_model_get_model (PmPacedModel *self)
{
  g_return_val_if_fail (PM_IS_PACED_MODEL (self), NULL);

  return self->model;
}

void
pm_paced_model_set_model (PmPacedModel *self,
                          GListModel   *model)
{
  guint n_shown;

  g_return_if_fail (PM_IS_PACED_MODEL (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, on_items_changed, self);
  g_set_object (&self->model, model);
  drop_pending (self);

  n_shown = self->shown->len;
  if (n_shown > 0)
    {
      g_ptr_array_set_size (self->shown, 0);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, n_shown, 0);
    }

  if (model != NULL)
    {
      guint n = g_list_model_get_n_items (model);

      g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), self);
      if (n > 0)
        on_items_changed (model, 0, 0, n, self);
    }
}

gboolean
pm_paced_model_get_pending (PmPacedModel *self)
{
  g_return_val_if_fail (PM_IS_PACED_MODEL (self), FALSE);

  return !g_queue_is_empty (&self->changes);
}
