/*
 * Class cases (类案) end to end: the suggestion groups registered cases of
 * one court with the same plaintiff, the same cause and similar claims, and
 * nothing else; a group enforces plaintiff and cause for every case added;
 * a demonstration case with its followers; every change an event in a
 * history that verifies; bad input and foreign access answered as the rules
 * say (another court's group is a 404, a role without the right a 403).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"
#include "lib/cases.h"
#include "lib/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct yz_test_server srv;
/* Staff log in once: a TOTP code works once per 30 s step. */
static struct yzt_client clerk = {.srv = &srv}, clerk_jb = {.srv = &srv},
                         triage = {.srv = &srv}, judge = {.srv = &srv},
                         admin_jb = {.srv = &srv}, assistant = {.srv = &srv},
                         party = {.srv = &srv};

static const struct yzt_plaintiff bank = {"重庆示例银行股份有限公司", "91500103MA5U0AAA0Q", NULL};
static const struct yzt_plaintiff property = {"重庆示例物业服务有限公司", "91500103MA5U0BBB0N", NULL};
static const struct yzt_plaintiff other_bank = {"重庆另一银行股份有限公司", "91500103MA5U0CCC0L", NULL};
static const struct yzt_plaintiff person = {"张三", NULL, "500103199001011232"};

#define CARD_FACTS "被告向原告申领信用卡并透支消费，经催收至今未还。"

/* The fixture cases (matter ids). */
static int64_t card[3], card_odd, property_fee[2], loan[2], other_card, foreign_card;

static void card_claims(char *out, size_t size, int yuan, int cents)
{
    snprintf(out, size, "判令被告偿还信用卡透支本金%d.%02d元、利息及违约金，并承担本案诉讼费用", yuan, cents);
}

static int setup(void **state)
{
    yzt_global_setup(state);
    yzt_server_start(&srv, true, NULL);
    yzt_demo_login(&clerk, "filing_clerk");
    yzt_demo_login(&clerk_jb, "filing_clerk_jb");
    yzt_demo_login(&triage, "triage_officer");
    yzt_demo_login(&judge, "judge");
    yzt_demo_login(&admin_jb, "court_admin_jb");
    yzt_demo_login(&assistant, "assistant");
    yzt_demo_login(&party, "13800000001");
    int64_t court = yzt_court_id(&clerk, "渝0103"), court_jb = yzt_court_id(&clerk, "渝0105");
    static const char *const debtors[] = {"李四", "王五", "赵六"};
    char claims[256];
    for (int i = 0; i < 3; i++) {
        card_claims(claims, sizeof claims, 12345 * (i + 1), 67);
        card[i] = yzt_case_register(&clerk, court,
                                    yzt_case_application(&bank, debtors[i], "115.2", claims,
                                                         CARD_FACTS, 1234567 * (i + 1)),
                                    NULL, 0);
    }
    /* Same bank, same cause, but a different claim altogether. */
    card_odd = yzt_case_register(
        &clerk, court,
        yzt_case_application(&bank, "孙七", "115.2", "确认原告与被告之间的信用卡领用合约已于起诉之日解除",
                             CARD_FACTS, -1),
        NULL, 0);
    for (int i = 0; i < 2; i++)
        property_fee[i] = yzt_case_register(
            &clerk, court,
            yzt_case_application(&property, debtors[i], "126",
                                 i ? "判令被告支付2024年度物业服务费3600元及滞纳金120元"
                                   : "判令被告支付2025年度物业服务费4200元及滞纳金300元",
                                 "被告系小区业主，拖欠物业服务费。", 360000 + 60000 * i),
            NULL, 0);
    for (int i = 0; i < 2; i++)
        loan[i] = yzt_case_register(
            &clerk, court,
            yzt_case_application(&person, debtors[i], "108.3",
                                 i ? "判令被告偿还借款本金五万元及利息" : "判令被告偿还借款本金十万元及利息",
                                 "被告向原告借款，到期未还。", 5000000 * (i + 1)),
            NULL, 0);
    /* Same cause and claims, another plaintiff. */
    card_claims(claims, sizeof claims, 999, 0);
    other_card = yzt_case_register(
        &clerk, court, yzt_case_application(&other_bank, "周八", "115.2", claims, CARD_FACTS, 99900),
        NULL, 0);
    /* The bank's case in another court. */
    foreign_card = yzt_case_register(
        &clerk_jb, court_jb, yzt_case_application(&bank, "吴九", "115.2", claims, CARD_FACTS, 99900),
        NULL, 0);
    return 0;
}

static int teardown(void **state)
{
    yzt_server_stop(&srv);
    return yzt_global_teardown(state);
}

