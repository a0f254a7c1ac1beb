/* pm-link-claim.c: a claimed private connection ID
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-enum-types.h"
#include "pm-link-claim.h"

struct _PmLinkClaim
{
  GObject parent_instance;

  char *region;
  char *link_id;
  char *azure_endpoint_name;
  char *azure_endpoint_guid;
  char *oddity;
};

G_DEFINE_FINAL_TYPE (PmLinkClaim, pm_link_claim, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REGION,
  PROP_LINK_ID,
  PROP_AZURE_ENDPOINT_NAME,
  PROP_AZURE_ENDPOINT_GUID,
  PROP_PROVIDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pm_link_claim_finalize (GObject *object)
{
  PmLinkClaim *self = PM_LINK_CLAIM (object);

  g_clear_pointer (&self->region, g_free);
  g_clear_pointer (&self->link_id, g_free);
  g_clear_pointer (&self->azure_endpoint_name, g_free);
  g_clear_pointer (&self->azure_endpoint_guid, g_free);
  g_clear_pointer (&self->oddity, g_free);

  G_OBJECT_CLASS (pm_link_claim_parent_class)->finalize (object);
}

static void
pm_link_claim_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PmLinkClaim *self = PM_LINK_CLAIM (object);

  switch (prop_id)
    {
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_LINK_ID:
      g_value_set_string (value, self->link_id);
      break;
    case PROP_AZURE_ENDPOINT_NAME:
      g_value_set_string (value, self->azure_endpoint_name);
      break;
    case PROP_AZURE_ENDPOINT_GUID:
      g_value_set_string (value, self->azure_endpoint_guid);
      break;
    case PROP_PROVIDER:
      g_value_set_enum (value, pm_link_claim_get_provider (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_link_claim_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PmLinkClaim *self = PM_LINK_CLAIM (object);

  switch (prop_id)
    {
    case PROP_REGION:
      self->region = g_value_dup_string (value);
      break;
    case PROP_LINK_ID:
      self->link_id = g_value_dup_string (value);
      break;
    case PROP_AZURE_ENDPOINT_NAME:
      self->azure_endpoint_name = g_value_dup_string (value);
      break;
    case PROP_AZURE_ENDPOINT_GUID:
      self->azure_endpoint_guid = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_link_claim_class_init (PmLinkClaimClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pm_link_claim_finalize;
  object_class->get_property = pm_link_claim_get_property;
  object_class->set_property = pm_link_claim_set_property;

  properties[PROP_REGION] = g_param_spec_string ("region", NULL, NULL, NULL, construct);
  properties[PROP_LINK_ID] = g_param_spec_string ("link-id", NULL, NULL, NULL, construct);
  properties[PROP_AZURE_ENDPOINT_NAME] =
    g_param_spec_string ("azure-endpoint-name", NULL, NULL, NULL, construct);
  properties[PROP_AZURE_ENDPOINT_GUID] =
    g_param_spec_string ("azure-endpoint-guid", NULL, NULL, NULL, construct);
  properties[PROP_PROVIDER] =
    g_param_spec_enum ("provider", NULL, NULL, PM_TYPE_PROVIDER, PM_PROVIDER_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_link_claim_init (PmLinkClaim *self)
{
}

PmLinkClaim *
pm_link_claim_new_link_id (const char *region,
                           const char *link_id)
{
  return g_object_new (PM_TYPE_LINK_CLAIM,
                       "region", region,
                       "link-id", link_id,
                       NULL);
}

PmLinkClaim *
pm_link_claim_new_azure (const char *region,
                         const char *endpoint_name,
                         const char *endpoint_guid)
{
  return g_object_new (PM_TYPE_LINK_CLAIM,
                       "region", region,
                       "azure-endpoint-name", endpoint_name,
                       "azure-endpoint-guid", endpoint_guid,
                       NULL);
}

const char *
pm_link_claim_get_region (PmLinkClaim *self)
{
  g_return_val_if_fail (PM_IS_LINK_CLAIM (self), NULL);
  return self->region;
}

const char *
pm_link_claim_get_link_id (PmLinkClaim *self)
{
  g_return_val_if_fail (PM_IS_LINK_CLAIM (self), NULL);
  return self->link_id;
}

const char *
pm_link_claim_get_azure_endpoint_name (PmLinkClaim *self)
{
  g_return_val_if_fail (PM_IS_LINK_CLAIM (self), NULL);
  return self->azure_endpoint_name;
}

const char *
pm_link_claim_get_azure_endpoint_guid (PmLinkClaim *self)
{
  g_return_val_if_fail (PM_IS_LINK_CLAIM (self), NULL);
  return self->azure_endpoint_guid;
}

static gboolean
is_decimal (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (; *text; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

PmProvider
pm_link_claim_get_provider (PmLinkClaim *self)
{
  g_return_val_if_fail (PM_IS_LINK_CLAIM (self), PM_PROVIDER_NONE);

  if (self->azure_endpoint_name != NULL || self->azure_endpoint_guid != NULL ||
      (self->region != NULL && g_str_has_prefix (self->region, "azure-")))
    return PM_PROVIDER_AZURE;
  if (self->region != NULL && g_str_has_prefix (self->region, "gcp-"))
    return PM_PROVIDER_GCP;
  if (self->link_id == NULL)
    return PM_PROVIDER_NONE;
  /* AWS endpoint ids are "vpce-…"; GCP PSC connection ids are numbers. */
  if (is_decimal (self->link_id))
    return PM_PROVIDER_GCP;
  return PM_PROVIDER_AWS;
}

gboolean
pm_link_claim_equal (PmLinkClaim *a,
                     PmLinkClaim *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return g_strcmp0 (a->region, b->region) == 0 &&
         g_strcmp0 (a->link_id, b->link_id) == 0 &&
         g_strcmp0 (a->azure_endpoint_name, b->azure_endpoint_name) == 0 &&
         g_strcmp0 (a->azure_endpoint_guid, b->azure_endpoint_guid) == 0;
}

char *
pm_link_claim_dup_display_id (PmLinkClaim *self)
{
  g_return_val_if_fail (PM_IS_LINK_CLAIM (self), NULL);

  if (self->link_id != NULL)
    return g_strdup (self->link_id);
  return g_strdup_printf ("%s (%s)",
                          self->azure_endpoint_name ? self->azure_endpoint_name : "",
                          self->azure_endpoint_guid ? self->azure_endpoint_guid : "");
}

const char *
pm_link_claim_get_oddity (PmLinkClaim *self)
{
  g_return_val_if_fail (PM_IS_LINK_CLAIM (self), NULL);

  return self->oddity;
}

void
pm_link_claim_set_oddity (PmLinkClaim *self,
                          const char  *oddity)
{
  g_return_if_fail (PM_IS_LINK_CLAIM (self));

  g_free (self->oddity);
  self->oddity = g_strdup (oddity);
}
