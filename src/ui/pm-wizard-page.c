/* pm-wizard-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pm-api-error.h"
#include "pm-claims-page.h"
#include "pm-cli-commands.h"
#include "pm-error-text.h"
#include "pm-region-catalog.h"
#include "pm-validate.h"
#include "pm-wizard-page.h"

enum {
  STEP_PROVIDER,
  STEP_REGION,
  STEP_ENDPOINT,
  STEP_IDENTITY,
  STEP_POLICY,
  STEP_ASSOCIATE,
  STEP_CLAIM,
  STEP_TEST,
  STEP_SUMMARY,
  N_STEPS
};

static const char * const step_names[N_STEPS] = {
  "provider", "region", "endpoint", "identity", "policy", "associate", "claim", "test", "summary",
};

struct _PmWizardPage
{
  AdwBin              parent_instance;

  /* Template */
  GtkLabel           *title_label;
  GtkLabel           *step_label;
  GtkProgressBar     *progress;
  GtkStack           *stack;
  AdwPreferencesGroup *provider_group;
  AdwActionRow       *aws_row;
  AdwActionRow       *azure_row;
  AdwActionRow       *gcp_row;
  GtkLabel           *provider_note;
  GtkSearchEntry     *region_search;
  GtkListView        *region_list;
  GtkLabel           *metadata_label;
  GtkWidget          *inter_region_group;
  AdwExpanderRow     *inter_region_row;
  AdwEntryRow        *endpoint_location_row;
  AdwPreferencesGroup *values_group;
  AdwPreferencesGroup *names_group;
  AdwEntryRow        *vpc_id_row;
  AdwEntryRow        *subnet_ids_row;
  AdwEntryRow        *security_group_row;
  AdwEntryRow        *hosted_zone_row;
  AdwEntryRow        *endpoint_dns_row;
  AdwEntryRow        *resource_group_row;
  AdwEntryRow        *project_row;
  AdwEntryRow        *vnet_row;
  AdwEntryRow        *network_row;
  AdwEntryRow        *subnet_row;
  AdwEntryRow        *address_row;
  AdwEntryRow        *endpoint_name_row;
  AdwEntryRow        *endpoint_ip_row;
  AdwPreferencesGroup *commands_group;
  AdwPreferencesGroup *identity_group;
  AdwEntryRow        *vpce_row;
  AdwEntryRow        *azure_name_row;
  AdwEntryRow        *azure_guid_row;
  AdwEntryRow        *psc_row;
  AdwPreferencesGroup *policy_group;
  GtkCheckButton     *policy_new_check;
  GtkCheckButton     *policy_existing_check;
  AdwActionRow       *policy_existing_row;
  AdwComboRow        *existing_row;
  GtkWidget          *policy_fields_group;
  AdwEntryRow        *policy_name_row;
  AdwEntryRow        *policy_description_row;
  GtkSwitch          *by_default_switch;
  AdwPreferencesGroup *associate_group;
  GtkListBox         *associate_list;
  AdwPreferencesGroup *claim_group;
  AdwActionRow       *claim_row;
  GtkSwitch          *claim_switch;
  AdwPreferencesGroup *test_group;
  AdwComboRow        *test_entity_row;
  AdwEntryRow        *test_host_row;
  AdwActionRow       *curl_row;
  GtkButton          *curl_copy_button;
  AdwPreferencesGroup *test_steps_group;
  GtkLabel           *summary_done_label;
  GtkTextView        *summary_view;
  GtkLabel           *problem_label;
  AdwSpinner         *spinner;
  GtkWidget          *retry_button;
  GtkWidget          *next_button;

  /* State */
  PmSession          *session;
  PmRegionCatalog    *catalog;
  GCancellable       *cancellable;
  char               *provider_string;
  PmProvider          provider;
  PmRegion           *region;
  guint               step;
  gboolean            busy;
  char               *problem;
  char               *failure;         /* the last API failure on this page */
  gboolean            metadata_loaded;

  GtkFilterListModel *region_model;
  GtkStringFilter    *region_filter;
  GtkSingleSelection *region_selection;

  GPtrArray          *value_rows;      /* widgets in values_group */
  GPtrArray          *command_rows;    /* AdwActionRow per command */
  GtkWidget          *test_rows[PM_CONNECTION_N_STEPS];

  GtkFilterListModel *entities;        /* in the chosen region */
  GtkCustomFilter    *entity_filter;
  GtkFilterListModel *existing;        /* policies of the type and region */
  GtkCustomFilter    *existing_filter;

  char               *policy_mode;     /* "new", "existing" */
  PmPolicy           *policy;          /* as created or updated by the wizard */
  PmPolicy           *base_policy;     /* the existing policy before our rule */
  GHashTable         *chosen;          /* entity ids the user wants */
  GHashTable         *associated;      /* entity ids the wizard associated */
  gboolean            claim;
  PmLinkClaim        *claimed;
  GPtrArray          *done;            /* strings: what was created */

  PmConnectionTest   *test;
  gboolean            test_running;
};

G_DEFINE_FINAL_TYPE (PmWizardPage, pm_wizard_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_PROVIDER,
  PROP_POLICY_MODE,
  PROP_CLAIM,
  PROP_INTER_REGION,
  PROP_STEP,
  PROP_BUSY,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_chrome    (PmWizardPage *self);
static void update_commands  (PmWizardPage *self);
static void go_to            (PmWizardPage *self,
                              guint         step);

/* Helpers ------------------------------------------------------------ */

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static char *
stripped (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (text_of (row)));
}

static PmFlavour
flavour (PmWizardPage *self)
{
  return self->session ? pm_session_get_flavour (self->session) : PM_FLAVOUR_HOSTED;
}

static PmPolicyType
policy_type (PmWizardPage *self)
{
  switch (self->provider)
    {
    case PM_PROVIDER_AWS:
      return PM_POLICY_TYPE_VPCE;
    case PM_PROVIDER_AZURE:
      return PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT;
    case PM_PROVIDER_GCP:
      return PM_POLICY_TYPE_GCP_PSC;
    case PM_PROVIDER_NONE:
    default:
      return PM_POLICY_TYPE_UNKNOWN;
    }
}

static gboolean
provider_supported (PmWizardPage *self,
                    PmProvider    provider)
{
  switch (flavour (self))
    {
    case PM_FLAVOUR_HOSTED:
      return TRUE;
    case PM_FLAVOUR_SERVERLESS:
      return provider == PM_PROVIDER_AWS || provider == PM_PROVIDER_AZURE;
    case PM_FLAVOUR_ECE:
    default:
      return FALSE;
    }
}

static gboolean
claims_supported (PmWizardPage *self)
{
  return self->session != NULL && pm_api_supports_claims (pm_session_get_api (self->session));
}

static void
set_string (char       **slot,
            const char  *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return;
  g_free (*slot);
  *slot = g_strdup (value);
}

