/* pm-connection-check.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-enums.h"

G_BEGIN_DECLS

/* "Check connection" for an account being edited: one cheap authenticated
 * read (the policies, then the deployments or projects) through PmHttp and
 * PmApi. When the request fails below HTTP, a probe of its own (resolve,
 * connect, TLS handshake with the account's CA file) finds out which step
 * failed and, for TLS, who issued the certificate the server shows.
 *
 * finish: TRUE with a summary ("Connected: 4 policies, 3 deployments.") or
 * FALSE with a PM_API_ERROR whose message says what is wrong in words. */
void      pm_connection_check_async  (PmFlavour            flavour,
                                      const char          *base_url,
                                      const char          *ca_file,
                                      const char          *api_key,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean  pm_connection_check_finish (GAsyncResult        *result,
                                      char               **summary,
                                      GError             **error);

G_END_DECLS
