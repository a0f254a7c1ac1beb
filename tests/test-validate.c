/* test-validate.c: every validator against good and bad input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "pm-json.h"
#include "pm-validate.h"

#define OK (-1)

typedef struct {
  const char *text;
  int         code;        /* OK, or the PmValidationError expected */
  const char *suggestion;  /* for HOST_BITS */
} CidrRow;

static const CidrRow cidr_rows[] = {
  { "192.168.131.0", OK, NULL },
  { "192.168.128.0/22", OK, NULL },
  { "10.0.0.0/8", OK, NULL },
  { "0.0.0.0/0", OK, NULL },
  { "1.2.3.4/32", OK, NULL },
  { "255.255.255.255", OK, NULL },
  { "::1", OK, NULL },
  { "2001:db8::1", OK, NULL },
  { "2001:db8::/32", OK, NULL },
  { "fe80::/10", OK, NULL },
  { "::/0", OK, NULL },
  { "::ffff:192.0.2.1", OK, NULL },
  { NULL, PM_VALIDATION_ERROR_EMPTY, NULL },
  { "", PM_VALIDATION_ERROR_EMPTY, NULL },
  { "   ", PM_VALIDATION_ERROR_EMPTY, NULL },
  { "192.168.132.6/22", PM_VALIDATION_ERROR_HOST_BITS, "192.168.132.0/22" },
  { "192.168.131.6/21", PM_VALIDATION_ERROR_HOST_BITS, "192.168.128.0/21" },
  { "10.1.2.3/8", PM_VALIDATION_ERROR_HOST_BITS, "10.0.0.0/8" },
  { "172.16.5.4/12", PM_VALIDATION_ERROR_HOST_BITS, "172.16.0.0/12" },
  { "1.2.3.4/0", PM_VALIDATION_ERROR_HOST_BITS, "0.0.0.0/0" },
  { "2001:db8::1/32", PM_VALIDATION_ERROR_HOST_BITS, "2001:db8::/32" },
  { "2001:db8:ffff::/33", PM_VALIDATION_ERROR_HOST_BITS, "2001:db8:8000::/33" },
  { "1.2.3.4/33", PM_VALIDATION_ERROR_OUT_OF_RANGE, NULL },
  { "::1/129", PM_VALIDATION_ERROR_OUT_OF_RANGE, NULL },
  { "1.2.3.0/+24", PM_VALIDATION_ERROR_OUT_OF_RANGE, NULL },
  { "1.2.3.0/024", PM_VALIDATION_ERROR_OUT_OF_RANGE, NULL },
  { "1.2.3.0/", PM_VALIDATION_ERROR_OUT_OF_RANGE, NULL },
  { "1.2.3.0/24/1", PM_VALIDATION_ERROR_OUT_OF_RANGE, NULL },
  { "/24", PM_VALIDATION_ERROR_INVALID, NULL },
  { "256.1.1.1", PM_VALIDATION_ERROR_INVALID, NULL },
  { "1.2.3", PM_VALIDATION_ERROR_INVALID, NULL },
  { "01.2.3.4", PM_VALIDATION_ERROR_INVALID, NULL },
  { "0x1.2.3.4", PM_VALIDATION_ERROR_INVALID, NULL },
  { " 1.2.3.4", PM_VALIDATION_ERROR_INVALID, NULL },
  { "1.2.3.4 ", PM_VALIDATION_ERROR_INVALID, NULL },
  { "1.2.3.0/ 24", PM_VALIDATION_ERROR_INVALID, NULL },
  { "fe80::1%eth0", PM_VALIDATION_ERROR_INVALID, NULL },
  { "example.com", PM_VALIDATION_ERROR_INVALID, NULL },
  { "vpce-0123456789abcdef0", PM_VALIDATION_ERROR_INVALID, NULL },
  { "1.2.3.4\n", PM_VALIDATION_ERROR_INVALID, NULL },
};

static void
check_cidr_rows (gboolean  (*validate) (const char *, char **, GError **),
                 const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (cidr_rows); i++)
    {
      const CidrRow *row = &cidr_rows[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *suggestion = NULL;
      gboolean ok;

      g_test_message ("%s row %u: %s", field, i, row->text ? row->text : "(null)");
      ok = validate (row->text, &suggestion, &error);
      if (row->code == OK)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          continue;
        }
      g_assert_false (ok);
      g_assert_error (error, PM_VALIDATION_ERROR, row->code);
      /* The message names the field. */
      g_assert_true (g_str_has_prefix (error->message, field));
      g_assert_cmpstr (suggestion, ==, row->suggestion);
      if (row->suggestion != NULL)
        {
          g_autoptr(GError) again = NULL;

          g_assert_nonnull (strstr (error->message, row->suggestion));
          g_assert_true (validate (suggestion, NULL, &again));
          g_assert_no_error (again);
        }
    }
}

