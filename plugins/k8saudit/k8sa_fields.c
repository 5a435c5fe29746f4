#include "k8sa_fields.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdoc.h"

enum {
	F_LIST = 1,   /* list field */
	F_INDEX = 2,  /* optional numeric index selecting one element of the walked array */
	F_KEY = 4,    /* required key argument */
	F_NSNAME = 8, /* subjects: render "namespace:name" */
};

typedef struct k8sa_ctx k8sa_ctx;
typedef struct k8sa_field k8sa_field;
/* Extracts one field into ctx's value list. */
typedef void (*k8sa_fn)(k8sa_ctx *c, const k8sa_field *f);
/* Contributes the values of one element of the array a list field walks. */
typedef void (*k8sa_elem_fn)(k8sa_ctx *c, const k8sa_field *f, int elem);

struct k8sa_field {
	const char *name;
	const char *desc;
	unsigned flags;
	k8sa_fn fn;
	k8sa_elem_fn each;   /* per element, for x_each and x_first */
	const char *path[5]; /* from the event root; NULL-terminated */
	const char *sub[4];  /* from each element; NULL-terminated */
	const char *aux;     /* subject kind, securityContext key */
};

struct k8sa_ctx {
	k8sa_extractor *x;
	const jdoc *d;
	int ev;                            /* the event object */
	const ss_plugin_extract_field *arg;
	int offset_tok;                    /* token whose position is reported, -1 = none */
	bool oom;
};

/* ---- values ---- */

static void push_val(k8sa_ctx *c, const char *v)
{
	k8sa_extractor *x = c->x;
	if (!v) {
		c->oom = true;
		return;
	}
	if (x->nvals == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		const char **vals = realloc(x->vals, cap * sizeof(*vals));
		if (!vals) {
			c->oom = true;
			return;
		}
		x->vals = vals;
		x->cap = cap;
	}
	x->vals[x->nvals++] = v;
}

/* Renders token t as a value: strings unescaped, other JSON as compact text. */
static char *render(k8sa_ctx *c, int t, size_t *n)
{
	char *out = jstore_alloc(&c->x->store, jdoc_render_cap(c->d, t));
	size_t len = out ? jdoc_render(c->d, t, out) : 0;
	if (n)
		*n = len;
	return out;
}

static void emit_tok(k8sa_ctx *c, int t)
{
	push_val(c, render(c, t, NULL));
}

static void emit_cstr(k8sa_ctx *c, const char *s)
{
	push_val(c, jstore_strndup(&c->x->store, s, strlen(s)));
}

static bool index_arg(const k8sa_ctx *c, const k8sa_field *f, size_t *idx)
{
	if (!(f->flags & F_INDEX) || !c->arg->arg_present || c->arg->arg_index == UINT64_MAX)
		return false;
	*idx = (size_t)c->arg->arg_index;
	return true;
}

static int req_spec(const k8sa_ctx *c)
{
	static const char *const path[] = {"requestObject", "spec", NULL};
	return jdoc_path(c->d, c->ev, path);
}

/* ---- per-element extractors ---- */

static void el_self(k8sa_ctx *c, const k8sa_field *f, int e)
{
	(void)f;
	emit_tok(c, e);
}

static void el_sub(k8sa_ctx *c, const k8sa_field *f, int e)
{
	int t = jdoc_path(c->d, e, f->sub);
	if (t >= 0)
		emit_tok(c, t);
}

static void el_sub_items(k8sa_ctx *c, const k8sa_field *f, int e)
{
	int arr = jdoc_path(c->d, e, f->sub);
	if (!jdoc_is_arr(c->d, arr))
		return;
	int it = jdoc_first(c->d, arr);
	for (int n = jdoc_size(c->d, arr); n > 0; n--, it = jdoc_next(c->d, it))
		emit_tok(c, it);
}

