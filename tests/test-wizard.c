/* test-wizard.c: the private connection wizard and the claims page, driven
 * through their actions and entries against the in-thread sandbox
 *
 * Runs under Xvfb (harness mode display).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <adwaita.h>

#include "pm-api.h"
#include "pm-application.h"
#include "pm-claims-page.h"
#include "pm-http.h"
#include "pm-sandbox.h"
#include "pm-session.h"
#include "pm-test-dialog.h"
#include "pm-test-util.h"
#include "pm-wizard-page.h"

enum { S_PROVIDER, S_REGION, S_ENDPOINT, S_IDENTITY, S_POLICY, S_ASSOCIATE, S_CLAIM, S_TEST, S_SUMMARY };

typedef struct {
  PmSandbox    *sandbox;
  PmSession    *session;
  GtkWindow    *window;
  PmWizardPage *wizard;
  PmClaimsPage *claims;
} Fixture;

/* A resolver that knows no name: the test then fails at its first step,
 * quickly and without the network. */
#define TEST_TYPE_RESOLVER (test_resolver_get_type ())
G_DECLARE_FINAL_TYPE (TestResolver, test_resolver, TEST, RESOLVER, GResolver)
struct _TestResolver { GResolver parent_instance; };
G_DEFINE_FINAL_TYPE (TestResolver, test_resolver, G_TYPE_RESOLVER)

static GList *
test_resolver_lookup_by_name (GResolver *resolver, const char *hostname,
                              GCancellable *cancellable, GError **error)
{
  g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "Name not found: %s", hostname);
  return NULL;
}

static void
test_resolver_lookup_by_name_async (GResolver *resolver, const char *hostname, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "Name not found: %s", hostname);
}

static GList *
test_resolver_lookup_by_name_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_resolver_class_init (TestResolverClass *klass)
{
  GResolverClass *r = G_RESOLVER_CLASS (klass);

  r->lookup_by_name = test_resolver_lookup_by_name;
  r->lookup_by_name_async = test_resolver_lookup_by_name_async;
  r->lookup_by_name_finish = test_resolver_lookup_by_name_finish;
}

static void
test_resolver_init (TestResolver *self)
{
}

/* Fixture ------------------------------------------------------------- */

static gboolean
stores_loaded (gpointer data)
{
  Fixture *f = data;

  return pm_policy_store_get_loaded (pm_session_get_policies (f->session))
         && pm_entity_store_get_loaded (pm_session_get_entities (f->session))
         && (!pm_api_supports_claims (pm_session_get_api (f->session))
             || pm_claim_store_get_loaded (pm_session_get_claims (f->session)));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  PmFlavour flavour = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmHttp) http = NULL;
  g_autoptr(PmApi) api = NULL;
  g_autofree char *url = NULL;
  g_autoptr(TestResolver) resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);
  GtkWidget *box;

  f->sandbox = pm_sandbox_new ();
  pm_sandbox_start_in_thread (f->sandbox, 0, &error);
  g_assert_no_error (error);
  url = pm_sandbox_dup_base_url (f->sandbox);
  http = pm_http_new (url, PM_SANDBOX_DEFAULT_API_KEY, &error);
  g_assert_no_error (error);
  api = pm_api_new_for_flavour (flavour, http);
  f->session = pm_session_new (api, "Sandbox", TRUE);
  pm_session_refresh (f->session);
  pm_test_wait_until (stores_loaded, f, 20000);

  f->wizard = pm_wizard_page_new ();
  f->claims = pm_claims_page_new ();
  pm_wizard_page_set_session (f->wizard, f->session);
  pm_claims_page_set_session (f->claims, f->session);
  pm_connection_test_set_resolver (pm_wizard_page_get_connection_test (f->wizard), G_RESOLVER (resolver));

  /* As in the app, dialogs are shown inside the window. */
  f->window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (f->window, 900, 760);
  box = gtk_stack_new ();
  gtk_stack_add_named (GTK_STACK (box), GTK_WIDGET (f->wizard), "wizard");
  gtk_stack_add_named (GTK_STACK (box), GTK_WIDGET (f->claims), "claims");
  g_object_set_data (G_OBJECT (f->window), "stack", box);
  adw_window_set_content (ADW_WINDOW (f->window), box);
  gtk_window_present (f->window);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  pm_session_shutdown (f->session);
  gtk_window_destroy (f->window);
  g_clear_object (&f->session);
  pm_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
}

/* Driving ------------------------------------------------------------- */

static void
act (Fixture    *f,
     const char *action,
     const char *string)
{
  gboolean ok;

  if (string != NULL)
    ok = gtk_widget_activate_action (GTK_WIDGET (f->wizard), action, "s", string);
  else
    ok = gtk_widget_activate_action (GTK_WIDGET (f->wizard), action, NULL);
  g_assert_true (ok);
}

