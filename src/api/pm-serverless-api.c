/* pm-serverless-api.c: PmApi for Elastic Cloud Serverless
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "perimeter"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pm-background.h"
#include "pm-api-private.h"
#include "pm-serverless-api.h"
#include "pm-region.h"

#define FILTERS   "/api/v1/serverless/traffic-filters"
#define PROJECTS  "/api/v1/serverless/projects"

/* What one listing (a refresh of one store) may send and take, whatever
 * the pages say: the largest organization in pages of 100 is 11 pages of
 * policies and 100 of projects; these leave room for pages of 25. */
#define DEFAULT_BUDGET_REQUESTS 500
#define DEFAULT_BUDGET_SECONDS  120

static const char * const project_types[] = { "elasticsearch", "observability", "security", NULL };

typedef struct _SharedProjects SharedProjects;

struct _PmServerlessApi
{
  GObject  parent_instance;

  PmHttp  *http;
  SharedProjects *projects;   /* the listing of every project under way, if any */
  guint    budget_requests;   /* what one listing may send and take */
  guint    budget_seconds;
};

static void pm_serverless_api_iface_init (PmApiInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PmServerlessApi, pm_serverless_api, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PM_TYPE_API, pm_serverless_api_iface_init))

enum {
  PROP_0,
  PROP_HTTP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pm_serverless_api_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PmServerlessApi *self = PM_SERVERLESS_API (object);

