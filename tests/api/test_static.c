/*
 * End-to-end tests of serving the browser UI (src/http/static.c): a web
 * root made here with an index.html, a hashed asset and a file outside the
 * root. Files answer with their content type and caching (a year for
 * hashed assets, revalidation for index.html), the UI's routes fall back to
 * index.html, missing assets are 404s and not HTML, paths that could leave
 * the root or reach hidden files are refused, every response carries the
 * content-security policy and the other protective headers, the API keeps
 * its own paths, and a web root without a build answers 503 saying so.
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
#include <sys/stat.h>
#include <unistd.h>

#define INDEX_HTML "<!doctype html><html lang=\"zh-CN\"><title>一站</title><div id=\"app\"></div></html>\n"
#define APP_JS "console.log('yizhan');\n"
#define SECRET "outside the web root\n"

static char tmp[64];       /* holds dist/ and secret.txt beside it */
static char root[128];     /* tmp/dist */
static char arg_root[160]; /* web.root=tmp/dist */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void make_root(void)
{
    snprintf(tmp, sizeof tmp, "/tmp/yz-static-XXXXXX");
    assert_non_null(mkdtemp(tmp));
    char p[256];
    snprintf(root, sizeof root, "%s/dist", tmp);
    assert_int_equal(mkdir(root, 0700), 0);
    snprintf(p, sizeof p, "%s/assets", root);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/.hidden", root);
    write_file(p, "hidden\n");
    snprintf(p, sizeof p, "%s/index.html", root);
    write_file(p, INDEX_HTML);
    snprintf(p, sizeof p, "%s/assets/index-3f9a1c.js", root);
    write_file(p, APP_JS);
    snprintf(p, sizeof p, "%s/secret.txt", tmp);
    write_file(p, SECRET);
    snprintf(arg_root, sizeof arg_root, "web.root=%s", root);
}

