/*
 * OpenAPI 3.1 generation. One pass over the route table builds the paths and
 * the tag list; the components (security schemes, the Problem schema and the
 * shared Problem response) come from the error list, so a new stable code
 * appears in the document without anyone editing this file. Field schemas
 * follow validate.c and the header limits follow router.c and idempotency.c:
 * when those change, the constants here must change with them.
 *
 * Jansson keeps insertion order, so the document lists routes in table order
 * and is byte-for-byte stable between runs (cacheable, diffable).
 */
#include "http/openapi.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fielderr.h"
#include "policy/roles.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

/* Mirrors of router.c and idempotency.c. */
#define SESSION_COOKIE "yz_session"
#define CSRF_HEADER "X-CSRF-Token"
#define IDEM_HEADER "Idempotency-Key"
#define IDEM_KEY_MIN 8
#define IDEM_KEY_MAX 128
#define IDEM_KEY_PATTERN "^[A-Za-z0-9._:-]{8,128}$"

#define TEXT_MAX 16384 /* generated descriptions; far above what the tables produce */

/* jansson returns NULL on allocation failure and on invalid UTF-8; both are fatal here. */
static json_t *must(json_t *j)
{
    if (!j)
        YZ_BUG("jansson refused a value (out of memory, or invalid UTF-8 in the route table)");
    return j;
}

static void set(json_t *o, const char *key, json_t *val)
{
    if (json_object_set_new(o, key, must(val)) != 0)
        YZ_BUG("cannot set member \"%s\" of the OpenAPI document", key);
}

static void push(json_t *a, json_t *val)
{
    if (json_array_append_new(a, must(val)) != 0)
        YZ_BUG("cannot append to an OpenAPI array");
}

static json_t *str(const char *s)
{
    return must(json_string(s));
}

static json_t *obj(void)
{
    return must(json_object());
}

static json_t *arr(void)
{
    return must(json_array());
}

static json_t *num(int64_t v)
{
    return must(json_integer((json_int_t)v));
}

/* A string member built from a bounded buffer (released here). */
static json_t *str_buf(struct yz_buf *b)
{
    json_t *j = str(b->data);
    yz_buf_release(b);
    return j;
}

static const char *method_key(enum yz_method m)
{
    switch (m) {
    case YZ_GET:
        return "get";
    case YZ_POST:
        return "post";
    case YZ_PUT:
        return "put";
    case YZ_PATCH:
        return "patch";
    case YZ_DELETE:
        return "delete";
    }
    YZ_BUG("route method %d out of range", (int)m);
}

/* "type": "t", or ["t", "null"] for optional body members (the validator accepts null there). */
static void set_type(json_t *schema, const char *type, bool nullable)
{
    if (!nullable) {
        set(schema, "type", str(type));
        return;
    }
    json_t *t = arr();
    push(t, str(type));
    push(t, str("null"));
    set(schema, "type", t);
}

/* The field's Chinese label, with what the type promises beyond its JSON shape. */
static json_t *field_description(const struct yz_field_spec *s)
{
    const char *note = NULL;
    switch (s->type) {
    case YZ_V_MONEY:
        note = "金额，单位为分（integer fen, never a decimal）";
        break;
    case YZ_V_TEXT:
        note = "单行文本，长度按字符计（code points）";
        break;
    case YZ_V_LONGTEXT:
        note = "可多行文本，长度按字符计（code points）";
        break;
    case YZ_V_PASSWORD:
        note = "密码，强度由服务器按密码策略检查";
        break;
    case YZ_V_DATE:
        note = "日期，格式 YYYY-MM-DD";
        break;
    case YZ_V_PHONE:
        note = "中国大陆手机号码";
        break;
    case YZ_V_CITIZEN_ID:
        note = "居民身份证号码（GB 11643），服务器校验出生日期和校验位";
        break;
    case YZ_V_CREDIT_CODE:
        note = "统一社会信用代码（GB 32100），服务器校验校验位";
        break;
    case YZ_V_LICENCE:
        note = "律师执业证号，17 位数字";
        break;
    case YZ_V_TOTP:
        note = "6 位动态验证码";
        break;
    case YZ_V_NAME:
        note = "标识符：小写字母、数字或下划线，1 到 40 个字符";
        break;
    case YZ_V_COURT_CODE:
        note = "法院代码，如“渝0103”";
        break;
    case YZ_V_OBJECT:
        note = "JSON 对象，内部字段由接口自行校验";
        break;
    case YZ_V_ID:
    case YZ_V_INT:
    case YZ_V_BOOL:
    case YZ_V_ENUM:
        break;
    }
    struct yz_buf b = YZ_BUF_INIT(TEXT_MAX);
    if (s->title && note)
        yz_buf_addf(&b, "%s：%s", s->title, note);
    else
        yz_buf_adds(&b, s->title ? s->title : note ? note : s->name);
    return str_buf(&b);
}

