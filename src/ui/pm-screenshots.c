/* pm-screenshots.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-application-private.h"
#include "pm-preferences-dialog.h"
#include "pm-profile-dialog.h"
#include "pm-screenshots.h"
#include "pm-window.h"

#define SETTLE_MS    800
#define LOAD_POLL_MS 100
#define LOAD_TRIES   150

typedef struct
{
  PmApplication *app;
  char          *dir;
  PmWindow      *main_window;
  GtkWindow     *extra;
  AdwDialog     *dialog;
  guint          step;
  guint          tries;
  gboolean       dark;
} Shooter;

gboolean
pm_screenshots_save_widget (GtkWidget   *widget,
                            const char  *path,
                            GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  GskRenderer *renderer;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (width <= 0 || height <= 0 || gtk_widget_get_native (widget) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s is not shown", G_OBJECT_TYPE_NAME (widget));
      return FALSE;
    }

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s drew nothing", G_OBJECT_TYPE_NAME (widget));
      return FALSE;
    }

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write %s", path);
      return FALSE;
    }
  return TRUE;
}

static void
shoot (Shooter    *shooter,
       GtkWidget  *widget,
       const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s%s.png", name, shooter->dark ? "-dark" : "");
  g_autofree char *path = g_build_filename (shooter->dir, file, NULL);
  g_autoptr(GError) error = NULL;

  if (!pm_screenshots_save_widget (widget, path, &error))
    {
      g_printerr ("screenshot %s: %s\n", file, error->message);
      return;
    }
  g_print ("%s\n", path);
}

static void
close_extra (Shooter *shooter)
{
  if (shooter->extra != NULL)
    gtk_window_destroy (shooter->extra);
  shooter->extra = NULL;
}

static void
close_dialog (Shooter *shooter)
{
  if (shooter->dialog != NULL)
    adw_dialog_force_close (shooter->dialog);
  shooter->dialog = NULL;
}

/* A filled-in account and a connection check's verdict. */
static void
present_profile_dialog (Shooter   *shooter,
                        GtkWidget *parent)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(PmProfileList) profiles = pm_profile_list_new (settings);
  PmProfileDialog *dialog = pm_profile_dialog_new (profiles, NULL);
  PmSandbox *sandbox = pm_application_get_sandbox (shooter->app, NULL);
  g_autofree char *url = sandbox ? pm_sandbox_dup_base_url (sandbox) : g_strdup ("http://127.0.0.1:1");

  pm_profile_dialog_fill (dialog, _("Local sandbox"), PM_FLAVOUR_HOSTED, url, PM_SANDBOX_DEFAULT_API_KEY);
  adw_dialog_present (ADW_DIALOG (dialog), parent);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "profile.check", NULL);
  shooter->dialog = ADW_DIALOG (dialog);
  shooter->tries = 0;
}

/* Whether the dialog's check has answered; if not, the step is taken again. */
static gboolean
check_answered (Shooter *shooter)
{
  if (pm_profile_dialog_get_check_result (PM_PROFILE_DIALOG (shooter->dialog)) == NULL
      && shooter->tries++ < LOAD_TRIES)
    {
      shooter->step--;
      return FALSE;
    }
  return TRUE;
}

static gboolean
main_loaded (Shooter *shooter)
{
  PmSession *session = pm_window_get_session (shooter->main_window);

  return session != NULL
         && pm_policy_store_get_loaded (pm_session_get_policies (session))
         && pm_entity_store_get_loaded (pm_session_get_entities (session));
}

