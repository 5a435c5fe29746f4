#include "rules/rules_select.h"

#include <string.h>

bool vg_rules_select_wildcard(const char *pattern, const char *name)
{
	/* greedy match with backtracking to the last '*': linear in practice, no recursion */
	const char *star = NULL, *resume = NULL;
	while (*name) {
		if (*pattern == '*') {
			star = pattern++;
			resume = name;
		} else if (*pattern == *name) {
			pattern++;
			name++;
		} else if (star) {
			pattern = star + 1;
			name = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

static bool has_tag(const vg_rule *r, const char *tag)
{
	for (uint32_t i = 0; i < r->ntags; i++)
		if (strcmp(r->tags[i], tag) == 0)
			return true;
	return false;
}

void vg_rules_select_apply(const vg_rules_selector *sel, uint32_t nsel, vg_rule *const *rules, uint32_t n)
{
	for (uint32_t s = 0; s < nsel; s++) {
		for (uint32_t i = 0; i < n; i++) {
			vg_rule *r = rules[i];
			bool hit = (sel[s].rule && vg_rules_select_wildcard(sel[s].rule, r->name)) ||
				   (sel[s].tag && has_tag(r, sel[s].tag));
			if (hit)
				r->enabled = sel[s].enable;
		}
	}
}
