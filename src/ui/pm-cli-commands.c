/* pm-cli-commands.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "pm-cli-commands.h"

void
pm_cli_command_free (PmCliCommand *command)
{
  if (command == NULL)
    return;
  g_free (command->title);
  g_free (command->command);
  g_free (command);
}

char *
pm_cli_quote (const char *value)
{
  if (value == NULL || *value == '\0')
    return g_strdup ("''");

  for (const char *p = value; *p; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr ("_-./:=,@%+", *p) == NULL)
        return g_shell_quote (value);
    }
  return g_strdup (value);
}

/* The user's value, quoted, or the placeholder when empty. */
static char *
arg (const char *value,
     const char *placeholder)
{
  g_autofree char *stripped = NULL;

  if (value == NULL)
    return g_strdup (placeholder);
  stripped = g_strstrip (g_strdup (value));
  if (*stripped == '\0')
    return g_strdup (placeholder);
  return pm_cli_quote (stripped);
}

static void
add (GPtrArray  *commands,
     const char *title,
     char       *command)
{
  PmCliCommand *c = g_new0 (PmCliCommand, 1);

  c->title = g_strdup (title);
  c->command = command;
  g_ptr_array_add (commands, c);
}

/* "subnet-a, subnet-b" → "subnet-a subnet-b", each quoted. */
static char *
subnet_list (const char *text)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (text == NULL)
    return g_strdup ("<SUBNET_IDS>");
  parts = g_regex_split_simple ("[\\s,]+", text, 0, 0);
  for (guint i = 0; parts[i]; i++)
    {
      g_autofree char *q = NULL;

      if (*parts[i] == '\0')
        continue;
      q = pm_cli_quote (parts[i]);
      if (out->len)
        g_string_append_c (out, ' ');
      g_string_append (out, q);
    }
  if (out->len == 0)
    return g_strdup ("<SUBNET_IDS>");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
aws_change_batch (const char *zone,
                  const char *dns_name)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *name = g_strdup_printf ("*.%s", zone);
  g_autofree char *stripped = g_strstrip (g_strdup (dns_name ? dns_name : ""));
  g_autofree char *json = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "Changes");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "Action");
  json_builder_add_string_value (b, "CREATE");
  json_builder_set_member_name (b, "ResourceRecordSet");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "Name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "Type");
  json_builder_add_string_value (b, "CNAME");
  json_builder_set_member_name (b, "TTL");
  json_builder_add_int_value (b, 60);
  json_builder_set_member_name (b, "ResourceRecords");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "Value");
  json_builder_add_string_value (b, *stripped ? stripped : "<VPC_ENDPOINT_DNS_NAME>");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  return g_shell_quote (json);
}

static void
generate_aws (PmRegion          *region,
              const PmCliParams *p,
              GPtrArray         *out)
{
  g_autofree char *rid = pm_cli_quote (pm_region_get_id (region));
  g_autofree char *service = pm_cli_quote (pm_region_get_service_name (region));
  g_autofree char *zone = pm_cli_quote (pm_region_get_private_zone (region));
  g_autofree char *vpc = arg (p->vpc_id, "<VPC_ID>");
  g_autofree char *subnets = subnet_list (p->subnet_ids);
  g_autofree char *sg = arg (p->security_group_id, "<SECURITY_GROUP_ID>");
  g_autofree char *hz = arg (p->hosted_zone_id, "<HOSTED_ZONE_ID>");
  g_autofree char *batch = aws_change_batch (pm_region_get_private_zone (region), p->endpoint_dns_name);
  g_autofree char *vpc_spec = NULL;
  g_autofree char *vpc_raw = NULL;

  add (out, _("Create the VPC endpoint (subnets in the listed availability zones)"),
       g_strdup_printf ("aws ec2 create-vpc-endpoint --region %s --vpc-endpoint-type Interface "
                        "--service-name %s --vpc-id %s --subnet-ids %s --security-group-ids %s",
                        rid, service, vpc, subnets, sg));
  add (out, _("Find the endpoint's DNS name"),
       g_strdup_printf ("aws ec2 describe-vpc-endpoints --region %s --filters Name=service-name,Values=%s "
                        "--query 'VpcEndpoints[].DnsEntries[0].DnsName' --output text",
                        rid, service));

  vpc_raw = g_strdup_printf ("VPCRegion=%s,VPCId=%s", pm_region_get_id (region),
                             (p->vpc_id && *p->vpc_id) ? p->vpc_id : "<VPC_ID>");
  vpc_spec = (p->vpc_id && *p->vpc_id) ? pm_cli_quote (vpc_raw) : g_strdup (vpc_raw);
  add (out, _("Create the private hosted zone, linked to the VPC"),
       g_strdup_printf ("aws route53 create-hosted-zone --name %s --vpc %s "
                        "--caller-reference \"perimeter-$(date +%%s)\"",
                        zone, vpc_spec));
  add (out, _("Add the * record: a CNAME to the endpoint's DNS name"),
       g_strdup_printf ("aws route53 change-resource-record-sets --hosted-zone-id %s --change-batch %s",
                        hz, batch));
}

