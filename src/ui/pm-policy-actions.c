/* pm-policy-actions.c: deleting, applying and detaching policies, with
 * an impact preview first
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
#include "pm-region-catalog.h"

#define MAX_IMPACT_LINES 12

static GtkWidget *last_dialog;

/* Who holds what */

static PmEntityKind
kind_for_flavour (PmFlavour flavour)
{
  return flavour == PM_FLAVOUR_SERVERLESS ? PM_ENTITY_KIND_PROJECT : PM_ENTITY_KIND_DEPLOYMENT;
}

static gboolean
strv_contains (const char * const *strv,
               const char         *text)
{
  return strv != NULL && text != NULL && g_strv_contains (strv, text);
}

static gboolean
policy_holds_entity (PmPolicy *policy,
                     PmEntity *entity)
{
  GListModel *associations = pm_policy_get_associations (policy);
  guint n = g_list_model_get_n_items (associations);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PmAssociation) association = g_list_model_get_item (associations, i);

      if (g_strcmp0 (pm_association_get_entity_id (association), pm_entity_get_id (entity)) == 0)
        return TRUE;
    }
  return strv_contains (pm_entity_get_policy_ids (entity), pm_policy_get_id (policy));
}

GPtrArray *
pm_policy_dup_entities (PmSession *session,
                        PmPolicy  *policy)
{
  GPtrArray *entities = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  PmEntityStore *store;
  GListModel *associations;
  guint n;

  g_return_val_if_fail (PM_IS_SESSION (session), entities);
  g_return_val_if_fail (PM_IS_POLICY (policy), entities);

  store = pm_session_get_entities (session);
  associations = pm_policy_get_associations (policy);
  n = g_list_model_get_n_items (associations);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PmAssociation) association = g_list_model_get_item (associations, i);
      const char *id = pm_association_get_entity_id (association);
      PmEntity *entity;

      if (id == NULL || g_hash_table_contains (seen, id))
        continue;
      entity = pm_entity_store_lookup (store, id);
      if (entity != NULL)
        g_object_ref (entity);
      else
        entity = pm_entity_new (kind_for_flavour (pm_session_get_flavour (session)),
                                pm_association_get_entity_type (association),
                                id, id, pm_policy_get_region (policy));
      g_ptr_array_add (entities, entity);
      g_hash_table_add (seen, (gpointer) pm_entity_get_id (entity));
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PmEntity) entity = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (g_hash_table_contains (seen, pm_entity_get_id (entity))
          || !strv_contains (pm_entity_get_policy_ids (entity), pm_policy_get_id (policy)))
        continue;
      g_hash_table_add (seen, (gpointer) pm_entity_get_id (entity));
      g_ptr_array_add (entities, g_object_ref (entity));
    }

  return entities;
}

GPtrArray *
pm_entity_dup_policies (PmSession *session,
                        PmEntity  *entity)
{
  GPtrArray *policies = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *store;
  guint n;

  g_return_val_if_fail (PM_IS_SESSION (session), policies);
  g_return_val_if_fail (PM_IS_ENTITY (entity), policies);

  store = G_LIST_MODEL (pm_session_get_policies (session));
  n = g_list_model_get_n_items (store);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (store, i);

      if (policy_holds_entity (policy, entity))
        g_ptr_array_add (policies, g_object_ref (policy));
    }
  return policies;
}

const char *
pm_entity_type_get_label (const char *entity_type)
{
  if (g_strcmp0 (entity_type, "deployment") == 0)
    return _("Deployment");
  if (g_strcmp0 (entity_type, "elasticsearch") == 0)
    return _("Elasticsearch project");
  if (g_strcmp0 (entity_type, "observability") == 0)
    return _("Observability project");
  if (g_strcmp0 (entity_type, "security") == 0)
    return _("Security project");
  return entity_type ? entity_type : "";
}

gboolean
pm_entity_can_hold_policy (PmSession *session,
                           PmEntity  *entity,
                           PmPolicy  *policy)
{
  const char *entity_region = pm_entity_get_region (entity);
  const char *policy_region = pm_policy_get_region (policy);

  if (entity_region == NULL || policy_region == NULL)
    return FALSE;
  return g_strcmp0 (entity_region, policy_region) == 0
         || pm_region_catalog_same_region (pm_region_catalog_get_default (),
                                           pm_session_get_flavour (session),
                                           entity_region, policy_region);
}

/* Impact */

static char *
rule_impact (PmPolicyType  type,
             const char   *who,
             PmRule       *rule)
{
  switch (type)
    {
    case PM_POLICY_TYPE_IP:
      return g_strdup_printf (_("%s will no longer accept traffic from %s."), who, pm_rule_get_source (rule));
    case PM_POLICY_TYPE_EGRESS_FIREWALL:
      return g_strdup_printf (_("%s will no longer be allowed to connect to %s."), who,
                              pm_rule_get_egress_target (rule));
    case PM_POLICY_TYPE_VPCE:
      return g_strdup_printf (_("%s will no longer accept traffic from the VPC endpoint %s."), who,
                              pm_rule_get_source (rule));
    case PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT:
      return g_strdup_printf (_("%s will no longer approve the Azure private endpoint %s (%s)."), who,
                              pm_rule_get_azure_endpoint_name (rule), pm_rule_get_azure_endpoint_guid (rule));
    case PM_POLICY_TYPE_GCP_PSC:
      return g_strdup_printf (_("%s will no longer accept traffic from the Private Service Connect endpoint %s."),
                              who, pm_rule_get_source (rule));
    case PM_POLICY_TYPE_UNKNOWN:
    default:
      return g_strdup_printf (_("%s loses this policy’s rules."), who);
    }
}

