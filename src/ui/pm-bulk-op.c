/* pm-bulk-op.c: applying or detaching many policy–resource pairs at once,
 * one at a time, with progress and a result for each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-bulk-op.h"
#include "pm-confirm-dialog.h"
#include "pm-error-text.h"
#include "pm-my-networks.h"
#include "pm-policy-actions.h"

typedef struct
{
  PmPolicy     *policy;
  PmEntity     *entity;
  PmBulkResult  result;
  GError       *error;
} Item;

struct _PmBulkOp
{
  GObject        parent_instance;

  PmSession     *session;
  GArray        *items;
  GtkStringList *results;
  guint          n_done;
  guint          n_failed;
  guint          n_cancelled;
  gboolean       apply;
  gboolean       running;
  gboolean       check_current;
};

G_DEFINE_FINAL_TYPE (PmBulkOp, pm_bulk_op, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_DONE,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
item_clear (gpointer data)
{
  Item *item = data;

  g_clear_object (&item->policy);
  g_clear_object (&item->entity);
  g_clear_error (&item->error);
}

static void
pm_bulk_op_finalize (GObject *object)
{
  PmBulkOp *self = PM_BULK_OP (object);

  g_clear_object (&self->session);
  g_clear_object (&self->results);
  g_clear_pointer (&self->items, g_array_unref);

  G_OBJECT_CLASS (pm_bulk_op_parent_class)->finalize (object);
}

static void
pm_bulk_op_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PmBulkOp *self = PM_BULK_OP (object);

  switch (prop_id)
    {
    case PROP_N_DONE:
      g_value_set_uint (value, self->n_done);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_bulk_op_class_init (PmBulkOpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pm_bulk_op_finalize;
  object_class->get_property = pm_bulk_op_get_property;

  properties[PROP_N_DONE] =
    g_param_spec_uint ("n-done", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_bulk_op_init (PmBulkOp *self)
{
  self->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (self->items, item_clear);
  self->results = gtk_string_list_new (NULL);
}

PmBulkOp *
pm_bulk_op_new (PmSession *session,
                gboolean   apply)
{
  PmBulkOp *self;

  g_return_val_if_fail (PM_IS_SESSION (session), NULL);

  self = g_object_new (PM_TYPE_BULK_OP, NULL);
  self->session = g_object_ref (session);
  self->apply = !!apply;
  self->check_current = TRUE;
  return self;
}

void
pm_bulk_op_add (PmBulkOp *self,
                PmPolicy *policy,
                PmEntity *entity)
{
  Item item = { 0 };

  g_return_if_fail (PM_IS_BULK_OP (self));
  g_return_if_fail (PM_IS_POLICY (policy));
  g_return_if_fail (PM_IS_ENTITY (entity));
  g_return_if_fail (!self->running);

  item.policy = g_object_ref (policy);
  item.entity = g_object_ref (entity);
  g_array_append_val (self->items, item);
}

gboolean
pm_bulk_op_get_apply (PmBulkOp *self)
{
  g_return_val_if_fail (PM_IS_BULK_OP (self), FALSE);
  return self->apply;
}

guint
pm_bulk_op_get_n_items (PmBulkOp *self)
{
  g_return_val_if_fail (PM_IS_BULK_OP (self), 0);
  return self->items->len;
}

guint
pm_bulk_op_get_n_done (PmBulkOp *self)
{
  g_return_val_if_fail (PM_IS_BULK_OP (self), 0);
  return self->n_done;
}

guint
pm_bulk_op_get_n_failed (PmBulkOp *self)
{
  g_return_val_if_fail (PM_IS_BULK_OP (self), 0);
  return self->n_failed;
}

guint
pm_bulk_op_get_n_cancelled (PmBulkOp *self)
{
  g_return_val_if_fail (PM_IS_BULK_OP (self), 0);
  return self->n_cancelled;
}

gboolean
pm_bulk_op_get_running (PmBulkOp *self)
{
  g_return_val_if_fail (PM_IS_BULK_OP (self), FALSE);
  return self->running;
}

char *
pm_bulk_op_dup_progress (PmBulkOp *self)
{
  g_return_val_if_fail (PM_IS_BULK_OP (self), NULL);
  /* Translators: progress of a change to several resources, e.g. "3 of 7" */
  return g_strdup_printf (_("%u of %u"), self->n_done, self->items->len);
}

