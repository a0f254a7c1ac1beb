/* test-my-networks.c: whether the user's own networks keep reaching a
 * resource after a change, computed from real policies (no widgets), and
 * the impact texts that say so, on a session against the sandbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pm-my-networks.h"
#include "pm-policy-actions.h"
#include "pm-sandbox.h"
#include "pm-test-api.h"
#include "pm-test-util.h"
#include "pm-validate.h"

#define WAIT_MS 15000

static PmPolicy *
policy_new (PmPolicyType  type,
            const char   *id,
            const char   *first_source,
            ...)
{
  PmPolicy *policy = pm_policy_new (PM_FLAVOUR_HOSTED, type);
  va_list args;

  pm_policy_set_id (policy, id);
  pm_policy_set_name (policy, id);
  pm_policy_set_region (policy, "us-east-1");
  va_start (args, first_source);
  for (const char *source = first_source; source != NULL; source = va_arg (args, const char *))
    {
      g_autoptr(PmRule) rule = pm_rule_new ();

      if (type == PM_POLICY_TYPE_EGRESS_FIREWALL)
        pm_rule_set_egress_target (rule, source);
      else
        pm_rule_set_source (rule, source);
      pm_policy_add_rule (policy, rule);
    }
  va_end (args);
  return policy;
}

static GPtrArray *
policies (PmPolicy *first,
          ...)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_object_unref);
  va_list args;

  va_start (args, first);
  for (PmPolicy *policy = first; policy != NULL; policy = va_arg (args, PmPolicy *))
    g_ptr_array_add (array, g_object_ref (policy));
  va_end (args);
  return array;
}

/* Parsing what the user types */

