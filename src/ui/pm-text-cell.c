/* pm-text-cell.c: one line of text in a list's cell, cheap to build and rebind
 *
 * A GtkLabel lays its text out to be measured: a column view measures every
 * row it keeps (GTK 4.8 keeps about 200), so each label of a new row was
 * shaped when it was built, although only the rows on screen are drawn.
 * When a search replaced most rows, that shaping was half of what the
 * keystroke cost. A text cell is measured without its text: one line of
 * its font high, a set number of characters wide (by the font's average
 * character), or as wide as the widest of its column's texts where the
 * column has a known few (PmTextCellFit: laid out once for all its cells).
 * It lays its own text out only when it is drawn, ellipsized to the width
 * it is given.
 *
 * GtkInscription (GTK 4.8) has the same idea, but asks Pango for the font's
 * metrics at every measure, which shapes a sample text each time: the
 * metrics here are computed once per font.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-text-cell.h"

struct _PmTextCell
{
  GtkWidget    parent_instance;

  char        *text;
  guint        width_chars;
  float        xalign;
  PangoLayout *layout;  /* made when first drawn */
  PmTextCellFit *fit;   /* nullable */
};

G_DEFINE_FINAL_TYPE (PmTextCell, pm_text_cell, GTK_TYPE_WIDGET)

struct _PmTextCellFit
{
  GObject               parent_instance;

  GStrv                 texts;
  /* The widest text's width, in Pango units, in the font it was last laid
   * out in (NULL: to be laid out): every cell of a column has its list's. */
  PangoFontDescription *font;
  double                resolution;
  int                   width;
};

G_DEFINE_FINAL_TYPE (PmTextCellFit, pm_text_cell_fit, G_TYPE_OBJECT)

static guint fit_changed_signal;

static void
pm_text_cell_fit_finalize (GObject *object)
{
  PmTextCellFit *self = PM_TEXT_CELL_FIT (object);

  g_strfreev (self->texts);
  g_clear_pointer (&self->font, pango_font_description_free);
  G_OBJECT_CLASS (pm_text_cell_fit_parent_class)->finalize (object);
}

static void
pm_text_cell_fit_class_init (PmTextCellFitClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pm_text_cell_fit_finalize;
  /* The texts changed: the cells are measured again. */
  fit_changed_signal = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pm_text_cell_fit_init (PmTextCellFit *self)
{
}

PmTextCellFit *
pm_text_cell_fit_new (void)
{
  return g_object_new (PM_TYPE_TEXT_CELL_FIT, NULL);
}

void
pm_text_cell_fit_set_texts (PmTextCellFit      *self,
                            const char * const *texts)
{
  g_return_if_fail (PM_IS_TEXT_CELL_FIT (self));

  if (texts != NULL && self->texts != NULL && g_strv_equal (texts, (const char * const *) self->texts))
    return;
  g_strfreev (self->texts);
  self->texts = g_strdupv ((char **) texts);
  g_clear_pointer (&self->font, pango_font_description_free);
  g_signal_emit (self, fit_changed_signal, 0);
}

/* The widest text's width in @context's font, in Pango units. */
static int
fit_get_width (PmTextCellFit *self,
               PangoContext  *context)
{
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double resolution = pango_cairo_context_get_resolution (context);
  g_autoptr(PangoLayout) layout = NULL;

  if (self->font != NULL && self->resolution == resolution && pango_font_description_equal (self->font, font))
    return self->width;

  self->width = 0;
  layout = pango_layout_new (context);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  for (guint i = 0; self->texts != NULL && self->texts[i] != NULL; i++)
    {
      int width;

      pango_layout_set_text (layout, self->texts[i], -1);
      pango_layout_get_size (layout, &width, NULL);
      self->width = MAX (self->width, width);
    }
  g_clear_pointer (&self->font, pango_font_description_free);
  self->font = pango_font_description_copy (font);
  self->resolution = resolution;
  return self->width;
}

/* Font metrics, in Pango units, by font (and resolution): every cell of a
 * list shares a handful of fonts. */
typedef struct
{
  double resolution;
  int    ascent;
  int    descent;
  int    char_width;
} CellMetrics;

static GHashTable *metrics_cache;

/* A widget's Pango context is made for it when first asked for: measured
 * in its list's context, a cell that is never drawn never needs one (the
 * theme gives cells their list's font). */
static PangoContext *
get_measuring_context (PmTextCell *self)
{
  GtkWidget *list = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_COLUMN_VIEW);

  return gtk_widget_get_pango_context (list != NULL ? list : GTK_WIDGET (self));
}

static const CellMetrics *
get_metrics (PangoContext *context)
{
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double resolution = pango_cairo_context_get_resolution (context);
  CellMetrics *metrics;
  PangoFontMetrics *pango_metrics;

  if (metrics_cache == NULL)
    metrics_cache = g_hash_table_new_full ((GHashFunc) pango_font_description_hash,
                                           (GEqualFunc) pango_font_description_equal,
                                           (GDestroyNotify) pango_font_description_free, g_free);
  metrics = g_hash_table_lookup (metrics_cache, font);
  if (metrics != NULL && metrics->resolution == resolution)
    return metrics;

  pango_metrics = pango_context_get_metrics (context, font, pango_context_get_language (context));
  metrics = g_new (CellMetrics, 1);
  metrics->resolution = resolution;
  metrics->ascent = pango_font_metrics_get_ascent (pango_metrics);
  metrics->descent = pango_font_metrics_get_descent (pango_metrics);
  metrics->char_width = pango_font_metrics_get_approximate_char_width (pango_metrics);
  pango_font_metrics_unref (pango_metrics);
  g_hash_table_replace (metrics_cache, pango_font_description_copy (font), metrics);
  return metrics;
}