static void
copy_text (PmWizardPage *self,
           const char   *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

/* The endpoint's identity as one line, for the summary and messages. */
static char *
dup_identity (PmWizardPage *self)
{
  switch (self->provider)
    {
    case PM_PROVIDER_AWS:
      return stripped (self->vpce_row);
    case PM_PROVIDER_AZURE:
      {
        g_autofree char *name = stripped (self->azure_name_row);
        g_autofree char *guid = stripped (self->azure_guid_row);

        return g_strdup_printf ("%s (%s)", name, guid);
      }
    case PM_PROVIDER_GCP:
      return stripped (self->psc_row);
    case PM_PROVIDER_NONE:
    default:
      return g_strdup ("");
    }
}

static const char *
policy_region (PmWizardPage *self)
{
  return self->region ? pm_region_get_api_region (self->region) : NULL;
}

/* Problems: why Next is disabled ------------------------------------ */

static char *
identity_problem (PmWizardPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  switch (self->provider)
    {
    case PM_PROVIDER_AWS:
      a = stripped (self->vpce_row);
      if (!pm_validate_vpce_id (a, &error))
        return g_strdup (error->message);
      break;
    case PM_PROVIDER_AZURE:
      a = stripped (self->azure_name_row);
      b = stripped (self->azure_guid_row);
      if (!pm_validate_azure_endpoint_name (a, &error)
          || !pm_validate_azure_endpoint_guid (b, &error))
        return g_strdup (error->message);
      break;
    case PM_PROVIDER_GCP:
      a = stripped (self->psc_row);
      if (!pm_validate_psc_connection_id (a, &error))
        return g_strdup (error->message);
      break;
    case PM_PROVIDER_NONE:
    default:
      return g_strdup (_("Choose a provider first."));
    }
  return NULL;
}

static char *
policy_problem (PmWizardPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = stripped (self->policy_name_row);

  if (g_strcmp0 (self->policy_mode, "existing") == 0)
    {
      if (adw_combo_row_get_selected_item (self->existing_row) == NULL)
        return g_strdup (_("Choose the policy to add the endpoint to."));
      return NULL;
    }
  if (!pm_validate_policy_name (name, &error)
      || !pm_validate_description (text_of (self->policy_description_row), &error))
    return g_strdup (error->message);
  return NULL;
}

static char *
compute_problem (PmWizardPage *self)
{
  switch (self->step)
    {
    case STEP_PROVIDER:
      if (self->session == NULL)
        return g_strdup (_("No account is open."));
      if (flavour (self) == PM_FLAVOUR_ECE)
        return g_strdup (_("Private connections are not available on Elastic Cloud Enterprise."));
      if (self->provider == PM_PROVIDER_NONE)
        return g_strdup (_("Choose a provider."));
      return NULL;
    case STEP_REGION:
      if (self->region == NULL)
        return g_strdup (_("Choose the region of your deployment or project."));
      if (self->provider == PM_PROVIDER_AZURE && adw_expander_row_get_enable_expansion (self->inter_region_row))
        {
          g_autofree char *loc = stripped (self->endpoint_location_row);

          if (*loc == '\0')
            return g_strdup (_("Enter the Azure region where the endpoint is."));
        }
      return NULL;
    case STEP_IDENTITY:
      return identity_problem (self);
    case STEP_POLICY:
      return policy_problem (self);
    default:
      return NULL;
    }
}

static void
set_problem (PmWizardPage *self,
             const char   *problem)
{
  if (g_strcmp0 (self->problem, problem) == 0)
    return;
  set_string (&self->problem, problem);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
}

static void
update_chrome (PmWizardPage *self)
{
  g_autofree char *problem = compute_problem (self);
  g_autofree char *step_text = NULL;
  GtkStackPage *page;
  const char *shown;

  page = gtk_stack_get_page (self->stack, gtk_stack_get_child_by_name (self->stack, step_names[self->step]));
  gtk_label_set_label (self->title_label, gtk_stack_page_get_title (page));
  step_text = g_strdup_printf (_("Step %u of %u"), self->step + 1, N_STEPS);
  gtk_label_set_label (self->step_label, step_text);
  gtk_progress_bar_set_fraction (self->progress, (double) (self->step + 1) / N_STEPS);

  shown = self->failure ? self->failure : problem;
  set_problem (self, shown);
  gtk_label_set_label (self->problem_label, shown ? shown : "");
  if (self->failure)
    gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "error");

  gtk_widget_set_visible (self->retry_button, self->failure != NULL && !self->busy);
  gtk_widget_set_visible (self->next_button, self->step + 1 < N_STEPS && self->failure == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", self->step > 0 && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next",
                                 problem == NULL && !self->busy && self->step + 1 < N_STEPS);
}

static void
set_busy (PmWizardPage *self,
          gboolean      busy)
{
  gboolean changed = self->busy != !!busy;

  self->busy = !!busy;
  update_chrome (self);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* An API call failed: stay on the page, say why, offer Retry. */
static void
fail (PmWizardPage *self,
      const char   *what,
      const GError *error)
{
  g_autofree char *text = pm_error_text_describe (error);

  g_free (self->failure);
  self->failure = g_strdup_printf ("%s %s", what, text);
  set_busy (self, FALSE);
}

static void
on_input_changed (PmWizardPage *self)
{
  g_clear_pointer (&self->failure, g_free);
  update_commands (self);
  update_chrome (self);
}

/* Step 1: provider ---------------------------------------------------- */

static void
update_provider_rows (PmWizardPage *self)
{
  static const PmProvider providers[] = { PM_PROVIDER_AWS, PM_PROVIDER_AZURE, PM_PROVIDER_GCP };
  AdwActionRow *rows[] = { self->aws_row, self->azure_row, self->gcp_row };
  const char *note = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    gtk_widget_set_sensitive (GTK_WIDGET (rows[i]), provider_supported (self, providers[i]));

  if (flavour (self) == PM_FLAVOUR_ECE)
    note = _("Elastic Cloud Enterprise runs in your own infrastructure: there is no Elastic-run endpoint "
             "service to connect to. Reach the deployments through your own network and use IP filter "
             "policies.");
  else if (flavour (self) == PM_FLAVOUR_SERVERLESS)
    note = _("Serverless projects support AWS PrivateLink and Azure Private Link. Private Service "
             "Connect is not documented for Serverless yet.");
  gtk_label_set_label (self->provider_note, note ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->provider_note), note != NULL);
}

static void
reset_setup (PmWizardPage *self)
{
  g_clear_object (&self->policy);
  g_clear_object (&self->base_policy);
  g_clear_object (&self->claimed);
  g_hash_table_remove_all (self->associated);
  g_hash_table_remove_all (self->chosen);
}

static void select_region (PmWizardPage *self,
                           const char   *id);

static void
metadata_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PmWizardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) regions = NULL;
  g_autofree char *text = NULL;

  regions = pm_api_get_metadata_finish (PM_API (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (regions == NULL)
    {
      g_autofree char *why = pm_error_text_describe (error);

      self->metadata_loaded = FALSE;
      text = g_strdup_printf (_("Elastic's live region metadata could not be read, so the built-in tables are shown. %s"), why);
    }
  else
    {
      g_autofree char *chosen = self->region ? g_strdup (pm_region_get_id (self->region)) : NULL;

      /* The list is replaced: choose the same region again, now with live values. */
      pm_region_catalog_merge_metadata (self->catalog, self->provider, regions);
      if (chosen != NULL)
        select_region (self, chosen);
      text = g_strdup (_("Service names and zones come from Elastic's live metadata for Serverless."));
    }
  gtk_label_set_label (self->metadata_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->metadata_label), TRUE);
}

static void
set_provider (PmWizardPage *self,
              const char   *text)
{
  PmProvider provider = PM_PROVIDER_NONE;

  if (text != NULL && *text && !pm_provider_from_string (text, &provider))
    return;
  if (provider != PM_PROVIDER_NONE && !provider_supported (self, provider))
    return;
  if (provider == self->provider)
    return;

  self->provider = provider;
  set_string (&self->provider_string, text && *text ? text : NULL);
  g_clear_object (&self->region);
  reset_setup (self);

  gtk_filter_list_model_set_model (self->region_model,
                                   provider != PM_PROVIDER_NONE
                                   ? pm_region_catalog_list (self->catalog, flavour (self), provider)
                                   : NULL);
  gtk_single_selection_set_selected (self->region_selection, GTK_INVALID_LIST_POSITION);
  gtk_widget_set_visible (self->inter_region_group, provider == PM_PROVIDER_AZURE);
  gtk_widget_set_visible (GTK_WIDGET (self->metadata_label), FALSE);

  if (provider != PM_PROVIDER_NONE && flavour (self) == PM_FLAVOUR_SERVERLESS
      && pm_api_supports_metadata (pm_session_get_api (self->session)))
    pm_api_get_metadata_async (pm_session_get_api (self->session), NULL, provider,
                               self->cancellable, metadata_cb, g_object_ref (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
  on_input_changed (self);
}

/* Step 2: region ------------------------------------------------------ */

static char *
region_search_text (PmRegion *region)
{
  if (region == NULL)
    return NULL;
  return g_strdup_printf ("%s %s", pm_region_get_name (region), pm_region_get_id (region));
}

static void
region_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *id = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (id), 0);
  gtk_widget_add_css_class (id, "dim-label");
  gtk_widget_add_css_class (id, "caption");
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), id);
  gtk_list_item_set_child (item, box);
}

static void
region_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  PmRegion *region = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *id = gtk_widget_get_next_sibling (name);

  gtk_label_set_label (GTK_LABEL (name), pm_region_get_name (region));
  gtk_label_set_label (GTK_LABEL (id), pm_region_get_id (region));
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  pm_region_get_name (region), -1);
}

static void
on_region_selected (PmWizardPage *self)
{
  PmRegion *region = gtk_single_selection_get_selected_item (self->region_selection);

  /* Filtering can hide the chosen row: keep the choice until another is made. */
  if (region == NULL || region == self->region)
    return;
  if (self->region != NULL && g_strcmp0 (pm_region_get_id (region), pm_region_get_id (self->region)) != 0)
    reset_setup (self);
  g_set_object (&self->region, region);
  if (self->entity_filter)
    gtk_filter_changed (GTK_FILTER (self->entity_filter), GTK_FILTER_CHANGE_DIFFERENT);
  if (self->existing_filter)
    gtk_filter_changed (GTK_FILTER (self->existing_filter), GTK_FILTER_CHANGE_DIFFERENT);
  on_input_changed (self);
}

