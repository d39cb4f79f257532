/*
 * The configuration table and its three readers (INI file, environment,
 * --set). Every reader ends in apply(), which checks a value against its row
 * and writes the field at the row's offset, so all sources share one set of
 * rules and one set of error messages. Defaults are text in the table and go
 * through apply() too: a default that breaks its own bounds aborts at startup.
 *
 * File and environment loads work on a copy and commit it only when every
 * value was good, so a failed load leaves the caller's configuration intact.
 *
 * Debian's libinih is built without line numbers in the handler and with a
 * 200-byte line buffer; it exports its options as variables instead. We set
 * those for the parse (heap buffer that grows, no multi-line values, stop at
 * the first error) and feed it through our own reader, which also counts
 * lines, enforces the limits and checks section headers (inih reports only
 * keys, so an empty unknown section would otherwise pass unseen).
 */
#include "core/config.h"
#include "core/num.h"
#include "core/utf8.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define KIB ((int64_t)1024)
#define MIB (KIB * 1024)
#define GIB (MIB * 1024)

static const char *const log_levels[] = {"debug", "info", "warn", "error", NULL};
static const char *const totp_modes[] = {"required", "optional", NULL};
static const char *const fee_roundings[] = {"fen", "yuan", NULL};
static const char *const starttls_modes[] = {"off", "try", "required", NULL};

/* Enum fields are written as int: their values must be the choice indexes. */
_Static_assert(YZ_LOG_DEBUG == 0 && YZ_LOG_INFO == 1 && YZ_LOG_WARN == 2 && YZ_LOG_ERROR == 3,
               "log_levels[] follows enum yz_log_level");
_Static_assert(YZ_CONFIG_TOTP_REQUIRED == 0 && YZ_CONFIG_TOTP_OPTIONAL == 1,
               "totp_modes[] follows enum yz_config_totp");
_Static_assert(sizeof(enum yz_log_level) == sizeof(int), "enum fields are int-sized");
_Static_assert(sizeof(enum yz_config_totp) == sizeof(int), "enum fields are int-sized");
_Static_assert(YZ_CONFIG_STARTTLS_OFF == 0 && YZ_CONFIG_STARTTLS_TRY == 1 &&
                   YZ_CONFIG_STARTTLS_REQUIRED == 2,
               "starttls_modes[] follows enum yz_config_starttls");
_Static_assert(sizeof(enum yz_config_starttls) == sizeof(int), "enum fields are int-sized");

#define ROW(sec, nm, env, type, field, def, lo, hi, choices, syntax, doc)                          \
    {                                                                                              \
        sec "." nm, sec, nm, env, type, def, lo, hi, choices, syntax, doc,                         \
            offsetof(struct yz_config, field), sizeof(((struct yz_config *)0)->field)              \
    }
#define STR(sec, nm, env, field, def, minlen, syntax, doc)                                         \
    ROW(sec, nm, env, YZ_CONFIG_STRING, field, def, minlen, YZ_CONFIG_VALUE_MAX, NULL, syntax, doc)
#define PATH(sec, nm, env, field, def, minlen, doc)                                                \
    ROW(sec, nm, env, YZ_CONFIG_PATH, field, def, minlen, YZ_CONFIG_VALUE_MAX, NULL,               \
        YZ_CONFIG_ANY, doc)
#define INT(sec, nm, env, field, def, lo, hi, doc)                                                 \
    ROW(sec, nm, env, YZ_CONFIG_INT, field, def, lo, hi, NULL, YZ_CONFIG_ANY, doc)
#define SIZE(sec, nm, env, field, def, lo, hi, doc)                                                \
    ROW(sec, nm, env, YZ_CONFIG_SIZE, field, def, lo, hi, NULL, YZ_CONFIG_ANY, doc)
#define BOOL(sec, nm, env, field, def, doc)                                                        \
    ROW(sec, nm, env, YZ_CONFIG_BOOL, field, def, 0, 1, NULL, YZ_CONFIG_ANY, doc)
#define ENUM(sec, nm, env, field, def, choices, doc)                                               \
    ROW(sec, nm, env, YZ_CONFIG_ENUM, field, def, 0, (int64_t)ARRAY_LEN(choices) - 2, choices,     \
        YZ_CONFIG_ANY, doc)

