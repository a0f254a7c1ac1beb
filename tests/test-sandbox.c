/* test-sandbox.c: the sandbox driven over HTTP with a plain SoupSession
 *
 * Every endpoint, authentication, errors, region checks, pagination, ETags,
 * claims, each fault kind, every curl example of the seed documents, and the
 * standalone perimeter-sandbox binary.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <signal.h>
#include <stdlib.h>
#include <libsoup/soup.h>
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/resource.h>
#endif

#include "pm-sandbox.h"
#include "pm-test-tls.h"
#include "pm-test-util.h"

#define KEY "test-key"
#define RULESETS "/api/v1/deployments/traffic-filter/rulesets"
#define FILTERS "/api/v1/serverless/traffic-filters"
#define PROJECTS "/api/v1/serverless/projects"
#define LINK_IDS "/api/v1/deployments/traffic-filter/link-ids"

typedef struct {
  guint     status;
  char     *body;
  JsonNode *json;            /* NULL when the body is not JSON */
  char     *etag;
  char     *content_type;
  char     *retry_after;
  GError   *error;           /* transport error */
} Resp;

static void
resp_free (Resp *resp)
{
  g_free (resp->body);
  g_clear_pointer (&resp->json, json_node_unref);
  g_free (resp->etag);
  g_free (resp->content_type);
  g_free (resp->retry_after);
  g_clear_error (&resp->error);
  g_free (resp);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Resp, resp_free)

static PmSandbox *sandbox;

/* Reply bodies are not NUL-terminated. */
static JsonNode *
bytes_to_json (GBytes  *bytes,
               GError **error)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autofree char *text = g_strndup (data ? data : "", length);

  return json_from_string (text, error);
}

/* One request on session. */
static Resp *
call_on (SoupSession *session,
         const char  *method,
         const char  *path,
         const char  *body,
         const char  *key,
         const char  *if_match)
{
  g_autofree char *base = pm_sandbox_dup_base_url (sandbox);
  g_autofree char *url = g_strconcat (base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = NULL;
  Resp *resp = g_new0 (Resp, 1);
  SoupMessageHeaders *headers;

  g_assert_nonnull (msg);
  if (key)
    {
      g_autofree char *value = g_strconcat ("ApiKey ", key, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (if_match)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Match", if_match);
  if (body)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }
  bytes = soup_session_send_and_read (session, msg, NULL, &resp->error);
  resp->status = soup_message_get_status (msg);
  headers = soup_message_get_response_headers (msg);
  resp->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  resp->retry_after = g_strdup (soup_message_headers_get_one (headers, "Retry-After"));
  resp->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  if (bytes)
    {
      gsize length;
      const char *data = g_bytes_get_data (bytes, &length);

      resp->body = g_strndup (data ? data : "", length);
      if (length > 0)
        resp->json = json_from_string (resp->body, NULL);
    }
  return resp;
}

/* One request on a fresh session (so a dropped connection is never retried). */
static Resp *
call_full (const char *method,
           const char *path,
           const char *body,
           const char *key,
           const char *if_match)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 20, NULL);

  return call_on (session, method, path, body, key, if_match);
}

static Resp *
call (const char *method,
      const char *path,
      const char *body)
{
  return call_full (method, path, body, KEY, NULL);
}

static JsonObject *
obj (Resp *resp)
{
  g_assert_nonnull (resp->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (resp->json));
  return json_node_get_object (resp->json);
}

static void
assert_error (Resp       *resp,
              guint       status,
              const char *code)
{
  JsonArray *errors;
  JsonObject *first;

  g_assert_no_error (resp->error);
  g_assert_cmpuint (resp->status, ==, status);
  errors = json_object_get_array_member (obj (resp), "errors");
  g_assert_cmpuint (json_array_get_length (errors), >=, 1);
  first = json_array_get_object_element (errors, 0);
  g_assert_nonnull (json_object_get_string_member (first, "message"));
  if (code)
    g_assert_cmpstr (json_object_get_string_member (first, "code"), ==, code);
}

static void
assert_id (const char *id)
{
  g_assert_nonnull (id);
  g_assert_cmpuint (strlen (id), ==, 32);
  for (const char *p = id; *p; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));
}

static void
start_sandbox (gboolean empty,
               guint    page_size)
{
  g_autoptr(GError) error = NULL;

  sandbox = pm_sandbox_new ();
  g_object_set (sandbox, "api-key", KEY, "empty", empty, "page-size", page_size, NULL);
  pm_sandbox_start_in_thread (sandbox, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pm_sandbox_get_port (sandbox), >, 0);
}

static void
stop_sandbox (void)
{
  pm_sandbox_stop (sandbox);
  g_clear_object (&sandbox);
}

/* A member of the state snapshot: hosted/rulesets etc. */
static JsonArray *
state_array (JsonNode   *state,
             const char *flavour,
             const char *name)
{
  return json_object_get_array_member (json_object_get_object_member (json_node_get_object (state), flavour), name);
}

static JsonObject *
find_by (JsonArray  *array,
         const char *member,
         const char *value)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (o, member, NULL), value) == 0)
        return o;
    }
  return NULL;
}

/* The id of a demo deployment in a region. */
static char *
deployment_in (const char *region)
{
  g_autoptr(JsonNode) state = pm_sandbox_dup_state (sandbox);
  JsonObject *d = find_by (state_array (state, "hosted", "deployments"), "region", region);

  g_assert_nonnull (d);
  return g_strdup (json_object_get_string_member (d, "id"));
}

static char *
create_ruleset (const char *region,
                const char *type,
                const char *rules)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Test\",\"region\":\"%s\",\"type\":\"%s\","
                                           "\"include_by_default\":false,\"rules\":%s}", region, type, rules);
  g_autoptr(Resp) resp = call ("POST", RULESETS, body);

  g_assert_cmpuint (resp->status, ==, 201);
  assert_id (json_object_get_string_member (obj (resp), "id"));
  return g_strdup (json_object_get_string_member (obj (resp), "id"));
}

static guint
count_rulesets (void)
{
  g_autoptr(JsonNode) state = pm_sandbox_dup_state (sandbox);

  return json_array_get_length (state_array (state, "hosted", "rulesets"));
}

static void
test_auth (void)
{
  start_sandbox (FALSE, 100);
  {
    g_autoptr(Resp) none = call_full ("GET", RULESETS, NULL, NULL, NULL);
    g_autoptr(Resp) wrong = call_full ("GET", FILTERS, NULL, "not-the-key", NULL);
    g_autoptr(Resp) right = call ("GET", RULESETS, NULL);
    g_autoptr(Resp) unknown = call ("GET", "/api/v1/nothing", NULL);

    assert_error (none, 401, "root.unauthorized");
    assert_error (wrong, 401, "root.unauthorized");
    g_assert_null (strstr (wrong->body, "not-the-key"));
    g_assert_cmpuint (right->status, ==, 200);
    assert_error (unknown, 404, "root.not_found");
    g_assert_cmpuint (pm_sandbox_get_request_count (sandbox, "GET", RULESETS), ==, 2);
    g_assert_cmpuint (pm_sandbox_get_request_count (sandbox, NULL, NULL), ==, 4);
  }
  stop_sandbox ();
}

