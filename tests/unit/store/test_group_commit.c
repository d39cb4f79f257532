/* Unit tests for the group-commit writer of src/store: no acknowledged write is
 * lost, a failing fn fails only its own request, a failed commit fails its
 * whole group, order within a group, nested writes, per-request thread state,
 * detached writes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/caller.h"
#include "lib/writer_hold.h"
#include "store/store.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/yz-gc-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/t.db", dir);
    return 0;
}

static int teardown(void **state)
{
    char p[160];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

/* max_group 0: the default (64). */
static struct yz_store *open_store_grouping(int max_group)
{
    struct yz_store_options o = {.path = path, .busy_timeout_ms = 5000, .max_rows = 10,
                                 .connections = 4, .max_group = max_group};
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct yz_store *s = NULL;
    if (yz_store_open(&o, &s, &err) != YZ_OK)
        fail_msg("open: %s", err.data);
    yz_buf_release(&err);
    return s;
}

static struct yz_store *open_store(void)
{
    return open_store_grouping(0);
}

static struct yz_sql_def q_court = YZ_SQL(
    "INSERT INTO courts(local_id, code, name, level) VALUES (?, ?, ?, 'basic') RETURNING id");
static struct yz_sql_def q_court_no_name =
    YZ_SQL("INSERT INTO courts(local_id, code, name, level) VALUES (?, ?, NULL, 'basic')");
static struct yz_sql_def q_count = YZ_SQL("SELECT count(*) FROM courts");
static struct yz_sql_def q_has = YZ_SQL("SELECT count(*) FROM courts WHERE local_id = ?");
static struct yz_sql_def q_orphan = YZ_SQL("INSERT INTO gc_child(court_id) VALUES (999999)");

/* One write request: what to do, and what came back. */
struct job {
    struct yz_store *s;
    const char *what; /* "insert", "fail", "conflict", "orphan", "next", "hook",
                         "hook_then_fail", "failing_hook" */
    char key[32];
    enum yz_err result;
    int64_t number; /* "next": the number it took */
    pthread_t thread;
};

static enum yz_err insert_key(struct yz_tx *tx, const char *key)
{
    struct yz_stmt *st = yz_sql(tx, &q_court);
    yz_bind_text(st, 1, key);
    yz_bind_text(st, 2, key);
    yz_bind_text(st, 3, key);
    bool row;
    enum yz_err e = yz_step(st, &row);
    if (e == YZ_OK && !row)
        return YZ_ERR_INTERNAL;
    return e;
}

/* Before-commit hooks: how often each ran, and a hook that fails. */
static atomic_int hook_runs;
static enum yz_err counting_hook(struct yz_tx *tx, void *ctx)
{
    atomic_fetch_add(&hook_runs, 1);
    return insert_key(tx, ctx); /* in the transaction, like the chain head's signature */
}
static enum yz_err failing_hook(struct yz_tx *tx, void *ctx)
{
    (void)tx;
    (void)ctx;
    atomic_fetch_add(&hook_runs, 1);
    return YZ_ERR_STORAGE_IO;
}

static enum yz_err count_tx(struct yz_tx *tx, void *ctx)
{
    struct yz_stmt *st = yz_sql(tx, &q_count);
    bool row;
    enum yz_err e = yz_step(st, &row);
    *(int64_t *)ctx = row ? yz_col_i64(st, 0) : -1;
    return e;
}

struct has {
    const char *key;
    int64_t n;
};
static enum yz_err has_tx(struct yz_tx *tx, void *ctx)
{
    struct has *h = ctx;
    struct yz_stmt *st = yz_sql(tx, &q_has);
    yz_bind_text(st, 1, h->key);
    bool row;
    enum yz_err e = yz_step(st, &row);
    h->n = row ? yz_col_i64(st, 0) : -1;
    return e;
}

static int64_t count_rows(struct yz_store *s)
{
    int64_t n = -1;
    assert_int_equal(yz_store_read(s, count_tx, &n), YZ_OK);
    return n;
}

