/* pm-sandbox-state.c: the sandbox's in-memory state and shared helpers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pm-json.h"
#include "pm-sandbox-private.h"

GResource *pm_data_get_resource (void);

static void
deployment_free (PmSbDeployment *deployment)
{
  g_free (deployment->id);
  g_free (deployment->name);
  g_free (deployment->region);
  g_free (deployment->es_id);
  g_free (deployment->kibana_id);
  g_free (deployment);
}

static void
project_free (PmSbProject *project)
{
  g_free (project->id);
  g_free (project->type);
  g_free (project->name);
  g_free (project->alias);
  g_free (project->region_id);
  g_free (project->created_at);
  g_ptr_array_unref (project->filters);
  g_free (project);
}

static void
claim_free (PmSbClaim *claim)
{
  g_free (claim->region);
  g_free (claim->link_id);
  g_free (claim->azure_endpoint_name);
  g_free (claim->azure_endpoint_guid);
  g_free (claim);
}

PmSbPolicy *
pm_sb_policy_new (char       *id,
                  JsonObject *obj)
{
  PmSbPolicy *policy = g_new0 (PmSbPolicy, 1);

  policy->id = id;
  policy->obj = obj;
  policy->deployments = g_ptr_array_new_with_free_func (g_free);
  return policy;
}

void
pm_sb_policy_free (PmSbPolicy *policy)
{
  g_free (policy->id);
  json_object_unref (policy->obj);
  g_ptr_array_unref (policy->deployments);
  g_free (policy);
}

static JsonNode *
load_regions (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gconstpointer data;
  gsize size;

  bytes = g_resource_lookup_data (pm_data_get_resource (),
                                  "/io/github/perimeter/Perimeter/regions.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    {
      g_warning ("regions.json: %s", error->message);
      return json_from_string ("{}", NULL);
    }
  data = g_bytes_get_data (bytes, &size);
  if (!json_parser_load_from_data (parser, data, size, &error))
    {
      g_warning ("regions.json: %s", error->message);
      return json_from_string ("{}", NULL);
    }
  return json_node_copy (json_parser_get_root (parser));
}

PmSbState *
pm_sb_state_new (guint64 seed,
                 guint   page_size)
{
  PmSbState *state = g_new0 (PmSbState, 1);
  guint32 seeds[2] = { (guint32) seed, (guint32) (seed >> 32) };

  state->rand = g_rand_new_with_seed_array (seeds, 2);
  state->rulesets = g_ptr_array_new_with_free_func ((GDestroyNotify) pm_sb_policy_free);
  state->ruleset_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  state->deployments = g_ptr_array_new_with_free_func ((GDestroyNotify) deployment_free);
  state->deployment_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  state->filters = g_ptr_array_new_with_free_func ((GDestroyNotify) pm_sb_policy_free);
  state->filter_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  state->projects = g_ptr_array_new_with_free_func ((GDestroyNotify) project_free);
  state->project_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  state->claims = g_ptr_array_new_with_free_func ((GDestroyNotify) claim_free);
  state->hidden_once = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  state->page_size = MAX (page_size, 1);
  state->regions = load_regions ();
  return state;
}

void
pm_sb_state_free (PmSbState *state)
{
  g_hash_table_unref (state->ruleset_by_id);
  g_ptr_array_unref (state->rulesets);
  g_hash_table_unref (state->deployment_by_id);
  g_ptr_array_unref (state->deployments);
  g_hash_table_unref (state->filter_by_id);
  g_ptr_array_unref (state->filters);
  g_hash_table_unref (state->project_by_id);
  g_ptr_array_unref (state->projects);
  g_ptr_array_unref (state->claims);
  g_hash_table_unref (state->hidden_once);
  json_node_unref (state->regions);
  g_rand_free (state->rand);
  g_free (state);
}

char *
pm_sb_state_new_id (PmSbState *state)
{
  GString *id = g_string_sized_new (33);

  for (guint i = 0; i < 4; i++)
    g_string_append_printf (id, "%08x", g_rand_int (state->rand));
  return g_string_free (id, FALSE);
}

char *
pm_sb_etag_string (guint64 version)
{
  return g_strdup_printf ("\"%" G_GUINT64_FORMAT "\"", version);
}

char *
pm_sb_state_next_etag (PmSbState *state,
                       guint64   *version)
{
  *version = ++state->etag_counter;
  return pm_sb_etag_string (*version);
}

void
pm_sb_state_add_ruleset (PmSbState  *state,
                         PmSbPolicy *policy)
{
  g_ptr_array_add (state->rulesets, policy);
  g_hash_table_insert (state->ruleset_by_id, policy->id, policy);
}

void
pm_sb_state_add_filter (PmSbState  *state,
                        PmSbPolicy *policy)
{
  policy->version = ++state->etag_counter;
  g_ptr_array_add (state->filters, policy);
  g_hash_table_insert (state->filter_by_id, policy->id, policy);
}

PmSbDeployment *
pm_sb_state_add_deployment (PmSbState  *state,
                            const char *name,
                            const char *region)
{
  PmSbDeployment *deployment = g_new0 (PmSbDeployment, 1);

  deployment->id = pm_sb_state_new_id (state);
  deployment->name = g_strdup (name);
  deployment->region = g_strdup (region);
  deployment->es_id = pm_sb_state_new_id (state);
  deployment->kibana_id = pm_sb_state_new_id (state);
  g_ptr_array_add (state->deployments, deployment);
  g_hash_table_insert (state->deployment_by_id, deployment->id, deployment);
  return deployment;
}

PmSbProject *
pm_sb_state_add_project (PmSbState  *state,
                         const char *type,
                         const char *name,
                         const char *region_id)
{
  PmSbProject *project = g_new0 (PmSbProject, 1);
  g_autofree char *slug = g_ascii_strdown (name, -1);
  guint days = g_rand_int_range (state->rand, 1, 300);
  g_autoptr(GDateTime) epoch = g_date_time_new_utc (2026, 1, 1, 9, 30, 0);
  g_autoptr(GDateTime) created = g_date_time_add_days (epoch, days);

  g_strcanon (slug, "abcdefghijklmnopqrstuvwxyz0123456789", '-');
  project->id = pm_sb_state_new_id (state);
  project->type = g_strdup (type);
  project->name = g_strdup (name);
  project->alias = g_strdup_printf ("%.40s-%.6s", slug, project->id);
  project->region_id = g_strdup (region_id);
  project->created_at = g_date_time_format_iso8601 (created);
  project->filters = g_ptr_array_new_with_free_func (g_free);
  project->version = ++state->etag_counter;
  g_ptr_array_add (state->projects, project);
  g_hash_table_insert (state->project_by_id, project->id, project);
  return project;
}

void
pm_sb_state_add_claim (PmSbState  *state,
                       const char *region,
                       const char *link_id,
                       const char *azure_name,
                       const char *azure_guid)
{
  PmSbClaim *claim = g_new0 (PmSbClaim, 1);

  claim->region = g_strdup (region);
  claim->link_id = g_strdup (link_id);
  claim->azure_endpoint_name = g_strdup (azure_name);
  claim->azure_endpoint_guid = g_strdup (azure_guid);
  g_ptr_array_add (state->claims, claim);
}

/* "aws-us-east-1" and "us-east-1" are the same region. */
gboolean
pm_sb_same_region (const char *a,
                   const char *b)
{
  if (a == NULL || b == NULL)
    return FALSE;
  if (g_str_has_prefix (a, "aws-"))
    a += 4;
  if (g_str_has_prefix (b, "aws-"))
    b += 4;
  return g_ascii_strcasecmp (a, b) == 0;
}

