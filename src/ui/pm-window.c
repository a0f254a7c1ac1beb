/* pm-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-application-private.h"
#include "pm-claims-page.h"
#include "pm-entities-page.h"
#include "pm-error-text.h"
#include "pm-keyring.h"
#include "pm-policies-page.h"
#include "pm-profile.h"
#include "pm-profile-dialog.h"
#include "pm-shortcuts-dialog.h"
#include "pm-stack-page.h"
#include "pm-window.h"
#include "pm-wizard-page.h"

/* Ids the sandboxes are remembered by, beside the accounts' own. */
#define SANDBOX_ID            "sandbox"
#define SANDBOX_SERVERLESS_ID "sandbox-serverless"

struct _PmWindow
{
  AdwApplicationWindow  parent_instance;

  /* template */
  GMenuModel           *primary_menu;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwNavigationSplitView *split_view;
  AdwNavigationPage    *content;
  GtkListBox           *sidebar_list;
  AdwWindowTitle       *sidebar_title;
  AdwWindowTitle       *content_title;
  GtkMenuButton        *profile_button;
  GtkMenuButton        *primary_menu_button;
  GtkWidget            *refresh_button;
  GtkWidget            *sandbox_badge;
  GtkWidget            *sandbox_pill;
  GtkStack             *content_stack;
  GtkWidget            *busy_spinner;
  AdwBreakpoint        *narrow_breakpoint;

  GSettings            *settings;
  PmProfileList        *profiles;
  GMenu                *profiles_section;
  GCancellable         *open_cancellable;
  PmSession            *session;
  char                 *profile_id;     /* open or being opened, or a SANDBOX_*ID */
  AdwToast             *error_toast;
  guint                 refresh_source;
  guint                 present_source;
  PmPolicyStore        *present_store;   /* presented once it lists policies */

  /* pm-window-pages.ui, built when first shown */
  AdwStatusPage        *error_page;
  AdwStatusPage        *opening_page;
  GtkButton            *retry_button;
  GtkButton            *edit_account_button;
  GtkButton            *try_sandbox_button;

  GtkWidget            *entities_row_label;
  GtkWidget            *policies_page;
  GtkWidget            *entities_page;
  GtkWidget            *claims_page;
  GtkWidget            *wizard_page;
};

G_DEFINE_FINAL_TYPE (PmWindow, pm_window, ADW_TYPE_APPLICATION_WINDOW)

static const struct {
  const char *name;
  const char *icon;
  const char *title;
} sections[] = {
  { "policies", "security-high-symbolic", N_("Policies") },
  { "entities", "network-server-symbolic", N_("Deployments") },
  { "claims", "emblem-shared-symbolic", N_("Private connection IDs") },
  { "wizard", "network-wired-symbolic", N_("Private connection wizard") },
};

/* Main pages */

/* The welcome, opening and error pages are built when first shown: a start
 * that opens the sandbox or an account's last session shows none of them,
 * and building them was half of the window's template. */
static GtkWidget *
ensure_main_page (PmWindow   *self,
                  const char *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (self->main_stack, name);
  g_autoptr(GtkBuilder) builder = NULL;

  if (page != NULL)
    return page;

  builder = gtk_builder_new ();
  gtk_builder_expose_object (builder, "primary_menu", G_OBJECT (self->primary_menu));
  page = pm_stack_page_add_from_resource (self->main_stack, builder,
                                          PM_RESOURCE_PREFIX "/pm-window-pages.ui", name);
  if (g_str_equal (name, "welcome"))
    self->try_sandbox_button = GTK_BUTTON (gtk_builder_get_object (builder, "try_sandbox_button"));
  else if (g_str_equal (name, "opening"))
    self->opening_page = ADW_STATUS_PAGE (gtk_builder_get_object (builder, "opening_page"));
  else if (g_str_equal (name, "error"))
    {
      self->error_page = ADW_STATUS_PAGE (gtk_builder_get_object (builder, "error_page"));
      self->retry_button = GTK_BUTTON (gtk_builder_get_object (builder, "retry_button"));
      self->edit_account_button = GTK_BUTTON (gtk_builder_get_object (builder, "edit_account_button"));
    }
  return page;
}

/* Shows one of the main stack's pages (welcome, opening, error, main), the
 * others hidden: their styles were a third of the sandbox window's. */