/* command/args: the array's items joined with single spaces. */
static void el_sub_joined(k8sa_ctx *c, const k8sa_field *f, int e)
{
	const jdoc *d = c->d;
	int arr = jdoc_path(d, e, f->sub);
	if (!jdoc_is_arr(d, arr))
		return;
	size_t cap = 1;
	int it = jdoc_first(d, arr);
	for (int n = jdoc_size(d, arr); n > 0; n--, it = jdoc_next(d, it))
		cap += jdoc_render_cap(d, it) + 1;
	char *out = jstore_alloc(&c->x->store, cap);
	if (!out) {
		c->oom = true;
		return;
	}
	size_t o = 0;
	it = jdoc_first(d, arr);
	for (int n = jdoc_size(d, arr); n > 0; n--, it = jdoc_next(d, it)) {
		if (o)
			out[o++] = ' ';
		o += jdoc_render(d, it, out + o);
	}
	out[o] = '\0';
	push_val(c, out);
}

/* Repository of an image reference: without the digest, and without a tag, which can only
 * follow the last '/' (a ':' before it is a registry port). */
static size_t image_repository(char *s, size_t n)
{
	char *at = memchr(s, '@', n);
	if (at)
		n = (size_t)(at - s);
	size_t last = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '/')
			last = i + 1;
	}
	char *colon = memchr(s + last, ':', n - last);
	if (colon)
		n = (size_t)(colon - s);
	s[n] = '\0';
	return n;
}

static void el_image_repo(k8sa_ctx *c, const k8sa_field *f, int e)
{
	(void)f;
	int t = jdoc_getc(c->d, e, "image");
	if (!jdoc_is_str(c->d, t))
		return;
	size_t n;
	char *s = render(c, t, &n);
	if (s)
		image_repository(s, n);
	push_val(c, s);
}

/* The uid/gid a container starts with: its own securityContext, else the pod's, else 0. */
static void el_effective_id(k8sa_ctx *c, const k8sa_field *f, int e)
{
	const jdoc *d = c->d;
	int t = jdoc_getc(d, jdoc_getc(d, e, "securityContext"), f->aux);
	if (t < 0)
		t = jdoc_getc(d, jdoc_getc(d, req_spec(c), "securityContext"), f->aux);
	if (t >= 0)
		emit_tok(c, t);
	else
		emit_cstr(c, "0");
}

static void el_host_port(k8sa_ctx *c, const k8sa_field *f, int e)
{
	(void)f;
	const jdoc *d = c->d;
	int ports = jdoc_getc(d, e, "ports");
	if (!jdoc_is_arr(d, ports))
		return;
	int p = jdoc_first(d, ports);
	for (int n = jdoc_size(d, ports); n > 0; n--, p = jdoc_next(d, p)) {
		int t = jdoc_getc(d, p, "hostPort");
		if (t < 0)
			t = jdoc_getc(d, p, "containerPort");
		if (t >= 0)
			emit_tok(c, t);
	}
}

static void el_subject(k8sa_ctx *c, const k8sa_field *f, int e)
{
	const jdoc *d = c->d;
	int name = jdoc_getc(d, e, "name");
	if (name < 0 || !jdoc_str_eqc(d, jdoc_getc(d, e, "kind"), f->aux))
		return;
	if (!(f->flags & F_NSNAME)) {
		emit_tok(c, name);
		return;
	}
	int ns = jdoc_getc(d, e, "namespace");
	size_t cap = (ns >= 0 ? jdoc_render_cap(d, ns) : 1) + jdoc_render_cap(d, name) + 1;
	char *out = jstore_alloc(&c->x->store, cap);
	if (!out) {
		c->oom = true;
		return;
	}
	size_t o = ns >= 0 ? jdoc_render(d, ns, out) : 0;
	out[o++] = ':';
	jdoc_render(d, name, out + o);
	push_val(c, out);
}

/* A volume's type is the key naming its source (hostPath, secret, ...): every key but name. */
static void el_volume_types(k8sa_ctx *c, const k8sa_field *f, int e)
{
	(void)f;
	const jdoc *d = c->d;
	if (!jdoc_is_obj(d, e))
		return;
	int k = jdoc_first(d, e);
	for (int n = jdoc_size(d, e); n > 0; n--, k = jdoc_next(d, k)) {
		if (!jdoc_str_eqc(d, k, "name"))
			emit_tok(c, k);
	}
}

/* ---- field extractors ---- */

static void x_path(k8sa_ctx *c, const k8sa_field *f)
{
	int t = jdoc_path(c->d, c->ev, f->path);
	if (t < 0)
		return;
	emit_tok(c, t);
	c->offset_tok = t;
}