/* Replies and pm_sandbox_dup_state() leave the lock: they must share no
 * object or array with the state. */
static void
copy_members (JsonObject *to,
              JsonObject *from)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, from);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    json_object_set_member (to, name, pm_json_node_copy_deep (member));
}

PmSbPolicy *
pm_sb_lookup_policy (PmSbState   *state,
                     GHashTable  *by_id,
                     PmSbRequest *request,
                     const char  *id,
                     PmSbReply   *reply,
                     const char  *field,
                     const char  *what)
{
  PmSbPolicy *policy = g_hash_table_lookup (by_id, id);

  /* not-found-after-create: a read of a new id misses once */
  if (policy == NULL
      || (g_str_equal (request->method, "GET") && g_hash_table_remove (state->hidden_once, id)))
    {
      pm_sb_reply_error (reply, 404, "traffic_filter.not_found", field, "The %s %s cannot be found", what, id);
      return NULL;
    }
  return policy;
}

JsonArray *
pm_sb_associations_to_json (PmSbPolicy *policy)
{
  JsonArray *array = json_array_sized_new (policy->deployments->len);

  for (guint i = 0; i < policy->deployments->len; i++)
    {
      JsonObject *association = json_object_new ();

      json_object_set_string_member (association, "entity_type", "deployment");
      json_object_set_string_member (association, "id", g_ptr_array_index (policy->deployments, i));
      json_array_add_object_element (array, association);
    }
  return array;
}

