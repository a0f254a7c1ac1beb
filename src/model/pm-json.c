/* pm-json.c: JSON in and out for the Hosted/ECE and Serverless APIs
 *
 * Readers check every member they use and name the field when something is
 * wrong; members they do not know are kept in the objects' extras so that
 * a policy written back loses nothing the API sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pm-json.h"
#include "pm-model-private.h"
#include "pm-validate.h"

#define MAX_DEPTH 512

G_DEFINE_QUARK (pm-json-error-quark, pm_json_error)

/* Elements the list readers left out on this thread (see
 * pm_json_take_left_out()). */
static GPrivate left_out = G_PRIVATE_INIT (NULL);

static void
add_left_out (guint n)
{
  g_private_set (&left_out, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_private_get (&left_out)) + n));
}

static void
count_left_out (const char   *prefix,
                const GError *error)
{
  g_debug ("%s left out: %s", prefix, error->message);
  add_left_out (1);
}

guint
pm_json_take_left_out (void)
{
  guint n = GPOINTER_TO_UINT (g_private_get (&left_out));

  g_private_set (&left_out, NULL);
  return n;
}

/* Members each shape knows; everything else is an extra. */
static const char * const hosted_policy_members[] = {
  "id", "name", "description", "type", "include_by_default", "region", "rules",
  "associations", "total_associations", NULL
};
static const char * const serverless_policy_members[] = {
  "id", "name", "description", "type", "include_by_default", "region", "rules", NULL
};
static const char * const hosted_rule_members[] = {
  "id", "description", "source", "azure_endpoint_name", "azure_endpoint_guid", "egress_rule", NULL
};
static const char * const serverless_rule_members[] = {
  "description", "source", "azure_endpoint_name", "azure_endpoint_guid", NULL
};
static const char * const egress_members[] = { "target", "protocol", "ports", NULL };

/* ---- reading helpers ---------------------------------------------------- */

static char *
field_name (const char *prefix,
            const char *member)
{
  if (prefix == NULL || *prefix == '\0')
    return g_strdup (member);
  return g_strdup_printf ("%s.%s", prefix, member);
}

typedef enum {
  SHAPE_MISSING,
  SHAPE_EMPTY,
  SHAPE_NOT_STRING,
  SHAPE_NOT_BOOLEAN,
  SHAPE_NOT_INTEGER,
  SHAPE_NOT_ARRAY,
  SHAPE_NOT_OBJECT,
  SHAPE_NOT_PROTOCOL,
  SHAPE_NOT_PORT,
  SHAPE_NO_LINK_ID,
} ShapeProblem;

static void
set_shape_error (GError       **error,
                 const char    *prefix,
                 const char    *member,
                 ShapeProblem   problem)
{
  g_autofree char *field = field_name (prefix, member);
  const char *f = field;

  switch (problem)
    {
    case SHAPE_MISSING:
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE, _("Field “%s” is missing"), f);
      break;
    case SHAPE_EMPTY:
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE, _("Field “%s” is empty"), f);
      break;
    case SHAPE_NOT_STRING:
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE, _("Field “%s” must be a string"), f);
      break;
    case SHAPE_NOT_BOOLEAN:
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE, _("Field “%s” must be true or false"), f);
      break;
    case SHAPE_NOT_INTEGER:
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE, _("Field “%s” must be a whole number in range"), f);
      break;
    case SHAPE_NOT_ARRAY:
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE, _("Field “%s” must be an array"), f);
      break;
    case SHAPE_NOT_OBJECT:
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE, _("Field “%s” must be an object"), f);
      break;
    case SHAPE_NOT_PROTOCOL:
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE, _("Field “%s” must be all, tcp or udp"), f);
      break;
    case SHAPE_NOT_PORT:
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE, _("Field “%s” must be a port number"), f);
      break;
    case SHAPE_NO_LINK_ID:
    default:
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("Field “%s” is missing (and there is no Azure endpoint)"), f);
      break;
    }
}

static JsonObject *
require_object (JsonNode    *node,
                const char  *what,
                GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("Expected %s as a JSON object"), what);
      return NULL;
    }
  return json_node_get_object (node);
}

/* A member that is absent or null reads as missing. */
static JsonNode *
get_member (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

static gboolean
read_string (JsonObject  *object,
             const char  *prefix,
             const char  *member,
             gboolean     required,
             const char **out,
             GError     **error)
{
  JsonNode *node = get_member (object, member);

  *out = NULL;
  if (node == NULL)
    {
      if (required)
        set_shape_error (error, prefix, member, SHAPE_MISSING);
      return !required;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      set_shape_error (error, prefix, member, SHAPE_NOT_STRING);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_boolean (JsonObject  *object,
              const char  *prefix,
              const char  *member,
              gboolean    *out,
              GError     **error)
{
  JsonNode *node = get_member (object, member);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      set_shape_error (error, prefix, member, SHAPE_NOT_BOOLEAN);
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
read_int (JsonObject  *object,
          const char  *prefix,
          const char  *member,
          gint64       min,
          gint64       max,
          gboolean    *present,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = get_member (object, member);

  *present = FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < min || json_node_get_int (node) > max)
    {
      set_shape_error (error, prefix, member, SHAPE_NOT_INTEGER);
      return FALSE;
    }
  *present = TRUE;
  *out = json_node_get_int (node);
  return TRUE;
}

/* NULL without error when the member is absent and not required. */
static JsonArray *
read_array (JsonObject  *object,
            const char  *prefix,
            const char  *member,
            gboolean     required,
            GError     **error)
{
  JsonNode *node = get_member (object, member);

  if (node == NULL)
    {
      if (required)
        set_shape_error (error, prefix, member, SHAPE_MISSING);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_shape_error (error, prefix, member, SHAPE_NOT_ARRAY);
      return NULL;
    }
  return json_node_get_array (node);
}

static gboolean
has_extras (JsonObject         *from,
            const char * const *known)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, from);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    if (!g_strv_contains (known, name))
      return TRUE;
  return FALSE;
}

/* Whether one of the known members is there as null (which the readers
 * take for absent, and a writer would leave out). */
static gboolean
has_null_member (JsonObject         *object,
                 const char * const *known)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    if (JSON_NODE_HOLDS_NULL (member) && g_strv_contains (known, name))
      return TRUE;
  return FALSE;
}

static void
keep_extras (JsonObject         *from,
             const char * const *known,
             JsonObject         *extra)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, from);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    if (!g_strv_contains (known, name))
      json_object_set_member (extra, name, pm_json_node_deep_copy (member));
}

static void
write_extras (JsonObject         *to,
              JsonObject         *extra,
              const char * const *skip)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (extra == NULL)
    return;
  json_object_iter_init_ordered (&iter, extra);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    if (!json_object_has_member (to, name) && (skip == NULL || !g_strv_contains (skip, name)))
      json_object_set_member (to, name, pm_json_node_deep_copy (member));
}

/* ---- rules -------------------------------------------------------------- */

/* A rule as read: fields borrowed from the JSON tree, ports and extras
 * owned here. */
typedef struct
{
  PmRuleFields  fields;
  GArray       *ports;          /* of guint; fields.ports points into it */
  JsonObject   *extra;
  JsonObject   *egress_extra;
  JsonObject   *raw;            /* a reference, when the rule is kept as it came */
  gboolean      reply;          /* read from a reply: odd values are kept, not refused */
} RuleRead;

static void
rule_read_init (RuleRead *r)
{
  memset (r, 0, sizeof *r);
  r->ports = g_array_new (FALSE, FALSE, sizeof (guint));
}

/* Ready for the next rule (the ports array is kept). */
static void
rule_read_reset (RuleRead *r)
{
  GArray *ports = r->ports;
  gboolean reply = r->reply;

  g_clear_pointer (&r->extra, json_object_unref);
  g_clear_pointer (&r->egress_extra, json_object_unref);
  g_clear_pointer (&r->raw, json_object_unref);
  memset (r, 0, sizeof *r);
  r->ports = ports;
  r->reply = reply;
  g_array_set_size (r->ports, 0);
}

static void
rule_read_clear (RuleRead *r)
{
  rule_read_reset (r);
  g_clear_pointer (&r->ports, g_array_unref);
}

static gboolean
read_egress (RuleRead    *r,
             JsonObject  *egress,
             const char  *prefix,
             GError     **error)
{
  g_autofree char *egress_prefix = field_name (prefix, "egress_rule");
  const char *target, *protocol_text;
  PmEgressProtocol protocol = PM_EGRESS_PROTOCOL_ALL;
  JsonArray *array;

  if (!read_string (egress, egress_prefix, "target", TRUE, &target, error) ||
      !read_string (egress, egress_prefix, "protocol", FALSE, &protocol_text, error))
    return FALSE;
  if (protocol_text != NULL && !pm_egress_protocol_from_string (protocol_text, &protocol))
    {
      set_shape_error (error, egress_prefix, "protocol", SHAPE_NOT_PROTOCOL);
      return FALSE;
    }
  array = read_array (egress, egress_prefix, "ports", FALSE, error);
  if (array == NULL && error != NULL && *error != NULL)
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      guint port;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64 ||
          json_node_get_int (element) < (r->reply ? 1 : 0) || json_node_get_int (element) > 65535)
        {
          g_autofree char *member = g_strdup_printf ("ports[%u]", i);
          set_shape_error (error, egress_prefix, member, SHAPE_NOT_PORT);
          return FALSE;
        }
      port = (guint) json_node_get_int (element);
      g_array_append_val (r->ports, port);
    }

  r->fields.has_egress = TRUE;
  r->fields.egress_target = target;
  r->fields.egress_protocol = protocol;
  if (has_extras (egress, egress_members))
    {
      r->egress_extra = json_object_new ();
      keep_extras (egress, egress_members, r->egress_extra);
    }
  return TRUE;
}

