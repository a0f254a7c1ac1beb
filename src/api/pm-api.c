/* pm-api.c: the PmApi interface, its guarded entry points and the factory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "perimeter"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-background.h"
#include "pm-api.h"
#include "pm-api-private.h"
#include "pm-ruleset-api.h"
#include "pm-serverless-api.h"

G_DEFINE_INTERFACE (PmApi, pm_api, G_TYPE_OBJECT)

static void
pm_api_default_init (PmApiInterface *iface)
{
}

static void
report_unsupported (PmApi               *self,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data,
                    gpointer             source_tag)
{
  g_task_report_new_error (self, callback, user_data, source_tag,
                           PM_API_ERROR, PM_API_ERROR_UNSUPPORTED,
                           _("%s does not offer this. Use a profile of another kind for it."),
                           pm_flavour_get_label (pm_api_get_flavour (self)));
}

PmFlavour
pm_api_get_flavour (PmApi *self)
{
  g_return_val_if_fail (PM_IS_API (self), PM_FLAVOUR_HOSTED);

  return PM_API_GET_IFACE (self)->get_flavour (self);
}

/* ECE serves the same link-id endpoints as Hosted (the specs share them). */
gboolean
pm_api_supports_claims (PmApi *self)
{
  g_return_val_if_fail (PM_IS_API (self), FALSE);

  return PM_API_GET_IFACE (self)->claim_async != NULL;
}

gboolean
pm_api_supports_metadata (PmApi *self)
{
  g_return_val_if_fail (PM_IS_API (self), FALSE);

  return PM_API_GET_IFACE (self)->get_metadata_async != NULL;
}

PmApi *
pm_api_new_for_flavour (PmFlavour  flavour,
                        PmHttp    *http)
{
  g_return_val_if_fail (PM_IS_HTTP (http), NULL);

  if (flavour == PM_FLAVOUR_SERVERLESS)
    return PM_API (pm_serverless_api_new (http));
  return PM_API (pm_ruleset_api_new (flavour, http));
}

void
pm_api_list_policies_async (PmApi               *self,
                            const char          *region,
                            PmApiListFlags       flags,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->list_policies_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_list_policies_async);
      return;
    }
  iface->list_policies_async (self, region, flags, cancellable, callback, user_data);
}

GPtrArray *
pm_api_list_policies_finish (PmApi         *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_async_result_is_tagged (result, pm_api_list_policies_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->list_policies_finish (self, result, error);
}

void
pm_api_get_policy_async (PmApi               *self,
                         const char          *id,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (id != NULL && *id != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->get_policy_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_get_policy_async);
      return;
    }
  iface->get_policy_async (self, id, cancellable, callback, user_data);
}

PmPolicy *
pm_api_get_policy_finish (PmApi         *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_async_result_is_tagged (result, pm_api_get_policy_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->get_policy_finish (self, result, error);
}

void
pm_api_create_policy_async (PmApi               *self,
                            PmPolicy            *policy,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (PM_IS_POLICY (policy));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->create_policy_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_create_policy_async);
      return;
    }
  iface->create_policy_async (self, policy, cancellable, callback, user_data);
}

PmPolicy *
pm_api_create_policy_finish (PmApi         *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_async_result_is_tagged (result, pm_api_create_policy_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->create_policy_finish (self, result, error);
}

void
pm_api_update_policy_async (PmApi               *self,
                            PmPolicy            *policy,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (PM_IS_POLICY (policy));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->update_policy_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_update_policy_async);
      return;
    }
  iface->update_policy_async (self, policy, cancellable, callback, user_data);
}

PmPolicy *
pm_api_update_policy_finish (PmApi         *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_async_result_is_tagged (result, pm_api_update_policy_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->update_policy_finish (self, result, error);
}

void
pm_api_delete_policy_async (PmApi               *self,
                            const char          *id,
                            gboolean             ignore_associations,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (id != NULL && *id != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->delete_policy_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_delete_policy_async);
      return;
    }
  iface->delete_policy_async (self, id, ignore_associations, cancellable, callback, user_data);
}

