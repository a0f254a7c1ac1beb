/* pm-profile-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pm-profile.h"

G_BEGIN_DECLS

/* Cuts a removed profile loose from its settings, so resetting them does
 * not empty an object someone still holds. */
void pm_profile_detach (PmProfile *self);

G_END_DECLS
