/* pm-policy.c: a network security policy (rule set, traffic filter)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pm-enum-types.h"
#include "pm-model-private.h"
#include "pm-policy.h"

struct _PmPolicy
{
  GObject parent_instance;

  char *id;
  char *name;
  char *description;
  PmFlavour flavour;
  PmPolicyType policy_type;
  char *type_string;
  char *region;
  gboolean include_by_default;
  char *etag;

  /* The rules as read (or copied): packed, without a PmRule each. The
   * GListStore of PmRule is made from it when first asked for and is then
   * what the policy holds; the pack stays (unchanged) until finalize, as a
   * diff in a worker thread may be reading it. */
  PmRulePack *pack;
  GListStore *rules;   /* NULL until asked for; set once, atomically */
  guint n_rules;

  GListStore *associations;
  int n_associations;

  /* The two lists' items again, for pm_policy_equal(): the stores diff in a
   * worker thread, and g_list_model_get_item() on a GListStore writes its
   * lookup cache, which races with the main thread reading the same list. */
  GPtrArray *rule_items;         /* NULL while rules is */
  GPtrArray *association_items;
  gboolean has_associations_info;

  JsonObject *extra;

  /* Lenient in: members the server sent with values Perimeter would not
   * send (a name that is a number, include_by_default "yes"), each written
   * back as it came until its field is set; and what is odd, in words. */
  JsonObject *kept;    /* NULL when none */
  GStrv oddities;      /* NULL when none */
};

G_DEFINE_FINAL_TYPE (PmPolicy, pm_policy, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_FLAVOUR,
  PROP_POLICY_TYPE,
  PROP_TYPE_STRING,
  PROP_REGION,
  PROP_INCLUDE_BY_DEFAULT,
  PROP_RULES,
  PROP_N_RULES,
  PROP_ASSOCIATIONS,
  PROP_N_ASSOCIATIONS,
  PROP_ETAG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mirror_items_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      GPtrArray  *mirror)
{
  g_ptr_array_remove_range (mirror, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror, position + i, g_list_model_get_item (model, position + i));
}

static void
associations_items_changed_cb (GListModel *model,
                               guint       position,
                               guint       removed,
                               guint       added,
                               PmPolicy   *self)
{
  mirror_items_changed (model, position, removed, added, self->association_items);
}

static void
rules_items_changed_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        PmPolicy   *self)
{
  guint n = g_list_model_get_n_items (model);

  mirror_items_changed (model, position, removed, added, self->rule_items);
  if (n != self->n_rules)
    {
      self->n_rules = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RULES]);
    }
}

static void
pm_policy_dispose (GObject *object)
{
  PmPolicy *self = PM_POLICY (object);

  if (self->rules != NULL)
    g_signal_handlers_disconnect_by_func (self->rules, rules_items_changed_cb, self);
  if (self->associations != NULL)
    g_signal_handlers_disconnect_by_func (self->associations, associations_items_changed_cb, self);

  G_OBJECT_CLASS (pm_policy_parent_class)->dispose (object);
}

static void
pm_policy_finalize (GObject *object)
{
  PmPolicy *self = PM_POLICY (object);

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->type_string, g_free);
  g_clear_pointer (&self->region, g_free);
  g_clear_pointer (&self->etag, g_free);
  g_clear_object (&self->rules);
  g_clear_pointer (&self->pack, pm_rule_pack_unref);
  g_clear_object (&self->associations);
  g_clear_pointer (&self->rule_items, g_ptr_array_unref);
  g_clear_pointer (&self->association_items, g_ptr_array_unref);
  g_clear_pointer (&self->extra, json_object_unref);
  g_clear_pointer (&self->kept, json_object_unref);
  g_clear_pointer (&self->oddities, g_strfreev);

  G_OBJECT_CLASS (pm_policy_parent_class)->finalize (object);
}

