/*
 * End-to-end tests of input rejection: malformed, mistyped, oversized and
 * unexpected input on every route with a body or parameters answers a 4xx
 * problem with the stable code (and, for validation, an errors entry naming
 * the field), and stores nothing: the database snapshot hash is the same
 * before and after each rejected request. The server runs with
 * server.max_body_bytes=4096 so the body limit is cheap to cross.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_PASSWORD "Yizhan-Demo-2026"
#define MAX_BODY 4096

/* Denials of signed-in callers go to the security stream; that is not "storing" input. */
static const char *const SKIP_AUDIT[] = {"events", "chain_head", "checkpoints", "login_throttle",
                                         NULL};

static int setup(void **state)
{
    static struct yz_test_server srv;
    static const char *const set[] = {"server.max_body_bytes=4096", NULL};
    yzt_server_start(&srv, true, set);
    *state = &srv;
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(*state);
    return 0;
}

/*
 * Sends one request and asserts a problem with status and code (and field,
 * when not NULL), with the database unchanged. Frees r afterwards.
 */
static void reject_at(int line, struct yzt_client *c, const char *method, const char *path,
                      const void *body, size_t len, const char *const *headers, long status,
                      const char *code, const char *field)
{
    struct yzt_response r = {0};
    char before[65], after[65];
    yzt_db_snapshot_hash_except(c->srv, SKIP_AUDIT, before);
    if (body)
        yzt_request_raw(c, method, path, body, len, headers, &r);
    else
        yzt_request(c, method, path, NULL, headers, &r);
    if (r.status != status)
        print_error("test_input.c:%d: %s\n", line, r.what);
    yzt_assert_problem(&r, status, code);
    if (field)
        yzt_assert_field_error(&r, field);
    yzt_db_snapshot_hash_except(c->srv, SKIP_AUDIT, after);
    if (strcmp(before, after) != 0)
        print_error("test_input.c:%d: %s changed the database\n", line, r.what);
    assert_string_equal(before, after);
    yzt_response_free(&r);
}
#define REJECT_JSON(c, m, p, json, hdrs, st, code, field)                                          \
    reject_at(__LINE__, (c), (m), (p), (json), strlen(json), (hdrs), (st), (code), (field))
#define REJECT_NOBODY(c, m, p, st, code) reject_at(__LINE__, (c), (m), (p), NULL, 0, NULL, (st), (code), NULL)

static void with_key(char hdr[64])
{
    char key[40];
    yzt_idem_key(key);
    snprintf(hdr, 64, "Idempotency-Key: %s", key);
}

static void malformed_bodies(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s};
    yzt_login(&a, "13800000001", DEMO_PASSWORD, NULL);
    char hdr[64];
    with_key(hdr);
    const char *const h[] = {hdr, NULL};
    const char *M = "/api/v1/matters";

    REJECT_JSON(&a, "POST", M, "{\"kind\":", h, 400, "malformed_json", NULL);
    REJECT_JSON(&a, "POST", M, "[]", h, 400, "malformed_json", NULL);
    static const char bad_utf8[] = "{\"kind\":\"inquiry\",\"court_id\":1,\"title\":\"\xff\xfe\","
                                   "\"fields\":{}}";
    REJECT_JSON(&a, "POST", M, bad_utf8, h, 400, "invalid_utf8", NULL);

    /* 40 levels of nesting inside "fields". */
    char deep[256] = "{\"kind\":\"inquiry\",\"court_id\":1,\"title\":\"t\",\"fields\":";
    for (int i = 0; i < 40; i++)
        strncat(deep, "[", sizeof deep - strlen(deep) - 1);
    for (int i = 0; i < 40; i++)
        strncat(deep, "]", sizeof deep - strlen(deep) - 1);
    strncat(deep, "}", sizeof deep - strlen(deep) - 1);
    REJECT_JSON(&a, "POST", M, deep, h, 400, "json_too_deep", NULL);

    char *big = malloc(MAX_BODY + 512);
    int n = snprintf(big, MAX_BODY + 512, "{\"kind\":\"inquiry\",\"court_id\":1,\"title\":\"");
    memset(big + n, 'a', MAX_BODY);
    snprintf(big + n + MAX_BODY, 512 - (size_t)n, "\",\"fields\":{}}");
    REJECT_JSON(&a, "POST", M, big, h, 413, "payload_too_large", NULL);
    free(big);

    const char *const xml[] = {hdr, "Content-Type: text/xml", NULL};
    REJECT_JSON(&a, "POST", M, "<matter/>", xml, 415, "unsupported_media_type", NULL);
    const char *const form[] = {hdr, "Content-Type: application/x-www-form-urlencoded", NULL};
    REJECT_JSON(&a, "POST", M, "kind=inquiry", form, 415, "unsupported_media_type", NULL);
}

