/* test-link.c: the link emulator (PmLink, perimeter-link) between a client
 * and an echo server on loopback
 *
 * The delay each way and a new connection's round trip, bytes passed
 * unchanged both ways at a throughput the delay does not bound, the
 * throttle, the counts, random drops, and the standalone binary.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "pm-link.h"
#include "pm-test-util.h"

#define MB (1024 * 1024)

/* An echo server: each connection's bytes sent back as they come, until
 * the client ends its side; one thread a connection. */
typedef struct {
  GSocketService *service;
  guint16         port;
  gint            running;   /* connections being served */
} Echo;

static gboolean
on_echo_run (GThreadedSocketService *service,
             GSocketConnection      *connection,
             GObject                *source_object,
             Echo                   *echo)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autofree char *buffer = g_malloc (64 * 1024);
  gssize n;

  while ((n = g_input_stream_read (in, buffer, 64 * 1024, NULL, NULL)) > 0)
    if (!g_output_stream_write_all (out, buffer, n, NULL, NULL, NULL))
      break;
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_atomic_int_dec_and_test (&echo->running);
  return TRUE;
}

/* Before the threaded service's own handler hands the connection to a
 * thread (FALSE: not handled here). */
static gboolean
on_echo_incoming (GSocketService    *service,
                  GSocketConnection *connection,
                  GObject           *source_object,
                  Echo              *echo)
{
  g_atomic_int_inc (&echo->running);
  return FALSE;
}

static Echo *
echo_new (void)
{
  Echo *echo = g_new0 (Echo, 1);
  g_autoptr(GError) error = NULL;

  echo->service = g_threaded_socket_service_new (8);
  g_signal_connect (echo->service, "incoming", G_CALLBACK (on_echo_incoming), echo);
  g_signal_connect (echo->service, "run", G_CALLBACK (on_echo_run), echo);
  echo->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (echo->service), NULL, &error);
  g_assert_no_error (error);
  g_socket_service_start (echo->service);
  return echo;
}

static gboolean
echo_idle (gpointer data)
{
  Echo *echo = data;

  return g_atomic_int_get (&echo->running) == 0;
}

static void
echo_free (Echo *echo)
{
  g_socket_service_stop (echo->service);
  g_socket_listener_close (G_SOCKET_LISTENER (echo->service));
  pm_test_wait_until (echo_idle, echo, 10000);
  g_object_unref (echo->service);
  g_free (echo);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Echo, echo_free)

static PmLink *
link_to (guint16 port,
         guint   delay_ms)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) target = g_inet_socket_address_new (loopback, port);
  g_autoptr(GError) error = NULL;
  PmLink *link = pm_link_new (target);

  pm_link_set_delay_ms (link, delay_ms);
  g_assert_true (pm_link_start (link, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pm_link_get_port (link), >, 0);
  return link;
}

static GSocketConnection *
connect_to (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* The client's side runs in threads with blocking I/O; the link runs on
 * the test's main context, iterated meanwhile. */
typedef struct {
  GThreadFunc func;
  gpointer    data;
  gint        done;
} Beside;

static gpointer
beside_thread (gpointer data)
{
  Beside *beside = data;
  gpointer result = beside->func (beside->data);

  g_atomic_int_set (&beside->done, TRUE);
  g_main_context_wakeup (NULL);
  return result;
}

static gboolean
all_done (Beside *threads,
          guint   n)
{
  for (guint i = 0; i < n; i++)
    if (!g_atomic_int_get (&threads[i].done))
      return FALSE;
  return TRUE;
}

/* Runs each function in a thread of its own and returns once all have. */
static void
run_beside_loop (Beside *threads,
                 guint   n)
{
  g_autoptr(GPtrArray) joined = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (joined, g_thread_new ("test-client", beside_thread, &threads[i]));
  while (!all_done (threads, n))
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < n; i++)
    g_thread_join (joined->pdata[i]);
}

/* Round trips: one byte out, the same byte back. */
typedef struct {
  GSocketConnection *connection;
  guint              n;
  gint64             us[8];
} Pings;

