/*
 * GET /api/v1/fees/quote: turns the validated query into a struct
 * yz_fee_request and answers with the calculator's JSON. The router has
 * checked each parameter's type and bounds; what depends on the kind (an
 * amount that a kind requires or refuses, ...) is the calculator's to judge,
 * and its field errors come back under "query/<name>".
 */
#include "fees/fees_http.h"
#include "core/num.h"
#include "fees/fees.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

const struct yz_field_spec yz_fees_quote_params[] = {
    {"kind", YZ_V_ENUM, true, 0, 0, yz_fee_kind_names, "案件或申请类型"},
    {"amount_fen", YZ_V_MONEY, false, 0, YZ_FEE_AMOUNT_MAX_FEN, NULL, "诉讼请求或申请的金额"},
    {"procedure", YZ_V_ENUM, false, 0, 0, yz_fee_procedure_names, "审理程序"},
    {"closed_by", YZ_V_ENUM, false, 0, 0, yz_fee_closed_by_names, "结案方式"},
    {"counterclaim", YZ_V_BOOL, false, 0, 0, NULL, "反诉或有独立请求权第三人的请求"},
    {"property_total_fen", YZ_V_MONEY, false, 0, YZ_FEE_AMOUNT_MAX_FEN, NULL, "离婚案件财产总额"},
    {"damages_fen", YZ_V_MONEY, false, 0, YZ_FEE_AMOUNT_MAX_FEN, NULL, "人格权案件赔偿金额"},
    {"subtype", YZ_V_ENUM, false, 0, 0, yz_fee_subtype_names, "行政案件类型"},
    YZ_FIELDS_END,
};

/* A validated money parameter; false when absent. */
static bool money(struct yz_req *req, const char *name, int64_t *out)
{
    const char *v = yz_req_query(req, name);
    if (!v)
        return false;
    if (!yz_parse_i64(v, 0, YZ_FEE_AMOUNT_MAX_FEN, out))
        YZ_BUG("fees.quote: %s passed validation but does not parse", name);
    return true;
}

enum yz_err yz_fees_http_quote(struct yz_req *req, struct yz_resp *resp)
{
    struct yz_fee_request r = {0};
    const char *v;
    /* The router has checked every enum value against the same name lists. */
    yz_fee_kind_parse(yz_req_query(req, "kind"), &r.kind);
    r.has_amount = money(req, "amount_fen", &r.amount_fen);
    r.has_property_total = money(req, "property_total_fen", &r.property_total_fen);
    r.has_damages = money(req, "damages_fen", &r.damages_fen);
    yz_fee_procedure_parse(yz_req_query(req, "procedure"), &r.procedure);
    yz_fee_closed_by_parse(yz_req_query(req, "closed_by"), &r.closed_by);
    yz_fee_subtype_parse(yz_req_query(req, "subtype"), &r.admin_subtype);
    v = yz_req_query(req, "counterclaim");
    r.counterclaim = v && strcmp(v, "true") == 0;

    struct yz_fee_quote q;
    struct yz_field_errors fe = {0};
    if (yz_fee_quote(&r, &req->app->fee_settings, &q, &fe) != YZ_OK) {
        for (int i = 0; i < fe.count; i++) {
            char field[sizeof fe.items[i].field];
            snprintf(field, sizeof field, "query/%s", fe.items[i].field);
            yz_field_errors_add(&req->fields, field, fe.items[i].code, "%s", fe.items[i].message);
        }
        req->fields.dropped += fe.dropped;
        return YZ_ERR_VALIDATION;
    }
    resp->body = yz_fee_quote_json(&q);
    return YZ_OK;
}
