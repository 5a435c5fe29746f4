#include "rules_testlib.h"

#include <arpa/inet.h>
#include <string.h>

#include "rules/cond_eval.h"
#include "rules/cond_parse.h"

static const struct {
	const char *name;
	uint16_t codes[2];
} evt_names[] = {
	{ "open", { 2, 3 } },    { "openat", { 4, 5 } },      { "execve", { 10, 11 } },
	{ "connect", { 20, 21 } }, { "pluginevent", { 322, 322 } },
};

bool tl_evttype_lookup(const char *name, vg_evtset *out, void *ud)
{
	for (size_t i = 0; i < sizeof(evt_names) / sizeof(evt_names[0]); i++) {
		if (strcmp(evt_names[i].name, name) == 0) {
			vg_evtset_add(out, evt_names[i].codes[0]);
			vg_evtset_add(out, evt_names[i].codes[1]);
			return true;
		}
	}
	return false;
}

const char *tl_evttype_name(uint16_t type)
{
	for (size_t i = 0; i < sizeof(evt_names) / sizeof(evt_names[0]); i++)
		if (evt_names[i].codes[0] == type || evt_names[i].codes[1] == type)
			return evt_names[i].name;
	return "unknown";
}

static void str_value(vg_value *v, const char *s)
{
	v->bytes.ptr = (const uint8_t *)s;
	v->bytes.len = (uint32_t)strlen(s);
}

static uint32_t put_strs(vg_value *store, const char *const *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		str_value(&store[i], s[i]);
	return n;
}

static vg_rc extract(void *ud, vg_evctx *ev, const vg_field_info *f, const vg_field_arg *arg, vg_values *out)
{
	tev *t = ev->source_ud;
	vg_value *v = t->store[f->id];
	uint32_t n = 0;
	t->calls++;
	switch (f->id) {
	case TF_EVT_TYPE: str_value(v, tl_evttype_name(ev->evt->type)); n = 1; break;
	case TF_STR: if (t->str) { str_value(v, t->str); n = 1; } break;
	case TF_STR2: if (t->str2) { str_value(v, t->str2); n = 1; } break;
	case TF_I64: if (t->has_i64) { v->i64 = t->i64; n = 1; } break;
	case TF_U64: if (t->has_u64) { v->u64 = t->u64; n = 1; } break;
	case TF_PORT: if (t->has_port) { v->u64 = t->port; n = 1; } break;
	case TF_BOOL: if (t->has_b) { v->b = t->b; n = 1; } break;
	case TF_IP:
	case TF_NET:
		if (t->iplen) { v->bytes.ptr = t->ip; v->bytes.len = t->iplen; n = 1; }
		break;
	case TF_BUF: if (t->has_buf) { v->bytes.ptr = t->buf; v->bytes.len = t->buflen; n = 1; } break;
	case TF_LIST: n = put_strs(v, t->list, t->nlist); break;
	case TF_LIST2: n = put_strs(v, t->list2, t->nlist2); break;
	case TF_ANAME:
		if (!arg->present)
			n = put_strs(v, t->anc, t->nanc);
		else if (arg->index < t->nanc)
			n = put_strs(v, &t->anc[arg->index], 1);
		break;
	case TF_ENV:
		if (t->env_key && arg->key && strcmp(arg->key, t->env_key) == 0) { str_value(v, t->env_val); n = 1; }
		break;
	case TF_ARG:
		if (t->arg_key && arg->key && strcmp(arg->key, t->arg_key) == 0) { str_value(v, t->arg_val); n = 1; }
		break;
	case TF_FILT: if (t->str) { str_value(v, t->str); n = 1; } break;
	}
	out->n = n;
	out->v = v;
	return VG_OK;
}

static const vg_extractor test_ext = { .name = "test", .extract = extract };

vg_fields *tl_registry(const char *source)
{
	static const struct {
		const char *name;
		vg_ftype type;
		uint32_t flags, arg, id;
	} defs[] = {
		{ "evt.type", VG_FT_STRING, 0, 0, TF_EVT_TYPE },
		{ "t.str", VG_FT_STRING, VG_FIELD_ADD_OUTPUT, 0, TF_STR },
		{ "t.str2", VG_FT_STRING, 0, 0, TF_STR2 },
		{ "t.i64", VG_FT_INT64, 0, 0, TF_I64 },
		{ "t.u64", VG_FT_UINT64, 0, 0, TF_U64 },
		{ "t.port", VG_FT_PORT, 0, 0, TF_PORT },
		{ "t.b", VG_FT_BOOL, 0, 0, TF_BOOL },
		{ "t.ip", VG_FT_IPADDR, 0, 0, TF_IP },
		{ "t.net", VG_FT_IPNET, VG_FIELD_NO_TRANSFORM, 0, TF_NET },
		{ "t.buf", VG_FT_BYTEBUF, 0, 0, TF_BUF },
		{ "t.list", VG_FT_STRING, VG_FIELD_LIST, 0, TF_LIST },
		{ "t.list2", VG_FT_STRING, VG_FIELD_LIST, 0, TF_LIST2 },
		{ "t.aname", VG_FT_STRING, VG_FIELD_NO_TRANSFORM, VG_ARG_INDEX, TF_ANAME },
		{ "t.env", VG_FT_STRING, 0, VG_ARG_KEY | VG_ARG_REQUIRED, TF_ENV },
		{ "t.arg", VG_FT_STRING, 0, VG_ARG_KEY | VG_ARG_DOTTED, TF_ARG },
		{ "t.filt", VG_FT_STRING, VG_FIELD_FILTER_ONLY, 0, TF_FILT },
	};
	vg_fields *reg = vg_fields_new(source);
	for (size_t i = 0; reg && i < sizeof(defs) / sizeof(defs[0]); i++) {
		vg_field_info f = { .name = defs[i].name, .desc = "test", .type = defs[i].type, .flags = defs[i].flags,
				    .arg = defs[i].arg, .id = defs[i].id };
		if (vg_fields_add(reg, &f, &test_ext, NULL) != VG_OK) {
			vg_fields_free(reg);
			return NULL;
		}
	}
	return reg;
}

