/* test-store.c: the stores' in-place refresh (diff by id, identity kept,
 * items-changed counts) and a refresh through the real client and sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-paced-model.h"
#include "pm-slot-model.h"
#include "pm-policy-store.h"
#include "pm-entity-store.h"
#include "pm-claim-store.h"
#include "pm-http.h"
#include "pm-sandbox.h"
#include "pm-test-api.h"
#include "pm-test-util.h"

/* A replica of the model built only from items-changed, and the signals. */
typedef struct
{
  GListModel *model;
  GPtrArray  *replica;   /* borrowed items, as the signals describe them */
  GArray     *signals;   /* of Change */
} Watch;

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Watch      *watch)
{
  Change change = { position, removed, added };

  g_array_append_val (watch->signals, change);
  g_assert_cmpuint (position + removed, <=, watch->replica->len);
  g_ptr_array_remove_range (watch->replica, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, position + i);

      g_assert_nonnull (item);
      g_ptr_array_insert (watch->replica, position + i, g_steal_pointer (&item));
    }
  g_assert_cmpuint (watch->replica->len, ==, g_list_model_get_n_items (model));
}

/* Starts from what the model holds now. */
static Watch *
watch_new (gpointer model)
{
  Watch *watch = g_new0 (Watch, 1);
  guint n = g_list_model_get_n_items (model);

  watch->model = g_object_ref (model);
  watch->replica = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (watch->replica, g_list_model_get_item (model, i));
  watch->signals = g_array_new (FALSE, FALSE, sizeof (Change));
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), watch);
  return watch;
}

static void
watch_free (Watch *watch)
{
  g_signal_handlers_disconnect_by_func (watch->model, on_items_changed, watch);
  g_object_unref (watch->model);
  g_ptr_array_unref (watch->replica);
  g_array_unref (watch->signals);
  g_free (watch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Watch, watch_free)

/* The replica (built from the signals) holds exactly what the model holds. */
static void
assert_replica (Watch *watch)
{
  guint n = g_list_model_get_n_items (watch->model);

  g_assert_cmpuint (watch->replica->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (watch->model, i);

      g_assert_true (item == watch->replica->pdata[i]);
    }
}

static void
assert_change (Watch *watch,
               guint  index,
               guint  position,
               guint  removed,
               guint  added)
{
  Change *change;

  g_assert_cmpuint (index, <, watch->signals->len);
  change = &g_array_index (watch->signals, Change, index);
  g_assert_cmpuint (change->position, ==, position);
  g_assert_cmpuint (change->removed, ==, removed);
  g_assert_cmpuint (change->added, ==, added);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static PmPolicy *
make_policy (const char *id,
             const char *name)
{
  PmPolicy *policy = pm_policy_new (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP);

  pm_policy_set_id (policy, id);
  pm_policy_set_name (policy, name);
  pm_policy_set_region (policy, "us-east-1");
  return policy;
}

static GPtrArray *
make_policies (guint n)
{
  GPtrArray *policies = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("policy-%04u", i);
      g_autofree char *name = g_strdup_printf ("Policy %u", i);

      g_ptr_array_add (policies, make_policy (id, name));
    }
  return policies;
}

/* Fresh copies with the same content, as a refresh brings them. */
static GPtrArray *
copy_policies (GListModel *model)
{
  GPtrArray *copies = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PmPolicy) policy = g_list_model_get_item (model, i);

      g_ptr_array_add (copies, pm_policy_copy (policy));
    }
  return copies;
}

static PmPolicy *
item_at (gpointer model,
         guint    position)
{
  PmPolicy *policy = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_object_unref (policy);   /* the store keeps it alive */
  return policy;
}

static void
assert_ids (GListModel *model,
            GPtrArray  *expected)
{
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (pm_policy_get_id (item_at (model, i)), ==, pm_policy_get_id (expected->pdata[i]));
}

static void
test_first_load_is_one_signal (void)
{
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (NULL);
  g_autoptr(Watch) watch = watch_new (store);
  g_autoptr(GPtrArray) policies = make_policies (512);

  g_assert_false (pm_policy_store_get_loaded (store));
  g_assert_cmpuint (pm_policy_store_apply (store, policies), ==, 512);
  g_assert_cmpuint (watch->signals->len, ==, 1);
  assert_change (watch, 0, 0, 0, 512);
  assert_replica (watch);
  assert_ids (G_LIST_MODEL (store), policies);
  g_assert_true (item_at (store, 100) == policies->pdata[100]);
  g_assert_true (pm_policy_store_get_loaded (store));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (store)) == PM_TYPE_POLICY);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (store), 512));
}

static void
test_unchanged_keeps_identity (void)
{
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (NULL);
  g_autoptr(GPtrArray) policies = make_policies (64);
  g_autoptr(GPtrArray) copies = NULL;
  g_autoptr(Watch) watch = NULL;

  pm_policy_store_apply (store, policies);
  watch = watch_new (store);

  copies = copy_policies (G_LIST_MODEL (store));
  g_assert_false (copies->pdata[0] == policies->pdata[0]);
  g_assert_cmpuint (pm_policy_store_apply (store, copies), ==, 0);
  g_assert_cmpuint (watch->signals->len, ==, 0);
  for (guint i = 0; i < policies->len; i++)
    g_assert_true (item_at (store, i) == policies->pdata[i]);
}

