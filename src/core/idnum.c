/*
 * Identifier checks. The weight tables are written out as the standards print
 * them (the formulas they come from are next to them); the unit tests derive
 * the same numbers from the formulas independently, which cross-checks both.
 * Messages live in one table indexed by kind and problem so that every
 * sentence a user can see is in one place.
 */
#include "core/idnum.h"
#include "core/error.h"

#include <stdbool.h>
#include <string.h>

#include "core/banned.h"

static const char *const problem_codes[] = {
#define YZ_IDNUM_PROBLEM_CODE(name, code) [YZ_IDNUM_##name] = code,
    YZ_IDNUM_PROBLEMS(YZ_IDNUM_PROBLEM_CODE)
#undef YZ_IDNUM_PROBLEM_CODE
};

const char *yz_idnum_problem_code(enum yz_idnum_problem p)
{
    if ((unsigned)p >= YZ_IDNUM__COUNT)
        return "unknown";
    return problem_codes[p];
}

static const char *const messages[YZ_IDNUM_KIND__COUNT][YZ_IDNUM__COUNT] = {
    [YZ_IDNUM_KIND_CITIZEN_ID] =
        {
            [YZ_IDNUM_EMPTY] = "请输入公民身份号码",
            [YZ_IDNUM_LENGTH] = "公民身份号码应为 18 位，请核对后重新输入",
            [YZ_IDNUM_CHARSET] = "公民身份号码前 17 位应为数字，最后一位应为数字或字母 X",
            [YZ_IDNUM_FIRST_GENERATION] =
                "不支持 15 位的第一代身份证号码，请输入 18 位公民身份号码",
            [YZ_IDNUM_BIRTHDATE] = "公民身份号码中的出生日期不正确，请核对后重新输入",
            [YZ_IDNUM_CHECKSUM] = "公民身份号码校验位不正确，请核对后重新输入",
        },
    [YZ_IDNUM_KIND_USCC] =
        {
            [YZ_IDNUM_EMPTY] = "请输入统一社会信用代码",
            [YZ_IDNUM_LENGTH] = "统一社会信用代码应为 18 位，请核对后重新输入",
            [YZ_IDNUM_CHARSET] = "统一社会信用代码只能包含数字和大写英文字母（不含 I、O、S、V、Z）",
            [YZ_IDNUM_REGION] =
                "统一社会信用代码第 3 至 8 位应为数字（行政区划码），请核对后重新输入",
            [YZ_IDNUM_CHECKSUM] = "统一社会信用代码校验位不正确，请核对后重新输入",
            [YZ_IDNUM_ORG_CODE_CHECKSUM] =
                "统一社会信用代码中的组织机构代码校验位不正确，请核对后重新输入",
        },
    [YZ_IDNUM_KIND_MOBILE] =
        {
            [YZ_IDNUM_EMPTY] = "请输入手机号码",
            [YZ_IDNUM_LENGTH] = "手机号码应为 11 位数字，请核对后重新输入",
            [YZ_IDNUM_CHARSET] = "手机号码只能包含数字，可在前面加 +86",
            [YZ_IDNUM_PREFIX] = "手机号码应以 13 至 19 开头，请核对后重新输入",
        },
    [YZ_IDNUM_KIND_LAWYER_LICENCE] =
        {
            [YZ_IDNUM_EMPTY] = "请输入律师执业证号",
            [YZ_IDNUM_LENGTH] = "律师执业证号应为 17 位数字，请核对后重新输入",
            [YZ_IDNUM_CHARSET] = "律师执业证号只能包含数字",
        },
};

static const char *const generic_messages[YZ_IDNUM_KIND__COUNT] = {
    [YZ_IDNUM_KIND_CITIZEN_ID] = "公民身份号码格式不正确，请核对后重新输入",
    [YZ_IDNUM_KIND_USCC] = "统一社会信用代码格式不正确，请核对后重新输入",
    [YZ_IDNUM_KIND_MOBILE] = "手机号码格式不正确，请核对后重新输入",
    [YZ_IDNUM_KIND_LAWYER_LICENCE] = "律师执业证号格式不正确，请核对后重新输入",
};

