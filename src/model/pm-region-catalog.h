#pragma once

#include <gio/gio.h>

#include "pm-region.h"

G_BEGIN_DECLS

#define PM_TYPE_REGION_CATALOG (pm_region_catalog_get_type ())
G_DECLARE_FINAL_TYPE (PmRegionCatalog, pm_region_catalog, PM, REGION_CATALOG, GObject)

/* The private-connectivity region tables from regions.json in the GResource
 * (never retyped into code), per flavour and provider. ECE has no table:
 * its regions are its own names and any non-empty region is accepted. */

/* The shared catalog built from the GResource; loaded once, thread-safe. */
PmRegionCatalog *pm_region_catalog_get_default   (void);
PmRegionCatalog *pm_region_catalog_new_from_bytes (GBytes          *json,
                                                   GError         **error);

/* A GListModel of PmRegion, sorted by display name; empty where none. */
GListModel      *pm_region_catalog_list          (PmRegionCatalog *self,
                                                  PmFlavour        flavour,
                                                  PmProvider       provider);
/* Look up by provider region id ("eastus2") or API region ("azure-eastus2"). */
PmRegion        *pm_region_catalog_lookup        (PmRegionCatalog *self,
                                                  PmFlavour        flavour,
                                                  PmProvider       provider,
                                                  const char      *region);
/* Which provider an API region string belongs to for a flavour, guessed from
 * its spelling and the tables: "azure-eastus2" → AZURE, "us-east-1" → AWS. */
PmProvider       pm_region_catalog_guess_provider (PmRegionCatalog *self,
                                                   PmFlavour        flavour,
                                                   const char      *region);
/* Whether two region strings name the same region for a flavour (Serverless
 * spells "us-east-1" and "aws-us-east-1" for the same). */
gboolean         pm_region_catalog_same_region   (PmRegionCatalog *self,
                                                  PmFlavour        flavour,
                                                  const char      *a,
                                                  const char      *b);
/* Replace the Serverless rows of one provider with live metadata (wins over
 * the shipped table where they differ). */
void             pm_region_catalog_merge_metadata (PmRegionCatalog *self,
                                                   PmProvider       provider,
                                                   GPtrArray       *regions);  /* of PmRegion */

G_END_DECLS
