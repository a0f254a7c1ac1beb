/* pm-entities-page.c: deployments or projects, and the policies each holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-bulk-op.h"
#include "pm-entities-page.h"
#include "pm-oddity-marker.h"
#include "pm-paced-model.h"
#include "pm-error-text.h"
#include "pm-policy-actions.h"

struct _PmEntitiesPage
{
  AdwBreakpointBin    parent_instance;

  AdwToastOverlay    *toast_overlay;
  GtkLabel           *notice_label;
  GtkStack           *stack;
  AdwStatusPage      *status;
  GtkWidget          *retry_button;
  GtkColumnView      *column_view;
  AdwNavigationSplitView *split;
  AdwBreakpoint      *narrow_breakpoint;
  AdwNavigationPage  *detail_page;
  GtkStack           *detail_stack;
  GtkLabel           *detail_title;
  GtkLabel           *detail_subtitle;
  GtkListBox         *policy_list;

  PmSession          *session;
  PmEntityStore      *store;
  PmPacedModel       *paced;         /* the store, as the list is told of it */
  GtkSortListModel   *sort_model;
  GtkMultiSelection  *selection;
  GtkProgressBar     *bulk_progress;
  GListStore         *policies;      /* of PmPolicy: the selected entity's */
  GHashTable         *count_labels;  /* GtkLabel → PmEntity (bound cells) */
  GHashTable         *holders;       /* entity id → ids of the policies associated with it */
  GHashTable         *policy_ids;    /* the account's policies' ids; both NULL: to be built */
  char               *selected_id;
};

G_DEFINE_FINAL_TYPE (PmEntitiesPage, pm_entities_page, ADW_TYPE_BREAKPOINT_BIN)

static PmEntity *
selected_entity (PmEntitiesPage *self)
{
  if (self->store == NULL || self->selected_id == NULL)
    return NULL;
  return pm_entity_store_lookup (self->store, self->selected_id);
}

/* Which policies name which entity, read once per change of the policies:
 * counting a row's policies by going through every policy's associations
 * (pm_entity_dup_policies), for each of the ~200 rows a column view keeps,
 * stalled the page 35-85 ms whenever the policies changed. */
static void
ensure_holders (PmEntitiesPage *self)
{
  GListModel *policies;
  guint n;

  if (self->holders != NULL || self->session == NULL)
    return;
  self->holders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  self->policy_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  policies = G_LIST_MODEL (pm_session_get_policies (self->session));
  n = g_list_model_get_n_items (policies);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (policies, i);
      GListModel *associations = pm_policy_get_associations (policy);
      const char *id = pm_policy_get_id (policy);

      if (id == NULL)
        continue;
      g_hash_table_add (self->policy_ids, g_strdup (id));
      for (guint j = 0; j < g_list_model_get_n_items (associations); j++)
        {
          g_autoptr(PmAssociation) association = g_list_model_get_item (associations, j);
          const char *entity_id = pm_association_get_entity_id (association);
          GHashTable *held;

          if (entity_id == NULL)
            continue;
          held = g_hash_table_lookup (self->holders, entity_id);
          if (held == NULL)
            {
              held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
              g_hash_table_insert (self->holders, g_strdup (entity_id), held);
            }
          g_hash_table_add (held, g_strdup (id));
        }
    }
}

static void
forget_holders (PmEntitiesPage *self)
{
  g_clear_pointer (&self->holders, g_hash_table_unref);
  g_clear_pointer (&self->policy_ids, g_hash_table_unref);
}

/* As pm_entity_dup_policies ()->len: the policies associated with the
 * entity, and those the entity names (a Serverless project lists its
 * traffic filters), each once. */
