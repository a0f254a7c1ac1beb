/* pm-ruleset-api.c: PmApi for Elastic Cloud Hosted and Enterprise
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "perimeter"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-api-private.h"
#include "pm-ruleset-api.h"

#define RULESETS      "/api/v1/deployments/traffic-filter/rulesets"
#define ASSOCIATIONS  "/api/v1/deployments/traffic-filter/associations"
#define LINK_IDS      "/api/v1/deployments/traffic-filter/link-ids"
#define DEPLOYMENTS   "/api/v1/deployments"

/* A created rule set may not be readable at once (eventual consistency). */
#define READ_BACK_ATTEMPTS  4
#define READ_BACK_DELAY_MS  200

struct _PmRulesetApi
{
  GObject    parent_instance;

  PmHttp    *http;
  PmFlavour  flavour;
};

static void pm_ruleset_api_iface_init (PmApiInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PmRulesetApi, pm_ruleset_api, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PM_TYPE_API, pm_ruleset_api_iface_init))

enum {
  PROP_0,
  PROP_HTTP,
  PROP_FLAVOUR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pm_ruleset_api_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PmRulesetApi *self = PM_RULESET_API (object);

  switch (prop_id)
    {
    case PROP_HTTP:
      g_value_set_object (value, self->http);
      break;
    case PROP_FLAVOUR:
      g_value_set_int (value, self->flavour);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_ruleset_api_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PmRulesetApi *self = PM_RULESET_API (object);

  switch (prop_id)
    {
    case PROP_HTTP:
      self->http = g_value_dup_object (value);
      break;
    case PROP_FLAVOUR:
      self->flavour = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_ruleset_api_dispose (GObject *object)
{
  PmRulesetApi *self = PM_RULESET_API (object);

  g_clear_object (&self->http);

  G_OBJECT_CLASS (pm_ruleset_api_parent_class)->dispose (object);
}

static void
pm_ruleset_api_class_init (PmRulesetApiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pm_ruleset_api_get_property;
  object_class->set_property = pm_ruleset_api_set_property;
  object_class->dispose = pm_ruleset_api_dispose;

  properties[PROP_HTTP] =
    g_param_spec_object ("http", NULL, NULL, PM_TYPE_HTTP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLAVOUR] =
    g_param_spec_int ("flavour", NULL, NULL, PM_FLAVOUR_HOSTED, PM_FLAVOUR_ECE, PM_FLAVOUR_HOSTED,
                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_ruleset_api_init (PmRulesetApi *self)
{
}

PmRulesetApi *
pm_ruleset_api_new (PmFlavour  flavour,
                    PmHttp    *http)
{
  g_return_val_if_fail (flavour == PM_FLAVOUR_HOSTED || flavour == PM_FLAVOUR_ECE, NULL);
  g_return_val_if_fail (PM_IS_HTTP (http), NULL);

  return g_object_new (PM_TYPE_RULESET_API, "http", http, "flavour", flavour, NULL);
}

PmHttp *
pm_ruleset_api_get_http (PmRulesetApi *self)
{
  g_return_val_if_fail (PM_IS_RULESET_API (self), NULL);

  return self->http;
}

static PmFlavour
pm_ruleset_api_get_flavour (PmApi *api)
{
  return PM_RULESET_API (api)->flavour;
}

/* Readers (worker thread) */

static gpointer
read_associations (JsonNode  *node,
                   PmFlavour  flavour,
                   GError   **error)
{
  return pm_json_read_associations (node, NULL, error);
}

static gpointer
read_deployments (GBytes    *bytes,
                  PmFlavour  flavour,
                  GError   **error)
{
  return pm_json_read_deployments_bytes (bytes, error);
}

static gpointer
read_claims (JsonNode  *node,
             PmFlavour  flavour,
             GError   **error)
{
  return pm_json_read_claims (node, error);
}

static gpointer
read_ruleset_id (JsonNode  *node,
                 PmFlavour  flavour,
                 GError   **error)
{
  return pm_json_read_ruleset_response (node, error);
}

static char *
ruleset_path (const char *id,
              const char *suffix)
{
  g_autofree char *escaped = pm_api_escape (id);

  return g_strconcat (RULESETS "/", escaped, suffix, NULL);
}

static GTask *
new_task (PmRulesetApi        *self,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

/* list, show */

static void
pm_ruleset_api_list_policies_async (PmApi               *api,
                                    const char          *region,
                                    PmApiListFlags       flags,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);
  g_autoptr(GString) path = g_string_new (RULESETS);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_ruleset_api_list_policies_async);

  pm_api_append_query (path, "include_associations",
                       (flags & PM_API_LIST_INCLUDE_ASSOCIATIONS) ? "true" : "false");
  pm_api_append_query (path, "region", region);

  pm_api_call_list_async (self->http, path->str,
                          pm_api_read_policy_list_bytes, self->flavour, (GDestroyNotify) g_ptr_array_unref,
                          cancellable, pm_api_forward_array, task);
}

static void
pm_ruleset_api_get_policy_async (PmApi               *api,
                                 const char          *id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);
  g_autofree char *path = ruleset_path (id, "?include_associations=true");
  GTask *task = new_task (self, cancellable, callback, user_data, pm_ruleset_api_get_policy_async);

  pm_api_call_async (self->http, "GET", path, NULL, NULL,
                     pm_api_read_policy, self->flavour, g_object_unref,
                     cancellable, pm_api_forward_object, task);
}

/* create and update: write, then read back */

typedef struct
{
  PmPolicy   *policy;       /* what was submitted */
  char       *id;
  GHashTable *before;       /* create: ids that existed before the POST */
  gboolean    unlisted;     /* create: they could not be listed */
  GError     *post_error;   /* create: the failure of a POST that may have acted */
  guint       read_attempts;
  GSource    *timer;
} Write;

static void
write_free (gpointer data)
{
  Write *write = data;

  if (write->timer != NULL)
    {
      g_source_destroy (write->timer);
      g_source_unref (write->timer);
    }
  g_clear_object (&write->policy);
  g_free (write->id);
  g_clear_pointer (&write->before, g_hash_table_unref);
  g_clear_error (&write->post_error);
  g_free (write);
}

static void read_back (GTask *task);

static void
on_read_back (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Write *write = g_task_get_task_data (task);
  PmPolicy *policy;

  policy = pm_api_call_finish (result, NULL, &error);
  if (policy != NULL)
    {
      g_task_return_pointer (task, policy, g_object_unref);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_error_matches (error, PM_API_ERROR, PM_API_ERROR_NOT_FOUND)
      && write->read_attempts < READ_BACK_ATTEMPTS)
    {
      g_debug ("rule set %s not readable yet; reading it again", write->id);
      read_back (g_steal_pointer (&task));
      return;
    }

  /* The write succeeded: what was submitted, with its id, is the best answer. */
  g_debug ("rule set %s could not be read back (%s); using what was sent", write->id, error->message);
  policy = pm_policy_copy (write->policy);
  pm_policy_set_id (policy, write->id);
  g_task_return_pointer (task, policy, g_object_unref);
}

static void
read_back_now (GTask *task)
{
  PmRulesetApi *self = g_task_get_source_object (task);
  Write *write = g_task_get_task_data (task);
  g_autofree char *path = ruleset_path (write->id, "?include_associations=true");

  write->read_attempts++;
  pm_api_call_async (self->http, "GET", path, NULL, NULL,
                     pm_api_read_policy, self->flavour, g_object_unref,
                     g_task_get_cancellable (task), on_read_back, task);
}

static gboolean
on_read_back_timer (gpointer user_data)
{
  GTask *task = user_data;
  Write *write = g_task_get_task_data (task);

  g_source_unref (write->timer);
  write->timer = NULL;
  read_back_now (task);
  return G_SOURCE_REMOVE;
}

static void
read_back (GTask *task)
{
  Write *write = g_task_get_task_data (task);

  if (write->read_attempts == 0)
    {
      read_back_now (task);
      return;
    }

  write->timer = g_timeout_source_new (READ_BACK_DELAY_MS << (write->read_attempts - 1));
  g_source_set_static_name (write->timer, "[perimeter] read back");
  g_source_set_callback (write->timer, on_read_back_timer, task, NULL);
  g_source_attach (write->timer, g_task_get_context (task));
}

static void
on_reconcile_list (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) policies = NULL;
  g_autoptr(GError) error = NULL;
  Write *write = g_task_get_task_data (task);
  guint i;

  policies = pm_api_call_finish (result, NULL, &error);
  if (policies != NULL)
    {
      for (i = 0; i < policies->len; i++)
        {
          PmPolicy *found = g_ptr_array_index (policies, i);

          if (!g_hash_table_contains (write->before, pm_policy_get_id (found))
              && pm_api_policy_matches (write->policy, found))
            {
              g_debug ("the lost create made rule set %s", pm_policy_get_id (found));
              g_task_return_pointer (task, g_object_ref (found), g_object_unref);
              return;
            }
        }
      g_debug ("the lost create made no rule set");
    }

  g_task_return_error (task, g_steal_pointer (&write->post_error));
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PmRulesetApi *self = g_task_get_source_object (task);
  Write *write = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GString) path = NULL;

  write->id = pm_api_call_finish (result, NULL, &error);
  if (write->id != NULL)
    {
      read_back (g_steal_pointer (&task));
      return;
    }

  if (!pm_api_error_may_have_acted (error) || write->unlisted)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The reply was lost: look for what the POST may have made instead of
   * sending it again. */
  g_debug ("create answered “%s”; reconciling by listing", error->message);
  write->post_error = error;
  path = g_string_new (RULESETS "?include_associations=false");
  pm_api_append_query (path, "region", pm_policy_get_region (write->policy));
  pm_api_call_list_async (self->http, path->str,
                          pm_api_read_policy_list_bytes, self->flavour, (GDestroyNotify) g_ptr_array_unref,
                          g_task_get_cancellable (task), on_reconcile_list, g_object_ref (task));
}

static void
on_before_list (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) policies = NULL;
  g_autoptr(JsonNode) body = NULL;
  PmRulesetApi *self = g_task_get_source_object (task);
  Write *write = g_task_get_task_data (task);
  GError *error = NULL;
  guint i;

