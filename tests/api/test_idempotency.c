/*
 * End-to-end tests of Idempotency-Key on POST /api/v1/matters: a replay with
 * the same key and body answers the stored response and creates nothing; the
 * same key with another body is refused; the key is required and well-formed;
 * keys are scoped per user.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"

#include <stdio.h>
#include <string.h>

#define DEMO_PASSWORD "Yizhan-Demo-2026"
#define MATTERS_SQL "SELECT count(*) FROM matters"

static int64_t court_0103(struct yzt_client *c)
{
    struct yzt_response r = {0};
    yzt_request(c, "GET", "/api/v1/courts", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    int64_t id = 0;
    size_t i;
    json_t *it;
    json_array_foreach(yzt_json_at(r.json, "items"), i, it) {
        const char *k = json_string_value(json_object_get(it, "code"));
        if (k && strcmp(k, "渝0103") == 0)
            id = json_integer_value(json_object_get(it, "id"));
    }
    yzt_response_free(&r);
    assert_true(id > 0);
    return id;
}

/* POSTs an inquiry with question q; key NULL sends no Idempotency-Key. */
static void create(struct yzt_client *c, int64_t court, const char *key, const char *q,
                   struct yzt_response *r)
{
    char hdr[256];
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key ? key : "");
    const char *const h[] = {hdr, NULL};
    yzt_request_json(c, "POST", "/api/v1/matters",
                     json_pack("{ss sI ss s{ss ss ss}}", "kind", "inquiry", "court_id",
                               (json_int_t)court, "title", "诉讼费用咨询", "fields", "question", q,
                               "topic", "fees", "channel", "web"),
                     key ? h : NULL, r);
}

static void replay_and_reuse(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s};
    struct yzt_response r1 = {0}, r2 = {0};
    yzt_login(&a, "13800000001", DEMO_PASSWORD, NULL);
    int64_t court = court_0103(&a);
    char key[40];
    yzt_idem_key(key);

    create(&a, court, key, "诉讼费怎么交？", &r1);
    yzt_assert_status(&r1, 201);
    assert_int_equal(yzt_db_count(s, MATTERS_SQL), 1);
    create(&a, court, key, "诉讼费怎么交？", &r2);
    yzt_assert_status(&r2, 201);
    assert_int_equal(r1.len, r2.len);
    assert_memory_equal(r1.body, r2.body, r1.len);
    assert_int_equal(yzt_db_count(s, MATTERS_SQL), 1);

    char before[65], after[65];
    yzt_db_snapshot_hash(s, before);
    create(&a, court, key, "诉讼费可以缓交吗？", &r2);
    yzt_assert_problem(&r2, 422, "idempotency_key_reused");
    yzt_db_snapshot_hash(s, after);
    assert_string_equal(before, after);
    assert_int_equal(yzt_db_count(s, MATTERS_SQL), 1);
    yzt_response_free(&r1);
    yzt_response_free(&r2);
}

static void key_required_and_well_formed(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s};
    struct yzt_response r = {0};
    yzt_login(&a, "13800000001", DEMO_PASSWORD, NULL);
    int64_t court = court_0103(&a);

    create(&a, court, NULL, "没有幂等键", &r);
    yzt_assert_problem(&r, 400, "idempotency_key_required");
    const char *const bad[] = {"short", "has space in it 0123456789abcdef", "中文中文中文中文中文中文",
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                               "0", /* 129 characters: one over the limit */
                               NULL};
    for (int i = 0; bad[i]; i++) {
        create(&a, court, bad[i], "坏的幂等键", &r);
        yzt_assert_problem(&r, 400, "validation_failed");
        yzt_assert_field_error_code(&r, "header/Idempotency-Key", "invalid");
    }
    assert_int_equal(yzt_db_count(s, MATTERS_SQL), 0);
    yzt_response_free(&r);
}

static void keys_are_per_user(void **state)
{
    struct yz_test_server *s = *state;
    struct yzt_client a = {.srv = s}, b = {.srv = s};
    struct yzt_response ra = {0}, rb = {0};
    yzt_login(&a, "13800000001", DEMO_PASSWORD, NULL);
    yzt_login(&b, "13800000002", DEMO_PASSWORD, NULL);
    int64_t court = court_0103(&a);
    char key[40];
    yzt_idem_key(key);

    create(&a, court, key, "同一个键", &ra);
    yzt_assert_status(&ra, 201);
    create(&b, court, key, "同一个键", &rb);
    yzt_assert_status(&rb, 201);
    assert_int_not_equal(yzt_json_int(&ra, "id"), yzt_json_int(&rb, "id"));
    assert_int_equal(yzt_db_count(s, MATTERS_SQL), 2);

    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)yzt_json_int(&rb, "id"));
    yzt_request(&b, "GET", path, NULL, NULL, &rb);
    yzt_assert_status(&rb, 200); /* B's own matter, not a replay of A's */
    yzt_request(&a, "GET", path, NULL, NULL, &rb);
    yzt_assert_problem(&rb, 404, "not_found");
    yzt_response_free(&ra);
    yzt_response_free(&rb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(replay_and_reuse, yzt_setup_demo_server, yzt_teardown_server),
        cmocka_unit_test_setup_teardown(key_required_and_well_formed, yzt_setup_demo_server,
                                        yzt_teardown_server),
        cmocka_unit_test_setup_teardown(keys_are_per_user, yzt_setup_demo_server, yzt_teardown_server),
    };
    return cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
}
