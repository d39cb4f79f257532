/*
 * Request ids: 32 hex digits of randomness naming one request in the access
 * log, the X-Request-Id header and every problem+json answer.
 *
 * The randomness is drawn from the system CSPRNG (libsodium) in blocks
 * kept per thread, not 16 bytes per request: a getrandom(2) call for every
 * request was one syscall in three on the read path (strace -c under wrk:
 * recvfrom, sendmsg, getrandom). An id needs to be unique, not secret, so
 * taking it from a block fetched earlier loses nothing.
 */
#ifndef YZ_HTTP_REQUEST_ID_H
#define YZ_HTTP_REQUEST_ID_H

#define YZ_REQUEST_ID_SIZE 33 /* 32 hex digits + NUL */

/* A new request id in out. Thread-safe; never fails. */
void yz_request_id_new(char out[YZ_REQUEST_ID_SIZE]);

#endif
