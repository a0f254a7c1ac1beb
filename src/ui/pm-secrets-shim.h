/* Temporary: the secrets layer's headers are being written; until they are
 * in the tree, the UI compiles against the agreed shape declared here. */
#pragma once

#if __has_include("pm-profile.h")
# include "pm-profile.h"
# include "pm-keyring.h"
#else
#include <gio/gio.h>
#include "pm-enums.h"

G_BEGIN_DECLS

#define PM_TYPE_PROFILE (pm_profile_get_type ())
G_DECLARE_FINAL_TYPE (PmProfile, pm_profile, PM, PROFILE, GObject)
#define PM_TYPE_PROFILE_LIST (pm_profile_list_get_type ())
G_DECLARE_FINAL_TYPE (PmProfileList, pm_profile_list, PM, PROFILE_LIST, GObject)

const char *pm_profile_get_id (PmProfile *self);
const char *pm_profile_get_name (PmProfile *self);
PmFlavour   pm_profile_get_flavour (PmProfile *self);
const char *pm_profile_get_base_url (PmProfile *self);
const char *pm_profile_get_ca_file (PmProfile *self);
const char *pm_profile_get_organization_id (PmProfile *self);
void pm_profile_set_name (PmProfile *self, const char *v);
void pm_profile_set_flavour (PmProfile *self, PmFlavour v);
void pm_profile_set_base_url (PmProfile *self, const char *v);
void pm_profile_set_ca_file (PmProfile *self, const char *v);
void pm_profile_set_organization_id (PmProfile *self, const char *v);
PmProfileList *pm_profile_list_new (GSettings *settings);
PmProfile *pm_profile_list_lookup (PmProfileList *self, const char *id);
PmProfile *pm_profile_list_add (PmProfileList *self, const char *name);
void pm_profile_list_remove (PmProfileList *self, const char *id);

#define PM_KEYRING_ERROR (pm_keyring_error_quark ())
GQuark pm_keyring_error_quark (void);
typedef enum { PM_KEYRING_ERROR_FAILED, PM_KEYRING_ERROR_LOCKED, PM_KEYRING_ERROR_NO_SERVICE } PmKeyringError;
void pm_keyring_store_async (const char *id, const char *label, const char *key, GCancellable *c, GAsyncReadyCallback cb, gpointer d);
gboolean pm_keyring_store_finish (GAsyncResult *r, GError **e);
void pm_keyring_lookup_async (const char *id, GCancellable *c, GAsyncReadyCallback cb, gpointer d);
char *pm_keyring_lookup_finish (GAsyncResult *r, GError **e);
void pm_keyring_delete_async (const char *id, GCancellable *c, GAsyncReadyCallback cb, gpointer d);
gboolean pm_keyring_delete_finish (GAsyncResult *r, GError **e);

G_END_DECLS
#endif
