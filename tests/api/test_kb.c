/*
 * End-to-end tests of the knowledge base (法律问答): `yizhan init` seeds it
 * (1,542 entries, one kb.imported event); GET /api/v1/kb?q= finds and ranks
 * without a session, full-width text searches like ASCII, a case number is
 * searchable; GET /api/v1/kb/{id} shows one entry; and every bad input is a
 * problem+json naming the field in Chinese: a missing, empty, over-long,
 * multi-line, hidden-character or invalid-UTF-8 q, a q with nothing to search
 * for, a bad limit, an unknown parameter, a bad or unknown id. Nothing a
 * search does changes stored data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yz_test_server srv;

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, false, NULL);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

static void init_seeds_the_knowledge_base(void **state)
{
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM kb_entries"), 1542);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM kb_entries WHERE source = 'LeCoQA'"),
                     1542);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM kb_fts_docsize"), 1542);
    assert_int_equal(
        yzt_db_count(&srv, "SELECT count(*) FROM events WHERE stream = 'kb' AND type = "
                           "'kb.imported' AND json_extract(payload, '$.added') = 1542"),
        1);
}

static void search_finds_and_ranks_without_a_session(void **state)
{
    struct yzt_client anon = {.srv = &srv};
    struct yzt_response r = {0};
    char before[65], after[65];
    yzt_db_snapshot_hash(&srv, before);

    /* 谁可以成为个体工商户？ is entry leco-0's question, word for word. */
    yzt_request(&anon, "GET",
                "/api/v1/kb?q=%E8%B0%81%E5%8F%AF%E4%BB%A5%E6%88%90%E4%B8%BA%E4%B8%AA%E4%BD%93%E5"
                "%B7%A5%E5%95%86%E6%88%B7%EF%BC%9F",
                NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_string_equal(yzt_json_str(&r, "q"), "谁可以成为个体工商户？");
    assert_int_equal(yzt_json_int(&r, "total"), 10); /* the default limit */
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 10);
    assert_string_equal(yzt_json_str(&r, "items.0.question"), "谁可以成为个体工商户？");
    assert_int_equal(yzt_json_int(&r, "items.0.id"),
                     yzt_db_count(&srv, "SELECT id FROM kb_entries WHERE source_id = 'leco-0'"));
    assert_string_equal(yzt_json_str(&r, "items.0.source"), "LeCoQA");
    assert_non_null(strstr(yzt_json_str(&r, "items.0.answer"), "个体工商户"));
    int64_t first = yzt_json_int(&r, "items.0.id");

    /* limit; and the one entry by id is the same as its search hit. */
    yzt_request(&anon, "GET", "/api/v1/kb?q=%E7%A6%BB%E5%A9%9A&limit=3", NULL, NULL, &r); /* 离婚 */
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "total"), 3);
    assert_non_null(strstr(yzt_json_str(&r, "items.0.question"), "离婚"));
    char path[64];
    snprintf(path, sizeof path, "/api/v1/kb/%lld", (long long)first);
    yzt_request(&anon, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "id"), first);
    assert_string_equal(yzt_json_str(&r, "question"), "谁可以成为个体工商户？");
    assert_string_equal(yzt_json_str(&r, "source"), "LeCoQA");

    /* Nothing found is an empty list, not an error. */
    yzt_request(&anon, "GET", "/api/v1/kb?q=xyzzy", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "total"), 0);
    yzt_response_free(&r);

    yzt_db_snapshot_hash(&srv, after);
    assert_string_equal(before, after);
}

