/*
 * Unit tests for src/workflow/workflow.c: the shipped definitions load; every
 * rule of the loader is shown failing by one file in bad/ (data-driven, each
 * copied alone into a temporary directory); limits; transitions and roles;
 * field validation. Paths are relative to the repository root (where `make`
 * runs tests), or to $YZ_SRC_DIR when set.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fielderr.h"
#include "workflow/workflow.h"
#include "policy/roles.h"

#define BAD_DIR "tests/unit/workflow/bad"
#define DATA_DIR "data/workflows"

/* ---- Helpers ---------------------------------------------------------- */

static char root_path[1024];

/* A path under the source tree. */
static const char *src(const char *rel, char *out, size_t size)
{
    const char *root = getenv("YZ_SRC_DIR");
    snprintf(out, size, "%s/%s", root && *root ? root : ".", rel);
    return out;
}

/* dir/name into out; a path that does not fit fails the test. */
static void join(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    assert_true(n > 0 && (size_t)n < size);
}

static void make_tmpdir(char *out, size_t size)
{
    const char *t = getenv("TMPDIR");
    snprintf(out, size, "%s/yz_wf_test_XXXXXX", t && *t ? t : "/tmp");
    assert_non_null(mkdtemp(out));
}

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
    char path[1024];
    join(path, sizeof path, dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void copy_file(const char *from, const char *dir, const char *name)
{
    FILE *f = fopen(from, "rb");
    if (!f)
        fail_msg("cannot open %s (run from the repository root or set YZ_SRC_DIR)", from);
    static char data[512 * 1024];
    size_t n = fread(data, 1, sizeof data, f);
    fclose(f);
    write_file(dir, name, data, n);
}

/* Removes a flat directory and its files. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    char path[1024];
    for (struct dirent *de; (de = readdir(d));) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        join(path, sizeof path, dir, de->d_name);
        assert_int_equal(unlink(path), 0);
    }
    closedir(d);
    assert_int_equal(rmdir(dir), 0);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Every line of the report starts with one of the given prefixes (NULL-terminated). */
static void assert_lines_prefixed(const char *report, const char *const *prefixes)
{
    for (const char *line = report; *line;) {
        bool ok = false;
        for (size_t i = 0; prefixes[i] && !ok; i++)
            ok = strncmp(line, prefixes[i], strlen(prefixes[i])) == 0;
        if (!ok)
            fail_msg("line without a file prefix: %s", line);
        const char *nl = strchr(line, '\n');
        assert_non_null(nl);
        line = nl + 1;
    }
}

/* ---- The shipped definitions (loaded once for the group) -------------- */

static struct yz_workflows *shipped;

static int load_shipped(void **state)
{
    struct yz_buf err = YZ_BUF_INIT(64 * 1024);
    enum yz_err rc = yz_workflows_load_dir(src(DATA_DIR, root_path, sizeof root_path),
                                           yz_known_effects, &shipped, &err);
    if (rc != YZ_OK)
        fprintf(stderr, "data/workflows does not load:\n%s", err.data);
    yz_buf_release(&err);
    return rc == YZ_OK ? 0 : -1;
}

static int free_shipped(void **state)
{
    yz_workflows_free(shipped);
    shipped = NULL;
    return 0;
}

static const struct yz_workflow *inquiry(void)
{
    const struct yz_workflow *wf = yz_workflow_find(shipped, "inquiry");
    assert_non_null(wf);
    return wf;
}

static const struct yz_wf_event *inquiry_event(const char *name)
{
    const struct yz_wf_event *ev = yz_workflow_event(inquiry(), name);
    if (!ev)
        fail_msg("inquiry has no event '%s'", name);
    return ev;
}

static void shipped_definitions_load(void **state)
{
    const struct yz_workflow *wf = inquiry();
    assert_string_equal(yz_workflow_kind(wf), "inquiry");
    assert_string_equal(yz_workflow_title(wf), "诉讼咨询");
    assert_int_equal(yz_workflow_version(wf), 1);
    assert_string_equal(yz_workflow_initial(wf), "submitted");
    assert_int_equal(yz_workflow_state_count(wf), 6);
    assert_int_equal(yz_workflow_event_count(wf), 9);
    assert_null(yz_workflow_find(shipped, "nope"));
    assert_null(yz_workflow_find(shipped, NULL));
    bool seen = false;
    for (size_t i = 0; i < yz_workflows_count(shipped); i++)
        seen |= yz_workflows_at(shipped, i) == wf;
    assert_true(seen);
    assert_null(yz_workflows_at(shipped, yz_workflows_count(shipped)));
}

/* The same files without the real effect list must fail: effects are checked. */
static void effects_are_checked(void **state)
{
    char dir[1024];
    struct yz_workflows *ws = (void *)1;
    struct yz_buf err = YZ_BUF_INIT(64 * 1024);
    static const char *const only_notify[] = {"notify_court", "notify_parties", NULL};
    assert_int_equal(yz_workflows_load_dir(src(DATA_DIR, dir, sizeof dir), only_notify, &ws, &err),
                     YZ_ERR_CONFIG);
    assert_null(ws);
    assert_non_null(
        strstr(err.data, "inquiry.json: event 'submit': unknown effect 'record_channel'"));
    yz_buf_reset(&err);
    assert_int_equal(yz_workflows_load_dir(dir, NULL, &ws, &err), YZ_ERR_CONFIG);
    assert_non_null(strstr(err.data, "unknown effect 'notify_court'"));
    yz_buf_release(&err);
}

/* ---- One broken definition per rule ----------------------------------- */

static const struct bad_case {
    const char *file;
    const char *expect; /* must appear in the report */
    int lines;          /* problems reported in total */
    const char *with;   /* a second file from data/workflows copied alongside, or NULL */
} bad_cases[] = {
    {"invalid_json.json", "invalid_json.json: invalid JSON at line 4, column 11:", 1, NULL},
    {"unknown_key.json", "unknown_key.json: unknown key 'colour'", 1, NULL},
    {"unknown_key_nested.json", "event 'finish': unknown key 'form'", 1, NULL},
    {"missing_kind.json", "missing_kind.json: missing 'kind'", 1, NULL},
    {"missing_initial.json", "missing_initial.json: missing 'initial'", 1, NULL},
    {"missing_states.json", "missing_states.json: missing 'states'", 1, NULL},
    {"missing_events.json", "missing_events.json: missing 'events'", 1, NULL},
    {"missing_title.json", "state 'open': missing 'title'", 1, NULL},
    {"bad_name.json", "'kind' value 'Sample-Kind' is not a valid name", 1, NULL},
    {"duplicate_state.json", "duplicate state 'open'", 1, NULL},
    {"duplicate_event.json", "duplicate event 'finish'", 1, NULL},
    {"unknown_initial.json", "initial state 'opened' is not one of the states", 1, NULL},
    {"initial_final.json", "initial state 'done' is final", 2, NULL},
    {"unknown_from_state.json", "event 'finish': unknown state 'pending' in from", 1, NULL},
    {"unknown_to_state.json", "event 'archive': unknown state 'archived' in to", 1, NULL},
    {"unreachable_state.json", "state 'orphan' is unreachable from the initial state 'open'", 1,
     NULL},
    {"dead_end.json", "state 'stuck' is not final but no event leaves it (a dead end)", 1, NULL},
    {"final_outgoing.json", "final state 'done' has an outgoing event 'revive'", 1, NULL},
    {"no_final.json", "no final state", 1, NULL},
    {"trap_cycle.json", "no final state can be reached from state 'loop_a'", 2, NULL},
    {"empty_roles.json", "event 'finish': 'roles' is empty: no role may fire it", 1, NULL},
    {"missing_roles.json", "event 'finish': missing 'roles': no role may fire it", 1, NULL},
    {"unknown_role.json", "event 'finish': unknown role 'janitor'", 1, NULL},
    {"duplicate_role.json", "event 'finish': role 'clerk' listed twice", 1, NULL},
    {"unknown_effect.json", "event 'finish': unknown effect 'send_fax'", 1, NULL},
    {"creates_with_from.json", "event 'start': a creates event must not have 'from'", 1, NULL},
    {"creates_stays.json", "event 'start': a creates event cannot stay", 1, NULL},
    {"stays_with_to.json", "event 'note': 'stays' and 'to' exclude each other", 1, NULL},
    {"creates_once_per_actor.json", "event 'start': a creates event cannot be 'once_per_actor'", 1,
     NULL},
    {"missing_from.json", "event 'finish': missing 'from'", 1, NULL},
    {"two_creates.json", "event 'start' and event 'start_again' both create a matter", 1, NULL},
    {"no_creates.json", "no creates event", 1, NULL},
    {"creates_wrong_state.json",
     "event 'start' creates a matter in 'review' but the initial state is 'open'", 2, NULL},
    {"field_unknown_type.json", "field 'note': unknown type 'txt'", 1, NULL},
    {"field_enum_no_values.json", "field 'result': an enum needs 'values'", 1, NULL},
    {"field_enum_empty_values.json", "field 'result': 'values' is empty", 1, NULL},
    {"field_enum_duplicate_value.json", "field 'result': duplicate enum value 'won'", 1, NULL},
    {"field_min_gt_max.json", "field 'count': min (10) is greater than max (5)", 1, NULL},
    {"field_duplicate.json", "event 'finish': duplicate field 'note'", 1, NULL},
    {"field_text_without_max.json", "field 'note': a text field needs 'max'", 1, NULL},
    {"field_key_not_for_type.json", "field 'when': 'max' does not apply to type date", 1, NULL},
    {"field_money_negative_min.json", "field 'amount': 'min' is -100, outside 0..", 1, NULL},
    {"deadline_out_of_bounds.json", "deadline: 'n' is 5000, outside 1..2500", 1, NULL},
    {"deadline_zero.json", "deadline: 'n' is 0, outside 1..3650", 1, NULL},
    {"deadline_bad_unit.json", "deadline: unknown unit 'weeks'", 1, NULL},
    {"stops_unknown_deadline.json", "stops_deadline 'reply' names a deadline no event starts", 1,
     NULL},
    {"dup_kind.json", "inquiry.json: kind 'inquiry' is already defined in dup_kind.json", 1,
     "inquiry.json"},
};

static void bad_definitions_are_refused(void **state)
{
    char bad[1024], tmp[1024], from[1024];
    src(BAD_DIR, bad, sizeof bad);
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        make_tmpdir(tmp, sizeof tmp);
        join(from, sizeof from, bad, c->file);
        copy_file(from, tmp, c->file);
        if (c->with) {
            char rel[256];
            snprintf(rel, sizeof rel, "%s/%s", DATA_DIR, c->with);
            copy_file(src(rel, from, sizeof from), tmp, c->with);
        }
        struct yz_workflows *ws = (void *)1;
        struct yz_buf err = YZ_BUF_INIT(64 * 1024);
        enum yz_err rc = yz_workflows_load_dir(tmp, yz_known_effects, &ws, &err);
        remove_dir(tmp);
        if (rc != YZ_ERR_CONFIG || ws != NULL)
            fail_msg("%s: loaded although broken", c->file);
        if (!strstr(err.data, c->expect))
            fail_msg("%s: expected \"%s\" in:\n%s", c->file, c->expect, err.data);
        if (count_lines(err.data) != c->lines)
            fail_msg("%s: expected %d problem(s), got:\n%s", c->file, c->lines, err.data);
        char p1[128], p2[128];
        snprintf(p1, sizeof p1, "%s: ", c->file);
        snprintf(p2, sizeof p2, "%s: ", c->with ? c->with : c->file);
        const char *const prefixes[] = {p1, p2, NULL};
        assert_lines_prefixed(err.data, prefixes);
        yz_buf_release(&err);
    }
}

