/* pm-http.c: one SoupSession for one profile, with JSON bodies, error
 * mapping, retries with backoff and redacted logging
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "perimeter"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pm-background.h"
#include "pm-http.h"
#include "pm-json.h"
#include "pm-libsoup-bugs.h"

#define DEFAULT_TIMEOUT_S      30
#define DEFAULT_MAX_ATTEMPTS   4
#define DEFAULT_BASE_DELAY_MS  250
#define DEFAULT_MAX_TOTAL_MS   20000
#define MAX_DELAY_MS           10000
/* The limiter's defaults: as many attempts at once as the session opens
 * connections to a host; a refresh of the largest organization (113
 * requests, Serverless, 1,024 policies and 10,000 projects in pages of
 * 100) fits in one burst. */
#define DEFAULT_MAX_IN_FLIGHT  4
#define DEFAULT_PER_SECOND     20
#define DEFAULT_BURST          120
#define STATUS_TOO_MANY_REQUESTS 429

struct _PmHttp
{
  GObject       parent_instance;

  SoupSession  *session;
  char         *base_url;     /* without a trailing slash */
  char         *api_key;
  guint         timeout;
  guint         max_attempts;
  guint         base_delay_ms;
  guint         max_total_ms;

  /* The limiter: see send_attempt () */
  guint         max_in_flight;
  guint         in_flight;
  double        per_second;
  double        burst;
  double        tokens;
  gint64        refilled_us;
  GQueue        waiting;      /* of GTask, each holding a reference */
  GSource      *pump;         /* wakes the queue when a token is due */

  PmHttpCounts  counts;
  gboolean      new_connections;  /* one per request: pm-libsoup-bugs.c */
};

G_DEFINE_FINAL_TYPE (PmHttp, pm_http, G_TYPE_OBJECT)

/* Bodies up to this size are read into a buffer of the size the reply
 * announces; a larger announcement is not trusted that far. */
#define MAX_PRESIZED_BODY (64 * 1024 * 1024)

typedef struct
{
  char            *method;
  char            *path;
  char            *if_match;
  GBytes          *body_bytes;
  SoupMessage     *msg;
  GSource         *timer;
  GSource         *cancel_source;
  GSource         *deadline;        /* the whole request's time limit */
  GCancellable    *cancellable;     /* cancelled by the caller's or the deadline */
  GCancellable    *user_cancellable;
  gulong           user_cancelled_id;
  gboolean         deadline_hit;
  gboolean         uncertain;       /* an attempt may have reached the server unanswered */
  gint64           started_us;
  gint64           attempt_started_us;
  guint            attempt;
  gboolean         headers_written;
  gboolean         holds_slot;      /* counted in the limiter's in_flight */
  GTlsCertificate *peer_certificate;
  GTlsCertificateFlags peer_errors;
  PmHttpReadFunc   read;            /* reads a 2xx body in place of parsing it */
  gpointer         read_data;
  GDestroyNotify   result_free;
} Request;

static void send_attempt (GTask *task);

static void
source_destroy_and_unref (GSource *source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static void
request_free (gpointer data)
{
  Request *req = data;

  g_clear_pointer (&req->timer, source_destroy_and_unref);
  g_clear_pointer (&req->cancel_source, source_destroy_and_unref);
  g_clear_pointer (&req->deadline, source_destroy_and_unref);
  if (req->user_cancelled_id != 0)
    g_cancellable_disconnect (req->user_cancellable, req->user_cancelled_id);
  g_clear_object (&req->user_cancellable);
  g_clear_object (&req->cancellable);
  g_free (req->method);
  g_free (req->path);
  g_free (req->if_match);
  g_clear_pointer (&req->body_bytes, g_bytes_unref);
  g_clear_object (&req->msg);
  g_clear_object (&req->peer_certificate);
  g_free (req);
}

void
pm_http_reply_free (PmHttpReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->body, json_node_unref);
  g_free (reply->etag);
  if (reply->result != NULL && reply->result_free != NULL)
    reply->result_free (reply->result);
  g_clear_error (&reply->read_error);
  g_free (reply);
}