  switch (prop_id)
    {
    case PROP_HTTP:
      g_value_set_object (value, self->http);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_serverless_api_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  PmServerlessApi *self = PM_SERVERLESS_API (object);

  switch (prop_id)
    {
    case PROP_HTTP:
      self->http = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pm_serverless_api_dispose (GObject *object)
{
  PmServerlessApi *self = PM_SERVERLESS_API (object);

  g_clear_object (&self->http);

  G_OBJECT_CLASS (pm_serverless_api_parent_class)->dispose (object);
}

static void
pm_serverless_api_class_init (PmServerlessApiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pm_serverless_api_get_property;
  object_class->set_property = pm_serverless_api_set_property;
  object_class->dispose = pm_serverless_api_dispose;

  properties[PROP_HTTP] =
    g_param_spec_object ("http", NULL, NULL, PM_TYPE_HTTP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pm_serverless_api_init (PmServerlessApi *self)
{
  self->budget_requests = DEFAULT_BUDGET_REQUESTS;
  self->budget_seconds = DEFAULT_BUDGET_SECONDS;
}

PmServerlessApi *
pm_serverless_api_new (PmHttp *http)
{
  g_return_val_if_fail (PM_IS_HTTP (http), NULL);

  return g_object_new (PM_TYPE_SERVERLESS_API, "http", http, NULL);
}

PmHttp *
pm_serverless_api_get_http (PmServerlessApi *self)
{
  g_return_val_if_fail (PM_IS_SERVERLESS_API (self), NULL);

  return self->http;
}

void
pm_serverless_api_set_budget (PmServerlessApi *self,
                              guint            max_requests,
                              guint            max_seconds)
{
  g_return_if_fail (PM_IS_SERVERLESS_API (self));

  self->budget_requests = MAX (max_requests, 1);
  self->budget_seconds = MAX (max_seconds, 1);
}

static PmFlavour
pm_serverless_api_get_flavour (PmApi *api)
{
  return PM_FLAVOUR_SERVERLESS;
}

static GTask *
new_task (PmServerlessApi     *self,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static char *
filter_path (const char *id)
{
  g_autofree char *escaped = pm_api_escape (id);

  return g_strconcat (FILTERS "/", escaped, NULL);
}

static char *
project_path (PmEntity *entity)
{
  g_autofree char *type = pm_api_escape (pm_entity_get_entity_type (entity));
  g_autofree char *id = pm_api_escape (pm_entity_get_id (entity));

  return g_strconcat (PROJECTS "/", type, "/", id, NULL);
}

/* Readers (worker thread) */

typedef struct
{
  GPtrArray *items;
  char      *next_page;
} Page;

static void
page_free (gpointer data)
{
  Page *page = data;

  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_free (page->next_page);
  g_free (page);
}

static gpointer
read_policy_page_bytes (GBytes    *bytes,
                        PmFlavour  flavour,
                        GError   **error)
{
  Page *page = g_new0 (Page, 1);

  page->items = pm_json_read_policy_list_bytes (bytes, flavour, &page->next_page, error);
  if (page->items == NULL)
    g_clear_pointer (&page, page_free);
  return page;
}

static gpointer
read_project_page_bytes (GBytes    *bytes,
                         PmFlavour  flavour,
                         GError   **error)
{
  Page *page = g_new0 (Page, 1);

  page->items = pm_json_read_project_list_bytes (bytes, &page->next_page, error);
  if (page->items == NULL)
    g_clear_pointer (&page, page_free);
  return page;
}

static gpointer
read_project (JsonNode  *node,
              PmFlavour  flavour,
              GError   **error)
{
  return pm_json_read_project (node, error);
}

static gpointer
read_metadata (JsonNode  *node,
               PmFlavour  flavour,
               GError   **error)
{
  return pm_json_read_metadata (node, error);
}

/* Collecting every page of one or more lists: the lists side by side,
 * each one page after another (a page names the next). Listing the three
 * project types one after another made a large organization wait for each
 * page's reply and reading in turn. */

typedef struct
{
  GStrv          paths;
  PmApiReadBytesFunc reader;
  GPtrArray    **items;       /* each list's, in the order of paths */
  guint          pending;     /* lists still being read */
  GError        *error;       /* the first list that failed */
  SharedProjects *shared;     /* a shared listing, no longer joined once a page is in */
  guint          max_items;   /* what one list can hold at the most */
  guint          n_left_out;  /* entries the pages' reader left out */
  GString       *notice;      /* why a pager was stopped, or NULL */
  guint          requests;    /* pages asked for, every list's */
  gint64         started_us;
} Collect;

/* One list being read. */
typedef struct
{
  GTask      *task;           /* the collect, owned */
  guint       index;
  char       *next_page;
  guint       pages;
  GHashTable *cursors;        /* every next_page seen in this list */
  GHashTable *ids;            /* every item's id seen in this list */
} Chain;

/* Serverless holds at most 1,024 policies per organization. Projects have
 * no published bound: as many of a type as the benchmark's largest
 * organization has deployments. */
#define PM_MAX_POLICIES_SERVERLESS 1024
#define MAX_PROJECTS_PER_TYPE 10000

/* Never trust that a server pages as it should: a pager that repeats a
 * cursor (or comes back to one: a cycle), sends an empty page that still
 * names a next one, sends nothing new, or sends more than an organization
 * can hold is stopped. What it sent is kept and shown, with a notice; one
 * such bug on the server side made a client that followed it send 20,000
 * requests in 30 seconds. */
static const char *
stop_reason (Chain      *chain,
             Collect    *collect,
             GPtrArray  *page_items,
             guint       new_items)
{
  GPtrArray *items = collect->items[chain->index];

  if (page_items->len == 0)
    return _("The server sent an empty page that still named another");
  if (new_items == 0)
    return _("The server sent a page with nothing new on it");
  if (g_hash_table_contains (chain->cursors, chain->next_page))
    return _("The server sent a page it had sent before");
  if (items->len >= collect->max_items || chain->pages >= collect->max_items)
    return _("The server kept sending pages past what an organization can hold");
  return NULL;
}

/* Past the listing's budget, however well the server pages */
static const char *
over_budget (PmServerlessApi *self,
             Collect         *collect)
{
  if (collect->requests >= self->budget_requests)
    return _("The list took more requests than Perimeter sends for one refresh");
  if (g_get_monotonic_time () - collect->started_us >= (gint64) self->budget_seconds * G_USEC_PER_SEC)
    return _("The list took longer than Perimeter waits for one refresh");
  return NULL;
}

static const char *
item_id (gpointer item)
{
  if (PM_IS_POLICY (item))
    return pm_policy_get_id (item);
  return PM_IS_ENTITY (item) ? pm_entity_get_id (item) : NULL;
}

static void
collect_free (gpointer data)
{
  Collect *collect = data;

  for (guint i = 0; collect->paths[i] != NULL; i++)
    g_clear_pointer (&collect->items[i], g_ptr_array_unref);
  g_free (collect->items);
  g_strfreev (collect->paths);
  g_clear_error (&collect->error);
  if (collect->notice != NULL)
    g_string_free (collect->notice, TRUE);
  g_free (collect);
}

static void collect_next (Chain *chain);
static void detach_shared (SharedProjects *shared);

/* A list is read to its end (or failed): the last one returns them all. */
static void
chain_done (Chain *chain)
{
  g_autoptr(GTask) task = chain->task;
  Collect *collect = g_task_get_task_data (task);
  GPtrArray *all;

  g_free (chain->next_page);
  g_hash_table_unref (chain->cursors);
  g_hash_table_unref (chain->ids);
  g_free (chain);
  if (--collect->pending > 0)
    return;

  if (collect->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&collect->error));
      return;
    }
  pm_api_task_note_left_out (task, collect->n_left_out);
  if (collect->notice != NULL)
    pm_api_task_add_notice (task, collect->notice->str);
  all = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; collect->paths[i] != NULL; i++)
    g_ptr_array_extend_and_steal (all, g_steal_pointer (&collect->items[i]));
  g_task_return_pointer (task, all, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_collect_page (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Chain *chain = user_data;
  Collect *collect = g_task_get_task_data (chain->task);
  GError *error = NULL;
  const char *stop = NULL;
  guint new_items = 0;
  Page *page;

  page = pm_api_call_finish (result, NULL, &error);
  collect->n_left_out += pm_api_call_get_left_out (result);
  if (page == NULL)
    {
      if (collect->error == NULL)
        collect->error = error;
      else
        g_error_free (error);
      chain_done (chain);
      return;
    }

  if (collect->shared != NULL)
    {
      detach_shared (collect->shared);
      collect->shared = NULL;
    }
  chain->pages++;
  /* An item seen before on another page (a repeat) is not kept twice. */
  for (guint i = 0; i < page->items->len; i++)
    {
      const char *id = item_id (page->items->pdata[i]);

      if (id != NULL && g_hash_table_add (chain->ids, g_strdup (id)))
        {
          g_ptr_array_add (collect->items[chain->index], g_object_ref (page->items->pdata[i]));
          new_items++;
        }
    }
  if (chain->next_page != NULL)
    g_hash_table_add (chain->cursors, g_steal_pointer (&chain->next_page));
  chain->next_page = g_steal_pointer (&page->next_page);
  if (chain->next_page != NULL && *chain->next_page != '\0')
    {
      stop = stop_reason (chain, collect, page->items, new_items);
      if (stop == NULL)
        stop = over_budget (g_task_get_source_object (chain->task), collect);
    }
  page_free (page);

  if (stop != NULL)
    {
      g_autofree char *notice = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                              "%s; Perimeter stopped after %u page and shows what it held.",
                                                              "%s; Perimeter stopped after %u pages and shows what they held.",
                                                              chain->pages), stop, chain->pages);

      g_message ("%s: %s", collect->paths[chain->index], notice);
      if (collect->notice == NULL)
        collect->notice = g_string_new (notice);
      else if (strstr (collect->notice->str, notice) == NULL)
        g_string_append_printf (collect->notice, "\n%s", notice);
    }
  /* Another list failed: this one's further pages would be thrown away. */
  if (stop != NULL || chain->next_page == NULL || *chain->next_page == '\0' || collect->error != NULL)
    {
      chain_done (chain);
      return;
    }
  collect_next (chain);
}

static void
collect_next (Chain *chain)
{
  PmServerlessApi *self = g_task_get_source_object (chain->task);
  Collect *collect = g_task_get_task_data (chain->task);
  g_autoptr(GString) path = g_string_new (collect->paths[chain->index]);

  if (chain->next_page != NULL && *chain->next_page != '\0')
    pm_api_append_query (path, "next_page", chain->next_page);

  collect->requests++;
  pm_api_call_list_async (self->http, path->str,
                          collect->reader, PM_FLAVOUR_SERVERLESS, page_free,
                          g_task_get_cancellable (chain->task), on_collect_page, chain);
}

/* Every item of the lists at paths (NULL-terminated, at least one), as one
 * GPtrArray in the order of paths. */
static void
collect_async (PmServerlessApi     *self,
               GStrv                paths,
               PmApiReadBytesFunc   reader,
               SharedProjects      *shared,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = new_task (self, cancellable, callback, user_data, collect_async);
  Collect *collect = g_new0 (Collect, 1);
  guint n = g_strv_length (paths);

  collect->paths = paths;
  collect->reader = reader;
  collect->max_items = reader == read_policy_page_bytes ? PM_MAX_POLICIES_SERVERLESS : MAX_PROJECTS_PER_TYPE;
  collect->shared = shared;
  collect->started_us = g_get_monotonic_time ();
  collect->items = g_new0 (GPtrArray *, n + 1);
  collect->pending = n;
  g_task_set_task_data (task, collect, collect_free);

  for (guint i = 0; i < n; i++)
    {
      Chain *chain = g_new0 (Chain, 1);

      collect->items[i] = g_ptr_array_new_with_free_func (g_object_unref);
      chain->task = g_object_ref (task);
      chain->index = i;
      chain->cursors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      chain->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      collect_next (chain);
    }
}

/* What a collect had to say, said by another task too */
static void
forward_notice (GAsyncResult *result,
                GTask        *to)
{
  const char *notice = pm_api_get_notice (result);

  if (notice != NULL)
    pm_api_task_add_notice (to, notice);
}

/* outer (nullable) is given the collect's notices. */
static GPtrArray *
collect_finish (GAsyncResult  *result,
                GTask         *outer,
                GError       **error)
{
  if (outer != NULL)
    forward_notice (result, outer);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
collect_policies_async (PmServerlessApi     *self,
                        const char          *region,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GString) path = g_string_new (FILTERS);
  GStrv paths = g_new0 (char *, 2);

  pm_api_append_query (path, "region", region);
  paths[0] = g_strdup (path->str);
  collect_async (self, paths, read_policy_page_bytes, NULL, cancellable, callback, user_data);
}

static void
collect_projects_async (PmServerlessApi     *self,
                        const char          *traffic_filter,
                        SharedProjects      *shared,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GStrv paths = g_new0 (char *, G_N_ELEMENTS (project_types));
  guint i;

  for (i = 0; project_types[i] != NULL; i++)
    {
      g_autoptr(GString) path = g_string_new (PROJECTS "/");

      g_string_append (path, project_types[i]);
      pm_api_append_query (path, "traffic_filter", traffic_filter);
      paths[i] = g_string_free (g_steal_pointer (&path), FALSE);
    }
  collect_async (self, paths, read_project_page_bytes, shared, cancellable, callback, user_data);
}

/* Every project, listed once for all who ask while the listing has not
 * received anything yet: a refresh lists the projects for the entity store
 * and again for the policies' associations; listing every page twice
 * doubled a large organization's load. */

struct _SharedProjects
{
  PmServerlessApi *self;
  GCancellable    *cancellable;   /* cancelled when no one waits any more */
  GPtrArray       *waiters;       /* of GTask, owned */
};

typedef struct
{
  SharedProjects *shared;
  GSource        *cancel_source;
} Waiter;

static void
waiter_free (gpointer data)
{
  Waiter *waiter = data;

  if (waiter->cancel_source != NULL)
    {
      g_source_destroy (waiter->cancel_source);
      g_source_unref (waiter->cancel_source);
    }
  g_free (waiter);
}

static void
shared_projects_free (SharedProjects *shared)
{
  g_clear_object (&shared->cancellable);
  g_ptr_array_unref (shared->waiters);
  g_free (shared);
}

static void
detach_shared (SharedProjects *shared)
{
  if (shared->self != NULL && shared->self->projects == shared)
    shared->self->projects = NULL;
  shared->self = NULL;
}

static gboolean
on_waiter_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Waiter *waiter = g_task_get_task_data (task);
  SharedProjects *shared = waiter->shared;

  g_clear_pointer (&waiter->cancel_source, g_source_unref);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("The listing was cancelled."));
  /* The last one gone: stop listing, and let the next caller start anew. */
  g_ptr_array_remove (shared->waiters, task);
  if (shared->waiters->len == 0)
    {
      detach_shared (shared);
      g_cancellable_cancel (shared->cancellable);
    }
  return G_SOURCE_REMOVE;
}

static void
on_shared_projects (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SharedProjects *shared = user_data;
  g_autoptr(GPtrArray) projects = NULL;
  g_autoptr(GError) error = NULL;

  detach_shared (shared);
  for (guint i = 0; i < shared->waiters->len; i++)
    forward_notice (result, shared->waiters->pdata[i]);
  projects = collect_finish (result, NULL, &error);
  for (guint i = 0; i < shared->waiters->len; i++)
    {
      GTask *task = shared->waiters->pdata[i];
      Waiter *waiter = g_task_get_task_data (task);

      if (waiter->cancel_source != NULL)
        {
          g_source_destroy (waiter->cancel_source);
          g_clear_pointer (&waiter->cancel_source, g_source_unref);
        }
      if (projects == NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        {
          GPtrArray *copy = g_ptr_array_new_full (projects->len, g_object_unref);

          for (guint k = 0; k < projects->len; k++)
            g_ptr_array_add (copy, g_object_ref (projects->pdata[k]));
          g_task_return_pointer (task, copy, (GDestroyNotify) g_ptr_array_unref);
        }
    }
  shared_projects_free (shared);
}

static void
list_all_projects_async (PmServerlessApi     *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = new_task (self, cancellable, callback, user_data, list_all_projects_async);
  SharedProjects *shared = self->projects;
  Waiter *waiter = g_new0 (Waiter, 1);

  /* A listing that has received pages already would give what the server
   * held before this call: start another. */
  if (shared == NULL)
    {
      shared = g_new0 (SharedProjects, 1);
      shared->self = self;
      shared->cancellable = g_cancellable_new ();
      shared->waiters = g_ptr_array_new_with_free_func (g_object_unref);
      self->projects = shared;
      collect_projects_async (self, NULL, shared, shared->cancellable, on_shared_projects, shared);
    }

  waiter->shared = shared;
  g_task_set_task_data (task, waiter, waiter_free);
  if (cancellable != NULL)
    {
      waiter->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (waiter->cancel_source, G_SOURCE_FUNC (on_waiter_cancelled), task, NULL);
      g_source_attach (waiter->cancel_source, g_task_get_context (task));
    }
  g_ptr_array_add (shared->waiters, task);
}

static gboolean
entity_has_policy (PmEntity   *entity,
                   const char *policy_id)
{
  const char * const *ids = pm_entity_get_policy_ids (entity);

  return ids != NULL && g_strv_contains (ids, policy_id);
}

static GPtrArray *
associations_of (GPtrArray  *projects,
                 const char *policy_id)
{
  GPtrArray *associations = g_ptr_array_new_with_free_func (g_object_unref);
  guint i;

  for (i = 0; i < projects->len; i++)
    {
      PmEntity *project = g_ptr_array_index (projects, i);

      if (entity_has_policy (project, policy_id))
        g_ptr_array_add (associations,
                         pm_association_new (pm_entity_get_entity_type (project),
                                             pm_entity_get_id (project)));
    }
  return associations;
}

/* list */

typedef struct
{
  GPtrArray *policies;
  GPtrArray *projects;
  GError    *error;
  guint      pending;
} ListPolicies;

static void
list_policies_free (gpointer data)
{
  ListPolicies *list = data;

  g_clear_pointer (&list->policies, g_ptr_array_unref);
  g_clear_pointer (&list->projects, g_ptr_array_unref);
  g_clear_error (&list->error);
  g_free (list);
}

/* Policies and projects are listed side by side; the associations are
 * made once both are in, in a worker thread: the pass over thousands of
 * projects, and dropping them (the last reference, unless the entity store
 * shares the listing), took tens of milliseconds of the main loop. The
 * policies are new and seen by no one else yet; the projects are only
 * read. */
static void
associate_worker (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ListPolicies *list = task_data;
  g_autoptr(GHashTable) by_policy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) g_ptr_array_unref);

