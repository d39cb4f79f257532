/*
 * Attacks on authentication that test_login.c does not already cover
 * (SECURITY.md T7–T9): password spraying over known and unknown accounts
 * (no success, the same answers for both, lockout after at most 5, every
 * failure recorded, the real user back in once the lockout ends, and failures
 * for unknown accounts in the same timing class as for known ones); CSRF
 * from a second loopback origin against every state-changing route of the
 * table; session fixation with a planted cookie; and idle and absolute
 * expiry, observed by restarting the server on the same data with the
 * (test-build) clock moved forward.
 *
 * The timing-class bound is asserted only in the proof build
 * (tests/proof/proof_auth_attacks.c), where the machine is not shared with a
 * parallel build; `make test` prints it. The figures are the last lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/clock.h"
#include "http/route.h"
#include "lib/apitest.h"
#include "lib/demo.h"
#include "lib/routes.h"
#include "policy/roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef YZT_AUTH_PROOF
#define YZT_AUTH_PROOF 0
#endif

static struct yz_test_server srv;

static struct {
    int spray_attempts, spray_successes, spray_differences, lockout_at_max;
    int failures_recorded, failures;
    double known_ms, unknown_ms;
    int csrf_attempts, csrf_successes;
    int fixation_trials, fixation_failures;
    int expiry_checks, expiry_failures;
} fig;

static int setup(void **state)
{
    yzt_global_setup(state);
    /* A lockout longer than a round of the spraying (6 logins), short enough to wait out. */
    const char *const set[] = {"login.lockout_base_s=5", NULL};
    yzt_server_start(&srv, true, set);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    unsetenv("YZ_TEST_NOW_MS");
    return yzt_global_teardown(state);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void login_raw(struct yzt_client *c, const char *login, const char *password,
                      struct yzt_response *r)
{
    yzt_request_json(c, "POST", "/api/v1/session",
                     json_pack("{s:s, s:s}", "login", login, "password", password), NULL, r);
}