void tl_event(tev *t, ss_plugin_event *hdr, vg_evctx *ev)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->type = t->type;
	hdr->ts = t->ts;
	hdr->len = sizeof(*hdr);
	memset(ev, 0, sizeof(*ev));
	ev->evt = hdr;
	ev->source = "syscall";
	ev->source_ud = t;
	ev->gen = 1;
}

int tl_eval(const char *cond, tev *t, vg_err *err)
{
	vg_fields *reg = tl_registry("syscall");
	vg_cond_ctx_opts o = { .registry = reg, .evttype_lookup = tl_evttype_lookup };
	vg_cond_ctx *ctx = vg_cond_compile_ctx_new(&o);
	vg_err_clear(err);
	int result = -1;
	vg_cond_node *ast = vg_cond_parse(vg_cond_compile_arena(ctx), cond, strlen(cond), err);
	vg_cond_fail why;
	vg_cond_cnode *c = ast ? vg_cond_compile(ctx, ast, cond, strlen(cond), &why, err) : NULL;
	if (c) {
		vg_cond_state *st = vg_cond_eval_state_new(vg_cond_compile_slots(ctx), vg_cond_compile_nslots(ctx));
		ss_plugin_event hdr;
		vg_evctx ev;
		tl_event(t, &hdr, &ev);
		vg_cond_eval_begin(st, &ev);
		result = vg_cond_eval(c, st, &ev);
		vg_cond_eval_state_free(st);
	}
	vg_cond_compile_ctx_free(ctx);
	vg_fields_free(reg);
	return result;
}

static vg_fields *g_regs[2];

static const vg_fields *registry_for(const char *source, void *ud)
{
	if (strcmp(source, "syscall") == 0)
		return g_regs[0] ? g_regs[0] : (g_regs[0] = tl_registry("syscall"));
	if (strcmp(source, "plugsrc") == 0)
		return g_regs[1] ? g_regs[1] : (g_regs[1] = tl_registry("plugsrc"));
	return NULL;
}

void tl_opts(vg_rules_opts *o)
{
	vg_rules_opts_init(o);
	o->registry_for_source = registry_for;
	o->evttype_lookup = tl_evttype_lookup;
}

vg_rc tl_load_files(const char *const *names, const char *const *yamls, uint32_t n, const vg_rules_opts *opts,
		    vg_rules **out, vg_rules_result **res, vg_err *err)
{
	vg_rules_input in[8];
	for (uint32_t i = 0; i < n && i < 8; i++)
		in[i] = (vg_rules_input){ names[i], yamls[i], strlen(yamls[i]) };
	vg_rules_opts def;
	if (!opts) {
		tl_opts(&def);
		opts = &def;
	}
	return vg_rules_load_inputs(opts, in, n, out, res, err);
}

vg_rc tl_load(const char *yaml, const vg_rules_opts *opts, vg_rules **out, vg_rules_result **res, vg_err *err)
{
	const char *name = "rules.yaml";
	return tl_load_files(&name, &yaml, 1, opts, out, res, err);
}

const char *tl_diags(const vg_rules_result *res)
{
	static vg_buf b;
	if (!b.data)
		vg_buf_init(&b);
	vg_buf_reset(&b);
	vg_rules_result_text(res, &b);
	return b.data;
}

bool tl_has_diag(const vg_rules_result *res, vg_rules_code code, const char *needle)
{
	for (uint32_t i = 0; i < res->n; i++) {
		if (res->diags[i].code != code)
			continue;
		vg_buf b;
		vg_buf_init(&b);
		vg_rules_result_format_diag(&res->diags[i], &b);
		bool hit = strstr(b.data, needle) != NULL;
		vg_buf_free(&b);
		if (hit)
			return true;
	}
	return false;
}

static void collect(const vg_rule *rule, vg_evctx *ev, void *ud)
{
	vg_buf *b = ud;
	if (b->len)
		vg_buf_putc(b, ',');
	vg_buf_puts(b, rule->name);
}

const char *tl_match(const vg_rules *r, const char *source, tev *t)
{
	static vg_buf b;
	if (!b.data)
		vg_buf_init(&b);
	vg_buf_reset(&b);
	vg_ruleset *rs = vg_rules_ruleset(r, source);
	if (!rs)
		return "";
	vg_ruleset_state *st = vg_ruleset_state_new(rs);
	ss_plugin_event hdr;
	vg_evctx ev;
	tl_event(t, &hdr, &ev);
	vg_ruleset_match(rs, st, &ev, collect, &b);
	vg_ruleset_state_free(st);
	return b.data;
}
