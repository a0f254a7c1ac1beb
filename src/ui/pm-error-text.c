/* pm-error-text.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-api-error.h"
#include "pm-error-text.h"

const char *
pm_error_text_title (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != PM_API_ERROR)
    return _("Something went wrong");

  switch ((PmApiErrorCode) error->code)
    {
    case PM_API_ERROR_UNAUTHORIZED:
      return _("Wrong API key");
    case PM_API_ERROR_FORBIDDEN:
      return _("Not allowed");
    case PM_API_ERROR_NOT_FOUND:
      return _("Not found");
    case PM_API_ERROR_RATE_LIMITED:
      return _("Too many requests");
    case PM_API_ERROR_SERVER:
      return _("Server error");
    case PM_API_ERROR_NETWORK:
      return _("Cannot reach the API");
    case PM_API_ERROR_TLS:
      return _("Secure connection failed");
    case PM_API_ERROR_TIMEOUT:
      return _("No answer in time");
    case PM_API_ERROR_BAD_REPLY:
      return _("Unexpected answer");
    case PM_API_ERROR_INSECURE:
      return _("Insecure address");
    case PM_API_ERROR_CONFLICT:
      return _("Changed elsewhere");
    case PM_API_ERROR_INVALID:
      return _("Request refused");
    case PM_API_ERROR_UNSUPPORTED:
      return _("Not available");
    case PM_API_ERROR_FAILED:
    default:
      return _("Something went wrong");
    }
}

char *
pm_error_text_describe (const GError *error)
{
  const PmApiErrorDetails *details;
  const char *api_message;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != PM_API_ERROR)
    return g_strdup (error->message);

  details = pm_api_error_get_details (error);
  api_message = details != NULL ? details->message : NULL;

  switch ((PmApiErrorCode) error->code)
    {
    case PM_API_ERROR_UNAUTHORIZED:
      return g_strdup (_("The API key was refused (HTTP 401). Check that the whole key was pasted and that it has not expired or been revoked, then save it again."));
    case PM_API_ERROR_FORBIDDEN:
      return g_strdup (_("The API key was accepted but may not do this (HTTP 403). Use a key whose role can manage the organization’s network security."));
    case PM_API_ERROR_NOT_FOUND:
      return g_strdup (_("The server answered, but not as the Elastic Cloud API (HTTP 404). Check the API base URL: Elastic Cloud is https://api.elastic-cloud.com, Cloud Enterprise https://COORDINATOR-HOST:12443."));
    case PM_API_ERROR_RATE_LIMITED:
      if (details != NULL && details->retry_after > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Elastic Cloud is limiting requests from this key (HTTP 429). Try again in %u second.",
                                             "Elastic Cloud is limiting requests from this key (HTTP 429). Try again in %u seconds.",
                                             details->retry_after),
                                details->retry_after);
      return g_strdup (_("Elastic Cloud is limiting requests from this key (HTTP 429). Wait a minute and try again."));
    case PM_API_ERROR_SERVER:
    case PM_API_ERROR_NETWORK:
    case PM_API_ERROR_TLS:
    case PM_API_ERROR_TIMEOUT:
    case PM_API_ERROR_BAD_REPLY:
      /* The client already says what happened and what to do. */
      return g_strdup (error->message);
    case PM_API_ERROR_INSECURE:
      return g_strdup (_("Plain http:// is only allowed to this computer. Use an https:// address."));
    case PM_API_ERROR_CONFLICT:
      return g_strdup (_("Someone else changed this at the same time. Refresh to see their change, then try again."));
    case PM_API_ERROR_INVALID:
      return g_strdup_printf (_("The API refused the request: “%s”. Correct what it names and try again; nothing was changed."),
                              api_message ? api_message : error->message);
    case PM_API_ERROR_UNSUPPORTED:
      return g_strdup (_("This account’s API has no such operation, so nothing was changed. Do it in the Elastic Cloud console, or with an account of a kind that offers it."));
    case PM_API_ERROR_FAILED:
    default:
      return g_strdup (error->message);
    }
}