/* The ids of the cases of suggestion i, in order, into ids; returns how many. */
static size_t suggestion_ids(json_t *root, size_t i, int64_t *ids, size_t max)
{
    json_t *cases = json_object_get(json_array_get(json_object_get(root, "suggestions"), i), "cases");
    size_t n = 0, k;
    json_t *c;
    json_array_foreach(cases, k, c) if (n < max) ids[n++] = json_integer_value(json_object_get(c, "id"));
    return n;
}

static void add(struct yzt_client *c, int64_t group, int64_t case_id, long status,
                struct yzt_response *r)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/case-groups/%lld/cases", (long long)group);
    yzt_request_json(c, "POST", path, json_pack("{s:I}", "case_id", (json_int_t)case_id), NULL, r);
    yzt_assert_status(r, status);
}

static int64_t create_group(struct yzt_client *c, const char *name, const char *cause)
{
    struct yzt_response r = {0};
    yzt_post_new(c, "/api/v1/case-groups",
                 json_pack("{s:s, s:s, s:s}", "name", name, "cause_code", cause, "criteria",
                           "同一原告、同一案由、诉讼请求相似"),
                 &r);
    yzt_assert_status(&r, 201);
    int64_t id = yzt_json_int(&r, "id");
    yzt_response_free(&r);
    return id;
}

/* RULE: class-case-criteria */
static void suggestions_group_same_plaintiff_cause_and_similar_claims(void **state)
{
    struct yzt_response r = {0};
    yzt_request(&triage, "GET", "/api/v1/case-groups/suggestions", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "considered"), 9); /* the court's 9, not the other court's */
    assert_int_equal(json_array_size(yzt_json_at(r.json, "suggestions")), 3);
    int64_t ids[8];
    /* Largest first: the bank's three card cases (not the odd claim, not the other bank). */
    assert_int_equal(suggestion_ids(r.json, 0, ids, 8), 3);
    assert_int_equal(ids[0], card[0]);
    assert_int_equal(ids[1], card[1]);
    assert_int_equal(ids[2], card[2]);
    assert_string_equal(yzt_json_str(&r, "suggestions.0.cause_code"), "115.2");
    assert_string_equal(yzt_json_str(&r, "suggestions.0.cause_name"), "信用卡纠纷");
    assert_string_equal(yzt_json_str(&r, "suggestions.0.plaintiff"), bank.name);
    assert_string_equal(yzt_json_str(&r, "suggestions.0.name"), "重庆示例银行股份有限公司信用卡纠纷类案");
    assert_true(yzt_json_bool(&r, "suggestions.0.criteria.same_plaintiff"));
    assert_string_equal(yzt_json_str(&r, "suggestions.0.criteria.same_cause"), "115.2");
    assert_true(yzt_json_int(&r, "suggestions.0.criteria.claims_similarity_min") >= 50);
    assert_int_equal(yzt_json_int(&r, "suggestions.0.amount_fen_min"), 1234567);
    assert_int_equal(yzt_json_int(&r, "suggestions.0.amount_fen_max"), 3703701);
    /* Then the property company's fee claims and the natural person's loans,
     * whose plaintiff is matched through the sealed citizen ID. */
    assert_int_equal(suggestion_ids(r.json, 1, ids, 8), 2);
    assert_int_equal(ids[0], property_fee[0]);
    assert_int_equal(ids[1], property_fee[1]);
    assert_int_equal(suggestion_ids(r.json, 2, ids, 8), 2);
    assert_int_equal(ids[0], loan[0]);
    assert_int_equal(ids[1], loan[1]);
    /* Nowhere: the odd claim, the other bank, the other court's case. */
    char *text = json_dumps(r.json, 0);
    char needle[40];
    for (size_t i = 0; i < 3; i++) {
        const int64_t absent[] = {card_odd, other_card, foreign_card};
        snprintf(needle, sizeof needle, "\"id\": %lld,", (long long)absent[i]);
        assert_null(strstr(text, needle));
    }
    free(text);
    /* Nothing in the response names an ID number. */
    assert_null(strstr(r.body, person.citizen_id));
    yzt_response_free(&r);
}

