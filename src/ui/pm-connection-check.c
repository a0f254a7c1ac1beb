/* pm-connection-check.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-api.h"
#include "pm-connection-check.h"
#include "pm-error-text.h"

typedef struct
{
  PmApi           *api;
  char            *base_url;
  char            *ca_file;
  guint            n_policies;
  GError          *api_error;
  GTlsCertificate *peer_certificate;
  GTlsCertificateFlags peer_errors;
} Check;

static void
check_free (Check *check)
{
  g_clear_object (&check->api);
  g_free (check->base_url);
  g_free (check->ca_file);
  g_clear_error (&check->api_error);
  g_clear_object (&check->peer_certificate);
  g_free (check);
}

static GError *
explained (const GError *error,
           const char   *text)
{
  const PmApiErrorDetails *details = NULL;

  if (error->domain == PM_API_ERROR)
    details = pm_api_error_get_details (error);
  return pm_api_error_new (error->domain == PM_API_ERROR ? error->code : PM_API_ERROR_FAILED,
                           details, "%s", text);
}

static char *
describe_certificate_problem (Check      *check,
                              const char *host)
{
  g_autofree char *issuer = NULL;
  g_autofree char *subject = NULL;
  GString *text = g_string_new (NULL);

  if (check->peer_certificate != NULL)
    {
      issuer = g_tls_certificate_get_issuer_name (check->peer_certificate);
      subject = g_tls_certificate_get_subject_name (check->peer_certificate);
    }

  g_string_append_printf (text, _("The secure connection to %s failed."), host);
  g_string_append_c (text, ' ');
  if (issuer != NULL)
    {
      g_string_append_printf (text, _("Its certificate (%s) was issued by “%s”."),
                              subject ? subject : "?", issuer);
      g_string_append_c (text, ' ');
    }
  if (check->peer_errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_string_append (text, _("This computer does not trust that issuer. If it is your Cloud Enterprise installation’s own certificate authority, choose its CA certificate file (PEM) in this account; otherwise something between you and the server, such as an inspecting proxy, replaces the certificate."));
  else if (check->peer_errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_string_append (text, _("The certificate is not valid for this host name. Use the host name the certificate was made for in the API base URL."));
  else if (check->peer_errors & G_TLS_CERTIFICATE_EXPIRED)
    g_string_append (text, _("The certificate has expired. The server’s administrator must renew it."));
  else if (check->peer_errors & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_string_append (text, _("The certificate is not valid yet. Check this computer’s date and time."));
  else if (check->peer_errors & G_TLS_CERTIFICATE_REVOKED)
    g_string_append (text, _("The certificate has been revoked."));
  else
    g_string_append (text, _("The TLS handshake failed. The server may not speak HTTPS on this port."));

  return g_string_free (text, FALSE);
}

static gboolean
accept_certificate_cb (GTlsConnection       *conn,
                       GTlsCertificate      *peer_cert,
                       GTlsCertificateFlags  errors,
                       Check                *check)
{
  g_set_object (&check->peer_certificate, peer_cert);
  check->peer_errors = errors;
  return FALSE;
}

static void
socket_event_cb (GSocketClient      *client,
                 GSocketClientEvent  event,
                 GSocketConnectable *connectable,
                 GIOStream          *connection,
                 Check              *check)
{
  if (event != G_SOCKET_CLIENT_TLS_HANDSHAKING || !G_IS_TLS_CONNECTION (connection))
    return;

  if (check->ca_file != NULL)
    {
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (check->ca_file, NULL);

      if (database != NULL)
        g_tls_connection_set_database (G_TLS_CONNECTION (connection), database);
    }
  g_signal_connect (connection, "accept-certificate", G_CALLBACK (accept_certificate_cb), check);
}

static void
probe_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (check->base_url, G_URI_FLAGS_NONE, NULL);
  const char *host = uri ? g_uri_get_host (uri) : check->base_url;
  int port = uri ? g_uri_get_port (uri) : -1;
  g_autofree char *text = NULL;
  g_autofree char *base_text = NULL;

  connection = g_socket_client_connect_to_uri_finish (G_SOCKET_CLIENT (source), result, &error);

  if (port < 0)
    port = (uri && g_strcmp0 (g_uri_get_scheme (uri), "http") == 0) ? 80 : 443;

  if (connection != NULL)
    {
      /* The network path works; the client's own error stands. */
      base_text = pm_error_text_describe (check->api_error);
      g_task_return_error (task, explained (check->api_error, base_text));
      return;
    }

  if (error->domain == G_RESOLVER_ERROR)
    text = g_strdup_printf (_("The host “%s” could not be found. Check the spelling of the API base URL and that this computer’s network and DNS work."), host);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    text = g_strdup_printf (_("Nothing answers at %s on port %d: the connection was refused. Check the host and port of the API base URL (Cloud Enterprise listens on 12443) and that the service is running."), host, port);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    text = g_strdup_printf (_("%s on port %d does not answer: the connection timed out. A firewall may drop it, or the network is down."), host, port);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE)
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    text = g_strdup_printf (_("There is no route to %s. This computer may be offline."), host);
  else if (error->domain == G_IO_ERROR
           && (error->code == G_IO_ERROR_PROXY_FAILED || error->code == G_IO_ERROR_PROXY_AUTH_FAILED
               || error->code == G_IO_ERROR_PROXY_NEED_AUTH || error->code == G_IO_ERROR_PROXY_NOT_ALLOWED))
    text = g_strdup_printf (_("The proxy refused or failed to connect to %s: %s. Check the proxy settings."), host, error->message);
  else if (error->domain == G_TLS_ERROR || check->peer_certificate != NULL)
    text = describe_certificate_problem (check, host);
  else
    {
      base_text = pm_error_text_describe (check->api_error);
      text = g_strdup_printf ("%s (%s)", base_text, error->message);
    }

  g_task_return_error (task, explained (check->api_error, text));
}

