/* test-model.c: the model's objects: properties, notifications, copies;
 * and the worker threads they are read and compared in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* gettid () */
#include "config.h"

#include <locale.h>
#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "pm-background.h"
#include "pm-enum-types.h"
#include "pm-entity.h"
#include "pm-link-claim.h"
#include "pm-policy.h"

/* Counts "notify" per property name. */
typedef struct {
  GHashTable *counts;
} Notes;

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           Notes      *notes)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (notes->counts, pspec->name));

  g_hash_table_insert (notes->counts, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static void
notes_watch (Notes   *notes,
             gpointer object)
{
  notes->counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_signal_connect (object, "notify", G_CALLBACK (notify_cb), notes);
}

static guint
notes_count (Notes      *notes,
             const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (notes->counts, name));
}

static void
notes_clear (Notes *notes)
{
  g_clear_pointer (&notes->counts, g_hash_table_unref);
}

static void
test_enums (void)
{
  PmFlavour flavour;
  PmProvider provider;
  PmEgressProtocol protocol;
  GEnumClass *klass;

  for (PmFlavour f = PM_FLAVOUR_HOSTED; f <= PM_FLAVOUR_SERVERLESS; f++)
    {
      g_assert_true (pm_flavour_from_string (pm_flavour_to_string (f), &flavour));
      g_assert_cmpint (flavour, ==, f);
    }
  g_assert_false (pm_flavour_from_string ("cloud", &flavour));
  g_assert_false (pm_flavour_from_string (NULL, &flavour));
  g_assert_cmpstr (pm_flavour_get_label (PM_FLAVOUR_HOSTED), ==, "Elastic Cloud Hosted");
  g_assert_cmpstr (pm_flavour_get_label (PM_FLAVOUR_ECE), ==, "Elastic Cloud Enterprise");
  g_assert_cmpstr (pm_flavour_get_label (PM_FLAVOUR_SERVERLESS), ==, "Elastic Cloud Serverless");

  g_assert_cmpstr (pm_policy_type_get_label (PM_POLICY_TYPE_IP), ==, "IP filter (ingress)");
  g_assert_cmpstr (pm_policy_type_get_label (PM_POLICY_TYPE_EGRESS_FIREWALL), ==, "IP filter (egress)");
  g_assert_cmpstr (pm_policy_type_get_label (PM_POLICY_TYPE_VPCE), ==, "AWS PrivateLink");
  g_assert_cmpstr (pm_policy_type_get_label (PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT), ==, "Azure Private Link");
  g_assert_cmpstr (pm_policy_type_get_label (PM_POLICY_TYPE_GCP_PSC), ==, "GCP Private Service Connect");

  g_assert_cmpint (pm_policy_type_get_provider (PM_POLICY_TYPE_VPCE), ==, PM_PROVIDER_AWS);
  g_assert_cmpint (pm_policy_type_get_provider (PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT), ==, PM_PROVIDER_AZURE);
  g_assert_cmpint (pm_policy_type_get_provider (PM_POLICY_TYPE_GCP_PSC), ==, PM_PROVIDER_GCP);
  g_assert_cmpint (pm_policy_type_get_provider (PM_POLICY_TYPE_IP), ==, PM_PROVIDER_NONE);
  g_assert_true (pm_policy_type_is_private (PM_POLICY_TYPE_GCP_PSC));
  g_assert_false (pm_policy_type_is_private (PM_POLICY_TYPE_EGRESS_FIREWALL));

  for (PmProvider p = PM_PROVIDER_AWS; p <= PM_PROVIDER_GCP; p++)
    {
      g_assert_true (pm_provider_from_string (pm_provider_to_string (p), &provider));
      g_assert_cmpint (provider, ==, p);
      g_assert_cmpstr (pm_provider_get_label (p), ==, pm_policy_type_get_label (PM_POLICY_TYPE_VPCE + p - 1));
    }
  g_assert_null (pm_provider_to_string (PM_PROVIDER_NONE));
  g_assert_false (pm_provider_from_string ("ibm", &provider));

  for (PmEgressProtocol p = PM_EGRESS_PROTOCOL_ALL; p <= PM_EGRESS_PROTOCOL_UDP; p++)
    {
      g_assert_true (pm_egress_protocol_from_string (pm_egress_protocol_to_string (p), &protocol));
      g_assert_cmpint (protocol, ==, p);
    }
  g_assert_false (pm_egress_protocol_from_string ("icmp", &protocol));

  /* GEnum types exist for property bindings. */
  klass = g_type_class_ref (PM_TYPE_POLICY_TYPE);
  g_assert_nonnull (g_enum_get_value (klass, PM_POLICY_TYPE_GCP_PSC));
  g_type_class_unref (klass);
  g_assert_true (G_TYPE_IS_ENUM (PM_TYPE_FLAVOUR));
  g_assert_true (G_TYPE_IS_ENUM (PM_TYPE_PROVIDER));
  g_assert_true (G_TYPE_IS_ENUM (PM_TYPE_ENTITY_KIND));
  g_assert_true (G_TYPE_IS_ENUM (PM_TYPE_EGRESS_PROTOCOL));
}

