/*
 * Internet mail formatting for notification e-mail: the message the sender
 * hands to the SMTP relay. Pure functions of their arguments, so the exact
 * bytes can be tested without a relay.
 *
 * The message is always the same shape (RFC 5322, MIME RFC 2045-2047):
 *
 *   Date: Sun, 29 Nov 2026 22:57:29 +0800          (Asia/Shanghai)
 *   From: noreply@court.example.cn
 *   To: zhang.san@example.cn
 *   Subject: =?UTF-8?B?...?=                       (folded, see below)
 *   Message-ID: <...>
 *   MIME-Version: 1.0
 *   Content-Type: text/plain; charset=UTF-8
 *   Content-Transfer-Encoding: base64
 *
 *   <body: UTF-8 text with CRLF line breaks, base64, lines of 76 characters>
 *
 * Every line ends in CRLF and no line is longer than 76 characters, so the
 * message passes any relay unchanged (no 8-bit data, nothing to re-wrap).
 * Addresses are plain addr-specs without display names: the caller has
 * validated them (notify.h), so they hold no CR, LF, '<', '>' or blanks.
 */
#ifndef YZ_NOTIFY_MAIL_H
#define YZ_NOTIFY_MAIL_H

#include "core/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest line the builder writes, without CRLF (RFC 2047 section 2 asks 76 for
 * lines with encoded-words; RFC 2045 caps base64 lines at 76). */
#define YZ_MAIL_LINE_MAX 76

struct yz_mail {
    const char *from;       /* addr-spec */
    const char *to;         /* addr-spec */
    const char *subject;    /* valid UTF-8, no control characters */
    const char *body;       /* valid UTF-8; \n, \r\n or \r line breaks */
    int64_t date_ms;        /* UTC ms, shown in Asia/Shanghai (+0800) */
    const char *message_id; /* "<unique@domain>", angle brackets included */
};

/*
 * Appends "Name: " and value as RFC 2047 encoded-words (=?UTF-8?B?...?=),
 * folded with CRLF SP so that no line passes YZ_MAIL_LINE_MAX; every
 * encoded-word holds whole UTF-8 characters (RFC 2047 section 5), and the
 * header ends in CRLF. An empty value gives "Name: =?UTF-8?B??=". value must
 * be valid UTF-8 (not checked here). Returns false when out's maximum was
 * reached (out then holds a partial header: discard it).
 */
bool yz_mail_encode_header(const char *name, const char *value, struct yz_buf *out);

/* Appends "Sun, 29 Nov 2026 22:57:29 +0800" for UTC ms (RFC 5322 date-time). */
bool yz_mail_format_date(int64_t ms, struct yz_buf *out);

/*
 * Appends the whole message (headers, blank line, base64 body) to out.
 * Returns false when out's maximum was reached.
 */
bool yz_mail_build(const struct yz_mail *m, struct yz_buf *out);

#endif
