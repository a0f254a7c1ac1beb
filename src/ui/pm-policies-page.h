/* pm-policies-page.h: every policy of the account, searchable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-bulk-op.h"
#include "pm-policy-editor.h"
#include "pm-session.h"

G_BEGIN_DECLS

#define PM_TYPE_POLICIES_PAGE (pm_policies_page_get_type ())
G_DECLARE_FINAL_TYPE (PmPoliciesPage, pm_policies_page, PM, POLICIES_PAGE, AdwBreakpointBin)

/* A column view over the session's PmPolicyStore (filtered and sorted, rows
 * updated in place), with search, type and region filters, and the editor.
 *
 * Actions on the page: "policies.new" (Ctrl+N), "policies.search" (Ctrl+F),
 * "policies.refresh", "policies.edit" (s: id), "policies.delete" (s: id);
 * "page.new-policy" and "page.search" do the same for the window. */

PmPoliciesPage *pm_policies_page_new             (void);
void            pm_policies_page_set_session     (PmPoliciesPage *self,
                                                  PmSession      *session);
PmSession      *pm_policies_page_get_session     (PmPoliciesPage *self);

/* What the view shows (filtered and sorted), for tests and a11y. */
GListModel     *pm_policies_page_get_model       (PmPoliciesPage *self);
/* The store holds policies the list has not been told of yet (a large
 * first load reaches it over a few frames). */
gboolean        pm_policies_page_get_pending     (PmPoliciesPage *self);
/* "loading", "error", "empty", "no-results" or "list". */
const char     *pm_policies_page_get_state       (PmPoliciesPage *self);
void            pm_policies_page_set_search_text (PmPoliciesPage *self,
                                                  const char     *text);
/* PM_POLICY_TYPE_UNKNOWN: every type. */
void            pm_policies_page_set_type_filter (PmPoliciesPage *self,
                                                  PmPolicyType    type);
/* NULL: every region. */
void            pm_policies_page_set_region_filter (PmPoliciesPage *self,
                                                    const char     *region);
/* Sort by a column: "name", "type", "region", "rules", "default", "associated". */
void            pm_policies_page_sort_by         (PmPoliciesPage *self,
                                                  const char     *column,
                                                  GtkSortType     order);
/* Open the editor on a policy (NULL: a new one) and return it. */
PmPolicyEditor *pm_policies_page_open_editor     (PmPoliciesPage *self,
                                                  PmPolicy       *policy);
/* The open editor, or NULL. */
PmPolicyEditor *pm_policies_page_get_editor      (PmPoliciesPage *self);

/* Several policies at once: the selected ones (a new array of new
 * references); select one more (extend) or only this one; apply or detach
 * all of them on one resource, with progress in the page and a result for
 * each (returns the running operation, a new reference, or NULL when
 * nothing is selected). */
GPtrArray      *pm_policies_page_dup_selected    (PmPoliciesPage *self);
gboolean        pm_policies_page_select          (PmPoliciesPage *self,
                                                  const char     *id,
                                                  gboolean        extend);
PmBulkOp       *pm_policies_page_apply_selected  (PmPoliciesPage *self,
                                                  PmEntity       *entity,
                                                  gboolean        apply);

G_END_DECLS
