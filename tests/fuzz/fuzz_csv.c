/*
 * libFuzzer target: the CSV reader of bulk filing (src/filing/csv.h) with the
 * limits of a batch, and the writer on every field it read.
 */
#include "core/buf.h"
#include "filing/csv.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct yz_csv_limits lim = {.max_field_bytes = 4096, .max_columns = 32, .max_records = 2001};
    struct yz_csv csv = {0};
    struct yz_csv_error err;
    memset(&err, 0, sizeof err);
    if (yz_csv_parse((const char *)data, size, &lim, &csv, &err) != YZ_OK) {
        if (!err.code || !err.message[0])
            __builtin_trap();
        return 0;
    }
    struct yz_buf out = YZ_BUF_INIT(1 << 20);
    for (size_t r = 0; r < csv.count; r++) {
        const struct yz_csv_record *rec = &csv.records[r];
        if (rec->count > lim.max_columns)
            __builtin_trap();
        for (size_t f = 0; f < rec->count; f++)
            yz_csv_write_field(&out, rec->fields[f].p, rec->fields[f].n, f == 0);
        yz_csv_write_end(&out);
    }
    yz_buf_release(&out);
    yz_csv_release(&csv);
    return 0;
}
