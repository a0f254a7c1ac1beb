/* test-regions.c: the shipped region tables and their catalog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-json.h"
#include "pm-region-catalog.h"
#include "pm-test-util.h"

/* From the generated pm-data-resources.h (not on the tests' include path). */
GResource *pm_data_get_resource (void);

static GBytes *
resource_bytes (void)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = g_resource_lookup_data (pm_data_get_resource (),
                                          PM_RESOURCE_PREFIX "/regions.json",
                                          G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return bytes;
}

static GBytes *
file_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
test_resource_is_verbatim (void)
{
  g_autoptr(GBytes) resource = resource_bytes ();
  g_autofree char *shared_path = g_build_filename (pm_test_shared_dir (), "data", "regions.json", NULL);
  g_autofree char *source_path = g_build_filename (g_getenv ("PM_SOURCE_DIR"), "data", "regions.json", NULL);
  g_autoptr(GBytes) shared = file_bytes (shared_path);
  g_autoptr(GBytes) source = file_bytes (source_path);

  g_assert_cmpuint (g_bytes_get_size (resource), >, 1000);
  g_assert_true (g_bytes_equal (resource, shared));
  g_assert_true (g_bytes_equal (source, shared));
}

static JsonObject *
shared_tables (JsonNode **root_out)
{
  g_autoptr(GBytes) bytes = resource_bytes ();
  g_autoptr(GError) error = NULL;

  *root_out = pm_json_parse_bytes (bytes, &error);
  g_assert_no_error (error);
  return json_node_get_object (*root_out);
}

static void
check_region (PmRegion   *region,
              PmFlavour   flavour,
              PmProvider  provider)
{
  JsonObject *json = pm_region_get_json (region);
  const char *id = pm_region_get_id (region);
  const char *zone = pm_region_get_private_zone (region);
  const char *service = pm_region_get_service_name (region);
  const char *format = pm_region_get_endpoint_host_format (region);
  const GArray *ports = pm_region_get_ports (region);
  const char * const *az_ids = pm_region_get_availability_zone_ids (region);
  const char * const *az_names = pm_region_get_availability_zone_names (region);
  g_autofree char *api = NULL;
  g_autofree char *host = NULL;
  g_autofree char *expected_host = NULL;

  g_test_message ("%s %s %s", pm_flavour_to_string (flavour), pm_provider_to_string (provider), id);
  g_assert_cmpint (pm_region_get_flavour (region), ==, flavour);
  g_assert_cmpint (pm_region_get_provider (region), ==, provider);
  g_assert_cmpstr (id, ==, json_object_get_string_member (json, "region"));
  g_assert_cmpstr (pm_region_get_name (region), ==, json_object_get_string_member (json, "name"));
  g_assert_cmpstr (format, ==, json_object_get_string_member (json, "endpoint_host_format"));

  /* Each provider's own words map to the common getters. */
  switch (provider)
    {
    case PM_PROVIDER_AWS:
      g_assert_cmpstr (service, ==, json_object_get_string_member (json, "service_name"));
      g_assert_cmpstr (zone, ==, json_object_get_string_member (json, "private_hosted_zone"));
      g_assert_true (g_str_has_prefix (service, "com.amazonaws.vpce."));
      {
        JsonArray *ids = json_object_get_array_member (json, "availability_zone_ids");
        JsonArray *zones = json_object_get_array_member (json, "availability_zones");

        g_assert_cmpuint (g_strv_length ((char **) az_ids), ==, json_array_get_length (ids));
        g_assert_cmpuint (g_strv_length ((char **) az_names), ==, g_strv_length ((char **) az_ids));
        for (guint i = 0; i < json_array_get_length (zones); i++)
          {
            JsonObject *az = json_array_get_object_element (zones, i);

            g_assert_cmpstr (az_ids[i], ==, json_object_get_string_member (az, "id"));
            g_assert_cmpstr (az_ids[i], ==, json_array_get_string_element (ids, i));
            g_assert_cmpstr (az_names[i], ==, json_object_get_string_member (az, "name"));
          }
        /* Only GovCloud is published without AZ ids. */
        if (!json_object_get_boolean_member_with_default (json, "govcloud", FALSE))
          g_assert_cmpuint (g_strv_length ((char **) az_ids), >=, 2);
      }
      api = flavour == PM_FLAVOUR_HOSTED ? g_strdup (id) : g_strdup_printf ("aws-%s", id);
      break;
    case PM_PROVIDER_AZURE:
      g_assert_cmpstr (service, ==, json_object_get_string_member (json, "alias"));
      g_assert_cmpstr (zone, ==, json_object_get_string_member (json, "private_dns_zone"));
      g_assert_true (g_str_has_suffix (service, ".privatelinkservice"));
      g_assert_cmpuint (g_strv_length ((char **) az_ids), ==, 0);
      api = g_strdup_printf ("azure-%s", id);
      break;
    case PM_PROVIDER_GCP:
      g_assert_cmpstr (service, ==, json_object_get_string_member (json, "service_attachment"));
      g_assert_cmpstr (zone, ==, json_object_get_string_member (json, "private_zone_dns_name"));
      g_assert_true (g_str_has_prefix (service, "projects/"));
      api = g_strdup_printf ("gcp-%s", id);
      break;
    case PM_PROVIDER_NONE:
    default:
      g_assert_not_reached ();
    }
  g_assert_cmpstr (pm_region_get_api_region (region), ==, api);
  g_assert_cmpuint (strlen (service), >, 10);
  g_assert_cmpuint (strlen (zone), >, 5);
  g_assert_true (g_str_has_prefix (format, "{alias}.{product}."));
  g_assert_true (g_str_has_suffix (format, zone));

  g_assert_cmpuint (ports->len, ==, json_array_get_length (json_object_get_array_member (json, "ports")));
  g_assert_cmpuint (g_array_index (ports, guint, 0), ==, 443);
  g_assert_cmpuint (ports->len, ==, flavour == PM_FLAVOUR_HOSTED ? 2 : 1);

  host = pm_region_format_endpoint_host (region, "my-deployment-d53192", "es");
  expected_host = g_strdup_printf ("my-deployment-d53192.es.%s", zone);
  g_assert_cmpstr (host, ==, expected_host);
}

