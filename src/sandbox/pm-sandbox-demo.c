/* pm-sandbox-demo.c: the sandbox's demo organization and the generated large one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-sandbox-private.h"

typedef struct {
  const char *description;
  const char *source;             /* ip, vpce, psc */
  const char *azure_name;         /* azure */
  const char *azure_guid;
  const char *target;             /* egress */
  const char *protocol;
  int         port;               /* 0: none */
} DemoRule;

typedef struct {
  const char *name;
  const char *description;
  const char *type;
  const char *region;
  gboolean    by_default;
  DemoRule    rules[3];
  const char *associated[3];      /* deployment or project names */
} DemoPolicy;

static const struct { const char *name, *region; } demo_deployments[] = {
  { "Search production", "us-east-1" },
  { "Checkout API logs", "us-east-1" },
  { "EU customer search", "eu-west-1" },
  { "Analytics (EU)", "eu-west-1" },
  { "Tokyo storefront", "ap-northeast-1" },
  { "CRM search", "azure-eastus2" },
  { "Fleet observability", "azure-westeurope" },
  { "Japan support portal", "azure-japaneast" },
  { "Data platform", "gcp-us-central1" },
  { "Metrics (Tokyo)", "gcp-asia-northeast1" },
  { "On-premises search", "ece-region" },
  { "Security analytics", "ece-region" },
};

static const DemoPolicy demo_rulesets[] = {
  { "Office networks", "Head office and branch egress addresses", "ip", "us-east-1", TRUE,
    { { "Head office", "203.0.113.0/24" }, { "Branch in Austin", "198.51.100.17" } },
    { "Search production" } },
  { "Corporate VPN (EU)", "Remote workers through the Dublin VPN concentrator", "ip", "eu-west-1", FALSE,
    { { "VPN pool", "192.0.2.0/24" }, { "VPN pool (IPv6)", "2001:db8:4000::/48" } },
    { "EU customer search", "Analytics (EU)" } },
  { "Partner SFTP egress", "Outbound connections to the partner's file drop", "egress_firewall", "us-east-1", FALSE,
    { { "Partner SFTP", .target = "198.51.100.0/24", .protocol = "tcp", .port = 22 },
      { "Syslog collector", .target = "203.0.113.10", .protocol = "udp", .port = 514 } },
    { NULL } },
  { "Application VPC", "PrivateLink from the checkout services VPC", "vpce", "us-east-1", FALSE,
    { { "checkout-vpc endpoint", "vpce-0a1b2c3d4e5f67890" } },
    { "Checkout API logs" } },
  { "Shared services VPC (EU)", "PrivateLink from the shared services account", "vpce", "eu-west-1", FALSE,
    { { "shared-services endpoint", "vpce-01234567890abcdef" } },
    { NULL } },
  { "CRM VNet", "Private endpoint in the CRM virtual network", "azure_private_endpoint", "azure-eastus2", FALSE,
    { { "crm-es-endpoint", .azure_name = "crm-es-endpoint",
        .azure_guid = "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c" } },
    { "CRM search" } },
  { "Observability VNet", "Private endpoint used by the Fleet servers", "azure_private_endpoint", "azure-westeurope", FALSE,
    { { "fleet-pe", .azure_name = "fleet-pe", .azure_guid = "3f2b8c1d-9a4e-4f6b-8d2c-1e5a7b9c0d3f" } },
    { NULL } },
  { "Data platform PSC", "Private Service Connect from the data platform project", "gcp_private_service_connect_endpoint",
    "gcp-us-central1", FALSE,
    { { "dataplatform-psc", "18446744072646845332" } },
    { "Data platform" } },
  { "Corporate LAN", "Every office network; applied to new deployments", "ip", "ece-region", TRUE,
    { { "Private ranges", "10.0.0.0/8" }, { "Lab network", "172.16.0.0/12" } },
    { "On-premises search" } },
  { "Japan support offices", "", "ip", "azure-japaneast", FALSE,
    { { "Osaka office", "192.0.2.128/25" } },
    { NULL } },
};