static void set_pattern(json_t *schema, bool nullable, const char *pattern)
{
    set_type(schema, "string", nullable);
    set(schema, "pattern", str(pattern));
}

/* The JSON Schema of one field; `nullable` for optional body members. */
static json_t *field_schema(const struct yz_field_spec *s, bool nullable)
{
    json_t *sc = obj();
    switch (s->type) {
    case YZ_V_ID:
        set_type(sc, "integer", nullable);
        set(sc, "format", str("int64"));
        set(sc, "minimum", num(1));
        break;
    case YZ_V_INT:
    case YZ_V_MONEY:
        /* validate.c always applies both bounds to these two types. */
        set_type(sc, "integer", nullable);
        set(sc, "format", str("int64"));
        set(sc, "minimum", num(s->min));
        set(sc, "maximum", num(s->max));
        break;
    case YZ_V_BOOL:
        set_type(sc, "boolean", nullable);
        break;
    case YZ_V_TEXT:
    case YZ_V_LONGTEXT:
    case YZ_V_PASSWORD: {
        /* A required text field may not be empty even when min is 0 (validate.c). */
        int64_t min = s->min;
        if (s->required && min < 1)
            min = 1;
        set_type(sc, "string", nullable);
        if (s->type == YZ_V_PASSWORD)
            set(sc, "format", str("password"));
        if (min > 0)
            set(sc, "minLength", num(min));
        if (s->max > 0)
            set(sc, "maxLength", num(s->max));
        break;
    }
    case YZ_V_ENUM: {
        if (!s->values || !s->values[0])
            YZ_BUG("field \"%s\": ENUM without values", s->name);
        json_t *e = arr();
        for (const char *const *v = s->values; *v; v++)
            push(e, str(*v));
        if (nullable)
            push(e, json_null());
        set_type(sc, "string", nullable);
        set(sc, "enum", e);
        break;
    }
    case YZ_V_DATE:
        set_type(sc, "string", nullable);
        set(sc, "format", str("date"));
        break;
    case YZ_V_PHONE:
        set_pattern(sc, nullable, "^1[3-9][0-9]{9}$");
        break;
    case YZ_V_CITIZEN_ID:
        set_pattern(sc, nullable, "^[0-9]{17}[0-9X]$");
        break;
    case YZ_V_CREDIT_CODE:
        set_pattern(sc, nullable, "^[0-9A-HJ-NPQRTUWXY]{18}$");
        break;
    case YZ_V_LICENCE:
        set_pattern(sc, nullable, "^[0-9]{17}$");
        break;
    case YZ_V_TOTP:
        set_pattern(sc, nullable, "^[0-9]{6}$");
        break;
    case YZ_V_NAME:
        set_pattern(sc, nullable, "^[a-z0-9_]{1,40}$");
        break;
    case YZ_V_COURT_CODE:
        set_type(sc, "string", nullable);
        break;
    case YZ_V_OBJECT:
        set_type(sc, "object", nullable);
        if (s->max > 0)
            set(sc, "maxProperties", num(s->max));
        break;
    }
    /* No default above, so -Wswitch flags a new vtype; this catches a value outside the enum. */
    if (!json_object_get(sc, "type"))
        YZ_BUG("field \"%s\": unknown value type %d", s->name, (int)s->type);
    set(sc, "description", field_description(s));
    return sc;
}