/* Every file in bad/ is exercised above, so none sits there untested. */
static void every_bad_file_has_a_case(void **state)
{
    char bad[1024];
    DIR *d = opendir(src(BAD_DIR, bad, sizeof bad));
    assert_non_null(d);
    size_t files = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.')
            continue;
        files++;
        bool found = false;
        for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0] && !found; i++)
            found = strcmp(bad_cases[i].file, de->d_name) == 0;
        if (!found)
            fail_msg("%s/%s has no test case", BAD_DIR, de->d_name);
    }
    closedir(d);
    assert_int_equal(files, sizeof bad_cases / sizeof bad_cases[0]);
}

/* One run reports the problems of every file, and several per file. */
static void all_problems_are_collected(void **state)
{
    char bad[1024], tmp[1024], from[1024];
    src(BAD_DIR, bad, sizeof bad);
    make_tmpdir(tmp, sizeof tmp);
    join(from, sizeof from, bad, "unknown_role.json");
    copy_file(from, tmp, "a.json");
    join(from, sizeof from, bad, "dead_end.json");
    copy_file(from, tmp, "b.json");
    static const char many[] =
        "{\"kind\": \"many\", \"title\": \"多处错误\", \"version\": 0, \"initial\": \"open\",\n"
        " \"states\": [{\"name\": \"open\", \"title\": \"办理中\"},\n"
        "            {\"name\": \"done\", \"title\": \"\", \"final\": true}],\n"
        " \"events\": [{\"name\": \"start\", \"title\": \"提交\", \"creates\": true, \"to\": "
        "\"open\", \"roles\": [\"party\"], \"colour\": 1},\n"
        "            {\"name\": \"finish\", \"title\": \"办结\", \"from\": [\"open\"], \"to\": "
        "\"done\", \"roles\": [], \"effects\": [\"fax\"]}]}\n";
    write_file(tmp, "c.json", many, sizeof many - 1);
    struct yz_workflows *ws = (void *)1;
    struct yz_buf err = YZ_BUF_INIT(64 * 1024);
    assert_int_equal(yz_workflows_load_dir(tmp, yz_known_effects, &ws, &err), YZ_ERR_CONFIG);
    remove_dir(tmp);
    assert_null(ws);
    static const char *const expect[] = {
        "a.json: event 'finish': unknown role 'janitor'\n",
        "b.json: state 'stuck' is not final but no event leaves it (a dead end)\n",
        "b.json: kind 'sample' is already defined in a.json\n",
        "c.json: 'version' is 0, outside 1..1000000\n",
        "c.json: state 'done': 'title' must be 1 to 100 characters on one line\n",
        "c.json: event 'start': unknown key 'colour'\n",
        "c.json: event 'finish': 'roles' is empty: no role may fire it\n",
        "c.json: event 'finish': unknown effect 'fax'\n",
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        if (!strstr(err.data, expect[i]))
            fail_msg("missing \"%s\" in:\n%s", expect[i], err.data);
    assert_int_equal(count_lines(err.data), sizeof expect / sizeof expect[0]);
    yz_buf_release(&err);
}

/* ---- Limits and directory handling ------------------------------------ */

static const char minimal_head[] =
    "{\"kind\": \"%s\", \"title\": \"示例\", \"version\": 1, \"initial\": \"open\",\n";
static const char minimal_tail[] =
    " \"events\": [{\"name\": \"start\", \"title\": \"提交\", \"creates\": true, \"to\": \"open\", "
    "\"roles\": [\"party\"]},\n"
    "  {\"name\": \"finish\", \"title\": \"办结\", \"from\": [\"open\"], \"to\": \"done\", "
    "\"roles\": [\"clerk\"]}]}\n";

/* A valid two-state definition of `kind`; extra_states adds non-final states
 * no event touches (so it is valid only when extra_states is 0). */
static void minimal(struct yz_buf *b, const char *kind, int extra_states)
{
    yz_buf_addf(b, minimal_head, kind);
    yz_buf_adds(b,
                " \"states\": [{\"name\": \"open\", \"title\": \"办理中\"}, {\"name\": \"done\", "
                "\"title\": \"已办结\", \"final\": true}");
    for (int i = 0; i < extra_states; i++)
        yz_buf_addf(b, ", {\"name\": \"s%d\", \"title\": \"状态\"}", i);
    yz_buf_adds(b, "],\n");
    yz_buf_adds(b, minimal_tail);
}

static enum yz_err load_one(const char *name, const char *data, size_t len, struct yz_buf *err)
{
    char tmp[1024];
    make_tmpdir(tmp, sizeof tmp);
    write_file(tmp, name, data, len);
    struct yz_workflows *ws = NULL;
    enum yz_err rc = yz_workflows_load_dir(tmp, yz_known_effects, &ws, err);
    yz_workflows_free(ws);
    remove_dir(tmp);
    return rc;
}

static void limits(void **state)
{
    struct yz_buf def = YZ_BUF_INIT(1024 * 1024);
    struct yz_buf err = YZ_BUF_INIT(64 * 1024);

    minimal(&def, "ok", 0);
    assert_int_equal(load_one("ok.json", def.data, def.len, &err), YZ_OK);
    assert_string_equal(err.data, "");

    /* 64 states are parsed (the extra ones are then unreachable dead ends);
     * 65 are refused before any of them is looked at. */
    yz_buf_reset(&def);
    minimal(&def, "many", YZ_WF_MAX_STATES - 2);
    assert_int_equal(load_one("many.json", def.data, def.len, &err), YZ_ERR_CONFIG);
    assert_null(strstr(err.data, "entries"));
    assert_non_null(strstr(err.data, "many.json: state 's61' is unreachable"));
    assert_null(strstr(err.data, "s62"));
    yz_buf_reset(&def);
    yz_buf_reset(&err);
    minimal(&def, "many", YZ_WF_MAX_STATES - 1);
    assert_int_equal(load_one("many.json", def.data, def.len, &err), YZ_ERR_CONFIG);
    assert_non_null(strstr(err.data, "many.json: 'states' has 65 entries, at most 64 are allowed"));

    /* Files past 256 KiB are refused before parsing, even when valid JSON. */
    yz_buf_reset(&def);
    yz_buf_reset(&err);
    minimal(&def, "big", 0);
    while (def.len <= YZ_WF_MAX_FILE_BYTES)
        yz_buf_addc(&def, ' ');
    assert_int_equal(load_one("big.json", def.data, def.len, &err), YZ_ERR_CONFIG);
    assert_non_null(strstr(err.data, "big.json: file too large"));

    yz_buf_release(&def);
    yz_buf_release(&err);
}

static void directory_handling(void **state)
{
    char tmp[1024], name[64];
    struct yz_buf def = YZ_BUF_INIT(64 * 1024);
    struct yz_buf err = YZ_BUF_INIT(64 * 1024);
    struct yz_workflows *ws = (void *)1;

    /* A missing directory and an empty one are problems, not "nothing to do". */
    assert_int_equal(yz_workflows_load_dir("/nonexistent/yz", yz_known_effects, &ws, &err),
                     YZ_ERR_CONFIG);
    assert_null(ws);
    assert_non_null(strstr(err.data, "/nonexistent/yz: cannot open the workflow directory"));
    yz_buf_reset(&err);
    make_tmpdir(tmp, sizeof tmp);
    write_file(tmp, "README.md", "# notes\n", 8);
    assert_int_equal(yz_workflows_load_dir(tmp, yz_known_effects, &ws, &err), YZ_ERR_CONFIG);
    assert_non_null(strstr(err.data, "no workflow definitions"));

    /* Hidden files and non-JSON files are ignored; kinds come back sorted by file name. */
    yz_buf_reset(&err);
    write_file(tmp, ".draft.json", "{", 1);
    minimal(&def, "zeta", 0);
    write_file(tmp, "b.json", def.data, def.len);
    yz_buf_reset(&def);
    minimal(&def, "alpha", 0);
    write_file(tmp, "c.json", def.data, def.len);
    assert_int_equal(yz_workflows_load_dir(tmp, yz_known_effects, &ws, &err), YZ_OK);
    assert_string_equal(err.data, "");
    assert_int_equal(yz_workflows_count(ws), 2);
    assert_string_equal(yz_workflow_kind(yz_workflows_at(ws, 0)), "zeta");
    assert_string_equal(yz_workflow_kind(yz_workflows_at(ws, 1)), "alpha");
    yz_workflows_free(ws);
    yz_workflows_free(NULL); /* harmless */

    /* 64 files are allowed, 65 are not. */
    for (int i = 0; i < YZ_WF_MAX_FILES - 2; i++) {
        yz_buf_reset(&def);
        snprintf(name, sizeof name, "k%02d", i);
        minimal(&def, name, 0);
        snprintf(name, sizeof name, "k%02d.json", i);
        write_file(tmp, name, def.data, def.len);
    }
    assert_int_equal(yz_workflows_load_dir(tmp, yz_known_effects, &ws, &err), YZ_OK);
    assert_int_equal(yz_workflows_count(ws), YZ_WF_MAX_FILES);
    yz_workflows_free(ws);
    write_file(tmp, "x.json", def.data, def.len);
    assert_int_equal(yz_workflows_load_dir(tmp, yz_known_effects, &ws, &err), YZ_ERR_CONFIG);
    assert_non_null(strstr(err.data, "more than 64 definition files"));
    assert_null(ws);

    remove_dir(tmp);
    yz_buf_release(&def);
    yz_buf_release(&err);
}

/* ---- Roles, transitions, descriptors ---------------------------------- */

static void roles(void **state)
{
    static const char *const design[] = {
        "party",           "lawyer",           "mediator",
        "org_admin",       "filing_clerk",     "triage_officer",
        "judge",           "assistant",        "clerk",
        "service_officer", "petition_officer", "hotline_agent",
        "court_admin",     "supervisor",
    };
    /* The one role list (policy/roles.h) holds exactly DESIGN.md's roles, in order. */
    size_t n = sizeof design / sizeof design[0];
    assert_int_equal(YZ_ROLE__COUNT, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(yz_role_code((enum yz_role)i), design[i]);
        assert_int_equal(yz_role_parse(design[i]), (int)i);
        assert_non_null(yz_role_title((enum yz_role)i));
    }
    assert_string_equal(yz_role_title(YZ_ROLE_PARTY), "当事人");
    assert_int_equal(yz_role_parse("Party"), -1);
    assert_int_equal(yz_role_parse("admin"), -1);
    assert_int_equal(yz_role_parse(""), -1);
}

static void transitions(void **state)
{
    const struct yz_workflow *wf = inquiry();
    const struct yz_wf_event *submit = yz_workflow_create_event(wf);
    assert_string_equal(yz_wf_event_name(submit), "submit");
    assert_true(yz_wf_event_creates(submit));
    assert_string_equal(yz_wf_event_to(submit), yz_workflow_initial(wf));
    assert_int_equal(yz_wf_event_from_count(submit), 0);
    /* Only the creates event fires before a matter exists, and never after. */
    assert_true(yz_wf_event_allowed_from(submit, NULL));
    assert_false(yz_wf_event_allowed_from(submit, "submitted"));
    const struct yz_wf_event *answer = inquiry_event("answer");
    assert_false(yz_wf_event_allowed_from(answer, NULL));
    assert_true(yz_wf_event_allowed_from(answer, "submitted"));
    assert_true(yz_wf_event_allowed_from(answer, "transferred"));
    assert_false(yz_wf_event_allowed_from(answer, "answered"));
    assert_false(yz_wf_event_allowed_from(answer, "closed"));
    assert_false(yz_wf_event_allowed_from(answer, "no_such_state"));
    assert_string_equal(yz_wf_event_to(answer), "answered");
    assert_int_equal(yz_wf_event_from_count(answer), 2);
    assert_false(yz_wf_event_stays(answer));
    /* An event that stays: the assignment of a case on any trial track. */
    const struct yz_workflow *filing = yz_workflow_find(shipped, "filing");
    assert_non_null(filing);
    const struct yz_wf_event *draw = yz_workflow_event(filing, "assign_by_draw");
    assert_non_null(draw);
    assert_true(yz_wf_event_stays(draw));
    assert_false(yz_wf_event_once_per_actor(draw));
    /* A party confirms a proposed mediation agreement once. */
    const struct yz_wf_event *confirm =
        yz_workflow_event(yz_workflow_find(shipped, "mediation"), "confirm_agreement");
    assert_non_null(confirm);
    assert_true(yz_wf_event_once_per_actor(confirm));
    assert_null(yz_wf_event_to(draw));
    assert_true(yz_wf_event_allowed_from(draw, "simplified"));
    assert_true(yz_wf_event_allowed_from(draw, "ordinary"));
    assert_false(yz_wf_event_allowed_from(draw, "registered"));
    assert_string_equal(yz_wf_event_from_at(answer, 0), "submitted");
    assert_null(yz_wf_event_from_at(answer, 2));
    assert_ptr_equal(yz_wf_event_workflow(answer), wf);
    assert_null(yz_workflow_event(wf, "approve"));
    assert_null(yz_workflow_event(wf, NULL));

    /* Final states let nothing out. */
    for (size_t i = 0; i < yz_workflow_state_count(wf); i++) {
        const struct yz_wf_state *st = yz_workflow_state_at(wf, i);
        if (!st->final)
            continue;
        for (size_t k = 0; k < yz_workflow_event_count(wf); k++)
            assert_false(yz_wf_event_allowed_from(yz_workflow_event_at(wf, k), st->name));
    }
    assert_true(yz_workflow_state(wf, "closed")->final);
    assert_string_equal(yz_workflow_state(wf, "closed")->title, "已办结");
    assert_false(yz_workflow_state(wf, "submitted")->final);
    assert_null(yz_workflow_state(wf, "open"));
    assert_null(yz_workflow_state_at(wf, 6));
}

static void roles_per_event(void **state)
{
    const struct yz_wf_event *answer = inquiry_event("answer");
    assert_true(yz_wf_event_role_may(answer, "hotline_agent"));
    assert_true(yz_wf_event_role_may(answer, "judge"));
    assert_false(yz_wf_event_role_may(answer, "party"));
    assert_false(yz_wf_event_role_may(answer, "supervisor"));
    assert_false(yz_wf_event_role_may(answer, "bogus"));
    assert_false(yz_wf_event_role_may(answer, NULL));
    const struct yz_wf_event *reopen = inquiry_event("reopen");
    assert_true(yz_wf_event_role_may(reopen, "party"));
    assert_true(yz_wf_event_role_may(reopen, "lawyer"));
    assert_false(yz_wf_event_role_may(reopen, "judge"));
    const struct yz_wf_event *submit = inquiry_event("submit");
    assert_int_equal(yz_wf_event_role_count(submit), 4);
    assert_string_equal(yz_wf_event_role_at(submit, 0), "party");
    assert_null(yz_wf_event_role_at(submit, 4));
}

/* A consultation from submission to closing, each step allowed where it is taken. */
static void a_matter_walks_to_the_end(void **state)
{
    static const struct {
        const char *event, *role, *after;
    } steps[] = {
        {"submit", "party", "submitted"},           {"transfer", "hotline_agent", "transferred"},
        {"request_info", "judge", "awaiting_info"}, {"supplement", "party", "submitted"},
        {"answer", "filing_clerk", "answered"},     {"reopen", "lawyer", "submitted"},
        {"answer", "assistant", "answered"},        {"accept", "party", "closed"},
    };
    const struct yz_workflow *wf = inquiry();
    const char *state_now = NULL;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        const struct yz_wf_event *ev = inquiry_event(steps[i].event);
        if (!yz_wf_event_allowed_from(ev, state_now))
            fail_msg("step %zu: %s not allowed from %s", i, steps[i].event,
                     state_now ? state_now : "(none)");
        assert_true(yz_wf_event_role_may(ev, steps[i].role));
        state_now = yz_wf_event_to(ev);
        assert_string_equal(state_now, steps[i].after);
    }
    assert_true(yz_workflow_state(wf, state_now)->final);
    /* Nothing more can happen to a closed matter; withdraw is too late. */
    assert_false(yz_wf_event_allowed_from(inquiry_event("withdraw"), state_now));
}

