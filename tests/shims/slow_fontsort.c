/*
 * LD_PRELOAD shim for scripts/valgrind-smoke.sh: delays fontconfig's
 * FcFontSetSort by YZ_SLOW_FONTSORT_MS (default 2000). Pango 1.50 runs that
 * sort on a worker thread of its own that rendering does not wait for, so
 * with the delay the sort is still running when `yizhan template render`
 * shuts the PDF code down: the race that once aborted CI's valgrind run
 * (pdf.c, yz_pdf_shutdown), made certain.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <stdlib.h>
#include <time.h>

typedef FcFontSet *sort_fn(FcConfig *, FcFontSet **, int, FcPattern *, FcBool, FcCharSet **,
                           FcResult *);

FcFontSet *FcFontSetSort(FcConfig *config, FcFontSet **sets, int nsets, FcPattern *p, FcBool trim,
                         FcCharSet **csp, FcResult *result)
{
    sort_fn *real = (sort_fn *)dlsym(RTLD_NEXT, "FcFontSetSort");
    const char *ms_text = getenv("YZ_SLOW_FONTSORT_MS");
    long ms = ms_text ? strtol(ms_text, NULL, 10) : 2000;
    if (ms < 0 || ms > 60000)
        ms = 2000;
    struct timespec nap = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&nap, &nap) != 0 && errno == EINTR) {
    }
    return real ? real(config, sets, nsets, p, trim, csp, result) : NULL;
}