static void
test_one_change_one_replacement (void)
{
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (NULL);
  g_autoptr(GPtrArray) policies = make_policies (64);
  g_autoptr(GPtrArray) copies = NULL;
  g_autoptr(Watch) watch = NULL;
  g_autoptr(PmRule) rule = NULL;

  pm_policy_store_apply (store, policies);
  watch = watch_new (store);

  copies = copy_policies (G_LIST_MODEL (store));
  pm_policy_set_name (copies->pdata[17], "Renamed");
  g_assert_cmpuint (pm_policy_store_apply (store, copies), ==, 1);
  g_assert_cmpuint (watch->signals->len, ==, 1);
  assert_change (watch, 0, 17, 1, 1);
  assert_replica (watch);
  g_assert_true (item_at (store, 17) == copies->pdata[17]);
  g_assert_cmpstr (pm_policy_get_name (item_at (store, 17)), ==, "Renamed");
  for (guint i = 0; i < policies->len; i++)
    if (i != 17)
      g_assert_true (item_at (store, i) == policies->pdata[i]);

  /* Two changes apart are two replacements, each of its own row. */
  g_array_set_size (watch->signals, 0);
  g_clear_pointer (&copies, g_ptr_array_unref);
  copies = copy_policies (G_LIST_MODEL (store));
  pm_policy_set_description (copies->pdata[3], "changed");
  rule = pm_rule_new ();
  pm_rule_set_source (rule, "10.0.0.0/8");
  pm_policy_add_rule (copies->pdata[40], rule);
  g_assert_cmpuint (pm_policy_store_apply (store, copies), ==, 2);
  g_assert_cmpuint (watch->signals->len, ==, 2);
  assert_change (watch, 0, 3, 1, 1);
  assert_change (watch, 1, 40, 1, 1);
  assert_replica (watch);
  g_assert_true (item_at (store, 4) == policies->pdata[4]);
}

static void
test_adds_and_removes (void)
{
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (NULL);
  g_autoptr(GPtrArray) policies = make_policies (10);
  g_autoptr(GPtrArray) next = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(Watch) watch = NULL;

  pm_policy_store_apply (store, policies);
  watch = watch_new (store);

  /* Drop 2, 3 and 7; add one after 5 and one at the end. */
  for (guint i = 0; i < policies->len; i++)
    {
      if (i == 2 || i == 3 || i == 7)
        continue;
      g_ptr_array_add (next, pm_policy_copy (policies->pdata[i]));
      if (i == 5)
        g_ptr_array_add (next, make_policy ("new-a", "New A"));
    }
  g_ptr_array_add (next, make_policy ("new-b", "New B"));

  g_assert_cmpuint (pm_policy_store_apply (store, next), ==, 2);
  assert_replica (watch);
  assert_ids (G_LIST_MODEL (store), next);
  /* Removals as runs, then one insertion per place. */
  g_assert_cmpuint (watch->signals->len, ==, 4);
  assert_change (watch, 0, 2, 2, 0);
  assert_change (watch, 1, 5, 1, 0);
  assert_change (watch, 2, 4, 0, 1);
  assert_change (watch, 3, 8, 0, 1);
  g_assert_true (pm_policy_store_lookup (store, "policy-0005") == policies->pdata[5]);
  g_assert_true (pm_policy_store_lookup (store, "policy-0009") == policies->pdata[9]);
  g_assert_null (pm_policy_store_lookup (store, "policy-0002"));

  /* Everything gone. */
  g_array_set_size (watch->signals, 0);
  g_ptr_array_set_size (next, 0);
  pm_policy_store_apply (store, next);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_cmpuint (watch->signals->len, ==, 1);
  assert_change (watch, 0, 0, 9, 0);
}

static void
test_order_follows_api (void)
{
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (NULL);
  g_autoptr(GPtrArray) policies = make_policies (6);
  g_autoptr(GPtrArray) next = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(Watch) watch = NULL;
  const guint order[] = { 5, 0, 1, 3, 2, 4 };

  pm_policy_store_apply (store, policies);
  watch = watch_new (store);

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_ptr_array_add (next, pm_policy_copy (policies->pdata[order[i]]));
  pm_policy_set_name (next->pdata[4], "Moved and changed");

  g_assert_cmpuint (pm_policy_store_apply (store, next), ==, 1);
  assert_replica (watch);
  assert_ids (G_LIST_MODEL (store), next);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (i != 4)
      g_assert_true (item_at (store, i) == policies->pdata[order[i]]);
  g_assert_true (item_at (store, 4) == next->pdata[4]);
}

static void
test_duplicates_kept_once (void)
{
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (NULL);
  g_autoptr(GPtrArray) policies = make_policies (3);

  g_ptr_array_add (policies, make_policy ("policy-0001", "Twice"));
  pm_policy_store_apply (store, policies);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3);
  g_assert_cmpstr (pm_policy_get_name (pm_policy_store_lookup (store, "policy-0001")), ==, "Policy 1");
}

static void
test_upsert_and_remove (void)
{
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (NULL);
  g_autoptr(GPtrArray) policies = make_policies (5);
  g_autoptr(PmPolicy) changed = NULL;
  g_autoptr(PmPolicy) created = make_policy ("created", "Created");
  g_autoptr(Watch) watch = NULL;

  pm_policy_store_apply (store, policies);
  watch = watch_new (store);

  changed = pm_policy_copy (policies->pdata[2]);
  pm_policy_set_name (changed, "Edited");
  pm_policy_store_upsert (store, changed);
  assert_change (watch, 0, 2, 1, 1);
  g_assert_true (pm_policy_store_lookup (store, "policy-0002") == changed);

  pm_policy_store_upsert (store, changed);   /* the same object: nothing to do */
  g_assert_cmpuint (watch->signals->len, ==, 1);

  pm_policy_store_upsert (store, created);
  assert_change (watch, 1, 5, 0, 1);

  pm_policy_store_remove (store, "policy-0000");
  assert_change (watch, 2, 0, 1, 0);
  pm_policy_store_remove (store, "no-such-policy");
  g_assert_cmpuint (watch->signals->len, ==, 3);
  assert_replica (watch);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 5);
}

/* Random lists: whatever the mix of keeps, edits, moves, adds and removes,
 * the signals describe the model exactly, the order is the new one and
 * every unchanged object is the old one. */
