/* test-faults.c: the fault matrix — every fault against every operation
 *
 * For each fault the sandbox can inject and each operation the app performs,
 * one test case runs the operation through the real client while the fault
 * hits its key request once, then checks through the sandbox's own state:
 * nothing was duplicated, nothing someone else changed was overwritten, the
 * error (if any) says what happened, a retry after the fault succeeds, and
 * the main loop never stalled beyond 100 ms. The last case prints the matrix
 * (fault × operation → outcome) and fails on any cell that lost data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-api.h"
#include "pm-json.h"
#include "pm-sandbox.h"
#include "pm-test-api.h"
#include "pm-test-util.h"

#define STALL_LIMIT_US (100 * 1000)

typedef struct {
  const char *name;
  const char *spec;      /* the fault kind and argument; scope is added per operation */
} Fault;

static const Fault faults[] = {
  { "429", "status:429" },
  { "429+retry-after", "retry-after:1" },
  { "500", "status:500" },
  { "502", "status:502" },
  { "503", "status:503" },
  { "504", "status:504" },
  { "reset-before", "reset-before" },
  { "reset-after", "reset-after" },
  { "truncated", "truncate" },
  { "not-json", "not-json" },
  { "stall-20s", "stall:20000" },
  { "stale-etag", "stale-etag" },
  { "404-after-create", "not-found-after-create" },
  { "401", "status:401" },
  { "403", "status:403" },
  { "race", "race" },
};

typedef struct _Op Op;

typedef struct {
  PmSandbox *sandbox;
  PmApi     *api;
  PmFlavour  flavour;
  char      *marker;       /* unique text for the objects of this cell */
  char      *policy_id;    /* prepared policy, if any */
  PmEntity  *entity;       /* prepared entity, if any */
  PmLinkClaim *claim;
  GPtrArray *before_filters; /* Serverless project: its filters before the change */
} Cell;

struct _Op {
  const char *name;
  PmFlavour   flavour;
  const char *scope;                              /* @METHOD:PATH-PREFIX of the key request */
  void      (*prepare) (Cell *cell);
  gboolean  (*run)     (Cell *cell, GError **error);
  /* Whether a second try after a failure counts as done even if it errors
   * with this (e.g. NOT_FOUND when deleting what the first try deleted). */
  int         done_code;
  void      (*verify)  (Cell *cell, gboolean succeeded, GString *problems);
};

/* ---- helpers ---------------------------------------------------------- */

static JsonArray *
state_array (PmSandbox  *sandbox,
             const char *flavour,
             const char *member,
             JsonNode  **keep)
{
  *keep = pm_sandbox_dup_state (sandbox);
  return json_object_get_array_member (json_object_get_object_member (json_node_get_object (*keep), flavour),
                                       member);
}

static guint
count_policies_named (Cell       *cell,
                      const char *name)
{
  g_autoptr(JsonNode) keep = NULL;
  gboolean serverless = cell->flavour == PM_FLAVOUR_SERVERLESS;
  JsonArray *array = state_array (cell->sandbox, serverless ? "serverless" : "hosted",
                                  serverless ? "traffic_filters" : "rulesets", &keep);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (array, i), "name"), name) == 0)
      n++;
  return n;
}

static JsonObject *
find_by_id (JsonArray  *array,
            const char *id)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      if (g_strcmp0 (json_object_get_string_member_with_default (object, "id", NULL), id) == 0)
        return object;
    }
  return NULL;
}

static PmPolicy *
draft_policy (Cell *cell)
{
  const char *region = pm_entity_get_region (cell->entity);
  PmPolicy *policy = pm_policy_new (cell->flavour, PM_POLICY_TYPE_IP);
  g_autoptr(PmRule) rule = pm_rule_new ();

  pm_policy_set_name (policy, cell->marker);
  pm_policy_set_description (policy, "original");
  pm_policy_set_region (policy, region);
  pm_rule_set_source (rule, "192.0.2.0/24");
  pm_policy_add_rule (policy, rule);
  return policy;
}

