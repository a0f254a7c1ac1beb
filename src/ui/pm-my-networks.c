/* pm-my-networks.c: the addresses the user reaches Elastic Cloud from
 * (Preferences → My networks), and whether a resource's policies let them in
 *
 * No API says what the user's public address is, and asking a web service
 * would tell a third party without consent: the user lists them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-my-networks.h"
#include "pm-policy-actions.h"
#include "pm-rule.h"
#include "pm-validate.h"

char *
pm_my_networks_parse (const char  *text,
                      gboolean    *adjusted,
                      GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *suggestion = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *prefix = NULL;
  g_autoptr(GInetAddressMask) mask = NULL;
  const char *message;

  if (adjusted != NULL)
    *adjusted = FALSE;
  if (!pm_validate_ip_source (stripped, &suggestion, &local))
    {
      if (!g_error_matches (local, PM_VALIDATION_ERROR, PM_VALIDATION_ERROR_HOST_BITS) || suggestion == NULL)
        {
          /* The validator names the field of a rule ("Source: …"); here
           * the field is the whole row. */
          prefix = g_strdup_printf ("%s: ", _("Source"));
          message = local->message;
          if (g_str_has_prefix (message, prefix))
            message += strlen (prefix);
          g_set_error_literal (error, local->domain, local->code, message);
          return NULL;
        }
      /* "203.0.113.7/24" is the user's address in their network: keep the network. */
      g_free (stripped);
      stripped = g_steal_pointer (&suggestion);
      if (adjusted != NULL)
        *adjusted = TRUE;
    }

  mask = g_inet_address_mask_new_from_string (stripped, NULL);
  if (mask == NULL)
    return g_steal_pointer (&stripped);
  /* A lone address stays one; a block is written the way GLib prints it. */
  if (strchr (stripped, '/') == NULL)
    return g_inet_address_to_string (g_inet_address_mask_get_address (mask));
  return g_inet_address_mask_to_string (mask);
}

GStrv
pm_my_networks_dup (void)
{
  g_autoptr(GSettings) settings = pm_app_settings_with_key (PM_MY_NETWORKS_KEY);

  if (settings == NULL)
    return g_new0 (char *, 1);
  return g_settings_get_strv (settings, PM_MY_NETWORKS_KEY);
}

gboolean
pm_network_contains (const char *outer,
                     const char *inner)
{
  g_autoptr(GInetAddressMask) outer_mask = pm_network_parse (outer);
  g_autoptr(GInetAddressMask) inner_mask = pm_network_parse (inner);

  if (outer_mask == NULL || inner_mask == NULL
      || g_inet_address_mask_get_family (outer_mask) != g_inet_address_mask_get_family (inner_mask)
      || g_inet_address_mask_get_length (outer_mask) > g_inet_address_mask_get_length (inner_mask))
    return FALSE;
  return g_inet_address_mask_matches (outer_mask, g_inet_address_mask_get_address (inner_mask));
}

gboolean
pm_my_networks_allowed (GPtrArray  *policies,
                        const char *network)
{
  gboolean filtered = FALSE;

  g_return_val_if_fail (policies != NULL, TRUE);

  for (guint i = 0; i < policies->len; i++)
    {
      PmPolicy *policy = g_ptr_array_index (policies, i);
      GListModel *rules;

      if (!pm_policy_filters_ingress (policy))
        continue;
      filtered = TRUE;
      if (pm_policy_get_policy_type (policy) != PM_POLICY_TYPE_IP)
        continue;
      rules = pm_policy_get_rules (policy);
      for (guint r = 0; r < g_list_model_get_n_items (rules); r++)
        {
          g_autoptr(PmRule) rule = g_list_model_get_item (rules, r);

          if (pm_network_contains (pm_rule_get_source (rule), network))
            return TRUE;
        }
    }
  return !filtered;
}

GPtrArray *
pm_my_networks_lost (const char * const *networks,
                     GPtrArray          *before,
                     GPtrArray          *after)
{
  GPtrArray *lost = g_ptr_array_new ();

  g_return_val_if_fail (before != NULL && after != NULL, lost);

  for (guint i = 0; networks != NULL && networks[i] != NULL; i++)
    if (pm_my_networks_allowed (before, networks[i]) && !pm_my_networks_allowed (after, networks[i]))
      g_ptr_array_add (lost, (gpointer) networks[i]);
  return lost;
}

char *
pm_my_networks_describe_loss (PmEntity  *entity,
                              GPtrArray *lost)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  g_return_val_if_fail (PM_IS_ENTITY (entity), NULL);
  g_return_val_if_fail (lost != NULL && lost->len > 0, NULL);

  for (guint i = 0; i < lost->len; i++)
    {
      if (i > 0)
        g_string_append (joined, ", ");
      g_string_append (joined, g_ptr_array_index (lost, i));
    }
  /* Translators: the second %s is one or more addresses, such as
   * "203.0.113.7, 2001:db8::/48"; "My networks" is in Preferences. */
  return g_strdup_printf (_("You will no longer reach %s from %s (My networks)."),
                          pm_entity_get_name (entity), joined->str);
}

static gboolean
holds (GPtrArray *policies,
       PmPolicy  *policy,
       guint     *index)
{
  for (guint i = 0; i < policies->len; i++)
    {
      PmPolicy *held = g_ptr_array_index (policies, i);

      if (held == policy || g_strcmp0 (pm_policy_get_id (held), pm_policy_get_id (policy)) == 0)
        {
          if (index != NULL)
            *index = i;
          return TRUE;
        }
    }
  return FALSE;
}

char *
pm_my_networks_describe_change (PmSession          *session,
                                GPtrArray          *entities,
                                GPtrArray          *policies,
                                gboolean            apply,
                                const char * const *networks)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (PM_IS_SESSION (session), NULL);
  g_return_val_if_fail (entities != NULL && policies != NULL && entities->len == policies->len, NULL);

  if (networks == NULL || networks[0] == NULL)
    return NULL;

  for (guint i = 0; i < entities->len; i++)
    {
      PmEntity *entity = g_ptr_array_index (entities, i);
      const char *id = pm_entity_get_id (entity);
      g_autoptr(GPtrArray) before = NULL;
      g_autoptr(GPtrArray) after = NULL;
      g_autoptr(GPtrArray) lost = NULL;

      if (g_hash_table_contains (seen, id))
        continue;
      g_hash_table_add (seen, (gpointer) id);

      before = pm_entity_dup_policies (session, entity);
      after = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint j = 0; j < before->len; j++)
        g_ptr_array_add (after, g_object_ref (g_ptr_array_index (before, j)));
      for (guint j = i; j < entities->len; j++)
        {
          PmPolicy *policy = g_ptr_array_index (policies, j);
          guint index;

          if (g_strcmp0 (pm_entity_get_id (g_ptr_array_index (entities, j)), id) != 0)
            continue;
          if (apply && !holds (after, policy, NULL))
            g_ptr_array_add (after, g_object_ref (policy));
          else if (!apply)
            {
              /* The stores may not know of the association yet. */
              if (!holds (before, policy, NULL))
                g_ptr_array_add (before, g_object_ref (policy));
              if (holds (after, policy, &index))
                g_ptr_array_remove_index (after, index);
            }
        }

      lost = pm_my_networks_lost (networks, before, after);
      if (lost->len > 0)
        {
          g_autofree char *line = pm_my_networks_describe_loss (entity, lost);

          if (text->len > 0)
            g_string_append_c (text, '\n');
          g_string_append (text, line);
        }
    }
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}
