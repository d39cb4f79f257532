/* A fixed pool of job threads (workers.h): a ring of jobs under one mutex. */
#include "core/workers.h"
#include "core/error.h"

#include <pthread.h>
#include <stdlib.h>

#include "core/banned.h"

struct job {
    void (*fn)(void *);
    void *arg;
};

struct yz_workers {
    pthread_mutex_t mu;
    pthread_cond_t ready; /* a job was queued, or the pool is stopping */
    struct job *ring;
    size_t cap, head, count;
    bool stopping;
    bool joined;
    int nthreads;
    pthread_t *threads;
};

static void *worker_main(void *p)
{
    struct yz_workers *w = p;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->count == 0 && !w->stopping)
            pthread_cond_wait(&w->ready, &w->mu);
        if (w->count == 0) /* stopping, and nothing is left to run */
            break;
        struct job j = w->ring[w->head];
        w->head = (w->head + 1) % w->cap;
        w->count--;
        pthread_mutex_unlock(&w->mu);
        j.fn(j.arg);
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

struct yz_workers *yz_workers_start(int threads, size_t queue_cap)
{
    if (threads < 1 || queue_cap < 1)
        YZ_BUG("yz_workers_start(%d, %zu)", threads, queue_cap);
    struct yz_workers *w = yz_calloc(1, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->ready, NULL);
    w->ring = yz_calloc(queue_cap, sizeof *w->ring);
    w->cap = queue_cap;
    w->threads = yz_calloc((size_t)threads, sizeof *w->threads);
    for (; w->nthreads < threads; w->nthreads++)
        if (pthread_create(&w->threads[w->nthreads], NULL, worker_main, w) != 0) {
            yz_workers_free(w);
            return NULL;
        }
    return w;
}

bool yz_workers_submit(struct yz_workers *w, void (*fn)(void *), void *arg)
{
    pthread_mutex_lock(&w->mu);
    bool ok = !w->stopping && w->count < w->cap;
    if (ok) {
        w->ring[(w->head + w->count) % w->cap] = (struct job){fn, arg};
        w->count++;
        pthread_cond_signal(&w->ready);
    }
    pthread_mutex_unlock(&w->mu);
    return ok;
}

void yz_workers_stop(struct yz_workers *w)
{
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_broadcast(&w->ready);
    pthread_mutex_unlock(&w->mu);
    if (w->joined)
        return;
    for (int i = 0; i < w->nthreads; i++)
        pthread_join(w->threads[i], NULL);
    w->joined = true;
}

void yz_workers_free(struct yz_workers *w)
{
    if (!w)
        return;
    yz_workers_stop(w);
    pthread_cond_destroy(&w->ready);
    pthread_mutex_destroy(&w->mu);
    free(w->threads);
    free(w->ring);
    free(w);
}
