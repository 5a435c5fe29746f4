/* jdoc: a validated, tokenized JSON document for plugins (k8saudit, json).
 *
 * jsmn alone accepts some malformed input (missing commas, trailing separators, bad literals),
 * and a token stream that lies about structure would send the walkers out of bounds. So every
 * document is first checked by a strict RFC 8259 validator (iterative, depth-bounded), which also
 * counts the tokens exactly; jsmn then tokenizes into one right-sized array. A second O(n) pass
 * records, for every token, the index just after its subtree, so skipping a value is O(1).
 *
 * Token indexes are ints as in jsmn; -1 means "absent". Strings are validated for escapes and
 * control characters, not for UTF-8: payloads are treated as bytes (k8saudit sanitizes UTF-8
 * when it re-serializes events). */
#ifndef VIGIL_JDOC_H
#define VIGIL_JDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Layout switches shared by every user of jsmn here; they change jsmntok_t. */
#define JSMN_PARENT_LINKS
#define JSMN_STRICT
#ifndef JDOC_JSMN_IMPLEMENTATION
#define JSMN_HEADER
#endif
#include <jsmn.h>

/* Nesting limit applied when the caller passes 0. */
#define JDOC_DEFAULT_MAX_DEPTH 512

typedef struct jdoc {
	const char *text;  /* borrowed: must outlive every use of the document */
	size_t len;
	jsmntok_t *tok;    /* owned, reused across jdoc_parse calls */
	int *next;         /* owned: next[t] = index after the subtree of t */
	int ntok;
	int cap;
} jdoc;

/* Why a document was rejected: a static reason and the byte offset where it was noticed. */
typedef struct jdoc_error {
	const char *reason;
	size_t offset;
} jdoc_error;

/* Checks text[0..len) is exactly one JSON value (surrounding whitespace allowed), nesting at
 * most max_depth (0 = default). On success stores the token count in *ntok (may be NULL). */
bool jdoc_validate(const char *text, size_t len, int max_depth, int *ntok, jdoc_error *err);

/* Validates and tokenizes text[0..len) into d, reusing d's arrays. text is borrowed.
 * Returns false with *err filled on malformed input or allocation failure. */
bool jdoc_parse(jdoc *d, const char *text, size_t len, int max_depth, jdoc_error *err);
void jdoc_init(jdoc *d);
void jdoc_free(jdoc *d);

static inline bool jdoc_is_obj(const jdoc *d, int t) { return t >= 0 && d->tok[t].type == JSMN_OBJECT; }
static inline bool jdoc_is_arr(const jdoc *d, int t) { return t >= 0 && d->tok[t].type == JSMN_ARRAY; }
static inline bool jdoc_is_str(const jdoc *d, int t) { return t >= 0 && d->tok[t].type == JSMN_STRING; }
/* Number of members of an object, elements of an array. */
static inline int jdoc_size(const jdoc *d, int t) { return t >= 0 ? d->tok[t].size : 0; }
/* Member value of object obj whose (unescaped) key equals key[0..keylen), or -1. */
int jdoc_get(const jdoc *d, int obj, const char *key, size_t keylen);
/* Same with a NUL-terminated key. */
int jdoc_getc(const jdoc *d, int obj, const char *key);
/* Follows a NULL-terminated list of object keys from t; -1 when any step is missing. */
int jdoc_path(const jdoc *d, int t, const char *const *keys);
/* i-th element of array arr, or -1. */
int jdoc_at(const jdoc *d, int arr, size_t i);

/* Children iteration, for objects and arrays alike: the first child is container+1 and the
 * next one is jdoc_next(d, child); an object's children are its key tokens, each key's value is
 * key+1 and a key's subtree includes its value. */
static inline int jdoc_first(const jdoc *d, int container) { (void)d; return container + 1; }
static inline int jdoc_next(const jdoc *d, int child) { return d->next[child]; }

/* Byte-by-byte walk of validated JSON text: tells which bytes belong to strings. */
typedef struct jdoc_strscan {
	bool in_str;
	bool esc;
} jdoc_strscan;

/* Feeds the next byte c; true when c is part of a string (its quotes included). */
static inline bool jdoc_in_string(jdoc_strscan *st, char c)
{
	if (!st->in_str) {
		st->in_str = c == '"';
		return st->in_str;
	}
	if (st->esc)
		st->esc = false;
	else if (c == '\\')
		st->esc = true;
	else if (c == '"')
		st->in_str = false;
	return true;
}

/* True when t is the literal true. */
static inline bool jdoc_is_true(const jdoc *d, int t)
{
	return t >= 0 && d->tok[t].type == JSMN_PRIMITIVE && d->text[d->tok[t].start] == 't';
}

/* True when string token t, unescaped, equals s[0..n). */
bool jdoc_str_eq(const jdoc *d, int t, const char *s, size_t n);
static inline bool jdoc_str_eqc(const jdoc *d, int t, const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return jdoc_str_eq(d, t, s, n);
}

/* Upper bound of the bytes jdoc_render writes for t, NUL included. */
size_t jdoc_render_cap(const jdoc *d, int t);
/* Renders t into out (jdoc_render_cap bytes): strings unescaped (\uXXXX → UTF-8, invalid
 * surrogates → U+FFFD), everything else as compact JSON text. NUL-terminates; returns length. */
size_t jdoc_render(const jdoc *d, int t, char *out);
/* Copies the JSON text of t with insignificant whitespace removed (strings kept escaped). out
 * needs (tok.end - tok.start + 3) bytes; returns the length written (not NUL-terminated). */
size_t jdoc_compact(const jdoc *d, int t, char *out);

/* RFC 6901 JSON pointer lookup from the root. The leading '/' is optional; "" is the root;
 * "~1" is '/', "~0" is '~'; array segments are decimal indexes without leading zeros.
 * Returns the token or -1 (missing path or malformed pointer). */
int jdoc_pointer(const jdoc *d, const char *ptr, size_t len);

#endif