static void
show_main_page (PmWindow   *self,
                const char *name)
{
  ensure_main_page (self, name);
  pm_stack_page_show (self->main_stack, name);
}

/* Sections */

static const char *
entities_title (PmWindow *self)
{
  if (self->session != NULL && pm_session_get_flavour (self->session) == PM_FLAVOUR_SERVERLESS)
    return _("Projects");
  return _("Deployments");
}

static const char *
section_title (PmWindow   *self,
               const char *name)
{
  if (g_strcmp0 (name, "entities") == 0)
    return entities_title (self);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    if (g_strcmp0 (sections[i].name, name) == 0)
      return _(sections[i].title);
  return "";
}

static void
update_titles (PmWindow *self)
{
  const char *section = gtk_stack_get_visible_child_name (self->content_stack);
  const char *account = self->session ? pm_session_get_title (self->session) : NULL;
  PmProfile *profile = NULL;
  g_autofree char *window_title = NULL;

  /* A rename in the account dialog shows at once. */
  if (self->session != NULL && !pm_session_get_is_sandbox (self->session) && self->profile_id != NULL)
    profile = pm_profile_list_lookup (self->profiles, self->profile_id);
  if (profile != NULL)
    account = pm_profile_get_name (profile);

  adw_window_title_set_title (self->content_title, section_title (self, section));
  adw_navigation_page_set_title (self->content, section_title (self, section));
  adw_window_title_set_subtitle (self->content_title, account);
  adw_window_title_set_subtitle (self->sidebar_title, account);
  gtk_label_set_label (GTK_LABEL (self->entities_row_label), entities_title (self));

  if (account != NULL)
    window_title = g_strdup_printf ("%s — %s", account, _("Perimeter"));
  else
    window_title = g_strdup (_("Perimeter"));
  gtk_window_set_title (GTK_WINDOW (self), window_title);
}

void
pm_window_show_section (PmWindow   *self,
                        const char *name)
{
  g_return_if_fail (PM_IS_WINDOW (self));

  g_action_group_activate_action (G_ACTION_GROUP (self), "show-page", g_variant_new_string (name));
}

static void ensure_page (PmWindow   *self,
                         const char *name);

static void
show_page_changed (GSimpleAction *action,
                   GVariant      *value,
                   gpointer       user_data)
{
  PmWindow *self = PM_WINDOW (user_data);
  const char *name = g_variant_get_string (value, NULL);
  GtkListBoxRow *row;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sections); i++)
    if (g_str_equal (sections[i].name, name))
      break;
  if (i == G_N_ELEMENTS (sections))
    return;

  g_simple_action_set_state (action, value);
  ensure_page (self, name);
  gtk_stack_set_visible_child_name (self->content_stack, name);
  row = gtk_list_box_get_row_at_index (self->sidebar_list, i);
  if (gtk_list_box_get_selected_row (self->sidebar_list) != row)
    gtk_list_box_select_row (self->sidebar_list, row);
  adw_navigation_split_view_set_show_content (self->split_view, TRUE);
  update_titles (self);
}

static GtkWidget *
make_sidebar_row (PmWindow   *self,
                  guint       i,
                  GtkWidget **label_out)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (_(sections[i].title));

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (sections[i].icon));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-page");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", sections[i].name);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                  -1);
  if (label_out != NULL)
    *label_out = label;
  return row;
}

static void
build_sections (PmWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    gtk_list_box_append (self->sidebar_list,
                         make_sidebar_row (self, i, i == 1 ? &self->entities_row_label : NULL));

  self->policies_page = GTK_WIDGET (pm_policies_page_new ());
  gtk_stack_add_named (self->content_stack, self->policies_page, "policies");
  /* Hidden pages are not measured: the window's size is the page shown. */
  gtk_stack_set_hhomogeneous (self->content_stack, FALSE);
  gtk_stack_set_vhomogeneous (self->content_stack, FALSE);
  gtk_list_box_select_row (self->sidebar_list, gtk_list_box_get_row_at_index (self->sidebar_list, 0));
}

/* The pages but the policies are built when first shown: the wizard alone
 * was about a third of the start-up time. */