static guint
count_policies (PmEntitiesPage *self,
                PmEntity       *entity)
{
  const char * const *named = pm_entity_get_policy_ids (entity);
  GHashTable *held;
  guint count;

  ensure_holders (self);
  if (self->holders == NULL)
    return 0;
  held = pm_entity_get_id (entity) != NULL ? g_hash_table_lookup (self->holders, pm_entity_get_id (entity)) : NULL;
  count = held != NULL ? g_hash_table_size (held) : 0;
  for (guint i = 0; named != NULL && named[i] != NULL; i++)
    {
      gboolean again = FALSE;

      for (guint j = 0; j < i && !again; j++)
        again = g_str_equal (named[j], named[i]);
      if (!again && g_hash_table_contains (self->policy_ids, named[i])
          && (held == NULL || !g_hash_table_contains (held, named[i])))
        count++;
    }
  return count;
}

static void
set_count_label (PmEntitiesPage *self,
                 GtkLabel       *label,
                 PmEntity       *entity)
{
  g_autofree char *text = g_strdup_printf ("%u", count_policies (self, entity));

  gtk_label_set_label (label, text);
}

/* The detail pane */

static void
update_detail (PmEntitiesPage *self)
{
  PmEntity *entity = selected_entity (self);
  g_autoptr(GPtrArray) policies = NULL;
  g_autofree char *subtitle = NULL;

  if (entity == NULL)
    {
      g_list_store_remove_all (self->policies);
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      adw_navigation_page_set_title (self->detail_page, _("Policies"));
      adw_navigation_split_view_set_show_content (self->split, FALSE);
      return;
    }

  gtk_label_set_label (self->detail_title, pm_entity_get_name (entity));
  adw_navigation_page_set_title (self->detail_page, pm_entity_get_name (entity));
  subtitle = g_strdup_printf ("%s · %s · %s", pm_entity_type_get_label (pm_entity_get_entity_type (entity)),
                              pm_entity_get_region (entity) ? pm_entity_get_region (entity) : "—",
                              pm_entity_get_id (entity));
  if (pm_entity_get_oddity (entity) != NULL)
    {
      /* TRANSLATORS: what the server sent oddly, below a deployment's or project's name */
      g_autofree char *odd = g_strdup_printf (_("%s\n%s; Perimeter shows it as the server sent it"),
                                              subtitle, pm_entity_get_oddity (entity));

      g_free (subtitle);
      subtitle = g_steal_pointer (&odd);
    }
  gtk_label_set_label (self->detail_subtitle, subtitle);
  policies = pm_entity_dup_policies (self->session, entity);
  g_list_store_splice (self->policies, 0, g_list_model_get_n_items (G_LIST_MODEL (self->policies)),
                       policies->pdata, policies->len);
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
  adw_navigation_split_view_set_show_content (self->split, TRUE);
}

/* Collapsed, the list and the detail take turns. */
static void
show_list_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PmEntitiesPage *self = PM_ENTITIES_PAGE (widget);

  adw_navigation_split_view_set_show_content (self->split, FALSE);
}

static void
on_activate (PmEntitiesPage *self)
{
  if (selected_entity (self) != NULL)
    adw_navigation_split_view_set_show_content (self->split, TRUE);
}

static GtkWidget *
create_policy_row (gpointer item,
                   gpointer user_data)
{
  PmPolicy *policy = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("list-remove-symbolic");
  g_autofree char *label = g_strdup_printf (_("Detach %s"), pm_policy_get_name (policy));
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", pm_policy_type_get_label (pm_policy_get_policy_type (policy)),
                                               pm_policy_get_region (policy));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pm_policy_get_name (policy));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "entities.remove-policy");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", pm_policy_get_id (policy));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

/* State */