static void descriptors(void **state)
{
    const struct yz_wf_event *submit = inquiry_event("submit");
    const struct yz_wf_field *q = yz_wf_event_field(submit, "question");
    assert_non_null(q);
    assert_int_equal(q->type, YZ_WF_TEXT);
    assert_true(q->required);
    assert_true(q->multiline);
    assert_int_equal(q->max, 2000);
    assert_string_equal(q->title, "咨询内容");
    const struct yz_wf_field *topic = yz_wf_event_field(submit, "topic");
    assert_int_equal(topic->type, YZ_WF_ENUM);
    assert_int_equal(topic->nvalues, 7);
    assert_string_equal(topic->values[0], "filing");
    assert_string_equal(topic->value_titles[0], "立案");
    assert_int_equal(yz_wf_event_field(submit, "case_id")->type, YZ_WF_ID);
    assert_false(yz_wf_event_field(submit, "case_id")->required);
    assert_null(yz_wf_event_field(submit, "status"));
    assert_ptr_equal(yz_wf_event_field_at(submit, 0), yz_wf_event_field(submit, "channel"));
    assert_null(yz_wf_event_field_at(submit, yz_wf_event_field_count(submit)));

    assert_int_equal(yz_wf_event_effect_count(submit), 2);
    assert_string_equal(yz_wf_event_effect_at(submit, 0), "record_channel");
    assert_string_equal(yz_wf_event_effect_at(submit, 1), "notify_court");
    assert_null(yz_wf_event_effect_at(submit, 2));

    const struct yz_wf_deadline *d = yz_wf_event_deadline(submit);
    assert_non_null(d);
    assert_string_equal(d->name, "answer");
    assert_string_equal(d->title, "答复期限");
    assert_int_equal(d->unit, YZ_WF_WORKDAYS);
    assert_int_equal(d->n, 3);
    assert_string_equal(yz_wf_unit_name(d->unit), "workdays");
    assert_string_equal(yz_wf_type_name(YZ_WF_MONEY), "money");
    assert_int_equal(yz_wf_event_stop_count(submit), 0);

    const struct yz_wf_event *answer = inquiry_event("answer");
    assert_int_equal(yz_wf_event_stop_count(answer), 1);
    assert_string_equal(yz_wf_event_stop_at(answer, 0), "answer");
    assert_string_equal(yz_wf_event_deadline(answer)->name, "feedback");
    const struct yz_wf_event *withdraw = inquiry_event("withdraw");
    assert_int_equal(yz_wf_event_stop_count(withdraw), 2);
    assert_string_equal(yz_wf_event_stop_at(withdraw, 1), "supplement");
    assert_null(yz_wf_event_stop_at(withdraw, 2));
    assert_null(yz_wf_event_deadline(withdraw));
    assert_string_equal(yz_wf_event_title(withdraw), "撤回咨询");
}

