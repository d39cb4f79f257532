/*
 * Thin adapters of the knowledge base: the router has validated q (1 to
 * YZ_KB_QUERY_MAX_CPS characters of one line, nothing hidden) and limit, so a
 * handler only turns a search without anything to search for into a field
 * error and runs the read.
 */
#include "kb/kb_http.h"
#include "core/num.h"
#include "kb/kb.h"
#include "store/store.h"

#include "core/banned.h"

const struct yz_field_spec yz_kb_search_params[] = {
    {"q", YZ_V_TEXT, true, 1, YZ_KB_QUERY_MAX_CPS, NULL, "问题"},
    {"limit", YZ_V_INT, false, 1, YZ_KB_LIMIT_MAX, NULL, "返回条数"},
    YZ_FIELDS_END,
};

const struct yz_field_spec yz_kb_id_params[] = {
    {"id", YZ_V_ID, true, 0, 0, NULL, "问答编号"},
    YZ_FIELDS_END,
};

/* The reply is written as JSON text without a tree (kb.h): the search is a
 * hot public read. */
struct search_ctx {
    const char *q;
    int limit;
    struct yz_kb_index *idx;
    struct yz_buf text;
};

static enum yz_err search_tx(struct yz_tx *tx, void *p)
{
    struct search_ctx *c = p;
    yz_buf_reset(&c->text); /* a retried read starts over */
    return yz_kb_search_text(tx, c->idx, c->q, c->limit, &c->text);
}

enum yz_err yz_kb_http_search(struct yz_req *req, struct yz_resp *resp)
{
    const char *lim = yz_req_query(req, "limit");
    int64_t limit = YZ_KB_LIMIT_DEFAULT;
    if (lim && !yz_parse_i64(lim, 1, YZ_KB_LIMIT_MAX, &limit))
        limit = YZ_KB_LIMIT_DEFAULT; /* validated already; never reached */
    struct search_ctx c = {yz_req_query(req, "q"), (int)limit, req->app->kb_index,
                           YZ_BUF_INIT(YZ_RESP_TEXT_MAX)};
    enum yz_err e = yz_resp_json_text(resp, &c.text, yz_store_read(req->app->store, search_tx, &c));
    if (e == YZ_ERR_VALIDATION)
        yz_field_errors_add(&req->fields, "query/q", "nothing_to_search",
                            "问题中没有可检索的汉字、字母或数字");
    return e;
}

struct get_ctx {
    int64_t id;
    json_t *entry;
};

static enum yz_err get_tx(struct yz_tx *tx, void *p)
{
    struct get_ctx *c = p;
    return yz_kb_get(tx, c->id, &c->entry);
}

enum yz_err yz_kb_http_get(struct yz_req *req, struct yz_resp *resp)
{
    struct get_ctx c = {yz_req_param_id(req, "id"), NULL};
    enum yz_err e = yz_store_read(req->app->store, get_tx, &c);
    if (e == YZ_OK)
        resp->body = c.entry;
    return e;
}
