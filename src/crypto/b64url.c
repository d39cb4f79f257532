/* base64url encoding by table (b64url.h). */
#include "crypto/b64url.h"
#include "core/error.h"

#include "core/banned.h"

static const char alphabet[65] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t yz_b64url_encode(char *out, size_t size, const unsigned char *in, size_t n)
{
    if (size < YZ_B64URL_SIZE(n))
        YZ_BUG("b64url: %zu bytes of room for the encoding of %zu", size, n);
    char *w = out;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        w[0] = alphabet[v >> 18];
        w[1] = alphabet[(v >> 12) & 63];
        w[2] = alphabet[(v >> 6) & 63];
        w[3] = alphabet[v & 63];
        w += 4;
    }
    if (n - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        w[0] = alphabet[v >> 18];
        w[1] = alphabet[(v >> 12) & 63];
        w += 2;
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        w[0] = alphabet[v >> 18];
        w[1] = alphabet[(v >> 12) & 63];
        w[2] = alphabet[(v >> 6) & 63];
        w += 3;
    }
    *w = '\0';
    return (size_t)(w - out);
}
