/* pm-store-core.h: what the three stores share (private to src/store)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-api.h"

G_BEGIN_DECLS

/* One splice of the list, in the order they are applied: at position,
 * remove n_removed items, then insert added (with their keys). */
typedef struct
{
  guint      position;
  guint      n_removed;
  GPtrArray *added;        /* of item, owned refs; never NULL */
  GPtrArray *added_keys;   /* of char *, owned */
} PmStoreOp;

typedef struct
{
  /* Both run in a worker thread on objects the store treats as immutable. */
  char     *(*dup_key)     (gpointer item);
  gboolean  (*equal)       (gpointer a,
                            gpointer b);
  void      (*list_async)  (PmApi               *api,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);
  GPtrArray*(*list_finish) (PmApi               *api,
                            GAsyncResult        *result,
                            GError             **error);
} PmStoreCoreClass;

typedef struct
{
  GObject                *owner;      /* the GListModel; not a reference */
  const PmStoreCoreClass *klass;
  GParamSpec             *pspec_loading;
  GParamSpec             *pspec_loaded;
  GParamSpec             *pspec_error;

  PmApi                  *api;
  GPtrArray              *items;      /* of item, owned */
  GPtrArray              *keys;       /* of char *, parallel to items */
  GError                 *error;
  char                   *notice;     /* the last listing's, see pm_api_get_notice() */
  GTask                  *current;    /* the refresh in flight, borrowed */
  GCancellable           *current_cancellable;
  guint64                 generation; /* bumped by every change of items */
  guint                   loading : 1;
  guint                   loaded : 1;
} PmStoreCore;

/* The properties every store has, in this order, in its properties[]. */
enum {
  PM_STORE_CORE_PROP_0,
  PM_STORE_CORE_PROP_API,
  PM_STORE_CORE_PROP_LOADING,
  PM_STORE_CORE_PROP_LOADED,
  PM_STORE_CORE_PROP_ERROR,
  PM_STORE_CORE_N_PROPS
};

void          pm_store_core_install_properties (GObjectClass        *object_class,
                                                GParamSpec         **properties);
void          pm_store_core_get_property    (PmStoreCore            *core,
                                             guint                   prop_id,
                                             GValue                 *value,
                                             GParamSpec             *pspec);

void          pm_store_core_init            (PmStoreCore            *core,
                                             GObject                *owner,
                                             const PmStoreCoreClass *klass,
                                             GParamSpec             *pspec_loading,
                                             GParamSpec             *pspec_loaded,
                                             GParamSpec             *pspec_error);
void          pm_store_core_dispose         (PmStoreCore            *core);
void          pm_store_core_finalize        (PmStoreCore            *core);

void          pm_store_core_set_api         (PmStoreCore            *core,
                                             PmApi                  *api);
guint         pm_store_core_get_n_items     (PmStoreCore            *core);
gpointer      pm_store_core_get_item        (PmStoreCore            *core,
                                             guint                   position);

void          pm_store_core_refresh_async   (PmStoreCore            *core,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data);
gboolean      pm_store_core_refresh_finish  (PmStoreCore            *core,
                                             GAsyncResult           *result,
                                             GError                **error);

guint         pm_store_core_apply           (PmStoreCore            *core,
                                             GPtrArray              *items);
void          pm_store_core_upsert          (PmStoreCore            *core,
                                             gpointer                item);
void          pm_store_core_remove          (PmStoreCore            *core,
                                             const char             *key);
gpointer      pm_store_core_lookup          (PmStoreCore            *core,
                                             const char             *key);

/* The diff itself, exposed for the stores' tests: the ops that turn old
 * (items with keys) into new, reusing old objects that are equal. */
GPtrArray    *pm_store_core_diff            (const PmStoreCoreClass *klass,
                                             GPtrArray              *old_items,
                                             GPtrArray              *old_keys,
                                             GPtrArray              *new_items,
                                             guint                  *n_created);

G_END_DECLS
