/* test-json.c: every JSON reader and writer of the model
 *
 * The request and response bodies in Elastic's documentation (the seeds)
 * must read and write back unchanged; anything else must give an error
 * that names what is wrong, never a crash.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-json.h"
#include "pm-validate.h"
#include "pm-test-util.h"

/* ---- helpers ------------------------------------------------------------ */

static JsonNode *
parse (const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  JsonNode *node = pm_json_parse_bytes (bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
assert_json_equal (JsonNode *a,
                   JsonNode *b)
{
  if (!json_node_equal (a, b))
    {
      g_autofree char *ta = pm_json_to_string (a, TRUE);
      g_autofree char *tb = pm_json_to_string (b, TRUE);

      g_error ("JSON differs:\n%s\n---\n%s", ta, tb);
    }
}

/* ---- the seeds' examples ------------------------------------------------ */

typedef enum {
  BODY_POLICY_HOSTED,
  BODY_POLICY_ECE,
  BODY_POLICY_SERVERLESS,
  BODY_POLICY_PATCH,
  BODY_ASSOCIATION,
  BODY_PROJECT_PATCH,
  BODY_CLAIM,
  BODY_RULESET_RESPONSE,
  BODY_METADATA,
} BodyKind;

typedef struct {
  char     *file;
  guint     line;
  BodyKind  kind;
  char     *text;
} SeedBody;

static void
seed_body_free (SeedBody *body)
{
  g_free (body->file);
  g_free (body->text);
  g_free (body);
}

static BodyKind
classify (const char *block,
          const char *body)
{
  if (strstr (block, "/link-ids/_") != NULL)
    return BODY_CLAIM;
  if (strstr (block, "/associations") != NULL)
    return BODY_ASSOCIATION;
  if (strstr (block, "/serverless/projects/") != NULL)
    return BODY_PROJECT_PATCH;
  if (strstr (block, "/serverless/traffic-filters/$") != NULL)
    return BODY_POLICY_PATCH;
  if (strstr (block, "/serverless/traffic-filters") != NULL)
    return BODY_POLICY_SERVERLESS;
  if (strstr (block, "COORDINATOR_HOST") != NULL)
    return BODY_POLICY_ECE;
  if (strstr (block, "/traffic-filter/rulesets") != NULL)
    return BODY_POLICY_HOSTED;
  if (strstr (body, "\"regions\"") != NULL)
    return BODY_METADATA;
  return BODY_RULESET_RESPONSE;
}

/* The JSON of one fenced block: the curl -d '…' body, or the block itself
 * when it is a JSON document (a response). NULL when it has neither. */
static char *
block_json (const char *block)
{
  const char *start = strstr (block, "-d '");
  g_autoptr(GString) body = NULL;
  g_auto(GStrv) lines = NULL;

  if (start == NULL)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (block));

      return stripped[0] == '{' ? g_steal_pointer (&stripped) : NULL;
    }

  body = g_string_new (NULL);
  lines = g_strsplit (start + strlen ("-d '"), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (lines[i]));

      if (g_str_equal (trimmed, "'"))
        break;
      g_string_append (body, lines[i]);
      g_string_append_c (body, '\n');
    }
  /* Shell splices such as "'"$DEPLOYMENT_ID"'" stand for the variable. */
  g_string_replace (body, "'\"$", "$", 0);
  g_string_replace (body, "\"'\"", "\"", 0);
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static GPtrArray *
load_seed_bodies (void)
{
  GPtrArray *bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) seed_body_free);
  g_autofree char *dir_path = g_build_filename (pm_test_shared_dir (), "seeds", NULL);
  g_auto(GStrv) names = pm_test_seed_names ();

  for (guint n = 0; names[n] != NULL; n++)
    {
      g_autofree char *path = g_build_filename (dir_path, names[n], NULL);
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;
      g_autoptr(GString) block = NULL;
      guint block_line = 0;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      lines = g_strsplit (contents, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autofree char *trimmed = g_strstrip (g_strdup (lines[i]));

          if (g_str_has_prefix (trimmed, "```"))
            {
              if (block == NULL)
                {
                  block = g_string_new (NULL);
                  block_line = i + 1;
                }
              else
                {
                  char *json = block_json (block->str);

                  if (json != NULL)
                    {
                      SeedBody *body = g_new0 (SeedBody, 1);

                      body->file = g_strdup (names[n]);
                      body->line = block_line;
                      body->kind = classify (block->str, json);
                      body->text = json;
                      g_ptr_array_add (bodies, body);
                    }
                  g_string_free (g_steal_pointer (&block), TRUE);
                }
              continue;
            }
          if (block != NULL)
            {
              g_string_append (block, lines[i]);
              g_string_append_c (block, '\n');
            }
        }
    }
  return bodies;
}

/* The docs' typos: trailing commas, and a missing comma between members. */
static char *
repair (const char *text)
{
  g_autoptr(GRegex) trailing = g_regex_new (",(\\s*[\\]}])", 0, 0, NULL);
  g_autoptr(GRegex) missing = g_regex_new ("(\"|\\d|true|false)([ \\t]*\n\\s*\")", 0, 0, NULL);
  g_autofree char *first = g_regex_replace (trailing, text, -1, 0, "\\1", 0, NULL);

  return g_regex_replace (missing, first, -1, 0, "\\1,\\2", 0, NULL);
}

static void
round_trip_policy (JsonNode  *node,
                   PmFlavour  flavour)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) policy = pm_json_read_policy_request (node, flavour, &error);
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(PmPolicy) again = NULL;
  g_autoptr(JsonNode) rewritten = NULL;
  JsonObject *object;

  g_assert_no_error (error);
  g_assert_cmpint (pm_policy_get_policy_type (policy), !=, PM_POLICY_TYPE_UNKNOWN);
  g_assert_cmpint (pm_policy_get_flavour (policy), ==, flavour);
  written = pm_json_write_policy_request (policy);
  assert_json_equal (written, node);
  object = json_node_get_object (written);
  g_assert_false (json_object_has_member (object, "id"));
  g_assert_false (json_object_has_member (object, "associations"));
  g_assert_false (json_object_has_member (object, "total_associations"));

  /* And it is stable. */
  again = pm_json_read_policy_request (written, flavour, &error);
  g_assert_no_error (error);
  g_assert_true (pm_policy_equal (policy, again));
  rewritten = pm_json_write_policy_request (again);
  assert_json_equal (rewritten, written);
}

static void
round_trip_patch (JsonNode *node)
{
  g_autoptr(JsonNode) base = parse ("{\"id\":\"0123456789abcdef0123456789abcdef\",\"name\":\"n\","
                                    "\"type\":\"ip\",\"region\":\"us-east-1\",\"include_by_default\":false,"
                                    "\"rules\":[{\"source\":\"10.0.0.0/8\"},{\"source\":\"10.1.0.0/16\"}]}");
  g_autoptr(PmPolicy) policy = pm_json_read_policy (base, PM_FLAVOUR_SERVERLESS, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) written = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  g_assert_true (pm_json_apply_policy_patch (policy, node, &error));
  g_assert_no_error (error);
  written = pm_json_write_policy_patch (policy);

  /* Everything the patch said comes back; the patch writes nothing else
   * than name, description, include_by_default and rules. */
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &name, &member))
    assert_json_equal (json_object_get_member (json_node_get_object (written), name), member);
  g_assert_cmpuint (json_object_get_size (json_node_get_object (written)), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (written), "name"), ==, "n");
}

