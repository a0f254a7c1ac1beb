/* pm-claims-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pm-api-error.h"
#include "pm-claims-page.h"
#include "pm-confirm-dialog.h"
#include "pm-error-text.h"
#include "pm-oddity-marker.h"
#include "pm-region-catalog.h"
#include "pm-validate.h"

static const PmProvider providers[] = { PM_PROVIDER_AWS, PM_PROVIDER_AZURE, PM_PROVIDER_GCP };

/* What the user typed in the claim dialog, kept through a failure. */
typedef struct {
  guint  provider_index;
  char  *region;      /* API region */
  char  *link_id;
  char  *azure_name;
  char  *azure_guid;
  char  *error;
} ClaimForm;

struct _PmClaimsPage
{
  AdwBin              parent_instance;

  GtkStack           *stack;
  AdwPreferencesGroup *group;
  AdwSpinner         *spinner;
  GtkLabel           *message_label;
  GtkLabel           *notice_label;
  GtkListBox         *list;
  AdwStatusPage      *unavailable_page;

  PmSession          *session;
  GCancellable       *cancellable;
  char               *message;

  AdwAlertDialog     *dialog;      /* open, not closing */
  AdwComboRow        *provider_row;
  AdwComboRow        *region_row;
  AdwEntryRow        *link_row;
  AdwEntryRow        *name_row;
  AdwEntryRow        *guid_row;
  GtkLabel           *dialog_error;
  ClaimForm           form;
  PmLinkClaim        *pending;     /* chosen in the unclaim dialog */
  GHashTable         *used_by;     /* rule key → GPtrArray of PmPolicy; NULL: stale */
};

G_DEFINE_FINAL_TYPE (PmClaimsPage, pm_claims_page, ADW_TYPE_BIN)

static void
form_clear (ClaimForm *form)
{
  g_clear_pointer (&form->region, g_free);
  g_clear_pointer (&form->link_id, g_free);
  g_clear_pointer (&form->azure_name, g_free);
  g_clear_pointer (&form->azure_guid, g_free);
  g_clear_pointer (&form->error, g_free);
  form->provider_index = 0;
}

char *
pm_claims_describe_error (const GError *error,
                          gboolean      claiming)
{
  const PmApiErrorDetails *details;
  const char *code = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  details = pm_api_error_get_details (error);
  if (details != NULL)
    code = details->code;
  if (claiming && ((code && strstr (code, "already_claimed")) || g_error_matches (error, PM_API_ERROR, PM_API_ERROR_CONFLICT)))
    return g_strdup (_("This ID is already claimed, by your organization or by another one. An ID claimed by "
                       "another organization cannot be used in your policies: check that it is your own "
                       "endpoint's ID."));
  if (!claiming && ((code && strstr (code, "not_found")) || g_error_matches (error, PM_API_ERROR, PM_API_ERROR_NOT_FOUND)))
    return g_strdup (_("This ID is not claimed in that region: there is nothing to release. It may have been "
                       "released already."));
  if (claiming && g_error_matches (error, PM_API_ERROR, PM_API_ERROR_NOT_FOUND))
    return g_strdup (_("Elastic does not know this ID in that region. Check the ID and the region."));
  return pm_error_text_describe (error);
}