char *
pm_policy_describe_impact (PmPolicy  *policy,
                           GPtrArray *entities,
                           GPtrArray *rules)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) all_rules = NULL;
  PmPolicyType type;
  guint lines = 0, skipped = 0;

  g_return_val_if_fail (PM_IS_POLICY (policy), NULL);

  if (entities == NULL || entities->len == 0)
    return g_strdup (_("No deployment or project uses this policy, so no traffic changes."));

  type = pm_policy_get_policy_type (policy);
  if (rules == NULL)
    {
      GListModel *model = pm_policy_get_rules (policy);

      all_rules = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        g_ptr_array_add (all_rules, g_list_model_get_item (model, i));
      rules = all_rules;
    }

  for (guint e = 0; e < entities->len; e++)
    {
      const char *who = pm_entity_get_name (g_ptr_array_index (entities, e));

      if (rules->len == 0)
        {
          if (lines++ < MAX_IMPACT_LINES)
            g_string_append_printf (text, _("%s loses a policy without rules; its traffic does not change.\n"), who);
          else
            skipped++;
          continue;
        }
      for (guint r = 0; r < rules->len; r++)
        {
          g_autofree char *line = NULL;

          if (lines++ >= MAX_IMPACT_LINES)
            {
              skipped++;
              continue;
            }
          line = rule_impact (type, who, g_ptr_array_index (rules, r));
          g_string_append (text, line);
          g_string_append_c (text, '\n');
        }
    }
  if (skipped > 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "…and %u more change.\n",
                                               "…and %u more changes.\n", skipped), skipped);
  g_string_append (text, _("Traffic that another policy of the same resource allows is not affected."));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
pm_policy_filters_ingress (PmPolicy *policy)
{
  PmPolicyType type = pm_policy_get_policy_type (policy);

  return type != PM_POLICY_TYPE_EGRESS_FIREWALL && type != PM_POLICY_TYPE_UNKNOWN;
}

/* My networks: whether the user keeps reaching what they manage */

static gboolean
same_policy (PmPolicy *a,
             PmPolicy *b)
{
  return a == b || (pm_policy_get_id (a) != NULL && g_strcmp0 (pm_policy_get_id (a), pm_policy_get_id (b)) == 0);
}

char *
pm_policy_describe_my_access (PmSession          *session,
                              PmPolicy           *policy,
                              PmPolicy           *edited,
                              GPtrArray          *entities,
                              const char * const *networks)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (PM_IS_SESSION (session), NULL);
  g_return_val_if_fail (PM_IS_POLICY (policy), NULL);

  if (networks == NULL || networks[0] == NULL || entities == NULL)
    return NULL;

  for (guint e = 0; e < entities->len; e++)
    {
      PmEntity *entity = g_ptr_array_index (entities, e);
      g_autoptr(GPtrArray) before = pm_entity_dup_policies (session, entity);
      g_autoptr(GPtrArray) after = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) lost = NULL;
      gboolean held = FALSE;

      for (guint i = 0; i < before->len; i++)
        {
          PmPolicy *kept = g_ptr_array_index (before, i);

          if (same_policy (kept, policy))
            held = TRUE;
          else
            g_ptr_array_add (after, g_object_ref (kept));
        }
      /* The stores may not know of the association yet. */
      if (!held)
        g_ptr_array_add (before, g_object_ref (policy));
      if (edited != NULL)
        g_ptr_array_add (after, g_object_ref (edited));

      lost = pm_my_networks_lost (networks, before, after);
      if (lost->len > 0)
        {
          g_autofree char *line = pm_my_networks_describe_loss (entity, lost);

          g_string_append_printf (text, "%s\n", line);
        }
    }
  if (text->len == 0)
    return NULL;
  g_string_truncate (text, text->len - 1);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Where no networks are set, a hint where to set them, for a change that
 * could keep someone out (not one that leaves resources open to all). */
static void
append_my_networks_hint (GString  *text,
                         PmPolicy *policy,
                         gboolean  could_refuse)
{
  g_auto(GStrv) networks = pm_my_networks_dup ();

  if (networks[0] == NULL && could_refuse && pm_policy_filters_ingress (policy))
    g_string_append (text, _("\n\nTo be warned before a change keeps you out, list the addresses "
                             "you connect from in Preferences, under My networks."));
}

/* The warning about my networks for this change in *warning (or NULL),
 * and body with, where none are set and could_refuse, a hint where to set
 * them. Takes body. */
