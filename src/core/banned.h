/*
 * Functions yizhan does not use, in git's manner: unbounded copies, shared
 * static buffers, unchecked number parsing. Include last in a .c file; the
 * bounded, checked forms are yz_buf (buf.h), snprintf, yz_parse_i64 (num.h)
 * and yz_time_* (clock.h). `make lint` also greps for them.
 */
#ifndef YZ_CORE_BANNED_H
#define YZ_CORE_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_yizhan

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