static char *normalised(const struct yzt_response *r)
{
    json_t *copy = json_deep_copy(r->json);
    json_object_del(copy, "request_id");
    json_object_del(copy, "instance");
    char *text = json_dumps(copy, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(copy);
    return text;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* RULE: login-lockout — ASVS 2.2.1; spraying from one address, known and unknown accounts. */
static void password_spraying(void **state)
{
    /* Pairs: a known account and an unknown one, tried in lockstep. */
    static const char *const known[] = {"13800000001", "13800000002", "13800000004"};
    static const char *const unknown[] = {"13900000101", "13900000102", "13900000103"};
    static const char *const passwords[] = {"123456789012", "Password1234", "Yizhan-2026!!",
                                            "Qwerty-123456", "Chongqing2026", "Admin-12345678",
                                            "Court-Pass-001", "Zhangsan-1990"};
    const int npw = YZT_AUTH_PROOF ? (int)(sizeof passwords / sizeof passwords[0]) : 6;
    const int pairs = YZT_AUTH_PROOF ? 3 : 1;
    double tk[3 * 4], tu[3 * 4];
    int nk = 0, nu = 0;
    int64_t recorded0 = yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'login.failed'");
    struct yzt_client c = {.srv = &srv};
    struct yzt_response rk = {0}, ru = {0};
    /* Account pair by account pair, so that the 6th attempt on an account comes well within
     * its lockout even on a loaded machine; within a pair, known and unknown alternate. */
    for (int a = 0; a < pairs; a++) {
        for (int p = 0; p < npw; p++) {
            double t0 = now_ms();
            login_raw(&c, known[a], passwords[p], &rk);
            double t1 = now_ms();
            login_raw(&c, unknown[a], passwords[p], &ru);
            double t2 = now_ms();
            fig.spray_attempts += 2;
            if (rk.status < 300 || ru.status < 300)
                fig.spray_successes++;
            if (rk.status == 401)
                fig.failures++;
            if (ru.status == 401)
                fig.failures++;
            char *bk = normalised(&rk), *bu = normalised(&ru);
            if (rk.status != ru.status || strcmp(bk, bu) != 0) {
                fig.spray_differences++;
                print_error("attempt %d: known %ld %s, unknown %ld %s\n", p + 1, rk.status, bk,
                            ru.status, bu);
            }
            free(bk);
            free(bu);
            /* The 6th attempt: locked, for both. */
            if (p == 5 && (rk.status != 429 || ru.status != 429))
                fig.lockout_at_max++;
            if (p < 4 && rk.status == 401 && ru.status == 401) { /* before any lockout */
                tk[nk++] = t1 - t0;
                tu[nu++] = t2 - t1;
            }
        }
    }
    yzt_response_free(&rk);
    yzt_response_free(&ru);
    fig.failures_recorded =
        (int)(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'login.failed'") -
              recorded0);
    qsort(tk, (size_t)nk, sizeof tk[0], cmp_double);
    qsort(tu, (size_t)nu, sizeof tu[0], cmp_double);
    fig.known_ms = nk ? tk[nk / 2] : 0;
    fig.unknown_ms = nu ? tu[nu / 2] : 0;

    assert_int_equal(fig.spray_successes, 0);
    assert_int_equal(fig.spray_differences, 0);
    assert_int_equal(fig.lockout_at_max, 0);
    assert_true(fig.failures_recorded >= fig.failures);
    if (YZT_AUTH_PROOF) /* the same class: a password hash computed either way */
        assert_true(fig.unknown_ms * 3 >= fig.known_ms && fig.known_ms * 3 >= fig.unknown_ms);

    /* The lockout ends (5 s base, doubled per further failure): the user gets in. */
    struct yzt_client real = {.srv = &srv};
    struct yzt_response r = {0};
    for (int wait = 0; wait < 60; wait++) {
        login_raw(&real, known[0], YZT_DEMO_PASSWORD, &r);
        if (r.status == 200)
            break;
        assert_int_equal(r.status, 429);
        sleep(1);
    }
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

/* One admitted session per role (staff log in once: a TOTP code works once). */
static struct yzt_client sessions[YZ_ROLE__COUNT];
static const char *const demo_login[YZ_ROLE__COUNT] = {
    [YZ_ROLE_PARTY] = "13800000003",       [YZ_ROLE_LAWYER] = "13800000004",
    [YZ_ROLE_MEDIATOR] = "13800000005",    [YZ_ROLE_ORG_ADMIN] = "13800000006",
    [YZ_ROLE_FILING_CLERK] = "filing_clerk", [YZ_ROLE_TRIAGE_OFFICER] = "triage_officer",
    [YZ_ROLE_JUDGE] = "judge",             [YZ_ROLE_ASSISTANT] = "assistant",
    [YZ_ROLE_CLERK] = "clerk",             [YZ_ROLE_SERVICE_OFFICER] = "service_officer",
    [YZ_ROLE_PETITION_OFFICER] = "petition_officer", [YZ_ROLE_HOTLINE_AGENT] = "hotline_agent",
    [YZ_ROLE_COURT_ADMIN] = "court_admin", [YZ_ROLE_SUPERVISOR] = "supervisor",
};

static struct yzt_client *caller_for(const struct yz_route *r)
{
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

/*
 * A page on another loopback port (same site, so SameSite=Strict does not
 * stop the browser from sending the cookie) posts to every state-changing
 * route: without the token, with the token but the foreign Origin, as a form,
 * as text/plain, and with only a foreign Referer. None may change anything.
 */
static void csrf_from_a_second_loopback_origin(void **state)
{
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    char origin[96], referer[128];
    snprintf(origin, sizeof origin, "Origin: http://127.0.0.1:%d", srv.port + 1);
    snprintf(referer, sizeof referer, "Referer: http://127.0.0.1:%d/attack.html", srv.port + 1);
    for (size_t i = 0; i < n; i++) /* log in first: the snapshot comes after */
        if (routes[i].method != YZ_GET && routes[i].auth != YZ_AUTH_PUBLIC)
            caller_for(&routes[i]);
    static const char *const SKIP[] = {"events", "chain_head", "checkpoints", "sessions",
                                       "login_throttle", NULL};
    char before[65], after[65];
    yzt_db_snapshot_hash_except(&srv, SKIP, before);
    for (size_t i = 0; i < n; i++) {
        const struct yz_route *r = &routes[i];
        if (r->method == YZ_GET || r->auth == YZ_AUTH_PUBLIC || (r->flags & YZ_ROUTE_NO_CSRF))
            continue;
        struct yzt_client *c = caller_for(r);
        char path[256];
        yzt_route_path(r, "1", path, sizeof path);
        json_t *jb = r->body ? yzt_route_body(r) : NULL;
        char *body = jb ? json_dumps(jb, JSON_COMPACT) : strdup("");
        json_decref(jb);
        for (int form = 0; form < 5; form++) {
            struct yzt_client attacker = *c; /* the browser sends the cookie along */
            const char *h[5] = {NULL};
            char key[40], idem[64];
            yzt_idem_key(key);
            snprintf(idem, sizeof idem, "Idempotency-Key: %s", key);
            h[0] = idem;
            switch (form) {
            case 0: h[1] = origin; h[2] = "X-CSRF-Token:"; break;
            case 1: h[1] = origin; break; /* a stolen token does not help from elsewhere */
            case 2: h[1] = origin; h[2] = "X-CSRF-Token:";
                    h[3] = "Content-Type: application/x-www-form-urlencoded"; break;
            case 3: h[1] = origin; h[2] = "X-CSRF-Token:"; h[3] = "Content-Type: text/plain"; break;
            case 4: h[1] = referer; h[2] = "X-CSRF-Token:"; break;
            }
            struct yzt_response resp = {0};
            yzt_request_raw(&attacker, yz_method_name(r->method), path, body, strlen(body), h,
                            &resp);
            fig.csrf_attempts++;
            if (resp.status < 400 || resp.status == 401) {
                fig.csrf_successes++;
                print_error("CSRF form %d on %s %s: %ld %.200s\n", form,
                            yz_method_name(r->method), path, resp.status, resp.body);
            } else if (resp.status != 403) {
                fig.csrf_successes++;
                print_error("CSRF form %d on %s %s: %ld (not refused as CSRF) %.200s\n", form,
                            yz_method_name(r->method), path, resp.status, resp.body);
            }
            yzt_response_free(&resp);
        }
        free(body);
    }
    yzt_db_snapshot_hash_except(&srv, SKIP, after);
    assert_string_equal(before, after);
    assert_int_equal(fig.csrf_successes, 0);
    /* The sessions are still alive: the refused logout did not log anyone out. */
    struct yzt_response r = {0};
    yzt_request(&sessions[YZ_ROLE_PARTY], "GET", "/api/v1/me", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

/* A session id planted before login is never the one issued, and never works. */
static void session_fixation(void **state)
{
    for (int t = 0; t < 10; t++) {
        struct yzt_client c = {.srv = &srv};
        char planted[64];
        snprintf(planted, sizeof planted, "planted-by-attacker-%02d-AAAAAAAAAAAAAAAAAAAAAAAA", t);
        snprintf(c.cookie, sizeof c.cookie, "%s", planted);
        yzt_login(&c, "13800000006", YZT_DEMO_PASSWORD, NULL);
        fig.fixation_trials++;
        if (strcmp(c.cookie, planted) == 0)
            fig.fixation_failures++;
        struct yzt_client attacker = {.srv = &srv};
        snprintf(attacker.cookie, sizeof attacker.cookie, "%s", planted);
        struct yzt_response r = {0};
        yzt_request(&attacker, "GET", "/api/v1/me", NULL, NULL, &r);
        if (r.status != 401)
            fig.fixation_failures++;
        yzt_response_free(&r);
    }
    assert_int_equal(fig.fixation_failures, 0);
}

static void at_time(int64_t ms)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)ms);
    setenv("YZ_TEST_NOW_MS", v, 1);
    yzt_server_restart(&srv, NULL);
}

static void expect_me(struct yzt_client *c, long status, const char *what)
{
    struct yzt_response r = {0};
    yzt_request(c, "GET", "/api/v1/me", NULL, NULL, &r);
    fig.expiry_checks++;
    if (r.status != status) {
        fig.expiry_failures++;
        print_error("%s: %ld, expected %ld\n", what, r.status, status);
    }
    yzt_response_free(&r);
}

/* RULE: session-expiry — ASVS 3.3.1/3.3.2: idle and absolute limits end sessions server-side. */
static void idle_and_absolute_expiry(void **state)
{
    const int64_t t0 = INT64_C(1793145600000); /* 2026-10-27 00:00 UTC */
    const int64_t min = 60 * 1000;
    at_time(t0);
    /* Accounts the spraying above did not lock, and a staff user not signed in before
     * (a TOTP code of an earlier time step would be refused as a replay). */
    struct yzt_client party = {.srv = &srv}, judge = {.srv = &srv}, api = {.srv = &srv};
    yzt_login(&party, "13800000003", YZT_DEMO_PASSWORD, NULL);
    yzt_demo_login(&judge, "court_admin_jb");
    struct yzt_response r = {0};
    yzt_request_json(&api, "POST", "/api/v1/session",
                     json_pack("{s:s, s:s, s:s}", "login", "13800000006", "password",
                               YZT_DEMO_PASSWORD, "token_type", "bearer"),
                     NULL, &r);
    yzt_assert_status(&r, 200);
    snprintf(api.bearer, sizeof api.bearer, "%s", yzt_json_str(&r, "token"));
    yzt_response_free(&r);

    at_time(t0 + 14 * min); /* within both idle limits; use refreshes them */
    expect_me(&party, 200, "party after 14 idle minutes");
    expect_me(&judge, 200, "staff after 14 idle minutes");
    at_time(t0 + 30 * min); /* 16 minutes idle: staff out (15), party in (30) */
    expect_me(&judge, 401, "staff after 16 idle minutes");
    expect_me(&party, 200, "party after 16 idle minutes");
    at_time(t0 + 61 * min); /* 31 minutes idle: the party is out too */
    expect_me(&party, 401, "party after 31 idle minutes");
    expect_me(&api, 200, "bearer token after 61 minutes");
    at_time(t0 + 24 * 60 * min + min); /* past the bearer token's 24 hours */
    expect_me(&api, 401, "bearer token after 24 hours");
    unsetenv("YZ_TEST_NOW_MS");
    yzt_server_restart(&srv, NULL);
    assert_int_equal(fig.expiry_failures, 0);
}

/* The clock pinned at ms with these --set arguments (the server restarts). */
static void at_time_with(int64_t ms, const char *const *set)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)ms);
    setenv("YZ_TEST_NOW_MS", v, 1);
    yzt_server_restart(&srv, set);
}

