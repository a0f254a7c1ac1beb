#pragma once

#include "pm-api.h"

G_BEGIN_DECLS

#define PM_TYPE_SERVERLESS_API (pm_serverless_api_get_type ())
G_DECLARE_FINAL_TYPE (PmServerlessApi, pm_serverless_api, PM, SERVERLESS_API, GObject)

/* PmApi for Elastic Cloud Serverless: traffic filters under
 * /api/v1/serverless/traffic-filters and project associations through a
 * read-modify-write of each project's traffic_filters with If-Match.
 * Property: "http" (PmHttp, construct-only). */
PmServerlessApi *pm_serverless_api_new      (PmHttp          *http);
PmHttp          *pm_serverless_api_get_http (PmServerlessApi *self);

G_END_DECLS
