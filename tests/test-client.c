/* test-client.c: PmRulesetApi and PmServerlessApi against the real sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pm-api.h"
#include "pm-json.h"
#include "pm-region.h"
#include "pm-sandbox.h"
#include "pm-serverless-api.h"
#include "pm-test-api.h"
#include "pm-test-util.h"

typedef struct {
  PmFlavour  flavour;
  PmSandbox *sandbox;
  PmHttp    *http;
  PmApi     *api;
} Fixture;

/* Fixture */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  f->flavour = GPOINTER_TO_INT (data);
  f->sandbox = pm_sandbox_new ();
  /* its own thread, as a real server: replies and resets race the client */
  g_assert_true (pm_sandbox_start_in_thread (f->sandbox, 0, &error));
  g_assert_no_error (error);
  url = pm_sandbox_dup_base_url (f->sandbox);
  f->http = pm_http_new (url, PM_SANDBOX_DEFAULT_API_KEY, &error);
  g_assert_no_error (error);
  pm_http_set_retry_policy (f->http, 4, 20, 5000);
  pm_http_set_timeout (f->http, 10);
  f->api = pm_api_new_for_flavour (f->flavour, f->http);
  g_assert_cmpint (pm_api_get_flavour (f->api), ==, f->flavour);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->api);
  g_clear_object (&f->http);
  pm_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
}

/* The sandbox's state */

static gboolean
serverless (Fixture *f)
{
  return f->flavour == PM_FLAVOUR_SERVERLESS;
}

static JsonArray *
state_array (JsonNode   *state,
             const char *flavour,
             const char *member)
{
  JsonObject *root = json_node_get_object (state);

  return json_object_get_array_member (json_object_get_object_member (root, flavour), member);
}

static JsonArray *
state_policies (Fixture  *f,
                JsonNode *state)
{
  return serverless (f) ? state_array (state, "serverless", "traffic_filters")
                        : state_array (state, "hosted", "rulesets");
}

static guint
count_policies (Fixture *f)
{
  g_autoptr(JsonNode) state = pm_sandbox_dup_state (f->sandbox);

  return json_array_get_length (state_policies (f, state));
}

static guint
count_named (Fixture    *f,
             const char *name)
{
  g_autoptr(JsonNode) state = pm_sandbox_dup_state (f->sandbox);
  JsonArray *policies = state_policies (f, state);
  guint i, n = 0;

  for (i = 0; i < json_array_get_length (policies); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (policies, i), "name"), name) == 0)
      n++;
  return n;
}

/* The state's object for a policy id (a new reference), or NULL. */
static JsonObject *
state_policy (Fixture    *f,
              const char *id)
{
  g_autoptr(JsonNode) state = pm_sandbox_dup_state (f->sandbox);
  JsonArray *policies = state_policies (f, state);
  guint i;

  for (i = 0; i < json_array_get_length (policies); i++)
    {
      JsonObject *object = json_array_get_object_element (policies, i);

      if (g_strcmp0 (json_object_get_string_member (object, "id"), id) == 0)
        return json_object_ref (object);
    }
  return NULL;
}

static gboolean
project_has_filter (Fixture    *f,
                    const char *project_id,
                    const char *policy_id)
{
  g_autoptr(JsonNode) state = pm_sandbox_dup_state (f->sandbox);
  JsonArray *projects = state_array (state, "serverless", "projects");
  guint i, j;

  for (i = 0; i < json_array_get_length (projects); i++)
    {
      JsonObject *project = json_array_get_object_element (projects, i);
      JsonArray *filters;

      if (g_strcmp0 (json_object_get_string_member (project, "id"), project_id) != 0)
        continue;
      filters = json_object_get_array_member (project, "traffic_filters");
      for (j = 0; filters != NULL && j < json_array_get_length (filters); j++)
        if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (filters, j), "id"),
                       policy_id) == 0)
          return TRUE;
      return FALSE;
    }
  g_assert_not_reached ();
}

static gboolean
ruleset_has_deployment (Fixture    *f,
                        const char *policy_id,
                        const char *deployment_id)
{
  g_autoptr(JsonObject) ruleset = state_policy (f, policy_id);
  JsonArray *associations;
  guint i;

  g_assert_nonnull (ruleset);
  associations = json_object_get_array_member (ruleset, "associations");
  for (i = 0; associations != NULL && i < json_array_get_length (associations); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (associations, i), "id"),
                   deployment_id) == 0)
      return TRUE;
  return FALSE;
}

/* Finding things */

static PmPolicy *
find_named (GPtrArray  *policies,
            const char *name)
{
  guint i;

  for (i = 0; i < policies->len; i++)
    if (g_strcmp0 (pm_policy_get_name (g_ptr_array_index (policies, i)), name) == 0)
      return g_ptr_array_index (policies, i);
  return NULL;
}

static PmEntity *
find_entity (GPtrArray  *entities,
             const char *name)
{
  guint i;

  for (i = 0; i < entities->len; i++)
    if (g_strcmp0 (pm_entity_get_name (g_ptr_array_index (entities, i)), name) == 0)
      return g_ptr_array_index (entities, i);
  g_error ("no entity named %s", name);
}

static PmPolicy *
find_policy (Fixture    *f,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) policies = pm_test_api_list_policies (f->api, NULL, PM_API_LIST_INCLUDE_ASSOCIATIONS, &error);
  PmPolicy *policy;

  g_assert_no_error (error);
  policy = find_named (policies, name);
  g_assert_nonnull (policy);
  return g_object_ref (policy);
}

static const char *
home_region (Fixture *f)
{
  return f->flavour == PM_FLAVOUR_ECE ? "ece-region" : "us-east-1";
}

static PmPolicy *
new_ip_policy (Fixture    *f,
               const char *name)
{
  PmPolicy *policy = pm_policy_new (f->flavour, PM_POLICY_TYPE_IP);
  g_autoptr(PmRule) a = pm_rule_new ();
  g_autoptr(PmRule) b = pm_rule_new ();

  pm_policy_set_name (policy, name);
  pm_policy_set_description (policy, "Made by test-client");
  pm_policy_set_region (policy, home_region (f));
  pm_rule_set_description (a, "Lab");
  pm_rule_set_source (a, "192.0.2.0/24");
  pm_rule_set_description (b, "Lab (IPv6)");
  pm_rule_set_source (b, "2001:db8::/32");
  pm_policy_add_rule (policy, a);
  pm_policy_add_rule (policy, b);
  return policy;
}

static guint
posts (Fixture *f)
{
  return pm_sandbox_get_request_count (f->sandbox, "POST",
                                       serverless (f) ? "/api/v1/serverless/traffic-filters"
                                                      : "/api/v1/deployments/traffic-filter/rulesets");
}

static void
add_fault (Fixture    *f,
           const char *spec)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pm_sandbox_add_fault (f->sandbox, spec, &error));
  g_assert_no_error (error);
}

