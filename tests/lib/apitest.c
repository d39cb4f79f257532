/*
 * The API test harness (see apitest.h for the contract).
 *
 * Processes: fork + execve with a prepared argv and environment, so the child
 * runs only async-signal-safe calls before exec; it asks for SIGTERM when we
 * die, so a crashed test leaves no server behind. Every wait polls with a
 * deadline on CLOCK_MONOTONIC (a bound, never an assertion). Running servers
 * are also remembered here by pid and directory (not by the caller's struct,
 * which a failed test may have abandoned) and stopped at teardown or exit.
 *
 * HTTP: one curl easy handle per request and no connection reuse, so every
 * request stands alone and a server that closes a connection cannot confuse
 * the next one. Failures release what the function allocated, then fail the
 * cmocka test (which longjmps out).
 */
#define _XOPEN_SOURCE 700 /* nftw */

#include "lib/apitest.h"
#include "lib/pii.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/num.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/banned.h"

extern char **environ;

#define MAX_LIVE 16           /* servers running at once in one test process */
#define LOG_TAIL_LINES 40     /* shown when a server fails: scripts/run-tests.sh shows 80 */
#define BODY_SHOWN 2000       /* bytes of a response body shown in a failure */
#define INIT_OUTPUT_MAX 65536 /* bytes of `init` output kept for a failure message */
#define MAX_TABLES 512        /* tables hashed by the snapshot */

/* ---- failing, time, global state ------------------------------------------ */

/*
 * Set by every failure the harness reports. cmocka 1.1 leaves the exit status
 * at 0 when only a group fixture failed, so a server that crashed while a
 * group teardown stopped it would pass unnoticed: at exit, this turns such a
 * run into exit status 1.
 */
static bool run_failed;

static _Noreturn void fail_at(const char *file, int line)
{
    run_failed = true;
    _fail(file, line);
    abort(); /* _fail does not return; this tells the compiler */
}

static _Noreturn void failf(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void failf(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint_error(fmt, ap);
    va_end(ap);
    print_error("\n");
    fail_at(file, line);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static struct {
    pid_t pid;
    char dir[256];
    char log_path[300];
} live[MAX_LIVE];

static bool curl_ready;
static bool atexit_done;

static bool reap_leftovers(void);

static int release_abandoned(void);

static void at_exit(void)
{
    bool servers_ok = reap_leftovers();
    if (release_abandoned() > 0 || !servers_ok)
        run_failed = true;
    if (curl_ready)
        curl_global_cleanup();
    curl_ready = false;
    if (run_failed) {
        /* Even when cmocka's count says otherwise (see run_failed). Exiting
         * from an atexit handler is only defined for _exit, which skips
         * stdio's own flush. */
        fflush(NULL);
        _exit(1);
    }
}

static void global_init(void)
{
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            failf(__FILE__, __LINE__, "curl_global_init failed");
        curl_ready = true;
    }
    if (sodium_init() < 0)
        failf(__FILE__, __LINE__, "sodium_init failed");
    if (!atexit_done) {
        atexit(at_exit);
        atexit_done = true;
    }
}

static const char *bin_path(void)
{
    const char *b = getenv("YZ_BIN");
    return b && *b ? b : "build/test/yizhan";
}

static const char *data_path(void)
{
    const char *d = getenv("YZ_DATA");
    return d && *d ? d : "data";
}

static bool keep_dirs(void)
{
    const char *k = getenv("YZT_KEEP");
    return k && *k && strcmp(k, "0") != 0;
}

/* ---- processes ------------------------------------------------------------- */

/* The parent's environment without YIZHAN_*, plus extra. The strings are
 * borrowed; free() only the array. */
static char **child_env(const char *const *extra)
{
    size_t n = 0, m = 0, k = 0;
    for (char **e = environ; *e; e++)
        n++;
    for (const char *const *x = extra; x && *x; x++)
        m++;
    char **v = yz_calloc(n + m + 1, sizeof *v);
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "YIZHAN_", 7) != 0)
            v[k++] = *e;
    for (const char *const *x = extra; x && *x; x++)
        v[k++] = (char *)*x;
    v[k] = NULL;
    return v;
}

/* Forks and executes argv[0] with stdin from /dev/null and stdout and stderr
 * on out_fd. Returns the pid, or -1 with errno. */
static pid_t spawn(char *const *argv, char *const *envp, int out_fd)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* The child: async-signal-safe calls only until execve. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
        _exit(126);
    int in = open("/dev/null", O_RDONLY);
    if (in < 0 || dup2(in, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
        _exit(126);
    if (in > 2)
        close(in);
    execve(argv[0], argv, envp);
    static const char msg[] = "apitest: cannot execute the yizhan binary (set YZ_BIN)\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(127);
}

/* Waits up to timeout_ms for pid: 1 when it ended (*status set), 0 when it is
 * still running, -1 when it cannot be waited for (errno). */
static int wait_for(pid_t pid, int64_t timeout_ms, int *status)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid)
            return 1;
        if (w == -1 && errno != EINTR)
            return -1;
        if (now_ms() >= deadline)
            return 0;
        sleep_ms(20);
    }
}

