/*
 * The end-to-end API test harness, in the manner of Redis's test suite: every
 * test file starts its own yizhan server on a free loopback port with a
 * temporary data directory, talks HTTP to it through libcurl, and stops it.
 * Nothing depends on a server someone started by hand.
 *
 * The server binary is $YZ_BIN (default "build/test/yizhan") and its reference
 * data $YZ_DATA (default "data"); `make api` sets both. A server is started as
 *
 *   $YZ_BIN init  --dir D --data $YZ_DATA [--demo]
 *   $YZ_BIN serve --dir D --data $YZ_DATA --port 0 --port-file D/port [--set k=v]...
 *
 * with stdout and stderr going to D/server.log, YIZHAN_* variables removed
 * from its environment (a developer's shell cannot change what a test sees),
 * and SIGTERM delivered to it if the test process dies. Stopping sends
 * SIGTERM and expects exit status 0: the test build runs under ASan/UBSan, so
 * any other ending is a sanitizer report or a crash, and fails the test with
 * the tail of server.log.
 *
 * Failure model: every function here that can go wrong fails the running
 * cmocka test (print_error + _fail) after releasing what it allocated, so a
 * test reads as a straight line of requests and assertions. The ones that are
 * macros record the caller's file and line. A process in which the harness
 * reported any failure exits with status 1 (cmocka alone would exit 0 when
 * only a group fixture failed, e.g. a server that crashed while stopping).
 * Everything is bounded: the port
 * file is awaited at most YZT_START_TIMEOUT_S, a stop waits at most
 * YZT_STOP_TIMEOUT_S before SIGKILL, a request at most YZT_REQUEST_TIMEOUT_S
 * (per client overridable), a CLI run at most YZT_CLI_TIMEOUT_S, a response
 * body at most YZT_MAX_RESPONSE bytes.
 *
 * Set YZT_KEEP=1 in the environment to keep the temporary directories (their
 * paths are printed) for a post-mortem.
 */
#ifndef YZ_TESTS_LIB_APITEST_H
#define YZ_TESTS_LIB_APITEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define YZT_START_TIMEOUT_S 15
#define YZT_STOP_TIMEOUT_S 10
#define YZT_REQUEST_TIMEOUT_S 30
#define YZT_CLI_TIMEOUT_S 120
#define YZT_MAX_RESPONSE (64u * 1024 * 1024)
#define YZT_MAX_HEADERS (256u * 1024)
#define YZT_MAX_SET_ARGS 32 /* entries in extra_set_args */
#define YZT_MAX_EXTRA_HEADERS 32
#define YZT_MAX_CLI_ARGS 64

/* ---- global setup ------------------------------------------------------ */

/*
 * cmocka group fixtures: curl_global_init, libsodium init. Optional (every
 * entry point initialises lazily), but calling them keeps the order obvious:
 *   cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown)
 * yzt_global_teardown also stops any server a failed test left running and
 * releases abandoned responses (see struct yzt_response); it returns -1 if
 * a server had exited abnormally or a response had not been freed.
 */
int yzt_global_setup(void **state);
int yzt_global_teardown(void **state);

/* ---- the server -------------------------------------------------------- */

struct yz_test_server {
    pid_t pid; /* 0 when not running */
    int port;
    char dir[256];      /* the temporary data directory ("" when none) */
    char base[64];      /* "http://127.0.0.1:PORT" */
    char db_path[300];  /* dir/yizhan.db */
    char log_path[300]; /* dir/server.log */
};

/*
 * Creates a temporary directory, runs `init` (with --demo when demo) and
 * `serve`, and waits until the server has written its port file. Each entry
 * of extra_set_args (NULL-terminated "key=value" strings, or NULL for none)
 * is passed as --set key=value. Returns 0; on any failure cleans up (kills
 * the server, removes the directory), prints init's output or the tail of
 * server.log, and fails the test.
 */
#define yzt_server_start(s, demo, extra_set_args)                                                  \
    yzt_server_start_at(__FILE__, __LINE__, (s), (demo), (extra_set_args))
int yzt_server_start_at(const char *file, int line, struct yz_test_server *s, bool demo,
                        const char *const *extra_set_args);

/*
 * SIGTERM, wait up to YZT_STOP_TIMEOUT_S, then SIGKILL; removes the temporary
 * directory and zeroes *s. Fails the test (after cleaning up, with the tail of
 * server.log) if the server did not exit with status 0. Harmless on a server
 * that was zeroed, never started or already stopped.
 */
