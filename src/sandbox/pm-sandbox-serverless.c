/* pm-sandbox-serverless.c: the Elastic Cloud Serverless traffic-filter and project endpoints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pm-sandbox-private.h"

#define SEG(i) (request->segments[i])

static const char * const serverless_types[] = { "ip", "vpce", "private_endpoint", NULL };
static const char * const project_types[] = { "elasticsearch", "observability", "security", NULL };

static void
method_not_allowed (PmSbReply *reply)
{
  pm_sb_reply_error (reply, 405, "root.method_not_allowed", NULL, "Method not allowed for this path");
}

static gboolean
etag_matches (const char *if_match,
              guint64     version)
{
  g_autofree char *etag = pm_sb_etag_string (version);
  g_autofree char *bare = g_strdup_printf ("%" G_GUINT64_FORMAT, version);
  g_auto(GStrv) tags = NULL;

  if (if_match == NULL)
    return TRUE;
  tags = g_strsplit (if_match, ",", -1);
  for (guint i = 0; tags[i]; i++)
    {
      const char *tag = g_strstrip (tags[i]);

      if (g_str_has_prefix (tag, "W/"))
        tag += 2;
      if (g_str_equal (tag, "*") || g_str_equal (tag, etag) || g_str_equal (tag, bare))
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_if_match (PmSbRequest *request,
                guint64      version,
                PmSbReply   *reply)
{
  if (etag_matches (request->if_match, version))
    return TRUE;
  pm_sb_reply_error (reply, 412, "precondition_failed", "If-Match",
                     "The resource changed since it was read (If-Match %s does not match)", request->if_match);
  return FALSE;
}

/* Paging: the token is an opaque encoding of the next offset. */
static guint
page_start (PmSbRequest *request,
            PmSbReply   *reply,
            gboolean    *ok)
{
  const char *token = pm_sb_query (request, "next_page");
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  guint64 offset = 0;

  *ok = TRUE;
  if (token == NULL || *token == '\0')
    return 0;
  decoded = g_base64_decode (token, &length);
  text = g_strndup ((const char *) decoded, length);
  if (!g_str_has_prefix (text, "page:")
      || !g_ascii_string_to_unsigned (text + 5, 10, 0, G_MAXUINT, &offset, NULL))
    {
      pm_sb_reply_error (reply, 400, "invalid_next_page", "next_page", "The next_page token is not valid");
      *ok = FALSE;
    }
  return offset;
}

static void
reply_page (PmSbState *state,
            GPtrArray *items,   /* JsonObject, all matches */
            guint      start,
            PmSbReply *reply)
{
  JsonObject *root = json_object_new ();
  JsonArray *array = json_array_new ();
  guint end = MIN (items->len, start + state->page_size);

  for (guint i = start; i < end; i++)
    json_array_add_object_element (array, json_object_ref (g_ptr_array_index (items, i)));
  json_object_set_array_member (root, "items", array);
  if (end < items->len)
    {
      g_autofree char *text = g_strdup_printf ("page:%u", end);
      g_autofree char *token = g_base64_encode ((const guchar *) text, strlen (text));

      json_object_set_string_member (root, "next_page", token);
    }
  pm_sb_reply_object (reply, 200, root);
}

static PmSbPolicy *
lookup_filter (PmSbState   *state,
               PmSbRequest *request,
               const char  *id,
               PmSbReply   *reply)
{
  return pm_sb_lookup_policy (state, state->filter_by_id, request, id, reply, "id", "traffic filter");
}