/* Listing and showing */

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plain = pm_test_api_list_policies (f->api, NULL, 0, &error);
  g_autoptr(GPtrArray) with = NULL;
  g_autoptr(GPtrArray) regional = NULL;
  PmPolicy *office;
  guint i;

  g_assert_no_error (error);
  g_assert_cmpuint (plain->len, ==, count_policies (f));
  g_assert_cmpuint (plain->len, >, 3);
  for (i = 0; i < plain->len; i++)
    g_assert_cmpint (pm_policy_get_flavour (g_ptr_array_index (plain, i)), ==, serverless (f) ? PM_FLAVOUR_SERVERLESS : f->flavour);

  with = pm_test_api_list_policies (f->api, NULL, PM_API_LIST_INCLUDE_ASSOCIATIONS, &error);
  g_assert_no_error (error);
  office = find_named (with, "Office networks");
  g_assert_nonnull (office);
  g_assert_true (pm_policy_has_associations_info (office));
  g_assert_cmpint (pm_policy_get_n_associations (office), ==, serverless (f) ? 2 : 1);
  {
    g_autoptr(PmAssociation) first = g_list_model_get_item (pm_policy_get_associations (office), 0);
    const char *type = pm_association_get_entity_type (first);

    if (serverless (f))
      g_assert_true (g_str_equal (type, "elasticsearch") || g_str_equal (type, "observability"));
    else
      g_assert_cmpstr (type, ==, "deployment");
  }

  regional = pm_test_api_list_policies (f->api, "eu-west-1", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (regional->len, >=, 1);
  g_assert_cmpuint (regional->len, <, plain->len);
  for (i = 0; i < regional->len; i++)
    g_assert_cmpstr (pm_policy_get_region (g_ptr_array_index (regional, i)), ==, "eu-west-1");
}

static void
test_show (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) listed = find_policy (f, "Corporate VPN (EU)");
  g_autoptr(PmPolicy) shown = pm_test_api_get_policy (f->api, pm_policy_get_id (listed), &error);
  g_autoptr(PmPolicy) missing = NULL;
  const PmApiErrorDetails *details;

  g_assert_no_error (error);
  g_assert_cmpstr (pm_policy_get_id (shown), ==, pm_policy_get_id (listed));
  g_assert_cmpstr (pm_policy_get_name (shown), ==, "Corporate VPN (EU)");
  g_assert_cmpuint (pm_policy_get_n_rules (shown), ==, pm_policy_get_n_rules (listed));
  if (serverless (f))
    g_assert_nonnull (pm_policy_get_etag (shown));

  missing = pm_test_api_get_policy (f->api, "0123456789abcdef0123456789abcdef", &error);
  g_assert_null (missing);
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_NOT_FOUND);
  details = pm_api_error_get_details (error);
  g_assert_cmpuint (details->status, ==, 404);
  g_assert_cmpstr (details->code, ==, "traffic_filter.not_found");
}

static void
test_paging (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) policies = NULL;
  g_autoptr(GPtrArray) projects = NULL;
  guint gets;

  pm_sandbox_set_page_size (f->sandbox, 2);
  gets = pm_sandbox_get_request_count (f->sandbox, "GET", "/api/v1/serverless/traffic-filters");
  policies = pm_test_api_list_policies (f->api, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (policies->len, ==, count_policies (f));
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "GET", "/api/v1/serverless/traffic-filters") - gets,
                    ==, (policies->len + 1) / 2);

  projects = pm_test_api_list_entities (f->api, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (projects->len, ==, 7);
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "GET", "/api/v1/serverless/projects/elasticsearch"), ==, 2);
}

/* A pager that repeats a cursor, goes round in a cycle or never ends is
 * stopped: the listing ends with what it got, a notice says why, and the
 * requests are bounded by the pages there are. */
static void
test_bad_pagers (Fixture       *f,
                 gconstpointer  data)
{
  static const char * const faults[] = { "repeat-cursor", "cursor-cycle", "endless-pages" };
  const char *path = "/api/v1/serverless/traffic-filters";
  guint n = count_policies (f);

  pm_sandbox_set_page_size (f->sandbox, 2);
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *spec = g_strdup_printf ("%s@GET:%s", faults[i], path);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) policies = NULL;
      g_autoptr(GError) error = NULL;
      guint gets = pm_sandbox_get_request_count (f->sandbox, "GET", path);
      gint64 start = g_get_monotonic_time ();
      const char *notice;

      g_test_message ("%s", faults[i]);
      pm_sandbox_clear_faults (f->sandbox);
      g_assert_true (pm_sandbox_add_fault (f->sandbox, spec, &error));
      g_assert_no_error (error);
      pm_api_list_policies_async (f->api, NULL, 0, NULL, pm_test_result_cb, &result);
      policies = pm_api_list_policies_finish (f->api, pm_test_wait (&result), &error);
      g_assert_no_error (error);
      notice = pm_api_get_notice (result);
      g_assert_nonnull (notice);
      g_assert_nonnull (strstr (notice, "Perimeter stopped after"));
      /* What came is kept, each once. */
      g_assert_cmpuint (policies->len, >=, MIN (n, 2));
      g_assert_cmpuint (policies->len, <=, n);
      /* At most every page there is, and one more that gave it away. */
      g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "GET", path) - gets, <=, (n + 1) / 2 + 1);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
    }
  pm_sandbox_clear_faults (f->sandbox);
}

/* However well a server pages, one listing stops at its budget of
 * requests and of time, keeps what it read and says why. */
static void
test_listing_budget (Fixture       *f,
                     gconstpointer  data)
{
  const char *path = "/api/v1/serverless/traffic-filters";
  guint n = count_policies (f);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (n, >, 3);
  pm_sandbox_set_page_size (f->sandbox, 1);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) policies = NULL;
      guint gets = pm_sandbox_get_request_count (f->sandbox, "GET", path);
      gint64 start = g_get_monotonic_time ();
      gint64 took_ms;
      const char *notice;

      if (i == 0)
        {
          pm_serverless_api_set_budget (PM_SERVERLESS_API (f->api), 3, 120);
        }
      else
        {
          /* 400 ms a page, a second in all: a fourth page is never asked for */
          pm_serverless_api_set_budget (PM_SERVERLESS_API (f->api), 500, 1);
          g_assert_true (pm_sandbox_add_fault (f->sandbox, "latency:400@GET:/api/v1/serverless/traffic-filters", &error));
          g_assert_no_error (error);
        }
      pm_api_list_policies_async (f->api, NULL, 0, NULL, pm_test_result_cb, &result);
      policies = pm_api_list_policies_finish (f->api, pm_test_wait (&result), &error);
      g_assert_no_error (error);
      took_ms = (g_get_monotonic_time () - start) / 1000;
      notice = pm_api_get_notice (result);
      g_test_message ("%u pages in %" G_GINT64_FORMAT " ms: %s", policies->len, took_ms, notice);
      g_assert_nonnull (notice);
      g_assert_nonnull (strstr (notice, i == 0 ? "more requests than Perimeter sends for one refresh"
                                               : "took longer than Perimeter waits for one refresh"));
      g_assert_cmpuint (policies->len, ==, pm_sandbox_get_request_count (f->sandbox, "GET", path) - gets);
      if (i == 0)
        g_assert_cmpuint (policies->len, ==, 3);
      else
        {
          g_assert_cmpuint (policies->len, >=, 2);
          g_assert_cmpuint (policies->len, <=, 3);
          g_assert_cmpint (took_ms, <, 1000 + 2 * 400);
        }
    }
  pm_sandbox_clear_faults (f->sandbox);
  pm_serverless_api_set_budget (PM_SERVERLESS_API (f->api), 500, 120);
}