/* An entity of the flavour in an AWS region (its policies are plain ip). */
static PmEntity *
pick_entity (Cell *cell)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entities = pm_test_api_list_entities (cell->api, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < entities->len; i++)
    {
      PmEntity *entity = g_ptr_array_index (entities, i);
      const char *region = pm_entity_get_region (entity);

      if (region != NULL && (g_str_has_suffix (region, "us-east-1")))
        return g_object_ref (entity);
    }
  g_assert_not_reached ();
  return NULL;
}

static PmEntity *
fresh_entity (Cell *cell)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entities = pm_test_api_list_entities (cell->api, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < entities->len; i++)
    if (g_str_equal (pm_entity_get_id (g_ptr_array_index (entities, i)), pm_entity_get_id (cell->entity)))
      return g_object_ref (g_ptr_array_index (entities, i));
  g_assert_not_reached ();
  return NULL;
}

static void
prepare_policy (Cell *cell)
{
  g_autoptr(PmPolicy) draft = draft_policy (cell);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) created = pm_test_api_create_policy (cell->api, draft, &error);

  g_assert_no_error (error);
  cell->policy_id = g_strdup (pm_policy_get_id (created));
}

static gboolean
associate (Cell     *cell,
           GError  **error)
{
  g_autoptr(PmEntity) entity = fresh_entity (cell);

  return pm_test_api_associate (cell->api, cell->policy_id, entity, TRUE, error);
}

static void
prepare_associated (Cell *cell)
{
  g_autoptr(GError) error = NULL;

  prepare_policy (cell);
  g_assert_true (associate (cell, &error));
  g_assert_no_error (error);
}

static void
prepare_claim (Cell *cell)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pm_test_api_claim (cell->api, cell->claim, TRUE, &error));
  g_assert_no_error (error);
}

/* ---- operations --------------------------------------------------------- */

static gboolean
run_list (Cell *cell, GError **error)
{
  g_autoptr(GPtrArray) policies =
    pm_test_api_list_policies (cell->api, NULL, PM_API_LIST_INCLUDE_ASSOCIATIONS, error);

  return policies != NULL;
}

static gboolean
run_show (Cell *cell, GError **error)
{
  g_autoptr(PmPolicy) policy = pm_test_api_get_policy (cell->api, cell->policy_id, error);

  if (policy != NULL)
    g_assert_cmpstr (pm_policy_get_name (policy), ==, cell->marker);
  return policy != NULL;
}

static gboolean
run_create (Cell *cell, GError **error)
{
  g_autoptr(PmPolicy) draft = draft_policy (cell);
  g_autoptr(PmPolicy) kept = pm_policy_copy (draft);
  g_autoptr(PmPolicy) created = pm_test_api_create_policy (cell->api, draft, error);

  /* What the user typed is untouched by whatever happened. */
  g_assert_true (pm_policy_equal (draft, kept));
  return created != NULL;
}

static gboolean
run_update (Cell *cell, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(PmPolicy) policy = pm_test_api_get_policy (cell->api, cell->policy_id, &local);
  g_autoptr(PmPolicy) kept = NULL;
  g_autoptr(PmPolicy) updated = NULL;

  g_assert_no_error (local);
  pm_policy_set_description (policy, "edited");
  kept = pm_policy_copy (policy);
  updated = pm_test_api_update_policy (cell->api, policy, error);
  g_assert_true (pm_policy_equal (policy, kept));
  return updated != NULL;
}

static gboolean
run_delete (Cell *cell, GError **error)
{
  return pm_test_api_delete_policy (cell->api, cell->policy_id, FALSE, error);
}

static gboolean
run_detach (Cell *cell, GError **error)
{
  g_autoptr(PmEntity) entity = fresh_entity (cell);

  return pm_test_api_associate (cell->api, cell->policy_id, entity, FALSE, error);
}

static gboolean
run_claim (Cell *cell, GError **error)
{
  return pm_test_api_claim (cell->api, cell->claim, TRUE, error);
}

static gboolean
run_unclaim (Cell *cell, GError **error)
{
  return pm_test_api_claim (cell->api, cell->claim, FALSE, error);
}

/* Serverless: remember the project's other filters, which must survive. */
static void
prepare_project_update (Cell *cell)
{
  g_autoptr(PmEntity) entity = NULL;
  const char * const *ids;

  prepare_policy (cell);
  entity = fresh_entity (cell);
  ids = pm_entity_get_policy_ids (entity);
  cell->before_filters = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    g_ptr_array_add (cell->before_filters, g_strdup (ids[i]));
}

