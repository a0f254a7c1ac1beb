/* pm-sandbox.c: the sandbox server: lifecycle, authentication, routing, faults
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "pm-sandbox"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "pm-background.h"
#include "pm-sandbox.h"
#include "pm-sandbox-private.h"

struct _PmSandbox
{
  GObject       parent_instance;

  GMutex        mutex;            /* guards everything below but the server */
  char         *api_key;
  guint64       seed;
  gboolean      empty;
  guint         page_size;
  guint         scale[3];
  PmSbState    *state;
  GPtrArray    *faults;           /* PmSbFault */
  GRand        *fault_rand;
  GHashTable   *requests;         /* "METHOD /path" → count */
  GTlsCertificate *tls_certificate; /* serve https with it, or NULL */
  guint         connections;      /* TCP connections accepted */
  guint         tls_handshakes;   /* TLS handshakes completed */

  /* Owned by the serving thread (or the caller's context with start). */
  SoupServer   *server;
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  GPtrArray    *pending;          /* Pending, replies not yet written */
  GHashTable   *idle_clients;     /* GSocket → GSource, kept-alive between requests */
  guint16       port;

  GCond         ready_cond;
  gboolean      ready;
  GError       *start_error;
};

G_DEFINE_FINAL_TYPE (PmSandbox, pm_sandbox, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_API_KEY,
  PROP_SEED,
  PROP_EMPTY,
  PROP_PAGE_SIZE,
  PROP_SCALE,
  PROP_TLS_CERTIFICATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A reply prepared under the lock, written now or later. */
typedef struct {
  guint  status;
  char  *etag;
  char  *content_type;
  char  *body;
  gsize  length;
  guint  retry_after;
} Prepared;

typedef enum {
  PENDING_WRITE,        /* latency: write everything */
  PENDING_REST,         /* stall: write the rest of the body */
  PENDING_RESET,        /* reset-*: drop the connection */
} PendingAction;

typedef struct {
  PmSandbox         *self;
  SoupServerMessage *msg;
  Prepared          *prepared;
  gsize              written;
  PendingAction      action;
  GSource           *source;
  gulong             finished_id;
  gulong             disconnected_id;
} Pending;

static void
prepared_free (Prepared *prepared)
{
  g_free (prepared->etag);
  g_free (prepared->content_type);
  g_free (prepared->body);
  g_free (prepared);
}

static void
pending_disconnect (Pending *pending)
{
  g_clear_signal_handler (&pending->finished_id, pending->msg);
  g_clear_signal_handler (&pending->disconnected_id, pending->msg);
}

static void
pending_free (Pending *pending)
{
  pending_disconnect (pending);
  if (pending->source)
    {
      g_source_destroy (pending->source);
      g_source_unref (pending->source);
    }
  g_object_unref (pending->msg);
  prepared_free (pending->prepared);
  g_free (pending);
}

static Prepared *
prepare (PmSbReply *reply)
{
  Prepared *prepared = g_new0 (Prepared, 1);

  prepared->status = reply->status;
  prepared->etag = g_strdup (reply->etag);
  if (reply->body)
    {
      prepared->body = json_to_string (reply->body, FALSE);
      prepared->length = strlen (prepared->body);
      prepared->content_type = g_strdup ("application/json");
    }
  return prepared;
}

static void
write_headers (SoupServerMessage *msg,
               Prepared          *prepared)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_server_message_set_status (msg, prepared->status, NULL);
  if (prepared->etag)
    soup_message_headers_replace (headers, "ETag", prepared->etag);
  if (prepared->retry_after)
    {
      g_autofree char *value = g_strdup_printf ("%u", prepared->retry_after);

      soup_message_headers_replace (headers, "Retry-After", value);
    }
  if (prepared->content_type)
    soup_message_headers_set_content_type (headers, prepared->content_type, NULL);
}

static void
write_reply (SoupServerMessage *msg,
             Prepared          *prepared,
             gsize              length)
{
  write_headers (msg, prepared);
  if (prepared->body)
    soup_server_message_set_response (msg, prepared->content_type, SOUP_MEMORY_COPY,
                                      prepared->body, MIN (length, prepared->length));
}

static void
drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream)
    g_io_stream_close (stream, NULL, NULL);
}