/* A refresh asks for the policies with their associations and for the
 * projects at once: the projects are listed once for both. */
static void
test_shared_project_listing (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GAsyncResult) policies_result = NULL;
  g_autoptr(GAsyncResult) entities_result = NULL;
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GAsyncResult) later_result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) policies = NULL;
  g_autoptr(GPtrArray) entities = NULL;
  g_autoptr(GPtrArray) cancelled = NULL;
  g_autoptr(GPtrArray) later = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) office = NULL;
  guint gets;

  pm_sandbox_set_page_size (f->sandbox, 2);
  gets = pm_sandbox_get_request_count (f->sandbox, "GET", "/api/v1/serverless/projects/elasticsearch");

  pm_api_list_policies_async (f->api, NULL, PM_API_LIST_INCLUDE_ASSOCIATIONS, NULL,
                              pm_test_result_cb, &policies_result);
  pm_api_list_entities_async (f->api, NULL, pm_test_result_cb, &entities_result);
  /* A third caller that gives up does not stop the listing for the others. */
  pm_api_list_entities_async (f->api, cancellable, pm_test_result_cb, &cancelled_result);
  g_cancellable_cancel (cancellable);

  cancelled = pm_api_list_entities_finish (f->api, pm_test_wait (&cancelled_result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (cancelled);
  g_clear_error (&error);

  policies = pm_api_list_policies_finish (f->api, pm_test_wait (&policies_result), &error);
  g_assert_no_error (error);
  entities = pm_api_list_entities_finish (f->api, pm_test_wait (&entities_result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entities->len, ==, 7);
  g_assert_cmpuint (policies->len, ==, count_policies (f));
  for (guint i = 0; i < policies->len; i++)
    if (g_strcmp0 (pm_policy_get_name (policies->pdata[i]), "Office networks") == 0)
      office = g_object_ref (policies->pdata[i]);
  g_assert_nonnull (office);
  g_assert_cmpint (pm_policy_get_n_associations (office), ==, 2);
  /* Two pages of elasticsearch projects, each asked for once. */
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "GET", "/api/v1/serverless/projects/elasticsearch") - gets,
                    ==, 2);

  /* A listing asked for afterwards is a listing of its own. */
  later = pm_test_api_list_entities (f->api, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (later->len, ==, 7);
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "GET", "/api/v1/serverless/projects/elasticsearch") - gets,
                    ==, 4);
}

/* Create, update, delete */

static void
test_create_update_delete (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) draft = new_ip_policy (f, "Test lab");
  g_autoptr(PmPolicy) created = NULL;
  g_autoptr(PmPolicy) updated = NULL;
  g_autoptr(PmRule) extra = pm_rule_new ();
  g_autoptr(JsonObject) stored = NULL;
  guint before = count_policies (f);

  created = pm_test_api_create_policy (f->api, draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pm_policy_get_id (created));
  g_assert_cmpstr (pm_policy_get_name (created), ==, "Test lab");
  g_assert_cmpuint (pm_policy_get_n_rules (created), ==, 2);
  g_assert_cmpuint (count_policies (f), ==, before + 1);
  g_assert_cmpuint (posts (f), ==, 1);
  stored = state_policy (f, pm_policy_get_id (created));
  g_assert_nonnull (stored);
  g_assert_cmpstr (json_object_get_string_member (stored, "region"), ==, home_region (f));
  g_clear_pointer (&stored, json_object_unref);

  pm_policy_set_description (created, "Changed by test-client");
  pm_rule_set_source (extra, "198.51.100.0/24");
  pm_policy_add_rule (created, extra);
  updated = pm_test_api_update_policy (f->api, created, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pm_policy_get_description (updated), ==, "Changed by test-client");
  g_assert_cmpuint (pm_policy_get_n_rules (updated), ==, 3);
  stored = state_policy (f, pm_policy_get_id (created));
  g_assert_cmpstr (json_object_get_string_member (stored, "description"), ==, "Changed by test-client");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stored, "rules")), ==, 3);
  if (serverless (f))
    {
      g_assert_nonnull (pm_policy_get_etag (updated));
      g_assert_cmpstr (pm_policy_get_etag (updated), !=, pm_policy_get_etag (created));
    }

  g_assert_true (pm_test_api_delete_policy (f->api, pm_policy_get_id (created), FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_policies (f), ==, before);
  g_assert_false (pm_test_api_delete_policy (f->api, pm_policy_get_id (created), FALSE, &error));
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_NOT_FOUND);
}

/* Every policy type the flavour has, created, read back and compared. */
static PmPolicy *
new_typed_policy (Fixture      *f,
                  PmPolicyType  type)
{
  PmPolicy *policy = pm_policy_new (f->flavour, type);
  g_autoptr(PmRule) rule = pm_rule_new ();
  g_autofree char *name = g_strdup_printf ("Typed %s", pm_policy_type_to_api (type, f->flavour));
  static const guint ports[] = { 443, 9243 };

  pm_policy_set_name (policy, name);
  pm_policy_set_description (policy, "");
  pm_rule_set_description (rule, "Only rule");
  switch (type)
    {
    case PM_POLICY_TYPE_IP:
      pm_policy_set_region (policy, home_region (f));
      pm_rule_set_source (rule, "203.0.113.7");
      break;
    case PM_POLICY_TYPE_EGRESS_FIREWALL:
      pm_policy_set_region (policy, home_region (f));
      pm_rule_set_egress_target (rule, "198.51.100.0/24");
      pm_rule_set_egress_protocol (rule, PM_EGRESS_PROTOCOL_TCP);
      pm_rule_set_ports (rule, ports, G_N_ELEMENTS (ports));
      break;
    case PM_POLICY_TYPE_VPCE:
      pm_policy_set_region (policy, "us-east-1");
      pm_rule_set_source (rule, "vpce-0123456789abcdef0");
      break;
    case PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT:
      pm_policy_set_region (policy, serverless (f) ? "azure-eastus2" : "azure-eastus2");
      pm_rule_set_azure_endpoint_name (rule, "typed-endpoint");
      pm_rule_set_azure_endpoint_guid (rule, "1b4e28ba-2fa1-41d2-883f-0016d3cca427");
      break;
    case PM_POLICY_TYPE_GCP_PSC:
      pm_policy_set_region (policy, "gcp-us-central1");
      pm_rule_set_source (rule, "18446744072646845999");
      break;
    case PM_POLICY_TYPE_UNKNOWN:
    default:
      g_assert_not_reached ();
    }
  pm_policy_add_rule (policy, rule);
  return policy;
}

