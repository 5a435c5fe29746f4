/* vigil's rule engine, public API: load Falco rules files, compile them per event source, match
 * events and format alerts.
 *
 *   vg_rules_load(opts, paths)        files/directories in order → vg_rules + a vg_rules_result
 *   vg_rules_ruleset(rules, source)   the compiled rules of one source (NULL if none)
 *   vg_ruleset_state_new(ruleset)     per-thread evaluation state (one per source thread)
 *   vg_ruleset_match(rs, st, ev, cb)  per event: cb for each matching rule, definition order
 *   vg_ruleset_format(rule, st, ev, message, fields_json)   the alert's text and output_fields
 *
 * Ownership: vg_rules owns every rule, ruleset and string it hands out (valid until
 * vg_rules_free); states are owned by the caller and must be freed before their vg_rules.
 * A vg_rules is read-only after loading and may be used by several threads, each with its own
 * vg_ruleset_state. */
#ifndef VG_RULES_H
#define VG_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fields/fields.h"
#include "rules/priority.h"
#include "rules/rules_result.h"
#include "rules/rules_select.h"
#include "rules/ruleset.h"
#include "util/buf.h"
#include "util/err.h"

/* The rules-engine version that required_engine_version is checked against. */
#define VG_RULES_ENGINE_VERSION "0.63.0"

typedef struct vg_rules vg_rules;

typedef struct vg_rules_kv {
	const char *key;
	const char *value;
} vg_rules_kv;

/* One `append_output` entry. Match conditions that are NULL/empty match every rule. */
typedef struct vg_rules_append_output {
	const char *match_source;
	const char *match_rule;
	const char *const *match_tags;     /* all must be on the rule */
	uint32_t nmatch_tags;
	const char *extra_output;          /* appended to the output with one space, or NULL */
	const vg_rules_kv *extra_fields;   /* value NULL: key is a field name; else key → format */
	uint32_t nextra_fields;
	bool suggested_output;             /* append " a_b=%a.b" for each field flagged addOutput */
} vg_rules_append_output;

/* Everything here is borrowed for the duration of vg_rules_load(), except registries, which
 * must outlive the vg_rules. */
typedef struct vg_rules_opts {
	/* The field registry of a source; NULL = no plugin serves it (its rules are skipped with a
	 * LOAD_UNKNOWN_SOURCE warning). */
	const vg_fields *(*registry_for_source)(const char *source, void *ud);
	/* Version of a loaded plugin, or NULL when not loaded; NULL callback = do not check
	 * required_plugin_versions. */
	const char *(*plugin_version)(const char *name, void *ud);
	void *ud;
	/* evt.type name → event codes; NULL = libscap's table (vg_cond_compile_scap_lookup). */
	vg_evttype_lookup_fn evttype_lookup;
	void *evttype_ud;
	const vg_rules_selector *selectors;
	uint32_t nselectors;
	vg_priority min_priority;          /* rules less severe than this are not run (0 = VG_PRIO_EMERGENCY!
					    * use VG_PRIO_DEBUG to run everything) */
	vg_rule_matching matching;
	const vg_rules_append_output *append_output;
	uint32_t nappend_output;
	const vg_rules_kv *static_fields;  /* added to output_fields as "static.<key>" */
	uint32_t nstatic_fields;
	const char *engine_version;        /* NULL = VG_RULES_ENGINE_VERSION */
} vg_rules_opts;

/* Sets defaults: min_priority DEBUG, matching FIRST, scap evt.type lookup, no callbacks. */
void vg_rules_opts_init(vg_rules_opts *o);

/* An in-memory rules file. */
typedef struct vg_rules_input {
	const char *name;
	const char *text;
	size_t len;
} vg_rules_input;

/* Loads files and directories (their .yml/.yaml files, alphabetically) in order, recompiling
 * the collection after each file like Falco; the first error aborts. *result is always set
 * (caller frees with vg_rules_result_free) and holds every error and warning. On VG_OK *out
 * owns the compiled rules (free with vg_rules_free); on error *out is NULL and err holds the
 * first error as "file:line:col: rule 'X': condition: ...". */
vg_rc vg_rules_load(const vg_rules_opts *opts, const char *const *paths, uint32_t npaths, vg_rules **out,
		    vg_rules_result **result, vg_err *err);
/* Same with in-memory files (tests, fuzzing, -V of stdin). */
vg_rc vg_rules_load_inputs(const vg_rules_opts *opts, const vg_rules_input *inputs, uint32_t n, vg_rules **out,
			   vg_rules_result **result, vg_err *err);
void vg_rules_free(vg_rules *r);

/* Every rule in load (first-definition) order, including disabled ones and those skipped for an
 * unknown source (loaded == false). Borrowed. */
uint32_t vg_rules_count(const vg_rules *r);
const vg_rule *vg_rules_at(const vg_rules *r, uint32_t i);
const vg_rule *vg_rules_find(const vg_rules *r, const char *name);

/* The compiled rules of a source, NULL when no loaded rule uses it. Borrowed. */
vg_ruleset *vg_rules_ruleset(const vg_rules *r, const char *source);

/* Event codes the enabled rules of `source` can match (for syscall selection in the kernel):
 * writes up to cap codes in increasing order and returns how many there are. A rule without an
 * evt.type restriction makes every code 0..VG_EVTSET_OTHER-1 appear. */
uint32_t vg_rules_evttypes(const vg_rules *r, const char *source, uint16_t *codes, uint32_t cap);

/* -L: one line per rule ("name | Priority | source | enabled | tag,tag") or a JSON array. */
void vg_rules_list_text(const vg_rules *r, vg_buf *out);
void vg_rules_list_json(const vg_rules *r, vg_buf *out);
/* -l NAME: a multi-line description; VG_ERR_NOTFOUND when no such rule. */
vg_rc vg_rules_describe(const vg_rules *r, const char *name, vg_buf *out);

#endif
