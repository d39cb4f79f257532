/*
 * `yizhan fee quote`: the litigation-fee calculator on the command line, the
 * same yz_fee_quote() the API uses. Amounts are typed in yuan (up to two
 * decimals, parsed exactly into fen by yz_fee_parse_yuan). stdout carries
 * exactly one JSON object: the quote (exit 0) or, for bad input, an RFC 9457
 * problem in the API's shape with every bad option in "errors" (exit 2); the
 * errors name the options as typed ("--amount"). No settings are read: the
 * ranged amounts are quoted as the national ranges.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "core/error.h"
#include "core/fielderr.h"
#include "fees/fees.h"

#include <jansson.h>

#include "core/banned.h"

static void usage(FILE *out)
{
    fprintf(out,
            "用法：yizhan fee quote --kind KIND [--amount YUAN] [--procedure ordinary|simplified]\n"
            "                       [--closed-by none|mediation|withdrawal] [--counterclaim]\n"
            "                       [--property-total YUAN] [--damages YUAN]\n"
            "                       [--subtype trademark_patent_maritime|other]\n"
            "\n"
            "按《诉讼费用交纳办法》（国务院令第481号）计算诉讼费用，结果精确到分（四舍五入）。\n"
            "\n"
            "  --kind KIND            类型：\n"
            "      property               财产案件（须填 --amount，诉讼请求金额）\n"
            "      divorce                离婚案件（可填 --property-total，财产总额）\n"
            "      personality_rights     人格权案件（可填 --damages，赔偿金额）\n"
            "      other_non_property     其他非财产案件\n"
            "      ip                     知识产权民事案件（有争议金额的填 --amount）\n"
            "      labor                  劳动争议案件\n"
            "      administrative         行政案件（须填 --subtype）\n"
            "      jurisdiction_objection 管辖权异议（异议不成立的）\n"
            "      execution              申请执行（有执行金额的填 --amount）\n"
            "      preservation           申请保全（涉及财产数额的填 --amount）\n"
            "      payment_order          申请支付令（须填 --amount）\n"
            "      public_summons         申请公示催告\n"
            "      arbitration_review     申请撤销仲裁裁决或者认定仲裁协议效力\n"
            "      bankruptcy             破产案件（须填 --amount，破产财产总额）\n"
            "      special_procedure      特别程序案件（不交纳案件受理费）\n"
            "  --amount YUAN          金额，单位元，最多两位小数，如 12345.67\n"
            "  --procedure P          ordinary 普通程序（默认）| simplified 简易程序（减半）\n"
            "  --closed-by C          none（默认）| mediation 调解结案 | withdrawal 撤诉（减半）\n"
            "  --counterclaim         反诉或有独立请求权第三人的请求合并审理（减半）\n"
            "  --property-total YUAN  离婚案件涉及分割的财产总额\n"
            "  --damages YUAN         人格权案件的损害赔偿金额\n"
            "  --subtype S            行政案件：trademark_patent_maritime 商标、专利、海事 | other "
            "其他\n"
            "  -h, --help             显示本说明\n"
            "\n"
            "减半只减一次（民诉解释第二百零六条）。幅度内由省级人民政府确定的金额未配置时，\n"
            "结果为区间（\"range\": true, min_fen, max_fen）。\n"
            "输出：标准输出一个 JSON 对象（金额单位为分）。输入有误时输出 problem+json 对象。\n"
            "退出码：0 成功，2 用法或输入错误。\n");
}

/* Prints the problem object for fe on stdout; returns the usage exit code. */
static int problem(const struct yz_field_errors *fe)
{
    json_t *p = json_object();
    json_object_set_new(p, "type", json_string("urn:yizhan:problem:validation_failed"));
    json_object_set_new(p, "title", json_string(yz_err_message(YZ_ERR_VALIDATION)));
    json_object_set_new(p, "status", json_integer(yz_err_status(YZ_ERR_VALIDATION)));
    json_object_set_new(p, "code", json_string(yz_err_code(YZ_ERR_VALIDATION)));
    json_t *errs = json_array();
    for (int i = 0; i < fe->count; i++) {
        const struct yz_field_error *f = &fe->items[i];
        /* The field may echo an argument as typed: never let bad UTF-8 lose the error. */
        json_t *field = json_string(f->field);
        json_array_append_new(errs, json_pack("{s:o, s:s, s:s}", "field",
                                              field ? field : json_string("argument"), "code",
                                              f->code, "message", f->message));
    }
    json_object_set_new(p, "errors", errs);
    if (fe->dropped)
        json_object_set_new(p, "errors_omitted", json_integer(fe->dropped));
    char *s = json_dumps(p, JSON_COMPACT);
    if (!s)
        YZ_BUG("json_dumps failed");
    puts(s);
    free(s);
    json_decref(p);
    fputs("运行 yizhan fee --help 查看用法。\n", stderr);
    return YZ_EXIT_USAGE;
}

/* The calculator names fields after request members; the CLI user typed options. */
static const char *option_of(const char *field)
{
    static const struct {
        const char *field, *option;
    } map[] = {
        {"kind", "--kind"},
        {"amount_fen", "--amount"},
        {"procedure", "--procedure"},
        {"closed_by", "--closed-by"},
        {"counterclaim", "--counterclaim"},
        {"property_total_fen", "--property-total"},
        {"damages_fen", "--damages"},
        {"subtype", "--subtype"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].field, field) == 0)
            return map[i].option;
    return field;
}