GListModel *
pm_bulk_op_get_results (PmBulkOp *self)
{
  g_return_val_if_fail (PM_IS_BULK_OP (self), NULL);
  return G_LIST_MODEL (self->results);
}

PmPolicy *
pm_bulk_op_get_policy (PmBulkOp *self,
                       guint     i)
{
  g_return_val_if_fail (PM_IS_BULK_OP (self), NULL);
  g_return_val_if_fail (i < self->items->len, NULL);
  return g_array_index (self->items, Item, i).policy;
}

PmEntity *
pm_bulk_op_get_entity (PmBulkOp *self,
                       guint     i)
{
  g_return_val_if_fail (PM_IS_BULK_OP (self), NULL);
  g_return_val_if_fail (i < self->items->len, NULL);
  return g_array_index (self->items, Item, i).entity;
}

PmBulkResult
pm_bulk_op_get_result (PmBulkOp      *self,
                       guint          i,
                       const GError **error)
{
  Item *item;

  g_return_val_if_fail (PM_IS_BULK_OP (self), PM_BULK_RESULT_PENDING);
  g_return_val_if_fail (i < self->items->len, PM_BULK_RESULT_PENDING);

  item = &g_array_index (self->items, Item, i);
  if (error != NULL)
    *error = item->error;
  return item->result;
}

static guint count_done (PmBulkOp *self);

PmBulkOp *
pm_bulk_op_new_undo (PmBulkOp *self)
{
  g_autoptr(PmBulkOp) undo = NULL;

  g_return_val_if_fail (PM_IS_BULK_OP (self), NULL);

  undo = pm_bulk_op_new (self->session, !self->apply);
  /* The stores may not have caught up with what was just done. */
  undo->check_current = FALSE;
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = &g_array_index (self->items, Item, i);

      if (item->result == PM_BULK_RESULT_DONE)
        pm_bulk_op_add (undo, item->policy, item->entity);
    }
  return count_done (self) > 0 ? g_steal_pointer (&undo) : NULL;
}

static guint
count_done (PmBulkOp *self)
{
  guint n = 0;

  for (guint i = 0; i < self->items->len; i++)
    n += g_array_index (self->items, Item, i).result == PM_BULK_RESULT_DONE;
  return n;
}

/* Running */

void
pm_bulk_op_set_check_current (PmBulkOp *self,
                              gboolean  check_current)
{
  g_return_if_fail (PM_IS_BULK_OP (self));
  self->check_current = !!check_current;
}

static gboolean
entity_holds (PmBulkOp *self,
              Item     *item)
{
  g_autoptr(GPtrArray) policies = pm_entity_dup_policies (self->session, item->entity);

  for (guint i = 0; i < policies->len; i++)
    if (g_strcmp0 (pm_policy_get_id (g_ptr_array_index (policies, i)), pm_policy_get_id (item->policy)) == 0)
      return TRUE;
  return FALSE;
}

