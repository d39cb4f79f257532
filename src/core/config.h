/*
 * yizhan's configuration: one declarative table of keys (config.c), in the
 * manner of Redis's config.c and nginx's command tables. Each key has a name
 * ("server.port"), a type, a default, bounds (or allowed values), an
 * environment variable (YIZHAN_<SECTION>_<KEY>), a one-line doc, and the
 * field of struct yz_config it fills. Loading, the environment, --set, the
 * dump and the documentation all walk the same table, so a key cannot exist
 * in one of them and not in the others.
 *
 * Sources are applied in this order, later ones winning:
 *
 *   yz_config_defaults()    the table's defaults
 *   yz_config_load_file()   an INI file (libinih), e.g. etc/yizhan.ini
 *   yz_config_load_env()    YIZHAN_* environment variables
 *   yz_config_set()         command-line flags (--set server.port=9000)
 *   yz_config_check()       rules between keys; run once, after all sources
 *
 * The annotated sample etc/yizhan.ini is the manual: it lists every key with
 * its meaning, default, bounds and environment variable, and sets each key to
 * its default (a unit test keeps it in step with the table).
 *
 * Every error names where the value came from and the key, then says what is
 * wrong in Chinese (the operator is a user too), for example
 *
 *   etc/yizhan.ini:12: server.port: 70000 超出范围 0..65535
 *   环境变量 YIZHAN_SERVER_PORT: server.port: “80a” 不是整数
 *   --set: server.port: 70000 超出范围 0..65535
 *
 * Value syntax, the same from every source:
 *   int     decimal as yz_parse_i64 reads it: optional '-', no '+', no
 *           leading zeros, no blanks.
 *   size    bytes, as an int or with a suffix k, m or g (also K, M, G) for
 *           1024, 1024^2, 1024^3: "1048576" or "1m". Overflow is out of range.
 *   bool    exactly one of true/false, yes/no, on/off, 1/0 (lower case).
 *   enum    exactly one of the key's allowed values.
 *   string, path
 *           at most YZ_CONFIG_VALUE_MAX bytes of valid UTF-8, no control
 *           characters, no leading or trailing blanks and no ';' after a
 *           blank: the INI file could not carry those, and every effective
 *           configuration must dump to a file that loads back to itself.
 * Every value, whatever its type, must be valid UTF-8 without control
 * characters and at most YZ_CONFIG_VALUE_MAX bytes long.
 *
 * Not thread-safe: yz_config_load_file() sets libinih's process-wide options
 * for the duration of the parse. Load configuration at startup, before any
 * thread starts. The loaded struct is then read-only and may be shared.
 */
#ifndef YZ_CORE_CONFIG_H
#define YZ_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/log.h"

/* Longest value accepted from any source, in bytes. */
#define YZ_CONFIG_VALUE_MAX 4096
/* Longest configuration file, and longest line in it, in bytes. */
#define YZ_CONFIG_FILE_MAX (1024 * 1024)
#define YZ_CONFIG_LINE_MAX 8192

/* login.staff_totp */
enum yz_config_totp {
    YZ_CONFIG_TOTP_REQUIRED, /* staff must enrol and use TOTP to log in */
    YZ_CONFIG_TOTP_OPTIONAL, /* staff may enrol; those who did must use it */
};

/* notify.smtp_starttls */
enum yz_config_starttls {
    YZ_CONFIG_STARTTLS_OFF,      /* plain SMTP */
    YZ_CONFIG_STARTTLS_TRY,      /* STARTTLS when the relay offers it */
    YZ_CONFIG_STARTTLS_REQUIRED, /* STARTTLS or no delivery */
};

/*
 * The effective configuration. Strings are heap copies owned by the struct
 * (never NULL after yz_config_defaults; "" for an empty path), freed by
 * yz_config_release(). Field comments give units; the table in config.c and
 * etc/yizhan.ini give meaning and bounds.
 */
