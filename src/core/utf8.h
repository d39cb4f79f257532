/*
 * UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF) and
 * character counting. All text is validated on input; lengths that users see
 * ("at most 200 characters") count code points, not bytes.
 */
#ifndef YZ_CORE_UTF8_H
#define YZ_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

bool yz_utf8_valid(const char *s, size_t n);
/* Code points in a valid UTF-8 string. */
size_t yz_utf8_count(const char *s, size_t n);
/*
 * The one check of text a person enters or a file supplies (every validator
 * of the route table, workflow fields, documents, names, configuration):
 * true when s holds a character that is not to be shown, so that a value can
 * neither break a line it should not nor pass for another value:
 *   - C0 controls and DEL; \n, \r and \t only when allow_newlines (multi-line
 *     text), and C1 controls (U+0080-U+009F) always;
 *   - Unicode bidirectional controls: U+061C, U+200E, U+200F, U+202A-U+202E,
 *     U+2066-U+2069;
 *   - invisible format characters that can make one name look like another:
 *     zero-width space and non-joiner, word joiner and invisible operators,
 *     U+FEFF, soft hyphen, combining grapheme joiner, Hangul and Khmer fillers,
 *     Mongolian selectors, deprecated format and annotation characters, tags,
 *     U+2028/U+2029; the zero-width joiner (U+200D) too, except in multi-line
 *     text, where it joins emoji; and U+FEFF at the very start of multi-line
 *     text, a file's byte-order mark (a CSV table saved by Excel).
 * Variation selectors stay allowed (emoji, ideographic variants of rare
 * characters in names). Invalid UTF-8 is not judged here: check yz_utf8_valid.
 */
bool yz_utf8_has_control(const char *s, size_t n, bool allow_newlines);
/* What such a character is called in a field error ("姓名包含不允许的" ...). */
#define YZ_UTF8_HIDDEN_TITLE "控制字符或不可见字符（如换行、文字方向控制符、零宽字符）"

/* Cuts a NUL-terminated string back to its last complete character, so that a
 * byte-bounded copy (snprintf, yz_strlcpy) never ends in half a character. */
void yz_utf8_trim(char *s);
/* Copies at most size-1 bytes (size > 0) of valid UTF-8 s into out, cutting
 * only between characters: a name quoted in a message. */
void yz_utf8_snip(const char *s, char *out, size_t size);

#endif