/* True when the pattern contains "{name}". */
static bool pattern_has_param(const char *pattern, const char *name, size_t n)
{
    for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{'))
        if (strncmp(p + 1, name, n) == 0 && p[1 + n] == '}')
            return true;
    return false;
}

static bool specs_have(const struct yz_field_spec *specs, const char *name, size_t n)
{
    for (const struct yz_field_spec *s = specs; s && s->name; s++)
        if (strlen(s->name) == n && memcmp(s->name, name, n) == 0)
            return true;
    return false;
}

static json_t *param_from_spec(const struct yz_field_spec *s, const char *in, bool required)
{
    json_t *p = obj();
    set(p, "name", str(s->name));
    set(p, "in", str(in));
    set(p, "description", field_description(s));
    set(p, "required", json_boolean(required));
    set(p, "schema", field_schema(s, false));
    return p;
}

static json_t *idempotency_param(void)
{
    json_t *p = obj(), *sc = obj();
    set(p, "name", str(IDEM_HEADER));
    set(p, "in", str("header"));
    set(p, "description",
        str("幂等键：重试同一请求时使用同一个键，服务器不会重复创建；"
            "同一个键用于内容不同的请求返回 422，前一个请求仍在处理时返回 409。Retries with the "
            "same key return the first "
            "response."));
    set(p, "required", json_true());
    set(sc, "type", str("string"));
    set(sc, "minLength", num(IDEM_KEY_MIN));
    set(sc, "maxLength", num(IDEM_KEY_MAX));
    set(sc, "pattern", str(IDEM_KEY_PATTERN));
    set(p, "schema", sc);
    return p;
}

static json_t *csrf_param(void)
{
    json_t *p = obj(), *sc = obj();
    set(p, "name", str(CSRF_HEADER));
    set(p, "in", str("header"));
    set(p, "description",
        str("CSRF 令牌：使用 Cookie 会话时必须提供（令牌随会话签发），使用 Bearer "
            "令牌时不需要，因此这里标为非必填。Required for cookie sessions, not for bearer "
            "clients."));
    set(p, "required", json_false());
    set(sc, "type", str("string"));
    set(p, "schema", sc);
    return p;
}

static json_t *parameters(const struct yz_route *r)
{
    json_t *ps = arr();
    for (const struct yz_field_spec *s = r->params; s && s->name; s++) {
        bool in_path = pattern_has_param(r->pattern, s->name, strlen(s->name));
        /* OpenAPI requires path parameters to be required; the router cannot match without them. */
        push(ps, param_from_spec(s, in_path ? "path" : "query", in_path || s->required));
    }
    /* Every template variable must be declared; one without a spec is an unvalidated string. */
    for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
        const char *end = strchr(p + 1, '}');
        if (!end)
            break;
        size_t n = (size_t)(end - p - 1);
        if (n == 0 || specs_have(r->params, p + 1, n))
            continue;
        json_t *q = obj(), *sc = obj();
        set(q, "name", must(json_stringn(p + 1, n)));
        set(q, "in", str("path"));
        set(q, "required", json_true());
        set(sc, "type", str("string"));
        set(q, "schema", sc);
        push(ps, q);
    }
    if (r->flags & YZ_ROUTE_IDEMPOTENT)
        push(ps, idempotency_param());
    if (r->method != YZ_GET && !(r->flags & YZ_ROUTE_NO_CSRF))
        push(ps, csrf_param());
    return ps;
}

static json_t *request_body(const struct yz_field_spec *body)
{
    json_t *props = obj(), *required = arr(), *schema = obj(), *media = obj(), *content = obj(),
           *rb = obj();
    for (const struct yz_field_spec *s = body; s->name; s++) {
        set(props, s->name, field_schema(s, !s->required));
        if (s->required)
            push(required, str(s->name));
    }
    set(schema, "type", str("object"));
    set(schema, "properties", props);
    if (json_array_size(required))
        set(schema, "required", required);
    else
        json_decref(required);
    /* validate.c reports members it does not know as unknown_field. */
    set(schema, "additionalProperties", json_false());
    set(media, "schema", schema);
    set(content, "application/json", media);
    set(rb, "required", json_true());
    set(rb, "content", content);
    return rb;
}

/* Chinese reason for each error status the document uses. */
static const char *status_reason(int status)
{
    switch (status) {
    case 400:
        return "请求有误";
    case 401:
        return "未登录或身份验证失败";
    case 403:
        return "无权执行或 CSRF 校验失败";
    case 404:
        return "资源不存在";
    case 409:
        return "与当前状态冲突";
    case 413:
        return "请求体过大";
    case 415:
        return "内容类型不支持（须为 application/json）";
    case 422:
        return "幂等键已用于内容不同的请求";
    case 429:
        return "请求过于频繁";
    case 500:
        return "系统内部错误";
    case 503:
        return "系统暂时不可用";
    case 507:
        return "存储空间不足";
    }
    YZ_BUG("no reason for status %d", status);
}

