/* Unit tests for the store's checkpointer (src/store/store_sqlite.c): the WAL
 * stays bounded under a long run of writes, a checkpoint that caught up lets
 * the next commit start the WAL again, leaving bulk mode empties it, a failing
 * checkpoint fails no write, and nothing committed is lost across a reopen.
 * Every test waits for the checkpointer through yz_store_checkpoint_idle(),
 * never by sleeping. The whole file runs on the test build's powercut VFS
 * (src/store/test_vfs.h), whose read failures make checkpoints fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

#define THRESHOLD 16       /* checkpoint_pages of these tests */
#define HARD (4 * THRESHOLD) /* where the writer checkpoints itself (CKPT_HARD_FACTOR) */
/* A bound on the WAL pages one write adds: two overflow pages, and four
 * b-trees (the table, three indexes) that may each split a leaf at once and
 * change its parent (measured: up to 15). */
#define WRITE_PAGES 20
#define FRAME (8192 + 24)  /* a WAL frame: the page and its header */

static char dir[64];
static char path[128];
static char fail_read[128]; /* while it exists, every read of the database or WAL fails */

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/yz-ck-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/t.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char p[160];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    unlink(fail_read);
    rmdir(dir);
    return 0;
}

static struct yz_store *open_store(void)
{
    struct yz_store_options o = {.path = path, .busy_timeout_ms = 5000, .max_rows = 10,
                                 .connections = 2, .checkpoint_pages = THRESHOLD};
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_store *s = NULL;
    if (yz_store_open(&o, &s, &err) != YZ_OK)
        fail_msg("open: %s", err.data);
    yz_buf_release(&err);
    return s;
}

/* A migrated database whose WAL is empty: the migrations' pages are not
 * counted against the writes of the test (the last close checkpoints them). */
static struct yz_store *open_fresh(void)
{
    yz_store_close(open_store());
    return open_store();
}

static struct yz_sql_def q_insert =
    YZ_SQL("INSERT INTO courts(local_id, code, name, level) VALUES (?, ?, ?, 'basic')");
static struct yz_sql_def q_count = YZ_SQL("SELECT count(*) FROM courts WHERE code LIKE 'ck%'");

/* Row n: a name of 2,500 bytes, so that every write adds an overflow page to
 * the table and one to the names' index. */
static enum yz_err insert_tx(struct yz_tx *tx, void *ctx)
{
    int n = *(int *)ctx;
    char key[32], name[2501];
    snprintf(key, sizeof key, "ck%06d", n); /* in order: each index grows at its end */
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    memcpy(name, key, strlen(key)); /* names are unique, and in order too */
    struct yz_stmt *st = yz_sql(tx, &q_insert);
    yz_bind_text(st, 1, key);
    yz_bind_text(st, 2, key);
    yz_bind_text(st, 3, name);
    return yz_exec(st);
}

static enum yz_err count_tx(struct yz_tx *tx, void *ctx)
{
    struct yz_stmt *st = yz_sql(tx, &q_count);
    enum yz_err e = yz_step_one(st);
    *(int64_t *)ctx = e == YZ_OK ? yz_col_i64(st, 0) : -1;
    return e;
}

static int64_t count_rows(struct yz_store *s)
{
    int64_t n = -1;
    assert_int_equal(yz_store_read(s, count_tx, &n), YZ_OK);
    return n;
}

static void write_row(struct yz_store *s, int n)
{
    assert_int_equal(yz_store_write(s, insert_tx, &n), YZ_OK);
}

static struct yz_store_stats stats(struct yz_store *s)
{
    struct yz_store_stats st;
    yz_store_stats(s, &st);
    return st;
}

static off_t wal_size(void)
{
    char wal[160];
    struct stat sb;
    snprintf(wal, sizeof wal, "%s-wal", path);
    return stat(wal, &sb) == 0 ? sb.st_size : -1;
}

static void control(bool on)
{
    if (on) {
        int fd = open(fail_read, O_CREAT | O_WRONLY, 0600);
        assert_true(fd >= 0);
        close(fd);
    } else {
        unlink(fail_read);
    }
}

/* 600 writes, 40 times the threshold: the WAL never holds more than the hard
 * limit and one write, and its file never grows past that. */
