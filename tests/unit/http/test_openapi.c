/*
 * Unit tests for src/http/openapi.c, on a small route table of their own that
 * exercises every feature: path and query parameters (and a template variable
 * without a spec), a body with every value type, idempotent, public, role and
 * raw/loopback routes. The real table is tested through the API tests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"
#include "http/openapi.h"
#include "policy/roles.h"

static enum yz_err dummy(struct yz_req *req, struct yz_resp *resp)
{
    return YZ_OK;
}

static const char *const statuses[] = {"open", "closed", NULL};
static const char *const kinds[] = {"civil", "admin", NULL};

static const struct yz_field_spec list_params[] = {
    {"q", YZ_V_TEXT, false, 0, 50, NULL, "关键词"},
    {"status", YZ_V_ENUM, true, 0, 0, statuses, "状态"},
    {"page", YZ_V_INT, false, 1, 1000, NULL, "页码"},
    YZ_FIELDS_END,
};

/* required=false on purpose: a path parameter is required whatever the spec says. */
static const struct yz_field_spec id_param[] = {
    {"id", YZ_V_ID, false, 0, 0, NULL, "编号"},
    YZ_FIELDS_END,
};

static const struct yz_field_spec every_type[] = {
    {"court_id", YZ_V_ID, true, 0, 0, NULL, "法院"},
    {"count", YZ_V_INT, true, 0, 99, NULL, "数量"},
    {"fee", YZ_V_MONEY, false, 0, 100000000, NULL, "诉讼费"},
    {"urgent", YZ_V_BOOL, false, 0, 0, NULL, "加急"},
    {"title", YZ_V_TEXT, true, 2, 100, NULL, "标题"},
    {"facts", YZ_V_LONGTEXT, false, 0, 5000, NULL, "事实与理由"},
    {"kind", YZ_V_ENUM, false, 0, 0, kinds, "类型"},
    {"filed_on", YZ_V_DATE, false, 0, 0, NULL, "日期"},
    {"phone", YZ_V_PHONE, false, 0, 0, NULL, "手机号"},
    {"citizen_id", YZ_V_CITIZEN_ID, false, 0, 0, NULL, "身份证号"},
    {"credit_code", YZ_V_CREDIT_CODE, false, 0, 0, NULL, "统一社会信用代码"},
    {"licence", YZ_V_LICENCE, false, 0, 0, NULL, "执业证号"},
    {"password", YZ_V_PASSWORD, false, 0, 0, NULL, "密码"},
    {"totp", YZ_V_TOTP, false, 0, 0, NULL, "动态验证码"},
    {"cause", YZ_V_NAME, false, 0, 0, NULL, "案由"},
    {"court", YZ_V_COURT_CODE, false, 0, 0, NULL, "法院代码"},
    {"extra", YZ_V_OBJECT, false, 0, 20, NULL, "附加信息"},
    YZ_FIELDS_END,
};

static const struct yz_field_spec login_body[] = {
    {"username", YZ_V_TEXT, true, 0, 64, NULL, "账号"},
    {"password", YZ_V_PASSWORD, true, 0, 128, NULL, "密码"},
    {"totp", YZ_V_TOTP, false, 0, 0, NULL, "动态验证码"},
    YZ_FIELDS_END,
};

static const struct yz_field_spec note_body[] = {
    {"note", YZ_V_LONGTEXT, true, 0, 2000, NULL, "备注"},
    YZ_FIELDS_END,
};