static void remove_root(void)
{
    char p[256];
    const char *files[] = {"dist/.hidden", "dist/index.html", "dist/assets/index-3f9a1c.js",
                           "secret.txt"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, files[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/dist/assets", tmp);
    rmdir(p);
    snprintf(p, sizeof p, "%s/dist/empty", tmp);
    rmdir(p);
    rmdir(root);
    rmdir(tmp);
}

static struct yz_test_server srv;

static int setup(void **state)
{
    yzt_global_setup(state);
    make_root();
    const char *const set[] = {arg_root, NULL};
    yzt_server_start(&srv, false, set);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    remove_root();
    return yzt_global_teardown(state);
}

static void assert_header(const struct yzt_response *r, const char *name, const char *want)
{
    char v[1024];
    if (!yzt_header(r, name, v, sizeof v))
        print_error("%s: no %s header\n", r->what, name);
    assert_true(yzt_header(r, name, v, sizeof v));
    if (strcmp(v, want) != 0)
        print_error("%s: %s is \"%s\", expected \"%s\"\n", r->what, name, v, want);
    assert_string_equal(v, want);
}

/* The UI's content-security policy: its own scripts only, never inline ones,
 * no framing; plus the headers every response has. */
static void assert_ui_headers(const struct yzt_response *r)
{
    char csp[1024];
    assert_true(yzt_header(r, "Content-Security-Policy", csp, sizeof csp));
    assert_non_null(strstr(csp, "default-src 'self'"));
    assert_non_null(strstr(csp, "script-src 'self';"));
    assert_non_null(strstr(csp, "frame-ancestors 'none'"));
    assert_non_null(strstr(csp, "object-src 'none'"));
    assert_null(strstr(csp, "unsafe-eval"));
    /* 'unsafe-inline' only for styles. */
    const char *inl = strstr(csp, "'unsafe-inline'");
    assert_non_null(inl);
    assert_null(strstr(inl + 1, "'unsafe-inline'"));
    assert_true(inl > strstr(csp, "style-src"));
    assert_true(strchr(strstr(csp, "style-src"), ';') > inl);
    assert_header(r, "X-Content-Type-Options", "nosniff");
    assert_header(r, "Referrer-Policy", "no-referrer");
    assert_true(r->request_id[0] != '\0');
}

static void get(const char *method, const char *path, struct yzt_response *r)
{
    struct yzt_client c = {.srv = &srv};
    yzt_request(&c, method, path, NULL, NULL, r);
}

static void index_and_assets(void **state)
{
    struct yzt_response r = {0};
    get("GET", "/", &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(r.body, INDEX_HTML);
    assert_string_equal(r.content_type, "text/html; charset=utf-8");
    assert_header(&r, "Cache-Control", "no-cache");
    assert_ui_headers(&r);

    get("GET", "/index.html", &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(r.body, INDEX_HTML);
    assert_header(&r, "Cache-Control", "no-cache");

    get("GET", "/assets/index-3f9a1c.js", &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(r.body, APP_JS);
    assert_string_equal(r.content_type, "text/javascript; charset=utf-8");
    assert_header(&r, "Cache-Control", "public, max-age=31536000, immutable");
    assert_ui_headers(&r);

    /* HEAD: the same headers, no body. */
    get("HEAD", "/assets/index-3f9a1c.js", &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(r.len, 0);
    assert_header(&r, "Cache-Control", "public, max-age=31536000, immutable");
    yzt_response_free(&r);
}

/* The UI's own routes get index.html; what looks like a missing file does not. */
static void fallback_and_missing_files(void **state)
{
    struct yzt_response r = {0};
    const char *routes[] = {"/login", "/matters/12", "/filing/new/", "/progress?case=1",
                            "/%E7%AB%8B%E6%A1%88"};
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        get("GET", routes[i], &r);
        yzt_assert_status(&r, 200);
        assert_string_equal(r.body, INDEX_HTML);
        assert_string_equal(r.content_type, "text/html; charset=utf-8");
        assert_header(&r, "Cache-Control", "no-cache");
        assert_ui_headers(&r);
    }
    const char *missing[] = {"/assets/index-000000.js", "/assets/", "/assets/deep/x",
                             "/favicon.ico", "/logo.png", "/robots.txt"};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        get("GET", missing[i], &r);
        yzt_assert_problem(&r, 404, "not_found");
        assert_header(&r, "Cache-Control", "no-store");
    }
    yzt_response_free(&r);
}

/* Nothing outside the root, nothing hidden, however the path is spelt. */
static void traversal_refused(void **state)
{
    struct yzt_response r = {0};
    const char *bad[] = {
        "/../secret.txt",        "/assets/../../secret.txt", "/%2e%2e/secret.txt",
        "/assets/%2e%2e%2f%2e%2e%2fsecret.txt", "/..%2fsecret.txt", "/./index.html",
        "//etc/passwd",          "/assets//index-3f9a1c.js", "/.hidden",
        "/assets/..",            "/..",                      "/%5c..%5csecret.txt",
        "/assets/%00.js",        "/login/%0a",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        get("GET", bad[i], &r);
        if (r.status != 404 && r.status != 400)
            print_error("GET %s answered %ld\n", bad[i], r.status);
        assert_true(r.status == 404 || r.status == 400);
        assert_null(strstr(r.body, "outside the web root"));
        assert_null(strstr(r.body, "hidden"));
        assert_null(strstr(r.body, "root:"));
    }
    yzt_response_free(&r);
}

/* The API keeps its paths: JSON, never index.html; other methods are not the UI's. */
static void api_paths_stay_api(void **state)
{
    struct yzt_response r = {0};
    get("GET", "/api/v1/nope", &r);
    yzt_assert_problem(&r, 404, "not_found");
    get("GET", "/api", &r);
    yzt_assert_problem(&r, 404, "not_found");
    get("GET", "/healthz", &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "status"), "ok");
    char csp[256];
    assert_true(yzt_header(&r, "Content-Security-Policy", csp, sizeof csp));
    assert_string_equal(csp, "default-src 'none'; frame-ancestors 'none'");
    get("GET", "/api/v1/case-types", &r);
    yzt_assert_status(&r, 200);
    assert_non_null(r.json);
    get("POST", "/login", &r);
    assert_true(r.status == 404 || r.status == 405);
    assert_null(strstr(r.body, "<html"));
    get("DELETE", "/", &r);
    assert_true(r.status == 404 || r.status == 405);
    yzt_response_free(&r);
}

/* A web root without index.html: the UI's paths say the UI is not built. */
static void unbuilt_ui_says_so(void **state)
{
    char empty[200], arg[240];
    snprintf(empty, sizeof empty, "%s/empty", root);
    assert_int_equal(mkdir(empty, 0700), 0);
    snprintf(arg, sizeof arg, "web.root=%s", empty);
    const char *const set[] = {arg, NULL};
    struct yz_test_server s2;
    yzt_server_start(&s2, false, set);
    struct yzt_client c = {.srv = &s2};
    struct yzt_response r = {0};
    const char *paths[] = {"/", "/login", "/index.html"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        yzt_request(&c, "GET", paths[i], NULL, NULL, &r);
        yzt_assert_problem(&r, 503, "service_unavailable");
        const char *detail = yzt_json_str(&r, "detail");
        assert_non_null(strstr(detail, "网页界面尚未构建"));
        assert_non_null(strstr(detail, "index.html"));
        assert_non_null(strstr(detail, "make"));
    }
    /* The API works all the same. */
    yzt_request(&c, "GET", "/healthz", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
    yzt_server_stop(&s2);
    rmdir(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(index_and_assets),
        cmocka_unit_test(fallback_and_missing_files),
        cmocka_unit_test(traversal_refused),
        cmocka_unit_test(api_paths_stay_api),
        cmocka_unit_test(unbuilt_ui_says_so),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
