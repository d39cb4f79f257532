/*
 * A real SMTP server for API tests: Debian's aiosmtpd (python3-aiosmtpd, run
 * by /usr/bin/python3) on a free loopback port with a Maildir handler, in a
 * temporary directory of its own, and readers for the mail it received
 * (headers unfolded, RFC 2047 "B" subjects and base64 bodies decoded). Helper
 * processes die with the test (PR_SET_PDEATHSIG); every wait is a bounded
 * poll of at most YZT_SMTP_WAIT_S seconds.
 */
#ifndef YZT_SMTP_H
#define YZT_SMTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define YZT_SMTP_PYTHON "/usr/bin/python3"
#define YZT_SMTP_WAIT_S 15

struct yzt_smtp {
    char dir[256];     /* temporary: maildir/ and smtp.log (helpers' output) */
    char maildir[300]; /* created by the handler */
    int port;
    pid_t pid;
};

/* Monotonic milliseconds; sleeping that survives signals. */
int64_t yzt_smtp_now_ms(void);
void yzt_smtp_sleep_ms(int ms);
/* A loopback port free at the time of the call. */
int yzt_smtp_free_port(void);

/* Makes a temporary directory from tmpl ("/tmp/yzt-smtp-XXXXXX"), picks a
 * free port and starts aiosmtpd on it (yzt_smtp_restart). */
void yzt_smtp_init(struct yzt_smtp *s, const char *tmpl);
/* Starts aiosmtpd again on s->port (after yzt_smtp_stop); fails the test when
 * it does not accept connections within YZT_SMTP_WAIT_S. */
void yzt_smtp_restart(struct yzt_smtp *s);
/* Stops aiosmtpd (SIGTERM, then SIGKILL after YZT_SMTP_WAIT_S). Harmless when stopped. */
void yzt_smtp_stop(struct yzt_smtp *s);
/* Stops it and removes s->dir unless YZT_KEEP is set. */
void yzt_smtp_cleanup(struct yzt_smtp *s);

/* Starts another helper program (argv[0] an absolute path) with its output
 * appended to s->dir/smtp.log; waits until it accepts connections on port. */
pid_t yzt_smtp_helper_start(const struct yzt_smtp *s, char *const *argv, int port);
/* Stops a helper started above and sets *pid to 0. Harmless for 0. */
void yzt_smtp_helper_stop(pid_t *pid);
/* Prints (the start of) s->dir/smtp.log through cmocka's print_error. */
void yzt_smtp_print_log(const struct yzt_smtp *s);

struct yzt_mail {
    char *text; /* the stored message, CRs removed (owned: yzt_smtp_mails_free) */
    char name[256];
};

/* The messages received so far (files in maildir/new), at most max. */
int yzt_smtp_received(const struct yzt_smtp *s, struct yzt_mail *out, int max);
void yzt_smtp_mails_free(struct yzt_mail *m, int n);
/* The unfolded value of header name (case-sensitive, at a line start) in the
 * header block of text, or "" (out has room for size bytes). Returns out. */
const char *yzt_smtp_header(const char *text, const char *name, char *out, size_t size);
/* Decodes a value of RFC 2047 "B" encoded-words separated by blanks; false
 * when v is not such a value. */
bool yzt_smtp_decode_words(const char *v, char *out, size_t size);
/* The body of a base64 text part, decoded (caller frees); fails the test when
 * it is not base64. */
char *yzt_smtp_body_of(const char *text);

#endif