static void the_wal_stays_bounded_under_a_long_run_of_writes(void **state)
{
    (void)state;
    struct yz_store *s = open_fresh();
    int n = 0;
    for (; n < 600; n++) {
        write_row(s, n);
        assert_true(stats(s).wal_pages <= HARD + WRITE_PAGES);
        assert_true(wal_size() <= (off_t)(HARD + WRITE_PAGES) * FRAME + 32);
    }
    assert_true(stats(s).checkpoints >= 1);
    assert_int_equal(stats(s).checkpoint_failures, 0);

    /* Once the checkpointer has copied everything, the next commit starts the
     * WAL from its beginning: it holds that commit's pages only. First a
     * commit that woke the checkpointer (it is woken once per threshold of
     * WAL growth), with nothing written while it copies (every write waited
     * for), and a WAL short of the hard limit, where the writer's own
     * checkpoint would start it again (then the WAL grows from its beginning
     * and the next wake comes at the threshold). */
    yz_store_checkpoint_idle(s);
    int64_t done = stats(s).checkpoints;
    for (int i = 0; stats(s).checkpoints == done || stats(s).wal_pages >= HARD; i++) {
        assert_true(i <= HARD);
        done = stats(s).checkpoints;
        write_row(s, n++);
        yz_store_checkpoint_idle(s);
    }
    int64_t forced = stats(s).forced_checkpoints;
    write_row(s, n++);
    assert_true(stats(s).wal_pages <= WRITE_PAGES);
    assert_int_equal(stats(s).forced_checkpoints, forced); /* the checkpointer's work */
    assert_int_equal(count_rows(s), n);
    yz_store_close(s);

    s = open_store();
    assert_int_equal(count_rows(s), n);
    yz_store_close(s);
}

/* A reader that keeps its snapshot open: it holds the frames the WAL had when
 * it began, so no checkpoint can copy past them and the WAL cannot start again
 * until it ends. */
struct reader {
    struct yz_store *s;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool reading, stop;
};

static enum yz_err hold_tx(struct yz_tx *tx, void *ctx)
{
    struct reader *r = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_count);
    enum yz_err e = yz_step_one(st); /* the snapshot begins at the first read */
    pthread_mutex_lock(&r->mu);
    r->reading = true;
    pthread_cond_broadcast(&r->cv);
    while (!r->stop)
        pthread_cond_wait(&r->cv, &r->mu);
    pthread_mutex_unlock(&r->mu);
    return e;
}

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    assert_int_equal(yz_store_read(r->s, hold_tx, r), YZ_OK);
    return NULL;
}

/* The checkpointer is woken once per threshold of WAL growth, not after every
 * commit while the WAL is long: while a reader keeps the WAL from emptying,
 * the writes that add more than a threshold after the WAL reached it woke it
 * at most once per threshold they added. (Woken after every commit, it synced
 * the WAL after nearly every commit: under synchronous=NORMAL the power-cut
 * proof's negative control then lost nothing.) Every write is waited for, so
 * no two requests for a checkpoint merge into one run. */
static void the_checkpointer_runs_once_per_threshold_of_wal_growth(void **state)
{
    (void)state;
    struct yz_store *s = open_fresh();
    int n = 0;
    write_row(s, n++);
    struct reader r = {.s = s};
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, reader_main, &r), 0);
    pthread_mutex_lock(&r.mu);
    while (!r.reading)
        pthread_cond_wait(&r.cv, &r.mu);
    pthread_mutex_unlock(&r.mu);

    /* Past the threshold first; the checkpointer may run once on the way. */
    while (stats(s).wal_pages < THRESHOLD)
        write_row(s, n++);
    yz_store_checkpoint_idle(s);
    struct yz_store_stats from = stats(s);
    /* Then up to the hard limit less one write (the writer's own checkpoint
     * would wait for the reader). */
    int writes = 0;
    while (stats(s).wal_pages < HARD - WRITE_PAGES) {
        write_row(s, n++);
        yz_store_checkpoint_idle(s);
        writes++;
    }
    struct yz_store_stats to = stats(s);
    /* The reader ends first, so that a failed assertion leaves no thread. */
    pthread_mutex_lock(&r.mu);
    r.stop = true;
    pthread_cond_broadcast(&r.cv);
    pthread_mutex_unlock(&r.mu);
    pthread_join(t, NULL);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.cv);

    int64_t grown = to.wal_pages - from.wal_pages; /* the WAL did not start again */
    assert_true(writes >= 3);
    assert_int_equal(to.forced_checkpoints, from.forced_checkpoints);
    assert_int_equal(to.checkpoint_failures, 0);
    assert_true(to.checkpoints - from.checkpoints <= grown / THRESHOLD + 1);
    assert_true(to.checkpoints - from.checkpoints < writes);
    assert_int_equal(count_rows(s), n);
    yz_store_close(s);
}

