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

GtkWidget *
pm_stack_page_add_from_resource (GtkStack   *stack,
                                 GtkBuilder *builder,
                                 const char *resource,
                                 const char *name)
{
  g_autoptr(GError) error = NULL;
  const char *ids[] = { name, NULL };
  GtkWidget *page;

  g_return_val_if_fail (GTK_IS_STACK (stack), NULL);
  g_return_val_if_fail (GTK_IS_BUILDER (builder), NULL);
  g_return_val_if_fail (resource != NULL && name != NULL, NULL);

  if (!gtk_builder_add_objects_from_resource (builder, resource, ids, &error))
    g_error ("%s: %s", resource, error->message);
  page = GTK_WIDGET (gtk_builder_get_object (builder, name));
  gtk_widget_set_visible (page, FALSE);
  gtk_stack_add_named (stack, page, name);
  return page;
}

void
pm_stack_page_prepare_fonts (GtkWidget *page)
{
  g_return_if_fail (GTK_IS_WIDGET (page));

  if (GTK_IS_LABEL (page))
    {
      /* The widget's Pango context has the font its style gives it (a
       * hidden widget's style is computed when asked for). */
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (page, gtk_label_get_text (GTK_LABEL (page)));

      pango_layout_get_extents (layout, NULL, NULL);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (page); child != NULL; child = gtk_widget_get_next_sibling (child))
    pm_stack_page_prepare_fonts (child);
}
