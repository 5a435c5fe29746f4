/* rulesets/k8s_audit_rules.yaml only uses fields that the k8saudit and json plugins declare,
 * with arguments only where a field takes one. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tplugin.h"

static char *read_rules(void)
{
	const char *src = getenv("VIGIL_SOURCE_DIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/rulesets/k8s_audit_rules.yaml", src ? src : ".");
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return b;
}

/* The get_fields entry of name, or NULL: from "name":"<name>" up to the closing brace. */
static const char *declaration(const char *fields, const char *name, size_t *len)
{
	char pat[256];
	snprintf(pat, sizeof(pat), "\"name\":\"%s\"", name);
	const char *at = strstr(fields, pat);
	if (!at)
		return NULL;
	const char *end = strstr(at, "\"type\":");
	*len = end ? (size_t)(end - at) : strlen(at);
	return at;
}

static bool is_field_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

Test(k8saudit_rules, every_field_is_declared)
{
	tplugin ka, js;
	tplugin_load(&ka, "k8saudit", NULL);
	tplugin_load(&js, "json", NULL);
	char *rules = read_rules();
	int checked = 0;
	for (char *p = rules; *p; p++) {
		bool start = p == rules || !is_field_char(p[-1]);
		if (!start || !(strncmp(p, "ka.", 3) == 0 || strncmp(p, "jevt.", 5) == 0 ||
				strncmp(p, "json.", 5) == 0))
			continue;
		size_t n = 0;
		while (is_field_char(p[n]))
			n++;
		while (n && p[n - 1] == '.')
			n--;
		char name[128];
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		size_t dlen;
		const char *decl = declaration(ka.get_fields(), name, &dlen);
		if (!decl)
			decl = declaration(js.get_fields(), name, &dlen);
		cr_expect_not_null(decl, "rules use undeclared field %s", name);
		bool has_arg = p[n] == '[';
		bool takes_arg = decl && memmem(decl, dlen, "\"arg\"", 5);
		cr_expect(!has_arg || takes_arg, "%s takes no argument", name);
		cr_expect(has_arg || !decl || !memmem(decl, dlen, "\"isRequired\":true", 17),
			  "%s needs an argument", name);
		checked++;
		p += n - 1;
	}
	cr_expect_gt(checked, 50, "only %d field uses found", checked);
	cr_expect(strstr(rules, "name: k8saudit\n      version: 0.18.0") != NULL);
	cr_expect(strstr(rules, "name: json\n      version: 0.7.0") != NULL);
	free(rules);
	tplugin_unload(&js);
	tplugin_unload(&ka);
}
