/* pm-claim-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-claim-store.h"
#include "pm-store-core.h"

struct _PmClaimStore
{
  GObject     parent_instance;
  PmStoreCore core;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PmClaimStore, pm_claim_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_API = PM_STORE_CORE_PROP_API,
  PROP_LOADING = PM_STORE_CORE_PROP_LOADING,
  PROP_LOADED = PM_STORE_CORE_PROP_LOADED,
  PROP_ERROR = PM_STORE_CORE_PROP_ERROR,
  N_PROPS = PM_STORE_CORE_N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
claim_dup_key (gpointer item)
{
  return pm_claim_store_dup_key (item);
}

static gboolean
claim_equal (gpointer a,
             gpointer b)
{
  return pm_link_claim_equal (a, b);
}

/* Only Hosted has claims: elsewhere a refresh loads an empty list. */
static void
claim_list_async (PmApi               *api,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  if (!pm_api_supports_claims (api))
    {
      g_autoptr(GTask) task = g_task_new (api, cancellable, callback, user_data);

      g_task_set_source_tag (task, claim_list_async);
      g_task_return_pointer (task, g_ptr_array_new_with_free_func (g_object_unref),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  pm_api_list_claims_async (api, NULL, cancellable, callback, user_data);
}

static GPtrArray *
claim_list_finish (PmApi         *api,
                   GAsyncResult  *result,
                   GError       **error)
{
  if (g_task_is_valid (result, api) && g_task_get_source_tag (G_TASK (result)) == claim_list_async)
    return g_task_propagate_pointer (G_TASK (result), error);
  return pm_api_list_claims_finish (api, result, error);
}

static const PmStoreCoreClass claim_core_class = {
  .dup_key = claim_dup_key,
  .equal = claim_equal,
  .list_async = claim_list_async,
  .list_finish = claim_list_finish,
};

static GType
get_item_type (GListModel *model)
{
  return PM_TYPE_LINK_CLAIM;
}

static guint
get_n_items (GListModel *model)
{
  return pm_store_core_get_n_items (&PM_CLAIM_STORE (model)->core);
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  return pm_store_core_get_item (&PM_CLAIM_STORE (model)->core, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
pm_claim_store_dispose (GObject *object)
{
  pm_store_core_dispose (&PM_CLAIM_STORE (object)->core);

  G_OBJECT_CLASS (pm_claim_store_parent_class)->dispose (object);
}

static void
pm_claim_store_finalize (GObject *object)
{
  pm_store_core_finalize (&PM_CLAIM_STORE (object)->core);

  G_OBJECT_CLASS (pm_claim_store_parent_class)->finalize (object);
}

static void
pm_claim_store_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  pm_store_core_get_property (&PM_CLAIM_STORE (object)->core, prop_id, value, pspec);
}

static void
pm_claim_store_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PmClaimStore *self = PM_CLAIM_STORE (object);

  switch (prop_id)
    {
    case PROP_API:
      pm_claim_store_set_api (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_claim_store_class_init (PmClaimStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pm_claim_store_dispose;
  object_class->finalize = pm_claim_store_finalize;
  object_class->get_property = pm_claim_store_get_property;
  object_class->set_property = pm_claim_store_set_property;

  pm_store_core_install_properties (object_class, properties);
}

static void
pm_claim_store_init (PmClaimStore *self)
{
  pm_store_core_init (&self->core, G_OBJECT (self), &claim_core_class,
                      properties[PROP_LOADING], properties[PROP_LOADED], properties[PROP_ERROR]);
}

PmClaimStore *
pm_claim_store_new (PmApi *api)
{
  g_return_val_if_fail (api == NULL || PM_IS_API (api), NULL);

  return g_object_new (PM_TYPE_CLAIM_STORE, "api", api, NULL);
}

PmApi *
pm_claim_store_get_api (PmClaimStore *self)
{
  g_return_val_if_fail (PM_IS_CLAIM_STORE (self), NULL);
  return self->core.api;
}

void
pm_claim_store_set_api (PmClaimStore *self,
                        PmApi        *api)
{
  g_return_if_fail (PM_IS_CLAIM_STORE (self));
  g_return_if_fail (api == NULL || PM_IS_API (api));

  if (self->core.api == api)
    return;
  pm_store_core_set_api (&self->core, api);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API]);
}

gboolean
pm_claim_store_get_loading (PmClaimStore *self)
{
  g_return_val_if_fail (PM_IS_CLAIM_STORE (self), FALSE);
  return self->core.loading;
}

gboolean
pm_claim_store_get_loaded (PmClaimStore *self)
{
  g_return_val_if_fail (PM_IS_CLAIM_STORE (self), FALSE);
  return self->core.loaded;
}

const GError *
pm_claim_store_get_error (PmClaimStore *self)
{
  g_return_val_if_fail (PM_IS_CLAIM_STORE (self), NULL);
  return self->core.error;
}

void
pm_claim_store_refresh_async (PmClaimStore        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (PM_IS_CLAIM_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  pm_store_core_refresh_async (&self->core, cancellable, callback, user_data);
}

gboolean
pm_claim_store_refresh_finish (PmClaimStore  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (PM_IS_CLAIM_STORE (self), FALSE);

  return pm_store_core_refresh_finish (&self->core, result, error);
}

guint
pm_claim_store_apply (PmClaimStore *self,
                      GPtrArray    *claims)
{
  g_return_val_if_fail (PM_IS_CLAIM_STORE (self), 0);
  g_return_val_if_fail (claims != NULL, 0);

  return pm_store_core_apply (&self->core, claims);
}

void
pm_claim_store_upsert (PmClaimStore *self,
                       PmLinkClaim  *claim)
{
  g_return_if_fail (PM_IS_CLAIM_STORE (self));
  g_return_if_fail (PM_IS_LINK_CLAIM (claim));

  pm_store_core_upsert (&self->core, claim);
}

void
pm_claim_store_remove (PmClaimStore *self,
                       const char   *id)
{
  g_return_if_fail (PM_IS_CLAIM_STORE (self));
  g_return_if_fail (id != NULL);

  pm_store_core_remove (&self->core, id);
}

PmLinkClaim *
pm_claim_store_lookup (PmClaimStore *self,
                       const char   *id)
{
  g_return_val_if_fail (PM_IS_CLAIM_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return pm_store_core_lookup (&self->core, id);
}

/* "REGION/DISPLAY-ID": what lookup () and remove () take for a claim. */
char *
pm_claim_store_dup_key (PmLinkClaim *claim)
{
  g_autofree char *display_id = NULL;

  g_return_val_if_fail (PM_IS_LINK_CLAIM (claim), NULL);

  display_id = pm_link_claim_dup_display_id (claim);
  if (display_id == NULL)
    return NULL;
  return g_strdup_printf ("%s/%s", pm_link_claim_get_region (claim) ? pm_link_claim_get_region (claim) : "",
                          display_id);
}

const char *
pm_claim_store_get_notice (PmClaimStore *self)
{
  g_return_val_if_fail (PM_IS_CLAIM_STORE (self), NULL);
  return self->core.notice;
}