static void
test_rule_properties (void)
{
  g_autoptr(PmRule) rule = pm_rule_new ();
  g_autofree char *source = NULL;
  g_autofree char *ports_text = NULL;
  PmEgressProtocol protocol;
  Notes notes;

  notes_watch (&notes, rule);
  g_object_set (rule,
                "source", "10.0.0.0/8",
                "description", "office",
                "azure-endpoint-name", "azure-demo",
                "azure-endpoint-guid", "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c",
                "egress-target", "192.168.0.0/16",
                "egress-protocol", PM_EGRESS_PROTOCOL_UDP,
                "egress-ports", "80, 443, 8000-8010",
                "id", "r1",
                NULL);
  g_object_get (rule, "source", &source, "egress-protocol", &protocol, "egress-ports", &ports_text, NULL);
  g_assert_cmpstr (source, ==, "10.0.0.0/8");
  g_assert_cmpint (protocol, ==, PM_EGRESS_PROTOCOL_UDP);
  g_assert_cmpstr (ports_text, ==, "80, 443, 8000-8010");
  g_assert_cmpuint (pm_rule_get_ports (rule)->len, ==, 13);
  g_assert_cmpstr (pm_rule_get_id (rule), ==, "r1");
  g_assert_cmpstr (pm_rule_get_description (rule), ==, "office");
  g_assert_cmpstr (pm_rule_get_azure_endpoint_guid (rule), ==, "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c");
  g_assert_true (pm_rule_has_egress (rule));

  /* Once per change, never for the same value. */
  g_assert_cmpuint (notes_count (&notes, "source"), ==, 1);
  pm_rule_set_source (rule, "10.0.0.0/8");
  g_object_set (rule, "source", "10.0.0.0/8", NULL);
  g_assert_cmpuint (notes_count (&notes, "source"), ==, 1);
  pm_rule_set_source (rule, NULL);
  g_assert_cmpuint (notes_count (&notes, "source"), ==, 2);
  g_assert_null (pm_rule_get_source (rule));
  pm_rule_set_egress_protocol (rule, PM_EGRESS_PROTOCOL_UDP);
  g_assert_cmpuint (notes_count (&notes, "egress-protocol"), ==, 1);
  g_object_set (rule, "egress-ports", "80,443,8000-8010", NULL);
  g_assert_cmpuint (notes_count (&notes, "egress-ports"), ==, 1);

  /* Text that does not parse leaves the ports. */
  g_object_set (rule, "egress-ports", "80, banana", NULL);
  g_assert_cmpuint (pm_rule_get_ports (rule)->len, ==, 13);
  g_object_set (rule, "egress-ports", "", NULL);
  g_assert_cmpuint (pm_rule_get_ports (rule)->len, ==, 0);
  g_assert_cmpuint (notes_count (&notes, "egress-ports"), ==, 2);
  notes_clear (&notes);
}

