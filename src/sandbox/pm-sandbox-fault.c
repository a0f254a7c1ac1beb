/* pm-sandbox-fault.c: parsing and matching fault specifications
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pm-sandbox-private.h"

static const struct {
  const char   *name;
  PmSbFaultKind kind;
  gboolean      needs_arg;
} kinds[] = {
  { "latency", PM_SB_FAULT_LATENCY, TRUE },
  { "status", PM_SB_FAULT_STATUS, TRUE },
  { "retry-after", PM_SB_FAULT_RETRY_AFTER, TRUE },
  { "reset-before", PM_SB_FAULT_RESET_BEFORE, FALSE },
  { "reset-after", PM_SB_FAULT_RESET_AFTER, FALSE },
  { "truncate", PM_SB_FAULT_TRUNCATE, FALSE },
  { "not-json", PM_SB_FAULT_NOT_JSON, FALSE },
  { "stall", PM_SB_FAULT_STALL, TRUE },
  { "stale-etag", PM_SB_FAULT_STALE_ETAG, FALSE },
  { "race", PM_SB_FAULT_RACE, FALSE },
  { "not-found-after-create", PM_SB_FAULT_NOT_FOUND_AFTER_CREATE, FALSE },
  { "repeat-cursor", PM_SB_FAULT_REPEAT_CURSOR, FALSE },
  { "cursor-cycle", PM_SB_FAULT_CURSOR_CYCLE, FALSE },
  { "endless-pages", PM_SB_FAULT_ENDLESS_PAGES, FALSE },
  { "no-id", PM_SB_FAULT_NO_ID, FALSE },
};

void
pm_sb_fault_free (PmSbFault *fault)
{
  g_free (fault->method);
  g_free (fault->path_prefix);
  g_free (fault);
}

static gboolean
all_digits (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (; *text; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

static gboolean
invalid (GError    **error,
         const char *spec,
         const char *why)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Invalid fault “%s”: %s", spec, why);
  return FALSE;
}

/* "PERCENT" after '%' and "COUNT" after '*', each optional, at the end. */
static gboolean
parse_limits (char       *text,
              PmSbFault  *fault,
              const char *spec,
              GError    **error)
{
  char *mark;
  guint64 value;

  if ((mark = strrchr (text, '%')) != NULL)
    {
      if (!g_ascii_string_to_unsigned (mark + 1, 10, 0, 100, &value, NULL))
        return invalid (error, spec, "the percentage must be between 0 and 100");
      fault->percent = value;
      *mark = '\0';
    }
  if ((mark = strrchr (text, '*')) != NULL && all_digits (mark + 1))
    {
      if (!g_ascii_string_to_unsigned (mark + 1, 10, 0, G_MAXINT, &value, NULL))
        return invalid (error, spec, "the count is not valid");
      fault->count = value;
      *mark = '\0';
    }
  return TRUE;
}

/* "@METHOD:PATH-PREFIX", each part optional. */
static gboolean
parse_scope (char       *text,
             PmSbFault  *fault,
             const char *spec,
             GError    **error)
{
  char *mark = strchr (text, '@');
  char *path;

  if (mark == NULL)
    return TRUE;
  *mark = '\0';
  path = strchr (mark + 1, ':');
  if (path != NULL)
    {
      *path = '\0';
      if (path[1] != '\0')
        fault->path_prefix = g_strdup (path + 1);
    }
  if (mark[1] == '\0' || g_str_equal (mark + 1, "*"))
    return TRUE;
  for (const char *c = mark + 1; *c; c++)
    if (!g_ascii_isalpha (*c))
      return invalid (error, spec, "the method is not valid");
  fault->method = g_ascii_strup (mark + 1, -1);
  return TRUE;
}

/* "KIND" or "KIND:ARG". */
static gboolean
parse_kind (char       *text,
            PmSbFault  *fault,
            const char *spec,
            GError    **error)
{
  char *arg = strchr (text, ':');
  guint64 value = 0;
  gsize i;

  if (arg != NULL)
    *arg++ = '\0';
  for (i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (text, kinds[i].name))
      break;
  if (i == G_N_ELEMENTS (kinds))
    return invalid (error, spec, "unknown kind");
  fault->kind = kinds[i].kind;
  if (kinds[i].needs_arg != (arg != NULL)
      || (arg && !g_ascii_string_to_unsigned (arg, 10, 0, 3600000, &value, NULL)))
    return invalid (error, spec, kinds[i].needs_arg ? "a numeric argument is needed" : "this kind takes no argument");
  fault->arg = value;
  if (fault->kind == PM_SB_FAULT_STATUS && (fault->arg < 100 || fault->arg > 599))
    return invalid (error, spec, "the status must be between 100 and 599");
  return TRUE;
}

PmSbFault *
pm_sb_fault_parse (const char *spec,
                   GError    **error)
{
  g_autofree char *text = NULL;
  g_autoptr(PmSbFault) fault = NULL;

  g_return_val_if_fail (spec != NULL, NULL);
  text = g_strstrip (g_strdup (spec));
  fault = g_new0 (PmSbFault, 1);
  fault->count = -1;
  fault->percent = 100;

  if (!parse_limits (text, fault, spec, error)
      || !parse_scope (text, fault, spec, error)
      || !parse_kind (text, fault, spec, error))
    return NULL;
  return g_steal_pointer (&fault);
}

PmSbFault *
pm_sb_faults_match (GPtrArray  *faults,
                    GRand      *rand,
                    const char *method,
                    const char *path)
{
  for (guint i = 0; i < faults->len; i++)
    {
      PmSbFault *fault = g_ptr_array_index (faults, i);

      if (fault->count == 0)
        continue;
      if (fault->method && g_ascii_strcasecmp (fault->method, method) != 0)
        continue;
      if (fault->path_prefix && !g_str_has_prefix (path, fault->path_prefix))
        continue;
      /* These two only make sense on some requests; others do not use them up. */
      if (fault->kind == PM_SB_FAULT_NOT_FOUND_AFTER_CREATE && !g_str_equal (method, "POST"))
        continue;
      if (fault->kind == PM_SB_FAULT_RACE && !g_str_has_prefix (path, "/api/v1/serverless/projects/"))
        continue;
      if (fault->percent < 100 && (guint) g_rand_int_range (rand, 0, 100) >= fault->percent)
        continue;
      if (fault->count > 0)
        fault->count--;
      return fault;
    }
  return NULL;
}