static void
test_create_every_type (Fixture       *f,
                        gconstpointer  data)
{
  static const PmPolicyType types[] = {
    PM_POLICY_TYPE_IP, PM_POLICY_TYPE_EGRESS_FIREWALL, PM_POLICY_TYPE_VPCE,
    PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, PM_POLICY_TYPE_GCP_PSC,
  };
  guint i, made = 0;

  for (i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PmPolicy) draft = NULL;
      g_autoptr(PmPolicy) created = NULL;
      g_autoptr(PmPolicy) shown = NULL;
      g_autoptr(PmRule) sent = NULL;
      g_autoptr(PmRule) got = NULL;
      g_autoptr(JsonNode) sent_json = NULL;
      g_autoptr(JsonNode) got_json = NULL;

      if (!pm_flavour_supports_type (f->flavour, types[i]))
        continue;
      draft = new_typed_policy (f, types[i]);
      created = pm_test_api_create_policy (f->api, draft, &error);
      g_assert_no_error (error);
      shown = pm_test_api_get_policy (f->api, pm_policy_get_id (created), &error);
      g_assert_no_error (error);
      g_assert_cmpint (pm_policy_get_policy_type (shown), ==, types[i]);
      g_assert_cmpstr (pm_policy_get_type_string (shown), ==, pm_policy_type_to_api (types[i], f->flavour));
      g_assert_cmpstr (pm_policy_get_region (shown), ==, pm_policy_get_region (draft));
      g_assert_cmpuint (pm_policy_get_n_rules (shown), ==, 1);

      sent = g_list_model_get_item (pm_policy_get_rules (draft), 0);
      got = g_list_model_get_item (pm_policy_get_rules (shown), 0);
      sent_json = pm_json_write_rule (sent, types[i]);
      got_json = pm_json_write_rule (got, types[i]);
      json_object_remove_member (json_node_get_object (got_json), "id");
      g_assert_true (json_node_equal (sent_json, got_json));
      made++;
    }
  g_assert_cmpuint (made, ==, serverless (f) ? 3 : 5);
  g_assert_cmpuint (posts (f), ==, made);
}

static void
test_create_invalid (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) draft = new_ip_policy (f, "");
  g_autoptr(PmPolicy) created = NULL;
  guint before = count_policies (f);
  const PmApiErrorDetails *details;

  pm_policy_set_region (draft, "");
  created = pm_test_api_create_policy (f->api, draft, &error);
  g_assert_null (created);
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_INVALID);
  details = pm_api_error_get_details (error);
  g_assert_nonnull (details->fields);
  g_assert_cmpuint (count_policies (f), ==, before);
}

static void
test_update_unknown_fields_kept (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) policy = find_policy (f, "Corporate VPN (EU)");
  g_autoptr(PmPolicy) updated = NULL;
  g_autoptr(JsonObject) stored = NULL;

  pm_policy_set_include_by_default (policy, TRUE);
  updated = pm_test_api_update_policy (f->api, policy, &error);
  g_assert_no_error (error);
  g_assert_true (pm_policy_get_include_by_default (updated));
  stored = state_policy (f, pm_policy_get_id (policy));
  g_assert_true (json_object_get_boolean_member (stored, "include_by_default"));
  g_assert_cmpstr (json_object_get_string_member (stored, "name"), ==, "Corporate VPN (EU)");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stored, "rules")),
                    ==, pm_policy_get_n_rules (policy));
}

static void
test_update_stale_etag (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) listed = find_policy (f, "Tokyo office");
  g_autoptr(PmPolicy) policy = pm_test_api_get_policy (f->api, pm_policy_get_id (listed), &error);
  g_autoptr(PmPolicy) updated = NULL;
  g_autoptr(PmPolicy) again = NULL;
  g_autoptr(JsonObject) stored = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (pm_policy_get_etag (policy));

  /* someone else changes it first: our If-Match no longer holds */
  pm_policy_set_description (policy, "Theirs");
  updated = pm_test_api_update_policy (f->api, policy, &error);
  g_assert_no_error (error);
  pm_policy_set_description (policy, "Ours");
  again = pm_test_api_update_policy (f->api, policy, &error);
  g_assert_null (again);
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_CONFLICT);
  stored = state_policy (f, pm_policy_get_id (policy));
  g_assert_cmpstr (json_object_get_string_member (stored, "description"), ==, "Theirs");
  g_clear_error (&error);

  /* an injected 412 is not retried */
  add_fault (f, "stale-etag@PATCH*1");
  g_clear_object (&again);
  again = pm_test_api_update_policy (f->api, updated, &error);
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_CONFLICT);
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "PATCH", "/api/v1/serverless/traffic-filters"), ==, 3);
}

/* Associations */

static const char *
entity_name (Fixture *f)
{
  switch (f->flavour)
    {
    case PM_FLAVOUR_HOSTED:
      return "Checkout API logs";
    case PM_FLAVOUR_ECE:
      return "Security analytics";
    case PM_FLAVOUR_SERVERLESS:
    default:
      return "Platform observability";
    }
}

static const char *
policy_name (Fixture *f)
{
  return f->flavour == PM_FLAVOUR_ECE ? "Corporate LAN" : serverless (f) ? "Application VPC" : "Office networks";
}

static gboolean
is_associated (Fixture    *f,
               const char *policy_id,
               PmEntity   *entity)
{
  return serverless (f) ? project_has_filter (f, pm_entity_get_id (entity), policy_id)
                        : ruleset_has_deployment (f, policy_id, pm_entity_get_id (entity));
}

