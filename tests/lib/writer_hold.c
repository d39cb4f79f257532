#include "writer_hold.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static enum yz_err hold_tx(struct yz_tx *tx, void *ctx)
{
    (void)tx;
    struct yzt_writer_hold *h = ctx;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += YZT_WRITER_HOLD_MAX_S;
    pthread_mutex_lock(&h->mu);
    h->held = true;
    pthread_cond_broadcast(&h->cv);
    while (!h->release && !h->gave_up)
        if (pthread_cond_timedwait(&h->cv, &h->mu, &until) == ETIMEDOUT)
            h->gave_up = true;
    pthread_mutex_unlock(&h->mu);
    return YZ_OK;
}

static void *hold_thread(void *arg)
{
    struct yzt_writer_hold *h = arg;
    if (yz_store_write(h->store, hold_tx, h) != YZ_OK) {
        fprintf(stderr, "yzt_writer_hold: the holding write failed\n");
        abort();
    }
    return NULL;
}

void yzt_writer_hold(struct yzt_writer_hold *h, struct yz_store *s)
{
    h->store = s;
    h->held = h->release = h->gave_up = false;
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    if (pthread_create(&h->thread, NULL, hold_thread, h) != 0) {
        fprintf(stderr, "yzt_writer_hold: cannot start a thread\n");
        abort();
    }
    pthread_mutex_lock(&h->mu);
    while (!h->held)
        pthread_cond_wait(&h->cv, &h->mu);
    pthread_mutex_unlock(&h->mu);
}

bool yzt_writer_release(struct yzt_writer_hold *h)
{
    pthread_mutex_lock(&h->mu);
    bool in_time = !h->gave_up;
    h->release = true;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->thread, NULL);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    return in_time;
}
