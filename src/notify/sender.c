/*
 * The sender thread. A pass copies the due rows out of a read snapshot,
 * then delivers each with no transaction open and records each outcome in a
 * write transaction of its own: the writer is never held across network I/O,
 * and a slow relay delays only the notifications, never a request.
 *
 * libcurl runs with NOSIGNAL (threads), a protocol allow-list per channel,
 * bounded timeouts, and a progress callback that aborts the transfer when
 * the server is stopping, so SIGTERM never waits for a hung relay.
 */
#include "notify/sender.h"
#include "core/clock.h"
#include "core/jsonwrite.h"
#include "core/log.h"
#include "core/utf8.h"
#include "crypto/keys.h"
#include "crypto/pii.h"
#include "notify/mail.h"
#include "notify/notify.h"
#include "store/store.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/banned.h"

#define MESSAGE_MAX (256 * 1024) /* a built e-mail: headers + base64 of YZ_NOTIFY_BODY_MAX */
#define DETAIL_MAX 300           /* bytes of a delivery error kept in last_error */

static struct yz_sql_def q_due = YZ_SQL(
    "SELECT id, channel, attempts, coalesce(address_enc, ''), subject, payload FROM outbox"
    " WHERE sent_at IS NULL AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?"
    " AND channel IN (?, ?) ORDER BY next_attempt_at, id LIMIT ?");
static struct yz_sql_def q_sent =
    YZ_SQL("UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL,"
           " next_attempt_at = NULL WHERE id = ? AND sent_at IS NULL AND attempts = ?");
static struct yz_sql_def q_failed =
    YZ_SQL("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
           " WHERE id = ? AND sent_at IS NULL AND attempts = ?");

struct yz_notify_sender {
    struct yz_app *app;
    bool email_on, sms_on;
    char from_domain[YZ_NOTIFY_EMAIL_SIZE];
    unsigned char sms_key[YZ_NOTIFY_SMS_KEY_MAX];
    size_t sms_key_len;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_bool stop;
};

struct job {
    int64_t id;
    bool email;
    int attempts;
    char *address_enc;
    char *subject; /* NULL for SMS */
    char *payload;
};

enum outcome { SENT, RETRY, GIVE_UP, ABORTED };

struct result {
    enum outcome outcome;
    char detail[DETAIL_MAX]; /* for last_error and the log; never holds the address */
};

/* ---- configuration ---- */

static bool has_scheme(const char *url, const char *const *schemes)
{
    for (; *schemes; schemes++) {
        size_t n = strlen(*schemes);
        if (strncmp(url, *schemes, n) == 0 && url[n] != '\0' && url[n] != '/')
            return true;
    }
    return false;
}

static enum yz_err configure(struct yz_notify_sender *s, struct yz_buf *err)
{
    static const char *const smtp[] = {"smtp://", "smtps://", NULL};
    static const char *const http[] = {"http://", "https://", NULL};
    const struct yz_config *c = &s->app->cfg;
    char from[YZ_NOTIFY_EMAIL_SIZE];
    s->email_on = c->notify.smtp_url[0] != '\0';
    s->sms_on = c->notify.sms_url[0] != '\0';
    if (s->email_on && !has_scheme(c->notify.smtp_url, smtp)) {
        yz_buf_adds(err, "notify.smtp_url: must start with smtp:// or smtps:// and name a host");
        return YZ_ERR_CONFIG;
    }
    if (yz_notify_email_normalise(c->notify.mail_from, strlen(c->notify.mail_from), from) ||
        strcmp(from, c->notify.mail_from) != 0) {
        yz_buf_adds(err, "notify.mail_from: not a plain e-mail address with a lower-case domain");
        return YZ_ERR_CONFIG;
    }
    yz_strlcpy(s->from_domain, strchr(from, '@') + 1, sizeof s->from_domain);
    if (s->sms_on && !has_scheme(c->notify.sms_url, http)) {
        yz_buf_adds(err, "notify.sms_url: must start with http:// or https:// and name a host");
        return YZ_ERR_CONFIG;
    }
    if (s->sms_on && !c->notify.sms_key_file[0]) {
        yz_buf_adds(err, "notify.sms_key_file: required when notify.sms_url is set");
        return YZ_ERR_CONFIG;
    }
    if (c->notify.sms_key_file[0])
        return yz_keyfile_read(c->notify.sms_key_file, "notify.sms_key_file",
                               YZ_NOTIFY_SMS_KEY_MIN, YZ_NOTIFY_SMS_KEY_MAX, s->sms_key,
                               &s->sms_key_len, err);
    return YZ_OK;
}

/* ---- reading the due rows ---- */

struct due {
    struct yz_notify_sender *s;
    struct job *jobs;
    int n, max;
};

