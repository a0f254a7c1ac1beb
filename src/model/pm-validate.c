/* pm-validate.c: checks on every field before anything is sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pm-validate.h"

#define PM_MAX_AZURE_ENDPOINT_NAME_LENGTH 80
#define PM_MAX_PORTS 1024
#define PM_MAX_SERVERLESS_REGION_LENGTH 32

G_DEFINE_QUARK (pm-validation-error-quark, pm_validation_error)

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/* The address with every bit after the first length bits cleared. */
static GInetAddress *
network_of (GInetAddress *address,
            guint         length)
{
  gsize size = g_inet_address_get_native_size (address);
  g_autofree guint8 *network = g_memdup2 (g_inet_address_to_bytes (address), size);

  for (gsize i = 0; i < size; i++)
    {
      guint bit = i * 8;

      if (bit >= length)
        network[i] = 0;
      else if (bit + 8 > length)
        network[i] &= (guint8) (0xff << (8 - (length - bit)));
    }
  return g_inet_address_new_from_bytes (network, g_inet_address_get_family (address));
}

GInetAddressMask *
pm_network_parse (const char *text)
{
  g_autofree char *address_part = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GInetAddress) network = NULL;
  const char *slash;
  guint max_length, length;

  if (text == NULL)
    return NULL;
  slash = strchr (text, '/');
  address_part = slash != NULL ? g_strndup (text, slash - text) : g_strdup (text);
  address = g_inet_address_new_from_string (g_strstrip (address_part));
  if (address == NULL)
    return NULL;
  max_length = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 ? 32 : 128;
  length = max_length;
  if (slash != NULL)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (slash + 1, 10, 0, max_length, &value, NULL))
        return NULL;
      length = (guint) value;
    }
  network = network_of (address, length);
  return g_inet_address_mask_new (network, length, NULL);
}

static gboolean
has_space (const char *text)
{
  for (; *text; text++)
    if (g_ascii_isspace (*text))
      return TRUE;
  return FALSE;
}

/* Text shown back inside a message: valid UTF-8 and not absurdly long. */
static char *
quote_input (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  if (g_utf8_strlen (valid, -1) > 64)
    {
      g_autofree char *head = g_utf8_substring (valid, 0, 60);
      return g_strdup_printf ("%s…", head);
    }
  return g_steal_pointer (&valid);
}

/* An IPv4/IPv6 address or CIDR block. field is the translated field name
 * that starts each message ("Source", "Target"). */
static gboolean
validate_cidr (const char  *field,
               const char  *text,
               char       **suggestion,
               GError     **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GInetAddressMask) mask = NULL;
  g_autoptr(GError) mask_error = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *address_part = NULL;
  const char *slash;
  guint max_length, length;

  if (suggestion != NULL)
    *suggestion = NULL;

  if (is_blank (text))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_EMPTY,
                   _("%s: enter an IP address or a CIDR block, such as 192.168.0.0/16"), field);
      return FALSE;
    }
  quoted = quote_input (text);
  if (has_space (text))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
                   _("%s: “%s” contains spaces; enter one address or CIDR block without spaces"),
                   field, quoted);
      return FALSE;
    }

  slash = strchr (text, '/');
  address_part = slash ? g_strndup (text, slash - text) : g_strdup (text);
  if (strchr (address_part, '%') == NULL)
    address = g_inet_address_new_from_string (address_part);
  if (address == NULL)
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
                   _("%s: “%s” is not an IPv4 or IPv6 address or CIDR block"), field, quoted);
      return FALSE;
    }
  max_length = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 ? 32 : 128;
  if (slash == NULL)
    return TRUE;

  /* The prefix length: plain digits, no sign, spaces or leading zeros. */
  {
    const char *digits = slash + 1;
    gsize n = strlen (digits);
    gboolean ok = n >= 1 && n <= 3 && (n == 1 || digits[0] != '0');

    for (gsize i = 0; ok && i < n; i++)
      ok = g_ascii_isdigit (digits[i]);
    length = ok ? (guint) atoi (digits) : G_MAXUINT;
  }
  if (length > max_length)
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_OUT_OF_RANGE,
                   max_length == 32
                   ? _("%s: the prefix length of “%s” must be a number from 0 to 32 for an IPv4 address")
                   : _("%s: the prefix length of “%s” must be a number from 0 to 128 for an IPv6 address"),
                   field, quoted);
      return FALSE;
    }

  mask = g_inet_address_mask_new (address, length, &mask_error);
  if (mask == NULL)
    {
      g_autoptr(GInetAddress) network_address = network_of (address, length);
      g_autofree char *network_text = NULL;
      g_autofree char *proposal = NULL;

      network_text = g_inet_address_to_string (network_address);
      proposal = g_strdup_printf ("%s/%u", network_text, length);
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_HOST_BITS,
                   _("%s: “%s” has host bits set after the first %u bits; the network is %s"),
                   field, quoted, length, proposal);
      if (suggestion != NULL)
        *suggestion = g_steal_pointer (&proposal);
      return FALSE;
    }
  return TRUE;
}

