/* pm-policies-page.c: every policy of the account, searchable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "pm-bulk-op.h"
#include "pm-error-text.h"
#include "pm-paced-model.h"
#include "pm-oddity-marker.h"
#include "pm-validate.h"
#include "pm-policies-page.h"
#include "pm-policy-actions.h"
#include "pm-slot-model.h"
#include "pm-stack-page.h"
#include "pm-text-cell.h"

struct _PmPoliciesPage
{
  AdwBreakpointBin    parent_instance;

  AdwToastOverlay    *toast_overlay;
  GtkWidget          *new_button;
  GtkWidget          *apply_button;
  GtkWidget          *detach_button;
  GtkToggleButton    *search_button;
  GtkLabel           *count_label;
  GtkLabel           *notice_label;
  GtkMenuButton      *type_button;
  GtkLabel           *type_label;
  GtkMenuButton      *region_button;
  GtkLabel           *region_label;
  GMenu              *type_menu;     /* NULL until the type filter is first opened */
  GMenu              *region_menu;   /* likewise */
  GSimpleActionGroup *filter_actions;  /* "filter": type and region, see setup_filters () */
  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;  /* NULL until after the first frame, or the search opens */
  guint               entry_source;  /* builds it after the page is first shown */
  guint               fonts_source;  /* see warm_no_results_page () */
  GtkStack           *stack;
  GtkIconPaintable   *no_results_icon;  /* looked up ahead: see warm_no_results_page () */
  GtkColumnView      *column_view;
  AdwBreakpoint      *medium_breakpoint;
  AdwBreakpoint      *narrow_breakpoint;

  PmSession          *session;
  PmPolicyStore      *store;
  PmPacedModel       *paced;         /* the store, as the list is told of it */
  GtkCustomFilter    *filter;
  GtkFilterListModel *filter_model;
  GtkSortListModel   *sort_model;
  PmSlotModel        *slots;         /* the sorted list, as the rows show it; kept */
  GListStore         *nothing;       /* what the slots show with no session */
  GtkMultiSelection  *selection;
  GHashTable         *selected;      /* PmPolicy → itself: the selection, by policy */
  gboolean            syncing_selection;
  GtkProgressBar     *bulk_progress;
  GPtrArray          *regions;       /* the regions policies use, sorted, NULL-terminated: the region filter's items */
  GArray             *types;         /* PmPolicyType: the type filter's items after "All types" */
  GHashTable         *columns;       /* name → GtkColumnViewColumn */
  PmTextCellFit      *region_fit;    /* the regions policies use: see update_regions () */
  PmPolicyEditor     *editor;
  GtkPopoverMenu     *row_menu;      /* one for every row, built when first opened */
  GtkWidget          *row_menu_button;  /* weak: the row button it was opened from */
  char               *search;        /* lowercased */
  GStrv               search_words;  /* search, split at spaces (no empty words); never NULL */
  PmPolicyType        type_filter;
  char               *region_filter;
};

G_DEFINE_FINAL_TYPE (PmPoliciesPage, pm_policies_page, ADW_TYPE_BREAKPOINT_BIN)

static const PmPolicyType all_types[] = {
  PM_POLICY_TYPE_IP,
  PM_POLICY_TYPE_EGRESS_FIREWALL,
  PM_POLICY_TYPE_VPCE,
  PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT,
  PM_POLICY_TYPE_GCP_PSC,
};

/* Filtering */

static gboolean
policy_matches (gpointer item,
                gpointer user_data)
{
  PmPoliciesPage *self = user_data;
  PmPolicy *policy = item;

  if (self->type_filter != PM_POLICY_TYPE_UNKNOWN && pm_policy_get_policy_type (policy) != self->type_filter)
    return FALSE;
  if (self->region_filter != NULL && g_strcmp0 (pm_policy_get_region (policy), self->region_filter) != 0)
    return FALSE;
  for (guint i = 0; self->search_words[i] != NULL; i++)
    if (!pm_policy_contains_text (policy, self->search_words[i]))
      return FALSE;
  return TRUE;
}

/* The page for a state but the list, built from pm-policies-page-states.ui
 * the first time it is needed: most starts show only the list. */
static GtkWidget *
ensure_state_page (PmPoliciesPage *self,
                   const char     *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (self->stack, name);
  g_autoptr(GtkBuilder) builder = NULL;

  if (page != NULL)
    return page;

  builder = gtk_builder_new ();
  return pm_stack_page_add_from_resource (self->stack, builder,
                                          PM_RESOURCE_PREFIX "/pm-policies-page-states.ui", name);
}

/* shown: the page is shown or about to be. With no account the window
 * shows a page of its own, not this one; and a state's page is built only
 * once the page is shown (see pm_policies_page_map ()). */
static void
update_state_shown (PmPoliciesPage *self,
                    gboolean        shown_page)
{
  const char *state = pm_policies_page_get_state (self);
  guint shown = self->filter_model ? g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) : 0;
  guint total = self->store ? g_list_model_get_n_items (G_LIST_MODEL (self->store)) : 0;
  g_autofree char *count = NULL;

  if (self->store != NULL && (shown_page || gtk_stack_get_child_by_name (self->stack, state) != NULL))
    {
      GtkWidget *page = ensure_state_page (self, state);

      if (g_str_equal (state, "error"))
        {
          g_autofree char *text = pm_error_text_describe (pm_policy_store_get_error (self->store));

          adw_status_page_set_description (ADW_STATUS_PAGE (page), text);
        }
      pm_stack_page_show (self->stack, state);
    }

  if (total == 0)
    count = g_strdup ("");
  else if (shown == total || pm_paced_model_get_pending (self->paced))
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u policy", "%u policies", total), total);
  else
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u policy", "%u of %u policies", total),
                             shown, total);
  gtk_label_set_label (self->count_label, count);
  pm_oddity_notice_show (self->notice_label, self->store ? pm_policy_store_get_notice (self->store) : NULL);
}

static void
update_state (PmPoliciesPage *self)
{
  update_state_shown (self, gtk_widget_get_mapped (GTK_WIDGET (self)));
}

static void
refilter_as (PmPoliciesPage  *self,
             GtkFilterChange  change)
{
  if (self->filter != NULL)
    gtk_filter_changed (GTK_FILTER (self->filter), change);
  update_state (self);
}

static void
refilter (PmPoliciesPage *self)
{
  refilter_as (self, GTK_FILTER_CHANGE_DIFFERENT);
}

/* Whether every policy that matches now still matched before, that is,
 * every word of before is within a word of now (typing on, or adding a
 * word): then only the policies shown need checking again. */
