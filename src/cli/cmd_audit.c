/*
 * `yizhan audit`: verifies the tamper-evident history and exports its signed
 * anchors (audit/verify.h). Only the public key is needed, so an auditor can
 * run it on a copy of the data directory without the secret keys.
 *
 * The first line of stdout is the machine-readable answer, stable English
 * ("ok: ..." or "event 17: changed (...)"), for scripts and monitoring; the
 * second line says the same in Chinese for the operator (export writes a
 * problem to stderr instead: its stdout may be the document). Exit codes:
 * 0 ok, 1 a problem found, 2 bad usage or an unreadable database, key or
 * document.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/verify.h"
#include "cli/cli_store.h"
#include "cli/commands.h"
#include "core/buf.h"
#include "crypto/keys.h"
#include "store/store.h"
#include "core/banned.h"

#define DB_FILE "yizhan.db"
#define PUB_FILE "audit_ed25519.pub"
#define MAX_PATH_BYTES 4096

static void usage(FILE *out)
{
    fprintf(out, "用法：yizhan audit verify [--dir DIR] [--against FILE]\n"
                 "      yizhan audit export [--dir DIR] [--out FILE]\n"
                 "\n"
                 "校验防篡改的事件历史（全程留痕），或导出签名检查点供第三方留存。\n"
                 "\n"
                 "  verify   逐条重算每个事件的哈希并验证签名、前后链接、编号连续性、\n"
                 "           各事件流的序号、链头和每个检查点；指出第一处问题。\n"
                 "  export   先完成同样的校验，通过后导出检查点、链头和公钥（JSON），\n"
                 "           交给第三方保存；日后用 verify --against 比对，即使持有签名\n"
                 "           私钥的人在导出之后重写并重新签名历史，也能发现。\n"
                 "\n"
                 "各子命令的选项见 yizhan audit verify --help、yizhan audit export --help。\n"
                 "退出码：0 校验通过，1 发现问题，2 用法错误或无法读取数据库、密钥、文件。\n");
}

static void usage_verify(FILE *out)
{
    fprintf(out,
            "用法：yizhan audit verify [--dir DIR] [--against FILE]\n"
            "\n"
            "  --dir DIR       数据目录，含 " DB_FILE " 和 keys/" PUB_FILE "\n"
            "                  （默认：环境变量 YIZHAN_STORAGE_DIR，未设置时为 var）\n"
            "  --against FILE  另外比对先前用 yizhan audit export 导出的文件\n"
            "  -h, --help      显示本说明\n"
            "\n"
            "输出：第一行为 \"ok: N events, M checkpoints verified\" 或第一处问题，\n"
            "例如 \"event 17: changed (content does not match its hash)\"；第二行为中文说明。\n"
            "退出码：0 校验通过，1 发现问题，2 用法错误或无法读取。\n");
}

static void usage_export(FILE *out)
{
    fprintf(out, "用法：yizhan audit export [--dir DIR] [--out FILE]\n"
                 "\n"
                 "  --dir DIR    数据目录（默认：环境变量 YIZHAN_STORAGE_DIR，未设置时为 var）\n"
                 "  --out FILE   写入 FILE（不覆盖已有文件）；默认写到标准输出\n"
                 "  -h, --help   显示本说明\n"
                 "\n"
                 "导出前先完整校验；校验未通过时不导出（退出码 1）。\n");
}

static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_usage(const char *fmt, ...)
{
    va_list ap;
    fputs("yizhan audit：", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n运行 yizhan audit --help 查看用法。\n", stderr);
    return YZ_EXIT_USAGE;
}

static const char *problem_zh(enum yz_audit_problem p, bool against)
{
    switch (p) {
    case YZ_AUDIT_OK:
        return "无问题";
    case YZ_AUDIT_CHANGED:
        return "内容被篡改（与其哈希或签名不符）";
    case YZ_AUDIT_REMOVED:
        return against ? "已不在数据库中（导出文件中有此事件，导出之后被删除）" : "被删除";
    case YZ_AUDIT_INSERTED:
        return "是被插入的记录";
    case YZ_AUDIT_REORDERED:
        return "顺序被调换";
    case YZ_AUDIT_HEAD:
        return against ? "与导出文件中的链头不符（导出之后历史被重写并重新签名）"
                       : "与签名链头不符（最新的事件可能被删除）";
    case YZ_AUDIT_CHECKPOINT:
        return against ? "与导出文件中的检查点不符（导出之后历史被重写并重新签名，或检查点被删除）"
                       : "与签名检查点不符";
    case YZ_AUDIT_DOCUMENT:
        return "导出文件本身未通过签名校验";
    }
    return "有问题";
}

static void print_problem(FILE *out, const struct yz_audit_report *r, bool against)
{
    if (r->event_id > 0)
        fprintf(out, "event %lld: %s (%s)\n校验未通过：第 %lld 号事件%s。\n",
                (long long)r->event_id, yz_audit_problem_name(r->problem), r->detail,
                (long long)r->event_id, problem_zh(r->problem, against));
    else
        fprintf(out, "%s (%s)\n校验未通过：%s。\n", yz_audit_problem_name(r->problem), r->detail,
                problem_zh(r->problem, against));
}

struct opened {
    struct yz_store *store;
    unsigned char pub[YZ_SIGN_PUB_BYTES];
};

static bool join(char *out, size_t size, const char *a, const char *b)
{
    int w = snprintf(out, size, "%s/%s", a, b);
    return w >= 0 && (size_t)w < size;
}

/* Opens DIR's database (which must already exist: never create one here) and public key. */
static int open_dir(const char *dir, struct opened *o)
{
    int rc = yz_cli_open_store("audit", dir, false, &o->store);
    if (rc != YZ_EXIT_OK)
        return rc;
    char pub[MAX_PATH_BYTES];
    struct yz_buf err = YZ_BUF_INIT(1024);
    dir = yz_cli_data_dir(dir);
    if (!join(pub, sizeof pub, dir, "keys/" PUB_FILE)) {
        fprintf(stderr, "yizhan audit：路径过长：%s\n", dir);
        rc = YZ_EXIT_USAGE;
    } else if (yz_keys_read_pub(pub, o->pub, &err) != YZ_OK) {
        fprintf(stderr, "yizhan audit：无法读取审计公钥 %s：%s\n", pub, err.data);
        rc = YZ_EXIT_USAGE;
    }
    yz_buf_release(&err);
    if (rc != YZ_EXIT_OK) {
        yz_store_close(o->store);
        o->store = NULL;
    }
    return rc;
}