/* RULE: class-case-criteria */
static void a_group_enforces_plaintiff_and_cause_and_links_followers(void **state)
{
    struct yzt_response r = {0};
    int64_t g = create_group(&triage, "示例银行信用卡类案", "115.2");
    for (int i = 0; i < 3; i++) {
        add(&triage, g, card[i], 200, &r);
        yzt_response_free(&r);
    }
    add(&judge, g, card_odd, 200, &r); /* same plaintiff and cause: staff may add it by hand */
    assert_int_equal(json_array_size(yzt_json_at(r.json, "cases")), 4);
    yzt_response_free(&r);

    /* Refused, each with its reason. */
    add(&triage, g, other_card, 400, &r);
    yzt_assert_field_error_code(&r, "case_id", "plaintiff_mismatch");
    yzt_response_free(&r);
    add(&triage, g, property_fee[0], 400, &r);
    yzt_assert_field_error_code(&r, "case_id", "cause_mismatch");
    yzt_response_free(&r);
    add(&triage, g, foreign_card, 400, &r); /* another court's case: as if missing */
    yzt_assert_field_error_code(&r, "case_id", "not_found");
    yzt_response_free(&r);
    add(&triage, g, 999999, 400, &r);
    yzt_assert_field_error_code(&r, "case_id", "not_found");
    yzt_response_free(&r);
    add(&triage, g, card[0], 409, &r); /* already a member */
    yzt_assert_problem(&r, 409, "already_exists");
    yzt_response_free(&r);
    int64_t g2 = create_group(&judge, "示例银行信用卡类案（二）", "115.2");
    add(&judge, g2, card[1], 409, &r); /* a case is in one group at most */
    yzt_response_free(&r);

    /* The demonstration case and its followers. */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/case-groups/%lld/demonstration", (long long)g);
    yzt_request_json(&judge, "PUT", path, json_pack("{s:I}", "case_id", (json_int_t)card[1]), NULL,
                     &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "demonstration.id"), card[1]);
    json_t *cases = yzt_json_at(r.json, "cases");
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        int64_t id = json_integer_value(json_object_get(c, "id"));
        const char *role = json_string_value(json_object_get(c, "role"));
        int64_t sim = json_integer_value(json_object_get(c, "similarity"));
        assert_string_equal(role, id == card[1] ? "demonstration" : "follower");
        if (id == card_odd)
            assert_true(sim < 50);
        else
            assert_true(sim >= 50);
    }
    /* The class's document templates: the credit-card element judgment among them. */
    assert_non_null(strstr(r.body, "\"credit_card_element_judgment\""));
    assert_non_null(strstr(r.body, "\"summons\""));
    yzt_response_free(&r);
    yzt_request_json(&judge, "PUT", path, json_pack("{s:I}", "case_id", (json_int_t)loan[0]), NULL,
                     &r);
    yzt_assert_field_error_code(&r, "case_id", "not_member");
    yzt_response_free(&r);

    snprintf(path, sizeof path, "/api/v1/matters/%lld/case-group", (long long)card[2]);
    yzt_request(&triage, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "group.id"), g);
    assert_string_equal(yzt_json_str(&r, "group.role"), "follower");
    assert_int_equal(yzt_json_int(&r, "group.demonstration.id"), card[1]);
    assert_true(strstr(yzt_json_str(&r, "group.demonstration.case_number"), "民初") != NULL);
    yzt_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/matters/%lld/case-group", (long long)loan[1]);
    yzt_request(&judge, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_true(json_is_null(yzt_json_at(r.json, "group")));
    yzt_response_free(&r);

    /* Grouped cases are no longer suggested. */
    yzt_request(&triage, "GET", "/api/v1/case-groups/suggestions", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "considered"), 5);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "suggestions")), 2);
    yzt_response_free(&r);

    /* Removing the demonstration case leaves the group without one. */
    snprintf(path, sizeof path, "/api/v1/case-groups/%lld/cases/%lld", (long long)g,
             (long long)card[1]);
    yzt_request(&triage, "DELETE", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_true(json_is_null(yzt_json_at(r.json, "demonstration")));
    assert_int_equal(json_array_size(yzt_json_at(r.json, "cases")), 3);
    yzt_response_free(&r);
    yzt_request(&triage, "DELETE", path, NULL, NULL, &r); /* not a member any more */
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);

    yzt_request(&judge, "GET", "/api/v1/case-groups", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "groups")), 2);
    yzt_response_free(&r);

    /* Every change is an event on the group's stream: created, 4 added, demonstration, removed. */
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE stream = 'case_group/%lld'",
             (long long)g);
    assert_int_equal(yzt_db_count(&srv, sql), 7);
    char out[4096];
    const char *const args[] = {"audit", "verify", "--dir", srv.dir, NULL};
    assert_int_equal(yzt_run_cli(args, out, sizeof out), 0);
}