static gboolean
words_narrow (GStrv before,
              GStrv now)
{
  for (guint i = 0; before[i] != NULL; i++)
    {
      gboolean within = FALSE;

      for (guint j = 0; now[j] != NULL && !within; j++)
        within = strstr (now[j], before[i]) != NULL;
      if (!within)
        return FALSE;
    }
  return TRUE;
}

static void
on_search_changed (PmPoliciesPage *self)
{
  g_auto(GStrv) before = g_steal_pointer (&self->search_words);
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  g_auto(GStrv) split = NULL;
  GtkFilterChange change;

  g_free (self->search);
  self->search = g_utf8_strdown (self->search_entry != NULL ? gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) : "", -1);
  split = g_strsplit_set (self->search, " \t", -1);
  for (guint i = 0; split[i] != NULL; i++)
    if (*split[i] != '\0')
      g_ptr_array_add (words, g_strdup (split[i]));
  g_ptr_array_add (words, NULL);
  self->search_words = (GStrv) g_ptr_array_free (g_steal_pointer (&words), FALSE);

  if (g_strv_equal ((const char * const *) before, (const char * const *) self->search_words))
    return;
  if (words_narrow (before, self->search_words))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (words_narrow (self->search_words, before))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;
  refilter_as (self, change);
}

static gboolean
prepare_no_results_fonts_cb (gpointer data)
{
  PmPoliciesPage *self = data;

  self->fonts_source = 0;
  pm_stack_page_prepare_fonts (ensure_state_page (self, "no-results"));
  return G_SOURCE_REMOVE;
}

/* The page shown when nothing matches, made ready as the search opens,
 * for the keystroke that finds nothing. Its icon is an SVG at 128 px: the
 * first time it was drawn, librsvg was loaded and ran in that keystroke
 * (~20 ms); looked up now, GTK loads it in a worker thread
 * (GTK_ICON_LOOKUP_PRELOAD) and keeps it for the page. Its title and
 * description are in fonts of their own: set up (~2 ms) when the main
 * loop is next idle. */
static void
warm_no_results_page (PmPoliciesPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GIcon) icon = NULL;

  if (self->no_results_icon != NULL || !gtk_search_bar_get_search_mode (self->search_bar))
    return;
  icon = g_themed_icon_new (adw_status_page_get_icon_name (ADW_STATUS_PAGE (ensure_state_page (self, "no-results"))));
  self->no_results_icon = gtk_icon_theme_lookup_by_gicon (gtk_icon_theme_get_for_display (gtk_widget_get_display (widget)),
                                                          icon, 128, gtk_widget_get_scale_factor (widget),
                                                          gtk_widget_get_direction (widget), GTK_ICON_LOOKUP_PRELOAD);
  self->fonts_source = g_idle_add_full (G_PRIORITY_LOW, prepare_no_results_fonts_cb, self, NULL);
}

/* The filters: menu buttons with radio items, the menus built when first
 * opened. The actions' states are the filters: filter.type, a PmPolicyType
 * (PM_POLICY_TYPE_UNKNOWN for all), and filter.region, a region ("" for all). */

/* A menu item shows a region as it is: its underscores are not mnemonics. */
static GMenuItem *
filter_item (const char *label,
             const char *action,
             GVariant   *target)
{
  g_autofree char *escaped = NULL;
  GString *text = g_string_new (NULL);
  GMenuItem *item;

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_')
        g_string_append_c (text, '_');
      g_string_append_c (text, *p);
    }
  escaped = g_string_free (text, FALSE);
  item = g_menu_item_new (escaped, NULL);
  g_menu_item_set_action_and_target_value (item, action, target);
  return item;
}

static void
fill_type_menu (PmPoliciesPage *self)
{
  g_autoptr(GMenuItem) all = filter_item (_("All types"), "filter.type", g_variant_new_uint32 (PM_POLICY_TYPE_UNKNOWN));

  g_menu_remove_all (self->type_menu);
  g_menu_append_item (self->type_menu, all);
  for (guint i = 0; i < self->types->len; i++)
    {
      PmPolicyType type = g_array_index (self->types, PmPolicyType, i);
      g_autoptr(GMenuItem) item = filter_item (pm_policy_type_get_label (type), "filter.type", g_variant_new_uint32 (type));

      g_menu_append_item (self->type_menu, item);
    }
}

static void
fill_region_menu (PmPoliciesPage *self)
{
  g_autoptr(GMenuItem) all = filter_item (_("All regions"), "filter.region", g_variant_new_string (""));

  g_menu_remove_all (self->region_menu);
  g_menu_append_item (self->region_menu, all);
  for (guint i = 0; i < self->regions->len; i++)
    {
      g_autoptr(GMenuItem) item = filter_item (self->regions->pdata[i], "filter.region",
                                               g_variant_new_string (self->regions->pdata[i]));

      g_menu_append_item (self->region_menu, item);
    }
}

/* A filter's menu, built as it is first opened. */
static void
create_filter_menu (GtkMenuButton *button,
                    gpointer       data)
{
  PmPoliciesPage *self = data;
  gboolean types = button == self->type_button;
  GMenu **menu = types ? &self->type_menu : &self->region_menu;

  if (*menu != NULL)
    return;
  *menu = g_menu_new ();
  if (types)
    fill_type_menu (self);
  else
    fill_region_menu (self);
  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (*menu));
}

/* The button shows the filter's value. The menu button and its button
 * (what takes focus) are named after the filter and its value: GTK 4.8
 * names them by their type, and by what they show. */
static void
show_filter (GtkMenuButton *button,
             GtkLabel      *label,
             const char    *filter_name,
             const char    *value)
{
  g_autofree char *name = NULL;

  gtk_label_set_label (label, value);
  /* Translators: a filter's name and the value it is set to, e.g. "Region filter: us-east-1" */
  name = g_strdup_printf (_("%s: %s"), filter_name, value);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (button));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static GSimpleAction *
filter_action (PmPoliciesPage *self,
               const char     *name)
{
  return G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->filter_actions), name));
}

/* Sets the type filter (one the flavour does not offer: all types), and
 * refilters when asked and the filter changed. */
static void
apply_type_filter (PmPoliciesPage *self,
                   PmPolicyType    type,
                   gboolean        refilter_now)
{
  gboolean offered = FALSE;

  for (guint i = 0; i < self->types->len; i++)
    if (g_array_index (self->types, PmPolicyType, i) == type)
      offered = TRUE;
  if (!offered)
    type = PM_POLICY_TYPE_UNKNOWN;

  g_simple_action_set_state (filter_action (self, "type"), g_variant_new_uint32 (type));
  show_filter (self->type_button, self->type_label, _("Policy type filter"),
               type == PM_POLICY_TYPE_UNKNOWN ? _("All types") : pm_policy_type_get_label (type));
  if (type == self->type_filter)
    return;
  self->type_filter = type;
  if (refilter_now)
    refilter (self);
}