static bool has_key(struct yz_store *s, const char *key)
{
    struct has h = {key, -1};
    assert_int_equal(yz_store_read(s, has_tx, &h), YZ_OK);
    return h.n == 1;
}

static enum yz_err job_tx(struct yz_tx *tx, void *ctx)
{
    struct job *j = ctx;
    if (strcmp(j->what, "insert") == 0)
        return insert_key(tx, j->key);
    if (strcmp(j->what, "fail") == 0) {
        enum yz_err e = insert_key(tx, j->key);
        return e == YZ_OK ? YZ_ERR_VALIDATION : e;
    }
    if (strcmp(j->what, "conflict") == 0) {
        /* A row written first, then a NOT NULL violation: the row goes too. */
        enum yz_err e = insert_key(tx, j->key);
        if (e != YZ_OK)
            return e;
        struct yz_stmt *st = yz_sql(tx, &q_court_no_name);
        yz_bind_text(st, 1, "conflict-second");
        yz_bind_text(st, 2, "conflict-second");
        return yz_exec(st);
    }
    if (strcmp(j->what, "orphan") == 0) {
        /* A deferred foreign key: every statement succeeds, COMMIT fails. */
        enum yz_err e = insert_key(tx, j->key);
        return e == YZ_OK ? yz_exec(yz_sql(tx, &q_orphan)) : e;
    }
    if (strncmp(j->what, "hook", 4) == 0 || strcmp(j->what, "failing_hook") == 0) {
        /* Registered by several requests of a group, the hook runs once. */
        yz_tx_before_commit(tx, j->what[0] == 'f' ? failing_hook : counting_hook, "hooked");
        enum yz_err e = insert_key(tx, j->key);
        if (e == YZ_OK && strcmp(j->what, "hook_then_fail") == 0)
            return YZ_ERR_VALIDATION;
        return e;
    }
    if (strcmp(j->what, "next") == 0) {
        /* Takes the next number from what is written so far (like a case
         * number): correct only if each fn sees the ones run before it. */
        enum yz_err e = count_tx(tx, &j->number);
        if (e != YZ_OK)
            return e;
        j->number++;
        snprintf(j->key, sizeof j->key, "n%lld", (long long)j->number);
        return insert_key(tx, j->key);
    }
    return YZ_ERR_INTERNAL;
}

static void *job_thread(void *arg)
{
    struct job *j = arg;
    j->result = yz_store_write(j->s, job_tx, j);
    return NULL;
}

/* The gate: a write whose fn holds the writer until `want` requests wait in
 * the queue, so that they all form the next group, whatever the scheduling. */
struct gate {
    struct yz_store *s;
    int64_t want;
    atomic_bool running;
    bool saw_them;
};

static enum yz_err gate_tx(struct yz_tx *tx, void *ctx)
{
    struct gate *g = ctx;
    atomic_store(&g->running, true);
    for (int i = 0; i < 20000; i++) {
        struct yz_store_stats st;
        yz_store_stats(g->s, &st);
        if (st.queued == g->want) {
            g->saw_them = true;
            break;
        }
        usleep(1000);
    }
    return YZ_OK;
}

static void *gate_thread(void *arg)
{
    struct gate *g = arg;
    enum yz_err e = yz_store_write(g->s, gate_tx, g);
    if (e != YZ_OK)
        g->saw_them = false;
    return NULL;
}

/* Runs the jobs as one group; returns how many transactions that group took. */
static int64_t run_as_one_group(struct yz_store *s, struct job *jobs, int n)
{
    struct yz_store_stats before, after;
    struct gate g = {.s = s, .want = n};
    pthread_t gt;
    yz_store_stats(s, &before);
    assert_int_equal(pthread_create(&gt, NULL, gate_thread, &g), 0);
    while (!atomic_load(&g.running))
        usleep(1000);
    for (int i = 0; i < n; i++) {
        jobs[i].s = s;
        assert_int_equal(pthread_create(&jobs[i].thread, NULL, job_thread, &jobs[i]), 0);
    }
    assert_int_equal(pthread_join(gt, NULL), 0);
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(jobs[i].thread, NULL), 0);
    assert_true(g.saw_them);
    yz_store_stats(s, &after);
    assert_int_equal(after.writes - before.writes, n + 1);
    return after.groups - before.groups - 1; /* the gate's own */
}

