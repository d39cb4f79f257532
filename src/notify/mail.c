/*
 * Mail formatting. Everything non-ASCII travels base64-encoded (the subject
 * as RFC 2047 "B" encoded-words, the body as a base64 part), because relays
 * on the way need not support 8BITMIME or SMTPUTF8 and Chinese text must
 * arrive intact. Base64 comes from libsodium (the original alphabet).
 */
#include "notify/mail.h"
#include "core/clock.h"

#include <sodium.h>
#include <string.h>

#include "core/banned.h"

#define WORD_OPEN "=?UTF-8?B?"
#define WORD_CLOSE "?="
#define WORD_OVERHEAD (sizeof WORD_OPEN - 1 + sizeof WORD_CLOSE - 1)
/* 57 bytes encode to exactly 76 base64 characters. */
#define BODY_CHUNK 57

static bool add_base64(struct yz_buf *out, const unsigned char *p, size_t n)
{
    char enc[sodium_base64_ENCODED_LEN(BODY_CHUNK, sodium_base64_VARIANT_ORIGINAL)];
    if (n > BODY_CHUNK)
        return false;
    sodium_bin2base64(enc, sizeof enc, p, n, sodium_base64_VARIANT_ORIGINAL);
    return yz_buf_adds(out, enc);
}

/* Bytes of s[0..n) that fit in max bytes without splitting a UTF-8 character. */
static size_t whole_chars(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
        k--;
    return k;
}

/* Input bytes whose base64 fits in an encoded-word of at most room characters. */
static size_t word_bytes(size_t room)
{
    if (room <= WORD_OVERHEAD)
        return 0;
    return (room - WORD_OVERHEAD) / 4 * 3;
}

bool yz_mail_encode_header(const char *name, const char *value, struct yz_buf *out)
{
    size_t n = strlen(value), pos = 0;
    bool ok = yz_buf_addf(out, "%s:", name);
    size_t line = strlen(name) + 1; /* characters on the current line */
    /* The first word shares its line with the name; a UTF-8 character takes
     * up to 4 bytes, so start on a fresh line when less than that fits. */
    size_t first = word_bytes(YZ_MAIL_LINE_MAX - line - 1);
    if (first < 4 && n > 0) {
        ok = ok && yz_buf_adds(out, "\r\n");
        line = 0;
    }
    do {
        size_t room = YZ_MAIL_LINE_MAX - line - 1; /* after the blank */
        size_t take = whole_chars(value + pos, n - pos, word_bytes(room));
        if (take == 0 && pos < n) /* cannot happen with room >= 4 bytes; never loop */
            return false;
        ok = ok && yz_buf_adds(out, " " WORD_OPEN);
        for (size_t done = 0; ok && done < take; done += BODY_CHUNK) {
            size_t k = take - done < BODY_CHUNK ? take - done : BODY_CHUNK;
            ok = add_base64(out, (const unsigned char *)value + pos + done, k);
        }
        ok = ok && yz_buf_adds(out, WORD_CLOSE);
        pos += take;
        if (pos < n) {
            ok = ok && yz_buf_adds(out, "\r\n");
            line = 0;
        }
    } while (ok && pos < n);
    return ok && yz_buf_adds(out, "\r\n");
}

bool yz_mail_format_date(int64_t ms, struct yz_buf *out)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t local = ms + YZ_SHANGHAI_OFFSET_MS;
    int64_t day = local / 86400000, rem = local % 86400000;
    if (rem < 0) {
        rem += 86400000;
        day--;
    }
    struct yz_date d = yz_date_from_days(day);
    int64_t s = rem / 1000;
    return yz_buf_addf(out, "%s, %d %s %04d %02d:%02d:%02d +0800", days[yz_date_weekday(d)], d.day,
                       months[d.month - 1], d.year, (int)(s / 3600), (int)(s / 60 % 60),
                       (int)(s % 60));
}

/* The body in MIME canonical form: every line break CRLF (RFC 2045 6.8 encodes
 * text after converting it so). */
static bool canonical_text(const char *s, struct yz_buf *out)
{
    bool ok = true;
    for (; ok && *s; s++) {
        if (*s == '\r') {
            ok = yz_buf_adds(out, "\r\n");
            if (s[1] == '\n')
                s++;
        } else if (*s == '\n') {
            ok = yz_buf_adds(out, "\r\n");
        } else {
            ok = yz_buf_addc(out, *s);
        }
    }
    return ok;
}

bool yz_mail_build(const struct yz_mail *m, struct yz_buf *out)
{
    bool ok = yz_buf_adds(out, "Date: ") && yz_mail_format_date(m->date_ms, out) &&
              yz_buf_addf(out, "\r\nFrom: %s\r\nTo: %s\r\n", m->from, m->to) &&
              yz_mail_encode_header("Subject", m->subject, out) &&
              yz_buf_addf(out,
                          "Message-ID: %s\r\n"
                          "MIME-Version: 1.0\r\n"
                          "Content-Type: text/plain; charset=UTF-8\r\n"
                          "Content-Transfer-Encoding: base64\r\n"
                          "\r\n",
                          m->message_id);
    struct yz_buf text = YZ_BUF_INIT(out->max);
    ok = ok && canonical_text(m->body, &text);
    for (size_t pos = 0; ok && pos < text.len; pos += BODY_CHUNK) {
        size_t k = text.len - pos < BODY_CHUNK ? text.len - pos : BODY_CHUNK;
        ok = add_base64(out, (const unsigned char *)text.data + pos, k) &&
             yz_buf_adds(out, "\r\n");
    }
    yz_buf_release(&text);
    return ok;
}
