/* fuzz-json.c: libFuzzer target for every JSON reader of the model
 *
 * The first byte picks a reader, the rest is the document. Readers must
 * never crash, leak or hang on any input, and what they accept must write
 * back stably: write(read(write(read(x)))) == write(read(x)). The lists the
 * app reads from a reply's bytes, element by element, must read exactly as
 * the same readers on the whole tree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "pm-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A finding: said, then abort () (not g_error ()'s SIGTRAP, which libFuzzer
 * does not catch), so that libFuzzer saves the input (build-aux/fuzz). */
#define fail(...) (g_printerr ("ERROR: " __VA_ARGS__), g_printerr ("\n"), abort ())

static void
check_policy_round_trip (PmPolicy *policy,
                         PmFlavour flavour)
{
  g_autoptr(JsonNode) first = pm_json_write_policy_request (policy);
  g_autofree char *first_text = pm_json_to_string (first, FALSE);
  g_autoptr(JsonNode) again_node = json_node_copy (first);
  g_autoptr(PmPolicy) again = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autofree char *second_text = NULL;

  /* A request has no id; the reader wants one as in a reply. */
  json_object_set_string_member (json_node_get_object (again_node), "id",
                                 pm_policy_get_id (policy) ? pm_policy_get_id (policy) : "x");
  again = pm_json_read_policy (again_node, flavour, NULL);
  if (again == NULL)
    fail ("a request the model wrote does not read back: %s", first_text);
  second = pm_json_write_policy_request (again);
  second_text = pm_json_to_string (second, FALSE);
  if (g_strcmp0 (first_text, second_text) != 0)
    fail ("unstable round trip:\n%s\n%s", first_text, second_text);
}

static void
free_array (GPtrArray *array)
{
  if (array != NULL)
    g_ptr_array_unref (array);
}

/* The element-by-element reading of a list against the tree reading of the
 * same document: both fail, or both read the same items and next page. */
static void
check_same_list (GPtrArray  *from_tree,
                 const char *tree_next,
                 GPtrArray  *from_bytes,
                 const char *bytes_next,
                 gboolean  (*equal) (gpointer a, gpointer b))
{
  if ((from_tree == NULL) != (from_bytes == NULL))
    fail ("the bytes reader %s what the tree reader %s",
             from_bytes ? "accepts" : "refuses", from_tree ? "accepts" : "refuses");
  if (from_tree == NULL)
    return;
  if (from_tree->len != from_bytes->len || g_strcmp0 (tree_next, bytes_next) != 0)
    fail ("the bytes reader reads %u items (next %s), the tree reader %u (next %s)",
             from_bytes->len, bytes_next, from_tree->len, tree_next);
  for (guint i = 0; i < from_tree->len; i++)
    if (!equal (g_ptr_array_index (from_tree, i), g_ptr_array_index (from_bytes, i)))
      fail ("item %u reads differently from the bytes and from the tree", i);
}

static gboolean
policies_equal (gpointer a,
                gpointer b)
{
  return pm_policy_equal (a, b) && g_strcmp0 (pm_policy_get_id (a), pm_policy_get_id (b)) == 0;
}

static gboolean
entities_equal (gpointer a,
                gpointer b)
{
  return pm_entity_equal (a, b);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  PmFlavour flavour;
  guint which;

  if (size < 1)
    return 0;
  which = data[0] % 12;
  flavour = (data[0] / 12) % 2 ? PM_FLAVOUR_SERVERLESS : PM_FLAVOUR_HOSTED;
  bytes = g_bytes_new (data + 1, size - 1);
  node = pm_json_parse_bytes (bytes, NULL);

  /* The list readers the app uses on replies, on every input. */
  switch (which)
    {
    case 1:
      {
        g_autofree char *tree_next = NULL, *bytes_next = NULL;
        g_autoptr(GPtrArray) from_tree = node ? pm_json_read_policy_list (node, flavour, &tree_next, NULL) : NULL;
        g_autoptr(GPtrArray) from_bytes = pm_json_read_policy_list_bytes (bytes, flavour, &bytes_next, NULL);

        check_same_list (from_tree, tree_next, from_bytes, bytes_next, policies_equal);
      }
      return 0;
    case 4:
      {
        g_autoptr(GPtrArray) from_tree = node ? pm_json_read_deployments (node, NULL) : NULL;
        g_autoptr(GPtrArray) from_bytes = pm_json_read_deployments_bytes (bytes, NULL);

        check_same_list (from_tree, NULL, from_bytes, NULL, entities_equal);
      }
      return 0;
    case 6:
      {
        g_autofree char *tree_next = NULL, *bytes_next = NULL;
        g_autoptr(GPtrArray) from_tree = node ? pm_json_read_project_list (node, &tree_next, NULL) : NULL;
        g_autoptr(GPtrArray) from_bytes = pm_json_read_project_list_bytes (bytes, &bytes_next, NULL);

        check_same_list (from_tree, tree_next, from_bytes, bytes_next, entities_equal);
      }
      return 0;
    default:
      break;
    }
  if (node == NULL)
    return 0;

  switch (which)
    {
    case 0:
      {
        g_autoptr(PmPolicy) policy = pm_json_read_policy (node, flavour, NULL);
        if (policy != NULL)
          {
            g_autoptr(JsonNode) patch = pm_json_write_policy_patch (policy);
            g_assert_nonnull (patch);
            check_policy_round_trip (policy, flavour);
            (void) pm_policy_contains_text (policy, "a");
            (void) pm_policy_contains_text (policy, "\xc3\xa4");
          }
      }
      break;
    case 2:
      {
        g_autoptr(PmRule) rule = pm_json_read_rule (node, NULL);
        if (rule != NULL)
          {
            g_autoptr(JsonNode) out = pm_json_write_rule (rule, PM_POLICY_TYPE_EGRESS_FIREWALL);
            g_autofree char *key = pm_rule_dup_display_key (rule, PM_POLICY_TYPE_IP);
            g_assert_nonnull (out);
            (void) key;
          }
      }
      break;
    case 3:
      {
        int total = 0;
        free_array (pm_json_read_associations (node, &total, NULL));
      }
      break;
    case 5:
      {
        g_autoptr(PmEntity) project = pm_json_read_project (node, NULL);
        (void) project;
      }
      break;
    case 7:
      {
        g_autoptr(GPtrArray) claims = pm_json_read_claims (node, NULL);
        for (guint i = 0; claims != NULL && i < claims->len; i++)
          {
            g_autoptr(JsonNode) out = pm_json_write_claim_request (g_ptr_array_index (claims, i));
            g_autofree char *id = pm_link_claim_dup_display_id (g_ptr_array_index (claims, i));
            g_assert_nonnull (out);
            (void) id;
          }
      }
      break;
    case 8:
      free_array (pm_json_read_metadata (node, NULL));
      break;
    case 9:
      {
        g_autofree char *code = NULL;
        g_autofree char *message = NULL;
        g_auto(GStrv) fields = NULL;
        pm_json_read_error_body (node, &code, &message, &fields);
      }
      break;
    default:
      {
        g_autofree char *text = pm_json_to_string (node, TRUE);
        g_assert_nonnull (text);
      }
      break;
    }
  return 0;
}
