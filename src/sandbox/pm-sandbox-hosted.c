/* pm-sandbox-hosted.c: the Elastic Cloud Hosted / ECE traffic-filter endpoints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pm-sandbox-private.h"

#define SEG(i) (request->segments[i])

static const char * const hosted_types[] = {
  "ip", "egress_firewall", "vpce", "azure_private_endpoint",
  "gcp_private_service_connect_endpoint", NULL
};

static void
method_not_allowed (PmSbReply *reply)
{
  pm_sb_reply_error (reply, 405, "root.method_not_allowed", NULL, "Method not allowed for this path");
}

static void
empty_object (PmSbReply *reply,
              guint      status)
{
  pm_sb_reply_object (reply, status, json_object_new ());
}

static PmSbPolicy *
lookup_ruleset (PmSbState   *state,
                PmSbRequest *request,
                const char  *id,
                PmSbReply   *reply)
{
  return pm_sb_lookup_policy (state, state->ruleset_by_id, request, id, reply,
                              "ruleset_id", "traffic filter ruleset");
}

static gboolean
member_is (JsonObject *object,
           const char *name,
           GType       type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return FALSE;
  if (type == JSON_TYPE_ARRAY)
    return JSON_NODE_HOLDS_ARRAY (node);
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* The ruleset's stored fields from a request body, or NULL after a 400. */
static JsonObject *
ruleset_from_body (PmSbState   *state,
                   PmSbRequest *request,
                   PmSbReply   *reply)
{
  g_autoptr(JsonObject) body = pm_sb_parse_body (request, reply, "traffic_filter.invalid_input");
  const struct { const char *name; GType type; } required[] = {
    { "name", G_TYPE_STRING }, { "type", G_TYPE_STRING }, { "region", G_TYPE_STRING },
    { "include_by_default", G_TYPE_BOOLEAN }, { "rules", JSON_TYPE_ARRAY },
  };
  JsonObject *obj;
  JsonArray *rules;

  if (body == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (!member_is (body, required[i].name, required[i].type))
      {
        pm_sb_reply_error (reply, 400, "traffic_filter.invalid_input", required[i].name,
                           "The field %s is missing or has the wrong type", required[i].name);
        return NULL;
      }
  if (json_object_has_member (body, "description") && !member_is (body, "description", G_TYPE_STRING))
    {
      pm_sb_reply_error (reply, 400, "traffic_filter.invalid_input", "description",
                         "The description must be a string");
      return NULL;
    }
  if (*json_object_get_string_member (body, "name") == '\0'
      || g_utf8_strlen (json_object_get_string_member (body, "name"), -1) > 128)
    {
      pm_sb_reply_error (reply, 400, "traffic_filter.invalid_input", "name",
                         "The name must have 1 to 128 characters");
      return NULL;
    }
  if (*json_object_get_string_member (body, "region") == '\0')
    {
      pm_sb_reply_error (reply, 400, "traffic_filter.invalid_input", "region", "The region is empty");
      return NULL;
    }
  if (!g_strv_contains (hosted_types, json_object_get_string_member (body, "type")))
    {
      pm_sb_reply_error (reply, 400, "traffic_filter.invalid_type", "type",
                         "Unknown rule set type %s", json_object_get_string_member (body, "type"));
      return NULL;
    }
  if (!pm_sb_check_rules (body, FALSE, reply, "traffic_filter.invalid_rule"))
    return NULL;

  obj = json_object_new ();
  json_object_set_string_member (obj, "name", json_object_get_string_member (body, "name"));
  json_object_set_string_member (obj, "description",
                                 json_object_get_string_member_with_default (body, "description", ""));
  json_object_set_string_member (obj, "type", json_object_get_string_member (body, "type"));
  json_object_set_boolean_member (obj, "include_by_default",
                                  json_object_get_boolean_member (body, "include_by_default"));
  json_object_set_string_member (obj, "region", json_object_get_string_member (body, "region"));
  rules = json_array_new ();
  for (guint i = 0; i < json_array_get_length (json_object_get_array_member (body, "rules")); i++)
    {
      JsonObject *rule = json_array_get_object_element (json_object_get_array_member (body, "rules"), i);
      JsonNode *copy = json_node_copy (json_array_get_element (json_object_get_array_member (body, "rules"), i));

      if (!member_is (rule, "id", G_TYPE_STRING))
        {
          g_autofree char *id = pm_sb_state_new_id (state);

          json_object_set_string_member (json_node_get_object (copy), "id", id);
        }
      json_array_add_element (rules, copy);
    }
  json_object_set_array_member (obj, "rules", rules);
  return obj;
}

static void
list_rulesets (PmSbState   *state,
               PmSbRequest *request,
               PmSbReply   *reply)
{
  JsonObject *root = json_object_new ();
  JsonArray *array = json_array_new ();
  const char *region = pm_sb_query (request, "region");
  gboolean associations = pm_sb_query_bool (request, "include_associations");

  for (guint i = 0; i < state->rulesets->len; i++)
    {
      PmSbPolicy *policy = g_ptr_array_index (state->rulesets, i);

      if (region && *region && !pm_sb_same_region (region, json_object_get_string_member (policy->obj, "region")))
        continue;
      json_array_add_object_element (array, pm_sb_ruleset_to_json (state, policy, associations));
    }
  json_object_set_array_member (root, "rulesets", array);
  pm_sb_reply_object (reply, 200, root);
}

static void
create_ruleset (PmSbState   *state,
                PmSbRequest *request,
                PmSbReply   *reply)
{
  JsonObject *obj = ruleset_from_body (state, request, reply);
  PmSbPolicy *policy;
  JsonObject *root;

  if (obj == NULL)
    return;
  policy = pm_sb_policy_new (pm_sb_state_new_id (state), obj);
  pm_sb_state_add_ruleset (state, policy);
  root = json_object_new ();
  json_object_set_string_member (root, "id", policy->id);
  reply->created_id = g_strdup (policy->id);
  pm_sb_reply_object (reply, 201, root);
}

static void
update_ruleset (PmSbState   *state,
                PmSbPolicy  *policy,
                PmSbRequest *request,
                PmSbReply   *reply)
{
  JsonObject *obj = ruleset_from_body (state, request, reply);
  JsonObject *root;

  if (obj == NULL)
    return;
  json_object_unref (policy->obj);
  policy->obj = obj;
  root = json_object_new ();
  json_object_set_string_member (root, "id", policy->id);
  pm_sb_reply_object (reply, 200, root);
}

static void
delete_ruleset (PmSbState   *state,
                PmSbPolicy  *policy,
                PmSbRequest *request,
                PmSbReply   *reply)
{
  if (policy->deployments->len > 0 && !pm_sb_query_bool (request, "ignore_associations"))
    {
      pm_sb_reply_error (reply, 400, "deployments.traffic_filter.ruleset_in_use", "ruleset_id",
                         "The rule set %s is associated with %u deployments; remove the associations first",
                         policy->id, policy->deployments->len);
      return;
    }
  g_hash_table_remove (state->ruleset_by_id, policy->id);
  g_ptr_array_remove (state->rulesets, policy);
  empty_object (reply, 200);
}

static void
list_associations (PmSbPolicy *policy,
                   PmSbReply  *reply)
{
  JsonObject *root = json_object_new ();

  json_object_set_array_member (root, "associations", pm_sb_associations_to_json (policy));
  json_object_set_int_member (root, "total_associations", policy->deployments->len);
  pm_sb_reply_object (reply, 200, root);
}

static gboolean
has_deployment (PmSbPolicy *policy,
                const char *id,
                guint      *index)
{
  return g_ptr_array_find_with_equal_func (policy->deployments, id, g_str_equal, index);
}

static void
add_association (PmSbState   *state,
                 PmSbPolicy  *policy,
                 PmSbRequest *request,
                 PmSbReply   *reply)
{
  g_autoptr(JsonObject) body = pm_sb_parse_body (request, reply, "traffic_filter.invalid_input");
  const char *entity_type, *id;
  PmSbDeployment *deployment;

  if (body == NULL)
    return;
  entity_type = json_object_get_string_member_with_default (body, "entity_type", NULL);
  id = json_object_get_string_member_with_default (body, "id", NULL);
  if (id == NULL || *id == '\0')
    {
      pm_sb_reply_error (reply, 400, "traffic_filter.invalid_input", "id", "The entity id is missing");
      return;
    }
  if (g_strcmp0 (entity_type, "deployment") != 0)
    {
      pm_sb_reply_error (reply, 400, "traffic_filter.invalid_association_type", "entity_type",
                         "Invalid association type %s", entity_type ? entity_type : "(none)");
      return;
    }
  deployment = g_hash_table_lookup (state->deployment_by_id, id);
  if (deployment == NULL)
    {
      pm_sb_reply_error (reply, 404, "deployments.deployment_not_found", "id",
                         "The deployment %s cannot be found", id);
      return;
    }
  if (!pm_sb_same_region (deployment->region, json_object_get_string_member (policy->obj, "region")))
    {
      pm_sb_reply_error (reply, 400, "traffic_filter.region_mismatch", "id",
                         "The rule set is in region %s but the deployment %s is in region %s",
                         json_object_get_string_member (policy->obj, "region"), id, deployment->region);
      return;
    }
  if (has_deployment (policy, id, NULL))
    {
      empty_object (reply, 200);
      return;
    }
  g_ptr_array_add (policy->deployments, g_strdup (id));
  empty_object (reply, 201);
}

static void
delete_association (PmSbPolicy  *policy,
                    PmSbRequest *request,
                    PmSbReply   *reply)
{
  guint index;

  if (!g_str_equal (SEG (7), "deployment") || !has_deployment (policy, SEG (8), &index))
    {
      pm_sb_reply_error (reply, 404, "traffic_filter.not_found", "associated_entity_id",
                         "The rule set %s is not associated with %s %s", policy->id, SEG (7), SEG (8));
      return;
    }
  g_ptr_array_remove_index (policy->deployments, index);
  empty_object (reply, 200);
}

static void
rulesets_of_entity (PmSbState   *state,
                    PmSbRequest *request,
                    PmSbReply   *reply)
{
  JsonObject *root;
  JsonArray *array;

  if (!g_str_equal (SEG (5), "deployment"))
    {
      pm_sb_reply_error (reply, 400, "traffic_filter.invalid_association_type", "association_type",
                         "Invalid association type %s", SEG (5));
      return;
    }
  root = json_object_new ();
  array = json_array_new ();
  for (guint i = 0; i < state->rulesets->len; i++)
    {
      PmSbPolicy *policy = g_ptr_array_index (state->rulesets, i);

      if (has_deployment (policy, SEG (6), NULL))
        json_array_add_string_element (array, policy->id);
    }
  json_object_set_array_member (root, "rulesets", array);
  pm_sb_reply_object (reply, 200, root);
}

static void
list_claims (PmSbState   *state,
             PmSbRequest *request,
             PmSbReply   *reply)
{
  JsonObject *root = json_object_new ();
  JsonArray *array = json_array_new ();
  const char *region = pm_sb_query (request, "region");

  for (guint i = 0; i < state->claims->len; i++)
    {
      PmSbClaim *claim = g_ptr_array_index (state->claims, i);

      if (region && *region && !pm_sb_same_region (region, claim->region))
        continue;
      json_array_add_object_element (array, pm_sb_claim_to_json (claim));
    }
  json_object_set_array_member (root, "claimed_link_ids", array);
  pm_sb_reply_object (reply, 200, root);
}

/* The claim a body names (validated), or FALSE after a 400. */
static gboolean
claim_from_body (PmSbRequest *request,
                 PmSbReply   *reply,
                 PmSbClaim   *out)
{
  g_autoptr(JsonObject) body = pm_sb_parse_body (request, reply, "traffic_filter_claimed_link_id.invalid_input");
  const char *code = "traffic_filter_claimed_link_id.invalid_input";

  if (body == NULL)
    return FALSE;
  out->region = g_strdup (json_object_get_string_member_with_default (body, "region", NULL));
  out->link_id = g_strdup (json_object_get_string_member_with_default (body, "link_id", NULL));
  out->azure_endpoint_name = g_strdup (json_object_get_string_member_with_default (body, "azure_endpoint_name", NULL));
  out->azure_endpoint_guid = g_strdup (json_object_get_string_member_with_default (body, "azure_endpoint_guid", NULL));
  if (out->region == NULL || *out->region == '\0')
    {
      pm_sb_reply_error (reply, 400, code, "region", "The region is missing");
      return FALSE;
    }
  if (g_str_has_prefix (out->region, "azure-"))
    {
      if (out->azure_endpoint_name == NULL || *out->azure_endpoint_name == '\0')
        {
          pm_sb_reply_error (reply, 400, code, "azure_endpoint_name", "The Azure endpoint name is missing");
          return FALSE;
        }
      if (out->azure_endpoint_guid == NULL || !g_uuid_string_is_valid (out->azure_endpoint_guid))
        {
          pm_sb_reply_error (reply, 400, code, "azure_endpoint_guid", "The Azure endpoint GUID is not valid");
          return FALSE;
        }
      g_clear_pointer (&out->link_id, g_free);
      return TRUE;
    }
  if (out->link_id == NULL
      || (g_str_has_prefix (out->region, "gcp-")
          ? !g_ascii_string_to_unsigned (out->link_id, 10, 0, G_MAXUINT64, NULL, NULL)
          : !g_str_has_prefix (out->link_id, "vpce-") || out->link_id[5] == '\0'))
    {
      pm_sb_reply_error (reply, 400, code, "link_id", "The link id is missing or not valid for region %s",
                         out->region);
      return FALSE;
    }
  g_clear_pointer (&out->azure_endpoint_name, g_free);
  g_clear_pointer (&out->azure_endpoint_guid, g_free);
  return TRUE;
}

static int
find_claim (PmSbState *state,
            PmSbClaim *wanted)
{
  for (guint i = 0; i < state->claims->len; i++)
    {
      PmSbClaim *claim = g_ptr_array_index (state->claims, i);

      if (pm_sb_same_region (claim->region, wanted->region)
          && g_strcmp0 (claim->link_id, wanted->link_id) == 0
          && g_strcmp0 (claim->azure_endpoint_name, wanted->azure_endpoint_name) == 0
          && (wanted->azure_endpoint_guid == NULL
              || g_ascii_strcasecmp (claim->azure_endpoint_guid, wanted->azure_endpoint_guid) == 0))
        return i;
    }
  return -1;
}

static void
claim_or_unclaim (PmSbState   *state,
                  PmSbRequest *request,
                  PmSbReply   *reply,
                  gboolean     claim)
{
  PmSbClaim wanted = { 0 };
  int index;

  if (claim_from_body (request, reply, &wanted))
    {
      index = find_claim (state, &wanted);
      if (claim && index >= 0)
        /* The spec lists no conflict status for _claim; 400 as for _unclaim. */
        pm_sb_reply_error (reply, 400, "traffic_filter_claimed_link_id.already_claimed", "link_id",
                           "This private connection id is already claimed in %s", wanted.region);
      else if (claim)
        {
          pm_sb_state_add_claim (state, wanted.region, wanted.link_id,
                                 wanted.azure_endpoint_name, wanted.azure_endpoint_guid);
          pm_sb_reply_object (reply, 201, pm_sb_claim_to_json (&wanted));
        }
      else if (index < 0)
        /* The spec lists 400 (not 404) for _unclaim. */
        pm_sb_reply_error (reply, 400, "traffic_filter_claimed_link_id.not_found", "link_id",
                           "This private connection id is not claimed in %s", wanted.region);
      else
        {
          g_ptr_array_remove_index (state->claims, index);
          empty_object (reply, 200);
        }
    }
  g_free (wanted.region);
  g_free (wanted.link_id);
  g_free (wanted.azure_endpoint_name);
  g_free (wanted.azure_endpoint_guid);
}

static void
list_deployments (PmSbState *state,
                  PmSbReply *reply)
{
  JsonObject *root = json_object_new ();
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < state->deployments->len; i++)
    {
      PmSbDeployment *deployment = g_ptr_array_index (state->deployments, i);
      JsonObject *object = json_object_new ();
      JsonArray *resources = json_array_new ();
      JsonObject *es = json_object_new ();
      JsonObject *kibana = json_object_new ();
      g_autofree char *host = g_strdup_printf ("%s.es.cloud.example$%s$%s", deployment->region,
                                               deployment->es_id, deployment->kibana_id);
      g_autofree char *encoded = g_base64_encode ((const guchar *) host, strlen (host));
      g_autofree char *cloud_id = g_strdup_printf ("%s:%s", deployment->name, encoded);

      json_object_set_string_member (es, "id", deployment->es_id);
      json_object_set_string_member (es, "kind", "elasticsearch");
      json_object_set_string_member (es, "ref_id", "main-elasticsearch");
      json_object_set_string_member (es, "region", deployment->region);
      json_object_set_string_member (es, "cloud_id", cloud_id);
      json_array_add_object_element (resources, es);
      json_object_set_string_member (kibana, "id", deployment->kibana_id);
      json_object_set_string_member (kibana, "kind", "kibana");
      json_object_set_string_member (kibana, "ref_id", "main-kibana");
      json_object_set_string_member (kibana, "region", deployment->region);
      json_object_set_string_member (kibana, "elasticsearch_cluster_ref_id", "main-elasticsearch");
      json_array_add_object_element (resources, kibana);

      json_object_set_string_member (object, "id", deployment->id);
      json_object_set_string_member (object, "name", deployment->name);
      json_object_set_array_member (object, "resources", resources);
      json_array_add_object_element (array, object);
    }
  json_object_set_array_member (root, "deployments", array);
  pm_sb_reply_object (reply, 200, root);
}