static void
ensure_page (PmWindow   *self,
             const char *name)
{
  if (g_str_equal (name, "entities") && self->entities_page == NULL)
    {
      self->entities_page = GTK_WIDGET (pm_entities_page_new ());
      pm_entities_page_set_session (PM_ENTITIES_PAGE (self->entities_page), self->session);
      gtk_stack_add_named (self->content_stack, self->entities_page, "entities");
    }
  else if (g_str_equal (name, "claims") && self->claims_page == NULL)
    {
      self->claims_page = GTK_WIDGET (pm_claims_page_new ());
      pm_claims_page_set_session (PM_CLAIMS_PAGE (self->claims_page), self->session);
      gtk_stack_add_named (self->content_stack, self->claims_page, "claims");
    }
  else if (g_str_equal (name, "wizard") && self->wizard_page == NULL)
    {
      self->wizard_page = GTK_WIDGET (pm_wizard_page_new ());
      pm_wizard_page_set_session (PM_WIZARD_PAGE (self->wizard_page), self->session);
      gtk_stack_add_named (self->content_stack, self->wizard_page, "wizard");
    }
}

static void
set_pages_session (PmWindow *self)
{
  PmSession *session = self->session;

  pm_policies_page_set_session (PM_POLICIES_PAGE (self->policies_page), session);
  if (self->entities_page != NULL)
    pm_entities_page_set_session (PM_ENTITIES_PAGE (self->entities_page), session);
  if (self->wizard_page != NULL)
    pm_wizard_page_set_session (PM_WIZARD_PAGE (self->wizard_page), session);
  if (self->claims_page != NULL)
    pm_claims_page_set_session (PM_CLAIMS_PAGE (self->claims_page), session);
}

/* Session */

static void
on_store_error (GObject    *store,
                GParamSpec *pspec,
                PmWindow   *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  g_object_get (store, "error", &error, NULL);
  if (error == NULL)
    {
      if (self->error_toast != NULL)
        adw_toast_dismiss (self->error_toast);
      return;
    }

  if (self->error_toast != NULL)
    adw_toast_dismiss (self->error_toast);

  /* The full explanation is on the section's status page; the toast names
   * the problem and offers the retry. */
  title = g_strdup_printf (_("%s — the lists may be out of date"), pm_error_text_title (error));
  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_button_label (toast, _("_Retry"));
  adw_toast_set_action_name (toast, "win.refresh");
  g_set_weak_pointer (&self->error_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_busy_changed (PmWindow *self)
{
  gboolean busy = self->session != NULL && pm_session_get_busy (self->session);

  gtk_widget_set_visible (self->busy_spinner, busy);
}

static void
update_sandbox_pill (PmWindow *self)
{
  gboolean sandbox = self->session != NULL && pm_session_get_is_sandbox (self->session);
  AdwBreakpoint *breakpoint = adw_application_window_get_current_breakpoint (ADW_APPLICATION_WINDOW (self));

  gtk_widget_set_visible (self->sandbox_pill, sandbox && breakpoint != self->narrow_breakpoint);
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  PmWindow *self = PM_WINDOW (user_data);

  if (self->session != NULL && !pm_session_get_busy (self->session))
    pm_session_refresh (self->session);
  return G_SOURCE_CONTINUE;
}

static void
restart_refresh_timer (PmWindow *self)
{
  guint seconds;

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->session == NULL)
    return;

  seconds = g_settings_get_uint (self->settings, "refresh-interval");
  if (seconds > 0)
    self->refresh_source = g_timeout_add_seconds (seconds, refresh_timeout_cb, self);
}

/* Benchmark hook (build-aux/dev bench, start-up): with PM_BENCH_FIRST_FRAME=1,
 * print `first-frame <g_get_real_time () µs>` once the first frame showing the
 * populated policy list has been painted, then quit. */
static void
bench_after_paint (GdkFrameClock *clock,
                   PmWindow      *self)
{
  g_signal_handlers_disconnect_by_func (clock, bench_after_paint, self);
  g_print ("first-frame %" G_GINT64_FORMAT "\n", g_get_real_time ());
  g_application_quit (g_application_get_default ());
}

static gboolean
bench_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       data)
{
  PmWindow *self = PM_WINDOW (widget);
  PmPolicyStore *policies = self->session ? pm_session_get_policies (self->session) : NULL;

  if (policies == NULL || pm_policy_store_get_loading (policies)
      || g_list_model_get_n_items (G_LIST_MODEL (policies)) == 0)
    return G_SOURCE_CONTINUE;
  /* Populated before this frame's layout: report when it is painted. */
  g_signal_connect (clock, "after-paint", G_CALLBACK (bench_after_paint), self);
  return G_SOURCE_REMOVE;
}

