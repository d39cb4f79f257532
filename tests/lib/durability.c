/*
 * The durability proof engine (see durability.h). The client threads speak
 * HTTP through their own libcurl handles and touch no cmocka state; only the
 * main thread uses the harness (start, kill, restart, CLI, assertions).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/durability.h"
#include "lib/demo.h"
#include "lib/upload.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 16
/* Uploads are limited to 200 a day per user: a client thread moves on to a
 * fresh account of its own before its current one runs out. */
#define MAX_ACCOUNTS 96
#define PER_ACCOUNT 180
#define REPLY_MAX (1u << 20)
#define FINAL_TRIES 30
#define TITLE_PREFIX "耐久验证"

enum state { FRESH, ACKED, FAILED, RETRY };

struct attempt {
    int account;
    int seq;
    char up_key[40], file_key[40];
    char title[96];
    char text_sha[65]; /* SHA-256 of the filing's text as sent */
    char file_sha[65]; /* SHA-256 of the attachment's bytes as sent */
    enum state state;
    bool sent;      /* the filing request went out at least once */
    bool busy;      /* a client thread works on it */
    int64_t att_id; /* the upload's acknowledged id */
    int64_t id;     /* the filing's acknowledged id */
    int last_status;
};

struct account {
    char phone[24];
    char cookie[512], csrf[128];
    bool need_login; /* answered 401: the session is gone (guarded by run->mu) */
    int made;   /* attempts created */
    int client; /* the thread that uses it */
};

struct client {
    int n;
    struct run *run;
    pthread_t thread;
    int account; /* the account new attempts go to */
    CURL *curl;
};

struct run {
    const struct yzd_options *o;
    struct yzd_figures *f;
    struct yz_test_server srv;
    pthread_mutex_t mu;
    struct attempt *att;
    int n_att, cap;
    atomic_bool stop;
    atomic_long acked_now; /* acknowledgements since the counter was reset */
    char base[64];
    int64_t court;
    struct client clients[MAX_CLIENTS];
    struct account accounts[MAX_ACCOUNTS];
    int n_accounts;
};

/* ---- content ---------------------------------------------------------------- */