static void
round_trip_body (SeedBody *body,
                 JsonNode *node)
{
  g_autoptr(GError) error = NULL;

  switch (body->kind)
    {
    case BODY_POLICY_HOSTED:
      round_trip_policy (node, PM_FLAVOUR_HOSTED);
      break;
    case BODY_POLICY_ECE:
      round_trip_policy (node, PM_FLAVOUR_ECE);
      break;
    case BODY_POLICY_SERVERLESS:
      round_trip_policy (node, PM_FLAVOUR_SERVERLESS);
      break;
    case BODY_POLICY_PATCH:
      round_trip_patch (node);
      break;
    case BODY_ASSOCIATION:
      {
        g_autoptr(PmAssociation) association = pm_json_read_association (node, &error);
        g_autoptr(JsonNode) written = NULL;

        g_assert_no_error (error);
        g_assert_cmpstr (pm_association_get_entity_type (association), ==, "deployment");
        written = pm_json_write_association (association);
        assert_json_equal (written, node);
      }
      break;
    case BODY_PROJECT_PATCH:
      {
        g_auto(GStrv) ids = NULL;
        g_autoptr(JsonNode) written = NULL;

        g_assert_true (pm_json_read_project_patch (node, &ids, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (g_strv_length (ids), >=, 1);
        written = pm_json_write_project_patch ((const char * const *) ids);
        assert_json_equal (written, node);
      }
      break;
    case BODY_CLAIM:
      {
        g_autoptr(PmLinkClaim) claim = pm_json_read_claim (node, &error);
        g_autoptr(JsonNode) written = NULL;

        g_assert_no_error (error);
        g_assert_cmpint (pm_link_claim_get_provider (claim), !=, PM_PROVIDER_NONE);
        written = pm_json_write_claim_request (claim);
        assert_json_equal (written, node);
      }
      break;
    case BODY_RULESET_RESPONSE:
      {
        g_autofree char *id = pm_json_read_ruleset_response (node, &error);
        g_autoptr(JsonNode) written = NULL;

        g_assert_no_error (error);
        g_assert_cmpstr (id, ==, "5470a0010ebf437bb9294ea9fcba0ba0");
        written = pm_json_write_ruleset_response (id);
        assert_json_equal (written, node);
      }
      break;
    case BODY_METADATA:
      {
        g_autoptr(GPtrArray) regions = pm_json_read_metadata (node, &error);
        g_autoptr(JsonNode) written = NULL;
        JsonArray *rows = json_array_new ();
        JsonObject *object = json_object_new ();

        g_assert_no_error (error);
        g_assert_cmpuint (regions->len, ==, 1);
        g_assert_cmpstr (pm_region_get_service_name (g_ptr_array_index (regions, 0)), ==,
                         "com.amazonaws.vpce.eu-west-1.vpce-svc-0197c33d7deffd2fa");
        for (guint i = 0; i < regions->len; i++)
          json_array_add_object_element (rows, json_object_ref (pm_region_get_json (g_ptr_array_index (regions, i))));
        json_object_set_array_member (object, "regions", rows);
        written = json_node_init_object (json_node_alloc (), object);
        json_object_unref (object);
        assert_json_equal (written, node);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
test_seeds (void)
{
  g_autoptr(GPtrArray) bodies = load_seed_bodies ();
  guint counts[BODY_METADATA + 1] = { 0 };
  guint invalid = 0;

  for (guint i = 0; i < bodies->len; i++)
    {
      SeedBody *body = g_ptr_array_index (bodies, i);
      g_autoptr(GBytes) bytes = g_bytes_new (body->text, strlen (body->text));
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;

      g_test_message ("%s:%u (kind %d)", body->file, body->line, body->kind);
      node = pm_json_parse_bytes (bytes, &error);
      if (node == NULL)
        {
          g_autofree char *fixed = NULL;
          g_autoptr(GBytes) fixed_bytes = NULL;

          /* A typo in the docs: a clean parse error that says where. */
          g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE);
          g_assert_nonnull (strstr (error->message, "<data>:"));
          g_test_message ("  invalid in the docs: %s", error->message);
          invalid++;

          fixed = repair (body->text);
          fixed_bytes = g_bytes_new (fixed, strlen (fixed));
          g_clear_error (&error);
          node = pm_json_parse_bytes (fixed_bytes, &error);
          g_assert_no_error (error);
        }
      round_trip_body (body, node);
      counts[body->kind]++;
    }

  /* What the seeds hold (000: six claims; 002: the API examples). */
  g_assert_cmpuint (counts[BODY_CLAIM], ==, 6);
  g_assert_cmpuint (counts[BODY_POLICY_HOSTED], ==, 6);
  g_assert_cmpuint (counts[BODY_POLICY_ECE], ==, 2);
  g_assert_cmpuint (counts[BODY_POLICY_SERVERLESS], ==, 2);
  g_assert_cmpuint (counts[BODY_POLICY_PATCH], ==, 1);
  g_assert_cmpuint (counts[BODY_ASSOCIATION], ==, 2);
  g_assert_cmpuint (counts[BODY_PROJECT_PATCH], ==, 2);
  g_assert_cmpuint (counts[BODY_RULESET_RESPONSE], ==, 1);
  g_assert_cmpuint (counts[BODY_METADATA], ==, 1);
  /* Serverless ingress (missing comma), egress, metadata and the
   * Serverless patch (trailing commas). */
  g_assert_cmpuint (invalid, ==, 4);
}

/* ---- unknown fields ------------------------------------------------------ */

static const char hosted_reply[] =
  "{\"id\":\"5470a0010ebf437bb9294ea9fcba0ba0\",\"name\":\"Egress\",\"description\":\"d\","
  "\"type\":\"egress_firewall\",\"include_by_default\":true,\"region\":\"azure-japaneast\","
  "\"x_top\":{\"nested\":[1,2,{\"deep\":null}]},\"created\":\"2026-11-23\","
  "\"rules\":[{\"id\":\"r1\",\"description\":\"web\",\"remote_cluster_id\":\"abc\",\"x_rule\":true,"
  "\"egress_rule\":{\"target\":\"192.168.131.0\",\"protocol\":\"tcp\",\"ports\":[80,443],\"x_egress\":5}}],"
  "\"associations\":[{\"entity_type\":\"deployment\",\"id\":\"d1\"}],\"total_associations\":3}";

static void
test_unknown_fields (void)
{
  g_autoptr(JsonNode) reply = parse (hosted_reply);
  g_autoptr(JsonNode) expected = parse (
    "{\"name\":\"Egress\",\"description\":\"d\",\"type\":\"egress_firewall\",\"include_by_default\":true,"
    "\"region\":\"azure-japaneast\",\"x_top\":{\"nested\":[1,2,{\"deep\":null}]},\"created\":\"2026-11-23\","
    "\"rules\":[{\"id\":\"r1\",\"description\":\"web\",\"remote_cluster_id\":\"abc\",\"x_rule\":true,"
    "\"egress_rule\":{\"target\":\"192.168.131.0\",\"protocol\":\"tcp\",\"ports\":[80,443],\"x_egress\":5}}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) policy = pm_json_read_policy (reply, PM_FLAVOUR_HOSTED, &error);
  g_autoptr(PmRule) rule = NULL;
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(JsonNode) full = NULL;
  g_autoptr(PmPolicy) copy = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (pm_policy_get_id (policy), ==, "5470a0010ebf437bb9294ea9fcba0ba0");
  g_assert_cmpint (pm_policy_get_policy_type (policy), ==, PM_POLICY_TYPE_EGRESS_FIREWALL);
  g_assert_cmpint (pm_policy_get_n_associations (policy), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (pm_policy_get_associations (policy)), ==, 1);
  g_assert_true (json_object_has_member (pm_policy_get_extra (policy), "x_top"));
  g_assert_false (json_object_has_member (pm_policy_get_extra (policy), "associations"));

  rule = g_list_model_get_item (pm_policy_get_rules (policy), 0);
  g_assert_cmpstr (pm_rule_get_id (rule), ==, "r1");
  g_assert_cmpstr (pm_rule_get_egress_target (rule), ==, "192.168.131.0");
  g_assert_cmpint (pm_rule_get_egress_protocol (rule), ==, PM_EGRESS_PROTOCOL_TCP);
  g_assert_cmpuint (pm_rule_get_ports (rule)->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (pm_rule_get_extra (rule), "remote_cluster_id"), ==, "abc");
  g_assert_cmpint (json_object_get_int_member (pm_rule_get_egress_extra (rule), "x_egress"), ==, 5);

  /* The request keeps every unknown member and drops what a request may not carry. */
  request = pm_json_write_policy_request (policy);
  assert_json_equal (request, expected);

  /* The whole-object writer gives the reply back. */
  full = pm_json_write_policy (policy);
  assert_json_equal (full, reply);

  /* Extras are deep copies: changing the copy leaves the original. */
  copy = pm_policy_copy (policy);
  json_object_set_int_member (pm_policy_get_extra (copy), "created", 1);
  g_assert_cmpstr (json_object_get_string_member (pm_policy_get_extra (policy), "created"), ==, "2026-11-23");
  g_assert_false (pm_policy_equal (policy, copy));
}

/* Rules read from JSON stay packed until asked for: everything done with
 * the policy before (writing, copying, comparing, searching) gives what it
 * gives with PmRule objects, unknown fields included. */
static void
test_packed_rules (void)
{
  g_autofree char *two_rules = g_strdup_printf ("%.*s,{\"id\":\"r2\",\"source\":\"10.0.0.0/8\",\"x\":[1]}],%s",
                                                (int) (strstr (hosted_reply, "}}],") + 2 - hosted_reply), hosted_reply,
                                                strstr (hosted_reply, "}}],") + 4);
  g_autoptr(JsonNode) reply = parse (two_rules);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) packed = pm_json_read_policy (reply, PM_FLAVOUR_HOSTED, &error);
  g_autoptr(PmPolicy) made = pm_json_read_policy (reply, PM_FLAVOUR_HOSTED, &error);
  g_autoptr(PmPolicy) copy = NULL;
  g_autoptr(PmPolicy) edited = NULL;
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(JsonNode) written_made = NULL;
  g_autoptr(PmRule) rule = NULL;
  g_autoptr(PmRule) second = NULL;
  const char *words[] = { "10.0.0.0/8", "192.168.131.0", "r2", "web", "168.131", "r1\nweb", "nowhere", "0/80" };

  g_assert_no_error (error);
  g_assert_cmpuint (pm_policy_get_n_rules (packed), ==, 2);

  /* Written back, copied, compared and searched while packed... */
  {
    g_autoptr(JsonNode) one = parse (hosted_reply);
    g_autoptr(PmPolicy) one_policy = pm_json_read_policy (one, PM_FLAVOUR_HOSTED, &error);
    g_autoptr(JsonNode) one_written = pm_json_write_policy (one_policy);

    g_assert_no_error (error);
    assert_json_equal (one_written, one);
  }
  written = pm_json_write_policy (packed);
  copy = pm_policy_copy (packed);
  g_assert_true (pm_policy_equal (packed, copy));
  g_assert_cmpuint (pm_policy_get_n_rules (copy), ==, 2);
  g_assert_true (pm_policy_contains_text (packed, "10.0.0.0/8"));
  g_assert_true (pm_policy_contains_text (packed, "192.168.131.0"));

  /* ...the same as with the rules made: and equal across both forms. */
  g_assert_cmpuint (g_list_model_get_n_items (pm_policy_get_rules (made)), ==, 2);
  g_assert_true (pm_policy_equal (packed, made));
  g_assert_true (pm_policy_equal (made, packed));
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    g_assert_cmpint (pm_policy_contains_text (made, words[i]), ==, pm_policy_contains_text (packed, words[i]));
  written_made = pm_json_write_policy (made);
  assert_json_equal (written_made, written);

  rule = g_list_model_get_item (pm_policy_get_rules (made), 0);
  g_assert_cmpstr (pm_rule_get_id (rule), ==, "r1");
  g_assert_cmpstr (pm_rule_get_description (rule), ==, "web");
  g_assert_true (pm_rule_has_egress (rule));
  g_assert_cmpstr (pm_rule_get_egress_target (rule), ==, "192.168.131.0");
  g_assert_cmpint (pm_rule_get_egress_protocol (rule), ==, PM_EGRESS_PROTOCOL_TCP);
  g_assert_cmpuint (pm_rule_get_ports (rule)->len, ==, 2);
  g_assert_cmpuint (g_array_index (pm_rule_get_ports (rule), guint, 1), ==, 443);
  g_assert_true (json_object_get_boolean_member (pm_rule_get_extra (rule), "x_rule"));
  g_assert_cmpint (json_object_get_int_member (pm_rule_get_egress_extra (rule), "x_egress"), ==, 5);
  second = g_list_model_get_item (pm_policy_get_rules (made), 1);
  g_assert_cmpstr (pm_rule_get_source (second), ==, "10.0.0.0/8");
  g_assert_false (pm_rule_has_egress (second));
  g_assert_true (json_object_has_member (pm_rule_get_extra (second), "x"));

  /* Rules made from a shared pack are the copy's own. */
  edited = pm_policy_copy (packed);
  g_clear_object (&rule);
  rule = g_list_model_get_item (pm_policy_get_rules (edited), 1);
  pm_rule_set_source (rule, "192.0.2.0/24");
  g_assert_false (pm_policy_equal (packed, edited));
  g_assert_false (pm_policy_contains_text (edited, "10.0.0.0/8"));
  g_assert_true (pm_policy_contains_text (edited, "192.0.2.0/24"));
  g_assert_true (pm_policy_equal (packed, copy));
  g_assert_true (pm_policy_contains_text (packed, "10.0.0.0/8"));
  g_clear_object (&copy);
  copy = pm_policy_copy (edited);
  g_assert_true (pm_policy_equal (copy, edited));
  pm_policy_remove_rule (edited, 0);
  g_assert_cmpuint (pm_policy_get_n_rules (edited), ==, 1);
  g_assert_false (pm_policy_equal (copy, edited));
  g_assert_cmpuint (pm_policy_get_n_rules (copy), ==, 2);
}

/* The list readers that work from bytes, element by element, read what the
 * tree readers read and fail where they fail. */
/* A packed policy is searched where its rules are packed, without a
 * lowercased copy: the same answers as its rules made into PmRule objects,
 * letters in any case, ASCII or not. */
static void
test_packed_search (void)
{
  static const char *replies[] = {
    /* All ASCII: one pass over the pack. */
    "{\"id\":\"RS1\",\"name\":\"Office\",\"type\":\"ip\",\"region\":\"us-east-1\",\"rules\":["
    "{\"id\":\"R-ONE\",\"source\":\"10.0.0.0/8\",\"description\":\"Plain VPN\"},"
    "{\"id\":\"r2\",\"source\":\"vpce-0A1B2C\",\"description\":\"Aa\"}]}",
    /* Some strings not ASCII: they are lowercased as UTF-8, the rest not. */
    "{\"id\":\"RS2\",\"name\":\"B\u00dcRO Z\u00fcrich\",\"type\":\"ip\",\"region\":\"us-east-1\",\"rules\":["
    "{\"id\":\"R-ONE\",\"source\":\"10.0.0.0/8\",\"description\":\"STRA\u00dfE \u00c4RGER\"},"
    "{\"id\":\"r2\",\"source\":\"vpce-0A1B2C\",\"description\":\"\u00c9T\u00c9 Aa\"},"
    "{\"id\":\"r3\",\"source\":\"192.0.2.1\",\"description\":\"\u03a3\u039f\u03a6\u0399\u0391\"}]}",
  };
  static const struct { const char *word; gboolean in[2]; } cases[] = {
    { "r-one", { TRUE, TRUE } },
    { "10.0.0.0/8", { TRUE, TRUE } },
    { "plain vpn", { TRUE, FALSE } },
    { "vpce-0a1b2c", { TRUE, TRUE } },
    { "0a1b", { TRUE, TRUE } },
    { "aa", { TRUE, TRUE } },
    { "a", { TRUE, TRUE } },
    { "8", { TRUE, TRUE } },
    { "c", { TRUE, TRUE } },
    { "ccc", { FALSE, FALSE } },
    { "/8r", { FALSE, FALSE } },          /* across two strings */
    { "b\u00fcro z\u00fcrich", { FALSE, TRUE } },
    { "stra\u00dfe \u00e4rger", { FALSE, TRUE } },
    { "\u00e9t\u00e9", { FALSE, TRUE } },
    { "\u03c3\u03bf\u03c6", { FALSE, TRUE } },
    { "\u00e4", { FALSE, TRUE } },
    { "192.0.2.1", { FALSE, TRUE } },
    { "us-east", { TRUE, TRUE } },
    { "rs2", { FALSE, TRUE } },
    { "ip", { TRUE, TRUE } },
  };

  for (guint r = 0; r < G_N_ELEMENTS (replies); r++)
    {
      g_autoptr(JsonNode) reply = parse (replies[r]);
      g_autoptr(GError) error = NULL;
      g_autoptr(PmPolicy) packed = pm_json_read_policy (reply, PM_FLAVOUR_HOSTED, &error);
      g_autoptr(PmPolicy) made = pm_json_read_policy (reply, PM_FLAVOUR_HOSTED, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (pm_policy_get_rules (made)), >, 0);
      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          g_autofree char *word = g_utf8_strdown (cases[i].word, -1);

          if (pm_policy_contains_text (packed, word) != cases[i].in[r] ||
              pm_policy_contains_text (made, word) != cases[i].in[r])
            g_error ("reply %u, \"%s\": packed %d, made %d, expected %d", r, word,
                     pm_policy_contains_text (packed, word), pm_policy_contains_text (made, word), cases[i].in[r]);
        }
    }
}

static void
test_list_bytes (void)
{
  /* oddity: what the last policy read says is odd about it (lenient in). */
  static const struct { const char *text; PmFlavour flavour; guint n; const char *next; const char *problem; const char *oddity; guint left_out; } lists[] = {
    { "{\"rulesets\":[]}", PM_FLAVOUR_HOSTED, 0, NULL, NULL },
    { "{\"x\":[[1],{\"rules\":[]}],\"rulesets\":[{\"id\":\"a\",\"name\":\"A\",\"type\":\"ip\",\"region\":\"r\","
      "\"rules\":[{\"source\":\"1.2.3.4\"}]}],\"y\":[{\"id\":1}]}", PM_FLAVOUR_HOSTED, 1, NULL, NULL },
    { "{\"items\":[{\"id\":\"a\",\"name\":\"A\",\"type\":\"ip\",\"region\":\"r\",\"rules\":[]},"
      "{\"id\":\"b\",\"name\":\"B\",\"type\":\"vpce\",\"region\":\"r\"}],\"next_page\":\"n2\"}", PM_FLAVOUR_SERVERLESS, 2, "n2", NULL },
    { "{\"rulesets\":[{\"id\":\"a\",\"name\":\"A\",\"type\":\"ip\",\"region\":\"r\"},{\"id\":\"b\"}]}",
      PM_FLAVOUR_HOSTED, 2, NULL, NULL, "It has no name" },
    { "{\"rulesets\":[{\"id\":\"a\",\"name\":\"A\",\"type\":\"ip\",\"region\":\"r\",\"rules\":[{\"source\":5}]}]}",
      PM_FLAVOUR_HOSTED, 1, NULL, NULL, "Rule 1: “source” is a number (5), not text; Perimeter keeps this rule as it is" },
    /* Without an id, nothing can refer to a policy: it is left out. */
    { "{\"rulesets\":[{\"name\":\"A\",\"type\":\"ip\",\"region\":\"r\"},{\"id\":\"\"},7,"
      "{\"id\":\"c\",\"name\":\"C\",\"type\":\"ip\",\"region\":\"r\"}]}", PM_FLAVOUR_HOSTED, 1, NULL, NULL, NULL, 3 },
    { "{\"rulesets\":5}", PM_FLAVOUR_HOSTED, 0, NULL, "rulesets" },
    { "{\"other\":[]}", PM_FLAVOUR_HOSTED, 0, NULL, "rulesets" },
    { "[{\"id\":\"a\",\"name\":\"A\",\"type\":\"ip\",\"region\":\"r\"}]", PM_FLAVOUR_HOSTED, 0, NULL, "TrafficFilterRulesets" },
    { "{\"items\":[],\"next_page\":7}", PM_FLAVOUR_SERVERLESS, 0, NULL, "next_page" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (lists[i].text, strlen (lists[i].text));
      g_autoptr(JsonNode) node = parse (lists[i].text);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) tree_error = NULL;
      g_autofree char *next = NULL;
      g_autofree char *tree_next = NULL;
      g_autoptr(GPtrArray) list = NULL;
      g_autoptr(GPtrArray) tree_list = NULL;
      guint left_out;

      pm_json_take_left_out ();
      list = pm_json_read_policy_list_bytes (bytes, lists[i].flavour, &next, &error);
      left_out = pm_json_take_left_out ();
      tree_list = pm_json_read_policy_list (node, lists[i].flavour, &tree_next, &tree_error);
      /* Both readers leave out the same, and count it. */
      g_assert_cmpuint (pm_json_take_left_out (), ==, left_out);
      g_assert_cmpuint (left_out, ==, lists[i].left_out);

      g_test_message ("list %u: %s", i, lists[i].text);
      if (lists[i].problem != NULL)
        {
          g_assert_null (list);
          g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
          g_assert_nonnull (strstr (error->message, lists[i].problem));
          g_assert_error (tree_error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
          g_assert_cmpstr (error->message, ==, tree_error->message);
          continue;
        }
      g_assert_no_error (error);
      g_assert_no_error (tree_error);
      g_assert_cmpuint (list->len, ==, lists[i].n);
      g_assert_cmpuint (tree_list->len, ==, lists[i].n);
      g_assert_cmpstr (next, ==, lists[i].next);
      for (guint k = 0; k < list->len; k++)
        g_assert_true (pm_policy_equal (list->pdata[k], tree_list->pdata[k]));
      if (lists[i].oddity != NULL)
        {
          const char * const *oddities = pm_policy_get_oddities (list->pdata[list->len - 1]);

          g_assert_nonnull (oddities);
          g_assert_cmpstr (oddities[0], ==, lists[i].oddity);
        }
      else if (list->len > 0)
        g_assert_null (pm_policy_get_oddities (list->pdata[list->len - 1]));
    }

  /* Bytes that are not JSON are a parse error, not a shape error. */
  {
    g_autoptr(GBytes) cut = g_bytes_new_static ("{\"rulesets\":[{\"id\":\"a\"", 22);
    g_autoptr(GError) error = NULL;

    g_assert_null (pm_json_read_policy_list_bytes (cut, PM_FLAVOUR_HOSTED, NULL, &error));
    g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE);
    g_clear_error (&error);
    g_assert_null (pm_json_read_deployments_bytes (cut, &error));
    g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE);
    g_clear_error (&error);
    g_assert_null (pm_json_read_project_list_bytes (cut, NULL, &error));
    g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE);
  }

  /* Deployments: a root object or a root array; projects: a page. */
  {
    static const char deployments[] = "{\"deployments\":[{\"id\":\"d1\",\"name\":\"One\",\"resources\":[{\"kind\":\"elasticsearch\",\"region\":\"us-east-1\"}]},{\"id\":\"d2\",\"name\":\"Two\"}]}";
    static const char root_array[] = "[{\"id\":\"d1\",\"name\":\"One\"}]";
    static const char bad[] = "{\"deployments\":[{\"id\":\"d1\",\"name\":3}]}";
    static const char projects[] = "{\"items\":[{\"id\":\"p\",\"name\":\"n\",\"type\":\"security\",\"region_id\":\"aws-us-east-1\","
                                   "\"traffic_filters\":[{\"id\":\"f1\"}]}],\"next_page\":\"x\"}";
    g_autoptr(GBytes) b1 = g_bytes_new_static (deployments, strlen (deployments));
    g_autoptr(GBytes) b2 = g_bytes_new_static (root_array, strlen (root_array));
    g_autoptr(GBytes) b3 = g_bytes_new_static (bad, strlen (bad));
    g_autoptr(GBytes) b4 = g_bytes_new_static (projects, strlen (projects));
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autofree char *next = NULL;

    list = pm_json_read_deployments_bytes (b1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 2);
    g_assert_cmpstr (pm_entity_get_region (list->pdata[0]), ==, "us-east-1");
    g_clear_pointer (&list, g_ptr_array_unref);
    list = pm_json_read_deployments_bytes (b2, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1);
    g_clear_pointer (&list, g_ptr_array_unref);
    /* A name that is not text is shown as it came, and said. */
    list = pm_json_read_deployments_bytes (b3, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpstr (pm_entity_get_name (list->pdata[0]), ==, "3");
    g_assert_cmpstr (pm_entity_get_oddity (list->pdata[0]), ==, "Its name is a number, not text");
    g_clear_pointer (&list, g_ptr_array_unref);
    list = pm_json_read_project_list_bytes (b4, &next, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpstr (next, ==, "x");
    g_assert_cmpstr (pm_entity_get_policy_ids (list->pdata[0])[0], ==, "f1");
  }
}

static void
test_serverless_shapes (void)
{
  g_autoptr(JsonNode) reply = parse (
    "{\"id\":\"0123456789abcdef0123456789abcdef\",\"name\":\"Azure\",\"type\":\"private_endpoint\","
    "\"include_by_default\":false,\"region\":\"azure-eastus2\",\"x_new\":[true],"
    "\"rules\":[{\"azure_endpoint_name\":\"azure-demo\",\"azure_endpoint_guid\":\"7c0f05e4-e32b-4b10-a246-7b77f7dcc63c\","
    "\"id\":\"not-in-the-schema\",\"egress_rule\":{\"odd\":1}}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) policy = pm_json_read_policy (reply, PM_FLAVOUR_SERVERLESS, &error);
  g_autoptr(PmRule) rule = NULL;
  g_autoptr(JsonNode) create = NULL;
  g_autoptr(JsonNode) patch = NULL;
  JsonObject *object;
  JsonObject *rule_object;

  g_assert_no_error (error);
  g_assert_cmpint (pm_policy_get_policy_type (policy), ==, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT);
  g_assert_cmpstr (pm_policy_get_type_string (policy), ==, "private_endpoint");
  g_assert_false (pm_policy_has_associations_info (policy));
  rule = g_list_model_get_item (pm_policy_get_rules (policy), 0);
  /* The Serverless rule has no id or egress: they are unknown members there. */
  g_assert_null (pm_rule_get_id (rule));
  g_assert_false (pm_rule_has_egress (rule));
  g_assert_true (json_object_has_member (pm_rule_get_extra (rule), "id"));

  create = pm_json_write_policy_request (policy);
  object = json_node_get_object (create);
  g_assert_false (json_object_has_member (object, "id"));
  g_assert_true (json_object_has_member (object, "x_new"));
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "private_endpoint");
  rule_object = json_array_get_object_element (json_object_get_array_member (object, "rules"), 0);
  g_assert_cmpstr (json_object_get_string_member (rule_object, "id"), ==, "not-in-the-schema");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (rule_object, "egress_rule"), "odd"), ==, 1);
  json_object_set_string_member (object, "id", "0123456789abcdef0123456789abcdef");
  assert_json_equal (create, reply);

  patch = pm_json_write_policy_patch (policy);
  object = json_node_get_object (patch);
  g_assert_cmpuint (json_object_get_size (object), ==, 3);  /* no description set */
  g_assert_true (json_object_has_member (object, "name"));
  g_assert_true (json_object_has_member (object, "include_by_default"));
  g_assert_true (json_object_has_member (object, "rules"));
}

static void
test_unknown_type_kept (void)
{
  g_autoptr(JsonNode) reply = parse ("{\"id\":\"x\",\"name\":\"n\",\"type\":\"quantum_link\","
                                     "\"include_by_default\":false,\"region\":\"r\",\"rules\":[{\"source\":\"s\",\"weird\":1}]}");
  g_autoptr(PmPolicy) policy = pm_json_read_policy (reply, PM_FLAVOUR_HOSTED, NULL);
  g_autoptr(JsonNode) written = NULL;

  g_assert_nonnull (policy);
  g_assert_cmpint (pm_policy_get_policy_type (policy), ==, PM_POLICY_TYPE_UNKNOWN);
  g_assert_cmpstr (pm_policy_get_type_string (policy), ==, "quantum_link");
  written = pm_json_write_policy (policy);
  assert_json_equal (written, reply);
}

/* ---- bad input ------------------------------------------------------------ */

static void
test_parse_errors (void)
{
  static const struct {
    const char *text;
    gssize      length;
    const char *word;
  } rows[] = {
    { "", 0, "empty" },
    { "   \n\t", -1, "empty" },
    { "{", -1, "JSON" },
    { "{\"name\":", -1, "JSON" },
    { "{\"name\":\"abc", -1, "JSON" },
    { "[1,2,", -1, "JSON" },
    { "not json", -1, "JSON" },
    { "nul", -1, "JSON" },
    { "{\"a\":1}{", -1, "JSON" },
    { "{\"a\":1,}", -1, "JSON" },
    { "{\"a\":\"\xff\xfe\"}", -1, "UTF-8" },
    { "{\"a\":\"\xc3\"}", -1, "UTF-8" },
    { "{\"a\":\"x\0y\"}", 10, "UTF-8" },
    { "<html><body>502 Bad Gateway</body></html>", -1, "JSON" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gsize length = rows[i].length < 0 ? strlen (rows[i].text) : (gsize) rows[i].length;
      g_autoptr(GBytes) bytes = g_bytes_new (rows[i].text, length);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = pm_json_parse_bytes (bytes, &error);

      g_test_message ("parse row %u", i);
      g_assert_null (node);
      g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, rows[i].word));
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (pm_json_parse_bytes (NULL, &error));
    g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE);
  }
}