static void
type (Fixture    *f,
      const char *field,
      const char *text)
{
  GtkEditable *editable = pm_wizard_page_get_field (f->wizard, field);

  g_assert_nonnull (editable);
  gtk_editable_set_text (editable, text);
}

static const char *
text (Fixture    *f,
      const char *field)
{
  return gtk_editable_get_text (pm_wizard_page_get_field (f->wizard, field));
}

typedef struct { Fixture *f; guint step; } StepWait;

static gboolean
at_step_or_failed (gpointer data)
{
  StepWait *w = data;

  return !pm_wizard_page_get_busy (w->f->wizard)
         && (pm_wizard_page_get_step (w->f->wizard) == w->step
             || pm_wizard_page_get_problem (w->f->wizard) != NULL);
}

static void
next_to (Fixture *f,
         guint    step)
{
  StepWait w = { f, step };

  act (f, "wizard.next", NULL);
  pm_test_wait_until (at_step_or_failed, &w, 20000);
  if (pm_wizard_page_get_step (f->wizard) != step)
    g_error ("stuck on step %u: %s", pm_wizard_page_get_step (f->wizard),
             pm_wizard_page_get_problem (f->wizard));
}

static JsonObject *
state (Fixture    *f,
       const char *part)
{
  g_autoptr(JsonNode) root = pm_sandbox_dup_state (f->sandbox);

  return json_object_ref (json_object_get_object_member (json_node_get_object (root), part));
}

static JsonObject *
find_named (JsonArray  *array,
            const char *name)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (o, "name", NULL), name) == 0)
        return o;
    }
  return NULL;
}

static const char *
entity_id_by_name (Fixture    *f,
                   const char *name)
{
  GListModel *entities = G_LIST_MODEL (pm_session_get_entities (f->session));

  for (guint i = 0; i < g_list_model_get_n_items (entities); i++)
    {
      g_autoptr(PmEntity) e = g_list_model_get_item (entities, i);

      if (g_strcmp0 (pm_entity_get_name (e), name) == 0)
        return pm_entity_get_id (e);
    }
  g_error ("no entity %s", name);
  return NULL;
}

static gboolean
test_ran (gpointer data)
{
  PmConnectionTest *t = data;

  return pm_connection_test_get_verdict (t, PM_CONNECTION_STEP_DNS) == PM_CONNECTION_VERDICT_FAILED;
}

/* Steps 1–2, then the identity page checks, then policy to summary. */
static void
run_wizard (Fixture    *f,
            const char *provider,
            const char *region,
            const char *entity_name,
            gboolean    claim)
{
  PmConnectionTest *t = pm_wizard_page_get_connection_test (f->wizard);

  g_assert_cmpuint (pm_wizard_page_get_step (f->wizard), ==, S_PROVIDER);
  g_assert_nonnull (pm_wizard_page_get_problem (f->wizard));       /* nothing chosen yet */
  act (f, "wizard.provider", provider);
  next_to (f, S_REGION);
  act (f, "wizard.region", region);
  next_to (f, S_ENDPOINT);

  if (claim)
    act (f, "wizard.claim", NULL);
  (void) entity_name;
  (void) t;
}

static void
finish_wizard (Fixture    *f,
               const char *policy_name,
               const char *entity_name,
               gboolean    claims)
{
  PmConnectionTest *t = pm_wizard_page_get_connection_test (f->wizard);
  g_autofree char *summary = NULL;

  next_to (f, S_POLICY);
  type (f, "policy_name", policy_name);
  next_to (f, S_ASSOCIATE);
  act (f, "wizard.toggle-entity", entity_id_by_name (f, entity_name));
  next_to (f, S_CLAIM);
  next_to (f, S_TEST);
  g_assert_nonnull (strstr (text (f, "test_host"), "."));
  act (f, "wizard.run-test", NULL);
  pm_test_wait_until (test_ran, t, 10000);
  g_assert_cmpint (pm_connection_test_get_problem (t, PM_CONNECTION_STEP_DNS), ==, PM_CONNECTION_PROBLEM_NOT_RESOLVED);
  next_to (f, S_SUMMARY);
  summary = pm_wizard_page_dup_summary (f->wizard);
  g_assert_nonnull (strstr (summary, policy_name));
  (void) claims;
}