/* The table. Keep etc/yizhan.ini in the same order; test_config checks it. */
static const struct yz_config_key table[] = {
    STR("server", "listen_address", "YIZHAN_SERVER_LISTEN_ADDRESS", server.listen_address,
        "127.0.0.1", 1, YZ_CONFIG_IP_LITERAL, "address to listen on (IPv4 or IPv6 literal)"),
    INT("server", "port", "YIZHAN_SERVER_PORT", server.port, "8080", 0, 65535,
        "TCP port; 0 picks a free port (tests)"),
    /* Reads are answered on the threads that serve connections: on two cores
     * 4 of them left the database writer more CPU than 16 did (quick bench:
     * 6,037-6,092 creates/s at 64 connections against 4,068-4,689) with the
     * same read latency. A durable write waits for its group's fsync on a
     * writer thread instead, so it never holds up reads, and the writer count
     * bounds how many writes one fsync can carry (group commit). */
    INT("server", "threads", "YIZHAN_SERVER_THREADS", server.threads, "2", 1, 64,
        "threads that serve connections and answer reads"),
    INT("server", "write_threads", "YIZHAN_SERVER_WRITE_THREADS", server.write_threads, "32", 1,
        256, "threads that run requests which write (each waits for its group's commit)"),
    INT("server", "max_connections", "YIZHAN_SERVER_MAX_CONNECTIONS", server.max_connections,
        "1024", 1, 65536, "simultaneous connections"),
    INT("server", "connection_timeout_s", "YIZHAN_SERVER_CONNECTION_TIMEOUT_S",
        server.connection_timeout_s, "30", 1, 600, "idle connection timeout, seconds"),
    SIZE("server", "max_body_bytes", "YIZHAN_SERVER_MAX_BODY_BYTES", server.max_body_bytes, "1m",
         KIB, 64 * MIB, "largest request body (JSON requests)"),
    SIZE("server", "max_upload_bytes", "YIZHAN_SERVER_MAX_UPLOAD_BYTES", server.max_upload_bytes,
         "20m", KIB, GIB, "largest uploaded file"),
    SIZE("server", "max_header_bytes", "YIZHAN_SERVER_MAX_HEADER_BYTES", server.max_header_bytes,
         "16k", 4 * KIB, MIB, "largest request line plus headers"),
    SIZE("server", "max_uri_bytes", "YIZHAN_SERVER_MAX_URI_BYTES", server.max_uri_bytes, "4k", 256,
         64 * KIB, "longest request URI"),
    INT("server", "max_json_depth", "YIZHAN_SERVER_MAX_JSON_DEPTH", server.max_json_depth, "32", 2,
        64, "deepest nesting accepted in a JSON body"),
    STR("server", "public_origin", "YIZHAN_SERVER_PUBLIC_ORIGIN", server.public_origin,
        "http://127.0.0.1:8080", 1, YZ_CONFIG_ORIGIN,
        "origin browsers use; checked on cookie-authenticated state changes"),
    PATH("server", "tls_cert", "YIZHAN_SERVER_TLS_CERT", server.tls_cert, "", 0,
         "PEM certificate chain; empty = plain HTTP on loopback"),
    PATH("server", "tls_key", "YIZHAN_SERVER_TLS_KEY", server.tls_key, "", 0,
         "PEM private key; set with tls_cert or not at all"),

    PATH("storage", "dir", "YIZHAN_STORAGE_DIR", storage.dir, "var", 1,
         "data directory: database, keys, uploads"),
    INT("storage", "busy_timeout_ms", "YIZHAN_STORAGE_BUSY_TIMEOUT_MS", storage.busy_timeout_ms,
        "5000", 100, 60000, "wait for a locked database, milliseconds"),
    INT("storage", "max_list_rows", "YIZHAN_STORAGE_MAX_LIST_ROWS", storage.max_list_rows, "200", 1,
        10000, "most rows one list request returns"),
    INT("storage", "max_group", "YIZHAN_STORAGE_MAX_GROUP", storage.max_group, "64", 1, 256,
        "most write requests committed together (1 = a commit per request)"),

    PATH("data", "dir", "YIZHAN_DATA_DIR", data.dir, "data", 1,
         "reference data: calendars, catalogues, workflows"),

    PATH("web", "root", "YIZHAN_WEB_ROOT", web.root, "web/dist", 0,
         "the built browser UI (make builds web/dist); empty = API only"),

    INT("session", "party_idle_min", "YIZHAN_SESSION_PARTY_IDLE_MIN", session.party_idle_min, "30",
        5, 1440, "party/lawyer session ends after this many idle minutes"),
    INT("session", "party_absolute_h", "YIZHAN_SESSION_PARTY_ABSOLUTE_H", session.party_absolute_h,
        "12", 1, 168, "party/lawyer session ends this many hours after login"),
    INT("session", "staff_idle_min", "YIZHAN_SESSION_STAFF_IDLE_MIN", session.staff_idle_min, "15",
        5, 480, "staff session ends after this many idle minutes"),
    INT("session", "staff_absolute_h", "YIZHAN_SESSION_STAFF_ABSOLUTE_H", session.staff_absolute_h,
        "8", 1, 24, "staff session ends this many hours after login"),
    INT("session", "bearer_absolute_h", "YIZHAN_SESSION_BEARER_ABSOLUTE_H",
        session.bearer_absolute_h, "24", 1, 720, "API bearer tokens expire after this many hours"),

    INT("login", "max_failures", "YIZHAN_LOGIN_MAX_FAILURES", login.max_failures, "5", 3, 20,
        "failed logins in a row before the account locks"),
    INT("login", "lockout_base_s", "YIZHAN_LOGIN_LOCKOUT_BASE_S", login.lockout_base_s, "60", 1,
        86400, "first lockout, seconds; later lockouts grow up to lockout_max_s"),
    INT("login", "lockout_max_s", "YIZHAN_LOGIN_LOCKOUT_MAX_S", login.lockout_max_s, "3600", 60,
        604800, "longest lockout, seconds"),
    ENUM("login", "staff_totp", "YIZHAN_LOGIN_STAFF_TOTP", login.staff_totp, "required", totp_modes,
         "whether staff must use a TOTP second factor"),

    INT("idempotency", "retention_h", "YIZHAN_IDEMPOTENCY_RETENTION_H", idempotency.retention_h,
        "48", 24, 720, "hours a stored response answers a repeated Idempotency-Key"),

    INT("audit", "checkpoint_every", "YIZHAN_AUDIT_CHECKPOINT_EVERY", audit.checkpoint_every,
        "1000", 1, 1000000, "events between signed checkpoints"),

    ENUM("log", "level", "YIZHAN_LOG_LEVEL", log.level, "info", log_levels,
         "least severe level written"),
    BOOL("log", "access_log", "YIZHAN_LOG_ACCESS_LOG", log.access_log, "true",
         "one access line per request"),

    STR("fees", "average_wage", "YIZHAN_FEES_AVERAGE_WAGE", fees.average_wage, "", 0,
        YZ_CONFIG_ANY, "province's previous-year average annual wage of employed persons in fen, dated: FROM:FEN[,FROM:FEN...] (FROM = YYYY-MM-DD the figure applies from); empty = unknown"),
    STR("fees", "divorce_fen", "YIZHAN_FEES_DIVORCE_FEN", fees.divorce_fen, "", 0,
        YZ_CONFIG_ANY, "fee in fen for divorce cases, art. 13(2)1 (national 5000-30000): N or MIN-MAX; empty = national range"),
    STR("fees", "personality_rights_fen", "YIZHAN_FEES_PERSONALITY_RIGHTS_FEN", fees.personality_rights_fen, "", 0,
        YZ_CONFIG_ANY, "fee in fen for personality-rights cases, art. 13(2)2 (national 10000-50000): N or MIN-MAX; empty = national range"),
    STR("fees", "other_non_property_fen", "YIZHAN_FEES_OTHER_NON_PROPERTY_FEN", fees.other_non_property_fen, "", 0,
        YZ_CONFIG_ANY, "fee in fen for other non-property cases, art. 13(2)3 (national 5000-10000): N or MIN-MAX; empty = national range"),
    STR("fees", "ip_without_amount_fen", "YIZHAN_FEES_IP_WITHOUT_AMOUNT_FEN", fees.ip_without_amount_fen, "", 0,
        YZ_CONFIG_ANY, "fee in fen for IP cases without an amount, art. 13(3) (national 50000-100000): N or MIN-MAX; empty = national range"),
    STR("fees", "jurisdiction_objection_fen", "YIZHAN_FEES_JURISDICTION_OBJECTION_FEN", fees.jurisdiction_objection_fen, "", 0,
        YZ_CONFIG_ANY, "fee in fen for jurisdiction objections, art. 13(6) (national 5000-10000): N or MIN-MAX; empty = national range"),
    STR("fees", "execution_without_amount_fen", "YIZHAN_FEES_EXECUTION_WITHOUT_AMOUNT_FEN", fees.execution_without_amount_fen, "", 0,
        YZ_CONFIG_ANY, "fee in fen for execution without an amount, art. 14(1) (national 5000-50000): N or MIN-MAX; empty = national range"),
    ENUM("fees", "rounding", "YIZHAN_FEES_ROUNDING", fees.rounding, "fen", fee_roundings,
         "round fees half up to the fen or to the whole yuan"),

    STR("payments", "gateway_url", "YIZHAN_PAYMENTS_GATEWAY_URL", payments.gateway_url, "", 0,
        YZ_CONFIG_ANY, "payment page of the fee gateway; empty = online payment off"),
    PATH("payments", "gateway_key_file", "YIZHAN_PAYMENTS_GATEWAY_KEY_FILE",
         payments.gateway_key_file, "", 0,
         "file with the key the gateway signs its callbacks with (mode 0600)"),

    STR("notify", "smtp_url", "YIZHAN_NOTIFY_SMTP_URL", notify.smtp_url, "", 0, YZ_CONFIG_ANY,
        "mail relay, smtp://host:port or smtps://host:port; empty = e-mail off"),
    ENUM("notify", "smtp_starttls", "YIZHAN_NOTIFY_SMTP_STARTTLS", notify.smtp_starttls, "off",
         starttls_modes, "STARTTLS (certificate verified) on smtp:// relays"),
    STR("notify", "mail_from", "YIZHAN_NOTIFY_MAIL_FROM", notify.mail_from,
        "noreply@court.example.cn", 1, YZ_CONFIG_ANY, "sender address of notification e-mail"),
    STR("notify", "sms_url", "YIZHAN_NOTIFY_SMS_URL", notify.sms_url, "", 0, YZ_CONFIG_ANY,
        "SMS gateway endpoint (HTTP POST, signed); empty = SMS off"),
    PATH("notify", "sms_key_file", "YIZHAN_NOTIFY_SMS_KEY_FILE", notify.sms_key_file, "", 0,
         "file with the key requests to the SMS gateway are signed with (mode 0600)"),
    INT("notify", "batch", "YIZHAN_NOTIFY_BATCH", notify.batch, "50", 1, 500,
        "e-mail and SMS messages taken per sending pass"),
    INT("notify", "interval_ms", "YIZHAN_NOTIFY_INTERVAL_MS", notify.interval_ms, "1000", 100,
        60000, "milliseconds between sending passes"),
    INT("notify", "retry_base_ms", "YIZHAN_NOTIFY_RETRY_BASE_MS", notify.retry_base_ms, "10000",
        100, 3600000, "delay before the first retry; doubles per attempt up to one hour"),
};

