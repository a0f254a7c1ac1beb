/* pm-policy-editor.h: create or edit one policy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-session.h"

G_BEGIN_DECLS

#define PM_TYPE_POLICY_EDITOR (pm_policy_editor_get_type ())
G_DECLARE_FINAL_TYPE (PmPolicyEditor, pm_policy_editor, PM, POLICY_EDITOR, AdwWindow)

/* Edits a copy of `policy` (NULL: a new policy of the first type the
 * session's flavour supports) and saves it through the session's API; the
 * store's object is never touched until the API answered. Modal to
 * `parent`'s window.
 *
 * Actions (on the window): "editor.save", "editor.add-rule",
 * "editor.rule-remove"/"editor.rule-up"/"editor.rule-down" (u),
 * "editor.copy-curl", "editor.export" (pm_policy_editor_dup_json () to
 * the file chosen; a toast, or the error text), "editor.import" (the file
 * chosen, through pm_policy_editor_import_bytes ()), "editor.delete",
 * "editor.add-association", "editor.remove-association" (s: entity id).
 * The files are chosen through pm_file_choice_async ().
 *
 * Signals: "saved" (PmPolicy: the policy as the API returned it),
 * "deleted". */

PmPolicyEditor *pm_policy_editor_new              (GtkWidget      *parent,
                                                   PmSession      *session,
                                                   PmPolicy       *policy);
gboolean        pm_policy_editor_get_is_new       (PmPolicyEditor *self);
/* The working copy (borrowed). */
PmPolicy       *pm_policy_editor_get_policy       (PmPolicyEditor *self);
/* Create mode only: switch the working copy to another type. */
void            pm_policy_editor_set_policy_type  (PmPolicyEditor *self,
                                                   PmPolicyType    type);
gboolean        pm_policy_editor_get_modified     (PmPolicyEditor *self);
/* What stops saving: "" when nothing, else "Fix 2 problems to save". */
const char     *pm_policy_editor_get_save_reason  (PmPolicyEditor *self);
/* The problems, one a line (the Save button's tooltip). */
char           *pm_policy_editor_dup_problems     (PmPolicyEditor *self);
/* Show an API error above the form and mark the fields it names
 * ("name", "region", "rules[2].source", "rules.source" …). */
void            pm_policy_editor_show_error       (PmPolicyEditor *self,
                                                   const GError   *error);
/* The message the last failed save showed, or NULL. */
const char     *pm_policy_editor_get_error_text   (PmPolicyEditor *self);
gboolean        pm_policy_editor_get_busy         (PmPolicyEditor *self);
/* The entry for a field: "name", "description", "region", or
 * "rules[N].FIELD" with the API's field name. */
GtkWidget      *pm_policy_editor_get_field        (PmPolicyEditor *self,
                                                   const char     *field);
/* Whether a field is marked as wrong. */
gboolean        pm_policy_editor_field_has_error  (PmPolicyEditor *self,
                                                   const char     *field);
/* The entities the policy is applied to, as shown (GListModel of PmEntity). */
GListModel     *pm_policy_editor_get_applied_to   (PmPolicyEditor *self);
/* Apply the policy to one entity. */
void            pm_policy_editor_apply_to         (PmPolicyEditor *self,
                                                   PmEntity       *entity);
/* Applies it to several resources at once, as the "Applied to" picker's
 * Apply does: a bulk change with its results dialog (PmBulkOp); each one
 * it now holds joins the list. */
void            pm_policy_editor_apply_to_many    (PmPolicyEditor *self,
                                                   GPtrArray      *entities);
/* Import a policy file into the working copy; nothing is sent. */
gboolean        pm_policy_editor_import_bytes     (PmPolicyEditor *self,
                                                   GBytes         *bytes,
                                                   GError        **error);
/* The request body for export/copy (the API's shape). */
char           *pm_policy_editor_dup_json         (PmPolicyEditor *self);
char           *pm_policy_editor_dup_curl         (PmPolicyEditor *self);
/* The confirmation the editor presented and that is still open (discard,
 * impact before saving), or NULL. */
AdwAlertDialog *pm_policy_editor_get_dialog       (PmPolicyEditor *self);

G_END_DECLS
