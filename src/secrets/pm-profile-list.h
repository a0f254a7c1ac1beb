/* pm-profile-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-profile.h"

G_BEGIN_DECLS

#define PM_TYPE_PROFILE_LIST (pm_profile_list_get_type ())
G_DECLARE_FINAL_TYPE (PmProfileList, pm_profile_list, PM, PROFILE_LIST, GObject)

/* A GListModel of PmProfile, loaded from and saved to the application's
 * GSettings (schema io.github.perimeter.Perimeter): the "profiles" key lists
 * the ids, each profile's settings live at <path>profiles/<id>/. Tests pass
 * settings on the memory backend; every profile uses the same backend.
 * Lists made from different GSettings objects follow each other's changes. */

PmProfileList *pm_profile_list_new            (GSettings      *settings);
GSettings     *pm_profile_list_get_settings   (PmProfileList  *self);

PmProfile     *pm_profile_list_lookup         (PmProfileList  *self,
                                               const char     *id);     /* borrowed */
/* A new Hosted profile with a new id, appended and saved. */
PmProfile     *pm_profile_list_add            (PmProfileList  *self,
                                               const char     *name);   /* transfer full */
/* Validates values (a detached profile) and saves a new profile with its
 * fields and a new id. */
PmProfile     *pm_profile_list_add_profile    (PmProfileList  *self,
                                               PmProfile      *values,
                                               GError        **error);  /* transfer full */
/* Validates values and copies them onto the stored profile id. */
gboolean       pm_profile_list_update         (PmProfileList  *self,
                                               const char     *id,
                                               PmProfile      *values,
                                               GError        **error);
gboolean       pm_profile_list_rename         (PmProfileList  *self,
                                               const char     *id,
                                               const char     *name,
                                               GError        **error);
/* Forgets the profile and resets its settings; its key in the keyring is
 * left alone (for callers that deleted it already). */
void           pm_profile_list_remove         (PmProfileList  *self,
                                               const char     *id);
/* Deletes the profile's API key from the keyring, then the profile. When
 * the keyring fails the profile is kept and the PM_KEYRING_ERROR returned. */
void           pm_profile_list_remove_async   (PmProfileList       *self,
                                               const char          *id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean       pm_profile_list_remove_finish  (PmProfileList  *self,
                                               GAsyncResult   *result,
                                               GError        **error);

/* The "last-profile" key: an id from the list, "sandbox", or NULL. */
char          *pm_profile_list_dup_last_id    (PmProfileList  *self);
/* The last used profile if it is still in the list. */
PmProfile     *pm_profile_list_get_last       (PmProfileList  *self);   /* borrowed */
void           pm_profile_list_set_last_id    (PmProfileList  *self,
                                               const char     *id);     /* NULL clears */

G_END_DECLS
