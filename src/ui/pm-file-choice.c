/* pm-file-choice.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-file-choice.h"

static PmFileChoiceTestFunc test_func;
static gpointer test_data;

static void
dialog_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GFile *file;

  if (GPOINTER_TO_INT (g_task_get_task_data (task)) == PM_FILE_CHOICE_SAVE)
    file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), result, &error);
  else
    file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (source), result, &error);

  if (file != NULL)
    g_task_return_pointer (task, file, g_object_unref);
  else if (g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED)
           || g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    g_task_return_new_error_literal (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, error->message);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
pm_file_choice_async (GtkFileDialog       *dialog,
                      PmFileChoiceMode     mode,
                      GtkWidget           *parent,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;
  GtkWindow *window = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;

  g_return_if_fail (GTK_IS_FILE_DIALOG (dialog));
  g_return_if_fail (parent == NULL || GTK_IS_WIDGET (parent));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pm_file_choice_async);
  g_task_set_task_data (task, GINT_TO_POINTER (mode), NULL);

  if (test_func != NULL)
    {
      GFile *file = test_func (dialog, mode, test_data);

      if (file != NULL)
        g_task_return_pointer (task, file, g_object_unref);
      else
        g_task_return_new_error_literal (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Dismissed by the test");
      return;
    }

  if (mode == PM_FILE_CHOICE_SAVE)
    gtk_file_dialog_save (dialog, window, cancellable, dialog_done_cb, g_steal_pointer (&task));
  else
    gtk_file_dialog_open (dialog, window, cancellable, dialog_done_cb, g_steal_pointer (&task));
}

GFile *
pm_file_choice_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_file_choice_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
pm_file_choice_set_test_func (PmFileChoiceTestFunc func,
                              gpointer             user_data)
{
  test_func = func;
  test_data = user_data;
}