/* Sets the region filter (one no policy uses: all regions), likewise. */
static void
apply_region_filter (PmPoliciesPage *self,
                     const char     *region,
                     gboolean        refilter_now)
{
  if (region != NULL && !g_ptr_array_find_with_equal_func (self->regions, region, g_str_equal, NULL))
    region = NULL;

  g_simple_action_set_state (filter_action (self, "region"), g_variant_new_string (region ? region : ""));
  show_filter (self->region_button, self->region_label, _("Region filter"), region ? region : _("All regions"));
  if (g_strcmp0 (region, self->region_filter) == 0)
    return;
  g_free (self->region_filter);
  self->region_filter = g_strdup (region);
  if (refilter_now)
    refilter (self);
}

static void
change_type_filter (GSimpleAction *action,
                    GVariant      *value,
                    gpointer       data)
{
  apply_type_filter (data, g_variant_get_uint32 (value), TRUE);
}

static void
change_region_filter (GSimpleAction *action,
                      GVariant      *value,
                      gpointer       data)
{
  const char *region = g_variant_get_string (value, NULL);

  apply_region_filter (data, *region != '\0' ? region : NULL, TRUE);
}

static void
setup_filters (PmPoliciesPage *self)
{
  const GActionEntry entries[] = {
    { "type", NULL, "u", "uint32 0", change_type_filter },
    { "region", NULL, "s", "''", change_region_filter },
  };

  self->filter_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->filter_actions), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "filter", G_ACTION_GROUP (self->filter_actions));
  gtk_menu_button_set_create_popup_func (self->type_button, create_filter_menu, self, NULL);
  gtk_menu_button_set_create_popup_func (self->region_button, create_filter_menu, self, NULL);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The region filter offers the regions that policies use. */
static void
update_regions (PmPoliciesPage *self)
{
  g_autoptr(GPtrArray) regions = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = self->store ? g_list_model_get_n_items (G_LIST_MODEL (self->store)) : 0;
  guint i;

  for (i = 0; i < n; i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      const char *region = pm_policy_get_region (policy);

      if (region == NULL || *region == '\0' || g_hash_table_contains (seen, region))
        continue;
      g_ptr_array_add (regions, g_strdup (region));
      g_hash_table_add (seen, g_ptr_array_index (regions, regions->len - 1));
    }
  g_ptr_array_sort (regions, compare_strings);

  /* A refresh is applied in many small steps: leave the filter alone when
   * its regions stay the same. */
  if (regions->len == self->regions->len)
    {
      for (i = 0; i < regions->len; i++)
        if (g_strcmp0 (regions->pdata[i], self->regions->pdata[i]) != 0)
          break;
      if (i == regions->len)
        return;
    }

  g_ptr_array_unref (self->regions);
  self->regions = g_steal_pointer (&regions);
  pm_text_cell_fit_set_texts (self->region_fit, (const char * const *) self->regions->pdata);
  if (self->region_menu != NULL)
    fill_region_menu (self);
  /* A region no policy uses any more: all regions. */
  apply_region_filter (self, self->region_filter, TRUE);
}

/* The type filter offers the types of the session's flavour, from "All
 * types"; a new session shows them all. */
static void
setup_types (PmPoliciesPage *self)
{
  PmFlavour flavour = self->session ? pm_session_get_flavour (self->session) : PM_FLAVOUR_HOSTED;

  g_array_set_size (self->types, 0);
  for (guint i = 0; i < G_N_ELEMENTS (all_types); i++)
    if (pm_flavour_supports_type (flavour, all_types[i]))
      g_array_append_val (self->types, all_types[i]);
  if (self->type_menu != NULL)
    fill_type_menu (self);
  self->type_filter = PM_POLICY_TYPE_UNKNOWN;
  apply_type_filter (self, PM_POLICY_TYPE_UNKNOWN, FALSE);
}

/* Columns */

typedef enum {
  COLUMN_TEXT,
  COLUMN_TYPE,
  COLUMN_COUNT,
  COLUMN_BOOL,
  COLUMN_MENU,
  COLUMN_MARKER,
} ColumnKind;

typedef struct
{
  const char *name;
  const char *title;
  const char *property;
  ColumnKind  kind;
  gboolean    expand;
  guint       width_chars;  /* a text cell's natural width at least (see column_fit ()) */
} ColumnSpec;

static const ColumnSpec column_specs[] = {
  { "marker",     "",                     NULL,                 COLUMN_MARKER, FALSE, 0 },
  { "name",       N_("Name"),             "name",               COLUMN_TEXT,  TRUE,  26 },
  { "type",       N_("Type"),             "policy-type",        COLUMN_TYPE,  FALSE, 0 },
  { "region",     N_("Region"),           "region",             COLUMN_TEXT,  FALSE, 16 },
  { "rules",      N_("Rules"),            "n-rules",            COLUMN_COUNT, FALSE, 5 },
  { "default",    N_("Apply by default"), "include-by-default", COLUMN_BOOL,  FALSE, 0 },
  { "associated", N_("Applied to"),       "n-associations",     COLUMN_COUNT, FALSE, 5 },
  { "menu",       "",                     NULL,                 COLUMN_MENU,  FALSE, 0 },
};

/* The texts a column's cells must fit, beside their width in characters:
 * the types' and the yes/no cells' (in the user's language), and the
 * regions policies use; none for the others. */
static PmTextCellFit *
column_fit (PmPoliciesPage   *self,
            const ColumnSpec *spec)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_null_terminated (0, NULL, TRUE);
  PmTextCellFit *fit;

  if (spec->kind == COLUMN_TYPE)
    for (guint i = 0; i < G_N_ELEMENTS (all_types); i++)
      g_ptr_array_add (texts, (gpointer) pm_policy_type_get_label (all_types[i]));
  else if (spec->kind == COLUMN_BOOL)
    {
      g_ptr_array_add (texts, _("Yes"));
      g_ptr_array_add (texts, _("No"));
    }
  else if (g_str_equal (spec->name, "region"))
    return g_object_ref (self->region_fit);
  else
    return NULL;
  fit = pm_text_cell_fit_new ();
  pm_text_cell_fit_set_texts (fit, (const char * const *) texts->pdata);
  return fit;
}

/* A cell's text. Store items never change in place (an edit replaces the
 * item), so a cell is set once per bind: a GBinding per cell was a good
 * part of what building and rebinding a row cost. */