static void other_courts_and_roles_are_refused(void **state)
{
    int64_t g = create_group(&triage, "物业服务费类案", "126");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/case-groups/%lld", (long long)g);
    struct yzt_response r = {0};
    int64_t denials = yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'access_denied'");
    /* Another court's admin: exactly like a missing group, and recorded. */
    yzt_request(&admin_jb, "GET", path, NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    yzt_request(&admin_jb, "GET", "/api/v1/case-groups/999999", NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    add(&admin_jb, g, property_fee[0], 404, &r);
    yzt_response_free(&r);
    snprintf(path, sizeof path, "/api/v1/matters/%lld/case-group", (long long)property_fee[0]);
    yzt_request(&admin_jb, "GET", path, NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type = 'access_denied'"),
                     denials + 3);
    /* The other court's suggestions are its own: the bank's case there is alone. */
    yzt_request(&admin_jb, "GET", "/api/v1/case-groups/suggestions", NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    assert_int_equal(yzt_json_int(&r, "considered"), 1);
    assert_int_equal(json_array_size(yzt_json_at(r.json, "suggestions")), 0);
    yzt_response_free(&r);
    /* Roles without the right: 403 before anything is looked up. */
    snprintf(path, sizeof path, "/api/v1/case-groups/%lld", (long long)g);
    struct yzt_client *refused[] = {&assistant, &party, &clerk};
    for (size_t i = 0; i < 3; i++) {
        yzt_request(refused[i], "GET", path, NULL, NULL, &r);
        yzt_assert_problem(&r, 403, "forbidden");
        yzt_response_free(&r);
    }
    add(&party, g, property_fee[0], 403, &r);
    yzt_response_free(&r);
}

static void bad_input_is_refused_and_stores_nothing(void **state)
{
    struct yzt_response r = {0};
    int64_t groups = yzt_db_count(&srv, "SELECT count(*) FROM case_groups");
    int64_t events = yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type LIKE 'class.%'");
    yzt_post_new(&triage, "/api/v1/case-groups", json_pack("{s:s}", "cause_code", "115.2"), &r);
    yzt_assert_problem(&r, 400, "validation_failed");
    yzt_assert_field_error_code(&r, "name", "required");
    yzt_assert_field_error_code(&r, "criteria", "required");
    yzt_response_free(&r);
    char longname[400];
    for (int i = 0; i < 61; i++)
        memcpy(longname + 3 * i, "类", 3);
    longname[3 * 61] = '\0';
    yzt_post_new(&triage, "/api/v1/case-groups",
                 json_pack("{s:s, s:s, s:s}", "name", longname, "cause_code", "115.2", "criteria",
                           "同一原告"),
                 &r);
    yzt_assert_field_error(&r, "name");
    yzt_response_free(&r);
    yzt_post_new(&triage, "/api/v1/case-groups",
                 json_pack("{s:s, s:s, s:s}", "name", "无此案由", "cause_code", "999.9", "criteria",
                           "同一原告"),
                 &r);
    yzt_assert_field_error_code(&r, "cause_code", "not_found");
    yzt_response_free(&r);
    yzt_post_new(&triage, "/api/v1/case-groups",
                 json_pack("{s:s, s:s, s:s}", "name", "示例银行信用卡类案", "cause_code", "115.2",
                           "criteria", "同名"),
                 &r);
    yzt_assert_problem(&r, 409, "already_exists");
    yzt_response_free(&r);
    /* Without an Idempotency-Key a creating POST is refused. */
    yzt_request(&triage, "POST", "/api/v1/case-groups",
                "{\"name\":\"x\",\"cause_code\":\"115.2\",\"criteria\":\"同一原告\"}", NULL, &r);
    yzt_assert_problem(&r, 400, "idempotency_key_required");
    yzt_response_free(&r);
    /* Bad ids in paths and bodies. */
    yzt_request(&triage, "GET", "/api/v1/case-groups/abc", NULL, NULL, &r);
    yzt_assert_status(&r, 400);
    yzt_response_free(&r);
    yzt_request(&triage, "POST", "/api/v1/case-groups/1/cases", "{\"case_id\":-3}", NULL, &r);
    yzt_assert_field_error(&r, "case_id");
    yzt_response_free(&r);
    yzt_request(&triage, "POST", "/api/v1/case-groups/1/cases", "{\"case_id\":\"1\"}", NULL, &r);
    yzt_assert_field_error(&r, "case_id");
    yzt_response_free(&r);
    yzt_request(&triage, "PUT", "/api/v1/case-groups/1/demonstration", "{}", NULL, &r);
    yzt_assert_field_error_code(&r, "case_id", "required");
    yzt_response_free(&r);
    yzt_request(&triage, "GET", "/api/v1/matters/999999/case-group", NULL, NULL, &r);
    yzt_assert_problem(&r, 404, "not_found");
    yzt_response_free(&r);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM case_groups"), groups);
    assert_int_equal(yzt_db_count(&srv, "SELECT count(*) FROM events WHERE type LIKE 'class.%'"),
                     events);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(suggestions_group_same_plaintiff_cause_and_similar_claims),
        cmocka_unit_test(a_group_enforces_plaintiff_and_cause_and_links_followers),
        cmocka_unit_test(other_courts_and_roles_are_refused),
        cmocka_unit_test(bad_input_is_refused_and_stores_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