/* Bulk mode checkpoints at 8 times the threshold, on the checkpointer too;
 * leaving it copies the whole WAL into the database and truncates it. */
static void leaving_bulk_mode_leaves_an_empty_wal(void **state)
{
    (void)state;
    struct yz_store *s = open_fresh();
    assert_int_equal(yz_store_bulk(s, true), YZ_OK);
    int n = 0;
    for (; n < 700; n++) {
        write_row(s, n);
        assert_true(stats(s).wal_pages <= 8 * HARD + WRITE_PAGES);
    }
    yz_store_checkpoint_idle(s);
    assert_true(stats(s).checkpoints >= 1);
    assert_true(wal_size() > 0);
    assert_int_equal(yz_store_bulk(s, false), YZ_OK);
    assert_int_equal(wal_size(), 0);
    assert_int_equal(stats(s).wal_pages, 0);
    assert_int_equal(count_rows(s), n);
    yz_store_close(s);

    s = open_store();
    assert_int_equal(count_rows(s), n);
    yz_store_close(s);
}

/* While every read of the files fails, checkpoints (which read the WAL back)
 * fail, the checkpointer's and the writer's own at the hard limit, but every
 * write still commits: from its pages in the writer's cache into the WAL.
 * Once reads work again, the writer's next own checkpoint succeeds. (A first
 * own checkpoint may succeed while reads fail: one with nothing left to copy.) */
static void a_failing_checkpoint_fails_no_write(void **state)
{
    (void)state;
    setenv("YZ_TEST_VFS", "powercut", 1); /* this test only: see main */
    struct yz_store *s = open_fresh();
    int n = 0;
    for (; n < 10; n++) /* the writer's cache holds the pages it needs */
        write_row(s, n);
    yz_store_checkpoint_idle(s);
    struct yz_store_stats before = stats(s);

    control(true);
    for (; n < 40; n++) /* 30 writes, 150 pages or more */
        write_row(s, n);
    yz_store_checkpoint_idle(s);
    struct yz_store_stats during = stats(s);
    assert_true(during.checkpoint_failures > before.checkpoint_failures);
    assert_int_equal(during.checkpoints, before.checkpoints);
    assert_true(during.wal_pages > HARD); /* nothing could be copied since */

    /* After a failure the writer tries again once the WAL grew by another
     * threshold: within four writes of five pages or more. */
    control(false);
    for (int i = 0; i < 4 && stats(s).forced_checkpoints == during.forced_checkpoints; i++)
        write_row(s, n++);
    struct yz_store_stats after = stats(s);
    assert_int_equal(after.forced_checkpoints, during.forced_checkpoints + 1);
    assert_true(after.wal_pages <= WRITE_PAGES);
    assert_int_equal(count_rows(s), n);
    yz_store_close(s);

    s = open_store();
    assert_int_equal(count_rows(s), n);
    yz_store_close(s);
    unsetenv("YZ_TEST_VFS");
}

int main(void)
{
    /* Read once, when the first store opens: the VFS and its control file. */
    char cdir[64];
    snprintf(cdir, sizeof cdir, "/tmp/yz-ckc-XXXXXX");
    if (!mkdtemp(cdir))
        return 1;
    snprintf(fail_read, sizeof fail_read, "%s/fail-read", cdir);
    setenv("YZ_TEST_VFS_FAIL_READ", fail_read, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_wal_stays_bounded_under_a_long_run_of_writes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_checkpointer_runs_once_per_threshold_of_wal_growth,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(leaving_bulk_mode_leaves_an_empty_wal, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failing_checkpoint_fails_no_write, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(fail_read);
    rmdir(cdir);
    return rc;
}