static char *
cell_text (PmPolicy         *policy,
           const ColumnSpec *spec)
{
  switch (spec->kind)
    {
    case COLUMN_TEXT:
      {
        g_autofree char *text = NULL;

        g_object_get (policy, spec->property, &text, NULL);
        return text != NULL ? g_steal_pointer (&text) : g_strdup ("");
      }
    case COLUMN_TYPE:
      return g_strdup (pm_policy_type_get_label (pm_policy_get_policy_type (policy)));
    case COLUMN_COUNT:
      if (g_str_equal (spec->property, "n-rules"))
        return g_strdup_printf ("%u", pm_policy_get_n_rules (policy));
      return pm_policy_get_n_associations (policy) < 0
             ? g_strdup ("—") : g_strdup_printf ("%d", pm_policy_get_n_associations (policy));
    case COLUMN_BOOL:
      return g_strdup (pm_policy_get_include_by_default (policy) ? _("Yes") : _("No"));
    case COLUMN_MENU:
    case COLUMN_MARKER:
    default:
      return NULL;
    }
}

static void
on_row_menu_closed (PmPoliciesPage *self)
{
  if (self->row_menu_button != NULL)
    gtk_widget_grab_focus (self->row_menu_button);
  g_clear_weak_pointer (&self->row_menu_button);
}

/* A row's actions, in the page's one popover pointing at the row's button:
 * a GtkMenuButton in every row (a toggle button, a box, an image, and the
 * menu machinery) was about a third of the time a long list took to build
 * and lay out its rows. */
static void
on_row_menu_clicked (GtkButton   *button,
                     GtkListItem *item)
{
  PmPoliciesPage *self = PM_POLICIES_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (button), PM_TYPE_POLICIES_PAGE));
  PmPolicy *policy = pm_slot_get_item (gtk_list_item_get_item (item));
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) edit = g_menu_item_new (_("_Edit…"), NULL);
  g_autoptr(GMenuItem) remove = g_menu_item_new (_("_Delete…"), NULL);
  graphene_rect_t bounds;
  GdkRectangle rect;

  if (self == NULL || policy == NULL
      || !gtk_widget_compute_bounds (GTK_WIDGET (button), GTK_WIDGET (self), &bounds))
    return;

  g_menu_item_set_action_and_target (edit, "policies.edit", "s", pm_policy_get_id (policy));
  g_menu_item_set_action_and_target (remove, "policies.delete", "s", pm_policy_get_id (policy));
  g_menu_append_item (menu, edit);
  g_menu_append_item (menu, remove);

  if (self->row_menu == NULL)
    {
      self->row_menu = GTK_POPOVER_MENU (gtk_popover_menu_new_from_model (NULL));
      gtk_widget_set_parent (GTK_WIDGET (self->row_menu), GTK_WIDGET (self));
      gtk_popover_set_position (GTK_POPOVER (self->row_menu), GTK_POS_BOTTOM);
      g_signal_connect_swapped (self->row_menu, "closed", G_CALLBACK (on_row_menu_closed), self);
    }
  gtk_popover_menu_set_menu_model (self->row_menu, G_MENU_MODEL (menu));
  rect = (GdkRectangle) { (int) bounds.origin.x, (int) bounds.origin.y,
                          (int) bounds.size.width, (int) bounds.size.height };
  gtk_popover_set_pointing_to (GTK_POPOVER (self->row_menu), &rect);
  g_set_weak_pointer (&self->row_menu_button, GTK_WIDGET (button));
  gtk_popover_popup (GTK_POPOVER (self->row_menu));
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            const ColumnSpec         *spec)
{
  PmTextCellFit *fit = g_object_get_data (G_OBJECT (factory), "pm-fit");
  GtkWidget *child;

  if (spec->kind == COLUMN_MARKER)
    child = gtk_image_new ();
  else if (spec->kind == COLUMN_MENU)
    {
      child = gtk_button_new_from_icon_name ("view-more-symbolic");
      gtk_widget_add_css_class (child, "flat");
      gtk_widget_set_halign (child, GTK_ALIGN_END);
      /* One tooltip for every row, set while the button is hidden: setting
       * a visible widget's tooltip asks the display where the pointer is, a
       * round trip to the X server that, at every bind, made building a
       * long list's rows stall. The accessible label names the policy. */
      gtk_widget_set_visible (child, FALSE);
      gtk_widget_set_tooltip_text (child, _("Actions"));
      gtk_widget_set_visible (child, TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_HAS_POPUP, TRUE, -1);
      /* The list item owns the button: it outlives it. */
      g_signal_connect (child, "clicked", G_CALLBACK (on_row_menu_clicked), item);
    }
  else
    {
      /* Not a GtkLabel: see pm-text-cell.c. */
      child = pm_text_cell_new (spec->width_chars, spec->kind == COLUMN_COUNT ? 1.0f : 0.0f);
      if (fit != NULL)
        pm_text_cell_set_fit (PM_TEXT_CELL (child), fit);
      if (spec->kind == COLUMN_COUNT)
        gtk_widget_add_css_class (child, "numeric");
    }
  g_object_set_data (G_OBJECT (item), "pm-column", (gpointer) spec);
  gtk_list_item_set_child (item, child);
}

/* Shows the policy of the row's slot: when the slot is given another
 * policy (a search, a sort), the row stays and its cells change. */
static void
show_cell (GtkListItem *item)
{
  const ColumnSpec *spec = g_object_get_data (G_OBJECT (item), "pm-column");
  PmPolicy *policy = pm_slot_get_item (gtk_list_item_get_item (item));
  GtkWidget *child = gtk_list_item_get_child (item);
  g_autofree char *text = NULL;

  if (spec->kind == COLUMN_MARKER)
    {
      g_auto(GStrv) marks = policy != NULL ? pm_validate_dup_marks (policy, NULL) : NULL;

      pm_oddity_marker_update (child, (const char * const *) marks);
      return;
    }
  /* An emptied slot, about to go (see pm-slot-model.h). */
  if (policy == NULL)
    {
      if (spec->kind != COLUMN_MENU)
        pm_text_cell_set_text (PM_TEXT_CELL (child), NULL);
      return;
    }
  if (spec->kind == COLUMN_MENU)
    {
      g_autofree char *label = g_strdup_printf (_("Actions for %s"), pm_policy_get_name (policy));

      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      return;
    }

  text = cell_text (policy, spec);
  pm_text_cell_set_text (PM_TEXT_CELL (child), text);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           const ColumnSpec         *spec)
{
  show_cell (item);
  g_signal_connect_swapped (gtk_list_item_get_item (item), "notify::item", G_CALLBACK (show_cell), item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             const ColumnSpec         *spec)
{
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (item), show_cell, item);
}