static void describe_status(int status, char *out, size_t n)
{
    if (WIFEXITED(status))
        snprintf(out, n, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, n, "was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(out, n, "ended with wait status %d", status);
}

/* SIGTERM, up to YZT_STOP_TIMEOUT_S, then SIGKILL. Returns true when the
 * process exited with status 0; otherwise why says what happened. */
static bool terminate(pid_t pid, char *why, size_t whyn)
{
    int status = 0;
    kill(pid, SIGTERM);
    int w = wait_for(pid, (int64_t)YZT_STOP_TIMEOUT_S * 1000, &status);
    if (w == 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
            ;
        snprintf(why, whyn, "did not stop within %d s of SIGTERM and was killed",
                 YZT_STOP_TIMEOUT_S);
        return false;
    }
    if (w < 0) {
        snprintf(why, whyn, "could not be waited for: %s", strerror(errno));
        return false;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    describe_status(status, why, whyn);
    size_t used = strlen(why);
    if (WIFEXITED(status))
        snprintf(why + used, whyn - used,
                 " (the test build runs under ASan/UBSan: look for a "
                 "sanitizer report in the log)");
    return false;
}

static void live_add(pid_t pid, const struct yz_test_server *s)
{
    for (int i = 0; i < MAX_LIVE; i++)
        if (live[i].pid == 0) {
            live[i].pid = pid;
            yz_strlcpy(live[i].dir, s->dir, sizeof live[i].dir);
            yz_strlcpy(live[i].log_path, s->log_path, sizeof live[i].log_path);
            return;
        }
}

static void live_remove(pid_t pid)
{
    for (int i = 0; i < MAX_LIVE; i++)
        if (live[i].pid == pid)
            memset(&live[i], 0, sizeof live[i]);
}

static int live_count(void)
{
    int n = 0;
    for (int i = 0; i < MAX_LIVE; i++)
        n += live[i].pid != 0;
    return n;
}

/*
 * Runs argv with output captured into out (bounded), for at most timeout_s.
 * Returns 0 with *status, or -1 with why filled (not started, timed out).
 */
static int run_capture(char *const *argv, char *const *envp, char *out, size_t outsize,
                       int timeout_s, int *status, char *why, size_t whyn)
{
    int fds[2];
    size_t used = 0;
    bool timed_out = false;
    if (outsize)
        out[0] = '\0';
    if (pipe(fds) == -1) {
        snprintf(why, whyn, "pipe: %s", strerror(errno));
        return -1;
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    pid_t pid = spawn(argv, envp, fds[1]);
    int spawn_errno = errno;
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        snprintf(why, whyn, "fork: %s", strerror(spawn_errno));
        return -1;
    }
    int64_t deadline = now_ms() + (int64_t)timeout_s * 1000;
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int n = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            continue; /* the deadline check ends the loop */
        char chunk[4096];
        ssize_t got = read(fds[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        if (outsize > used + 1) {
            size_t take = (size_t)got < outsize - 1 - used ? (size_t)got : outsize - 1 - used;
            memcpy(out + used, chunk, take);
            used += take;
            out[used] = '\0';
        }
    }
    close(fds[0]);
    int w = 0;
    if (!timed_out) {
        int64_t left = deadline - now_ms();
        w = wait_for(pid, left > 0 ? left : 0, status);
    }
    if (w != 1) {
        kill(pid, SIGKILL);
        while (waitpid(pid, status, 0) == -1 && errno == EINTR)
            ;
        snprintf(why, whyn, "did not finish within %d s and was killed", timeout_s);
        return -1;
    }
    return 0;
}

static int exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

int yzt_run_cli_at(const char *file, int line, const char *const *args,
                   const char *const *extra_env, char *out, size_t outsize)
{
    global_init();
    char *argv[YZT_MAX_CLI_ARGS + 2];
    size_t n = 0;
    argv[n++] = (char *)bin_path();
    for (const char *const *a = args; a && *a; a++) {
        if (n > YZT_MAX_CLI_ARGS)
            failf(file, line, "yzt_run_cli: more than %d arguments", YZT_MAX_CLI_ARGS);
        argv[n++] = (char *)*a;
    }
    argv[n] = NULL;
    char **env = child_env(extra_env);
    int status = 0;
    char why[160];
    int rc = run_capture(argv, env, out, outsize, YZT_CLI_TIMEOUT_S, &status, why, sizeof why);
    free(env);
    if (rc != 0)
        failf(file, line, "%s %s: %s", argv[0], argv[1] ? argv[1] : "", why);
    return exit_code(status);
}

/* ---- the temporary directory and the log -------------------------------- */

static int rm_failures;

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    if (remove(path) != 0 && errno != ENOENT)
        rm_failures++;
    return 0;
}

/* Removes a directory this file created (named yzt-XXXXXX), or keeps it
 * when YZT_KEEP asks. */
static void remove_dir(const char *dir)
{
    const char *slash = strrchr(dir, '/');
    if (!dir[0] || !slash || strncmp(slash + 1, "yzt-", 4) != 0)
        return;
    if (keep_dirs()) {
        print_message("apitest: kept %s\n", dir);
        return;
    }
    rm_failures = 0;
    if (nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 || rm_failures)
        print_error("apitest: warning: could not remove all of %s\n", dir);
}

static void print_log_tail(const char *log_path, int max_lines)
{
    enum { WINDOW = 65536 };
    int fd = open(log_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        print_error("apitest: no server log at %s: %s\n", log_path, strerror(errno));
        return;
    }
    char *text = yz_malloc(WINDOW + 1);
    off_t size = lseek(fd, 0, SEEK_END);
    off_t from = size > WINDOW ? size - WINDOW : 0;
    size_t len = 0;
    if (lseek(fd, from, SEEK_SET) == from) {
        ssize_t got;
        while (len < WINDOW && (got = read(fd, text + len, WINDOW - len)) > 0)
            len += (size_t)got;
    }
    close(fd);
    text[len] = '\0';
    /* Back from the end over max_lines line breaks (a final newline does not count). */
    size_t start = 0;
    int lines = 0;
    for (size_t i = len; i > 0; i--) {
        if (text[i - 1] == '\n' && i != len && ++lines == max_lines) {
            start = i;
            break;
        }
    }
    if (start == 0 && from > 0) {
        const char *nl = memchr(text, '\n', len);
        start = nl ? (size_t)(nl - text) + 1 : 0;
    }
    print_error("---- tail of %s ----\n%s%s---- end of server log ----\n", log_path, text + start,
                len && text[len - 1] != '\n' ? "\n" : "");
    free(text);
}

void yzt_server_print_log(const struct yz_test_server *s, int max_lines)
{
    if (s->log_path[0])
        print_log_tail(s->log_path, max_lines > 0 ? max_lines : LOG_TAIL_LINES);
}

/* ---- starting and stopping ------------------------------------------------- */

/* The port file: 1 with *port when complete (digits and a newline), 0 when
 * not there yet, -1 when complete but not a port. */
static int read_port(const char *path, int *port)
{
    char text[32];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    if (got <= 0)
        return 0;
    text[got] = '\0';
    char *nl = strchr(text, '\n');
    if (!nl)
        return got == (ssize_t)sizeof text - 1 ? -1 : 0;
    *nl = '\0';
    int64_t v;
    if (!yz_parse_i64(text, 1, 65535, &v) || nl[1] != '\0')
        return -1;
    *port = (int)v;
    return 1;
}

/*
 * Starts `serve` on s->dir and waits for its port. Returns true; or false
 * after printing why (the server, if it was started, has been stopped).
 */
static bool serve(struct yz_test_server *s, const char *const *extra_set_args)
{
    char port_path[300];
    char *argv[12 + 2 * YZT_MAX_SET_ARGS + 1];
    size_t n = 0, nset = 0;
    char why[200];

    snprintf(port_path, sizeof port_path, "%s/port", s->dir);
    unlink(port_path);
    argv[n++] = (char *)bin_path();
    argv[n++] = "serve";
    argv[n++] = "--dir";
    argv[n++] = s->dir;
    argv[n++] = "--data";
    argv[n++] = (char *)data_path();
    argv[n++] = "--port";
    argv[n++] = "0";
    argv[n++] = "--port-file";
    argv[n++] = port_path;
    for (const char *const *a = extra_set_args; a && *a; a++) {
        if (++nset > YZT_MAX_SET_ARGS || !strchr(*a, '=')) {
            print_error(
                "apitest: extra_set_args: more than %d entries or \"%s\" is not key=value\n",
                YZT_MAX_SET_ARGS, *a);
            return false;
        }
        argv[n++] = "--set";
        argv[n++] = (char *)*a;
    }
    argv[n] = NULL;

    if (live_count() == MAX_LIVE) {
        print_error("apitest: more than %d servers at once\n", MAX_LIVE);
        return false;
    }
    int logfd = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (logfd < 0) {
        print_error("apitest: %s: %s\n", s->log_path, strerror(errno));
        return false;
    }
    /* API tests see the API only, whether or not web/dist is built in the
     * working directory; test_static serves a UI of its own with --set. */
    static const char *const api_only[] = {"YIZHAN_WEB_ROOT=", NULL};
    char **env = child_env(api_only);
    pid_t pid = spawn(argv, env, logfd);
    int spawn_errno = errno;
    free(env);
    close(logfd);
    if (pid < 0) {
        print_error("apitest: fork: %s\n", strerror(spawn_errno));
        return false;
    }
    s->pid = pid;
    live_add(pid, s);

    int64_t deadline = now_ms() + (int64_t)YZT_START_TIMEOUT_S * 1000;
    for (;;) {
        int status;
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            live_remove(pid);
            s->pid = 0;
            describe_status(status, why, sizeof why);
            print_error("apitest: yizhan serve %s before it was listening\n", why);
            print_log_tail(s->log_path, LOG_TAIL_LINES);
            return false;
        }
        int port = 0;
        int got = read_port(port_path, &port);
        if (got == 1) {
            s->port = port;
            snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", port);
            return true;
        }
        if (got < 0 || now_ms() >= deadline) {
            if (got < 0)
                print_error("apitest: %s does not hold a port\n", port_path);
            else
                print_error("apitest: no port file within %d s\n", YZT_START_TIMEOUT_S);
            if (!terminate(pid, why, sizeof why))
                print_error("apitest: yizhan serve %s\n", why);
            live_remove(pid);
            s->pid = 0;
            print_log_tail(s->log_path, LOG_TAIL_LINES);
            return false;
        }
        sleep_ms(20);
    }
}

int yzt_server_start_at(const char *file, int line, struct yz_test_server *s, bool demo,
                        const char *const *extra_set_args)
{
    global_init();
    memset(s, 0, sizeof *s);
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) > 200)
        tmp = "/tmp";
    snprintf(s->dir, sizeof s->dir, "%s/yzt-XXXXXX", tmp);
    if (!mkdtemp(s->dir)) {
        int e = errno;
        memset(s, 0, sizeof *s);
        failf(file, line, "apitest: mkdtemp in %s: %s", tmp, strerror(e));
    }
    snprintf(s->db_path, sizeof s->db_path, "%s/yizhan.db", s->dir);
    snprintf(s->log_path, sizeof s->log_path, "%s/server.log", s->dir);

    char *argv[8] = {(char *)bin_path(), "init", "--dir", s->dir, "--data", (char *)data_path()};
    argv[6] = demo ? "--demo" : NULL;
    char *out = yz_malloc(INIT_OUTPUT_MAX);
    char **env = child_env(NULL);
    char why[200];
    int status = 0;
    int rc =
        run_capture(argv, env, out, INIT_OUTPUT_MAX, YZT_CLI_TIMEOUT_S, &status, why, sizeof why);
    free(env);
    if (rc != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        if (rc == 0)
            describe_status(status, why, sizeof why);
        print_error("apitest: %s init --dir %s%s %s; its output:\n%s\n", argv[0], s->dir,
                    demo ? " --demo" : "", why, out);
        free(out);
        goto fail;
    }
    free(out);
    if (!serve(s, extra_set_args))
        goto fail;
    return 0;
