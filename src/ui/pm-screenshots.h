/* pm-screenshots.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "pm-application.h"

G_BEGIN_DECLS

/* perimeter --screenshots DIR: open the sandbox, render the main window, the
 * welcome page, the account dialog and the preferences in light and dark
 * to DIR/NAME.png and DIR/NAME-dark.png, then quit. */
void     pm_screenshots_run          (PmApplication *app,
                                      const char    *dir);
/* Render a realized widget to a PNG file, in process. */
gboolean pm_screenshots_save_widget  (GtkWidget     *widget,
                                      const char    *path,
                                      GError       **error);

G_END_DECLS
