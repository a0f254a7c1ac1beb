/* pm-sandbox-private.h: the sandbox's state and the pieces that share it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pm-sandbox.h"

G_BEGIN_DECLS

/* A policy of either API. `obj` holds the fields as the API spells them
 * (name, description, type, include_by_default, region, rules). */
typedef struct {
  char       *id;
  JsonObject *obj;
  GPtrArray  *deployments;   /* Hosted: associated deployment ids (char *) */
  guint64     version;       /* Serverless: ETag */
} PmSbPolicy;

typedef struct {
  char *id;
  char *name;
  char *region;
  char *es_id;
  char *kibana_id;
} PmSbDeployment;

typedef struct {
  char      *id;
  char      *type;           /* elasticsearch, observability, security */
  char      *name;
  char      *alias;
  char      *region_id;      /* "aws-us-east-1", "azure-eastus2" … */
  char      *created_at;
  GPtrArray *filters;        /* traffic filter ids (char *) */
  guint64    version;        /* ETag */
} PmSbProject;

typedef struct {
  char *region;
  char *link_id;
  char *azure_endpoint_name;
  char *azure_endpoint_guid;
} PmSbClaim;

typedef struct {
  GRand      *rand;
  GPtrArray  *rulesets;      /* PmSbPolicy, Hosted/ECE */
  GHashTable *ruleset_by_id;
  GPtrArray  *deployments;   /* PmSbDeployment */
  GHashTable *deployment_by_id;
  GPtrArray  *filters;       /* PmSbPolicy, Serverless */
  GHashTable *filter_by_id;
  GPtrArray  *projects;      /* PmSbProject */
  GHashTable *project_by_id;
  GPtrArray  *claims;        /* PmSbClaim */
  GHashTable *hidden_once;   /* ids whose next GET answers 404 */
  guint64     etag_counter;
  guint       page_size;
  JsonNode   *regions;       /* regions.json */
} PmSbState;

typedef struct {
  const char *method;
  const char *path;
  GHashTable *query;         /* may be NULL */
  const char *body;          /* NUL-terminated, may be NULL */
  gsize       body_length;
  const char *if_match;
  char      **segments;      /* path split on "/", without the leading "" */
  guint       n_segments;
} PmSbRequest;

typedef struct {
  guint     status;
  JsonNode *body;            /* NULL: no body */
  char     *etag;            /* quoted; NULL: none */
  char     *created_id;      /* set by creates (for not-found-after-create) */
  char     *project_id;      /* set by project requests (for race) */
} PmSbReply;

/* pm-sandbox-state.c */
PmSbState  *pm_sb_state_new              (guint64 seed, guint page_size);
void        pm_sb_state_free             (PmSbState *state);
char       *pm_sb_state_new_id           (PmSbState *state);
char       *pm_sb_state_next_etag        (PmSbState *state, guint64 *version);
char       *pm_sb_etag_string            (guint64 version);
PmSbPolicy *pm_sb_policy_new             (char *id, JsonObject *obj);
void        pm_sb_policy_free            (PmSbPolicy *policy);
void        pm_sb_state_add_ruleset      (PmSbState *state, PmSbPolicy *policy);
void        pm_sb_state_add_filter       (PmSbState *state, PmSbPolicy *policy);
PmSbDeployment *pm_sb_state_add_deployment (PmSbState *state, const char *name, const char *region);
PmSbProject *pm_sb_state_add_project     (PmSbState *state, const char *type, const char *name,
                                          const char *region_id);
void        pm_sb_state_add_claim        (PmSbState *state, const char *region, const char *link_id,
                                          const char *azure_name, const char *azure_guid);
JsonNode   *pm_sb_state_dup             (PmSbState *state);
gboolean    pm_sb_same_region           (const char *a, const char *b);
JsonArray  *pm_sb_associations_to_json  (PmSbPolicy *policy);
/* The policy id names in by_id, or a 404 naming field ("The WHAT ID cannot be found"). */
PmSbPolicy *pm_sb_lookup_policy         (PmSbState *state, GHashTable *by_id, PmSbRequest *request,
                                         const char *id, PmSbReply *reply, const char *field,
                                         const char *what);