#define WRITERS 8
#define EACH 150

struct writer {
    struct yz_store *s;
    int id;
    int acknowledged;
};

static void *writer_thread(void *arg)
{
    struct writer *w = arg;
    for (int i = 0; i < EACH; i++) {
        struct job j = {.s = w->s, .what = "insert"};
        snprintf(j.key, sizeof j.key, "w%d-%d", w->id, i);
        if (yz_store_write(w->s, job_tx, &j) == YZ_OK)
            w->acknowledged++;
    }
    return NULL;
}

static void no_acknowledged_write_is_lost(void **state)
{
    struct yz_store *s = open_store();
    struct writer w[WRITERS];
    pthread_t t[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (struct writer){.s = s, .id = i};
        assert_int_equal(pthread_create(&t[i], NULL, writer_thread, &w[i]), 0);
    }
    int acknowledged = 0;
    for (int i = 0; i < WRITERS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        acknowledged += w[i].acknowledged;
    }
    assert_int_equal(acknowledged, WRITERS * EACH);
    struct yz_store_stats st;
    yz_store_stats(s, &st);
    assert_int_equal(st.writes, WRITERS * EACH);
    assert_int_equal(st.queued, 0);
    assert_true(st.groups >= 1 && st.groups <= st.writes);
    yz_store_close(s);

    /* Reopened: every acknowledged write is there, each exactly once. */
    s = open_store();
    assert_int_equal(count_rows(s), acknowledged);
    assert_true(has_key(s, "w0-0"));
    assert_true(has_key(s, "w7-149"));
    yz_store_close(s);
}

/* The child of the crash test: writers that report every acknowledged key on
 * the pipe, until they are killed. */
#define ACK_BYTES 24
struct acker {
    struct yz_store *s;
    int id;
    int fd;
};

static void *acker_thread(void *arg)
{
    struct acker *a = arg;
    for (int i = 0; i < 100000; i++) {
        struct job j = {.s = a->s, .what = "insert"};
        snprintf(j.key, sizeof j.key, "k%d-%d", a->id, i);
        if (yz_store_write(a->s, job_tx, &j) != YZ_OK)
            _exit(3);
        char line[ACK_BYTES + 1];
        snprintf(line, sizeof line, "%-*.*s", ACK_BYTES, ACK_BYTES, j.key); /* fixed size: atomic on a pipe */
        if (write(a->fd, line, ACK_BYTES) != ACK_BYTES)
            _exit(4);
    }
    return NULL;
}

static void acknowledged_writes_survive_a_killed_process(void **state)
{
    yz_store_close(open_store()); /* migrations done before the child starts */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        struct yz_store *s = open_store();
        struct acker a[4];
        pthread_t t[4];
        for (int i = 0; i < 4; i++) {
            a[i] = (struct acker){s, i, fds[1]};
            if (pthread_create(&t[i], NULL, acker_thread, &a[i]) != 0)
                _exit(2);
        }
        for (int i = 0; i < 4; i++)
            pthread_join(t[i], NULL);
        _exit(0);
    }
    close(fds[1]);
    /* Kill it while it writes, after a few hundred acknowledgements. */
    static char keys[4096][ACK_BYTES + 1];
    int got = 0;
    while (got < 300 && read(fds[0], keys[got], ACK_BYTES) == ACK_BYTES)
        got++;
    kill(pid, SIGKILL);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    while (got < 4096 && read(fds[0], keys[got], ACK_BYTES) == ACK_BYTES)
        got++;
    close(fds[0]);
    assert_true(got >= 300);

    struct yz_store *s = open_store();
    for (int i = 0; i < got; i++) {
        char key[ACK_BYTES + 1];
        keys[i][ACK_BYTES] = '\0';
        sscanf(keys[i], "%24s", key);
        if (!has_key(s, key))
            fail_msg("acknowledged write %s is missing after the kill", key);
    }
    assert_true(count_rows(s) >= got);
    yz_store_close(s);
}

