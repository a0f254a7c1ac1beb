/* pm-link.c: a network link emulated on loopback (a delay line per direction)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define G_LOG_DOMAIN "pm-link"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "pm-link.h"

#define CHUNK_SIZE  (64 * 1024)
#define QUEUE_LIMIT (8 * 1024 * 1024)
#define DROP_WINDOW 4096

typedef struct _Conn Conn;

/* A chunk on its way; bytes NULL stands for the end of the stream. */
typedef struct {
  GBytes *bytes;
  gint64  due;           /* monotonic µs */
} Chunk;

/* One direction of a connection. */
typedef struct {
  Conn          *conn;
  GInputStream  *in;     /* borrowed from the connection it reads */
  GOutputStream *out;    /* from the one it writes, NULL until connected */
  GSocket       *out_socket;
  guint64       *delivered;  /* the link's bytes up or down */
  GQueue         queue;  /* Chunk */
  gsize          queued; /* bytes in the queue */
  gint64         line_free;   /* when the throttled line can take the next chunk */
  gint64         not_before;  /* no byte arrives before this */
  GSource       *timer;
  gsize          writing;     /* bytes being written, 0 when not */
  gboolean       reading;
  gboolean       ended;       /* the end of the stream was read */
} Pipe;

struct _Conn {
  gint               ref_count;
  PmLink            *link;
  GSocketConnection *client;
  GSocketConnection *server;
  GCancellable      *cancellable;
  GSource           *connect_timer;
  Pipe               up;          /* client → server */
  Pipe               down;        /* server → client */
  guint              ended;       /* directions whose end was delivered */
  guint64            carried;     /* bytes both ways */
  guint64            drop_after;  /* 0: not dropped */
  gboolean           closed;
};

struct _PmLink
{
  GObject          parent_instance;

  GSocketAddress  *target;
  guint            delay_ms;
  guint            rate_kbps;
  double           drop_percent;
  guint32          seed;

  GSocketService  *service;
  GSocketClient   *client;
  GRand           *rand;
  GMainContext    *context;
  GHashTable      *conns;        /* open Conn, each holding a ref */
  guint            alive;        /* Conn not yet freed */
  guint16          port;

  guint            connections;
  guint            dropped;
  guint64          bytes_up;
  guint64          bytes_down;
};

