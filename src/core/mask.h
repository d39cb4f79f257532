/*
 * Display masking of personal data, done by the server before output
 * (SECURITY.md 1.3: hiding it in the UI is not masking). Which viewer sees
 * the masked form is the policy module's decision; these functions only
 * produce it.
 *
 * Common contract of every function here:
 *   - Input is s[0..n) (s may be NULL only when n == 0); nothing past n is read.
 *   - The result is written to out[0..size) and is always NUL-terminated when
 *     size > 0. YZ_MASK_SIZE bytes are always enough.
 *   - Empty input gives "" (nothing to hide, and "***" would suggest a value).
 *   - Input that does not have the expected shape (wrong length, invalid
 *     UTF-8, control characters, embedded NUL) gives YZ_MASK_FULL: a fixed
 *     string that reveals neither content nor length.
 *   - Returns true when the result fit. When it does not fit, out holds
 *     YZ_MASK_FULL if that fits, else "", and the function returns false: a
 *     partial result is never shown.
 */
#ifndef YZ_CORE_MASK_H
#define YZ_CORE_MASK_H

#include <stdbool.h>
#include <stddef.h>

#define YZ_MASK_FULL "***"
/* Largest result of any mask function, with its NUL (an address prefix of
 * 12 four-byte characters plus "***" needs 52). */
#define YZ_MASK_SIZE 64

/*
 * Citizen ID: an 18-character number (17 ASCII digits, then a digit or X/x)
 * keeps its first 3 and last 4 characters, the 11 between become '*':
 * 11010519491231002X -> 110***********002X (a lowercase x is shown as X).
 * Anything else, including the 15-digit old form, is fully masked.
 */
bool yz_mask_citizen_id(const char *s, size_t n, char *out, size_t size);

/*
 * Mobile: 11 ASCII digits, optionally after "+86", keep the first 3 and last
 * 4: 13812345678 -> 138****5678 (the +86 is dropped). Anything else is fully
 * masked.
 */
bool yz_mask_mobile(const char *s, size_t n, char *out, size_t size);

/*
 * Name: surname + 某, e.g. 张三丰 -> 张某. The surname is the first character,
 * or the first two when they are a well-known compound surname (欧阳, 司马,
 * 诸葛, 上官, 东方, 皇甫, 尉迟, 公孙, 慕容, 长孙, 宇文, 司徒, 夏侯, 令狐 and a
 * few more, traditional forms included) and at least one character follows
 * them: 欧阳修 -> 欧阳某, but 欧阳 alone -> 欧某.
 * A one-character name gives 某 alone, since showing the character would
 * show the whole name. Works on any valid UTF-8 (a Latin name gives J某).
 */
bool yz_mask_name(const char *s, size_t n, char *out, size_t size);

/*
 * Address: the administrative prefix (province, city, district/county) is
 * kept and "***" replaces the rest; "***" is appended even when nothing
 * followed, so the output does not say whether more detail existed.
 *
 * The rule, applied to the first 12 characters only:
 *   - The prefix is read as segments, each a name followed by a marker:
 *     省, 市, 区, 县 or 旗. A segment needs a name (at least one character;
 *     at least two before 市, so 城市 and the 市 of 市民路 are not segments).
 *   - 自治区 and 特别行政区 are province-level: reading continues after them.
 *   - 区 right after 小, 社, 园, 校, 景, 街, 片 or 厂 (小区, 社区, 园区 ...) names a
 *     housing estate or similar, not a division: it is not a marker.
 *   - Reading stops after the first county-level segment: one ending in 区,
 *     县 or 旗, or a second 市 (苏州市昆山市, a county-level city).
 *   - The prefix ends after the last segment read; no segment: fully masked.
 * Examples: 重庆市渝中区解放碑民族路 -> 重庆市渝中区***;
 *           四川省成都市武侯区人民南路 -> 四川省成都市武侯区***;
 *           江苏省昆山市玉山镇和平小区 -> 江苏省昆山市***.
 * The rule errs towards masking more: a district whose name pushes it past
 * the 12th character (内蒙古自治区呼和浩特市新城区) is masked too. It can
 * still keep a non-administrative word that ends in a marker within the first
 * 12 characters (e.g. an estate called "XX新区" right after a county-level
 * city); addresses are free text and no list of divisions is consulted.
 */
bool yz_mask_address(const char *s, size_t n, char *out, size_t size);

#endif