static void
test_rule_ports_text (void)
{
  g_autoptr(PmRule) rule = pm_rule_new ();
  const guint ports[] = { 22, 80, 81, 443, 8000, 8001, 8002, 9 };
  g_autofree char *text = NULL;

  pm_rule_set_ports (rule, ports, G_N_ELEMENTS (ports));
  text = pm_rule_dup_ports_text (rule);
  g_assert_cmpstr (text, ==, "22, 80, 81, 443, 8000-8002, 9");
  pm_rule_set_ports (rule, NULL, 0);
  g_clear_pointer (&text, g_free);
  text = pm_rule_dup_ports_text (rule);
  g_assert_cmpstr (text, ==, "");
  g_assert_false (pm_rule_has_egress (rule));
  pm_rule_set_has_egress (rule, TRUE);
  g_assert_true (pm_rule_has_egress (rule));
}

static void
test_rule_copy_equal (void)
{
  g_autoptr(PmRule) rule = pm_rule_new ();
  g_autoptr(PmRule) copy = NULL;
  g_autoptr(PmRule) other = pm_rule_new ();
  const guint ports[] = { 443 };
  g_autofree char *key = NULL;

  pm_rule_set_source (rule, "vpce-00000000000");
  pm_rule_set_egress_target (rule, "10.0.0.0/8");
  pm_rule_set_ports (rule, ports, 1);
  json_object_set_string_member (pm_rule_get_extra (rule), "remote_cluster_id", "abc");
  json_object_set_int_member (pm_rule_get_egress_extra (rule), "x", 1);

  copy = pm_rule_copy (rule);
  g_assert_true (pm_rule_equal (rule, copy));
  g_assert_true (pm_rule_get_extra (copy) != pm_rule_get_extra (rule));
  json_object_set_string_member (pm_rule_get_extra (copy), "remote_cluster_id", "xyz");
  g_assert_false (pm_rule_equal (rule, copy));
  json_object_set_string_member (pm_rule_get_extra (copy), "remote_cluster_id", "abc");
  g_assert_true (pm_rule_equal (rule, copy));
  pm_rule_set_ports (copy, NULL, 0);
  g_assert_false (pm_rule_equal (rule, copy));
  g_assert_false (pm_rule_equal (rule, other));
  g_assert_true (pm_rule_equal (NULL, NULL));
  g_assert_false (pm_rule_equal (rule, NULL));

  key = pm_rule_dup_display_key (rule, PM_POLICY_TYPE_VPCE);
  g_assert_cmpstr (key, ==, "vpce-00000000000");
  g_clear_pointer (&key, g_free);
  key = pm_rule_dup_display_key (rule, PM_POLICY_TYPE_EGRESS_FIREWALL);
  g_assert_cmpstr (key, ==, "10.0.0.0/8");
  g_clear_pointer (&key, g_free);
  pm_rule_set_azure_endpoint_name (other, "azure-demo");
  pm_rule_set_azure_endpoint_guid (other, "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c");
  key = pm_rule_dup_display_key (other, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT);
  g_assert_cmpstr (key, ==, "azure-demo (7c0f05e4-e32b-4b10-a246-7b77f7dcc63c)");
}

static PmRule *
rule_with_source (const char *source)
{
  PmRule *rule = pm_rule_new ();

  pm_rule_set_source (rule, source);
  return rule;
}

