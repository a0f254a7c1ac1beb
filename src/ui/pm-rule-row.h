/* pm-rule-row.h: one rule of a policy in the editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-rule.h"

G_BEGIN_DECLS

#define PM_TYPE_RULE_ROW (pm_rule_row_get_type ())
G_DECLARE_FINAL_TYPE (PmRuleRow, pm_rule_row, PM, RULE_ROW, AdwBin)

/* Shows exactly the fields a policy type uses and writes them into the
 * rule as the user types. Buttons use the editor's actions
 * "editor.rule-up", "editor.rule-down", "editor.rule-remove" (uint index).
 *
 * Signals: "changed" (a field changed), "split-sources" (GStrv: more
 * sources were pasted into the source field; the first stays here). */

GtkWidget  *pm_rule_row_new           (PmRule       *rule,
                                       PmPolicyType  type,
                                       PmFlavour     flavour);
PmRule     *pm_rule_row_get_rule      (PmRuleRow    *self);
void        pm_rule_row_set_position  (PmRuleRow    *self,
                                       guint         index,
                                       guint         n_rules);
/* Messages from the policy's validation or the API, by the API's field
 * name ("source", "egress_rule.target", "azure_endpoint_guid", …). */
void        pm_rule_row_clear_issues  (PmRuleRow    *self);
void        pm_rule_row_set_issue     (PmRuleRow    *self,
                                       const char   *field,
                                       const char   *message);
/* Problems only the row knows (text that cannot be stored in the rule,
 * such as unparsable ports); NULL when none. */
const char *pm_rule_row_get_local_problem (PmRuleRow *self);
/* Narrow (the editor's breakpoint): a field's message over the button
 * that fixes the field ("Use 198.51.100.0/24"), not beside it. */
void        pm_rule_row_set_narrow    (PmRuleRow    *self,
                                       gboolean      narrow);
/* The entry for an API field name, for tests and focus. */
GtkWidget  *pm_rule_row_get_field     (PmRuleRow    *self,
                                       const char   *field);

G_END_DECLS
