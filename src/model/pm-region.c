/* pm-region.c: one provider region's private connectivity details
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pm-enum-types.h"
#include "pm-json.h"
#include "pm-model-private.h"
#include "pm-region.h"

struct _PmRegion
{
  GObject parent_instance;

  PmFlavour flavour;
  PmProvider provider;
  char *id;
  char *api_region;
  char *name;
  char *service_name;
  char *private_zone;
  char *endpoint_host_format;
  GStrv az_ids;
  GStrv az_names;
  GArray *ports;
  JsonObject *json;
};

G_DEFINE_FINAL_TYPE (PmRegion, pm_region, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FLAVOUR,
  PROP_PROVIDER,
  PROP_ID,
  PROP_API_REGION,
  PROP_NAME,
  PROP_SERVICE_NAME,
  PROP_PRIVATE_ZONE,
  PROP_ENDPOINT_HOST_FORMAT,
  PROP_PORTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pm_region_finalize (GObject *object)
{
  PmRegion *self = PM_REGION (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->api_region, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->service_name, g_free);
  g_clear_pointer (&self->private_zone, g_free);
  g_clear_pointer (&self->endpoint_host_format, g_free);
  g_clear_pointer (&self->az_ids, g_strfreev);
  g_clear_pointer (&self->az_names, g_strfreev);
  g_clear_pointer (&self->ports, g_array_unref);
  g_clear_pointer (&self->json, json_object_unref);

  G_OBJECT_CLASS (pm_region_parent_class)->finalize (object);
}

static char *
dup_ports_text (PmRegion *self)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < self->ports->len; i++)
    g_string_append_printf (text, "%s%u", i ? ", " : "", g_array_index (self->ports, guint, i));
  return g_string_free (text, FALSE);
}

static void
pm_region_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PmRegion *self = PM_REGION (object);

  switch (prop_id)
    {
    case PROP_FLAVOUR:
      g_value_set_enum (value, self->flavour);
      break;
    case PROP_PROVIDER:
      g_value_set_enum (value, self->provider);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_API_REGION:
      g_value_set_string (value, self->api_region);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_SERVICE_NAME:
      g_value_set_string (value, self->service_name);
      break;
    case PROP_PRIVATE_ZONE:
      g_value_set_string (value, self->private_zone);
      break;
    case PROP_ENDPOINT_HOST_FORMAT:
      g_value_set_string (value, self->endpoint_host_format);
      break;
    case PROP_PORTS:
      g_value_take_string (value, dup_ports_text (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_region_class_init (PmRegionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pm_region_finalize;
  object_class->get_property = pm_region_get_property;

  properties[PROP_FLAVOUR] =
    g_param_spec_enum ("flavour", NULL, NULL, PM_TYPE_FLAVOUR, PM_FLAVOUR_HOSTED, ro);
  properties[PROP_PROVIDER] =
    g_param_spec_enum ("provider", NULL, NULL, PM_TYPE_PROVIDER, PM_PROVIDER_NONE, ro);
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, ro);
  properties[PROP_API_REGION] = g_param_spec_string ("api-region", NULL, NULL, NULL, ro);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_SERVICE_NAME] = g_param_spec_string ("service-name", NULL, NULL, NULL, ro);
  properties[PROP_PRIVATE_ZONE] = g_param_spec_string ("private-zone", NULL, NULL, NULL, ro);
  properties[PROP_ENDPOINT_HOST_FORMAT] =
    g_param_spec_string ("endpoint-host-format", NULL, NULL, NULL, ro);
  /* The ports as text, "443, 9243", for display. */
  properties[PROP_PORTS] = g_param_spec_string ("ports", NULL, NULL, NULL, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_region_init (PmRegion *self)
{
  self->ports = g_array_new (FALSE, FALSE, sizeof (guint));
}

/* Reading rows: a missing optional member is NULL, a member of the wrong
 * type is an error that names it. */
static gboolean
get_string (JsonObject  *row,
            const char  *member,
            gboolean     required,
            const char **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (row, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("Region field “%s” is missing"), member);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("Region field “%s” must be a string"), member);
      return FALSE;
    }
  *out = json_node_get_string (node);
  if (required && **out == '\0')
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("Region field “%s” is empty"), member);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_first_string (JsonObject         *row,
                  const char * const *members,
                  const char        **out,
                  GError            **error)
{
  for (guint i = 0; members[i] != NULL; i++)
    {
      if (!get_string (row, members[i], FALSE, out, error))
        return FALSE;
      if (*out != NULL)
        return TRUE;
    }
  return TRUE;
}