static void
pm_policy_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PmPolicy *self = PM_POLICY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_FLAVOUR:
      g_value_set_enum (value, self->flavour);
      break;
    case PROP_POLICY_TYPE:
      g_value_set_enum (value, self->policy_type);
      break;
    case PROP_TYPE_STRING:
      g_value_set_string (value, self->type_string);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_INCLUDE_BY_DEFAULT:
      g_value_set_boolean (value, self->include_by_default);
      break;
    case PROP_RULES:
      g_value_set_object (value, pm_policy_get_rules (self));
      break;
    case PROP_N_RULES:
      g_value_set_uint (value, self->n_rules);
      break;
    case PROP_ASSOCIATIONS:
      g_value_set_object (value, self->associations);
      break;
    case PROP_N_ASSOCIATIONS:
      g_value_set_int (value, self->n_associations);
      break;
    case PROP_ETAG:
      g_value_set_string (value, self->etag);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_policy_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  PmPolicy *self = PM_POLICY (object);

  switch (prop_id)
    {
    case PROP_ID:
      pm_policy_set_id (self, g_value_get_string (value));
      break;
    case PROP_NAME:
      pm_policy_set_name (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      pm_policy_set_description (self, g_value_get_string (value));
      break;
    case PROP_FLAVOUR:
      self->flavour = g_value_get_enum (value);
      break;
    case PROP_POLICY_TYPE:
      pm_policy_set_policy_type (self, g_value_get_enum (value));
      break;
    case PROP_REGION:
      pm_policy_set_region (self, g_value_get_string (value));
      break;
    case PROP_INCLUDE_BY_DEFAULT:
      pm_policy_set_include_by_default (self, g_value_get_boolean (value));
      break;
    case PROP_ETAG:
      pm_policy_set_etag (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_policy_class_init (PmPolicyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = pm_policy_dispose;
  object_class->finalize = pm_policy_finalize;
  object_class->get_property = pm_policy_get_property;
  object_class->set_property = pm_policy_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, rw);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, rw);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, rw);
  properties[PROP_FLAVOUR] =
    g_param_spec_enum ("flavour", NULL, NULL, PM_TYPE_FLAVOUR, PM_FLAVOUR_HOSTED,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POLICY_TYPE] =
    g_param_spec_enum ("policy-type", NULL, NULL, PM_TYPE_POLICY_TYPE, PM_POLICY_TYPE_UNKNOWN, rw);
  properties[PROP_TYPE_STRING] = g_param_spec_string ("type-string", NULL, NULL, NULL, ro);
  properties[PROP_REGION] = g_param_spec_string ("region", NULL, NULL, NULL, rw);
  properties[PROP_INCLUDE_BY_DEFAULT] =
    g_param_spec_boolean ("include-by-default", NULL, NULL, FALSE, rw);
  properties[PROP_RULES] =
    g_param_spec_object ("rules", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_N_RULES] =
    g_param_spec_uint ("n-rules", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_ASSOCIATIONS] =
    g_param_spec_object ("associations", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_N_ASSOCIATIONS] =
    g_param_spec_int ("n-associations", NULL, NULL, -1, G_MAXINT, -1, ro);
  properties[PROP_ETAG] = g_param_spec_string ("etag", NULL, NULL, NULL, rw);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_policy_init (PmPolicy *self)
{
  self->associations = g_list_store_new (PM_TYPE_ASSOCIATION);
  self->n_associations = -1;
  self->extra = json_object_new ();
  self->association_items = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (self->associations, "items-changed", G_CALLBACK (associations_items_changed_cb), self);
}

PmPolicy *
pm_policy_new (PmFlavour    flavour,
               PmPolicyType type)
{
  return g_object_new (PM_TYPE_POLICY,
                       "flavour", flavour,
                       "policy-type", type,
                       NULL);
}

PmPolicy *
pm_policy_copy (PmPolicy *self)
{
  PmPolicy *copy;
  guint n;

  g_return_val_if_fail (PM_IS_POLICY (self), NULL);

  copy = pm_policy_new (self->flavour, self->policy_type);
  copy->id = g_strdup (self->id);
  copy->name = g_strdup (self->name);
  copy->description = g_strdup (self->description);
  g_free (copy->type_string);
  copy->type_string = g_strdup (self->type_string);
  copy->region = g_strdup (self->region);
  copy->include_by_default = self->include_by_default;
  copy->etag = g_strdup (self->etag);

  /* A pack never changes: share it. Rules made from it (and maybe edited)
   * are packed anew. */
  if (self->rules == NULL)
    copy->pack = self->pack ? pm_rule_pack_ref (self->pack) : NULL;
  else
    {
      copy->pack = pm_rule_pack_new (self->rule_items->len);
      for (guint i = 0; i < self->rule_items->len; i++)
        {
          PmRuleFields fields;

          pm_rule_get_fields (self->rule_items->pdata[i], &fields);
          pm_rule_pack_append (copy->pack, &fields);
        }
      pm_rule_pack_seal (copy->pack);
    }
  copy->n_rules = self->n_rules;

  /* Associations are immutable: sharing them is a deep copy. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->associations));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PmAssociation) association = g_list_model_get_item (G_LIST_MODEL (self->associations), i);

      g_list_store_append (copy->associations, association);
    }
  copy->n_associations = self->n_associations;
  copy->has_associations_info = self->has_associations_info;

  json_object_unref (copy->extra);
  copy->extra = pm_json_object_deep_copy (self->extra);
  if (self->kept != NULL)
    copy->kept = pm_json_object_deep_copy (self->kept);
  copy->oddities = g_strdupv (self->oddities);

  return copy;
}

static gboolean
items_equal (GPtrArray  *a,
             GPtrArray  *b,
             gboolean  (*equal) (gpointer, gpointer))
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!equal (a->pdata[i], b->pdata[i]))
      return FALSE;
  return TRUE;
}

void
pm_policy_get_rule_fields (PmPolicy     *self,
                           guint         i,
                           PmRuleFields *out)
{
  GListStore *rules = g_atomic_pointer_get (&self->rules);

  if (rules != NULL)
    pm_rule_get_fields (self->rule_items->pdata[i], out);
  else
    pm_rule_pack_get (self->pack, i, out);
}

static guint
count_rules (PmPolicy *self)
{
  GListStore *rules = g_atomic_pointer_get (&self->rules);

  return rules != NULL ? self->rule_items->len : pm_rule_pack_get_length (self->pack);
}

static gboolean
rules_equal (PmPolicy *a,
             PmPolicy *b)
{
  guint n = count_rules (a);

  if (n != count_rules (b))
    return FALSE;
  if (g_atomic_pointer_get (&a->rules) == NULL && a->pack == b->pack &&
      g_atomic_pointer_get (&b->rules) == NULL)
    return TRUE;
  for (guint i = 0; i < n; i++)
    {
      PmRuleFields fa, fb;

      pm_policy_get_rule_fields (a, i, &fa);
      pm_policy_get_rule_fields (b, i, &fb);
      if (!pm_rule_fields_equal (&fa, &fb))
        return FALSE;
    }
  return TRUE;
}

gboolean
pm_policy_equal (PmPolicy *a,
                 PmPolicy *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->description, b->description) == 0 &&
         a->flavour == b->flavour &&
         a->policy_type == b->policy_type &&
         g_strcmp0 (a->type_string, b->type_string) == 0 &&
         g_strcmp0 (a->region, b->region) == 0 &&
         a->include_by_default == b->include_by_default &&
         a->n_associations == b->n_associations &&
         a->has_associations_info == b->has_associations_info &&
         rules_equal (a, b) &&
         items_equal (a->association_items, b->association_items,
                      (gboolean (*) (gpointer, gpointer)) pm_association_equal) &&
         pm_json_object_equal (a->extra, b->extra) &&
         pm_json_object_equal (a->kept, b->kept);
}

/* The member was set: from now on it is written from its field. */
static void
unkeep (PmPolicy   *self,
        const char *member)
{
  if (self->kept != NULL && json_object_has_member (self->kept, member))
    json_object_remove_member (self->kept, member);
}

#define DEFINE_STRING_ACCESSORS(field, prop)                       \
const char *                                                       \
pm_policy_get_##field (PmPolicy *self)                             \
{                                                                  \
  g_return_val_if_fail (PM_IS_POLICY (self), NULL);                \
  return self->field;                                              \
}                                                                  \
                                                                   \
void                                                               \
pm_policy_set_##field (PmPolicy   *self,                           \
                       const char *value)                          \
{                                                                  \
  g_return_if_fail (PM_IS_POLICY (self));                          \
  if (!pm_set_string (&self->field, value))                        \
    return;                                                        \
  unkeep (self, #field);                                           \
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);    \
}

DEFINE_STRING_ACCESSORS (id, PROP_ID)
DEFINE_STRING_ACCESSORS (name, PROP_NAME)
DEFINE_STRING_ACCESSORS (description, PROP_DESCRIPTION)
DEFINE_STRING_ACCESSORS (region, PROP_REGION)
DEFINE_STRING_ACCESSORS (etag, PROP_ETAG)

#undef DEFINE_STRING_ACCESSORS

PmFlavour
pm_policy_get_flavour (PmPolicy *self)
{
  g_return_val_if_fail (PM_IS_POLICY (self), PM_FLAVOUR_HOSTED);

  return self->flavour;
}

PmPolicyType
pm_policy_get_policy_type (PmPolicy *self)
{
  g_return_val_if_fail (PM_IS_POLICY (self), PM_POLICY_TYPE_UNKNOWN);

  return self->policy_type;
}

void
pm_policy_set_policy_type (PmPolicy     *self,
                           PmPolicyType  type)
{
  const char *spelling;

  g_return_if_fail (PM_IS_POLICY (self));
  g_return_if_fail (type <= PM_POLICY_TYPE_GCP_PSC);

  spelling = pm_policy_type_to_api (type, self->flavour);
  if (self->policy_type != type)
    {
      self->policy_type = type;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLICY_TYPE]);
    }
  /* Keep the API's spelling of a type the app does not know, but not the
   * spelling of a known type that no longer applies. */
  if (spelling == NULL &&
      pm_policy_type_from_api (self->type_string, self->flavour) == PM_POLICY_TYPE_UNKNOWN)
    spelling = self->type_string;
  if (pm_set_string (&self->type_string, spelling))
    {
      unkeep (self, "type");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TYPE_STRING]);
    }
}