  /* One pass over the projects, not one per policy. */
  for (guint i = 0; i < list->projects->len; i++)
    {
      PmEntity *project = g_ptr_array_index (list->projects, i);
      const char * const *ids = pm_entity_get_policy_ids (project);

      for (guint k = 0; ids != NULL && ids[k] != NULL; k++)
        {
          GPtrArray *associations = g_hash_table_lookup (by_policy, ids[k]);

          if (associations == NULL)
            {
              associations = g_ptr_array_new_with_free_func (g_object_unref);
              g_hash_table_insert (by_policy, g_strdup (ids[k]), associations);
            }
          g_ptr_array_add (associations, pm_association_new (pm_entity_get_entity_type (project),
                                                             pm_entity_get_id (project)));
        }
    }
  for (guint i = 0; i < list->policies->len; i++)
    {
      PmPolicy *policy = g_ptr_array_index (list->policies, i);
      GPtrArray *associations = g_hash_table_lookup (by_policy, pm_policy_get_id (policy));
      g_autoptr(GPtrArray) none = NULL;

      if (associations == NULL)
        associations = none = g_ptr_array_new ();
      pm_policy_set_associations (policy, associations, associations->len);
    }
  g_clear_pointer (&list->projects, g_ptr_array_unref);
  g_task_return_pointer (task, g_steal_pointer (&list->policies), (GDestroyNotify) g_ptr_array_unref);
}

