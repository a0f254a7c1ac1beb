/* pm-policy-editor.c: create or edit one policy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-bulk-op.h"
#include "pm-confirm-dialog.h"
#include "pm-error-text.h"
#include "pm-file-choice.h"
#include "pm-json.h"
#include "pm-policy-actions.h"
#include "pm-policy-editor.h"
#include "pm-region-catalog.h"
#include "pm-rule-row.h"
#include "pm-validate.h"

#define MAX_IMPORT_SIZE (1024 * 1024)

/* A window, not an AdwDialog as the account dialog is: a policy holds up
 * to 128 rules, which want a window's height (resized, maximized, tiled),
 * and windows are what let several editors stay open side by side to
 * compare policies. Its confirmations and file choosers are its own. */
struct _PmPolicyEditor
{
  AdwWindow         parent_instance;

  AdwToastOverlay  *toast_overlay;
  AdwWindowTitle   *window_title;
  GtkWidget        *menu_button;
  GtkWidget        *save_button;
  AdwSpinner       *spinner;
  GtkLabel         *error_label;
  GtkLabel         *problems_label;
  GtkLabel         *kept_label;
  AdwComboRow      *type_row;
  GtkWidget        *name_row;
  GtkWidget        *name_message_row;
  GtkLabel         *name_message;
  GtkWidget        *description_row;
  GtkWidget        *description_message_row;
  GtkLabel         *description_message;
  AdwComboRow      *region_combo;
  GtkWidget        *region_entry;
  GtkWidget        *region_message_row;
  GtkLabel         *region_message;
  GtkSwitch        *include_switch;
  GtkLabel         *rules_message;
  GtkWidget        *rules_group;
  GtkBox           *rules_box;
  GtkWidget        *applied_group;
  GtkListBox       *applied_list;

  PmSession        *session;
  PmPolicy         *original;     /* the store's object when editing; never changed */
  PmPolicy         *policy;       /* the working copy */
  PmPolicy         *pristine;     /* the working copy as loaded, for "modified" */
  GtkWidget        *toast_target;
  GArray           *types;        /* of PmPolicyType, as in type_row */
  GPtrArray        *regions;      /* of char*, as in region_combo */
  GListStore       *applied_to;   /* of PmEntity */
  GHashTable       *touched;
  GCancellable     *cancellable;
  AdwAlertDialog   *dialog;       /* open, not closing */
  char             *save_reason;
  char             *problems;
  char             *error_text;
  GStrv             api_fields;
  gboolean          is_new;
  gboolean          busy;
  gboolean          updating;
  gboolean          force_close;
};

G_DEFINE_FINAL_TYPE (PmPolicyEditor, pm_policy_editor, ADW_TYPE_WINDOW)

enum {
  SAVED,
  DELETED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const PmPolicyType all_types[] = {
  PM_POLICY_TYPE_IP,
  PM_POLICY_TYPE_EGRESS_FIREWALL,
  PM_POLICY_TYPE_VPCE,
  PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT,
  PM_POLICY_TYPE_GCP_PSC,
};

static void revalidate (PmPolicyEditor *self);

/* Helpers */

static void
show_field_message (GtkWidget  *row,
                    GtkWidget  *message_row,
                    GtkLabel   *label,
                    const char *message)
{
  gboolean has = message != NULL && *message != '\0';

  gtk_label_set_label (label, has ? message : "");
  gtk_widget_set_visible (message_row, has);
  if (has)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static GtkWidget *
region_widget (PmPolicyEditor *self)
{
  return gtk_widget_get_visible (self->region_entry) ? self->region_entry : GTK_WIDGET (self->region_combo);
}

static PmRuleRow *
rule_row_at (PmPolicyEditor *self,
             guint           index)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->rules_box));

  for (guint i = 0; child != NULL && i < index; i++)
    child = gtk_widget_get_next_sibling (child);
  return child ? PM_RULE_ROW (child) : NULL;
}

/* Parse "rules[3].source" into 3 and "source". */
static gboolean
parse_rule_field (const char  *field,
                  guint       *index,
                  const char **rest)
{
  char *end = NULL;
  guint64 value;

  if (!g_str_has_prefix (field, "rules["))
    return FALSE;
  value = g_ascii_strtoull (field + strlen ("rules["), &end, 10);
  if (end == NULL || *end != ']' || value > G_MAXUINT)
    return FALSE;
  *index = (guint) value;
  *rest = end[1] == '.' ? end + 2 : "";
  return TRUE;
}

/* Show one message at the field it names; FALSE when no such field. */
static gboolean
mark_field (PmPolicyEditor *self,
            const char     *field,
            const char     *message,
            gboolean        force)
{
  guint index;
  const char *rest;

  if (g_str_equal (field, "name"))
    {
      if (force || g_hash_table_contains (self->touched, "name") || !self->is_new)
        show_field_message (self->name_row, self->name_message_row, self->name_message, message);
      return TRUE;
    }
  if (g_str_equal (field, "description"))
    {
      show_field_message (self->description_row, self->description_message_row, self->description_message, message);
      return TRUE;
    }
  if (g_str_equal (field, "region") || g_str_equal (field, "type"))
    {
      show_field_message (region_widget (self), self->region_message_row, self->region_message, message);
      return TRUE;
    }
  if (g_str_equal (field, "rules"))
    {
      gtk_label_set_label (self->rules_message, message);
      gtk_widget_set_visible (GTK_WIDGET (self->rules_message), TRUE);
      return TRUE;
    }
  if (parse_rule_field (field, &index, &rest))
    {
      PmRuleRow *row = rule_row_at (self, index);

      if (row == NULL)
        return FALSE;
      pm_rule_row_set_issue (row, rest, message);
      return TRUE;
    }
  return FALSE;
}

static void
clear_marks (PmPolicyEditor *self)
{
  show_field_message (self->name_row, self->name_message_row, self->name_message, NULL);
  show_field_message (self->description_row, self->description_message_row, self->description_message, NULL);
  show_field_message (self->region_entry, self->region_message_row, self->region_message, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->region_combo), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->rules_message), FALSE);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->rules_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    pm_rule_row_clear_issues (PM_RULE_ROW (child));
}