static void matter_validation(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s};
    yzt_login(&a, "13800000001", DEMO_PASSWORD, NULL);
    char hdr[64];
    with_key(hdr);
    const char *const h[] = {hdr, NULL};
    const char *M = "/api/v1/matters";

    REJECT_JSON(&a, "POST", M, "{\"court_id\":1,\"title\":\"t\",\"fields\":{}}", h, 400,
                "validation_failed", "kind");
    REJECT_JSON(&a, "POST", M, "{\"kind\":\"inquiry\",\"court_id\":\"1\",\"title\":\"t\",\"fields\":{}}",
                h, 400, "validation_failed", "court_id");
    REJECT_JSON(&a, "POST", M, "{\"kind\":\"inquiry\",\"court_id\":1,\"title\":7,\"fields\":{}}", h,
                400, "validation_failed", "title");
    REJECT_JSON(&a, "POST", M, "{\"kind\":\"inquiry\",\"court_id\":1,\"title\":\"t\",\"fields\":[]}",
                h, 400, "validation_failed", "fields");
    REJECT_JSON(&a, "POST", M,
                "{\"kind\":\"inquiry\",\"court_id\":1,\"title\":\"t\",\"fields\":{},\"extra\":1}", h,
                400, "validation_failed", "extra");
    char longtitle[1024];
    int n = snprintf(longtitle, sizeof longtitle, "{\"kind\":\"inquiry\",\"court_id\":1,\"title\":\"");
    memset(longtitle + n, 'x', 201);
    snprintf(longtitle + n + 201, sizeof longtitle - (size_t)n - 201, "\",\"fields\":{}}");
    REJECT_JSON(&a, "POST", M, longtitle, h, 400, "validation_failed", "title");

    REJECT_JSON(&a, "POST", "/api/v1/matters/1/events", "{\"fields\":{}}", h, 400,
                "validation_failed", "event");
    REJECT_JSON(&a, "POST", "/api/v1/matters/1/events", "{\"event\":\"answer\",\"version\":0}", h,
                400, "validation_failed", "version");
}