static void jobs_clear(struct due *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->jobs[i].address_enc);
        free(d->jobs[i].subject);
        free(d->jobs[i].payload);
    }
    d->n = 0;
}

static enum yz_err due_tx(struct yz_tx *tx, void *ctx)
{
    struct due *d = ctx;
    jobs_clear(d); /* a retried transaction starts over */
    struct yz_stmt *st = yz_sql(tx, &q_due);
    yz_bind_i64(st, 1, yz_time_now_ms());
    yz_bind_text(st, 2, d->s->email_on ? "email" : "-");
    yz_bind_text(st, 3, d->s->sms_on ? "sms" : "-");
    yz_bind_i64(st, 4, d->max);
    bool row;
    enum yz_err e = YZ_OK;
    while (d->n < d->max && (e = yz_step(st, &row)) == YZ_OK && row) {
        struct job *j = &d->jobs[d->n++];
        j->id = yz_col_i64(st, 0);
        j->email = strcmp(yz_col_text(st, 1), "email") == 0;
        j->attempts = (int)yz_col_i64(st, 2);
        j->address_enc = yz_strdup(yz_col_text(st, 3));
        j->subject = yz_col_null(st, 4) ? NULL : yz_strdup(yz_col_text(st, 4));
        j->payload = yz_strdup(yz_col_text(st, 5));
    }
    return e;
}

/* ---- delivery ---- */

static void say(struct result *r, enum outcome o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(struct result *r, enum outcome o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
    yz_utf8_trim(r->detail); /* a cut may not leave half a character */
    r->outcome = o;
}

static int progress(void *p, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                    curl_off_t ulnow)
{
    struct yz_notify_sender *s = p;
    return atomic_load(&s->stop) ? 1 : 0;
}

struct reader {
    const char *p;
    size_t left;
};

static size_t read_message(char *buf, size_t size, size_t nitems, void *p)
{
    struct reader *r = p;
    size_t n = size * nitems < r->left ? size * nitems : r->left;
    memcpy(buf, r->p, n);
    r->p += n;
    r->left -= n;
    return n;
}

static size_t discard(char *buf, size_t size, size_t nmemb, void *p)
{
    size_t *seen = p;
    *seen += size * nmemb;
    return *seen > 65536 ? 0 : size * nmemb; /* a gateway has no business sending more */
}

static CURL *easy(struct yz_notify_sender *s, char *errbuf)
{
    CURL *c = curl_easy_init();
    if (!c)
        return NULL;
    errbuf[0] = '\0';
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)YZ_NOTIFY_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)YZ_NOTIFY_TOTAL_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, s);
    return c;
}

static const char *curl_text(CURLcode rc, const char *errbuf)
{
    return errbuf[0] ? errbuf : curl_easy_strerror(rc);
}

static void deliver_email(struct yz_notify_sender *s, const struct job *j, const char *to,
                          const char *text, struct result *r)
{
    const struct yz_config *cfg = &s->app->cfg;
    unsigned char rnd[8];
    char hex[sizeof rnd * 2 + 1], message_id[YZ_NOTIFY_EMAIL_SIZE + 64];
    char from_path[YZ_NOTIFY_EMAIL_SIZE + 2], to_path[YZ_NOTIFY_EMAIL_SIZE + 2];
    char errbuf[CURL_ERROR_SIZE];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(message_id, sizeof message_id, "<%lld.%s@%s>", (long long)j->id, hex, s->from_domain);
    struct yz_mail m = {
        .from = cfg->notify.mail_from,
        .to = to,
        .subject = j->subject ? j->subject : "",
        .body = text,
        .date_ms = yz_time_now_ms(),
        .message_id = message_id,
    };
    struct yz_buf msg = YZ_BUF_INIT(MESSAGE_MAX);
    if (!yz_mail_build(&m, &msg)) {
        say(r, GIVE_UP, "邮件内容过长，无法发送");
        yz_buf_release(&msg);
        return;
    }
    snprintf(from_path, sizeof from_path, "<%s>", cfg->notify.mail_from);
    snprintf(to_path, sizeof to_path, "<%s>", to);
    struct curl_slist *rcpt = curl_slist_append(NULL, to_path);
    CURL *c = rcpt ? easy(s, errbuf) : NULL;
    if (!c) {
        say(r, RETRY, "libcurl 初始化失败");
        curl_slist_free_all(rcpt);
        yz_buf_release(&msg);
        return;
    }
    struct reader rd = {msg.data, msg.len};
    static const long tls[] = {CURLUSESSL_NONE, CURLUSESSL_TRY, CURLUSESSL_ALL};
    curl_easy_setopt(c, CURLOPT_URL, cfg->notify.smtp_url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_USE_SSL, tls[cfg->notify.smtp_starttls]);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_path);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(c, CURLOPT_READDATA, &rd);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
    CURLcode rc = curl_easy_perform(c);
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    if (rc == CURLE_OK)
        r->outcome = SENT;
    else if (rc == CURLE_ABORTED_BY_CALLBACK && atomic_load(&s->stop))
        r->outcome = ABORTED;
    else /* RFC 5321 4.2.1: 5yz is a permanent refusal, 4yz and no answer are transient */
        say(r, reply >= 500 && reply < 600 ? GIVE_UP : RETRY, "SMTP: %s (reply %ld)",
            curl_text(rc, errbuf), reply);
    curl_easy_cleanup(c);
    curl_slist_free_all(rcpt);
    yz_buf_release(&msg);
}

