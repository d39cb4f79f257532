/*
 * Unit tests for src/core/idnum.c. Check characters for synthetic numbers are
 * computed here from the formulas in the shared id_rules.json (weights derived, not
 * copied from idnum.c), so the tests cross-check the tables in the code.
 * Inputs are passed in heap copies without a terminating NUL, so ASan reports
 * any read past the given length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/idnum.h"
#include "core/utf8.h"

static const struct yz_date today = {2026, 11, 29};

/* An exact-length heap copy of s (n bytes, no NUL after it). */
static char *heap_copy(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    memcpy(p, s, n);
    return p;
}

static enum yz_idnum_problem citizen_n(const char *s, size_t n, struct yz_date on,
                                       struct yz_idnum_citizen *out)
{
    char *p = heap_copy(s, n);
    enum yz_idnum_problem r = yz_idnum_citizen_check(p, n, on, out);
    free(p);
    return r;
}

static enum yz_idnum_problem citizen(const char *s)
{
    return citizen_n(s, strlen(s), today, NULL);
}

static enum yz_idnum_problem uscc(const char *s)
{
    size_t n = strlen(s);
    char *p = heap_copy(s, n);
    enum yz_idnum_problem r = yz_idnum_uscc_check(p, n);
    free(p);
    return r;
}

static enum yz_idnum_problem uscc_org(const char *s)
{
    size_t n = strlen(s);
    char *p = heap_copy(s, n);
    enum yz_idnum_problem r = yz_idnum_uscc_check_org_code(p, n);
    free(p);
    return r;
}

static enum yz_idnum_problem mobile(const char *s)
{
    size_t n = strlen(s);
    char *p = heap_copy(s, n);
    enum yz_idnum_problem r = yz_idnum_mobile_check(p, n);
    free(p);
    return r;
}

static enum yz_idnum_problem licence(const char *s)
{
    size_t n = strlen(s);
    char *p = heap_copy(s, n);
    enum yz_idnum_problem r = yz_idnum_lawyer_licence_check(p, n);
    free(p);
    return r;
}

/* ISO 7064 MOD 11-2 from its definition: the 18 values weighted by
 * 2^(18-i) mod 11 sum to 1 (mod 11). Returns the check character for 17 digits. */
static char ref_citizen_check(const char *s)
{
    int sum = 0, w = 1;
    int weights[18];
    for (int i = 17; i >= 0; i--) {
        weights[i] = w;
        w = w * 2 % 11;
    }
    for (int i = 0; i < 17; i++)
        sum += (s[i] - '0') * weights[i];
    for (int c = 0; c <= 10; c++)
        if ((sum + c * weights[17]) % 11 == 1)
            return c == 10 ? 'X' : (char)('0' + c);
    fail_msg("no check character");
    return '?';
}

/* A synthetic citizen ID with a correct check character. */
static void make_id(char out[19], const char *region6, const char *birth8, const char *seq3)
{
    memcpy(out, region6, 6);
    memcpy(out + 6, birth8, 8);
    memcpy(out + 14, seq3, 3);
    out[17] = ref_citizen_check(out);
    out[18] = '\0';
}

static const char uscc_charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int ref_uscc_value(char c)
{
    const char *p = strchr(uscc_charset, c);
    return p && c ? (int)(p - uscc_charset) : -1;
}

/* GB 32100 check from its definition: W_i = 3^(i-1) mod 31, C = 31 - sum mod 31, 31 -> 0. */
static char ref_uscc_check(const char *s)
{
    int sum = 0, w = 1;
    for (int i = 0; i < 17; i++) {
        sum += ref_uscc_value(s[i]) * w;
        w = w * 3 % 31;
    }
    int c = 31 - sum % 31;
    return uscc_charset[c == 31 ? 0 : c];
}

/* GB 11714 check of the 8-character body at s. */
static char ref_org_check(const char *s)
{
    static const int weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        int v = s[i] >= 'A' ? s[i] - 'A' + 10 : s[i] - '0';
        sum += v * weights[i];
    }
    int c = 11 - sum % 11;
    return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

