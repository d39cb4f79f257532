/*
 * CJK bigram tokenizer (tokenizer.h). One pass over the bytes: each character
 * is decoded strictly, classed (CJK, word character, separator) and fed to a
 * small state machine that holds the previous CJK character of the current run
 * and the ASCII word being built, both in fixed buffers.
 */
#include "search/tokenizer.h"

#include <stdbool.h>
#include <string.h>

/* The code point at s[i..n) with its length in *len, or -1 (and *len = 1)
 * when no valid UTF-8 sequence starts there (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). Never reads at or past s[n]. */
static long decode(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    unsigned c = s[i];
    size_t want;
    unsigned long cp;
    *len = 1;
    if (c < 0x80)
        return (long)c;
    if (c >= 0xc2 && c <= 0xdf) {
        want = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        want = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        want = 4;
        cp = c & 0x07;
    } else {
        return -1;
    }
    if (n - i < want)
        return -1;
    for (size_t k = 1; k < want; k++) {
        if ((s[i + k] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((want == 3 && cp < 0x800) || (want == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *len = want;
    return (long)cp;
}

/* Characters that are written without spaces between words: Han ideographs
 * (basic, extension A, compatibility, extensions B-H and their compatibility
 * supplement in planes 2-3, and 〇 of written-out years), kana and Hangul. */
static bool is_cjk(long cp)
{
    return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
           (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3fffd) || cp == 0x3007 ||
           (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x30a1 && cp <= 0x30fa) || cp == 0x30fc ||
           (cp >= 0xac00 && cp <= 0xd7a3);
}

/* The lower-case ASCII letter or digit cp stands for (full-width forms
 * folded: U+FF10-FF19, U+FF21-FF3A, U+FF41-FF5A), or 0 when it is none. */
static char word_char(long cp)
{
    if (cp >= 'a' && cp <= 'z')
        return (char)cp;
    if ((cp >= '0' && cp <= '9'))
        return (char)cp;
    if (cp >= 'A' && cp <= 'Z')
        return (char)(cp - 'A' + 'a');
    if (cp >= 0xff10 && cp <= 0xff19)
        return (char)(cp - 0xff10 + '0');
    if (cp >= 0xff21 && cp <= 0xff3a)
        return (char)(cp - 0xff21 + 'a');
    if (cp >= 0xff41 && cp <= 0xff5a)
        return (char)(cp - 0xff41 + 'a');
    return 0;
}

struct state {
    const char *text;
    enum yz_tok_mode mode;
    yz_tok_fn fn;
    void *ctx;
    /* The previous CJK character of the current run: text[prev, prev_end). */
    bool have_prev;
    size_t prev, prev_end;
    size_t run; /* characters in the current CJK run so far */
    /* The ASCII word being built, from text[word_start, word_end). */
    char word[YZ_TOK_WORD_MAX];
    size_t word_len, word_start, word_end;
    bool word_digits; /* the word is digits (else letters) */
};

static int end_word(struct state *st)
{
    if (!st->word_len)
        return 0;
    size_t len = st->word_len;
    st->word_len = 0;
    return st->fn(st->ctx, 0, st->word, len, st->word_start, st->word_end);
}

/* The CJK run ends: its last character on its own position (document side),
 * or a run of one character as itself (query side). */
static int end_run(struct state *st)
{
    int rc = 0;
    if (st->have_prev && (st->mode == YZ_TOK_DOCUMENT || st->run == 1))
        rc = st->fn(st->ctx, 0, st->text + st->prev, st->prev_end - st->prev, st->prev,
                    st->prev_end);
    st->have_prev = false;
    st->run = 0;
    return rc;
}

static int cjk(struct state *st, size_t start, size_t end)
{
    int rc = end_word(st);
    if (rc)
        return rc;
    if (st->have_prev) {
        /* The bigram prev+this: adjacent bytes of the input, at most 8. */
        rc = st->fn(st->ctx, 0, st->text + st->prev, end - st->prev, st->prev, end);
        if (!rc && st->mode == YZ_TOK_DOCUMENT)
            rc = st->fn(st->ctx, YZ_TOK_COLOCATED, st->text + st->prev, st->prev_end - st->prev,
                        st->prev, st->prev_end);
        if (rc)
            return rc;
    }
    st->have_prev = true;
    st->prev = start;
    st->prev_end = end;
    st->run++;
    return 0;
}

static int word(struct state *st, char c, size_t start, size_t end)
{
    int rc = end_run(st);
    if (rc)
        return rc;
    /* A word ends where letters turn to digits or back: "LPR4倍" is lpr and 4,
     * so that a search for LPR finds it. */
    bool digit = c >= '0' && c <= '9';
    if (st->word_len && (st->word_len == YZ_TOK_WORD_MAX || digit != st->word_digits) &&
        (rc = end_word(st)) != 0)
        return rc;
    st->word_digits = digit;
    if (!st->word_len)
        st->word_start = start;
    st->word[st->word_len++] = c;
    st->word_end = end;
    return 0;
}

int yz_tokenize(const char *text, size_t n, enum yz_tok_mode mode, yz_tok_fn fn, void *ctx)
{
    struct state st;
    memset(&st, 0, sizeof st);
    st.text = text;
    st.mode = mode;
    st.fn = fn;
    st.ctx = ctx;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    int rc = 0;
    while (i < n && !rc) {
        size_t len;
        long cp = decode(s, n, i, &len);
        char w;
        if (cp >= 0 && is_cjk(cp))
            rc = cjk(&st, i, i + len);
        else if (cp >= 0 && (w = word_char(cp)) != 0)
            rc = word(&st, w, i, i + len);
        else if ((rc = end_run(&st)) == 0)
            rc = end_word(&st);
        i += len;
    }
    if (!rc)
        rc = end_run(&st);
    if (!rc)
        rc = end_word(&st);
    return rc;
}
