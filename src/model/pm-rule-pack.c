/* pm-rule-pack.c: a policy's rules in one compact block
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* memmem() */
#include "config.h"

#include <string.h>

#include "pm-model-private.h"
#include "pm-rule-pack.h"

#define NO_EXTRA  G_MAXUINT32

enum {
  S_ID,
  S_DESCRIPTION,
  S_SOURCE,
  S_AZURE_NAME,
  S_AZURE_GUID,
  S_EGRESS_TARGET,
  N_STRINGS
};

/* A rule's strings are one after another in text, in the order above,
 * those it has only (the bits of strings say which): eight bytes a rule.
 * What few rules have (ports, unknown fields) is in a table beside. */
typedef struct
{
  guint32 text;                 /* offset of its first string in text */
  guint8  strings;              /* 1 << S_ID | ...: which it has */
  guint8  has_egress;
  guint8  egress_protocol;
  guint8  has_more;             /* it has an entry in more */
} PackedRule;

typedef struct
{
  guint32 rule;                 /* index of the rule */
  guint32 ports;                /* first port in ports */
  guint32 n_ports;
  guint32 extra;                /* index into extras, or NO_EXTRA */
  guint32 egress_extra;
  guint32 raw;
} PackedMore;

struct _PmRulePack
{
  gatomicrefcount  ref_count;
  PackedRule      *rules;
  guint            n_rules;
  guint            rules_alloc;
  char            *text;        /* NUL-terminated strings one after another */
  gsize            text_len;
  gsize            text_alloc;
  GArray          *more;        /* of PackedMore by rule, NULL until one is added */
  GArray          *ports;       /* of guint, NULL until one is added */
  GPtrArray       *extras;      /* of JsonObject, NULL until one is added */
  gboolean         ascii;       /* every string is ASCII */
  /* When some are not: those strings lowercased (from valid UTF-8), one
   * after another in the order they have in text. Built when sealed. */
  char            *folded;
};

PmRulePack *
pm_rule_pack_new (guint n_reserved)
{
  PmRulePack *pack = g_new0 (PmRulePack, 1);

  g_atomic_ref_count_init (&pack->ref_count);
  /* Not a GArray: it rounds its size up to a power of two. */
  pack->rules = g_new (PackedRule, MAX (n_reserved, 1));
  pack->rules_alloc = MAX (n_reserved, 1);
  pack->ascii = TRUE;
  return pack;
}

PmRulePack *
pm_rule_pack_ref (PmRulePack *pack)
{
  g_return_val_if_fail (pack != NULL, NULL);

  g_atomic_ref_count_inc (&pack->ref_count);
  return pack;
}

void
pm_rule_pack_unref (PmRulePack *pack)
{
  g_return_if_fail (pack != NULL);

  if (!g_atomic_ref_count_dec (&pack->ref_count))
    return;
  g_free (pack->rules);
  g_free (pack->text);
  g_clear_pointer (&pack->more, g_array_unref);
  g_clear_pointer (&pack->ports, g_array_unref);
  g_clear_pointer (&pack->extras, g_ptr_array_unref);
  g_free (pack->folded);
  g_free (pack);
}

static gboolean
is_ascii (const char *text,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) text[i] >= 0x80)
      return FALSE;
  return TRUE;
}

static void
add_string (PmRulePack *pack,
            PackedRule *rule,
            guint       which,
            const char *value)
{
  gsize len, offset;

  if (value == NULL)
    return;
  len = strlen (value) + 1;
  if (pack->ascii && !is_ascii (value, len - 1))
    pack->ascii = FALSE;
  offset = pack->text_len;
  g_return_if_fail (offset + len < G_MAXUINT32);
  if (offset + len > pack->text_alloc)
    {
      pack->text_alloc = MAX (MAX (pack->text_alloc * 2, offset + len), 256);
      pack->text = g_realloc (pack->text, pack->text_alloc);
    }
  memcpy (pack->text + offset, value, len);
  pack->text_len += len;
  rule->strings |= 1 << which;
}

static guint32
add_extra (PmRulePack *pack,
           JsonObject *extra)
{
  if (extra == NULL || json_object_get_size (extra) == 0)
    return NO_EXTRA;
  if (pack->extras == NULL)
    pack->extras = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_ptr_array_add (pack->extras, json_object_ref (extra));
  return pack->extras->len - 1;
}

