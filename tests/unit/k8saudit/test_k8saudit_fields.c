/* ka.* field extraction on realistic audit events (fixtures in data/). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tplugin.h"

static tplugin P;

static void setup(void)
{
	tplugin_load(&P, "k8saudit", NULL);
}

static void teardown(void)
{
	tplugin_unload(&P);
}

TestSuite(k8saudit_fields, .init = setup, .fini = teardown);

static ss_plugin_event *fixture_event(const char *name)
{
	size_t n;
	char *json = tplugin_fixture(name, &n);
	ss_plugin_event *e = tplugin_event(json, n, 1714557600000000000ull);
	free(json);
	return e;
}

static void expect_one(ss_plugin_event *e, const char *field, const char *arg, const char *want)
{
	const char *got = tplugin_extract1(&P, e, 7, field, arg);
	if (!want) {
		cr_expect_null(got, "%s[%s]: expected no value, got '%s'", field, arg ? arg : "",
			       got ? got : "");
		return;
	}
	cr_expect_not_null(got, "%s[%s]: no value, expected '%s'", field, arg ? arg : "", want);
	if (got)
		cr_expect_str_eq(got, want, "%s[%s]", field, arg ? arg : "");
}

/* want is a NULL-terminated list; an empty list means "no value". */
static void expect_list(ss_plugin_event *e, const char *field, const char *arg,
			const char *const *want)
{
	const char **vals = NULL;
	int n = tplugin_extract(&P, e, 7, field, arg, &vals);
	int nwant = 0;
	while (want[nwant])
		nwant++;
	cr_expect_eq(n, nwant, "%s[%s]: %d values, expected %d", field, arg ? arg : "", n, nwant);
	for (int i = 0; i < n && i < nwant; i++)
		cr_expect_str_eq(vals[i], want[i], "%s[%s] #%d", field, arg ? arg : "", i);
}

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NONE ((const char *const[]){NULL})

Test(k8saudit_fields, simple_paths)
{
	ss_plugin_event *e = fixture_event("pod_create.json");
	expect_one(e, "ka.auditid", NULL, "3f9a1c2e-7b4d-4e8a-9c1f-5a6b7c8d9e0f");
	expect_one(e, "ka.stage", NULL, "ResponseComplete");
	expect_one(e, "ka.verb", NULL, "create");
	expect_one(e, "ka.uri", NULL, "/api/v1/namespaces/payments/pods?fieldManager=kubectl-client-side-apply");
	expect_one(e, "ka.useragent", NULL, "kubectl/v1.30.2 (linux/amd64) kubernetes/abcdef0");
	expect_one(e, "ka.user.name", NULL, "ci-deployer");
	expect_one(e, "ka.impuser.name", NULL, "release-bot");
	expect_one(e, "ka.target.name", NULL, "ledger-7d9f");
	expect_one(e, "ka.target.namespace", NULL, "payments");
	expect_one(e, "ka.target.resource", NULL, "pods");
	expect_one(e, "ka.target.subresource", NULL, NULL);
	expect_one(e, "ka.target.pod.name", NULL, "ledger-7d9f");
	expect_one(e, "ka.resp.name", NULL, "ledger-7d9f");
	expect_one(e, "ka.response.code", NULL, "201");
	expect_one(e, "ka.response.reason", NULL, NULL);
	expect_one(e, "ka.auth.decision", NULL, "allow");
	expect_one(e, "ka.auth.reason", NULL,
		   "RBAC: allowed by ClusterRoleBinding \"deployers\" of ClusterRole \"edit\" to Group \"deployers\"");
	expect_one(e, "ka.cluster.name", NULL, "prod-eu-1");
	expect_one(e, "ka.security.pod.violations", NULL,
		   "would violate PodSecurity \"restricted:latest\": privileged");
	expect_one(e, "ka.auth.openshift.decision", NULL, NULL);
	expect_one(e, "ka.uri.param", "fieldManager", "kubectl-client-side-apply");
	free(e);
}

Test(k8saudit_fields, pod_level)
{
	ss_plugin_event *e = fixture_event("pod_create.json");
	expect_one(e, "ka.req.pod.host_network", NULL, "true");
	expect_one(e, "ka.req.container.host_network", NULL, "true");
	expect_one(e, "ka.req.pod.host_pid", NULL, "false");
	expect_one(e, "ka.req.pod.host_ipc", NULL, "true");
	expect_one(e, "ka.req.pod.run_as_user", NULL, "1000");
	expect_one(e, "ka.req.pod.run_as_group", NULL, "3000");
	expect_one(e, "ka.req.pod.fs_group", NULL, "2000");
	expect_list(e, "ka.req.pod.supplemental_groups", NULL, LIST("4000", "4001"));
	expect_one(e, "ka.req.container.image", NULL, "ghcr.io/acme/ledger:1.4.2");
	expect_one(e, "ka.req.container.image.repository", NULL, "ghcr.io/acme/ledger");
	expect_one(e, "ka.req.container.privileged", NULL, "true");
	free(e);
}