static void
test_random_diffs (void)
{
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (NULL);
  g_autoptr(Watch) watch = watch_new (store);
  GRand *rand = g_rand_new_with_seed (20261123);

  for (guint round = 0; round < 200; round++)
    {
      g_autoptr(GPtrArray) next = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_object_unref);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
      guint n_new = g_rand_int_range (rand, 0, 40);
      guint created;

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (before, g_list_model_get_item (G_LIST_MODEL (store), i));

      for (guint i = 0; i < n_new; i++)
        {
          guint pick = g_rand_int_range (rand, 0, 60);
          g_autofree char *id = g_strdup_printf ("id-%02u", pick);
          PmPolicy *existing = pm_policy_store_lookup (store, id);
          PmPolicy *policy = existing ? pm_policy_copy (existing) : make_policy (id, id);

          if (g_rand_int_range (rand, 0, 5) == 0)
            pm_policy_set_description (policy, g_rand_boolean (rand) ? "x" : "y");
          g_ptr_array_add (next, policy);
        }

      created = pm_policy_store_apply (store, next);
      assert_replica (watch);

      /* Expected: the new list without repeated ids, in order. */
      {
        g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
        guint pos = 0;
        guint expected_created = 0;

        for (guint i = 0; i < next->len; i++)
          {
            PmPolicy *want = next->pdata[i];
            PmPolicy *have;
            PmPolicy *old = NULL;

            if (!g_hash_table_add (seen, (gpointer) pm_policy_get_id (want)))
              continue;
            have = item_at (store, pos++);
            g_assert_cmpstr (pm_policy_get_id (have), ==, pm_policy_get_id (want));
            g_assert_true (pm_policy_equal (have, want));
            for (guint k = 0; k < before->len; k++)
              if (g_str_equal (pm_policy_get_id (before->pdata[k]), pm_policy_get_id (want)))
                old = before->pdata[k];
            if (old != NULL && pm_policy_equal (old, want))
              g_assert_true (have == old);
            else
              {
                g_assert_true (have == want);
                expected_created++;
              }
          }
        g_assert_cmpuint (pos, ==, g_list_model_get_n_items (G_LIST_MODEL (store)));
        g_assert_cmpuint (created, ==, expected_created);
      }
      g_array_set_size (watch->signals, 0);
    }
  g_rand_free (rand);
}

static void
test_entities_and_claims (void)
{
  g_autoptr(PmEntityStore) entities = pm_entity_store_new (NULL);
  g_autoptr(PmClaimStore) claims = pm_claim_store_new (NULL);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) claim_list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) claim_again = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(PmEntity) first = NULL;
  g_autofree char *key = NULL;

  g_ptr_array_add (list, pm_entity_new (PM_ENTITY_KIND_DEPLOYMENT, "deployment", "d1", "One", "us-east-1"));
  g_ptr_array_add (list, pm_entity_new (PM_ENTITY_KIND_DEPLOYMENT, "deployment", "d2", "Two", "us-east-1"));
  g_assert_cmpuint (pm_entity_store_apply (entities, list), ==, 2);
  g_ptr_array_add (again, pm_entity_new (PM_ENTITY_KIND_DEPLOYMENT, "deployment", "d1", "One", "us-east-1"));
  g_ptr_array_add (again, pm_entity_new (PM_ENTITY_KIND_DEPLOYMENT, "deployment", "d2", "Two renamed", "us-east-1"));
  g_assert_cmpuint (pm_entity_store_apply (entities, again), ==, 1);
  first = g_list_model_get_item (G_LIST_MODEL (entities), 0);
  g_assert_true (first == list->pdata[0]);
  g_assert_true (pm_entity_store_lookup (entities, "d2") == again->pdata[1]);

  /* The same link id in two regions is two claims. */
  g_ptr_array_add (claim_list, pm_link_claim_new_link_id ("us-east-1", "vpce-00000000000000001"));
  g_ptr_array_add (claim_list, pm_link_claim_new_link_id ("eu-west-1", "vpce-00000000000000001"));
  g_ptr_array_add (claim_list, pm_link_claim_new_azure ("azure-eastus2", "my-endpoint",
                                                        "11111111-2222-3333-4444-555555555555"));
  g_assert_cmpuint (pm_claim_store_apply (claims, claim_list), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (claims)), ==, 3);
  key = pm_claim_store_dup_key (claim_list->pdata[1]);
  g_assert_true (pm_claim_store_lookup (claims, key) == claim_list->pdata[1]);

  g_ptr_array_add (claim_again, pm_link_claim_new_link_id ("us-east-1", "vpce-00000000000000001"));
  g_ptr_array_add (claim_again, pm_link_claim_new_azure ("azure-eastus2", "my-endpoint",
                                                         "11111111-2222-3333-4444-555555555555"));
  g_assert_cmpuint (pm_claim_store_apply (claims, claim_again), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (claims)), ==, 2);
  g_assert_null (pm_claim_store_lookup (claims, key));
  pm_claim_store_remove (claims, key);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (claims)), ==, 2);
}

/* Through the real client against the real sandbox. */

typedef struct
{
  PmSandbox *sandbox;
  PmApi     *api;
} Live;

static void
live_free (Live *live)
{
  g_clear_object (&live->api);
  g_clear_object (&live->sandbox);
  g_free (live);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Live, live_free)

static Live *
live_new (PmFlavour   flavour,
          const char *api_key,
          guint       n_policies)
{
  Live *live = g_new0 (Live, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmHttp) http = NULL;
  g_autofree char *base_url = NULL;

  live->sandbox = pm_sandbox_new ();
  if (n_policies > 0)
    {
      pm_sandbox_set_empty (live->sandbox, TRUE);
      pm_sandbox_set_scale (live->sandbox, n_policies, 2, 8);
    }
  g_assert_true (pm_sandbox_start (live->sandbox, 0, &error));
  g_assert_no_error (error);
  base_url = pm_sandbox_dup_base_url (live->sandbox);
  http = pm_http_new (base_url, api_key, &error);
  g_assert_no_error (error);
  pm_http_set_retry_policy (http, 1, 10, 1000);
  live->api = pm_api_new_for_flavour (flavour, http);
  return live;
}

static gboolean
refresh_policies (PmPolicyStore  *store,
                  GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pm_policy_store_refresh_async (store, NULL, pm_test_result_cb, &result);
  return pm_policy_store_refresh_finish (store, pm_test_wait (&result), error);
}

/* A first load arrived as one insertion of the whole list (what a view
 * shows of it is paced above the store, by PmPacedModel). */
static void
assert_chunked_load (Watch *watch,
                     guint  n)
{
  g_assert_cmpuint (watch->signals->len, ==, 1);
  assert_change (watch, 0, 0, 0, n);
}

/* A refresh applies its changes while loading is still TRUE. */
static void
assert_loading (GListModel *model,
                guint       position,
                guint       removed,
                guint       added,
                gpointer    user_data)
{
  g_assert_true (pm_policy_store_get_loading (PM_POLICY_STORE (model)));
}

