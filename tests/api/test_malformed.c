/*
 * Malformed input end to end (SECURITY.md T10–T12), against the ASan/UBSan
 * test build: for every route of the table with a JSON body, bodies that
 * pass validation mutated the way zzuf does (random bit flips at a ratio of
 * 1 %, plus cuts and repeats); nesting 100,000 deep; a body far over the
 * limit; invalid UTF-8 of every kind; bidirectional controls and invisible
 * characters inside every text member of every route's body, which must be
 * refused (never stored: a 2xx is a finding); broken multipart uploads; path
 * traversal towards a canary file beside the data. The server must answer
 * each with a 4xx (a mutated body may also happen to be valid: 2xx), never a
 * 5xx or a dropped connection, never return the canary, and stop cleanly at
 * the end (the harness fails on any sanitizer report).
 *
 * `make test` sends 20 mutations per route; tests/proof/proof_malformed.c
 * builds this file with YZT_MUTATIONS=400 for `make proof`. The seed is
 * printed (YZT_SEED repeats a run). The figures are the last lines printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures/attachments.h"
#include "http/route.h"
#include "lib/apitest.h"
#include "lib/demo.h"
#include "lib/routes.h"
#include "lib/upload.h"
#include "policy/roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef YZT_MUTATIONS
#define YZT_MUTATIONS 20
#endif

#define CANARY "CANARY-5f1e-never-served"

static struct yz_test_server srv;
static struct yzt_client sessions[YZ_ROLE__COUNT];
static unsigned seed;

static const char *const demo_login[YZ_ROLE__COUNT] = {
    [YZ_ROLE_PARTY] = "13800000001",       [YZ_ROLE_LAWYER] = "13800000004",
    [YZ_ROLE_MEDIATOR] = "13800000005",    [YZ_ROLE_ORG_ADMIN] = "13800000006",
    [YZ_ROLE_FILING_CLERK] = "filing_clerk", [YZ_ROLE_TRIAGE_OFFICER] = "triage_officer",
    [YZ_ROLE_JUDGE] = "judge",             [YZ_ROLE_ASSISTANT] = "assistant",
    [YZ_ROLE_CLERK] = "clerk",             [YZ_ROLE_SERVICE_OFFICER] = "service_officer",
    [YZ_ROLE_PETITION_OFFICER] = "petition_officer", [YZ_ROLE_HOTLINE_AGENT] = "hotline_agent",
    [YZ_ROLE_COURT_ADMIN] = "court_admin", [YZ_ROLE_SUPERVISOR] = "supervisor",
};

static struct {
    long requests, s2xx, s4xx, s5xx, dropped, canary;
    long hidden, hidden_accepted;
} fig;

static unsigned next_rand(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) & 0x7fff;
}

/* A client the route admits (NULL for public routes: anonymous). */
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

/* Sends and judges: a 2xx or 4xx answer; a 5xx or no answer is a finding. */
static void judge(struct yzt_client *c, const char *method, const char *path, const void *body,
                  size_t len, const char *const *headers, const char *what)
{
    struct yzt_client anon = {.srv = &srv};
    struct yzt_client *who = c ? c : &anon;
    bool was = who->transport_errors_ok;
    who->transport_errors_ok = true;
    struct yzt_response r = {0};
    if (body)
        yzt_request_raw(who, method, path, body, len, headers, &r);
    else
        yzt_request(who, method, path, NULL, headers, &r);
    who->transport_errors_ok = was;
    fig.requests++;
    if (r.status == 0) {
        fig.dropped++;
        print_error("%s %s (%s): no answer\n", method, path, what);
    } else if (r.status >= 500) {
        fig.s5xx++;
        print_error("%s %s (%s): %ld %.300s\n", method, path, what, r.status, r.body);
    } else if (r.status >= 400) {
        fig.s4xx++;
    } else {
        fig.s2xx++;
    }
    if (r.body && strstr(r.body, CANARY)) {
        fig.canary++;
        print_error("%s %s (%s): returned the canary\n", method, path, what);
    }
    yzt_response_free(&r);
}

static void idem_headers(char hdr[64], const char *content_type, char ct[128],
                         const char *out[3])
{
    char key[40];
    yzt_idem_key(key);
    snprintf(hdr, 64, "Idempotency-Key: %s", key);
    snprintf(ct, 128, "Content-Type: %s", content_type);
    out[0] = hdr;
    out[1] = ct;
    out[2] = NULL;
}