gboolean
pm_validate_ip_source (const char  *text,
                       char       **suggestion,
                       GError     **error)
{
  return validate_cidr (_("Source"), text, suggestion, error);
}

gboolean
pm_validate_egress_target (const char  *text,
                           char       **suggestion,
                           GError     **error)
{
  return validate_cidr (_("Target"), text, suggestion, error);
}

static GRegex *vpce_lower_re;
static GRegex *vpce_any_case_re;
static GRegex *azure_name_re;

/* Compiled once: validation runs for every rule of every policy. */
static gboolean
match_cached (GRegex     **cache,
              const char  *pattern,
              const char  *text)
{
  if (g_once_init_enter (cache))
    g_once_init_leave (cache, g_regex_new (pattern, G_REGEX_DOLLAR_ENDONLY | G_REGEX_OPTIMIZE, 0, NULL));
  return g_regex_match (*cache, text, 0, NULL);
}

gboolean
pm_validate_vpce_id (const char  *text,
                     GError     **error)
{
  g_autofree char *quoted = NULL;

  if (is_blank (text))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_EMPTY,
                   _("VPC endpoint ID: enter the ID of your VPC endpoint, such as vpce-0123456789abcdef0"));
      return FALSE;
    }
  if (match_cached (&vpce_lower_re, "^vpce-[0-9a-f]{8,17}$", text))
    return TRUE;

  quoted = quote_input (text);
  if (match_cached (&vpce_any_case_re, "^vpce-[0-9a-fA-F]{8,17}$", text))
    g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
                 _("VPC endpoint ID: write “%s” in lowercase, as AWS shows it"), quoted);
  else
    g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
                 _("VPC endpoint ID: “%s” is not a VPC endpoint ID; it starts with “vpce-” followed by 8 to 17 hexadecimal digits"),
                 quoted);
  return FALSE;
}

gboolean
pm_validate_azure_endpoint_name (const char  *text,
                                 GError     **error)
{
  g_autofree char *quoted = NULL;

  if (is_blank (text))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_EMPTY,
                   _("Endpoint name: enter the name of your Azure private endpoint"));
      return FALSE;
    }
  if (strlen (text) > PM_MAX_AZURE_ENDPOINT_NAME_LENGTH)
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_TOO_LONG,
                   _("Endpoint name: an Azure resource name has at most %d characters"),
                   PM_MAX_AZURE_ENDPOINT_NAME_LENGTH);
      return FALSE;
    }
  if (match_cached (&azure_name_re, "^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$", text))
    return TRUE;

  quoted = quote_input (text);
  g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
               _("Endpoint name: “%s” is not an Azure resource name; use letters, digits, “_”, “.” and “-”, starting with a letter or digit and ending with a letter, digit or “_”"),
               quoted);
  return FALSE;
}

gboolean
pm_validate_azure_endpoint_guid (const char  *text,
                                 GError     **error)
{
  g_autofree char *quoted = NULL;

  if (is_blank (text))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_EMPTY,
                   _("Endpoint resource GUID: enter the resourceGUID from the endpoint’s JSON view"));
      return FALSE;
    }
  if (g_uuid_string_is_valid (text))
    return TRUE;

  quoted = quote_input (text);
  g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
               _("Endpoint resource GUID: “%s” is not a GUID such as 7c0f05e4-e32b-4b10-a246-7b77f7dcc63c"),
               quoted);
  return FALSE;
}

