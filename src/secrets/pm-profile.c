/* pm-profile.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-enum-types.h"
#include "pm-profile-private.h"

#define HOSTED_BASE_URL "https://api.elastic-cloud.com"
#define ECE_PLACEHOLDER_HOST "COORDINATOR_HOST"
#define ECE_BASE_URL "https://" ECE_PLACEHOLDER_HOST ":12443"

struct _PmProfile
{
  GObject    parent_instance;

  char      *id;
  char      *name;
  PmFlavour  flavour;
  char      *base_url;          /* "" follows the flavour's default */
  char      *ca_file;
  char      *organization_id;

  GSettings *settings;          /* NULL when detached */
};

G_DEFINE_FINAL_TYPE (PmProfile, pm_profile, G_TYPE_OBJECT)
G_DEFINE_QUARK (pm-profile-error-quark, pm_profile_error)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_FLAVOUR,
  PROP_BASE_URL,
  PROP_CA_FILE,
  PROP_ORGANIZATION_ID,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Sets *field and notifies, if it changed; writes it through when key is set. */
static gboolean
update_string (PmProfile  *self,
               char      **field,
               const char *value,
               const char *key,
               guint       prop_id)
{
  if (value == NULL)
    value = "";
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  if (self->settings != NULL && key != NULL)
    g_settings_set_string (self->settings, key, value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  return TRUE;
}

/* Another GSettings object (another window's list) changed a key. */
static void
on_settings_changed (GSettings  *settings,
                     const char *key,
                     PmProfile  *self)
{
  g_autofree char *value = NULL;

  if (g_str_equal (key, "flavour"))
    {
      PmFlavour flavour = g_settings_get_enum (settings, key);

      if (flavour == self->flavour)
        return;
      self->flavour = flavour;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLAVOUR]);
      if (*self->base_url == '\0')
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
      return;
    }

  value = g_settings_get_string (settings, key);
  if (g_str_equal (key, "name"))
    update_string (self, &self->name, value, NULL, PROP_NAME);
  else if (g_str_equal (key, "base-url"))
    update_string (self, &self->base_url, value, NULL, PROP_BASE_URL);
  else if (g_str_equal (key, "ca-file"))
    update_string (self, &self->ca_file, value, NULL, PROP_CA_FILE);
  else if (g_str_equal (key, "organization-id"))
    update_string (self, &self->organization_id, value, NULL, PROP_ORGANIZATION_ID);
}

static void
pm_profile_constructed (GObject *object)
{
  PmProfile *self = PM_PROFILE (object);

  G_OBJECT_CLASS (pm_profile_parent_class)->constructed (object);

  if (self->id == NULL)
    self->id = g_uuid_string_random ();

  if (self->settings != NULL)
    {
      g_free (self->name);
      self->name = g_settings_get_string (self->settings, "name");
      self->flavour = g_settings_get_enum (self->settings, "flavour");
      g_free (self->base_url);
      self->base_url = g_settings_get_string (self->settings, "base-url");
      g_free (self->ca_file);
      self->ca_file = g_settings_get_string (self->settings, "ca-file");
      g_free (self->organization_id);
      self->organization_id = g_settings_get_string (self->settings, "organization-id");
      g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self, 0);
    }
}

static void
pm_profile_finalize (GObject *object)
{
  PmProfile *self = PM_PROFILE (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_pointer (&self->organization_id, g_free);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pm_profile_parent_class)->finalize (object);
}

static void
pm_profile_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  PmProfile *self = PM_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_FLAVOUR:
      g_value_set_enum (value, self->flavour);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, pm_profile_get_base_url (self));
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_ORGANIZATION_ID:
      g_value_set_string (value, self->organization_id);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_profile_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  PmProfile *self = PM_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      pm_profile_set_name (self, g_value_get_string (value));
      break;
    case PROP_FLAVOUR:
      pm_profile_set_flavour (self, g_value_get_enum (value));
      break;
    case PROP_BASE_URL:
      pm_profile_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_CA_FILE:
      pm_profile_set_ca_file (self, g_value_get_string (value));
      break;
    case PROP_ORGANIZATION_ID:
      pm_profile_set_organization_id (self, g_value_get_string (value));
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_profile_class_init (PmProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = pm_profile_constructed;
  object_class->finalize = pm_profile_finalize;
  object_class->get_property = pm_profile_get_property;
  object_class->set_property = pm_profile_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLAVOUR] =
    g_param_spec_enum ("flavour", NULL, NULL, PM_TYPE_FLAVOUR, PM_FLAVOUR_HOSTED,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORGANIZATION_ID] =
    g_param_spec_string ("organization-id", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_profile_init (PmProfile *self)
{
  self->name = g_strdup ("");
  self->base_url = g_strdup ("");
  self->ca_file = g_strdup ("");
  self->organization_id = g_strdup ("");
}

PmProfile *
pm_profile_new (const char *id)
{
  return g_object_new (PM_TYPE_PROFILE, "id", id, NULL);
}

PmProfile *
pm_profile_new_for_settings (const char *id,
                             GSettings  *settings)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (PM_TYPE_PROFILE, "id", id, "settings", settings, NULL);
}

