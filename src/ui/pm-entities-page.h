/* pm-entities-page.h: deployments or projects, and the policies each holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-bulk-op.h"
#include "pm-session.h"

G_BEGIN_DECLS

#define PM_TYPE_ENTITIES_PAGE (pm_entities_page_get_type ())
G_DECLARE_FINAL_TYPE (PmEntitiesPage, pm_entities_page, PM, ENTITIES_PAGE, AdwBreakpointBin)

/* A list bound to the session's PmEntityStore (name, type, region, number
 * of policies); the selected one shows its policies, with "Apply policy…"
 * and Detach (the same operations as the policy editor, the other way).
 *
 * Actions: "entities.refresh", "entities.add-policy",
 * "entities.remove-policy" (s: policy id). */

PmEntitiesPage *pm_entities_page_new          (void);
void            pm_entities_page_set_session  (PmEntitiesPage *self,
                                               PmSession      *session);

/* The list as shown (sorted), for tests. */
GListModel     *pm_entities_page_get_model    (PmEntitiesPage *self);
/* The store holds items the list has not been told of yet. */
gboolean        pm_entities_page_get_pending  (PmEntitiesPage *self);
/* What the Policies column shows for @entity. */
guint           pm_entities_page_count_policies (PmEntitiesPage *self,
                                                 PmEntity       *entity);
/* Select an entity by id; FALSE when it is not in the list. */
gboolean        pm_entities_page_select       (PmEntitiesPage *self,
                                               const char     *id);
/* The selected entity's policies (GListModel of PmPolicy). */
GListModel     *pm_entities_page_get_policies (PmEntitiesPage *self);
/* Apply a policy to the selected entity (what the picker does). */
void            pm_entities_page_apply_policy (PmEntitiesPage *self,
                                               PmPolicy       *policy);

/* Several at once: the selected (a new array of new references); select
 * one more; apply or detach one policy on all the selected, with progress
 * in the page and a result for each (the running operation, a new
 * reference, or NULL when nothing is selected). */
GPtrArray      *pm_entities_page_dup_selected (PmEntitiesPage *self);
gboolean        pm_entities_page_select_also  (PmEntitiesPage *self,
                                               const char     *id);
PmBulkOp       *pm_entities_page_apply_to_selected (PmEntitiesPage *self,
                                                    PmPolicy       *policy,
                                                    gboolean        apply);

G_END_DECLS