static void
test_hosted_aws (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) hosted = NULL;
  JsonObject *ruleset;
  JsonArray *rules, *assocs, *claims;
  gboolean claimed = FALSE;
  const char *dep = NULL;

  run_wizard (f, "aws", "us-east-1", NULL, TRUE);
  type (f, "vpc_id", "vpc-0abc");
  type (f, "subnet_ids", "subnet-1 subnet-2");
  next_to (f, S_IDENTITY);

  /* Invalid IDs block Next with the validator's message. */
  type (f, "vpce", "vpce-xyz");
  act (f, "wizard.next", NULL);
  g_assert_cmpuint (pm_wizard_page_get_step (f->wizard), ==, S_IDENTITY);
  g_assert_nonnull (pm_wizard_page_get_problem (f->wizard));
  g_assert_nonnull (strstr (pm_wizard_page_get_problem (f->wizard), "VPC endpoint"));
  type (f, "vpce", "vpce-0123456789abcdef0");
  g_assert_null (pm_wizard_page_get_problem (f->wizard));

  /* Going back keeps what was typed. */
  act (f, "wizard.back", NULL);
  act (f, "wizard.back", NULL);
  g_assert_cmpuint (pm_wizard_page_get_step (f->wizard), ==, S_REGION);
  next_to (f, S_ENDPOINT);
  g_assert_cmpstr (text (f, "vpc_id"), ==, "vpc-0abc");
  next_to (f, S_IDENTITY);
  g_assert_cmpstr (text (f, "vpce"), ==, "vpce-0123456789abcdef0");

  finish_wizard (f, "Wizard AWS", "Search production", TRUE);

  hosted = state (f, "hosted");
  ruleset = find_named (json_object_get_array_member (hosted, "rulesets"), "Wizard AWS");
  g_assert_nonnull (ruleset);
  g_assert_cmpstr (json_object_get_string_member (ruleset, "type"), ==, "vpce");
  g_assert_cmpstr (json_object_get_string_member (ruleset, "region"), ==, "us-east-1");
  rules = json_object_get_array_member (ruleset, "rules");
  g_assert_cmpuint (json_array_get_length (rules), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rules, 0), "source"), ==,
                   "vpce-0123456789abcdef0");
  assocs = json_object_get_array_member (ruleset, "associations");
  g_assert_cmpuint (json_array_get_length (assocs), ==, 1);
  dep = entity_id_by_name (f, "Search production");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (assocs, 0), "id"), ==, dep);
  claims = json_object_get_array_member (hosted, "claims");
  for (guint i = 0; i < json_array_get_length (claims); i++)
    {
      JsonObject *c = json_array_get_object_element (claims, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (c, "link_id", NULL), "vpce-0123456789abcdef0") == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (c, "region"), ==, "us-east-1");
          claimed = TRUE;
        }
    }
  g_assert_true (claimed);
}

static void
test_hosted_azure (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) hosted = NULL;
  JsonObject *ruleset, *rule;
  g_autofree char *summary = NULL;

  run_wizard (f, "azure", "eastus2", NULL, FALSE);
  /* Inter-region: the endpoint in westus3, the deployment in eastus2. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->wizard), "wizard.back", NULL));
  act (f, "wizard.inter-region", NULL);
  g_assert_nonnull (pm_wizard_page_get_problem (f->wizard));   /* no endpoint region yet */
  type (f, "endpoint_location", "westus3");
  next_to (f, S_ENDPOINT);
  type (f, "resource_group", "crm");
  type (f, "vnet", "crm-vnet");
  type (f, "endpoint_name", "crm-pe");
  next_to (f, S_IDENTITY);
  g_assert_cmpstr (text (f, "azure_name"), ==, "crm-pe");      /* carried over from step 3 */
  type (f, "azure_guid", "not-a-guid");
  act (f, "wizard.next", NULL);
  g_assert_cmpuint (pm_wizard_page_get_step (f->wizard), ==, S_IDENTITY);
  g_assert_nonnull (strstr (pm_wizard_page_get_problem (f->wizard), "GUID"));
  type (f, "azure_guid", "7c0f05e4-e32b-4b10-a246-000000000001");

  finish_wizard (f, "Wizard Azure", "CRM search", FALSE);
  summary = pm_wizard_page_dup_summary (f->wizard);
  g_assert_nonnull (strstr (summary, "--location westus3"));
  g_assert_nonnull (strstr (summary, "privatelink.eastus2.azure.elastic-cloud.com"));

  hosted = state (f, "hosted");
  ruleset = find_named (json_object_get_array_member (hosted, "rulesets"), "Wizard Azure");
  g_assert_nonnull (ruleset);
  g_assert_cmpstr (json_object_get_string_member (ruleset, "type"), ==, "azure_private_endpoint");
  g_assert_cmpstr (json_object_get_string_member (ruleset, "region"), ==, "azure-eastus2");
  rule = json_array_get_object_element (json_object_get_array_member (ruleset, "rules"), 0);
  g_assert_cmpstr (json_object_get_string_member (rule, "azure_endpoint_name"), ==, "crm-pe");
  g_assert_cmpstr (json_object_get_string_member (rule, "azure_endpoint_guid"), ==, "7c0f05e4-e32b-4b10-a246-000000000001");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (ruleset, "associations")), ==, 1);
}