gboolean
pm_validate_psc_connection_id (const char  *text,
                               GError     **error)
{
  g_autofree char *quoted = NULL;
  guint64 value;

  if (is_blank (text))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_EMPTY,
                   _("PSC connection ID: enter the connection ID of your Private Service Connect endpoint"));
      return FALSE;
    }
  quoted = quote_input (text);
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p))
      {
        g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
                     _("PSC connection ID: “%s” is not a number; the ID is made of digits only, such as 18446744072646845332"),
                     quoted);
        return FALSE;
      }
  if (strlen (text) > 20 ||
      !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &value, NULL))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("PSC connection ID: “%s” is larger than any connection ID (at most 18446744073709551615)"),
                   quoted);
      return FALSE;
    }
  return TRUE;
}

gboolean
pm_validate_protocol (const char  *text,
                      GError     **error)
{
  g_autofree char *quoted = NULL;

  if (is_blank (text))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_EMPTY,
                   _("Protocol: choose all, tcp or udp"));
      return FALSE;
    }
  if (pm_egress_protocol_from_string (text, NULL))
    return TRUE;
  quoted = quote_input (text);
  g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
               _("Protocol: “%s” is not one of all, tcp or udp"), quoted);
  return FALSE;
}

static gboolean
parse_port (const char *text,
            guint      *out,
            GError    **error)
{
  g_autofree char *quoted = quote_input (text);
  guint64 value;

  if (*text == '\0')
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
                   _("Ports: a range needs a port on both sides of “-”, such as 8000-8010"));
      return FALSE;
    }
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p))
      {
        g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
                     _("Ports: “%s” is not a port number; list ports and ranges such as 80, 443, 8000-8010"),
                     quoted);
        return FALSE;
      }
  if (strlen (text) > 5 ||
      !g_ascii_string_to_unsigned (text, 10, 1, 65535, &value, NULL))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_OUT_OF_RANGE,
                   _("Ports: %s is not a port number from 1 to 65535"), quoted);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

static gboolean
add_port (GArray     *ports,
          GHashTable *seen,
          guint       port,
          GError    **error)
{
  if (g_hash_table_contains (seen, GUINT_TO_POINTER (port)))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_DUPLICATE,
                   _("Ports: port %u is listed more than once"), port);
      return FALSE;
    }
  if (ports->len >= PM_MAX_PORTS)
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_TOO_MANY,
                   _("Ports: a rule can list at most %d ports; use protocol “all” or fewer ranges"),
                   PM_MAX_PORTS);
      return FALSE;
    }
  g_hash_table_add (seen, GUINT_TO_POINTER (port));
  g_array_append_val (ports, port);
  return TRUE;
}

gboolean
pm_parse_ports (const char  *text,
                GArray     **ports_out,
                GError     **error)
{
  g_autoptr(GArray) ports = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_auto(GStrv) items = NULL;

  if (ports_out != NULL)
    *ports_out = NULL;

  if (text != NULL)
    items = g_strsplit_set (text, ",;", -1);
  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      char *dash;

      if (*item == '\0')
        continue;
      dash = strchr (item, '-');
      if (dash != NULL)
        {
          guint first, last;

          *dash = '\0';
          if (!parse_port (g_strstrip (item), &first, error) ||
              !parse_port (g_strstrip (dash + 1), &last, error))
            return FALSE;
          if (first > last)
            {
              g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
                           _("Ports: the range %u-%u is reversed; write %u-%u"),
                           first, last, last, first);
              return FALSE;
            }
          if (last - first >= PM_MAX_PORTS)
            {
              g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_TOO_MANY,
                           _("Ports: a rule can list at most %d ports; use protocol “all” or fewer ranges"),
                           PM_MAX_PORTS);
              return FALSE;
            }
          for (guint port = first; port <= last; port++)
            if (!add_port (ports, seen, port, error))
              return FALSE;
        }
      else
        {
          /* "80 443" reads as two ports. */
          g_auto(GStrv) words = g_strsplit_set (item, " \t\r\n", -1);

          for (guint j = 0; words[j] != NULL; j++)
            {
              guint port;

              if (words[j][0] == '\0')
                continue;
              if (!parse_port (words[j], &port, error) ||
                  !add_port (ports, seen, port, error))
                return FALSE;
            }
        }
    }

  if (ports_out != NULL)
    *ports_out = g_steal_pointer (&ports);
  return TRUE;
}