static int
compare_policies (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const ColumnSpec *spec = user_data;
  PmPolicy *pa = (PmPolicy *) a;
  PmPolicy *pb = (PmPolicy *) b;
  int result = 0;

  if (g_str_equal (spec->name, "name"))
    result = g_utf8_collate (pm_policy_get_name (pa) ? pm_policy_get_name (pa) : "",
                             pm_policy_get_name (pb) ? pm_policy_get_name (pb) : "");
  else if (g_str_equal (spec->name, "type"))
    result = g_utf8_collate (pm_policy_type_get_label (pm_policy_get_policy_type (pa)),
                             pm_policy_type_get_label (pm_policy_get_policy_type (pb)));
  else if (g_str_equal (spec->name, "region"))
    result = g_strcmp0 (pm_policy_get_region (pa), pm_policy_get_region (pb));
  else if (g_str_equal (spec->name, "rules"))
    result = (int) pm_policy_get_n_rules (pa) - (int) pm_policy_get_n_rules (pb);
  else if (g_str_equal (spec->name, "default"))
    result = (int) pm_policy_get_include_by_default (pa) - (int) pm_policy_get_include_by_default (pb);
  else if (g_str_equal (spec->name, "associated"))
    result = pm_policy_get_n_associations (pa) - pm_policy_get_n_associations (pb);

  if (result == 0 && !g_str_equal (spec->name, "name"))
    result = g_strcmp0 (pm_policy_get_name (pa), pm_policy_get_name (pb));
  return result < 0 ? GTK_ORDERING_SMALLER : result > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

static void
setup_columns (PmPoliciesPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (column_specs); i++)
    {
      const ColumnSpec *spec = &column_specs[i];
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      PmTextCellFit *fit = column_fit (self, spec);
      GtkColumnViewColumn *column;

      if (fit != NULL)
        g_object_set_data_full (G_OBJECT (factory), "pm-fit", fit, g_object_unref);
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), (gpointer) spec);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), (gpointer) spec);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), (gpointer) spec);
      column = gtk_column_view_column_new (*spec->title ? _(spec->title) : "", factory);
      gtk_column_view_column_set_expand (column, spec->expand);
      gtk_column_view_column_set_resizable (column, spec->kind != COLUMN_MENU && spec->kind != COLUMN_MARKER);
      if (spec->kind != COLUMN_MENU && spec->kind != COLUMN_MARKER)
        {
          GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (compare_policies, (gpointer) spec, NULL));

          gtk_column_view_column_set_sorter (column, sorter);
          g_object_unref (sorter);
        }
      gtk_column_view_append_column (self->column_view, column);
      g_hash_table_insert (self->columns, (gpointer) spec->name, column);
    }
}

/* Narrower, the columns that matter least go: a list of names a phone's
 * width shows whole, rather than the same columns a scroll away. What they
 * say is in the editor, a row's activation away. */
static void
setup_breakpoints (PmPoliciesPage *self)
{
  static const char * const medium[] = { "rules", "default", NULL };
  static const char * const narrow[] = { "rules", "default", "region", "associated", NULL };
  g_auto(GValue) hidden = G_VALUE_INIT;

  g_value_init (&hidden, G_TYPE_BOOLEAN);
  g_value_set_boolean (&hidden, FALSE);
  for (guint i = 0; medium[i] != NULL; i++)
    adw_breakpoint_add_setter (self->medium_breakpoint, g_hash_table_lookup (self->columns, medium[i]),
                               "visible", &hidden);
  /* Only the last breakpoint that applies is applied: this one too hides
   * what the medium one does. */
  for (guint i = 0; narrow[i] != NULL; i++)
    adw_breakpoint_add_setter (self->narrow_breakpoint, g_hash_table_lookup (self->columns, narrow[i]),
                               "visible", &hidden);
}

/* Store state */

static void
on_store_changed (PmPoliciesPage *self)
{
  update_regions (self);
  update_state (self);
}

static void
on_filter_items_changed (PmPoliciesPage *self)
{
  update_state (self);
}

/* Editor */

static void
on_editor_destroyed (PmPoliciesPage *self)
{
  self->editor = NULL;
}

PmPolicyEditor *
pm_policies_page_open_editor (PmPoliciesPage *self,
                              PmPolicy       *policy)
{
  g_return_val_if_fail (PM_IS_POLICIES_PAGE (self), NULL);
  g_return_val_if_fail (self->session != NULL, NULL);

  if (self->editor != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->editor));
      return self->editor;
    }
  self->editor = pm_policy_editor_new (GTK_WIDGET (self), self->session, policy);
  g_signal_connect_object (self->editor, "destroy", G_CALLBACK (on_editor_destroyed), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->editor));
  return self->editor;
}

PmPolicyEditor *
pm_policies_page_get_editor (PmPoliciesPage *self)
{
  g_return_val_if_fail (PM_IS_POLICIES_PAGE (self), NULL);
  return self->editor;
}

static void
on_activate (GtkColumnView  *view,
             guint           position,
             PmPoliciesPage *self)
{
  g_autoptr(PmPolicy) policy = g_list_model_get_item (G_LIST_MODEL (self->sort_model), position);

  if (policy != NULL)
    pm_policies_page_open_editor (self, policy);
}

/* Actions */

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  PmPoliciesPage *self = PM_POLICIES_PAGE (widget);

  if (self->session != NULL)
    pm_policies_page_open_editor (self, NULL);
}

/* The search entry is not in the first frame: an entry (a GtkText, its
 * class, its key bindings) was a sixth of the window's build, and measured
 * while hidden. It is built once the page has been shown and is idle (see
 * pm_policies_page_map ()), or when the search opens before that. */
