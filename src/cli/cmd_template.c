/*
 * `yizhan template check | list | render`: the template author's tools. check
 * loads DIR/templates exactly as the server does (same loader, same
 * catalogue); render fills one template from a case view in a JSON file (the
 * shape templates.h describes) and prints the text or writes the PDF, so a
 * template can be proof-read without a server or a database.
 */
#include "cli/commands.h"
#include "catalog/catalog.h"
#include "core/buf.h"
#include "core/jsonfile.h"
#include "templates/pdf.h"
#include "templates/templates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/banned.h"

#define ERR_MAX (64 * 1024)
#define CASE_FILE_MAX (4 * 1024 * 1024)

static void usage(FILE *out)
{
    fprintf(out,
            "usage: yizhan template check [--data DIR]\n"
            "       yizhan template list [--data DIR]\n"
            "       yizhan template render TEMPLATE --case-file FILE [--inputs FILE]\n"
            "                              [--format text|pdf] [--out FILE] [--data DIR]\n"
            "\n"
            "  check    load every template in DIR/templates and report each, or the problem\n"
            "  list     the templates as JSON (id, title, case class, inputs)\n"
            "  render   fill TEMPLATE from the case view in FILE ({court, case_number,\n"
            "           registered_on, today, application}) and the inputs (a JSON object);\n"
            "           text goes to stdout or --out, a PDF needs --out\n"
            "\n"
            "  --data DIR   data directory (default: $YIZHAN_DATA_DIR, else ./data)\n"
            "\n"
            "exit codes: 0 ok, 1 templates or inputs have problems, 2 bad usage\n");
}

struct opts {
    const char *data, *name, *case_file, *inputs_file, *format, *out;
};

/* 1 when argv[*i] is flag and its value was taken, 0 when it is another
 * argument, -1 when the value is missing. */
static int take(int argc, char **argv, int *i, const char *flag, const char **dst)
{
    if (strcmp(argv[*i], flag) != 0)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "yizhan template: %s needs a value\n", flag);
        return -1;
    }
    *dst = argv[++*i];
    return 1;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return -1;
        static const char *const flags[] = {"--data", "--case-file", "--inputs", "--format",
                                            "--out"};
        const char **dsts[] = {&o->data, &o->case_file, &o->inputs_file, &o->format, &o->out};
        int took = 0;
        for (size_t k = 0; k < 5 && took == 0; k++)
            took = take(argc, argv, &i, flags[k], dsts[k]);
        if (took < 0)
            return YZ_EXIT_USAGE;
        if (took > 0)
            continue;
        if (a[0] == '-' || o->name) {
            fprintf(stderr, "yizhan template: unexpected argument '%s'\n", a);
            return YZ_EXIT_USAGE;
        }
        o->name = a;
    }
    if (!o->data || !*o->data) {
        const char *env = getenv("YIZHAN_DATA_DIR");
        o->data = env && *env ? env : "data";
    }
    return 0;
}

/* Loads the catalogue and the templates; prints the problem and returns 1 on failure. */
static int load(const char *data, struct yz_catalog **cat, struct yz_templates **set)
{
    struct yz_buf err = YZ_BUF_INIT(ERR_MAX);
    *cat = NULL;
    *set = NULL;
    enum yz_err e = yz_catalog_load_dir(data, cat, &err);
    if (e == YZ_OK)
        e = yz_templates_load_dir(data, *cat, set, &err);
    if (e != YZ_OK)
        fprintf(stderr, "yizhan template: %s\n", err.data);
    yz_buf_release(&err);
    return e == YZ_OK ? 0 : YZ_EXIT_NO;
}

static int write_out(const char *path, const char *data, size_t n)
{
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "yizhan template: cannot write %s\n", path);
        return YZ_EXIT_USAGE;
    }
    bool ok = fwrite(data, 1, n, f) == n;
    if (path)
        ok = fclose(f) == 0 && ok;
    else
        ok = fflush(f) == 0 && ok;
    if (!ok) {
        fprintf(stderr, "yizhan template: writing %s failed\n", path ? path : "stdout");
        return YZ_EXIT_USAGE;
    }
    return YZ_EXIT_OK;
}

