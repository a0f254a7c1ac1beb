/* pm-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PM_TYPE_PREFERENCES_WINDOW (pm_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (PmPreferencesWindow, pm_preferences_window, PM, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Accounts (add, edit, remove through PmProfileDialog), my networks, the
 * refresh interval and whether destructive actions ask first. Actions: prefs.add-account,
 * prefs.edit-account and prefs.remove-account (s: profile id; removing asks
 * first when confirm-destructive is set, and deletes the key too). */
PmPreferencesWindow *pm_preferences_window_new (GtkWindow *parent);

/* My networks (GSettings my-networks): typed into the entry row and
 * added with its apply button or Enter; each row's remove button
 * activates prefs.remove-network (s: the network). The message under the
 * entry (why an entry was refused, or how it was adjusted), or NULL. */
const char          *pm_preferences_window_get_network_message (PmPreferencesWindow *self);

G_END_DECLS
