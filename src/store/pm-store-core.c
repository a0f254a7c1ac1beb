/* pm-store-core.c: the diff and refresh machinery the three stores share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "pm-background.h"
#include "pm-store-core.h"

/* Ops */

static void
pm_store_op_free (gpointer data)
{
  PmStoreOp *op = data;

  g_ptr_array_unref (op->added);
  g_ptr_array_unref (op->added_keys);
  g_free (op);
}

static PmStoreOp *
pm_store_op_new (guint position,
                 guint n_removed)
{
  PmStoreOp *op = g_new0 (PmStoreOp, 1);

  op->position = position;
  op->n_removed = n_removed;
  op->added = g_ptr_array_new_with_free_func (g_object_unref);
  op->added_keys = g_ptr_array_new_with_free_func (g_free);
  return op;
}

static void
op_add (PmStoreOp  *op,
        gpointer    item,
        const char *key)
{
  g_ptr_array_add (op->added, g_object_ref (item));
  g_ptr_array_add (op->added_keys, g_strdup (key));
}

/* Replays one op on a pair of parallel arrays. */
static void
splice (GPtrArray       *items,
        GPtrArray       *keys,
        const PmStoreOp *op)
{
  if (op->n_removed > 0)
    {
      g_ptr_array_remove_range (items, op->position, op->n_removed);
      g_ptr_array_remove_range (keys, op->position, op->n_removed);
    }
  for (guint k = 0; k < op->added->len; k++)
    {
      g_ptr_array_insert (items, op->position + k, g_object_ref (op->added->pdata[k]));
      g_ptr_array_insert (keys, op->position + k, g_strdup (op->added_keys->pdata[k]));
    }
}

static gboolean
same_content (const PmStoreCoreClass *klass,
              gpointer                a,
              gpointer                b)
{
  return a == b || klass->equal (a, b);
}

static int
find_key (GPtrArray  *keys,
          guint       from,
          const char *key)
{
  for (guint k = from; k < keys->len; k++)
    if (g_str_equal (keys->pdata[k], key))
      return (int) k;
  return -1;
}

/* Turns old into new in API order. Removals first, then a walk along the new
 * list: a run of changed items is one replacement, a run of new (or moved)
 * items one insertion, so a first load is a single op and one changed item
 * is exactly (position, 1, 1). */
