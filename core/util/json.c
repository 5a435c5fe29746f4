/* jsmn is header-only: this is its one implementation unit in the core. */
#define JSMN_IMPLEMENTATION_UNIT
#include "util/json.h"

#include <vigil/plugin_sdk.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writer ---- */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0) {
		len = 2;
		cp = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3;
		cp = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* Reject overlong forms, surrogates and out-of-range code points. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return len;
}

void vg_json_put_escaped(vg_buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t run = 0; /* start of the pending run of bytes that need no escaping */
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		const char *esc = NULL;
		char ubuf[8];
		size_t adv = 1;
		if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c == '\n')
			esc = "\\n";
		else if (c == '\r')
			esc = "\\r";
		else if (c == '\t')
			esc = "\\t";
		else if (c == '\b')
			esc = "\\b";
		else if (c == '\f')
			esc = "\\f";
		else if (c < 0x20 || c == 0x7F) {
			snprintf(ubuf, sizeof(ubuf), "\\u%04x", c);
			esc = ubuf;
		} else if (c >= 0x80) {
			adv = utf8_seq_len(s + i, n - i);
			if (adv == 0) {
				esc = "\xEF\xBF\xBD"; /* U+FFFD */
				adv = 1;
			}
		}
		if (esc) {
			vg_buf_append(b, s + run, i - run);
			vg_buf_puts(b, esc);
			run = i + adv;
		}
		i += adv;
	}
	vg_buf_append(b, s + run, n - run);
}

void vg_json_put_str(vg_buf *b, const char *s, size_t n)
{
	vg_buf_putc(b, '"');
	vg_json_put_escaped(b, s, n);
	vg_buf_putc(b, '"');
}

/* ---- reader ---- */

/* jsmn only checks a primitive's first character; JSON allows exactly true, false, null and
 * numbers of the RFC 8259 grammar. */
static bool valid_number(const char *p, size_t n)
{
	size_t i = 0;
	if (i < n && p[i] == '-')
		i++;
	if (i >= n)
		return false;
	if (p[i] == '0')
		i++;
	else if (p[i] >= '1' && p[i] <= '9')
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	else
		return false;
	if (i < n && p[i] == '.') {
		size_t start = ++i;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == start)
			return false;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		size_t start = i;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == start)
			return false;
	}
	return i == n;
}

/* jsmn accepts `{"a" "b"}`: every member of an object must be a string key followed by exactly
 * one value, or the walkers would read past the tokens. Returns the offending token or -1. */
static int first_bad_member(const vg_json *j)
{
	for (int t = 0; t < j->ntok; t++) {
		if (j->tok[t].type != JSMN_OBJECT)
			continue;
		int k = t + 1;
		for (int m = 0; m < j->tok[t].size; m++) {
			if (k >= j->ntok || j->tok[k].type != JSMN_STRING || j->tok[k].size != 1 || k + 1 >= j->ntok)
				return k < j->ntok ? k : t;
			k = vg_json_skip(j, k + 1);
		}
	}
	return -1;
}

static int first_bad_primitive(const vg_json *j)
{
	for (int i = 0; i < j->ntok; i++) {
		if (j->tok[i].type != JSMN_PRIMITIVE)
			continue;
		size_t n;
		const char *p = vg_json_raw(j, i, &n);
		if ((n == 4 && memcmp(p, "true", 4) == 0) || (n == 5 && memcmp(p, "false", 5) == 0) ||
		    (n == 4 && memcmp(p, "null", 4) == 0) || valid_number(p, n))
			continue;
		return i;
	}
	return -1;
}

vg_rc vg_json_parse(vg_json *j, const char *text, size_t len, int max_depth, vg_err *err)
{
	memset(j, 0, sizeof(*j));
	if (max_depth <= 0)
		max_depth = 512;
	/* jsmn's cost grows with tokens x depth: refuse deep input before tokenizing. */
	size_t where;
	if (!vsdk_json_nesting_ok(text, len, max_depth, &where))
		return vg_err_set(err, VG_ERR_LIMIT, "JSON nested too deeply (more than %d levels) at byte %zu",
				  max_depth, where);
	j->text = text;
	j->len = len;
	j->cap = 64;
	for (;;) {
		jsmntok_t *t = realloc(j->tok, sizeof(*t) * (size_t)j->cap);
		if (!t) {
			vg_json_free(j);
			return vg_err_set(err, VG_ERR_NOMEM, "out of memory parsing JSON");
		}
		j->tok = t;
		jsmn_parser p;
		jsmn_init(&p);
		int n = jsmn_parse(&p, text, len, j->tok, (unsigned)j->cap);
		if (n == JSMN_ERROR_NOMEM) {
			if (j->cap > (1 << 26)) {
				vg_json_free(j);
				return vg_err_set(err, VG_ERR_LIMIT, "JSON document has too many tokens");
			}
			j->cap *= 4;
			continue;
		}
		if (n == JSMN_ERROR_INVAL) {
			vg_json_free(j);
			return vg_err_set(err, VG_ERR_PARSE, "invalid JSON at byte %u", p.pos);
		}
		if (n == JSMN_ERROR_PART) {
			vg_json_free(j);
			return vg_err_set(err, VG_ERR_PARSE, "truncated JSON (ends at byte %zu)", len);
		}
		if (n == 0) {
			vg_json_free(j);
			return vg_err_set(err, VG_ERR_PARSE, "empty JSON document");
		}
		j->ntok = n;
		break;
	}
	/* jsmn accepts several top-level values; a document is exactly one. */
	if (vg_json_skip(j, 0) != j->ntok) {
		vg_json_free(j);
		return vg_err_set(err, VG_ERR_PARSE, "unexpected data after the JSON value");
	}
	int bad = first_bad_member(j);
	if (bad >= 0) {
		int at = j->tok[bad].start;
		vg_json_free(j);
		return vg_err_set(err, VG_ERR_PARSE, "invalid JSON at byte %d: object member without a key and value", at);
	}
	bad = first_bad_primitive(j);
	if (bad >= 0) {
		int at = j->tok[bad].start;
		vg_json_free(j);
		return vg_err_set(err, VG_ERR_PARSE, "invalid JSON at byte %d: not a number, true, false or null", at);
	}
	return VG_OK;
}

