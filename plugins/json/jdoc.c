#define JDOC_JSMN_IMPLEMENTATION
#include "jdoc.h"

#include <vigil/plugin_sdk.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* Hard ceiling on nesting whatever the caller asks: the validator keeps one bit per level. */
#define JDOC_MAX_DEPTH_LIMIT 4096

static bool fail(jdoc_error *err, const char *reason, size_t offset)
{
	if (err) {
		err->reason = reason;
		err->offset = offset;
	}
	return false;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- validation ---- */

/* s[i] is the opening quote. Returns the offset after the closing quote, 0 on error. */
static size_t scan_string(const char *s, size_t len, size_t i, jdoc_error *err)
{
	size_t start = i++;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"')
			return i + 1;
		if (c < 0x20) {
			fail(err, "control character inside a string", i);
			return 0;
		}
		if (c != '\\') {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		char e = s[i + 1];
		if (e == 'u') {
			if (i + 6 > len)
				break;
			for (size_t k = 2; k < 6; k++) {
				if (hex_val(s[i + k]) < 0) {
					fail(err, "bad \\u escape", i);
					return 0;
				}
			}
			i += 6;
			continue;
		}
		if (!e || !strchr("\"\\/bfnrt", e)) {
			fail(err, "bad escape sequence", i);
			return 0;
		}
		i += 2;
	}
	fail(err, "unterminated string", start);
	return 0;
}

static size_t scan_digits(const char *s, size_t len, size_t i)
{
	while (i < len && is_digit(s[i]))
		i++;
	return i;
}

/* RFC 8259 number grammar. Returns the offset after the number, 0 on error. */
static size_t scan_number(const char *s, size_t len, size_t i, jdoc_error *err)
{
	size_t start = i;
	if (s[i] == '-')
		i++;
	if (i < len && s[i] == '0')
		i++;
	else if (i < len && is_digit(s[i]))
		i = scan_digits(s, len, i);
	else
		goto bad;
	if (i < len && s[i] == '.') {
		if (++i >= len || !is_digit(s[i]))
			goto bad;
		i = scan_digits(s, len, i);
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || !is_digit(s[i]))
			goto bad;
		i = scan_digits(s, len, i);
	}
	return i;
bad:
	fail(err, "malformed number", start);
	return 0;
}

static size_t scan_literal(const char *s, size_t len, size_t i, jdoc_error *err)
{
	static const char *const words[] = {"true", "false", "null"};
	for (size_t w = 0; w < 3; w++) {
		size_t n = strlen(words[w]);
		if (len - i >= n && memcmp(s + i, words[w], n) == 0)
			return i + n;
	}
	fail(err, "unexpected character", i);
	return 0;
}

static size_t scan_scalar(const char *s, size_t len, size_t i, jdoc_error *err)
{
	if (s[i] == '"')
		return scan_string(s, len, i, err);
	if (s[i] == '-' || is_digit(s[i]))
		return scan_number(s, len, i, err);
	return scan_literal(s, len, i, err);
}

enum vstate { V_VALUE, V_VALUE_OR_CLOSE, V_KEY_OR_CLOSE, V_KEY, V_COLON, V_COMMA_OR_CLOSE, V_DONE };

typedef struct vstack {
	uint8_t is_obj[JDOC_MAX_DEPTH_LIMIT / 8];
	int depth;
	int max;
} vstack;

static bool top_is_obj(const vstack *v)
{
	int d = v->depth - 1;
	return (v->is_obj[d / 8] >> (d % 8)) & 1;
}

static bool push(vstack *v, bool obj)
{
	if (v->depth >= v->max)
		return false;
	int d = v->depth++;
	if (obj)
		v->is_obj[d / 8] |= (uint8_t)(1u << (d % 8));
	else
		v->is_obj[d / 8] &= (uint8_t)~(1u << (d % 8));
	return true;
}

/* The state after a complete value: inside a container we need a separator, else we are done. */
static enum vstate after_value(const vstack *v)
{
	return v->depth ? V_COMMA_OR_CLOSE : V_DONE;
}