static void
test_hosted_rulesets (void)
{
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;

  start_sandbox (FALSE, 100);
  {
    g_autoptr(Resp) all = call ("GET", RULESETS "?include_associations=true", NULL);
    g_autoptr(Resp) eu = call ("GET", RULESETS "?region=eu-west-1", NULL);
    JsonArray *rulesets = json_object_get_array_member (obj (all), "rulesets");
    g_autoptr(GHashTable) types = g_hash_table_new (g_str_hash, g_str_equal);

    g_assert_cmpuint (all->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (rulesets), >=, 8);
    for (guint i = 0; i < json_array_get_length (rulesets); i++)
      {
        JsonObject *r = json_array_get_object_element (rulesets, i);

        assert_id (json_object_get_string_member (r, "id"));
        g_assert_true (json_object_has_member (r, "associations"));
        g_assert_true (json_object_has_member (r, "include_by_default"));
        g_hash_table_add (types, (gpointer) json_object_get_string_member (r, "type"));
      }
    g_assert_cmpuint (g_hash_table_size (types), ==, 5);
    rulesets = json_object_get_array_member (obj (eu), "rulesets");
    g_assert_cmpuint (json_array_get_length (rulesets), >=, 1);
    for (guint i = 0; i < json_array_get_length (rulesets); i++)
      {
        g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rulesets, i), "region"),
                         ==, "eu-west-1");
        g_assert_false (json_object_has_member (json_array_get_object_element (rulesets, i), "associations"));
      }
  }

  id = create_ruleset ("us-east-1", "egress_firewall",
                       "[{\"description\":\"d\",\"egress_rule\":{\"target\":\"10.0.0.0/8\",\"protocol\":\"tcp\",\"ports\":[443]}}]");
  path = g_strconcat (RULESETS "/", id, NULL);
  {
    g_autoptr(Resp) show = call ("GET", path, NULL);
    JsonObject *rule;

    g_assert_cmpuint (show->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (obj (show), "type"), ==, "egress_firewall");
    rule = json_array_get_object_element (json_object_get_array_member (obj (show), "rules"), 0);
    assert_id (json_object_get_string_member (rule, "id"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (rule, "egress_rule"), "protocol"),
                     ==, "tcp");
  }
  {
    g_autoptr(Resp) put = call ("PUT", path, "{\"name\":\"Renamed\",\"region\":\"us-east-1\",\"type\":\"ip\","
                                "\"include_by_default\":true,\"description\":\"x\",\"rules\":[{\"source\":\"192.168.132.6/22\"}]}");
    g_autoptr(Resp) show = call ("GET", path, NULL);

    g_assert_cmpuint (put->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (obj (put), "id"), ==, id);
    g_assert_cmpstr (json_object_get_string_member (obj (show), "name"), ==, "Renamed");
    g_assert_true (json_object_get_boolean_member (obj (show), "include_by_default"));
  }
  {
    /* Invalid bodies: not JSON, a missing field, a wrong type, invalid sources of each type. */
    const char *bad[] = {
      "{\"name\":\"x\",",
      "{\"name\":\"x\",\"region\":\"us-east-1\",\"type\":\"ip\",\"rules\":[]}",
      "{\"name\":5,\"region\":\"us-east-1\",\"type\":\"ip\",\"include_by_default\":false,\"rules\":[]}",
      "{\"name\":\"x\",\"region\":\"us-east-1\",\"type\":\"ip\",\"include_by_default\":false,\"rules\":[{\"source\":\"300.1.1.1\"}]}",
      "{\"name\":\"x\",\"region\":\"us-east-1\",\"type\":\"ip\",\"include_by_default\":false,\"rules\":[{\"source\":\"10.0.0.0/33\"}]}",
      "{\"name\":\"x\",\"region\":\"us-east-1\",\"type\":\"vpce\",\"include_by_default\":false,\"rules\":[{\"source\":\"10.0.0.1\"}]}",
      "{\"name\":\"x\",\"region\":\"azure-eastus2\",\"type\":\"azure_private_endpoint\",\"include_by_default\":false,\"rules\":[{\"azure_endpoint_name\":\"a\",\"azure_endpoint_guid\":\"nope\"}]}",
      "{\"name\":\"x\",\"region\":\"gcp-us-central1\",\"type\":\"gcp_private_service_connect_endpoint\",\"include_by_default\":false,\"rules\":[{\"source\":\"99999999999999999999\"}]}",
      "{\"name\":\"x\",\"region\":\"us-east-1\",\"type\":\"egress_firewall\",\"include_by_default\":false,\"rules\":[{\"egress_rule\":{\"target\":\"1.2.3.4\",\"protocol\":\"icmp\"}}]}",
      "{\"name\":\"x\",\"region\":\"us-east-1\",\"type\":\"private_endpoint\",\"include_by_default\":false,\"rules\":[]}",
      "[1,2]",
    };
    guint before = count_rulesets ();

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(Resp) resp = call ("POST", RULESETS, bad[i]);

        assert_error (resp, 400, NULL);
      }
    {
      g_autoptr(Resp) resp = call ("POST", RULESETS, bad[3]);
      JsonObject *e = json_array_get_object_element (json_object_get_array_member (obj (resp), "errors"), 0);

      g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (e, "fields"), 0),
                       ==, "rules[0].source");
    }
    {
      g_assert_cmpuint (count_rulesets (), ==, before);
    }
  }
  {
    g_autoptr(Resp) missing = call ("GET", RULESETS "/0123456789abcdef0123456789abcdef", NULL);
    g_autoptr(Resp) put_missing = call ("PUT", RULESETS "/0123456789abcdef0123456789abcdef",
                                        "{\"name\":\"x\",\"region\":\"us-east-1\",\"type\":\"ip\",\"include_by_default\":false,\"rules\":[]}");
    g_autoptr(Resp) deleted = call ("DELETE", path, NULL);
    g_autoptr(Resp) gone = call ("GET", path, NULL);
    g_autoptr(Resp) wrong_method = call ("PATCH", RULESETS, "{}");
    JsonObject *e;

    assert_error (missing, 404, "traffic_filter.not_found");
    e = json_array_get_object_element (json_object_get_array_member (obj (missing), "errors"), 0);
    g_assert_true (json_object_has_member (e, "fields"));
    assert_error (put_missing, 404, "traffic_filter.not_found");
    g_assert_cmpuint (deleted->status, ==, 200);
    g_assert_cmpuint (json_object_get_size (obj (deleted)), ==, 0);
    assert_error (gone, 404, "traffic_filter.not_found");
    assert_error (wrong_method, 405, "root.method_not_allowed");
  }
  stop_sandbox ();
}

static void
test_hosted_associations (void)
{
  g_autofree char *us = NULL, *eu = NULL, *id = NULL, *path = NULL, *assoc = NULL;
  g_autofree char *body_us = NULL, *body_eu = NULL, *of_us = NULL, *del = NULL;

  start_sandbox (FALSE, 100);
  us = deployment_in ("us-east-1");
  eu = deployment_in ("eu-west-1");
  id = create_ruleset ("aws-us-east-1", "ip", "[{\"source\":\"10.1.0.0/16\"}]");
  path = g_strconcat (RULESETS "/", id, NULL);
  assoc = g_strconcat (path, "/associations", NULL);
  body_us = g_strdup_printf ("{\"entity_type\":\"deployment\",\"id\":\"%s\"}", us);
  body_eu = g_strdup_printf ("{\"entity_type\":\"deployment\",\"id\":\"%s\"}", eu);
  of_us = g_strdup_printf ("/api/v1/deployments/traffic-filter/associations/deployment/%s/rulesets", us);
  del = g_strdup_printf ("%s/deployment/%s", assoc, us);
  {
    g_autoptr(Resp) first = call ("POST", assoc, body_us);
    g_autoptr(Resp) again = call ("POST", assoc, body_us);
    g_autoptr(Resp) other_region = call ("POST", assoc, body_eu);
    g_autoptr(Resp) no_such = call ("POST", assoc, "{\"entity_type\":\"deployment\",\"id\":\"ffffffffffffffffffffffffffffffff\"}");
    g_autoptr(Resp) bad_type = call ("POST", assoc, "{\"entity_type\":\"project\",\"id\":\"x\"}");
    g_autoptr(Resp) list = call ("GET", assoc, NULL);
    g_autoptr(Resp) of = call ("GET", of_us, NULL);
    g_autoptr(Resp) of_bad = call ("GET", "/api/v1/deployments/traffic-filter/associations/project/x/rulesets", NULL);
    g_autoptr(Resp) show = call ("GET", path, NULL);
    g_autoptr(Resp) show_assoc = NULL;
    g_autofree char *show_assoc_path = g_strconcat (path, "?include_associations=true", NULL);
    JsonArray *ids;
    gboolean found = FALSE;

    g_assert_cmpuint (first->status, ==, 201);
    g_assert_cmpuint (again->status, ==, 200);
    assert_error (other_region, 400, "traffic_filter.region_mismatch");
    assert_error (no_such, 404, NULL);
    assert_error (bad_type, 400, "traffic_filter.invalid_association_type");
    g_assert_cmpint (json_object_get_int_member (obj (list), "total_associations"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                       json_object_get_array_member (obj (list), "associations"), 0), "id"), ==, us);
    ids = json_object_get_array_member (obj (of), "rulesets");
    for (guint i = 0; i < json_array_get_length (ids); i++)
      found |= g_str_equal (json_array_get_string_element (ids, i), id);
    g_assert_true (found);
    assert_error (of_bad, 400, "traffic_filter.invalid_association_type");
    g_assert_false (json_object_has_member (obj (show), "associations"));
    g_assert_cmpint (json_object_get_int_member (obj (show), "total_associations"), ==, 1);
    show_assoc = call ("GET", show_assoc_path, NULL);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (show_assoc), "associations")), ==, 1);
  }
  {
    /* Delete while associated is refused; detaching then deleting works. */
    g_autoptr(Resp) refused = call ("DELETE", path, NULL);
    g_autoptr(Resp) detach = NULL;
    g_autoptr(Resp) detach_again = NULL;
    g_autoptr(Resp) deleted = NULL;

    assert_error (refused, 400, "deployments.traffic_filter.ruleset_in_use");
    detach = call ("DELETE", del, NULL);
    g_assert_cmpuint (detach->status, ==, 200);
    detach_again = call ("DELETE", del, NULL);
    assert_error (detach_again, 404, "traffic_filter.not_found");
    deleted = call ("DELETE", path, NULL);
    g_assert_cmpuint (deleted->status, ==, 200);
  }
  {
    /* ignore_associations=true deletes an associated policy. */
    g_autofree char *id2 = create_ruleset ("us-east-1", "vpce", "[{\"source\":\"vpce-0123456789abcdef0\"}]");
    g_autofree char *assoc2 = g_strconcat (RULESETS "/", id2, "/associations", NULL);
    g_autofree char *force = g_strconcat (RULESETS "/", id2, "?ignore_associations=true", NULL);
    g_autoptr(Resp) attach = call ("POST", assoc2, body_us);
    g_autoptr(Resp) deleted = NULL;
    g_autoptr(JsonNode) state = NULL;

    g_assert_cmpuint (attach->status, ==, 201);
    deleted = call ("DELETE", force, NULL);
    g_assert_cmpuint (deleted->status, ==, 200);
    state = pm_sandbox_dup_state (sandbox);
    g_assert_null (find_by (state_array (state, "hosted", "rulesets"), "id", id2));
  }
  stop_sandbox ();
}

