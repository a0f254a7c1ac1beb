/* pm-wizard-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-session.h"
#include "pm-connection-test.h"

G_BEGIN_DECLS

#define PM_TYPE_WIZARD_PAGE (pm_wizard_page_get_type ())
G_DECLARE_FINAL_TYPE (PmWizardPage, pm_wizard_page, PM, WIZARD_PAGE, AdwBin)

/* The private connection wizard: provider, region, what to create in the
 * cloud (values and commands), the endpoint's identity, the policy, the
 * association, the claim, a connection test and a summary.
 *
 * Actions (group "wizard"): next, back, provider (s: "aws", "azure", "gcp"),
 * region (s: provider region id), policy-mode (s: "new", "existing"),
 * existing-policy (s: policy id), toggle-entity (s: entity id), claim (b),
 * inter-region (b: Azure endpoint in another region), run-test, copy (s),
 * copy-summary.
 * Properties: "step" (0-based page), "busy", "problem" (why Next is
 * disabled, or the last failure). */

PmWizardPage *pm_wizard_page_new (void);
void pm_wizard_page_set_session (PmWizardPage *self, PmSession *session);

guint             pm_wizard_page_get_step            (PmWizardPage *self);
guint             pm_wizard_page_get_n_steps         (PmWizardPage *self);
gboolean          pm_wizard_page_get_busy            (PmWizardPage *self);
const char       *pm_wizard_page_get_problem         (PmWizardPage *self);
/* The record of the whole setup shown on the last page. */
char             *pm_wizard_page_dup_summary         (PmWizardPage *self);
/* An entry by its field name ("vpc_id", "subnet_ids", "security_group",
 * "resource_group", "vnet", "subnet", "endpoint_name", "endpoint_ip",
 * "project", "network", "address", "endpoint_location", "vpce",
 * "azure_name", "azure_guid", "psc", "policy_name", "policy_description",
 * "test_host", …), for tests and assistive tools. */
GtkEditable      *pm_wizard_page_get_field           (PmWizardPage *self,
                                                      const char   *name);
/* The connection test the page runs (a test may give it a resolver). */
PmConnectionTest *pm_wizard_page_get_connection_test (PmWizardPage *self);

G_END_DECLS
