/*
 * `yizhan generate` (src/datagen) when someone else writes between its
 * batches: the preparing thread numbers the matters and chains the events
 * ahead, as they will be if nothing else writes; the writer takes them only
 * when its transaction finds the matters and the chain where foreseen and
 * numbers and hashes anew otherwise. Here the import runs in process and its
 * progress callback (on its writing thread, between two batches) writes: in
 * one import a bare matter row (the chain as foreseen, the matter ids not),
 * in another an event once and a matter with its event once. Each import goes
 * on after them, its matters get the next free ids and their events their
 * streams, and the history verifies with every stream numbered from 1. When
 * the courts or the filers go between batches (bulk mode does not enforce
 * foreign keys), the next batch is refused with the parent named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/apitest.h"

#include "app/app.h"
#include "audit/verify.h"
#include "cli/cli_config.h"
#include "datagen/datagen.h"
#include "matters/matters.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASES 200
#define BATCH 50

/* A copy of the newest matter: someone else's write. */
static struct yz_sql_def q_copy_matter = YZ_SQL(
    "INSERT INTO matters(kind, state, court_id, title, channel, created_by, created_at,"
    " updated_at, version, data) SELECT kind, state, court_id, title, channel, created_by,"
    " created_at, updated_at, version, data FROM matters ORDER BY id DESC LIMIT 1 RETURNING id");
static struct yz_sql_def q_matters = YZ_SQL("SELECT count(*), max(id) FROM matters");
static struct yz_sql_def q_stream_events =
    YZ_SQL("SELECT count(*), coalesce(max(stream_seq), 0) FROM events WHERE stream = ?");

/* A parent gone (bulk mode enforces no foreign keys, so these succeed). */
static struct yz_sql_def q_drop_courts = YZ_SQL("DELETE FROM courts");
static struct yz_sql_def q_drop_filers =
    YZ_SQL("DELETE FROM users WHERE role IN ('party', 'lawyer')");
/* A matter of a court that does not exist. */
static struct yz_sql_def q_orphan = YZ_SQL(
    "INSERT INTO matters(kind, state, court_id, title, channel, created_by, created_at,"
    " updated_at, version) SELECT 'filing', 'draft', 999999, 'x', 'web', min(id), 0, 0, 1"
    " FROM users");

struct interloper {
    struct yz_app *app;
    bool bare; /* only a matter row after the first batch */
    int batches;
    int64_t matter_id; /* the matter it added */
};

static enum yz_err add_event(struct yz_tx *tx, void *arg)
{
    struct interloper *in = arg;
    json_t *payload = json_object();
    enum yz_err e =
        yz_app_record(tx, in->app, "security", "test.interloper", 0, 0, "system", payload, NULL);
    json_decref(payload);
    return e;
}

static enum yz_err add_matter(struct yz_tx *tx, void *arg)
{
    struct interloper *in = arg;
    struct yz_stmt *st = yz_sql(tx, &q_copy_matter);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    in->matter_id = yz_col_i64(st, 0);
    if (in->bare)
        return YZ_OK;
    char stream[YZ_MATTER_STREAM_MAX];
    yz_matter_stream(in->matter_id, stream, sizeof stream);
    json_t *payload = json_object();
    e = yz_app_record(tx, in->app, stream, "test.interloper", 0, 0, "system", payload, NULL);
    json_decref(payload);
    return e;
}

/* After the first batch an event, after the second a matter and its event. */
static void interfere(void *arg, int64_t done, int64_t total)
{
    struct interloper *in = arg;
    (void)done, (void)total;
    in->batches++;
    if (in->bare && in->batches == 1)
        assert_int_equal(yz_store_write(in->app->store, add_matter, in), YZ_OK);
    if (in->bare)
        return;
    if (in->batches == 1)
        assert_int_equal(yz_store_write(in->app->store, add_event, in), YZ_OK);
    if (in->batches == 2)
        assert_int_equal(yz_store_write(in->app->store, add_matter, in), YZ_OK);
}

