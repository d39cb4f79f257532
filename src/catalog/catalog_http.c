/*
 * HTTP adapters of the catalogue: thin translations of query parameters into
 * catalog.h calls and of the results into JSON. The router has validated every
 * parameter against the specs below before a handler runs, so handlers only
 * resolve them (an unknown cause code is a 404 or a field error, not a crash).
 * When no revision is asked for, the one in force today applies.
 */
#include "catalog/catalog_http.h"
#include "catalog/catalog.h"
#include "core/clock.h"
#include "core/num.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_SEARCH_LIMIT 20
#define ATTACHED_MAX_CPS 4000

static const char *const revisions[] = {"2020", "2025", NULL};

const struct yz_field_spec yz_catalog_causes_params[] = {
    {"revision", YZ_V_ENUM, false, 0, 0, revisions, "案由版本"},
    {"q", YZ_V_TEXT, false, 1, YZ_CATALOG_QUERY_MAX_CPS, NULL, "搜索关键词"},
    {"parent", YZ_V_TEXT, false, 1, YZ_CATALOG_MAX_CODE_BYTES, NULL, "上级案由"},
    {"limit", YZ_V_INT, false, 1, YZ_CATALOG_SEARCH_MAX, NULL, "返回条数"},
    YZ_FIELDS_END,
};

const struct yz_field_spec yz_catalog_cause_params[] = {
    {"id", YZ_V_TEXT, true, 1, YZ_CATALOG_MAX_CODE_BYTES, NULL, "案由代码"},
    {"revision", YZ_V_ENUM, false, 0, 0, revisions, "案由版本"},
    YZ_FIELDS_END,
};

const struct yz_field_spec yz_catalog_case_types_params[] = {
    {"code", YZ_V_TEXT, false, 1, 8, NULL, "类型代字"},
    YZ_FIELDS_END,
};

const struct yz_field_spec yz_catalog_materials_params[] = {
    {"cause_id", YZ_V_TEXT, true, 1, YZ_CATALOG_MAX_CODE_BYTES, NULL, "案由代码"},
    {"revision", YZ_V_ENUM, false, 0, 0, revisions, "案由版本"},
    /* Comma-separated material codes; present but empty means "nothing attached yet". */
    {"attached", YZ_V_TEXT, false, 0, ATTACHED_MAX_CPS, NULL, "已提交材料"},
    YZ_FIELDS_END,
};

/* RULE: cause-revision-2026 — the asked revision, else the one in force today. */
static enum yz_cause_rev revision_of(const struct yz_req *req)
{
    enum yz_cause_rev rev;
    if (yz_catalog_revision_parse(yz_req_query(req, "revision"), &rev))
        return rev;
    return yz_catalog_revision_for(yz_date_of_shanghai(yz_time_now_ms()));
}

/* [{code, name, level}, ...] from the part down to c. */
static json_t *path_json(const struct yz_cause *c)
{
    const struct yz_cause *path[YZ_CAUSE_MAX_LEVEL];
    size_t n = yz_catalog_path(c, path);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:i}", "code", path[i]->code, "name",
                                           path[i]->name, "level", path[i]->level));
    return a;
}

static json_t *cause_with_path(const struct yz_cause *c)
{
    json_t *o = yz_cause_json(c);
    json_object_set_new(o, "path", path_json(c));
    return o;
}

static enum yz_err cause_not_found(struct yz_req *req, const char *code, enum yz_cause_rev rev)
{
    yz_buf_addf(&req->detail, "%s 年版案由中没有代码为 %s 的案由", yz_catalog_revision_name(rev),
                code);
    return YZ_ERR_NOT_FOUND;
}

enum yz_err yz_catalog_http_causes(struct yz_req *req, struct yz_resp *resp)
{
    const struct yz_catalog *cat = req->app->catalog;
    enum yz_cause_rev rev = revision_of(req);
    const char *q = yz_req_query(req, "q"), *parent_code = yz_req_query(req, "parent");
    const char *lim = yz_req_query(req, "limit");
    int64_t limit = 0;
    if (lim && !yz_parse_i64(lim, 1, YZ_CATALOG_SEARCH_MAX, &limit))
        limit = 0; /* validated already; never reached */
    const struct yz_cause *parent = NULL;
    if (parent_code && !(parent = yz_catalog_cause(cat, parent_code, rev))) {
        yz_field_errors_add(&req->fields, "query/parent", "not_found",
                            "%s 年版案由中没有该上级案由", yz_catalog_revision_name(rev));
        return YZ_ERR_VALIDATION;
    }

    json_t *items = json_array();
    size_t total;
    const char *mode;
    if (q) {
        const struct yz_cause *found[YZ_CATALOG_SEARCH_MAX];
        size_t n;
        struct yz_buf why = YZ_BUF_INIT(256);
        enum yz_err e =
            yz_catalog_search(cat, rev, q, parent, limit ? (size_t)limit : DEFAULT_SEARCH_LIMIT,
                              found, &n, &total, &why);
        if (e != YZ_OK) {
            yz_field_errors_add(&req->fields, "query/q", "invalid_query", "%s", why.data);
            yz_buf_release(&why);
            json_decref(items);
            return e;
        }
        yz_buf_release(&why);
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, cause_with_path(found[i]));
        mode = "search";
    } else {
        size_t n;
        const struct yz_cause *const *list;
        if (parent) {
            list = parent->children;
            n = parent->nchildren;
        } else {
            list = yz_catalog_roots(cat, rev, &n);
        }
        total = n;
        if (limit && n > (size_t)limit)
            n = (size_t)limit;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, yz_cause_json(list[i]));
        mode = parent ? "children" : "top";
    }
    resp->body = json_pack("{s:s, s:s, s:o, s:I}", "revision", yz_catalog_revision_name(rev),
                           "mode", mode, "items", items, "total", (json_int_t)total);
    if (parent)
        json_object_set_new(resp->body, "parent", cause_with_path(parent));
    return YZ_OK;
}