static void
list_policies_done (GTask *task)
{
  ListPolicies *list = g_task_get_task_data (task);

  if (--list->pending > 0)
    return;
  if (list->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&list->error));
      return;
    }
  if (list->projects != NULL)
    {
      pm_background_run (task, associate_worker);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&list->policies), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_list_projects_for_associations (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListPolicies *list = g_task_get_task_data (task);
  GError *error = NULL;

  list->projects = g_task_propagate_pointer (G_TASK (result), &error);
  if (list->projects == NULL && list->error == NULL)
    list->error = error;
  else
    g_clear_error (&error);
  list_policies_done (task);
}

static void
on_list_policies (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListPolicies *list = g_task_get_task_data (task);
  GError *error = NULL;

  list->policies = collect_finish (result, task, &error);
  if (list->policies == NULL)
    {
      g_clear_error (&list->error);
      list->error = error;
    }
  list_policies_done (task);
}

static void
pm_serverless_api_list_policies_async (PmApi               *api,
                                       const char          *region,
                                       PmApiListFlags       flags,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  PmServerlessApi *self = PM_SERVERLESS_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_serverless_api_list_policies_async);
  ListPolicies *list = g_new0 (ListPolicies, 1);

  g_task_set_task_data (task, list, list_policies_free);
  list->pending = 1;
  if (flags & PM_API_LIST_INCLUDE_ASSOCIATIONS)
    {
      list->pending++;
      list_all_projects_async (self, cancellable, on_list_projects_for_associations, g_object_ref (task));
    }
  collect_policies_async (self, region, cancellable, on_list_policies, task);
}