static void
test_deployments (void)
{
  start_sandbox (FALSE, 100);
  {
    g_autoptr(Resp) resp = call ("GET", "/api/v1/deployments", NULL);
    JsonArray *deployments = json_object_get_array_member (obj (resp), "deployments");
    g_autoptr(GHashTable) regions = g_hash_table_new (g_str_hash, g_str_equal);

    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (deployments), >=, 8);
    for (guint i = 0; i < json_array_get_length (deployments); i++)
      {
        JsonObject *d = json_array_get_object_element (deployments, i);
        JsonArray *resources = json_object_get_array_member (d, "resources");

        assert_id (json_object_get_string_member (d, "id"));
        g_assert_nonnull (json_object_get_string_member (d, "name"));
        g_assert_cmpuint (json_array_get_length (resources), >=, 1);
        for (guint r = 0; r < json_array_get_length (resources); r++)
          {
            JsonObject *res = json_array_get_object_element (resources, r);

            g_assert_nonnull (json_object_get_string_member (res, "id"));
            g_assert_nonnull (json_object_get_string_member (res, "kind"));
            g_assert_nonnull (json_object_get_string_member (res, "ref_id"));
            g_hash_table_add (regions, (gpointer) json_object_get_string_member (res, "region"));
          }
      }
    g_assert_true (g_hash_table_contains (regions, "us-east-1"));
    g_assert_true (g_hash_table_contains (regions, "azure-eastus2"));
    g_assert_true (g_hash_table_contains (regions, "gcp-us-central1"));
  }
  stop_sandbox ();
}

static void
test_claims (void)
{
  const char *aws = "{\"region\":\"eu-west-1\",\"link_id\":\"vpce-0abc0abc0abc0abc0\"}";
  const char *azure = "{\"region\":\"azure-westeurope\",\"azure_endpoint_name\":\"my-pe\","
                      "\"azure_endpoint_guid\":\"11111111-2222-4333-8444-555555555555\"}";

  start_sandbox (FALSE, 100);
  {
    g_autoptr(Resp) before = call ("GET", LINK_IDS, NULL);
    g_autoptr(Resp) claim = call ("POST", LINK_IDS "/_claim", aws);
    g_autoptr(Resp) again = call ("POST", LINK_IDS "/_claim", aws);
    g_autoptr(Resp) claim_azure = call ("POST", LINK_IDS "/_claim", azure);
    g_autoptr(Resp) bad = call ("POST", LINK_IDS "/_claim", "{\"region\":\"gcp-us-central1\",\"link_id\":\"abc\"}");
    g_autoptr(Resp) no_region = call ("POST", LINK_IDS "/_claim", "{\"link_id\":\"vpce-1234\"}");
    g_autoptr(Resp) eu = call ("GET", LINK_IDS "?region=eu-west-1", NULL);
    g_autoptr(Resp) unclaim = call ("POST", LINK_IDS "/_unclaim", aws);
    g_autoptr(Resp) unclaim_again = call ("POST", LINK_IDS "/_unclaim", aws);
    g_autoptr(Resp) after = call ("GET", LINK_IDS, NULL);
    JsonArray *list;

    g_assert_cmpuint (before->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (before), "claimed_link_ids")), ==, 3);
    g_assert_cmpuint (claim->status, ==, 201);
    g_assert_cmpstr (json_object_get_string_member (obj (claim), "link_id"), ==, "vpce-0abc0abc0abc0abc0");
    g_assert_cmpstr (json_object_get_string_member (obj (claim), "region"), ==, "eu-west-1");
    assert_error (again, 400, "traffic_filter_claimed_link_id.already_claimed");
    g_assert_cmpuint (claim_azure->status, ==, 201);
    g_assert_cmpstr (json_object_get_string_member (obj (claim_azure), "azure_endpoint_name"), ==, "my-pe");
    assert_error (bad, 400, "traffic_filter_claimed_link_id.invalid_input");
    assert_error (no_region, 400, "traffic_filter_claimed_link_id.invalid_input");
    list = json_object_get_array_member (obj (eu), "claimed_link_ids");
    g_assert_cmpuint (json_array_get_length (list), ==, 1);
    g_assert_cmpuint (unclaim->status, ==, 200);
    assert_error (unclaim_again, 400, "traffic_filter_claimed_link_id.not_found");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (after), "claimed_link_ids")), ==, 4);
  }
  stop_sandbox ();
}

static char *
create_filter (const char *name,
               const char *region,
               const char *type,
               const char *rules,
               char      **etag)
{
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"region\":\"%s\",\"type\":\"%s\",\"rules\":%s}",
                                           name, region, type, rules);
  g_autoptr(Resp) resp = call ("POST", FILTERS, body);

  g_assert_cmpuint (resp->status, ==, 201);
  g_assert_nonnull (resp->etag);
  g_assert_false (json_object_get_boolean_member (obj (resp), "include_by_default"));
  g_assert_cmpstr (json_object_get_string_member (obj (resp), "name"), ==, name);
  if (etag)
    *etag = g_strdup (resp->etag);
  return g_strdup (json_object_get_string_member (obj (resp), "id"));
}

static void
test_serverless_filters (void)
{
  g_autofree char *etag = NULL, *id = NULL, *path = NULL;

  start_sandbox (FALSE, 100);
  id = create_filter ("Office", "us-east-1", "ip", "[{\"source\":\"192.0.2.1\",\"description\":\"d\"}]", &etag);
  assert_id (id);
  path = g_strconcat (FILTERS "/", id, NULL);
  {
    g_autoptr(Resp) show = call ("GET", path, NULL);
    g_autoptr(Resp) stale = NULL;
    g_autoptr(Resp) patched = NULL;
    g_autoptr(Resp) show2 = NULL;

    g_assert_cmpuint (show->status, ==, 200);
    g_assert_cmpstr (show->etag, ==, etag);
    patched = call_full ("PATCH", path, "{\"description\":\"Updated\",\"include_by_default\":true,"
                         "\"rules\":[{\"source\":\"10.0.0.0/24\"}]}", KEY, etag);
    g_assert_cmpuint (patched->status, ==, 200);
    g_assert_nonnull (patched->etag);
    g_assert_cmpstr (patched->etag, !=, etag);
    g_assert_cmpstr (json_object_get_string_member (obj (patched), "description"), ==, "Updated");
    g_assert_cmpstr (json_object_get_string_member (obj (patched), "name"), ==, "Office");
    g_assert_cmpstr (json_object_get_string_member (obj (patched), "region"), ==, "us-east-1");
    stale = call_full ("PATCH", path, "{\"name\":\"Late\"}", KEY, etag);
    assert_error (stale, 412, NULL);
    show2 = call ("GET", path, NULL);
    g_assert_cmpstr (json_object_get_string_member (obj (show2), "name"), ==, "Office");
    g_assert_cmpstr (show2->etag, ==, patched->etag);
  }
  {
    const char *bad[] = {
      "{\"name\":\"x\",\"region\":\"us-east-1\",\"type\":\"egress_firewall\"}",
      "{\"name\":\"x\",\"type\":\"ip\"}",
      "{\"name\":\"\",\"region\":\"us-east-1\",\"type\":\"ip\"}",
      "{\"name\":\"x\",\"region\":\"us-east-1\",\"type\":\"ip\",\"rules\":[{\"source\":\"1.2.3\"}]}",
      "{\"name\":\"x\",\"region\":\"us-east-1\",\"type\":\"vpce\",\"rules\":[{\"source\":\"1.2.3.4\"}]}",
      "{\"name\":\"x\",\"region\":\"azure-eastus2\",\"type\":\"private_endpoint\",\"rules\":[{\"azure_endpoint_name\":\"n\"}]}",
      "not json",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(Resp) resp = call ("POST", FILTERS, bad[i]);

        assert_error (resp, 400, NULL);
      }
  }
  {
    g_autoptr(Resp) by_default = call ("GET", FILTERS "?include_by_default=true", NULL);
    g_autoptr(Resp) region = call ("GET", FILTERS "?region=aws-us-east-1", NULL);
    JsonArray *items = json_object_get_array_member (obj (by_default), "items");

    g_assert_cmpuint (json_array_get_length (items), >=, 2);
    for (guint i = 0; i < json_array_get_length (items); i++)
      g_assert_true (json_object_get_boolean_member (json_array_get_object_element (items, i), "include_by_default"));
    items = json_object_get_array_member (obj (region), "items");
    g_assert_cmpuint (json_array_get_length (items), >=, 3);
    for (guint i = 0; i < json_array_get_length (items); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i), "region"),
                       ==, "us-east-1");
    g_assert_false (json_object_has_member (obj (region), "next_page"));
  }
  {
    /* A filter used by a project cannot be deleted (409); an unused one can (204). */
    g_autoptr(JsonNode) state = pm_sandbox_dup_state (sandbox);
    JsonObject *project = find_by (state_array (state, "serverless", "projects"), "name", "Product search");
    const char *used = json_object_get_string_member (json_array_get_object_element (
                         json_object_get_array_member (project, "traffic_filters"), 0), "id");
    g_autofree char *used_path = g_strconcat (FILTERS "/", used, NULL);
    g_autoptr(Resp) refused = call ("DELETE", used_path, NULL);
    g_autoptr(Resp) stale = call_full ("DELETE", path, NULL, KEY, etag);
    g_autoptr(Resp) deleted = call ("DELETE", path, NULL);
    g_autoptr(Resp) gone = call ("GET", path, NULL);

    assert_error (refused, 409, "traffic_filter.in_use");
    assert_error (stale, 412, NULL);
    g_assert_cmpuint (deleted->status, ==, 204);
    g_assert_cmpuint (strlen (deleted->body), ==, 0);
    assert_error (gone, 404, "traffic_filter.not_found");
  }
  stop_sandbox ();
}

