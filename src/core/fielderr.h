/*
 * Field errors: the list of bad fields that a validation failure reports.
 * Validators add to it; the HTTP layer turns it into the "errors" member of
 * an RFC 9457 problem (each entry: field as a JSON pointer-like path such as
 * "parties/0/citizen_id", a stable code and a Chinese message). Bounded: past
 * YZ_MAX_FIELD_ERRORS entries further errors are counted but not kept.
 */
#ifndef YZ_CORE_FIELDERR_H
#define YZ_CORE_FIELDERR_H

#define YZ_MAX_FIELD_ERRORS 32

struct yz_field_error {
    char field[96];
    char code[40];     /* stable, e.g. "required", "too_long", "checksum" */
    char message[200]; /* Chinese, for the user */
};

struct yz_field_errors {
    struct yz_field_error items[YZ_MAX_FIELD_ERRORS];
    int count;   /* entries kept */
    int dropped; /* entries past the cap */
};

void yz_field_errors_add(struct yz_field_errors *fe, const char *field, const char *code,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