static void
select_region (PmWizardPage *self,
               const char   *id)
{
  GListModel *model = G_LIST_MODEL (self->region_model);

  gtk_editable_set_text (GTK_EDITABLE (self->region_search), "");
  gtk_string_filter_set_search (self->region_filter, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PmRegion) region = g_list_model_get_item (model, i);

      if (g_strcmp0 (pm_region_get_id (region), id) == 0
          || g_strcmp0 (pm_region_get_api_region (region), id) == 0)
        {
          gtk_single_selection_set_selected (self->region_selection, i);
          on_region_selected (self);
          return;
        }
    }
}

/* Enter or a double click on a region: choose it and go on. */
static void
on_region_activate (GtkListView  *list,
                    guint         position,
                    PmWizardPage *self)
{
  gtk_single_selection_set_selected (self->region_selection, position);
  on_region_selected (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.next", NULL);
}

/* Enter in the search: the first match. */
static void
on_region_search_activate (PmWizardPage *self)
{
  gtk_string_filter_set_search (self->region_filter, gtk_editable_get_text (GTK_EDITABLE (self->region_search)));
  if (g_list_model_get_n_items (G_LIST_MODEL (self->region_model)) > 0)
    on_region_activate (self->region_list, 0, self);
}

static void
on_region_search_changed (PmWizardPage *self)
{
  gtk_string_filter_set_search (self->region_filter, gtk_editable_get_text (GTK_EDITABLE (self->region_search)));
}

static void
on_inter_region_changed (PmWizardPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTER_REGION]);
  on_input_changed (self);
}

/* Step 3: values and commands ----------------------------------------- */

static GtkWidget *
copy_button (const char *text,
             const char *what)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  g_autofree char *tip = g_strdup_printf (_("Copy %s"), what);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "wizard.copy");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", text);
  return button;
}

static void
add_value_row (PmWizardPage *self,
               const char   *title,
               const char   *value,
               gboolean      copyable)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  if (copyable)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), copy_button (value, title));
  adw_preferences_group_add (self->values_group, row);
  g_ptr_array_add (self->value_rows, row);
}

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static const char *
endpoint_location (PmWizardPage *self)
{
  if (self->provider == PM_PROVIDER_AZURE && adw_expander_row_get_enable_expansion (self->inter_region_row))
    return text_of (self->endpoint_location_row);
  return NULL;
}

static void
build_values (PmWizardPage *self)
{
  const char *zone;
  g_autofree char *star = NULL;
  g_autofree char *link = NULL;

  clear_rows (self->values_group, self->value_rows);
  if (self->region == NULL)
    return;
  zone = pm_region_get_private_zone (self->region);

  switch (self->provider)
    {
    case PM_PROVIDER_AWS:
      {
        g_autofree char *azs = g_strjoinv (", ", (char **) pm_region_get_availability_zone_ids (self->region));

        add_value_row (self, _("Service name"), pm_region_get_service_name (self->region), TRUE);
        add_value_row (self, _("Availability zone IDs (your subnets must be in these)"),
                       *azs ? azs : _("Not published for this region"), *azs != '\0');
        star = g_strdup_printf (_("* → CNAME to the VPC endpoint's DNS name"));
        link = g_strdup (_("Associate the private hosted zone with your VPC"));
      }
      break;
    case PM_PROVIDER_AZURE:
      add_value_row (self, _("Private Link Service alias (connect by resource ID or alias)"),
                     pm_region_get_service_name (self->region), TRUE);
      star = g_strdup (_("* → A record to the private endpoint's IP address"));
      link = g_strdup (_("Add a virtual network link from the zone to your VNet"));
      break;
    case PM_PROVIDER_GCP:
      add_value_row (self, _("Service attachment"), pm_region_get_service_name (self->region), TRUE);
      star = g_strdup (_("* → A record to the endpoint's IP address"));
      link = g_strdup (_("Make the private zone visible to your VPC network"));
      break;
    case PM_PROVIDER_NONE:
    default:
      return;
    }
  add_value_row (self, _("Private DNS zone name (exactly this, so the certificate matches)"), zone, TRUE);
  add_value_row (self, _("DNS record"), star, FALSE);
  add_value_row (self, _("Zone link"), link, FALSE);
  if (endpoint_location (self) != NULL)
    {
      g_autofree char *inter = g_strdup_printf (_("Create the endpoint, the zone and its link in your VNet's "
                                                  "region; the alias and the zone are those of %s, where "
                                                  "the deployment runs. Test from the VNet."),
                                                pm_region_get_id (self->region));
      add_value_row (self, _("Inter-region"), inter, FALSE);
    }
}

static void
fill_params (PmWizardPage *self,
             PmCliParams  *p)
{
  p->vpc_id = text_of (self->vpc_id_row);
  p->subnet_ids = text_of (self->subnet_ids_row);
  p->security_group_id = text_of (self->security_group_row);
  p->hosted_zone_id = text_of (self->hosted_zone_row);
  p->endpoint_dns_name = text_of (self->endpoint_dns_row);
  p->resource_group = text_of (self->resource_group_row);
  p->vnet = text_of (self->vnet_row);
  p->subnet = text_of (self->subnet_row);
  p->location = endpoint_location (self);
  p->project = text_of (self->project_row);
  p->network = text_of (self->network_row);
  p->address_name = text_of (self->address_row);
  p->endpoint_name = text_of (self->endpoint_name_row);
  p->endpoint_ip = text_of (self->endpoint_ip_row);
}

static GPtrArray *
generate_commands (PmWizardPage *self)
{
  PmCliParams params = { 0 };

  if (self->region == NULL)
    return NULL;
  fill_params (self, &params);
  return pm_cli_commands_generate (self->region, &params);
}

static void
update_commands (PmWizardPage *self)
{
  g_autoptr(GPtrArray) commands = generate_commands (self);

  if (commands == NULL || commands->len != self->command_rows->len)
    {
      clear_rows (self->commands_group, self->command_rows);
      for (guint i = 0; commands && i < commands->len; i++)
        {
          GtkWidget *row = adw_action_row_new ();
          GtkWidget *button = copy_button ("", _("command"));

          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
          g_object_set_data (G_OBJECT (row), "copy", button);
          gtk_widget_add_css_class (row, "monospace");
          adw_preferences_group_add (self->commands_group, row);
          g_ptr_array_add (self->command_rows, row);
        }
    }

  for (guint i = 0; commands && i < commands->len; i++)
    {
      PmCliCommand *c = g_ptr_array_index (commands, i);
      GtkWidget *row = g_ptr_array_index (self->command_rows, i);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), c->title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), c->command);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (g_object_get_data (G_OBJECT (row), "copy")),
                                        "s", c->command);
    }
}

static void
show_names_for_provider (PmWizardPage *self)
{
  gboolean aws = self->provider == PM_PROVIDER_AWS;
  gboolean azure = self->provider == PM_PROVIDER_AZURE;
  gboolean gcp = self->provider == PM_PROVIDER_GCP;

  gtk_widget_set_visible (GTK_WIDGET (self->vpc_id_row), aws);
  gtk_widget_set_visible (GTK_WIDGET (self->subnet_ids_row), aws);
  gtk_widget_set_visible (GTK_WIDGET (self->security_group_row), aws);
  gtk_widget_set_visible (GTK_WIDGET (self->hosted_zone_row), aws);
  gtk_widget_set_visible (GTK_WIDGET (self->endpoint_dns_row), aws);
  gtk_widget_set_visible (GTK_WIDGET (self->resource_group_row), azure);
  gtk_widget_set_visible (GTK_WIDGET (self->vnet_row), azure);
  gtk_widget_set_visible (GTK_WIDGET (self->project_row), gcp);
  gtk_widget_set_visible (GTK_WIDGET (self->network_row), gcp);
  gtk_widget_set_visible (GTK_WIDGET (self->address_row), gcp);
  gtk_widget_set_visible (GTK_WIDGET (self->subnet_row), azure || gcp);
  gtk_widget_set_visible (GTK_WIDGET (self->endpoint_name_row), azure || gcp);
  gtk_widget_set_visible (GTK_WIDGET (self->endpoint_ip_row), azure || gcp);

  gtk_widget_set_visible (GTK_WIDGET (self->vpce_row), aws);
  gtk_widget_set_visible (GTK_WIDGET (self->azure_name_row), azure);
  gtk_widget_set_visible (GTK_WIDGET (self->azure_guid_row), azure);
  gtk_widget_set_visible (GTK_WIDGET (self->psc_row), gcp);

  /* The header suffix is not bound: disposing the template would unparent it
   * behind the group's back. */
  gtk_link_button_set_uri (GTK_LINK_BUTTON (adw_preferences_group_get_header_suffix (self->commands_group)),
                           pm_cli_provider_docs_url (self->provider));

  if (aws)
    adw_preferences_group_set_description (self->identity_group,
      _("The VPC endpoint ID (vpce-…) is on the endpoint's page in the VPC console, "
        "and in the output of create-vpc-endpoint."));
  else if (azure)
    adw_preferences_group_set_description (self->identity_group,
      _("In the Azure portal, open the private endpoint and select JSON View: the resource name is the "
        "top-level name property, the resource GUID is properties.resourceGUID."));
  else if (gcp)
    adw_preferences_group_set_description (self->identity_group,
      _("The PSC connection ID is the number on the endpoint's details page in the Google Cloud "
        "console, and in the output of the describe command in step 3."));
}