static const struct { const char *type, *name, *region; } demo_projects[] = {
  { "elasticsearch", "Product search", "aws-us-east-1" },
  { "elasticsearch", "Docs assistant", "aws-eu-west-1" },
  { "elasticsearch", "Vector lab", "gcp-us-central1" },
  { "observability", "Platform observability", "aws-us-east-1" },
  { "observability", "EU logs", "aws-eu-west-1" },
  { "security", "Security operations", "azure-eastus2" },
  { "security", "Tokyo SIEM", "aws-ap-northeast-1" },
};

static const DemoPolicy demo_filters[] = {
  { "Office networks", "Head office and branch egress addresses", "ip", "us-east-1", TRUE,
    { { "Head office", "203.0.113.0/24" }, { "Branch in Austin", "198.51.100.17" } },
    { "Product search", "Platform observability" } },
  { "Corporate VPN (EU)", "Remote workers through the Dublin VPN", "ip", "eu-west-1", FALSE,
    { { "VPN pool", "192.0.2.0/24" } },
    { "Docs assistant" } },
  { "Application VPC", "PrivateLink from the search services VPC", "vpce", "us-east-1", FALSE,
    { { "search-vpc endpoint", "vpce-0fedcba9876543210" } },
    { "Product search" } },
  { "SOC VNet", "Private endpoint of the security operations network", "private_endpoint", "azure-eastus2", FALSE,
    { { "soc-endpoint", .azure_name = "soc-endpoint", .azure_guid = "0b9e2a64-5c1d-4c3e-9f7a-2d8b6e4f1a90" } },
    { "Security operations" } },
  { "Tokyo office", "", "ip", "ap-northeast-1", FALSE,
    { { "Shibuya office", "198.51.100.64/26" } },
    { NULL } },
};

static JsonObject *
demo_policy_object (const DemoPolicy *demo,
                    PmSbState        *state,
                    gboolean          rule_ids)
{
  JsonObject *obj = json_object_new ();
  JsonArray *rules = json_array_new ();

  json_object_set_string_member (obj, "name", demo->name);
  json_object_set_string_member (obj, "description", demo->description);
  json_object_set_string_member (obj, "type", demo->type);
  json_object_set_boolean_member (obj, "include_by_default", demo->by_default);
  json_object_set_string_member (obj, "region", demo->region);
  for (guint i = 0; i < G_N_ELEMENTS (demo->rules) && demo->rules[i].description; i++)
    {
      const DemoRule *r = &demo->rules[i];
      JsonObject *rule = json_object_new ();

      if (rule_ids)
        {
          g_autofree char *id = pm_sb_state_new_id (state);

          json_object_set_string_member (rule, "id", id);
        }
      json_object_set_string_member (rule, "description", r->description);
      if (r->source)
        json_object_set_string_member (rule, "source", r->source);
      if (r->azure_name)
        {
          json_object_set_string_member (rule, "azure_endpoint_name", r->azure_name);
          json_object_set_string_member (rule, "azure_endpoint_guid", r->azure_guid);
        }
      if (r->target)
        {
          JsonObject *egress = json_object_new ();

          json_object_set_string_member (egress, "target", r->target);
          json_object_set_string_member (egress, "protocol", r->protocol);
          if (r->port)
            {
              JsonArray *ports = json_array_new ();

              json_array_add_int_element (ports, r->port);
              json_object_set_array_member (egress, "ports", ports);
            }
          json_object_set_object_member (rule, "egress_rule", egress);
        }
      json_array_add_object_element (rules, rule);
    }
  json_object_set_array_member (obj, "rules", rules);
  return obj;
}

