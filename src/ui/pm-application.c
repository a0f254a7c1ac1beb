/* placeholder until the app-shell work lands */
#include "config.h"

#include "pm-application.h"

struct _PmApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (PmApplication, pm_application, ADW_TYPE_APPLICATION)

static void
pm_application_class_init (PmApplicationClass *klass)
{
}

static void
pm_application_init (PmApplication *self)
{
}

PmApplication *
pm_application_new (void)
{
  return g_object_new (PM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