/* Reads one rule into r (reset); the strings it points to live in node. */
static gboolean
read_rule_fields (JsonNode    *node,
                  PmFlavour    flavour,
                  const char  *prefix,
                  RuleRead    *r,
                  GError     **error)
{
  gboolean serverless = flavour == PM_FLAVOUR_SERVERLESS;
  const char * const *known;
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("Field “%s” must be an object"), prefix ? prefix : "rule");
      return FALSE;
    }
  object = json_node_get_object (node);

  r->fields.egress_protocol = PM_EGRESS_PROTOCOL_ALL;
  if ((!serverless && !read_string (object, prefix, "id", FALSE, &r->fields.id, error)) ||
      !read_string (object, prefix, "description", FALSE, &r->fields.description, error) ||
      !read_string (object, prefix, "source", FALSE, &r->fields.source, error) ||
      !read_string (object, prefix, "azure_endpoint_name", FALSE, &r->fields.azure_endpoint_name, error) ||
      !read_string (object, prefix, "azure_endpoint_guid", FALSE, &r->fields.azure_endpoint_guid, error))
    return FALSE;

  if (!serverless && get_member (object, "egress_rule") != NULL)
    {
      JsonNode *egress = get_member (object, "egress_rule");

      if (!JSON_NODE_HOLDS_OBJECT (egress))
        {
          set_shape_error (error, prefix, "egress_rule", SHAPE_NOT_OBJECT);
          return FALSE;
        }
      if (!read_egress (r, json_node_get_object (egress), prefix, error))
        return FALSE;
    }

  known = serverless ? serverless_rule_members : hosted_rule_members;
  if (r->reply && has_null_member (object, known))
    {
      g_set_error_literal (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE, "null");
      return FALSE;
    }
  if (has_extras (object, known))
    {
      r->extra = json_object_new ();
      keep_extras (object, known, r->extra);
    }

  r->fields.ports = (const guint *) (gpointer) r->ports->data;
  r->fields.n_ports = r->ports->len;
  r->fields.extra = r->extra;
  r->fields.egress_extra = r->egress_extra;
  r->fields.raw = r->raw;
  /* As pm_rule_has_egress() would say of the rule. */
  r->fields.has_egress = r->fields.has_egress || r->fields.n_ports > 0 || r->egress_extra != NULL ||
                         (r->fields.egress_target != NULL && r->fields.egress_target[0] != '\0');
  return TRUE;
}

static PmRule *
read_rule (JsonNode    *node,
           PmFlavour    flavour,
           const char  *prefix,
           GError     **error)
{
  RuleRead r;
  PmRule *rule = NULL;

  rule_read_init (&r);
  if (read_rule_fields (node, flavour, prefix, &r, error))
    rule = pm_rule_new_from_fields (&r.fields);
  rule_read_clear (&r);
  return rule;
}

/* ---- lenient reading of replies ----------------------------------------- */

/* Lenient in, strict out: a reply's element with a value Perimeter would
 * not send itself (a port out of range, a number where text belongs, an
 * unknown protocol, a null) is not refused. It is read as far as it can be
 * for display, the rest is kept as it came and written back unchanged, and
 * what is odd is said in words. Only a policy without an id, which nothing
 * can refer to, is left out (PM_JSON_ERROR_NO_ID). */

/* What kind of JSON value node is, for messages. */
static const char *
describe_kind (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return _("null");
  if (JSON_NODE_HOLDS_OBJECT (node))
    return _("an object");
  if (JSON_NODE_HOLDS_ARRAY (node))
    return _("a list");
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return _("text");
    case G_TYPE_BOOLEAN:
      return _("true or false");
    default:
      return _("a number");
    }
}

/* The value as JSON, cut short for a message or a label. */
static char *
value_text (JsonNode *node)
{
  g_autofree char *text = NULL;

  if (node == NULL)
    return g_strdup ("null");
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    text = g_strdup_printf ("“%s”", json_node_get_string (node));
  else
    text = json_to_string (node, FALSE);
  if (g_utf8_strlen (text, -1) > 40)
    {
      g_autofree char *cut = g_utf8_substring (text, 0, 39);

      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&text);
}

static void
add_not_text (GPtrArray  *problems,
              const char *member,
              JsonNode   *node)
{
  g_autofree char *text = value_text (node);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    g_ptr_array_add (problems, g_strdup_printf (_("“%s” is null"), member));
  else
    g_ptr_array_add (problems, g_strdup_printf (_("“%s” is %s (%s), not text"),
                                                member, describe_kind (node), text));
}

/* A string member as far as it reads: NULL when absent or not text (then
 * said in problems, unless absent). */
static const char *
lenient_member_string (JsonObject *object,
                       const char *member,
                       GPtrArray  *problems)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  add_not_text (problems, member, node);
  return NULL;
}

static void
lenient_egress (RuleRead   *r,
                JsonNode   *node,
                GPtrArray  *problems)
{
  JsonObject *egress;
  JsonNode *ports;
  const char *protocol;

  r->fields.has_egress = TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_ptr_array_add (problems, g_strdup_printf (_("“egress_rule” is %s, not an object"), describe_kind (node)));
      return;
    }
  egress = json_node_get_object (node);
  if (has_extras (egress, egress_members))
    {
      r->egress_extra = json_object_new ();
      keep_extras (egress, egress_members, r->egress_extra);
    }
  r->fields.egress_target = lenient_member_string (egress, "target", problems);
  if (!json_object_has_member (egress, "target"))
    g_ptr_array_add (problems, g_strdup (_("“egress_rule” has no target")));
  if ((protocol = lenient_member_string (egress, "protocol", problems)) != NULL &&
      !pm_egress_protocol_from_string (protocol, &r->fields.egress_protocol))
    g_ptr_array_add (problems, g_strdup_printf (_("Protocol “%s” is not all, tcp or udp"), protocol));
  if ((ports = json_object_get_member (egress, "ports")) == NULL)
    return;
  if (!JSON_NODE_HOLDS_ARRAY (ports))
    {
      g_ptr_array_add (problems, g_strdup_printf (_("“ports” is %s, not a list"), describe_kind (ports)));
      return;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (ports)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (ports), i);
      g_autofree char *text = value_text (element);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64)
        g_ptr_array_add (problems, g_strdup_printf (_("Port %s is not a whole number"), text));
      else if (json_node_get_int (element) < 1 || json_node_get_int (element) > 65535)
        g_ptr_array_add (problems, g_strdup_printf (_("Port %s is outside 1–65535"), text));
      else
        {
          guint port = (guint) json_node_get_int (element);

          g_array_append_val (r->ports, port);
        }
    }
}

/* Reads what it can of a rule the strict reader refused into r (reset),
 * keeping the whole rule as it came (r->raw). FALSE when node is not an
 * object: nothing of it can be shown as a rule. */
static gboolean
lenient_rule_fields (JsonNode   *node,
                     PmFlavour   flavour,
                     RuleRead   *r,
                     GPtrArray  *problems)
{
  gboolean serverless = flavour == PM_FLAVOUR_SERVERLESS;
  const char * const *known;
  JsonObject *object;
  JsonNode *egress;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);

  r->fields.egress_protocol = PM_EGRESS_PROTOCOL_ALL;
  if (!serverless)
    r->fields.id = lenient_member_string (object, "id", problems);
  r->fields.description = lenient_member_string (object, "description", problems);
  r->fields.source = lenient_member_string (object, "source", problems);
  r->fields.azure_endpoint_name = lenient_member_string (object, "azure_endpoint_name", problems);
  r->fields.azure_endpoint_guid = lenient_member_string (object, "azure_endpoint_guid", problems);
  if (!serverless && (egress = json_object_get_member (object, "egress_rule")) != NULL)
    lenient_egress (r, egress, problems);

  known = serverless ? serverless_rule_members : hosted_rule_members;
  if (has_extras (object, known))
    {
      r->extra = json_object_new ();
      keep_extras (object, known, r->extra);
    }

  r->raw = json_object_ref (object);
  r->fields.ports = (const guint *) (gpointer) r->ports->data;
  r->fields.n_ports = r->ports->len;
  r->fields.extra = r->extra;
  r->fields.egress_extra = r->egress_extra;
  r->fields.raw = r->raw;
  return TRUE;
}

