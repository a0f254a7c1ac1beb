/* test-soak.c: a steady mix of operations under random faults
 *
 * The app's client and stores work against the sandbox for a while (env
 * PM_SOAK_SECONDS, default 120; `build-aux/dev soak MINUTES` runs longer)
 * while the sandbox injects random faults. Every operation that reports
 * success is applied to an expected model; at the end the sandbox's state
 * must equal that model exactly (nothing lost, nothing duplicated, nothing
 * done that reported failure), the policy store must show the same, memory
 * must not have grown beyond noise, and nothing may have logged a warning.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-api.h"
#include "pm-policy-store.h"
#include "pm-sandbox.h"

#include <signal.h>
#include <sys/prctl.h>
#include "pm-test-api.h"
#include "pm-test-util.h"

#define PREFIX "soak-"

typedef struct {
  char     *description;
  gboolean  associated;
} Expected;

static GSubprocess *sandbox;
static PmApi *api;
static PmEntity *entity;
static GHashTable *expected;  /* id → Expected */
static GRand *rng;
static guint n_ok, n_failed, n_warnings;

static void
expected_free (Expected *e)
{
  g_free (e->description);
  g_free (e);
}

static GLogWriterOutput
count_warnings (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    n_warnings++;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

#if defined(__SANITIZE_ADDRESS__)
/* From <sanitizer/allocator_interface.h>, which gcc does not install. */
size_t __sanitizer_get_current_allocated_bytes (void);
#endif

/* Memory in use: under AddressSanitizer its count of live heap bytes (RSS
 * would mostly measure the sanitizer's quarantine of freed blocks), else
 * the resident set. */
static long
rss_kb (void)
{
#if defined(__SANITIZE_ADDRESS__)
  return (long) (__sanitizer_get_current_allocated_bytes () / 1024);
#else
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return strtol (line + strlen ("VmRSS:"), NULL, 10);
#endif
}

static const char *
random_id (void)
{
  g_autoptr(GList) ids = g_hash_table_get_keys (expected);
  guint n = g_list_length (ids);

  return n ? g_list_nth_data (ids, g_rand_int_range (rng, 0, n)) : NULL;
}

static void
op_create (void)
{
  g_autoptr(PmPolicy) draft = pm_policy_new (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP);
  g_autoptr(PmRule) rule = pm_rule_new ();
  g_autoptr(PmPolicy) created = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf (PREFIX "%u", n_ok + n_failed);

  pm_policy_set_name (draft, name);
  pm_policy_set_description (draft, "created");
  pm_policy_set_region (draft, pm_entity_get_region (entity));
  pm_rule_set_source (rule, "192.0.2.0/24");
  pm_policy_add_rule (draft, rule);
  created = pm_test_api_create_policy (api, draft, &error);
  if (created != NULL)
    {
      Expected *e = g_new0 (Expected, 1);
      e->description = g_strdup ("created");
      g_hash_table_insert (expected, g_strdup (pm_policy_get_id (created)), e);
      n_ok++;
    }
  else
    n_failed++;
}

static void
op_update (void)
{
  const char *id = random_id ();
  g_autoptr(PmPolicy) policy = NULL;
  g_autoptr(PmPolicy) updated = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;

  if (id == NULL)
    return;
  policy = pm_test_api_get_policy (api, id, &error);
  if (policy == NULL)
    {
      n_failed++;
      return;
    }
  description = g_strdup_printf ("edit %u", g_rand_int (rng));
  pm_policy_set_description (policy, description);
  updated = pm_test_api_update_policy (api, policy, &error);
  if (updated != NULL)
    {
      Expected *e = g_hash_table_lookup (expected, id);
      g_free (e->description);
      e->description = g_strdup (description);
      n_ok++;
    }
  else
    n_failed++;
}

static void
op_toggle_association (void)
{
  const char *id = random_id ();
  g_autoptr(GError) error = NULL;
  Expected *e;
  gboolean done;

  if (id == NULL)
    return;
  e = g_hash_table_lookup (expected, id);
  done = pm_test_api_associate (api, id, entity, !e->associated, &error);
  if (done)
    {
      e->associated = !e->associated;
      n_ok++;
    }
  else
    n_failed++;
}

static void
op_delete (void)
{
  g_autofree char *id = g_strdup (random_id ());
  g_autoptr(GError) error = NULL;

  if (id == NULL || ((Expected *) g_hash_table_lookup (expected, id))->associated)
    return;
  if (pm_test_api_delete_policy (api, id, FALSE, &error))
    {
      g_hash_table_remove (expected, id);
      n_ok++;
    }
  else
    n_failed++;
}

static void
op_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) policies = NULL;

  policies = pm_test_api_list_policies (api, NULL, PM_API_LIST_INCLUDE_ASSOCIATIONS, &error);
  if (policies)
    n_ok++;
  else
    n_failed++;
}