static void
set_message (PmClaimsPage *self,
             const char   *message,
             gboolean      is_error)
{
  g_free (self->message);
  self->message = g_strdup (message);
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

/* Rows ------------------------------------------------------------------- */

/* What ties a rule to a claim: its source (a link ID) as is, or its Azure
 * endpoint GUID in any case. */
static char *
rule_key (const char *link_id,
          const char *guid)
{
  if (link_id != NULL && *link_id != '\0')
    return g_strconcat ("link:", link_id, NULL);
  if (guid != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (guid, -1);

      return g_strconcat ("guid:", lower, NULL);
    }
  return NULL;
}

static void
index_rule_key (GHashTable *index,
                char       *key,    /* owned */
                PmPolicy   *policy)
{
  GPtrArray *policies;

  if (key == NULL)
    return;
  policies = g_hash_table_lookup (index, key);
  if (policies == NULL)
    {
      policies = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (index, g_steal_pointer (&key), policies);
    }
  g_free (key);
  if (policies->len == 0 || g_ptr_array_index (policies, policies->len - 1) != policy)
    g_ptr_array_add (policies, g_object_ref (policy));
}

/* Every private connection policy by the keys of its rules: built once per
 * change of the policies, not once per claim row (65,536 rules at scale). */
static GHashTable *
ensure_used_by (PmClaimsPage *self)
{
  GListModel *policies = G_LIST_MODEL (pm_session_get_policies (self->session));

  if (self->used_by != NULL)
    return self->used_by;
  self->used_by = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < g_list_model_get_n_items (policies); i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (policies, i);
      GListModel *rules = pm_policy_get_rules (policy);

      if (!pm_policy_type_is_private (pm_policy_get_policy_type (policy)))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (rules); j++)
        {
          g_autoptr(PmRule) rule = g_list_model_get_item (rules, j);

          index_rule_key (self->used_by, rule_key (pm_rule_get_source (rule), NULL), policy);
          index_rule_key (self->used_by, rule_key (NULL, pm_rule_get_azure_endpoint_guid (rule)), policy);
        }
    }
  return self->used_by;
}

static char *
dup_used_by (PmClaimsPage *self,
             PmLinkClaim  *claim)
{
  PmRegionCatalog *catalog = pm_region_catalog_get_default ();
  g_autofree char *key = rule_key (pm_link_claim_get_link_id (claim), pm_link_claim_get_azure_endpoint_guid (claim));
  GPtrArray *policies = key ? g_hash_table_lookup (ensure_used_by (self), key) : NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; policies != NULL && i < policies->len; i++)
    {
      PmPolicy *policy = g_ptr_array_index (policies, i);

      if (pm_region_catalog_same_region (catalog, pm_policy_get_flavour (policy),
                                         pm_policy_get_region (policy), pm_link_claim_get_region (claim)))
        g_ptr_array_add (names, (gpointer) pm_policy_get_name (policy));
    }
  if (names->len == 0)
    return g_strdup (_("Not used by any policy"));
  g_ptr_array_add (names, NULL);
  {
    g_autofree char *joined = g_strjoinv (", ", (char **) names->pdata);
    return g_strdup_printf (_("Used by %s"), joined);
  }
}

static void
update_row (PmClaimsPage *self,
            GtkWidget    *row)
{
  PmLinkClaim *claim = g_object_get_data (G_OBJECT (row), "claim");
  g_autofree char *used_by = dup_used_by (self, claim);
  g_autofree char *subtitle = NULL;
  const char *guid = pm_link_claim_get_azure_endpoint_guid (claim);
  PmProvider provider = pm_link_claim_get_provider (claim);

  if (guid != NULL && *guid)
    subtitle = g_strdup_printf (_("%s · %s · GUID %s\n%s"), pm_provider_get_label (provider),
                                pm_link_claim_get_region (claim), guid, used_by);
  else
    subtitle = g_strdup_printf (_("%s · %s\n%s"), pm_provider_get_label (provider),
                                pm_link_claim_get_region (claim), used_by);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  PmClaimsPage *self = user_data;
  PmLinkClaim *claim = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Unclaim"));
  g_autofree char *key = pm_claim_store_dup_key (claim);
  const char *name = pm_link_claim_get_azure_endpoint_name (claim);
  g_autofree char *tip = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 name && *name ? name : pm_link_claim_get_link_id (claim));
  g_object_set_data_full (G_OBJECT (row), "claim", g_object_ref (claim), g_object_unref);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "claims.unclaim");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", key);
  tip = g_strdup_printf (_("Release the claim on %s"), adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  gtk_widget_set_tooltip_text (button, tip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  if (pm_link_claim_get_oddity (claim) != NULL)
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), pm_oddity_marker_new (pm_link_claim_get_oddity (claim)));
  update_row (self, row);
  return row;
}

static void
on_policies_changed (PmClaimsPage *self)
{
  g_clear_pointer (&self->used_by, g_hash_table_unref);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row;
       row = gtk_widget_get_next_sibling (row))
    if (g_object_get_data (G_OBJECT (row), "claim") != NULL)
      update_row (self, row);
}