JsonObject *pm_sb_ruleset_to_json       (PmSbState *state, PmSbPolicy *policy, gboolean associations);
JsonObject *pm_sb_filter_to_json        (PmSbPolicy *policy);
JsonObject *pm_sb_project_to_json       (PmSbProject *project);
JsonObject *pm_sb_claim_to_json         (PmSbClaim *claim);

void        pm_sb_reply_clear           (PmSbReply *reply);
void        pm_sb_reply_error           (PmSbReply *reply, guint status, const char *code,
                                         const char *field, const char *format, ...) G_GNUC_PRINTF (5, 6);
void        pm_sb_reply_object          (PmSbReply *reply, guint status, JsonObject *object);
const char *pm_sb_query                 (PmSbRequest *request, const char *name);
gboolean    pm_sb_query_bool            (PmSbRequest *request, const char *name);
/* Parses the body as a JSON object, or answers 400 and returns NULL. */
JsonObject *pm_sb_parse_body            (PmSbRequest *request, PmSbReply *reply, const char *code);
/* Checks one rule of a policy type; on failure answers 400 and returns FALSE. */
gboolean    pm_sb_check_rules           (JsonObject *obj, gboolean serverless, PmSbReply *reply,
                                         const char *code);
gboolean    pm_sb_is_ip_or_cidr         (const char *text);

/* pm-sandbox-hosted.c / pm-sandbox-serverless.c: FALSE when the path is not theirs. */
gboolean    pm_sb_handle_hosted         (PmSbState *state, PmSbRequest *request, PmSbReply *reply);
gboolean    pm_sb_handle_serverless     (PmSbState *state, PmSbRequest *request, PmSbReply *reply);
/* The race fault: change the project's traffic filters behind the client's back. */
void        pm_sb_race_project          (PmSbState *state, const char *project_id);

/* pm-sandbox-demo.c */
void        pm_sb_state_fill_demo       (PmSbState *state);
void        pm_sb_state_fill_scale      (PmSbState *state, guint policies, guint rules,
                                         guint deployments);

/* pm-sandbox-fault.c */
typedef enum {
  PM_SB_FAULT_LATENCY,
  PM_SB_FAULT_STATUS,
  PM_SB_FAULT_RETRY_AFTER,
  PM_SB_FAULT_RESET_BEFORE,
  PM_SB_FAULT_RESET_AFTER,
  PM_SB_FAULT_TRUNCATE,
  PM_SB_FAULT_NOT_JSON,
  PM_SB_FAULT_STALL,
  PM_SB_FAULT_STALE_ETAG,
  PM_SB_FAULT_RACE,
  PM_SB_FAULT_NOT_FOUND_AFTER_CREATE,
  /* Bad pagers, on Serverless listings: every page names the first again;
   * pages name each other in turn (A → B → A); pages never end (empty ones
   * still name a next). */
  PM_SB_FAULT_REPEAT_CURSOR,
  PM_SB_FAULT_CURSOR_CYCLE,
  PM_SB_FAULT_ENDLESS_PAGES,
  /* A listing whose lists' first elements have no id */
  PM_SB_FAULT_NO_ID,
} PmSbFaultKind;

typedef struct {
  PmSbFaultKind kind;
  guint         arg;
  char         *method;      /* NULL: any */
  char         *path_prefix; /* NULL: any */
  gint          count;       /* -1: unlimited */
  guint         percent;     /* 100: always */
} PmSbFault;

PmSbFault  *pm_sb_fault_parse           (const char *spec, GError **error);
void        pm_sb_fault_free            (PmSbFault *fault);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmSbFault, pm_sb_fault_free)
/* The first fault that hits this request (and counts it), or NULL. */
PmSbFault  *pm_sb_faults_match          (GPtrArray *faults, GRand *rand, const char *method,
                                         const char *path);

/* A Serverless listing's reply, its next_page made as a bad pager's
 * (kind: PM_SB_FAULT_REPEAT_CURSOR, _CURSOR_CYCLE or _ENDLESS_PAGES). */
void        pm_sb_bad_pager              (PmSbReply   *reply,
                                          PmSbFaultKind kind,
                                          GHashTable  *query,
                                          guint        page_size);

/* A listing's reply with what identifies each list's first element ("id",
 * a claim's "link_id") removed (PM_SB_FAULT_NO_ID). */
void        pm_sb_drop_first_id          (PmSbReply   *reply);

G_END_DECLS