fail:
    remove_dir(s->dir);
    memset(s, 0, sizeof *s);
    failf(file, line, "apitest: the test server did not start (binary %s)", bin_path());
}

void yzt_server_kill(struct yz_test_server *s)
{
    if (s->pid > 0) {
        int status;
        kill(s->pid, SIGKILL);
        while (waitpid(s->pid, &status, 0) == -1 && errno == EINTR)
            ;
        live_remove(s->pid);
    }
    s->pid = 0;
    s->port = 0;
    s->base[0] = '\0';
}

void yzt_server_restart_at(const char *file, int line, struct yz_test_server *s,
                           const char *const *extra_set_args)
{
    global_init();
    if (!s->dir[0])
        failf(file, line, "apitest: yzt_server_restart on a server that was never started");
    if (s->pid > 0) {
        char why[200];
        pid_t pid = s->pid;
        bool ok = terminate(pid, why, sizeof why);
        live_remove(pid);
        s->pid = 0;
        if (!ok) {
            print_error("apitest: yizhan serve (dir %s) %s\n", s->dir, why);
            print_log_tail(s->log_path, LOG_TAIL_LINES);
            yzt_server_stop_at(file, line, s);
            failf(file, line, "apitest: the test server did not stop cleanly");
        }
    }
    s->port = 0;
    s->base[0] = '\0';
    if (!serve(s, extra_set_args)) {
        yzt_server_stop_at(file, line, s);
        failf(file, line, "apitest: the test server did not restart");
    }
}

void yzt_server_halt_at(const char *file, int line, struct yz_test_server *s)
{
    if (s->pid <= 0)
        return;
    char why[200] = "";
    pid_t pid = s->pid;
    bool ok = terminate(pid, why, sizeof why);
    live_remove(pid);
    s->pid = 0;
    s->port = 0;
    s->base[0] = '\0';
    if (!ok) {
        print_error("apitest: yizhan serve (dir %s) %s\n", s->dir, why);
        print_log_tail(s->log_path, LOG_TAIL_LINES);
        yzt_server_stop_at(file, line, s);
        failf(file, line, "apitest: the test server did not stop cleanly");
    }
}

