/* pm-connection-test.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pm-connection-test.h"

#define MAX_REPLY (64 * 1024)

typedef struct {
  PmConnectionVerdict verdict;
  PmConnectionProblem problem;
  char               *message;
  char               *hint;
} StepState;

struct _PmConnectionTest
{
  GObject       parent_instance;

  PmProvider    provider;
  GResolver    *resolver;
  GTlsDatabase *database;
  guint         timeout;
  gboolean      loopback_is_private;
  gboolean      running;

  StepState     steps[PM_CONNECTION_N_STEPS];
};

G_DEFINE_FINAL_TYPE (PmConnectionTest, pm_connection_test, G_TYPE_OBJECT)

enum {
  STEP_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  char                 *host;
  guint                 port;
  GSocketClient        *client;
  GIOStream            *stream;      /* the socket connection, then TLS */
  GTlsCertificateFlags  cert_errors;
  GByteArray           *reply;
  guint8                buffer[4096];
} RunData;

static void
run_data_free (RunData *data)
{
  g_free (data->host);
  g_clear_object (&data->client);
  /* Closing TLS writes close_notify: never block the main loop on it. */
  if (data->stream != NULL)
    g_io_stream_close_async (data->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&data->stream);
  g_clear_pointer (&data->reply, g_byte_array_unref);
  g_free (data);
}

static void
pm_connection_test_finalize (GObject *object)
{
  PmConnectionTest *self = (PmConnectionTest *) object;

  g_clear_object (&self->resolver);
  g_clear_object (&self->database);
  for (guint i = 0; i < PM_CONNECTION_N_STEPS; i++)
    {
      g_free (self->steps[i].message);
      g_free (self->steps[i].hint);
    }
  G_OBJECT_CLASS (pm_connection_test_parent_class)->finalize (object);
}