static void params_and_ids(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s};
    yzt_login(&a, "13800000001", DEMO_PASSWORD, NULL);

    const char *const bad_ids[] = {"abc", "0", "-1", "007", "1.5", "99999999999999999999", NULL};
    const char *const pre[] = {"/api/v1/matters/", "/api/v1/matters/", "/api/v1/courts/", NULL};
    const char *const suf[] = {"", "/events", ""};
    for (int f = 0; pre[f]; f++) {
        for (int i = 0; bad_ids[i]; i++) {
            char path[128];
            snprintf(path, sizeof path, "%s%s%s", pre[f], bad_ids[i], suf[f]);
            struct yzt_response r = {0};
            yzt_request(&a, "GET", path, NULL, NULL, &r);
            if (r.status != 400)
                print_error("%s: %ld\n", path, r.status);
            yzt_assert_problem(&r, 400, "validation_failed");
            yzt_assert_field_error(&r, "path/id");
            yzt_response_free(&r);
        }
    }
    REJECT_NOBODY(&a, "GET", "/api/v1/matters?colour=red", 400, "validation_failed");
    REJECT_NOBODY(&a, "GET", "/api/v1/matters?limit=0", 400, "validation_failed");
    REJECT_NOBODY(&a, "GET", "/api/v1/matters?limit=abc", 400, "validation_failed");
    REJECT_NOBODY(&a, "GET", "/api/v1/matters/1/events?after=-1", 400, "validation_failed");
    REJECT_NOBODY(&a, "GET", "/api/v1/deadline?nope=1", 400, "validation_failed");

    size_t n = 8192;
    char *uri = malloc(n + 32);
    memcpy(uri, "/api/v1/matters?kind=", 21);
    memset(uri + 21, 'a', n);
    uri[21 + n] = '\0';
    REJECT_NOBODY(&a, "GET", uri, 414, "uri_too_long");
    free(uri);

    /* Headers past server.max_header_bytes (16 KiB by default): 431. */
    size_t hn = 20000;
    char *big = malloc(hn + 16);
    memcpy(big, "X-Padding: ", 11);
    memset(big + 11, 'a', hn);
    big[11 + hn] = '\0';
    const char *const big_headers[] = {big, NULL};
    reject_at(__LINE__, &a, "GET", "/api/v1/me", NULL, 0, big_headers, 431, "headers_too_large",
              NULL);
    free(big);
}

static void registration(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client anon = {.srv = s};
    char hdr[64];
    with_key(hdr);
    const char *const h[] = {hdr, NULL};
    const char *R = "/api/v1/accounts";
#define REG(extra) "{\"role\":\"party\",\"person_kind\":\"natural\",\"name\":\"王小明\"," extra "}"

    /* 500103199001011232 is valid (demo); the last digit changed breaks the checksum. */
    struct yzt_response r = {0};
    char before[65], after[65];
    yzt_db_snapshot_hash(s, before);
    yzt_request(&anon, "POST", R,
                REG("\"phone\":\"13900000001\",\"password\":\"Correct-Horse-Battery-9\","
                    "\"citizen_id\":\"500103199001011233\""),
                h, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "citizen_id", "checksum");
    yzt_db_snapshot_hash(s, after);
    assert_string_equal(before, after);
    yzt_response_free(&r);

    REJECT_JSON(&anon, "POST", R,
                REG("\"phone\":\"12345\",\"password\":\"Correct-Horse-Battery-9\","
                    "\"citizen_id\":\"500103199001011232\""),
                h, 400, "validation_failed", "phone");
    REJECT_JSON(&anon, "POST", R,
                REG("\"phone\":\"13900000001\",\"password\":\"Short-1\","
                    "\"citizen_id\":\"500103199001011232\""),
                h, 400, "validation_failed", "password");
    REJECT_JSON(&anon, "POST", R,
                REG("\"phone\":\"13900000001\",\"password\":\"123456789012\","
                    "\"citizen_id\":\"500103199001011232\""),
                h, 400, "validation_failed", "password");
    REJECT_JSON(&anon, "POST", R, "{\"role\":\"judge\"}", h, 400, "validation_failed", "role");
    REJECT_JSON(&anon, "POST", "/api/v1/session", "{\"login\":\"13800000001\"}", NULL, 400,
                "validation_failed", "password");
    REJECT_JSON(&anon, "POST", "/api/v1/session",
                "{\"login\":\"13800000001\",\"password\":\"x\",\"totp\":\"12ab\"}", NULL, 400,
                "validation_failed", "totp");
#undef REG
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_bodies),
        cmocka_unit_test(matter_validation),
        cmocka_unit_test(params_and_ids),
        cmocka_unit_test(registration),
    };
    return cmocka_run_group_tests_name("input", tests, setup, teardown);
}