/* A reference to the shared Problem response, described with the codes this status carries. */
static json_t *problem_ref(int status)
{
    json_t *ref = obj();
    struct yz_buf b = YZ_BUF_INIT(TEXT_MAX);
    yz_buf_addf(&b, "%s。code：", status_reason(status));
    bool first = true;
    for (int e = 0; e < YZ_ERR__COUNT; e++) {
        if (e == YZ_OK || yz_err_status((enum yz_err)e) != status)
            continue;
        yz_buf_addf(&b, "%s%s", first ? "" : ", ", yz_err_code((enum yz_err)e));
        first = false;
    }
    set(ref, "$ref", str("#/components/responses/Problem"));
    /* OpenAPI 3.1 lets a Reference Object override the description. */
    set(ref, "description", str_buf(&b));
    return ref;
}

/* A body with a password or one-time code is checked against an account: 401 on failure. */
static bool takes_credentials(const struct yz_field_spec *body)
{
    for (const struct yz_field_spec *s = body; s && s->name; s++)
        if (s->type == YZ_V_PASSWORD || s->type == YZ_V_TOTP)
            return true;
    return false;
}

static const char *ok_description(int status)
{
    switch (status) {
    case 200:
        return "成功（OK）";
    case 201:
        return "已创建（Created）";
    case 202:
        return "已受理（Accepted）";
    case 204:
        return "成功，无响应内容（No Content）";
    }
    return "成功";
}

/* The success response: JSON, or what a raw handler sets; 204 has no body at all. */
static json_t *ok_response(const struct yz_route *r, int status)
{
    json_t *ok = obj();
    set(ok, "description", str(ok_description(status)));
    if (status == 204)
        return ok;
    json_t *content = obj(), *media = obj();
    if (r->flags & YZ_ROUTE_RAW) {
        /* Raw handlers pick their own content type: plain text (metrics) or prepared JSON. */
        json_t *text = obj(), *sc = obj();
        set(sc, "type", str("string"));
        set(text, "schema", sc);
        set(content, "text/plain", text);
        /* Downloads and reports: the file's own type, sent as an attachment. */
        json_t *bin = obj(), *bs = obj();
        set(bs, "type", str("string"));
        set(bs, "format", str("binary"));
        set(bin, "schema", bs);
        set(content, "application/octet-stream", bin);
    }
    set(media, "schema", obj());
    set(content, "application/json", media);
    set(ok, "content", content);
    return ok;
}

static json_t *responses(const struct yz_route *r)
{
    json_t *rs = obj();
    int ok_status = r->ok_status ? r->ok_status : 200;
    bool is_public = r->auth == YZ_AUTH_PUBLIC;
    bool is_write = r->method != YZ_GET;
    bool has_body = r->body != NULL || (r->flags & YZ_ROUTE_UPLOAD);
    bool idempotent = (r->flags & YZ_ROUTE_IDEMPOTENT) != 0;
    char key[16];

    if (ok_status < 200 || ok_status > 299)
        YZ_BUG("route %s: ok_status %d is not a success", r->name, ok_status);
    snprintf(key, sizeof key, "%d", ok_status);
    set(rs, key, ok_response(r, ok_status));

    /*
     * Which errors can apply, from the router's pipeline: 400 for any route
     * (unknown query parameters and an unexpected body are rejected even when
     * the route declares neither), 401/403 for signed-in routes, 401 also for
     * public routes that check a password or code (login), 403 also for
     * any state change (Origin and CSRF checks), 404 from handlers and
     * loopback-only routes, 409/507 for state changes, 413/415 for bodies,
     * 422 for idempotency keys reused with another body.
     */
    const struct {
        int status;
        bool applies;
    } errs[] = {
        {400, true},
        {401, !is_public || takes_credentials(r->body)},
        {403, !is_public || is_write},
        {404, true},
        {409, is_write || idempotent},
        {413, has_body},
        {415, has_body},
        {422, idempotent},
        {429, true},
        {500, true},
        {503, true},
        {507, is_write},
    };
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
        if (!errs[i].applies)
            continue;
        snprintf(key, sizeof key, "%d", errs[i].status);
        set(rs, key, problem_ref(errs[i].status));
    }
    return rs;
}