static gboolean
read_zones (PmRegion   *self,
            JsonObject *row,
            GError    **error)
{
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (row, "availability_zones");

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          const char *id, *name;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                           _("Region field “availability_zones[%u]” must be an object"), i);
              return FALSE;
            }
          if (!get_string (json_node_get_object (element), "id", TRUE, &id, error) ||
              !get_string (json_node_get_object (element), "name", FALSE, &name, error))
            {
              g_prefix_error (error, "availability_zones[%u]: ", i);
              return FALSE;
            }
          g_strv_builder_add (ids, id);
          g_strv_builder_add (names, name ? name : "");
        }
    }
  else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("Region field “%s” must be an array"), "availability_zones");
      return FALSE;
    }
  else if ((node = json_object_get_member (row, "availability_zone_ids")) != NULL &&
           JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (json_node_get_value_type (element) != G_TYPE_STRING)
            {
              g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                           _("Region field “availability_zone_ids[%u]” must be a string"), i);
              return FALSE;
            }
          g_strv_builder_add (ids, json_node_get_string (element));
          g_strv_builder_add (names, "");
        }
    }

  self->az_ids = g_strv_builder_end (ids);
  self->az_names = g_strv_builder_end (names);
  return TRUE;
}

static gboolean
read_ports (PmRegion   *self,
            JsonObject *row,
            GError    **error)
{
  JsonNode *node = json_object_get_member (row, "ports");
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      /* Hosted answers on 443 and 9243, Serverless on 443 only. */
      guint defaults[] = { 443, 9243 };
      g_array_append_vals (self->ports, defaults, self->flavour == PM_FLAVOUR_SERVERLESS ? 1 : 2);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("Region field “%s” must be an array"), "ports");
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      gint64 port;

      if (json_node_get_value_type (element) != G_TYPE_INT64 ||
          (port = json_node_get_int (element)) < 1 || port > 65535)
        {
          g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                       _("Region field “ports[%u]” must be a port number"), i);
          return FALSE;
        }
      g_array_append_val (self->ports, (guint) { port });
    }
  return TRUE;
}

static char *
make_api_region (PmFlavour   flavour,
                 PmProvider  provider,
                 const char *id)
{
  /* Hosted spells AWS regions plainly and prefixes the others; Serverless
   * project region ids carry the provider in every case. */
  if (flavour != PM_FLAVOUR_SERVERLESS && provider == PM_PROVIDER_AWS)
    return g_strdup (id);
  if (provider == PM_PROVIDER_NONE)
    return g_strdup (id);
  return g_strdup_printf ("%s-%s", pm_provider_to_string (provider), id);
}

static void
finish (PmRegion   *self,
        const char *host_format)
{
  if (host_format != NULL)
    self->endpoint_host_format = g_strdup (host_format);
  else
    self->endpoint_host_format = g_strdup_printf ("{alias}.{product}.%s",
                                                  self->private_zone ? self->private_zone : "");
  self->api_region = make_api_region (self->flavour, self->provider, self->id);
  if (self->service_name == NULL)
    self->service_name = g_strdup ("");
  if (self->private_zone == NULL)
    self->private_zone = g_strdup ("");
}

PmRegion *
pm_region_new_from_json (JsonObject  *row,
                         PmFlavour    flavour,
                         PmProvider   provider,
                         GError     **error)
{
  static const char * const service_members[] = { "service_name", "alias", "service_attachment", NULL };
  static const char * const zone_members[] = { "private_hosted_zone", "private_dns_zone", "private_zone_dns_name", NULL };
  g_autoptr(PmRegion) self = NULL;
  const char *id, *name, *service, *zone, *host_format;

  g_return_val_if_fail (row != NULL, NULL);

  if (!get_string (row, "region", TRUE, &id, error) ||
      !get_string (row, "name", FALSE, &name, error) ||
      !get_first_string (row, service_members, &service, error) ||
      !get_first_string (row, zone_members, &zone, error) ||
      !get_string (row, "endpoint_host_format", FALSE, &host_format, error))
    return NULL;

  self = g_object_new (PM_TYPE_REGION, NULL);
  self->flavour = flavour;
  self->provider = provider;
  self->id = g_strdup (id);
  self->name = g_strdup (name ? name : id);
  self->service_name = g_strdup (service);
  self->private_zone = g_strdup (zone);
  if (!read_zones (self, row, error) || !read_ports (self, row, error))
    {
      g_prefix_error (error, "%s: ", id);
      return NULL;
    }
  finish (self, host_format);
  self->json = json_object_ref (row);
  return g_steal_pointer (&self);
}

static PmProvider
guess_provider_from_service (const char *service)
{
  if (g_str_has_prefix (service, "com.amazonaws."))
    return PM_PROVIDER_AWS;
  if (g_str_has_suffix (service, ".privatelinkservice"))
    return PM_PROVIDER_AZURE;
  if (g_str_has_prefix (service, "projects/"))
    return PM_PROVIDER_GCP;
  return PM_PROVIDER_AWS;
}

