/*
 * End-to-end tests of attachments (SECURITY.md 2.4, ASVS 12.x): multipart
 * uploads streamed to disk and stored by SHA-256 with a receipt, identical
 * content stored once (each upload still gets its own row), types decided by
 * content (a renamed HTML page or script is 415 and leaves nothing behind),
 * the size limit (413, nothing left in uploads/tmp), 415 for anything but
 * multipart, idempotent retries, downloads as attachments with nosniff and a
 * sandboxing CSP, recorded, and refused to everyone the policy does not let
 * read the matter (404, identical to a missing id), and 401 after logout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "attachments/attachments.h"
#include "fixtures/attachments.h"
#include "lib/apitest.h"
#include "lib/upload.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEMO_PASSWORD "Yizhan-Demo-2026"
#define PHONE_A "13800000001"
#define PHONE_B "13800000002"
#define MISSING_ID 999999

static const char *const ROWS_SQL = "SELECT count(*) FROM attachments";
static const char *const DOWNLOADS_SQL =
    "SELECT count(*) FROM events WHERE type = 'attachment.downloaded'";
static const char *const DENIALS_SQL =
    "SELECT count(*) FROM events WHERE stream = 'security' AND type = 'access_denied'";

/* ---- helpers -------------------------------------------------------------- */

static void sha256_hex(const void *p, size_t n, char out[65])
{
    unsigned char h[32];
    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static void blob_path(const struct yz_test_server *s, const char *hex, char *out, size_t size)
{
    snprintf(out, size, "%s/uploads/sha256/%.2s/%s", s->dir, hex, hex);
}

/* The file's bytes equal data. */
static bool file_holds(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char *buf = malloc(len + 1);
    size_t got = fread(buf, 1, len + 1, f);
    fclose(f);
    bool same = got == len && memcmp(buf, data, len) == 0;
    free(buf);
    return same;
}

static int count_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static int tmp_files(const struct yz_test_server *s)
{
    char p[400];
    snprintf(p, sizeof p, "%s/uploads/tmp", s->dir);
    return count_dir(p);
}

/* Content files under uploads/sha256. */
static int blob_files(const struct yz_test_server *s)
{
    char p[400];
    snprintf(p, sizeof p, "%s/uploads/sha256", s->dir);
    DIR *d = opendir(p);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char sub[700];
        snprintf(sub, sizeof sub, "%s/%s", p, de->d_name);
        n += count_dir(sub);
    }
    closedir(d);
    return n;
}