/* show, update: a policy and its ETag */

static void
on_policy_with_etag (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autofree char *etag = NULL;
  GError *error = NULL;
  PmPolicy *policy;

  policy = pm_api_call_finish (result, &etag, &error);
  if (policy == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (etag != NULL)
    pm_policy_set_etag (policy, etag);
  g_task_return_pointer (task, policy, g_object_unref);
}

static void
pm_serverless_api_get_policy_async (PmApi               *api,
                                    const char          *id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  PmServerlessApi *self = PM_SERVERLESS_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_serverless_api_get_policy_async);
  g_autofree char *path = filter_path (id);

  pm_api_call_async (self->http, "GET", path, NULL, NULL,
                     pm_api_read_policy, PM_FLAVOUR_SERVERLESS, g_object_unref,
                     cancellable, on_policy_with_etag, task);
}

static void
pm_serverless_api_update_policy_async (PmApi               *api,
                                       PmPolicy            *policy,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  PmServerlessApi *self = PM_SERVERLESS_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_serverless_api_update_policy_async);
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  if (pm_policy_get_id (policy) == NULL)
    {
      g_task_return_new_error (task, PM_API_ERROR, PM_API_ERROR_INVALID,
                               _("This policy has not been created yet, so it cannot be updated."));
      g_object_unref (task);
      return;
    }

  path = filter_path (pm_policy_get_id (policy));
  body = pm_json_write_policy_patch (policy);
  pm_api_call_async (self->http, "PATCH", path, body, pm_policy_get_etag (policy),
                     pm_api_read_policy, PM_FLAVOUR_SERVERLESS, g_object_unref,
                     cancellable, on_policy_with_etag, task);
}