static gboolean
string_field (JsonObject *body,
              const char *name,
              gboolean    required,
              guint       min,
              guint       max,
              PmSbReply  *reply)
{
  JsonNode *node = json_object_get_member (body, name);
  glong length;

  if (node == NULL && !required)
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      pm_sb_reply_error (reply, 400, "traffic_filter.invalid_input", name,
                         "The field %s is missing or not a string", name);
      return FALSE;
    }
  length = g_utf8_strlen (json_node_get_string (node), -1);
  if (length < (glong) min || length > (glong) max)
    {
      pm_sb_reply_error (reply, 400, "traffic_filter.invalid_input", name,
                         "The field %s must have %u to %u characters", name, min, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
optional_of_type (JsonObject *body,
                  const char *name,
                  gboolean    array,
                  PmSbReply  *reply)
{
  JsonNode *node = json_object_get_member (body, name);

  if (node == NULL)
    return TRUE;
  if (array ? JSON_NODE_HOLDS_ARRAY (node)
            : JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return TRUE;
  pm_sb_reply_error (reply, 400, "traffic_filter.invalid_input", name,
                     "The field %s has the wrong type", name);
  return FALSE;
}

static void
list_filters (PmSbState   *state,
              PmSbRequest *request,
              PmSbReply   *reply)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  const char *region = pm_sb_query (request, "region");
  const char *by_default = pm_sb_query (request, "include_by_default");
  gboolean ok;
  guint start = page_start (request, reply, &ok);

  if (!ok)
    return;
  for (guint i = 0; i < state->filters->len; i++)
    {
      PmSbPolicy *policy = g_ptr_array_index (state->filters, i);

      if (region && *region && !pm_sb_same_region (region, json_object_get_string_member (policy->obj, "region")))
        continue;
      if (by_default && json_object_get_boolean_member (policy->obj, "include_by_default")
                        != pm_sb_query_bool (request, "include_by_default"))
        continue;
      g_ptr_array_add (items, pm_sb_filter_to_json (policy));
    }
  reply_page (state, items, start, reply);
}

static void
create_filter (PmSbState   *state,
               PmSbRequest *request,
               PmSbReply   *reply)
{
  g_autoptr(JsonObject) body = pm_sb_parse_body (request, reply, "traffic_filter.invalid_input");
  JsonObject *obj;
  PmSbPolicy *policy;

  if (body == NULL
      || !string_field (body, "name", TRUE, 1, 128, reply)
      || !string_field (body, "region", TRUE, 1, 32, reply)
      || !string_field (body, "type", TRUE, 1, 32, reply)
      || !string_field (body, "description", FALSE, 0, 512, reply)
      || !optional_of_type (body, "include_by_default", FALSE, reply)
      || !optional_of_type (body, "rules", TRUE, reply))
    return;
  if (!g_strv_contains (serverless_types, json_object_get_string_member (body, "type")))
    {
      pm_sb_reply_error (reply, 400, "traffic_filter.invalid_type", "type", "Unknown traffic filter type %s",
                         json_object_get_string_member (body, "type"));
      return;
    }
  if (!json_object_has_member (body, "rules"))
    json_object_set_array_member (body, "rules", json_array_new ());
  if (!pm_sb_check_rules (body, TRUE, reply, "traffic_filter.invalid_rule"))
    return;

  obj = json_object_new ();
  json_object_set_string_member (obj, "name", json_object_get_string_member (body, "name"));
  json_object_set_string_member (obj, "description",
                                 json_object_get_string_member_with_default (body, "description", ""));
  json_object_set_string_member (obj, "type", json_object_get_string_member (body, "type"));
  json_object_set_boolean_member (obj, "include_by_default",
                                  json_object_get_boolean_member_with_default (body, "include_by_default", FALSE));
  json_object_set_string_member (obj, "region", json_object_get_string_member (body, "region"));
  json_object_set_member (obj, "rules", json_node_copy (json_object_get_member (body, "rules")));
  policy = pm_sb_policy_new (pm_sb_state_new_id (state), obj);
  pm_sb_state_add_filter (state, policy);
  reply->created_id = g_strdup (policy->id);
  reply->etag = pm_sb_etag_string (policy->version);
  pm_sb_reply_object (reply, 201, pm_sb_filter_to_json (policy));
}

static void
patch_filter (PmSbState   *state,
              PmSbPolicy  *policy,
              PmSbRequest *request,
              PmSbReply   *reply)
{
  g_autoptr(JsonObject) body = pm_sb_parse_body (request, reply, "traffic_filter.invalid_input");
  g_autoptr(JsonObject) merged = NULL;
  GList *members;

  if (body == NULL || !check_if_match (request, policy->version, reply)
      || !string_field (body, "name", FALSE, 1, 128, reply)
      || !string_field (body, "description", FALSE, 0, 512, reply)
      || !optional_of_type (body, "include_by_default", FALSE, reply)
      || !optional_of_type (body, "rules", TRUE, reply))
    return;
  merged = json_object_new ();
  members = json_object_get_members (policy->obj);
  for (GList *l = members; l; l = l->next)
    {
      JsonNode *node = json_object_get_member (body, l->data);

      /* type and region cannot change */
      if (node == NULL || g_str_equal (l->data, "type") || g_str_equal (l->data, "region"))
        node = json_object_get_member (policy->obj, l->data);
      json_object_set_member (merged, l->data, json_node_copy (node));
    }
  g_list_free (members);
  if (!pm_sb_check_rules (merged, TRUE, reply, "traffic_filter.invalid_rule"))
    return;
  json_object_unref (policy->obj);
  policy->obj = g_steal_pointer (&merged);
  g_free (pm_sb_state_next_etag (state, &policy->version));
  reply->etag = pm_sb_etag_string (policy->version);
  pm_sb_reply_object (reply, 200, pm_sb_filter_to_json (policy));
}

static void
delete_filter (PmSbState   *state,
               PmSbPolicy  *policy,
               PmSbRequest *request,
               PmSbReply   *reply)
{
  guint users = 0;

  if (!check_if_match (request, policy->version, reply))
    return;
  for (guint i = 0; i < state->projects->len; i++)
    {
      PmSbProject *project = g_ptr_array_index (state->projects, i);

      if (g_ptr_array_find_with_equal_func (project->filters, policy->id, g_str_equal, NULL))
        users++;
    }
  if (users > 0)
    {
      pm_sb_reply_error (reply, 409, "traffic_filter.in_use", "id",
                         "The traffic filter %s is used by %u projects; remove it from them first",
                         policy->id, users);
      return;
    }
  g_hash_table_remove (state->filter_by_id, policy->id);
  g_ptr_array_remove (state->filters, policy);
  reply->status = 204;
}

static void
add_metadata (JsonArray  *regions,
              JsonObject *entry,
              const char *csp,
              const char *wanted)
{
  const char *region = json_object_get_string_member_with_default (entry, "region", "");
  g_autofree char *full = g_strdup_printf ("%s-%s", csp, region);
  const char *service = json_object_get_string_member_with_default (entry, "service_name", NULL);
  const char *zone = json_object_get_string_member_with_default (entry, "private_hosted_zone", NULL);
  JsonObject *object;

  if (wanted && *wanted && !pm_sb_same_region (wanted, full) && !pm_sb_same_region (wanted, region))
    return;
  if (service == NULL)
    service = json_object_get_string_member_with_default (entry, "alias",
              json_object_get_string_member_with_default (entry, "service_attachment", ""));
  if (zone == NULL)
    zone = json_object_get_string_member_with_default (entry, "private_dns_zone",
           json_object_get_string_member_with_default (entry, "private_zone_dns_name", ""));
  object = json_object_new ();
  json_object_set_string_member (object, "region", full);
  json_object_set_string_member (object, "csp", csp);
  json_object_set_string_member (object, "vpc_service_name", service);
  json_object_set_string_member (object, "private_service_name", service);
  json_object_set_string_member (object, "private_hosted_zone_domain_name", zone);
  if (json_object_has_member (entry, "availability_zones"))
    json_object_set_member (object, "availability_zones",
                            json_node_copy (json_object_get_member (entry, "availability_zones")));
  else
    json_object_set_array_member (object, "availability_zones", json_array_new ());
  json_array_add_object_element (regions, object);
}

static void
metadata (PmSbState   *state,
          PmSbRequest *request,
          PmSbReply   *reply)
{
  static const char * const csps[] = { "aws", "azure", "gcp", NULL };
  const char *csp = pm_sb_query (request, "csp");
  const char *region = pm_sb_query (request, "region");
  JsonObject *serverless = NULL;
  JsonObject *root;
  JsonArray *regions;

  if (csp && !g_strv_contains (csps, csp))
    {
      pm_sb_reply_error (reply, 400, "traffic_filter.invalid_csp", "csp",
                         "Unknown cloud service provider %s (aws, azure or gcp)", csp);
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (state->regions))
    serverless = json_object_get_object_member (json_node_get_object (state->regions), "serverless");
  root = json_object_new ();
  regions = json_array_new ();
  for (guint c = 0; serverless && csps[c]; c++)
    {
      JsonArray *table;

      if ((csp && !g_str_equal (csp, csps[c])) || !json_object_has_member (serverless, csps[c]))
        continue;
      table = json_object_get_array_member (serverless, csps[c]);
      for (guint i = 0; table && i < json_array_get_length (table); i++)
        add_metadata (regions, json_array_get_object_element (table, i), csps[c], region);
    }
  json_object_set_array_member (root, "regions", regions);
  pm_sb_reply_object (reply, 200, root);
}

static void
handle_filters (PmSbState   *state,
                PmSbRequest *request,
                PmSbReply   *reply)
{
  const char *method = request->method;
  PmSbPolicy *policy;

  if (request->n_segments == 4)
    {
      if (g_str_equal (method, "GET"))
        list_filters (state, request, reply);
      else if (g_str_equal (method, "POST"))
        create_filter (state, request, reply);
      else
        method_not_allowed (reply);
      return;
    }
  if (request->n_segments != 5)
    {
      pm_sb_reply_error (reply, 404, "root.not_found", NULL, "No such path");
      return;
    }
  if (g_str_equal (SEG (4), "metadata"))
    {
      if (g_str_equal (method, "GET"))
        metadata (state, request, reply);
      else
        method_not_allowed (reply);
      return;
    }
  if (!g_str_equal (method, "GET") && !g_str_equal (method, "PATCH") && !g_str_equal (method, "DELETE"))
    {
      method_not_allowed (reply);
      return;
    }
  policy = lookup_filter (state, request, SEG (4), reply);
  if (policy == NULL)
    return;
  if (g_str_equal (method, "GET"))
    {
      reply->etag = pm_sb_etag_string (policy->version);
      pm_sb_reply_object (reply, 200, pm_sb_filter_to_json (policy));
    }
  else if (g_str_equal (method, "PATCH"))
    patch_filter (state, policy, request, reply);
  else
    delete_filter (state, policy, request, reply);
}

static void
list_projects (PmSbState   *state,
               PmSbRequest *request,
               PmSbReply   *reply)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  const char *filter = pm_sb_query (request, "traffic_filter");
  gboolean ok;
  guint start = page_start (request, reply, &ok);

  if (!ok)
    return;
  for (guint i = 0; i < state->projects->len; i++)
    {
      PmSbProject *project = g_ptr_array_index (state->projects, i);

      if (!g_str_equal (project->type, SEG (4)))
        continue;
      if (filter && *filter && !g_ptr_array_find_with_equal_func (project->filters, filter, g_str_equal, NULL))
        continue;
      g_ptr_array_add (items, pm_sb_project_to_json (project));
    }
  reply_page (state, items, start, reply);
}

/* The new traffic_filters list of a PATCH, or NULL after a 400. */
static GPtrArray *
project_filters_from_body (PmSbState   *state,
                           PmSbProject *project,
                           JsonNode    *node,
                           PmSbReply   *reply)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      pm_sb_reply_error (reply, 400, "project.invalid_input", "traffic_filters", "traffic_filters must be an array");
      return NULL;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *field = g_strdup_printf ("traffic_filters[%u].id", i);
      const char *id = NULL;
      PmSbPolicy *policy;

      if (JSON_NODE_HOLDS_OBJECT (element))
        id = json_object_get_string_member_with_default (json_node_get_object (element), "id", NULL);
      if (id == NULL)
        {
          pm_sb_reply_error (reply, 400, "project.invalid_input", field, "Each traffic filter needs an id");
          return NULL;
        }
      policy = g_hash_table_lookup (state->filter_by_id, id);
      if (policy == NULL)
        {
          pm_sb_reply_error (reply, 400, "project.traffic_filter_not_found", field,
                             "The traffic filter %s does not exist", id);
          return NULL;
        }
      if (!pm_sb_same_region (json_object_get_string_member (policy->obj, "region"), project->region_id))
        {
          pm_sb_reply_error (reply, 400, "project.traffic_filter_region_mismatch", field,
                             "The traffic filter %s is in region %s but the project is in %s", id,
                             json_object_get_string_member (policy->obj, "region"), project->region_id);
          return NULL;
        }
      if (!g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
        g_ptr_array_add (ids, g_strdup (id));
    }
  return g_steal_pointer (&ids);
}

