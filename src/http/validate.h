/*
 * Validation of parameters and JSON bodies against the route table's field
 * specs. Every problem is reported (not only the first) into a
 * yz_field_errors list with a stable code and a Chinese message naming the
 * field's title. Validation never changes the input.
 */
#ifndef YZ_HTTP_VALIDATE_H
#define YZ_HTTP_VALIDATE_H

#include "core/fielderr.h"
#include "http/route.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A string value (path or query parameter). */
void yz_validate_string(const struct yz_field_spec *spec, const char *value, const char *path,
                        struct yz_field_errors *fe);
/* A JSON object against a YZ_FIELDS_END-terminated spec list; unknown members are errors. */
void yz_validate_object(const struct yz_field_spec *specs, const json_t *obj,
                        struct yz_field_errors *fe);
/* True when the JSON text nests no deeper than max (counted outside strings). */
bool yz_json_depth_ok(const char *p, size_t n, int max);

#endif
