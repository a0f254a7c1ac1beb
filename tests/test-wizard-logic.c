/* test-wizard-logic.c: the wizard's generated cloud commands and the
 * private connection test against local fixtures (resolver, TLS servers)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pm-cli-commands.h"
#include "pm-connection-test.h"
#include "pm-region-catalog.h"
#include "pm-test-util.h"

/* Golden files -------------------------------------------------------- */

static const PmCliParams filled = {
  .vpc_id = "vpc-0123456789abcdef0",
  .subnet_ids = "subnet-0aaa1111, subnet-0bbb2222 subnet-0ccc3333",
  .security_group_id = "sg-0123abcd",
  .hosted_zone_id = "Z0123456789ABCDEFGHIJ",
  .endpoint_dns_name = "vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123.us-east-1.vpce.amazonaws.com",
  .resource_group = "my resources",       /* a space: must be quoted */
  .vnet = "crm-vnet",
  .subnet = "endpoints",
  .location = NULL,
  .project = "my-project-123",
  .network = "default",
  .address_name = "elastic-psc-ip",
  .endpoint_name = "elastic-endpoint",
  .endpoint_ip = "10.1.2.3",
};

static char *
golden_path (const char *name)
{
  return g_build_filename (g_getenv ("PM_SOURCE_DIR"), "tests", "golden", name, NULL);
}

static void
check_golden (const char *name,
              const char *actual)
{
  g_autofree char *path = golden_path (name);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("PM_UPDATE_GOLDEN") != NULL)
    {
      g_file_set_contents (path, actual, -1, &error);
      g_assert_no_error (error);
    }
  g_file_get_contents (path, &expected, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (actual, ==, expected);
}

static char *
render (PmFlavour          flavour,
        PmProvider         provider,
        const char        *region_id,
        const PmCliParams *params,
        const char        *alias)
{
  PmRegion *region = pm_region_catalog_lookup (pm_region_catalog_get_default (), flavour, provider, region_id);
  g_autoptr(GPtrArray) commands = NULL;
  g_autofree char *text = NULL;
  g_autofree char *host = NULL;
  g_autofree char *curl = NULL;

  g_assert_nonnull (region);
  commands = pm_cli_commands_generate (region, params);
  text = pm_cli_commands_to_text (commands);
  host = pm_cli_test_host (region, alias, NULL, "es");
  curl = pm_cli_curl_command (host, pm_cli_test_port (region));
  return g_strdup_printf ("%s\n# Test from inside the network\n%s\n", text, curl);
}