const char *
pm_policy_get_type_string (PmPolicy *self)
{
  g_return_val_if_fail (PM_IS_POLICY (self), NULL);

  return self->type_string;
}

void
pm_policy_set_type_string (PmPolicy   *self,
                           const char *type_string)
{
  PmPolicyType type;

  g_return_if_fail (PM_IS_POLICY (self));

  type = pm_policy_type_from_api (type_string, self->flavour);
  if (pm_set_string (&self->type_string, type_string))
    {
      unkeep (self, "type");
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TYPE_STRING]);
    }
  if (self->policy_type != type)
    {
      self->policy_type = type;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLICY_TYPE]);
    }
}

gboolean
pm_policy_get_include_by_default (PmPolicy *self)
{
  g_return_val_if_fail (PM_IS_POLICY (self), FALSE);

  return self->include_by_default;
}

void
pm_policy_set_include_by_default (PmPolicy *self,
                                  gboolean  include_by_default)
{
  g_return_if_fail (PM_IS_POLICY (self));

  include_by_default = !!include_by_default;
  if (self->include_by_default == include_by_default)
    return;
  self->include_by_default = include_by_default;
  unkeep (self, "include_by_default");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCLUDE_BY_DEFAULT]);
}

GListModel *
pm_policy_get_rules (PmPolicy *self)
{
  GListStore *store;
  GPtrArray *items;
  guint n;

  g_return_val_if_fail (PM_IS_POLICY (self), NULL);

  if (self->rules != NULL)
    return G_LIST_MODEL (self->rules);

  /* First asked for: make the rules from the pack. Everything is in place
   * before the store is published, for a diff reading from a worker. */
  n = pm_rule_pack_get_length (self->pack);
  store = g_list_store_new (PM_TYPE_RULE);
  items = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      PmRuleFields fields;

      pm_rule_pack_get (self->pack, i, &fields);
      g_ptr_array_add (items, pm_rule_new_from_fields (&fields));
    }
  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  self->rule_items = items;
  g_signal_connect (store, "items-changed", G_CALLBACK (rules_items_changed_cb), self);
  g_atomic_pointer_set (&self->rules, store);

  return G_LIST_MODEL (self->rules);
}

