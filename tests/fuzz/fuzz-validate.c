/* fuzz-validate.c: libFuzzer target for the validators
 *
 * The first byte picks a validator, the rest is the text. Validators must
 * never crash or hang, and what they suggest must itself be valid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "pm-validate.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_suggestion (gboolean (*validate) (const char *, char **, GError **),
                  const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *suggestion = NULL;

  if (!validate (text, &suggestion, &error) &&
      g_error_matches (error, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_HOST_BITS))
    {
      g_autoptr(GError) again = NULL;
      if (suggestion == NULL || !validate (suggestion, NULL, &again))
        g_error ("suggestion for %s is not valid: %s", text, suggestion ? suggestion : "(none)");
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (size < 1)
    return 0;
  text = g_strndup ((const char *) data + 1, size - 1);

  switch (data[0] % 12)
    {
    case 0: check_suggestion (pm_validate_ip_source, text); break;
    case 1: check_suggestion (pm_validate_egress_target, text); break;
    case 2: pm_validate_vpce_id (text, &error); break;
    case 3: pm_validate_azure_endpoint_name (text, &error); break;
    case 4: pm_validate_azure_endpoint_guid (text, &error); break;
    case 5: pm_validate_psc_connection_id (text, &error); break;
    case 6: pm_validate_protocol (text, &error); break;
    case 7:
      {
        g_autoptr(GArray) ports = NULL;
        if (pm_parse_ports (text, &ports, &error))
          for (guint i = 0; i < ports->len; i++)
            if (g_array_index (ports, guint, i) < 1 || g_array_index (ports, guint, i) > 65535)
              g_error ("port out of range accepted from %s", text);
      }
      break;
    case 8: pm_validate_policy_name (text, &error); break;
    case 9: pm_validate_description (text, &error); break;
    case 10:
      {
        g_auto(GStrv) sources = pm_split_sources (text);
        for (guint i = 0; sources && sources[i]; i++)
          if (sources[i][0] == '\0')
            g_error ("empty source split from %s", text);
      }
      break;
    default:
      pm_validate_region (pm_region_catalog_get_default (),
                          data[0] / 12 % 3, (data[0] / 36) % 6, text, &error);
      break;
    }
  return 0;
}
