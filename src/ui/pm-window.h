/* pm-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-application.h"
#include "pm-session.h"

G_BEGIN_DECLS

#define PM_TYPE_WINDOW (pm_window_get_type ())
G_DECLARE_FINAL_TYPE (PmWindow, pm_window, PM, WINDOW, AdwApplicationWindow)

PmWindow   *pm_window_new           (PmApplication *application);
/* Reopen what was open last (a profile or the sandbox), or welcome. */
void        pm_window_restore_last  (PmWindow      *self);
void        pm_window_open_sandbox  (PmWindow      *self);   /* Hosted */
void        pm_window_present_when_listed (PmWindow *self);
void        pm_window_open_sandbox_flavour (PmWindow  *self,
                                            PmFlavour  flavour);
/* Look the key up in the keyring (async), then open the account. */
void        pm_window_open_profile  (PmWindow      *self,
                                     const char    *profile_id);
void        pm_window_show_welcome  (PmWindow      *self);
/* "welcome", "opening", "error" or "main". */
const char *pm_window_get_view      (PmWindow      *self);
/* The section shown: "policies", "entities", "claims", "wizard". */
void        pm_window_show_section  (PmWindow      *self,
                                     const char    *name);
PmSession  *pm_window_get_session   (PmWindow      *self);
void        pm_window_add_toast     (PmWindow      *self,
                                     AdwToast      *toast);

G_END_DECLS
