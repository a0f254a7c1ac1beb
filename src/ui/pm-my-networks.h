/* pm-my-networks.h: the addresses the user reaches Elastic Cloud from
 * (Preferences → My networks), and whether a resource's policies let them in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pm-entity.h"
#include "pm-policy.h"
#include "pm-session.h"

G_BEGIN_DECLS

/* The GSettings key (of the application's schema) that holds them. */
#define PM_MY_NETWORKS_KEY "my-networks"

/* One entry as typed: an IPv4 or IPv6 address or CIDR block, checked with
 * the rule source validator. Returns it normalized ("2001:db8::/32"); a
 * block with host bits set becomes its network, and *adjusted (if
 * non-NULL) says so. NULL and a message without a field name otherwise. */
char      *pm_my_networks_parse       (const char  *text,
                                       gboolean    *adjusted,
                                       GError     **error);

/* The networks kept in GSettings (empty when none, or when the schema is
 * not installed). */
GStrv      pm_my_networks_dup         (void);

/* Whether the address or CIDR block `outer` holds all of `inner` (same
 * family). Host bits set in either are ignored, as a router would. */
gboolean   pm_network_contains        (const char  *outer,
                                       const char  *inner);

/* Whether traffic from `network` reaches a resource that holds `policies`
 * (PmPolicy): yes when none of them filters ingress; otherwise only when
 * a rule of one of its IP filter policies holds all of it. Private
 * connection policies let in no public address; egress ones do not
 * filter ingress. */
gboolean   pm_my_networks_allowed     (GPtrArray   *policies,
                                       const char  *network);

/* The networks of `networks` that reach the resource with `before` and no
 * longer with `after` (a new array of borrowed strings). */
GPtrArray *pm_my_networks_lost        (const char * const *networks,
                                       GPtrArray   *before,
                                       GPtrArray   *after);

/* "You will no longer reach X from A, B (My networks)." for the networks
 * of `lost` (strings). */
char      *pm_my_networks_describe_loss (PmEntity  *entity,
                                         GPtrArray *lost);

/* For many pairs at once: entities[i] gains (apply) or loses policies[i].
 * Per resource, with all its pairs taken together, the sentences for the
 * networks that lose access, one a line; NULL when none. */
char      *pm_my_networks_describe_change (PmSession          *session,
                                           GPtrArray          *entities,
                                           GPtrArray          *policies,
                                           gboolean            apply,
                                           const char * const *networks);

G_END_DECLS
