/*
 * Unit tests for src/attachments/attachments.c: display names, content-type
 * decisions, content paths and Content-Disposition, the upload sink (hashing,
 * limits, one file, bounded fields), placing (content-addressed, deduplicated,
 * refused types leave nothing) and the collector of orphans.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "attachments/attachments.h"
#include "core/clock.h"
#include "core/utf8.h"
#include "fixtures/attachments.h"
#include "store/store.h"

/* ---- helpers -------------------------------------------------------------- */

static char dir[64];

static void rm_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", path, de->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            rm_tree(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(path);
}

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/yz-attach-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    rm_tree(dir);
    return 0;
}

/* Entries in a directory other than . and .. (-1 when it does not exist). */
static int count_entries(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static int count_tmp(void)
{
    char p[128];
    snprintf(p, sizeof p, "%s/uploads/tmp", dir);
    int n = count_entries(p);
    return n < 0 ? 0 : n;
}

/* Content files under uploads/sha256/<xx>/. */
static int count_blobs(void)
{
    char p[128];
    snprintf(p, sizeof p, "%s/uploads/sha256", dir);
    DIR *d = opendir(p);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char sub[512];
        snprintf(sub, sizeof sub, "%s/%s", p, de->d_name);
        n += count_entries(sub);
    }
    closedir(d);
    return n;
}

