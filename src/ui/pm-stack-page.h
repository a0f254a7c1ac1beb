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

/* Builds the object @name of @resource (a .ui file in the app's resources)
 * with @builder, where the caller may have exposed objects it refers to,
 * and adds it to @stack as its page @name, hidden until shown: pages most
 * starts never show are built when first needed. The builder then holds
 * the page's other objects. A file that does not build is a bug in the
 * build: it aborts. */
GtkWidget *pm_stack_page_add_from_resource (GtkStack   *stack,
                                            GtkBuilder *builder,
                                            const char *resource,
                                            const char *name);

/* Lays out the texts of @page's labels (a hidden page, or one about to be
 * shown) in the fonts the theme gives them, so that Pango has found and
 * set up those fonts, and their glyphs' sizes, before the frame that first
 * shows the page: a status page's title and description come in sizes no
 * other widget uses (~2 ms the first time, in the frame of a keystroke). */
void pm_stack_page_prepare_fonts (GtkWidget *page);

G_END_DECLS