static void
test_hosted_gcp (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) hosted = NULL;
  JsonObject *ruleset;
  JsonArray *claims;
  gboolean claimed = FALSE;

  /* Searching by human name, Enter picks the first match and goes on. */
  act (f, "wizard.provider", "gcp");
  next_to (f, S_REGION);
  type (f, "region_search", "Iowa");
  g_signal_emit_by_name (pm_wizard_page_get_field (f->wizard, "region_search"), "activate");
  g_assert_cmpuint (pm_wizard_page_get_step (f->wizard), ==, S_ENDPOINT);
  /* (the ruleset's region below shows that Iowa was us-central1) */
  act (f, "wizard.claim", NULL);
  type (f, "project", "data-platform");
  next_to (f, S_IDENTITY);
  type (f, "psc", "18446744073709551616");     /* one more than 64 bits */
  act (f, "wizard.next", NULL);
  g_assert_cmpuint (pm_wizard_page_get_step (f->wizard), ==, S_IDENTITY);
  g_assert_nonnull (pm_wizard_page_get_problem (f->wizard));
  type (f, "psc", "18446744072646845999");

  finish_wizard (f, "Wizard GCP", "Data platform", TRUE);
  hosted = state (f, "hosted");
  ruleset = find_named (json_object_get_array_member (hosted, "rulesets"), "Wizard GCP");
  g_assert_nonnull (ruleset);
  g_assert_cmpstr (json_object_get_string_member (ruleset, "type"), ==, "gcp_private_service_connect_endpoint");
  g_assert_cmpstr (json_object_get_string_member (ruleset, "region"), ==, "gcp-us-central1");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (ruleset, "rules"), 0), "source"),
                   ==, "18446744072646845999");
  claims = json_object_get_array_member (hosted, "claims");
  for (guint i = 0; i < json_array_get_length (claims); i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (json_array_get_object_element (claims, i), "link_id", NULL),
                   "18446744072646845999") == 0)
      claimed = TRUE;
  g_assert_true (claimed);
}

static JsonObject *
find_project (JsonObject *serverless,
              const char *name)
{
  return find_named (json_object_get_array_member (serverless, "projects"), name);
}

static gboolean
project_has_filter (JsonObject *project,
                    const char *id)
{
  JsonArray *filters = json_object_get_array_member (project, "traffic_filters");

  for (guint i = 0; i < json_array_get_length (filters); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (filters, i), "id"), id) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
metadata_asked (gpointer data)
{
  Fixture *f = data;

  return pm_sandbox_get_request_count (f->sandbox, "GET", "/api/v1/serverless/traffic-filters/metadata") > 0;
}

static void
test_serverless (Fixture       *f,
                 const char    *provider,
                 const char    *region,
                 const char    *project_name,
                 const char    *policy_name,
                 const char    *type_string)
{
  g_autoptr(JsonObject) serverless = NULL;
  JsonObject *filter, *project;

  run_wizard (f, provider, region, NULL, FALSE);
  /* Serverless asks the live metadata, which wins over the shipped table. */
  pm_test_wait_until (metadata_asked, f, 10000);
  next_to (f, S_IDENTITY);
  if (g_str_equal (provider, "aws"))
    type (f, "vpce", "vpce-0fedcba9876543210");
  else
    {
      type (f, "azure_name", "soc-pe-2");
      type (f, "azure_guid", "0b9e2a64-5c1d-4c3e-9f7a-000000000002");
    }
  finish_wizard (f, policy_name, project_name, FALSE);

  serverless = state (f, "serverless");
  filter = find_named (json_object_get_array_member (serverless, "traffic_filters"), policy_name);
  g_assert_nonnull (filter);
  g_assert_cmpstr (json_object_get_string_member (filter, "type"), ==, type_string);
  project = find_project (serverless, project_name);
  g_assert_nonnull (project);
  g_assert_true (project_has_filter (project, json_object_get_string_member (filter, "id")));
}

