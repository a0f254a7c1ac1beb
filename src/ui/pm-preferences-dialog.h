/* pm-preferences-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PM_TYPE_PREFERENCES_DIALOG (pm_preferences_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PmPreferencesDialog, pm_preferences_dialog, PM, PREFERENCES_DIALOG, AdwPreferencesDialog)

/* Accounts (add, edit, remove through PmProfileDialog), my networks, the
 * refresh interval and whether destructive actions ask first; shown with
 * adw_dialog_present (). Actions: prefs.add-account,
 * prefs.edit-account and prefs.remove-account (s: profile id; removing asks
 * first when confirm-destructive is set, and deletes the key too). */
PmPreferencesDialog *pm_preferences_dialog_new (void);

/* My networks (GSettings my-networks): typed into the entry row and
 * added with its apply button or Enter; each row's remove button
 * activates prefs.remove-network (s: the network). The message under the
 * entry (why an entry was refused, or how it was adjusted), or NULL. */
const char          *pm_preferences_dialog_get_network_message (PmPreferencesDialog *self);

G_END_DECLS