static void
generate_azure (PmRegion          *region,
                const PmCliParams *p,
                GPtrArray         *out)
{
  g_autofree char *alias = pm_cli_quote (pm_region_get_service_name (region));
  g_autofree char *zone = pm_cli_quote (pm_region_get_private_zone (region));
  g_autofree char *rg = arg (p->resource_group, "<RESOURCE_GROUP>");
  g_autofree char *vnet = arg (p->vnet, "<VNET_NAME>");
  g_autofree char *subnet = arg (p->subnet, "<SUBNET_NAME>");
  g_autofree char *location = arg (p->location, NULL);
  g_autofree char *name = arg (p->endpoint_name, "<ENDPOINT_NAME>");
  g_autofree char *ip = arg (p->endpoint_ip, "<ENDPOINT_IP>");
  g_autofree char *conn = NULL;
  g_autofree char *link = NULL;

  if (location == NULL)
    location = pm_cli_quote (pm_region_get_id (region));
  if (p->endpoint_name && *p->endpoint_name)
    {
      g_autofree char *raw = g_strdup_printf ("%s-connection", p->endpoint_name);
      conn = pm_cli_quote (raw);
    }
  else
    conn = g_strdup ("<ENDPOINT_NAME>-connection");
  if (p->vnet && *p->vnet)
    {
      g_autofree char *raw = g_strdup_printf ("%s-elastic-link", p->vnet);
      link = pm_cli_quote (raw);
    }
  else
    link = g_strdup ("<VNET_NAME>-elastic-link");

  add (out, _("Create the private endpoint to Elastic's alias (it waits for approval)"),
       g_strdup_printf ("az network private-endpoint create --name %s --resource-group %s "
                        "--vnet-name %s --subnet %s --location %s --manual-request "
                        "--private-connection-resource-id %s --connection-name %s",
                        name, rg, vnet, subnet, location, alias, conn));
  add (out, _("Show the endpoint's name, resource GUID and private IP address"),
       g_strdup_printf ("az network private-endpoint show --name %s --resource-group %s "
                        "--query '{name:name, resourceGuid:resourceGuid, "
                        "ip:customDnsConfigs[0].ipAddresses[0]}'",
                        name, rg));
  add (out, _("Create the private DNS zone"),
       g_strdup_printf ("az network private-dns zone create --resource-group %s -n %s", rg, zone));
  add (out, _("Link the zone to the VNet"),
       g_strdup_printf ("az network private-dns link vnet create --resource-group %s --zone-name %s "
                        "--name %s --virtual-network %s --registration-enabled false",
                        rg, zone, link, vnet));
  add (out, _("Add the * record: an A record to the endpoint's IP address"),
       g_strdup_printf ("az network private-dns record-set a add-record --resource-group %s "
                        "--zone-name %s --record-set-name '*' --ipv4-address %s",
                        rg, zone, ip));
}

/* A Cloud DNS zone name from the domain: lowercase letters, digits, dashes. */
static char *
gcp_zone_name (const char *zone)
{
  g_autoptr(GString) s = g_string_new ("elastic-");

  for (const char *p = zone; *p && s->len < 63; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) ? g_ascii_tolower (*p) : '-');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