JsonObject *
pm_sb_ruleset_to_json (PmSbState  *state,
                       PmSbPolicy *policy,
                       gboolean    associations)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", policy->id);
  copy_members (object, policy->obj);
  if (associations)
    json_object_set_array_member (object, "associations", pm_sb_associations_to_json (policy));
  json_object_set_int_member (object, "total_associations", policy->deployments->len);
  return object;
}

JsonObject *
pm_sb_filter_to_json (PmSbPolicy *policy)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", policy->id);
  copy_members (object, policy->obj);
  return object;
}

static JsonObject *
project_endpoints (PmSbProject *project,
                   const char  *domain)
{
  JsonObject *endpoints = json_object_new ();
  static const struct { const char *key, *product; } all[] = {
    { "elasticsearch", "es" }, { "kibana", "kb" }, { "apm", "apm" }, { "ingest", "ingest" },
  };
  guint n = g_str_equal (project->type, "observability") ? 4
          : g_str_equal (project->type, "security") ? 3 : 2;

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      g_autofree char *url = NULL;

      /* security has ingest but not apm */
      if (i >= n && !(n == 3 && i == 3))
        continue;
      if (n == 3 && i == 2)
        continue;
      url = g_strdup_printf ("https://%s.%s.%s", project->alias, all[i].product, domain);
      json_object_set_string_member (endpoints, all[i].key, url);
    }
  return endpoints;
}

JsonObject *
pm_sb_project_to_json (PmSbProject *project)
{
  JsonObject *object = json_object_new ();
  JsonObject *metadata = json_object_new ();
  JsonArray *filters = json_array_new ();
  const char *csp = g_str_has_prefix (project->region_id, "azure-") ? "azure"
                  : g_str_has_prefix (project->region_id, "gcp-") ? "gcp" : "aws";
  const char *bare = strchr (project->region_id, '-') + 1;
  g_autofree char *domain = g_strdup_printf ("%s.%s.elastic.cloud", bare, csp);
  g_autofree char *private_domain = g_strdup_printf ("private.%s.%s.elastic.cloud", bare, csp);
  g_autofree char *host = g_strdup_printf ("%s.%s$%s$%s", bare, csp, project->id, project->id);
  g_autofree char *encoded = g_base64_encode ((const guchar *) host, strlen (host));
  g_autofree char *cloud_id = g_strdup_printf ("%s:%s", project->name, encoded);

  json_object_set_string_member (object, "id", project->id);
  json_object_set_string_member (object, "name", project->name);
  json_object_set_string_member (object, "alias", project->alias);
  json_object_set_string_member (object, "region_id", project->region_id);
  json_object_set_string_member (object, "cloud_id", cloud_id);
  json_object_set_string_member (object, "type", project->type);
  json_object_set_string_member (metadata, "created_at", project->created_at);
  json_object_set_string_member (metadata, "created_by", "1779345911");
  json_object_set_string_member (metadata, "organization_id", "2206614793");
  json_object_set_object_member (object, "metadata", metadata);
  json_object_set_object_member (object, "endpoints", project_endpoints (project, domain));
  json_object_set_object_member (object, "private_endpoints", project_endpoints (project, private_domain));
  for (guint i = 0; i < project->filters->len; i++)
    {
      JsonObject *ref = json_object_new ();

      json_object_set_string_member (ref, "id", g_ptr_array_index (project->filters, i));
      json_array_add_object_element (filters, ref);
    }
  json_object_set_array_member (object, "traffic_filters", filters);
  if (g_str_equal (project->type, "elasticsearch"))
    json_object_set_string_member (object, "optimized_for", "general_purpose");
  else if (g_str_equal (project->type, "observability"))
    json_object_set_string_member (object, "product_tier", "complete");
  else
    json_object_set_string_member (object, "admin_features_package", "standard");
  return object;
}

JsonObject *
pm_sb_claim_to_json (PmSbClaim *claim)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "region", claim->region);
  if (claim->link_id)
    json_object_set_string_member (object, "link_id", claim->link_id);
  if (claim->azure_endpoint_name)
    json_object_set_string_member (object, "azure_endpoint_name", claim->azure_endpoint_name);
  if (claim->azure_endpoint_guid)
    json_object_set_string_member (object, "azure_endpoint_guid", claim->azure_endpoint_guid);
  return object;
}

