/* Rules-file reader: YAML items (lists, macros, rules, required_engine_version,
 * required_plugin_versions) collected into one namespace across files, with Falco's
 * redefinition, append and override semantics. No field is resolved here: compiling the
 * collection is rules.c's job. */
#ifndef VG_RULES_LOAD_H
#define VG_RULES_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "config/yamldoc.h"
#include "rules/exceptions.h"
#include "rules/priority.h"
#include "rules/rules_result.h"
#include "util/arena.h"

typedef struct vg_rl_loc {
	const char *file; /* arena copy */
	uint32_t line, col, offset;
} vg_rl_loc;

typedef struct vg_rl_list {
	const char *name;
	const char **items;
	uint32_t nitems, cap;
	vg_rl_loc loc;
} vg_rl_list;

typedef struct vg_rl_macro {
	const char *name;
	const char *cond;
	vg_rl_loc loc, cond_loc;
	/* definition order: a macro may use macros first defined before its own last definition */
	uint32_t first_seq, last_seq;
} vg_rl_macro;

typedef struct vg_rl_rule {
	const char *name, *cond, *output, *desc, *source;
	vg_priority priority;
	bool enabled, warn_evttypes, skip_unknown, capture;
	uint64_t capture_duration;
	const char **tags;
	uint32_t ntags, tags_cap;
	vg_exception *excs;
	uint32_t nexcs, excs_cap;
	vg_rl_loc loc, cond_loc, output_loc;
} vg_rl_rule;

typedef struct vg_rl_plugin_req {
	const char **names;    /* [0] the plugin, then its alternatives */
	const char **versions;
	uint32_t n;
	vg_rl_loc loc;
} vg_rl_plugin_req;

/* Each item struct starts with its name (the loader looks them up generically).
 * Everything lives in the collection's arena or its YAML doc (strings and nodes read from the
 * files); arrays are in first-definition order. */
typedef struct vg_rl_coll {
	vg_arena *arena;
	vg_yaml_doc *yaml; /* every file's YAML tree: items borrow its strings and nodes */
	vg_rl_list *lists;
	uint32_t nlists, lists_cap;
	vg_rl_macro *macros;
	uint32_t nmacros, macros_cap;
	vg_rl_rule *rules;
	uint32_t nrules, rules_cap;
	vg_rl_plugin_req *reqs;
	uint32_t nreqs, reqs_cap;
	uint32_t macro_seq;         /* counts macro definitions, appends and overrides */
	const char *engine_version; /* this engine's "x.y.z" (checked against required_engine_version) */
	const char *required_engine; /* highest requirement seen, or NULL */
} vg_rl_coll;

vg_rl_coll *vg_rules_load_coll_new(const char *engine_version);
void vg_rules_load_coll_free(vg_rl_coll *c);

/* Reads one file's text into the collection. Errors and warnings go to res (file named `file`);
 * returns non-OK at the first error, leaving the collection in an unspecified but freeable state. */
vg_rc vg_rules_load_text(vg_rl_coll *c, const char *file, const char *text, size_t len, vg_rules_result *res);

/* Compares "x.y.z" versions (missing parts are 0); false when either does not parse. */
bool vg_rules_load_semver_cmp(const char *a, const char *b, int *cmp);

#endif
