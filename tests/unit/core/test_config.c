/*
 * Unit tests for src/core/config.c: the table, the three sources and their
 * order, value syntax, rules between keys, the dump, and the sample
 * etc/yizhan.ini (which must document every key with its real default and
 * bounds). Run from the repository root, as `make unit` does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <inttypes.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/utf8.h"

#define SAMPLE "etc/yizhan.ini"

/* ---- helpers ---- */

static char *write_tmp(const char *content)
{
    char *path = strdup("/tmp/yz_test_config_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, strlen(content), f), strlen(content));
    assert_int_equal(fclose(f), 0);
    return path;
}

/* Loads content from a temporary file onto defaults; returns the result. The
 * error text (with the temporary path replaced by "F") goes to msg. */
static enum yz_err load_text(struct yz_config *c, const char *content, char *msg, size_t size)
{
    struct yz_buf err = YZ_BUF_INIT(4096);
    char *path = write_tmp(content);
    enum yz_err rc = yz_config_load_file(c, path, &err);
    size_t plen = strlen(path);
    char *out = msg;
    const char *p = err.data;
    out[0] = '\0';
    while (*p && (size_t)(out - msg) + 2 < size) {
        if (strncmp(p, path, plen) == 0) {
            *out++ = 'F';
            p += plen;
        } else {
            *out++ = *p++;
        }
    }
    *out = '\0';
    unlink(path);
    free(path);
    yz_buf_release(&err);
    return rc;
}

static char *value_of(const struct yz_config *c, const char *key)
{
    static char text[YZ_CONFIG_VALUE_MAX + 1];
    const struct yz_config_key *k = yz_config_find(key);
    assert_non_null(k);
    struct yz_buf b = YZ_BUF_INIT(YZ_CONFIG_VALUE_MAX);
    assert_true(yz_config_format(c, k, &b));
    snprintf(text, sizeof text, "%s", b.data);
    yz_buf_release(&b);
    return text;
}

static void assert_same_config(const struct yz_config *a, const struct yz_config *b)
{
    size_t n;
    const struct yz_config_key *keys = yz_config_keys(&n);
    struct yz_buf va = YZ_BUF_INIT(YZ_CONFIG_VALUE_MAX), vb = YZ_BUF_INIT(YZ_CONFIG_VALUE_MAX);
    for (size_t i = 0; i < n; i++) {
        yz_buf_reset(&va);
        yz_buf_reset(&vb);
        assert_true(yz_config_format(a, &keys[i], &va));
        assert_true(yz_config_format(b, &keys[i], &vb));
        if (strcmp(va.data, vb.data) != 0)
            fail_msg("%s differs: \"%s\" vs \"%s\"", keys[i].key, va.data, vb.data);
    }
    yz_buf_release(&va);
    yz_buf_release(&vb);
}

static enum yz_err set(struct yz_config *c, const char *key, const char *value)
{
    struct yz_buf err = YZ_BUF_INIT(4096);
    enum yz_err rc = yz_config_set(c, key, value, "--set", &err);
    /* every failure explains itself; no success leaves a message */
    assert_true(rc == YZ_OK ? err.len == 0 : err.len > 0);
    yz_buf_release(&err);
    return rc;
}

static void expect_set_error(struct yz_config *c, const char *key, const char *value,
                             const char *expected)
{
    struct yz_buf err = YZ_BUF_INIT(4096);
    char before[YZ_CONFIG_VALUE_MAX + 1];
    snprintf(before, sizeof before, "%s", value_of(c, key));
    assert_int_equal(yz_config_set(c, key, value, "--set", &err), YZ_ERR_CONFIG);
    if (expected)
        assert_string_equal(err.data, expected);
    assert_string_equal(value_of(c, key), before); /* unchanged */
    yz_buf_release(&err);
}

static char *check_text(const struct yz_config *c, enum yz_err *rc)
{
    static char text[4096];
    struct yz_buf err = YZ_BUF_INIT(4096);
    *rc = yz_config_check(c, &err);
    snprintf(text, sizeof text, "%s", err.data);
    yz_buf_release(&err);
    return text;
}

static void format_size(int64_t v, char *out, size_t size)
{
    const int64_t k = 1024;
    if (v && v % (k * k * k) == 0)
        snprintf(out, size, "%" PRId64 "g", v / (k * k * k));
    else if (v && v % (k * k) == 0)
        snprintf(out, size, "%" PRId64 "m", v / (k * k));
    else if (v && v % k == 0)
        snprintf(out, size, "%" PRId64 "k", v / k);
    else
        snprintf(out, size, "%" PRId64, v);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s (run the test from the repository root)", path);
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    assert_true(n > 0);
    fclose(f);
    return buf;
}

/* ---- the table ---- */

static void table_is_well_formed(void **state)
{
    size_t n;
    const struct yz_config_key *keys = yz_config_keys(&n);
    assert_true(n >= 30);
    for (size_t i = 0; i < n; i++) {
        const struct yz_config_key *k = &keys[i];
        char key[128], env[128];
        snprintf(key, sizeof key, "%s.%s", k->section, k->name);
        assert_string_equal(k->key, key);
        snprintf(env, sizeof env, "YIZHAN_%s_%s", k->section, k->name);
        for (char *p = env; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        assert_string_equal(k->env, env);
        assert_int_equal(strspn(k->key, "abcdefghijklmnopqrstuvwxyz0123456789_."), strlen(k->key));
        assert_true(k->doc && *k->doc && !strchr(k->doc, '\n'));
        assert_true(k->min <= k->max);
        assert_ptr_equal(yz_config_find(k->key), k);
        assert_true((k->type == YZ_CONFIG_ENUM) == (k->choices != NULL));
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(keys[j].key, k->key);
            assert_string_not_equal(keys[j].env, k->env);
        }
        /* keys of one section are together, so the dump and the sample group them */
        if (i > 1 && strcmp(keys[i - 1].section, k->section) != 0)
            for (size_t j = 0; j < i; j++)
                assert_string_not_equal(keys[j].section, k->section);
    }
    assert_null(yz_config_find("server.bogus"));
    assert_null(yz_config_find("port"));
}

static void defaults_match_table(void **state)
{
    struct yz_config c;
    yz_config_defaults(&c);
    size_t n;
    const struct yz_config_key *keys = yz_config_keys(&n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(value_of(&c, keys[i].key), keys[i].def);
    /* and the typed fields hold what the brief specifies */
    assert_string_equal(c.server.listen_address, "127.0.0.1");
    assert_int_equal(c.server.port, 8080);
    assert_int_equal(c.server.threads, 2);
    assert_int_equal(c.server.write_threads, 32);
    assert_int_equal(c.server.max_connections, 1024);
    assert_int_equal(c.server.connection_timeout_s, 30);
    assert_int_equal(c.server.max_body_bytes, 1048576);
    assert_int_equal(c.server.max_upload_bytes, 20971520);
    assert_int_equal(c.server.max_header_bytes, 16384);
    assert_int_equal(c.server.max_uri_bytes, 4096);
    assert_int_equal(c.server.max_json_depth, 32);
    assert_string_equal(c.server.public_origin, "http://127.0.0.1:8080");
    assert_string_equal(c.server.tls_cert, "");
    assert_string_equal(c.server.tls_key, "");
    assert_string_equal(c.storage.dir, "var");
    assert_int_equal(c.storage.busy_timeout_ms, 5000);
    assert_int_equal(c.storage.max_list_rows, 200);
    assert_string_equal(c.data.dir, "data");
    assert_int_equal(c.session.party_idle_min, 30);
    assert_int_equal(c.session.party_absolute_h, 12);
    assert_int_equal(c.session.staff_idle_min, 15);
    assert_int_equal(c.session.staff_absolute_h, 8);
    assert_int_equal(c.session.bearer_absolute_h, 24);
    assert_int_equal(c.login.max_failures, 5);
    assert_int_equal(c.login.lockout_base_s, 60);
    assert_int_equal(c.login.lockout_max_s, 3600);
    assert_int_equal(c.login.staff_totp, YZ_CONFIG_TOTP_REQUIRED);
    assert_int_equal(c.idempotency.retention_h, 48);
    assert_int_equal(c.audit.checkpoint_every, 1000);
    assert_int_equal(c.log.level, YZ_LOG_INFO);
    assert_true(c.log.access_log);

    enum yz_err rc;
    assert_string_equal(check_text(&c, &rc), "");
    assert_int_equal(rc, YZ_OK);
    yz_config_release(&c);
    assert_null(c.server.listen_address);
    yz_config_release(&c); /* twice is harmless */
}

/* ---- the sample is the manual ---- */

static void sample_loads_to_defaults(void **state)
{
    struct yz_config c, d;
    yz_config_defaults(&c);
    yz_config_defaults(&d);
    /* start away from the defaults so that loading has something to undo */
    assert_int_equal(set(&c, "server.port", "1"), YZ_OK);
    assert_int_equal(set(&c, "log.level", "error"), YZ_OK);
    assert_int_equal(set(&c, "storage.dir", "/elsewhere"), YZ_OK);
    struct yz_buf err = YZ_BUF_INIT(4096);
    enum yz_err rc = yz_config_load_file(&c, SAMPLE, &err);
    if (rc != YZ_OK)
        fail_msg("%s: %s", SAMPLE, err.data);
    assert_same_config(&c, &d);
    yz_buf_release(&err);
    yz_config_release(&c);
    yz_config_release(&d);
}

struct seen {
    char keys[64][80];
    size_t n;
};

static int collect(void *user, const char *section, const char *name, const char *value)
{
    struct seen *s = user;
    if (s->n < 64)
        snprintf(s->keys[s->n++], sizeof s->keys[0], "%s.%s", section, name);
    return 1;
}

/* Parsed with libinih on its own, not through config.c, so a loader bug that
 * skipped keys could not hide a missing key. */
static void sample_documents_every_key(void **state)
{
    struct seen seen = {0};
    assert_int_equal(ini_parse(SAMPLE, collect, &seen), 0);
    size_t n;
    const struct yz_config_key *keys = yz_config_keys(&n);
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t j = 0; j < seen.n; j++)
            found = found || strcmp(seen.keys[j], keys[i].key) == 0;
        if (!found)
            fail_msg("%s is not in %s", keys[i].key, SAMPLE);
    }
    assert_int_equal(seen.n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(seen.keys[i], keys[i].key); /* in table order */

    /* Each key line is preceded by "; <type>, default <value>, <bounds>; env <VAR>",
     * and that line agrees with the table. */
    char *text = read_all(SAMPLE);
    for (size_t i = 0; i < n; i++) {
        const struct yz_config_key *k = &keys[i];
        char anchor[160], want[200], lo[32], hi[32];
        snprintf(anchor, sizeof anchor, "; env %s\n%s =", k->env, k->name);
        char *at = strstr(text, anchor);
        if (!at)
            fail_msg("%s: no \"%s\" in %s", k->key, anchor, SAMPLE);
        char *line = at;
        while (line > text && line[-1] != '\n')
            line--;
        char doc[300];
        snprintf(doc, sizeof doc, "%.*s", (int)(at - line), line);

        snprintf(want, sizeof want, "; %s", yz_config_type_name(k->type));
        if (strncmp(doc, want, strlen(want)) != 0)
            fail_msg("%s: doc line \"%s\" should start with \"%s\"", k->key, doc, want);
        snprintf(want, sizeof want, "default %s", *k->def ? k->def : "empty");
        if (!strstr(doc, want))
            fail_msg("%s: doc line \"%s\" lacks \"%s\"", k->key, doc, want);
        want[0] = '\0';
        if (k->type == YZ_CONFIG_INT) {
            snprintf(want, sizeof want, ", %" PRId64 "..%" PRId64, k->min, k->max);
        } else if (k->type == YZ_CONFIG_SIZE) {
            format_size(k->min, lo, sizeof lo);
            format_size(k->max, hi, sizeof hi);
            snprintf(want, sizeof want, ", %s..%s", lo, hi);
        } else if (k->type == YZ_CONFIG_ENUM) {
            size_t used = (size_t)snprintf(want, sizeof want, "enum ");
            for (int j = 0; k->choices[j]; j++)
                used += (size_t)snprintf(want + used, sizeof want - used, "%s%s", j ? " | " : "",
                                         k->choices[j]);
        } else if ((k->type == YZ_CONFIG_PATH || k->type == YZ_CONFIG_STRING) && k->min > 0 &&
                   k->syntax == YZ_CONFIG_ANY) {
            snprintf(want, sizeof want, "must not be empty");
        }
        if (want[0] && !strstr(doc, want))
            fail_msg("%s: doc line \"%s\" lacks \"%s\"", k->key, doc, want);
        /* bounds close the line: "0..65535" must not pass for "0..655350" */
        if ((k->type == YZ_CONFIG_INT || k->type == YZ_CONFIG_SIZE) &&
            strcmp(doc + strlen(doc) - strlen(want), want) != 0)
            fail_msg("%s: doc line \"%s\" should end with \"%s\"", k->key, doc, want);
    }
    free(text);
}

/* ---- file errors ---- */

static void file_error_names_file_line_key(void **state)
{
    struct yz_config c;
    char msg[4096];
    yz_config_defaults(&c);
    assert_int_equal(
        load_text(&c, "; comment\n[server]\nthreads = 8\n\nport = 70000\n", msg, sizeof msg),
        YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:5: server.port: 70000 超出范围 0..65535");
    /* all or nothing: the good line before the bad one did not stick */
    assert_int_equal(c.server.threads, 2);
    assert_int_equal(c.server.port, 8080);

    assert_int_equal(load_text(&c, "[server]\nport = 80a\n", msg, sizeof msg), YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:2: server.port: “80a” 不是整数");
    assert_int_equal(load_text(&c, "[server]\nport = 08080\n", msg, sizeof msg), YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:2: server.port: “08080” 不是整数");

    /* a good file applies */
    assert_int_equal(load_text(&c,
                               "\xef\xbb\xbf# BOM, CRLF and comments are fine\r\n[server]\r\n"
                               "port = 9000 ; inline comment\r\n"
                               "  threads = 8\n[log]\naccess_log = off\n[server]\n"
                               "max_body_bytes = 2m\n",
                               msg, sizeof msg),
                     YZ_OK);
    assert_string_equal(msg, "");
    assert_int_equal(c.server.port, 9000);
    assert_int_equal(c.server.threads, 8);
    assert_false(c.log.access_log);
    assert_int_equal(c.server.max_body_bytes, 2 * 1024 * 1024);
    yz_config_release(&c);
}

static void file_unknown_names_and_syntax(void **state)
{
    struct yz_config c;
    char msg[4096];
    yz_config_defaults(&c);
    assert_int_equal(load_text(&c, "[server]\nport = 9000\nprot = 9001\n", msg, sizeof msg),
                     YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:3: 未知的配置项 server.prot");
    /* an empty unknown section is still an error (inih reports keys only) */
    assert_int_equal(load_text(&c, "[server]\nport = 9000\n\n[sever]\n", msg, sizeof msg),
                     YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:4: 未知的节 [sever]");
    assert_int_equal(load_text(&c, "[Server]\nport = 9000\n", msg, sizeof msg), YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:1: 未知的节 [Server]");
    assert_int_equal(load_text(&c, "[server] x\n", msg, sizeof msg), YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:1: 节标题的 ] 之后不能有其他内容");
    assert_int_equal(load_text(&c, "port = 9000\n", msg, sizeof msg), YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:1: “port” 不在任何节内（须先写 [server] 之类的节标题）");
    assert_int_equal(
        load_text(&c, "[server]\nport = 1\n[log]\n[server]\nport = 2\n", msg, sizeof msg),
        YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:5: server.port: 重复设置（第 2 行已设置过）");
    assert_int_equal(load_text(&c, "[server]\n\nport\n", msg, sizeof msg), YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:3: 语法错误：应为 [节] 或 键 = 值");
    assert_int_equal(load_text(&c, "[server\n", msg, sizeof msg), YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:1: 语法错误：应为 [节] 或 键 = 值");
    /* no multi-line values: an indented line without '=' is a syntax error */
    assert_int_equal(
        load_text(&c, "[server]\nlisten_address = 127.0.0.1\n  more\n", msg, sizeof msg),
        YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:3: 语法错误：应为 [节] 或 键 = 值");
    /* inih also splits at ':', which leaves "  ::1" without a name */
    assert_int_equal(
        load_text(&c, "[server]\nlisten_address = 127.0.0.1\n  ::1\n", msg, sizeof msg),
        YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:3: 语法错误：应为 [节] 或 键 = 值");
    assert_int_equal(load_text(&c, "[server]\nport = 9000\n[log]\nlevel = \x01\n", msg, sizeof msg),
                     YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:4: 含有控制字符");
    assert_int_equal(load_text(&c, "[server]\n; caf\xe9\n", msg, sizeof msg), YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:2: 不是有效的 UTF-8（配置文件须以 UTF-8 保存）");
    assert_int_equal(c.server.port, 8080); /* none of the above changed anything */

    struct yz_buf err = YZ_BUF_INIT(4096);
    assert_int_equal(yz_config_load_file(&c, "/nonexistent/yizhan.ini", &err), YZ_ERR_CONFIG);
    assert_non_null(strstr(err.data, "/nonexistent/yizhan.ini: 无法打开配置文件"));
    yz_buf_release(&err);
    yz_config_release(&c);
}

static void file_long_lines(void **state)
{
    struct yz_config c;
    char msg[4096];
    yz_config_defaults(&c);
    /* a 4096-byte value: far past inih's default 200-byte line buffer */
    char *text = malloc(YZ_CONFIG_LINE_MAX + 100);
    char path[YZ_CONFIG_VALUE_MAX + 1];
    memset(path, 'p', YZ_CONFIG_VALUE_MAX);
    path[0] = '/';
    path[YZ_CONFIG_VALUE_MAX] = '\0';
    snprintf(text, YZ_CONFIG_LINE_MAX + 100, "[server]\ntls_cert = %s\nport = 9\n", path);
    assert_int_equal(load_text(&c, text, msg, sizeof msg), YZ_OK);
    assert_string_equal(c.server.tls_cert, path);
    assert_int_equal(c.server.port, 9);
    /* one byte more is refused, naming the line */
    snprintf(text, YZ_CONFIG_LINE_MAX + 100, "[server]\nport = 1\ntls_cert = %sq\n", path);
    assert_int_equal(load_text(&c, text, msg, sizeof msg), YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:3: server.tls_cert: 值过长（4097 字节，最多 4096 字节）");
    /* a line past the line limit is refused before inih sees it */
    memset(text, ';', YZ_CONFIG_LINE_MAX + 1);
    snprintf(text + YZ_CONFIG_LINE_MAX + 1, 20, "\n");
    assert_int_equal(load_text(&c, text, msg, sizeof msg), YZ_ERR_CONFIG);
    assert_string_equal(msg, "F:1: 行过长（最多 8192 字节）");
    free(text);
    yz_config_release(&c);
}

/* The loader changes libinih's process-wide options only for its own parse. */
static void inih_options_restored(void **state)
{
    bool stack = ini_use_stack, realloc_ = ini_allow_realloc, multi = ini_allow_multiline;
    int max_line = ini_max_line;
    struct yz_config c;
    char msg[512];
    yz_config_defaults(&c);
    assert_int_equal(load_text(&c, "[server]\nport = 1\n", msg, sizeof msg), YZ_OK);
    assert_int_equal(load_text(&c, "[server]\nport = x\n", msg, sizeof msg), YZ_ERR_CONFIG);
    assert_int_equal(ini_use_stack, stack);
    assert_int_equal(ini_allow_realloc, realloc_);
    assert_int_equal(ini_allow_multiline, multi);
    assert_int_equal(ini_max_line, max_line);
    yz_config_release(&c);
}

/* ---- sources and their order ---- */

static void env_beats_file_and_set_beats_env(void **state)
{
    struct yz_config c;
    char msg[4096];
    struct yz_buf err = YZ_BUF_INIT(4096);
    yz_config_defaults(&c);
    assert_int_equal(load_text(&c, "[server]\nport = 9000\nthreads = 2\n", msg, sizeof msg), YZ_OK);
    char *envp[] = {"PATH=/usr/bin",
                    "YIZHAN_SERVER_PORT=9001",
                    "YIZHAN_CONFIG=/etc/y.ini",
                    "YIZHAN_DATA_DIR=/srv/data",
                    "NOT_YIZHAN_X=1",
                    "YIZHAN_NOEQUALS",
                    NULL};
    assert_int_equal(yz_config_load_env(&c, envp, &err), YZ_OK);
    assert_string_equal(err.data, "");
    assert_int_equal(c.server.port, 9001);
    assert_int_equal(c.server.threads, 2); /* from the file, untouched by env */
    assert_string_equal(c.data.dir, "/srv/data");
    assert_int_equal(yz_config_set_arg(&c, "server.port=9002", NULL, &err), YZ_OK);
    assert_int_equal(c.server.port, 9002);
    assert_int_equal(yz_config_set(&c, "log.level", "debug", "--set", &err), YZ_OK);
    assert_int_equal(c.log.level, YZ_LOG_DEBUG);

    /* env errors name the variable; a failed env load changes nothing */
    char *bad[] = {"YIZHAN_SERVER_THREADS=16", "YIZHAN_SERVER_PORT=70000", NULL};
    assert_int_equal(yz_config_load_env(&c, bad, &err), YZ_ERR_CONFIG);
    assert_string_equal(err.data,
                        "环境变量 YIZHAN_SERVER_PORT: server.port: 70000 超出范围 0..65535");
    assert_int_equal(c.server.threads, 2);
    yz_buf_reset(&err);
    char *typo[] = {"YIZHAN_SERVER_PROT=1", NULL};
    assert_int_equal(yz_config_load_env(&c, typo, &err), YZ_ERR_CONFIG);
    assert_string_equal(err.data, "环境变量 YIZHAN_SERVER_PROT: 不是 yizhan 的配置项（拼写有误？"
                                  "见 etc/yizhan.ini）");
    yz_buf_reset(&err);

    assert_int_equal(yz_config_set_arg(&c, "server.port", NULL, &err), YZ_ERR_CONFIG);
    assert_string_equal(err.data, "--set: 应写作 节.键=值，例如 server.port=9000");
    yz_buf_reset(&err);
    assert_int_equal(yz_config_set_arg(&c, "server.prot=1", NULL, &err), YZ_ERR_CONFIG);
    assert_string_equal(err.data, "--set: 未知的配置项 “server.prot”");
    yz_buf_reset(&err);
    assert_int_equal(yz_config_set_arg(&c, "server.port=70000", "--set", &err), YZ_ERR_CONFIG);
    assert_string_equal(err.data, "--set: server.port: 70000 超出范围 0..65535");
    assert_int_equal(c.server.port, 9002);
    /* values may contain '=' */
    assert_int_equal(yz_config_set_arg(&c, "storage.dir=/srv/a=b", NULL, &err), YZ_OK);
    assert_string_equal(c.storage.dir, "/srv/a=b");
    yz_buf_release(&err);
    yz_config_release(&c);
}

/* ---- value syntax ---- */

static void sizes(void **state)
{
    struct yz_config c;
    yz_config_defaults(&c);
    const struct {
        const char *text;
        size_t bytes;
    } good[] = {
        {"1m", 1048576}, {"1M", 1048576},   {"1024k", 1048576}, {"2097152", 2097152},
        {"1024", 1024},  {"64m", 67108864}, {"3000", 3000},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(set(&c, "server.max_body_bytes", good[i].text), YZ_OK);
        assert_int_equal(c.server.max_body_bytes, good[i].bytes);
    }
    assert_int_equal(set(&c, "server.max_upload_bytes", "1g"), YZ_OK);
    assert_int_equal(c.server.max_upload_bytes, 1073741824);
    assert_string_equal(value_of(&c, "server.max_upload_bytes"), "1g");
    assert_string_equal(value_of(&c, "server.max_body_bytes"), "3000");

    const char *syntax[] = {"1mb", "1x", "k", "", "-1k", "1.5m", " 1m", "1m ", "+1k", "01k", "1 m"};
    char want[256];
    for (size_t i = 0; i < sizeof syntax / sizeof syntax[0]; i++) {
        snprintf(want, sizeof want,
                 "--set: server.max_body_bytes: “%s” 不是有效的大小（字节数，或带 k/m/g 后缀，如 "
                 "1m）",
                 syntax[i]);
        expect_set_error(&c, "server.max_body_bytes", syntax[i], want);
    }
    expect_set_error(&c, "server.max_body_bytes", "65m",
                     "--set: server.max_body_bytes: “65m” 超出范围 1k..64m");
    expect_set_error(&c, "server.max_body_bytes", "1023", NULL);
    expect_set_error(&c, "server.max_body_bytes", "0k", NULL);
    /* overflow is out of range, not wrapped */
    expect_set_error(&c, "server.max_upload_bytes", "9007199254740993g",
                     "--set: server.max_upload_bytes: “9007199254740993g” 超出范围 1k..1g");
    expect_set_error(&c, "server.max_upload_bytes", "99999999999999999999999",
                     "--set: server.max_upload_bytes: “99999999999999999999999” 超出范围 1k..1g");
    assert_int_equal(c.server.max_body_bytes, 3000);
    yz_config_release(&c);
}

static void ints(void **state)
{
    struct yz_config c;
    yz_config_defaults(&c);
    assert_int_equal(set(&c, "server.port", "0"), YZ_OK);
    assert_int_equal(c.server.port, 0);
    assert_int_equal(set(&c, "server.port", "65535"), YZ_OK);
    expect_set_error(&c, "server.port", "65536", "--set: server.port: 65536 超出范围 0..65535");
    expect_set_error(&c, "server.port", "-1", "--set: server.port: -1 超出范围 0..65535");
    expect_set_error(&c, "server.port", "+1", "--set: server.port: “+1” 不是整数");
    expect_set_error(&c, "server.port", "", "--set: server.port: “” 不是整数");
    expect_set_error(&c, "server.port", "1e3", NULL);
    expect_set_error(&c, "server.threads", "0", "--set: server.threads: 0 超出范围 1..64");
    expect_set_error(&c, "server.write_threads", "257",
                     "--set: server.write_threads: 257 超出范围 1..256");
    expect_set_error(&c, "server.port", "99999999999999999999",
                     "--set: server.port: “99999999999999999999” 不是整数");
    yz_config_release(&c);
}

static void enums(void **state)
{
    struct yz_config c;
    yz_config_defaults(&c);
    const struct {
        const char *text;
        enum yz_log_level level;
    } levels[] = {
        {"debug", YZ_LOG_DEBUG},
        {"info", YZ_LOG_INFO},
        {"warn", YZ_LOG_WARN},
        {"error", YZ_LOG_ERROR},
    };
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(set(&c, "log.level", levels[i].text), YZ_OK);
        assert_int_equal(c.log.level, levels[i].level);
        assert_string_equal(value_of(&c, "log.level"), levels[i].text);
    }
    expect_set_error(&c, "log.level", "verbose",
                     "--set: log.level: “verbose” 不是允许的值（debug | info | warn | error）");
    expect_set_error(&c, "log.level", "INFO", NULL);
    expect_set_error(&c, "log.level", "warning", NULL);
    assert_int_equal(set(&c, "login.staff_totp", "optional"), YZ_OK);
    assert_int_equal(c.login.staff_totp, YZ_CONFIG_TOTP_OPTIONAL);
    assert_int_equal(set(&c, "login.staff_totp", "required"), YZ_OK);
    assert_int_equal(c.login.staff_totp, YZ_CONFIG_TOTP_REQUIRED);
    expect_set_error(&c, "login.staff_totp", "off",
                     "--set: login.staff_totp: “off” 不是允许的值（required | optional）");
    yz_config_release(&c);
}

static void bools(void **state)
{
    struct yz_config c;
    yz_config_defaults(&c);
    const char *yes[] = {"true", "yes", "on", "1"};
    const char *no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(set(&c, "log.access_log", no[i]), YZ_OK);
        assert_false(c.log.access_log);
        assert_string_equal(value_of(&c, "log.access_log"), "false");
        assert_int_equal(set(&c, "log.access_log", yes[i]), YZ_OK);
        assert_true(c.log.access_log);
        assert_string_equal(value_of(&c, "log.access_log"), "true");
    }
    const char *bad[] = {"True", "YES", "2", "", "y", "enabled", "01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_set_error(&c, "log.access_log", bad[i], NULL);
    expect_set_error(&c, "log.access_log", "nope",
                     "--set: log.access_log: “nope” 不是布尔值（true/false、yes/no、on/off、1/0）");
    yz_config_release(&c);
}

static void strings(void **state)
{
    struct yz_config c;
    yz_config_defaults(&c);
    char big[YZ_CONFIG_VALUE_MAX + 2];
    memset(big, 'd', sizeof big - 1);
    big[sizeof big - 1] = '\0'; /* 4097 bytes */
    expect_set_error(&c, "storage.dir", big,
                     "--set: storage.dir: 值过长（4097 字节，最多 4096 字节）");
    expect_set_error(&c, "server.port", big,
                     "--set: server.port: 值过长（4097 字节，最多 4096 字节）");
    big[YZ_CONFIG_VALUE_MAX] = '\0'; /* 4096 bytes: the limit itself is fine */
    assert_int_equal(set(&c, "storage.dir", big), YZ_OK);
    assert_int_equal(strlen(c.storage.dir), YZ_CONFIG_VALUE_MAX);

    assert_int_equal(set(&c, "storage.dir", "/srv/法院 数据"), YZ_OK);
    assert_string_equal(c.storage.dir, "/srv/法院 数据");
    expect_set_error(&c, "storage.dir", "", "--set: storage.dir: 不能为空");
    expect_set_error(&c, "storage.dir", "/srv/\xe6\xb3", "--set: storage.dir: 值不是有效的 UTF-8");
    expect_set_error(&c, "storage.dir", "/srv/a\nb", "--set: storage.dir: 值含有控制字符");
    expect_set_error(&c, "storage.dir", "/srv/a\tb", "--set: storage.dir: 值含有控制字符");
    expect_set_error(&c, "storage.dir", " /srv", "--set: storage.dir: “ /srv” 首尾不能有空白");
    expect_set_error(&c, "storage.dir", "/srv/a ;b", NULL);
    assert_int_equal(set(&c, "storage.dir", "/srv/a;b"), YZ_OK);
    assert_int_equal(set(&c, "server.tls_cert", ""), YZ_OK); /* paths may be empty */

    /* listen_address: literals only */
    assert_int_equal(set(&c, "server.listen_address", "::1"), YZ_OK);
    assert_int_equal(set(&c, "server.listen_address", "0.0.0.0"), YZ_OK);
    assert_int_equal(set(&c, "server.listen_address", "2001:db8::7"), YZ_OK);
    expect_set_error(
        &c, "server.listen_address", "localhost",
        "--set: server.listen_address: “localhost” 不是 IPv4 或 IPv6 地址（不接受主机名）");
    expect_set_error(&c, "server.listen_address", "127.0.0.1:80", NULL);
    expect_set_error(&c, "server.listen_address", "[::1]", NULL);
    expect_set_error(&c, "server.listen_address", "256.0.0.1", NULL);

    /* public_origin: as browsers serialise Origin */
    const char *origins[] = {"https://court.example.cn", "http://127.0.0.1:8080",
                             "https://[::1]:8443", "https://a-b.example:444"};
    for (size_t i = 0; i < sizeof origins / sizeof origins[0]; i++) {
        assert_int_equal(set(&c, "server.public_origin", origins[i]), YZ_OK);
        assert_string_equal(c.server.public_origin, origins[i]);
    }
    const char *bad_origins[] = {"court.example.cn",
                                 "https://court.example.cn/",
                                 "https://Court.example.cn",
                                 "https://court.example.cn:443",
                                 "http://court.example.cn:80",
                                 "https://court.example.cn/path",
                                 "https://",
                                 "https://[::1",
                                 "https://a:0",
                                 "https://a:99999",
                                 "ftp://a",
                                 "https://a?b"};
    for (size_t i = 0; i < sizeof bad_origins / sizeof bad_origins[0]; i++)
        expect_set_error(&c, "server.public_origin", bad_origins[i], NULL);
    expect_set_error(&c, "server.public_origin", "https://x.cn:443",
                     "--set: server.public_origin: “https://x.cn:443” "
                     "须省略默认端口（浏览器发送的 Origin 不含它）");
    yz_config_release(&c);
}

/* ---- rules between keys ---- */

static void tls_both_or_neither(void **state)
{
    struct yz_config c;
    enum yz_err rc;
    yz_config_defaults(&c);
    assert_int_equal(set(&c, "server.tls_cert", "/etc/yizhan/cert.pem"), YZ_OK);
    assert_string_equal(check_text(&c, &rc),
                        "server.tls_cert, server.tls_key: 须同时设置或同时留空（现在只设置了 "
                        "tls_cert）");
    assert_int_equal(rc, YZ_ERR_CONFIG);
    assert_int_equal(set(&c, "server.tls_key", "/etc/yizhan/key.pem"), YZ_OK);
    /* with TLS the origin must be https */
    assert_string_equal(check_text(&c, &rc), "server.public_origin: 启用 TLS 时须以 https:// 开头");
    assert_int_equal(rc, YZ_ERR_CONFIG);
    assert_int_equal(set(&c, "server.public_origin", "https://court.example.cn"), YZ_OK);
    assert_int_equal(set(&c, "server.listen_address", "0.0.0.0"), YZ_OK);
    assert_string_equal(check_text(&c, &rc), "");
    assert_int_equal(rc, YZ_OK);
    /* without TLS, only loopback */
    assert_int_equal(set(&c, "server.tls_cert", ""), YZ_OK);
    check_text(&c, &rc);
    assert_int_equal(rc, YZ_ERR_CONFIG);
    assert_int_equal(set(&c, "server.tls_key", ""), YZ_OK);
    assert_non_null(strstr(check_text(&c, &rc), "server.listen_address: 未配置 TLS 时只能监听"));
    assert_int_equal(rc, YZ_ERR_CONFIG);
    const char *loopbacks[] = {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(set(&c, "server.listen_address", loopbacks[i]), YZ_OK);
        assert_string_equal(check_text(&c, &rc), "");
        assert_int_equal(rc, YZ_OK);
    }
    assert_int_equal(set(&c, "server.listen_address", "128.0.0.1"), YZ_OK);
    check_text(&c, &rc);
    assert_int_equal(rc, YZ_ERR_CONFIG);
    yz_config_release(&c);
}

static void other_rules(void **state)
{
    struct yz_config c;
    enum yz_err rc;
    yz_config_defaults(&c);
    assert_int_equal(set(&c, "session.staff_absolute_h", "1"), YZ_OK);
    assert_int_equal(set(&c, "session.staff_idle_min", "60"), YZ_OK);
    assert_string_equal(check_text(&c, &rc), "");
    assert_int_equal(set(&c, "session.staff_idle_min", "61"), YZ_OK);
    assert_int_equal(set(&c, "session.party_absolute_h", "1"), YZ_OK);
    assert_int_equal(set(&c, "session.party_idle_min", "90"), YZ_OK);
    assert_int_equal(set(&c, "login.lockout_base_s", "7200"), YZ_OK);
    assert_int_equal(set(&c, "server.max_uri_bytes", "64k"), YZ_OK);
    /* every broken rule is reported, one per line */
    assert_string_equal(
        check_text(&c, &rc),
        "server.max_uri_bytes: 不能大于 server.max_header_bytes（请求行计入请求头上限）\n"
        "session.party_idle_min: 90 分钟超过了 session.party_absolute_h（1 小时）\n"
        "session.staff_idle_min: 61 分钟超过了 session.staff_absolute_h（1 小时）\n"
        "login.lockout_base_s: 7200 秒大于 login.lockout_max_s（3600 秒）");
    assert_int_equal(rc, YZ_ERR_CONFIG);
    yz_config_release(&c);
}

/* A caller's small error buffer shortens the message but never loses it, and
 * never ends it in half a character. */
static void messages_fit_small_buffers(void **state)
{
    struct yz_config c;
    yz_config_defaults(&c);
    struct yz_buf err = YZ_BUF_INIT(30);
    assert_int_equal(yz_config_set(&c, "server.port", "70000", "--set", &err), YZ_ERR_CONFIG);
    assert_true(err.len > 20 && err.len <= 30);
    assert_true(yz_utf8_valid(err.data, err.len));
    assert_int_equal(strncmp(err.data, "--set: server.port: 70000 ", 26), 0);
    yz_buf_release(&err);
    yz_config_release(&c);
}

/* ---- the dump ---- */

static void dump_round_trips(void **state)
{
    struct yz_config c, d;
    yz_config_defaults(&c);
    yz_config_defaults(&d);
    size_t n;
    const struct yz_config_key *keys = yz_config_keys(&n);
    /* move every key off its default, to its maximum where it has one */
    for (size_t i = 0; i < n; i++) {
        const struct yz_config_key *k = &keys[i];
        char v[64];
        const char *text = v;
        switch (k->type) {
        case YZ_CONFIG_INT:
        case YZ_CONFIG_SIZE:
            snprintf(v, sizeof v, "%" PRId64, k->max);
            break;
        case YZ_CONFIG_BOOL:
            text = "false";
            break;
        case YZ_CONFIG_ENUM:
            text = strcmp(k->choices[0], k->def) ? k->choices[0] : k->choices[1];
            break;
        case YZ_CONFIG_STRING:
        case YZ_CONFIG_PATH:
            text = k->syntax == YZ_CONFIG_IP_LITERAL ? "::1"
                   : k->syntax == YZ_CONFIG_ORIGIN   ? "https://[::1]:8443"
                                                     : "/srv/一站 data;x #y";
            break;
        }
        assert_int_equal(set(&c, k->key, text), YZ_OK);
        char now[YZ_CONFIG_VALUE_MAX + 1];
        snprintf(now, sizeof now, "%s", value_of(&c, k->key));
        if (strcmp(now, value_of(&d, k->key)) == 0)
            fail_msg("%s: %s is its default", k->key, text);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    yz_config_dump(&c, mem);
    fclose(mem);
    assert_non_null(strstr(buf, "\n[server]\nlisten_address = ::1\nport = 65535\n"));
    assert_non_null(strstr(buf, "max_upload_bytes = 1g\n"));
    char msg[4096];
    assert_int_equal(load_text(&d, buf, msg, sizeof msg), YZ_OK);
    assert_same_config(&c, &d);
    free(buf);

    /* and the defaults' dump (empty paths included) loads back too */
    yz_config_release(&c);
    yz_config_defaults(&c);
    mem = open_memstream(&buf, &len);
    yz_config_dump(&c, mem);
    fclose(mem);
    assert_non_null(strstr(buf, "\ntls_cert =\n"));
    assert_int_equal(load_text(&d, buf, msg, sizeof msg), YZ_OK);
    assert_same_config(&c, &d);
    free(buf);
    yz_config_release(&c);
    yz_config_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_is_well_formed),
        cmocka_unit_test(defaults_match_table),
        cmocka_unit_test(sample_loads_to_defaults),
        cmocka_unit_test(sample_documents_every_key),
        cmocka_unit_test(file_error_names_file_line_key),
        cmocka_unit_test(file_unknown_names_and_syntax),
        cmocka_unit_test(file_long_lines),
        cmocka_unit_test(inih_options_restored),
        cmocka_unit_test(env_beats_file_and_set_beats_env),
        cmocka_unit_test(sizes),
        cmocka_unit_test(ints),
        cmocka_unit_test(enums),
        cmocka_unit_test(bools),
        cmocka_unit_test(strings),
        cmocka_unit_test(tls_both_or_neither),
        cmocka_unit_test(other_rules),
        cmocka_unit_test(messages_fit_small_buffers),
        cmocka_unit_test(dump_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