#define yzt_server_stop(s) yzt_server_stop_at(__FILE__, __LINE__, (s))
void yzt_server_stop_at(const char *file, int line, struct yz_test_server *s);

/*
 * cmocka fixtures, per test or per group: start a server (yzt_setup_demo_server
 * with --demo) into a struct yz_test_server that the harness owns, placed in
 * *state; the teardown stops it. In a test: struct yz_test_server *s = *state;
 */
int yzt_setup_server(void **state);
int yzt_setup_demo_server(void **state);
int yzt_teardown_server(void **state);

/*
 * For crash and durability tests. yzt_server_kill sends SIGKILL (no graceful
 * stop, no status check) and keeps the directory. yzt_server_restart starts
 * `serve` again on the same directory with a new port (stopping it first,
 * status checked, if it is running); clients pointing at s keep working.
 * Both fail the test as yzt_server_start and yzt_server_stop do.
 */
void yzt_server_kill(struct yz_test_server *s);
#define yzt_server_restart(s, extra_set_args)                                                      \
    yzt_server_restart_at(__FILE__, __LINE__, (s), (extra_set_args))
void yzt_server_restart_at(const char *file, int line, struct yz_test_server *s,
                           const char *const *extra_set_args);

/*
 * Stops the server as yzt_server_stop does (SIGTERM, exit status 0 expected)
 * but keeps its directory, so a test can examine the database and run the CLI
 * on it, then yzt_server_restart or yzt_server_stop (which removes it).
 */
#define yzt_server_halt(s) yzt_server_halt_at(__FILE__, __LINE__, (s))
void yzt_server_halt_at(const char *file, int line, struct yz_test_server *s);

/*
 * The last max_lines lines of the server log (at most 64 KiB; max_lines <= 0
 * for the default 40), printed through cmocka's print_error.
 */
void yzt_server_print_log(const struct yz_test_server *s, int max_lines);

/*
 * Runs $YZ_BIN with args (NULL-terminated, without the binary itself, at most
 * YZT_MAX_CLI_ARGS), stdin from /dev/null, stdout and stderr together into
 * out (NUL-terminated, truncated to outsize-1 bytes; out may be NULL when
 * outsize is 0). extra_env adds NAME=value entries (NULL for none). Returns
 * the exit status, or 128+N when killed by signal N. Fails the test when the
 * program cannot be started or runs longer than YZT_CLI_TIMEOUT_S.
 */
#define yzt_run_cli(args, out, outsize)                                                            \
    yzt_run_cli_at(__FILE__, __LINE__, (args), NULL, (out), (outsize))
#define yzt_run_cli_env(args, extra_env, out, outsize)                                             \
    yzt_run_cli_at(__FILE__, __LINE__, (args), (extra_env), (out), (outsize))
int yzt_run_cli_at(const char *file, int line, const char *const *args,
                   const char *const *extra_env, char *out, size_t outsize);

/* ---- HTTP ---------------------------------------------------------------- */

/*
 * A user agent. Zero it and point srv at a server:
 *   struct yzt_client c = {.srv = s};
 * cookie is the value of the yz_session cookie; every response's Set-Cookie
 * for yz_session updates it (an empty value or Max-Age=0 clears it, and csrf
 * with it). csrf is sent as X-CSRF-Token on requests other than GET and HEAD
 * while a cookie is held; bearer, when set, as Authorization: Bearer. Tests
 * may edit all three to forge or omit credentials.
 */
struct yzt_client {
    struct yz_test_server *srv;
    char cookie[512];
    char csrf[128];
    char bearer[128];
    long timeout_s;           /* 0 = YZT_REQUEST_TIMEOUT_S */
    bool transport_errors_ok; /* return the CURLcode instead of failing the test */
};

/*
 * One response. Owned by the caller: yzt_response_free() releases it. A
 * yzt_request* call frees whatever r held before, so r must start zeroed
 *   struct yzt_response r = {0};
 * and may then be reused for request after request. The harness keeps a
 * record of every response it filled until yzt_response_free: a response a
 * test abandons (because an assertion failed, or by mistake) is released by
 * yzt_global_teardown and at exit with a one-line note naming where it was
 * made, rather than by a page of LeakSanitizer output that would bury the
 * failure. yzt_global_teardown returns -1 when it found any, so a test that
 * forgets yzt_response_free does not pass silently.
 */
