#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Waiting for an async call in a test: pass pm_test_result_cb with the
 * address of a NULL GAsyncResult pointer, then pm_test_wait (&result)
 * iterates the thread-default main context until it is set (or fails the
 * test after timeout_ms). The caller owns the result. */
void          pm_test_result_cb   (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data);
GAsyncResult *pm_test_wait        (GAsyncResult **slot);

/* Iterate the main context until condition (*flag) holds, or fail after ms. */
void          pm_test_wait_until  (gboolean    (*condition) (gpointer data),
                                   gpointer      data,
                                   guint         timeout_ms);

/* Dispatch the main context for ms, as things come: lets closing
 * connections finish (TLS ones close in worker threads), and a server and
 * a client sharing the context run at their own pace. */
void          pm_test_settle      (guint         ms);

/* Start a program whose stdout the test reads line by line (out); it is
 * sent SIGTERM when the test's process ends, a failed assertion included. */
GSubprocess  *pm_test_spawn       (const char * const  *argv,
                                   GDataInputStream   **out,
                                   GError             **error);

/* A TCP port on 127.0.0.1 that was free a moment ago. */
guint16       pm_test_free_port   (void);

/* The shared reference folder (env PM_SHARED_DIR), asserted to exist. */
const char   *pm_test_shared_dir  (void);

/* The Elastic docs in the shared seeds/ folder: the .txt files' names,
 * sorted (free with g_strfreev). */
char        **pm_test_seed_names  (void);

G_END_DECLS