static void
ensure_search_entry (PmPoliciesPage *self)
{
  GtkWidget *clamp;
  GtkWidget *entry;

  if (self->search_entry != NULL)
    return;
  entry = gtk_search_entry_new ();
  gtk_widget_set_hexpand (entry, TRUE);
  g_object_set (entry, "placeholder-text", _("Names, descriptions, sources, endpoints, IDs"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Search policies"), -1);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 480);
  adw_clamp_set_child (ADW_CLAMP (clamp), entry);
  gtk_search_bar_set_child (self->search_bar, clamp);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (entry));
  g_signal_connect_swapped (entry, "search-changed", G_CALLBACK (on_search_changed), self);
  self->search_entry = GTK_SEARCH_ENTRY (entry);
}

static void
on_search_mode_changed (PmPoliciesPage *self)
{
  if (!gtk_search_bar_get_search_mode (self->search_bar))
    return;
  if (self->search_entry == NULL)
    {
      ensure_search_entry (self);
      /* The bar focuses its entry as it opens; this one came after. */
      gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
    }
  warm_no_results_page (self);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PmPoliciesPage *self = PM_POLICIES_PAGE (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  ensure_search_entry (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PmPoliciesPage *self = PM_POLICIES_PAGE (widget);

  if (self->session == NULL)
    return;
  pm_policy_store_refresh_async (self->store, NULL, NULL, NULL);
  pm_entity_store_refresh_async (pm_session_get_entities (self->session), NULL, NULL, NULL);
  update_state (self);
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PmPoliciesPage *self = PM_POLICIES_PAGE (widget);

  pm_policies_page_set_search_text (self, "");
  pm_policies_page_set_type_filter (self, PM_POLICY_TYPE_UNKNOWN);
  pm_policies_page_set_region_filter (self, NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PmPoliciesPage *self = PM_POLICIES_PAGE (widget);
  PmPolicy *policy;

  if (self->store == NULL)
    return;
  policy = pm_policy_store_lookup (self->store, g_variant_get_string (parameter, NULL));
  if (policy != NULL)
    pm_policies_page_open_editor (self, policy);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PmPoliciesPage *self = PM_POLICIES_PAGE (widget);
  PmPolicy *policy;

  if (self->store == NULL)
    return;
  policy = pm_policy_store_lookup (self->store, g_variant_get_string (parameter, NULL));
  if (policy != NULL)
    pm_policy_actions_delete (widget, self->session, policy, NULL, NULL);
}

/* Several at once */

static void
update_selection_actions (PmPoliciesPage *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  gboolean any = !gtk_bitset_is_empty (selected);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "policies.apply-selected", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "policies.detach-selected", any);
}

static PmPolicy *
slot_policy (PmPoliciesPage *self,
             guint           position)
{
  g_autoptr(PmSlot) slot = g_list_model_get_item (G_LIST_MODEL (self->slots), position);

  return slot != NULL ? pm_slot_get_item (slot) : NULL;
}

/* The selection is kept by policy: the rows' slots change policies under
 * it (a search, a sort), and a selected policy stays selected where it
 * goes. */
static void
on_selection_changed (PmPoliciesPage *self,
                      guint           position,
                      guint           n_items)
{
  if (!self->syncing_selection && self->slots != NULL)
    for (guint i = position; i < position + n_items; i++)
      {
        PmPolicy *policy = slot_policy (self, i);

        if (policy == NULL)
          continue;
        if (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), i))
          g_hash_table_add (self->selected, g_object_ref (policy));
        else
          g_hash_table_remove (self->selected, policy);
      }
  update_selection_actions (self);
}

/* A policy no longer listed (searched out, gone) is no longer selected
 * (Apply to… acts on what is selected: never on what is not shown). */
static void
forget_unlisted (PmPoliciesPage *self)
{
  g_autoptr(GHashTable) listed = NULL;
  GHashTableIter iter;
  gpointer policy;
  guint n;

  if (g_hash_table_size (self->selected) == 0)
    return;
  n = self->slots != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->slots)) : 0;
  listed = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < n; i++)
    if (slot_policy (self, i) != NULL)
      g_hash_table_add (listed, slot_policy (self, i));
  g_hash_table_iter_init (&iter, self->selected);
  while (g_hash_table_iter_next (&iter, &policy, NULL))
    if (!g_hash_table_contains (listed, policy))
      g_hash_table_iter_remove (&iter);
}

static void
on_slots_changed (PmPoliciesPage *self,
                  guint           position,
                  guint           n_items)
{
  g_autoptr(GtkBitset) selected = gtk_bitset_new_empty ();
  g_autoptr(GtkBitset) mask = gtk_bitset_new_range (position, n_items);

  forget_unlisted (self);
  if (g_hash_table_size (self->selected) > 0)
    for (guint i = position; i < position + n_items; i++)
      if (g_hash_table_contains (self->selected, slot_policy (self, i)))
        gtk_bitset_add (selected, i);
  self->syncing_selection = TRUE;
  gtk_selection_model_set_selection (GTK_SELECTION_MODEL (self->selection), selected, mask);
  self->syncing_selection = FALSE;
  update_selection_actions (self);
}

/* The rows past this one are off screen (with a margin): when a search
 * shortens the list, their slots can go over the next frames. */
static void
update_visible_end (PmPoliciesPage *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));
  guint n = self->slots != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->slots)) : 0;
  double row_height;

  if (n == 0)
    return;
  if (adjustment == NULL || gtk_adjustment_get_upper (adjustment) <= 0)
    {
      pm_slot_model_set_visible_end (self->slots, G_MAXUINT);
      return;
    }
  row_height = MAX (gtk_adjustment_get_upper (adjustment) / n, 1.0);
  pm_slot_model_set_visible_end (self->slots, (guint) MIN (ceil ((gtk_adjustment_get_value (adjustment)
                                                                  + gtk_adjustment_get_page_size (adjustment))
                                                                 / row_height) + 4, G_MAXUINT));
}

static void
watch_scrolling (PmPoliciesPage *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->column_view));

  g_return_if_fail (adjustment != NULL);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (update_visible_end), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (update_visible_end), self, G_CONNECT_SWAPPED);
}

static void
on_slots_items_changed (PmPoliciesPage *self,
                        guint           position,
                        guint           removed,
                        guint           added)
{
  /* Removed rows take their selection with them, without a word from
   * the selection model. */
  if (removed > 0)
    {
      forget_unlisted (self);
      update_selection_actions (self);
    }
  update_visible_end (self);
}

GPtrArray *
pm_policies_page_dup_selected (PmPoliciesPage *self)
{
  GPtrArray *policies = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  guint position;

  g_return_val_if_fail (PM_IS_POLICIES_PAGE (self), policies);

  if (self->slots == NULL)
    return policies;
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position);
       ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    if (slot_policy (self, position) != NULL)
      g_ptr_array_add (policies, g_object_ref (slot_policy (self, position)));
  return policies;
}

gboolean
pm_policies_page_select (PmPoliciesPage *self,
                         const char     *id,
                         gboolean        extend)
{
  GListModel *model;

  g_return_val_if_fail (PM_IS_POLICIES_PAGE (self), FALSE);

  model = G_LIST_MODEL (self->sort_model);
  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (model, i);

      if (g_strcmp0 (pm_policy_get_id (policy), id) == 0)
        return gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), i, !extend);
    }
  return FALSE;
}

