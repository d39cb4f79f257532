/*
 * Unit tests for src/core/workers.c: every submitted job runs once, jobs run
 * on several threads at once, a full queue and a stopped pool refuse work,
 * and stopping runs what was already queued.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "core/workers.h"

static atomic_int ran;

static void count(void *arg)
{
    atomic_fetch_add(&ran, *(int *)arg);
}

static void every_job_runs_once(void **state)
{
    atomic_store(&ran, 0);
    struct yz_workers *w = yz_workers_start(4, 1000);
    assert_non_null(w);
    static int one = 1;
    for (int i = 0; i < 1000; i++)
        assert_true(yz_workers_submit(w, count, &one));
    yz_workers_free(w); /* runs what is queued first */
    assert_int_equal(atomic_load(&ran), 1000);
}

/* A gate that holds each job until `want` jobs wait at it: passes only when
 * that many run at the same time. */
struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int waiting, want;
};

static void meet(void *arg)
{
    struct gate *g = arg;
    pthread_mutex_lock(&g->mu);
    if (++g->waiting >= g->want)
        pthread_cond_broadcast(&g->cv);
    while (g->waiting < g->want)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
    atomic_fetch_add(&ran, 1);
}

static void jobs_run_side_by_side(void **state)
{
    atomic_store(&ran, 0);
    struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 3};
    struct yz_workers *w = yz_workers_start(3, 3);
    for (int i = 0; i < 3; i++)
        assert_true(yz_workers_submit(w, meet, &g));
    yz_workers_free(w); /* with fewer than 3 threads this would never return */
    assert_int_equal(atomic_load(&ran), 3);
}

/* A job that holds its thread until the test lets it go. */
struct hold {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool started, released;
};

static void held(void *arg)
{
    struct hold *h = arg;
    pthread_mutex_lock(&h->mu);
    h->started = true;
    pthread_cond_broadcast(&h->cv);
    while (!h->released)
        pthread_cond_wait(&h->cv, &h->mu);
    pthread_mutex_unlock(&h->mu);
    atomic_fetch_add(&ran, 1);
}

static void full_queue_and_stopped_pool_refuse(void **state)
{
    atomic_store(&ran, 0);
    /* One thread held by the first job, a queue of one: the second job
     * waits in the queue, the third finds it full. */
    struct hold h = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false};
    struct yz_workers *w = yz_workers_start(1, 1);
    assert_true(yz_workers_submit(w, held, &h));
    pthread_mutex_lock(&h.mu);
    while (!h.started)
        pthread_cond_wait(&h.cv, &h.mu);
    pthread_mutex_unlock(&h.mu);
    static int one = 1;
    assert_true(yz_workers_submit(w, count, &one));
    assert_false(yz_workers_submit(w, count, &one));
    pthread_mutex_lock(&h.mu);
    h.released = true;
    pthread_cond_broadcast(&h.cv);
    pthread_mutex_unlock(&h.mu);
    yz_workers_stop(w);
    assert_int_equal(atomic_load(&ran), 2); /* the queued job ran before the stop returned */
    assert_false(yz_workers_submit(w, count, &one));
    yz_workers_free(w);
    yz_workers_free(NULL);
    assert_int_equal(atomic_load(&ran), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_job_runs_once),
        cmocka_unit_test(jobs_run_side_by_side),
        cmocka_unit_test(full_queue_and_stopped_pool_refuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