static json_t *operation_description(const struct yz_route *r)
{
    struct yz_buf b = YZ_BUF_INIT(TEXT_MAX);
    switch (r->auth) {
    case YZ_AUTH_PUBLIC:
        yz_buf_adds(&b, "权限：公开，无需登录。");
        break;
    case YZ_AUTH_ANY:
        yz_buf_adds(&b, "权限：任何已登录账号。");
        break;
    case YZ_AUTH_ROLES: {
        bool first = true;
        yz_buf_adds(&b, "权限：仅限");
        for (unsigned i = 0; i < YZ_ROLE__COUNT; i++) {
            if (!(r->roles & (1u << i)))
                continue;
            yz_buf_addf(&b, "%s%s", first ? "" : "、", yz_role_title((enum yz_role)i));
            first = false;
        }
        yz_buf_adds(&b, first ? "（无角色，任何人不可调用）。" : "。");
        break;
    }
    }
    if (r->flags & YZ_ROUTE_LOOPBACK)
        yz_buf_adds(&b, "仅对本机（loopback）请求应答，其他来源得到 404。");
    return str_buf(&b);
}

static json_t *security(const struct yz_route *r)
{
    json_t *sec = arr();
    if (r->auth == YZ_AUTH_PUBLIC)
        return sec; /* an explicit [] says: no authentication */
    json_t *cookie = obj(), *bearer = obj();
    set(cookie, "cookieAuth", arr());
    set(bearer, "bearerAuth", arr());
    push(sec, cookie);
    push(sec, bearer);
    return sec;
}

static json_t *role_codes(const struct yz_route *r)
{
    json_t *codes = arr();
    for (unsigned i = 0; i < sizeof r->roles * CHAR_BIT; i++) {
        if (!(r->roles & (1u << i)))
            continue;
        const char *code = yz_role_code((enum yz_role)i);
        if (!code)
            YZ_BUG("route %s: role bit %u is not a role", r->name, i);
        push(codes, str(code));
    }
    return codes;
}

/* Upload routes: multipart/form-data with one file part and a few text parts. */
static json_t *upload_body(void)
{
    json_t *body = obj(), *content = obj(), *media = obj(), *schema = obj(), *props = obj();
    json_t *file = obj(), *text = obj(), *required = arr();
    set(file, "type", str("string"));
    set(file, "format", str("binary"));
    set(file, "description", str("文件（PDF、JPEG、PNG；类型按内容判定，大小受 server.max_upload_bytes 限制）"));
    set(props, "file", file);
    set(text, "type", str("string"));
    set(text, "maxLength", num(1024));
    const char *fields[] = {"matter_id", "kind", "title"};
    for (size_t i = 0; i < 3; i++)
        set(props, fields[i], json_deep_copy(text));
    json_decref(text);
    push(required, str("file"));
    set(schema, "type", str("object"));
    set(schema, "properties", props);
    set(schema, "required", required);
    set(media, "schema", schema);
    set(content, "multipart/form-data", media);
    set(body, "required", json_true());
    set(body, "content", content);
    return body;
}

static json_t *operation(const struct yz_route *r, const char *operation_id)
{
    json_t *op = obj();
    set(op, "operationId", str(operation_id));
    set(op, "summary", str(r->summary ? r->summary : r->name));
    set(op, "description", operation_description(r));
    if (r->tag) {
        json_t *tags = arr();
        push(tags, str(r->tag));
        set(op, "tags", tags);
    }
    set(op, "parameters", parameters(r));
    if (r->flags & YZ_ROUTE_UPLOAD)
        set(op, "requestBody", upload_body());
    else if (r->body)
        set(op, "requestBody", request_body(r->body));
    set(op, "responses", responses(r));
    set(op, "security", security(r));
    if (r->auth == YZ_AUTH_ROLES)
        set(op, "x-roles", role_codes(r));
    set(op, "x-route-name", str(r->name));
    if (r->flags & YZ_ROUTE_LOOPBACK)
        set(op, "x-loopback-only", json_true());
    return op;
}

