#!/usr/bin/env bash
# The SDK headers compile on their own, warning-free, in every language mode a plugin author may
# use (their _Static_asserts pin the Falco 3.12 ABI layout at the same time).
set -u
inc=${1:?sdk include dir}
fails=0
check() { # check COMPILER STD LANG HEADER
	command -v "$1" >/dev/null || { echo "skip $1 (not installed)"; return; }
	if ! echo "#include <vigil/$4>" | "$1" -std="$2" -Wall -Wextra -Werror -pedantic -fsyntax-only -I"$inc" -x "$3" - ; then
		echo "FAIL: $4 with $1 -std=$2"
		fails=$((fails + 1))
	fi
}
for h in plugin_api.h plugin_types.h plugin_sdk.h; do
	for std in c99 c11 c17; do check gcc $std c $h; check clang $std c $h; done
	for std in c++11 c++17; do check g++ $std c++ $h; check clang++ $std c++ $h; done
done
check g++ c++98 c++ plugin_api.h
# A source written for Falco's header (upstream include names, upstream identifiers only).
cat >"${TMPDIR:-/tmp}/vigil_falco_style_$$.c" <<'C'
#include <plugin_types.h>
#include <plugin_api.h>
#include <string.h>
static char err[PLUGIN_MAX_ERRLEN];
const char *plugin_get_required_api_version(void) { return PLUGIN_API_VERSION_STR; }
const char *plugin_get_last_error(ss_plugin_t *s) { return err; }
ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	uint32_t n = 0;
	in->tables->list_tables(in->owner, &n);
	in->log_fn(in->owner, NULL, "hello", SS_PLUGIN_LOG_SEV_INFO);
	*rc = SS_PLUGIN_SUCCESS;
	return err;
}
ss_plugin_rc plugin_extract_fields(ss_plugin_t *s, const ss_plugin_event_input *ev, const ss_plugin_field_extract_input *in)
{
	static const char *str = "x";
	static ss_plugin_byte_buffer buf;
	for (uint32_t i = 0; i < in->num_fields; i++) {
		ss_plugin_extract_field *f = &in->fields[i];
		if (f->ftype == FTYPE_STRING) f->res.str = &str;
		else if (f->ftype == FTYPE_IPADDR) f->res.buf = &buf;
		f->res_len = ev->evt->type == 322 && f->arg_present ? 1 : 0;
	}
	return in->value_offsets ? SS_PLUGIN_SUCCESS : SS_PLUGIN_NOT_SUPPORTED;
}
C
for cc in gcc clang; do
	command -v $cc >/dev/null || continue
	if ! $cc -std=c11 -Wall -Wextra -Wno-unused-parameter -Werror -fsyntax-only -I"$inc" -I"$inc/vigil" \
		"${TMPDIR:-/tmp}/vigil_falco_style_$$.c"; then
		echo "FAIL: Falco-style source with $cc"
		fails=$((fails + 1))
	fi
done
rm -f "${TMPDIR:-/tmp}/vigil_falco_style_$$.c"
[ "$fails" -eq 0 ] && echo "all SDK header checks passed"
