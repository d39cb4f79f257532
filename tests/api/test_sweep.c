/*
 * A sweep over the whole route table (linked in from src/http/routes.c), so a
 * new route is covered the day it is added: anonymous calls to non-public
 * routes are 401; every route with a JSON body refuses malformed JSON, a
 * non-object, invalid UTF-8, too-deep nesting, unknown members and the wrong
 * Content-Type with a problem+json answer; every id in a path and every
 * unknown query parameter is checked; and none of it changes stored data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/route.h"
#include "lib/apitest.h"
#include "lib/demo.h"
#include "policy/roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yz_test_server srv;
static struct yzt_client sessions[YZ_ROLE__COUNT];

/* One demo login per role (staff log in once: a TOTP code works once). */
static const char *const demo_login[YZ_ROLE__COUNT] = {
    [YZ_ROLE_PARTY] = "13800000001",       [YZ_ROLE_LAWYER] = "13800000004",
    [YZ_ROLE_MEDIATOR] = "13800000005",    [YZ_ROLE_ORG_ADMIN] = "13800000006",
    [YZ_ROLE_FILING_CLERK] = "filing_clerk", [YZ_ROLE_TRIAGE_OFFICER] = "triage_officer",
    [YZ_ROLE_JUDGE] = "judge",             [YZ_ROLE_ASSISTANT] = "assistant",
    [YZ_ROLE_CLERK] = "clerk",             [YZ_ROLE_SERVICE_OFFICER] = "service_officer",
    [YZ_ROLE_PETITION_OFFICER] = "petition_officer", [YZ_ROLE_HOTLINE_AGENT] = "hotline_agent",
    [YZ_ROLE_COURT_ADMIN] = "court_admin", [YZ_ROLE_SUPERVISOR] = "supervisor",
};

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

/* A client allowed past the route's auth policy (NULL: anonymous is enough). */
static struct yzt_client *caller_for(const struct yz_route *r)
{
    if (r->auth == YZ_AUTH_PUBLIC)
        return NULL;
    int role = YZ_ROLE_PARTY;
    if (r->auth == YZ_AUTH_ROLES)
        for (role = 0; role < YZ_ROLE__COUNT && !(r->roles & (1u << role)); role++)
            ;
    assert_true(role < YZ_ROLE__COUNT);
    struct yzt_client *c = &sessions[role];
    if (!c->srv) {
        c->srv = &srv;
        yzt_demo_login(c, demo_login[role]);
    }
    return c;
}

/* The path with every {param} replaced by value. */
static void concrete_path(const char *pattern, const char *value, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 1 < size;) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            for (const char *v = value; *v && o + 1 < size; v++)
                out[o++] = *v;
            p = end ? end + 1 : p + strlen(p);
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

static const char *const SKIP[] = {"events", "chain_head", "checkpoints", "sessions",
                                   "login_throttle", NULL};

static void expect_problem(struct yzt_client *c, const struct yz_route *r, const char *path,
                           const char *body, size_t len, const char *content_type, long status,
                           const char *code)
{
    char ct[96];
    snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
    const char *const headers[] = {ct, "Idempotency-Key: sweep-key-0001", NULL};
    struct yzt_client anon = {.srv = &srv};
    struct yzt_response resp = {0};
    yzt_request_raw(c ? c : &anon, yz_method_name(r->method), path, body, len, headers, &resp);
    const char *got = resp.json ? json_string_value(json_object_get(resp.json, "code")) : NULL;
    if (resp.status != status || !got || strcmp(got, code) != 0)
        print_error("route %s %s: body [%.*s] gave %ld %s\n", r->name, path, (int)(len > 60 ? 60 : len),
                    body, resp.status, resp.body ? resp.body : "");
    yzt_assert_problem(&resp, status, code);
    yzt_response_free(&resp);
}

static void every_route_refuses_bad_input_and_stores_nothing(void **state)
{
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    char before[65], after[65];
    /* Log everyone in first so the snapshot below is taken after the logins. */
    for (size_t i = 0; i < n; i++)
        caller_for(&routes[i]);
    yzt_db_snapshot_hash_except(&srv, SKIP, before);
    char deep[200];
    memset(deep, '[', 40);
    memset(deep + 40, ']', 40);
    deep[80] = '\0';
    int checked = 0;
    for (size_t i = 0; i < n; i++) {
        const struct yz_route *r = &routes[i];
        struct yzt_client *c = caller_for(r);
        char path[256];
        concrete_path(r->pattern, "1", path, sizeof path);

        if (r->auth != YZ_AUTH_PUBLIC)
            expect_problem(NULL, r, path, NULL, 0, "application/json", 401, "unauthenticated");
        if (r->body) {
            expect_problem(c, r, path, "{\"a\":", 5, "application/json", 400, "malformed_json");
            expect_problem(c, r, path, "[]", 2, "application/json", 400, "malformed_json");
            expect_problem(c, r, path, "{\"a\":\"\xff\xfe\"}", 10, "application/json", 400,
                           "invalid_utf8");
            expect_problem(c, r, path, deep, strlen(deep), "application/json", 400,
                           "json_too_deep");
            expect_problem(c, r, path, "{\"zz_unknown\":1}", 16, "application/json", 400,
                           "validation_failed");
            expect_problem(c, r, path, "a=1", 3, "application/x-www-form-urlencoded", 415,
                           "unsupported_media_type");
            checked++;
        }
        for (const struct yz_field_spec *p = r->params; p && p->name; p++) {
            char marker[64];
            snprintf(marker, sizeof marker, "{%s}", p->name);
            if (p->type == YZ_V_ID && strstr(r->pattern, marker)) {
                char bad[256];
                concrete_path(r->pattern, "abc", bad, sizeof bad);
                expect_problem(c, r, bad, NULL, 0, "application/json", 400, "validation_failed");
                concrete_path(r->pattern, "0", bad, sizeof bad);
                expect_problem(c, r, bad, NULL, 0, "application/json", 400, "validation_failed");
            }
        }
        if (r->method == YZ_GET) {
            char q[300];
            snprintf(q, sizeof q, "%s?zz_unknown=1", path);
            expect_problem(c, r, q, NULL, 0, "application/json", 400, "validation_failed");
        }
    }
    assert_true(checked >= 5);
    yzt_db_snapshot_hash_except(&srv, SKIP, after);
    assert_string_equal(before, after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_route_refuses_bad_input_and_stores_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