static void
test_serverless_aws (Fixture *f, gconstpointer data)
{
  /* GCP is not offered on Serverless. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (f->wizard), "wizard.provider", "s", "gcp")
                  && pm_wizard_page_get_problem (f->wizard) == NULL);
  test_serverless (f, "aws", "us-east-1", "Product search", "Wizard SL AWS", "vpce");
}

static void
test_serverless_azure (Fixture *f, gconstpointer data)
{
  test_serverless (f, "azure", "eastus2", "Security operations", "Wizard SL Azure", "private_endpoint");
}

/* A failed API call keeps the user on the page with the message and Retry. */
static void
test_failure_and_retry (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) hosted = NULL;
  JsonArray *rulesets;
  guint n = 0;
  StepWait w = { f, S_ASSOCIATE };

  run_wizard (f, "aws", "eu-west-1", NULL, FALSE);
  next_to (f, S_IDENTITY);
  type (f, "vpce", "vpce-0aaaabbbbccccdddd");
  next_to (f, S_POLICY);
  type (f, "policy_name", "Wizard retry");
  pm_sandbox_add_fault (f->sandbox, "status:400@POST:/api/v1/deployments/traffic-filter/rulesets*1", &error);
  g_assert_no_error (error);

  act (f, "wizard.next", NULL);
  pm_test_wait_until (at_step_or_failed, &w, 20000);
  g_assert_cmpuint (pm_wizard_page_get_step (f->wizard), ==, S_POLICY);
  g_assert_nonnull (strstr (pm_wizard_page_get_problem (f->wizard), "The policy was not created."));
  g_assert_cmpstr (text (f, "policy_name"), ==, "Wizard retry");
  g_assert_cmpstr (text (f, "vpce"), ==, "vpce-0aaaabbbbccccdddd");

  next_to (f, S_ASSOCIATE);      /* Retry is the same action */
  hosted = state (f, "hosted");
  rulesets = json_object_get_array_member (hosted, "rulesets");
  for (guint i = 0; i < json_array_get_length (rulesets); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (rulesets, i), "name"), "Wizard retry") == 0)
      n++;
  g_assert_cmpuint (n, ==, 1);
}

/* The endpoint added as a rule to an existing policy of the type and region. */
static void
test_existing_policy (Fixture       *f,
                      gconstpointer  data)
{
  GListModel *policies = G_LIST_MODEL (pm_session_get_policies (f->session));
  g_autoptr(JsonObject) hosted = NULL;
  const char *id = NULL;
  JsonObject *ruleset;
  JsonArray *rules;

  for (guint i = 0; i < g_list_model_get_n_items (policies); i++)
    {
      g_autoptr(PmPolicy) p = g_list_model_get_item (policies, i);

      if (g_strcmp0 (pm_policy_get_name (p), "Shared services VPC (EU)") == 0)
        id = pm_policy_get_id (p);
    }
  g_assert_nonnull (id);

  run_wizard (f, "aws", "eu-west-1", NULL, FALSE);
  next_to (f, S_IDENTITY);
  type (f, "vpce", "vpce-0bbbbccccddddeeee");
  next_to (f, S_POLICY);
  act (f, "wizard.policy-mode", "existing");
  act (f, "wizard.existing-policy", id);
  next_to (f, S_ASSOCIATE);

  hosted = state (f, "hosted");
  ruleset = find_named (json_object_get_array_member (hosted, "rulesets"), "Shared services VPC (EU)");
  rules = json_object_get_array_member (ruleset, "rules");
  g_assert_cmpuint (json_array_get_length (rules), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rules, 0), "source"), ==,
                   "vpce-01234567890abcdef");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rules, 1), "source"), ==,
                   "vpce-0bbbbccccddddeeee");
}

/* ECE has no private connections: nothing is offered. */
static void
test_ece (Fixture       *f,
          gconstpointer  data)
{
  g_assert_nonnull (strstr (pm_wizard_page_get_problem (f->wizard), "Enterprise"));
  gtk_widget_activate_action (GTK_WIDGET (f->wizard), "wizard.provider", "s", "aws");
  gtk_widget_activate_action (GTK_WIDGET (f->wizard), "wizard.next", NULL);
  g_assert_cmpuint (pm_wizard_page_get_step (f->wizard), ==, S_PROVIDER);
}

/* Claims page --------------------------------------------------------- */

static gboolean
claims_message (gpointer data)
{
  return pm_claims_page_get_message (data) != NULL;
}

static gboolean
claims_dialog_open (gpointer data)
{
  return pm_claims_page_get_dialog (data) != NULL;
}

static gboolean
claims_released (gpointer data)
{
  const char *message = pm_claims_page_get_message (data);

  return message != NULL && strstr (message, "Released") != NULL;
}

static guint
count_claims (Fixture    *f,
              const char *link_id)
{
  g_autoptr(JsonObject) hosted = state (f, "hosted");
  JsonArray *claims = json_object_get_array_member (hosted, "claims");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (claims); i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (json_array_get_object_element (claims, i), "link_id", NULL),
                   link_id) == 0)
      n++;
  return n;
}

