/* pm-background.c: worker threads below the main thread
 *
 * Replies are parsed, and lists read and diffed, in worker threads. In
 * GTask's own pool they ran at the main thread's priority, and the kernel
 * shares a CPU fairly: on a machine with two cores, two parses and the
 * display server left the main thread waiting for a CPU for 9 ms of a 21 ms
 * main-loop stall while a large organization loaded (build-aux/dev bench,
 * seen with `perf sched timehist`). These threads lower their own priority
 * (their nice value) once: the main thread gets a CPU first when it has
 * work, and they have every CPU it leaves.
 *
 * The pool is exclusive, so that its threads are never lent to GLib's
 * shared ones: GIO's and GTK's own work there keeps its priority.
 *
 * Work that holds a lock the main thread takes does not belong here:
 * freeing large lists and malloc_trim() hold the allocator's, and a
 * lowered thread holding them left the main thread blocked while other
 * work ran (the stores free their lists in GLib's pool).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* gettid () */
#define G_LOG_DOMAIN "perimeter"

#include "config.h"

#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "pm-background.h"

/* How far below the main thread (nice 0 → 10: about a tenth of its share
 * of a CPU when both want one). */
#define BACKGROUND_NICE 10
#define MAX_THREADS     4

typedef struct {
  GTask           *task;
  GTaskThreadFunc  func;
} Job;

void
pm_background_lower_priority (void)
{
#ifdef __linux__
  static GPrivate lowered;
  pid_t tid;
  int nice_value;

  if (g_private_get (&lowered) != NULL)
    return;
  g_private_set (&lowered, GINT_TO_POINTER (1));
  /* Linux gives each thread a nice value of its own. Where that is refused
   * (a sandbox forbidding it), the thread stays as it was. */
  tid = gettid ();
  errno = 0;
  nice_value = getpriority (PRIO_PROCESS, tid);
  if (errno == 0)
    setpriority (PRIO_PROCESS, tid, MIN (nice_value + BACKGROUND_NICE, 19));
#endif
}

static gboolean
release_task (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;
  GTask *task = job->task;
  GTaskThreadFunc func = job->func;

  g_free (job);
  pm_background_lower_priority ();
  func (task, g_task_get_source_object (task), g_task_get_task_data (task),
        g_task_get_cancellable (task));
  /* The task may have completed in its context already: its last
   * reference (its data, its source object) must not go here. */
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT,
                              release_task, task, NULL);
}

void
pm_background_run (GTask           *task,
                   GTaskThreadFunc  func)
{
  static GThreadPool *pool;
  Job *job;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  if (g_once_init_enter (&pool))
    {
      GThreadPool *new_pool = g_thread_pool_new (run_job, NULL,
                                                 CLAMP (g_get_num_processors (), 1, MAX_THREADS),
                                                 TRUE, NULL);

      g_once_init_leave (&pool, new_pool);
    }

  job = g_new (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (pool, job, NULL);
}