static void
item_finish (PmBulkOp     *self,
             Item         *item,
             PmBulkResult  result,
             GError       *error)   /* taken */
{
  const char *policy = pm_policy_get_name (item->policy);
  const char *entity = pm_entity_get_name (item->entity);
  g_autofree char *line = NULL;

  item->result = result;
  item->error = error;
  if (result == PM_BULK_RESULT_FAILED)
    {
      g_autofree char *why = NULL;

      /* Serverless: the project changed between our read and our write. */
      if (g_error_matches (error, PM_API_ERROR, PM_API_ERROR_CONFLICT))
        why = g_strdup_printf (_("%s changed meanwhile and nothing was overwritten; run it again for this one"),
                               entity);
      else
        why = pm_error_text_describe (error);
      self->n_failed++;
      line = self->apply ? g_strdup_printf (_("Failed: “%s” on %s — %s"), policy, entity, why)
                         : g_strdup_printf (_("Failed: “%s” from %s — %s"), policy, entity, why);
    }
  else if (result == PM_BULK_RESULT_CANCELLED)
    {
      self->n_cancelled++;
      line = self->apply ? g_strdup_printf (_("Not done (cancelled): “%s” on %s"), policy, entity)
                         : g_strdup_printf (_("Not done (cancelled): “%s” from %s"), policy, entity);
    }
  else if (result == PM_BULK_RESULT_UNCHANGED)
    line = self->apply ? g_strdup_printf (_("Already applied: “%s” on %s"), policy, entity)
                       : g_strdup_printf (_("Not applied: “%s” on %s"), policy, entity);
  else
    line = self->apply ? g_strdup_printf (_("Applied “%s” to %s"), policy, entity)
                       : g_strdup_printf (_("Detached “%s” from %s"), policy, entity);

  self->n_done++;
  gtk_string_list_append (self->results, line);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DONE]);
}

static void run_next (GTask *task);

static void
on_item_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PmBulkOp *self = g_task_get_source_object (task);
  Item *item = &g_array_index (self->items, Item, self->n_done);
  GError *error = NULL;
  gboolean ok;

  if (self->apply)
    ok = pm_api_associate_finish (PM_API (source), result, &error);
  else
    ok = pm_api_disassociate_finish (PM_API (source), result, &error);

  item_finish (self, item, ok ? PM_BULK_RESULT_DONE : PM_BULK_RESULT_FAILED, error);
  run_next (g_steal_pointer (&task));
}

static void
run_next (GTask *task)
{
  PmBulkOp *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  PmApi *api = pm_session_get_api (self->session);
  Item *item;

  if (self->n_done == self->items->len)
    {
      self->running = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
      pm_policy_store_refresh_async (pm_session_get_policies (self->session), NULL, NULL, NULL);
      pm_entity_store_refresh_async (pm_session_get_entities (self->session), NULL, NULL, NULL);
      g_task_return_boolean (task, self->n_failed == 0 && self->n_cancelled == 0);
      g_object_unref (task);
      return;
    }

  item = &g_array_index (self->items, Item, self->n_done);
  {
    /* The store's copy is the newest one known (etag, policies). */
    PmEntity *current = pm_entity_store_lookup (pm_session_get_entities (self->session),
                                                pm_entity_get_id (item->entity));

    if (current != NULL && current != item->entity)
      g_set_object (&item->entity, current);
  }
  if (g_cancellable_is_cancelled (cancellable))
    {
      item_finish (self, item, PM_BULK_RESULT_CANCELLED, NULL);
      run_next (task);
      return;
    }
  /* Decided here, without a request: a resource in another region, or one
   * already in the asked state. */
  if (self->apply && !pm_entity_can_hold_policy (self->session, item->entity, item->policy))
    {
      GError *error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   _("%s is in another region than the policy; nothing was sent"),
                                   pm_entity_get_name (item->entity));

      item_finish (self, item, PM_BULK_RESULT_FAILED, error);
      run_next (task);
      return;
    }
  if (self->check_current && entity_holds (self, item) == self->apply)
    {
      item_finish (self, item, PM_BULK_RESULT_UNCHANGED, NULL);
      run_next (task);
      return;
    }

  /* One at a time: a Serverless project is rewritten whole with If-Match,
   * so two changes to one project must not race each other. Not cancelled
   * once sent: the server may have acted on it already, and the results
   * must say what was done. */
  if (self->apply)
    pm_api_associate_async (api, pm_policy_get_id (item->policy), item->entity,
                            NULL, on_item_done, task);
  else
    pm_api_disassociate_async (api, pm_policy_get_id (item->policy), item->entity,
                               NULL, on_item_done, task);
}

void
pm_bulk_op_run_async (PmBulkOp            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (PM_IS_BULK_OP (self));
  g_return_if_fail (!self->running && self->n_done == 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pm_bulk_op_run_async);
  self->running = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  run_next (task);
}