static void
test_serverless_pagination (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *token = NULL;
  guint pages = 0;
  guint total;

  start_sandbox (TRUE, 3);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("Policy %u", i);
      g_autofree char *id = create_filter (name, i % 2 ? "eu-west-1" : "us-east-1", "ip", "[]", NULL);
    }
  do
    {
      g_autofree char *escaped = token ? g_uri_escape_string (token, NULL, TRUE) : NULL;
      g_autofree char *path = token ? g_strconcat (FILTERS "?next_page=", escaped, NULL) : g_strdup (FILTERS);
      g_autoptr(Resp) page = call ("GET", path, NULL);
      JsonArray *items = json_object_get_array_member (obj (page), "items");

      g_assert_cmpuint (page->status, ==, 200);
      g_assert_cmpuint (json_array_get_length (items), <=, 3);
      for (guint i = 0; i < json_array_get_length (items); i++)
        g_assert_true (g_hash_table_add (seen, g_strdup (json_object_get_string_member (
                                                           json_array_get_object_element (items, i), "id"))));
      g_free (token);
      token = g_strdup (json_object_get_string_member_with_default (obj (page), "next_page", NULL));
      pages++;
    }
  while (token != NULL);
  g_assert_cmpuint (pages, ==, 4);
  total = g_hash_table_size (seen);
  g_assert_cmpuint (total, ==, 10);
  {
    g_autoptr(Resp) region = call ("GET", FILTERS "?region=eu-west-1", NULL);
    g_autoptr(Resp) bad = call ("GET", FILTERS "?next_page=garbage", NULL);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (region), "items")), ==, 3);
    g_assert_nonnull (json_object_get_string_member (obj (region), "next_page"));
    assert_error (bad, 400, NULL);
  }
  stop_sandbox ();
}

static void
test_serverless_metadata (void)
{
  start_sandbox (FALSE, 100);
  {
    g_autoptr(Resp) eu = call ("GET", FILTERS "/metadata?region=eu-west-1", NULL);
    g_autoptr(Resp) eu2 = call ("GET", FILTERS "/metadata?region=aws-eu-west-1", NULL);
    g_autoptr(Resp) azure = call ("GET", FILTERS "/metadata?csp=azure", NULL);
    g_autoptr(Resp) all = call ("GET", FILTERS "/metadata", NULL);
    g_autoptr(Resp) none = call ("GET", FILTERS "/metadata?region=mars-north-1", NULL);
    g_autoptr(Resp) bad = call ("GET", FILTERS "/metadata?csp=oracle", NULL);
    JsonArray *regions = json_object_get_array_member (obj (eu), "regions");
    JsonObject *r;

    g_assert_cmpuint (json_array_get_length (regions), ==, 1);
    r = json_array_get_object_element (regions, 0);
    g_assert_cmpstr (json_object_get_string_member (r, "private_hosted_zone_domain_name"), ==,
                     "private.eu-west-1.aws.elastic.cloud");
    g_assert_true (g_str_has_prefix (json_object_get_string_member (r, "vpc_service_name"),
                                     "com.amazonaws.vpce.eu-west-1.vpce-svc-"));
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r, "availability_zones")), ==, 3);
    g_assert_cmpstr (eu->body, ==, eu2->body);
    regions = json_object_get_array_member (obj (azure), "regions");
    g_assert_cmpuint (json_array_get_length (regions), ==, 10);
    for (guint i = 0; i < json_array_get_length (regions); i++)
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (regions, i), "csp"), ==, "azure");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (all), "regions")), ==, 20);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (none), "regions")), ==, 0);
    assert_error (bad, 400, NULL);
  }
  stop_sandbox ();
}

static void
test_serverless_projects (void)
{
  const char *types[] = { "elasticsearch", "observability", "security" };
  g_autofree char *project_id = NULL, *path = NULL, *etag = NULL, *us_filter = NULL, *eu_filter = NULL;

  start_sandbox (FALSE, 100);
  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autofree char *list_path = g_strconcat (PROJECTS "/", types[t], NULL);
      g_autoptr(Resp) list = call ("GET", list_path, NULL);
      JsonArray *items = json_object_get_array_member (obj (list), "items");

      g_assert_cmpuint (json_array_get_length (items), >=, 2);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *p = json_array_get_object_element (items, i);
          const char *required[] = { "alias", "cloud_id", "id", "name", "region_id", "type" };

          for (guint r = 0; r < G_N_ELEMENTS (required); r++)
            g_assert_nonnull (json_object_get_string_member (p, required[r]));
          g_assert_cmpstr (json_object_get_string_member (p, "type"), ==, types[t]);
          g_assert_true (json_object_has_member (json_object_get_object_member (p, "endpoints"), "kibana"));
          g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (p, "metadata"), "created_at"));
          if (t == 0)
            g_assert_cmpstr (json_object_get_string_member (p, "optimized_for"), ==, "general_purpose");
          if (t == 0 && g_str_equal (json_object_get_string_member (p, "region_id"), "aws-us-east-1"))
            project_id = g_strdup (json_object_get_string_member (p, "id"));
        }
    }
  g_assert_nonnull (project_id);
  path = g_strconcat (PROJECTS "/elasticsearch/", project_id, NULL);
  us_filter = create_filter ("New US", "us-east-1", "ip", "[]", NULL);
  eu_filter = create_filter ("New EU", "eu-west-1", "ip", "[]", NULL);
  {
    g_autoptr(Resp) get = call ("GET", path, NULL);
    g_autofree char *body = g_strdup_printf ("{\"traffic_filters\":[{\"id\":\"%s\"}]}", us_filter);
    g_autofree char *cross = g_strdup_printf ("{\"traffic_filters\":[{\"id\":\"%s\"}]}", eu_filter);
    g_autofree char *by_filter = g_strconcat (PROJECTS "/elasticsearch?traffic_filter=", us_filter, NULL);
    g_autofree char *wrong_type = g_strconcat (PROJECTS "/security/", project_id, NULL);
    g_autoptr(Resp) patched = NULL;
    g_autoptr(Resp) stale = NULL;
    g_autoptr(Resp) region = NULL;
    g_autoptr(Resp) unknown = NULL;
    g_autoptr(Resp) filtered = NULL;
    g_autoptr(Resp) wrong = NULL;
    JsonArray *filters;

    g_assert_cmpuint (get->status, ==, 200);
    g_assert_nonnull (get->etag);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (get), "traffic_filters")), ==, 2);
    etag = g_strdup (get->etag);
    patched = call_full ("PATCH", path, body, KEY, etag);
    g_assert_cmpuint (patched->status, ==, 200);
    g_assert_cmpstr (patched->etag, !=, etag);
    filters = json_object_get_array_member (obj (patched), "traffic_filters");
    g_assert_cmpuint (json_array_get_length (filters), ==, 1);  /* the list replaced, not merged */
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (filters, 0), "id"), ==, us_filter);
    stale = call_full ("PATCH", path, "{\"traffic_filters\":[]}", KEY, etag);
    assert_error (stale, 412, NULL);
    region = call_full ("PATCH", path, cross, KEY, patched->etag);
    assert_error (region, 400, "project.traffic_filter_region_mismatch");
    unknown = call ("PATCH", path, "{\"traffic_filters\":[{\"id\":\"0123456789abcdef0123456789abcdef\"}]}");
    assert_error (unknown, 400, "project.traffic_filter_not_found");
    filtered = call ("GET", by_filter, NULL);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (filtered), "items")), ==, 1);
    wrong = call ("GET", wrong_type, NULL);
    assert_error (wrong, 404, "project.not_found");
  }
  {
    g_autoptr(JsonNode) state = pm_sandbox_dup_state (sandbox);
    JsonObject *p = find_by (state_array (state, "serverless", "projects"), "id", project_id);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (p, "traffic_filters")), ==, 1);
    g_assert_nonnull (json_object_get_string_member (p, "etag"));
  }
  stop_sandbox ();
}

