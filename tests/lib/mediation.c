#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/demo.h"
#include "lib/mediation.h"

#include <stdio.h>
#include <string.h>

json_t *yzt_med_dispute(void)
{
    return json_pack(
        "{s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s}], s:s, s:s,"
        " s:I, s:{s:s, s:s, s:b}}",
        "cause_code", "108.3", "case_type", "民初", "parties", "role", "plaintiff", "kind",
        "natural", "name", "张三", "sex", "male", "citizen_id", "500103199001011232", "address",
        "重庆市渝中区解放碑街道1号", "phone", "13800000001", "role", "defendant", "kind",
        "natural", "name", "李四", "address", "重庆市江北区观音桥街道2号", "phone", "13800000002",
        "claims", "偿还借款五万元", "facts", "被告借款五万元逾期未还。", "amount_fen",
        (json_int_t)5000000, "service_address", "address", "重庆市渝中区解放碑街道1号", "phone",
        "13800000001", "e_service_consent", 1);
}

int64_t yzt_med_apply(struct yzt_client *party, int64_t court, json_t *application, bool consent,
                      long status)
{
    struct yzt_response r = {0};
    yzt_post_new(party, "/api/v1/matters",
                 json_pack("{s:s, s:I, s:s, s:{s:s, s:b, s:o}}", "kind", "mediation", "court_id",
                           (json_int_t)court, "title", "民间借贷纠纷诉前调解", "fields", "channel",
                           "online", "consent", consent, "application",
                           application ? application : yzt_med_dispute()),
                 &r);
    yzt_assert_status(&r, status);
    int64_t id = status == 201 ? yzt_json_int(&r, "id") : 0;
    if (status == 201) {
        assert_non_null(strstr(yzt_json_str(&r, "data.number"), "渝0103民诉前调"));
        assert_string_equal(yzt_json_str(&r, "deadlines.0.name"), "delegation");
    } else {
        yzt_assert_field_error_code(&r, "fields/consent", "consent_required");
    }
    yzt_response_free(&r);
    return id;
}

void yzt_med_fire(struct yzt_client *c, int64_t id, json_t *body, long status,
                  struct yzt_response *r)
{
    char path[64];
    snprintf(path, sizeof path, "/api/v1/matters/%lld/events", (long long)id);
    json_incref(body);
    yzt_post_new(c, path, body, r);
    if (r->status != status)
        print_error("event %s on %lld: %s\n", json_string_value(json_object_get(body, "event")),
                    (long long)id, r->body ? r->body : "");
    json_decref(body);
    yzt_assert_status(r, status);
}

int64_t yzt_med_delegate_accept(struct yzt_client *clerk, struct yzt_client *mediator, int64_t id)
{
    int64_t mediator_id = yzt_db_count(clerk->srv, "SELECT min(id) FROM mediators");
    assert_true(mediator_id > 0);
    struct yzt_response r = {0};
    yzt_med_fire(clerk, id,
                 json_pack("{s:s, s:{s:I}}", "event", "delegate", "fields", "mediator_id",
                           (json_int_t)mediator_id),
                 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "delegated");
    yzt_response_free(&r);
    yzt_med_fire(mediator, id, json_pack("{s:s}", "event", "accept"), 200, &r);
    assert_string_equal(yzt_json_str(&r, "state"), "mediating");
    yzt_response_free(&r);
    return mediator_id;
}
