/* bench-bare.c: the floor for start-up, a bare AdwApplicationWindow
 *
 * Prints the wall-clock time (g_get_real_time, µs) at which its first frame
 * was painted, then quits. build-aux/dev bench compares that with the time
 * it was started, as it does for `perimeter --sandbox`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

static void
on_after_paint (GdkFrameClock *clock,
                GApplication  *app)
{
  g_autofree char *status = NULL;
  const char *peak;

  g_print ("first-frame %" G_GINT64_FORMAT "\n", g_get_real_time ());
  /* Peak resident memory: the floor for the app's own. */
  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (peak = strstr (status, "VmHWM:")) != NULL)
    g_print ("peak-rss-kb %ld\n", strtol (peak + strlen ("VmHWM:"), NULL, 10));
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, app);
  g_application_quit (app);
}

static void
on_map (GtkWidget    *window,
        GApplication *app)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), app);
}

/* The floor opens at the size the app opens at (its settings' defaults,
 * which the benchmark leaves alone): painting scales with the area. */
static void
get_app_window_size (int *width,
                     int *height)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  *width = 1000;
  *height = 700;
  if (source == NULL || (schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)) == NULL)
    return;
  settings = g_settings_new_full (schema, NULL, NULL);
  *width = g_settings_get_int (settings, "window-width");
  *height = g_settings_get_int (settings, "window-height");
}

static void
on_activate (GtkApplication *app)
{
  GtkWidget *window = adw_application_window_new (app);
  int width, height;

  get_app_window_size (&width, &height);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window),
                                      adw_status_page_new ());
  g_signal_connect (window, "map", G_CALLBACK (on_map), app);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app =
    adw_application_new ("io.github.perimeter.BenchBare", G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