gboolean
pm_bulk_op_run_finish (PmBulkOp      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The dialog */

typedef struct
{
  PmBulkOp         *op;
  GtkWidget        *parent;
  AdwAlertDialog   *dialog;
  GtkProgressBar   *progress;
  GtkWidget        *cancel;
  GCancellable     *cancellable;
  gulong            handler;
} Presented;

static void
presented_free (Presented *p)
{
  g_clear_signal_handler (&p->handler, p->op);
  g_clear_object (&p->op);
  g_clear_object (&p->parent);
  g_clear_object (&p->cancellable);
  g_clear_weak_pointer (&p->dialog);
  g_clear_weak_pointer (&p->cancel);
  g_free (p);
}

static void
on_cancel_clicked (GtkButton *button,
                   Presented *p)
{
  g_cancellable_cancel (p->cancellable);
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  if (p->dialog != NULL)
    {
      adw_alert_dialog_set_heading (p->dialog, _("Cancelling…"));
      adw_alert_dialog_set_body (p->dialog, _("The change being made now finishes; the others are not made."));
    }
}

static void
on_progress (PmBulkOp   *op,
             GParamSpec *pspec,
             Presented  *p)
{
  g_autofree char *text = pm_bulk_op_dup_progress (op);
  guint n = pm_bulk_op_get_n_items (op);

  if (p->dialog == NULL)
    return;
  gtk_progress_bar_set_fraction (p->progress, n > 0 ? (double) op->n_done / n : 1.0);
  gtk_progress_bar_set_text (p->progress, text);
}

static GtkWidget *
create_result_row (gpointer item,
                   gpointer user_data)
{
  GtkWidget *label = gtk_label_new (gtk_string_object_get_string (item));

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_margin_top (label, 3);
  gtk_widget_set_margin_bottom (label, 3);
  return label;
}

static void
on_undone (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GtkWidget) parent = user_data;
  PmBulkOp *undo = PM_BULK_OP (source);
  g_autofree char *text = NULL;

  pm_bulk_op_run_finish (undo, result, NULL);
  if (undo->n_failed == 0)
    text = g_strdup (_("Undone"));
  else
    text = g_strdup_printf (_("Could not undo %u of %u changes"), undo->n_failed, undo->items->len);
  pm_policy_actions_toast (parent, text);
}

static void
undo_bulk (gpointer data)
{
  PmBulkOp *op = data;
  g_autoptr(PmBulkOp) undo = pm_bulk_op_new_undo (op);
  GtkWidget *parent = g_object_get_data (G_OBJECT (op), "pm-parent");

  if (undo != NULL)
    pm_bulk_op_run_async (undo, NULL, on_undone, parent ? g_object_ref (parent) : NULL);
}

static void
on_presented_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Presented *p = user_data;
  PmBulkOp *op = PM_BULK_OP (source);
  guint n = op->items->len;
  g_autofree char *heading = NULL;
  g_autofree char *toast = NULL;

  pm_bulk_op_run_finish (op, result, NULL);
  if (p->cancel != NULL)
    {
      g_signal_handlers_disconnect_by_data (p->cancel, p);
      gtk_widget_set_visible (p->cancel, FALSE);
    }
  if (op->n_cancelled > 0)
    heading = g_strdup (_("Cancelled"));
  else if (op->n_failed == 0)
    heading = g_strdup (op->apply ? _("Applied") : _("Detached"));
  else
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u change failed", "%u of %u changes failed", n),
                               op->n_failed, n);
  if (p->dialog != NULL && op->n_cancelled > 0)
    {
      g_autofree char *made = g_strdup_printf (_("%u of %u made"), count_done (op), n);

      gtk_progress_bar_set_fraction (p->progress, n > 0 ? (double) count_done (op) / n : 1.0);
      gtk_progress_bar_set_text (p->progress, made);
    }
  if (p->dialog != NULL)
    {
      g_autofree char *body = NULL;

      if (op->n_cancelled > 0)
        body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u change was not made. The ones made before stay made; "
                                             "Undo in the notification takes them back. Each line says what happened.",
                                             "%u changes were not made. The ones made before stay made; "
                                             "Undo in the notification takes them back. Each line says what happened.",
                                             op->n_cancelled), op->n_cancelled);
      else
        body = g_strdup (op->n_failed > 0 ? _("The other changes were made. Each line says what happened.")
                                          : _("Every change was made."));
      adw_alert_dialog_set_heading (p->dialog, heading);
      adw_alert_dialog_set_body (p->dialog, body);
    }

  if (op->n_cancelled > 0)
    toast = g_strdup_printf (_("%u of %u changes made, the rest cancelled"), count_done (op), n);
  else if (op->n_failed == 0)
    toast = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change made", "%u changes made", n), n);
  else
    toast = g_strdup_printf (_("%u of %u changes failed"), op->n_failed, n);
  g_object_set_data_full (G_OBJECT (op), "pm-parent", g_object_ref (p->parent), g_object_unref);
  if (count_done (op) > 0)
    pm_policy_actions_toast_with_undo (p->parent, toast, undo_bulk, g_object_ref (op), g_object_unref);
  else
    pm_policy_actions_toast (p->parent, toast);
  presented_free (p);
}

