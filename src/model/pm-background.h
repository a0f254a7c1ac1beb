#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs @func for @task in a worker thread that yields the CPU to the main
 * thread: as g_task_run_in_thread(), for work nobody is watching happen
 * (parsing replies, reading and diffing lists), and that holds no lock
 * the main thread takes. The task's last reference
 * goes in its own main context, as with g_task_run_in_thread(). */
void pm_background_run            (GTask           *task,
                                   GTaskThreadFunc  func);
/* Lowers the calling thread's priority as pm_background_run() does its
 * threads' (a thread of its own that serves others, such as the sandbox's). */
void pm_background_lower_priority (void);

G_END_DECLS