static void
update_state (PmEntitiesPage *self)
{
  const GError *error;
  guint n;

  if (self->store == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      return;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  error = pm_entity_store_get_error (self->store);
  pm_oddity_notice_show (self->notice_label, pm_entity_store_get_notice (self->store));
  if (n > 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "list");
      return;
    }

  gtk_widget_set_visible (self->retry_button, error != NULL);
  if (error != NULL && !pm_entity_store_get_loading (self->store))
    {
      g_autofree char *text = pm_error_text_describe (error);

      adw_status_page_set_title (self->status, _("Could Not Load Deployments and Projects"));
      adw_status_page_set_description (self->status, text);
    }
  else if (!pm_entity_store_get_loaded (self->store))
    {
      adw_status_page_set_title (self->status, _("Loading"));
      adw_status_page_set_description (self->status, NULL);
    }
  else
    {
      adw_status_page_set_title (self->status, pm_session_get_flavour (self->session) == PM_FLAVOUR_SERVERLESS
                                               ? _("No Projects") : _("No Deployments"));
      adw_status_page_set_description (self->status,
                                       _("Policies apply to deployments and projects; this account has none yet."));
    }
  gtk_stack_set_visible_child_name (self->stack, "loading");
}

static void
reselect (PmEntitiesPage *self)
{
  guint n;

  if (self->sort_model == NULL || self->selected_id == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->sort_model));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PmEntity) entity = g_list_model_get_item (G_LIST_MODEL (self->sort_model), i);

      if (g_strcmp0 (pm_entity_get_id (entity), self->selected_id) == 0)
        {
          if (!gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), i))
            gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), i, TRUE);
          return;
        }
    }
}

static void
on_entities_changed (PmEntitiesPage *self)
{
  reselect (self);
  update_detail (self);
  update_state (self);
}

static void
on_policies_changed (PmEntitiesPage *self)
{
  GHashTableIter iter;
  gpointer label, entity;

  forget_holders (self);
  g_hash_table_iter_init (&iter, self->count_labels);
  while (g_hash_table_iter_next (&iter, &label, &entity))
    set_count_label (self, label, entity);
  update_detail (self);
}

static void
update_selection_actions (PmEntitiesPage *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  gboolean any = !gtk_bitset_is_empty (selected);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "entities.apply-to-selected", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "entities.detach-from-selected", any);
}

/* The detail shows one of the selected: the one it showed if it is still
 * selected, else the first. */
static void
on_selection_changed (PmEntitiesPage *self)
{
  g_autoptr(GPtrArray) selected = pm_entities_page_dup_selected (self);
  PmEntity *entity = NULL;

  update_selection_actions (self);
  for (guint i = 0; i < selected->len; i++)
    if (g_strcmp0 (pm_entity_get_id (g_ptr_array_index (selected, i)), self->selected_id) == 0)
      return;
  if (selected->len > 0)
    entity = g_ptr_array_index (selected, 0);
  if (entity == NULL)
    return;
  g_free (self->selected_id);
  self->selected_id = g_strdup (pm_entity_get_id (entity));
  update_detail (self);
}

/* Columns */

typedef enum {
  COLUMN_NAME,
  COLUMN_TYPE,
  COLUMN_REGION,
  COLUMN_POLICIES,
} Column;

static const char *
entity_text (PmEntity *entity,
             Column    column)
{
  switch (column)
    {
    case COLUMN_NAME:   return pm_entity_get_name (entity);
    case COLUMN_TYPE:   return pm_entity_type_get_label (pm_entity_get_entity_type (entity));
    case COLUMN_REGION: return pm_entity_get_region (entity);
    case COLUMN_POLICIES:
    default:            return NULL;
    }
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_INT (data) == COLUMN_POLICIES ? 1.0 : 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (GPOINTER_TO_INT (data) == COLUMN_NAME)
    {
      /* The name, and the mark of what the server sent oddly. */
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), gtk_image_new ());
      gtk_list_item_set_child (item, box);
      return;
    }
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           PmEntitiesPage           *self)
{
  Column column = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  PmEntity *entity = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  GtkLabel *label = GTK_LABEL (column == COLUMN_NAME ? gtk_widget_get_first_child (child) : child);

  if (column == COLUMN_NAME)
    {
      const char *oddities[] = { pm_entity_get_oddity (entity), NULL };

      pm_oddity_marker_update (gtk_widget_get_last_child (child), oddities);
    }
  if (column == COLUMN_POLICIES)
    {
      g_hash_table_insert (self->count_labels, label, entity);
      set_count_label (self, label, entity);
    }
  else
    gtk_label_set_label (label, entity_text (entity, column) ? entity_text (entity, column) : "");
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             PmEntitiesPage           *self)
{
  g_hash_table_remove (self->count_labels, gtk_list_item_get_child (item));
}