JsonNode *
pm_sb_state_dup (PmSbState *state)
{
  JsonObject *root = json_object_new ();
  JsonObject *hosted = json_object_new ();
  JsonObject *serverless = json_object_new ();
  JsonArray *array;
  JsonNode *node;

  array = json_array_new ();
  for (guint i = 0; i < state->rulesets->len; i++)
    json_array_add_object_element (array, pm_sb_ruleset_to_json (state, g_ptr_array_index (state->rulesets, i), TRUE));
  json_object_set_array_member (hosted, "rulesets", array);

  array = json_array_new ();
  for (guint i = 0; i < state->deployments->len; i++)
    {
      PmSbDeployment *deployment = g_ptr_array_index (state->deployments, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "id", deployment->id);
      json_object_set_string_member (object, "name", deployment->name);
      json_object_set_string_member (object, "region", deployment->region);
      json_array_add_object_element (array, object);
    }
  json_object_set_array_member (hosted, "deployments", array);

  array = json_array_new ();
  for (guint i = 0; i < state->claims->len; i++)
    json_array_add_object_element (array, pm_sb_claim_to_json (g_ptr_array_index (state->claims, i)));
  json_object_set_array_member (hosted, "claims", array);

  array = json_array_new ();
  for (guint i = 0; i < state->filters->len; i++)
    {
      PmSbPolicy *policy = g_ptr_array_index (state->filters, i);
      JsonObject *object = pm_sb_filter_to_json (policy);
      g_autofree char *etag = pm_sb_etag_string (policy->version);

      json_object_set_string_member (object, "etag", etag);
      json_array_add_object_element (array, object);
    }
  json_object_set_array_member (serverless, "traffic_filters", array);

  array = json_array_new ();
  for (guint i = 0; i < state->projects->len; i++)
    {
      PmSbProject *project = g_ptr_array_index (state->projects, i);
      JsonObject *object = pm_sb_project_to_json (project);
      g_autofree char *etag = pm_sb_etag_string (project->version);

      json_object_set_string_member (object, "etag", etag);
      json_array_add_object_element (array, object);
    }
  json_object_set_array_member (serverless, "projects", array);

  json_object_set_object_member (root, "hosted", hosted);
  json_object_set_object_member (root, "serverless", serverless);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, root);
  return node;
}

void
pm_sb_reply_clear (PmSbReply *reply)
{
  g_clear_pointer (&reply->body, json_node_unref);
  g_clear_pointer (&reply->etag, g_free);
  g_clear_pointer (&reply->created_id, g_free);
  g_clear_pointer (&reply->project_id, g_free);
}

void
pm_sb_reply_object (PmSbReply  *reply,
                    guint       status,
                    JsonObject *object)
{
  g_clear_pointer (&reply->body, json_node_unref);
  reply->status = status;
  reply->body = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (reply->body, object);
}

void
pm_sb_reply_error (PmSbReply  *reply,
                   guint       status,
                   const char *code,
                   const char *field,
                   const char *format,
                   ...)
{
  JsonObject *root = json_object_new ();
  JsonArray *errors = json_array_new ();
  JsonObject *error = json_object_new ();
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  if (field != NULL)
    {
      JsonArray *fields = json_array_new ();

      json_array_add_string_element (fields, field);
      json_object_set_array_member (error, "fields", fields);
    }
  json_array_add_object_element (errors, error);
  json_object_set_array_member (root, "errors", errors);
  g_clear_pointer (&reply->etag, g_free);
  pm_sb_reply_object (reply, status, root);
}

const char *
pm_sb_query (PmSbRequest *request,
             const char  *name)
{
  return request->query ? g_hash_table_lookup (request->query, name) : NULL;
}

gboolean
pm_sb_query_bool (PmSbRequest *request,
                  const char  *name)
{
  const char *value = pm_sb_query (request, name);

  return value != NULL && (g_ascii_strcasecmp (value, "true") == 0 || g_str_equal (value, "1"));
}