Test(k8saudit_fields, containers)
{
	ss_plugin_event *e = fixture_event("pod_create.json");
	expect_list(e, "ka.req.pod.containers.name", NULL, LIST("ledger", "sidecar"));
	expect_list(e, "ka.req.pod.containers.image", NULL, LIST("ghcr.io/acme/ledger:1.4.2", "nginx"));
	expect_list(e, "ka.req.pod.containers.image", "1", LIST("nginx"));
	expect_list(e, "ka.req.pod.containers.image", "2", NONE);
	expect_list(e, "ka.req.pod.containers.image.repository", NULL,
		    LIST("ghcr.io/acme/ledger", "nginx"));
	/* the sidecar has no privileged key: it contributes nothing, the list is not failed */
	expect_list(e, "ka.req.pod.containers.privileged", NULL, LIST("true"));
	expect_list(e, "ka.req.pod.containers.privileged", "1", NONE);
	expect_list(e, "ka.req.pod.containers.allow_privilege_escalation", NULL, LIST("true"));
	expect_list(e, "ka.req.pod.containers.read_only_fs", NULL, LIST("false", "true"));
	expect_list(e, "ka.req.pod.containers.run_as_user", NULL, LIST("101"));
	expect_list(e, "ka.req.pod.containers.eff_run_as_user", NULL, LIST("1000", "101"));
	expect_list(e, "ka.req.pod.containers.eff_run_as_group", NULL, LIST("3000", "3000"));
	expect_list(e, "ka.req.pod.containers.run_as_group", NULL, NONE);
	expect_list(e, "ka.req.pod.containers.proc_mount", NULL, LIST("Unmasked"));
	expect_list(e, "ka.req.pod.containers.add_capabilities", NULL, LIST("NET_ADMIN", "SYS_TIME"));
	expect_list(e, "ka.req.pod.containers.host_port", NULL, LIST("8080", "19090"));
	expect_list(e, "ka.req.pod.containers.command", NULL, LIST("/app/ledger"));
	expect_list(e, "ka.req.pod.containers.args", NULL, LIST("--port 8080 --verbose"));
	free(e);
}

Test(k8saudit_fields, init_and_ephemeral_containers)
{
	ss_plugin_event *e = fixture_event("pod_create.json");
	expect_list(e, "ka.req.pod.initContainers.name", NULL, LIST("migrate"));
	/* registry port kept, tag and digest removed */
	expect_list(e, "ka.req.pod.initContainers.image.repository", NULL,
		    LIST("registry.internal:5000/payments/migrate"));
	expect_list(e, "ka.req.pod.initContainers.command", NULL, LIST("/bin/migrate --up"));
	expect_list(e, "ka.req.pod.initContainers.eff_run_as_user", NULL, LIST("0"));
	expect_list(e, "ka.req.pod.initContainers.eff_run_as_group", NULL, LIST("3000"));
	expect_list(e, "ka.req.pod.initContainers.host_port", NULL, NONE);
	expect_list(e, "ka.req.pod.ephemeralContainers.name", NULL, LIST("debugger"));
	expect_list(e, "ka.req.pod.ephemeralContainers.privileged", NULL, LIST("false"));
	expect_list(e, "ka.req.pod.ephemeralContainers.image.repository", NULL,
		    LIST("docker.io/library/busybox"));
	free(e);
}

Test(k8saudit_fields, volumes)
{
	ss_plugin_event *e = fixture_event("pod_create.json");
	expect_list(e, "ka.req.pod.volumes.hostpath", NULL, LIST("/var/run/docker.sock", "/etc"));
	expect_list(e, "ka.req.pod.volumes.hostpath", "3", LIST("/etc"));
	expect_list(e, "ka.req.pod.volumes.hostpath", "1", NONE);
	expect_list(e, "ka.req.pod.volumes.flexvolume_driver", NULL, LIST("example.com/lvm"));
	expect_list(e, "ka.req.pod.volumes.volume_type", NULL,
		    LIST("hostPath", "secret", "flexVolume", "hostPath"));
	expect_one(e, "ka.req.volume.hostpath", "/etc", "true");
	expect_one(e, "ka.req.volume.hostpath", "/var/run/*", "true");
	expect_one(e, "ka.req.volume.hostpath", "/root", "false");
	expect_one(e, "ka.req.volume.hostpath", "/et", "false");
	free(e);
}

