/* pm-enums.c: names, API spellings and labels of the model's enumerations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-enums.h"

const char *
pm_flavour_to_string (PmFlavour flavour)
{
  switch (flavour)
    {
    case PM_FLAVOUR_HOSTED:     return "hosted";
    case PM_FLAVOUR_ECE:        return "ece";
    case PM_FLAVOUR_SERVERLESS: return "serverless";
    default:                    return NULL;
    }
}

gboolean
pm_flavour_from_string (const char *text,
                        PmFlavour  *out)
{
  static const PmFlavour all[] = { PM_FLAVOUR_HOSTED, PM_FLAVOUR_ECE, PM_FLAVOUR_SERVERLESS };

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_ascii_strcasecmp (text, pm_flavour_to_string (all[i])) == 0)
      {
        if (out != NULL)
          *out = all[i];
        return TRUE;
      }
  return FALSE;
}

const char *
pm_flavour_get_label (PmFlavour flavour)
{
  switch (flavour)
    {
    case PM_FLAVOUR_HOSTED:     return _("Elastic Cloud Hosted");
    case PM_FLAVOUR_ECE:        return _("Elastic Cloud Enterprise");
    case PM_FLAVOUR_SERVERLESS: return _("Elastic Cloud Serverless");
    default:                    return _("Unknown");
    }
}

const char *
pm_policy_type_to_api (PmPolicyType type,
                       PmFlavour    flavour)
{
  gboolean serverless = flavour == PM_FLAVOUR_SERVERLESS;

  switch (type)
    {
    case PM_POLICY_TYPE_IP:
      return "ip";
    case PM_POLICY_TYPE_EGRESS_FIREWALL:
      return serverless ? NULL : "egress_firewall";
    case PM_POLICY_TYPE_VPCE:
      return "vpce";
    case PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT:
      return serverless ? "private_endpoint" : "azure_private_endpoint";
    case PM_POLICY_TYPE_GCP_PSC:
      return serverless ? NULL : "gcp_private_service_connect_endpoint";
    case PM_POLICY_TYPE_UNKNOWN:
    default:
      return NULL;
    }
}

PmPolicyType
pm_policy_type_from_api (const char *text,
                         PmFlavour   flavour)
{
  static const PmPolicyType all[] = {
    PM_POLICY_TYPE_IP, PM_POLICY_TYPE_EGRESS_FIREWALL, PM_POLICY_TYPE_VPCE,
    PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, PM_POLICY_TYPE_GCP_PSC,
  };

  if (text == NULL)
    return PM_POLICY_TYPE_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_strcmp0 (text, pm_policy_type_to_api (all[i], flavour)) == 0)
      return all[i];
  return PM_POLICY_TYPE_UNKNOWN;
}

const char *
pm_policy_type_get_label (PmPolicyType type)
{
  switch (type)
    {
    case PM_POLICY_TYPE_IP:                     return _("IP filter (ingress)");
    case PM_POLICY_TYPE_EGRESS_FIREWALL:        return _("IP filter (egress)");
    case PM_POLICY_TYPE_VPCE:                   return _("AWS PrivateLink");
    case PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT: return _("Azure Private Link");
    case PM_POLICY_TYPE_GCP_PSC:                return _("GCP Private Service Connect");
    case PM_POLICY_TYPE_UNKNOWN:
    default:                                    return _("Unknown type");
    }
}

PmProvider
pm_policy_type_get_provider (PmPolicyType type)
{
  switch (type)
    {
    case PM_POLICY_TYPE_VPCE:                   return PM_PROVIDER_AWS;
    case PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT: return PM_PROVIDER_AZURE;
    case PM_POLICY_TYPE_GCP_PSC:                return PM_PROVIDER_GCP;
    case PM_POLICY_TYPE_IP:
    case PM_POLICY_TYPE_EGRESS_FIREWALL:
    case PM_POLICY_TYPE_UNKNOWN:
    default:                                    return PM_PROVIDER_NONE;
    }
}

gboolean
pm_policy_type_is_private (PmPolicyType type)
{
  return pm_policy_type_get_provider (type) != PM_PROVIDER_NONE;
}

gboolean
pm_flavour_supports_type (PmFlavour    flavour,
                          PmPolicyType type)
{
  if (flavour != PM_FLAVOUR_HOSTED && flavour != PM_FLAVOUR_ECE && flavour != PM_FLAVOUR_SERVERLESS)
    return FALSE;
  return pm_policy_type_to_api (type, flavour) != NULL;
}

const char *
pm_provider_to_string (PmProvider provider)
{
  switch (provider)
    {
    case PM_PROVIDER_AWS:   return "aws";
    case PM_PROVIDER_AZURE: return "azure";
    case PM_PROVIDER_GCP:   return "gcp";
    case PM_PROVIDER_NONE:
    default:                return NULL;
    }
}

gboolean
pm_provider_from_string (const char *text,
                         PmProvider *out)
{
  static const PmProvider all[] = { PM_PROVIDER_AWS, PM_PROVIDER_AZURE, PM_PROVIDER_GCP };

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_ascii_strcasecmp (text, pm_provider_to_string (all[i])) == 0)
      {
        if (out != NULL)
          *out = all[i];
        return TRUE;
      }
  return FALSE;
}

const char *
pm_provider_get_label (PmProvider provider)
{
  switch (provider)
    {
    case PM_PROVIDER_AWS:   return _("AWS PrivateLink");
    case PM_PROVIDER_AZURE: return _("Azure Private Link");
    case PM_PROVIDER_GCP:   return _("GCP Private Service Connect");
    case PM_PROVIDER_NONE:
    default:                return _("No provider");
    }
}

const char *
pm_egress_protocol_to_string (PmEgressProtocol protocol)
{
  switch (protocol)
    {
    case PM_EGRESS_PROTOCOL_ALL: return "all";
    case PM_EGRESS_PROTOCOL_TCP: return "tcp";
    case PM_EGRESS_PROTOCOL_UDP: return "udp";
    default:                     return NULL;
    }
}

gboolean
pm_egress_protocol_from_string (const char       *text,
                                PmEgressProtocol *out)
{
  static const PmEgressProtocol all[] = { PM_EGRESS_PROTOCOL_ALL, PM_EGRESS_PROTOCOL_TCP, PM_EGRESS_PROTOCOL_UDP };

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_strcmp0 (text, pm_egress_protocol_to_string (all[i])) == 0)
      {
        if (out != NULL)
          *out = all[i];
        return TRUE;
      }
  return FALSE;
}
