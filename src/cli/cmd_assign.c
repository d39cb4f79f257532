/*
 * `yizhan assign verify`: re-runs every recorded draw (随机分案) from the
 * history alone (assignment.h, yz_assign_verify): each draw's seed against
 * its earlier commitment, the weights, the random number and the result
 * against the algorithm of assignment/draw.h, and no recused judge among the
 * candidates, the drawn or the designated. Reads the database only; no key
 * is needed, so an auditor can run it on a copy of the data directory.
 *
 * First line of stdout: "ok: ..." or one line per mismatch
 * ("matter 12 event 345: mismatch (the result is not the one the seed gives)"),
 * then a Chinese summary. Exit codes: 0 every draw matches, 1 a mismatch,
 * 2 bad usage or an unreadable database.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assignment/assignment.h"
#include "cli/cli_store.h"
#include "cli/commands.h"
#include "core/buf.h"
#include "core/num.h"
#include "store/store.h"
#include "core/banned.h"


static void usage(FILE *out)
{
    fprintf(out,
            "用法：yizhan assign verify [--dir DIR] [--matter N]\n"
            "\n"
            "按留痕记录重新演算每一次随机分案：种子须与分案前登记的承诺（哈希）一致，\n"
            "候选法官的权重、随机数和结果须与公开的算法（yizhan-draw/1）演算结果一致，\n"
            "已回避的法官不得成为候选人、被抽中或被指定。\n"
            "\n"
            "  --dir DIR    数据目录，含 yizhan.db（默认：环境变量 YIZHAN_STORAGE_DIR，未设置时为 var）\n"
            "  --matter N   只核对第 N 号事项（案件）\n"
            "  -h, --help   显示本说明\n"
            "\n"
            "退出码：0 全部一致，1 发现不一致，2 用法错误或无法读取数据库。\n");
}

static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "yizhan assign：%s%s\n运行 yizhan assign --help 查看用法。\n", what,
            arg ? arg : "");
    return YZ_EXIT_USAGE;
}

struct verify_ctx {
    int64_t matter_id;
    json_t *out;
};

static enum yz_err verify_tx(struct yz_tx *tx, void *p)
{
    struct verify_ctx *c = p;
    return yz_assign_verify(tx, c->matter_id, &c->out);
}

enum { OPT_DIR = 1000, OPT_MATTER };

static int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"dir", required_argument, NULL, OPT_DIR},
        {"matter", required_argument, NULL, OPT_MATTER},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    int64_t matter = 0;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_DIR:
            dir = optarg;
            break;
        case OPT_MATTER:
            if (!yz_parse_i64(optarg, 1, INT64_C(9007199254740991), &matter))
                return bad_usage("--matter 应为正整数：", optarg);
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
    int rc = yz_cli_open_store("assign", dir, false, &store);
    if (rc != YZ_EXIT_OK)
        return rc;
    struct verify_ctx v = {matter, NULL};
    enum yz_err e = yz_store_read(store, verify_tx, &v);
    yz_store_close(store);
    if (e != YZ_OK) {
        fprintf(stderr, "yizhan assign：读取数据库失败（%s）：%s\n", yz_err_code(e),
                yz_err_message(e));
        return YZ_EXIT_USAGE;
    }
    long long matters = json_integer_value(json_object_get(v.out, "matters"));
    long long draws = json_integer_value(json_object_get(v.out, "draws"));
    long long designations = json_integer_value(json_object_get(v.out, "designations"));
    long long problems = json_integer_value(json_object_get(v.out, "problems"));
    if (problems == 0) {
        printf("ok: %lld draws and %lld designations of %lld matters re-run, all match\n"
               "核对通过：%lld 件案件的 %lld 次随机分案均按种子重新演算一致，%lld 次指定分案均有理由且未指定回避法官。\n",
               draws, designations, matters, matters, draws, designations);
    } else {
        json_t *list = json_object_get(v.out, "mismatches");
        for (size_t i = 0; i < json_array_size(list); i++) {
            json_t *m = json_array_get(list, i);
            printf("matter %lld event %lld: mismatch (%s)\n",
                   (long long)json_integer_value(json_object_get(m, "matter_id")),
                   (long long)json_integer_value(json_object_get(m, "event_id")),
                   json_string_value(json_object_get(m, "problem")));
        }
        printf("核对未通过：发现 %lld 处与留痕记录不一致（共核对 %lld 件案件、%lld 次随机分案）。\n",
               problems, matters, draws);
        rc = YZ_EXIT_NO;
    }
    json_decref(v.out);
    return rc;
}

int yz_cmd_assign(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? YZ_EXIT_USAGE : YZ_EXIT_OK;
    }
    if (strcmp(argv[1], "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    return bad_usage("未知的子命令：", argv[1]);
}
