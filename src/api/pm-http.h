#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pm-api-error.h"

G_BEGIN_DECLS

#define PM_TYPE_HTTP (pm_http_get_type ())
G_DECLARE_FINAL_TYPE (PmHttp, pm_http, PM, HTTP, GObject)

/* One SoupSession for one profile: base URL ("https://api.elastic-cloud.com",
 * "https://ece.example:12443"), the API key (held in memory only, sent as
 * "Authorization: ApiKey …", never logged), an optional CA file trusted for
 * this profile only, timeouts, retries with backoff for idempotent requests.
 * Debug logging under G_MESSAGES_DEBUG=perimeter: method, path, status, time. */

PmHttp     *pm_http_new              (const char   *base_url,
                                      const char   *api_key,
                                      GError      **error);  /* PM_API_ERROR_INSECURE for http:// off loopback */
gboolean    pm_http_set_ca_file      (PmHttp       *self,
                                      const char   *ca_file,
                                      GError      **error);
const char *pm_http_get_base_url     (PmHttp       *self);
/* Seconds of silence on a connection before a request fails with
 * PM_API_ERROR_TIMEOUT (default 30), and how long an idle connection is
 * kept. Applies to connections opened afterwards (while libsoup needs it,
 * each request has a connection of its own: pm-libsoup-bugs.h). */
void        pm_http_set_timeout      (PmHttp       *self,
                                      guint         seconds);
/* Retry policy for idempotent requests (and any request that failed before
 * it was sent): at most max_attempts in total, within max_total_ms. It is
 * also each request's deadline: however slowly a server sends, a request
 * ends (PM_API_ERROR_TIMEOUT) after max_total_ms, or after the inactivity
 * timeout when that is longer. */
void        pm_http_set_retry_policy (PmHttp       *self,
                                      guint         max_attempts,
                                      guint         base_delay_ms,
                                      guint         max_total_ms);

/* The limiter every request goes through: at most max_in_flight attempts
 * at once, at most per_second a second over time, in bursts of up to
 * burst (defaults 4, 20, 120). Requests beyond wait, in order, and a
 * cancelled or timed-out one stops waiting. The session opens at most 4
 * connections to the host, so a higher max_in_flight waits in libsoup. */
void        pm_http_set_limits       (PmHttp       *self,
                                      guint         max_in_flight,
                                      guint         per_second,
                                      guint         burst);

/* What this client has sent since it was made. */
typedef struct {
  guint64 requests;       /* attempts sent, retries included */
  guint64 connections;    /* TCP connections opened */
  guint64 handshakes;     /* TLS handshakes made */
  guint64 waited;         /* attempts the limiter held back */
  guint   max_in_flight;  /* the most attempts at once */
} PmHttpCounts;
void        pm_http_get_counts       (PmHttp       *self,
                                      PmHttpCounts *counts);

typedef struct {
  guint           status;
  JsonNode       *body;        /* parsed reply, NULL for an empty body (or when read) */
  char           *etag;        /* ETag header, or NULL */
  gpointer        result;      /* what the read function made of the body, or NULL */
  GDestroyNotify  result_free;
  GError         *read_error;  /* or why it could not */
} PmHttpReply;
void        pm_http_reply_free       (PmHttpReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmHttpReply, pm_http_reply_free)

/* method: "GET", "POST", "PUT", "PATCH", "DELETE". path is relative to the
 * base URL and already has its query string ("/api/v1/…?region=x"); body may
 * be NULL; if_match may be NULL. The JSON is serialized and parsed in a
 * worker thread. A 2xx answer gives a reply; anything else a PM_API_ERROR
 * with details. */
void         pm_http_request_async   (PmHttp              *self,
                                      const char          *method,
                                      const char          *path,
                                      JsonNode            *body,
                                      const char          *if_match,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* Reads a successful reply's bytes in the worker thread in place of parsing
 * them into one tree (for large lists). Returns the result, or NULL and an
 * error: PM_JSON_ERROR_PARSE when the bytes are not JSON (the reply could
 * not be read: asked again when that is safe, as for any request), another
 * error for JSON of the wrong shape, given back in reply->read_error. */
typedef gpointer (*PmHttpReadFunc) (GBytes   *body,
                                    gpointer  read_data,
                                    GError  **error);
/* As pm_http_request_async(), the body of a 2xx answer read by read
 * (read_data must outlive the request; result_free frees a result). */
void         pm_http_request_read_async (PmHttp              *self,
                                         const char          *method,
                                         const char          *path,
                                         JsonNode            *body,
                                         const char          *if_match,
                                         PmHttpReadFunc       read,
                                         gpointer             read_data,
                                         GDestroyNotify       result_free,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
PmHttpReply *pm_http_request_finish  (PmHttp              *self,
                                      GAsyncResult        *result,
                                      GError             **error);

/* After a request has finished: whether an attempt before the last one
 * may have reached the server without its outcome being known (a reset
 * after sending, a time-out, a reply cut off, a 504). The final answer may
 * then describe what that earlier attempt did: a 404 to a repeated DELETE,
 * a 412 to a repeated PATCH with If-Match. */
gboolean     pm_http_request_was_uncertain (PmHttp       *self,
                                            GAsyncResult *result);

/* The session, for tests and tools that watch the exchanges (e.g. connect
 * to "request-queued" to read response headers). */
SoupSession *pm_http_get_session     (PmHttp     *self);

/* A curl command for a request with the key written as $EC_API_KEY. */
char        *pm_http_format_curl     (PmHttp     *self,
                                      const char *method,
                                      const char *path,
                                      JsonNode   *body);

G_END_DECLS
