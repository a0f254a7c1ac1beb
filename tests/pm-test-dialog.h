/* pm-test-dialog.h: the app's alert dialogs in widget tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Clicks the button of `response` in `dialog`, an AdwAlertDialog (asserted,
 * and that the response is there and enabled): the dialog closes, then
 * emits ::response once, as for a person's click. */
void pm_test_dialog_respond (gpointer    dialog,
                             const char *response);

G_END_DECLS