/* RULE: gb11643-checksum, gb11643-format */
static void citizen_valid_examples(void **state)
{
    /* The sample printed in GB 11643-1999 (see data/NOTES.md). */
    assert_int_equal(ref_citizen_check("11010519491231002"), 'X');
    struct yz_idnum_citizen id;
    assert_int_equal(citizen_n("11010519491231002X", 18, today, &id), YZ_IDNUM_OK);
    assert_string_equal(id.number, "11010519491231002X");
    assert_string_equal(id.region, "110105");
    assert_int_equal(id.birth.year, 1949);
    assert_int_equal(id.birth.month, 12);
    assert_int_equal(id.birth.day, 31);
    assert_int_equal(id.sex, YZ_IDNUM_SEX_FEMALE); /* 17th digit 2 */

    char n[19];
    make_id(n, "500103", "19900101", "123");
    assert_int_equal(citizen_n(n, 18, today, &id), YZ_IDNUM_OK);
    assert_string_equal(id.number, n);
    assert_string_equal(id.region, "500103");
    assert_int_equal(id.sex, YZ_IDNUM_SEX_MALE); /* 17th digit 3 */
    assert_int_equal(id.birth.year, 1990);

    /* Every remainder, including the one written X, across many sequence codes. */
    int seen_x = 0;
    for (int seq = 0; seq < 1000; seq++) {
        char s3[4] = {(char)('0' + seq / 100), (char)('0' + seq / 10 % 10), (char)('0' + seq % 10),
                      0};
        make_id(n, "500103", "20000229", s3);
        seen_x += n[17] == 'X';
        assert_int_equal(citizen(n), YZ_IDNUM_OK);
    }
    assert_true(seen_x > 0);
}

/* RULE: gb11643-birthdate
 * The other GB 11643 sample is born in 1880: its check character is right,
 * but dates before 1900 are refused. */
static void citizen_sample_born_1880(void **state)
{
    assert_int_equal(ref_citizen_check("44052418800101001"), '4');
    assert_int_equal(citizen("440524188001010014"), YZ_IDNUM_BIRTHDATE);
}

/* RULE: gb11643-checksum */
static void citizen_every_single_change_fails(void **state)
{
    char ids[4][19];
    memcpy(ids[0], "11010519491231002X", 19);
    make_id(ids[1], "500103", "19900101", "123");
    make_id(ids[2], "500112", "20251231", "460");
    make_id(ids[3], "320583", "19000101", "001");
    for (int k = 0; k < 4; k++) {
        assert_int_equal(citizen(ids[k]), YZ_IDNUM_OK);
        for (int pos = 0; pos < 18; pos++) {
            const char *alts = pos == 17 ? "0123456789Xx" : "0123456789";
            for (const char *a = alts; *a; a++) {
                char orig = ids[k][pos];
                char up = *a == 'x' ? 'X' : *a;
                if (up == orig)
                    continue;
                char m[19];
                memcpy(m, ids[k], 19);
                m[pos] = *a;
                if (citizen(m) != YZ_IDNUM_CHECKSUM)
                    fail_msg("%s (position %d) did not fail the checksum", m, pos + 1);
            }
        }
        /* MOD 11-2 also catches every swap of two different adjacent digits. */
        for (int pos = 0; pos < 17; pos++) {
            char m[19];
            memcpy(m, ids[k], 19);
            if (m[pos] == m[pos + 1] || m[pos + 1] == 'X')
                continue;
            char t = m[pos];
            m[pos] = m[pos + 1];
            m[pos + 1] = t;
            assert_int_equal(citizen(m), YZ_IDNUM_CHECKSUM);
        }
    }
}

static enum yz_idnum_problem with_birth(const char *birth8, struct yz_date on)
{
    char n[19];
    make_id(n, "500103", birth8, "123");
    return citizen_n(n, 18, on, NULL);
}

