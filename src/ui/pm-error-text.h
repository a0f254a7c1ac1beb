/* pm-error-text.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What went wrong and what to do, in words a person understands, for any
 * error the API client, the keyring or GIO gives. Never contains the key. */
char *pm_error_text_describe (const GError *error);
/* A short title for a toast or a status page ("Wrong API key"). */
const char *pm_error_text_title (const GError *error);

G_END_DECLS