/* A cookie login that keeps the answer, for its Set-Cookie and expires_at. */
static void cookie_login(struct yzt_client *c, const char *login, const char *totp,
                         int64_t limit_s, int64_t expect_expiry_ms)
{
    struct yzt_response r = {0};
    json_t *body = json_pack("{s:s, s:s}", "login", login, "password", YZT_DEMO_PASSWORD);
    if (totp)
        json_object_set_new(body, "totp", json_string(totp));
    yzt_request_json(c, "POST", "/api/v1/session", body, NULL, &r);
    yzt_assert_status(&r, 200);
    snprintf(c->csrf, sizeof c->csrf, "%s", yzt_json_str(&r, "csrf_token"));
    char cookie[512], want[64];
    assert_true(yzt_header(&r, "Set-Cookie", cookie, sizeof cookie));
    snprintf(want, sizeof want, "; Max-Age=%lld", (long long)limit_s);
    if (!strstr(cookie, want) || !strstr(cookie, "; HttpOnly") ||
        !strstr(cookie, "; SameSite=Strict"))
        fail_msg("%s: Set-Cookie %s lacks %s, HttpOnly or SameSite=Strict", login, cookie, want);
    char expires[40];
    yz_time_format_utc(expect_expiry_ms, expires, sizeof expires);
    assert_string_equal(yzt_json_str(&r, "expires_at"), expires);
    yzt_response_free(&r);
}