static void
test_parse (void)
{
  static const struct { const char *typed, *kept; gboolean adjusted; } good[] = {
    { "203.0.113.7", "203.0.113.7", FALSE },
    { "  203.0.113.7 ", "203.0.113.7", FALSE },
    { "198.51.100.0/24", "198.51.100.0/24", FALSE },
    { "203.0.113.7/24", "203.0.113.0/24", TRUE },
    { "2001:DB8::1", "2001:db8::1", FALSE },
    { "2001:db8:4000::/48", "2001:db8:4000::/48", FALSE },
    { "2001:db8:4000::1/48", "2001:db8:4000::/48", TRUE },
    { "203.0.113.7/32", "203.0.113.7", FALSE },
  };
  static const char *bad[] = { "", "   ", "203.0.113", "203.0.113.7/33", "my office", "203.0.113.7 /24", "::1%eth0" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean adjusted = !good[i].adjusted;
      g_autofree char *kept = pm_my_networks_parse (good[i].typed, &adjusted, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (kept, ==, good[i].kept);
      g_assert_cmpint (adjusted, ==, good[i].adjusted);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *kept = pm_my_networks_parse (bad[i], NULL, &error);

      g_assert_null (kept);
      g_assert_error (error, PM_VALIDATION_ERROR, error->code);
      /* The message is about the row, not a rule's "Source" field. */
      g_assert_false (g_str_has_prefix (error->message, "Source"));
      g_assert_cmpuint (strlen (error->message), >, 10);
    }
}

/* Containment */

static void
test_contains (void)
{
  static const struct { const char *outer, *inner; gboolean contains; } cases[] = {
    { "203.0.113.0/24", "203.0.113.7", TRUE },
    { "203.0.113.0/24", "203.0.113.0/24", TRUE },
    { "203.0.113.0/24", "203.0.113.128/25", TRUE },
    { "203.0.113.0/24", "203.0.112.0/23", FALSE },   /* only half of it */
    { "203.0.113.0/24", "203.0.114.1", FALSE },
    { "203.0.113.7", "203.0.113.7", TRUE },
    { "203.0.113.7", "203.0.113.8", FALSE },
    { "203.0.113.9/24", "203.0.113.7", TRUE },       /* host bits in a rule from the API */
    { "0.0.0.0/0", "198.51.100.17", TRUE },
    { "0.0.0.0/0", "2001:db8::1", FALSE },           /* another family */
    { "2001:db8:4000::/48", "2001:db8:4000:12::1", TRUE },
    { "2001:db8:4000::/48", "2001:db8:4001::1", FALSE },
    { "::/0", "2001:db8::/32", TRUE },
    { "vpce-0a1b2c3d4e5f67890", "203.0.113.7", FALSE },
    { NULL, "203.0.113.7", FALSE },
    { "203.0.113.0/24", "nonsense", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s ⊇ %s", cases[i].outer, cases[i].inner);
      g_assert_cmpint (pm_network_contains (cases[i].outer, cases[i].inner), ==, cases[i].contains);
    }
}

/* Allowed and lost, from policies */

static void
test_allowed (void)
{
  g_autoptr(PmPolicy) office = policy_new (PM_POLICY_TYPE_IP, "office", "203.0.113.0/24", "198.51.100.17", NULL);
  g_autoptr(PmPolicy) vpn = policy_new (PM_POLICY_TYPE_IP, "vpn", "192.0.2.0/24", "2001:db8:4000::/48", NULL);
  g_autoptr(PmPolicy) vpce = policy_new (PM_POLICY_TYPE_VPCE, "vpce", "vpce-0a1b2c3d4e5f67890", NULL);
  g_autoptr(PmPolicy) egress = policy_new (PM_POLICY_TYPE_EGRESS_FIREWALL, "egress", "203.0.113.0/24", NULL);
  g_autoptr(PmPolicy) empty = policy_new (PM_POLICY_TYPE_IP, "empty", NULL);
  g_autoptr(GPtrArray) none = policies (NULL);
  g_autoptr(GPtrArray) only_egress = policies (egress, NULL);
  g_autoptr(GPtrArray) only_office = policies (office, NULL);
  g_autoptr(GPtrArray) only_vpce = policies (vpce, NULL);
  g_autoptr(GPtrArray) office_and_vpce = policies (office, vpce, NULL);
  g_autoptr(GPtrArray) office_and_vpn = policies (vpn, office, NULL);
  g_autoptr(GPtrArray) only_empty = policies (empty, NULL);

  /* No ingress policy: everyone gets in. */
  g_assert_true (pm_my_networks_allowed (none, "203.0.113.7"));
  g_assert_true (pm_my_networks_allowed (only_egress, "192.0.2.1"));
  /* An IP filter lets in what one of its rules holds, no more. */
  g_assert_true (pm_my_networks_allowed (only_office, "203.0.113.7"));
  g_assert_true (pm_my_networks_allowed (only_office, "198.51.100.17"));
  g_assert_false (pm_my_networks_allowed (only_office, "198.51.100.18"));
  g_assert_false (pm_my_networks_allowed (only_office, "203.0.112.0/23"));
  /* A private connection policy lets no public address in. */
  g_assert_false (pm_my_networks_allowed (only_vpce, "203.0.113.7"));
  g_assert_true (pm_my_networks_allowed (office_and_vpce, "203.0.113.7"));
  g_assert_false (pm_my_networks_allowed (office_and_vpce, "192.0.2.1"));
  /* Any of its policies will do. */
  g_assert_true (pm_my_networks_allowed (office_and_vpn, "2001:db8:4000::77"));
  g_assert_true (pm_my_networks_allowed (office_and_vpn, "203.0.113.7"));
  g_assert_false (pm_my_networks_allowed (only_empty, "203.0.113.7"));
}

static void
test_lost (void)
{
  const char *networks[] = { "203.0.113.7", "2001:db8:4000::/64", "192.0.2.9", NULL };
  g_autoptr(PmPolicy) office = policy_new (PM_POLICY_TYPE_IP, "office", "203.0.113.0/24", "198.51.100.17", NULL);
  g_autoptr(PmPolicy) edited = policy_new (PM_POLICY_TYPE_IP, "office", "198.51.100.17", NULL);
  g_autoptr(PmPolicy) vpn = policy_new (PM_POLICY_TYPE_IP, "vpn", "2001:db8:4000::/48", NULL);
  g_autoptr(PmPolicy) vpce = policy_new (PM_POLICY_TYPE_VPCE, "vpce", "vpce-0a1b2c3d4e5f67890", NULL);
  g_autoptr(GPtrArray) before = policies (office, vpce, NULL);
  g_autoptr(GPtrArray) without_office = policies (vpce, NULL);
  g_autoptr(GPtrArray) with_edited = policies (edited, vpce, NULL);
  g_autoptr(GPtrArray) alone = policies (office, NULL);
  g_autoptr(GPtrArray) open = policies (NULL);
  g_autoptr(GPtrArray) both = policies (office, vpn, NULL);
  g_autoptr(GPtrArray) only_vpn = policies (vpn, NULL);
  g_autoptr(GPtrArray) lost = NULL;

  /* Detaching the IP filter from a resource that keeps a private
   * connection: the office address is refused. 192.0.2.9 never got in. */
  lost = pm_my_networks_lost (networks, before, without_office);
  g_assert_cmpuint (lost->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (lost, 0), ==, "203.0.113.7");
  g_clear_pointer (&lost, g_ptr_array_unref);

  /* Removing the office block from the rules: the same. */
  lost = pm_my_networks_lost (networks, before, with_edited);
  g_assert_cmpuint (lost->len, ==, 1);
  g_clear_pointer (&lost, g_ptr_array_unref);

  /* Taking away the last ingress policy opens the resource: nothing lost. */
  lost = pm_my_networks_lost (networks, alone, open);
  g_assert_cmpuint (lost->len, ==, 0);
  g_clear_pointer (&lost, g_ptr_array_unref);

  /* Applying the first policy to an open resource keeps out the others. */
  lost = pm_my_networks_lost (networks, open, alone);
  g_assert_cmpuint (lost->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (lost, 0), ==, "2001:db8:4000::/64");
  g_assert_cmpstr (g_ptr_array_index (lost, 1), ==, "192.0.2.9");
  g_clear_pointer (&lost, g_ptr_array_unref);

  /* Both policies allow a network each; losing one loses only its own. */
  lost = pm_my_networks_lost (networks, both, only_vpn);
  g_assert_cmpuint (lost->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (lost, 0), ==, "203.0.113.7");
  g_clear_pointer (&lost, g_ptr_array_unref);

  /* No networks, no loss. */
  lost = pm_my_networks_lost (NULL, before, without_office);
  g_assert_cmpuint (lost->len, ==, 0);
}

/* The impact texts, on a session of the sandbox's demo data */

typedef struct
{
  PmSandbox *sandbox;
  PmHttp    *http;
  PmSession *session;
} Fixture;

static gboolean
stores_loaded (gpointer data)
{
  Fixture *f = data;

  return pm_test_session_loaded (f->session);
}

static Fixture *
fixture_new (void)
{
  Fixture *f = g_new0 (Fixture, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(PmApi) api = NULL;
  g_autofree char *url = NULL;

  f->sandbox = pm_sandbox_new ();
  g_assert_true (pm_sandbox_start_in_thread (f->sandbox, 0, &error));
  g_assert_no_error (error);
  url = pm_sandbox_dup_base_url (f->sandbox);
  f->http = pm_http_new (url, PM_SANDBOX_DEFAULT_API_KEY, &error);
  g_assert_no_error (error);
  api = pm_api_new_for_flavour (PM_FLAVOUR_HOSTED, f->http);
  f->session = pm_session_new (api, "Sandbox", TRUE);
  pm_session_refresh (f->session);
  pm_test_wait_until (stores_loaded, f, WAIT_MS);
  return f;
}

static void
fixture_free (Fixture *f)
{
  pm_session_shutdown (f->session);
  g_clear_object (&f->session);
  g_clear_object (&f->http);
  pm_sandbox_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_free (f);
}

static PmPolicy *
store_policy (Fixture    *f,
              const char *name)
{
  PmPolicy *policy = pm_test_session_find_policy (f->session, name);

  g_assert_nonnull (policy);
  return policy;
}

static PmEntity *
store_entity (Fixture    *f,
              const char *name)
{
  PmEntity *entity = pm_test_session_find_entity (f->session, name);

  g_assert_nonnull (entity);
  return entity;
}

static void
test_describe (void)
{
  Fixture *f = fixture_new ();
  const char *networks[] = { "203.0.113.7", "192.0.2.0/28", NULL };
  PmPolicy *office = store_policy (f, "Office networks");          /* on Search production, alone */
  PmPolicy *vpce = store_policy (f, "Application VPC");            /* on Checkout API logs */
  PmEntity *search = store_entity (f, "Search production");
  PmEntity *checkout = store_entity (f, "Checkout API logs");
  PmEntity *tokyo = store_entity (f, "Tokyo storefront");          /* no policy */
  g_autoptr(PmPolicy) edited = pm_policy_copy (office);
  g_autoptr(GPtrArray) entities = g_ptr_array_new ();
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* Editing the office block out of Office networks: 203.0.113.7 no
   * longer reaches Search production (192.0.2.0/28 never did). */
  pm_policy_remove_rule (edited, 0);
  g_ptr_array_add (entities, search);
  text = pm_policy_describe_my_access (f->session, office, edited, entities, networks);
  g_test_message ("%s", text);
  g_assert_cmpstr (text, ==, "You will no longer reach Search production from 203.0.113.7 (My networks).");
  g_clear_pointer (&text, g_free);

  /* Detaching it leaves Search production with no policy: open to all. */
  text = pm_policy_describe_my_access (f->session, office, NULL, entities, networks);
  g_assert_null (text);

  /* Without networks there is nothing to say. */
  text = pm_policy_describe_my_access (f->session, office, edited, entities, NULL);
  g_assert_null (text);

  /* Applying Office networks to Tokyo storefront, open so far, keeps the
   * VPN block out; to Search production it changes nothing. */
  g_ptr_array_set_size (entities, 0);
  g_ptr_array_add (entities, tokyo);
  g_ptr_array_add (pairs, office);
  text = pm_my_networks_describe_change (f->session, entities, pairs, TRUE, networks);
  g_test_message ("%s", text);
  g_assert_cmpstr (text, ==, "You will no longer reach Tokyo storefront from 192.0.2.0/28 (My networks).");
  g_clear_pointer (&text, g_free);

  /* Checkout API logs holds a private connection only: no public address
   * gets in, so applying an IP filter takes nothing away... */
  g_ptr_array_index (entities, 0) = checkout;
  text = pm_my_networks_describe_change (f->session, entities, pairs, TRUE, networks);
  g_assert_null (text);

  /* ...and once it holds Office networks too, detaching that one, with
   * another pair for the same resource, refuses 203.0.113.7 again. */
  g_assert_true (pm_test_api_associate (pm_session_get_api (f->session), pm_policy_get_id (office), checkout,
                                        TRUE, &error));
  g_assert_no_error (error);
  pm_session_refresh (f->session);
  pm_test_wait_until (stores_loaded, f, WAIT_MS);
  checkout = store_entity (f, "Checkout API logs");
  g_ptr_array_set_size (entities, 0);
  g_ptr_array_set_size (pairs, 0);
  g_ptr_array_add (entities, checkout);
  g_ptr_array_add (pairs, store_policy (f, "Office networks"));
  g_ptr_array_add (entities, checkout);
  g_ptr_array_add (pairs, vpce);
  text = pm_my_networks_describe_change (f->session, entities, pairs, FALSE, networks);
  /* Both go: the resource is open again. */
  g_assert_null (text);
  g_ptr_array_set_size (entities, 1);
  g_ptr_array_set_size (pairs, 1);
  text = pm_my_networks_describe_change (f->session, entities, pairs, FALSE, networks);
  g_test_message ("%s", text);
  g_assert_cmpstr (text, ==, "You will no longer reach Checkout API logs from 203.0.113.7 (My networks).");
  g_clear_pointer (&text, g_free);

  /* The edit impact puts the warning first and says so. */
  {
    gboolean lost = FALSE;
    g_autoptr(PmPolicy) current = g_object_ref (store_policy (f, "Office networks"));
    g_autoptr(PmPolicy) without_office = pm_policy_copy (current);
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);

    pm_policy_remove_rule (without_office, 0);
    g_settings_set_strv (settings, PM_MY_NETWORKS_KEY, networks);
    text = pm_policy_describe_edit_impact (f->session, current, without_office, &lost);
    g_test_message ("%s", text);
    g_assert_true (lost);
    g_assert_true (g_str_has_prefix (text, "You will no longer reach "));
    g_assert_nonnull (strstr (text, "Search production from 203.0.113.7"));
    g_assert_nonnull (strstr (text, "Checkout API logs from 203.0.113.7"));
    g_assert_nonnull (strstr (text, "will no longer accept traffic from 203.0.113.0/24"));
    g_clear_pointer (&text, g_free);

    /* Without networks: the same impact, no warning, a hint where to set them. */
    g_settings_reset (settings, PM_MY_NETWORKS_KEY);
    text = pm_policy_describe_edit_impact (f->session, current, without_office, &lost);
    g_assert_false (lost);
    g_assert_null (strstr (text, "You will no longer reach"));
    g_assert_nonnull (strstr (text, "My networks"));
    g_assert_nonnull (strstr (text, "will no longer accept traffic from 203.0.113.0/24"));
    g_clear_pointer (&text, g_free);
  }

  fixture_free (f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/my-networks/parse", test_parse);
  g_test_add_func ("/my-networks/contains", test_contains);
  g_test_add_func ("/my-networks/allowed", test_allowed);
  g_test_add_func ("/my-networks/lost", test_lost);
  g_test_add_func ("/my-networks/describe", test_describe);

  return g_test_run ();
}
