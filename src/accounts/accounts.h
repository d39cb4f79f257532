/*
 * Accounts: registration of parties and lawyers (phone + password + real-name
 * data), staff accounts created by a court admin (or `yizhan user add`), and
 * login with throttling and, for staff, TOTP.
 *
 * Slow work (argon2id hashing, sealing personal data) happens in
 * yz_account_prepare(), outside any transaction, so the writer is never held
 * for it; yz_account_insert() then stores the prepared row with its event.
 */
#ifndef YZ_ACCOUNTS_ACCOUNTS_H
#define YZ_ACCOUNTS_ACCOUNTS_H

#include "core/error.h"
#include "core/fielderr.h"
#include "crypto/password.h"
#include "crypto/totp.h"
#include "policy/principal.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct yz_app;
struct yz_tx;

struct yz_account_input {
    const char *role;        /* role code */
    const char *person_kind; /* natural | legal | other (parties, lawyers); ignored for staff */
    const char *name;
    const char *phone;       /* required for parties and lawyers, optional for staff */
    const char *username;    /* staff only */
    const char *password;
    const char *citizen_id;  /* natural persons and lawyers */
    const char *credit_code; /* legal persons and other organisations */
    const char *legal_rep;   /* their legal representative */
    const char *licence_no;  /* lawyers */
    const char *firm;        /* lawyers */
    int64_t court_id;        /* staff only */
};

struct yz_account_prepared {
    char role[32];
    char person_kind[16];
    char name[256];
    char username[64];
    char phone_masked[16];
    char phone_hash[65];
    char *phone_enc;
    char citizen_id_hash[65];
    char *citizen_id_enc;
    char credit_code[24];
    char legal_rep[256];
    char licence_no[24];
    char firm[256];
    int64_t court_id;
    char password_hash[YZ_PASSWORD_HASH_SIZE];
    char totp_secret[YZ_TOTP_SECRET_SIZE]; /* staff: created here, shown once */
    char *totp_enc;
};

/* Validates everything (all problems into fe) and does the slow work.
 * YZ_ERR_VALIDATION when fe has entries. Release with yz_account_prepared_release. */
enum yz_err yz_account_prepare(struct yz_app *app, const struct yz_account_input *in,
                               struct yz_account_prepared *out, struct yz_field_errors *fe);
void yz_account_prepared_release(struct yz_account_prepared *p);
/* Inserts the account and its "account_created" event. A phone, username,
 * citizen ID or licence already registered gives YZ_ERR_ALREADY_EXISTS. */
enum yz_err yz_account_insert(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *actor,
                              const char *channel, const struct yz_account_prepared *p,
                              int64_t *user_id);

/* yz_account_insert in its own write transaction, acting as the system (CLI use). */
enum yz_err yz_account_insert_as_system(struct yz_app *app, const struct yz_account_prepared *p,
                                        int64_t *user_id);

struct yz_login_result {
    struct yz_principal who;
    char token[48];
    char csrf[65];
    int64_t expires_at;
    int64_t max_age_s;
};

/* Checks the credentials and opens a session. Failures are indistinguishable
 * for unknown and known accounts: YZ_ERR_LOGIN_FAILED, YZ_ERR_ACCOUNT_LOCKED;
 * YZ_ERR_TOTP_REQUIRED when a staff password was right but no code was given. */
enum yz_err yz_login(struct yz_app *app, const char *login, const char *password,
                     const char *totp, const char *channel, bool bearer,
                     const char *previous_session_hash, struct yz_login_result *out);

/* The caller's own full phone and citizen ID, after re-entering the password
 * (ASVS 3.7.1); the viewing is recorded as an event, the values never are. */
enum yz_err yz_account_personal_data(struct yz_app *app, const struct yz_principal *who,
                                     const char *password, const char *channel, json_t **out);

/* The staff accounts of court_id (role: one role, or NULL/"" for all), oldest first:
 * {court_id, items: [{id, username, name, role, role_title, status, created_at}], truncated}.
 * The caller decides access (yz_policy_may_manage_staff). */
struct yz_tx;
enum yz_err yz_staff_list(struct yz_tx *tx, int64_t court_id, const char *role, json_t **out);

/* The account as JSON with personal data masked (never the full values). */
enum yz_err yz_account_json(struct yz_app *app, int64_t user_id, json_t **out);

#endif