static void x_each(k8sa_ctx *c, const k8sa_field *f)
{
	const jdoc *d = c->d;
	int arr = jdoc_path(d, c->ev, f->path);
	if (!jdoc_is_arr(d, arr))
		return;
	size_t idx;
	if (index_arg(c, f, &idx)) {
		int e = jdoc_at(d, arr, idx);
		if (e >= 0)
			f->each(c, f, e);
		return;
	}
	int e = jdoc_first(d, arr);
	for (int n = jdoc_size(d, arr); n > 0; n--, e = jdoc_next(d, e))
		f->each(c, f, e);
}

/* Deprecated single-container fields: the first container only. */
static void x_first(k8sa_ctx *c, const k8sa_field *f)
{
	int e = jdoc_at(c->d, jdoc_path(c->d, c->ev, f->path), 0);
	if (e >= 0)
		f->each(c, f, e);
}

static void x_any_privileged(k8sa_ctx *c, const k8sa_field *f)
{
	const jdoc *d = c->d;
	int arr = jdoc_path(d, c->ev, f->path);
	if (!jdoc_is_arr(d, arr))
		return;
	bool any = false;
	int e = jdoc_first(d, arr);
	for (int n = jdoc_size(d, arr); n > 0; n--, e = jdoc_next(d, e))
		any |= jdoc_is_true(d, jdoc_getc(d, jdoc_getc(d, e, "securityContext"), "privileged"));
	emit_cstr(c, any ? "true" : "false");
}

/* Deprecated and meaningless upstream, where it always yields "true"; kept for rules using it. */
static void x_always_true(k8sa_ctx *c, const k8sa_field *f)
{
	(void)f;
	emit_cstr(c, "true");
}

/* "true" when a hostPath volume uses the key path (a trailing '*' makes it a prefix). */
static void x_hostpath_key(k8sa_ctx *c, const k8sa_field *f)
{
	const jdoc *d = c->d;
	const char *key = c->arg->arg_key;
	int arr = jdoc_path(d, c->ev, f->path);
	if (!key || !jdoc_is_arr(d, arr))
		return;
	size_t klen = strlen(key);
	bool prefix = klen && key[klen - 1] == '*';
	if (prefix)
		klen--;
	static const char *const hostpath[] = {"hostPath", "path", NULL};
	bool found = false;
	int e = jdoc_first(d, arr);
	for (int n = jdoc_size(d, arr); n > 0 && !found; n--, e = jdoc_next(d, e)) {
		int t = jdoc_path(d, e, hostpath);
		if (!jdoc_is_str(d, t))
			continue;
		size_t vn;
		char *v = render(c, t, &vn);
		if (!v) {
			c->oom = true;
			return;
		}
		found = prefix ? vn >= klen && memcmp(v, key, klen) == 0
			       : vn == klen && memcmp(v, key, klen) == 0;
	}
	emit_cstr(c, found ? "true" : "false");
}