static void
pm_connection_test_class_init (PmConnectionTestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pm_connection_test_finalize;

  signals[STEP_CHANGED] =
    g_signal_new ("step-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
pm_connection_test_init (PmConnectionTest *self)
{
  self->timeout = 10;
}

PmConnectionTest *
pm_connection_test_new (PmProvider provider)
{
  PmConnectionTest *self = g_object_new (PM_TYPE_CONNECTION_TEST, NULL);

  self->provider = provider;
  return self;
}

void
pm_connection_test_set_provider (PmConnectionTest *self,
                                 PmProvider        provider)
{
  g_return_if_fail (PM_IS_CONNECTION_TEST (self));
  self->provider = provider;
}

void
pm_connection_test_set_resolver (PmConnectionTest *self,
                                 GResolver        *resolver)
{
  g_return_if_fail (PM_IS_CONNECTION_TEST (self));
  g_set_object (&self->resolver, resolver);
}

void
pm_connection_test_set_tls_database (PmConnectionTest *self,
                                     GTlsDatabase     *database)
{
  g_return_if_fail (PM_IS_CONNECTION_TEST (self));
  g_set_object (&self->database, database);
}

void
pm_connection_test_set_timeout (PmConnectionTest *self,
                                guint             seconds)
{
  g_return_if_fail (PM_IS_CONNECTION_TEST (self));
  self->timeout = seconds;
}

void
pm_connection_test_set_loopback_is_private_for_testing (PmConnectionTest *self,
                                                        gboolean          loopback)
{
  g_return_if_fail (PM_IS_CONNECTION_TEST (self));
  self->loopback_is_private = loopback;
}

gboolean
pm_connection_address_is_private (GInetAddress *address)
{
  static const char * const ranges[] = {
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7",
  };

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_autoptr(GInetAddressMask) mask = g_inet_address_mask_new_from_string (ranges[i], NULL);

      if (mask != NULL && g_inet_address_mask_matches (mask, address))
        return TRUE;
    }
  return FALSE;
}

const char *
pm_connection_step_get_title (PmConnectionStep step)
{
  switch (step)
    {
    case PM_CONNECTION_STEP_DNS:
      return _("Name resolves to a private address");
    case PM_CONNECTION_STEP_TCP:
      return _("Connection to the endpoint");
    case PM_CONNECTION_STEP_TLS:
      return _("Secure connection and certificate");
    case PM_CONNECTION_STEP_HTTP:
      return _("Elastic answers");
    case PM_CONNECTION_N_STEPS:
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
set_step (PmConnectionTest    *self,
          PmConnectionStep     step,
          PmConnectionVerdict  verdict,
          PmConnectionProblem  problem,
          char                *message,  /* owned */
          const char          *hint)
{
  StepState *s = &self->steps[step];

  s->verdict = verdict;
  s->problem = problem;
  g_free (s->message);
  s->message = message;
  g_free (s->hint);
  s->hint = g_strdup (hint);
  g_signal_emit (self, signals[STEP_CHANGED], 0, (int) step);
}

static void
skip_from (PmConnectionTest *self,
           PmConnectionStep  first)
{
  for (guint i = first; i < PM_CONNECTION_N_STEPS; i++)
    set_step (self, i, PM_CONNECTION_VERDICT_SKIPPED, PM_CONNECTION_PROBLEM_NONE,
              g_strdup (_("Not tried: an earlier step failed.")), NULL);
}

static const char *
network_word (PmProvider provider)
{
  switch (provider)
    {
    case PM_PROVIDER_AWS:
      return _("VPC");
    case PM_PROVIDER_AZURE:
      return _("VNet");
    case PM_PROVIDER_GCP:
      return _("VPC network");
    case PM_PROVIDER_NONE:
    default:
      return _("network");
    }
}

/* Ends the run: a failure is a result (FALSE), not an error. */
static void
finish_run (GTask    *task,
            gboolean  passed)
{
  PmConnectionTest *self = g_task_get_source_object (task);

  self->running = FALSE;
  g_task_return_boolean (task, passed);
  g_object_unref (task);
}

static gboolean
fail_if_cancelled (GTask        *task,
                   const GError *error)
{
  PmConnectionTest *self = g_task_get_source_object (task);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  self->running = FALSE;
  g_task_return_error (task, g_error_copy (error));
  g_object_unref (task);
  return TRUE;
}

/* HTTP ---------------------------------------------------------------- */

/* "HTTP/1.1 200 OK": the status (0 when the line is not HTTP) and, in
 * *status_text, what follows the version ("200 OK"), within line. */
static guint
parse_status_line (const char  *line,
                   const char **status_text)
{
  const char *sp = strchr (line, ' ');

  if (!g_str_has_prefix (line, "HTTP/") || sp == NULL)
    return 0;
  *status_text = sp + 1;
  /* Exactly three digits: a longer number would not fit (nor be HTTP). */
  for (guint i = 1; i <= 3; i++)
    if (!g_ascii_isdigit (sp[i]))
      return 0;
  if (g_ascii_isdigit (sp[4]))
    return 0;
  return (guint) g_ascii_digit_value (sp[1]) * 100 + (guint) g_ascii_digit_value (sp[2]) * 10
         + (guint) g_ascii_digit_value (sp[3]);
}

static void
judge_http (GTask *task)
{
  PmConnectionTest *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autofree char *text = g_strndup ((const char *) data->reply->data, data->reply->len);
  g_autofree char *line = NULL;
  const char *eol;
  const char *status_text = "";
  guint status;

  eol = strstr (text, "\r\n");
  line = eol ? g_strndup (text, eol - text) : g_strdup (text);
  status = parse_status_line (line, &status_text);

  if (status == 401 || (status >= 200 && status < 300))
    {
      set_step (self, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_PASSED, PM_CONNECTION_PROBLEM_NONE,
                status == 401
                ? g_strdup (_("Elastic answered “401 Unauthorized”: it asks for a user name and password. The private connection works."))
                : g_strdup_printf (_("Elastic answered with HTTP %u. The private connection works."), status),
                NULL);
      finish_run (task, TRUE);
    }
  else if (status == 403 && strstr (text, "traffic filtering") != NULL)
    {
      set_step (self, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_TRAFFIC_FILTER,
                g_strdup (_("Elastic refused the request: “403 Forbidden due to traffic filtering”.")),
                _("The private connection policy is missing, does not name this endpoint, or is not "
                  "associated with this deployment or project. Once a resource has policies, traffic must "
                  "match one of them."));
      finish_run (task, FALSE);
    }
  else if (status == 0)
    {
      set_step (self, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_HTTP,
                g_strdup (_("The server did not answer with HTTP.")),
                _("Something other than Elastic may be listening at this address: check the * record."));
      finish_run (task, FALSE);
    }
  else
    {
      set_step (self, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_WARNING, PM_CONNECTION_PROBLEM_HTTP,
                g_strdup_printf (_("Elastic answered “%s”."), status_text),
                _("The connection reaches Elastic, but the answer is unusual: check the deployment's health "
                  "and the host name."));
      finish_run (task, TRUE);
    }
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  PmConnectionTest *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      if (fail_if_cancelled (task, error))
        return;
      if (data->reply->len > 0)
        {
          judge_http (task);
          return;
        }
      set_step (self, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_HTTP,
                g_strdup_printf (_("No answer to the request: %s"), error->message),
                _("The endpoint accepts connections but nothing answers: check the endpoint's state in your cloud console."));
      finish_run (task, FALSE);
      return;
    }
  g_byte_array_append (data->reply, data->buffer, n);
  if (n == 0 || data->reply->len >= MAX_REPLY)
    {
      judge_http (task);
      return;
    }
  g_input_stream_read_async (g_io_stream_get_input_stream (data->stream), data->buffer,
                             sizeof data->buffer, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), read_cb, task);
}

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  PmConnectionTest *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (fail_if_cancelled (task, error))
        return;
      set_step (self, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_HTTP,
                g_strdup_printf (_("Cannot send the request: %s"), error->message), NULL);
      finish_run (task, FALSE);
      return;
    }
  data->reply = g_byte_array_new ();
  g_input_stream_read_async (g_io_stream_get_input_stream (data->stream), data->buffer,
                             sizeof data->buffer, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), read_cb, task);
}