static void
test_policy_properties (void)
{
  g_autoptr(PmPolicy) policy = pm_policy_new (PM_FLAVOUR_SERVERLESS, PM_POLICY_TYPE_IP);
  g_autofree char *name = NULL;
  g_autofree char *type_string = NULL;
  PmFlavour flavour;
  PmPolicyType type;
  gboolean include;
  guint n_rules;
  int n_associations;
  GListModel *rules = NULL;
  Notes notes;

  notes_watch (&notes, policy);
  g_object_set (policy,
                "id", "0123456789abcdef0123456789abcdef",
                "name", "Office",
                "description", "Our office",
                "region", "aws-us-east-1",
                "include-by-default", TRUE,
                "etag", "\"7\"",
                NULL);
  g_object_get (policy,
                "name", &name,
                "flavour", &flavour,
                "policy-type", &type,
                "type-string", &type_string,
                "include-by-default", &include,
                "n-rules", &n_rules,
                "n-associations", &n_associations,
                "rules", &rules,
                NULL);
  g_assert_cmpstr (name, ==, "Office");
  g_assert_cmpint (flavour, ==, PM_FLAVOUR_SERVERLESS);
  g_assert_cmpint (type, ==, PM_POLICY_TYPE_IP);
  g_assert_cmpstr (type_string, ==, "ip");
  g_assert_true (include);
  g_assert_cmpuint (n_rules, ==, 0);
  g_assert_cmpint (n_associations, ==, -1);
  g_assert_true (rules == pm_policy_get_rules (policy));
  g_object_unref (rules);
  g_assert_cmpstr (pm_policy_get_etag (policy), ==, "\"7\"");

  pm_policy_set_name (policy, "Office");
  pm_policy_set_include_by_default (policy, TRUE);
  pm_policy_set_region (policy, "aws-us-east-1");
  g_assert_cmpuint (notes_count (&notes, "name"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "include-by-default"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "region"), ==, 1);

  /* The type carries the flavour's spelling along. */
  pm_policy_set_policy_type (policy, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT);
  g_assert_cmpstr (pm_policy_get_type_string (policy), ==, "private_endpoint");
  g_assert_cmpuint (notes_count (&notes, "policy-type"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "type-string"), ==, 1);
  pm_policy_set_policy_type (policy, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT);
  g_assert_cmpuint (notes_count (&notes, "policy-type"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "type-string"), ==, 1);
  pm_policy_set_type_string (policy, "vpce");
  g_assert_cmpint (pm_policy_get_policy_type (policy), ==, PM_POLICY_TYPE_VPCE);
  pm_policy_set_type_string (policy, "azure_private_endpoint");  /* the Hosted spelling */
  g_assert_cmpint (pm_policy_get_policy_type (policy), ==, PM_POLICY_TYPE_UNKNOWN);
  g_assert_cmpstr (pm_policy_get_type_string (policy), ==, "azure_private_endpoint");
  notes_clear (&notes);
}

