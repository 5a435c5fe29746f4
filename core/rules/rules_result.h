/* The outcome of loading rules files: every error and warning with file:line:col, the item it
 * concerns and Falco's code name (LOAD_ERR_COMPILE_CONDITION, LOAD_UNUSED_MACRO ...), printable as
 * text or as the JSON that `-V` prints with json_output. */
#ifndef VG_RULES_RESULT_H
#define VG_RULES_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"

typedef enum vg_rules_code {
	/* errors */
	VG_LOAD_ERR_FILE_READ,
	VG_LOAD_ERR_YAML_PARSE,
	VG_LOAD_ERR_YAML_VALIDATE,
	VG_LOAD_ERR_COMPILE_CONDITION,
	VG_LOAD_ERR_COMPILE_OUTPUT,
	VG_LOAD_ERR_VALIDATE,
	/* warnings */
	VG_LOAD_UNKNOWN_SOURCE,
	VG_LOAD_UNSAFE_NA_CHECK,
	VG_LOAD_NO_EVTTYPE,
	VG_LOAD_UNKNOWN_FILTER,
	VG_LOAD_UNUSED_MACRO,
	VG_LOAD_UNUSED_LIST,
	VG_LOAD_UNKNOWN_ITEM,
	VG_LOAD_DEPRECATED_ITEM,
	VG_LOAD_APPEND_NO_VALUES,
	VG_LOAD_EXCEPTION_NAME_NOT_UNIQUE,
	VG_LOAD_INVALID_MACRO_NAME,
	VG_LOAD_INVALID_LIST_NAME,
	VG_LOAD_COMPILE_CONDITION,
	VG_LOAD_UNKNOWN_KEY,
	VG_LOAD_SHADOWED_RULE, /* vigil: a rule can never fire under rule_matching: first */
	VG_LOAD_CODE_COUNT_
} vg_rules_code;

typedef struct vg_rules_diag {
	bool error;
	vg_rules_code code;
	const char *file;      /* NULL when not tied to a file */
	uint32_t line, col;    /* 1-based; 0 when unknown */
	uint32_t offset;       /* byte offset in the file (0 when unknown) */
	const char *item_type; /* "rule", "macro", "list", ... or NULL */
	const char *item_name; /* or NULL */
	const char *message;
} vg_rules_diag;

/* Ownership: the result owns every string; free with vg_rules_result_free(). */
typedef struct vg_rules_result {
	vg_arena *arena;
	vg_rules_diag *diags;
	uint32_t n, cap;
	const char **files; /* files in load order */
	uint32_t nfiles, files_cap;
	bool failed;
} vg_rules_result;

vg_rules_result *vg_rules_result_new(void);
void vg_rules_result_free(vg_rules_result *r);
bool vg_rules_result_ok(const vg_rules_result *r);
uint32_t vg_rules_result_count(const vg_rules_result *r, bool errors);

void vg_rules_result_add_file(vg_rules_result *r, const char *file);
/* Adds a diagnostic; strings are copied. Returns the stored entry (NULL on allocation failure). */
const vg_rules_diag *vg_rules_result_add(vg_rules_result *r, bool error, vg_rules_code code, const char *file,
					 uint32_t line, uint32_t col, uint32_t offset, const char *item_type,
					 const char *item_name, const char *fmt, ...)
	__attribute__((format(printf, 10, 11)));

const char *vg_rules_result_code_name(vg_rules_code code); /* "LOAD_UNUSED_MACRO" */
const char *vg_rules_result_code_desc(vg_rules_code code); /* "Unused macro" */

/* "file:line:col: rule 'X': message" (no trailing newline). */
void vg_rules_result_format_diag(const vg_rules_diag *d, vg_buf *out);
/* One line per diagnostic, errors first, then "N errors, M warnings". */
void vg_rules_result_text(const vg_rules_result *r, vg_buf *out);
/* {"falco_load_results":[{"name":file,"successful":bool,"errors":[...],"warnings":[...]}...]} */
void vg_rules_result_json(const vg_rules_result *r, vg_buf *out);

#endif