#define NKEYS ARRAY_LEN(table)

/* YIZHAN_* variables that are not configuration keys. */
static const char *const non_config_env[] = {
    "YIZHAN_CONFIG", /* the configuration file path, read by the CLI */
};

/* ---- messages ---- */

/* Appends a message (one line; a newline separates it from earlier ones),
 * cut to fit err's maximum at a character boundary, so a long file name can
 * shorten a message but never drop it. */
static void say(struct yz_buf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct yz_buf *err, const char *fmt, ...)
{
    char msg[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t len = strlen(msg);
    if (err->len && err->len < err->max)
        yz_buf_addc(err, '\n');
    size_t room = err->max > err->len ? err->max - err->len : 0;
    if (len > room)
        len = room;
    if (len < (size_t)n) /* cut: do not leave half a character at the end */
        for (int i = 0; i < 4 && len > 0 && !yz_utf8_valid(msg, len); i++)
            len--;
    yz_buf_add(err, msg, len);
}

/* Up to 64 bytes of s (n bytes of text without control bytes) for a message,
 * cut at a character boundary, with "…" when cut. Text cut short elsewhere
 * (inih truncates long names) loses its broken last character here. */
static const char *clip(const char *s, size_t n, char *out, size_t size)
{
    const char *more = "";
    if (n > 64) {
        n = 64;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
        more = "…";
    }
    while (n > 0 && !yz_utf8_valid(s, n))
        n--;
    snprintf(out, size, "%.*s%s", (int)n, s, more);
    return out;
}

/* A user-supplied value for a message, clipped and in quotes. */
static const char *quote(const char *v, char *out, size_t size)
{
    char tmp[80];
    clip(v, strlen(v), tmp, sizeof tmp);
    snprintf(out, size, "“%s”", tmp);
    return out;
}

/* Sizes are shown with the largest suffix that divides them exactly. */
static void format_size(int64_t v, char *out, size_t size)
{
    if (v != 0 && v % GIB == 0)
        snprintf(out, size, "%" PRId64 "g", v / GIB);
    else if (v != 0 && v % MIB == 0)
        snprintf(out, size, "%" PRId64 "m", v / MIB);
    else if (v != 0 && v % KIB == 0)
        snprintf(out, size, "%" PRId64 "k", v / KIB);
    else
        snprintf(out, size, "%" PRId64, v);
}

/* ---- value parsing ---- */

enum parsed { PARSE_OK, PARSE_SYNTAX, PARSE_RANGE };

static enum parsed parse_size(const char *s, int64_t *out)
{
    size_t n = strlen(s);
    int64_t mult = 1;
    if (n > 0) {
        switch (s[n - 1]) {
        case 'k':
        case 'K':
            mult = KIB;
            n--;
            break;
        case 'm':
        case 'M':
            mult = MIB;
            n--;
            break;
        case 'g':
        case 'G':
            mult = GIB;
            n--;
            break;
        default:
            break;
        }
    }
    char digits[24];
    if (n == 0 || n >= sizeof digits)
        return n == 0 ? PARSE_SYNTAX : PARSE_RANGE;
    memcpy(digits, s, n);
    digits[n] = '\0';
    int64_t v;
    if (!yz_parse_i64(digits, 0, INT64_MAX, &v)) {
        /* all digits but unparseable means too large; anything else is syntax */
        return strspn(digits, "0123456789") == n && digits[0] != '0' ? PARSE_RANGE : PARSE_SYNTAX;
    }
    if (v > INT64_MAX / mult)
        return PARSE_RANGE;
    *out = v * mult;
    return PARSE_OK;
}

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* An origin as browsers serialise it: lower-case scheme and host, no default
 * port, no path; so that comparing it with the Origin header is a strcmp. */
static const char *origin_problem(const char *s)
{
    const char *host;
    bool https;
    if (strncmp(s, "https://", 8) == 0) {
        host = s + 8;
        https = true;
    } else if (strncmp(s, "http://", 7) == 0) {
        host = s + 7;
        https = false;
    } else {
        return "必须以 http:// 或 https:// 开头";
    }
    const char *end;
    if (*host == '[') {
        end = strchr(host, ']');
        char addr[64];
        struct in6_addr a6;
        size_t n = end ? (size_t)(end - host - 1) : 0;
        if (!end || n == 0 || n >= sizeof addr)
            return "IPv6 地址须写在 [ ] 内";
        memcpy(addr, host + 1, n);
        addr[n] = '\0';
        if (inet_pton(AF_INET6, addr, &a6) != 1 || strspn(addr, "0123456789abcdef:.") != n)
            return "[ ] 内不是小写的 IPv6 地址";
        end++;
    } else {
        end = host + strspn(host, "abcdefghijklmnopqrstuvwxyz0123456789.-");
        if (end == host)
            return "缺少主机名";
        if (*end && *end != ':')
            return strchr("/?#", *end) ? "不能带路径、查询或末尾的 /"
                                       : "主机名只能含小写字母、数字、点和连字符";
    }
    if (*end == ':') {
        int64_t port;
        if (!yz_parse_i64(end + 1, 1, 65535, &port))
            return "端口须为 1..65535，其后不能带路径或末尾的 /";
        if ((https && port == 443) || (!https && port == 80))
            return "须省略默认端口（浏览器发送的 Origin 不含它）";
    } else if (*end) {
        return "不能带路径、查询或末尾的 /";
    }
    return NULL;
}

/* What the INI file cannot carry: inih trims blanks around values and cuts
 * them at a blank followed by ';'. */
static const char *ini_problem(const char *s, size_t n)
{
    if (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        return "首尾不能有空白";
    for (size_t i = 1; i < n; i++)
        if (s[i] == ';' && (s[i - 1] == ' ' || s[i - 1] == '\t'))
            return "不能含“空白后接 ;”（配置文件中会被当作注释）";
    return NULL;
}

/*
 * Checks value against row k and, when it passes, stores it in c. On failure
 * appends "origin: key: reason" to err and leaves c unchanged.
 */
static enum yz_err apply(struct yz_config *c, const struct yz_config_key *k, const char *value,
                         const char *origin, struct yz_buf *err)
{
    char q[96], lo[32], hi[32];
    void *field = (char *)c + k->offset;
    size_t n = strlen(value);
    int64_t v = 0;

    if (n > YZ_CONFIG_VALUE_MAX) {
        say(err, "%s: %s: 值过长（%zu 字节，最多 %d 字节）", origin, k->key, n,
            YZ_CONFIG_VALUE_MAX);
        return YZ_ERR_CONFIG;
    }
    if (!yz_utf8_valid(value, n)) {
        say(err, "%s: %s: 值不是有效的 UTF-8", origin, k->key);
        return YZ_ERR_CONFIG;
    }
    if (yz_utf8_has_control(value, n, false)) {
        say(err, "%s: %s: 值含有控制字符", origin, k->key);
        return YZ_ERR_CONFIG;
    }

    switch (k->type) {
    case YZ_CONFIG_STRING:
    case YZ_CONFIG_PATH: {
        const char *why = ini_problem(value, n);
        if ((int64_t)n < k->min) {
            say(err, "%s: %s: 不能为空", origin, k->key);
            return YZ_ERR_CONFIG;
        }
        if ((int64_t)n > k->max) {
            say(err, "%s: %s: 值过长（%zu 字节，最多 %" PRId64 " 字节）", origin, k->key, n,
                k->max);
            return YZ_ERR_CONFIG;
        }
        if (!why && k->syntax == YZ_CONFIG_IP_LITERAL) {
            struct in6_addr a;
            if (inet_pton(AF_INET, value, &a) != 1 && inet_pton(AF_INET6, value, &a) != 1)
                why = "不是 IPv4 或 IPv6 地址（不接受主机名）";
        }
        if (!why && k->syntax == YZ_CONFIG_ORIGIN)
            why = origin_problem(value);
        if (why) {
            say(err, "%s: %s: %s %s", origin, k->key, quote(value, q, sizeof q), why);
            return YZ_ERR_CONFIG;
        }
        char **slot = field;
        free(*slot);
        *slot = yz_strndup(value, n);
        return YZ_OK;
    }
    case YZ_CONFIG_INT:
        if (!yz_parse_i64(value, INT64_MIN, INT64_MAX, &v)) {
            say(err, "%s: %s: %s 不是整数", origin, k->key, quote(value, q, sizeof q));
            return YZ_ERR_CONFIG;
        }
        if (v < k->min || v > k->max) {
            say(err, "%s: %s: %" PRId64 " 超出范围 %" PRId64 "..%" PRId64, origin, k->key, v,
                k->min, k->max);
            return YZ_ERR_CONFIG;
        }
        *(int *)field = (int)v;
        return YZ_OK;
    case YZ_CONFIG_SIZE: {
        enum parsed p = parse_size(value, &v);
        if (p == PARSE_SYNTAX) {
            say(err, "%s: %s: %s 不是有效的大小（字节数，或带 k/m/g 后缀，如 1m）", origin, k->key,
                quote(value, q, sizeof q));
            return YZ_ERR_CONFIG;
        }
        if (p == PARSE_RANGE || v < k->min || v > k->max) {
            format_size(k->min, lo, sizeof lo);
            format_size(k->max, hi, sizeof hi);
            say(err, "%s: %s: %s 超出范围 %s..%s", origin, k->key, quote(value, q, sizeof q), lo,
                hi);
            return YZ_ERR_CONFIG;
        }
        *(size_t *)field = (size_t)v;
        return YZ_OK;
    }
    case YZ_CONFIG_BOOL: {
        bool b;
        if (!parse_bool(value, &b)) {
            say(err, "%s: %s: %s 不是布尔值（true/false、yes/no、on/off、1/0）", origin, k->key,
                quote(value, q, sizeof q));
            return YZ_ERR_CONFIG;
        }
        *(bool *)field = b;
        return YZ_OK;
    }
    case YZ_CONFIG_ENUM:
        for (int i = 0; k->choices[i]; i++) {
            if (strcmp(value, k->choices[i]) == 0) {
                memcpy(field, &i, sizeof i);
                return YZ_OK;
            }
        }
        {
            char allowed[128] = "";
            size_t used = 0;
            for (int i = 0; k->choices[i] && used < sizeof allowed; i++)
                used += (size_t)snprintf(allowed + used, sizeof allowed - used, "%s%s",
                                         i ? " | " : "", k->choices[i]);
            say(err, "%s: %s: %s 不是允许的值（%s）", origin, k->key, quote(value, q, sizeof q),
                allowed);
        }
        return YZ_ERR_CONFIG;
    }
    YZ_BUG("config key %s has unknown type %d", k->key, (int)k->type);
}

/* ---- the table ---- */

const struct yz_config_key *yz_config_keys(size_t *n)
{
    *n = NKEYS;
    return table;
}

const struct yz_config_key *yz_config_find(const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(table[i].key, key) == 0)
            return &table[i];
    return NULL;
}

static const struct yz_config_key *find_in(const char *section, const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(table[i].section, section) == 0 && strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

static bool known_section(const char *section, size_t n)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strlen(table[i].section) == n && memcmp(table[i].section, section, n) == 0)
            return true;
    return false;
}

