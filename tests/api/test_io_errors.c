/*
 * Read errors while a statement is prepared (SECURITY.md T20; ASVS 4.1.5 fail
 * closed). A connection prepares each statement on its first use; when
 * another process has changed the schema and the read of the new one failed,
 * the next first use has to read it again (each round restarts the server,
 * so every statement is used for the first time). Under read errors that prepare
 * fails, and the server used to stop on it (YZ_BUG in sqlite_sql, an abort):
 * one failing disk took the whole service down. Here strace, attached to the
 * running server, makes pread64 fail with EIO from its Nth call on (N swept,
 * since which call reads the schema varies) right after a schema change by
 * another process; requests must be answered (a 503 problem+json
 * storage_error at worst, never a dropped connection or another 5xx), and
 * once strace detaches the server must answer normally again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define SWEEP 8

static struct {
    int rounds, requests, storage_errors, bad;
} fig;

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static pid_t tracer_of(pid_t pid)
{
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    pid_t t = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "TracerPid:", 10) == 0)
            t = (pid_t)strtol(line + 10, NULL, 10);
    fclose(f);
    return t;
}

/* Another process changes the schema (as an upgrade run beside the server would). */
static void change_schema(const struct yz_test_server *s, int n)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(s->db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000); /* the server may be writing */
    char sql[96];
    snprintf(sql, sizeof sql, "CREATE TABLE io_probe_%d (x INTEGER)", n);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : sqlite3_errstr(rc));
    sqlite3_close(db);
}

static pid_t strace_attach(pid_t server, int n)
{
    char inject[96], pid[16];
    snprintf(inject, sizeof inject, "inject=pread64:error=EIO:when=%d+", n);
    snprintf(pid, sizeof pid, "%d", (int)server);
    /* strace 6.1 injects only into syscalls it traces: -e trace= must name it. */
    const char *const argv[] = {"strace", "-f",    "-qq",  "-o", "/dev/null", "-e",
                                "trace=pread64", "-e", inject, "-p", pid,         NULL};
    pid_t st;
    int rc = posix_spawnp(&st, "strace", NULL, NULL, (char *const *)argv, environ);
    if (rc != 0)
        fail_msg("cannot run strace: %s (scripts/deps.sh --test installs it)", strerror(rc));
    for (int waited = 0; tracer_of(server) != st; waited += 10) {
        if (waited > 5000)
            fail_msg("strace did not attach within 5 s");
        sleep_ms(10);
    }
    sleep_ms(100); /* the other threads are attached right after the first */
    return st;
}

static void strace_detach(pid_t st)
{
    kill(st, SIGINT);
    int status;
    while (waitpid(st, &status, 0) == -1 && errno == EINTR)
        ;
}

/* One request that must be answered: its status, or a failure of the test. */
static long ask(struct yzt_client *c, const char *method, const char *path, const char *body,
                bool expect_ok)
{
    struct yzt_response r = {0};
    int rc = yzt_request(c, method, path, body, NULL, &r);
    long status = rc == 0 ? r.status : 0;
    fig.requests++;
    bool storage = status == 503 && r.json &&
                   strcmp(yzt_json_str(&r, "code"), "storage_error") == 0;
    fig.storage_errors += storage;
    if (status == 0 || (status >= 500 && !storage) || (expect_ok && status >= 500)) {
        fig.bad++;
        print_error("%s %s: %s %ld\n", method, path, rc ? "no answer" : "status", status);
    }
    yzt_response_free(&r);
    return status;
}

static const char LOGIN[] = "{\"login\":\"13800000002\",\"password\":\"" YZT_DEMO_PASSWORD "\"}";

static void prepare_under_read_errors_fails_the_request_not_the_server(void **state)
{
    struct yz_test_server *srv = *state;
    struct yzt_client c = {.srv = srv, .transport_errors_ok = true};
    /* Public reads, then the signed-in client's own (its cookie from the last login). */
    static const char *const reads[] = {"/api/v1/roster", "/api/v1/roster/orgs/1",
                                        "/api/v1/roster/mediators/1", "/api/v1/courts",
                                        "/healthz", "/api/v1/me", "/api/v1/matters",
                                        "/api/v1/notifications"};
    assert_int_equal(ask(&c, "POST", "/api/v1/session", LOGIN, true), 200);
    for (int n = 1; n <= SWEEP; n++) {
        /* A fresh process: no statement prepared yet on any connection. */
        yzt_server_restart(srv, NULL);
        change_schema(srv, n);
        pid_t st = strace_attach(srv->pid, n);
        /* Without a session: a session that cannot be read answers 503 before
         * anything else runs, and the statements behind it would never be reached. */
        for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
            struct yzt_client anon = {.srv = srv, .transport_errors_ok = true};
            ask(&anon, "GET", reads[i], NULL, false);
            ask(&anon, "POST", "/api/v1/session", LOGIN, false);
        }
        strace_detach(st);
        /* Untraced again: the statements that failed are prepared now. */
        if (ask(&c, "POST", "/api/v1/session", LOGIN, true) != 200)
            fail_msg("N=%d: no login once the read errors stopped", n);
        for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
            long status = ask(&c, "GET", reads[i], NULL, true);
            if (status != 200)
                fail_msg("N=%d: GET %s answered %ld once the read errors stopped", n, reads[i],
                         status);
        }
        fig.rounds++;
    }
    assert_int_equal(fig.bad, 0);
    /* The sweep reached the errors it is about. */
    assert_true(fig.storage_errors > 0);
}

static int setup(void **state)
{
    static struct yz_test_server srv;
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    *state = &srv;
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop((struct yz_test_server *)*state);
    return yzt_global_teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prepare_under_read_errors_fails_the_request_not_the_server),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    printf("read errors: %d rounds (pread64 EIO from call 1..%d after a schema change), %d "
           "requests, %d answered 503 storage_error, %d unanswered or other 5xx\n",
           fig.rounds, SWEEP, fig.requests, fig.storage_errors, fig.bad);
    return rc;
}