/* Step 5: policy ------------------------------------------------------ */

static gboolean
existing_filter_func (gpointer item,
                      gpointer user_data)
{
  PmWizardPage *self = user_data;
  PmPolicy *policy = item;

  return self->region != NULL
         && pm_policy_get_policy_type (policy) == policy_type (self)
         && pm_region_catalog_same_region (self->catalog, flavour (self),
                                           pm_policy_get_region (policy), policy_region (self));
}

static char *
policy_label (PmPolicy *policy)
{
  return policy ? g_strdup (pm_policy_get_name (policy)) : NULL;
}

static void
prefill_policy (PmWizardPage *self)
{
  g_autofree char *identity = dup_identity (self);
  const char *word;
  g_autofree char *name = NULL;

  if (*text_of (self->policy_name_row) == '\0')
    {
      word = self->provider == PM_PROVIDER_AWS ? _("PrivateLink")
             : self->provider == PM_PROVIDER_AZURE ? _("Private Link") : _("Private Service Connect");
      if (self->provider == PM_PROVIDER_AZURE)
        {
          g_autofree char *n = stripped (self->azure_name_row);
          name = g_strdup_printf (_("%s from %s"), word, n);
        }
      else
        name = g_strdup_printf (_("%s from %s"), word, identity);
      gtk_editable_set_text (GTK_EDITABLE (self->policy_name_row), name);
    }
  if (*text_of (self->policy_description_row) == '\0')
    {
      g_autofree char *desc = g_strdup_printf (_("Made with the private connection wizard in %s"),
                                               pm_region_get_id (self->region));
      gtk_editable_set_text (GTK_EDITABLE (self->policy_description_row), desc);
    }

  if (self->provider == PM_PROVIDER_AZURE)
    adw_preferences_group_set_description (self->policy_group,
      _("Creating the policy is what approves your private endpoint: until then it waits in "
        "“Awaiting approval”. The policy holds the endpoint's resource name and GUID."));
  else
    adw_preferences_group_set_description (self->policy_group,
      _("A policy is optional for this provider: the connection works without one. Once a policy is "
        "associated with a deployment or project, it accepts traffic only from the endpoints its "
        "policies name."));
}

static PmRule *
make_rule (PmWizardPage *self)
{
  PmRule *rule = pm_rule_new ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  switch (self->provider)
    {
    case PM_PROVIDER_AWS:
      a = stripped (self->vpce_row);
      pm_rule_set_source (rule, a);
      break;
    case PM_PROVIDER_AZURE:
      a = stripped (self->azure_name_row);
      b = stripped (self->azure_guid_row);
      pm_rule_set_azure_endpoint_name (rule, a);
      pm_rule_set_azure_endpoint_guid (rule, b);
      break;
    case PM_PROVIDER_GCP:
      a = stripped (self->psc_row);
      pm_rule_set_source (rule, a);
      break;
    case PM_PROVIDER_NONE:
    default:
      break;
    }
  return rule;
}

/* The policy as the user wants it now. */
static PmPolicy *
desired_policy (PmWizardPage *self)
{
  g_autoptr(PmRule) rule = make_rule (self);
  PmPolicy *policy;

  if (g_strcmp0 (self->policy_mode, "existing") == 0)
    {
      policy = pm_policy_copy (self->base_policy);
    }
  else
    {
      g_autofree char *name = stripped (self->policy_name_row);

      policy = pm_policy_new (flavour (self), policy_type (self));
      pm_policy_set_name (policy, name);
      pm_policy_set_description (policy, text_of (self->policy_description_row));
      pm_policy_set_region (policy, policy_region (self));
      pm_policy_set_include_by_default (policy, gtk_switch_get_active (self->by_default_switch));
    }
  pm_policy_add_rule (policy, rule);
  if (self->policy != NULL)
    {
      pm_policy_set_id (policy, pm_policy_get_id (self->policy));
      pm_policy_set_etag (policy, pm_policy_get_etag (self->policy));
    }
  return policy;
}

static void
policy_saved (PmWizardPage *self,
              PmPolicy     *saved,
              const GError *error,
              gboolean      created)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (saved == NULL)
    {
      fail (self, created ? _("The policy was not created.") : _("The policy was not saved."), error);
      return;
    }

  g_set_object (&self->policy, saved);
  pm_policy_store_upsert (pm_session_get_policies (self->session), saved);
  g_ptr_array_add (self->done, g_strdup_printf (created ? _("Created the policy “%s” (%s).")
                                                        : _("Saved the policy “%s” (%s)."),
                                                pm_policy_get_name (saved), pm_policy_get_id (saved)));
  set_busy (self, FALSE);
  go_to (self, STEP_ASSOCIATE);
}

static void
policy_created_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PmWizardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) saved = pm_api_create_policy_finish (PM_API (source), result, &error);

  policy_saved (self, saved, error, TRUE);
}

static void
policy_updated_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PmWizardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) saved = pm_api_update_policy_finish (PM_API (source), result, &error);

  policy_saved (self, saved, error, FALSE);
}

static void
save_policy (PmWizardPage *self)
{
  PmApi *api = pm_session_get_api (self->session);
  g_autoptr(PmPolicy) wanted = NULL;

  if (g_strcmp0 (self->policy_mode, "existing") == 0 && self->policy == NULL)
    g_set_object (&self->base_policy, adw_combo_row_get_selected_item (self->existing_row));

  wanted = desired_policy (self);
  if (self->policy != NULL && pm_policy_equal (wanted, self->policy))
    {
      go_to (self, STEP_ASSOCIATE);
      return;
    }

  set_busy (self, TRUE);
  if (self->policy == NULL && g_strcmp0 (self->policy_mode, "new") == 0)
    pm_api_create_policy_async (api, wanted, self->cancellable, policy_created_cb, g_object_ref (self));
  else
    pm_api_update_policy_async (api, wanted, self->cancellable, policy_updated_cb, g_object_ref (self));
}

/* Step 6: associate --------------------------------------------------- */

static gboolean
entity_filter_func (gpointer item,
                    gpointer user_data)
{
  PmWizardPage *self = user_data;

  return self->region != NULL
         && pm_region_catalog_same_region (self->catalog, flavour (self),
                                           pm_entity_get_region (item), policy_region (self));
}

static void
on_entity_toggled (GtkCheckButton *check,
                   PmWizardPage   *self)
{
  const char *id = g_object_get_data (G_OBJECT (check), "entity-id");

  if (gtk_check_button_get_active (check))
    g_hash_table_add (self->chosen, g_strdup (id));
  else
    g_hash_table_remove (self->chosen, id);
}

static GtkWidget *
create_entity_row (gpointer item,
                   gpointer user_data)
{
  PmWizardPage *self = user_data;
  PmEntity *entity = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pm_entity_get_name (entity));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), pm_entity_get_id (entity));
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (check), "entity-id", g_strdup (pm_entity_get_id (entity)), g_free);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                               g_hash_table_contains (self->chosen, pm_entity_get_id (entity)));
  g_signal_connect (check, "toggled", G_CALLBACK (on_entity_toggled), self);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_object_set_data (G_OBJECT (row), "check", check);
  return row;
}

static void
refresh_entity_checks (PmWizardPage *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->associate_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "check");

      if (check != NULL)
        gtk_check_button_set_active (check, g_hash_table_contains (self->chosen,
                                                                   g_object_get_data (G_OBJECT (check), "entity-id")));
    }
}

