/* Unit tests for src/core/buf.c, utf8.c, num.c, clock.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/num.h"
#include "core/utf8.h"

static void buf_respects_max(void **state)
{
    struct yz_buf b = YZ_BUF_INIT(8);
    assert_string_equal(b.data, "");
    assert_true(yz_buf_adds(&b, "abcd"));
    assert_true(yz_buf_addf(&b, "%d", 123));
    assert_string_equal(b.data, "abcd123");
    assert_false(yz_buf_adds(&b, "xy")); /* would be 9 > 8 */
    assert_string_equal(b.data, "abcd123");
    assert_true(yz_buf_addc(&b, 'z'));
    assert_int_equal(b.len, 8);
    yz_buf_release(&b);
    assert_string_equal(b.data, "");
    /* Reserving: within max the room is there and appends stay in place; past
     * max it fails and changes nothing. */
    struct yz_buf r = YZ_BUF_INIT(100);
    assert_false(yz_buf_reserve(&r, 101));
    assert_int_equal(r.cap, 0);
    assert_true(yz_buf_reserve(&r, 100));
    assert_true(r.cap >= 101);
    assert_string_equal(r.data, "");
    const char *at = r.data;
    for (int i = 0; i < 100; i++)
        assert_true(yz_buf_addc(&r, 'x'));
    assert_ptr_equal(r.data, at);
    assert_false(yz_buf_reserve(&r, 1));
    assert_int_equal(r.len, 100);
    yz_buf_release(&r);
}

static void utf8_validation(void **state)
{
    assert_true(yz_utf8_valid("重庆市渝中区", strlen("重庆市渝中区")));
    assert_int_equal(yz_utf8_count("重庆a", strlen("重庆a")), 3);
    assert_false(yz_utf8_valid("\xc0\xaf", 2));         /* overlong */
    assert_false(yz_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
    assert_false(yz_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(yz_utf8_valid("\xe9\x87", 2));         /* truncated */
    assert_true(yz_utf8_has_control("a\x01", 2, true));
    assert_false(yz_utf8_has_control("a\nb", 3, true));
    assert_true(yz_utf8_has_control("a\nb", 3, false));
}

/* yz_utf8_valid as it was before its fast paths (ASCII words, common 3-byte
 * sequences): every sequence decoded and judged. */
static bool utf8_valid_by_decoding(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], cp;
        size_t len;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            len = 2, cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3, cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4, cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

/* The fast paths judge as the decoding does: every string of 1 to 3 bytes,
 * each after an ASCII prefix of 0 to 9 bytes (so it lands on every offset of
 * the 8-byte ASCII scan), and random strings from pieces of every kind. */
static void utf8_fast_paths_judge_as_decoding(void **state)
{
    (void)state;
    unsigned char b[16];
    for (uint32_t v = 0; v < (1u << 24); v++) {
        b[0] = (unsigned char)(v >> 16), b[1] = (unsigned char)(v >> 8), b[2] = (unsigned char)v;
        for (size_t n = 1; n <= 3; n++) {
            if (n < 3 && (v & ((1u << (8 * (3 - n))) - 1)) != 0)
                continue; /* shorter strings once each */
            if (yz_utf8_valid((const char *)b, n) != utf8_valid_by_decoding(b, n))
                fail_msg("bytes %06x, length %zu", (unsigned)v, n);
        }
    }
    static const char *const pieces[] = {
        "a", "abcdefgh", "\n", "\x7f", "\xc2\xad", "\xc0\xaf", "\xe6\xb3\x95", "\xe0\xa0\x80",
        "\xe0\x80\x80", "\xed\x9f\xbf", "\xed\xa0\x80", "\xef\xbf\xbf", "\xe1\x80\x80",
        "\xf0\x9f\x98\x80", "\xf4\x90\x80\x80", "\xe6\xb3", "\x80", "\xff", "\xe9"};
    uint64_t x = 88172645463325252u;
    char text[256];
    for (int i = 0; i < 200000; i++) {
        size_t n = 0;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        for (int k = (int)(x % 12); k > 0; k--) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            const char *p = pieces[x % (sizeof pieces / sizeof pieces[0])];
            memcpy(text + n, p, strlen(p));
            n += strlen(p);
        }
        if (yz_utf8_valid(text, n) != utf8_valid_by_decoding((const unsigned char *)text, n))
            fail_msg("string %d of %zu bytes", i, n);
    }
    for (size_t pre = 0; pre <= 9; pre++) {
        memset(b, 'a', pre);
        memcpy(b + pre, "\xed\xa0\x80", 3);
        assert_false(yz_utf8_valid((const char *)b, pre + 3));
        memcpy(b + pre, "\xe6\xb3\x95", 3);
        assert_true(yz_utf8_valid((const char *)b, pre + 3));
        assert_false(yz_utf8_valid((const char *)b, pre + 2));
    }
}

static void utf8_trim_never_leaves_half_a_character(void **state)
{
    char s[16];
    /* "重庆" is 6 bytes; cut after 4 and 5 bytes the 2nd character is incomplete. */
    for (size_t cut = 0; cut <= 6; cut++) {
        memcpy(s, "重庆", 6);
        s[cut] = '\0';
        yz_utf8_trim(s);
        assert_true(yz_utf8_valid(s, strlen(s)));
        assert_int_equal(strlen(s), cut < 3 ? 0 : cut < 6 ? 3 : 6);
    }
    char a[] = "abc";
    yz_utf8_trim(a);
    assert_string_equal(a, "abc");
}

static void number_parsing(void **state)
{
    int64_t v;
    assert_true(yz_parse_i64("42", 1, 100, &v));
    assert_int_equal(v, 42);
    assert_false(yz_parse_i64("042", 1, 100, &v));
    assert_false(yz_parse_i64("101", 1, 100, &v));
    assert_false(yz_parse_i64("4x", 1, 100, &v));
    assert_false(yz_parse_i64(" 4", 1, 100, &v));
    assert_false(yz_parse_i64("", 1, 100, &v));
    assert_false(yz_parse_i64("99999999999999999999", 1, INT64_MAX, &v));
    assert_true(yz_parse_i64("-5", -10, 10, &v));
    assert_int_equal(v, -5);
}

static void dates_and_times(void **state)
{
    struct yz_date d;
    assert_true(yz_date_parse("2024-02-29", &d));
    assert_false(yz_date_parse("2025-02-29", &d));
    assert_false(yz_date_parse("2025-13-01", &d));
    assert_false(yz_date_parse("2025-1-01", &d));
    assert_true(yz_date_parse("2026-11-29", &d));
    assert_int_equal(yz_date_weekday(d), 0); /* a Sunday */
    struct yz_date back = yz_date_from_days(yz_date_to_days(d));
    assert_int_equal(back.year, 2026);
    assert_int_equal(back.month, 11);
    assert_int_equal(back.day, 29);
    char out[40];
    /* 2026-11-29T16:30:00Z is 2026-11-30 00:30 in Shanghai. */
    int64_t ms = (yz_date_to_days(d) * 86400 + 16 * 3600 + 30 * 60) * 1000LL;
    yz_time_format_utc(ms, out, sizeof out);
    assert_string_equal(out, "2026-11-29T16:30:00.000Z");
    yz_time_format_shanghai(ms, out, sizeof out);
    assert_string_equal(out, "2026-11-30T00:30:00+08:00");
    assert_int_equal(yz_date_of_shanghai(ms).day, 30);
    /* "Today" is Shanghai's date: already the 30th at 16:30 UTC on the 29th. */
    yz_time_set_fake(ms);
    yz_today_text(out, sizeof out);
    yz_time_set_fake(0);
    assert_string_equal(out, "2026-11-30");
}

/* The digit-by-digit UTC form is what the printf form gives, from year 0 to
 * 9999 (outside it, and into a short buffer, the printf form is used). */
static void utc_format_matches_printf(void **state)
{
    (void)state;
    const int64_t year0 = -62167219200000LL, year10000 = 253402300800000LL;
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t ms = year0 + (int64_t)(x % (uint64_t)(year10000 - year0));
        if (i < 4) /* the ends and the epoch */
            ms = i == 0 ? year0 : i == 1 ? year10000 - 1 : i == 2 ? 0 : -1;
        struct yz_date d = yz_date_from_days(ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000));
        int64_t rem = ms - yz_date_to_days(d) * 86400000;
        char want[40], got[40];
        snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", d.year, d.month, d.day,
                 (int)(rem / 3600000), (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
                 (int)(rem % 1000));
        yz_time_format_utc(ms, got, sizeof got);
        assert_string_equal(got, want);
    }
    char small[8];
    yz_time_format_utc(0, small, sizeof small);
    assert_string_equal(small, "1970-01");
}

