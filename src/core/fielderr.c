#include "core/fielderr.h"
#include "core/buf.h"
#include "core/utf8.h"

#include <stdarg.h>
#include <stdio.h>

void yz_field_errors_add(struct yz_field_errors *fe, const char *field, const char *code,
                         const char *fmt, ...)
{
    if (fe->count >= YZ_MAX_FIELD_ERRORS) {
        fe->dropped++;
        return;
    }
    struct yz_field_error *e = &fe->items[fe->count++];
    yz_strlcpy(e->field, field, sizeof e->field);
    yz_strlcpy(e->code, code, sizeof e->code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    /* The bounds are in bytes: never leave half a Chinese character behind. */
    yz_utf8_trim(e->field);
    yz_utf8_trim(e->message);
}
