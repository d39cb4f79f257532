/*
 * `yizhan check id NUMBER` and `yizhan check uscc CODE`: the identifier
 * checks of core/idnum.h on the command line, for clerks and scripts. stdout
 * carries exactly one JSON object, both for a valid identifier (exit 0) and
 * for an invalid one (exit 1, with the same stable problem code and Chinese
 * message the API gives); nothing goes to stderr then, so the output can be
 * parsed as is. Bad usage (exit 2) prints only to stderr. "Today" for the
 * birth-date check is the Asia/Shanghai date, as for a court.
 *
 * Arguments are parsed by hand rather than with getopt: the command has no
 * options besides --help, and getopt would permute or swallow a value that
 * starts with '-'; "--" ends the options for such a value.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/idnum.h"

#include <jansson.h>

#include "core/banned.h"

/* Longer arguments are refused as bad usage: no identifier comes close. */
#define MAX_ARG_BYTES 64

static void usage(FILE *out)
{
    fprintf(
        out,
        "用法：yizhan check id 公民身份号码\n"
        "      yizhan check uscc 统一社会信用代码\n"
        "\n"
        "校验号码格式（不证明号码确已签发）：\n"
        "  id      18 位公民身份号码（GB 11643-1999）：前 17 位数字、校验位（数字或 X，\n"
        "          小写 x 视为 X），出生日期为 1900-01-01 至今日（北京时间）之间的真实日期\n"
        "  uscc    18 位统一社会信用代码（GB 32100-2015）：数字和大写字母（不含 I、O、S、V、Z），\n"
        "          第 3 至 8 位为数字，第 18 位为校验码\n"
        "  -h, --help  显示本说明\n"
        "号码以 - 开头时，在其前加 -- 。参数不超过 %d 字节。\n"
        "\n"
        "输出：标准输出一个 JSON 对象。\n"
        "  有效：{\"valid\":true,\"kind\":\"citizen_id\",\"number\":…,\"birth_date\":…,"
        "\"sex\":\"male|female\",\"region\":…}\n"
        "        {\"valid\":true,\"kind\":\"uscc\",\"code\":…}\n"
        "  无效：{\"valid\":false,\"kind\":…,\"code\":问题代码,\"message\":说明}\n"
        "退出码：0 有效，1 无效，2 用法错误。\n",
        MAX_ARG_BYTES);
}

static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_usage(const char *fmt, ...)
{
    va_list ap;
    fputs("yizhan check：", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n运行 yizhan check --help 查看用法。\n", stderr);
    return YZ_EXIT_USAGE;
}

/* Prints o (reference taken) as one line on stdout. */
static void print_json(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT);
    if (!s)
        YZ_BUG("json_dumps failed");
    puts(s);
    free(s);
    json_decref(o);
}

static int invalid(const char *kind_name, enum yz_idnum_kind kind, enum yz_idnum_problem p)
{
    print_json(json_pack("{s:b, s:s, s:s, s:s}", "valid", 0, "kind", kind_name, "code",
                         yz_idnum_problem_code(p), "message", yz_idnum_problem_message(kind, p)));
    return YZ_EXIT_NO;
}

/* RULE: gb11643-format, gb11643-checksum, gb11643-birthdate */
static int check_citizen(const char *s)
{
    struct yz_idnum_citizen id;
    struct yz_date today = yz_date_of_shanghai(yz_time_now_ms());
    enum yz_idnum_problem p = yz_idnum_citizen_check(s, strlen(s), today, &id);
    if (p != YZ_IDNUM_OK)
        return invalid("citizen_id", YZ_IDNUM_KIND_CITIZEN_ID, p);
    char birth[16];
    yz_date_format(id.birth, birth, sizeof birth);
    print_json(json_pack("{s:b, s:s, s:s, s:s, s:s, s:s}", "valid", 1, "kind", "citizen_id",
                         "number", id.number, "birth_date", birth, "sex",
                         id.sex == YZ_IDNUM_SEX_MALE ? "male" : "female", "region", id.region));
    return YZ_EXIT_OK;
}

/* RULE: gb32100-charset, gb32100-checksum */
static int check_uscc(const char *s)
{
    enum yz_idnum_problem p = yz_idnum_uscc_check(s, strlen(s));
    if (p != YZ_IDNUM_OK)
        return invalid("uscc", YZ_IDNUM_KIND_USCC, p);
    /* Valid means 18 characters of the GB 32100 set: plain ASCII, safe to echo. */
    print_json(json_pack("{s:b, s:s, s:s}", "valid", 1, "kind", "uscc", "code", s));
    return YZ_EXIT_OK;
}

int yz_cmd_check(int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    bool options_done = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && a[0] == '-' && a[1] != '\0') {
            if (strcmp(a, "--") == 0) {
                options_done = true;
                continue;
            }
            if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
                usage(stdout);
                return YZ_EXIT_OK;
            }
            return bad_usage("未知选项 %.*s", MAX_ARG_BYTES, a);
        }
        if (npos == 2)
            return bad_usage("多余的参数 %.*s", MAX_ARG_BYTES, a);
        pos[npos++] = a;
    }
    if (npos == 0)
        return bad_usage("缺少要校验的号码类型（id 或 uscc）和号码");
    const char *kind = pos[0], *value = pos[1];
    bool is_id = strcmp(kind, "id") == 0, is_uscc = strcmp(kind, "uscc") == 0;
    if (!is_id && !is_uscc)
        return bad_usage("未知的号码类型 \"%.*s\"（应为 id 或 uscc）", MAX_ARG_BYTES, kind);
    if (!value)
        return bad_usage("缺少要校验的%s", is_id ? "公民身份号码" : "统一社会信用代码");
    if (strlen(value) > MAX_ARG_BYTES)
        return bad_usage("号码过长（超过 %d 字节）", MAX_ARG_BYTES);
    return is_id ? check_citizen(value) : check_uscc(value);
}
