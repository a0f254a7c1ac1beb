#pragma once

#include <gio/gio.h>

#include "pm-api.h"
#include "pm-entity.h"

G_BEGIN_DECLS

#define PM_TYPE_ENTITY_STORE (pm_entity_store_get_type ())
G_DECLARE_FINAL_TYPE (PmEntityStore, pm_entity_store, PM, ENTITY_STORE, GObject)

/* A GListModel of PmEntity for one PmApi, refreshed in place: a refresh diffs
 * by id, so unchanged entities keep their object identity (and their rows,
 * selection and scroll), a changed entity replaces exactly its own item, and
 * only added/removed ones change the list's length. The diff runs in a worker
 * thread; items-changed is emitted on the main thread.
 * Items are shared and compared from that thread: never change one in
 * place; edit a copy and upsert it.
 *
 * Properties: "api" (PmApi), "loading" (gboolean), "error" (GError boxed,
 * the last refresh's failure or NULL), "loaded" (a refresh has succeeded). */

PmEntityStore *pm_entity_store_new            (PmApi          *api);
PmApi         *pm_entity_store_get_api        (PmEntityStore  *self);
void           pm_entity_store_set_api        (PmEntityStore  *self,
                                               PmApi          *api);   /* clears the list */
gboolean       pm_entity_store_get_loading    (PmEntityStore  *self);
gboolean       pm_entity_store_get_loaded     (PmEntityStore  *self);
const GError  *pm_entity_store_get_error      (PmEntityStore  *self);

void           pm_entity_store_refresh_async  (PmEntityStore      *self,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
gboolean       pm_entity_store_refresh_finish (PmEntityStore  *self,
                                               GAsyncResult   *result,
                                               GError        **error);

/* Apply a list as if it came from a refresh (main thread). Returns how many
 * items were replaced or added (for the "one row re-created" check). */
guint          pm_entity_store_apply          (PmEntityStore  *self,
                                               GPtrArray      *entities);
/* Put one entity in place after a create/update/delete the app made itself. */
void           pm_entity_store_upsert         (PmEntityStore  *self,
                                               PmEntity       *policy);
void           pm_entity_store_remove         (PmEntityStore  *self,
                                               const char     *id);
PmEntity      *pm_entity_store_lookup         (PmEntityStore  *self,
                                               const char     *id);    /* borrowed */

/* What the last listing had to say beside its items (pm_api_get_notice()),
 * or NULL. */
const char    *pm_entity_store_get_notice    (PmEntityStore  *self);

G_END_DECLS