/* The corresponding causes of the other revision, with how each carries over. */
static json_t *counterparts_json(const struct yz_cause *c)
{
    json_t *causes = json_array();
    json_t *o;
    if (c->revision == YZ_CAUSE_REV_2020) {
        const struct yz_cause_link *l = c->link;
        for (size_t i = 0; l && i < l->nto; i++)
            json_array_append_new(causes, cause_with_path(l->to[i]));
        o = json_pack("{s:s, s:o, s:o, s:o}", "revision", "2025", "change",
                      l ? json_string(yz_cause_change_name(l->change)) : json_null(), "confidence",
                      l ? json_string(l->confidence) : json_null(), "causes", causes);
    } else {
        for (size_t i = 0; i < c->norigins; i++) {
            json_t *x = cause_with_path(c->origins[i]->from);
            json_object_set_new(x, "change",
                                json_string(yz_cause_change_name(c->origins[i]->change)));
            json_object_set_new(x, "confidence", json_string(c->origins[i]->confidence));
            json_array_append_new(causes, x);
        }
        o = json_pack("{s:s, s:b, s:o}", "revision", "2020", "added_in_2025", c->added_2025,
                      "causes", causes);
    }
    return o;
}

enum yz_err yz_catalog_http_cause(struct yz_req *req, struct yz_resp *resp)
{
    enum yz_cause_rev rev = revision_of(req);
    const char *id = yz_req_param(req, "id");
    const struct yz_cause *c = yz_catalog_cause(req->app->catalog, id, rev);
    if (!c)
        return cause_not_found(req, id, rev);
    json_t *o = cause_with_path(c);
    json_t *kids = json_array();
    for (size_t i = 0; i < c->nchildren; i++)
        json_array_append_new(kids, yz_cause_json(c->children[i]));
    json_object_set_new(o, "children", kids);
    json_object_set_new(o, "counterparts", counterparts_json(c));
    resp->body = o;
    return YZ_OK;
}

enum yz_err yz_catalog_http_case_types(struct yz_req *req, struct yz_resp *resp)
{
    const struct yz_catalog *cat = req->app->catalog;
    const char *code = yz_req_query(req, "code");
    json_t *items = json_array();
    size_t n;
    const struct yz_case_type *all = yz_catalog_case_types(cat, &n);
    for (size_t i = 0; i < n; i++)
        if (!code || strcmp(all[i].code, code) == 0)
            json_array_append_new(items, yz_case_type_json(&all[i]));
    resp->body =
        json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items));
    return YZ_OK;
}

/* Splits "G1, G2,103.3-1" in place into codes[]; false when there are too many. */
static bool split_codes(char *s, const char **codes, size_t *n)
{
    *n = 0;
    for (char *p = s; p;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        while (*p == ' ')
            p++;
        size_t len = strlen(p);
        while (len > 0 && p[len - 1] == ' ')
            p[--len] = '\0';
        if (*p) {
            if (*n == YZ_CATALOG_MAX_ATTACHED)
                return false;
            codes[(*n)++] = p;
        }
        p = comma ? comma + 1 : NULL;
    }
    return true;
}

static json_t *items_json(const struct yz_material_item *const *items, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, yz_material_item_json(items[i]));
    return a;
}

json_t *yz_catalog_materials_check_json(const struct yz_materials_check *chk)
{
    json_t *unknown = json_array();
    for (size_t i = 0; i < chk->nunknown; i++)
        json_array_append_new(unknown, json_string(chk->unknown[i]));
    return json_pack("{s:b, s:o, s:o, s:o}", "complete", chk->nmissing == 0, "missing",
                     items_json(chk->missing, chk->nmissing), "optional",
                     items_json(chk->optional, chk->noptional), "unknown", unknown);
}

enum yz_err yz_catalog_http_materials(struct yz_req *req, struct yz_resp *resp)
{
    const struct yz_catalog *cat = req->app->catalog;
    enum yz_cause_rev rev = revision_of(req);
    const char *id = yz_req_param(req, "cause_id");
    const struct yz_cause *c = yz_catalog_cause(cat, id, rev);
    if (!c)
        return cause_not_found(req, id, rev);

    json_t *check = NULL;
    const char *attached = yz_req_query(req, "attached");
    if (attached) {
        char *copy = yz_strdup(attached);
        const char *codes[YZ_CATALOG_MAX_ATTACHED];
        size_t n;
        struct yz_materials_check chk;
        if (!split_codes(copy, codes, &n) ||
            yz_catalog_materials_check(cat, c, codes, n, &chk) != YZ_OK) {
            free(copy);
            yz_field_errors_add(&req->fields, "query/attached", "too_many",
                                "已提交材料不能超过 %d 项", YZ_CATALOG_MAX_ATTACHED);
            return YZ_ERR_VALIDATION;
        }
        check = yz_catalog_materials_check_json(&chk);
        free(copy);
    }

    const struct yz_cause *from;
    const struct yz_material_list *list = yz_catalog_materials(cat, c, &from);
    json_t *o = json_pack("{s:s, s:o, s:o, s:b, s:s, s:o}", "revision",
                          yz_catalog_revision_name(rev), "cause", cause_with_path(c), "source",
                          from ? yz_cause_json(from) : json_null(), "specific", from != NULL,
                          "title", list->title, "items", items_json(list->items, list->nitems));
    if (list->note)
        json_object_set_new(o, "note", json_string(list->note));
    if (check)
        json_object_set_new(o, "check", check);
    resp->body = o;
    return YZ_OK;
}