static void
test_refresh_through_sandbox (void)
{
  g_autoptr(Live) live = live_new (PM_FLAVOUR_HOSTED, PM_SANDBOX_DEFAULT_API_KEY, 512);
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (live->api);
  g_autoptr(Watch) watch = watch_new (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(PmPolicy) edited = NULL;
  g_autoptr(PmPolicy) updated = NULL;
  g_autofree char *deleted_id = NULL;
  guint loading_notes = 0;
  gulong loading_handler;
  guint n;

  g_signal_connect (store, "notify::loading", G_CALLBACK (count_notify), &loading_notes);
  g_assert_true (pm_policy_store_get_api (store) == live->api);

  /* A first load of 512 policies: a few signals ("one or a few"), applied
   * in chunks across main-loop iterations that add up to the whole list in
   * order, all while loading and all before the refresh returns. */
  loading_handler = g_signal_connect (store, "items-changed", G_CALLBACK (assert_loading), NULL);
  g_assert_true (refresh_policies (store, &error));
  g_assert_no_error (error);
  g_signal_handler_disconnect (store, loading_handler);
  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_assert_cmpuint (n, ==, 512);
  assert_chunked_load (watch, 512);
  assert_replica (watch);
  g_assert_true (pm_policy_store_get_loaded (store));
  g_assert_false (pm_policy_store_get_loading (store));
  g_assert_null (pm_policy_store_get_error (store));
  g_assert_cmpuint (loading_notes, ==, 2);
  /* Loaded with their associations. */
  for (guint i = 0; i < n; i++)
    g_assert_true (pm_policy_has_associations_info (item_at (store, i)));

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (before, g_list_model_get_item (G_LIST_MODEL (store), i));

  /* Rules made for some policies (as the claims page does for all) compare
   * equal to the packed rules of a fresh reading. */
  for (guint i = 0; i < n; i += 37)
    {
      PmPolicy *policy = item_at (store, i);

      g_assert_cmpuint (g_list_model_get_n_items (pm_policy_get_rules (policy)), ==,
                        pm_policy_get_n_rules (policy));
    }

  /* Nothing changed: no signal, the same objects. */
  g_array_set_size (watch->signals, 0);
  g_assert_true (refresh_policies (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (watch->signals->len, ==, 0);
  for (guint i = 0; i < n; i++)
    g_assert_true (item_at (store, i) == before->pdata[i]);

  /* One policy renamed on the server: exactly its own row is replaced. */
  edited = pm_policy_copy (before->pdata[200]);
  pm_policy_set_name (edited, "Renamed on the server");
  updated = pm_test_api_update_policy (live->api, edited, &error);
  g_assert_no_error (error);

  g_assert_true (refresh_policies (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (watch->signals->len, ==, 1);
  assert_change (watch, 0, 200, 1, 1);
  assert_replica (watch);
  g_assert_cmpstr (pm_policy_get_name (item_at (store, 200)), ==, "Renamed on the server");
  for (guint i = 0; i < n; i++)
    if (i != 200)
      g_assert_true (item_at (store, i) == before->pdata[i]);

  /* One deleted on the server: one removal. */
  deleted_id = g_strdup (pm_policy_get_id (before->pdata[7]));
  g_assert_true (pm_test_api_delete_policy (live->api, deleted_id, TRUE, &error));
  g_assert_no_error (error);
  g_array_set_size (watch->signals, 0);
  g_assert_true (refresh_policies (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (watch->signals->len, ==, 1);
  assert_change (watch, 0, 7, 1, 0);
  assert_replica (watch);
  g_assert_null (pm_policy_store_lookup (store, deleted_id));
  g_assert_true (item_at (store, 7) == before->pdata[8]);
}

/* A second refresh supersedes the first, which ends cancelled; the store
 * stays loading until the second is done. */
static void
test_refresh_superseded (void)
{
  g_autoptr(Live) live = live_new (PM_FLAVOUR_HOSTED, PM_SANDBOX_DEFAULT_API_KEY, 50);
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (live->api);
  g_autoptr(Watch) watch = watch_new (store);
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;

  pm_policy_store_refresh_async (store, NULL, pm_test_result_cb, &first);
  pm_policy_store_refresh_async (store, NULL, pm_test_result_cb, &second);
  g_assert_true (pm_policy_store_get_loading (store));

  g_assert_false (pm_policy_store_refresh_finish (store, pm_test_wait (&first), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_true (pm_policy_store_refresh_finish (store, pm_test_wait (&second), &error));
  g_assert_no_error (error);
  g_assert_false (pm_policy_store_get_loading (store));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 50);
  assert_chunked_load (watch, 50);
  assert_replica (watch);
}

/* A view that builds a row for each of the first 64 items, a millisecond
 * each, as a list view does: the steps of a first load shrink while they
 * cost that much, other sources run between them, and they grow again once
 * items are cheap. */
typedef struct
{
  guint   ticks;      /* of a high-priority 1 ms timeout */
  GArray *changes;    /* of Change, position and added */
  GArray *stamps;     /* ticks at each change */
} Pace;

static gboolean
count_tick (gpointer data)
{
  ((Pace *) data)->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
slow_view (GListModel *model,
           guint       position,
           guint       removed,
           guint       added,
           Pace       *pace)
{
  Change change = { position, removed, added };

  for (guint i = position; i < position + added && i < 64; i++)
    g_usleep (1000);
  g_array_append_val (pace->changes, change);
  g_array_append_val (pace->stamps, pace->ticks);
}

static gboolean
paced_settled (gpointer data)
{
  return !pm_paced_model_get_pending (data);
}

/* Blocking iterations: pm_test_wait_until()'s non-blocking ones would only
 * ever run a busy high-priority timeout, never the idles that pace. */
static void
wait_paced (PmPacedModel *paced)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (pm_paced_model_get_pending (paced))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* The store takes a first load of 300 policies at once; the paced model
 * above it tells its (slow) view of them a step at a time. */
static void
test_paced_model (void)
{
  g_autoptr(Live) live = live_new (PM_FLAVOUR_HOSTED, PM_SANDBOX_DEFAULT_API_KEY, 300);
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (live->api);
  g_autoptr(PmPacedModel) paced = pm_paced_model_new (PM_TYPE_POLICY, G_LIST_MODEL (store));
  g_autoptr(Watch) watch = watch_new (paced);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GArray) stamps = g_array_new (FALSE, FALSE, sizeof (guint));
  Pace pace = { 0, changes, stamps };
  guint tick = g_timeout_add_full (G_PRIORITY_HIGH, 1, count_tick, &pace, NULL);
  guint pending_notes = 0;
  guint largest = 0;

  g_assert_cmpuint (g_list_model_get_item_type (G_LIST_MODEL (paced)), ==, PM_TYPE_POLICY);
  g_signal_connect (paced, "items-changed", G_CALLBACK (slow_view), &pace);
  g_signal_connect (paced, "notify::pending", G_CALLBACK (count_notify), &pending_notes);
  g_assert_true (refresh_policies (store, &error));
  g_assert_no_error (error);
  /* The store holds the whole list as soon as its refresh is done. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 300);
  g_assert_true (pm_paced_model_get_pending (paced));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (paced)), <, 300);
  wait_paced (paced);
  g_source_remove (tick);
  g_signal_handlers_disconnect_by_func (paced, slow_view, &pace);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (paced)), ==, 300);
  assert_replica (watch);
  for (guint i = 0; i < 300; i++)
    g_assert_true (g_ptr_array_index (watch->replica, i) == item_at (store, i));
  g_assert_cmpuint (pending_notes, >=, 2);
  g_assert_cmpuint (changes->len, >, 3);
  /* What arrives first shows at once, before the rest. */
  g_assert_cmpuint (g_array_index (changes, Change, 0).added, <=, 8);
  for (guint i = 0; i < changes->len; i++)
    {
      Change *change = &g_array_index (changes, Change, i);

      /* A costly step is small. */
      if (change->position < 64)
        g_assert_cmpuint (change->added, <=, 8);
      /* Other sources ran after a costly step, before the next. */
      if (i > 0 && g_array_index (changes, Change, i - 1).position < 64)
        g_assert_cmpuint (g_array_index (stamps, guint, i), >, g_array_index (stamps, guint, i - 1));
      largest = MAX (largest, change->added);
    }
  /* The cheap items after them come in larger steps. */
  g_assert_cmpuint (largest, >, 8);

  /* A one-policy change (a frame after the last) reaches the view at once,
   * as one replacement. */
  g_usleep (20000);
  g_array_set_size (watch->signals, 0);
  {
    g_autoptr(PmPolicy) edited = pm_policy_copy (item_at (store, 5));

    pm_policy_set_name (edited, "Edited here");
    pm_policy_store_upsert (store, edited);
  }
  g_assert_false (pm_paced_model_get_pending (paced));
  g_assert_cmpuint (watch->signals->len, ==, 1);
  assert_change (watch, 0, 5, 1, 1);
  assert_replica (watch);

  /* A new model replaces what it showed. */
  pm_paced_model_set_model (paced, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (paced)), ==, 0);
  g_assert_false (pm_paced_model_get_pending (paced));
  assert_replica (watch);
}

/* Changes made while a large one is still being told of are told after it,
 * in order: the view ends up with exactly the model. */
static void
test_paced_model_changes_meanwhile (void)
{
  g_autoptr(GListStore) model = g_list_store_new (PM_TYPE_POLICY);
  g_autoptr(PmPacedModel) paced = pm_paced_model_new (PM_TYPE_POLICY, NULL);
  g_autoptr(Watch) watch = watch_new (paced);
  g_autoptr(GPtrArray) policies = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("p-%03u", i);

      g_ptr_array_add (policies, make_policy (id, id));
    }
  g_list_store_splice (model, 0, 0, policies->pdata, 150);
  pm_paced_model_set_model (paced, G_LIST_MODEL (model));
  g_assert_true (pm_paced_model_get_model (paced) == G_LIST_MODEL (model));
  g_assert_true (pm_paced_model_get_pending (paced));
  /* Meanwhile: some go, some come, one is replaced. */
  g_list_store_remove (model, 10);
  g_list_store_splice (model, 20, 5, policies->pdata + 150, 50);
  g_list_store_splice (model, 0, 1, policies->pdata + 199, 1);
  pm_test_wait_until (paced_settled, paced, 10000);

  assert_replica (watch);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (paced)), ==, g_list_model_get_n_items (G_LIST_MODEL (model)));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(GObject) a = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_autoptr(GObject) b = g_list_model_get_item (G_LIST_MODEL (paced), i);

      g_assert_true (a == b);
    }
}

/* The app puts an item in place while a refresh is in flight: the list the
 * server gives wins, and the signals still describe the model exactly. */
static void
test_upsert_during_refresh (void)
{
  g_autoptr(Live) live = live_new (PM_FLAVOUR_HOSTED, PM_SANDBOX_DEFAULT_API_KEY, 20);
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (live->api);
  g_autoptr(PmPolicy) local = make_policy ("local-only", "Local");
  g_autoptr(PmPolicy) kept = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Watch) watch = NULL;

  g_assert_true (refresh_policies (store, &error));
  g_assert_no_error (error);
  kept = g_list_model_get_item (G_LIST_MODEL (store), 3);
  watch = watch_new (store);

  pm_policy_store_refresh_async (store, NULL, pm_test_result_cb, &result);
  pm_policy_store_upsert (store, local);
  g_assert_true (pm_policy_store_lookup (store, "local-only") == local);
  g_assert_true (pm_policy_store_refresh_finish (store, pm_test_wait (&result), &error));
  g_assert_no_error (error);

  assert_replica (watch);
  g_assert_null (pm_policy_store_lookup (store, "local-only"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 20);
  g_assert_true (item_at (store, 3) == kept);
}

static void
test_refresh_cancelled (void)
{
  g_autoptr(Live) live = live_new (PM_FLAVOUR_HOSTED, PM_SANDBOX_DEFAULT_API_KEY, 10);
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (live->api);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  pm_policy_store_refresh_async (store, cancellable, pm_test_result_cb, &result);
  g_cancellable_cancel (cancellable);
  g_assert_false (pm_policy_store_refresh_finish (store, pm_test_wait (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (pm_policy_store_get_loading (store));
  g_assert_false (pm_policy_store_get_loaded (store));
  /* A cancellation is not a failure to show. */
  g_assert_null (pm_policy_store_get_error (store));
}

static void
test_refresh_error (void)
{
  g_autoptr(Live) live = live_new (PM_FLAVOUR_HOSTED, "not-the-key", 0);
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (live->api);
  g_autoptr(GError) error = NULL;
  guint error_notes = 0;

  g_signal_connect (store, "notify::error", G_CALLBACK (count_notify), &error_notes);
  g_assert_false (refresh_policies (store, &error));
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_UNAUTHORIZED);
  g_assert_nonnull (pm_policy_store_get_error (store));
  g_assert_true (g_error_matches (pm_policy_store_get_error (store), PM_API_ERROR, PM_API_ERROR_UNAUTHORIZED));
  g_assert_cmpuint (error_notes, ==, 1);
  g_assert_false (pm_policy_store_get_loading (store));
  g_assert_false (pm_policy_store_get_loaded (store));

  /* A new client clears the list and the error. */
  pm_policy_store_set_api (store, NULL);
  g_assert_null (pm_policy_store_get_error (store));
  g_assert_null (pm_policy_store_get_api (store));
}

/* A first load whose reply is cut off fails and leaves the store as it was:
 * empty, with the error. The next refresh loads the whole list. */
static void
test_first_load_cut_off (void)
{
  g_autoptr(Live) live = live_new (PM_FLAVOUR_HOSTED, PM_SANDBOX_DEFAULT_API_KEY, 512);
  g_autoptr(PmPolicyStore) store = pm_policy_store_new (live->api);
  g_autoptr(Watch) watch = watch_new (store);
  g_autoptr(GError) error = NULL;

  g_assert_true (pm_sandbox_add_fault (live->sandbox, "truncate@GET*1", &error));
  g_assert_no_error (error);
  g_assert_false (refresh_policies (store, &error));
  g_assert_error (error, PM_API_ERROR, PM_API_ERROR_BAD_REPLY);

  g_assert_cmpuint (watch->signals->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_nonnull (pm_policy_store_get_error (store));
  g_assert_false (pm_policy_store_get_loading (store));
  g_assert_false (pm_policy_store_get_loaded (store));

  /* The next refresh loads the whole list. */
  g_clear_error (&error);
  g_assert_true (refresh_policies (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 512);
  assert_replica (watch);
}

static void
test_entities_and_claims_through_sandbox (void)
{
  g_autoptr(Live) hosted = live_new (PM_FLAVOUR_HOSTED, PM_SANDBOX_DEFAULT_API_KEY, 0);
  g_autoptr(Live) serverless = live_new (PM_FLAVOUR_SERVERLESS, PM_SANDBOX_DEFAULT_API_KEY, 0);
  g_autoptr(PmEntityStore) entities = pm_entity_store_new (hosted->api);
  g_autoptr(PmEntityStore) projects = pm_entity_store_new (serverless->api);
  g_autoptr(PmClaimStore) claims = pm_claim_store_new (hosted->api);
  g_autoptr(PmClaimStore) no_claims = pm_claim_store_new (serverless->api);
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GAsyncResult) r3 = NULL;
  g_autoptr(GAsyncResult) r4 = NULL;
  g_autoptr(GAsyncResult) r5 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PmEntity) first = NULL;
  guint n;

  pm_entity_store_refresh_async (entities, NULL, pm_test_result_cb, &r1);
  pm_entity_store_refresh_async (projects, NULL, pm_test_result_cb, &r2);
  pm_claim_store_refresh_async (claims, NULL, pm_test_result_cb, &r3);
  pm_claim_store_refresh_async (no_claims, NULL, pm_test_result_cb, &r4);

  g_assert_true (pm_entity_store_refresh_finish (entities, pm_test_wait (&r1), &error));
  g_assert_no_error (error);
  g_assert_true (pm_entity_store_refresh_finish (projects, pm_test_wait (&r2), &error));
  g_assert_no_error (error);
  g_assert_true (pm_claim_store_refresh_finish (claims, pm_test_wait (&r3), &error));
  g_assert_no_error (error);
  g_assert_true (pm_claim_store_refresh_finish (no_claims, pm_test_wait (&r4), &error));
  g_assert_no_error (error);

  n = g_list_model_get_n_items (G_LIST_MODEL (entities));
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (projects)), >, 0);
  g_assert_true (pm_entity_store_get_loaded (entities));
  g_assert_true (pm_claim_store_get_loaded (claims));
  g_assert_true (pm_claim_store_get_loaded (no_claims));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (no_claims)), ==, 0);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (claims)); i++)
    {
      g_autoptr(PmLinkClaim) claim = g_list_model_get_item (G_LIST_MODEL (claims), i);
      g_autofree char *key = pm_claim_store_dup_key (claim);

      g_assert_true (pm_claim_store_lookup (claims, key) == claim);
    }

  /* Refreshing again keeps every entity object. */
  first = g_list_model_get_item (G_LIST_MODEL (entities), 0);
  pm_entity_store_refresh_async (entities, NULL, pm_test_result_cb, &r5);
  g_assert_true (pm_entity_store_refresh_finish (entities, pm_test_wait (&r5), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (entities)), ==, n);
  g_assert_true (pm_entity_store_lookup (entities, pm_entity_get_id (first)) == first);
}

