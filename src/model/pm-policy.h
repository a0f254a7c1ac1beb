#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pm-enums.h"
#include "pm-rule.h"
#include "pm-association.h"

G_BEGIN_DECLS

#define PM_TYPE_POLICY (pm_policy_get_type ())
G_DECLARE_FINAL_TYPE (PmPolicy, pm_policy, PM, POLICY, GObject)

/* A network security policy: a Hosted/ECE traffic filter rule set or a
 * Serverless traffic filter.
 *
 * Properties: "id", "name", "description", "flavour" (PmFlavour),
 * "policy-type" (PmPolicyType), "type-string" (the API's own spelling, kept
 * for types the app does not know), "region", "include-by-default",
 * "rules" (GListModel of PmRule, read-only object; edit it in place),
 * "n-rules", "associations" (GListModel of PmAssociation), "n-associations"
 * (total_associations when known, else the list's length, -1 when unknown),
 * "etag" (Serverless).
 *
 * Unknown top-level fields are kept in "extra" and written back by the
 * whole-object requests. */

PmPolicy     *pm_policy_new                  (PmFlavour      flavour,
                                              PmPolicyType   type);
PmPolicy     *pm_policy_copy                 (PmPolicy      *self);   /* deep: rules, associations, extra */
/* Same content (every field the API sees, extras included; not the etag). */
gboolean      pm_policy_equal                (PmPolicy      *a,
                                              PmPolicy      *b);

const char   *pm_policy_get_id               (PmPolicy      *self);
void          pm_policy_set_id               (PmPolicy      *self,
                                              const char    *id);
const char   *pm_policy_get_name             (PmPolicy      *self);
void          pm_policy_set_name             (PmPolicy      *self,
                                              const char    *name);
const char   *pm_policy_get_description      (PmPolicy      *self);
void          pm_policy_set_description      (PmPolicy      *self,
                                              const char    *description);
PmFlavour     pm_policy_get_flavour          (PmPolicy      *self);
PmPolicyType  pm_policy_get_policy_type      (PmPolicy      *self);
void          pm_policy_set_policy_type      (PmPolicy      *self,
                                              PmPolicyType   type);
const char   *pm_policy_get_type_string      (PmPolicy      *self);
/* Set the API's spelling; the policy type follows (UNKNOWN when the flavour
 * has no such type, the spelling is still kept and written back). */
void          pm_policy_set_type_string      (PmPolicy      *self,
                                              const char    *type_string);
const char   *pm_policy_get_region           (PmPolicy      *self);
void          pm_policy_set_region           (PmPolicy      *self,
                                              const char    *region);
gboolean      pm_policy_get_include_by_default (PmPolicy    *self);
void          pm_policy_set_include_by_default (PmPolicy    *self,
                                                gboolean     include_by_default);
const char   *pm_policy_get_etag             (PmPolicy      *self);
void          pm_policy_set_etag             (PmPolicy      *self,
                                              const char    *etag);

GListModel   *pm_policy_get_rules            (PmPolicy      *self);   /* GListStore of PmRule */
guint         pm_policy_get_n_rules          (PmPolicy      *self);
void          pm_policy_add_rule             (PmPolicy      *self,
                                              PmRule        *rule);
void          pm_policy_remove_rule          (PmPolicy      *self,
                                              guint          position);
void          pm_policy_move_rule            (PmPolicy      *self,
                                              guint          from,
                                              guint          to);

GListModel   *pm_policy_get_associations     (PmPolicy      *self);   /* GListStore of PmAssociation */
void          pm_policy_set_associations     (PmPolicy      *self,
                                              GPtrArray     *associations, /* of PmAssociation, nullable */
                                              int            total);
int           pm_policy_get_n_associations   (PmPolicy      *self);
gboolean      pm_policy_has_associations_info (PmPolicy     *self);

JsonObject   *pm_policy_get_extra            (PmPolicy      *self);   /* never NULL */

/* What the server sent that Perimeter would not send itself, in words
 * ("Port 0 is outside 1–65535; …"), one sentence each, as found when the
 * policy was read; NULL when nothing was odd. Such values are shown, kept
 * and written back as they came unless the user changes them. */
const char * const *pm_policy_get_oddities   (PmPolicy      *self);
/* Whether the policy's rules are kept whole as the server sent them (one
 * of them is not a rule Perimeter can read): they cannot be changed here. */
gboolean      pm_policy_get_rules_kept       (PmPolicy      *self);

/* Search as you type: whether the name, description, id, region, type or
 * one of the rules' ids, descriptions, sources, endpoint names and GUIDs or
 * egress targets contains word, compared lowercased. word is lowercased
 * (g_utf8_strdown()); an empty one is in every policy. */
gboolean      pm_policy_contains_text        (PmPolicy      *self,
                                              const char    *word);

G_END_DECLS
