/* test-conformance.c: the client and the sandbox checked against Elastic's specs
 *
 * Prism (in proxy mode, with --errors) sits between the real client and the
 * real sandbox, once for each specification. A request that violates the spec
 * is refused by Prism with 422 problem+json and never reaches the sandbox; a
 * reply that violates it becomes 500 problem+json; a status the spec does not
 * list passes with an `sl-violations` header. Every operation the app speaks
 * is exercised, and any of those three signs fails the test, except the
 * statuses in the allow-list below.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "pm-api.h"
#include "pm-json.h"
#include "pm-sandbox.h"
#include "pm-test-api.h"
#include "pm-test-prism.h"
#include "pm-test-util.h"

#define API_KEY "conformance-key"

/* Statuses the real services answer that their specs do not list. Each is
 * asserted by a test below, so the list cannot grow silently. */
static const struct {
  const char *method;
  const char *path_prefix;
  guint       status;
  const char *why;
} allowed_unlisted[] = {
  /* Deleting a rule set that is still associated is refused by the service
   * with 400 (deployments.traffic_filter.ruleset_in_use); the spec lists
   * only 200, 404 and 500 for this DELETE. */
  { "DELETE", "/api/v1/deployments/traffic-filter/rulesets/", 400, "delete while associated" },
  /* Associating with a deployment in another region is refused with 400;
   * the spec lists 200, 201, 404 and 500. */
  { "POST", "/api/v1/deployments/traffic-filter/rulesets/", 400, "association across regions" },
};

typedef struct {
  PmSandbox   *sandbox;
  GSubprocess *prism[2];
  guint16      port[2];       /* [0] Hosted/ECE spec, [1] Serverless spec */
  char        *tmpdir;
  GPtrArray   *violations;    /* strings, appended by on_message_finished */
} Fixture;

static Fixture fx;

enum { SPEC_HOSTED, SPEC_SERVERLESS };

static char *
prism_log_path (guint spec)
{
  return g_build_filename (fx.tmpdir, spec == SPEC_SERVERLESS ? "prism-serverless.log" : "prism-hosted.log", NULL);
}

static gboolean
is_allowed (const char *method,
            const char *path,
            guint       status)
{
  for (guint i = 0; i < G_N_ELEMENTS (allowed_unlisted); i++)
    if (g_str_equal (method, allowed_unlisted[i].method) &&
        g_str_has_prefix (path, allowed_unlisted[i].path_prefix) &&
        status == allowed_unlisted[i].status)
      return TRUE;
  return FALSE;
}

/* Prism's own failures (a 500 with no answer from the sandbox behind it)
 * came once in a while, with nothing to say why: its log's end says. */
static void
print_prism_log_tail (guint spec)
{
  g_autofree char *path = prism_log_path (spec);
  g_autofree char *log = NULL;
  gsize length = 0;
  const gsize tail = 4000;

  if (!g_file_get_contents (path, &log, &length, NULL))
    return;
  g_printerr ("the end of Prism's log (%s):\n%s\n", path, log + (length > tail ? length - tail : 0));
}

static void
on_message_finished (SoupMessage *msg,
                     gpointer     user_data)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *violations = soup_message_headers_get_one (headers, "sl-violations");
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  const char *method = soup_message_get_method (msg);
  const char *path = g_uri_get_path (soup_message_get_uri (msg));
  guint status = soup_message_get_status (msg);

  if (status >= 500)
    print_prism_log_tail (GPOINTER_TO_UINT (user_data));
  if (g_strcmp0 (content_type, "application/problem+json") == 0)
    g_ptr_array_add (fx.violations, g_strdup_printf ("%s %s → %u problem+json", method, path, status));
  else if (violations != NULL && !is_allowed (method, path, status))
    g_ptr_array_add (fx.violations, g_strdup_printf ("%s %s → %u: %s", method, path, status, violations));
}

static void
on_request_queued (SoupSession *session,
                   SoupMessage *msg,
                   gpointer     user_data)
{
  g_signal_connect (msg, "finished", G_CALLBACK (on_message_finished), user_data);
}