static void sha256_hex(const void *p, size_t n, char out[65])
{
    unsigned char h[32];
    crypto_hash_sha256(h, p, n);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* A whole upload of one file part, fed in chunks of at most chunk bytes. */
static struct yz_upload *upload_of(const void *data, size_t n, const char *filename, size_t chunk,
                                   uint64_t max)
{
    struct yz_upload *u = yz_upload_new(dir, max);
    const char *p = data;
    size_t off = 0;
    /* MHD opens every part with a call at offset 0, sometimes empty. */
    yz_upload_feed(u, "file", filename, NULL, p, 0, 0);
    while (off < n) {
        size_t k = n - off < chunk ? n - off : chunk;
        if (!yz_upload_feed(u, "file", filename, NULL, p + off, off, k))
            break;
        off += k;
    }
    yz_upload_finish(u, true);
    return u;
}

/* ---- names ---------------------------------------------------------------- */

static void name_is(const char *raw, const char *mime, const char *want)
{
    char out[YZ_ATTACH_NAME_MAX + 1];
    yz_attachments_display_name(raw, mime, out);
    if (strcmp(out, want) != 0)
        fail_msg("name of \"%s\" (%s): got \"%s\", want \"%s\"", raw ? raw : "(null)",
                 mime ? mime : "(null)", out, want);
}

static void display_names(void **state)
{
    name_is("起诉状.pdf", "application/pdf", "起诉状.pdf");
    name_is("C:\\Users\\张三\\证据 1.PDF", "application/pdf", "证据 1.PDF");
    name_is("../../etc/passwd", "application/pdf", "passwd.pdf");
    name_is("/abs/dir/photo.jpeg", "image/jpeg", "photo.jpeg");
    name_is("photo.JPG", "image/jpeg", "photo.JPG");
    /* The extension must match the content: a saved copy never opens as HTML. */
    name_is("report.html", "application/pdf", "report.html.pdf");
    name_is("photo.jpg", "image/png", "photo.jpg.png");
    name_is("noext", "image/png", "noext.png");
    /* Controls (C0, DEL, C1) go. */
    name_is("a\x01" "b\x7f" "c\xc2\x85" "d.pdf", "application/pdf", "abcd.pdf");
    name_is("line\nbreak\r.pdf", "application/pdf", "linebreak.pdf");
    /* A right-to-left override that would show "invoice[U+202E]fdp.exe" as "invoiceexe.pdf". */
    name_is("invoice\xe2\x80\xae" "fdp.exe", "application/pdf", "invoicefdp.exe.pdf");
    name_is("\xe2\x81\xa6x\xe2\x81\xa9.png", "image/png", "x.png");
    /* Invalid UTF-8 bytes are dropped, valid neighbours kept. */
    name_is("\xff\xfe" "ab\xc0\xaf" "c\xed\xa0\x80.png", "image/png", "abc.png");
    /* Hidden-file dots, "..", blanks, trailing dots. */
    name_is(".hidden.png", "image/png", "hidden.png");
    name_is("  .. ", "image/png", "附件.png");
    name_is("a.pdf. . ", "application/pdf", "a.pdf");
    name_is("", "application/pdf", "附件.pdf");
    name_is(NULL, "image/jpeg", "附件.jpg");
    name_is(".pdf", "application/pdf", "pdf.pdf");
    /* Unknown types keep the cleaned name as it is. */
    name_is("x.html", "text/html", "x.html");
    name_is("", NULL, "附件");
}

static void display_name_is_bounded(void **state)
{
    /* 300 three-byte characters: cut on a character boundary, extension kept. */
    char raw[1200] = "";
    for (int i = 0; i < 300; i++)
        memcpy(raw + i * 3, "测", 3);
    memcpy(raw + 900, ".pdf", 5);
    char out[YZ_ATTACH_NAME_MAX + 1];
    yz_attachments_display_name(raw, "application/pdf", out);
    size_t n = strlen(out);
    assert_true(n <= YZ_ATTACH_NAME_MAX);
    assert_true(n >= YZ_ATTACH_NAME_MAX - 3);
    assert_true(yz_utf8_valid(out, n));
    assert_string_equal(out + n - 4, ".pdf");
    assert_int_equal((n - 4) % 3, 0);

    /* Over the raw bound: cut before sanitising, still valid. */
    char big[3000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    yz_attachments_display_name(big, "image/png", out);
    assert_true(strlen(out) <= YZ_ATTACH_NAME_MAX);
    assert_string_equal(out + strlen(out) - 4, ".png");
    /* Every byte value as a name: the result is valid UTF-8 without controls. */
    char all[256];
    for (int i = 1; i < 256; i++)
        all[i - 1] = (char)i;
    all[255] = '\0';
    yz_attachments_display_name(all, "application/pdf", out);
    assert_true(yz_utf8_valid(out, strlen(out)));
    assert_false(yz_utf8_has_control(out, strlen(out), false));
    assert_null(strchr(out, '/'));
    assert_null(strchr(out, '\\'));
}

/* ---- content types -------------------------------------------------------- */

static void sniff_is(const void *p, size_t n, const char *want, bool allowed)
{
    char mime[64];
    assert_int_equal(yz_attachments_sniff(p, n, mime, sizeof mime), YZ_OK);
    assert_string_equal(mime, want);
    assert_int_equal(yz_attachments_mime_allowed(mime), allowed);
}

static void content_types(void **state)
{
    sniff_is(YZF_PDF, sizeof YZF_PDF, "application/pdf", true);
    sniff_is(YZF_PNG, sizeof YZF_PNG, "image/png", true);
    sniff_is(YZF_JPEG, sizeof YZF_JPEG, "image/jpeg", true);
    sniff_is(YZF_HTML, sizeof YZF_HTML, "text/html", false);
    sniff_is(YZF_SCRIPT, sizeof YZF_SCRIPT, "text/x-shellscript", false);
    char mime[64];
    assert_int_equal(yz_attachments_sniff(YZF_ELF, sizeof YZF_ELF, mime, sizeof mime), YZ_OK);
    assert_non_null(strstr(mime, "application/x-"));
    assert_false(yz_attachments_mime_allowed(mime));
    assert_false(yz_attachments_mime_allowed("image/gif"));
    assert_false(yz_attachments_mime_allowed("application/pdf; charset=binary"));
    assert_false(yz_attachments_mime_allowed(NULL));
    assert_string_equal(yz_attachments_mime_ext("application/pdf"), ".pdf");
    assert_string_equal(yz_attachments_mime_ext("image/jpeg"), ".jpg");
    assert_string_equal(yz_attachments_mime_ext("image/png"), ".png");
    assert_null(yz_attachments_mime_ext("text/html"));
}

/* ---- paths and headers ---------------------------------------------------- */

static void blob_paths(void **state)
{
    char hex[65], out[256];
    sha256_hex("x", 1, hex);
    assert_true(yz_attachments_blob_path("/srv/yz", hex, out, sizeof out));
    char want[256];
    snprintf(want, sizeof want, "/srv/yz/uploads/sha256/%.2s/%s", hex, hex);
    assert_string_equal(out, want);

    char upper[65];
    memcpy(upper, hex, sizeof upper);
    upper[0] = 'A';
    upper[1] = 'B';
    assert_false(yz_attachments_blob_path("/srv/yz", upper, out, sizeof out));
    assert_string_equal(out, "");
    assert_false(yz_attachments_blob_path("/srv/yz", "../../../../etc/passwd", out, sizeof out));
    hex[63] = '\0';
    assert_false(yz_attachments_blob_path("/srv/yz", hex, out, sizeof out));
    sha256_hex("x", 1, hex);
    assert_false(yz_attachments_blob_path("/srv/yz", hex, out, 40)); /* does not fit */
    assert_string_equal(out, "");
}

static void dispositions(void **state)
{
    char out[1024];
    assert_true(yz_attachments_disposition("起诉状 (1).pdf", out, sizeof out));
    assert_string_equal(out, "attachment; filename*=UTF-8''"
                             "%E8%B5%B7%E8%AF%89%E7%8A%B6%20%281%29.pdf");
    /* Quotes, separators and the percent sign itself are encoded. */
    assert_true(yz_attachments_disposition("a\"b;c=d%e,f/g.png", out, sizeof out));
    assert_string_equal(out, "attachment; filename*=UTF-8''a%22b%3Bc%3Dd%25e%2Cf%2Fg.png");
    assert_true(yz_attachments_disposition("A-z_0.9!#$&+^`|~", out, sizeof out));
    assert_string_equal(out, "attachment; filename*=UTF-8''A-z_0.9!#$&+^`|~");
    /* The longest name always fits the documented size. */
    char name[YZ_ATTACH_NAME_MAX + 1];
    memset(name, '\xff', YZ_ATTACH_NAME_MAX);
    name[YZ_ATTACH_NAME_MAX] = '\0';
    char big[3 * YZ_ATTACH_NAME_MAX + 40];
    assert_true(yz_attachments_disposition(name, big, sizeof big));
    assert_false(yz_attachments_disposition("起诉状.pdf", out, 30));
    assert_string_equal(out, "");
}

/* ---- the upload sink ------------------------------------------------------ */

static void sink_hashes_and_streams(void **state)
{
    char want[65];
    sha256_hex(YZF_PDF, sizeof YZF_PDF, want);
    struct yz_upload *u = upload_of(YZF_PDF, sizeof YZF_PDF, "a.pdf", 7, 1024);
    assert_int_equal(yz_upload_error(u, NULL), YZ_OK);
    assert_true(yz_upload_has_file(u));
    assert_int_equal(yz_upload_size(u), sizeof YZF_PDF);
    assert_string_equal(yz_upload_sha256(u), want);
    assert_string_equal(yz_upload_filename(u), "a.pdf");
    assert_int_equal(count_tmp(), 1); /* streamed to a temp file, not kept in memory */
    yz_upload_free(u);
    assert_int_equal(count_tmp(), 0); /* never placed: the temp file goes with it */
}

static void sink_enforces_max_bytes(void **state)
{
    unsigned char data[3000];
    memset(data, 'x', sizeof data);
    struct yz_upload *u = upload_of(data, sizeof data, "big.pdf", 512, 2048);
    const char *detail = NULL;
    assert_int_equal(yz_upload_error(u, &detail), YZ_ERR_PAYLOAD_TOO_LARGE);
    assert_non_null(strstr(detail, "2 KB"));
    assert_false(yz_upload_has_file(u));
    assert_int_equal(count_tmp(), 0); /* deleted at the overflow, not at the end */
    assert_false(yz_upload_feed(u, "title", NULL, NULL, "x", 0, 1)); /* ended */
    yz_upload_free(u);

    char msg[128];
    yz_attachments_limit_text(20u << 20, msg, sizeof msg);
    assert_string_equal(msg, "文件不能超过 20 MB");
    yz_attachments_limit_text(1536u << 10, msg, sizeof msg);
    assert_string_equal(msg, "文件不能超过 1536 KB");
    yz_attachments_limit_text(1500, msg, sizeof msg);
    assert_string_equal(msg, "文件不能超过 1500 字节");

    /* Exactly the limit is fine. */
    u = upload_of(data, 2048, "max.pdf", 1000, 2048);
    assert_int_equal(yz_upload_error(u, NULL), YZ_OK);
    assert_int_equal(yz_upload_size(u), 2048);
    yz_upload_free(u);
}

static void sink_fields(void **state)
{
    struct yz_upload *u = yz_upload_new(dir, 4096);
    assert_true(yz_upload_feed(u, "title", NULL, NULL, "", 0, 0));
    assert_true(yz_upload_feed(u, "title", NULL, NULL, "起诉", 0, 6));
    assert_true(yz_upload_feed(u, "title", NULL, NULL, "状", 6, 3));
    assert_true(yz_upload_feed(u, "matter_id", NULL, NULL, "12", 0, 2));
    assert_true(yz_upload_feed(u, "file", "x.png", "binary", (const char *)YZF_PNG, 0,
                               sizeof YZF_PNG));
    assert_true(yz_upload_feed(u, "kind", NULL, NULL, "", 0, 0)); /* an empty field */
    yz_upload_finish(u, true);
    assert_int_equal(yz_upload_error(u, NULL), YZ_OK);
    size_t len = 0;
    assert_string_equal(yz_upload_text(u, "title", &len), "起诉状");
    assert_int_equal(len, 9);
    assert_string_equal(yz_upload_text(u, "matter_id", NULL), "12");
    assert_string_equal(yz_upload_text(u, "kind", NULL), "");
    assert_null(yz_upload_text(u, "other", NULL));
    assert_int_equal(yz_upload_text_count(u), 3);
    assert_string_equal(yz_upload_text_name(u, 1), "matter_id");
    assert_null(yz_upload_text_name(u, 3));

    /* The identity: the same upload with fields in another order is the same request. */
    struct yz_upload *v = yz_upload_new(dir, 4096);
    yz_upload_feed(v, "kind", NULL, NULL, "", 0, 0);
    yz_upload_feed(v, "file", "x.png", NULL, (const char *)YZF_PNG, 0, sizeof YZF_PNG);
    yz_upload_feed(v, "matter_id", NULL, NULL, "12", 0, 2);
    yz_upload_feed(v, "title", NULL, NULL, "起诉状", 0, 9);
    yz_upload_finish(v, true);
    struct yz_buf a = YZ_BUF_INIT(16384), b = YZ_BUF_INIT(16384);
    assert_true(yz_upload_identity(u, &a));
    assert_true(yz_upload_identity(v, &b));
    assert_string_equal(a.data, b.data);
    assert_non_null(strstr(a.data, yz_upload_sha256(u)));
    yz_upload_free(v);
    /* ... and another name or field value is another request. */
    v = yz_upload_new(dir, 4096);
    yz_upload_feed(v, "file", "y.png", NULL, (const char *)YZF_PNG, 0, sizeof YZF_PNG);
    yz_upload_feed(v, "matter_id", NULL, NULL, "12", 0, 2);
    yz_upload_feed(v, "title", NULL, NULL, "起诉状", 0, 9);
    yz_upload_feed(v, "kind", NULL, NULL, "", 0, 0);
    yz_upload_finish(v, true);
    yz_buf_reset(&b);
    assert_true(yz_upload_identity(v, &b));
    assert_string_not_equal(a.data, b.data);
    yz_buf_release(&a);
    yz_buf_release(&b);
    yz_upload_free(v);
    yz_upload_free(u);
}

static void sink_refusals(void **state)
{
    const char *detail;
    /* A second file part. */
    struct yz_upload *u = yz_upload_new(dir, 4096);
    assert_true(yz_upload_feed(u, "file", "a.pdf", NULL, "%PDF", 0, 4));
    assert_false(yz_upload_feed(u, "file", "b.pdf", NULL, "%PDF", 0, 4));
    assert_int_equal(yz_upload_error(u, &detail), YZ_ERR_BAD_REQUEST);
    assert_string_equal(detail, "每次只能上传一个文件");
    assert_int_equal(count_tmp(), 0);
    yz_upload_free(u);

    /* A file under another name. */
    u = yz_upload_new(dir, 4096);
    assert_false(yz_upload_feed(u, "evidence", "a.pdf", NULL, "%PDF", 0, 4));
    assert_int_equal(yz_upload_error(u, NULL), YZ_ERR_BAD_REQUEST);
    yz_upload_free(u);

    /* A field over 1 KiB. */
    char big[YZ_ATTACH_TEXT_PART_MAX + 1];
    memset(big, 'a', sizeof big);
    u = yz_upload_new(dir, 4096);
    assert_true(yz_upload_feed(u, "title", NULL, NULL, big, 0, YZ_ATTACH_TEXT_PART_MAX));
    assert_false(yz_upload_feed(u, "title", NULL, NULL, big, YZ_ATTACH_TEXT_PART_MAX, 1));
    assert_int_equal(yz_upload_error(u, NULL), YZ_ERR_PAYLOAD_TOO_LARGE);
    yz_upload_free(u);

    /* More than eight fields. */
    u = yz_upload_new(dir, 4096);
    for (int i = 0; i < YZ_ATTACH_TEXT_PARTS_MAX; i++) {
        char key[16];
        snprintf(key, sizeof key, "f%d", i);
        assert_true(yz_upload_feed(u, key, NULL, NULL, "v", 0, 1));
    }
    assert_false(yz_upload_feed(u, "one_more", NULL, NULL, "v", 0, 1));
    assert_int_equal(yz_upload_error(u, NULL), YZ_ERR_PAYLOAD_TOO_LARGE);
    yz_upload_free(u);

    /* A field sent twice; an over-long field name; a base64 part. */
    u = yz_upload_new(dir, 4096);
    assert_true(yz_upload_feed(u, "kind", NULL, NULL, "a", 0, 1));
    assert_false(yz_upload_feed(u, "kind", NULL, NULL, "b", 0, 1));
    assert_int_equal(yz_upload_error(u, NULL), YZ_ERR_BAD_REQUEST);
    yz_upload_free(u);
    char longkey[YZ_ATTACH_PART_NAME_MAX + 2];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    u = yz_upload_new(dir, 4096);
    assert_false(yz_upload_feed(u, longkey, NULL, NULL, "a", 0, 1));
    assert_int_equal(yz_upload_error(u, NULL), YZ_ERR_PAYLOAD_TOO_LARGE);
    yz_upload_free(u);
    u = yz_upload_new(dir, 4096);
    assert_false(yz_upload_feed(u, "file", "a.pdf", "base64", "JVBERg==", 0, 8));
    assert_int_equal(yz_upload_error(u, NULL), YZ_ERR_BAD_REQUEST);
    yz_upload_free(u);

    /* Framing that did not end properly. */
    u = yz_upload_new(dir, 4096);
    assert_true(yz_upload_feed(u, "file", "a.pdf", NULL, "%PDF", 0, 4));
    yz_upload_finish(u, false);
    assert_int_equal(yz_upload_error(u, NULL), YZ_ERR_BAD_REQUEST);
    assert_int_equal(count_tmp(), 0);
    yz_upload_free(u);

    /* No file at all is not the sink's error (the handler reports the field). */
    u = yz_upload_new(dir, 4096);
    assert_true(yz_upload_feed(u, "title", NULL, NULL, "x", 0, 1));
    yz_upload_finish(u, true);
    assert_int_equal(yz_upload_error(u, NULL), YZ_OK);
    assert_false(yz_upload_has_file(u));
    yz_upload_free(u);
    assert_int_equal(count_tmp(), 0);
}

/* ---- placing -------------------------------------------------------------- */

static void place_stores_by_hash_once(void **state)
{
    char mime[64], hex[65], path[512];
    struct yz_buf err = YZ_BUF_INIT(512);
    sha256_hex(YZF_PNG, sizeof YZF_PNG, hex);
    yz_attachments_blob_path(dir, hex, path, sizeof path);

    struct yz_upload *u = upload_of(YZF_PNG, sizeof YZF_PNG, "../../x.png", 10, 4096);
    assert_int_equal(yz_upload_place(u, mime, sizeof mime, &err), YZ_OK);
    assert_string_equal(mime, "image/png");
    assert_int_equal(count_tmp(), 0);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0400);
    assert_int_equal(st.st_size, sizeof YZF_PNG);
    yz_upload_free(u); /* placed content stays */
    assert_int_equal(lstat(path, &st), 0);

    /* The bytes on disk are the upload's. */
    unsigned char back[sizeof YZF_PNG];
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, back, sizeof back), sizeof back);
    close(fd);
    assert_memory_equal(back, YZF_PNG, sizeof back);

    /* The same bytes again: one file. */
    u = upload_of(YZF_PNG, sizeof YZF_PNG, "again.png", 64, 4096);
    assert_int_equal(yz_upload_place(u, mime, sizeof mime, &err), YZ_OK);
    yz_upload_free(u);
    assert_int_equal(count_blobs(), 1);
    assert_int_equal(count_tmp(), 0);

    /* Other bytes: another file. */
    u = upload_of(YZF_JPEG, sizeof YZF_JPEG, "b.jpg", 64, 4096);
    assert_int_equal(yz_upload_place(u, mime, sizeof mime, &err), YZ_OK);
    assert_string_equal(mime, "image/jpeg");
    yz_upload_free(u);
    assert_int_equal(count_blobs(), 2);
    yz_buf_release(&err);
}