void yzt_server_stop_at(const char *file, int line, struct yz_test_server *s)
{
    char why[200] = "";
    bool ok = true;
    if (s->pid > 0) {
        pid_t pid = s->pid;
        ok = terminate(pid, why, sizeof why);
        live_remove(pid);
        if (!ok) {
            print_error("apitest: yizhan serve (dir %s) %s\n", s->dir, why);
            print_log_tail(s->log_path, LOG_TAIL_LINES);
        }
    }
    /* SECURITY.md T24: no full ID or mobile number in the server's access and
     * error log, in every API test (the log holds every run of this server). */
    long pii = s->log_path[0] ? yzt_scan_file_pii(s->log_path, "apitest: server log", 5) : 0;
    if (s->dir[0])
        remove_dir(s->dir);
    memset(s, 0, sizeof *s);
    if (!ok)
        failf(file, line, "apitest: the test server did not stop cleanly: %s", why);
    if (pii > 0)
        failf(file, line, "apitest: %ld server log lines with a full ID or mobile number", pii);
}

/* Stops what failed tests left running; false when one of them ended badly. */
static bool reap_leftovers(void)
{
    bool all_ok = true;
    for (int i = 0; i < MAX_LIVE; i++) {
        if (live[i].pid == 0)
            continue;
        char why[200];
        if (!terminate(live[i].pid, why, sizeof why)) {
            print_error("apitest: left-over yizhan serve (dir %s) %s\n", live[i].dir, why);
            print_log_tail(live[i].log_path, LOG_TAIL_LINES);
            all_ok = false;
        }
        remove_dir(live[i].dir);
        memset(&live[i], 0, sizeof live[i]);
    }
    return all_ok;
}

int yzt_global_setup(void **state)
{
    global_init();
    return 0;
}

int yzt_global_teardown(void **state)
{
    bool ok = reap_leftovers();
    ok &= release_abandoned() == 0;
    if (curl_ready)
        curl_global_cleanup();
    curl_ready = false;
    if (!ok)
        run_failed = true;
    return ok ? 0 : -1;
}

/* The fixtures' servers live here rather than on the heap: cmocka skips the
 * teardown when a setup fails, and a static slot cannot leak. */
static struct yz_test_server fixture_servers[MAX_LIVE];

static int setup(void **state, bool demo)
{
    struct yz_test_server *s = NULL;
    for (int i = 0; i < MAX_LIVE && !s; i++)
        if (!fixture_servers[i].dir[0])
            s = &fixture_servers[i];
    if (!s)
        failf(__FILE__, __LINE__, "apitest: more than %d fixture servers", MAX_LIVE);
    *state = s;
    yzt_server_start_at(__FILE__, __LINE__, s, demo, NULL);
    return 0;
}

int yzt_setup_server(void **state)
{
    return setup(state, false);
}

int yzt_setup_demo_server(void **state)
{
    return setup(state, true);
}

int yzt_teardown_server(void **state)
{
    struct yz_test_server *s = *state;
    *state = NULL;
    if (s)
        yzt_server_stop_at(__FILE__, __LINE__, s);
    return 0;
}

/* ---- HTTP ------------------------------------------------------------------ */

struct sink {
    struct yz_buf buf;
    bool overflow;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct sink *k = ud;
    if (!yz_buf_add(&k->buf, p, size * n)) {
        k->overflow = true;
        return 0;
    }
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct sink *k = ud;
    if (size * n >= 5 && memcmp(p, "HTTP/", 5) == 0)
        yz_buf_reset(&k->buf); /* a final response after an interim 1xx one */
    if (!yz_buf_add(&k->buf, p, size * n)) {
        k->overflow = true;
        return 0;
    }
    return size * n;
}

/* Whether headers (NULL-terminated "Name: value") name header name. */
static bool names_header(const char *const *headers, const char *name)
{
    size_t n = strlen(name);
    for (const char *const *h = headers; h && *h; h++)
        if (strncasecmp(*h, name, n) == 0 && ((*h)[n] == ':' || (*h)[n] == ';'))
            return true;
    return false;
}

/* Calls fn for each "Name: value" line of raw headers (status lines skipped);
 * stops when fn returns true. */
static void each_header(const char *raw,
                        bool (*fn)(const char *name, size_t nlen, const char *val, size_t vlen,
                                   void *ctx),
                        void *ctx)
{
    const char *p = raw;
    while (p && *p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *colon = memchr(p, ':', len);
        if (colon && strncmp(p, "HTTP/", 5) != 0) {
            const char *v = colon + 1, *ve = p + len;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            if (fn(p, (size_t)(colon - p), v, (size_t)(ve - v), ctx))
                return;
        }
        p = end ? end + 1 : NULL;
    }
}

struct find_ctx {
    const char *name;
    char *out;
    size_t outsize;
    bool found;
};

static bool find_one(const char *name, size_t nlen, const char *val, size_t vlen, void *ctx)
{
    struct find_ctx *f = ctx;
    if (strlen(f->name) != nlen || strncasecmp(name, f->name, nlen) != 0)
        return false;
    size_t take = vlen < f->outsize - 1 ? vlen : f->outsize - 1;
    memcpy(f->out, val, take);
    f->out[take] = '\0';
    f->found = true;
    return true;
}

bool yzt_header(const struct yzt_response *r, const char *name, char *out, size_t outsize)
{
    struct find_ctx f = {name, out, outsize, false};
    if (outsize == 0)
        return false;
    out[0] = '\0';
    each_header(r->headers, find_one, &f);
    return f.found;
}

struct cookie_ctx {
    struct yzt_client *c;
    bool too_long;
};