struct counts {
    int64_t matters, max_id;
    const char *stream;
    int64_t events, last_seq;
};

static enum yz_err count_fn(struct yz_tx *tx, void *arg)
{
    struct counts *c = arg;
    struct yz_stmt *st = yz_sql(tx, &q_matters);
    enum yz_err e = yz_step_one(st);
    if (e != YZ_OK)
        return e;
    c->matters = yz_col_i64(st, 0);
    c->max_id = yz_col_i64(st, 1);
    if (!c->stream)
        return YZ_OK;
    st = yz_sql(tx, &q_stream_events);
    yz_bind_text(st, 1, c->stream);
    if ((e = yz_step_one(st)) != YZ_OK)
        return e;
    c->events = yz_col_i64(st, 0);
    c->last_seq = yz_col_i64(st, 1);
    return YZ_OK;
}

/* One import into app with the interloper; the matter it added comes after
 * `after` batches. */
static void import_with(struct yz_app *app, bool bare, int after)
{
    struct counts before = {0};
    assert_int_equal(yz_store_read(app->store, count_fn, &before), YZ_OK);
    struct interloper in = {.app = app, .bare = bare};
    struct yz_datagen_options o = {.cases = CASES, .seed = 3, .batch = BATCH, .days = 400,
                                   .progress = interfere, .progress_arg = &in};
    struct yz_datagen_stats st;
    struct yz_buf err = YZ_BUF_INIT(1024);
    enum yz_err e = yz_datagen_run(app, &o, &st, &err);
    if (e != YZ_OK)
        fail_msg("generate: %s", err.data);
    yz_buf_release(&err);
    assert_int_equal(in.batches, CASES / BATCH);
    assert_int_equal(st.cases, CASES);

    /* The interloper's matter came after the first batches; the import's later
     * matters after it. */
    assert_int_equal(in.matter_id, before.max_id + after * BATCH + 1);
    assert_int_equal(st.first_matter_id, before.max_id + 1);
    assert_int_equal(st.last_matter_id, before.max_id + CASES + 1);
    char stream[YZ_MATTER_STREAM_MAX];
    yz_matter_stream(in.matter_id, stream, sizeof stream);
    struct counts c = {.stream = stream};
    assert_int_equal(yz_store_read(app->store, count_fn, &c), YZ_OK);
    assert_int_equal(c.matters, before.matters + CASES + 1);
    assert_int_equal(c.events, bare ? 0 : 1); /* only its own event */
    assert_int_equal(c.last_seq, bare ? 0 : 1);
    /* The matters before and after it have their generated histories from seq 1. */
    for (int64_t id = in.matter_id - 1; id <= in.matter_id + 1; id += 2) {
        yz_matter_stream(id, stream, sizeof stream);
        assert_int_equal(yz_store_read(app->store, count_fn, &c), YZ_OK);
        assert_true(c.events >= 1);
        assert_int_equal(c.last_seq, c.events);
    }

    /* Ids without gaps, each link and each stream's seqs, the head and the checkpoints. */
    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify(app->store, yz_keys_audit_pub(app->keys), &r), YZ_OK);
    assert_int_equal(r.problem, YZ_AUDIT_OK);
    assert_true(r.events_checked > st.events);
}

/* A fresh demo directory (its server halted) opened in process, as
 * `yizhan generate` opens it. */
static void open_app(struct yz_test_server *srv, struct yz_app *app)
{
    memset(srv, 0, sizeof *srv);
    yzt_server_start(srv, true, NULL);
    yzt_server_halt(srv);
    struct yz_cli_flags flags = {.dir = srv->dir,
                                 .data = getenv("YZ_DATA") ? getenv("YZ_DATA") : "data"};
    memset(app, 0, sizeof *app);
    assert_true(yz_cli_config(&flags, &app->cfg));
    struct yz_buf err = YZ_BUF_INIT(1024);
    if (yz_app_open(app, &err) != YZ_OK)
        fail_msg("open: %s", err.data);
    yz_buf_release(&err);
}