static void place_refuses_pretenders(void **state)
{
    static const struct {
        const unsigned char *p;
        size_t n;
        const char *name, *type;
    } cases[] = {
        {YZF_HTML, sizeof YZF_HTML, "x.pdf", "text/html"},
        {YZF_SCRIPT, sizeof YZF_SCRIPT, "x.png", "text/x-shellscript"},
        {YZF_ELF, sizeof YZF_ELF, "x.png", "application/x-"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char mime[64];
        struct yz_buf err = YZ_BUF_INIT(512);
        struct yz_upload *u = upload_of(cases[i].p, cases[i].n, cases[i].name, 16, 4096);
        assert_int_equal(yz_upload_place(u, mime, sizeof mime, &err),
                         YZ_ERR_UNSUPPORTED_MEDIA_TYPE);
        assert_non_null(strstr(mime, cases[i].type));
        assert_non_null(strstr(err.data, cases[i].type)); /* the message names it */
        assert_non_null(strstr(err.data, "仅接受 PDF、JPEG、PNG"));
        yz_upload_free(u);
        yz_buf_release(&err);
        assert_int_equal(count_tmp(), 0);
        assert_int_equal(count_blobs(), 0);
    }
}

/* The type comes from the file's leading bytes as stored (read back at
 * placing): a PNG followed by more than YZ_ATTACH_SNIFF_BYTES of other bytes
 * is a PNG, placed whole; a PNG behind that many bytes of text is not. */
static void place_sniffs_the_leading_bytes(void **state)
{
    size_t pad = YZ_ATTACH_SNIFF_BYTES + 4096, n = sizeof YZF_PNG + pad;
    unsigned char *big = yz_malloc(n);
    char mime[64], hex[65], path[512];
    struct yz_buf err = YZ_BUF_INIT(512);

    memcpy(big, YZF_PNG, sizeof YZF_PNG);
    memset(big + sizeof YZF_PNG, 'x', pad);
    struct yz_upload *u = upload_of(big, n, "long.png", 4096, 1024 * 1024);
    assert_int_equal(yz_upload_place(u, mime, sizeof mime, &err), YZ_OK);
    assert_string_equal(mime, "image/png");
    yz_upload_free(u);
    sha256_hex(big, n, hex);
    yz_attachments_blob_path(dir, hex, path, sizeof path);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal((size_t)st.st_size, n);

    memset(big, 'x', pad);
    memcpy(big + pad, YZF_PNG, sizeof YZF_PNG);
    u = upload_of(big, n, "hidden.png", 4096, 1024 * 1024);
    assert_int_equal(yz_upload_place(u, mime, sizeof mime, &err), YZ_ERR_UNSUPPORTED_MEDIA_TYPE);
    assert_string_equal(mime, "text/plain");
    yz_upload_free(u);
    assert_int_equal(count_tmp(), 0);
    assert_int_equal(count_blobs(), 1);
    yz_buf_release(&err);
    free(big);
}

/* ---- the collector -------------------------------------------------------- */

static struct yz_sql_def q_user = YZ_SQL(
    "INSERT INTO users(role, phone_hash, name, person_kind, password_hash, created_at)"
    " VALUES ('party', lower(hex(randomblob(16))), '测试', 'natural', 'x', 0) RETURNING id");
static struct yz_sql_def q_row = YZ_SQL(
    "INSERT INTO attachments(sha256, size, mime, name, uploader_id, channel, created_at)"
    " VALUES (?, 1, 'application/pdf', 'a.pdf', ?, 'web', 0)");

static enum yz_err insert_row(struct yz_tx *tx, void *p)
{
    struct yz_stmt *st = yz_sql(tx, &q_user);
    bool row = false;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    int64_t user = yz_col_i64(st, 0);
    st = yz_sql(tx, &q_row);
    yz_bind_text(st, 1, p);
    yz_bind_i64(st, 2, user);
    return yz_exec(st);
}

/* Writes a content file named hex with the given age in seconds. */
static void plant(const char *rel, int age_s)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "x", 1), 1);
    close(fd);
    struct timespec ts[2];
    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= age_s;
    ts[1] = ts[0];
    assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static bool exists(const char *rel)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return lstat(path, &st) == 0;
}