static const char *create_body =
  "{\"name\":\"F\",\"region\":\"us-east-1\",\"type\":\"ip\",\"include_by_default\":false,\"rules\":[]}";

static void
add_fault (const char *spec)
{
  g_autoptr(GError) error = NULL;

  pm_sandbox_clear_faults (sandbox);
  pm_sandbox_add_fault (sandbox, spec, &error);
  g_assert_no_error (error);
}

static void
test_faults_status (void)
{
  guint before;

  start_sandbox (FALSE, 100);
  before = count_rulesets ();
  {
    const guint codes[] = { 429, 500, 502, 503, 504 };

    for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
      {
        g_autofree char *spec = g_strdup_printf ("status:%u@POST:" RULESETS, codes[i]);
        g_autoptr(Resp) resp = NULL;

        add_fault (spec);
        resp = call ("POST", RULESETS, create_body);
        assert_error (resp, codes[i], NULL);
        g_assert_null (resp->retry_after);
      }
    g_assert_cmpuint (count_rulesets (), ==, before);
  }
  {
    g_autoptr(Resp) resp = NULL;
    g_autoptr(Resp) untouched = NULL;

    add_fault ("retry-after:7@POST");
    resp = call ("POST", RULESETS, create_body);
    assert_error (resp, 429, NULL);
    g_assert_cmpstr (resp->retry_after, ==, "7");
    untouched = call ("GET", RULESETS, NULL);   /* another method: not hit */
    g_assert_cmpuint (untouched->status, ==, 200);
  }
  {
    /* COUNT: two hits, then normal service. */
    add_fault ("status:503*2");
    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(Resp) resp = call ("GET", "/api/v1/deployments", NULL);

        g_assert_cmpuint (resp->status, ==, i < 2 ? 503 : 200);
      }
  }
  {
    /* PERCENT: some hit, some not, the same way for the same seed. */
    guint hits = 0;

    add_fault ("status:500%50");
    for (guint i = 0; i < 40; i++)
      {
        g_autoptr(Resp) resp = call ("GET", LINK_IDS, NULL);

        hits += resp->status == 500;
      }
    g_assert_cmpuint (hits, >, 5);
    g_assert_cmpuint (hits, <, 35);
  }
  {
    g_autoptr(Resp) stale = NULL;
    g_autoptr(Resp) unauthorized = NULL;

    add_fault ("stale-etag@PATCH");
    stale = call ("PATCH", PROJECTS "/elasticsearch/00000000000000000000000000000000", "{}");
    assert_error (stale, 412, NULL);
    add_fault ("status:500");
    unauthorized = call_full ("GET", RULESETS, NULL, "wrong", NULL);
    assert_error (unauthorized, 401, NULL);   /* unauthenticated requests are not faulted */
  }
  {
    const char *invalid[] = { "", "explode", "latency", "latency:x", "status:99", "reset-before:5",
                              "status:500%101", "truncate@GET*x" };
    g_autoptr(GError) error = NULL;

    g_assert_false (pm_sandbox_add_fault (sandbox, invalid[0], &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    for (guint i = 1; i < G_N_ELEMENTS (invalid); i++)
      {
        g_autoptr(GError) e = NULL;

        g_assert_false (pm_sandbox_add_fault (sandbox, invalid[i], &e));
        g_assert_nonnull (e);
      }
    g_assert_true (pm_sandbox_add_fault (sandbox, "latency:5@*:/api/v1/serverless*3%90", NULL));
  }
  pm_sandbox_clear_faults (sandbox);
  stop_sandbox ();
}

/* The sandbox has had another GET of the rule sets since *seen. */
static gboolean
rulesets_asked_since (gpointer data)
{
  const guint *seen = data;

  return pm_sandbox_get_request_count (sandbox, "GET", RULESETS) != *seen;
}

static void
test_faults_connection (void)
{
  guint before;

  start_sandbox (FALSE, 100);
  before = count_rulesets ();
  {
    /* reset-before: no reply and nothing done. */
    g_autoptr(Resp) resp = NULL;

    add_fault ("reset-before@POST:" RULESETS "*1");
    resp = call ("POST", RULESETS, create_body);
    g_assert_nonnull (resp->error);
    g_assert_cmpuint (count_rulesets (), ==, before);
    g_assert_cmpuint (pm_sandbox_get_request_count (sandbox, "POST", RULESETS), ==, 1);
  }
  {
    /* reset-after: no reply, but the policy was created (the lost reply). */
    g_autoptr(Resp) resp = NULL;

    add_fault ("reset-after@POST");
    resp = call ("POST", RULESETS, create_body);
    g_assert_nonnull (resp->error);
    g_assert_cmpuint (count_rulesets (), ==, before + 1);
  }
  {
    g_autoptr(Resp) resp = NULL;

    add_fault ("truncate@GET");
    resp = call ("GET", RULESETS, NULL);
    g_assert_no_error (resp->error);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpuint (strlen (resp->body), >, 10);
    g_assert_true (resp->body[0] == '{');
    g_assert_null (resp->json);
  }
  {
    g_autoptr(Resp) resp = NULL;

    add_fault ("not-json");
    resp = call ("GET", RULESETS, NULL);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (resp->content_type, ==, "text/html");
    g_assert_null (resp->json);
  }
  {
    g_autoptr(Resp) resp = NULL;
    gint64 start;

    add_fault ("latency:300@GET");
    start = g_get_monotonic_time ();
    resp = call ("GET", RULESETS, NULL);
    g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_nonnull (resp->json);
  }
  {
    g_autoptr(Resp) resp = NULL;
    gint64 start;

    add_fault ("stall:300@GET");
    start = g_get_monotonic_time ();
    resp = call ("GET", RULESETS, NULL);
    g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
    g_assert_no_error (resp->error);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_nonnull (resp->json);
    g_assert_nonnull (json_object_get_array_member (obj (resp), "rulesets"));
  }
  for (guint round = 0; round < 2; round++)
  {
    /* A client that gives up on a delayed reply (round 0), and pending
     * replies when the sandbox stops (round 1), are dropped cleanly. */
    add_fault (round == 0 ? "latency:200@GET" : "latency:60000@GET");
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autofree char *base = pm_sandbox_dup_base_url (sandbox);
      g_autofree char *url = g_strconcat (base, RULESETS, NULL);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      guint seen = pm_sandbox_get_request_count (sandbox, "GET", RULESETS);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "ApiKey " KEY);
      soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      pm_test_wait_until (rulesets_asked_since, &seen, 20000);
      soup_session_abort (session);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (round == 0)
        {
          g_autoptr(Resp) after = NULL;

          g_usleep (400 * 1000);
          pm_sandbox_clear_faults (sandbox);
          after = call ("GET", RULESETS, NULL);
          g_assert_cmpuint (after->status, ==, 200);
        }
    }
  }
  stop_sandbox ();
}

