/*
 * End-to-end tests of in-app notifications (GET /api/v1/notifications, POST
 * /api/v1/notifications/{id}/read) on the demo court system: a party's
 * inquiry at 渝0103 reaches that court's staff and nobody else (not another
 * court, not the supervising court, not other parties); a clerk's answer
 * reaches the party; marking read works for one's own notifications only
 * (404 like a missing one otherwise, the denial recorded, nothing changed),
 * records one event, and drops the item from unread=true; paging and bad
 * parameters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PHONE_A "13800000001"
#define PHONE_B "13800000002"
#define MISSING_ID 999999

static struct yz_test_server srv;
/* Staff log in once: a TOTP code works once, and the tests run within one 30 s step. */
static struct yzt_client clerk = {.srv = &srv}, other_clerk = {.srv = &srv},
                         supervisor = {.srv = &srv};
static int64_t court_0103;

static const char *const SKIP_EVENTS[] = {"events", "chain_head", "checkpoints", NULL};
static const char *const DENIALS_SQL =
    "SELECT count(*) FROM events WHERE stream = 'security' AND type = 'access_denied'";

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&other_clerk, "filing_clerk_jb");
    yzt_demo_login(&supervisor, "supervisor");
    court_0103 = yzt_court_id(&clerk, "渝0103");
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

static int64_t create_inquiry(struct yzt_client *c)
{
    struct yzt_response r = {0};
    yzt_post_new(c, "/api/v1/matters",
                 json_pack("{ss sI ss s{ss ss ss}}", "kind", "inquiry", "court_id",
                           (json_int_t)court_0103, "title", "民间借贷立案咨询", "fields",
                           "question", "民间借贷纠纷应向哪个法院起诉？", "topic", "filing",
                           "channel", "web"),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    return id;
}

static void answer(struct yzt_client *c, int64_t matter)
{
    struct yzt_response r = {0};
    char path[96];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)matter);
    yzt_post_new(c, path,
                 json_pack("{ss s{ss ss}}", "event", "answer", "fields", "answer",
                           "请向被告住所地法院起诉。", "method", "online"),
                 &r);
    yzt_assert_status(&r, 200);
    yzt_response_free(&r);
}

/* GETs path (a notifications list) into r and checks the shape of every item. */
static json_t *list(struct yzt_client *c, const char *path, struct yzt_response *r)
{
    yzt_request(c, "GET", path, NULL, NULL, r);
    yzt_assert_status(r, 200);
    json_t *items = yzt_json_at(r->json, "items");
    assert_true(json_is_array(items));
    size_t i;
    json_t *it;
    int64_t prev = INT64_MAX;
    json_array_foreach(items, i, it)
    {
        int64_t id = json_integer_value(json_object_get(it, "id"));
        assert_true(id > 0 && id < prev); /* newest first */
        prev = id;
        json_t *m = json_object_get(it, "matter_id");
        assert_true(json_is_integer(m) || json_is_null(m));
        assert_true(json_is_string(json_object_get(it, "template")));
        assert_true(json_is_object(json_object_get(it, "payload")));
        const char *at = json_string_value(json_object_get(it, "created_at"));
        assert_non_null(at);
        assert_int_equal(strlen(at), 24); /* 2026-11-29T14:57:29.123Z */
        assert_int_equal(at[23], 'Z');
        assert_true(json_is_boolean(json_object_get(it, "read")));
    }
    return items;
}

/* The id of the first notification in c's list (path) about matter for event, or 0. */
static int64_t find(struct yzt_client *c, const char *path, int64_t matter, const char *event,
                    bool *read)
{
    struct yzt_response r = {0};
    json_t *items = list(c, path, &r);
    int64_t found = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        json_t *p = json_object_get(it, "payload");
        const char *ev = json_string_value(json_object_get(p, "event"));
        if (json_integer_value(json_object_get(it, "matter_id")) == matter && ev &&
            strcmp(ev, event) == 0 && !found) {
            found = json_integer_value(json_object_get(it, "id"));
            assert_int_equal(json_integer_value(json_object_get(p, "matter_id")), matter);
            assert_string_equal(json_string_value(json_object_get(p, "kind")), "inquiry");
            assert_string_equal(json_string_value(json_object_get(it, "template")), "matter_event");
            if (read)
                *read = json_is_true(json_object_get(it, "read"));
        }
    }
    yzt_response_free(&r);
    return found;
}

