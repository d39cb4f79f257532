/*
 * End-to-end test of e-mail notifications against a real SMTP server: the
 * test starts Debian's aiosmtpd (python3-aiosmtpd, run by /usr/bin/python3)
 * on a free loopback port with a Maildir handler, and yizhan with
 * notify.smtp_url pointing at it. Through POST /api/v1/me/email a party sets
 * a notification address and the confirmation e-mail arrives: envelope,
 * From, To, the RFC 2047 subject and the base64 UTF-8 body are checked as the
 * server received them, and the outbox row is marked sent. With the SMTP
 * server stopped the next message stays pending with attempts and an error,
 * and is delivered once the server is back on the same port. Changing the
 * address notifies the old one too; bad addresses are refused on their field
 * with nothing stored. The court admin's outbox view is checked with a row
 * whose sealed address no longer opens: the sender gives it up at once and
 * the view shows it as failed, masked.
 *
 * Every wait is a bounded poll (at most YZT_SMTP_WAIT_S seconds); no assertion
 * depends on how long anything took.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crypto/keys.h"
#include "crypto/pii.h"
#include "lib/apitest.h"
#include "lib/demo.h"
#include "lib/smtp.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PHONE_A "13800000001"
#define PHONE_B "13800000002"
#define CONFIRM_SUBJECT "您的一站式诉讼服务平台通知邮箱已设置"
#define CHANGED_SUBJECT "您的一站式诉讼服务平台通知邮箱已更改"
#define MAIL_FROM "noreply@court.example.cn"

static struct yz_test_server srv;
static struct yzt_smtp smtp; /* smtp.dir also holds the SMS gateway's files */
static char sms_dir[320];  /* what the stand-in gateway accepted */
static int sms_port;
static pid_t sms_pid;

/* ---- the SMS gateway ---- */

static void sms_start(const char *key_file)
{
    char script[512], port[16];
    const char *slash = strrchr(__FILE__, '/');
    snprintf(script, sizeof script, "%.*ssms_gateway.py", slash ? (int)(slash - __FILE__ + 1) : 0,
             __FILE__);
    snprintf(port, sizeof port, "%d", sms_port);
    char *const argv[] = {YZT_SMTP_PYTHON, script, port, (char *)key_file, sms_dir, NULL};
    sms_pid = yzt_smtp_helper_start(&smtp, argv, sms_port);
}

/* ---- received mail ---- */

/* Waits until at least want messages arrived; returns how many there are. */
static int wait_for_mail(int want, struct yzt_mail *out, int max)
{
    int64_t deadline = yzt_smtp_now_ms() + YZT_SMTP_WAIT_S * 1000;
    for (;;) {
        int n = yzt_smtp_received(&smtp, out, max);
        if (n >= want)
            return n;
        yzt_smtp_mails_free(out, n);
        if (yzt_smtp_now_ms() > deadline) {
            yzt_server_print_log(&srv, 30);
            yzt_smtp_print_log(&smtp);
            fail_msg("%d message(s) expected, %d arrived within %d s", want, n, YZT_SMTP_WAIT_S);
        }
        yzt_smtp_sleep_ms(100);
    }
}

/* Polls a count query until it gives want. */
static void wait_for_count(const char *sql, int64_t want)
{
    int64_t deadline = yzt_smtp_now_ms() + YZT_SMTP_WAIT_S * 1000;
    int64_t got;
    while ((got = yzt_db_count(&srv, sql)) != want) {
        if (yzt_smtp_now_ms() > deadline) {
            yzt_server_print_log(&srv, 30);
            fail_msg("%s: %lld, expected %lld within %d s", sql, (long long)got, (long long)want,
                     YZT_SMTP_WAIT_S);
        }
        yzt_smtp_sleep_ms(100);
    }
}

/* The received message with this envelope recipient and subject, or NULL. */
static const struct yzt_mail *find_mail(const struct yzt_mail *m, int n, const char *rcpt,
                                    const char *subject)
{
    char v[1024], s[1024];
    for (int i = 0; i < n; i++) {
        assert_true(yzt_smtp_decode_words(yzt_smtp_header(m[i].text, "Subject", v, sizeof v), s,
                                          sizeof s));
        if (strcmp(yzt_smtp_header(m[i].text, "X-RcptTo", v, sizeof v), rcpt) == 0 &&
            strcmp(s, subject) == 0)
            return &m[i];
    }
    return NULL;
}