/* One step per call; returns the delay before the next, or 0 when done. */
static guint
run_step (Shooter *shooter)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  switch (shooter->step++)
    {
    case 0:
      adw_style_manager_set_color_scheme (style, shooter->dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                               : ADW_COLOR_SCHEME_FORCE_LIGHT);
      return SETTLE_MS;
    case 1:
      if (!main_loaded (shooter) && shooter->tries++ < LOAD_TRIES)
        {
          shooter->step--;
          return LOAD_POLL_MS;
        }
      return SETTLE_MS;
    case 2:
      shoot (shooter, GTK_WIDGET (shooter->main_window), "main-window");
      {
        PmWindow *welcome = pm_window_new (shooter->app);

        gtk_window_set_default_size (GTK_WINDOW (welcome), 900, 680);
        pm_window_show_welcome (welcome);
        gtk_window_present (GTK_WINDOW (welcome));
        shooter->extra = GTK_WINDOW (welcome);
      }
      return SETTLE_MS;
    case 3:
      shoot (shooter, GTK_WIDGET (shooter->extra), "welcome");
      close_extra (shooter);
      present_profile_dialog (shooter, GTK_WIDGET (shooter->main_window));
      return SETTLE_MS;
    case 4:
      if (!check_answered (shooter))
        return LOAD_POLL_MS;
      shoot (shooter, GTK_WIDGET (shooter->main_window), "profile-dialog");
      close_dialog (shooter);
      shooter->dialog = ADW_DIALOG (pm_preferences_dialog_new ());
      adw_dialog_present (shooter->dialog, GTK_WIDGET (shooter->main_window));
      return SETTLE_MS;
    case 5:
      shoot (shooter, GTK_WIDGET (shooter->main_window), "preferences");
      close_dialog (shooter);
      {
        /* The narrowest window the metainfo promises (display_length). */
        PmWindow *narrow = pm_window_new (shooter->app);

        gtk_window_set_default_size (GTK_WINDOW (narrow), 360, 640);
        pm_window_open_sandbox (narrow);
        gtk_window_present (GTK_WINDOW (narrow));
        shooter->extra = GTK_WINDOW (narrow);
      }
      return SETTLE_MS * 2;
    case 6:
      /* Collapsed, the sections come first, then each section's page. */
      shoot (shooter, GTK_WIDGET (shooter->extra), "narrow");
      /* At that width the dialogs are bottom sheets over the window. */
      present_profile_dialog (shooter, GTK_WIDGET (shooter->extra));
      return SETTLE_MS;
    case 7:
      if (!check_answered (shooter))
        return LOAD_POLL_MS;
      shoot (shooter, GTK_WIDGET (shooter->extra), "narrow-profile-dialog");
      close_dialog (shooter);
      shooter->dialog = ADW_DIALOG (pm_preferences_dialog_new ());
      adw_dialog_present (shooter->dialog, GTK_WIDGET (shooter->extra));
      return SETTLE_MS;
    case 8:
      shoot (shooter, GTK_WIDGET (shooter->extra), "narrow-preferences");
      close_dialog (shooter);
      pm_window_show_section (PM_WINDOW (shooter->extra), "policies");
      return SETTLE_MS;
    case 9:
      shoot (shooter, GTK_WIDGET (shooter->extra), "narrow-policies");
      pm_window_show_section (PM_WINDOW (shooter->extra), "entities");
      return SETTLE_MS;
    case 10:
      shoot (shooter, GTK_WIDGET (shooter->extra), "narrow-deployments");
      pm_window_show_section (PM_WINDOW (shooter->extra), "claims");
      return SETTLE_MS;
    case 11:
      shoot (shooter, GTK_WIDGET (shooter->extra), "narrow-claims");
      close_extra (shooter);
      {
        PmWindow *welcome = pm_window_new (shooter->app);

        gtk_window_set_default_size (GTK_WINDOW (welcome), 360, 640);
        pm_window_show_welcome (welcome);
        gtk_window_present (GTK_WINDOW (welcome));
        shooter->extra = GTK_WINDOW (welcome);
      }
      return SETTLE_MS;
    case 12:
      shoot (shooter, GTK_WIDGET (shooter->extra), "narrow-welcome");
      close_extra (shooter);
      gtk_widget_activate_action (GTK_WIDGET (shooter->main_window), "win.show-help-overlay", NULL);
      return SETTLE_MS * 2;
    case 13:
      shoot (shooter, GTK_WIDGET (shooter->main_window), "shortcuts");
      adw_dialog_close (adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (shooter->main_window)));
      /* Wide, the deployments and the one selected side by side. */
      pm_window_show_section (shooter->main_window, "entities");
      return SETTLE_MS;
    case 14:
      shoot (shooter, GTK_WIDGET (shooter->main_window), "main-window-deployments");
      pm_window_show_section (shooter->main_window, "policies");
      if (!shooter->dark)
        {
          shooter->dark = TRUE;
          shooter->step = 0;
          shooter->tries = 0;
          return LOAD_POLL_MS;
        }
      return 0;
    default:
      return 0;
    }
}

static gboolean
step_cb (gpointer user_data)
{
  Shooter *shooter = user_data;
  guint delay = run_step (shooter);

  if (delay > 0)
    {
      g_timeout_add (delay, step_cb, shooter);
      return G_SOURCE_REMOVE;
    }

  if (!main_loaded (shooter))
    g_printerr ("screenshots: the sandbox content had not loaded\n");
  g_application_release (G_APPLICATION (shooter->app));
  g_application_quit (G_APPLICATION (shooter->app));
  g_free (shooter->dir);
  g_free (shooter);
  return G_SOURCE_REMOVE;
}

/* Two accounts for the switcher and the preferences (no keys: they are
 * never opened). The settings are in memory in this mode. */
static void
add_example_accounts (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(PmProfileList) profiles = pm_profile_list_new (settings);
  g_autoptr(PmProfile) production = pm_profile_new (NULL);
  g_autoptr(PmProfile) ece = pm_profile_new (NULL);
  g_autoptr(PmProfile) added1 = NULL;
  g_autoptr(PmProfile) added2 = NULL;

  if (g_list_model_get_n_items (G_LIST_MODEL (profiles)) > 0)
    return;

  pm_profile_set_name (production, "Production");
  pm_profile_set_flavour (production, PM_FLAVOUR_SERVERLESS);
  pm_profile_set_name (ece, "On-premises (ECE)");
  pm_profile_set_flavour (ece, PM_FLAVOUR_ECE);
  pm_profile_set_base_url (ece, "https://ece.example.com:12443");
  added1 = pm_profile_list_add_profile (profiles, production, NULL);
  added2 = pm_profile_list_add_profile (profiles, ece, NULL);
}

void
pm_screenshots_run (PmApplication *app,
                    const char    *dir)
{
  Shooter *shooter = g_new0 (Shooter, 1);

  add_example_accounts ();
  /* Each shot as things come to rest, not halfway through a dialog's
   * opening or a page's transition. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_mkdir_with_parents (dir, 0755);
  shooter->app = app;
  shooter->dir = g_strdup (dir);
  shooter->main_window = pm_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (shooter->main_window), 1200, 720);
  pm_window_open_sandbox (shooter->main_window);
  gtk_window_present (GTK_WINDOW (shooter->main_window));

  g_application_hold (G_APPLICATION (app));
  g_timeout_add (SETTLE_MS, step_cb, shooter);
}