static PmEntity *
find_entity (PmWizardPage *self,
             const char   *id)
{
  return pm_entity_store_lookup (pm_session_get_entities (self->session), id);
}

static void associate_next (PmWizardPage *self);

/* One association call in flight: which resource, and which way. */
typedef struct {
  PmWizardPage *self;
  char         *id;
  gboolean      attach;
} AssociateCall;

static void
associate_call_free (AssociateCall *call)
{
  g_object_unref (call->self);
  g_free (call->id);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssociateCall, associate_call_free)

static void
associate_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AssociateCall) call = user_data;
  PmWizardPage *self = call->self;
  const char *id = call->id;
  gboolean attach = call->attach;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  PmEntity *entity;

  ok = attach ? pm_api_associate_finish (PM_API (source), result, &error)
              : pm_api_disassociate_finish (PM_API (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  entity = find_entity (self, id);
  if (!ok)
    {
      g_autofree char *what = g_strdup_printf (attach ? _("“%s” was not associated.") : _("“%s” was not detached."),
                                               entity ? pm_entity_get_name (entity) : id);
      fail (self, what, error);
      return;
    }
  if (attach)
    {
      g_hash_table_add (self->associated, g_strdup (id));
      g_ptr_array_add (self->done, g_strdup_printf (_("Applied the policy to “%s”."),
                                                    entity ? pm_entity_get_name (entity) : id));
    }
  else
    {
      g_hash_table_remove (self->associated, id);
      g_ptr_array_add (self->done, g_strdup_printf (_("Removed the policy from “%s”."),
                                                    entity ? pm_entity_get_name (entity) : id));
    }
  associate_next (self);
}

static AssociateCall *
associate_call_new (PmWizardPage *self,
                    const char   *id,
                    gboolean      attach)
{
  AssociateCall *call = g_new0 (AssociateCall, 1);

  call->self = g_object_ref (self);
  call->id = g_strdup (id);
  call->attach = attach;
  return call;
}

static void
associate_next (PmWizardPage *self)
{
  PmApi *api = pm_session_get_api (self->session);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->chosen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (self->associated, key) && find_entity (self, key) != NULL)
      {
        pm_api_associate_async (api, pm_policy_get_id (self->policy), find_entity (self, key),
                                self->cancellable, associate_cb, associate_call_new (self, key, TRUE));
        return;
      }
  g_hash_table_iter_init (&iter, self->associated);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (self->chosen, key) && find_entity (self, key) != NULL)
      {
        pm_api_disassociate_async (api, pm_policy_get_id (self->policy), find_entity (self, key),
                                   self->cancellable, associate_cb, associate_call_new (self, key, FALSE));
        return;
      }

  set_busy (self, FALSE);
  go_to (self, STEP_CLAIM);
}

/* Step 7: claim ------------------------------------------------------- */

static PmLinkClaim *
make_claim (PmWizardPage *self)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  switch (self->provider)
    {
    case PM_PROVIDER_AWS:
      a = stripped (self->vpce_row);
      return pm_link_claim_new_link_id (policy_region (self), a);
    case PM_PROVIDER_GCP:
      a = stripped (self->psc_row);
      return pm_link_claim_new_link_id (policy_region (self), a);
    case PM_PROVIDER_AZURE:
      a = stripped (self->azure_name_row);
      b = stripped (self->azure_guid_row);
      return pm_link_claim_new_azure (policy_region (self), a, b);
    case PM_PROVIDER_NONE:
    default:
      return NULL;
    }
}

static void
claim_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PmWizardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean claiming = self->claimed == NULL;
  gboolean ok;

  ok = claiming ? pm_api_claim_finish (PM_API (source), result, &error)
                : pm_api_unclaim_finish (PM_API (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!ok)
    {
      g_autofree char *text = pm_claims_describe_error (error, claiming);

      g_free (self->failure);
      self->failure = g_strdup_printf ("%s %s", claiming ? _("The ID was not claimed.")
                                                         : _("The claim was not released."), text);
      set_busy (self, FALSE);
      return;
    }

  if (claiming)
    {
      g_autofree char *id = NULL;

      self->claimed = make_claim (self);
      id = pm_link_claim_dup_display_id (self->claimed);
      pm_claim_store_upsert (pm_session_get_claims (self->session), self->claimed);
      g_ptr_array_add (self->done, g_strdup_printf (_("Claimed the private connection ID %s."), id));
    }
  else
    {
      g_clear_object (&self->claimed);
      g_ptr_array_add (self->done, g_strdup (_("Released the claim on the private connection ID.")));
      pm_claim_store_refresh_async (pm_session_get_claims (self->session), NULL, NULL, NULL);
    }
  set_busy (self, FALSE);
  go_to (self, STEP_TEST);
}

static void
save_claim (PmWizardPage *self)
{
  PmApi *api = pm_session_get_api (self->session);
  g_autoptr(PmLinkClaim) wanted = NULL;

  if (!claims_supported (self))
    {
      go_to (self, STEP_TEST);
      return;
    }
  wanted = make_claim (self);
  if (self->claimed != NULL && !pm_link_claim_equal (self->claimed, wanted))
    {
      /* The ID changed after claiming: release the old one first. */
      set_busy (self, TRUE);
      pm_api_unclaim_async (api, self->claimed, self->cancellable, claim_cb, g_object_ref (self));
      return;
    }
  if (self->claim && self->claimed == NULL)
    {
      set_busy (self, TRUE);
      pm_api_claim_async (api, wanted, self->cancellable, claim_cb, g_object_ref (self));
      return;
    }
  if (!self->claim && self->claimed != NULL)
    {
      set_busy (self, TRUE);
      pm_api_unclaim_async (api, self->claimed, self->cancellable, claim_cb, g_object_ref (self));
      return;
    }
  go_to (self, STEP_TEST);
}

static void
update_claim_page (PmWizardPage *self)
{
  g_autofree char *id = dup_identity (self);
  g_autofree char *subtitle = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->claim_row), claims_supported (self));
  if (!claims_supported (self))
    subtitle = g_strdup (_("Claims are not available on Serverless: nothing to do here."));
  else
    subtitle = g_strdup_printf (_("%s in %s"), id, policy_region (self));
  adw_action_row_set_subtitle (self->claim_row, subtitle);
}

/* Step 8: test -------------------------------------------------------- */

static char *
entity_name (PmEntity *entity)
{
  return entity ? g_strdup (pm_entity_get_name (entity)) : NULL;
}

static guint
test_port (PmWizardPage *self)
{
  return self->region ? pm_cli_test_port (self->region) : 443;
}

static void
update_curl (PmWizardPage *self)
{
  g_autofree char *host = g_strstrip (g_strdup (text_of (self->test_host_row)));
  g_autofree char *curl = NULL;

  if (*host == '\0')
    return;
  curl = pm_cli_curl_command (host, test_port (self));
  adw_action_row_set_subtitle (self->curl_row, curl);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->curl_copy_button), "s", curl);
}

static void
on_test_entity_selected (PmWizardPage *self)
{
  PmEntity *entity = adw_combo_row_get_selected_item (self->test_entity_row);
  g_autofree char *host = NULL;

  if (self->region == NULL)
    return;
  if (entity != NULL)
    host = pm_cli_test_host (self->region, pm_entity_get_alias (entity), pm_entity_get_id (entity), "es");
  else
    host = pm_cli_test_host (self->region, NULL, NULL, "es");
  gtk_editable_set_text (GTK_EDITABLE (self->test_host_row), host);
}

static const char *
verdict_icon (PmConnectionVerdict verdict)
{
  switch (verdict)
    {
    case PM_CONNECTION_VERDICT_RUNNING:
      return "content-loading-symbolic";
    case PM_CONNECTION_VERDICT_PASSED:
      return "emblem-ok-symbolic";
    case PM_CONNECTION_VERDICT_WARNING:
      return "dialog-warning-symbolic";
    case PM_CONNECTION_VERDICT_FAILED:
      return "dialog-error-symbolic";
    case PM_CONNECTION_VERDICT_SKIPPED:
      return "action-unavailable-symbolic";
    case PM_CONNECTION_VERDICT_PENDING:
    default:
      return "radio-symbolic";
    }
}