/* The sandbox's state as a fresh listing shows it. The faults are still on,
 * so try until one listing gets through whole. */
static GPtrArray *
list_until_whole (void)
{
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr(GError) error = NULL;
      GPtrArray *policies;

      policies = pm_test_api_list_policies (api, NULL, PM_API_LIST_INCLUDE_ASSOCIATIONS, &error);
      if (policies != NULL)
        return policies;
    }
  g_error ("no listing got through 50 tries");
  return NULL;
}

static void
check_state (void)
{
  g_autoptr(GPtrArray) policies = list_until_whole ();
  guint seen = 0;

  for (guint i = 0; i < policies->len; i++)
    {
      PmPolicy *policy = g_ptr_array_index (policies, i);
      GListModel *associations = pm_policy_get_associations (policy);
      Expected *e;
      gboolean associated = FALSE;

      if (!g_str_has_prefix (pm_policy_get_name (policy), PREFIX))
        continue;
      seen++;
      e = g_hash_table_lookup (expected, pm_policy_get_id (policy));
      if (e == NULL)
        g_error ("policy %s (%s) exists but no successful operation made it",
                 pm_policy_get_id (policy), pm_policy_get_name (policy));
      g_assert_cmpstr (pm_policy_get_description (policy), ==, e->description);
      for (guint j = 0; j < g_list_model_get_n_items (associations); j++)
        {
          g_autoptr(PmAssociation) association = g_list_model_get_item (associations, j);
          associated |= g_strcmp0 (pm_association_get_entity_id (association), pm_entity_get_id (entity)) == 0;
        }
      g_assert_cmpint (associated, ==, e->associated);
    }
  g_assert_cmpuint (seen, ==, g_hash_table_size (expected));
}

static void
check_store (void)
{
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (api);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint seen = 0;

  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_clear_object (&result);
      g_clear_error (&error);
      pm_policy_store_refresh_async (store, NULL, pm_test_result_cb, &result);
      if (pm_policy_store_refresh_finish (store, pm_test_wait (&result), &error))
        break;
    }
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (G_LIST_MODEL (store), i);
      Expected *e;

      if (!g_str_has_prefix (pm_policy_get_name (policy), PREFIX))
        continue;
      seen++;
      e = g_hash_table_lookup (expected, pm_policy_get_id (policy));
      g_assert_nonnull (e);
      g_assert_cmpstr (pm_policy_get_description (policy), ==, e->description);
    }
  g_assert_cmpuint (seen, ==, g_hash_table_size (expected));
}

