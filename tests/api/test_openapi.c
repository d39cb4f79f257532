/*
 * End-to-end tests of the served OpenAPI document against the route table
 * linked into this test (yz_routes(): the same table the server routes from,
 * so nothing is hard-coded here), of /healthz and /metrics, and of the
 * security headers every API answer carries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "http/route.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *method_key(enum yz_method m)
{
    switch (m) {
    case YZ_GET: return "get";
    case YZ_POST: return "post";
    case YZ_PUT: return "put";
    case YZ_PATCH: return "patch";
    case YZ_DELETE: return "delete";
    }
    return "?";
}

static void every_route_documented(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client c = {.srv = s};
    struct yzt_response r = {0};
    yzt_request(&c, "GET", "/api/v1/openapi.json", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_non_null(r.json);
    const char *version = json_string_value(json_object_get(r.json, "openapi"));
    assert_non_null(version);
    assert_memory_equal(version, "3.1", 3);
    json_t *paths = json_object_get(r.json, "paths");
    assert_true(json_is_object(paths));

    size_t n = 0;
    const struct yz_route *routes = yz_routes(&n);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_object_get(paths, routes[i].pattern);
        json_t *op = item ? json_object_get(item, method_key(routes[i].method)) : NULL;
        if (!json_is_object(op))
            print_error("route %s (%s %s) missing from openapi.json\n", routes[i].name,
                        method_key(routes[i].method), routes[i].pattern);
        assert_true(json_is_object(op));
    }
    /* And nothing undocumented-by-the-table is served as a path. */
    size_t ops = 0;
    const char *k;
    json_t *v;
    json_object_foreach(paths, k, v) {
        const char *mk;
        json_t *mv;
        json_object_foreach(v, mk, mv) {
            if (strcmp(mk, "get") == 0 || strcmp(mk, "post") == 0 || strcmp(mk, "put") == 0 ||
                strcmp(mk, "patch") == 0 || strcmp(mk, "delete") == 0)
                ops++;
        }
    }
    assert_int_equal(ops, n);
    yzt_response_free(&r);
}

static void health_and_metrics(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client c = {.srv = s};
    struct yzt_response r = {0};
    yzt_request(&c, "GET", "/healthz", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_request(&c, "GET", "/metrics", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_non_null(strstr(r.body, "yizhan_http_requests_total"));
    assert_null(r.json);
    yzt_response_free(&r);
}

static void assert_security_headers(struct yzt_response *r)
{
    char v[512];
    assert_true(yzt_header(r, "X-Content-Type-Options", v, sizeof v));
    assert_string_equal(v, "nosniff");
    assert_true(yzt_header(r, "Cache-Control", v, sizeof v));
    assert_non_null(strstr(v, "no-store"));
    assert_true(yzt_header(r, "Content-Security-Policy", v, sizeof v));
    assert_true(v[0] != '\0');
    assert_true(yzt_header(r, "X-Request-Id", v, sizeof v));
    assert_true(v[0] != '\0');
    assert_string_equal(v, r->request_id);
}

static void security_headers(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client c = {.srv = s};
    struct yzt_response r = {0};
    const char *const ok_paths[] = {"/api/v1/courts", "/api/v1/openapi.json", NULL};
    for (int i = 0; ok_paths[i]; i++) {
        yzt_request(&c, "GET", ok_paths[i], NULL, NULL, &r);
        yzt_assert_status(&r, 200);
        assert_security_headers(&r);
    }
    const char *const problem_paths[] = {"/api/v1/me", "/api/v1/nope", "/api/v1/courts/abc", NULL};
    for (int i = 0; problem_paths[i]; i++) {
        yzt_request(&c, "GET", problem_paths[i], NULL, NULL, &r);
        assert_in_range(r.status, 400, 499);
        assert_security_headers(&r);
        assert_string_equal(yzt_json_str(&r, "request_id"), r.request_id);
    }
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_route_documented),
        cmocka_unit_test(health_and_metrics),
        cmocka_unit_test(security_headers),
    };
    return cmocka_run_group_tests_name("openapi", tests, yzt_setup_server, yzt_teardown_server);
}