static void
test_ip_source (void)
{
  check_cidr_rows (pm_validate_ip_source, "Source");
}

static void
test_egress_target (void)
{
  check_cidr_rows (pm_validate_egress_target, "Target");
}

static void
test_host_bits_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *suggestion = NULL;

  /* The example from Elastic's docs. */
  g_assert_false (pm_validate_ip_source ("192.168.132.6/22", &suggestion, &error));
  g_assert_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_HOST_BITS);
  /* 255.255.252.0 keeps 132 (0b10000100): the network is .132.0, not .128.0. */
  g_assert_cmpstr (suggestion, ==, "192.168.132.0/22");
  g_assert_nonnull (strstr (error->message, "192.168.132.6/22"));
  g_assert_nonnull (strstr (error->message, "host bits"));
}

typedef struct {
  const char *text;
  int         code;
} Row;

static void
check_rows (gboolean   (*validate) (const char *, GError **),
            const Row   *rows,
            gsize        n_rows,
            const char  *field)
{
  for (gsize i = 0; i < n_rows; i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("%s row %" G_GSIZE_FORMAT ": %s", field, i, rows[i].text ? rows[i].text : "(null)");
      ok = validate (rows[i].text, &error);
      if (rows[i].code == OK)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, PM_VALIDATION_ERROR, rows[i].code);
          g_assert_true (g_str_has_prefix (error->message, field));
        }
    }
}

static const Row vpce_rows[] = {
  { "vpce-00000000000", OK },
  { "vpce-0123456789abcdef0", OK },
  { "vpce-01234567", OK },
  { "", PM_VALIDATION_ERROR_EMPTY },
  { NULL, PM_VALIDATION_ERROR_EMPTY },
  { "vpce-0123456", PM_VALIDATION_ERROR_INVALID },
  { "vpce-0123456789abcdef01", PM_VALIDATION_ERROR_INVALID },
  { "vpce-0123456789ABCDEF0", PM_VALIDATION_ERROR_INVALID },
  { "VPCE-0123456789", PM_VALIDATION_ERROR_INVALID },
  { "vpce_0123456789", PM_VALIDATION_ERROR_INVALID },
  { "vpce-012345678g", PM_VALIDATION_ERROR_INVALID },
  { " vpce-0123456789", PM_VALIDATION_ERROR_INVALID },
  { "vpce-0123456789\n", PM_VALIDATION_ERROR_INVALID },
  { "vpce-svc-0d3d7b74f60a6c32c", PM_VALIDATION_ERROR_INVALID },
};

static void
test_vpce (void)
{
  g_autoptr(GError) error = NULL;

  check_rows (pm_validate_vpce_id, vpce_rows, G_N_ELEMENTS (vpce_rows), "VPC endpoint ID");
  g_assert_false (pm_validate_vpce_id ("vpce-0123456789ABCDEF0", &error));
  g_assert_nonnull (strstr (error->message, "lowercase"));
}

static void
test_azure_name (void)
{
  g_autofree char *max = g_strnfill (80, 'a');
  g_autofree char *too_long = g_strnfill (81, 'a');
  const Row rows[] = {
    { "azure-demo", OK },
    { "a", OK },
    { "my_endpoint_", OK },
    { "A1.b-c_d", OK },
    { max, OK },
    { "", PM_VALIDATION_ERROR_EMPTY },
    { NULL, PM_VALIDATION_ERROR_EMPTY },
    { too_long, PM_VALIDATION_ERROR_TOO_LONG },
    { "-demo", PM_VALIDATION_ERROR_INVALID },
    { "_demo", PM_VALIDATION_ERROR_INVALID },
    { "demo-", PM_VALIDATION_ERROR_INVALID },
    { "demo.", PM_VALIDATION_ERROR_INVALID },
    { "de mo", PM_VALIDATION_ERROR_INVALID },
    { "démo", PM_VALIDATION_ERROR_INVALID },
    { "demo/1", PM_VALIDATION_ERROR_INVALID },
  };

  check_rows (pm_validate_azure_endpoint_name, rows, G_N_ELEMENTS (rows), "Endpoint name");
}

