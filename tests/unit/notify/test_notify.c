/*
 * Unit tests for src/notify: e-mail address validation and masking, RFC 2047
 * header encoding, the RFC 5322 date, the whole message (headers, base64 body
 * with lines of at most 76 characters, decoding back to the text with CRLF
 * line breaks), the retry schedule, and the SMS request signature.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "notify/mail.h"
#include "notify/notify.h"
#include "notify/sender.h"

/* ---- addresses ---- */

static const char *check(const char *s, char out[YZ_NOTIFY_EMAIL_SIZE])
{
    return yz_notify_email_normalise(s, strlen(s), out);
}

static void good_addresses(void **state)
{
    char out[YZ_NOTIFY_EMAIL_SIZE];
    const char *good[] = {
        "zhang.san@example.cn",   "a@b.co",
        "x+tag@mail.court.gov.cn", "o'brien@example.com",
        "first_last-1@sub-domain.example.org", "!#$%&'*+-/=?^_`{|}~@example.cn",
        "user@xn--fiqs8s.cn",      "u@123.example.cn",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        const char *p = check(good[i], out);
        if (p)
            fail_msg("%s rejected: %s", good[i], p);
        assert_string_equal(out, good[i]);
    }
    /* the domain is lower-cased, the local part kept */
    assert_null(check("Zhang.San@Example.CN", out));
    assert_string_equal(out, "Zhang.San@example.cn");
}

static void bad_addresses(void **state)
{
    char out[YZ_NOTIFY_EMAIL_SIZE];
    assert_string_equal(check("", out), "required");
    const char *bad[] = {
        "plain",          "@example.cn",        "a@",            "a@b",
        "a@@b.cn",        "a b@example.cn",     "a@exa mple.cn", ".a@example.cn",
        "a.@example.cn",  "a..b@example.cn",    "a@-b.cn",       "a@b-.cn",
        "a@b..cn",        "a@.b.cn",            "a@b.cn.",       "a@10.0.0.1",
        "a@[10.0.0.1]",   "\"a b\"@example.cn", "a(c)@example.cn", "a,b@example.cn",
        "张三@example.cn", "a@例子.cn",          "a\r\nRCPT TO:<x@y.cn>@example.cn",
        "a@b.cn\n",       "a<b@example.cn",     "a@b_c.cn",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *p = check(bad[i], out);
        if (!p || strcmp(p, "format") != 0)
            fail_msg("\"%s\" gave %s, not format", bad[i], p ? p : "ok");
        assert_string_equal(out, "");
    }
    /* an embedded NUL */
    assert_string_equal(yz_notify_email_normalise("a\0b@example.cn", 14, out), "format");

    /* bounds: local part 64, label 63, whole address 254 */
    char s[400];
    memset(s, 'a', 64);
    snprintf(s + 64, sizeof s - 64, "@example.cn");
    assert_null(check(s, out));
    memset(s, 'a', 65);
    snprintf(s + 65, sizeof s - 65, "@example.cn");
    assert_string_equal(check(s, out), "format");
    char label[64];
    memset(label, 'b', 63);
    label[63] = '\0';
    snprintf(s, sizeof s, "a@%s.cn", label);
    assert_null(check(s, out));
    snprintf(s, sizeof s, "a@%sb.cn", label);
    assert_string_equal(check(s, out), "format");
    /* 254 bytes: a 64-byte local part and a 189-byte domain */
    memset(label, 'c', 61);
    label[61] = '\0';
    char local[65];
    memset(local, 'd', 64);
    local[64] = '\0';
    snprintf(s, sizeof s, "%s@%s.%s.%s.com", local, label, label, label);
    assert_int_equal(strlen(s), 254);
    assert_null(check(s, out));
    snprintf(s, sizeof s, "%s@%s.%s.%s.comm", local, label, label, label);
    assert_string_equal(check(s, out), "too_long");
    assert_non_null(strstr(yz_notify_email_problem_message("too_long"), "254"));
}

static void masking(void **state)
{
    char out[YZ_NOTIFY_EMAIL_SIZE];
    yz_notify_mask_email("zhang.san@example.cn", out);
    assert_string_equal(out, "z***@example.cn");
    yz_notify_mask_email("a@b.cn", out);
    assert_string_equal(out, "a***@b.cn");
    yz_notify_mask_email("no-at-sign", out);
    assert_string_equal(out, "***");
    yz_notify_mask_email("@b.cn", out);
    assert_string_equal(out, "***");
}

/* ---- RFC 2047 ---- */

/* Checks the folded header in h (starting "Name:") and returns the decoded
 * value (caller frees): every line at most 76 characters and ending in CRLF,
 * continuation lines starting with a blank, each word a complete
 * =?UTF-8?B?...?= holding whole UTF-8 characters. */