/* The problems as one sentence about a rule. */
static char *
rule_oddity_text (GPtrArray *problems)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < problems->len; i++)
    {
      const char *problem = g_ptr_array_index (problems, i);

      if (i == 0)
        {
          /* Capitalized as the start of a sentence. */
          g_string_append_unichar (text, g_unichar_toupper (g_utf8_get_char (problem)));
          g_string_append (text, g_utf8_next_char (problem));
        }
      else
        g_string_append_printf (text, "; %s", problem);
    }
  if (text->len == 0)
    g_string_append (text, _("It holds a value Perimeter would not send"));
  /* TRANSLATORS: follows what is odd about a rule the server sent. */
  g_string_append (text, _("; Perimeter keeps this rule as it is"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
add_rule_oddity (GPtrArray *oddities,
                 guint      index,
                 GPtrArray *problems)
{
  g_autofree char *text = rule_oddity_text (problems);

  /* TRANSLATORS: "Rule 3: Port 0 is outside 1–65535; Perimeter keeps this rule as it is" */
  g_ptr_array_add (oddities, g_strdup_printf (_("Rule %u: %s"), index + 1, text));
}

char *
pm_json_dup_rule_oddity (PmRule       *rule,
                         PmPolicyType  type,
                         PmFlavour     flavour)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  RuleRead r;

  g_return_val_if_fail (PM_IS_RULE (rule), NULL);

  if (pm_rule_get_raw (rule) == NULL)
    return NULL;
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), pm_rule_get_raw (rule));

    rule_read_init (&r);
    lenient_rule_fields (node, flavour, &r, problems);
    rule_read_clear (&r);
  }
  /* It reads, but holds what its type does not take. */
  if (problems->len == 0)
    {
      g_autoptr(GError) error = NULL;

      if (!pm_validate_rule (rule, type, &error))
        g_ptr_array_add (problems, g_strdup (error->message));
    }
  return rule_oddity_text (problems);
}

/* The rules array of a policy, packed. */
static PmRulePack *
read_rule_pack (JsonArray   *rules,
                PmFlavour    flavour,
                const char  *prefix,
                GPtrArray   *oddities,
                gboolean    *keep_all,
                GError     **error)
{
  guint n = rules != NULL ? json_array_get_length (rules) : 0;
  g_autoptr(PmRulePack) pack = pm_rule_pack_new (n);
  RuleRead r;

  rule_read_init (&r);
  r.reply = oddities != NULL;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (rules, i);
      g_autoptr(GError) local_error = NULL;

      /* The rule's name in messages ("rulesets[3].rules[7]") is only made
       * for a rule that does not read: printing one for each of tens of
       * thousands of rules was a good part of reading them. */
      rule_read_reset (&r);
      if (!read_rule_fields (element, flavour, "", &r, &local_error) && oddities != NULL)
        {
          g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

          rule_read_reset (&r);
          if (!lenient_rule_fields (element, flavour, &r, problems))
            {
              /* Not an object: the policy keeps its rules as they came. */
              g_ptr_array_add (oddities, g_strdup_printf (_("Rule %u is %s, not an object; Perimeter keeps the rules as they are"),
                                                          i + 1, describe_kind (element)));
              *keep_all = TRUE;
              continue;
            }
          add_rule_oddity (oddities, i, problems);
        }
      else if (local_error != NULL)
        {
          g_autofree char *rule_prefix = prefix ? g_strdup_printf ("%s.rules[%u]", prefix, i)
                                                : g_strdup_printf ("rules[%u]", i);

          rule_read_reset (&r);
          if (!read_rule_fields (element, flavour, rule_prefix, &r, error))
            {
              rule_read_clear (&r);
              return NULL;
            }
        }
      pm_rule_pack_append (pack, &r.fields);
    }
  rule_read_clear (&r);
  pm_rule_pack_seal (pack);
  return g_steal_pointer (&pack);
}

PmRule *
pm_json_read_rule (JsonNode  *node,
                   GError   **error)
{
  return read_rule (node, PM_FLAVOUR_HOSTED, NULL, error);
}

static void
set_string_if (JsonObject *object,
               const char *member,
               const char *value,
               gboolean    relevant)
{
  /* A field of the rule's type is written even when empty (the API says
   * what is wrong); another type's field only when it holds something. */
  if (value != NULL && (relevant || *value != '\0'))
    json_object_set_string_member (object, member, value);
}

static JsonNode *
write_rule (const PmRuleFields *rule,
            PmPolicyType        type,
            PmFlavour           flavour)
{
  gboolean serverless = flavour == PM_FLAVOUR_SERVERLESS;
  gboolean unknown = type == PM_POLICY_TYPE_UNKNOWN;
  gboolean uses_source = unknown || type == PM_POLICY_TYPE_IP ||
                         type == PM_POLICY_TYPE_VPCE || type == PM_POLICY_TYPE_GCP_PSC;
  gboolean uses_azure = unknown || type == PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT;
  JsonObject *object;
  JsonNode *node;

  /* Kept as the server sent it: written back as it came. */
  if (rule->raw != NULL)
    {
      object = pm_json_object_deep_copy (rule->raw);
      node = json_node_init_object (json_node_alloc (), object);
      json_object_unref (object);
      return node;
    }

  object = json_object_new ();
  if (!serverless && rule->id != NULL)
    json_object_set_string_member (object, "id", rule->id);
  if (rule->description != NULL)
    json_object_set_string_member (object, "description", rule->description);
  set_string_if (object, "source", rule->source, uses_source);
  set_string_if (object, "azure_endpoint_name", rule->azure_endpoint_name, uses_azure);
  set_string_if (object, "azure_endpoint_guid", rule->azure_endpoint_guid, uses_azure);

  if (!serverless && (type == PM_POLICY_TYPE_EGRESS_FIREWALL || rule->has_egress))
    {
      JsonObject *egress = json_object_new ();
      const char *target = rule->egress_target;

      json_object_set_string_member (egress, "target", target ? target : "");
      json_object_set_string_member (egress, "protocol",
                                     pm_egress_protocol_to_string (rule->egress_protocol));
      if (rule->n_ports > 0)
        {
          JsonArray *array = json_array_sized_new (rule->n_ports);

          for (guint i = 0; i < rule->n_ports; i++)
            json_array_add_int_element (array, rule->ports[i]);
          json_object_set_array_member (egress, "ports", array);
        }
      write_extras (egress, rule->egress_extra, NULL);
      json_object_set_object_member (object, "egress_rule", egress);
    }

  write_extras (object, rule->extra, NULL);

  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

JsonNode *
pm_json_write_rule (PmRule       *rule,
                    PmPolicyType  type)
{
  PmRuleFields fields;

  g_return_val_if_fail (PM_IS_RULE (rule), NULL);

  pm_rule_get_fields (rule, &fields);
  return write_rule (&fields, type, PM_FLAVOUR_HOSTED);
}

void
pm_json_keep_rule_as_is (PmRule       *rule,
                         PmPolicyType  type,
                         PmFlavour     flavour)
{
  PmRuleFields fields;
  g_autoptr(JsonNode) node = NULL;

  g_return_if_fail (PM_IS_RULE (rule));

  if (pm_rule_get_raw (rule) != NULL)
    return;
  pm_rule_get_fields (rule, &fields);
  node = write_rule (&fields, type, flavour);
  pm_rule_keep_as_is (rule, json_node_get_object (node));
}

/* ---- associations ------------------------------------------------------- */

static PmAssociation *
read_association (JsonNode    *node,
                  const char  *prefix,
                  GError     **error)
{
  const char *entity_type, *id;
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("Field “%s” must be an object"), prefix ? prefix : "association");
      return NULL;
    }
  object = json_node_get_object (node);
  if (!read_string (object, prefix, "entity_type", TRUE, &entity_type, error) ||
      !read_string (object, prefix, "id", TRUE, &id, error))
    return NULL;
  return pm_association_new (entity_type, id);
}

PmAssociation *
pm_json_read_association (JsonNode  *node,
                          GError   **error)
{
  return read_association (node, NULL, error);
}

typedef gpointer (*ReadElementFunc) (JsonNode    *node,
                                     const char  *prefix,
                                     GError     **error);

/* The readers above as ReadElementFunc: called through a pointer of
 * another type, they would be undefined behaviour (clang's UBSan
 * -fsanitize=function says so). */
#define ELEMENT_READER(name) \
  static gpointer \
  name##_element (JsonNode    *node, \
                  const char  *prefix, \
                  GError     **error) \
  { \
    return name (node, prefix, error); \
  }

ELEMENT_READER (read_association)

/* Reads each element of array (named "prefix[i]" in errors) with read. */
static GPtrArray *
read_elements (JsonArray        *array,
               const char       *prefix,
               ReadElementFunc   read,
               GError          **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_full (json_array_get_length (array), g_object_unref);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *element_prefix = g_strdup_printf ("%s[%u]", prefix, i);
      g_autoptr(GError) local_error = NULL;
      gpointer element = read (json_array_get_element (array, i), element_prefix, &local_error);

      if (element != NULL)
        g_ptr_array_add (result, element);
      else if (g_error_matches (local_error, PM_JSON_ERROR, PM_JSON_ERROR_NO_ID))
        count_left_out (element_prefix, local_error);
      else
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  return g_steal_pointer (&result);
}

