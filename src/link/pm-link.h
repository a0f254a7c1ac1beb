/* pm-link.h: a network link emulated on loopback, for tests and benchmarks
 *
 * A TCP proxy: it listens on 127.0.0.1 and forwards every connection to a
 * server on loopback through a delay line in each direction. Each chunk
 * read is stamped on arrival and written on when its one-way delay has
 * passed, so the delay adds to every exchange but does not bound the
 * throughput. A new connection also costs a round trip before its first
 * byte reaches the server, as TCP's handshake does: the server is
 * connected to one delay after the client came, and the client's first
 * bytes arrive no sooner than three.
 *
 * Optionally each direction is throttled to a rate (chunks leave one after
 * another, each taking its size over the rate), and connections are
 * dropped at random: a dropped connection is reset, both ways, once it has
 * carried a random number of bytes from 1 to 4,096 (one that ends before
 * that is not dropped). A direction holds at most 8 MiB in flight; a
 * sender beyond that waits, as behind a full queue.
 *
 * Not part of the app: the link serves tests and perimeter-link. It runs on
 * the thread-default main context of the thread that starts it; call
 * everything from that thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PM_TYPE_LINK (pm_link_get_type ())
G_DECLARE_FINAL_TYPE (PmLink, pm_link, PM, LINK, GObject)

/* target: the server, a GInetSocketAddress on loopback. */
PmLink   *pm_link_new                  (GSocketAddress *target);

/* Properties, to be set before start: "delay-ms" (each direction, default
 * 0), "rate-kbps" (each direction, 0: no throttle), "drop-percent" (0 to
 * 100) and "seed" (for the drops). "target" is construct-only. */
void      pm_link_set_delay_ms         (PmLink  *self,
                                        guint    delay_ms);
void      pm_link_set_rate_kbps        (PmLink  *self,
                                        guint    rate_kbps);
void      pm_link_set_drop_percent     (PmLink  *self,
                                        double   percent);
void      pm_link_set_seed             (PmLink  *self,
                                        guint32  seed);

/* Listen on 127.0.0.1 (port 0: a free port). pm_link_stop resets every
 * connection still open and returns once they are gone; finalize does it
 * too. */
gboolean  pm_link_start                (PmLink  *self,
                                        guint16  port,
                                        GError **error);
void      pm_link_stop                 (PmLink  *self);
guint16   pm_link_get_port             (PmLink  *self);

/* What went through: connections accepted, connections dropped, bytes
 * delivered to the server (up) and to the clients (down). */
guint     pm_link_get_connection_count (PmLink  *self);
guint     pm_link_get_dropped_count    (PmLink  *self);
guint64   pm_link_get_bytes_up         (PmLink  *self);
guint64   pm_link_get_bytes_down       (PmLink  *self);

/* "HOST:PORT" with HOST a loopback address (127.0.0.0/8, ::1 in brackets,
 * or "localhost"), as a GInetSocketAddress; NULL and G_IO_ERROR_INVALID_ARGUMENT
 * for anything else. */
GSocketAddress *pm_link_parse_target   (const char  *text,
                                        GError     **error);

G_END_DECLS