static void
set_error_text (PmPolicyEditor *self,
                const char     *text)
{
  g_free (self->error_text);
  self->error_text = g_strdup (text);
  gtk_label_set_label (self->error_label, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
update_sensitivity (PmPolicyEditor *self)
{
  gboolean can_save = self->problems == NULL && !self->busy
                      && (self->is_new || pm_policy_editor_get_modified (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", can_save);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.delete", !self->is_new && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-association", !self->is_new && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.add-rule",
                                 pm_policy_get_n_rules (self->policy) < PM_MAX_RULES_PER_POLICY
                                 && !pm_policy_get_rules_kept (self->policy));
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
}

/* Lenient in, strict out */

/* Whether a field holds what the server sent and the user has not changed:
 * going back as it came, it is not the user's to fix (the rules keep their
 * own, see pm_rule_get_kept()). */
static gboolean
kept_unchanged (PmPolicyEditor *self,
                const char     *field)
{
  if (self->is_new || self->pristine == NULL)
    return FALSE;
  if (g_str_equal (field, "name"))
    return g_strcmp0 (pm_policy_get_name (self->policy), pm_policy_get_name (self->pristine)) == 0;
  if (g_str_equal (field, "description"))
    return g_strcmp0 (pm_policy_get_description (self->policy), pm_policy_get_description (self->pristine)) == 0;
  if (g_str_equal (field, "region"))
    return g_strcmp0 (pm_policy_get_region (self->policy), pm_policy_get_region (self->pristine)) == 0;
  return FALSE;
}

/* Rules that read but hold what Perimeter would not send (a source their
 * type does not take) are kept as they are until changed. */
static void
keep_odd_rules (PmPolicyEditor *self)
{
  GListModel *rules = pm_policy_get_rules (self->policy);
  PmPolicyType type = pm_policy_get_policy_type (self->policy);

  if (type == PM_POLICY_TYPE_UNKNOWN)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (rules); i++)
    {
      g_autoptr(PmRule) rule = g_list_model_get_item (rules, i);

      if (!pm_rule_get_kept (rule) && !pm_validate_rule (rule, type, NULL))
        pm_json_keep_rule_as_is (rule, type, pm_policy_get_flavour (self->policy));
    }
}

/* What the policy holds that Perimeter keeps as it came: what was odd when
 * it was read, and the fields the user has left alone that would not pass. */
static void
show_kept (PmPolicyEditor *self,
           GPtrArray      *kept)
{
  const char * const *oddities = self->original ? pm_policy_get_oddities (self->original) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; oddities != NULL && oddities[i] != NULL; i++)
    g_string_append_printf (text, "\n• %s", oddities[i]);
  for (guint i = 0; i < kept->len; i++)
    g_string_append_printf (text, "\n• %s", (const char *) g_ptr_array_index (kept, i));
  if (text->len > 0)
    g_string_prepend (text, _("The server sent values Perimeter would not send itself. "
                              "They go back as they came unless you change them:"));
  gtk_label_set_label (self->kept_label, text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->kept_label), text->len > 0);
}

/* Validation as the user types */

static void
revalidate (PmPolicyEditor *self)
{
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  g_autoptr(GString) problems = g_string_new (NULL);
  guint n = 0;

  if (self->updating)
    return;

  clear_marks (self);
  issues = pm_validate_policy (self->policy, pm_region_catalog_get_default ());
  for (guint i = 0; i < issues->len; i++)
    {
      PmValidationIssue *issue = g_ptr_array_index (issues, i);

      if (kept_unchanged (self, issue->field))
        {
          g_ptr_array_add (kept, issue->error->message);
          continue;
        }
      mark_field (self, issue->field, issue->error->message, FALSE);
      if (n++ > 0)
        g_string_append_c (problems, '\n');
      g_string_append (problems, issue->error->message);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->rules_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      const char *local = pm_rule_row_get_local_problem (PM_RULE_ROW (child));

      if (local == NULL)
        continue;
      if (n++ > 0)
        g_string_append_c (problems, '\n');
      g_string_append (problems, local);
    }

  show_kept (self, kept);
  g_clear_pointer (&self->problems, g_free);
  g_clear_pointer (&self->save_reason, g_free);
  if (n > 0)
    {
      self->problems = g_string_free (g_steal_pointer (&problems), FALSE);
      self->save_reason = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Fix %u problem to save",
                                                        "Fix %u problems to save", n), n);
    }
  else
    self->save_reason = g_strdup ("");

  gtk_widget_set_tooltip_text (self->save_button, self->problems);
  gtk_label_set_label (self->problems_label, self->save_reason);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), n > 0);
  if (n > 0)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->save_button),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->save_reason, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->save_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  update_sensitivity (self);
}

/* Rules */

static void
renumber_rules (PmPolicyEditor *self)
{
  guint n = pm_policy_get_n_rules (self->policy);
  guint i = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->rules_box));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    pm_rule_row_set_position (PM_RULE_ROW (child), i++, n);
}

static void
on_rule_changed (PmRuleRow      *row,
                 PmPolicyEditor *self)
{
  revalidate (self);
}

static void
on_split_sources (PmRuleRow      *row,
                  GStrv           sources,
                  PmPolicyEditor *self)
{
  GListModel *rules = pm_policy_get_rules (self->policy);
  guint position = 0;
  guint n = g_list_model_get_n_items (rules);

  for (; position < n; position++)
    {
      g_autoptr(PmRule) rule = g_list_model_get_item (rules, position);

      if (rule == pm_rule_row_get_rule (row))
        break;
    }
  for (guint i = 0; sources[i] != NULL; i++)
    {
      g_autoptr(PmRule) rule = pm_rule_new ();

      pm_rule_set_source (rule, sources[i]);
      pm_policy_add_rule (self->policy, rule);
      if (position + 1 + i < pm_policy_get_n_rules (self->policy) - 1)
        pm_policy_move_rule (self->policy, pm_policy_get_n_rules (self->policy) - 1, position + 1 + i);
    }
}

static gboolean
is_narrow (PmPolicyEditor *self)
{
  return adw_window_get_current_breakpoint (ADW_WINDOW (self)) != NULL;
}

static void
on_narrow_changed (PmPolicyEditor *self)
{
  gboolean narrow = is_narrow (self);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->rules_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    pm_rule_row_set_narrow (PM_RULE_ROW (child), narrow);
}

static GtkWidget *
create_rule_row (PmPolicyEditor *self,
                 PmRule         *rule)
{
  GtkWidget *row = pm_rule_row_new (rule, pm_policy_get_policy_type (self->policy),
                                    pm_policy_get_flavour (self->policy));

  pm_rule_row_set_narrow (PM_RULE_ROW (row), is_narrow (self));

  g_signal_connect (row, "changed", G_CALLBACK (on_rule_changed), self);
  g_signal_connect (row, "split-sources", G_CALLBACK (on_split_sources), self);
  return row;
}