static void
set_session (PmWindow  *self,
             PmSession *session,
             const char *profile_id)
{
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (pm_session_get_policies (self->session), self);
      g_signal_handlers_disconnect_by_data (pm_session_get_entities (self->session), self);
      g_signal_handlers_disconnect_by_data (pm_session_get_claims (self->session), self);
      g_signal_handlers_disconnect_by_data (self->session, self);
      pm_session_shutdown (self->session);
    }
  if (self->error_toast != NULL)
    adw_toast_dismiss (self->error_toast);

  g_set_object (&self->session, session);
  set_pages_session (self);

  if (session != NULL)
    {
      gboolean sandbox = pm_session_get_is_sandbox (session);

      g_signal_connect (pm_session_get_policies (session), "notify::error", G_CALLBACK (on_store_error), self);
      g_signal_connect (pm_session_get_entities (session), "notify::error", G_CALLBACK (on_store_error), self);
      g_signal_connect_swapped (session, "notify::busy", G_CALLBACK (on_busy_changed), self);

      gtk_widget_set_visible (self->sandbox_badge, sandbox);
      if (sandbox)
        gtk_widget_add_css_class (GTK_WIDGET (self), "sandbox");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), "sandbox");

      pm_profile_list_set_last_id (self->profiles, profile_id);
      gtk_window_set_default_widget (GTK_WINDOW (self), NULL);
      show_main_page (self, "main");
      pm_session_refresh (session);
      if (sandbox && g_strcmp0 (g_getenv ("PM_BENCH_FIRST_FRAME"), "1") == 0)
        gtk_widget_add_tick_callback (GTK_WIDGET (self), bench_tick, NULL, NULL);
    }

  on_busy_changed (self);
  update_sandbox_pill (self);
  update_titles (self);
  restart_refresh_timer (self);
}

/* Presenting */

static void
present_now (PmWindow *self)
{
  g_clear_handle_id (&self->present_source, g_source_remove);
  if (self->present_store != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->present_store, self);
      /* The list waited for the window: it shows what it holds now. */
      set_pages_session (self);
    }
  g_clear_object (&self->present_store);
  gtk_window_present (GTK_WINDOW (self));
}

static gboolean
present_timeout_cb (gpointer user_data)
{
  PmWindow *self = PM_WINDOW (user_data);

  self->present_source = 0;
  present_now (self);
  return G_SOURCE_REMOVE;
}

static void
on_present_store_changed (PmWindow *self)
{
  if (!pm_policy_store_get_loading (self->present_store))
    present_now (self);
}

/* Presents the window once the account it opens has listed its policies,
 * or after PRESENT_WAIT_MS: a list that comes at once (the sandbox) is in
 * the first frame instead of a loading page drawn, laid out and replaced a
 * frame later, and a slower one shows its loading page.
 *
 * Meanwhile the policies page does not have the session. It gets it,
 * loaded or not, when the window is presented: the list is then told of
 * what the store holds in one go (a short list at once, a long one from its
 * first step), in time for the first frame, rather than as the items came
 * into a window nobody saw yet. */
#define PRESENT_WAIT_MS 200

void
pm_window_present_when_listed (PmWindow *self)
{
  PmPolicyStore *store;

  g_return_if_fail (PM_IS_WINDOW (self));

  store = self->session != NULL ? pm_session_get_policies (self->session) : NULL;
  if (store == NULL || !pm_policy_store_get_loading (store) || gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      present_now (self);
      return;
    }
  if (self->present_store != NULL)
    return;
  self->present_store = g_object_ref (store);
  pm_policies_page_set_session (PM_POLICIES_PAGE (self->policies_page), NULL);
  g_signal_connect_swapped (store, "notify::loading", G_CALLBACK (on_present_store_changed), self);
  self->present_source = g_timeout_add (PRESENT_WAIT_MS, present_timeout_cb, self);
}