/* create: never sent twice; a lost reply is reconciled by listing */

typedef struct
{
  PmPolicy   *policy;
  GHashTable *before;
  gboolean    unlisted;
  GError     *post_error;
} Create;

static void
create_free (gpointer data)
{
  Create *create = data;

  g_clear_object (&create->policy);
  g_clear_pointer (&create->before, g_hash_table_unref);
  g_clear_error (&create->post_error);
  g_free (create);
}

static void
on_reconcile_list (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) policies = NULL;
  g_autoptr(GError) error = NULL;
  Create *create = g_task_get_task_data (task);
  guint i;

  policies = collect_finish (result, NULL, &error);
  for (i = 0; policies != NULL && i < policies->len; i++)
    {
      PmPolicy *found = g_ptr_array_index (policies, i);

      if (!g_hash_table_contains (create->before, pm_policy_get_id (found))
          && pm_api_policy_matches (create->policy, found))
        {
          g_debug ("the lost create made traffic filter %s", pm_policy_get_id (found));
          g_task_return_pointer (task, g_object_ref (found), g_object_unref);
          return;
        }
    }

  g_task_return_error (task, g_steal_pointer (&create->post_error));
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autofree char *etag = NULL;
  PmServerlessApi *self = g_task_get_source_object (task);
  Create *create = g_task_get_task_data (task);
  GError *error = NULL;
  PmPolicy *policy;

  policy = pm_api_call_finish (result, &etag, &error);
  if (policy != NULL)
    {
      if (etag != NULL)
        pm_policy_set_etag (policy, etag);
      g_task_return_pointer (task, policy, g_object_unref);
      return;
    }

  if (!pm_api_error_may_have_acted (error) || create->unlisted)
    {
      g_task_return_error (task, error);
      return;
    }

  g_debug ("create answered “%s”; reconciling by listing", error->message);
  create->post_error = error;
  collect_policies_async (self, pm_policy_get_region (create->policy),
                          g_task_get_cancellable (task), on_reconcile_list, g_object_ref (task));
}

static void
on_before_list (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) policies = NULL;
  g_autoptr(JsonNode) body = NULL;
  PmServerlessApi *self = g_task_get_source_object (task);
  Create *create = g_task_get_task_data (task);
  GError *error = NULL;
  guint i;

  policies = collect_finish (result, NULL, &error);
  if (policies == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Without the list (a key that may create but not list, say) the create
   * still goes ahead; only a lost reply then cannot be recognised. */
  if (policies == NULL)
    {
      g_debug ("listing before a create failed (%s); a lost reply will not be reconciled",
               error->message);
      g_clear_error (&error);
      create->unlisted = TRUE;
    }
  create->before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (i = 0; policies != NULL && i < policies->len; i++)
    g_hash_table_add (create->before, g_strdup (pm_policy_get_id (g_ptr_array_index (policies, i))));

  body = pm_json_write_policy_request (create->policy);
  pm_api_call_async (self->http, "POST", FILTERS, body, NULL,
                     pm_api_read_policy, PM_FLAVOUR_SERVERLESS, g_object_unref,
                     g_task_get_cancellable (task), on_created, g_object_ref (task));
}

static void
pm_serverless_api_create_policy_async (PmApi               *api,
                                       PmPolicy            *policy,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  PmServerlessApi *self = PM_SERVERLESS_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_serverless_api_create_policy_async);
  Create *create = g_new0 (Create, 1);

  create->policy = pm_policy_copy (policy);
  g_task_set_task_data (task, create, create_free);
  collect_policies_async (self, pm_policy_get_region (policy), cancellable, on_before_list, task);
}