static void
test_policy_rules (void)
{
  g_autoptr(PmPolicy) policy = pm_policy_new (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT);
  g_autoptr(PmRule) first = rule_with_source ("10.0.0.0/8");
  g_autoptr(PmRule) second = pm_rule_new ();
  g_autoptr(PmRule) third = rule_with_source ("Third");
  g_autoptr(PmRule) moved = NULL;
  Notes notes;

  notes_watch (&notes, policy);
  pm_policy_set_name (policy, "Office VPN");
  g_assert_true (pm_policy_contains_text (policy, "office vpn"));
  g_assert_true (pm_policy_contains_text (policy, "ice v"));
  g_assert_true (pm_policy_contains_text (policy, ""));
  g_assert_false (pm_policy_contains_text (policy, "7c0f05e4"));

  pm_rule_set_azure_endpoint_name (second, "Azure-Demo");
  pm_rule_set_azure_endpoint_guid (second, "7C0F05E4-e32b-4b10-a246-7b77f7dcc63c");
  pm_policy_add_rule (policy, first);
  pm_policy_add_rule (policy, second);
  g_assert_cmpuint (pm_policy_get_n_rules (policy), ==, 2);
  g_assert_cmpuint (notes_count (&notes, "n-rules"), ==, 2);
  g_assert_true (pm_policy_contains_text (policy, "7c0f05e4-e32b"));
  g_assert_true (pm_policy_contains_text (policy, "azure-demo"));
  g_assert_true (pm_policy_contains_text (policy, "10.0.0.0/8"));

  /* Editing a rule in place is searched at once. */
  pm_rule_set_source (first, "172.16.0.0/12");
  g_assert_true (pm_policy_contains_text (policy, "172.16.0.0/12"));
  g_assert_false (pm_policy_contains_text (policy, "10.0.0.0/8"));

  /* Changes through the store itself count too. */
  g_list_store_append (G_LIST_STORE (pm_policy_get_rules (policy)), third);
  g_assert_cmpuint (pm_policy_get_n_rules (policy), ==, 3);
  g_assert_cmpuint (notes_count (&notes, "n-rules"), ==, 3);
  g_assert_true (pm_policy_contains_text (policy, "third"));

  pm_policy_move_rule (policy, 2, 0);
  moved = g_list_model_get_item (pm_policy_get_rules (policy), 0);
  g_assert_true (moved == third);
  g_assert_cmpuint (notes_count (&notes, "n-rules"), ==, 3);
  pm_rule_set_source (third, "Moved");
  g_assert_true (pm_policy_contains_text (policy, "moved"));

  pm_policy_move_rule (policy, 0, 2);
  {
    g_autoptr(PmRule) r0 = g_list_model_get_item (pm_policy_get_rules (policy), 0);
    g_autoptr(PmRule) r2 = g_list_model_get_item (pm_policy_get_rules (policy), 2);

    g_assert_true (r0 == first);
    g_assert_true (r2 == third);
  }
  pm_policy_move_rule (policy, 2, 0);

  pm_policy_remove_rule (policy, 0);
  g_assert_cmpuint (pm_policy_get_n_rules (policy), ==, 2);
  g_assert_false (pm_policy_contains_text (policy, "moved"));
  notes_clear (&notes);

  /* A rule that outlives its policy can still change. */
  g_clear_object (&policy);
  pm_rule_set_source (first, "192.168.0.0/16");
}

static void
test_policy_associations (void)
{
  g_autoptr(PmPolicy) policy = pm_policy_new (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP);
  g_autoptr(GPtrArray) associations = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(PmAssociation) a = pm_association_new ("deployment", "d1");
  g_autoptr(PmAssociation) b = pm_association_new ("deployment", "d1");
  g_autoptr(PmAssociation) c = pm_association_new ("cluster", "d1");
  Notes notes;

  g_assert_true (pm_association_equal (a, b));
  g_assert_false (pm_association_equal (a, c));
  g_assert_cmpstr (pm_association_get_entity_type (c), ==, "cluster");

  notes_watch (&notes, policy);
  g_assert_false (pm_policy_has_associations_info (policy));
  g_ptr_array_add (associations, g_object_ref (a));
  g_ptr_array_add (associations, g_object_ref (c));
  pm_policy_set_associations (policy, associations, -1);
  g_assert_true (pm_policy_has_associations_info (policy));
  g_assert_cmpint (pm_policy_get_n_associations (policy), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (pm_policy_get_associations (policy)), ==, 2);
  /* total_associations counts what the user cannot see too. */
  pm_policy_set_associations (policy, associations, 5);
  g_assert_cmpint (pm_policy_get_n_associations (policy), ==, 5);
  pm_policy_set_associations (policy, associations, 5);
  g_assert_cmpuint (notes_count (&notes, "n-associations"), ==, 2);
  pm_policy_set_associations (policy, NULL, -1);
  g_assert_false (pm_policy_has_associations_info (policy));
  g_assert_cmpint (pm_policy_get_n_associations (policy), ==, -1);
  g_assert_cmpuint (g_list_model_get_n_items (pm_policy_get_associations (policy)), ==, 0);
  notes_clear (&notes);
}

