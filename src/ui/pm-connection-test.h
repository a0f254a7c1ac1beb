/* pm-connection-test.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-enums.h"

G_BEGIN_DECLS

/* The private connection test, run from the computer the app is on, which
 * should be inside the network (VPC/VNet) with the endpoint: does the
 * private host name resolve to a private address, does TCP connect, does the
 * TLS certificate match the name, does Elastic answer over HTTP. Each step
 * gets a verdict and a diagnosis in plain words with the likely cause. */

typedef enum {
  PM_CONNECTION_STEP_DNS,
  PM_CONNECTION_STEP_TCP,
  PM_CONNECTION_STEP_TLS,
  PM_CONNECTION_STEP_HTTP,
  PM_CONNECTION_N_STEPS
} PmConnectionStep;

typedef enum {
  PM_CONNECTION_VERDICT_PENDING,   /* not run yet */
  PM_CONNECTION_VERDICT_RUNNING,
  PM_CONNECTION_VERDICT_PASSED,
  PM_CONNECTION_VERDICT_WARNING,   /* works, with something to look at */
  PM_CONNECTION_VERDICT_FAILED,
  PM_CONNECTION_VERDICT_SKIPPED,   /* an earlier step failed */
} PmConnectionVerdict;

/* Why a step failed, for callers (and tests) that act on it. */
typedef enum {
  PM_CONNECTION_PROBLEM_NONE,
  PM_CONNECTION_PROBLEM_NOT_RESOLVED,     /* no zone, no `*` record, zone not linked */
  PM_CONNECTION_PROBLEM_PUBLIC_ADDRESS,   /* private zone not in effect here */
  PM_CONNECTION_PROBLEM_REFUSED,
  PM_CONNECTION_PROBLEM_NO_ROUTE,         /* endpoint not approved / policy missing */
  PM_CONNECTION_PROBLEM_TIMED_OUT,        /* security group, firewall */
  PM_CONNECTION_PROBLEM_CERT_NAME,        /* certificate does not match the name */
  PM_CONNECTION_PROBLEM_CERT_UNTRUSTED,
  PM_CONNECTION_PROBLEM_TLS,
  PM_CONNECTION_PROBLEM_TRAFFIC_FILTER,   /* 403 Forbidden due to traffic filtering */
  PM_CONNECTION_PROBLEM_HTTP,
} PmConnectionProblem;

#define PM_TYPE_CONNECTION_TEST (pm_connection_test_get_type ())
G_DECLARE_FINAL_TYPE (PmConnectionTest, pm_connection_test, PM, CONNECTION_TEST, GObject)

/* Signal "step-changed" (PmConnectionStep step): a step's verdict changed. */

PmConnectionTest   *pm_connection_test_new              (PmProvider        provider);
/* Whose words the hints use (VPC, VNet, VPC network; approval on Azure). */
void                pm_connection_test_set_provider     (PmConnectionTest *self,
                                                         PmProvider        provider);
/* The resolver used for the DNS step (default: g_resolver_get_default). */
void                pm_connection_test_set_resolver     (PmConnectionTest *self,
                                                         GResolver        *resolver);
/* The CA database for the TLS step (default: the system's). */
void                pm_connection_test_set_tls_database (PmConnectionTest *self,
                                                         GTlsDatabase     *database);
/* Seconds for each network step (default 10). */
void                pm_connection_test_set_timeout      (PmConnectionTest *self,
                                                         guint             seconds);
/* Tests only: count 127.0.0.0/8 and ::1 as private addresses. */
void                pm_connection_test_set_loopback_is_private_for_testing (PmConnectionTest *self,
                                                                            gboolean          loopback);

void                pm_connection_test_run_async        (PmConnectionTest   *self,
                                                         const char         *host,
                                                         guint               port,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
/* TRUE when every step passed (or warned). */
gboolean            pm_connection_test_run_finish       (PmConnectionTest   *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);

PmConnectionVerdict pm_connection_test_get_verdict      (PmConnectionTest *self,
                                                         PmConnectionStep  step);
PmConnectionProblem pm_connection_test_get_problem      (PmConnectionTest *self,
                                                         PmConnectionStep  step);
/* What happened, in plain words ("Resolves to 10.0.1.5, a private address."). */
const char         *pm_connection_test_get_message      (PmConnectionTest *self,
                                                         PmConnectionStep  step);
/* The likely cause and what to do, or NULL. */
const char         *pm_connection_test_get_hint         (PmConnectionTest *self,
                                                         PmConnectionStep  step);
/* "Name resolves", "Connects", … translated. */
const char         *pm_connection_step_get_title        (PmConnectionStep  step);
/* Whether an address is private (RFC 1918, 100.64/10 shared, fc00::/7). */
gboolean            pm_connection_address_is_private    (GInetAddress     *address);

G_END_DECLS
