#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/routes.h"

#include <string.h>

/* The path with {id} (or the first param) = id and other enum params = their first value. */
void yzt_route_path(const struct yz_route *r, const char *id, char *out, size_t size)
{
    size_t o = 0;
    bool first = true;
    for (const char *p = r->pattern; *p && o + 1 < size;) {
        if (*p != '{') {
            out[o++] = *p++;
            continue;
        }
        const char *end = strchr(p, '}');
        assert_non_null(end);
        const char *v = id;
        if (!first) {
            v = "1";
            for (const struct yz_field_spec *f = r->params; f && f->name; f++)
                if (strncmp(f->name, p + 1, (size_t)(end - p - 1)) == 0 && f->type == YZ_V_ENUM)
                    v = f->values[0];
        }
        first = false;
        for (; *v && o + 1 < size; v++)
            out[o++] = *v;
        p = end + 1;
    }
    out[o] = '\0';
}

/* Values that pass the field validators, for fields whose generic value would not. */
static const struct {
    const char *field, *value;
} OVERRIDE[] = {
    {"starts_at", "2026-12-01T09:00:00+08:00"},
    {"event", "answer"},
};

/* A body that passes the route's validation: required fields, or one optional field. */
json_t *yzt_route_body(const struct yz_route *r)
{
    json_t *b = json_object();
    bool any_required = false;
    for (const struct yz_field_spec *f = r->body; f->name; f++)
        any_required |= f->required;
    for (const struct yz_field_spec *f = r->body; f->name; f++) {
        if (!f->required && (any_required || json_object_size(b) > 0))
            continue;
        if (!f->required && f->type != YZ_V_BOOL && f->type != YZ_V_TEXT)
            continue;
        json_t *v = NULL;
        for (size_t i = 0; i < sizeof OVERRIDE / sizeof OVERRIDE[0]; i++)
            if (strcmp(OVERRIDE[i].field, f->name) == 0)
                v = json_string(OVERRIDE[i].value);
        if (!v) {
            switch (f->type) {
            case YZ_V_ID: v = json_integer(1); break;
            case YZ_V_INT:
            case YZ_V_MONEY: v = json_integer(f->min > 0 ? f->min : 1); break;
            case YZ_V_BOOL: v = json_false(); break;
            case YZ_V_ENUM: v = json_string(f->values[0]); break;
            case YZ_V_DATE: v = json_string("2026-03-02"); break;
            case YZ_V_PHONE: v = json_string("13800000009"); break;
            case YZ_V_OBJECT: v = json_object(); break;
            case YZ_V_TOTP: v = json_string("123456"); break;
            case YZ_V_NAME: v = json_string("answer"); break;
            default: {
                char text[64];
                int64_t n = f->min > 4 ? f->min : 4;
                if (n > 40)
                    n = 40;
                memset(text, '7', (size_t)n);
                text[n] = '\0';
                v = json_string(text);
            }
            }
        }
        json_object_set_new(b, f->name, v);
    }
    return b;
}