static char *
with_my_access (char       *body,
                PmSession  *session,
                PmPolicy   *policy,
                PmPolicy   *edited,
                GPtrArray  *entities,
                gboolean    could_refuse,
                char      **warning)
{
  g_auto(GStrv) networks = pm_my_networks_dup ();
  g_autoptr(GString) text = g_string_new (body);

  g_free (body);
  *warning = pm_policy_describe_my_access (session, policy, edited, entities, (const char * const *) networks);
  append_my_networks_hint (text, policy, could_refuse);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Traffic is open to everyone on a resource with no ingress policy at all:
 * taking its last one away lets everything in rather than refusing it.
 * The warning about my networks, if any, goes to *warning. */
static char *
describe_removal (PmSession  *session,
                  PmPolicy   *policy,
                  GPtrArray  *entities,
                  char      **warning)
{
  g_autoptr(GPtrArray) closing = g_ptr_array_new ();
  g_autoptr(GString) opening = g_string_new (NULL);

  for (guint e = 0; e < entities->len; e++)
    {
      PmEntity *entity = g_ptr_array_index (entities, e);
      g_autoptr(GPtrArray) held = NULL;
      gboolean other = FALSE;

      if (!pm_policy_filters_ingress (policy))
        {
          g_ptr_array_add (closing, entity);
          continue;
        }
      held = pm_entity_dup_policies (session, entity);
      for (guint i = 0; i < held->len; i++)
        {
          PmPolicy *kept = g_ptr_array_index (held, i);

          other |= g_strcmp0 (pm_policy_get_id (kept), pm_policy_get_id (policy)) != 0 && pm_policy_filters_ingress (kept);
        }
      if (other)
        g_ptr_array_add (closing, entity);
      else
        g_string_append_printf (opening, _("%s will have no network security policy left, so it will accept "
                                           "traffic from any address.\n"), pm_entity_get_name (entity));
    }

  if (closing->len == 0 && opening->len > 0)
    g_string_truncate (opening, opening->len - 1);
  else
    {
      g_autofree char *impact = pm_policy_describe_impact (policy, closing, NULL);

      g_string_append (opening, impact);
    }
  return with_my_access (g_string_free (g_steal_pointer (&opening), FALSE), session, policy, NULL, entities,
                         closing->len > 0, warning);
}

char *
pm_policy_describe_edit_impact (PmSession *session,
                                PmPolicy  *original,
                                PmPolicy  *edited,
                                gboolean  *lost)
{
  g_autoptr(GHashTable) kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) entities = NULL;
  g_autofree char *impact = NULL;
  g_autofree char *warning = NULL;
  PmPolicyType type = pm_policy_get_policy_type (original);
  GListModel *model;

  model = pm_policy_get_rules (edited);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PmRule) rule = g_list_model_get_item (model, i);
      char *key = pm_rule_dup_display_key (rule, type);

      if (key != NULL)
        g_hash_table_add (kept, key);
    }

  model = pm_policy_get_rules (original);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PmRule) rule = g_list_model_get_item (model, i);
      g_autofree char *key = pm_rule_dup_display_key (rule, type);

      if (key != NULL && !g_hash_table_contains (kept, key))
        g_ptr_array_add (removed, g_steal_pointer (&rule));
    }
  if (lost != NULL)
    *lost = FALSE;
  if (removed->len == 0)
    return NULL;

  entities = pm_policy_dup_entities (session, original);
  if (entities->len == 0)
    return NULL;
  impact = with_my_access (pm_policy_describe_impact (original, entities, removed),
                           session, original, edited, entities, TRUE, &warning);
  if (warning == NULL)
    return g_steal_pointer (&impact);
  if (lost != NULL)
    *lost = TRUE;
  return g_strdup_printf ("%s\n\n%s", warning, impact);
}

/* Dialogs and toasts */

GtkWidget *
pm_policy_actions_get_dialog (void)
{
  return last_dialog;
}

/* A dialog inside a window stays alive while it fades out: it is no
 * longer open once it starts closing. */
static void
on_dialog_closed (AdwDialog *dialog)
{
  if (last_dialog == GTK_WIDGET (dialog))
    g_clear_weak_pointer (&last_dialog);
}

void
pm_policy_actions_set_dialog (GtkWidget *dialog)
{
  g_set_weak_pointer (&last_dialog, dialog);
  if (ADW_IS_DIALOG (dialog))
    g_signal_connect (dialog, "closed", G_CALLBACK (on_dialog_closed), NULL);
}

/* Presents dialog (its ::response connected) in the window of parent. */
static GtkWidget *
present_dialog (GtkWidget *parent,
                AdwDialog *dialog)
{
  pm_policy_actions_set_dialog (GTK_WIDGET (dialog));
  adw_dialog_present (dialog, parent);
  return GTK_WIDGET (dialog);
}

void
pm_policy_actions_toast (GtkWidget  *widget,
                         const char *text)
{
  GtkWidget *overlay;

  g_debug ("toast: %s", text);
  if (widget == NULL)
    return;
  overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

typedef struct
{
  PmUndoFunc      undo;
  gpointer        data;
  GDestroyNotify  destroy;
} Undo;

static AdwToast *last_undo_toast;

static void
undo_free (gpointer user_data,
           GClosure *closure)
{
  Undo *undo = user_data;

  if (undo->destroy != NULL)
    undo->destroy (undo->data);
  g_free (undo);
}

static void
on_undo_clicked (AdwToast *toast,
                 Undo     *undo)
{
  PmUndoFunc func = g_steal_pointer (&undo->undo);

  if (func != NULL)
    func (undo->data);
  adw_toast_dismiss (toast);
}

AdwToast *
pm_policy_actions_toast_with_undo (GtkWidget      *widget,
                                   const char     *text,
                                   PmUndoFunc      undo_func,
                                   gpointer        data,
                                   GDestroyNotify  destroy)
{
  GtkWidget *overlay = widget != NULL ? gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY) : NULL;
  AdwToast *toast;
  Undo *undo;

  if (overlay == NULL)
    {
      if (destroy != NULL)
        destroy (data);
      return NULL;
    }

  undo = g_new0 (Undo, 1);
  undo->undo = undo_func;
  undo->data = data;
  undo->destroy = destroy;
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (on_undo_clicked), undo, undo_free, 0);
  g_set_weak_pointer (&last_undo_toast, toast);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  return toast;
}

AdwToast *
pm_policy_actions_get_undo_toast (void)
{
  return last_undo_toast;
}

GSettings *
pm_app_settings_with_key (const char *key)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, key))
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

gboolean
pm_policy_actions_should_confirm (GtkWidget *widget,
                                  gboolean   locks_out)
{
  g_autoptr(GSettings) settings = NULL;

  if (locks_out || widget == NULL || gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY) == NULL)
    return TRUE;
  settings = pm_app_settings_with_key ("confirm-destructive");
  return settings == NULL || g_settings_get_boolean (settings, "confirm-destructive");
}

