/* pm-region-catalog.c: the private connectivity region tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pm-data-resources.h"
#include "pm-json.h"
#include "pm-model-private.h"
#include "pm-region-catalog.h"

#define REGIONS_PATH PM_RESOURCE_PREFIX "/regions.json"

/* Tables are indexed by [table][provider]: table 0 hosted, 1 serverless. */
#define N_TABLES 2
#define N_PROVIDERS (PM_PROVIDER_GCP + 1)

struct _PmRegionCatalog
{
  GObject parent_instance;

  /* Lookups may come from worker threads; the stores are for the UI. */
  GMutex mutex;
  GPtrArray *rows[N_TABLES][N_PROVIDERS];
  GListStore *stores[N_TABLES][N_PROVIDERS];
  GListStore *empty;
};

G_DEFINE_FINAL_TYPE (PmRegionCatalog, pm_region_catalog, G_TYPE_OBJECT)

static void
pm_region_catalog_finalize (GObject *object)
{
  PmRegionCatalog *self = PM_REGION_CATALOG (object);

  for (guint t = 0; t < N_TABLES; t++)
    for (guint p = 0; p < N_PROVIDERS; p++)
      {
        g_clear_pointer (&self->rows[t][p], g_ptr_array_unref);
        g_clear_object (&self->stores[t][p]);
      }
  g_clear_object (&self->empty);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (pm_region_catalog_parent_class)->finalize (object);
}

static void
pm_region_catalog_class_init (PmRegionCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pm_region_catalog_finalize;
}

static void
pm_region_catalog_init (PmRegionCatalog *self)
{
  g_mutex_init (&self->mutex);
  for (guint t = 0; t < N_TABLES; t++)
    for (guint p = 0; p < N_PROVIDERS; p++)
      {
        self->rows[t][p] = g_ptr_array_new_with_free_func (g_object_unref);
        self->stores[t][p] = g_list_store_new (PM_TYPE_REGION);
      }
  self->empty = g_list_store_new (PM_TYPE_REGION);
}

static int
table_for_flavour (PmFlavour flavour)
{
  switch (flavour)
    {
    case PM_FLAVOUR_HOSTED:     return 0;
    case PM_FLAVOUR_SERVERLESS: return 1;
    case PM_FLAVOUR_ECE:
    default:                    return -1;
    }
}

static int
compare_by_name (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  PmRegion *ra = *(PmRegion **) a;
  PmRegion *rb = *(PmRegion **) b;
  int cmp = g_utf8_collate (pm_region_get_name (ra), pm_region_get_name (rb));

  return cmp != 0 ? cmp : strcmp (pm_region_get_id (ra), pm_region_get_id (rb));
}

static gboolean
load_table (PmRegionCatalog *self,
            JsonObject      *root,
            PmFlavour        flavour,
            GError         **error)
{
  const char *table_name = pm_flavour_to_string (flavour);
  int t = table_for_flavour (flavour);
  JsonNode *node = json_object_get_member (root, table_name);
  JsonObject *table;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("Region table “%s” is missing"), table_name);
      return FALSE;
    }
  table = json_node_get_object (node);

  for (PmProvider p = PM_PROVIDER_AWS; p <= PM_PROVIDER_GCP; p++)
    {
      const char *provider_name = pm_provider_to_string (p);
      JsonNode *rows = json_object_get_member (table, provider_name);
      JsonArray *array;

      if (rows == NULL || JSON_NODE_HOLDS_NULL (rows))
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (rows))
        {
          g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                       _("Region table “%s.%s” must be an array"), table_name, provider_name);
          return FALSE;
        }
      array = json_node_get_array (rows);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *row = json_array_get_element (array, i);
          PmRegion *region;

          if (!JSON_NODE_HOLDS_OBJECT (row))
            {
              g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                           _("Region table “%s.%s” has a row that is not an object"),
                           table_name, provider_name);
              return FALSE;
            }
          region = pm_region_new_from_json (json_node_get_object (row), flavour, p, error);
          if (region == NULL)
            {
              g_prefix_error (error, "%s.%s[%u]: ", table_name, provider_name, i);
              return FALSE;
            }
          g_ptr_array_add (self->rows[t][p], region);
        }
      g_ptr_array_sort_with_data (self->rows[t][p], (GCompareDataFunc) compare_by_name, NULL);
      g_list_store_splice (self->stores[t][p], 0, 0,
                           self->rows[t][p]->pdata, self->rows[t][p]->len);
    }
  return TRUE;
}