static void
claim_via_dialog (Fixture    *f,
                  const char *link_id)
{
  AdwAlertDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->claims), "claims.claim", NULL));
  dialog = pm_claims_page_get_dialog (f->claims);
  g_assert_nonnull (dialog);
  pm_claims_page_choose (f->claims, PM_PROVIDER_AWS, "eu-west-1");
  gtk_editable_set_text (pm_claims_page_get_field (f->claims, "link_id"), "vpce-12");
  g_assert_false (adw_alert_dialog_get_response_enabled (dialog, "claim"));   /* too short */
  gtk_editable_set_text (pm_claims_page_get_field (f->claims, "link_id"), link_id);
  g_assert_true (adw_alert_dialog_get_response_enabled (dialog, "claim"));
  pm_test_dialog_respond (dialog, "claim");
}

static void
test_claims_round_trip (Fixture       *f,
                        gconstpointer  data)
{
  GListModel *claims = G_LIST_MODEL (pm_session_get_claims (f->session));
  guint before = g_list_model_get_n_items (claims);
  g_autofree char *key = NULL;
  PmLinkClaim *claim;
  AdwAlertDialog *dialog;

  gtk_stack_set_visible_child_name (g_object_get_data (G_OBJECT (f->window), "stack"), "claims");

  claim_via_dialog (f, "vpce-0aaa1111bbbb22223");
  pm_test_wait_until (claims_message, f->claims, 10000);
  g_assert_nonnull (strstr (pm_claims_page_get_message (f->claims), "Claimed"));
  g_assert_cmpuint (count_claims (f, "vpce-0aaa1111bbbb22223"), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (claims), ==, before + 1);

  /* Claiming it again: the API's refusal in words, the dialog back with the ID. */
  claim_via_dialog (f, "vpce-0aaa1111bbbb22223");
  pm_test_wait_until (claims_dialog_open, f->claims, 10000);
  g_assert_nonnull (strstr (pm_claims_page_get_message (f->claims), "already claimed"));
  g_assert_cmpstr (gtk_editable_get_text (pm_claims_page_get_field (f->claims, "link_id")), ==, "vpce-0aaa1111bbbb22223");
  pm_test_dialog_respond (pm_claims_page_get_dialog (f->claims), "cancel");
  g_assert_cmpuint (count_claims (f, "vpce-0aaa1111bbbb22223"), ==, 1);

  /* Unclaim, after confirming. */
  claim = pm_link_claim_new_link_id ("eu-west-1", "vpce-0aaa1111bbbb22223");
  key = pm_claim_store_dup_key (claim);
  g_object_unref (claim);
  g_assert_nonnull (pm_claim_store_lookup (pm_session_get_claims (f->session), key));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->claims), "claims.unclaim", "s", key));
  dialog = pm_claims_page_get_dialog (f->claims);
  g_assert_nonnull (dialog);
  pm_test_dialog_respond (dialog, "unclaim");
  pm_test_wait_until (claims_released, f->claims, 10000);
  g_assert_cmpuint (count_claims (f, "vpce-0aaa1111bbbb22223"), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (claims), ==, before);
}

/* The unclaim dialog names the policies in the claim's region that use the
 * ID: a link ID (AWS, GCP) or an Azure endpoint GUID. */
static void
assert_used_by (Fixture     *f,
                PmLinkClaim *claim,
                const char  *expected)
{
  g_autofree char *key = pm_claim_store_dup_key (claim);
  AdwAlertDialog *dialog;

  g_assert_nonnull (pm_claim_store_lookup (pm_session_get_claims (f->session), key));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->claims), "claims.unclaim", "s", key));
  dialog = pm_claims_page_get_dialog (f->claims);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_alert_dialog_get_body (dialog), expected));
  pm_test_dialog_respond (dialog, "cancel");
}

static void
test_claims_used_by (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(PmLinkClaim) aws = pm_link_claim_new_link_id ("us-east-1", "vpce-0a1b2c3d4e5f67890");
  g_autoptr(PmLinkClaim) azure = pm_link_claim_new_azure ("azure-eastus2", "crm-es-endpoint",
                                                          "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c");
  g_autoptr(PmLinkClaim) gcp = pm_link_claim_new_link_id ("gcp-us-central1", "18446744072646845332");

  assert_used_by (f, aws, "Used by Application VPC");
  assert_used_by (f, azure, "Used by CRM VNet");
  assert_used_by (f, gcp, "Used by Data platform PSC");
}