static gboolean
pending_fire (gpointer data)
{
  Pending *pending = data;
  PmSandbox *self = pending->self;

  pending_disconnect (pending);
  switch (pending->action)
    {
    case PENDING_WRITE:
      write_reply (pending->msg, pending->prepared, G_MAXSIZE);
      soup_server_message_unpause (pending->msg);
      break;
    case PENDING_REST:
      {
        SoupMessageBody *body = soup_server_message_get_response_body (pending->msg);

        soup_message_body_append (body, SOUP_MEMORY_COPY, pending->prepared->body + pending->written,
                                  pending->prepared->length - pending->written);
        soup_message_body_complete (body);
        soup_server_message_unpause (pending->msg);
      }
      break;
    case PENDING_RESET:
      drop_connection (pending->msg);
      break;
    }
  g_clear_pointer (&pending->source, g_source_unref);
  g_ptr_array_remove_fast (self->pending, pending);
  return G_SOURCE_REMOVE;
}

/* The client went away before the timer fired. */
static void
pending_gone (SoupServerMessage *msg,
              gpointer           data)
{
  Pending *pending = data;

  g_ptr_array_remove_fast (pending->self->pending, pending);
}

/* Defer part of a reply: the message is paused until the timer fires. */
static void
defer (PmSandbox         *self,
       SoupServerMessage *msg,
       Prepared          *prepared,
       PendingAction      action,
       gsize              written,
       guint              delay_ms)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = self;
  pending->msg = g_object_ref (msg);
  pending->prepared = prepared;
  pending->action = action;
  pending->written = written;
  pending->source = g_timeout_source_new (delay_ms);
  g_source_set_callback (pending->source, pending_fire, pending, NULL);
  g_source_attach (pending->source, self->context);
  pending->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (pending_gone), pending);
  pending->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (pending_gone), pending);
  g_ptr_array_add (self->pending, pending);
  if (action != PENDING_REST)
    soup_server_message_pause (msg);
}

static void
ensure_state_locked (PmSandbox *self)
{
  if (self->state != NULL)
    return;
  self->state = pm_sb_state_new (self->seed, self->page_size);
  if (!self->empty)
    pm_sb_state_fill_demo (self->state);
  if (self->scale[0] || self->scale[2])
    pm_sb_state_fill_scale (self->state, self->scale[0], self->scale[1], self->scale[2]);
}

static gboolean
authorized (PmSandbox         *self,
            SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "ApiKey ", 7) != 0)
    return FALSE;
  value += 7;
  while (*value == ' ')
    value++;
  return g_str_equal (value, self->api_key);
}

static void
handle_locked (PmSandbox         *self,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               PmSbReply         *reply)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *body = NULL;
  g_auto(GStrv) segments = NULL;
  PmSbRequest request = { 0 };

  if (soup_server_message_get_request_body (msg) != NULL)
    {
      gsize length;
      gconstpointer data;

      bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
      data = g_bytes_get_data (bytes, &length);
      body = g_strndup (data, length);
      request.body_length = length;
    }
  segments = g_strsplit (path[0] == '/' ? path + 1 : path, "/", -1);
  request.method = soup_server_message_get_method (msg);
  request.path = path;
  request.query = query;
  request.body = body;
  request.if_match = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "If-Match");
  request.segments = segments;
  request.n_segments = g_strv_length (segments);
  /* A trailing slash names the same resource. */
  if (request.n_segments > 0 && *segments[request.n_segments - 1] == '\0')
    request.n_segments--;

  if (!pm_sb_handle_hosted (self->state, &request, reply)
      && !pm_sb_handle_serverless (self->state, &request, reply))
    pm_sb_reply_error (reply, 404, "root.not_found", NULL, "No such path: %s", path);
}

