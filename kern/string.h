/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory and string functions for the freestanding kernel.
 *
 * Standard names and semantics (ISO C, plus BSD strlcpy), so that code
 * reads as usual and so that the calls gcc emits on its own (memcpy,
 * memset, memmove, memcmp for struct copies and initializers) resolve.
 * None of these functions lock anything or can fail; passing pointers to
 * invalid memory is undefined behavior, as in C.
 *
 * Host builds (MACH_HOST) of other modules use the C library's versions
 * of these functions; tests/unit/string.mk renames the ones defined in
 * kern/string.c so that they can be compared against the C library.
 */
#ifndef KERN_STRING_H
#define KERN_STRING_H

#include <stddef.h>

/* Copy n bytes from src to dest; the areas must not overlap. Returns dest. */
void *memcpy(void *restrict dest, const void *restrict src, size_t n);

/* Copy n bytes from src to dest; the areas may overlap. Returns dest. */
void *memmove(void *dest, const void *src, size_t n);

/* Fill n bytes at s with the byte value c. Returns s. */
void *memset(void *s, int c, size_t n);

/*
 * Compare n bytes as unsigned chars. Returns <0, 0 or >0 as the first
 * differing byte of s1 is below, absent, or above that of s2.
 */
int memcmp(const void *s1, const void *s2, size_t n);

/* Return the length of the NUL-terminated string s. */
size_t strlen(const char *s);

/* Compare two strings as unsigned chars; returns <0, 0 or >0 like memcmp. */
int strcmp(const char *s1, const char *s2);

/* Like strcmp, but compares at most n characters. */
int strncmp(const char *s1, const char *s2, size_t n);

/*
 * Return a pointer to the first occurrence of (char)c in s, NULL if there
 * is none. The terminating NUL is part of the string: strchr(s, 0)
 * returns a pointer to it.
 */
char *strchr(const char *s, int c);

/*
 * Return the length of the initial part of s made only of characters
 * not in reject (the index of the first character of s found in reject,
 * or strlen(s) when there is none).
 */
size_t strcspn(const char *s, const char *reject);

/*
 * Copy the string src into dest, writing at most size bytes including the
 * terminating NUL (dest is NUL-terminated whenever size > 0). Returns
 * strlen(src); a value >= size means the copy was truncated.
 */
size_t strlcpy(char *restrict dest, const char *restrict src, size_t size);

#endif /* KERN_STRING_H */