void
pm_policy_set_rule_pack (PmPolicy   *self,
                         PmRulePack *pack)
{
  g_return_if_fail (PM_IS_POLICY (self));
  g_return_if_fail (pack != NULL);

  if (self->rules != NULL)
    {
      guint n = pm_rule_pack_get_length (pack);
      g_autoptr(GPtrArray) items = g_ptr_array_new_full (n, g_object_unref);

      for (guint i = 0; i < n; i++)
        {
          PmRuleFields fields;

          pm_rule_pack_get (pack, i, &fields);
          g_ptr_array_add (items, pm_rule_new_from_fields (&fields));
        }
      g_list_store_splice (self->rules, 0, self->rule_items->len, items->pdata, items->len);
      return;
    }

  g_clear_pointer (&self->pack, pm_rule_pack_unref);
  self->pack = pm_rule_pack_ref (pack);
  if (self->n_rules != pm_rule_pack_get_length (pack))
    {
      self->n_rules = pm_rule_pack_get_length (pack);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RULES]);
    }
}

guint
pm_policy_get_n_rules (PmPolicy *self)
{
  g_return_val_if_fail (PM_IS_POLICY (self), 0);

  return self->n_rules;
}

void
pm_policy_add_rule (PmPolicy *self,
                    PmRule   *rule)
{
  g_return_if_fail (PM_IS_POLICY (self));
  g_return_if_fail (PM_IS_RULE (rule));

  g_list_store_append (G_LIST_STORE (pm_policy_get_rules (self)), rule);
}

