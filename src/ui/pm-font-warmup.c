/* pm-font-warmup.c: the interface font, ready before the first frame
 *
 * The first frame lays out and draws the window's text, and the first time
 * a font shows a glyph FreeType loads and hints it and cairo renders it:
 * a good part of what start-up costs beyond a bare window
 * (docs/benchmark-history.md). Once GTK has opened the display (the
 * application's startup), while the theme is loaded and the window built,
 * a worker thread lays out and draws the characters of our strings in the
 * interface font, regular and bold, with the options GTK gives its
 * widgets. Cairo's fonts and their glyphs are shared by every thread, so
 * the window's labels find them made.
 *
 * The font and its options are worked out from the display's GtkSettings
 * the way GTK's styles do it (gtksettings.c, gtkcssstyle.c in GTK 4.8).
 * tests/test-font-warmup.c checks that a label's fonts are the very cairo
 * fonts the warm-up made, under several settings: were a GTK to change its
 * rules, the warm-up would be wasted work, and that test would say so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>

#include "pm-font-warmup.h"

/* Printable ASCII and the other characters our strings use */
static const char sample_text[] =
  " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
  "abcdefghijklmnopqrstuvwxyz{|}~\u201c\u201d\u2018\u2019\u2014\u2013\u2026\u00b7\u2192\u2022";