GPtrArray *
pm_json_read_associations (JsonNode  *node,
                           int       *total_out,
                           GError   **error)
{
  g_autoptr(GPtrArray) result = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonArray *array;
  gboolean has_total;
  gint64 total = 0;

  if (total_out != NULL)
    *total_out = -1;
  if ((object = require_object (node, "RulesetAssociations", error)) == NULL)
    return NULL;
  array = read_array (object, NULL, "associations", TRUE, &local_error);
  if (array == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if ((result = read_elements (array, "associations", read_association_element, error)) == NULL ||
      !read_int (object, NULL, "total_associations", 0, G_MAXINT, &has_total, &total, error))
    return NULL;
  if (total_out != NULL)
    *total_out = has_total ? (int) total : (int) result->len;
  return g_steal_pointer (&result);
}

JsonNode *
pm_json_write_association (PmAssociation *association)
{
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (PM_IS_ASSOCIATION (association), NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "entity_type", pm_association_get_entity_type (association));
  json_object_set_string_member (object, "id", pm_association_get_entity_id (association));
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

/* ---- policies ----------------------------------------------------------- */

/* Hosted/ECE associations and their total, into policy. With oddities
 * (a reply), an association that does not read is left out and said, and
 * an odd total ignored and said. */
static gboolean
read_policy_associations (PmPolicy    *policy,
                          JsonObject  *object,
                          const char  *prefix,
                          GPtrArray   *oddities,
                          GError     **error)
{
  g_autoptr(GPtrArray) associations = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonArray *array;
  gboolean has_total = FALSE;
  gint64 total = -1;

  array = read_array (object, prefix, "associations", FALSE, &local_error);
  if (local_error != NULL && oddities == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (local_error != NULL)
    g_ptr_array_add (oddities, g_strdup_printf (_("Its associations are %s, not a list; Perimeter does not show them"),
                                                describe_kind (json_object_get_member (object, "associations"))));
  if (array != NULL)
    {
      g_autofree char *assoc_prefix = field_name (prefix, "associations");

      associations = g_ptr_array_new_full (json_array_get_length (array), g_object_unref);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *element_prefix = g_strdup_printf ("%s[%u]", assoc_prefix, i);
          g_autoptr(GError) element_error = NULL;
          PmAssociation *association = read_association (json_array_get_element (array, i), element_prefix,
                                                         oddities != NULL ? &element_error : error);

          if (association != NULL)
            g_ptr_array_add (associations, association);
          else if (oddities == NULL)
            return FALSE;
          else
            g_ptr_array_add (oddities, g_strdup_printf (_("Association %u is left out: %s"), i + 1, element_error->message));
        }
    }
  g_clear_error (&local_error);
  if (!read_int (object, prefix, "total_associations", 0, G_MAXINT, &has_total, &total,
                 oddities != NULL ? &local_error : error))
    {
      g_autofree char *text = NULL;

      if (oddities == NULL)
        return FALSE;
      text = value_text (json_object_get_member (object, "total_associations"));
      g_ptr_array_add (oddities, g_strdup_printf (_("Its total of associations, %s, is not a count; Perimeter counts the ones it sees"), text));
      has_total = FALSE;
    }
  if (associations != NULL || has_total)
    {
      if (associations == NULL)
        associations = g_ptr_array_new_with_free_func (g_object_unref);
      pm_policy_set_associations (policy, associations, has_total ? (int) total : -1);
    }
  return TRUE;
}

/* A top-level text member of a reply: its text, or, when it is something
 * else, the value kept as it came and shown as JSON. */
static void
lenient_policy_string (PmPolicy    *policy,
                       JsonObject  *object,
                       const char  *member,
                       const char  *label,
                       gboolean     required,
                       GPtrArray   *oddities,
                       void       (*set) (PmPolicy *, const char *))
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *text = NULL;

  if (node == NULL)
    {
      if (required)
        /* TRANSLATORS: %s is a field, as "name" or "region" */
        g_ptr_array_add (oddities, g_strdup_printf (_("It has no %s"), label));
      return;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      set (policy, json_node_get_string (node));
      return;
    }
  text = value_text (node);
  if (JSON_NODE_HOLDS_NULL (node))
    /* TRANSLATORS: %s is a field, as "name" or "region" */
    g_ptr_array_add (oddities, g_strdup_printf (_("Its %s is null; Perimeter keeps it as it is"), label));
  else
    /* TRANSLATORS: "Its name is a number (42), not text; …" */
    g_ptr_array_add (oddities, g_strdup_printf (_("Its %s is %s (%s), not text; Perimeter keeps it as it is"),
                                                label, describe_kind (node), text));
  if (!JSON_NODE_HOLDS_NULL (node))
    set (policy, text);
  pm_policy_keep_member (policy, member, node);
}

/* What strict reading would refuse of a reply's policy: each member read
 * as far as it goes, the rest kept as it came. NULL and
 * PM_JSON_ERROR_NO_ID when there is no id to know it by. */
static PmPolicy *
lenient_read_policy (JsonObject  *object,
                     PmFlavour    flavour,
                     GPtrArray   *oddities,
                     GError     **error)
{
  gboolean serverless = flavour == PM_FLAVOUR_SERVERLESS;
  g_autoptr(PmPolicy) policy = NULL;
  JsonNode *node;

  node = json_object_get_member (object, "id");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      *json_node_get_string (node) == '\0')
    {
      g_set_error_literal (error, PM_JSON_ERROR, PM_JSON_ERROR_NO_ID, _("It has no id"));
      return NULL;
    }

  policy = pm_policy_new (flavour, PM_POLICY_TYPE_UNKNOWN);
  pm_policy_set_id (policy, json_node_get_string (node));
  lenient_policy_string (policy, object, "name", _("name"), TRUE, oddities, pm_policy_set_name);
  lenient_policy_string (policy, object, "description", _("description"), FALSE, oddities, pm_policy_set_description);
  lenient_policy_string (policy, object, "type", _("type"), TRUE, oddities, pm_policy_set_type_string);
  lenient_policy_string (policy, object, "region", _("region"), TRUE, oddities, pm_policy_set_region);

  node = json_object_get_member (object, "include_by_default");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    pm_policy_set_include_by_default (policy, json_node_get_boolean (node));
  else if (node != NULL)
    {
      g_autofree char *text = value_text (node);

      g_ptr_array_add (oddities, g_strdup_printf (_("“include_by_default” is %s, not true or false; Perimeter keeps it as it is"), text));
      pm_policy_keep_member (policy, "include_by_default", node);
    }

  node = json_object_get_member (object, "rules");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      gboolean keep_all = FALSE;
      g_autoptr(PmRulePack) pack = read_rule_pack (json_node_get_array (node), flavour, NULL,
                                                   oddities, &keep_all, NULL);

      pm_policy_set_rule_pack (policy, pack);
      if (keep_all)
        pm_policy_keep_member (policy, "rules", node);
    }
  else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      g_ptr_array_add (oddities, g_strdup_printf (_("Its rules are %s, not a list; Perimeter keeps them as they are"),
                                                  describe_kind (node)));
      pm_policy_keep_member (policy, "rules", node);
    }

  if (!serverless)
    read_policy_associations (policy, object, NULL, oddities, NULL);

  keep_extras (object, serverless ? serverless_policy_members : hosted_policy_members,
               pm_policy_get_extra (policy));
  return g_steal_pointer (&policy);
}

/* What a policy read without fault may still hold that Perimeter would not
 * send itself. */
static void
check_read_policy (PmPolicy  *policy,
                   GPtrArray *oddities)
{
  const char *name = pm_policy_get_name (policy);
  const char *type = pm_policy_get_type_string (policy);

  if (name != NULL && *name == '\0' && (pm_policy_peek_kept (policy) == NULL ||
                                        !json_object_has_member (pm_policy_peek_kept (policy), "name")))
    g_ptr_array_add (oddities, g_strdup (_("Its name is empty")));
  if (pm_policy_get_policy_type (policy) == PM_POLICY_TYPE_UNKNOWN && type != NULL)
    g_ptr_array_add (oddities, g_strdup_printf (_("Its type “%s” is not one Perimeter knows; Perimeter shows it but cannot edit it"),
                                                type));
}

static PmPolicy *
read_policy (JsonNode    *node,
             PmFlavour    flavour,
             gboolean     require_id,
             const char  *prefix,
             GError     **error)
{
  gboolean serverless = flavour == PM_FLAVOUR_SERVERLESS;
  /* Only replies have ids: those are read leniently. */
  gboolean reply = require_id;
  g_autoptr(GPtrArray) oddities = reply ? g_ptr_array_new_null_terminated (0, g_free, TRUE) : NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PmPolicy) policy = NULL;
  const char *id, *name, *description, *type, *region;
  gboolean include_by_default = FALSE;
  gboolean keep_all = FALSE;
  JsonObject *object;
  JsonArray *rules = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PM_JSON_ERROR, reply ? PM_JSON_ERROR_NO_ID : PM_JSON_ERROR_SHAPE,
                   _("Field “%s” must be an object"), prefix ? prefix : "policy");
      return NULL;
    }
  object = json_node_get_object (node);

  if (!read_string (object, prefix, "id", require_id, &id, &local_error) ||
      !read_string (object, prefix, "name", TRUE, &name, &local_error) ||
      !read_string (object, prefix, "description", FALSE, &description, &local_error) ||
      !read_string (object, prefix, "type", TRUE, &type, &local_error) ||
      !read_string (object, prefix, "region", TRUE, &region, &local_error) ||
      !read_boolean (object, prefix, "include_by_default", &include_by_default, &local_error) ||
      (reply && has_null_member (object, serverless ? serverless_policy_members : hosted_policy_members)) ||
      ((rules = read_array (object, prefix, "rules", FALSE, &local_error)) == NULL && local_error != NULL))
    {
      if (!reply)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      policy = lenient_read_policy (object, flavour, oddities, error);
      if (policy == NULL)
        return NULL;
      check_read_policy (policy, oddities);
      pm_policy_set_oddities (policy, (GStrv) g_ptr_array_free (g_steal_pointer (&oddities), FALSE));
      return g_steal_pointer (&policy);
    }

  policy = pm_policy_new (flavour, PM_POLICY_TYPE_UNKNOWN);
  pm_policy_set_id (policy, id);
  pm_policy_set_name (policy, name);
  pm_policy_set_description (policy, description);
  pm_policy_set_type_string (policy, type);
  pm_policy_set_region (policy, region);
  pm_policy_set_include_by_default (policy, include_by_default);

  {
    g_autoptr(PmRulePack) pack = read_rule_pack (rules, flavour, prefix, oddities, &keep_all, error);

    if (pack == NULL)
      return NULL;
    pm_policy_set_rule_pack (policy, pack);
    if (keep_all)
      pm_policy_keep_member (policy, "rules", json_object_get_member (object, "rules"));
  }

  if (!serverless && !read_policy_associations (policy, object, prefix, oddities, error))
    return NULL;

  keep_extras (object, serverless ? serverless_policy_members : hosted_policy_members,
               pm_policy_get_extra (policy));
  if (reply)
    {
      check_read_policy (policy, oddities);
      pm_policy_set_oddities (policy, (GStrv) g_ptr_array_free (g_steal_pointer (&oddities), FALSE));
    }
  return g_steal_pointer (&policy);
}