static PmHttp *
make_http (guint spec)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", fx.port[spec]);
  PmHttp *http = pm_http_new (url, API_KEY, &error);

  g_assert_no_error (error);
  /* Prism answers a violation with 4xx/5xx: never retry, so each is seen once. */
  pm_http_set_retry_policy (http, 1, 0, 0);
  g_signal_connect (pm_http_get_session (http), "request-queued", G_CALLBACK (on_request_queued), GUINT_TO_POINTER (spec));
  return http;
}

static PmApi *
make_api (PmFlavour flavour)
{
  g_autoptr(PmHttp) http = make_http (flavour == PM_FLAVOUR_SERVERLESS ? SPEC_SERVERLESS : SPEC_HOSTED);

  return pm_api_new_for_flavour (flavour, http);
}

static void
assert_no_violations (void)
{
  for (guint i = 0; i < fx.violations->len; i++)
    g_printerr ("spec violation: %s\n", (char *) g_ptr_array_index (fx.violations, i));
  g_assert_cmpuint (fx.violations->len, ==, 0);
}

/* The first entity of the list in a region of a provider that suits a type. */
static PmEntity *
find_entity (GPtrArray  *entities,
             const char *region_prefix,
             gboolean    want_plain_aws)
{
  for (guint i = 0; i < entities->len; i++)
    {
      PmEntity *entity = g_ptr_array_index (entities, i);
      const char *region = pm_entity_get_region (entity);

      if (region == NULL)
        continue;
      if (want_plain_aws ? !g_str_has_prefix (region, "azure-") && !g_str_has_prefix (region, "gcp-")
                         : g_str_has_prefix (region, region_prefix))
        return entity;
    }
  return NULL;
}

static PmPolicy *
make_policy (PmFlavour    flavour,
             PmPolicyType type,
             const char  *region)
{
  PmPolicy *policy = pm_policy_new (flavour, type);
  g_autoptr(PmRule) rule = pm_rule_new ();
  static const guint ports[] = { 443, 9243 };

  pm_policy_set_name (policy, "Conformance");
  pm_policy_set_description (policy, "Made by the conformance test");
  pm_policy_set_region (policy, region);
  pm_rule_set_description (rule, "one rule");
  switch (type)
    {
    case PM_POLICY_TYPE_IP:
      pm_rule_set_source (rule, "192.0.2.0/24");
      break;
    case PM_POLICY_TYPE_EGRESS_FIREWALL:
      pm_rule_set_egress_target (rule, "198.51.100.0/24");
      pm_rule_set_egress_protocol (rule, PM_EGRESS_PROTOCOL_TCP);
      pm_rule_set_ports (rule, ports, G_N_ELEMENTS (ports));
      break;
    case PM_POLICY_TYPE_VPCE:
      pm_rule_set_source (rule, "vpce-0123456789abcdef0");
      break;
    case PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT:
      pm_rule_set_azure_endpoint_name (rule, "conformance-endpoint");
      pm_rule_set_azure_endpoint_guid (rule, "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c");
      break;
    case PM_POLICY_TYPE_GCP_PSC:
      pm_rule_set_source (rule, "18446744072646845332");
      break;
    case PM_POLICY_TYPE_UNKNOWN:
    default:
      g_assert_not_reached ();
    }
  pm_policy_add_rule (policy, rule);
  return policy;
}

static GPtrArray *
list_entities (PmApi *api)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entities;

  entities = pm_test_api_list_entities (api, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entities->len, >, 0);
  return entities;
}

/* Create, show, update, associate, list both ways, detach and delete one
 * policy of a type, checking every exchange. */
