#include "lib/pii.h"

#include "core/clock.h"
#include "core/idnum.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool yzt_find_pii(const char *text, size_t n, char *out, size_t size)
{
    /* Birth dates up to today are valid (this process's clock is never pinned). */
    struct yz_date today = yz_date_of_shanghai(yz_time_now_ms());
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)text[i]) || (i > 0 && isalnum((unsigned char)text[i - 1])))
            continue;
        size_t j = i;
        while (j < n && (isdigit((unsigned char)text[j]) || text[j] == 'X' || text[j] == 'x') &&
               j - i < 19)
            j++;
        size_t len = j - i;
        bool alone = j >= n || !isalnum((unsigned char)text[j]);
        if (alone && len == 18 &&
            yz_idnum_citizen_check(text + i, 18, today, NULL) == YZ_IDNUM_OK) {
            snprintf(out, size, "%.18s", text + i);
            return true;
        }
        if (alone && len == 11 && yz_idnum_mobile_check(text + i, 11) == YZ_IDNUM_OK) {
            snprintf(out, size, "%.11s", text + i);
            return true;
        }
        i = j;
    }
    return false;
}

long yzt_scan_file_pii(const char *path, const char *what, int show)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    long hits = 0;
    size_t cap = 1 << 16;
    char *line = malloc(cap);
    if (!line) {
        fclose(f);
        return -1;
    }
    char found[32];
    while (fgets(line, (int)cap, f))
        if (yzt_find_pii(line, strlen(line), found, sizeof found) && hits++ < show)
            fprintf(stderr, "%s: %s in %s%s", what, found, line,
                    line[0] && line[strlen(line) - 1] == '\n' ? "" : "\n");
    free(line);
    fclose(f);
    return hits;
}