static int64_t count_where(const struct yz_test_server *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int64_t count_where(const struct yz_test_server *s, const char *fmt, ...)
{
    char sql[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return yzt_db_count(s, sql);
}

/* Logs a staff account in with a TOTP code obtained from the CLI. */
static void staff_login(struct yzt_client *c, const char *username)
{
    char code[64];
    const char *const args[] = {"user", "code", username, "--dir", c->srv->dir, "--data",
                                getenv("YZ_DATA") ? getenv("YZ_DATA") : "data", NULL};
    int rc = yzt_run_cli(args, code, sizeof code);
    if (rc != 0)
        print_error("yizhan user code %s: %s\n", username, code);
    assert_int_equal(rc, 0);
    code[strcspn(code, "\r\n")] = '\0';
    yzt_login(c, username, DEMO_PASSWORD, code);
}

static int64_t court_id(struct yzt_client *c, const char *code)
{
    struct yzt_response r = {0};
    yzt_request(c, "GET", "/api/v1/courts", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    json_t *items = yzt_json_at(r.json, "items");
    int64_t id = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        const char *k = json_string_value(json_object_get(it, "code"));
        if (k && strcmp(k, code) == 0)
            id = json_integer_value(json_object_get(it, "id"));
    }
    yzt_response_free(&r);
    assert_true(id > 0);
    return id;
}

static int64_t create_inquiry(struct yzt_client *c, int64_t court)
{
    struct yzt_response r = {0};
    char key[40], hdr[64];
    yzt_idem_key(key);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    const char *const h[] = {hdr, NULL};
    yzt_request_json(c, "POST", "/api/v1/matters",
                     json_pack("{ss sI ss s{ss ss ss}}", "kind", "inquiry", "court_id",
                               (json_int_t)court, "title", "民间借贷立案咨询", "fields", "question",
                               "民间借贷纠纷应向哪个法院起诉？", "topic", "filing", "channel", "web"),
                     h, &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    return id;
}

/* Asserts two 404 problems agree on everything but the request id. */
static void assert_same_404(struct yzt_response *a, struct yzt_response *b)
{
    yzt_assert_problem(a, 404, "not_found");
    yzt_assert_problem(b, 404, "not_found");
    assert_string_equal(a->content_type, b->content_type);
    json_t *ja = json_deep_copy(a->json), *jb = json_deep_copy(b->json);
    json_object_del(ja, "request_id");
    json_object_del(jb, "request_id");
    json_object_del(ja, "instance");
    json_object_del(jb, "instance");
    char *sa = json_dumps(ja, JSON_SORT_KEYS), *sb = json_dumps(jb, JSON_SORT_KEYS);
    assert_string_equal(sa, sb);
    free(sa);
    free(sb);
    json_decref(ja);
    json_decref(jb);
}

static void get_path(struct yzt_client *c, struct yzt_response *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void get_path(struct yzt_client *c, struct yzt_response *r, const char *fmt, ...)
{
    char path[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    yzt_request(c, "GET", path, NULL, NULL, r);
}

/* ---- tests ---------------------------------------------------------------- */

static void upload_receipt_and_storage(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s};
    struct yzt_response r = {0};
    yzt_login(&a, PHONE_A, DEMO_PASSWORD, NULL);

    char hex[65], path[600], loc[128];
    sha256_hex(YZF_PDF, sizeof YZF_PDF, hex);
    struct yzt_part pdf[] = {{"file", "起诉状.pdf", YZF_PDF, sizeof YZF_PDF},
                         {"kind", NULL, "G1", 0}, /* the complaint, in the checklist */
                         {"title", NULL, "起诉状", 0}};
    yzt_upload_parts(&a, pdf, 3, NULL, &r);
    yzt_assert_status(&r, 201);
    assert_string_equal(yzt_json_str(&r, "sha256"), hex);
    assert_int_equal(yzt_json_int(&r, "size"), sizeof YZF_PDF);
    assert_string_equal(yzt_json_str(&r, "mime"), "application/pdf");
    assert_string_equal(yzt_json_str(&r, "name"), "起诉状.pdf");
    assert_string_equal(yzt_json_str(&r, "kind"), "G1");
    assert_string_equal(yzt_json_str(&r, "title"), "起诉状");
    assert_true(strlen(yzt_json_str(&r, "created_at")) >= 20); /* server time: the receipt */
    int64_t pdf_id = yzt_json_int(&r, "id");
    assert_true(yzt_header(&r, "Location", loc, sizeof loc));
    char want_loc[64];
    snprintf(want_loc, sizeof want_loc, "/api/v1/attachments/%lld", (long long)pdf_id);
    assert_string_equal(loc, want_loc);
    blob_path(s, hex, path, sizeof path);
    assert_true(file_holds(path, YZF_PDF, sizeof YZF_PDF));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0400);
    /* The event names the upload, never the file name. */
    assert_int_equal(count_where(s,
                                 "SELECT count(*) FROM events WHERE type = 'attachment.uploaded'"
                                 " AND stream = 'user/' || (SELECT uploader_id FROM attachments"
                                 " WHERE id = %lld) AND payload NOT LIKE '%%起诉状%%'",
                                 (long long)pdf_id),
                     1);

    sha256_hex(YZF_PNG, sizeof YZF_PNG, hex);
    yzt_upload_file(&a, YZF_PNG, sizeof YZF_PNG, "证据/../照片.PNG", 0, &r);
    yzt_assert_status(&r, 201);
    assert_string_equal(yzt_json_str(&r, "sha256"), hex);
    assert_string_equal(yzt_json_str(&r, "mime"), "image/png");
    assert_string_equal(yzt_json_str(&r, "name"), "照片.PNG");
    blob_path(s, hex, path, sizeof path);
    assert_true(file_holds(path, YZF_PNG, sizeof YZF_PNG));

    yzt_upload_file(&a, YZF_JPEG, sizeof YZF_JPEG, "scan.jpeg", 0, &r);
    yzt_assert_status(&r, 201);
    assert_string_equal(yzt_json_str(&r, "mime"), "image/jpeg");
    assert_int_equal(blob_files(s), 3);

    /* Identical content again: a new row (its own receipt), the same single file. */
    yzt_upload_file(&a, YZF_PDF, sizeof YZF_PDF, "起诉状（副本）.pdf", 0, &r);
    yzt_assert_status(&r, 201);
    assert_true(yzt_json_int(&r, "id") != pdf_id);
    sha256_hex(YZF_PDF, sizeof YZF_PDF, hex);
    assert_string_equal(yzt_json_str(&r, "sha256"), hex);
    assert_int_equal(blob_files(s), 3);
    assert_int_equal(yzt_db_count(s, ROWS_SQL), 4);
    assert_int_equal(tmp_files(s), 0);

    /* A file many times the post processor's buffer (server.c), under a name
     * of YZ_ATTACH_RAW_NAME_MAX bytes in its part's header: whole, as sent. */
    size_t big_n = 200 * 1024;
    unsigned char *big = malloc(big_n);
    assert_non_null(big);
    memcpy(big, YZF_PDF, sizeof YZF_PDF);
    for (size_t i = sizeof YZF_PDF; i < big_n; i++)
        big[i] = (unsigned char)(i * 7919 % 251);
    char long_name[YZ_ATTACH_RAW_NAME_MAX + 1];
    memset(long_name, 'n', YZ_ATTACH_RAW_NAME_MAX - 4);
    memcpy(long_name + YZ_ATTACH_RAW_NAME_MAX - 4, ".pdf", 5);
    yzt_upload_file(&a, big, big_n, long_name, 0, &r);
    yzt_assert_status(&r, 201);
    sha256_hex(big, big_n, hex);
    assert_string_equal(yzt_json_str(&r, "sha256"), hex);
    assert_int_equal(yzt_json_int(&r, "size"), big_n);
    assert_string_equal(yzt_json_str(&r, "mime"), "application/pdf");
    blob_path(s, hex, path, sizeof path);
    assert_true(file_holds(path, big, big_n));
    free(big);
    assert_int_equal(tmp_files(s), 0);
    sha256_hex(YZF_PDF, sizeof YZF_PDF, hex);

    /* The metadata, for the uploader. */
    get_path(&a, &r, "/api/v1/attachments/%lld/meta", (long long)pdf_id);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "sha256"), hex);
    assert_string_equal(yzt_json_str(&r, "name"), "起诉状.pdf");
    yzt_response_free(&r);
}

static void idempotent_retries(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s};
    struct yzt_response r = {0}, again = {0};
    yzt_login(&a, PHONE_A, DEMO_PASSWORD, NULL);
    char key[40];
    yzt_idem_key(key);
    struct yzt_part pdf[] = {{"file", "a.pdf", YZF_PDF, sizeof YZF_PDF}, {"title", NULL, "甲", 0}};
    yzt_upload_parts(&a, pdf, 2, key, &r);
    yzt_assert_status(&r, 201);
    /* The retry gets the stored response; nothing new is stored. */
    yzt_upload_parts(&a, pdf, 2, key, &again);
    yzt_assert_status(&again, 201);
    assert_int_equal(yzt_json_int(&again, "id"), yzt_json_int(&r, "id"));
    assert_int_equal(yzt_db_count(s, ROWS_SQL), 1);
    assert_int_equal(tmp_files(s), 0);
    /* Fields in another order are the same request. */
    struct yzt_part swapped[] = {{"title", NULL, "甲", 0}, {"file", "a.pdf", YZF_PDF, sizeof YZF_PDF}};
    yzt_upload_parts(&a, swapped, 2, key, &again);
    yzt_assert_status(&again, 201);
    assert_int_equal(yzt_json_int(&again, "id"), yzt_json_int(&r, "id"));
    /* Another file, name or field under the same key: 422. */
    struct yzt_part other[] = {{"file", "a.pdf", YZF_PNG, sizeof YZF_PNG}, {"title", NULL, "甲", 0}};
    yzt_upload_parts(&a, other, 2, key, &again);
    yzt_assert_problem(&again, 422, "idempotency_key_reused");
    struct yzt_part renamed[] = {{"file", "b.pdf", YZF_PDF, sizeof YZF_PDF}, {"title", NULL, "甲", 0}};
    yzt_upload_parts(&a, renamed, 2, key, &again);
    yzt_assert_problem(&again, 422, "idempotency_key_reused");
    struct yzt_part retitled[] = {{"file", "a.pdf", YZF_PDF, sizeof YZF_PDF}, {"title", NULL, "乙", 0}};
    yzt_upload_parts(&a, retitled, 2, key, &again);
    yzt_assert_problem(&again, 422, "idempotency_key_reused");
    assert_int_equal(yzt_db_count(s, ROWS_SQL), 1);
    assert_int_equal(blob_files(s), 1);
    assert_int_equal(tmp_files(s), 0);

    /* No key: 400, nothing stored. */
    size_t len;
    char *body = yzt_multipart(pdf, 2, &len);
    const char *const h[] = {"Content-Type: multipart/form-data; boundary=" YZT_BOUNDARY, NULL};
    yzt_request_raw(&a, "POST", "/api/v1/attachments", body, len, h, &again);
    free(body);
    yzt_assert_problem(&again, 400, "idempotency_key_required");
    assert_int_equal(yzt_db_count(s, ROWS_SQL), 1);
    assert_int_equal(tmp_files(s), 0);
    yzt_response_free(&r);
    yzt_response_free(&again);
}