static void sha256_hex(const void *p, size_t n, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* The filing's text the way it is hashed on both sides. */
static void text_sha(const char *title, const char *claims, const char *facts, int64_t amount,
                     char out[65])
{
    size_t n = strlen(title) + strlen(claims) + strlen(facts) + 64;
    char *b = malloc(n);
    assert_non_null(b);
    int len = snprintf(b, n, "%s\n%s\n%s\n%lld", title, claims, facts, (long long)amount);
    sha256_hex(b, (size_t)len, out);
    free(b);
}

static void claims_of(const struct attempt *a, char *out, size_t n)
{
    snprintf(out, n, "判令被告偿还借款本金%d元（验证%d-%d）", 1000 + a->seq, a->account, a->seq);
}

static void facts_of(const struct attempt *a, char *out, size_t n)
{
    snprintf(out, n, "被告于2025年向原告借款，约定到期归还，至今未还。验证编号 %s。", a->file_key);
}

static int64_t amount_of(const struct attempt *a)
{
    return 100000 + (int64_t)a->account * 1000 + a->seq;
}

/* A small PDF whose bytes are unique to the attempt (libmagic: application/pdf). */
static size_t pdf_of(const struct attempt *a, char *out, size_t n)
{
    return (size_t)snprintf(out, n,
                            "%%PDF-1.4\n%%%s\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                            "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n"
                            "<< /Root 1 0 R >>\n%%%%EOF\n",
                            a->up_key);
}

static void fill_attempt(struct attempt *a, int account, int seq)
{
    memset(a, 0, sizeof *a);
    a->account = account;
    a->seq = seq;
    yzt_idem_key(a->up_key);
    yzt_idem_key(a->file_key);
    snprintf(a->title, sizeof a->title, TITLE_PREFIX "%02d-%04d", account, seq);
    char claims[160], facts[200], pdf[512];
    claims_of(a, claims, sizeof claims);
    facts_of(a, facts, sizeof facts);
    text_sha(a->title, claims, facts, amount_of(a), a->text_sha);
    size_t n = pdf_of(a, pdf, sizeof pdf);
    sha256_hex(pdf, n, a->file_sha);
}

/* ---- HTTP from the client threads ------------------------------------------------ */

struct reply {
    long status; /* 0: no answer */
    char *body;
    size_t len;
    char ctype[128];
    json_t *json;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct reply *r = ud;
    size_t k = size * n;
    if (r->len + k > REPLY_MAX)
        return 0;
    char *b = realloc(r->body, r->len + k + 1);
    if (!b)
        return 0;
    memcpy(b + r->len, p, k);
    r->body = b;
    r->len += k;
    r->body[r->len] = '\0';
    return k;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct reply *r = ud;
    size_t k = size * n;
    if (k > 13 && strncasecmp(p, "Content-Type:", 13) == 0) {
        size_t i = 13;
        while (i < k && p[i] == ' ')
            i++;
        size_t m = k - i;
        while (m > 0 && (p[i + m - 1] == '\r' || p[i + m - 1] == '\n'))
            m--;
        if (m >= sizeof r->ctype)
            m = sizeof r->ctype - 1;
        memcpy(r->ctype, p + i, m);
        r->ctype[m] = '\0';
    }
    return k;
}

static void reply_free(struct reply *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

static void base_of(struct run *run, char *out, size_t n)
{
    pthread_mutex_lock(&run->mu);
    snprintf(out, n, "%s", run->base);
    pthread_mutex_unlock(&run->mu);
}

/* One request; r->status 0 when the server did not answer. */
static void http(struct client *c, const struct account *acc, const char *method,
                 const char *path, const void *body, size_t len, const char *ctype,
                 const char *key, struct reply *r)
{
    reply_free(r);
    char url[256], base[64];
    base_of(c->run, base, sizeof base);
    snprintf(url, sizeof url, "%s%s", base, path);
    if (!c->curl)
        c->curl = curl_easy_init();
    CURL *h = c->curl;
    curl_easy_reset(h);
    struct curl_slist *hs = NULL;
    char line[640];
    snprintf(line, sizeof line, "Cookie: yz_session=%s", acc->cookie);
    hs = curl_slist_append(hs, line);
    snprintf(line, sizeof line, "X-CSRF-Token: %s", acc->csrf);
    hs = curl_slist_append(hs, line);
    if (key) {
        snprintf(line, sizeof line, "Idempotency-Key: %s", key);
        hs = curl_slist_append(hs, line);
    }
    if (ctype) {
        snprintf(line, sizeof line, "Content-Type: %s", ctype);
        hs = curl_slist_append(hs, line);
    }
    hs = curl_slist_append(hs, "Expect:");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(hs);
    if (rc != CURLE_OK) {
        reply_free(r);
        return;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    if (r->body && strstr(r->ctype, "json"))
        r->json = json_loads(r->body, 0, NULL);
}

/* ---- one filing ------------------------------------------------------------------- */

/* A 5xx must be a clear problem: 503 storage_error / service_unavailable or
 * 507 insufficient_storage, as application/problem+json. */
static bool clear_storage_problem(const struct reply *r)
{
    const char *code = json_string_value(json_object_get(r->json, "code"));
    if (!code || strcmp(r->ctype, "application/problem+json") != 0 ||
        json_integer_value(json_object_get(r->json, "status")) != r->status)
        return false;
    if (r->status == 503)
        return strcmp(code, "storage_error") == 0 || strcmp(code, "service_unavailable") == 0;
    if (r->status == 507)
        return strcmp(code, "insufficient_storage") == 0;
    return false;
}

static void count(struct run *run, long *field, long by)
{
    pthread_mutex_lock(&run->mu);
    *field += by;
    pthread_mutex_unlock(&run->mu);
}

/* Classifies an answer: true when the caller may go on with the body. */
static bool answered(struct client *c, struct attempt *a, const struct reply *r, long ok)
{
    struct run *run = c->run;
    a->last_status = (int)r->status;
    if (r->status == ok && r->json)
        return true;
    if (r->status == 0 || r->status == 409) { /* no answer, or still in flight */
        a->state = RETRY;
        return false;
    }
    if (r->status == 401) {
        /* The session this account logged in with is gone: an acknowledged
         * write lost (or a storage fault answered as "please log in"). */
        pthread_mutex_lock(&run->mu);
        struct account *acc = &run->accounts[a->account];
        if (!acc->need_login) {
            acc->need_login = true;
            run->f->sessions_lost++;
            fprintf(stderr, "durability: the session of account %d answered 401\n", a->account);
        }
        pthread_mutex_unlock(&run->mu);
        a->state = RETRY;
        return false;
    }
    if (r->status >= 500) {
        if (clear_storage_problem(r)) {
            count(run, &run->f->storage_errors, 1);
        } else {
            count(run, &run->f->bad_answers, 1);
            fprintf(stderr, "durability: %s answered %ld %s: %.300s\n", a->title, r->status,
                    r->ctype, r->body ? r->body : "");
        }
        a->state = RETRY;
        return false;
    }
    fprintf(stderr, "durability: %s refused with %ld: %.900s\n", a->title, r->status,
            r->body ? r->body : "");
    a->state = FAILED;
    return false;
}

static void upload(struct client *c, struct attempt *a)
{
    char pdf[512], name[128];
    size_t n = pdf_of(a, pdf, sizeof pdf);
    snprintf(name, sizeof name, "%s.pdf", a->title);
    struct yzt_part part = {"file", name, pdf, n};
    size_t len;
    char *body = yzt_multipart(&part, 1, &len);
    struct reply r = {0};
    http(c, &c->run->accounts[a->account], "POST", "/api/v1/attachments", body, len,
         "multipart/form-data; boundary=" YZT_BOUNDARY, a->up_key, &r);
    free(body);
    if (answered(c, a, &r, 201))
        a->att_id = json_integer_value(json_object_get(r.json, "id"));
    if (a->state != FAILED && a->att_id <= 0)
        a->state = RETRY;
    reply_free(&r);
}

static json_t *application(const struct attempt *a)
{
    char claims[160], facts[200];
    claims_of(a, claims, sizeof claims);
    facts_of(a, facts, sizeof facts);
    return json_pack(
        "{s:s, s:s, s:i, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}],"
        " s:s, s:s, s:I, s:[{s:s, s:s}], s:[{s:I, s:s}], s:{s:s, s:s, s:b}}",
        "cause_code", "108.3", "cause_name", "民间借贷纠纷", "cause_revision", 2025, "case_type",
        "民初", "parties", "role", "plaintiff", "kind", "natural", "name", "张三", "sex", "male",
        "birth_date", "1990-01-01", "citizen_id", "500103199001011232", "address", "重庆市渝中区解放碑街道1号", "phone", "13800000001",
        "role", "defendant", "kind", "natural", "name", "李四", "address", "重庆市江北区观音桥街道2号",
        "claims", claims, "facts", facts, "amount_fen", (json_int_t)amount_of(a), "evidence", "name",
        "借条", "source", "原告持有", "attachments", "id", (json_int_t)a->att_id, "material", "G1",
        "service_address", "address", "重庆市渝中区解放碑街道1号", "phone", "13800000001",
        "e_service_consent", 1);
}

static void submit(struct client *c, struct attempt *a)
{
    json_t *j = json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                          (json_int_t)c->run->court, "title", a->title, "fields", "channel",
                          "online", "application", application(a));
    char *body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (a->sent)
        count(c->run, &c->run->f->retries, 1);
    a->sent = true;
    struct reply r = {0};
    http(c, &c->run->accounts[a->account], "POST", "/api/v1/matters", body, strlen(body), "application/json", a->file_key, &r);
    free(body);
    if (answered(c, a, &r, 201)) {
        int64_t id = json_integer_value(json_object_get(r.json, "id"));
        if (id <= 0) {
            count(c->run, &c->run->f->bad_answers, 1);
            a->state = RETRY;
        } else if (a->id && a->id != id) {
            /* A retry answered with another record: the key made two. */
            fprintf(stderr, "durability: %s acknowledged as %lld, then as %lld\n", a->title,
                    (long long)a->id, (long long)id);
            count(c->run, &c->run->f->duplicates, 1);
        } else {
            a->id = id;
            a->state = ACKED;
            atomic_fetch_add(&c->run->acked_now, 1);
        }
    }
    reply_free(&r);
}

static void step(struct client *c, struct attempt *a)
{
    if (a->att_id <= 0) {
        upload(c, a);
        if (a->att_id <= 0)
            return;
    }
    submit(c, a);
}

/* The client's oldest attempt that waits for a retry, else a new one. */
static struct attempt *next_attempt(struct client *c, bool may_create)
{
    struct run *run = c->run;
    struct attempt *a = NULL;
    pthread_mutex_lock(&run->mu);
    for (int i = 0; i < run->n_att && !a; i++)
        if (run->accounts[run->att[i].account].client == c->n && !run->att[i].busy &&
            run->att[i].state == RETRY && !run->accounts[run->att[i].account].need_login)
            a = &run->att[i];
    struct account *acc = &run->accounts[c->account];
    if (!a && may_create && acc->made < PER_ACCOUNT && run->n_att < run->cap &&
        !acc->need_login) {
        a = &run->att[run->n_att++];
        fill_attempt(a, c->account, acc->made++);
    }
    if (a)
        a->busy = true;
    pthread_mutex_unlock(&run->mu);
    return a;
}

static void done_with(struct run *run, struct attempt *a)
{
    pthread_mutex_lock(&run->mu);
    a->busy = false;
    pthread_mutex_unlock(&run->mu);
}

static void *client_main(void *p)
{
    struct client *c = p;
    while (!atomic_load(&c->run->stop)) {
        struct attempt *a = next_attempt(c, true);
        if (!a) {
            usleep(5000);
            continue;
        }
        step(c, a);
        if (a->state == FRESH)
            a->state = RETRY;
        bool again = a->state == RETRY;
        done_with(c->run, a);
        if (again)
            usleep(20000); /* the server may be failing: do not hammer it */
    }
    return NULL;
}

static void clients_start(struct run *run)
{
    atomic_store(&run->stop, false);
    for (int i = 0; i < run->o->clients; i++)
        assert_int_equal(pthread_create(&run->clients[i].thread, NULL, client_main,
                                        &run->clients[i]),
                         0);
}

static void clients_stop(struct run *run)
{
    atomic_store(&run->stop, true);
    for (int i = 0; i < run->o->clients; i++)
        pthread_join(run->clients[i].thread, NULL);
}

static void set_base(struct run *run)
{
    pthread_mutex_lock(&run->mu);
    snprintf(run->base, sizeof run->base, "%s", run->srv.base);
    pthread_mutex_unlock(&run->mu);
}

/* ---- setup: one account per client ----------------------------------------------- */

/* A valid citizen id (GB 11643 check digit) for the nth test account. */
static void citizen_id(int n, char out[19])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    snprintf(out, 19, "50010319850101%03d", 100 + n);
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (out[i] - '0') * w[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

/* A new party account for client thread n (main thread, between rounds). */
static void add_account(struct run *run, int n)
{
    int i = run->n_accounts;
    assert_true(i < MAX_ACCOUNTS);
    {
        struct yzt_client anon = {.srv = &run->srv};
        char phone[24], id[19], name[32];
        snprintf(phone, sizeof phone, "1391234%04d", i % 10000);
        snprintf(name, sizeof name, "验证当事人%d", i);
        citizen_id(i, id);
        struct yzt_response r = {0};
        yzt_post_new(&anon, "/api/v1/accounts",
                     json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "role", "party", "person_kind",
                               "natural", "name", name, "phone", phone, "password",
                               YZT_DEMO_PASSWORD, "citizen_id", id),
                     &r);
        yzt_assert_status(&r, 201);
        yzt_response_free(&r);
        struct yzt_client c = {.srv = &run->srv};
        yzt_login(&c, phone, YZT_DEMO_PASSWORD, NULL);
        struct account *acc = &run->accounts[i];
        snprintf(acc->phone, sizeof acc->phone, "%s", phone);
        snprintf(acc->cookie, sizeof acc->cookie, "%s", c.cookie);
        snprintf(acc->csrf, sizeof acc->csrf, "%s", c.csrf);
        acc->client = n;
    }
    run->n_accounts++;
    run->clients[n].n = n;
    run->clients[n].run = run;
    run->clients[n].account = i;
}

/* Logs an account in again after its session was lost (main thread);
 * false when the account itself is gone. */
static bool relogin(struct run *run, struct account *acc)
{
    struct yzt_client c = {.srv = &run->srv, .transport_errors_ok = true};
    struct yzt_response r = {0};
    yzt_request_json(&c, "POST", "/api/v1/session",
                     json_pack("{s:s, s:s}", "login", acc->phone, "password", YZT_DEMO_PASSWORD),
                     NULL, &r);
    bool ok = (r.status == 200 || r.status == 201) && c.cookie[0] &&
              json_is_string(json_object_get(r.json, "csrf_token"));
    if (ok) {
        pthread_mutex_lock(&run->mu);
        snprintf(acc->cookie, sizeof acc->cookie, "%s", c.cookie);
        snprintf(acc->csrf, sizeof acc->csrf, "%s",
                 json_string_value(json_object_get(r.json, "csrf_token")));
        acc->need_login = false;
        pthread_mutex_unlock(&run->mu);
    }
    yzt_response_free(&r);
    return ok;
}

static void relogin_all(struct run *run)
{
    for (int i = 0; i < run->n_accounts; i++)
        if (run->accounts[i].need_login)
            relogin(run, &run->accounts[i]);
}

/* Before a round: a client whose account is running out gets a fresh one. */
static void top_up_accounts(struct run *run)
{
    relogin_all(run);
    bool added = false;
    for (int n = 0; n < run->o->clients; n++)
        if (run->clients[n].run == NULL ||
            (run->accounts[run->clients[n].account].made > PER_ACCOUNT - 80 &&
             run->n_accounts < MAX_ACCOUNTS)) {
            add_account(run, n);
            added = true;
        }
    /* Under synchronous=NORMAL a graceful restart makes the new accounts and
     * sessions durable, so that what the negative control loses is filings,
     * not the accounts that would file them. */
    if (added && run->o->sync_normal) {
        yzt_server_restart(&run->srv, NULL);
        set_base(run);
    }
}

/* ---- disturbances ------------------------------------------------------------------ */

static unsigned rnd(unsigned lo, unsigned hi)
{
    return hi <= lo ? lo : lo + randombytes_uniform(hi - lo + 1);
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static char fault_file[300];

static void fault_set(bool on)
{
    if (on) {
        int fd = open(fault_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        close(fd);
    } else {
        unlink(fault_file);
    }
}

/* Fills the file system holding dir until it refuses another byte. */
static void fill_disk(const char *dir)
{
    char path[400];
    snprintf(path, sizeof path, "%s/filler", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    static char chunk[64 * 1024];
    for (size_t sz = sizeof chunk; sz >= 512; sz /= 2)
        while (write(fd, chunk, sz) == (ssize_t)sz)
            ;
    close(fd);
}

static void free_disk(const char *dir)
{
    char path[400];
    snprintf(path, sizeof path, "%s/filler", dir);
    unlink(path);
}

static void round_kill(struct run *run)
{
    atomic_store(&run->acked_now, 0);
    clients_start(run);
    sleep_ms(rnd((unsigned)run->o->min_ms, (unsigned)run->o->max_ms));
    /* Something acknowledged in this round is at stake when the kill comes,
     * however slowly a loaded machine started the load (up to 20 s more):
     * without it a round proves nothing, and the synchronous=NORMAL control
     * would have nothing to lose. */
    for (int waited = 0; waited < 20000 && atomic_load(&run->acked_now) == 0; waited += 10)
        sleep_ms(10);
    yzt_server_kill(&run->srv);
    clients_stop(run);
    yzt_server_restart(&run->srv, NULL);
    set_base(run);
}

/* ---- strace fault injection (YZD_STRACE_EIO) ---------------------------------------- */

extern char **environ;
static pid_t strace_pid;

/* The tracer of pid per /proc (0: none). */
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

/* Attaches strace to every thread of the running server with the round's
 * injection. `-e trace=` must name the syscall: strace 6.1 injects nothing
 * into syscalls it does not trace (so `-e trace=none` silently tests nothing). */
static void strace_attach(struct run *run, int round)
{
    int count = 0;
    while (run->o->syscalls[count])
        count++;
    const char *sc = run->o->syscalls[round % count];
    int n = 1 + round / count;
    char trace[64], inject[128], pid[16];
    snprintf(trace, sizeof trace, "trace=%s", sc);
    snprintf(inject, sizeof inject, "inject=%s:error=EIO:when=%d%s", sc, n, round % 2 ? "+" : "");
    snprintf(pid, sizeof pid, "%d", (int)run->srv.pid);
    const char *const argv[] = {"strace", "-f", "-qq", "-o", "/dev/null", "-e", trace, "-e",
                                inject,   "-p", pid,   NULL};
    int rc = posix_spawnp(&strace_pid, "strace", NULL, NULL, (char *const *)argv, environ);
    if (rc != 0)
        fail_msg("cannot run strace: %s (scripts/deps.sh --proof installs it)", strerror(rc));
    for (int waited = 0; tracer_of(run->srv.pid) != strace_pid; waited += 10) {
        if (waited > 5000)
            fail_msg("strace did not attach to the server within 5 s");
        sleep_ms(10);
    }
    sleep_ms(50); /* the other threads are attached right after the first */
    fprintf(stderr, "%s: round %d: %s\n", run->o->suite, round + 1, inject);
}

/* SIGINT makes strace detach from every thread; the server runs on untraced. */
static void strace_detach(void)
{
    kill(strace_pid, SIGINT);
    int status;
    while (waitpid(strace_pid, &status, 0) == -1 && errno == EINTR)
        ;
    strace_pid = 0;
}

/* A fault for a while, then load without it: the server must acknowledge
 * again without a restart. Under the VFS shim the round ends with a power cut. */
static void round_fault(struct run *run, int round, long *not_recovered)
{
    clients_start(run);
    sleep_ms(rnd((unsigned)run->o->min_ms, (unsigned)run->o->max_ms) / 2);
    if (run->o->fault == YZD_FSYNC_FAIL)
        fault_set(true);
    else if (run->o->fault == YZD_STRACE_EIO)
        strace_attach(run, round);
    else
        fill_disk(run->srv.dir);
    sleep_ms(rnd((unsigned)run->o->min_ms, (unsigned)run->o->max_ms));
    if (run->o->fault == YZD_FSYNC_FAIL)
        fault_set(false);
    else if (run->o->fault == YZD_STRACE_EIO)
        strace_detach();
    else
        free_disk(run->srv.dir);
    atomic_store(&run->acked_now, 0);
    for (int waited = 0; waited < 20000 && atomic_load(&run->acked_now) < run->o->clients;
         waited += 50)
        sleep_ms(50);
    if (atomic_load(&run->acked_now) == 0)
        (*not_recovered)++;
    if (run->o->fault == YZD_FSYNC_FAIL) {
        sleep_ms(rnd(0, (unsigned)run->o->max_ms / 2));
        yzt_server_kill(&run->srv);
        clients_stop(run);
        yzt_server_restart(&run->srv, NULL);
        set_base(run);
    } else if (run->o->fault == YZD_STRACE_EIO) {
        /* A graceful stop after the errors, and a start on the same data. */
        clients_stop(run);
        yzt_server_restart(&run->srv, NULL);
        set_base(run);
    } else {
        clients_stop(run);
    }
}

/* Every attempt that never got a definite answer is retried with its keys. */
static void settle(struct run *run)
{
    for (int t = 0; t < FINAL_TRIES; t++) {
        relogin_all(run);
        int open = 0;
        for (int i = 0; i < run->n_att; i++) {
            struct attempt *a = &run->att[i];
            if (a->state != RETRY || run->accounts[a->account].need_login)
                continue;
            step(&run->clients[run->accounts[a->account].client], a);
            if (a->state == RETRY)
                open++;
        }
        if (!open)
            return;
        sleep_ms(200);
    }
}

/* ---- checks ------------------------------------------------------------------------ */

static void check_content(struct run *run, struct attempt *a)
{
    struct yzd_figures *f = run->f;
    struct client *c = &run->clients[run->accounts[a->account].client];
    char path[96];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)a->id);
    struct reply r = {0};
    struct account *acc = &run->accounts[a->account];
    http(c, acc, "GET", path, NULL, 0, NULL, NULL, &r);
    if (r.status == 401 && relogin(run, acc))
        http(c, acc, "GET", path, NULL, 0, NULL, NULL, &r);
    if (r.status == 404 || r.status == 401) { /* 401: its owner's account is gone too */
        fprintf(stderr, "durability: LOST %s (id %lld)\n", a->title, (long long)a->id);
        f->lost++;
        reply_free(&r);
        return;
    }
    assert_int_equal(r.status, 200);
    json_t *app = json_object_get(json_object_get(r.json, "data"), "application");
    const char *title = json_string_value(json_object_get(r.json, "title"));
    const char *claims = json_string_value(json_object_get(app, "claims"));
    const char *facts = json_string_value(json_object_get(app, "facts"));
    json_int_t amount = json_integer_value(json_object_get(app, "amount_fen"));
    json_int_t att = json_integer_value(json_object_get(json_array_get(json_object_get(app, "attachments"), 0), "id"));
    char sha[65] = "";
    if (title && claims && facts)
        text_sha(title, claims, facts, amount, sha);
    bool same = strcmp(sha, a->text_sha) == 0 && att == a->att_id;
    reply_free(&r);
    snprintf(path, sizeof path, "/api/v1/attachments/%lld", (long long)a->att_id);
    http(c, acc, "GET", path, NULL, 0, NULL, NULL, &r);
    if (r.status != 200) {
        same = false;
    } else {
        sha256_hex(r.body ? r.body : "", r.len, sha);
        same = same && strcmp(sha, a->file_sha) == 0;
    }
    reply_free(&r);
    if (!same) {
        fprintf(stderr, "durability: CORRUPTED %s (id %lld)\n", a->title, (long long)a->id);
        f->corrupted++;
    }
}

static struct attempt *by_title(struct run *run, const char *title)
{
    for (int i = 0; i < run->n_att; i++)
        if (strcmp(run->att[i].title, title) == 0)
            return &run->att[i];
    return NULL;
}

/* The database as stored: each attempted title at most once, with the
 * acknowledged id; nothing that was never attempted; integrity_check. */
static void check_database(struct run *run)
{
    struct yzd_figures *f = run->f;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(run->srv.db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
    f->integrity_ok = sqlite3_step(s) == SQLITE_ROW &&
                      strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0;
    if (!f->integrity_ok)
        fprintf(stderr, "durability: integrity_check: %s\n", sqlite3_column_text(s, 0));
    sqlite3_finalize(s);

    int *seen = calloc((size_t)run->n_att + 1, sizeof *seen);
    assert_non_null(seen);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT id, title FROM matters WHERE title LIKE '"
                                        TITLE_PREFIX "%' ORDER BY id",
                                        -1, &s, NULL),
                     SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        struct attempt *a = by_title(run, (const char *)sqlite3_column_text(s, 1));
        if (!a || !a->sent) {
            fprintf(stderr, "durability: PHANTOM matter %lld %s\n", (long long)id,
                    sqlite3_column_text(s, 1));
            f->phantoms++;
            continue;
        }
        if (seen[a - run->att]++) {
            fprintf(stderr, "durability: DUPLICATE matter %lld for %s\n", (long long)id, a->title);
            f->duplicates++;
        } else if (a->state == ACKED && a->id != id) {
            fprintf(stderr, "durability: %s acknowledged as %lld, stored as %lld\n", a->title,
                    (long long)a->id, (long long)id);
            f->lost++;
        }
    }
    sqlite3_finalize(s);
    /* Attachments: one row per upload key (the file name carries the title). */
    memset(seen, 0, ((size_t)run->n_att + 1) * sizeof *seen);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT id, name FROM attachments WHERE name LIKE '"
                                        TITLE_PREFIX "%' ORDER BY id",
                                        -1, &s, NULL),
                     SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        char title[96];
        snprintf(title, sizeof title, "%s", (const char *)sqlite3_column_text(s, 1));
        char *dot = strstr(title, ".pdf");
        if (dot)
            *dot = '\0';
        struct attempt *a = by_title(run, title);
        if (!a) {
            f->phantoms++;
            fprintf(stderr, "durability: PHANTOM attachment %s\n", title);
        } else if (seen[a - run->att]++) {
            fprintf(stderr, "durability: DUPLICATE attachment for %s\n", a->title);
            f->duplicates++;
        }
    }
    sqlite3_finalize(s);
    free(seen);
    sqlite3_close(db);
}