static char *
join_names (GPtrArray *entities)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < entities->len; i++)
    {
      if (i > 0)
        g_string_append (names, i + 1 == entities->len ? _(" and ") : _(", "));
      g_string_append (names, pm_entity_get_name (g_ptr_array_index (entities, i)));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* Operations */

typedef struct _Op Op;
struct _Op
{
  GtkWidget          *parent;
  PmSession          *session;
  PmPolicy           *policy;
  PmEntity           *entity;
  GPtrArray          *entities;
  guint               index;
  gboolean            apply;
  void              (*retry) (Op *op);
  PmPolicyActionDone  done;
  gpointer            user_data;
};

static Op *
op_new (GtkWidget          *parent,
        PmSession          *session,
        PmPolicy           *policy,
        PmPolicyActionDone  done,
        gpointer            user_data)
{
  Op *op = g_new0 (Op, 1);

  op->parent = g_object_ref (parent);
  op->session = g_object_ref (session);
  op->policy = g_object_ref (policy);
  op->done = done;
  op->user_data = user_data;
  return op;
}

static void
op_finish (Op       *op,
           gboolean  success)
{
  if (op->done != NULL)
    op->done (success, op->user_data);
  g_clear_object (&op->parent);
  g_clear_object (&op->session);
  g_clear_object (&op->policy);
  g_clear_object (&op->entity);
  g_clear_pointer (&op->entities, g_ptr_array_unref);
  g_free (op);
}

static void
refresh_stores (PmSession *session)
{
  pm_policy_store_refresh_async (pm_session_get_policies (session), NULL, NULL, NULL);
  pm_entity_store_refresh_async (pm_session_get_entities (session), NULL, NULL, NULL);
}

static void
present_error (Op           *op,
               const char   *heading,
               const GError *error)
{
  g_autofree char *body = pm_error_text_describe (error);
  AdwDialog *dialog = adw_alert_dialog_new (heading, body);

  adw_alert_dialog_add_response (ADW_ALERT_DIALOG (dialog), "close", _("_Close"));
  present_dialog (op->parent, dialog);
}

static void
on_conflict_response (AdwAlertDialog *dialog,
                      const char     *response,
                      Op             *op)
{
  if (g_strcmp0 (response, "reapply") == 0)
    op->retry (op);
  else
    {
      refresh_stores (op->session);
      op_finish (op, FALSE);
    }
}

/* A project changed between our read and our write: say so, overwrite nothing. */
static void
present_conflict (Op       *op,
                  PmEntity *entity)
{
  g_autofree char *heading = g_strdup_printf (_("“%s” changed"), pm_entity_get_name (entity));
  g_autofree char *body =
    g_strdup_printf (_("Someone else changed the policies of “%s” while this change was being made. "
                       "Nothing was overwritten.\n\nRe-apply your change to its current policies?"),
                     pm_entity_get_name (entity));
  AdwDialog *dialog = pm_confirm_dialog_new (heading, body, "reapply", _("_Re-apply"), ADW_RESPONSE_SUGGESTED);

  g_signal_connect (dialog, "response", G_CALLBACK (on_conflict_response), op);
  present_dialog (op->parent, dialog);
}

/* Undoing a delete: the policy again, from the copy kept, with a new id,
 * applied to what held it */

typedef struct
{
  gatomicrefcount  ref;
  GtkWidget       *parent;
  PmSession       *session;
  PmPolicy        *copy;
  PmPolicy        *created;
  GPtrArray       *entities;
  guint            index;
  guint            n_failed;
} Restore;

static Restore *
restore_new (Op *op)
{
  Restore *restore = g_new0 (Restore, 1);

  g_atomic_ref_count_init (&restore->ref);
  restore->parent = g_object_ref (op->parent);
  restore->session = g_object_ref (op->session);
  restore->copy = pm_policy_copy (op->policy);
  restore->entities = g_ptr_array_ref (op->entities);
  return restore;
}

static void
restore_unref (gpointer data)
{
  Restore *restore = data;

  if (!g_atomic_ref_count_dec (&restore->ref))
    return;
  g_clear_object (&restore->parent);
  g_clear_object (&restore->session);
  g_clear_object (&restore->copy);
  g_clear_object (&restore->created);
  g_clear_pointer (&restore->entities, g_ptr_array_unref);
  g_free (restore);
}

static void restore_next (Restore *restore);

static void
on_restore_associated (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Restore *restore = user_data;

  if (!pm_api_associate_finish (PM_API (source), result, NULL))
    restore->n_failed++;
  restore->index++;
  restore_next (restore);
}

static void
restore_next (Restore *restore)
{
  g_autofree char *text = NULL;

  if (restore->index < restore->entities->len)
    {
      pm_api_associate_async (pm_session_get_api (restore->session), pm_policy_get_id (restore->created),
                              g_ptr_array_index (restore->entities, restore->index),
                              NULL, on_restore_associated, restore);
      return;
    }

  refresh_stores (restore->session);
  if (restore->n_failed == 0)
    text = g_strdup_printf (_("Restored “%s” as a new policy with a new ID (%s)"),
                            pm_policy_get_name (restore->created), pm_policy_get_id (restore->created));
  else
    text = g_strdup_printf (_("Restored “%s” with a new ID, but could not apply it again to %u of %u resources"),
                            pm_policy_get_name (restore->created), restore->n_failed, restore->entities->len);
  pm_policy_actions_toast (restore->parent, text);
  restore_unref (restore);
}

static void
on_restore_created (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Restore *restore = user_data;
  g_autoptr(GError) error = NULL;

  restore->created = pm_api_create_policy_finish (PM_API (source), result, &error);
  if (restore->created == NULL)
    {
      g_autofree char *why = pm_error_text_describe (error);
      g_autofree char *text = g_strdup_printf (_("Could not restore “%s”: %s"),
                                               pm_policy_get_name (restore->copy), why);

      pm_policy_actions_toast (restore->parent, text);
      restore_unref (restore);
      return;
    }
  pm_policy_store_upsert (pm_session_get_policies (restore->session), restore->created);
  restore_next (restore);
}

static void
undo_delete (gpointer data)
{
  Restore *restore = data;
  g_autoptr(PmPolicy) policy = pm_policy_copy (restore->copy);

  /* The API gives a new policy a new id; what held the old one is applied
   * to the new one afterwards. */
  pm_policy_set_id (policy, NULL);
  pm_policy_set_etag (policy, NULL);
  pm_policy_set_associations (policy, NULL, 0);
  g_atomic_ref_count_inc (&restore->ref);
  pm_api_create_policy_async (pm_session_get_api (restore->session), policy, NULL, on_restore_created, restore);
}

/* Delete, detaching first */

static void detach_next (Op *op);

static void
on_deleted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!pm_api_delete_policy_finish (PM_API (source), result, &error))
    {
      text = g_strdup_printf (_("Could not delete “%s”"), pm_policy_get_name (op->policy));
      present_error (op, text, error);
      refresh_stores (op->session);
      op_finish (op, FALSE);
      return;
    }

  pm_policy_store_remove (pm_session_get_policies (op->session), pm_policy_get_id (op->policy));
  if (op->entities->len > 0)
    pm_entity_store_refresh_async (pm_session_get_entities (op->session), NULL, NULL, NULL);
  text = g_strdup_printf (_("Deleted “%s”"), pm_policy_get_name (op->policy));
  pm_policy_actions_toast_with_undo (op->parent, text, undo_delete,
                                     restore_new (op), restore_unref);
  op_finish (op, TRUE);
}