generate_gcp (PmRegion          *region,
              const PmCliParams *p,
              GPtrArray         *out)
{
  const char *zone_raw = pm_region_get_private_zone (region);
  g_autofree char *rid = pm_cli_quote (pm_region_get_id (region));
  g_autofree char *attachment = pm_cli_quote (pm_region_get_service_name (region));
  g_autofree char *project = arg (p->project, "<PROJECT_ID>");
  g_autofree char *network = arg (p->network, "<NETWORK>");
  g_autofree char *subnet = arg (p->subnet, "<SUBNET>");
  g_autofree char *address = arg (p->address_name, "<ADDRESS_NAME>");
  g_autofree char *name = arg (p->endpoint_name, "<ENDPOINT_NAME>");
  g_autofree char *ip = arg (p->endpoint_ip, "<ENDPOINT_IP>");
  g_autofree char *zone_name = gcp_zone_name (zone_raw);
  g_autofree char *dns_name = g_strdup_printf ("%s.", zone_raw);
  g_autofree char *dns_q = pm_cli_quote (dns_name);
  g_autofree char *record = g_strdup_printf ("*.%s.", zone_raw);
  g_autofree char *record_q = g_shell_quote (record);

  add (out, _("Reserve an internal IP address for the endpoint"),
       g_strdup_printf ("gcloud compute addresses create %s --project=%s --region=%s --subnet=%s",
                        address, project, rid, subnet));
  add (out, _("Create the endpoint: a forwarding rule to Elastic's service attachment"),
       g_strdup_printf ("gcloud compute forwarding-rules create %s --project=%s --region=%s "
                        "--network=%s --address=%s --target-service-attachment=%s",
                        name, project, rid, network, address, attachment));
  add (out, _("Show the PSC connection ID and the endpoint's IP address"),
       g_strdup_printf ("gcloud compute forwarding-rules describe %s --project=%s --region=%s "
                        "--format='value(pscConnectionId,IPAddress)'",
                        name, project, rid));
  add (out, _("Create the private DNS zone, visible to the network"),
       g_strdup_printf ("gcloud dns managed-zones create %s --project=%s "
                        "--description='Elastic Private Service Connect' --dns-name=%s "
                        "--visibility=private --networks=%s",
                        zone_name, project, dns_q, network));
  add (out, _("Add the * record: an A record to the endpoint's IP address"),
       g_strdup_printf ("gcloud dns record-sets create %s --project=%s --zone=%s --type=A "
                        "--ttl=300 --rrdatas=%s",
                        record_q, project, zone_name, ip));
}

GPtrArray *
pm_cli_commands_generate (PmRegion          *region,
                          const PmCliParams *params)
{
  static const PmCliParams empty = { 0 };
  GPtrArray *out;

  g_return_val_if_fail (PM_IS_REGION (region), NULL);

  if (params == NULL)
    params = &empty;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) pm_cli_command_free);
  switch (pm_region_get_provider (region))
    {
    case PM_PROVIDER_AWS:
      generate_aws (region, params, out);
      break;
    case PM_PROVIDER_AZURE:
      generate_azure (region, params, out);
      break;
    case PM_PROVIDER_GCP:
      generate_gcp (region, params, out);
      break;
    case PM_PROVIDER_NONE:
    default:
      break;
    }
  return out;
}

char *
pm_cli_commands_to_text (GPtrArray *commands)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_return_val_if_fail (commands != NULL, NULL);

  for (guint i = 0; i < commands->len; i++)
    {
      PmCliCommand *c = g_ptr_array_index (commands, i);

      if (i > 0)
        g_string_append_c (s, '\n');
      g_string_append_printf (s, "# %s\n%s\n", c->title, c->command);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
pm_cli_test_host (PmRegion   *region,
                  const char *alias,
                  const char *resource_id,
                  const char *product)
{
  g_return_val_if_fail (PM_IS_REGION (region), NULL);

  if (alias != NULL && *alias != '\0')
    return pm_region_format_endpoint_host (region, alias, product ? product : "es");
  if (resource_id != NULL && *resource_id != '\0')
    return g_strdup_printf ("%s.%s", resource_id, pm_region_get_private_zone (region));
  return pm_region_format_endpoint_host (region, "<ALIAS>", product ? product : "es");
}

guint
pm_cli_test_port (PmRegion *region)
{
  g_return_val_if_fail (PM_IS_REGION (region), 443);

  if (pm_region_get_flavour (region) == PM_FLAVOUR_SERVERLESS)
    return 443;
  if (pm_region_get_provider (region) == PM_PROVIDER_AWS)
    return 443;
  return 9243;
}

char *
pm_cli_curl_command (const char *host,
                     guint       port)
{
  g_autofree char *url = NULL;
  g_autofree char *q = NULL;

  g_return_val_if_fail (host != NULL, NULL);

  url = port == 443 ? g_strdup_printf ("https://%s", host)
                    : g_strdup_printf ("https://%s:%u", host, port);
  q = pm_cli_quote (url);
  /* curl asks for the password itself: it never lands in a shell history. */
  return g_strdup_printf ("curl -v %s -u <USERNAME>", q);
}

const char *
pm_cli_provider_docs_url (PmProvider provider)
{
  switch (provider)
    {
    case PM_PROVIDER_AWS:
      return "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html";
    case PM_PROVIDER_AZURE:
      return "https://learn.microsoft.com/azure/private-link/create-private-endpoint-portal";
    case PM_PROVIDER_GCP:
      return "https://cloud.google.com/vpc/docs/configure-private-service-connect-services";
    case PM_PROVIDER_NONE:
    default:
      return "https://www.elastic.co/docs/deploy-manage/security/private-connectivity";
    }
}