/* PmSlotModel */

static GObject *
numbered (guint n)
{
  GObject *object = g_object_new (G_TYPE_OBJECT, NULL);

  g_object_set_data (object, "n", GUINT_TO_POINTER (n));
  return object;
}

static void
store_append_numbered (GListStore *store,
                       guint       from,
                       guint       to)
{
  for (guint i = from; i < to; i++)
    {
      g_autoptr(GObject) object = numbered (i);

      g_list_store_append (store, object);
    }
}

static gpointer
slot_at (PmSlotModel *slots,
         guint        position)
{
  g_autoptr(PmSlot) slot = g_list_model_get_item (G_LIST_MODEL (slots), position);

  return slot;
}

/* The first slots show the store's items, in order; any after them, none. */
static void
assert_slots_show (PmSlotModel *slots,
                   GListStore  *store)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  g_assert_cmpuint (pm_slot_model_get_n_listed (slots), ==, n);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), >=, n);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (slots)); i++)
    {
      g_autoptr(GObject) item = i < n ? g_list_model_get_item (G_LIST_MODEL (store), i) : NULL;

      g_assert_true (pm_slot_get_item (slot_at (slots, i)) == (gpointer) item);
    }
}

static void
record_slots_changed (PmSlotModel *slots,
                      guint        position,
                      guint        n,
                      GArray      *changes)
{
  Change change = { position, n, 0 };

  g_array_append_val (changes, change);
}