static void mark(struct yzt_client *c, int64_t id, struct yzt_response *r)
{
    char path[96];
    snprintf(path, sizeof path, "/api/v1/notifications/%lld/read", (long long)id);
    yzt_request(c, "POST", path, NULL, NULL, r);
}

static int64_t read_events(int64_t id)
{
    char sql[256];
    snprintf(
        sql, sizeof sql,
        "SELECT count(*) FROM events WHERE type = 'notification.read' AND stream LIKE 'user/%%'"
        " AND json_extract(payload, '$.notification_id') = %lld",
        (long long)id);
    return yzt_db_count(&srv, sql);
}

/* Asserts a 404 for id that is indistinguishable from a missing notification's,
 * changes nothing but the security record, and is recorded. */
static void assert_hidden(struct yzt_client *c, int64_t id)
{
    struct yzt_response r = {0}, missing = {0};
    char before[65], after[65];
    int64_t denials = yzt_db_count(&srv, DENIALS_SQL);
    yzt_db_snapshot_hash_except(&srv, SKIP_EVENTS, before);
    mark(c, id, &r);
    yzt_db_snapshot_hash_except(&srv, SKIP_EVENTS, after);
    assert_string_equal(before, after);
    assert_int_equal(read_events(id), 0);
    assert_true(yzt_db_count(&srv, DENIALS_SQL) > denials);
    mark(c, MISSING_ID, &missing);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_assert_problem(&missing, 404, "not_found");
    json_object_del(r.json, "request_id");
    json_object_del(r.json, "instance");
    json_object_del(missing.json, "request_id");
    json_object_del(missing.json, "instance");
    char *a = json_dumps(r.json, JSON_SORT_KEYS), *b = json_dumps(missing.json, JSON_SORT_KEYS);
    assert_string_equal(a, b);
    free(a);
    free(b);
    yzt_response_free(&r);
    yzt_response_free(&missing);
}

static void court_staff_see_filing(void **state)
{
    struct yzt_client a = {.srv = &srv}, b = {.srv = &srv};
    yzt_demo_login(&a, PHONE_A);
    yzt_demo_login(&b, PHONE_B);
    int64_t matter = create_inquiry(&a);

    /* RULE: notify-court: the court's staff learn of the new inquiry. */
    bool read = true;
    int64_t n = find(&clerk, "/api/v1/notifications", matter, "submit", &read);
    assert_true(n > 0);
    assert_false(read);
    assert_int_equal(find(&clerk, "/api/v1/notifications?unread=true", matter, "submit", NULL), n);

    /* Nobody else: another court, the supervising court (its own inbox only),
     * the party who filed (the notice went to the court), another party. */
    assert_int_equal(find(&other_clerk, "/api/v1/notifications", matter, "submit", NULL), 0);
    assert_int_equal(find(&supervisor, "/api/v1/notifications", matter, "submit", NULL), 0);
    assert_int_equal(find(&a, "/api/v1/notifications", matter, "submit", NULL), 0);
    assert_int_equal(find(&b, "/api/v1/notifications", matter, "submit", NULL), 0);

    /* Nor can they mark it read. */
    assert_hidden(&other_clerk, n);
    assert_hidden(&supervisor, n);
    assert_hidden(&a, n);
}

static void party_marks_own_read(void **state)
{
    struct yzt_client a = {.srv = &srv}, b = {.srv = &srv};
    struct yzt_response r = {0};
    yzt_demo_login(&a, PHONE_A);
    yzt_demo_login(&b, PHONE_B);
    int64_t matter = create_inquiry(&a);
    int64_t court_notice = find(&clerk, "/api/v1/notifications", matter, "submit", NULL);
    assert_true(court_notice > 0);

    /* RULE: notify-parties: the clerk's answer reaches the party. */
    answer(&clerk, matter);
    bool read = true;
    int64_t n = find(&a, "/api/v1/notifications?unread=true", matter, "answer", &read);
    assert_true(n > 0);
    assert_false(read);
    assert_int_equal(find(&b, "/api/v1/notifications", matter, "answer", NULL), 0);
    assert_int_equal(find(&clerk, "/api/v1/notifications", matter, "answer", NULL), 0);

    /* Someone else's notification, the court's or another party's: 404, nothing marked. */
    assert_hidden(&a, court_notice);
    assert_hidden(&b, n);
    assert_int_equal(find(&a, "/api/v1/notifications?unread=true", matter, "answer", NULL), n);

    /* Own: marked, recorded once, gone from the unread list, still in the full one. */
    mark(&a, n, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "id"), n);
    assert_true(yzt_json_bool(&r, "read"));
    assert_int_equal(yzt_json_int(&r, "matter_id"), matter);
    yzt_response_free(&r);
    assert_int_equal(read_events(n), 1);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE id = %lld AND read_at > 0",
             (long long)n);
    assert_int_equal(yzt_db_count(&srv, sql), 1);
    assert_int_equal(find(&a, "/api/v1/notifications?unread=true", matter, "answer", NULL), 0);
    read = false;
    assert_int_equal(find(&a, "/api/v1/notifications?unread=false", matter, "answer", &read), n);
    assert_true(read);

    /* Again: still 200, and the first reading stands (no second event). */
    mark(&a, n, &r);
    yzt_assert_status(&r, 200);
    assert_true(yzt_json_bool(&r, "read"));
    yzt_response_free(&r);
    assert_int_equal(read_events(n), 1);

    /* The court's notice is the court's: its clerk marks it read for the court. */
    mark(&clerk, court_notice, &r);
    yzt_assert_status(&r, 200);
    assert_true(yzt_json_bool(&r, "read"));
    yzt_response_free(&r);
    assert_int_equal(read_events(court_notice), 1);
    assert_int_equal(find(&clerk, "/api/v1/notifications?unread=true", matter, "submit", NULL), 0);
}

