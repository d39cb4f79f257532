/* Field validators: one function per yz_vtype, shared by params and bodies. */
#include "http/validate.h"
#include "core/clock.h"
#include "core/idnum.h"
#include "core/num.h"
#include "core/utf8.h"

#include <string.h>

static const char *title_of(const struct yz_field_spec *s)
{
    return s->title ? s->title : s->name;
}

static void check_text(const struct yz_field_spec *s, const char *v, size_t n, bool multiline,
                       const char *path, struct yz_field_errors *fe)
{
    if (!yz_utf8_valid(v, n) || memchr(v, '\0', n)) {
        yz_field_errors_add(fe, path, "invalid_utf8", "%s包含无效字符", title_of(s));
        return;
    }
    if (yz_utf8_has_control(v, n, multiline)) {
        yz_field_errors_add(fe, path, "control_character", "%s包含不允许的" YZ_UTF8_HIDDEN_TITLE,
                            title_of(s));
        return;
    }
    size_t cps = yz_utf8_count(v, n);
    if (s->required && cps == 0) {
        yz_field_errors_add(fe, path, "required", "请填写%s", title_of(s));
        return;
    }
    if (s->min && (int64_t)cps < s->min)
        yz_field_errors_add(fe, path, "too_short", "%s至少需要 %lld 个字符", title_of(s),
                            (long long)s->min);
    if (s->max && (int64_t)cps > s->max)
        yz_field_errors_add(fe, path, "too_long", "%s不能超过 %lld 个字符", title_of(s),
                            (long long)s->max);
}

static void idnum_error(const struct yz_field_spec *s, enum yz_idnum_kind kind,
                        enum yz_idnum_problem p, const char *path, struct yz_field_errors *fe)
{
    if (p != YZ_IDNUM_OK)
        yz_field_errors_add(fe, path, yz_idnum_problem_code(p), "%s",
                            yz_idnum_problem_message(kind, p));
}

static void check_int_bounds(const struct yz_field_spec *s, int64_t v, const char *path,
                             struct yz_field_errors *fe)
{
    if (v < s->min || v > s->max)
        yz_field_errors_add(fe, path, "out_of_range", "%s应在 %lld 到 %lld 之间", title_of(s),
                            (long long)s->min, (long long)s->max);
}

/* Validates a value that arrived as text (all params, and string body members). */
static void check_string(const struct yz_field_spec *s, const char *v, size_t n, const char *path,
                         struct yz_field_errors *fe)
{
    int64_t iv;
    switch (s->type) {
    case YZ_V_TEXT:
    case YZ_V_PASSWORD:
        check_text(s, v, n, false, path, fe);
        return;
    case YZ_V_LONGTEXT:
        check_text(s, v, n, true, path, fe);
        return;
    case YZ_V_ENUM:
        for (const char *const *e = s->values; e && *e; e++)
            if (strlen(*e) == n && memcmp(*e, v, n) == 0)
                return;
        yz_field_errors_add(fe, path, "not_allowed", "%s的取值不在允许范围内", title_of(s));
        return;
    case YZ_V_DATE: {
        struct yz_date d;
        if (n != 10 || memchr(v, '\0', n) || !yz_date_parse(v, &d))
            yz_field_errors_add(fe, path, "invalid_date", "%s应为有效日期（格式：YYYY-MM-DD）",
                                title_of(s));
        return;
    }
    case YZ_V_PHONE:
        idnum_error(s, YZ_IDNUM_KIND_MOBILE, yz_idnum_mobile_check(v, n), path, fe);
        return;
    case YZ_V_CITIZEN_ID: {
        struct yz_idnum_citizen c;
        idnum_error(s, YZ_IDNUM_KIND_CITIZEN_ID,
                    yz_idnum_citizen_check(v, n, yz_date_of_shanghai(yz_time_now_ms()), &c), path,
                    fe);
        return;
    }
    case YZ_V_CREDIT_CODE:
        idnum_error(s, YZ_IDNUM_KIND_USCC, yz_idnum_uscc_check(v, n), path, fe);
        return;
    case YZ_V_LICENCE:
        idnum_error(s, YZ_IDNUM_KIND_LAWYER_LICENCE, yz_idnum_lawyer_licence_check(v, n), path,
                    fe);
        return;
    case YZ_V_TOTP:
        if (n != 6 || strspn(v, "0123456789") != 6)
            yz_field_errors_add(fe, path, "invalid_totp", "动态验证码应为 6 位数字");
        return;
    case YZ_V_NAME: {
        bool ok = n >= 1 && n <= 40 && strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
        if (!ok)
            yz_field_errors_add(fe, path, "invalid_name", "%s格式不正确", title_of(s));
        return;
    }
    case YZ_V_COURT_CODE: {
        /* "渝" or "渝0103": the province character, then up to 4 digits/letters. */
        bool ok = n >= 3 && n <= 16 && yz_utf8_valid(v, n) && !memchr(v, '\0', n) &&
                  !yz_utf8_has_control(v, n, false);
        if (!ok)
            yz_field_errors_add(fe, path, "invalid_court", "%s格式不正确", title_of(s));
        return;
    }
    case YZ_V_ID:
    case YZ_V_INT:
    case YZ_V_MONEY: {
        char tmp[24];
        if (n == 0 || n >= sizeof tmp || memchr(v, '\0', n)) {
            yz_field_errors_add(fe, path, "invalid_number", "%s应为整数", title_of(s));
            return;
        }
        memcpy(tmp, v, n);
        tmp[n] = '\0';
        int64_t lo = s->type == YZ_V_ID ? 1 : s->min, hi = s->type == YZ_V_ID ? INT64_MAX : s->max;
        if (!yz_parse_i64(tmp, INT64_MIN, INT64_MAX, &iv)) {
            yz_field_errors_add(fe, path, "invalid_number", "%s应为整数", title_of(s));
            return;
        }
        if (s->type == YZ_V_ID && iv < lo)
            yz_field_errors_add(fe, path, "invalid_id", "%s不正确", title_of(s));
        else if (s->type != YZ_V_ID)
            check_int_bounds(s, iv, path, fe);
        (void)hi;
        return;
    }
    case YZ_V_BOOL:
        if (!((n == 4 && memcmp(v, "true", 4) == 0) || (n == 5 && memcmp(v, "false", 5) == 0)))
            yz_field_errors_add(fe, path, "invalid_bool", "%s应为 true 或 false", title_of(s));
        return;
    case YZ_V_OBJECT:
        yz_field_errors_add(fe, path, "wrong_type", "%s应为对象", title_of(s));
        return;
    }
}

