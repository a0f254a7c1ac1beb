/* pm-entity-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-entity-store.h"
#include "pm-store-core.h"

struct _PmEntityStore
{
  GObject     parent_instance;
  PmStoreCore core;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PmEntityStore, pm_entity_store, G_TYPE_OBJECT,
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
entity_dup_key (gpointer item)
{
  return g_strdup (pm_entity_get_id (item));
}

static gboolean
entity_equal (gpointer a,
              gpointer b)
{
  return pm_entity_equal (a, b);
}

static const PmStoreCoreClass entity_core_class = {
  .dup_key = entity_dup_key,
  .equal = entity_equal,
  .list_async = pm_api_list_entities_async,
  .list_finish = pm_api_list_entities_finish,
};

static GType
get_item_type (GListModel *model)
{
  return PM_TYPE_ENTITY;
}

static guint
get_n_items (GListModel *model)
{
  return pm_store_core_get_n_items (&PM_ENTITY_STORE (model)->core);
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  return pm_store_core_get_item (&PM_ENTITY_STORE (model)->core, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
pm_entity_store_dispose (GObject *object)
{
  pm_store_core_dispose (&PM_ENTITY_STORE (object)->core);

  G_OBJECT_CLASS (pm_entity_store_parent_class)->dispose (object);
}

static void
pm_entity_store_finalize (GObject *object)
{
  pm_store_core_finalize (&PM_ENTITY_STORE (object)->core);

  G_OBJECT_CLASS (pm_entity_store_parent_class)->finalize (object);
}

static void
pm_entity_store_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  pm_store_core_get_property (&PM_ENTITY_STORE (object)->core, prop_id, value, pspec);
}

static void
pm_entity_store_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PmEntityStore *self = PM_ENTITY_STORE (object);

  switch (prop_id)
    {
    case PROP_API:
      pm_entity_store_set_api (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_entity_store_class_init (PmEntityStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pm_entity_store_dispose;
  object_class->finalize = pm_entity_store_finalize;
  object_class->get_property = pm_entity_store_get_property;
  object_class->set_property = pm_entity_store_set_property;

  pm_store_core_install_properties (object_class, properties);
}

static void
pm_entity_store_init (PmEntityStore *self)
{
  pm_store_core_init (&self->core, G_OBJECT (self), &entity_core_class,
                      properties[PROP_LOADING], properties[PROP_LOADED], properties[PROP_ERROR]);
}

PmEntityStore *
pm_entity_store_new (PmApi *api)
{
  g_return_val_if_fail (api == NULL || PM_IS_API (api), NULL);

  return g_object_new (PM_TYPE_ENTITY_STORE, "api", api, NULL);
}

PmApi *
pm_entity_store_get_api (PmEntityStore *self)
{
  g_return_val_if_fail (PM_IS_ENTITY_STORE (self), NULL);
  return self->core.api;
}

void
pm_entity_store_set_api (PmEntityStore *self,
                         PmApi         *api)
{
  g_return_if_fail (PM_IS_ENTITY_STORE (self));
  g_return_if_fail (api == NULL || PM_IS_API (api));

  if (self->core.api == api)
    return;
  pm_store_core_set_api (&self->core, api);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API]);
}

gboolean
pm_entity_store_get_loading (PmEntityStore *self)
{
  g_return_val_if_fail (PM_IS_ENTITY_STORE (self), FALSE);
  return self->core.loading;
}

gboolean
pm_entity_store_get_loaded (PmEntityStore *self)
{
  g_return_val_if_fail (PM_IS_ENTITY_STORE (self), FALSE);
  return self->core.loaded;
}

const GError *
pm_entity_store_get_error (PmEntityStore *self)
{
  g_return_val_if_fail (PM_IS_ENTITY_STORE (self), NULL);
  return self->core.error;
}

void
pm_entity_store_refresh_async (PmEntityStore       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (PM_IS_ENTITY_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  pm_store_core_refresh_async (&self->core, cancellable, callback, user_data);
}

gboolean
pm_entity_store_refresh_finish (PmEntityStore  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (PM_IS_ENTITY_STORE (self), FALSE);

  return pm_store_core_refresh_finish (&self->core, result, error);
}

guint
pm_entity_store_apply (PmEntityStore *self,
                       GPtrArray     *entities)
{
  g_return_val_if_fail (PM_IS_ENTITY_STORE (self), 0);
  g_return_val_if_fail (entities != NULL, 0);

  return pm_store_core_apply (&self->core, entities);
}

void
pm_entity_store_upsert (PmEntityStore *self,
                        PmEntity      *entity)
{
  g_return_if_fail (PM_IS_ENTITY_STORE (self));
  g_return_if_fail (PM_IS_ENTITY (entity));

  pm_store_core_upsert (&self->core, entity);
}

void
pm_entity_store_remove (PmEntityStore *self,
                        const char    *id)
{
  g_return_if_fail (PM_IS_ENTITY_STORE (self));
  g_return_if_fail (id != NULL);

  pm_store_core_remove (&self->core, id);
}

PmEntity *
pm_entity_store_lookup (PmEntityStore *self,
                        const char    *id)
{
  g_return_val_if_fail (PM_IS_ENTITY_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return pm_store_core_lookup (&self->core, id);
}

const char *
pm_entity_store_get_notice (PmEntityStore *self)
{
  g_return_val_if_fail (PM_IS_ENTITY_STORE (self), NULL);
  return self->core.notice;
}
