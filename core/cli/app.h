/* The application: what `vigil` does for a parsed command line. Owns the configuration,
 * engine, rules and outputs for the process lifetime. */
#ifndef VG_APP_H
#define VG_APP_H

#include "cli/cli.h"

typedef struct vg_app vg_app;

/* Loads the configuration and sets up logging. cli is borrowed and must outlive the app.
 * Returns a VG_EXIT_* code; *out is set (and must be freed) even on failure. */
int vg_app_new(const vg_cli *cli, vg_app **out);
/* Does the job the command line asked for; returns the process exit code. */
int vg_app_main(vg_app *app);
void vg_app_free(vg_app *app);

/* Async-signal-safe. */
void vg_app_stop(vg_app *app);
void vg_app_reopen_outputs(vg_app *app);

#endif