static void
test_soak (void)
{
  const char *env = g_getenv ("PM_SOAK_SECONDS");
  gint64 seconds = env ? g_ascii_strtoll (env, NULL, 10) : 120;
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  /* The first half warms caches, pools and hash tables up; the second half
   * must not grow. */
  gint64 warm = g_get_monotonic_time () + seconds / 2 * G_USEC_PER_SEC;
  long rss_warm = 0, rss_end;
  guint round = 0;

  while (g_get_monotonic_time () < end)
    {
      guint pick = g_rand_int_range (rng, 0, 10);

      if (pick < 3 || g_hash_table_size (expected) < 3)
        op_create ();
      else if (pick < 5)
        op_update ();
      else if (pick < 7)
        op_toggle_association ();
      else if (pick < 8)
        op_delete ();
      else
        op_list ();
      if (rss_warm == 0 && g_get_monotonic_time () > warm)
        rss_warm = rss_kb ();
      /* Keep the organization small so memory measures leaks, not data. */
      if (++round % 50 == 0)
        while (g_hash_table_size (expected) > 30)
          op_delete ();
    }

  rss_end = rss_kb ();
  g_test_message ("%u operations succeeded, %u failed under faults; memory %ld → %ld kB",
                  n_ok, n_failed, rss_warm, rss_end);
  g_assert_cmpuint (n_ok, >, 0);
  check_state ();
  check_store ();
  /* Beyond noise: 5 % plus 64 kB over the second half of the run; a leak of
   * 100 bytes an operation exceeds it within the default two minutes. */
  g_assert_cmpint (rss_end, <=, rss_warm + rss_warm / 20 + 64);
  g_assert_cmpuint (n_warnings, ==, 0);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The sandbox in a process of its own, so that this process's memory is the
 * client's and the store's alone, with random faults from the start. */
static char *
start_sandbox (void)
{
  static const char *random_faults[] = {
    "status:503@*%4", "status:502@*%2", "status:504@*%2", "status:429@*%3", "retry-after:1@*%1",
    "latency:30@*%10", "reset-before@*%2", "reset-after@PUT%3", "reset-after@POST%2",
    "truncate@GET%2", "not-json@GET%1",
  };
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *line = NULL;
  const char *bin = g_getenv ("PM_SANDBOX_BIN");

  g_assert_nonnull (bin);
  g_ptr_array_add (argv, (char *) bin);
  g_ptr_array_add (argv, "--port=0");
  g_ptr_array_add (argv, "--seed=42");
  for (guint i = 0; i < G_N_ELEMENTS (random_faults); i++)
    {
      g_ptr_array_add (argv, "--fault");
      g_ptr_array_add (argv, (char *) random_faults[i]);
    }
  g_ptr_array_add (argv, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* If this test aborts, the sandbox goes too (and meson is not left
   * waiting for its inherited output). */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  sandbox = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sandbox));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  return g_strdup (line + strlen ("listening on "));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(PmHttp) http = NULL;
  g_autoptr(GPtrArray) entities = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (count_warnings, NULL, NULL);

  rng = g_rand_new_with_seed (42);
  expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) expected_free);
  url = start_sandbox ();
  http = pm_http_new (url, PM_SANDBOX_DEFAULT_API_KEY, &error);
  g_assert_no_error (error);
  pm_http_set_retry_policy (http, 5, 20, 5000);
  pm_http_set_timeout (http, 5);
  api = pm_api_new_for_flavour (PM_FLAVOUR_HOSTED, http);
  for (guint attempt = 0; attempt < 50 && entities == NULL; attempt++)
    {
      g_clear_error (&error);
      entities = pm_test_api_list_entities (api, &error);
    }
  g_assert_no_error (error);
  {
    for (guint i = 0; i < entities->len && entity == NULL; i++)
      if (g_strcmp0 (pm_entity_get_region (g_ptr_array_index (entities, i)), "us-east-1") == 0)
        entity = g_object_ref (g_ptr_array_index (entities, i));
    g_assert_nonnull (entity);
  }

  g_test_add_func ("/soak/mixed-operations-under-faults", test_soak);
  status = g_test_run ();

  g_clear_object (&entity);
  g_clear_object (&api);
  g_subprocess_send_signal (sandbox, SIGTERM);
  g_subprocess_wait (sandbox, NULL, NULL);
  g_clear_object (&sandbox);
  g_hash_table_unref (expected);
  g_rand_free (rng);
  return status;
}
