/*
 * Unit tests for yz_utf8_has_control (src/core/utf8.c): the one check of
 * entered text against control, bidirectional and invisible characters that
 * could break a line or make one name pass for another.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"

/* s as UTF-8: "张" + U+cp + "三". */
static size_t around(unsigned cp, char *out)
{
    char mid[5] = {0};
    if (cp < 0x80)
        mid[0] = (char)cp;
    else if (cp < 0x800) {
        mid[0] = (char)(0xc0 | cp >> 6);
        mid[1] = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        mid[0] = (char)(0xe0 | cp >> 12);
        mid[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        mid[2] = (char)(0x80 | (cp & 0x3f));
    } else {
        mid[0] = (char)(0xf0 | cp >> 18);
        mid[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        mid[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        mid[3] = (char)(0x80 | (cp & 0x3f));
    }
    return (size_t)snprintf(out, 32, "张%s三", mid);
}

static bool hidden(unsigned cp, bool multiline)
{
    char s[32];
    size_t n = around(cp, s);
    return yz_utf8_has_control(s, n, multiline);
}

static void bidi_controls_are_refused_everywhere(void **state)
{
    static const unsigned bidi[] = {0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c,
                                    0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069};
    for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++) {
        if (!hidden(bidi[i], false) || !hidden(bidi[i], true))
            fail_msg("U+%04X accepted", bidi[i]);
    }
    /* The classic: "invoice<RLO>fdp.exe" shows as "invoiceexe.pdf". */
    assert_true(yz_utf8_has_control("invoice\xe2\x80\xae" "fdp.exe", 17, false));
}

static void c0_and_c1_controls_are_refused_but_newlines_in_multiline_text(void **state)
{
    for (unsigned c = 1; c < 0x20; c++) { /* NUL: below */
        bool newline = c == '\n' || c == '\r' || c == '\t';
        if (!hidden(c, false))
            fail_msg("single-line: U+%04X accepted", c);
        if (hidden(c, true) != !newline)
            fail_msg("multi-line: U+%04X %s", c, newline ? "refused" : "accepted");
    }
    assert_true(hidden(0x7f, true));
    for (unsigned c = 0x80; c <= 0x9f; c++)
        if (!hidden(c, false) || !hidden(c, true))
            fail_msg("C1 U+%04X accepted", c);
}

static void invisible_format_characters_are_refused(void **state)
{
    static const unsigned cps[] = {0x00ad, 0x034f, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180e,
                                   0x200b, 0x200c, 0x2028, 0x2029, 0x2060, 0x2063, 0x206a,
                                   0x206f, 0x3164, 0xfeff, 0xffa0, 0xfff9, 0xfffb, 0x1d173,
                                   0xe0001, 0xe0041, 0xe007f};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++)
        if (!hidden(cps[i], false) || !hidden(cps[i], true))
            fail_msg("U+%04X accepted", cps[i]);
    /* A byte-order mark may start a multi-line text (a CSV table from Excel), nothing else. */
    assert_false(yz_utf8_has_control("\xef\xbb\xbf" "a,b\r\n", 8, true));
    assert_true(yz_utf8_has_control("\xef\xbb\xbf" "a,b", 6, false));
    assert_true(yz_utf8_has_control("a\xef\xbb\xbf" "b\n", 6, true));
    /* The zero-width joiner joins emoji in free text, never in a one-line name. */
    assert_true(hidden(0x200d, false));
    assert_false(hidden(0x200d, true));
}

static void ordinary_text_passes(void **state)
{
    static const char *const ok[] = {
        "张三", "欧阳修", "重庆示例商贸有限公司", "Zhang San", "O'Brien-Smith",
        "Ⅱ号楼　302室",                   /* U+3000 ideographic space, Roman numeral */
        "１２３ＡＢＣ",                     /* fullwidth forms are visible */
        "\xe2\x9d\xa4\xef\xb8\x8f",         /* ❤ + VS16 */
        "\xe8\xbe\xbb\xf3\xa0\x84\x80",     /* 辻 + an ideographic variation selector */
        "¥100·《民法典》", "é", "\xf0\x9f\x98\x80",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (yz_utf8_has_control(ok[i], strlen(ok[i]), false))
            fail_msg("refused: %s", ok[i]);
    assert_false(yz_utf8_has_control("第一行\n第二行\t完", strlen("第一行\n第二行\t完"), true));
    /* Emoji joined by a ZWJ in a message: 👨‍👩 */
    assert_false(yz_utf8_has_control("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", 11, true));
}

static void the_check_reads_only_n_bytes_and_survives_bad_utf8(void **state)
{
    /* A cut sequence at the end: not judged here (yz_utf8_valid refuses it), no overread. */
    assert_false(yz_utf8_has_control("ab\xe2\x80", 4, false));
    assert_false(yz_utf8_has_control("\xe2\x80\xae", 2, false));
    assert_false(yz_utf8_has_control("\xff\xfe\xc0\xaf", 4, false));
    /* ... but a complete RLO after garbage is still found. */
    assert_true(yz_utf8_has_control("\xff\xe2\x80\xae", 4, false));
    /* An embedded NUL is a control. */
    assert_true(yz_utf8_has_control("a\0b", 3, true));
}

/* The fast path over U+4000..U+9FFF: none of them is refused, and a broken
 * sequence there does not hide the control character after it. */
static void chinese_characters_pass_and_broken_ones_hide_nothing(void **state)
{
    char s[16];
    for (unsigned cp = 0x4000; cp <= 0x9fff; cp++) {
        size_t n = around(cp, s);
        assert_false(yz_utf8_has_control(s, n, false));
        assert_false(yz_utf8_has_control(s, n, true));
    }
    assert_true(yz_utf8_has_control("\xe6\x01\x95", 3, true));
    assert_true(yz_utf8_has_control("\xe6\xb3\x01", 3, true));
    assert_true(yz_utf8_has_control("\xe6\xb3\x95\x7f", 4, true));
    assert_true(yz_utf8_has_control("\xe9\xe2\x80\x8b", 4, false)); /* U+200B after a lone lead */
    assert_false(yz_utf8_has_control("\xe6\xb3", 2, false));          /* cut short: nothing read past n */
}

/* Printable ASCII is passed 8 bytes at a time: every ASCII byte, and a
 * zero-width space, at every offset of ASCII runs up to 24 bytes long, so
 * each lands in every place of a word and in the bytewise tail. */
static void every_byte_at_every_offset_of_ascii_runs(void **state)
{
    char s[32];
    for (size_t len = 1; len <= 24; len++)
        for (size_t at = 0; at < len; at++) {
            for (unsigned c = 0; c < 0x80; c++)
                for (int multiline = 0; multiline < 2; multiline++) {
                    memset(s, 'a', len);
                    s[at] = (char)c;
                    bool want = c == 0x7f ||
                                (c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t')));
                    if (yz_utf8_has_control(s, len, multiline) != want)
                        fail_msg("byte 0x%02x at %zu of %zu (multiline %d)", c, at, len, multiline);
                }
            if (at + 3 <= len) {
                memset(s, 'a', len);
                memcpy(s + at, "\xe2\x80\x8b", 3); /* U+200B */
                assert_true(yz_utf8_has_control(s, len, false));
                memcpy(s + at, "\xe6\xb3\x95", 3); /* 法 */
                assert_false(yz_utf8_has_control(s, len, false));
                memcpy(s + at, "\xc2\x85", 2); /* U+0085, a C1 control */
                assert_true(yz_utf8_has_control(s, len, true));
            }
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bidi_controls_are_refused_everywhere),
        cmocka_unit_test(c0_and_c1_controls_are_refused_but_newlines_in_multiline_text),
        cmocka_unit_test(invisible_format_characters_are_refused),
        cmocka_unit_test(ordinary_text_passes),
        cmocka_unit_test(the_check_reads_only_n_bytes_and_survives_bad_utf8),
        cmocka_unit_test(chinese_characters_pass_and_broken_ones_hide_nothing),
        cmocka_unit_test(every_byte_at_every_offset_of_ascii_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
