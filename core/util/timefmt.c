#include "util/timefmt.h"

#include <stdio.h>
#include <time.h>

static void split(uint64_t ts, int utc, struct tm *tm, unsigned *ns)
{
	time_t sec = (time_t)(ts / 1000000000ull);
	*ns = (unsigned)(ts % 1000000000ull);
	if (utc)
		gmtime_r(&sec, tm);
	else
		localtime_r(&sec, tm);
}

void vg_timefmt_local(uint64_t ts, char out[VG_TIMEFMT_MAX])
{
	struct tm tm;
	unsigned ns;
	split(ts, 0, &tm, &ns);
	snprintf(out, VG_TIMEFMT_MAX, "%02d:%02d:%02d.%09u", tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
}

void vg_timefmt_iso8601(uint64_t ts, const char *zone, char out[VG_TIMEFMT_MAX])
{
	struct tm tm;
	unsigned ns;
	split(ts, 1, &tm, &ns);
	snprintf(out, VG_TIMEFMT_MAX, "%04d-%02d-%02dT%02d:%02d:%02d.%09u%.6s", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ns, zone);
}

void vg_timefmt_datetime(uint64_t ts, int with_ns, char out[VG_TIMEFMT_MAX])
{
	struct tm tm;
	unsigned ns;
	split(ts, 0, &tm, &ns);
	if (with_ns)
		snprintf(out, VG_TIMEFMT_MAX, "%04d-%02d-%02d %02d:%02d:%02d.%09u", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
	else
		snprintf(out, VG_TIMEFMT_MAX, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}
