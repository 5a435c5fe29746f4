#include "rules/rules.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rules/cond_parse.h"
#include "rules/cond_text.h"
#include "util/stackguard.h"
#include "rules/exceptions.h"
#include "rules/rules_load.h"
#include "util/json.h"

struct vg_rules {
	vg_rl_coll *coll;  /* owns the rules' strings */
	vg_arena *arena;   /* ASTs, expanded texts, tag arrays */
	vg_rule *rules;
	uint32_t nrules;
	vg_ruleset **sets;
	uint32_t nsets;
	bool owns_coll;    /* the final compile owns the collection; per-file ones borrow it */
};

typedef struct compiler {
	const vg_rules_opts *o;
	vg_rl_coll *c;
	vg_rules_result *res;
	bool final;             /* last file: report warnings too */
	vg_rules *out;
	vg_cond_text_list *lists;
	bool *list_used_by_list;
	vg_cond_node **macro_asts;
	bool *macro_used;
	uint8_t *macro_state;   /* MACRO_TODO / RESOLVING / DONE */
	int nesting;            /* resolve_refs frames on the stack */
	vg_buf text;
} compiler;

void vg_rules_opts_init(vg_rules_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->min_priority = VG_PRIO_DEBUG;
	o->matching = VG_RULE_MATCHING_FIRST;
}

void vg_rules_free(vg_rules *r)
{
	if (!r)
		return;
	for (uint32_t i = 0; i < r->nsets; i++)
		vg_ruleset_free(r->sets[i]);
	free(r->sets);
	free(r->rules);
	vg_arena_free(r->arena);
	if (r->owns_coll)
		vg_rules_load_coll_free(r->coll);
	free(r);
}

/* ---- diagnostics ---- */

