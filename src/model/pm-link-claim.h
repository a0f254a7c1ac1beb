#pragma once

#include <json-glib/json-glib.h>

#include "pm-enums.h"

G_BEGIN_DECLS

#define PM_TYPE_LINK_CLAIM (pm_link_claim_get_type ())
G_DECLARE_FINAL_TYPE (PmLinkClaim, pm_link_claim, PM, LINK_CLAIM, GObject)

/* A claimed private connection ID (TrafficFilterClaimedLinkIdInfo):
 * AWS VPC endpoint ID or GCP PSC connection ID in "link-id", or an Azure
 * endpoint "azure-endpoint-name" + "azure-endpoint-guid"; and its "region".
 * "provider" is derived from the fields and the region. */

PmLinkClaim *pm_link_claim_new_link_id       (const char  *region,
                                              const char  *link_id);
PmLinkClaim *pm_link_claim_new_azure         (const char  *region,
                                              const char  *endpoint_name,
                                              const char  *endpoint_guid);
const char  *pm_link_claim_get_region        (PmLinkClaim *self);
const char  *pm_link_claim_get_link_id       (PmLinkClaim *self);
const char  *pm_link_claim_get_azure_endpoint_name (PmLinkClaim *self);
const char  *pm_link_claim_get_azure_endpoint_guid (PmLinkClaim *self);
PmProvider   pm_link_claim_get_provider      (PmLinkClaim *self);
gboolean     pm_link_claim_equal             (PmLinkClaim *a,
                                              PmLinkClaim *b);
char        *pm_link_claim_dup_display_id    (PmLinkClaim *self);  /* link id, or "name (guid)" */

/* Lenient in: what the server sent of this claim that Perimeter would not
 * send itself, in words, or NULL. */
const char  *pm_link_claim_get_oddity        (PmLinkClaim *self);
void         pm_link_claim_set_oddity        (PmLinkClaim *self,
                                              const char  *oddity);

G_END_DECLS
