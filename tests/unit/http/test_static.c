/*
 * Unit tests for src/http/static.c: which paths are the UI's, which decoded
 * paths are safe to look up, content types, and resolution against a web
 * root made here (a file, a hashed asset, a directory, a symlink leading out
 * of the root, no index.html). The served responses are tested end to end
 * in tests/api/test_static.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/static.h"

static char tmp[64], root[128];

static void put(const char *rel, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", tmp, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    snprintf(tmp, sizeof tmp, "/tmp/yz-static-unit-XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    snprintf(root, sizeof root, "%s/dist", tmp);
    char p[256];
    mkdir(root, 0700);
    snprintf(p, sizeof p, "%s/assets", root);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/dir", root);
    mkdir(p, 0700);
    put("dist/index.html", "<!doctype html>");
    put("dist/assets/app-1a2b3c.js", "x");
    put("secret.txt", "secret");
    snprintf(p, sizeof p, "%s/leak.txt", root);
    char target[256];
    snprintf(target, sizeof target, "%s/secret.txt", tmp);
    if (symlink(target, p) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    const char *rm[] = {"dist/index.html", "dist/assets/app-1a2b3c.js", "dist/leak.txt", "secret.txt"};
    char p[256];
    for (size_t i = 0; i < sizeof rm / sizeof rm[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, rm[i]);
        unlink(p);
    }
    const char *dirs[] = {"dist/assets", "dist/dir", "dist"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, dirs[i]);
        rmdir(p);
    }
    rmdir(tmp);
    return 0;
}

static void claims_only_ui_paths(void **state)
{
    assert_true(yz_static_claims("GET", "/"));
    assert_true(yz_static_claims("HEAD", "/login"));
    assert_true(yz_static_claims("GET", "/apis"));
    assert_true(yz_static_claims("GET", "/assets/app.js"));
    assert_false(yz_static_claims("GET", "/api"));
    assert_false(yz_static_claims("GET", "/api/"));
    assert_false(yz_static_claims("GET", "/api/v1/me"));
    assert_false(yz_static_claims("GET", "/healthz"));
    assert_false(yz_static_claims("GET", "/metrics"));
    assert_false(yz_static_claims("POST", "/login"));
    assert_false(yz_static_claims("DELETE", "/"));
    assert_false(yz_static_claims("GET", "relative"));
}

static void path_rules(void **state)
{
    const char *ok[] = {"/", "/login", "/matters/12", "/matters/", "/assets/app-1a2b3c.js",
                        "/立案", "/a-b_c~d@e.f"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_true(yz_static_path_ok(ok[i]));
    const char *bad[] = {"",        "x",         "/..",          "/../x",      "/a/../b",
                         "/./a",    "/a/.",      "//a",          "/a//b",      "/.git/config",
                         "/.hidden", "/a\\..\\b", "/a\nb",        "/a\tb",      "/a\x7f"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (yz_static_path_ok(bad[i]))
            print_error("accepted: \"%s\"\n", bad[i]);
        assert_false(yz_static_path_ok(bad[i]));
    }
    char longp[1100];
    longp[0] = '/';
    memset(longp + 1, 'a', sizeof longp - 2);
    longp[sizeof longp - 1] = '\0';
    assert_false(yz_static_path_ok(longp));
}

static void content_types(void **state)
{
    assert_string_equal(yz_static_content_type("index.html"), "text/html; charset=utf-8");
    assert_string_equal(yz_static_content_type("assets/a.js"), "text/javascript; charset=utf-8");
    assert_string_equal(yz_static_content_type("assets/a.css"), "text/css; charset=utf-8");
    assert_string_equal(yz_static_content_type("logo.svg"), "image/svg+xml");
    assert_string_equal(yz_static_content_type("f.woff2"), "font/woff2");
    assert_string_equal(yz_static_content_type("noext"), "application/octet-stream");
    assert_string_equal(yz_static_content_type("a.js/noext"), "application/octet-stream");
    assert_string_equal(yz_static_content_type("a.JS"), "application/octet-stream");
}

static void resolve(void **state)
{
    struct yz_static_file f;
    assert_int_equal(yz_static_resolve(root, "/assets/app-1a2b3c.js", &f), YZ_STATIC_FILE);
    assert_string_equal(f.cache_control, "public, max-age=31536000, immutable");
    assert_int_equal(f.size, 1);
    assert_false(f.fallback);
    close(f.fd);

    assert_int_equal(yz_static_resolve(root, "/", &f), YZ_STATIC_FILE);
    assert_true(f.fallback);
    assert_string_equal(f.cache_control, "no-cache");
    close(f.fd);

    /* A directory is no file: the UI's route. */
    assert_int_equal(yz_static_resolve(root, "/dir", &f), YZ_STATIC_FILE);
    assert_true(f.fallback);
    close(f.fd);

    /* A symlink out of the root is not followed; it looks like a file, so 404. */
    assert_int_equal(yz_static_resolve(root, "/leak.txt", &f), YZ_STATIC_NOT_FOUND);
    assert_int_equal(f.fd, -1);
    assert_int_equal(yz_static_resolve(root, "/../secret.txt", &f), YZ_STATIC_NOT_FOUND);
    assert_int_equal(yz_static_resolve(root, "/assets/none.js", &f), YZ_STATIC_NOT_FOUND);
    assert_int_equal(yz_static_resolve(root, "/assets/", &f), YZ_STATIC_NOT_FOUND);

    /* No build: the UI's paths say so; refused paths stay refused. */
    char empty[160];
    snprintf(empty, sizeof empty, "%s/dir", root);
    assert_int_equal(yz_static_resolve(empty, "/", &f), YZ_STATIC_NO_UI);
    assert_int_equal(yz_static_resolve(empty, "/login", &f), YZ_STATIC_NO_UI);
    assert_int_equal(yz_static_resolve(empty, "/..", &f), YZ_STATIC_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(claims_only_ui_paths),
        cmocka_unit_test(path_rules),
        cmocka_unit_test(content_types),
        cmocka_unit_test(resolve),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
