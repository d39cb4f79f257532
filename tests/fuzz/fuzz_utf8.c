/*
 * libFuzzer target: the UTF-8 helpers (src/core/utf8.h). Checks agree with
 * each other: a valid string counts at most as many code points as bytes,
 * and trimming a valid string leaves it valid.
 */
#include "core/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    bool valid = yz_utf8_valid(s, size);
    (void)yz_utf8_has_control(s, size, true);
    (void)yz_utf8_has_control(s, size, false);
    if (!valid)
        return 0;
    if (yz_utf8_count(s, size) > size)
        __builtin_trap();
    char *copy = malloc(size + 1);
    memcpy(copy, data, size);
    copy[size] = '\0';
    size_t len = strlen(copy); /* up to an embedded NUL */
    yz_utf8_trim(copy);
    if (strlen(copy) > len || !yz_utf8_valid(copy, strlen(copy)))
        __builtin_trap();
    free(copy);
    return 0;
}