/* RULE: gb11643-birthdate */
static void citizen_birthdates(void **state)
{
    assert_int_equal(with_birth("19990230", today), YZ_IDNUM_BIRTHDATE);
    assert_int_equal(with_birth("19990231", today), YZ_IDNUM_BIRTHDATE);
    assert_int_equal(with_birth("19990431", today), YZ_IDNUM_BIRTHDATE);
    assert_int_equal(with_birth("19991301", today), YZ_IDNUM_BIRTHDATE);
    assert_int_equal(with_birth("19990001", today), YZ_IDNUM_BIRTHDATE);
    assert_int_equal(with_birth("19990100", today), YZ_IDNUM_BIRTHDATE);
    assert_int_equal(with_birth("20000229", today), YZ_IDNUM_OK); /* leap: divisible by 400 */
    assert_int_equal(with_birth("19000229", today), YZ_IDNUM_BIRTHDATE); /* 1900 is not */
    assert_int_equal(with_birth("20240229", today), YZ_IDNUM_OK);
    assert_int_equal(with_birth("20230229", today), YZ_IDNUM_BIRTHDATE);
    assert_int_equal(with_birth("19000101", today), YZ_IDNUM_OK);
    assert_int_equal(with_birth("18991231", today), YZ_IDNUM_BIRTHDATE);
    assert_int_equal(with_birth("00000000", today), YZ_IDNUM_BIRTHDATE);
    /* Not in the future relative to today; today itself is fine. */
    assert_int_equal(with_birth("20261129", today), YZ_IDNUM_OK);
    assert_int_equal(with_birth("20261130", today), YZ_IDNUM_BIRTHDATE);
    assert_int_equal(with_birth("20261201", today), YZ_IDNUM_BIRTHDATE);
    assert_int_equal(with_birth("20270101", today), YZ_IDNUM_BIRTHDATE);
    assert_int_equal(with_birth("29991231", today), YZ_IDNUM_BIRTHDATE);
    struct yz_date new_year_eve = {2026, 12, 31};
    assert_int_equal(with_birth("20261231", new_year_eve), YZ_IDNUM_OK);
    assert_int_equal(with_birth("20270101", new_year_eve), YZ_IDNUM_BIRTHDATE);
    /* The same number becomes valid once its date has come. */
    assert_int_equal(with_birth("20270101", (struct yz_date){2027, 1, 1}), YZ_IDNUM_OK);
}

/* RULE: gb11643-first-generation */
static void citizen_lengths_and_first_generation(void **state)
{
    assert_int_equal(citizen("110105491231002"), YZ_IDNUM_FIRST_GENERATION);
    assert_int_equal(citizen("11010549123100X"), YZ_IDNUM_LENGTH); /* 15 but not all digits */
    assert_int_equal(citizen("11010519491231002"), YZ_IDNUM_LENGTH);
    assert_int_equal(citizen("11010519491231002X0"), YZ_IDNUM_LENGTH);
    assert_int_equal(citizen("1"), YZ_IDNUM_LENGTH);
    assert_int_equal(citizen(""), YZ_IDNUM_EMPTY);
    assert_int_equal(yz_idnum_citizen_check(NULL, 0, today, NULL), YZ_IDNUM_EMPTY);
    assert_int_equal(citizen(" 11010519491231002X"), YZ_IDNUM_LENGTH);
}

/* RULE: gb11643-format */
static void citizen_charset_and_lowercase_x(void **state)
{
    struct yz_idnum_citizen id;
    assert_int_equal(citizen_n("11010519491231002x", 18, today, &id), YZ_IDNUM_OK);
    assert_string_equal(id.number, "11010519491231002X");

    char out[YZ_IDNUM_CITIZEN_SIZE];
    char *p = heap_copy("11010519491231002x", 18);
    assert_int_equal(yz_idnum_citizen_normalise(p, 18, today, out, sizeof out), YZ_IDNUM_OK);
    free(p);
    assert_string_equal(out, "11010519491231002X");
    memset(out, 'z', sizeof out);
    assert_int_equal(yz_idnum_citizen_normalise("11010519491231003X", 18, today, out, sizeof out),
                     YZ_IDNUM_CHECKSUM);
    assert_string_equal(out, "");

    assert_int_equal(citizen("1101051949123100X2"), YZ_IDNUM_CHARSET); /* X not last */
    assert_int_equal(citizen("11010519491231002Y"), YZ_IDNUM_CHARSET);
    assert_int_equal(citizen("11010519491231002 "), YZ_IDNUM_CHARSET);
    assert_int_equal(citizen("110105 9491231002X"), YZ_IDNUM_CHARSET);
    assert_int_equal(citizen("１10105194912310X"), YZ_IDNUM_CHARSET); /* full-width 1: 3 bytes */
    assert_int_equal(citizen_n("11010\0"
                               "19491231002X",
                               18, today, NULL),
                     YZ_IDNUM_CHARSET);
    assert_int_equal(citizen_n("11010519491231002\0", 18, today, NULL), YZ_IDNUM_CHARSET);

    /* The output is cleared on a problem, never half-filled. */
    memset(&id, 0x5a, sizeof id);
    assert_int_equal(citizen_n("11010519491231003X", 18, today, &id), YZ_IDNUM_CHECKSUM);
    assert_string_equal(id.number, "");
    assert_string_equal(id.region, "");
    assert_int_equal(id.birth.year, 0);
}

