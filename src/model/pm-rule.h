#pragma once

#include <json-glib/json-glib.h>

#include "pm-enums.h"

G_BEGIN_DECLS

#define PM_TYPE_RULE (pm_rule_get_type ())
G_DECLARE_FINAL_TYPE (PmRule, pm_rule, PM, RULE, GObject)

/* One rule of a policy. Which fields matter depends on the policy type:
 *   ip, vpce, gcp_psc:        source
 *   egress_firewall:          egress target, protocol, ports
 *   azure_private_endpoint:   azure endpoint name + guid
 * Fields the app does not know (and known ones it does not edit, such as
 * remote_cluster_id) are kept in "extra" and written back unchanged.
 *
 * Properties: "id", "description", "source", "azure-endpoint-name",
 * "azure-endpoint-guid", "egress-target", "egress-protocol" (PmEgressProtocol),
 * "egress-ports" (string, e.g. "80, 443, 8000-8010"; see pm_rule_get_ports). */

PmRule           *pm_rule_new                   (void);
PmRule           *pm_rule_copy                  (PmRule           *self);
gboolean          pm_rule_equal                 (PmRule           *a,
                                                 PmRule           *b);

const char       *pm_rule_get_id                (PmRule           *self);
void              pm_rule_set_id                (PmRule           *self,
                                                 const char       *id);
const char       *pm_rule_get_description       (PmRule           *self);
void              pm_rule_set_description       (PmRule           *self,
                                                 const char       *description);
const char       *pm_rule_get_source            (PmRule           *self);
void              pm_rule_set_source            (PmRule           *self,
                                                 const char       *source);
const char       *pm_rule_get_azure_endpoint_name (PmRule         *self);
void              pm_rule_set_azure_endpoint_name (PmRule         *self,
                                                   const char     *name);
const char       *pm_rule_get_azure_endpoint_guid (PmRule         *self);
void              pm_rule_set_azure_endpoint_guid (PmRule         *self,
                                                   const char     *guid);
gboolean          pm_rule_has_egress            (PmRule           *self);
const char       *pm_rule_get_egress_target     (PmRule           *self);
void              pm_rule_set_egress_target     (PmRule           *self,
                                                 const char       *target);
PmEgressProtocol  pm_rule_get_egress_protocol   (PmRule           *self);
void              pm_rule_set_egress_protocol   (PmRule           *self,
                                                 PmEgressProtocol  protocol);
/* Ports as the API sends them: each a number 1–65535. */
const GArray     *pm_rule_get_ports             (PmRule           *self);   /* of guint */
void              pm_rule_set_ports             (PmRule           *self,
                                                 const guint      *ports,
                                                 gsize             n_ports);
char             *pm_rule_dup_ports_text        (PmRule           *self);   /* "80, 443, 8000-8010" */

/* The value that identifies this rule in its policy type (source, target,
 * or "name (guid)"), for display, search and duplicate checks. */
char             *pm_rule_dup_display_key       (PmRule           *self,
                                                 PmPolicyType      type);

JsonObject       *pm_rule_get_extra             (PmRule           *self);   /* unknown fields, never NULL */
/* Unknown fields inside egress_rule, never NULL. */
JsonObject       *pm_rule_get_egress_extra      (PmRule           *self);
/* Mark the rule as carrying an egress_rule even when its target is empty
 * (as read from the API); egress setters imply it. */
void              pm_rule_set_has_egress        (PmRule           *self,
                                                 gboolean          has_egress);

/* "kept": the rule holds a value Perimeter would not send itself (a port
 * out of range, a number where text belongs, a source its policy type does
 * not take) and has not been changed since it was read. Such a rule is
 * shown, skipped by validation and written back exactly as raw, the rule as
 * the server sent it; changing any field ends it. */
gboolean          pm_rule_get_kept              (PmRule           *self);
JsonObject       *pm_rule_get_raw               (PmRule           *self);   /* nullable */
void              pm_rule_keep_as_is            (PmRule           *self,
                                                 JsonObject       *raw);

G_END_DECLS