static int render(const struct opts *o, const struct yz_templates *set)
{
    const struct yz_template *t = yz_templates_find(set, o->name);
    bool pdf = o->format && strcmp(o->format, "pdf") == 0;
    if (!o->name || !o->case_file || (o->format && !pdf && strcmp(o->format, "text") != 0) ||
        (pdf && !o->out)) {
        usage(stderr);
        return YZ_EXIT_USAGE;
    }
    if (!t) {
        fprintf(stderr, "yizhan template: no template '%s' (see 'yizhan template list')\n", o->name);
        return YZ_EXIT_USAGE;
    }
    int rc = YZ_EXIT_OK;
    json_t *view = NULL, *inputs = NULL;
    struct yz_buf err = YZ_BUF_INIT(ERR_MAX), out = YZ_BUF_INIT(YZ_PDF_MAX_BYTES);
    struct yz_doc doc = {0};
    if (yz_json_load_file(o->case_file, CASE_FILE_MAX, &view, &err) != YZ_OK ||
        (o->inputs_file &&
         yz_json_load_file(o->inputs_file, CASE_FILE_MAX, &inputs, &err) != YZ_OK)) {
        fprintf(stderr, "yizhan template: %s\n", err.data);
        rc = YZ_EXIT_USAGE;
        goto out;
    }
    struct yz_field_errors fe = {0};
    enum yz_err e = yz_template_fill(t, view, inputs, &doc, &fe);
    if (e == YZ_ERR_INTERNAL) {
        fprintf(stderr, "yizhan template: %s is not a case view (court, case_number, "
                        "registered_on, today, application)\n", o->case_file);
        rc = YZ_EXIT_USAGE;
        goto out;
    }
    if (e != YZ_OK) {
        for (int i = 0; i < fe.count; i++)
            fprintf(stderr, "%s: %s (%s)\n", fe.items[i].field, fe.items[i].message,
                    fe.items[i].code);
        if (fe.count == 0)
            fprintf(stderr, "yizhan template: %s\n", yz_err_message(e));
        rc = YZ_EXIT_NO;
        goto out;
    }
    if (pdf) {
        int pages = 0;
        if (yz_pdf_render(&doc, &out, &pages, &err) != YZ_OK) {
            fprintf(stderr, "yizhan template: %s\n", err.data);
            rc = YZ_EXIT_NO;
            goto out;
        }
        fprintf(stderr, "%s: %d page(s), %zu bytes\n", o->out, pages, out.len);
    } else {
        yz_doc_text(&doc, &out);
    }
    rc = write_out(o->out, out.data, out.len);
out:
    yz_doc_release(&doc);
    json_decref(view);
    json_decref(inputs);
    yz_buf_release(&err);
    yz_buf_release(&out);
    return rc;
}

int yz_cmd_template(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? YZ_EXIT_USAGE : YZ_EXIT_OK;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "check") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "render") != 0) {
        fprintf(stderr, "yizhan template: unknown subcommand '%s'\n", sub);
        usage(stderr);
        return YZ_EXIT_USAGE;
    }
    struct opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    if (rc != 0) {
        usage(rc < 0 ? stdout : stderr);
        return rc < 0 ? YZ_EXIT_OK : rc;
    }
    struct yz_catalog *cat;
    struct yz_templates *set;
    if ((rc = load(o.data, &cat, &set)) != 0)
        return rc;
    if (strcmp(sub, "check") == 0) {
        for (size_t i = 0; i < set->n; i++)
            printf("ok  %-28s %s (%zu inputs, %zu blocks)\n", set->items[i].id,
                   set->items[i].title, set->items[i].n_inputs, set->items[i].n_blocks);
    } else if (strcmp(sub, "list") == 0) {
        json_t *list = json_array();
        for (size_t i = 0; i < set->n; i++)
            json_array_append_new(list, yz_template_json(&set->items[i]));
        char *s = json_dumps(list, JSON_INDENT(2));
        printf("%s\n", s ? s : "[]");
        free(s);
        json_decref(list);
    } else {
        rc = render(&o, set);
    }
    yz_templates_free(set);
    yz_catalog_free(cat);
    yz_pdf_shutdown();
    return rc;
}