PmPolicy *
pm_json_read_policy (JsonNode   *node,
                     PmFlavour   flavour,
                     GError    **error)
{
  return read_policy (node, flavour, TRUE, NULL, error);
}

PmPolicy *
pm_json_read_policy_request (JsonNode   *node,
                             PmFlavour   flavour,
                             GError    **error)
{
  return read_policy (node, flavour, FALSE, NULL, error);
}

GPtrArray *
pm_json_read_policy_list (JsonNode   *node,
                          PmFlavour   flavour,
                          char      **next_page_out,
                          GError    **error)
{
  gboolean serverless = flavour == PM_FLAVOUR_SERVERLESS;
  const char *member = serverless ? "items" : "rulesets";
  g_autoptr(GPtrArray) result = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *next_page = NULL;
  JsonObject *object;
  JsonArray *array;

  if (next_page_out != NULL)
    *next_page_out = NULL;
  if ((object = require_object (node, serverless ? "TrafficFilterList" : "TrafficFilterRulesets", error)) == NULL)
    return NULL;
  array = read_array (object, NULL, member, TRUE, &local_error);
  if (array == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (serverless && !read_string (object, NULL, "next_page", FALSE, &next_page, error))
    return NULL;

  result = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("%s[%u]", member, i);
      g_autoptr(GError) element_error = NULL;
      PmPolicy *policy = read_policy (json_array_get_element (array, i), flavour, TRUE, prefix, &element_error);

      if (policy != NULL)
        g_ptr_array_add (result, policy);
      else if (g_error_matches (element_error, PM_JSON_ERROR, PM_JSON_ERROR_NO_ID))
        count_left_out (prefix, element_error);
      else
        {
          g_propagate_error (error, g_steal_pointer (&element_error));
          return NULL;
        }
    }
  if (next_page_out != NULL && next_page != NULL && *next_page != '\0')
    *next_page_out = g_strdup (next_page);
  return g_steal_pointer (&result);
}

static JsonArray *
write_rules (PmPolicy *policy)
{
  guint n = pm_policy_get_n_rules (policy);
  JsonArray *array = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    {
      PmRuleFields rule;

      pm_policy_get_rule_fields (policy, i, &rule);
      json_array_add_element (array, write_rule (&rule, pm_policy_get_policy_type (policy),
                                                 pm_policy_get_flavour (policy)));
    }
  return array;
}

/* The members the policy keeps as the server sent them, in place of what
 * its fields would give (only those in members, when not NULL). */
static void
write_kept (JsonObject         *object,
            PmPolicy           *policy,
            const char * const *members)
{
  JsonObject *kept = pm_policy_peek_kept (policy);
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (kept == NULL)
    return;
  json_object_iter_init_ordered (&iter, kept);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    if (members == NULL || g_strv_contains (members, name))
      json_object_set_member (object, name, pm_json_node_deep_copy (member));
}

static JsonObject *
write_policy_body (PmPolicy *policy)
{
  JsonObject *object = json_object_new ();
  const char *name = pm_policy_get_name (policy);
  const char *type = pm_policy_get_type_string (policy);
  const char *region = pm_policy_get_region (policy);

  json_object_set_string_member (object, "name", name ? name : "");
  if (pm_policy_get_description (policy) != NULL)
    json_object_set_string_member (object, "description", pm_policy_get_description (policy));
  json_object_set_string_member (object, "type", type ? type : "");
  json_object_set_boolean_member (object, "include_by_default", pm_policy_get_include_by_default (policy));
  json_object_set_string_member (object, "region", region ? region : "");
  json_object_set_array_member (object, "rules", write_rules (policy));
  write_kept (object, policy, NULL);
  return object;
}

JsonNode *
pm_json_write_policy_request (PmPolicy *policy)
{
  /* Members a request must not carry, whatever the extras say. */
  static const char * const not_in_request[] = { "id", "associations", "total_associations", NULL };
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (PM_IS_POLICY (policy), NULL);

  object = write_policy_body (policy);
  write_extras (object, pm_policy_get_extra (policy), not_in_request);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

JsonNode *
pm_json_write_policy (PmPolicy *policy)
{
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (PM_IS_POLICY (policy), NULL);

  object = write_policy_body (policy);
  if (pm_policy_get_id (policy) != NULL)
    json_object_set_string_member (object, "id", pm_policy_get_id (policy));
  if (pm_policy_get_flavour (policy) != PM_FLAVOUR_SERVERLESS && pm_policy_has_associations_info (policy))
    {
      GListModel *associations = pm_policy_get_associations (policy);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < g_list_model_get_n_items (associations); i++)
        {
          g_autoptr(PmAssociation) association = g_list_model_get_item (associations, i);

          json_array_add_element (array, pm_json_write_association (association));
        }
      json_object_set_array_member (object, "associations", array);
      json_object_set_int_member (object, "total_associations",
                                  MAX (pm_policy_get_n_associations (policy), 0));
    }
  write_extras (object, pm_policy_get_extra (policy), NULL);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

JsonNode *
pm_json_write_policy_patch (PmPolicy *policy)
{
  static const char * const patch_members[] = { "name", "description", "include_by_default", "rules", NULL };
  JsonObject *object;
  JsonNode *node;
  const char *name;

  g_return_val_if_fail (PM_IS_POLICY (policy), NULL);

  object = json_object_new ();
  name = pm_policy_get_name (policy);
  json_object_set_string_member (object, "name", name ? name : "");
  if (pm_policy_get_description (policy) != NULL)
    json_object_set_string_member (object, "description", pm_policy_get_description (policy));
  json_object_set_boolean_member (object, "include_by_default", pm_policy_get_include_by_default (policy));
  json_object_set_array_member (object, "rules", write_rules (policy));
  write_kept (object, policy, patch_members);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

gboolean
pm_json_apply_policy_patch (PmPolicy  *policy,
                            JsonNode  *node,
                            GError   **error)
{
  g_autoptr(GPtrArray) rules = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name, *description;
  gboolean include_by_default;
  JsonObject *object;
  JsonArray *array;

  g_return_val_if_fail (PM_IS_POLICY (policy), FALSE);

  if ((object = require_object (node, "PatchTrafficFilterRequest", error)) == NULL)
    return FALSE;
  include_by_default = pm_policy_get_include_by_default (policy);
  if (!read_string (object, NULL, "name", FALSE, &name, error) ||
      !read_string (object, NULL, "description", FALSE, &description, error) ||
      !read_boolean (object, NULL, "include_by_default", &include_by_default, error))
    return FALSE;
  array = read_array (object, NULL, "rules", FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (array != NULL)
    {
      rules = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *prefix = g_strdup_printf ("rules[%u]", i);
          PmRule *rule = read_rule (json_array_get_element (array, i),
                                    pm_policy_get_flavour (policy), prefix, error);

          if (rule == NULL)
            return FALSE;
          g_ptr_array_add (rules, rule);
        }
    }

  /* Nothing changes unless the whole patch reads. */
  if (name != NULL)
    pm_policy_set_name (policy, name);
  if (description != NULL)
    pm_policy_set_description (policy, description);
  pm_policy_set_include_by_default (policy, include_by_default);
  if (rules != NULL)
    g_list_store_splice (G_LIST_STORE (pm_policy_get_rules (policy)), 0,
                         pm_policy_get_n_rules (policy), rules->pdata, rules->len);
  return TRUE;
}

char *
pm_json_read_ruleset_response (JsonNode  *node,
                               GError   **error)
{
  JsonObject *object;
  const char *id;

  if ((object = require_object (node, "TrafficFilterRulesetResponse", error)) == NULL ||
      !read_string (object, NULL, "id", TRUE, &id, error))
    return NULL;
  if (*id == '\0')
    {
      set_shape_error (error, NULL, "id", SHAPE_EMPTY);
      return NULL;
    }
  return g_strdup (id);
}

JsonNode *
pm_json_write_ruleset_response (const char *id)
{
  JsonObject *object = json_object_new ();
  JsonNode *node;

  g_return_val_if_fail (id != NULL, NULL);

  json_object_set_string_member (object, "id", id);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

/* ---- deployments and projects ------------------------------------------ */

/* The first Elasticsearch resource of a deployment, from either a listing
 * (resources: [{kind, region, …}]) or a deployment (resources: {elasticsearch: […]}). */
static JsonObject *
find_elasticsearch_resource (JsonObject *deployment)
{
  JsonNode *resources = get_member (deployment, "resources");
  JsonArray *array = NULL;

  if (resources == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (resources))
    {
      JsonNode *es = get_member (json_node_get_object (resources), "elasticsearch");

      if (es != NULL && JSON_NODE_HOLDS_ARRAY (es))
        array = json_node_get_array (es);
    }
  else if (JSON_NODE_HOLDS_ARRAY (resources))
    array = json_node_get_array (resources);
  if (array == NULL)
    return NULL;

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonNode *element = json_array_get_element (array, i);
        JsonObject *resource;
        JsonNode *kind;

        if (!JSON_NODE_HOLDS_OBJECT (element))
          continue;
        resource = json_node_get_object (element);
        kind = get_member (resource, "kind");
        /* First pass: an explicit Elasticsearch resource; second: any. */
        if (pass == 1 ||
            (kind != NULL && json_node_get_value_type (kind) == G_TYPE_STRING &&
             g_strcmp0 (json_node_get_string (kind), "elasticsearch") == 0))
          return resource;
      }
  return NULL;
}

static const char *
lenient_string (JsonObject *object,
                const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = get_member (object, member)) == NULL ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
lenient_object (JsonObject *object,
                const char *member)
{
  JsonNode *node;

  if (object == NULL || (node = get_member (object, member)) == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

/* A reply element's id: NULL and PM_JSON_ERROR_NO_ID when it has none,
 * for nothing can then refer to it. */
static const char *
reply_id (JsonObject  *object,
          const char  *prefix,
          GError     **error)
{
  const char *id = lenient_string (object, "id");

  if (id == NULL || *id == '\0')
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_NO_ID, _("Field “%s” is missing"),
                   prefix != NULL ? prefix : "id");
      return NULL;
    }
  return id;
}

/* An entity's name, as text: when it is not text, the value as JSON (or
 * the id when there is none) and, in *oddity, why. */
static char *
lenient_entity_name (JsonObject  *object,
                     const char  *member,
                     const char  *id,
                     char       **oddity)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *oddity = g_strdup (_("It has no name; Perimeter shows its id"));
      return g_strdup (id);
    }
  *oddity = g_strdup_printf (_("Its name is %s, not text"), describe_kind (node));
  return value_text (node);
}