gboolean
pm_api_delete_policy_finish (PmApi         *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_async_result_is_tagged (result, pm_api_delete_policy_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->delete_policy_finish (self, result, error);
}

void
pm_api_list_associations_async (PmApi               *self,
                                const char          *policy_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (policy_id != NULL && *policy_id != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->list_associations_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_list_associations_async);
      return;
    }
  iface->list_associations_async (self, policy_id, cancellable, callback, user_data);
}

GPtrArray *
pm_api_list_associations_finish (PmApi         *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_async_result_is_tagged (result, pm_api_list_associations_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->list_associations_finish (self, result, error);
}

void
pm_api_associate_async (PmApi               *self,
                        const char          *policy_id,
                        PmEntity            *entity,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (policy_id != NULL && *policy_id != '\0');
  g_return_if_fail (PM_IS_ENTITY (entity));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->associate_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_associate_async);
      return;
    }
  iface->associate_async (self, policy_id, entity, cancellable, callback, user_data);
}

gboolean
pm_api_associate_finish (PmApi         *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_async_result_is_tagged (result, pm_api_associate_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->associate_finish (self, result, error);
}

void
pm_api_disassociate_async (PmApi               *self,
                           const char          *policy_id,
                           PmEntity            *entity,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (policy_id != NULL && *policy_id != '\0');
  g_return_if_fail (PM_IS_ENTITY (entity));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->disassociate_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_disassociate_async);
      return;
    }
  iface->disassociate_async (self, policy_id, entity, cancellable, callback, user_data);
}

gboolean
pm_api_disassociate_finish (PmApi         *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_async_result_is_tagged (result, pm_api_disassociate_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->disassociate_finish (self, result, error);
}

void
pm_api_list_entity_policies_async (PmApi               *self,
                                   PmEntity            *entity,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (PM_IS_ENTITY (entity));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->list_entity_policies_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_list_entity_policies_async);
      return;
    }
  iface->list_entity_policies_async (self, entity, cancellable, callback, user_data);
}

GPtrArray *
pm_api_list_entity_policies_finish (PmApi         *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_async_result_is_tagged (result, pm_api_list_entity_policies_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->list_entity_policies_finish (self, result, error);
}

void
pm_api_list_entities_async (PmApi               *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->list_entities_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_list_entities_async);
      return;
    }
  iface->list_entities_async (self, cancellable, callback, user_data);
}

GPtrArray *
pm_api_list_entities_finish (PmApi         *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_async_result_is_tagged (result, pm_api_list_entities_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->list_entities_finish (self, result, error);
}

void
pm_api_list_claims_async (PmApi               *self,
                          const char          *region,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->list_claims_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_list_claims_async);
      return;
    }
  iface->list_claims_async (self, region, cancellable, callback, user_data);
}

GPtrArray *
pm_api_list_claims_finish (PmApi         *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_async_result_is_tagged (result, pm_api_list_claims_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->list_claims_finish (self, result, error);
}

void
pm_api_claim_async (PmApi               *self,
                    PmLinkClaim         *claim,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (PM_IS_LINK_CLAIM (claim));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->claim_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_claim_async);
      return;
    }
  iface->claim_async (self, claim, cancellable, callback, user_data);
}

gboolean
pm_api_claim_finish (PmApi         *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_async_result_is_tagged (result, pm_api_claim_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->claim_finish (self, result, error);
}

void
pm_api_unclaim_async (PmApi               *self,
                      PmLinkClaim         *claim,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (PM_IS_LINK_CLAIM (claim));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->unclaim_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_unclaim_async);
      return;
    }
  iface->unclaim_async (self, claim, cancellable, callback, user_data);
}

