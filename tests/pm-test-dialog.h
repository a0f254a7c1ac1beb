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
void            pm_test_dialog_respond       (gpointer    dialog,
                                              const char *response);

/* An AdwAlertDialog shown in one of the windows (inside one, or in a window
 * of its own), or NULL. */
AdwAlertDialog *pm_test_dialog_find          (void);

/* libadwaita 1.7 measures an alert's large heading at the width of the
 * wrapped one it shows instead when the heading is wider than the dialog
 * (a long policy name), and GTK warns "Trying to measure GtkLabel … for
 * width of …" (GNOME/libadwaita#1025, fixed in 1.8). Call once after
 * g_test_init (): on libadwaita 1.7 that warning, about the heading of an
 * open alert, is written as a test message; every other message is
 * written, and fatal, as before. */
void            pm_test_dialog_tolerate_heading_warning (void);

G_END_DECLS
