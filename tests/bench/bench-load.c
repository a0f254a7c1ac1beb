/* bench-load.c: the app's own load path, measured
 *
 * Loads a (large) organization from a running sandbox through the app's real
 * client and stores, with the policies page shown in a window, and prints
 * one `key value` line per measurement for build-aux/dev bench:
 *   load_ms RUN       refresh issued → policy and entity stores populated
 *   listed_ms RUN     refresh issued → the policies page's list told of them all
 *   gap_max_ms        longest main-loop gap during the loads (1 ms timer)
 *   refresh_gap_max_ms  longest main-loop gap during the refreshes after them
 *   frames_over_16    frames whose update→paint took over 16 ms
 *   frame_cpu_p99_ms, frame_cpu_max_ms   the main thread's CPU time
 *                     (CLOCK_THREAD_CPUTIME_ID) in each frame (before-paint to
 *                     after-paint), during the loads; refresh_frame_cpu_* the
 *                     same during the refreshes; frames_counted, refresh_frames_counted
 *   gap_cpu_max_ms, refresh_gap_cpu_max_ms   the most CPU time the main thread
 *                     spent between two turns of the main loop (1 ms timer)
 *   renderer NAME     the GSK renderer the window drew with
 *   peak_rss_kb, rss_first_kb, rss_last_kb   after one load / after N refreshes
 *   rows_recreated    items replaced by a refresh after one policy changed
 *   search_ms MS      one per keystroke of a search in the policies page, until
 *                     the frame showing its result is painted
 * With --loads-only, only the loads (load_ms, listed_ms, gap_max_ms,
 * frames_over_16, peak_rss_kb): no refreshes, no change, no search, so that
 * what the server counts meanwhile is theirs alone. --ca-file trusts a CA
 * for an https URL, as a profile's pinned CA does.
 * With BENCH_GAPS=MS set, each main-loop gap over MS ms (16 if not a
 * number) is also printed on stderr as it happens (to tell which step
 * stalls), with how long the main thread ran and how long it waited for a
 * CPU in it (its schedstat); so are the phases of frames over half that.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <time.h>

#include "pm-api.h"
#include "pm-application.h"
#include "pm-policies-page.h"
#include "pm-session.h"
#include "pm-test-util.h"

static struct {
  char     *url;
  char     *key;
  char     *flavour;
  int       runs;
  int       refreshes;
  char     *search;
  char     *ca_file;
  gboolean  loads_only;
} opt = { NULL, NULL, NULL, 3, 100, NULL, NULL, FALSE };

static gint64 last_tick;
static gint64 gap_max;
static gboolean measuring_gaps;
static gint64 refresh_gap_max;
static gboolean measuring_refresh_gaps;
static gint64 frame_start;
static guint frames_over_16;
static guint64 measured_wait_ns;
static gint64 report_gap_us;  /* BENCH_GAPS, 0 when unset */

/* The main thread's CPU time in each frame, and between two turns of the
 * main loop, while the loads or the refreshes are measured: what other
 * processes on the machine cannot stretch as they stretch wall-clock times. */
static GArray *frame_cpu_ns;
static guint64 frame_start_cpu_ns;
static guint64 last_tick_cpu_ns;
static guint64 gap_cpu_max_ns;

static guint64
thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (guint64) ts.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) ts.tv_nsec;
}

/* From now on, each frame's CPU time is counted, and the longest gap. */
static void
start_counting_frames (void)
{
  if (frame_cpu_ns == NULL)
    frame_cpu_ns = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_array_set_size (frame_cpu_ns, 0);
  gap_cpu_max_ns = 0;
}

