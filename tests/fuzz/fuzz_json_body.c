/*
 * libFuzzer target: a request body as the router takes it (src/http/router.c
 * parse_body): UTF-8 check, nesting check, jansson with duplicate members
 * refused, then validation against the body spec of every route of the table,
 * and every parameter validator on the input as a string.
 */
#include "core/fielderr.h"
#include "core/utf8.h"
#include "http/route.h"
#include "http/validate.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    size_t n;
    const struct yz_route *routes = yz_routes(&n);
    if (size < 4096) {
        char *s = malloc(size + 1);
        memcpy(s, data, size);
        s[size] = '\0';
        for (size_t i = 0; i < n; i++)
            for (const struct yz_field_spec *f = routes[i].params; f && f->name; f++) {
                struct yz_field_errors fe = {0};
                yz_validate_string(f, s, f->name, &fe);
            }
        free(s);
    }
    if (!yz_utf8_valid(p, size) || !yz_json_depth_ok(p, size, 32))
        return 0;
    json_error_t err;
    json_t *j = json_loadb(p, size, JSON_REJECT_DUPLICATES, &err);
    if (!j)
        return 0;
    if (json_is_object(j))
        for (size_t i = 0; i < n; i++)
            if (routes[i].body) {
                struct yz_field_errors fe = {0};
                yz_validate_object(routes[i].body, j, &fe);
            }
    json_decref(j);
    return 0;
}