/* ---- verification --------------------------------------------------------- */

static void
verify_nothing (Cell *cell, gboolean succeeded, GString *problems)
{
}

static void
verify_created_once (Cell *cell, gboolean succeeded, GString *problems)
{
  guint n = count_policies_named (cell, cell->marker);

  if (n != 1)
    g_string_append_printf (problems, "DUPLICATE or LOST: %u policies named %s; ", n, cell->marker);
}

static void
verify_updated (Cell *cell, gboolean succeeded, GString *problems)
{
  g_autoptr(JsonNode) keep = NULL;
  gboolean serverless = cell->flavour == PM_FLAVOUR_SERVERLESS;
  JsonArray *array = state_array (cell->sandbox, serverless ? "serverless" : "hosted",
                                  serverless ? "traffic_filters" : "rulesets", &keep);
  JsonObject *policy = find_by_id (array, cell->policy_id);

  if (policy == NULL)
    g_string_append (problems, "LOST: the policy is gone; ");
  else if (g_strcmp0 (json_object_get_string_member_with_default (policy, "description", ""), "edited") != 0)
    g_string_append (problems, "LOST: the edit is not on the server after a retry; ");
  else if (json_array_get_length (json_object_get_array_member (policy, "rules")) != 1)
    g_string_append (problems, "OVERWRITTEN: the rules changed; ");
}

static void
verify_deleted (Cell *cell, gboolean succeeded, GString *problems)
{
  if (count_policies_named (cell, cell->marker) != 0)
    g_string_append (problems, "the policy is still there after a retry; ");
}

static gboolean
is_associated (Cell *cell)
{
  g_autoptr(PmEntity) entity = fresh_entity (cell);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) held = pm_test_api_list_entity_policies (cell->api, entity, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < held->len; i++)
    if (g_str_equal (pm_policy_get_id (g_ptr_array_index (held, i)), cell->policy_id))
      return TRUE;
  return FALSE;
}

static void
verify_associated (Cell *cell, gboolean succeeded, GString *problems)
{
  if (!is_associated (cell))
    g_string_append (problems, "LOST: not associated after a retry; ");
}

static void
verify_detached (Cell *cell, gboolean succeeded, GString *problems)
{
  if (is_associated (cell))
    g_string_append (problems, "still associated after a retry; ");
}

static guint
count_claims (Cell *cell)
{
  g_autoptr(JsonNode) keep = NULL;
  JsonArray *array = state_array (cell->sandbox, "hosted", "claims", &keep);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (json_array_get_object_element (array, i),
                                                               "link_id", NULL),
                   pm_link_claim_get_link_id (cell->claim)) == 0)
      n++;
  return n;
}

static void
verify_claimed (Cell *cell, gboolean succeeded, GString *problems)
{
  guint n = count_claims (cell);

  if (n != 1)
    g_string_append_printf (problems, "DUPLICATE or LOST: %u claims; ", n);
}

static void
verify_unclaimed (Cell *cell, gboolean succeeded, GString *problems)
{
  if (count_claims (cell) != 0)
    g_string_append (problems, "still claimed after a retry; ");
}

static void
verify_project (Cell *cell, gboolean succeeded, GString *problems)
{
  g_autoptr(PmEntity) entity = fresh_entity (cell);
  const char * const *ids = pm_entity_get_policy_ids (entity);

  if (ids == NULL || !g_strv_contains (ids, cell->policy_id))
    g_string_append (problems, "LOST: the policy is not on the project after a retry; ");
  for (guint i = 0; i < cell->before_filters->len; i++)
    if (ids == NULL || !g_strv_contains (ids, g_ptr_array_index (cell->before_filters, i)))
      g_string_append_printf (problems, "OVERWRITTEN: filter %s was dropped from the project; ",
                              (char *) g_ptr_array_index (cell->before_filters, i));
}

#define HOSTED_RULESETS "/api/v1/deployments/traffic-filter/rulesets"
#define SERVERLESS_PROJECTS "/api/v1/serverless/projects/"