Test(k8saudit_fields, sourceips_and_groups)
{
	ss_plugin_event *e = fixture_event("pod_create.json");
	expect_list(e, "ka.sourceips", NULL, LIST("10.20.30.40", "192.168.1.5"));
	expect_list(e, "ka.sourceips", "1", LIST("192.168.1.5"));
	expect_list(e, "ka.sourceips", "5", NONE);
	expect_list(e, "ka.user.groups", NULL, LIST("deployers", "system:authenticated"));
	free(e);
}

Test(k8saudit_fields, exec_uri_params)
{
	ss_plugin_event *e = fixture_event("exec_pod.json");
	expect_one(e, "ka.uri.param", "command", "sh");
	expect_one(e, "ka.uri.param", "container", "web");
	expect_one(e, "ka.uri.param", "q x", "a b");
	expect_one(e, "ka.uri.param", "missing", NULL);
	expect_one(e, "ka.target.subresource", NULL, "exec");
	expect_one(e, "ka.target.pod.name", NULL, NULL);
	expect_one(e, "ka.stage", NULL, "ResponseStarted");
	expect_one(e, "ka.auth.reason", NULL, "");
	expect_one(e, "ka.impuser.name", NULL, NULL);
	expect_list(e, "ka.req.pod.containers.image", NULL, NONE);
	expect_one(e, "ka.req.container.privileged", NULL, NULL);
	free(e);
}

Test(k8saudit_fields, binding_subjects)
{
	ss_plugin_event *e = fixture_event("crb_create.json");
	expect_one(e, "ka.req.binding.role", NULL, "cluster-admin");
	expect_list(e, "ka.req.binding.subjects.user_names", NULL, LIST("mallory"));
	expect_list(e, "ka.req.binding.subjects.group_names", NULL, LIST("contractors"));
	expect_list(e, "ka.req.binding.subjects.serviceaccount_names", NULL, LIST("builder", "orphan"));
	expect_list(e, "ka.req.binding.subjects.serviceaccount_ns_names", NULL,
		    LIST("ci:builder", ":orphan"));
	expect_list(e, "ka.req.binding.subjects", NULL,
		    LIST("{\"kind\":\"User\",\"apiGroup\":\"rbac.authorization.k8s.io\",\"name\":\"mallory\"}",
			 "{\"kind\":\"ServiceAccount\",\"name\":\"builder\",\"namespace\":\"ci\"}",
			 "{\"kind\":\"Group\",\"apiGroup\":\"rbac.authorization.k8s.io\",\"name\":\"contractors\"}",
			 "{\"kind\":\"ServiceAccount\",\"name\":\"orphan\"}"));
	expect_one(e, "ka.req.binding.subject.has_name", "anyone", "true");
	free(e);
}

Test(k8saudit_fields, role_rules)
{
	ss_plugin_event *e = fixture_event("clusterrole_create.json");
	expect_list(e, "ka.req.role.rules.apiGroups", NULL, LIST("", "*"));
	expect_list(e, "ka.req.role.rules.verbs", NULL, LIST("get", "create", "*", "get"));
	expect_list(e, "ka.req.role.rules.verbs", "1", LIST("*"));
	expect_list(e, "ka.req.role.rules.resources", NULL, LIST("pods", "pods/exec", "*"));
	expect_list(e, "ka.req.role.rules.resources", "2", NONE);
	expect_list(e, "ka.req.role.rules.nonResourceURLs", NULL, LIST("/metrics", "/healthz"));
	expect_list(e, "ka.req.role.rules", NULL,
		    LIST("{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/exec\"],\"verbs\":[\"get\",\"create\"]}",
			 "{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}",
			 "{\"nonResourceURLs\":[\"/metrics\",\"/healthz\"],\"verbs\":[\"get\"]}"));
	expect_list(e, "ka.sourceips", NULL, LIST("10.1.1.1"));
	free(e);
}

Test(k8saudit_fields, service_and_configmap)
{
	ss_plugin_event *e = fixture_event("service_nodeport.json");
	expect_one(e, "ka.req.service.type", NULL, "NodePort");
	expect_list(e, "ka.req.service.ports", "0",
		    LIST("{\"port\":80,\"targetPort\":8080,\"nodePort\":30080,\"protocol\":\"TCP\"}"));
	const char **vals;
	cr_expect_eq(tplugin_extract(&P, e, 7, "ka.req.service.ports", NULL, &vals), 2);
	free(e);
	e = fixture_event("configmap_create.json");
	expect_one(e, "ka.req.configmap.name", NULL, "app-settings");
	const char *obj = tplugin_extract1(&P, e, 8, "ka.req.configmap.obj", NULL);
	cr_assert_not_null(obj);
	cr_expect(strstr(obj, "\"aws_secret_access_key\":") != NULL, "%s", obj);
	cr_expect(strstr(obj, "\"note\":\"caf") != NULL, "%s", obj);
	free(e);
}