/* zzuf's model: flip each bit with probability ratio; then maybe cut or repeat a span. */
static size_t mutate(const char *in, size_t n, char *out, size_t cap)
{
    assert_true(n * 2 + 1 <= cap);
    memcpy(out, in, n);
    size_t flips = 0;
    for (size_t i = 0; i < n * 8; i++)
        if (next_rand() % 100 == 0) {
            out[i / 8] ^= (char)(1u << (i % 8));
            flips++;
        }
    if (flips == 0)
        out[next_rand() % n] ^= (char)(1u << (next_rand() % 8));
    switch (next_rand() % 4) {
    case 0: return (size_t)next_rand() % n; /* cut */
    case 1: { /* repeat a span */
        size_t at = next_rand() % n, span = 1 + next_rand() % (n - at);
        memmove(out + at + span, out + at, n - at);
        return n + span;
    }
    default: return n;
    }
}

static void mutated_bodies(void **state)
{
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    int routes_with_body = 0;
    for (size_t i = 0; i < n; i++) {
        const struct yz_route *r = &routes[i];
        if (!r->body)
            continue;
        routes_with_body++;
        struct yzt_client *c = caller_for(r);
        char path[256];
        yzt_route_path(r, "1", path, sizeof path);
        json_t *body = yzt_route_body(r);
        char *text = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        size_t len = strlen(text);
        char *buf = malloc(len * 2 + 1);
        for (int m = 0; m < YZT_MUTATIONS; m++) {
            size_t blen = mutate(text, len, buf, len * 2 + 1);
            char hdr[64], ct[128];
            const char *h[3];
            idem_headers(hdr, "application/json", ct, h);
            judge(c, yz_method_name(r->method), path, buf, blen, h, r->name);
        }
        free(buf);
        free(text);
    }
    assert_true(routes_with_body >= 20);
}

static void nesting_size_and_utf8(void **state)
{
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    const size_t depth = 100000, big = 2u << 20; /* the limit is 1 MiB */
    char *deep = malloc(depth * 2 + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[depth * 2] = '\0';
    char *huge = malloc(big + 64);
    int k = snprintf(huge, 64, "{\"title\":\"");
    memset(huge + k, 'a', big);
    memcpy(huge + k + big, "\"}", 3);
    static const char *const bad_utf8[] = {
        "{\"title\":\"\xc0\xaf\"}",         /* overlong '/' */
        "{\"title\":\"\xe0\x80\xaf\"}",     /* overlong, three bytes */
        "{\"title\":\"\xed\xa0\x80\"}",     /* a UTF-16 surrogate */
        "{\"title\":\"\xe4\xb8\"}",         /* cut short */
        "{\"title\":\"\xf4\x90\x80\x80\"}", /* above U+10FFFF */
        "{\"title\":\"\xff\xfe\"}",         /* never valid */
        "{\"title\":\"\\ud800\"}",          /* a lone surrogate escape */
        "{\"title\":\"a\\u0000b\"}",        /* an escaped NUL */
        "{\"ti\xc3tle\":1}",                /* broken inside a member name */
    };
    for (size_t i = 0; i < n; i++) {
        const struct yz_route *r = &routes[i];
        if (!r->body)
            continue;
        struct yzt_client *c = caller_for(r);
        char path[256], hdr[64], ct[128];
        const char *h[3];
        yzt_route_path(r, "1", path, sizeof path);
        idem_headers(hdr, "application/json", ct, h);
        judge(c, yz_method_name(r->method), path, deep, depth * 2, h, "deep");
        idem_headers(hdr, "application/json", ct, h);
        judge(c, yz_method_name(r->method), path, huge, k + big + 2, h, "huge");
        for (size_t u = 0; u < sizeof bad_utf8 / sizeof bad_utf8[0]; u++) {
            idem_headers(hdr, "application/json", ct, h);
            judge(c, yz_method_name(r->method), path, bad_utf8[u], strlen(bad_utf8[u]), h,
                  "utf8");
        }
        /* Wrong, missing and lying content types. */
        idem_headers(hdr, "text/plain", ct, h);
        judge(c, yz_method_name(r->method), path, "{}", 2, h, "text/plain");
        idem_headers(hdr, "application/json; charset=latin1", ct, h);
        judge(c, yz_method_name(r->method), path, "{\"title\":\"\xe9\"}", 13, h, "latin1");
    }
    free(deep);
    free(huge);
    assert_int_equal(fig.s5xx + fig.dropped, 0);
}

/* Hidden characters (src/core/utf8.h): bidi overrides and isolates, zero-width
 * and other invisible format characters, C1 controls. `make test` sends the
 * first three. */
static const char *const HIDDEN[] = {
    "\xe2\x80\xae", /* U+202E right-to-left override */
    "\xe2\x80\x8b", /* U+200B zero-width space */
    "\xc2\x85",     /* U+0085 next line (C1) */
    "\xe2\x81\xa6", /* U+2066 left-to-right isolate */
    "\xe2\x80\x8f", /* U+200F right-to-left mark */
    "\xd8\x9c",     /* U+061C Arabic letter mark */
    "\xef\xbb\xbf", /* U+FEFF zero-width no-break space */
    "\xe2\x81\xa0", /* U+2060 word joiner */
    "\xe3\x85\xa4", /* U+3164 Hangul filler */
    "\xf3\xa0\x80\x81", /* U+E0001 language tag */
    "\xe2\x80\xa8", /* U+2028 line separator */
    "\xc2\xad",     /* U+00AD soft hyphen */
};

/* The string leaves of v, each with the hidden character h put in its middle,
 * one at a time: calls send for every variant of the whole body. */
static void each_string(json_t *root, json_t *v, const char *h, const struct yz_route *r,
                        struct yzt_client *c, const char *path)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *m;
        json_object_foreach(v, k, m) each_string(root, m, h, r, c, path);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *m;
        json_array_foreach(v, i, m) each_string(root, m, h, r, c, path);
    } else if (json_is_string(v)) {
        char *was = strdup(json_string_value(v));
        size_t n = strlen(was), at = n / 2;
        size_t hn = strlen(h);
        char *with = malloc(n + hn + 1);
        memcpy(with, was, at);
        memcpy(with + at, h, hn);
        memcpy(with + at + hn, was + at, n - at + 1); /* with its NUL */
        json_string_set(v, with);
        char *text = json_dumps(root, JSON_COMPACT);
        char hdr[64], ct[128];
        const char *hd[3];
        idem_headers(hdr, "application/json", ct, hd);
        long before = fig.s2xx;
        judge(c, yz_method_name(r->method), path, text, strlen(text), hd, "hidden");
        fig.hidden++;
        if (fig.s2xx > before) {
            fig.hidden_accepted++;
            print_error("%s %s accepted a hidden character: %s\n", yz_method_name(r->method),
                        path, text);
        }
        json_string_set(v, was);
        free(text);
        free(with);
        free(was);
    }
}

