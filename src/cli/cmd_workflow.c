/*
 * `yizhan workflow check | show`: the definition author's tools. check loads
 * DIR/workflows exactly as the server does (same loader, same effect list)
 * and prints every problem at once; show prints one kind as a table of
 * transitions so a reviewer can read the procedure without reading JSON.
 * Output is for operators and follows the rest of the CLI (English frame,
 * Chinese titles from the definitions).
 */
#include "cli/commands.h"
#include "core/buf.h"
#include "workflow/workflow.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/banned.h"

#define ERR_MAX (1024 * 1024)

static void usage(FILE *out)
{
    fprintf(out, "usage: yizhan workflow check [--data DIR]\n"
                 "       yizhan workflow show KIND [--data DIR]\n"
                 "\n"
                 "  check   load every definition in DIR/workflows and report each kind,\n"
                 "          or every problem found\n"
                 "  show    print the states and transitions of one kind\n"
                 "\n"
                 "  --data DIR   data directory (default: $YIZHAN_DATA_DIR, else ./data)\n"
                 "\n"
                 "exit codes: 0 all valid, 1 problems found, 2 bad usage\n");
}

struct opts {
    const char *data;
    const char *kind;
};

/* Parses [--data DIR] [KIND] after the subcommand. Returns -1 for --help, 0 ok, 2 bad usage. */
static int parse_opts(int argc, char **argv, bool want_kind, struct opts *o)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return -1;
        if (strcmp(a, "--data") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "yizhan workflow: --data needs a directory\n");
                return YZ_EXIT_USAGE;
            }
            o->data = argv[++i];
        } else if (strncmp(a, "--data=", 7) == 0) {
            o->data = a + 7;
        } else if (a[0] == '-') {
            fprintf(stderr, "yizhan workflow: unknown option '%s'\n", a);
            return YZ_EXIT_USAGE;
        } else if (want_kind && !o->kind) {
            o->kind = a;
        } else {
            fprintf(stderr, "yizhan workflow: unexpected argument '%s'\n", a);
            return YZ_EXIT_USAGE;
        }
    }
    if (!o->data || !*o->data) {
        const char *env = getenv("YIZHAN_DATA_DIR");
        o->data = env && *env ? env : "data";
    }
    if (want_kind && !o->kind) {
        fprintf(stderr, "yizhan workflow show: which kind? (see 'yizhan workflow check')\n");
        return YZ_EXIT_USAGE;
    }
    return 0;
}

/*
 * Loads DIR/workflows. Returns 0 with *ws set, 1 when the definitions have
 * problems (printed to stderr), 2 when the directory does not exist.
 */
static int load(const char *data, struct yz_workflows **ws)
{
    struct yz_buf dir = YZ_BUF_INIT(4096);
    struct yz_buf err = YZ_BUF_INIT(ERR_MAX);
    int rc = YZ_EXIT_OK;
    struct stat st;
    if (!yz_buf_addf(&dir, "%s/workflows", data)) {
        fprintf(stderr, "yizhan workflow: data directory path too long\n");
        rc = YZ_EXIT_USAGE;
        goto out;
    }
    if (stat(dir.data, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "yizhan workflow: %s is not a directory\n", dir.data);
        rc = YZ_EXIT_USAGE;
        goto out;
    }
    if (yz_workflows_load_dir(dir.data, yz_known_effects, ws, &err) != YZ_OK) {
        size_t lines = 0;
        for (size_t i = 0; i < err.len; i++)
            lines += err.data[i] == '\n';
        fputs(err.data, stderr);
        fprintf(stderr, "%s: %zu problem%s found\n", dir.data, lines, lines == 1 ? "" : "s");
        rc = YZ_EXIT_NO;
    }
out:
    yz_buf_release(&dir);
    yz_buf_release(&err);
    return rc;
}

static int cmd_check(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse_opts(argc, argv, false, &o);
    if (rc) {
        usage(rc < 0 ? stdout : stderr);
        return rc < 0 ? YZ_EXIT_OK : rc;
    }
    struct yz_workflows *ws = NULL;
    rc = load(o.data, &ws);
    if (rc)
        return rc;
    int width = 4;
    for (size_t i = 0; i < yz_workflows_count(ws); i++) {
        int n = (int)strlen(yz_workflow_kind(yz_workflows_at(ws, i)));
        width = n > width ? n : width;
    }
    for (size_t i = 0; i < yz_workflows_count(ws); i++) {
        const struct yz_workflow *wf = yz_workflows_at(ws, i);
        printf("%-*s  ok  version %d, %zu states, %zu events  %s\n", width, yz_workflow_kind(wf),
               yz_workflow_version(wf), yz_workflow_state_count(wf), yz_workflow_event_count(wf),
               yz_workflow_title(wf));
    }
    yz_workflows_free(ws);
    return YZ_EXIT_OK;
}

static void print_list(const char *label, size_t n,
                       const char *(*at)(const struct yz_wf_event *, size_t),
                       const struct yz_wf_event *ev)
{
    if (n == 0)
        return;
    printf("    %-10s", label);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? ", " : "", at(ev, i));
    putchar('\n');
}

