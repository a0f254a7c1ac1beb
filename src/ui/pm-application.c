/* pm-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-application.h"
#include "pm-application-private.h"
#include "pm-preferences-dialog.h"
#include "pm-screenshots.h"
#include "pm-window.h"

struct _PmApplication
{
  AdwApplication  parent_instance;

  PmSandbox      *sandbox;
  char           *screenshot_dir;
  gboolean        start_sandbox;
};

G_DEFINE_FINAL_TYPE (PmApplication, pm_application, ADW_TYPE_APPLICATION)

GResource *pm_ui_get_resource (void);

void
pm_application_register_resources (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered))
    {
      g_resources_register (pm_ui_get_resource ());
      g_once_init_leave (&registered, 1);
    }
}

static const GOptionEntry option_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { "sandbox", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Open the built-in sandbox instead of an account"), NULL },
  { "screenshots", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, NULL, "Save screenshots to DIR and quit", "DIR" },
  { NULL }
};

static PmWindow *
get_or_create_window (PmApplication *self,
                      gboolean       restore)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (pm_window_new (self));
      if (restore)
        pm_window_restore_last (PM_WINDOW (window));
    }
  return PM_WINDOW (window);
}

static int
pm_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  PmApplication *self = PM_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("perimeter %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "screenshots", "^ay", &self->screenshot_dir))
    {
      /* A private instance that never hands over to a running one, and
       * never touches the user's settings. */
      g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
      return -1;
    }

  if (g_variant_dict_contains (options, "sandbox"))
    {
      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      if (g_application_get_is_remote (app))
        {
          g_action_group_activate_action (G_ACTION_GROUP (app), "sandbox", NULL);
          return 0;
        }
      self->start_sandbox = TRUE;
      /* GTK's start-up takes a while: the sandbox makes its organization
       * and starts listening meanwhile, on its own thread. */
      self->sandbox = pm_sandbox_new ();
      pm_sandbox_begin_in_thread (self->sandbox, 0);
    }

  return -1;
}

static void
pm_application_activate (GApplication *app)
{
  PmApplication *self = PM_APPLICATION (app);
  PmWindow *window;

  if (self->screenshot_dir != NULL)
    {
      pm_screenshots_run (self, self->screenshot_dir);
      return;
    }

  window = get_or_create_window (self, !self->start_sandbox);
  if (self->start_sandbox)
    {
      self->start_sandbox = FALSE;
      pm_window_open_sandbox (window);
    }
  pm_window_present_when_listed (window);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
new_window_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  PmApplication *self = PM_APPLICATION (user_data);
  PmWindow *window = pm_window_new (self);

  pm_window_restore_last (window);
  gtk_window_present (GTK_WINDOW (window));
}

static void
sandbox_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  PmApplication *self = PM_APPLICATION (user_data);
  PmWindow *window = get_or_create_window (self, FALSE);

  pm_window_open_sandbox (window);
  gtk_window_present (GTK_WINDOW (window));
}

/* Dialogs go on the active window: the main window, or a modal policy
 * editor over it (which would hide one put on the main window). */
static GtkWidget *
get_dialog_parent (PmApplication *self)
{
  return GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (self)));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PmApplication *self = PM_APPLICATION (user_data);

  adw_dialog_present (ADW_DIALOG (pm_preferences_dialog_new ()), get_dialog_parent (self));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  PmApplication *self = PM_APPLICATION (user_data);
  static const char *developers[] = { "The Perimeter contributors", NULL };
  AdwDialog *about;

  about = g_object_new (ADW_TYPE_ABOUT_DIALOG,
                        "application-name", _("Perimeter"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Perimeter contributors"),
                        "developers", developers,
                        "website", "https://github.com/perimeter/perimeter",
                        "issue-url", "https://github.com/perimeter/perimeter/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Perimeter contributors",
                        "comments", _("Manage Elastic Cloud network security: IP filter and private connection policies, their deployments and projects, and private connection IDs."),
                        "translator-credits", _("translator-credits"),
                        NULL);
  adw_about_dialog_add_credit_section (ADW_ABOUT_DIALOG (about), _("API specifications"),
                                       (const char *[]) { "Elastic https://www.elastic.co", NULL });
  adw_dialog_present (about, get_dialog_parent (self));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "new-window", new_window_activated },
  { "sandbox", sandbox_activated },
  { "preferences", preferences_activated },
  { "about", about_activated },
};