  policies = pm_api_call_finish (result, NULL, &error);
  if (policies == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Without the list (a key that may create but not list, say) the create
   * still goes ahead; only a lost reply then cannot be recognised. */
  if (policies == NULL)
    {
      g_debug ("listing before a create failed (%s); a lost reply will not be reconciled",
               error->message);
      g_clear_error (&error);
      write->unlisted = TRUE;
    }
  write->before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (i = 0; policies != NULL && i < policies->len; i++)
    g_hash_table_add (write->before, g_strdup (pm_policy_get_id (g_ptr_array_index (policies, i))));

  body = pm_json_write_policy_request (write->policy);
  pm_api_call_async (self->http, "POST", RULESETS, body, NULL,
                     read_ruleset_id, self->flavour, g_free,
                     g_task_get_cancellable (task), on_created, g_object_ref (task));
}

static void
pm_ruleset_api_create_policy_async (PmApi               *api,
                                    PmPolicy            *policy,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_ruleset_api_create_policy_async);
  g_autoptr(GString) path = g_string_new (RULESETS "?include_associations=false");
  Write *write;

  write = g_new0 (Write, 1);
  write->policy = pm_policy_copy (policy);
  g_task_set_task_data (task, write, write_free);

  /* Note what exists first, so that a create whose reply is lost can be
   * recognised among the rule sets afterwards. */
  pm_api_append_query (path, "region", pm_policy_get_region (policy));
  pm_api_call_list_async (self->http, path->str,
                          pm_api_read_policy_list_bytes, self->flavour, (GDestroyNotify) g_ptr_array_unref,
                          cancellable, on_before_list, task);
}

