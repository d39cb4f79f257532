/*
 * Unit tests for src/core/jsonwrite.c: the text is byte for byte what
 * json_dumps(JSON_COMPACT | JSON_ENCODE_ANY) writes, for hand-picked edge
 * cases and for thousands of random trees; the caps are kept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonwrite.h"
#include "lib/randjson.h"

static void expect_text(const char *want, const char *got, size_t got_len)
{
    if (got_len != strlen(want) || memcmp(got, want, got_len) != 0)
        fail_msg("jansson: %s\nours:    %s", want, got);
}

/* Fails unless our writers and json_dumps agree on v, in insertion order and
 * with sorted keys, into a buffer and as a string; consumes v. */
static void same_as_jansson(json_t *v)
{
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    char *want_sorted = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    assert_non_null(want);
    assert_non_null(want_sorted);
    struct yz_buf out = YZ_BUF_INIT(1 << 24);
    assert_true(yz_json_write(&out, v));
    expect_text(want, out.data, out.len);
    yz_buf_reset(&out);
    assert_true(yz_json_write_sorted(&out, v));
    expect_text(want_sorted, out.data, out.len);
    char *s = yz_json_dumps(v);
    assert_non_null(s);
    expect_text(want, s, strlen(s));
    free(s);
    s = yz_json_dumps_sorted(v);
    assert_non_null(s);
    expect_text(want_sorted, s, strlen(s));
    free(s);
    free(want);
    free(want_sorted);
    yz_buf_release(&out);
    json_decref(v);
}

static void edge_cases_match_json_dumps(void **state)
{
    same_as_jansson(json_object());
    same_as_jansson(json_array());
    same_as_jansson(json_true());
    same_as_jansson(json_false());
    same_as_jansson(json_null());
    same_as_jansson(json_integer(0));
    same_as_jansson(json_integer(-7));
    same_as_jansson(json_integer(INT64_MAX));
    same_as_jansson(json_integer(INT64_MIN));
    same_as_jansson(json_real(1.5));
    same_as_jansson(json_real(100.0));
    same_as_jansson(json_real(-0.0));
    same_as_jansson(json_real(1e300));
    same_as_jansson(json_real(0.1));
    same_as_jansson(json_string(""));
    same_as_jansson(json_string("诉讼服务 \"引号\" \\反斜杠\\ /斜杠/ \t\n\r\b\f \x01\x1f\x7f"));
    same_as_jansson(json_stringn("a\0b", 3)); /* an escaped NUL inside */
    same_as_jansson(json_string("\xe2\x80\xa8 U+2028 and \xf0\x9f\x98\x80 stay as they are"));
    json_t *o = json_object();
    json_object_set_new(o, "z", json_integer(1)); /* insertion order, not sorted */
    json_object_set_new(o, "a\"\n", json_string("键要转义"));
    json_object_set_new(o, "", json_array());
    json_object_set_new(o, "嵌套", json_pack("{s:[i, {}, [], s, n]}", "x", 1, "y"));
    same_as_jansson(o);
    /* Sorting: a prefix before its extensions, bytes as unsigned, more
     * members than fit on the stack, sorted at every depth. */
    o = json_object();
    json_object_set_new(o, "ab", json_integer(1));
    json_object_set_new(o, "a", json_integer(2));
    json_object_set_new(o, "\xe6\xb3\x95", json_integer(3));
    json_object_set_new(o, "B", json_pack("{s:i, s:i}", "y", 1, "x", 2));
    json_object_set_new(o, "list", json_pack("[{s:i, s:i}]", "d", 1, "c", 2));
    same_as_jansson(o);
    o = json_object();
    for (int i = 99; i >= 0; i--) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        json_object_set_new(o, key, json_integer(i));
    }
    same_as_jansson(o);
}

static void random_trees_match_json_dumps(void **state)
{
    const struct yzt_randjson all = {.reals = true, .nuls = true};
    for (int i = 0; i < 5000; i++)
        same_as_jansson(yzt_random_json(&all, 0));
}

static void caps_are_kept(void **state)
{
    /* Depth: one level too many fails, the limit itself passes. */
    json_t *deep = json_array(), *inner = deep;
    for (int i = 0; i < YZ_JSON_WRITE_MAX_DEPTH; i++) {
        json_t *a = json_array();
        json_array_append_new(inner, a);
        inner = a;
    }
    struct yz_buf out = YZ_BUF_INIT(1 << 20);
    assert_true(yz_json_write(&out, deep));
    yz_buf_reset(&out);
    json_array_append_new(inner, json_array());
    assert_false(yz_json_write(&out, deep));
    yz_buf_release(&out);
    json_decref(deep);
    /* Size: the buffer's cap is never passed. */
    json_t *s = json_string("一二三四五六七八九十");
    struct yz_buf small = YZ_BUF_INIT(16);
    assert_false(yz_json_write(&small, s));
    assert_true(small.len <= 16);
    yz_buf_release(&small);
    json_decref(s);
    assert_false(yz_json_write(&small, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(edge_cases_match_json_dumps),
        cmocka_unit_test(random_trees_match_json_dumps),
        cmocka_unit_test(caps_are_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