static int
compare_u64 (gconstpointer a,
             gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* PREFIX "frame_cpu_p99_ms", "frame_cpu_max_ms", "frames_counted" and
 * "gap_cpu_max_ms" since start_counting_frames. */
static void
print_frame_cpu (const char *prefix)
{
  guint n = frame_cpu_ns->len;
  guint64 *v = (guint64 *) (gpointer) frame_cpu_ns->data;

  g_array_sort (frame_cpu_ns, compare_u64);
  g_print ("%sgap_cpu_max_ms %.3f\n", prefix, gap_cpu_max_ns / 1e6);
  g_print ("%sframes_counted %u\n", prefix, n);
  if (n == 0)
    return;
  g_print ("%sframe_cpu_p99_ms %.3f\n%sframe_cpu_max_ms %.3f\n", prefix,
           v[(n * 99 + 99) / 100 - 1] / 1e6, prefix, v[n - 1] / 1e6);
}

/* The main thread's time on a CPU and waiting for one, in ns. */
static void
read_schedstat (guint64 *run_ns,
                guint64 *wait_ns)
{
  g_autofree char *text = NULL;
  char *end;

  *run_ns = *wait_ns = 0;
  if (!g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL))
    return;
  *run_ns = g_ascii_strtoull (text, &end, 10);
  *wait_ns = g_ascii_strtoull (end, NULL, 10);
}

/* The time the hypervisor took this machine's CPUs from it (steal), in
 * /proc/stat's ticks (USER_HZ: 10 ms), over all CPUs. */
static guint64
read_steal_ticks (void)
{
  g_autofree char *text = NULL;
  guint64 value = 0;

  /* "cpu  user nice system idle iowait irq softirq steal ..." */
  if (g_file_get_contents ("/proc/stat", &text, NULL, NULL) && g_str_has_prefix (text, "cpu "))
    {
      char *p = text + 4;

      for (int field = 0; field < 8; field++)
        value = g_ascii_strtoull (p, &p, 10);
    }
  return value;
}

static gboolean
on_tick (gpointer data)
{
  static guint64 last_run_ns, last_wait_ns, last_steal;
  gint64 now = g_get_monotonic_time ();
  guint64 cpu = thread_cpu_ns ();

  if ((measuring_gaps || measuring_refresh_gaps) && last_tick != 0)
    gap_cpu_max_ns = MAX (gap_cpu_max_ns, cpu - last_tick_cpu_ns);
  last_tick_cpu_ns = cpu;

  if (measuring_gaps && last_tick != 0)
    gap_max = MAX (gap_max, now - last_tick);
  if (measuring_refresh_gaps && last_tick != 0)
    refresh_gap_max = MAX (refresh_gap_max, now - last_tick);
  if (report_gap_us > 0)
    {
      guint64 run_ns, wait_ns, steal;

      read_schedstat (&run_ns, &wait_ns);
      steal = read_steal_ticks ();
      if (last_tick != 0 && now - last_tick > report_gap_us)
        g_printerr ("GAP %.1f ms%s from %.6f s (monotonic): on a CPU %.1f ms, waiting for one %.1f ms, "
                    "the hypervisor's steal +%" G_GUINT64_FORMAT " ms (in 10 ms ticks, all CPUs)\n",
                    (now - last_tick) / 1000.0, measuring_gaps || measuring_refresh_gaps ? " (measured)" : "", last_tick / 1e6,
                    (run_ns - last_run_ns) / 1e6, (wait_ns - last_wait_ns) / 1e6, (steal - last_steal) * 10);
      if (measuring_gaps && last_tick != 0)
        measured_wait_ns += wait_ns - last_wait_ns;
      last_run_ns = run_ns;
      last_wait_ns = wait_ns;
      last_steal = steal;
    }
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

/* A frame's phases: each of these runs after the other handlers of its
 * phase's signal (connected after, and after GTK's own: the style is
 * brought up to date after the update phase's handlers), as the phase
 * ends. The frame starts with before-paint. */
static gint64 frame_update, frame_layout, frame_paint;

static void
on_frame_before_paint (GdkFrameClock *clock)
{
  frame_start = g_get_monotonic_time ();
  frame_start_cpu_ns = thread_cpu_ns ();
}

static void
on_frame_update (GdkFrameClock *clock)
{
  frame_update = g_get_monotonic_time ();
}

static void
on_frame_layout (GdkFrameClock *clock)
{
  frame_layout = g_get_monotonic_time ();
}

static void
on_frame_paint (GdkFrameClock *clock)
{
  frame_paint = g_get_monotonic_time ();
}

static void
on_frame_after_paint (GdkFrameClock *clock)
{
  gint64 now = g_get_monotonic_time ();

  if ((measuring_gaps || measuring_refresh_gaps) && frame_start_cpu_ns != 0)
    {
      guint64 spent = thread_cpu_ns () - frame_start_cpu_ns;

      g_array_append_val (frame_cpu_ns, spent);
    }
  if (measuring_gaps && frame_start != 0 && now - frame_start > 16000)
    frames_over_16++;
  /* BENCH_GAPS: a long frame's parts, to tell a stall's frame from others
   * (after: the frame's end, the window's frame counter and the display's
   * reply included). */
  if (report_gap_us > 0 && frame_start != 0 && now - frame_start > report_gap_us / 2)
    g_printerr ("FRAME %.1f ms: update %.1f, layout %.1f, paint %.1f, after %.1f\n", (now - frame_start) / 1000.0,
                (frame_update - frame_start) / 1000.0, (frame_layout - frame_update) / 1000.0,
                (frame_paint - frame_layout) / 1000.0, (now - frame_paint) / 1000.0);
}

static long
read_status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, field);
  return line ? strtol (line + strlen (field) + 1, NULL, 10) : -1;
}