GPtrArray *
pm_store_core_diff (const PmStoreCoreClass *klass,
                    GPtrArray              *old_items,
                    GPtrArray              *old_keys,
                    GPtrArray              *new_items,
                    guint                  *n_created)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func (pm_store_op_free);
  g_autoptr(GPtrArray) work = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) work_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  g_autoptr(GPtrArray) fresh_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) kept = g_hash_table_new (g_str_hash, g_str_equal);
  guint created = 0;
  guint i;

  for (i = 0; i < old_items->len; i++)
    {
      g_ptr_array_add (work, g_object_ref (old_items->pdata[i]));
      g_ptr_array_add (work_keys, g_strdup (old_keys->pdata[i]));
    }

  /* A key the API repeats (or an item without one) would break the walk:
   * keep the first occurrence only. */
  for (i = 0; i < new_items->len; i++)
    {
      char *key = klass->dup_key (new_items->pdata[i]);

      if (key == NULL || g_hash_table_contains (wanted, key))
        {
          g_free (key);
          continue;
        }
      g_ptr_array_add (fresh, new_items->pdata[i]);
      g_ptr_array_add (fresh_keys, key);
      g_hash_table_add (wanted, key);
    }

  i = 0;
  while (i < work->len)
    {
      guint j = i;
      PmStoreOp *op;

      while (j < work->len && !g_hash_table_contains (wanted, work_keys->pdata[j]))
        j++;
      if (j == i)
        {
          i++;
          continue;
        }
      op = pm_store_op_new (i, j - i);
      splice (work, work_keys, op);
      g_ptr_array_add (ops, op);
    }

  /* Keys of the old list that stay (strings of fresh_keys), so that a new
   * item is not looked for along the whole old list: O(n) not O(n²). */
  for (i = 0; i < work_keys->len; i++)
    {
      gpointer key;

      if (g_hash_table_lookup_extended (wanted, work_keys->pdata[i], &key, NULL))
        g_hash_table_add (kept, key);
    }

  i = 0;
  while (i < fresh->len)
    {
      PmStoreOp *op;
      guint j = i;

      if (i < work->len && g_str_equal (work_keys->pdata[i], fresh_keys->pdata[i]))
        {
          while (j < fresh->len && j < work->len
                 && g_str_equal (work_keys->pdata[j], fresh_keys->pdata[j])
                 && !same_content (klass, work->pdata[j], fresh->pdata[j]))
            j++;
          if (j == i)
            {
              i++;
              continue;
            }
          op = pm_store_op_new (i, j - i);
          for (guint k = i; k < j; k++)
            op_add (op, fresh->pdata[k], fresh_keys->pdata[k]);
          created += j - i;
          splice (work, work_keys, op);
          g_ptr_array_add (ops, op);
          i = j;
          continue;
        }

      /* Items new to the list, or moved up from further down, up to the
       * item now at i (which the new list holds later). */
      op = pm_store_op_new (i, 0);
      while (j < fresh->len
             && !(i < work->len && g_str_equal (work_keys->pdata[i], fresh_keys->pdata[j])))
        {
          int pos = -1;
          gpointer item = fresh->pdata[j];

          if (i < work->len && g_hash_table_contains (kept, fresh_keys->pdata[j]))
            pos = find_key (work_keys, i + 1, fresh_keys->pdata[j]);
          if (pos >= 0)
            {
              PmStoreOp *removal = pm_store_op_new (pos, 1);

              if (same_content (klass, work->pdata[pos], item))
                item = work->pdata[pos];
              else
                created++;
              op_add (op, item, fresh_keys->pdata[j]);
              splice (work, work_keys, removal);
              g_ptr_array_add (ops, removal);
            }
          else
            {
              op_add (op, item, fresh_keys->pdata[j]);
              created++;
            }
          j++;
        }
      splice (work, work_keys, op);
      g_ptr_array_add (ops, op);
      i = j;
    }

  g_assert (work->len == fresh->len);

  if (n_created != NULL)
    *n_created = created;
  return g_steal_pointer (&ops);
}

static void
apply_ops (PmStoreCore *core,
           GPtrArray   *ops)
{
  if (ops->len > 0)
    core->generation++;

  for (guint i = 0; i < ops->len; i++)
    {
      const PmStoreOp *op = ops->pdata[i];

      splice (core->items, core->keys, op);
      g_list_model_items_changed (G_LIST_MODEL (core->owner), op->position, op->n_removed, op->added->len);
    }
}

/* State */

static void
set_loading (PmStoreCore *core,
             gboolean     loading)
{
  if (core->loading == !!loading)
    return;
  core->loading = !!loading;
  g_object_notify_by_pspec (core->owner, core->pspec_loading);
}

static void
set_loaded (PmStoreCore *core,
            gboolean     loaded)
{
  if (core->loaded == !!loaded)
    return;
  core->loaded = !!loaded;
  g_object_notify_by_pspec (core->owner, core->pspec_loaded);
}

static void
set_error (PmStoreCore  *core,
           const GError *error)
{
  if (core->error == NULL && error == NULL)
    return;
  g_clear_error (&core->error);
  if (error != NULL)
    core->error = g_error_copy (error);
  g_object_notify_by_pspec (core->owner, core->pspec_error);
}

void
pm_store_core_install_properties (GObjectClass  *object_class,
                                  GParamSpec   **properties)
{
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  properties[PM_STORE_CORE_PROP_API] =
    g_param_spec_object ("api", NULL, NULL, PM_TYPE_API,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PM_STORE_CORE_PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE, ro);
  properties[PM_STORE_CORE_PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PM_STORE_CORE_PROP_ERROR] = g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR, ro);

  g_object_class_install_properties (object_class, PM_STORE_CORE_N_PROPS, properties);
}