static void
pm_http_dispose (GObject *object)
{
  PmHttp *self = PM_HTTP (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  /* Every waiting request holds a reference: none is left by now. */
  g_assert (g_queue_is_empty (&self->waiting));
  g_clear_pointer (&self->pump, source_destroy_and_unref);

  G_OBJECT_CLASS (pm_http_parent_class)->dispose (object);
}

static void
pm_http_finalize (GObject *object)
{
  PmHttp *self = PM_HTTP (object);

  if (self->api_key != NULL)
    {
      /* volatile keeps the compiler from dropping the wipe of memory about to be freed */
      volatile char *p = self->api_key;
      gsize len = strlen (self->api_key);

      while (len--)
        *p++ = '\0';
      g_free (self->api_key);
    }
  g_free (self->base_url);

  G_OBJECT_CLASS (pm_http_parent_class)->finalize (object);
}

static void
pm_http_class_init (PmHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pm_http_dispose;
  object_class->finalize = pm_http_finalize;
}

static void
pm_http_init (PmHttp *self)
{
  self->timeout = DEFAULT_TIMEOUT_S;
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->base_delay_ms = DEFAULT_BASE_DELAY_MS;
  self->max_total_ms = DEFAULT_MAX_TOTAL_MS;
  self->new_connections = pm_libsoup_reuse_crashes ();
  self->max_in_flight = DEFAULT_MAX_IN_FLIGHT;
  self->per_second = DEFAULT_PER_SECOND;
  self->burst = DEFAULT_BURST;
  self->tokens = DEFAULT_BURST;
  self->refilled_us = g_get_monotonic_time ();
  g_queue_init (&self->waiting);
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  /* GUri keeps the brackets of an IPv6 literal off, but be lenient */
  if (host[0] == '[')
    bare = g_strndup (host + 1, strlen (host) - (g_str_has_suffix (host, "]") ? 2 : 1));
  address = g_inet_address_new_from_string (bare != NULL ? bare : host);

  return address != NULL && g_inet_address_get_is_loopback (address);
}

PmHttp *
pm_http_new (const char  *base_url,
             const char  *api_key,
             GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  PmHttp *self;
  const char *scheme;
  gsize len;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (api_key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (const char *c = api_key; *c != '\0'; c++)
    if ((guchar) *c < 0x20 || (guchar) *c == 0x7f)
      {
        /* never echo the key itself */
        g_propagate_error (error,
                           pm_api_error_new (PM_API_ERROR_INVALID, NULL,
                                             _("The API key contains a line break or another control character. Paste the key again without them.")));
        return NULL;
      }

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_propagate_error (error,
                         pm_api_error_new (PM_API_ERROR_INVALID, NULL,
                                           _("“%s” is not a valid address. Enter an address such as https://api.elastic-cloud.com."),
                                           base_url));
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0
      && !(g_ascii_strcasecmp (scheme, "http") == 0 && host_is_loopback (g_uri_get_host (uri))))
    {
      g_propagate_error (error,
                         pm_api_error_new (PM_API_ERROR_INSECURE, NULL,
                                           _("The address %s does not use https://. Use an https:// address; plain http:// is only allowed to this computer."),
                                           base_url));
      return NULL;
    }
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL
      || g_uri_get_userinfo (uri) != NULL)
    {
      g_propagate_error (error,
                         pm_api_error_new (PM_API_ERROR_INVALID, NULL,
                                           _("The address %s must not contain a user name, query or fragment. Enter only the scheme, host and port."),
                                           base_url));
      return NULL;
    }

  self = g_object_new (PM_TYPE_HTTP, NULL);
  self->base_url = g_strdup (base_url);
  len = strlen (self->base_url);
  while (len > 0 && self->base_url[len - 1] == '/')
    self->base_url[--len] = '\0';
  self->api_key = g_strdup (api_key);

  /* As many connections to the host as the limiter lets requests be in
   * flight: libsoup's default of 2 queued a Serverless refresh's four
   * listings (policies, three project types) two by two. */
  self->session = soup_session_new_with_options ("max-conns-per-host", DEFAULT_MAX_IN_FLIGHT, NULL);
  soup_session_set_user_agent (self->session, "Perimeter/" PACKAGE_VERSION);
  soup_session_set_timeout (self->session, self->timeout);
  soup_session_set_idle_timeout (self->session, self->timeout);
  /* This computer is never reached through a proxy (GNOME's proxy settings
   * leave it out by default), and the system's proxy lookup runs in a
   * thread for each connection, each request being on one of its own: the
   * sandbox's replies came a thread's round trip later. */
  if (host_is_loopback (g_uri_get_host (uri)))
    soup_session_set_proxy_resolver (self->session, NULL);

  return self;
}