static const Row guid_rows[] = {
  { "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c", OK },
  { "7C0F05E4-E32B-4B10-A246-7B77F7DCC63C", OK },
  { "", PM_VALIDATION_ERROR_EMPTY },
  { NULL, PM_VALIDATION_ERROR_EMPTY },
  { "7c0f05e4e32b4b10a2467b77f7dcc63c", PM_VALIDATION_ERROR_INVALID },
  { "7c0f05e4-e32b-4b10-a246-7b77f7dcc63", PM_VALIDATION_ERROR_INVALID },
  { "{7c0f05e4-e32b-4b10-a246-7b77f7dcc63c}", PM_VALIDATION_ERROR_INVALID },
  { "zc0f05e4-e32b-4b10-a246-7b77f7dcc63c", PM_VALIDATION_ERROR_INVALID },
  { " 7c0f05e4-e32b-4b10-a246-7b77f7dcc63c", PM_VALIDATION_ERROR_INVALID },
};

static void
test_azure_guid (void)
{
  check_rows (pm_validate_azure_endpoint_guid, guid_rows, G_N_ELEMENTS (guid_rows),
              "Endpoint resource GUID");
}

static const Row psc_rows[] = {
  { "18446744072646845332", OK },
  { "18446744073709551615", OK },
  { "1", OK },
  { "0", OK },
  { "", PM_VALIDATION_ERROR_EMPTY },
  { NULL, PM_VALIDATION_ERROR_EMPTY },
  { "18446744073709551616", PM_VALIDATION_ERROR_OUT_OF_RANGE },
  { "99999999999999999999", PM_VALIDATION_ERROR_OUT_OF_RANGE },
  { "123456789012345678901", PM_VALIDATION_ERROR_OUT_OF_RANGE },
  { "-1", PM_VALIDATION_ERROR_INVALID },
  { "+1", PM_VALIDATION_ERROR_INVALID },
  { " 1", PM_VALIDATION_ERROR_INVALID },
  { "1 ", PM_VALIDATION_ERROR_INVALID },
  { "1e10", PM_VALIDATION_ERROR_INVALID },
  { "0x10", PM_VALIDATION_ERROR_INVALID },
};

static void
test_psc (void)
{
  check_rows (pm_validate_psc_connection_id, psc_rows, G_N_ELEMENTS (psc_rows), "PSC connection ID");
}

static const Row protocol_rows[] = {
  { "all", OK },
  { "tcp", OK },
  { "udp", OK },
  { "", PM_VALIDATION_ERROR_EMPTY },
  { NULL, PM_VALIDATION_ERROR_EMPTY },
  { "TCP", PM_VALIDATION_ERROR_INVALID },
  { "icmp", PM_VALIDATION_ERROR_INVALID },
  { "any", PM_VALIDATION_ERROR_INVALID },
};

static void
test_protocol (void)
{
  check_rows (pm_validate_protocol, protocol_rows, G_N_ELEMENTS (protocol_rows), "Protocol");
}

typedef struct {
  const char *text;
  int         code;
  guint       n;
  guint       first;
  guint       last;
} PortsRow;

static const PortsRow ports_rows[] = {
  { NULL, OK, 0, 0, 0 },
  { "", OK, 0, 0, 0 },
  { "  ", OK, 0, 0, 0 },
  { "80", OK, 1, 80, 80 },
  { "80, 443, 8000-8010", OK, 13, 80, 8010 },
  { "80,443", OK, 2, 80, 443 },
  { "80 443", OK, 2, 80, 443 },
  { "8000 - 8010", OK, 11, 8000, 8010 },
  { "1-1024", OK, 1024, 1, 1024 },
  { "65535", OK, 1, 65535, 65535 },
  { "443, ", OK, 1, 443, 443 },
  { "1-1025", PM_VALIDATION_ERROR_TOO_MANY, 0, 0, 0 },
  { "1-65535", PM_VALIDATION_ERROR_TOO_MANY, 0, 0, 0 },
  { "1-1000, 2000-2100", PM_VALIDATION_ERROR_TOO_MANY, 0, 0, 0 },
  { "0", PM_VALIDATION_ERROR_OUT_OF_RANGE, 0, 0, 0 },
  { "65536", PM_VALIDATION_ERROR_OUT_OF_RANGE, 0, 0, 0 },
  { "99999999999999999999", PM_VALIDATION_ERROR_OUT_OF_RANGE, 0, 0, 0 },
  { "8010-8000", PM_VALIDATION_ERROR_INVALID, 0, 0, 0 },
  { "80, 80", PM_VALIDATION_ERROR_DUPLICATE, 0, 0, 0 },
  { "80-90, 85", PM_VALIDATION_ERROR_DUPLICATE, 0, 0, 0 },
  { "http", PM_VALIDATION_ERROR_INVALID, 0, 0, 0 },
  { "80-", PM_VALIDATION_ERROR_INVALID, 0, 0, 0 },
  { "-80", PM_VALIDATION_ERROR_INVALID, 0, 0, 0 },
  { "+80", PM_VALIDATION_ERROR_INVALID, 0, 0, 0 },
  { "80-90-100", PM_VALIDATION_ERROR_INVALID, 0, 0, 0 },
};