static void x_target_pod_name(k8sa_ctx *c, const k8sa_field *f)
{
	const jdoc *d = c->d;
	int ref = jdoc_getc(d, c->ev, "objectRef");
	int sub = jdoc_getc(d, ref, "subresource");
	if (!jdoc_str_eqc(d, jdoc_getc(d, ref, "resource"), "pods") ||
	    (sub >= 0 && !jdoc_str_eqc(d, sub, "")))
		return;
	x_path(c, f);
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Query-string decoding ('+' is a space, %XX a byte). False on a broken escape. */
static bool url_decode(const char *s, size_t n, char *out, size_t *outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (i + 2 >= n)
				return false;
			int hi = hex_digit(s[i + 1]), lo = hex_digit(s[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	*outlen = o;
	return true;
}

/* First value of query parameter [key] of requestURI. */
static void x_uri_param(k8sa_ctx *c, const k8sa_field *f)
{
	(void)f;
	const char *key = c->arg->arg_key;
	int t = jdoc_getc(c->d, c->ev, "requestURI");
	if (!key || !jdoc_is_str(c->d, t))
		return;
	size_t n;
	char *uri = render(c, t, &n);
	char *scratch = uri ? jstore_alloc(&c->x->store, n + 1) : NULL;
	if (!scratch) {
		c->oom = true;
		return;
	}
	char *q = memchr(uri, '?', n);
	char *end = q ? memchr(q, '#', (size_t)(uri + n - q)) : NULL;
	if (!end)
		end = uri + n;
	for (char *p = q ? q + 1 : end; p < end;) {
		char *amp = memchr(p, '&', (size_t)(end - p));
		if (!amp)
			amp = end;
		char *eq = memchr(p, '=', (size_t)(amp - p));
		char *kend = eq ? eq : amp;
		size_t kn, vn;
		if (url_decode(p, (size_t)(kend - p), scratch, &kn) && strcmp(scratch, key) == 0 &&
		    kn == strlen(key)) {
			const char *v = eq ? eq + 1 : amp;
			if (url_decode(v, (size_t)(amp - v), scratch, &vn)) {
				push_val(c, jstore_strndup(&c->x->store, scratch, vn));
				return;
			}
		}
		p = amp + 1;
	}
}

/* ---- the field table ---- */

#define REQ "requestObject"

#define SIMPLE(n, d, ...) {.name = n, .desc = d, .fn = x_path, .path = {__VA_ARGS__}}
#define LIST(n, d, fl, ...) \
	{.name = n, .desc = d, .flags = F_LIST | (fl), .fn = x_each, .each = el_self, .path = {__VA_ARGS__}}
#define ANNOTATION(n, d, key) SIMPLE(n, d, "annotations", key)
#define SUBJECTS(n, d, kind, fl)                                                              \
	{.name = n, .desc = d, .flags = F_LIST | (fl), .fn = x_each, .each = el_subject,          \
	 .path = {REQ, "subjects"}, .aux = kind}
#define RULES(n, d, key)                                                                      \
	{.name = n, .desc = d, .flags = F_LIST | F_INDEX, .fn = x_each, .each = el_sub_items,     \
	 .path = {REQ, "rules"}, .sub = {key}}
#define VOLUMES(n, d, each_fn, ...)                                                           \
	{.name = n, .desc = d, .flags = F_LIST | F_INDEX, .fn = x_each, .each = each_fn,          \
	 .path = {REQ, "spec", "volumes"}, .sub = {__VA_ARGS__}}

/* Per-container fields of one of the pod's container lists. */
#define CT(list, suffix, d, each_fn, ...)                                                     \
	{.name = "ka.req.pod." list "." suffix, .desc = d, .flags = F_LIST | F_INDEX, .fn = x_each, \
	 .each = each_fn, .path = {REQ, "spec", list}, .sub = {__VA_ARGS__}}
#define CT_EFF(list, suffix, d, key)                                                          \
	{.name = "ka.req.pod." list "." suffix, .desc = d, .flags = F_LIST | F_INDEX, .fn = x_each, \
	 .each = el_effective_id, .path = {REQ, "spec", list}, .aux = key}
#define CONTAINER_FIELDS(list, who)                                                                 \
	CT(list, "args", "For a pod request, the args of each " who ", joined by spaces.",               \
	   el_sub_joined, "args"),                                                                       \
	CT(list, "command", "For a pod request, the command of each " who ", joined by spaces.",        \
	   el_sub_joined, "command"),                                                                    \
	CT(list, "name", "For a pod request, the name of each " who ".", el_sub, "name"),               \
	CT(list, "image", "For a pod request, the image of each " who ".", el_sub, "image"),            \
	CT(list, "image.repository",                                                                     \
	   "For a pod request, the image repository of each " who " (no tag or digest; registry "        \
	   "ports kept).", el_image_repo, NULL),                                                         \
	CT(list, "privileged", "For a pod request, securityContext.privileged of each " who ".",        \
	   el_sub, "securityContext", "privileged"),                                                     \
	CT(list, "allow_privilege_escalation",                                                           \
	   "For a pod request, securityContext.allowPrivilegeEscalation of each " who ".", el_sub,       \
	   "securityContext", "allowPrivilegeEscalation"),                                               \
	CT(list, "read_only_fs",                                                                         \
	   "For a pod request, securityContext.readOnlyRootFilesystem of each " who ".", el_sub,         \
	   "securityContext", "readOnlyRootFilesystem"),                                                 \
	CT(list, "run_as_user", "For a pod request, securityContext.runAsUser of each " who ".",        \
	   el_sub, "securityContext", "runAsUser"),                                                      \
	CT_EFF(list, "eff_run_as_user",                                                                  \
	       "For a pod request, the uid each " who " starts with: its securityContext.runAsUser, "   \
	       "else the pod's, else 0.", "runAsUser"),                                                  \
	CT(list, "run_as_group", "For a pod request, securityContext.runAsGroup of each " who ".",      \
	   el_sub, "securityContext", "runAsGroup"),                                                     \
	CT_EFF(list, "eff_run_as_group",                                                                 \
	       "For a pod request, the gid each " who " starts with: its securityContext.runAsGroup, "  \
	       "else the pod's, else 0.", "runAsGroup"),                                                 \
	CT(list, "proc_mount", "For a pod request, securityContext.procMount of each " who ".",         \
	   el_sub, "securityContext", "procMount"),                                                      \
	CT(list, "add_capabilities",                                                                     \
	   "For a pod request, the capabilities added by each " who ".", el_sub_items,                  \
	   "securityContext", "capabilities", "add")
#define HOST_PORT(list, who)                                                                        \
	CT(list, "host_port", "For a pod request, the hostPort (else containerPort) of each port of " \
	   "each " who ".", el_host_port, NULL)

static const k8sa_field k8sa_defs[] = {
	SIMPLE("ka.auditid", "Unique id of the audit event.", "auditID"),
	SIMPLE("ka.stage", "Stage of request handling that produced the event (RequestReceived, "
	       "ResponseStarted, ResponseComplete, Panic).", "stage"),
	ANNOTATION("ka.auth.decision", "Authorization decision (allow, forbid).",
		   "authorization.k8s.io/decision"),
	ANNOTATION("ka.auth.reason", "Why the request was authorized or denied.",
		   "authorization.k8s.io/reason"),
	ANNOTATION("ka.auth.openshift.decision", "Authentication decision of the OpenShift API "
		   "server extension (OpenShift only).", "authentication.openshift.io/decision"),
	ANNOTATION("ka.validations.admission.policy.failure",
		   "Validation failure reported by a ValidatingAdmissionPolicy.",
		   "validation.policy.admission.k8s.io/validation_failure"),
	ANNOTATION("ka.security.pod.violations", "Pod Security admission audit violations.",
		   "pod-security.kubernetes.io/audit-violations"),
	ANNOTATION("ka.auth.openshift.username", "User name authenticated by the OpenShift API "
		   "server extension (OpenShift only).", "authentication.openshift.io/username"),
	SIMPLE("ka.user.name", "Name of the user who made the request.", "user", "username"),
	LIST("ka.user.groups", "Groups of the user who made the request.", 0, "user", "groups"),
	SIMPLE("ka.impuser.name", "Name of the impersonated user.", "impersonatedUser", "username"),
	SIMPLE("ka.verb", "Request verb (get, list, watch, create, update, patch, delete...).", "verb"),
	SIMPLE("ka.uri", "Request URI as sent by the client.", "requestURI"),
	{.name = "ka.uri.param", .desc = "First value of the query parameter named by the key in the "
	 "request URI, e.g. ka.uri.param[command] for exec requests.", .flags = F_KEY,
	 .fn = x_uri_param},
	SIMPLE("ka.target.name", "Name of the object the request targets.", "objectRef", "name"),
	SIMPLE("ka.target.namespace", "Namespace of the object the request targets.", "objectRef",
	       "namespace"),
	SIMPLE("ka.target.resource", "Resource type the request targets (pods, secrets...).",
	       "objectRef", "resource"),
	SIMPLE("ka.target.subresource", "Subresource the request targets (exec, attach, log...).",
	       "objectRef", "subresource"),
	{.name = "ka.target.pod.name", .desc = "Name of the pod in the response, for requests on pods "
	 "themselves (no subresource).", .fn = x_target_pod_name,
	 .path = {"responseObject", "metadata", "name"}},
	LIST("ka.req.binding.subjects", "For a (cluster) role binding request, each subject as JSON.",
	     0, REQ, "subjects"),
	SUBJECTS("ka.req.binding.subjects.user_names",
		 "For a (cluster) role binding request, the names of the User subjects.", "User", 0),
	SUBJECTS("ka.req.binding.subjects.serviceaccount_names",
		 "For a (cluster) role binding request, the names of the ServiceAccount subjects.",
		 "ServiceAccount", 0),
	SUBJECTS("ka.req.binding.subjects.serviceaccount_ns_names",
		 "For a (cluster) role binding request, the ServiceAccount subjects as namespace:name.",
		 "ServiceAccount", F_NSNAME),
	SUBJECTS("ka.req.binding.subjects.group_names",
		 "For a (cluster) role binding request, the names of the Group subjects.", "Group", 0),
	SIMPLE("ka.req.binding.role", "For a (cluster) role binding request, the role it binds.", REQ,
	       "roleRef", "name"),
	{.name = "ka.req.binding.subject.has_name", .desc = "Deprecated: always \"true\"; kept so "
	 "that old rules still load.", .flags = F_KEY, .fn = x_always_true},
	SIMPLE("ka.req.configmap.name", "For a configmap request, the configmap name.", "objectRef",
	       "name"),
	SIMPLE("ka.req.configmap.obj", "For a configmap request, its data as JSON.", REQ, "data"),
	CONTAINER_FIELDS("containers", "container"),
	HOST_PORT("containers", "container"),
	{.name = "ka.req.container.image", .desc = "Deprecated (see ka.req.pod.containers.image): "
	 "the image of the first container.", .fn = x_first, .each = el_sub,
	 .path = {REQ, "spec", "containers"}, .sub = {"image"}},
	{.name = "ka.req.container.image.repository", .desc = "Deprecated (see "
	 "ka.req.pod.containers.image.repository): the image repository of the first container.",
	 .fn = x_first, .each = el_image_repo, .path = {REQ, "spec", "containers"}},
	SIMPLE("ka.req.pod.host_ipc", "For a pod request, spec.hostIPC.", REQ, "spec", "hostIPC"),
	SIMPLE("ka.req.pod.host_network", "For a pod request, spec.hostNetwork.", REQ, "spec",
	       "hostNetwork"),
	SIMPLE("ka.req.container.host_network", "Deprecated alias of ka.req.pod.host_network.", REQ,
	       "spec", "hostNetwork"),
	SIMPLE("ka.req.pod.host_pid", "For a pod request, spec.hostPID.", REQ, "spec", "hostPID"),
	{.name = "ka.req.container.privileged", .desc = "Deprecated (see "
	 "ka.req.pod.containers.privileged): \"true\" when any container is privileged, else "
	 "\"false\".", .fn = x_any_privileged, .path = {REQ, "spec", "containers"}},
	SIMPLE("ka.req.pod.run_as_user", "For a pod request, the pod-level securityContext.runAsUser.",
	       REQ, "spec", "securityContext", "runAsUser"),
	SIMPLE("ka.req.pod.run_as_group",
	       "For a pod request, the pod-level securityContext.runAsGroup.", REQ, "spec",
	       "securityContext", "runAsGroup"),
	LIST("ka.req.role.rules", "For a (cluster) role request, each rule as JSON.", 0, REQ, "rules"),
	RULES("ka.req.role.rules.apiGroups",
	      "For a (cluster) role request, the API groups of its rules (index: one rule).",
	      "apiGroups"),
	RULES("ka.req.role.rules.nonResourceURLs",
	      "For a (cluster) role request, the non-resource URLs of its rules (index: one rule).",
	      "nonResourceURLs"),
	RULES("ka.req.role.rules.verbs",
	      "For a (cluster) role request, the verbs of its rules (index: one rule).", "verbs"),
	RULES("ka.req.role.rules.resources",
	      "For a (cluster) role request, the resources of its rules (index: one rule).",
	      "resources"),
	SIMPLE("ka.req.pod.fs_group", "For a pod request, securityContext.fsGroup.", REQ, "spec",
	       "securityContext", "fsGroup"),
	LIST("ka.req.pod.supplemental_groups", "For a pod request, securityContext.supplementalGroups.",
	     0, REQ, "spec", "securityContext", "supplementalGroups"),
	SIMPLE("ka.req.service.type", "For a service request, spec.type.", REQ, "spec", "type"),
	LIST("ka.req.service.ports", "For a service request, each port as JSON (index: one port).",
	     F_INDEX, REQ, "spec", "ports"),
	VOLUMES("ka.req.pod.volumes.hostpath", "For a pod request, the hostPath path of each volume.",
		el_sub, "hostPath", "path"),
	{.name = "ka.req.volume.hostpath", .desc = "Deprecated (see ka.req.pod.volumes.hostpath): "
	 "\"true\" when a hostPath volume uses the key path (a trailing * matches a prefix), else "
	 "\"false\".", .flags = F_KEY, .fn = x_hostpath_key, .path = {REQ, "spec", "volumes"}},
	VOLUMES("ka.req.pod.volumes.flexvolume_driver",
		"For a pod request, the flexVolume driver of each volume.", el_sub, "flexVolume",
		"driver"),
	VOLUMES("ka.req.pod.volumes.volume_type",
		"For a pod request, the type of each volume (hostPath, secret, configMap...).",
		el_volume_types, NULL),
	SIMPLE("ka.resp.name", "Name of the object in the response.", "responseObject", "metadata",
	       "name"),
	SIMPLE("ka.response.code", "HTTP status code of the response.", "responseStatus", "code"),
	SIMPLE("ka.response.reason", "Reason of the response status (mostly on failures).",
	       "responseStatus", "reason"),
	SIMPLE("ka.useragent", "User agent of the client.", "userAgent"),
	LIST("ka.sourceips", "Client IP addresses, origin first (index: one address).", F_INDEX,
	     "sourceIPs"),
	ANNOTATION("ka.cluster.name", "Name of the cluster (annotation cluster_name).", "cluster_name"),
	CONTAINER_FIELDS("initContainers", "init container"),
	HOST_PORT("initContainers", "init container"),
	CONTAINER_FIELDS("ephemeralContainers", "ephemeral container"),
};

#define K8SA_NFIELDS (sizeof(k8sa_defs) / sizeof(k8sa_defs[0]))

uint32_t k8sa_fields_count(void)
{
	return (uint32_t)K8SA_NFIELDS;
}

/* ---- get_fields JSON ---- */

static char *fields_json;
static pthread_once_t fields_once = PTHREAD_ONCE_INIT;

static size_t put_json_str(char *out, const char *s)
{
	size_t o = 0;
	out[o++] = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o++] = '"';
	return o;
}

static size_t put_raw(char *out, const char *s)
{
	size_t n = strlen(s);
	memcpy(out, s, n);
	return n;
}

static void build_fields_json(void)
{
	size_t cap = 3;
	for (size_t i = 0; i < K8SA_NFIELDS; i++)
		cap += 2 * (strlen(k8sa_defs[i].name) + strlen(k8sa_defs[i].desc)) + 160;
	char *b = malloc(cap);
	if (!b)
		return;
	size_t o = put_raw(b, "[");
	for (size_t i = 0; i < K8SA_NFIELDS; i++) {
		const k8sa_field *f = &k8sa_defs[i];
		o += put_raw(b + o, i ? ",{\"type\":\"string\",\"name\":" : "{\"type\":\"string\",\"name\":");
		o += put_json_str(b + o, f->name);
		o += put_raw(b + o, ",\"desc\":");
		o += put_json_str(b + o, f->desc);
		if (f->flags & F_LIST)
			o += put_raw(b + o, ",\"isList\":true");
		if (f->flags & F_INDEX)
			o += put_raw(b + o, ",\"arg\":{\"isIndex\":true,\"isRequired\":false}");
		if (f->flags & F_KEY)
			o += put_raw(b + o, ",\"arg\":{\"isKey\":true,\"isRequired\":true}");
		o += put_raw(b + o, "}");
	}
	o += put_raw(b + o, "]");
	b[o] = '\0';
	fields_json = b;
}

/* The plugin can be dlclose'd and loaded again: give the buffer back on unload. */
__attribute__((destructor)) static void free_fields_json(void)
{
	free(fields_json);
	fields_json = NULL;
}

const char *k8sa_fields_json(void)
{
	pthread_once(&fields_once, build_fields_json);
	return fields_json ? fields_json : "[]";
}

/* ---- extraction ---- */

void k8sa_extractor_init(k8sa_extractor *x)
{
	memset(x, 0, sizeof(*x));
	jcache_init(&x->cache);
	jstore_init(&x->store);
}

void k8sa_extractor_free(k8sa_extractor *x)
{
	jcache_free(&x->cache);
	jstore_free(&x->store);
	free(x->vals);
	free(x->off_start);
	free(x->off_len);
	memset(x, 0, sizeof(*x));
}

static bool reserve_offsets(k8sa_extractor *x, uint32_t n)
{
	if (n <= x->off_cap)
		return true;
	uint32_t *s = realloc(x->off_start, n * sizeof(*s));
	if (!s)
		return false;
	x->off_start = s;
	uint32_t *l = realloc(x->off_len, n * sizeof(*l));
	if (!l)
		return false;
	x->off_len = l;
	x->off_cap = n;
	return true;
}

/* Runs one field; false when memory ran out. */
static bool extract_one(k8sa_extractor *x, const jdoc *d, ss_plugin_extract_field *f,
			int *offset_tok)
{
	const k8sa_field *def = &k8sa_defs[f->field_id];
	k8sa_ctx c = {.x = x, .d = d, .ev = 0, .arg = f, .offset_tok = -1};
	x->nvals = 0;
	def->fn(&c, def);
	if (c.oom)
		return false;
	*offset_tok = c.offset_tok;
	if (x->nvals == 0)
		return true;
	if (!(def->flags & F_LIST))
		x->nvals = 1;
	const char **vals = jstore_alloc(&x->store, x->nvals * sizeof(*vals));
	if (!vals)
		return false;
	memcpy(vals, x->vals, x->nvals * sizeof(*vals));
	f->res.str = vals;
	f->res_len = x->nvals;
	return true;
}

ss_plugin_rc k8sa_extract(k8sa_extractor *x, const ss_plugin_event_input *ev,
			  const ss_plugin_field_extract_input *in, char *err, size_t errlen)
{
	jstore_reset(&x->store);
	for (uint32_t i = 0; i < in->num_fields; i++)
		in->fields[i].res_len = 0;
	ss_plugin_extract_value_offsets *offs = in->value_offsets;
	if (offs) {
		if (!reserve_offsets(x, in->num_fields)) {
			snprintf(err, errlen, "k8saudit: out of memory");
			return SS_PLUGIN_FAILURE;
		}
		memset(x->off_start, 0, in->num_fields * sizeof(*x->off_start));
		memset(x->off_len, 0, in->num_fields * sizeof(*x->off_len));
		offs->start = x->off_start;
		offs->length = x->off_len;
	}
	jdoc_error je;
	const jdoc *d = jcache_get(&x->cache, ev, &je);
	if (!d) {
		snprintf(err, errlen, "k8saudit: event %llu: %s at byte %zu",
			 (unsigned long long)(ev ? ev->evtnum : 0), je.reason, je.offset);
		return SS_PLUGIN_FAILURE;
	}
	/* Without an auditID this is not an audit event: no field has a value. */
	if (jdoc_getc(d, 0, "auditID") < 0)
		return SS_PLUGIN_SUCCESS;
	uint32_t payload_at = (uint32_t)(d->text - (const char *)ev->evt);
	for (uint32_t i = 0; i < in->num_fields; i++) {
		ss_plugin_extract_field *f = &in->fields[i];
		if (f->field_id >= K8SA_NFIELDS) {
			snprintf(err, errlen, "k8saudit: unknown field id %u", f->field_id);
			return SS_PLUGIN_FAILURE;
		}
		int t;
		if (!extract_one(x, d, f, &t)) {
			snprintf(err, errlen, "k8saudit: out of memory extracting %s",
				 k8sa_defs[f->field_id].name);
			return SS_PLUGIN_FAILURE;
		}
		if (offs && f->res_len && t >= 0) {
			x->off_start[i] = payload_at + (uint32_t)d->tok[t].start;
			x->off_len[i] = (uint32_t)(d->tok[t].end - d->tok[t].start);
		}
	}
	return SS_PLUGIN_SUCCESS;
}