static void
start_http (GTask *task)
{
  PmConnectionTest *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  char *request;

  set_step (self, PM_CONNECTION_STEP_HTTP, PM_CONNECTION_VERDICT_RUNNING, PM_CONNECTION_PROBLEM_NONE,
            g_strdup (_("Asking Elastic…")), NULL);
  request = g_strdup_printf ("GET / HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: Perimeter\r\n"
                             "Accept: */*\r\nConnection: close\r\n\r\n",
                             data->host, data->port);
  /* The request lives as long as the task. */
  g_object_set_data_full (G_OBJECT (task), "request", request, g_free);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (data->stream), request,
                                   strlen (request), G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), write_cb, task);
}

/* TLS ----------------------------------------------------------------- */

static gboolean
accept_certificate_cb (GTlsConnection       *conn,
                       GTlsCertificate      *peer_cert,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  RunData *data = user_data;

  data->cert_errors = errors;
  return FALSE;
}

static void
handshake_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  PmConnectionTest *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      if (fail_if_cancelled (task, error))
        return;
      if (data->cert_errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
        set_step (self, PM_CONNECTION_STEP_TLS, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_CERT_NAME,
                  g_strdup_printf (_("The certificate does not match the name %s."), data->host),
                  _("The private DNS zone must have exactly the name in the region table, and the host "
                    "must be the deployment's alias and product under that zone: any other name does not "
                    "match Elastic's certificate."));
      else if (data->cert_errors != 0)
        set_step (self, PM_CONNECTION_STEP_TLS, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_CERT_UNTRUSTED,
                  g_strdup (_("The certificate is not trusted.")),
                  _("Something other than Elastic answered (a proxy that inspects TLS, or the * record "
                    "points to the wrong address)."));
      else
        set_step (self, PM_CONNECTION_STEP_TLS, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_TLS,
                  g_strdup_printf (_("The secure connection failed: %s"), error->message),
                  _("Something other than Elastic may be listening at this address: check the * record."));
      skip_from (self, PM_CONNECTION_STEP_HTTP);
      finish_run (task, FALSE);
      return;
    }

  set_step (self, PM_CONNECTION_STEP_TLS, PM_CONNECTION_VERDICT_PASSED, PM_CONNECTION_PROBLEM_NONE,
            g_strdup_printf (_("The certificate is valid for %s."), data->host), NULL);
  start_http (task);
}