static void
patch_project (PmSbState   *state,
               PmSbProject *project,
               PmSbRequest *request,
               PmSbReply   *reply)
{
  g_autoptr(JsonObject) body = pm_sb_parse_body (request, reply, "project.invalid_input");
  g_autoptr(GPtrArray) filters = NULL;
  JsonNode *node;

  if (body == NULL || !check_if_match (request, project->version, reply))
    return;
  if (json_object_has_member (body, "name") && !string_field (body, "name", TRUE, 1, 255, reply))
    return;
  node = json_object_get_member (body, "traffic_filters");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      filters = project_filters_from_body (state, project, node, reply);
      if (filters == NULL)
        return;
    }
  if (json_object_has_member (body, "name"))
    {
      g_free (project->name);
      project->name = g_strdup (json_object_get_string_member (body, "name"));
    }
  if (filters != NULL)
    {
      g_ptr_array_unref (project->filters);
      project->filters = g_steal_pointer (&filters);
    }
  g_free (pm_sb_state_next_etag (state, &project->version));
  reply->etag = pm_sb_etag_string (project->version);
  pm_sb_reply_object (reply, 200, pm_sb_project_to_json (project));
}

static void
handle_projects (PmSbState   *state,
                 PmSbRequest *request,
                 PmSbReply   *reply)
{
  const char *method = request->method;
  PmSbProject *project;

  if (request->n_segments < 5 || request->n_segments > 6 || !g_strv_contains (project_types, SEG (4)))
    {
      pm_sb_reply_error (reply, 404, "root.not_found", NULL, "No such path");
      return;
    }
  if (request->n_segments == 5)
    {
      if (g_str_equal (method, "GET"))
        list_projects (state, request, reply);
      else
        method_not_allowed (reply);
      return;
    }
  project = g_hash_table_lookup (state->project_by_id, SEG (5));
  if (project == NULL || !g_str_equal (project->type, SEG (4)))
    {
      pm_sb_reply_error (reply, 404, "project.not_found", "id", "The %s project %s cannot be found",
                         SEG (4), SEG (5));
      return;
    }
  reply->project_id = g_strdup (project->id);
  if (g_str_equal (method, "GET"))
    {
      reply->etag = pm_sb_etag_string (project->version);
      pm_sb_reply_object (reply, 200, pm_sb_project_to_json (project));
    }
  else if (g_str_equal (method, "PATCH"))
    patch_project (state, project, request, reply);
  else
    method_not_allowed (reply);
}