G_DEFINE_FINAL_TYPE (PmLink, pm_link, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TARGET,
  PROP_DELAY_MS,
  PROP_RATE_KBPS,
  PROP_DROP_PERCENT,
  PROP_SEED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pipe_read     (Pipe *pipe);
static void pipe_schedule (Pipe *pipe);

static Conn *
conn_ref (Conn *conn)
{
  conn->ref_count++;
  return conn;
}

static void
chunk_free (Chunk *chunk)
{
  g_clear_pointer (&chunk->bytes, g_bytes_unref);
  g_free (chunk);
}

static void
pipe_clear (Pipe *pipe)
{
  if (pipe->timer)
    {
      g_source_destroy (pipe->timer);
      g_clear_pointer (&pipe->timer, g_source_unref);
    }
  g_queue_clear_full (&pipe->queue, (GDestroyNotify) chunk_free);
  pipe->queued = 0;
}

static void
conn_unref (Conn *conn)
{
  if (--conn->ref_count > 0)
    return;
  /* Closing the sockets here, once no operation is pending on them, sends
   * the reset that conn_close() asked for. */
  if (conn->client)
    g_io_stream_close (G_IO_STREAM (conn->client), NULL, NULL);
  if (conn->server)
    g_io_stream_close (G_IO_STREAM (conn->server), NULL, NULL);
  g_clear_object (&conn->client);
  g_clear_object (&conn->server);
  g_clear_object (&conn->cancellable);
  conn->link->alive--;
  g_free (conn);
}

/* A reset (RST) instead of an orderly end when the socket is closed. */
static void
abort_on_close (GSocketConnection *connection)
{
  struct linger linger = { 1, 0 };

  if (connection)
    setsockopt (g_socket_get_fd (g_socket_connection_get_socket (connection)),
                SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
}

static void
conn_close (Conn     *conn,
            gboolean  reset)
{
  if (conn->closed)
    return;
  conn->closed = TRUE;
  g_cancellable_cancel (conn->cancellable);
  if (conn->connect_timer)
    {
      g_source_destroy (conn->connect_timer);
      g_clear_pointer (&conn->connect_timer, g_source_unref);
    }
  pipe_clear (&conn->up);
  pipe_clear (&conn->down);
  if (reset)
    {
      abort_on_close (conn->client);
      abort_on_close (conn->server);
    }
  g_hash_table_remove (conn->link->conns, conn);
}

static gint64
delay_us (PmLink *self)
{
  return (gint64) self->delay_ms * 1000;
}

/* Bytes read at a time: with a throttle, about 10 ms of the rate, so that
 * the line's pace is even rather than a chunk's burst. */
static gsize
read_size (PmLink *self)
{
  if (self->rate_kbps == 0)
    return CHUNK_SIZE;
  return CLAMP ((gsize) self->rate_kbps * 1000 / 8 / 100, 1024, CHUNK_SIZE);
}

static void
pipe_push (Pipe   *pipe,
           GBytes *bytes)
{
  PmLink *self = pipe->conn->link;
  gsize size = bytes ? g_bytes_get_size (bytes) : 0;
  gint64 now = g_get_monotonic_time ();
  Chunk *chunk = g_new0 (Chunk, 1);

  /* Through the throttle first (one chunk after another at the rate),
   * then down the line. */
  pipe->line_free = MAX (now, pipe->line_free);
  if (self->rate_kbps > 0)
    pipe->line_free += (gint64) size * 8000 / self->rate_kbps;
  chunk->bytes = bytes ? g_bytes_ref (bytes) : NULL;
  chunk->due = MAX (pipe->line_free + delay_us (self), pipe->not_before);
  g_queue_push_tail (&pipe->queue, chunk);
  pipe->queued += size;
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pipe *pipe = user_data;
  Conn *conn = pipe->conn;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  pipe->reading = FALSE;
  if (conn->closed)
    ;
  else if (bytes == NULL)
    conn_close (conn, TRUE);
  else
    {
      if (g_bytes_get_size (bytes) == 0)
        {
          pipe->ended = TRUE;
          pipe_push (pipe, NULL);
        }
      else
        pipe_push (pipe, bytes);
      pipe_read (pipe);
      pipe_schedule (pipe);
    }
  conn_unref (conn);
}

static void
pipe_read (Pipe *pipe)
{
  Conn *conn = pipe->conn;

  if (conn->closed || pipe->reading || pipe->ended || pipe->in == NULL || pipe->queued >= QUEUE_LIMIT)
    return;
  pipe->reading = TRUE;
  g_input_stream_read_bytes_async (pipe->in, read_size (conn->link), G_PRIORITY_DEFAULT,
                                   conn->cancellable, on_read, pipe);
  conn_ref (conn);
}

static void
drop (Conn *conn)
{
  conn->link->dropped++;
  g_debug ("connection dropped after %" G_GUINT64_FORMAT " bytes", conn->carried);
  conn_close (conn, TRUE);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Pipe *pipe = user_data;
  Conn *conn = pipe->conn;
  g_autoptr(GError) error = NULL;
  gsize written = pipe->writing;

  pipe->writing = 0;
  if (conn->closed)
    ;
  else if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    conn_close (conn, TRUE);
  else
    {
      Chunk *chunk = g_queue_pop_head (&pipe->queue);

      pipe->queued -= g_bytes_get_size (chunk->bytes);
      chunk_free (chunk);
      *pipe->delivered += written;
      conn->carried += written;
      if (conn->drop_after > 0 && conn->carried >= conn->drop_after)
        drop (conn);
      else
        {
          pipe_read (pipe);
          pipe_schedule (pipe);
        }
    }
  conn_unref (conn);
}

/* The end of one direction: the other side reads the end of its stream.
 * Once both have ended, the connection is done. */
static void
pipe_end (Pipe *pipe)
{
  Conn *conn = pipe->conn;

  chunk_free (g_queue_pop_head (&pipe->queue));
  g_socket_shutdown (pipe->out_socket, FALSE, TRUE, NULL);
  if (++conn->ended == 2)
    conn_close (conn, FALSE);
}

static void
pipe_write (Pipe  *pipe,
            Chunk *chunk)
{
  Conn *conn = pipe->conn;
  gsize size = g_bytes_get_size (chunk->bytes);
  gconstpointer data = g_bytes_get_data (chunk->bytes, NULL);

  /* A connection to be dropped carries its last bytes, then is reset. */
  if (conn->drop_after > 0)
    size = MIN (size, conn->drop_after - conn->carried);
  pipe->writing = size;
  g_output_stream_write_all_async (pipe->out, data, size, G_PRIORITY_DEFAULT, conn->cancellable,
                                   on_written, pipe);
  conn_ref (conn);
}

static gboolean
on_due (gpointer data)
{
  Pipe *pipe = data;

  g_clear_pointer (&pipe->timer, g_source_unref);
  pipe_schedule (pipe);
  return G_SOURCE_REMOVE;
}

/* Write the first chunk when it is due, or wake up then. */
static void
pipe_schedule (Pipe *pipe)
{
  Chunk *chunk = g_queue_peek_head (&pipe->queue);
  gint64 now;

  if (pipe->conn->closed || pipe->writing > 0 || pipe->timer != NULL || pipe->out == NULL || chunk == NULL)
    return;
  now = g_get_monotonic_time ();
  if (chunk->due > now)
    {
      pipe->timer = g_timeout_source_new ((chunk->due - now + 999) / 1000);
      g_source_set_callback (pipe->timer, on_due, pipe, NULL);
      g_source_attach (pipe->timer, pipe->conn->link->context);
    }
  else if (chunk->bytes == NULL)
    pipe_end (pipe);
  else
    pipe_write (pipe, chunk);
}

static void
no_delay (GSocketConnection *connection)
{
  g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Conn *conn = user_data;
  g_autoptr(GError) error = NULL;
  GSocketConnection *server = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);

  if (conn->closed)
    g_clear_object (&server);
  else if (server == NULL)
    {
      /* As a network says that nothing listens there. */
      g_debug ("could not reach the server: %s", error->message);
      conn_close (conn, TRUE);
    }
  else
    {
      conn->server = server;
      no_delay (server);
      conn->up.out = g_io_stream_get_output_stream (G_IO_STREAM (server));
      conn->up.out_socket = g_socket_connection_get_socket (server);
      conn->down.in = g_io_stream_get_input_stream (G_IO_STREAM (server));
      pipe_read (&conn->down);
      pipe_schedule (&conn->up);
    }
  conn_unref (conn);
}

static gboolean
connect_server (gpointer data)
{
  Conn *conn = data;

  g_clear_pointer (&conn->connect_timer, g_source_unref);
  g_socket_client_connect_async (conn->link->client, G_SOCKET_CONNECTABLE (conn->link->target),
                                 conn->cancellable, on_connected, conn_ref (conn));
  return G_SOURCE_REMOVE;
}

static void
pipe_init (Pipe    *pipe,
           Conn    *conn,
           guint64 *delivered)
{
  pipe->conn = conn;
  pipe->delivered = delivered;
  g_queue_init (&pipe->queue);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             PmLink            *self)
{
  Conn *conn = g_new0 (Conn, 1);
  gint64 now = g_get_monotonic_time ();

  self->connections++;
  self->alive++;
  conn->ref_count = 1;   /* the table's */
  conn->link = self;
  conn->client = g_object_ref (connection);
  conn->cancellable = g_cancellable_new ();
  no_delay (connection);
  if (self->drop_percent > 0 && g_rand_double_range (self->rand, 0, 100) < self->drop_percent)
    conn->drop_after = g_rand_int_range (self->rand, 1, DROP_WINDOW + 1);
  g_hash_table_add (self->conns, conn);

  pipe_init (&conn->up, conn, &self->bytes_up);
  pipe_init (&conn->down, conn, &self->bytes_down);
  /* The client's first bytes were sent once its handshake had come back,
   * and take a delay more to arrive. */
  conn->up.not_before = now + 3 * delay_us (self);
  conn->up.in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  conn->down.out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  conn->down.out_socket = g_socket_connection_get_socket (connection);
  pipe_read (&conn->up);

  /* The server hears of the connection a delay later. */
  conn->connect_timer = g_timeout_source_new (self->delay_ms);
  g_source_set_callback (conn->connect_timer, connect_server, conn, NULL);
  g_source_attach (conn->connect_timer, self->context);
  return TRUE;
}

static void
conn_table_unref (gpointer data)
{
  Conn *conn = data;

  conn_unref (conn);
}

gboolean
pm_link_start (PmLink   *self,
               guint16   port,
               GError  **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocketService) service = g_socket_service_new ();
  guint32 seeds[1];

  g_return_val_if_fail (PM_IS_LINK (self), FALSE);
  g_return_val_if_fail (self->service == NULL, FALSE);

  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &bound, error))
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  self->context = g_main_context_ref_thread_default ();
  seeds[0] = self->seed;
  g_rand_set_seed_array (self->rand, seeds, 1);
  self->client = g_socket_client_new ();
  /* Loopback needs no proxy, and asking the system for one costs a thread's round trip. */
  g_socket_client_set_enable_proxy (self->client, FALSE);
  g_signal_connect (service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_service_start (service);
  self->service = g_steal_pointer (&service);
  return TRUE;
}

