/*
 * Unit tests for src/http/request_id.c: ids are 32 lower-case hex digits,
 * and ids stay distinct across the refills of the per-thread block and
 * between threads (each thread draws its own block).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "http/request_id.h"

#define PER_THREAD 1000 /* about four refills of the 256-id block */
#define THREADS 4

static char ids[THREADS][PER_THREAD][YZ_REQUEST_ID_SIZE];

static void *draw(void *arg)
{
    char (*mine)[YZ_REQUEST_ID_SIZE] = arg;
    for (int i = 0; i < PER_THREAD; i++)
        yz_request_id_new(mine[i]);
    return NULL;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void shape(void **state)
{
    (void)state;
    char id[YZ_REQUEST_ID_SIZE];
    yz_request_id_new(id);
    assert_int_equal(strlen(id), 32);
    assert_int_equal(strspn(id, "0123456789abcdef"), 32);
}

static void distinct_across_refills_and_threads(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, draw, ids[i]), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    qsort(ids, THREADS * PER_THREAD, YZ_REQUEST_ID_SIZE, by_text);
    const char *all = &ids[0][0][0];
    for (size_t i = 1; i < THREADS * PER_THREAD; i++)
        assert_string_not_equal(all + (i - 1) * YZ_REQUEST_ID_SIZE,
                                all + i * YZ_REQUEST_ID_SIZE);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shape),
        cmocka_unit_test(distinct_across_refills_and_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
