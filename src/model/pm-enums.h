#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Which Elastic Cloud API a profile, policy or entity belongs to. */
typedef enum {
  PM_FLAVOUR_HOSTED,
  PM_FLAVOUR_ECE,
  PM_FLAVOUR_SERVERLESS,
} PmFlavour;

/* Policy (rule set, traffic filter) types, independent of flavour.
 * Hosted/ECE spell AZURE as "azure_private_endpoint", Serverless as "private_endpoint". */
typedef enum {
  PM_POLICY_TYPE_UNKNOWN,
  PM_POLICY_TYPE_IP,
  PM_POLICY_TYPE_EGRESS_FIREWALL,
  PM_POLICY_TYPE_VPCE,
  PM_POLICY_TYPE_AZURE_PRIVATE_ENDPOINT,
  PM_POLICY_TYPE_GCP_PSC,
} PmPolicyType;

typedef enum {
  PM_PROVIDER_NONE,
  PM_PROVIDER_AWS,
  PM_PROVIDER_AZURE,
  PM_PROVIDER_GCP,
} PmProvider;

typedef enum {
  PM_ENTITY_KIND_DEPLOYMENT,
  PM_ENTITY_KIND_PROJECT,
} PmEntityKind;

typedef enum {
  PM_EGRESS_PROTOCOL_ALL,
  PM_EGRESS_PROTOCOL_TCP,
  PM_EGRESS_PROTOCOL_UDP,
} PmEgressProtocol;

const char   *pm_flavour_to_string         (PmFlavour     flavour);    /* "hosted", "ece", "serverless" */
gboolean      pm_flavour_from_string       (const char   *text,
                                            PmFlavour    *out);
const char   *pm_flavour_get_label         (PmFlavour     flavour);    /* translated, e.g. "Elastic Cloud Hosted" */

/* The API's spelling for this flavour, or NULL where the flavour has no such type. */
const char   *pm_policy_type_to_api        (PmPolicyType  type,
                                            PmFlavour     flavour);
PmPolicyType  pm_policy_type_from_api      (const char   *text,
                                            PmFlavour     flavour);
const char   *pm_policy_type_get_label     (PmPolicyType  type);       /* console words, translated */
PmProvider    pm_policy_type_get_provider  (PmPolicyType  type);
gboolean      pm_policy_type_is_private    (PmPolicyType  type);
gboolean      pm_flavour_supports_type     (PmFlavour     flavour,
                                            PmPolicyType  type);

const char   *pm_provider_to_string        (PmProvider    provider);   /* "aws", "azure", "gcp" */
gboolean      pm_provider_from_string      (const char   *text,
                                            PmProvider   *out);
const char   *pm_provider_get_label        (PmProvider    provider);   /* "AWS PrivateLink", … */

const char   *pm_egress_protocol_to_string (PmEgressProtocol protocol);
gboolean      pm_egress_protocol_from_string (const char *text,
                                              PmEgressProtocol *out);

G_END_DECLS