static void collector_removes_only_orphans(void **state)
{
    char db[128];
    snprintf(db, sizeof db, "%s/yizhan.db", dir);
    struct yz_store_options o = {.path = db, .busy_timeout_ms = 1000, .max_rows = 10,
                                 .connections = 2};
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_app app;
    memset(&app, 0, sizeof app);
    assert_int_equal(yz_store_open(&o, &app.store, &err), YZ_OK);
    app.cfg.storage.dir = dir;

    /* Nothing uploaded yet: nothing to do. */
    int64_t removed = 0;
    assert_int_equal(yz_attachments_gc(&app, &removed), YZ_OK);
    assert_int_equal(removed, 0);

    char kept[65], orphan[65], fresh[65], rel[256];
    sha256_hex("kept", 4, kept);
    sha256_hex("orphan", 6, orphan);
    sha256_hex("fresh", 5, fresh);
    char d[256];
    snprintf(d, sizeof d, "%s/uploads", dir);
    mkdir(d, 0700);
    snprintf(d, sizeof d, "%s/uploads/tmp", dir);
    mkdir(d, 0700);
    snprintf(d, sizeof d, "%s/uploads/sha256", dir);
    mkdir(d, 0700);
    const char *hexes[] = {kept, orphan, fresh};
    for (int i = 0; i < 3; i++) {
        snprintf(d, sizeof d, "%s/uploads/sha256/%.2s", dir, hexes[i]);
        mkdir(d, 0700);
    }
    char rel_kept[256], rel_orphan[256], rel_fresh[256];
    snprintf(rel_kept, sizeof rel_kept, "uploads/sha256/%.2s/%s", kept, kept);
    snprintf(rel_orphan, sizeof rel_orphan, "uploads/sha256/%.2s/%s", orphan, orphan);
    snprintf(rel_fresh, sizeof rel_fresh, "uploads/sha256/%.2s/%s", fresh, fresh);
    plant(rel_kept, 7200);   /* old, referenced by a row */
    plant(rel_orphan, 7200); /* old, no row: a crash between rename and commit */
    plant(rel_fresh, 60);    /* no row yet, but just placed: its commit may be running */
    plant("uploads/tmp/0123456789abcdef0123456789abcdef", 7200); /* a crashed upload */
    plant("uploads/tmp/fedcba9876543210fedcba9876543210", 60);   /* an upload in progress */
    snprintf(rel, sizeof rel, "uploads/sha256/%.2s/not-a-hash", kept);
    plant(rel, 7200); /* not ours: never touched */
    assert_int_equal(yz_store_write(app.store, insert_row, kept), YZ_OK);

    removed = 5;
    assert_int_equal(yz_attachments_gc(&app, &removed), YZ_OK);
    assert_int_equal(removed, 5 + 2); /* added to */
    assert_true(exists(rel_kept));
    assert_false(exists(rel_orphan));
    assert_true(exists(rel_fresh));
    assert_false(exists("uploads/tmp/0123456789abcdef0123456789abcdef"));
    assert_true(exists("uploads/tmp/fedcba9876543210fedcba9876543210"));
    assert_true(exists(rel));

    /* A second pass finds nothing more. */
    removed = 0;
    assert_int_equal(yz_attachments_gc(&app, &removed), YZ_OK);
    assert_int_equal(removed, 0);
    yz_store_close(app.store);
    yz_buf_release(&err);
}

