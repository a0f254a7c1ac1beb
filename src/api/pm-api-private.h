#pragma once

#include "pm-api.h"
#include "pm-json.h"

G_BEGIN_DECLS

/* Shared by PmRulesetApi and PmServerlessApi. */

/* Turns a reply body into objects; runs in a worker thread. */
typedef gpointer (*PmApiReadFunc) (JsonNode  *node,
                                   PmFlavour  flavour,
                                   GError   **error);

/* One request whose reply is read by func off the main thread. With func
 * NULL, the result is GINT_TO_POINTER (TRUE). etag_out (nullable) receives
 * the reply's ETag. */
void      pm_api_call_async        (PmHttp              *http,
                                    const char          *method,
                                    const char          *path,
                                    JsonNode            *body,
                                    const char          *if_match,
                                    PmApiReadFunc        func,
                                    PmFlavour            flavour,
                                    GDestroyNotify       result_free,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* A GET whose reply (a large list) is read straight from its bytes by func
 * in a worker thread, never held as one tree; finish with
 * pm_api_call_finish(). */
typedef gpointer (*PmApiReadBytesFunc) (GBytes    *bytes,
                                        PmFlavour  flavour,
                                        GError   **error);
void      pm_api_call_list_async   (PmHttp              *http,
                                    const char          *path,
                                    PmApiReadBytesFunc   func,
                                    PmFlavour            flavour,
                                    GDestroyNotify       result_free,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gpointer  pm_api_call_finish       (GAsyncResult        *result,
                                    char               **etag_out,
                                    GError             **error);

/* Callbacks for a pm_api_call_async whose user_data is the outer GTask:
 * return the result through it. */
void      pm_api_forward_array     (GObject *source, GAsyncResult *result, gpointer user_data);
void      pm_api_forward_object    (GObject *source, GAsyncResult *result, gpointer user_data);
void      pm_api_forward_boolean   (GObject *source, GAsyncResult *result, gpointer user_data);

/* Lenient in: how many elements a call's reply reader left out (no id);
 * and notices for the outer task, which pm_api_get_notice() gives. */
guint      pm_api_call_get_left_out  (GAsyncResult *result);
void       pm_api_task_add_notice    (GTask        *task,
                                      const char   *notice);
void       pm_api_task_note_left_out (GTask        *task,
                                      guint         n_left_out);

GPtrArray *pm_api_propagate_array  (PmApi *self, GAsyncResult *result, GError **error);
PmPolicy  *pm_api_propagate_policy (PmApi *self, GAsyncResult *result, GError **error);
gboolean   pm_api_propagate_boolean (PmApi *self, GAsyncResult *result, GError **error);

/* Readers for pm_api_call_async. */
gpointer  pm_api_read_policy       (JsonNode *node, PmFlavour flavour, GError **error);
gpointer  pm_api_read_policy_list_bytes (GBytes *bytes, PmFlavour flavour, GError **error);

/* A path segment escaped for a URL. */
char     *pm_api_escape            (const char *segment);
/* Appends "?name=value" or "&name=value" (value escaped); nothing when value is NULL. */
void      pm_api_append_query      (GString    *path,
                                    const char *name,
                                    const char *value);

/* Same name, type, region and rules (rule ids aside): how a create whose
 * reply was lost is recognised. */
gboolean  pm_api_policy_matches    (PmPolicy *submitted,
                                    PmPolicy *found);

/* Whether actual holds everything expected says: the members of expected
 * objects (others may be added), arrays element for element, equal values.
 * How a write whose reply was lost is recognised by reading back. */
gboolean  pm_api_json_has          (JsonNode *expected,
                                    JsonNode *actual);

/* A create's read-back after an unanswered POST: should the listing be
 * consulted? (The request may have been acted on.) */
gboolean  pm_api_error_may_have_acted (const GError *error);

G_END_DECLS