static void
count_item_notify (GObject    *slot,
                   GParamSpec *pspec,
                   guint      *count)
{
  (*count)++;
}

static gboolean
slots_settled (gpointer data)
{
  return !pm_slot_model_get_pending (data);
}

/* The slots stay put while the items they show change: a list view above
 * keeps its rows. Only the model's length changes its slots. */
static void
test_slot_model (void)
{
  g_autoptr(GListStore) store = g_list_store_new (G_TYPE_OBJECT);
  g_autoptr(PmSlotModel) slots = NULL;
  g_autoptr(Watch) watch = NULL;
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  g_autoptr(GObject) inserted = numbered (100);
  g_autoptr(GObject) replacement = numbered (200);
  guint notes_first = 0, notes_fifth = 0;

  store_append_numbered (store, 0, 10);
  slots = pm_slot_model_new (G_LIST_MODEL (store));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (slots)) == PM_TYPE_SLOT);
  g_assert_true (pm_slot_model_get_model (slots) == G_LIST_MODEL (store));
  assert_slots_show (slots, store);
  watch = watch_new (slots);
  g_signal_connect (slots, "slots-changed", G_CALLBACK (record_slots_changed), changed);
  for (guint i = 0; i < 10; i++)
    g_ptr_array_add (kept, slot_at (slots, i));
  g_signal_connect (slot_at (slots, 0), "notify::item", G_CALLBACK (count_item_notify), &notes_first);
  g_signal_connect (slot_at (slots, 5), "notify::item", G_CALLBACK (count_item_notify), &notes_fifth);

  /* An item inserted: the slots from there on show the next item, and one
   * slot is added at the end (all of them "changed"). */
  g_list_store_insert (store, 3, inserted);
  assert_slots_show (slots, store);
  assert_replica (watch);
  g_assert_cmpuint (watch->signals->len, ==, 1);
  g_assert_cmpuint (g_array_index (watch->signals, Change, 0).position, ==, 10);
  g_assert_cmpuint (g_array_index (watch->signals, Change, 0).removed, ==, 0);
  g_assert_cmpuint (g_array_index (watch->signals, Change, 0).added, ==, 1);
  for (guint i = 0; i < 10; i++)
    g_assert_true (slot_at (slots, i) == kept->pdata[i]);
  g_assert_cmpuint (notes_first, ==, 0);
  g_assert_cmpuint (notes_fifth, ==, 1);
  g_assert_cmpuint (changed->len, ==, 1);
  g_assert_cmpuint (g_array_index (changed, Change, 0).position, ==, 3);
  g_assert_cmpuint (g_array_index (changed, Change, 0).removed, ==, 8);

  /* An item replaced in place: that slot only. */
  g_list_store_splice (store, 5, 1, (gpointer *) &replacement, 1);
  assert_slots_show (slots, store);
  g_assert_cmpuint (watch->signals->len, ==, 1);
  g_assert_cmpuint (notes_fifth, ==, 2);
  g_assert_cmpuint (changed->len, ==, 2);
  g_assert_cmpuint (g_array_index (changed, Change, 1).position, ==, 5);
  g_assert_cmpuint (g_array_index (changed, Change, 1).removed, ==, 1);

  /* A few gone: their slots go at once, from the end. */
  g_list_store_splice (store, 0, 2, NULL, 0);
  assert_slots_show (slots, store);
  assert_replica (watch);
  g_assert_false (pm_slot_model_get_pending (slots));
  g_assert_cmpuint (g_array_index (watch->signals, Change, watch->signals->len - 1).position, ==, 9);
  g_assert_cmpuint (g_array_index (watch->signals, Change, watch->signals->len - 1).removed, ==, 2);
  g_assert_true (slot_at (slots, 0) == kept->pdata[0]);

  /* Many gone, with fewer left than fill the screen: their slots go at
   * once (they would be on screen, empty). */
  store_append_numbered (store, 10, 100);
  pm_slot_model_set_visible_end (slots, 10);
  g_list_store_splice (store, 5, g_list_model_get_n_items (G_LIST_MODEL (store)) - 5, NULL, 0);
  assert_slots_show (slots, store);
  assert_replica (watch);
  g_assert_false (pm_slot_model_get_pending (slots));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, 5);

  /* Many gone, with enough left to fill the screen: the slots past it
   * are emptied and go later... */
  store_append_numbered (store, 10, 100);
  pm_slot_model_set_visible_end (slots, 3);
  g_list_store_splice (store, 5, g_list_model_get_n_items (G_LIST_MODEL (store)) - 5, NULL, 0);
  assert_slots_show (slots, store);
  assert_replica (watch);
  g_assert_true (pm_slot_model_get_pending (slots));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, 95);
  g_assert_null (pm_slot_get_item (slot_at (slots, 5)));
  /* ...unless the list grows back into them first. */
  store_append_numbered (store, 300, 320);
  assert_slots_show (slots, store);
  assert_replica (watch);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, 95);
  pm_test_wait_until (slots_settled, slots, 10000);
  assert_slots_show (slots, store);
  assert_replica (watch);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, 25);
  for (guint i = 0; i < 5; i++)
    g_assert_true (slot_at (slots, i) == kept->pdata[i]);

  /* An empty list the view does not show: every slot goes later. */
  pm_slot_model_set_empty_hidden (slots, TRUE);
  g_list_store_remove_all (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, 25);
  g_assert_true (pm_slot_model_get_pending (slots));
  assert_slots_show (slots, store);
  pm_test_wait_until (slots_settled, slots, 10000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, 0);
  assert_replica (watch);

  /* Another model: its items, in the same slots. */
  store_append_numbered (store, 0, 30);
  pm_slot_model_set_model (slots, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (slots)), ==, 0);
  g_assert_false (pm_slot_model_get_pending (slots));
  pm_slot_model_set_model (slots, G_LIST_MODEL (store));
  assert_slots_show (slots, store);
  assert_replica (watch);
}

