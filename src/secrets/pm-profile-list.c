/* pm-profile-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-keyring.h"
#include "pm-profile-private.h"
#include "pm-profile-list.h"

#define MAX_ID_LENGTH 64

struct _PmProfileList
{
  GObject           parent_instance;

  GSettings        *settings;
  GSettingsBackend *backend;
  char             *profiles_path;   /* "<settings path>profiles/" */
  GPtrArray        *profiles;        /* of PmProfile */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PmProfileList, pm_profile_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Ids become a settings path component: only UUID-like text. */
static gboolean
is_valid_id (const char *id)
{
  gsize length = 0;

  if (id == NULL || *id == '\0')
    return FALSE;
  for (const char *p = id; *p != '\0'; p++, length++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return length <= MAX_ID_LENGTH;
}

static int
find_index (PmProfileList *self,
            const char    *id)
{
  if (id == NULL)
    return -1;
  for (guint i = 0; i < self->profiles->len; i++)
    if (g_str_equal (pm_profile_get_id (self->profiles->pdata[i]), id))
      return (int) i;
  return -1;
}

static GSettings *
settings_for_id (PmProfileList *self,
                 const char    *id)
{
  g_autofree char *path = g_strconcat (self->profiles_path, id, "/", NULL);

  return g_settings_new_with_backend_and_path (PM_PROFILE_SCHEMA_ID, self->backend, path);
}

static PmProfile *
profile_for_id (PmProfileList *self,
                const char    *id)
{
  g_autoptr(GSettings) settings = settings_for_id (self, id);

  return pm_profile_new_for_settings (id, settings);
}

static void
save_ids (PmProfileList *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;

  for (guint i = 0; i < self->profiles->len; i++)
    g_strv_builder_add (builder, pm_profile_get_id (self->profiles->pdata[i]));
  ids = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "profiles", (const char * const *) ids);
}

/* (Re)reads "profiles", keeping the objects of ids already loaded. */
static void
load (PmProfileList *self)
{
  g_auto(GStrv) ids = g_settings_get_strv (self->settings, "profiles");
  g_autoptr(GPtrArray) next = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) previous = NULL;
  guint prefix = 0;
  guint suffix = 0;

  for (guint i = 0; ids[i] != NULL; i++)
    {
      gboolean seen = FALSE;
      int index;

      if (!is_valid_id (ids[i]))
        {
          g_debug ("Ignoring the profile id “%s”: not a valid id", ids[i]);
          continue;
        }
      for (guint k = 0; k < next->len && !seen; k++)
        seen = g_str_equal (pm_profile_get_id (next->pdata[k]), ids[i]);
      if (seen)
        continue;

      index = find_index (self, ids[i]);
      g_ptr_array_add (next, index >= 0 ? g_object_ref (self->profiles->pdata[index])
                                        : profile_for_id (self, ids[i]));
    }

  while (prefix < next->len && prefix < self->profiles->len
         && next->pdata[prefix] == self->profiles->pdata[prefix])
    prefix++;
  while (suffix < next->len - prefix && suffix < self->profiles->len - prefix
         && next->pdata[next->len - 1 - suffix] == self->profiles->pdata[self->profiles->len - 1 - suffix])
    suffix++;

  previous = g_steal_pointer (&self->profiles);
  self->profiles = g_steal_pointer (&next);
  if (prefix + suffix < MAX (previous->len, self->profiles->len))
    g_list_model_items_changed (G_LIST_MODEL (self), prefix,
                                previous->len - prefix - suffix,
                                self->profiles->len - prefix - suffix);
}

static void
on_profiles_changed (GSettings     *settings,
                     const char    *key,
                     PmProfileList *self)
{
  load (self);
}

static GType
get_item_type (GListModel *model)
{
  return PM_TYPE_PROFILE;
}

static guint
get_n_items (GListModel *model)
{
  return PM_PROFILE_LIST (model)->profiles->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  PmProfileList *self = PM_PROFILE_LIST (model);

  if (position >= self->profiles->len)
    return NULL;
  return g_object_ref (self->profiles->pdata[position]);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
pm_profile_list_constructed (GObject *object)
{
  PmProfileList *self = PM_PROFILE_LIST (object);
  g_autofree char *path = NULL;

  G_OBJECT_CLASS (pm_profile_list_parent_class)->constructed (object);

  g_return_if_fail (G_IS_SETTINGS (self->settings));

  g_object_get (self->settings, "backend", &self->backend, "path", &path, NULL);
  self->profiles_path = g_strconcat (path, "profiles/", NULL);

  g_signal_connect_object (self->settings, "changed::profiles",
                           G_CALLBACK (on_profiles_changed), self, 0);
  load (self);
}

static void
pm_profile_list_finalize (GObject *object)
{
  PmProfileList *self = PM_PROFILE_LIST (object);

  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->profiles_path, g_free);
  g_clear_object (&self->backend);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pm_profile_list_parent_class)->finalize (object);
}