PmRegionCatalog *
pm_region_catalog_new_from_bytes (GBytes  *json,
                                  GError **error)
{
  g_autoptr(PmRegionCatalog) self = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  root = pm_json_parse_bytes (json, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("The region tables must be a JSON object"));
      return NULL;
    }

  self = g_object_new (PM_TYPE_REGION_CATALOG, NULL);
  if (!load_table (self, json_node_get_object (root), PM_FLAVOUR_HOSTED, error) ||
      !load_table (self, json_node_get_object (root), PM_FLAVOUR_SERVERLESS, error))
    return NULL;
  return g_steal_pointer (&self);
}

PmRegionCatalog *
pm_region_catalog_get_default (void)
{
  static PmRegionCatalog *catalog;

  if (g_once_init_enter (&catalog))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      PmRegionCatalog *loaded = NULL;

      /* Asked for explicitly: a constructor-registered resource in a static
       * library can be dropped by the linker. */
      bytes = g_resource_lookup_data (pm_data_get_resource (), REGIONS_PATH,
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      if (bytes != NULL)
        loaded = pm_region_catalog_new_from_bytes (bytes, &error);
      if (loaded == NULL)
        {
          g_critical ("Cannot load the region tables: %s", error->message);
          loaded = g_object_new (PM_TYPE_REGION_CATALOG, NULL);
        }
      g_once_init_leave (&catalog, loaded);
    }
  return catalog;
}

GListModel *
pm_region_catalog_list (PmRegionCatalog *self,
                        PmFlavour        flavour,
                        PmProvider       provider)
{
  int t;

  g_return_val_if_fail (PM_IS_REGION_CATALOG (self), NULL);

  t = table_for_flavour (flavour);
  if (t < 0 || provider <= PM_PROVIDER_NONE || provider > PM_PROVIDER_GCP)
    return G_LIST_MODEL (self->empty);
  return G_LIST_MODEL (self->stores[t][provider]);
}

/* "aws-us-east-1" → "us-east-1" when the prefix is the provider's. */
static const char *
strip_provider_prefix (const char *region,
                       PmProvider  provider)
{
  const char *name = pm_provider_to_string (provider);
  gsize len;

  if (name == NULL)
    return region;
  len = strlen (name);
  if (g_ascii_strncasecmp (region, name, len) == 0 && region[len] == '-' && region[len + 1] != '\0')
    return region + len + 1;
  return region;
}

static PmRegion *
lookup_locked (PmRegionCatalog *self,
               int              t,
               PmProvider       provider,
               const char      *region)
{
  GPtrArray *rows = self->rows[t][provider];
  const char *bare = strip_provider_prefix (region, provider);

  for (guint i = 0; i < rows->len; i++)
    {
      PmRegion *row = g_ptr_array_index (rows, i);

      if (g_ascii_strcasecmp (region, pm_region_get_api_region (row)) == 0 ||
          g_ascii_strcasecmp (region, pm_region_get_id (row)) == 0 ||
          g_ascii_strcasecmp (bare, pm_region_get_id (row)) == 0)
        return row;
    }
  return NULL;
}

PmRegion *
pm_region_catalog_lookup (PmRegionCatalog *self,
                          PmFlavour        flavour,
                          PmProvider       provider,
                          const char      *region)
{
  PmRegion *found;
  int t;

  g_return_val_if_fail (PM_IS_REGION_CATALOG (self), NULL);

  t = table_for_flavour (flavour);
  if (t < 0 || region == NULL || *region == '\0' ||
      provider <= PM_PROVIDER_NONE || provider > PM_PROVIDER_GCP)
    return NULL;

  g_mutex_lock (&self->mutex);
  found = lookup_locked (self, t, provider, region);
  g_mutex_unlock (&self->mutex);
  return found;
}

/* AWS region names: "us-east-1", "ap-southeast-2", "us-gov-east-1". */
static gboolean
looks_like_aws_region (const char *region)
{
  return g_regex_match_simple ("^[a-z]{2}(-gov)?-[a-z]+-[0-9]{1,2}$", region, G_REGEX_DOLLAR_ENDONLY, 0);
}