static void
on_updated (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (pm_api_call_finish (result, NULL, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  read_back (g_steal_pointer (&task));
}

static void
pm_ruleset_api_update_policy_async (PmApi               *api,
                                    PmPolicy            *policy,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_ruleset_api_update_policy_async);
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  Write *write;

  if (pm_policy_get_id (policy) == NULL)
    {
      g_task_return_new_error (task, PM_API_ERROR, PM_API_ERROR_INVALID,
                               _("This policy has not been created yet, so it cannot be updated."));
      g_object_unref (task);
      return;
    }

  write = g_new0 (Write, 1);
  write->policy = pm_policy_copy (policy);
  write->id = g_strdup (pm_policy_get_id (policy));
  g_task_set_task_data (task, write, write_free);

  path = ruleset_path (write->id, NULL);
  body = pm_json_write_policy_request (policy);
  pm_api_call_async (self->http, "PUT", path, body, NULL,
                     NULL, self->flavour, NULL, cancellable, on_updated, task);
}

/* delete, associations */

static void
pm_ruleset_api_delete_policy_async (PmApi               *api,
                                    const char          *id,
                                    gboolean             ignore_associations,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_ruleset_api_delete_policy_async);
  g_autofree char *path = ruleset_path (id, ignore_associations ? "?ignore_associations=true"
                                                                : "?ignore_associations=false");

  pm_api_call_async (self->http, "DELETE", path, NULL, NULL, NULL, self->flavour, NULL,
                     cancellable, pm_api_forward_boolean, task);
}

