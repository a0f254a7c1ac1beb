/* pm-keyring.c: API keys in the Secret Service, through libsecret
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "pm-keyring.h"

#define ATTR_PROFILE_ID "profile-id"

G_DEFINE_QUARK (pm-keyring-error-quark, pm_keyring_error)

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    .name = "io.github.perimeter.Perimeter.ApiKey",
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
      { .name = ATTR_PROFILE_ID, .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
      { .name = NULL, .type = 0 },
    },
  };

  return &schema;
}

const void *
pm_keyring_get_schema (void)
{
  return get_schema ();
}

void
pm_keyring_free_key (char *key)
{
  if (key == NULL)
    return;
  /* Clears the bytes before freeing them, and copes with libsecret's
   * secure memory as well as with g_malloc'd strings. */
  secret_password_free (key);
}

static gboolean
is_missing_service (const GError *error)
{
  if (error->domain == G_DBUS_ERROR)
    return error->code == G_DBUS_ERROR_SERVICE_UNKNOWN
        || error->code == G_DBUS_ERROR_NAME_HAS_NO_OWNER
        || error->code == G_DBUS_ERROR_NO_SERVER
        || error->code == G_DBUS_ERROR_FILE_NOT_FOUND
        || error->code == G_DBUS_ERROR_UNKNOWN_METHOD
        || error->code == G_DBUS_ERROR_UNKNOWN_OBJECT
        || error->code == G_DBUS_ERROR_UNKNOWN_INTERFACE
        || (error->code >= G_DBUS_ERROR_SPAWN_EXEC_FAILED
            && error->code <= G_DBUS_ERROR_SPAWN_FAILED);
  /* No session bus at all (g_bus_get: no socket, or no address and no
   * display to autolaunch one) arrives as a G_IO_ERROR. */
  if (error->domain == G_IO_ERROR)
    return error->code == G_IO_ERROR_NOT_FOUND
        || error->code == G_IO_ERROR_FAILED
        || error->code == G_IO_ERROR_NOT_SUPPORTED
        || error->code == G_IO_ERROR_CONNECTION_REFUSED;
  return FALSE;
}

/* libsecret and D-Bus errors in words a person can act on. Cancellation
 * through a GCancellable stays G_IO_ERROR_CANCELLED. */
static GError *
map_error (GError *error)
{
  GError *mapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    mapped = g_error_new_literal (PM_KEYRING_ERROR, PM_KEYRING_ERROR_LOCKED,
                                  _("The keyring is locked. Unlock it in your session and try again."));
  else if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT))
    mapped = g_error_new_literal (PM_KEYRING_ERROR, PM_KEYRING_ERROR_NO_SERVICE,
                                  _("There is no keyring to keep the API key in. Create a default keyring "
                                    "(for example with Passwords and Keys) and try again."));
  else if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED)
           || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED))
    mapped = g_error_new_literal (PM_KEYRING_ERROR, PM_KEYRING_ERROR_DENIED,
                                  _("The keyring refused access to the API key. Allow access when your session "
                                    "asks, then try again."));
  else if (is_missing_service (error))
    mapped = g_error_new_literal (PM_KEYRING_ERROR, PM_KEYRING_ERROR_NO_SERVICE,
                                  _("No keyring service is running. Log in to a session with a keyring such as "
                                    "GNOME Keyring, then try again."));
  else if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT)
           || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY)
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    mapped = g_error_new_literal (PM_KEYRING_ERROR, PM_KEYRING_ERROR_FAILED,
                                  _("The keyring did not answer. Check that it is running, then try again."));
  else
    mapped = g_error_new (PM_KEYRING_ERROR, PM_KEYRING_ERROR_FAILED,
                          _("The keyring could not be used (%s). Try again, or check the keyring in Passwords and Keys."),
                          error->message);

  g_error_free (error);
  return mapped;
}

static void
return_error (GTask  *task,
              GError *error)
{
  g_task_return_error (task, map_error (error));
}

/* Store */

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      /* libsecret reports a dismissed unlock prompt as a plain failure to
       * store into a locked collection. */
      return_error (task, error != NULL ? error
                                        : g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED, ""));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
pm_keyring_store_async (const char          *profile_id,
                        const char          *label,
                        const char          *api_key,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *item_label = NULL;

  g_return_if_fail (profile_id != NULL && *profile_id != '\0');
  g_return_if_fail (api_key != NULL && *api_key != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pm_keyring_store_async);

  /* Translators: the name keyring managers show for the item; %s is the account's name */
  item_label = g_strdup_printf (_("Perimeter API key for “%s”"),
                                label != NULL && *label != '\0' ? label : profile_id);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, item_label, api_key,
                         cancellable, store_cb, g_steal_pointer (&task),
                         ATTR_PROFILE_ID, profile_id,
                         NULL);
}

gboolean
pm_keyring_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_keyring_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Lookup */

/* Nothing came back: either there is no item, or there is one that stays
 * locked (its unlock prompt failed or was dismissed). Look without
 * unlocking to tell the two apart. */
static void
search_locked_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GList *items;
  gboolean locked = FALSE;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      return_error (task, error);
      return;
    }
  for (GList *l = items; l != NULL; l = l->next)
    if (SECRET_IS_ITEM (l->data) && secret_item_get_locked (l->data))
      locked = TRUE;
  g_list_free_full (items, g_object_unref);

  if (locked)
    return_error (task, g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED, ""));
  else
    g_task_return_new_error (task, PM_KEYRING_ERROR, PM_KEYRING_ERROR_NOT_FOUND, "%s",
                             _("The keyring holds no API key for this account. Edit the account and enter "
                               "its key again."));
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *key;

  key = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      return_error (task, error);
      return;
    }
  if (key != NULL)
    {
      g_task_return_pointer (task, key, (GDestroyNotify) pm_keyring_free_key);
      return;
    }

  secret_password_search (get_schema (), SECRET_SEARCH_ALL,
                          g_task_get_cancellable (task), search_locked_cb, g_object_ref (task),
                          ATTR_PROFILE_ID, g_task_get_task_data (task),
                          NULL);
}

void
pm_keyring_lookup_async (const char          *profile_id,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (profile_id != NULL && *profile_id != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pm_keyring_lookup_async);
  g_task_set_task_data (task, g_strdup (profile_id), g_free);

  secret_password_lookup (get_schema (), cancellable, lookup_cb, g_object_ref (task),
                          ATTR_PROFILE_ID, profile_id,
                          NULL);
}

char *
pm_keyring_lookup_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_keyring_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Delete */

static void
delete_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: there was nothing to delete. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
pm_keyring_delete_async (const char          *profile_id,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (profile_id != NULL && *profile_id != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pm_keyring_delete_async);

  secret_password_clear (get_schema (), cancellable, delete_cb, g_steal_pointer (&task),
                         ATTR_PROFILE_ID, profile_id,
                         NULL);
}

gboolean
pm_keyring_delete_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pm_keyring_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
