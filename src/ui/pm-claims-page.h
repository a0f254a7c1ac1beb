/* pm-claims-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-session.h"

G_BEGIN_DECLS

#define PM_TYPE_CLAIMS_PAGE (pm_claims_page_get_type ())
G_DECLARE_FINAL_TYPE (PmClaimsPage, pm_claims_page, PM, CLAIMS_PAGE, AdwBin)

/* The private connection IDs the organization has claimed (Hosted only):
 * a list bound to the session's PmClaimStore with the policies that use
 * each ID, a dialog to claim one and a confirmation to release one.
 *
 * Actions (group "claims"): claim (opens the dialog), unclaim (s: the
 * claim store key, asks first), refresh. */

PmClaimsPage *pm_claims_page_new (void);
void pm_claims_page_set_session (PmClaimsPage *self, PmSession *session);

/* The dialog open now (claim or unclaim confirmation), or NULL; and an entry
 * of the claim dialog by name ("link_id", "azure_name", "azure_guid"), for
 * tests and assistive tools. */
AdwAlertDialog   *pm_claims_page_get_dialog (PmClaimsPage *self);
GtkEditable      *pm_claims_page_get_field  (PmClaimsPage *self,
                                             const char   *name);
/* Choose the provider and region in the open claim dialog. */
void              pm_claims_page_choose     (PmClaimsPage *self,
                                             PmProvider    provider,
                                             const char   *region);
/* The last message shown about a claim or unclaim, or NULL. */
const char       *pm_claims_page_get_message (PmClaimsPage *self);

/* Words for a failed claim or unclaim: already claimed, not claimed, … */
char             *pm_claims_describe_error  (const GError *error,
                                             gboolean      claiming);

G_END_DECLS