/* A Set-Cookie for the session cookie updates the client; others are ignored. */
static bool take_cookie(const char *name, size_t nlen, const char *val, size_t vlen, void *ctx)
{
    struct cookie_ctx *k = ctx;
    if (nlen != 10 || strncasecmp(name, "Set-Cookie", 10) != 0)
        return false;
    const char *eq = memchr(val, '=', vlen);
    if (!eq)
        return false;
    size_t cn = (size_t)(eq - val);
    if (!((cn == 10 && memcmp(val, "yz_session", 10) == 0) ||
          (cn == 17 && memcmp(val, "__Host-yz_session", 17) == 0)))
        return false;
    const char *cv = eq + 1, *end = val + vlen;
    const char *semi = memchr(cv, ';', (size_t)(end - cv));
    size_t cvlen = (size_t)((semi ? semi : end) - cv);
    bool expired = cvlen == 0;
    for (const char *a = semi; a && a < end;) {
        a++;
        while (a < end && *a == ' ')
            a++;
        if ((size_t)(end - a) > 8 && strncasecmp(a, "Max-Age=", 8) == 0 &&
            (a[8] == '0' || a[8] == '-'))
            expired = true;
        a = memchr(a, ';', (size_t)(end - a));
    }
    if (expired) {
        k->c->cookie[0] = '\0';
        k->c->csrf[0] = '\0';
    } else if (cvlen >= sizeof k->c->cookie) {
        k->too_long = true;
    } else {
        memcpy(k->c->cookie, cv, cvlen);
        k->c->cookie[cvlen] = '\0';
    }
    return false;
}

static bool is_json_type(const char *ct)
{
    const char *semi = strchr(ct, ';');
    size_t n = semi ? (size_t)(semi - ct) : strlen(ct);
    while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
        return true;
    return n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0;
}

/* Prints the request, status and start of the body of r for a failure. */
static void show(const struct yzt_response *r)
{
    print_error("    request: %s\n    status:  %ld\n    content-type: %s\n    body: %.*s%s\n",
                r->what, r->status, r->content_type, BODY_SHOWN, r->body ? r->body : "(none)",
                r->len > BODY_SHOWN ? "..." : "");
}

/* Shows r, releases it (the test is over, and a leak report would only bury
 * the failure) and fails the test. */
static _Noreturn void fail_response(const char *file, int line, struct yzt_response *r)
{
    show(r);
    yzt_response_free(r);
    fail_at(file, line);
}

/*
 * Responses handed out and not yet freed, so that the ones a failed test
 * abandons can be released quietly (apitest.h, struct yzt_response).
 */
struct tracked {
    struct tracked *prev, *next;
    char *body, *headers;
    json_t *json;
    const char *file;
    int line;
};
static struct tracked *tracked_head;
/* A test may send requests from threads of its own (test_access's probes). */
static pthread_mutex_t tracked_lock = PTHREAD_MUTEX_INITIALIZER;

static void track(struct yzt_response *r, const char *file, int line)
{
    struct tracked *t = yz_calloc(1, sizeof *t);
    t->body = r->body;
    t->headers = r->headers;
    t->json = r->json;
    t->file = file;
    t->line = line;
    pthread_mutex_lock(&tracked_lock);
    t->next = tracked_head;
    if (tracked_head)
        tracked_head->prev = t;
    tracked_head = t;
    pthread_mutex_unlock(&tracked_lock);
    r->tracking = t;
}

/* Releases abandoned responses; returns how many there were. */
static int release_abandoned(void)
{
    int n = 0;
    struct yz_buf sites = YZ_BUF_INIT(600);
    while (tracked_head) {
        struct tracked *t = tracked_head;
        tracked_head = t->next;
        if (n < 5)
            yz_buf_addf(&sites, "%s%s:%d", n ? ", " : "", t->file, t->line);
        n++;
        free(t->body);
        free(t->headers);
        json_decref(t->json);
        free(t);
    }
    if (n)
        print_error("apitest: %d response(s) not released by yzt_response_free, made at %s%s\n", n,
                    sites.data, n > 5 ? ", ..." : "");
    yz_buf_release(&sites);
    return n;
}

/*
 * The one request path. owned (may be NULL) is freed on every path, so a
 * failing test does not leak the body a wrapper built.
 */
