/* bench-floor.c: the cheapest way to turn the API's replies into JSON trees
 *
 * The floor the app's load time is compared with: the files curl fetched,
 * parsed by json-glib into JsonNode trees and nothing more. Prints the
 * parse time in milliseconds and the total size in bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

int
main (int   argc,
      char *argv[])
{
  gint64 start, elapsed = 0;
  gsize total = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *data = NULL;
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      gsize len;

      if (!g_file_get_contents (argv[i], &data, &len, &error))
        g_error ("%s", error->message);
      start = g_get_monotonic_time ();
      if (!json_parser_load_from_data (parser, data, len, &error))
        g_error ("%s: %s", argv[i], error->message);
      elapsed += g_get_monotonic_time () - start;
      total += len;
    }
  g_print ("parse_ms %.3f\nbytes %" G_GSIZE_FORMAT "\n", elapsed / 1000.0, total);
  return 0;
}