void
pm_link_stop (PmLink *self)
{
  GHashTableIter iter;
  gpointer conn;

  g_return_if_fail (PM_IS_LINK (self));

  if (self->service == NULL)
    return;
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_clear_object (&self->service);

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, &conn, NULL))
    {
      g_hash_table_iter_steal (&iter);
      conn_close (conn, TRUE);
      conn_unref (conn);
    }
  /* Their cancelled operations return on the context; then they are freed. */
  while (self->alive > 0)
    g_main_context_iteration (self->context, TRUE);
  g_clear_object (&self->client);
  g_clear_pointer (&self->context, g_main_context_unref);
  self->port = 0;
}

guint16
pm_link_get_port (PmLink *self)
{
  g_return_val_if_fail (PM_IS_LINK (self), 0);
  return self->port;
}

guint
pm_link_get_connection_count (PmLink *self)
{
  g_return_val_if_fail (PM_IS_LINK (self), 0);
  return self->connections;
}

guint
pm_link_get_dropped_count (PmLink *self)
{
  g_return_val_if_fail (PM_IS_LINK (self), 0);
  return self->dropped;
}

guint64
pm_link_get_bytes_up (PmLink *self)
{
  g_return_val_if_fail (PM_IS_LINK (self), 0);
  return self->bytes_up;
}

