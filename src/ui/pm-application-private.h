/* pm-application-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-application.h"
#include "pm-sandbox.h"

G_BEGIN_DECLS

PmSandbox *pm_application_get_sandbox (PmApplication  *self,
                                       GError        **error);

G_END_DECLS