static int
compare_entities (gconstpointer a,
                  gconstpointer b,
                  gpointer      data)
{
  Column column = GPOINTER_TO_INT (data);
  int result = g_utf8_collate (entity_text ((PmEntity *) a, column) ? entity_text ((PmEntity *) a, column) : "",
                               entity_text ((PmEntity *) b, column) ? entity_text ((PmEntity *) b, column) : "");

  if (result == 0)
    result = g_strcmp0 (pm_entity_get_name ((PmEntity *) a), pm_entity_get_name ((PmEntity *) b));
  return result < 0 ? GTK_ORDERING_SMALLER : result > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static void
setup_columns (PmEntitiesPage *self)
{
  const struct { Column column; const char *title; gboolean expand; } specs[] = {
    { COLUMN_NAME, N_("Name"), TRUE },
    { COLUMN_TYPE, N_("Type"), FALSE },
    { COLUMN_REGION, N_("Region"), FALSE },
    { COLUMN_POLICIES, N_("Policies"), FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (specs[i].column));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GINT_TO_POINTER (specs[i].column));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), self);
      column = gtk_column_view_column_new (_(specs[i].title), factory);
      gtk_column_view_column_set_expand (column, specs[i].expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (specs[i].column != COLUMN_POLICIES)
        {
          GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (compare_entities,
                                                                 GINT_TO_POINTER (specs[i].column), NULL));

          gtk_column_view_column_set_sorter (column, sorter);
          g_object_unref (sorter);
        }
      gtk_column_view_append_column (self->column_view, column);
      /* Narrow, the names have the room the type took: a list holds
       * deployments or projects, its type seldom says more. */
      if (specs[i].column == COLUMN_TYPE)
        {
          g_auto(GValue) hidden = G_VALUE_INIT;

          g_value_init (&hidden, G_TYPE_BOOLEAN);
          adw_breakpoint_add_setter (self->narrow_breakpoint, G_OBJECT (column), "visible", &hidden);
        }
      if (i == 0)
        gtk_column_view_sort_by_column (self->column_view, column, GTK_SORT_ASCENDING);
      g_object_unref (column);
    }
}

/* Actions */

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PmEntitiesPage *self = PM_ENTITIES_PAGE (widget);

  if (self->session == NULL)
    return;
  pm_entity_store_refresh_async (self->store, NULL, NULL, NULL);
  pm_policy_store_refresh_async (pm_session_get_policies (self->session), NULL, NULL, NULL);
}

static void
on_action_done (gboolean success,
                gpointer user_data)
{
  g_autoptr(PmEntitiesPage) self = user_data;

  update_detail (self);
}

void
pm_entities_page_apply_policy (PmEntitiesPage *self,
                               PmPolicy       *policy)
{
  PmEntity *entity;

  g_return_if_fail (PM_IS_ENTITIES_PAGE (self));
  g_return_if_fail (PM_IS_POLICY (policy));

  entity = selected_entity (self);
  if (entity == NULL)
    return;
  pm_policy_actions_set_applied (GTK_WIDGET (self), self->session, policy, entity, TRUE,
                                 on_action_done, g_object_ref (self));
}

