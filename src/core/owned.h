/*
 * A set of heap blocks freed together: loaders that build an immutable
 * structure out of many small allocations (the catalogue, the complaint
 * forms) record each block here and release them all at once.
 */
#ifndef YZ_CORE_OWNED_H
#define YZ_CORE_OWNED_H

#include <stddef.h>

struct yz_owned {
    void **blocks;
    size_t n, cap;
};

/* Records p (which may be NULL) and returns it. */
void *yz_own(struct yz_owned *o, void *p);
/* A zeroed block of count (at least 1) elements, recorded. */
void *yz_own_calloc(struct yz_owned *o, size_t count, size_t size);
/* A recorded copy of s. */
const char *yz_own_str(struct yz_owned *o, const char *s);
/* Frees every recorded block; o is empty afterwards. */
void yz_owned_release(struct yz_owned *o);

#endif
