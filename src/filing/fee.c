/*
 * The acceptance fee of a registered case (诉讼费用交纳办法). The fee is
 * prepaid in full at filing (办法 art. 20); halving for simplified procedure,
 * mediation or withdrawal is settled when the case closes (arts 15-16).
 * The fee kind comes from the application ("fee_kind"), else property when an
 * amount is claimed, else other non-property. The projection's data.fee has
 * the figures and articles; the compute_fee event also has the steps that
 * explain them.
 */
#include "filing/filing.h"
#include "app/app.h"
#include "fees/fees.h"
#include "store/store.h"

#include <string.h>

static struct yz_sql_def q_fee = YZ_SQL("UPDATE cases SET fee_fen = ? WHERE matter_id = ?");

/* RULE: fee-at-registration — 办法 arts 13, 20. */
enum yz_err yz_filing_compute_fee(struct yz_effect_ctx *c)
{
    json_t *application = json_object_get(c->data, "application");
    const json_t *amount = json_object_get(application, "amount_fen");
    const char *kind_name = json_string_value(json_object_get(application, "fee_kind"));
    struct yz_fee_request r = {0};
    if (!kind_name)
        kind_name = json_is_integer(amount) ? "property" : "other_non_property";
    if (!yz_fee_kind_parse(kind_name, &r.kind)) {
        yz_field_errors_add(c->fe, "fields/application/fee_kind", "not_allowed",
                            "诉讼费用类别不正确");
        return YZ_ERR_VALIDATION;
    }
    if (json_is_integer(amount) && (r.kind == YZ_FEE_PROPERTY || r.kind == YZ_FEE_IP ||
                                    r.kind == YZ_FEE_LABOR)) {
        r.has_amount = true;
        r.amount_fen = json_integer_value(amount);
    }
    r.procedure = YZ_FEE_PROC_ORDINARY;
    struct yz_fee_quote q;
    enum yz_err e = yz_fee_quote(&r, &c->app->fee_settings, &q, c->fe);
    if (e != YZ_OK)
        return e;
    /* The explanation (steps, about a quarter of a filing's projection) is
     * kept once, in the compute_fee event; the projection keeps the figures. */
    json_object_set_new(c->data, "fee", yz_fee_quote_summary_json(&q));
    json_object_set_new(c->result, "fee", yz_fee_quote_json(&q));
    if (q.range)
        return YZ_OK; /* the clerk fixes the amount inside the range */
    struct yz_stmt *st = yz_sql(c->tx, &q_fee);
    yz_bind_i64(st, 1, q.fee_fen);
    yz_bind_i64(st, 2, c->matter_id);
    return yz_exec(st);
}