static void
test_claims_serverless (Fixture       *f,
                        gconstpointer  data)
{
  /* No claims on Serverless: the page says so and offers nothing. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (f->claims), "claims.claim", NULL)
                  && pm_claims_page_get_dialog (f->claims) != NULL);
  g_assert_null (pm_claims_page_get_dialog (f->claims));
}

/* Screenshots ---------------------------------------------------------- */

static void
save_png (GtkWidget  *widget,
          const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
settle (GtkWidget *widget)
{
  gint64 end = g_get_monotonic_time () + 400 * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  gtk_test_widget_wait_for_draw (widget);
}

static GtkScrolledWindow *
visible_scroller (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget) && gtk_widget_get_mapped (widget))
    return GTK_SCROLLED_WINDOW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkScrolledWindow *found = gtk_widget_get_mapped (c) ? visible_scroller (c) : NULL;

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
scroll_to_end (GtkWidget *widget)
{
  GtkScrolledWindow *sw = visible_scroller (widget);
  GtkAdjustment *adj;

  g_assert_nonnull (sw);
  adj = gtk_scrolled_window_get_vadjustment (sw);
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
}

/* What to type for the screenshots of one provider's pages. */
typedef struct {
  const char *provider;
  const char *region;
  const char *endpoint[9];   /* name, value, …, NULL */
  const char *identity[5];
  const char *entity;
} ShotPlan;

static const ShotPlan shot_plans[] = {
  { "aws", "us-east-1",
    { "vpc_id", "vpc-0abc", "subnet_ids", "subnet-1 subnet-2", NULL },
    { "vpce", "vpce-0123456789abcdef0", NULL }, "Search production" },
  { "azure", "eastus2",
    { "resource_group", "crm", "vnet", "crm-vnet", "subnet", "endpoints", "endpoint_name", "crm-pe", NULL },
    { "azure_guid", "7c0f05e4-e32b-4b10-a246-0000000000ab", NULL }, "CRM search" },
  { "gcp", "us-central1",
    { "project", "data-platform", NULL },
    { "psc", "18446744072646845999", NULL }, "Data platform" },
};

static void
type_all (Fixture            *f,
          const char * const *pairs)
{
  for (guint i = 0; pairs[i] != NULL; i += 2)
    type (f, pairs[i], pairs[i + 1]);
}

static void
save_claims_screenshots (Fixture    *f,
                         const char *dir)
{
  g_autofree char *path = g_strdup_printf ("%s/claims.png", dir);
  g_autofree char *dialog_path = g_strdup_printf ("%s/claims-dialog.png", dir);
  AdwAlertDialog *dialog;

  gtk_stack_set_visible_child_name (g_object_get_data (G_OBJECT (f->window), "stack"), "claims");
  settle (GTK_WIDGET (f->window));
  save_png (GTK_WIDGET (f->window), path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->claims), "claims.claim", NULL));
  dialog = pm_claims_page_get_dialog (f->claims);
  pm_claims_page_choose (f->claims, PM_PROVIDER_AZURE, "eastus2");
  gtk_editable_set_text (pm_claims_page_get_field (f->claims, "azure_name"), "crm-pe");
  gtk_editable_set_text (pm_claims_page_get_field (f->claims, "azure_guid"), "7c0f05e4-e32b");
  /* As seen: over the window, once it has finished opening. */
  settle (GTK_WIDGET (dialog));
  settle (GTK_WIDGET (f->window));
  save_png (GTK_WIDGET (f->window), dialog_path);
  pm_test_dialog_respond (dialog, "cancel");
}

