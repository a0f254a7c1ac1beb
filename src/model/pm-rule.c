/* pm-rule.c: one rule of a policy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pm-enum-types.h"
#include "pm-model-private.h"
#include "pm-rule.h"
#include "pm-validate.h"

struct _PmRule
{
  GObject parent_instance;

  char *id;
  char *description;
  char *source;
  char *azure_endpoint_name;
  char *azure_endpoint_guid;

  gboolean has_egress;
  char *egress_target;
  PmEgressProtocol egress_protocol;
  GArray *ports;

  JsonObject *extra;
  JsonObject *egress_extra;
  JsonObject *raw;      /* as the server sent it, while kept (see "kept") */
};

G_DEFINE_FINAL_TYPE (PmRule, pm_rule, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DESCRIPTION,
  PROP_SOURCE,
  PROP_AZURE_ENDPOINT_NAME,
  PROP_AZURE_ENDPOINT_GUID,
  PROP_EGRESS_TARGET,
  PROP_EGRESS_PROTOCOL,
  PROP_EGRESS_PORTS,
  PROP_KEPT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pm_rule_finalize (GObject *object)
{
  PmRule *self = PM_RULE (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->source, g_free);
  g_clear_pointer (&self->azure_endpoint_name, g_free);
  g_clear_pointer (&self->azure_endpoint_guid, g_free);
  g_clear_pointer (&self->egress_target, g_free);
  g_clear_pointer (&self->ports, g_array_unref);
  g_clear_pointer (&self->extra, json_object_unref);
  g_clear_pointer (&self->egress_extra, json_object_unref);
  g_clear_pointer (&self->raw, json_object_unref);

  G_OBJECT_CLASS (pm_rule_parent_class)->finalize (object);
}

static void
pm_rule_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  PmRule *self = PM_RULE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_AZURE_ENDPOINT_NAME:
      g_value_set_string (value, self->azure_endpoint_name);
      break;
    case PROP_AZURE_ENDPOINT_GUID:
      g_value_set_string (value, self->azure_endpoint_guid);
      break;
    case PROP_EGRESS_TARGET:
      g_value_set_string (value, self->egress_target);
      break;
    case PROP_EGRESS_PROTOCOL:
      g_value_set_enum (value, self->egress_protocol);
      break;
    case PROP_EGRESS_PORTS:
      g_value_take_string (value, pm_rule_dup_ports_text (self));
      break;
    case PROP_KEPT:
      g_value_set_boolean (value, self->raw != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_ports_text (PmRule     *self,
                const char *text)
{
  g_autoptr(GArray) ports = NULL;
  g_autoptr(GError) error = NULL;

  /* Text that does not parse leaves the ports as they were; editors
   * validate with pm_parse_ports() and show the error themselves. */
  if (!pm_parse_ports (text, &ports, &error))
    {
      g_debug ("Ignoring egress ports “%s”: %s", text, error->message);
      return;
    }
  pm_rule_set_ports (self, (const guint *) (gpointer) ports->data, ports->len);
}

static void
pm_rule_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  PmRule *self = PM_RULE (object);

  switch (prop_id)
    {
    case PROP_ID:
      pm_rule_set_id (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      pm_rule_set_description (self, g_value_get_string (value));
      break;
    case PROP_SOURCE:
      pm_rule_set_source (self, g_value_get_string (value));
      break;
    case PROP_AZURE_ENDPOINT_NAME:
      pm_rule_set_azure_endpoint_name (self, g_value_get_string (value));
      break;
    case PROP_AZURE_ENDPOINT_GUID:
      pm_rule_set_azure_endpoint_guid (self, g_value_get_string (value));
      break;
    case PROP_EGRESS_TARGET:
      pm_rule_set_egress_target (self, g_value_get_string (value));
      break;
    case PROP_EGRESS_PROTOCOL:
      pm_rule_set_egress_protocol (self, g_value_get_enum (value));
      break;
    case PROP_EGRESS_PORTS:
      set_ports_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_rule_class_init (PmRuleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = pm_rule_finalize;
  object_class->get_property = pm_rule_get_property;
  object_class->set_property = pm_rule_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  properties[PROP_SOURCE] = g_param_spec_string ("source", NULL, NULL, NULL, flags);
  properties[PROP_AZURE_ENDPOINT_NAME] = g_param_spec_string ("azure-endpoint-name", NULL, NULL, NULL, flags);
  properties[PROP_AZURE_ENDPOINT_GUID] = g_param_spec_string ("azure-endpoint-guid", NULL, NULL, NULL, flags);
  properties[PROP_EGRESS_TARGET] = g_param_spec_string ("egress-target", NULL, NULL, NULL, flags);
  properties[PROP_EGRESS_PROTOCOL] =
    g_param_spec_enum ("egress-protocol", NULL, NULL,
                       PM_TYPE_EGRESS_PROTOCOL, PM_EGRESS_PROTOCOL_ALL, flags);
  properties[PROP_EGRESS_PORTS] = g_param_spec_string ("egress-ports", NULL, NULL, NULL, flags);
  properties[PROP_KEPT] = g_param_spec_boolean ("kept", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_rule_init (PmRule *self)
{
  self->egress_protocol = PM_EGRESS_PROTOCOL_ALL;
  self->ports = g_array_new (FALSE, FALSE, sizeof (guint));
  /* extra and egress_extra stay NULL until something is kept in them: a
   * JsonObject holds a hash table, and most rules have no unknown fields. */
}

PmRule *
pm_rule_new (void)
{
  return g_object_new (PM_TYPE_RULE, NULL);
}

static gboolean
extra_is_empty (JsonObject *extra)
{
  return extra == NULL || json_object_get_size (extra) == 0;
}

PmRule *
pm_rule_copy (PmRule *self)
{
  PmRule *copy;

  g_return_val_if_fail (PM_IS_RULE (self), NULL);

  copy = pm_rule_new ();
  copy->id = g_strdup (self->id);
  copy->description = g_strdup (self->description);
  copy->source = g_strdup (self->source);
  copy->azure_endpoint_name = g_strdup (self->azure_endpoint_name);
  copy->azure_endpoint_guid = g_strdup (self->azure_endpoint_guid);
  copy->has_egress = self->has_egress;
  copy->egress_target = g_strdup (self->egress_target);
  copy->egress_protocol = self->egress_protocol;
  g_array_append_vals (copy->ports, self->ports->data, self->ports->len);
  if (!extra_is_empty (self->extra))
    copy->extra = pm_json_object_deep_copy (self->extra);
  if (!extra_is_empty (self->egress_extra))
    copy->egress_extra = pm_json_object_deep_copy (self->egress_extra);
  if (self->raw != NULL)
    copy->raw = pm_json_object_deep_copy (self->raw);

  return copy;
}

gboolean
pm_rule_equal (PmRule *a,
               PmRule *b)
{
  PmRuleFields fa, fb;

  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  pm_rule_get_fields (a, &fa);
  pm_rule_get_fields (b, &fb);
  return pm_rule_fields_equal (&fa, &fb);
}

void
pm_rule_get_fields (PmRule       *self,
                    PmRuleFields *out)
{
  g_return_if_fail (PM_IS_RULE (self));

  out->id = self->id;
  out->description = self->description;
  out->source = self->source;
  out->azure_endpoint_name = self->azure_endpoint_name;
  out->azure_endpoint_guid = self->azure_endpoint_guid;
  out->egress_target = self->egress_target;
  out->has_egress = pm_rule_has_egress (self);
  out->egress_protocol = self->egress_protocol;
  out->ports = (const guint *) (gpointer) self->ports->data;
  out->n_ports = self->ports->len;
  out->extra = extra_is_empty (self->extra) ? NULL : self->extra;
  out->egress_extra = extra_is_empty (self->egress_extra) ? NULL : self->egress_extra;
  out->raw = self->raw;
}

PmRule *
pm_rule_new_from_fields (const PmRuleFields *fields)
{
  PmRule *rule = pm_rule_new ();

  rule->id = g_strdup (fields->id);
  rule->description = g_strdup (fields->description);
  rule->source = g_strdup (fields->source);
  rule->azure_endpoint_name = g_strdup (fields->azure_endpoint_name);
  rule->azure_endpoint_guid = g_strdup (fields->azure_endpoint_guid);
  rule->has_egress = !!fields->has_egress;
  rule->egress_target = g_strdup (fields->egress_target);
  rule->egress_protocol = fields->egress_protocol;
  if (fields->n_ports > 0)
    g_array_append_vals (rule->ports, fields->ports, fields->n_ports);
  if (!extra_is_empty (fields->extra))
    rule->extra = pm_json_object_deep_copy (fields->extra);
  if (!extra_is_empty (fields->egress_extra))
    rule->egress_extra = pm_json_object_deep_copy (fields->egress_extra);
  if (fields->raw != NULL)
    rule->raw = pm_json_object_deep_copy (fields->raw);
  return rule;
}

/* A field changed: notify it, and the rule is no longer the one the server
 * sent, so it is written from its fields (and validated) from now on. */
static void
changed (PmRule *self,
         guint   prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  if (self->raw != NULL)
    {
      g_clear_pointer (&self->raw, json_object_unref);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEPT]);
    }
}

#define DEFINE_STRING_ACCESSORS(field, prop)                     \
const char *                                                     \
pm_rule_get_##field (PmRule *self)                               \
{                                                                \
  g_return_val_if_fail (PM_IS_RULE (self), NULL);                \
  return self->field;                                            \
}                                                                \
                                                                 \
void                                                             \
pm_rule_set_##field (PmRule     *self,                           \
                     const char *value)                          \
{                                                                \
  g_return_if_fail (PM_IS_RULE (self));                          \
  if (pm_set_string (&self->field, value))                       \
    changed (self, prop);                                        \
}

DEFINE_STRING_ACCESSORS (id, PROP_ID)
DEFINE_STRING_ACCESSORS (description, PROP_DESCRIPTION)
DEFINE_STRING_ACCESSORS (source, PROP_SOURCE)
DEFINE_STRING_ACCESSORS (azure_endpoint_name, PROP_AZURE_ENDPOINT_NAME)
DEFINE_STRING_ACCESSORS (azure_endpoint_guid, PROP_AZURE_ENDPOINT_GUID)

#undef DEFINE_STRING_ACCESSORS

gboolean
pm_rule_has_egress (PmRule *self)
{
  g_return_val_if_fail (PM_IS_RULE (self), FALSE);

  return self->has_egress ||
         (self->egress_target != NULL && self->egress_target[0] != '\0') ||
         self->ports->len > 0 ||
         !extra_is_empty (self->egress_extra);
}

void
pm_rule_set_has_egress (PmRule   *self,
                        gboolean  has_egress)
{
  g_return_if_fail (PM_IS_RULE (self));

  self->has_egress = !!has_egress;
}

const char *
pm_rule_get_egress_target (PmRule *self)
{
  g_return_val_if_fail (PM_IS_RULE (self), NULL);

  return self->egress_target;
}

void
pm_rule_set_egress_target (PmRule     *self,
                           const char *target)
{
  g_return_if_fail (PM_IS_RULE (self));

  if (pm_set_string (&self->egress_target, target))
    changed (self, PROP_EGRESS_TARGET);
}

PmEgressProtocol
pm_rule_get_egress_protocol (PmRule *self)
{
  g_return_val_if_fail (PM_IS_RULE (self), PM_EGRESS_PROTOCOL_ALL);

  return self->egress_protocol;
}

void
pm_rule_set_egress_protocol (PmRule           *self,
                             PmEgressProtocol  protocol)
{
  g_return_if_fail (PM_IS_RULE (self));
  g_return_if_fail (protocol <= PM_EGRESS_PROTOCOL_UDP);

  if (self->egress_protocol == protocol)
    return;
  self->egress_protocol = protocol;
  changed (self, PROP_EGRESS_PROTOCOL);
}

const GArray *
pm_rule_get_ports (PmRule *self)
{
  g_return_val_if_fail (PM_IS_RULE (self), NULL);

  return self->ports;
}

void
pm_rule_set_ports (PmRule      *self,
                   const guint *ports,
                   gsize        n_ports)
{
  g_return_if_fail (PM_IS_RULE (self));
  g_return_if_fail (ports != NULL || n_ports == 0);

  if (self->ports->len == n_ports &&
      (n_ports == 0 || memcmp (self->ports->data, ports, n_ports * sizeof (guint)) == 0))
    return;
  g_array_set_size (self->ports, 0);
  if (n_ports > 0)
    g_array_append_vals (self->ports, ports, n_ports);
  changed (self, PROP_EGRESS_PORTS);
}

char *
pm_rule_dup_ports_text (PmRule *self)
{
  GString *text;
  const guint *p;
  guint n;

  g_return_val_if_fail (PM_IS_RULE (self), NULL);

  text = g_string_new (NULL);
  p = (const guint *) (gpointer) self->ports->data;
  n = self->ports->len;
  for (guint i = 0; i < n;)
    {
      guint j = i;

      /* Runs of three or more consecutive ports read better as a range. */
      while (j + 1 < n && p[j + 1] == p[j] + 1)
        j++;
      if (text->len > 0)
        g_string_append (text, ", ");
      if (j - i >= 2)
        {
          g_string_append_printf (text, "%u-%u", p[i], p[j]);
          i = j + 1;
        }
      else
        {
          g_string_append_printf (text, "%u", p[i]);
          i++;
        }
    }
  return g_string_free (text, FALSE);
}

char *
pm_rule_dup_display_key (PmRule       *self,
                         PmPolicyType  type)
{
  g_return_val_if_fail (PM_IS_RULE (self), NULL);

  switch (type)
    {
    case PM_POLICY_TYPE_EGRESS_FIREWALL:
      return g_strdup (self->egress_target ? self->egress_target : "");
    case PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT:
      return g_strdup_printf ("%s (%s)",
                              self->azure_endpoint_name ? self->azure_endpoint_name : "",
                              self->azure_endpoint_guid ? self->azure_endpoint_guid : "");
    case PM_POLICY_TYPE_IP:
    case PM_POLICY_TYPE_VPCE:
    case PM_POLICY_TYPE_GCP_PSC:
      return g_strdup (self->source ? self->source : "");
    case PM_POLICY_TYPE_UNKNOWN:
    default:
      if (self->source != NULL)
        return g_strdup (self->source);
      if (self->azure_endpoint_name != NULL || self->azure_endpoint_guid != NULL)
        return pm_rule_dup_display_key (self, PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT);
      return g_strdup (self->egress_target ? self->egress_target : "");
    }
}

JsonObject *
pm_rule_get_extra (PmRule *self)
{
  g_return_val_if_fail (PM_IS_RULE (self), NULL);

  if (self->extra == NULL)
    self->extra = json_object_new ();
  return self->extra;
}

JsonObject *
pm_rule_get_egress_extra (PmRule *self)
{
  g_return_val_if_fail (PM_IS_RULE (self), NULL);

  if (self->egress_extra == NULL)
    self->egress_extra = json_object_new ();
  return self->egress_extra;
}

JsonObject *
pm_rule_peek_extra (PmRule *self)
{
  g_return_val_if_fail (PM_IS_RULE (self), NULL);

  return self->extra;
}

JsonObject *
pm_rule_peek_egress_extra (PmRule *self)
{
  g_return_val_if_fail (PM_IS_RULE (self), NULL);

  return self->egress_extra;
}

gboolean
pm_rule_get_kept (PmRule *self)
{
  g_return_val_if_fail (PM_IS_RULE (self), FALSE);

  return self->raw != NULL;
}

JsonObject *
pm_rule_get_raw (PmRule *self)
{
  g_return_val_if_fail (PM_IS_RULE (self), NULL);

  return self->raw;
}

void
pm_rule_keep_as_is (PmRule     *self,
                    JsonObject *raw)
{
  g_return_if_fail (PM_IS_RULE (self));
  g_return_if_fail (raw != NULL);

  g_clear_pointer (&self->raw, json_object_unref);
  self->raw = pm_json_object_deep_copy (raw);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEPT]);
}