static void
remove_policy_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PmEntitiesPage *self = PM_ENTITIES_PAGE (widget);
  PmEntity *entity = selected_entity (self);
  PmPolicy *policy;

  if (entity == NULL)
    return;
  policy = pm_policy_store_lookup (pm_session_get_policies (self->session), g_variant_get_string (parameter, NULL));
  if (policy == NULL)
    return;
  pm_policy_actions_set_applied (widget, self->session, policy, entity, FALSE, on_action_done, g_object_ref (self));
}

static char *
policy_label (gpointer item,
              gboolean subtitle)
{
  PmPolicy *policy = item;

  if (!subtitle)
    return g_strdup (pm_policy_get_name (policy));
  return g_strdup_printf ("%s · %s", pm_policy_type_get_label (pm_policy_get_policy_type (policy)),
                          pm_policy_get_region (policy));
}

static void
on_policy_chosen (gpointer item,
                  gpointer user_data)
{
  pm_entities_page_apply_policy (PM_ENTITIES_PAGE (user_data), PM_POLICY (item));
}

static void
add_policy_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PmEntitiesPage *self = PM_ENTITIES_PAGE (widget);
  PmEntity *entity = selected_entity (self);
  GListModel *policies;
  g_autoptr(GListStore) candidates = g_list_store_new (PM_TYPE_POLICY);
  g_autoptr(GPtrArray) held = NULL;
  g_autofree char *title = NULL;

  if (entity == NULL)
    return;
  held = pm_entity_dup_policies (self->session, entity);
  policies = G_LIST_MODEL (pm_session_get_policies (self->session));
  for (guint i = 0; i < g_list_model_get_n_items (policies); i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (policies, i);
      gboolean already = FALSE;

      for (guint h = 0; h < held->len; h++)
        already |= g_strcmp0 (pm_policy_get_id (g_ptr_array_index (held, h)), pm_policy_get_id (policy)) == 0;
      if (!already && pm_entity_can_hold_policy (self->session, entity, policy))
        g_list_store_append (candidates, policy);
    }
  title = g_strdup_printf (_("Apply a policy to %s"), pm_entity_get_name (entity));
  pm_picker_present (widget, title, G_LIST_MODEL (candidates), policy_label, on_policy_chosen,
                     g_object_ref (self), g_object_unref);
}

/* Several at once */

GPtrArray *
pm_entities_page_dup_selected (PmEntitiesPage *self)
{
  GPtrArray *entities = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (PM_IS_ENTITIES_PAGE (self), entities);

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position);
       ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    g_ptr_array_add (entities, g_list_model_get_item (G_LIST_MODEL (self->selection), position));
  return entities;
}

gboolean
pm_entities_page_select_also (PmEntitiesPage *self,
                              const char     *id)
{
  GListModel *model = G_LIST_MODEL (self->selection);

  g_return_val_if_fail (PM_IS_ENTITIES_PAGE (self), FALSE);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PmEntity) entity = g_list_model_get_item (model, i);

      if (g_strcmp0 (pm_entity_get_id (entity), id) == 0)
        return gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), i, FALSE);
    }
  return FALSE;
}

PmBulkOp *
pm_entities_page_apply_to_selected (PmEntitiesPage *self,
                                    PmPolicy       *policy,
                                    gboolean        apply)
{
  g_autoptr(GPtrArray) entities = NULL;
  g_autoptr(PmBulkOp) op = NULL;

  g_return_val_if_fail (PM_IS_ENTITIES_PAGE (self), NULL);
  g_return_val_if_fail (PM_IS_POLICY (policy), NULL);

  if (self->session == NULL)
    return NULL;
  entities = pm_entities_page_dup_selected (self);
  if (entities->len == 0)
    return NULL;
  op = pm_bulk_op_new (self->session, apply);
  for (guint i = 0; i < entities->len; i++)
    pm_bulk_op_add (op, policy, g_ptr_array_index (entities, i));
  pm_bulk_op_track (op, self->bulk_progress);
  g_signal_connect_object (op, "notify::running", G_CALLBACK (update_detail), self, G_CONNECT_SWAPPED);
  pm_bulk_op_confirm_and_present (op, GTK_WIDGET (self));
  return g_steal_pointer (&op);
}