static gboolean
store_idle (PmSession *session)
{
  return !pm_policy_store_get_loading (pm_session_get_policies (session)) &&
         !pm_entity_store_get_loading (pm_session_get_entities (session));
}

static void
wait_idle (PmSession *session)
{
  /* Let the refresh start, then wait until both stores are done. */
  g_main_context_iteration (NULL, FALSE);
  while (!store_idle (session))
    g_main_context_iteration (NULL, TRUE);
}

static double
load_once (PmSession *session)
{
  gint64 start = g_get_monotonic_time ();
  const GError *error;

  pm_policy_store_refresh_async (pm_session_get_policies (session), NULL, NULL, NULL);
  pm_entity_store_refresh_async (pm_session_get_entities (session), NULL, NULL, NULL);
  wait_idle (session);
  error = pm_policy_store_get_error (pm_session_get_policies (session));
  if (error == NULL)
    error = pm_entity_store_get_error (pm_session_get_entities (session));
  if (error != NULL)
    g_error ("load failed: %s", error->message);
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* A refresh drops the lists it replaced in a worker, after it is done:
 * RSS read at once caught it before or after that, by chance (±10 MiB).
 * Read once the app has been idle a while. */
static long
settled_rss_kb (void)
{
  gint64 until = g_get_monotonic_time () + 300 * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return read_status_kb ("VmRSS:");
}

static PmSession *
new_session (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PmHttp) http = pm_http_new (opt.url, opt.key, &error);
  g_autoptr(PmApi) api = NULL;
  PmFlavour flavour = PM_FLAVOUR_HOSTED;

  if (http == NULL)
    g_error ("%s", error->message);
  if (opt.ca_file != NULL && !pm_http_set_ca_file (http, opt.ca_file, &error))
    g_error ("%s", error->message);
  if (!pm_flavour_from_string (opt.flavour, &flavour))
    g_error ("unknown flavour %s", opt.flavour);
  api = pm_api_new_for_flavour (flavour, http);
  return pm_session_new (api, "Bench", TRUE);
}

static guint replaced;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added)
{
  replaced += MIN (removed, added);
  if (added > removed)
    replaced += added - removed;
}

/* Change one policy on the server, refresh, count items that changed. */
static guint
measure_refresh_in_place (PmSession *session)
{
  GListModel *policies = G_LIST_MODEL (pm_session_get_policies (session));
  g_autoptr(PmPolicy) first = g_list_model_get_item (policies, 0);
  g_autoptr(PmPolicy) changed = pm_policy_copy (first);
  g_autoptr(PmPolicy) result_policy = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = g_strdup_printf ("changed at %" G_GINT64_FORMAT, g_get_real_time ());
  gulong handler;

  pm_policy_set_description (changed, description);
  pm_api_update_policy_async (pm_session_get_api (session), changed, NULL, pm_test_result_cb, &result);
  result_policy = pm_api_update_policy_finish (pm_session_get_api (session), pm_test_wait (&result), &error);
  if (result_policy == NULL)
    g_error ("update failed: %s", error->message);

  replaced = 0;
  handler = g_signal_connect (policies, "items-changed", G_CALLBACK (on_items_changed), NULL);
  load_once (session);
  g_signal_handler_disconnect (policies, handler);
  return replaced;
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);
      if (found)
        return found;
    }
  return NULL;
}