static void
test_associations (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entities = pm_test_api_list_entities (f->api, &error);
  g_autoptr(PmPolicy) policy = find_policy (f, policy_name (f));
  g_autoptr(GPtrArray) associations = NULL;
  g_autoptr(GPtrArray) of_entity = NULL;
  const char *id = pm_policy_get_id (policy);
  PmEntity *entity;
  guint i;
  gboolean found = FALSE;

  g_assert_no_error (error);
  g_assert_cmpuint (entities->len, ==, serverless (f) ? 7 : 12);
  entity = find_entity (entities, entity_name (f));
  g_assert_cmpint (pm_entity_get_kind (entity), ==, serverless (f) ? PM_ENTITY_KIND_PROJECT : PM_ENTITY_KIND_DEPLOYMENT);
  g_assert_false (is_associated (f, id, entity));

  g_assert_true (pm_test_api_associate (f->api, id, entity, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (is_associated (f, id, entity));

  associations = pm_test_api_list_associations (f->api, id, &error);
  g_assert_no_error (error);
  for (i = 0; i < associations->len; i++)
    found |= g_str_equal (pm_association_get_entity_id (g_ptr_array_index (associations, i)), pm_entity_get_id (entity));
  g_assert_true (found);

  of_entity = pm_test_api_list_entity_policies (f->api, entity, &error);
  g_assert_no_error (error);
  g_assert_nonnull (find_named (of_entity, policy_name (f)));

  /* associating again changes nothing */
  g_assert_true (pm_test_api_associate (f->api, id, entity, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (is_associated (f, id, entity));

  g_assert_true (pm_test_api_associate (f->api, id, entity, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (is_associated (f, id, entity));

  if (serverless (f))
    {
      /* the PATCHes carried the complete list: the project's other policy stayed */
      g_autoptr(PmPolicy) office = find_policy (f, "Office networks");

      g_assert_true (project_has_filter (f, pm_entity_get_id (entity), pm_policy_get_id (office)));
      g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "PATCH", "/api/v1/serverless/projects"), ==, 2);
    }
}

static void
test_association_race (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entities = pm_test_api_list_entities (f->api, &error);
  g_autoptr(PmPolicy) office = find_policy (f, "Office networks");
  g_autoptr(PmPolicy) vpc = find_policy (f, "Application VPC");
  PmEntity *entity = find_entity (entities, "Product search");
  const char *project = pm_entity_get_id (entity);

  g_assert_true (project_has_filter (f, project, pm_policy_get_id (office)));
  g_assert_true (project_has_filter (f, project, pm_policy_get_id (vpc)));

  /* someone removes the VPC policy between our read and our write: our
   * PATCH (which would keep it) is refused, their change stands */
  add_fault (f, "race@PATCH:/api/v1/serverless/projects*1");
  g_assert_false (pm_test_api_associate (f->api, pm_policy_get_id (office), entity, FALSE, &error));
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_CONFLICT);
  g_assert_true (project_has_filter (f, project, pm_policy_get_id (office)));
  g_assert_false (project_has_filter (f, project, pm_policy_get_id (vpc)));
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "PATCH", "/api/v1/serverless/projects"), ==, 1);
  g_clear_error (&error);

  g_assert_true (pm_test_api_associate (f->api, pm_policy_get_id (vpc), entity, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (project_has_filter (f, project, pm_policy_get_id (vpc)));

  /* the same change right after our read */
  pm_sandbox_clear_faults (f->sandbox);
  add_fault (f, "race@GET:/api/v1/serverless/projects/elasticsearch*1");
  g_assert_false (pm_test_api_associate (f->api, pm_policy_get_id (office), entity, FALSE, &error));
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_CONFLICT);
  g_assert_true (project_has_filter (f, project, pm_policy_get_id (office)));
  g_assert_false (project_has_filter (f, project, pm_policy_get_id (vpc)));
  g_clear_error (&error);

  /* trying again reads the new state and succeeds */
  g_assert_true (pm_test_api_associate (f->api, pm_policy_get_id (office), entity, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (project_has_filter (f, project, pm_policy_get_id (office)));
  g_assert_false (project_has_filter (f, project, pm_policy_get_id (vpc)));
}

static void
test_lost_post_replies_verified (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entities = pm_test_api_list_entities (f->api, &error);
  g_autoptr(PmPolicy) policy = find_policy (f, policy_name (f));
  g_autoptr(PmLinkClaim) link = pm_link_claim_new_link_id ("eu-west-1", "vpce-0fedcba9876543210");
  g_autoptr(PmLinkClaim) unknown = pm_link_claim_new_link_id ("eu-west-1", "vpce-0aaaaaaaaaaaaaaaa");
  PmEntity *entity = find_entity (entities, entity_name (f));
  const char *prefix = "/api/v1/deployments/traffic-filter/rulesets/";
  guint link_posts;

  /* the association is made but its answer is lost: read back, not re-sent */
  add_fault (f, "reset-after@POST:/api/v1/deployments/traffic-filter/rulesets/*1");
  g_assert_true (pm_test_api_associate (f->api, pm_policy_get_id (policy), entity, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (is_associated (f, pm_policy_get_id (policy), entity));
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "POST", prefix), ==, 1);

  /* refused before acting: the read-back finds nothing and says so */
  pm_sandbox_clear_faults (f->sandbox);
  add_fault (f, "status:500@POST:/api/v1/deployments/traffic-filter/link-ids*1");
  g_assert_false (pm_test_api_claim (f->api, link, TRUE, &error));
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_SERVER);
  g_clear_error (&error);
  link_posts = pm_sandbox_get_request_count (f->sandbox, "POST", "/api/v1/deployments/traffic-filter/link-ids");
  g_assert_cmpuint (link_posts, ==, 1);

  add_fault (f, "reset-after@POST:/api/v1/deployments/traffic-filter/link-ids*1");
  g_assert_true (pm_test_api_claim (f->api, link, TRUE, &error));
  g_assert_no_error (error);
  add_fault (f, "truncate@POST:/api/v1/deployments/traffic-filter/link-ids*1");
  g_assert_true (pm_test_api_claim (f->api, link, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "POST", "/api/v1/deployments/traffic-filter/link-ids"),
                    ==, link_posts + 2);
  g_assert_false (pm_test_api_claim (f->api, unknown, FALSE, &error));
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_INVALID);
}

static void
test_delete_while_associated (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) policy = find_policy (f, serverless (f) ? "Office networks" : policy_name (f));
  g_autoptr(JsonObject) stored = NULL;
  const PmApiErrorDetails *details;

  g_assert_cmpint (pm_policy_get_n_associations (policy), >, 0);
  g_assert_false (pm_test_api_delete_policy (f->api, pm_policy_get_id (policy), FALSE, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == PM_API_ERROR);
  details = pm_api_error_get_details (error);
  g_assert_nonnull (details);
  if (serverless (f))
    {
      g_assert_cmpint (error->code, ==, PM_API_ERROR_CONFLICT);
      g_assert_cmpstr (details->code, ==, "traffic_filter.in_use");
    }
  else
    {
      g_assert_cmpint (error->code, ==, PM_API_ERROR_INVALID);
      g_assert_cmpstr (details->code, ==, "deployments.traffic_filter.ruleset_in_use");
    }
  stored = state_policy (f, pm_policy_get_id (policy));
  g_assert_nonnull (stored);
  g_clear_error (&error);

  if (!serverless (f))
    {
      g_assert_true (pm_test_api_delete_policy (f->api, pm_policy_get_id (policy), TRUE, &error));
      g_assert_no_error (error);
      g_clear_pointer (&stored, json_object_unref);
      stored = state_policy (f, pm_policy_get_id (policy));
      g_assert_null (stored);
    }
}

/* Claims and metadata */

static void
test_claims (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmLinkClaim) link = pm_link_claim_new_link_id ("us-east-1", "vpce-0123456789abcdef0");
  g_autoptr(PmLinkClaim) azure = pm_link_claim_new_azure ("azure-eastus2", "my-endpoint",
                                                          "5d6f4d3e-2b1a-4c9d-8e7f-6a5b4c3d2e1f");
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) regional = NULL;
  guint i;
  gboolean found = FALSE;

  g_assert_true (pm_api_supports_claims (f->api));
  g_assert_false (pm_api_supports_metadata (f->api));
  before = pm_test_api_list_claims (f->api, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (pm_test_api_claim (f->api, link, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (pm_test_api_claim (f->api, azure, TRUE, &error));
  g_assert_no_error (error);
  /* claimed twice: refused, with the API's code for the UI to explain */
  g_assert_false (pm_test_api_claim (f->api, link, TRUE, &error));
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_INVALID);
  g_assert_cmpstr (pm_api_error_get_details (error)->code, ==, "traffic_filter_claimed_link_id.already_claimed");
  g_clear_error (&error);

  after = pm_test_api_list_claims (f->api, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len + 2);
  regional = pm_test_api_list_claims (f->api, "us-east-1", &error);
  g_assert_no_error (error);
  for (i = 0; i < regional->len; i++)
    {
      g_assert_cmpstr (pm_link_claim_get_region (g_ptr_array_index (regional, i)), ==, "us-east-1");
      found |= pm_link_claim_equal (g_ptr_array_index (regional, i), link);
    }
  g_assert_true (found);

  g_assert_true (pm_test_api_claim (f->api, link, FALSE, &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = pm_test_api_list_claims (f->api, NULL, &error);
  g_assert_cmpuint (after->len, ==, before->len + 1);
  g_assert_false (pm_test_api_claim (f->api, link, FALSE, &error));
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_INVALID);
  g_clear_error (&error);

  /* no metadata here */
  g_assert_null (pm_test_api_get_metadata (f->api, NULL, PM_PROVIDER_NONE, &error));
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_UNSUPPORTED);
}

static void
test_serverless_unsupported_and_metadata (Fixture       *f,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmLinkClaim) link = pm_link_claim_new_link_id ("us-east-1", "vpce-0123456789abcdef0");
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) aws = NULL;
  g_autoptr(GPtrArray) one = NULL;
  guint requests = pm_sandbox_get_request_count (f->sandbox, NULL, NULL);

  g_assert_false (pm_api_supports_claims (f->api));
  g_assert_true (pm_api_supports_metadata (f->api));
  g_assert_null (pm_test_api_list_claims (f->api, NULL, &error));
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (pm_test_api_claim (f->api, link, TRUE, &error));
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, NULL, NULL), ==, requests);

  all = pm_test_api_get_metadata (f->api, NULL, PM_PROVIDER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >, 1);
  aws = pm_test_api_get_metadata (f->api, NULL, PM_PROVIDER_AWS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aws->len, >=, 1);
  g_assert_cmpuint (aws->len, <, all->len);
  one = pm_test_api_get_metadata (f->api, "aws-eu-west-1", PM_PROVIDER_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);
}