guint64
pm_link_get_bytes_down (PmLink *self)
{
  g_return_val_if_fail (PM_IS_LINK (self), 0);
  return self->bytes_down;
}

GSocketAddress *
pm_link_parse_target (const char  *text,
                      GError     **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *colon = text ? strrchr (text, ':') : NULL;
  guint64 port = 0;

  if (colon != NULL && g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
    {
      host = g_strndup (text, colon - text);
      /* An IPv6 address in brackets, as in a URL. */
      if (host[0] == '[' && g_str_has_suffix (host, "]"))
        {
          memmove (host, host + 1, strlen (host) - 2);
          host[strlen (host) - 2] = '\0';
        }
      else if (strchr (host, ':') != NULL)
        host[0] = '\0';
      if (g_str_equal (host, "localhost"))
        address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      else
        address = g_inet_address_new_from_string (host);
    }
  if (address == NULL || !g_inet_address_get_is_loopback (address))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not HOST:PORT with a loopback HOST", text ? text : "");
      return NULL;
    }
  return g_inet_socket_address_new (address, port);
}

void
pm_link_set_delay_ms (PmLink *self,
                      guint   delay_ms)
{
  g_return_if_fail (PM_IS_LINK (self));

  if (self->delay_ms == delay_ms)
    return;
  self->delay_ms = delay_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELAY_MS]);
}