static void refused_content(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s};
    struct yzt_response r = {0};
    yzt_login(&a, PHONE_A, DEMO_PASSWORD, NULL);
    int64_t events = yzt_db_count(s, "SELECT count(*) FROM events");

    /* Pretenders: the name says PDF or PNG, the content says otherwise. */
    static const struct {
        const unsigned char *p;
        size_t n;
        const char *name, *detected;
    } cases[] = {
        {YZF_HTML, sizeof YZF_HTML, "判决书.pdf", "text/html"},
        {YZF_SCRIPT, sizeof YZF_SCRIPT, "photo.png", "text/x-shellscript"},
        {YZF_ELF, sizeof YZF_ELF, "photo.png", "application/x-"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        yzt_upload_file(&a, cases[i].p, cases[i].n, cases[i].name, 0, &r);
        yzt_assert_problem(&r, 415, "unsupported_media_type");
        const char *detail = yzt_json_str(&r, "detail");
        assert_non_null(strstr(detail, cases[i].detected));
        assert_non_null(strstr(detail, "仅接受 PDF、JPEG、PNG"));
        assert_int_equal(yzt_db_count(s, ROWS_SQL), 0);
        assert_int_equal(blob_files(s), 0);
        assert_int_equal(tmp_files(s), 0);
    }

    /* Not multipart at all. */
    const char *const json_h[] = {"Idempotency-Key: k-json-0001", NULL};
    yzt_request(&a, "POST", "/api/v1/attachments", "{\"file\":\"JVBERi0=\"}", json_h, &r);
    yzt_assert_problem(&r, 415, "unsupported_media_type");
    const char *const form_h[] = {"Idempotency-Key: k-form-0001",
                                  "Content-Type: application/x-www-form-urlencoded", NULL};
    yzt_request(&a, "POST", "/api/v1/attachments", "file=%25PDF-1.4", form_h, &r);
    yzt_assert_problem(&r, 415, "unsupported_media_type");
    const char *const pdf_h[] = {"Idempotency-Key: k-raw-00001", "Content-Type: application/pdf",
                                 NULL};
    yzt_request_raw(&a, "POST", "/api/v1/attachments", YZF_PDF, sizeof YZF_PDF, pdf_h, &r);
    yzt_assert_problem(&r, 415, "unsupported_media_type");

    /* Multipart without a file; with unknown or bad fields; with two files. */
    struct yzt_part no_file[] = {{"title", NULL, "只有标题", 0}};
    yzt_upload_parts(&a, no_file, 1, NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "file", "required");
    struct yzt_part bad[] = {{"file", "a.pdf", YZF_PDF, sizeof YZF_PDF},
                         {"matter_id", NULL, "abc", 0},
                         {"kind", NULL, "G999", 0},
                         {"colour", NULL, "red", 0}};
    yzt_upload_parts(&a, bad, 4, NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "matter_id");
    yzt_assert_field_error_code(&r, "kind", "unknown_material"); /* not in the checklist */
    yzt_assert_field_error_code(&r, "colour", "unknown_field");
    struct yzt_part bad_kind[] = {{"file", "a.pdf", YZF_PDF, sizeof YZF_PDF},
                              {"kind", NULL, "G1\tG2", 0}};
    yzt_upload_parts(&a, bad_kind, 2, NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "kind", "control_character");
    struct yzt_part two[] = {{"file", "a.pdf", YZF_PDF, sizeof YZF_PDF},
                         {"file", "b.png", YZF_PNG, sizeof YZF_PNG}};
    yzt_upload_parts(&a, two, 2, NULL, &r);
    yzt_assert_problem(&r, 400, "bad_request");
    /* A body whose multipart framing never ends. */
    char key[40], hk[64];
    yzt_idem_key(key);
    snprintf(hk, sizeof hk, "Idempotency-Key: %s", key);
    const char *const mp_h[] = {hk, "Content-Type: multipart/form-data; boundary=" YZT_BOUNDARY, NULL};
    const char cut[] = "--" YZT_BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; "
                       "filename=\"a.pdf\"\r\n\r\n%PDF-1.4 and then nothing";
    yzt_request_raw(&a, "POST", "/api/v1/attachments", cut, sizeof cut - 1, mp_h, &r);
    yzt_assert_problem(&r, 400, "bad_request");

    assert_int_equal(yzt_db_count(s, ROWS_SQL), 0);
    assert_int_equal(blob_files(s), 0);
    assert_int_equal(tmp_files(s), 0);
    assert_int_equal(yzt_db_count(s, "SELECT count(*) FROM events"), events);

    /* Signed out; and signed in but without the CSRF token. */
    struct yzt_client anon = {.srv = s};
    yzt_upload_file(&anon, YZF_PDF, sizeof YZF_PDF, "a.pdf", 0, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    struct yzt_client nocsrf = a;
    nocsrf.csrf[0] = '\0';
    yzt_upload_file(&nocsrf, YZF_PDF, sizeof YZF_PDF, "a.pdf", 0, &r);
    yzt_assert_problem(&r, 403, "csrf_failed");
    assert_int_equal(yzt_db_count(s, ROWS_SQL), 0);
    assert_int_equal(tmp_files(s), 0);
    yzt_response_free(&r);
}

static void download_and_isolation(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s}, b = {.srv = s};
    struct yzt_response r = {0}, missing = {0};
    yzt_login(&a, PHONE_A, DEMO_PASSWORD, NULL);
    yzt_login(&b, PHONE_B, DEMO_PASSWORD, NULL);
    yzt_upload_file(&a, YZF_PDF, sizeof YZF_PDF, "起诉状 (1).pdf", 0, &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");

    /* The owner downloads the exact bytes, as an attachment that never renders. */
    int64_t downloads = yzt_db_count(s, DOWNLOADS_SQL);
    get_path(&a, &r, "/api/v1/attachments/%lld", (long long)id);
    yzt_assert_status(&r, 200);
    assert_int_equal(r.len, sizeof YZF_PDF);
    assert_memory_equal(r.body, YZF_PDF, sizeof YZF_PDF);
    char h[512];
    assert_string_equal(r.content_type, "application/pdf");
    assert_true(yzt_header(&r, "Content-Disposition", h, sizeof h));
    assert_string_equal(h, "attachment; filename*=UTF-8''%E8%B5%B7%E8%AF%89%E7%8A%B6%20%281%29.pdf");
    assert_true(yzt_header(&r, "X-Content-Type-Options", h, sizeof h));
    assert_string_equal(h, "nosniff");
    assert_true(yzt_header(&r, "Cache-Control", h, sizeof h));
    assert_string_equal(h, "no-store");
    assert_true(yzt_header(&r, "Content-Security-Policy", h, sizeof h));
    assert_non_null(strstr(h, "sandbox"));
    assert_non_null(strstr(h, "default-src 'none'"));
    assert_int_equal(yzt_db_count(s, DOWNLOADS_SQL), downloads + 1);
    assert_int_equal(count_where(s,
                                 "SELECT count(*) FROM events WHERE type = 'attachment.downloaded'"
                                 " AND actor_id = (SELECT uploader_id FROM attachments WHERE id ="
                                 " %lld)",
                                 (long long)id),
                     1);

    /* Another party: exactly as if it did not exist, and nothing recorded as a download. */
    int64_t denials = yzt_db_count(s, DENIALS_SQL);
    get_path(&b, &r, "/api/v1/attachments/%lld", (long long)id);
    get_path(&b, &missing, "/api/v1/attachments/%lld", (long long)MISSING_ID);
    assert_same_404(&r, &missing);
    get_path(&b, &r, "/api/v1/attachments/%lld/meta", (long long)id);
    get_path(&b, &missing, "/api/v1/attachments/%lld/meta", (long long)MISSING_ID);
    assert_same_404(&r, &missing);
    assert_null(strstr(r.body, "起诉状"));
    assert_int_equal(yzt_db_count(s, DOWNLOADS_SQL), downloads + 1);
    assert_true(yzt_db_count(s, DENIALS_SQL) > denials);
    /* Court staff see no one's private uploads either. */
    struct yzt_client clerk = {.srv = s};
    staff_login(&clerk, "filing_clerk");
    get_path(&clerk, &r, "/api/v1/attachments/%lld", (long long)id);
    assert_same_404(&r, &missing);

    /* After logout the old session downloads nothing. */
    char old_cookie[512], old_csrf[128];
    snprintf(old_cookie, sizeof old_cookie, "%s", a.cookie);
    snprintf(old_csrf, sizeof old_csrf, "%s", a.csrf);
    yzt_request(&a, "DELETE", "/api/v1/session", NULL, NULL, &r);
    yzt_assert_status(&r, 204);
    snprintf(a.cookie, sizeof a.cookie, "%s", old_cookie);
    snprintf(a.csrf, sizeof a.csrf, "%s", old_csrf);
    get_path(&a, &r, "/api/v1/attachments/%lld", (long long)id);
    yzt_assert_problem(&r, 401, "unauthenticated");
    assert_int_equal(yzt_db_count(s, DOWNLOADS_SQL), downloads + 1);
    yzt_response_free(&r);
    yzt_response_free(&missing);
}

static void matter_attachments(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s}, b = {.srv = s}, own = {.srv = s}, other = {.srv = s},
                      sup = {.srv = s};
    struct yzt_response r = {0}, missing = {0};
    yzt_login(&a, PHONE_A, DEMO_PASSWORD, NULL);
    yzt_login(&b, PHONE_B, DEMO_PASSWORD, NULL);
    staff_login(&own, "filing_clerk");      /* 渝0103, the matter's court */
    staff_login(&other, "filing_clerk_jb"); /* 渝0105 */
    staff_login(&sup, "supervisor");        /* reads the courts below, acts on none */
    int64_t matter = create_inquiry(&a, court_id(&a, "渝0103"));

    yzt_upload_file(&a, YZF_JPEG, sizeof YZF_JPEG, "借条.jpg", matter, &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    assert_int_equal(yzt_json_int(&r, "matter_id"), matter);
    /* The upload is part of the matter's history. */
    assert_int_equal(count_where(s,
                                 "SELECT count(*) FROM events WHERE type = 'attachment.uploaded'"
                                 " AND stream = 'matter/%lld'",
                                 (long long)matter),
                     1);

    /* The matter's court downloads it; the download lands in the matter's history. */
    int64_t downloads = yzt_db_count(s, DOWNLOADS_SQL);
    get_path(&own, &r, "/api/v1/attachments/%lld", (long long)id);
    yzt_assert_status(&r, 200);
    assert_memory_equal(r.body, YZF_JPEG, sizeof YZF_JPEG);
    assert_string_equal(r.content_type, "image/jpeg");
    assert_int_equal(yzt_db_count(s, DOWNLOADS_SQL), downloads + 1);
    assert_int_equal(count_where(s,
                                 "SELECT count(*) FROM events WHERE type = 'attachment.downloaded'"
                                 " AND stream = 'matter/%lld'",
                                 (long long)matter),
                     1);
    get_path(&own, &r, "/api/v1/matters/%lld/attachments", (long long)matter);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "items.0.id"), id);
    assert_string_equal(yzt_json_str(&r, "items.0.name"), "借条.jpg");

    /* Another court's staff and another party: 404, as for a missing id. */
    get_path(&other, &r, "/api/v1/attachments/%lld", (long long)id);
    get_path(&other, &missing, "/api/v1/attachments/%lld", (long long)MISSING_ID);
    assert_same_404(&r, &missing);
    get_path(&other, &r, "/api/v1/matters/%lld/attachments", (long long)matter);
    get_path(&other, &missing, "/api/v1/matters/%lld/attachments", (long long)MISSING_ID);
    assert_same_404(&r, &missing);
    get_path(&b, &r, "/api/v1/attachments/%lld", (long long)id);
    assert_same_404(&r, &missing);
    assert_int_equal(yzt_db_count(s, DOWNLOADS_SQL), downloads + 1);

    /* Attaching to someone else's matter: 404, and nothing is left behind. */
    int64_t rows = yzt_db_count(s, ROWS_SQL);
    int blobs = blob_files(s);
    yzt_upload_file(&b, YZF_PNG, sizeof YZF_PNG, "x.png", matter, &r);
    yzt_upload_file(&b, YZF_PNG, sizeof YZF_PNG, "x.png", MISSING_ID, &missing);
    assert_same_404(&r, &missing);
    yzt_upload_file(&other, YZF_PNG, sizeof YZF_PNG, "x.png", matter, &r);
    yzt_assert_problem(&r, 404, "not_found");
    /* The supervising court reads the matter but does not add to it. */
    yzt_upload_file(&sup, YZF_PNG, sizeof YZF_PNG, "x.png", matter, &r);
    yzt_assert_problem(&r, 404, "not_found");
    get_path(&sup, &r, "/api/v1/attachments/%lld", (long long)id);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_db_count(s, ROWS_SQL), rows);
    assert_int_equal(blob_files(s), blobs);
    assert_int_equal(tmp_files(s), 0);

    /* The court's clerk may attach to it. */
    yzt_upload_file(&own, YZF_PDF, sizeof YZF_PDF, "受理通知.pdf", matter, &r);
    yzt_assert_status(&r, 201);
    get_path(&a, &r, "/api/v1/matters/%lld/attachments", (long long)matter);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 2);
    assert_string_equal(yzt_json_str(&r, "items.0.name"), "受理通知.pdf"); /* newest first */
    yzt_response_free(&r);
    yzt_response_free(&missing);
}

