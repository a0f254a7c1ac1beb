/* placeholder: to be written */
#include "config.h"