static void
on_test_step_changed (PmConnectionTest *test,
                      int               step,
                      PmWizardPage     *self)
{
  GtkWidget *row = self->test_rows[step];
  GtkImage *icon = g_object_get_data (G_OBJECT (row), "icon");
  PmConnectionVerdict verdict = pm_connection_test_get_verdict (test, step);
  const char *message = pm_connection_test_get_message (test, step);
  const char *hint = pm_connection_test_get_hint (test, step);
  g_autofree char *subtitle = NULL;

  gtk_image_set_from_icon_name (icon, verdict_icon (verdict));
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (icon), "warning");
  if (verdict == PM_CONNECTION_VERDICT_PASSED)
    gtk_widget_add_css_class (GTK_WIDGET (icon), "success");
  else if (verdict == PM_CONNECTION_VERDICT_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (icon), "error");
  else if (verdict == PM_CONNECTION_VERDICT_WARNING)
    gtk_widget_add_css_class (GTK_WIDGET (icon), "warning");

  if (message && hint)
    subtitle = g_strdup_printf ("%s\n%s", message, hint);
  else
    subtitle = g_strdup (message ? message : _("Not run yet"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
}

static void
test_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PmWizardPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean passed;

  passed = pm_connection_test_run_finish (PM_CONNECTION_TEST (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->test_running = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.run-test", TRUE);
  g_ptr_array_add (self->done, g_strdup_printf (passed ? _("The connection test to %s passed.")
                                                       : _("The connection test to %s failed."),
                                                text_of (self->test_host_row)));
}

static void
run_test (PmWizardPage *self)
{
  g_autofree char *host = g_strstrip (g_strdup (text_of (self->test_host_row)));

  if (self->test_running || *host == '\0' || strchr (host, '<') != NULL)
    return;
  self->test_running = TRUE;
  pm_connection_test_set_provider (self->test, self->provider);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.run-test", FALSE);
  pm_connection_test_run_async (self->test, host, test_port (self), self->cancellable,
                                test_done_cb, g_object_ref (self));
}

/* Step 9: summary ----------------------------------------------------- */

char *
pm_wizard_page_dup_summary (PmWizardPage *self)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GPtrArray) commands = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *curl = NULL;

  g_return_val_if_fail (PM_IS_WIZARD_PAGE (self), NULL);

  if (self->region == NULL)
    return g_strdup ("");
  identity = dup_identity (self);
  g_string_append_printf (s, "# %s\n", _("Private connection setup"));
  g_string_append_printf (s, "%s: %s\n", _("Provider"), pm_provider_get_label (self->provider));
  g_string_append_printf (s, "%s: %s (%s)\n", _("Region"), pm_region_get_name (self->region),
                          pm_region_get_api_region (self->region));
  if (endpoint_location (self) != NULL)
    g_string_append_printf (s, "%s: %s\n", _("Endpoint region"), endpoint_location (self));
  g_string_append_printf (s, "%s: %s\n", _("Service"), pm_region_get_service_name (self->region));
  g_string_append_printf (s, "%s: %s\n", _("Private DNS zone"), pm_region_get_private_zone (self->region));
  g_string_append_printf (s, "%s: %s\n", _("Endpoint"), identity);
  if (self->policy != NULL)
    g_string_append_printf (s, "%s: %s (%s)\n", _("Policy"), pm_policy_get_name (self->policy),
                            pm_policy_get_id (self->policy));
  if (self->claimed != NULL)
    g_string_append_printf (s, "%s: %s\n", _("Claimed"), _("yes"));
  g_string_append_c (s, '\n');

  commands = generate_commands (self);
  for (guint i = 0; commands && i < commands->len; i++)
    {
      PmCliCommand *c = g_ptr_array_index (commands, i);

      g_string_append_printf (s, "# %s\n%s\n\n", c->title, c->command);
    }
  if (*text_of (self->test_host_row))
    {
      curl = pm_cli_curl_command (text_of (self->test_host_row), test_port (self));
      g_string_append_printf (s, "# %s\n%s\n", _("Test from inside the network"), curl);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
update_summary (PmWizardPage *self)
{
  g_autofree char *record = pm_wizard_page_dup_summary (self);
  g_autoptr(GString) done = g_string_new (NULL);

  for (guint i = 0; i < self->done->len; i++)
    g_string_append_printf (done, "• %s\n", (char *) g_ptr_array_index (self->done, i));
  if (done->len == 0)
    g_string_append (done, _("Nothing was changed in your account."));
  else
    g_string_truncate (done, done->len - 1);
  gtk_label_set_label (self->summary_done_label, done->str);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->summary_view), record, -1);
}

/* Navigation ---------------------------------------------------------- */

static void
go_to (PmWizardPage *self,
       guint         step)
{
  g_return_if_fail (step < N_STEPS);

  g_clear_pointer (&self->failure, g_free);
  self->step = step;

  switch (step)
    {
    case STEP_ENDPOINT:
      show_names_for_provider (self);
      build_values (self);
      update_commands (self);
      break;
    case STEP_IDENTITY:
      show_names_for_provider (self);
      if (self->provider == PM_PROVIDER_AZURE && *text_of (self->azure_name_row) == '\0')
        gtk_editable_set_text (GTK_EDITABLE (self->azure_name_row), text_of (self->endpoint_name_row));
      break;
    case STEP_POLICY:
      gtk_filter_changed (GTK_FILTER (self->existing_filter), GTK_FILTER_CHANGE_DIFFERENT);
      gtk_widget_set_sensitive (GTK_WIDGET (self->policy_existing_row),
                                g_list_model_get_n_items (G_LIST_MODEL (self->existing)) > 0 || self->policy != NULL);
      prefill_policy (self);
      break;
    case STEP_ASSOCIATE:
      {
        g_autofree char *desc = g_strdup_printf (flavour (self) == PM_FLAVOUR_SERVERLESS
                                                 ? _("Optional. Choose the projects in %s that the policy applies to. "
                                                     "Once applied, a project accepts traffic only through its policies.")
                                                 : _("Optional. Choose the deployments in %s that the policy applies to. "
                                                     "Once applied, a deployment accepts traffic only through its policies."),
                                                 pm_region_get_id (self->region));

        gtk_filter_changed (GTK_FILTER (self->entity_filter), GTK_FILTER_CHANGE_DIFFERENT);
        adw_preferences_group_set_description (self->associate_group, desc);
        refresh_entity_checks (self);
      }
      break;
    case STEP_CLAIM:
      update_claim_page (self);
      break;
    case STEP_TEST:
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->test_entity_row),
                                     flavour (self) == PM_FLAVOUR_SERVERLESS ? _("Project") : _("Deployment"));
      if (*text_of (self->test_host_row) == '\0' || strchr (text_of (self->test_host_row), '<'))
        on_test_entity_selected (self);
      update_curl (self);
      break;
    case STEP_SUMMARY:
      update_summary (self);
      break;
    default:
      break;
    }

  gtk_stack_set_visible_child_name (self->stack, step_names[step]);
  update_chrome (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PmWizardPage *self = PM_WIZARD_PAGE (widget);
  g_autofree char *problem = compute_problem (self);

  if (self->busy || self->step + 1 >= N_STEPS)
    return;
  if (problem != NULL)
    {
      update_chrome (self);
      return;
    }
  g_clear_pointer (&self->failure, g_free);

  switch (self->step)
    {
    case STEP_POLICY:
      save_policy (self);
      break;
    case STEP_ASSOCIATE:
      set_busy (self, TRUE);
      associate_next (self);
      break;
    case STEP_CLAIM:
      save_claim (self);
      break;
    default:
      go_to (self, self->step + 1);
      break;
    }
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PmWizardPage *self = PM_WIZARD_PAGE (widget);

  if (self->busy || self->step == 0)
    return;
  go_to (self, self->step - 1);
}

static void
region_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  select_region (PM_WIZARD_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
existing_policy_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PmWizardPage *self = PM_WIZARD_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  GListModel *model = G_LIST_MODEL (self->existing);

  gtk_filter_changed (GTK_FILTER (self->existing_filter), GTK_FILTER_CHANGE_DIFFERENT);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (model, i);

      if (g_strcmp0 (pm_policy_get_id (policy), id) == 0)
        {
          adw_combo_row_set_selected (self->existing_row, i);
          break;
        }
    }
  on_input_changed (self);
}

static void
toggle_entity_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PmWizardPage *self = PM_WIZARD_PAGE (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  if (!g_hash_table_remove (self->chosen, id))
    g_hash_table_add (self->chosen, g_strdup (id));
  refresh_entity_checks (self);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  copy_text (PM_WIZARD_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
copy_summary_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_autofree char *text = pm_wizard_page_dup_summary (PM_WIZARD_PAGE (widget));

  copy_text (PM_WIZARD_PAGE (widget), text);
}

static void
run_test_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  run_test (PM_WIZARD_PAGE (widget));
}

