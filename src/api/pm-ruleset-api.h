#pragma once

#include "pm-api.h"

G_BEGIN_DECLS

#define PM_TYPE_RULESET_API (pm_ruleset_api_get_type ())
G_DECLARE_FINAL_TYPE (PmRulesetApi, pm_ruleset_api, PM, RULESET_API, GObject)

/* PmApi for Elastic Cloud Hosted and Elastic Cloud Enterprise: the traffic
 * filter rule set endpoints under /api/v1/deployments/traffic-filter.
 * Properties: "http" (PmHttp, construct-only), "flavour" (PmFlavour,
 * construct-only: HOSTED or ECE). */
PmRulesetApi *pm_ruleset_api_new      (PmFlavour  flavour,
                                       PmHttp    *http);
PmHttp       *pm_ruleset_api_get_http (PmRulesetApi *self);

G_END_DECLS
