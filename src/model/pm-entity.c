/* pm-entity.c: a deployment (Hosted/ECE) or a project (Serverless)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-entity.h"
#include "pm-enum-types.h"
#include "pm-model-private.h"

struct _PmEntity
{
  GObject parent_instance;

  char *id;
  char *name;
  PmEntityKind kind;
  char *entity_type;
  char *region;
  char *alias;
  char *etag;
  GStrv policy_ids;
  char *oddity;      /* what the server sent that Perimeter would not, or NULL */
  gboolean partial;  /* policy_ids is not the whole list the server holds */
};

G_DEFINE_FINAL_TYPE (PmEntity, pm_entity, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_KIND,
  PROP_ENTITY_TYPE,
  PROP_REGION,
  PROP_ALIAS,
  PROP_ETAG,
  PROP_N_POLICIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pm_entity_finalize (GObject *object)
{
  PmEntity *self = PM_ENTITY (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->entity_type, g_free);
  g_clear_pointer (&self->region, g_free);
  g_clear_pointer (&self->alias, g_free);
  g_clear_pointer (&self->etag, g_free);
  g_clear_pointer (&self->policy_ids, g_strfreev);
  g_clear_pointer (&self->oddity, g_free);

  G_OBJECT_CLASS (pm_entity_parent_class)->finalize (object);
}

static void
pm_entity_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PmEntity *self = PM_ENTITY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;
    case PROP_ENTITY_TYPE:
      g_value_set_string (value, self->entity_type);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_ALIAS:
      g_value_set_string (value, self->alias);
      break;
    case PROP_ETAG:
      g_value_set_string (value, self->etag);
      break;
    case PROP_N_POLICIES:
      g_value_set_uint (value, g_strv_length (self->policy_ids));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_entity_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  PmEntity *self = PM_ENTITY (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_KIND:
      self->kind = g_value_get_enum (value);
      break;
    case PROP_ENTITY_TYPE:
      self->entity_type = g_value_dup_string (value);
      break;
    case PROP_REGION:
      self->region = g_value_dup_string (value);
      break;
    case PROP_ALIAS:
      pm_entity_set_alias (self, g_value_get_string (value));
      break;
    case PROP_ETAG:
      pm_entity_set_etag (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_entity_class_init (PmEntityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pm_entity_finalize;
  object_class->get_property = pm_entity_get_property;
  object_class->set_property = pm_entity_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, construct);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, construct);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, PM_TYPE_ENTITY_KIND, PM_ENTITY_KIND_DEPLOYMENT, construct);
  properties[PROP_ENTITY_TYPE] = g_param_spec_string ("entity-type", NULL, NULL, NULL, construct);
  properties[PROP_REGION] = g_param_spec_string ("region", NULL, NULL, NULL, construct);
  properties[PROP_ALIAS] = g_param_spec_string ("alias", NULL, NULL, NULL, rw);
  properties[PROP_ETAG] = g_param_spec_string ("etag", NULL, NULL, NULL, rw);
  properties[PROP_N_POLICIES] =
    g_param_spec_uint ("n-policies", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_entity_init (PmEntity *self)
{
  self->policy_ids = g_new0 (char *, 1);
}

PmEntity *
pm_entity_new (PmEntityKind  kind,
               const char   *entity_type,
               const char   *id,
               const char   *name,
               const char   *region)
{
  return g_object_new (PM_TYPE_ENTITY,
                       "kind", kind,
                       "entity-type", entity_type,
                       "id", id,
                       "name", name,
                       "region", region,
                       NULL);
}

PmEntity *
pm_entity_copy (PmEntity *self)
{
  PmEntity *copy;

  g_return_val_if_fail (PM_IS_ENTITY (self), NULL);

  copy = pm_entity_new (self->kind, self->entity_type, self->id, self->name, self->region);
  copy->alias = g_strdup (self->alias);
  copy->etag = g_strdup (self->etag);
  g_strfreev (copy->policy_ids);
  copy->policy_ids = g_strdupv (self->policy_ids);
  copy->oddity = g_strdup (self->oddity);
  copy->partial = self->partial;
  return copy;
}

gboolean
pm_entity_equal (PmEntity *a,
                 PmEntity *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return a->kind == b->kind &&
         g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->entity_type, b->entity_type) == 0 &&
         g_strcmp0 (a->region, b->region) == 0 &&
         g_strcmp0 (a->alias, b->alias) == 0 &&
         g_strcmp0 (a->etag, b->etag) == 0 &&
         g_strcmp0 (a->oddity, b->oddity) == 0 &&
         a->partial == b->partial &&
         g_strv_equal ((const char * const *) a->policy_ids, (const char * const *) b->policy_ids);
}

const char *
pm_entity_get_id (PmEntity *self)
{
  g_return_val_if_fail (PM_IS_ENTITY (self), NULL);
  return self->id;
}

const char *
pm_entity_get_name (PmEntity *self)
{
  g_return_val_if_fail (PM_IS_ENTITY (self), NULL);
  return self->name;
}

PmEntityKind
pm_entity_get_kind (PmEntity *self)
{
  g_return_val_if_fail (PM_IS_ENTITY (self), PM_ENTITY_KIND_DEPLOYMENT);
  return self->kind;
}

const char *
pm_entity_get_entity_type (PmEntity *self)
{
  g_return_val_if_fail (PM_IS_ENTITY (self), NULL);
  return self->entity_type;
}

const char *
pm_entity_get_region (PmEntity *self)
{
  g_return_val_if_fail (PM_IS_ENTITY (self), NULL);
  return self->region;
}

const char *
pm_entity_get_alias (PmEntity *self)
{
  g_return_val_if_fail (PM_IS_ENTITY (self), NULL);
  return self->alias;
}

void
pm_entity_set_alias (PmEntity   *self,
                     const char *alias)
{
  g_return_if_fail (PM_IS_ENTITY (self));

  if (pm_set_string (&self->alias, alias))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALIAS]);
}