static void
on_rules_changed (GListModel     *rules,
                  guint           position,
                  guint           removed,
                  guint           added,
                  PmPolicyEditor *self)
{
  GtkWidget *before = NULL;

  for (guint i = 0; i < removed; i++)
    {
      GtkWidget *row = GTK_WIDGET (rule_row_at (self, position));

      if (row != NULL)
        gtk_box_remove (self->rules_box, row);
    }
  if (position > 0)
    before = GTK_WIDGET (rule_row_at (self, position - 1));
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(PmRule) rule = g_list_model_get_item (rules, position + i);
      GtkWidget *row = create_rule_row (self, rule);

      gtk_box_insert_child_after (self->rules_box, row, before);
      before = row;
    }
  renumber_rules (self);
  revalidate (self);
}

static void
rebuild_rules (PmPolicyEditor *self)
{
  GtkWidget *child;
  GListModel *rules = pm_policy_get_rules (self->policy);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rules_box))) != NULL)
    gtk_box_remove (self->rules_box, child);
  on_rules_changed (rules, 0, 0, g_list_model_get_n_items (rules), self);
}

/* Regions and types */

static char *
region_label (PmRegion *region)
{
  return g_strdup_printf ("%s (%s)", pm_region_get_name (region), pm_region_get_api_region (region));
}

/* A new policy starts in the region the account's policies use most. */
static guint
usual_region (PmPolicyEditor *self)
{
  GListModel *store = G_LIST_MODEL (pm_session_get_policies (self->session));
  g_autofree guint *counts = g_new0 (guint, self->regions->len);
  guint best = 0;

  for (guint i = 0; i < g_list_model_get_n_items (store); i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (store, i);

      for (guint r = 0; r < self->regions->len; r++)
        if (pm_region_catalog_same_region (pm_region_catalog_get_default (), pm_session_get_flavour (self->session),
                                           pm_policy_get_region (policy), g_ptr_array_index (self->regions, r)))
          {
            counts[r]++;
            break;
          }
    }
  for (guint r = 1; r < self->regions->len; r++)
    if (counts[r] > counts[best])
      best = r;
  return best;
}

static void
setup_regions (PmPolicyEditor *self)
{
  PmRegionCatalog *catalog = pm_region_catalog_get_default ();
  PmFlavour flavour = pm_session_get_flavour (self->session);
  PmProvider provider = pm_policy_type_get_provider (pm_policy_get_policy_type (self->policy));
  const char *current = pm_policy_get_region (self->policy);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  guint selected = GTK_INVALID_LIST_POSITION;

  gtk_widget_set_visible (self->region_entry, flavour == PM_FLAVOUR_ECE);
  gtk_widget_set_visible (GTK_WIDGET (self->region_combo), flavour != PM_FLAVOUR_ECE);
  gtk_widget_set_sensitive (self->region_entry, self->is_new);
  gtk_widget_set_sensitive (GTK_WIDGET (self->region_combo), self->is_new);
  if (flavour == PM_FLAVOUR_ECE)
    {
      g_autofree char *region = NULL;

      if (self->is_new && (current == NULL || *current == '\0'))
        pm_policy_set_region (self->policy, "ece-region");
      region = g_strdup (pm_policy_get_region (self->policy));

      self->updating = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->region_entry), region ? region : "");
      self->updating = FALSE;
      return;
    }

  g_ptr_array_set_size (self->regions, 0);
  for (PmProvider p = PM_PROVIDER_AWS; p <= PM_PROVIDER_GCP; p++)
    {
      GListModel *list;

      if (provider != PM_PROVIDER_NONE && p != provider)
        continue;
      list = pm_region_catalog_list (catalog, flavour, p);
      for (guint i = 0; i < g_list_model_get_n_items (list); i++)
        {
          g_autoptr(PmRegion) region = g_list_model_get_item (list, i);
          g_autofree char *label = region_label (region);
          const char *api_region = pm_region_get_api_region (region);

          if (current != NULL && selected == GTK_INVALID_LIST_POSITION
              && pm_region_catalog_same_region (catalog, flavour, current, api_region))
            selected = self->regions->len;
          g_ptr_array_add (self->regions, g_strdup (api_region));
          gtk_string_list_append (labels, label);
        }
    }
  if (selected == GTK_INVALID_LIST_POSITION && current != NULL && *current != '\0')
    {
      /* A region the tables do not know: keep it as it is. */
      g_ptr_array_insert (self->regions, 0, g_strdup (current));
      gtk_string_list_splice (labels, 0, 0, (const char * const[]) { current, NULL });
      selected = 0;
    }
  self->updating = TRUE;
  adw_combo_row_set_model (self->region_combo, G_LIST_MODEL (labels));
  if (selected == GTK_INVALID_LIST_POSITION && self->regions->len > 0)
    {
      selected = usual_region (self);
      pm_policy_set_region (self->policy, g_ptr_array_index (self->regions, selected));
    }
  adw_combo_row_set_selected (self->region_combo, selected);
  self->updating = FALSE;
}

static void
setup_types (PmPolicyEditor *self)
{
  PmFlavour flavour = pm_session_get_flavour (self->session);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  guint selected = 0;

  g_array_set_size (self->types, 0);
  for (guint i = 0; i < G_N_ELEMENTS (all_types); i++)
    {
      if (!pm_flavour_supports_type (flavour, all_types[i]))
        continue;
      if (all_types[i] == pm_policy_get_policy_type (self->policy))
        selected = self->types->len;
      g_array_append_val (self->types, all_types[i]);
      gtk_string_list_append (labels, pm_policy_type_get_label (all_types[i]));
    }
  self->updating = TRUE;
  adw_combo_row_set_model (self->type_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->type_row, selected);
  self->updating = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->type_row), self->is_new);
}

static void
update_title (PmPolicyEditor *self)
{
  const char *type = pm_policy_type_get_label (pm_policy_get_policy_type (self->policy));

  adw_window_title_set_title (self->window_title, self->is_new ? _("New Policy") : _("Edit Policy"));
  adw_window_title_set_subtitle (self->window_title, type);
  gtk_window_set_title (GTK_WINDOW (self), self->is_new ? _("New Policy") : _("Edit Policy"));
}

static void
load_fields (PmPolicyEditor *self)
{
  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), pm_policy_get_name (self->policy)
                         ? pm_policy_get_name (self->policy) : "");
  gtk_editable_set_text (GTK_EDITABLE (self->description_row), pm_policy_get_description (self->policy)
                         ? pm_policy_get_description (self->policy) : "");
  gtk_switch_set_active (self->include_switch, pm_policy_get_include_by_default (self->policy));
  self->updating = FALSE;
  setup_types (self);
  setup_regions (self);
  update_title (self);
  rebuild_rules (self);
}