enum {
    OPT_KIND = 1000,
    OPT_AMOUNT,
    OPT_PROCEDURE,
    OPT_CLOSED_BY,
    OPT_COUNTERCLAIM,
    OPT_PROPERTY_TOTAL,
    OPT_DAMAGES,
    OPT_SUBTYPE,
    OPT__END
};

static void yuan_option(const char *name, const char *v, bool *has, int64_t *fen,
                        struct yz_field_errors *fe)
{
    if (yz_fee_parse_yuan(v, fen))
        *has = true;
    else
        yz_field_errors_add(
            fe, name, "invalid_amount",
            "金额应为以元为单位的数字，最多两位小数（如 12345.67），且不超过 10 万亿元");
}

int yz_cmd_fee(int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, OPT_KIND},
        {"amount", required_argument, NULL, OPT_AMOUNT},
        {"procedure", required_argument, NULL, OPT_PROCEDURE},
        {"closed-by", required_argument, NULL, OPT_CLOSED_BY},
        {"counterclaim", no_argument, NULL, OPT_COUNTERCLAIM},
        {"property-total", required_argument, NULL, OPT_PROPERTY_TOTAL},
        {"damages", required_argument, NULL, OPT_DAMAGES},
        {"subtype", required_argument, NULL, OPT_SUBTYPE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct yz_field_errors fe = {0};
    struct yz_fee_request r = {0};
    bool seen[OPT__END - OPT_KIND] = {false};
    int c, li = 0;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return YZ_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "quote") != 0) {
        if (argc < 2)
            yz_field_errors_add(&fe, "command", "required", "缺少子命令：yizhan fee quote");
        else
            yz_field_errors_add(&fe, "command", "not_allowed", "未知的子命令，应为 quote");
        return problem(&fe);
    }
    argc--;
    argv++;

    /* glibc: 0 re-initialises getopt fully, so the command can run more than once per process. */
    optind = 0;
    opterr = 0; /* our own messages, in Chinese */
    while ((c = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
        if (c >= OPT_KIND && c < OPT__END) {
            if (seen[c - OPT_KIND]) {
                char name[48];
                snprintf(name, sizeof name, "--%s", opts[li].name);
                yz_field_errors_add(&fe, name, "duplicate", "同一选项只能指定一次");
                continue;
            }
            seen[c - OPT_KIND] = true;
        }
        switch (c) {
        case OPT_KIND:
            if (!yz_fee_kind_parse(optarg, &r.kind))
                yz_field_errors_add(&fe, "--kind", "not_allowed",
                                    "类型不正确，可选值见 yizhan fee --help");
            break;
        case OPT_AMOUNT:
            yuan_option("--amount", optarg, &r.has_amount, &r.amount_fen, &fe);
            break;
        case OPT_PROPERTY_TOTAL:
            yuan_option("--property-total", optarg, &r.has_property_total, &r.property_total_fen,
                        &fe);
            break;
        case OPT_DAMAGES:
            yuan_option("--damages", optarg, &r.has_damages, &r.damages_fen, &fe);
            break;
        case OPT_PROCEDURE:
            if (!yz_fee_procedure_parse(optarg, &r.procedure))
                yz_field_errors_add(&fe, "--procedure", "not_allowed",
                                    "审理程序应为 ordinary 或 simplified");
            break;
        case OPT_CLOSED_BY:
            if (!yz_fee_closed_by_parse(optarg, &r.closed_by))
                yz_field_errors_add(&fe, "--closed-by", "not_allowed",
                                    "结案方式应为 none、mediation 或 withdrawal");
            break;
        case OPT_COUNTERCLAIM:
            r.counterclaim = true;
            break;
        case OPT_SUBTYPE:
            if (!yz_fee_subtype_parse(optarg, &r.admin_subtype))
                yz_field_errors_add(&fe, "--subtype", "not_allowed",
                                    "行政案件类型应为 trademark_patent_maritime 或 other");
            break;
        case 'h':
            usage(stdout);
            return YZ_EXIT_OK;
        case ':':
            yz_field_errors_add(&fe, argv[optind - 1], "missing_value", "该选项需要一个值");
            break;
        default:
            yz_field_errors_add(&fe, argv[optind - 1], "unknown_option",
                                "未知选项，或不接受值的选项带了值");
            break;
        }
    }
    for (int i = optind; i < argc; i++)
        yz_field_errors_add(&fe, argv[i], "unexpected_argument", "多余的参数");
    if (fe.count || fe.dropped) {
        /* Report what the calculator would add only when the options themselves parsed. */
        return problem(&fe);
    }

    struct yz_fee_quote q;
    struct yz_field_errors qfe = {0};
    if (yz_fee_quote(&r, NULL, &q, &qfe) != YZ_OK) {
        for (int i = 0; i < qfe.count; i++)
            yz_field_errors_add(&fe, option_of(qfe.items[i].field), qfe.items[i].code, "%s",
                                qfe.items[i].message);
        fe.dropped += qfe.dropped;
        return problem(&fe);
    }
    json_t *j = yz_fee_quote_json(&q);
    char *s = json_dumps(j, JSON_COMPACT);
    if (!s)
        YZ_BUG("json_dumps failed");
    puts(s);
    free(s);
    json_decref(j);
    return YZ_EXIT_OK;
}