static gboolean
is_project_patch (const char *method,
                  const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);

  /* "" api v1 serverless projects TYPE ID */
  return g_str_equal (method, "PATCH") && g_strv_length (parts) == 7;
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  PmSandbox *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  PmSbReply reply = { 0 };
  PmSbFault *fault = NULL;
  PmSbFaultKind kind = PM_SB_FAULT_LATENCY;
  guint arg = 0;
  Prepared *prepared;

  g_mutex_lock (&self->mutex);
  ensure_state_locked (self);
  {
    char *key = g_strdup_printf ("%s %s", method, path);
    guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->requests, key));

    g_hash_table_replace (self->requests, key, GUINT_TO_POINTER (count + 1));
  }

  if (!authorized (self, msg))
    pm_sb_reply_error (&reply, 401, "root.unauthorized", NULL,
                       "The request is not authenticated: send the header Authorization: ApiKey …");
  else
    {
      fault = pm_sb_faults_match (self->faults, self->fault_rand, method, path);
      if (fault)
        {
          kind = fault->kind;
          arg = fault->arg;
        }
    }

  if (fault && kind == PM_SB_FAULT_RESET_BEFORE)
    {
      g_mutex_unlock (&self->mutex);
      g_debug ("%s %s → connection reset (fault)", method, path);
      defer (self, msg, g_new0 (Prepared, 1), PENDING_RESET, 0, 0);
      return;
    }
  if (fault && kind == PM_SB_FAULT_STATUS)
    pm_sb_reply_error (&reply, arg, "sandbox.injected_fault", NULL, "Injected fault: status %u", arg);
  else if (fault && kind == PM_SB_FAULT_RETRY_AFTER)
    pm_sb_reply_error (&reply, 429, "sandbox.rate_limited", NULL, "Too many requests; retry after %u s", arg);
  else if (fault && kind == PM_SB_FAULT_STALE_ETAG)
    pm_sb_reply_error (&reply, 412, "precondition_failed", "If-Match",
                       "The resource changed since it was read (injected fault)");
  else if (fault && kind == PM_SB_FAULT_NOT_JSON)
    reply.status = 200;
  else if (reply.status == 0)
    {
      if (fault && kind == PM_SB_FAULT_RACE && is_project_patch (method, path))
        {
          g_auto(GStrv) parts = g_strsplit (path, "/", -1);

          pm_sb_race_project (self->state, parts[6]);
          fault = NULL;
        }
      handle_locked (self, msg, path, query, &reply);
      if (fault && kind == PM_SB_FAULT_RACE && reply.project_id)
        pm_sb_race_project (self->state, reply.project_id);
      if (fault && kind == PM_SB_FAULT_NOT_FOUND_AFTER_CREATE && reply.created_id)
        g_hash_table_add (self->state->hidden_once, g_strdup (reply.created_id));
      if (fault && (kind == PM_SB_FAULT_REPEAT_CURSOR || kind == PM_SB_FAULT_CURSOR_CYCLE ||
                    kind == PM_SB_FAULT_ENDLESS_PAGES))
        pm_sb_bad_pager (&reply, kind, query, self->state->page_size);
      if (fault && kind == PM_SB_FAULT_NO_ID)
        pm_sb_drop_first_id (&reply);
    }
  g_mutex_unlock (&self->mutex);

  prepared = prepare (&reply);
  if (fault && kind == PM_SB_FAULT_RETRY_AFTER)
    prepared->retry_after = arg;
  if (fault && kind == PM_SB_FAULT_NOT_JSON)
    {
      g_free (prepared->body);
      prepared->body = g_strdup ("<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head>"
                                 "<body><h1>Please wait</h1><p>The gateway is being maintained.</p></body></html>\n");
      prepared->length = strlen (prepared->body);
      g_free (prepared->content_type);
      prepared->content_type = g_strdup ("text/html");
    }
  g_debug ("%s %s → %u%s", method, path, prepared->status, fault ? " (fault)" : "");
  pm_sb_reply_clear (&reply);

  if (fault && kind == PM_SB_FAULT_LATENCY)
    defer (self, msg, prepared, PENDING_WRITE, 0, arg);
  else if (fault && kind == PM_SB_FAULT_RESET_AFTER)
    defer (self, msg, prepared, PENDING_RESET, 0, 0);
  else if (fault && kind == PM_SB_FAULT_TRUNCATE)
    {
      write_reply (msg, prepared, prepared->length / 2);
      prepared_free (prepared);
    }
  else if (fault && kind == PM_SB_FAULT_STALL && prepared->body)
    {
      gsize half = prepared->length / 2;

      write_headers (msg, prepared);
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                         SOUP_ENCODING_CHUNKED);
      soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_COPY,
                                prepared->body, half);
      defer (self, msg, prepared, PENDING_REST, half, arg);
    }
  else if (fault && kind == PM_SB_FAULT_STALL)
    defer (self, msg, prepared, PENDING_WRITE, 0, arg);
  else
    {
      write_reply (msg, prepared, G_MAXSIZE);
      prepared_free (prepared);
    }
}