static void
test_every_region (void)
{
  PmRegionCatalog *catalog = pm_region_catalog_get_default ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *tables = shared_tables (&root);
  guint total = 0;

  for (PmFlavour flavour = PM_FLAVOUR_HOSTED; flavour <= PM_FLAVOUR_SERVERLESS; flavour++)
    for (PmProvider provider = PM_PROVIDER_AWS; provider <= PM_PROVIDER_GCP; provider++)
      {
        GListModel *list = pm_region_catalog_list (catalog, flavour, provider);
        guint n = g_list_model_get_n_items (list);

        if (flavour == PM_FLAVOUR_ECE)
          {
            g_assert_cmpuint (n, ==, 0);
            continue;
          }
        g_assert_cmpuint (n, ==, json_array_get_length (
          json_object_get_array_member (json_object_get_object_member (tables, pm_flavour_to_string (flavour)),
                                        pm_provider_to_string (provider))));
        for (guint i = 0; i < n; i++)
          {
            g_autoptr(PmRegion) region = g_list_model_get_item (list, i);

            check_region (region, flavour, provider);
            /* Both spellings find the same row. */
            g_assert_true (pm_region_catalog_lookup (catalog, flavour, provider, pm_region_get_id (region)) == region);
            g_assert_true (pm_region_catalog_lookup (catalog, flavour, provider, pm_region_get_api_region (region)) == region);
            g_assert_cmpint (pm_region_catalog_guess_provider (catalog, flavour, pm_region_get_api_region (region)), ==, provider);
            if (i > 0)
              {
                g_autoptr(PmRegion) previous = g_list_model_get_item (list, i - 1);

                g_assert_cmpint (g_utf8_collate (pm_region_get_name (previous), pm_region_get_name (region)), <=, 0);
              }
            total++;
          }
      }
  /* 22 + 16 + 20 hosted, 10 + 10 + 0 serverless. */
  g_assert_cmpuint (total, ==, 78);
}