static gpointer
ping (gpointer data)
{
  Pings *pings = data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (pings->connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (pings->connection));

  for (guint i = 0; i < pings->n; i++)
    {
      gint64 start = g_get_monotonic_time ();
      guint8 byte = i, back = 0;
      gsize n = 0;

      g_assert_true (g_output_stream_write_all (out, &byte, 1, NULL, NULL, NULL));
      g_assert_true (g_input_stream_read_all (in, &back, 1, &n, NULL, NULL));
      g_assert_cmpuint (n, ==, 1);
      g_assert_cmpuint (back, ==, byte);
      pings->us[i] = g_get_monotonic_time () - start;
    }
  return NULL;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static gboolean
delivered_6 (gpointer data)
{
  return pm_link_get_bytes_down (data) == 6;
}

static void
test_delay (void)
{
  g_autoptr(Echo) echo = echo_new ();
  g_autoptr(PmLink) link = link_to (echo->port, 40);
  g_autoptr(GSocketConnection) connection = connect_to (pm_link_get_port (link));
  Pings pings = { connection, 6 };
  Beside thread = { ping, &pings };
  gint64 median;

  run_beside_loop (&thread, 1);
  /* The first exchange also has TCP's handshake to make: two round trips. */
  g_test_message ("first round trip %.1f ms, then %.1f %.1f %.1f %.1f %.1f ms", pings.us[0] / 1000.0,
                  pings.us[1] / 1000.0, pings.us[2] / 1000.0, pings.us[3] / 1000.0, pings.us[4] / 1000.0,
                  pings.us[5] / 1000.0);
  g_assert_cmpint (pings.us[0], >=, 160000);
  g_assert_cmpint (pings.us[0], <, 160000 + 60000);
  qsort (pings.us + 1, pings.n - 1, sizeof (gint64), compare_gint64);
  /* Every later one a round trip, and not much more. */
  g_assert_cmpint (pings.us[1], >=, 80000);
  median = pings.us[1 + (pings.n - 1) / 2];
  g_assert_cmpint (median, <, 80000 + 25000);
  g_assert_cmpuint (pm_link_get_connection_count (link), ==, 1);
  /* The last byte's write may not have been told to the link yet. */
  pm_test_wait_until (delivered_6, link, 1000);
  g_assert_cmpuint (pm_link_get_bytes_up (link), ==, pings.n);
}

/* A payload out and what comes back, both checksummed. */
typedef struct {
  GSocketConnection *connection;
  GBytes            *payload;
  char              *sent_sum;
  char              *received_sum;
  gsize              received;
  GError            *error;        /* the reader's */
  GError            *send_error;   /* the writer's */
} Stream;

/* A socket reports a reset once, to the read or the write that comes first. */
static gboolean
stream_was_reset (Stream *stream)
{
  GError *errors[] = { stream->error, stream->send_error };

  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    if (g_error_matches (errors[i], G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED)
        || g_error_matches (errors[i], G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
      return TRUE;
  return FALSE;
}

static gpointer
send_all (gpointer data)
{
  Stream *stream = data;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (stream->connection));
  gsize size;
  gconstpointer bytes = g_bytes_get_data (stream->payload, &size);

  stream->sent_sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, stream->payload);
  if (g_output_stream_write_all (out, bytes, size, NULL, NULL, &stream->send_error))
    g_socket_shutdown (g_socket_connection_get_socket (stream->connection), FALSE, TRUE, NULL);
  return NULL;
}

static gpointer
receive_all (gpointer data)
{
  Stream *stream = data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (stream->connection));
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (64 * 1024);
  gssize n;

  while ((n = g_input_stream_read (in, buffer, 64 * 1024, NULL, &stream->error)) > 0)
    {
      g_checksum_update (sum, buffer, n);
      stream->received += n;
    }
  stream->received_sum = g_strdup (g_checksum_get_string (sum));
  return NULL;
}

static GBytes *
random_payload (gsize size)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint32 *words = g_malloc (size);

  for (gsize i = 0; i < size / 4; i++)
    words[i] = g_rand_int (rand);
  return g_bytes_new_take (words, size);
}

/* Sends size bytes through the link and reads back what the echo
 * returns; the time it took in ms. */