const char *
pm_profile_get_id (PmProfile *self)
{
  g_return_val_if_fail (PM_IS_PROFILE (self), NULL);
  return self->id;
}

const char *
pm_profile_get_name (PmProfile *self)
{
  g_return_val_if_fail (PM_IS_PROFILE (self), NULL);
  return self->name;
}

void
pm_profile_set_name (PmProfile  *self,
                     const char *name)
{
  g_return_if_fail (PM_IS_PROFILE (self));
  update_string (self, &self->name, name, "name", PROP_NAME);
}

PmFlavour
pm_profile_get_flavour (PmProfile *self)
{
  g_return_val_if_fail (PM_IS_PROFILE (self), PM_FLAVOUR_HOSTED);
  return self->flavour;
}

void
pm_profile_set_flavour (PmProfile *self,
                        PmFlavour  flavour)
{
  g_return_if_fail (PM_IS_PROFILE (self));
  g_return_if_fail (flavour <= PM_FLAVOUR_SERVERLESS);

  if (self->flavour == flavour)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  self->flavour = flavour;
  if (self->settings != NULL)
    g_settings_set_enum (self->settings, "flavour", flavour);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLAVOUR]);
  if (*self->base_url == '\0')
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
pm_profile_get_base_url (PmProfile *self)
{
  g_return_val_if_fail (PM_IS_PROFILE (self), NULL);

  if (*self->base_url == '\0')
    return pm_profile_get_default_base_url (self->flavour);
  return self->base_url;
}

void
pm_profile_set_base_url (PmProfile  *self,
                         const char *base_url)
{
  g_return_if_fail (PM_IS_PROFILE (self));

  if (g_strcmp0 (base_url, pm_profile_get_default_base_url (self->flavour)) == 0)
    base_url = "";
  update_string (self, &self->base_url, base_url, "base-url", PROP_BASE_URL);
}

gboolean
pm_profile_has_default_base_url (PmProfile *self)
{
  g_return_val_if_fail (PM_IS_PROFILE (self), FALSE);
  return *self->base_url == '\0';
}

const char *
pm_profile_get_ca_file (PmProfile *self)
{
  g_return_val_if_fail (PM_IS_PROFILE (self), NULL);
  return self->ca_file;
}

void
pm_profile_set_ca_file (PmProfile  *self,
                        const char *ca_file)
{
  g_return_if_fail (PM_IS_PROFILE (self));
  update_string (self, &self->ca_file, ca_file, "ca-file", PROP_CA_FILE);
}

const char *
pm_profile_get_organization_id (PmProfile *self)
{
  g_return_val_if_fail (PM_IS_PROFILE (self), NULL);
  return self->organization_id;
}

void
pm_profile_set_organization_id (PmProfile  *self,
                                const char *organization_id)
{
  g_return_if_fail (PM_IS_PROFILE (self));
  update_string (self, &self->organization_id, organization_id, "organization-id", PROP_ORGANIZATION_ID);
}

