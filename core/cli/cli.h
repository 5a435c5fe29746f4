/* Command-line parsing for the vigil binary. Flags mirror Falco's where they exist
 * (reference: rules-language.md §11); removed Falco flags get a migration hint. */
#ifndef VG_CLI_H
#define VG_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include <stdio.h>

#include "util/err.h"

/* Exit codes (documented in README and --help). */
enum {
	VG_EXIT_OK = 0,
	VG_EXIT_RUNTIME = 1,    /* a source or sink failed while running */
	VG_EXIT_USAGE = 2,      /* bad command line */
	VG_EXIT_CONFIG = 3,     /* configuration or rules invalid (also -V failures) */
	VG_EXIT_PLUGIN = 4,     /* a plugin could not be loaded, initialised or opened */
};

typedef enum vg_list_format { VG_LIST_TEXT, VG_LIST_MARKDOWN, VG_LIST_JSON } vg_list_format;

typedef struct vg_strlist {
	const char **v; /* borrowed from argv (or static strings) */
	uint32_t n;
} vg_strlist;

typedef struct vg_cli {
	const char *config_file;    /* -c; NULL = default file if it exists */
	vg_strlist rules_files;     /* -r, repeatable; replaces rules_files from the config */
	vg_strlist options;         /* -o key=value, in order */
	vg_strlist validate;        /* -V FILE, repeatable */
	vg_strlist enable_sources;  /* --enable-source */
	vg_strlist disable_sources; /* --disable-source */
	bool dry_run;
	bool list_rules;            /* -L */
	const char *describe_rule;  /* -l NAME */
	bool list_fields;           /* --list [SOURCE] */
	const char *list_source;
	bool names_only;            /* -N */
	vg_list_format list_format; /* --format */
	bool list_plugins;
	const char *plugin_info;
	bool list_events;           /* --list-events */
	double duration_s;          /* -M; 0 = until stopped */
	bool unbuffered;            /* -U */
	bool dump_events;           /* --dump-events */
	bool stats;                 /* --stats: counters at exit */
	const char *plugin_dir;     /* --plugin-dir (also env VIGIL_PLUGIN_DIR) */
	const char *pidfile;        /* -P */
	bool gvisor_config;         /* --gvisor-generate-config[=SOCKET] */
	const char *gvisor_socket;
	bool help, version;
} vg_cli;

/* Parses argv into cli (strings stay borrowed from argv). On error err names the flag. */
vg_rc vg_cli_parse(vg_cli *cli, int argc, char **argv, vg_err *err);
void vg_cli_free(vg_cli *cli);
void vg_cli_usage(FILE *out);

#endif
