/*
 * End-to-end tests of `yizhan check id|uscc`: the binary ($YZ_BIN) run
 * through the harness's CLI runner, no server. Valid identifiers exit 0 with
 * the parsed parts, invalid ones exit 1 with the stable problem code and its
 * Chinese message, bad usage exits 2 with a message and no JSON. The runner
 * merges stdout and stderr, so parsing the whole output as one JSON object
 * also proves that nothing else was printed.
 *
 * Citizen IDs with a chosen birth date get their check character from the
 * ISO 7064 MOD 11-2 formula computed here, independently of src/core/idnum.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"

#include <stdio.h>
#include <string.h>

#define OUT_SIZE 8192

/* 18-character citizen ID: the 17 digits given plus the MOD 11-2 check character,
 * weights 2^(17-i) mod 11 for i = 0..16 (GB 11643-1999). */
static void citizen_id(const char *first17, char out[19])
{
    int sum = 0, w = 1;
    for (int i = 16; i >= 0; i--) {
        w = (w * 2) % 11; /* 2^(17-i) mod 11 */
        sum += (first17[i] - '0') * w;
    }
    int check = (12 - sum % 11) % 11;
    memcpy(out, first17, 17);
    out[17] = check == 10 ? 'X' : (char)('0' + check);
    out[18] = '\0';
}

/* Runs `yizhan check kind value`, asserts the exit code and that the whole
 * output is one JSON object; returns it (the caller's). */
static json_t *run_check(const char *kind, const char *value, int expect_rc)
{
    char out[OUT_SIZE];
    /* "--" only where needed, so that the plain form is what most cases run. */
    const char *const plain[] = {"check", kind, value, NULL};
    const char *const dashed[] = {"check", kind, "--", value, NULL};
    const char *const *args = value[0] == '-' ? dashed : plain;
    int rc = yzt_run_cli(args, out, sizeof out);
    if (rc != expect_rc)
        print_error("yizhan check %s %s: exit %d, expected %d; output:\n%s\n", kind, value, rc,
                    expect_rc, out);
    assert_int_equal(rc, expect_rc);
    json_error_t jerr;
    json_t *j = json_loads(out, 0, &jerr);
    if (!j)
        print_error("output is not one JSON object (%s):\n%s\n", jerr.text, out);
    assert_non_null(j);
    assert_true(json_is_object(j));
    return j;
}

static const char *str(json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    if (!s)
        print_error("member %s missing or not a string\n", key);
    assert_non_null(s);
    return s;
}

static void assert_invalid(const char *kind_arg, const char *kind, const char *value,
                           const char *code, const char *message_part)
{
    json_t *j = run_check(kind_arg, value, 1);
    assert_true(json_is_false(json_object_get(j, "valid")));
    assert_string_equal(str(j, "kind"), kind);
    assert_string_equal(str(j, "code"), code);
    assert_non_null(strstr(str(j, "message"), message_part));
    /* An invalid number is not echoed back. */
    assert_null(json_object_get(j, "number"));
    json_decref(j);
}

/* Bad usage: exit 2, a message naming the command, and no JSON on stdout. */
static void assert_usage(const char *const *args, const char *message_part)
{
    char out[OUT_SIZE];
    int rc = yzt_run_cli(args, out, sizeof out);
    if (rc != 2)
        print_error("exit %d, expected 2; output:\n%s\n", rc, out);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(out, "yizhan check"));
    assert_non_null(strstr(out, message_part));
    assert_null(strchr(out, '{'));
}

static void valid_citizen_ids(void **state)
{
    /* RULE: gb11643-format, gb11643-checksum */
    json_t *j = run_check("id", "500103199001011232", 0);
    assert_true(json_is_true(json_object_get(j, "valid")));
    assert_string_equal(str(j, "kind"), "citizen_id");
    assert_string_equal(str(j, "number"), "500103199001011232");
    assert_string_equal(str(j, "birth_date"), "1990-01-01");
    assert_string_equal(str(j, "sex"), "male"); /* 17th digit 3: odd */
    assert_string_equal(str(j, "region"), "500103");
    json_decref(j);

    /* The standard's example with a lowercase check character: normalised to X. */
    j = run_check("id", "11010519491231002x", 0);
    assert_string_equal(str(j, "number"), "11010519491231002X");
    assert_string_equal(str(j, "birth_date"), "1949-12-31");
    assert_string_equal(str(j, "sex"), "female"); /* 17th digit 2: even */
    assert_string_equal(str(j, "region"), "110105");
    json_decref(j);

    /* A check character computed here, on the earliest accepted birth date. */
    char id[19];
    citizen_id("50010519000101004", id);
    j = run_check("id", id, 0);
    assert_string_equal(str(j, "number"), id);
    assert_string_equal(str(j, "birth_date"), "1900-01-01");
    assert_string_equal(str(j, "sex"), "female");
    assert_string_equal(str(j, "region"), "500105");
    json_decref(j);
}

