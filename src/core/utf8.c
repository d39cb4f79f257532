#include "core/utf8.h"

#include <stdint.h>
#include <string.h>

/* Whether s[0..2] is a 3-byte sequence for U+1000..U+CFFF or U+E000..U+FFFF
 * (lead E1..EC or EE..EF, two continuation bytes): no overlong form or
 * surrogate is possible there, so it needs no decoding. Chinese text is
 * almost all of them. */
static bool plain_three(const unsigned char *s)
{
    return s[0] >= 0xe1 && s[0] <= 0xef && s[0] != 0xed && (s[1] & 0xc0) == 0x80 &&
           (s[2] & 0xc0) == 0x80;
}

/* Whether the 8 bytes at s are all ASCII. */
static bool ascii8(const unsigned char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return (w & 0x8080808080808080u) == 0;
}

/* Every text a filing holds is checked here, some twice (the application's
 * checks, then the event's canonical form): ASCII runs and common 3-byte
 * sequences take a fast path, the rest is decoded. */
bool yz_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned cp;
        if (c < 0x80) {
            i++;
            while (n - i >= 8 && ascii8(s + i))
                i += 8;
            continue;
        }
        if (n - i >= 3 && plain_three(s + i)) {
            i += 3;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
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

size_t yz_utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            count++;
    return count;
}

/* The code point at s[i..n) and its length in *len; a byte that starts no
 * complete sequence is returned as itself with length 1 (callers that need
 * valid UTF-8 check it with yz_utf8_valid). */
static unsigned decode(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    unsigned c = s[i];
    size_t want = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? (c <= 0xef ? 3 : 1) : c >= 0xc2 ? 2 : 1;
    if (want == 1 || n - i < want) {
        *len = 1;
        return c;
    }
    unsigned cp = c & (want == 2 ? 0x1f : want == 3 ? 0x0f : 0x07);
    for (size_t k = 1; k < want; k++) {
        if ((s[i + k] & 0xc0) != 0x80) {
            *len = 1;
            return c;
        }
        cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    *len = want;
    return cp;
}

/* Characters that change how text around them is shown without showing
 * themselves: a name or title holding one can pass for another (张三 with a
 * zero-width space, "invoice<U+202E>fdp.exe" shown as "invoiceexe.pdf"). */
static bool invisible(unsigned cp, bool multiline)
{
    switch (cp) {
    case 0x00ad:                 /* soft hyphen */
    case 0x034f:                 /* combining grapheme joiner */
    case 0x061c:                 /* Arabic letter mark (bidi) */
    case 0x115f: case 0x1160:    /* Hangul fillers */
    case 0x17b4: case 0x17b5:    /* Khmer inherent vowels */
    case 0x3164: case 0xffa0:    /* Hangul fillers */
    case 0xfeff:                 /* zero-width no-break space (BOM) */
        return true;
    case 0x200d: /* zero-width joiner: part of emoji sequences in free text */
        return !multiline;
    default:
        break;
    }
    return (cp >= 0x180b && cp <= 0x180f) ||   /* Mongolian selectors, vowel separator */
           (cp >= 0x200b && cp <= 0x200c) ||   /* zero-width space, non-joiner */
           (cp >= 0x200e && cp <= 0x200f) ||   /* LRM, RLM */
           (cp >= 0x2028 && cp <= 0x202e) ||   /* line/paragraph separators; LRE..RLO */
           (cp >= 0x2060 && cp <= 0x2064) ||   /* word joiner, invisible operators */
           (cp >= 0x2066 && cp <= 0x206f) ||   /* LRI..PDI; deprecated format characters */
           (cp >= 0xfff9 && cp <= 0xfffb) ||   /* interlinear annotation */
           (cp >= 0x1d173 && cp <= 0x1d17a) || /* musical format characters */
           (cp >= 0xe0000 && cp <= 0xe007f);   /* tags */
}

/* Whether the 8 bytes at s are all printable ASCII (0x20..0x7e): a byte of
 * 0x80 or above sets its high bit in w; 0x7f in w + 1 (no byte below 0x80
 * carries); one below 0x20 in the classic "has a byte less than" test. */
static bool printable8(const unsigned char *s)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t w;
    memcpy(&w, s, 8);
    return ((w | (w + ones) | ((w - ones * 0x20) & ~w)) & highs) == 0;
}

bool yz_utf8_has_control(const char *str, size_t n, bool allow_newlines)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        /* U+4000..U+9FFF (lead E4..E9, most Chinese characters): none is a
         * control or invisible character. */
        if (c >= 0xe4 && c <= 0xe9 && n - i >= 3 && (s[i + 1] & 0xc0) == 0x80 &&
            (s[i + 2] & 0xc0) == 0x80) {
            i += 3;
            continue;
        }
        if (c < 0x80) {
            /* Runs of printable ASCII (numbers, names, addresses) 8 bytes at a time. */
            if (n - i >= 8 && printable8(s + i)) {
                i += 8;
                continue;
            }
            if (c == 0x7f)
                return true;
            if (c < 0x20 && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')))
                return true;
            i++;
            continue;
        }
        size_t len;
        unsigned cp = decode(s, n, i, &len);
        /* A byte-order mark that starts a multi-line text is a file's encoding
         * mark (a CSV table saved by Excel), not part of any value. */
        if (cp == 0xfeff && i == 0 && allow_newlines) {
            i += len;
            continue;
        }
        if (len > 1 && ((cp >= 0x80 && cp <= 0x9f) || invisible(cp, allow_newlines)))
            return true;
        i += len;
    }
    return false;
}

void yz_utf8_trim(char *s)
{
    size_t n = strlen(s);
    /* Walk back over at most 3 continuation bytes to the lead byte. */
    size_t i = n, back = 0;
    while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
        i--;
        back++;
    }
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t want = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (lead >= 0x80 && back + 1 < want)
        s[i - 1] = '\0';
}

void yz_utf8_snip(const char *s, char *out, size_t size)
{
    size_t n = strlen(s);
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    memcpy(out, s, n);
    out[n] = '\0';
}