static void
on_type_selected (PmPolicyEditor *self)
{
  guint selected = adw_combo_row_get_selected (self->type_row);

  /* Only a new policy's type can change (the row is hidden otherwise). */
  if (self->updating || !self->is_new || selected >= self->types->len)
    return;
  pm_policy_editor_set_policy_type (self, g_array_index (self->types, PmPolicyType, selected));
}

static void
on_region_selected (PmPolicyEditor *self)
{
  guint selected = adw_combo_row_get_selected (self->region_combo);

  if (self->updating || selected >= self->regions->len)
    return;
  g_hash_table_add (self->touched, (gpointer) "region");
  pm_policy_set_region (self->policy, g_ptr_array_index (self->regions, selected));
  revalidate (self);
}

static void
on_region_entry_changed (PmPolicyEditor *self)
{
  if (self->updating)
    return;
  g_hash_table_add (self->touched, (gpointer) "region");
  pm_policy_set_region (self->policy, gtk_editable_get_text (GTK_EDITABLE (self->region_entry)));
  revalidate (self);
}

static void
on_name_changed (PmPolicyEditor *self)
{
  if (self->updating)
    return;
  g_hash_table_add (self->touched, (gpointer) "name");
  pm_policy_set_name (self->policy, gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  revalidate (self);
}

static void
on_description_changed (PmPolicyEditor *self)
{
  if (self->updating)
    return;
  pm_policy_set_description (self->policy, gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  revalidate (self);
}

static void
on_include_changed (PmPolicyEditor *self)
{
  if (self->updating)
    return;
  pm_policy_set_include_by_default (self->policy, gtk_switch_get_active (self->include_switch));
  revalidate (self);
}

/* Saving */

static void
mark_api_error (PmPolicyEditor *self,
                const GError   *error)
{
  const PmApiErrorDetails *details = pm_api_error_get_details (error);
  g_autofree char *described = pm_error_text_describe (error);
  g_autofree char *text = NULL;

  if (details != NULL && details->message != NULL && g_strcmp0 (details->message, described) != 0)
    text = g_strdup_printf ("%s\n%s", described, details->message);
  else
    text = g_strdup (described);
  set_error_text (self, text);

  g_clear_pointer (&self->api_fields, g_strfreev);
  if (details == NULL || details->fields == NULL)
    return;
  self->api_fields = g_strdupv (details->fields);
  for (guint i = 0; self->api_fields[i] != NULL; i++)
    {
      const char *message = details->message ? details->message : described;

      if (!mark_field (self, self->api_fields[i], message, TRUE))
        {
          /* "rules.source" and such: mark every rule's field. */
          if (g_str_has_prefix (self->api_fields[i], "rules."))
            for (guint r = 0; r < pm_policy_get_n_rules (self->policy); r++)
              pm_rule_row_set_issue (rule_row_at (self, r), self->api_fields[i] + strlen ("rules."), message);
        }
    }
}

static void
set_busy (PmPolicyEditor *self,
          gboolean        busy)
{
  self->busy = busy;
  update_sensitivity (self);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PmPolicyEditor) self = user_data;
  g_autoptr(PmPolicy) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *toast = NULL;

  if (self->is_new)
    saved = pm_api_create_policy_finish (PM_API (source), result, &error);
  else
    saved = pm_api_update_policy_finish (PM_API (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (saved == NULL)
    {
      mark_api_error (self, error);
      return;
    }

  pm_policy_store_upsert (pm_session_get_policies (self->session), saved);
  toast = g_strdup_printf (self->is_new ? _("Created “%s”") : _("Saved “%s”"), pm_policy_get_name (saved));
  pm_policy_actions_toast (self->toast_target, toast);
  g_signal_emit (self, signals[SAVED], 0, saved);
  self->force_close = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
send_save (PmPolicyEditor *self)
{
  g_autoptr(PmPolicy) request = pm_policy_copy (self->policy);
  PmApi *api = pm_session_get_api (self->session);

  set_error_text (self, NULL);
  set_busy (self, TRUE);
  if (self->is_new)
    pm_api_create_policy_async (api, request, self->cancellable, on_saved, g_object_ref (self));
  else
    pm_api_update_policy_async (api, request, self->cancellable, on_saved, g_object_ref (self));
}

static void
on_impact_response (AdwAlertDialog *dialog,
                    const char     *response,
                    PmPolicyEditor *self)
{
  if (g_strcmp0 (response, "save") == 0)
    send_save (self);
}

static void
on_dialog_closed (PmPolicyEditor *self,
                  AdwDialog      *dialog)
{
  if (self->dialog == ADW_ALERT_DIALOG (dialog))
    g_clear_weak_pointer (&self->dialog);
}

/* Presents dialog (its ::response connected) inside this window. */
static void
present_dialog (PmPolicyEditor *self,
                AdwDialog      *dialog)
{
  g_set_weak_pointer (&self->dialog, ADW_ALERT_DIALOG (dialog));
  g_signal_connect_object (dialog, "closed", G_CALLBACK (on_dialog_closed), self, G_CONNECT_SWAPPED);
  adw_dialog_present (dialog, GTK_WIDGET (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PmPolicyEditor *self = PM_POLICY_EDITOR (widget);
  g_autofree char *impact = NULL;
  AdwDialog *dialog;
  gboolean lost = FALSE;

  revalidate (self);
  if (self->problems != NULL || self->busy)
    return;

  if (!self->is_new && self->original != NULL)
    impact = pm_policy_describe_edit_impact (self->session, self->original, self->policy, &lost);
  if (impact == NULL)
    {
      send_save (self);
      return;
    }

  dialog = pm_confirm_dialog_new (lost ? _("Save and Lose Your Own Access?") : _("Save and Refuse This Traffic?"),
                                  impact, "save", _("_Save"), ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_impact_response), self, 0);
  present_dialog (self, dialog);
}

/* Closing */

static void
on_discard_response (AdwAlertDialog *dialog,
                     const char     *response,
                     PmPolicyEditor *self)
{
  if (g_strcmp0 (response, "discard") != 0)
    return;
  self->force_close = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
pm_policy_editor_close_request (GtkWindow *window)
{
  PmPolicyEditor *self = PM_POLICY_EDITOR (window);
  AdwDialog *dialog;

  if (self->force_close || !pm_policy_editor_get_modified (self))
    {
      g_cancellable_cancel (self->cancellable);
      return GTK_WINDOW_CLASS (pm_policy_editor_parent_class)->close_request (window);
    }
  /* Asked already: the question open in the window is answered first. */
  if (self->dialog != NULL)
    return TRUE;

  dialog = adw_alert_dialog_new (_("Discard Changes?"),
                                 _("This policy has changes that are not saved. Discarding them cannot be undone."));
  adw_alert_dialog_add_responses (ADW_ALERT_DIALOG (dialog), "keep", _("_Keep Editing"), "discard", _("_Discard"), NULL);
  adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog), "keep");
  adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, 0);
  present_dialog (self, dialog);
  return TRUE;
}

/* Rule actions */

static void
add_rule_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  PmPolicyEditor *self = PM_POLICY_EDITOR (widget);
  g_autoptr(PmRule) rule = pm_rule_new ();
  PmRuleRow *row;
  GtkWidget *field;

  pm_policy_add_rule (self->policy, rule);
  row = rule_row_at (self, pm_policy_get_n_rules (self->policy) - 1);
  if (row == NULL)
    return;
  field = pm_rule_row_get_field (row, pm_policy_get_policy_type (self->policy) == PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT
                                 ? "azure_endpoint_name"
                                 : pm_policy_get_policy_type (self->policy) == PM_POLICY_TYPE_EGRESS_FIREWALL
                                 ? "egress_rule.target" : "source");
  if (field != NULL)
    gtk_widget_grab_focus (field);
}

static void
rule_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PmPolicyEditor *self = PM_POLICY_EDITOR (widget);
  guint index = g_variant_get_uint32 (parameter);
  guint n = pm_policy_get_n_rules (self->policy);

  if (index >= n)
    return;
  if (g_str_equal (action_name, "editor.rule-remove"))
    pm_policy_remove_rule (self->policy, index);
  else if (g_str_equal (action_name, "editor.rule-up") && index > 0)
    pm_policy_move_rule (self->policy, index, index - 1);
  else if (g_str_equal (action_name, "editor.rule-down") && index + 1 < n)
    pm_policy_move_rule (self->policy, index, index + 1);
}

/* Copy, export, import */

static void
request_for (PmPolicyEditor  *self,
             const char     **method,
             char           **path,
             JsonNode       **body)
{
  gboolean serverless = pm_session_get_flavour (self->session) == PM_FLAVOUR_SERVERLESS;
  const char *base = serverless ? "/api/v1/serverless/traffic-filters" : "/api/v1/deployments/traffic-filter/rulesets";

  if (self->is_new)
    {
      *method = "POST";
      *path = g_strdup (base);
      *body = pm_json_write_policy_request (self->policy);
    }
  else
    {
      g_autofree char *escaped = g_uri_escape_string (pm_policy_get_id (self->policy), NULL, FALSE);

      *method = serverless ? "PATCH" : "PUT";
      *path = g_strdup_printf ("%s/%s", base, escaped);
      *body = serverless ? pm_json_write_policy_patch (self->policy) : pm_json_write_policy_request (self->policy);
    }
}

char *
pm_policy_editor_dup_curl (PmPolicyEditor *self)
{
  g_autoptr(PmHttp) http = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  const char *method;
  PmApi *api;

  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), NULL);

  api = pm_session_get_api (self->session);
  request_for (self, &method, &path, &body);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (api), "http") != NULL)
    g_object_get (api, "http", &http, NULL);
  if (http != NULL)
    return pm_http_format_curl (http, method, path, body);
  else
    {
      g_autofree char *json = pm_json_to_string (body, TRUE);

      return g_strdup_printf ("curl -X %s -H \"Authorization: ApiKey $EC_API_KEY\" "
                              "-H 'Content-Type: application/json' "
                              "'https://api.elastic-cloud.com%s' -d '%s'", method, path, json);
    }
}