static void print_field(const struct yz_wf_field *f, bool first)
{
    printf("    %-10s%s%s %s %s", first ? "fields" : "", f->name, f->required ? "*" : "", f->title,
           yz_wf_type_name(f->type));
    switch (f->type) {
    case YZ_WF_TEXT:
        if (f->min > 0)
            printf(" %" PRId64 "..%" PRId64 " chars", f->min, f->max);
        else
            printf(" <= %" PRId64 " chars", f->max);
        if (f->multiline)
            printf(", multiline");
        break;
    case YZ_WF_INT:
    case YZ_WF_MONEY:
        printf(" %" PRId64 "..%" PRId64 "%s", f->min, f->max, f->type == YZ_WF_MONEY ? " fen" : "");
        break;
    case YZ_WF_ENUM:
        for (size_t i = 0; i < f->nvalues; i++)
            printf("%s%s=%s", i ? ", " : " [", f->values[i], f->value_titles[i]);
        printf("]");
        break;
    case YZ_WF_DOCUMENT:
        printf(" schema %s", f->schema);
        break;
    case YZ_WF_DATE:
    case YZ_WF_BOOL:
    case YZ_WF_ID:
        break;
    }
    putchar('\n');
}

static void show(const struct yz_workflow *wf)
{
    size_t ns = yz_workflow_state_count(wf), ne = yz_workflow_event_count(wf);
    int sw = 5, ew = 5; /* column widths: names are ASCII, so bytes are columns */
    for (size_t i = 0; i < ns; i++) {
        int n = (int)strlen(yz_workflow_state_at(wf, i)->name);
        sw = n > sw ? n : sw;
    }
    for (size_t i = 0; i < ne; i++) {
        int n = (int)strlen(yz_wf_event_name(yz_workflow_event_at(wf, i)));
        ew = n > ew ? n : ew;
    }

    printf("%s  %s  (version %d)\ninitial state: %s\n\n", yz_workflow_kind(wf),
           yz_workflow_title(wf), yz_workflow_version(wf), yz_workflow_initial(wf));

    printf("%-*s  %-5s  %s\n", sw, "STATE", "", "TITLE");
    for (size_t i = 0; i < ns; i++) {
        const struct yz_wf_state *s = yz_workflow_state_at(wf, i);
        printf("%-*s  %-5s  %s\n", sw, s->name, s->final ? "final" : "", s->title);
    }

    printf("\n%-*s     %-*s     %-*s  %s\n", sw, "FROM", ew, "EVENT", sw, "TO", "ROLES");
    for (size_t i = 0; i < ne; i++) {
        const struct yz_wf_event *ev = yz_workflow_event_at(wf, i);
        size_t nf = yz_wf_event_from_count(ev);
        for (size_t k = 0; k < (nf ? nf : 1); k++) {
            printf("%-*s --> %-*s --> %-*s  ", sw, nf ? yz_wf_event_from_at(ev, k) : "(new)", ew,
                   yz_wf_event_name(ev), sw,
                   yz_wf_event_stays(ev) ? yz_wf_event_from_at(ev, k) : yz_wf_event_to(ev));
            for (size_t r = 0; r < yz_wf_event_role_count(ev); r++)
                printf("%s%s", r ? ", " : "", yz_wf_event_role_at(ev, r));
            putchar('\n');
        }
    }

    printf("\nEVENTS (* = required field)\n");
    for (size_t i = 0; i < ne; i++) {
        const struct yz_wf_event *ev = yz_workflow_event_at(wf, i);
        printf("  %s  %s%s\n", yz_wf_event_name(ev), yz_wf_event_title(ev),
               yz_wf_event_creates(ev) ? "  (creates the matter)" : "");
        for (size_t k = 0; k < yz_wf_event_field_count(ev); k++)
            print_field(yz_wf_event_field_at(ev, k), k == 0);
        print_list("effects", yz_wf_event_effect_count(ev), yz_wf_event_effect_at, ev);
        const struct yz_wf_deadline *d = yz_wf_event_deadline(ev);
        if (d)
            printf("    %-10s%s %s, %d %s\n", "starts", d->name, d->title, d->n,
                   yz_wf_unit_name(d->unit));
        print_list("stops", yz_wf_event_stop_count(ev), yz_wf_event_stop_at, ev);
    }
}

static int cmd_show(int argc, char **argv)
{
    struct opts o = {0};
    int rc = parse_opts(argc, argv, true, &o);
    if (rc) {
        usage(rc < 0 ? stdout : stderr);
        return rc < 0 ? YZ_EXIT_OK : rc;
    }
    struct yz_workflows *ws = NULL;
    rc = load(o.data, &ws);
    if (rc)
        return rc;
    const struct yz_workflow *wf = yz_workflow_find(ws, o.kind);
    if (!wf) {
        fprintf(stderr, "yizhan workflow show: no kind '%s'; known kinds:", o.kind);
        for (size_t i = 0; i < yz_workflows_count(ws); i++)
            fprintf(stderr, " %s", yz_workflow_kind(yz_workflows_at(ws, i)));
        fputc('\n', stderr);
        rc = YZ_EXIT_USAGE;
    } else {
        show(wf);
    }
    yz_workflows_free(ws);
    return rc;
}

int yz_cmd_workflow(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return YZ_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        usage(stdout);
        return YZ_EXIT_OK;
    }
    if (strcmp(sub, "check") == 0)
        return cmd_check(argc, argv);
    if (strcmp(sub, "show") == 0)
        return cmd_show(argc, argv);
    fprintf(stderr, "yizhan workflow: unknown subcommand '%s'\n", sub);
    usage(stderr);
    return YZ_EXIT_USAGE;
}
