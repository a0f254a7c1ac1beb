/* pm-profile-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-profile.h"

G_BEGIN_DECLS

#define PM_TYPE_PROFILE_DIALOG (pm_profile_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PmProfileDialog, pm_profile_dialog, PM, PROFILE_DIALOG, AdwDialog)

/* Add (profile_id NULL) or edit an account: name, flavour, base URL, CA
 * file (ECE, chosen through pm_file_choice_async ()), organization id and
 * API key (stored with PmKeyring only). Shown with adw_dialog_present ()
 * on the window it is for; it closes itself once saved or removed.
 * Actions: profile.save, profile.cancel, profile.check, profile.remove,
 * profile.choose-ca, profile.clear-ca. Signals: "saved" (profile id) once
 * the profile and its key are stored, "removed" (profile id). */
PmProfileDialog *pm_profile_dialog_new              (PmProfileList   *profiles,
                                                     const char      *profile_id);
const char      *pm_profile_dialog_get_display_name (PmProfileDialog *self);
/* The last "Check connection" verdict in words, or NULL. */
const char      *pm_profile_dialog_get_check_result (PmProfileDialog *self);
gboolean         pm_profile_dialog_get_busy         (PmProfileDialog *self);
/* Type into the fields as a person would (screenshots, demos). */
void             pm_profile_dialog_fill             (PmProfileDialog *self,
                                                     const char      *name,
                                                     PmFlavour        flavour,
                                                     const char      *base_url,
                                                     const char      *api_key);

G_END_DECLS
