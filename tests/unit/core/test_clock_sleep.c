/*
 * Unit tests for yz_time_sleep_ms (src/core/clock.h): it sleeps at least the
 * time asked for, also when signals interrupt it (a SIGALRM every 5 ms here),
 * and returns for 0 or a negative time. Only a lower bound is asserted: how
 * much longer a loaded machine lets it sleep decides nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "core/clock.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

static void sleeps_the_whole_time_across_signals(void **state)
{
    (void)state;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: nanosleep returns EINTR */
    assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
    struct itimerval every5ms = {{0, 5000}, {0, 5000}};
    assert_int_equal(setitimer(ITIMER_REAL, &every5ms, NULL), 0);

    int64_t t0 = yz_time_mono_ms();
    yz_time_sleep_ms(60);
    int64_t slept = yz_time_mono_ms() - t0;

    struct itimerval off = {{0, 0}, {0, 0}};
    assert_int_equal(setitimer(ITIMER_REAL, &off, NULL), 0);
    assert_true(alarms > 0); /* the sleep was interrupted, and went on */
    assert_true(slept >= 60);
}

/* Returns: a negative time taken as a huge unsigned one would hang here
 * (and the test runner's time limit fail it). */
static void no_sleep_for_zero_or_less(void **state)
{
    (void)state;
    yz_time_sleep_ms(0);
    yz_time_sleep_ms(-5);
    yz_time_sleep_ms(INT64_MIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sleeps_the_whole_time_across_signals),
        cmocka_unit_test(no_sleep_for_zero_or_less),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