static void
probe (GTask *task)
{
  Check *check = g_task_get_task_data (task);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GUri) uri = g_uri_parse (check->base_url, G_URI_FLAGS_NONE, NULL);

  g_socket_client_set_timeout (client, 15);
  g_socket_client_set_enable_proxy (client, TRUE);
  if (uri != NULL && g_strcmp0 (g_uri_get_scheme (uri), "https") == 0)
    g_socket_client_set_tls (client, TRUE);
  g_signal_connect (client, "event", G_CALLBACK (socket_event_cb), check);

  g_socket_client_connect_to_uri_async (client, check->base_url, 443,
                                        g_task_get_cancellable (task),
                                        probe_done_cb, g_object_ref (task));
}

static void
fail_with (GTask  *task,
           GError *error)
{
  Check *check = g_task_get_task_data (task);
  g_autofree char *text = NULL;

  if (error->domain == PM_API_ERROR
      && (error->code == PM_API_ERROR_NETWORK || error->code == PM_API_ERROR_TLS
          || error->code == PM_API_ERROR_TIMEOUT))
    {
      check->api_error = g_error_copy (error);
      probe (task);
      return;
    }

  text = pm_error_text_describe (error);
  g_task_return_error (task, explained (error, text));
}

static void
list_entities_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(GPtrArray) entities = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *policies_text = NULL;
  g_autofree char *entities_text = NULL;
  guint n;

  entities = pm_api_list_entities_finish (PM_API (source), result, &error);
  if (entities == NULL)
    {
      fail_with (task, error);
      return;
    }

  n = entities->len;
  policies_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u policy", "%u policies", check->n_policies),
                                   check->n_policies);
  if (pm_api_get_flavour (check->api) == PM_FLAVOUR_SERVERLESS)
    entities_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u project", "%u projects", n), n);
  else
    entities_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u deployment", "%u deployments", n), n);

  /* TRANSLATORS: "Connected: 4 policies and 3 deployments are visible with this key." */
  g_task_return_pointer (task,
                         g_strdup_printf (_("Connected: %s and %s are visible with this key."),
                                          policies_text, entities_text),
                         g_free);
}

static void
list_policies_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(GPtrArray) policies = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  policies = pm_api_list_policies_finish (PM_API (source), result, &error);
  if (policies == NULL)
    {
      fail_with (task, error);
      return;
    }

  check->n_policies = policies->len;
  cancellable = g_task_get_cancellable (task);
  pm_api_list_entities_async (check->api, cancellable, list_entities_cb, g_steal_pointer (&task));
}

void
pm_connection_check_async (PmFlavour            flavour,
                           const char          *base_url,
                           const char          *ca_file,
                           const char          *api_key,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(PmHttp) http = NULL;
  g_autoptr(GError) error = NULL;
  Check *check;

  g_return_if_fail (base_url != NULL);
  g_return_if_fail (api_key != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pm_connection_check_async);

  check = g_new0 (Check, 1);
  check->base_url = g_strdup (base_url);
  check->ca_file = (ca_file != NULL && *ca_file != '\0') ? g_strdup (ca_file) : NULL;
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);

  if (*api_key == '\0')
    {
      g_task_return_new_error (task, PM_API_ERROR, PM_API_ERROR_UNAUTHORIZED, "%s",
                               _("Enter the API key first."));
      return;
    }

  http = pm_http_new (base_url, api_key, &error);
  if (http == NULL)
    {
      g_autofree char *text = pm_error_text_describe (error);

      g_task_return_error (task, explained (error, text));
      return;
    }
  /* One attempt, quickly: the person is waiting for the verdict. */
  pm_http_set_retry_policy (http, 1, 0, 0);
  pm_http_set_timeout (http, 20);

  if (check->ca_file != NULL && !pm_http_set_ca_file (http, check->ca_file, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The CA certificate file cannot be used: %s"), error->message);

      g_task_return_error (task, explained (error, text));
      return;
    }

  check->api = pm_api_new_for_flavour (flavour, http);
  pm_api_list_policies_async (check->api, NULL, 0, cancellable,
                              list_policies_cb, g_steal_pointer (&task));
}

gboolean
pm_connection_check_finish (GAsyncResult  *result,
                            char         **summary,
                            GError       **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  text = g_task_propagate_pointer (G_TASK (result), error);
  if (summary != NULL)
    *summary = g_strdup (text);
  return text != NULL;
}