static void hidden_characters_in_text(void **state)
{
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    size_t nhidden = YZT_MUTATIONS > 20 ? sizeof HIDDEN / sizeof HIDDEN[0] : 3;
    for (size_t i = 0; i < n; i++) {
        const struct yz_route *r = &routes[i];
        if (!r->body)
            continue;
        struct yzt_client *c = caller_for(r);
        char path[256];
        yzt_route_path(r, "1", path, sizeof path);
        json_t *body = yzt_route_body(r);
        for (size_t k = 0; k < nhidden; k++)
            each_string(body, body, HIDDEN[k], r, c, path);
        json_decref(body);
    }
    assert_true(fig.hidden > 0);
    assert_int_equal(fig.hidden_accepted, 0);
    assert_int_equal(fig.s5xx + fig.dropped, 0);
}

static void broken_multipart(void **state)
{
    struct yzt_client *c = &sessions[YZ_ROLE_PARTY];
    if (!c->srv) {
        c->srv = &srv;
        yzt_demo_login(c, demo_login[YZ_ROLE_PARTY]);
    }
    static const char *const bodies[] = {
        /* no closing boundary */
        "--" YZT_BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\""
        "\r\n\r\n%PDF-1.4 cut",
        /* a different boundary than announced */
        "--otherBoundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
        "\r\n%PDF-1.4\r\n--otherBoundary--\r\n",
        /* no headers in the part */
        "--" YZT_BOUNDARY "\r\n\r\n%PDF-1.4\r\n--" YZT_BOUNDARY "--\r\n",
        /* no name */
        "--" YZT_BOUNDARY "\r\nContent-Disposition: form-data; filename=\"a.pdf\"\r\n\r\n%PDF-1.4"
        "\r\n--" YZT_BOUNDARY "--\r\n",
        /* path and NUL in the file name */
        "--" YZT_BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../"
        "etc/passwd\"\r\n\r\n%PDF-1.4\r\n--" YZT_BOUNDARY "--\r\n",
        /* a matter id that is no number */
        "--" YZT_BOUNDARY "\r\nContent-Disposition: form-data; name=\"matter_id\"\r\n\r\n1 OR 1=1"
        "\r\n--" YZT_BOUNDARY "--\r\n",
        /* only the end */
        "--" YZT_BOUNDARY "--\r\n",
        "",
    };
    const char *const ct_ok = "multipart/form-data; boundary=" YZT_BOUNDARY;
    const char *const cts[] = {ct_ok, "multipart/form-data", "multipart/form-data; boundary=",
                               "multipart/mixed; boundary=" YZT_BOUNDARY};
    for (size_t b = 0; b < sizeof bodies / sizeof bodies[0]; b++)
        for (size_t t = 0; t < sizeof cts / sizeof cts[0]; t++) {
            char hdr[64], ct[128];
            const char *h[3];
            idem_headers(hdr, cts[t], ct, h);
            judge(c, "POST", "/api/v1/attachments", bodies[b], strlen(bodies[b]), h, "multipart");
        }
    /* Many parts, a long file name, a NUL in the name, the same field twice. */
    size_t cap = 4u << 20, at = 0;
    char *many = malloc(cap);
    for (int i = 0; i < 10000 && at + 200 < cap; i++)
        at += (size_t)snprintf(many + at, cap - at,
                               "--" YZT_BOUNDARY "\r\nContent-Disposition: form-data; "
                               "name=\"title\"\r\n\r\nx\r\n");
    at += (size_t)snprintf(many + at, cap - at, "--" YZT_BOUNDARY "--\r\n");
    char hdr[64], ct[128];
    const char *h[3];
    idem_headers(hdr, ct_ok, ct, h);
    judge(c, "POST", "/api/v1/attachments", many, at, h, "10000 parts");
    free(many);
    char longname[400];
    memset(longname, 'n', 300);
    memcpy(longname + 300, ".pdf", 5);
    struct yzt_part p1[] = {{"file", longname, YZF_PDF, sizeof YZF_PDF}};
    struct yzt_response r = {0};
    yzt_upload_parts(c, p1, 1, NULL, &r);
    fig.requests++;
    assert_true(r.status < 500);
    static const char nul_name[] = "a\0b.pdf";
    struct yzt_part p2[] = {{"file", nul_name, YZF_PDF, sizeof YZF_PDF},
                            {"file", "b.pdf", YZF_PDF, sizeof YZF_PDF}};
    yzt_upload_parts(c, p2, 2, NULL, &r);
    fig.requests++;
    assert_true(r.status < 500);
    yzt_response_free(&r);
    assert_int_equal(fig.s5xx + fig.dropped, 0);
}