static void
test_faults_consistency (void)
{
  start_sandbox (FALSE, 100);
  {
    /* not-found-after-create: the new id answers 404 once, then 200. */
    g_autoptr(Resp) created = NULL;
    g_autofree char *path = NULL;

    add_fault ("not-found-after-create*1");
    created = call ("POST", RULESETS, create_body);
    g_assert_cmpuint (created->status, ==, 201);
    path = g_strconcat (RULESETS "/", json_object_get_string_member (obj (created), "id"), NULL);
    {
      /* Only reads miss: an update right away finds the policy. */
      g_autoptr(Resp) put = call ("PUT", path, create_body);
      g_autoptr(Resp) first = call ("GET", path, NULL);
      g_autoptr(Resp) second = call ("GET", path, NULL);

      g_assert_cmpuint (put->status, ==, 200);
      assert_error (first, 404, "traffic_filter.not_found");
      g_assert_cmpuint (second->status, ==, 200);
    }
  }
  {
    g_autofree char *id = NULL, *path = NULL;

    add_fault ("not-found-after-create@POST:" FILTERS);
    id = create_filter ("Eventually", "us-east-1", "ip", "[]", NULL);
    path = g_strconcat (FILTERS "/", id, NULL);
    {
      g_autoptr(Resp) first = call ("GET", path, NULL);
      g_autoptr(Resp) second = call ("GET", path, NULL);

      assert_error (first, 404, "traffic_filter.not_found");
      g_assert_cmpuint (second->status, ==, 200);
    }
  }
  {
    /* race: the project changes between the client's read and its write. */
    g_autoptr(JsonNode) state = pm_sandbox_dup_state (sandbox);
    JsonObject *p = find_by (state_array (state, "serverless", "projects"), "name", "Platform observability");
    g_autofree char *path = g_strconcat (PROJECTS "/observability/", json_object_get_string_member (p, "id"), NULL);
    g_autoptr(Resp) get = NULL;
    g_autoptr(Resp) patch = NULL;
    g_autoptr(Resp) after = NULL;
    guint filters_before;

    pm_sandbox_clear_faults (sandbox);
    get = call ("GET", path, NULL);
    filters_before = json_array_get_length (json_object_get_array_member (obj (get), "traffic_filters"));
    add_fault ("race@PATCH*1");
    patch = call_full ("PATCH", path, "{\"traffic_filters\":[]}", KEY, get->etag);
    assert_error (patch, 412, NULL);
    after = call ("GET", path, NULL);
    g_assert_cmpstr (after->etag, !=, get->etag);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (after), "traffic_filters")),
                      !=, filters_before);
    {
      /* Retried with the fresh ETag, the write goes through. */
      g_autoptr(Resp) retry = call_full ("PATCH", path, "{\"traffic_filters\":[]}", KEY, after->etag);

      g_assert_cmpuint (retry->status, ==, 200);
    }
    {
      /* race on a GET: the change lands right after the read. */
      g_autoptr(Resp) read = NULL;
      g_autoptr(Resp) write = NULL;

      add_fault ("race@GET:" PROJECTS "*1");
      read = call ("GET", path, NULL);
      write = call_full ("PATCH", path, "{\"traffic_filters\":[]}", KEY, read->etag);
      assert_error (write, 412, NULL);
    }
  }
  pm_sandbox_clear_faults (sandbox);
  stop_sandbox ();
}

static void
test_state_and_scale (void)
{
  g_autoptr(PmSandbox) a = pm_sandbox_new ();
  g_autoptr(PmSandbox) b = pm_sandbox_new ();
  g_autoptr(PmSandbox) c = pm_sandbox_new ();
  g_autoptr(PmSandbox) big = pm_sandbox_new ();
  g_autoptr(JsonNode) sa = NULL, sb = NULL, sc = NULL, sbig = NULL;
  g_autofree char *ta = NULL, *tb = NULL, *tc = NULL;
  g_autofree char *scale = NULL;
  JsonArray *rulesets;
  guint associated = 0;

  g_object_set (c, "seed", (guint64) 2, NULL);
  sa = pm_sandbox_dup_state (a);
  sb = pm_sandbox_dup_state (b);
  sc = pm_sandbox_dup_state (c);
  ta = json_to_string (sa, FALSE);
  tb = json_to_string (sb, FALSE);
  tc = json_to_string (sc, FALSE);
  g_assert_cmpstr (ta, ==, tb);
  g_assert_cmpstr (ta, !=, tc);
  g_assert_cmpuint (json_array_get_length (state_array (sa, "serverless", "traffic_filters")), >=, 4);
  g_assert_cmpuint (json_array_get_length (state_array (sa, "serverless", "projects")), >=, 6);
  g_assert_cmpuint (json_array_get_length (state_array (sa, "hosted", "claims")), ==, 3);

  g_object_set (big, "empty", TRUE, "scale", "64,16,500", NULL);
  g_object_get (big, "scale", &scale, NULL);
  g_assert_cmpstr (scale, ==, "64,16,500");
  sbig = pm_sandbox_dup_state (big);
  rulesets = state_array (sbig, "hosted", "rulesets");
  g_assert_cmpuint (json_array_get_length (rulesets), ==, 64);
  g_assert_cmpuint (json_array_get_length (state_array (sbig, "hosted", "deployments")), ==, 500);
  for (guint i = 0; i < json_array_get_length (rulesets); i++)
    {
      JsonObject *r = json_array_get_object_element (rulesets, i);

      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (r, "rules")), ==, 16);
      associated += json_object_get_int_member (r, "total_associations");
    }
  g_assert_cmpuint (associated, >, 250);
  g_assert_cmpuint (associated, <, 500);
  {
    guint p, r, d;

    g_assert_true (pm_sandbox_parse_scale ("512,128,5000", &p, &r, &d));
    g_assert_cmpuint (p, ==, 512);
    g_assert_cmpuint (r, ==, 128);
    g_assert_cmpuint (d, ==, 5000);
    g_assert_false (pm_sandbox_parse_scale ("512,128", &p, &r, &d));
    g_assert_false (pm_sandbox_parse_scale ("a,b,c", &p, &r, &d));
  }
}

/* Every scale association is in-region, and a start on the caller's context works. */
static gboolean
got_reply (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

#ifdef __linux__
/* The nice value of this process's thread called @name (-100 if none). */
static int
thread_nice (const char *name)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *stat_path = g_build_filename ("/proc/self/task", tid, "stat", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *end;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL)
          || !g_str_equal (g_strchomp (comm), name)
          || !g_file_get_contents (stat_path, &stat, NULL, NULL)
          || (end = strrchr (stat, ')')) == NULL)
        continue;
      /* After "(comm) ": state is field 3 of proc(5)'s stat, nice is 19. */
      fields = g_strsplit (end + 2, " ", -1);
      g_assert_cmpuint (g_strv_length (fields), >, 16);
      return atoi (fields[16]);
    }
  return -100;
}
#endif

/* pm_sandbox_begin_in_thread returns at once and the sandbox makes its
 * organization on its own thread, below the caller's priority (in the app
 * it stands for a server elsewhere, and must not take a CPU from the main
 * thread); pm_sandbox_wait_started returns once it listens, or with the
 * reason it could not. */
static void
test_begin_then_wait (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmSandbox) taken = NULL;
  g_autoptr(PmSandbox) idle = NULL;

  sandbox = pm_sandbox_new ();
  g_object_set (sandbox, "api-key", KEY, "empty", TRUE, "scale", "24,2,10", NULL);
  pm_sandbox_begin_in_thread (sandbox, 0);
  g_assert_true (pm_sandbox_wait_started (sandbox, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pm_sandbox_get_port (sandbox), >, 0);
#ifdef __linux__
  g_assert_cmpint (thread_nice ("pm-sandbox"), ==, MIN (getpriority (PRIO_PROCESS, 0) + 10, 19));
#endif
  /* Waiting again is harmless. */
  g_assert_true (pm_sandbox_wait_started (sandbox, &error));
  {
    g_autoptr(Resp) resp = call ("GET", RULESETS, NULL);

    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (resp), "rulesets")), ==, 24);
  }

  /* A port in use: the wait says so, and the sandbox can be dropped. */
  taken = pm_sandbox_new ();
  pm_sandbox_begin_in_thread (taken, pm_sandbox_get_port (sandbox));
  g_assert_false (pm_sandbox_wait_started (taken, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (pm_sandbox_get_port (taken), ==, 0);

  /* Stopped without ever being waited for: no hang, no leak. */
  idle = pm_sandbox_new ();
  pm_sandbox_begin_in_thread (idle, 0);
  pm_sandbox_stop (idle);

  stop_sandbox ();
}

static void
test_start_on_context (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *base = NULL, *url = NULL;

  sandbox = pm_sandbox_new ();
  g_object_set (sandbox, "empty", TRUE, "scale", "16,4,40", NULL);
  g_assert_true (pm_sandbox_start (sandbox, 0, &error));
  g_assert_no_error (error);
  base = pm_sandbox_dup_base_url (sandbox);
  g_assert_true (g_str_has_prefix (base, "http://127.0.0.1:"));
  url = g_strconcat (base, RULESETS "?include_associations=true", NULL);
  msg = soup_message_new ("GET", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "ApiKey " PM_SANDBOX_DEFAULT_API_KEY);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, pm_test_result_cb, &result);
  pm_test_wait_until (got_reply, &result, 20000);
  bytes = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  {
    g_autoptr(JsonNode) root = bytes_to_json (bytes, &error);
    g_autoptr(JsonNode) state = pm_sandbox_dup_state (sandbox);
    JsonArray *rulesets = json_object_get_array_member (json_node_get_object (root), "rulesets");
    JsonArray *deployments = state_array (state, "hosted", "deployments");

    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (rulesets), ==, 16);
    for (guint i = 0; i < json_array_get_length (rulesets); i++)
      {
        JsonObject *r = json_array_get_object_element (rulesets, i);
        JsonArray *assoc = json_object_get_array_member (r, "associations");

        for (guint a = 0; a < json_array_get_length (assoc); a++)
          {
            JsonObject *d = find_by (deployments, "id",
                                     json_object_get_string_member (json_array_get_object_element (assoc, a), "id"));

            g_assert_nonnull (d);
            g_assert_cmpstr (json_object_get_string_member (d, "region"), ==,
                             json_object_get_string_member (r, "region"));
          }
      }
  }
  {
    g_autoptr(PmSandbox) other = pm_sandbox_new ();
    g_autoptr(GError) busy = NULL;

    /* The port is taken: a clean error. */
    g_assert_false (pm_sandbox_start_in_thread (other, pm_sandbox_get_port (sandbox), &busy));
    g_assert_nonnull (busy);
  }
  stop_sandbox ();
}