static PmEntity *
read_deployment (JsonNode    *node,
                 const char  *prefix,
                 GError     **error)
{
  g_autofree char *oddity = NULL;
  g_autofree char *name = NULL;
  const char *id, *region, *alias;
  JsonObject *object, *resource, *metadata;
  PmEntity *entity;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_NO_ID,
                   _("Field “%s” must be an object"), prefix);
      return NULL;
    }
  object = json_node_get_object (node);
  if ((id = reply_id (object, prefix, error)) == NULL)
    return NULL;
  name = lenient_entity_name (object, "name", id, &oddity);

  resource = find_elasticsearch_resource (object);
  region = lenient_string (resource, "region");
  if (region == NULL)
    region = lenient_string (object, "region");
  metadata = lenient_object (lenient_object (resource, "info"), "metadata");

  entity = pm_entity_new (PM_ENTITY_KIND_DEPLOYMENT, "deployment", id, name, region);
  pm_entity_set_oddity (entity, oddity);
  alias = lenient_string (object, "alias");
  if (alias != NULL && *alias != '\0')
    pm_entity_set_alias (entity, alias);
  else if ((alias = lenient_string (metadata, "aliased_endpoint")) != NULL && *alias != '\0')
    {
      /* "my-deployment-d53192.es.us-east-1.aws.found.io" → its first label. */
      g_autofree char *label = g_strndup (alias, strcspn (alias, ".:/"));

      if (*label != '\0')
        pm_entity_set_alias (entity, label);
    }
  /* No raw object: nothing writes a deployment back, and holding every
   * deployment's whole tree (resources, plans, metadata) made a large
   * organization's entities take several times its listing's size. */
  return entity;
}

ELEMENT_READER (read_deployment)

GPtrArray *
pm_json_read_deployments (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonArray *array;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    array = json_node_get_array (node);
  else
    {
      JsonObject *object = require_object (node, "DeploymentsListResponse", error);

      if (object == NULL)
        return NULL;
      array = read_array (object, NULL, "deployments", TRUE, &local_error);
      if (array == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  return read_elements (array, "deployments", read_deployment_element, error);
}

static gboolean
read_traffic_filter_ids (JsonObject  *object,
                         const char  *prefix,
                         GStrv       *ids_out,
                         GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *array_prefix = field_name (prefix, "traffic_filters");
  JsonArray *array;

  *ids_out = NULL;
  array = read_array (object, prefix, "traffic_filters", FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (array == NULL)
    return TRUE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *element_prefix = g_strdup_printf ("%s[%u]", array_prefix, i);
      JsonNode *element = json_array_get_element (array, i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                       _("Field “%s” must be an object"), element_prefix);
          return FALSE;
        }
      if (!read_string (json_node_get_object (element), element_prefix, "id", TRUE, &id, error))
        return FALSE;
      g_strv_builder_add (builder, id);
    }
  *ids_out = g_strv_builder_end (builder);
  return TRUE;
}

/* A reply's traffic_filters as far as they read: the ids of the elements
 * that have one. FALSE when one does not (or the member is no list): then
 * the list is not whole. */
static gboolean
lenient_traffic_filter_ids (JsonObject *object,
                            GStrv      *ids_out)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (object, "traffic_filters");
  gboolean whole = TRUE;
  JsonArray *array;

  *ids_out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *id = JSON_NODE_HOLDS_OBJECT (element) ? lenient_string (json_node_get_object (element), "id") : NULL;

      if (id != NULL && *id != '\0')
        g_strv_builder_add (builder, id);
      else
        whole = FALSE;
    }
  *ids_out = g_strv_builder_end (builder);
  return whole;
}

static PmEntity *
read_project (JsonNode    *node,
              const char  *prefix,
              GError     **error)
{
  g_auto(GStrv) ids = NULL;
  g_autofree char *oddity = NULL;
  g_autofree char *name = NULL;
  const char *id, *type, *region, *alias;
  gboolean partial = FALSE;
  JsonObject *object;
  PmEntity *entity;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_NO_ID,
                   _("Field “%s” must be an object"), prefix ? prefix : "project");
      return NULL;
    }
  object = json_node_get_object (node);
  if ((id = reply_id (object, prefix, error)) == NULL)
    return NULL;
  name = lenient_entity_name (object, "name", id, &oddity);
  type = lenient_string (object, "type");
  region = lenient_string (object, "region_id");
  alias = lenient_string (object, "alias");
  if (!lenient_traffic_filter_ids (object, &ids))
    {
      partial = TRUE;
      g_free (oddity);
      oddity = g_strdup (_("Its list of policies holds entries Perimeter cannot read; "
                           "change its policies in the Elastic Cloud console"));
    }
  else if (oddity == NULL && (type == NULL || region == NULL))
    oddity = g_strdup (type == NULL ? _("It has no project type") : _("It has no region"));

  entity = pm_entity_new (PM_ENTITY_KIND_PROJECT, type ? type : "", id, name, region);
  pm_entity_set_alias (entity, alias);
  pm_entity_set_policy_ids (entity, (const char * const *) ids);
  pm_entity_set_oddity (entity, oddity);
  pm_entity_set_policy_ids_partial (entity, partial);
  /* Nor a project's whole tree: its PATCH sends only traffic_filters, built
   * from the policy ids. */
  return entity;
}

ELEMENT_READER (read_project)

PmEntity *
pm_json_read_project (JsonNode  *node,
                      GError   **error)
{
  return read_project (node, NULL, error);
}

GPtrArray *
pm_json_read_project_list (JsonNode  *node,
                           char     **next_page_out,
                           GError   **error)
{
  g_autoptr(GPtrArray) result = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *next_page;
  JsonObject *object;
  JsonArray *array;

  if (next_page_out != NULL)
    *next_page_out = NULL;
  if ((object = require_object (node, "project list", error)) == NULL)
    return NULL;
  array = read_array (object, NULL, "items", TRUE, &local_error);
  if (array == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!read_string (object, NULL, "next_page", FALSE, &next_page, error))
    return NULL;

  result = read_elements (array, "items", read_project_element, error);
  if (result == NULL)
    return NULL;
  if (next_page_out != NULL && next_page != NULL && *next_page != '\0')
    *next_page_out = g_strdup (next_page);
  return g_steal_pointer (&result);
}

