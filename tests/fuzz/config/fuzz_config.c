/* libFuzzer target for the configuration loader: YAML parsing (anchors, depth, multiple
 * documents), ${ENV} expansion, typing and -o overrides. Lines starting with "#o " (YAML
 * comments, so the document is unaffected) are also applied as -o overrides. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/log.h"

#define MAX_OVERRIDES 8

static size_t collect_overrides(char *text, char **ov)
{
	size_t n = 0;
	for (char *p = text; p && n < MAX_OVERRIDES; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, "#o ", 3) != 0)
			continue;
		char *end = strchr(p + 3, '\n');
		size_t len = end ? (size_t)(end - (p + 3)) : strlen(p + 3);
		ov[n] = strndup(p + 3, len);
		if (ov[n])
			n++;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet++)
		vg_log_configure(&(vg_log_opts){ .level = VG_LOG_EMERG, .to_stderr = false });
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *ov[MAX_OVERRIDES];
	size_t nov = collect_overrides(text, ov);

	vg_config cfg;
	vg_err err;
	if (vg_config_load_str(&cfg, "fuzz.yaml", text, size, (const char *const *)ov, nov, &err) == VG_OK) {
		vg_buf json;
		vg_buf_init(&json);
		vg_yaml_to_json(cfg.root, &json, &err);
		vg_buf_free(&json);
		const vg_config_plugin *const *plugins;
		vg_config_enabled_plugins(&cfg, &plugins);
		vg_config_free(&cfg);
	}
	for (size_t i = 0; i < nov; i++)
		free(ov[i]);
	free(text);
	return 0;
}
