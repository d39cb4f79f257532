#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/cases.h"
#include "lib/demo.h"

#include <stdio.h>
#include <string.h>

json_t *yzt_case_application(const struct yzt_plaintiff *p, const char *defendant,
                             const char *cause_code, const char *claims, const char *facts,
                             int64_t amount_fen)
{
    json_t *plaintiff;
    if (p->credit_code)
        plaintiff = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "role", "plaintiff", "kind",
                              "legal", "name", p->name, "credit_code", p->credit_code,
                              "legal_rep", "王经理", "address", "重庆市渝中区民族路188号");
    else
        plaintiff = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "role", "plaintiff",
                              "kind", "natural", "name", p->name, "sex", "male", "birth_date",
                              "1990-01-01", "ethnicity", "汉族", "citizen_id", p->citizen_id,
                              "address", "重庆市渝中区解放碑街道1号");
    json_t *app = json_pack(
        "{s:s, s:i, s:s, s:[o, {s:s, s:s, s:s, s:s, s:s}], s:s, s:s, s:{s:s, s:s, s:b}}",
        "cause_code", cause_code, "cause_revision", 2025, "case_type", "民初", "parties",
        plaintiff, "role", "defendant", "kind", "natural", "name", defendant, "sex", "female",
        "address", "重庆市江北区观音桥街道2号", "claims", claims, "facts", facts,
        "service_address", "address", "重庆市渝中区民族路188号", "phone", "13800000001",
        "e_service_consent", 1);
    if (amount_fen >= 0)
        json_object_set_new(app, "amount_fen", json_integer(amount_fen));
    return app;
}

/* who files application (reference taken) at court through channel under
 * title; the clerk registers it. The register answer goes to r. */
static int64_t file_and_register(struct yzt_client *who, struct yzt_client *clerk, int64_t court,
                                 const char *channel, const char *title, json_t *application,
                                 struct yzt_response *r)
{
    yzt_post_new(who, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:o}}", "kind", "filing", "court_id",
                           (json_int_t)court, "title", title, "fields", "channel", channel,
                           "application", application),
                 r);
    yzt_assert_status(r, 201);
    int64_t id = yzt_json_int(r, "id");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    yzt_post_new(clerk, path, json_pack("{s:s}", "event", "register"), r);
    yzt_assert_status(r, 200);
    return id;
}

int64_t yzt_case_register(struct yzt_client *clerk, int64_t court, json_t *application,
                          char *number, size_t number_size)
{
    struct yzt_response r = {0};
    int64_t id = file_and_register(clerk, clerk, court, "window", "窗口立案", application, &r);
    if (number)
        snprintf(number, number_size, "%s", yzt_json_str(&r, "data.case.case_number"));
    yzt_response_free(&r);
    return id;
}

int64_t yzt_case_online_loan(struct yzt_client *who, struct yzt_client *clerk, int64_t court,
                             const char *title)
{
    const struct yzt_plaintiff zhang = {.name = "张三", .citizen_id = "500103199001011232"};
    json_t *app = yzt_case_application(&zhang, "李四", "108.3", "偿还借款十万元",
                                       "被告借款十万元未还。", 10000000);
    struct yzt_response r = {0};
    int64_t id = file_and_register(who, clerk, court, "online", title, app, &r);
    assert_int_equal(yzt_json_int(&r, "data.fee.fee_fen"), YZT_LOAN_CASE_FEE_FEN);
    yzt_response_free(&r);
    return id;
}

bool yzt_case_fee_deadline(struct yzt_client *staff, int64_t case_id, char due[16])
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld", (long long)case_id);
    struct yzt_response r = {0};
    yzt_request(staff, "GET", path, NULL, NULL, &r);
    yzt_assert_status(&r, 200);
    size_t i;
    json_t *d;
    bool running = false;
    due[0] = 0;
    json_array_foreach(yzt_json_at(r.json, "deadlines"), i, d)
        if (strcmp(json_string_value(json_object_get(d, "name")), "fee_payment") == 0) {
            snprintf(due, 16, "%s", json_string_value(json_object_get(d, "due_date")));
            running = !json_is_true(json_object_get(d, "stopped"));
        }
    assert_true(due[0]);
    yzt_response_free(&r);
    return running;
}