static char *decode_header(const char *h, const char *name)
{
    size_t nlen = strlen(name);
    assert_int_equal(strncmp(h, name, nlen), 0);
    assert_int_equal(h[nlen], ':');
    struct yz_buf out = YZ_BUF_INIT(1 << 20);
    const char *p = h + nlen + 1;
    const char *line = h;
    while (*p) {
        if (p[0] == '\r') {
            assert_int_equal(p[1], '\n');
            assert_true(p - line <= YZ_MAIL_LINE_MAX);
            p += 2;
            line = p;
            if (!*p)
                break;
            assert_int_equal(*p, ' '); /* folded: the next line continues the header */
            continue;
        }
        assert_int_equal(*p, ' ');
        p++;
        assert_int_equal(strncmp(p, "=?UTF-8?B?", 10), 0);
        p += 10;
        const char *end = strstr(p, "?=");
        assert_non_null(end);
        unsigned char bin[256];
        size_t bn = 0;
        assert_int_equal(sodium_base642bin(bin, sizeof bin, p, (size_t)(end - p), NULL, &bn, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        assert_true(yz_utf8_valid((const char *)bin, bn)); /* whole characters per word */
        yz_buf_add(&out, bin, bn);
        p = end + 2;
    }
    assert_int_equal(p[-1], '\n');
    return yz_buf_detach(&out, NULL);
}

static void encoded_words(void **state)
{
    struct yz_buf b = YZ_BUF_INIT(1 << 16);
    assert_true(yz_mail_encode_header("Subject", "你好", &b));
    assert_string_equal(b.data, "Subject: =?UTF-8?B?5L2g5aW9?=\r\n");

    const char *subjects[] = {
        "您的一站式诉讼服务平台通知邮箱已设置",
        "Plain ASCII subject that is long enough to need folding across more than one line of "
        "the header, surely",
        "调解通知：（2026）渝0103民诉前调1234号 张某与李某民间借贷纠纷 定于2026年12月1日上午9时"
        "在线调解🙂🙂🙂，请准时参加。如不能参加，请提前告知调解员。",
        "",
    };
    for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
        yz_buf_reset(&b);
        assert_true(yz_mail_encode_header("Subject", subjects[i], &b));
        char *v = decode_header(b.data, "Subject");
        assert_string_equal(v, subjects[i]);
        free(v);
    }
    /* a 200-character subject (the limit) folds into many words */
    struct yz_buf s = YZ_BUF_INIT(4096);
    for (int i = 0; i < 200; i++)
        yz_buf_adds(&s, i % 7 ? "诉" : "a");
    yz_buf_reset(&b);
    assert_true(yz_mail_encode_header("Subject", s.data, &b));
    char *v = decode_header(b.data, "Subject");
    assert_string_equal(v, s.data);
    free(v);
    /* a long header name still keeps lines within 76 characters */
    yz_buf_reset(&b);
    assert_true(yz_mail_encode_header("X-A-Very-Long-Header-Name-For-Testing-The-Folding-Rule-Here-0123",
                                      "诉讼服务", &b));
    v = decode_header(b.data, "X-A-Very-Long-Header-Name-For-Testing-The-Folding-Rule-Here-0123");
    assert_string_equal(v, "诉讼服务");
    free(v);
    /* out of room: false, never a crash */
    struct yz_buf small = YZ_BUF_INIT(20);
    assert_false(yz_mail_encode_header("Subject", s.data, &small));
    yz_buf_release(&small);
    yz_buf_release(&s);
    yz_buf_release(&b);
}

static void dates(void **state)
{
    struct yz_buf b = YZ_BUF_INIT(64);
    assert_true(yz_mail_format_date(INT64_C(1795964249000), &b));
    assert_string_equal(b.data, "Sun, 29 Nov 2026 22:57:29 +0800");
    yz_buf_reset(&b);
    assert_true(yz_mail_format_date(INT64_C(1772381109999), &b)); /* crosses midnight in +0800 */
    assert_string_equal(b.data, "Mon, 2 Mar 2026 00:05:09 +0800");
    yz_buf_reset(&b);
    assert_true(yz_mail_format_date(0, &b));
    assert_string_equal(b.data, "Thu, 1 Jan 1970 08:00:00 +0800");
    yz_buf_release(&b);
}

/* ---- the message ---- */

static void message(void **state)
{
    /* a body of several lines with all three line-break forms, long enough
     * for many base64 lines, with Chinese text */
    struct yz_buf body = YZ_BUF_INIT(1 << 16), want = YZ_BUF_INIT(1 << 16);
    for (int i = 0; i < 40; i++) {
        yz_buf_addf(&body, "第%d行：调解定于明日上午九时在线进行。%s", i,
                    i % 3 == 0 ? "\n" : i % 3 == 1 ? "\r\n" : "\r");
        yz_buf_addf(&want, "第%d行：调解定于明日上午九时在线进行。\r\n", i);
    }
    struct yz_mail m = {
        .from = "noreply@court.example.cn",
        .to = "zhang.san@example.cn",
        .subject = "您的一站式诉讼服务平台通知邮箱已设置",
        .body = body.data,
        .date_ms = INT64_C(1795964249000),
        .message_id = "<42.0123456789abcdef@court.example.cn>",
    };
    struct yz_buf out = YZ_BUF_INIT(1 << 20);
    assert_true(yz_mail_build(&m, &out));

    const char *sep = strstr(out.data, "\r\n\r\n");
    assert_non_null(sep);
    char *head = strndup(out.data, (size_t)(sep - out.data) + 2);
    const char *expect_start = "Date: Sun, 29 Nov 2026 22:57:29 +0800\r\n"
                               "From: noreply@court.example.cn\r\n"
                               "To: zhang.san@example.cn\r\n"
                               "Subject: ";
    assert_int_equal(strncmp(head, expect_start, strlen(expect_start)), 0);
    const char *subj = strstr(head, "Subject:");
    const char *mid = strstr(head, "Message-ID: ");
    assert_non_null(mid);
    char *subject_header = strndup(subj, (size_t)(mid - subj));
    char *subject = decode_header(subject_header, "Subject");
    assert_string_equal(subject, m.subject);
    assert_string_equal(mid, "Message-ID: <42.0123456789abcdef@court.example.cn>\r\n"
                             "MIME-Version: 1.0\r\n"
                             "Content-Type: text/plain; charset=UTF-8\r\n"
                             "Content-Transfer-Encoding: base64\r\n");

    /* every line of the whole message: CRLF-terminated, at most 76 characters, ASCII */
    for (const char *line = out.data; *line;) {
        const char *eol = strstr(line, "\r\n");
        assert_non_null(eol);
        assert_true(eol - line <= YZ_MAIL_LINE_MAX);
        for (const char *c = line; c < eol; c++)
            assert_true((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f);
        line = eol + 2;
    }

    /* the body: full lines of exactly 76, then the rest; decodes to the text in CRLF form */
    const char *b64 = sep + 4;
    struct yz_buf joined = YZ_BUF_INIT(1 << 20);
    int lines = 0;
    for (const char *line = b64; *line; lines++) {
        const char *eol = strstr(line, "\r\n");
        size_t n = (size_t)(eol - line);
        if (eol[2])
            assert_int_equal(n, 76);
        else
            assert_true(n > 0 && n <= 76);
        yz_buf_add(&joined, line, n);
        line = eol + 2;
    }
    assert_true(lines > 10);
    unsigned char *dec = malloc(joined.len);
    size_t dn = 0;
    assert_int_equal(sodium_base642bin(dec, joined.len, joined.data, joined.len, NULL, &dn, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    assert_int_equal(dn, want.len);
    assert_memory_equal(dec, want.data, want.len);

    /* a message over the buffer's maximum is refused, not cut */
    struct yz_buf small = YZ_BUF_INIT(1024);
    assert_false(yz_mail_build(&m, &small));

    free(dec);
    free(subject);
    free(subject_header);
    free(head);
    yz_buf_release(&small);
    yz_buf_release(&joined);
    yz_buf_release(&out);
    yz_buf_release(&body);
    yz_buf_release(&want);
}

/* ---- retries ---- */

static void backoff_schedule(void **state)
{
    /* RULE: notify-backoff — base * 2^(n-1), at most an hour, 10 attempts in all */
    const int64_t want[] = {10000, 20000, 40000, 80000, 160000, 320000, 640000, 1280000, 2560000};
    for (int n = 1; n <= 9; n++)
        assert_int_equal(yz_notify_backoff_ms(n, 10000), want[n - 1]);
    assert_int_equal(yz_notify_backoff_ms(10, 10000), -1);
    assert_int_equal(yz_notify_backoff_ms(11, 10000), -1);
    assert_int_equal(yz_notify_backoff_ms(3, 1000000), YZ_NOTIFY_BACKOFF_CAP_MS);
    assert_int_equal(yz_notify_backoff_ms(9, 3600000), YZ_NOTIFY_BACKOFF_CAP_MS);
    assert_int_equal(yz_notify_backoff_ms(1, 3600000), YZ_NOTIFY_BACKOFF_CAP_MS);
    assert_int_equal(yz_notify_backoff_ms(1, 200), 200);
    assert_int_equal(yz_notify_backoff_ms(2, 200), 400);
    /* the total wait before giving up with the default base: 5110 s */
    int64_t total = 0;
    for (int n = 1; yz_notify_backoff_ms(n, 10000) >= 0; n++)
        total += yz_notify_backoff_ms(n, 10000);
    assert_int_equal(total, INT64_C(5110000));
}

static void sms_signature(void **state)
{
    unsigned char key[32];
    memset(key, 'k', sizeof key);
    char hex[65];
    const char *body = "{\"id\":7}";
    yz_notify_sms_sign(key, sizeof key, 1700000000, body, strlen(body), hex);
    /* python3: hmac.new(b'k'*32, b'1700000000\n{"id":7}', hashlib.sha256).hexdigest() */
    assert_string_equal(hex, "d5fee7ac5dab1a2a46eb6163aea60ac36780581b19099887f68d3930081249d3");
    char other[65];
    yz_notify_sms_sign(key, sizeof key, 1700000001, body, strlen(body), other);
    assert_string_not_equal(hex, other);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_addresses), cmocka_unit_test(bad_addresses),
        cmocka_unit_test(masking),        cmocka_unit_test(encoded_words),
        cmocka_unit_test(dates),          cmocka_unit_test(message),
        cmocka_unit_test(backoff_schedule), cmocka_unit_test(sms_signature),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