static void
on_loading_changed (PmClaimsPage *self)
{
  PmClaimStore *store = pm_session_get_claims (self->session);
  const GError *error = pm_claim_store_get_error (store);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), pm_claim_store_get_loading (store));
  if (!pm_claim_store_get_loading (store))
    pm_oddity_notice_show (self->notice_label, pm_claim_store_get_notice (store));
  if (error != NULL && !pm_claim_store_get_loading (store))
    {
      g_autofree char *text = pm_error_text_describe (error);
      set_message (self, text, TRUE);
    }
}

/* Claim dialog ----------------------------------------------------------- */

static PmProvider
dialog_provider (PmClaimsPage *self)
{
  guint i = adw_combo_row_get_selected (self->provider_row);

  return i < G_N_ELEMENTS (providers) ? providers[i] : PM_PROVIDER_AWS;
}

static char *
dialog_problem (PmClaimsPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->link_row))));
  g_autofree char *n = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *g = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->guid_row))));

  if (adw_combo_row_get_selected_item (self->region_row) == NULL)
    return g_strdup (_("Choose the region."));
  switch (dialog_provider (self))
    {
    case PM_PROVIDER_AWS:
      if (!pm_validate_vpce_id (a, &error))
        return g_strdup (error->message);
      break;
    case PM_PROVIDER_GCP:
      if (!pm_validate_psc_connection_id (a, &error))
        return g_strdup (error->message);
      break;
    case PM_PROVIDER_AZURE:
      if (!pm_validate_azure_endpoint_name (n, &error) || !pm_validate_azure_endpoint_guid (g, &error))
        return g_strdup (error->message);
      break;
    case PM_PROVIDER_NONE:
    default:
      break;
    }
  return NULL;
}

static void
validate_dialog (PmClaimsPage *self)
{
  g_autofree char *problem = NULL;

  if (self->dialog == NULL)
    return;
  problem = dialog_problem (self);
  adw_alert_dialog_set_response_enabled (self->dialog, "claim", problem == NULL);
  if (problem != NULL || self->form.error == NULL)
    {
      gtk_label_set_label (self->dialog_error, problem ? problem : "");
      gtk_widget_set_visible (GTK_WIDGET (self->dialog_error), problem != NULL);
    }
}

static void
on_dialog_input (PmClaimsPage *self)
{
  g_clear_pointer (&self->form.error, g_free);
  validate_dialog (self);
}

static void
on_dialog_provider (PmClaimsPage *self)
{
  PmProvider provider = dialog_provider (self);
  gboolean azure = provider == PM_PROVIDER_AZURE;

  adw_combo_row_set_model (self->region_row,
                           pm_region_catalog_list (pm_region_catalog_get_default (), PM_FLAVOUR_HOSTED, provider));
  gtk_widget_set_visible (GTK_WIDGET (self->link_row), !azure);
  gtk_widget_set_visible (GTK_WIDGET (self->name_row), azure);
  gtk_widget_set_visible (GTK_WIDGET (self->guid_row), azure);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->link_row),
                                 provider == PM_PROVIDER_GCP ? _("PSC connection ID") : _("VPC endpoint ID"));
  on_dialog_input (self);
}

static char *
region_label (PmRegion *region)
{
  return region ? g_strdup (pm_region_get_name (region)) : NULL;
}

/* One claim or unclaim call in flight, with the claim it is about. */
typedef struct {
  PmClaimsPage *self;
  PmLinkClaim  *claim;
} ClaimCall;

static ClaimCall *
claim_call_new (PmClaimsPage *self,
                PmLinkClaim  *claim)
{
  ClaimCall *call = g_new0 (ClaimCall, 1);

  call->self = g_object_ref (self);
  call->claim = g_object_ref (claim);
  return call;
}

static void
claim_call_free (ClaimCall *call)
{
  g_object_unref (call->self);
  g_object_unref (call->claim);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClaimCall, claim_call_free)