static const struct yz_route table[] = {
    {"things.list", YZ_GET, "/api/v1/things", dummy, YZ_AUTH_ANY, 0, list_params, NULL, 0, 0,
     "things", "列出事项"},
    {"things.get", YZ_GET, "/api/v1/things/{id}", dummy, YZ_AUTH_ROLES,
     YZ_ROLE_BIT(JUDGE) | YZ_ROLE_BIT(CLERK), id_param, NULL, 0, 200, "things", "查看事项"},
    {"things.create", YZ_POST, "/api/v1/things", dummy, YZ_AUTH_ROLES,
     YZ_ROLE_BIT(PARTY) | YZ_ROLE_BIT(LAWYER), NULL, every_type, YZ_ROUTE_IDEMPOTENT, 201, "things",
     "创建事项"},
    {"session.login", YZ_POST, "/api/v1/session", dummy, YZ_AUTH_PUBLIC, 0, NULL, login_body,
     YZ_ROUTE_NO_CSRF, 200, "session", "登录"},
    {"metrics.get", YZ_GET, "/metrics", dummy, YZ_AUTH_PUBLIC, 0, NULL, NULL,
     YZ_ROUTE_RAW | YZ_ROUTE_LOOPBACK, 200, "ops", "运行指标"},
    {"things.events.update", YZ_PATCH, "/api/v1/things/{id}/events/{seq}", dummy, YZ_AUTH_ANY, 0,
     id_param, note_body, 0, 200, "things", "修改事件备注"},
    {"things.delete", YZ_DELETE, "/api/v1/things/{id}", dummy, YZ_AUTH_ANY, 0, id_param, NULL, 0,
     204, "things", "删除事项"},
    {"health", YZ_GET, "/healthz", dummy, YZ_AUTH_PUBLIC, 0, NULL, NULL, 0, 0, NULL, NULL},
};
#define NROUTES (sizeof table / sizeof table[0])

static int setup(void **state)
{
    *state = yz_openapi_document(table, NROUTES, "9.8.7");
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    json_decref(*state);
    return 0;
}

static json_t *op_of(json_t *doc, const char *path, const char *method)
{
    json_t *o = json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);
    assert_non_null(o);
    return o;
}

/* The parameter with this name and location, or NULL. */
static json_t *param_of(json_t *op, const char *name, const char *in)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(op, "parameters"), i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "name")), name) == 0 &&
            strcmp(json_string_value(json_object_get(p, "in")), in) == 0)
            return p;
    }
    return NULL;
}

/* The JSON schema of an operation's request body, or NULL. */
static json_t *body_schema(json_t *op)
{
    json_t *content = json_object_get(json_object_get(op, "requestBody"), "content");
    return json_object_get(json_object_get(content, "application/json"), "schema");
}

static const char *str_at(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    assert_non_null(s);
    return s;
}