/* Kept-alive connections that their client closes between two requests.
 * libsoup before 3.3 (Debian 12 has 3.2) left them open on its side (fixed
 * upstream in libsoup commit d20c6601): every connection a client ever
 * opened stayed in CLOSE_WAIT, some 115 per large Serverless load, towards
 * the process's limit of open files. Between a reply and the next request
 * the sandbox watches the socket itself and closes it once the client has
 * gone (libsoup 3.2 still keeps its few objects for the connection, but no
 * longer the socket). With a libsoup that closes it first, the watch finds
 * it closed and stops. */
static gboolean
on_idle_client (GSocket      *socket,
                GIOCondition  condition,
                gpointer      user_data)
{
  PmSandbox *self = user_data;

  /* Readable with nothing to read is the client's end of the stream; bytes
   * are its next request, for libsoup to read. */
  if (!g_socket_is_closed (socket)
      && ((condition & (G_IO_HUP | G_IO_ERR)) != 0 || g_socket_get_available_bytes (socket) <= 0))
    g_socket_close (socket, NULL);
  g_hash_table_remove (self->idle_clients, socket);
  return G_SOURCE_REMOVE;
}

static void
on_handshake_done (SoupServerMessage *msg,
                   PmSandbox         *self)
{
  g_mutex_lock (&self->mutex);
  self->tls_handshakes++;
  g_mutex_unlock (&self->mutex);
}

/* libsoup starts a connection's first message as it accepts the
 * connection, before any TLS handshake, and emits its "connected" once
 * the handshake is done (at once without TLS): the first message seen on
 * a socket counts the connection and watches for its handshake. */
static void
count_connection (PmSandbox         *self,
                  SoupServerMessage *msg,
                  GSocket           *socket)
{
  static const char counted[] = "pm-sandbox-counted";

  if (g_object_get_data (G_OBJECT (socket), counted) != NULL)
    return;
  g_object_set_data (G_OBJECT (socket), counted, GINT_TO_POINTER (TRUE));
  g_mutex_lock (&self->mutex);
  self->connections++;
  g_mutex_unlock (&self->mutex);
  if (self->tls_certificate != NULL)
    g_signal_connect_object (msg, "connected", G_CALLBACK (on_handshake_done), self, 0);
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    PmSandbox         *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket == NULL)
    return;
  count_connection (self, msg, socket);
  g_hash_table_remove (self->idle_clients, socket);
}

static void
on_request_finished (SoupServer        *server,
                     SoupServerMessage *msg,
                     PmSandbox         *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  GSource *source;

  if (socket == NULL || g_socket_is_closed (socket) || g_hash_table_contains (self->idle_clients, socket))
    return;
  source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (on_idle_client), self, NULL);
  g_source_attach (source, self->context);
  g_hash_table_insert (self->idle_clients, g_object_ref (socket), source);
}