static void
pm_ruleset_api_list_associations_async (PmApi               *api,
                                        const char          *policy_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_ruleset_api_list_associations_async);
  g_autofree char *path = ruleset_path (policy_id, "/associations");

  pm_api_call_async (self->http, "GET", path, NULL, NULL,
                     read_associations, self->flavour, (GDestroyNotify) g_ptr_array_unref,
                     cancellable, pm_api_forward_array, task);
}

static const char *
association_type (PmEntity *entity)
{
  /* Hosted/ECE associate deployments; an entity_type such as "cluster" is kept. */
  const char *type = pm_entity_get_entity_type (entity);

  return type != NULL && *type != '\0' ? type : "deployment";
}

/* A POST whose reply was lost is not sent again: whether it took effect is
 * read back instead (associations and claims). */
typedef struct
{
  PmAssociation *association;
  PmLinkClaim   *claim;
  char          *list_path;
  gboolean       add;
  GError        *post_error;
} Verify;

static void
verify_free (gpointer data)
{
  Verify *verify = data;

  g_clear_object (&verify->association);
  g_clear_object (&verify->claim);
  g_free (verify->list_path);
  g_clear_error (&verify->post_error);
  g_free (verify);
}

static void
on_associate_verified (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) associations = NULL;
  Verify *verify = g_task_get_task_data (task);
  guint i;

  associations = pm_api_call_finish (result, NULL, NULL);
  for (i = 0; associations != NULL && i < associations->len; i++)
    if (pm_association_equal (g_ptr_array_index (associations, i), verify->association))
      {
        g_debug ("the unanswered association was made");
        g_task_return_boolean (task, TRUE);
        return;
      }

  g_task_return_error (task, g_steal_pointer (&verify->post_error));
}

static void
on_associated (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PmRulesetApi *self = g_task_get_source_object (task);
  Verify *verify = g_task_get_task_data (task);
  GError *error = NULL;

  if (pm_api_call_finish (result, NULL, &error) != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!pm_api_error_may_have_acted (error))
    {
      g_task_return_error (task, error);
      return;
    }

  verify->post_error = error;
  pm_api_call_async (self->http, "GET", verify->list_path, NULL, NULL,
                     read_associations, self->flavour, (GDestroyNotify) g_ptr_array_unref,
                     g_task_get_cancellable (task), on_associate_verified, g_object_ref (task));
}

static void
pm_ruleset_api_associate_async (PmApi               *api,
                                const char          *policy_id,
                                PmEntity            *entity,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_ruleset_api_associate_async);
  g_autofree char *path = ruleset_path (policy_id, "/associations");
  g_autoptr(JsonNode) body = NULL;
  Verify *verify = g_new0 (Verify, 1);

  verify->association = pm_association_new (association_type (entity), pm_entity_get_id (entity));
  verify->list_path = g_strdup (path);
  g_task_set_task_data (task, verify, verify_free);
  body = pm_json_write_association (verify->association);
  pm_api_call_async (self->http, "POST", path, body, NULL, NULL, self->flavour, NULL,
                     cancellable, on_associated, task);
}

static void
pm_ruleset_api_disassociate_async (PmApi               *api,
                                   const char          *policy_id,
                                   PmEntity            *entity,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_ruleset_api_disassociate_async);
  g_autofree char *type = pm_api_escape (association_type (entity));
  g_autofree char *entity_id = pm_api_escape (pm_entity_get_id (entity));
  g_autofree char *suffix = g_strconcat ("/associations/", type, "/", entity_id, NULL);
  g_autofree char *path = ruleset_path (policy_id, suffix);

  pm_api_call_async (self->http, "DELETE", path, NULL, NULL, NULL, self->flavour, NULL,
                     cancellable, pm_api_forward_boolean, task);
}

