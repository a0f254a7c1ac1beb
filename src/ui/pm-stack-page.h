/* pm-stack-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Shows the stack's page @name and hides the others (once a transition
 * to it is over): GTK computes the style of every visible widget when a
 * window is shown, the pages a stack does not show included, so a stack of
 * status pages kept visible cost the window's first frame their styles. */
void pm_stack_page_show (GtkStack   *stack,
                         const char *name);

G_END_DECLS