static void
idle_watch_free (GSource *source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static gboolean
listen_here (PmSandbox *self,
             guint16    port,
             GError   **error)
{
  g_autoptr(SoupServer) server = soup_server_new ("server-header", "perimeter-sandbox ",
                                                 "tls-certificate", self->tls_certificate, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSList *listeners;
  g_autoptr(GSocketAddress) bound = NULL;

  soup_server_add_handler (server, NULL, server_callback, self, NULL);
  if (!soup_server_listen (server, address, self->tls_certificate ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return FALSE;
  self->idle_clients = g_hash_table_new_full (NULL, NULL, g_object_unref, (GDestroyNotify) idle_watch_free);
  g_signal_connect (server, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (server, "request-finished", G_CALLBACK (on_request_finished), self);
  /* The port chosen, from the socket: soup_server_get_uris() leaks an
   * address in libsoup 3.2. */
  listeners = soup_server_get_listeners (server);
  bound = listeners ? g_socket_get_local_address (listeners->data, NULL) : NULL;
  self->port = G_IS_INET_SOCKET_ADDRESS (bound) ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)) : 0;
  g_slist_free (listeners);
  self->server = g_steal_pointer (&server);
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  return TRUE;
}

static void
teardown_here (PmSandbox *self)
{
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->idle_clients, g_hash_table_unref);
  if (self->server)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
  while (g_main_context_iteration (self->context, FALSE))
    ;
}

static gpointer
serve_thread (gpointer data)
{
  PmSandbox *self = data;
  GError *error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (self->context);
  /* In the app, the sandbox stands for a server elsewhere: it must not
   * take a CPU from the app's main thread when both want one. */
  pm_background_lower_priority ();
  /* The organization is made here too, not on the thread that started the
   * sandbox: reading the region tables alone is a few milliseconds. */
  g_mutex_lock (&self->mutex);
  ensure_state_locked (self);
  g_mutex_unlock (&self->mutex);
  ok = listen_here (self, self->port, &error);
  g_mutex_lock (&self->mutex);
  self->start_error = error;
  self->ready = TRUE;
  g_cond_signal (&self->ready_cond);
  g_mutex_unlock (&self->mutex);
  if (ok)
    g_main_loop_run (self->loop);
  teardown_here (self);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

gboolean
pm_sandbox_start (PmSandbox  *self,
                  guint16     port,
                  GError    **error)
{
  g_return_val_if_fail (PM_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (self->server == NULL && self->thread == NULL, FALSE);

  g_mutex_lock (&self->mutex);
  ensure_state_locked (self);
  g_mutex_unlock (&self->mutex);
  self->context = g_main_context_ref_thread_default ();
  if (!listen_here (self, port, error))
    {
      g_clear_pointer (&self->context, g_main_context_unref);
      return FALSE;
    }
  return TRUE;
}

void
pm_sandbox_begin_in_thread (PmSandbox *self,
                            guint16    port)
{
  g_return_if_fail (PM_IS_SANDBOX (self));
  g_return_if_fail (self->server == NULL && self->thread == NULL);

  self->ready = FALSE;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->port = port;
  self->thread = g_thread_new ("pm-sandbox", serve_thread, self);
}

gboolean
pm_sandbox_wait_started (PmSandbox  *self,
                         GError    **error)
{
  g_return_val_if_fail (PM_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (self->thread != NULL || self->server != NULL, FALSE);

  if (self->thread == NULL)
    return TRUE;   /* pm_sandbox_start: started when it returned */

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->ready_cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  if (self->start_error)
    {
      g_propagate_error (error, g_steal_pointer (&self->start_error));
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->loop, g_main_loop_unref);
      g_clear_pointer (&self->context, g_main_context_unref);
      self->port = 0;
      return FALSE;
    }
  return TRUE;
}

gboolean
pm_sandbox_start_in_thread (PmSandbox  *self,
                            guint16     port,
                            GError    **error)
{
  g_return_val_if_fail (PM_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (self->server == NULL && self->thread == NULL, FALSE);

  pm_sandbox_begin_in_thread (self, port);
  return pm_sandbox_wait_started (self, error);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
pm_sandbox_stop (PmSandbox *self)
{
  g_return_if_fail (PM_IS_SANDBOX (self));

  if (self->thread)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_callback (source, quit_loop, g_main_loop_ref (self->loop),
                             (GDestroyNotify) g_main_loop_unref);
      g_source_attach (source, self->context);
      g_source_unref (source);
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->loop, g_main_loop_unref);
    }
  else if (self->server)
    teardown_here (self);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->port = 0;
}

guint16
pm_sandbox_get_port (PmSandbox *self)
{
  g_return_val_if_fail (PM_IS_SANDBOX (self), 0);
  return self->port;
}

char *
pm_sandbox_dup_base_url (PmSandbox *self)
{
  g_return_val_if_fail (PM_IS_SANDBOX (self), NULL);
  return g_strdup_printf ("%s://127.0.0.1:%u", self->tls_certificate ? "https" : "http", self->port);
}

void
pm_sandbox_set_tls_certificate (PmSandbox       *self,
                                GTlsCertificate *certificate)
{
  g_return_if_fail (PM_IS_SANDBOX (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));
  g_return_if_fail (self->server == NULL && self->thread == NULL);

  if (g_set_object (&self->tls_certificate, certificate))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_CERTIFICATE]);
}

guint
pm_sandbox_get_connection_count (PmSandbox *self)
{
  guint count;

  g_return_val_if_fail (PM_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->mutex);
  count = self->connections;
  g_mutex_unlock (&self->mutex);
  return count;
}

guint
pm_sandbox_get_tls_handshake_count (PmSandbox *self)
{
  guint count;

  g_return_val_if_fail (PM_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->mutex);
  count = self->tls_handshakes;
  g_mutex_unlock (&self->mutex);
  return count;
}

gboolean
pm_sandbox_add_fault (PmSandbox  *self,
                      const char *spec,
                      GError    **error)
{
  PmSbFault *fault;

  g_return_val_if_fail (PM_IS_SANDBOX (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  fault = pm_sb_fault_parse (spec, error);
  if (fault == NULL)
    return FALSE;
  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->faults, fault);
  g_mutex_unlock (&self->mutex);
  return TRUE;
}

void
pm_sandbox_clear_faults (PmSandbox *self)
{
  g_return_if_fail (PM_IS_SANDBOX (self));

  g_mutex_lock (&self->mutex);
  g_ptr_array_set_size (self->faults, 0);
  if (self->state)
    g_hash_table_remove_all (self->state->hidden_once);
  g_mutex_unlock (&self->mutex);
}

JsonNode *
pm_sandbox_dup_state (PmSandbox *self)
{
  JsonNode *node;

  g_return_val_if_fail (PM_IS_SANDBOX (self), NULL);

  g_mutex_lock (&self->mutex);
  ensure_state_locked (self);
  node = pm_sb_state_dup (self->state);
  g_mutex_unlock (&self->mutex);
  return node;
}

guint
pm_sandbox_get_request_count (PmSandbox  *self,
                              const char *method,
                              const char *path_prefix)
{
  GHashTableIter iter;
  gpointer key, value;
  guint count = 0;

  g_return_val_if_fail (PM_IS_SANDBOX (self), 0);

  g_mutex_lock (&self->mutex);
  g_hash_table_iter_init (&iter, self->requests);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *entry = key;
      const char *space = strchr (entry, ' ');

      if (method && (strlen (method) != (gsize) (space - entry) || strncmp (entry, method, space - entry) != 0))
        continue;
      if (path_prefix && !g_str_has_prefix (space + 1, path_prefix))
        continue;
      count += GPOINTER_TO_UINT (value);
    }
  g_mutex_unlock (&self->mutex);
  return count;
}

gboolean
pm_sandbox_parse_scale (const char *text,
                        guint      *policies,
                        guint      *rules,
                        guint      *deployments)
{
  g_auto(GStrv) parts = NULL;
  guint64 values[3];

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) != 3)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 0, 1000000, &values[i], NULL))
      return FALSE;
  *policies = values[0];
  *rules = values[1];
  *deployments = values[2];
  return TRUE;
}