/* TrafficFilterSettings {"rulesets": ["id", …]}: the ids only. */
static gpointer
read_ruleset_ids (JsonNode  *node,
                  PmFlavour  flavour,
                  GError   **error)
{
  GPtrArray *ids;
  JsonArray *array;
  guint i;

  if (!JSON_NODE_HOLDS_OBJECT (node)
      || !json_object_has_member (json_node_get_object (node), "rulesets")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (node), "rulesets")))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE, _("Field “%s” must be an array"), "rulesets");
      return NULL;
    }

  array = json_object_get_array_member (json_node_get_object (node), "rulesets");
  ids = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_ptr_array_add (ids, g_strdup (json_node_get_string (element)));
    }
  return ids;
}

static gboolean
str_equal (gconstpointer a,
           gconstpointer b)
{
  return g_str_equal (a, b);
}

static void
on_entity_policies_list (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) policies = NULL;
  GPtrArray *ids = g_task_get_task_data (task);
  GPtrArray *mine;
  GError *error = NULL;
  guint i;

  policies = pm_api_call_finish (result, NULL, &error);
  if (policies == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  mine = g_ptr_array_new_with_free_func (g_object_unref);
  for (i = 0; i < policies->len; i++)
    {
      PmPolicy *policy = g_ptr_array_index (policies, i);

      if (g_ptr_array_find_with_equal_func (ids, pm_policy_get_id (policy), str_equal, NULL))
        g_ptr_array_add (mine, g_object_ref (policy));
    }
  g_task_return_pointer (task, mine, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_entity_policy_ids (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PmRulesetApi *self = g_task_get_source_object (task);
  GError *error = NULL;
  GPtrArray *ids;

  ids = pm_api_call_finish (result, NULL, &error);
  if (ids == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (ids->len == 0)
    {
      g_ptr_array_unref (ids);
      g_task_return_pointer (task, g_ptr_array_new_with_free_func (g_object_unref),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  /* The endpoint answers ids; the rule sets themselves come from the list. */
  g_task_set_task_data (task, ids, (GDestroyNotify) g_ptr_array_unref);
  pm_api_call_list_async (self->http, RULESETS "?include_associations=true",
                          pm_api_read_policy_list_bytes, self->flavour, (GDestroyNotify) g_ptr_array_unref,
                          g_task_get_cancellable (task), on_entity_policies_list, g_object_ref (task));
}

static void
pm_ruleset_api_list_entity_policies_async (PmApi               *api,
                                           PmEntity            *entity,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_ruleset_api_list_entity_policies_async);
  g_autofree char *type = pm_api_escape (association_type (entity));
  g_autofree char *entity_id = pm_api_escape (pm_entity_get_id (entity));
  g_autofree char *path = g_strconcat (ASSOCIATIONS "/", type, "/", entity_id, "/rulesets", NULL);

  pm_api_call_async (self->http, "GET", path, NULL, NULL,
                     read_ruleset_ids, self->flavour, (GDestroyNotify) g_ptr_array_unref,
                     cancellable, on_entity_policy_ids, task);
}

static void
pm_ruleset_api_list_entities_async (PmApi               *api,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_ruleset_api_list_entities_async);

  pm_api_call_list_async (self->http, DEPLOYMENTS,
                          read_deployments, self->flavour, (GDestroyNotify) g_ptr_array_unref,
                          cancellable, pm_api_forward_array, task);
}

/* private connection ID claims */

static void
pm_ruleset_api_list_claims_async (PmApi               *api,
                                  const char          *region,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_ruleset_api_list_claims_async);
  g_autoptr(GString) path = g_string_new (LINK_IDS);

  pm_api_append_query (path, "region", region);
  pm_api_call_async (self->http, "GET", path->str, NULL, NULL,
                     read_claims, self->flavour, (GDestroyNotify) g_ptr_array_unref,
                     cancellable, pm_api_forward_array, task);
}

static void
on_claim_verified (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) claims = NULL;
  Verify *verify = g_task_get_task_data (task);
  gboolean present = FALSE;
  guint i;

  claims = pm_api_call_finish (result, NULL, NULL);
  if (claims != NULL)
    {
      for (i = 0; i < claims->len; i++)
        present |= pm_link_claim_equal (g_ptr_array_index (claims, i), verify->claim);
      if (present == verify->add)
        {
          g_debug ("the unanswered %s took effect", verify->add ? "claim" : "unclaim");
          g_task_return_boolean (task, TRUE);
          return;
        }
    }

  g_task_return_error (task, g_steal_pointer (&verify->post_error));
}

static void
on_claim_posted (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PmRulesetApi *self = g_task_get_source_object (task);
  Verify *verify = g_task_get_task_data (task);
  g_autoptr(GString) path = NULL;
  GError *error = NULL;

  if (pm_api_call_finish (result, NULL, &error) != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!pm_api_error_may_have_acted (error))
    {
      g_task_return_error (task, error);
      return;
    }

  verify->post_error = error;
  path = g_string_new (LINK_IDS);
  pm_api_append_query (path, "region", pm_link_claim_get_region (verify->claim));
  pm_api_call_async (self->http, "GET", path->str, NULL, NULL,
                     read_claims, self->flavour, (GDestroyNotify) g_ptr_array_unref,
                     g_task_get_cancellable (task), on_claim_verified, g_object_ref (task));
}

static void
claim_request (PmRulesetApi *self,
               const char   *path,
               PmLinkClaim  *claim,
               gboolean      add,
               GTask        *task)
{
  g_autoptr(JsonNode) body = pm_json_write_claim_request (claim);
  Verify *verify = g_new0 (Verify, 1);

  verify->claim = g_object_ref (claim);
  verify->add = add;
  g_task_set_task_data (task, verify, verify_free);
  pm_api_call_async (self->http, "POST", path, body, NULL, NULL, self->flavour, NULL,
                     g_task_get_cancellable (task), on_claim_posted, task);
}

static void
pm_ruleset_api_claim_async (PmApi               *api,
                            PmLinkClaim         *claim,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);

  claim_request (self, LINK_IDS "/_claim", claim, TRUE,
                 new_task (self, cancellable, callback, user_data, pm_ruleset_api_claim_async));
}