static void check_audit(struct run *run)
{
    char out[4096];
    const char *const args[] = {"audit", "verify", "--dir", run->srv.dir, NULL};
    int rc = yzt_run_cli(args, out, sizeof out);
    run->f->audit_ok = rc == 0;
    if (rc != 0)
        fprintf(stderr, "durability: audit verify exit %d: %s\n", rc, out);
}

/* ---- the run ------------------------------------------------------------------------ */

void yzd_run(const struct yzd_options *o, struct yzd_figures *f)
{
    memset(f, 0, sizeof *f);
    assert_true(o->clients > 0 && o->clients <= MAX_CLIENTS);
    assert_int_equal(sodium_init() >= 0, 1);
    struct run *run = calloc(1, sizeof *run);
    assert_non_null(run);
    run->o = o;
    run->f = f;
    pthread_mutex_init(&run->mu, NULL);
    run->cap = MAX_ACCOUNTS * PER_ACCOUNT;
    run->att = calloc((size_t)run->cap, sizeof *run->att);
    assert_non_null(run->att);

    /* The server reads these at store open (test builds only); a run that
     * failed half-way may have left them set. */
    unsetenv("YZ_TEST_VFS");
    unsetenv("YZ_TEST_VFS_FAIL_SYNC");
    unsetenv("YZ_TEST_SYNC");
    char work[] = "/tmp/yzd-XXXXXX";
    assert_non_null(mkdtemp(work));
    snprintf(fault_file, sizeof fault_file, "%s/fail-fsync", work);
    if (o->fault == YZD_POWER_CUT || o->fault == YZD_FSYNC_FAIL)
        setenv("YZ_TEST_VFS", "powercut", 1);
    if (o->fault == YZD_FSYNC_FAIL)
        setenv("YZ_TEST_VFS_FAIL_SYNC", fault_file, 1);
    if (o->sync_normal)
        setenv("YZ_TEST_SYNC", "normal", 1);
    char *saved_tmp = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
    if (o->tmpfs_dir)
        setenv("TMPDIR", o->tmpfs_dir, 1);

    yzt_server_start(&run->srv, true, NULL);
    set_base(run);
    struct yzt_client any = {.srv = &run->srv};
    run->court = yzt_court_id(&any, "渝0103");

    long not_recovered = 0;
    for (int i = 0; i < o->rounds; i++) {
        top_up_accounts(run);
        if (o->fault == YZD_KILL || o->fault == YZD_POWER_CUT)
            round_kill(run);
        else
            round_fault(run, i, &not_recovered);
        f->rounds++;
    }
    settle(run);
    f->bad_answers += not_recovered;
    if (not_recovered)
        fprintf(stderr, "durability: %ld rounds without an acknowledgement after the fault\n",
                not_recovered);

    for (int i = 0; i < run->n_att; i++) {
        struct attempt *a = &run->att[i];
        if (a->sent)
            f->attempted++;
        if (a->state == ACKED) {
            f->acknowledged++;
            check_content(run, a);
        } else if (a->state == FAILED) {
            f->failed++;
        } else if (a->state == RETRY) {
            f->unknown++;
        }
    }
    yzt_server_halt(&run->srv);
    check_database(run);
    check_audit(run);
    yzt_server_stop(&run->srv);

    for (int i = 0; i < o->clients; i++)
        if (run->clients[i].curl)
            curl_easy_cleanup(run->clients[i].curl);
    unsetenv("YZ_TEST_VFS");
    unsetenv("YZ_TEST_VFS_FAIL_SYNC");
    unsetenv("YZ_TEST_SYNC");
    if (saved_tmp)
        setenv("TMPDIR", saved_tmp, 1);
    else
        unsetenv("TMPDIR");
    free(saved_tmp);
    unlink(fault_file);
    rmdir(work);
    pthread_mutex_destroy(&run->mu);
    free(run->att);
    free(run);
}

