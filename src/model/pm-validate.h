#pragma once

#include <gio/gio.h>

#include "pm-enums.h"
#include "pm-policy.h"
#include "pm-region-catalog.h"

G_BEGIN_DECLS

#define PM_VALIDATION_ERROR (pm_validation_error_quark ())
GQuark pm_validation_error_quark (void);

typedef enum {
  PM_VALIDATION_ERROR_EMPTY,
  PM_VALIDATION_ERROR_INVALID,
  PM_VALIDATION_ERROR_HOST_BITS,     /* CIDR with host bits set; a suggestion is offered */
  PM_VALIDATION_ERROR_TOO_LONG,
  PM_VALIDATION_ERROR_OUT_OF_RANGE,
  PM_VALIDATION_ERROR_DUPLICATE,
  PM_VALIDATION_ERROR_TOO_MANY,
  PM_VALIDATION_ERROR_WRONG_REGION,
  PM_VALIDATION_ERROR_UNSUPPORTED,
} PmValidationError;

#define PM_MAX_RULES_PER_POLICY 128
#define PM_MAX_NAME_LENGTH 128
#define PM_MAX_DESCRIPTION_LENGTH 512

/* Each validator returns TRUE when the value is acceptable; otherwise FALSE
 * and a translated message that names the field ("Source: …"). */

/* IPv4/IPv6 address or CIDR. On PM_VALIDATION_ERROR_HOST_BITS, *suggestion
 * (if non-NULL) receives the network address, e.g. "192.168.128.0/22". */
gboolean pm_validate_ip_source        (const char  *text,
                                       char       **suggestion,
                                       GError     **error);
/* An address or CIDR block as its network (host bits cleared, a lone
 * address as /32 or /128), for containment tests; NULL when it is
 * neither. Not a validator: host bits are ignored, as a router would. */
GInetAddressMask *pm_network_parse    (const char  *text);
gboolean pm_validate_vpce_id          (const char  *text, GError **error);
gboolean pm_validate_azure_endpoint_name (const char *text, GError **error);
gboolean pm_validate_azure_endpoint_guid (const char *text, GError **error);
gboolean pm_validate_psc_connection_id (const char *text, GError **error);
gboolean pm_validate_egress_target    (const char  *text,
                                       char       **suggestion,
                                       GError     **error);
gboolean pm_validate_protocol         (const char  *text, GError **error);
/* "80, 443, 8000-8010" → ports (ranges expanded); empty text → no ports. */
gboolean pm_parse_ports               (const char  *text,
                                       GArray     **ports_out,   /* of guint */
                                       GError     **error);
gboolean pm_validate_policy_name      (const char  *text, GError **error);
gboolean pm_validate_description      (const char  *text, GError **error);
/* catalog may be NULL for the default one (here and in pm_validate_policy). */
gboolean pm_validate_region           (PmRegionCatalog *catalog,
                                       PmFlavour        flavour,
                                       PmPolicyType     type,
                                       const char      *region,
                                       GError         **error);
/* Validate one rule's fields for a policy type (the source for ip/vpce/psc, …). */
gboolean pm_validate_rule             (PmRule       *rule,
                                       PmPolicyType  type,
                                       GError      **error);

/* Split pasted text (one per line, or comma/space separated) into sources. */
GStrv    pm_split_sources             (const char  *text);

typedef struct {
  char  *field;      /* "name", "region", "rules[3].source", "rules" … */
  int    rule_index; /* -1 when not about one rule */
  GError *error;
} PmValidationIssue;

void     pm_validation_issue_free     (PmValidationIssue *issue);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmValidationIssue, pm_validation_issue_free)

/* Everything wrong with a policy before it is sent: each field, each rule,
 * the rule count, duplicates, the type for the flavour, the region. Returns
 * a GPtrArray of PmValidationIssue (empty when valid). */
GPtrArray *pm_validate_policy         (PmPolicy        *policy,
                                       PmRegionCatalog *catalog);

/* What a list marks on a policy as it came from the server: what its reader
 * found odd (pm_policy_get_oddities ()) and, of its own fields, what
 * Perimeter would not send itself: a region it does not know for the
 * policy's type, a name or description too long. Rules are checked in the
 * editor, which makes them. NULL when nothing is odd. */
GStrv      pm_validate_dup_marks      (PmPolicy        *policy,
                                       PmRegionCatalog *catalog);

G_END_DECLS
