#include "gv_text.h"

#include <stdarg.h>
#include <stdio.h>

void gv_text_put(gv_text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = t->len < t->cap ? t->cap - t->len : 0;
	int n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
}

void gv_text_json_str(gv_text *t, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			gv_text_put(t, "\\%c", *p);
		else if (*p < 0x20)
			gv_text_put(t, "\\u%04x", *p);
		else
			gv_text_put(t, "%c", *p);
	}
}
