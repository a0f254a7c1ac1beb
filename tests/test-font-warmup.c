/* test-font-warmup.c: the fonts prepared at start-up are the ones labels use
 *
 * The warm-up (src/ui/pm-font-warmup.c) only helps if cairo hands GTK's
 * labels the very fonts, glyph caches and all, that it made in its thread;
 * it works out GTK's font and options itself, so each setting that goes
 * into them is tried here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>
#include <pango/pangocairo.h>

#include "pm-font-warmup.h"

static const char *setting_names[] = {
  "gtk-font-name", "gtk-xft-dpi", "gtk-xft-antialias", "gtk-xft-hinting",
  "gtk-xft-hintstyle", "gtk-xft-rgba", "gtk-hint-font-metrics",
};

static void
reset_settings (GtkSettings *settings)
{
  for (guint i = 0; i < G_N_ELEMENTS (setting_names); i++)
    gtk_settings_reset_property (settings, setting_names[i]);
}

/* The cairo font a context gives the weight of its font description */
static cairo_scaled_font_t *
scaled_font_for (PangoContext *context,
                 PangoWeight   weight,
                 PangoFont   **font_out)
{
  PangoFontDescription *description = pango_font_description_copy (pango_context_get_font_description (context));
  PangoFont *font;

  pango_font_description_set_weight (description, weight);
  font = pango_context_load_font (context, description);
  pango_font_description_free (description);
  g_assert_nonnull (font);
  *font_out = font;
  return pango_cairo_font_get_scaled_font (PANGO_CAIRO_FONT (font));
}

static void
assert_same_fonts (GtkSettings *settings)
{
  static const PangoWeight weights[] = { PANGO_WEIGHT_NORMAL, PANGO_WEIGHT_BOLD };
  PangoContext *warmup = pm_font_warmup_new_context (gdk_display_get_default ());
  GtkWidget *label = g_object_ref_sink (gtk_label_new ("Allow office"));
  PangoContext *gtk = gtk_widget_get_pango_context (label);
  g_autofree char *font_name = NULL;

  g_object_get (settings, "gtk-font-name", &font_name, NULL);
  g_test_message ("font name %s", font_name);

  g_assert_true (pango_font_description_equal (pango_context_get_font_description (warmup),
                                               pango_context_get_font_description (gtk)));
  g_assert_cmpfloat (pango_cairo_context_get_resolution (warmup), ==, pango_cairo_context_get_resolution (gtk));
  g_assert_true (cairo_font_options_equal (pango_cairo_context_get_font_options (warmup),
                                           pango_cairo_context_get_font_options (gtk)));

  /* Two font maps, one cairo font (and one cache of glyphs) */
  for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
    {
      g_autoptr(PangoFont) ours = NULL;
      g_autoptr(PangoFont) theirs = NULL;

      g_assert_true (scaled_font_for (warmup, weights[i], &ours) == scaled_font_for (gtk, weights[i], &theirs));
    }

  g_object_unref (label);
  g_object_unref (warmup);
}

static void
test_same_fonts (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  static const struct {
    const char *font_name;
    int         dpi;
    int         antialias;
    int         hinting;
    const char *hint_style;
    const char *rgba;
    gboolean    hint_metrics;
  } cases[] = {
    { NULL, 0, -1, -1, NULL, NULL, FALSE },                 /* as the display has them */
    { "Sans 11", 96 * 1024, 1, 1, "hintslight", "none", FALSE },
    { "Serif Bold 13", 120 * 1024, 1, 1, "hintfull", "rgb", TRUE },
    { "Monospace 15px", 144 * 1024, 0, 0, "hintmedium", "bgr", FALSE },
    { "9", -1, 1, 1, "hintnone", "vrgb", TRUE },            /* a size with no family */
    { "Cantarell", -1, -1, 1, NULL, "vbgr", FALSE },        /* a family with no size */
  };

  if (!pm_font_warmup_applies ())
    {
      /* GTK 4.16+ picks the options itself: the warm-up does not run */
      g_test_skip ("GTK 4.16 and later choose the fonts' options themselves; the warm-up is off");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      reset_settings (settings);
      if (cases[i].font_name != NULL)
        g_object_set (settings,
                      "gtk-font-name", cases[i].font_name,
                      "gtk-xft-dpi", cases[i].dpi,
                      "gtk-xft-antialias", cases[i].antialias,
                      "gtk-xft-hinting", cases[i].hinting,
                      "gtk-xft-hintstyle", cases[i].hint_style,
                      "gtk-xft-rgba", cases[i].rgba,
                      "gtk-hint-font-metrics", cases[i].hint_metrics,
                      NULL);
      assert_same_fonts (settings);
    }
  reset_settings (settings);
}

static gpointer
run_warmup (gpointer data)
{
  pm_font_warmup_run (data);
  return NULL;
}

/* A label laid out while the warm-up runs measures what it measures
 * without one: the shared caches change when the work is done, not what
 * it gives. */
static void
test_run_alongside (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  const char *text = "Allow office \u2014 10.0.0.0/8 \u2192 \u201cProduction\u201d\u2026";
  PangoContext *warmup;
  GtkWidget *label;
  GThread *thread;
  PangoRectangle during, after;

  if (!pm_font_warmup_applies ())
    {
      g_test_skip ("GTK 4.16 and later choose the fonts' options themselves; the warm-up is off");
      return;
    }

  /* A size no other test shows: its fonts are new to cairo */
  reset_settings (settings);
  g_object_set (settings, "gtk-font-name", "Sans 17", NULL);
  warmup = pm_font_warmup_new_context (gdk_display_get_default ());
  label = g_object_ref_sink (gtk_label_new (text));

  thread = g_thread_new ("font-warmup", run_warmup, warmup);
  for (int i = 0; i < 20; i++)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (label, text);

      pango_layout_get_extents (layout, NULL, &during);
    }
  g_thread_join (thread);

  {
    g_autoptr(PangoLayout) layout = pango_layout_new (warmup);

    pango_layout_set_text (layout, text, -1);
    pango_layout_get_extents (layout, NULL, &after);
  }
  g_assert_cmpint (during.width, ==, after.width);
  g_assert_cmpint (during.height, ==, after.height);
  g_assert_cmpint (during.width, >, 0);

  g_object_unref (label);
  g_object_unref (warmup);
  reset_settings (settings);
}

/* Before gtk_init() the warm-up touches nothing of GDK: GTK 4.18 aborts
 * when gdk_display_manager_get() is called then. The manager is made the
 * first time anything asks for a display, so its class is still unused
 * here. Checked before GTK starts, in main(). */
static gboolean gdk_untouched_before_init;

static void
test_before_init (void)
{
  g_assert_true (gdk_untouched_before_init);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  pm_font_warmup_start ();
  gdk_untouched_before_init = g_type_class_peek (GDK_TYPE_DISPLAY_MANAGER) == NULL;
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  g_test_add_func ("/font-warmup/before-init", test_before_init);
  g_test_add_func ("/font-warmup/same-fonts", test_same_fonts);
  g_test_add_func ("/font-warmup/run-alongside", test_run_alongside);
  return g_test_run ();
}