static void
test_ports (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (ports_rows); i++)
    {
      const PortsRow *row = &ports_rows[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) ports = NULL;
      gboolean ok;

      g_test_message ("ports row %u: %s", i, row->text ? row->text : "(null)");
      ok = pm_parse_ports (row->text, &ports, &error);
      if (row->code == OK)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpuint (ports->len, ==, row->n);
          if (row->n > 0)
            {
              g_assert_cmpuint (g_array_index (ports, guint, 0), ==, row->first);
              g_assert_cmpuint (g_array_index (ports, guint, ports->len - 1), ==, row->last);
            }
        }
      else
        {
          g_assert_false (ok);
          g_assert_null (ports);
          g_assert_error (error, PM_VALIDATION_ERROR, row->code);
          g_assert_true (g_str_has_prefix (error->message, "Ports"));
        }
    }
}

static void
test_reversed_range_message (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (pm_parse_ports ("8010-8000", NULL, &error));
  g_assert_nonnull (strstr (error->message, "8000-8010"));
}

static void
test_name_and_description (void)
{
  g_autoptr(GString) max_name = g_string_new (NULL);
  g_autoptr(GString) long_name = NULL;
  g_autofree char *max_description = g_strnfill (512, 'd');
  g_autofree char *long_description = g_strnfill (513, 'd');
  const char bad_utf8[] = { 'a', (char) 0xff, 'b', 0 };

  /* Length counts characters, not bytes. */
  for (guint i = 0; i < PM_MAX_NAME_LENGTH; i++)
    g_string_append (max_name, "é");
  long_name = g_string_new (max_name->str);
  g_string_append_c (long_name, 'x');

  {
    const Row name_rows[] = {
      { "My ingress IP filter policy", OK },
      { "x", OK },
      { max_name->str, OK },
      { NULL, PM_VALIDATION_ERROR_EMPTY },
      { "", PM_VALIDATION_ERROR_EMPTY },
      { "   ", PM_VALIDATION_ERROR_EMPTY },
      { long_name->str, PM_VALIDATION_ERROR_TOO_LONG },
      { bad_utf8, PM_VALIDATION_ERROR_INVALID },
    };
    const Row description_rows[] = {
      { NULL, OK },
      { "", OK },
      { max_description, OK },
      { long_description, PM_VALIDATION_ERROR_TOO_LONG },
      { bad_utf8, PM_VALIDATION_ERROR_INVALID },
    };

    check_rows (pm_validate_policy_name, name_rows, G_N_ELEMENTS (name_rows), "Name");
    check_rows (pm_validate_description, description_rows, G_N_ELEMENTS (description_rows), "Description");
  }
}

typedef struct {
  PmFlavour    flavour;
  PmPolicyType type;
  const char  *region;
  int          code;
} RegionRow;