static void
on_bulk_policy_chosen (GtkWidget *page,
                       gpointer   item,
                       gboolean   apply)
{
  PmBulkOp *op = pm_entities_page_apply_to_selected (PM_ENTITIES_PAGE (page), item, apply);

  /* The operation keeps itself alive until it is done. */
  g_clear_object (&op);
}

static void
bulk_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PmEntitiesPage *self = PM_ENTITIES_PAGE (widget);
  gboolean apply = g_str_equal (action_name, "entities.apply-to-selected");
  g_autoptr(GPtrArray) entities = NULL;

  if (self->session == NULL)
    return;
  entities = pm_entities_page_dup_selected (self);
  if (entities->len == 0)
    return;
  /* Apply: policies that fit one of them at least. Detach: policies that
   * one of them holds. */
  pm_bulk_pick_present (widget, self->session, entities, apply,
                        apply ? _("Apply a policy to the selected") : _("Detach a policy from the selected"),
                        policy_label, on_bulk_policy_chosen);
}

/* Object */

static void
pm_entities_page_dispose (GObject *object)
{
  PmEntitiesPage *self = PM_ENTITIES_PAGE (object);

  pm_entities_page_set_session (self, NULL);
  adw_breakpoint_bin_set_child (ADW_BREAKPOINT_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_ENTITIES_PAGE);
  g_clear_object (&self->selection);
  G_OBJECT_CLASS (pm_entities_page_parent_class)->dispose (object);
}

static void
pm_entities_page_finalize (GObject *object)
{
  PmEntitiesPage *self = PM_ENTITIES_PAGE (object);

  g_clear_object (&self->policies);
  g_clear_pointer (&self->count_labels, g_hash_table_unref);
  forget_holders (self);
  g_clear_pointer (&self->selected_id, g_free);
  G_OBJECT_CLASS (pm_entities_page_parent_class)->finalize (object);
}

