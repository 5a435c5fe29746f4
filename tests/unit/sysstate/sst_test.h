/* Test helpers for sysstate: build libscap events by parameter name (missing parameters are
 * written empty) and drive the real plugin through its ABI (dlopen of libsysstate.so). Shared by
 * the unit tests, the fuzzer and the benchmark. */
#ifndef SST_TEST_H
#define SST_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include <vigil/plugin_api.h>
#include <vigil/scap_events.h>

/* ---- event builder ---- */

#define SST_TEST_EVT_MAX 8192

typedef struct sst_tevt {
	uint16_t type;
	uint64_t tid, ts;
	uint32_t nset;
	struct {
		const char *name;
		uint8_t bytes[1024];
		uint32_t len;
	} set[VG_SCAP_MAX_PARAMS];
	uint8_t buf[SST_TEST_EVT_MAX];
	uint32_t len;
} sst_tevt;

void sst_tevt_begin(sst_tevt *e, uint16_t type, uint64_t tid, uint64_t ts);
/* Integer parameter, written with the width of its type in the event table. */
void sst_tevt_int(sst_tevt *e, const char *name, int64_t v);
/* String parameter (NUL included). */
void sst_tevt_str(sst_tevt *e, const char *name, const char *s);
/* Raw bytes (args/env/cgroups lists, sockaddrs, tuples). */
void sst_tevt_bytes(sst_tevt *e, const char *name, const void *b, uint32_t n);
/* IPv4 tuple "s -> d" (addresses as "a.b.c.d"). */
void sst_tevt_tuple4(sst_tevt *e, const char *name, const char *sip, uint16_t sport, const char *dip,
		     uint16_t dport);
void sst_tevt_sockaddr4(sst_tevt *e, const char *name, const char *ip, uint16_t port);
/* Writes the event; returns it (valid until the next begin on e), NULL if it did not fit. */
const ss_plugin_event *sst_tevt_end(sst_tevt *e);

/* ---- the plugin through its ABI ---- */

typedef struct sst_tplug {
	void *dl;
	ss_plugin_t *s;
	uint64_t evtnum;
	const ss_plugin_event *last;
	const char *(*get_fields)(void);
	ss_plugin_t *(*init)(const ss_plugin_init_input *, ss_plugin_rc *);
	void (*destroy)(ss_plugin_t *);
	const char *(*last_error)(ss_plugin_t *);
	ss_plugin_rc (*parse)(ss_plugin_t *, const ss_plugin_event_input *, const ss_plugin_event_parse_input *);
	ss_plugin_rc (*extract)(ss_plugin_t *, const ss_plugin_event_input *, const ss_plugin_field_extract_input *);
	ss_plugin_metric *(*metrics)(ss_plugin_t *, uint32_t *);
} sst_tplug;

/* Loads $VIGIL_BUILD_DIR/plugins/libsysstate.so (or build/plugins) and inits it with config.
 * Returns false (with the reason printed) when that fails. */
bool sst_tplug_open(sst_tplug *p, const char *config);
void sst_tplug_close(sst_tplug *p);

/* Parses evt as the next event. */
void sst_tplug_parse(sst_tplug *p, const ss_plugin_event *evt);

/* Extracts one field of the last parsed event. arg: NULL = no argument, digits = index,
 * other text = key. Returns res_len; *f gets the raw result. */
uint64_t sst_tplug_extract(sst_tplug *p, const char *field, const char *arg, ss_plugin_extract_field *f);

/* Convenience: the string value (NULL when missing); "<list>" values joined by ','. */
const char *sst_tplug_str(sst_tplug *p, const char *field, const char *arg);
/* Integer value; *ok tells whether a value exists. */
int64_t sst_tplug_int(sst_tplug *p, const char *field, const char *arg, bool *ok);

/* Boolean value; *ok tells whether a value exists. */
bool sst_tplug_bool(sst_tplug *p, const char *field, bool *ok);

/* Field id of name in get_fields, or -1. */
int sst_tplug_field_id(sst_tplug *p, const char *name);

#endif