static void
pm_text_cell_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  PmTextCell *self = PM_TEXT_CELL (widget);
  PangoContext *context = get_measuring_context (self);
  const CellMetrics *metrics = get_metrics (context);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int width = MAX (self->width_chars, 1) * metrics->char_width;

      if (self->fit != NULL)
        width = MAX (width, fit_get_width (self->fit, context));
      /* At least room for the ellipsis. */
      *minimum = PANGO_PIXELS_CEIL (metrics->char_width);
      *natural = PANGO_PIXELS_CEIL (width);
    }
  else
    {
      *minimum = *natural = PANGO_PIXELS_CEIL (metrics->ascent + metrics->descent);
      *minimum_baseline = *natural_baseline = PANGO_PIXELS_CEIL (metrics->ascent);
    }
}

static void
pm_text_cell_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  PmTextCell *self = PM_TEXT_CELL (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  float xalign = self->xalign;
  PangoRectangle logical;
  GdkRGBA color;

  if (self->text == NULL || *self->text == '\0' || width <= 0)
    return;

  if (self->layout == NULL)
    {
      self->layout = gtk_widget_create_pango_layout (widget, self->text);
      pango_layout_set_ellipsize (self->layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (self->layout, TRUE);
    }
  pango_layout_set_width (self->layout, width * PANGO_SCALE);
  pango_layout_get_pixel_extents (self->layout, NULL, &logical);

  if (gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL)
    xalign = 1.0f - xalign;
  gtk_widget_get_color (widget, &color);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (floorf (xalign * (width - logical.width)) - logical.x,
                                                          floorf ((height - logical.height) / 2.0f) - logical.y));
  gtk_snapshot_append_layout (snapshot, self->layout, &color);
  gtk_snapshot_restore (snapshot);
}

/* The interface font or its rendering changed: measured and laid out
 * again (a change of the widget's CSS font queues that by itself). */
static void
pm_text_cell_system_setting_changed (GtkWidget        *widget,
                                     GtkSystemSetting  setting)
{
  PmTextCell *self = PM_TEXT_CELL (widget);

  GTK_WIDGET_CLASS (pm_text_cell_parent_class)->system_setting_changed (widget, setting);
  if (setting == GTK_SYSTEM_SETTING_FONT_NAME || setting == GTK_SYSTEM_SETTING_FONT_CONFIG
      || setting == GTK_SYSTEM_SETTING_DPI)
    {
      g_clear_object (&self->layout);
      gtk_widget_queue_resize (widget);
    }
}

static void
pm_text_cell_dispose (GObject *object)
{
  PmTextCell *self = PM_TEXT_CELL (object);

  g_clear_object (&self->layout);
  pm_text_cell_set_fit (self, NULL);
  G_OBJECT_CLASS (pm_text_cell_parent_class)->dispose (object);
}

static void
pm_text_cell_finalize (GObject *object)
{
  PmTextCell *self = PM_TEXT_CELL (object);

  g_free (self->text);
  G_OBJECT_CLASS (pm_text_cell_parent_class)->finalize (object);
}

static void
pm_text_cell_class_init (PmTextCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_text_cell_dispose;
  object_class->finalize = pm_text_cell_finalize;
  widget_class->measure = pm_text_cell_measure;
  widget_class->snapshot = pm_text_cell_snapshot;
  widget_class->system_setting_changed = pm_text_cell_system_setting_changed;

  /* Styled as a label (the theme's colours, .numeric, .dim-label), and
   * read as one. */
  gtk_widget_class_set_css_name (widget_class, "label");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
pm_text_cell_init (PmTextCell *self)
{
}

/* A cell @width_chars characters wide at its natural size (its text may be
 * longer: it is ellipsized), its text aligned by @xalign (0 start, 1 end). */
GtkWidget *
pm_text_cell_new (guint width_chars,
                  float xalign)
{
  PmTextCell *self = g_object_new (PM_TYPE_TEXT_CELL, NULL);

  self->width_chars = width_chars;
  self->xalign = CLAMP (xalign, 0.0f, 1.0f);
  return GTK_WIDGET (self);
}

/* The cell asks for room for the widest of @fit's texts too (NULL: for
 * its characters only). */
void
pm_text_cell_set_fit (PmTextCell    *self,
                      PmTextCellFit *fit)
{
  g_return_if_fail (PM_IS_TEXT_CELL (self));
  g_return_if_fail (fit == NULL || PM_IS_TEXT_CELL_FIT (fit));

  if (self->fit == fit)
    return;
  if (self->fit != NULL)
    g_signal_handlers_disconnect_by_data (self->fit, self);
  g_set_object (&self->fit, fit);
  if (fit != NULL)
    g_signal_connect_swapped (fit, "changed", G_CALLBACK (gtk_widget_queue_resize), self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const char *
pm_text_cell_get_text (PmTextCell *self)
{
  g_return_val_if_fail (PM_IS_TEXT_CELL (self), NULL);
  return self->text ? self->text : "";
}

void
pm_text_cell_set_text (PmTextCell *self,
                       const char *text)
{
  g_return_if_fail (PM_IS_TEXT_CELL (self));

  if (text == NULL)
    text = "";
  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  if (self->layout != NULL)
    pango_layout_set_text (self->layout, text, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  /* The size does not depend on the text: a redraw is enough. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
