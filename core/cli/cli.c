#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_DRY_RUN = 256,
	OPT_LIST,
	OPT_LIST_PLUGINS,
	OPT_PLUGIN_INFO,
	OPT_LIST_EVENTS,
	OPT_FORMAT,
	OPT_ENABLE_SOURCE,
	OPT_DISABLE_SOURCE,
	OPT_DUMP_EVENTS,
	OPT_STATS,
	OPT_PLUGIN_DIR,
	OPT_GVISOR_CONFIG,
	OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "config", required_argument, NULL, 'c' },
	{ "rules", required_argument, NULL, 'r' },
	{ "option", required_argument, NULL, 'o' },
	{ "validate", required_argument, NULL, 'V' },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "list", optional_argument, NULL, OPT_LIST },
	{ "list-plugins", no_argument, NULL, OPT_LIST_PLUGINS },
	{ "plugin-info", required_argument, NULL, OPT_PLUGIN_INFO },
	{ "list-events", no_argument, NULL, OPT_LIST_EVENTS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "enable-source", required_argument, NULL, OPT_ENABLE_SOURCE },
	{ "disable-source", required_argument, NULL, OPT_DISABLE_SOURCE },
	{ "unbuffered", no_argument, NULL, 'U' },
	{ "dump-events", no_argument, NULL, OPT_DUMP_EVENTS },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR },
	{ "pidfile", required_argument, NULL, 'P' },
	{ "gvisor-generate-config", optional_argument, NULL, OPT_GVISOR_CONFIG },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void vg_cli_usage(FILE *out)
{
	fputs("Usage: vigil [options]\n"
	      "Runtime security: watches system calls, gVisor sandboxes and Kubernetes audit events\n"
	      "and alerts when a rule matches. Falco rules, falco.yaml keys and plugins work as-is.\n"
	      "\n"
	      "  -c, --config FILE           configuration file (default " VIGIL_CONFIG_FILE ")\n"
	      "  -r, --rules FILE|DIR        rules file or directory; repeatable, replaces rules_files\n"
	      "  -o, --option KEY=VALUE      set a configuration key (dot paths, [n], [] append)\n"
	      "  -V, --validate FILE         validate a rules file and exit; repeatable\n"
	      "      --dry-run               load everything, open nothing, exit\n"
	      "  -L                          list the loaded rules\n"
	      "  -l RULE                     describe one rule\n"
	      "      --list[=SOURCE]         list the fields of every (or one) source\n"
	      "  -N                          with --list: names only\n"
	      "      --format FMT            with --list: text, markdown or json\n"
	      "      --list-events           list the syscall event types vigil knows\n"
	      "      --list-plugins          list loaded plugins and their capabilities\n"
	      "      --plugin-info NAME      fields, init schema and open params of a plugin\n"
	      "      --enable-source SRC     only run these sources (repeatable)\n"
	      "      --disable-source SRC    do not run this source (repeatable)\n"
	      "  -M SECONDS                  stop after this many seconds\n"
	      "  -U, --unbuffered            flush every alert as it is written\n"
	      "      --dump-events           print every event (for plugin authors), no rules\n"
	      "      --stats                 print counters at exit (events, drops, alerts per rule)\n"
	      "      --plugin-dir DIR        directory for relative plugin library paths\n"
	      "  -P, --pidfile FILE          write the process id to FILE\n"
	      "      --gvisor-generate-config[=SOCKET]\n"
	      "                              print a runsc --pod-init-config for vigil's gVisor source\n"
	      "      --version               print the version\n"
	      "  -h, --help                  this help\n"
	      "\n"
	      "Exit codes: 0 success, 1 runtime failure, 2 bad command line,\n"
	      "            3 invalid configuration or rules, 4 plugin failure.\n",
	      out);
}

static vg_rc push(vg_strlist *l, const char *s, vg_err *err)
{
	const char **v = realloc(l->v, sizeof(*v) * (l->n + 1));
	if (!v)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	v[l->n++] = s;
	l->v = v;
	return VG_OK;
}

/* Falco flags that were removed upstream: say what to write instead. */
static const char *removed_flag_hint(int c)
{
	switch (c) {
	case 'e':
		return "-e was removed (as in Falco); use -o engine.kind=replay -o engine.replay.capture_file=FILE";
	case 'D':
		return "-D was removed (as in Falco); use -o rules[].disable.rule=NAME";
	case 'T':
		return "-T was removed (as in Falco); use -o rules[].disable.tag=TAG";
	case 't':
		return "-t was removed (as in Falco); use -o rules[].disable.rule=* -o rules[].enable.tag=TAG";
	case 'A':
		return "-A was removed (as in Falco); use -o base_syscalls.all=true";
	case 'S':
	case 'b':
		return "this flag was removed (as in Falco); snaplen and buffer formats are configuration keys";
	case 'k':
	case 'K':
		return "Kubernetes metadata flags were removed (as in Falco); use a metadata plugin";
	}
	return NULL;
}