static void
test_golden (void)
{
  static const struct {
    const char *file;
    PmFlavour   flavour;
    PmProvider  provider;
    const char *region;
    gboolean    empty;
  } cases[] = {
    { "cli-hosted-aws.txt", PM_FLAVOUR_HOSTED, PM_PROVIDER_AWS, "us-east-1", FALSE },
    { "cli-hosted-aws-placeholders.txt", PM_FLAVOUR_HOSTED, PM_PROVIDER_AWS, "eu-west-1", TRUE },
    { "cli-hosted-azure.txt", PM_FLAVOUR_HOSTED, PM_PROVIDER_AZURE, "eastus2", FALSE },
    { "cli-hosted-azure-placeholders.txt", PM_FLAVOUR_HOSTED, PM_PROVIDER_AZURE, "westeurope", TRUE },
    { "cli-hosted-gcp.txt", PM_FLAVOUR_HOSTED, PM_PROVIDER_GCP, "us-central1", FALSE },
    { "cli-hosted-gcp-placeholders.txt", PM_FLAVOUR_HOSTED, PM_PROVIDER_GCP, "asia-southeast1", TRUE },
    { "cli-serverless-aws.txt", PM_FLAVOUR_SERVERLESS, PM_PROVIDER_AWS, "us-east-1", FALSE },
    { "cli-serverless-azure.txt", PM_FLAVOUR_SERVERLESS, PM_PROVIDER_AZURE, "eastus2", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = render (cases[i].flavour, cases[i].provider, cases[i].region,
                                      cases[i].empty ? NULL : &filled,
                                      cases[i].empty ? NULL : "my-deployment-d53192");

      g_test_message ("%s", cases[i].file);
      check_golden (cases[i].file, text);
    }
}

/* The shape the docs give, checked independently of the golden files. */
static void
test_docs_examples (void)
{
  PmRegionCatalog *catalog = pm_region_catalog_get_default ();
  PmRegion *azure = pm_region_catalog_lookup (catalog, PM_FLAVOUR_HOSTED, PM_PROVIDER_AZURE, "eastus2");
  PmRegion *aws = pm_region_catalog_lookup (catalog, PM_FLAVOUR_HOSTED, PM_PROVIDER_AWS, "us-east-1");
  PmRegion *gcp = pm_region_catalog_lookup (catalog, PM_FLAVOUR_HOSTED, PM_PROVIDER_GCP, "asia-southeast1");
  PmRegion *sl = pm_region_catalog_lookup (catalog, PM_FLAVOUR_SERVERLESS, PM_PROVIDER_AWS, "us-east-1");
  g_autofree char *h1 = pm_cli_test_host (azure, "my-deployment-d53192", NULL, "es");
  g_autofree char *c1 = pm_cli_curl_command (h1, pm_cli_test_port (azure));
  g_autofree char *h2 = pm_cli_test_host (aws, "my-deployment-d53192", NULL, "es");
  g_autofree char *c2 = pm_cli_curl_command (h2, pm_cli_test_port (aws));
  g_autofree char *h3 = pm_cli_test_host (gcp, "my-deployment-d53192", NULL, "es");
  g_autofree char *h4 = pm_cli_test_host (sl, "my-project-d53192", NULL, "es");
  g_autofree char *h5 = pm_cli_test_host (azure, NULL, "6b111580caaa4a9e84b18ec7c600155e", "es");
  g_autofree char *q = pm_cli_quote ("it's");

  g_assert_cmpstr (c1, ==, "curl -v https://my-deployment-d53192.es.privatelink.eastus2.azure.elastic-cloud.com:9243 -u <USERNAME>");
  g_assert_cmpstr (c2, ==, "curl -v https://my-deployment-d53192.es.vpce.us-east-1.aws.elastic-cloud.com -u <USERNAME>");
  g_assert_cmpstr (h3, ==, "my-deployment-d53192.es.psc.asia-southeast1.gcp.elastic-cloud.com");
  g_assert_cmpuint (pm_cli_test_port (gcp), ==, 9243);
  g_assert_cmpstr (h4, ==, "my-project-d53192.es.private.us-east-1.aws.elastic.cloud");
  g_assert_cmpuint (pm_cli_test_port (sl), ==, 443);
  g_assert_cmpstr (h5, ==, "6b111580caaa4a9e84b18ec7c600155e.privatelink.eastus2.azure.elastic-cloud.com");
  g_assert_cmpstr (q, ==, "'it'\\''s'");
}

/* Every region: a complete command set whose values are the catalog's. */
static void
test_every_region (void)
{
  PmRegionCatalog *catalog = pm_region_catalog_get_default ();
  static const PmFlavour flavours[] = { PM_FLAVOUR_HOSTED, PM_FLAVOUR_SERVERLESS };
  static const PmProvider providers[] = { PM_PROVIDER_AWS, PM_PROVIDER_AZURE, PM_PROVIDER_GCP };
  guint total = 0;

  for (guint f = 0; f < G_N_ELEMENTS (flavours); f++)
    for (guint p = 0; p < G_N_ELEMENTS (providers); p++)
      {
        GListModel *list = pm_region_catalog_list (catalog, flavours[f], providers[p]);

        for (guint i = 0; i < g_list_model_get_n_items (list); i++)
          {
            g_autoptr(PmRegion) region = g_list_model_get_item (list, i);
            g_autoptr(GPtrArray) commands = pm_cli_commands_generate (region, &filled);
            g_autofree char *text = pm_cli_commands_to_text (commands);
            g_autofree char *host = pm_cli_test_host (region, "alias-1", NULL, "es");
            const char *zone = pm_region_get_private_zone (region);
            const char *service = pm_region_get_service_name (region);
            g_autofree char *star = NULL;

            g_assert_nonnull (zone);
            g_assert_nonnull (service);
            g_assert_cmpuint (commands->len, >=, 4);
            g_assert_nonnull (strstr (text, service));
            g_assert_nonnull (strstr (text, zone));
            g_assert_null (strstr (text, "<"));    /* every field filled: no placeholder left */
            g_assert_true (g_str_has_suffix (host, zone));
            g_assert_true (g_str_has_prefix (host, "alias-1.es."));

            switch (providers[p])
              {
              case PM_PROVIDER_AWS:
                g_assert_nonnull (strstr (text, "aws ec2 create-vpc-endpoint --region "));
                g_assert_nonnull (strstr (text, "--vpc-endpoint-type Interface"));
                g_assert_nonnull (strstr (text, "aws route53 create-hosted-zone --name "));
                g_assert_nonnull (strstr (text, "change-resource-record-sets"));
                star = g_strdup_printf ("\"Name\":\"*.%s\",\"Type\":\"CNAME\"", zone);
                g_assert_nonnull (strstr (text, star));
                break;
              case PM_PROVIDER_AZURE:
                g_assert_nonnull (strstr (text, "--manual-request --private-connection-resource-id "));
                star = g_strdup_printf ("az network private-dns zone create --resource-group 'my resources' -n %s", zone);
                g_assert_nonnull (strstr (text, star));
                g_assert_nonnull (strstr (text, "az network private-dns link vnet create"));
                g_assert_nonnull (strstr (text, "--record-set-name '*' --ipv4-address 10.1.2.3"));
                break;
              case PM_PROVIDER_GCP:
                g_assert_nonnull (strstr (text, "gcloud compute addresses create elastic-psc-ip"));
                g_assert_nonnull (strstr (text, "--target-service-attachment="));
                star = g_strdup_printf ("--dns-name=%s. --visibility=private --networks=default", zone);
                g_assert_nonnull (strstr (text, star));
                g_free (star);
                star = g_strdup_printf ("gcloud dns record-sets create '*.%s.'", zone);
                g_assert_nonnull (strstr (text, star));
                break;
              case PM_PROVIDER_NONE:
              default:
                g_assert_not_reached ();
              }
            total++;
          }
      }
  g_assert_cmpuint (total, >=, 22 + 16 + 20 + 10 + 10);
}

static void
test_private_addresses (void)
{
  static const struct { const char *address; gboolean private; } cases[] = {
    { "10.0.0.1", TRUE }, { "172.16.5.4", TRUE }, { "172.31.255.255", TRUE }, { "172.32.0.1", FALSE },
    { "192.168.46.5", TRUE }, { "100.64.0.1", TRUE }, { "100.128.0.1", FALSE }, { "8.8.8.8", FALSE },
    { "127.0.0.1", FALSE }, { "fd00::1", TRUE }, { "fc00::5", TRUE }, { "2001:db8::1", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GInetAddress) a = g_inet_address_new_from_string (cases[i].address);

      g_assert_cmpint (pm_connection_address_is_private (a), ==, cases[i].private);
    }
}

/* A resolver with a fixed table ---------------------------------------- */

#define TEST_TYPE_RESOLVER (test_resolver_get_type ())
G_DECLARE_FINAL_TYPE (TestResolver, test_resolver, TEST, RESOLVER, GResolver)

struct _TestResolver
{
  GResolver   parent_instance;
  GHashTable *names;   /* name → address text */
};

G_DEFINE_FINAL_TYPE (TestResolver, test_resolver, G_TYPE_RESOLVER)

static GList *
test_resolver_lookup_by_name (GResolver     *resolver,
                              const char    *hostname,
                              GCancellable  *cancellable,
                              GError       **error)
{
  TestResolver *self = TEST_RESOLVER (resolver);
  const char *address = g_hash_table_lookup (self->names, hostname);

  if (address == NULL)
    {
      g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "Name not found: %s", hostname);
      return NULL;
    }
  return g_list_append (NULL, g_inet_address_new_from_string (address));
}