static int do_request(const char *file, int line, struct yzt_client *c, const char *method,
                      const char *path, const void *body, size_t len, bool has_body,
                      const char *const *extra, struct yzt_response *r, char *owned)
{
    global_init();
    yzt_response_free(r);
    snprintf(r->what, sizeof r->what, "%s %s", method ? method : "(null)", path ? path : "(null)");
    if (!c || !c->srv || c->srv->port == 0 || !method || !path || path[0] != '/') {
        free(owned);
        failf(file, line,
              "yzt_request %s: needs a client with a running server and a path "
              "starting with '/'",
              r->what);
    }
    int nextra = 0;
    for (const char *const *h = extra; h && *h; h++)
        nextra++;
    if (nextra > YZT_MAX_EXTRA_HEADERS) {
        free(owned);
        failf(file, line, "yzt_request %s: more than %d extra headers", r->what,
              YZT_MAX_EXTRA_HEADERS);
    }

    bool get = strcmp(method, "GET") == 0, head = strcmp(method, "HEAD") == 0;
    long timeout = c->timeout_s > 0 ? c->timeout_s : YZT_REQUEST_TIMEOUT_S;
    struct yz_buf url = YZ_BUF_INIT(1u << 20);
    struct sink bsink = {YZ_BUF_INIT(YZT_MAX_RESPONSE), false};
    struct sink hsink = {YZ_BUF_INIT(YZT_MAX_HEADERS), false};
    struct curl_slist *hl = NULL;
    char hdr[700], cookie[600], errbuf[CURL_ERROR_SIZE] = "";
    bool ok = true;
    cookie[0] = '\0';

    ok &= yz_buf_adds(&url, c->srv->base) && yz_buf_adds(&url, path);
    if (has_body && !names_header(extra, "Content-Type"))
        ok &= (hl = curl_slist_append(hl, "Content-Type: application/json")) != NULL;
    if (!has_body && !get && !head && !names_header(extra, "Content-Type"))
        ok &= (hl = curl_slist_append(hl, "Content-Type:")) != NULL; /* not curl's form type */
    if (!names_header(extra, "Expect"))
        ok &= (hl = curl_slist_append(hl, "Expect:")) != NULL;
    if (c->bearer[0] && !names_header(extra, "Authorization")) {
        snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", c->bearer);
        ok &= (hl = curl_slist_append(hl, hdr)) != NULL;
    }
    if (c->cookie[0] && c->csrf[0] && !get && !head && !names_header(extra, "X-CSRF-Token")) {
        snprintf(hdr, sizeof hdr, "X-CSRF-Token: %s", c->csrf);
        ok &= (hl = curl_slist_append(hl, hdr)) != NULL;
    }
    if (c->cookie[0] && !names_header(extra, "Cookie"))
        snprintf(cookie, sizeof cookie, "yz_session=%s", c->cookie);
    for (const char *const *h = extra; h && *h; h++)
        ok &= (hl = curl_slist_append(hl, *h)) != NULL;

    CURL *e = ok ? curl_easy_init() : NULL;
    CURLcode rc = CURLE_FAILED_INIT;
    long status = 0;
    if (e) {
        curl_easy_setopt(e, CURLOPT_URL, url.data);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_TIMEOUT, timeout);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, timeout < 10 ? timeout : 10L);
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L); /* "/../x" reaches the server as written */
        curl_easy_setopt(e, CURLOPT_PROXY, "");
        curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http");
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
        curl_easy_setopt(e, CURLOPT_USERAGENT, "yizhan-apitest");
        curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, hl);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &bsink);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, &hsink);
        if (cookie[0])
            curl_easy_setopt(e, CURLOPT_COOKIE, cookie);
        if (head) {
            curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        } else if (get && !has_body) {
            curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        } else {
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(has_body ? len : 0));
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, has_body ? body : "");
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
        }
        rc = curl_easy_perform(e);
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_cleanup(e);
    }
    curl_slist_free_all(hl);
    yz_buf_release(&url);
    free(owned);

    r->body = yz_buf_detach(&bsink.buf, &r->len);
    r->headers = yz_buf_detach(&hsink.buf, NULL);
    if (!ok || rc != CURLE_OK) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s: %s%s %s", r->what,
                 !ok ? "request too large to build" : curl_easy_strerror(rc),
                 bsink.overflow || hsink.overflow ? " (response over the harness's size limit)"
                                                  : "",
                 errbuf[0] ? errbuf : "");
        if (c->transport_errors_ok && ok) {
            free(r->body);
            free(r->headers);
            r->body = yz_strdup("");
            r->headers = yz_strdup("");
            r->len = 0;
            track(r, file, line);
            return (int)rc;
        }
        yzt_response_free(r);
        failf(file, line, "yzt_request %s", msg);
    }
    r->status = status;
    yzt_header(r, "Content-Type", r->content_type, sizeof r->content_type);
    yzt_header(r, "X-Request-Id", r->request_id, sizeof r->request_id);
    struct cookie_ctx ck = {c, false};
    each_header(r->headers, take_cookie, &ck);
    if (ck.too_long) {
        print_error("%s: the session cookie is longer than the client keeps (%zu)\n", r->what,
                    sizeof c->cookie - 1);
        fail_response(file, line, r);
    }
    if (r->len > 0 && is_json_type(r->content_type)) {
        json_error_t je;
        r->json = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &je);
        if (!r->json) {
            if (c->transport_errors_ok) {
                r->status = 0;
                track(r, file, line);
                return -1;
            }
            print_error("%s: the Content-Type is JSON but the body is not (%s, position %d)\n",
                        r->what, je.text, je.position);
            fail_response(file, line, r);
        }
    }
    track(r, file, line);
    return 0;
}

int yzt_request_at(const char *file, int line, struct yzt_client *c, const char *method,
                   const char *path, const char *body, const char *const *extra_headers,
                   struct yzt_response *r)
{
    return do_request(file, line, c, method, path, body, body ? strlen(body) : 0, body != NULL,
                      extra_headers, r, NULL);
}

int yzt_request_raw_at(const char *file, int line, struct yzt_client *c, const char *method,
                       const char *path, const void *body, size_t len,
                       const char *const *extra_headers, struct yzt_response *r)
{
    return do_request(file, line, c, method, path, body ? body : "", body ? len : 0, true,
                      extra_headers, r, NULL);
}

int yzt_request_json_at(const char *file, int line, struct yzt_client *c, const char *method,
                        const char *path, json_t *json, const char *const *extra_headers,
                        struct yzt_response *r)
{
    char *text = NULL;
    if (json) {
        text = json_dumps(json, JSON_COMPACT);
        json_decref(json);
        if (!text)
            failf(file, line, "yzt_request_json %s %s: json_dumps failed", method, path);
    }
    return do_request(file, line, c, method, path, text, text ? strlen(text) : 0, text != NULL,
                      extra_headers, r, text);
}

void yzt_response_free(struct yzt_response *r)
{
    struct tracked *t = r->tracking;
    if (t) {
        pthread_mutex_lock(&tracked_lock);
        *(t->prev ? &t->prev->next : &tracked_head) = t->next;
        if (t->next)
            t->next->prev = t->prev;
        pthread_mutex_unlock(&tracked_lock);
        free(t);
    }
    free(r->body);
    free(r->headers);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

int yzt_login_at(const char *file, int line, struct yzt_client *c, const char *login,
                 const char *password, const char *totp_or_null)
{
    json_t *b = json_pack("{ssss}", "login", login, "password", password);
    if (!b)
        failf(file, line, "yzt_login: login and password must be UTF-8 strings");
    if (totp_or_null)
        json_object_set_new(b, "totp", json_string(totp_or_null));
    struct yzt_response r = {0};
    yzt_request_json_at(file, line, c, "POST", "/api/v1/session", b, NULL, &r);
    const char *why = NULL;
    const char *csrf = json_string_value(json_object_get(r.json, "csrf_token"));
    if (r.status != 200 && r.status != 201)
        why = "expected status 200 or 201";
    else if (!c->cookie[0])
        why = "no yz_session cookie was set";
    else if (!csrf || !csrf[0])
        why = "the response has no csrf_token";
    else if (strlen(csrf) >= sizeof c->csrf)
        why = "the csrf_token is longer than the client keeps";
    if (why) {
        print_error("yzt_login %s: %s\n", login, why);
        fail_response(file, line, &r);
    }
    yz_strlcpy(c->csrf, csrf, sizeof c->csrf);
    yzt_response_free(&r);
    return 0;
}

void yzt_idem_key(char out[40])
{
    unsigned char rnd[16];
    global_init();
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(out, 40, rnd, sizeof rnd);
}

void yzt_date_in_days(int days, char out[16])
{
    int64_t ms = (int64_t)time(NULL) * 1000 + (int64_t)days * 86400000;
    yz_date_format(yz_date_of_shanghai(ms), out, 16);
}

/* ---- JSON ------------------------------------------------------------------ */

json_t *yzt_json_at(json_t *root, const char *path)
{
    json_t *cur = root;
    const char *p = path;
    if (!root || !path)
        return NULL;
    while (*p && cur) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char seg[256];
        if (n >= sizeof seg)
            return NULL;
        memcpy(seg, p, n);
        seg[n] = '\0';
        if (json_is_array(cur)) {
            int64_t i;
            if (!yz_parse_i64(seg, 0, INT32_MAX, &i))
                return NULL;
            cur = json_array_get(cur, (size_t)i);
        } else if (json_is_object(cur)) {
            cur = json_object_get(cur, seg);
        } else {
            return NULL;
        }
        p = dot ? dot + 1 : p + n;
    }
    return cur;
}