void
pm_sandbox_set_api_key (PmSandbox  *self,
                        const char *api_key)
{
  g_return_if_fail (PM_IS_SANDBOX (self));
  g_return_if_fail (api_key != NULL);

  g_mutex_lock (&self->mutex);
  if (g_strcmp0 (self->api_key, api_key) == 0)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  g_free (self->api_key);
  self->api_key = g_strdup (api_key);
  g_mutex_unlock (&self->mutex);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_KEY]);
}

void
pm_sandbox_set_seed (PmSandbox *self,
                     guint64    seed)
{
  guint32 seeds[2] = { (guint32) seed, (guint32) (seed >> 32) };

  g_return_if_fail (PM_IS_SANDBOX (self));

  g_mutex_lock (&self->mutex);
  self->seed = seed;
  g_rand_set_seed_array (self->fault_rand, seeds, 2);
  g_mutex_unlock (&self->mutex);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEED]);
}

void
pm_sandbox_set_empty (PmSandbox *self,
                      gboolean   empty)
{
  g_return_if_fail (PM_IS_SANDBOX (self));

  g_mutex_lock (&self->mutex);
  self->empty = !!empty;
  g_mutex_unlock (&self->mutex);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMPTY]);
}

void
pm_sandbox_set_page_size (PmSandbox *self,
                          guint      page_size)
{
  g_return_if_fail (PM_IS_SANDBOX (self));
  g_return_if_fail (page_size > 0);

  g_mutex_lock (&self->mutex);
  self->page_size = page_size;
  if (self->state)
    self->state->page_size = page_size;
  g_mutex_unlock (&self->mutex);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_SIZE]);
}

