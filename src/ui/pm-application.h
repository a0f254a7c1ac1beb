/* pm-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PM_TYPE_APPLICATION (pm_application_get_type ())
G_DECLARE_FINAL_TYPE (PmApplication, pm_application, PM, APPLICATION, AdwApplication)

PmApplication *pm_application_new              (void);
/* For tests: an application that does not claim the bus name. */
PmApplication *pm_application_new_non_unique   (void);
/* Register the UI resources (idempotent); tests call it before building widgets. */
void           pm_application_register_resources (void);

G_END_DECLS