/* Errors and faults */

static void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = pm_sandbox_dup_base_url (f->sandbox);
  g_autoptr(PmHttp) http = pm_http_new (url, "wrong-key", &error);
  g_autoptr(PmApi) api = pm_api_new_for_flavour (f->flavour, http);
  g_autoptr(GPtrArray) policies = NULL;

  policies = pm_test_api_list_policies (api, NULL, 0, &error);
  g_assert_null (policies);
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_UNAUTHORIZED);
  g_assert_null (strstr (error->message, "wrong-key"));
}

static void
test_fault_retried_get (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) policies = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) slow = NULL;
  gint64 start;

  add_fault (f, "status:503@GET*2");
  policies = pm_test_api_list_policies (f->api, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (policies->len, ==, count_policies (f));
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "GET", NULL), ==, 3);

  pm_sandbox_clear_faults (f->sandbox);
  add_fault (f, "retry-after:1@GET*1");
  start = g_get_monotonic_time ();
  again = pm_test_api_list_policies (f->api, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, >=, 950);
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "GET", NULL), ==, 5);

  pm_sandbox_clear_faults (f->sandbox);
  add_fault (f, "reset-before@GET*1");
  add_fault (f, "stall:300@GET*1");
  slow = pm_test_api_list_policies (f->api, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (slow->len, ==, policies->len);
}

static void
test_fault_bad_replies (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autoptr(GPtrArray) c = NULL;

  /* an unreadable reply to a GET is asked for again */
  add_fault (f, "not-json@GET*1");
  a = pm_test_api_list_policies (f->api, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (a);
  g_clear_pointer (&a, g_ptr_array_unref);

  /* with no attempt left, it is reported */
  pm_http_set_retry_policy (f->http, 1, 0, 5000);
  add_fault (f, "not-json@GET*1");
  a = pm_test_api_list_policies (f->api, NULL, 0, &error);
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_BAD_REPLY);
  g_clear_error (&error);

  add_fault (f, "truncate@GET*1");
  b = pm_test_api_list_policies (f->api, NULL, 0, &error);
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_BAD_REPLY);
  g_clear_error (&error);

  /* a slow server meets the timeout (set before the first connection) */
  {
    g_autofree char *url = pm_sandbox_dup_base_url (f->sandbox);
    g_autoptr(PmHttp) http = pm_http_new (url, PM_SANDBOX_DEFAULT_API_KEY, &error);
    g_autoptr(PmApi) api = pm_api_new_for_flavour (f->flavour, http);

    g_assert_no_error (error);
    pm_http_set_timeout (http, 1);
    pm_http_set_retry_policy (http, 1, 0, 0);
    add_fault (f, "latency:2500@GET*1");
    c = pm_test_api_list_policies (api, NULL, 0, &error);
    g_assert_null (c);
    g_assert_error (error, PM_API_ERROR, PM_API_ERROR_TIMEOUT);
  }
}

static void
test_fault_post_never_repeated (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) draft = new_ip_policy (f, "Busy lab");
  g_autoptr(PmPolicy) created = NULL;
  guint before = count_policies (f);

  add_fault (f, "status:503@POST*3");
  created = pm_test_api_create_policy (f->api, draft, &error);
  g_assert_null (created);
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_SERVER);
  g_assert_cmpuint (posts (f), ==, 1);
  g_assert_cmpuint (count_policies (f), ==, before);
  g_clear_error (&error);

  /* dropped before acting: the reconciliation finds nothing, nothing is sent again */
  pm_sandbox_clear_faults (f->sandbox);
  add_fault (f, "reset-before@POST*1");
  created = pm_test_api_create_policy (f->api, draft, &error);
  g_assert_null (created);
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_NETWORK);
  g_assert_cmpuint (posts (f), ==, 2);
  g_assert_cmpuint (count_policies (f), ==, before);
}

static void
check_reconciled (Fixture    *f,
                  const char *fault,
                  const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) draft = new_ip_policy (f, name);
  g_autoptr(PmPolicy) created = NULL;
  g_autoptr(JsonObject) stored = NULL;
  guint before = count_policies (f);
  guint posts_before = posts (f);

  add_fault (f, fault);
  created = pm_test_api_create_policy (f->api, draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_cmpstr (pm_policy_get_name (created), ==, name);
  g_assert_cmpuint (posts (f), ==, posts_before + 1);
  g_assert_cmpuint (count_policies (f), ==, before + 1);
  g_assert_cmpuint (count_named (f, name), ==, 1);
  stored = state_policy (f, pm_policy_get_id (created));
  g_assert_nonnull (stored);
  pm_sandbox_clear_faults (f->sandbox);
}

static void
test_fault_lost_create_reconciled (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(PmPolicy) existing = NULL;

  check_reconciled (f, "reset-after@POST*1", "Lost reply lab");
  check_reconciled (f, "truncate@POST*1", "Truncated reply lab");

  /* an identical policy that existed before is not mistaken for the new one */
  existing = new_ip_policy (f, "Twin lab");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PmPolicy) first = pm_test_api_create_policy (f->api, existing, &error);
    g_autoptr(PmPolicy) second = NULL;

    g_assert_no_error (error);
    add_fault (f, "reset-after@POST*1");
    second = pm_test_api_create_policy (f->api, existing, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (pm_policy_get_id (second), !=, pm_policy_get_id (first));
    g_assert_cmpuint (count_named (f, "Twin lab"), ==, 2);
  }
}

static void
test_create_without_listing (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) draft = new_ip_policy (f, "Unlisted lab");
  g_autoptr(PmPolicy) created = NULL;
  g_autofree char *fault = g_strdup_printf ("status:403@GET:%s*1",
                                            serverless (f) ? "/api/v1/serverless/traffic-filters"
                                                           : "/api/v1/deployments/traffic-filter/rulesets");

  /* the list before the create is refused: the create still goes ahead */
  add_fault (f, fault);
  created = pm_test_api_create_policy (f->api, draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pm_policy_get_id (created));
  g_assert_cmpuint (posts (f), ==, 1);
  g_assert_cmpuint (count_named (f, "Unlisted lab"), ==, 1);
}