static void
test_deep_nesting (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 200000; i++)
    g_string_append_c (text, '[');
  bytes = g_bytes_new (text->str, text->len);
  g_assert_null (pm_json_parse_bytes (bytes, &error));
  g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "nested"));
}

/* A reply is one JSON value: json-glib reads a document of several its
 * own way (1.6 keeps the first, 1.10 makes them an array), so Perimeter
 * refuses one, with the tree reader and the list reader alike (found by
 * fuzz-json on Debian 13). One value with space around it passes. */
static void
test_one_value (void)
{
  static const char * const several[] = {
    "{\"deployments\":[]}[[]]", "{\"a\":1} {\"b\":2}", "[] []", "1 2", "\"x\"\"y\"", "1[2]", "{}x",
    "{\"id\": \"\033ziy\", \"r\":\"ap-norst\", \"d\": \"a6\"}[[]]",
  };
  static const char * const one[] = {
    " {\"deployments\":[]}\n", "[1, 2]", "\t\"a b\"\r\n", "-1.5e3", "true", "{\"s\":\"}{\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (several); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (several[i], strlen (several[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) list_error = NULL;
      g_autoptr(GPtrArray) deployments = NULL;

      g_assert_null (pm_json_parse_bytes (bytes, &error));
      g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, "more than one JSON value"));
      deployments = pm_json_read_deployments_bytes (bytes, &list_error);
      g_assert_null (deployments);
      g_assert_error (list_error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (one); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (one[i], strlen (one[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = pm_json_parse_bytes (bytes, &error);

      g_assert_no_error (error);
      g_assert_nonnull (node);
    }
}

static void
test_huge_string (void)
{
  g_autoptr(GString) text = g_string_new ("{\"id\":\"x\",\"type\":\"ip\",\"region\":\"us-east-1\",\"name\":\"");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(PmPolicy) policy = NULL;
  g_autoptr(GPtrArray) issues = NULL;

  for (guint i = 0; i < 4 * 1024 * 1024; i++)
    g_string_append_c (text, 'a' + i % 26);
  g_string_append (text, "\",\"rules\":[]}");
  bytes = g_bytes_new (text->str, text->len);
  node = pm_json_parse_bytes (bytes, &error);
  g_assert_no_error (error);
  policy = pm_json_read_policy (node, PM_FLAVOUR_HOSTED, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (pm_policy_get_name (policy)), ==, 4 * 1024 * 1024);
  g_assert_true (pm_policy_contains_text (policy, "xyzab"));
  g_assert_false (pm_policy_contains_text (policy, "abd"));
  issues = pm_validate_policy (policy, NULL);
  g_assert_cmpuint (issues->len, ==, 1);
}

/* Each row: a policy of odd shape. A request (what Perimeter was sent, as
 * the sandbox reads it) is refused, naming the field; a reply (what a server
 * sent Perimeter) is read as far as it goes, says what is odd, and is
 * written back as it came, unless it has no id to be known by (left out,
 * PM_JSON_ERROR_NO_ID). */
typedef struct {
  const char *json;
  const char *field;     /* named in the request's error */
  const char *oddity;    /* the reply's first oddity; NULL: left out */
  gboolean    same;      /* a request made of the reply is the reply, less what requests lack */
} ShapeRow;

static const ShapeRow policy_shape_rows[] = {
  { "[]", "policy", NULL, FALSE },
  { "\"text\"", "policy", NULL, FALSE },
  { "null", "policy", NULL, FALSE },
  { "{}", "name", NULL, FALSE },
  { "{\"id\":5,\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\"}", "id", NULL, FALSE },
  { "{\"id\":\"i\",\"type\":\"ip\",\"region\":\"r\"}", "name", "It has no name", FALSE },
  { "{\"id\":\"i\",\"name\":null,\"type\":\"ip\",\"region\":\"r\"}", "name", "Its name is null; Perimeter keeps it as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"region\":\"r\"}", "type", "It has no type", FALSE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":[\"ip\"],\"region\":\"r\"}", "type",
    "Its type is a list ([\"ip\"]), not text; Perimeter keeps it as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\"}", "region", "It has no region", FALSE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"description\":{}}", "description",
    "Its description is an object ({}), not text; Perimeter keeps it as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"include_by_default\":\"yes\"}", "include_by_default",
    "“include_by_default” is “yes”, not true or false; Perimeter keeps it as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"rules\":\"x\"}", "rules",
    "Its rules are text, not a list; Perimeter keeps them as they are", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"rules\":[5]}", "rules[0]",
    "Rule 1 is a number, not an object; Perimeter keeps the rules as they are", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"rules\":[{},{\"source\":7}]}", "rules[1].source",
    "Rule 2: “source” is a number (7), not text; Perimeter keeps this rule as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"rules\":[{\"azure_endpoint_guid\":true}]}", "rules[0].azure_endpoint_guid",
    "Rule 1: “azure_endpoint_guid” is true or false (true), not text; Perimeter keeps this rule as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"rules\":[{\"egress_rule\":[]}]}", "rules[0].egress_rule",
    "Rule 1: “egress_rule” is a list, not an object; Perimeter keeps this rule as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"rules\":[{\"egress_rule\":{\"protocol\":\"all\"}}]}", "rules[0].egress_rule.target",
    "Rule 1: “egress_rule” has no target; Perimeter keeps this rule as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"rules\":[{\"egress_rule\":{\"target\":\"t\",\"protocol\":\"icmp\"}}]}", "rules[0].egress_rule.protocol",
    "Rule 1: Protocol “icmp” is not all, tcp or udp; Perimeter keeps this rule as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"rules\":[{\"egress_rule\":{\"target\":\"t\",\"ports\":[\"80\"]}}]}", "rules[0].egress_rule.ports[0]",
    "Rule 1: Port “80” is not a whole number; Perimeter keeps this rule as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"rules\":[{\"egress_rule\":{\"target\":\"t\",\"ports\":[80,70000]}}]}", "rules[0].egress_rule.ports[1]",
    "Rule 1: Port 70000 is outside 1–65535; Perimeter keeps this rule as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"egress_firewall\",\"region\":\"r\",\"rules\":[{\"egress_rule\":{\"target\":\"t\",\"ports\":[0],\"protocol\":\"tcp\"}}]}", NULL,
    "Rule 1: Port 0 is outside 1–65535; Perimeter keeps this rule as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"rules\":[{\"egress_rule\":{\"target\":\"t\",\"ports\":[1.5]}}]}", "rules[0].egress_rule.ports[0]",
    "Rule 1: Port 1.5 is not a whole number; Perimeter keeps this rule as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"rules\":[{\"source\":\"1.2.3.4\",\"description\":null}]}", NULL,
    "Rule 1: “description” is null; Perimeter keeps this rule as it is", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"associations\":{}}", "associations",
    "Its associations are an object, not a list; Perimeter does not show them", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"associations\":[{\"id\":\"d\"}]}", "associations[0].entity_type",
    "Association 1 is left out: Field “associations[0].entity_type” is missing", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"total_associations\":\"3\"}", "total_associations",
    "Its total of associations, “3”, is not a count; Perimeter counts the ones it sees", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"r\",\"total_associations\":-1}", "total_associations",
    "Its total of associations, -1, is not a count; Perimeter counts the ones it sees", TRUE },
  { "{\"id\":\"i\",\"name\":\"n\",\"type\":\"string\",\"region\":\"r\"}", NULL,
    "Its type “string” is not one Perimeter knows; Perimeter shows it but cannot edit it", TRUE },
};

static void
test_policy_shapes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (policy_shape_rows); i++)
    {
      const ShapeRow *row = &policy_shape_rows[i];
      g_autoptr(JsonNode) node = parse (row->json);
      g_autoptr(GError) error = NULL;
      g_autoptr(PmPolicy) policy = pm_json_read_policy (node, PM_FLAVOUR_HOSTED, &error);
      const char * const *oddities;

      g_test_message ("shape row %u: %s", i, row->json);
      if (row->field != NULL)
        {
          g_autoptr(GError) request_error = NULL;
          g_autoptr(PmPolicy) request = pm_json_read_policy_request (node, PM_FLAVOUR_HOSTED, &request_error);
          g_autofree char *quoted = g_strdup_printf ("“%s”", row->field);

          g_assert_null (request);
          g_assert_error (request_error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
          g_assert_nonnull (strstr (request_error->message, quoted));
        }
      if (row->oddity == NULL)
        {
          g_assert_null (policy);
          g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_NO_ID);
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (policy);
      oddities = pm_policy_get_oddities (policy);
      g_assert_nonnull (oddities);
      g_assert_cmpstr (oddities[0], ==, row->oddity);
      if (row->same)
        {
          /* Written back as it came: what a request carries of it. */
          g_autoptr(JsonNode) request = pm_json_write_policy_request (policy);
          g_autoptr(JsonNode) expected = json_node_copy (node);
          JsonObject *object = json_node_get_object (expected);
          JsonObject *written = json_node_get_object (request);

          json_object_remove_member (object, "id");
          json_object_remove_member (object, "associations");
          json_object_remove_member (object, "total_associations");
          /* What the reply left out, the writer fills in as it would for any policy. */
          if (!json_object_has_member (object, "include_by_default"))
            json_object_remove_member (written, "include_by_default");
          if (!json_object_has_member (object, "rules"))
            json_object_remove_member (written, "rules");
          if (!json_node_equal (request, expected))
            {
              g_autofree char *got = pm_json_to_string (request, FALSE);

              g_error ("row %u written back as %s", i, got);
            }
        }
    }
}

/* A reply with odd values, read, copied, written and read again: what it
 * holds survives, and the writer gives the same bytes both times. */
/* Members the model does not know are written back in the order they
 * came, however many round trips they make (found by fuzz-json: the
 * extras were walked in hash order). */
static void
test_extras_keep_their_order (void)
{
  static const char reply[] =
    "{\"id\":\"x\",\"name\":\"\",\"type\":\"\",\"include_by_default\":false,\"region\":\"\",\"rules\":[],"
    "\"des`ription\":\"\",\"typz\":\"d<<<<<<<<<BBBBBBBBB-\",\"a\":1,\"zz\":2,\"m\":3,\"b\":4}";
  static const char * const order[] = { "des`ription", "typz", "a", "zz", "m", "b" };
  g_autoptr(JsonNode) node = parse (reply);
  g_autoptr(PmPolicy) policy = pm_json_read_policy (node, PM_FLAVOUR_HOSTED, NULL);
  g_autofree char *first_text = NULL;

  g_assert_nonnull (policy);
  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(JsonNode) written = pm_json_write_policy_request (policy);
      g_autofree char *text = pm_json_to_string (written, FALSE);
      g_autoptr(JsonNode) again_node = json_node_copy (written);
      const char *at = text;

      for (guint i = 0; i < G_N_ELEMENTS (order); i++)
        {
          g_autofree char *key = g_strdup_printf ("\"%s\":", order[i]);
          const char *found = strstr (at, key);

          g_assert_nonnull (found);
          at = found;
        }
      if (first_text == NULL)
        first_text = g_strdup (text);
      else
        g_assert_cmpstr (text, ==, first_text);

      json_object_set_string_member (json_node_get_object (again_node), "id", "x");
      g_clear_object (&policy);
      policy = pm_json_read_policy (again_node, PM_FLAVOUR_HOSTED, NULL);
      g_assert_nonnull (policy);
    }
}