const char *yz_idnum_problem_message(enum yz_idnum_kind kind, enum yz_idnum_problem p)
{
    if ((unsigned)kind >= YZ_IDNUM_KIND__COUNT)
        return p == YZ_IDNUM_OK ? "格式正确" : "号码格式不正确，请核对后重新输入";
    if (p == YZ_IDNUM_OK)
        return "格式正确";
    if ((unsigned)p < YZ_IDNUM__COUNT && messages[kind][p])
        return messages[kind][p];
    return generic_messages[kind];
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

static void check_input(const char *s, size_t n)
{
    if (!s && n)
        YZ_BUG("NULL input with length %zu", n);
}

/* ---- Citizen ID -------------------------------------------------------- */

/* RULE: gb11643-checksum
 * ISO 7064 MOD 11-2 over the first 17 digits: W_i = 2^(18-i) mod 11,
 * r = sum mod 11, check = "10X98765432"[r]. s holds 17 digits. */
static char citizen_check_char(const char *s)
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check_map[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (s[i] - '0') * weights[i];
    return check_map[sum % 11];
}

static int digits_value(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* RULE: gb11643-birthdate
 * Positions 7-14 are YYYYMMDD (GB/T 7408), a real calendar date. We also
 * require 1900-01-01 <= birth <= today: a later date cannot be a living
 * person's, and yz_date_valid() (clock.h) already bounds years to 1900+. */
static bool citizen_birth(const char *s, struct yz_date today, struct yz_date *birth)
{
    int y = digits_value(s + 6, 4), m = digits_value(s + 10, 2), d = digits_value(s + 12, 2);
    if (!yz_date_valid(y, m, d))
        return false;
    long key = (long)y * 10000 + m * 100 + d;
    long today_key = (long)today.year * 10000 + today.month * 100 + today.day;
    if (key > today_key)
        return false;
    birth->year = y;
    birth->month = m;
    birth->day = d;
    return true;
}

/* RULE: gb11643-format
 * 18 characters: 17 digits, then a digit or X (x accepted as X). The 15-digit
 * first-generation form is refused with its own problem (RULE: gb11643-first-generation). */
enum yz_idnum_problem yz_idnum_citizen_check(const char *s, size_t n, struct yz_date today,
                                             struct yz_idnum_citizen *out)
{
    check_input(s, n);
    if (out)
        memset(out, 0, sizeof *out);
    if (n == 0)
        return YZ_IDNUM_EMPTY;
    /* RULE: gb11643-first-generation */
    if (n == 15 && all_digits(s, 15))
        return YZ_IDNUM_FIRST_GENERATION;
    if (n != YZ_IDNUM_CITIZEN_LEN)
        return YZ_IDNUM_LENGTH;
    char last = s[17] == 'x' ? 'X' : s[17];
    if (!all_digits(s, 17) || !(is_digit(last) || last == 'X'))
        return YZ_IDNUM_CHARSET;
    if (citizen_check_char(s) != last)
        return YZ_IDNUM_CHECKSUM;
    struct yz_date birth;
    if (!citizen_birth(s, today, &birth))
        return YZ_IDNUM_BIRTHDATE;
    if (out) {
        memcpy(out->number, s, 17);
        out->number[17] = last;
        out->number[18] = '\0';
        memcpy(out->region, s, 6);
        out->region[6] = '\0';
        out->birth = birth;
        out->sex = (s[16] - '0') % 2 ? YZ_IDNUM_SEX_MALE : YZ_IDNUM_SEX_FEMALE;
    }
    return YZ_IDNUM_OK;
}

enum yz_idnum_problem yz_idnum_citizen_normalise(const char *s, size_t n, struct yz_date today,
                                                 char *out, size_t size)
{
    if (!out || size < YZ_IDNUM_CITIZEN_SIZE)
        YZ_BUG("citizen ID buffer of %zu bytes, need %d", size, YZ_IDNUM_CITIZEN_SIZE);
    struct yz_idnum_citizen id;
    enum yz_idnum_problem p = yz_idnum_citizen_check(s, n, today, &id);
    memcpy(out, id.number, sizeof id.number); /* "" when p != OK: check zeroes id */
    return p;
}

/* ---- Unified social credit code ----------------------------------------- */

/* RULE: gb32100-charset
 * 31 characters, digits and uppercase letters without I, O, S, V, Z; a
 * character's value is its index. Returns -1 for anything else. */
static int uscc_value(char c)
{
    static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    if (c == '\0')
        return -1; /* strchr would find the terminator */
    const char *p = strchr(charset, c);
    return p ? (int)(p - charset) : -1;
}

/* RULE: gb32100-checksum
 * W_i = 3^(i-1) mod 31; C18 = 31 - (sum mod 31), 31 -> 0. s holds 17 valid characters. */
static int uscc_check_value(const char *s)
{
    static const int weights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += uscc_value(s[i]) * weights[i];
    int c = 31 - sum % 31;
    return c == 31 ? 0 : c;
}

/* RULE: gb32100-format
 * 18 characters from the set; positions 3-8 (the registering authority's
 * GB/T 2260 region) digits. Position 1 is not matched against the 2015 list
 * of authorities: later allocations exist and are not verified here. */
enum yz_idnum_problem yz_idnum_uscc_check(const char *s, size_t n)
{
    check_input(s, n);
    if (n == 0)
        return YZ_IDNUM_EMPTY;
    if (n != YZ_IDNUM_USCC_LEN)
        return YZ_IDNUM_LENGTH;
    for (size_t i = 0; i < n; i++)
        if (uscc_value(s[i]) < 0)
            return YZ_IDNUM_CHARSET;
    if (!all_digits(s + 2, 6))
        return YZ_IDNUM_REGION;
    if (uscc_check_value(s) != uscc_value(s[17]))
        return YZ_IDNUM_CHECKSUM;
    return YZ_IDNUM_OK;
}

/* RULE: gb11714-checksum
 * The organisation code at positions 9-17: values 0-9, A-Z = 10-35 over the
 * 8 body characters, weights 3 7 9 10 5 8 4 2, C9 = 11 - (sum mod 11),
 * 10 -> X, 11 -> 0. */
enum yz_idnum_problem yz_idnum_uscc_check_org_code(const char *s, size_t n)
{
    static const int weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    enum yz_idnum_problem p = yz_idnum_uscc_check(s, n);
    if (p != YZ_IDNUM_OK)
        return p;
    const char *org = s + 8;
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        /* The USCC charset is a subset of 0-9A-Z, so every character has a value. */
        int v = is_digit(org[i]) ? org[i] - '0' : org[i] - 'A' + 10;
        sum += v * weights[i];
    }
    int c = 11 - sum % 11;
    char expect = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
    return org[8] == expect ? YZ_IDNUM_OK : YZ_IDNUM_ORG_CODE_CHECKSUM;
}

/* ---- Mobile number ------------------------------------------------------ */

/* RULE: mobile-number
 * Mainland mobile numbers: 11 digits, 1 then 3-9 (the 13x-19x ranges of the
 * MIIT numbering plan), optionally written with the +86 country code.
 * Sets *digits to the 11 digits on OK. */
static enum yz_idnum_problem mobile_check(const char *s, size_t n, const char **digits)
{
    check_input(s, n);
    if (n == 0)
        return YZ_IDNUM_EMPTY;
    if (s[0] == '+') {
        if (n < 3 || s[1] != '8' || s[2] != '6')
            return YZ_IDNUM_CHARSET;
        s += 3;
        n -= 3;
    }
    if (n != YZ_IDNUM_MOBILE_LEN)
        return YZ_IDNUM_LENGTH;
    if (!all_digits(s, n))
        return YZ_IDNUM_CHARSET;
    if (s[0] != '1' || s[1] < '3')
        return YZ_IDNUM_PREFIX;
    *digits = s;
    return YZ_IDNUM_OK;
}

enum yz_idnum_problem yz_idnum_mobile_check(const char *s, size_t n)
{
    const char *digits;
    return mobile_check(s, n, &digits);
}

enum yz_idnum_problem yz_idnum_mobile_normalise(const char *s, size_t n, char *out, size_t size)
{
    if (!out || size < YZ_IDNUM_MOBILE_SIZE)
        YZ_BUG("mobile buffer of %zu bytes, need %d", size, YZ_IDNUM_MOBILE_SIZE);
    const char *digits = NULL;
    enum yz_idnum_problem p = mobile_check(s, n, &digits);
    out[0] = '\0';
    if (p == YZ_IDNUM_OK) {
        memcpy(out, digits, YZ_IDNUM_MOBILE_LEN);
        out[YZ_IDNUM_MOBILE_LEN] = '\0';
    }
    return p;
}

/* ---- Lawyer practising-licence number ----------------------------------- */

/* RULE: lawyer-licence-number
 * 律师执业证号: 17 digits; there is no check digit to verify. */
enum yz_idnum_problem yz_idnum_lawyer_licence_check(const char *s, size_t n)
{
    check_input(s, n);
    if (n == 0)
        return YZ_IDNUM_EMPTY;
    if (n != YZ_IDNUM_LAWYER_LICENCE_LEN)
        return YZ_IDNUM_LENGTH;
    if (!all_digits(s, n))
        return YZ_IDNUM_CHARSET;
    return YZ_IDNUM_OK;
}