static const RegionRow region_rows[] = {
  /* Hosted: IP filters in any known region of any provider, as the API spells it. */
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP, "us-east-1", OK },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP, "azure-japaneast", OK },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP, "gcp-us-central1", OK },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP, "eastus2", PM_VALIDATION_ERROR_WRONG_REGION },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP, "mars-north-1", PM_VALIDATION_ERROR_WRONG_REGION },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP, "", PM_VALIDATION_ERROR_EMPTY },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP, NULL, PM_VALIDATION_ERROR_EMPTY },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP, "us east 1", PM_VALIDATION_ERROR_INVALID },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_EGRESS_FIREWALL, "azure-japaneast", OK },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_VPCE, "ap-northeast-1", OK },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_VPCE, "us-gov-east-1", OK },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_VPCE, "azure-eastus2", PM_VALIDATION_ERROR_WRONG_REGION },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_VPCE, "aws-us-east-1", PM_VALIDATION_ERROR_WRONG_REGION },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_VPCE, "gcp-us-central1", PM_VALIDATION_ERROR_WRONG_REGION },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "azure-japaneast", OK },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "azure-northeurope", OK },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "japaneast", PM_VALIDATION_ERROR_WRONG_REGION },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "us-east-1", PM_VALIDATION_ERROR_WRONG_REGION },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_GCP_PSC, "gcp-asia-northeast1", OK },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_GCP_PSC, "asia-northeast1", PM_VALIDATION_ERROR_WRONG_REGION },
  { PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_GCP_PSC, "azure-eastus2", PM_VALIDATION_ERROR_WRONG_REGION },
  /* Serverless: both spellings; only ip, vpce and private_endpoint. */
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_IP, "ap-southeast-1", OK },
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_IP, "aws-us-east-1", OK },
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_IP, "azure-eastus2", OK },
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_IP, "af-south-1", PM_VALIDATION_ERROR_WRONG_REGION },
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_VPCE, "us-east-1", OK },
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_VPCE, "aws-eu-west-1", OK },
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_VPCE, "af-south-1", PM_VALIDATION_ERROR_WRONG_REGION },
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_VPCE, "azure-eastus2", PM_VALIDATION_ERROR_WRONG_REGION },
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "azure-eastus2", OK },
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "azure-northeurope", PM_VALIDATION_ERROR_WRONG_REGION },
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_EGRESS_FIREWALL, "us-east-1", PM_VALIDATION_ERROR_UNSUPPORTED },
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_GCP_PSC, "gcp-us-central1", PM_VALIDATION_ERROR_UNSUPPORTED },
  { PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_IP, "aws-us-east-1-and-a-very-long-tail", PM_VALIDATION_ERROR_TOO_LONG },
  /* ECE: its own region names. */
  { PM_FLAVOUR_ECE, PM_POLICY_TYPE_IP, "ece-region", OK },
  { PM_FLAVOUR_ECE, PM_POLICY_TYPE_EGRESS_FIREWALL, "ece-region", OK },
  { PM_FLAVOUR_ECE, PM_POLICY_TYPE_VPCE, "anything-goes", OK },
  { PM_FLAVOUR_ECE, PM_POLICY_TYPE_IP, "", PM_VALIDATION_ERROR_EMPTY },
};

static void
test_region (void)
{
  PmRegionCatalog *catalog = pm_region_catalog_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (region_rows); i++)
    {
      const RegionRow *row = &region_rows[i];
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("region row %u: %s %d %s", i, pm_flavour_to_string (row->flavour),
                      row->type, row->region ? row->region : "(null)");
      ok = pm_validate_region (catalog, row->flavour, row->type, row->region, &error);
      if (row->code == OK)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, PM_VALIDATION_ERROR, row->code);
          g_assert_true (g_str_has_prefix (error->message, "Region"));
        }
    }
}

static void
test_wrong_spelling_message (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (pm_validate_region (pm_region_catalog_get_default (), PM_FLAVOUR_HOSTED,
                                      PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "eastus2", &error));
  g_assert_nonnull (strstr (error->message, "azure-eastus2"));
  g_clear_error (&error);
  g_assert_false (pm_validate_region (pm_region_catalog_get_default (), PM_FLAVOUR_HOSTED,
                                      PM_POLICY_TYPE_VPCE, "azure-eastus2", &error));
  g_assert_nonnull (strstr (error->message, "Azure"));
}

static void
test_type_matrix (void)
{
  /* flavour × type: UNKNOWN, IP, EGRESS, VPCE, AZURE, GCP */
  static const gboolean expected[3][6] = {
    [PM_FLAVOUR_HOSTED]     = { FALSE, TRUE, TRUE,  TRUE, TRUE, TRUE },
    [PM_FLAVOUR_ECE]        = { FALSE, TRUE, TRUE,  TRUE, TRUE, TRUE },
    [PM_FLAVOUR_SERVERLESS] = { FALSE, TRUE, FALSE, TRUE, TRUE, FALSE },
  };

  for (PmFlavour f = PM_FLAVOUR_HOSTED; f <= PM_FLAVOUR_SERVERLESS; f++)
    for (PmPolicyType t = PM_POLICY_TYPE_UNKNOWN; t <= PM_POLICY_TYPE_GCP_PSC; t++)
      {
        g_assert_cmpint (pm_flavour_supports_type (f, t), ==, expected[f][t]);
        if (expected[f][t])
          g_assert_cmpint (pm_policy_type_from_api (pm_policy_type_to_api (t, f), f), ==, t);
      }
  g_assert_cmpstr (pm_policy_type_to_api (PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, PM_FLAVOUR_SERVERLESS), ==, "private_endpoint");
  g_assert_cmpstr (pm_policy_type_to_api (PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, PM_FLAVOUR_HOSTED), ==, "azure_private_endpoint");
  g_assert_cmpstr (pm_policy_type_to_api (PM_POLICY_TYPE_GCP_PSC, PM_FLAVOUR_ECE), ==, "gcp_private_service_connect_endpoint");
  g_assert_cmpint (pm_policy_type_from_api ("private_endpoint", PM_FLAVOUR_HOSTED), ==, PM_POLICY_TYPE_UNKNOWN);
  g_assert_cmpint (pm_policy_type_from_api ("egress_firewall", PM_FLAVOUR_SERVERLESS), ==, PM_POLICY_TYPE_UNKNOWN);
}

