/*
 * Sessions. The token is 256 random bits handed to the client once; the
 * database keeps only its BLAKE2b hash. Cookie sessions carry a CSRF token;
 * bearer sessions (API clients) need none. Idle and absolute expiry differ
 * for parties and staff (configuration); last-seen is written at most once a
 * minute so that reads do not turn into durable writes.
 */
#ifndef YZ_ACCOUNTS_SESSION_H
#define YZ_ACCOUNTS_SESSION_H

#include "core/error.h"
#include "policy/principal.h"

#include <stdbool.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

/* Resolves a presented token: YZ_OK with who filled, or YZ_ERR_UNAUTHENTICATED. */
enum yz_err yz_session_resolve(struct yz_app *app, const char *token, bool bearer,
                               struct yz_principal *who, char csrf[65], char token_hash[65]);
/* Opens a session for who inside tx. */
enum yz_err yz_session_open(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                            bool bearer, char token[48], char csrf[65], int64_t *expires_at,
                            int64_t *max_age_s);
/* Ends the session with this token hash. */
enum yz_err yz_session_close(struct yz_app *app, const char *token_hash, int64_t user_id);
/* Builds the Set-Cookie value for a token (empty token = delete the cookie). */
void yz_session_cookie(char *out, size_t size, const char *token, int64_t max_age_s, bool tls);

#endif