void
pm_policy_remove_rule (PmPolicy *self,
                       guint     position)
{
  g_return_if_fail (PM_IS_POLICY (self));
  g_return_if_fail (position < self->n_rules);

  g_list_store_remove (G_LIST_STORE (pm_policy_get_rules (self)), position);
}

void
pm_policy_move_rule (PmPolicy *self,
                     guint     from,
                     guint     to)
{
  g_autoptr(GPtrArray) items = NULL;
  guint lo, hi;

  g_return_if_fail (PM_IS_POLICY (self));
  g_return_if_fail (from < self->n_rules);
  g_return_if_fail (to < self->n_rules);

  if (from == to)
    return;

  /* One splice over the affected range: a single items-changed, and the
   * rule count never dips. */
  lo = MIN (from, to);
  hi = MAX (from, to);
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = lo; i <= hi; i++)
    g_ptr_array_add (items, g_list_model_get_item (pm_policy_get_rules (self), i));
  if (from < to)
    {
      gpointer moved = items->pdata[0];

      memmove (&items->pdata[0], &items->pdata[1], (items->len - 1) * sizeof (gpointer));
      items->pdata[items->len - 1] = moved;
    }
  else
    {
      gpointer moved = items->pdata[items->len - 1];

      memmove (&items->pdata[1], &items->pdata[0], (items->len - 1) * sizeof (gpointer));
      items->pdata[0] = moved;
    }
  g_list_store_splice (G_LIST_STORE (pm_policy_get_rules (self)), lo, items->len, items->pdata, items->len);
}

GListModel *
pm_policy_get_associations (PmPolicy *self)
{
  g_return_val_if_fail (PM_IS_POLICY (self), NULL);

  return G_LIST_MODEL (self->associations);
}