static PmRule *
make_rule (PmPolicyType type,
           const char  *value,
           const char  *guid)
{
  PmRule *rule = pm_rule_new ();

  switch (type)
    {
    case PM_POLICY_TYPE_EGRESS_FIREWALL:
      pm_rule_set_egress_target (rule, value);
      break;
    case PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT:
      pm_rule_set_azure_endpoint_name (rule, value);
      pm_rule_set_azure_endpoint_guid (rule, guid);
      break;
    case PM_POLICY_TYPE_IP:
    case PM_POLICY_TYPE_VPCE:
    case PM_POLICY_TYPE_GCP_PSC:
    case PM_POLICY_TYPE_UNKNOWN:
    default:
      pm_rule_set_source (rule, value);
      break;
    }
  return rule;
}

typedef struct {
  PmPolicyType type;
  const char  *value;
  const char  *guid;
  int          code;
} RuleRow;

static const RuleRow rule_rows[] = {
  { PM_POLICY_TYPE_IP, "10.0.0.0/8", NULL, OK },
  { PM_POLICY_TYPE_IP, "10.0.0.1/8", NULL, PM_VALIDATION_ERROR_HOST_BITS },
  { PM_POLICY_TYPE_IP, NULL, NULL, PM_VALIDATION_ERROR_EMPTY },
  { PM_POLICY_TYPE_EGRESS_FIREWALL, "192.168.131.0", NULL, OK },
  { PM_POLICY_TYPE_EGRESS_FIREWALL, "nope", NULL, PM_VALIDATION_ERROR_INVALID },
  { PM_POLICY_TYPE_VPCE, "vpce-00000000000", NULL, OK },
  { PM_POLICY_TYPE_VPCE, "10.0.0.0/8", NULL, PM_VALIDATION_ERROR_INVALID },
  { PM_POLICY_TYPE_GCP_PSC, "18446744072646845332", NULL, OK },
  { PM_POLICY_TYPE_GCP_PSC, "vpce-00000000000", NULL, PM_VALIDATION_ERROR_INVALID },
  { PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "azure-demo", "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c", OK },
  { PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "azure-demo", "not-a-guid", PM_VALIDATION_ERROR_INVALID },
  { PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "", "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c", PM_VALIDATION_ERROR_EMPTY },
};

static void
test_rule (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rule_rows); i++)
    {
      g_autoptr(PmRule) rule = make_rule (rule_rows[i].type, rule_rows[i].value, rule_rows[i].guid);
      g_autoptr(GError) error = NULL;
      gboolean ok = pm_validate_rule (rule, rule_rows[i].type, &error);

      g_test_message ("rule row %u", i);
      if (rule_rows[i].code == OK)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, PM_VALIDATION_ERROR, rule_rows[i].code);
        }
    }

  /* Ports set directly (as read from a reply) are checked too. */
  {
    g_autoptr(PmRule) rule = make_rule (PM_POLICY_TYPE_EGRESS_FIREWALL, "10.0.0.0/8", NULL);
    g_autoptr(GError) error = NULL;
    const guint bad[] = { 443, 0 };

    pm_rule_set_ports (rule, bad, G_N_ELEMENTS (bad));
    g_assert_false (pm_validate_rule (rule, PM_POLICY_TYPE_EGRESS_FIREWALL, &error));
    g_assert_error (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_OUT_OF_RANGE);
  }
}

static void
test_split_sources (void)
{
  g_auto(GStrv) sources = pm_split_sources ("1.2.3.4\n5.6.7.8, 9.9.9.9;10.0.0.0/8  \t 11.0.0.0/8\r\n\n,,");
  g_auto(GStrv) none = pm_split_sources (" \n,; ");
  g_auto(GStrv) null = pm_split_sources (NULL);
  const char * const expected[] = { "1.2.3.4", "5.6.7.8", "9.9.9.9", "10.0.0.0/8", "11.0.0.0/8", NULL };

  g_assert_true (g_strv_equal ((const char * const *) sources, expected));
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_cmpuint (g_strv_length (null), ==, 0);
}

static PmValidationIssue *
find_issue (GPtrArray  *issues,
            const char *field)
{
  for (guint i = 0; i < issues->len; i++)
    {
      PmValidationIssue *issue = g_ptr_array_index (issues, i);

      if (g_strcmp0 (issue->field, field) == 0)
        return issue;
    }
  return NULL;
}