gboolean
pm_validate_policy_name (const char  *text,
                         GError     **error)
{
  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
                   _("Name: the name is not valid text"));
      return FALSE;
    }
  if (is_blank (text))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_EMPTY,
                   _("Name: enter a name for the policy"));
      return FALSE;
    }
  if (g_utf8_strlen (text, -1) > PM_MAX_NAME_LENGTH)
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_TOO_LONG,
                   _("Name: use at most %d characters (this one has %ld)"),
                   PM_MAX_NAME_LENGTH, g_utf8_strlen (text, -1));
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate_description (const char  *field,
                      const char  *text,
                      GError     **error)
{
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
                   _("%s: the description is not valid text"), field);
      return FALSE;
    }
  if (g_utf8_strlen (text, -1) > PM_MAX_DESCRIPTION_LENGTH)
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_TOO_LONG,
                   _("%s: use at most %d characters (this one has %ld)"),
                   field, PM_MAX_DESCRIPTION_LENGTH, g_utf8_strlen (text, -1));
      return FALSE;
    }
  return TRUE;
}

gboolean
pm_validate_description (const char  *text,
                         GError     **error)
{
  return validate_description (_("Description"), text, error);
}

static const char *
provider_region_words (PmProvider provider)
{
  switch (provider)
    {
    case PM_PROVIDER_AWS:   return _("an AWS region");
    case PM_PROVIDER_AZURE: return _("an Azure region");
    case PM_PROVIDER_GCP:   return _("a Google Cloud region");
    case PM_PROVIDER_NONE:
    default:                return _("a region of another provider");
    }
}

/* A region of one provider's table, spelt as the flavour's API wants it. */
static gboolean
validate_provider_region (PmRegionCatalog *catalog,
                          PmFlavour        flavour,
                          PmProvider       provider,
                          const char      *region,
                          const char      *quoted,
                          PmPolicyType     type,
                          GError         **error)
{
  PmRegion *row = pm_region_catalog_lookup (catalog, flavour, provider, region);
  PmProvider actual;

  if (row != NULL)
    {
      /* Serverless takes "us-east-1" and "aws-us-east-1" alike. */
      if (flavour == PM_FLAVOUR_SERVERLESS ||
          g_ascii_strcasecmp (region, pm_region_get_api_region (row)) == 0)
        return TRUE;
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_WRONG_REGION,
                   _("Region: %s spells this region “%s”"),
                   pm_flavour_get_label (flavour), pm_region_get_api_region (row));
      return FALSE;
    }

  actual = pm_region_catalog_guess_provider (catalog, flavour, region);
  if (actual != PM_PROVIDER_NONE && actual != provider)
    g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_WRONG_REGION,
                 _("Region: “%s” is %s; %s policies need %s"),
                 quoted, provider_region_words (actual),
                 pm_policy_type_get_label (type), provider_region_words (provider));
  else
    g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_WRONG_REGION,
                 _("Region: %s does not offer %s in “%s”"),
                 pm_flavour_get_label (flavour), pm_provider_get_label (provider), quoted);
  return FALSE;
}

gboolean
pm_validate_region (PmRegionCatalog *catalog,
                    PmFlavour        flavour,
                    PmPolicyType     type,
                    const char      *region,
                    GError         **error)
{
  g_autofree char *quoted = NULL;
  PmProvider provider;

  g_return_val_if_fail (catalog == NULL || PM_IS_REGION_CATALOG (catalog), FALSE);

  if (catalog == NULL)
    catalog = pm_region_catalog_get_default ();
  if (is_blank (region))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_EMPTY,
                   _("Region: choose the region of the deployments or projects"));
      return FALSE;
    }
  if (type != PM_POLICY_TYPE_UNKNOWN && !pm_flavour_supports_type (flavour, type))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_UNSUPPORTED,
                   _("Region: %s has no %s policies"),
                   pm_flavour_get_label (flavour), pm_policy_type_get_label (type));
      return FALSE;
    }
  quoted = quote_input (region);
  if (has_space (region))
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID,
                   _("Region: “%s” contains spaces"), quoted);
      return FALSE;
    }
  if (flavour == PM_FLAVOUR_SERVERLESS && strlen (region) > PM_MAX_SERVERLESS_REGION_LENGTH)
    {
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_TOO_LONG,
                   _("Region: use at most %d characters"), PM_MAX_SERVERLESS_REGION_LENGTH);
      return FALSE;
    }

  /* ECE regions are the installation's own names. */
  if (flavour == PM_FLAVOUR_ECE || type == PM_POLICY_TYPE_UNKNOWN)
    return TRUE;

  provider = pm_policy_type_get_provider (type);
  if (provider != PM_PROVIDER_NONE)
    return validate_provider_region (catalog, flavour, provider, region, quoted, type, error);

  /* IP filters: any region the flavour's tables know, of any provider. */
  for (PmProvider p = PM_PROVIDER_AWS; p <= PM_PROVIDER_GCP; p++)
    {
      PmRegion *row = pm_region_catalog_lookup (catalog, flavour, p, region);

      if (row == NULL)
        continue;
      if (flavour == PM_FLAVOUR_SERVERLESS ||
          g_ascii_strcasecmp (region, pm_region_get_api_region (row)) == 0)
        return TRUE;
      g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_WRONG_REGION,
                   _("Region: %s spells this region “%s”"),
                   pm_flavour_get_label (flavour), pm_region_get_api_region (row));
      return FALSE;
    }
  g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_WRONG_REGION,
               _("Region: “%s” is not a region of %s"), quoted, pm_flavour_get_label (flavour));
  return FALSE;
}

