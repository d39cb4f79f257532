/*
 * Throughput of the Chinese tokenizer (src/search/tokenizer.h; issue 7:
 * >= 40 MB/s), in process, on a realistic Chinese corpus: the questions and
 * answers of the knowledge base (data/kb_lecoqa.jsonl), one after another,
 * repeated until the text is at least --mb megabytes. Each run tokenizes the
 * whole text document-side (what indexing does) and query-side (what a search
 * does); the callback only counts tokens and sums their bytes, so the figure
 * is the tokenizer's own cost, not SQLite's. MB is 10^6 bytes of UTF-8 input.
 *
 * usage: tokenizer_measure [--data DIR] [--mb N] [--runs N]
 * Output: the figure lines of bench/README.md ("value NAME VALUE UNIT"), the
 * medians of the runs.
 */
#include "core/num.h"
#include "search/tokenizer.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS_MAX 50

struct sink {
    size_t tokens, bytes;
};

static int count(void *ctx, int flags, const char *tok, size_t len, size_t start, size_t end)
{
    struct sink *s = ctx;
    s->tokens++;
    s->bytes += len + (unsigned char)tok[0] + (size_t)flags;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The questions and answers of the JSONL file, each followed by a newline. */
static char *load_corpus(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return NULL;
    }
    size_t cap = 4 << 20, n = 0;
    char *text = malloc(cap);
    char line[65536];
    while (text && fgets(line, sizeof line, f)) {
        json_error_t jerr;
        json_t *o = json_loads(line, 0, &jerr);
        const char *fields[] = {"question", "answer"};
        for (size_t k = 0; o && k < 2; k++) {
            const char *s = json_string_value(json_object_get(o, fields[k]));
            size_t sl = s ? strlen(s) : 0;
            if (n + sl + 1 > cap) {
                cap *= 2;
                char *bigger = realloc(text, cap);
                if (!bigger) {
                    free(text);
                    text = NULL;
                    break;
                }
                text = bigger;
            }
            memcpy(text + n, s ? s : "", sl);
            n += sl;
            text[n++] = '\n';
        }
        json_decref(o);
    }
    fclose(f);
    *len = n;
    return text;
}

static double measure(const char *text, size_t n, enum yz_tok_mode mode, struct sink *sink)
{
    memset(sink, 0, sizeof *sink);
    double t0 = now_s();
    yz_tokenize(text, n, mode, count, sink);
    double secs = now_s() - t0;
    return (double)n / 1e6 / secs;
}

int main(int argc, char **argv)
{
    const char *data = "data";
    int64_t mb = 8, runs = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            data = argv[++i];
        } else if (strcmp(argv[i], "--mb") == 0 && i + 1 < argc) {
            if (!yz_parse_i64(argv[++i], 1, 1024, &mb))
                goto usage;
        } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            if (!yz_parse_i64(argv[++i], 1, RUNS_MAX, &runs))
                goto usage;
        } else {
            goto usage;
        }
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/kb_lecoqa.jsonl", data);
    size_t one;
    char *corpus = load_corpus(path, &one);
    if (!corpus || one == 0) {
        fprintf(stderr, "tokenizer_measure: no text in %s\n", path);
        free(corpus);
        return 1;
    }
    size_t want = (size_t)mb * 1000000, copies = (want + one - 1) / one;
    size_t n = copies * one;
    char *text = malloc(n);
    if (!text) {
        free(corpus);
        return 1;
    }
    for (size_t i = 0; i < copies; i++)
        memcpy(text + i * one, corpus, one);
    free(corpus);

    static const struct {
        enum yz_tok_mode mode;
        const char *name;
    } sides[] = {{YZ_TOK_DOCUMENT, "document"}, {YZ_TOK_QUERY, "query"}};
    struct sink sink;
    measure(text, n, YZ_TOK_DOCUMENT, &sink); /* warm-up: pages and caches */
    for (size_t k = 0; k < 2; k++) {
        double mbps[RUNS_MAX];
        for (int64_t r = 0; r < runs; r++)
            mbps[r] = measure(text, n, sides[k].mode, &sink);
        qsort(mbps, (size_t)runs, sizeof mbps[0], cmp_double);
        double median = runs % 2 ? mbps[runs / 2] : (mbps[runs / 2 - 1] + mbps[runs / 2]) / 2;
        printf("value tokenizer.%s.mbps %.1f MB/s\n", sides[k].name, median);
        printf("value tokenizer.%s.min_mbps %.1f MB/s\n", sides[k].name, mbps[0]);
        printf("value tokenizer.%s.tokens %zu tokens\n", sides[k].name, sink.tokens);
    }
    printf("value tokenizer.corpus %.1f MB\n", (double)n / 1e6);
    free(text);
    return 0;
usage:
    fprintf(stderr, "usage: tokenizer_measure [--data DIR] [--mb 1..1024] [--runs 1..%d]\n",
            RUNS_MAX);
    return 2;
}