PmSession *
pm_window_get_session (PmWindow *self)
{
  g_return_val_if_fail (PM_IS_WINDOW (self), NULL);

  return self->session;
}

static void
show_error (PmWindow   *self,
            const char *title,
            const char *description,
            gboolean    can_retry,
            gboolean    can_edit)
{
  /* Whatever was open before is not what the window shows any more. */
  set_session (self, NULL, NULL);
  ensure_main_page (self, "error");
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), can_retry);
  gtk_widget_set_visible (GTK_WIDGET (self->edit_account_button), can_edit);
  show_main_page (self, "error");
}

void
pm_window_open_sandbox (PmWindow *self)
{
  pm_window_open_sandbox_flavour (self, PM_FLAVOUR_HOSTED);
}

void
pm_window_open_sandbox_flavour (PmWindow  *self,
                                PmFlavour  flavour)
{
  PmApplication *app;
  PmSandbox *sandbox;
  g_autoptr(PmHttp) http = NULL;
  g_autoptr(PmApi) api = NULL;
  g_autoptr(PmSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;

  g_return_if_fail (PM_IS_WINDOW (self));

  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  g_free (self->profile_id);
  self->profile_id = g_strdup (flavour == PM_FLAVOUR_SERVERLESS ? SANDBOX_SERVERLESS_ID : SANDBOX_ID);

  app = PM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  sandbox = pm_application_get_sandbox (app, &error);
  if (sandbox == NULL)
    {
      show_error (self, _("The sandbox cannot start"), error->message, TRUE, FALSE);
      return;
    }

  base_url = pm_sandbox_dup_base_url (sandbox);
  http = pm_http_new (base_url, PM_SANDBOX_DEFAULT_API_KEY, &error);
  if (http == NULL)
    {
      show_error (self, _("The sandbox cannot start"), error->message, TRUE, FALSE);
      return;
    }
  api = pm_api_new_for_flavour (flavour, http);
  session = pm_session_new (api, flavour == PM_FLAVOUR_SERVERLESS ? _("Sandbox (Serverless)") : _("Sandbox"), TRUE);
  set_session (self, session, self->profile_id);
}

/* Accounts */

static gboolean
is_sandbox_id (const char *id)
{
  return g_strcmp0 (id, SANDBOX_ID) == 0 || g_strcmp0 (id, SANDBOX_SERVERLESS_ID) == 0;
}

static PmProfile *
find_profile (PmWindow   *self,
              const char *id)
{
  return pm_profile_list_lookup (self->profiles, id);
}

static void
lookup_key_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  char *key = NULL;
  g_autoptr(PmHttp) http = NULL;
  g_autoptr(PmApi) api = NULL;
  g_autoptr(PmSession) session = NULL;
  PmProfile *profile;
  const char *ca_file;
  const char *base_url;

  key = pm_keyring_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  profile = find_profile (self, self->profile_id);
  if (profile == NULL)
    {
      pm_keyring_free_key (key);
      pm_window_show_welcome (self);
      return;
    }

  if (g_error_matches (error, PM_KEYRING_ERROR, PM_KEYRING_ERROR_NOT_FOUND))
    {
      show_error (self, _("No API key stored"),
                  _("The keyring holds no API key for this account. Edit the account and enter its key again."),
                  FALSE, TRUE);
      return;
    }
  if (error != NULL)
    {
      const char *title;

      if (g_error_matches (error, PM_KEYRING_ERROR, PM_KEYRING_ERROR_LOCKED))
        title = _("The keyring is locked");
      else if (g_error_matches (error, PM_KEYRING_ERROR, PM_KEYRING_ERROR_NO_SERVICE))
        title = _("No keyring available");
      else if (g_error_matches (error, PM_KEYRING_ERROR, PM_KEYRING_ERROR_DENIED))
        title = _("The keyring refused access");
      else
        title = _("The keyring refused");
      show_error (self, title, error->message, TRUE, TRUE);
      return;
    }
  base_url = pm_profile_get_base_url (profile);
  http = pm_http_new (base_url, key, &error);
  ca_file = pm_profile_get_ca_file (profile);
  if (http != NULL && ca_file != NULL && *ca_file != '\0'
      && pm_profile_get_flavour (profile) == PM_FLAVOUR_ECE)
    {
      if (!pm_http_set_ca_file (http, ca_file, &error))
        g_clear_object (&http);
    }
  g_clear_pointer (&key, pm_keyring_free_key);   /* PmHttp holds its own copy */
  if (http == NULL)
    {
      g_autofree char *text = pm_error_text_describe (error);

      show_error (self, _("This account cannot be opened"), text, FALSE, TRUE);
      return;
    }

  api = pm_api_new_for_flavour (pm_profile_get_flavour (profile), http);
  session = pm_session_new (api, pm_profile_get_name (profile), FALSE);
  set_session (self, session, pm_profile_get_id (profile));
}