void yz_notify_sms_sign(const unsigned char *key, size_t key_len, int64_t timestamp,
                        const char *body, size_t n, char out_hex[65])
{
    char ts[32];
    int tn = snprintf(ts, sizeof ts, "%lld\n", (long long)timestamp);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, key_len);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (size_t)tn);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, n);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(out_hex, 65, mac, sizeof mac);
    sodium_memzero(&st, sizeof st);
}

static void deliver_sms(struct yz_notify_sender *s, const struct job *j, const char *phone,
                        const char *text, struct result *r)
{
    char errbuf[CURL_ERROR_SIZE], sig[65], h_ts[64], h_sig[128];
    json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)j->id, "phone", phone, "text", text);
    char *body = o ? yz_json_dumps_sorted(o) : NULL;
    json_decref(o);
    if (!body) {
        say(r, GIVE_UP, "短信内容无法编码");
        return;
    }
    int64_t ts = yz_time_now_ms() / 1000;
    yz_notify_sms_sign(s->sms_key, s->sms_key_len, ts, body, strlen(body), sig);
    snprintf(h_ts, sizeof h_ts, "X-Yizhan-Timestamp: %lld", (long long)ts);
    snprintf(h_sig, sizeof h_sig, "X-Yizhan-Signature: %s", sig);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = h ? curl_slist_append(h, h_ts) : NULL;
    h = h ? curl_slist_append(h, h_sig) : NULL;
    h = h ? curl_slist_append(h, "Expect:") : NULL;
    CURL *c = h ? easy(s, errbuf) : NULL;
    if (!c) {
        say(r, RETRY, "libcurl 初始化失败");
        curl_slist_free_all(h);
        free(body);
        return;
    }
    size_t seen = 0;
    curl_easy_setopt(c, CURLOPT_URL, s->app->cfg.notify.sms_url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &seen);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (rc == CURLE_OK && status >= 200 && status < 300)
        r->outcome = SENT;
    else if (rc == CURLE_ABORTED_BY_CALLBACK && atomic_load(&s->stop))
        r->outcome = ABORTED;
    else if (rc == CURLE_OK)
        /* A 4xx says the request itself is wrong: repeating it cannot help,
         * except after a timeout (408) or a rate limit (429). */
        say(r, status >= 400 && status < 500 && status != 408 && status != 429 ? GIVE_UP : RETRY,
            "短信网关：HTTP %ld", status);
    else
        say(r, RETRY, "短信网关：%s", curl_text(rc, errbuf));
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    free(body);
}

static void deliver(struct yz_notify_sender *s, const struct job *j, struct result *r)
{
    char *address = NULL;
    json_t *payload = json_loads(j->payload, JSON_REJECT_DUPLICATES, NULL);
    const char *text = json_string_value(json_object_get(payload, "text"));
    if (!text)
        say(r, GIVE_UP, "通知内容已损坏");
    else if (yz_pii_open(s->app->keys, j->address_enc, j->email ? "outbox.email" : "outbox.sms",
                         &address) != YZ_OK)
        say(r, GIVE_UP, "收件地址无法解密");
    else if (j->email)
        deliver_email(s, j, address, text, r);
    else
        deliver_sms(s, j, address, text, r);
    yz_pii_free(address);
    json_decref(payload);
}

/* ---- recording the outcome ---- */

struct mark {
    const struct job *job;
    const struct result *result;
    int64_t retry_base_ms;
    int64_t next; /* out: next attempt, 0 = none */
};