/* Requests per refresh */

static gboolean
session_idle (gpointer data)
{
  PmSession *session = data;

  return pm_policy_store_get_loaded (pm_session_get_policies (session)) && !pm_session_get_busy (session);
}

/* What one refresh of every store of a session sends to an organization of
 * n_policies policies and n_deployments deployments (projects, on
 * Serverless), as the sandbox counts them and as the client does. */
static guint
requests_per_refresh (PmFlavour flavour,
                      guint     n_policies,
                      guint     n_deployments,
                      guint     page_size)
{
  g_autoptr(PmSandbox) sandbox = pm_sandbox_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(PmHttp) http = NULL;
  g_autoptr(PmApi) api = NULL;
  g_autoptr(PmSession) session = NULL;
  g_autofree char *base_url = NULL;
  PmHttpCounts counts;
  guint requests;

  pm_sandbox_set_empty (sandbox, TRUE);
  pm_sandbox_set_page_size (sandbox, page_size);
  pm_sandbox_set_scale (sandbox, n_policies, 2, n_deployments);
  g_assert_true (pm_sandbox_start (sandbox, 0, &error));
  g_assert_no_error (error);
  base_url = pm_sandbox_dup_base_url (sandbox);
  http = pm_http_new (base_url, PM_SANDBOX_DEFAULT_API_KEY, &error);
  g_assert_no_error (error);
  api = pm_api_new_for_flavour (flavour, http);
  session = pm_session_new (api, "Requests", FALSE);

  pm_session_refresh (session);
  pm_test_wait_until (session_idle, session, 60000);
  g_assert_null (pm_policy_store_get_error (pm_session_get_policies (session)));
  g_assert_null (pm_entity_store_get_error (pm_session_get_entities (session)));
  g_assert_null (pm_policy_store_get_notice (pm_session_get_policies (session)));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pm_session_get_policies (session))), ==, n_policies);

  requests = pm_sandbox_get_request_count (sandbox, NULL, NULL);
  pm_http_get_counts (http, &counts);
  g_test_message ("%s, %u policies, %u deployments, pages of %u: %u requests, %" G_GUINT64_FORMAT
                  " connections, %" G_GUINT64_FORMAT " handshakes",
                  pm_flavour_to_string (flavour), n_policies, n_deployments, page_size, requests,
                  counts.connections, counts.handshakes);
  g_assert_cmpuint (counts.requests, ==, requests);
  g_assert_cmpuint (counts.connections, >=, 1);
  g_assert_cmpuint (counts.connections, <=, requests);
  g_assert_cmpuint (counts.handshakes, ==, 0);   /* plain http on loopback */
  return requests;
}