gboolean
pm_http_set_ca_file (PmHttp      *self,
                     const char  *ca_file,
                     GError     **error)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (PM_IS_HTTP (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (ca_file == NULL || *ca_file == '\0')
    {
      soup_session_set_tls_database (self->session, NULL);
      return TRUE;
    }

  database = g_tls_file_database_new (ca_file, &local_error);
  if (database == NULL)
    {
      g_propagate_error (error,
                         pm_api_error_new (PM_API_ERROR_TLS, NULL,
                                           _("The certificate authority file %s could not be read: %s. Choose a PEM file with the CA certificate."),
                                           ca_file, local_error->message));
      return FALSE;
    }

  soup_session_set_tls_database (self->session, database);
  return TRUE;
}

const char *
pm_http_get_base_url (PmHttp *self)
{
  g_return_val_if_fail (PM_IS_HTTP (self), NULL);

  return self->base_url;
}

void
pm_http_set_timeout (PmHttp *self,
                     guint   seconds)
{
  g_return_if_fail (PM_IS_HTTP (self));

  self->timeout = seconds;
  soup_session_set_timeout (self->session, seconds);
  soup_session_set_idle_timeout (self->session, seconds);
}

void
pm_http_set_retry_policy (PmHttp *self,
                          guint   max_attempts,
                          guint   base_delay_ms,
                          guint   max_total_ms)
{
  g_return_if_fail (PM_IS_HTTP (self));

  self->max_attempts = MAX (max_attempts, 1);
  self->base_delay_ms = base_delay_ms;
  self->max_total_ms = max_total_ms;
}

SoupSession *
pm_http_get_session (PmHttp *self)
{
  g_return_val_if_fail (PM_IS_HTTP (self), NULL);

  return self->session;
}

char *
pm_http_format_curl (PmHttp     *self,
                     const char *method,
                     const char *path,
                     JsonNode   *body)
{
  g_autofree char *url = NULL;
  g_autofree char *quoted_url = NULL;
  GString *out;

  g_return_val_if_fail (PM_IS_HTTP (self), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  url = g_strconcat (self->base_url, path, NULL);
  quoted_url = g_shell_quote (url);

  out = g_string_new ("curl");
  if (g_strcmp0 (method, "GET") != 0)
    g_string_append_printf (out, " -X %s", method);
  g_string_append (out, " \\\n  -H \"Authorization: ApiKey $EC_API_KEY\"");
  if (body != NULL)
    {
      g_autofree char *json = pm_json_to_string (body, TRUE);
      g_autofree char *quoted = g_shell_quote (json);

      g_string_append (out, " \\\n  -H 'Content-Type: application/json'");
      g_string_append_printf (out, " \\\n  %s", quoted_url);
      g_string_append_printf (out, " \\\n  -d %s", quoted);
    }
  else
    {
      g_string_append_printf (out, " \\\n  %s", quoted_url);
    }

  return g_string_free (out, FALSE);
}

/* Errors */

static char *
details_suffix (const PmApiErrorDetails *details)
{
  if (details == NULL || details->message == NULL || *details->message == '\0')
    return g_strdup ("");
  /* Translators: the API's own explanation, appended to a message */
  return g_strdup_printf (_(" The server said: “%s”"), details->message);
}

static GError *
error_for_status (guint                    status,
                  const PmApiErrorDetails *details)
{
  g_autofree char *said = details_suffix (details);

  switch (status)
    {
    case SOUP_STATUS_BAD_REQUEST:
    case 422:
      return pm_api_error_new (PM_API_ERROR_INVALID, details,
                               _("The request was refused as invalid. Check the highlighted fields and try again.%s"),
                               said);
    case SOUP_STATUS_UNAUTHORIZED:
      return pm_api_error_new (PM_API_ERROR_UNAUTHORIZED, details,
                               _("The API key was refused. Check that it is valid and has not expired.%s"),
                               said);
    case SOUP_STATUS_FORBIDDEN:
      return pm_api_error_new (PM_API_ERROR_FORBIDDEN, details,
                               _("The API key is not allowed to do this. Check the key’s role and organization.%s"),
                               said);
    case SOUP_STATUS_NOT_FOUND:
      return pm_api_error_new (PM_API_ERROR_NOT_FOUND, details,
                               _("It was not found; it may have been deleted. Refresh and try again.%s"),
                               said);
    case SOUP_STATUS_CONFLICT:
    case SOUP_STATUS_PRECONDITION_FAILED:
      return pm_api_error_new (PM_API_ERROR_CONFLICT, details,
                               _("It was changed by someone else at the same time. Refresh to see the latest version, then try again.%s"),
                               said);
    case STATUS_TOO_MANY_REQUESTS:
      if (details != NULL && details->retry_after > 0)
        return pm_api_error_new (PM_API_ERROR_RATE_LIMITED, details,
                                 ngettext ("Too many requests were sent. Try again in %u second.",
                                           "Too many requests were sent. Try again in %u seconds.",
                                           details->retry_after),
                                 details->retry_after);
      return pm_api_error_new (PM_API_ERROR_RATE_LIMITED, details,
                               _("Too many requests were sent. Wait a moment and try again."));
    default:
      break;
    }

  if (status >= 500)
    return pm_api_error_new (PM_API_ERROR_SERVER, details,
                             _("The server had a problem (HTTP %u). Try again later.%s"),
                             status, said);

  return pm_api_error_new (PM_API_ERROR_FAILED, details,
                           _("The server answered with an unexpected status (HTTP %u).%s"),
                           status, said);
}

static GError *
error_for_tls (const GError         *error,
               GTlsCertificate      *certificate,
               GTlsCertificateFlags  flags)
{
  g_autofree char *issuer = NULL;
  PmApiErrorDetails details = { 0, };

  if (certificate != NULL)
    issuer = g_tls_certificate_get_issuer_name (certificate);
  details.message = issuer;

  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return pm_api_error_new (PM_API_ERROR_TLS, &details,
                             _("The server’s certificate is for another host name (issued by %s). Check the address."),
                             issuer != NULL ? issuer : _("an unknown issuer"));
  if (flags & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
    return pm_api_error_new (PM_API_ERROR_TLS, &details,
                             _("The server’s certificate (issued by %s) has expired or is not yet valid. Check the server’s certificate and this computer’s clock."),
                             issuer != NULL ? issuer : _("an unknown issuer"));
  if (issuer != NULL)
    return pm_api_error_new (PM_API_ERROR_TLS, &details,
                             _("The server’s certificate is not trusted: it was issued by %s. If this is your private certificate authority, add its CA file to the profile."),
                             issuer);
  return pm_api_error_new (PM_API_ERROR_TLS, &details,
                           _("A secure connection could not be made: %s. Check the address and the certificate authority file."),
                           error->message);
}

static gboolean
is_transport_retryable (const GError *error)
{
  if (error->domain == G_RESOLVER_ERROR)
    return error->code == G_RESOLVER_ERROR_TEMPORARY_FAILURE;
  if (error->domain != G_IO_ERROR)
    return FALSE;

  switch (error->code)
    {
    case G_IO_ERROR_CONNECTION_REFUSED:
    case G_IO_ERROR_CONNECTION_CLOSED:
    case G_IO_ERROR_HOST_UNREACHABLE:
    case G_IO_ERROR_NETWORK_UNREACHABLE:
    case G_IO_ERROR_TIMED_OUT:
    case G_IO_ERROR_PARTIAL_INPUT:
    case G_IO_ERROR_FAILED:
      return TRUE;
    default:
      return FALSE;
    }
}

static GError *
error_for_transport (const GError *error,
                     Request      *req)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (error->domain == G_TLS_ERROR)
    return error_for_tls (error, req->peer_certificate, req->peer_errors);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return pm_api_error_new (PM_API_ERROR_TIMEOUT, NULL,
                             _("The server did not answer in time. Check your network connection and try again."));

  /* Cut off after the status line: the reply is unusable. Before it: the
   * connection was lost. */
  if ((g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT)
       && req->msg != NULL && soup_message_get_status (req->msg) != SOUP_STATUS_NONE)
      || error->domain == SOUP_SESSION_ERROR)
    return pm_api_error_new (PM_API_ERROR_BAD_REPLY, NULL,
                             _("The server’s reply was cut off or could not be read (%s). Try again."),
                             error->message);

  return pm_api_error_new (PM_API_ERROR_NETWORK, NULL,
                           _("The server could not be reached: %s. Check your network connection, proxy settings and the address."),
                           error->message);
}

/* The limiter
 *
 * Everything this client sends to its account goes through here, so that
 * no bug (a pager that never ends, a retry storm, a loop in a page) can
 * flood the API: at most max_in_flight attempts at once, and over time at
 * most per_second a second, in bursts of up to burst (a token bucket).
 * An attempt holds its slot from the moment it is sent until its reply has
 * been read or it failed; retries wait their turn again. Waiting requests
 * start in the order they came. */

static void start_attempt (GTask *task);
static void handle_transport_error (GTask *owned_task, GError *owned_error);

static gboolean
may_start (PmHttp *self)
{
  gint64 now;

  if (self->in_flight >= self->max_in_flight)
    return FALSE;
  now = g_get_monotonic_time ();
  self->tokens = MIN (self->burst,
                      self->tokens + (double) (now - self->refilled_us) * self->per_second / G_USEC_PER_SEC);
  self->refilled_us = now;
  return self->tokens >= 1.0;
}

static void
take_slot (PmHttp  *self,
           Request *req)
{
  self->in_flight++;
  self->tokens -= 1.0;
  req->holds_slot = TRUE;
  self->counts.requests++;
  self->counts.max_in_flight = MAX (self->counts.max_in_flight, self->in_flight);
}

static void pump (PmHttp *self);

static gboolean
on_pump (gpointer user_data)
{
  PmHttp *self = user_data;

  g_clear_pointer (&self->pump, g_source_unref);
  pump (self);
  return G_SOURCE_REMOVE;
}

/* Starts waiting requests while the limits allow; when only a token is
 * missing, wakes up when the next one is due. */
static void
pump (PmHttp *self)
{
  while (!g_queue_is_empty (&self->waiting) && may_start (self))
    {
      GTask *task = g_queue_pop_head (&self->waiting);
      Request *req = g_task_get_task_data (task);

      g_clear_pointer (&req->cancel_source, source_destroy_and_unref);
      take_slot (self, req);
      start_attempt (task);
    }

  if (!g_queue_is_empty (&self->waiting) && self->in_flight < self->max_in_flight && self->pump == NULL)
    {
      GTask *head = g_queue_peek_head (&self->waiting);
      guint ms = (guint) ((1.0 - self->tokens) * 1000.0 / self->per_second) + 1;

      self->pump = g_timeout_source_new (ms);
      g_source_set_static_name (self->pump, "[perimeter] request limiter");
      g_source_set_callback (self->pump, on_pump, self, NULL);
      g_source_attach (self->pump, g_task_get_context (head));
    }
}

/* An attempt has ended (its reply read, or failed): its slot goes to the
 * next waiting request. */
static void
release_slot (GTask *task)
{
  PmHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);

  if (!req->holds_slot)
    return;
  req->holds_slot = FALSE;
  self->in_flight--;
  pump (self);
}