static void
test_lookups (void)
{
  PmRegionCatalog *catalog = pm_region_catalog_get_default ();
  PmRegion *region;
  g_autofree char *host = NULL;

  region = pm_region_catalog_lookup (catalog, PM_FLAVOUR_HOSTED, PM_PROVIDER_AZURE, "azure-eastus2");
  g_assert_nonnull (region);
  g_assert_true (region == pm_region_catalog_lookup (catalog, PM_FLAVOUR_HOSTED, PM_PROVIDER_AZURE, "eastus2"));
  g_assert_cmpstr (pm_region_get_private_zone (region), ==, "privatelink.eastus2.azure.elastic-cloud.com");
  host = pm_region_format_endpoint_host (region, "my-deployment-d53192", "es");
  g_assert_cmpstr (host, ==, "my-deployment-d53192.es.privatelink.eastus2.azure.elastic-cloud.com");

  region = pm_region_catalog_lookup (catalog, PM_FLAVOUR_SERVERLESS, PM_PROVIDER_AWS, "us-east-1");
  g_assert_nonnull (region);
  g_assert_true (region == pm_region_catalog_lookup (catalog, PM_FLAVOUR_SERVERLESS, PM_PROVIDER_AWS, "aws-us-east-1"));
  g_assert_cmpstr (pm_region_get_api_region (region), ==, "aws-us-east-1");
  g_assert_cmpstr (pm_region_get_private_zone (region), ==, "private.us-east-1.aws.elastic.cloud");

  region = pm_region_catalog_lookup (catalog, PM_FLAVOUR_HOSTED, PM_PROVIDER_GCP, "gcp-us-central1");
  g_assert_nonnull (region);
  g_assert_cmpstr (pm_region_get_private_zone (region), ==, "psc.us-central1.gcp.cloud.es.io");

  /* Not there: wrong provider, serverless-only gaps, ECE, nonsense. */
  g_assert_null (pm_region_catalog_lookup (catalog, PM_FLAVOUR_HOSTED, PM_PROVIDER_AWS, "azure-eastus2"));
  g_assert_null (pm_region_catalog_lookup (catalog, PM_FLAVOUR_SERVERLESS, PM_PROVIDER_AZURE, "azure-northeurope"));
  g_assert_nonnull (pm_region_catalog_lookup (catalog, PM_FLAVOUR_HOSTED, PM_PROVIDER_AZURE, "azure-northeurope"));
  g_assert_null (pm_region_catalog_lookup (catalog, PM_FLAVOUR_ECE, PM_PROVIDER_AWS, "us-east-1"));
  g_assert_null (pm_region_catalog_lookup (catalog, PM_FLAVOUR_HOSTED, PM_PROVIDER_AWS, ""));
  g_assert_null (pm_region_catalog_lookup (catalog, PM_FLAVOUR_HOSTED, PM_PROVIDER_AWS, NULL));
  g_assert_null (pm_region_catalog_lookup (catalog, PM_FLAVOUR_HOSTED, PM_PROVIDER_NONE, "us-east-1"));

  g_assert_cmpint (pm_region_catalog_guess_provider (catalog, PM_FLAVOUR_HOSTED, "us-east-1"), ==, PM_PROVIDER_AWS);
  g_assert_cmpint (pm_region_catalog_guess_provider (catalog, PM_FLAVOUR_HOSTED, "ap-east-2"), ==, PM_PROVIDER_AWS);
  g_assert_cmpint (pm_region_catalog_guess_provider (catalog, PM_FLAVOUR_HOSTED, "azure-eastus2"), ==, PM_PROVIDER_AZURE);
  g_assert_cmpint (pm_region_catalog_guess_provider (catalog, PM_FLAVOUR_HOSTED, "gcp-us-central1"), ==, PM_PROVIDER_GCP);
  g_assert_cmpint (pm_region_catalog_guess_provider (catalog, PM_FLAVOUR_SERVERLESS, "aws-eu-west-1"), ==, PM_PROVIDER_AWS);
  g_assert_cmpint (pm_region_catalog_guess_provider (catalog, PM_FLAVOUR_SERVERLESS, "eastus2"), ==, PM_PROVIDER_AZURE);
  g_assert_cmpint (pm_region_catalog_guess_provider (catalog, PM_FLAVOUR_HOSTED, "ece-region"), ==, PM_PROVIDER_NONE);
  g_assert_cmpint (pm_region_catalog_guess_provider (catalog, PM_FLAVOUR_ECE, "us-east-1"), ==, PM_PROVIDER_NONE);
}

typedef struct {
  PmFlavour   flavour;
  const char *a;
  const char *b;
  gboolean    same;
} SameRow;

static const SameRow same_rows[] = {
  { PM_FLAVOUR_SERVERLESS, "us-east-1", "aws-us-east-1", TRUE },
  { PM_FLAVOUR_SERVERLESS, "aws-us-east-1", "us-east-1", TRUE },
  { PM_FLAVOUR_SERVERLESS, "aws-us-east-1", "aws-us-east-1", TRUE },
  { PM_FLAVOUR_SERVERLESS, "eu-west-1", "aws-eu-west-1", TRUE },
  { PM_FLAVOUR_SERVERLESS, "azure-eastus2", "eastus2", TRUE },
  { PM_FLAVOUR_SERVERLESS, "us-east-1", "us-east-2", FALSE },
  { PM_FLAVOUR_SERVERLESS, "aws-us-east-1", "azure-us-east-1", FALSE },
  { PM_FLAVOUR_SERVERLESS, "azure-eastus2", "aws-eastus2", FALSE },
  { PM_FLAVOUR_SERVERLESS, "us-east-1", NULL, FALSE },
  { PM_FLAVOUR_SERVERLESS, "", "", FALSE },
  { PM_FLAVOUR_HOSTED, "us-east-1", "us-east-1", TRUE },
  { PM_FLAVOUR_HOSTED, "azure-eastus2", "azure-eastus2", TRUE },
  { PM_FLAVOUR_HOSTED, "us-east-1", "aws-us-east-1", FALSE },
  { PM_FLAVOUR_HOSTED, "azure-eastus2", "eastus2", FALSE },
  { PM_FLAVOUR_ECE, "ece-region", "ece-region", TRUE },
  { PM_FLAVOUR_ECE, "ece-region", "ece-region-2", FALSE },
};