static void
test_resolver_lookup_by_name_async (GResolver           *resolver,
                                    const char          *hostname,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  GList *list = test_resolver_lookup_by_name (resolver, hostname, cancellable, &error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, (GDestroyNotify) g_resolver_free_addresses);
}

static GList *
test_resolver_lookup_by_name_finish (GResolver     *resolver,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_resolver_finalize (GObject *object)
{
  g_hash_table_unref (TEST_RESOLVER (object)->names);
  G_OBJECT_CLASS (test_resolver_parent_class)->finalize (object);
}

static void
test_resolver_class_init (TestResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = test_resolver_finalize;
  resolver_class->lookup_by_name = test_resolver_lookup_by_name;
  resolver_class->lookup_by_name_async = test_resolver_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = test_resolver_lookup_by_name_finish;
}

static void
test_resolver_init (TestResolver *self)
{
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* TLS fixtures made with openssl at test time ------------------------- */

typedef struct {
  char            *dir;
  GTlsDatabase    *ca;
  GTlsCertificate *good;     /* *.es.privatelink.eastus2.azure.elastic-cloud.com */
  GTlsCertificate *wrong;    /* other.example.com */
} Certs;

static Certs certs;

static void
run_openssl (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);

  g_assert_no_error (error);
  g_subprocess_wait_check (p, NULL, &error);
  g_assert_no_error (error);
}

static GTlsCertificate *
make_server_cert (const char *name,
                  const char *san)
{
  g_autofree char *key = g_strdup_printf ("%s/%s.key", certs.dir, name);
  g_autofree char *csr = g_strdup_printf ("%s/%s.csr", certs.dir, name);
  g_autofree char *pem = g_strdup_printf ("%s/%s.pem", certs.dir, name);
  g_autofree char *ext = g_strdup_printf ("%s/%s.ext", certs.dir, name);
  g_autofree char *ext_text = g_strdup_printf ("subjectAltName=DNS:%s\n", san);
  g_autofree char *subj = g_strdup_printf ("/CN=%s", san);
  g_autofree char *ca_pem = g_strdup_printf ("%s/ca.pem", certs.dir);
  g_autofree char *ca_key = g_strdup_printf ("%s/ca.key", certs.dir);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *cert;

  g_file_set_contents (ext, ext_text, -1, &error);
  g_assert_no_error (error);
  run_openssl ((const char *[]) { "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                  "-nodes", "-keyout", key, "-out", csr, "-subj", subj, NULL });
  run_openssl ((const char *[]) { "openssl", "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key,
                                  "-CAcreateserial", "-out", pem, "-days", "2", "-extfile", ext, NULL });
  cert = g_tls_certificate_new_from_files (pem, key, &error);
  g_assert_no_error (error);
  return cert;
}

static void
make_certs (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ca_pem = NULL;
  g_autofree char *ca_key = NULL;

  if (certs.dir != NULL)
    return;
  certs.dir = g_dir_make_tmp ("pm-wizard-XXXXXX", &error);
  g_assert_no_error (error);
  ca_pem = g_strdup_printf ("%s/ca.pem", certs.dir);
  ca_key = g_strdup_printf ("%s/ca.key", certs.dir);
  run_openssl ((const char *[]) { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                  "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", ca_key,
                                  "-out", ca_pem, "-days", "2", "-subj", "/CN=Perimeter test CA", NULL });
  certs.ca = g_tls_file_database_new (ca_pem, &error);
  g_assert_no_error (error);
  certs.good = make_server_cert ("good", "*.es.privatelink.eastus2.azure.elastic-cloud.com");
  certs.wrong = make_server_cert ("wrong", "other.example.com");
}

static void
free_certs (void)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFileEnumerator) e = NULL;
  GFileInfo *info;

  if (certs.dir == NULL)
    return;
  g_clear_object (&certs.ca);
  g_clear_object (&certs.good);
  g_clear_object (&certs.wrong);
  dir = g_file_new_for_path (certs.dir);
  e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
  while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));

      g_file_delete (child, NULL, NULL);
      g_object_unref (info);
    }
  g_file_delete (dir, NULL, NULL);
  g_clear_pointer (&certs.dir, g_free);
}