static PmPolicy *
make_policy (PmFlavour     flavour,
             PmPolicyType  type,
             const char   *region,
             guint         n_rules)
{
  PmPolicy *policy = pm_policy_new (flavour, type);

  pm_policy_set_name (policy, "Office");
  pm_policy_set_region (policy, region);
  for (guint i = 0; i < n_rules; i++)
    {
      g_autofree char *source = g_strdup_printf ("10.%u.%u.0/24", i / 256, i % 256);
      g_autoptr(PmRule) rule = make_rule (PM_POLICY_TYPE_IP, source, NULL);

      pm_policy_add_rule (policy, rule);
    }
  return policy;
}

static void
test_policy_rule_count (void)
{
  g_autoptr(PmPolicy) full = make_policy (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP, "us-east-1", 128);
  g_autoptr(PmPolicy) over = make_policy (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP, "us-east-1", 129);
  g_autoptr(GPtrArray) ok_issues = pm_validate_policy (full, NULL);
  g_autoptr(GPtrArray) issues = pm_validate_policy (over, pm_region_catalog_get_default ());
  PmValidationIssue *issue;

  g_assert_cmpuint (ok_issues->len, ==, 0);
  g_assert_cmpuint (issues->len, ==, 1);
  issue = find_issue (issues, "rules");
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->rule_index, ==, -1);
  g_assert_error (issue->error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_TOO_MANY);
  g_assert_nonnull (strstr (issue->error->message, "128"));
}

static void
add_source (PmPolicy   *policy,
            const char *value,
            const char *guid)
{
  g_autoptr(PmRule) rule = make_rule (pm_policy_get_policy_type (policy), value, guid);

  pm_policy_add_rule (policy, rule);
}

static void
test_policy_duplicates (void)
{
  g_autoptr(PmPolicy) ip = make_policy (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP, "us-east-1", 0);
  g_autoptr(PmPolicy) vpce = make_policy (PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_VPCE, "us-east-1", 0);
  g_autoptr(PmPolicy) azure = make_policy (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT, "azure-eastus2", 0);
  g_autoptr(PmPolicy) psc = make_policy (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_GCP_PSC, "gcp-us-central1", 0);
  g_autoptr(GPtrArray) issues = NULL;
  PmValidationIssue *issue;

  add_source (ip, "192.168.1.1", NULL);
  add_source (ip, "10.0.0.0/8", NULL);
  add_source (ip, "2001:db8::", NULL);
  add_source (ip, "192.168.1.1/32", NULL);     /* same as rule 1 */
  add_source (ip, "2001:db8:0::/128", NULL);   /* same as rule 3 */
  add_source (ip, "10.0.0.0/9", NULL);         /* a different network */
  issues = pm_validate_policy (ip, NULL);
  g_assert_cmpuint (issues->len, ==, 2);
  issue = find_issue (issues, "rules[3].source");
  g_assert_nonnull (issue);
  g_assert_cmpint (issue->rule_index, ==, 3);
  g_assert_error (issue->error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (issue->error->message, "rule 1"));
  g_assert_nonnull (find_issue (issues, "rules[4].source"));
  g_clear_pointer (&issues, g_ptr_array_unref);

  add_source (vpce, "vpce-0123456789abcdef0", NULL);
  add_source (vpce, "vpce-0123456789abcdef0", NULL);
  issues = pm_validate_policy (vpce, NULL);
  g_assert_cmpuint (issues->len, ==, 1);
  g_assert_nonnull (find_issue (issues, "rules[1].source"));
  g_clear_pointer (&issues, g_ptr_array_unref);

  add_source (azure, "one", "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c");
  add_source (azure, "two", "7C0F05E4-E32B-4B10-A246-7B77F7DCC63C");
  issues = pm_validate_policy (azure, NULL);
  g_assert_cmpuint (issues->len, ==, 1);
  g_assert_nonnull (find_issue (issues, "rules[1].azure_endpoint_guid"));
  g_clear_pointer (&issues, g_ptr_array_unref);

  add_source (psc, "1", NULL);
  add_source (psc, "01", NULL);
  issues = pm_validate_policy (psc, NULL);
  g_assert_cmpuint (issues->len, ==, 1);
  g_assert_nonnull (find_issue (issues, "rules[1].source"));
}

