/*
 * Display masks. Each function first decides whether the input has the shape
 * its mask is defined for and otherwise emits the fixed full mask, so a
 * malformed value can never leak through a mask meant for something else.
 * Results are assembled in full and copied out only when they fit: a
 * truncated mask could cut a multi-byte character or show a misleading
 * prefix.
 */
#include "core/mask.h"
#include "core/error.h"
#include "core/utf8.h"

#include <string.h>

#include "core/banned.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof *(a))

/* Writes a[0..an) followed by the string b, or the full-mask fallback. */
static bool emit(char *out, size_t size, const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (size > 0 && an + bn < size) {
        if (an)
            memcpy(out, a, an);
        memcpy(out + an, b, bn + 1);
        return true;
    }
    if (size > strlen(YZ_MASK_FULL))
        memcpy(out, YZ_MASK_FULL, sizeof YZ_MASK_FULL);
    else if (size > 0)
        out[0] = '\0';
    return false;
}

static bool emit_full(char *out, size_t size)
{
    return emit(out, size, "", 0, YZ_MASK_FULL);
}

static void check_args(const char *s, size_t n, const char *out, size_t size)
{
    if (!s && n)
        YZ_BUG("NULL input with length %zu", n);
    if (!out && size)
        YZ_BUG("NULL output with size %zu", size);
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Valid UTF-8 without control characters (NUL included). */
static bool is_text(const char *s, size_t n)
{
    return yz_utf8_valid(s, n) && !yz_utf8_has_control(s, n, false);
}

/* Byte length of the UTF-8 character starting with lead byte c (input already validated). */
static size_t char_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* RULE: mask-citizen-id
 * First 3 and last 4 characters kept, the 11 between masked (SECURITY.md 1.3). */
bool yz_mask_citizen_id(const char *s, size_t n, char *out, size_t size)
{
    check_args(s, n, out, size);
    if (n == 0)
        return emit(out, size, "", 0, "");
    if (n != 18 || !all_digits(s, 17) || !(all_digits(s + 17, 1) || s[17] == 'X' || s[17] == 'x'))
        return emit_full(out, size);
    char tmp[19];
    memcpy(tmp, s, 3);
    memset(tmp + 3, '*', 11);
    memcpy(tmp + 14, s + 14, 3);
    tmp[17] = s[17] == 'x' ? 'X' : s[17];
    tmp[18] = '\0';
    return emit(out, size, tmp, 18, "");
}

/* RULE: mask-mobile
 * First 3 and last 4 digits kept, the middle 4 masked (SECURITY.md 1.3). */
bool yz_mask_mobile(const char *s, size_t n, char *out, size_t size)
{
    check_args(s, n, out, size);
    if (n == 0)
        return emit(out, size, "", 0, "");
    if (n == 14 && memcmp(s, "+86", 3) == 0) {
        s += 3;
        n -= 3;
    }
    if (n != 11 || !all_digits(s, 11))
        return emit_full(out, size);
    char tmp[12];
    memcpy(tmp, s, 3);
    memset(tmp + 3, '*', 4);
    memcpy(tmp + 7, s + 7, 4);
    tmp[11] = '\0';
    return emit(out, size, tmp, 11, "");
}

/* Two-character surnames. Only well-known ones: a rare one missing costs one
 * shown character less; a wrong entry would show a given-name character. */
static const char *const compound_surnames[] = {
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "呼延", "轩辕", "司空", "钟离", "宗政", "濮阳",
    "淳于", "单于", "万俟", "赫连", "澹台", "公冶", "申屠", "闻人", "太史", "东郭", "拓跋", "歐陽",
    "司馬", "諸葛", "東方", "尉遲", "公孫", "長孫", "鍾離", "獨孤", "軒轅", "聞人",
};

/* RULE: mask-name
 * Surname + 某 for names shown to the public in family cases and for minors
 * (SECURITY.md 1.3; 法释〔2016〕19号 anonymises these names in published judgments). */
bool yz_mask_name(const char *s, size_t n, char *out, size_t size)
{
    check_args(s, n, out, size);
    if (n == 0)
        return emit(out, size, "", 0, "");
    if (!is_text(s, n))
        return emit_full(out, size);
    size_t count = yz_utf8_count(s, n);
    if (count == 1)
        return emit(out, size, "", 0, "某");
    size_t keep = char_len((unsigned char)s[0]);
    if (count >= 3) {
        for (size_t i = 0; i < ARRAY_LEN(compound_surnames); i++) {
            size_t len = strlen(compound_surnames[i]);
            /* UTF-8 is prefix-free, so a byte match is a match of the first two characters. */
            if (len < n && memcmp(s, compound_surnames[i], len) == 0) {
                keep = len;
                break;
            }
        }
    }
    return emit(out, size, s, keep, "某");
}

/* Characters of the address scanned for the administrative prefix. */
#define ADDRESS_WINDOW 12

struct span {
    size_t off, len;
};

static bool span_is(const char *s, struct span c, const char *lit)
{
    return c.len == strlen(lit) && memcmp(s + c.off, lit, c.len) == 0;
}

static bool span_in(const char *s, struct span c, const char *const *lits, size_t nlits)
{
    for (size_t i = 0; i < nlits; i++)
        if (span_is(s, c, lits[i]))
            return true;
    return false;
}

/* RULE: mask-address
 * "District only" (SECURITY.md 1.3): the segment rule documented in mask.h. */
bool yz_mask_address(const char *s, size_t n, char *out, size_t size)
{
    static const char *const not_division[] = {"小", "社", "园", "校", "景", "街", "片", "厂"};
    static const char *const province_qualifier[] = {"自治", "行政"};
    check_args(s, n, out, size);
    if (n == 0)
        return emit(out, size, "", 0, "");
    if (!is_text(s, n))
        return emit_full(out, size);

    struct span ch[ADDRESS_WINDOW];
    size_t count = 0;
    for (size_t off = 0; off < n && count < ADDRESS_WINDOW; count++) {
        ch[count].off = off;
        ch[count].len = char_len((unsigned char)s[off]);
        off += ch[count].len;
    }

    size_t keep = 0; /* bytes of prefix kept */
    size_t seg = 0;  /* index of the first character of the current segment */
    int cities = 0;
    for (size_t i = 0; i < count; i++) {
        size_t name = i - seg;
        size_t end = ch[i].off + ch[i].len;
        bool county = false;
        if (span_is(s, ch[i], "省")) {
            if (name < 1)
                continue;
        } else if (span_is(s, ch[i], "市")) {
            if (name < 2)
                continue;
            county = ++cities == 2;
        } else if (span_is(s, ch[i], "区")) {
            if (name < 1 || span_in(s, ch[i - 1], not_division, ARRAY_LEN(not_division)))
                continue;
            /* 自治区 and 特别行政区 are province-level: look at the two characters before. */
            bool province = false;
            if (name >= 2) {
                struct span two = {ch[i - 2].off, ch[i].off - ch[i - 2].off};
                province = span_in(s, two, province_qualifier, ARRAY_LEN(province_qualifier));
            }
            county = !province;
        } else if (span_is(s, ch[i], "县") || span_is(s, ch[i], "旗")) {
            if (name < 1)
                continue;
            county = true;
        } else {
            continue;
        }
        keep = end;
        seg = i + 1;
        if (county)
            break;
    }
    if (keep == 0)
        return emit_full(out, size);
    return emit(out, size, s, keep, YZ_MASK_FULL);
}