static void a_failing_fn_fails_only_its_own_request(void **state)
{
    struct yz_store *s = open_store();
    struct job jobs[] = {
        {.what = "insert", .key = "a"},   {.what = "fail", .key = "b"},
        {.what = "insert", .key = "c"},   {.what = "conflict", .key = "d"},
        {.what = "insert", .key = "e"},
    };
    int n = (int)(sizeof jobs / sizeof jobs[0]);
    assert_int_equal(run_as_one_group(s, jobs, n), 1);
    assert_int_equal(jobs[0].result, YZ_OK);
    assert_int_equal(jobs[1].result, YZ_ERR_VALIDATION);
    assert_int_equal(jobs[2].result, YZ_OK);
    assert_int_equal(jobs[3].result, YZ_ERR_CONFLICT);
    assert_int_equal(jobs[4].result, YZ_OK);
    yz_store_close(s);
    s = open_store();
    assert_true(has_key(s, "a"));
    assert_false(has_key(s, "b"));
    assert_true(has_key(s, "c"));
    assert_false(has_key(s, "d")); /* its first row went with its savepoint */
    assert_true(has_key(s, "e"));
    assert_int_equal(count_rows(s), 3);
    yz_store_close(s);
}

static struct yz_sql_def q_synchronous = YZ_SQL("PRAGMA synchronous");
static enum yz_err synchronous_tx(struct yz_tx *tx, void *ctx)
{
    struct yz_stmt *st = yz_sql(tx, &q_synchronous);
    bool row;
    enum yz_err e = yz_step(st, &row);
    *(int64_t *)ctx = row ? yz_col_i64(st, 0) : -1;
    yz_exec(st);
    return e;
}

/* The writer's synchronous setting: 1 NORMAL, 2 FULL. */
static int64_t writer_synchronous(struct yz_store *s)
{
    int64_t v = -1;
    assert_int_equal(yz_store_write(s, synchronous_tx, &v), YZ_OK);
    return v;
}

/* Bulk mode: a request alone in its transaction runs without a savepoint and
 * its failure rolls the whole transaction back, rows and hooks; commits are not
 * synced until the mode ends, which restores FULL and empties the WAL into the
 * database file. */
static void bulk_mode_rolls_back_alone_and_ends_checkpointed(void **state)
{
    struct yz_store *s = open_store();
    assert_int_equal(writer_synchronous(s), 2);
    assert_int_equal(yz_store_bulk(s, true), YZ_OK);
    assert_int_equal(writer_synchronous(s), 1);
    struct job jobs[] = {
        {.what = "insert", .key = "a"},   {.what = "fail", .key = "b"},
        {.what = "conflict", .key = "d"}, {.what = "hook_then_fail", .key = "h"},
        {.what = "insert", .key = "e"},
    };
    atomic_store(&hook_runs, 0);
    for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
        jobs[i].s = s;
        job_thread(&jobs[i]); /* one after the other: each alone in its transaction */
    }
    assert_int_equal(jobs[0].result, YZ_OK);
    assert_int_equal(jobs[1].result, YZ_ERR_VALIDATION);
    assert_int_equal(jobs[2].result, YZ_ERR_CONFLICT);
    assert_int_equal(jobs[3].result, YZ_ERR_VALIDATION);
    assert_int_equal(jobs[4].result, YZ_OK);
    assert_int_equal(atomic_load(&hook_runs), 0); /* rolled back with its transaction */
    /* In a group, a failing request still fails alone (savepoints as before). */
    struct job group[] = {{.what = "insert", .key = "g1"}, {.what = "fail", .key = "g2"}};
    assert_int_equal(run_as_one_group(s, group, 2), 1);
    assert_int_equal(group[0].result, YZ_OK);
    assert_int_equal(group[1].result, YZ_ERR_VALIDATION);

    char wal[160];
    struct stat sb;
    snprintf(wal, sizeof wal, "%s-wal", path);
    assert_int_equal(stat(wal, &sb), 0);
    assert_true(sb.st_size > 0);
    assert_int_equal(yz_store_bulk(s, false), YZ_OK);
    assert_int_equal(stat(wal, &sb), 0);
    assert_int_equal(sb.st_size, 0); /* everything checkpointed into the database */
    assert_int_equal(writer_synchronous(s), 2);
    assert_int_equal(yz_store_bulk(s, false), YZ_OK); /* already off: nothing to do */
    yz_store_close(s);
    s = open_store();
    assert_true(has_key(s, "a"));
    assert_false(has_key(s, "b"));
    assert_false(has_key(s, "d")); /* its first row went with the transaction */
    assert_false(has_key(s, "h"));
    assert_false(has_key(s, "hooked"));
    assert_true(has_key(s, "e"));
    assert_true(has_key(s, "g1"));
    assert_int_equal(count_rows(s), 3);
    yz_store_close(s);
}