static void
exercise_policy_lifecycle (PmFlavour    flavour,
                           PmPolicyType type,
                           const char  *region_prefix)
{
  g_autoptr(PmApi) api = make_api (flavour);
  g_autoptr(GPtrArray) entities = list_entities (api);
  PmEntity *entity = find_entity (entities, region_prefix, region_prefix == NULL);
  g_autoptr(PmPolicy) draft = NULL;
  g_autoptr(PmPolicy) created = NULL;
  g_autoptr(PmPolicy) shown = NULL;
  g_autoptr(PmPolicy) updated = NULL;
  g_autoptr(GPtrArray) associations = NULL;
  g_autoptr(GPtrArray) held = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_assert_nonnull (entity);
  draft = make_policy (flavour, type, pm_entity_get_region (entity));

  {
    g_autoptr(GAsyncResult) result = NULL;
    created = pm_test_api_create_policy (api, draft, &error);
    g_assert_no_error (error);
    g_assert_nonnull (pm_policy_get_id (created));
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    shown = pm_test_api_get_policy (api, pm_policy_get_id (created), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (pm_policy_get_name (shown), ==, "Conformance");
    g_assert_cmpuint (pm_policy_get_n_rules (shown), ==, 1);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    pm_policy_set_description (shown, "Updated by the conformance test");
    updated = pm_test_api_update_policy (api, shown, &error);
    g_assert_no_error (error);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    ok = pm_test_api_associate (api, pm_policy_get_id (created), entity, TRUE, &error);
    g_assert_no_error (error);
    g_assert_true (ok);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    associations = pm_test_api_list_associations (api, pm_policy_get_id (created), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (associations->len, ==, 1);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    /* The entity as it is now (Serverless: a fresh ETag). */
    g_autoptr(GPtrArray) fresh = list_entities (api);
    PmEntity *again = NULL;

    for (guint i = 0; i < fresh->len && again == NULL; i++)
      if (g_str_equal (pm_entity_get_id (g_ptr_array_index (fresh, i)), pm_entity_get_id (entity)))
        again = g_ptr_array_index (fresh, i);
    g_assert_nonnull (again);
    held = pm_test_api_list_entity_policies (api, again, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (held->len, >=, 1);

    {
      ok = pm_test_api_associate (api, pm_policy_get_id (created), again, FALSE, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  }
  {
    g_autoptr(GAsyncResult) result = NULL;
    ok = pm_test_api_delete_policy (api, pm_policy_get_id (created), FALSE, &error);
    g_assert_no_error (error);
    g_assert_true (ok);
  }
  assert_no_violations ();
}

static void
test_hosted_ip (void)
{
  exercise_policy_lifecycle (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP, NULL);
}

static void
test_hosted_egress (void)
{
  exercise_policy_lifecycle (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_EGRESS_FIREWALL, NULL);
}

static void
test_hosted_vpce (void)
{
  exercise_policy_lifecycle (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_VPCE, NULL);
}

static void
test_hosted_azure (void)
{
  exercise_policy_lifecycle (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "azure-");
}

static void
test_hosted_gcp (void)
{
  exercise_policy_lifecycle (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_GCP_PSC, "gcp-");
}

static void
test_ece_ip (void)
{
  exercise_policy_lifecycle (PM_FLAVOUR_ECE, PM_POLICY_TYPE_IP, NULL);
}

static void
test_serverless_ip (void)
{
  exercise_policy_lifecycle (PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_IP, NULL);
}

static void
test_serverless_vpce (void)
{
  exercise_policy_lifecycle (PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_VPCE, NULL);
}

static void
test_serverless_azure (void)
{
  exercise_policy_lifecycle (PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "azure-");
}

static void
list_policies_with (PmFlavour      flavour,
                    const char    *region,
                    PmApiListFlags flags)
{
  g_autoptr(PmApi) api = make_api (flavour);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) policies = NULL;

  policies = pm_test_api_list_policies (api, region, flags, &error);
  g_assert_no_error (error);
  if (region == NULL)
    g_assert_cmpuint (policies->len, >, 0);
  assert_no_violations ();
}

static void
test_hosted_list (void)
{
  list_policies_with (PM_FLAVOUR_HOSTED, NULL, 0);
  list_policies_with (PM_FLAVOUR_HOSTED, NULL, PM_API_LIST_INCLUDE_ASSOCIATIONS);
  list_policies_with (PM_FLAVOUR_HOSTED, "us-east-1", PM_API_LIST_INCLUDE_ASSOCIATIONS);
}

static void
test_serverless_list (void)
{
  list_policies_with (PM_FLAVOUR_SERVERLESS, NULL, 0);
  list_policies_with (PM_FLAVOUR_SERVERLESS, NULL, PM_API_LIST_INCLUDE_ASSOCIATIONS);
  list_policies_with (PM_FLAVOUR_SERVERLESS, "us-east-1", 0);
}

static void
test_serverless_metadata (void)
{
  static const PmProvider providers[] = { PM_PROVIDER_NONE, PM_PROVIDER_AWS, PM_PROVIDER_AZURE };
  g_autoptr(PmApi) api = make_api (PM_FLAVOUR_SERVERLESS);

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) regions = NULL;

      regions = pm_test_api_get_metadata (api, NULL, providers[i], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (regions->len, >, 0);
    }
  assert_no_violations ();
}

static void
test_hosted_claims (void)
{
  g_autoptr(PmApi) api = make_api (PM_FLAVOUR_HOSTED);
  g_autoptr(PmLinkClaim) aws = pm_link_claim_new_link_id ("eu-west-1", "vpce-00000000000abcdef");
  g_autoptr(PmLinkClaim) gcp = pm_link_claim_new_link_id ("gcp-us-central1", "18446744072646845399");
  g_autoptr(PmLinkClaim) azure = pm_link_claim_new_azure ("azure-eastus2", "conformance-endpoint",
                                                          "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c");
  PmLinkClaim *claims[] = { aws, gcp, azure };

  for (guint i = 0; i < G_N_ELEMENTS (claims); i++)
    {
      g_autoptr(GAsyncResult) listed = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = NULL;
      gboolean found = FALSE;
      gboolean ok;

      ok = pm_test_api_claim (api, claims[i], TRUE, &error);
      g_assert_no_error (error);
      g_assert_true (ok);

      list = pm_test_api_list_claims (api, pm_link_claim_get_region (claims[i]), &error);
      g_assert_no_error (error);
      for (guint j = 0; j < list->len; j++)
        found |= pm_link_claim_equal (g_ptr_array_index (list, j), claims[i]);
      g_assert_true (found);

      ok = pm_test_api_claim (api, claims[i], FALSE, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  {
    g_autoptr(GAsyncResult) listed = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;

    list = pm_test_api_list_claims (api, NULL, &error);
    g_assert_no_error (error);
  }
  assert_no_violations ();
}

/* Deleting a policy that is still associated is refused (an allow-listed
 * status) and the policy stays. */
static void
test_hosted_delete_in_use (void)
{
  g_autoptr(PmApi) api = make_api (PM_FLAVOUR_HOSTED);
  g_autoptr(GPtrArray) policies = NULL;
  PmPolicy *held = NULL;

  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    policies = pm_test_api_list_policies (api, NULL, PM_API_LIST_INCLUDE_ASSOCIATIONS, &error);
    g_assert_no_error (error);
  }
  for (guint i = 0; i < policies->len && held == NULL; i++)
    if (pm_policy_get_n_associations (g_ptr_array_index (policies, i)) > 0)
      held = g_ptr_array_index (policies, i);
  g_assert_nonnull (held);
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_false (pm_test_api_delete_policy (api, pm_policy_get_id (held), FALSE, &error));
    g_assert_nonnull (error);
    g_assert_cmpuint (pm_api_error_get_details (error)->status, ==, 400);
  }
  assert_no_violations ();
}

/* The check must bite: a request Elastic's spec forbids is refused by Prism
 * and never reaches the sandbox. */
static void
send_invalid (guint       spec,
              const char *path,
              const char *body_json)
{
  g_autoptr(PmHttp) http = make_http (spec);
  g_autoptr(JsonNode) body = json_from_string (body_json, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmHttpReply) reply = NULL;
  guint before = pm_sandbox_get_request_count (fx.sandbox, "POST", path);

  pm_http_request_async (http, "POST", path, body, NULL, NULL, pm_test_result_cb, &result);
  reply = pm_http_request_finish (http, pm_test_wait (&result), &error);
  g_assert_null (reply);
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_INVALID);
  g_assert_cmpuint (pm_api_error_get_details (error)->status, ==, 422);
  g_assert_cmpuint (pm_sandbox_get_request_count (fx.sandbox, "POST", path), ==, before);
  /* It was seen as a violation: the detector works. */
  g_assert_cmpuint (fx.violations->len, ==, 1);
  g_ptr_array_set_size (fx.violations, 0);
}

static void
test_invalid_request_rejected (void)
{
  /* "name" must be a string, and "region" and "rules" are required. */
  send_invalid (SPEC_HOSTED, "/api/v1/deployments/traffic-filter/rulesets",
                "{\"name\": 5, \"type\": \"ip\", \"include_by_default\": false}");
  /* "type" must be one of ip, vpce, private_endpoint. */
  send_invalid (SPEC_SERVERLESS, "/api/v1/serverless/traffic-filters",
                "{\"name\": \"x\", \"region\": \"us-east-1\", \"type\": \"egress_firewall\"}");
}

static void
setup_fixture (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *upstream = NULL;
  g_autofree char *hosted_spec = NULL;
  g_autofree char *serverless_spec = NULL;

  fx.violations = g_ptr_array_new_with_free_func (g_free);
  fx.tmpdir = g_dir_make_tmp ("pm-conformance-XXXXXX", &error);
  g_assert_no_error (error);

  fx.sandbox = pm_sandbox_new ();
  pm_sandbox_set_api_key (fx.sandbox, API_KEY);
  pm_sandbox_start_in_thread (fx.sandbox, 0, &error);
  g_assert_no_error (error);
  upstream = pm_sandbox_dup_base_url (fx.sandbox);

  hosted_spec = pm_test_prism_write_hosted_spec (fx.tmpdir);
  serverless_spec = pm_test_prism_write_serverless_spec (fx.tmpdir);
  for (guint i = 0; i < G_N_ELEMENTS (fx.prism); i++)
    {
      g_autofree char *log_path = prism_log_path (i);
      const char *argv[] = { "proxy", i == SPEC_SERVERLESS ? serverless_spec : hosted_spec, upstream, "--errors", NULL };

      fx.port[i] = pm_test_free_port ();
      fx.prism[i] = pm_test_prism_start (argv, fx.port[i], log_path);
    }
}

static void
teardown_fixture (void)
{
  g_autofree char *spec = g_build_filename (fx.tmpdir, "elastic-cloud-api.json", NULL);
  g_autofree char *serverless_spec = g_build_filename (fx.tmpdir, "elastic-cloud-serverless-api.yml", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fx.prism); i++)
    {
      g_autofree char *log_path = prism_log_path (i);

      pm_test_prism_stop (fx.prism[i]);
      g_clear_object (&fx.prism[i]);
      g_unlink (log_path);
    }
  pm_sandbox_stop (fx.sandbox);
  g_clear_object (&fx.sandbox);
  g_unlink (spec);
  g_unlink (serverless_spec);
  g_rmdir (fx.tmpdir);
  g_clear_pointer (&fx.tmpdir, g_free);
  g_clear_pointer (&fx.violations, g_ptr_array_unref);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conformance/invalid-request-rejected", test_invalid_request_rejected);
  g_test_add_func ("/conformance/hosted/list", test_hosted_list);
  g_test_add_func ("/conformance/hosted/ip", test_hosted_ip);
  g_test_add_func ("/conformance/hosted/egress-firewall", test_hosted_egress);
  g_test_add_func ("/conformance/hosted/vpce", test_hosted_vpce);
  g_test_add_func ("/conformance/hosted/azure-private-endpoint", test_hosted_azure);
  g_test_add_func ("/conformance/hosted/gcp-psc", test_hosted_gcp);
  g_test_add_func ("/conformance/hosted/claims", test_hosted_claims);
  g_test_add_func ("/conformance/hosted/delete-in-use", test_hosted_delete_in_use);
  g_test_add_func ("/conformance/ece/ip", test_ece_ip);
  g_test_add_func ("/conformance/serverless/list", test_serverless_list);
  g_test_add_func ("/conformance/serverless/metadata", test_serverless_metadata);
  g_test_add_func ("/conformance/serverless/ip", test_serverless_ip);
  g_test_add_func ("/conformance/serverless/vpce", test_serverless_vpce);
  g_test_add_func ("/conformance/serverless/private-endpoint", test_serverless_azure);

  setup_fixture ();
  status = g_test_run ();
  teardown_fixture ();
  return status;
}
