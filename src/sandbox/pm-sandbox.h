/* pm-sandbox.h: an in-memory emulator of the Elastic Cloud network-security APIs
 *
 * One SoupServer answers the Hosted/ECE paths (/api/v1/deployments/…) and the
 * Serverless paths (/api/v1/serverless/…) from one in-memory state, with
 * demo data (unless "empty"), a generated large organization ("scale") and
 * fault injection. Every public function is thread-safe.
 *
 * Errors are {"errors":[{"code","message","fields"}]} on both APIs:
 *   401 root.unauthorized        no or wrong `Authorization: ApiKey KEY`
 *   404 traffic_filter.not_found, project.not_found, root.not_found
 *   405 root.method_not_allowed
 *   400 *.invalid_input / invalid_rule / invalid_type (bad JSON, fields, sources)
 *   400 deployments.traffic_filter.ruleset_in_use   Hosted delete while associated
 *                                                   (unless ignore_associations=true)
 *   400 traffic_filter.region_mismatch              Hosted association across regions
 *   400 traffic_filter_claimed_link_id.already_claimed / .not_found   (_claim, _unclaim)
 *   400 project.traffic_filter_not_found / project.traffic_filter_region_mismatch
 *   409 traffic_filter.in_use    Serverless delete while a project uses the filter
 *   412 precondition_failed      stale If-Match (Serverless filters and projects)
 * Regions "aws-us-east-1" and "us-east-1" are the same region. Serverless
 * lists (traffic filters, projects) are paged by "page-size" with an opaque
 * `next_page` token passed back as ?next_page=. organization_id is accepted
 * and ignored (one organization).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PM_TYPE_SANDBOX (pm_sandbox_get_type ())
G_DECLARE_FINAL_TYPE (PmSandbox, pm_sandbox, PM, SANDBOX, GObject)

#define PM_SANDBOX_DEFAULT_API_KEY   "sandbox-key"
#define PM_SANDBOX_DEFAULT_PAGE_SIZE 100

PmSandbox *pm_sandbox_new                 (void);

/* Properties: "api-key" (string, default "sandbox-key"), "seed" (guint64,
 * default 1), "empty" (boolean: no demo data), "page-size" (guint, default
 * 100, Serverless list pages). Set them before the state is first used
 * (start, dup_state). */
void       pm_sandbox_set_api_key         (PmSandbox  *self,
                                           const char *api_key);
void       pm_sandbox_set_seed            (PmSandbox  *self,
                                           guint64     seed);
void       pm_sandbox_set_empty           (PmSandbox  *self,
                                           gboolean    empty);
void       pm_sandbox_set_page_size       (PmSandbox  *self,
                                           guint       page_size);
/* A generated, deterministic large organization, on top of (or, with
 * "empty", instead of) the demo data: `policies` Hosted rule sets of
 * `rules` rules each, `deployments` deployments, some associations. */
void       pm_sandbox_set_scale           (PmSandbox  *self,
                                           guint       policies,
                                           guint       rules,
                                           guint       deployments);
/* "P,R,D" as on the command line. */
gboolean   pm_sandbox_parse_scale         (const char *text,
                                           guint      *policies,
                                           guint      *rules,
                                           guint      *deployments);

/* Listen on 127.0.0.1 (port 0: a free port). pm_sandbox_start serves on the
 * caller's thread-default main context; pm_sandbox_start_in_thread from its
 * own thread and main context. pm_sandbox_stop stops either (joining the
 * thread); it is also done on finalize. */
gboolean   pm_sandbox_start               (PmSandbox  *self,
                                           guint16     port,
                                           GError    **error);
gboolean   pm_sandbox_start_in_thread     (PmSandbox  *self,
                                           guint16     port,
                                           GError    **error);
/* pm_sandbox_start_in_thread in two steps, so that the caller can go on
 * while the sandbox makes its organization and starts listening: begin,
 * then wait until it listens (or failed to). A stopped sandbox that was
 * never waited for reports nothing. */
void       pm_sandbox_begin_in_thread     (PmSandbox  *self,
                                           guint16     port);
gboolean   pm_sandbox_wait_started        (PmSandbox  *self,
                                           GError    **error);
void       pm_sandbox_stop                (PmSandbox  *self);
guint16    pm_sandbox_get_port            (PmSandbox  *self);
char      *pm_sandbox_dup_base_url        (PmSandbox  *self);  /* "http://127.0.0.1:PORT", https with TLS */

/* Serve https with this certificate (and its private key), or plain http
 * with NULL (the default). Set it before starting. "tls-certificate" is
 * the property. */
void       pm_sandbox_set_tls_certificate (PmSandbox       *self,
                                           GTlsCertificate *certificate);
/* How many TCP connections the server accepted, and how many TLS
 * handshakes it completed on them (none without TLS), since it was made. */
guint      pm_sandbox_get_connection_count    (PmSandbox *self);
guint      pm_sandbox_get_tls_handshake_count (PmSandbox *self);

/* Fault injection. SPEC is KIND[:ARG][@METHOD[:PATH-PREFIX]][*COUNT][%PERCENT]:
 *   latency:MS          reply normally after MS milliseconds
 *   status:CODE         answer CODE (429, 500, 502, 503, 504 …) without acting
 *   retry-after:SECONDS 429 with a Retry-After header, without acting
 *   reset-before        drop the connection without acting
 *   reset-after         act on the request, then drop the connection unanswered
 *   truncate            act, answer the real status with the body cut in half
 *                       (Content-Length matches the cut body: invalid JSON)
 *   not-json            without acting, 200 with an HTML body (a proxy's page)
 *   stall:MS            act, send the headers and half the body, the rest
 *                       after MS milliseconds (a slow body)
 *   stale-etag          412 without acting
 *   race                a concurrent change to a Serverless project's
 *                       traffic_filters: on a project PATCH just before it is
 *                       applied (so its If-Match is stale), on any other
 *                       request on a project path just after it is answered
 *   not-found-after-create  the next GET of an id created by a matching POST
 *                       answers 404 once (eventual consistency); other
 *                       methods on it are not affected
 *   repeat-cursor, cursor-cycle, endless-pages
 *                       a Serverless listing's next_page names the first
 *                       page again; pages name each other in turn; pages
 *                       never end
 *   no-id               a listing's lists each lose their first element's
 *                       id (a claim's link_id)
 * METHOD may be "*" (any); PATH-PREFIX matches the start of the path. COUNT
 * limits how many requests it hits (default: unlimited); PERCENT makes it hit
 * at random (seeded by "seed"). Faults are tried in the order added; the
 * first that hits applies. Requests without a valid key are not faulted. */
gboolean   pm_sandbox_add_fault           (PmSandbox  *self,
                                           const char *spec,
                                           GError    **error);
void       pm_sandbox_clear_faults        (PmSandbox  *self);

/* A deep snapshot of the state:
 * { "hosted": { "rulesets": [ {TrafficFilterRulesetInfo + "associations"} ],
 *               "deployments": [ {"id","name","region"} ],
 *               "claims": [ {TrafficFilterClaimedLinkIdInfo} ] },
 *   "serverless": { "traffic_filters": [ {TrafficFilterInfo + "etag"} ],
 *                   "projects": [ {project + "etag"} ] } } */
JsonNode  *pm_sandbox_dup_state           (PmSandbox  *self);

/* How many requests with this method (NULL: any) whose path starts with
 * path_prefix (NULL: any) the server received, including faulted ones. */
guint      pm_sandbox_get_request_count   (PmSandbox  *self,
                                           const char *method,
                                           const char *path_prefix);

G_END_DECLS