static void
test_policy_copy_equal (void)
{
  g_autoptr(PmPolicy) policy = pm_policy_new (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_IP);
  g_autoptr(PmRule) rule = rule_with_source ("10.0.0.0/8");
  g_autoptr(PmPolicy) copy = NULL;
  g_autoptr(PmRule) copied_rule = NULL;
  g_autoptr(GPtrArray) associations = g_ptr_array_new_with_free_func (g_object_unref);

  pm_policy_set_id (policy, "p1");
  pm_policy_set_name (policy, "Office");
  pm_policy_set_region (policy, "us-east-1");
  pm_policy_add_rule (policy, rule);
  json_object_set_string_member (pm_policy_get_extra (policy), "future", "kept");
  g_ptr_array_add (associations, pm_association_new ("deployment", "d1"));
  pm_policy_set_associations (policy, associations, 1);

  copy = pm_policy_copy (policy);
  g_assert_true (pm_policy_equal (policy, copy));
  g_assert_cmpuint (pm_policy_get_n_rules (copy), ==, 1);
  g_assert_cmpint (pm_policy_get_n_associations (copy), ==, 1);

  /* Deep: editing the copy's rule leaves the original's. */
  copied_rule = g_list_model_get_item (pm_policy_get_rules (copy), 0);
  g_assert_true (copied_rule != rule);
  pm_rule_set_source (copied_rule, "11.0.0.0/8");
  g_assert_cmpstr (pm_rule_get_source (rule), ==, "10.0.0.0/8");
  g_assert_false (pm_policy_equal (policy, copy));
  pm_rule_set_source (copied_rule, "10.0.0.0/8");
  g_assert_true (pm_policy_equal (policy, copy));

  /* The etag is not content. */
  pm_policy_set_etag (copy, "\"2\"");
  g_assert_true (pm_policy_equal (policy, copy));

  json_object_set_string_member (pm_policy_get_extra (copy), "future", "changed");
  g_assert_false (pm_policy_equal (policy, copy));
  json_object_set_string_member (pm_policy_get_extra (copy), "future", "kept");
  pm_policy_set_include_by_default (copy, TRUE);
  g_assert_false (pm_policy_equal (policy, copy));
  g_assert_true (pm_policy_equal (NULL, NULL));
  g_assert_false (pm_policy_equal (policy, NULL));
}

/* A pack keeps each rule's strings, ports and unknown fields, whichever it
 * has: rules with none, some or all of them, in any order. */
static void
test_policy_packed_fields (void)
{
  g_autoptr(PmPolicy) policy = pm_policy_new (PM_FLAVOUR_HOSTED, PM_POLICY_TYPE_EGRESS_FIREWALL);
  g_autoptr(PmPolicy) copy = NULL;
  g_autoptr(PmPolicy) again = NULL;
  const guint ports[] = { 22, 443, 8443 };

  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(PmRule) rule = pm_rule_new ();
      g_autofree char *text = g_strdup_printf ("rule %u \u00e9", i);

      if (i % 2 == 0)
        pm_rule_set_id (rule, text);
      if (i % 3 == 0)
        pm_rule_set_description (rule, text);
      if (i % 5 != 4)
        pm_rule_set_source (rule, text);
      if (i % 7 == 1)
        pm_rule_set_azure_endpoint_name (rule, text);
      if (i % 7 == 2)
        pm_rule_set_azure_endpoint_guid (rule, text);
      if (i % 4 == 3)
        {
          pm_rule_set_egress_target (rule, text);
          pm_rule_set_ports (rule, ports + i % 3, 3 - i % 3);
        }
      if (i % 6 == 5)
        json_object_set_int_member (pm_rule_get_extra (rule), "x", i);
      if (i % 9 == 8)
        json_object_set_int_member (pm_rule_get_egress_extra (rule), "y", i);
      pm_policy_add_rule (policy, rule);
    }

  /* Copied from rule objects, it is packed: equal field by field, and so
   * is a copy of the copy (sharing the pack), made into rules again. */
  copy = pm_policy_copy (policy);
  g_assert_true (pm_policy_equal (policy, copy));
  again = pm_policy_copy (copy);
  g_assert_cmpuint (g_list_model_get_n_items (pm_policy_get_rules (again)), ==, 40);
  g_assert_true (pm_policy_equal (policy, again));
  g_assert_true (pm_policy_equal (copy, again));
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(PmRule) a = g_list_model_get_item (pm_policy_get_rules (policy), i);
      g_autoptr(PmRule) b = g_list_model_get_item (pm_policy_get_rules (again), i);

      g_assert_true (pm_rule_equal (a, b));
    }
  g_assert_true (pm_policy_contains_text (copy, "rule 39 \u00e9"));
  g_assert_false (pm_policy_contains_text (copy, "rule 40"));
}