/* A TLS server on 127.0.0.1 that answers every request with one reply. */
typedef struct {
  GSocketService  *service;
  guint16          port;
  GTlsCertificate *cert;
  const char      *reply;
  GPtrArray       *conns;
} Server;

typedef struct {
  Server    *server;
  GIOStream *tls;
  char       buf[2048];
} ServerConn;

static void
server_conn_free (ServerConn *c)
{
  g_io_stream_close (c->tls, NULL, NULL);
  g_object_unref (c->tls);
  g_free (c);
}

static void
server_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ServerConn *c = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0)
    g_output_stream_write_all (g_io_stream_get_output_stream (c->tls), c->server->reply,
                               strlen (c->server->reply), NULL, NULL, NULL);
  g_io_stream_close (c->tls, NULL, NULL);
}

static void
server_handshake_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ServerConn *c = user_data;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, NULL))
    return;
  g_input_stream_read_async (g_io_stream_get_input_stream (c->tls), c->buf, sizeof c->buf,
                             G_PRIORITY_DEFAULT, NULL, server_read_cb, c);
}

static gboolean
server_incoming_cb (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source,
                    gpointer           user_data)
{
  Server *server = user_data;
  g_autoptr(GError) error = NULL;
  ServerConn *c = g_new0 (ServerConn, 1);

  c->server = server;
  c->tls = g_tls_server_connection_new (G_IO_STREAM (connection), server->cert, &error);
  g_assert_no_error (error);
  g_ptr_array_add (server->conns, c);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (c->tls), G_PRIORITY_DEFAULT, NULL,
                                    server_handshake_cb, c);
  return TRUE;
}

