#pragma once

#include <glib-object.h>

#include "pm-enums.h"

G_BEGIN_DECLS

#define PM_TYPE_ENTITY (pm_entity_get_type ())
G_DECLARE_FINAL_TYPE (PmEntity, pm_entity, PM, ENTITY, GObject)

/* A Hosted/ECE deployment or a Serverless project.
 *
 * Properties: "id", "name", "kind" (PmEntityKind), "entity-type"
 * ("deployment", or the project type "elasticsearch", "observability",
 * "security"), "region" (as its policies spell it: Hosted "us-east-1",
 * "azure-eastus2", "gcp-us-central1"; Serverless "aws-us-east-1" …),
 * "alias" (for private host names), "etag" (Serverless projects),
 * "n-policies". */

PmEntity     *pm_entity_new                 (PmEntityKind  kind,
                                             const char   *entity_type,
                                             const char   *id,
                                             const char   *name,
                                             const char   *region);
PmEntity     *pm_entity_copy                (PmEntity     *self);
gboolean      pm_entity_equal               (PmEntity     *a,
                                             PmEntity     *b);

const char   *pm_entity_get_id              (PmEntity     *self);
const char   *pm_entity_get_name            (PmEntity     *self);
PmEntityKind  pm_entity_get_kind            (PmEntity     *self);
const char   *pm_entity_get_entity_type     (PmEntity     *self);
const char   *pm_entity_get_region          (PmEntity     *self);
const char   *pm_entity_get_alias           (PmEntity     *self);
void          pm_entity_set_alias           (PmEntity     *self,
                                             const char   *alias);
const char   *pm_entity_get_etag            (PmEntity     *self);
void          pm_entity_set_etag            (PmEntity     *self,
                                             const char   *etag);

/* Ids of the policies applied to it: a Serverless project's traffic_filters;
 * for deployments whatever the client learnt (may be empty). */
const char * const *pm_entity_get_policy_ids (PmEntity    *self);
void          pm_entity_set_policy_ids      (PmEntity     *self,
                                             const char * const *ids);

/* Lenient in: what the server sent of this deployment or project that
 * Perimeter would not send itself, in words, or NULL. A project whose
 * policy list did not read whole ("traffic_filters") has one, and its
 * associations are not changed from Perimeter: a PATCH of the list would
 * lose what could not be read. */
const char   *pm_entity_get_oddity          (PmEntity     *self);
void          pm_entity_set_oddity          (PmEntity     *self,
                                             const char   *oddity);
gboolean      pm_entity_get_policy_ids_partial (PmEntity  *self);
void          pm_entity_set_policy_ids_partial (PmEntity  *self,
                                                gboolean   partial);

G_END_DECLS