struct same_key {
    struct client c;
    pthread_barrier_t *go;
    const char *path, *body, *key;
    long status;
    int64_t id;
};

static void *same_key_main(void *p)
{
    struct same_key *k = p;
    pthread_barrier_wait(k->go);
    struct reply r = {0};
    http(&k->c, &k->c.run->accounts[0], "POST", k->path, k->body, strlen(k->body),
         "application/json", k->key, &r);
    k->status = r.status;
    k->id = json_integer_value(json_object_get(r.json, "id"));
    reply_free(&r);
    return NULL;
}

void yzd_same_key_at_once(const struct yzt_client *c, const char *path, const char *body,
                          const char *key, int n, long *status, int64_t *id)
{
    assert_true(n > 0 && n <= MAX_CLIENTS);
    struct run *run = calloc(1, sizeof *run);
    assert_non_null(run);
    pthread_mutex_init(&run->mu, NULL);
    snprintf(run->base, sizeof run->base, "%s", c->srv->base);
    snprintf(run->accounts[0].cookie, sizeof run->accounts[0].cookie, "%s", c->cookie);
    snprintf(run->accounts[0].csrf, sizeof run->accounts[0].csrf, "%s", c->csrf);
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, (unsigned)n);
    struct same_key k[MAX_CLIENTS];
    pthread_t t[MAX_CLIENTS];
    for (int i = 0; i < n; i++) {
        k[i] = (struct same_key){.c = {.n = i, .run = run}, .go = &go, .path = path,
                                 .body = body, .key = key};
        assert_int_equal(pthread_create(&t[i], NULL, same_key_main, &k[i]), 0);
    }
    for (int i = 0; i < n; i++) {
        pthread_join(t[i], NULL);
        status[i] = k[i].status;
        id[i] = k[i].id;
        if (k[i].c.curl)
            curl_easy_cleanup(k[i].c.curl);
    }
    pthread_barrier_destroy(&go);
    pthread_mutex_destroy(&run->mu);
    free(run);
}