static void a_failed_commit_fails_every_request_of_the_group(void **state)
{
    /* A child table whose foreign key is checked only at COMMIT. */
    yz_store_close(open_store());
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE gc_child(id INTEGER PRIMARY KEY, court_id INTEGER"
                                  " REFERENCES courts(id) DEFERRABLE INITIALLY DEFERRED)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);

    struct yz_store *s = open_store();
    struct job jobs[] = {
        {.what = "insert", .key = "p"}, {.what = "insert", .key = "q"},
        {.what = "orphan", .key = "r"}, {.what = "fail", .key = "s"},
        {.what = "insert", .key = "t"},
    };
    int n = (int)(sizeof jobs / sizeof jobs[0]);
    assert_int_equal(run_as_one_group(s, jobs, n), 1);
    for (int i = 0; i < n; i++)
        assert_int_equal(jobs[i].result, i == 3 ? YZ_ERR_VALIDATION : YZ_ERR_CONFLICT);
    assert_int_equal(count_rows(s), 0);

    /* The writer goes on: the next group commits. */
    struct job again = {.what = "insert", .key = "u"};
    assert_int_equal(yz_store_write(s, job_tx, &again), YZ_OK);
    yz_store_close(s);
    s = open_store();
    assert_int_equal(count_rows(s), 1);
    assert_true(has_key(s, "u"));
    yz_store_close(s);
}

static void a_before_commit_hook_runs_once_per_transaction(void **state)
{
    struct yz_store *s = open_store();
    /* Three requests register it, one of them is then rolled back. */
    struct job jobs[] = {
        {.what = "hook", .key = "a"}, {.what = "insert", .key = "b"},
        {.what = "hook_then_fail", .key = "c"}, {.what = "hook", .key = "d"},
    };
    atomic_store(&hook_runs, 0);
    assert_int_equal(run_as_one_group(s, jobs, 4), 1);
    assert_int_equal(atomic_load(&hook_runs), 1);
    assert_int_equal(jobs[0].result, YZ_OK);
    assert_int_equal(jobs[2].result, YZ_ERR_VALIDATION);
    assert_int_equal(count_rows(s), 4); /* a, b, d and the hook's own row */
    assert_true(has_key(s, "hooked"));
    assert_false(has_key(s, "c"));

    /* Registered only by a request that was rolled back, it still runs. */
    struct job undone = {.what = "hook_then_fail", .key = "e"};
    atomic_store(&hook_runs, 0);
    assert_int_equal(yz_store_write(s, job_tx, &undone), YZ_ERR_VALIDATION);
    assert_int_equal(atomic_load(&hook_runs), 1);
    /* A transaction that registers none runs none. */
    struct job plain = {.what = "insert", .key = "f"};
    assert_int_equal(yz_store_write(s, job_tx, &plain), YZ_OK);
    assert_int_equal(atomic_load(&hook_runs), 1);
    yz_store_close(s);
}

static void a_failing_hook_fails_every_request_of_the_group(void **state)
{
    struct yz_store *s = open_store();
    struct job jobs[] = {
        {.what = "insert", .key = "p"}, {.what = "failing_hook", .key = "q"},
        {.what = "insert", .key = "r"},
    };
    atomic_store(&hook_runs, 0);
    assert_int_equal(run_as_one_group(s, jobs, 3), 1);
    assert_int_equal(atomic_load(&hook_runs), 1);
    for (int i = 0; i < 3; i++)
        assert_int_equal(jobs[i].result, YZ_ERR_STORAGE_IO);
    assert_int_equal(count_rows(s), 0);
    /* The next transaction starts without it. */
    struct job again = {.what = "insert", .key = "u"};
    assert_int_equal(yz_store_write(s, job_tx, &again), YZ_OK);
    assert_int_equal(atomic_load(&hook_runs), 1);
    assert_int_equal(count_rows(s), 1);
    yz_store_close(s);
}

static void a_group_runs_in_order_and_each_fn_sees_the_ones_before(void **state)
{
    struct yz_store *s = open_store();
    struct job jobs[12];
    int n = 12;
    for (int i = 0; i < n; i++)
        jobs[i] = (struct job){.what = "next"};
    assert_int_equal(run_as_one_group(s, jobs, n), 1);
    /* Every request took a different number: 1..n, none twice. */
    bool seen[13] = {false};
    for (int i = 0; i < n; i++) {
        assert_int_equal(jobs[i].result, YZ_OK);
        assert_in_range(jobs[i].number, 1, n);
        assert_false(seen[jobs[i].number]);
        seen[jobs[i].number] = true;
    }
    /* Two requests for the same key in one group: exactly one wins. */
    struct job twice[] = {{.what = "insert", .key = "same"}, {.what = "insert", .key = "same"}};
    assert_int_equal(run_as_one_group(s, twice, 2), 1);
    assert_true((twice[0].result == YZ_OK && twice[1].result == YZ_ERR_ALREADY_EXISTS) ||
                (twice[1].result == YZ_OK && twice[0].result == YZ_ERR_ALREADY_EXISTS));
    assert_int_equal(count_rows(s), n + 1);
    /* One caller's writes follow each other. */
    struct job first = {.what = "next"}, second = {.what = "next"};
    assert_int_equal(yz_store_write(s, job_tx, &first), YZ_OK);
    assert_int_equal(yz_store_write(s, job_tx, &second), YZ_OK);
    assert_int_equal(second.number, first.number + 1);
    yz_store_close(s);
}

/* storage.max_group: 1 commits every request alone (what bench/run.sh
 * measures grouping against), a larger cap splits a long queue. */
static void max_group_caps_the_requests_per_commit(void **state)
{
    const struct {
        int max_group;
        int64_t transactions;
    } caps[] = {{1, 6}, {4, 2}, {0, 1}};
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        struct yz_store *s = open_store_grouping(caps[c].max_group);
        int64_t before = count_rows(s);
        struct job jobs[6];
        for (int i = 0; i < 6; i++) {
            jobs[i] = (struct job){.what = "insert"};
            snprintf(jobs[i].key, sizeof jobs[i].key, "cap%zu-%d", c, i);
        }
        assert_int_equal(run_as_one_group(s, jobs, 6), caps[c].transactions);
        for (int i = 0; i < 6; i++)
            assert_int_equal(jobs[i].result, YZ_OK);
        assert_int_equal(count_rows(s), before + 6);
        yz_store_close(s);
    }
}