const char *
pm_entity_get_etag (PmEntity *self)
{
  g_return_val_if_fail (PM_IS_ENTITY (self), NULL);
  return self->etag;
}

void
pm_entity_set_etag (PmEntity   *self,
                    const char *etag)
{
  g_return_if_fail (PM_IS_ENTITY (self));

  if (pm_set_string (&self->etag, etag))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ETAG]);
}

const char * const *
pm_entity_get_policy_ids (PmEntity *self)
{
  g_return_val_if_fail (PM_IS_ENTITY (self), NULL);
  return (const char * const *) self->policy_ids;
}

void
pm_entity_set_policy_ids (PmEntity           *self,
                          const char * const *ids)
{
  static const char * const none[] = { NULL };
  guint old_n;

  g_return_if_fail (PM_IS_ENTITY (self));

  if (ids == NULL)
    ids = none;
  if (g_strv_equal ((const char * const *) self->policy_ids, ids))
    return;
  old_n = g_strv_length (self->policy_ids);
  g_strfreev (self->policy_ids);
  self->policy_ids = g_strdupv ((char **) ids);
  if (old_n != g_strv_length (self->policy_ids))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_POLICIES]);
}

const char *
pm_entity_get_oddity (PmEntity *self)
{
  g_return_val_if_fail (PM_IS_ENTITY (self), NULL);

  return self->oddity;
}

void
pm_entity_set_oddity (PmEntity   *self,
                      const char *oddity)
{
  g_return_if_fail (PM_IS_ENTITY (self));

  pm_set_string (&self->oddity, oddity);
}

gboolean
pm_entity_get_policy_ids_partial (PmEntity *self)
{
  g_return_val_if_fail (PM_IS_ENTITY (self), FALSE);

  return self->partial;
}

void
pm_entity_set_policy_ids_partial (PmEntity *self,
                                  gboolean  partial)
{
  g_return_if_fail (PM_IS_ENTITY (self));

  self->partial = !!partial;
}