/* RULE: gb32100-checksum, gb32100-format, gb32100-charset */
static void uscc_valid_and_corrupted(void **state)
{
    const char *sample = "91350100M000100Y43"; /* the sample printed in GB 32100 */
    assert_int_equal(ref_uscc_check(sample), '3');
    assert_int_equal(uscc(sample), YZ_IDNUM_OK);

    for (int pos = 0; pos < 18; pos++) {
        for (const char *a = uscc_charset; *a; a++) {
            if (*a == sample[pos])
                continue;
            char m[19];
            memcpy(m, sample, 19);
            m[pos] = *a;
            enum yz_idnum_problem want =
                pos >= 2 && pos <= 7 && *a > '9' ? YZ_IDNUM_REGION : YZ_IDNUM_CHECKSUM;
            if (uscc(m) != want)
                fail_msg("%s (position %d): %s", m, pos + 1, yz_idnum_problem_code(uscc(m)));
        }
        /* Characters outside the set: I O S V Z, lowercase, punctuation, NUL. */
        for (const char *a = "IOSVZaimy -*"; *a; a++) {
            char m[19];
            memcpy(m, sample, 19);
            m[pos] = *a;
            assert_int_equal(uscc(m), YZ_IDNUM_CHARSET);
        }
        char m[19];
        memcpy(m, sample, 19);
        m[pos] = '\0';
        char *p = heap_copy(m, 18);
        assert_int_equal(yz_idnum_uscc_check(p, 18), YZ_IDNUM_CHARSET);
        free(p);
    }
    assert_int_equal(uscc("91350100m000100y43"), YZ_IDNUM_CHARSET);
    assert_int_equal(uscc("91350100M000100Y4"), YZ_IDNUM_LENGTH);
    assert_int_equal(uscc("91350100M000100Y433"), YZ_IDNUM_LENGTH);
    assert_int_equal(uscc(""), YZ_IDNUM_EMPTY);
    assert_int_equal(yz_idnum_uscc_check(NULL, 0), YZ_IDNUM_EMPTY);
}

/* RULE: gb32100-format: an authority code outside the 2015 table is accepted. */
static void uscc_unknown_authority_and_zero_check(void **state)
{
    char m[19] = "A1500103MA5U000000";
    m[17] = ref_uscc_check(m);
    assert_int_equal(uscc(m), YZ_IDNUM_OK);

    /* The 31 -> 0 branch: vary one character until the check value is 0. */
    int found = 0;
    for (const char *a = uscc_charset; *a && !found; a++) {
        memcpy(m, "91500103MA5U00000", 17);
        m[16] = *a;
        m[17] = ref_uscc_check(m);
        m[18] = '\0';
        if (m[17] == '0') {
            found = 1;
            assert_int_equal(uscc(m), YZ_IDNUM_OK);
            m[17] = 'Y';
            assert_int_equal(uscc(m), YZ_IDNUM_CHECKSUM);
        }
    }
    assert_true(found);
}