enum { OPT_DIR = 1000, OPT_AGAINST, OPT_OUT };

/* Parses the options shared by both subcommands; argv[0] is the subcommand. */
static int parse(int argc, char **argv, bool is_export, const char **dir, const char **file)
{
    static const struct option verify_opts[] = {
        {"dir", required_argument, NULL, OPT_DIR},
        {"against", required_argument, NULL, OPT_AGAINST},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static const struct option export_opts[] = {
        {"dir", required_argument, NULL, OPT_DIR},
        {"out", required_argument, NULL, OPT_OUT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    *dir = NULL;
    *file = NULL;
    optind = 0; /* glibc: full re-initialisation, so commands can run more than once */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", is_export ? export_opts : verify_opts, NULL)) != -1) {
        switch (c) {
        case OPT_DIR:
            *dir = optarg;
            break;
        case OPT_AGAINST:
        case OPT_OUT:
            *file = optarg;
            break;
        case 'h':
            if (is_export)
                usage_export(stdout);
            else
                usage_verify(stdout);
            return -1;
        case ':':
            return bad_usage("选项 %s 缺少参数", argv[optind - 1]);
        default:
            return bad_usage("未知选项 %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return bad_usage("多余的参数 %s", argv[optind]);
    if (*dir && !**dir)
        return bad_usage("--dir 不能为空");
    if (*file && !**file)
        return bad_usage("%s 不能为空", is_export ? "--out" : "--against");
    return YZ_EXIT_OK;
}

static int storage_failure(enum yz_err e)
{
    fprintf(stderr, "yizhan audit：读取数据库失败（%s）：%s\n", yz_err_code(e), yz_err_message(e));
    return YZ_EXIT_USAGE;
}

static int cmd_verify(int argc, char **argv)
{
    const char *dir, *against;
    struct opened o = {0};
    json_t *doc = NULL;
    struct yz_audit_report r;
    struct yz_buf err = YZ_BUF_INIT(1024);
    int rc = parse(argc, argv, false, &dir, &against);
    if (rc != YZ_EXIT_OK)
        return rc < 0 ? YZ_EXIT_OK : rc;

    /* Read the document first: a bad path should not cost a full verification. */
    if (against) {
        enum yz_err e = yz_audit_document_load(against, &doc, &err);
        if (e != YZ_OK) {
            fprintf(stderr, "yizhan audit：无法读取导出文件：%s\n", err.data);
            rc = YZ_EXIT_USAGE;
            goto out;
        }
    }
    rc = open_dir(dir, &o);
    if (rc != YZ_EXIT_OK)
        goto out;

    enum yz_err e = yz_audit_verify(o.store, o.pub, &r);
    if (e == YZ_ERR_VERIFY_FAILED) {
        print_problem(stdout, &r, false);
        rc = YZ_EXIT_NO;
        goto out;
    }
    if (e != YZ_OK) {
        rc = storage_failure(e);
        goto out;
    }
    printf("ok: %lld events, %lld checkpoints verified\n"
           "校验通过：%lld 条事件、%lld 个签名检查点均未发现篡改。\n",
           (long long)r.events_checked, (long long)r.checkpoints_checked,
           (long long)r.events_checked, (long long)r.checkpoints_checked);
    if (!doc)
        goto out;

    e = yz_audit_verify_against(o.store, o.pub, doc, &r);
    if (e == YZ_ERR_VERIFY_FAILED) {
        print_problem(stdout, &r, true);
        rc = YZ_EXIT_NO;
    } else if (e == YZ_ERR_BAD_REQUEST) {
        fprintf(stderr, "yizhan audit：导出文件格式不正确：%s\n", r.detail);
        rc = YZ_EXIT_USAGE;
    } else if (e != YZ_OK) {
        rc = storage_failure(e);
    } else {
        printf("ok: matches the export (%lld checkpoints, head at event %lld)\n"
               "与导出文件一致：%lld 个检查点和链头（第 %lld 号事件）均相符。\n",
               (long long)r.checkpoints_checked, (long long)r.events_checked,
               (long long)r.checkpoints_checked, (long long)r.events_checked);
    }
out:
    json_decref(doc);
    yz_store_close(o.store);
    yz_buf_release(&err);
    return rc;
}

static int cmd_export(int argc, char **argv)
{
    const char *dir, *path;
    struct opened o = {0};
    struct yz_audit_report r;
    FILE *out = stdout;
    bool created = false;
    int rc = parse(argc, argv, true, &dir, &path);
    if (rc != YZ_EXIT_OK)
        return rc < 0 ? YZ_EXIT_OK : rc;
    rc = open_dir(dir, &o);
    if (rc != YZ_EXIT_OK)
        goto out;
    if (path) {
        /* An earlier export is a trust anchor: never overwrite one. */
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            fprintf(stderr, "yizhan audit：无法创建 %s：%s%s\n", path, strerror(errno),
                    errno == EEXIST ? "（导出文件不会被覆盖）" : "");
            rc = YZ_EXIT_USAGE;
            goto out;
        }
        created = true;
        out = fdopen(fd, "w");
        if (!out) {
            close(fd);
            fprintf(stderr, "yizhan audit：无法写入 %s：%s\n", path, strerror(errno));
            rc = YZ_EXIT_USAGE;
            goto out;
        }
    }
    enum yz_err e = yz_audit_export_checkpoints(o.store, o.pub, out, &r);
    if (e == YZ_OK && path && (fflush(out) != 0 || fsync(fileno(out)) != 0))
        e = YZ_ERR_STORAGE_IO;
    if (e == YZ_ERR_VERIFY_FAILED) {
        print_problem(stderr, &r, false); /* stdout may be the document */
        fputs("未导出：历史未通过校验。\n", stderr);
        rc = YZ_EXIT_NO;
    } else if (e == YZ_ERR_STORAGE_IO && path) {
        fprintf(stderr, "yizhan audit：写入 %s 失败\n", path);
        rc = YZ_EXIT_USAGE;
    } else if (e != YZ_OK) {
        rc = storage_failure(e);
    } else if (path) {
        fprintf(stderr, "已导出 %lld 条事件的 %lld 个检查点和链头到 %s\n",
                (long long)r.events_checked, (long long)r.checkpoints_checked, path);
    }
out:
    if (out && out != stdout) {
        if (fclose(out) != 0 && rc == YZ_EXIT_OK) {
            fprintf(stderr, "yizhan audit：写入 %s 失败\n", path);
            rc = YZ_EXIT_USAGE;
        }
    }
    if (created && rc != YZ_EXIT_OK)
        unlink(path);
    yz_store_close(o.store);
    return rc;
}

int yz_cmd_audit(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return YZ_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        usage(stdout);
        return YZ_EXIT_OK;
    }
    if (strcmp(sub, "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    if (strcmp(sub, "export") == 0)
        return cmd_export(argc - 1, argv + 1);
    return bad_usage("未知的子命令 %s", sub);
}
