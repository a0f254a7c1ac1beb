/* pm-rule-row.c: one rule of a policy in the editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-json.h"
#include "pm-rule-row.h"
#include "pm-validate.h"

typedef struct
{
  const char *field;          /* the API's name for it */
  GtkWidget  *row;
  GtkWidget  *message_row;
  GtkWidget  *message_box;
  GtkLabel   *message;
  GtkButton  *suggest;
  char       *suggestion;
} Field;

struct _PmRuleRow
{
  AdwBin        parent_instance;

  GtkLabel     *title_label;
  GtkLabel     *kept_label;
  GtkButton    *up_button;
  GtkButton    *down_button;
  GtkButton    *remove_button;
  GtkListBox   *fields;

  PmRule       *rule;
  PmPolicyType  type;
  PmFlavour     flavour;
  GPtrArray    *field_info;   /* of Field */
  char         *local_problem;
  guint         index;
  gboolean      updating;
  gboolean      narrow;
};

G_DEFINE_FINAL_TYPE (PmRuleRow, pm_rule_row, ADW_TYPE_BIN)

enum {
  CHANGED,
  SPLIT_SOURCES,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
field_free (gpointer data)
{
  Field *field = data;

  g_free (field->suggestion);
  g_free (field);
}

static Field *
find_field (PmRuleRow  *self,
            const char *name)
{
  for (guint i = 0; i < self->field_info->len; i++)
    {
      Field *field = g_ptr_array_index (self->field_info, i);

      if (g_strcmp0 (field->field, name) == 0)
        return field;
    }
  return NULL;
}

static void
show_message (Field      *field,
              const char *message)
{
  gboolean has = message != NULL && *message != '\0';

  gtk_label_set_label (field->message, has ? message : "");
  gtk_widget_set_visible (field->message_row, has);
  if (has)
    gtk_widget_add_css_class (field->row, "error");
  else
    gtk_widget_remove_css_class (field->row, "error");
  gtk_widget_set_visible (GTK_WIDGET (field->suggest), has && field->suggestion != NULL);
}

static void
emit_changed (PmRuleRow *self)
{
  if (!self->updating)
    g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_suggest_clicked (GtkButton *button,
                    PmRuleRow *self)
{
  Field *field = g_object_get_data (G_OBJECT (button), "field");
  g_autofree char *suggestion = g_strdup (field->suggestion);

  if (suggestion != NULL)
    gtk_editable_set_text (GTK_EDITABLE (field->row), suggestion);
}

static void
on_text_changed (GtkEditable *editable,
                 PmRuleRow   *self)
{
  Field *field = g_object_get_data (G_OBJECT (editable), "field");
  const char *text = gtk_editable_get_text (editable);

  if (self->updating)
    return;

  if (g_str_equal (field->field, "source"))
    {
      g_auto(GStrv) parts = NULL;

      if (strpbrk (text, ",;\n\t ") != NULL)
        parts = pm_split_sources (text);
      if (parts != NULL && g_strv_length (parts) > 1)
        {
          pm_rule_set_source (self->rule, parts[0]);
          self->updating = TRUE;
          gtk_editable_set_text (editable, parts[0]);
          self->updating = FALSE;
          g_signal_emit (self, signals[SPLIT_SOURCES], 0, parts + 1);
          emit_changed (self);
          return;
        }
      pm_rule_set_source (self->rule, text);
    }
  else if (g_str_equal (field->field, "description"))
    pm_rule_set_description (self->rule, text);
  else if (g_str_equal (field->field, "azure_endpoint_name"))
    pm_rule_set_azure_endpoint_name (self->rule, text);
  else if (g_str_equal (field->field, "azure_endpoint_guid"))
    pm_rule_set_azure_endpoint_guid (self->rule, text);
  else if (g_str_equal (field->field, "egress_rule.target"))
    pm_rule_set_egress_target (self->rule, text);
  else if (g_str_equal (field->field, "egress_rule.ports"))
    {
      g_autoptr(GArray) ports = NULL;
      g_autoptr(GError) error = NULL;

      g_clear_pointer (&self->local_problem, g_free);
      if (pm_parse_ports (text, &ports, &error))
        pm_rule_set_ports (self->rule, ports ? (const guint *) (gpointer) ports->data : NULL,
                           ports ? ports->len : 0);
      else
        self->local_problem = g_strdup (error->message);
      show_message (field, self->local_problem);
    }
  emit_changed (self);
}

static void
on_protocol_selected (AdwComboRow *row,
                      GParamSpec  *pspec,
                      PmRuleRow   *self)
{
  guint selected = adw_combo_row_get_selected (row);
  Field *ports = find_field (self, "egress_rule.ports");

  if (self->updating || selected == GTK_INVALID_LIST_POSITION)
    return;
  pm_rule_set_egress_protocol (self->rule, (PmEgressProtocol) selected);
  if (ports != NULL)
    gtk_widget_set_sensitive (ports->row, selected != PM_EGRESS_PROTOCOL_ALL);
  emit_changed (self);
}

/* The button that fixes a field beside its message, or under it. */
static void
stack_message (Field    *field,
               gboolean  stacked)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (field->message_box),
                                  stacked ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  gtk_widget_set_halign (GTK_WIDGET (field->suggest), stacked ? GTK_ALIGN_START : GTK_ALIGN_FILL);
}

static Field *
add_field (PmRuleRow  *self,
           const char *name,
           GtkWidget  *row)
{
  Field *field = g_new0 (Field, 1);
  GtkWidget *box;

  field->field = name;
  field->row = row;
  g_object_set_data (G_OBJECT (row), "field", field);
  gtk_list_box_append (self->fields, row);

  field->message_row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (field->message_row), FALSE);
  gtk_widget_set_focusable (field->message_row, FALSE);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  field->message_box = box;
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  field->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (field->message, TRUE);
  gtk_label_set_xalign (field->message, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (field->message), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (field->message), "error");
  gtk_widget_add_css_class (GTK_WIDGET (field->message), "caption");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (field->message));
  field->suggest = GTK_BUTTON (gtk_button_new ());
  gtk_widget_set_valign (GTK_WIDGET (field->suggest), GTK_ALIGN_CENTER);
  gtk_widget_set_visible (GTK_WIDGET (field->suggest), FALSE);
  g_object_set_data (G_OBJECT (field->suggest), "field", field);
  g_signal_connect (field->suggest, "clicked", G_CALLBACK (on_suggest_clicked), self);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (field->suggest));
  stack_message (field, self->narrow);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (field->message_row), box);
  gtk_widget_set_visible (field->message_row, FALSE);
  gtk_list_box_append (self->fields, field->message_row);

  g_ptr_array_add (self->field_info, field);
  return field;
}