void
pm_rule_pack_append (PmRulePack         *pack,
                     const PmRuleFields *fields)
{
  PackedRule rule = { 0, };
  PackedMore more = { 0, 0, 0, NO_EXTRA, NO_EXTRA, NO_EXTRA };

  g_return_if_fail (pack != NULL);
  g_return_if_fail (fields != NULL);
  g_return_if_fail (pack->text_len < G_MAXUINT32);

  rule.text = (guint32) pack->text_len;
  add_string (pack, &rule, S_ID, fields->id);
  add_string (pack, &rule, S_DESCRIPTION, fields->description);
  add_string (pack, &rule, S_SOURCE, fields->source);
  add_string (pack, &rule, S_AZURE_NAME, fields->azure_endpoint_name);
  add_string (pack, &rule, S_AZURE_GUID, fields->azure_endpoint_guid);
  add_string (pack, &rule, S_EGRESS_TARGET, fields->egress_target);
  rule.has_egress = !!fields->has_egress;
  rule.egress_protocol = (guint8) fields->egress_protocol;
  if (fields->n_ports > 0)
    {
      if (pack->ports == NULL)
        pack->ports = g_array_new (FALSE, FALSE, sizeof (guint));
      more.ports = pack->ports->len;
      more.n_ports = fields->n_ports;
      g_array_append_vals (pack->ports, fields->ports, fields->n_ports);
    }
  more.extra = add_extra (pack, fields->extra);
  more.egress_extra = add_extra (pack, fields->egress_extra);
  more.raw = add_extra (pack, fields->raw);
  if (more.n_ports > 0 || more.extra != NO_EXTRA || more.egress_extra != NO_EXTRA || more.raw != NO_EXTRA)
    {
      if (pack->more == NULL)
        pack->more = g_array_new (FALSE, FALSE, sizeof (PackedMore));
      more.rule = pack->n_rules;
      g_array_append_val (pack->more, more);
      rule.has_more = TRUE;
    }
  if (pack->n_rules == pack->rules_alloc)
    {
      pack->rules_alloc *= 2;
      pack->rules = g_renew (PackedRule, pack->rules, pack->rules_alloc);
    }
  pack->rules[pack->n_rules++] = rule;
}

/* The lowercased copy of what is not ASCII, for search (see folded). */
static char *
fold_non_ascii (PmRulePack *pack)
{
  g_autoptr(GString) folded = g_string_new (NULL);
  gsize len;

  for (gsize at = 0; at < pack->text_len; at += strlen (pack->text + at) + 1)
    {
      const char *value = pack->text + at;

      len = strlen (value);
      if (!is_ascii (value, len))
        {
          g_autofree char *valid = g_utf8_make_valid (value, len);
          g_autofree char *down = g_utf8_strdown (valid, -1);

          g_string_append_len (folded, down, strlen (down) + 1);
        }
    }
  len = MAX (folded->len, 1);
  return g_realloc (g_string_free (g_steal_pointer (&folded), FALSE), len);
}

void
pm_rule_pack_seal (PmRulePack *pack)
{
  g_return_if_fail (pack != NULL);

  if (pack->text_alloc > pack->text_len)
    {
      pack->text = g_realloc (pack->text, MAX (pack->text_len, 1));
      pack->text_alloc = MAX (pack->text_len, 1);
    }
  if (pack->rules_alloc > MAX (pack->n_rules, 1))
    {
      pack->rules_alloc = MAX (pack->n_rules, 1);
      pack->rules = g_renew (PackedRule, pack->rules, pack->rules_alloc);
    }
  if (!pack->ascii && pack->folded == NULL)
    pack->folded = fold_non_ascii (pack);
}

guint
pm_rule_pack_get_length (PmRulePack *pack)
{
  return pack != NULL ? pack->n_rules : 0;
}

static int
compare_more (gconstpointer key,
              gconstpointer element)
{
  guint rule = *(const guint *) key;
  const PackedMore *more = element;

  return rule < more->rule ? -1 : rule > more->rule;
}

void
pm_rule_pack_get (PmRulePack   *pack,
                  guint         i,
                  PmRuleFields *out)
{
  const char *strings[N_STRINGS] = { NULL, };
  const PackedRule *rule;
  const char *text;

  g_return_if_fail (pack != NULL && i < pack->n_rules);

  rule = &pack->rules[i];
  /* NULL while no rule has a string. */
  text = pack->text != NULL ? pack->text + rule->text : NULL;
  for (guint s = 0; s < N_STRINGS; s++)
    if (rule->strings & (1 << s))
      {
        strings[s] = text;
        text += strlen (text) + 1;
      }
  out->id = strings[S_ID];
  out->description = strings[S_DESCRIPTION];
  out->source = strings[S_SOURCE];
  out->azure_endpoint_name = strings[S_AZURE_NAME];
  out->azure_endpoint_guid = strings[S_AZURE_GUID];
  out->egress_target = strings[S_EGRESS_TARGET];
  out->has_egress = rule->has_egress;
  out->egress_protocol = (PmEgressProtocol) rule->egress_protocol;
  out->n_ports = 0;
  out->ports = NULL;
  out->extra = NULL;
  out->egress_extra = NULL;
  out->raw = NULL;
  if (rule->has_more)
    {
      /* Added in the order of the rules: found by bisection. */
      const PackedMore *more = bsearch (&i, pack->more->data, pack->more->len,
                                        sizeof (PackedMore), compare_more);

      g_return_if_fail (more != NULL);
      out->n_ports = more->n_ports;
      out->ports = more->n_ports > 0 ? &g_array_index (pack->ports, guint, more->ports) : NULL;
      out->extra = more->extra == NO_EXTRA ? NULL : pack->extras->pdata[more->extra];
      out->egress_extra = more->egress_extra == NO_EXTRA ? NULL : pack->extras->pdata[more->egress_extra];
      out->raw = more->raw == NO_EXTRA ? NULL : pack->extras->pdata[more->raw];
    }
}

