/* Reusable JSON document for configs, open params and payloads (jsmn tokenizer, non-recursive
 * walks so hostile nesting cannot exhaust the stack). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
/* With parent links, closing a container walks only its ancestors (not every earlier token). */
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include <vigil/plugin_sdk.h>

struct vsdk_json {
	const char *text;
	size_t len;
	jsmntok_t *tok;
	int ntok, cap;
	vsdk_values strings; /* unescaped copies handed out by the getters */
};

vsdk_json *vsdk_json_new(void)
{
	vsdk_json *j = calloc(1, sizeof(*j));
	if (j)
		vsdk_values_init(&j->strings);
	return j;
}

void vsdk_json_free(vsdk_json *j)
{
	if (!j)
		return;
	free(j->tok);
	vsdk_values_free(&j->strings);
	free(j);
}

static bool vsdk_json_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

/* jsmn's cost grows with tokens × nesting depth, so hostile deeply nested input would be
 * quadratic: refuse it with a linear pre-scan before tokenizing. */
enum { VSDK_JSON_MAX_DEPTH = 256 };

bool vsdk_json_nesting_ok(const char *s, size_t n, int max_depth, size_t *where)
{
	bool in_str = false;
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max_depth) {
				*where = i;
				return false;
			}
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return true;
}

static bool vsdk_json_grow(vsdk_json *j)
{
	int cap = j->cap ? j->cap * 2 : 64;
	jsmntok_t *t = realloc(j->tok, (size_t)cap * sizeof(*t));
	if (!t)
		return false;
	j->tok = t;
	j->cap = cap;
	return true;
}

bool vsdk_json_load(vsdk_json *j, const char *text, size_t len, vsdk_error *err)
{
	vsdk_values_reset(&j->strings);
	j->ntok = 0;
	if (!text || vsdk_json_blank(text, len)) {
		text = "{}";
		len = 2;
	}
	j->text = text;
	j->len = len;
	size_t where;
	if (!vsdk_json_nesting_ok(text, len, VSDK_JSON_MAX_DEPTH, &where)) {
		vsdk_error_set(err, "invalid JSON at byte %zu: nested deeper than %d levels", where, VSDK_JSON_MAX_DEPTH);
		return false;
	}
	for (;;) {
		jsmn_parser p;
		/* jsmn only counts tokens when given no array: always hand it one. */
		if (!j->tok && !vsdk_json_grow(j)) {
			vsdk_error_set(err, "out of memory parsing JSON");
			return false;
		}
		jsmn_init(&p);
		int r = jsmn_parse(&p, text, len, j->tok, (unsigned int)j->cap);
		if (r >= 0) {
			j->ntok = r;
			if (r == 0) {
				vsdk_error_set(err, "invalid JSON: empty document");
				return false;
			}
			return true;
		}
		if (r != JSMN_ERROR_NOMEM) {
			vsdk_error_set(err, "invalid JSON at byte %u: %s", p.pos,
				       r == JSMN_ERROR_PART ? "unexpected end of input" : "unexpected character");
			return false;
		}
		if (!vsdk_json_grow(j)) {
			vsdk_error_set(err, "out of memory parsing JSON");
			return false;
		}
	}
}

/* Index just past the subtree of token t: every token's size counts its direct children
 * (object keys carry their value as one child), so a counter suffices. */
static int vsdk_json_skip(const vsdk_json *j, int t)
{
	int pending = 1;
	while (pending > 0 && t < j->ntok) {
		pending += j->tok[t].size;
		pending--;
		t++;
	}
	return t;
}

static bool vsdk_json_key_eq(const vsdk_json *j, int t, const char *key, size_t klen)
{
	const jsmntok_t *k = &j->tok[t];
	return k->type == JSMN_STRING && (size_t)(k->end - k->start) == klen &&
	       memcmp(j->text + k->start, key, klen) == 0;
}

/* Token of the value at path, or -1. */
static int vsdk_json_find(const vsdk_json *j, const char *path)
{
	int t = 0;
	while (j->ntok > 0 && *path) {
		const char *dot = strchr(path, '.');
		size_t klen = dot ? (size_t)(dot - path) : strlen(path);
		if (j->tok[t].type != JSMN_OBJECT)
			return -1;
		int n = j->tok[t].size, k = t + 1, found = -1;
		for (int i = 0; i < n && k < j->ntok; i++) {
			if (vsdk_json_key_eq(j, k, path, klen))
				found = k + 1; /* last duplicate wins, like most JSON readers */
			k = vsdk_json_skip(j, k + 1);
		}
		if (found < 0)
			return -1;
		t = found;
		path += klen + (dot ? 1 : 0);
	}
	return j->ntok > 0 ? t : -1;
}

static vsdk_json_rc vsdk_json_bad(vsdk_error *err, const char *path, const char *want)
{
	if (err)
		vsdk_error_set(err, "'%s' must be %s", path, want);
	return VSDK_JSON_BAD_TYPE;
}

