/* Holds a store's group-commit writer busy, as a slow fsync or a long group
 * would, so that a test can show what does or does not wait for it: a write
 * whose fn blocks until yzt_writer_release(). The fn gives up by itself after
 * YZT_WRITER_HOLD_MAX_S seconds, only so that a test of something that wrongly
 * waits for the writer fails instead of hanging; release() tells whether it
 * had to. */
#ifndef YZT_WRITER_HOLD_H
#define YZT_WRITER_HOLD_H

#include "store/store.h"

#include <pthread.h>
#include <stdbool.h>

#define YZT_WRITER_HOLD_MAX_S 20

struct yzt_writer_hold {
    struct yz_store *store;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool held, release, gave_up;
};

/* Returns once the writer runs the holding fn (nothing else is committed
 * until yzt_writer_release). */
void yzt_writer_hold(struct yzt_writer_hold *h, struct yz_store *s);
/* Lets the writer go on and joins the holding write; false when the fn had
 * given up waiting for this call (something waited for the writer). */
bool yzt_writer_release(struct yzt_writer_hold *h);

#endif