void
pm_sandbox_set_scale (PmSandbox *self,
                      guint      policies,
                      guint      rules,
                      guint      deployments)
{
  g_return_if_fail (PM_IS_SANDBOX (self));

  g_mutex_lock (&self->mutex);
  self->scale[0] = policies;
  self->scale[1] = rules;
  self->scale[2] = deployments;
  g_mutex_unlock (&self->mutex);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

static void
pm_sandbox_finalize (GObject *object)
{
  PmSandbox *self = PM_SANDBOX (object);

  pm_sandbox_stop (self);
  g_clear_pointer (&self->state, pm_sb_state_free);
  g_ptr_array_unref (self->faults);
  g_hash_table_unref (self->requests);
  g_rand_free (self->fault_rand);
  g_free (self->api_key);
  g_clear_object (&self->tls_certificate);
  g_clear_error (&self->start_error);
  g_cond_clear (&self->ready_cond);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (pm_sandbox_parent_class)->finalize (object);
}

static void
pm_sandbox_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PmSandbox *self = PM_SANDBOX (object);

  g_mutex_lock (&self->mutex);
  switch (prop_id)
    {
    case PROP_API_KEY:
      g_value_set_string (value, self->api_key);
      break;
    case PROP_SEED:
      g_value_set_uint64 (value, self->seed);
      break;
    case PROP_EMPTY:
      g_value_set_boolean (value, self->empty);
      break;
    case PROP_PAGE_SIZE:
      g_value_set_uint (value, self->page_size);
      break;
    case PROP_SCALE:
      if (self->scale[0] || self->scale[2])
        g_value_take_string (value, g_strdup_printf ("%u,%u,%u", self->scale[0], self->scale[1], self->scale[2]));
      else
        g_value_set_string (value, NULL);
      break;
    case PROP_TLS_CERTIFICATE:
      g_value_set_object (value, self->tls_certificate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->mutex);
}

static void
pm_sandbox_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  PmSandbox *self = PM_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_API_KEY:
      pm_sandbox_set_api_key (self, g_value_get_string (value));
      break;
    case PROP_SEED:
      pm_sandbox_set_seed (self, g_value_get_uint64 (value));
      break;
    case PROP_EMPTY:
      pm_sandbox_set_empty (self, g_value_get_boolean (value));
      break;
    case PROP_PAGE_SIZE:
      pm_sandbox_set_page_size (self, g_value_get_uint (value));
      break;
    case PROP_SCALE:
      {
        guint p = 0, r = 0, d = 0;

        if (g_value_get_string (value) && !pm_sandbox_parse_scale (g_value_get_string (value), &p, &r, &d))
          g_warning ("Invalid sandbox scale “%s”: expected P,R,D", g_value_get_string (value));
        pm_sandbox_set_scale (self, p, r, d);
      }
      break;
    case PROP_TLS_CERTIFICATE:
      pm_sandbox_set_tls_certificate (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_sandbox_class_init (PmSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pm_sandbox_finalize;
  object_class->get_property = pm_sandbox_get_property;
  object_class->set_property = pm_sandbox_set_property;

  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL, PM_SANDBOX_DEFAULT_API_KEY,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SEED] =
    g_param_spec_uint64 ("seed", NULL, NULL, 0, G_MAXUINT64, 1,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_EMPTY] =
    g_param_spec_boolean ("empty", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PAGE_SIZE] =
    g_param_spec_uint ("page-size", NULL, NULL, 1, G_MAXUINT, PM_SANDBOX_DEFAULT_PAGE_SIZE,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SCALE] =
    g_param_spec_string ("scale", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TLS_CERTIFICATE] =
    g_param_spec_object ("tls-certificate", NULL, NULL, G_TYPE_TLS_CERTIFICATE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_sandbox_init (PmSandbox *self)
{
  guint32 seeds[2] = { 1, 0 };

  g_mutex_init (&self->mutex);
  g_cond_init (&self->ready_cond);
  self->api_key = g_strdup (PM_SANDBOX_DEFAULT_API_KEY);
  self->seed = 1;
  self->page_size = PM_SANDBOX_DEFAULT_PAGE_SIZE;
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) pm_sb_fault_free);
  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->fault_rand = g_rand_new_with_seed_array (seeds, 2);
}

PmSandbox *
pm_sandbox_new (void)
{
  return g_object_new (PM_TYPE_SANDBOX, NULL);
}
