/* pm-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PM_TYPE_PREFERENCES_WINDOW (pm_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (PmPreferencesWindow, pm_preferences_window, PM, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Accounts (add, edit, remove through PmProfileDialog), the refresh interval
 * and whether destructive actions ask first. Actions: prefs.add-account,
 * prefs.edit-account and prefs.remove-account (s: profile id; removing asks
 * first when confirm-destructive is set, and deletes the key too). */
PmPreferencesWindow *pm_preferences_window_new (GtkWindow *parent);

G_END_DECLS
