/*
 * PDF typesetting of a filled document (pdf.h). Each block is laid out by
 * pango at the text width; its lines are then placed one by one on a fixed
 * grid, so a page break can fall between any two lines of a long paragraph
 * and every page has the same 22 body lines.
 */
#include "templates/pdf.h"
#include "core/log.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MM(x) ((x) * 72.0 / 25.4)
/* GB/T 9704-2012: A4; top 37 mm, inner margin 28 mm, a 156 x 225 mm text block. */
#define PAGE_W MM(210.0)
#define PAGE_H MM(297.0)
#define LEFT MM(28.0)
#define TOP MM(37.0)
#define TEXT_W MM(156.0)
#define TEXT_H MM(225.0)
#define BODY_PT 15.75               /* 三号 */
#define TITLE_PT 22.0               /* 二号 */
#define FOOT_PT 14.0                /* 四号 */
#define PITCH (TEXT_H / 22.0)       /* 22 lines a page */
#define TITLE_PITCH (PITCH * 1.6)
/* How long shutdown waits for pango's font work still running (see yz_pdf_shutdown). */
#define SHUTDOWN_WAIT_S 10
#define FONT_FAMILY "Noto Serif CJK SC"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *fontmap; /* under lock */
static bool used;             /* fontconfig was initialised through pango */

