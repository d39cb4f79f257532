/*
 * Unit tests for the CJK bigram tokenizer (src/search/tokenizer.h): the token
 * streams of ../shared/search.md section 2 (the five sentences and the case
 * number), full-width folding, invalid UTF-8, empty input, very long runs,
 * byte offsets, and stopping when the callback asks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/tokenizer.h"

/* The token stream as text: tokens separated by spaces, a colocated token
 * joined to the one before by '|' (as search.md writes them). */
struct collect {
    char out[8192];
    size_t len;
    size_t count;
    size_t n;          /* input length: offsets must stay inside it */
    size_t last_start; /* offsets never go backwards */
    size_t stop_after; /* return 7 at this token (1-based); 0 = never */
};

static int collect(void *ctx, int flags, const char *tok, size_t len, size_t start, size_t end)
{
    struct collect *c = ctx;
    assert_true(len > 0 && len <= YZ_TOK_MAX);
    assert_true(start < end && end <= c->n);
    assert_true(start >= c->last_start);
    c->last_start = start;
    if (c->len + len + 2 < sizeof c->out) {
        if (c->count)
            c->out[c->len++] = (flags & YZ_TOK_COLOCATED) ? '|' : ' ';
        else
            assert_int_equal(flags, 0); /* the first token cannot be colocated */
        memcpy(c->out + c->len, tok, len);
        c->len += len;
        c->out[c->len] = '\0';
    }
    c->count++;
    return c->stop_after && c->count == c->stop_after ? 7 : 0;
}

static const char *tokens(const char *s, size_t n, enum yz_tok_mode mode, struct collect *c)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    assert_int_equal(yz_tokenize(s, n, mode, collect, c), 0);
    return c->out;
}

static const char *doc(const char *s, struct collect *c)
{
    return tokens(s, strlen(s), YZ_TOK_DOCUMENT, c);
}

static const char *query(const char *s, struct collect *c)
{
    return tokens(s, strlen(s), YZ_TOK_QUERY, c);
}

static void document_side_bigrams_with_colocated_unigrams(void **state)
{
    struct collect c;
    assert_string_equal(doc("离婚纠纷诉讼费怎么交", &c),
                        "离婚|离 婚纠|婚 纠纷|纠 纷诉|纷 诉讼|诉 讼费|讼 费怎|费 怎么|怎 么交|么 交");
    assert_string_equal(doc("跨域立案在哪里办理", &c),
                        "跨域|跨 域立|域 立案|立 案在|案 在哪|在 哪里|哪 里办|里 办理|办 理");
    /* The sentence ends "…材料": 材料|材 then 料 on its own. */
    doc("我想起诉邻居欠钱不还需要准备什么材料", &c);
    assert_true(strncmp(c.out, "我想|我 想起|想 起诉|起 ", strlen("我想|我 想起|想 起诉|起 ")) == 0);
    assert_non_null(strstr(c.out, " 材料|材 料"));
    assert_int_equal(c.count, 17 * 2 + 1);
}

static void query_side_bigrams_only(void **state)
{
    struct collect c;
    assert_string_equal(query("我想起诉邻居欠钱不还需要准备什么材料", &c),
                        "我想 想起 起诉 诉邻 邻居 居欠 欠钱 钱不 不还 还需 需要 要准 准备 备什 "
                        "什么 么材 材料");
    assert_string_equal(query("离婚纠纷诉讼费怎么交", &c),
                        "离婚 婚纠 纠纷 纷诉 诉讼 讼费 费怎 怎么 么交");
    assert_string_equal(query("如何申请诉前财产保全", &c),
                        "如何 何申 申请 请诉 诉前 前财 财产 产保 保全");
    assert_string_equal(query("民间借贷纠纷的立案材料", &c),
                        "民间 间借 借贷 贷纠 纠纷 纷的 的立 立案 案材 材料");
    assert_string_equal(query("跨域立案在哪里办理", &c), "跨域 域立 立案 案在 在哪 哪里 里办 办理");
    /* A one-character run is searched as itself. */
    assert_string_equal(query("诉", &c), "诉");
    assert_string_equal(query("告 谁", &c), "告 谁");
}