struct nested {
    struct yz_store *s;
    enum yz_err inner_write;
    enum yz_err inner_read;
    int64_t rows_seen;
};

static enum yz_err nested_tx(struct yz_tx *tx, void *ctx)
{
    struct nested *n = ctx;
    enum yz_err e = insert_key(tx, "outer");
    struct job inner = {.s = n->s, .what = "insert", .key = "inner"};
    n->inner_write = yz_store_write(n->s, job_tx, &inner);
    n->inner_read = yz_store_read(n->s, count_tx, &n->rows_seen);
    return e;
}

static void a_write_inside_a_write_is_refused_not_deadlocked(void **state)
{
    struct yz_store *s = open_store();
    struct job before = {.what = "insert", .key = "before"};
    assert_int_equal(yz_store_write(s, job_tx, &before), YZ_OK);
    struct nested n = {.s = s};
    assert_int_equal(yz_store_write(s, nested_tx, &n), YZ_OK);
    assert_int_equal(n.inner_write, YZ_ERR_INTERNAL);
    /* A read works, and sees what is committed, not the open group. */
    assert_int_equal(n.inner_read, YZ_OK);
    assert_int_equal(n.rows_seen, 1);
    assert_true(has_key(s, "outer"));
    assert_false(has_key(s, "inner"));
    yz_store_close(s);
}