/* The HTTP client's first request looks up the system's proxy settings,
 * which loads GIO's proxy modules (and libproxy) on the main thread: the
 * sandbox's first request waited for them after the window was built.
 * Loaded in a thread while the window is built, they are there when the
 * first request is made. */
static void
load_proxy_resolver (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_proxy_resolver_get_default ();
  g_task_return_boolean (task, TRUE);
}

static void
read_icon_theme (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  gtk_icon_theme_has_icon (task_data, "open-menu-symbolic");
  g_task_return_boolean (task, TRUE);
}

/* Start-up work that needs no answer, in GIO's worker threads (each
 * returns all the same: GLib warns of a task finalized unreturned). */
static void
run_in_thread (GTaskThreadFunc func,
               gpointer        data,
               GDestroyNotify  data_free)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_task_data (task, data, data_free);
  g_task_run_in_thread (task, func);
}

/* GTK starts reading the display's icon theme in a thread when it opens
 * the display, but GtkApplication's start-up then adds the icon folder of
 * our resources to that theme, which drops what was read: the first window
 * read the themes again on the main thread while it was being shown. Read
 * them again in a thread while the window is built (GtkIconTheme allows
 * lookups from any thread once it is set up on the main thread). */
static void
reread_icon_theme (void)
{
  GdkDisplay *display = gdk_display_get_default ();

  if (display == NULL)
    return;
  run_in_thread (read_icon_theme, g_object_ref (gtk_icon_theme_get_for_display (display)), g_object_unref);
}

static void
pm_application_startup (GApplication *app)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.new-window", { "<Control><Shift>n", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.new-policy", { "<Control>n", NULL } },
    { "win.refresh", { "F5", "<Control>r", NULL } },
    { "win.show-sidebar", { "<Alt>Left", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  pm_application_register_resources ();
  G_APPLICATION_CLASS (pm_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);

  gtk_window_set_default_icon_name (APP_ID);
  reread_icon_theme ();
  run_in_thread (load_proxy_resolver, NULL, NULL);
}

static void
pm_application_shutdown (GApplication *app)
{
  PmApplication *self = PM_APPLICATION (app);

  if (self->sandbox != NULL)
    pm_sandbox_stop (self->sandbox);

  G_APPLICATION_CLASS (pm_application_parent_class)->shutdown (app);
}

static void
pm_application_finalize (GObject *object)
{
  PmApplication *self = PM_APPLICATION (object);

  g_clear_object (&self->sandbox);
  g_clear_pointer (&self->screenshot_dir, g_free);

  G_OBJECT_CLASS (pm_application_parent_class)->finalize (object);
}

static void
pm_application_class_init (PmApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = pm_application_finalize;
  app_class->handle_local_options = pm_application_handle_local_options;
  app_class->activate = pm_application_activate;
  app_class->startup = pm_application_startup;
  app_class->shutdown = pm_application_shutdown;
}

static void
pm_application_init (PmApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Manage Elastic Cloud network security policies."));
}

/* The in-process sandbox, started on first use (or, with --sandbox, while
 * GTK starts) and shared by every window. */
PmSandbox *
pm_application_get_sandbox (PmApplication  *self,
                            GError        **error)
{
  g_return_val_if_fail (PM_IS_APPLICATION (self), NULL);

  if (self->sandbox == NULL)
    {
      self->sandbox = pm_sandbox_new ();
      pm_sandbox_begin_in_thread (self->sandbox, 0);
    }
  /* Returns at once when it already listens. */
  if (!pm_sandbox_wait_started (self->sandbox, error))
    {
      g_clear_object (&self->sandbox);
      return NULL;
    }

  return self->sandbox;
}

PmApplication *
pm_application_new (void)
{
  return g_object_new (PM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", PM_RESOURCE_PREFIX,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

PmApplication *
pm_application_new_non_unique (void)
{
  return g_object_new (PM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", PM_RESOURCE_PREFIX,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}