static json_t *must_get(const char *file, int line, struct yzt_response *r, const char *path,
                        int type, const char *type_name)
{
    json_t *v = yzt_json_at(r->json, path);
    if (!v || (int)json_typeof(v) != type) {
        print_error("%s: \"%s\" is %s, expected %s\n", r->what, path,
                    !r->json ? "unavailable (the body is not JSON)"
                    : v      ? "of another type"
                             : "absent",
                    type_name);
        fail_response(file, line, r);
    }
    return v;
}

const char *yzt_json_str_at(const char *file, int line, struct yzt_response *r, const char *path)
{
    return json_string_value(must_get(file, line, r, path, JSON_STRING, "a string"));
}

int64_t yzt_json_int_at(const char *file, int line, struct yzt_response *r, const char *path)
{
    return (int64_t)json_integer_value(must_get(file, line, r, path, JSON_INTEGER, "an integer"));
}

bool yzt_json_bool_at(const char *file, int line, struct yzt_response *r, const char *path)
{
    json_t *v = yzt_json_at(r->json, path);
    if (!json_is_boolean(v))
        must_get(file, line, r, path, JSON_TRUE, "a boolean"); /* fails, with the message */
    return json_is_true(v);
}

bool yzt_json_has(const struct yzt_response *r, const char *path)
{
    return yzt_json_at(r->json, path) != NULL;
}

/* ---- assertions ------------------------------------------------------------ */

void yzt_assert_status_at(const char *file, int line, struct yzt_response *r, long status)
{
    if (r->status == status)
        return;
    print_error("%s: expected status %ld, got %ld\n", r->what, status, r->status);
    fail_response(file, line, r);
}

static bool is_nonempty_string(json_t *v)
{
    return json_is_string(v) && json_string_length(v) > 0;
}

void yzt_assert_problem_at(const char *file, int line, struct yzt_response *r, long status,
                           const char *code)
{
    char why[300] = "";
    json_t *j = r->json;
    const char *semi = strchr(r->content_type, ';');
    size_t ctn = semi ? (size_t)(semi - r->content_type) : strlen(r->content_type);
    if (r->status != status)
        snprintf(why, sizeof why, "expected status %ld, got %ld", status, r->status);
    else if (ctn != 24 || strncasecmp(r->content_type, "application/problem+json", 24) != 0)
        snprintf(why, sizeof why, "Content-Type is \"%s\", not application/problem+json",
                 r->content_type);
    else if (!json_is_object(j))
        snprintf(why, sizeof why, "the body is not a JSON object");
    else if (!is_nonempty_string(json_object_get(j, "type")))
        snprintf(why, sizeof why, "no string \"type\"");
    else if (!is_nonempty_string(json_object_get(j, "title")))
        snprintf(why, sizeof why, "no string \"title\"");
    else if (!json_is_integer(json_object_get(j, "status")) ||
             json_integer_value(json_object_get(j, "status")) != status)
        snprintf(why, sizeof why, "\"status\" is not the integer %ld", status);
    else if (!json_is_string(json_object_get(j, "code")) ||
             strcmp(json_string_value(json_object_get(j, "code")), code) != 0)
        snprintf(why, sizeof why, "expected code \"%s\"", code);
    else if (!is_nonempty_string(json_object_get(j, "request_id")))
        snprintf(why, sizeof why, "no \"request_id\"");
    else if (strcmp(json_string_value(json_object_get(j, "request_id")), r->request_id) != 0)
        snprintf(why, sizeof why, "request_id \"%s\" differs from the X-Request-Id header \"%s\"",
                 json_string_value(json_object_get(j, "request_id")), r->request_id);
    if (!why[0] && json_object_get(j, "errors")) {
        json_t *errs = json_object_get(j, "errors"), *e;
        size_t i;
        if (!json_is_array(errs))
            snprintf(why, sizeof why, "\"errors\" is not an array");
        json_array_foreach(errs, i, e)
        {
            if (!json_is_object(e) || !json_is_string(json_object_get(e, "field")) ||
                !json_is_string(json_object_get(e, "code")) ||
                !is_nonempty_string(json_object_get(e, "message"))) {
                snprintf(why, sizeof why, "errors[%zu] lacks a string field, code or message", i);
                break;
            }
        }
    }
    if (!why[0])
        return;
    print_error("%s: not the expected problem %ld %s: %s\n", r->what, status, code, why);
    fail_response(file, line, r);
}

void yzt_assert_field_error_at(const char *file, int line, struct yzt_response *r,
                               const char *field, const char *code_or_null)
{
    json_t *errs = json_object_get(r->json, "errors"), *e;
    size_t i;
    struct yz_buf seen = YZ_BUF_INIT(2000);
    json_array_foreach(errs, i, e)
    {
        const char *f = json_string_value(json_object_get(e, "field"));
        const char *c = json_string_value(json_object_get(e, "code"));
        if (f && strcmp(f, field) == 0 && (!code_or_null || (c && strcmp(c, code_or_null) == 0))) {
            yz_buf_release(&seen);
            return;
        }
        yz_buf_addf(&seen, "%s%s(%s)", i ? ", " : "", f ? f : "?", c ? c : "?");
    }
    print_error("%s: no field error for \"%s\"%s%s; errors present: %s\n", r->what, field,
                code_or_null ? " with code " : "", code_or_null ? code_or_null : "",
                seen.len ? seen.data : "none");
    yz_buf_release(&seen);
    fail_response(file, line, r);
}

/* ---- the database ---------------------------------------------------------- */

static sqlite3 *db_open(const char *file, int line, const struct yz_test_server *s)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(s->db_path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        failf(file, line, "apitest: cannot open %s read-only: %s", s->db_path, msg);
    }
    sqlite3_busy_timeout(db, 10000);
    return db;
}