static void
on_detached_for_delete (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;

  if (!pm_api_disassociate_finish (PM_API (source), result, &error))
    {
      PmEntity *entity = g_ptr_array_index (op->entities, op->index);
      g_autofree char *text = NULL;

      if (g_error_matches (error, PM_API_ERROR, PM_API_ERROR_CONFLICT))
        {
          op->retry = detach_next;
          present_conflict (op, entity);
          return;
        }
      text = g_strdup_printf (_("Could not detach “%s” from %s"),
                              pm_policy_get_name (op->policy), pm_entity_get_name (entity));
      present_error (op, text, error);
      refresh_stores (op->session);
      op_finish (op, FALSE);
      return;
    }

  op->index++;
  detach_next (op);
}

static void
detach_next (Op *op)
{
  PmApi *api = pm_session_get_api (op->session);

  if (op->index < op->entities->len)
    pm_api_disassociate_async (api, pm_policy_get_id (op->policy),
                               g_ptr_array_index (op->entities, op->index),
                               NULL, on_detached_for_delete, op);
  else
    pm_api_delete_policy_async (api, pm_policy_get_id (op->policy), FALSE, NULL, on_deleted, op);
}

static void
on_delete_response (AdwAlertDialog *dialog,
                    const char     *response,
                    Op             *op)
{
  if (g_strcmp0 (response, "delete") == 0 || g_strcmp0 (response, "detach") == 0)
    {
      op->index = 0;
      detach_next (op);
    }
  else
    op_finish (op, FALSE);
}

GtkWidget *
pm_policy_actions_delete (GtkWidget          *parent,
                          PmSession          *session,
                          PmPolicy           *policy,
                          PmPolicyActionDone  done,
                          gpointer            user_data)
{
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *impact = NULL;
  g_autofree char *warning = NULL;
  AdwDialog *dialog;
  Op *op;

  g_return_val_if_fail (GTK_IS_WIDGET (parent), NULL);
  g_return_val_if_fail (PM_IS_SESSION (session), NULL);
  g_return_val_if_fail (PM_IS_POLICY (policy), NULL);

  op = op_new (parent, session, policy, done, user_data);
  op->entities = pm_policy_dup_entities (session, policy);
  if (op->entities->len > 0)
    impact = describe_removal (session, policy, op->entities, &warning);

  /* Undone from the toast by re-creating it: ask only when asked to, or
   * when the user would lose their own access. */
  if (!pm_policy_actions_should_confirm (parent, warning != NULL))
    {
      detach_next (op);
      return NULL;
    }

  if (op->entities->len == 0)
    {
      heading = g_strdup_printf (_("Delete “%s”?"), pm_policy_get_name (policy));
      body = g_strdup (_("No deployment or project uses this policy, so no traffic changes. "
                         "You can undo it for a few seconds afterwards; it comes back with a new ID."));
      dialog = pm_confirm_dialog_new (heading, body, "delete", _("_Delete"), ADW_RESPONSE_DESTRUCTIVE);
    }
  else
    {
      g_autofree char *names = join_names (op->entities);
      g_autofree char *text = NULL;

      heading = g_strdup_printf (_("“%s” is still in use"), pm_policy_get_name (policy));
      text = g_strdup_printf (_("It is applied to %s, and a policy in use cannot be deleted. "
                                "Detach it from each of them first, then delete it?\n\n%s"),
                              names, impact);
      body = warning != NULL ? g_strdup_printf ("%s\n\n%s", warning, text) : g_steal_pointer (&text);
      dialog = pm_confirm_dialog_new (heading, body, "detach", _("_Detach and Delete"), ADW_RESPONSE_DESTRUCTIVE);
    }
  g_signal_connect (dialog, "response", G_CALLBACK (on_delete_response), op);
  return present_dialog (parent, dialog);
}

/* Apply or detach */

static void
on_detach_undone (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PmBulkOp *undo = PM_BULK_OP (source);
  GtkWidget *parent = g_object_get_data (G_OBJECT (undo), "pm-parent");
  const GError *error = NULL;

  pm_bulk_op_run_finish (undo, result, NULL);
  if (pm_bulk_op_get_result (undo, 0, &error) == PM_BULK_RESULT_FAILED)
    {
      g_autofree char *why = pm_error_text_describe (error);
      g_autofree char *text = g_strdup_printf (_("Could not undo: %s"), why);

      pm_policy_actions_toast (parent, text);
    }
  else
    pm_policy_actions_toast (parent, _("Applied again"));
  g_object_unref (undo);
}

