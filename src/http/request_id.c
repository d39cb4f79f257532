/* Request ids from per-thread blocks of CSPRNG output (request_id.h). */
#include "http/request_id.h"

#include <sodium.h>
#include <stddef.h>

#include "core/banned.h"

#define ID_BYTES 16
#define BLOCK_IDS 256 /* ids per getrandom call */

static _Thread_local unsigned char block[ID_BYTES * BLOCK_IDS];
static _Thread_local size_t used = sizeof block; /* empty until the first id */

void yz_request_id_new(char out[YZ_REQUEST_ID_SIZE])
{
    if (used == sizeof block) {
        randombytes_buf(block, sizeof block);
        used = 0;
    }
    sodium_bin2hex(out, YZ_REQUEST_ID_SIZE, block + used, ID_BYTES);
    used += ID_BYTES;
}
