/* pm-test-prism.h: Prism, the third party that knows Elastic's specs, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Copies of the specs Prism can serve, written in dir (see TESTING.md):
 * the Hosted/ECE Swagger with its basePath folded into every path, and
 * the Serverless spec with Prism 5's `tags` quirk worked around. The
 * published specs in ../shared are never changed. */
char        *pm_test_prism_write_hosted_spec     (const char *dir);
char        *pm_test_prism_write_serverless_spec (const char *dir);

/* Starts `prism ARGV… -h 127.0.0.1 -p port` (argv: "proxy", SPEC, UPSTREAM,
 * "--errors", or "mock", SPEC, "--dynamic", …; NULL-terminated), its output
 * in log_path, and waits until it answers (fails the test after 90 s). */
GSubprocess *pm_test_prism_start                 (const char * const *argv,
                                                  guint16             port,
                                                  const char         *log_path);
void         pm_test_prism_stop                  (GSubprocess        *prism);
/* How many requests Prism's log says it received. */
guint        pm_test_prism_count_requests        (const char         *log_path);

G_END_DECLS