static void claim_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
on_claim_response (AdwAlertDialog *dialog,
                   const char     *response,
                   PmClaimsPage   *self)
{
  PmRegion *region = adw_combo_row_get_selected_item (self->region_row);
  PmProvider provider = dialog_provider (self);
  g_autoptr(PmLinkClaim) claim = NULL;

  /* Keep what was typed: a failure reopens the dialog with it. */
  form_clear (&self->form);
  self->form.provider_index = adw_combo_row_get_selected (self->provider_row);
  self->form.region = g_strdup (region ? pm_region_get_api_region (region) : NULL);
  self->form.link_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->link_row))));
  self->form.azure_name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  self->form.azure_guid = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->guid_row))));
  g_clear_weak_pointer (&self->dialog);

  if (g_strcmp0 (response, "claim") != 0 || region == NULL)
    return;

  if (provider == PM_PROVIDER_AZURE)
    claim = pm_link_claim_new_azure (self->form.region, self->form.azure_name, self->form.azure_guid);
  else
    claim = pm_link_claim_new_link_id (self->form.region, self->form.link_id);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  pm_api_claim_async (pm_session_get_api (self->session), claim, self->cancellable,
                      claim_cb, claim_call_new (self, claim));
}

static GtkWidget *
entry_row (const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  return row;
}

static void
open_claim_dialog (PmClaimsPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  GtkExpression *expr;
  g_autofree char *error_text = g_steal_pointer (&self->form.error);
  AdwDialog *dialog;

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    gtk_string_list_append (labels, pm_provider_get_label (providers[i]));

  dialog = pm_confirm_dialog_new (_("Claim a private connection ID"),
                                  _("Claiming an ID stops other organizations from using it in their policies."),
                                  "claim", _("C_laim"), ADW_RESPONSE_SUGGESTED);
  g_set_weak_pointer (&self->dialog, ADW_ALERT_DIALOG (dialog));

  self->provider_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->provider_row), _("Provider"));
  adw_combo_row_set_model (self->provider_row, G_LIST_MODEL (labels));
  self->region_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->region_row), _("Region"));
  expr = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL, G_CALLBACK (region_label), NULL, NULL);
  adw_combo_row_set_expression (self->region_row, expr);
  gtk_expression_unref (expr);
  self->link_row = ADW_ENTRY_ROW (entry_row (_("VPC endpoint ID")));
  self->name_row = ADW_ENTRY_ROW (entry_row (_("Endpoint resource name")));
  self->guid_row = ADW_ENTRY_ROW (entry_row (_("Resource GUID")));
  self->dialog_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->dialog_error, TRUE);
  gtk_label_set_xalign (self->dialog_error, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->dialog_error), "error");

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->provider_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->region_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->link_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->name_row));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->guid_row));
  gtk_box_append (GTK_BOX (box), group);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->dialog_error));
  adw_alert_dialog_set_extra_child (self->dialog, box);

  /* Put back what was typed before a failure. */
  adw_combo_row_set_selected (self->provider_row, self->form.provider_index);
  on_dialog_provider (self);
  if (self->form.region != NULL)
    pm_claims_page_choose (self, dialog_provider (self), self->form.region);
  if (self->form.link_id)
    gtk_editable_set_text (GTK_EDITABLE (self->link_row), self->form.link_id);
  if (self->form.azure_name)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), self->form.azure_name);
  if (self->form.azure_guid)
    gtk_editable_set_text (GTK_EDITABLE (self->guid_row), self->form.azure_guid);

  g_signal_connect_swapped (self->provider_row, "notify::selected", G_CALLBACK (on_dialog_provider), self);
  g_signal_connect_swapped (self->region_row, "notify::selected", G_CALLBACK (on_dialog_input), self);
  g_signal_connect_swapped (self->link_row, "changed", G_CALLBACK (on_dialog_input), self);
  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (on_dialog_input), self);
  g_signal_connect_swapped (self->guid_row, "changed", G_CALLBACK (on_dialog_input), self);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_claim_response), self, 0);

  validate_dialog (self);
  if (error_text != NULL)
    {
      gtk_label_set_label (self->dialog_error, error_text);
      gtk_widget_set_visible (GTK_WIDGET (self->dialog_error), TRUE);
      self->form.error = g_steal_pointer (&error_text);
    }
  adw_dialog_present (dialog, GTK_WIDGET (self));
}

