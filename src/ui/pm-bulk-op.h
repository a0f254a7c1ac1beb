/* pm-bulk-op.h: applying or detaching many policy–resource pairs at once,
 * one at a time, with progress and a result for each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-session.h"

G_BEGIN_DECLS

#define PM_TYPE_BULK_OP (pm_bulk_op_get_type ())
G_DECLARE_FINAL_TYPE (PmBulkOp, pm_bulk_op, PM, BULK_OP, GObject)

typedef enum {
  PM_BULK_RESULT_PENDING,
  PM_BULK_RESULT_DONE,
  PM_BULK_RESULT_UNCHANGED,   /* already in the asked state: nothing sent */
  PM_BULK_RESULT_FAILED,
  PM_BULK_RESULT_CANCELLED,   /* not sent: the run was cancelled before it */
} PmBulkResult;

PmBulkOp    *pm_bulk_op_new             (PmSession     *session,
                                         gboolean       apply);
void         pm_bulk_op_add             (PmBulkOp      *self,
                                         PmPolicy      *policy,
                                         PmEntity      *entity);
gboolean     pm_bulk_op_get_apply       (PmBulkOp      *self);
guint        pm_bulk_op_get_n_items     (PmBulkOp      *self);
guint        pm_bulk_op_get_n_done      (PmBulkOp      *self);
guint        pm_bulk_op_get_n_failed    (PmBulkOp      *self);
guint        pm_bulk_op_get_n_cancelled (PmBulkOp      *self);
gboolean     pm_bulk_op_get_running     (PmBulkOp      *self);
/* "3 of 7" */
char        *pm_bulk_op_dup_progress    (PmBulkOp      *self);
/* One line a finished item, in order (a GtkStringList). */
GListModel  *pm_bulk_op_get_results     (PmBulkOp      *self);
/* Item i's policy and resource (borrowed). */
PmPolicy    *pm_bulk_op_get_policy      (PmBulkOp      *self,
                                         guint          i);
PmEntity    *pm_bulk_op_get_entity      (PmBulkOp      *self,
                                         guint          i);
/* The result of item i; a failure's error (borrowed) in *error. */
PmBulkResult pm_bulk_op_get_result      (PmBulkOp      *self,
                                         guint          i,
                                         const GError **error);
/* Whether an item already in the asked state (as the stores know it) is
 * skipped without a request (default TRUE; an undo sends every item). */
void         pm_bulk_op_set_check_current (PmBulkOp    *self,
                                           gboolean     check_current);
/* The reverse of the items that were done (detach what was applied, apply
 * what was detached), or NULL when nothing was done. */
PmBulkOp    *pm_bulk_op_new_undo        (PmBulkOp      *self);

/* Runs every item one after the other and never stops at a failure (a
 * Serverless If-Match conflict is that item's failure). Cancelling lets
 * the request in flight finish (the server may have acted on it already)
 * and sends no other: each item left is PM_BULK_RESULT_CANCELLED. Finishes
 * TRUE when every item succeeded. */
void         pm_bulk_op_run_async       (PmBulkOp            *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean     pm_bulk_op_run_finish      (PmBulkOp      *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/* Runs the operation in a dialog showing its progress, a Cancel button
 * that stops the items not sent yet, and each result; then a toast with
 * Undo (of what was done). Closing the dialog lets it run on. Returns the
 * dialog (borrowed). */
GtkWidget   *pm_bulk_op_present         (PmBulkOp      *self,
                                         GtkWidget     *parent);

/* Detaching asks first when confirm-destructive is on (responses
 * "cancel", "detach"), then presents; applying presents at once. Either
 * asks first, whatever the setting, when one of my networks (Preferences)
 * would lose access to a resource (responses "cancel", "detach" or
 * "apply"). Returns the dialog shown first (borrowed). */
GtkWidget   *pm_bulk_op_confirm_and_present (PmBulkOp  *self,
                                             GtkWidget *parent);
/* Shows the progress ("3 of 7") in bar while the operation runs. */
void         pm_bulk_op_track           (PmBulkOp       *self,
                                         GtkProgressBar *bar);

G_END_DECLS