void
pm_profile_copy_fields (PmProfile *self,
                        PmProfile *from)
{
  g_return_if_fail (PM_IS_PROFILE (self));
  g_return_if_fail (PM_IS_PROFILE (from));

  g_object_freeze_notify (G_OBJECT (self));
  pm_profile_set_name (self, from->name);
  pm_profile_set_flavour (self, from->flavour);
  update_string (self, &self->base_url, from->base_url, "base-url", PROP_BASE_URL);
  pm_profile_set_ca_file (self, from->ca_file);
  pm_profile_set_organization_id (self, from->organization_id);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
pm_profile_get_default_base_url (PmFlavour flavour)
{
  return flavour == PM_FLAVOUR_ECE ? ECE_BASE_URL : HOSTED_BASE_URL;
}

/* Validation */

gboolean
pm_profile_validate_name (const char  *name,
                          GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name ? name : ""));

  if (*stripped == '\0')
    {
      g_set_error_literal (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_NAME,
                           _("Give the account a name."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
is_valid_host (const char *host)
{
  g_autofree char *ascii = NULL;

  if (g_hostname_is_ip_address (host))
    return TRUE;
  ascii = g_hostname_to_ascii (host);   /* accepts international names */
  if (ascii == NULL || *ascii == '\0')
    return FALSE;
  for (const char *p = ascii; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
url_error (GError     **error,
           const char  *message)
{
  g_set_error_literal (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_URL, message);
  return FALSE;
}

gboolean
pm_profile_validate_base_url (const char  *base_url,
                              GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (base_url == NULL || *base_url == '\0')
    return url_error (error, _("Enter the address of the API, such as https://api.elastic-cloud.com."));

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return url_error (error, _("This is not a web address. Enter one such as https://api.elastic-cloud.com."));

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    return url_error (error, _("The address must start with https://."));
  if (host == NULL || *host == '\0')
    return url_error (error, _("The address needs a host name, such as https://api.elastic-cloud.com."));
  if (!is_valid_host (host))
    return url_error (error, _("The host name in this address is not valid."));
  if (g_ascii_strcasecmp (host, ECE_PLACEHOLDER_HOST) == 0)
    return url_error (error, _("Replace COORDINATOR_HOST with the host name of your Cloud Enterprise coordinator."));
  if (g_uri_get_userinfo (uri) != NULL)
    return url_error (error, _("Leave user names and passwords out of the address: the API key is entered separately."));
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return url_error (error, _("The address cannot have a query (?…) or a fragment (#…)."));
  if (g_ascii_strcasecmp (scheme, "http") == 0 && !is_loopback_host (host))
    return url_error (error, _("Use https://. Plain http:// is only allowed for a server on this computer."));

  return TRUE;
}

static gboolean
ca_error (GError **error,
          char    *message)
{
  g_set_error_literal (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_INVALID_CA_FILE, message);
  g_free (message);
  return FALSE;
}

gboolean
pm_profile_validate_ca_file (const char  *ca_file,
                             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  GList *certificates;

  if (ca_file == NULL || *ca_file == '\0')
    return TRUE;

  display = g_filename_display_name (ca_file);

  if (!g_path_is_absolute (ca_file))
    return ca_error (error, g_strdup_printf (_("Choose the certificate file by its full path, not “%s”."), display));
  if (!g_file_test (ca_file, G_FILE_TEST_EXISTS))
    return ca_error (error, g_strdup_printf (_("There is no file at %s. Choose the CA certificate again."), display));
  if (!g_file_test (ca_file, G_FILE_TEST_IS_REGULAR))
    return ca_error (error, g_strdup_printf (_("%s is not a file. Choose the CA certificate file (PEM)."), display));

  certificates = g_tls_certificate_list_new_from_file (ca_file, &local_error);
  if (certificates == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_ACCES))
        return ca_error (error, g_strdup_printf (_("%s cannot be read. Check its permissions."), display));
      return ca_error (error, g_strdup_printf (_("%s does not hold a PEM certificate. Choose the CA certificate of the "
                                "Cloud Enterprise installation."), display));
    }
  g_list_free_full (certificates, g_object_unref);
  return TRUE;
}

gboolean
pm_profile_validate (PmProfile  *self,
                     GError    **error)
{
  g_return_val_if_fail (PM_IS_PROFILE (self), FALSE);

  return pm_profile_validate_name (self->name, error)
      && pm_profile_validate_base_url (pm_profile_get_base_url (self), error)
      && (self->flavour != PM_FLAVOUR_ECE || pm_profile_validate_ca_file (self->ca_file, error));
}

void
pm_profile_detach (PmProfile *self)
{
  g_return_if_fail (PM_IS_PROFILE (self));

  if (self->settings == NULL)
    return;
  g_signal_handlers_disconnect_by_func (self->settings, on_settings_changed, self);
  g_clear_object (&self->settings);
}
