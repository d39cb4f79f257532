/*
 * Authentication end to end: lockout after repeated failures behaves the same
 * for known and unknown accounts (no enumeration), staff need a TOTP code that
 * works once, cookies carry HttpOnly and SameSite=Strict, cookie sessions need
 * the CSRF token on state changes while bearer sessions do not, a new login
 * rotates the session, and the own-data view needs the password again and is
 * recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct yz_test_server srv;

static int setup(void **state)
{
    yzt_global_setup(state);
    /* A short lockout so the test can see it both start and end. */
    const char *const set[] = {"login.lockout_base_s=1", NULL};
    yzt_server_start(&srv, true, set);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

static void login_raw(struct yzt_client *c, const char *login, const char *password,
                      const char *totp, struct yzt_response *r)
{
    json_t *body = json_pack("{s:s, s:s}", "login", login, "password", password);
    if (totp)
        json_object_set_new(body, "totp", json_string(totp));
    yzt_request_json(c, "POST", "/api/v1/session", body, NULL, r);
}

/* RULE: login-lockout — ASVS 2.2.1; identical for unknown accounts (no enumeration). */
static void lockout_is_the_same_for_known_and_unknown_accounts(void **state)
{
    const char *logins[] = {"13800000003", "13900000009"}; /* known, unknown */
    char bodies[2][512];
    for (int k = 0; k < 2; k++) {
        struct yzt_client c = {.srv = &srv};
        struct yzt_response r = {0};
        for (int i = 0; i < 5; i++) {
            login_raw(&c, logins[k], "wrong-password-123", NULL, &r);
            yzt_assert_problem(&r, 401, "login_failed");
        }
        login_raw(&c, logins[k], "wrong-password-123", NULL, &r);
        yzt_assert_problem(&r, 429, "account_locked");
        /* While locked even the right password is refused. */
        login_raw(&c, logins[k], YZT_DEMO_PASSWORD, NULL, &r);
        yzt_assert_problem(&r, 429, "account_locked");
        json_t *copy = json_deep_copy(r.json);
        json_object_del(copy, "request_id");
        json_object_del(copy, "instance");
        char *text = json_dumps(copy, JSON_SORT_KEYS | JSON_COMPACT);
        snprintf(bodies[k], sizeof bodies[k], "%s", text);
        free(text);
        json_decref(copy);
        yzt_response_free(&r);
    }
    assert_string_equal(bodies[0], bodies[1]);
    /* After the lockout (1 s, doubled once) the right password works again. */
    sleep(3);
    struct yzt_client c = {.srv = &srv};
    struct yzt_response r = {0};
    login_raw(&c, logins[0], YZT_DEMO_PASSWORD, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    assert_true(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'login.failed'") >= 10);
}

static void staff_need_a_totp_code_that_works_once(void **state)
{
    struct yzt_client c = {.srv = &srv}, d = {.srv = &srv};
    struct yzt_response r = {0};
    login_raw(&c, "judge", YZT_DEMO_PASSWORD, NULL, &r);
    yzt_assert_problem(&r, 401, "totp_required");
    login_raw(&c, "judge", YZT_DEMO_PASSWORD, "000000", &r);
    assert_int_equal(r.status, 401);
    yzt_response_free(&r);
    char code[64];
    const char *data = getenv("YZ_DATA") ? getenv("YZ_DATA") : "data";
    const char *const args[] = {"user", "code", "judge", "--dir", srv.dir, "--data", data, NULL};
    assert_int_equal(yzt_run_cli(args, code, sizeof code), 0);
    code[strcspn(code, "\r\n")] = '\0';
    login_raw(&c, "judge", YZT_DEMO_PASSWORD, code, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "user.role"), "judge");
    yzt_response_free(&r);
    /* The same code again is a replay. */
    login_raw(&d, "judge", YZT_DEMO_PASSWORD, code, &r);
    yzt_assert_problem(&r, 401, "login_failed");
    yzt_response_free(&r);
}

static void cookies_csrf_bearer_and_rotation(void **state)
{
    struct yzt_client c = {.srv = &srv};
    struct yzt_response r = {0};
    login_raw(&c, "13800000001", YZT_DEMO_PASSWORD, NULL, &r);
    yzt_assert_status(&r, 200);
    char cookie[600];
    assert_true(yzt_header(&r, "Set-Cookie", cookie, sizeof cookie));
    assert_non_null(strstr(cookie, "HttpOnly"));
    assert_non_null(strstr(cookie, "SameSite=Strict"));
    assert_non_null(strstr(cookie, "Path=/"));
    assert_false(yzt_json_has(&r, "token")); /* a cookie session never shows its token */
    char login_csrf[80];
    snprintf(login_csrf, sizeof login_csrf, "%s", yzt_json_str(&r, "csrf_token"));
    yzt_response_free(&r);

    /* A reloaded browser tab gets the session's CSRF token back from /me (the
     * UI keeps it in memory only); never the session token. */
    yzt_request(&c, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "csrf_token"), login_csrf);
    assert_false(yzt_json_has(&r, "token"));
    yzt_response_free(&r);

    /* A state change without the CSRF token is refused and changes nothing. */
    int64_t before = yzt_db_count(&srv, "SELECT count(*) FROM matters");
    const char *const no_csrf[] = {"X-CSRF-Token:", "Idempotency-Key: csrf-test-0001", NULL};
    yzt_request(&c, "POST", "/api/v1/matters",
                "{\"kind\":\"inquiry\",\"court_id\":1,\"title\":\"t\",\"fields\":{}}", no_csrf, &r);
    yzt_assert_problem(&r, 403, "csrf_failed");
    const char *const bad_origin[] = {"Origin: http://evil.example", "Idempotency-Key: csrf-test-0002",
                                      NULL};
    yzt_request(&c, "POST", "/api/v1/matters",
                "{\"kind\":\"inquiry\",\"court_id\":1,\"title\":\"t\",\"fields\":{}}", bad_origin, &r);
    yzt_assert_problem(&r, 403, "csrf_failed");
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM matters"), before);

    /* A new login from the same browser rotates the session: the old cookie is dead. */
    char old_cookie[512];
    snprintf(old_cookie, sizeof old_cookie, "%s", c.cookie);
    login_raw(&c, "13800000001", YZT_DEMO_PASSWORD, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    assert_string_not_equal(old_cookie, c.cookie);
    struct yzt_client stale = {.srv = &srv};
    snprintf(stale.cookie, sizeof stale.cookie, "%s", old_cookie);
    yzt_request(&stale, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    yzt_response_free(&r);

    /* Bearer sessions: the token in the body, no cookie, no CSRF needed. */
    struct yzt_client api = {.srv = &srv};
    yzt_request_json(&api, "POST", "/api/v1/session",
                     json_pack("{s:s, s:s, s:s}", "login", "13800000002", "password",
                               YZT_DEMO_PASSWORD, "token_type", "bearer"),
                     NULL, &r);
    yzt_assert_status(&r, 200);
    assert_false(yzt_header(&r, "Set-Cookie", cookie, sizeof cookie));
    snprintf(api.bearer, sizeof api.bearer, "%s", yzt_json_str(&r, "token"));
    yzt_response_free(&r);
    yzt_request(&api, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "phone"), "138****0002");
    assert_false(yzt_json_has(&r, "csrf_token")); /* bearer sessions need none */
    yzt_response_free(&r);
}

/* RULE: unmask-recorded — ASVS 3.7.1 re-authentication, 8.3.5 access recorded. */
static void own_personal_data_needs_the_password_and_is_recorded(void **state)
{
    struct yzt_client c = {.srv = &srv};
    yzt_demo_login(&c, "13800000004");
    struct yzt_response r = {0};
    yzt_request(&c, "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "citizen_id"), "500***********3334");
    yzt_response_free(&r);
    int64_t before =
        yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'personal_data.viewed'");
    yzt_request(&c, "POST", "/api/v1/me/personal-data", "{\"password\":\"not-my-password-1\"}",
                NULL, &r);
    yzt_assert_problem(&r, 403, "reauthentication_required");
    yzt_request(&c, "POST", "/api/v1/me/personal-data", "{\"password\":\"" YZT_DEMO_PASSWORD "\"}",
                NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "citizen_id"), "500103198003033334");
    assert_string_equal(yzt_json_str(&r, "phone"), "13800000004");
    yzt_response_free(&r);
    assert_int_equal(
        yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'personal_data.viewed'"),
        before + 1);
    /* The record says what was viewed, never the values. */
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE payload LIKE "
                                        "'%500103198003033334%'"),
                     0);
}

