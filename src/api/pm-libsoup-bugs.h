/* pm-libsoup-bugs.h: the libsoup bugs Perimeter works around, in one place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The first libsoup release known to have the fix; 0 when none has it. */
typedef struct {
  guint major;
  guint minor;
  guint micro;
} PmLibsoupRelease;

/* Whether the running libsoup crashes when a server drops a kept-alive
 * connection under a request (see pm-libsoup-bugs.c): while it does, every
 * request goes on a connection of its own. */
gboolean pm_libsoup_reuse_crashes     (void);
/* The release the answer above compares with (all zero: none yet). */
void     pm_libsoup_reuse_fixed_in    (PmLibsoupRelease *release);

G_END_DECLS