void
pm_policy_set_associations (PmPolicy  *self,
                            GPtrArray *associations,
                            int        total)
{
  guint old_len;
  int n;

  g_return_if_fail (PM_IS_POLICY (self));

  old_len = g_list_model_get_n_items (G_LIST_MODEL (self->associations));
  if (associations != NULL)
    g_list_store_splice (self->associations, 0, old_len, associations->pdata, associations->len);
  else if (old_len > 0)
    g_list_store_remove_all (self->associations);

  if (total >= 0)
    n = total;
  else if (associations != NULL)
    n = (int) associations->len;
  else
    n = -1;
  self->has_associations_info = associations != NULL || total >= 0;
  if (self->n_associations != n)
    {
      self->n_associations = n;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ASSOCIATIONS]);
    }
}

int
pm_policy_get_n_associations (PmPolicy *self)
{
  g_return_val_if_fail (PM_IS_POLICY (self), -1);

  return self->n_associations;
}

gboolean
pm_policy_has_associations_info (PmPolicy *self)
{
  g_return_val_if_fail (PM_IS_POLICY (self), FALSE);

  return self->has_associations_info;
}

JsonObject *
pm_policy_get_extra (PmPolicy *self)
{
  g_return_val_if_fail (PM_IS_POLICY (self), NULL);

  return self->extra;
}

gboolean
pm_policy_contains_text (PmPolicy   *self,
                         const char *word)
{
  guint n;

  g_return_val_if_fail (PM_IS_POLICY (self), FALSE);
  g_return_val_if_fail (word != NULL, FALSE);

  if (*word == '\0')
    return TRUE;
  if (pm_search_text_contains (self->name, word) ||
      pm_search_text_contains (self->description, word) ||
      pm_search_text_contains (self->id, word) ||
      pm_search_text_contains (self->region, word) ||
      pm_search_text_contains (self->type_string, word) ||
      pm_search_text_contains (pm_policy_type_get_label (self->policy_type), word))
    return TRUE;

  /* A large organization's rules are searched where they are packed: a
   * lowercased copy of them all was half the size of the packs again. */
  if (g_atomic_pointer_get (&self->rules) == NULL)
    return pm_rule_pack_contains (self->pack, word);
  n = count_rules (self);
  for (guint i = 0; i < n; i++)
    {
      PmRuleFields rule;

      pm_policy_get_rule_fields (self, i, &rule);
      if (pm_search_text_contains (rule.id, word) ||
          pm_search_text_contains (rule.description, word) ||
          pm_search_text_contains (rule.source, word) ||
          pm_search_text_contains (rule.azure_endpoint_name, word) ||
          pm_search_text_contains (rule.azure_endpoint_guid, word) ||
          pm_search_text_contains (rule.egress_target, word))
        return TRUE;
    }
  return FALSE;
}

const char * const *
pm_policy_get_oddities (PmPolicy *self)
{
  g_return_val_if_fail (PM_IS_POLICY (self), NULL);

  return (const char * const *) self->oddities;
}

void
pm_policy_set_oddities (PmPolicy *self,
                        GStrv     oddities)
{
  g_return_if_fail (PM_IS_POLICY (self));

  g_clear_pointer (&self->oddities, g_strfreev);
  self->oddities = oddities != NULL && oddities[0] != NULL ? oddities : NULL;
  if (self->oddities == NULL)
    g_strfreev (oddities);
}

JsonObject *
pm_policy_peek_kept (PmPolicy *self)
{
  g_return_val_if_fail (PM_IS_POLICY (self), NULL);

  return self->kept;
}

void
pm_policy_keep_member (PmPolicy   *self,
                       const char *member,
                       JsonNode   *value)
{
  g_return_if_fail (PM_IS_POLICY (self));

  if (self->kept == NULL)
    self->kept = json_object_new ();
  json_object_set_member (self->kept, member, pm_json_node_deep_copy (value));
}

gboolean
pm_policy_get_rules_kept (PmPolicy *self)
{
  g_return_val_if_fail (PM_IS_POLICY (self), FALSE);

  return self->kept != NULL && json_object_has_member (self->kept, "rules");
}
