/*
 * `yizhan deadline`: computes a legal deadline on the holiday calendar, the
 * same yz_deadline_explain() the rest of yizhan uses. The result date is the
 * first line of stdout so scripts can read it; --explain adds the nominal end
 * and every rest day that moved it. Exit 0 with a result (also when the
 * period ran past the calendar: then a warning on stderr), 2 for bad usage or
 * an unusable calendar file.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/buf.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/num.h"
#include "core/banned.h"

#define CALENDAR_FILE "holidays_cn.json"
#define MAX_PATH_BYTES 4096
#define MAX_EXPLAIN_BYTES (1024 * 1024) /* 1000 working days skip far fewer lines than this */

static void usage(FILE *out)
{
    fprintf(out,
            "用法：yizhan deadline --from YYYY-MM-DD (--days N | --workdays N | --months N)\n"
            "                      [--data DIR] [--explain]\n"
            "\n"
            "按法定期间规则计算期间届满日（民事诉讼法第八十五条）：起算日当日不计入；\n"
            "届满日为法定节假日或周末（调休上班日除外）的，顺延至其后第一个工作日。\n"
            "\n"
            "  --from DATE     起算日，格式 YYYY-MM-DD（当日不计入）\n"
            "  --days N        以日计算的期间，N 为 1-%d\n"
            "  --workdays N    以工作日计算的期间（跳过休息日，调休上班日计入），N 为 1-%d\n"
            "  --months N      以月计算的期间（到期月的对应日，无对应日的为月末日），N 为 1-%d\n"
            "  --data DIR      数据目录，读取 DIR/" CALENDAR_FILE "\n"
            "                  （默认：环境变量 YIZHAN_DATA_DIR，未设置时为 data）\n"
            "  --explain       在结果后列出名义届满日和每个被跳过的休息日及原因\n"
            "  -h, --help      显示本说明\n"
            "\n"
            "输出：第一行为届满日 YYYY-MM-DD。超出节假日安排表覆盖年份时仅按周末计算，\n"
            "并在标准错误输出警告（退出码仍为 0）。退出码：0 成功，2 用法或输入错误。\n",
            YZ_DEADLINE_MAX_DAYS, YZ_DEADLINE_MAX_WORKDAYS, YZ_DEADLINE_MAX_MONTHS);
}