static gboolean
on_wait_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;
  PmHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);

  g_queue_remove (&self->waiting, task);
  g_clear_pointer (&req->cancel_source, source_destroy_and_unref);
  /* The caller's cancellation, or the request's deadline: a time-out */
  handle_transport_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "cancelled while waiting to be sent"));
  return G_SOURCE_REMOVE;
}

/* Takes over the reference to task. */
static void
send_attempt (GTask *task)
{
  PmHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (g_queue_is_empty (&self->waiting) && may_start (self))
    {
      take_slot (self, req);
      start_attempt (task);
      return;
    }

  self->counts.waited++;
  g_queue_push_tail (&self->waiting, task);
  req->cancel_source = g_cancellable_source_new (req->cancellable);
  g_source_set_callback (req->cancel_source, G_SOURCE_FUNC (on_wait_cancelled), task, NULL);
  g_source_attach (req->cancel_source, g_task_get_context (task));
  pump (self);
}

void
pm_http_set_limits (PmHttp *self,
                    guint   max_in_flight,
                    guint   per_second,
                    guint   burst)
{
  g_return_if_fail (PM_IS_HTTP (self));

  self->max_in_flight = MAX (max_in_flight, 1);
  self->per_second = MAX (per_second, 1);
  self->burst = MAX (burst, 1);
  self->tokens = MIN (self->tokens, self->burst);
  pump (self);
}