static Server *
server_new (GTlsCertificate *cert,
            const char      *reply)
{
  Server *server = g_new0 (Server, 1);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  server->cert = cert;
  server->reply = reply;
  server->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) server_conn_free);
  server->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (server->service, "incoming", G_CALLBACK (server_incoming_cb), server);
  g_socket_service_start (server->service);
  return server;
}

static void
server_free (Server *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  g_object_unref (server->service);
  g_ptr_array_unref (server->conns);
  g_free (server);
}

/* Running the test ---------------------------------------------------- */

#define HOST "my-deployment-d53192.es.privatelink.eastus2.azure.elastic-cloud.com"

static PmConnectionTest *
run_test (const char *address,
          guint       port,
          gboolean   *passed)
{
  g_autoptr(TestResolver) resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);
  PmConnectionTest *test = pm_connection_test_new (PM_PROVIDER_AZURE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  make_certs ();
  if (address != NULL)
    g_hash_table_insert (resolver->names, g_strdup (HOST), g_strdup (address));
  pm_connection_test_set_resolver (test, G_RESOLVER (resolver));
  pm_connection_test_set_tls_database (test, certs.ca);
  pm_connection_test_set_loopback_is_private_for_testing (test, TRUE);
  pm_connection_test_set_timeout (test, 5);
  pm_connection_test_run_async (test, HOST, port, NULL, pm_test_result_cb, &result);
  pm_test_wait (&result);
  *passed = pm_connection_test_run_finish (test, result, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < PM_CONNECTION_N_STEPS; i++)
    g_test_message ("%s: %d %s | %s", pm_connection_step_get_title (i),
                    pm_connection_test_get_verdict (test, i),
                    pm_connection_test_get_message (test, i),
                    pm_connection_test_get_hint (test, i));
  return test;
}

static void
assert_step (PmConnectionTest   *test,
             PmConnectionStep    step,
             PmConnectionVerdict verdict,
             PmConnectionProblem problem)
{
  g_assert_cmpint (pm_connection_test_get_verdict (test, step), ==, verdict);
  g_assert_cmpint (pm_connection_test_get_problem (test, step), ==, problem);
  g_assert_nonnull (pm_connection_test_get_message (test, step));
  if (verdict == PM_CONNECTION_VERDICT_FAILED)
    g_assert_nonnull (pm_connection_test_get_hint (test, step));
}