static void
undo_detach (gpointer data)
{
  pm_bulk_op_run_async (g_object_ref (data), NULL, on_detach_undone, NULL);
}

static void run_set_applied (Op *op);

static void
on_set_applied (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean ok;

  if (op->apply)
    ok = pm_api_associate_finish (PM_API (source), result, &error);
  else
    ok = pm_api_disassociate_finish (PM_API (source), result, &error);

  if (!ok)
    {
      if (g_error_matches (error, PM_API_ERROR, PM_API_ERROR_CONFLICT))
        {
          op->retry = run_set_applied;
          present_conflict (op, op->entity);
          return;
        }
      if (op->apply)
        text = g_strdup_printf (_("Could not apply “%s” to %s"),
                                pm_policy_get_name (op->policy), pm_entity_get_name (op->entity));
      else
        text = g_strdup_printf (_("Could not detach “%s” from %s"),
                                pm_policy_get_name (op->policy), pm_entity_get_name (op->entity));
      present_error (op, text, error);
      refresh_stores (op->session);
      op_finish (op, FALSE);
      return;
    }

  if (op->apply)
    {
      text = g_strdup_printf (_("Applied “%s” to %s"), pm_policy_get_name (op->policy), pm_entity_get_name (op->entity));
      pm_policy_actions_toast (op->parent, text);
    }
  else
    {
      g_autoptr(PmBulkOp) undo = pm_bulk_op_new (op->session, TRUE);

      pm_bulk_op_add (undo, op->policy, op->entity);
      pm_bulk_op_set_check_current (undo, FALSE);
      g_object_set_data_full (G_OBJECT (undo), "pm-parent", g_object_ref (op->parent), g_object_unref);
      text = g_strdup_printf (_("Detached “%s” from %s"), pm_policy_get_name (op->policy), pm_entity_get_name (op->entity));
      pm_policy_actions_toast_with_undo (op->parent, text, undo_detach, g_steal_pointer (&undo), g_object_unref);
    }
  refresh_stores (op->session);
  op_finish (op, TRUE);
}

static void
run_set_applied (Op *op)
{
  PmApi *api = pm_session_get_api (op->session);

  if (op->apply)
    pm_api_associate_async (api, pm_policy_get_id (op->policy), op->entity, NULL, on_set_applied, op);
  else
    pm_api_disassociate_async (api, pm_policy_get_id (op->policy), op->entity, NULL, on_set_applied, op);
}

static void
on_confirm_set_applied (AdwAlertDialog *dialog,
                        const char     *response,
                        Op             *op)
{
  if (g_strcmp0 (response, "detach") == 0 || g_strcmp0 (response, "apply") == 0)
    run_set_applied (op);
  else
    op_finish (op, FALSE);
}

/* Applying a policy can keep the user out too: the first ingress policy
 * of a resource, or one without their network. */
static char *
describe_my_access_on_apply (PmSession *session,
                             PmPolicy  *policy,
                             PmEntity  *entity)
{
  g_auto(GStrv) networks = pm_my_networks_dup ();
  g_autoptr(GPtrArray) entities = g_ptr_array_new ();
  g_autoptr(GPtrArray) policies = g_ptr_array_new ();

  g_ptr_array_add (entities, entity);
  g_ptr_array_add (policies, policy);
  return pm_my_networks_describe_change (session, entities, policies, TRUE, (const char * const *) networks);
}

GtkWidget *
pm_policy_actions_set_applied (GtkWidget          *parent,
                               PmSession          *session,
                               PmPolicy           *policy,
                               PmEntity           *entity,
                               gboolean            apply,
                               PmPolicyActionDone  done,
                               gpointer            user_data)
{
  g_autoptr(GPtrArray) entities = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *impact = NULL;
  g_autofree char *warning = NULL;
  AdwDialog *dialog;
  Op *op;

  g_return_val_if_fail (GTK_IS_WIDGET (parent), NULL);
  g_return_val_if_fail (PM_IS_SESSION (session), NULL);
  g_return_val_if_fail (PM_IS_POLICY (policy), NULL);
  g_return_val_if_fail (PM_IS_ENTITY (entity), NULL);

  op = op_new (parent, session, policy, done, user_data);
  op->entity = g_object_ref (entity);
  op->apply = apply;

  if (apply)
    {
      warning = describe_my_access_on_apply (session, policy, entity);
      if (warning == NULL)
        {
          run_set_applied (op);
          return NULL;
        }
      heading = g_strdup_printf (_("Apply “%s” and Lose Your Own Access?"), pm_policy_get_name (policy));
      impact = g_strdup_printf ("%s\n\n%s", warning,
                                _("Once a resource has a network security policy, only the traffic that "
                                  "one of its policies allows reaches it."));
      dialog = pm_confirm_dialog_new (heading, impact, "apply", _("_Apply"), ADW_RESPONSE_DESTRUCTIVE);
      g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_set_applied), op);
      return present_dialog (parent, dialog);
    }

  entities = g_ptr_array_new ();
  g_ptr_array_add (entities, entity);
  impact = describe_removal (session, policy, entities, &warning);

  /* A detach can be undone from its toast: ask only when asked to, or
   * when the user would lose their own access. */
  if (!pm_policy_actions_should_confirm (parent, warning != NULL))
    {
      run_set_applied (op);
      return NULL;
    }

  if (warning != NULL)
    {
      g_autofree char *text = g_steal_pointer (&impact);

      impact = g_strdup_printf ("%s\n\n%s", warning, text);
    }
  heading = g_strdup_printf (_("Detach “%s” from %s?"), pm_policy_get_name (policy), pm_entity_get_name (entity));
  dialog = pm_confirm_dialog_new (heading, impact, "detach", _("_Detach"), ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_set_applied), op);
  return present_dialog (parent, dialog);
}

/* Picker */