static const vg_rules_diag *diag(compiler *C, bool error, vg_rules_code code, const vg_rl_loc *loc,
				 const char *item_type, const char *item_name, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static const vg_rules_diag *diag(compiler *C, bool error, vg_rules_code code, const vg_rl_loc *loc,
				 const char *item_type, const char *item_name, const char *fmt, ...)
{
	if (!error && !C->final)
		return NULL;
	vg_buf msg;
	vg_buf_init(&msg);
	va_list ap;
	va_start(ap, fmt);
	vg_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	const vg_rules_diag *d = vg_rules_result_add(C->res, error, code, loc ? loc->file : NULL, loc ? loc->line : 0,
						     loc ? loc->col : 0, loc ? loc->offset : 0, item_type, item_name, "%s",
						     msg.data);
	vg_buf_free(&msg);
	return d;
}

/* ---- lists ---- */

static int32_t earlier_list(const vg_rl_coll *c, uint32_t before, const char *name)
{
	for (uint32_t j = 0; j < before; j++)
		if (strcmp(c->lists[j].name, name) == 0)
			return (int32_t)j;
	return -1;
}

/* Items of each list with items naming an earlier list replaced by that list's items. */
static vg_rc expand_lists(compiler *C)
{
	uint32_t n = C->c->nlists;
	vg_arena *a = C->out->arena;
	C->lists = vg_arena_zalloc(a, sizeof(*C->lists) * (n ? n : 1));
	C->list_used_by_list = vg_arena_zalloc(a, sizeof(bool) * (n ? n : 1));
	const char **joined = vg_arena_zalloc(a, sizeof(*joined) * (n ? n : 1));
	if (!C->lists || !C->list_used_by_list || !joined)
		return VG_ERR_NOMEM;
	vg_buf buf;
	vg_buf_init(&buf);
	for (uint32_t i = 0; i < n; i++) {
		const vg_rl_list *l = &C->c->lists[i];
		vg_buf_reset(&buf);
		for (uint32_t k = 0; k < l->nitems; k++) {
			int32_t j = earlier_list(C->c, i, l->items[k]);
			if (j < 0) {
				vg_cond_text_join_item(&buf, l->items[k]);
			} else if (joined[j][0]) {
				C->list_used_by_list[j] = true;
				if (buf.len)
					vg_buf_puts(&buf, ", ");
				vg_buf_puts(&buf, joined[j]);
			} else {
				C->list_used_by_list[j] = true;
			}
			if (buf.len > VG_COND_TEXT_MAX) {
				vg_buf_free(&buf);
				diag(C, true, VG_LOAD_ERR_VALIDATE, &l->loc, "list", l->name, "list longer than %u bytes once expanded",
				     VG_COND_TEXT_MAX);
				return VG_ERR_LIMIT;
			}
		}
		joined[i] = vg_arena_strndup(a, buf.data, buf.len);
		if (!joined[i]) {
			vg_buf_free(&buf);
			return VG_ERR_NOMEM;
		}
		C->lists[i] = (vg_cond_text_list){ .name = l->name, .joined = joined[i] };
	}
	vg_buf_free(&buf);
	return VG_OK;
}

/* ---- conditions ---- */

static bool deprecated_field(const char *name)
{
	return strcmp(name, "evt.dir") == 0 || strncmp(name, "evt.latency", 11) == 0 ||
	       strcmp(name, "evt.wait_latency") == 0;
}

static const char *expr_deprecated(const vg_cond_expr *e)
{
	if (e->is_literal)
		return NULL;
	if (!e->is_transformer)
		return deprecated_field(e->name) ? e->name : NULL;
	for (uint32_t i = 0; i < e->nargs; i++) {
		const char *d = expr_deprecated(e->args[i]);
		if (d)
			return d;
	}
	return NULL;
}

static const char *deprecated_in_check(const vg_cond_node *n)
{
	const char *d = expr_deprecated(n->lhs);
	return d ? d : n->rhs_expr ? expr_deprecated(n->rhs_expr) : NULL;
}

/* ka.* / jevt.* fields compared with "<NA>": those plugins return no value instead, so the check
 * never does what it says. */
static const char *unsafe_na_in_check(const vg_cond_node *n)
{
	const char *f = n->lhs->name;
	bool op = n->op == VG_OP_EQ || n->op == VG_OP_NE || n->op == VG_OP_IN || n->op == VG_OP_INTERSECTS ||
		  n->op == VG_OP_PMATCH;
	if (n->lhs->is_transformer || !op || (strncmp(f, "ka.", 3) != 0 && strncmp(f, "jevt.", 5) != 0))
		return NULL;
	for (uint32_t i = 0; i < n->nvals; i++)
		if (strcmp(n->vals[i], "<NA>") == 0)
			return f;
	return NULL;
}

/* First non-NULL answer of pred over the checks of an (unexpanded) AST. */
static const char *first_check(const vg_cond_node *n, const char *(*pred)(const vg_cond_node *))
{
	if (n->kind == VG_COND_CHECK)
		return pred(n);
	for (uint32_t i = 0; i < n->nkids; i++) {
		const char *d = first_check(n->kids[i], pred);
		if (d)
			return d;
	}
	return NULL;
}

static vg_cond_node *parse_condition(compiler *C, const char *text, const vg_rl_loc *loc, const char *item_type,
				     const char *item_name, const char *origin, const char **expanded)
{
	vg_err err;
	vg_err_clear(&err);
	if (vg_cond_text_expand(text, C->lists, C->c->nlists, &C->text, &err)) {
		diag(C, true, VG_LOAD_ERR_COMPILE_CONDITION, loc, item_type, item_name, "condition: %s", err.msg);
		return NULL;
	}
	char *copy = vg_arena_strndup(C->out->arena, C->text.data, C->text.len);
	vg_cond_node *ast = copy ? vg_cond_parse_named(C->out->arena, copy, C->text.len, origin, &err) : NULL;
	if (!ast) {
		diag(C, true, VG_LOAD_ERR_COMPILE_CONDITION, loc, item_type, item_name, "condition: %s",
		     copy ? err.msg : "out of memory");
		return NULL;
	}
	const char *old = first_check(ast, deprecated_in_check), *na = first_check(ast, unsafe_na_in_check);
	if (old)
		diag(C, false, VG_LOAD_DEPRECATED_ITEM, loc, item_type, item_name, "The field '%s' is deprecated", old);
	if (na)
		diag(C, false, VG_LOAD_UNSAFE_NA_CHECK, loc, item_type, item_name,
		     "'%s' is compared with \"<NA>\": a missing value makes every comparison false instead", na);
	*expanded = copy;
	return ast;
}

enum { MACRO_TODO, MACRO_RESOLVING, MACRO_DONE };
#define MAX_RESOLVE_NESTING 8000

static int32_t find_macro(const compiler *C, const char *name)
{
	for (uint32_t j = 0; j < C->c->nmacros; j++)
		if (strcmp(C->c->macros[j].name, name) == 0)
			return (int32_t)j;
	return -1;
}

static vg_rc resolve_macro(compiler *C, uint32_t i, int depth);

/* Replaces macro references with the macros' ASTs (shared once resolved). A reference is valid
 * when the macro was first defined before `before` (a definition sequence number). */
static vg_rc resolve_refs(compiler *C, vg_cond_node **slot, uint32_t before, int depth, const char **undefined);

/* Bounds the stack: parse depth (<= 1000) times macro nesting could otherwise reach millions. */
static vg_rc resolve_kids(compiler *C, vg_cond_node *n, uint32_t before, int depth, const char **undefined)
{
	if (++C->nesting > MAX_RESOLVE_NESTING) {
		C->nesting--;
		diag(C, true, VG_LOAD_ERR_VALIDATE, NULL, NULL, NULL, "conditions nest deeper than %d levels through macros",
		     MAX_RESOLVE_NESTING);
		return VG_ERR_LIMIT;
	}
	if (!vg_stack_ok()) { /* big frames (sanitizers) reach the stack's end before the level bound */
		C->nesting--;
		diag(C, true, VG_LOAD_ERR_VALIDATE, NULL, NULL, NULL, "conditions nest too deeply through macros for the stack");
		return VG_ERR_LIMIT;
	}
	vg_rc rc = VG_OK;
	for (uint32_t i = 0; i < n->nkids && !rc; i++)
		rc = resolve_refs(C, &n->kids[i], before, depth, undefined);
	C->nesting--;
	return rc;
}

static vg_rc resolve_refs(compiler *C, vg_cond_node **slot, uint32_t before, int depth, const char **undefined)
{
	vg_cond_node *n = *slot;
	if (n->kind != VG_COND_MACRO)
		return resolve_kids(C, n, before, depth, undefined);
	int32_t j = find_macro(C, n->macro);
	if (j < 0 || C->c->macros[j].first_seq >= before) {
		*undefined = n->macro;
		return VG_ERR_NOTFOUND;
	}
	vg_rc rc = resolve_macro(C, (uint32_t)j, depth + 1);
	if (rc)
		return rc;
	C->macro_used[j] = true;
	*slot = C->macro_asts[j];
	return VG_OK;
}

static vg_rc resolve_macro(compiler *C, uint32_t i, int depth)
{
	const vg_rl_macro *m = &C->c->macros[i];
	if (C->macro_state[i] == MACRO_DONE)
		return VG_OK;
	if (depth > VG_COND_MAX_DEPTH) {
		diag(C, true, VG_LOAD_ERR_VALIDATE, &m->cond_loc, "macro", m->name, "Macros nest deeper than %d levels",
		     VG_COND_MAX_DEPTH);
		return VG_ERR_LIMIT;
	}
	if (C->macro_state[i] == MACRO_RESOLVING) {
		diag(C, true, VG_LOAD_ERR_VALIDATE, &m->cond_loc, "macro", m->name, "Macro refers to itself");
		return VG_ERR_INVALID;
	}
	C->macro_state[i] = MACRO_RESOLVING;
	const char *expanded, *undefined = NULL;
	vg_cond_node *ast = parse_condition(C, m->cond, &m->cond_loc, "macro", m->name, m->name, &expanded);
	if (!ast)
		return VG_ERR_PARSE;
	vg_rc rc = resolve_refs(C, &ast, m->last_seq, depth, &undefined);
	if (rc == VG_ERR_NOTFOUND)
		diag(C, true, VG_LOAD_ERR_VALIDATE, &m->cond_loc, "macro", m->name, "Undefined macro '%s' used in filter.",
		     undefined);
	if (rc)
		return rc == VG_ERR_NOTFOUND ? VG_ERR_INVALID : rc;
	C->macro_asts[i] = ast;
	C->macro_state[i] = MACRO_DONE;
	return VG_OK;
}

static vg_rc compile_macros(compiler *C)
{
	uint32_t n = C->c->nmacros;
	C->macro_asts = vg_arena_zalloc(C->out->arena, sizeof(*C->macro_asts) * (n ? n : 1));
	C->macro_used = vg_arena_zalloc(C->out->arena, sizeof(bool) * (n ? n : 1));
	C->macro_state = vg_arena_zalloc(C->out->arena, sizeof(uint8_t) * (n ? n : 1));
	if (!C->macro_asts || !C->macro_used || !C->macro_state)
		return VG_ERR_NOMEM;
	for (uint32_t i = 0; i < n; i++) {
		vg_stack_enter();
		vg_rc rc = resolve_macro(C, i, 0);
		vg_stack_leave();
		if (rc)
			return rc;
	}
	return VG_OK;
}

/* ---- rules ---- */

static vg_ruleset *ruleset_for(compiler *C, const char *source, bool *unknown)
{
	for (uint32_t i = 0; i < C->out->nsets; i++)
		if (strcmp(vg_ruleset_source(C->out->sets[i]), source) == 0)
			return C->out->sets[i];
	const vg_fields *reg = C->o->registry_for_source ? C->o->registry_for_source(source, C->o->ud) : NULL;
	*unknown = reg == NULL;
	if (!reg)
		return NULL;
	vg_ruleset **grown = realloc(C->out->sets, sizeof(*grown) * (C->out->nsets + 1));
	if (!grown)
		return NULL;
	C->out->sets = grown;
	vg_evttype_lookup_fn lookup = C->o->evttype_lookup ? C->o->evttype_lookup : vg_cond_compile_scap_lookup;
	vg_ruleset *rs = vg_ruleset_new(source, reg, lookup, C->o->evttype_ud, strcmp(source, "syscall") == 0);
	if (rs)
		C->out->sets[C->out->nsets++] = rs;
	return rs;
}

static bool rule_has_tag(const vg_rl_rule *r, const char *tag)
{
	for (uint32_t i = 0; i < r->ntags; i++)
		if (strcmp(r->tags[i], tag) == 0)
			return true;
	return false;
}

static bool append_output_matches(const vg_rules_append_output *ao, const vg_rl_rule *r)
{
	if (ao->match_source && *ao->match_source && strcmp(ao->match_source, r->source) != 0)
		return false;
	if (ao->match_rule && *ao->match_rule && strcmp(ao->match_rule, r->name) != 0)
		return false;
	for (uint32_t i = 0; i < ao->nmatch_tags; i++)
		if (!rule_has_tag(r, ao->match_tags[i]))
			return false;
	return true;
}

static void append_suggested(vg_buf *out, const vg_fields *reg)
{
	for (uint32_t i = 0; i < vg_fields_count(reg); i++) {
		const vg_field_info *f = vg_fields_at(reg, i);
		if (!(f->flags & VG_FIELD_ADD_OUTPUT))
			continue;
		vg_buf_putc(out, ' ');
		for (const char *p = f->name; *p; p++)
			vg_buf_putc(out, *p == '.' ? '_' : *p);
		vg_buf_printf(out, "=%%%s", f->name);
	}
}

/* Appends output without the removed %container.info token (and the blank before it). */
static void put_output_without_container_info(compiler *C, const vg_rl_rule *r)
{
	static const char token[] = "%container.info";
	const char *p = r->output, *hit;
	bool found = false;
	while ((hit = strstr(p, token)) != NULL) {
		const char *end = hit;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		vg_buf_append(&C->text, p, (size_t)(end - p));
		p = hit + sizeof(token) - 1;
		found = true;
	}
	vg_buf_puts(&C->text, p);
	if (found)
		diag(C, false, VG_LOAD_DEPRECATED_ITEM, &r->output_loc, "rule", r->name,
		     "%%container.info is deprecated and has been removed from the output");
}

/* The rule's output with every matching append_output extra_output. */
static const char *full_output(compiler *C, const vg_rl_rule *r, vg_ruleset *rs)
{
	vg_buf_reset(&C->text);
	put_output_without_container_info(C, r);
	for (uint32_t i = 0; i < C->o->nappend_output; i++) {
		const vg_rules_append_output *ao = &C->o->append_output[i];
		if (!append_output_matches(ao, r))
			continue;
		if (ao->extra_output && *ao->extra_output) {
			vg_buf_putc(&C->text, ' ');
			vg_buf_puts(&C->text, ao->extra_output);
		}
		if (ao->suggested_output)
			append_suggested(&C->text, vg_cond_compile_registry(vg_ruleset_ctx(rs)));
	}
	return vg_arena_strndup(C->out->arena, C->text.data, C->text.len);
}

/* true: compiled; false with *fatal: error reported; false otherwise: rule dropped. */
static bool skip_or_fail(compiler *C, const vg_rl_rule *r, vg_cond_fail why, vg_rules_code code, const char *what,
			 const char *msg, bool *fatal)
{
	if (why == VG_CF_UNKNOWN_FIELD && r->skip_unknown) {
		diag(C, false, VG_LOAD_UNKNOWN_FILTER, &r->loc, "rule", r->name, "%s: %s (rule skipped)", what, msg);
		return false;
	}
	const vg_rl_loc *loc = code == VG_LOAD_ERR_COMPILE_OUTPUT ? &r->output_loc : &r->cond_loc;
	diag(C, true, code, loc, "rule", r->name, "%s: %s", what, msg);
	*fatal = true;
	return false;
}

static bool compile_output_fields(compiler *C, const vg_rl_rule *r, vg_rule *out, vg_cond_ctx *ctx, bool *fatal)
{
	vg_err err;
	vg_cond_fail why;
	vg_format_json *j = vg_format_json_new(ctx);
	/* evt.time first: the integer timestamp wins over a %evt.time text token of the same name */
	if (!j || !vg_format_json_add_evt_time(j) || !vg_format_json_add_fields(j, out->priv.message))
		return skip_or_fail(C, r, VG_CF_OTHER, VG_LOAD_ERR_COMPILE_OUTPUT, "output", "out of memory", fatal);
	for (uint32_t i = 0; i < C->o->nappend_output; i++) {
		const vg_rules_append_output *ao = &C->o->append_output[i];
		if (!append_output_matches(ao, r))
			continue;
		for (uint32_t k = 0; k < ao->nextra_fields; k++) {
			const vg_rules_kv *kv = &ao->extra_fields[k];
			bool ok;
			if (!kv->value) {
				ok = vg_format_json_add_field(j, kv->key, &why, &err);
			} else {
				vg_format *f = vg_format_compile(ctx, kv->value, &why, &err);
				ok = f && vg_format_json_add_format(j, kv->key, f);
			}
			if (!ok)
				return skip_or_fail(C, r, why, VG_LOAD_ERR_COMPILE_OUTPUT, "extra_fields", err.msg, fatal);
		}
	}
	for (uint32_t i = 0; i < C->o->nstatic_fields; i++) {
		const vg_rules_kv *kv = &C->o->static_fields[i];
		char *key = vg_arena_sprintf(C->out->arena, "static.%s", kv->key);
		if (!key || !vg_format_json_add_static(j, key, kv->value ? kv->value : ""))
			return skip_or_fail(C, r, VG_CF_OTHER, VG_LOAD_ERR_COMPILE_OUTPUT, "output", "out of memory", fatal);
	}
	vg_format_json_finish(j);
	out->priv.fields = j;
	return true;
}

static const char *condition_text(compiler *C, const vg_rl_rule *r, bool *fatal)
{
	if (!r->nexcs)
		return r->cond;
	vg_buf buf;
	vg_buf_init(&buf);
	vg_buf_printf(&buf, "(%s)", r->cond);
	for (uint32_t i = 0; i < r->nexcs; i++) {
		vg_err err;
		vg_err_clear(&err);
		if (vg_exceptions_render(&r->excs[i], &buf, &err)) {
			vg_rl_loc loc = { r->loc.file, r->excs[i].line, r->excs[i].col, 0 };
			diag(C, true, VG_LOAD_ERR_VALIDATE, &loc, "rule", r->name, "%s", err.msg);
			vg_buf_free(&buf);
			*fatal = true;
			return NULL;
		}
	}
	const char *text = vg_arena_strndup(C->out->arena, buf.data, buf.len);
	vg_buf_free(&buf);
	return text;
}

/* Canonical text of each top-level and-term, for the shadowing check. */
static void record_conjuncts(compiler *C, vg_rule *out, const vg_cond_node *ast)
{
	uint32_t n = ast->kind == VG_COND_AND ? ast->nkids : 1;
	out->priv.conjuncts = vg_arena_alloc(C->out->arena, sizeof(char *) * n);
	if (!out->priv.conjuncts)
		return;
	vg_buf b;
	vg_buf_init(&b);
	for (uint32_t i = 0; i < n; i++) {
		vg_buf_reset(&b);
		vg_cond_parse_print(ast->kind == VG_COND_AND ? ast->kids[i] : ast, &b);
		out->priv.conjuncts[i] = vg_arena_strndup(C->out->arena, b.data, b.len);
		if (!out->priv.conjuncts[i] || b.len > 65536) {
			out->priv.nconjuncts = 0;
			break;
		}
		out->priv.nconjuncts = i + 1;
	}
	vg_buf_free(&b);
}

static void fill_public(vg_rule *out, const vg_rl_rule *r, uint32_t index)
{
	out->name = r->name;
	out->desc = r->desc;
	out->source = r->source;
	out->condition = r->cond;
	out->output = r->output;
	out->priority = r->priority;
	out->tags = r->tags;
	out->ntags = r->ntags;
	out->enabled = r->enabled;
	out->file = r->loc.file;
	out->line = r->loc.line;
	out->col = r->loc.col;
	out->index = index;
}

static bool compile_rule_body(compiler *C, const vg_rl_rule *r, vg_rule *out, vg_ruleset *rs, vg_cond_node *ast,
			      const char *expanded, bool *fatal)
{
	vg_err err;
	vg_cond_fail why;
	vg_cond_ctx *ctx = vg_ruleset_ctx(rs);
	out->priv.cond = vg_cond_compile(ctx, ast, expanded, strlen(expanded), &why, &err);
	if (!out->priv.cond)
		return skip_or_fail(C, r, why, VG_LOAD_ERR_COMPILE_CONDITION, "condition", err.msg, fatal);
	const char *output = full_output(C, r, rs);
	if (!output || !(out->priv.message = vg_format_compile(ctx, output, &why, &err)))
		return skip_or_fail(C, r, output ? why : VG_CF_OTHER, VG_LOAD_ERR_COMPILE_OUTPUT, "output",
				    output ? err.msg : "out of memory", fatal);
	if (!compile_output_fields(C, r, out, ctx, fatal))
		return false;
	vg_cond_compile_evttypes(out->priv.cond, &out->priv.evts);
	bool syscall = strcmp(r->source, "syscall") == 0;
	if (syscall && r->warn_evttypes && vg_cond_compile_evtset_count(&out->priv.evts) > 100)
		diag(C, false, VG_LOAD_NO_EVTTYPE, &r->cond_loc, "rule", r->name,
		     "Rule matches too many evt.type values. This has a significant performance penalty.");
	if (C->o->matching == VG_RULE_MATCHING_FIRST && C->final)
		record_conjuncts(C, out, ast);
	return true;
}

static vg_rc compile_rule(compiler *C, uint32_t i)
{
	const vg_rl_rule *r = &C->c->rules[i];
	vg_rule *out = &C->out->rules[i];
	fill_public(out, r, i);
	bool fatal = false, unknown = false;
	const char *text = condition_text(C, r, &fatal), *expanded, *undefined = NULL;
	if (!text)
		return fatal ? VG_ERR_INVALID : VG_ERR_NOMEM;
	vg_cond_node *ast = parse_condition(C, text, &r->cond_loc, "rule", r->name, NULL, &expanded);
	if (!ast)
		return VG_ERR_PARSE;
	vg_stack_enter();
	vg_rc rc = resolve_refs(C, &ast, UINT32_MAX, 0, &undefined);
	vg_stack_leave();
	if (rc == VG_ERR_NOTFOUND)
		diag(C, true, VG_LOAD_ERR_VALIDATE, &r->cond_loc, "rule", r->name, "Undefined macro '%s' used in filter.",
		     undefined);
	if (rc)
		return rc == VG_ERR_NOTFOUND ? VG_ERR_INVALID : rc;
	vg_ruleset *rs = ruleset_for(C, r->source, &unknown);
	if (!rs) {
		if (!unknown)
			return VG_ERR_NOMEM;
		diag(C, false, VG_LOAD_UNKNOWN_SOURCE, &r->loc, "rule", r->name, "Unknown source %s, skipping", r->source);
		return VG_OK;
	}
	if (!compile_rule_body(C, r, out, rs, ast, expanded, &fatal))
		return fatal ? VG_ERR_INVALID : VG_OK;
	if (!vg_ruleset_add(rs, out))
		return VG_ERR_NOMEM;
	out->loaded = true;
	return VG_OK;
}

static void warn_unused(compiler *C)
{
	for (uint32_t i = 0; i < C->c->nlists; i++)
		if (!C->lists[i].used && !C->list_used_by_list[i])
			diag(C, false, VG_LOAD_UNUSED_LIST, &C->c->lists[i].loc, "list", C->c->lists[i].name,
			     "List not referred to by any other rule/macro");
	for (uint32_t i = 0; i < C->c->nmacros; i++)
		if (!C->macro_used[i])
			diag(C, false, VG_LOAD_UNUSED_MACRO, &C->c->macros[i].loc, "macro", C->c->macros[i].name,
			     "Macro not referred to by any other rule/macro");
}

/* Compiles the whole collection; NULL after reporting an error. */
static vg_rules *compile_collection(const vg_rules_opts *o, vg_rl_coll *c, vg_rules_result *res, bool final)
{
	compiler C = { .o = o, .c = c, .res = res, .final = final };
	vg_buf_init(&C.text);
	C.out = calloc(1, sizeof(*C.out));
	vg_rc rc = VG_ERR_NOMEM;
	if (!C.out || !(C.out->arena = vg_arena_new(0)) ||
	    !(C.out->rules = calloc(c->nrules ? c->nrules : 1, sizeof(*C.out->rules))))
		goto done;
	C.out->coll = c;
	C.out->nrules = c->nrules;
	if ((rc = expand_lists(&C)) || (rc = compile_macros(&C)))
		goto done;
	for (uint32_t i = 0; i < c->nrules && !rc; i++)
		rc = compile_rule(&C, i);
	if (!rc)
		warn_unused(&C);
done:
	if (rc == VG_ERR_NOMEM)
		vg_rules_result_add(res, true, VG_LOAD_ERR_VALIDATE, NULL, 0, 0, 0, NULL, NULL, "out of memory compiling rules");
	vg_buf_free(&C.text);
	if (rc) {
		vg_rules_free(C.out);
		return NULL;
	}
	return C.out;
}

/* ---- after loading ---- */

static bool plugin_ok(const vg_rules_opts *o, const vg_rl_plugin_req *req)
{
	for (uint32_t i = 0; i < req->n; i++) {
		const char *have = o->plugin_version(req->names[i], o->ud);
		int cmp;
		if (have && vg_rules_load_semver_cmp(have, req->versions[i], &cmp) && cmp >= 0 &&
		    strtoul(have, NULL, 10) == strtoul(req->versions[i], NULL, 10))
			return true;
	}
	return false;
}

static vg_rc check_plugins(const vg_rules_opts *o, const vg_rl_coll *c, vg_rules_result *res)
{
	if (!o->plugin_version)
		return VG_OK;
	for (uint32_t i = 0; i < c->nreqs; i++) {
		const vg_rl_plugin_req *req = &c->reqs[i];
		if (plugin_ok(o, req))
			continue;
		vg_buf msg;
		vg_buf_init(&msg);
		vg_buf_puts(&msg, "Plugin requirement not satisfied, must load one of: ");
		for (uint32_t k = 0; k < req->n; k++)
			vg_buf_printf(&msg, "%s%s (>= %s)", k ? ", " : "", req->names[k], req->versions[k]);
		vg_rules_result_add(res, true, VG_LOAD_ERR_VALIDATE, req->loc.file, req->loc.line, req->loc.col, req->loc.offset,
				    "required_plugin_versions", NULL, "%s", msg.data);
		vg_buf_free(&msg);
		return VG_ERR_VERSION;
	}
	return VG_OK;
}

static bool subset(const vg_rule *a, const vg_rule *b)
{
	for (size_t w = 0; w < sizeof(b->priv.evts.w) / sizeof(b->priv.evts.w[0]); w++)
		if (b->priv.evts.w[w] & ~a->priv.evts.w[w])
			return false;
	for (uint32_t i = 0; i < a->priv.nconjuncts; i++) {
		bool found = false;
		for (uint32_t k = 0; k < b->priv.nconjuncts && !found; k++)
			found = strcmp(a->priv.conjuncts[i], b->priv.conjuncts[k]) == 0;
		if (!found)
			return false;
	}
	return a->priv.nconjuncts > 0;
}

/* Under rule_matching: first, rule B never fires when an earlier enabled rule A of its source
 * matches every event B matches: B's event types are A's, and every and-term of A is one of B's. */
static void warn_shadowed(const vg_rules *r, vg_rules_result *res)
{
	for (uint32_t s = 0; s < r->nsets; s++) {
		const vg_ruleset *rs = r->sets[s];
		for (uint32_t b = 0; b < vg_ruleset_count(rs); b++) {
			const vg_rule *rb = vg_ruleset_rule_at(rs, b);
			if (!rb->enabled || !rb->loaded)
				continue;
			for (uint32_t a = 0; a < b; a++) {
				const vg_rule *ra = vg_ruleset_rule_at(rs, a);
				if (!ra->enabled || !ra->loaded || !subset(ra, rb))
					continue;
				vg_rules_result_add(res, false, VG_LOAD_SHADOWED_RULE, rb->file, rb->line, rb->col, 0, "rule",
						    rb->name,
						    "never matches with rule_matching: first: the earlier rule '%s' matches every event it matches",
						    ra->name);
				break;
			}
		}
	}
}

static vg_rc finish(const vg_rules_opts *o, vg_rules *r, vg_rules_result *res)
{
	vg_rc rc = check_plugins(o, r->coll, res);
	if (rc)
		return rc;
	vg_rule **all = malloc(sizeof(*all) * (r->nrules ? r->nrules : 1));
	if (!all)
		return VG_ERR_NOMEM;
	for (uint32_t i = 0; i < r->nrules; i++)
		all[i] = &r->rules[i];
	vg_rules_select_apply(o->selectors, o->nselectors, all, r->nrules);
	free(all);
	for (uint32_t i = 0; i < r->nrules; i++)
		if (r->rules[i].priority > o->min_priority)
			r->rules[i].enabled = false;
	for (uint32_t s = 0; s < r->nsets; s++)
		if (!vg_ruleset_build(r->sets[s], o->matching))
			return VG_ERR_NOMEM;
	if (o->matching == VG_RULE_MATCHING_FIRST)
		warn_shadowed(r, res);
	return VG_OK;
}

/* ---- files ---- */

typedef struct input_list {
	vg_rules_input *items;
	char **owned; /* texts and names read from disk */
	uint32_t n, cap, nowned, owned_cap;
} input_list;

static bool own(input_list *l, char *p)
{
	if (l->nowned == l->owned_cap) {
		uint32_t cap = l->owned_cap ? l->owned_cap * 2 : 16;
		char **grown = realloc(l->owned, sizeof(*grown) * cap);
		if (!grown) {
			free(p);
			return false;
		}
		l->owned = grown;
		l->owned_cap = cap;
	}
	l->owned[l->nowned++] = p;
	return true;
}

static bool push_input(input_list *l, const char *name, const char *text, size_t len)
{
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 16;
		vg_rules_input *grown = realloc(l->items, sizeof(*grown) * cap);
		if (!grown)
			return false;
		l->items = grown;
		l->cap = cap;
	}
	l->items[l->n++] = (vg_rules_input){ name, text, len };
	return true;
}