static double
stream_through (PmLink *link,
                gsize   size,
                Stream *stream)
{
  g_autoptr(GSocketConnection) connection = connect_to (pm_link_get_port (link));
  Beside threads[] = { { send_all, stream }, { receive_all, stream } };
  gint64 start = g_get_monotonic_time ();

  stream->connection = connection;
  stream->payload = random_payload (size);
  run_beside_loop (threads, G_N_ELEMENTS (threads));
  stream->connection = NULL;
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
stream_clear (Stream *stream)
{
  g_clear_pointer (&stream->payload, g_bytes_unref);
  g_clear_pointer (&stream->sent_sum, g_free);
  g_clear_pointer (&stream->received_sum, g_free);
  g_clear_error (&stream->error);
  g_clear_error (&stream->send_error);
  stream->received = 0;
}

static void
test_bytes_unchanged (void)
{
  g_autoptr(Echo) echo = echo_new ();
  g_autoptr(PmLink) link = link_to (echo->port, 40);
  Stream stream = { 0 };
  double ms = stream_through (link, 4 * MB, &stream);

  g_test_message ("4 MiB out and back over 40 ms each way: %.0f ms", ms);
  g_assert_no_error (stream.error);
  g_assert_cmpuint (stream.received, ==, 4 * MB);
  g_assert_cmpstr (stream.received_sum, ==, stream.sent_sum);
  g_assert_cmpuint (pm_link_get_bytes_up (link), ==, 4 * MB);
  g_assert_cmpuint (pm_link_get_bytes_down (link), ==, 4 * MB);
  /* A delay line, not a stop-and-wait: 64 chunks of 64 KiB each way took
   * more than 5 s that way. Two round trips (the connection's and the
   * data's) and the copying. */
  g_assert_cmpfloat (ms, >=, 160);
  g_assert_cmpfloat (ms, <, 2000);
  stream_clear (&stream);
}

static void
test_throttle (void)
{
  g_autoptr(Echo) echo = echo_new ();
  g_autoptr(PmLink) link = link_to (echo->port, 0);
  Stream stream = { 0 };
  double ms, expected;

  /* 256 KiB at 8,000 kbit/s is 262 ms each way; the echo's way back runs
   * beside the way out, a chunk behind. */
  pm_link_set_rate_kbps (link, 8000);
  ms = stream_through (link, 256 * 1024, &stream);
  expected = 256 * 1024 * 8 / 8000.0;
  g_test_message ("256 KiB out and back at 8,000 kbit/s: %.0f ms (%.0f ms a way)", ms, expected);
  g_assert_no_error (stream.error);
  g_assert_cmpstr (stream.received_sum, ==, stream.sent_sum);
  g_assert_cmpfloat (ms, >=, expected);
  g_assert_cmpfloat (ms, <, 2 * expected);
  stream_clear (&stream);

  /* Without the throttle, the same is a matter of milliseconds. */
  pm_link_set_rate_kbps (link, 0);
  ms = stream_through (link, 256 * 1024, &stream);
  g_test_message ("256 KiB out and back unthrottled: %.0f ms", ms);
  g_assert_cmpfloat (ms, <, expected / 2);
  stream_clear (&stream);
}

static void
test_counts (void)
{
  g_autoptr(Echo) echo = echo_new ();
  g_autoptr(PmLink) link = link_to (echo->port, 0);

  for (guint i = 0; i < 5; i++)
    {
      Stream stream = { 0 };

      stream_through (link, 1000 * (i + 1), &stream);
      g_assert_cmpuint (stream.received, ==, 1000 * (i + 1));
      stream_clear (&stream);
    }
  g_assert_cmpuint (pm_link_get_connection_count (link), ==, 5);
  g_assert_cmpuint (pm_link_get_dropped_count (link), ==, 0);
  g_assert_cmpuint (pm_link_get_bytes_up (link), ==, 15000);
  g_assert_cmpuint (pm_link_get_bytes_down (link), ==, 15000);
}

static void
test_drop (void)
{
  g_autoptr(Echo) echo = echo_new ();
  g_autoptr(PmLink) link = link_to (echo->port, 0);
  guint cut = 0;

  /* Every connection is reset within its first 4,096 bytes. */
  pm_link_set_drop_percent (link, 100);
  for (guint i = 0; i < 4; i++)
    {
      Stream stream = { 0 };

      stream_through (link, 64 * 1024, &stream);
      g_assert_cmpuint (stream.received, <, 4096);
      g_assert_true (stream_was_reset (&stream));
      cut++;
      stream_clear (&stream);
    }
  g_assert_cmpuint (pm_link_get_dropped_count (link), ==, cut);
  g_assert_cmpuint (pm_link_get_bytes_up (link) + pm_link_get_bytes_down (link), <=, cut * 4096);

  /* Half of them, at random (seeded). */
  pm_link_set_drop_percent (link, 50);
  for (guint i = 0; i < 20; i++)
    {
      Stream stream = { 0 };

      stream_through (link, 64 * 1024, &stream);
      if (stream_was_reset (&stream))
        cut++;
      else
        g_assert_cmpstr (stream.received_sum, ==, stream.sent_sum);
      stream_clear (&stream);
    }
  g_test_message ("50 %%: %u of 20 dropped", cut - 4);
  g_assert_cmpuint (pm_link_get_dropped_count (link), ==, cut);
  g_assert_cmpuint (cut - 4, >, 2);
  g_assert_cmpuint (cut - 4, <, 18);
}

/* Nothing listens at the target: the client's connection is reset. */
static void
test_refused (void)
{
  g_autoptr(PmLink) link = link_to (pm_test_free_port (), 0);
  Stream stream = { 0 };

  stream_through (link, 1024, &stream);
  g_assert_true (stream_was_reset (&stream));
  g_assert_cmpuint (stream.received, ==, 0);
  g_assert_cmpuint (pm_link_get_connection_count (link), ==, 1);
  g_assert_cmpuint (pm_link_get_bytes_up (link), ==, 0);
  stream_clear (&stream);
}

static void
test_parse_target (void)
{
  const char *good[] = { "127.0.0.1:80", "localhost:8080", "127.1.2.3:65535", "[::1]:443" };
  const char *bad[] = { "10.0.0.1:80", "192.168.1.1:443", "example.com:80", "127.0.0.1", "127.0.0.1:0",
                        "127.0.0.1:65536", ":80", "", "::1:443" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GSocketAddress) address = pm_link_parse_target (good[i], NULL);

      g_assert_nonnull (address);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocketAddress) address = pm_link_parse_target (bad[i], &error);

      g_assert_null (address);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
}