static void paging(void **state)
{
    struct yzt_client a = {.srv = &srv};
    struct yzt_response r = {0};
    yzt_demo_login(&a, PHONE_A);
    create_inquiry(&a);
    create_inquiry(&a);
    create_inquiry(&a);

    json_t *all = list(&clerk, "/api/v1/notifications", &r);
    size_t total = json_array_size(all);
    assert_true(total >= 3);
    int64_t newest = json_integer_value(json_object_get(json_array_get(all, 0), "id"));
    int64_t second = json_integer_value(json_object_get(json_array_get(all, 1), "id"));
    int64_t third = json_integer_value(json_object_get(json_array_get(all, 2), "id"));
    yzt_response_free(&r);

    list(&clerk, "/api/v1/notifications?limit=1", &r);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 1);
    assert_int_equal(yzt_json_int(&r, "items.0.id"), newest);
    assert_int_equal(yzt_json_int(&r, "limit"), 1);
    assert_int_equal(yzt_json_int(&r, "next_before"), newest);
    yzt_response_free(&r);

    char path[96];
    snprintf(path, sizeof path, "/api/v1/notifications?limit=2&before=%lld", (long long)newest);
    list(&clerk, path, &r);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "items")), 2);
    assert_int_equal(yzt_json_int(&r, "items.0.id"), second);
    assert_int_equal(yzt_json_int(&r, "items.1.id"), third);
    yzt_response_free(&r);

    /* A page that is not full has no next_before. */
    list(&clerk, "/api/v1/notifications?limit=1000", &r);
    assert_true(json_array_size(yzt_json_at(r.json, "items")) < 1000);
    assert_false(yzt_json_has(&r, "next_before"));
    yzt_response_free(&r);
}

static void bad_parameters(void **state)
{
    struct yzt_client a = {.srv = &srv}, anon = {.srv = &srv};
    struct yzt_response r = {0};
    yzt_demo_login(&a, PHONE_A);
    static const struct {
        const char *query, *field;
    } bad[] = {
        {"unread=yes", "query/unread"}, {"unread=", "query/unread"},   {"limit=0", "query/limit"},
        {"limit=1001", "query/limit"},  {"limit=abc", "query/limit"},  {"before=0", "query/before"},
        {"before=-5", "query/before"},  {"before=1x", "query/before"}, {"page=2", "query/page"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/notifications?%s", bad[i].query);
        yzt_request(&a, "GET", path, NULL, NULL, &r);
        yzt_assert_problem(&r, 400, "validation_failed");
        yzt_assert_field_error(&r, bad[i].field);
    }
    yzt_request(&a, "POST", "/api/v1/notifications/abc/read", NULL, NULL, &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error(&r, "path/id");
    yzt_request(&a, "POST", "/api/v1/notifications/1/read", "{}", NULL, &r);
    yzt_assert_problem(&r, 400, "bad_request");

    yzt_request(&anon, "GET", "/api/v1/notifications", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    yzt_request(&anon, "POST", "/api/v1/notifications/1/read", NULL, NULL, &r);
    yzt_assert_problem(&r, 401, "unauthenticated");
    yzt_response_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(court_staff_see_filing),
        cmocka_unit_test(party_marks_own_read),
        cmocka_unit_test(paging),
        cmocka_unit_test(bad_parameters),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
