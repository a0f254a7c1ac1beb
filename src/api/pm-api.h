#pragma once

#include <gio/gio.h>

#include "pm-api-error.h"
#include "pm-enums.h"
#include "pm-policy.h"
#include "pm-entity.h"
#include "pm-link-claim.h"
#include "pm-http.h"

G_BEGIN_DECLS

#define PM_TYPE_API (pm_api_get_type ())
G_DECLARE_INTERFACE (PmApi, pm_api, PM, API, GObject)

/* The operations of one Elastic Cloud API, asynchronous (GTask), with two
 * implementations: PmRulesetApi (Hosted and ECE) and PmServerlessApi.
 * Every *_finish returns a new reference / new array (free with
 * g_ptr_array_unref; arrays own their elements) or NULL with a PM_API_ERROR.
 * Replies are parsed off the main thread. */

typedef enum {
  PM_API_LIST_INCLUDE_ASSOCIATIONS = 1 << 0,
} PmApiListFlags;

struct _PmApiInterface
{
  GTypeInterface parent_iface;

  PmFlavour  (*get_flavour)            (PmApi *self);

  void       (*list_policies_async)    (PmApi *self, const char *region, PmApiListFlags flags,
                                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  GPtrArray *(*list_policies_finish)   (PmApi *self, GAsyncResult *result, GError **error);

  void       (*get_policy_async)       (PmApi *self, const char *id, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
  PmPolicy  *(*get_policy_finish)      (PmApi *self, GAsyncResult *result, GError **error);

  void       (*create_policy_async)    (PmApi *self, PmPolicy *policy, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
  PmPolicy  *(*create_policy_finish)   (PmApi *self, GAsyncResult *result, GError **error);

  void       (*update_policy_async)    (PmApi *self, PmPolicy *policy, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
  PmPolicy  *(*update_policy_finish)   (PmApi *self, GAsyncResult *result, GError **error);

  void       (*delete_policy_async)    (PmApi *self, const char *id, gboolean ignore_associations,
                                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  gboolean   (*delete_policy_finish)   (PmApi *self, GAsyncResult *result, GError **error);

  void       (*list_associations_async) (PmApi *self, const char *policy_id, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
  GPtrArray *(*list_associations_finish) (PmApi *self, GAsyncResult *result, GError **error);

  void       (*associate_async)        (PmApi *self, const char *policy_id, PmEntity *entity,
                                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  gboolean   (*associate_finish)       (PmApi *self, GAsyncResult *result, GError **error);

  void       (*disassociate_async)     (PmApi *self, const char *policy_id, PmEntity *entity,
                                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  gboolean   (*disassociate_finish)    (PmApi *self, GAsyncResult *result, GError **error);

  void       (*list_entity_policies_async)  (PmApi *self, PmEntity *entity, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
  GPtrArray *(*list_entity_policies_finish) (PmApi *self, GAsyncResult *result, GError **error);

  void       (*list_entities_async)    (PmApi *self, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
  GPtrArray *(*list_entities_finish)   (PmApi *self, GAsyncResult *result, GError **error);

  void       (*list_claims_async)      (PmApi *self, const char *region, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
  GPtrArray *(*list_claims_finish)     (PmApi *self, GAsyncResult *result, GError **error);

  void       (*claim_async)            (PmApi *self, PmLinkClaim *claim, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
  gboolean   (*claim_finish)           (PmApi *self, GAsyncResult *result, GError **error);

  void       (*unclaim_async)          (PmApi *self, PmLinkClaim *claim, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
  gboolean   (*unclaim_finish)         (PmApi *self, GAsyncResult *result, GError **error);

  void       (*get_metadata_async)     (PmApi *self, const char *region, PmProvider provider,
                                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
  GPtrArray *(*get_metadata_finish)    (PmApi *self, GAsyncResult *result, GError **error);
};

PmFlavour  pm_api_get_flavour             (PmApi *self);
gboolean   pm_api_supports_claims         (PmApi *self);   /* Hosted and ECE (same link-id endpoints) */
gboolean   pm_api_supports_metadata       (PmApi *self);   /* Serverless only */

/* Policies, with associations when flags ask (Hosted/ECE include_associations;
 * Serverless: derived from the projects). Serverless follows next_page. */
void       pm_api_list_policies_async     (PmApi *self, const char *region, PmApiListFlags flags,
                                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *pm_api_list_policies_finish    (PmApi *self, GAsyncResult *result, GError **error);
/* What a listing's result has to say beside its items, in words, or NULL:
 * entries the server sent that were left out (no id), a pager that was
 * stopped. For the result of any pm_api_list_*_async. */
const char *pm_api_get_notice             (GAsyncResult *result);
void       pm_api_get_policy_async        (PmApi *self, const char *id, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
PmPolicy  *pm_api_get_policy_finish       (PmApi *self, GAsyncResult *result, GError **error);
/* Returns the created policy with its id (Hosted answers only {id}: the
 * client reads it back). A create whose reply was lost is reconciled by
 * listing, never repeated blindly. */
void       pm_api_create_policy_async     (PmApi *self, PmPolicy *policy, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
PmPolicy  *pm_api_create_policy_finish    (PmApi *self, GAsyncResult *result, GError **error);
/* Hosted/ECE: PUT of the whole policy, unknown fields included. Serverless:
 * PATCH with If-Match from the policy's etag when it has one. */
void       pm_api_update_policy_async     (PmApi *self, PmPolicy *policy, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
PmPolicy  *pm_api_update_policy_finish    (PmApi *self, GAsyncResult *result, GError **error);
void       pm_api_delete_policy_async     (PmApi *self, const char *id, gboolean ignore_associations,
                                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean   pm_api_delete_policy_finish    (PmApi *self, GAsyncResult *result, GError **error);
void       pm_api_list_associations_async (PmApi *self, const char *policy_id, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *pm_api_list_associations_finish (PmApi *self, GAsyncResult *result, GError **error);
/* Serverless: read-modify-write of the project's complete traffic_filters
 * with If-Match; a lost race is PM_API_ERROR_CONFLICT. */
void       pm_api_associate_async         (PmApi *self, const char *policy_id, PmEntity *entity,
                                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean   pm_api_associate_finish        (PmApi *self, GAsyncResult *result, GError **error);
void       pm_api_disassociate_async      (PmApi *self, const char *policy_id, PmEntity *entity,
                                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean   pm_api_disassociate_finish     (PmApi *self, GAsyncResult *result, GError **error);
void       pm_api_list_entity_policies_async  (PmApi *self, PmEntity *entity, GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *pm_api_list_entity_policies_finish (PmApi *self, GAsyncResult *result, GError **error);
/* Deployments (Hosted/ECE) or projects of all three types (Serverless). */
void       pm_api_list_entities_async     (PmApi *self, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *pm_api_list_entities_finish    (PmApi *self, GAsyncResult *result, GError **error);
void       pm_api_list_claims_async       (PmApi *self, const char *region, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *pm_api_list_claims_finish      (PmApi *self, GAsyncResult *result, GError **error);
void       pm_api_claim_async             (PmApi *self, PmLinkClaim *claim, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean   pm_api_claim_finish            (PmApi *self, GAsyncResult *result, GError **error);
void       pm_api_unclaim_async           (PmApi *self, PmLinkClaim *claim, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean   pm_api_unclaim_finish          (PmApi *self, GAsyncResult *result, GError **error);
/* Serverless metadata → PmRegion rows; region and provider may be NULL/NONE. */
void       pm_api_get_metadata_async      (PmApi *self, const char *region, PmProvider provider,
                                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *pm_api_get_metadata_finish     (PmApi *self, GAsyncResult *result, GError **error);

/* A client for a profile: Hosted/ECE → PmRulesetApi, Serverless → PmServerlessApi. */
PmApi     *pm_api_new_for_flavour         (PmFlavour flavour, PmHttp *http);

G_END_DECLS
