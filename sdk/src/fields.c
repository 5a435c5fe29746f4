/* Static field table → get_fields JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/plugin_sdk.h>

typedef struct vsdk_str {
	char *s;
	size_t len, cap;
	bool oom;
} vsdk_str;

static void vsdk_str_put(vsdk_str *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->cap - b->len <= n) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap - b->len <= n)
			cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void vsdk_str_lit(vsdk_str *b, const char *s)
{
	vsdk_str_put(b, s, strlen(s));
}

static void vsdk_str_quoted(vsdk_str *b, const char *s)
{
	vsdk_str_lit(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			vsdk_str_put(b, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			vsdk_str_lit(b, esc);
		} else {
			vsdk_str_put(b, (const char *)&c, 1);
		}
	}
	vsdk_str_lit(b, "\"");
}

static void vsdk_str_member(vsdk_str *b, const char *key, const char *val)
{
	vsdk_str_lit(b, ",");
	vsdk_str_quoted(b, key);
	vsdk_str_lit(b, ":");
	vsdk_str_quoted(b, val);
}

static void vsdk_field_arg(vsdk_str *b, uint32_t flags)
{
	if (!(flags & (VSDK_ARG_INDEX | VSDK_ARG_KEY)))
		return;
	vsdk_str_lit(b, ",\"arg\":{\"isIndex\":");
	vsdk_str_lit(b, flags & VSDK_ARG_INDEX ? "true" : "false");
	vsdk_str_lit(b, ",\"isKey\":");
	vsdk_str_lit(b, flags & VSDK_ARG_KEY ? "true" : "false");
	vsdk_str_lit(b, ",\"isRequired\":");
	vsdk_str_lit(b, flags & VSDK_ARG_REQUIRED ? "true" : "false");
	vsdk_str_lit(b, "}");
}

static void vsdk_field_properties(vsdk_str *b, uint32_t flags)
{
	static const struct {
		uint32_t flag;
		const char *name;
	} props[] = {
		{VSDK_FIELD_HIDDEN, "hidden"},
		{VSDK_FIELD_DOTTED_KEY, "vigil:dotted_key"},
		{VSDK_FIELD_NO_TRANSFORM, "vigil:no_transform"},
		{VSDK_FIELD_FILTER_ONLY, "vigil:filter_only"},
		{VSDK_FIELD_MULTI_VALUE, "vigil:multi_value"},
	};
	const char *sep = ",\"properties\":[";
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		if (!(flags & props[i].flag))
			continue;
		vsdk_str_lit(b, sep);
		vsdk_str_quoted(b, props[i].name);
		sep = ",";
	}
	if (sep[0] == ',' && sep[1] == '\0')
		vsdk_str_lit(b, "]");
}

char *vsdk_fields_json(const vsdk_field *fields, size_t n)
{
	vsdk_str b = {0};
	vsdk_str_lit(&b, "[");
	for (size_t i = 0; i < n; i++) {
		const vsdk_field *f = &fields[i];
		vsdk_str_lit(&b, i ? ",{\"type\":" : "{\"type\":");
		vsdk_str_quoted(&b, f->type);
		vsdk_str_member(&b, "name", f->name);
		vsdk_str_member(&b, "desc", f->desc);
		if (f->display)
			vsdk_str_member(&b, "display", f->display);
		if (f->flags & VSDK_FIELD_LIST)
			vsdk_str_lit(&b, ",\"isList\":true");
		if (f->flags & VSDK_FIELD_ADD_OUTPUT)
			vsdk_str_lit(&b, ",\"addOutput\":true");
		vsdk_field_arg(&b, f->flags);
		vsdk_field_properties(&b, f->flags);
		vsdk_str_lit(&b, "}");
	}
	vsdk_str_lit(&b, "]");
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

const char *vsdk_fields_json_into(const vsdk_field *fields, size_t n, char *buf, size_t cap)
{
	char *json = vsdk_fields_json(fields, n);
	size_t len = json ? strlen(json) : 0;
	const char *ret = NULL;
	if (json && len < cap) {
		memcpy(buf, json, len + 1);
		ret = buf;
	}
	free(json);
	return ret;
}
