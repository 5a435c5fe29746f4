/* The vigil binary: parse the command line, load the configuration, plugins and rules, then
 * either answer a listing/validation question or run the sources until told to stop. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/app.h"
#include "cli/cli.h"
#include "util/log.h"

static vg_app *g_app; /* for the signal handlers only */

static void on_stop_signal(int sig)
{
	(void)sig;
	if (g_app)
		vg_app_stop(g_app);
}

static void on_hup(int sig)
{
	(void)sig;
	if (g_app)
		vg_app_reopen_outputs(g_app);
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	/* A program_output sink whose reader died must not kill vigil. */
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	vg_cli cli;
	vg_err err;
	vg_err_clear(&err);
	if (vg_cli_parse(&cli, argc, argv, &err) != VG_OK) {
		fprintf(stderr, "vigil: %s\n", err.msg);
		vg_cli_free(&cli);
		return VG_EXIT_USAGE;
	}
	if (cli.help) {
		vg_cli_usage(stdout);
		vg_cli_free(&cli);
		return VG_EXIT_OK;
	}
	if (cli.version) {
		printf("vigil %s (plugin API %s)\n", VIGIL_VERSION, "3.12.0");
		vg_cli_free(&cli);
		return VG_EXIT_OK;
	}
	vg_app *app = NULL;
	int code = vg_app_new(&cli, &app);
	if (code == VG_EXIT_OK) {
		g_app = app;
		install_signals();
		code = vg_app_main(app);
		g_app = NULL;
	}
	vg_app_free(app);
	vg_cli_free(&cli);
	return code;
}