char *
pm_policy_editor_dup_json (PmPolicyEditor *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), NULL);
  node = pm_json_write_policy_request (self->policy);
  return pm_json_to_string (node, TRUE);
}

static void
copy_curl_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  PmPolicyEditor *self = PM_POLICY_EDITOR (widget);
  g_autofree char *curl = pm_policy_editor_dup_curl (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), curl);
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (_("Copied the curl command; it reads the key from $EC_API_KEY")));
}

static void
on_export_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PmPolicyEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not export the policy: %s"), error->message);

      set_error_text (self, text);
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Exported the policy")));
}

static void
export_to_file (PmPolicyEditor *self,
                GFile          *file)
{
  g_autoptr(GBytes) bytes = NULL;
  char *json = pm_policy_editor_dup_json (self);

  bytes = g_bytes_new_take (json, strlen (json));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->cancellable, on_export_written, g_object_ref (self));
}

/* Dismissing or cancelling says nothing; a dialog that could not be shown
 * says why, above the form. */
static GFile *
finish_file_choice (PmPolicyEditor *self,
                    GAsyncResult   *result)
{
  g_autoptr(GError) error = NULL;
  GFile *file = pm_file_choice_finish (result, &error);

  if (file == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Could not show the file chooser: %s"), error->message);

      set_error_text (self, text);
    }
  return file;
}

static void
on_export_chosen (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PmPolicyEditor) self = user_data;
  g_autoptr(GFile) file = finish_file_choice (self, result);

  if (file != NULL)
    export_to_file (self, file);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PmPolicyEditor *self = PM_POLICY_EDITOR (widget);
  const char *name = pm_policy_get_name (self->policy);
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autofree char *file_name = NULL;

  file_name = g_strdup_printf ("%s.json", name != NULL && *name != '\0' ? name : "policy");
  g_strdelimit (file_name, "/\\", '-');
  gtk_file_dialog_set_title (dialog, _("Export Policy"));
  gtk_file_dialog_set_accept_label (dialog, _("_Export"));
  gtk_file_dialog_set_initial_name (dialog, file_name);
  pm_file_choice_async (dialog, PM_FILE_CHOICE_SAVE, widget, self->cancellable,
                        on_export_chosen, g_object_ref (self));
}

