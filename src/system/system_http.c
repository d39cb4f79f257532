#include "system/system_http.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/num.h"
#include "http/openapi.h"
#include "store/store.h"
#include "version.h"

#include <stdlib.h>
#include <string.h>

static enum yz_err ping_tx(struct yz_tx *tx, void *ctx)
{
    (void)tx;
    (void)ctx;
    return YZ_OK;
}

enum yz_err yz_system_http_health(struct yz_req *req, struct yz_resp *resp)
{
    /* A read transaction proves the database is reachable. */
    enum yz_err e = yz_store_read(req->app->store, ping_tx, NULL);
    if (e != YZ_OK)
        return YZ_ERR_UNAVAILABLE;
    resp->body = json_pack("{s:s, s:s, s:i}", "status", "ok", "version", YZ_VERSION, "schema",
                           yz_store_schema_version(req->app->store));
    return YZ_OK;
}

enum yz_err yz_system_http_metrics(struct yz_req *req, struct yz_resp *resp)
{
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    const char *names[256];
    size_t count = n < 256 ? n : 256;
    for (size_t i = 0; i < count; i++)
        names[i] = routes[i].name;
    struct yz_buf b = YZ_BUF_INIT(4 << 20);
    yz_metrics_render(&b, names, count);
    resp->raw = yz_buf_detach(&b, &resp->raw_len);
    resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return YZ_OK;
}

enum yz_err yz_system_http_openapi(struct yz_req *req, struct yz_resp *resp)
{
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    resp->body = yz_openapi_document(routes, n, YZ_VERSION);
    return resp->body ? YZ_OK : YZ_ERR_INTERNAL;
}

static const char *const units[] = {"days", "workdays", "months", NULL};
const struct yz_field_spec yz_system_deadline_params[] = {
    {"from", YZ_V_DATE, true, 0, 0, NULL, "起算日期"},
    {"unit", YZ_V_ENUM, true, 0, 0, units, "期间单位"},
    {"n", YZ_V_INT, true, 1, 3650, NULL, "期间长度"},
    YZ_FIELDS_END,
};

struct skipped {
    json_t *list;
};

static void on_skip(void *ctx, const struct yz_day_info *day)
{
    struct skipped *s = ctx;
    char d[16];
    yz_date_format(day->date, d, sizeof d);
    if (json_array_size(s->list) < 400)
        json_array_append_new(s->list, json_pack("{s:s, s:s}", "date", d, "reason", day->reason));
}

enum yz_err yz_system_http_deadline(struct yz_req *req, struct yz_resp *resp)
{
    struct yz_date from;
    int64_t n;
    yz_date_parse(yz_req_query(req, "from"), &from);
    yz_parse_i64(yz_req_query(req, "n"), 1, 3650, &n);
    const char *u = yz_req_query(req, "unit");
    enum yz_deadline_unit unit = strcmp(u, "days") == 0       ? YZ_DEADLINE_DAYS
                                 : strcmp(u, "workdays") == 0 ? YZ_DEADLINE_WORKDAYS
                                                              : YZ_DEADLINE_MONTHS;
    struct yz_deadline dl;
    struct skipped s = {json_array()};
    enum yz_err e = yz_deadline_explain(req->app->calendar, from, unit, (int)n, &dl, on_skip, &s);
    if (e != YZ_OK) {
        json_decref(s.list);
        yz_field_errors_add(&req->fields, "query/n", "out_of_range", "期间长度超出允许范围");
        return YZ_ERR_VALIDATION;
    }
    char end[16], nominal[16];
    yz_date_format(dl.end, end, sizeof end);
    yz_date_format(dl.nominal, nominal, sizeof nominal);
    resp->body = json_pack("{s:s, s:s, s:b, s:o}", "end", end, "nominal_end", nominal,
                           "beyond_calendar", dl.beyond_calendar, "skipped", s.list);
    return YZ_OK;
}
