/* Rule priorities: Falco's names and numbers (the syslog severities). */
#ifndef VG_PRIORITY_H
#define VG_PRIORITY_H

#include <stdbool.h>

typedef enum vg_priority {
	VG_PRIO_EMERGENCY = 0,
	VG_PRIO_ALERT = 1,
	VG_PRIO_CRITICAL = 2,
	VG_PRIO_ERROR = 3,
	VG_PRIO_WARNING = 4,
	VG_PRIO_NOTICE = 5,
	VG_PRIO_INFORMATIONAL = 6,
	VG_PRIO_DEBUG = 7,
} vg_priority;

/* Case-insensitive; accepts the long names and "info". False when unknown. */
bool vg_priority_parse(const char *name, vg_priority *out);
/* Long name as Falco prints it ("Warning", "Informational"); "Unknown" when out of range. */
const char *vg_priority_name(vg_priority p);

#endif
