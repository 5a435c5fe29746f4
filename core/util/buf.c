#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char empty_str[1];

void vg_buf_init(vg_buf *b)
{
	b->data = empty_str;
	b->len = 0;
	b->cap = 0;
	b->oom = false;
}

void vg_buf_free(vg_buf *b)
{
	if (b->cap)
		free(b->data);
	vg_buf_init(b);
}

bool vg_buf_reserve(vg_buf *b, size_t extra)
{
	if (b->cap && b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = b->cap ? realloc(b->data, cap) : malloc(cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	if (!b->cap)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return true;
}

void vg_buf_append(vg_buf *b, const void *p, size_t n)
{
	if (!vg_buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void vg_buf_puts(vg_buf *b, const char *s)
{
	vg_buf_append(b, s, strlen(s));
}

void vg_buf_putc(vg_buf *b, char c)
{
	vg_buf_append(b, &c, 1);
}

void vg_buf_vprintf(vg_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n > 0 && vg_buf_reserve(b, (size_t)n)) {
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
		b->len += (size_t)n;
	}
	va_end(ap2);
}

void vg_buf_printf(vg_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vg_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *vg_buf_steal(vg_buf *b)
{
	char *s = b->cap ? b->data : strdup("");
	vg_buf_init(b);
	return s;
}