vg_rc vg_cli_parse(vg_cli *cli, int argc, char **argv, vg_err *err)
{
	memset(cli, 0, sizeof(*cli));
	cli->plugin_dir = getenv("VIGIL_PLUGIN_DIR");
	optind = 1;
	opterr = 0;
	int c;
	vg_rc rc = VG_OK;
	while (rc == VG_OK && (c = getopt_long(argc, argv, ":hc:r:o:V:LNl:M:UP:e:D:T:t:AbSk:K:", long_opts, NULL)) != -1) {
		const char *hint = removed_flag_hint(c);
		if (hint)
			return vg_err_set(err, VG_ERR_INVALID, "%s", hint);
		switch (c) {
		case 'h': cli->help = true; break;
		case OPT_VERSION: cli->version = true; break;
		case 'c': cli->config_file = optarg; break;
		case 'r': rc = push(&cli->rules_files, optarg, err); break;
		case 'o': rc = push(&cli->options, optarg, err); break;
		case 'V': rc = push(&cli->validate, optarg, err); break;
		case OPT_DRY_RUN: cli->dry_run = true; break;
		case 'L': cli->list_rules = true; break;
		case 'l': cli->describe_rule = optarg; break;
		case OPT_LIST:
			cli->list_fields = true;
			/* Accept both --list=SRC and --list SRC, as Falco does. */
			if (optarg)
				cli->list_source = optarg;
			else if (optind < argc && argv[optind][0] != '-')
				cli->list_source = argv[optind++];
			break;
		case 'N': cli->names_only = true; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				cli->list_format = VG_LIST_TEXT;
			else if (strcmp(optarg, "markdown") == 0)
				cli->list_format = VG_LIST_MARKDOWN;
			else if (strcmp(optarg, "json") == 0)
				cli->list_format = VG_LIST_JSON;
			else
				rc = vg_err_set(err, VG_ERR_INVALID, "--format: expected text, markdown or json, got '%s'", optarg);
			break;
		case OPT_LIST_EVENTS: cli->list_events = true; break;
		case OPT_LIST_PLUGINS: cli->list_plugins = true; break;
		case OPT_PLUGIN_INFO: cli->plugin_info = optarg; break;
		case OPT_ENABLE_SOURCE: rc = push(&cli->enable_sources, optarg, err); break;
		case OPT_DISABLE_SOURCE: rc = push(&cli->disable_sources, optarg, err); break;
		case 'M': {
			char *end;
			cli->duration_s = strtod(optarg, &end);
			if (*end || cli->duration_s < 0)
				rc = vg_err_set(err, VG_ERR_INVALID, "-M: expected a number of seconds, got '%s'", optarg);
			break;
		}
		case 'U': cli->unbuffered = true; break;
		case OPT_DUMP_EVENTS: cli->dump_events = true; break;
		case OPT_STATS: cli->stats = true; break;
		case OPT_PLUGIN_DIR: cli->plugin_dir = optarg; break;
		case 'P': cli->pidfile = optarg; break;
		case OPT_GVISOR_CONFIG:
			cli->gvisor_config = true;
			cli->gvisor_socket = optarg;
			break;
		case ':':
			rc = vg_err_set(err, VG_ERR_INVALID, "option '%s' needs an argument", argv[optind - 1]);
			break;
		default:
			rc = vg_err_set(err, VG_ERR_INVALID, "unknown option '%s' (see vigil --help)", argv[optind - 1]);
			break;
		}
	}
	if (rc == VG_OK && optind < argc)
		rc = vg_err_set(err, VG_ERR_INVALID, "unexpected argument '%s' (see vigil --help)", argv[optind]);
	if (rc == VG_OK && cli->enable_sources.n && cli->disable_sources.n)
		rc = vg_err_set(err, VG_ERR_INVALID, "--enable-source and --disable-source cannot be combined");
	return rc;
}

void vg_cli_free(vg_cli *cli)
{
	free(cli->rules_files.v);
	free(cli->options.v);
	free(cli->validate.v);
	free(cli->enable_sources.v);
	free(cli->disable_sources.v);
	memset(cli, 0, sizeof(*cli));
}
