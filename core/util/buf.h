/* Growable byte/string buffer (always NUL-terminated). Used to build alert lines, JSON and
 * error text. Reuse one buffer (vg_buf_reset) on hot paths: it keeps its capacity. */
#ifndef VG_BUF_H
#define VG_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct vg_buf {
	char *data; /* owned; NUL-terminated; "" after init */
	size_t len;
	size_t cap;
	bool oom;   /* an append failed; contents are truncated */
} vg_buf;

void vg_buf_init(vg_buf *b);
void vg_buf_free(vg_buf *b);
static inline void vg_buf_reset(vg_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->data)
		b->data[0] = '\0';
}
bool vg_buf_reserve(vg_buf *b, size_t extra);
void vg_buf_append(vg_buf *b, const void *p, size_t n);
void vg_buf_puts(vg_buf *b, const char *s);
void vg_buf_putc(vg_buf *b, char c);
void vg_buf_printf(vg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vg_buf_vprintf(vg_buf *b, const char *fmt, va_list ap);
/* Transfers ownership of the string to the caller (free() it); the buffer is left empty. */
char *vg_buf_steal(vg_buf *b);

#endif
