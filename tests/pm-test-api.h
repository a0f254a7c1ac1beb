#pragma once

#include "pm-api.h"
#include "pm-session.h"

G_BEGIN_DECLS

/* PmApi calls waited for on the thread-default main context, for tests:
 * each returns what the matching *_finish returns. "add" chooses between
 * associate/disassociate and claim/unclaim. */
GPtrArray * pm_test_api_list_policies (PmApi *api, const char *region, PmApiListFlags flags, GError **error);
PmPolicy *  pm_test_api_get_policy (PmApi *api, const char *id, GError **error);
PmPolicy *  pm_test_api_create_policy (PmApi *api, PmPolicy *policy, GError **error);
PmPolicy *  pm_test_api_update_policy (PmApi *api, PmPolicy *policy, GError **error);
gboolean    pm_test_api_delete_policy (PmApi *api, const char *id, gboolean ignore, GError **error);
GPtrArray * pm_test_api_list_associations (PmApi *api, const char *id, GError **error);
gboolean    pm_test_api_associate (PmApi *api, const char *id, PmEntity *entity, gboolean add, GError **error);
GPtrArray * pm_test_api_list_entity_policies (PmApi *api, PmEntity *entity, GError **error);
GPtrArray * pm_test_api_list_entities (PmApi *api, GError **error);
GPtrArray * pm_test_api_list_claims (PmApi *api, const char *region, GError **error);
gboolean    pm_test_api_claim (PmApi *api, PmLinkClaim *link, gboolean add, GError **error);
GPtrArray * pm_test_api_get_metadata (PmApi *api, const char *region, PmProvider provider, GError **error);

/* Both the session's policy and entity stores have loaded and are not
 * loading again. */
gboolean    pm_test_session_loaded (PmSession *session);
/* The store's policy or entity of that name (the store keeps it alive), or NULL. */
PmPolicy *  pm_test_session_find_policy (PmSession *session, const char *name);
PmEntity *  pm_test_session_find_entity (PmSession *session, const char *name);

G_END_DECLS