struct where {
    pthread_t ran_on;
};

static enum yz_err park_tx(struct yz_tx *tx, void *ctx)
{
    struct where *w = ctx;
    w->ran_on = pthread_self();
    snprintf(yz_caller_slot(YZ_CALLER_POLICY_DENIAL), YZ_CALLER_SLOT_BYTES, "parked by the fn");
    return YZ_OK;
}

static void state_parked_by_a_fn_reaches_its_caller(void **state)
{
    struct yz_store *s = open_store();
    char *mine = yz_caller_slot(YZ_CALLER_POLICY_DENIAL);
    mine[0] = '\0';
    struct where w;
    assert_int_equal(yz_store_write(s, park_tx, &w), YZ_OK);
    /* The fn ran on the writer thread, yet what it parked is the caller's. */
    assert_false(pthread_equal(w.ran_on, pthread_self()));
    assert_string_equal(mine, "parked by the fn");
    mine[0] = '\0';
    yz_store_close(s);
}

static struct yz_sql_def q_rename = YZ_SQL("UPDATE courts SET name = name || '*' WHERE local_id = ?");

struct seen {
    int calls;
    int64_t last_rowid;
};

static void watcher(void *arg, int64_t rowid)
{
    struct seen *s = arg;
    s->calls++;
    s->last_rowid = rowid;
}

static enum yz_err rename_tx(struct yz_tx *tx, void *ctx)
{
    struct yz_stmt *st = yz_sql(tx, &q_rename);
    yz_bind_text(st, 1, ctx);
    return yz_exec(st);
}

static void watchers_hear_of_changed_rows_before_the_writer_answers(void **state)
{
    struct yz_store *s = open_store();
    struct seen seen = {0}, other = {0};
    yz_store_watch(s, "courts", watcher, &seen);
    yz_store_watch(s, "users", watcher, &other);
    struct job j = {.what = "insert", .key = "w"};
    assert_int_equal(yz_store_write(s, job_tx, &j), YZ_OK);
    assert_int_equal(seen.calls, 0); /* inserts are not reported */
    assert_int_equal(yz_store_write(s, rename_tx, "w"), YZ_OK);
    assert_int_equal(seen.calls, 1); /* already told when the write returns */
    assert_true(seen.last_rowid > 0);
    assert_int_equal(other.calls, 0);
    yz_store_close(s);
}

/* What the done callbacks of detached writes saw (on the writer thread; read
 * after a later write returned). */
static struct {
    int calls, ok;
    char last_key[32];
} detached_seen;

static void detached_done(void *ctx, enum yz_err e)
{
    const struct job *j = ctx;
    detached_seen.calls++;
    detached_seen.ok += e == YZ_OK;
    snprintf(detached_seen.last_key, sizeof detached_seen.last_key, "%s", j->key);
}

struct detach_inside {
    struct yz_store *s;
    bool queued;
};

static enum yz_err detach_inside_tx(struct yz_tx *tx, void *ctx)
{
    struct detach_inside *d = ctx;
    struct job j = {.what = "insert", .key = "inside"};
    d->queued = yz_store_write_detached(d->s, job_tx, &j, sizeof j, NULL);
    return YZ_OK;
}