/* One rule: which field is wrong (its API name) and why. */
static gboolean
validate_rule_field (PmRule        *rule,
                     PmPolicyType   type,
                     const char   **field_out,
                     GError       **error)
{
  const GArray *ports;

  *field_out = "description";
  if (!validate_description (_("Rule description"), pm_rule_get_description (rule), error))
    return FALSE;

  switch (type)
    {
    case PM_POLICY_TYPE_IP:
      *field_out = "source";
      return pm_validate_ip_source (pm_rule_get_source (rule), NULL, error);
    case PM_POLICY_TYPE_VPCE:
      *field_out = "source";
      return pm_validate_vpce_id (pm_rule_get_source (rule), error);
    case PM_POLICY_TYPE_GCP_PSC:
      *field_out = "source";
      return pm_validate_psc_connection_id (pm_rule_get_source (rule), error);
    case PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT:
      *field_out = "azure_endpoint_name";
      if (!pm_validate_azure_endpoint_name (pm_rule_get_azure_endpoint_name (rule), error))
        return FALSE;
      *field_out = "azure_endpoint_guid";
      return pm_validate_azure_endpoint_guid (pm_rule_get_azure_endpoint_guid (rule), error);
    case PM_POLICY_TYPE_EGRESS_FIREWALL:
      *field_out = "egress_rule.target";
      if (!pm_validate_egress_target (pm_rule_get_egress_target (rule), NULL, error))
        return FALSE;
      *field_out = "egress_rule.ports";
      ports = pm_rule_get_ports (rule);
      if (ports->len > PM_MAX_PORTS)
        {
          g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_TOO_MANY,
                       _("Ports: a rule can list at most %d ports; use protocol “all” or fewer ranges"),
                       PM_MAX_PORTS);
          return FALSE;
        }
      for (guint i = 0; i < ports->len; i++)
        {
          guint port = g_array_index (ports, guint, i);

          if (port < 1 || port > 65535)
            {
              g_set_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_OUT_OF_RANGE,
                           _("Ports: %u is not a port number from 1 to 65535"), port);
              return FALSE;
            }
        }
      return TRUE;
    case PM_POLICY_TYPE_UNKNOWN:
    default:
      return TRUE;
    }
}

gboolean
pm_validate_rule (PmRule        *rule,
                  PmPolicyType   type,
                  GError       **error)
{
  const char *field;

  g_return_val_if_fail (PM_IS_RULE (rule), FALSE);

  return validate_rule_field (rule, type, &field, error);
}

