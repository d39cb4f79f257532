/*
 * `yizhan rollup rebuild`: recomputes the dashboard counters (stats/rollup.h)
 * from the history and says how many rows the incremental counters had
 * wrong. The counters are derived data: rebuilding them changes no record
 * and appends no event. Safe while serving: it writes in steps (a run of the
 * history, or the counters of a few courts; stats/rollup.h), so a server's
 * writes wait for one step, not for the whole rebuild.
 *
 * stdout: "ok: N rollup rows, all matched the history" or
 * "rebuilt: N rollup rows, M differed from the history", then a Chinese line.
 * Exit codes: 0 rebuilt and nothing differed, 1 rebuilt after differences,
 * 2 bad usage or an unreadable database.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_store.h"
#include "cli/commands.h"
#include "core/buf.h"
#include "stats/rollup.h"
#include "store/store.h"
#include "core/banned.h"


static void usage(FILE *out)
{
    fprintf(out,
            "用法：yizhan rollup rebuild [--dir DIR]\n"
            "\n"
            "按留痕记录重新计算统计看板的汇总计数，并报告与逐笔累计的计数不一致的行数。\n"
            "\n"
            "  --dir DIR    数据目录，含 yizhan.db（默认：环境变量 YIZHAN_STORAGE_DIR，未设置时为 var）\n"
            "  -h, --help   显示本说明\n"
            "\n"
            "退出码：0 重算结果与原计数一致，1 原计数有误并已重算，2 用法错误或无法读取数据库。\n");
}

static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "yizhan rollup：%s%s\n运行 yizhan rollup --help 查看用法。\n", what,
            arg ? arg : "");
    return YZ_EXIT_USAGE;
}

enum { OPT_DIR = 1000 };

static int cmd_rebuild(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, OPT_DIR},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_DIR:
            dir = optarg;
            break;
        case 'h':
            usage(stdout);
            return YZ_EXIT_OK;
        case ':':
            return bad_usage("选项缺少参数：", argv[optind - 1]);
        default:
            return bad_usage("未知选项：", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return bad_usage("多余的参数：", argv[optind]);
    struct yz_store *store = NULL;
    int rc = yz_cli_open_store("rollup", dir, true, &store);
    if (rc != YZ_EXIT_OK)
        return rc;
    int64_t rows = 0, differed = 0;
    enum yz_err e = yz_rollup_rebuild(store, &YZ_ROLLUP_PACE, &rows, &differed);
    yz_store_close(store);
    if (e != YZ_OK) {
        fprintf(stderr, "yizhan rollup：重算失败（%s）：%s\n", yz_err_code(e), yz_err_message(e));
        return YZ_EXIT_USAGE;
    }
    if (differed == 0) {
        printf("ok: %lld rollup rows, all matched the history\n"
               "核对通过：%lld 行汇总计数与留痕记录重算结果一致。\n",
               (long long)rows, (long long)rows);
        return YZ_EXIT_OK;
    }
    printf("rebuilt: %lld rollup rows, %lld differed from the history\n"
           "已重算：%lld 行汇总计数，其中 %lld 行与留痕记录不一致，已按留痕记录更正。\n",
           (long long)rows, (long long)differed, (long long)rows, (long long)differed);
    return YZ_EXIT_NO;
}

int yz_cmd_rollup(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? YZ_EXIT_USAGE : YZ_EXIT_OK;
    }
    if (strcmp(argv[1], "rebuild") == 0)
        return cmd_rebuild(argc - 1, argv + 1);
    return bad_usage("未知的子命令：", argv[1]);
}