void
pm_store_core_get_property (PmStoreCore *core,
                            guint        prop_id,
                            GValue      *value,
                            GParamSpec  *pspec)
{
  switch (prop_id)
    {
    case PM_STORE_CORE_PROP_API:
      g_value_set_object (value, core->api);
      break;
    case PM_STORE_CORE_PROP_LOADING:
      g_value_set_boolean (value, core->loading);
      break;
    case PM_STORE_CORE_PROP_LOADED:
      g_value_set_boolean (value, core->loaded);
      break;
    case PM_STORE_CORE_PROP_ERROR:
      g_value_set_boxed (value, core->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (core->owner, prop_id, pspec);
    }
}

void
pm_store_core_init (PmStoreCore            *core,
                    GObject                *owner,
                    const PmStoreCoreClass *klass,
                    GParamSpec             *pspec_loading,
                    GParamSpec             *pspec_loaded,
                    GParamSpec             *pspec_error)
{
  core->owner = owner;
  core->klass = klass;
  core->pspec_loading = pspec_loading;
  core->pspec_loaded = pspec_loaded;
  core->pspec_error = pspec_error;
  core->items = g_ptr_array_new_with_free_func (g_object_unref);
  core->keys = g_ptr_array_new_with_free_func (g_free);
}

static void
cancel_current (PmStoreCore *core)
{
  /* The pending callbacks see they are no longer current and finish their
   * task with G_IO_ERROR_CANCELLED. */
  if (core->current_cancellable != NULL)
    g_cancellable_cancel (core->current_cancellable);
  g_clear_object (&core->current_cancellable);
  core->current = NULL;
}

void
pm_store_core_dispose (PmStoreCore *core)
{
  cancel_current (core);
  g_clear_object (&core->api);
}

void
pm_store_core_finalize (PmStoreCore *core)
{
  g_clear_pointer (&core->items, g_ptr_array_unref);
  g_clear_pointer (&core->keys, g_ptr_array_unref);
  g_clear_error (&core->error);
  g_clear_pointer (&core->notice, g_free);
}

void
pm_store_core_set_api (PmStoreCore *core,
                       PmApi       *api)
{
  guint n = core->items->len;

  if (core->api == api)
    return;

  cancel_current (core);
  g_set_object (&core->api, api);

  g_object_freeze_notify (core->owner);
  if (n > 0)
    {
      g_ptr_array_set_size (core->items, 0);
      g_ptr_array_set_size (core->keys, 0);
      core->generation++;
      g_list_model_items_changed (G_LIST_MODEL (core->owner), 0, n, 0);
    }
  set_loading (core, FALSE);
  set_loaded (core, FALSE);
  set_error (core, NULL);
  g_object_thaw_notify (core->owner);
}

guint
pm_store_core_get_n_items (PmStoreCore *core)
{
  return core->items->len;
}

gpointer
pm_store_core_get_item (PmStoreCore *core,
                        guint        position)
{
  if (position >= core->items->len)
    return NULL;
  return g_object_ref (core->items->pdata[position]);
}

/* Refresh */

typedef struct
{
  PmStoreCore  *core;        /* alive while the task holds its owner */
  GCancellable *inner;       /* what the API call and supersession use */
  GCancellable *outer;       /* the caller's */
  gulong        outer_handler;
} RefreshData;

typedef struct
{
  const PmStoreCoreClass *klass;
  GPtrArray              *old_items;
  GPtrArray              *old_keys;
  GPtrArray              *new_items;
  guint64                 generation;
} DiffData;

static void
refresh_data_free (gpointer data)
{
  RefreshData *rd = data;

  /* Disconnecting from inside the cancelled handler would deadlock; a
   * cancelled cancellable never calls the handler again anyway. */
  if (rd->outer_handler != 0 && !g_cancellable_is_cancelled (rd->outer))
    g_cancellable_disconnect (rd->outer, rd->outer_handler);
  g_clear_object (&rd->outer);
  g_clear_object (&rd->inner);
  g_free (rd);
}

static void
diff_data_free (gpointer data)
{
  DiffData *dd = data;

  g_clear_pointer (&dd->old_items, g_ptr_array_unref);
  g_ptr_array_unref (dd->old_keys);
  g_clear_pointer (&dd->new_items, g_ptr_array_unref);
  g_free (dd);
}

static void
forward_cancel (GCancellable *outer,
                GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

static GPtrArray *
copy_keys (GPtrArray *keys)
{
  GPtrArray *copy = g_ptr_array_new_full (keys->len, g_free);

  for (guint i = 0; i < keys->len; i++)
    g_ptr_array_add (copy, g_strdup (keys->pdata[i]));
  return copy;
}

static void
diff_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DiffData *dd = task_data;
  GPtrArray *ops = pm_store_core_diff (dd->klass, dd->old_items, dd->old_keys, dd->new_items, NULL);

  g_task_return_pointer (task, ops, (GDestroyNotify) g_ptr_array_unref);
}

static void
release_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  /* Here, not in the task's data destructor: the task's last reference
   * goes in the main context. */
  g_ptr_array_set_size (task_data, 0);
#ifdef __GLIBC__
  {
    /* One at a time: two stores' releases can come together, and the
     * first malloc_trim() of a process sets glibc's allocator up, which
     * is not safe to race (seen crashing under AddressSanitizer, whose
     * malloc leaves glibc's to be set up there). */
    static GMutex trim_lock;

    /* A refresh parses in worker threads, each with its own malloc arena
     * that keeps what was freed: give it back, or the resident size of a
     * large organization grew by ~100 MiB over 100 refreshes. */
    g_mutex_lock (&trim_lock);
    malloc_trim (0);
    g_mutex_unlock (&trim_lock);
  }
#endif
  g_task_return_boolean (task, TRUE);
}