GStrv
pm_split_sources (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return g_strv_builder_end (builder);
  parts = g_strsplit_set (text, "\n\r,; \t\f\v", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (builder, parts[i]);
  return g_strv_builder_end (builder);
}

void
pm_validation_issue_free (PmValidationIssue *issue)
{
  if (issue == NULL)
    return;
  g_free (issue->field);
  g_clear_error (&issue->error);
  g_free (issue);
}

static void
add_issue (GPtrArray *issues,
           char      *field,
           int        rule_index,
           GError    *error)
{
  PmValidationIssue *issue = g_new0 (PmValidationIssue, 1);

  issue->field = field;
  issue->rule_index = rule_index;
  issue->error = error;
  g_ptr_array_add (issues, issue);
}

/* What makes two rules the same: the network for addresses (so
 * "10.0.0.1/8" and "10.0.0.0/8" clash), the ID for private endpoints. */
static char *
network_key (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *suggestion = NULL;

  if (pm_validate_ip_source (text, &suggestion, &error))
    suggestion = strchr (text, '/') ? g_strdup (text)
                                    : g_strdup_printf ("%s/%s", text, strchr (text, ':') ? "128" : "32");
  if (suggestion == NULL)
    return NULL;
  {
    g_autoptr(GInetAddressMask) mask = g_inet_address_mask_new_from_string (suggestion, NULL);

    return mask ? g_inet_address_mask_to_string (mask) : NULL;
  }
}

static int
compare_ports (gconstpointer a,
               gconstpointer b)
{
  guint pa = *(const guint *) a;
  guint pb = *(const guint *) b;

  return pa < pb ? -1 : pa > pb;
}

static char *
rule_key (PmRule       *rule,
          PmPolicyType  type)
{
  switch (type)
    {
    case PM_POLICY_TYPE_IP:
      return network_key (pm_rule_get_source (rule));
    case PM_POLICY_TYPE_EGRESS_FIREWALL:
      {
        g_autofree char *network = network_key (pm_rule_get_egress_target (rule));
        g_autoptr(GArray) ports = NULL;
        GString *key;

        if (network == NULL)
          return NULL;
        ports = g_array_copy ((GArray *) pm_rule_get_ports (rule));
        g_array_sort (ports, compare_ports);
        key = g_string_new (network);
        g_string_append_printf (key, " %s", pm_egress_protocol_to_string (pm_rule_get_egress_protocol (rule)));
        for (guint i = 0; i < ports->len; i++)
          g_string_append_printf (key, " %u", g_array_index (ports, guint, i));
        return g_string_free (key, FALSE);
      }
    case PM_POLICY_TYPE_VPCE:
      return pm_rule_get_source (rule) ? g_ascii_strdown (pm_rule_get_source (rule), -1) : NULL;
    case PM_POLICY_TYPE_GCP_PSC:
      {
        guint64 value;

        if (pm_rule_get_source (rule) == NULL ||
            !g_ascii_string_to_unsigned (pm_rule_get_source (rule), 10, 0, G_MAXUINT64, &value, NULL))
          return NULL;
        return g_strdup_printf ("%" G_GUINT64_FORMAT, value);
      }
    case PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT:
      return pm_rule_get_azure_endpoint_guid (rule)
             ? g_ascii_strdown (pm_rule_get_azure_endpoint_guid (rule), -1) : NULL;
    case PM_POLICY_TYPE_UNKNOWN:
    default:
      return NULL;
    }
}

static const char *
key_field (PmPolicyType type)
{
  switch (type)
    {
    case PM_POLICY_TYPE_EGRESS_FIREWALL:        return "egress_rule.target";
    case PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT: return "azure_endpoint_guid";
    case PM_POLICY_TYPE_IP:
    case PM_POLICY_TYPE_VPCE:
    case PM_POLICY_TYPE_GCP_PSC:
    case PM_POLICY_TYPE_UNKNOWN:
    default:                                    return "source";
    }
}

GPtrArray *
pm_validate_policy (PmPolicy        *policy,
                    PmRegionCatalog *catalog)
{
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GHashTable) keys = NULL;
  GListModel *rules;
  PmFlavour flavour;
  PmPolicyType type;
  GError *error = NULL;
  guint n_rules;

  g_return_val_if_fail (PM_IS_POLICY (policy), NULL);

  if (catalog == NULL)
    catalog = pm_region_catalog_get_default ();
  issues = g_ptr_array_new_with_free_func ((GDestroyNotify) pm_validation_issue_free);
  flavour = pm_policy_get_flavour (policy);
  type = pm_policy_get_policy_type (policy);

  if (!pm_validate_policy_name (pm_policy_get_name (policy), &error))
    add_issue (issues, g_strdup ("name"), -1, g_steal_pointer (&error));
  if (!pm_validate_description (pm_policy_get_description (policy), &error))
    add_issue (issues, g_strdup ("description"), -1, g_steal_pointer (&error));

  if (type == PM_POLICY_TYPE_UNKNOWN)
    {
      g_autofree char *quoted = quote_input (pm_policy_get_type_string (policy)
                                             ? pm_policy_get_type_string (policy) : "");
      add_issue (issues, g_strdup ("type"), -1,
                 g_error_new (PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_UNSUPPORTED,
                              _("Type: this app cannot edit policies of type “%s”"), quoted));
    }
  else if (!pm_flavour_supports_type (flavour, type))
    add_issue (issues, g_strdup ("type"), -1,
               g_error_new (PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_UNSUPPORTED,
                            _("Type: %s has no %s policies"),
                            pm_flavour_get_label (flavour), pm_policy_type_get_label (type)));
  else if (!pm_validate_region (catalog, flavour, type, pm_policy_get_region (policy), &error))
    add_issue (issues, g_strdup ("region"), -1, g_steal_pointer (&error));

  rules = pm_policy_get_rules (policy);
  n_rules = g_list_model_get_n_items (rules);
  if (n_rules > PM_MAX_RULES_PER_POLICY)
    add_issue (issues, g_strdup ("rules"), -1,
               g_error_new (PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_TOO_MANY,
                            _("Rules: a policy holds at most %d rules; this one has %u"),
                            PM_MAX_RULES_PER_POLICY, n_rules));

  keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < n_rules; i++)
    {
      g_autoptr(PmRule) rule = g_list_model_get_item (rules, i);
      g_autofree char *key = NULL;
      const char *field;
      gpointer first;

      /* Kept as the server sent it: going back unchanged, not ours to refuse. */
      if (pm_rule_get_kept (rule))
        continue;
      if (!validate_rule_field (rule, type, &field, &error))
        {
          add_issue (issues, g_strdup_printf ("rules[%u].%s", i, field), (int) i,
                     g_steal_pointer (&error));
          continue;
        }
      key = rule_key (rule, type);
      if (key == NULL)
        continue;
      if (g_hash_table_lookup_extended (keys, key, NULL, &first))
        {
          g_autofree char *shown = pm_rule_dup_display_key (rule, type);
          g_autofree char *quoted = quote_input (shown);

          add_issue (issues, g_strdup_printf ("rules[%u].%s", i, key_field (type)), (int) i,
                     g_error_new (PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_DUPLICATE,
                                  _("Rule %u: “%s” is the same as rule %u"),
                                  i + 1, quoted, GPOINTER_TO_UINT (first) + 1));
          continue;
        }
      g_hash_table_insert (keys, g_steal_pointer (&key), GUINT_TO_POINTER (i));
    }

  return g_steal_pointer (&issues);
}

