#pragma once

#include <gio/gio.h>

#include "pm-api.h"
#include "pm-policy.h"

G_BEGIN_DECLS

#define PM_TYPE_POLICY_STORE (pm_policy_store_get_type ())
G_DECLARE_FINAL_TYPE (PmPolicyStore, pm_policy_store, PM, POLICY_STORE, GObject)

/* A GListModel of PmPolicy for one PmApi, refreshed in place: a refresh diffs
 * by id, so unchanged policies keep their object identity (and their rows,
 * selection and scroll), a changed policy replaces exactly its own item, and
 * only added/removed ones change the list's length. The diff runs in a worker
 * thread; items-changed is emitted on the main thread.
 * Items are shared and compared from that thread: never change one in
 * place; edit a copy and upsert it.
 *
 * Properties: "api" (PmApi), "loading" (gboolean), "error" (GError boxed,
 * the last refresh's failure or NULL), "loaded" (a refresh has succeeded). */

PmPolicyStore *pm_policy_store_new            (PmApi          *api);
PmApi         *pm_policy_store_get_api        (PmPolicyStore  *self);
void           pm_policy_store_set_api        (PmPolicyStore  *self,
                                               PmApi          *api);   /* clears the list */
gboolean       pm_policy_store_get_loading    (PmPolicyStore  *self);
gboolean       pm_policy_store_get_loaded     (PmPolicyStore  *self);
const GError  *pm_policy_store_get_error      (PmPolicyStore  *self);

void           pm_policy_store_refresh_async  (PmPolicyStore      *self,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
gboolean       pm_policy_store_refresh_finish (PmPolicyStore  *self,
                                               GAsyncResult   *result,
                                               GError        **error);

/* Apply a list as if it came from a refresh (main thread). Returns how many
 * items were replaced or added (for the "one row re-created" check). */
guint          pm_policy_store_apply          (PmPolicyStore  *self,
                                               GPtrArray      *policies);
/* Put one policy in place after a create/update/delete the app made itself. */
void           pm_policy_store_upsert         (PmPolicyStore  *self,
                                               PmPolicy       *policy);
void           pm_policy_store_remove         (PmPolicyStore  *self,
                                               const char     *id);
PmPolicy      *pm_policy_store_lookup         (PmPolicyStore  *self,
                                               const char     *id);    /* borrowed */

/* What the last listing had to say beside its items (pm_api_get_notice()),
 * or NULL. */
const char    *pm_policy_store_get_notice    (PmPolicyStore  *self);

G_END_DECLS
