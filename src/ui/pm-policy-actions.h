/* pm-policy-actions.h: deleting, applying and detaching policies, with
 * an impact preview first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pm-session.h"

G_BEGIN_DECLS

/* Called once an operation ends (success FALSE also when cancelled). */
typedef void (*PmPolicyActionDone) (gboolean success,
                                    gpointer user_data);

/* The resources a policy is applied to: its associations and the projects
 * whose traffic_filters name it, as PmEntity (from the entity store when
 * known). A new array of new references. */
GPtrArray *pm_policy_dup_entities        (PmSession   *session,
                                          PmPolicy    *policy);
/* The policies applied to an entity (new array of new references). */
GPtrArray *pm_entity_dup_policies        (PmSession   *session,
                                          PmEntity    *entity);
/* "Deployment", "Elasticsearch project" … for an entity type. */
const char *pm_entity_type_get_label     (const char  *entity_type);
/* Whether an entity can hold a policy: same flavour kind and same region. */
gboolean   pm_entity_can_hold_policy     (PmSession   *session,
                                          PmEntity    *entity,
                                          PmPolicy    *policy);

/* Whether the policy decides who may connect in (IP filter ingress and the
 * private connection types; not egress, not a type the app does not know). */
gboolean   pm_policy_filters_ingress     (PmPolicy    *policy);

/* What traffic is refused once these rules of a policy stop applying to
 * these entities (one sentence a line). rules NULL: all of its rules. */
char      *pm_policy_describe_impact     (PmPolicy    *policy,
                                          GPtrArray   *entities,
                                          GPtrArray   *rules);
/* The impact of saving `edited` over `original`: rules it loses on the
 * resources that hold it, or NULL when nothing is refused. First, when
 * one of my networks (Preferences) can no longer reach one of them, a
 * warning, and *lost (if non-NULL) is set. */
char      *pm_policy_describe_edit_impact (PmSession  *session,
                                           PmPolicy   *original,
                                           PmPolicy   *edited,
                                           gboolean   *lost);
/* Which of `networks` (addresses or CIDR blocks) can no longer reach
 * which of `entities` once `policy` is replaced by `edited` (NULL: once
 * it is taken away from them), one sentence a line; NULL when none. */
char      *pm_policy_describe_my_access   (PmSession          *session,
                                           PmPolicy           *policy,
                                           PmPolicy           *edited,
                                           GPtrArray          *entities,
                                           const char * const *networks);

/* Delete a policy: unassociated, after a destructive confirmation; still
 * associated, after listing the resources and offering "Detach and delete"
 * (first saying which of my networks would lose access to which of them).
 * Returns the dialog it presented (borrowed; responses "cancel", "delete",
 * "detach"), or NULL when confirm-destructive is off and none would. Either way the toast
 * offers Undo: the policy is created again (with a new id) and applied to
 * what held it. */
GtkWidget *pm_policy_actions_delete      (GtkWidget          *parent,
                                          PmSession          *session,
                                          PmPolicy           *policy,
                                          PmPolicyActionDone  done,
                                          gpointer            user_data);

/* Apply (associate) or detach a policy. Detaching confirms first with the
 * impact (unless confirm-destructive is off) and returns that dialog
 * (responses "cancel", "detach"), then offers Undo in its toast; applying
 * returns NULL. Either confirms first, whatever the setting, when one of
 * my networks (Preferences) would lose access (responses "cancel" and
 * "detach" or "apply"). A Serverless If-Match conflict presents a dialog (responses
 * "cancel", "reapply") instead of overwriting. */
GtkWidget *pm_policy_actions_set_applied (GtkWidget          *parent,
                                          PmSession          *session,
                                          PmPolicy           *policy,
                                          PmEntity           *entity,
                                          gboolean            apply,
                                          PmPolicyActionDone  done,
                                          gpointer            user_data);

/* The last dialog the actions presented and that is still open (for tests
 * and for keyboard focus), or NULL. */
GtkWidget *pm_policy_actions_get_dialog  (void);
/* Records a dialog presented elsewhere (bulk changes) as that last dialog. */
void       pm_policy_actions_set_dialog  (GtkWidget   *dialog);

/* Show a toast on the nearest AdwToastOverlay above widget. */
void       pm_policy_actions_toast       (GtkWidget   *widget,
                                          const char  *text);
/* A toast with an Undo button that calls undo (once, within the toast's
 * few seconds); data is freed with destroy when the toast goes. Returns
 * the toast (borrowed), or NULL when there is no overlay (undo is then
 * not offered and data is freed at once). */
typedef void (*PmUndoFunc) (gpointer data);
AdwToast  *pm_policy_actions_toast_with_undo (GtkWidget      *widget,
                                              const char     *text,
                                              PmUndoFunc      undo,
                                              gpointer        data,
                                              GDestroyNotify  destroy);
/* The last toast with Undo that is still shown (for tests), or NULL. */
AdwToast  *pm_policy_actions_get_undo_toast  (void);
/* The application's settings when its schema is installed and has key
 * (tests and tools may run without it), else NULL. */
GSettings *pm_app_settings_with_key      (const char *key);
/* Whether a destructive action from widget asks first: always when it
 * locks the user out (one of My networks loses access), when the GSettings
 * key confirm-destructive is on (or the schema is not installed), and
 * whenever there is no toast to offer Undo in. */
gboolean   pm_policy_actions_should_confirm (GtkWidget *widget,
                                             gboolean   locks_out);

/* A searchable list to pick one item from (an entity or a policy). */
typedef char *(*PmPickerLabelFunc) (gpointer item, gboolean subtitle);
typedef void  (*PmPickerChosenFunc) (gpointer item, gpointer user_data);
/* A deployment's or project's label in a picker: its name, or (subtitle)
 * "Deployment · us-east-1". */
char      *pm_entity_picker_label        (gpointer            item,
                                          gboolean            subtitle);
GtkWidget *pm_picker_present             (GtkWidget          *parent,
                                          const char         *title,
                                          GListModel         *items,
                                          PmPickerLabelFunc   label,
                                          PmPickerChosenFunc  chosen,
                                          gpointer            user_data,
                                          GDestroyNotify      destroy);
/* The same list with a check on each row (kept while searching) and
 * Cancel and Apply in the header: Apply calls chosen with the checked
 * items, in the list's order. */
typedef void  (*PmPickerChosenManyFunc) (GPtrArray *items, gpointer user_data);
GtkWidget *pm_picker_present_many        (GtkWidget              *parent,
                                          const char             *title,
                                          GListModel             *items,
                                          PmPickerLabelFunc       label,
                                          PmPickerChosenManyFunc  chosen,
                                          gpointer                user_data,
                                          GDestroyNotify          destroy);

/* The picker for a bulk apply or detach of selected items (all policies
 * or all entities, non-empty): lists the other kind, keeping to apply
 * those that fit one of them (pm_entity_can_hold_policy) and to detach
 * those linked to one of them, then calls chosen (page, picked item,
 * apply). page is kept alive while the picker is open. */
typedef void (*PmBulkPickFunc) (GtkWidget *page,
                                gpointer   item,
                                gboolean   apply);
GtkWidget *pm_bulk_pick_present          (GtkWidget          *page,
                                          PmSession          *session,
                                          GPtrArray          *selected,
                                          gboolean            apply,
                                          const char         *title,
                                          PmPickerLabelFunc   label,
                                          PmBulkPickFunc      chosen);

G_END_DECLS