PmBulkOp *
pm_policies_page_apply_selected (PmPoliciesPage *self,
                                 PmEntity       *entity,
                                 gboolean        apply)
{
  g_autoptr(GPtrArray) policies = NULL;
  g_autoptr(PmBulkOp) op = NULL;

  g_return_val_if_fail (PM_IS_POLICIES_PAGE (self), NULL);
  g_return_val_if_fail (PM_IS_ENTITY (entity), NULL);

  if (self->session == NULL)
    return NULL;
  policies = pm_policies_page_dup_selected (self);
  if (policies->len == 0)
    return NULL;
  op = pm_bulk_op_new (self->session, apply);
  for (guint i = 0; i < policies->len; i++)
    pm_bulk_op_add (op, g_ptr_array_index (policies, i), entity);
  pm_bulk_op_track (op, self->bulk_progress);
  pm_bulk_op_confirm_and_present (op, GTK_WIDGET (self));
  return g_steal_pointer (&op);
}

static void
on_bulk_entity_chosen (GtkWidget *page,
                       gpointer   item,
                       gboolean   apply)
{
  PmBulkOp *op = pm_policies_page_apply_selected (PM_POLICIES_PAGE (page), item, apply);

  /* The operation keeps itself alive until it is done. */
  g_clear_object (&op);
}

static void
bulk_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PmPoliciesPage *self = PM_POLICIES_PAGE (widget);
  gboolean apply = g_str_equal (action_name, "policies.apply-selected");
  g_autoptr(GPtrArray) policies = NULL;

  if (self->session == NULL)
    return;
  policies = pm_policies_page_dup_selected (self);
  if (policies->len == 0)
    return;
  /* Apply: every resource that can hold one of them. Detach: those that
   * hold one of them. */
  pm_bulk_pick_present (widget, self->session, policies, apply,
                        apply ? _("Apply the selected policies to") : _("Detach the selected policies from"),
                        pm_entity_picker_label, on_bulk_entity_chosen);
}

/* Object */

static gboolean
build_search_entry_cb (gpointer data)
{
  PmPoliciesPage *self = data;

  self->entry_source = 0;
  ensure_search_entry (self);
  return G_SOURCE_REMOVE;
}

static void
pm_policies_page_map (GtkWidget *widget)
{
  PmPoliciesPage *self = PM_POLICIES_PAGE (widget);

  /* Before the children are mapped: the stack maps the page it shows. */
  update_state_shown (self, TRUE);
  GTK_WIDGET_CLASS (pm_policies_page_parent_class)->map (widget);
  /* The search entry is not in the first frame; built once the page is
   * idle after it, it is ready (styled, measured) for the first search:
   * built as the search opened, the first key typed took 6 ms more. */
  if (self->search_entry == NULL && self->entry_source == 0)
    self->entry_source = g_idle_add_full (G_PRIORITY_LOW, build_search_entry_cb, self, NULL);
}

static void
pm_policies_page_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  PmPoliciesPage *self = PM_POLICIES_PAGE (widget);

  GTK_WIDGET_CLASS (pm_policies_page_parent_class)->size_allocate (widget, width, height, baseline);
  if (self->row_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->row_menu));
}

static void
pm_policies_page_dispose (GObject *object)
{
  PmPoliciesPage *self = PM_POLICIES_PAGE (object);

  g_clear_handle_id (&self->entry_source, g_source_remove);
  g_clear_handle_id (&self->fonts_source, g_source_remove);
  pm_policies_page_set_session (self, NULL);
  if (self->slots != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->slots, self);
      pm_slot_model_set_model (self->slots, NULL);
    }
  if (self->editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->editor));
  g_clear_weak_pointer (&self->row_menu_button);
  if (self->row_menu != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->row_menu));
      self->row_menu = NULL;
    }
  adw_breakpoint_bin_set_child (ADW_BREAKPOINT_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_POLICIES_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->slots);
  g_clear_object (&self->nothing);
  g_clear_pointer (&self->selected, g_hash_table_unref);
  g_clear_object (&self->no_results_icon);
  g_clear_object (&self->filter);
  G_OBJECT_CLASS (pm_policies_page_parent_class)->dispose (object);
}

static void
pm_policies_page_finalize (GObject *object)
{
  PmPoliciesPage *self = PM_POLICIES_PAGE (object);

  g_clear_pointer (&self->types, g_array_unref);
  g_clear_pointer (&self->columns, g_hash_table_unref);
  g_clear_object (&self->region_fit);
  g_clear_pointer (&self->regions, g_ptr_array_unref);
  g_clear_object (&self->type_menu);
  g_clear_object (&self->region_menu);
  g_clear_object (&self->filter_actions);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->search_words, g_strfreev);
  g_clear_pointer (&self->region_filter, g_free);
  G_OBJECT_CLASS (pm_policies_page_parent_class)->finalize (object);
}

static void
pm_policies_page_class_init (PmPoliciesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_policies_page_dispose;
  object_class->finalize = pm_policies_page_finalize;
  widget_class->map = pm_policies_page_map;
  widget_class->size_allocate = pm_policies_page_size_allocate;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/perimeter/Perimeter/pm-policies-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, new_button);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, apply_button);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, detach_button);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, search_button);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, notice_label);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, type_button);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, type_label);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, region_button);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, region_label);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, medium_breakpoint);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, narrow_breakpoint);
  gtk_widget_class_bind_template_child (widget_class, PmPoliciesPage, bulk_progress);

  gtk_widget_class_install_action (widget_class, "policies.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "policies.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "policies.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "policies.clear-filters", NULL, clear_filters_action);
  gtk_widget_class_install_action (widget_class, "policies.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "policies.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "policies.apply-selected", NULL, bulk_action);
  gtk_widget_class_install_action (widget_class, "policies.detach-selected", NULL, bulk_action);
  gtk_widget_class_install_action (widget_class, "page.new-policy", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "page.search", NULL, search_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "policies.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "policies.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_A, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                      "policies.apply-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_D, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                      "policies.detach-selected", NULL);
}

static void
pm_policies_page_init (PmPoliciesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->search_words = g_new0 (char *, 1);
  self->types = g_array_new (FALSE, FALSE, sizeof (PmPolicyType));
  self->columns = g_hash_table_new (g_str_hash, g_str_equal);
  self->region_fit = pm_text_cell_fit_new ();
  self->regions = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  setup_filters (self);
  setup_types (self);
  apply_region_filter (self, NULL, FALSE);
  setup_columns (self);
  setup_breakpoints (self);

  self->filter = gtk_custom_filter_new (policy_matches, self, NULL);
  /* The rows show slots, which the sorted list fills: see pm-slot-model.c. */
  self->selected = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->nothing = g_list_store_new (PM_TYPE_POLICY);
  self->slots = pm_slot_model_new (G_LIST_MODEL (self->nothing));
  /* An empty list is not shown: a status page is. */
  pm_slot_model_set_empty_hidden (self->slots, TRUE);
  g_signal_connect_swapped (self->slots, "slots-changed", G_CALLBACK (on_slots_changed), self);
  g_signal_connect_swapped (self->slots, "items-changed", G_CALLBACK (on_slots_items_changed), self);
  /* Ctrl/Shift-click and Ctrl+A select several, for Apply to… and Detach from…. */
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->slots)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "selection-changed", G_CALLBACK (on_selection_changed), self);
  update_selection_actions (self);

  g_object_bind_property (self->search_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_swapped (self->search_bar, "notify::search-mode-enabled", G_CALLBACK (on_search_mode_changed), self);
  g_signal_connect (self->column_view, "activate", G_CALLBACK (on_activate), self);
  watch_scrolling (self);
  update_state (self);
}