struct yz_config {
    struct {
        char *listen_address; /* IPv4 or IPv6 literal */
        int port;             /* 0 = any free port (tests) */
        int threads;          /* serve connections, answer reads */
        int write_threads;    /* run the requests that write */
        int max_connections;
        int connection_timeout_s; /* seconds */
        size_t max_body_bytes;
        size_t max_upload_bytes;
        size_t max_header_bytes;
        size_t max_uri_bytes;
        int max_json_depth;
        char *public_origin; /* "https://host[:port]", as browsers send Origin */
        char *tls_cert;      /* path, "" = no TLS */
        char *tls_key;       /* path, "" = no TLS */
    } server;
    struct {
        char *dir; /* database, keys, uploads */
        int busy_timeout_ms;
        int max_list_rows;
        int max_group;
    } storage;
    struct {
        char *dir; /* reference data: calendars, catalogues, workflows */
    } data;
    struct {
        char *root; /* the built browser UI (web/dist); "" = no UI */
    } web;
    struct {
        int party_idle_min;
        int party_absolute_h;
        int staff_idle_min;
        int staff_absolute_h;
        int bearer_absolute_h;
    } session;
    struct {
        int max_failures;
        int lockout_base_s;
        int lockout_max_s;
        enum yz_config_totp staff_totp;
    } login;
    struct {
        int retention_h;
    } idempotency;
    struct {
        int checkpoint_every; /* events between signed checkpoints */
    } audit;
    struct {
        enum yz_log_level level;
        bool access_log;
    } log;
    struct {
        /* Dated "FROM:FEN,..." list of the province's average annual wage of
         * employed persons (CPL art. 165); "" unknown; parsed by triage/wage.c. */
        char *average_wage;
        /* Amounts the province fixes inside a national range: "" (unset: quote
         * the range), "N" or "MIN-MAX", in fen; checked by the fees module. */
        char *divorce_fen;
        char *personality_rights_fen;
        char *other_non_property_fen;
        char *ip_without_amount_fen;
        char *jurisdiction_objection_fen;
        char *execution_without_amount_fen;
        int rounding; /* 0 fen, 1 yuan (enum yz_fee_rounding) */
    } fees;
    struct {
        char *gateway_url;      /* "" = online payment off */
        char *gateway_key_file; /* HMAC key of the gateway's callbacks */
    } payments;
    struct {
        char *smtp_url;     /* smtp://host:port or smtps://...; "" = e-mail off */
        enum yz_config_starttls smtp_starttls; /* on smtp:// relays */
        char *mail_from;    /* envelope and From: address */
        char *sms_url;      /* SMS gateway endpoint; "" = SMS off */
        char *sms_key_file; /* HMAC key the requests to the gateway are signed with */
        int batch;          /* rows taken per pass */
        int interval_ms;    /* between passes */
        int retry_base_ms;  /* first retry delay; doubles per attempt, capped at 1 h */
    } notify;
};

enum yz_config_type {
    YZ_CONFIG_STRING, /* char *, owned by struct yz_config */
    YZ_CONFIG_PATH,   /* char *, a file system path; rules as for strings */
    YZ_CONFIG_INT,    /* int */
    YZ_CONFIG_SIZE,   /* size_t bytes */
    YZ_CONFIG_BOOL,   /* bool */
    YZ_CONFIG_ENUM,   /* an int-sized C enum; the value is the index in choices */
};

/* Extra syntax a string key must follow. */
enum yz_config_syntax {
    YZ_CONFIG_ANY,
    YZ_CONFIG_IP_LITERAL, /* inet_pton accepts it as IPv4 or IPv6 (no names, no zone) */
    YZ_CONFIG_ORIGIN,     /* http(s)://host[:port] as browsers serialise an origin */
};

/* One row of the table. All strings are static. */
struct yz_config_key {
    const char *key;     /* "server.port" */
    const char *section; /* "server" */
    const char *name;    /* "port" */
    const char *env;     /* "YIZHAN_SERVER_PORT" */
    enum yz_config_type type;
    const char *def;              /* the default, in canonical text form ("1m", not "1048576") */
    int64_t min, max;             /* int, int64, size: inclusive value bounds;
                                     string, path: inclusive length bounds in bytes */
    const char *const *choices;   /* enum: allowed values, NULL-terminated; else NULL */
    enum yz_config_syntax syntax; /* string only */
    const char *doc;              /* one line, English */
    size_t offset;                /* of the field in struct yz_config */
    size_t size;                  /* of the field; must suit the type (checked at startup) */
};

