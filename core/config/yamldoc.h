/* A small YAML document tree with source positions, built from libyaml's event parser.
 *
 * Why not libyaml's document API: it loses the file name, expands aliases without a bound and
 * recurses without a depth limit. Here every node keeps file:line:column, maps keep key order,
 * scalars keep their style (plain vs quoted) so the consumer decides whether `true` or `123` is
 * a bool/number or a string, aliases are copied into a plain tree under an expansion budget
 * (billion-laughs safe) and nesting depth is bounded. Errors read "file:line:col: reason".
 *
 * Ownership: a vg_yaml_doc owns every node, string and file name it hands out (one arena);
 * all pointers stay valid until vg_yaml_doc_free(). Several files/strings may be parsed into
 * one doc, and nodes may be moved between the trees of one doc (config merging, -o). */
#ifndef VG_YAMLDOC_H
#define VG_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

typedef enum vg_yaml_kind {
	VG_YAML_SCALAR = 0,
	VG_YAML_MAP = 1,
	VG_YAML_SEQ = 2,
} vg_yaml_kind;

typedef enum vg_yaml_style {
	VG_YAML_PLAIN = 0,  /* untyped: may be null, bool, number or string */
	VG_YAML_QUOTED = 1, /* single/double quoted, block literal/folded, or tagged !!str */
} vg_yaml_style;

typedef struct vg_yaml_node vg_yaml_node;
struct vg_yaml_node {
	vg_yaml_kind kind;
	vg_yaml_style style; /* scalars only */
	const char *file;    /* owned by the doc */
	uint32_t line, col;  /* 1-based */
	size_t offset;       /* byte offset in the parsed text; 0 for nodes built by the API */
	char *str;           /* scalars: NUL-terminated value (may hold inner NULs: see len) */
	size_t len;
	/* MAP: keys[i] → vals[i] in document order; SEQ: vals[i]. n entries, cap allocated. */
	vg_yaml_node **keys;
	vg_yaml_node **vals;
	uint32_t n, cap;
};

typedef struct vg_yaml_opts {
	uint32_t max_depth;       /* nesting bound; 0 = 128 */
	uint32_t max_alias_nodes; /* nodes copied by alias expansion per doc; 0 = 100000 */
} vg_yaml_opts;

typedef struct vg_yaml_doc vg_yaml_doc;

/* opts may be NULL (defaults). Returns NULL on allocation failure. Free with vg_yaml_doc_free. */
vg_yaml_doc *vg_yaml_doc_new(const vg_yaml_opts *opts);
void vg_yaml_doc_free(vg_yaml_doc *doc);

/* Parses text[0..len) (name is used in positions and errors) and appends one root per YAML
 * document ("---") to doc. *first (may be NULL) receives the index of the first new root.
 * On error nothing is appended and err reads "name:line:col: reason". */
vg_rc vg_yaml_parse_str(vg_yaml_doc *doc, const char *name, const char *text, size_t len,
			uint32_t *first, vg_err *err);
/* Same for a file. A missing file gives VG_ERR_NOTFOUND ("path: No such file or directory"). */
vg_rc vg_yaml_parse_file(vg_yaml_doc *doc, const char *path, uint32_t *first, vg_err *err);

/* libyaml's own account of why the last parse into doc failed, for callers that word their own
 * diagnostics. Set only when libyaml rejected the text (syntax or encoding); found is false
 * after a success or a failure of another kind (depth, alias budget, out of memory).
 * problem/context are libyaml's static texts (context may be NULL). line/col are 1-based, or 0
 * for an encoding error, which has only the byte offset. */
typedef struct vg_yaml_syntax_err {
	bool found;
	const char *problem;
	const char *context;
	uint32_t line, col;
	size_t offset;
} vg_yaml_syntax_err;

vg_yaml_syntax_err vg_yaml_last_syntax_err(const vg_yaml_doc *doc);

uint32_t vg_yaml_doc_count(const vg_yaml_doc *doc);
/* Root node of document i (borrowed from doc), NULL when out of range. */
vg_yaml_node *vg_yaml_doc_root(const vg_yaml_doc *doc, uint32_t i);