/* GObject ------------------------------------------------------------- */

static void
on_policy_mode_changed (PmWizardPage *self)
{
  gboolean existing = g_strcmp0 (self->policy_mode, "existing") == 0;

  gtk_widget_set_visible (GTK_WIDGET (self->existing_row), existing);
  gtk_widget_set_visible (self->policy_fields_group, !existing);
  on_input_changed (self);
}

static void
pm_wizard_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PmWizardPage *self = PM_WIZARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      g_value_set_string (value, self->provider_string ? self->provider_string : "");
      break;
    case PROP_POLICY_MODE:
      g_value_set_string (value, self->policy_mode);
      break;
    case PROP_CLAIM:
      g_value_set_boolean (value, self->claim);
      break;
    case PROP_INTER_REGION:
      g_value_set_boolean (value, adw_expander_row_get_enable_expansion (self->inter_region_row));
      break;
    case PROP_STEP:
      g_value_set_uint (value, self->step);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_wizard_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PmWizardPage *self = PM_WIZARD_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROVIDER:
      set_provider (self, g_value_get_string (value));
      break;
    case PROP_POLICY_MODE:
      {
        const char *mode = g_value_get_string (value);

        if (g_strcmp0 (mode, "new") != 0 && g_strcmp0 (mode, "existing") != 0)
          return;
        if (g_strcmp0 (mode, self->policy_mode) == 0)
          return;
        set_string (&self->policy_mode, mode);
        gtk_check_button_set_active (g_str_equal (mode, "new") ? self->policy_new_check
                                                                : self->policy_existing_check, TRUE);
        on_policy_mode_changed (self);
        g_object_notify_by_pspec (object, pspec);
      }
      break;
    case PROP_CLAIM:
      if (self->claim != g_value_get_boolean (value))
        {
          self->claim = g_value_get_boolean (value);
          gtk_switch_set_active (self->claim_switch, self->claim);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_INTER_REGION:
      adw_expander_row_set_enable_expansion (self->inter_region_row, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_policy_check_toggled (PmWizardPage *self)
{
  g_object_set (self, "policy-mode",
                gtk_check_button_get_active (self->policy_existing_check) ? "existing" : "new", NULL);
}

static void
on_claim_switch (PmWizardPage *self)
{
  g_object_set (self, "claim", gtk_switch_get_active (self->claim_switch), NULL);
}

static void
pm_wizard_page_dispose (GObject *object)
{
  PmWizardPage *self = PM_WIZARD_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->test != NULL)
    g_signal_handlers_disconnect_by_data (self->test, self);
  /* The bin's child may be a template child: let the bin drop it first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_WIZARD_PAGE);
  g_clear_object (&self->session);
  g_clear_object (&self->region);
  g_clear_object (&self->region_model);
  g_clear_object (&self->region_selection);
  g_clear_object (&self->entities);
  g_clear_object (&self->existing);
  g_clear_object (&self->policy);
  g_clear_object (&self->base_policy);
  g_clear_object (&self->claimed);
  g_clear_object (&self->test);
  G_OBJECT_CLASS (pm_wizard_page_parent_class)->dispose (object);
}

static void
pm_wizard_page_finalize (GObject *object)
{
  PmWizardPage *self = PM_WIZARD_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->provider_string);
  g_free (self->policy_mode);
  g_free (self->problem);
  g_free (self->failure);
  g_ptr_array_unref (self->value_rows);
  g_ptr_array_unref (self->command_rows);
  g_ptr_array_unref (self->done);
  g_hash_table_unref (self->chosen);
  g_hash_table_unref (self->associated);
  G_OBJECT_CLASS (pm_wizard_page_parent_class)->finalize (object);
}

static void
pm_wizard_page_class_init (PmWizardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = pm_wizard_page_get_property;
  object_class->set_property = pm_wizard_page_set_property;
  object_class->dispose = pm_wizard_page_dispose;
  object_class->finalize = pm_wizard_page_finalize;

  properties[PROP_PROVIDER] =
    g_param_spec_string ("provider", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_POLICY_MODE] =
    g_param_spec_string ("policy-mode", NULL, NULL, "new",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CLAIM] =
    g_param_spec_boolean ("claim", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_INTER_REGION] =
    g_param_spec_boolean ("inter-region", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STEP] =
    g_param_spec_uint ("step", NULL, NULL, 0, N_STEPS - 1, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/perimeter/Perimeter/pm-wizard-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, PmWizardPage, name)
  BIND (title_label); BIND (step_label); BIND (progress); BIND (stack);
  BIND (provider_group); BIND (aws_row); BIND (azure_row); BIND (gcp_row); BIND (provider_note);
  BIND (region_search); BIND (region_list); BIND (metadata_label); BIND (inter_region_group);
  BIND (inter_region_row); BIND (endpoint_location_row);
  BIND (values_group); BIND (names_group); BIND (vpc_id_row); BIND (subnet_ids_row);
  BIND (security_group_row); BIND (hosted_zone_row); BIND (endpoint_dns_row); BIND (resource_group_row);
  BIND (project_row); BIND (vnet_row); BIND (network_row); BIND (subnet_row); BIND (address_row);
  BIND (endpoint_name_row); BIND (endpoint_ip_row); BIND (commands_group);
  BIND (identity_group); BIND (vpce_row); BIND (azure_name_row); BIND (azure_guid_row); BIND (psc_row);
  BIND (policy_group); BIND (policy_new_check); BIND (policy_existing_check); BIND (policy_existing_row);
  BIND (existing_row); BIND (policy_fields_group); BIND (policy_name_row); BIND (policy_description_row);
  BIND (by_default_switch); BIND (associate_group); BIND (associate_list);
  BIND (claim_group); BIND (claim_row); BIND (claim_switch);
  BIND (test_group); BIND (test_entity_row); BIND (test_host_row); BIND (curl_row); BIND (curl_copy_button);
  BIND (test_steps_group); BIND (summary_done_label); BIND (summary_view);
  BIND (problem_label); BIND (spinner); BIND (retry_button); BIND (next_button);
#undef BIND

  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  gtk_widget_class_install_property_action (widget_class, "wizard.provider", "provider");
  gtk_widget_class_install_action (widget_class, "wizard.region", "s", region_action);
  gtk_widget_class_install_property_action (widget_class, "wizard.policy-mode", "policy-mode");
  gtk_widget_class_install_action (widget_class, "wizard.existing-policy", "s", existing_policy_action);
  gtk_widget_class_install_action (widget_class, "wizard.toggle-entity", "s", toggle_entity_action);
  gtk_widget_class_install_property_action (widget_class, "wizard.claim", "claim");
  gtk_widget_class_install_property_action (widget_class, "wizard.inter-region", "inter-region");
  gtk_widget_class_install_action (widget_class, "wizard.run-test", NULL, run_test_action);
  gtk_widget_class_install_action (widget_class, "wizard.copy", "s", copy_action);
  gtk_widget_class_install_action (widget_class, "wizard.copy-summary", NULL, copy_summary_action);
}

static GtkWidget *
make_test_row (PmConnectionStep step)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (verdict_icon (PM_CONNECTION_VERDICT_PENDING));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pm_connection_step_get_title (step));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Not run yet"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  g_object_set_data (G_OBJECT (row), "icon", icon);
  return row;
}

static void
connect_changed (PmWizardPage *self,
                 AdwEntryRow  *row)
{
  g_signal_connect_swapped (row, "changed", G_CALLBACK (on_input_changed), self);
}

static void
pm_wizard_page_init (PmWizardPage *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkExpression *expr;
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->catalog = pm_region_catalog_get_default ();
  self->policy_mode = g_strdup ("new");
  self->value_rows = g_ptr_array_new ();
  self->command_rows = g_ptr_array_new ();
  self->done = g_ptr_array_new_with_free_func (g_free);
  self->chosen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->associated = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* Regions */
  expr = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                      G_CALLBACK (region_search_text), NULL, NULL);
  self->region_filter = gtk_string_filter_new (expr);
  self->region_model = gtk_filter_list_model_new (NULL, GTK_FILTER (self->region_filter));
  self->region_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->region_model)));
  gtk_single_selection_set_autoselect (self->region_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->region_selection, TRUE);
  g_signal_connect (factory, "setup", G_CALLBACK (region_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (region_bind_cb), NULL);
  gtk_list_view_set_factory (self->region_list, factory);
  gtk_list_view_set_model (self->region_list, GTK_SELECTION_MODEL (self->region_selection));
  g_signal_connect_swapped (self->region_selection, "notify::selected-item",
                            G_CALLBACK (on_region_selected), self);
  g_signal_connect (self->region_list, "activate", G_CALLBACK (on_region_activate), self);
  g_signal_connect_swapped (self->region_search, "activate", G_CALLBACK (on_region_search_activate), self);
  g_signal_connect_swapped (self->region_search, "search-changed",
                            G_CALLBACK (on_region_search_changed), self);
  g_signal_connect_swapped (self->inter_region_row, "notify::enable-expansion",
                            G_CALLBACK (on_inter_region_changed), self);

  /* Entries */
  connect_changed (self, self->endpoint_location_row);
  connect_changed (self, self->vpc_id_row);
  connect_changed (self, self->subnet_ids_row);
  connect_changed (self, self->security_group_row);
  connect_changed (self, self->hosted_zone_row);
  connect_changed (self, self->endpoint_dns_row);
  connect_changed (self, self->resource_group_row);
  connect_changed (self, self->project_row);
  connect_changed (self, self->vnet_row);
  connect_changed (self, self->network_row);
  connect_changed (self, self->subnet_row);
  connect_changed (self, self->address_row);
  connect_changed (self, self->endpoint_name_row);
  connect_changed (self, self->endpoint_ip_row);
  connect_changed (self, self->vpce_row);
  connect_changed (self, self->azure_name_row);
  connect_changed (self, self->azure_guid_row);
  connect_changed (self, self->psc_row);
  connect_changed (self, self->policy_name_row);
  connect_changed (self, self->policy_description_row);
  g_signal_connect_swapped (self->test_host_row, "changed", G_CALLBACK (update_curl), self);

  g_signal_connect_swapped (self->policy_existing_check, "toggled", G_CALLBACK (on_policy_check_toggled), self);
  g_signal_connect_swapped (self->test_entity_row, "notify::selected-item", G_CALLBACK (on_test_entity_selected), self);
  g_signal_connect_swapped (self->existing_row, "notify::selected-item", G_CALLBACK (on_input_changed), self);
  g_signal_connect_swapped (self->claim_switch, "notify::active", G_CALLBACK (on_claim_switch), self);

  /* Connection test */
  self->test = pm_connection_test_new (PM_PROVIDER_NONE);
  for (guint i = 0; i < PM_CONNECTION_N_STEPS; i++)
    {
      self->test_rows[i] = make_test_row (i);
      adw_preferences_group_add (self->test_steps_group, self->test_rows[i]);
    }
  g_signal_connect (self->test, "step-changed", G_CALLBACK (on_test_step_changed), self);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->curl_copy_button), "wizard.copy");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->curl_copy_button), "s", "");

  update_provider_rows (self);
  go_to (self, STEP_PROVIDER);
}