void
pm_http_get_counts (PmHttp       *self,
                    PmHttpCounts *counts)
{
  g_return_if_fail (PM_IS_HTTP (self));
  g_return_if_fail (counts != NULL);

  *counts = self->counts;
}

/* Retries */

static gboolean
method_is_idempotent (Request *req)
{
  return g_str_equal (req->method, "GET")
         || g_str_equal (req->method, "HEAD")
         || g_str_equal (req->method, "PUT")
         || g_str_equal (req->method, "DELETE")
         || (g_str_equal (req->method, "PATCH") && req->if_match != NULL);
}

static guint
backoff_delay_ms (PmHttp *self,
                  guint   attempt)
{
  guint64 delay = self->base_delay_ms;
  guint i;

  for (i = 1; i < attempt && delay < MAX_DELAY_MS; i++)
    delay *= 2;
  delay = MIN (delay, MAX_DELAY_MS);
  if (delay == 0)
    return 0;

  /* "equal jitter": half fixed, half random, so clients spread out */
  return (guint) (delay / 2 + g_random_int_range (0, (gint32) (delay / 2) + 1));
}

static gboolean
on_retry_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->timer, source_destroy_and_unref);
  g_clear_pointer (&req->cancel_source, source_destroy_and_unref);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static gboolean
on_retry_timer (gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  g_clear_pointer (&req->timer, source_destroy_and_unref);
  g_clear_pointer (&req->cancel_source, source_destroy_and_unref);
  send_attempt (task);

  return G_SOURCE_REMOVE;
}

/* Schedule another attempt after a backoff when the policy allows it;
 * FALSE when it does not (the caller then reports the error). */
static gboolean
maybe_retry (GTask *task,
             guint  retry_after_s)
{
  PmHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  gint64 elapsed_ms;
  guint delay;

  if (req->attempt >= self->max_attempts)
    return FALSE;

  delay = retry_after_s > 0 ? retry_after_s * 1000 : backoff_delay_ms (self, req->attempt);
  elapsed_ms = (g_get_monotonic_time () - req->started_us) / 1000;
  if (elapsed_ms + delay > self->max_total_ms)
    return FALSE;

  g_debug ("%s %s: retrying in %u ms (attempt %u of %u)",
           req->method, req->path, delay, req->attempt + 1, self->max_attempts);

  req->timer = g_timeout_source_new (delay);
  g_source_set_static_name (req->timer, "[perimeter] retry backoff");
  g_source_set_callback (req->timer, on_retry_timer, task, NULL);
  g_source_attach (req->timer, g_task_get_context (task));

  if (cancellable != NULL)
    {
      req->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (req->cancel_source, G_SOURCE_FUNC (on_retry_cancelled), task, NULL);
      g_source_attach (req->cancel_source, g_task_get_context (task));
    }

  return TRUE;
}

/* Parsing off the main thread */

typedef struct
{
  GBytes         *bytes;
  PmHttpReadFunc  read;        /* NULL: parse into a tree */
  gpointer        read_data;
  GDestroyNotify  result_free;
} Parse;

