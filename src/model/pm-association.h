#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PM_TYPE_ASSOCIATION (pm_association_get_type ())
G_DECLARE_FINAL_TYPE (PmAssociation, pm_association, PM, ASSOCIATION, GObject)

/* A policy applied to an entity: Hosted/ECE FilterAssociation
 * {entity_type: "deployment"|"cluster", id}, or a Serverless project
 * (entity_type "elasticsearch"|"observability"|"security"). */
PmAssociation *pm_association_new             (const char    *entity_type,
                                               const char    *entity_id);
const char    *pm_association_get_entity_type (PmAssociation *self);
const char    *pm_association_get_entity_id   (PmAssociation *self);
gboolean       pm_association_equal           (PmAssociation *a,
                                               PmAssociation *b);

G_END_DECLS