static const Op ops[] = {
  { "list", PM_FLAVOUR_HOSTED, "@GET:" HOSTED_RULESETS, NULL, run_list, -1, verify_nothing },
  { "show", PM_FLAVOUR_HOSTED, "@GET:" HOSTED_RULESETS "/", prepare_policy, run_show, -1, verify_nothing },
  { "create", PM_FLAVOUR_HOSTED, "@POST:" HOSTED_RULESETS, NULL, run_create, -1, verify_created_once },
  { "update", PM_FLAVOUR_HOSTED, "@PUT:" HOSTED_RULESETS "/", prepare_policy, run_update, -1, verify_updated },
  { "delete", PM_FLAVOUR_HOSTED, "@DELETE:" HOSTED_RULESETS "/", prepare_policy, run_delete,
    PM_API_ERROR_NOT_FOUND, verify_deleted },
  { "associate", PM_FLAVOUR_HOSTED, "@POST:" HOSTED_RULESETS "/", prepare_policy, associate, -1, verify_associated },
  { "detach", PM_FLAVOUR_HOSTED, "@DELETE:" HOSTED_RULESETS "/", prepare_associated, run_detach,
    PM_API_ERROR_NOT_FOUND, verify_detached },
  { "claim", PM_FLAVOUR_HOSTED, "@POST:/api/v1/deployments/traffic-filter/link-ids/_claim", NULL, run_claim,
    PM_API_ERROR_INVALID, verify_claimed },
  { "unclaim", PM_FLAVOUR_HOSTED, "@POST:/api/v1/deployments/traffic-filter/link-ids/_unclaim", prepare_claim,
    run_unclaim, PM_API_ERROR_INVALID, verify_unclaimed },
  { "serverless-create", PM_FLAVOUR_SERVERLESS, "@POST:/api/v1/serverless/traffic-filters", NULL, run_create, -1,
    verify_created_once },
  { "serverless-update", PM_FLAVOUR_SERVERLESS, "@PATCH:/api/v1/serverless/traffic-filters/", prepare_policy,
    run_update, -1, verify_updated },
  { "project-update", PM_FLAVOUR_SERVERLESS, "@PATCH:" SERVERLESS_PROJECTS, prepare_project_update, associate,
    -1, verify_project },
};

/* ---- the matrix ------------------------------------------------------------ */

static PmSandbox *sandbox;
static GString *matrix[G_N_ELEMENTS (faults)];
static guint data_loss_cells;
static gint64 last_tick, max_gap;

static gboolean
on_tick (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick != 0)
    max_gap = MAX (max_gap, now - last_tick);
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

static const char *
error_name (int code)
{
  static const char *names[] = {
    [PM_API_ERROR_FAILED] = "failed", [PM_API_ERROR_INVALID] = "invalid",
    [PM_API_ERROR_UNAUTHORIZED] = "unauthorized", [PM_API_ERROR_FORBIDDEN] = "forbidden",
    [PM_API_ERROR_NOT_FOUND] = "not found", [PM_API_ERROR_CONFLICT] = "conflict",
    [PM_API_ERROR_RATE_LIMITED] = "rate limited", [PM_API_ERROR_SERVER] = "server",
    [PM_API_ERROR_NETWORK] = "network", [PM_API_ERROR_TLS] = "tls",
    [PM_API_ERROR_TIMEOUT] = "timeout", [PM_API_ERROR_BAD_REPLY] = "bad reply",
    [PM_API_ERROR_INSECURE] = "insecure", [PM_API_ERROR_UNSUPPORTED] = "unsupported",
  };

  return code >= 0 && code < (int) G_N_ELEMENTS (names) && names[code] ? names[code] : "?";
}

static PmApi *
make_api (PmFlavour flavour)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = pm_sandbox_dup_base_url (sandbox);
  g_autoptr(PmHttp) http = pm_http_new (url, PM_SANDBOX_DEFAULT_API_KEY, &error);

  g_assert_no_error (error);
  /* Quick retries and a short timeout keep the matrix fast; the stall is 20 s. */
  pm_http_set_retry_policy (http, 4, 20, 5000);
  pm_http_set_timeout (http, 2);
  return pm_api_new_for_flavour (flavour, http);
}