static json_t *problem_schema(void)
{
    json_t *sc = obj(), *props = obj(), *req = arr(), *codes = arr();
    struct yz_buf desc = YZ_BUF_INIT(TEXT_MAX);

    yz_buf_adds(&desc, "稳定的错误代码，客户端按它判断错误类型（只增不改）。Stable error code:");
    for (int e = 0; e < YZ_ERR__COUNT; e++) {
        if (e == YZ_OK)
            continue; /* success is never a problem */
        push(codes, str(yz_err_code((enum yz_err)e)));
        yz_buf_addf(&desc, "\n- `%s` (%d) %s", yz_err_code((enum yz_err)e),
                    yz_err_status((enum yz_err)e), yz_err_message((enum yz_err)e));
    }

    json_t *type = obj();
    set(type, "type", str("string"));
    set(type, "format", str("uri"));
    set(type, "description", str("urn:yizhan:problem:<code>"));
    set(props, "type", type);

    json_t *title = obj();
    set(title, "type", str("string"));
    set(title, "description", str("该错误的中文说明"));
    set(props, "title", title);

    json_t *status = obj();
    set(status, "type", str("integer"));
    set(status, "minimum", num(400));
    set(status, "maximum", num(599));
    set(props, "status", status);

    json_t *code = obj();
    set(code, "type", str("string"));
    set(code, "enum", codes);
    set(code, "description", str_buf(&desc));
    set(props, "code", code);

    json_t *detail = obj();
    set(detail, "type", str("string"));
    set(detail, "description", str("本次错误的补充说明（中文）"));
    set(props, "detail", detail);

    json_t *instance = obj();
    set(instance, "type", str("string"));
    set(instance, "format", str("uri"));
    set(instance, "description", str("urn:yizhan:request:<request_id>"));
    set(props, "instance", instance);

    json_t *rid = obj();
    set(rid, "type", str("string"));
    set(rid, "description", str("请求编号，报告问题时请提供"));
    set(props, "request_id", rid);

    json_t *item = obj(), *item_props = obj(), *item_req = arr();
    const char *item_fields[][2] = {
        {"field", "出错的字段，如 parties/0/citizen_id、query/page、header/Idempotency-Key"},
        {"code", "稳定的字段错误代码，如 required、too_long、checksum"},
        {"message", "给用户看的中文说明"},
    };
    for (size_t i = 0; i < sizeof item_fields / sizeof item_fields[0]; i++) {
        json_t *f = obj();
        set(f, "type", str("string"));
        set(f, "description", str(item_fields[i][1]));
        set(item_props, item_fields[i][0], f);
        push(item_req, str(item_fields[i][0]));
    }
    set(item, "type", str("object"));
    set(item, "properties", item_props);
    set(item, "required", item_req);
    set(item, "additionalProperties", json_false());
    json_t *errors = obj();
    set(errors, "type", str("array"));
    set(errors, "maxItems", num(YZ_MAX_FIELD_ERRORS));
    set(errors, "items", item);
    set(errors, "description", str("每个有问题的字段一项"));
    set(props, "errors", errors);

    json_t *omitted = obj();
    set(omitted, "type", str("integer"));
    set(omitted, "minimum", num(1));
    set(omitted, "description", str("超出上限而未列出的字段错误数"));
    set(props, "errors_omitted", omitted);

    const char *required[] = {"type", "title", "status", "code", "instance", "request_id"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        push(req, str(required[i]));

    set(sc, "type", str("object"));
    set(sc, "description", str("RFC 9457 problem details，所有错误响应的统一格式"));
    set(sc, "required", req);
    set(sc, "properties", props);
    return sc;
}

static json_t *security_schemes(void)
{
    json_t *ss = obj(), *cookie = obj(), *bearer = obj(), *csrf = obj();
    set(cookie, "type", str("apiKey"));
    set(cookie, "in", str("cookie"));
    set(cookie, "name", str(SESSION_COOKIE));
    set(cookie, "description",
        str("浏览器会话 Cookie。通过 TLS 访问时 Cookie 名为 __Host-" SESSION_COOKIE
            "（Secure）。使用 Cookie 会话的非 GET 请求还须带 " CSRF_HEADER " 请求头。"
            "Over TLS the cookie is named __Host-" SESSION_COOKIE "."));
    set(ss, "cookieAuth", cookie);

    set(bearer, "type", str("http"));
    set(bearer, "scheme", str("bearer"));
    set(bearer, "description",
        str("Authorization: Bearer <会话令牌>，供非浏览器客户端使用，不需要 CSRF 令牌。"));
    set(ss, "bearerAuth", bearer);

    /* Documentation only: CSRF protects cookie sessions, it does not authenticate anyone. */
    set(csrf, "type", str("apiKey"));
    set(csrf, "in", str("header"));
    set(csrf, "name", str(CSRF_HEADER));
    set(csrf, "description",
        str("CSRF 令牌（随会话签发）：Cookie 会话的每个非 GET 请求须带此请求头（登录等少数接口"
            "除外）；请求带 Origin 时须为本站地址。它不单独表示身份，各接口以 " CSRF_HEADER
            " 请求头参数列出。Not an authentication scheme on its own."));
    set(ss, "csrfToken", csrf);
    return ss;
}

static json_t *components(void)
{
    json_t *c = obj(), *schemas = obj(), *resps = obj(), *problem = obj(), *content = obj(),
           *media = obj(), *ref = obj();
    set(c, "securitySchemes", security_schemes());
    set(schemas, "Problem", problem_schema());
    set(c, "schemas", schemas);
    set(ref, "$ref", str("#/components/schemas/Problem"));
    set(media, "schema", ref);
    set(content, "application/problem+json", media);
    set(problem, "description", str("错误（RFC 9457 problem+json）"));
    set(problem, "content", content);
    set(resps, "Problem", problem);
    set(c, "responses", resps);
    return c;
}

static json_t *info(const char *version)
{
    json_t *i = obj();
    set(i, "title", str("yizhan 一站式诉讼服务平台 API"));
    set(i, "version", str(version));
    set(i, "description",
        str("一站式多元解纷和诉讼服务平台的 HTTP JSON 接口：多元化解、立案服务、分调裁审、"
            "审判辅助、涉诉信访。错误一律以 RFC 9457 problem+json 返回，含稳定的 code "
            "和中文说明；金额以分为单位的整数表示；文本长度按字符计。可选请求头 X-Channel: "
            "mobile | kiosk 标记来源渠道。\n\n"
            "HTTP JSON API of yizhan, a court litigation-service platform. Errors are RFC 9457 "
            "problem+json with a stable `code`; money is integer fen; text lengths count "
            "Unicode code points."));
    return i;
}

json_t *yz_openapi_document(const struct yz_route *routes, size_t n, const char *version)
{
    if (!version)
        YZ_BUG("OpenAPI document without a version");
    json_t *doc = obj(), *servers = arr(), *server = obj(), *tags = arr(), *paths = obj();
    json_t *seen_tags = obj(), *seen_ids = obj();

    set(doc, "openapi", str("3.1.0"));
    set(doc, "info", info(version));
    set(server, "url", str("/"));
    push(servers, server);
    set(doc, "servers", servers);

    for (size_t i = 0; i < n; i++) {
        const struct yz_route *r = &routes[i];
        if (!r->name || !r->pattern)
            YZ_BUG("route %zu has no name or pattern", i);
        const char *method = method_key(r->method);

        char *op_id = yz_strdup(r->name);
        for (char *p = op_id; *p; p++)
            if (*p == '.')
                *p = '_';
        if (json_object_get(seen_ids, op_id))
            YZ_BUG("route %s: operationId %s is used twice", r->name, op_id);
        set(seen_ids, op_id, json_true());

        json_t *item = json_object_get(paths, r->pattern);
        if (!item) {
            item = obj();
            set(paths, r->pattern, item);
        }
        if (json_object_get(item, method))
            YZ_BUG("route %s: %s %s is already in the table", r->name, method, r->pattern);
        set(item, method, operation(r, op_id));
        free(op_id);

        if (r->tag && !json_object_get(seen_tags, r->tag)) {
            json_t *t = obj();
            set(t, "name", str(r->tag));
            push(tags, t);
            set(seen_tags, r->tag, json_true());
        }
    }
    json_decref(seen_tags);
    json_decref(seen_ids);

    set(doc, "tags", tags);
    set(doc, "paths", paths);
    set(doc, "components", components());
    return doc;
}