/* RULE: gb11714-checksum */
static void uscc_embedded_org_code(void **state)
{
    assert_int_equal(ref_org_check("M000100Y"), '4');
    assert_int_equal(uscc_org("91350100M000100Y43"), YZ_IDNUM_OK);

    /* Valid MOD 31, wrong organisation check: only the strict check refuses it. */
    char m[19] = "91350100M000100Y5";
    m[17] = ref_uscc_check(m);
    m[18] = '\0';
    assert_int_equal(uscc(m), YZ_IDNUM_OK);
    assert_int_equal(uscc_org(m), YZ_IDNUM_ORG_CODE_CHECKSUM);
    /* The strict check still reports the basic problems first. */
    assert_int_equal(uscc_org("91350100M000100Y44"), YZ_IDNUM_CHECKSUM);
    assert_int_equal(uscc_org("9135010"), YZ_IDNUM_LENGTH);

    /* Organisation checks of 10 (X) and 11 (0). */
    int seen_x = 0, seen_0 = 0;
    for (const char *a = uscc_charset; *a; a++) {
        memcpy(m, "91500103MA5U0000", 16);
        m[15] = *a;
        m[16] = ref_org_check(m + 8);
        m[17] = ref_uscc_check(m);
        m[18] = '\0';
        seen_x += m[16] == 'X';
        seen_0 += m[16] == '0';
        assert_int_equal(uscc_org(m), YZ_IDNUM_OK);
    }
    assert_true(seen_x > 0);
    assert_true(seen_0 > 0);
}

/* RULE: mobile-number */
static void mobile_numbers(void **state)
{
    assert_int_equal(mobile("13812345678"), YZ_IDNUM_OK);
    assert_int_equal(mobile("19912345678"), YZ_IDNUM_OK);
    assert_int_equal(mobile("+8613812345678"), YZ_IDNUM_OK);
    assert_int_equal(mobile("8613812345678"), YZ_IDNUM_LENGTH); /* 86 needs the + */
    assert_int_equal(mobile("+85213812345"), YZ_IDNUM_CHARSET);
    assert_int_equal(mobile("+8"), YZ_IDNUM_CHARSET);
    assert_int_equal(mobile("+"), YZ_IDNUM_CHARSET);
    assert_int_equal(mobile("+86"), YZ_IDNUM_LENGTH);
    assert_int_equal(mobile("+86 13812345678"), YZ_IDNUM_LENGTH);
    assert_int_equal(mobile("138123456789"), YZ_IDNUM_LENGTH);
    assert_int_equal(mobile("1381234567"), YZ_IDNUM_LENGTH);
    assert_int_equal(mobile("138-1234-5678"), YZ_IDNUM_LENGTH);
    assert_int_equal(mobile("1381234567a"), YZ_IDNUM_CHARSET);
    assert_int_equal(mobile("138 1234567"), YZ_IDNUM_CHARSET);
    assert_int_equal(mobile("12812345678"), YZ_IDNUM_PREFIX);
    assert_int_equal(mobile("10012345678"), YZ_IDNUM_PREFIX);
    assert_int_equal(mobile("23812345678"), YZ_IDNUM_PREFIX);
    assert_int_equal(mobile("+8612812345678"), YZ_IDNUM_PREFIX);
    assert_int_equal(mobile(""), YZ_IDNUM_EMPTY);
    assert_int_equal(yz_idnum_mobile_check("1381234567\0", 11), YZ_IDNUM_CHARSET);

    char out[YZ_IDNUM_MOBILE_SIZE];
    char *p = heap_copy("+8613812345678", 14);
    assert_int_equal(yz_idnum_mobile_normalise(p, 14, out, sizeof out), YZ_IDNUM_OK);
    free(p);
    assert_string_equal(out, "13812345678");
    assert_int_equal(yz_idnum_mobile_normalise("13812345678", 11, out, sizeof out), YZ_IDNUM_OK);
    assert_string_equal(out, "13812345678");
    assert_int_equal(yz_idnum_mobile_normalise("12812345678", 11, out, sizeof out),
                     YZ_IDNUM_PREFIX);
    assert_string_equal(out, "");
}