static void
handle_ruleset (PmSbState   *state,
                PmSbRequest *request,
                PmSbReply   *reply)
{
  const char *method = request->method;
  PmSbPolicy *policy;

  /* api v1 deployments traffic-filter rulesets ID [associations [TYPE ID]] */
  if (request->n_segments != 6 && request->n_segments != 7 && request->n_segments != 9)
    {
      pm_sb_reply_error (reply, 404, "root.not_found", NULL, "No such path");
      return;
    }
  if (request->n_segments == 7 && !g_str_equal (SEG (6), "associations"))
    {
      pm_sb_reply_error (reply, 404, "root.not_found", NULL, "No such path");
      return;
    }
  policy = lookup_ruleset (state, request, SEG (5), reply);
  if (policy == NULL)
    return;
  if (request->n_segments == 6)
    {
      if (g_str_equal (method, "GET"))
        pm_sb_reply_object (reply, 200, pm_sb_ruleset_to_json (state, policy,
                                                               pm_sb_query_bool (request, "include_associations")));
      else if (g_str_equal (method, "PUT"))
        update_ruleset (state, policy, request, reply);
      else if (g_str_equal (method, "DELETE"))
        delete_ruleset (state, policy, request, reply);
      else
        method_not_allowed (reply);
    }
  else if (request->n_segments == 7)
    {
      if (g_str_equal (method, "GET"))
        list_associations (policy, reply);
      else if (g_str_equal (method, "POST"))
        add_association (state, policy, request, reply);
      else
        method_not_allowed (reply);
    }
  else if (g_str_equal (SEG (6), "associations") && g_str_equal (method, "DELETE"))
    delete_association (policy, request, reply);
  else if (g_str_equal (SEG (6), "associations"))
    method_not_allowed (reply);
  else
    pm_sb_reply_error (reply, 404, "root.not_found", NULL, "No such path");
}