Test(k8saudit_fields, no_auditid_means_no_values)
{
	ss_plugin_event *e = fixture_event("no_auditid.json");
	expect_one(e, "ka.verb", NULL, NULL);
	expect_one(e, "ka.user.name", NULL, NULL);
	expect_one(e, "ka.req.binding.subject.has_name", "x", NULL);
	free(e);
}

Test(k8saudit_fields, malformed_payload_fails_cleanly)
{
	const char *bad[] = {"{\"auditID\":\"x\",", "not json", "", "{\"a\":1}}", "[1,2,]"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ss_plugin_event *e = tplugin_event(bad[i], strlen(bad[i]), 1);
		const char **vals;
		cr_expect_eq(tplugin_extract(&P, e, 100 + i, "ka.verb", NULL, &vals), -1, "'%s'", bad[i]);
		cr_expect(strlen(P.get_last_error(P.state)) > 0);
		free(e);
	}
}

/* The parse cache is keyed on the event: alternating events must never mix values. */
Test(k8saudit_fields, cache_follows_the_event)
{
	ss_plugin_event *a = fixture_event("pod_create.json");
	ss_plugin_event *b = fixture_event("exec_pod.json");
	for (int round = 0; round < 3; round++) {
		cr_expect_str_eq(tplugin_extract1(&P, a, 1, "ka.user.name", NULL), "ci-deployer");
		cr_expect_str_eq(tplugin_extract1(&P, a, 1, "ka.verb", NULL), "create");
		cr_expect_str_eq(tplugin_extract1(&P, b, 2, "ka.user.name", NULL), "alice");
	}
	free(a);
	free(b);
}

/* Several fields in one call: every value must survive until the next call. */
Test(k8saudit_fields, many_fields_one_call_and_offsets)
{
	size_t n;
	char *json = tplugin_fixture("exec_pod.json", &n);
	ss_plugin_event *e = tplugin_event(json, n, 1);
	const char *names[] = {"ka.verb", "ka.user.name", "ka.user.groups", "ka.uri.param"};
	ss_plugin_extract_field f[4];
	memset(f, 0, sizeof(f));
	const char *fields = P.get_fields();
	for (int i = 0; i < 4; i++) {
		int id = 0;
		char pat[128];
		snprintf(pat, sizeof(pat), "\"name\":\"%s\"", names[i]);
		for (const char *q = strstr(fields, "\"name\":\""); strncmp(q, pat, strlen(pat)) != 0;
		     q = strstr(q + 1, "\"name\":\""))
			id++;
		f[i].field_id = (uint32_t)id;
		f[i].field = names[i];
		f[i].arg_index = UINT64_MAX;
	}
	f[3].arg_key = "container";
	f[3].arg_present = 1;
	ss_plugin_event_input ev = {.evt = e, .evtnum = 3, .evtsrc = "k8s_audit"};
	ss_plugin_extract_value_offsets offs = {NULL, NULL};
	ss_plugin_field_extract_input in = {.num_fields = 4, .fields = f, .value_offsets = &offs};
	cr_assert_eq(P.extract_fields(P.state, &ev, &in), SS_PLUGIN_SUCCESS);
	cr_expect_str_eq(f[0].res.str[0], "create");
	cr_expect_str_eq(f[1].res.str[0], "alice");
	cr_expect_eq(f[2].res_len, 2);
	cr_expect_str_eq(f[2].res.str[1], "system:authenticated");
	cr_expect_str_eq(f[3].res.str[0], "web");
	cr_assert_not_null(offs.start);
	const char *verb = strstr(json, "\"verb\":\"create\"") + strlen("\"verb\":\"");
	cr_expect_eq(offs.start[0], 38 + (uint32_t)(verb - json));
	cr_expect_eq(offs.length[0], 6);
	cr_expect_eq(memcmp((const char *)e + offs.start[1], "alice", 5), 0);
	cr_expect_eq(offs.start[3], 0, "computed values carry no offset");
	free(e);
	free(json);
}

Test(k8saudit_fields, declared_fields_json)
{
	const char *f = P.get_fields();
	cr_expect(strstr(f, "\"name\":\"ka.uri.param\",\"desc\":") != NULL);
	cr_expect(strstr(f, "\"isKey\":true,\"isRequired\":true") != NULL);
	cr_expect(strstr(f, "\"name\":\"ka.req.pod.ephemeralContainers.host_port\"") == NULL);
	cr_expect(strstr(f, "\"name\":\"ka.req.pod.initContainers.host_port\"") != NULL);
	cr_expect_str_eq(P.get_name(), "k8saudit");
	cr_expect_str_eq(P.get_event_source(), "k8s_audit");
	cr_expect_eq(P.get_id(), 1);
	cr_expect_str_eq(P.get_required_api_version(), "3.11.0");
}