int64_t yzt_db_count_at(const char *file, int line, const struct yz_test_server *s, const char *sql)
{
    sqlite3 *db = db_open(file, line, s);
    sqlite3_stmt *st = NULL;
    char msg[400] = "";
    int64_t v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        snprintf(msg, sizeof msg, "prepare: %s", sqlite3_errmsg(db));
    else if (sqlite3_step(st) != SQLITE_ROW)
        snprintf(msg, sizeof msg, "no row: %s", sqlite3_errmsg(db));
    else if (sqlite3_column_count(st) != 1 || sqlite3_column_type(st, 0) != SQLITE_INTEGER)
        snprintf(msg, sizeof msg, "the row is not one integer");
    else if ((v = sqlite3_column_int64(st, 0)), sqlite3_step(st) != SQLITE_DONE)
        snprintf(msg, sizeof msg, "more than one row");
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (msg[0])
        failf(file, line, "yzt_db_count \"%s\": %s", sql, msg);
    return v;
}

static void hash_u64(crypto_generichash_state *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    crypto_generichash_update(h, b, sizeof b);
}

static void hash_bytes(crypto_generichash_state *h, const void *p, size_t n)
{
    hash_u64(h, n);
    if (n)
        crypto_generichash_update(h, p, n);
}

static bool skipped_table(const char *name, const char *const *skip)
{
    if (strcmp(name, "sessions") == 0 || strcmp(name, "idempotency") == 0 ||
        strncmp(name, "sqlite_stat", 11) == 0)
        return true;
    for (const char *const *k = skip; k && *k; k++)
        if (strcmp(name, *k) == 0)
            return true;
    return false;
}

/* Hashes one table's rows; returns false with msg on an SQLite error. */
static bool hash_table(sqlite3 *db, crypto_generichash_state *h, const char *name, char *msg,
                       size_t msgn)
{
    struct yz_buf q = YZ_BUF_INIT(4096);
    sqlite3_stmt *st = NULL;
    bool ok = false;
    /* Quoted identifier; by rowid, or by every column for WITHOUT ROWID tables. */
    for (int attempt = 0; attempt < 2 && !st; attempt++) {
        yz_buf_reset(&q);
        yz_buf_adds(&q, "SELECT * FROM \"");
        for (const char *p = name; *p; p++) {
            yz_buf_addc(&q, *p);
            if (*p == '"')
                yz_buf_addc(&q, '"');
        }
        yz_buf_adds(&q, "\"");
        if (attempt == 0) {
            yz_buf_adds(&q, " ORDER BY rowid");
        } else {
            sqlite3_stmt *probe = NULL;
            if (sqlite3_prepare_v2(db, q.data, -1, &probe, NULL) != SQLITE_OK)
                break;
            int cols = sqlite3_column_count(probe);
            sqlite3_finalize(probe);
            for (int i = 1; i <= cols; i++)
                yz_buf_addf(&q, "%s%d", i == 1 ? " ORDER BY " : ",", i);
        }
        if (sqlite3_prepare_v2(db, q.data, -1, &st, NULL) != SQLITE_OK)
            st = NULL;
    }
    if (!st) {
        snprintf(msg, msgn, "table %s: %s", name, sqlite3_errmsg(db));
        goto out;
    }
    int cols = sqlite3_column_count(st);
    hash_bytes(h, name, strlen(name));
    hash_u64(h, (uint64_t)cols);
    for (int i = 0; i < cols; i++) {
        const char *cn = sqlite3_column_name(st, i);
        hash_bytes(h, cn, strlen(cn));
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hash_u64(h, 0x524f57); /* "ROW" */
        for (int i = 0; i < cols; i++) {
            int type = sqlite3_column_type(st, i);
            hash_u64(h, (uint64_t)type);
            if (type == SQLITE_INTEGER) {
                hash_u64(h, (uint64_t)sqlite3_column_int64(st, i));
            } else if (type == SQLITE_FLOAT) {
                double d = sqlite3_column_double(st, i);
                uint64_t bits;
                memcpy(&bits, &d, sizeof bits);
                hash_u64(h, bits);
            } else if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
                const void *p = type == SQLITE_TEXT ? (const void *)sqlite3_column_text(st, i)
                                                    : sqlite3_column_blob(st, i);
                hash_bytes(h, p, (size_t)sqlite3_column_bytes(st, i));
            }
        }
    }
    if (rc != SQLITE_DONE) {
        snprintf(msg, msgn, "table %s: %s", name, sqlite3_errmsg(db));
        goto out;
    }
    ok = true;
out:
    sqlite3_finalize(st);
    yz_buf_release(&q);
    return ok;
}

void yzt_db_snapshot_hash_at(const char *file, int line, const struct yz_test_server *s,
                             const char *const *skip, char out[65])
{
    global_init();
    sqlite3 *db = db_open(file, line, s);
    sqlite3_stmt *st = NULL;
    char *names[MAX_TABLES];
    int n = 0, rc = SQLITE_OK;
    char msg[400] = "";
    crypto_generichash_state h;
    unsigned char digest[32];

    /* One read transaction, so every table is read at the same moment. */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(msg, sizeof msg, "BEGIN: %s", sqlite3_errmsg(db));
        goto out;
    }
    /* Not virtual tables: the full-text index (kb_fts) needs the server's own
     * tokenizer to be read, and its rows are in its shadow tables, which are
     * plain tables and hashed like every other. */
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_master WHERE type = 'table'"
                           " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(msg, sizeof msg, "listing tables: %s", sqlite3_errmsg(db));
        goto out;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name || skipped_table(name, skip))
            continue;
        if (n == MAX_TABLES) {
            snprintf(msg, sizeof msg, "more than %d tables", MAX_TABLES);
            goto out;
        }
        names[n++] = yz_strdup(name);
    }
    if (rc != SQLITE_DONE) {
        snprintf(msg, sizeof msg, "listing tables: %s", sqlite3_errmsg(db));
        goto out;
    }
    crypto_generichash_init(&h, NULL, 0, sizeof digest);
    for (int i = 0; i < n; i++)
        if (!hash_table(db, &h, names[i], msg, sizeof msg))
            goto out;
    crypto_generichash_final(&h, digest, sizeof digest);
    sodium_bin2hex(out, 65, digest, sizeof digest);
out:
    for (int i = 0; i < n; i++)
        free(names[i]);
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    if (msg[0])
        failf(file, line, "yzt_db_snapshot_hash (%s): %s", s->db_path, msg);
}