gboolean
pm_rule_fields_equal (const PmRuleFields *a,
                      const PmRuleFields *b)
{
  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->description, b->description) == 0 &&
         g_strcmp0 (a->source, b->source) == 0 &&
         g_strcmp0 (a->azure_endpoint_name, b->azure_endpoint_name) == 0 &&
         g_strcmp0 (a->azure_endpoint_guid, b->azure_endpoint_guid) == 0 &&
         !!a->has_egress == !!b->has_egress &&
         g_strcmp0 (a->egress_target, b->egress_target) == 0 &&
         a->egress_protocol == b->egress_protocol &&
         a->n_ports == b->n_ports &&
         (a->n_ports == 0 || memcmp (a->ports, b->ports, a->n_ports * sizeof (guint)) == 0) &&
         pm_json_object_equal (a->extra, b->extra) &&
         pm_json_object_equal (a->egress_extra, b->egress_extra) &&
         pm_json_object_equal (a->raw, b->raw);
}

/* ---- search ------------------------------------------------------------- */

/* The first c in [p, limit), or limit. */
static const char *
find_byte (const char *p,
           guchar      c,
           const char *limit)
{
  const char *at = memchr (p, c, limit - p);

  return at != NULL ? at : limit;
}

/* Where word (lowercase) is in text[0..len), ASCII letters compared
 * without case; text may hold NULs (no match spans one). */
static const char *
ascii_find (const char *text,
            gsize       len,
            const char *word,
            gsize       word_len)
{
  guchar lower = (guchar) word[0];
  guchar upper = (guchar) g_ascii_toupper (word[0]);
  const char *limit, *next_lower = NULL, *next_upper = NULL;
  gboolean letters = FALSE;

  if (word_len == 0 || word_len > len)
    return word_len == 0 ? text : NULL;
  for (gsize i = 0; i < word_len && !letters; i++)
    letters = g_ascii_isalpha (word[i]);
  /* No letter (an address, a number): case does not matter. */
  if (!letters)
    return memmem (text, len, word, word_len);

  limit = text + len - word_len + 1;     /* the last start, plus one */
  for (const char *p = text; p < limit;)
    {
      const char *at;

      /* memchr for the first letter in either case: most bytes are
       * skipped at its speed. */
      if (next_lower == NULL || next_lower < p)
        next_lower = find_byte (p, lower, limit);
      if (upper != lower && (next_upper == NULL || next_upper < p))
        next_upper = find_byte (p, upper, limit);
      at = upper != lower ? MIN (next_lower, next_upper) : next_lower;
      if (at >= limit)
        return NULL;
      if (word_len == 1 ||
          (g_ascii_tolower (at[1]) == word[1] && g_ascii_strncasecmp (at + 1, word + 1, word_len - 1) == 0))
        return at;
      p = at + 1;
    }
  return NULL;
}

gboolean
pm_search_text_contains (const char *text,
                         const char *word)
{
  gsize len;

  if (text == NULL)
    return FALSE;
  len = strlen (text);
  if (is_ascii (text, len))
    return ascii_find (text, len, word, strlen (word)) != NULL;
  else
    {
      g_autofree char *valid = g_utf8_make_valid (text, len);
      g_autofree char *down = g_utf8_strdown (valid, -1);

      return strstr (down, word) != NULL;
    }
}

gboolean
pm_rule_pack_contains (PmRulePack *pack,
                       const char *word)
{
  gsize word_len;
  const char *folded;

  g_return_val_if_fail (word != NULL, FALSE);

  if (pack == NULL || pack->text_len == 0)
    return FALSE;
  word_len = strlen (word);
  /* All ASCII, the usual case: one pass over the strings as stored. A
   * word that is not ASCII (as lowercased) is in none of them. */
  if (pack->ascii)
    return is_ascii (word, word_len) && ascii_find (pack->text, pack->text_len, word, word_len) != NULL;

  folded = pack->folded;
  for (gsize at = 0; at < pack->text_len;)
    {
      const char *value = pack->text + at;
      gsize len = strlen (value);

      if (is_ascii (value, len))
        {
          if (ascii_find (value, len, word, word_len) != NULL)
            return TRUE;
        }
      else if (folded != NULL)
        {
          if (strstr (folded, word) != NULL)
            return TRUE;
          folded += strlen (folded) + 1;
        }
      else if (pm_search_text_contains (value, word))
        return TRUE;
      at += len + 1;
    }
  return FALSE;
}