typedef struct
{
  GtkWindow              *window;
  GtkFilter              *filter;
  GtkSearchEntry         *entry;
  GListModel             *items;
  PmPickerLabelFunc       label;
  PmPickerChosenFunc      chosen;
  /* Several at once: checked items (item → itself), the Apply button */
  PmPickerChosenManyFunc  chosen_many;
  GHashTable             *checked;
  GtkWidget              *apply;
  AdwWindowTitle         *title;
  gpointer                user_data;
  GDestroyNotify          destroy;
} Picker;

static void
picker_free (gpointer data)
{
  Picker *picker = data;

  if (picker->destroy != NULL)
    picker->destroy (picker->user_data);
  g_clear_pointer (&picker->checked, g_hash_table_unref);
  g_clear_object (&picker->items);
  g_free (picker);
}

static gboolean
picker_match (gpointer item,
              gpointer user_data)
{
  Picker *picker = user_data;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (picker->entry));
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *haystack = NULL;
  g_autofree char *needle = NULL;

  if (query == NULL || *query == '\0')
    return TRUE;
  title = picker->label (item, FALSE);
  subtitle = picker->label (item, TRUE);
  haystack = g_utf8_strdown (title ? title : "", -1);
  needle = g_utf8_strdown (query, -1);
  if (strstr (haystack, needle) != NULL)
    return TRUE;
  g_free (haystack);
  haystack = g_utf8_strdown (subtitle ? subtitle : "", -1);
  return strstr (haystack, needle) != NULL;
}

static void
picker_update_apply (Picker *picker)
{
  guint n = g_hash_table_size (picker->checked);
  g_autofree char *subtitle = NULL;

  gtk_widget_set_sensitive (picker->apply, n > 0);
  if (n > 0)
    subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u selected", "%u selected", n), n);
  adw_window_title_set_subtitle (picker->title, subtitle);
}

static void
picker_check_toggled (GtkCheckButton *check,
                      Picker         *picker)
{
  gpointer item = g_object_get_data (G_OBJECT (check), "item");

  if (gtk_check_button_get_active (check))
    g_hash_table_add (picker->checked, g_object_ref (item));
  else
    g_hash_table_remove (picker->checked, item);
  picker_update_apply (picker);
}

static GtkWidget *
picker_create_row (gpointer item,
                   gpointer user_data)
{
  Picker *picker = user_data;
  g_autofree char *title = picker->label (item, FALSE);
  g_autofree char *subtitle = picker->label (item, TRUE);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "item", g_object_ref (item), g_object_unref);
  if (picker->chosen_many != NULL)
    {
      GtkWidget *check = gtk_check_button_new ();

      /* Rows are made again as the search changes: the check is kept. */
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_hash_table_contains (picker->checked, item));
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      g_object_set_data_full (G_OBJECT (check), "item", g_object_ref (item), g_object_unref);
      g_signal_connect (check, "toggled", G_CALLBACK (picker_check_toggled), picker);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
    }
  return row;
}

static void
picker_row_activated (GtkListBox    *list,
                      GtkListBoxRow *row,
                      Picker        *picker)
{
  gpointer item = g_object_get_data (G_OBJECT (row), "item");

  /* With checks, activating a row toggles its check (activatable-widget). */
  if (picker->chosen_many != NULL)
    return;
  picker->chosen (item, picker->user_data);
  gtk_window_close (picker->window);
}

static void
picker_apply_clicked (GtkButton *button,
                      Picker    *picker)
{
  g_autoptr(GPtrArray) chosen = g_ptr_array_new_with_free_func (g_object_unref);

  /* In the list's order, not the order they were checked in. */
  for (guint i = 0; i < g_list_model_get_n_items (picker->items); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (picker->items, i);

      if (g_hash_table_contains (picker->checked, item))
        g_ptr_array_add (chosen, g_steal_pointer (&item));
    }
  if (chosen->len == 0)
    return;
  picker->chosen_many (chosen, picker->user_data);
  gtk_window_close (picker->window);
}

static void
picker_search_changed (GtkSearchEntry *entry,
                       Picker         *picker)
{
  gtk_filter_changed (picker->filter, GTK_FILTER_CHANGE_DIFFERENT);
}

static GtkWidget *
picker_build (Picker     *picker,
              GtkWidget  *parent,
              const char *title,
              GListModel *items)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  GtkWidget *window, *box, *header, *scrolled, *list, *placeholder;
  GtkFilterListModel *filtered;

  picker->items = g_object_ref (items);
  window = adw_window_new ();
  picker->window = GTK_WINDOW (window);
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  gtk_window_set_default_size (GTK_WINDOW (window), picker->chosen_many != NULL ? 520 : 420, 480);
  g_object_set_data_full (G_OBJECT (window), "picker", picker, picker_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  picker->title = ADW_WINDOW_TITLE (adw_window_title_new (title, NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (picker->title));
  if (picker->chosen_many != NULL)
    {
      GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));

      /* A dialog's header: Cancel and Apply instead of the close button. */
      adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
      adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
      g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), window);
      adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
      picker->apply = gtk_button_new_with_mnemonic (_("_Apply"));
      gtk_widget_add_css_class (picker->apply, "suggested-action");
      g_signal_connect (picker->apply, "clicked", G_CALLBACK (picker_apply_clicked), picker);
      adw_header_bar_pack_end (ADW_HEADER_BAR (header), picker->apply);
      picker_update_apply (picker);
    }
  gtk_box_append (GTK_BOX (box), header);

  picker->entry = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  gtk_widget_set_margin_start (GTK_WIDGET (picker->entry), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (picker->entry), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (picker->entry), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (picker->entry), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picker->entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (picker->entry));

  picker->filter = GTK_FILTER (gtk_custom_filter_new (picker_match, picker, NULL));
  filtered = gtk_filter_list_model_new (g_object_ref (items), g_object_ref (picker->filter));
  g_object_set_data_full (G_OBJECT (window), "filter", picker->filter, g_object_unref);

  list = gtk_list_box_new ();
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_list_box_bind_model (GTK_LIST_BOX (list), G_LIST_MODEL (filtered), picker_create_row, picker, NULL);
  g_object_unref (filtered);
  placeholder = gtk_label_new (_("Nothing to choose from in this region"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (list), placeholder);
  gtk_widget_set_margin_start (list, 12);
  gtk_widget_set_margin_end (list, 12);
  gtk_widget_set_margin_bottom (list, 12);
  gtk_widget_set_valign (list, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_signal_connect (list, "row-activated", G_CALLBACK (picker_row_activated), picker);
  g_signal_connect (picker->entry, "search-changed", G_CALLBACK (picker_search_changed), picker);
  gtk_search_entry_set_key_capture_widget (picker->entry, window);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), scrolled);

  adw_window_set_content (ADW_WINDOW (window), box);
  g_set_weak_pointer (&last_dialog, window);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