static void free_inputs(input_list *l)
{
	for (uint32_t i = 0; i < l->nowned; i++)
		free(l->owned[i]);
	free(l->owned);
	free(l->items);
}

static vg_rc read_file(const char *path, input_list *l, vg_rules_result *res)
{
	FILE *f = fopen(path, "rb");
	vg_buf b;
	vg_buf_init(&b);
	if (!f) {
		vg_rules_result_add_file(res, path);
		vg_rules_result_add(res, true, VG_LOAD_ERR_FILE_READ, path, 0, 0, 0, NULL, NULL, "cannot open: %s",
				    strerror(errno));
		return VG_ERR_IO;
	}
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		vg_buf_append(&b, chunk, got);
	bool failed = ferror(f) || b.oom;
	fclose(f);
	char *name = strdup(path);
	if (failed || !name) {
		free(name);
		vg_buf_free(&b);
		vg_rules_result_add_file(res, path);
		vg_rules_result_add(res, true, VG_LOAD_ERR_FILE_READ, path, 0, 0, 0, NULL, NULL, "read error");
		return VG_ERR_IO;
	}
	size_t len = b.len;
	char *text = b.cap ? vg_buf_steal(&b) : strdup("");
	if (!text || !own(l, name) || !own(l, text) || !push_input(l, name, text, len))
		return VG_ERR_NOMEM;
	return VG_OK;
}