/* Drops a refresh's lists of items in a worker thread: the last references
 * to a large organization's replaced policies (tens of thousands of rules)
 * took longer than a frame to free on the main thread. */
static void
release_in_thread (GPtrArray *old_items,
                   GPtrArray *new_items)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);
  GPtrArray *both = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  g_ptr_array_add (both, old_items);
  g_ptr_array_add (both, new_items);
  g_task_set_source_tag (task, release_in_thread);
  g_task_set_task_data (task, both, (GDestroyNotify) g_ptr_array_unref);
  /* Not in pm_background_run()'s lowered threads: freeing and trimming
   * hold the allocator's locks, which the main thread then waits for; a
   * lowered thread holding them kept it waiting while other work ran. */
  g_task_run_in_thread (task, release_worker);
}

/* Ends the refresh in flight (task is current): state first, then the task. */
static void
finish_current (PmStoreCore  *core,
                GTask        *task,
                const GError *error)
{
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  core->current = NULL;
  g_clear_object (&core->current_cancellable);

  g_object_freeze_notify (core->owner);
  if (error == NULL)
    {
      set_error (core, NULL);
      set_loaded (core, TRUE);
    }
  else if (!cancelled)
    set_error (core, error);
  set_loading (core, FALSE);
  g_object_thaw_notify (core->owner);

  if (error == NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_error_copy (error));
}

static void
return_superseded (GTask *task)
{
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "%s", _("A newer refresh replaced this one."));
}

static void
diff_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RefreshData *rd = g_task_get_task_data (task);
  PmStoreCore *core = rd->core;
  DiffData *dd = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) ops = g_task_propagate_pointer (G_TASK (result), NULL);

  if (core->current != task)
    {
      return_superseded (task);
      return;
    }
  if (g_cancellable_is_cancelled (rd->inner))
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("The refresh was cancelled."));
      finish_current (core, task, error);
      return;
    }

  /* The app put an item in place while the diff ran: diff again against
   * what the list holds now (cheap, and rare). */
  if (core->generation != dd->generation || ops == NULL)
    {
      g_clear_pointer (&ops, g_ptr_array_unref);
      ops = pm_store_core_diff (core->klass, core->items, core->keys, dd->new_items, NULL);
    }

  /* All at once: what a view shows of a large change is paced above the
   * store (PmPacedModel), not the store itself. */
  apply_ops (core, ops);
  release_in_thread (g_steal_pointer (&dd->old_items), g_steal_pointer (&dd->new_items));
  finish_current (core, task, NULL);
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RefreshData *rd = g_task_get_task_data (task);
  PmStoreCore *core = rd->core;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GTask) diff_task = NULL;
  DiffData *dd;

  items = core->klass->list_finish (PM_API (source), result, &error);

  if (core->current != task)
    {
      return_superseded (task);
      return;
    }
  /* Told with the list's state, whose change the pages follow. */
  g_free (core->notice);
  core->notice = items != NULL ? g_strdup (pm_api_get_notice (result)) : NULL;
  if (items == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, _("The list could not be loaded."));
      finish_current (core, task, error);
      return;
    }

  dd = g_new0 (DiffData, 1);
  dd->klass = core->klass;
  dd->old_items = g_ptr_array_new_full (core->items->len, g_object_unref);
  for (guint i = 0; i < core->items->len; i++)
    g_ptr_array_add (dd->old_items, g_object_ref (core->items->pdata[i]));
  dd->old_keys = copy_keys (core->keys);
  dd->new_items = g_steal_pointer (&items);
  dd->generation = core->generation;

  diff_task = g_task_new (core->owner, NULL, diff_cb, g_steal_pointer (&task));
  g_task_set_source_tag (diff_task, list_cb);
  g_task_set_task_data (diff_task, dd, diff_data_free);
  pm_background_run (diff_task, diff_worker);
}