/* ---- fixtures ---- */

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_smtp_init(&smtp, "/tmp/yzt-smtp-XXXXXX");
    snprintf(sms_dir, sizeof sms_dir, "%s/sms", smtp.dir);
    assert_int_equal(mkdir(sms_dir, 0700), 0);
    char key_file[320];
    snprintf(key_file, sizeof key_file, "%s/sms.key", smtp.dir);
    int fd = open(key_file, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "test-sms-gateway-key-0123456789abcdef\n", 38), 38);
    close(fd);
    sms_port = yzt_smtp_free_port();
    sms_start(key_file);
    char url[96], sms_url[96], sms_key[400];
    snprintf(url, sizeof url, "notify.smtp_url=smtp://127.0.0.1:%d", smtp.port);
    snprintf(sms_url, sizeof sms_url, "notify.sms_url=http://127.0.0.1:%d/send", sms_port);
    snprintf(sms_key, sizeof sms_key, "notify.sms_key_file=%s", key_file);
    const char *const set[] = {url,     sms_url, sms_key, "notify.interval_ms=200",
                               "notify.retry_base_ms=500", NULL};
    yzt_server_start(&srv, true, set);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    yzt_smtp_helper_stop(&sms_pid);
    yzt_smtp_cleanup(&smtp);
    return yzt_global_teardown(state);
}

static void set_email(struct yzt_client *c, const char *email, bool changed, const char *masked)
{
    struct yzt_response r = {0};
    yzt_request_json(c, "POST", "/api/v1/me/email", json_pack("{ss}", "email", email), NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "email"), masked);
    assert_int_equal(yzt_json_bool(&r, "changed"), changed);
    yzt_response_free(&r);
}

/* ---- tests ---- */

static void confirmation_arrives(void **state)
{
    struct yzt_client a = {.srv = &srv};
    yzt_demo_login(&a, PHONE_A);
    set_email(&a, "Zhang.San@Example.CN", true, "Z***@example.cn");

    /* stored sealed, recorded masked */
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM users WHERE email_enc IS NOT NULL"
                                        " AND length(email_hash) = 64"
                                        " AND email_enc NOT LIKE '%xample%'"),
                     1);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type ="
                                        " 'contact.email_set' AND payload ="
                                        " '{\"email\":\"Z***@example.cn\"}'"),
                     1);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE payload LIKE"
                                        " '%Zhang.San%' OR payload LIKE '%zhang.san%'"),
                     0);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM outbox WHERE channel = 'email'"
                                        " AND address_enc NOT LIKE '%xample%'"
                                        " AND subject = '" CONFIRM_SUBJECT "'"),
                     1);

    struct yzt_mail m[8];
    int n = wait_for_mail(1, m, 8);
    assert_int_equal(n, 1);
    char v[1024], s[1024];
    /* the envelope as the server saw it */
    assert_string_equal(yzt_smtp_header(m[0].text, "X-MailFrom", v, sizeof v), MAIL_FROM);
    assert_string_equal(yzt_smtp_header(m[0].text, "X-RcptTo", v, sizeof v), "Zhang.San@example.cn");
    /* the headers */
    assert_string_equal(yzt_smtp_header(m[0].text, "From", v, sizeof v), MAIL_FROM);
    assert_string_equal(yzt_smtp_header(m[0].text, "To", v, sizeof v), "Zhang.San@example.cn");
    assert_true(
        yzt_smtp_decode_words(yzt_smtp_header(m[0].text, "Subject", v, sizeof v), s, sizeof s));
    assert_string_equal(s, CONFIRM_SUBJECT);
    assert_string_equal(yzt_smtp_header(m[0].text, "MIME-Version", v, sizeof v), "1.0");
    assert_string_equal(yzt_smtp_header(m[0].text, "Content-Type", v, sizeof v),
                        "text/plain; charset=UTF-8");
    assert_string_equal(yzt_smtp_header(m[0].text, "Content-Transfer-Encoding", v, sizeof v), "base64");
    assert_non_null(strstr(yzt_smtp_header(m[0].text, "Message-ID", v, sizeof v), "@court.example.cn>"));
    assert_non_null(strstr(yzt_smtp_header(m[0].text, "Date", v, sizeof v), " +0800"));
    /* the body: UTF-8 text with CRLF line breaks */
    char *body = yzt_smtp_body_of(m[0].text);
    const char *want = "您好：\r\n\r\n您的一站式诉讼服务平台通知邮箱已设置为本邮箱（Z***@example.cn）。";
    assert_int_equal(strncmp(body, want, strlen(want)), 0);
    assert_non_null(strstr(body, "如果这不是您本人的操作"));
    free(body);
    yzt_smtp_mails_free(m, n);

    /* and the row is marked sent */
    wait_for_count("SELECT count(*) FROM outbox WHERE channel = 'email' AND sent_at IS NOT NULL"
                   " AND attempts = 1 AND last_error IS NULL AND next_attempt_at IS NULL",
                   1);

    /* the same address again: nothing changes, nothing is sent */
    int64_t events = yzt_db_count(&srv, "SELECT count(*) FROM events");
    set_email(&a, "zhang.san@example.cn", false, "z***@example.cn");
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events"), events);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM outbox WHERE channel = 'email'"), 1);
}