static void
start_tls (GTask *task)
{
  PmConnectionTest *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  GIOStream *tls;

  set_step (self, PM_CONNECTION_STEP_TLS, PM_CONNECTION_VERDICT_RUNNING, PM_CONNECTION_PROBLEM_NONE,
            g_strdup (_("Checking the certificate…")), NULL);
  identity = g_network_address_new (data->host, data->port);
  tls = g_tls_client_connection_new (data->stream, identity, &error);
  if (tls == NULL)
    {
      set_step (self, PM_CONNECTION_STEP_TLS, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_TLS,
                g_strdup_printf (_("No TLS support: %s"), error->message), NULL);
      skip_from (self, PM_CONNECTION_STEP_HTTP);
      finish_run (task, FALSE);
      return;
    }
  if (self->database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), self->database);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_certificate_cb), data);
  g_object_unref (data->stream);
  data->stream = tls;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), handshake_cb, task);
}

/* TCP ----------------------------------------------------------------- */

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  PmConnectionTest *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GSocketConnection *conn;

  conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (conn == NULL)
    {
      if (fail_if_cancelled (task, error))
        return;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
        set_step (self, PM_CONNECTION_STEP_TCP, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_REFUSED,
                  g_strdup_printf (_("The connection to port %u was refused."), data->port),
                  _("Nothing listens there: the * record probably points to an address that is not the "
                    "endpoint's. Check the record's value."));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        set_step (self, PM_CONNECTION_STEP_TCP, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_TIMED_OUT,
                  g_strdup_printf (_("No answer on port %u."), data->port),
                  self->provider == PM_PROVIDER_AWS
                  ? _("The endpoint's security group must allow inbound traffic on ports 443 and 9243 from here.")
                  : _("A firewall or network security group blocks ports 443 and 9243 between here and the endpoint."));
      else
        set_step (self, PM_CONNECTION_STEP_TCP, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_NO_ROUTE,
                  g_strdup_printf (_("Cannot connect: %s"), error->message),
                  self->provider == PM_PROVIDER_AZURE
                  ? _("“No route to host” means the endpoint has not been approved. Creating the private "
                      "connection policy approves it: check that the policy exists and has this endpoint's "
                      "resource name and GUID.")
                  : self->provider == PM_PROVIDER_GCP
                  ? _("Check that the Private Service Connect endpoint's status is Accepted and that its "
                      "connection ID is in the policy.")
                  : _("Check that the VPC endpoint is Available and that its subnets are in the availability "
                      "zones listed for the region."));
      skip_from (self, PM_CONNECTION_STEP_TLS);
      finish_run (task, FALSE);
      return;
    }

  set_step (self, PM_CONNECTION_STEP_TCP, PM_CONNECTION_VERDICT_PASSED, PM_CONNECTION_PROBLEM_NONE,
            g_strdup_printf (_("Connected to port %u."), data->port), NULL);
  data->stream = G_IO_STREAM (conn);
  start_tls (task);
}

/* DNS ----------------------------------------------------------------- */

static gboolean
is_private (PmConnectionTest *self,
            GInetAddress     *address)
{
  if (self->loopback_is_private && g_inet_address_get_is_loopback (address))
    return TRUE;
  return pm_connection_address_is_private (address);
}