static void invalid_citizen_ids(void **state)
{
    char id[19];
    assert_invalid("id", "citizen_id", "500103199001011233", "checksum", "校验位");
    assert_invalid("id", "citizen_id", "50010319900101123", "length", "18 位");
    assert_invalid("id", "citizen_id", "500103900101123", "first_generation", "15 位");
    assert_invalid("id", "citizen_id", "50010319900101123Y", "charset", "数字");
    assert_invalid("id", "citizen_id", "", "required", "请输入");
    /* After "--" a leading '-' is part of the number, not an option. */
    assert_invalid("id", "citizen_id", "-00103199001011232", "charset", "数字");
    /* RULE: gb11643-birthdate: a well-formed number with an impossible date. */
    citizen_id("50010319900230123", id); /* 30 February */
    assert_invalid("id", "citizen_id", id, "birthdate", "出生日期");
    citizen_id("50010320991231123", id); /* not born yet */
    assert_invalid("id", "citizen_id", id, "birthdate", "出生日期");
    citizen_id("50010318991231123", id); /* before 1900 */
    assert_invalid("id", "citizen_id", id, "birthdate", "出生日期");
    /* 64 bytes is still an argument to check (exit 1), not bad usage. */
    char longest[65];
    memset(longest, '1', 64);
    longest[64] = '\0';
    assert_invalid("id", "citizen_id", longest, "length", "18 位");
}

static void uscc_codes(void **state)
{
    /* RULE: gb32100-checksum */
    json_t *j = run_check("uscc", "91350100M000100Y43", 0);
    assert_true(json_is_true(json_object_get(j, "valid")));
    assert_string_equal(str(j, "kind"), "uscc");
    assert_string_equal(str(j, "code"), "91350100M000100Y43");
    json_decref(j);

    assert_invalid("uscc", "uscc", "91350100M000100Y44", "checksum", "校验位");
    assert_invalid("uscc", "uscc", "91350100m000100y43", "charset", "大写");
    assert_invalid("uscc", "uscc", "91A50100M000100Y43", "region", "第 3 至 8 位");
    assert_invalid("uscc", "uscc", "91350100M000100Y4", "length", "18 位");
    assert_invalid("uscc", "uscc", "", "required", "统一社会信用代码");
}

static void bad_usage(void **state)
{
    char too_long[66];
    memset(too_long, '1', 65);
    too_long[65] = '\0';
    const char *const none[] = {"check", NULL};
    const char *const no_id[] = {"check", "id", NULL};
    const char *const no_code[] = {"check", "uscc", NULL};
    const char *const kind[] = {"check", "passport", "E12345678", NULL};
    const char *const extra[] = {"check", "id", "500103199001011232", "again", NULL};
    const char *const option[] = {"check", "--strict", "id", "500103199001011232", NULL};
    const char *const longer[] = {"check", "id", too_long, NULL};
    const char *const longer_uscc[] = {"check", "uscc", too_long, NULL};
    assert_usage(none, "缺少");
    assert_usage(no_id, "缺少");
    assert_usage(no_code, "缺少");
    assert_usage(kind, "passport");
    assert_usage(extra, "多余的参数");
    assert_usage(option, "--strict");
    assert_usage(longer, "64");
    assert_usage(longer_uscc, "64");

    char out[OUT_SIZE];
    const char *const help[] = {"check", "--help", NULL};
    assert_int_equal(yzt_run_cli(help, out, sizeof out), 0);
    assert_non_null(strstr(out, "用法"));
    assert_non_null(strstr(out, "yizhan check uscc"));
    const char *const help_late[] = {"check", "id", "-h", NULL};
    assert_int_equal(yzt_run_cli(help_late, out, sizeof out), 0);
    assert_non_null(strstr(out, "用法"));
    /* The command is listed in the top-level help. */
    const char *const top[] = {"--help", NULL};
    assert_int_equal(yzt_run_cli(top, out, sizeof out), 0);
    assert_non_null(strstr(out, "  check "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_citizen_ids),
        cmocka_unit_test(invalid_citizen_ids),
        cmocka_unit_test(uscc_codes),
        cmocka_unit_test(bad_usage),
    };
    return cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
}
