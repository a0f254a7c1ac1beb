/* pm-shortcuts-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PM_TYPE_SHORTCUTS_DIALOG (pm_shortcuts_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PmShortcutsDialog, pm_shortcuts_dialog, PM, SHORTCUTS_DIALOG, AdwDialog)

/* The keyboard shortcuts, with @application's accelerators for its actions. */
PmShortcutsDialog *pm_shortcuts_dialog_new (GtkApplication *application);

G_END_DECLS