static void
test_odd_round_trip (void)
{
  static const char reply[] =
    "{\"id\":\"i\",\"name\":42,\"type\":\"egress_firewall\",\"region\":\"us-east-1\",\"include_by_default\":null,"
    "\"rules\":[{\"id\":\"r1\",\"egress_rule\":{\"ports\":[-2147483648],\"protocol\":\"all\",\"target\":\"0.0.0.0/0\"},"
    "\"remote_cluster_id\":\"x\"},{\"id\":\"r2\",\"egress_rule\":{\"target\":\"10.0.0.0/8\",\"protocol\":\"tcp\",\"ports\":[443]}}]}";
  g_autoptr(JsonNode) node = parse (reply);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) policy = pm_json_read_policy (node, PM_FLAVOUR_HOSTED, &error);
  g_autoptr(PmPolicy) copy = NULL;
  g_autoptr(PmRule) kept = NULL;
  g_autoptr(PmRule) plain = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) again_node = NULL;
  g_autoptr(PmPolicy) again = NULL;
  g_autoptr(JsonNode) second = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;
  g_autofree char *rule_text = NULL;
  g_autofree char *oddity = NULL;
  JsonObject *rule_object;

  g_assert_no_error (error);
  g_assert_cmpstr (pm_policy_get_name (policy), ==, "42");
  g_assert_cmpuint (g_strv_length ((GStrv) pm_policy_get_oddities (policy)), ==, 3);
  g_assert_cmpstr (pm_policy_get_oddities (policy)[2], ==,
                   "Rule 1: Port -2147483648 is outside 1–65535; Perimeter keeps this rule as it is");

  /* The kept rule says why; the other is plain. */
  kept = g_list_model_get_item (pm_policy_get_rules (policy), 0);
  plain = g_list_model_get_item (pm_policy_get_rules (policy), 1);
  g_assert_true (pm_rule_get_kept (kept));
  g_assert_false (pm_rule_get_kept (plain));
  oddity = pm_json_dup_rule_oddity (kept, PM_POLICY_TYPE_EGRESS_FIREWALL, PM_FLAVOUR_HOSTED);
  g_assert_cmpstr (oddity, ==, "Port -2147483648 is outside 1–65535; Perimeter keeps this rule as it is");
  g_assert_null (pm_json_dup_rule_oddity (plain, PM_POLICY_TYPE_EGRESS_FIREWALL, PM_FLAVOUR_HOSTED));
  g_assert_cmpstr (pm_rule_get_egress_target (kept), ==, "0.0.0.0/0");

  /* Untouched, it goes back as it came, member order and all. */
  copy = pm_policy_copy (policy);
  g_assert_true (pm_policy_equal (policy, copy));
  first = pm_json_write_policy_request (copy);
  first_text = pm_json_to_string (first, FALSE);
  rule_object = json_array_get_object_element (json_object_get_array_member (json_node_get_object (first), "rules"), 0);
  {
    g_autoptr(JsonNode) rule_node = json_node_init_object (json_node_alloc (), rule_object);

    rule_text = pm_json_to_string (rule_node, FALSE);
  }
  g_assert_cmpstr (rule_text, ==, "{\"id\":\"r1\",\"egress_rule\":{\"ports\":[-2147483648],\"protocol\":\"all\","
                                  "\"target\":\"0.0.0.0/0\"},\"remote_cluster_id\":\"x\"}");
  g_assert_true (JSON_NODE_HOLDS_VALUE (json_object_get_member (json_node_get_object (first), "name")));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (first), "name"), ==, 42);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_node_get_object (first), "include_by_default")));

  again_node = json_node_copy (first);
  json_object_set_string_member (json_node_get_object (again_node), "id", "i");
  again = pm_json_read_policy (again_node, PM_FLAVOUR_HOSTED, &error);
  g_assert_no_error (error);
  second = pm_json_write_policy_request (again);
  second_text = pm_json_to_string (second, FALSE);
  g_assert_cmpstr (first_text, ==, second_text);

  /* Changed, it is the user's: written from its fields, and validated. */
  pm_rule_set_ports (kept, (const guint[]) { 8443 }, 1);
  g_assert_false (pm_rule_get_kept (kept));
  pm_policy_set_name (copy, "Egress");
  {
    g_autoptr(PmRule) edited = g_list_model_get_item (pm_policy_get_rules (copy), 0);
    g_autoptr(JsonNode) written = NULL;
    JsonObject *object;

    pm_rule_set_ports (edited, (const guint[]) { 8443 }, 1);
    written = pm_json_write_policy_request (copy);
    object = json_node_get_object (written);
    g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Egress");
    rule_object = json_array_get_object_element (json_object_get_array_member (object, "rules"), 0);
    g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (json_object_get_object_member (rule_object, "egress_rule"), "ports"), 0), ==, 8443);
    g_assert_cmpstr (json_object_get_string_member (rule_object, "remote_cluster_id"), ==, "x");
    /* include_by_default, left alone, still goes back as it came. */
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (object, "include_by_default")));
  }
}