JsonObject *
pm_sb_parse_body (PmSbRequest *request,
                  PmSbReply   *reply,
                  const char  *code)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (request->body == NULL || request->body_length == 0)
    {
      pm_sb_reply_error (reply, 400, code, NULL, "The request body is missing");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, request->body, request->body_length, &error))
    {
      pm_sb_reply_error (reply, 400, code, NULL, "The request body is not valid JSON: %s", error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      pm_sb_reply_error (reply, 400, code, NULL, "The request body must be a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/* Lenient on purpose: Elastic accepts host bits in a CIDR ("192.168.132.6/22"). */
gboolean
pm_sb_is_ip_or_cidr (const char *text)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GInetAddress) address = NULL;
  guint64 prefix;
  guint max;

  if (text == NULL || *text == '\0')
    return FALSE;
  parts = g_strsplit (text, "/", 3);
  address = g_inet_address_new_from_string (parts[0]);
  if (address == NULL)
    return FALSE;
  if (parts[1] == NULL)
    return TRUE;
  if (parts[2] != NULL)
    return FALSE;
  max = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 ? 128 : 32;
  return g_ascii_string_to_unsigned (parts[1], 10, 0, max, &prefix, NULL);
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
check_rule (JsonObject *rule,
            const char *type,
            guint       index,
            PmSbReply  *reply,
            const char *code)
{
  const char *source = string_member (rule, "source");
  g_autofree char *field = NULL;

  if (g_str_equal (type, "ip"))
    {
      field = g_strdup_printf ("rules[%u].source", index);
      if (!pm_sb_is_ip_or_cidr (source))
        goto invalid;
    }
  else if (g_str_equal (type, "vpce"))
    {
      field = g_strdup_printf ("rules[%u].source", index);
      if (source == NULL || !g_str_has_prefix (source, "vpce-") || source[5] == '\0')
        goto invalid;
    }
  else if (g_str_equal (type, "gcp_private_service_connect_endpoint"))
    {
      field = g_strdup_printf ("rules[%u].source", index);
      if (source == NULL || !g_ascii_string_to_unsigned (source, 10, 0, G_MAXUINT64, NULL, NULL))
        goto invalid;
    }
  else if (g_str_equal (type, "azure_private_endpoint") || g_str_equal (type, "private_endpoint"))
    {
      const char *name = string_member (rule, "azure_endpoint_name");
      const char *guid = string_member (rule, "azure_endpoint_guid");

      field = g_strdup_printf ("rules[%u].azure_endpoint_name", index);
      if (name == NULL || *name == '\0')
        goto invalid;
      g_free (field);
      field = g_strdup_printf ("rules[%u].azure_endpoint_guid", index);
      if (guid == NULL || !g_uuid_string_is_valid (guid))
        goto invalid;
    }
  else if (g_str_equal (type, "egress_firewall"))
    {
      JsonNode *node = json_object_get_member (rule, "egress_rule");
      JsonObject *egress;
      const char *protocol;

      field = g_strdup_printf ("rules[%u].egress_rule", index);
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        goto invalid;
      egress = json_node_get_object (node);
      g_free (field);
      field = g_strdup_printf ("rules[%u].egress_rule.target", index);
      if (!pm_sb_is_ip_or_cidr (string_member (egress, "target")))
        goto invalid;
      g_free (field);
      field = g_strdup_printf ("rules[%u].egress_rule.protocol", index);
      protocol = string_member (egress, "protocol");
      if (protocol == NULL || !g_strv_contains ((const char *[]) { "all", "tcp", "udp", NULL }, protocol))
        goto invalid;
      if (json_object_has_member (egress, "ports"))
        {
          JsonNode *ports = json_object_get_member (egress, "ports");

          g_free (field);
          field = g_strdup_printf ("rules[%u].egress_rule.ports", index);
          if (!JSON_NODE_HOLDS_ARRAY (ports))
            goto invalid;
          for (guint i = 0; i < json_array_get_length (json_node_get_array (ports)); i++)
            {
              JsonNode *port = json_array_get_element (json_node_get_array (ports), i);

              if (!JSON_NODE_HOLDS_VALUE (port) || json_node_get_value_type (port) != G_TYPE_INT64
                  || json_node_get_int (port) < 1 || json_node_get_int (port) > 65535)
                goto invalid;
            }
        }
    }
  return TRUE;

invalid:
  pm_sb_reply_error (reply, 400, code, field, "Invalid value for %s in a %s rule set", field, type);
  return FALSE;
}

gboolean
pm_sb_check_rules (JsonObject *obj,
                   gboolean    serverless,
                   PmSbReply  *reply,
                   const char *code)
{
  const char *type = json_object_get_string_member (obj, "type");
  JsonArray *rules = json_object_get_array_member (obj, "rules");

  for (guint i = 0; i < json_array_get_length (rules); i++)
    {
      JsonNode *rule = json_array_get_element (rules, i);
      g_autofree char *field = g_strdup_printf ("rules[%u]", i);

      if (!JSON_NODE_HOLDS_OBJECT (rule))
        {
          pm_sb_reply_error (reply, 400, code, field, "Each rule must be an object");
          return FALSE;
        }
      if (!check_rule (json_node_get_object (rule), type, i, reply, code))
        return FALSE;
    }
  return TRUE;
}