struct yzt_response {
    long status; /* 0 when no response arrived (transport error) */
    char *body;  /* NUL-terminated (also when empty); len bytes */
    size_t len;
    json_t *json;           /* the parsed body when the media type is application/json or
                               ends in +json and the body is not empty; else NULL */
    char content_type[128]; /* the Content-Type header as sent, "" when none */
    char request_id[64];    /* the X-Request-Id header, "" when none */
    char *headers;          /* every response header line, raw ("Name: value\r\n"...) */
    char what[192];         /* "POST /api/v1/session" for failure messages */
    void *tracking;         /* the harness's record of this response; do not touch */
};

/*
 * Sends a request to c->srv. path starts with '/' and may carry a query.
 * body (NUL-terminated) may be NULL. Headers the harness adds by default:
 *   Content-Type: application/json   when there is a body
 *   Cookie: yz_session=...           when c->cookie is set
 *   X-CSRF-Token: ...                when c->cookie and c->csrf are set and the method is
 *                                    not GET or HEAD
 *   Authorization: Bearer ...        when c->bearer is set
 * extra_headers (NULL-terminated "Name: value", or NULL) are added; one that
 * names a default header replaces it, and "Name:" with nothing after the
 * colon sends no such header at all. Expect: 100-continue is never sent.
 * Redirects are not followed; no proxy is used.
 *
 * Returns 0 with r filled. A transport failure (no connection, timeout,
 * response over YZT_MAX_RESPONSE, JSON media type with a body that is not
 * JSON) fails the test, unless c->transport_errors_ok, in which case the
 * CURLcode is returned (or -1 for the JSON case) and r->status is 0.
 */
#define yzt_request(c, method, path, body, extra_headers, r)                                       \
    yzt_request_at(__FILE__, __LINE__, (c), (method), (path), (body), (extra_headers), (r))
/* The same with arbitrary bytes (NULs, invalid UTF-8) as the body; body is not NULL. */
#define yzt_request_raw(c, method, path, body, len, extra_headers, r)                              \
    yzt_request_raw_at(__FILE__, __LINE__, (c), (method), (path), (body), (len), (extra_headers),  \
                       (r))
/* The same with a JSON body, which it takes over (json_decref'd; NULL = no body):
 *   yzt_request_json(&c, "POST", "/api/v1/x", json_pack("{ss}", "a", "b"), NULL, &r); */
#define yzt_request_json(c, method, path, json, extra_headers, r)                                  \
    yzt_request_json_at(__FILE__, __LINE__, (c), (method), (path), (json), (extra_headers), (r))
int yzt_request_at(const char *file, int line, struct yzt_client *c, const char *method,
                   const char *path, const char *body, const char *const *extra_headers,
                   struct yzt_response *r);
int yzt_request_raw_at(const char *file, int line, struct yzt_client *c, const char *method,
                       const char *path, const void *body, size_t len,
                       const char *const *extra_headers, struct yzt_response *r);
int yzt_request_json_at(const char *file, int line, struct yzt_client *c, const char *method,
                        const char *path, json_t *json, const char *const *extra_headers,
                        struct yzt_response *r);

/* Frees what r holds and zeroes it; harmless on a zeroed response. */
void yzt_response_free(struct yzt_response *r);

/* The first header called name (case-insensitive) copied into out (truncated
 * to outsize-1, surrounding blanks removed); false, with out "", when absent. */
bool yzt_header(const struct yzt_response *r, const char *name, char *out, size_t outsize);

/*
 * POSTs /api/v1/session {"login","password"[,"totp"]} and expects 200 or 201;
 * keeps the session cookie (Set-Cookie) and the JSON member "csrf_token".
 * Fails the test, showing the response, otherwise. To test failing logins
 * use yzt_request.
 */
#define yzt_login(c, login, password, totp)                                                        \
    yzt_login_at(__FILE__, __LINE__, (c), (login), (password), (totp))
int yzt_login_at(const char *file, int line, struct yzt_client *c, const char *login,
                 const char *password, const char *totp_or_null);

/* A fresh random Idempotency-Key: 32 lower-case hex digits. */
void yzt_idem_key(char out[40]);
/* The date (YYYY-MM-DD, Asia/Shanghai, wall clock) days from now. */
void yzt_date_in_days(int days, char out[16]);