/* perimeter-link with these arguments (NULL-terminated). */
static GSubprocess *
spawn_link (GDataInputStream **out,
            GError           **error,
            const char        *first_arg,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("PM_LINK_BIN"));
  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return pm_test_spawn ((const char * const *) argv->pdata, out, error);
}

static void
test_binary (void)
{
  g_autoptr(Echo) echo = echo_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *to = g_strdup_printf ("127.0.0.1:%u", echo->port);
  g_autofree char *line = NULL;
  g_autofree char *stats = NULL;
  guint64 port = 0;

  if (g_getenv ("PM_LINK_BIN") == NULL)
    {
      g_test_skip ("PM_LINK_BIN is not set");
      return;
    }
  process = spawn_link (&out, &error, "--listen", "0", "--to", to, "--delay-ms", "5", NULL);
  g_assert_no_error (error);
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on 127.0.0.1:"));
  g_assert_true (g_ascii_string_to_unsigned (line + strlen ("listening on 127.0.0.1:"), 10, 1, 65535, &port, NULL));
  {
    g_autoptr(GSocketConnection) connection = connect_to (port);
    Pings pings = { connection, 3 };
    Beside thread = { ping, &pings };

    /* The echo server is served by this main context. */
    run_beside_loop (&thread, 1);
    g_assert_cmpint (pings.us[1], >=, 10000);
  }
  /* Until the link has been told of its last write. */
  for (guint tries = 0; tries < 50; tries++)
    {
      g_free (stats);
      g_subprocess_send_signal (process, SIGUSR1);
      stats = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (stats);
      if (!g_str_has_suffix (stats, "bytes-down 2"))
        break;
      g_usleep (20000);
    }
  g_assert_cmpstr (stats, ==, "stats connections 1 dropped 0 bytes-up 3 bytes-down 3");
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  /* Loopback only. */
  {
    g_autoptr(GSubprocess) refused = NULL;
    g_autoptr(GDataInputStream) refused_out = NULL;

    refused = spawn_link (&refused_out, &error, "--to", "10.0.0.1:80", NULL);
    g_assert_no_error (error);
    g_subprocess_wait (refused, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_get_if_exited (refused));
    g_assert_cmpint (g_subprocess_get_exit_status (refused), !=, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/link/delay", test_delay);
  g_test_add_func ("/link/bytes-unchanged", test_bytes_unchanged);
  g_test_add_func ("/link/throttle", test_throttle);
  g_test_add_func ("/link/counts", test_counts);
  g_test_add_func ("/link/drop", test_drop);
  g_test_add_func ("/link/refused", test_refused);
  g_test_add_func ("/link/parse-target", test_parse_target);
  g_test_add_func ("/link/binary", test_binary);

  return g_test_run ();
}
