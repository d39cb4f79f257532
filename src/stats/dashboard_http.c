/* GET /api/v1/dashboard?court_id=&from=&to= (dashboard.h). */
#include "stats/dashboard_http.h"
#include "app/app.h"
#include "core/clock.h"
#include "core/num.h"
#include "http/router.h"
#include "policy/policy.h"
#include "stats/dashboard.h"
#include "store/store.h"

#include <string.h>

/* Longest span one request may cover (about ten years). */
#define MAX_SPAN_DAYS 3660
/* The span when none is given: the 30 days up to today. */
#define DEFAULT_SPAN_DAYS 30

const struct yz_field_spec yz_dashboard_params[] = {
    {"court_id", YZ_V_ID, false, 0, 0, NULL, "法院"},
    {"from", YZ_V_DATE, false, 0, 0, NULL, "起始日期"},
    {"to", YZ_V_DATE, false, 0, 0, NULL, "截止日期"},
    YZ_FIELDS_END,
};

struct ctx {
    struct yz_req *req;
    struct yz_resp *resp;
    int64_t court_id;
    char from[16], to[16];
};

static enum yz_err dashboard_tx(struct yz_tx *tx, void *p)
{
    struct ctx *c = p;
    return yz_dashboard(tx, c->req->app, &c->req->who, c->court_id, c->from, c->to,
                        &c->resp->body);
}

enum yz_err yz_dashboard_http_get(struct yz_req *req, struct yz_resp *resp)
{
    struct ctx c = {req, resp, req->who.court_id, "", ""};
    const char *v = yz_req_query(req, "court_id");
    if (v && !yz_parse_i64(v, 1, INT64_MAX, &c.court_id))
        c.court_id = 0;
    if (v && !yz_courts_find(&req->app->courts, c.court_id)) {
        yz_field_errors_add(&req->fields, "query/court_id", "not_found", "法院不存在");
        return YZ_ERR_VALIDATION;
    }
    struct yz_date to = yz_date_of_shanghai(yz_time_now_ms()), from;
    const char *qto = yz_req_query(req, "to"), *qfrom = yz_req_query(req, "from");
    if (qto)
        yz_date_parse(qto, &to); /* the validator has checked it */
    if (!qfrom || !yz_date_parse(qfrom, &from))
        from = yz_date_from_days(yz_date_to_days(to) - (DEFAULT_SPAN_DAYS - 1));
    int64_t span = yz_date_to_days(to) - yz_date_to_days(from);
    if (span < 0) {
        yz_field_errors_add(&req->fields, "query/from", "out_of_range", "起始日期不能晚于截止日期");
        return YZ_ERR_VALIDATION;
    }
    if (span >= MAX_SPAN_DAYS) {
        yz_field_errors_add(&req->fields, "query/from", "out_of_range",
                            "统计区间不能超过%d天", MAX_SPAN_DAYS);
        return YZ_ERR_VALIDATION;
    }
    yz_date_format(from, c.from, sizeof c.from);
    yz_date_format(to, c.to, sizeof c.to);
    enum yz_err e = yz_store_read(req->app->store, dashboard_tx, &c);
    if (e != YZ_ERR_FORBIDDEN)
        return e;
    /* Another court's dashboard answers like a court that does not exist. */
    yz_policy_record_denial(req->app, &req->who, req->route->name, "dashboard", c.court_id);
    return YZ_ERR_NOT_FOUND;
}
