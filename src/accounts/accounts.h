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
 * {court_id, items: [{id, username, name, role, role_title, status, created_at,
 * totp_enabled, teams: [{id, name}]}], truncated}.
 * The caller decides access (yz_policy_may_manage_staff). */
struct yz_tx;
enum yz_err yz_staff_list(struct yz_tx *tx, int64_t court_id, const char *role, json_t **out);

/*
 * A court admin maintains the staff accounts of their own court (staff.c).
 * Each change is an event on "user/<id>" in the same transaction as the row:
 * account.updated {changes, reason?}, account.disabled {reason,
 * sessions_revoked}, account.enabled {reason?}, account.totp_reset {reason?,
 * sessions_revoked}. Disabling and resetting the TOTP enrolment end every
 * session and bearer token of the account in that transaction (the session
 * cache drops its entries before the write is answered), so a re-enabled
 * account never gets its old sessions back.
 *
 * RULE: staff-admin-separation (三员分立, SECURITY.md 4.3.3): one role per
 * account; an account never changes between the administrative role
 * (court_admin) and a case-handling role, in either direction — the person
 * gets a second account, so each account's history shows one kind of duty;
 * an admin changes neither their own role nor their own status; a court
 * keeps at least one active court_admin; a member of a trial team or a judge
 * holding open cases keeps their role until removed from the team or the
 * cases are reassigned (teams take members in their own role).
 *
 * Another court's account, a party's, a supervisor's or a missing one all
 * answer YZ_ERR_FORBIDDEN for another court's and YZ_ERR_NOT_FOUND for a
 * missing one; the HTTP layer records the former and answers 404 for both.
 * *out: the account as the staff list shows it.
 */
struct yz_staff_change {
    const char *name;   /* NULL: unchanged */
    const char *role;   /* NULL: unchanged */
    const char *reason; /* optional */
};
enum yz_err yz_staff_update(struct yz_tx *tx, struct yz_app *app, const struct yz_principal *who,
                            const char *channel, int64_t id, const struct yz_staff_change *in,
                            struct yz_field_errors *fe, json_t **out);
/* active false disables (reason required), true enables. Setting the status
 * the account already has records nothing. */
enum yz_err yz_staff_set_active(struct yz_tx *tx, struct yz_app *app,
                                const struct yz_principal *who, const char *channel, int64_t id,
                                bool active, const char *reason, struct yz_field_errors *fe,
                                json_t **out);
/* Replaces the TOTP secret with totp_enc (a new secret sealed as
 * "users.totp" by the caller, outside the transaction) and clears the replay
 * step: the old authenticator entry stops working, the member enrols the
 * new secret, which the caller shows once. Not for the caller's own account. */
enum yz_err yz_staff_totp_reset(struct yz_tx *tx, struct yz_app *app,
                                const struct yz_principal *who, const char *channel, int64_t id,
                                const char *totp_enc, const char *reason,
                                struct yz_field_errors *fe, json_t **out);

/* The account as JSON with personal data masked (never the full values). */
enum yz_err yz_account_json(struct yz_app *app, int64_t user_id, json_t **out);

#endif