/* RULE: lawyer-licence-number */
static void lawyer_licence_numbers(void **state)
{
    assert_int_equal(licence("15001201910123456"), YZ_IDNUM_OK);
    assert_int_equal(licence("00000000000000000"), YZ_IDNUM_OK);
    assert_int_equal(licence("1500120191012345"), YZ_IDNUM_LENGTH);
    assert_int_equal(licence("150012019101234567"), YZ_IDNUM_LENGTH);
    assert_int_equal(licence("1500120191012345X"), YZ_IDNUM_CHARSET);
    assert_int_equal(licence("15001 01910123456"), YZ_IDNUM_CHARSET);
    assert_int_equal(licence(""), YZ_IDNUM_EMPTY);
    assert_int_equal(yz_idnum_lawyer_licence_check("1500120191012345\0", 17), YZ_IDNUM_CHARSET);
}

static void problem_codes_and_messages(void **state)
{
    assert_string_equal(yz_idnum_problem_code(YZ_IDNUM_OK), "ok");
    assert_string_equal(yz_idnum_problem_code(YZ_IDNUM_CHECKSUM), "checksum");
    assert_string_equal(yz_idnum_problem_code(YZ_IDNUM_BIRTHDATE), "birthdate");
    assert_string_equal(yz_idnum_problem_code(YZ_IDNUM_FIRST_GENERATION), "first_generation");
    assert_string_equal(yz_idnum_problem_code(YZ_IDNUM_EMPTY), "required");
    assert_string_equal(yz_idnum_problem_code(YZ_IDNUM__COUNT), "unknown");
    for (int a = 0; a < YZ_IDNUM__COUNT; a++) {
        const char *ca = yz_idnum_problem_code((enum yz_idnum_problem)a);
        assert_true(strlen(ca) > 0);
        for (int b = a + 1; b < YZ_IDNUM__COUNT; b++)
            assert_string_not_equal(ca, yz_idnum_problem_code((enum yz_idnum_problem)b));
    }

    assert_string_equal(yz_idnum_problem_message(YZ_IDNUM_KIND_CITIZEN_ID, YZ_IDNUM_CHECKSUM),
                        "公民身份号码校验位不正确，请核对后重新输入");
    assert_non_null(strstr(
        yz_idnum_problem_message(YZ_IDNUM_KIND_CITIZEN_ID, YZ_IDNUM_FIRST_GENERATION), "18 位"));
    assert_non_null(strstr(yz_idnum_problem_message(YZ_IDNUM_KIND_USCC, YZ_IDNUM_CHECKSUM),
                           "统一社会信用代码"));
    assert_non_null(
        strstr(yz_idnum_problem_message(YZ_IDNUM_KIND_MOBILE, YZ_IDNUM_PREFIX), "手机号码"));
    /* A problem the kind cannot have still gets a sentence naming the kind. */
    assert_string_equal(yz_idnum_problem_message(YZ_IDNUM_KIND_MOBILE, YZ_IDNUM_BIRTHDATE),
                        "手机号码格式不正确，请核对后重新输入");
    for (int k = 0; k <= YZ_IDNUM_KIND__COUNT; k++) {
        for (int p = 0; p <= YZ_IDNUM__COUNT; p++) {
            const char *m =
                yz_idnum_problem_message((enum yz_idnum_kind)k, (enum yz_idnum_problem)p);
            assert_non_null(m);
            assert_true(strlen(m) > 0);
            assert_true(yz_utf8_valid(m, strlen(m)));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(citizen_valid_examples),
        cmocka_unit_test(citizen_sample_born_1880),
        cmocka_unit_test(citizen_every_single_change_fails),
        cmocka_unit_test(citizen_birthdates),
        cmocka_unit_test(citizen_lengths_and_first_generation),
        cmocka_unit_test(citizen_charset_and_lowercase_x),
        cmocka_unit_test(uscc_valid_and_corrupted),
        cmocka_unit_test(uscc_unknown_authority_and_zero_check),
        cmocka_unit_test(uscc_embedded_org_code),
        cmocka_unit_test(mobile_numbers),
        cmocka_unit_test(lawyer_licence_numbers),
        cmocka_unit_test(problem_codes_and_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