static int setup_small_limit(void **state)
{
    static struct yz_test_server s;
    static const char *const set[] = {"server.max_upload_bytes=2048", NULL};
    memset(&s, 0, sizeof s);
    yzt_server_start(&s, true, set);
    *state = &s;
    return 0;
}

static int teardown_small_limit(void **state)
{
    yzt_server_stop(*state);
    return 0;
}

static void size_limit(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s};
    struct yzt_response r = {0};
    yzt_login(&a, PHONE_A, DEMO_PASSWORD, NULL);

    /* A 4 KiB "PDF" against a 2 KiB limit: the body is read, the file is cut off. */
    static unsigned char big[4096];
    memcpy(big, YZF_PDF, sizeof YZF_PDF);
    memset(big + sizeof YZF_PDF, ' ', sizeof big - sizeof YZF_PDF);
    yzt_upload_file(&a, big, sizeof big, "big.pdf", 0, &r);
    yzt_assert_problem(&r, 413, "payload_too_large");
    assert_non_null(strstr(yzt_json_str(&r, "detail"), "2 KB"));
    assert_int_equal(yzt_db_count(s, ROWS_SQL), 0);
    assert_int_equal(tmp_files(s), 0);
    assert_int_equal(blob_files(s), 0);

    /* A declared body far over the limit is refused before it is read. */
    static unsigned char huge[512 * 1024];
    memcpy(huge, YZF_PDF, sizeof YZF_PDF);
    yzt_upload_file(&a, huge, sizeof huge, "huge.pdf", 0, &r);
    yzt_assert_problem(&r, 413, "payload_too_large");
    assert_string_equal(yzt_json_str(&r, "detail"), "文件不能超过 2 KB");
    assert_int_equal(yzt_db_count(s, ROWS_SQL), 0);
    assert_int_equal(tmp_files(s), 0);

    /* Exactly at the limit, and small files, still go through. */
    memset(big + sizeof YZF_PDF, ' ', 2048 - sizeof YZF_PDF);
    yzt_upload_file(&a, big, 2048, "max.pdf", 0, &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(yzt_json_int(&r, "size"), 2048);
    yzt_upload_file(&a, YZF_PNG, sizeof YZF_PNG, "small.png", 0, &r);
    yzt_assert_status(&r, 201);
    assert_int_equal(yzt_db_count(s, ROWS_SQL), 2);
    assert_int_equal(tmp_files(s), 0);
    yzt_response_free(&r);
}

