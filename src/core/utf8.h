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
/* True when s has control characters other than \n, \r, \t (single-line fields reject those too).
 */
bool yz_utf8_has_control(const char *s, size_t n, bool allow_newlines);

/* Cuts a NUL-terminated string back to its last complete character, so that a
 * byte-bounded copy (snprintf, yz_strlcpy) never ends in half a character. */
void yz_utf8_trim(char *s);
/* Copies at most size-1 bytes (size > 0) of valid UTF-8 s into out, cutting
 * only between characters: a name quoted in a message. */
void yz_utf8_snip(const char *s, char *out, size_t size);

#endif