gboolean
pm_policy_editor_import_bytes (PmPolicyEditor  *self,
                               GBytes          *bytes,
                               GError         **error)
{
  PmFlavour flavour = pm_session_get_flavour (self->session);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(PmPolicy) imported = NULL;
  PmPolicyType type;
  GListModel *rules;

  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), FALSE);

  if (g_bytes_get_size (bytes) > MAX_IMPORT_SIZE)
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("The file is larger than 1 MB; a policy file is a few kilobytes"));
      return FALSE;
    }
  node = pm_json_parse_bytes (bytes, error);
  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("The file does not hold one policy: a policy file is a JSON object with a name, a type and rules"));
      return FALSE;
    }
  /* Counted before reading them: a file of thousands of rules is refused
   * whole rather than read and cut. */
  {
    JsonNode *rules_node = json_object_get_member (json_node_get_object (node), "rules");

    if (rules_node != NULL && JSON_NODE_HOLDS_ARRAY (rules_node)
        && json_array_get_length (json_node_get_array (rules_node)) > PM_MAX_RULES_PER_POLICY)
      {
        g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                     _("The file holds %u rules; a policy can have at most %u"),
                     json_array_get_length (json_node_get_array (rules_node)),
                     (guint) PM_MAX_RULES_PER_POLICY);
        return FALSE;
      }
  }
  imported = pm_json_read_policy_request (node, flavour, error);
  if (imported == NULL)
    return FALSE;

  type = pm_policy_get_policy_type (imported);
  if (type == PM_POLICY_TYPE_UNKNOWN || !pm_flavour_supports_type (flavour, type))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("The file holds a policy of type “%s”, which %s does not have"),
                   pm_policy_get_type_string (imported) ? pm_policy_get_type_string (imported) : "",
                   pm_flavour_get_label (flavour));
      return FALSE;
    }
  if (!self->is_new && type != pm_policy_get_policy_type (self->policy))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("The file holds a %s policy; this one is a %s policy"),
                   pm_policy_type_get_label (type),
                   pm_policy_type_get_label (pm_policy_get_policy_type (self->policy)));
      return FALSE;
    }

  self->updating = TRUE;
  if (self->is_new)
    {
      pm_policy_set_policy_type (self->policy, type);
      if (pm_policy_get_region (imported) != NULL && *pm_policy_get_region (imported) != '\0')
        pm_policy_set_region (self->policy, pm_policy_get_region (imported));
    }
  pm_policy_set_name (self->policy, pm_policy_get_name (imported));
  pm_policy_set_description (self->policy, pm_policy_get_description (imported));
  pm_policy_set_include_by_default (self->policy, pm_policy_get_include_by_default (imported));
  while (pm_policy_get_n_rules (self->policy) > 0)
    pm_policy_remove_rule (self->policy, 0);
  rules = pm_policy_get_rules (imported);
  for (guint i = 0; i < g_list_model_get_n_items (rules); i++)
    {
      g_autoptr(PmRule) rule = g_list_model_get_item (rules, i);
      g_autoptr(PmRule) copy = pm_rule_copy (rule);

      pm_policy_add_rule (self->policy, copy);
    }
  self->updating = FALSE;
  g_hash_table_add (self->touched, (gpointer) "name");
  load_fields (self);
  revalidate (self);
  return TRUE;
}

static void
on_import_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PmPolicyEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("Could not read the file: %s"), error->message);

          set_error_text (self, text);
        }
      return;
    }
  bytes = g_bytes_new_take (contents, length);
  if (!pm_policy_editor_import_bytes (self, bytes, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not import the policy: %s"), error->message);

      set_error_text (self, text);
      return;
    }
  set_error_text (self, NULL);
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (_("Imported; nothing is sent until you save")));
}

static void
on_import_chosen (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PmPolicyEditor) self = user_data;
  g_autoptr(GFile) file = finish_file_choice (self, result);

  if (file != NULL)
    g_file_load_contents_async (file, self->cancellable, on_import_loaded, g_object_ref (self));
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PmPolicyEditor *self = PM_POLICY_EDITOR (widget);
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GListStore) filters = g_list_store_new (GTK_TYPE_FILE_FILTER);

  gtk_file_filter_set_name (filter, _("JSON files"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");
  g_list_store_append (filters, filter);
  gtk_file_dialog_set_title (dialog, _("Import Policy"));
  gtk_file_dialog_set_accept_label (dialog, _("_Import"));
  gtk_file_dialog_set_filters (dialog, G_LIST_MODEL (filters));
  gtk_file_dialog_set_default_filter (dialog, filter);
  pm_file_choice_async (dialog, PM_FILE_CHOICE_OPEN, widget, self->cancellable,
                        on_import_chosen, g_object_ref (self));
}

/* Delete */

static void
on_delete_done (gboolean success,
                gpointer user_data)
{
  g_autoptr(PmPolicyEditor) self = user_data;
  g_autofree char *text = NULL;

  set_busy (self, FALSE);
  if (!success)
    return;
  text = g_strdup_printf (_("Deleted “%s”"), pm_policy_get_name (self->original));
  if (self->toast_target != NULL && self->toast_target != GTK_WIDGET (self))
    pm_policy_actions_toast (self->toast_target, text);
  g_signal_emit (self, signals[DELETED], 0);
  self->force_close = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PmPolicyEditor *self = PM_POLICY_EDITOR (widget);

  if (self->is_new || self->original == NULL)
    return;
  pm_policy_actions_delete (widget, self->session, self->original, on_delete_done, g_object_ref (self));
}

/* Associations */

typedef struct
{
  PmPolicyEditor *editor;
  PmEntity       *entity;
  gboolean        apply;
} AppliedOp;

static gboolean
find_applied (PmPolicyEditor *self,
              const char     *id,
              guint          *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->applied_to));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PmEntity) entity = g_list_model_get_item (G_LIST_MODEL (self->applied_to), i);

      if (g_strcmp0 (pm_entity_get_id (entity), id) == 0)
        {
          if (position != NULL)
            *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
on_applied_done (gboolean success,
                 gpointer user_data)
{
  AppliedOp *op = user_data;
  PmPolicyEditor *self = op->editor;
  guint position;

  set_busy (self, FALSE);
  if (success)
    {
      gboolean present = find_applied (self, pm_entity_get_id (op->entity), &position);

      if (op->apply && !present)
        g_list_store_append (self->applied_to, op->entity);
      else if (!op->apply && present)
        g_list_store_remove (self->applied_to, position);
    }
  g_object_unref (op->editor);
  g_object_unref (op->entity);
  g_free (op);
}

static void
set_applied (PmPolicyEditor *self,
             PmEntity       *entity,
             gboolean        apply)
{
  AppliedOp *op = g_new0 (AppliedOp, 1);

  op->editor = g_object_ref (self);
  op->entity = g_object_ref (entity);
  op->apply = apply;
  set_busy (self, TRUE);
  pm_policy_actions_set_applied (GTK_WIDGET (self), self->session, self->original, entity, apply,
                                 on_applied_done, op);
}

void
pm_policy_editor_apply_to (PmPolicyEditor *self,
                           PmEntity       *entity)
{
  g_return_if_fail (PM_IS_POLICY_EDITOR (self));
  g_return_if_fail (PM_IS_ENTITY (entity));
  g_return_if_fail (!self->is_new);

  set_applied (self, entity, TRUE);
}

static void
remove_association_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  PmPolicyEditor *self = PM_POLICY_EDITOR (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  guint position;
  g_autoptr(PmEntity) entity = NULL;

  if (!find_applied (self, id, &position))
    return;
  entity = g_list_model_get_item (G_LIST_MODEL (self->applied_to), position);
  set_applied (self, entity, FALSE);
}

/* The bulk apply from the picker ended: what now holds the policy is listed. */
static void
on_bulk_applied (PmBulkOp       *op,
                 GParamSpec     *pspec,
                 PmPolicyEditor *self)
{
  if (pm_bulk_op_get_running (op))
    return;
  g_signal_handlers_disconnect_by_func (op, on_bulk_applied, self);
  for (guint i = 0; i < pm_bulk_op_get_n_items (op); i++)
    {
      PmBulkResult result = pm_bulk_op_get_result (op, i, NULL);
      PmEntity *entity = pm_bulk_op_get_entity (op, i);

      if ((result == PM_BULK_RESULT_DONE || result == PM_BULK_RESULT_UNCHANGED)
          && !find_applied (self, pm_entity_get_id (entity), NULL))
        g_list_store_append (self->applied_to, entity);
    }
}

void
pm_policy_editor_apply_to_many (PmPolicyEditor *self,
                                GPtrArray      *entities)
{
  g_autoptr(PmBulkOp) op = NULL;

  g_return_if_fail (PM_IS_POLICY_EDITOR (self));
  g_return_if_fail (entities != NULL);
  g_return_if_fail (!self->is_new);

  if (entities->len == 0)
    return;
  op = pm_bulk_op_new (self->session, TRUE);
  for (guint i = 0; i < entities->len; i++)
    pm_bulk_op_add (op, self->original, g_ptr_array_index (entities, i));
  /* The results dialog keeps it alive while it runs (or the question
   * first, when my networks would lose access); its toast goes to the
   * editor's own overlay. The editor stays usable meanwhile. */
  g_signal_connect_object (op, "notify::running", G_CALLBACK (on_bulk_applied), self, 0);
  pm_bulk_op_confirm_and_present (op, GTK_WIDGET (self->applied_list));
}

static void
on_entities_chosen (GPtrArray *items,
                    gpointer   user_data)
{
  pm_policy_editor_apply_to_many (PM_POLICY_EDITOR (user_data), items);
}

static void
add_association_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PmPolicyEditor *self = PM_POLICY_EDITOR (widget);
  GListModel *entities = G_LIST_MODEL (pm_session_get_entities (self->session));
  g_autoptr(GListStore) candidates = g_list_store_new (PM_TYPE_ENTITY);
  g_autofree char *title = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (entities); i++)
    {
      g_autoptr(PmEntity) entity = g_list_model_get_item (entities, i);

      if (pm_entity_can_hold_policy (self->session, entity, self->original)
          && !find_applied (self, pm_entity_get_id (entity), NULL))
        g_list_store_append (candidates, entity);
    }
  title = g_strdup_printf (_("Apply “%s” to…"), pm_policy_get_name (self->original));
  pm_picker_present_many (widget, title, G_LIST_MODEL (candidates), pm_entity_picker_label, on_entities_chosen,
                          g_object_ref (self), g_object_unref);
}