static void detached_writes_return_at_once_and_commit_before_later_writes(void **state)
{
    struct yz_store *s = open_store();
    memset(&detached_seen, 0, sizeof detached_seen);
    /* With the writer held, queuing returns at once, up to the cap; ctx is
     * copied, so the caller's struct is free to change. */
    struct yzt_writer_hold hold;
    yzt_writer_hold(&hold, s);
    struct job j = {.what = "insert"};
    for (int i = 0; i < YZ_STORE_DETACHED_MAX; i++) {
        snprintf(j.key, sizeof j.key, "d%d", i);
        assert_true(yz_store_write_detached(s, job_tx, &j, sizeof j, detached_done));
    }
    snprintf(j.key, sizeof j.key, "over");
    assert_false(yz_store_write_detached(s, job_tx, &j, sizeof j, detached_done));
    assert_true(yzt_writer_release(&hold));
    /* A write queued later returns after they all committed, in order. */
    struct job later = {.what = "insert", .key = "later"};
    assert_int_equal(yz_store_write(s, job_tx, &later), YZ_OK);
    assert_int_equal(detached_seen.calls, YZ_STORE_DETACHED_MAX);
    assert_int_equal(detached_seen.ok, YZ_STORE_DETACHED_MAX);
    char last[32];
    snprintf(last, sizeof last, "d%d", YZ_STORE_DETACHED_MAX - 1);
    assert_string_equal(detached_seen.last_key, last);
    for (int i = 0; i < YZ_STORE_DETACHED_MAX; i++) {
        snprintf(j.key, sizeof j.key, "d%d", i);
        assert_true(has_key(s, j.key));
    }
    assert_false(has_key(s, "over"));
    /* One that fails is told so and fails alone; the cap is free again. */
    struct job bad = {.what = "fail", .key = "bad"}, after = {.what = "insert", .key = "after"};
    assert_true(yz_store_write_detached(s, job_tx, &bad, sizeof bad, detached_done));
    assert_int_equal(yz_store_write(s, job_tx, &after), YZ_OK);
    assert_int_equal(detached_seen.calls, YZ_STORE_DETACHED_MAX + 1);
    assert_int_equal(detached_seen.ok, YZ_STORE_DETACHED_MAX);
    assert_false(has_key(s, "bad"));
    assert_true(has_key(s, "after"));
    /* From inside a write fn it is refused, like a nested write; a ctx over
     * the cap is refused too. */
    struct detach_inside d = {.s = s};
    assert_int_equal(yz_store_write(s, detach_inside_tx, &d), YZ_OK);
    assert_false(d.queued);
    assert_false(has_key(s, "inside"));
    char big[YZ_STORE_DETACHED_CTX_MAX + 1] = {0};
    assert_false(yz_store_write_detached(s, job_tx, big, sizeof big, NULL));
    /* Queued when the store closes, it is still committed. */
    struct job at_close = {.what = "insert", .key = "at-close"};
    assert_true(yz_store_write_detached(s, job_tx, &at_close, sizeof at_close, NULL));
    yz_store_close(s);
    s = open_store();
    assert_true(has_key(s, "at-close"));
    yz_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(no_acknowledged_write_is_lost, setup, teardown),
        cmocka_unit_test_setup_teardown(acknowledged_writes_survive_a_killed_process, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_failing_fn_fails_only_its_own_request, setup, teardown),
        cmocka_unit_test_setup_teardown(bulk_mode_rolls_back_alone_and_ends_checkpointed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_failed_commit_fails_every_request_of_the_group, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_before_commit_hook_runs_once_per_transaction, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_failing_hook_fails_every_request_of_the_group, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_group_runs_in_order_and_each_fn_sees_the_ones_before,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(max_group_caps_the_requests_per_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(a_write_inside_a_write_is_refused_not_deadlocked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(state_parked_by_a_fn_reaches_its_caller, setup, teardown),
        cmocka_unit_test_setup_teardown(detached_writes_return_at_once_and_commit_before_later_writes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(watchers_hear_of_changed_rows_before_the_writer_answers,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
