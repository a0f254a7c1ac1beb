/* pm-test-api.c: PmApi calls waited for, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-test-api.h"
#include "pm-test-util.h"

GPtrArray *
pm_test_api_list_policies (PmApi *api, const char *region, PmApiListFlags flags, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_api_list_policies_async (api, region, flags, NULL, pm_test_result_cb, &result);
  return pm_api_list_policies_finish (api, pm_test_wait (&result), error);
}

PmPolicy *
pm_test_api_get_policy (PmApi *api, const char *id, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_api_get_policy_async (api, id, NULL, pm_test_result_cb, &result);
  return pm_api_get_policy_finish (api, pm_test_wait (&result), error);
}

PmPolicy *
pm_test_api_create_policy (PmApi *api, PmPolicy *policy, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_api_create_policy_async (api, policy, NULL, pm_test_result_cb, &result);
  return pm_api_create_policy_finish (api, pm_test_wait (&result), error);
}

PmPolicy *
pm_test_api_update_policy (PmApi *api, PmPolicy *policy, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_api_update_policy_async (api, policy, NULL, pm_test_result_cb, &result);
  return pm_api_update_policy_finish (api, pm_test_wait (&result), error);
}

gboolean
pm_test_api_delete_policy (PmApi *api, const char *id, gboolean ignore, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_api_delete_policy_async (api, id, ignore, NULL, pm_test_result_cb, &result);
  return pm_api_delete_policy_finish (api, pm_test_wait (&result), error);
}

GPtrArray *
pm_test_api_list_associations (PmApi *api, const char *id, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_api_list_associations_async (api, id, NULL, pm_test_result_cb, &result);
  return pm_api_list_associations_finish (api, pm_test_wait (&result), error);
}

gboolean
pm_test_api_associate (PmApi *api, const char *id, PmEntity *entity, gboolean add, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (add)
    {
      pm_api_associate_async (api, id, entity, NULL, pm_test_result_cb, &result);
      return pm_api_associate_finish (api, pm_test_wait (&result), error);
    }
  pm_api_disassociate_async (api, id, entity, NULL, pm_test_result_cb, &result);
  return pm_api_disassociate_finish (api, pm_test_wait (&result), error);
}

GPtrArray *
pm_test_api_list_entity_policies (PmApi *api, PmEntity *entity, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_api_list_entity_policies_async (api, entity, NULL, pm_test_result_cb, &result);
  return pm_api_list_entity_policies_finish (api, pm_test_wait (&result), error);
}

GPtrArray *
pm_test_api_list_entities (PmApi *api, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_api_list_entities_async (api, NULL, pm_test_result_cb, &result);
  return pm_api_list_entities_finish (api, pm_test_wait (&result), error);
}

GPtrArray *
pm_test_api_list_claims (PmApi *api, const char *region, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_api_list_claims_async (api, region, NULL, pm_test_result_cb, &result);
  return pm_api_list_claims_finish (api, pm_test_wait (&result), error);
}

gboolean
pm_test_api_claim (PmApi *api, PmLinkClaim *link, gboolean add, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  if (add)
    {
      pm_api_claim_async (api, link, NULL, pm_test_result_cb, &result);
      return pm_api_claim_finish (api, pm_test_wait (&result), error);
    }
  pm_api_unclaim_async (api, link, NULL, pm_test_result_cb, &result);
  return pm_api_unclaim_finish (api, pm_test_wait (&result), error);
}

GPtrArray *
pm_test_api_get_metadata (PmApi *api, const char *region, PmProvider provider, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_api_get_metadata_async (api, region, provider, NULL, pm_test_result_cb, &result);
  return pm_api_get_metadata_finish (api, pm_test_wait (&result), error);
}

gboolean
pm_test_session_loaded (PmSession *session)
{
  PmPolicyStore *policies = pm_session_get_policies (session);
  PmEntityStore *entities = pm_session_get_entities (session);

  return pm_policy_store_get_loaded (policies) && pm_entity_store_get_loaded (entities) &&
         !pm_policy_store_get_loading (policies) && !pm_entity_store_get_loading (entities);
}

PmPolicy *
pm_test_session_find_policy (PmSession  *session,
                             const char *name)
{
  GListModel *store = G_LIST_MODEL (pm_session_get_policies (session));

  for (guint i = 0; i < g_list_model_get_n_items (store); i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (store, i);

      if (g_strcmp0 (pm_policy_get_name (policy), name) == 0)
        return policy;
    }
  return NULL;
}

PmEntity *
pm_test_session_find_entity (PmSession  *session,
                             const char *name)
{
  GListModel *store = G_LIST_MODEL (pm_session_get_entities (session));

  for (guint i = 0; i < g_list_model_get_n_items (store); i++)
    {
      g_autoptr(PmEntity) entity = g_list_model_get_item (store, i);

      if (g_strcmp0 (pm_entity_get_name (entity), name) == 0)
        return entity;
    }
  return NULL;
}
