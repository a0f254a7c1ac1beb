/* pm-file-choice.h: a file the person picks in a GtkFileDialog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  PM_FILE_CHOICE_OPEN,
  PM_FILE_CHOICE_SAVE,
} PmFileChoiceMode;

/* Shows `dialog` (title, filters, initial name set by the caller) to open
 * or save a file, modal to `parent`'s window. */
void   pm_file_choice_async  (GtkFileDialog       *dialog,
                              PmFileChoiceMode     mode,
                              GtkWidget           *parent,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
/* The chosen file, or NULL: G_IO_ERROR_CANCELLED when the person
 * dismissed the dialog or `cancellable` was cancelled, another error when
 * no dialog could be shown. */
GFile *pm_file_choice_finish (GAsyncResult        *result,
                              GError             **error);

/* Tests: `func` answers each choice in place of a dialog (returning a new
 * reference to a file, or NULL for a dismissed dialog); NULL shows dialogs
 * again. */
typedef GFile *(*PmFileChoiceTestFunc) (GtkFileDialog    *dialog,
                                        PmFileChoiceMode  mode,
                                        gpointer          user_data);
void   pm_file_choice_set_test_func (PmFileChoiceTestFunc func,
                                     gpointer             user_data);

G_END_DECLS
