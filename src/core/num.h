/*
 * The one range-checked number parser: whole string, base 10, no sign games,
 * no leading/trailing space, bounds inclusive. Everything that turns text into
 * a number goes through here (atoi and friends are banned).
 */
#ifndef YZ_CORE_NUM_H
#define YZ_CORE_NUM_H

#include <stdbool.h>
#include <stdint.h>

bool yz_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
