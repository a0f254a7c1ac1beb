/* pm-confirm-dialog.h: the question asked before an action that is hard
 * to take back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* An alert with Cancel (response "cancel", also the answer to Escape) and
 * one other response, id `response` with the mnemonic `label`. A
 * destructive response is never the default (Enter answers Cancel); a
 * suggested one is. Connect to ::response, then adw_dialog_present (). */
AdwDialog *pm_confirm_dialog_new                (const char            *heading,
                                                 const char            *body,
                                                 const char            *response,
                                                 const char            *label,
                                                 AdwResponseAppearance  appearance);

/* Removing the account `name` from this computer (preferences and the
 * account dialog ask the same): responses "cancel", "remove". */
AdwDialog *pm_confirm_dialog_new_remove_account (const char            *name);

G_END_DECLS