/* Staff accounts are created by the court admin of their own court only. */
static void court_admin_creates_staff_of_own_court(void **state)
{
    struct yzt_client admin = {.srv = &srv};
    yzt_demo_login(&admin, "court_admin");
    int64_t own = yzt_court_id(&admin, "渝0103"), other = yzt_court_id(&admin, "渝0105");
    struct yzt_response r = {0};
    yzt_post_new(&admin, "/api/v1/staff",
                 json_pack("{s:s, s:s, s:s, s:I, s:s}", "username", "judge_new", "name", "新法官",
                           "role", "judge", "court_id", (json_int_t)own, "password",
                           "New-Judge-Passw0rd"),
                 &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(strlen(yzt_json_str(&r, "totp_secret")), 32);
    assert_non_null(strstr(yzt_json_str(&r, "totp_uri"), "otpauth://totp/"));
    yzt_response_free(&r);
    int64_t users = yzt_db_count(&srv, "SELECT count(*) FROM users");
    yzt_post_new(&admin, "/api/v1/staff",
                 json_pack("{s:s, s:s, s:s, s:I, s:s}", "username", "judge_other", "name", "外院法官",
                           "role", "judge", "court_id", (json_int_t)other, "password",
                           "New-Judge-Passw0rd"),
                 &r);
    yzt_assert_problem(&r, 403, "forbidden");
    /* No default or shared names, no role beyond the court's (supervisor is not offered). */
    yzt_post_new(&admin, "/api/v1/staff",
                 json_pack("{s:s, s:s, s:s, s:I, s:s}", "username", "sup2", "name", "越权",
                           "role", "supervisor", "court_id", (json_int_t)own, "password",
                           "New-Judge-Passw0rd"),
                 &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM users"), users);
    /* The new judge logs in with the password and a code from the secret. */
    struct yzt_client judge = {.srv = &srv};
    char code[64];
    const char *data = getenv("YZ_DATA") ? getenv("YZ_DATA") : "data";
    const char *const args[] = {"user", "code", "judge_new", "--dir", srv.dir, "--data", data, NULL};
    assert_int_equal(yzt_run_cli(args, code, sizeof code), 0);
    code[strcspn(code, "\r\n")] = '\0';
    yzt_login(&judge, "judge_new", "New-Judge-Passw0rd", code);
    yzt_request(&judge, "GET", "/api/v1/me", NULL, NULL, &r);
    assert_string_equal(yzt_json_str(&r, "court_name"), "重庆市渝中区人民法院");
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lockout_is_the_same_for_known_and_unknown_accounts),
        cmocka_unit_test(staff_need_a_totp_code_that_works_once),
        cmocka_unit_test(cookies_csrf_bearer_and_rotation),
        cmocka_unit_test(own_personal_data_needs_the_password_and_is_recorded),
        cmocka_unit_test(court_admin_creates_staff_of_own_court),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