/* ---- Field validation ------------------------------------------------- */

static const struct yz_field_error *find_error(const struct yz_field_errors *fe, const char *field)
{
    for (int i = 0; i < fe->count; i++)
        if (strcmp(fe->items[i].field, field) == 0)
            return &fe->items[i];
    return NULL;
}

static void assert_field_error(const struct yz_field_errors *fe, const char *field,
                               const char *code, const char *message_part)
{
    const struct yz_field_error *e = find_error(fe, field);
    if (!e)
        fail_msg("no error for %s (%d errors)", field, fe->count);
    assert_string_equal(e->code, code);
    if (message_part && !strstr(e->message, message_part))
        fail_msg("%s: message \"%s\" lacks \"%s\"", field, e->message, message_part);
}

/* A valid submission, to break one field at a time. */
static json_t *good_submit(void)
{
    return json_pack("{s:s, s:s, s:s, s:i, s:s}", "channel", "web", "topic", "fees", "question",
                     "起诉离婚需要交多少诉讼费？", "case_id", 42, "case_number",
                     "（2026）渝0103民初1234号");
}

static enum yz_err validate(const char *event, json_t *fields, struct yz_field_errors *fe)
{
    memset(fe, 0, sizeof *fe);
    enum yz_err rc = yz_wf_validate_fields(inquiry_event(event), fields, fe);
    json_decref(fields);
    return rc;
}

