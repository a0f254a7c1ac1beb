/* pm-confirm-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-confirm-dialog.h"

AdwDialog *
pm_confirm_dialog_new (const char            *heading,
                       const char            *body,
                       const char            *response,
                       const char            *label,
                       AdwResponseAppearance  appearance)
{
  AdwAlertDialog *dialog;

  g_return_val_if_fail (heading != NULL, NULL);
  g_return_val_if_fail (response != NULL && !g_str_equal (response, "cancel"), NULL);
  g_return_val_if_fail (label != NULL, NULL);

  dialog = ADW_ALERT_DIALOG (adw_alert_dialog_new (heading, body));
  adw_alert_dialog_add_responses (dialog, "cancel", _("_Cancel"), response, label, NULL);
  adw_alert_dialog_set_response_appearance (dialog, response, appearance);
  adw_alert_dialog_set_close_response (dialog, "cancel");
  adw_alert_dialog_set_default_response (dialog, appearance == ADW_RESPONSE_DESTRUCTIVE ? "cancel" : response);
  return ADW_DIALOG (dialog);
}

AdwDialog *
pm_confirm_dialog_new_remove_account (const char *name)
{
  g_autofree char *body = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  body = g_strdup_printf (_("“%s” and its API key will be removed from this computer. Nothing changes in "
                            "Elastic Cloud; the key itself stays valid until you revoke it in the console."),
                          name);
  return pm_confirm_dialog_new (_("Remove Account?"), body, "remove", _("_Remove"), ADW_RESPONSE_DESTRUCTIVE);
}