static void
test_entity (void)
{
  g_autoptr(PmEntity) entity = pm_entity_new (PM_ENTITY_KIND_PROJECT, "security", "p1", "SIEM", "aws-us-east-1");
  g_autoptr(PmEntity) copy = NULL;
  const char * const ids[] = { "tf1", "tf2", NULL };
  g_autofree char *region = NULL;
  PmEntityKind kind;
  guint n_policies;
  Notes notes;

  notes_watch (&notes, entity);
  g_object_get (entity, "region", &region, "kind", &kind, "n-policies", &n_policies, NULL);
  g_assert_cmpstr (region, ==, "aws-us-east-1");
  g_assert_cmpint (kind, ==, PM_ENTITY_KIND_PROJECT);
  g_assert_cmpuint (n_policies, ==, 0);
  g_assert_cmpstr (pm_entity_get_id (entity), ==, "p1");
  g_assert_cmpstr (pm_entity_get_name (entity), ==, "SIEM");
  g_assert_cmpstr (pm_entity_get_entity_type (entity), ==, "security");
  g_assert_nonnull (pm_entity_get_policy_ids (entity));

  pm_entity_set_alias (entity, "siem-d53192");
  pm_entity_set_alias (entity, "siem-d53192");
  pm_entity_set_etag (entity, "\"3\"");
  pm_entity_set_policy_ids (entity, ids);
  pm_entity_set_policy_ids (entity, ids);
  g_assert_cmpuint (notes_count (&notes, "alias"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "etag"), ==, 1);
  g_assert_cmpuint (notes_count (&notes, "n-policies"), ==, 1);
  g_assert_true (g_strv_equal (pm_entity_get_policy_ids (entity), ids));

  copy = pm_entity_copy (entity);
  g_assert_true (pm_entity_equal (entity, copy));
  pm_entity_set_policy_ids (copy, NULL);
  g_assert_cmpuint (g_strv_length ((char **) pm_entity_get_policy_ids (copy)), ==, 0);
  g_assert_false (pm_entity_equal (entity, copy));
  notes_clear (&notes);
}

static void
test_link_claims (void)
{
  g_autoptr(PmLinkClaim) aws = pm_link_claim_new_link_id ("eu-west-1", "vpce-00000000000");
  g_autoptr(PmLinkClaim) gcp = pm_link_claim_new_link_id ("gcp-us-central1", "18446744072646845332");
  g_autoptr(PmLinkClaim) gcp_plain = pm_link_claim_new_link_id ("us-central1", "18446744072646845332");
  g_autoptr(PmLinkClaim) azure = pm_link_claim_new_azure ("azure-eastus2", "azure-demo", "7c0f05e4-e32b-4b10-a246-7b77f7dcc63c");
  g_autoptr(PmLinkClaim) aws_again = pm_link_claim_new_link_id ("eu-west-1", "vpce-00000000000");
  g_autofree char *display = pm_link_claim_dup_display_id (aws);
  PmProvider provider;

  g_assert_cmpint (pm_link_claim_get_provider (aws), ==, PM_PROVIDER_AWS);
  g_assert_cmpint (pm_link_claim_get_provider (gcp), ==, PM_PROVIDER_GCP);
  g_assert_cmpint (pm_link_claim_get_provider (gcp_plain), ==, PM_PROVIDER_GCP);
  g_assert_cmpint (pm_link_claim_get_provider (azure), ==, PM_PROVIDER_AZURE);
  g_object_get (azure, "provider", &provider, NULL);
  g_assert_cmpint (provider, ==, PM_PROVIDER_AZURE);
  g_assert_cmpstr (display, ==, "vpce-00000000000");
  g_assert_cmpstr (pm_link_claim_get_azure_endpoint_name (azure), ==, "azure-demo");
  g_assert_null (pm_link_claim_get_link_id (azure));
  g_assert_cmpstr (pm_link_claim_get_region (gcp), ==, "gcp-us-central1");
  g_assert_true (pm_link_claim_equal (aws, aws_again));
  g_assert_false (pm_link_claim_equal (aws, gcp));
}