PmRegion *
pm_region_new_from_metadata (JsonObject  *row,
                             GError     **error)
{
  g_autoptr(PmRegion) self = NULL;
  const char *region, *csp, *service, *zone;
  PmProvider provider = PM_PROVIDER_NONE;
  static const PmProvider prefixed[] = { PM_PROVIDER_AWS, PM_PROVIDER_AZURE, PM_PROVIDER_GCP };

  g_return_val_if_fail (row != NULL, NULL);

  if (!get_string (row, "region", TRUE, &region, error) ||
      !get_string (row, "csp", FALSE, &csp, error) ||
      !get_string (row, "private_service_name", FALSE, &service, error) ||
      (service == NULL && !get_string (row, "vpc_service_name", TRUE, &service, error)) ||
      !get_string (row, "private_hosted_zone_domain_name", TRUE, &zone, error))
    return NULL;

  if (csp != NULL && !pm_provider_from_string (csp, &provider))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("Region field “csp” names an unknown provider “%s”"), csp);
      return NULL;
    }

  /* The region may arrive as "eu-west-1" or "aws-eu-west-1". */
  for (guint i = 0; i < G_N_ELEMENTS (prefixed); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("%s-", pm_provider_to_string (prefixed[i]));

      if (g_str_has_prefix (region, prefix) && region[strlen (prefix)] != '\0' &&
          (provider == PM_PROVIDER_NONE || provider == prefixed[i]))
        {
          provider = prefixed[i];
          region += strlen (prefix);
          break;
        }
    }
  if (provider == PM_PROVIDER_NONE)
    provider = guess_provider_from_service (service);

  self = g_object_new (PM_TYPE_REGION, NULL);
  self->flavour = PM_FLAVOUR_SERVERLESS;
  self->provider = provider;
  self->id = g_strdup (region);
  self->name = g_strdup (region);
  self->service_name = g_strdup (service);
  self->private_zone = g_strdup (zone);
  if (!read_zones (self, row, error) || !read_ports (self, row, error))
    return NULL;
  finish (self, NULL);
  self->json = pm_json_object_deep_copy (row);
  return g_steal_pointer (&self);
}

void
pm_region_adopt_name (PmRegion   *self,
                      const char *name)
{
  g_return_if_fail (PM_IS_REGION (self));

  if (name == NULL || g_strcmp0 (self->name, self->id) != 0 || pm_set_string (&self->name, name) == FALSE)
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
pm_region_get_id (PmRegion *self)
{
  g_return_val_if_fail (PM_IS_REGION (self), NULL);
  return self->id;
}

const char *
pm_region_get_api_region (PmRegion *self)
{
  g_return_val_if_fail (PM_IS_REGION (self), NULL);
  return self->api_region;
}

const char *
pm_region_get_name (PmRegion *self)
{
  g_return_val_if_fail (PM_IS_REGION (self), NULL);
  return self->name;
}

PmFlavour
pm_region_get_flavour (PmRegion *self)
{
  g_return_val_if_fail (PM_IS_REGION (self), PM_FLAVOUR_HOSTED);
  return self->flavour;
}

PmProvider
pm_region_get_provider (PmRegion *self)
{
  g_return_val_if_fail (PM_IS_REGION (self), PM_PROVIDER_NONE);
  return self->provider;
}

const char *
pm_region_get_service_name (PmRegion *self)
{
  g_return_val_if_fail (PM_IS_REGION (self), NULL);
  return self->service_name;
}

const char *
pm_region_get_private_zone (PmRegion *self)
{
  g_return_val_if_fail (PM_IS_REGION (self), NULL);
  return self->private_zone;
}

const char *
pm_region_get_endpoint_host_format (PmRegion *self)
{
  g_return_val_if_fail (PM_IS_REGION (self), NULL);
  return self->endpoint_host_format;
}

const char * const *
pm_region_get_availability_zone_ids (PmRegion *self)
{
  g_return_val_if_fail (PM_IS_REGION (self), NULL);
  return (const char * const *) self->az_ids;
}

const char * const *
pm_region_get_availability_zone_names (PmRegion *self)
{
  g_return_val_if_fail (PM_IS_REGION (self), NULL);
  return (const char * const *) self->az_names;
}

const GArray *
pm_region_get_ports (PmRegion *self)
{
  g_return_val_if_fail (PM_IS_REGION (self), NULL);
  return self->ports;
}

char *
pm_region_format_endpoint_host (PmRegion   *self,
                                const char *alias,
                                const char *product)
{
  g_autoptr(GString) host = NULL;

  g_return_val_if_fail (PM_IS_REGION (self), NULL);

  host = g_string_new (self->endpoint_host_format);
  g_string_replace (host, "{alias}", alias ? alias : "", 0);
  g_string_replace (host, "{product}", product ? product : "es", 0);
  return g_string_free (g_steal_pointer (&host), FALSE);
}

JsonObject *
pm_region_get_json (PmRegion *self)
{
  g_return_val_if_fail (PM_IS_REGION (self), NULL);
  return self->json;
}