/* What a body parsed (or was read) to. */
typedef struct
{
  JsonNode       *node;
  gpointer        result;
  GDestroyNotify  result_free;
  GError         *read_error;
} Parsed;

static void
parse_free (gpointer data)
{
  Parse *parse = data;

  g_clear_pointer (&parse->bytes, g_bytes_unref);
  g_free (parse);
}

static void
parsed_free (gpointer data)
{
  Parsed *parsed = data;

  g_clear_pointer (&parsed->node, json_node_unref);
  if (parsed->result != NULL && parsed->result_free != NULL)
    parsed->result_free (parsed->result);
  g_clear_error (&parsed->read_error);
  g_free (parsed);
}

static void
parse_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Parse *parse = task_data;
  GError *error = NULL;
  Parsed *parsed;

  if (parse->bytes == NULL || g_bytes_get_size (parse->bytes) == 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  parsed = g_new0 (Parsed, 1);
  if (parse->read != NULL)
    {
      parsed->result = parse->read (parse->bytes, parse->read_data, &error);
      parsed->result_free = parse->result_free;
    }
  else
    parsed->node = pm_json_parse_bytes (parse->bytes, &error);
  /* The reply's bytes go now, not with the task in the main context. */
  g_clear_pointer (&parse->bytes, g_bytes_unref);

  if (error != NULL && (parse->read == NULL || g_error_matches (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE)))
    {
      parsed_free (parsed);
      g_task_return_error (task, error);
      return;
    }
  parsed->read_error = error;
  g_task_return_pointer (task, parsed, parsed_free);
}

static void
serialize_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  JsonNode *node = task_data;
  char *text = pm_json_to_string (node, FALSE);

  g_task_return_pointer (task, g_bytes_new_take (text, strlen (text)),
                         (GDestroyNotify) g_bytes_unref);
}

static guint
parse_retry_after (SoupMessage *msg)
{
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) now = NULL;
  const char *value;
  guint64 seconds;
  GTimeSpan diff;
  char *end = NULL;

  value = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  if (value == NULL)
    return 0;

  /* Delta-seconds, or an HTTP date (RFC 9110, 10.2.3) */
  seconds = g_ascii_strtoull (value, &end, 10);
  if (end != value && *end == '\0')
    return (guint) MIN (seconds, 3600);

  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return 0;
  now = g_date_time_new_now_utc ();
  diff = g_date_time_difference (date, now);
  if (diff <= 0)
    return 0;
  /* whole seconds, rounded up: never earlier than asked */
  return (guint) MIN ((diff + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND, 3600);
}

static void
log_attempt (Request *req,
             guint    status,
             const GError *error)
{
  gint64 ms = (g_get_monotonic_time () - req->attempt_started_us) / 1000;

  if (error != NULL)
    g_debug ("%s %s → %s (attempt %u, %" G_GINT64_FORMAT " ms)",
             req->method, req->path, error->message, req->attempt, ms);
  else
    g_debug ("%s %s → %u (attempt %u, %" G_GINT64_FORMAT " ms)",
             req->method, req->path, status, req->attempt, ms);
}

static void
on_parsed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) node = NULL;
  Parsed *parsed;
  Request *req = g_task_get_task_data (task);
  guint status = soup_message_get_status (req->msg);
  PmApiErrorDetails details = { 0, };
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_auto(GStrv) fields = NULL;

  parsed = g_task_propagate_pointer (G_TASK (result), &parse_error);
  if (parsed != NULL)
    node = g_steal_pointer (&parsed->node);
  if (g_error_matches (parse_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&parse_error));
      return;
    }

  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      PmHttpReply *reply;
      const char *etag;

      if (parse_error != NULL)
        {
          /* Cut off or not the API's: the server may have acted (a DELETE,
           * a PUT), so the repetition's answer may tell of this attempt. */
          if (!g_str_equal (req->method, "GET") && !g_str_equal (req->method, "HEAD"))
            req->uncertain = TRUE;
          if (method_is_idempotent (req) && maybe_retry (task, 0))
            {
              g_debug ("%s %s: the reply could not be read (%s); asking again",
                       req->method, req->path, parse_error->message);
              g_steal_pointer (&task);
              return;
            }
          g_task_return_error (task,
                               pm_api_error_new (PM_API_ERROR_BAD_REPLY, NULL,
                                                 _("The server’s reply could not be read: %s. It may come from a proxy or have been cut off; try again."),
                                                 parse_error->message));
          return;
        }

      reply = g_new0 (PmHttpReply, 1);
      reply->status = status;
      reply->body = g_steal_pointer (&node);
      if (parsed != NULL)
        {
          reply->result = g_steal_pointer (&parsed->result);
          reply->result_free = parsed->result_free;
          reply->read_error = g_steal_pointer (&parsed->read_error);
          parsed_free (parsed);
        }
      etag = soup_message_headers_get_one (soup_message_get_response_headers (req->msg), "ETag");
      reply->etag = g_strdup (etag);
      g_task_return_pointer (task, reply, (GDestroyNotify) pm_http_reply_free);
      return;
    }

  g_clear_pointer (&parsed, parsed_free);
  details.status = status;
  details.retry_after = status == STATUS_TOO_MANY_REQUESTS || status == 503
                        ? parse_retry_after (req->msg) : 0;
  if (node != NULL && pm_json_read_error_body (node, &code, &message, &fields))
    {
      details.code = code;
      details.message = message;
      details.fields = fields;
    }

  g_task_return_error (task, error_for_status (status, &details));
}

