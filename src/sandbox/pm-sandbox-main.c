/* pm-sandbox-main.c: perimeter-sandbox, the emulator as a standalone server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <glib/gi18n.h>
#include <glib-unix.h>

#include "pm-sandbox.h"

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

/* SIGUSR1: what the server has counted so far, one line on stdout. */
static gboolean
on_stats (gpointer data)
{
  PmSandbox *sandbox = data;

  printf ("stats requests %u connections %u tls-handshakes %u\n",
          pm_sandbox_get_request_count (sandbox, NULL, NULL),
          pm_sandbox_get_connection_count (sandbox),
          pm_sandbox_get_tls_handshake_count (sandbox));
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmSandbox) sandbox = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *api_key = NULL;
  g_autofree char *scale = NULL;
  g_autofree char *flavour = NULL;
  g_autofree char *url = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_auto(GStrv) faults = NULL;
  gboolean empty = FALSE;
  gint port = 0;
  gint64 seed = 1;
  gint page_size = PM_SANDBOX_DEFAULT_PAGE_SIZE;
  guint sigint, sigterm, sigusr1;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, N_("Port on 127.0.0.1 (0: a free one)"), "N" },
    { "api-key", 0, 0, G_OPTION_ARG_STRING, &api_key, N_("The API key clients must send"), "KEY" },
    { "empty", 0, 0, G_OPTION_ARG_NONE, &empty, N_("Start without demo data"), NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed for ids and random faults"), "N" },
    { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size, N_("Items per page of Serverless lists"), "N" },
    { "scale", 0, 0, G_OPTION_ARG_STRING, &scale, N_("Generate P policies of R rules and D deployments"), "P,R,D" },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults, N_("Inject a fault (repeatable)"), "SPEC" },
    { "flavour", 0, 0, G_OPTION_ARG_STRING, &flavour, N_("Accepted for compatibility: all APIs are always served"), "FLAVOUR" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, N_("Serve https with this certificate (PEM)"), "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, N_("The certificate's private key (PEM)"), "FILE" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Emulates the Elastic Cloud Hosted, ECE and Serverless "
                                           "network security APIs on 127.0.0.1."));
  g_option_context_set_description (context, _("On SIGUSR1 it prints what it has counted: "
                                               "“stats requests N connections N tls-handshakes N”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("perimeter-sandbox: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (port < 0 || port > 65535 || page_size < 1 || seed < 0)
    {
      g_printerr ("perimeter-sandbox: %s\n", _("--port, --page-size or --seed is out of range"));
      return EXIT_FAILURE;
    }

  sandbox = pm_sandbox_new ();
  pm_sandbox_set_seed (sandbox, seed);
  pm_sandbox_set_empty (sandbox, empty);
  pm_sandbox_set_page_size (sandbox, page_size);
  if (api_key)
    pm_sandbox_set_api_key (sandbox, api_key);
  if (scale)
    {
      guint p, r, d;

      if (!pm_sandbox_parse_scale (scale, &p, &r, &d))
        {
          g_printerr ("perimeter-sandbox: %s\n", _("--scale expects P,R,D, for example 512,128,5000"));
          return EXIT_FAILURE;
        }
      pm_sandbox_set_scale (sandbox, p, r, d);
    }
  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_printerr ("perimeter-sandbox: %s\n", _("--tls-cert and --tls-key go together"));
      return EXIT_FAILURE;
    }
  if (tls_cert)
    {
      g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);

      if (certificate == NULL)
        {
          g_printerr ("perimeter-sandbox: %s\n", error->message);
          return EXIT_FAILURE;
        }
      pm_sandbox_set_tls_certificate (sandbox, certificate);
    }
  for (guint i = 0; faults && faults[i]; i++)
    if (!pm_sandbox_add_fault (sandbox, faults[i], &error))
      {
        g_printerr ("perimeter-sandbox: %s\n", error->message);
        return EXIT_FAILURE;
      }

  if (!pm_sandbox_start (sandbox, port, &error))
    {
      g_printerr ("perimeter-sandbox: %s\n", error->message);
      return EXIT_FAILURE;
    }
  url = pm_sandbox_dup_base_url (sandbox);
  printf ("listening on %s\n", url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, on_signal, loop);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, loop);
  sigusr1 = g_unix_signal_add (SIGUSR1, on_stats, sandbox);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_source_remove (sigusr1);
  pm_sandbox_stop (sandbox);
  return EXIT_SUCCESS;
}
