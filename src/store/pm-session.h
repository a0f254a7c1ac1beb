#pragma once

#include <gio/gio.h>

#include "pm-api.h"
#include "pm-policy-store.h"
#include "pm-entity-store.h"
#include "pm-claim-store.h"

G_BEGIN_DECLS

#define PM_TYPE_SESSION (pm_session_get_type ())
G_DECLARE_FINAL_TYPE (PmSession, pm_session, PM, SESSION, GObject)

/* Everything the pages of one window need for the account in use: its API
 * client and the stores bound to it. The window makes one per profile (or
 * for the sandbox) and hands it to every page.
 *
 * Properties: "api", "flavour", "title" (profile's display name),
 * "is-sandbox", "policies", "entities", "claims" (the stores), "busy"
 * (any store loading). */

PmSession     *pm_session_new             (PmApi      *api,
                                           const char *title,
                                           gboolean    is_sandbox);
PmApi         *pm_session_get_api         (PmSession  *self);
PmFlavour      pm_session_get_flavour     (PmSession  *self);
const char    *pm_session_get_title       (PmSession  *self);
gboolean       pm_session_get_is_sandbox  (PmSession  *self);
PmPolicyStore *pm_session_get_policies    (PmSession  *self);
PmEntityStore *pm_session_get_entities    (PmSession  *self);
PmClaimStore  *pm_session_get_claims      (PmSession  *self);   /* NULL-free; empty where unsupported */
gboolean       pm_session_get_busy        (PmSession  *self);

/* Refresh every store; errors are reported through the stores' "error". */
void           pm_session_refresh         (PmSession  *self);
/* Cancel everything in flight (the window calls this before dropping it). */
void           pm_session_shutdown        (PmSession  *self);

G_END_DECLS