static void
pm_serverless_api_delete_policy_async (PmApi               *api,
                                       const char          *id,
                                       gboolean             ignore_associations,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  PmServerlessApi *self = PM_SERVERLESS_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_serverless_api_delete_policy_async);
  g_autofree char *path = filter_path (id);

  pm_api_call_async (self->http, "DELETE", path, NULL, NULL, NULL, PM_FLAVOUR_SERVERLESS, NULL,
                     cancellable, pm_api_forward_boolean, task);
}

/* associations: derived from the projects */

static void
on_list_associations (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) projects = NULL;
  const char *policy_id = g_task_get_task_data (task);
  GError *error = NULL;

  projects = collect_finish (result, NULL, &error);
  if (projects == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, associations_of (projects, policy_id), (GDestroyNotify) g_ptr_array_unref);
}

static void
pm_serverless_api_list_associations_async (PmApi               *api,
                                           const char          *policy_id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  PmServerlessApi *self = PM_SERVERLESS_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_serverless_api_list_associations_async);

  g_task_set_task_data (task, g_strdup (policy_id), g_free);
  collect_projects_async (self, policy_id, NULL, cancellable, on_list_associations, task);
}

/* associate, disassociate: read-modify-write of the project's complete
 * traffic_filters, guarded by If-Match */

typedef struct
{
  char     *policy_id;
  PmEntity *entity;
  gboolean  add;
} Membership;

static void
membership_free (gpointer data)
{
  Membership *change = data;

  g_free (change->policy_id);
  g_clear_object (&change->entity);
  g_free (change);
}

static void
on_project_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(PmEntity) project = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *path = NULL;
  PmServerlessApi *self = g_task_get_source_object (task);
  Membership *change = g_task_get_task_data (task);
  const char * const *current;
  GError *error = NULL;
  gboolean present;
  guint i;

  project = pm_api_call_finish (result, &etag, &error);
  if (project == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Lenient in, strict out: a PATCH of a list Perimeter could not read
   * whole would drop what it could not read. */
  if (pm_entity_get_policy_ids_partial (project))
    {
      g_task_return_new_error (task, PM_API_ERROR, PM_API_ERROR_UNSUPPORTED,
                               _("The project’s list of policies holds entries Perimeter cannot read, "
                                 "so it is not changed from here; change its policies in the Elastic Cloud console."));
      return;
    }
  current = pm_entity_get_policy_ids (project);
  present = entity_has_policy (project, change->policy_id);
  if (present == change->add)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  ids = g_ptr_array_new ();
  for (i = 0; current != NULL && current[i] != NULL; i++)
    if (!g_str_equal (current[i], change->policy_id))
      g_ptr_array_add (ids, (gpointer) current[i]);
  if (change->add)
    g_ptr_array_add (ids, change->policy_id);
  g_ptr_array_add (ids, NULL);

  body = pm_json_write_project_patch ((const char * const *) ids->pdata);
  path = project_path (change->entity);
  g_debug ("%s traffic filter %s %s project %s (ETag %s)",
           change->add ? "adding" : "removing", change->policy_id,
           change->add ? "to" : "from", pm_entity_get_id (change->entity),
           etag != NULL ? etag : "none");
  pm_api_call_async (self->http, "PATCH", path, body, etag, NULL, PM_FLAVOUR_SERVERLESS, NULL,
                     g_task_get_cancellable (task), pm_api_forward_boolean, g_object_ref (task));
}

static void
change_membership (PmServerlessApi     *self,
                   const char          *policy_id,
                   PmEntity            *entity,
                   gboolean             add,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data,
                   gpointer             source_tag)
{
  GTask *task = new_task (self, cancellable, callback, user_data, source_tag);
  g_autofree char *path = NULL;
  Membership *change;

  if (pm_entity_get_kind (entity) != PM_ENTITY_KIND_PROJECT)
    {
      g_task_return_new_error (task, PM_API_ERROR, PM_API_ERROR_UNSUPPORTED,
                               _("Serverless policies apply to projects, not deployments."));
      g_object_unref (task);
      return;
    }

  change = g_new0 (Membership, 1);
  change->policy_id = g_strdup (policy_id);
  change->entity = g_object_ref (entity);
  change->add = add;
  g_task_set_task_data (task, change, membership_free);

  path = project_path (entity);
  pm_api_call_async (self->http, "GET", path, NULL, NULL,
                     read_project, PM_FLAVOUR_SERVERLESS, g_object_unref,
                     cancellable, on_project_read, task);
}

static void
pm_serverless_api_associate_async (PmApi               *api,
                                   const char          *policy_id,
                                   PmEntity            *entity,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  change_membership (PM_SERVERLESS_API (api), policy_id, entity, TRUE,
                     cancellable, callback, user_data, pm_serverless_api_associate_async);
}