static void
cell_clear (Cell *cell)
{
  g_clear_object (&cell->api);
  g_clear_object (&cell->entity);
  g_clear_object (&cell->claim);
  g_clear_pointer (&cell->marker, g_free);
  g_clear_pointer (&cell->policy_id, g_free);
  g_clear_pointer (&cell->before_filters, g_ptr_array_unref);
}

static void
test_cell (gconstpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  const Fault *fault = &faults[index / G_N_ELEMENTS (ops)];
  const Op *op = &ops[index % G_N_ELEMENTS (ops)];
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *spec = g_strdup_printf ("%s%s*1", fault->spec, op->scope);
  g_autofree char *outcome = NULL;
  Cell cell = { sandbox, NULL, op->flavour };
  gboolean succeeded;
  guint tick;
  static guint serial;

  cell.api = make_api (op->flavour);
  cell.marker = g_strdup_printf ("fault-cell-%u", ++serial);
  cell.entity = pick_entity (&cell);
  {
    g_autofree char *link = g_strdup_printf ("vpce-%017x", serial);
    cell.claim = pm_link_claim_new_link_id ("us-east-1", link);
  }
  if (op->prepare)
    op->prepare (&cell);

  pm_sandbox_clear_faults (sandbox);
  g_assert_true (pm_sandbox_add_fault (sandbox, spec, NULL));
  last_tick = 0;
  max_gap = 0;
  tick = g_timeout_add_full (G_PRIORITY_HIGH, 1, on_tick, NULL, NULL);
  succeeded = op->run (&cell, &error);
  g_source_remove (tick);
  pm_sandbox_clear_faults (sandbox);

  if (succeeded)
    outcome = g_strdup ("ok");
  else
    {
      g_assert_error (error, PM_API_ERROR, error->code);
      /* Words for a person, naming the problem. */
      if (error->message == NULL || strlen (error->message) < 12 || strstr (error->message, "(null)"))
        g_string_append_printf (problems, "unclear message \"%s\"; ", error->message);
      outcome = g_strdup_printf ("error: %s", error_name (error->code));
      /* The user tries again once the fault has passed. */
      {
        g_autoptr(GError) again = NULL;
        if (!op->run (&cell, &again) && !(op->done_code >= 0 && again->code == op->done_code))
          g_string_append_printf (problems, "retry failed: %s; ", again->message);
      }
    }
  op->verify (&cell, succeeded, problems);
  if (max_gap > STALL_LIMIT_US)
    g_string_append_printf (problems, "main loop stalled %" G_GINT64_FORMAT " ms; ", max_gap / 1000);

  if (matrix[index / G_N_ELEMENTS (ops)] == NULL)
    matrix[index / G_N_ELEMENTS (ops)] = g_string_new (NULL);
  g_string_append_printf (matrix[index / G_N_ELEMENTS (ops)], " %-19s |",
                          problems->len ? "LOST/BROKEN" : outcome);
  if (problems->len)
    {
      data_loss_cells++;
      g_test_message ("%s × %s: %s", fault->name, op->name, problems->str);
    }
  cell_clear (&cell);
  g_assert_cmpstr (problems->str, ==, "");
}

static void
test_print_matrix (void)
{
  g_autoptr(GString) header = g_string_new ("fault \\ operation  |");

  for (guint j = 0; j < G_N_ELEMENTS (ops); j++)
    g_string_append_printf (header, " %-19s |", ops[j].name);
  g_test_message ("%s", header->str);
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    g_test_message ("%-18s |%s", faults[i].name, matrix[i] ? matrix[i]->str : "");
  g_assert_cmpuint (data_loss_cells, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  sandbox = pm_sandbox_new ();
  pm_sandbox_start_in_thread (sandbox, 0, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    for (guint j = 0; j < G_N_ELEMENTS (ops); j++)
      {
        g_autofree char *path = g_strdup_printf ("/faults/%s/%s", faults[i].name, ops[j].name);
        g_test_add_data_func (path, GUINT_TO_POINTER (i * G_N_ELEMENTS (ops) + j), test_cell);
      }
  /* A suite added last runs last: after every cell. */
  g_test_add_func ("/faults/summary/matrix", test_print_matrix);

  status = g_test_run ();
  pm_sandbox_stop (sandbox);
  g_clear_object (&sandbox);
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    if (matrix[i])
      g_string_free (matrix[i], TRUE);
  return status;
}