static int yaml_entry(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	if (e->d_name[0] == '.')
		return 0;
	return (n > 4 && strcmp(e->d_name + n - 4, ".yml") == 0) || (n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0);
}

static vg_rc read_dir(const char *dir, input_list *l, vg_rules_result *res)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, yaml_entry, alphasort);
	if (n < 0) {
		vg_rules_result_add_file(res, dir);
		vg_rules_result_add(res, true, VG_LOAD_ERR_FILE_READ, dir, 0, 0, 0, NULL, NULL, "cannot read directory: %s",
				    strerror(errno));
		return VG_ERR_IO;
	}
	vg_rc rc = VG_OK;
	for (int i = 0; i < n; i++) {
		char *path = NULL;
		struct stat st;
		if (!rc && asprintf(&path, "%s/%s", dir, ents[i]->d_name) < 0)
			rc = VG_ERR_NOMEM;
		if (!rc && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			rc = read_file(path, l, res);
		free(path);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

static void first_error(const vg_rules_result *res, vg_rc rc, vg_err *err)
{
	if (!err)
		return;
	for (uint32_t i = 0; i < res->n; i++) {
		if (!res->diags[i].error)
			continue;
		vg_buf b;
		vg_buf_init(&b);
		vg_rules_result_format_diag(&res->diags[i], &b);
		vg_err_set(err, rc ? rc : VG_ERR_INVALID, "%s", b.data);
		vg_buf_free(&b);
		return;
	}
	vg_err_set(err, rc, "%s", vg_strerror(rc));
}

static vg_rc load_all(const vg_rules_opts *o, const vg_rules_input *in, uint32_t n, vg_rules **out,
		      vg_rules_result *res)
{
	vg_rl_coll *c = vg_rules_load_coll_new(o->engine_version ? o->engine_version : VG_RULES_ENGINE_VERSION);
	if (!c)
		return VG_ERR_NOMEM;
	vg_rules *compiled = NULL;
	vg_rc rc = VG_OK;
	for (uint32_t i = 0; i < n && !rc; i++) {
		vg_rules_result_add_file(res, in[i].name);
		rc = vg_rules_load_text(c, in[i].name, in[i].text, in[i].len, res);
		if (rc)
			break;
		vg_rules_free(compiled);
		compiled = compile_collection(o, c, res, i + 1 == n);
		if (!compiled)
			rc = VG_ERR_INVALID;
	}
	if (!rc && !compiled)
		compiled = compile_collection(o, c, res, true); /* no input: an empty rule set */
	if (!rc && !compiled)
		rc = VG_ERR_INVALID;
	if (!rc)
		rc = finish(o, compiled, res);
	if (rc) {
		vg_rules_free(compiled);
		vg_rules_load_coll_free(c);
		return rc;
	}
	compiled->owns_coll = true;
	*out = compiled;
	return VG_OK;
}

vg_rc vg_rules_load_inputs(const vg_rules_opts *opts, const vg_rules_input *inputs, uint32_t n, vg_rules **out,
			   vg_rules_result **result, vg_err *err)
{
	*out = NULL;
	*result = vg_rules_result_new();
	if (!*result)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	vg_rc rc = load_all(opts, inputs, n, out, *result);
	if (rc)
		first_error(*result, rc, err);
	return rc;
}

vg_rc vg_rules_load(const vg_rules_opts *opts, const char *const *paths, uint32_t npaths, vg_rules **out,
		    vg_rules_result **result, vg_err *err)
{
	*out = NULL;
	*result = vg_rules_result_new();
	if (!*result)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	input_list l = { 0 };
	vg_rc rc = VG_OK;
	for (uint32_t i = 0; i < npaths && !rc; i++) {
		struct stat st;
		rc = stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode) ? read_dir(paths[i], &l, *result)
								    : read_file(paths[i], &l, *result);
	}
	if (!rc)
		rc = load_all(opts, l.items, l.n, out, *result);
	free_inputs(&l);
	if (rc)
		first_error(*result, rc, err);
	return rc;
}

/* ---- queries ---- */

uint32_t vg_rules_count(const vg_rules *r)
{
	return r->nrules;
}

const vg_rule *vg_rules_at(const vg_rules *r, uint32_t i)
{
	return i < r->nrules ? &r->rules[i] : NULL;
}

const vg_rule *vg_rules_find(const vg_rules *r, const char *name)
{
	for (uint32_t i = 0; i < r->nrules; i++)
		if (strcmp(r->rules[i].name, name) == 0)
			return &r->rules[i];
	return NULL;
}

vg_ruleset *vg_rules_ruleset(const vg_rules *r, const char *source)
{
	for (uint32_t i = 0; i < r->nsets; i++)
		if (strcmp(vg_ruleset_source(r->sets[i]), source) == 0)
			return r->sets[i];
	return NULL;
}

uint32_t vg_rules_evttypes(const vg_rules *r, const char *source, uint16_t *codes, uint32_t cap)
{
	const vg_ruleset *rs = vg_rules_ruleset(r, source);
	if (!rs)
		return 0;
	vg_evtset set;
	vg_ruleset_evttypes(rs, &set);
	uint32_t n = 0;
	for (uint32_t t = 0; t < VG_EVTSET_OTHER; t++) {
		if (!vg_evtset_has(&set, (uint16_t)t))
			continue;
		if (n < cap)
			codes[n] = (uint16_t)t;
		n++;
	}
	return n;
}

static void tags_text(const vg_rule *rule, vg_buf *out, const char *sep)
{
	for (uint32_t t = 0; t < rule->ntags; t++) {
		if (t)
			vg_buf_puts(out, sep);
		vg_buf_puts(out, rule->tags[t]);
	}
}

void vg_rules_list_text(const vg_rules *r, vg_buf *out)
{
	for (uint32_t i = 0; i < r->nrules; i++) {
		const vg_rule *rule = &r->rules[i];
		vg_buf_printf(out, "%s | %s | %s | %s | ", rule->name, vg_priority_name(rule->priority), rule->source,
			      !rule->loaded ? "not loaded" : rule->enabled ? "enabled" : "disabled");
		tags_text(rule, out, ",");
		vg_buf_putc(out, '\n');
	}
}

static void json_rule(const vg_rule *rule, vg_buf *out)
{
	vg_buf_puts(out, "{\"rule\":");
	vg_json_put_cstr(out, rule->name);
	vg_buf_puts(out, ",\"desc\":");
	vg_json_put_cstr(out, rule->desc ? rule->desc : "");
	vg_buf_puts(out, ",\"priority\":");
	vg_json_put_cstr(out, vg_priority_name(rule->priority));
	vg_buf_puts(out, ",\"source\":");
	vg_json_put_cstr(out, rule->source);
	vg_buf_puts(out, ",\"tags\":[");
	for (uint32_t t = 0; t < rule->ntags; t++) {
		if (t)
			vg_buf_putc(out, ',');
		vg_json_put_cstr(out, rule->tags[t]);
	}
	vg_buf_printf(out, "],\"enabled\":%s,\"loaded\":%s}", rule->enabled ? "true" : "false",
		      rule->loaded ? "true" : "false");
}

void vg_rules_list_json(const vg_rules *r, vg_buf *out)
{
	vg_buf_putc(out, '[');
	for (uint32_t i = 0; i < r->nrules; i++) {
		if (i)
			vg_buf_putc(out, ',');
		json_rule(&r->rules[i], out);
	}
	vg_buf_putc(out, ']');
}

vg_rc vg_rules_describe(const vg_rules *r, const char *name, vg_buf *out)
{
	const vg_rule *rule = vg_rules_find(r, name);
	if (!rule)
		return VG_ERR_NOTFOUND;
	vg_buf_printf(out, "Rule: %s\nDescription: %s\nPriority: %s\nSource: %s\nTags: [", rule->name,
		      rule->desc ? rule->desc : "", vg_priority_name(rule->priority), rule->source);
	tags_text(rule, out, ", ");
	vg_buf_printf(out, "]\nEnabled: %s\nDefined at: %s:%u:%u\nCondition: %s\nOutput: %s\n",
		      rule->enabled ? "true" : "false", rule->file, rule->line, rule->col, rule->condition,
		      rule->output);
	return VG_OK;
}