static void
test_conn_not_resolved (void)
{
  gboolean passed;
  g_autoptr(PmConnectionTest) test = run_test (NULL, 9243, &passed);

  g_assert_false (passed);
  assert_step (test, PM_CONNECTION_STEP_DNS, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_NOT_RESOLVED);
  g_assert_nonnull (strstr (pm_connection_test_get_hint (test, PM_CONNECTION_STEP_DNS), "* record"));
  g_assert_nonnull (strstr (pm_connection_test_get_hint (test, PM_CONNECTION_STEP_DNS), "VNet"));
  assert_step (test, PM_CONNECTION_STEP_TCP, PM_CONNECTION_VERDICT_SKIPPED, PM_CONNECTION_PROBLEM_NONE);
  assert_step (test, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_SKIPPED, PM_CONNECTION_PROBLEM_NONE);
}

static void
test_conn_public_address (void)
{
  gboolean passed;
  g_autoptr(PmConnectionTest) test = run_test ("203.0.113.7", 9243, &passed);

  g_assert_false (passed);
  assert_step (test, PM_CONNECTION_STEP_DNS, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_PUBLIC_ADDRESS);
  g_assert_nonnull (strstr (pm_connection_test_get_message (test, PM_CONNECTION_STEP_DNS), "203.0.113.7"));
  g_assert_nonnull (strstr (pm_connection_test_get_hint (test, PM_CONNECTION_STEP_DNS), "inside the network"));
  assert_step (test, PM_CONNECTION_STEP_TCP, PM_CONNECTION_VERDICT_SKIPPED, PM_CONNECTION_PROBLEM_NONE);
}

static void
test_conn_closed_port (void)
{
  gboolean passed;
  g_autoptr(PmConnectionTest) test = run_test ("127.0.0.1", pm_test_free_port (), &passed);

  g_assert_false (passed);
  assert_step (test, PM_CONNECTION_STEP_DNS, PM_CONNECTION_VERDICT_PASSED, PM_CONNECTION_PROBLEM_NONE);
  assert_step (test, PM_CONNECTION_STEP_TCP, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_REFUSED);
  assert_step (test, PM_CONNECTION_STEP_TLS, PM_CONNECTION_VERDICT_SKIPPED, PM_CONNECTION_PROBLEM_NONE);
}