static Field *
add_entry (PmRuleRow  *self,
           const char *name,
           const char *title,
           const char *value)
{
  GtkWidget *row = adw_entry_row_new ();
  Field *field;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (row), value ? value : "");
  field = add_field (self, name, row);
  g_signal_connect (row, "changed", G_CALLBACK (on_text_changed), self);
  return field;
}

static void
build_fields (PmRuleRow *self)
{
  PmRule *rule = self->rule;

  self->updating = TRUE;
  switch (self->type)
    {
    case PM_POLICY_TYPE_IP:
      add_entry (self, "source", _("Source IP address or CIDR block"), pm_rule_get_source (rule));
      break;
    case PM_POLICY_TYPE_VPCE:
      add_entry (self, "source", _("VPC endpoint ID"), pm_rule_get_source (rule));
      break;
    case PM_POLICY_TYPE_GCP_PSC:
      add_entry (self, "source", _("PSC connection ID"), pm_rule_get_source (rule));
      break;
    case PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT:
      add_entry (self, "azure_endpoint_name", _("Endpoint name"), pm_rule_get_azure_endpoint_name (rule));
      add_entry (self, "azure_endpoint_guid", _("Endpoint resource GUID"), pm_rule_get_azure_endpoint_guid (rule));
      break;
    case PM_POLICY_TYPE_EGRESS_FIREWALL:
      {
        const char * const protocols[] = { N_("All protocols"), N_("TCP"), N_("UDP"), NULL };
        g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
        g_autofree char *ports = pm_rule_dup_ports_text (rule);
        GtkWidget *combo = adw_combo_row_new ();
        Field *ports_field;

        add_entry (self, "egress_rule.target", _("Target IP address or CIDR block"),
                   pm_rule_get_egress_target (rule));
        for (guint i = 0; protocols[i] != NULL; i++)
          gtk_string_list_append (model, _(protocols[i]));
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (combo), _("Protocol"));
        adw_combo_row_set_model (ADW_COMBO_ROW (combo), G_LIST_MODEL (model));
        adw_combo_row_set_selected (ADW_COMBO_ROW (combo), pm_rule_get_egress_protocol (rule));
        gtk_accessible_update_property (GTK_ACCESSIBLE (combo), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Protocol"), -1);
        add_field (self, "egress_rule.protocol", combo);
        g_signal_connect (combo, "notify::selected", G_CALLBACK (on_protocol_selected), self);
        ports_field = add_entry (self, "egress_rule.ports", _("Ports (such as 443, 8000-8010)"), ports);
        gtk_widget_set_sensitive (ports_field->row, pm_rule_get_egress_protocol (rule) != PM_EGRESS_PROTOCOL_ALL);
        if (!pm_rule_has_egress (rule))
          pm_rule_set_egress_protocol (rule, pm_rule_get_egress_protocol (rule));
      }
      break;
    case PM_POLICY_TYPE_UNKNOWN:
    default:
      break;
    }
  add_entry (self, "description", _("Rule description"), pm_rule_get_description (rule));
  self->updating = FALSE;
}