const char *yz_config_type_name(enum yz_config_type type)
{
    switch (type) {
    case YZ_CONFIG_STRING:
        return "string";
    case YZ_CONFIG_PATH:
        return "path";
    case YZ_CONFIG_INT:
        return "int";
    case YZ_CONFIG_SIZE:
        return "size";
    case YZ_CONFIG_BOOL:
        return "bool";
    case YZ_CONFIG_ENUM:
        return "enum";
    }
    return "?";
}

static size_t type_size(enum yz_config_type type)
{
    switch (type) {
    case YZ_CONFIG_STRING:
    case YZ_CONFIG_PATH:
        return sizeof(char *);
    case YZ_CONFIG_INT:
    case YZ_CONFIG_ENUM:
        return sizeof(int);
    case YZ_CONFIG_SIZE:
        return sizeof(size_t);
    case YZ_CONFIG_BOOL:
        return sizeof(bool);
    }
    return 0;
}

/* A row whose field or bounds do not suit its type would write the wrong
 * bytes: catch it the first time defaults are set, before any input. */
static void check_row(const struct yz_config_key *k)
{
    if (k->size != type_size(k->type))
        YZ_BUG("config %s: field of %zu bytes for a %s", k->key, k->size,
               yz_config_type_name(k->type));
    if (k->min > k->max || (k->type == YZ_CONFIG_INT && (k->min < INT_MIN || k->max > INT_MAX)))
        YZ_BUG("config %s: bad bounds %" PRId64 "..%" PRId64, k->key, k->min, k->max);
    if ((k->type == YZ_CONFIG_ENUM) != (k->choices != NULL))
        YZ_BUG("config %s: choices belong to enums only", k->key);
}