void
pm_sb_state_fill_demo (PmSbState *state)
{
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < G_N_ELEMENTS (demo_deployments); i++)
    {
      PmSbDeployment *d = pm_sb_state_add_deployment (state, demo_deployments[i].name, demo_deployments[i].region);

      g_hash_table_insert (by_name, (gpointer) demo_deployments[i].name, d->id);
    }
  for (guint i = 0; i < G_N_ELEMENTS (demo_rulesets); i++)
    {
      const DemoPolicy *demo = &demo_rulesets[i];
      PmSbPolicy *policy = pm_sb_policy_new (pm_sb_state_new_id (state), demo_policy_object (demo, state, TRUE));

      for (guint a = 0; a < G_N_ELEMENTS (demo->associated) && demo->associated[a]; a++)
        g_ptr_array_add (policy->deployments, g_strdup (g_hash_table_lookup (by_name, demo->associated[a])));
      pm_sb_state_add_ruleset (state, policy);
    }

  g_hash_table_remove_all (by_name);
  for (guint i = 0; i < G_N_ELEMENTS (demo_projects); i++)
    {
      PmSbProject *p = pm_sb_state_add_project (state, demo_projects[i].type, demo_projects[i].name,
                                                demo_projects[i].region);

      g_hash_table_insert (by_name, (gpointer) demo_projects[i].name, p);
    }
  for (guint i = 0; i < G_N_ELEMENTS (demo_filters); i++)
    {
      const DemoPolicy *demo = &demo_filters[i];
      PmSbPolicy *policy = pm_sb_policy_new (pm_sb_state_new_id (state), demo_policy_object (demo, state, FALSE));

      pm_sb_state_add_filter (state, policy);
      for (guint a = 0; a < G_N_ELEMENTS (demo->associated) && demo->associated[a]; a++)
        {
          PmSbProject *p = g_hash_table_lookup (by_name, demo->associated[a]);

          g_ptr_array_add (p->filters, g_strdup (policy->id));
        }
    }

  pm_sb_state_add_claim (state, "us-east-1", "vpce-0a1b2c3d4e5f67890", NULL, NULL);
  pm_sb_state_add_claim (state, "gcp-us-central1", "18446744072646845332", NULL, NULL);
  pm_sb_state_add_claim (state, "azure-eastus2", NULL, "crm-es-endpoint", "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c");
}

static const char * const scale_regions[] = {
  "us-east-1", "eu-west-1", "ap-southeast-2", "azure-eastus2",
  "azure-westeurope", "gcp-us-central1", "gcp-europe-west1", "us-west-2",
};
#define N_SCALE_REGIONS G_N_ELEMENTS (scale_regions)

/* Generated policy number p of a scale, with its rules: a Hosted/ECE rule
 * set (its rules with ids, made here in order) or a Serverless traffic
 * filter. Every tenth one outside Azure and GCP is a PrivateLink policy. */
static JsonObject *
scale_policy_new (PmSbState *state,
                  guint      p,
                  guint      rules,
                  gboolean   serverless)
{
  const char *region = scale_regions[p % N_SCALE_REGIONS];
  gboolean vpce = p % 10 == 9 && !g_str_has_prefix (region, "azure-") && !g_str_has_prefix (region, "gcp-");
  g_autofree char *name = serverless ? g_strdup_printf ("Generated filter %04u", p + 1)
                                     : g_strdup_printf ("Generated policy %04u", p + 1);
  g_autofree char *description = serverless
    ? g_strdup_printf ("Generated %s filter in %s", vpce ? "PrivateLink" : "IP", region)
    : g_strdup_printf ("Generated %s policy in %s", vpce ? "PrivateLink" : "IP filter", region);
  JsonObject *obj = json_object_new ();
  JsonArray *array = json_array_new ();

  json_object_set_string_member (obj, "name", name);
  json_object_set_string_member (obj, "description", description);
  json_object_set_string_member (obj, "type", vpce ? "vpce" : "ip");
  json_object_set_boolean_member (obj, "include_by_default", p % 50 == 0);
  json_object_set_string_member (obj, "region", region);
  for (guint r = 0; r < rules; r++)
    {
      JsonObject *rule = json_object_new ();
      g_autofree char *source = NULL;
      g_autofree char *rule_description = NULL;

      if (!serverless)
        {
          g_autofree char *id = pm_sb_state_new_id (state);

          json_object_set_string_member (rule, "id", id);
        }
      source = vpce ? g_strdup_printf ("vpce-%08x%08x", p, r)
                    : g_strdup_printf ("10.%u.%u.%u/32", (p >> 8) & 0xff, p & 0xff, r & 0xff);
      rule_description = g_strdup_printf ("Source %u", r + 1);
      json_object_set_string_member (rule, "description", rule_description);
      json_object_set_string_member (rule, "source", source);
      json_array_add_object_element (array, rule);
    }
  json_object_set_array_member (obj, "rules", array);
  return obj;
}