struct sink {
    struct yz_buf *out;
    bool overflow;
};

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int length)
{
    struct sink *s = closure;
    if (s->out->len + length > YZ_PDF_MAX_BYTES || !yz_buf_add(s->out, data, length)) {
        s->overflow = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

struct page {
    cairo_t *cr;
    PangoContext *ctx;
    PangoLayout *foot;
    double y; /* top of the next line */
    int number;
    bool blank; /* nothing drawn on this page yet */
};

static void footer(struct page *p)
{
    char s[48];
    snprintf(s, sizeof s, "— %d —", p->number);
    pango_layout_set_text(p->foot, s, -1);
    int w, h;
    pango_layout_get_pixel_size(p->foot, &w, &h);
    cairo_move_to(p->cr, (PAGE_W - w) / 2.0, TOP + TEXT_H + MM(7.0));
    pango_cairo_show_layout(p->cr, p->foot);
}

static void next_page(struct page *p)
{
    footer(p);
    cairo_show_page(p->cr);
    p->number++;
    p->y = TOP;
    p->blank = true;
}

static PangoFontDescription *font(double pt, bool bold)
{
    PangoFontDescription *f = pango_font_description_new();
    pango_font_description_set_family(f, FONT_FAMILY);
    pango_font_description_set_weight(f, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(f, pt * PANGO_SCALE);
    return f;
}

/* Lays out one block and places its lines; false when the page cap is hit. */
static bool block(struct page *p, PangoLayout *layout, const struct yz_doc_block *b)
{
    bool title = b->style == YZ_TPL_TITLE;
    double pitch = title ? TITLE_PITCH : PITCH;
    if (b->style == YZ_TPL_BLANK) {
        if (p->y + pitch > TOP + TEXT_H + 0.01)
            next_page(p);
        else if (!p->blank)
            p->y += pitch;
        return p->number <= YZ_PDF_MAX_PAGES;
    }
    PangoFontDescription *f = font(title ? TITLE_PT : BODY_PT, title);
    pango_layout_set_font_description(layout, f);
    pango_font_description_free(f);
    pango_layout_set_width(layout, (int)(TEXT_W * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_indent(layout, b->style == YZ_TPL_PARA ? (int)(2 * BODY_PT * PANGO_SCALE) : 0);
    pango_layout_set_justify(layout, b->style == YZ_TPL_PARA);
    pango_layout_set_alignment(layout, title || b->style == YZ_TPL_CENTER ? PANGO_ALIGN_CENTER
                                       : b->style == YZ_TPL_RIGHT   ? PANGO_ALIGN_RIGHT
                                                                    : PANGO_ALIGN_LEFT);
    pango_layout_set_text(layout, b->text, -1);
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    bool ok = true;
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        int baseline = pango_layout_iter_get_baseline(it);
        if (p->y + pitch > TOP + TEXT_H + 0.01) {
            next_page(p);
            if (p->number > YZ_PDF_MAX_PAGES) {
                ok = false;
                break;
            }
        }
        double h = (double)logical.height / PANGO_SCALE;
        double x = LEFT + (double)logical.x / PANGO_SCALE;
        double y = p->y + (pitch - h) / 2.0 + (double)(baseline - logical.y) / PANGO_SCALE;
        cairo_move_to(p->cr, x, y);
        pango_cairo_show_layout_line(p->cr, line);
        p->y += pitch;
        p->blank = false;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    return ok;
}

enum yz_err yz_pdf_render(const struct yz_doc *d, struct yz_buf *out, int *pages,
                          struct yz_buf *err)
{
    struct sink sink = {out, false};
    enum yz_err e = YZ_OK;
    pthread_mutex_lock(&lock);
    if (!fontmap) {
        fontmap = pango_cairo_font_map_new();
        /* PDF user space is in points: 72 units an inch. */
        pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(fontmap), 72.0);
        used = true;
    }
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(write_cb, &sink, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, d->title ? d->title : "");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "yizhan");
    cairo_t *cr = cairo_create(surface);
    PangoContext *ctx = pango_font_map_create_context(fontmap);
    /* Unhinted metrics: glyph advances stay exact (15.75 pt), so 28 characters
     * fill a 156 mm line as GB/T 9704 counts them. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(ctx, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(ctx, FALSE);
    pango_cairo_update_context(cr, ctx);
    PangoLayout *layout = pango_layout_new(ctx);
    PangoLayout *foot = pango_layout_new(ctx);
    PangoFontDescription *ff = font(FOOT_PT, false);
    pango_layout_set_font_description(foot, ff);
    pango_font_description_free(ff);
    cairo_set_source_rgb(cr, 0, 0, 0);

    struct page p = {cr, ctx, foot, TOP, 1, true};
    for (size_t i = 0; i < d->n && e == YZ_OK; i++)
        if (!block(&p, layout, &d->blocks[i]))
            e = YZ_ERR_PAYLOAD_TOO_LARGE;
    if (e == YZ_OK) {
        footer(&p);
        cairo_show_page(cr);
    }
    g_object_unref(layout);
    g_object_unref(foot);
    g_object_unref(ctx);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    pthread_mutex_unlock(&lock);
    if (e == YZ_OK && sink.overflow)
        e = YZ_ERR_PAYLOAD_TOO_LARGE;
    if (e == YZ_OK && st != CAIRO_STATUS_SUCCESS) {
        yz_buf_addf(err, "cairo: %s", cairo_status_to_string(st));
        e = YZ_ERR_INTERNAL;
    }
    if (e == YZ_ERR_PAYLOAD_TOO_LARGE)
        yz_buf_addf(err, "文书超过 %d 页或 %u MiB", YZ_PDF_MAX_PAGES, YZ_PDF_MAX_BYTES >> 20);
    if (pages)
        *pages = e == YZ_OK ? p.number : 0;
    return e;
}

/*
 * Pango 1.50 sorts the fonts of each pattern ahead, on a worker thread, and
 * that work holds the font map (and through it cairo's font faces and
 * fontconfig's caches) until it ends, even when rendering never asked for
 * it. Resetting cairo's and fontconfig's static data while it runs trips
 * their assertions (cairo-hash.c: live_entries == 0) and aborts the process,
 * so shutdown waits, bounded, for the font map to be finalized first.
 */
static pthread_mutex_t gone_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gone_cond = PTHREAD_COND_INITIALIZER;
static bool fontmap_gone; /* under gone_lock */

/* The destroy notify of a mark on the font map: GObject runs it last in
 * finalize, after pango has released what the map held (a weak reference
 * would be notified at dispose, before that), on whichever thread dropped
 * the last reference. */
static void fontmap_finalized(gpointer mark)
{
    (void)mark;
    pthread_mutex_lock(&gone_lock);
    fontmap_gone = true;
    pthread_cond_broadcast(&gone_cond);
    pthread_mutex_unlock(&gone_lock);
}

static bool fontmap_gone_within(int seconds)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    pthread_mutex_lock(&gone_lock);
    int rc = 0;
    while (!fontmap_gone && rc == 0)
        rc = pthread_cond_timedwait(&gone_cond, &gone_lock, &until);
    bool gone = fontmap_gone;
    pthread_mutex_unlock(&gone_lock);
    return gone;
}

void yz_pdf_shutdown(void)
{
    pthread_mutex_lock(&lock);
    bool gone = true;
    if (fontmap) {
        pthread_mutex_lock(&gone_lock);
        fontmap_gone = false;
        pthread_mutex_unlock(&gone_lock);
        g_object_set_data_full(G_OBJECT(fontmap), "yz-finalized", &fontmap_gone, fontmap_finalized);
        g_object_unref(fontmap);
        fontmap = NULL;
        gone = fontmap_gone_within(SHUTDOWN_WAIT_S);
    }
    if (used && !gone)
        yz_log_warn("pango still holds its font map after %d s; font caches left to the exit",
                    SHUTDOWN_WAIT_S);
    if (used && gone) {
        cairo_debug_reset_static_data();
        FcFini();
        used = false;
    }
    pthread_mutex_unlock(&lock);
}