static void valid_fields_pass(void **state)
{
    struct yz_field_errors fe;
    assert_int_equal(validate("submit", good_submit(), &fe), YZ_OK);
    assert_int_equal(fe.count, 0);
    /* Optional fields may be absent or null; multiline text keeps its line breaks. */
    json_t *f = good_submit();
    json_object_del(f, "case_id");
    json_object_set_new(f, "case_number", json_null());
    json_object_set_new(f, "question", json_string("第一行\n第二行\t说明"));
    assert_int_equal(validate("submit", f, &fe), YZ_OK);
    /* An event without required fields accepts no fields at all. */
    assert_int_equal(validate("withdraw", NULL, &fe), YZ_OK);
    assert_int_equal(validate("withdraw", json_object(), &fe), YZ_OK);
}

static void missing_required_fields(void **state)
{
    struct yz_field_errors fe;
    assert_int_equal(validate("submit", json_object(), &fe), YZ_ERR_VALIDATION);
    assert_int_equal(fe.count, 3);
    assert_field_error(&fe, "fields/channel", "required", "「咨询渠道」为必填项");
    assert_field_error(&fe, "fields/topic", "required", "咨询类别");
    assert_field_error(&fe, "fields/question", "required", "咨询内容");
    assert_null(find_error(&fe, "fields/case_id"));
    assert_int_equal(validate("submit", NULL, &fe), YZ_ERR_VALIDATION);
    assert_int_equal(fe.count, 3);

    /* Null, empty and blank text (ASCII or ideographic spaces) are "not given". */
    const char *blanks[] = {"", "   ", "\xe3\x80\x80\xe3\x80\x80", " \n\t "};
    for (size_t i = 0; i < sizeof blanks / sizeof blanks[0]; i++) {
        json_t *f = good_submit();
        json_object_set_new(f, "question", json_string(blanks[i]));
        assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
        assert_int_equal(fe.count, 1);
        assert_field_error(&fe, "fields/question", "required", NULL);
    }
    json_t *f = good_submit();
    json_object_set_new(f, "topic", json_null());
    assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
    assert_field_error(&fe, "fields/topic", "required", NULL);
}