/* A rule that reads but holds what its type does not take is kept as it
 * is by the editor: validation leaves it, the writer sends it unchanged. */
static void
test_keep_rule_as_is (void)
{
  g_autoptr(JsonNode) node = parse ("{\"id\":\"i\",\"name\":\"n\",\"type\":\"ip\",\"region\":\"us-east-1\","
                                    "\"rules\":[{\"source\":\"string\",\"description\":\"d\"}]}");
  g_autoptr(PmPolicy) policy = pm_json_read_policy (node, PM_FLAVOUR_HOSTED, NULL);
  g_autoptr(PmRule) rule = g_list_model_get_item (pm_policy_get_rules (policy), 0);
  g_autoptr(GPtrArray) before = pm_validate_policy (policy, NULL);
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *oddity = NULL;

  g_assert_null (pm_policy_get_oddities (policy));
  g_assert_cmpuint (before->len, ==, 1);
  pm_json_keep_rule_as_is (rule, PM_POLICY_TYPE_IP, PM_FLAVOUR_HOSTED);
  g_assert_true (pm_rule_get_kept (rule));
  after = pm_validate_policy (policy, NULL);
  g_assert_cmpuint (after->len, ==, 0);
  oddity = pm_json_dup_rule_oddity (rule, PM_POLICY_TYPE_IP, PM_FLAVOUR_HOSTED);
  g_assert_nonnull (strstr (oddity, "string"));
  g_assert_true (g_str_has_suffix (oddity, "; Perimeter keeps this rule as it is"));
  pm_rule_set_source (rule, "strin");
  g_assert_false (pm_rule_get_kept (rule));
  g_clear_pointer (&after, g_ptr_array_unref);
  after = pm_validate_policy (policy, NULL);
  g_assert_cmpuint (after->len, ==, 1);
}

