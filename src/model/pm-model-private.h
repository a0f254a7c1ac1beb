/* pm-model-private.h: small helpers shared inside the model layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pm-region.h"
#include "pm-rule.h"
#include "pm-rule-pack.h"
#include "pm-policy.h"

G_BEGIN_DECLS

/* json_node_copy() shares objects and arrays; these copy all the way down. */
static inline JsonNode *pm_json_node_deep_copy (JsonNode *node);

static inline JsonObject *
pm_json_object_deep_copy (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (object == NULL)
    return copy;
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    json_object_set_member (copy, name, pm_json_node_deep_copy (member));
  return copy;
}

static inline JsonNode *
pm_json_node_deep_copy (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *copy = pm_json_object_deep_copy (json_node_get_object (node));
        JsonNode *result = json_node_init_object (json_node_alloc (), copy);

        json_object_unref (copy);
        return result;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *copy = json_array_sized_new (json_array_get_length (array));
        JsonNode *result;

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (copy, pm_json_node_deep_copy (json_array_get_element (array, i)));
        result = json_node_init_array (json_node_alloc (), copy);
        json_array_unref (copy);
        return result;
      }
    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

/* Compares without taking references, so it is safe on objects that the
 * main thread also reads while a worker diffs them. */
static inline gboolean
pm_json_object_equal (JsonObject *a,
                      JsonObject *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;
  return json_object_equal (a, b);
}

/* Replace *slot with a copy of value; TRUE when it changed. */
static inline gboolean
pm_set_string (char       **slot,
               const char  *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

/* A rule's unknown fields without allocating them: NULL when it has none
 * (pm_rule_get_extra() allocates, for callers that write). */
JsonObject *pm_rule_peek_extra        (PmRule *self);
JsonObject *pm_rule_peek_egress_extra (PmRule *self);

/* A rule's fields, borrowed from it (valid until it changes). */
void      pm_rule_get_fields      (PmRule             *self,
                                   PmRuleFields       *out);
/* A new rule holding copies of fields. */
PmRule   *pm_rule_new_from_fields (const PmRuleFields *fields);

/* A policy's rules without making PmRule objects: count and fields of
 * rule i (from its pack, or its rules once they were asked for). Safe in a
 * worker thread on a policy that the main thread only reads. */
void      pm_policy_get_rule_fields (PmPolicy        *self,
                                     guint            i,
                                     PmRuleFields    *out);
/* Replaces the rules of a policy with those of pack (sealed). */
void      pm_policy_set_rule_pack   (PmPolicy        *self,
                                     PmRulePack      *pack);

/* Takes oddities (NULL-terminated; NULL or empty for none). */
void        pm_policy_set_oddities (PmPolicy   *self,
                                    GStrv       oddities);
/* Keep a top-level member as the server sent it (a copy of value): the
 * writers put it in place of the field until the field is set. */
void        pm_policy_keep_member  (PmPolicy   *self,
                                    const char *member,
                                    JsonNode   *value);
JsonObject *pm_policy_peek_kept    (PmPolicy   *self);   /* nullable */

/* Give a region read from metadata (named by its id) a display name. */
void pm_region_adopt_name (PmRegion   *self,
                           const char *name);

G_END_DECLS
