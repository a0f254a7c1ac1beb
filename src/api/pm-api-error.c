/* pm-api-error.c: the PM_API_ERROR domain and the details it carries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-api-error.h"

typedef struct
{
  PmApiErrorDetails details;
} PmApiErrorPrivate;

static void
pm_api_error_private_init (PmApiErrorPrivate *priv)
{
  memset (&priv->details, 0, sizeof priv->details);
}

static void
details_copy (const PmApiErrorDetails *src,
              PmApiErrorDetails       *dest)
{
  dest->status = src->status;
  dest->code = g_strdup (src->code);
  dest->message = g_strdup (src->message);
  dest->fields = g_strdupv (src->fields);
  dest->retry_after = src->retry_after;
}

static void
pm_api_error_private_copy (const PmApiErrorPrivate *src,
                           PmApiErrorPrivate       *dest)
{
  details_copy (&src->details, &dest->details);
}

static void
pm_api_error_private_clear (PmApiErrorPrivate *priv)
{
  g_clear_pointer (&priv->details.code, g_free);
  g_clear_pointer (&priv->details.message, g_free);
  g_clear_pointer (&priv->details.fields, g_strfreev);
}

/* Defines pm_api_error_quark() and pm_api_error_get_private(). */
G_DEFINE_EXTENDED_ERROR (PmApiError, pm_api_error)

GError *
pm_api_error_new (PmApiErrorCode           code,
                  const PmApiErrorDetails *details,
                  const char              *format,
                  ...)
{
  g_autofree char *message = NULL;
  PmApiErrorPrivate *priv;
  GError *error;
  va_list args;

  g_return_val_if_fail (format != NULL, NULL);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  error = g_error_new_literal (PM_API_ERROR, code, message);
  priv = pm_api_error_get_private (error);
  if (priv != NULL && details != NULL)
    details_copy (details, &priv->details);

  return error;
}

const PmApiErrorDetails *
pm_api_error_get_details (const GError *error)
{
  PmApiErrorPrivate *priv;

  if (error == NULL || error->domain != PM_API_ERROR)
    return NULL;

  priv = pm_api_error_get_private (error);
  return priv != NULL ? &priv->details : NULL;
}