static void
claim_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ClaimCall) call = user_data;
  PmClaimsPage *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;

  if (!pm_api_claim_finish (PM_API (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
      text = pm_claims_describe_error (error, TRUE);
      set_message (self, text, TRUE);
      self->form.error = g_strdup (text);
      open_claim_dialog (self);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  pm_claim_store_upsert (pm_session_get_claims (self->session), call->claim);
  id = pm_link_claim_dup_display_id (call->claim);
  text = g_strdup_printf (_("Claimed %s in %s."), id, pm_link_claim_get_region (call->claim));
  set_message (self, text, FALSE);
  form_clear (&self->form);
}

/* Unclaim ---------------------------------------------------------------- */

static void
unclaim_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ClaimCall) call = user_data;
  PmClaimsPage *self = call->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *key = NULL;
  g_autofree char *text = NULL;

  if (!pm_api_unclaim_finish (PM_API (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
      text = pm_claims_describe_error (error, FALSE);
      set_message (self, text, TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  key = pm_claim_store_dup_key (call->claim);
  id = pm_link_claim_dup_display_id (call->claim);
  pm_claim_store_remove (pm_session_get_claims (self->session), key);
  text = g_strdup_printf (_("Released the claim on %s."), id);
  set_message (self, text, FALSE);
}

static void
on_unclaim_response (AdwAlertDialog *dialog,
                     const char     *response,
                     PmClaimsPage   *self)
{
  g_clear_weak_pointer (&self->dialog);
  if (g_strcmp0 (response, "unclaim") != 0 || self->pending == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  pm_api_unclaim_async (pm_session_get_api (self->session), self->pending, self->cancellable,
                        unclaim_cb, claim_call_new (self, self->pending));
  g_clear_object (&self->pending);
}

static void
unclaim_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PmClaimsPage *self = PM_CLAIMS_PAGE (widget);
  PmLinkClaim *claim;
  g_autofree char *id = NULL;
  g_autofree char *used_by = NULL;
  g_autofree char *body = NULL;
  AdwDialog *dialog;

  if (self->session == NULL)
    return;
  claim = pm_claim_store_lookup (pm_session_get_claims (self->session), g_variant_get_string (parameter, NULL));
  if (claim == NULL)
    return;
  g_set_object (&self->pending, claim);
  id = pm_link_claim_dup_display_id (claim);
  used_by = dup_used_by (self, claim);
  body = g_strdup_printf (_("Another organization could then claim %s in %s and use it in its policies. %s."),
                          id, pm_link_claim_get_region (claim), used_by);
  dialog = pm_confirm_dialog_new (_("Release the claim?"), body, "unclaim", _("_Unclaim"), ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_unclaim_response), self, 0);
  g_set_weak_pointer (&self->dialog, ADW_ALERT_DIALOG (dialog));
  adw_dialog_present (dialog, GTK_WIDGET (self));
}

static void
claim_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PmClaimsPage *self = PM_CLAIMS_PAGE (widget);

  if (self->session == NULL || !pm_api_supports_claims (pm_session_get_api (self->session)))
    return;
  g_clear_pointer (&self->form.error, g_free);
  open_claim_dialog (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PmClaimsPage *self = PM_CLAIMS_PAGE (widget);

  if (self->session != NULL)
    pm_claim_store_refresh_async (pm_session_get_claims (self->session), self->cancellable, NULL, NULL);
}

/* GObject ---------------------------------------------------------------- */

static void
disconnect_session (PmClaimsPage *self)
{
  if (self->session == NULL)
    return;
  g_signal_handlers_disconnect_by_data (pm_session_get_policies (self->session), self);
  g_signal_handlers_disconnect_by_data (pm_session_get_claims (self->session), self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->used_by, g_hash_table_unref);
}

static void
pm_claims_page_dispose (GObject *object)
{
  PmClaimsPage *self = PM_CLAIMS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->dialog, self);
      adw_dialog_force_close (ADW_DIALOG (self->dialog));
    }
  g_clear_weak_pointer (&self->dialog);
  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  disconnect_session (self);
  g_clear_object (&self->pending);
  /* The bin's child may be a template child: let the bin drop it first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_CLAIMS_PAGE);
  G_OBJECT_CLASS (pm_claims_page_parent_class)->dispose (object);
}

static void
pm_claims_page_finalize (GObject *object)
{
  PmClaimsPage *self = PM_CLAIMS_PAGE (object);

  form_clear (&self->form);
  g_free (self->message);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (pm_claims_page_parent_class)->finalize (object);
}

static void
pm_claims_page_class_init (PmClaimsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_claims_page_dispose;
  object_class->finalize = pm_claims_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/perimeter/Perimeter/pm-claims-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PmClaimsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PmClaimsPage, group);
  gtk_widget_class_bind_template_child (widget_class, PmClaimsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PmClaimsPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, PmClaimsPage, notice_label);
  gtk_widget_class_bind_template_child (widget_class, PmClaimsPage, list);
  gtk_widget_class_bind_template_child (widget_class, PmClaimsPage, unavailable_page);

  gtk_widget_class_install_action (widget_class, "claims.claim", NULL, claim_action);
  gtk_widget_class_install_action (widget_class, "claims.unclaim", "s", unclaim_action);
  gtk_widget_class_install_action (widget_class, "claims.refresh", NULL, refresh_action);
}

static void
pm_claims_page_init (PmClaimsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "claims.claim", FALSE);
}

PmClaimsPage *
pm_claims_page_new (void)
{
  return g_object_new (PM_TYPE_CLAIMS_PAGE, NULL);
}

void
pm_claims_page_set_session (PmClaimsPage *self,
                            PmSession    *session)
{
  gboolean supported;

  g_return_if_fail (PM_IS_CLAIMS_PAGE (self));
  g_return_if_fail (session == NULL || PM_IS_SESSION (session));

  if (self->session == session)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  disconnect_session (self);
  set_message (self, NULL, FALSE);
  if (session == NULL)
    return;

  self->session = g_object_ref (session);
  supported = pm_api_supports_claims (pm_session_get_api (session));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "claims.claim", supported);
  if (!supported)
    {
      adw_status_page_set_description (self->unavailable_page,
        pm_session_get_flavour (session) == PM_FLAVOUR_SERVERLESS
        ? _("Serverless has no claims: private connection IDs are claimed on Elastic Cloud Hosted only. "
            "Your projects' private connection policies work without a claim.")
        : _("Elastic Cloud Enterprise has no private connection IDs to claim: claims are an Elastic Cloud "
            "Hosted feature."));
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "list");
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (pm_session_get_claims (session)), create_row, self, NULL);
  g_signal_connect_swapped (pm_session_get_policies (session), "items-changed",
                            G_CALLBACK (on_policies_changed), self);
  g_signal_connect_swapped (pm_session_get_claims (session), "notify::loading",
                            G_CALLBACK (on_loading_changed), self);
  on_loading_changed (self);
}

AdwAlertDialog *
pm_claims_page_get_dialog (PmClaimsPage *self)
{
  g_return_val_if_fail (PM_IS_CLAIMS_PAGE (self), NULL);
  return self->dialog;
}

GtkEditable *
pm_claims_page_get_field (PmClaimsPage *self,
                          const char   *name)
{
  g_return_val_if_fail (PM_IS_CLAIMS_PAGE (self), NULL);

  if (self->dialog == NULL || self->link_row == NULL)
    return NULL;
  if (g_str_equal (name, "link_id"))
    return GTK_EDITABLE (self->link_row);
  if (g_str_equal (name, "azure_name"))
    return GTK_EDITABLE (self->name_row);
  if (g_str_equal (name, "azure_guid"))
    return GTK_EDITABLE (self->guid_row);
  return NULL;
}

void
pm_claims_page_choose (PmClaimsPage *self,
                       PmProvider    provider,
                       const char   *region)
{
  GListModel *model;

  g_return_if_fail (PM_IS_CLAIMS_PAGE (self));

  if (self->dialog == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    if (providers[i] == provider)
      adw_combo_row_set_selected (self->provider_row, i);
  model = adw_combo_row_get_model (self->region_row);
  for (guint i = 0; model && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PmRegion) r = g_list_model_get_item (model, i);

      if (g_strcmp0 (pm_region_get_id (r), region) == 0 || g_strcmp0 (pm_region_get_api_region (r), region) == 0)
        adw_combo_row_set_selected (self->region_row, i);
    }
  validate_dialog (self);
}

const char *
pm_claims_page_get_message (PmClaimsPage *self)
{
  g_return_val_if_fail (PM_IS_CLAIMS_PAGE (self), NULL);
  return self->message;
}