static void daily_quota(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client b = {.srv = s};
    struct yzt_response r = {0};
    yzt_login(&b, PHONE_B, DEMO_PASSWORD, NULL);
    int64_t rows = yzt_db_count(s, ROWS_SQL);
    for (int i = 0; i < 200; i++) {
        yzt_upload_file(&b, YZF_PNG, sizeof YZF_PNG, "p.png", 0, &r);
        yzt_assert_status(&r, 201);
    }
    int blobs = blob_files(s);
    yzt_upload_file(&b, YZF_JPEG, sizeof YZF_JPEG, "one-more.jpg", 0, &r);
    yzt_assert_problem(&r, 429, "rate_limited");
    assert_int_equal(yzt_db_count(s, ROWS_SQL), rows + 200);
    assert_int_equal(blob_files(s), blobs); /* refused before the file was placed */
    assert_int_equal(tmp_files(s), 0);
    /* Another user is not affected. */
    struct yzt_client a = {.srv = s};
    yzt_login(&a, PHONE_A, DEMO_PASSWORD, NULL);
    yzt_upload_file(&a, YZF_JPEG, sizeof YZF_JPEG, "mine.jpg", 0, &r);
    yzt_assert_status(&r, 201);
    yzt_response_free(&r);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(upload_receipt_and_storage, yzt_setup_demo_server,
                                        yzt_teardown_server),
        cmocka_unit_test_setup_teardown(idempotent_retries, yzt_setup_demo_server,
                                        yzt_teardown_server),
        cmocka_unit_test_setup_teardown(refused_content, yzt_setup_demo_server,
                                        yzt_teardown_server),
        cmocka_unit_test_setup_teardown(download_and_isolation, yzt_setup_demo_server,
                                        yzt_teardown_server),
        cmocka_unit_test_setup_teardown(matter_attachments, yzt_setup_demo_server,
                                        yzt_teardown_server),
        cmocka_unit_test_setup_teardown(size_limit, setup_small_limit, teardown_small_limit),
        cmocka_unit_test_setup_teardown(daily_quota, yzt_setup_demo_server, yzt_teardown_server),
    };
    return cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
}
