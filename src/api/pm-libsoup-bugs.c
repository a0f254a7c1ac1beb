/* pm-libsoup-bugs.c: the libsoup bugs Perimeter works around, in one place
 *
 * A kept-alive connection dropped under a request
 *
 *   When a server (or a proxy, or a load balancer timing out an idle
 *   connection) closes a kept-alive connection after a request was written
 *   on it and before any of the reply came, libsoup restarts the request
 *   on another connection (soup-client-message-io-http1.c,
 *   request_is_restartable ()). The first attempt's run_until_read_done ()
 *   (soup-session.c) still runs once the restarted one has finished, finds
 *   no error and no message IO, and dereferences it: a NULL dereference up
 *   to 3.6, "assertion failed: (io_data != NULL)" in
 *   soup_message_io_get_response_istream () after it. The whole app goes.
 *
 *   Measured with tests/test-http.c's /http/libsoup/dropped-kept-alive (a
 *   server of our own that drops 15 % of the requests on a kept-alive
 *   connection unanswered, 3,000 GETs on one session): it crashed in every
 *   run on libsoup 3.2.3 (Debian 12), 3.6.5 (Debian 13 and the GNOME 48/49
 *   runtimes) and the main branch of 2026-07-18 (3.7.1 and 18 commits),
 *   each built from its tag here. No release has the fix yet, and libsoup's
 *   NEWS up to 3.7.1 names none. With SOUP_MESSAGE_NEW_CONNECTION on every
 *   message the same run never crashes: a request on a connection of its
 *   own is never restarted.
 *
 *   So every request has a connection of its own: a TCP handshake (and a
 *   TLS one) more per request (docs/performance.md measures what that
 *   costs on a WAN link). When a libsoup release has the fix, set
 *   reuse_fixed_in below to it: connections are then reused where that
 *   release or a later one runs, and the test above says so when the bug
 *   goes away in the libsoup it runs on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>

#include "pm-libsoup-bugs.h"

static const PmLibsoupRelease reuse_fixed_in = { 0, 0, 0 };

void
pm_libsoup_reuse_fixed_in (PmLibsoupRelease *release)
{
  *release = reuse_fixed_in;
}

gboolean
pm_libsoup_reuse_crashes (void)
{
  guint major = soup_get_major_version ();
  guint minor = soup_get_minor_version ();
  guint micro = soup_get_micro_version ();

  if (reuse_fixed_in.major == 0)
    return TRUE;
  if (major != reuse_fixed_in.major)
    return major < reuse_fixed_in.major;
  if (minor != reuse_fixed_in.minor)
    return minor < reuse_fixed_in.minor;
  return micro < reuse_fixed_in.micro;
}