/* Hosted and ECE: the rule sets with their associations, the deployments,
 * the claims, one request each however large the organization.
 * Serverless: every page of policies and of each project type's projects
 * (the sandbox deals projects to the three types in turn), the last page
 * naming no other. */
static void
test_requests_per_refresh (void)
{
  g_assert_cmpuint (requests_per_refresh (PM_FLAVOUR_HOSTED, 10, 10, 100), ==, 3);
  g_assert_cmpuint (requests_per_refresh (PM_FLAVOUR_HOSTED, 1024, 2000, 100), ==, 3);
  g_assert_cmpuint (requests_per_refresh (PM_FLAVOUR_ECE, 10, 10, 100), ==, 3);
  g_assert_cmpuint (requests_per_refresh (PM_FLAVOUR_ECE, 512, 2000, 100), ==, 3);
  g_assert_cmpuint (requests_per_refresh (PM_FLAVOUR_SERVERLESS, 10, 10, 100), ==, 1 + 3);
  g_assert_cmpuint (requests_per_refresh (PM_FLAVOUR_SERVERLESS, 250, 120, 50), ==, 5 + 1 + 1 + 1);
  g_assert_cmpuint (requests_per_refresh (PM_FLAVOUR_SERVERLESS, 100, 300, 50), ==, 2 + 2 + 2 + 2);
  g_assert_cmpuint (requests_per_refresh (PM_FLAVOUR_SERVERLESS, 1024, 2000, 100), ==, 11 + 7 + 7 + 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/first-load-one-signal", test_first_load_is_one_signal);
  g_test_add_func ("/store/unchanged-keeps-identity", test_unchanged_keeps_identity);
  g_test_add_func ("/store/one-change-one-replacement", test_one_change_one_replacement);
  g_test_add_func ("/store/adds-and-removes", test_adds_and_removes);
  g_test_add_func ("/store/order-follows-api", test_order_follows_api);
  g_test_add_func ("/store/duplicates-kept-once", test_duplicates_kept_once);
  g_test_add_func ("/store/upsert-and-remove", test_upsert_and_remove);
  g_test_add_func ("/store/random-diffs", test_random_diffs);
  g_test_add_func ("/store/entities-and-claims", test_entities_and_claims);
  g_test_add_func ("/store/sandbox/refresh", test_refresh_through_sandbox);
  g_test_add_func ("/store/sandbox/superseded", test_refresh_superseded);
  g_test_add_func ("/store/sandbox/paced-model", test_paced_model);
  g_test_add_func ("/store/paced-model-changes-meanwhile", test_paced_model_changes_meanwhile);
  g_test_add_func ("/store/slot-model", test_slot_model);
  g_test_add_func ("/store/sandbox/cancelled", test_refresh_cancelled);
  g_test_add_func ("/store/sandbox/upsert-during-refresh", test_upsert_during_refresh);
  g_test_add_func ("/store/sandbox/error", test_refresh_error);
  g_test_add_func ("/store/sandbox/first-load-cut-off", test_first_load_cut_off);
  g_test_add_func ("/store/sandbox/entities-and-claims", test_entities_and_claims_through_sandbox);
  g_test_add_func ("/store/sandbox/requests-per-refresh", test_requests_per_refresh);

  return g_test_run ();
}