void
pm_sb_race_project (PmSbState  *state,
                    const char *project_id)
{
  PmSbProject *project = g_hash_table_lookup (state->project_by_id, project_id);

  if (project == NULL)
    return;
  for (guint i = 0; i < state->filters->len; i++)
    {
      PmSbPolicy *policy = g_ptr_array_index (state->filters, i);

      if (pm_sb_same_region (json_object_get_string_member (policy->obj, "region"), project->region_id)
          && !g_ptr_array_find_with_equal_func (project->filters, policy->id, g_str_equal, NULL))
        {
          g_ptr_array_add (project->filters, g_strdup (policy->id));
          goto changed;
        }
    }
  if (project->filters->len > 0)
    g_ptr_array_remove_index (project->filters, project->filters->len - 1);
changed:
  g_free (pm_sb_state_next_etag (state, &project->version));
}

gboolean
pm_sb_handle_serverless (PmSbState   *state,
                         PmSbRequest *request,
                         PmSbReply   *reply)
{
  if (request->n_segments < 4 || !g_str_equal (SEG (0), "api") || !g_str_equal (SEG (1), "v1")
      || !g_str_equal (SEG (2), "serverless"))
    return FALSE;
  if (g_str_equal (SEG (3), "traffic-filters"))
    handle_filters (state, request, reply);
  else if (g_str_equal (SEG (3), "projects"))
    handle_projects (state, request, reply);
  else
    pm_sb_reply_error (reply, 404, "root.not_found", NULL, "No such path");
  return TRUE;
}