static cairo_hint_style_t
hint_style_for (int         hinting,
                const char *name)
{
  static const struct {
    const char         *name;
    cairo_hint_style_t  style;
  } styles[] = {
    { "hintnone", CAIRO_HINT_STYLE_NONE },
    { "hintslight", CAIRO_HINT_STYLE_SLIGHT },
    { "hintmedium", CAIRO_HINT_STYLE_MEDIUM },
    { "hintfull", CAIRO_HINT_STYLE_FULL },
  };

  if (hinting == 0)
    return CAIRO_HINT_STYLE_NONE;
  if (hinting == 1 && name != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
      if (g_str_equal (name, styles[i].name))
        return styles[i].style;
  return CAIRO_HINT_STYLE_DEFAULT;
}

static cairo_subpixel_order_t
subpixel_order_for (const char *name)
{
  static const struct {
    const char             *name;
    cairo_subpixel_order_t  order;
  } orders[] = {
    { "rgb", CAIRO_SUBPIXEL_ORDER_RGB },
    { "bgr", CAIRO_SUBPIXEL_ORDER_BGR },
    { "vrgb", CAIRO_SUBPIXEL_ORDER_VRGB },
    { "vbgr", CAIRO_SUBPIXEL_ORDER_VBGR },
  };

  if (name != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
      if (g_str_equal (name, orders[i].name))
        return orders[i].order;
  return CAIRO_SUBPIXEL_ORDER_DEFAULT;
}

/* What gtk_settings_get_font_options() (private to GTK) holds */
static cairo_font_options_t *
font_options_for (GtkSettings *settings)
{
  cairo_font_options_t *options = cairo_font_options_create ();
  g_autofree char *hint_style = NULL;
  g_autofree char *rgba = NULL;
  cairo_subpixel_order_t order;
  gboolean hint_metrics;
  int antialias;
  int hinting;

  g_object_get (settings,
                "gtk-xft-antialias", &antialias,
                "gtk-xft-hinting", &hinting,
                "gtk-xft-hintstyle", &hint_style,
                "gtk-xft-rgba", &rgba,
                "gtk-hint-font-metrics", &hint_metrics,
                NULL);

  order = subpixel_order_for (rgba);
  cairo_font_options_set_hint_metrics (options, hint_metrics ? CAIRO_HINT_METRICS_ON : CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, hint_style_for (hinting, hint_style));
  cairo_font_options_set_subpixel_order (options, order);
  if (antialias == 0)
    cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_NONE);
  else if (antialias == 1)
    cairo_font_options_set_antialias (options, order != CAIRO_SUBPIXEL_ORDER_DEFAULT
                                               ? CAIRO_ANTIALIAS_SUBPIXEL : CAIRO_ANTIALIAS_GRAY);
  return options;
}

/**
 * pm_font_warmup_new_context:
 * @display: a display GTK has opened
 *
 * A Pango context on a font map of its own, for any one thread, set up as
 * GTK sets up a label's on @display: the interface font at its size in
 * pixels (GTK's styles take only its family and size from the setting),
 * the display's resolution and font options.
 */
PangoContext *
pm_font_warmup_new_context (GdkDisplay *display)
{
  GtkSettings *settings = gtk_settings_get_for_display (display);
  g_autoptr(PangoFontMap) font_map = pango_cairo_font_map_new ();
  PangoContext *context = pango_font_map_create_context (font_map);
  g_autofree char *font_name = NULL;
  PangoFontDescription *named;
  PangoFontDescription *font;
  cairo_font_options_t *options;
  double dpi;
  double px;
  int xft_dpi;

  g_object_get (settings, "gtk-font-name", &font_name, "gtk-xft-dpi", &xft_dpi, NULL);
  dpi = xft_dpi > 0 ? xft_dpi / 1024.0 : 96.0;
  named = pango_font_description_from_string (font_name != NULL ? font_name : "");
  font = pango_font_description_new ();

  if (pango_font_description_get_set_fields (named) & PANGO_FONT_MASK_FAMILY)
    pango_font_description_set_family (font, pango_font_description_get_family (named));
  else
    pango_font_description_set_family (font, "Sans");
  if (!(pango_font_description_get_set_fields (named) & PANGO_FONT_MASK_SIZE))
    px = 10.0 * dpi / 72.0;  /* GTK's size when the setting names none: 10 pt */
  else if (pango_font_description_get_size_is_absolute (named))
    px = (double) pango_font_description_get_size (named) / PANGO_SCALE;
  else
    px = (double) pango_font_description_get_size (named) / PANGO_SCALE * dpi / 72.0;
  pango_font_description_set_absolute_size (font, round (px * PANGO_SCALE));

  pango_context_set_font_description (context, font);
  pango_cairo_context_set_resolution (context, dpi);
  options = font_options_for (settings);
  pango_cairo_context_set_font_options (context, options);

  cairo_font_options_destroy (options);
  pango_font_description_free (font);
  pango_font_description_free (named);
  return context;
}

/**
 * pm_font_warmup_run:
 * @context: from pm_font_warmup_new_context(), used by no other thread
 *
 * Lays out and draws our characters in @context's font, regular and bold:
 * their metrics for the layouts, their images for the drawing (into an
 * image surface, as GTK's software renderer and its glyph caches draw).
 */
void
pm_font_warmup_run (PangoContext *context)
{
  static const PangoWeight weights[] = { PANGO_WEIGHT_NORMAL, PANGO_WEIGHT_BOLD };

  for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
    {
      g_autoptr(PangoLayout) layout = pango_layout_new (context);
      PangoFontDescription *font = pango_font_description_copy (pango_context_get_font_description (context));
      cairo_surface_t *surface;
      cairo_t *cr;
      int width, height;

      pango_font_description_set_weight (font, weights[i]);
      pango_layout_set_font_description (layout, font);
      pango_font_description_free (font);
      pango_layout_set_text (layout, sample_text, -1);
      pango_layout_get_pixel_size (layout, &width, &height);

      /* Cairo renders only the glyphs that fall on the surface */
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width + 1, height + 1);
      cr = cairo_create (surface);
      pango_cairo_show_layout (cr, layout);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
}

static void
warm_up (GTask        *task,
         gpointer      source_object,
         gpointer      task_data,
         GCancellable *cancellable)
{
  pm_font_warmup_run (task_data);
  /* Freed here: the font map's caches, freed where the task ends (the main
   * thread), took 0.3 ms there just before the window was presented. The
   * fonts stay in cairo's cache for the main thread's. */
  g_object_unref (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
start_on (GdkDisplay *display)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  /* The thread owns the context: see warm_up (). */
  g_task_set_task_data (task, pm_font_warmup_new_context (display), NULL);
  g_task_run_in_thread (task, warm_up);
}

/**
 * pm_font_warmup_start:
 *
 * Prepares the interface font in a worker thread, on the display GTK has
 * opened, while the theme is loaded and the first window built. Does
 * nothing before GTK is initialized: GDK may not be touched then (GTK 4.18
 * aborts in gdk_display_manager_get(): "was called before gtk_init()"),
 * so the application's startup calls gtk_init () first.
 *
 * Nor on GTK 4.16 and later, which chooses the fonts' options itself
 * ("gtk-font-rendering", automatic by default: on 4.18.6 grayscale, slight
 * hinting and unhinted metrics whatever GtkSettings' Xft values say): the
 * fonts made here would not be the labels', and the warm-up would be work
 * for nothing (tests/test-font-warmup.c). Whether following 4.16's rules
 * would pay there is not measured yet (docs/performance.md).
 */
gboolean
pm_font_warmup_applies (void)
{
  return gtk_get_major_version () == 4 && gtk_get_minor_version () < 16;
}

void
pm_font_warmup_start (void)
{
  GdkDisplay *display;

  if (!gtk_is_initialized () || !pm_font_warmup_applies ())
    return;
  display = gdk_display_get_default ();
  if (display != NULL)
    start_on (display);
}