JsonNode *
pm_json_write_project_patch (const char * const *policy_ids)
{
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_new ();
  JsonNode *node;

  for (guint i = 0; policy_ids != NULL && policy_ids[i] != NULL; i++)
    {
      JsonObject *filter = json_object_new ();

      json_object_set_string_member (filter, "id", policy_ids[i]);
      json_array_add_object_element (array, filter);
    }
  json_object_set_array_member (object, "traffic_filters", array);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

gboolean
pm_json_read_project_patch (JsonNode  *node,
                            GStrv     *policy_ids_out,
                            GError   **error)
{
  JsonObject *object;

  g_return_val_if_fail (policy_ids_out != NULL, FALSE);

  *policy_ids_out = NULL;
  if ((object = require_object (node, "project patch", error)) == NULL)
    return FALSE;
  return read_traffic_filter_ids (object, NULL, policy_ids_out, error);
}

/* ---- claims ------------------------------------------------------------- */

static PmLinkClaim *
read_claim (JsonNode    *node,
            const char  *prefix,
            GError     **error)
{
  const char *region, *link_id, *name, *guid;
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                   _("Field “%s” must be an object"), prefix ? prefix : "claim");
      return NULL;
    }
  object = json_node_get_object (node);
  if (!read_string (object, prefix, "region", TRUE, &region, error) ||
      !read_string (object, prefix, "link_id", FALSE, &link_id, error) ||
      !read_string (object, prefix, "azure_endpoint_name", FALSE, &name, error) ||
      !read_string (object, prefix, "azure_endpoint_guid", FALSE, &guid, error))
    return NULL;
  if (link_id != NULL)
    return pm_link_claim_new_link_id (region, link_id);
  if (name != NULL || guid != NULL)
    return pm_link_claim_new_azure (region, name, guid);
  set_shape_error (error, prefix, "link_id", SHAPE_NO_LINK_ID);
  return NULL;
}

/* A claim of a reply: one whose region is odd is shown with it as JSON;
 * one with no link id and no Azure endpoint cannot be known: left out. */
static PmLinkClaim *
lenient_read_claim (JsonNode    *node,
                    const char  *prefix,
                    GError     **error)
{
  g_autofree char *region_text = NULL;
  const char *region, *link_id, *name, *guid;
  PmLinkClaim *claim;
  JsonObject *object;
  JsonNode *region_node;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_NO_ID, _("Field “%s” must be an object"), prefix);
      return NULL;
    }
  object = json_node_get_object (node);
  link_id = lenient_string (object, "link_id");
  name = lenient_string (object, "azure_endpoint_name");
  guid = lenient_string (object, "azure_endpoint_guid");
  if (link_id == NULL && name == NULL && guid == NULL)
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_NO_ID,
                   _("Field “%s” has no link id and no Azure endpoint"), prefix);
      return NULL;
    }
  region = lenient_string (object, "region");
  region_node = json_object_get_member (object, "region");
  if (region == NULL && region_node != NULL)
    region = region_text = value_text (region_node);
  claim = link_id != NULL ? pm_link_claim_new_link_id (region ? region : "", link_id)
                          : pm_link_claim_new_azure (region ? region : "", name, guid);
  if (region_node == NULL || JSON_NODE_HOLDS_NULL (region_node))
    pm_link_claim_set_oddity (claim, _("It has no region"));
  else if (region_text != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Its region is %s, not text"), describe_kind (region_node));

      pm_link_claim_set_oddity (claim, text);
    }
  return claim;
}

ELEMENT_READER (lenient_read_claim)

PmLinkClaim *
pm_json_read_claim (JsonNode  *node,
                    GError   **error)
{
  return read_claim (node, NULL, error);
}

GPtrArray *
pm_json_read_claims (JsonNode  *node,
                     GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonArray *array;

  if ((object = require_object (node, "TrafficFilterClaimedLinkIds", error)) == NULL)
    return NULL;
  array = read_array (object, NULL, "claimed_link_ids", TRUE, &local_error);
  if (array == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return read_elements (array, "claimed_link_ids", lenient_read_claim_element, error);
}

JsonNode *
pm_json_write_claim_request (PmLinkClaim *claim)
{
  JsonObject *object;
  JsonNode *node;
  const char *region;

  g_return_val_if_fail (PM_IS_LINK_CLAIM (claim), NULL);

  object = json_object_new ();
  region = pm_link_claim_get_region (claim);
  json_object_set_string_member (object, "region", region ? region : "");
  if (pm_link_claim_get_link_id (claim) != NULL)
    json_object_set_string_member (object, "link_id", pm_link_claim_get_link_id (claim));
  if (pm_link_claim_get_azure_endpoint_name (claim) != NULL)
    json_object_set_string_member (object, "azure_endpoint_name",
                                   pm_link_claim_get_azure_endpoint_name (claim));
  if (pm_link_claim_get_azure_endpoint_guid (claim) != NULL)
    json_object_set_string_member (object, "azure_endpoint_guid",
                                   pm_link_claim_get_azure_endpoint_guid (claim));
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

/* ---- metadata and errors ------------------------------------------------ */

GPtrArray *
pm_json_read_metadata (JsonNode  *node,
                       GError   **error)
{
  g_autoptr(GPtrArray) result = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonArray *array;

  if ((object = require_object (node, "TrafficFilterMetadata", error)) == NULL)
    return NULL;
  array = read_array (object, NULL, "regions", FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  result = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      PmRegion *region;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_SHAPE,
                       _("Field “regions[%u]” must be an object"), i);
          return NULL;
        }
      region = pm_region_new_from_metadata (json_node_get_object (element), error);
      if (region == NULL)
        {
          g_prefix_error (error, "regions[%u]: ", i);
          return NULL;
        }
      g_ptr_array_add (result, region);
    }
  return g_steal_pointer (&result);
}

gboolean
pm_json_read_error_body (JsonNode  *node,
                         char     **code_out,
                         char     **message_out,
                         GStrv     *fields_out)
{
  g_autoptr(GStrvBuilder) fields = g_strv_builder_new ();
  JsonObject *object, *first;
  JsonNode *errors, *element;
  JsonArray *array;

  if (code_out != NULL)
    *code_out = NULL;
  if (message_out != NULL)
    *message_out = NULL;
  if (fields_out != NULL)
    *fields_out = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  errors = get_member (object, "errors");
  if (errors == NULL || !JSON_NODE_HOLDS_ARRAY (errors))
    return FALSE;
  array = json_node_get_array (errors);
  if (json_array_get_length (array) == 0)
    return FALSE;
  element = json_array_get_element (array, 0);
  if (!JSON_NODE_HOLDS_OBJECT (element))
    return FALSE;
  first = json_node_get_object (element);

  /* Fields of every error, each once. */
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *error_node = json_array_get_element (array, i);
      JsonNode *list;

      if (!JSON_NODE_HOLDS_OBJECT (error_node) ||
          (list = get_member (json_node_get_object (error_node), "fields")) == NULL ||
          !JSON_NODE_HOLDS_ARRAY (list))
        continue;
      for (guint j = 0; j < json_array_get_length (json_node_get_array (list)); j++)
        {
          JsonNode *field = json_array_get_element (json_node_get_array (list), j);

          if (json_node_get_value_type (field) == G_TYPE_STRING)
            g_strv_builder_add (fields, json_node_get_string (field));
        }
    }

  if (code_out != NULL)
    *code_out = g_strdup (lenient_string (first, "code"));
  if (message_out != NULL)
    *message_out = g_strdup (lenient_string (first, "message"));
  if (fields_out != NULL)
    {
      g_auto(GStrv) all = g_strv_builder_end (fields);
      g_autoptr(GStrvBuilder) unique = g_strv_builder_new ();

      for (guint i = 0; all[i] != NULL; i++)
        {
          gboolean seen = FALSE;

          for (guint j = 0; j < i && !seen; j++)
            seen = strcmp (all[i], all[j]) == 0;
          if (!seen)
            g_strv_builder_add (unique, all[i]);
        }
      *fields_out = g_strv_builder_end (unique);
    }
  return TRUE;
}

/* ---- parsing ------------------------------------------------------------ */

typedef enum {
  SHAPE_OK,
  SHAPE_TOO_DEEP,
  SHAPE_SEVERAL_VALUES,
} Shape;

static gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One pass over the document before json-glib sees it. json-glib's parser
 * recurses: absurd nesting is refused first. And it reads a document of
 * several values its own way (1.6 keeps the first and drops the rest,
 * 1.10 makes them an array): a reply is one value, or not JSON. */