PmPoliciesPage *
pm_policies_page_new (void)
{
  return g_object_new (PM_TYPE_POLICIES_PAGE, NULL);
}

void
pm_policies_page_set_session (PmPoliciesPage *self,
                              PmSession      *session)
{
  g_autoptr(GtkSortListModel) old_sort_model = NULL;

  g_return_if_fail (PM_IS_POLICIES_PAGE (self));
  g_return_if_fail (session == NULL || PM_IS_SESSION (session));

  if (self->session == session)
    return;

  /* An editor belongs to the account it was opened for. */
  if (self->editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->editor));
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->filter_model != NULL)
    g_signal_handlers_disconnect_by_data (self->filter_model, self);
  if (self->paced != NULL)
    g_signal_handlers_disconnect_by_data (self->paced, self);
  if (self->selected != NULL)
    g_hash_table_remove_all (self->selected);
  /* The slots keep showing the old list until given the new one. */
  old_sort_model = g_steal_pointer (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->paced);
  g_clear_object (&self->store);
  g_set_object (&self->session, session);

  if (session != NULL)
    {
      self->store = g_object_ref (pm_session_get_policies (session));
      /* A first load of hundreds of policies reaches the list in steps:
       * the column view builds a row per item, a frame's worth at a time. */
      self->paced = pm_paced_model_new (PM_TYPE_POLICY, G_LIST_MODEL (self->store));
      self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->paced)),
                                                      g_object_ref (GTK_FILTER (self->filter)));
      self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                                                  g_object_ref (gtk_column_view_get_sorter (self->column_view)));
      g_signal_connect_swapped (self->store, "items-changed", G_CALLBACK (on_store_changed), self);
      g_signal_connect_swapped (self->store, "notify::loading", G_CALLBACK (update_state), self);
      g_signal_connect_swapped (self->store, "notify::error", G_CALLBACK (update_state), self);
      g_signal_connect_swapped (self->store, "notify::loaded", G_CALLBACK (update_state), self);
      g_signal_connect_swapped (self->filter_model, "items-changed", G_CALLBACK (on_filter_items_changed), self);
      g_signal_connect_swapped (self->paced, "notify::pending", G_CALLBACK (update_state), self);
    }
  /* The rows stay for the next account's list: the old list's slots are
   * given the new list's policies, or emptied while the list is hidden
   * (loading) and dropped a step per frame. Dropping some 200 rows at once
   * stalled switching accounts for 80-100 ms. */
  if (self->slots != NULL)
    pm_slot_model_set_model (self->slots, self->sort_model != NULL ? G_LIST_MODEL (self->sort_model)
                                                                   : G_LIST_MODEL (self->nothing));

  setup_types (self);
  update_regions (self);
  update_state (self);
}

PmSession *
pm_policies_page_get_session (PmPoliciesPage *self)
{
  g_return_val_if_fail (PM_IS_POLICIES_PAGE (self), NULL);
  return self->session;
}

gboolean
pm_policies_page_get_pending (PmPoliciesPage *self)
{
  g_return_val_if_fail (PM_IS_POLICIES_PAGE (self), FALSE);
  return (self->paced != NULL && pm_paced_model_get_pending (self->paced))
         || (self->slots != NULL && pm_slot_model_get_pending (self->slots));
}

GListModel *
pm_policies_page_get_model (PmPoliciesPage *self)
{
  g_return_val_if_fail (PM_IS_POLICIES_PAGE (self), NULL);
  return self->sort_model ? G_LIST_MODEL (self->sort_model) : NULL;
}

const char *
pm_policies_page_get_state (PmPoliciesPage *self)
{
  guint total, shown;

  g_return_val_if_fail (PM_IS_POLICIES_PAGE (self), NULL);

  if (self->store == NULL)
    return "loading";
  total = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  /* The list is still being told of the store's policies. */
  if (total > 0 && shown == 0 && pm_paced_model_get_pending (self->paced))
    return "list";
  if (total == 0)
    {
      if (pm_policy_store_get_error (self->store) != NULL && !pm_policy_store_get_loading (self->store))
        return "error";
      if (!pm_policy_store_get_loaded (self->store))
        return "loading";
      return "empty";
    }
  return shown == 0 ? "no-results" : "list";
}

void
pm_policies_page_set_search_text (PmPoliciesPage *self,
                                  const char     *text)
{
  g_return_if_fail (PM_IS_POLICIES_PAGE (self));

  if (text != NULL && *text != '\0')
    {
      gtk_search_bar_set_search_mode (self->search_bar, TRUE);
      ensure_search_entry (self);
    }
  if (self->search_entry != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text ? text : "");
  /* Apply now rather than after the entry's typing delay. */
  on_search_changed (self);
}

void
pm_policies_page_set_type_filter (PmPoliciesPage *self,
                                  PmPolicyType    type)
{
  g_return_if_fail (PM_IS_POLICIES_PAGE (self));

  apply_type_filter (self, type, TRUE);
}

void
pm_policies_page_set_region_filter (PmPoliciesPage *self,
                                    const char     *region)
{
  g_return_if_fail (PM_IS_POLICIES_PAGE (self));

  apply_region_filter (self, region, TRUE);
}

void
pm_policies_page_sort_by (PmPoliciesPage *self,
                          const char     *column,
                          GtkSortType     order)
{
  GtkColumnViewColumn *col;

  g_return_if_fail (PM_IS_POLICIES_PAGE (self));

  col = g_hash_table_lookup (self->columns, column);
  gtk_column_view_sort_by_column (self->column_view, col, order);
}
