/*
 * Per-request state that a module keeps per thread, reachable by a thread
 * that works on behalf of another one.
 *
 * Some modules park state for the request a thread is serving until a later
 * point on that thread (policy.c parks an access denial decided inside a write
 * transaction and records it once the transaction is over). The group-commit
 * writer in src/store runs a caller's write fn on its own thread while the
 * caller waits, so such state must not live in a plain _Thread_local: it lives
 * in a slot of the caller's block, and the writer adopts the caller's block
 * for as long as it runs the caller's fn. The caller is blocked meanwhile, so
 * nothing else touches the block.
 */
#ifndef YZ_CORE_CALLER_H
#define YZ_CORE_CALLER_H

#include <stddef.h>

enum yz_caller_slot {
    YZ_CALLER_POLICY_DENIAL, /* policy.c: the denial waiting for yz_policy_flush_denial */
    YZ_CALLER_SLOTS
};
#define YZ_CALLER_SLOT_BYTES 512

struct yz_caller;

/* This thread's own block. */
struct yz_caller *yz_caller_self(void);
/* Work on behalf of c until the next call; NULL returns to this thread's own. */
void yz_caller_adopt(struct yz_caller *c);
/* The slot in the block of the request being served (adopted or own),
 * zero-initialised, YZ_CALLER_SLOT_BYTES long, aligned for any type. */
void *yz_caller_slot(enum yz_caller_slot slot);

#endif