void yz_config_defaults(struct yz_config *c)
{
    memset(c, 0, sizeof *c);
    struct yz_buf err = YZ_BUF_INIT(1024);
    for (size_t i = 0; i < NKEYS; i++) {
        check_row(&table[i]);
        if (apply(c, &table[i], table[i].def, "default", &err) != YZ_OK)
            YZ_BUG("config table: %s", err.data);
    }
    yz_buf_release(&err);
}

void yz_config_release(struct yz_config *c)
{
    for (size_t i = 0; i < NKEYS; i++) {
        if (table[i].type == YZ_CONFIG_STRING || table[i].type == YZ_CONFIG_PATH) {
            char **slot = (char **)((char *)c + table[i].offset);
            free(*slot);
            *slot = NULL;
        }
    }
}

/* Deep copy, so that a load can fail without touching the caller's struct. */
static void copy(struct yz_config *dst, const struct yz_config *src)
{
    *dst = *src;
    for (size_t i = 0; i < NKEYS; i++) {
        if (table[i].type == YZ_CONFIG_STRING || table[i].type == YZ_CONFIG_PATH) {
            char **slot = (char **)((char *)dst + table[i].offset);
            *slot = *slot ? yz_strdup(*slot) : NULL;
        }
    }
}

static void commit(struct yz_config *c, struct yz_config *next)
{
    yz_config_release(c);
    *c = *next;
    memset(next, 0, sizeof *next);
}