/* A rule kept as the server sent it says so, and why, until it is changed. */
static void
update_kept (PmRuleRow *self)
{
  g_autofree char *text = pm_json_dup_rule_oddity (self->rule, self->type, self->flavour);

  gtk_label_set_label (self->kept_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->kept_label), text != NULL);
}

static void
pm_rule_row_dispose (GObject *object)
{
  PmRuleRow *self = PM_RULE_ROW (object);

  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_RULE_ROW);
  G_OBJECT_CLASS (pm_rule_row_parent_class)->dispose (object);
}

static void
pm_rule_row_finalize (GObject *object)
{
  PmRuleRow *self = PM_RULE_ROW (object);

  g_clear_object (&self->rule);
  g_clear_pointer (&self->field_info, g_ptr_array_unref);
  g_clear_pointer (&self->local_problem, g_free);
  G_OBJECT_CLASS (pm_rule_row_parent_class)->finalize (object);
}

static void
pm_rule_row_class_init (PmRuleRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_rule_row_dispose;
  object_class->finalize = pm_rule_row_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SPLIT_SOURCES] = g_signal_new ("split-sources", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRV);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/perimeter/Perimeter/pm-rule-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PmRuleRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, PmRuleRow, kept_label);
  gtk_widget_class_bind_template_child (widget_class, PmRuleRow, up_button);
  gtk_widget_class_bind_template_child (widget_class, PmRuleRow, down_button);
  gtk_widget_class_bind_template_child (widget_class, PmRuleRow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, PmRuleRow, fields);
}

static void
pm_rule_row_init (PmRuleRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->field_info = g_ptr_array_new_with_free_func (field_free);
}