static gboolean
status_is_retryable (guint status)
{
  return status == STATUS_TOO_MANY_REQUESTS
         || status == SOUP_STATUS_BAD_GATEWAY
         || status == SOUP_STATUS_SERVICE_UNAVAILABLE
         || status == SOUP_STATUS_GATEWAY_TIMEOUT;
}

/* Both take over the reference to task. */
static void
handle_transport_error (GTask  *owned_task,
                        GError *owned_error)
{
  g_autoptr(GTask) task = owned_task;
  g_autoptr(GError) error = owned_error;
  Request *req = g_task_get_task_data (task);

  release_slot (task);
  /* The deadline cancelled the attempt: a time-out, not a cancellation */
  if (req->deadline_hit && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      g_clear_error (&error);
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "deadline passed");
    }

  log_attempt (req, 0, error);
  if (req->headers_written)
    req->uncertain = TRUE;
  /* A request that may have reached the server is only repeated when
   * repeating it is harmless; one that never left may always be. */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && is_transport_retryable (error)
      && (method_is_idempotent (req) || !req->headers_written)
      && !req->deadline_hit
      && maybe_retry (task, 0))
    {
      g_steal_pointer (&task);
      return;
    }
  g_task_return_error (task, error_for_transport (error, req));
}

static void
handle_reply (GTask  *owned_task,
              GBytes *owned_bytes)
{
  g_autoptr(GTask) task = owned_task;
  g_autoptr(GBytes) bytes = owned_bytes;
  g_autoptr(GTask) parse = NULL;
  Request *req = g_task_get_task_data (task);
  Parse *parse_data;
  guint status;

  release_slot (task);
  status = soup_message_get_status (req->msg);
  log_attempt (req, status, NULL);

  if (status == SOUP_STATUS_GATEWAY_TIMEOUT)
    req->uncertain = TRUE;   /* the server behind the gateway may have acted */
  if (status_is_retryable (status) && method_is_idempotent (req))
    {
      guint retry_after = parse_retry_after (req->msg);

      if (maybe_retry (task, retry_after))
        {
          g_steal_pointer (&task);
          return;
        }
    }

  parse = g_task_new (NULL, g_task_get_cancellable (task), on_parsed, g_object_ref (task));
  g_task_set_source_tag (parse, parse_thread);
  parse_data = g_new0 (Parse, 1);
  parse_data->bytes = g_steal_pointer (&bytes);
  /* Error replies are parsed for their message, whoever reads the rest. */
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      parse_data->read = req->read;
      parse_data->read_data = req->read_data;
      parse_data->result_free = req->result_free;
    }
  g_task_set_task_data (parse, parse_data, parse_free);
  pm_background_run (parse, parse_thread);
}

static void
on_body_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, &error) < 0)
    {
      handle_transport_error (task, error);
      return;
    }
  handle_reply (task, g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (source)));
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GOutputStream) memory = NULL;
  Request *req = g_task_get_task_data (task);
  SoupMessageHeaders *headers;
  goffset length;
  GError *error = NULL;

  body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      handle_transport_error (task, error);
      return;
    }

  /* A large reply grown by doubling held its old and new buffers at once
   * (and up to twice its size): take the announced size at the start. */
  headers = soup_message_get_response_headers (req->msg);
  length = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
           ? soup_message_headers_get_content_length (headers) : 0;
  if (length > 0 && length <= MAX_PRESIZED_BODY)
    memory = g_memory_output_stream_new (g_malloc (length), length, g_realloc, g_free);
  else
    memory = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (memory, body,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, req->cancellable, on_body_read, task);
}

static void
on_wrote_headers (SoupMessage *msg,
                  gpointer     user_data)
{
  Request *req = user_data;

  req->headers_written = TRUE;
}

static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  Request *req = user_data;

  /* Remember what was offered for the error message; never accept it. */
  g_set_object (&req->peer_certificate, certificate);
  req->peer_errors = errors;
  return FALSE;
}

static void
on_network_event (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            user_data)
{
  PmHttp *self = user_data;

  if (event == G_SOCKET_CLIENT_CONNECTED)
    self->counts.connections++;
  else if (event == G_SOCKET_CLIENT_TLS_HANDSHAKED)
    self->counts.handshakes++;
}