void
pm_store_core_refresh_async (PmStoreCore         *core,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RefreshData *rd;

  task = g_task_new (core->owner, cancellable, callback, user_data);
  g_task_set_source_tag (task, pm_store_core_refresh_async);

  cancel_current (core);

  if (core->api == NULL)
    {
      set_loading (core, FALSE);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "%s", _("There is no account to load from."));
      return;
    }

  rd = g_new0 (RefreshData, 1);
  rd->core = core;
  rd->inner = g_cancellable_new ();
  if (cancellable != NULL)
    {
      rd->outer = g_object_ref (cancellable);
      rd->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (forward_cancel),
                                                 g_object_ref (rd->inner), g_object_unref);
    }
  g_task_set_task_data (task, rd, refresh_data_free);

  core->current = task;
  core->current_cancellable = g_object_ref (rd->inner);
  set_loading (core, TRUE);

  core->klass->list_async (core->api, rd->inner, list_cb, g_steal_pointer (&task));
}

gboolean
pm_store_core_refresh_finish (PmStoreCore   *core,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, core->owner), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Changes the app makes itself */

guint
pm_store_core_apply (PmStoreCore *core,
                     GPtrArray   *items)
{
  g_autoptr(GPtrArray) ops = NULL;
  guint created = 0;

  ops = pm_store_core_diff (core->klass, core->items, core->keys, items, &created);
  apply_ops (core, ops);

  g_object_freeze_notify (core->owner);
  set_error (core, NULL);
  set_loaded (core, TRUE);
  g_object_thaw_notify (core->owner);

  return created;
}

void
pm_store_core_upsert (PmStoreCore *core,
                      gpointer     item)
{
  g_autofree char *key = core->klass->dup_key (item);
  int pos;

  g_return_if_fail (key != NULL);

  pos = find_key (core->keys, 0, key);
  core->generation++;
  if (pos < 0)
    {
      g_ptr_array_add (core->items, g_object_ref (item));
      g_ptr_array_add (core->keys, g_steal_pointer (&key));
      g_list_model_items_changed (G_LIST_MODEL (core->owner), core->items->len - 1, 0, 1);
      return;
    }
  if (core->items->pdata[pos] == item)
    return;
  g_object_unref (core->items->pdata[pos]);
  core->items->pdata[pos] = g_object_ref (item);
  g_list_model_items_changed (G_LIST_MODEL (core->owner), pos, 1, 1);
}

void
pm_store_core_remove (PmStoreCore *core,
                      const char  *key)
{
  int pos = find_key (core->keys, 0, key);

  if (pos < 0)
    return;
  g_ptr_array_remove_index (core->items, pos);
  g_ptr_array_remove_index (core->keys, pos);
  core->generation++;
  g_list_model_items_changed (G_LIST_MODEL (core->owner), pos, 1, 0);
}

gpointer
pm_store_core_lookup (PmStoreCore *core,
                      const char  *key)
{
  int pos = find_key (core->keys, 0, key);

  return pos < 0 ? NULL : core->items->pdata[pos];
}