static void
test_fault_not_found_after_create (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) draft = new_ip_policy (f, "Eventually consistent lab");
  g_autoptr(PmPolicy) created = NULL;
  g_autofree char *path = NULL;
  PmRule *rule;

  add_fault (f, "not-found-after-create@POST");
  created = pm_test_api_create_policy (f->api, draft, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pm_policy_get_id (created));
  g_assert_cmpuint (posts (f), ==, 1);
  path = g_strconcat ("/api/v1/deployments/traffic-filter/rulesets/", pm_policy_get_id (created), NULL);
  /* the first read answered 404, the second found it (rules with their server ids) */
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "GET", path), ==, 2);
  rule = g_list_model_get_item (pm_policy_get_rules (created), 0);
  g_assert_nonnull (pm_rule_get_id (rule));
  g_object_unref (rule);
}

static void
test_fault_idempotent_writes_retried (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) policy = find_policy (f, "Corporate VPN (EU)");
  g_autoptr(PmPolicy) updated = NULL;
  g_autoptr(JsonObject) stored = NULL;
  const char *method = serverless (f) ? "PATCH" : "PUT";
  g_autofree char *fault = g_strdup_printf ("status:502@%s*2", method);

  if (serverless (f))
    {
      g_autoptr(PmPolicy) fresh = pm_test_api_get_policy (f->api, pm_policy_get_id (policy), &error);

      g_assert_no_error (error);
      g_set_object (&policy, fresh);
    }
  add_fault (f, fault);
  pm_policy_set_description (policy, "After two bad gateways");
  updated = pm_test_api_update_policy (f->api, policy, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, method, NULL), ==, 3);
  stored = state_policy (f, pm_policy_get_id (policy));
  g_assert_cmpstr (json_object_get_string_member (stored, "description"), ==, "After two bad gateways");

  pm_sandbox_clear_faults (f->sandbox);
  add_fault (f, "status:503@DELETE*1");
  g_assert_true (pm_test_api_delete_policy (f->api, pm_policy_get_id (policy), TRUE, &error) || serverless (f));
  if (serverless (f))
    {
      /* still associated on Serverless: the retried DELETE meets the real answer */
      g_assert_error (error, PM_API_ERROR, PM_API_ERROR_CONFLICT);
    }
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "DELETE", NULL), ==, 2);
}

/* A DELETE whose first attempt may have acted: the 404 to its repetition
 * means done. A 404 to a first attempt stays an error. */
static void
test_fault_lost_delete (Fixture       *f,
                        gconstpointer  data)
{
  static const char *faults[] = { "reset-after@DELETE*1", "stall:3000@DELETE*1" };
  g_autoptr(GError) error = NULL;

  /* a short inactivity timeout, so the stall is noticed quickly */
  pm_http_set_timeout (f->http, 1);
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *name = g_strdup_printf ("Lost delete %u", i);
      g_autoptr(PmPolicy) draft = new_ip_policy (f, name);
      g_autoptr(PmPolicy) created = pm_test_api_create_policy (f->api, draft, &error);
      guint deletes = pm_sandbox_get_request_count (f->sandbox, "DELETE", NULL);

      g_assert_no_error (error);
      add_fault (f, faults[i]);
      g_assert_true (pm_test_api_delete_policy (f->api, pm_policy_get_id (created), FALSE, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (count_named (f, name), ==, 0);
      g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "DELETE", NULL), ==, deletes + 2);
      pm_sandbox_clear_faults (f->sandbox);

      /* gone already, asked once: not found */
      g_assert_false (pm_test_api_delete_policy (f->api, pm_policy_get_id (created), FALSE, &error));
      g_assert_error (error, PM_API_ERROR, PM_API_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }

  if (!serverless (f))
    {
      /* detaching is a DELETE too */
      g_autoptr(GPtrArray) entities = pm_test_api_list_entities (f->api, &error);
      g_autoptr(PmPolicy) policy = find_policy (f, policy_name (f));
      PmEntity *entity = find_entity (entities, entity_name (f));
      const char *id = pm_policy_get_id (policy);

      g_assert_no_error (error);
      g_assert_true (pm_test_api_associate (f->api, id, entity, TRUE, &error));
      g_assert_no_error (error);
      add_fault (f, "reset-after@DELETE*1");
      g_assert_true (pm_test_api_associate (f->api, id, entity, FALSE, &error));
      g_assert_no_error (error);
      g_assert_false (is_associated (f, id, entity));
      pm_sandbox_clear_faults (f->sandbox);
      g_assert_false (pm_test_api_associate (f->api, id, entity, FALSE, &error));
      g_assert_error (error, PM_API_ERROR, PM_API_ERROR_NOT_FOUND);
    }
}

/* Serverless: a PATCH whose first attempt may have acted meets a 412 when
 * repeated; what the server holds decides, and nothing is overwritten. */