static char *
page_token (guint offset)
{
  g_autofree char *text = g_strdup_printf ("page:%u", offset);

  return g_base64_encode ((const guchar *) text, strlen (text));
}

void
pm_sb_bad_pager (PmSbReply     *reply,
                 PmSbFaultKind  kind,
                 GHashTable    *query,
                 guint          page_size)
{
  const char *token = query != NULL ? g_hash_table_lookup (query, "next_page") : NULL;
  g_autofree char *next = NULL;
  JsonObject *root;

  if (reply->status != 200 || reply->body == NULL || !JSON_NODE_HOLDS_OBJECT (reply->body) ||
      !json_object_has_member (json_node_get_object (reply->body), "items"))
    return;
  root = json_node_get_object (reply->body);
  switch (kind)
    {
    case PM_SB_FAULT_REPEAT_CURSOR:
      next = page_token (0);
      break;
    case PM_SB_FAULT_CURSOR_CYCLE:
      /* The first page names the second, the second the first. */
      next = page_token (token == NULL ? page_size : 0);
      break;
    case PM_SB_FAULT_ENDLESS_PAGES:
    default:
      {
        g_autofree guchar *decoded = token ? g_base64_decode (token, &(gsize) { 0 }) : NULL;
        guint64 offset = 0;

        if (decoded != NULL && g_str_has_prefix ((const char *) decoded, "page:"))
          g_ascii_string_to_unsigned ((const char *) decoded + 5, 10, 0, G_MAXUINT / 2, &offset, NULL);
        next = page_token ((guint) offset + page_size);
      }
      break;
    }
  json_object_set_string_member (root, "next_page", next);
}