static void
pm_entities_page_class_init (PmEntitiesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_entities_page_dispose;
  object_class->finalize = pm_entities_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/perimeter/Perimeter/pm-entities-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, notice_label);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, status);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, split);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, narrow_breakpoint);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, detail_page);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, detail_subtitle);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, policy_list);
  gtk_widget_class_bind_template_child (widget_class, PmEntitiesPage, bulk_progress);

  gtk_widget_class_install_action (widget_class, "entities.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "entities.show-list", NULL, show_list_action);
  gtk_widget_class_install_action (widget_class, "entities.add-policy", NULL, add_policy_action);
  gtk_widget_class_install_action (widget_class, "entities.remove-policy", "s", remove_policy_action);
  gtk_widget_class_install_action (widget_class, "entities.apply-to-selected", NULL, bulk_action);
  gtk_widget_class_install_action (widget_class, "entities.detach-from-selected", NULL, bulk_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_A, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                      "entities.apply-to-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_D, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                      "entities.detach-from-selected", NULL);
}

static void
pm_entities_page_init (PmEntitiesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->policies = g_list_store_new (PM_TYPE_POLICY);
  self->count_labels = g_hash_table_new (NULL, NULL);
  /* Ctrl/Shift-click and Ctrl+A select several, for applying or detaching
   * one policy on all of them. */
  self->selection = gtk_multi_selection_new (NULL);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  setup_columns (self);
  gtk_list_box_bind_model (self->policy_list, G_LIST_MODEL (self->policies), create_policy_row, self, NULL);
  {
    GtkWidget *placeholder = gtk_label_new (_("No policy applies to it"));

    gtk_widget_add_css_class (placeholder, "dim-label");
    gtk_widget_set_margin_top (placeholder, 12);
    gtk_widget_set_margin_bottom (placeholder, 12);
    gtk_list_box_set_placeholder (self->policy_list, placeholder);
  }
  g_signal_connect_swapped (self->selection, "selection-changed", G_CALLBACK (on_selection_changed), self);
  g_signal_connect_swapped (self->column_view, "activate", G_CALLBACK (on_activate), self);
  update_selection_actions (self);
  update_state (self);
}

PmEntitiesPage *
pm_entities_page_new (void)
{
  return g_object_new (PM_TYPE_ENTITIES_PAGE, NULL);
}

void
pm_entities_page_set_session (PmEntitiesPage *self,
                              PmSession      *session)
{
  g_return_if_fail (PM_IS_ENTITIES_PAGE (self));
  g_return_if_fail (session == NULL || PM_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->store, self);
      g_signal_handlers_disconnect_by_data (self->paced, self);
      g_signal_handlers_disconnect_by_data (pm_session_get_policies (self->session), self);
    }
  if (self->selection != NULL)
    gtk_multi_selection_set_model (self->selection, NULL);
  g_hash_table_remove_all (self->count_labels);
  forget_holders (self);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->paced);
  g_clear_object (&self->store);
  g_clear_pointer (&self->selected_id, g_free);
  g_set_object (&self->session, session);

  if (session != NULL)
    {
      self->store = g_object_ref (pm_session_get_entities (session));
      /* Thousands of deployments reach the list in steps: the column view
       * builds a row per item, a frame's worth at a time. A selection made
       * before its item is in the list is made when it comes. */
      self->paced = pm_paced_model_new (PM_TYPE_ENTITY, G_LIST_MODEL (self->store));
      self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->paced)),
                                                  g_object_ref (gtk_column_view_get_sorter (self->column_view)));
      gtk_multi_selection_set_model (self->selection, G_LIST_MODEL (self->sort_model));
      g_signal_connect_swapped (self->paced, "items-changed", G_CALLBACK (on_entities_changed), self);
      g_signal_connect_swapped (self->store, "notify::loading", G_CALLBACK (update_state), self);
      g_signal_connect_swapped (self->store, "notify::error", G_CALLBACK (update_state), self);
      g_signal_connect_swapped (self->store, "notify::loaded", G_CALLBACK (update_state), self);
      g_signal_connect_swapped (pm_session_get_policies (session), "items-changed",
                                G_CALLBACK (on_policies_changed), self);
    }
  if (self->policies != NULL)
    update_detail (self);
  update_state (self);
}

guint
pm_entities_page_count_policies (PmEntitiesPage *self,
                                 PmEntity       *entity)
{
  g_return_val_if_fail (PM_IS_ENTITIES_PAGE (self), 0);
  g_return_val_if_fail (PM_IS_ENTITY (entity), 0);

  return count_policies (self, entity);
}

gboolean
pm_entities_page_get_pending (PmEntitiesPage *self)
{
  g_return_val_if_fail (PM_IS_ENTITIES_PAGE (self), FALSE);
  return self->paced != NULL && pm_paced_model_get_pending (self->paced);
}

GListModel *
pm_entities_page_get_model (PmEntitiesPage *self)
{
  g_return_val_if_fail (PM_IS_ENTITIES_PAGE (self), NULL);
  return self->sort_model ? G_LIST_MODEL (self->sort_model) : NULL;
}

gboolean
pm_entities_page_select (PmEntitiesPage *self,
                         const char     *id)
{
  g_return_val_if_fail (PM_IS_ENTITIES_PAGE (self), FALSE);

  if (self->store == NULL || pm_entity_store_lookup (self->store, id) == NULL)
    return FALSE;
  g_free (self->selected_id);
  self->selected_id = g_strdup (id);
  reselect (self);
  update_detail (self);
  return TRUE;
}

GListModel *
pm_entities_page_get_policies (PmEntitiesPage *self)
{
  g_return_val_if_fail (PM_IS_ENTITIES_PAGE (self), NULL);
  return G_LIST_MODEL (self->policies);
}
