/*
 * A filled document (templates.h) set in type as PDF with cairo and pango:
 * A4, the margins, type sizes and 28 × 22 grid of GB/T 9704 (党政机关公文格式,
 * the layout courts use), Noto Serif CJK SC (Debian fonts-noto-cjk), titles
 * centered, paragraphs indented by two characters and justified, long lines
 * wrapped between Chinese characters, page breaks where a page is full, and
 * the page number "— N —" at the foot of every page.
 *
 * Pango's font map and fontconfig keep process-wide caches. One font map is
 * made on first use and shared under a mutex (pango font maps are not meant
 * to be used from several threads at once); yz_pdf_shutdown() releases it and
 * fontconfig's and cairo's caches so that valgrind sees nothing left behind.
 */
#ifndef YZ_TEMPLATES_PDF_H
#define YZ_TEMPLATES_PDF_H

#include "core/buf.h"
#include "core/error.h"
#include "templates/templates.h"

#define YZ_PDF_MAX_BYTES (32u * 1024 * 1024)
#define YZ_PDF_MAX_PAGES 500

/* Renders d into out (binary PDF bytes; out's own max also applies) and
 * the page count into *pages (may be NULL). YZ_ERR_PAYLOAD_TOO_LARGE past the
 * caps; YZ_ERR_INTERNAL (reason in err) when cairo fails. */
enum yz_err yz_pdf_render(const struct yz_doc *d, struct yz_buf *out, int *pages,
                          struct yz_buf *err);

/* Releases the shared font map and the font caches; harmless when nothing was
 * rendered. Call once, at process exit, with no render running. Pango may
 * still be sorting fonts on a thread of its own: this waits for that, up to
 * 10 s, and leaves the caches to the exit if it has not ended by then. */
void yz_pdf_shutdown(void);

#endif