static void
pm_serverless_api_disassociate_async (PmApi               *api,
                                      const char          *policy_id,
                                      PmEntity            *entity,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  change_membership (PM_SERVERLESS_API (api), policy_id, entity, FALSE,
                     cancellable, callback, user_data, pm_serverless_api_disassociate_async);
}

/* a project's policies: its traffic_filters, fresh, resolved by listing */

static void
on_entity_policies_list (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) policies = NULL;
  PmEntity *project = g_task_get_task_data (task);
  GPtrArray *mine;
  GError *error = NULL;
  guint i;

  policies = collect_finish (result, NULL, &error);
  if (policies == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  mine = g_ptr_array_new_with_free_func (g_object_unref);
  for (i = 0; i < policies->len; i++)
    {
      PmPolicy *policy = g_ptr_array_index (policies, i);

      if (entity_has_policy (project, pm_policy_get_id (policy)))
        g_ptr_array_add (mine, g_object_ref (policy));
    }
  g_task_return_pointer (task, mine, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_entity_policies_project (GObject      *source,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PmServerlessApi *self = g_task_get_source_object (task);
  GError *error = NULL;
  PmEntity *project;

  project = pm_api_call_finish (result, NULL, &error);
  if (project == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_set_task_data (task, project, g_object_unref);
  collect_policies_async (self, NULL, g_task_get_cancellable (task),
                          on_entity_policies_list, g_object_ref (task));
}

static void
pm_serverless_api_list_entity_policies_async (PmApi               *api,
                                              PmEntity            *entity,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  PmServerlessApi *self = PM_SERVERLESS_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_serverless_api_list_entity_policies_async);
  g_autofree char *path = project_path (entity);

  pm_api_call_async (self->http, "GET", path, NULL, NULL,
                     read_project, PM_FLAVOUR_SERVERLESS, g_object_unref,
                     cancellable, on_entity_policies_project, task);
}

static void
on_list_entities (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *projects = collect_finish (result, task, &error);

  if (projects == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, projects, (GDestroyNotify) g_ptr_array_unref);
}

static void
pm_serverless_api_list_entities_async (PmApi               *api,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  PmServerlessApi *self = PM_SERVERLESS_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_serverless_api_list_entities_async);

  list_all_projects_async (self, cancellable, on_list_entities, task);
}

static void
pm_serverless_api_get_metadata_async (PmApi               *api,
                                      const char          *region,
                                      PmProvider           provider,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  PmServerlessApi *self = PM_SERVERLESS_API (api);
  GTask *task = new_task (self, cancellable, callback, user_data, pm_serverless_api_get_metadata_async);
  g_autoptr(GString) path = g_string_new (FILTERS "/metadata");

  pm_api_append_query (path, "region", region);
  if (provider != PM_PROVIDER_NONE)
    pm_api_append_query (path, "csp", pm_provider_to_string (provider));
  pm_api_call_async (self->http, "GET", path->str, NULL, NULL,
                     read_metadata, PM_FLAVOUR_SERVERLESS, (GDestroyNotify) g_ptr_array_unref,
                     cancellable, pm_api_forward_array, task);
}

static void
pm_serverless_api_iface_init (PmApiInterface *iface)
{
  iface->get_flavour = pm_serverless_api_get_flavour;
  iface->list_policies_async = pm_serverless_api_list_policies_async;
  iface->list_policies_finish = pm_api_propagate_array;
  iface->get_policy_async = pm_serverless_api_get_policy_async;
  iface->get_policy_finish = pm_api_propagate_policy;
  iface->create_policy_async = pm_serverless_api_create_policy_async;
  iface->create_policy_finish = pm_api_propagate_policy;
  iface->update_policy_async = pm_serverless_api_update_policy_async;
  iface->update_policy_finish = pm_api_propagate_policy;
  iface->delete_policy_async = pm_serverless_api_delete_policy_async;
  iface->delete_policy_finish = pm_api_propagate_boolean;
  iface->list_associations_async = pm_serverless_api_list_associations_async;
  iface->list_associations_finish = pm_api_propagate_array;
  iface->associate_async = pm_serverless_api_associate_async;
  iface->associate_finish = pm_api_propagate_boolean;
  iface->disassociate_async = pm_serverless_api_disassociate_async;
  iface->disassociate_finish = pm_api_propagate_boolean;
  iface->list_entity_policies_async = pm_serverless_api_list_entity_policies_async;
  iface->list_entity_policies_finish = pm_api_propagate_array;
  iface->list_entities_async = pm_serverless_api_list_entities_async;
  iface->list_entities_finish = pm_api_propagate_array;
  iface->get_metadata_async = pm_serverless_api_get_metadata_async;
  iface->get_metadata_finish = pm_api_propagate_array;
  /* claims: Hosted and ECE only */
}