static void
on_painted (gboolean *painted)
{
  *painted = TRUE;
}

/* Until the next frame of the widget's window is painted. */
static void
wait_painted (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong handler = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (on_painted), &painted);

  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
}

static gboolean
on_paused (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The main loop runs meanwhile. */
static void
pause_ms (guint ms)
{
  gboolean paused = FALSE;

  g_timeout_add (ms, on_paused, &paused);
  while (!paused)
    g_main_context_iteration (NULL, TRUE);
}

static void
measure_search (GtkWidget *page)
{
  GtkWidget *bar = find_widget (page, GTK_TYPE_SEARCH_BAR);
  GtkWidget *entry;

  if (bar == NULL)
    g_error ("the policies page has no search bar");
  /* Opened first, as a user does (Ctrl+F, or the search button); the page
   * builds its entry after its first frame, or as the search opens. */
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (bar), TRUE);
  entry = find_widget (bar, GTK_TYPE_SEARCH_ENTRY);
  if (entry == NULL)
    g_error ("the policies page's search bar has no entry");
  /* search-changed as soon as the text changes, as after each pause in
   * typing, and only then (a delayed one would land in a later keystroke). */
  gtk_search_entry_set_search_delay (GTK_SEARCH_ENTRY (entry), 0);
  /* A blinking cursor has a frame drawn every 16 ms: a keystroke would be
   * measured with the wait for its frame's turn. Without it, the frame a
   * key asks for starts at once. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  /* Let the frame the refresh before asked for be painted first: its
   * layout is not the search's. */
  gtk_widget_queue_draw (page);
  wait_painted (page);

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  for (gsize i = 0; opt.search[i] != '\0'; i++)
    {
      gint64 start;
      int position = -1;

      /* A pause between keys, as in typing: the frame of the key before
       * is done, and the next one can start at once. The first key comes
       * a moment after the search opens (opening it has the page load, in
       * a worker, the icon it shows when nothing matches). */
      pause_ms (i == 0 ? 250 : 40);
      /* One key typed at the end, as a keystroke does (setting the whole
       * text would empty the entry first, and filter twice). The page
       * filters on search-changed: measure until the frame showing the
       * filtered list (and the key in the entry) is painted. */
      start = g_get_monotonic_time ();
      gtk_editable_insert_text (GTK_EDITABLE (entry), opt.search + i, 1, &position);
      wait_painted (page);
      g_print ("search_ms %.3f\n", (g_get_monotonic_time () - start) / 1000.0);
    }
}

/* After the timed loads: the refreshes, a one-policy change, the search. */
static void
measure_after_loads (PmSession *session,
                     GtkWidget *page)
{
  /* Memory after the first refresh against after the last; and the main
   * loop's gaps while each refresh is made and applied (nothing changed:
   * the list keeps its rows). */
  start_counting_frames ();
  for (int i = 0; i < opt.refreshes; i++)
    {
      last_tick = 0;
      measuring_refresh_gaps = TRUE;
      load_once (session);
      for (int j = 0; j < 50; j++)
        g_main_context_iteration (NULL, FALSE);
      measuring_refresh_gaps = FALSE;
      if (i == 0)
        g_print ("rss_first_kb %ld\n", settled_rss_kb ());
    }
  g_print ("refresh_gap_max_ms %.3f\n", refresh_gap_max / 1000.0);
  print_frame_cpu ("refresh_");
  g_print ("rss_last_kb %ld\n", settled_rss_kb ());

  g_print ("rows_recreated %u\n", measure_refresh_in_place (session));
  if (opt.search != NULL)
    measure_search (page);
}

