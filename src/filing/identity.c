/*
 * A party's identity as one string, for the keyed hashes that find the same
 * person or organisation across filings (triage's related and repeat cases,
 * class-case grouping). The citizen ID is sealed in the application and only
 * opened in memory here; callers hash the result and wipe it.
 */
#include "filing/filing.h"
#include "app/app.h"
#include "crypto/pii.h"

#include <stdio.h>
#include <string.h>

#include "core/banned.h"

static const char *credit_code(const json_t *party)
{
    const char *code = json_string_value(json_object_get(party, "credit_code"));
    return code && *code ? code : NULL;
}

void yz_filing_party_identity_clear(const json_t *party, const char *citizen_id, char *out,
                                    size_t size)
{
    out[0] = '\0';
    /* An organisation's credit code comes first: a legal person is known by it
     * even when the filing also names its representative's ID. */
    const char *code = credit_code(party);
    if (code)
        snprintf(out, size, "uscc:%.40s", code);
    else if (citizen_id)
        snprintf(out, size, "cid:%.40s", citizen_id);
}

enum yz_err yz_filing_party_identity(struct yz_app *app, const json_t *party, char *out,
                                     size_t size)
{
    const char *sealed =
        credit_code(party) ? NULL : json_string_value(json_object_get(party, "citizen_id_enc"));
    if (!sealed) {
        yz_filing_party_identity_clear(party, NULL, out, size);
        return YZ_OK;
    }
    out[0] = '\0';
    char *plain = NULL;
    enum yz_err e = yz_pii_open(app->keys, sealed, "filing.citizen_id", &plain);
    if (e == YZ_OK)
        yz_filing_party_identity_clear(party, plain, out, size);
    yz_pii_free(plain);
    return e;
}