/* One attempt, admitted by the limiter (it holds a slot) */
static void
start_attempt (GTask *task)
{
  PmHttp *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  SoupMessageHeaders *headers;

  url = g_strconcat (self->base_url, req->path, NULL);
  g_clear_object (&req->msg);
  req->msg = soup_message_new (req->method, url);
  if (req->msg == NULL)
    {
      release_slot (task);
      g_task_return_error (task,
                           pm_api_error_new (PM_API_ERROR_FAILED, NULL,
                                             _("The request could not be made: %s is not a valid address."),
                                             req->path));
      g_object_unref (task);
      return;
    }

  req->attempt++;
  req->attempt_started_us = g_get_monotonic_time ();
  req->headers_written = FALSE;
  g_clear_object (&req->peer_certificate);
  req->peer_errors = 0;

  headers = soup_message_get_request_headers (req->msg);
  auth = g_strconcat ("ApiKey ", self->api_key, NULL);
  soup_message_headers_replace (headers, "Authorization", auth);
  memset (auth, 0, strlen (auth));
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (req->if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", req->if_match);
  if (req->body_bytes != NULL)
    soup_message_set_request_body_from_bytes (req->msg, "application/json", req->body_bytes);
  /* A request on a connection of its own while libsoup crashes when a
   * server drops a kept-alive one under a request (pm-libsoup-bugs.c) */
  if (self->new_connections)
    soup_message_add_flags (req->msg, SOUP_MESSAGE_NEW_CONNECTION);

  g_signal_connect (req->msg, "wrote-headers", G_CALLBACK (on_wrote_headers), req);
  g_signal_connect (req->msg, "accept-certificate", G_CALLBACK (on_accept_certificate), req);
  g_signal_connect (req->msg, "network-event", G_CALLBACK (on_network_event), self);

  soup_session_send_async (self->session, req->msg, G_PRIORITY_DEFAULT,
                           req->cancellable, on_sent, task);
}

static void
on_serialized (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  req->body_bytes = g_task_propagate_pointer (G_TASK (result), NULL);
  send_attempt (task);
}

static void
on_user_cancelled (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
on_deadline (gpointer user_data)
{
  Request *req = user_data;

  g_debug ("%s %s: the request's time is up", req->method, req->path);
  req->deadline_hit = TRUE;
  g_clear_pointer (&req->deadline, g_source_unref);
  g_cancellable_cancel (req->cancellable);
  return G_SOURCE_REMOVE;
}

void
pm_http_request_async (PmHttp              *self,
                       const char          *method,
                       const char          *path,
                       JsonNode            *body,
                       const char          *if_match,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  pm_http_request_read_async (self, method, path, body, if_match, NULL, NULL, NULL,
                              cancellable, callback, user_data);
}

void
pm_http_request_read_async (PmHttp              *self,
                            const char          *method,
                            const char          *path,
                            JsonNode            *body,
                            const char          *if_match,
                            PmHttpReadFunc       read,
                            gpointer             read_data,
                            GDestroyNotify       result_free,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;
  Request *req;

  g_return_if_fail (PM_IS_HTTP (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pm_http_request_async);

  req = g_new0 (Request, 1);
  req->method = g_ascii_strup (method, -1);
  req->path = g_strdup (path);
  req->if_match = g_strdup (if_match);
  req->read = read;
  req->read_data = read_data;
  req->result_free = result_free;
  req->started_us = g_get_monotonic_time ();
  g_task_set_task_data (task, req, request_free);

  /* libsoup's timeout only notices silence; a server that trickles bytes
   * would hold the request forever. The whole request, retries included,
   * ends within the retry policy's total time (or the inactivity timeout,
   * when that is longer). */
  req->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      req->user_cancellable = g_object_ref (cancellable);
      req->user_cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_user_cancelled),
                                                      g_object_ref (req->cancellable), g_object_unref);
    }
  req->deadline = g_timeout_source_new (MAX (self->max_total_ms, self->timeout * 1000));
  g_source_set_static_name (req->deadline, "[perimeter] request deadline");
  g_source_set_callback (req->deadline, on_deadline, req, NULL);
  g_source_attach (req->deadline, g_task_get_context (task));

  if (body != NULL)
    {
      g_autoptr(GTask) serialize = NULL;

      serialize = g_task_new (NULL, NULL, on_serialized, task);
      g_task_set_source_tag (serialize, serialize_thread);
      g_task_set_task_data (serialize, json_node_ref (body), (GDestroyNotify) json_node_unref);
      pm_background_run (serialize, serialize_thread);
      return;
    }

  send_attempt (task);
}

PmHttpReply *
pm_http_request_finish (PmHttp        *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (PM_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
pm_http_request_was_uncertain (PmHttp       *self,
                               GAsyncResult *result)
{
  Request *req;

  g_return_val_if_fail (PM_IS_HTTP (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  req = g_task_get_task_data (G_TASK (result));
  return req != NULL && req->uncertain;
}