void
pm_window_open_profile (PmWindow   *self,
                        const char *profile_id)
{
  g_autofree char *id = NULL;
  PmProfile *profile;

  g_return_if_fail (PM_IS_WINDOW (self));
  g_return_if_fail (profile_id != NULL);

  if (g_str_equal (profile_id, SANDBOX_ID))
    {
      pm_window_open_sandbox (self);
      return;
    }
  if (g_str_equal (profile_id, SANDBOX_SERVERLESS_ID))
    {
      pm_window_open_sandbox_flavour (self, PM_FLAVOUR_SERVERLESS);
      return;
    }

  profile = find_profile (self, profile_id);
  if (profile == NULL)
    {
      pm_window_show_welcome (self);
      return;
    }

  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->open_cancellable = g_cancellable_new ();

  /* profile_id may be self->profile_id itself (Retry). */
  id = g_strdup (profile_id);
  g_free (self->profile_id);
  self->profile_id = g_steal_pointer (&id);
  ensure_main_page (self, "opening");
  adw_status_page_set_title (self->opening_page, pm_profile_get_name (profile));
  show_main_page (self, "opening");

  pm_keyring_lookup_async (self->profile_id, self->open_cancellable, lookup_key_cb, g_object_ref (self));
}

void
pm_window_show_welcome (PmWindow *self)
{
  g_return_if_fail (PM_IS_WINDOW (self));

  set_session (self, NULL, NULL);
  g_clear_pointer (&self->profile_id, g_free);
  show_main_page (self, "welcome");
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->try_sandbox_button));
  gtk_widget_grab_focus (GTK_WIDGET (self->try_sandbox_button));
}

/* A window shown before anything was opened in it welcomes. */
static void
ensure_view (PmWindow *self)
{
  if (gtk_stack_get_visible_child (self->main_stack) == NULL)
    pm_window_show_welcome (self);
}

static void
pm_window_show (GtkWidget *widget)
{
  ensure_view (PM_WINDOW (widget));
  GTK_WIDGET_CLASS (pm_window_parent_class)->show (widget);
}

void
pm_window_restore_last (PmWindow *self)
{
  g_autofree char *last = NULL;

  g_return_if_fail (PM_IS_WINDOW (self));

  last = pm_profile_list_dup_last_id (self->profiles);
  if (is_sandbox_id (last))
    pm_window_open_profile (self, last);
  else if (last != NULL && find_profile (self, last) != NULL)
    pm_window_open_profile (self, last);
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->profiles)) > 0)
    {
      g_autoptr(PmProfile) first = g_list_model_get_item (G_LIST_MODEL (self->profiles), 0);

      pm_window_open_profile (self, pm_profile_get_id (first));
    }
  else
    pm_window_show_welcome (self);
}

const char *
pm_window_get_view (PmWindow *self)
{
  g_return_val_if_fail (PM_IS_WINDOW (self), NULL);

  ensure_view (self);
  return gtk_stack_get_visible_child_name (self->main_stack);
}

void
pm_window_add_toast (PmWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (PM_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void rebuild_profiles_menu (PmWindow *self);

static void
on_profile_renamed (PmWindow *self)
{
  rebuild_profiles_menu (self);
  update_titles (self);
}

static void
rebuild_profiles_menu (PmWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));

  g_menu_remove_all (self->profiles_section);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PmProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);
      g_autoptr(GMenuItem) item = g_menu_item_new (pm_profile_get_name (profile), NULL);

      g_signal_handlers_disconnect_by_func (profile, on_profile_renamed, self);
      g_signal_connect_object (profile, "notify::name", G_CALLBACK (on_profile_renamed), self, G_CONNECT_SWAPPED);

      g_menu_item_set_action_and_target (item, "win.open-profile", "s", pm_profile_get_id (profile));
      g_menu_append_item (self->profiles_section, item);
    }
  g_menu_append (self->profiles_section, _("Sandbox"), "win.open-profile::" SANDBOX_ID);
  g_menu_append (self->profiles_section, _("Sandbox (Serverless)"), "win.open-profile::" SANDBOX_SERVERLESS_ID);
}

