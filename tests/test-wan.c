/* test-wan.c: the app's client against the sandbox over TLS, on loopback
 * and through a link 40 ms away each way
 *
 * The sandbox serves https with a throw-away CA's certificate, which the
 * client trusts as a profile's pinned CA (pm_http_set_ca_file). A refresh
 * of a small organization through the link succeeds; what the link and the
 * sandbox counted is printed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-http.h"
#include "pm-link.h"
#include "pm-sandbox.h"
#include "pm-test-api.h"
#include "pm-test-tls.h"
#include "pm-test-util.h"

#define DELAY_MS 40

typedef struct {
  PmTestPki *pki;
  PmSandbox *sandbox;
  PmLink    *link;      /* NULL: straight to the sandbox */
  PmHttp    *http;
} Wan;

static void
wan_free (Wan *wan)
{
  g_clear_object (&wan->http);
  g_clear_object (&wan->link);
  g_clear_object (&wan->sandbox);
  g_clear_pointer (&wan->pki, pm_test_pki_free);
  g_free (wan);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Wan, wan_free)

/* The sandbox over TLS in its own thread, with a small organization
 * (the demo data; Serverless lists in pages of three), and the client;
 * it takes pki. */
static Wan *
wan_new (PmTestPki *pki,
         guint      delay_ms)
{
  Wan *wan = g_new0 (Wan, 1);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_assert_nonnull (pki);
  wan->pki = pki;
  certificate = pm_test_pki_dup_certificate (pki);
  wan->sandbox = pm_sandbox_new ();
  pm_sandbox_set_page_size (wan->sandbox, 3);
  pm_sandbox_set_tls_certificate (wan->sandbox, certificate);
  g_assert_true (pm_sandbox_start_in_thread (wan->sandbox, 0, &error));
  g_assert_no_error (error);
  url = pm_sandbox_dup_base_url (wan->sandbox);
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));
  if (delay_ms > 0)
    {
      g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) target = g_inet_socket_address_new (loopback, pm_sandbox_get_port (wan->sandbox));

      wan->link = pm_link_new (target);
      pm_link_set_delay_ms (wan->link, delay_ms);
      g_assert_true (pm_link_start (wan->link, 0, &error));
      g_assert_no_error (error);
      g_free (url);
      url = g_strdup_printf ("https://127.0.0.1:%u", pm_link_get_port (wan->link));
    }
  wan->http = pm_http_new (url, PM_SANDBOX_DEFAULT_API_KEY, &error);
  g_assert_no_error (error);
  g_assert_true (pm_http_set_ca_file (wan->http, pki->ca, &error));
  g_assert_no_error (error);
  return wan;
}

static void
tls_checks (void)
{
  g_autoptr(Wan) wan = wan_new (pm_test_pki_new (), 0);
  g_autoptr(PmApi) api = NULL;
  g_autoptr(GPtrArray) policies = NULL;
  g_autoptr(GError) error = NULL;
  guint connections;

  api = pm_api_new_for_flavour (PM_FLAVOUR_HOSTED, wan->http);
  policies = pm_test_api_list_policies (api, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (policies->len, >, 0);
  connections = pm_sandbox_get_connection_count (wan->sandbox);
  g_assert_cmpuint (pm_sandbox_get_request_count (wan->sandbox, "GET", NULL), >=, 1);
  g_assert_cmpuint (connections, >=, 1);
  g_assert_cmpuint (pm_sandbox_get_tls_handshake_count (wan->sandbox), ==, connections);
  pm_test_settle (200);
}

/* The checks make their certificates with openssl. */
static void
run_tls_checks (void (*checks) (void))
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  if (openssl == NULL)
    g_test_skip ("openssl is not installed");
  else
    pm_test_run_without_leak_check (checks);
}

/* The sandbox over TLS, straight to the app's client. */
static void
test_tls (void)
{
  run_tls_checks (tls_checks);
}

static gboolean
loaded (gpointer data)
{
  return pm_test_session_loaded (data);
}

/* A refresh as the benchmark times it (bench-load.c): the policies and the
 * deployments or projects. */
static void
refresh_over_link (PmFlavour flavour)
{
  g_autoptr(Wan) wan = wan_new (pm_test_pki_new (), DELAY_MS);
  g_autoptr(PmApi) api = NULL;
  g_autoptr(PmSession) session = NULL;
  const GError *error;
  gint64 start;
  double ms;
  guint requests, connections, handshakes;

  api = pm_api_new_for_flavour (flavour, wan->http);
  session = pm_session_new (api, "Over the link", FALSE);

  start = g_get_monotonic_time ();
  pm_policy_store_refresh_async (pm_session_get_policies (session), NULL, NULL, NULL);
  pm_entity_store_refresh_async (pm_session_get_entities (session), NULL, NULL, NULL);
  pm_test_wait_until (loaded, session, 60000);
  ms = (g_get_monotonic_time () - start) / 1000.0;

  error = pm_policy_store_get_error (pm_session_get_policies (session));
  g_assert_no_error ((GError *) error);
  error = pm_entity_store_get_error (pm_session_get_entities (session));
  g_assert_no_error ((GError *) error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pm_session_get_policies (session))), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pm_session_get_entities (session))), >, 0);

  requests = pm_sandbox_get_request_count (wan->sandbox, NULL, NULL);
  connections = pm_sandbox_get_connection_count (wan->sandbox);
  handshakes = pm_sandbox_get_tls_handshake_count (wan->sandbox);
  /* On stdout, as TAP comments: the child's messages are not shown. */
  g_print ("# %s refresh over %u ms each way: %.0f ms, %u requests, %u TCP connections "
           "(the link accepted %u), %u TLS handshakes; %" G_GUINT64_FORMAT " bytes up, %" G_GUINT64_FORMAT " down\n",
           flavour == PM_FLAVOUR_HOSTED ? "Hosted" : "Serverless", DELAY_MS, ms, requests, connections,
           pm_link_get_connection_count (wan->link), handshakes,
           pm_link_get_bytes_up (wan->link), pm_link_get_bytes_down (wan->link));
  g_assert_cmpuint (requests, >=, 2);
  g_assert_cmpuint (connections, >=, 1);
  g_assert_cmpuint (pm_link_get_connection_count (wan->link), ==, connections);
  g_assert_cmpuint (handshakes, ==, connections);
  g_assert_cmpuint (pm_link_get_dropped_count (wan->link), ==, 0);
  /* At the least a handshake's round trip and a request's. */
  g_assert_cmpfloat (ms, >=, 4 * DELAY_MS);

  pm_session_shutdown (session);
  pm_test_settle (200);
}

static void
hosted_checks (void)
{
  refresh_over_link (PM_FLAVOUR_HOSTED);
}

static void
serverless_checks (void)
{
  refresh_over_link (PM_FLAVOUR_SERVERLESS);
}

static void
test_refresh_hosted (void)
{
  run_tls_checks (hosted_checks);
}

static void
test_refresh_serverless (void)
{
  run_tls_checks (serverless_checks);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wan/tls", test_tls);
  g_test_add_func ("/wan/refresh-over-link/hosted", test_refresh_hosted);
  g_test_add_func ("/wan/refresh-over-link/serverless", test_refresh_serverless);

  return g_test_run ();
}