static void
test_conn_wrong_name (void)
{
  Server *server;
  gboolean passed;
  g_autoptr(PmConnectionTest) test = NULL;

  make_certs ();
  server = server_new (certs.wrong, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  test = run_test ("127.0.0.1", server->port, &passed);
  g_assert_false (passed);
  assert_step (test, PM_CONNECTION_STEP_TCP, PM_CONNECTION_VERDICT_PASSED, PM_CONNECTION_PROBLEM_NONE);
  assert_step (test, PM_CONNECTION_STEP_TLS, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_CERT_NAME);
  g_assert_nonnull (strstr (pm_connection_test_get_hint (test, PM_CONNECTION_STEP_TLS), "private DNS zone"));
  assert_step (test, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_SKIPPED, PM_CONNECTION_PROBLEM_NONE);
  server_free (server);
}

static void
test_conn_works (void)
{
  Server *server;
  gboolean passed;
  g_autoptr(PmConnectionTest) test = NULL;

  make_certs ();
  server = server_new (certs.good,
                       "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"security\"\r\n"
                       "Content-Length: 0\r\nConnection: close\r\n\r\n");
  test = run_test ("127.0.0.1", server->port, &passed);
  g_assert_true (passed);
  assert_step (test, PM_CONNECTION_STEP_DNS, PM_CONNECTION_VERDICT_PASSED, PM_CONNECTION_PROBLEM_NONE);
  assert_step (test, PM_CONNECTION_STEP_TCP, PM_CONNECTION_VERDICT_PASSED, PM_CONNECTION_PROBLEM_NONE);
  assert_step (test, PM_CONNECTION_STEP_TLS, PM_CONNECTION_VERDICT_PASSED, PM_CONNECTION_PROBLEM_NONE);
  assert_step (test, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_PASSED, PM_CONNECTION_PROBLEM_NONE);
  g_assert_nonnull (strstr (pm_connection_test_get_message (test, PM_CONNECTION_STEP_HTTP), "401"));
  server_free (server);
}

static void
test_conn_traffic_filtered (void)
{
  Server *server;
  gboolean passed;
  g_autoptr(PmConnectionTest) test = NULL;
  static const char body[] = "{\"ok\":false,\"message\":\"Forbidden due to traffic filtering. Please see the Elastic documentation on Traffic Filtering for more information.\"}";
  g_autofree char *reply = g_strdup_printf ("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
                                            "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                                            strlen (body), body);

  make_certs ();
  server = server_new (certs.good, reply);
  test = run_test ("127.0.0.1", server->port, &passed);
  g_assert_false (passed);
  assert_step (test, PM_CONNECTION_STEP_TLS, PM_CONNECTION_VERDICT_PASSED, PM_CONNECTION_PROBLEM_NONE);
  assert_step (test, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_TRAFFIC_FILTER);
  g_assert_nonnull (strstr (pm_connection_test_get_hint (test, PM_CONNECTION_STEP_HTTP), "policy"));
  server_free (server);
}

static PmConnectionTest *
run_against_reply (const char *reply,
                   gboolean   *passed)
{
  Server *server;
  PmConnectionTest *test;

  make_certs ();
  server = server_new (certs.good, reply);
  test = run_test ("127.0.0.1", server->port, passed);
  server_free (server);
  return test;
}

static void
test_conn_unusual_answer (void)
{
  gboolean passed;
  g_autoptr(PmConnectionTest) test = NULL;

  test = run_against_reply ("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                            "Connection: close\r\n\r\n", &passed);
  g_assert_true (passed);
  assert_step (test, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_WARNING, PM_CONNECTION_PROBLEM_HTTP);
  g_assert_nonnull (strstr (pm_connection_test_get_message (test, PM_CONNECTION_STEP_HTTP),
                            "“503 Service Unavailable”"));
}

/* A status line that is short, or whose status would wrap a guint, is not HTTP. */
static void
test_conn_malformed_status (void)
{
  static const char * const replies[] = {
    "HTTP/ 5\r\n\r\n",
    "HTTP/1.1 4294967496 OK\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      gboolean passed;
      g_autoptr(PmConnectionTest) test = run_against_reply (replies[i], &passed);

      g_assert_false (passed);
      assert_step (test, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_HTTP);
    }
}

/* glib-networking, loaded for TLS, is a GIO module with dynamic TLS blocks
 * that LeakSanitizer's tracer crashes on at exit (a sanitizer bug). The TLS
 * cases run in a child that leaves without the exit-time leak scan; the
 * parent asserts the child passed. */
static void
tls_case (gconstpointer data)
{
  if (g_test_subprocess ())
    {
      ((GTestFunc) data) ();
      free_certs ();
      fflush (stdout);
      _exit (0);
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wizard-logic/cli/golden", test_golden);
  g_test_add_func ("/wizard-logic/cli/docs-examples", test_docs_examples);
  g_test_add_func ("/wizard-logic/cli/every-region", test_every_region);
  g_test_add_func ("/wizard-logic/connection/private-addresses", test_private_addresses);
  g_test_add_func ("/wizard-logic/connection/not-resolved", test_conn_not_resolved);
  g_test_add_func ("/wizard-logic/connection/public-address", test_conn_public_address);
  g_test_add_func ("/wizard-logic/connection/closed-port", test_conn_closed_port);
  g_test_add_data_func ("/wizard-logic/connection/wrong-certificate-name", (GTestFunc) test_conn_wrong_name, tls_case);
  g_test_add_data_func ("/wizard-logic/connection/works", (GTestFunc) test_conn_works, tls_case);
  g_test_add_data_func ("/wizard-logic/connection/traffic-filtered", (GTestFunc) test_conn_traffic_filtered, tls_case);
  g_test_add_data_func ("/wizard-logic/connection/unusual-answer", (GTestFunc) test_conn_unusual_answer, tls_case);
  g_test_add_data_func ("/wizard-logic/connection/malformed-status", (GTestFunc) test_conn_malformed_status, tls_case);

  ret = g_test_run ();
  free_certs ();
  return ret;
}