/* A field's value that does not pass, said as a mark; a blank one is the
 * reader's to say (it kept a null, no value or not text as it came). */
static void
add_mark (GPtrArray   *marks,
          const char  *value,
          gboolean     valid,
          GError     **error)
{
  if (!valid && !is_blank (value))
    g_ptr_array_add (marks, g_strdup_printf (_("%s; Perimeter keeps it as it is"), (*error)->message));
  g_clear_error (error);
}

GStrv
pm_validate_dup_marks (PmPolicy        *policy,
                       PmRegionCatalog *catalog)
{
  const char * const *oddities;
  g_autoptr(GPtrArray) marks = NULL;
  GError *error = NULL;
  PmFlavour flavour;
  PmPolicyType type;
  const char *value;

  g_return_val_if_fail (PM_IS_POLICY (policy), NULL);

  marks = g_ptr_array_new_with_free_func (g_free);
  oddities = pm_policy_get_oddities (policy);
  for (guint i = 0; oddities != NULL && oddities[i] != NULL; i++)
    g_ptr_array_add (marks, g_strdup (oddities[i]));

  value = pm_policy_get_name (policy);
  add_mark (marks, value, pm_validate_policy_name (value, &error), &error);
  value = pm_policy_get_description (policy);
  add_mark (marks, value, pm_validate_description (value, &error), &error);
  flavour = pm_policy_get_flavour (policy);
  type = pm_policy_get_policy_type (policy);
  value = pm_policy_get_region (policy);
  if (type != PM_POLICY_TYPE_UNKNOWN && pm_flavour_supports_type (flavour, type))
    add_mark (marks, value, pm_validate_region (catalog, flavour, type, value, &error), &error);

  if (marks->len == 0)
    return NULL;
  g_ptr_array_add (marks, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&marks), FALSE);
}
