/*
 * The Chinese full-text tokenizer: CJK character bigrams (the CJKAnalyzer
 * approach), chosen because it needs no dictionary, finds two-character words,
 * legal terms no dictionary has (诉讼费, 财产保全, 民间借贷), names and case
 * numbers, and tied with or beat friso and ICU on retrieval quality
 * (../shared/search.md).
 *
 * The text is cut into runs:
 *   - a CJK run (Han ideographs, kana, Hangul syllables) gives bigrams;
 *   - a run of ASCII letters, or of ASCII digits, gives one lower-cased word,
 *     after full-width forms are folded (１２３４５ -> 12345, ＡＢＣ -> abc);
 *     letters and digits make separate words (LPR4 -> lpr 4), so a search
 *     for either part finds it; a run longer than YZ_TOK_WORD_MAX bytes is
 *     cut into pieces of that length;
 *   - everything else (punctuation, spaces, other scripts, invalid UTF-8)
 *     separates runs and gives no token.
 * Document side (what is indexed): for each character of a CJK run but the
 * last, the bigram it starts, then the character itself at the same position
 * (YZ_TOK_COLOCATED), so that a one-character query still matches and phrase
 * queries over bigrams keep working; the run's last character on its own
 * position. Query side: the bigrams only; a one-character run as itself.
 *
 * Bounded: nothing is allocated; a token is at most YZ_TOK_MAX bytes, built in
 * a buffer on the stack. Invalid UTF-8 (a stray continuation byte, a truncated
 * or overlong sequence, a surrogate, beyond U+10FFFF) is skipped one byte at a
 * time as a separator, and nothing is read past text[n].
 */
#ifndef YZ_SEARCH_TOKENIZER_H
#define YZ_SEARCH_TOKENIZER_H

#include <stddef.h>

enum yz_tok_mode {
    YZ_TOK_DOCUMENT, /* indexing: bigrams with colocated unigrams */
    YZ_TOK_QUERY,    /* a search: bigrams only, a lone character as itself */
};

#define YZ_TOK_WORD_MAX 32 /* bytes of one ASCII word token */
#define YZ_TOK_MAX 32      /* bytes of any token (a bigram is at most 8) */

#define YZ_TOK_COLOCATED 1 /* flags: at the same position as the token before */

/* Called for each token in order: its bytes (not NUL-terminated) and the byte
 * range [start, end) of the input it came from. A non-zero return stops the
 * tokenizer, which then returns that value. */
typedef int (*yz_tok_fn)(void *ctx, int flags, const char *token, size_t len, size_t start,
                         size_t end);

/* Tokenizes text[0..n); returns 0, or the first non-zero return of fn. */
int yz_tokenize(const char *text, size_t n, enum yz_tok_mode mode, yz_tok_fn fn, void *ctx);

#endif