/* Build a string of n copies of a UTF-8 character. */
static json_t *repeat(const char *ch, size_t n)
{
    struct yz_buf b = YZ_BUF_INIT(1024 * 1024);
    for (size_t i = 0; i < n; i++)
        yz_buf_adds(&b, ch);
    json_t *s = json_stringn(b.data, b.len);
    yz_buf_release(&b);
    return s;
}

static void lengths_count_characters_not_bytes(void **state)
{
    struct yz_field_errors fe;
    /* 2000 Chinese characters are 6000 bytes and still fit a 2000-character field. */
    json_t *f = good_submit();
    json_object_set_new(f, "question", repeat("字", 2000));
    assert_int_equal(validate("submit", f, &fe), YZ_OK);
    f = good_submit();
    json_object_set_new(f, "question", repeat("字", 2001));
    assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
    assert_field_error(&fe, "fields/question", "too_long", "「咨询内容」不能超过 2000 个字");
    f = good_submit();
    json_object_set_new(f, "question", repeat("a", 2001));
    assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
    assert_field_error(&fe, "fields/question", "too_long", NULL);
    /* Four-byte characters count once too. */
    f = good_submit();
    json_object_set_new(f, "case_number", repeat("\xf0\xa0\x80\x80", 64));
    assert_int_equal(validate("submit", f, &fe), YZ_OK);
    f = good_submit();
    json_object_set_new(f, "case_number", repeat("号", 65));
    assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
    assert_field_error(&fe, "fields/case_number", "too_long", "「案号」不能超过 64 个字");
}