GtkWidget *
pm_rule_row_new (PmRule       *rule,
                 PmPolicyType  type,
                 PmFlavour     flavour)
{
  PmRuleRow *self;

  g_return_val_if_fail (PM_IS_RULE (rule), NULL);

  self = g_object_new (PM_TYPE_RULE_ROW, NULL);
  self->rule = g_object_ref (rule);
  self->type = type;
  self->flavour = flavour;
  build_fields (self);
  update_kept (self);
  g_signal_connect_object (rule, "notify::kept", G_CALLBACK (update_kept), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

PmRule *
pm_rule_row_get_rule (PmRuleRow *self)
{
  g_return_val_if_fail (PM_IS_RULE_ROW (self), NULL);
  return self->rule;
}

void
pm_rule_row_set_position (PmRuleRow *self,
                          guint      index,
                          guint      n_rules)
{
  g_autofree char *title = NULL;
  g_autofree char *up = NULL;
  g_autofree char *down = NULL;
  g_autofree char *remove = NULL;
  GVariant *target;

  g_return_if_fail (PM_IS_RULE_ROW (self));

  self->index = index;
  title = g_strdup_printf (_("Rule %u"), index + 1);
  gtk_label_set_label (self->title_label, title);

  target = g_variant_ref_sink (g_variant_new_uint32 (index));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->up_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->down_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->remove_button), target);
  g_variant_unref (target);
  gtk_widget_set_visible (GTK_WIDGET (self->up_button), index > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->down_button), index + 1 < n_rules);

  up = g_strdup_printf (_("Move rule %u up"), index + 1);
  down = g_strdup_printf (_("Move rule %u down"), index + 1);
  remove = g_strdup_printf (_("Remove rule %u"), index + 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->up_button), GTK_ACCESSIBLE_PROPERTY_LABEL, up, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->down_button), GTK_ACCESSIBLE_PROPERTY_LABEL, down, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button), GTK_ACCESSIBLE_PROPERTY_LABEL, remove, -1);
}

void
pm_rule_row_clear_issues (PmRuleRow *self)
{
  g_return_if_fail (PM_IS_RULE_ROW (self));

  for (guint i = 0; i < self->field_info->len; i++)
    {
      Field *field = g_ptr_array_index (self->field_info, i);

      g_clear_pointer (&field->suggestion, g_free);
      show_message (field, g_str_equal (field->field, "egress_rule.ports") ? self->local_problem : NULL);
    }
}

void
pm_rule_row_set_issue (PmRuleRow  *self,
                       const char *field_name,
                       const char *message)
{
  Field *field;

  g_return_if_fail (PM_IS_RULE_ROW (self));

  field = find_field (self, field_name);
  if (field == NULL)
    field = find_field (self, self->type == PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT ? "azure_endpoint_name"
                                : self->type == PM_POLICY_TYPE_EGRESS_FIREWALL ? "egress_rule.target"
                                : "source");
  if (field == NULL)
    return;

  g_clear_pointer (&field->suggestion, g_free);
  if (self->type == PM_POLICY_TYPE_IP && g_str_equal (field->field, "source"))
    pm_validate_ip_source (pm_rule_get_source (self->rule), &field->suggestion, NULL);
  else if (g_str_equal (field->field, "egress_rule.target"))
    pm_validate_egress_target (pm_rule_get_egress_target (self->rule), &field->suggestion, NULL);
  if (field->suggestion != NULL)
    {
      g_autofree char *label = g_strdup_printf (_("Use %s"), field->suggestion);

      gtk_button_set_label (field->suggest, label);
    }
  show_message (field, message);
}

const char *
pm_rule_row_get_local_problem (PmRuleRow *self)
{
  g_return_val_if_fail (PM_IS_RULE_ROW (self), NULL);
  return self->local_problem;
}

GtkWidget *
pm_rule_row_get_field (PmRuleRow  *self,
                       const char *field_name)
{
  Field *field;

  g_return_val_if_fail (PM_IS_RULE_ROW (self), NULL);
  field = find_field (self, field_name);
  return field ? field->row : NULL;
}

void
pm_rule_row_set_narrow (PmRuleRow *self,
                        gboolean   narrow)
{
  g_return_if_fail (PM_IS_RULE_ROW (self));

  self->narrow = !!narrow;
  for (guint i = 0; i < self->field_info->len; i++)
    stack_message (g_ptr_array_index (self->field_info, i), self->narrow);
}