PmProvider
pm_region_catalog_guess_provider (PmRegionCatalog *self,
                                  PmFlavour        flavour,
                                  const char      *region)
{
  int t;

  g_return_val_if_fail (PM_IS_REGION_CATALOG (self), PM_PROVIDER_NONE);

  t = table_for_flavour (flavour);
  if (t < 0 || region == NULL || *region == '\0')
    return PM_PROVIDER_NONE;

  for (PmProvider p = PM_PROVIDER_AWS; p <= PM_PROVIDER_GCP; p++)
    if (strip_provider_prefix (region, p) != region)
      return p;
  for (PmProvider p = PM_PROVIDER_AWS; p <= PM_PROVIDER_GCP; p++)
    if (pm_region_catalog_lookup (self, flavour, p, region) != NULL)
      return p;
  if (looks_like_aws_region (region))
    return PM_PROVIDER_AWS;
  return PM_PROVIDER_NONE;
}

/* "provider:region" for Serverless, where "us-east-1" and "aws-us-east-1"
 * are the same region. */
static char *
canonical_serverless_region (PmRegionCatalog *self,
                             const char      *region)
{
  PmProvider provider = pm_region_catalog_guess_provider (self, PM_FLAVOUR_SERVERLESS, region);

  if (provider == PM_PROVIDER_NONE)
    return g_ascii_strdown (region, -1);
  return g_ascii_strdown (strip_provider_prefix (region, provider), -1);
}

gboolean
pm_region_catalog_same_region (PmRegionCatalog *self,
                               PmFlavour        flavour,
                               const char      *a,
                               const char      *b)
{
  g_autofree char *ca = NULL;
  g_autofree char *cb = NULL;
  PmProvider pa, pb;

  g_return_val_if_fail (PM_IS_REGION_CATALOG (self), FALSE);

  if (a == NULL || b == NULL || *a == '\0' || *b == '\0')
    return FALSE;
  if (flavour != PM_FLAVOUR_SERVERLESS)
    return g_ascii_strcasecmp (a, b) == 0;

  pa = pm_region_catalog_guess_provider (self, flavour, a);
  pb = pm_region_catalog_guess_provider (self, flavour, b);
  if (pa != pb)
    return FALSE;
  ca = canonical_serverless_region (self, a);
  cb = canonical_serverless_region (self, b);
  return strcmp (ca, cb) == 0;
}

void
pm_region_catalog_merge_metadata (PmRegionCatalog *self,
                                  PmProvider       provider,
                                  GPtrArray       *regions)
{
  const int t = table_for_flavour (PM_FLAVOUR_SERVERLESS);
  g_autoptr(GPtrArray) snapshot = NULL;
  GPtrArray *rows;

  g_return_if_fail (PM_IS_REGION_CATALOG (self));
  g_return_if_fail (provider > PM_PROVIDER_NONE && provider <= PM_PROVIDER_GCP);

  if (regions == NULL)
    return;

  g_mutex_lock (&self->mutex);
  rows = self->rows[t][provider];
  for (guint i = 0; i < regions->len; i++)
    {
      PmRegion *region = g_ptr_array_index (regions, i);
      PmRegion *old;
      guint index;

      if (!PM_IS_REGION (region) || pm_region_get_provider (region) != provider)
        continue;
      old = lookup_locked (self, t, provider, pm_region_get_id (region));
      if (old != NULL && g_ptr_array_find (rows, old, &index))
        {
          /* Metadata has no display names; keep the table's. */
          pm_region_adopt_name (region, pm_region_get_name (old));
          g_ptr_array_index (rows, index) = g_object_ref (region);
          g_object_unref (old);
        }
      else
        g_ptr_array_add (rows, g_object_ref (region));
    }
  g_ptr_array_sort_with_data (rows, (GCompareDataFunc) compare_by_name, NULL);
  snapshot = g_ptr_array_copy (rows, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  g_ptr_array_set_free_func (snapshot, g_object_unref);
  g_mutex_unlock (&self->mutex);

  /* Outside the lock: list views react to items-changed and may look up. */
  g_list_store_splice (self->stores[t][provider], 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->stores[t][provider])),
                       snapshot->pdata, snapshot->len);
}
