/* Appending formatted text to a caller's buffer with snprintf semantics: the length keeps
 * counting past the end so the caller learns the size it needs. No allocation, libc only. */
#ifndef GV_TEXT_H
#define GV_TEXT_H

#include <stddef.h>

typedef struct gv_text {
	char *buf;  /* borrowed: caller's buffer, may be NULL when cap is 0 */
	size_t cap;
	size_t len; /* full length so far, may exceed cap */
} gv_text;

void gv_text_put(gv_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string body: quotes, backslashes and control characters escaped. */
void gv_text_json_str(gv_text *t, const char *s);

#endif