#ifdef __linux__
/* This process's open sockets (GLib opens other files, such as eventfds,
 * as it first needs them). */
static guint
open_sockets (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      n += target != NULL && g_str_has_prefix (target, "socket:");
    }
  return n;
}

typedef struct {
  guint sockets;
} SocketsAt;

static gboolean
sockets_back_to (gpointer data)
{
  return open_sockets () <= ((SocketsAt *) data)->sockets;
}

static guint
get_status (SoupSession *session)
{
  g_autoptr(Resp) resp = call_on (session, "GET", RULESETS, NULL, KEY, NULL);

  g_assert_no_error (resp->error);
  return resp->status;
}
#endif

/* A kept-alive connection serves request after request, and is closed on the
 * sandbox's side too once its client closes it (libsoup 3.2 left every one
 * open). */
static void
test_idle_connections (void)
{
#ifdef __linux__
  SocketsAt before;

  start_sandbox (TRUE, PM_SANDBOX_DEFAULT_PAGE_SIZE);
  before.sockets = open_sockets ();
  {
    g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 1, NULL);

    for (guint i = 0; i < 3; i++)
      g_assert_cmpuint (get_status (session), ==, 200);
    /* One connection: the client's socket and the sandbox's. */
    g_assert_cmpuint (open_sockets (), ==, before.sockets + 2);
    /* Idle for a while, it is still there and still serves. */
    g_usleep (200 * 1000);
    g_assert_cmpuint (get_status (session), ==, 200);
    g_assert_cmpuint (open_sockets (), ==, before.sockets + 2);
  }
  /* The session closed its connection: the sandbox closes its side. */
  pm_test_wait_until (sockets_back_to, &before, 5000);
  /* Sessions that each open and close a connection leave nothing open. */
  for (guint i = 0; i < 8; i++)
    {
      g_autoptr(Resp) resp = call ("GET", RULESETS, NULL);

      g_assert_cmpuint (resp->status, ==, 200);
    }
  pm_test_wait_until (sockets_back_to, &before, 5000);
  stop_sandbox ();
#else
  g_test_skip ("Counts open files in /proc");
#endif
}

/* --- the seed documents' curl examples --- */

typedef struct {
  char *method;
  char *url;
  char *body;     /* NULL: none */
  char *file;
} CurlExample;

static void
curl_example_free (CurlExample *example)
{
  g_free (example->method);
  g_free (example->url);
  g_free (example->body);
  g_free (example->file);
  g_free (example);
}

static CurlExample *
parse_curl (const char *block,
            const char *file)
{
  g_autoptr(GRegex) url_re = g_regex_new ("(https?://[^\\s'\"\\\\]+)", 0, 0, NULL);
  g_autoptr(GRegex) method_re = g_regex_new ("(?:-X\\s*|--request\\s+)([A-Z]+)", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  CurlExample *example = g_new0 (CurlExample, 1);
  const char *data = strstr (block, "-d '");

  example->file = g_strdup (file);
  if (g_regex_match (url_re, block, 0, &match))
    example->url = g_match_info_fetch (match, 1);
  g_clear_pointer (&match, g_match_info_free);
  if (data)
    {
      const char *end = strrchr (block, '\'');

      g_assert_true (end > data + 3);
      example->body = g_strndup (data + 4, end - (data + 4));
    }
  if (g_regex_match (method_re, block, 0, &match))
    example->method = g_match_info_fetch (match, 1);
  else
    example->method = g_strdup (data ? "POST" : "GET");
  return example;
}

/* Every ```…``` block of the seeds that runs curl against an API host. */
static GPtrArray *
seed_examples (void)
{
  GPtrArray *examples = g_ptr_array_new_with_free_func ((GDestroyNotify) curl_example_free);
  g_autofree char *dir = g_build_filename (pm_test_shared_dir (), "seeds", NULL);
  g_auto(GStrv) names = pm_test_seed_names ();

  g_assert_cmpuint (g_strv_length (names), ==, 3);
  for (guint n = 0; names[n] != NULL; n++)
    {
      g_autofree char *path = g_build_filename (dir, names[n], NULL);
      g_autofree char *text = NULL;
      g_auto(GStrv) parts = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      parts = g_strsplit (text, "```", -1);
      /* Odd parts are inside a fence. */
      for (guint i = 1; parts[i]; i += 2)
        {
          CurlExample *example;

          if (strstr (parts[i], "curl") == NULL)
            continue;
          example = parse_curl (parts[i], names[n]);
          if (example->url && (strstr (example->url, "api.elastic-cloud.com")
                               || strstr (example->url, "$COORDINATOR_HOST")))
            g_ptr_array_add (examples, example);
          else
            curl_example_free (example);
        }
    }
  return examples;
}

static char *
replace (const char *text,
         const char *from,
         const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

static void
test_seed_examples (void)
{
  g_autoptr(GPtrArray) examples = seed_examples ();
  g_autofree char *last_hosted = NULL, *last_ece = NULL, *last_serverless = NULL;
  guint ok = 0, invalid_json = 0, unknown_path = 0, claims = 0;

  start_sandbox (FALSE, 100);
  /* seed 000: 7 claim examples; seed 002: 21 API examples; seed 001 has only
   * a connection test against a deployment, not an API call. */
  g_assert_cmpuint (examples->len, ==, 28);
  for (guint i = 0; i < examples->len; i++)
    {
      CurlExample *ex = g_ptr_array_index (examples, i);
      gboolean serverless = strstr (ex->url, "/serverless/") != NULL;
      gboolean ece = strstr (ex->url, "$COORDINATOR_HOST") != NULL;
      const char *path = strstr (ex->url, "/api/v1/");
      const char *policy = serverless ? last_serverless : ece ? last_ece : last_hosted;
      g_autofree char *p1 = NULL, *p2 = NULL, *body = NULL, *deployment = NULL;
      g_autoptr(JsonNode) parsed = NULL;
      g_autoptr(Resp) resp = NULL;

      g_assert_nonnull (path);
      /* The variables a reader would fill in. */
      if (policy && strstr (ex->body ? ex->body : "", "$DEPLOYMENT_ID") != NULL)
        {
          g_autoptr(JsonNode) state = pm_sandbox_dup_state (sandbox);
          JsonObject *r = find_by (state_array (state, "hosted", "rulesets"), "id", policy);

          deployment = deployment_in (json_object_get_string_member (r, "region"));
        }
      if (policy == NULL && strstr (ex->url, "_ID") && !strstr (ex->url, "link-ids"))
        g_error ("%s: %s %s needs a policy created earlier", ex->file, ex->method, ex->url);
      if (strstr (ex->url, "$DEPLOYMENT_ID"))
        {
          g_autoptr(JsonNode) state = pm_sandbox_dup_state (sandbox);
          JsonObject *r = find_by (state_array (state, "hosted", "rulesets"), "id", policy);
          g_autofree char *assoc = g_strconcat (RULESETS "/", policy, "/associations", NULL);
          g_autoptr(Resp) list = call ("GET", assoc, NULL);

          g_assert_nonnull (r);
          deployment = g_strdup (json_object_get_string_member (json_array_get_object_element (
                                   json_object_get_array_member (obj (list), "associations"), 0), "id"));
        }
      p1 = replace (path, "$POLICY_ID", policy ? policy : "");
      p2 = replace (p1, "$RULESET_ID", policy ? policy : "");
      g_free (p1);
      p1 = replace (p2, "$DEPLOYMENT_ID", deployment ? deployment : "");
      if (ex->body)
        {
          const struct { const char *from, *to; } vars[] = {
            { "'\"$DEPLOYMENT_ID\"'", deployment ? deployment : "" },
            { "$POLICY_ID", policy ? policy : "" },
            { "$ANOTHER_POLICY_ID", policy ? policy : "" },
            { "$REMAINING_POLICY_ID", policy ? policy : "" },
            { "$VPC_ENDPOINT_ID", "vpce-0123456789abcdef0" },
            { "$PSC_CONNECTION_ID", "18446744072646845333" },
            { "$AZURE_ENDPOINT_NAME", "seed-endpoint" },
            { "$AZURE_ENDPOINT_GUID", "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8" },
          };

          body = g_strdup (ex->body);
          for (guint v = 0; v < G_N_ELEMENTS (vars); v++)
            {
              char *next = replace (body, vars[v].from, vars[v].to);

              g_free (body);
              body = next;
            }
          parsed = json_from_string (body, NULL);
        }
      resp = call (ex->method, p1, body);
      g_test_message ("%s: %s %s -> %u", ex->file, ex->method, p1, resp->status);
      g_assert_no_error (resp->error);

      if (body && parsed == NULL)
        {
          /* The docs' own JSON is invalid (a missing or a trailing comma). */
          assert_error (resp, 400, NULL);
          invalid_json++;
        }
      else if (g_str_has_prefix (p1, "/api/v1/admin/"))
        {
          /* The docs' Serverless association examples name an admin path
           * without a project id; the API has PATCH /api/v1/serverless/projects/{type}/{id}. */
          assert_error (resp, 404, "root.not_found");
          unknown_path++;
        }
      else
        {
          if (resp->status < 200 || resp->status >= 300)
            g_error ("%s: %s %s answered %u: %s", ex->file, ex->method, p1, resp->status, resp->body);
          ok++;
          claims += strstr (p1, "link-ids") != NULL;
          if (g_str_equal (ex->method, "POST") && resp->json
              && (g_str_has_suffix (p1, "/rulesets") || g_str_has_suffix (p1, "/traffic-filters")))
            {
              char *id = g_strdup (json_object_get_string_member (obj (resp), "id"));

              assert_id (id);
              if (serverless)
                g_free (last_serverless), last_serverless = id;
              else if (ece)
                g_free (last_ece), last_ece = id;
              else
                g_free (last_hosted), last_hosted = id;
            }
        }
    }
  g_assert_cmpuint (invalid_json, ==, 3);
  g_assert_cmpuint (unknown_path, ==, 2);
  g_assert_cmpuint (claims, ==, 7);
  g_assert_cmpuint (ok, ==, 23);
  {
    /* Everything the examples created was deleted again by the last ones. */
    g_autoptr(JsonNode) state = pm_sandbox_dup_state (sandbox);

    g_assert_null (find_by (state_array (state, "hosted", "rulesets"), "id", last_hosted));
    g_assert_null (find_by (state_array (state, "hosted", "rulesets"), "id", last_ece));
    g_assert_null (find_by (state_array (state, "serverless", "traffic_filters"), "id", last_serverless));
    g_assert_cmpuint (json_array_get_length (state_array (state, "hosted", "claims")), ==, 3);
  }
  stop_sandbox ();
}

/* In the child: it is sent SIGTERM when the test's process ends, an
 * assertion that failed included (it would be left running otherwise). */
static void
end_with_test (gpointer data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static void
test_binary (void)
{
  const char *bin = g_getenv ("PM_SANDBOX_BIN");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *url = NULL;

  if (bin == NULL)
    {
      g_test_skip ("PM_SANDBOX_BIN is not set");
      return;
    }
  g_subprocess_launcher_set_child_setup (launcher, end_with_test, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, bin, "--port", "0",
                                         "--api-key", "bin-key", "--page-size", "2", "--seed", "7",
                                         "--fault", "latency:1@DELETE", "--scale", "8,2,16", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  url = g_strconcat (line + strlen ("listening on "), FILTERS, NULL);
  msg = soup_message_new ("GET", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "ApiKey bin-key");
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  {
    g_autoptr(JsonNode) root = bytes_to_json (bytes, &error);

    g_assert_no_error (error);
    /* --page-size 2 */
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "items")), ==, 2);
  }
  {
    /* The demo organization plus --scale 8,2,16. */
    g_autofree char *rulesets_url = g_strconcat (line + strlen ("listening on "), RULESETS, NULL);
    g_autoptr(SoupMessage) list = soup_message_new ("GET", rulesets_url);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(JsonNode) root = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (list), "Authorization", "ApiKey bin-key");
    body = soup_session_send_and_read (session, list, NULL, &error);
    g_assert_no_error (error);
    root = bytes_to_json (body, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (root), "rulesets")),
                      ==, 10 + 8);
  }
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static GSubprocess *
spawn_sandbox (GDataInputStream **out,
               const char        *cert,
               const char        *key)
{
  const char *argv[] = { g_getenv ("PM_SANDBOX_BIN"), "--port", "0", "--api-key", "bin-key",
                         "--tls-cert", cert, key ? "--tls-key" : NULL, key, NULL };
  g_autoptr(GError) error = NULL;
  GSubprocess *process = pm_test_spawn (argv, out, &error);

  g_assert_no_error (error);
  return process;
}