void
pm_link_set_rate_kbps (PmLink *self,
                       guint   rate_kbps)
{
  g_return_if_fail (PM_IS_LINK (self));

  if (self->rate_kbps == rate_kbps)
    return;
  self->rate_kbps = rate_kbps;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE_KBPS]);
}

void
pm_link_set_drop_percent (PmLink *self,
                          double  percent)
{
  g_return_if_fail (PM_IS_LINK (self));
  g_return_if_fail (percent >= 0 && percent <= 100);

  if (self->drop_percent == percent)
    return;
  self->drop_percent = percent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROP_PERCENT]);
}

void
pm_link_set_seed (PmLink  *self,
                  guint32  seed)
{
  g_return_if_fail (PM_IS_LINK (self));

  if (self->seed == seed)
    return;
  self->seed = seed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEED]);
}

static void
pm_link_dispose (GObject *object)
{
  PmLink *self = PM_LINK (object);

  pm_link_stop (self);

  G_OBJECT_CLASS (pm_link_parent_class)->dispose (object);
}

static void
pm_link_finalize (GObject *object)
{
  PmLink *self = PM_LINK (object);

  g_clear_object (&self->target);
  g_hash_table_unref (self->conns);
  g_rand_free (self->rand);

  G_OBJECT_CLASS (pm_link_parent_class)->finalize (object);
}

static void
pm_link_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  PmLink *self = PM_LINK (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      g_value_set_object (value, self->target);
      break;
    case PROP_DELAY_MS:
      g_value_set_uint (value, self->delay_ms);
      break;
    case PROP_RATE_KBPS:
      g_value_set_uint (value, self->rate_kbps);
      break;
    case PROP_DROP_PERCENT:
      g_value_set_double (value, self->drop_percent);
      break;
    case PROP_SEED:
      g_value_set_uint (value, self->seed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_link_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  PmLink *self = PM_LINK (object);

  switch (prop_id)
    {
    case PROP_TARGET:
      self->target = g_value_dup_object (value);
      break;
    case PROP_DELAY_MS:
      pm_link_set_delay_ms (self, g_value_get_uint (value));
      break;
    case PROP_RATE_KBPS:
      pm_link_set_rate_kbps (self, g_value_get_uint (value));
      break;
    case PROP_DROP_PERCENT:
      pm_link_set_drop_percent (self, g_value_get_double (value));
      break;
    case PROP_SEED:
      pm_link_set_seed (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_link_class_init (PmLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pm_link_dispose;
  object_class->finalize = pm_link_finalize;
  object_class->get_property = pm_link_get_property;
  object_class->set_property = pm_link_set_property;

  properties[PROP_TARGET] =
    g_param_spec_object ("target", NULL, NULL, G_TYPE_INET_SOCKET_ADDRESS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DELAY_MS] =
    g_param_spec_uint ("delay-ms", NULL, NULL, 0, 60000, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RATE_KBPS] =
    g_param_spec_uint ("rate-kbps", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DROP_PERCENT] =
    g_param_spec_double ("drop-percent", NULL, NULL, 0, 100, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SEED] =
    g_param_spec_uint ("seed", NULL, NULL, 0, G_MAXUINT32, 1,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_link_init (PmLink *self)
{
  self->seed = 1;
  self->rand = g_rand_new ();
  self->conns = g_hash_table_new_full (NULL, NULL, conn_table_unref, NULL);
}

PmLink *
pm_link_new (GSocketAddress *target)
{
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (target), NULL);

  return g_object_new (PM_TYPE_LINK, "target", target, NULL);
}
