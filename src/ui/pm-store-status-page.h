/* pm-store-status-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PM_TYPE_STORE_STATUS_PAGE (pm_store_status_page_get_type ())
G_DECLARE_FINAL_TYPE (PmStoreStatusPage, pm_store_status_page, PM, STORE_STATUS_PAGE, AdwBin)

/* A status page that follows one store (any GListModel with the stores'
 * "loading", "loaded" and "error" properties): a spinner while it loads,
 * the error in words with Retry (win.refresh) when it failed, and a summary
 * once loaded. Used for the sections whose full pages are not in this build,
 * and for flavours where a section does not apply. */

GtkWidget  *pm_store_status_page_new             (const char *icon_name,
                                                  const char *title);
void        pm_store_status_page_set_store       (PmStoreStatusPage *self,
                                                  GListModel        *store);
/* The loaded summary for n items (a new string; n may be 0). */
typedef char *(*PmStoreSummaryFunc) (guint n);
void        pm_store_status_page_set_summary     (PmStoreStatusPage  *self,
                                                  PmStoreSummaryFunc  summarize);
/* A fixed explanation instead of following a store (e.g. "not available
 * for this flavour"). */
void        pm_store_status_page_set_fixed       (PmStoreStatusPage *self,
                                                  const char        *description);
const char *pm_store_status_page_get_description (PmStoreStatusPage *self);

G_END_DECLS