bool yz_config_format(const struct yz_config *c, const struct yz_config_key *k, struct yz_buf *out)
{
    const void *field = (const char *)c + k->offset;
    char tmp[32];
    switch (k->type) {
    case YZ_CONFIG_STRING:
    case YZ_CONFIG_PATH: {
        const char *s = *(char *const *)field;
        return yz_buf_adds(out, s ? s : "");
    }
    case YZ_CONFIG_INT:
        return yz_buf_addf(out, "%d", *(const int *)field);
    case YZ_CONFIG_SIZE:
        format_size((int64_t) * (const size_t *)field, tmp, sizeof tmp);
        return yz_buf_adds(out, tmp);
    case YZ_CONFIG_BOOL:
        return yz_buf_adds(out, *(const bool *)field ? "true" : "false");
    case YZ_CONFIG_ENUM: {
        int i;
        memcpy(&i, field, sizeof i);
        if (i < k->min || i > k->max)
            YZ_BUG("config %s holds enum value %d", k->key, i);
        return yz_buf_adds(out, k->choices[i]);
    }
    }
    YZ_BUG("config key %s has unknown type %d", k->key, (int)k->type);
}

void yz_config_dump(const struct yz_config *c, FILE *out)
{
    struct yz_buf v = YZ_BUF_INIT(YZ_CONFIG_VALUE_MAX);
    fputs("; yizhan effective configuration (defaults, file, YIZHAN_* environment, --set)\n", out);
    for (size_t i = 0; i < NKEYS; i++) {
        if (i == 0 || strcmp(table[i].section, table[i - 1].section) != 0)
            fprintf(out, "\n[%s]\n", table[i].section);
        yz_buf_reset(&v);
        yz_config_format(c, &table[i], &v);
        fprintf(out, "%s =%s%s\n", table[i].name, v.len ? " " : "", v.data);
    }
    yz_buf_release(&v);
}

/* ---- --set ---- */

enum yz_err yz_config_set(struct yz_config *c, const char *key, const char *value,
                          const char *origin, struct yz_buf *err)
{
    char q[96];
    if (!origin)
        origin = "--set";
    const struct yz_config_key *k = yz_config_find(key);
    if (!k) {
        size_t n = strlen(key);
        if (yz_utf8_valid(key, n) && !yz_utf8_has_control(key, n, false))
            say(err, "%s: 未知的配置项 %s", origin, quote(key, q, sizeof q));
        else
            say(err, "%s: 未知的配置项", origin);
        return YZ_ERR_CONFIG;
    }
    return apply(c, k, value, origin, err);
}

enum yz_err yz_config_set_arg(struct yz_config *c, const char *arg, const char *origin,
                              struct yz_buf *err)
{
    char key[64];
    if (!origin)
        origin = "--set";
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        say(err, "%s: 应写作 节.键=值，例如 server.port=9000", origin);
        return YZ_ERR_CONFIG;
    }
    size_t n = (size_t)(eq - arg);
    if (n >= sizeof key) {
        say(err, "%s: 未知的配置项", origin);
        return YZ_ERR_CONFIG;
    }
    memcpy(key, arg, n);
    key[n] = '\0';
    return yz_config_set(c, key, eq + 1, origin, err);
}

/* ---- the environment ---- */

enum yz_err yz_config_load_env(struct yz_config *c, char *const *envp, struct yz_buf *err)
{
    enum yz_err rc = YZ_OK;
    struct yz_config next;
    copy(&next, c);
    for (size_t i = 0; envp && envp[i] && rc == YZ_OK; i++) {
        const char *e = envp[i];
        const char *eq = strchr(e, '=');
        if (strncmp(e, "YIZHAN_", 7) != 0 || !eq)
            continue;
        size_t n = (size_t)(eq - e);
        const struct yz_config_key *k = NULL;
        for (size_t j = 0; j < NKEYS && !k; j++)
            if (strlen(table[j].env) == n && memcmp(table[j].env, e, n) == 0)
                k = &table[j];
        if (!k) {
            bool ignored = false;
            for (size_t j = 0; j < ARRAY_LEN(non_config_env); j++)
                if (strlen(non_config_env[j]) == n && memcmp(non_config_env[j], e, n) == 0)
                    ignored = true;
            if (ignored)
                continue;
            if (n <= 64 && strspn(e, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                     "0123456789_") == n)
                say(err, "环境变量 %.*s: 不是 yizhan 的配置项（拼写有误？见 etc/yizhan.ini）",
                    (int)n, e);
            else
                say(err, "环境变量 YIZHAN_…: 不是 yizhan 的配置项");
            rc = YZ_ERR_CONFIG;
            break;
        }
        char origin[96];
        snprintf(origin, sizeof origin, "环境变量 %s", k->env);
        rc = apply(&next, k, eq + 1, origin, err);
    }
    if (rc == YZ_OK)
        commit(c, &next);
    yz_config_release(&next);
    return rc;
}