static void bad_addresses_are_refused(void **state)
{
    struct yzt_client b = {.srv = &srv};
    yzt_demo_login(&b, PHONE_B);
    char before[65], after[65];
    const char *const skip[] = {"events", "chain_head", "checkpoints", NULL};
    yzt_db_snapshot_hash_except(&srv, skip, before);
    int64_t events = yzt_db_count(&srv, "SELECT count(*) FROM events");
    const char *bad[] = {"zhangsan", "a@b", "a b@example.cn", "x@example.cn\r\nBcc: y@z.cn",
                         "张三@example.cn", "a..b@example.cn", "a@[127.0.0.1]"};
    struct yzt_response r = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        yzt_request_json(&b, "POST", "/api/v1/me/email", json_pack("{ss}", "email", bad[i]),
                         NULL, &r);
        yzt_assert_problem(&r, 400, "validation_failed");
        yzt_assert_field_error(&r, "email");
    }
    yzt_request_json(&b, "POST", "/api/v1/me/email", json_pack("{ss}", "email", ""), NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_request_json(&b, "POST", "/api/v1/me/email", json_pack("{}"), NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "email");
    /* not signed in */
    struct yzt_client anon = {.srv = &srv};
    yzt_request_json(&anon, "POST", "/api/v1/me/email",
                     json_pack("{ss}", "email", "x@example.cn"), NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    yzt_response_free(&r);
    yzt_db_snapshot_hash_except(&srv, skip, after);
    assert_string_equal(before, after);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type ="
                                        " 'contact.email_set'"),
                     1);
    (void)events;
}

static void retried_until_the_server_is_back(void **state)
{
    struct yzt_mail m[8];
    int had = yzt_smtp_received(&smtp, m, 8);
    yzt_smtp_mails_free(m, had);
    yzt_smtp_stop(&smtp);

    struct yzt_client b = {.srv = &srv};
    yzt_demo_login(&b, PHONE_B);
    set_email(&b, "li.si@example.cn", true, "l***@example.cn");

    /* the relay is down: the row stays pending, with attempts and the error */
    const char *failing =
        "SELECT count(*) FROM outbox WHERE channel = 'email' AND subject = '" CONFIRM_SUBJECT "'"
        " AND recipient_user_id = (SELECT max(recipient_user_id) FROM outbox"
        "  WHERE channel = 'email') AND sent_at IS NULL AND attempts >= 1"
        " AND last_error LIKE '%SMTP%' AND next_attempt_at IS NOT NULL";
    wait_for_count(failing, 1);
    assert_int_equal(yzt_smtp_received(&smtp, m, 8), had);
    yzt_smtp_mails_free(m, had);

    /* back on the same port: delivered */
    yzt_smtp_restart(&smtp);
    int n = wait_for_mail(had + 1, m, 8);
    assert_int_equal(n, had + 1);
    assert_non_null(find_mail(m, n, "li.si@example.cn", CONFIRM_SUBJECT));
    yzt_smtp_mails_free(m, n);
    wait_for_count("SELECT count(*) FROM outbox WHERE channel = 'email' AND sent_at IS NULL", 0);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM outbox WHERE channel = 'email'"
                                        " AND sent_at IS NOT NULL AND attempts >= 2"
                                        " AND last_error IS NULL"),
                     1);
}

