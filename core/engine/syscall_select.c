#include "engine/syscall_select.h"

#include <string.h>

#include <vigil/scap_events.h>

#include "util/json.h"

/* buf_size_preset: 1 = 1 MiB, 2 = 2 MiB, 3 = 4 MiB ... 10 = 512 MiB (Falco's table). */
static uint64_t preset_bytes(uint32_t preset)
{
	if (preset < 1 || preset > 10)
		preset = 4;
	return (1ull << 20) << (preset - 1);
}

static void put_names(vg_buf *out, const char *key, const char *const *names, size_t n)
{
	vg_buf_printf(out, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			vg_buf_putc(out, ',');
		vg_json_put_cstr(out, names[i]);
	}
	vg_buf_putc(out, ']');
}

/* Event names of the codes, each once (enter/exit and old layouts share a name). */
static void put_event_names(vg_buf *out, const uint16_t *codes, uint32_t n)
{
	vg_buf_puts(out, ",\"syscalls\":[");
	const char *last[512];
	size_t nlast = 0;
	for (uint32_t i = 0; i < n; i++) {
		const vg_scap_event_info *info = vg_scap_event_info_get(codes[i]);
		if (!info || codes[i] == 322 || codes[i] == 402)
			continue;
		bool seen = false;
		for (size_t j = 0; j < nlast && !seen; j++)
			seen = strcmp(last[j], info->name) == 0;
		if (seen || nlast == sizeof(last) / sizeof(last[0]))
			continue;
		if (nlast)
			vg_buf_putc(out, ',');
		vg_json_put_cstr(out, info->name);
		last[nlast++] = info->name;
	}
	vg_buf_putc(out, ']');
}

/* Copies the user's members, remembering which keys they set. */
static vg_rc copy_user(const char *user, vg_buf *out, bool *has, const char *const *keys, size_t nkeys, vg_err *err)
{
	vg_buf_putc(out, '{');
	if (!user || !*user)
		return VG_OK;
	vg_json j;
	if (vg_json_parse(&j, user, strlen(user), 0, err) != VG_OK)
		return vg_err_prefix(err, "syscall plugin init_config");
	if (!vg_json_is_obj(&j, 0)) {
		vg_json_free(&j);
		return vg_err_set(err, VG_ERR_INVALID, "syscall plugin init_config: expected a JSON object");
	}
	int t = 1;
	for (int i = 0; i < j.tok[0].size; i++) {
		size_t klen, vlen;
		const char *k = vg_json_raw(&j, t, &klen);
		int v = t + 1;
		const char *val = vg_json_raw(&j, v, &vlen);
		for (size_t m = 0; m < nkeys; m++)
			if (strlen(keys[m]) == klen && memcmp(keys[m], k, klen) == 0)
				has[m] = true;
		vg_buf_printf(out, "%s\"%.*s\":", i ? "," : "", (int)klen, k);
		if (vg_json_is_str(&j, v))
			vg_buf_printf(out, "\"%.*s\"", (int)vlen, val);
		else
			vg_buf_append(out, val, vlen);
		t = vg_json_skip(&j, v);
	}
	vg_json_free(&j);
	return VG_OK;
}

enum { K_BUFFER, K_CPUS, K_SNAPLEN, K_DROP_FAILED, K_BASE, K_SYSCALLS, K_COUNT };

vg_rc vg_syscall_select_config(const vg_config *cfg, const char *user_json, const uint16_t *codes, uint32_t ncodes,
			       vg_buf *out, vg_err *err)
{
	static const char *const keys[K_COUNT] = {
		"buffer_bytes", "cpus_for_each_buffer", "snaplen", "drop_failed", "base_syscalls", "syscalls",
	};
	bool has[K_COUNT] = { 0 };
	vg_buf_reset(out);
	vg_rc rc = copy_user(user_json, out, has, keys, K_COUNT, err);
	if (rc != VG_OK)
		return rc;
	/* Start each added member with a comma; drop the first one if the object is still empty. */
	size_t start = out->len;
	if (!has[K_BUFFER])
		vg_buf_printf(out, ",\"buffer_bytes\":%llu", (unsigned long long)preset_bytes(cfg->modern_ebpf.buf_size_preset));
	if (!has[K_CPUS])
		vg_buf_printf(out, ",\"cpus_for_each_buffer\":%u", cfg->modern_ebpf.cpus_for_each_buffer);
	if (!has[K_SNAPLEN] && cfg->snaplen)
		vg_buf_printf(out, ",\"snaplen\":%u", cfg->snaplen);
	if (!has[K_DROP_FAILED])
		vg_buf_printf(out, ",\"drop_failed\":%s", cfg->modern_ebpf.drop_failed_exit ? "true" : "false");
	if (!has[K_BASE]) {
		vg_buf_printf(out, ",\"base_syscalls\":{\"repair\":%s,\"all\":%s", cfg->base_syscalls_repair ? "true" : "false",
			      cfg->base_syscalls_all ? "true" : "false");
		put_names(out, "custom_set", cfg->base_syscalls_custom_set, cfg->n_base_syscalls_custom_set);
		vg_buf_putc(out, '}');
	}
	if (!has[K_SYSCALLS])
		put_event_names(out, codes, ncodes);
	if (start == 1 && out->len > 1) /* nothing copied from the user: no leading comma */
		memmove(out->data + 1, out->data + 2, out->len-- - 1);
	vg_buf_putc(out, '}');
	return out->oom ? vg_err_set(err, VG_ERR_NOMEM, "out of memory") : VG_OK;
}