static void
pm_profile_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PmProfileList *self = PM_PROFILE_LIST (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_profile_list_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PmProfileList *self = PM_PROFILE_LIST (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_profile_list_class_init (PmProfileListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = pm_profile_list_constructed;
  object_class->finalize = pm_profile_list_finalize;
  object_class->get_property = pm_profile_list_get_property;
  object_class->set_property = pm_profile_list_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_profile_list_init (PmProfileList *self)
{
  self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
}

PmProfileList *
pm_profile_list_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (PM_TYPE_PROFILE_LIST, "settings", settings, NULL);
}

GSettings *
pm_profile_list_get_settings (PmProfileList *self)
{
  g_return_val_if_fail (PM_IS_PROFILE_LIST (self), NULL);
  return self->settings;
}

PmProfile *
pm_profile_list_lookup (PmProfileList *self,
                        const char    *id)
{
  int index;

  g_return_val_if_fail (PM_IS_PROFILE_LIST (self), NULL);

  index = find_index (self, id);
  return index < 0 ? NULL : self->profiles->pdata[index];
}

static PmProfile *
append_new (PmProfileList *self,
            PmProfile     *values,
            const char    *name)
{
  g_autofree char *id = g_uuid_string_random ();
  PmProfile *profile = profile_for_id (self, id);

  /* A stale entry at this path (from outside the app) must not leak in. */
  if (values != NULL)
    pm_profile_copy_fields (profile, values);
  else
    {
      g_autoptr(PmProfile) fresh = pm_profile_new (id);

      pm_profile_set_name (fresh, name);
      pm_profile_copy_fields (profile, fresh);
    }

  g_ptr_array_add (self->profiles, g_object_ref (profile));
  save_ids (self);
  g_list_model_items_changed (G_LIST_MODEL (self), self->profiles->len - 1, 0, 1);
  return profile;
}

PmProfile *
pm_profile_list_add (PmProfileList *self,
                     const char    *name)
{
  g_return_val_if_fail (PM_IS_PROFILE_LIST (self), NULL);

  return append_new (self, NULL, name);
}

PmProfile *
pm_profile_list_add_profile (PmProfileList  *self,
                             PmProfile      *values,
                             GError        **error)
{
  g_return_val_if_fail (PM_IS_PROFILE_LIST (self), NULL);
  g_return_val_if_fail (PM_IS_PROFILE (values), NULL);

  if (!pm_profile_validate (values, error))
    return NULL;
  return append_new (self, values, NULL);
}

static PmProfile *
lookup_or_error (PmProfileList  *self,
                 const char     *id,
                 GError        **error)
{
  PmProfile *profile = pm_profile_list_lookup (self, id);

  if (profile == NULL)
    g_set_error_literal (error, PM_PROFILE_ERROR, PM_PROFILE_ERROR_NOT_FOUND,
                         _("This account was removed in the meantime."));
  return profile;
}

gboolean
pm_profile_list_update (PmProfileList  *self,
                        const char     *id,
                        PmProfile      *values,
                        GError        **error)
{
  PmProfile *profile;

  g_return_val_if_fail (PM_IS_PROFILE_LIST (self), FALSE);
  g_return_val_if_fail (PM_IS_PROFILE (values), FALSE);

  profile = lookup_or_error (self, id, error);
  if (profile == NULL || !pm_profile_validate (values, error))
    return FALSE;
  pm_profile_copy_fields (profile, values);
  return TRUE;
}

gboolean
pm_profile_list_rename (PmProfileList  *self,
                        const char     *id,
                        const char     *name,
                        GError        **error)
{
  PmProfile *profile;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (PM_IS_PROFILE_LIST (self), FALSE);

  profile = lookup_or_error (self, id, error);
  if (profile == NULL || !pm_profile_validate_name (name, error))
    return FALSE;
  stripped = g_strstrip (g_strdup (name));
  pm_profile_set_name (profile, stripped);
  return TRUE;
}

static void
reset_settings (PmProfileList *self,
                const char    *id)
{
  g_autoptr(GSettings) settings = settings_for_id (self, id);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

void
pm_profile_list_remove (PmProfileList *self,
                        const char    *id)
{
  g_autoptr(PmProfile) profile = NULL;
  g_autofree char *last = NULL;
  int index;

  g_return_if_fail (PM_IS_PROFILE_LIST (self));

  index = find_index (self, id);
  if (index < 0)
    return;

  profile = g_ptr_array_steal_index (self->profiles, index);
  save_ids (self);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);

  pm_profile_detach (profile);
  reset_settings (self, id);

  last = pm_profile_list_dup_last_id (self);
  if (g_strcmp0 (last, id) == 0)
    pm_profile_list_set_last_id (self, NULL);
}

static void
remove_key_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PmProfileList *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!pm_keyring_delete_finish (result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  pm_profile_list_remove (self, g_task_get_task_data (task));
  g_task_return_boolean (task, TRUE);
}

void
pm_profile_list_remove_async (PmProfileList       *self,
                              const char          *id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PM_IS_PROFILE_LIST (self));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pm_profile_list_remove_async);
  g_task_set_task_data (task, g_strdup (id), g_free);

  if (find_index (self, id) < 0)
    {
      g_task_return_new_error (task, PM_PROFILE_ERROR, PM_PROFILE_ERROR_NOT_FOUND,
                               "%s", _("This account was removed in the meantime."));
      return;
    }
  pm_keyring_delete_async (id, cancellable, remove_key_cb, g_steal_pointer (&task));
}

gboolean
pm_profile_list_remove_finish (PmProfileList  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (PM_IS_PROFILE_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
pm_profile_list_dup_last_id (PmProfileList *self)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (PM_IS_PROFILE_LIST (self), NULL);

  id = g_settings_get_string (self->settings, "last-profile");
  return *id == '\0' ? NULL : g_steal_pointer (&id);
}

PmProfile *
pm_profile_list_get_last (PmProfileList *self)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (PM_IS_PROFILE_LIST (self), NULL);

  id = pm_profile_list_dup_last_id (self);
  return pm_profile_list_lookup (self, id);
}

void
pm_profile_list_set_last_id (PmProfileList *self,
                             const char    *id)
{
  g_return_if_fail (PM_IS_PROFILE_LIST (self));

  g_settings_set_string (self->settings, "last-profile", id != NULL ? id : "");
}
