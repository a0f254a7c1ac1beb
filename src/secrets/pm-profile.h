/* pm-profile.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-enums.h"

G_BEGIN_DECLS

#define PM_PROFILE_SCHEMA_ID "io.github.perimeter.Perimeter.Profile"

#define PM_PROFILE_ERROR (pm_profile_error_quark ())

typedef enum {
  PM_PROFILE_ERROR_INVALID_NAME,
  PM_PROFILE_ERROR_INVALID_URL,
  PM_PROFILE_ERROR_INVALID_CA_FILE,
  PM_PROFILE_ERROR_NOT_FOUND,
} PmProfileError;

GQuark       pm_profile_error_quark (void);

#define PM_TYPE_PROFILE (pm_profile_get_type ())
G_DECLARE_FINAL_TYPE (PmProfile, pm_profile, PM, PROFILE, GObject)

/* An account: an id (a random UUID), a display name, a flavour, the API base
 * URL, for ECE an optional CA certificate file, and an optional organization
 * id. The API key is not part of it: it lives in the keyring (PmKeyring)
 * under the profile's id.
 *
 * A profile made with pm_profile_new () is detached (an editor's scratch
 * copy); one from a PmProfileList is bound to its relocatable GSettings
 * (schema PM_PROFILE_SCHEMA_ID): setters write through, and changes made
 * elsewhere are picked up and notified.
 *
 * Properties: "id", "name", "flavour" (PM_TYPE_FLAVOUR), "base-url" (never
 * empty: the flavour's default while none is set), "ca-file",
 * "organization-id" (both "" when unset). */

PmProfile   *pm_profile_new                  (const char  *id);       /* NULL: a new random id */
PmProfile   *pm_profile_new_for_settings     (const char  *id,
                                              GSettings   *settings);

const char  *pm_profile_get_id               (PmProfile   *self);
const char  *pm_profile_get_name             (PmProfile   *self);
void         pm_profile_set_name             (PmProfile   *self,
                                              const char  *name);
PmFlavour    pm_profile_get_flavour          (PmProfile   *self);
void         pm_profile_set_flavour          (PmProfile   *self,
                                              PmFlavour    flavour);
const char  *pm_profile_get_base_url         (PmProfile   *self);
/* NULL, "" or the flavour's default: follow the flavour's default. */
void         pm_profile_set_base_url         (PmProfile   *self,
                                              const char  *base_url);
gboolean     pm_profile_has_default_base_url (PmProfile   *self);
const char  *pm_profile_get_ca_file          (PmProfile   *self);
void         pm_profile_set_ca_file          (PmProfile   *self,
                                              const char  *ca_file);
const char  *pm_profile_get_organization_id  (PmProfile   *self);
void         pm_profile_set_organization_id  (PmProfile   *self,
                                              const char  *organization_id);

/* Copies every field but the id. */
void         pm_profile_copy_fields          (PmProfile   *self,
                                              PmProfile   *from);

/* Hosted and Serverless: "https://api.elastic-cloud.com"; ECE:
 * "https://COORDINATOR_HOST:12443", a placeholder to fill in. */
const char  *pm_profile_get_default_base_url (PmFlavour    flavour);

/* Validation, with messages that say what to change (PM_PROFILE_ERROR). */
gboolean     pm_profile_validate_name        (const char  *name,
                                              GError     **error);
/* An absolute https URL with a host and nothing else (no user, query or
 * fragment); plain http only for loopback addresses (the sandbox). */
gboolean     pm_profile_validate_base_url    (const char  *base_url,
                                              GError     **error);
/* "" or NULL (none), or an absolute path to a readable PEM file holding at
 * least one certificate. */
gboolean     pm_profile_validate_ca_file     (const char  *ca_file,
                                              GError     **error);
gboolean     pm_profile_validate             (PmProfile   *self,
                                              GError     **error);

G_END_DECLS

/* The list of profiles comes with the profile. */
#include "pm-profile-list.h"