static void
pm_ruleset_api_unclaim_async (PmApi               *api,
                              PmLinkClaim         *claim,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  PmRulesetApi *self = PM_RULESET_API (api);

  claim_request (self, LINK_IDS "/_unclaim", claim, FALSE,
                 new_task (self, cancellable, callback, user_data, pm_ruleset_api_unclaim_async));
}

static void
pm_ruleset_api_iface_init (PmApiInterface *iface)
{
  iface->get_flavour = pm_ruleset_api_get_flavour;
  iface->list_policies_async = pm_ruleset_api_list_policies_async;
  iface->list_policies_finish = pm_api_propagate_array;
  iface->get_policy_async = pm_ruleset_api_get_policy_async;
  iface->get_policy_finish = pm_api_propagate_policy;
  iface->create_policy_async = pm_ruleset_api_create_policy_async;
  iface->create_policy_finish = pm_api_propagate_policy;
  iface->update_policy_async = pm_ruleset_api_update_policy_async;
  iface->update_policy_finish = pm_api_propagate_policy;
  iface->delete_policy_async = pm_ruleset_api_delete_policy_async;
  iface->delete_policy_finish = pm_api_propagate_boolean;
  iface->list_associations_async = pm_ruleset_api_list_associations_async;
  iface->list_associations_finish = pm_api_propagate_array;
  iface->associate_async = pm_ruleset_api_associate_async;
  iface->associate_finish = pm_api_propagate_boolean;
  iface->disassociate_async = pm_ruleset_api_disassociate_async;
  iface->disassociate_finish = pm_api_propagate_boolean;
  iface->list_entity_policies_async = pm_ruleset_api_list_entity_policies_async;
  iface->list_entity_policies_finish = pm_api_propagate_array;
  iface->list_entities_async = pm_ruleset_api_list_entities_async;
  iface->list_entities_finish = pm_api_propagate_array;
  iface->list_claims_async = pm_ruleset_api_list_claims_async;
  iface->list_claims_finish = pm_api_propagate_array;
  iface->claim_async = pm_ruleset_api_claim_async;
  iface->claim_finish = pm_api_propagate_boolean;
  iface->unclaim_async = pm_ruleset_api_unclaim_async;
  iface->unclaim_finish = pm_api_propagate_boolean;
  /* get_metadata: Serverless only */
}