/* ---- JSON getters and assertions ----------------------------------------- */

/* When one of these fails the test, it first shows the request, status and
 * body of r and then releases r, so the failure is not buried under a leak
 * report at exit. */

/*
 * Paths are member names joined by '.', with array indices as decimal
 * numbers: "items.0.case_no". "" is the root.
 */
/* The value at path, or NULL when absent (never fails). */
json_t *yzt_json_at(json_t *root, const char *path);
/* The string at path in r->json (owned by r); fails the test when absent or not a string. */
#define yzt_json_str(r, path) yzt_json_str_at(__FILE__, __LINE__, (r), (path))
const char *yzt_json_str_at(const char *file, int line, struct yzt_response *r, const char *path);
/* The integer at path in r->json; fails the test when absent or not an integer. */
#define yzt_json_int(r, path) yzt_json_int_at(__FILE__, __LINE__, (r), (path))
int64_t yzt_json_int_at(const char *file, int line, struct yzt_response *r, const char *path);
/* The boolean at path in r->json; fails the test when absent or not a boolean. */
#define yzt_json_bool(r, path) yzt_json_bool_at(__FILE__, __LINE__, (r), (path))
bool yzt_json_bool_at(const char *file, int line, struct yzt_response *r, const char *path);
/* Whether path exists in r->json (a JSON null counts as existing). */
bool yzt_json_has(const struct yzt_response *r, const char *path);

/* Asserts r->status; on mismatch shows the request and the start of the body. */
#define yzt_assert_status(r, status) yzt_assert_status_at(__FILE__, __LINE__, (r), (status))
void yzt_assert_status_at(const char *file, int line, struct yzt_response *r, long status);

/*
 * Asserts an RFC 9457 problem: the status, Content-Type application/problem+json,
 * a JSON object with string type and title, integer status equal to the
 * status, string code equal to code, a non-empty request_id equal to the
 * X-Request-Id header, and, when "errors" is present, an array of objects
 * with string field, code and message.
 */
#define yzt_assert_problem(r, status, code)                                                        \
    yzt_assert_problem_at(__FILE__, __LINE__, (r), (status), (code))
void yzt_assert_problem_at(const char *file, int line, struct yzt_response *r, long status,
                           const char *code);
/* Asserts that the problem's "errors" names field (and, for the _code form, with that code). */
#define yzt_assert_field_error(r, field)                                                           \
    yzt_assert_field_error_at(__FILE__, __LINE__, (r), (field), NULL)
#define yzt_assert_field_error_code(r, field, code)                                                \
    yzt_assert_field_error_at(__FILE__, __LINE__, (r), (field), (code))
void yzt_assert_field_error_at(const char *file, int line, struct yzt_response *r,
                               const char *field, const char *code_or_null);

/* ---- the database, read directly ------------------------------------------ */

/*
 * Runs sql (a query yielding one row with one integer column, typically
 * SELECT count(*) ...) on s's database, opened read-only, and returns the
 * integer. Fails the test on any error. Test code only: the server never
 * shares its database this way.
 */
#define yzt_db_count(s, sql) yzt_db_count_at(__FILE__, __LINE__, (s), (sql))
int64_t yzt_db_count_at(const char *file, int line, const struct yz_test_server *s,
                        const char *sql);

/*
 * A BLAKE2b-256 (hex) over the content of every table, tables by name and
 * rows by rowid (all columns for WITHOUT ROWID tables), each value with its
 * type, except the sessions and idempotency tables, sqlite_stat* and, for the
 * _except form, the tables named in skip (NULL-terminated). Equal hashes
 * before and after a request mean it stored nothing. Note that the server
 * records a request the policy denies as an access_denied event (stream
 * "security"), which also moves chain_head and may write a checkpoint: for
 * such a request skip events, chain_head and checkpoints and count the
 * other events with yzt_db_count.
 */
#define yzt_db_snapshot_hash(s, out) yzt_db_snapshot_hash_at(__FILE__, __LINE__, (s), NULL, (out))
#define yzt_db_snapshot_hash_except(s, skip, out)                                                  \
    yzt_db_snapshot_hash_at(__FILE__, __LINE__, (s), (skip), (out))
void yzt_db_snapshot_hash_at(const char *file, int line, const struct yz_test_server *s,
                             const char *const *skip, char out[65]);

#endif