GtkWidget *
pm_bulk_op_present (PmBulkOp  *self,
                    GtkWidget *parent)
{
  Presented *p;
  g_autofree char *heading = NULL;
  GtkWidget *box, *list, *scrolled;
  AdwDialog *dialog;
  guint n;

  g_return_val_if_fail (PM_IS_BULK_OP (self), NULL);
  g_return_val_if_fail (GTK_IS_WIDGET (parent), NULL);

  p = g_new0 (Presented, 1);
  n = self->items->len;
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Making %u change…", "Making %u changes…", n), n);
  dialog = adw_alert_dialog_new (heading, _("Each change is made on its own; one that fails does not stop the others."));
  adw_alert_dialog_add_response (ADW_ALERT_DIALOG (dialog), "close", _("_Close"));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  {
    GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
    GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

    p->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
    gtk_progress_bar_set_show_text (p->progress, TRUE);
    gtk_widget_set_hexpand (GTK_WIDGET (p->progress), TRUE);
    gtk_widget_set_valign (GTK_WIDGET (p->progress), GTK_ALIGN_CENTER);
    gtk_accessible_update_property (GTK_ACCESSIBLE (p->progress), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Progress"), -1);
    gtk_box_append (GTK_BOX (row), GTK_WIDGET (p->progress));
    /* Stops the changes not made yet; Close only hides the dialog. */
    gtk_widget_set_tooltip_text (cancel, _("Stop before the next change"));
    g_signal_connect (cancel, "clicked", G_CALLBACK (on_cancel_clicked), p);
    g_set_weak_pointer (&p->cancel, cancel);
    gtk_box_append (GTK_BOX (row), cancel);
    gtk_box_append (GTK_BOX (box), row);
  }

  list = gtk_list_box_new ();
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_list_box_bind_model (GTK_LIST_BOX (list), G_LIST_MODEL (self->results), create_result_row, NULL, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Results"), -1);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  /* Wrapped lines under-report their natural height: room for a few. */
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 180);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_alert_dialog_set_extra_child (ADW_ALERT_DIALOG (dialog), box);

  p->op = g_object_ref (self);
  p->parent = g_object_ref (parent);
  g_set_weak_pointer (&p->dialog, ADW_ALERT_DIALOG (dialog));
  p->handler = g_signal_connect (self, "notify::n-done", G_CALLBACK (on_progress), p);
  pm_policy_actions_set_dialog (GTK_WIDGET (dialog));
  adw_dialog_present (dialog, parent);
  on_progress (self, NULL, p);
  p->cancellable = g_cancellable_new ();
  pm_bulk_op_run_async (self, p->cancellable, on_presented_done, p);
  return GTK_WIDGET (dialog);
}

static void
on_confirm_response (AdwAlertDialog *dialog,
                     const char     *response,
                     PmBulkOp       *self)
{
  GtkWidget *parent = g_object_get_data (G_OBJECT (dialog), "pm-parent");

  if ((g_strcmp0 (response, "detach") == 0 || g_strcmp0 (response, "apply") == 0) && parent != NULL)
    pm_bulk_op_present (self, parent);
  g_object_unref (self);
}

/* Which of my networks lose access to which resource, all items taken
 * together, or NULL. */
static char *
describe_my_access (PmBulkOp *self)
{
  g_auto(GStrv) networks = pm_my_networks_dup ();
  g_autoptr(GPtrArray) entities = g_ptr_array_new ();
  g_autoptr(GPtrArray) policies = g_ptr_array_new ();

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = &g_array_index (self->items, Item, i);

      g_ptr_array_add (entities, item->entity);
      g_ptr_array_add (policies, item->policy);
    }
  return pm_my_networks_describe_change (self->session, entities, policies, self->apply,
                                         (const char * const *) networks);
}

