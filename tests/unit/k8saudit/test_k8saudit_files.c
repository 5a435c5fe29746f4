/* File inputs: read-once files and directories, and file:// follow mode across appends,
 * rotation and truncation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tplugin.h"

static tplugin P;
static char dir[256];

static void setup(void)
{
	tplugin_load(&P, "k8saudit", "{\"maxEventSize\":2048,\"webhookMaxBatchSize\":200000}");
	snprintf(dir, sizeof(dir), "/tmp/k8sa-files-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	tplugin_unload(&P);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(k8saudit_files, .init = setup, .fini = teardown, .timeout = 60);

#define EVENT(user) \
	"{\"kind\":\"Event\",\"auditID\":\"" user "\",\"verb\":\"get\",\"user\":{\"username\":\"" \
	user "\"},\"stageTimestamp\":\"2024-05-01T10:00:00Z\"}"

static void write_file(const char *name, const char *mode, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, mode);
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

/* Collects the user names of events until EOF (read-once) or max events / timeout. */
static size_t collect(ss_instance_t *h, size_t max, char users[][32], ss_plugin_rc *last)
{
	size_t got = 0;
	uint64_t evtnum = 1;
	for (int idle = 0; got < max && idle < 20;) {
		uint32_t n = 0;
		ss_plugin_event **evts;
		ss_plugin_rc rc = P.next_batch(P.state, h, &n, &evts);
		*last = rc;
		if (rc == SS_PLUGIN_EOF)
			break;
		if (rc == SS_PLUGIN_TIMEOUT) {
			idle++;
			continue;
		}
		cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "%s", P.get_last_error(P.state));
		for (uint32_t i = 0; i < n && got < max; i++, got++) {
			const char *u = tplugin_extract1(&P, evts[i], evtnum++, "ka.user.name", NULL);
			snprintf(users[got], 32, "%s", u ? u : "<none>");
		}
	}
	return got;
}

Test(k8saudit_files, read_once_with_long_and_bad_lines)
{
	/* a 100 KB line (over Go's 64 KiB scanner limit) holding an EventList of small events */
	size_t n = 700;
	char *line = malloc(n * 160 + 64);
	size_t o = (size_t)sprintf(line, "{\"kind\":\"EventList\",\"items\":[");
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(line + o, "%s" EVENT("bulk"), i ? "," : "");
	sprintf(line + o, "]}\n");
	cr_assert_gt(strlen(line), 65536);
	write_file("audit.log", "w", EVENT("first") "\n\n{broken json\n");
	write_file("audit.log", "a", line);
	write_file("audit.log", "a", "{\"kind\":\"Event\",\"auditID\":\"nots\"}\n" EVENT("last"));
	free(line);
	char path[512];
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	ss_plugin_rc rc;
	ss_instance_t *h = P.open(P.state, path, &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "%s", P.get_last_error(P.state));
	static char users[800][32];
	ss_plugin_rc last;
	size_t got = collect(h, 800, users, &last);
	cr_expect_eq(last, SS_PLUGIN_EOF);
	cr_assert_eq(got, 1 + n + 1);
	cr_expect_str_eq(users[0], "first");
	cr_expect_str_eq(users[1], "bulk");
	cr_expect_str_eq(users[got - 1], "last", "last line without newline is read");
	cr_expect_eq(tplugin_metric(&P, "payloads_malformed"), 1);
	cr_expect_eq(tplugin_metric(&P, "events_dropped_invalid"), 1);
	P.close(P.state, h);
}

Test(k8saudit_files, line_over_the_limit_is_skipped)
{
	char *huge = malloc(300000);
	memset(huge, ' ', 299998);
	huge[0] = '[';
	huge[299997] = ']';
	huge[299998] = '\n';
	huge[299999] = '\0';
	write_file("a.log", "w", EVENT("before") "\n");
	write_file("a.log", "a", huge);
	write_file("a.log", "a", EVENT("after") "\n");
	free(huge);
	char path[512];
	snprintf(path, sizeof(path), "%s/a.log", dir);
	ss_plugin_rc rc;
	ss_instance_t *h = P.open(P.state, path, &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS);
	char users[4][32];
	ss_plugin_rc last;
	cr_assert_eq(collect(h, 4, users, &last), 2);
	cr_expect_str_eq(users[0], "before");
	cr_expect_str_eq(users[1], "after");
	cr_expect_eq(tplugin_metric(&P, "lines_too_long"), 1);
	P.close(P.state, h);
}

