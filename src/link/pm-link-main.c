/* pm-link-main.c: perimeter-link, a network link emulated on loopback
 *
 * Development tooling, not installed: its messages are not translated.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib.h>
#include <glib-unix.h>

#include "pm-link.h"

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

/* SIGUSR1: what the link has counted so far, one line on stdout. */
static gboolean
on_stats (gpointer data)
{
  PmLink *link = data;

  printf ("stats connections %u dropped %u bytes-up %" G_GUINT64_FORMAT " bytes-down %" G_GUINT64_FORMAT "\n",
          pm_link_get_connection_count (link), pm_link_get_dropped_count (link),
          pm_link_get_bytes_up (link), pm_link_get_bytes_down (link));
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) target = NULL;
  g_autoptr(PmLink) link = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *to = NULL;
  gint port = 0;
  gint delay_ms = 0;
  gint rate_kbps = 0;
  gint64 seed = 1;
  double drop_percent = 0;
  guint sigint, sigterm, sigusr1;
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0: a free one)", "PORT" },
    { "to", 't', 0, G_OPTION_ARG_STRING, &to, "The server, on loopback", "HOST:PORT" },
    { "delay-ms", 'd', 0, G_OPTION_ARG_INT, &delay_ms, "One-way delay, each direction", "MS" },
    { "rate-kbps", 'r', 0, G_OPTION_ARG_INT, &rate_kbps, "Throttle each direction to this rate (0: none)", "KBPS" },
    { "drop-percent", 0, 0, G_OPTION_ARG_DOUBLE, &drop_percent, "Reset this share of the connections mid-stream", "P" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed for the drops", "N" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Forwards TCP connections on 127.0.0.1 to a server on loopback "
                                         "with a delay each way, as a network far away would.");
  g_option_context_set_description (context, "On SIGUSR1 it prints what it has counted: “stats connections N "
                                             "dropped N bytes-up N bytes-down N”.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("perimeter-link: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (port < 0 || port > 65535 || delay_ms < 0 || delay_ms > 60000 || rate_kbps < 0
      || !(drop_percent >= 0 && drop_percent <= 100) || seed < 0 || seed > G_MAXUINT32)
    {
      g_printerr ("perimeter-link: %s\n", "--listen, --delay-ms, --rate-kbps, --drop-percent or --seed is out of range");
      return EXIT_FAILURE;
    }
  target = pm_link_parse_target (to, &error);
  if (target == NULL)
    {
      g_printerr ("perimeter-link: --to: %s\n", error->message);
      return EXIT_FAILURE;
    }

  link = pm_link_new (target);
  pm_link_set_delay_ms (link, delay_ms);
  pm_link_set_rate_kbps (link, rate_kbps);
  pm_link_set_drop_percent (link, drop_percent);
  pm_link_set_seed (link, seed);
  if (!pm_link_start (link, port, &error))
    {
      g_printerr ("perimeter-link: %s\n", error->message);
      return EXIT_FAILURE;
    }
  printf ("listening on 127.0.0.1:%u\n", pm_link_get_port (link));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, on_signal, loop);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, loop);
  sigusr1 = g_unix_signal_add (SIGUSR1, on_stats, link);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_source_remove (sigusr1);
  pm_link_stop (link);
  return EXIT_SUCCESS;
}