static void traversal_towards_a_canary(void **state)
{
    char path[400];
    snprintf(path, sizeof path, "%s/canary.txt", srv.dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(CANARY "\n", f);
    fclose(f);
    struct yzt_client *c = &sessions[YZ_ROLE_PARTY];
    /* A real attachment, so that the id-shaped forms have something to resolve to. */
    struct yzt_response r = {0};
    yzt_upload_file(c, YZF_PDF, sizeof YZF_PDF, "real.pdf", 0, &r);
    yzt_assert_status(&r, 201);
    yzt_response_free(&r);
    static const char *const forms[] = {
        "..%2fcanary.txt", "..%2f..%2fcanary.txt", "%2e%2e%2fcanary.txt",
        "%2e%2e/%2e%2e/canary.txt", "..%5ccanary.txt", "%252e%252e%252fcanary.txt",
        "%c0%ae%c0%ae%c0%afcanary.txt", "....%2f%2fcanary.txt", "1%2f..%2f..%2fcanary.txt",
        "1%00.txt", "%2fetc%2fpasswd", "canary.txt", "1;canary.txt", "1%0a", "0x1", "+1",
    };
    static const char *const pre[] = {"/api/v1/attachments/", "/api/v1/attachments/",
                                      "/api/v1/filing/batches/", "/api/v1/matters/1/notices/",
                                      "/api/v1/materials/", "/api/v1/complaint-forms/"};
    static const char *const suf[] = {"", "/meta", "/report.csv", "", "", ""};
    for (size_t p = 0; p < sizeof pre / sizeof pre[0]; p++)
        for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
            snprintf(path, sizeof path, "%s%s%s", pre[p], forms[i], suf[p]);
            judge(c, "GET", path, NULL, 0, NULL, "traversal");
        }
    assert_int_equal(fig.canary, 0);
    assert_int_equal(fig.s5xx + fig.dropped, 0);
}

static int setup(void **state)
{
    const char *env = getenv("YZT_SEED");
    seed = env ? (unsigned)strtoul(env, NULL, 10) : (unsigned)time(NULL);
    print_message("malformed input: seed %u (YZT_SEED=%u repeats this run)\n", seed, seed);
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv); /* fails on a sanitizer report (exit status) */
    return yzt_global_teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mutated_bodies),
        cmocka_unit_test(nesting_size_and_utf8),
        cmocka_unit_test(hidden_characters_in_text),
        cmocka_unit_test(broken_multipart),
        cmocka_unit_test(traversal_towards_a_canary),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    printf("malformed input: %ld requests (%d mutations per route with a body): %ld 4xx, %ld 2xx "
           "(mutations that stayed valid), %ld 5xx, %ld without an answer\n",
           fig.requests, YZT_MUTATIONS, fig.s4xx, fig.s2xx, fig.s5xx, fig.dropped);
    printf("malformed input: %ld bodies with a bidi or invisible character in a text member, "
           "%ld accepted\n",
           fig.hidden, fig.hidden_accepted);
    printf("malformed input: canary returned %ld times; server stopped %s\n", fig.canary,
           rc == 0 ? "cleanly (no sanitizer report)" : "with a failure (see above)");
    return rc;
}
