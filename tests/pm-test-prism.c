/* pm-test-prism.c: Prism, the third party that knows Elastic's specs, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "pm-test-prism.h"
#include "pm-test-util.h"

/* Prism ignores Swagger 2's basePath: fold it into every path. */
char *
pm_test_prism_write_hosted_spec (const char *dir)
{
  g_autofree char *src = g_build_filename (pm_test_shared_dir (), "specs",
                                           "elastic-cloud-api.swagger.json", NULL);
  g_autofree char *dst = g_build_filename (dir, "elastic-cloud-api.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) folded = json_object_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  JsonObject *root, *paths;
  const char *base;
  GList *members;

  json_parser_load_from_file (parser, src, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  base = json_object_get_string_member (root, "basePath");
  paths = json_object_get_object_member (root, "paths");
  members = json_object_get_members (paths);
  for (GList *l = members; l; l = l->next)
    {
      g_autofree char *path = g_strconcat (base, l->data, NULL);
      json_object_set_member (folded, path, json_node_copy (json_object_get_member (paths, l->data)));
    }
  g_list_free (members);
  json_object_set_object_member (root, "paths", g_steal_pointer (&folded));
  json_object_set_string_member (root, "basePath", "/");

  json_generator_set_root (generator, json_parser_get_root (parser));
  json_generator_to_file (generator, dst, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&dst);
}

/* Prism 5 reads an absent optional deepObject query parameter as {} and then
 * refuses it for ProjectTags' minProperties: 1, so every project listing
 * would be "invalid". Give the `tags` query parameters a copy of ProjectTags
 * without that bound; replies and every other schema stay as published. */
char *
pm_test_prism_write_serverless_spec (const char *dir)
{
  g_autofree char *src = g_build_filename (pm_test_shared_dir (), "specs",
                                           "elastic-cloud-serverless-api.openapi.yml", NULL);
  g_autofree char *dst = g_build_filename (dir, "elastic-cloud-serverless-api.yml", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) out = NULL;
  g_autoptr(GError) error = NULL;
  const char *ref = "$ref: '#/components/schemas/ProjectTags'";
  const char *schema_anchor = "\n    ProjectTags:\n";
  const char *pos;
  guint replaced = 0;

  g_file_get_contents (src, &text, NULL, &error);
  g_assert_no_error (error);
  out = g_string_new (text);
  pos = out->str;
  while ((pos = strstr (pos, "- name: tags\n")) != NULL)
    {
      char *at = strstr (pos, ref);
      gsize offset;

      g_assert_nonnull (at);
      offset = at - out->str;
      g_string_erase (out, offset, strlen (ref));
      g_string_insert (out, offset, "$ref: '#/components/schemas/PerimeterQueryTags'");
      pos = out->str + offset;
      replaced++;
    }
  g_assert_cmpuint (replaced, >, 0);
  pos = strstr (out->str, schema_anchor);
  g_assert_nonnull (pos);
  g_string_insert (out, pos - out->str + 1,
                   "    PerimeterQueryTags:\n"
                   "      type: object\n"
                   "      additionalProperties:\n"
                   "        $ref: '#/components/schemas/ProjectTagValue'\n"
                   "      maxProperties: 64\n");
  g_file_set_contents (dst, out->str, out->len, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&dst);
}

static gboolean
port_answers (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

GSubprocess *
pm_test_prism_start (const char * const *argv,
                     guint16             port,
                     const char         *log_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  GSubprocess *process;

  g_ptr_array_add (args, (gpointer) "prism");
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, (gpointer) "-h");
  g_ptr_array_add (args, (gpointer) "127.0.0.1");
  g_ptr_array_add (args, (gpointer) "-p");
  g_ptr_array_add (args, port_text);
  g_ptr_array_add (args, NULL);

  /* Prism is a Node program: keep our sanitizer settings out of it. Its
   * log goes to a file, shown when it answers with a server error. */
  g_subprocess_launcher_unsetenv (launcher, "LD_PRELOAD");
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);

  while (!port_answers (port))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (200 * 1000);
    }
  return process;
}

void
pm_test_prism_stop (GSubprocess *prism)
{
  g_subprocess_send_signal (prism, SIGTERM);
  g_subprocess_wait (prism, NULL, NULL);
}

guint
pm_test_prism_count_requests (const char *log_path)
{
  g_autofree char *log = NULL;
  guint n = 0;

  if (!g_file_get_contents (log_path, &log, NULL, NULL))
    return 0;
  for (const char *p = log; (p = strstr (p, "Request received")) != NULL; p++)
    n++;
  return n;
}