/* The table, in manual order; *n receives its length. Never NULL. */
const struct yz_config_key *yz_config_keys(size_t *n);
/* The row for "section.name", or NULL. */
const struct yz_config_key *yz_config_find(const char *key);
/* "string", "path", "int", "size", "bool" or "enum". */
const char *yz_config_type_name(enum yz_config_type type);

/*
 * Fills c with the table's defaults. c is overwritten without being released:
 * pass a fresh struct or one yz_config_release() has emptied. A default that
 * does not pass its own key's rules is a bug (aborts).
 */
void yz_config_defaults(struct yz_config *c);

/*
 * Frees the strings and leaves every pointer NULL; safe on a struct that was
 * zeroed or already released.
 */
void yz_config_release(struct yz_config *c);

/*
 * Applies an INI file. Every key must belong to the table: an unknown section
 * (even an empty one), an unknown key, a key outside any section, a key set
 * twice in the file, a syntax error or a bad value is an error that names
 * path:line and the key. A missing or unreadable file is an error, as are a
 * file over YZ_CONFIG_FILE_MAX bytes, a line over YZ_CONFIG_LINE_MAX bytes,
 * NUL bytes, invalid UTF-8 and control characters other than tab and CR.
 * Full-line comments start with ';' or '#'; " ;" starts a comment after a
 * value. Values are not quoted.
 *
 * All or nothing: on error c is unchanged. Returns YZ_OK, or YZ_ERR_CONFIG
 * with the reason appended to err.
 */
enum yz_err yz_config_load_file(struct yz_config *c, const char *path, struct yz_buf *err);

/*
 * Applies every YIZHAN_* variable in envp (a NULL-terminated environ-style
 * array; entries without '=' are ignored). A YIZHAN_* name that is neither a
 * key's variable nor in the short list of non-configuration variables
 * (YIZHAN_CONFIG: the configuration file path, read by the CLI) is an error,
 * so a misspelt variable cannot be silently ignored. YIZHAN_DATA_DIR is
 * data.dir's own variable. Variables are applied in envp order.
 *
 * All or nothing: on error c is unchanged. Returns YZ_OK or YZ_ERR_CONFIG.
 */
enum yz_err yz_config_load_env(struct yz_config *c, char *const *envp, struct yz_buf *err);

/*
 * Sets one key ("server.port") from text. origin names the source in errors
 * ("--set"; NULL means "--set"). On error c is unchanged. Returns YZ_OK or
 * YZ_ERR_CONFIG.
 */
enum yz_err yz_config_set(struct yz_config *c, const char *key, const char *value,
                          const char *origin, struct yz_buf *err);
/* As yz_config_set, for one "section.key=value" argument (split at the first '='). */
enum yz_err yz_config_set_arg(struct yz_config *c, const char *arg, const char *origin,
                              struct yz_buf *err);

/*
 * Rules between keys, checked once all sources are applied:
 *  - server.tls_cert and server.tls_key are both set or both empty;
 *  - without TLS, server.listen_address is a loopback address (127.0.0.0/8 or ::1):
 *    plain HTTP never leaves the machine (a TLS-terminating proxy sits in front);
 *  - with TLS, server.public_origin is https;
 *  - server.max_uri_bytes <= server.max_header_bytes (the request line is read
 *    within the header limit);
 *  - session.*_idle_min is not longer than the matching *_absolute_h;
 *  - login.lockout_base_s <= login.lockout_max_s.
 * Appends one line per broken rule to err. Returns YZ_OK or YZ_ERR_CONFIG.
 */
enum yz_err yz_config_check(const struct yz_config *c, struct yz_buf *err);

/*
 * Appends the key's current value in canonical text form (what the sample and
 * the dump show: sizes with the largest exact suffix, bools as true/false).
 * Returns false when out's maximum was reached.
 */
bool yz_config_format(const struct yz_config *c, const struct yz_config_key *k, struct yz_buf *out);

/*
 * Writes the effective configuration as INI (for `serve --print-config`). The
 * output loads back, through yz_config_load_file, to an equal configuration.
 */
void yz_config_dump(const struct yz_config *c, FILE *out);

#endif