static void
test_policy_defaults (void)
{
  g_autoptr(JsonNode) node = parse ("{\"id\":\"i\",\"name\":\"n\",\"type\":\"vpce\",\"region\":\"us-east-1\","
                                    "\"description\":null,\"rules\":null}");
  g_autoptr(GError) error = NULL;
  g_autoptr(PmPolicy) policy = pm_json_read_policy (node, PM_FLAVOUR_HOSTED, &error);

  g_assert_no_error (error);
  g_assert_null (pm_policy_get_description (policy));
  g_assert_false (pm_policy_get_include_by_default (policy));
  g_assert_cmpuint (pm_policy_get_n_rules (policy), ==, 0);
  g_assert_cmpint (pm_policy_get_n_associations (policy), ==, -1);
  g_assert_false (pm_policy_has_associations_info (policy));
}

/* Every reader, fed nodes of every wrong kind: an error, never a crash. */
static void
test_every_reader_rejects_garbage (void)
{
  static const char * const garbage[] = {
    "null", "0", "-1.5e300", "true", "\"s\"", "[]", "[{}]", "{}",
    "{\"rulesets\":5}", "{\"items\":{}}", "{\"deployments\":[7]}", "{\"claimed_link_ids\":[{}]}",
    "{\"regions\":[{\"region\":1}]}", "{\"associations\":[null]}", "{\"traffic_filters\":[{\"id\":1}]}",
    "{\"items\":[{\"id\":\"p\",\"name\":\"n\",\"type\":\"security\",\"region_id\":\"aws-us-east-1\",\"traffic_filters\":[\"x\"]}]}",
    "{\"regions\":\"all\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr(JsonNode) node = parse (garbage[i]);

      g_test_message ("garbage %u: %s", i, garbage[i]);
      for (PmFlavour flavour = PM_FLAVOUR_HOSTED; flavour <= PM_FLAVOUR_SERVERLESS; flavour++)
        {
          g_autoptr(GError) e1 = NULL, e2 = NULL;
          g_autoptr(PmPolicy) policy = pm_json_read_policy (node, flavour, &e1);
          g_autofree char *next = NULL;
          g_autoptr(GPtrArray) list = pm_json_read_policy_list (node, flavour, &next, &e2);

          g_assert_null (policy);
          g_assert_true (g_error_matches (e1, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE) ||
                         g_error_matches (e1, PM_JSON_ERROR, PM_JSON_ERROR_NO_ID));
          g_assert_null (next);
          /* A list of the right shape is read, its odd policies marked. */
          if (list == NULL)
            g_assert_error (e2, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
          for (guint k = 0; list != NULL && k < list->len; k++)
            g_assert_nonnull (pm_policy_get_oddities (list->pdata[k]));

          {
            g_autoptr(GBytes) bytes = g_bytes_new_static (garbage[i], strlen (garbage[i]));
            g_autoptr(GError) e3 = NULL;
            g_autofree char *next3 = NULL;
            g_autoptr(GPtrArray) list3 = pm_json_read_policy_list_bytes (bytes, flavour, &next3, &e3);

            g_assert_true ((list3 == NULL) == (list == NULL));
            g_assert_null (next3);
            if (list3 == NULL)
              g_assert_error (e3, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
            else
              g_assert_cmpuint (list3->len, ==, list->len);
          }
        }
      {
        g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL, e6 = NULL, e7 = NULL, e8 = NULL;
        g_autoptr(PmRule) rule = pm_json_read_rule (node, &e1);
        int total = 0;
        g_autoptr(GPtrArray) associations = pm_json_read_associations (node, &total, &e2);
        g_autoptr(GPtrArray) deployments = pm_json_read_deployments (node, &e3);
        g_autoptr(PmEntity) project = pm_json_read_project (node, &e4);
        g_autofree char *next = NULL;
        g_autoptr(GPtrArray) projects = pm_json_read_project_list (node, &next, &e5);
        g_autoptr(GPtrArray) claims = pm_json_read_claims (node, &e6);
        g_autoptr(GPtrArray) metadata = pm_json_read_metadata (node, &e7);
        g_autoptr(PmLinkClaim) claim = pm_json_read_claim (node, &e8);
        g_autofree char *code = NULL, *message = NULL;
        g_auto(GStrv) fields = NULL;

        /* Some garbage is a valid (empty) rule or list for some readers. */
        if (rule == NULL)
          g_assert_error (e1, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
        if (associations == NULL)
          g_assert_error (e2, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
        if (deployments == NULL)
          g_assert_error (e3, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
        {
          g_autoptr(GBytes) bytes = g_bytes_new_static (garbage[i], strlen (garbage[i]));
          g_autoptr(GError) e9 = NULL, e10 = NULL;
          g_autofree char *next10 = NULL;
          g_autoptr(GPtrArray) deployments9 = pm_json_read_deployments_bytes (bytes, &e9);
          g_autoptr(GPtrArray) projects10 = pm_json_read_project_list_bytes (bytes, &next10, &e10);

          /* Both readers of a list agree. */
          g_assert_true ((deployments9 == NULL) == (deployments == NULL));
          if (deployments9 == NULL)
            g_assert_error (e9, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
          else
            g_assert_cmpuint (deployments9->len, ==, deployments->len);
          g_assert_true ((projects10 == NULL) == (projects == NULL));
          if (projects10 == NULL)
            g_assert_error (e10, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
          else
            g_assert_cmpuint (projects10->len, ==, projects->len);
        }
        /* Lenient in: a project whose policy list is odd is read and says so. */
        if (projects != NULL && projects->len > 0)
          g_assert_nonnull (pm_entity_get_oddity (projects->pdata[0]));
        else if (projects == NULL)
          g_assert_error (e5, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
        g_assert_null (project);
        g_assert_true (g_error_matches (e4, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE) ||
                       g_error_matches (e4, PM_JSON_ERROR, PM_JSON_ERROR_NO_ID));
        /* A claim with no link id is left out of a list. */
        if (claims == NULL)
          g_assert_error (e6, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
        else
          g_assert_cmpuint (claims->len, ==, 0);
        if (metadata == NULL)
          g_assert_error (e7, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
        g_assert_null (claim);
        g_assert_error (e8, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
        g_assert_false (pm_json_read_error_body (node, &code, &message, &fields));
        g_assert_null (code);
      }
    }
}

/* ---- each reader's good path --------------------------------------------- */

static void
test_policy_lists (void)
{
  g_autofree char *hosted_text = g_strdup_printf ("{\"rulesets\":[%s,%s]}", hosted_reply, hosted_reply);
  g_autoptr(JsonNode) hosted = parse (hosted_text);
  g_autoptr(JsonNode) serverless = parse (
    "{\"items\":[{\"id\":\"a\",\"name\":\"A\",\"type\":\"ip\",\"region\":\"aws-us-east-1\",\"include_by_default\":true,\"rules\":[]}],"
    "\"next_page\":\"YyMzY1MDQ=\"}");
  g_autoptr(JsonNode) last = parse ("{\"items\":[],\"next_page\":null}");
  g_autoptr(JsonNode) bad = parse ("{\"rulesets\":[{\"id\":\"a\",\"name\":\"A\",\"type\":\"ip\",\"region\":\"r\"},{\"id\":\"b\"}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *next = NULL;

  list = pm_json_read_policy_list (hosted, PM_FLAVOUR_HOSTED, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_null (next);
  g_clear_pointer (&list, g_ptr_array_unref);

  list = pm_json_read_policy_list (serverless, PM_FLAVOUR_SERVERLESS, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (next, ==, "YyMzY1MDQ=");
  g_assert_true (pm_policy_get_include_by_default (g_ptr_array_index (list, 0)));
  g_clear_pointer (&list, g_ptr_array_unref);
  g_clear_pointer (&next, g_free);

  list = pm_json_read_policy_list (last, PM_FLAVOUR_SERVERLESS, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_null (next);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* One odd policy does not hide the others. */
  list = pm_json_read_policy_list (bad, PM_FLAVOUR_HOSTED, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_null (pm_policy_get_oddities (list->pdata[0]));
  g_assert_cmpstr (pm_policy_get_oddities (list->pdata[1])[0], ==, "It has no name");
}

static void
test_associations (void)
{
  g_autoptr(JsonNode) node = parse ("{\"associations\":[{\"entity_type\":\"deployment\",\"id\":\"d1\"},"
                                    "{\"entity_type\":\"cluster\",\"id\":\"c1\"}],\"total_associations\":5}");
  g_autoptr(JsonNode) no_total = parse ("{\"associations\":[]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonNode) written = NULL;
  int total = 0;

  list = pm_json_read_associations (node, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (total, ==, 5);
  g_assert_cmpstr (pm_association_get_entity_id (g_ptr_array_index (list, 1)), ==, "c1");
  written = pm_json_write_association (g_ptr_array_index (list, 0));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (written), "entity_type"), ==, "deployment");
  g_clear_pointer (&list, g_ptr_array_unref);

  list = pm_json_read_associations (no_total, &total, &error);
  g_assert_no_error (error);
  g_assert_cmpint (total, ==, 0);
}

static void
test_deployments (void)
{
  g_autoptr(JsonNode) node = parse (
    "{\"deployments\":["
    " {\"id\":\"d1\",\"name\":\"Listing\",\"alias\":\"my-deployment-d53192\","
    "  \"resources\":[{\"kind\":\"kibana\",\"region\":\"wrong\",\"id\":\"k\",\"ref_id\":\"main-kibana\"},"
    "                {\"kind\":\"elasticsearch\",\"region\":\"azure-eastus2\",\"id\":\"e\",\"ref_id\":\"main-elasticsearch\"}]},"
    " {\"id\":\"d2\",\"name\":\"Full\","
    "  \"resources\":{\"elasticsearch\":[{\"region\":\"gcp-us-central1\",\"info\":{\"metadata\":"
    "    {\"aliased_endpoint\":\"other-d2.es.us-central1.gcp.cloud.es.io\"}}}]}},"
    " {\"id\":\"d3\",\"name\":\"Bare\",\"resources\":\"odd\"}"
    "]}");
  g_autoptr(JsonNode) bad = parse ("{\"deployments\":[{\"id\":\"d1\",\"name\":3}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = pm_json_read_deployments (node, &error);
  PmEntity *entity;

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  entity = g_ptr_array_index (list, 0);
  g_assert_cmpint (pm_entity_get_kind (entity), ==, PM_ENTITY_KIND_DEPLOYMENT);
  g_assert_cmpstr (pm_entity_get_entity_type (entity), ==, "deployment");
  g_assert_cmpstr (pm_entity_get_region (entity), ==, "azure-eastus2");
  g_assert_cmpstr (pm_entity_get_alias (entity), ==, "my-deployment-d53192");
  entity = g_ptr_array_index (list, 1);
  g_assert_cmpstr (pm_entity_get_region (entity), ==, "gcp-us-central1");
  g_assert_cmpstr (pm_entity_get_alias (entity), ==, "other-d2");
  entity = g_ptr_array_index (list, 2);
  g_assert_null (pm_entity_get_region (entity));
  g_assert_null (pm_entity_get_alias (entity));

  /* Lenient in: a name that is not text is shown as JSON, and said. */
  g_clear_pointer (&list, g_ptr_array_unref);
  list = pm_json_read_deployments (bad, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (pm_entity_get_name (list->pdata[0]), ==, "3");
  g_assert_cmpstr (pm_entity_get_oddity (list->pdata[0]), ==, "Its name is a number, not text");
}

static const char project_json[] =
  "{\"id\":\"1234567890abcdef1234567890abcdef\",\"name\":\"Search\",\"alias\":\"my-project-d53192\","
  "\"region_id\":\"aws-us-east-1\",\"type\":\"elasticsearch\",\"optimized_for\":\"general_purpose\","
  "\"cloud_id\":\"c\",\"metadata\":{\"created_at\":\"2026-01-01T00:00:00Z\"},\"endpoints\":{\"elasticsearch\":\"https://e\"},"
  "\"traffic_filters\":[{\"id\":\"tf1\"},{\"id\":\"tf2\"}]}";

static void
test_projects (void)
{
  g_autoptr(JsonNode) node = parse (project_json);
  g_autofree char *list_text = g_strdup_printf ("{\"items\":[%s],\"next_page\":\"p2\"}", project_json);
  g_autoptr(JsonNode) list_node = parse (list_text);
  g_autoptr(JsonNode) no_filters = parse ("{\"id\":\"p\",\"name\":\"n\",\"type\":\"security\","
                                          "\"region_id\":\"azure-eastus2\",\"traffic_filters\":null}");
  g_autoptr(GError) error = NULL;
  g_autoptr(PmEntity) project = pm_json_read_project (node, &error);
  g_autoptr(PmEntity) bare = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(JsonNode) patch = NULL;
  g_autofree char *next = NULL;
  const char * const expected[] = { "tf1", "tf2", NULL };

  g_assert_no_error (error);
  g_assert_cmpint (pm_entity_get_kind (project), ==, PM_ENTITY_KIND_PROJECT);
  g_assert_cmpstr (pm_entity_get_entity_type (project), ==, "elasticsearch");
  g_assert_cmpstr (pm_entity_get_region (project), ==, "aws-us-east-1");
  g_assert_cmpstr (pm_entity_get_alias (project), ==, "my-project-d53192");
  g_assert_true (g_strv_equal (pm_entity_get_policy_ids (project), expected));

  patch = pm_json_write_project_patch (pm_entity_get_policy_ids (project));
  assert_json_equal (json_object_get_member (json_node_get_object (patch), "traffic_filters"),
                     json_object_get_member (json_node_get_object (node), "traffic_filters"));

  bare = pm_json_read_project (no_filters, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length ((char **) pm_entity_get_policy_ids (bare)), ==, 0);

  list = pm_json_read_project_list (list_node, &next, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (next, ==, "p2");
  /* Read alone or in a list, the same project. */
  g_assert_true (pm_entity_equal (g_ptr_array_index (list, 0), project));
  g_assert_false (pm_entity_equal (bare, project));
  g_assert_null (pm_entity_get_oddity (project));

  /* A policy list that does not read whole: the ids that do, and why its
   * associations are not changed from here. */
  {
    g_autoptr(JsonNode) odd = parse ("{\"id\":\"p\",\"name\":\"n\",\"type\":\"security\",\"region_id\":\"r\","
                                     "\"traffic_filters\":[{\"id\":\"tf1\"},{\"id\":5},\"x\"]}");
    g_autoptr(PmEntity) entity = pm_json_read_project (odd, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (pm_entity_get_policy_ids (entity)[0], ==, "tf1");
    g_assert_null (pm_entity_get_policy_ids (entity)[1]);
    g_assert_nonnull (strstr (pm_entity_get_oddity (entity), "cannot read"));
  }
}

static void
test_claims (void)
{
  g_autoptr(JsonNode) node = parse (
    "{\"claimed_link_ids\":["
    "{\"region\":\"eu-west-1\",\"link_id\":\"vpce-00000000000\"},"
    "{\"region\":\"gcp-us-central1\",\"link_id\":\"18446744072646845332\"},"
    "{\"region\":\"azure-eastus2\",\"azure_endpoint_name\":\"azure-demo\",\"azure_endpoint_guid\":\"7c0f05e4-e32b-4b10-a246-7b77f7dcc63c\"}]}");
  g_autoptr(JsonNode) missing = parse ("{\"claimed_link_ids\":[{\"region\":\"eu-west-1\"}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) claims = pm_json_read_claims (node, &error);
  g_autofree char *azure_id = NULL;
  g_autoptr(JsonNode) request = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (claims->len, ==, 3);
  g_assert_cmpint (pm_link_claim_get_provider (g_ptr_array_index (claims, 0)), ==, PM_PROVIDER_AWS);
  g_assert_cmpint (pm_link_claim_get_provider (g_ptr_array_index (claims, 1)), ==, PM_PROVIDER_GCP);
  g_assert_cmpint (pm_link_claim_get_provider (g_ptr_array_index (claims, 2)), ==, PM_PROVIDER_AZURE);
  azure_id = pm_link_claim_dup_display_id (g_ptr_array_index (claims, 2));
  g_assert_cmpstr (azure_id, ==, "azure-demo (7c0f05e4-e32b-4b10-a246-7b77f7dcc63c)");
  request = pm_json_write_claim_request (g_ptr_array_index (claims, 2));
  assert_json_equal (request, json_array_get_element (json_object_get_array_member (json_node_get_object (node),
                                                                                    "claimed_link_ids"), 2));

  /* A claim of nothing cannot be known: left out; an odd region is shown. */
  g_clear_pointer (&claims, g_ptr_array_unref);
  claims = pm_json_read_claims (missing, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claims->len, ==, 0);
  g_clear_pointer (&claims, g_ptr_array_unref);
  {
    g_autoptr(JsonNode) odd = parse ("{\"claimed_link_ids\":[{\"region\":7,\"link_id\":\"vpce-1\"},{\"link_id\":\"vpce-2\"}]}");

    claims = pm_json_read_claims (odd, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (claims->len, ==, 2);
    g_assert_cmpstr (pm_link_claim_get_region (claims->pdata[0]), ==, "7");
    g_assert_cmpstr (pm_link_claim_get_oddity (claims->pdata[0]), ==, "Its region is a number, not text");
    g_assert_cmpstr (pm_link_claim_get_oddity (claims->pdata[1]), ==, "It has no region");
    /* The request side stays strict. */
    g_assert_null (pm_json_read_claim (json_array_get_element (json_object_get_array_member (json_node_get_object (odd), "claimed_link_ids"), 0), &error));
    g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
  }
}

static void
test_error_body (void)
{
  g_autoptr(JsonNode) node = parse (
    "{\"errors\":[{\"code\":\"traffic_filter.invalid\",\"message\":\"Bad source\",\"fields\":[\"rules[0].source\"]},"
    "{\"code\":\"other\",\"message\":\"Also\",\"fields\":[\"name\",\"rules[0].source\",5]}]}");
  g_autoptr(JsonNode) serverless = parse ("{\"errors\":[{\"code\":\"project.not_found\",\"message\":\"No\"}]}");
  g_autoptr(JsonNode) empty = parse ("{\"errors\":[]}");
  g_autofree char *code = NULL, *message = NULL;
  g_auto(GStrv) fields = NULL;
  const char * const expected[] = { "rules[0].source", "name", NULL };

  g_assert_true (pm_json_read_error_body (node, &code, &message, &fields));
  g_assert_cmpstr (code, ==, "traffic_filter.invalid");
  g_assert_cmpstr (message, ==, "Bad source");
  g_assert_true (g_strv_equal ((const char * const *) fields, expected));
  g_clear_pointer (&code, g_free);
  g_clear_pointer (&message, g_free);
  g_clear_pointer (&fields, g_strfreev);

  g_assert_true (pm_json_read_error_body (serverless, &code, &message, &fields));
  g_assert_cmpstr (code, ==, "project.not_found");
  g_assert_cmpuint (g_strv_length (fields), ==, 0);
  g_assert_true (pm_json_read_error_body (serverless, NULL, NULL, NULL));
  g_assert_false (pm_json_read_error_body (empty, NULL, NULL, NULL));
  g_assert_false (pm_json_read_error_body (NULL, NULL, NULL, NULL));
}

static void
test_patch_is_atomic (void)
{
  g_autoptr(JsonNode) base = parse ("{\"id\":\"x\",\"name\":\"before\",\"type\":\"ip\",\"region\":\"us-east-1\","
                                    "\"rules\":[{\"source\":\"10.0.0.0/8\"}]}");
  g_autoptr(JsonNode) bad = parse ("{\"name\":\"after\",\"rules\":[{\"source\":1}]}");
  g_autoptr(PmPolicy) policy = pm_json_read_policy (base, PM_FLAVOUR_SERVERLESS, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (pm_json_apply_policy_patch (policy, bad, &error));
  g_assert_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE);
  g_assert_cmpstr (pm_policy_get_name (policy), ==, "before");
  g_assert_cmpuint (pm_policy_get_n_rules (policy), ==, 1);
}

static void
test_to_string (void)
{
  g_autoptr(JsonNode) node = parse ("{\"a\":[1,\"b\"]}");
  g_autofree char *compact = pm_json_to_string (node, FALSE);
  g_autofree char *pretty = pm_json_to_string (node, TRUE);

  g_assert_cmpstr (compact, ==, "{\"a\":[1,\"b\"]}");
  g_assert_nonnull (strchr (pretty, '\n'));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/seeds", test_seeds);
  g_test_add_func ("/json/unknown-fields", test_unknown_fields);
  g_test_add_func ("/json/packed-rules", test_packed_rules);
  g_test_add_func ("/json/packed-search", test_packed_search);
  g_test_add_func ("/json/list-bytes", test_list_bytes);
  g_test_add_func ("/json/serverless-shapes", test_serverless_shapes);
  g_test_add_func ("/json/unknown-type-kept", test_unknown_type_kept);
  g_test_add_func ("/json/parse-errors", test_parse_errors);
  g_test_add_func ("/json/deep-nesting", test_deep_nesting);
  g_test_add_func ("/json/huge-string", test_huge_string);
  g_test_add_func ("/json/one-value", test_one_value);
  g_test_add_func ("/json/policy-shapes", test_policy_shapes);
  g_test_add_func ("/json/odd-round-trip", test_odd_round_trip);
  g_test_add_func ("/json/extras-keep-their-order", test_extras_keep_their_order);
  g_test_add_func ("/json/keep-rule-as-is", test_keep_rule_as_is);
  g_test_add_func ("/json/policy-defaults", test_policy_defaults);
  g_test_add_func ("/json/every-reader-rejects-garbage", test_every_reader_rejects_garbage);
  g_test_add_func ("/json/policy-lists", test_policy_lists);
  g_test_add_func ("/json/associations", test_associations);
  g_test_add_func ("/json/deployments", test_deployments);
  g_test_add_func ("/json/projects", test_projects);
  g_test_add_func ("/json/claims", test_claims);
  g_test_add_func ("/json/error-body", test_error_body);
  g_test_add_func ("/json/patch-is-atomic", test_patch_is_atomic);
  g_test_add_func ("/json/to-string", test_to_string);

  return g_test_run ();
}