static char *
read_line (GDataInputStream *out)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

/* What the binary counted, as it prints it on SIGUSR1. */
static char *
binary_stats (GSubprocess      *process,
              GDataInputStream *out)
{
  g_subprocess_send_signal (process, SIGUSR1);
  return read_line (out);
}

static guint
binary_get (SoupSession *session,
            const char  *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) bytes = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "ApiKey bin-key");
  bytes = soup_session_send_and_read (session, msg, NULL, NULL);
  return soup_message_get_status (msg);
}

static void
binary_tls_checks (void)
{
  g_autoptr(PmTestPki) pki = pm_test_pki_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autofree char *plain = NULL;
  char *stats;

  process = spawn_sandbox (&out, pki->cert, pki->key);
  line = read_line (out);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on https://127.0.0.1:"));
  url = g_strconcat (line + strlen ("listening on "), FILTERS, NULL);

  /* Two requests on one kept-alive connection: one handshake. */
  database = g_tls_file_database_new (pki->ca, &error);
  g_assert_no_error (error);
  session = soup_session_new_with_options ("tls-database", database, "timeout", 20, NULL);
  g_assert_cmpuint (binary_get (session, url), ==, 200);
  g_assert_cmpuint (binary_get (session, url), ==, 200);
  stats = binary_stats (process, out);
  g_assert_cmpstr (stats, ==, "stats requests 2 connections 1 tls-handshakes 1");
  g_free (stats);

  /* Plain http on the https port: a connection, no handshake, no request. */
  plain = g_strconcat ("http://", url + strlen ("https://"), NULL);
  {
    g_autoptr(SoupSession) insecure = soup_session_new_with_options ("timeout", 5, NULL);

    g_assert_cmpuint (binary_get (insecure, plain), !=, 200);
  }
  stats = binary_stats (process, out);
  g_assert_cmpstr (stats, ==, "stats requests 2 connections 2 tls-handshakes 1");
  g_free (stats);

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_clear_object (&session);
  g_clear_object (&process);
  g_clear_object (&out);

  /* A certificate without its key, or a file that is not one, is refused. */
  for (guint i = 0; i < 2; i++)
    {
      process = spawn_sandbox (&out, i == 0 ? pki->cert : pki->ca, i == 0 ? NULL : pki->cert);
      g_subprocess_wait (process, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (process));
      g_assert_cmpint (g_subprocess_get_exit_status (process), !=, 0);
      g_clear_object (&process);
      g_clear_object (&out);
    }
}

/* perimeter-sandbox --tls-cert --tls-key serves https and counts its
 * connections and handshakes. */
static void
test_binary_tls (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  if (g_getenv ("PM_SANDBOX_BIN") == NULL || openssl == NULL)
    {
      g_test_skip ("PM_SANDBOX_BIN is not set or openssl is not installed");
      return;
    }
  pm_test_run_without_leak_check (binary_tls_checks);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sandbox/auth", test_auth);
  g_test_add_func ("/sandbox/hosted/rulesets", test_hosted_rulesets);
  g_test_add_func ("/sandbox/hosted/associations", test_hosted_associations);
  g_test_add_func ("/sandbox/hosted/deployments", test_deployments);
  g_test_add_func ("/sandbox/hosted/claims", test_claims);
  g_test_add_func ("/sandbox/serverless/filters", test_serverless_filters);
  g_test_add_func ("/sandbox/serverless/pagination", test_serverless_pagination);
  g_test_add_func ("/sandbox/serverless/metadata", test_serverless_metadata);
  g_test_add_func ("/sandbox/serverless/projects", test_serverless_projects);
  g_test_add_func ("/sandbox/faults/status", test_faults_status);
  g_test_add_func ("/sandbox/faults/connection", test_faults_connection);
  g_test_add_func ("/sandbox/faults/consistency", test_faults_consistency);
  g_test_add_func ("/sandbox/state-and-scale", test_state_and_scale);
  g_test_add_func ("/sandbox/start-on-context", test_start_on_context);
  g_test_add_func ("/sandbox/begin-then-wait", test_begin_then_wait);
  g_test_add_func ("/sandbox/idle-connections", test_idle_connections);
  g_test_add_func ("/sandbox/seed-examples", test_seed_examples);
  g_test_add_func ("/sandbox/binary", test_binary);
  g_test_add_func ("/sandbox/binary-tls", test_binary_tls);

  return g_test_run ();
}
