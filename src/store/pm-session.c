/* pm-session.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-session.h"

struct _PmSession
{
  GObject        parent_instance;

  PmApi         *api;
  char          *title;
  gboolean       is_sandbox;
  PmPolicyStore *policies;
  PmEntityStore *entities;
  PmClaimStore  *claims;
  GCancellable  *cancellable;
  gboolean       busy;
};

G_DEFINE_FINAL_TYPE (PmSession, pm_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_API,
  PROP_FLAVOUR,
  PROP_TITLE,
  PROP_IS_SANDBOX,
  PROP_POLICIES,
  PROP_ENTITIES,
  PROP_CLAIMS,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_store_loading_changed (PmSession *self)
{
  gboolean busy = pm_session_get_busy (self);

  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
pm_session_constructed (GObject *object)
{
  PmSession *self = PM_SESSION (object);

  G_OBJECT_CLASS (pm_session_parent_class)->constructed (object);

  g_return_if_fail (PM_IS_API (self->api));

  self->policies = pm_policy_store_new (self->api);
  self->entities = pm_entity_store_new (self->api);
  self->claims = pm_claim_store_new (self->api);

  g_signal_connect_object (self->policies, "notify::loading",
                           G_CALLBACK (on_store_loading_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->entities, "notify::loading",
                           G_CALLBACK (on_store_loading_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->claims, "notify::loading",
                           G_CALLBACK (on_store_loading_changed), self, G_CONNECT_SWAPPED);
}

static void
pm_session_dispose (GObject *object)
{
  PmSession *self = PM_SESSION (object);

  pm_session_shutdown (self);
  g_clear_object (&self->policies);
  g_clear_object (&self->entities);
  g_clear_object (&self->claims);
  g_clear_object (&self->api);

  G_OBJECT_CLASS (pm_session_parent_class)->dispose (object);
}

static void
pm_session_finalize (GObject *object)
{
  PmSession *self = PM_SESSION (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (pm_session_parent_class)->finalize (object);
}

static void
pm_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PmSession *self = PM_SESSION (object);

  switch (prop_id)
    {
    case PROP_API:
      g_value_set_object (value, self->api);
      break;
    case PROP_FLAVOUR:
      g_value_set_int (value, pm_session_get_flavour (self));
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_IS_SANDBOX:
      g_value_set_boolean (value, self->is_sandbox);
      break;
    case PROP_POLICIES:
      g_value_set_object (value, self->policies);
      break;
    case PROP_ENTITIES:
      g_value_set_object (value, self->entities);
      break;
    case PROP_CLAIMS:
      g_value_set_object (value, self->claims);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, pm_session_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_session_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  PmSession *self = PM_SESSION (object);

  switch (prop_id)
    {
    case PROP_API:
      self->api = g_value_dup_object (value);
      break;
    case PROP_TITLE:
      self->title = g_value_dup_string (value);
      break;
    case PROP_IS_SANDBOX:
      self->is_sandbox = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_session_class_init (PmSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = pm_session_constructed;
  object_class->dispose = pm_session_dispose;
  object_class->finalize = pm_session_finalize;
  object_class->get_property = pm_session_get_property;
  object_class->set_property = pm_session_set_property;

  properties[PROP_API] =
    g_param_spec_object ("api", NULL, NULL, PM_TYPE_API,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* PmFlavour as an int: the GEnum type lives in the model's generated code. */
  properties[PROP_FLAVOUR] =
    g_param_spec_int ("flavour", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_SANDBOX] =
    g_param_spec_boolean ("is-sandbox", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POLICIES] =
    g_param_spec_object ("policies", NULL, NULL, PM_TYPE_POLICY_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENTITIES] =
    g_param_spec_object ("entities", NULL, NULL, PM_TYPE_ENTITY_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLAIMS] =
    g_param_spec_object ("claims", NULL, NULL, PM_TYPE_CLAIM_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_session_init (PmSession *self)
{
  self->cancellable = g_cancellable_new ();
}

PmSession *
pm_session_new (PmApi      *api,
                const char *title,
                gboolean    is_sandbox)
{
  g_return_val_if_fail (PM_IS_API (api), NULL);

  return g_object_new (PM_TYPE_SESSION,
                       "api", api,
                       "title", title,
                       "is-sandbox", is_sandbox,
                       NULL);
}

PmApi *
pm_session_get_api (PmSession *self)
{
  g_return_val_if_fail (PM_IS_SESSION (self), NULL);
  return self->api;
}

PmFlavour
pm_session_get_flavour (PmSession *self)
{
  g_return_val_if_fail (PM_IS_SESSION (self), PM_FLAVOUR_HOSTED);
  return pm_api_get_flavour (self->api);
}

const char *
pm_session_get_title (PmSession *self)
{
  g_return_val_if_fail (PM_IS_SESSION (self), NULL);
  return self->title;
}

gboolean
pm_session_get_is_sandbox (PmSession *self)
{
  g_return_val_if_fail (PM_IS_SESSION (self), FALSE);
  return self->is_sandbox;
}

PmPolicyStore *
pm_session_get_policies (PmSession *self)
{
  g_return_val_if_fail (PM_IS_SESSION (self), NULL);
  return self->policies;
}

PmEntityStore *
pm_session_get_entities (PmSession *self)
{
  g_return_val_if_fail (PM_IS_SESSION (self), NULL);
  return self->entities;
}

PmClaimStore *
pm_session_get_claims (PmSession *self)
{
  g_return_val_if_fail (PM_IS_SESSION (self), NULL);
  return self->claims;
}

gboolean
pm_session_get_busy (PmSession *self)
{
  g_return_val_if_fail (PM_IS_SESSION (self), FALSE);
  return (self->policies && pm_policy_store_get_loading (self->policies)) ||
         (self->entities && pm_entity_store_get_loading (self->entities)) ||
         (self->claims && pm_claim_store_get_loading (self->claims));
}

void
pm_session_refresh (PmSession *self)
{
  g_return_if_fail (PM_IS_SESSION (self));

  pm_policy_store_refresh_async (self->policies, self->cancellable, NULL, NULL);
  pm_entity_store_refresh_async (self->entities, self->cancellable, NULL, NULL);
  if (pm_api_supports_claims (self->api))
    pm_claim_store_refresh_async (self->claims, self->cancellable, NULL, NULL);
}

void
pm_session_shutdown (PmSession *self)
{
  g_return_if_fail (PM_IS_SESSION (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}
