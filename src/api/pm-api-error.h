#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PM_API_ERROR (pm_api_error_quark ())
GQuark pm_api_error_quark (void);

typedef enum {
  PM_API_ERROR_FAILED,          /* anything else, including 5xx after retries */
  PM_API_ERROR_INVALID,         /* 400/422: the request was refused; see fields */
  PM_API_ERROR_UNAUTHORIZED,    /* 401 */
  PM_API_ERROR_FORBIDDEN,       /* 403 */
  PM_API_ERROR_NOT_FOUND,       /* 404 */
  PM_API_ERROR_CONFLICT,        /* 409, 412: someone else changed it */
  PM_API_ERROR_RATE_LIMITED,    /* 429 after retries */
  PM_API_ERROR_SERVER,          /* 5xx after retries */
  PM_API_ERROR_NETWORK,         /* cannot resolve, connect, reset, proxy */
  PM_API_ERROR_TLS,             /* certificate or handshake problem */
  PM_API_ERROR_TIMEOUT,
  PM_API_ERROR_BAD_REPLY,       /* not JSON, truncated, wrong shape */
  PM_API_ERROR_INSECURE,        /* http:// to a non-loopback host */
  PM_API_ERROR_UNSUPPORTED,     /* the flavour has no such operation */
} PmApiErrorCode;

/* What the API said with an error. PM_API_ERROR is an extended error domain
 * (G_DEFINE_EXTENDED_ERROR) so these travel with the GError itself, through
 * g_error_copy and g_task_return_error. */
typedef struct {
  guint  status;      /* HTTP status, 0 when none */
  char  *code;        /* "traffic_filter.not_found" or NULL */
  char  *message;     /* the API's message or NULL */
  GStrv  fields;      /* fields the API named, or NULL */
  guint  retry_after; /* seconds, 0 when not given */
} PmApiErrorDetails;

/* A GError in PM_API_ERROR carrying details. The message is for people:
 * what happened and what to do. */
GError                  *pm_api_error_new          (PmApiErrorCode     code,
                                                    const PmApiErrorDetails *details,
                                                    const char        *format,
                                                    ...) G_GNUC_PRINTF (3, 4);
/* The details of an error made by pm_api_error_new, or NULL. Valid while
 * the GError lives. */
const PmApiErrorDetails *pm_api_error_get_details  (const GError      *error);

G_END_DECLS
