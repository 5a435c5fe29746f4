/* Condition parser: Falco's filter grammar (reference §4) into an AST allocated in an arena.
 *
 * Lists are substituted textually before parsing (cond_text), so a bare identifier on the
 * right-hand side is just a string; a bare identifier in boolean position is a macro reference
 * that the rules loader replaces with the macro's AST. Every node records the byte offset where
 * it starts, so errors can name line:column inside the condition. */
#ifndef VG_COND_PARSE_H
#define VG_COND_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

#define VG_COND_MAX_DEPTH 1000

typedef enum vg_cond_kind {
	VG_COND_AND,
	VG_COND_OR,
	VG_COND_NOT,
	VG_COND_MACRO, /* bare identifier; replaced by the macro's AST before compiling */
	VG_COND_CHECK,
} vg_cond_kind;

typedef enum vg_cond_op {
	VG_OP_EQ, VG_OP_NE, VG_OP_LT, VG_OP_LE, VG_OP_GT, VG_OP_GE,
	VG_OP_CONTAINS, VG_OP_ICONTAINS, VG_OP_BCONTAINS,
	VG_OP_STARTSWITH, VG_OP_BSTARTSWITH, VG_OP_ENDSWITH,
	VG_OP_GLOB, VG_OP_IGLOB, VG_OP_REGEX,
	VG_OP_IN, VG_OP_INTERSECTS, VG_OP_PMATCH, VG_OP_EXISTS,
	VG_OP_COUNT_
} vg_cond_op;

typedef enum vg_cond_mod { VG_MOD_NONE, VG_MOD_ONEOF, VG_MOD_ANYOF, VG_MOD_ALLOF } vg_cond_mod;

/* A field reference, possibly wrapped in transformers: tolower(basename(proc.exepath)). */
typedef struct vg_cond_expr {
	uint32_t off;             /* byte offset in the parsed text */
	bool is_transformer;      /* name is a transformer (args holds its operands) */
	bool is_literal;          /* a quoted transformer operand; name holds its unescaped text */
	const char *name;         /* field or transformer name, or the literal's text */
	bool has_arg;             /* [arg] was written */
	const char *arg;          /* its text (unescaped), or NULL */
	struct vg_cond_expr **args;
	uint32_t nargs;
} vg_cond_expr;

typedef enum vg_cond_rhs_kind { VG_RHS_NONE, VG_RHS_VALUE, VG_RHS_LIST, VG_RHS_EXPR } vg_cond_rhs_kind;

typedef struct vg_cond_node {
	vg_cond_kind kind;
	uint32_t off;
	const char *src;          /* the text this node was parsed from (offsets are into it) */
	const char *origin;       /* macro whose condition it came from, or NULL */
	/* AND / OR (n >= 2), NOT (n == 1) */
	struct vg_cond_node **kids;
	uint32_t nkids;
	/* MACRO */
	const char *macro;
	/* CHECK */
	vg_cond_expr *lhs;
	vg_cond_op op;
	vg_cond_mod mod;
	vg_cond_rhs_kind rhs_kind;
	const char **vals;        /* VALUE (n == 1) / LIST, unescaped */
	uint32_t *val_offs;
	uint32_t nvals;
	vg_cond_expr *rhs_expr;   /* EXPR: val(field) (is_transformer, name "val") or a transformer */
} vg_cond_node;

/* Parses text[0..len). Nodes and strings live in arena. On error returns NULL and sets err to
 * "<reason> at <line>:<col>" (1-based, relative to text). */
vg_cond_node *vg_cond_parse(vg_arena *arena, const char *text, size_t len, vg_err *err);
/* Same, recording origin (a macro name, borrowed; must outlive the AST) in every node so that
 * compile errors inside macro expansions can say where they come from. */
vg_cond_node *vg_cond_parse_named(vg_arena *arena, const char *text, size_t len, const char *origin, vg_err *err);

/* Parses one field expression (field[arg] or transformer(...)) at the start of text, for output
 * formats. *consumed receives the bytes used. NULL (err set) when text does not start with
 * one. */
vg_cond_expr *vg_cond_parse_expr(vg_arena *arena, const char *text, size_t len, size_t *consumed,
				 vg_err *err);

/* True when name is a transformer that may start an expression ("tolower", "val", "join", ...). */
bool vg_cond_parse_is_transformer(const char *name, size_t len);

const char *vg_cond_parse_op_name(vg_cond_op op);
const char *vg_cond_parse_mod_name(vg_cond_mod mod);

/* Canonical text of a node (fully parenthesised; values double-quoted), e.g. for comparing
 * conditions structurally. Depth is bounded by the parser. */
void vg_cond_parse_print(const vg_cond_node *n, vg_buf *out);
void vg_cond_parse_print_expr(const vg_cond_expr *e, vg_buf *out);

/* Value of a hex digit (0-15), or -1. */
int vg_cond_parse_hexdigit(char c);

/* 1-based line and column of byte offset off in text. */
void vg_cond_parse_linecol(const char *text, size_t len, uint32_t off, uint32_t *line, uint32_t *col);

#endif
