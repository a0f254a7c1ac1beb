/* pm-association.c: a policy applied to a deployment or project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-association.h"

struct _PmAssociation
{
  GObject parent_instance;

  char *entity_type;
  char *entity_id;
};

G_DEFINE_FINAL_TYPE (PmAssociation, pm_association, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENTITY_TYPE,
  PROP_ENTITY_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pm_association_finalize (GObject *object)
{
  PmAssociation *self = PM_ASSOCIATION (object);

  g_clear_pointer (&self->entity_type, g_free);
  g_clear_pointer (&self->entity_id, g_free);

  G_OBJECT_CLASS (pm_association_parent_class)->finalize (object);
}

static void
pm_association_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PmAssociation *self = PM_ASSOCIATION (object);

  switch (prop_id)
    {
    case PROP_ENTITY_TYPE:
      g_value_set_string (value, self->entity_type);
      break;
    case PROP_ENTITY_ID:
      g_value_set_string (value, self->entity_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_association_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PmAssociation *self = PM_ASSOCIATION (object);

  switch (prop_id)
    {
    case PROP_ENTITY_TYPE:
      self->entity_type = g_value_dup_string (value);
      break;
    case PROP_ENTITY_ID:
      self->entity_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_association_class_init (PmAssociationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pm_association_finalize;
  object_class->get_property = pm_association_get_property;
  object_class->set_property = pm_association_set_property;

  properties[PROP_ENTITY_TYPE] =
    g_param_spec_string ("entity-type", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENTITY_ID] =
    g_param_spec_string ("entity-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_association_init (PmAssociation *self)
{
}

PmAssociation *
pm_association_new (const char *entity_type,
                    const char *entity_id)
{
  return g_object_new (PM_TYPE_ASSOCIATION,
                       "entity-type", entity_type,
                       "entity-id", entity_id,
                       NULL);
}

const char *
pm_association_get_entity_type (PmAssociation *self)
{
  g_return_val_if_fail (PM_IS_ASSOCIATION (self), NULL);

  return self->entity_type;
}

const char *
pm_association_get_entity_id (PmAssociation *self)
{
  g_return_val_if_fail (PM_IS_ASSOCIATION (self), NULL);

  return self->entity_id;
}

gboolean
pm_association_equal (PmAssociation *a,
                      PmAssociation *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return g_strcmp0 (a->entity_type, b->entity_type) == 0 &&
         g_strcmp0 (a->entity_id, b->entity_id) == 0;
}