/* The wizard's page fits `width`: nothing in it holds the window wider. */
static void
assert_fits (Fixture *f,
             int      width)
{
  int minimum = 0;

  gtk_widget_measure (GTK_WIDGET (f->wizard), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  if (minimum > width)
    g_error ("step %u needs %d px, more than %d", pm_wizard_page_get_step (f->wizard), minimum, width);
}

/* Every page of the wizard for one provider, as wizard-PROVIDER-N.png;
 * narrow, in a window of 360 px (the narrowest the metainfo promises),
 * as wizard-PROVIDER-N-narrow.png, each page checked to fit. */
static void
save_wizard_screenshots (Fixture        *f,
                         const ShotPlan *plan,
                         gboolean        narrow)
{
  const char *dir = g_getenv ("PM_WIZARD_SHOTS");
  const char *suffix = narrow ? "-narrow" : "";
  g_autofree char *tmp = NULL;

  if (dir == NULL)
    dir = tmp = g_dir_make_tmp ("pm-wizard-shots-XXXXXX", NULL);
  if (g_getenv ("PM_WIZARD_SHOTS_DARK") != NULL)
    adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  if (narrow)
    gtk_window_set_default_size (f->window, 360, 720);

  for (guint step = 0; step < S_SUMMARY + 1; step++)
    {
      g_autofree char *path = g_strdup_printf ("%s/wizard-%s-%u%s.png", dir, plan->provider, step + 1, suffix);

      switch (step)
        {
        case S_PROVIDER:
          act (f, "wizard.provider", plan->provider);
          break;
        case S_REGION:
          act (f, "wizard.region", plan->region);
          break;
        case S_ENDPOINT:
          type_all (f, plan->endpoint);
          break;
        case S_IDENTITY:
          type_all (f, plan->identity);
          g_assert_null (pm_wizard_page_get_problem (f->wizard));
          break;
        case S_ASSOCIATE:
          act (f, "wizard.toggle-entity", entity_id_by_name (f, plan->entity));
          break;
        case S_CLAIM:
          act (f, "wizard.claim", NULL);
          break;
        case S_TEST:
          act (f, "wizard.run-test", NULL);
          pm_test_wait_until (test_ran, pm_wizard_page_get_connection_test (f->wizard), 10000);
          break;
        default:
          break;
        }
      settle (GTK_WIDGET (f->window));
      save_png (GTK_WIDGET (f->window), path);
      g_test_message ("%s", path);
      if (narrow)
        assert_fits (f, 360);
      if (step == S_ENDPOINT)
        {
          g_autofree char *bottom = g_strdup_printf ("%s/wizard-%s-%u-commands%s.png", dir, plan->provider, step + 1,
                                                     suffix);

          settle (GTK_WIDGET (f->window));     /* laid out: the adjustment knows the height */
          scroll_to_end (GTK_WIDGET (f->wizard));
          settle (GTK_WIDGET (f->window));
          save_png (GTK_WIDGET (f->window), bottom);
        }
      if (step < S_SUMMARY)
        next_to (f, step + 1);
    }
  g_assert_cmpuint (pm_wizard_page_get_step (f->wizard), ==, S_SUMMARY);
  if (g_str_equal (plan->provider, "azure") && !narrow)
    save_claims_screenshots (f, dir);
}

static void
test_screenshots_aws (Fixture *f, gconstpointer data)
{
  save_wizard_screenshots (f, &shot_plans[0], FALSE);
}

static void
test_screenshots_azure (Fixture *f, gconstpointer data)
{
  save_wizard_screenshots (f, &shot_plans[1], FALSE);
}

static void
test_screenshots_gcp (Fixture *f, gconstpointer data)
{
  save_wizard_screenshots (f, &shot_plans[2], FALSE);
}

static void
test_screenshots_aws_narrow (Fixture *f, gconstpointer data)
{
  save_wizard_screenshots (f, &shot_plans[0], TRUE);
}

static void
test_screenshots_azure_narrow (Fixture *f, gconstpointer data)
{
  save_wizard_screenshots (f, &shot_plans[1], TRUE);
}

static void
test_screenshots_gcp_narrow (Fixture *f, gconstpointer data)
{
  save_wizard_screenshots (f, &shot_plans[2], TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }
  adw_init ();
  pm_test_dialog_tolerate_heading_warning ();
  pm_application_register_resources ();

#define ADD(path, flavour, func) \
  g_test_add ("/wizard/" path, Fixture, GINT_TO_POINTER (flavour), fixture_set_up, func, fixture_tear_down)
  ADD ("hosted/aws", PM_FLAVOUR_HOSTED, test_hosted_aws);
  ADD ("hosted/azure-inter-region", PM_FLAVOUR_HOSTED, test_hosted_azure);
  ADD ("hosted/gcp", PM_FLAVOUR_HOSTED, test_hosted_gcp);
  ADD ("serverless/aws", PM_FLAVOUR_SERVERLESS, test_serverless_aws);
  ADD ("serverless/azure", PM_FLAVOUR_SERVERLESS, test_serverless_azure);
  ADD ("hosted/failure-and-retry", PM_FLAVOUR_HOSTED, test_failure_and_retry);
  ADD ("hosted/existing-policy", PM_FLAVOUR_HOSTED, test_existing_policy);
  ADD ("ece/unavailable", PM_FLAVOUR_ECE, test_ece);
  ADD ("claims/round-trip", PM_FLAVOUR_HOSTED, test_claims_round_trip);
  ADD ("claims/used-by", PM_FLAVOUR_HOSTED, test_claims_used_by);
  ADD ("claims/serverless", PM_FLAVOUR_SERVERLESS, test_claims_serverless);
  ADD ("screenshots/aws", PM_FLAVOUR_HOSTED, test_screenshots_aws);
  ADD ("screenshots/azure", PM_FLAVOUR_HOSTED, test_screenshots_azure);
  ADD ("screenshots/gcp", PM_FLAVOUR_HOSTED, test_screenshots_gcp);
  ADD ("screenshots/aws-narrow", PM_FLAVOUR_HOSTED, test_screenshots_aws_narrow);
  ADD ("screenshots/azure-narrow", PM_FLAVOUR_HOSTED, test_screenshots_azure_narrow);
  ADD ("screenshots/gcp-narrow", PM_FLAVOUR_HOSTED, test_screenshots_gcp_narrow);
#undef ADD

  return g_test_run ();
}
