/* pm-stack-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-stack-page.h"

static void
hide_other_pages (GtkStack *stack)
{
  GtkWidget *shown = gtk_stack_get_visible_child (stack);

  for (GtkWidget *page = gtk_widget_get_first_child (GTK_WIDGET (stack));
       page != NULL; page = gtk_widget_get_next_sibling (page))
    if (page != shown)
      gtk_widget_set_visible (page, FALSE);
}

static void
on_transition_running (GtkStack *stack)
{
  if (!gtk_stack_get_transition_running (stack))
    hide_other_pages (stack);
}

void
pm_stack_page_show (GtkStack   *stack,
                    const char *name)
{
  GtkWidget *page;

  g_return_if_fail (GTK_IS_STACK (stack));
  g_return_if_fail (name != NULL);

  page = gtk_stack_get_child_by_name (stack, name);
  g_return_if_fail (page != NULL);

  /* The page shown before stays visible while the transition draws it. */
  if (g_signal_handler_find (stack, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, on_transition_running, NULL) == 0)
    g_signal_connect (stack, "notify::transition-running", G_CALLBACK (on_transition_running), NULL);

  gtk_widget_set_visible (page, TRUE);
  gtk_stack_set_visible_child (stack, page);
  if (!gtk_stack_get_transition_running (stack))
    hide_other_pages (stack);
}