static void
resolve_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  PmConnectionTest *self = g_task_get_source_object (task);
  RunData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *addresses;
  GInetAddress *private_address = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GSocketAddress) target = NULL;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  if (addresses == NULL)
    {
      g_autofree char *hint = NULL;

      if (fail_if_cancelled (task, error))
        return;
      hint = g_strdup_printf (_("Check that the private DNS zone exists with exactly the name in the "
                                "region table, that it has a * record pointing to the endpoint, and that "
                                "the zone is linked to your %s. The test must run on a computer inside "
                                "that network."), network_word (self->provider));
      set_step (self, PM_CONNECTION_STEP_DNS, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_NOT_RESOLVED,
                g_strdup_printf (_("%s does not resolve."), data->host), hint);
      skip_from (self, PM_CONNECTION_STEP_TCP);
      finish_run (task, FALSE);
      return;
    }

  for (GList *l = addresses; l; l = l->next)
    if (is_private (self, l->data))
      {
        private_address = l->data;
        break;
      }

  if (private_address == NULL)
    {
      g_autofree char *hint = NULL;

      shown = g_inet_address_to_string (addresses->data);
      hint = g_strdup_printf (_("The private DNS zone is not in effect where this test runs: it is not "
                                "linked to your %s, or this computer is outside that network. Run the "
                                "test from inside the network."), network_word (self->provider));
      set_step (self, PM_CONNECTION_STEP_DNS, PM_CONNECTION_VERDICT_FAILED, PM_CONNECTION_PROBLEM_PUBLIC_ADDRESS,
                g_strdup_printf (_("%s resolves to %s, a public address."), data->host, shown), hint);
      g_resolver_free_addresses (addresses);
      skip_from (self, PM_CONNECTION_STEP_TCP);
      finish_run (task, FALSE);
      return;
    }

  shown = g_inet_address_to_string (private_address);
  set_step (self, PM_CONNECTION_STEP_DNS, PM_CONNECTION_VERDICT_PASSED, PM_CONNECTION_PROBLEM_NONE,
            g_strdup_printf (_("Resolves to %s, a private address. It should be your endpoint's address."), shown),
            NULL);
  target = g_inet_socket_address_new (private_address, data->port);
  g_resolver_free_addresses (addresses);

  set_step (self, PM_CONNECTION_STEP_TCP, PM_CONNECTION_VERDICT_RUNNING, PM_CONNECTION_PROBLEM_NONE,
            g_strdup (_("Connecting…")), NULL);
  data->client = g_socket_client_new ();
  g_socket_client_set_timeout (data->client, self->timeout);
  g_socket_client_connect_async (data->client, G_SOCKET_CONNECTABLE (target),
                                 g_task_get_cancellable (task), connect_cb, task);
}

void
pm_connection_test_run_async (PmConnectionTest   *self,
                              const char         *host,
                              guint               port,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  GTask *task;
  RunData *data;
  g_autoptr(GResolver) resolver = NULL;

  g_return_if_fail (PM_IS_CONNECTION_TEST (self));
  g_return_if_fail (host != NULL && *host != '\0');
  g_return_if_fail (port > 0 && port < 65536);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pm_connection_test_run_async);
  data = g_new0 (RunData, 1);
  data->host = g_strdup (host);
  data->port = port;
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  if (self->running)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, _("A test is already running."));
      g_object_unref (task);
      return;
    }
  self->running = TRUE;

  for (guint i = 0; i < PM_CONNECTION_N_STEPS; i++)
    set_step (self, i, PM_CONNECTION_VERDICT_PENDING, PM_CONNECTION_PROBLEM_NONE, NULL, NULL);
  set_step (self, PM_CONNECTION_STEP_DNS, PM_CONNECTION_VERDICT_RUNNING, PM_CONNECTION_PROBLEM_NONE,
            g_strdup (_("Looking up the name…")), NULL);

  resolver = self->resolver ? g_object_ref (self->resolver) : g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, host, cancellable, resolve_cb, task);
}

gboolean
pm_connection_test_run_finish (PmConnectionTest  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

PmConnectionVerdict
pm_connection_test_get_verdict (PmConnectionTest *self,
                                PmConnectionStep  step)
{
  g_return_val_if_fail (PM_IS_CONNECTION_TEST (self), PM_CONNECTION_VERDICT_PENDING);
  g_return_val_if_fail (step < PM_CONNECTION_N_STEPS, PM_CONNECTION_VERDICT_PENDING);
  return self->steps[step].verdict;
}

PmConnectionProblem
pm_connection_test_get_problem (PmConnectionTest *self,
                                PmConnectionStep  step)
{
  g_return_val_if_fail (PM_IS_CONNECTION_TEST (self), PM_CONNECTION_PROBLEM_NONE);
  g_return_val_if_fail (step < PM_CONNECTION_N_STEPS, PM_CONNECTION_PROBLEM_NONE);
  return self->steps[step].problem;
}

const char *
pm_connection_test_get_message (PmConnectionTest *self,
                                PmConnectionStep  step)
{
  g_return_val_if_fail (PM_IS_CONNECTION_TEST (self), NULL);
  g_return_val_if_fail (step < PM_CONNECTION_N_STEPS, NULL);
  return self->steps[step].message;
}

const char *
pm_connection_test_get_hint (PmConnectionTest *self,
                             PmConnectionStep  step)
{
  g_return_val_if_fail (PM_IS_CONNECTION_TEST (self), NULL);
  g_return_val_if_fail (step < PM_CONNECTION_N_STEPS, NULL);
  return self->steps[step].hint;
}