static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_usage(const char *fmt, ...)
{
    va_list ap;
    fputs("yizhan deadline：", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n运行 yizhan deadline --help 查看用法。\n", stderr);
    return YZ_EXIT_USAGE;
}

struct explain_ctx {
    struct yz_buf out;
    bool truncated;
};

static void on_skip(void *ctx, const struct yz_day_info *day)
{
    struct explain_ctx *x = ctx;
    char date[16];
    yz_date_format(day->date, date, sizeof date);
    if (!yz_buf_addf(&x->out, "%s %s%s\n", date, day->reason,
                     day->covered ? "" : "（该年度节假日安排未收录，仅按周末计算）"))
        x->truncated = true;
}

static const char *unit_label(enum yz_deadline_unit unit)
{
    switch (unit) {
    case YZ_DEADLINE_DAYS:
        return "日";
    case YZ_DEADLINE_WORKDAYS:
        return "个工作日";
    case YZ_DEADLINE_MONTHS:
        return "个月";
    }
    return "?";
}

enum { OPT_FROM = 1000, OPT_DAYS, OPT_WORKDAYS, OPT_MONTHS, OPT_DATA, OPT_EXPLAIN };

int yz_cmd_deadline(int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, OPT_FROM},
        {"days", required_argument, NULL, OPT_DAYS},
        {"workdays", required_argument, NULL, OPT_WORKDAYS},
        {"months", required_argument, NULL, OPT_MONTHS},
        {"data", required_argument, NULL, OPT_DATA},
        {"explain", no_argument, NULL, OPT_EXPLAIN},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *from_arg = NULL, *n_arg = NULL, *unit_opt = NULL, *data_dir = NULL;
    enum yz_deadline_unit unit = YZ_DEADLINE_DAYS;
    int units = 0, c, rc = YZ_EXIT_USAGE;
    bool explain = false;
    struct yz_calendar *cal = NULL;
    struct yz_buf path = YZ_BUF_INIT(MAX_PATH_BYTES);
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct explain_ctx x = {YZ_BUF_INIT(MAX_EXPLAIN_BYTES), false};

    /* glibc: 0 re-initialises getopt fully, so the command can run more than once per process. */
    optind = 0;
    opterr = 0; /* our own messages, in Chinese */
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_FROM:
            from_arg = optarg;
            break;
        case OPT_DAYS:
        case OPT_WORKDAYS:
        case OPT_MONTHS:
            units++;
            unit = c == OPT_DAYS       ? YZ_DEADLINE_DAYS
                   : c == OPT_WORKDAYS ? YZ_DEADLINE_WORKDAYS
                                       : YZ_DEADLINE_MONTHS;
            unit_opt = c == OPT_DAYS ? "--days" : c == OPT_WORKDAYS ? "--workdays" : "--months";
            n_arg = optarg;
            break;
        case OPT_DATA:
            data_dir = optarg;
            break;
        case OPT_EXPLAIN:
            explain = true;
            break;
        case 'h':
            usage(stdout);
            rc = YZ_EXIT_OK;
            goto out;
        case ':':
            /* For long options optopt holds the option's val, not a character: name it by argv. */
            if (strncmp(argv[optind - 1], "--", 2) == 0)
                rc = bad_usage("选项 %s 需要一个参数", argv[optind - 1]);
            else
                rc = bad_usage("选项 -%c 需要一个参数", optopt);
            goto out;
        default:
            if (strncmp(argv[optind - 1], "--", 2) == 0)
                rc = bad_usage("未知选项或不接受参数的选项带了参数：%s", argv[optind - 1]);
            else
                rc = bad_usage("未知选项 -%c", optopt);
            goto out;
        }
    }
    if (optind < argc) {
        rc = bad_usage("多余的参数 %s", argv[optind]);
        goto out;
    }

    struct yz_date from;
    if (!from_arg) {
        rc = bad_usage("缺少 --from（起算日，格式 YYYY-MM-DD）");
        goto out;
    }
    if (!yz_date_parse(from_arg, &from)) {
        rc = bad_usage("--from \"%s\" 不是有效日期（格式 YYYY-MM-DD）", from_arg);
        goto out;
    }
    if (units == 0) {
        rc = bad_usage("需要指定 --days、--workdays 或 --months 之一");
        goto out;
    }
    if (units > 1) {
        rc = bad_usage("--days、--workdays、--months 只能指定一个，且只能指定一次");
        goto out;
    }
    int64_t max = unit == YZ_DEADLINE_DAYS       ? YZ_DEADLINE_MAX_DAYS
                  : unit == YZ_DEADLINE_WORKDAYS ? YZ_DEADLINE_MAX_WORKDAYS
                                                 : YZ_DEADLINE_MAX_MONTHS;
    int64_t n;
    if (!yz_parse_i64(n_arg, 1, max, &n)) {
        rc = bad_usage("%s 的值 \"%s\" 无效，应为 1-%lld 的整数", unit_opt, n_arg, (long long)max);
        goto out;
    }

    if (!data_dir) {
        const char *env = getenv("YIZHAN_DATA_DIR");
        data_dir = env && *env ? env : "data";
    }
    if (!yz_buf_addf(&path, "%s/%s", data_dir, CALENDAR_FILE)) {
        rc = bad_usage("数据目录路径过长");
        goto out;
    }
    if (yz_calendar_load(path.data, &cal, &err) != YZ_OK) {
        fprintf(stderr, "yizhan deadline：节假日安排表无法使用：%s\n", err.data);
        rc = YZ_EXIT_USAGE;
        goto out;
    }

    struct yz_deadline dl;
    if (yz_deadline_explain(cal, from, unit, (int)n, &dl, explain ? on_skip : NULL, &x) != YZ_OK) {
        rc = bad_usage("期间届满日超出可计算范围（2999-12-31 之后）");
        goto out;
    }

    char end[16], nominal[16];
    yz_date_format(dl.end, end, sizeof end);
    yz_date_format(dl.nominal, nominal, sizeof nominal);
    printf("%s\n", end);
    if (explain) {
        printf("起算日 %s（当日不计入），期间 %lld %s\n", from_arg, (long long)n, unit_label(unit));
        if (unit == YZ_DEADLINE_WORKDAYS)
            printf("名义届满日 %s（按日历日计）%s\n", nominal,
                   dl.shifted_days > 0 ? "；计数时跳过以下休息日：" : "");
        else if (unit == YZ_DEADLINE_MONTHS && dl.nominal.day != from.day)
            printf("名义届满日 %s（到期月没有对应日，取该月末日）\n", nominal);
        else
            printf("名义届满日 %s\n", nominal);
        fputs(x.out.data, stdout);
        if (x.truncated)
            printf("……（其余跳过的日期从略）\n");
        if (dl.shifted_days > 0 && unit != YZ_DEADLINE_WORKDAYS)
            printf("顺延 %d 日，届满日 %s\n", dl.shifted_days, end);
        else if (unit == YZ_DEADLINE_WORKDAYS)
            printf("共跳过 %d 个休息日，届满日 %s\n", dl.shifted_days, end);
        else {
            struct yz_day_info info;
            yz_calendar_describe(cal, dl.end, &info);
            printf("届满日 %s 为%s，无需顺延\n", end,
                   info.kind == YZ_DAY_MAKEUP_WORKDAY ? "调休上班日" : "工作日");
        }
    }
    if (dl.beyond_calendar)
        fprintf(stderr,
                "警告：计算涉及 %d 年，节假日安排表未收录该年度，仅按周末计算，结果可能不准确；"
                "请在国务院公布该年度节假日安排后更新 %s。\n"
                "warning: the computation reached %d, which the holiday calendar does not cover; "
                "only weekends were treated as rest days, so the result may be wrong. Update %s "
                "once the State Council publishes that year's holidays.\n",
                dl.uncovered_year, path.data, dl.uncovered_year, path.data);
    rc = YZ_EXIT_OK;
out:
    yz_calendar_free(cal);
    yz_buf_release(&path);
    yz_buf_release(&err);
    yz_buf_release(&x.out);
    return rc;
}
