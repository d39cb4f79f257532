/*
 * Fee relief (诉讼费缓交、减交、免交, 诉讼费用交纳办法 arts 44-48): the
 * application is a matter of its own (data/workflows/fee_relief.json); this
 * is the check of the case it is for.
 */
#include "fees/relief.h"
#include "app/app.h"
#include "core/fielderr.h"
#include "policy/roles.h"
#include "store/store.h"

#include <string.h>

#include "core/banned.h"

static struct yz_sql_def q_case = YZ_SQL(
    "SELECT m.kind, m.court_id, EXISTS (SELECT 1 FROM matter_participants p"
    " WHERE p.matter_id = m.id AND p.user_id = ?) FROM matters m WHERE m.id = ?");

/* RULE: fee-relief-case — the application names a filing (or the case it
 * became) of the same court that the applicant takes part in; court staff may
 * name any of their court's. Anything else is answered as a missing case, so
 * the field tells nothing of other people's matters. */
enum yz_err yz_fees_check_relief_case(struct yz_effect_ctx *c)
{
    int64_t case_id = json_integer_value(json_object_get(c->fields, "case_matter_id"));
    struct yz_stmt *st = yz_sql(c->tx, &q_case);
    yz_bind_i64(st, 1, c->who->user_id);
    yz_bind_i64(st, 2, case_id);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e != YZ_OK)
        return e;
    bool ok = row && strcmp(yz_col_text(st, 0), "filing") == 0 &&
              yz_col_i64(st, 1) == c->court_id &&
              (yz_role_is_staff(c->who->role) || yz_col_i64(st, 2) == 1);
    if (row)
        yz_exec(st);
    if (!ok) {
        yz_field_errors_add(c->fe, "fields/case_matter_id", "not_found", "%s",
                            "在本院没有找到您的这件立案申请或案件");
        return YZ_ERR_VALIDATION;
    }
    return YZ_OK;
}