/* RULE: session-absolute-expiry — ASVS 3.3.2 (L3): a cookie session ends at its
 * absolute limit after login however busy it is (idle expiry alone never ends
 * a session in use), and the cookie's Max-Age and the login's expires_at say
 * when. Both kinds are used every 14 minutes (inside both idle limits) up to
 * a minute before the limit, then once at it (the staff session first).
 * `make test` walks limits set to 2 h and 1 h; `make proof` the defaults
 * (parties 12 h, staff 8 h). */
static void cookie_sessions_end_at_their_absolute_limit(void **state)
{
    const int64_t t0 = INT64_C(1793232000000); /* 2026-10-28 00:00 UTC, a fresh TOTP step */
    const int64_t min = 60 * 1000;
    const int party_h = YZT_AUTH_PROOF ? 12 : 2, staff_h = YZT_AUTH_PROOF ? 8 : 1;
    char set_party[64], set_staff[64];
    snprintf(set_party, sizeof set_party, "session.party_absolute_h=%d", party_h);
    snprintf(set_staff, sizeof set_staff, "session.staff_absolute_h=%d", staff_h);
    const char *const set[] = {set_party, set_staff, NULL};
    at_time_with(t0, set);
    struct yzt_client party = {.srv = &srv}, staff = {.srv = &srv};
    cookie_login(&party, "13800000003", NULL, (int64_t)party_h * 3600,
                 t0 + (int64_t)party_h * 3600000);
    char code[64];
    const char *data = getenv("YZ_DATA") ? getenv("YZ_DATA") : "data";
    const char *const args[] = {"user", "code", "court_admin_jb", "--dir", srv.dir, "--data", data,
                                NULL};
    assert_int_equal(yzt_run_cli(args, code, sizeof code), 0);
    code[strcspn(code, "\r\n")] = '\0';
    cookie_login(&staff, "court_admin_jb", code, (int64_t)staff_h * 3600,
                 t0 + (int64_t)staff_h * 3600000);

    const int64_t party_end = t0 + (int64_t)party_h * 60 * min;
    const int64_t staff_end = t0 + (int64_t)staff_h * 60 * min;
    int restarts = 0;
    bool staff_done = false;
    /* Every 14 minutes while the staff session lives (15 idle), then every 29 (30 idle). */
    for (int64_t t = t0 + 14 * min; t < party_end - min; t += (staff_done ? 29 : 14) * min) {
        at_time_with(t, set);
        restarts++;
        if (t < staff_end - min)
            expect_me(&staff, 200, "staff session in use before its absolute limit");
        expect_me(&party, 200, "party session in use before its absolute limit");
        if (t + 14 * min >= staff_end - min && t < staff_end - min) {
            at_time_with(staff_end - min, set);
            expect_me(&staff, 200, "staff session a minute before its absolute limit");
            at_time_with(staff_end, set);
            expect_me(&staff, 401, "staff session at its absolute limit, idle one minute");
            restarts += 2;
            staff_done = true;
        }
    }
    at_time_with(party_end - min, set);
    expect_me(&party, 200, "party session a minute before its absolute limit");
    at_time_with(party_end, set);
    expect_me(&party, 401, "party session at its absolute limit, idle one minute");
    assert_true(staff_done); /* the staff limit is the shorter one */
    print_message("absolute expiry: parties %d h, staff %d h, %d clock moves\n", party_h, staff_h,
                  restarts + 2);
    unsetenv("YZ_TEST_NOW_MS");
    yzt_server_restart(&srv, NULL);
    assert_int_equal(fig.expiry_failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(password_spraying),
        cmocka_unit_test(csrf_from_a_second_loopback_origin),
        cmocka_unit_test(session_fixation),
        cmocka_unit_test(idle_and_absolute_expiry),
        cmocka_unit_test(cookie_sessions_end_at_their_absolute_limit),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    printf("auth attacks: spraying %d attempts, %d successes, %d known/unknown differences, "
           "%d not locked at the 6th attempt; %d/%d failures recorded\n",
           fig.spray_attempts, fig.spray_successes, fig.spray_differences, fig.lockout_at_max,
           fig.failures_recorded, fig.failures);
    printf("auth attacks: failed login median %.1f ms for known accounts, %.1f ms for unknown "
           "(same class: within a factor of 3%s)\n",
           fig.known_ms, fig.unknown_ms, YZT_AUTH_PROOF ? ", asserted" : ", asserted in make proof");
    printf("auth attacks: CSRF from a second loopback origin %d attempts, %d not refused; "
           "fixation %d trials, %d failures; expiry %d checks, %d wrong\n",
           fig.csrf_attempts, fig.csrf_successes, fig.fixation_trials, fig.fixation_failures,
           fig.expiry_checks, fig.expiry_failures);
    return rc;
}
