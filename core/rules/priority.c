#include "rules/priority.h"

#include <strings.h>

static const char *const long_names[] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

bool vg_priority_parse(const char *name, vg_priority *out)
{
	for (int p = VG_PRIO_EMERGENCY; p <= VG_PRIO_DEBUG; p++) {
		if (strcasecmp(name, long_names[p]) == 0) {
			*out = (vg_priority)p;
			return true;
		}
	}
	if (strcasecmp(name, "info") == 0) {
		*out = VG_PRIO_INFORMATIONAL;
		return true;
	}
	return false;
}

const char *vg_priority_name(vg_priority p)
{
	return (unsigned)p <= VG_PRIO_DEBUG ? long_names[p] : "Unknown";
}
