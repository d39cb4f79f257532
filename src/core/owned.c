/* A set of heap blocks freed together (owned.h). */
#include "core/owned.h"
#include "core/error.h"

#include <stdlib.h>

#include "core/banned.h"

void *yz_own(struct yz_owned *o, void *p)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 256;
        o->blocks = yz_realloc(o->blocks, o->cap * sizeof *o->blocks);
    }
    o->blocks[o->n++] = p;
    return p;
}

void *yz_own_calloc(struct yz_owned *o, size_t count, size_t size)
{
    return yz_own(o, yz_calloc(count ? count : 1, size));
}

const char *yz_own_str(struct yz_owned *o, const char *s)
{
    return yz_own(o, yz_strdup(s));
}

void yz_owned_release(struct yz_owned *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->blocks[i]);
    free(o->blocks);
    *o = (struct yz_owned){0};
}