static void changing_the_address_tells_the_old_one(void **state)
{
    struct yzt_mail m[8];
    int had = yzt_smtp_received(&smtp, m, 8);
    yzt_smtp_mails_free(m, had);
    struct yzt_client a = {.srv = &srv};
    yzt_demo_login(&a, PHONE_A);
    set_email(&a, "wang.wu@example.com", true, "w***@example.com");
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type ="
                                        " 'contact.email_set' AND payload = '{\"email\":"
                                        "\"w***@example.com\",\"previous\":\"Z***@example.cn\"}'"),
                     1);
    int n = wait_for_mail(had + 2, m, 8);
    assert_int_equal(n, had + 2);
    assert_non_null(find_mail(m, n, "wang.wu@example.com", CONFIRM_SUBJECT));
    const struct yzt_mail *old = find_mail(m, n, "Zhang.San@example.cn", CHANGED_SUBJECT);
    assert_non_null(old);
    char *body = yzt_smtp_body_of(old->text);
    assert_non_null(strstr(body, "已由本邮箱更改为 w***@example.com"));
    free(body);
    yzt_smtp_mails_free(m, n);
    wait_for_count("SELECT count(*) FROM outbox WHERE channel = 'email' AND sent_at IS NULL", 0);
}

/* The admin view, with a row whose sealed address no longer opens (written
 * straight into the database, as a damaged row would be): given up at once,
 * shown as failed with the address fully masked. */
