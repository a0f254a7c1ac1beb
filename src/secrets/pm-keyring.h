/* pm-keyring.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* API keys live only in the Secret Service (the system keyring, or the
 * secret portal inside a Flatpak, which libsecret picks by itself), one item
 * per profile under the schema "io.github.perimeter.Perimeter.ApiKey" with the
 * attribute "profile-id". There is no fallback of any kind.
 *
 * Cancelling through the GCancellable gives G_IO_ERROR_CANCELLED; every
 * other failure is a PM_KEYRING_ERROR whose message says what to do. */

#define PM_KEYRING_ERROR (pm_keyring_error_quark ())

typedef enum {
  PM_KEYRING_ERROR_FAILED,
  PM_KEYRING_ERROR_LOCKED,      /* the keyring is locked and was not unlocked */
  PM_KEYRING_ERROR_NO_SERVICE,  /* no Secret Service, or no keyring to store in */
  PM_KEYRING_ERROR_DENIED,      /* access refused, or the unlock prompt dismissed */
  PM_KEYRING_ERROR_NOT_FOUND,   /* lookup: no key stored for this profile */
} PmKeyringError;

GQuark             pm_keyring_error_quark   (void);

/* The schema, for tests and tools that look at the items. */
const void        *pm_keyring_get_schema    (void);   /* const SecretSchema * */

/* Stores (or replaces) the key of a profile. The label is what keyring
 * managers such as Seahorse show; the key is copied by libsecret. */
void               pm_keyring_store_async   (const char          *profile_id,
                                             const char          *label,
                                             const char          *api_key,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean           pm_keyring_store_finish  (GAsyncResult        *result,
                                             GError             **error);

/* Returns the key, or NULL with PM_KEYRING_ERROR_NOT_FOUND when none is
 * stored. Free it with pm_keyring_free_key (), which wipes it first. */
void               pm_keyring_lookup_async  (const char          *profile_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char              *pm_keyring_lookup_finish (GAsyncResult        *result,
                                             GError             **error);

/* Deletes the key; deleting a key that is not there succeeds. */
void               pm_keyring_delete_async  (const char          *profile_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean           pm_keyring_delete_finish (GAsyncResult        *result,
                                             GError             **error);

/* Overwrites the key's bytes, then frees it. NULL is fine. */
void               pm_keyring_free_key      (char                *key);

G_END_DECLS
