/* libFuzzer target: JSON pointer lookup. The input's first line is the pointer, the rest the
 * document; every match is rendered (unescaped or compacted). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jdoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	if (!nl)
		return 0;
	size_t plen = (size_t)(nl - s);
	const char *doc = nl + 1;
	size_t dlen = size - plen - 1;
	jdoc d;
	jdoc_error e;
	jdoc_init(&d);
	if (jdoc_parse(&d, doc, dlen, 64, &e)) {
		int t = jdoc_pointer(&d, s, plen);
		if (t >= 0) {
			char *out = malloc(jdoc_render_cap(&d, t));
			if (out) {
				size_t n = jdoc_render(&d, t, out);
				if (n >= jdoc_render_cap(&d, t))
					abort();
				free(out);
			}
		}
		/* every token's subtree end is within bounds and after the token */
		for (int i = 0; i < d.ntok; i++) {
			if (d.next[i] <= i || d.next[i] > d.ntok)
				abort();
		}
	}
	jdoc_free(&d);
	return 0;
}