static json_int_t int_at(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

/* First element of "type" when it is an array (nullable), else the string. */
static const char *type_of(json_t *schema)
{
    json_t *t = json_object_get(schema, "type");
    if (json_is_array(t))
        t = json_array_get(t, 0);
    assert_true(json_is_string(t));
    return json_string_value(t);
}

static bool nullable(json_t *schema)
{
    json_t *t = json_object_get(schema, "type");
    return json_is_array(t) && json_array_size(t) == 2 &&
           strcmp(json_string_value(json_array_get(t, 1)), "null") == 0;
}

static bool array_has_string(json_t *a, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

static void document_header(void **state)
{
    json_t *doc = *state;
    assert_string_equal(str_at(doc, "openapi"), "3.1.0");
    json_t *info = json_object_get(doc, "info");
    assert_string_equal(str_at(info, "title"), "yizhan 一站式诉讼服务平台 API");
    assert_string_equal(str_at(info, "version"), "9.8.7");
    assert_non_null(strstr(str_at(info, "description"), "RFC 9457"));
    json_t *servers = json_object_get(doc, "servers");
    assert_int_equal(json_array_size(servers), 1);
    assert_string_equal(str_at(json_array_get(servers, 0), "url"), "/");

    /* One entry per distinct tag, in table order; the untagged route adds none. */
    json_t *tags = json_object_get(doc, "tags");
    assert_int_equal(json_array_size(tags), 3);
    assert_string_equal(str_at(json_array_get(tags, 0), "name"), "things");
    assert_string_equal(str_at(json_array_get(tags, 1), "name"), "session");
    assert_string_equal(str_at(json_array_get(tags, 2), "name"), "ops");
}

static void every_route_appears(void **state)
{
    json_t *doc = *state;
    static const char *const methods[] = {"get", "post", "put", "patch", "delete"};
    size_t ops = 0;
    for (size_t i = 0; i < NROUTES; i++) {
        const struct yz_route *r = &table[i];
        json_t *op = op_of(doc, r->pattern, methods[r->method]);
        char id[64];
        snprintf(id, sizeof id, "%s", r->name);
        for (char *p = id; *p; p++)
            if (*p == '.')
                *p = '_';
        assert_string_equal(str_at(op, "operationId"), id);
        assert_string_equal(str_at(op, "x-route-name"), r->name);
        assert_string_equal(str_at(op, "summary"), r->summary ? r->summary : r->name);
        if (r->tag) {
            assert_int_equal(json_array_size(json_object_get(op, "tags")), 1);
            assert_string_equal(json_string_value(json_array_get(json_object_get(op, "tags"), 0)),
                                r->tag);
        } else {
            assert_null(json_object_get(op, "tags"));
        }
    }
    /* Nothing extra either: the paths hold exactly the table's operations. */
    const char *path;
    json_t *item;
    json_object_foreach(json_object_get(doc, "paths"), path, item)
    {
        ops += json_object_size(item);
    }
    assert_int_equal(ops, NROUTES);
    assert_string_equal(
        str_at(op_of(doc, "/api/v1/things/{id}/events/{seq}", "patch"), "operationId"),
        "things_events_update");
}

static void path_and_query_params(void **state)
{
    json_t *doc = *state;
    json_t *list = op_of(doc, "/api/v1/things", "get");
    assert_int_equal(json_array_size(json_object_get(list, "parameters")), 3);

    json_t *q = param_of(list, "q", "query");
    assert_non_null(q);
    assert_false(json_is_true(json_object_get(q, "required")));
    json_t *qs = json_object_get(q, "schema");
    assert_string_equal(type_of(qs), "string");
    assert_false(nullable(qs));
    assert_null(json_object_get(qs, "minLength")); /* optional, min 0 */
    assert_int_equal(int_at(qs, "maxLength"), 50);

    json_t *st = param_of(list, "status", "query");
    assert_non_null(st);
    assert_true(json_is_true(json_object_get(st, "required")));
    json_t *e = json_object_get(json_object_get(st, "schema"), "enum");
    assert_int_equal(json_array_size(e), 2);
    assert_true(array_has_string(e, "open"));
    assert_true(array_has_string(e, "closed"));

    json_t *page = json_object_get(param_of(list, "page", "query"), "schema");
    assert_string_equal(type_of(page), "integer");
    assert_int_equal(int_at(page, "minimum"), 1);
    assert_int_equal(int_at(page, "maximum"), 1000);

    json_t *get = op_of(doc, "/api/v1/things/{id}", "get");
    json_t *id = param_of(get, "id", "path");
    assert_non_null(id);
    assert_null(param_of(get, "id", "query"));
    assert_true(json_is_true(json_object_get(id, "required")));
    assert_string_equal(type_of(json_object_get(id, "schema")), "integer");
    assert_int_equal(int_at(json_object_get(id, "schema"), "minimum"), 1);
    assert_string_equal(str_at(id, "description"), "编号");

    /* No params, no body, GET: an empty parameter list. */
    assert_int_equal(json_array_size(json_object_get(op_of(doc, "/healthz", "get"), "parameters")),
                     0);
}

static void template_variable_without_spec(void **state)
{
    json_t *op = op_of(*state, "/api/v1/things/{id}/events/{seq}", "patch");
    json_t *id = param_of(op, "id", "path");
    json_t *seq = param_of(op, "seq", "path");
    assert_non_null(id);
    assert_non_null(seq);
    assert_true(json_is_true(json_object_get(seq, "required")));
    assert_string_equal(type_of(json_object_get(seq, "schema")), "string");
    assert_null(param_of(op, "seq", "query"));
}

static void body_with_every_type(void **state)
{
    json_t *op = op_of(*state, "/api/v1/things", "post");
    json_t *rb = json_object_get(op, "requestBody");
    assert_true(json_is_true(json_object_get(rb, "required")));
    json_t *sc = body_schema(op);
    assert_non_null(sc);
    assert_string_equal(type_of(sc), "object");
    assert_true(json_is_false(json_object_get(sc, "additionalProperties")));

    json_t *props = json_object_get(sc, "properties");
    size_t nfields = sizeof every_type / sizeof every_type[0] - 1;
    assert_int_equal(json_object_size(props), nfields);

    json_t *req = json_object_get(sc, "required");
    assert_int_equal(json_array_size(req), 3);
    assert_true(array_has_string(req, "court_id"));
    assert_true(array_has_string(req, "count"));
    assert_true(array_has_string(req, "title"));

    /* Required members are not nullable; optional ones are, as the validator accepts null. */
    for (const struct yz_field_spec *s = every_type; s->name; s++) {
        json_t *p = json_object_get(props, s->name);
        assert_non_null(p);
        assert_int_equal(nullable(p), !s->required);
        assert_non_null(strstr(str_at(p, "description"), s->title));
    }

    json_t *p = json_object_get(props, "court_id");
    assert_string_equal(type_of(p), "integer");
    assert_int_equal(int_at(p, "minimum"), 1);

    p = json_object_get(props, "count");
    assert_string_equal(type_of(p), "integer");
    assert_int_equal(int_at(p, "minimum"), 0);
    assert_int_equal(int_at(p, "maximum"), 99);

    p = json_object_get(props, "fee");
    assert_string_equal(type_of(p), "integer");
    assert_int_equal(int_at(p, "maximum"), 100000000);
    assert_non_null(strstr(str_at(p, "description"), "分"));

    assert_string_equal(type_of(json_object_get(props, "urgent")), "boolean");

    p = json_object_get(props, "title");
    assert_string_equal(type_of(p), "string");
    assert_int_equal(int_at(p, "minLength"), 2);
    assert_int_equal(int_at(p, "maxLength"), 100);

    p = json_object_get(props, "facts");
    assert_null(json_object_get(p, "minLength"));
    assert_int_equal(int_at(p, "maxLength"), 5000);

    /* An optional enum lists null among its values, or a null would fail the schema. */
    p = json_object_get(props, "kind");
    json_t *e = json_object_get(p, "enum");
    assert_int_equal(json_array_size(e), 3);
    assert_true(array_has_string(e, "civil"));
    assert_true(array_has_string(e, "admin"));
    assert_true(json_is_null(json_array_get(e, 2)));

    assert_string_equal(str_at(json_object_get(props, "filed_on"), "format"), "date");

    struct {
        const char *field, *pattern;
    } patterns[] = {
        {"phone", "^1[3-9][0-9]{9}$"},
        {"citizen_id", "^[0-9]{17}[0-9X]$"},
        {"credit_code", "^[0-9A-HJ-NPQRTUWXY]{18}$"},
        {"licence", "^[0-9]{17}$"},
        {"totp", "^[0-9]{6}$"},
        {"cause", "^[a-z0-9_]{1,40}$"},
    };
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
        p = json_object_get(props, patterns[i].field);
        assert_string_equal(type_of(p), "string");
        assert_string_equal(str_at(p, "pattern"), patterns[i].pattern);
    }

    p = json_object_get(props, "password");
    assert_string_equal(type_of(p), "string");
    assert_string_equal(str_at(p, "format"), "password");

    p = json_object_get(props, "court");
    assert_string_equal(type_of(p), "string");
    assert_null(json_object_get(p, "pattern"));

    p = json_object_get(props, "extra");
    assert_string_equal(type_of(p), "object");
    assert_int_equal(int_at(p, "maxProperties"), 20);

    /* A required text field with min 0 still may not be empty. */
    json_t *login = op_of(*state, "/api/v1/session", "post");
    json_t *user = json_object_get(json_object_get(body_schema(login), "properties"), "username");
    assert_int_equal(int_at(user, "minLength"), 1);
    assert_int_equal(int_at(user, "maxLength"), 64);

    /* Routes without a body have no requestBody. */
    assert_null(json_object_get(op_of(*state, "/api/v1/things", "get"), "requestBody"));
}

static void idempotency_and_csrf_headers(void **state)
{
    json_t *doc = *state;
    json_t *create = op_of(doc, "/api/v1/things", "post");
    json_t *idem = param_of(create, "Idempotency-Key", "header");
    assert_non_null(idem);
    assert_true(json_is_true(json_object_get(idem, "required")));
    json_t *sc = json_object_get(idem, "schema");
    assert_int_equal(int_at(sc, "minLength"), 8);
    assert_int_equal(int_at(sc, "maxLength"), 128);

    json_t *csrf = param_of(create, "X-CSRF-Token", "header");
    assert_non_null(csrf);
    assert_true(json_is_false(json_object_get(csrf, "required")));
    assert_non_null(param_of(op_of(doc, "/api/v1/things/{id}/events/{seq}", "patch"),
                             "X-CSRF-Token", "header"));

    /* Not idempotent: no key. GET or NO_CSRF: no CSRF header. */
    assert_null(param_of(op_of(doc, "/api/v1/session", "post"), "Idempotency-Key", "header"));
    assert_null(param_of(op_of(doc, "/api/v1/session", "post"), "X-CSRF-Token", "header"));
    assert_null(param_of(op_of(doc, "/api/v1/things", "get"), "X-CSRF-Token", "header"));
    assert_null(param_of(op_of(doc, "/api/v1/things", "get"), "Idempotency-Key", "header"));
}

static void security_and_roles(void **state)
{
    json_t *doc = *state;
    json_t *pub = json_object_get(op_of(doc, "/api/v1/session", "post"), "security");
    assert_true(json_is_array(pub));
    assert_int_equal(json_array_size(pub), 0);
    assert_int_equal(json_array_size(json_object_get(op_of(doc, "/metrics", "get"), "security")),
                     0);

    json_t *any = op_of(doc, "/api/v1/things", "get");
    json_t *sec = json_object_get(any, "security");
    assert_int_equal(json_array_size(sec), 2);
    assert_true(json_is_array(json_object_get(json_array_get(sec, 0), "cookieAuth")));
    assert_true(json_is_array(json_object_get(json_array_get(sec, 1), "bearerAuth")));
    assert_null(json_object_get(any, "x-roles"));

    json_t *roles = json_object_get(op_of(doc, "/api/v1/things/{id}", "get"), "x-roles");
    assert_int_equal(json_array_size(roles), 2);
    assert_true(array_has_string(roles, "judge"));
    assert_true(array_has_string(roles, "clerk"));
    roles = json_object_get(op_of(doc, "/api/v1/things", "post"), "x-roles");
    assert_int_equal(json_array_size(roles), 2);
    assert_true(array_has_string(roles, "party"));
    assert_true(array_has_string(roles, "lawyer"));

    json_t *schemes = json_object_get(json_object_get(doc, "components"), "securitySchemes");
    json_t *cookie = json_object_get(schemes, "cookieAuth");
    assert_string_equal(str_at(cookie, "type"), "apiKey");
    assert_string_equal(str_at(cookie, "in"), "cookie");
    assert_string_equal(str_at(cookie, "name"), "yz_session");
    assert_non_null(strstr(str_at(cookie, "description"), "__Host-yz_session"));
    json_t *bearer = json_object_get(schemes, "bearerAuth");
    assert_string_equal(str_at(bearer, "type"), "http");
    assert_string_equal(str_at(bearer, "scheme"), "bearer");
    assert_string_equal(str_at(json_object_get(schemes, "csrfToken"), "name"), "X-CSRF-Token");
}

static bool has_response(json_t *op, const char *status)
{
    return json_object_get(json_object_get(op, "responses"), status) != NULL;
}

static void responses_by_route_kind(void **state)
{
    json_t *doc = *state;
    json_t *create = op_of(doc, "/api/v1/things", "post");
    json_t *created = json_object_get(json_object_get(create, "responses"), "201");
    assert_non_null(created);
    assert_non_null(json_object_get(json_object_get(created, "content"), "application/json"));
    assert_false(has_response(create, "200"));
    static const char *const create_errs[] = {"400", "401", "403", "404", "409", "413",
                                              "415", "422", "429", "500", "503"};
    for (size_t i = 0; i < sizeof create_errs / sizeof create_errs[0]; i++) {
        json_t *r = json_object_get(json_object_get(create, "responses"), create_errs[i]);
        assert_non_null(r);
        assert_string_equal(str_at(r, "$ref"), "#/components/responses/Problem");
    }
    /* The 401 reference names the codes that status carries. */
    assert_non_null(
        strstr(str_at(json_object_get(json_object_get(create, "responses"), "401"), "description"),
               "unauthenticated"));

    /* Public GET without params or body: no 401/403, no body errors, no 409/422. */
    json_t *health = op_of(doc, "/healthz", "get");
    assert_true(has_response(health, "200")); /* ok_status 0 means 200 */
    static const char *const absent[] = {"401", "403", "409", "413", "415", "422", "507"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        assert_false(has_response(health, absent[i]));
    assert_true(has_response(health, "400"));
    assert_true(has_response(health, "429"));
    assert_true(has_response(health, "500"));
    assert_true(has_response(health, "503"));

    /* Signed-in GET: 401/403 but no body or idempotency errors. */
    json_t *get = op_of(doc, "/api/v1/things/{id}", "get");
    assert_true(has_response(get, "401"));
    assert_true(has_response(get, "403"));
    assert_true(has_response(get, "404"));
    assert_false(has_response(get, "413"));
    assert_false(has_response(get, "422"));

    /* Public POST: the Origin check can still answer 403; checking a password can answer 401. */
    json_t *login = op_of(doc, "/api/v1/session", "post");
    assert_true(has_response(login, "401"));
    assert_true(has_response(login, "403"));
    assert_true(has_response(login, "415"));
    assert_false(has_response(login, "422"));

    json_t *problem = json_object_get(
        json_object_get(json_object_get(doc, "components"), "responses"), "Problem");
    json_t *media =
        json_object_get(json_object_get(problem, "content"), "application/problem+json");
    assert_string_equal(str_at(json_object_get(media, "schema"), "$ref"),
                        "#/components/schemas/Problem");
}

static void no_content_route(void **state)
{
    json_t *del = op_of(*state, "/api/v1/things/{id}", "delete");
    json_t *ok = json_object_get(json_object_get(del, "responses"), "204");
    assert_non_null(ok);
    assert_non_null(json_object_get(ok, "description"));
    assert_null(json_object_get(ok, "content")); /* a 204 carries no body */
    assert_false(has_response(del, "200"));
    assert_non_null(param_of(del, "id", "path"));
    assert_non_null(param_of(del, "X-CSRF-Token", "header"));
    assert_false(has_response(del, "413")); /* no body declared */
    assert_true(has_response(del, "409"));
}

static void raw_route_content(void **state)
{
    json_t *metrics = op_of(*state, "/metrics", "get");
    json_t *content =
        json_object_get(json_object_get(json_object_get(metrics, "responses"), "200"), "content");
    assert_non_null(json_object_get(content, "text/plain"));
    assert_non_null(json_object_get(content, "application/json"));
    assert_true(json_is_true(json_object_get(metrics, "x-loopback-only")));

    json_t *list = op_of(*state, "/api/v1/things", "get");
    content =
        json_object_get(json_object_get(json_object_get(list, "responses"), "200"), "content");
    assert_null(json_object_get(content, "text/plain"));
    assert_non_null(json_object_get(content, "application/json"));
    assert_null(json_object_get(list, "x-loopback-only"));
}

static void problem_schema_codes(void **state)
{
    json_t *problem = json_object_get(
        json_object_get(json_object_get(*state, "components"), "schemas"), "Problem");
    json_t *props = json_object_get(problem, "properties");
    static const char *const members[] = {"type",   "title",    "status",     "code",
                                          "detail", "instance", "request_id", "errors"};
    for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
        assert_non_null(json_object_get(props, members[i]));

    json_t *codes = json_object_get(json_object_get(props, "code"), "enum");
    assert_true(array_has_string(codes, "not_found"));
    assert_true(array_has_string(codes, "validation_failed"));
    assert_false(array_has_string(codes, "ok"));
    /* Every stable code of the list but success. */
    assert_int_equal(json_array_size(codes), YZ_ERR__COUNT - 1);
    for (int e = 1; e < YZ_ERR__COUNT; e++)
        assert_true(array_has_string(codes, yz_err_code((enum yz_err)e)));

    json_t *item = json_object_get(json_object_get(props, "errors"), "items");
    json_t *req = json_object_get(item, "required");
    assert_int_equal(json_array_size(req), 3);
    assert_true(array_has_string(req, "field"));
    assert_true(array_has_string(req, "code"));
    assert_true(array_has_string(req, "message"));
}

static void dumps_and_round_trips(void **state)
{
    char *text = json_dumps(*state, JSON_INDENT(2));
    assert_non_null(text);
    json_error_t err;
    json_t *back = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    assert_non_null(back);
    assert_true(json_equal(back, *state));
    char *again = json_dumps(back, JSON_INDENT(2));
    assert_string_equal(again, text); /* stable order */
    free(again);
    free(text);
    json_decref(back);

    /* Same input, same document. */
    json_t *second = yz_openapi_document(table, NROUTES, "9.8.7");
    assert_true(json_equal(second, *state));
    json_decref(second);
}

static void empty_table(void **state)
{
    json_t *doc = yz_openapi_document(NULL, 0, "0");
    assert_int_equal(json_object_size(json_object_get(doc, "paths")), 0);
    assert_int_equal(json_array_size(json_object_get(doc, "tags")), 0);
    assert_non_null(
        json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"), "Problem"));
    json_decref(doc);
}

/* Runs the generator in a child; true when the child aborted (YZ_BUG). */
static bool generator_aborts(const struct yz_route *routes, size_t n)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Keep the BUG line out of the test output. */
        if (!freopen("/dev/null", "w", stderr))
            _exit(3);
        json_t *doc = yz_openapi_document(routes, n, "1");
        json_decref(doc);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void broken_tables_are_bugs(void **state)
{
    /* Same method and pattern under another name: the router would never reach the second. */
    struct yz_route dup[2] = {table[0], table[0]};
    dup[1].name = "things.list_again";
    assert_true(generator_aborts(dup, 2));

    struct yz_route same_id[2] = {table[0], table[1]};
    same_id[1].name = "things_list"; /* operationId things_list twice */
    assert_true(generator_aborts(same_id, 2));

    static const struct yz_field_spec no_values[] = {
        {"kind", YZ_V_ENUM, false, 0, 0, NULL, "类型"},
        YZ_FIELDS_END,
    };
    struct yz_route bad_enum = table[0];
    bad_enum.params = no_values;
    assert_true(generator_aborts(&bad_enum, 1));

    struct yz_route bad_role = table[1];
    bad_role.roles = 1u << YZ_ROLE__COUNT;
    assert_true(generator_aborts(&bad_role, 1));

    struct yz_route bad_ok = table[0];
    bad_ok.ok_status = 404;
    assert_true(generator_aborts(&bad_ok, 1));

    /* Control: the same harness reports a good table as not aborting. */
    assert_false(generator_aborts(table, NROUTES));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(document_header, setup, teardown),
        cmocka_unit_test_setup_teardown(every_route_appears, setup, teardown),
        cmocka_unit_test_setup_teardown(path_and_query_params, setup, teardown),
        cmocka_unit_test_setup_teardown(template_variable_without_spec, setup, teardown),
        cmocka_unit_test_setup_teardown(body_with_every_type, setup, teardown),
        cmocka_unit_test_setup_teardown(idempotency_and_csrf_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(security_and_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(responses_by_route_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(no_content_route, setup, teardown),
        cmocka_unit_test_setup_teardown(raw_route_content, setup, teardown),
        cmocka_unit_test_setup_teardown(problem_schema_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(dumps_and_round_trips, setup, teardown),
        cmocka_unit_test(empty_table),
        cmocka_unit_test(broken_tables_are_bugs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