static void close_app(struct yz_test_server *srv, struct yz_app *app)
{
    yz_app_close(app);
    yz_config_release(&app->cfg);
    yzt_server_stop(srv);
}

static void the_import_goes_on_after_writes_between_its_batches(void **state)
{
    (void)state;
    struct yz_test_server srv;
    struct yz_app app;
    open_app(&srv, &app);
    import_with(&app, true, 1);
    import_with(&app, false, 2);
    close_app(&srv, &app);
}

static enum yz_err drop_fn(struct yz_tx *tx, void *arg)
{
    return yz_exec(yz_sql(tx, arg));
}

static enum yz_err orphan_fn(struct yz_tx *tx, void *arg)
{
    (void)arg;
    return yz_exec(yz_sql(tx, &q_orphan));
}

struct dropper {
    struct yz_app *app;
    struct yz_sql_def *drop;
    int batches;
};

/* After the first batch, the parents go. */
static void drop_parents(void *arg, int64_t done, int64_t total)
{
    struct dropper *d = arg;
    (void)done, (void)total;
    if (++d->batches == 1)
        assert_int_equal(yz_store_write(d->app->store, drop_fn, d->drop), YZ_OK);
}

/* An import whose parents go after its first batch stops at the second with
 * the parent named, keeps the first batch whole, and leaves foreign keys
 * enforced again. */
static void import_losing(struct yz_sql_def *drop, const char *why)
{
    struct yz_test_server srv;
    struct yz_app app;
    open_app(&srv, &app);
    struct yz_buf err = YZ_BUF_INIT(1024);
    struct counts before = {0}, after = {0};
    assert_int_equal(yz_store_read(app.store, count_fn, &before), YZ_OK);

    struct dropper d = {.app = &app, .drop = drop};
    struct yz_datagen_options o = {.cases = CASES, .seed = 3, .batch = BATCH, .days = 400,
                                   .progress = drop_parents, .progress_arg = &d};
    struct yz_datagen_stats st;
    assert_int_equal(yz_datagen_run(&app, &o, &st, &err), YZ_ERR_CONFLICT);
    char want[160];
    snprintf(want, sizeof want, "writing cases %d-%d failed: %s", BATCH, 2 * BATCH - 1, why);
    if (!strstr(err.data, want))
        fail_msg("expected \"%s\" in: %s", want, err.data);
    assert_int_equal(d.batches, 1);
    assert_int_equal(st.cases, BATCH);
    assert_int_equal(yz_store_read(app.store, count_fn, &after), YZ_OK);
    assert_int_equal(after.matters, before.matters + BATCH);
    struct yz_audit_report r;
    assert_int_equal(yz_audit_verify(app.store, yz_keys_audit_pub(app.keys), &r), YZ_OK);
    assert_int_equal(r.problem, YZ_AUDIT_OK);
    /* Out of bulk mode the keys are enforced again. */
    assert_int_equal(yz_store_write(app.store, orphan_fn, NULL), YZ_ERR_CONFLICT);
    yz_buf_release(&err);
    close_app(&srv, &app);
}

static void an_import_stops_when_its_court_is_gone(void **state)
{
    (void)state;
    import_losing(&q_drop_courts, "court ");
}

static void an_import_stops_when_its_filers_are_gone(void **state)
{
    (void)state;
    import_losing(&q_drop_filers, "user ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_import_goes_on_after_writes_between_its_batches),
        cmocka_unit_test(an_import_stops_when_its_court_is_gone),
        cmocka_unit_test(an_import_stops_when_its_filers_are_gone),
    };
    return cmocka_run_group_tests(tests, yzt_global_setup, yzt_global_teardown);
}