static void wrong_types(void **state)
{
    struct yz_field_errors fe;
    json_t *f = good_submit();
    json_object_set_new(f, "question", json_integer(42));
    json_object_set_new(f, "case_id", json_string("42"));
    assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
    assert_int_equal(fe.count, 2);
    assert_field_error(&fe, "fields/question", "wrong_type", "「咨询内容」应为文本");
    assert_field_error(&fe, "fields/case_id", "wrong_type", "「关联案件」");

    json_t *ids[] = {json_integer(0), json_integer(-3), json_real(1.5), json_true(),
                     json_integer(YZ_WF_INT_LIMIT + 1)};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        f = good_submit();
        json_object_set_new(f, "case_id", ids[i]);
        assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
        assert_field_error(&fe, "fields/case_id", "wrong_type", NULL);
    }
    f = good_submit();
    json_object_set_new(f, "question", json_pack("[s]", "数组"));
    assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
    assert_field_error(&fe, "fields/question", "wrong_type", NULL);

    /* The fields member itself must be an object. */
    assert_int_equal(validate("submit", json_string("x"), &fe), YZ_ERR_VALIDATION);
    assert_int_equal(fe.count, 1);
    assert_field_error(&fe, "fields", "wrong_type", NULL);
}

static void unknown_fields_are_refused(void **state)
{
    struct yz_field_errors fe;
    json_t *f = good_submit();
    json_object_set_new(f, "status", json_string("closed"));
    json_object_set_new(f, "court_id", json_integer(1));
    json_object_set_new(f, "a/b\"<script>", json_string("x"));
    assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
    assert_int_equal(fe.count, 3);
    assert_field_error(&fe, "fields/status", "unknown_field", NULL);
    assert_field_error(&fe, "fields/court_id", "unknown_field", NULL);
    /* A key that is not a plain name is not echoed into the path. */
    assert_field_error(&fe, "fields", "unknown_field", NULL);
    /* A field of another event is unknown here. */
    f = good_submit();
    json_object_set_new(f, "satisfaction", json_string("satisfied"));
    assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
    assert_field_error(&fe, "fields/satisfaction", "unknown_field", NULL);
}

static void enum_values(void **state)
{
    struct yz_field_errors fe;
    json_t *bad[] = {json_string("weather"), json_string("FEES"), json_string("立案"),
                     json_integer(1), json_stringn_nocheck("fees\0x", 6)};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *f = good_submit();
        json_object_set_new(f, "topic", bad[i]);
        assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
        assert_int_equal(fe.count, 1);
        assert_field_error(&fe, "fields/topic", "invalid_choice",
                           "「咨询类别」的取值不在可选范围内");
    }
    json_t *f = good_submit();
    json_object_set_new(f, "topic", json_string("other"));
    assert_int_equal(validate("submit", f, &fe), YZ_OK);
}

static void invalid_utf8_and_control_characters(void **state)
{
    struct yz_field_errors fe;
    static const struct {
        const char *bytes;
        size_t len;
    } bad[] = {
        {"ab\xff", 3},           /* never valid */
        {"\xe5\x92", 2},         /* truncated 3-byte sequence */
        {"\xc0\xaf", 2},         /* overlong '/' */
        {"\xed\xa0\x80", 3},     /* surrogate */
        {"\xf4\x90\x80\x80", 4}, /* past U+10FFFF */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *f = good_submit();
        json_object_set_new(f, "question", json_stringn_nocheck(bad[i].bytes, bad[i].len));
        assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
        assert_field_error(&fe, "fields/question", "invalid_utf8", "「咨询内容」");
    }
    /* Single-line text refuses line breaks; all text refuses other control characters. */
    json_t *f = good_submit();
    json_object_set_new(f, "case_number", json_string("（2026）\n渝0103民初1号"));
    assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
    assert_field_error(&fe, "fields/case_number", "control_char", "换行");
    f = good_submit();
    json_object_set_new(f, "question", json_string("请问\x1b[31m"));
    assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
    assert_field_error(&fe, "fields/question", "control_char", NULL);
    f = good_submit();
    json_object_set_new(f, "question", json_stringn("a\0b", 3));
    assert_int_equal(validate("submit", f, &fe), YZ_ERR_VALIDATION);
    assert_field_error(&fe, "fields/question", "control_char", NULL);
}