/* The digit-by-digit date is the printf form, for every day from year 0 to
 * 9999; out-of-range fields and short buffers take the printf form. */
static void date_format_matches_printf(void **state)
{
    (void)state;
    const int64_t first = yz_date_to_days((struct yz_date){0, 1, 1}),
                  last = yz_date_to_days((struct yz_date){9999, 12, 31});
    char want[40], got[40];
    for (int64_t days = first; days <= last; days++) {
        struct yz_date d = yz_date_from_days(days);
        snprintf(want, sizeof want, "%04d-%02d-%02d", d.year, d.month, d.day);
        yz_date_format(d, got, sizeof got);
        assert_string_equal(got, want);
    }
    const struct yz_date odd[] = {{-1, 1, 1}, {10000, 1, 1}, {2026, 0, 0}, {2026, 100, 7}};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        snprintf(want, sizeof want, "%04d-%02d-%02d", odd[i].year, odd[i].month, odd[i].day);
        yz_date_format(odd[i], got, sizeof got);
        assert_string_equal(got, want);
    }
    char small[8];
    yz_date_format((struct yz_date){2026, 11, 30}, small, sizeof small);
    assert_string_equal(small, "2026-11");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buf_respects_max),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(utf8_fast_paths_judge_as_decoding),
        cmocka_unit_test(utc_format_matches_printf),
        cmocka_unit_test(date_format_matches_printf),
        cmocka_unit_test(utf8_trim_never_leaves_half_a_character),
        cmocka_unit_test(number_parsing),
        cmocka_unit_test(dates_and_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