bool yzd_tmpfs_mount(const char *size, char *dir, size_t dirsize, char *why, size_t whysize)
{
    snprintf(dir, dirsize, "/tmp/yzd-tmpfs-XXXXXX");
    if (!mkdtemp(dir)) {
        snprintf(why, whysize, "mkdtemp: %s", strerror(errno));
        return false;
    }
    char opts[64];
    snprintf(opts, sizeof opts, "size=%s,mode=0700", size);
    if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts) != 0) {
        snprintf(why, whysize, "cannot mount a tmpfs on %s (%s): the disk-full proof needs root",
                 dir, strerror(errno));
        rmdir(dir);
        return false;
    }
    return true;
}

void yzd_tmpfs_unmount(const char *dir)
{
    if (umount2(dir, MNT_DETACH) != 0)
        fprintf(stderr, "durability: umount %s: %s\n", dir, strerror(errno));
    rmdir(dir);
}

long yzd_findings(const struct yzd_figures *f)
{
    return f->lost + f->corrupted + f->duplicates + f->phantoms + f->bad_answers + f->unknown +
           f->sessions_lost +
           !f->integrity_ok + !f->audit_ok;
}

void yzd_print(const struct yzd_options *o, const struct yzd_figures *f)
{
    printf("%s: rounds %d, attempted %ld, acknowledged %ld, failed %ld, unknown %ld, retries %ld\n",
           o->suite, f->rounds, f->attempted, f->acknowledged, f->failed, f->unknown, f->retries);
    printf("%s: storage errors answered %ld, bad answers %ld, sessions lost %ld\n", o->suite,
           f->storage_errors, f->bad_answers, f->sessions_lost);
    printf("%s: lost %ld, corrupted %ld, duplicates %ld, phantoms %ld\n", o->suite, f->lost,
           f->corrupted, f->duplicates, f->phantoms);
    printf("%s: integrity_check %s, audit verify %s, findings %ld\n", o->suite,
           f->integrity_ok ? "ok" : "FAILED", f->audit_ok ? "ok" : "FAILED", yzd_findings(f));
    fflush(stdout);
}
