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
/* What one listing (of policies, or of every project) may send and take
 * before it stops with a notice and keeps what it read: default 500
 * requests and 120 seconds, checked before each further page. */
void             pm_serverless_api_set_budget (PmServerlessApi *self,
                                               guint            max_requests,
                                               guint            max_seconds);

G_END_DECLS