/* ---- the quota ------------------------------------------------------------ */

static struct yz_sql_def q_sized = YZ_SQL(
    "INSERT INTO attachments(sha256, size, mime, name, uploader_id, channel, created_at)"
    " VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', ?,"
    " 'application/pdf', 'a.pdf', ?, 'web', ?)");

struct quota_rows {
    int64_t user, size, at;
    int n;
};

static enum yz_err add_rows(struct yz_tx *tx, void *p)
{
    struct quota_rows *q = p;
    enum yz_err e = YZ_OK;
    if (!q->user) {
        struct yz_stmt *st = yz_sql(tx, &q_user);
        bool row = false;
        if ((e = yz_step(st, &row)) != YZ_OK)
            return e;
        q->user = yz_col_i64(st, 0);
    }
    for (int i = 0; e == YZ_OK && i < q->n; i++) {
        struct yz_stmt *st = yz_sql(tx, &q_sized);
        yz_bind_i64(st, 1, q->size);
        yz_bind_i64(st, 2, q->user);
        yz_bind_i64(st, 3, q->at);
        e = yz_exec(st);
    }
    return e;
}

struct quota_probe {
    struct yz_app *app;
    int64_t user, size;
};

static enum yz_err probe_tx(struct yz_tx *tx, void *p)
{
    struct quota_probe *q = p;
    struct yz_principal who = {.user_id = q->user, .role = YZ_ROLE_PARTY};
    return yz_attachments_precheck(tx, q->app, &who, 0, q->size, "test");
}

