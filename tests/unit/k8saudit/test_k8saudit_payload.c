/* Internals that the ABI tests cannot pin down precisely: timestamps and re-serialization. */
#include <criterion/criterion.h>
#include <string.h>

#include "jdoc.h"
#include "k8sa_config.h"
#include "k8sa_payload.h"
#include "k8sa_webhook.h"

static uint64_t ts(const char *s)
{
	uint64_t v = 0;
	cr_assert(k8sa_parse_rfc3339(s, strlen(s), &v), "%s", s);
	return v;
}

static bool bad_ts(const char *s)
{
	uint64_t v;
	return !k8sa_parse_rfc3339(s, strlen(s), &v);
}

Test(k8saudit_payload, rfc3339)
{
	cr_expect_eq(ts("1970-01-01T00:00:00Z"), 0);
	cr_expect_eq(ts("2024-05-01T10:00:00.012345Z"), 1714557600012345000ull);
	cr_expect_eq(ts("2024-05-01T10:00:00.123456789Z"), 1714557600123456789ull);
	cr_expect_eq(ts("2024-05-01T10:00:00.1234567891Z"), 1714557600123456789ull, "extra digits");
	cr_expect_eq(ts("2024-05-01T12:00:00+02:00"), 1714557600000000000ull);
	cr_expect_eq(ts("2024-05-01T07:30:00-02:30"), 1714557600000000000ull);
	cr_expect_eq(ts("2024-02-29T00:00:00z"), 1709164800000000000ull);
	cr_expect(bad_ts("2023-02-29T00:00:00Z"), "not a leap year");
	cr_expect(bad_ts("2024-05-01 10:00:00Z"));
	cr_expect(bad_ts("2024-05-01T10:00:00"));
	cr_expect(bad_ts("2024-05-01T10:00:00.Z"));
	cr_expect(bad_ts("2024-13-01T10:00:00Z"));
	cr_expect(bad_ts("2024-05-01T24:00:00Z"));
	cr_expect(bad_ts("1969-12-31T23:59:59Z"));
	cr_expect(bad_ts("9999-12-31T23:59:59Z"), "beyond uint64 ns");
	cr_expect(bad_ts(""));
}

static const char *compact(jdoc *d, const char *json, char *out)
{
	jdoc_error e;
	cr_assert(jdoc_parse(d, json, strlen(json), 0, &e), "%s: %s", json, e.reason);
	size_t n = k8sa_payload_compact_len(d, 0);
	cr_assert_eq(k8sa_payload_compact(d, 0, out), n);
	out[n] = '\0';
	return out;
}

Test(k8saudit_payload, compact_reserialization)
{
	jdoc d;
	jdoc_init(&d);
	char out[256];
	cr_expect_str_eq(compact(&d, " { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : \"x y\\\" z\" } ", out),
			 "{\"a\":[1,2],\"b\":\"x y\\\" z\"}");
	cr_expect_str_eq(compact(&d, "[\"\xff\", \"\xe2\x82\"]", out),
			 "[\"\xef\xbf\xbd\",\"\xef\xbf\xbd\xef\xbf\xbd\"]");
	cr_expect_str_eq(compact(&d, "[\"\xed\xa0\x80\", \"\xf0\x9f\x98\x80\"]", out),
			 "[\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",\"\xf0\x9f\x98\x80\"]",
			 "surrogates refused, 4-byte sequences kept");
	jdoc_free(&d);
}

Test(k8saudit_payload, validator_refuses_what_jsmn_accepts)
{
	const char *bad[] = {"{\"a\" \"b\"}", "[1 2]", "{\"a\":1,}", "[1,]", "{} {}", "[tru]",
			     "{\"a\":01}", "[\"a\tb\"]", "{1:2}", "[\"\\x\"]", "{\"a\":1}garbage",
			     "[-]", "[1.]", "[1e]", "{\"a\"}", "[\"\\u12\"]", ",", "[,1]"};
	jdoc d;
	jdoc_init(&d);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		jdoc_error e;
		cr_expect_not(jdoc_parse(&d, bad[i], strlen(bad[i]), 0, &e), "accepted: %s", bad[i]);
	}
	const char *good[] = {"{}", "[]", " [ -0.5e+3 , true , false , null , \"\\u00e9\" ] ",
			      "{\"a\":{\"b\":[{}]}}"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		jdoc_error e;
		cr_expect(jdoc_parse(&d, good[i], strlen(good[i]), 0, &e), "refused: %s (%s)", good[i],
			  e.reason);
	}
	jdoc_free(&d);
}

static k8sa_url url(const char *s)
{
	k8sa_url u;
	char err[256];
	cr_assert(k8sa_url_parse(s, &u, err, sizeof(err)), "%s: %s", s, err);
	return u;
}

Test(k8saudit_payload, open_params_urls)
{
	k8sa_url u = url("http://:9765/k8s-audit");
	cr_expect(!u.tls);
	cr_expect_str_eq(u.host, "");
	cr_expect_eq(u.port, 9765);
	cr_expect_str_eq(u.path, "/k8s-audit");
	u = url("https://[::1]:443/a/b?x");
	cr_expect(u.tls);
	cr_expect_str_eq(u.host, "::1");
	cr_expect_eq(u.port, 443);
	cr_expect_str_eq(u.path, "/a/b?x");
	u = url("http://audit.example.com:0");
	cr_expect_str_eq(u.host, "audit.example.com");
	cr_expect_str_eq(u.path, "/");
	const char *bad[] = {"http://host/x", "http://host:/x", "http://host:65536/x", "http://host:12a/x",
			     "http://[::1/x", "http://[::1]/x", "tcp://host:1/x", "http:/host:1/x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		k8sa_url v;
		char err[256] = "";
		cr_expect_not(k8sa_url_parse(bad[i], &v, err, sizeof(err)), "accepted %s", bad[i]);
		cr_expect_neq(err[0], '\0');
	}
}

Test(k8saudit_payload, config_validation)
{
	k8sa_config c;
	char err[512];
	cr_assert(k8sa_config_parse(NULL, &c, err, sizeof(err)));
	cr_expect_eq(c.max_event_size, 262144);
	cr_expect_eq(c.max_batch_size, 12582912);
	cr_expect_str_eq(c.ssl_certificate, "/etc/falco/falco.pem");
	k8sa_config_free(&c);
	cr_assert(k8sa_config_parse(" {\"maxEventSize\":1000,\"useAsync\":false,\"sslKey\":\"/k\"} ", &c,
				    err, sizeof(err)), "%s", err);
	cr_expect_eq(c.max_event_size, 1000);
	cr_expect_not(c.use_async);
	cr_expect_str_eq(c.ssl_key, "/k");
	k8sa_config_free(&c);
	const struct {
		const char *json, *msg;
	} bad[] = {{"{\"maxEventSize\":0}", "maxEventSize"},
		   {"{\"maxEventSize\":1.5}", "maxEventSize"},
		   {"{\"webhookMaxBatchSize\":99999999999999999999}", "webhookMaxBatchSize"},
		   {"{\"useAsync\":\"yes\"}", "useAsync"},
		   {"{\"sslCertificate\":1}", "sslCertificate"},
		   {"{\"maxEventSise\":1}", "unknown key 'maxEventSise'"},
		   {"[1]", "JSON object"},
		   {"{\"a\":", "invalid JSON"}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_not(k8sa_config_parse(bad[i].json, &c, err, sizeof(err)), "%s", bad[i].json);
		cr_expect(strstr(err, bad[i].msg) != NULL, "%s: %s", bad[i].json, err);
		k8sa_config_free(&c);
	}
}