/* ---- building and editing (nodes are allocated in doc) ---- */

/* A new scalar copying s[0..len); file/line/col position it for later error messages. */
vg_yaml_node *vg_yaml_new_scalar(vg_yaml_doc *doc, const char *s, size_t len, vg_yaml_style style,
				 const char *file, uint32_t line, uint32_t col);
vg_yaml_node *vg_yaml_new_map(vg_yaml_doc *doc, const char *file, uint32_t line, uint32_t col);
vg_yaml_node *vg_yaml_new_seq(vg_yaml_doc *doc, const char *file, uint32_t line, uint32_t col);
/* A doc-owned copy of a string (e.g. a file name to pass to the constructors above). */
const char *vg_yaml_strdup(vg_yaml_doc *doc, const char *s);
/* Appends val (and key for maps; key NULL for sequences). Nodes must belong to doc. */
vg_rc vg_yaml_append(vg_yaml_doc *doc, vg_yaml_node *container, vg_yaml_node *key, vg_yaml_node *val);
/* Replaces the value of key in map (last occurrence) or appends the pair. */
vg_rc vg_yaml_map_put(vg_yaml_doc *doc, vg_yaml_node *map, const char *key, vg_yaml_node *val);
/* Replaces the string of a scalar (for ${ENV} expansion). */
vg_rc vg_yaml_set_str(vg_yaml_doc *doc, vg_yaml_node *scalar, const char *s, size_t len);

/* ---- reading ---- */

/* Map value of key (last occurrence wins, as in most YAML loaders), NULL when absent or when
 * map is not a map. */
vg_yaml_node *vg_yaml_map_get(const vg_yaml_node *map, const char *key);
/* First occurrence of key instead (loaders that keep the first of duplicated keys). */
vg_yaml_node *vg_yaml_map_first(const vg_yaml_node *map, const char *key);
/* A scalar key's text, or NULL for a non-scalar key. */
const char *vg_yaml_key_str(const vg_yaml_node *key);
/* A scalar's text whatever its style (a number stays its text), NULL for a map, sequence or NULL. */
const char *vg_yaml_str(const vg_yaml_node *n);

/* Plain "", "~", "null", "Null", "NULL" (and a NULL node). */
bool vg_yaml_is_null(const vg_yaml_node *n);
/* Scalar conversions; they ignore the style (a quoted "true" is accepted, like yaml-cpp's
 * as<bool>). bool accepts true/false/yes/no/on/off in any of the usual cases. */
bool vg_yaml_bool(const vg_yaml_node *n, bool *out);
bool vg_yaml_int(const vg_yaml_node *n, int64_t *out);
bool vg_yaml_uint(const vg_yaml_node *n, uint64_t *out);
bool vg_yaml_double(const vg_yaml_node *n, double *out);

/* "file:line:col" of n into buf (for error prefixes); returns buf. */
const char *vg_yaml_where(const vg_yaml_node *n, char *buf, size_t size);
#define VG_YAML_WHERE_MAX 512

/* ---- paths: "a.b[2].c", "list[]" (append, set only), "a\.b" (literal dot) ---- */

/* Node at path below root, NULL when absent or when path is malformed. */
vg_yaml_node *vg_yaml_get(const vg_yaml_node *root, const char *path);
/* Stores val at path below root (a map), creating maps/sequences on the way and replacing
 * scalars that are in the way. `[n]` must address an existing element or n == length
 * (append); `[]` appends. Error text names the path. */
vg_rc vg_yaml_set(vg_yaml_doc *doc, vg_yaml_node *root, const char *path, vg_yaml_node *val,
		  vg_err *err);

/* ---- conversion ---- */

/* Appends n as compact JSON: plain null/bool/number scalars become JSON null/bool/numbers
 * (hex and octal ints converted to decimal), everything else a JSON string. Map keys must be
 * scalars. Fails with "file:line:col: reason" on a non-scalar key. */
vg_rc vg_yaml_to_json(const vg_yaml_node *n, vg_buf *out, vg_err *err);

#endif