static void
on_profiles_changed (PmWindow *self)
{
  rebuild_profiles_menu (self);

  /* The account in use was removed (here or in another window). */
  if (self->profile_id != NULL && !is_sandbox_id (self->profile_id)
      && find_profile (self, self->profile_id) == NULL)
    {
      set_session (self, NULL, NULL);
      g_clear_pointer (&self->profile_id, g_free);
      pm_window_restore_last (self);
      return;
    }
  update_titles (self);
}

/* Actions */

static void
open_sandbox_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  pm_window_open_sandbox (PM_WINDOW (widget));
}

static void
open_sandbox_serverless_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  pm_window_open_sandbox_flavour (PM_WINDOW (widget), PM_FLAVOUR_SERVERLESS);
}

static void
open_profile_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  pm_window_open_profile (PM_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
retry_open_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  PmWindow *self = PM_WINDOW (widget);

  if (self->profile_id != NULL)
    pm_window_open_profile (self, self->profile_id);
  else
    pm_window_restore_last (self);
}

static void
on_profile_saved (PmWindow        *self,
                  const char      *profile_id,
                  PmProfileDialog *dialog)
{
  g_autofree char *text = NULL;

  pm_window_open_profile (self, profile_id);
  text = g_strdup_printf (_("Account “%s” saved"), pm_profile_dialog_get_display_name (dialog));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
present_profile_dialog (PmWindow   *self,
                        const char *profile_id)
{
  PmProfileDialog *dialog = pm_profile_dialog_new (self->profiles, profile_id);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_profile_saved), self, G_CONNECT_SWAPPED);
  adw_dialog_present (ADW_DIALOG (dialog), GTK_WIDGET (self));
}

static void
add_account_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  present_profile_dialog (PM_WINDOW (widget), NULL);
}

static void
edit_account_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PmWindow *self = PM_WINDOW (widget);

  if (self->profile_id != NULL && find_profile (self, self->profile_id) != NULL)
    present_profile_dialog (self, self->profile_id);
  else
    present_profile_dialog (self, NULL);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PmWindow *self = PM_WINDOW (widget);

  if (self->session != NULL)
    pm_session_refresh (self->session);
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "error") == 0)
    retry_open_action (widget, NULL, NULL);
}

static void
show_sidebar_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PmWindow *self = PM_WINDOW (widget);

  /* Collapsed, the sections take the content's place. */
  adw_navigation_split_view_set_show_content (self->split_view, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->sidebar_list));
}

/* Ctrl+F and Ctrl+N belong to the page on show; it installs "page.search"
 * and "page.new-policy" when it has them. */
static void
forward_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PmWindow *self = PM_WINDOW (widget);
  GtkWidget *page;
  const char *name = strchr (action_name, '.') + 1;
  g_autofree char *page_action = g_strconcat ("page.", name, NULL);

  if (g_str_equal (name, "new-policy"))
    pm_window_show_section (self, "policies");

  page = gtk_stack_get_visible_child (self->content_stack);
  if (page == NULL || !gtk_widget_activate_action_variant (page, page_action, parameter))
    gtk_widget_error_bell (widget);
}

/* Window state */

static gboolean
pm_window_close_request (GtkWindow *window)
{
  PmWindow *self = PM_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (pm_window_parent_class)->close_request (window);
}

static void
pm_window_dispose (GObject *object)
{
  PmWindow *self = PM_WINDOW (object);

  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_handle_id (&self->present_source, g_source_remove);
  if (self->present_store != NULL)
    g_signal_handlers_disconnect_by_data (self->present_store, self);
  g_clear_object (&self->present_store);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (pm_session_get_policies (self->session), self);
      g_signal_handlers_disconnect_by_data (pm_session_get_entities (self->session), self);
      g_signal_handlers_disconnect_by_data (self->session, self);
      pm_session_shutdown (self->session);
      g_clear_object (&self->session);
    }
  if (self->profiles != NULL)
    g_signal_handlers_disconnect_by_data (self->profiles, self);
  g_clear_object (&self->profiles);
  g_clear_object (&self->profiles_section);
  g_clear_weak_pointer (&self->error_toast);

  self->policies_page = self->entities_page = self->claims_page = self->wizard_page = NULL;
  self->error_page = self->opening_page = NULL;
  self->retry_button = self->edit_account_button = self->try_sandbox_button = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_WINDOW);

  G_OBJECT_CLASS (pm_window_parent_class)->dispose (object);
}

