/* Config `rules:` selectors: enable/disable rules by name (with '*' wildcards) or by tag,
 * applied in order after loading; they win over the files' `enabled` values. */
#ifndef VG_RULES_SELECT_H
#define VG_RULES_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "rules/ruleset.h"

typedef struct vg_rules_selector {
	bool enable;      /* enable (true) or disable (false) */
	const char *rule; /* name pattern ('*' matches any run of characters), or NULL */
	const char *tag;  /* tag, or NULL */
} vg_rules_selector;

/* True when name matches pattern, where only '*' is special. */
bool vg_rules_select_wildcard(const char *pattern, const char *name);

/* Applies the selectors in order to rules[0..n). */
void vg_rules_select_apply(const vg_rules_selector *sel, uint32_t nsel, vg_rule *const *rules, uint32_t n);

#endif