void
pm_sb_drop_first_id (PmSbReply *reply)
{
  /* Each list, and the member that identifies its elements */
  static const char * const lists[][2] = {
    { "rulesets", "id" }, { "items", "id" }, { "deployments", "id" }, { "claimed_link_ids", "link_id" },
  };
  JsonObject *root;

  if (reply->status != 200 || reply->body == NULL || !JSON_NODE_HOLDS_OBJECT (reply->body))
    return;
  root = json_node_get_object (reply->body);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      JsonArray *array = json_object_has_member (root, lists[i][0]) ? json_object_get_array_member (root, lists[i][0]) : NULL;
      JsonArray *copy;
      g_autofree char *text = NULL;
      JsonNode *first;

      if (array == NULL || json_array_get_length (array) == 0
          || !JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, 0)))
        continue;
      /* The reply's elements may be the state's own objects: the first is
       * copied, then changed, and the list made anew around it. */
      text = json_to_string (json_array_get_element (array, 0), FALSE);
      first = json_from_string (text, NULL);
      json_object_remove_member (json_node_get_object (first), lists[i][1]);
      copy = json_array_sized_new (json_array_get_length (array));
      json_array_add_element (copy, first);
      for (guint j = 1; j < json_array_get_length (array); j++)
        json_array_add_element (copy, json_node_copy (json_array_get_element (array, j)));
      json_object_set_array_member (root, lists[i][0], copy);
    }
}
