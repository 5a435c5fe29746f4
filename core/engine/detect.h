/* Detection: binds the rules engine to the engine's source instances and to the outputs.
 *
 * Rules are compiled per source instance, because compiled field references carry the
 * extractor state of the registry they were compiled against: the eBPF and gVisor instances of
 * "syscall" each need their own compiled copy or they would read each other's thread tables.
 * Per event (on the source's thread): match → format → vg_outputs_submit, alerts counted per
 * rule. */
#ifndef VG_DETECT_H
#define VG_DETECT_H

#include <stdbool.h>
#include <stdio.h>

#include "config/config.h"
#include "engine/engine.h"
#include "outputs/outputs.h"
#include "rules/rules.h"

typedef struct vg_detect vg_detect;

/* Loads files (the config's rules_files or -r) with the config's selectors, priority,
 * rule_matching, append_output and static_fields, against the engine's registries. *result is
 * always set (free with vg_rules_result_free) and holds errors and warnings. cfg, e and out
 * are borrowed and must outlive d; out may be NULL (listing and validation only). */
vg_rc vg_detect_new(const vg_config *cfg, vg_engine *e, vg_outputs *out, const char *const *files, size_t nfiles,
		    vg_detect **d, vg_rules_result **result, vg_err *err);
void vg_detect_free(vg_detect *d);

/* Registers the per-event callback on the engine. */
void vg_detect_attach(vg_detect *d);

/* The rules as loaded for the first instance of each source (listing, -L, -l). */
const vg_rules *vg_detect_rules(const vg_detect *d);

/* Event codes the enabled syscall rules can match: malloc'ed array (caller frees), count in *n. */
uint16_t *vg_detect_syscall_evttypes(const vg_detect *d, uint32_t *n);

/* Alerts per rule (non-zero only) and matches per source. */
void vg_detect_print_stats(const vg_detect *d, FILE *out);

/* Only loads and reports (-V): no outputs, no per-instance copies. */
vg_rc vg_detect_validate(const vg_config *cfg, vg_engine *e, const char *const *files, size_t nfiles,
			 vg_rules_result **result, vg_err *err);

#endif
