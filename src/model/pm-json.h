#pragma once

#include <json-glib/json-glib.h>

#include "pm-policy.h"
#include "pm-entity.h"
#include "pm-link-claim.h"

G_BEGIN_DECLS

/* JSON in and out for both APIs' shapes. Readers never trust a reply: wrong
 * types, missing fields, huge or non-UTF-8 strings give an error (or are
 * skipped where optional), never a crash. Unknown fields are kept in the
 * objects' "extra" and written back by whole-object requests. */

#define PM_JSON_ERROR (pm_json_error_quark ())
GQuark pm_json_error_quark (void);
typedef enum {
  PM_JSON_ERROR_PARSE,
  PM_JSON_ERROR_SHAPE,
  /* An element of a reply that cannot be known by anything: left out. */
  PM_JSON_ERROR_NO_ID,
} PmJsonError;

/* TrafficFilterRulesetInfo (Hosted/ECE) or TrafficFilterInfo (Serverless). */
PmPolicy   *pm_json_read_policy            (JsonNode     *node,
                                            PmFlavour     flavour,
                                            GError      **error);
/* TrafficFilterRulesets {rulesets:[…]} or TrafficFilterList {items:[…], next_page}. */
GPtrArray  *pm_json_read_policy_list       (JsonNode     *node,
                                            PmFlavour     flavour,
                                            char        **next_page_out,  /* nullable */
                                            GError      **error);
/* The same from a reply's bytes, read element by element without holding
 * the whole tree: PM_JSON_ERROR_PARSE when the bytes are not JSON,
 * PM_JSON_ERROR_SHAPE when the JSON is not a list of policies. */
GPtrArray  *pm_json_read_policy_list_bytes (GBytes       *bytes,
                                            PmFlavour     flavour,
                                            char        **next_page_out,  /* nullable */
                                            GError      **error);
/* Hosted/ECE: TrafficFilterRulesetRequest with the policy's extras (for POST
 * and PUT). Serverless: CreateTrafficFilterRequest. */
JsonNode   *pm_json_write_policy_request   (PmPolicy     *policy);
/* Serverless PatchTrafficFilterRequest: name, description, include_by_default, rules. */
JsonNode   *pm_json_write_policy_patch     (PmPolicy     *policy);
/* A request body (TrafficFilterRulesetRequest, CreateTrafficFilterRequest):
 * as pm_json_read_policy() but without an id. */
PmPolicy   *pm_json_read_policy_request    (JsonNode     *node,
                                            PmFlavour     flavour,
                                            GError      **error);
/* The whole policy as a reply gives it (TrafficFilterRulesetInfo with
 * associations when known, or TrafficFilterInfo), extras included. */
JsonNode   *pm_json_write_policy           (PmPolicy     *policy);
/* Apply a PatchTrafficFilterRequest; the policy is unchanged on error. */
gboolean    pm_json_apply_policy_patch     (PmPolicy     *policy,
                                            JsonNode     *node,
                                            GError      **error);
/* TrafficFilterRulesetResponse {id} (Hosted/ECE create). */
char       *pm_json_read_ruleset_response  (JsonNode     *node,
                                            GError      **error);
JsonNode   *pm_json_write_ruleset_response (const char   *id);

JsonNode   *pm_json_write_rule             (PmRule       *rule,
                                            PmPolicyType  type);
PmRule     *pm_json_read_rule              (JsonNode     *node,
                                            GError      **error);

/* How many elements the list readers left out on this thread since the
 * last call (an element without an id: nothing could refer to it), and
 * start counting again. */
guint       pm_json_take_left_out          (void);

/* Lenient in (see pm_policy_get_oddities()): a rule kept as the server
 * sent it (pm_rule_get_raw()), what is odd about it in one sentence;
 * NULL for a rule that is not kept. */
char       *pm_json_dup_rule_oddity        (PmRule       *rule,
                                            PmPolicyType  type,
                                            PmFlavour     flavour);
/* Keep a rule that reads but holds a value Perimeter would not send (a
 * source its type does not take) exactly as it is, until it is changed. */
void        pm_json_keep_rule_as_is        (PmRule       *rule,
                                            PmPolicyType  type,
                                            PmFlavour     flavour);

/* RulesetAssociations {associations, total_associations}. */
GPtrArray  *pm_json_read_associations      (JsonNode     *node,
                                            int          *total_out,
                                            GError      **error);
JsonNode   *pm_json_write_association      (PmAssociation *association);
/* One FilterAssociation {entity_type, id} (the body of an associate request). */
PmAssociation *pm_json_read_association    (JsonNode     *node,
                                            GError      **error);

/* DeploymentsListResponse → PmEntity (kind DEPLOYMENT). */
GPtrArray  *pm_json_read_deployments       (JsonNode     *node,
                                            GError      **error);
/* The same from a reply's bytes, element by element (errors as
 * pm_json_read_policy_list_bytes()). */
GPtrArray  *pm_json_read_deployments_bytes (GBytes       *bytes,
                                            GError      **error);
/* A Serverless project object, or a project list {items, next_page}. */
PmEntity   *pm_json_read_project           (JsonNode     *node,
                                            GError      **error);
GPtrArray  *pm_json_read_project_list      (JsonNode     *node,
                                            char        **next_page_out,
                                            GError      **error);

GPtrArray  *pm_json_read_project_list_bytes (GBytes      *bytes,
                                             char       **next_page_out,
                                             GError     **error);

/* A Serverless project PATCH body {"traffic_filters": [{"id"}, …]}: the
 * complete list of the project's policies. */
JsonNode   *pm_json_write_project_patch    (const char * const *policy_ids);
/* Reads that body; *policy_ids_out is NULL when it has no traffic_filters. */
gboolean    pm_json_read_project_patch     (JsonNode     *node,
                                            GStrv        *policy_ids_out,
                                            GError      **error);

/* TrafficFilterClaimedLinkIds and TrafficFilterClaimedLinkIdRequest. */
GPtrArray  *pm_json_read_claims            (JsonNode     *node,
                                            GError      **error);
JsonNode   *pm_json_write_claim_request    (PmLinkClaim  *claim);
/* One TrafficFilterClaimedLinkIdInfo or TrafficFilterClaimedLinkIdRequest. */
PmLinkClaim *pm_json_read_claim            (JsonNode     *node,
                                            GError      **error);

/* Serverless TrafficFilterMetadata {regions:[…]} → PmRegion (flavour SERVERLESS). */
GPtrArray  *pm_json_read_metadata          (JsonNode     *node,
                                            GError      **error);

/* {"errors":[{code,message,fields}]}: the first error's code and message and
 * all fields; FALSE when the body is not in that shape. */
gboolean    pm_json_read_error_body        (JsonNode     *node,
                                            char        **code_out,
                                            char        **message_out,
                                            GStrv        *fields_out);

/* Parse bytes into a node with a clear error (offset, not UTF-8, empty). */
JsonNode   *pm_json_parse_bytes            (GBytes       *bytes,
                                            GError      **error);
char       *pm_json_to_string              (JsonNode     *node,
                                            gboolean      pretty);

/* json_node_copy() shares objects and arrays (with reference counts that
 * are not atomic); this copies all the way down, so that the copy shares
 * nothing with what another thread holds. */
JsonNode   *pm_json_node_copy_deep         (JsonNode     *node);

G_END_DECLS