/* Money, dates, bounded integers, booleans and minimum lengths, on a test kind. */
static void other_types(void **state)
{
    static const char def[] =
        "{\"kind\": \"types\", \"title\": \"类型测试\", \"version\": 2, \"initial\": \"open\",\n"
        " \"states\": [{\"name\": \"open\", \"title\": \"办理中\"}, {\"name\": \"done\", "
        "\"title\": \"已办结\", \"final\": true}],\n"
        " \"events\": [{\"name\": \"start\", \"title\": \"提交\", \"creates\": true, \"to\": "
        "\"open\", \"roles\": [\"party\"], \"fields\": [\n"
        "   {\"name\": \"amount\", \"title\": \"标的额\", \"type\": \"money\", \"max\": "
        "100000000},\n"
        "   {\"name\": \"hearing\", \"title\": \"开庭日期\", \"type\": \"date\"},\n"
        "   {\"name\": \"copies\", \"title\": \"份数\", \"type\": \"int\", \"min\": 1, \"max\": "
        "10},\n"
        "   {\"name\": \"urgent\", \"title\": \"是否加急\", \"type\": \"bool\", \"required\": "
        "true},\n"
        "   {\"name\": \"code\", \"title\": \"验证码\", \"type\": \"text\", \"min\": 4, \"max\": "
        "6}]},\n"
        "  {\"name\": \"finish\", \"title\": \"办结\", \"from\": [\"open\"], \"to\": \"done\", "
        "\"roles\": [\"clerk\"]}]}\n";
    char tmp[1024];
    make_tmpdir(tmp, sizeof tmp);
    write_file(tmp, "types.json", def, sizeof def - 1);
    struct yz_workflows *ws = NULL;
    struct yz_buf err = YZ_BUF_INIT(64 * 1024);
    enum yz_err rc = yz_workflows_load_dir(tmp, yz_known_effects, &ws, &err);
    remove_dir(tmp);
    if (rc != YZ_OK)
        fail_msg("types.json does not load:\n%s", err.data);
    yz_buf_release(&err);
    const struct yz_wf_event *ev = yz_workflow_create_event(yz_workflow_find(ws, "types"));
    assert_int_equal(yz_wf_event_field(ev, "amount")->min, 0);

    struct yz_field_errors fe;
    json_t *f = json_pack("{s:i, s:s, s:i, s:b, s:s}", "amount", 0, "hearing", "2024-02-29",
                          "copies", 10, "urgent", 0, "code", "验证码四");
    memset(&fe, 0, sizeof fe);
    assert_int_equal(yz_wf_validate_fields(ev, f, &fe), YZ_OK);
    json_decref(f);

    f = json_pack("{s:i, s:s, s:i, s:s, s:s}", "amount", -1, "hearing", "2025-02-29", "copies", 0,
                  "urgent", "yes", "code", "abc");
    memset(&fe, 0, sizeof fe);
    assert_int_equal(yz_wf_validate_fields(ev, f, &fe), YZ_ERR_VALIDATION);
    json_decref(f);
    assert_int_equal(fe.count, 5);
    assert_field_error(&fe, "fields/amount", "too_small", "「标的额」不能小于 0.00 元");
    assert_field_error(&fe, "fields/hearing", "invalid_date", "「开庭日期」不是有效的日期");
    assert_field_error(&fe, "fields/copies", "too_small", "「份数」不能小于 1");
    assert_field_error(&fe, "fields/urgent", "wrong_type", "是否加急");
    assert_field_error(&fe, "fields/code", "too_short", "「验证码」至少需要 4 个字");

    f = json_pack("{s:I, s:s, s:i, s:b, s:s}", "amount", (json_int_t)100000001, "hearing",
                  "2026-1-05", "copies", 11, "urgent", 1, "code", "1234567");
    memset(&fe, 0, sizeof fe);
    assert_int_equal(yz_wf_validate_fields(ev, f, &fe), YZ_ERR_VALIDATION);
    json_decref(f);
    assert_int_equal(fe.count, 4);
    assert_field_error(&fe, "fields/amount", "too_large", "1000000.00 元");
    assert_field_error(&fe, "fields/hearing", "invalid_date", NULL);
    assert_field_error(&fe, "fields/copies", "too_large", "不能大于 10");
    assert_field_error(&fe, "fields/code", "too_long", NULL);

    /* Money is whole fen: 12.5 is refused, not rounded; a date is a string. */
    f = json_pack("{s:f, s:i, s:b}", "amount", 12.5, "hearing", 20260105, "urgent", 1);
    memset(&fe, 0, sizeof fe);
    assert_int_equal(yz_wf_validate_fields(ev, f, &fe), YZ_ERR_VALIDATION);
    json_decref(f);
    assert_field_error(&fe, "fields/amount", "wrong_type", "以分为单位的整数金额");
    assert_field_error(&fe, "fields/hearing", "invalid_date", NULL);
    yz_workflows_free(ws);
}

/* Errors already in the list are not this call's: only new ones make it fail. */
static void validation_counts_only_its_own_errors(void **state)
{
    struct yz_field_errors fe;
    memset(&fe, 0, sizeof fe);
    yz_field_errors_add(&fe, "idempotency_key", "required", "缺少");
    json_t *f = good_submit();
    assert_int_equal(yz_wf_validate_fields(inquiry_event("submit"), f, &fe), YZ_OK);
    json_decref(f);
    assert_int_equal(fe.count, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_definitions_load),
        cmocka_unit_test(effects_are_checked),
        cmocka_unit_test(bad_definitions_are_refused),
        cmocka_unit_test(every_bad_file_has_a_case),
        cmocka_unit_test(all_problems_are_collected),
        cmocka_unit_test(limits),
        cmocka_unit_test(directory_handling),
        cmocka_unit_test(roles),
        cmocka_unit_test(transitions),
        cmocka_unit_test(roles_per_event),
        cmocka_unit_test(a_matter_walks_to_the_end),
        cmocka_unit_test(descriptors),
        cmocka_unit_test(valid_fields_pass),
        cmocka_unit_test(missing_required_fields),
        cmocka_unit_test(lengths_count_characters_not_bytes),
        cmocka_unit_test(wrong_types),
        cmocka_unit_test(unknown_fields_are_refused),
        cmocka_unit_test(enum_values),
        cmocka_unit_test(invalid_utf8_and_control_characters),
        cmocka_unit_test(other_types),
        cmocka_unit_test(validation_counts_only_its_own_errors),
    };
    return cmocka_run_group_tests(tests, load_shipped, free_shipped);
}