static int vsdk_hex4(const char *s)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t vsdk_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t vsdk_json_unescape_char(const char *s, size_t n, size_t *i, char out[4], unsigned flags)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	if (s[*i] != '\\') {
		out[0] = s[(*i)++];
		return 1;
	}
	if (*i + 1 >= n)
		return 0;
	const char *e = s[*i + 1] ? strchr(from, s[*i + 1]) : NULL;
	if (e) {
		out[0] = to[e - from];
		*i += 2;
		return 1;
	}
	int cp = s[*i + 1] == 'u' && *i + 6 <= n ? vsdk_hex4(s + *i + 2) : -1;
	if (cp < 0)
		return 0;
	size_t start = *i;
	*i += 6;
	if (cp >= 0xD800 && cp < 0xDC00 && *i + 6 <= n && s[*i] == '\\' && s[*i + 1] == 'u') {
		int lo = vsdk_hex4(s + *i + 2);
		if (lo >= 0xDC00 && lo < 0xE000) {
			*i += 6;
			return vsdk_utf8(out, 0x10000 + (((unsigned)cp - 0xD800) << 10) + ((unsigned)lo - 0xDC00));
		}
	}
	if (cp >= 0xD800 && cp < 0xE000) { /* lone surrogate: not encodable in UTF-8 */
		if (flags & VSDK_JSON_STRICT) {
			*i = start;
			return 0;
		}
		cp = 0xFFFD;
	}
	return vsdk_utf8(out, (unsigned)cp);
}

/* Unescaped copy of string token t in j's storage; NULL on a bad escape or out of memory.
 * Escapes never expand, so the token length bounds the output. */
static const char *vsdk_json_unescape(vsdk_json *j, int t)
{
	const char *s = j->text + j->tok[t].start;
	size_t n = (size_t)(j->tok[t].end - j->tok[t].start);
	char *out = vsdk_values_alloc(&j->strings, n + 1);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		size_t k = vsdk_json_unescape_char(s, n, &i, out + o, VSDK_JSON_STRICT);
		if (!k)
			return NULL;
		o += k;
	}
	out[o] = '\0';
	return out;
}

vsdk_json_rc vsdk_json_get_str(vsdk_json *j, const char *path, const char **out, vsdk_error *err)
{
	int t = vsdk_json_find(j, path);
	if (t < 0)
		return VSDK_JSON_ABSENT;
	if (j->tok[t].type != JSMN_STRING)
		return vsdk_json_bad(err, path, "a string");
	const char *s = vsdk_json_unescape(j, t);
	if (!s)
		return vsdk_json_bad(err, path, "a valid string (bad escape or out of memory)");
	*out = s;
	return VSDK_JSON_OK;
}

/* Copies primitive token t into buf (NUL-terminated); false when it does not fit. */
static bool vsdk_json_prim(const vsdk_json *j, int t, char *buf, size_t cap)
{
	size_t n = (size_t)(j->tok[t].end - j->tok[t].start);
	if (j->tok[t].type != JSMN_PRIMITIVE || n >= cap)
		return false;
	memcpy(buf, j->text + j->tok[t].start, n);
	buf[n] = '\0';
	return true;
}

vsdk_json_rc vsdk_json_get_u64(vsdk_json *j, const char *path, uint64_t *out, vsdk_error *err)
{
	int t = vsdk_json_find(j, path);
	char num[32], *end;
	if (t < 0)
		return VSDK_JSON_ABSENT;
	if (!vsdk_json_prim(j, t, num, sizeof(num)) || num[0] < '0' || num[0] > '9')
		return vsdk_json_bad(err, path, "a non-negative integer");
	errno = 0;
	unsigned long long v = strtoull(num, &end, 10);
	if (errno || *end)
		return vsdk_json_bad(err, path, "a non-negative integer");
	*out = v;
	return VSDK_JSON_OK;
}

vsdk_json_rc vsdk_json_get_i64(vsdk_json *j, const char *path, int64_t *out, vsdk_error *err)
{
	int t = vsdk_json_find(j, path);
	char num[32], *end;
	if (t < 0)
		return VSDK_JSON_ABSENT;
	if (!vsdk_json_prim(j, t, num, sizeof(num)) || !(num[0] == '-' || (num[0] >= '0' && num[0] <= '9')))
		return vsdk_json_bad(err, path, "an integer");
	errno = 0;
	long long v = strtoll(num, &end, 10);
	if (errno || *end)
		return vsdk_json_bad(err, path, "an integer");
	*out = v;
	return VSDK_JSON_OK;
}

vsdk_json_rc vsdk_json_get_bool(vsdk_json *j, const char *path, bool *out, vsdk_error *err)
{
	int t = vsdk_json_find(j, path);
	char word[8];
	if (t < 0)
		return VSDK_JSON_ABSENT;
	if (!vsdk_json_prim(j, t, word, sizeof(word)) || (strcmp(word, "true") && strcmp(word, "false")))
		return vsdk_json_bad(err, path, "a boolean");
	*out = word[0] == 't';
	return VSDK_JSON_OK;
}

vsdk_json_rc vsdk_json_get_raw(vsdk_json *j, const char *path, const char **out, size_t *len)
{
	int t = vsdk_json_find(j, path);
	if (t < 0)
		return VSDK_JSON_ABSENT;
	int s = j->tok[t].start, e = j->tok[t].end;
	if (j->tok[t].type == JSMN_STRING) { /* include the quotes: raw JSON text */
		s--;
		e++;
	}
	*out = j->text + s;
	*len = (size_t)(e - s);
	return VSDK_JSON_OK;
}
