/* A small YAML document tree built with libyaml's event parser, keeping the line and column of
 * every node so that rules-file errors can name file:line:col. Aliases point at the anchored
 * node (shared, not copied). Nesting is bounded (VG_YTREE_MAX_DEPTH). */
#ifndef VG_YAML_TREE_H
#define VG_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/err.h"

#define VG_YTREE_MAX_DEPTH 1000

typedef enum vg_ykind { VG_Y_SCALAR, VG_Y_SEQ, VG_Y_MAP } vg_ykind;

typedef struct vg_ynode {
	vg_ykind kind;
	uint32_t line, col;     /* 1-based */
	uint32_t offset;        /* byte offset in the text */
	const char *str;        /* SCALAR: NUL-terminated value */
	size_t len;
	bool plain;             /* SCALAR: unquoted plain style (so "null"/"~"/"" mean null) */
	struct vg_ynode **items; /* SEQ: n items; MAP: 2n entries, key then value */
	uint32_t n;
} vg_ynode;

/* Parses every document of text[0..len). *docs receives ndocs roots (a NULL root for an empty
 * document). Everything lives in arena. Errors: "line:col: reason". */
vg_rc vg_ytree_parse(vg_arena *arena, const char *text, size_t len, vg_ynode ***docs, uint32_t *ndocs,
		     vg_err *err);

bool vg_ytree_is_null(const vg_ynode *n);
/* Value of key in a map, or NULL. */
const vg_ynode *vg_ytree_get(const vg_ynode *map, const char *key);
/* Scalar text, or NULL when n is not a scalar. */
const char *vg_ytree_str(const vg_ynode *n);
/* Scalar "true"/"false" (YAML 1.1 spellings too); false when not a boolean. */
bool vg_ytree_bool(const vg_ynode *n, bool *out);

#endif