static void case_number_with_full_width_digits(void **state)
{
    struct collect c;
    const char *s = "（2023）京0105民初１２３４５号 ABC公司诉王某";
    assert_string_equal(query(s, &c), "2023 京 0105 民初 12345 号 abc 公司 司诉 诉王 王某");
    assert_string_equal(doc(s, &c),
                        "2023 京 0105 民初|民 初 12345 号 abc 公司|公 司诉|司 诉王|诉 王某|王 某");
}

static void full_width_letters_and_digits_fold_to_ascii(void **state)
{
    struct collect c;
    assert_string_equal(query("１２３４５", &c), "12345");
    assert_string_equal(query("ＡＢＣ", &c), "abc");
    assert_string_equal(query("ａｂｃ　ＸＹＺ", &c), "abc xyz"); /* U+3000 separates */
    assert_string_equal(query("Ａb", &c), "ab");                    /* mixed widths, one word */
    /* Letters and digits are separate words, on both sides. */
    assert_string_equal(query("LPR4倍", &c), "lpr 4 倍");
    assert_string_equal(doc("ｉＰｈｏｎｅ14", &c), "iphone 14");
    assert_string_equal(query("a1b2", &c), "a 1 b 2");
    assert_string_equal(query("GB/T 7714-2015", &c), "gb t 7714 2015");
    /* Letters of other scripts and symbols separate; they are not words. */
    assert_string_equal(query("café¥100€", &c), "caf 100");
}

/* Records each token's offsets to compare with the input. */
struct offsets {
    size_t start[16], end[16];
    int flags[16];
    size_t count;
};

static int offsets_of(void *ctx, int flags, const char *tok, size_t len, size_t start, size_t end)
{
    struct offsets *o = ctx;
    if (o->count < 16) {
        o->start[o->count] = start;
        o->end[o->count] = end;
        o->flags[o->count] = flags;
    }
    o->count++;
    return 0;
}

static void offsets_cover_the_characters_of_each_token(void **state)
{
    const char *s = "Ａb 起诉书";
    struct offsets o = {0};
    assert_int_equal(yz_tokenize(s, strlen(s), YZ_TOK_DOCUMENT, offsets_of, &o), 0);
    /* ab | 起诉 起(colocated) | 诉书 诉(colocated) | 书 */
    assert_int_equal(o.count, 6);
    assert_int_equal(o.start[0], 0);
    assert_int_equal(o.end[0], 4); /* Ａ is 3 bytes, b is one */
    assert_int_equal(o.start[1], 5);
    assert_int_equal(o.end[1], 11); /* 起诉 */
    assert_int_equal(o.start[2], 5);
    assert_int_equal(o.end[2], 8); /* 起 */
    assert_int_equal(o.flags[2], YZ_TOK_COLOCATED);
    assert_int_equal(o.start[5], 11);
    assert_int_equal(o.end[5], 14); /* 书 */
    assert_int_equal(o.flags[5], 0);
}

static void empty_and_separator_only_input_gives_no_tokens(void **state)
{
    struct collect c;
    assert_string_equal(tokens("", 0, YZ_TOK_DOCUMENT, &c), "");
    assert_int_equal(c.count, 0);
    assert_string_equal(tokens(NULL, 0, YZ_TOK_QUERY, &c), "");
    assert_string_equal(query("，。？！“”（）—— 、；：", &c), "");
    assert_int_equal(c.count, 0);
    assert_string_equal(query(" \t\n", &c), "");
}