void vg_json_free(vg_json *j)
{
	free(j->tok);
	j->tok = NULL;
	j->ntok = j->cap = 0;
}

int vg_json_skip(const vg_json *j, int t)
{
	/* A subtree is contiguous: advance while tokens start inside t's span. */
	if (t < 0 || t >= j->ntok)
		return j->ntok;
	int end = j->tok[t].end;
	int i = t + 1;
	while (i < j->ntok && j->tok[i].start < end)
		i++;
	return i;
}

int vg_json_get(const vg_json *j, int obj, const char *key)
{
	if (obj < 0 || obj >= j->ntok || j->tok[obj].type != JSMN_OBJECT)
		return -1;
	int t = obj + 1;
	for (int i = 0; i < j->tok[obj].size && t + 1 < j->ntok; i++) {
		if (vg_json_str_eq(j, t, key))
			return t + 1;
		t = vg_json_skip(j, t + 1);
	}
	return -1;
}

int vg_json_at(const vg_json *j, int arr, int idx)
{
	if (arr < 0 || arr >= j->ntok || j->tok[arr].type != JSMN_ARRAY || idx < 0 || idx >= j->tok[arr].size)
		return -1;
	int t = arr + 1;
	for (int i = 0; i < idx; i++)
		t = vg_json_skip(j, t);
	return t < j->ntok ? t : -1;
}

static bool valid(const vg_json *j, int t)
{
	return t >= 0 && t < j->ntok;
}

bool vg_json_is_str(const vg_json *j, int t)
{
	return valid(j, t) && j->tok[t].type == JSMN_STRING;
}

bool vg_json_is_obj(const vg_json *j, int t)
{
	return valid(j, t) && j->tok[t].type == JSMN_OBJECT;
}

bool vg_json_is_arr(const vg_json *j, int t)
{
	return valid(j, t) && j->tok[t].type == JSMN_ARRAY;
}

const char *vg_json_raw(const vg_json *j, int t, size_t *len)
{
	*len = (size_t)(j->tok[t].end - j->tok[t].start);
	return j->text + j->tok[t].start;
}

static bool prim_eq(const vg_json *j, int t, const char *lit)
{
	size_t n;
	const char *p;
	if (!valid(j, t) || j->tok[t].type != JSMN_PRIMITIVE)
		return false;
	p = vg_json_raw(j, t, &n);
	return n == strlen(lit) && memcmp(p, lit, n) == 0;
}

bool vg_json_is_bool(const vg_json *j, int t, bool *val)
{
	if (prim_eq(j, t, "true")) {
		*val = true;
		return true;
	}
	if (prim_eq(j, t, "false")) {
		*val = false;
		return true;
	}
	return false;
}

bool vg_json_is_null(const vg_json *j, int t)
{
	return prim_eq(j, t, "null");
}

bool vg_json_str(const vg_json *j, int t, vg_buf *out)
{
	if (!vg_json_is_str(j, t))
		return false;
	size_t n;
	const char *p = vg_json_raw(j, t, &n);
	/* Unescaping never lengthens a string: n bytes of room are enough. */
	if (!vg_buf_reserve(out, n))
		return false;
	for (size_t i = 0; i < n;) {
		size_t k = vsdk_json_unescape_char(p, n, &i, out->data + out->len, 0);
		if (!k)
			return false;
		out->len += k;
	}
	out->data[out->len] = '\0';
	return true;
}

bool vg_json_str_eq(const vg_json *j, int t, const char *s)
{
	if (!vg_json_is_str(j, t))
		return false;
	size_t n, sl = strlen(s);
	const char *p = vg_json_raw(j, t, &n);
	if (!memchr(p, '\\', n))
		return n == sl && memcmp(p, s, n) == 0;
	vg_buf b;
	vg_buf_init(&b);
	bool eq = vg_json_str(j, t, &b) && b.len == sl && memcmp(b.data, s, sl) == 0;
	vg_buf_free(&b);
	return eq;
}

static bool prim_copy(const vg_json *j, int t, char *tmp, size_t cap)
{
	if (!valid(j, t) || j->tok[t].type != JSMN_PRIMITIVE)
		return false;
	size_t n;
	const char *p = vg_json_raw(j, t, &n);
	if (n == 0 || n >= cap)
		return false;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	return true;
}

bool vg_json_int(const vg_json *j, int t, int64_t *out)
{
	char tmp[32], *end;
	if (!prim_copy(j, t, tmp, sizeof(tmp)))
		return false;
	errno = 0;
	long long v = strtoll(tmp, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool vg_json_uint(const vg_json *j, int t, uint64_t *out)
{
	char tmp[32], *end;
	if (!prim_copy(j, t, tmp, sizeof(tmp)) || tmp[0] == '-')
		return false;
	errno = 0;
	unsigned long long v = strtoull(tmp, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}