GtkWidget *
pm_bulk_op_confirm_and_present (PmBulkOp  *self,
                                GtkWidget *parent)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *heading = NULL;
  g_autofree char *warning = NULL;
  AdwDialog *dialog;
  guint n;

  g_return_val_if_fail (PM_IS_BULK_OP (self), NULL);
  g_return_val_if_fail (GTK_IS_WIDGET (parent), NULL);

  /* An apply asks only when it would lock the user out. */
  warning = describe_my_access (self);
  if (self->apply ? warning == NULL : !pm_policy_actions_should_confirm (parent, warning != NULL))
    return pm_bulk_op_present (self, parent);

  n = self->items->len;
  if (warning != NULL)
    g_string_append_printf (body, "%s\n\n", warning);
  if (self->apply)
    {
      heading = g_strdup (_("Apply and Lose Your Own Access?"));
      g_string_append (body, _("Once a resource has a network security policy, only the traffic that "
                               "one of its policies allows reaches it."));
    }
  else
    {
      heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Detach %u policy?", "Detach %u policies?", n), n);
      for (guint i = 0; i < n; i++)
        {
          Item *item = &g_array_index (self->items, Item, i);
          g_autoptr(GPtrArray) entities = g_ptr_array_new ();
          g_autofree char *impact = NULL;

          g_ptr_array_add (entities, item->entity);
          impact = pm_policy_describe_impact (item->policy, entities, NULL);
          g_string_append_printf (body, _("“%s” from %s"), pm_policy_get_name (item->policy),
                                  pm_entity_get_name (item->entity));
          if (impact != NULL && *impact != '\0')
            g_string_append_printf (body, ": %s", impact);
          g_string_append_c (body, '\n');
        }
      g_string_append (body, _("\nYou can undo it for a few seconds afterwards."));
    }

  if (self->apply)
    dialog = pm_confirm_dialog_new (heading, body->str, "apply", _("_Apply"), ADW_RESPONSE_DESTRUCTIVE);
  else
    dialog = pm_confirm_dialog_new (heading, body->str, "detach", _("_Detach"), ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "pm-parent", g_object_ref (parent), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_response), g_object_ref (self));
  pm_policy_actions_set_dialog (GTK_WIDGET (dialog));
  adw_dialog_present (dialog, parent);
  return GTK_WIDGET (dialog);
}

static void
on_track (PmBulkOp       *self,
          GParamSpec     *pspec,
          GtkProgressBar *bar)
{
  g_autofree char *text = pm_bulk_op_dup_progress (self);
  guint n = self->items->len;

  gtk_widget_set_visible (GTK_WIDGET (bar), self->running);
  gtk_progress_bar_set_fraction (bar, n > 0 ? (double) self->n_done / n : 1.0);
  gtk_progress_bar_set_text (bar, text);
}

void
pm_bulk_op_track (PmBulkOp       *self,
                  GtkProgressBar *bar)
{
  g_return_if_fail (PM_IS_BULK_OP (self));
  g_return_if_fail (GTK_IS_PROGRESS_BAR (bar));

  g_signal_connect_object (self, "notify::n-done", G_CALLBACK (on_track), bar, 0);
  g_signal_connect_object (self, "notify::running", G_CALLBACK (on_track), bar, 0);
  on_track (self, NULL, bar);
}