static void
test_same_region (void)
{
  PmRegionCatalog *catalog = pm_region_catalog_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (same_rows); i++)
    {
      g_test_message ("same row %u: %s %s", i, same_rows[i].a, same_rows[i].b);
      g_assert_cmpint (pm_region_catalog_same_region (catalog, same_rows[i].flavour,
                                                      same_rows[i].a, same_rows[i].b), ==, same_rows[i].same);
    }
}

static JsonObject *
parse_object (const char *text,
              JsonNode  **root)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr(GError) error = NULL;

  *root = pm_json_parse_bytes (bytes, &error);
  g_assert_no_error (error);
  return json_node_get_object (*root);
}

static void
test_metadata (void)
{
  g_autoptr(JsonNode) seed_root = NULL;
  g_autoptr(JsonNode) azure_root = NULL;
  g_autoptr(JsonNode) bad_root = NULL;
  g_autoptr(PmRegion) seed = NULL;
  g_autoptr(PmRegion) azure = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *row;

  /* The seed's example: deprecated vpc_service_name only, plain region. */
  row = parse_object ("{\"availability_zones\":[{\"name\":\"eu-west-1a\",\"id\":\"euw1-az2\"},"
                      "{\"name\":\"eu-west-1b\",\"id\":\"euw1-az1\"}],"
                      "\"private_hosted_zone_domain_name\":\"private.eu-west-1.aws.elastic.cloud\","
                      "\"vpc_service_name\":\"com.amazonaws.vpce.eu-west-1.vpce-svc-0197c33d7deffd2fa\","
                      "\"region\":\"eu-west-1\"}", &seed_root);
  seed = pm_region_new_from_metadata (row, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pm_region_get_flavour (seed), ==, PM_FLAVOUR_SERVERLESS);
  g_assert_cmpint (pm_region_get_provider (seed), ==, PM_PROVIDER_AWS);
  g_assert_cmpstr (pm_region_get_id (seed), ==, "eu-west-1");
  g_assert_cmpstr (pm_region_get_api_region (seed), ==, "aws-eu-west-1");
  g_assert_cmpstr (pm_region_get_service_name (seed), ==, "com.amazonaws.vpce.eu-west-1.vpce-svc-0197c33d7deffd2fa");
  g_assert_cmpstr (pm_region_get_private_zone (seed), ==, "private.eu-west-1.aws.elastic.cloud");
  g_assert_cmpstr (pm_region_get_availability_zone_ids (seed)[1], ==, "euw1-az1");
  g_assert_cmpstr (pm_region_get_availability_zone_names (seed)[1], ==, "eu-west-1b");
  g_assert_cmpstr (pm_region_get_endpoint_host_format (seed), ==, "{alias}.{product}.private.eu-west-1.aws.elastic.cloud");
  g_assert_cmpuint (pm_region_get_ports (seed)->len, ==, 1);

  /* private_service_name wins; csp and a prefixed region. */
  row = parse_object ("{\"region\":\"azure-eastus2\",\"csp\":\"azure\","
                      "\"vpc_service_name\":\"old\","
                      "\"private_service_name\":\"eastus2-x.privatelinkservice\","
                      "\"private_hosted_zone_domain_name\":\"private.eastus2.azure.elastic.cloud\","
                      "\"availability_zones\":[]}", &azure_root);
  azure = pm_region_new_from_metadata (row, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pm_region_get_provider (azure), ==, PM_PROVIDER_AZURE);
  g_assert_cmpstr (pm_region_get_id (azure), ==, "eastus2");
  g_assert_cmpstr (pm_region_get_service_name (azure), ==, "eastus2-x.privatelinkservice");

  row = parse_object ("{\"region\":\"eu-west-1\",\"vpc_service_name\":\"x\"}", &bad_root);
  g_assert_null (pm_region_new_from_metadata (row, &error));
  g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "private_hosted_zone_domain_name"));
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
test_merge_metadata (void)
{
  g_autoptr(GBytes) bytes = resource_bytes ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PmRegionCatalog) catalog = pm_region_catalog_new_from_bytes (bytes, &error);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) regions = NULL;
  GListModel *list;
  PmRegion *merged;
  guint before, changes = 0;

  g_assert_no_error (error);
  list = pm_region_catalog_list (catalog, PM_FLAVOUR_SERVERLESS, PM_PROVIDER_AWS);
  before = g_list_model_get_n_items (list);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  parse_object ("{\"regions\":[{\"region\":\"aws-eu-west-1\",\"csp\":\"aws\","
                "\"private_service_name\":\"com.amazonaws.vpce.eu-west-1.vpce-svc-live\","
                "\"private_hosted_zone_domain_name\":\"private.eu-west-1.aws.elastic.cloud\","
                "\"availability_zones\":[{\"name\":\"eu-west-1a\",\"id\":\"euw1-az2\"}]},"
                "{\"region\":\"aws-sa-east-1\",\"csp\":\"aws\","
                "\"private_service_name\":\"com.amazonaws.vpce.sa-east-1.vpce-svc-new\","
                "\"private_hosted_zone_domain_name\":\"private.sa-east-1.aws.elastic.cloud\","
                "\"availability_zones\":[]}]}", &root);
  regions = pm_json_read_metadata (root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (regions->len, ==, 2);

  pm_region_catalog_merge_metadata (catalog, PM_PROVIDER_AWS, regions);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, before + 1);
  merged = pm_region_catalog_lookup (catalog, PM_FLAVOUR_SERVERLESS, PM_PROVIDER_AWS, "eu-west-1");
  g_assert_cmpstr (pm_region_get_service_name (merged), ==, "com.amazonaws.vpce.eu-west-1.vpce-svc-live");
  /* The table's display name survives. */
  g_assert_cmpstr (pm_region_get_name (merged), ==, "Europe (Ireland)");
  g_assert_nonnull (pm_region_catalog_lookup (catalog, PM_FLAVOUR_SERVERLESS, PM_PROVIDER_AWS, "aws-sa-east-1"));
  /* The shared catalog is untouched. */
  merged = pm_region_catalog_lookup (pm_region_catalog_get_default (), PM_FLAVOUR_SERVERLESS, PM_PROVIDER_AWS, "eu-west-1");
  g_assert_cmpstr (pm_region_get_service_name (merged), !=, "com.amazonaws.vpce.eu-west-1.vpce-svc-live");
}

