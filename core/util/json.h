/* JSON helpers: a writer (escaping as Falco's outputs do) and a jsmn-based reader.
 *
 * Reading: vg_json_parse() tokenizes once into a growable token array; the walkers below then
 * navigate tokens without copying the document. Token indexes are ints as in jsmn. */
#ifndef VG_JSON_H
#define VG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every user of jsmn in the core must agree on these: they change jsmntok_t's layout. */
#ifndef JSMN_PARENT_LINKS
#define JSMN_PARENT_LINKS
#endif
#ifndef JSMN_STRICT
#define JSMN_STRICT
#endif
#ifndef JSMN_IMPLEMENTATION_UNIT
#define JSMN_HEADER
#endif
#include <jsmn.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"

/* ---- writer ---- */

/* Appends s[0..n) as a quoted JSON string: control characters escaped (\n, \t, \u00XX),
 * invalid UTF-8 replaced by U+FFFD, so any byte string yields valid JSON. */
void vg_json_put_str(vg_buf *b, const char *s, size_t n);
static inline void vg_json_put_cstr(vg_buf *b, const char *s);
/* Appends the escaped content without the surrounding quotes. */
void vg_json_put_escaped(vg_buf *b, const char *s, size_t n);

/* ---- reader ---- */

typedef struct vg_json {
	const char *text; /* borrowed: must outlive the vg_json */
	size_t len;
	jsmntok_t *tok;   /* owned */
	int ntok;
	int cap;
} vg_json;

/* Tokenizes text[0..len). max_depth bounds nesting (0 = 512) so hostile input cannot exhaust
 * the walkers' recursion. On error fills err with the reason and byte offset. */
vg_rc vg_json_parse(vg_json *j, const char *text, size_t len, int max_depth, vg_err *err);
void vg_json_free(vg_json *j);

/* Index of the token after the subtree rooted at t (i.e. skips t and its children). */
int vg_json_skip(const vg_json *j, int t);
/* Member value of object token obj with the given key, or -1. */
int vg_json_get(const vg_json *j, int obj, const char *key);
/* i-th element of array token arr, or -1. */
int vg_json_at(const vg_json *j, int arr, int i);

bool vg_json_is_str(const vg_json *j, int t);
bool vg_json_is_obj(const vg_json *j, int t);
bool vg_json_is_arr(const vg_json *j, int t);
bool vg_json_is_bool(const vg_json *j, int t, bool *val);
bool vg_json_is_null(const vg_json *j, int t);
/* Raw token text (for strings: without quotes, still escaped). */
const char *vg_json_raw(const vg_json *j, int t, size_t *len);
/* True when token t is a string equal to s (after unescaping). */
bool vg_json_str_eq(const vg_json *j, int t, const char *s);
/* Unescaped string value appended to out (\uXXXX incl. surrogate pairs → UTF-8). Returns false
 * when t is not a string or has a bad escape. */
bool vg_json_str(const vg_json *j, int t, vg_buf *out);
/* Integer value of a primitive token. */
bool vg_json_int(const vg_json *j, int t, int64_t *out);
bool vg_json_uint(const vg_json *j, int t, uint64_t *out);

static inline void vg_json_put_cstr(vg_buf *b, const char *s)
{
	vg_json_put_str(b, s, strlen(s));
}

#endif