char *
pm_entity_picker_label (gpointer item,
                        gboolean subtitle)
{
  PmEntity *entity = item;
  const char *region = pm_entity_get_region (entity);

  if (!subtitle)
    return g_strdup (pm_entity_get_name (entity));
  return g_strdup_printf ("%s · %s", pm_entity_type_get_label (pm_entity_get_entity_type (entity)),
                          region != NULL ? region : "");
}

GtkWidget *
pm_picker_present (GtkWidget          *parent,
                   const char         *title,
                   GListModel         *items,
                   PmPickerLabelFunc   label,
                   PmPickerChosenFunc  chosen,
                   gpointer            user_data,
                   GDestroyNotify      destroy)
{
  Picker *picker = g_new0 (Picker, 1);

  picker->label = label;
  picker->chosen = chosen;
  picker->user_data = user_data;
  picker->destroy = destroy;
  return picker_build (picker, parent, title, items);
}

GtkWidget *
pm_picker_present_many (GtkWidget              *parent,
                        const char             *title,
                        GListModel             *items,
                        PmPickerLabelFunc       label,
                        PmPickerChosenManyFunc  chosen,
                        gpointer                user_data,
                        GDestroyNotify          destroy)
{
  Picker *picker = g_new0 (Picker, 1);

  picker->label = label;
  picker->chosen_many = chosen;
  picker->checked = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  picker->user_data = user_data;
  picker->destroy = destroy;
  return picker_build (picker, parent, title, items);
}

/* Bulk apply or detach picker */

typedef struct
{
  GtkWidget      *page;
  gboolean        apply;
  PmBulkPickFunc  chosen;
} BulkPick;

static void
bulk_pick_free (gpointer data)
{
  BulkPick *pick = data;

  g_clear_object (&pick->page);
  g_free (pick);
}

static void
on_bulk_pick_chosen (gpointer item,
                     gpointer user_data)
{
  BulkPick *pick = user_data;

  pick->chosen (pick->page, item, pick->apply);
}

static const char *
bulk_item_get_id (gpointer item)
{
  return PM_IS_ENTITY (item) ? pm_entity_get_id (item) : pm_policy_get_id (item);
}

/* Whether candidate (an entity when selected holds policies, a policy
 * when it holds entities) fits one of the selected items. */
static gboolean
bulk_candidate_fits (PmSession *session,
                     gpointer   candidate,
                     GPtrArray *selected,
                     gboolean   apply)
{
  gboolean is_entity = PM_IS_ENTITY (candidate);
  g_autoptr(GPtrArray) linked = NULL;

  if (!apply)
    linked = is_entity ? pm_entity_dup_policies (session, candidate)
                       : pm_policy_dup_entities (session, candidate);

  for (guint j = 0; j < selected->len; j++)
    {
      gpointer other = g_ptr_array_index (selected, j);

      if (apply)
        {
          if (is_entity ? pm_entity_can_hold_policy (session, candidate, other)
                        : pm_entity_can_hold_policy (session, other, candidate))
            return TRUE;
        }
      else
        for (guint k = 0; k < linked->len; k++)
          if (g_strcmp0 (bulk_item_get_id (g_ptr_array_index (linked, k)), bulk_item_get_id (other)) == 0)
            return TRUE;
    }
  return FALSE;
}

GtkWidget *
pm_bulk_pick_present (GtkWidget          *page,
                      PmSession          *session,
                      GPtrArray          *selected,
                      gboolean            apply,
                      const char         *title,
                      PmPickerLabelFunc   label,
                      PmBulkPickFunc      chosen)
{
  gboolean pick_entities;
  g_autoptr(GListStore) candidates = NULL;
  GListModel *all;
  BulkPick *pick;

  g_return_val_if_fail (GTK_IS_WIDGET (page), NULL);
  g_return_val_if_fail (PM_IS_SESSION (session), NULL);
  g_return_val_if_fail (selected != NULL && selected->len > 0, NULL);
  g_return_val_if_fail (chosen != NULL, NULL);

  pick_entities = PM_IS_POLICY (g_ptr_array_index (selected, 0));
  candidates = g_list_store_new (pick_entities ? PM_TYPE_ENTITY : PM_TYPE_POLICY);
  all = pick_entities ? G_LIST_MODEL (pm_session_get_entities (session))
                      : G_LIST_MODEL (pm_session_get_policies (session));
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(GObject) candidate = g_list_model_get_item (all, i);

      if (bulk_candidate_fits (session, candidate, selected, apply))
        g_list_store_append (candidates, candidate);
    }

  pick = g_new0 (BulkPick, 1);
  pick->page = g_object_ref (page);
  pick->apply = apply;
  pick->chosen = chosen;
  return pm_picker_present (page, title, G_LIST_MODEL (candidates), label,
                            on_bulk_pick_chosen, pick, bulk_pick_free);
}