static void admin_sees_court_outbox(void **state)
{
    struct yzt_client party = {.srv = &srv}, admin = {.srv = &srv};
    yzt_demo_login(&party, PHONE_A);
    yzt_demo_login(&admin, "court_admin");
    int64_t court = yzt_court_id(&party, "渝0103");
    struct yzt_response r = {0};
    yzt_post_new(&party, "/api/v1/matters",
                 json_pack("{ss sI ss s{ss ss ss}}", "kind", "inquiry", "court_id",
                           (json_int_t)court, "title", "调解通知咨询", "fields", "question",
                           "调解通知会发到哪里？", "topic", "filing", "channel", "web"),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t matter = yzt_json_int(&r, "id");

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(srv.db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO outbox(matter_id, recipient_court_id, channel, template, payload,"
             " created_at, address_enc, subject, next_attempt_at) VALUES (%lld, %lld, 'email',"
             " 'text', '{\"text\":\"x\"}', 1, 'AQ-not-sealed', '调解通知', 1)",
             (long long)matter, (long long)court);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("insert: %s", msg);
    int64_t id = sqlite3_last_insert_rowid(db);
    sqlite3_close(db);

    wait_for_count("SELECT count(*) FROM outbox WHERE subject = '调解通知' AND sent_at IS NULL"
                   " AND next_attempt_at IS NULL AND attempts = 1 AND last_error LIKE '%不再重试%'",
                   1);

    yzt_request(&admin, "GET", "/api/v1/outbox?status=failed", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 1);
    assert_int_equal(yzt_json_int(&r, "items.0.id"), id);
    assert_int_equal(yzt_json_int(&r, "items.0.matter_id"), matter);
    assert_string_equal(yzt_json_str(&r, "items.0.status"), "failed");
    assert_string_equal(yzt_json_str(&r, "items.0.address"), "***");
    assert_string_equal(yzt_json_str(&r, "items.0.subject"), "调解通知");
    assert_int_equal(yzt_json_int(&r, "items.0.attempts"), 1);
    assert_non_null(strstr(yzt_json_str(&r, "items.0.last_error"), "收件地址无法解密"));
    assert_true(json_is_null(yzt_json_at(r.json, "items.0.next_attempt_at")));
    /* confirmation e-mails are about no matter: not in any court's view */
    yzt_request(&admin, "GET", "/api/v1/outbox?status=sent", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 0);
    yzt_request(&admin, "GET", "/api/v1/outbox", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 1);
    yzt_request(&admin, "GET", "/api/v1/outbox?status=lost", NULL, NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    /* parties and other staff may not look */
    yzt_request(&party, "GET", "/api/v1/outbox", NULL, NULL, &r);
    yzt_assert_problem(&r, 403, "forbidden");
    yzt_response_free(&r);
}

/* Inserts an SMS row for the first party as yz_notify_sms would, sealing the
 * number with the server's own keys. Returns the row id. */
static int64_t insert_sms(const char *phone, const char *text)
{
    struct yz_keys *keys = NULL;
    struct yz_buf err = YZ_BUF_INIT(1024);
    if (yz_keys_load(srv.dir, &keys, &err) != YZ_OK)
        fail_msg("keys: %s", err.data);
    char *sealed = NULL;
    assert_int_equal(yz_pii_seal(keys, phone, strlen(phone), "outbox.sms", &sealed), YZ_OK);
    yz_keys_free(keys);
    yz_buf_release(&err);
    int64_t user = yzt_db_count(&srv, "SELECT min(id) FROM users WHERE role = 'party'");
    json_t *payload = json_pack("{ss}", "text", text);
    char *ptext = json_dumps(payload, JSON_COMPACT);
    json_decref(payload);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(srv.db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO outbox(recipient_user_id, channel, template,"
                                        " payload, created_at, address_enc, next_attempt_at)"
                                        " VALUES (?, 'sms', 'text', ?, 1, ?, 1)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(st, 1, user);
    sqlite3_bind_text(st, 2, ptext, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, sealed, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    int64_t id = sqlite3_last_insert_rowid(db);
    sqlite3_close(db);
    free(ptext);
    free(sealed);
    return id;
}

/* SMS: signed POST to the gateway; 2xx marks it sent, a 4xx refusal gives up at once. */
static void sms_through_the_gateway(void **state)
{
    int64_t ok = insert_sms("13800000009", "您的调解定于2026年12月1日上午9时在线进行。");
    int64_t refused = insert_sms("13800000008", "请拒收本短信");
    char sql[256], path[400];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM outbox WHERE id = %lld AND sent_at IS NOT NULL"
             " AND attempts = 1 AND last_error IS NULL",
             (long long)ok);
    wait_for_count(sql, 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM outbox WHERE id = %lld AND sent_at IS NULL AND attempts = 1"
             " AND next_attempt_at IS NULL AND last_error LIKE '%%HTTP 400%%'",
             (long long)refused);
    wait_for_count(sql, 1);

    snprintf(path, sizeof path, "%s/sms-%lld.json", sms_dir, (long long)ok);
    json_error_t jerr;
    json_t *got = json_load_file(path, 0, &jerr);
    if (!got)
        fail_msg("%s: %s", path, jerr.text);
    assert_int_equal(json_integer_value(json_object_get(got, "id")), ok);
    assert_string_equal(json_string_value(json_object_get(got, "phone")), "13800000009");
    assert_string_equal(json_string_value(json_object_get(got, "text")),
                        "您的调解定于2026年12月1日上午9时在线进行。");
    json_decref(got);
    /* every request carried a good signature, and the refused one was not kept */
    DIR *d = opendir(sms_dir);
    assert_non_null(d);
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            assert_int_equal(strncmp(e->d_name, "sms-", 4), 0);
            files++;
        }
    closedir(d);
    assert_int_equal(files, 1);
}

/* A wrong notify.* setting stops `serve` before it reports ready. */
static void bad_settings_refused(void **state)
{
    const char *data = getenv("YZ_DATA") ? getenv("YZ_DATA") : "data";
    const struct {
        const char *set, *message;
    } cases[] = {
        {"notify.smtp_url=ftp://127.0.0.1:25", "notify.smtp_url"},
        {"notify.smtp_url=smtp://", "notify.smtp_url"},
        {"notify.mail_from=not-an-address", "notify.mail_from"},
        {"notify.sms_url=gateway.example.cn/send", "notify.sms_url"},
        {"notify.sms_url=https://gateway.example.cn/send", "notify.sms_key_file"},
    };
    char out[4096];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *const args[] = {"serve", "--dir", srv.dir, "--data", data, "--port", "0",
                                    "--set", cases[i].set, NULL};
        int rc = yzt_run_cli(args, out, sizeof out);
        if (rc == 0 || !strstr(out, cases[i].message))
            fail_msg("serve --set %s: exit %d, output:\n%s", cases[i].set, rc, out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(confirmation_arrives),
        cmocka_unit_test(bad_addresses_are_refused),
        cmocka_unit_test(retried_until_the_server_is_back),
        cmocka_unit_test(changing_the_address_tells_the_old_one),
        cmocka_unit_test(admin_sees_court_outbox),
        cmocka_unit_test(sms_through_the_gateway),
        cmocka_unit_test(bad_settings_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