bool jdoc_validate(const char *s, size_t len, int max_depth, int *ntok, jdoc_error *err)
{
	if (len >= (size_t)INT_MAX)
		return fail(err, "document too large", 0);
	vstack v = {.depth = 0, .max = max_depth <= 0 ? JDOC_DEFAULT_MAX_DEPTH : max_depth};
	if (v.max > JDOC_MAX_DEPTH_LIMIT)
		v.max = JDOC_MAX_DEPTH_LIMIT;
	enum vstate st = V_VALUE;
	long count = 0;
	size_t i = 0;
	while (i < len) {
		char c = s[i];
		if (is_ws(c)) {
			i++;
			continue;
		}
		switch (st) {
		case V_DONE:
			return fail(err, "trailing data after the JSON value", i);
		case V_COLON:
			if (c != ':')
				return fail(err, "expected ':' after an object key", i);
			i++;
			st = V_VALUE;
			continue;
		case V_COMMA_OR_CLOSE:
			if (c == ',') {
				st = top_is_obj(&v) ? V_KEY : V_VALUE;
				i++;
				continue;
			}
			if (c != (top_is_obj(&v) ? '}' : ']'))
				return fail(err, "expected ',' or a closing bracket", i);
			v.depth--;
			i++;
			st = after_value(&v);
			continue;
		case V_KEY_OR_CLOSE:
		case V_KEY:
			if (c == '}' && st == V_KEY_OR_CLOSE) {
				v.depth--;
				i++;
				st = after_value(&v);
				continue;
			}
			if (c != '"')
				return fail(err, "expected a string object key", i);
			if (!(i = scan_string(s, len, i, err)))
				return false;
			count++;
			st = V_COLON;
			continue;
		case V_VALUE_OR_CLOSE:
		case V_VALUE:
			if (c == ']' && st == V_VALUE_OR_CLOSE) {
				v.depth--;
				i++;
				st = after_value(&v);
				continue;
			}
			count++;
			if (c == '{' || c == '[') {
				if (!push(&v, c == '{'))
					return fail(err, "nesting too deep", i);
				i++;
				st = c == '{' ? V_KEY_OR_CLOSE : V_VALUE_OR_CLOSE;
				continue;
			}
			if (!(i = scan_scalar(s, len, i, err)))
				return false;
			st = after_value(&v);
			continue;
		}
	}
	if (st != V_DONE)
		return fail(err, count ? "truncated JSON" : "empty document", len);
	if (count >= INT_MAX / 2)
		return fail(err, "too many JSON values", 0);
	if (ntok)
		*ntok = (int)count;
	return true;
}

/* ---- tokenizing ---- */

void jdoc_init(jdoc *d)
{
	memset(d, 0, sizeof(*d));
}

void jdoc_free(jdoc *d)
{
	free(d->tok);
	free(d->next);
	jdoc_init(d);
}

static bool reserve(jdoc *d, int n)
{
	if (n <= d->cap)
		return true;
	int cap = d->cap ? d->cap : 64;
	while (cap < n)
		cap = cap > INT_MAX / 2 ? n : cap * 2;
	jsmntok_t *tok = realloc(d->tok, (size_t)cap * sizeof(*tok));
	if (!tok)
		return false;
	d->tok = tok;
	int *next = realloc(d->next, (size_t)cap * sizeof(*next));
	if (!next)
		return false;
	d->next = next;
	d->cap = cap;
	return true;
}

/* next[t] for every token in one reverse pass: a token with no children ends right after itself;
 * a parent ends where its last child (the first one met going backwards) ends. */
static void link_subtrees(jdoc *d)
{
	memset(d->next, 0, (size_t)d->ntok * sizeof(*d->next));
	for (int t = d->ntok - 1; t >= 0; t--) {
		if (d->next[t] == 0)
			d->next[t] = t + 1;
		int p = d->tok[t].parent;
		if (p >= 0 && d->next[p] == 0)
			d->next[p] = d->next[t];
	}
}

bool jdoc_parse(jdoc *d, const char *text, size_t len, int max_depth, jdoc_error *err)
{
	d->ntok = 0;
	size_t i = 0;
	while (i < len && is_ws(text[i]))
		i++;
	if (i == len)
		return fail(err, "empty document", len);
	/* jsmn's strict mode cannot end a document on a bare scalar; no payload needs one. */
	if (text[i] != '{' && text[i] != '[')
		return fail(err, "top-level value is not an object or an array", i);
	int n = 0;
	if (!jdoc_validate(text, len, max_depth, &n, err))
		return false;
	if (!reserve(d, n))
		return fail(err, "out of memory", 0);
	jsmn_parser p;
	jsmn_init(&p);
	int r = jsmn_parse(&p, text, len, d->tok, (unsigned)d->cap);
	if (r != n)
		return fail(err, "tokenizer disagrees with the validator", p.pos);
	d->text = text;
	d->len = len;
	d->ntok = n;
	link_subtrees(d);
	return true;
}

/* ---- strings ---- */

/* One character of a validated string body: the SDK's decoder, shared by every JSON reader in
 * vigil (a lone surrogate becomes U+FFFD: audit data is kept, not refused). */
static size_t unescape_one(const char *r, size_t n, size_t *i, char out[4])
{
	size_t k = vsdk_json_unescape_char(r, n, i, out, 0);
	if (!k) /* cannot happen on validated input; never loop forever */
		*i = n;
	return k;
}

bool jdoc_str_eq(const jdoc *d, int t, const char *s, size_t n)
{
	if (!jdoc_is_str(d, t))
		return false;
	const char *r = d->text + d->tok[t].start;
	size_t rn = (size_t)(d->tok[t].end - d->tok[t].start);
	/* Unescaping only shortens a string: same length means no escapes, shorter never matches. */
	if (rn == n)
		return memcmp(r, s, n) == 0 && !memchr(s, '\\', n);
	if (rn < n)
		return false;
	if (!memchr(r, '\\', rn))
		return false;
	size_t i = 0, o = 0;
	while (i < rn) {
		char ch[4];
		size_t k = unescape_one(r, rn, &i, ch);
		if (o + k > n || memcmp(s + o, ch, k) != 0)
			return false;
		o += k;
	}
	return o == n;
}