static enum yz_err mark_tx(struct yz_tx *tx, void *ctx)
{
    struct mark *m = ctx;
    const struct job *j = m->job;
    int64_t now = yz_time_now_ms();
    struct yz_stmt *st;
    m->next = 0;
    if (m->result->outcome == SENT) {
        st = yz_sql(tx, &q_sent);
        yz_bind_i64(st, 1, now);
        yz_bind_i64(st, 2, j->id);
        yz_bind_i64(st, 3, j->attempts);
        return yz_exec(st);
    }
    int attempts = j->attempts + 1;
    int64_t delay = m->result->outcome == RETRY ? yz_notify_backoff_ms(attempts, m->retry_base_ms)
                                                : -1;
    char error[DETAIL_MAX + 128];
    if (delay >= 0)
        snprintf(error, sizeof error, "第 %d 次发送失败，稍后重试：%s", attempts, m->result->detail);
    else if (m->result->outcome == RETRY)
        snprintf(error, sizeof error, "第 %d 次发送失败，不再重试：%s", attempts, m->result->detail);
    else
        snprintf(error, sizeof error, "发送失败，不再重试：%s", m->result->detail);
    yz_utf8_trim(error);
    st = yz_sql(tx, &q_failed);
    yz_bind_text(st, 1, error);
    if (delay >= 0) {
        m->next = now + delay;
        yz_bind_i64(st, 2, m->next);
    } else {
        yz_bind_null(st, 2);
    }
    yz_bind_i64(st, 3, j->id);
    yz_bind_i64(st, 4, j->attempts);
    return yz_exec(st);
}

/* One pass; *full when it took a whole batch and every outcome was recorded. */
static void pass(struct yz_notify_sender *s, bool *full)
{
    struct due d = {s, yz_calloc((size_t)s->app->cfg.notify.batch, sizeof(struct job)), 0,
                    s->app->cfg.notify.batch};
    *full = false;
    enum yz_err e = yz_store_read(s->app->store, due_tx, &d);
    if (e != YZ_OK) {
        yz_log_warn("outbox: cannot read due messages: %s", yz_err_code(e));
        goto out;
    }
    bool all_marked = true;
    for (int i = 0; i < d.n && !atomic_load(&s->stop); i++) {
        struct job *j = &d.jobs[i];
        struct result r = {RETRY, ""};
        deliver(s, j, &r);
        if (r.outcome == ABORTED)
            break;
        struct mark m = {j, &r, s->app->cfg.notify.retry_base_ms, 0};
        e = yz_store_write(s->app->store, mark_tx, &m);
        const char *what = j->email ? "e-mail" : "SMS";
        if (e != YZ_OK) {
            all_marked = false;
            yz_log_error("outbox %lld: %s outcome not recorded: %s", (long long)j->id, what,
                         yz_err_code(e));
        } else if (r.outcome == SENT) {
            yz_log_info("outbox %lld: %s sent", (long long)j->id, what);
        } else {
            yz_log_warn("outbox %lld: %s attempt %d failed%s: %s", (long long)j->id, what,
                        j->attempts + 1, m.next ? "" : ", giving up", r.detail);
        }
    }
    *full = all_marked && d.n == d.max && !atomic_load(&s->stop);
out:
    jobs_clear(&d);
    free(d.jobs);
}

/* ---- the thread ---- */

static void *run(void *arg)
{
    struct yz_notify_sender *s = arg;
    while (!atomic_load(&s->stop)) {
        bool full = false;
        pass(s, &full);
        if (full)
            continue; /* a backlog drains without waiting */
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        int64_t ns = until.tv_nsec + (int64_t)s->app->cfg.notify.interval_ms * 1000000;
        until.tv_sec += (time_t)(ns / 1000000000);
        until.tv_nsec = (long)(ns % 1000000000);
        pthread_mutex_lock(&s->lock);
        while (!atomic_load(&s->stop) && pthread_cond_timedwait(&s->wake, &s->lock, &until) == 0)
            ;
        pthread_mutex_unlock(&s->lock);
    }
    return NULL;
}

static void sender_free(struct yz_notify_sender *s)
{
    sodium_memzero(s->sms_key, sizeof s->sms_key);
    free(s);
}

enum yz_err yz_notify_sender_start(struct yz_app *app, struct yz_notify_sender **out,
                                   struct yz_buf *err)
{
    *out = NULL;
    struct yz_notify_sender *s = yz_calloc(1, sizeof *s);
    s->app = app;
    atomic_init(&s->stop, false);
    enum yz_err e = configure(s, err);
    if (e != YZ_OK || (!s->email_on && !s->sms_on)) {
        if (e == YZ_OK)
            yz_log_info("notify: e-mail and SMS are off; such messages wait in the outbox");
        sender_free(s);
        return e;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        yz_buf_adds(err, "libcurl failed to initialise");
        sender_free(s);
        return YZ_ERR_INTERNAL;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        yz_buf_adds(err, "cannot start the notification sender thread");
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->wake);
        curl_global_cleanup();
        sender_free(s);
        return YZ_ERR_INTERNAL;
    }
    yz_log_info("notify: sender started (e-mail %s, SMS %s)", s->email_on ? "on" : "off",
                s->sms_on ? "on" : "off");
    *out = s;
    return YZ_OK;
}

void yz_notify_sender_stop(struct yz_notify_sender *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    atomic_store(&s->stop, true);
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->wake);
    curl_global_cleanup();
    sender_free(s);
}