/* The Serverless side of a scale: as many traffic filters (listed in pages
 * of --page-size) and one project for each deployment, spread over the
 * three project types; two projects in three use one filter of their region. */
static void
pm_sb_state_fill_scale_serverless (PmSbState *state,
                                   guint      policies,
                                   guint      rules,
                                   guint      projects)
{
  static const char * const types[] = { "elasticsearch", "observability", "security" };
  guint first_filter = state->filters->len;

  for (guint p = 0; p < policies; p++)
    {
      JsonObject *obj = scale_policy_new (state, p, rules, TRUE);

      pm_sb_state_add_filter (state, pm_sb_policy_new (pm_sb_state_new_id (state), obj));
    }
  for (guint i = 0; i < projects; i++)
    {
      guint r = i % N_SCALE_REGIONS;
      const char *region = scale_regions[r];
      g_autofree char *name = g_strdup_printf ("Generated project %04u", i + 1);
      g_autofree char *region_id = g_str_has_prefix (region, "azure-") || g_str_has_prefix (region, "gcp-")
        ? g_strdup (region) : g_strconcat ("aws-", region, NULL);
      PmSbProject *project = pm_sb_state_add_project (state, types[i % G_N_ELEMENTS (types)], name, region_id);
      guint in_region = r < policies ? (policies - r + N_SCALE_REGIONS - 1) / N_SCALE_REGIONS : 0;
      PmSbPolicy *filter;

      if (in_region == 0 || i % 3 == 2)
        continue;
      filter = g_ptr_array_index (state->filters,
                                  first_filter + r + N_SCALE_REGIONS * ((i / N_SCALE_REGIONS) % in_region));
      g_ptr_array_add (project->filters, g_strdup (filter->id));
    }
}

void
pm_sb_state_fill_scale (PmSbState *state,
                        guint      policies,
                        guint      rules,
                        guint      deployments)
{
  guint first = state->deployments->len;
  guint first_policy = state->rulesets->len;

  for (guint i = 0; i < deployments; i++)
    {
      g_autofree char *name = g_strdup_printf ("Generated deployment %04u", i + 1);

      pm_sb_state_add_deployment (state, name, scale_regions[i % N_SCALE_REGIONS]);
    }
  for (guint p = 0; p < policies; p++)
    {
      JsonObject *obj = scale_policy_new (state, p, rules, FALSE);

      pm_sb_state_add_ruleset (state, pm_sb_policy_new (pm_sb_state_new_id (state), obj));
    }

  /* Two deployments in three hold one policy of their region. */
  for (guint i = 0; policies > 0 && i < deployments; i++)
    {
      guint r = i % N_SCALE_REGIONS;
      guint in_region = r < policies ? (policies - r + N_SCALE_REGIONS - 1) / N_SCALE_REGIONS : 0;
      PmSbDeployment *deployment = g_ptr_array_index (state->deployments, first + i);
      PmSbPolicy *policy;

      if (in_region == 0 || i % 3 == 2)
        continue;
      policy = g_ptr_array_index (state->rulesets,
                                  first_policy + r + N_SCALE_REGIONS * ((i / N_SCALE_REGIONS) % in_region));
      g_ptr_array_add (policy->deployments, g_strdup (deployment->id));
    }

  pm_sb_state_fill_scale_serverless (state, policies, rules, deployments);
}
