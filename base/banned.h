/* Included last by every .c file (through the Makefile's -include): calls to
 * these functions become compile errors.  Use strbuf, xasprintf, path_join
 * and the parse_* helpers instead (see STYLE.md). */
#ifndef PEA_BANNED_H
#define PEA_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef atoi
#define atoi(x) BANNED(atoi)

#endif
