/* Test fixtures for the rules engine: a field registry whose extractor reads a test event
 * struct (vg_evctx.source_ud), a stub evt.type table, and helpers to compile and evaluate a
 * condition or a whole rules file. */
#ifndef RULES_TESTLIB_H
#define RULES_TESTLIB_H

#include <stdbool.h>
#include <stdint.h>

#include "fields/fields.h"
#include "rules/cond_compile.h"
#include "rules/rules.h"

enum {
	TF_EVT_TYPE, TF_STR, TF_STR2, TF_I64, TF_U64, TF_PORT, TF_BOOL, TF_IP, TF_NET, TF_BUF, TF_LIST,
	TF_LIST2, TF_ANAME, TF_ENV, TF_ARG, TF_FILT, TF_NFIELDS
};

typedef struct tev {
	uint16_t type;
	const char *str, *str2;
	bool has_i64, has_u64, has_port, has_b;
	int64_t i64;
	uint64_t u64, port;
	bool b;
	uint8_t ip[16];
	uint32_t iplen; /* 0 = missing */
	const uint8_t *buf;
	uint32_t buflen;
	bool has_buf;
	const char *list[8], *list2[8];
	uint32_t nlist, nlist2;
	const char *anc[4]; /* t.aname[i]; without index: all */
	uint32_t nanc;
	const char *env_key, *env_val;
	const char *arg_key, *arg_val;
	/* extractor bookkeeping */
	vg_value store[TF_NFIELDS][8];
	uint32_t calls;
	uint64_t ts;
} tev;

/* Registry for "syscall" (or another source name); free with vg_fields_free. */
vg_fields *tl_registry(const char *source);
/* evt.type lookup: open=2,3 openat=4,5 execve=10,11 connect=20,21 pluginevent=322. */
bool tl_evttype_lookup(const char *name, vg_evtset *out, void *ud);
const char *tl_evttype_name(uint16_t type);

/* Wires ev/hdr to t. */
void tl_event(tev *t, ss_plugin_event *hdr, vg_evctx *ev);

/* Parses + compiles cond against a fresh "syscall" registry and evaluates it on t.
 * Returns 1/0, or -1 when it does not compile (err gets the message). */
int tl_eval(const char *cond, tev *t, vg_err *err);

/* Loads rules from YAML text with the test registry for "syscall" and "plugsrc". */
vg_rc tl_load(const char *yaml, const vg_rules_opts *opts, vg_rules **out, vg_rules_result **res, vg_err *err);
/* Same with several files. */
vg_rc tl_load_files(const char *const *names, const char *const *yamls, uint32_t n, const vg_rules_opts *opts,
		    vg_rules **out, vg_rules_result **res, vg_err *err);
/* Default options wired to the test registry and lookup. */
void tl_opts(vg_rules_opts *o);
/* Text of all diagnostics (for assertions); static buffer reused by each call. */
const char *tl_diags(const vg_rules_result *res);
/* True when res has a diagnostic with this code whose formatted text contains needle. */
bool tl_has_diag(const vg_rules_result *res, vg_rules_code code, const char *needle);

/* Names of the rules matching t (comma separated; static buffer). */
const char *tl_match(const vg_rules *r, const char *source, tev *t);

#endif