Test(k8saudit_files, directory_in_mtime_order)
{
	write_file("b.log", "w", EVENT("older"));
	struct timespec ts[2] = {{.tv_sec = 1000000}, {.tv_sec = 1000000}};
	char path[512];
	snprintf(path, sizeof(path), "%s/b.log", dir);
	cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	write_file("a.log", "w", EVENT("newer") "\n" EVENT("newest") "\n");
	mkdir(strcat(strcpy(path, dir), "/subdir"), 0700);
	ss_plugin_rc rc;
	ss_instance_t *h = P.open(P.state, dir, &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "%s", P.get_last_error(P.state));
	char users[4][32];
	ss_plugin_rc last;
	cr_assert_eq(collect(h, 4, users, &last), 3);
	cr_expect_eq(last, SS_PLUGIN_EOF);
	cr_expect_str_eq(users[0], "older");
	cr_expect_str_eq(users[1], "newer");
	cr_expect_str_eq(users[2], "newest");
	P.close(P.state, h);
}

Test(k8saudit_files, missing_path_is_an_error)
{
	ss_plugin_rc rc;
	cr_expect_null(P.open(P.state, "/nonexistent/audit.log", &rc));
	cr_expect_eq(rc, SS_PLUGIN_FAILURE);
	cr_expect(strstr(P.get_last_error(P.state), "/nonexistent/audit.log") != NULL);
	cr_expect_null(P.open(P.state, "file:///nonexistent/dir/audit.log", &rc));
}

Test(k8saudit_files, follow_append_rotate_truncate)
{
	write_file("kube.log", "w", EVENT("history") "\n");
	char params[600], path[512], moved[600];
	snprintf(path, sizeof(path), "%s/kube.log", dir);
	snprintf(moved, sizeof(moved), "%s/kube.log.1", dir);
	snprintf(params, sizeof(params), "file://%s", path);
	ss_plugin_rc rc;
	ss_instance_t *h = P.open(P.state, params, &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "%s", P.get_last_error(P.state));
	char users[4][32];
	ss_plugin_rc last;
	/* starts at the end: existing lines are not replayed */
	cr_expect_eq(collect(h, 1, users, &last), 0);
	cr_expect_eq(last, SS_PLUGIN_TIMEOUT);

	/* append, including a line written in two parts */
	write_file("kube.log", "a", EVENT("appended") "\n{\"kind\":\"Event\",\"auditID\":\"half\",");
	cr_assert_eq(collect(h, 1, users, &last), 1);
	cr_expect_str_eq(users[0], "appended");
	write_file("kube.log", "a", "\"user\":{\"username\":\"half\"},\"stageTimestamp\":\"2024-05-01T10:00:00Z\"}\n");
	cr_assert_eq(collect(h, 1, users, &last), 1);
	cr_expect_str_eq(users[0], "half");

	/* rotation: the old file gets a last line after the move, then a new file appears */
	cr_assert_eq(rename(path, moved), 0);
	write_file("kube.log.1", "a", EVENT("late-in-old") "\n");
	write_file("kube.log", "w", EVENT("new-file-1") "\n" EVENT("new-file-2") "\n");
	cr_assert_eq(collect(h, 3, users, &last), 3);
	cr_expect_str_eq(users[0], "late-in-old");
	cr_expect_str_eq(users[1], "new-file-1");
	cr_expect_str_eq(users[2], "new-file-2");

	/* copytruncate: the file shrinks, reading restarts at 0 */
	write_file("kube.log", "w", "");
	cr_expect_eq(collect(h, 1, users, &last), 0);
	write_file("kube.log", "a", EVENT("after-truncate") "\n");
	cr_assert_eq(collect(h, 1, users, &last), 1);
	cr_expect_str_eq(users[0], "after-truncate");
	P.close(P.state, h);
}

Test(k8saudit_files, follow_a_file_that_does_not_exist_yet)
{
	char params[600];
	snprintf(params, sizeof(params), "file://%s/later.log", dir);
	ss_plugin_rc rc;
	ss_instance_t *h = P.open(P.state, params, &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "%s", P.get_last_error(P.state));
	char users[2][32];
	ss_plugin_rc last;
	cr_expect_eq(collect(h, 1, users, &last), 0);
	write_file("later.log", "w", EVENT("created") "\n");
	cr_assert_eq(collect(h, 1, users, &last), 1);
	cr_expect_str_eq(users[0], "created");
	P.close(P.state, h);
}