static void
on_activate (GtkApplication *app)
{
  GtkWidget *window = adw_application_window_new (app);
  PmPoliciesPage *page = pm_policies_page_new ();
  g_autoptr(PmSession) session = NULL;
  GdkFrameClock *clock;

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);

  /* The window's first frame (a fresh 1200×800 surface painted whole, the
   * page's fonts and icons loaded) is drawn after it is mapped: let it be
   * painted before the loads are measured, it is not theirs. */
  wait_painted (window);
  clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "before-paint", G_CALLBACK (on_frame_before_paint), NULL);
  g_signal_connect_after (clock, "update", G_CALLBACK (on_frame_update), NULL);
  g_signal_connect_after (clock, "layout", G_CALLBACK (on_frame_layout), NULL);
  g_signal_connect_after (clock, "paint", G_CALLBACK (on_frame_paint), NULL);
  g_signal_connect_after (clock, "after-paint", G_CALLBACK (on_frame_after_paint), NULL);
  g_timeout_add_full (G_PRIORITY_HIGH, 1, on_tick, NULL, NULL);
  g_print ("renderer %s\n", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))));

  start_counting_frames ();
  for (int run = 0; run < opt.runs; run++)
    {
      g_autoptr(PmSession) fresh = new_session ();
      gint64 start;

      /* Each run loads into a fresh session, the previous one gone. */
      pm_policies_page_set_session (page, fresh);
      if (session != NULL)
        pm_session_shutdown (session);
      g_set_object (&session, fresh);
      last_tick = 0;
      measuring_gaps = TRUE;
      start = g_get_monotonic_time ();
      g_print ("load_ms %.3f\n", load_once (fresh));
      /* The list is told of a large load over a few frames, built and
       * drawn then: measured too (gaps included), and then a few more
       * iterations for the last frame. */
      while (pm_policies_page_get_pending (page))
        g_main_context_iteration (NULL, TRUE);
      g_print ("listed_ms %.3f\n", (g_get_monotonic_time () - start) / 1000.0);
      for (int i = 0; i < 50; i++)
        g_main_context_iteration (NULL, FALSE);
      measuring_gaps = FALSE;
      /* Peak memory of one load of the organization. */
      if (run == 0)
        g_print ("peak_rss_kb %ld\n", read_status_kb ("VmHWM:"));
    }
  g_print ("gap_max_ms %.3f\nframes_over_16 %u\n", gap_max / 1000.0, frames_over_16);
  print_frame_cpu ("");
  if (report_gap_us > 0)
    g_printerr ("The main thread waited %.1f ms for a CPU during the loads\n", measured_wait_ns / 1e6);

  if (!opt.loads_only)
    measure_after_loads (session, GTK_WIDGET (page));

  pm_policies_page_set_session (page, NULL);
  pm_session_shutdown (session);
  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (app));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("- measure loading a large organization");
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &opt.url, "Sandbox base URL", "URL" },
    { "key", 0, 0, G_OPTION_ARG_STRING, &opt.key, "API key", "KEY" },
    { "flavour", 0, 0, G_OPTION_ARG_STRING, &opt.flavour, "hosted, ece or serverless", "FLAVOUR" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &opt.runs, "Loads to time", "N" },
    { "refreshes", 0, 0, G_OPTION_ARG_INT, &opt.refreshes, "Refreshes for the memory check", "N" },
    { "search", 0, 0, G_OPTION_ARG_STRING, &opt.search, "Text to type into the search, one key at a time", "TEXT" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &opt.ca_file, "Trust this CA (PEM) for an https URL", "FILE" },
    { "loads-only", 0, 0, G_OPTION_ARG_NONE, &opt.loads_only, "Only the timed loads", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt.url == NULL || opt.key == NULL)
    g_error ("--url and --key are required");
  if (opt.flavour == NULL)
    opt.flavour = g_strdup ("hosted");
  if (g_getenv ("BENCH_GAPS") != NULL)
    report_gap_us = 1000 * (atoi (g_getenv ("BENCH_GAPS")) > 0 ? atoi (g_getenv ("BENCH_GAPS")) : 16);

  /* As the app's start-up does (pm_application_startup). */
  pm_application_register_resources ();
  app = adw_application_new ("io.github.perimeter.BenchLoad", G_APPLICATION_NON_UNIQUE);
  /* The app's stylesheet and icons, as the page has them in the app. */
  g_application_set_resource_base_path (G_APPLICATION (app), "/io/github/perimeter/Perimeter");
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), NULL);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
