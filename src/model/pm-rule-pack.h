/* pm-rule-pack.h: a policy's rules in one compact block (private to the model)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pm-enums.h"

G_BEGIN_DECLS

/* One rule's fields, borrowed from wherever they live (a PmRule, a pack, a
 * JSON tree). extra and egress_extra are NULL when there are none. */
typedef struct
{
  const char       *id;
  const char       *description;
  const char       *source;
  const char       *azure_endpoint_name;
  const char       *azure_endpoint_guid;
  const char       *egress_target;
  gboolean          has_egress;          /* as pm_rule_has_egress() says */
  PmEgressProtocol  egress_protocol;
  const guint      *ports;
  guint             n_ports;
  JsonObject       *extra;
  JsonObject       *egress_extra;
  /* The rule as the server sent it, when it holds a value Perimeter would
   * not send itself (a port out of range, a number for a string…): kept,
   * and written back as it is, until someone changes the rule. */
  JsonObject       *raw;
} PmRuleFields;

gboolean pm_rule_fields_equal (const PmRuleFields *a,
                               const PmRuleFields *b);

/* A large organization's policies hold tens of thousands of rules: one
 * PmRule GObject each (with its GArray, signal handler and list node) made
 * loading slow and memory large. A policy read from the API keeps its rules
 * packed here, immutable once built, shared by copies, and makes PmRule
 * objects only when someone asks for them. */
typedef struct _PmRulePack PmRulePack;

PmRulePack *pm_rule_pack_new        (guint               n_reserved);
PmRulePack *pm_rule_pack_ref        (PmRulePack         *pack);
void        pm_rule_pack_unref      (PmRulePack         *pack);
/* Copies the strings and ports and takes a reference to the extras (which
 * the pack then owns: nothing may change them). Only while the pack is
 * being built, before pm_rule_pack_seal(). */
void        pm_rule_pack_append     (PmRulePack         *pack,
                                     const PmRuleFields *fields);
/* Done appending: trims the pack to its size. */
void        pm_rule_pack_seal       (PmRulePack         *pack);
guint       pm_rule_pack_get_length (PmRulePack         *pack);
/* Fields of rule i, pointing into the pack (valid while it lives). */
void        pm_rule_pack_get        (PmRulePack         *pack,
                                     guint               i,
                                     PmRuleFields       *out);

/* Search as you type, without a lowercased copy of every rule: word is
 * lowercased (g_utf8_strdown()) and not empty. Whether one of the pack's
 * strings contains it, compared lowercased (ASCII ones without a copy;
 * others as valid UTF-8, lowercased when the pack was sealed). */
gboolean    pm_rule_pack_contains   (PmRulePack         *pack,
                                     const char         *word);
/* The same for one string (nullable); one that is not ASCII is lowercased
 * for the call. */
gboolean    pm_search_text_contains (const char         *text,
                                     const char         *word);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PmRulePack, pm_rule_pack_unref)

G_END_DECLS