void yz_validate_string(const struct yz_field_spec *spec, const char *value, const char *path,
                        struct yz_field_errors *fe)
{
    if (!value) {
        if (spec->required)
            yz_field_errors_add(fe, path, "required", "缺少%s", title_of(spec));
        return;
    }
    check_string(spec, value, strlen(value), path, fe);
}

static bool is_string_type(enum yz_vtype t)
{
    return t != YZ_V_ID && t != YZ_V_INT && t != YZ_V_MONEY && t != YZ_V_BOOL && t != YZ_V_OBJECT;
}

static void check_member(const struct yz_field_spec *s, const json_t *v, struct yz_field_errors *fe)
{
    const char *path = s->name;
    if (json_is_null(v)) {
        if (s->required)
            yz_field_errors_add(fe, path, "required", "请填写%s", title_of(s));
        return;
    }
    if (is_string_type(s->type)) {
        if (!json_is_string(v)) {
            yz_field_errors_add(fe, path, "wrong_type", "%s应为文本", title_of(s));
            return;
        }
        check_string(s, json_string_value(v), json_string_length(v), path, fe);
        return;
    }
    switch (s->type) {
    case YZ_V_ID:
    case YZ_V_INT:
    case YZ_V_MONEY:
        if (!json_is_integer(v)) {
            yz_field_errors_add(fe, path, "wrong_type",
                                s->type == YZ_V_MONEY ? "%s应为以分为单位的整数" : "%s应为整数",
                                title_of(s));
            return;
        }
        if (s->type == YZ_V_ID) {
            if (json_integer_value(v) < 1)
                yz_field_errors_add(fe, path, "invalid_id", "%s不正确", title_of(s));
        } else {
            check_int_bounds(s, json_integer_value(v), path, fe);
        }
        return;
    case YZ_V_BOOL:
        if (!json_is_boolean(v))
            yz_field_errors_add(fe, path, "wrong_type", "%s应为 true 或 false", title_of(s));
        return;
    case YZ_V_OBJECT:
        if (!json_is_object(v))
            yz_field_errors_add(fe, path, "wrong_type", "%s应为对象", title_of(s));
        else if (s->max && (int64_t)json_object_size(v) > s->max)
            yz_field_errors_add(fe, path, "too_many", "%s包含的项目过多", title_of(s));
        return;
    default:
        YZ_BUG("unhandled type %d", s->type);
    }
}

void yz_validate_object(const struct yz_field_spec *specs, const json_t *obj,
                        struct yz_field_errors *fe)
{
    for (const struct yz_field_spec *s = specs; s->name; s++) {
        const json_t *v = json_object_get(obj, s->name);
        if (!v) {
            if (s->required)
                yz_field_errors_add(fe, s->name, "required", "请填写%s", title_of(s));
            continue;
        }
        check_member(s, v, fe);
    }
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)obj, key, val)
    {
        const struct yz_field_spec *s = specs;
        while (s->name && strcmp(s->name, key) != 0)
            s++;
        if (!s->name) {
            char path[96];
            snprintf(path, sizeof path, "%.90s", key);
            yz_field_errors_add(fe, path, "unknown_field", "不支持的字段");
        }
    }
}

bool yz_json_depth_ok(const char *p, size_t n, int max)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max)
                return false;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return true;
}
