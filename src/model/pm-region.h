#pragma once

#include <json-glib/json-glib.h>

#include "pm-enums.h"

G_BEGIN_DECLS

#define PM_TYPE_REGION (pm_region_get_type ())
G_DECLARE_FINAL_TYPE (PmRegion, pm_region, PM, REGION, GObject)

/* One row of regions.json (or of the Serverless metadata endpoint): where to
 * point a private endpoint in one provider region.
 *
 * Properties: "flavour" (HOSTED for the hosted table, also used for ECE
 * display; SERVERLESS), "provider", "id" (the provider's own region name,
 * "eastus2", "us-east-1"), "api-region" (as the flavour's API spells it:
 * Hosted "us-east-1", "azure-eastus2", "gcp-us-central1"), "name" (human),
 * "service-name" (AWS service name, Azure Private Link Service alias, GCP
 * service attachment URI), "private-zone" (the private DNS zone to create),
 * "endpoint-host-format" ("{alias}.{product}.<zone>"), "ports" */

const char     *pm_region_get_id                  (PmRegion *self);
const char     *pm_region_get_api_region          (PmRegion *self);
const char     *pm_region_get_name                (PmRegion *self);
PmFlavour       pm_region_get_flavour             (PmRegion *self);
PmProvider      pm_region_get_provider            (PmRegion *self);
const char     *pm_region_get_service_name        (PmRegion *self);
const char     *pm_region_get_private_zone        (PmRegion *self);
const char     *pm_region_get_endpoint_host_format (PmRegion *self);
/* AWS: availability zone ids ("use1-az1") and names, same length; else empty. */
const char * const *pm_region_get_availability_zone_ids   (PmRegion *self);
const char * const *pm_region_get_availability_zone_names (PmRegion *self);
const GArray   *pm_region_get_ports               (PmRegion *self);   /* of guint */
/* "{alias}.{product}.<zone>" filled in: "my-dep-d53192.es.privatelink…" */
char           *pm_region_format_endpoint_host    (PmRegion   *self,
                                                   const char *alias,
                                                   const char *product);
/* The row as JSON, as it stands in regions.json (for the equality test). */
JsonObject     *pm_region_get_json                (PmRegion *self);

/* Build a region from a regions.json row of one table; the row is kept
 * (referenced) as the region's JSON. Errors are PM_JSON_ERROR_SHAPE. */
PmRegion       *pm_region_new_from_json           (JsonObject *row,
                                                   PmFlavour   flavour,
                                                   PmProvider  provider,
                                                   GError    **error);

/* Build a region from a Serverless metadata reply row (TrafficFilterRegionMetadata). */
PmRegion       *pm_region_new_from_metadata       (JsonObject *row,
                                                   GError    **error);

G_END_DECLS