static void
test_bad_tables (void)
{
  static const char * const bad[] = {
    "",
    "not json",
    "[]",
    "{}",
    "{\"hosted\":{\"aws\":[{\"name\":\"no region\"}]},\"serverless\":{}}",
    "{\"hosted\":{\"aws\":{}},\"serverless\":{}}",
    "{\"hosted\":{\"aws\":[{\"region\":\"x\",\"ports\":[\"443\"]}]},\"serverless\":{}}",
    "{\"hosted\":{\"aws\":[{\"region\":\"x\",\"service_name\":7}]},\"serverless\":{}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (bad[i], strlen (bad[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(PmRegionCatalog) catalog = pm_region_catalog_new_from_bytes (bytes, &error);

      g_test_message ("bad table %u", i);
      g_assert_null (catalog);
      g_assert_error (error, PM_JSON_ERROR, (i < 2 ? PM_JSON_ERROR_PARSE : PM_JSON_ERROR_SHAPE));
    }
}

static gpointer
get_default_thread (gpointer data)
{
  return pm_region_catalog_get_default ();
}

static void
test_default_is_shared (void)
{
  GThread *threads[4];
  PmRegionCatalog *first = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("catalog", get_default_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      PmRegionCatalog *catalog = g_thread_join (threads[i]);

      if (first == NULL)
        first = catalog;
      g_assert_true (catalog == first);
    }
  g_assert_true (first == pm_region_catalog_get_default ());
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Threads first, before anything has loaded the catalog. */
  g_test_add_func ("/regions/default-is-shared", test_default_is_shared);
  g_test_add_func ("/regions/resource-is-verbatim", test_resource_is_verbatim);
  g_test_add_func ("/regions/every-region", test_every_region);
  g_test_add_func ("/regions/lookups", test_lookups);
  g_test_add_func ("/regions/same-region", test_same_region);
  g_test_add_func ("/regions/metadata", test_metadata);
  g_test_add_func ("/regions/merge-metadata", test_merge_metadata);
  g_test_add_func ("/regions/bad-tables", test_bad_tables);

  return g_test_run ();
}