static void
pm_window_finalize (GObject *object)
{
  PmWindow *self = PM_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->profile_id, g_free);

  G_OBJECT_CLASS (pm_window_parent_class)->finalize (object);
}

static void
pm_window_class_init (PmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pm_window_dispose;
  object_class->finalize = pm_window_finalize;
  widget_class->show = pm_window_show;
  window_class->close_request = pm_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, PM_RESOURCE_PREFIX "/pm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PmWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, split_view);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, content);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, profile_button);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, sandbox_badge);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, sandbox_pill);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, PmWindow, narrow_breakpoint);

  gtk_widget_class_install_action (widget_class, "win.open-sandbox", NULL, open_sandbox_action);
  gtk_widget_class_install_action (widget_class, "win.open-sandbox-serverless", NULL, open_sandbox_serverless_action);
  gtk_widget_class_install_action (widget_class, "win.open-profile", "s", open_profile_action);
  gtk_widget_class_install_action (widget_class, "win.retry-open", NULL, retry_open_action);
  gtk_widget_class_install_action (widget_class, "win.add-account", NULL, add_account_action);
  gtk_widget_class_install_action (widget_class, "win.edit-account", NULL, edit_account_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, forward_action);
  gtk_widget_class_install_action (widget_class, "win.new-policy", NULL, forward_action);
}

static void
create_menu_popup (GtkMenuButton *button,
                   gpointer       menu)
{
  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, menu);
}

/* A menu button's popover is built when the menu is first opened: a
 * GtkMenuButton given its menu builds the popover and every item at once,
 * for a menu most starts never open. */
static void
set_menu_when_opened (GtkMenuButton *button,
                      GMenuModel    *menu)
{
  gtk_menu_button_set_create_popup_func (button, create_menu_popup,
                                         g_object_ref (menu), g_object_unref);
}

static void
build_profile_menu (PmWindow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) manage = g_menu_new ();

  self->profiles_section = g_menu_new ();
  g_menu_append_section (menu, _("Accounts"), G_MENU_MODEL (self->profiles_section));
  g_menu_append (manage, _("_Add Account…"), "win.add-account");
  g_menu_append (manage, _("_Manage Accounts…"), "app.preferences");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (manage));
  set_menu_when_opened (self->profile_button, G_MENU_MODEL (menu));

  rebuild_profiles_menu (self);
  g_signal_connect_swapped (self->profiles, "items-changed", G_CALLBACK (on_profiles_changed), self);
}

/* The keyboard shortcuts, built each time they are asked for: building
 * them with every window took a good part of a window's start-up. */
static void
show_help_overlay_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  GtkWindow *window = GTK_WINDOW (user_data);
  AdwDialog *shown = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));

  if (PM_IS_SHORTCUTS_DIALOG (shown))
    return;
  adw_dialog_present (ADW_DIALOG (pm_shortcuts_dialog_new (gtk_window_get_application (window))),
                      GTK_WIDGET (window));
}

static void
pm_window_init (PmWindow *self)
{
  static const GActionEntry win_actions[] = {
    { "show-page", NULL, "s", "'policies'", show_page_changed },
    { "show-help-overlay", show_help_overlay_activated },
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->profiles = pm_profile_list_new (self->settings);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  build_sections (self);
  build_profile_menu (self);
  set_menu_when_opened (self->primary_menu_button, self->primary_menu);
  g_signal_connect_object (self->settings, "changed::refresh-interval",
                           G_CALLBACK (restart_refresh_timer), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self, "notify::current-breakpoint", G_CALLBACK (update_sandbox_pill), self);

  update_titles (self);
}

PmWindow *
pm_window_new (PmApplication *application)
{
  return g_object_new (PM_TYPE_WINDOW, "application", application, NULL);
}