/* pm_background_run: the work runs in another thread, below the main
 * thread's priority; the callback runs in the main context; the task's
 * last reference (its source object) goes there too, even when the
 * callback has dropped every other one before the worker let go. */
typedef struct {
  GThread *main_thread;
  guint    done;
  gint     finalized_in_main;
  gint     finalized_elsewhere;  /* a worker's count: atomic */
} Background;

static Background background;

typedef struct {
  GThread *thread;
  int      nice_value;
} Ran;

static void
background_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Ran *ran = g_new0 (Ran, 1);

  ran->thread = g_thread_self ();
#ifdef __linux__
  ran->nice_value = getpriority (PRIO_PROCESS, gettid ());
#endif
  g_task_return_pointer (task, ran, g_free);
  /* Let the callback run (and drop its references) before this thread
   * drops its own. */
  g_usleep (20000);
}

static void
background_finalized (gpointer  data,
                      GObject  *where_the_object_was)
{
  if (g_thread_self () == background.main_thread)
    background.finalized_in_main++;
  else
    {
      g_atomic_int_inc (&background.finalized_elsewhere);
      g_main_context_wakeup (NULL);
    }
}

static void
background_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree Ran *ran = g_task_propagate_pointer (G_TASK (result), &error);

  g_assert_no_error (error);
  g_assert_true (g_thread_self () == background.main_thread);
  g_assert_true (ran->thread != background.main_thread);
#ifdef __linux__
  g_assert_cmpint (ran->nice_value, ==, MIN (getpriority (PRIO_PROCESS, gettid ()) + 10, 19));
#endif
  background.done++;
}

static void
test_background_run (void)
{
  const guint n = 6;

  background = (Background) { .main_thread = g_thread_self () };
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) source = g_object_new (G_TYPE_OBJECT, NULL);
      g_autoptr(GTask) task = g_task_new (source, NULL, background_done, NULL);

      g_object_weak_ref (source, background_finalized, NULL);
      pm_background_run (task, background_worker);
    }
  while (background.finalized_in_main + g_atomic_int_get (&background.finalized_elsewhere) < (gint) n)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (background.done, ==, n);
  g_assert_cmpint (g_atomic_int_get (&background.finalized_elsewhere), ==, 0);
  g_assert_cmpint (background.finalized_in_main, ==, n);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/enums", test_enums);
  g_test_add_func ("/model/rule-properties", test_rule_properties);
  g_test_add_func ("/model/rule-ports-text", test_rule_ports_text);
  g_test_add_func ("/model/rule-copy-equal", test_rule_copy_equal);
  g_test_add_func ("/model/policy-properties", test_policy_properties);
  g_test_add_func ("/model/policy-rules", test_policy_rules);
  g_test_add_func ("/model/policy-associations", test_policy_associations);
  g_test_add_func ("/model/policy-copy-equal", test_policy_copy_equal);
  g_test_add_func ("/model/policy-packed-fields", test_policy_packed_fields);
  g_test_add_func ("/model/entity", test_entity);
  g_test_add_func ("/model/link-claims", test_link_claims);
  g_test_add_func ("/background/run", test_background_run);

  return g_test_run ();
}
