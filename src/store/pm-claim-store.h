#pragma once

#include <gio/gio.h>

#include "pm-api.h"
#include "pm-link-claim.h"

G_BEGIN_DECLS

#define PM_TYPE_CLAIM_STORE (pm_claim_store_get_type ())
G_DECLARE_FINAL_TYPE (PmClaimStore, pm_claim_store, PM, CLAIM_STORE, GObject)

/* A GListModel of PmLinkClaim for one PmApi, refreshed in place: a refresh diffs
 * by id, so unchanged claims keep their object identity (and their rows,
 * selection and scroll), a changed claim replaces exactly its own item, and
 * only added/removed ones change the list's length. The diff runs in a worker
 * thread; items-changed is emitted on the main thread.
 * Items are shared and compared from that thread: never change one in
 * place; edit a copy and upsert it.
 *
 * Properties: "api" (PmApi), "loading" (gboolean), "error" (GError boxed,
 * the last refresh's failure or NULL), "loaded" (a refresh has succeeded). */

PmClaimStore *pm_claim_store_new            (PmApi          *api);
PmApi         *pm_claim_store_get_api        (PmClaimStore  *self);
void           pm_claim_store_set_api        (PmClaimStore  *self,
                                               PmApi          *api);   /* clears the list */
gboolean       pm_claim_store_get_loading    (PmClaimStore  *self);
gboolean       pm_claim_store_get_loaded     (PmClaimStore  *self);
const GError  *pm_claim_store_get_error      (PmClaimStore  *self);

void           pm_claim_store_refresh_async  (PmClaimStore      *self,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
gboolean       pm_claim_store_refresh_finish (PmClaimStore  *self,
                                               GAsyncResult   *result,
                                               GError        **error);

/* Apply a list as if it came from a refresh (main thread). Returns how many
 * items were replaced or added (for the "one row re-created" check). */
guint          pm_claim_store_apply          (PmClaimStore  *self,
                                               GPtrArray      *claims);
/* Put one claim in place after a create/update/delete the app made itself. */
void           pm_claim_store_upsert         (PmClaimStore  *self,
                                               PmLinkClaim       *policy);
void           pm_claim_store_remove         (PmClaimStore  *self,
                                               const char     *id);
PmLinkClaim      *pm_claim_store_lookup         (PmClaimStore  *self,
                                               const char     *id);    /* borrowed */
/* Claims are keyed by region and display id: the "id" that lookup () and
 * remove () take is this key, "REGION/DISPLAY-ID". */
char          *pm_claim_store_dup_key        (PmLinkClaim   *claim);

/* What the last listing had to say beside its items (pm_api_get_notice()),
 * or NULL. */
const char    *pm_claim_store_get_notice    (PmClaimStore  *self);

G_END_DECLS