static enum yz_err quota_check(struct yz_app *app, int64_t user, int64_t size)
{
    struct quota_probe q = {app, user, size};
    return yz_store_read(app->store, probe_tx, &q);
}

static void quota_per_user_per_day(void **state)
{
    char db[128];
    snprintf(db, sizeof db, "%s/yizhan.db", dir);
    struct yz_store_options o = {.path = db, .busy_timeout_ms = 1000, .max_rows = 10,
                                 .connections = 2};
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_app app;
    memset(&app, 0, sizeof app);
    assert_int_equal(yz_store_open(&o, &app.store, &err), YZ_OK);
    int64_t now = yz_time_now_ms();

    /* Bytes: 500 MiB in a day, old uploads do not count. */
    struct quota_rows bytes = {.size = YZ_ATTACH_DAY_BYTES - 10, .at = now - 1000, .n = 1};
    assert_int_equal(yz_store_write(app.store, add_rows, &bytes), YZ_OK);
    struct quota_rows old = {.user = bytes.user, .size = 1 << 30, .at = now - 86400000LL - 1000,
                             .n = 1};
    assert_int_equal(yz_store_write(app.store, add_rows, &old), YZ_OK);
    assert_int_equal(quota_check(&app, bytes.user, 10), YZ_OK);
    assert_int_equal(quota_check(&app, bytes.user, 11), YZ_ERR_RATE_LIMITED);

    /* Count: 200 in a day; another user is not affected. */
    struct quota_rows count = {.size = 1, .at = now - 1000, .n = YZ_ATTACH_DAY_COUNT - 1};
    assert_int_equal(yz_store_write(app.store, add_rows, &count), YZ_OK);
    assert_int_equal(quota_check(&app, count.user, 1), YZ_OK);
    count.n = 1;
    assert_int_equal(yz_store_write(app.store, add_rows, &count), YZ_OK);
    assert_int_equal(quota_check(&app, count.user, 1), YZ_ERR_RATE_LIMITED);
    assert_int_equal(quota_check(&app, count.user + 1000, 1), YZ_OK);
    yz_store_close(app.store);
    yz_buf_release(&err);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(display_names),
        cmocka_unit_test(display_name_is_bounded),
        cmocka_unit_test(content_types),
        cmocka_unit_test(blob_paths),
        cmocka_unit_test(dispositions),
        cmocka_unit_test_setup_teardown(sink_hashes_and_streams, setup, teardown),
        cmocka_unit_test_setup_teardown(sink_enforces_max_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(sink_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(sink_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(place_stores_by_hash_once, setup, teardown),
        cmocka_unit_test_setup_teardown(place_refuses_pretenders, setup, teardown),
        cmocka_unit_test_setup_teardown(place_sniffs_the_leading_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(collector_removes_only_orphans, setup, teardown),
        cmocka_unit_test_setup_teardown(quota_per_user_per_day, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