static GtkWidget *
create_applied_row (gpointer item,
                    gpointer user_data)
{
  PmEntity *entity = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("list-remove-symbolic");
  g_autofree char *subtitle = pm_entity_picker_label (entity, TRUE);
  g_autofree char *label = g_strdup_printf (_("Detach from %s"), pm_entity_get_name (entity));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pm_entity_get_name (entity));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "editor.remove-association");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", pm_entity_get_id (entity));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

/* Object */

static void
pm_policy_editor_dispose (GObject *object)
{
  PmPolicyEditor *self = PM_POLICY_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  if (self->policy != NULL)
    g_signal_handlers_disconnect_by_data (pm_policy_get_rules (self->policy), self);
  g_clear_weak_pointer (&self->dialog);
  g_clear_weak_pointer (&self->toast_target);
  adw_window_set_content (ADW_WINDOW (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_POLICY_EDITOR);
  G_OBJECT_CLASS (pm_policy_editor_parent_class)->dispose (object);
}

static void
pm_policy_editor_finalize (GObject *object)
{
  PmPolicyEditor *self = PM_POLICY_EDITOR (object);

  g_clear_object (&self->session);
  g_clear_object (&self->original);
  g_clear_object (&self->policy);
  g_clear_object (&self->pristine);
  g_clear_object (&self->applied_to);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->types, g_array_unref);
  g_clear_pointer (&self->regions, g_ptr_array_unref);
  g_clear_pointer (&self->touched, g_hash_table_unref);
  g_clear_pointer (&self->save_reason, g_free);
  g_clear_pointer (&self->problems, g_free);
  g_clear_pointer (&self->error_text, g_free);
  g_clear_pointer (&self->api_fields, g_strfreev);
  G_OBJECT_CLASS (pm_policy_editor_parent_class)->finalize (object);
}