gboolean
pm_api_unclaim_finish (PmApi         *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_async_result_is_tagged (result, pm_api_unclaim_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->unclaim_finish (self, result, error);
}

void
pm_api_get_metadata_async (PmApi               *self,
                           const char          *region,
                           PmProvider           provider,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  PmApiInterface *iface;

  g_return_if_fail (PM_IS_API (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iface = PM_API_GET_IFACE (self);
  if (iface->get_metadata_async == NULL)
    {
      report_unsupported (self, callback, user_data, pm_api_get_metadata_async);
      return;
    }
  iface->get_metadata_async (self, region, provider, cancellable, callback, user_data);
}

GPtrArray *
pm_api_get_metadata_finish (PmApi         *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (PM_IS_API (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_async_result_is_tagged (result, pm_api_get_metadata_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return PM_API_GET_IFACE (self)->get_metadata_finish (self, result, error);
}

/* Helpers shared by the implementations (pm-api-private.h) */

typedef struct
{
  PmApiReadFunc  func;
  PmApiReadBytesFunc bytes_func;
  PmFlavour      flavour;
  GDestroyNotify result_free;
  JsonNode      *node;
  char          *etag;
  char          *method;
  char          *path;
  JsonNode      *body;       /* what was sent, for a write that is checked by reading */
  gboolean       if_match;
  GError        *write_error; /* the write's own error while it is checked */
  guint          n_left_out;  /* elements the reply's reader left out */
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_clear_pointer (&call->node, json_node_unref);
  g_clear_pointer (&call->body, json_node_unref);
  g_free (call->etag);
  g_free (call->method);
  g_free (call->path);
  g_clear_error (&call->write_error);
  g_free (call);
}

gboolean
pm_api_json_has (JsonNode *expected,
                 JsonNode *actual)
{
  if (expected == NULL || JSON_NODE_HOLDS_NULL (expected))
    return actual == NULL || JSON_NODE_HOLDS_NULL (actual);
  if (actual == NULL || JSON_NODE_TYPE (expected) != JSON_NODE_TYPE (actual))
    return FALSE;

  switch (JSON_NODE_TYPE (expected))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *want = json_node_get_object (expected);
        JsonObject *have = json_node_get_object (actual);
        JsonObjectIter iter;
        const char *name;
        JsonNode *value;

        json_object_iter_init (&iter, want);
        while (json_object_iter_next (&iter, &name, &value))
          if (!pm_api_json_has (value, json_object_get_member (have, name)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *want = json_node_get_array (expected);
        JsonArray *have = json_node_get_array (actual);
        guint n = json_array_get_length (want);

        if (n != json_array_get_length (have))
          return FALSE;
        for (guint i = 0; i < n; i++)
          if (!pm_api_json_has (json_array_get_element (want, i), json_array_get_element (have, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      return json_node_equal (expected, actual);
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Call *call = task_data;
  g_autoptr(GError) error = NULL;
  gpointer result;

  if (call->node == NULL)
    {
      g_task_return_error (task,
                           pm_api_error_new (PM_API_ERROR_BAD_REPLY, NULL,
                                             _("The server’s reply was empty where data was expected. Try again.")));
      return;
    }

  pm_json_take_left_out ();
  result = call->func (call->node, call->flavour, &error);
  call->n_left_out = pm_json_take_left_out ();
  /* Free the reply's tree here: the task's data goes in the main context,
   * where freeing a large organization's tree stalled the main loop. */
  g_clear_pointer (&call->node, json_node_unref);
  if (result == NULL)
    g_task_return_error (task,
                         pm_api_error_new (PM_API_ERROR_BAD_REPLY, NULL,
                                           _("The server’s reply was not in the expected form: %s. Try again later."),
                                           error != NULL ? error->message : _("unknown problem")));
  else
    g_task_return_pointer (task, result, call->result_free);
}

static void
finish_with_node (GTask *task)
{
  Call *call = g_task_get_task_data (task);

  if (call->func == NULL)
    {
      g_task_return_pointer (task, GINT_TO_POINTER (TRUE), NULL);
      g_object_unref (task);
      return;
    }
  pm_background_run (task, read_thread);
  g_object_unref (task);
}

/* A write whose outcome is unknown is checked by reading the object back:
 * when the server holds exactly what was sent, the write happened. Never
 * sent again. */

static void
compare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Call *call = task_data;

  g_task_return_boolean (task, pm_api_json_has (call->body, call->node));
}

static void
on_compared (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    {
      g_debug ("%s %s: the server does not hold what was sent", call->method, call->path);
      g_clear_pointer (&call->node, json_node_unref);
      g_clear_pointer (&call->etag, g_free);
      g_task_return_error (task, g_steal_pointer (&call->write_error));
      g_object_unref (task);
      return;
    }

  g_debug ("%s %s: the server holds what was sent; the write happened", call->method, call->path);
  g_clear_error (&call->write_error);
  finish_with_node (task);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr(PmHttpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) compare = NULL;

  reply = pm_http_request_finish (PM_HTTP (source), result, &error);
  if (reply == NULL || reply->body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_error (task, g_steal_pointer (&call->write_error));
      g_object_unref (task);
      return;
    }

  call->node = g_steal_pointer (&reply->body);
  call->etag = g_steal_pointer (&reply->etag);
  compare = g_task_new (NULL, g_task_get_cancellable (task), on_compared, task);
  g_task_set_source_tag (compare, compare_thread);
  g_task_set_task_data (compare, call, NULL);
  pm_background_run (compare, compare_thread);
}

/* Should a failed write be checked by reading back? */
static gboolean
should_check_write (Call         *call,
                    const GError *error,
                    gboolean      uncertain)
{
  if (call->body == NULL || error == NULL || error->domain != PM_API_ERROR)
    return FALSE;
  if (!g_str_equal (call->method, "PUT") && !g_str_equal (call->method, "PATCH"))
    return FALSE;

  /* The reply was cut off or unreadable after the server may have acted */
  if (error->code == PM_API_ERROR_BAD_REPLY)
    return TRUE;
  /* A repeated PATCH refused because the first one changed the ETag */
  return error->code == PM_API_ERROR_CONFLICT && call->if_match && uncertain;
}

static void
on_call_reply (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(PmHttpReply) reply = NULL;
  GError *error = NULL;
  Call *call = g_task_get_task_data (task);
  gboolean uncertain = pm_http_request_was_uncertain (PM_HTTP (source), result);
  GTask *owned;

  reply = pm_http_request_finish (PM_HTTP (source), result, &error);
  if (reply == NULL)
    {
      /* A DELETE repeated after an attempt that may have done it: gone is
       * what was asked. A 404 to the first attempt stays an error. */
      if (g_error_matches (error, PM_API_ERROR, PM_API_ERROR_NOT_FOUND)
          && uncertain && call->func == NULL && g_str_equal (call->method, "DELETE"))
        {
          g_debug ("DELETE %s: not found after an unanswered attempt; it is gone", call->path);
          g_clear_error (&error);
          g_task_return_pointer (task, GINT_TO_POINTER (TRUE), NULL);
          return;
        }

      if (should_check_write (call, error, uncertain))
        {
          g_debug ("%s %s: “%s”; reading it back to see whether it happened",
                   call->method, call->path, error->message);
          owned = g_steal_pointer (&task);
          call->write_error = error;
          pm_http_request_async (PM_HTTP (source), "GET", call->path, NULL, NULL,
                                 g_task_get_cancellable (owned), on_checked, owned);
          return;
        }

      g_task_return_error (task, error);
      return;
    }

  call->etag = g_steal_pointer (&reply->etag);
  if (call->bytes_func != NULL)
    {
      if (reply->result != NULL)
        g_task_return_pointer (task, g_steal_pointer (&reply->result), call->result_free);
      else if (reply->read_error != NULL)
        g_task_return_error (task,
                             pm_api_error_new (PM_API_ERROR_BAD_REPLY, NULL,
                                               _("The server’s reply was not in the expected form: %s. Try again later."),
                                               reply->read_error->message));
      else
        g_task_return_error (task,
                             pm_api_error_new (PM_API_ERROR_BAD_REPLY, NULL,
                                               _("The server’s reply was empty where data was expected. Try again.")));
      return;
    }
  if (call->func == NULL)
    {
      g_task_return_pointer (task, GINT_TO_POINTER (TRUE), NULL);
      return;
    }

  call->node = g_steal_pointer (&reply->body);
  pm_background_run (task, read_thread);
}

/* The task of a call (tagged pm_api_call_async, for pm_api_call_finish)
 * and its Call, which the task owns. */
static GTask *
call_task_new (PmHttp              *http,
               const char          *method,
               const char          *path,
               PmFlavour            flavour,
               GDestroyNotify       result_free,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               Call               **call_out)
{
  GTask *task = g_task_new (http, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  g_task_set_source_tag (task, pm_api_call_async);
  call->flavour = flavour;
  call->result_free = result_free;
  call->method = g_ascii_strup (method, -1);
  call->path = g_strdup (path);
  g_task_set_task_data (task, call, call_free);
  *call_out = call;
  return task;
}

void
pm_api_call_async (PmHttp              *http,
                   const char          *method,
                   const char          *path,
                   JsonNode            *body,
                   const char          *if_match,
                   PmApiReadFunc        func,
                   PmFlavour            flavour,
                   GDestroyNotify       result_free,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  Call *call;
  GTask *task = call_task_new (http, method, path, flavour, result_free, cancellable, callback, user_data, &call);

  call->func = func;
  call->body = body != NULL ? json_node_ref (body) : NULL;
  call->if_match = if_match != NULL;
  pm_http_request_async (http, method, path, body, if_match, cancellable, on_call_reply, task);
}

static gpointer
read_bytes (GBytes   *bytes,
            gpointer  data,
            GError  **error)
{
  Call *call = data;
  gpointer result;

  pm_json_take_left_out ();
  result = call->bytes_func (bytes, call->flavour, error);
  call->n_left_out = pm_json_take_left_out ();
  return result;
}

void
pm_api_call_list_async (PmHttp              *http,
                        const char          *path,
                        PmApiReadBytesFunc   func,
                        PmFlavour            flavour,
                        GDestroyNotify       result_free,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  Call *call;
  GTask *task = call_task_new (http, "GET", path, flavour, result_free, cancellable, callback, user_data, &call);

  call->bytes_func = func;
  /* call lives as long as the task, which the request holds. */
  pm_http_request_read_async (http, "GET", path, NULL, NULL, read_bytes, call, result_free,
                              cancellable, on_call_reply, task);
}

gpointer
pm_api_call_finish (GAsyncResult  *result,
                    char         **etag_out,
                    GError       **error)
{
  Call *call;

  g_return_val_if_fail (g_async_result_is_tagged (result, pm_api_call_async), NULL);

  call = g_task_get_task_data (G_TASK (result));
  if (etag_out != NULL)
    *etag_out = g_strdup (call->etag);
  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
pm_api_call_get_left_out (GAsyncResult *result)
{
  Call *call;

  g_return_val_if_fail (g_async_result_is_tagged (result, pm_api_call_async), 0);

  call = g_task_get_task_data (G_TASK (result));
  return call->n_left_out;
}

void
pm_api_task_add_notice (GTask      *task,
                        const char *notice)
{
  const char *before = g_object_get_data (G_OBJECT (task), "pm-api-notice");

  g_object_set_data_full (G_OBJECT (task), "pm-api-notice",
                          before != NULL ? g_strconcat (before, "\n", notice, NULL) : g_strdup (notice),
                          g_free);
}

void
pm_api_task_note_left_out (GTask *task,
                           guint  n_left_out)
{
  g_autofree char *notice = NULL;

  if (n_left_out == 0)
    return;
  notice = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The server sent %u entry without an id; Perimeter leaves it out, as nothing could refer to it.",
                                         "The server sent %u entries without an id; Perimeter leaves them out, as nothing could refer to them.",
                                         n_left_out), n_left_out);
  pm_api_task_add_notice (task, notice);
}

const char *
pm_api_get_notice (GAsyncResult *result)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_object_get_data (G_OBJECT (result), "pm-api-notice");
}

void
pm_api_forward_array (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *array = pm_api_call_finish (result, NULL, &error);

  pm_api_task_note_left_out (task, pm_api_call_get_left_out (result));

  if (array == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, array, (GDestroyNotify) g_ptr_array_unref);
}

void
pm_api_forward_object (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GObject *object = pm_api_call_finish (result, NULL, &error);

  if (object == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, object, g_object_unref);
}

void
pm_api_forward_boolean (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (pm_api_call_finish (result, NULL, &error) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

GPtrArray *
pm_api_propagate_array (PmApi         *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

PmPolicy *
pm_api_propagate_policy (PmApi         *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
pm_api_propagate_boolean (PmApi         *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gpointer
pm_api_read_policy (JsonNode  *node,
                    PmFlavour  flavour,
                    GError   **error)
{
  return pm_json_read_policy (node, flavour, error);
}

gpointer
pm_api_read_policy_list_bytes (GBytes     *bytes,
                               PmFlavour   flavour,
                               GError    **error)
{
  return pm_json_read_policy_list_bytes (bytes, flavour, NULL, error);
}

char *
pm_api_escape (const char *segment)
{
  return g_uri_escape_string (segment, NULL, FALSE);
}

void
pm_api_append_query (GString    *path,
                     const char *name,
                     const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  escaped = g_uri_escape_string (value, NULL, FALSE);
  g_string_append_printf (path, "%c%s=%s", strchr (path->str, '?') ? '&' : '?', name, escaped);
}

static JsonNode *
rule_without_id (PmRule       *rule,
                 PmPolicyType  type)
{
  JsonNode *node = pm_json_write_rule (rule, type);

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    json_object_remove_member (json_node_get_object (node), "id");
  return node;
}

gboolean
pm_api_policy_matches (PmPolicy *submitted,
                       PmPolicy *found)
{
  GListModel *a, *b;
  guint i, n;

  if (g_strcmp0 (pm_policy_get_name (submitted), pm_policy_get_name (found)) != 0
      || g_strcmp0 (pm_policy_get_type_string (submitted), pm_policy_get_type_string (found)) != 0
      || g_strcmp0 (pm_policy_get_region (submitted), pm_policy_get_region (found)) != 0)
    return FALSE;

  a = pm_policy_get_rules (submitted);
  b = pm_policy_get_rules (found);
  n = g_list_model_get_n_items (a);
  if (n != g_list_model_get_n_items (b))
    return FALSE;

  for (i = 0; i < n; i++)
    {
      g_autoptr(PmRule) ra = g_list_model_get_item (a, i);
      g_autoptr(PmRule) rb = g_list_model_get_item (b, i);
      g_autoptr(JsonNode) ja = rule_without_id (ra, pm_policy_get_policy_type (submitted));
      g_autoptr(JsonNode) jb = rule_without_id (rb, pm_policy_get_policy_type (found));

      if (!json_node_equal (ja, jb))
        return FALSE;
    }

  return TRUE;
}

gboolean
pm_api_error_may_have_acted (const GError *error)
{
  if (error == NULL || error->domain != PM_API_ERROR)
    return FALSE;

  switch ((PmApiErrorCode) error->code)
    {
    case PM_API_ERROR_NETWORK:
    case PM_API_ERROR_TIMEOUT:
    case PM_API_ERROR_BAD_REPLY:
    case PM_API_ERROR_SERVER:
    case PM_API_ERROR_FAILED:
      return TRUE;
    default:
      return FALSE;
    }
}