PmWizardPage *
pm_wizard_page_new (void)
{
  return g_object_new (PM_TYPE_WIZARD_PAGE, NULL);
}

void
pm_wizard_page_set_session (PmWizardPage *self,
                            PmSession    *session)
{
  GtkExpression *expr;

  g_return_if_fail (PM_IS_WIZARD_PAGE (self));
  g_return_if_fail (session == NULL || PM_IS_SESSION (session));

  if (self->session == session)
    return;

  /* A new account starts a new setup; typed values stay. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  /* The cancelled calls' callbacks return early: stop being busy for them. */
  if (self->busy)
    {
      self->busy = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
  set_provider (self, NULL);
  reset_setup (self);
  g_ptr_array_set_size (self->done, 0);
  g_set_object (&self->session, session);

  g_clear_object (&self->entities);
  g_clear_object (&self->existing);
  self->entity_filter = NULL;
  self->existing_filter = NULL;
  if (session != NULL)
    {
      self->entity_filter = gtk_custom_filter_new (entity_filter_func, self, NULL);
      self->entities = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (pm_session_get_entities (session))),
                                                  GTK_FILTER (self->entity_filter));
      self->existing_filter = gtk_custom_filter_new (existing_filter_func, self, NULL);
      self->existing = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (pm_session_get_policies (session))),
                                                  GTK_FILTER (self->existing_filter));
    }
  gtk_list_box_bind_model (self->associate_list, G_LIST_MODEL (self->entities),
                           self->entities ? create_entity_row : NULL, self, NULL);

  expr = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL, G_CALLBACK (policy_label), NULL, NULL);
  adw_combo_row_set_expression (self->existing_row, expr);
  gtk_expression_unref (expr);
  adw_combo_row_set_model (self->existing_row, G_LIST_MODEL (self->existing));
  expr = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL, G_CALLBACK (entity_name), NULL, NULL);
  adw_combo_row_set_expression (self->test_entity_row, expr);
  gtk_expression_unref (expr);
  adw_combo_row_set_model (self->test_entity_row, G_LIST_MODEL (self->entities));

  g_object_set (gtk_stack_get_page (self->stack, gtk_stack_get_child_by_name (self->stack, "associate")),
                "title", flavour (self) == PM_FLAVOUR_SERVERLESS ? _("Apply to projects") : _("Apply to deployments"),
                NULL);
  update_provider_rows (self);
  go_to (self, STEP_PROVIDER);
}

guint
pm_wizard_page_get_step (PmWizardPage *self)
{
  g_return_val_if_fail (PM_IS_WIZARD_PAGE (self), 0);
  return self->step;
}

guint
pm_wizard_page_get_n_steps (PmWizardPage *self)
{
  return N_STEPS;
}

gboolean
pm_wizard_page_get_busy (PmWizardPage *self)
{
  g_return_val_if_fail (PM_IS_WIZARD_PAGE (self), FALSE);
  return self->busy;
}

const char *
pm_wizard_page_get_problem (PmWizardPage *self)
{
  g_return_val_if_fail (PM_IS_WIZARD_PAGE (self), NULL);
  return self->problem;
}

GtkEditable *
pm_wizard_page_get_field (PmWizardPage *self,
                          const char   *name)
{
  const struct { const char *name; gsize offset; } fields[] = {
    { "endpoint_location", G_STRUCT_OFFSET (PmWizardPage, endpoint_location_row) },
    { "vpc_id", G_STRUCT_OFFSET (PmWizardPage, vpc_id_row) },
    { "subnet_ids", G_STRUCT_OFFSET (PmWizardPage, subnet_ids_row) },
    { "security_group", G_STRUCT_OFFSET (PmWizardPage, security_group_row) },
    { "hosted_zone", G_STRUCT_OFFSET (PmWizardPage, hosted_zone_row) },
    { "endpoint_dns", G_STRUCT_OFFSET (PmWizardPage, endpoint_dns_row) },
    { "resource_group", G_STRUCT_OFFSET (PmWizardPage, resource_group_row) },
    { "project", G_STRUCT_OFFSET (PmWizardPage, project_row) },
    { "vnet", G_STRUCT_OFFSET (PmWizardPage, vnet_row) },
    { "network", G_STRUCT_OFFSET (PmWizardPage, network_row) },
    { "subnet", G_STRUCT_OFFSET (PmWizardPage, subnet_row) },
    { "address", G_STRUCT_OFFSET (PmWizardPage, address_row) },
    { "endpoint_name", G_STRUCT_OFFSET (PmWizardPage, endpoint_name_row) },
    { "endpoint_ip", G_STRUCT_OFFSET (PmWizardPage, endpoint_ip_row) },
    { "vpce", G_STRUCT_OFFSET (PmWizardPage, vpce_row) },
    { "azure_name", G_STRUCT_OFFSET (PmWizardPage, azure_name_row) },
    { "azure_guid", G_STRUCT_OFFSET (PmWizardPage, azure_guid_row) },
    { "psc", G_STRUCT_OFFSET (PmWizardPage, psc_row) },
    { "policy_name", G_STRUCT_OFFSET (PmWizardPage, policy_name_row) },
    { "policy_description", G_STRUCT_OFFSET (PmWizardPage, policy_description_row) },
    { "test_host", G_STRUCT_OFFSET (PmWizardPage, test_host_row) },
    { "region_search", G_STRUCT_OFFSET (PmWizardPage, region_search) },
  };

  g_return_val_if_fail (PM_IS_WIZARD_PAGE (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, name))
      return G_STRUCT_MEMBER (GtkEditable *, self, fields[i].offset);
  return NULL;
}

PmConnectionTest *
pm_wizard_page_get_connection_test (PmWizardPage *self)
{
  g_return_val_if_fail (PM_IS_WIZARD_PAGE (self), NULL);
  return self->test;
}
