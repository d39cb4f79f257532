#include "core/num.h"

#include <errno.h>
#include <stdlib.h>

bool yz_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s)
        return false;
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return false;
    if (p[0] == '0' && p[1] != '\0')
        return false; /* no leading zeros: "007" is not an id */
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}