/* The ids of a search's hits, as text ("12,7,30"). */
static void hit_ids(struct yzt_client *c, const char *path, char *out, size_t size)
{
    struct yzt_response r = {0};
    yzt_request(c, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    size_t o = 0;
    out[0] = '\0';
    json_t *items = yzt_json_at(r.json, "items");
    for (size_t i = 0; i < json_array_size(items) && o < size; i++)
        o += (size_t)snprintf(out + o, size - o, "%s%lld", i ? "," : "",
                              (long long)json_integer_value(
                                  json_object_get(json_array_get(items, i), "id")));
    yzt_response_free(&r);
}

static void full_width_and_case_numbers_search_alike(void **state)
{
    struct yzt_client anon = {.srv = &srv};
    char ascii[512], wide[512];
    /* LPR4倍 and its full-width form ＬＰＲ４倍. */
    hit_ids(&anon, "/api/v1/kb?q=LPR4%E5%80%8D", ascii, sizeof ascii);
    hit_ids(&anon, "/api/v1/kb?q=%EF%BC%AC%EF%BC%B0%EF%BC%B2%EF%BC%94%E5%80%8D", wide, sizeof wide);
    assert_true(ascii[0] != '\0');
    assert_string_equal(ascii, wide);
    /* A case number with full-width digits is a valid search. */
    struct yzt_response r = {0};
    yzt_request(&anon, "GET",
                "/api/v1/kb?q=%EF%BC%882023%EF%BC%89%E4%BA%AC0105%E6%B0%91%E5%88%9D%EF%BC%91%EF%BC"
                "%92%EF%BC%93%EF%BC%94%EF%BC%95%E5%8F%B7",
                NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

static void bad_input_is_refused_in_chinese(void **state)
{
    struct yzt_client anon = {.srv = &srv};
    struct yzt_response r = {0};
    static const struct {
        const char *path;
        const char *field;
        const char *code; /* NULL: any code */
    } bad[] = {
        {"/api/v1/kb", "query/q", "required"},
        {"/api/v1/kb?q=", "query/q", NULL},
        {"/api/v1/kb?q=%EF%BC%9F%EF%BC%81%20%E3%80%82", "query/q", "nothing_to_search"}, /* ？！ 。 */
        {"/api/v1/kb?q=%E7%A6%BB%0A%E5%A9%9A", "query/q", NULL},       /* a newline */
        {"/api/v1/kb?q=%E7%A6%BB%E2%80%8B%E5%A9%9A", "query/q", NULL}, /* zero-width space */
        {"/api/v1/kb?q=%E7%A6%BB%E2%80%AE%E5%A9%9A", "query/q", NULL}, /* right-to-left override */
        {"/api/v1/kb?q=%FF%FE", "query/q", NULL},                      /* invalid UTF-8 */
        {"/api/v1/kb?q=%E7%A6%BB%E5%A9%9A&limit=0", "query/limit", NULL},
        {"/api/v1/kb?q=%E7%A6%BB%E5%A9%9A&limit=51", "query/limit", NULL},
        {"/api/v1/kb?q=%E7%A6%BB%E5%A9%9A&limit=ten", "query/limit", NULL},
        {"/api/v1/kb?q=%E7%A6%BB%E5%A9%9A&page=2", "query/page", NULL},
        {"/api/v1/kb/0", "path/id", "invalid_id"},
        {"/api/v1/kb/abc", "path/id", "invalid_number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        yzt_request(&anon, "GET", bad[i].path, NULL, NULL, &r);
        if (r.status != 400)
            fail_msg("%s answered %ld: %s", bad[i].path, r.status, r.body);
        yzt_assert_problem(&r, 400, "validation_failed");
        yzt_assert_field_error_code(&r, bad[i].field, bad[i].code);
    }
    yzt_request(&anon, "GET", "/api/v1/kb?q=%E7%A6%BB%E5%A9%9A", NULL, NULL, &r);
    yzt_assert_status(&r, 200);

    /* The message names the field in Chinese. */
    yzt_request(&anon, "GET", "/api/v1/kb?q=%EF%BC%9F", NULL, NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    assert_string_equal(yzt_json_str(&r, "errors.0.message"), "问题中没有可检索的汉字、字母或数字");

    /* 100 characters are allowed, 101 are not. */
    char path[2048];
    size_t o = (size_t)snprintf(path, sizeof path, "/api/v1/kb?q=");
    for (int i = 0; i < 101; i++)
        o += (size_t)snprintf(path + o, sizeof path - o, "%s", i % 2 ? "%E5%A9%9A" : "%E7%A6%BB");
    yzt_request(&anon, "GET", path, NULL, NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "query/q", "too_long");
    path[o - 9] = '\0';
    yzt_request(&anon, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);

    /* An id that names no entry. */
    yzt_request(&anon, "GET", "/api/v1/kb/999999", NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_seeds_the_knowledge_base),
        cmocka_unit_test(search_finds_and_ranks_without_a_session),
        cmocka_unit_test(full_width_and_case_numbers_search_alike),
        cmocka_unit_test(bad_input_is_refused_in_chinese),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
