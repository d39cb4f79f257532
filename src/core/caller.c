/* Per-request thread state that follows a request onto a worker thread (caller.h). */
#include "core/caller.h"

#include <stdalign.h>

struct yz_caller {
    alignas(max_align_t) unsigned char slot[YZ_CALLER_SLOTS][YZ_CALLER_SLOT_BYTES];
};

static _Thread_local struct yz_caller own;
static _Thread_local struct yz_caller *adopted;

struct yz_caller *yz_caller_self(void)
{
    return &own;
}

void yz_caller_adopt(struct yz_caller *c)
{
    adopted = c;
}

void *yz_caller_slot(enum yz_caller_slot slot)
{
    return (adopted ? adopted : &own)->slot[slot];
}