static void invalid_utf8_separates_and_is_never_read_past(void **state)
{
    struct collect c;
    /* A stray continuation byte, an overlong '/', a surrogate, beyond U+10FFFF,
     * 0xff: each is a separator. */
    assert_string_equal(query("离婚\x80纠纷", &c), "离婚 纠纷");
    assert_string_equal(query("ab\xc0\xaf" "cd", &c), "ab cd");
    assert_string_equal(query("诉\xed\xa0\x80讼", &c), "诉 讼");
    assert_string_equal(query("x\xf4\x90\x80\x80y", &c), "x y");
    assert_string_equal(query("\xff\xfe起诉", &c), "起诉");
    /* A truncated character at the very end: the length says where the input
     * stops, so the bytes after it (here a full 诉) are never looked at. */
    char buf[16];
    memcpy(buf, "起诉", 6);
    assert_string_equal(tokens(buf, 5, YZ_TOK_QUERY, &c), "起");
    /* Heap copies of exact size: ASan catches any read past the end. */
    static const char *const tails[] = {"\xe8", "\xe8\xaf", "a\xf0\x9f", "诉\xe4\xb8"};
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        size_t n = strlen(tails[i]);
        char *p = malloc(n);
        memcpy(p, tails[i], n);
        tokens(p, n, YZ_TOK_DOCUMENT, &c);
        tokens(p, n, YZ_TOK_QUERY, &c);
        free(p);
    }
    /* An embedded NUL is a separator, not an end. */
    assert_string_equal(tokens("ab\0cd", 5, YZ_TOK_QUERY, &c), "ab cd");
}

static void very_long_runs_stay_bounded(void **state)
{
    /* 200,000 characters of one CJK run: 199,999 bigrams, each 6 bytes. */
    size_t chars = 200000;
    char *s = malloc(chars * 3);
    for (size_t i = 0; i < chars; i++)
        memcpy(s + 3 * i, i % 2 ? "讼" : "诉", 3);
    struct collect c;
    tokens(s, chars * 3, YZ_TOK_QUERY, &c);
    assert_int_equal(c.count, chars - 1);
    tokens(s, chars * 3, YZ_TOK_DOCUMENT, &c);
    assert_int_equal(c.count, 2 * chars - 1);
    free(s);

    /* A 100-character ASCII run: pieces of YZ_TOK_WORD_MAX bytes. */
    char w[101];
    memset(w, 'A', 100);
    w[100] = '\0';
    query(w, &c);
    assert_int_equal(c.count, (100 + YZ_TOK_WORD_MAX - 1) / YZ_TOK_WORD_MAX);
    assert_int_equal(strlen(c.out), 100 + c.count - 1);
    assert_true(strspn(c.out, "a ") == strlen(c.out));
}

static void callback_can_stop_the_tokenizer(void **state)
{
    struct collect c;
    memset(&c, 0, sizeof c);
    const char *s = "离婚纠纷诉讼费怎么交";
    c.n = strlen(s);
    c.stop_after = 3;
    assert_int_equal(yz_tokenize(s, strlen(s), YZ_TOK_QUERY, collect, &c), 7);
    assert_int_equal(c.count, 3);
    assert_string_equal(c.out, "离婚 婚纠 纠纷");
    memset(&c, 0, sizeof c);
    c.n = 3;
    c.stop_after = 1;
    assert_int_equal(yz_tokenize("abc", 3, YZ_TOK_QUERY, collect, &c), 7);
}

static void kana_hangul_and_rare_han_are_cjk(void **state)
{
    struct collect c;
    assert_string_equal(query("二〇二三年", &c), "二〇 〇二 二三 三年");
    assert_string_equal(query("𠀀𠀁", &c), "𠀀𠀁"); /* extension B */
    assert_string_equal(query("カタ한국", &c), "カタ タ한 한국");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(document_side_bigrams_with_colocated_unigrams),
        cmocka_unit_test(query_side_bigrams_only),
        cmocka_unit_test(case_number_with_full_width_digits),
        cmocka_unit_test(full_width_letters_and_digits_fold_to_ascii),
        cmocka_unit_test(offsets_cover_the_characters_of_each_token),
        cmocka_unit_test(empty_and_separator_only_input_gives_no_tokens),
        cmocka_unit_test(invalid_utf8_separates_and_is_never_read_past),
        cmocka_unit_test(very_long_runs_stay_bounded),
        cmocka_unit_test(callback_can_stop_the_tokenizer),
        cmocka_unit_test(kana_hangul_and_rare_han_are_cjk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
