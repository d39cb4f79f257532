/*
 * aiosmtpd for API tests (see smtp.h). The server and any helper run as
 * children with a fixed environment and their output in smtp.log, which is
 * printed when they fail to start so that a missing package is obvious.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/smtp.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int64_t yzt_smtp_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void yzt_smtp_sleep_ms(int ms)
{
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000};
    while (nanosleep(&t, &t) == -1 && errno == EINTR)
        ;
}

int yzt_smtp_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static bool accepting(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

void yzt_smtp_print_log(const struct yzt_smtp *s)
{
    char path[320], buf[4096];
    snprintf(path, sizeof path, "%s/smtp.log", s->dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    print_error("smtp.log:\n%s\n", buf);
}

pid_t yzt_smtp_helper_start(const struct yzt_smtp *s, char *const *argv, int port)
{
    char log[320];
    snprintf(log, sizeof log, "%s/smtp.log", s->dir);
    int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    assert_true(out >= 0);
    char *const envp[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL};
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != parent)
            _exit(126);
        int in = open("/dev/null", O_RDONLY);
        if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
            _exit(126);
        execve(argv[0], argv, envp);
        _exit(127);
    }
    close(out);
    assert_true(pid > 0);
    int64_t deadline = yzt_smtp_now_ms() + YZT_SMTP_WAIT_S * 1000;
    while (!accepting(port)) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            yzt_smtp_print_log(s);
            fail_msg("%s %s exited before accepting connections (is python3-aiosmtpd installed?)",
                     argv[1], argv[2]);
        }
        if (yzt_smtp_now_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            yzt_smtp_print_log(s);
            fail_msg("%s %s did not accept connections within %d s", argv[1], argv[2],
                     YZT_SMTP_WAIT_S);
        }
        yzt_smtp_sleep_ms(50);
    }
    return pid;
}

void yzt_smtp_helper_stop(pid_t *pid)
{
    if (*pid <= 0)
        return;
    kill(*pid, SIGTERM);
    int status;
    int64_t deadline = yzt_smtp_now_ms() + YZT_SMTP_WAIT_S * 1000;
    while (waitpid(*pid, &status, WNOHANG) == 0) {
        if (yzt_smtp_now_ms() > deadline) {
            kill(*pid, SIGKILL);
            waitpid(*pid, &status, 0);
            break;
        }
        yzt_smtp_sleep_ms(20);
    }
    *pid = 0;
}

void yzt_smtp_restart(struct yzt_smtp *s)
{
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
    char *const argv[] = {YZT_SMTP_PYTHON, "-m", "aiosmtpd", "-n", "-l", listen,
                          "-c", "aiosmtpd.handlers.Mailbox", s->maildir, NULL};
    s->pid = yzt_smtp_helper_start(s, argv, s->port);
}

void yzt_smtp_init(struct yzt_smtp *s, const char *tmpl)
{
    snprintf(s->dir, sizeof s->dir, "%s", tmpl);
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->maildir, sizeof s->maildir, "%s/maildir", s->dir); /* the handler creates it */
    s->port = yzt_smtp_free_port();
    s->pid = 0;
    yzt_smtp_restart(s);
}

void yzt_smtp_stop(struct yzt_smtp *s)
{
    yzt_smtp_helper_stop(&s->pid);
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            struct stat st;
            if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(sub);
            else
                unlink(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

void yzt_smtp_cleanup(struct yzt_smtp *s)
{
    yzt_smtp_stop(s);
    if (s->dir[0] && !getenv("YZT_KEEP"))
        remove_tree(s->dir);
}

int yzt_smtp_received(const struct yzt_smtp *s, struct yzt_mail *out, int max)
{
    char dir[320];
    snprintf(dir, sizeof dir, "%s/new", s->maildir);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while (n < max && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[700];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        char *buf = calloc(1, 1 << 20);
        assert_non_null(buf);
        size_t len = fread(buf, 1, (1 << 20) - 1, f);
        fclose(f);
        size_t k = 0;
        for (size_t i = 0; i < len; i++)
            if (buf[i] != '\r')
                buf[k++] = buf[i];
        buf[k] = '\0';
        out[n].text = buf;
        snprintf(out[n].name, sizeof out[n].name, "%s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

void yzt_smtp_mails_free(struct yzt_mail *m, int n)
{
    for (int i = 0; i < n; i++)
        free(m[i].text);
}

const char *yzt_smtp_header(const char *text, const char *name, char *out, size_t size)
{
    out[0] = '\0';
    size_t nlen = strlen(name);
    const char *end = strstr(text, "\n\n");
    for (const char *line = text; line && end && line < end; line = strchr(line, '\n') + 1) {
        if (strncmp(line, name, nlen) != 0 || line[nlen] != ':')
            continue;
        const char *p = line + nlen + 1;
        size_t k = 0;
        for (;;) {
            const char *eol = strchr(p, '\n');
            while (*p == ' ' || *p == '\t')
                p++;
            for (; p < eol && k + 1 < size; p++)
                out[k++] = *p;
            if (eol[1] != ' ' && eol[1] != '\t')
                break;
            if (k + 1 < size)
                out[k++] = ' ';
            p = eol + 1;
        }
        out[k] = '\0';
        return out;
    }
    return out;
}

bool yzt_smtp_decode_words(const char *v, char *out, size_t size)
{
    size_t k = 0;
    out[0] = '\0';
    while (*v) {
        while (*v == ' ')
            v++;
        if (!*v)
            break;
        if (strncmp(v, "=?UTF-8?B?", 10) != 0)
            return false;
        v += 10;
        const char *end = strstr(v, "?=");
        size_t n = 0;
        if (!end || sodium_base642bin((unsigned char *)out + k, size - k - 1, v, (size_t)(end - v),
                                      NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
            return false;
        k += n;
        out[k] = '\0';
        v = end + 2;
    }
    return true;
}

char *yzt_smtp_body_of(const char *text)
{
    const char *b = strstr(text, "\n\n");
    assert_non_null(b);
    b += 2;
    size_t n = strlen(b);
    char *out = calloc(1, n + 1);
    assert_non_null(out);
    size_t len = 0;
    assert_int_equal(sodium_base642bin((unsigned char *)out, n, b, n, " \n", &len, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    out[len] = '\0';
    return out;
}