static size_t unescape(const jdoc *d, int t, char *out)
{
	const char *r = d->text + d->tok[t].start;
	size_t rn = (size_t)(d->tok[t].end - d->tok[t].start);
	size_t i = 0, o = 0;
	if (!memchr(r, '\\', rn)) {
		memcpy(out, r, rn);
		o = rn;
	} else {
		while (i < rn)
			o += unescape_one(r, rn, &i, out + o);
	}
	out[o] = '\0';
	return o;
}

size_t jdoc_compact(const jdoc *d, int t, char *out)
{
	int start = d->tok[t].start, end = d->tok[t].end;
	if (d->tok[t].type == JSMN_STRING) {
		start--; /* include the quotes, which jsmn leaves out */
		end++;
	}
	size_t o = 0;
	jdoc_strscan st = {false, false};
	for (int i = start; i < end; i++) {
		char c = d->text[i];
		if (jdoc_in_string(&st, c) || !is_ws(c))
			out[o++] = c;
	}
	return o;
}

size_t jdoc_render_cap(const jdoc *d, int t)
{
	return (size_t)(d->tok[t].end - d->tok[t].start) + 3;
}

size_t jdoc_render(const jdoc *d, int t, char *out)
{
	if (d->tok[t].type == JSMN_STRING)
		return unescape(d, t, out);
	size_t n = jdoc_compact(d, t, out);
	out[n] = '\0';
	return n;
}

/* ---- navigation ---- */

int jdoc_get(const jdoc *d, int obj, const char *key, size_t keylen)
{
	if (!jdoc_is_obj(d, obj))
		return -1;
	int k = jdoc_first(d, obj);
	for (int n = d->tok[obj].size; n > 0; n--, k = jdoc_next(d, k)) {
		if (jdoc_str_eq(d, k, key, keylen))
			return k + 1;
	}
	return -1;
}

int jdoc_getc(const jdoc *d, int obj, const char *key)
{
	return jdoc_get(d, obj, key, strlen(key));
}

int jdoc_path(const jdoc *d, int t, const char *const *keys)
{
	for (; t >= 0 && *keys; keys++)
		t = jdoc_getc(d, t, *keys);
	return t;
}

int jdoc_at(const jdoc *d, int arr, size_t i)
{
	if (!jdoc_is_arr(d, arr) || i >= (size_t)d->tok[arr].size)
		return -1;
	int e = jdoc_first(d, arr);
	while (i--)
		e = jdoc_next(d, e);
	return e;
}

/* ---- JSON pointer ---- */

/* Decodes one pointer segment (~0, ~1 escapes) into out; false on a dangling or unknown '~'. */
static bool pointer_segment(const char *seg, size_t n, char *out, size_t *outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (seg[i] != '~') {
			out[o++] = seg[i];
			continue;
		}
		if (i + 1 >= n || (seg[i + 1] != '0' && seg[i + 1] != '1'))
			return false;
		out[o++] = seg[++i] == '0' ? '~' : '/';
	}
	*outlen = o;
	return true;
}

/* Array index per RFC 6901: "0" or digits without a leading zero; "-" (past the end) has no
 * value to read. */
static bool pointer_index(const char *seg, size_t n, size_t *idx)
{
	if (n == 0 || n > 18 || (n > 1 && seg[0] == '0'))
		return false;
	size_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(seg[i]))
			return false;
		v = v * 10 + (size_t)(seg[i] - '0');
	}
	*idx = v;
	return true;
}

static int pointer_step(const jdoc *d, int t, const char *seg, size_t n, char *scratch)
{
	if (jdoc_is_arr(d, t)) {
		size_t idx;
		return pointer_index(seg, n, &idx) ? jdoc_at(d, t, idx) : -1;
	}
	if (!jdoc_is_obj(d, t))
		return -1;
	size_t kn;
	if (!pointer_segment(seg, n, scratch, &kn))
		return -1;
	return jdoc_get(d, t, scratch, kn);
}

int jdoc_pointer(const jdoc *d, const char *ptr, size_t len)
{
	if (d->ntok == 0)
		return -1;
	if (len == 0)
		return 0;
	/* Segments decode in place into a buffer no longer than the pointer itself. */
	char small[256];
	char *scratch = len <= sizeof(small) ? small : malloc(len);
	if (!scratch)
		return -1;
	int t = 0;
	size_t i = ptr[0] == '/' ? 1 : 0;
	for (;;) {
		const char *slash = memchr(ptr + i, '/', len - i);
		size_t j = slash ? (size_t)(slash - ptr) : len;
		t = pointer_step(d, t, ptr + i, j - i, scratch);
		if (t < 0 || j == len)
			break;
		i = j + 1;
	}
	if (scratch != small)
		free(scratch);
	return t;
}