static void
pm_policy_editor_class_init (PmPolicyEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pm_policy_editor_dispose;
  object_class->finalize = pm_policy_editor_finalize;
  window_class->close_request = pm_policy_editor_close_request;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, PM_TYPE_POLICY);
  signals[DELETED] = g_signal_new ("deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/perimeter/Perimeter/pm-policy-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, menu_button);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, spinner);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, kept_label);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, problems_label);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, type_row);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, name_message_row);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, name_message);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, description_message_row);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, description_message);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, region_combo);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, region_entry);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, region_message_row);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, region_message);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, include_switch);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, rules_message);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, rules_group);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, rules_box);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, applied_group);
  gtk_widget_class_bind_template_child (widget_class, PmPolicyEditor, applied_list);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.add-rule", NULL, add_rule_action);
  gtk_widget_class_install_action (widget_class, "editor.rule-remove", "u", rule_action);
  gtk_widget_class_install_action (widget_class, "editor.rule-up", "u", rule_action);
  gtk_widget_class_install_action (widget_class, "editor.rule-down", "u", rule_action);
  gtk_widget_class_install_action (widget_class, "editor.copy-curl", NULL, copy_curl_action);
  gtk_widget_class_install_action (widget_class, "editor.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "editor.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "editor.add-association", NULL, add_association_action);
  gtk_widget_class_install_action (widget_class, "editor.remove-association", "s", remove_association_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pm_policy_editor_init (PmPolicyEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->types = g_array_new (FALSE, FALSE, sizeof (PmPolicyType));
  self->regions = g_ptr_array_new_with_free_func (g_free);
  self->applied_to = g_list_store_new (PM_TYPE_ENTITY);
  self->touched = g_hash_table_new (g_str_hash, g_str_equal);

  gtk_list_box_bind_model (self->applied_list, G_LIST_MODEL (self->applied_to), create_applied_row, self, NULL);
  g_signal_connect_swapped (self->type_row, "notify::selected", G_CALLBACK (on_type_selected), self);
  g_signal_connect (self, "notify::current-breakpoint", G_CALLBACK (on_narrow_changed), NULL);
  g_signal_connect_swapped (self->region_combo, "notify::selected", G_CALLBACK (on_region_selected), self);
  g_signal_connect_swapped (self->region_entry, "changed", G_CALLBACK (on_region_entry_changed), self);
  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (on_name_changed), self);
  g_signal_connect_swapped (self->description_row, "changed", G_CALLBACK (on_description_changed), self);
  g_signal_connect_swapped (self->include_switch, "notify::active", G_CALLBACK (on_include_changed), self);
}

PmPolicyEditor *
pm_policy_editor_new (GtkWidget *parent,
                      PmSession *session,
                      PmPolicy  *policy)
{
  PmPolicyEditor *self;
  GtkRoot *root;

  g_return_val_if_fail (parent == NULL || GTK_IS_WIDGET (parent), NULL);
  g_return_val_if_fail (PM_IS_SESSION (session), NULL);
  g_return_val_if_fail (policy == NULL || PM_IS_POLICY (policy), NULL);

  self = g_object_new (PM_TYPE_POLICY_EDITOR, NULL);
  self->session = g_object_ref (session);
  self->is_new = policy == NULL;
  if (policy != NULL)
    {
      self->original = g_object_ref (policy);
      self->policy = pm_policy_copy (policy);
    }
  else
    {
      PmFlavour flavour = pm_session_get_flavour (session);

      self->policy = pm_policy_new (flavour, PM_POLICY_TYPE_IP);
    }
  if (self->is_new)
    {
      g_autoptr(PmRule) rule = pm_rule_new ();

      pm_policy_add_rule (self->policy, rule);
    }

  if (parent != NULL)
    {
      g_set_weak_pointer (&self->toast_target, parent);
      root = gtk_widget_get_root (parent);
      if (GTK_IS_WINDOW (root))
        gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
    }
  else
    g_set_weak_pointer (&self->toast_target, GTK_WIDGET (self->toast_overlay));

  gtk_button_set_label (GTK_BUTTON (self->save_button), self->is_new ? _("_Create") : _("_Save"));
  g_signal_connect (pm_policy_get_rules (self->policy), "items-changed", G_CALLBACK (on_rules_changed), self);
  if (!self->is_new)
    keep_odd_rules (self);
  load_fields (self);
  /* What could not be read of them would be lost by a change. */
  gtk_widget_set_sensitive (self->rules_group, !pm_policy_get_rules_kept (self->policy));
  self->pristine = pm_policy_copy (self->policy);

  gtk_widget_set_visible (self->applied_group, !self->is_new);
  if (!self->is_new)
    {
      g_autoptr(GPtrArray) entities = pm_policy_dup_entities (session, policy);

      for (guint i = 0; i < entities->len; i++)
        g_list_store_append (self->applied_to, g_ptr_array_index (entities, i));
    }
  revalidate (self);
  return self;
}

gboolean
pm_policy_editor_get_is_new (PmPolicyEditor *self)
{
  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), FALSE);
  return self->is_new;
}

PmPolicy *
pm_policy_editor_get_policy (PmPolicyEditor *self)
{
  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), NULL);
  return self->policy;
}

void
pm_policy_editor_set_policy_type (PmPolicyEditor *self,
                                  PmPolicyType    type)
{
  g_return_if_fail (PM_IS_POLICY_EDITOR (self));
  g_return_if_fail (self->is_new);

  if (type == pm_policy_get_policy_type (self->policy))
    return;
  pm_policy_set_policy_type (self->policy, type);
  pm_policy_set_region (self->policy, NULL);
  setup_types (self);
  setup_regions (self);
  update_title (self);
  rebuild_rules (self);
  revalidate (self);
}

gboolean
pm_policy_editor_get_modified (PmPolicyEditor *self)
{
  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), FALSE);
  return self->pristine != NULL && !pm_policy_equal (self->pristine, self->policy);
}

const char *
pm_policy_editor_get_save_reason (PmPolicyEditor *self)
{
  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), NULL);
  return self->save_reason;
}

char *
pm_policy_editor_dup_problems (PmPolicyEditor *self)
{
  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), NULL);
  return g_strdup (self->problems);
}

void
pm_policy_editor_show_error (PmPolicyEditor *self,
                             const GError   *error)
{
  g_return_if_fail (PM_IS_POLICY_EDITOR (self));
  g_return_if_fail (error != NULL);

  mark_api_error (self, error);
}

const char *
pm_policy_editor_get_error_text (PmPolicyEditor *self)
{
  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), NULL);
  return self->error_text;
}

gboolean
pm_policy_editor_get_busy (PmPolicyEditor *self)
{
  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), FALSE);
  return self->busy;
}

GtkWidget *
pm_policy_editor_get_field (PmPolicyEditor *self,
                            const char     *field)
{
  guint index;
  const char *rest;

  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), NULL);

  if (g_str_equal (field, "name"))
    return self->name_row;
  if (g_str_equal (field, "description"))
    return self->description_row;
  if (g_str_equal (field, "region"))
    return region_widget (self);
  if (parse_rule_field (field, &index, &rest))
    {
      PmRuleRow *row = rule_row_at (self, index);

      return row ? pm_rule_row_get_field (row, rest) : NULL;
    }
  return NULL;
}

gboolean
pm_policy_editor_field_has_error (PmPolicyEditor *self,
                                  const char     *field)
{
  GtkWidget *widget = pm_policy_editor_get_field (self, field);

  return widget != NULL && gtk_widget_has_css_class (widget, "error");
}

GListModel *
pm_policy_editor_get_applied_to (PmPolicyEditor *self)
{
  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), NULL);
  return G_LIST_MODEL (self->applied_to);
}

AdwAlertDialog *
pm_policy_editor_get_dialog (PmPolicyEditor *self)
{
  g_return_val_if_fail (PM_IS_POLICY_EDITOR (self), NULL);
  return self->dialog;
}
