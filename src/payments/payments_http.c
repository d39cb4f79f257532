#include "payments/payments_http.h"
#include "payments/payments.h"
#include "payments/unpaid.h"
#include "core/num.h"
#include "store/store.h"

static const char *const methods[] = {"window", "online", NULL};
static const char *const statuses[] = {"paid", NULL};

const struct yz_field_spec yz_payments_matter_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "事项编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_payments_id_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "缴费编号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_payments_unpaid_params[] = {
    {"limit", YZ_V_INT, false, 1, 1000, NULL, "每页条数"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_payments_create_body[] = {
    {"method", YZ_V_ENUM, true, 0, 0, methods, "缴费方式"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_payments_confirm_body[] = {
    {"receipt_no", YZ_V_TEXT, true, 4, 40, NULL, "收据号"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_payments_refund_body[] = {
    {"amount_fen", YZ_V_MONEY, true, 1, 100000000000000, NULL, "退费金额"},
    {"reason", YZ_V_TEXT, true, 2, 500, NULL, "退费原因"},
    YZ_FIELDS_END,
};
const struct yz_field_spec yz_payments_callback_body[] = {
    {"order_no", YZ_V_TEXT, true, 1, 40, NULL, "订单号"},
    {"amount_fen", YZ_V_MONEY, true, 1, 100000000000000, NULL, "金额"},
    {"status", YZ_V_ENUM, true, 0, 0, statuses, "支付结果"},
    {"gateway_ref", YZ_V_TEXT, true, 1, 64, NULL, "支付流水号"},
    {"timestamp", YZ_V_INT, true, 1, 9999999999, NULL, "时间戳"},
    YZ_FIELDS_END,
};

static const char *str(struct yz_req *req, const char *k)
{
    return json_string_value(json_object_get(req->body, k));
}
static int64_t num(struct yz_req *req, const char *k)
{
    return json_integer_value(json_object_get(req->body, k));
}

static enum yz_err create_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *c)
{
    return yz_payment_create(tx, req->app, &req->who, yz_req_param_id(req, "id"),
                             str(req, "method"), req->channel, req->route->name, &req->fields,
                             &resp->body);
}

enum yz_err yz_payments_http_create(struct yz_req *req, struct yz_resp *resp)
{
    return yz_req_write(req, resp, create_tx, NULL);
}

static enum yz_err confirm_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *c)
{
    return yz_payment_confirm(tx, req->app, &req->who, yz_req_param_id(req, "id"),
                              str(req, "receipt_no"), req->channel, req->route->name, &resp->body);
}

enum yz_err yz_payments_http_confirm(struct yz_req *req, struct yz_resp *resp)
{
    return yz_req_write(req, resp, confirm_tx, NULL);
}

static enum yz_err refund_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *c)
{
    return yz_payment_refund(tx, req->app, &req->who, yz_req_param_id(req, "id"),
                             num(req, "amount_fen"), str(req, "reason"), req->channel,
                             req->route->name, &req->fields, &resp->body);
}

enum yz_err yz_payments_http_refund(struct yz_req *req, struct yz_resp *resp)
{
    return yz_req_write(req, resp, refund_tx, NULL);
}

static enum yz_err callback_tx(struct yz_tx *tx, struct yz_req *req, struct yz_resp *resp, void *c)
{
    struct yz_payment_callback cb = {
        .order_no = str(req, "order_no"),
        .amount_fen = num(req, "amount_fen"),
        .status = str(req, "status"),
        .gateway_ref = str(req, "gateway_ref"),
        .timestamp = num(req, "timestamp"),
        .signature = yz_req_header(req, "X-Gateway-Signature"),
    };
    if (!cb.signature)
        return YZ_ERR_UNAUTHENTICATED;
    return yz_payment_callback(tx, req->app, &cb, &req->fields, &resp->body);
}

enum yz_err yz_payments_http_callback(struct yz_req *req, struct yz_resp *resp)
{
    return yz_req_write(req, resp, callback_tx, NULL);
}

struct list_ctx {
    struct yz_req *req;
    struct yz_resp *resp;
};

static enum yz_err list_tx(struct yz_tx *tx, void *p)
{
    struct list_ctx *c = p;
    return yz_payment_list(tx, c->req->app, &c->req->who, yz_req_param_id(c->req, "id"),
                           c->req->route->name, &c->resp->body);
}

enum yz_err yz_payments_http_list(struct yz_req *req, struct yz_resp *resp)
{
    struct list_ctx c = {req, resp};
    return yz_store_read(req->app->store, list_tx, &c);
}

static enum yz_err unpaid_tx(struct yz_tx *tx, void *p)
{
    struct list_ctx *c = p;
    int64_t limit = yz_tx_max_rows(tx);
    const char *l = yz_req_query(c->req, "limit");
    if (l)
        yz_parse_i64(l, 1, limit, &limit);
    return yz_payments_unpaid_list(tx, c->req->app, &c->req->who, limit, &c->resp->body);
}

enum yz_err yz_payments_http_unpaid(struct yz_req *req, struct yz_resp *resp)
{
    struct list_ctx c = {req, resp};
    return yz_store_read(req->app->store, unpaid_tx, &c);
}
