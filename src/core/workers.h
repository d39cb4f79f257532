/*
 * A fixed pool of threads that run submitted jobs in order of submission.
 * The HTTP server hands it the requests that write: a durable write waits
 * for its commit group, and it waits here rather than on one of the few
 * threads that serve every connection, so reads are never queued behind
 * commits. The queue is bounded; a full queue refuses the job and the caller
 * answers for it.
 */
#ifndef YZ_CORE_WORKERS_H
#define YZ_CORE_WORKERS_H

#include <stdbool.h>
#include <stddef.h>

struct yz_workers;

/* Starts threads (>= 1) with room for queue_cap (>= 1) waiting jobs; NULL
 * when a thread cannot be started. */
struct yz_workers *yz_workers_start(int threads, size_t queue_cap);
/* Queues fn(arg); false when the queue is full or the pool is stopping. */
bool yz_workers_submit(struct yz_workers *w, void (*fn)(void *), void *arg);
/* Runs every job already queued and joins the threads; later submissions are
 * refused. The pool stays valid for yz_workers_submit until freed. */
void yz_workers_stop(struct yz_workers *w);
/* Stops the pool if it runs, then frees it. NULL is harmless. */
void yz_workers_free(struct yz_workers *w);

#endif