static void
test_policy_collects_everything (void)
{
  g_autoptr(PmPolicy) policy = pm_policy_new (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_VPCE);
  g_autoptr(PmPolicy) serverless = pm_policy_new (PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_EGRESS_FIREWALL);
  g_autoptr(GPtrArray) issues = NULL;
  g_autofree char *long_description = g_strnfill (600, 'x');
  PmValidationIssue *issue;

  pm_policy_set_description (policy, long_description);
  pm_policy_set_region (policy, "azure-eastus2");
  add_source (policy, "vpce-00000000000", NULL);
  add_source (policy, "vpce-nothex", NULL);
  add_source (policy, "vpce-00000000000", NULL);
  add_source (policy, "10.0.0.0/8", NULL);

  issues = pm_validate_policy (policy, NULL);
  g_assert_nonnull (find_issue (issues, "name"));
  g_assert_error (find_issue (issues, "description")->error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_TOO_LONG);
  g_assert_error (find_issue (issues, "region")->error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_WRONG_REGION);
  issue = find_issue (issues, "rules[1].source");
  g_assert_cmpint (issue->rule_index, ==, 1);
  g_assert_error (issue->error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID);
  g_assert_error (find_issue (issues, "rules[2].source")->error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_DUPLICATE);
  g_assert_error (find_issue (issues, "rules[3].source")->error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_INVALID);
  g_assert_cmpuint (issues->len, ==, 6);
  g_clear_pointer (&issues, g_ptr_array_unref);

  /* Egress is Hosted/ECE only. */
  pm_policy_set_name (serverless, "Out");
  pm_policy_set_region (serverless, "us-east-1");
  issues = pm_validate_policy (serverless, NULL);
  g_assert_error (find_issue (issues, "type")->error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_UNSUPPORTED);
}

/* What the list marks on a policy as it came: the reader's oddities and
 * the policy's own fields that would not pass, each once. */
static void
test_marks (void)
{
  static const char reply[] =
    "{\"id\":\"m\",\"name\":\"Mock\",\"type\":\"ip\",\"region\":\"string\",\"description\":null,"
    "\"rules\":[{\"source\":\"string\"}]}";
  g_autoptr(JsonNode) node = json_from_string (reply, NULL);
  g_autoptr(PmPolicy) odd = pm_json_read_policy (node, PM_FLAVOUR_SERVERLESS, NULL);
  g_autoptr(PmPolicy) plain = pm_policy_new (PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_IP);
  g_autofree char *long_name = g_strnfill (PM_MAX_NAME_LENGTH + 1, 'n');
  g_auto(GStrv) marks = NULL;
  g_auto(GStrv) none = NULL;
  g_auto(GStrv) named = NULL;

  g_assert_nonnull (odd);
  marks = pm_validate_dup_marks (odd, NULL);
  g_assert_nonnull (marks);
  /* The null description, as the reader said it; the unknown region */
  g_assert_cmpuint (g_strv_length (marks), ==, 2);
  g_assert_nonnull (strstr (marks[0], "description"));
  g_assert_true (g_str_has_prefix (marks[1], "Region: "));
  g_assert_true (g_str_has_suffix (marks[1], "; Perimeter keeps it as it is"));

  pm_policy_set_name (plain, "Office");
  pm_policy_set_region (plain, "aws-us-east-1");
  none = pm_validate_dup_marks (plain, NULL);
  g_assert_null (none);
  pm_policy_set_name (plain, long_name);
  named = pm_validate_dup_marks (plain, NULL);
  g_assert_cmpuint (g_strv_length (named), ==, 1);
  g_assert_true (g_str_has_prefix (named[0], "Name: "));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validate/ip-source", test_ip_source);
  g_test_add_func ("/validate/egress-target", test_egress_target);
  g_test_add_func ("/validate/host-bits-example", test_host_bits_example);
  g_test_add_func ("/validate/vpce", test_vpce);
  g_test_add_func ("/validate/azure-name", test_azure_name);
  g_test_add_func ("/validate/azure-guid", test_azure_guid);
  g_test_add_func ("/validate/psc", test_psc);
  g_test_add_func ("/validate/protocol", test_protocol);
  g_test_add_func ("/validate/ports", test_ports);
  g_test_add_func ("/validate/ports-reversed", test_reversed_range_message);
  g_test_add_func ("/validate/name-description", test_name_and_description);
  g_test_add_func ("/validate/region", test_region);
  g_test_add_func ("/validate/region-messages", test_wrong_spelling_message);
  g_test_add_func ("/validate/type-matrix", test_type_matrix);
  g_test_add_func ("/validate/rule", test_rule);
  g_test_add_func ("/validate/split-sources", test_split_sources);
  g_test_add_func ("/validate/policy-rule-count", test_policy_rule_count);
  g_test_add_func ("/validate/policy-duplicates", test_policy_duplicates);
  g_test_add_func ("/validate/policy-collects-everything", test_policy_collects_everything);
  g_test_add_func ("/validate/marks", test_marks);

  return g_test_run ();
}