/* ---- the file ---- */

struct file_load {
    struct yz_config next;
    const char *path;
    const char *data;
    size_t len, pos;
    int line;           /* line being parsed, 1-based */
    bool at_line_start; /* the reader's next byte starts a line */
    bool failed;        /* an error was reported; stop */
    int set_on[NKEYS];  /* line each key was set on; 0 = not set */
    struct yz_buf *err;
};

/* Checks a whole line before inih sees its first byte: limits, encoding, and
 * section headers (inih tells us about keys only). */
static bool check_line(struct file_load *x)
{
    const char *p = x->data + x->pos;
    const char *nl = memchr(p, '\n', x->len - x->pos);
    size_t n = nl ? (size_t)(nl - p) : x->len - x->pos;
    char sec[80];

    if (n > YZ_CONFIG_LINE_MAX) {
        say(x->err, "%s:%d: 行过长（最多 %d 字节）", x->path, x->line, YZ_CONFIG_LINE_MAX);
        return false;
    }
    if (memchr(p, '\0', n)) {
        say(x->err, "%s:%d: 含有 NUL 字节", x->path, x->line);
        return false;
    }
    if (!yz_utf8_valid(p, n)) {
        say(x->err, "%s:%d: 不是有效的 UTF-8（配置文件须以 UTF-8 保存）", x->path, x->line);
        return false;
    }
    if (x->line == 1 && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
        p += 3; /* inih skips a UTF-8 BOM (before the check: U+FEFF is refused elsewhere) */
        n -= 3;
    }
    /* tab anywhere and CR before LF are fine; no other control bytes */
    if (yz_utf8_has_control(p, n, true) || (n > 1 && memchr(p, '\r', n - 1))) {
        say(x->err, "%s:%d: 含有控制字符", x->path, x->line);
        return false;
    }
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    if (i == n || p[i] != '[')
        return true;
    const char *close = memchr(p + i, ']', n - i);
    if (!close)
        return true; /* inih reports the syntax error */
    const char *name = p + i + 1;
    size_t name_len = (size_t)(close - name);
    size_t after = (size_t)(close + 1 - p);
    while (after < n && (p[after] == ' ' || p[after] == '\t' || p[after] == '\r'))
        after++;
    if (after < n && p[after] != ';' && p[after] != '#') {
        say(x->err, "%s:%d: 节标题的 ] 之后不能有其他内容", x->path, x->line);
        return false;
    }
    if (!known_section(name, name_len)) {
        say(x->err, "%s:%d: 未知的节 [%s]", x->path, x->line,
            clip(name, name_len, sec, sizeof sec));
        return false;
    }
    return true;
}

/* fgets-style reader over the file in memory. inih may call it several times
 * for one long line (its buffer grows); lines are counted at their start. */
static char *reader(char *str, int num, void *stream)
{
    struct file_load *x = stream;
    if (x->failed || x->pos >= x->len || num < 2)
        return NULL;
    if (x->at_line_start) {
        x->line++;
        if (!check_line(x)) {
            x->failed = true;
            return NULL;
        }
    }
    const char *p = x->data + x->pos;
    size_t rest = x->len - x->pos;
    const char *nl = memchr(p, '\n', rest);
    size_t n = nl ? (size_t)(nl - p) + 1 : rest;
    if (n > (size_t)num - 1)
        n = (size_t)num - 1;
    memcpy(str, p, n);
    str[n] = '\0';
    x->pos += n;
    x->at_line_start = str[n - 1] == '\n';
    return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct file_load *x = user;
    char origin[1024], q[96], sec[80];
    if (x->failed)
        return 0;
    snprintf(origin, sizeof origin, "%s:%d", x->path, x->line);
    const struct yz_config_key *k = find_in(section, name);
    if (!*name) { /* inih also splits at ':', so "  ::1" is a pair without a name */
        say(x->err, "%s: 语法错误：应为 [节] 或 键 = 值", origin);
        goto fail;
    }
    if (!*section) {
        say(x->err, "%s: %s 不在任何节内（须先写 [server] 之类的节标题）", origin,
            quote(name, q, sizeof q));
        goto fail;
    }
    if (!k && !known_section(section, strlen(section))) {
        say(x->err, "%s: 未知的节 [%s]", origin, clip(section, strlen(section), sec, sizeof sec));
        goto fail;
    }
    if (!k) {
        say(x->err, "%s: 未知的配置项 %s.%s", origin, section,
            clip(name, strlen(name), q, sizeof q));
        goto fail;
    }
    size_t idx = (size_t)(k - table);
    if (x->set_on[idx]) {
        say(x->err, "%s: %s: 重复设置（第 %d 行已设置过）", origin, k->key, x->set_on[idx]);
        goto fail;
    }
    if (apply(&x->next, k, value, origin, x->err) != YZ_OK)
        goto fail;
    x->set_on[idx] = x->line;
    return 1;
fail:
    x->failed = true;
    return 0;
}

/* Reads the whole file, bounded and NUL-terminated; false with a message on
 * any failure. */
static bool slurp(const char *path, char **data, size_t *len, struct yz_buf *err)
{
    bool ok = false;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        say(err, "%s: 无法打开配置文件：%s", path, strerror(errno));
        goto out;
    }
    /* one byte more than allowed tells "too large" from "exactly the limit" */
    buf = yz_malloc(YZ_CONFIG_FILE_MAX + 2);
    n = fread(buf, 1, YZ_CONFIG_FILE_MAX + 1, f);
    if (ferror(f)) {
        say(err, "%s: 无法读取配置文件：%s", path, strerror(errno));
        goto out;
    }
    if (n > YZ_CONFIG_FILE_MAX) {
        say(err, "%s: 配置文件过大（最多 %d 字节）", path, YZ_CONFIG_FILE_MAX);
        goto out;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    buf = NULL;
    ok = true;
out:
    free(buf);
    if (f)
        fclose(f);
    return ok;
}

