/*
 * Personal data in text (SECURITY.md T24): finds a full citizen ID number
 * (18 characters with a valid GB 11643 check character and birth date) or a
 * full mainland mobile number (1[3-9] and nine more digits), each standing
 * alone (not inside a longer run of letters or digits). Masked forms
 * (110***********002X, 138****5678) do not match. Used on responses, server
 * logs, exports and rendered documents.
 */
#ifndef YZT_PII_H
#define YZT_PII_H

#include <stdbool.h>
#include <stddef.h>

/* The first full number in text[0..n) into out (NUL-terminated); false when there is none. */
bool yzt_find_pii(const char *text, size_t n, char *out, size_t size);

/* Scans a file line by line; prints each line with a number (at most `show` of them,
 * prefixed by `what`) and returns how many lines had one; -1 when it cannot be read. */
long yzt_scan_file_pii(const char *path, const char *what, int show);

#endif