static Shape
document_shape (const char *data,
                gsize       size)
{
  gboolean in_string = FALSE;
  gboolean in_scalar = FALSE;   /* a number or literal at the top */
  gboolean seen_value = FALSE;  /* a value has begun at the top */
  guint depth = 0;

  for (gsize i = 0; i < size; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (depth == 0)
        {
          if (is_json_space (c))
            {
              in_scalar = FALSE;
              continue;
            }
          if (in_scalar && c != '"' && c != '[' && c != '{')
            continue;
          if (seen_value)
            return SHAPE_SEVERAL_VALUES;
          seen_value = TRUE;
          if (c != '"' && c != '[' && c != '{')
            {
              in_scalar = TRUE;
              continue;
            }
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_DEPTH)
            return SHAPE_TOO_DEEP;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return SHAPE_OK;
}

/* Checks and parses bytes with parser (whose signal handlers may take the
 * tree apart as it is built); the root, or NULL with a PM_JSON_ERROR_PARSE. */
static JsonNode *
parse_with (JsonParser  *parser,
            GBytes      *bytes,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *data;
  const char *end = NULL;
  gsize size = 0;
  JsonNode *root;

  data = bytes ? g_bytes_get_data (bytes, &size) : NULL;
  if (data == NULL || size == 0)
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE,
                   _("The document is empty"));
      return NULL;
    }
  if (size > G_MAXSSIZE || !g_utf8_validate_len (data, size, &end))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE,
                   /* No G_GSIZE_FORMAT here: xgettext cannot read macros in a message. */
                   _("The document is not valid UTF-8 text (at byte %lu)"),
                   (unsigned long) (end != NULL ? end - data : 0));
      return NULL;
    }
  switch (document_shape (data, size))
    {
    case SHAPE_TOO_DEEP:
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE,
                   _("The document is nested more than %d levels deep"), MAX_DEPTH);
      return NULL;
    case SHAPE_SEVERAL_VALUES:
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE,
                   _("The document holds more than one JSON value"));
      return NULL;
    case SHAPE_OK:
    default:
      break;
    }

  if (!json_parser_load_from_data (parser, data, (gssize) size, &local_error))
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE,
                   _("The document is not valid JSON: %s"), local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, PM_JSON_ERROR, PM_JSON_ERROR_PARSE,
                   _("The document is empty"));
      return NULL;
    }
  return json_node_copy (root);
}

JsonNode *
pm_json_parse_bytes (GBytes  *bytes,
                     GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  return parse_with (parser, bytes, error);
}

/* ---- lists, element by element ------------------------------------------ */

/* A large organization's list as one JsonNode tree took several times the
 * reply's size (a hash table per JSON object): the list's elements are
 * read as the parser finishes each, and dropped from the tree at once. */

typedef gpointer (*StreamReadFunc) (JsonNode    *node,
                                    const char  *prefix,
                                    gpointer     data,
                                    GError     **error);

/* What the elements of one array at the list's place read as. */
typedef struct
{
  JsonArray *array;
  GPtrArray *items;
  GError    *error;
  guint      n_left_out;
} ArrayRead;

static void
array_read_free (gpointer data)
{
  ArrayRead *ar = data;

  g_clear_pointer (&ar->items, g_ptr_array_unref);
  g_clear_error (&ar->error);
  g_free (ar);
}

typedef struct
{
  const char     *member;      /* the list's member of the root object */
  gboolean        root_array;  /* or the root itself is the list */
  StreamReadFunc  read;
  gpointer        data;
  GPtrArray      *arrays;      /* of ArrayRead: arrays at the list's place, the last one being read */
  guint           depth;       /* arrays open */
} ListStream;

/* Only array signals are connected: json-glib emits every signal through a
 * generic marshaller, and one per object start, end and member took longer
 * than the parse itself. The elements of every outermost array are read
 * (the list's is one of them; which one is known once the root is). */
static void
on_array_start (JsonParser *parser,
                ListStream *ls)
{
  ls->depth++;
}

static void
on_array_end (JsonParser *parser,
              JsonArray  *array,
              ListStream *ls)
{
  ls->depth--;
}

static void
on_array_element (JsonParser *parser,
                  JsonArray  *array,
                  int         index,
                  ListStream *ls)
{
  guint last = json_array_get_length (array) - 1;
  JsonNode *element = json_array_get_element (array, last);
  ArrayRead *ar;

  if (ls->depth != 1)
    return;

  ar = ls->arrays->len > 0 ? g_ptr_array_index (ls->arrays, ls->arrays->len - 1) : NULL;
  if (ar == NULL || ar->array != array)
    {
      ar = g_new0 (ArrayRead, 1);
      ar->array = array;
      ar->items = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (ls->arrays, ar);
    }
  if (ar->error == NULL)
    {
      g_autofree char *prefix = g_strdup_printf ("%s[%u]", ls->member, ar->items->len);
      gpointer item = ls->read (element, prefix, ls->data, &ar->error);

      if (item != NULL)
        g_ptr_array_add (ar->items, item);
      else if (g_error_matches (ar->error, PM_JSON_ERROR, PM_JSON_ERROR_NO_ID))
        {
          /* Lenient in: only what nothing can refer to is left out
           * (counted once this array is known to be the list). */
          g_debug ("%s left out: %s", prefix, ar->error->message);
          ar->n_left_out++;
          g_clear_error (&ar->error);
        }
    }
  json_array_remove_element (array, last);
}

/* Parses bytes, reading the elements of the list (the root object's
 * member, or the root array when root_array) with read as they come. The
 * root is given back without the list's elements (the array is empty), to
 * check its shape; *items_out holds what the elements read as, or NULL
 * when there were none. An element that does not read is the error
 * (PM_JSON_ERROR_SHAPE). */
static JsonNode *
parse_list (GBytes          *bytes,
            const char      *member,
            gboolean         root_array,
            StreamReadFunc   read,
            gpointer         data,
            GPtrArray      **items_out,
            GError         **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) arrays = g_ptr_array_new_with_free_func (array_read_free);
  ListStream ls = { member, root_array, read, data, arrays, 0 };
  JsonArray *list = NULL;
  JsonNode *root;

  *items_out = NULL;
  g_signal_connect (parser, "array-start", G_CALLBACK (on_array_start), &ls);
  g_signal_connect (parser, "array-end", G_CALLBACK (on_array_end), &ls);
  g_signal_connect (parser, "array-element", G_CALLBACK (on_array_element), &ls);
  root = parse_with (parser, bytes, error);
  if (root == NULL)
    return NULL;

  if (root_array && JSON_NODE_HOLDS_ARRAY (root))
    list = json_node_get_array (root);
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *node = json_object_get_member (json_node_get_object (root), member);

      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        list = json_node_get_array (node);
    }
  for (guint i = 0; list != NULL && i < arrays->len; i++)
    {
      ArrayRead *ar = g_ptr_array_index (arrays, i);

      if (ar->array != list)
        continue;
      if (ar->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&ar->error));
          json_node_unref (root);
          return NULL;
        }
      *items_out = g_steal_pointer (&ar->items);
      add_left_out (ar->n_left_out);
    }
  return root;
}

static gpointer
stream_read_policy (JsonNode    *node,
                    const char  *prefix,
                    gpointer     data,
                    GError     **error)
{
  return read_policy (node, GPOINTER_TO_INT (data), TRUE, prefix, error);
}

GPtrArray *
pm_json_read_policy_list_bytes (GBytes     *bytes,
                                PmFlavour   flavour,
                                char      **next_page_out,
                                GError    **error)
{
  gboolean serverless = flavour == PM_FLAVOUR_SERVERLESS;
  const char *member = serverless ? "items" : "rulesets";
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *next_page = NULL;
  JsonObject *object;

  if (next_page_out != NULL)
    *next_page_out = NULL;
  root = parse_list (bytes, member, FALSE, stream_read_policy, GINT_TO_POINTER (flavour), &items, error);
  if (root == NULL)
    return NULL;
  if ((object = require_object (root, serverless ? "TrafficFilterList" : "TrafficFilterRulesets", error)) == NULL)
    return NULL;
  if (read_array (object, NULL, member, TRUE, &local_error) == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (serverless && !read_string (object, NULL, "next_page", FALSE, &next_page, error))
    return NULL;
  if (items == NULL)
    items = g_ptr_array_new_with_free_func (g_object_unref);
  if (next_page_out != NULL && next_page != NULL && *next_page != '\0')
    *next_page_out = g_strdup (next_page);
  return g_steal_pointer (&items);
}

char *
pm_json_to_string (JsonNode *node,
                   gboolean  pretty)
{
  g_return_val_if_fail (node != NULL, NULL);

  return json_to_string (node, pretty);
}

JsonNode *
pm_json_node_copy_deep (JsonNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return pm_json_node_deep_copy (node);
}

static gpointer
stream_read_plain (JsonNode    *node,
                   const char  *prefix,
                   gpointer     data,
                   GError     **error)
{
  ReadElementFunc read = (ReadElementFunc) data;

  return read (node, prefix, error);
}

GPtrArray *
pm_json_read_deployments_bytes (GBytes  *bytes,
                                GError **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;

  root = parse_list (bytes, "deployments", TRUE, stream_read_plain, (gpointer) read_deployment_element, &items, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonObject *object = require_object (root, "DeploymentsListResponse", error);

      if (object == NULL)
        return NULL;
      if (read_array (object, NULL, "deployments", TRUE, &local_error) == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  if (items == NULL)
    items = g_ptr_array_new_with_free_func (g_object_unref);
  return g_steal_pointer (&items);
}

GPtrArray *
pm_json_read_project_list_bytes (GBytes  *bytes,
                                 char   **next_page_out,
                                 GError **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *next_page;
  JsonObject *object;

  if (next_page_out != NULL)
    *next_page_out = NULL;
  root = parse_list (bytes, "items", FALSE, stream_read_plain, (gpointer) read_project_element, &items, error);
  if (root == NULL)
    return NULL;
  if ((object = require_object (root, "project list", error)) == NULL)
    return NULL;
  if (read_array (object, NULL, "items", TRUE, &local_error) == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!read_string (object, NULL, "next_page", FALSE, &next_page, error))
    return NULL;
  if (items == NULL)
    items = g_ptr_array_new_with_free_func (g_object_unref);
  if (next_page_out != NULL && next_page != NULL && *next_page != '\0')
    *next_page_out = g_strdup (next_page);
  return g_steal_pointer (&items);
}
