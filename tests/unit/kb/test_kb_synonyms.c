/*
 * Unit tests for the query-side synonyms of the knowledge base
 * (src/kb/kb_synonyms.h): a colloquial word adds its legal terms after the
 * search, several in the table's order, nothing else is changed, and the
 * expansion stays inside the buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kb/kb_synonyms.h"

static void colloquial_words_add_their_terms(void **state)
{
    char out[256];
    size_t n = yz_kb_expand("怎么打官司", out, sizeof out);
    assert_string_equal(out, "怎么打官司 诉讼 起诉");
    assert_int_equal(n, strlen(out));
    yz_kb_expand("房东不退押金，能去告他吗", out, sizeof out);
    assert_string_equal(out, "房东不退押金，能去告他吗 起诉 起诉 出租人");
    yz_kb_expand("小孩", out, sizeof out);
    assert_string_equal(out, "小孩 未成年人");
}

static void other_searches_are_unchanged(void **state)
{
    char out[256];
    static const char *const qs[] = {"离婚诉讼费怎么交", "被告知道吗", "偷拍的证据", "LPR", "。"};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        assert_int_equal(yz_kb_expand(qs[i], out, sizeof out), strlen(qs[i]));
        assert_string_equal(out, qs[i]);
    }
}

static void the_buffer_bounds_the_expansion(void **state)
{
    char out[64];
    /* "怎么打官司" is 15 bytes; " 诉讼 起诉" needs 14 more and the NUL. */
    assert_int_equal(yz_kb_expand("怎么打官司", out, 30), 29);
    assert_string_equal(out, "怎么打官司 诉讼 起诉");
    assert_int_equal(yz_kb_expand("怎么打官司", out, 29), 15); /* the terms do not fit */
    assert_string_equal(out, "怎么打官司");
    memset(out, 'x', sizeof out);
    assert_int_equal(yz_kb_expand("怎么打官司", out, 15), 0); /* the search does not fit */
    assert_string_equal(out, "");
    assert_int_equal(out[1], 'x'); /* nothing else written */
    assert_int_equal(yz_kb_expand("", out, 1), 0);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(colloquial_words_add_their_terms),
        cmocka_unit_test(other_searches_are_unchanged),
        cmocka_unit_test(the_buffer_bounds_the_expansion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