gboolean
pm_sb_handle_hosted (PmSbState   *state,
                     PmSbRequest *request,
                     PmSbReply   *reply)
{
  const char *method = request->method;
  guint n = request->n_segments;

  if (n < 3 || !g_str_equal (SEG (0), "api") || !g_str_equal (SEG (1), "v1")
      || !g_str_equal (SEG (2), "deployments"))
    return FALSE;

  if (n == 3)
    {
      if (g_str_equal (method, "GET"))
        list_deployments (state, reply);
      else
        method_not_allowed (reply);
    }
  else if (n >= 5 && g_str_equal (SEG (3), "traffic-filter") && g_str_equal (SEG (4), "rulesets"))
    {
      if (n > 5)
        handle_ruleset (state, request, reply);
      else if (g_str_equal (method, "GET"))
        list_rulesets (state, request, reply);
      else if (g_str_equal (method, "POST"))
        create_ruleset (state, request, reply);
      else
        method_not_allowed (reply);
    }
  else if (n == 8 && g_str_equal (SEG (3), "traffic-filter") && g_str_equal (SEG (4), "associations")
           && g_str_equal (SEG (7), "rulesets"))
    {
      if (g_str_equal (method, "GET"))
        rulesets_of_entity (state, request, reply);
      else
        method_not_allowed (reply);
    }
  else if (n >= 5 && n <= 6 && g_str_equal (SEG (3), "traffic-filter") && g_str_equal (SEG (4), "link-ids"))
    {
      if (n == 5 && g_str_equal (method, "GET"))
        list_claims (state, request, reply);
      else if (n == 6 && g_str_equal (method, "POST") && g_str_equal (SEG (5), "_claim"))
        claim_or_unclaim (state, request, reply, TRUE);
      else if (n == 6 && g_str_equal (method, "POST") && g_str_equal (SEG (5), "_unclaim"))
        claim_or_unclaim (state, request, reply, FALSE);
      else if (n == 5 || g_str_equal (SEG (5), "_claim") || g_str_equal (SEG (5), "_unclaim"))
        method_not_allowed (reply);
      else
        pm_sb_reply_error (reply, 404, "root.not_found", NULL, "No such path");
    }
  else
    pm_sb_reply_error (reply, 404, "root.not_found", NULL, "No such path");
  return TRUE;
}