/* libinih's process-wide options (Debian exports them as variables). */
struct ini_options {
    bool use_stack, allow_realloc, multiline, stop_on_first_error, no_value, inline_comments, bom;
    int max_line;
    char *start_prefixes, *inline_prefixes;
};

static void ini_options_get(struct ini_options *o)
{
    o->use_stack = ini_use_stack;
    o->allow_realloc = ini_allow_realloc;
    o->multiline = ini_allow_multiline;
    o->stop_on_first_error = ini_stop_on_first_error;
    o->no_value = ini_allow_no_value;
    o->inline_comments = ini_allow_inline_comments;
    o->bom = ini_allow_bom;
    o->max_line = ini_max_line;
    o->start_prefixes = ini_start_comment_prefixes;
    o->inline_prefixes = ini_inline_comment_prefixes;
}

static void ini_options_set(const struct ini_options *o)
{
    ini_use_stack = o->use_stack;
    ini_allow_realloc = o->allow_realloc;
    ini_allow_multiline = o->multiline;
    ini_stop_on_first_error = o->stop_on_first_error;
    ini_allow_no_value = o->no_value;
    ini_allow_inline_comments = o->inline_comments;
    ini_allow_bom = o->bom;
    ini_max_line = o->max_line;
    ini_start_comment_prefixes = o->start_prefixes;
    ini_inline_comment_prefixes = o->inline_prefixes;
}

enum yz_err yz_config_load_file(struct yz_config *c, const char *path, struct yz_buf *err)
{
    static char start_prefixes[] = ";#";
    static char inline_prefixes[] = ";";
    /* Room for the longest line we accept plus CR, LF and NUL, so inih never
     * splits a line and its line count matches ours. */
    const struct ini_options ours = {
        .use_stack = false,
        .allow_realloc = true,
        .multiline = false,
        .stop_on_first_error = true,
        .no_value = false,
        .inline_comments = true,
        .bom = true,
        .max_line = YZ_CONFIG_LINE_MAX + 3,
        .start_prefixes = start_prefixes,
        .inline_prefixes = inline_prefixes,
    };
    enum yz_err rc = YZ_ERR_CONFIG;
    char *data = NULL;
    struct ini_options saved;
    int r;
    struct file_load *x = yz_calloc(1, sizeof *x);
    copy(&x->next, c);
    if (!slurp(path, &data, &x->len, err))
        goto out;
    x->path = path;
    x->data = data;
    x->at_line_start = true;
    x->err = err;

    ini_options_get(&saved);
    ini_options_set(&ours);
    r = ini_parse_stream(reader, x, handler, x);
    ini_options_set(&saved);

    if (x->failed)
        goto out;
    if (r == -2)
        YZ_BUG("libinih could not allocate its line buffer");
    if (r != 0) {
        say(err, "%s:%d: 语法错误：应为 [节] 或 键 = 值", path, r);
        goto out;
    }
    commit(c, &x->next);
    rc = YZ_OK;
out:
    yz_config_release(&x->next);
    free(x);
    free(data);
    return rc;
}

/* ---- rules between keys ---- */

static bool is_loopback(const char *addr)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, addr, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, addr, &a6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&a6))
            return true;
        return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
    }
    return false;
}

enum yz_err yz_config_check(const struct yz_config *c, struct yz_buf *err)
{
    enum yz_err rc = YZ_OK;
    bool cert = c->server.tls_cert && *c->server.tls_cert;
    bool key = c->server.tls_key && *c->server.tls_key;

    if (cert != key) {
        say(err, "server.tls_cert, server.tls_key: 须同时设置或同时留空（现在只设置了 %s）",
            cert ? "tls_cert" : "tls_key");
        rc = YZ_ERR_CONFIG;
    }
    if (!cert && !key && !is_loopback(c->server.listen_address)) {
        say(err,
            "server.listen_address: 未配置 TLS 时只能监听本机回环地址（127.0.0.1 或 "
            "::1），不能是 %s；对外服务须设置 server.tls_cert 与 server.tls_key",
            c->server.listen_address);
        rc = YZ_ERR_CONFIG;
    }
    if (cert && key && strncmp(c->server.public_origin, "https://", 8) != 0) {
        say(err, "server.public_origin: 启用 TLS 时须以 https:// 开头");
        rc = YZ_ERR_CONFIG;
    }
    if (c->server.max_uri_bytes > c->server.max_header_bytes) {
        say(err, "server.max_uri_bytes: 不能大于 server.max_header_bytes（请求行计入请求头上限）");
        rc = YZ_ERR_CONFIG;
    }
    if (c->session.party_idle_min > c->session.party_absolute_h * 60) {
        say(err, "session.party_idle_min: %d 分钟超过了 session.party_absolute_h（%d 小时）",
            c->session.party_idle_min, c->session.party_absolute_h);
        rc = YZ_ERR_CONFIG;
    }
    if (c->session.staff_idle_min > c->session.staff_absolute_h * 60) {
        say(err, "session.staff_idle_min: %d 分钟超过了 session.staff_absolute_h（%d 小时）",
            c->session.staff_idle_min, c->session.staff_absolute_h);
        rc = YZ_ERR_CONFIG;
    }
    if (c->login.lockout_base_s > c->login.lockout_max_s) {
        say(err, "login.lockout_base_s: %d 秒大于 login.lockout_max_s（%d 秒）",
            c->login.lockout_base_s, c->login.lockout_max_s);
        rc = YZ_ERR_CONFIG;
    }
    return rc;
}