static void
test_fault_lost_patch (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) listed = find_policy (f, "Tokyo office");
  g_autoptr(PmPolicy) policy = pm_test_api_get_policy (f->api, pm_policy_get_id (listed), &error);
  g_autoptr(PmPolicy) updated = NULL;
  g_autoptr(PmPolicy) refused = NULL;
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(GPtrArray) entities = NULL;
  g_autoptr(PmPolicy) vpc = find_policy (f, "Application VPC");
  g_autoptr(PmPolicy) office = find_policy (f, "Office networks");
  const char *filters = "/api/v1/serverless/traffic-filters";
  PmEntity *entity;

  g_assert_no_error (error);
  /* the first PATCH acts, its answer is lost; the second gets 412 */
  add_fault (f, "reset-after@PATCH*1");
  pm_policy_set_description (policy, "Edited once");
  updated = pm_test_api_update_policy (f->api, policy, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pm_policy_get_description (updated), ==, "Edited once");
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "PATCH", filters), ==, 2);
  stored = state_policy (f, pm_policy_get_id (policy));
  g_assert_cmpstr (json_object_get_string_member (stored, "description"), ==, "Edited once");
  /* the new ETag came with the re-read: a next edit goes through */
  g_assert_nonnull (pm_policy_get_etag (updated));
  g_assert_cmpstr (pm_policy_get_etag (updated), !=, pm_policy_get_etag (policy));
  pm_sandbox_clear_faults (f->sandbox);
  pm_policy_set_description (updated, "Edited twice");
  g_clear_object (&refused);
  refused = pm_test_api_update_policy (f->api, updated, &error);
  g_assert_no_error (error);

  /* the first attempt did not act, and by the second someone else's change
   * is there (412): a conflict, and theirs stays */
  add_fault (f, "reset-before@PATCH*1");
  add_fault (f, "stale-etag@PATCH*1");
  g_clear_object (&refused);
  pm_policy_set_description (updated, "Never written");
  refused = pm_test_api_update_policy (f->api, updated, &error);
  g_assert_null (refused);
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_CONFLICT);
  g_clear_error (&error);
  g_clear_pointer (&stored, json_object_unref);
  stored = state_policy (f, pm_policy_get_id (policy));
  g_assert_cmpstr (json_object_get_string_member (stored, "description"), ==, "Edited twice");
  pm_sandbox_clear_faults (f->sandbox);

  /* the project's read-modify-write: associated, the other filters kept */
  entities = pm_test_api_list_entities (f->api, &error);
  g_assert_no_error (error);
  entity = find_entity (entities, "Platform observability");
  g_assert_false (project_has_filter (f, pm_entity_get_id (entity), pm_policy_get_id (vpc)));
  g_assert_true (project_has_filter (f, pm_entity_get_id (entity), pm_policy_get_id (office)));
  add_fault (f, "reset-after@PATCH:/api/v1/serverless/projects*1");
  g_assert_true (pm_test_api_associate (f->api, pm_policy_get_id (vpc), entity, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (project_has_filter (f, pm_entity_get_id (entity), pm_policy_get_id (vpc)));
  g_assert_true (project_has_filter (f, pm_entity_get_id (entity), pm_policy_get_id (office)));
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, "PATCH", "/api/v1/serverless/projects"), ==, 2);
  pm_sandbox_clear_faults (f->sandbox);
  add_fault (f, "reset-after@PATCH:/api/v1/serverless/projects*1");
  g_assert_true (pm_test_api_associate (f->api, pm_policy_get_id (vpc), entity, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (project_has_filter (f, pm_entity_get_id (entity), pm_policy_get_id (vpc)));
  g_assert_true (project_has_filter (f, pm_entity_get_id (entity), pm_policy_get_id (office)));
}

/* An update whose reply is cut off (after the server acted) or is not JSON
 * (a proxy's page: it did not act) is checked by reading back. */
static void
test_fault_update_bad_reply_checked (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) listed = find_policy (f, "Corporate VPN (EU)");
  g_autoptr(PmPolicy) policy = pm_test_api_get_policy (f->api, pm_policy_get_id (listed), &error);
  g_autoptr(PmPolicy) updated = NULL;
  g_autoptr(PmPolicy) failed = NULL;
  g_autoptr(JsonObject) stored = NULL;
  const char *method = serverless (f) ? "PATCH" : "PUT";
  g_autofree char *truncate = g_strdup_printf ("truncate@%s*1", method);
  g_autofree char *not_json = g_strdup_printf ("not-json@%s*1", method);

  g_assert_no_error (error);
  /* one attempt only: the check by reading, not a repetition, decides */
  pm_http_set_retry_policy (f->http, 1, 0, 5000);
  add_fault (f, truncate);
  pm_policy_set_description (policy, "Cut reply");
  updated = pm_test_api_update_policy (f->api, policy, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pm_policy_get_description (updated), ==, "Cut reply");
  g_assert_cmpuint (pm_sandbox_get_request_count (f->sandbox, method, NULL), ==, 1);
  stored = state_policy (f, pm_policy_get_id (policy));
  g_assert_cmpstr (json_object_get_string_member (stored, "description"), ==, "Cut reply");
  pm_sandbox_clear_faults (f->sandbox);

  add_fault (f, not_json);
  pm_policy_set_description (updated, "Behind a proxy");
  failed = pm_test_api_update_policy (f->api, updated, &error);
  g_assert_null (failed);
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_BAD_REPLY);
  g_clear_pointer (&stored, json_object_unref);
  stored = state_policy (f, pm_policy_get_id (policy));
  g_assert_cmpstr (json_object_get_string_member (stored, "description"), ==, "Cut reply");
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) policies = NULL;
  g_autoptr(GError) error = NULL;

  add_fault (f, "latency:2000@GET*1");
  pm_api_list_policies_async (f->api, NULL, PM_API_LIST_INCLUDE_ASSOCIATIONS, cancellable,
                              pm_test_result_cb, &result);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 100, cancel_cb, g_object_ref (cancellable), g_object_unref);
  policies = pm_api_list_policies_finish (f->api, pm_test_wait (&result), &error);
  g_assert_null (policies);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_curl_for_api (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PmPolicy) draft = new_ip_policy (f, "Curl lab");
  g_autoptr(JsonNode) body = pm_json_write_policy_request (draft);
  g_autofree char *curl = pm_http_format_curl (f->http, "POST", "/api/v1/deployments/traffic-filter/rulesets", body);

  g_assert_nonnull (strstr (curl, "$EC_API_KEY"));
  g_assert_null (strstr (curl, PM_SANDBOX_DEFAULT_API_KEY));
  g_assert_nonnull (strstr (curl, "Curl lab"));
}

static void
add_for (const char *flavour_name,
         PmFlavour   flavour,
         const char *test,
         void      (*func) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/client/%s/%s", flavour_name, test);

  g_test_add (path, Fixture, GINT_TO_POINTER (flavour), fixture_setup, func, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  static const struct { const char *name; PmFlavour flavour; } flavours[] = {
    { "hosted", PM_FLAVOUR_HOSTED },
    { "ece", PM_FLAVOUR_ECE },
    { "serverless", PM_FLAVOUR_SERVERLESS },
  };
  guint i;

  g_test_init (&argc, &argv, NULL);

  for (i = 0; i < G_N_ELEMENTS (flavours); i++)
    {
      const char *n = flavours[i].name;
      PmFlavour fl = flavours[i].flavour;

      add_for (n, fl, "list", test_list);
      add_for (n, fl, "show", test_show);
      add_for (n, fl, "create-update-delete", test_create_update_delete);
      add_for (n, fl, "create-invalid", test_create_invalid);
      add_for (n, fl, "create-every-type", test_create_every_type);
      add_for (n, fl, "update-keeps-fields", test_update_unknown_fields_kept);
      add_for (n, fl, "associations", test_associations);
      add_for (n, fl, "delete-while-associated", test_delete_while_associated);
      add_for (n, fl, "unauthorized", test_unauthorized);
      add_for (n, fl, "fault/retried-get", test_fault_retried_get);
      add_for (n, fl, "fault/bad-replies", test_fault_bad_replies);
      add_for (n, fl, "fault/post-never-repeated", test_fault_post_never_repeated);
      add_for (n, fl, "fault/lost-create-reconciled", test_fault_lost_create_reconciled);
      add_for (n, fl, "fault/create-without-listing", test_create_without_listing);
      add_for (n, fl, "fault/idempotent-writes-retried", test_fault_idempotent_writes_retried);
      add_for (n, fl, "fault/lost-delete", test_fault_lost_delete);
      add_for (n, fl, "fault/update-bad-reply-checked", test_fault_update_bad_reply_checked);
      add_for (n, fl, "cancel", test_cancel);
      add_for (n, fl, "curl", test_curl_for_api);
      if (fl == PM_FLAVOUR_SERVERLESS)
        {
          add_for (n, fl, "paging", test_paging);
          add_for (n, fl, "bad-pagers", test_bad_pagers);
          add_for (n, fl, "listing-budget", test_listing_budget);
          add_for (n, fl, "shared-project-listing", test_shared_project_listing);
          add_for (n, fl, "update-stale-etag", test_update_stale_etag);
          add_for (n, fl, "association-race", test_association_race);
          add_for (n, fl, "fault/lost-patch", test_fault_lost_patch);
          add_for (n, fl, "unsupported-and-metadata", test_serverless_unsupported_and_metadata);
        }
      else
        {
          add_for (n, fl, "claims", test_claims);
          add_for (n, fl, "fault/lost-post-replies-verified", test_lost_post_replies_verified);
          add_for (n, fl, "fault/not-found-after-create", test_fault_not_found_after_create);
        }
    }

  return g_test_run ();
}
