/* pm-store-status-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-error-text.h"
#include "pm-store-status-page.h"

struct _PmStoreStatusPage
{
  AdwBin          parent_instance;

  AdwStatusPage  *status;
  GtkSpinner     *spinner;
  GtkButton      *retry_button;

  GListModel     *store;
  char           *icon_name;
  PmStoreSummaryFunc summarize;
};

G_DEFINE_FINAL_TYPE (PmStoreStatusPage, pm_store_status_page, ADW_TYPE_BIN)

static void
update (PmStoreStatusPage *self)
{
  gboolean loading = FALSE, loaded = FALSE;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint n;

  if (self->store == NULL)
    return;

  g_object_get (self->store, "loading", &loading, "loaded", &loaded, "error", &error, NULL);
  n = g_list_model_get_n_items (self->store);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), loading);
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), error != NULL && !loading);

  if (error != NULL && !loading)
    {
      adw_status_page_set_icon_name (self->status, "network-error-symbolic");
      text = pm_error_text_describe (error);
    }
  else
    {
      adw_status_page_set_icon_name (self->status, self->icon_name);
      if (loading && !loaded)
        text = g_strdup (_("Loading…"));
      else if (self->summarize != NULL)
        text = self->summarize (n);
    }
  adw_status_page_set_description (self->status, text);
}

static void
pm_store_status_page_dispose (GObject *object)
{
  PmStoreStatusPage *self = PM_STORE_STATUS_PAGE (object);

  pm_store_status_page_set_store (self, NULL);
  /* AdwBin holds its child too: let go through it first. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PM_TYPE_STORE_STATUS_PAGE);

  G_OBJECT_CLASS (pm_store_status_page_parent_class)->dispose (object);
}

static void
pm_store_status_page_finalize (GObject *object)
{
  PmStoreStatusPage *self = PM_STORE_STATUS_PAGE (object);

  g_free (self->icon_name);
  G_OBJECT_CLASS (pm_store_status_page_parent_class)->finalize (object);
}

static void
pm_store_status_page_class_init (PmStoreStatusPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pm_store_status_page_dispose;
  object_class->finalize = pm_store_status_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, PM_RESOURCE_PREFIX "/pm-store-status-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PmStoreStatusPage, status);
  gtk_widget_class_bind_template_child (widget_class, PmStoreStatusPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, PmStoreStatusPage, retry_button);
}

static void
pm_store_status_page_init (PmStoreStatusPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
pm_store_status_page_new (const char *icon_name,
                          const char *title)
{
  PmStoreStatusPage *self = g_object_new (PM_TYPE_STORE_STATUS_PAGE, NULL);

  self->icon_name = g_strdup (icon_name);
  adw_status_page_set_icon_name (self->status, icon_name);
  adw_status_page_set_title (self->status, title);
  return GTK_WIDGET (self);
}

void
pm_store_status_page_set_store (PmStoreStatusPage *self,
                                GListModel        *store)
{
  g_return_if_fail (PM_IS_STORE_STATUS_PAGE (self));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);

  if (store != NULL)
    {
      g_signal_connect_swapped (store, "notify::loading", G_CALLBACK (update), self);
      g_signal_connect_swapped (store, "notify::error", G_CALLBACK (update), self);
      g_signal_connect_swapped (store, "items-changed", G_CALLBACK (update), self);
      update (self);
    }
}

void
pm_store_status_page_set_summary (PmStoreStatusPage  *self,
                                  PmStoreSummaryFunc  summarize)
{
  g_return_if_fail (PM_IS_STORE_STATUS_PAGE (self));

  self->summarize = summarize;
  update (self);
}

void
pm_store_status_page_set_fixed (PmStoreStatusPage *self,
                                const char        *description)
{
  g_return_if_fail (PM_IS_STORE_STATUS_PAGE (self));

  pm_store_status_page_set_store (self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button), FALSE);
  adw_status_page_set_icon_name (self->status, self->icon_name);
  adw_status_page_set_description (self->status, description);
}

const char *
pm_store_status_page_get_description (PmStoreStatusPage *self)
{
  g_return_val_if_fail (PM_IS_STORE_STATUS_PAGE (self), NULL);

  return adw_status_page_get_description (self->status);
}
