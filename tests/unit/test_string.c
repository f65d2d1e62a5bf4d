/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/string.c against the C library.
 *
 * string.mk renames the kernel functions (memcpy -> kmemcpy, ...) on the
 * command line; this file undoes the renaming before including any
 * header, so that memcpy here is the C library's (the reference model)
 * and the kernel's versions are reached as k*. Buffers are compared in
 * full, guard bytes included, for every source/destination alignment and
 * many lengths; memmove is checked on overlapping areas both ways.
 */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strcspn
#undef strlcpy

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <kern/macros.h>
#include "tests/unit/tap.h"

void *kmemcpy(void *restrict dest, const void *restrict src, size_t n);
void *kmemmove(void *dest, const void *src, size_t n);
void *kmemset(void *s, int c, size_t n);
int kmemcmp(const void *s1, const void *s2, size_t n);
size_t kstrlen(const char *s);
int kstrcmp(const char *s1, const char *s2);
int kstrncmp(const char *s1, const char *s2, size_t n);
char *kstrchr(const char *s, int c);
size_t kstrcspn(const char *s, const char *reject);
size_t kstrlcpy(char *restrict dest, const char *restrict src, size_t size);

#define BUF_SIZE        192
#define MAX_LEN         96      /* lengths 0..MAX_LEN, offsets 0..15 */
#define MAX_OFF         16

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t
rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static void
fill_random(unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf[i] = (unsigned char)rng_next();
    }
}

static int
sign(int x)
{
    return (x > 0) - (x < 0);
}

static void
test_memcpy(void)
{
    unsigned char src[BUF_SIZE], ref[BUF_SIZE], got[BUF_SIZE];
    unsigned int bad = 0, cases = 0;

    for (size_t doff = 0; doff < MAX_OFF; doff++) {
        for (size_t soff = 0; soff < MAX_OFF; soff++) {
            for (size_t len = 0; len <= MAX_LEN; len++) {
                fill_random(src, sizeof(src));
                fill_random(ref, sizeof(ref));
                memcpy(got, ref, sizeof(got));
                memcpy(ref + doff, src + soff, len);
                void *r = kmemcpy(got + doff, src + soff, len);
                cases++;
                if (r != got + doff || memcmp(ref, got, sizeof(got)) != 0) {
                    if (bad++ < 5) {
                        tap_diag("memcpy doff %zu soff %zu len %zu", doff, soff, len);
                    }
                }
            }
        }
    }
    tap_check(bad == 0, "memcpy: %u alignment/length cases match libc", cases);
}

static void
test_memmove(void)
{
    unsigned char ref[BUF_SIZE], got[BUF_SIZE];
    unsigned int bad = 0, cases = 0;

    /* Source and destination in the same buffer: every overlap both ways. */
    for (size_t doff = 0; doff < 2 * MAX_OFF + 8; doff++) {
        for (size_t soff = 0; soff < 2 * MAX_OFF + 8; soff++) {
            for (size_t len = 0; len <= MAX_LEN; len += 1 + len / 8) {
                fill_random(ref, sizeof(ref));
                memcpy(got, ref, sizeof(got));
                memmove(ref + doff, ref + soff, len);
                void *r = kmemmove(got + doff, got + soff, len);
                cases++;
                if (r != got + doff || memcmp(ref, got, sizeof(got)) != 0) {
                    if (bad++ < 5) {
                        tap_diag("memmove doff %zu soff %zu len %zu", doff, soff, len);
                    }
                }
            }
        }
    }
    tap_check(bad == 0, "memmove: %u overlapping cases match libc", cases);

    /* The same on a page-sized block shifted by one byte and one word. */
    static unsigned char big_ref[8192], big_got[8192];
    bool ok = true;

    for (size_t shift = 1; shift <= 2 * sizeof(long); shift *= 2) {
        fill_random(big_ref, sizeof(big_ref));
        memcpy(big_got, big_ref, sizeof(big_got));
        memmove(big_ref + shift, big_ref, 4096);
        kmemmove(big_got + shift, big_got, 4096);
        ok = ok && memcmp(big_ref, big_got, sizeof(big_got)) == 0;
        memmove(big_ref, big_ref + shift, 4096);
        kmemmove(big_got, big_got + shift, 4096);
        ok = ok && memcmp(big_ref, big_got, sizeof(big_got)) == 0;
    }
    tap_check(ok, "memmove: 4 KiB blocks shifted up and down by 1, 2, 4, 8, 16 bytes");
}

static void
test_memset(void)
{
    unsigned char ref[BUF_SIZE], got[BUF_SIZE];
    static const int values[] = { 0, 1, 0x5a, 0x7f, 0x80, 0xff, 0x1234, -1 };
    unsigned int bad = 0, cases = 0;

    for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
        for (size_t off = 0; off < MAX_OFF; off++) {
            for (size_t len = 0; len <= MAX_LEN; len++) {
                fill_random(ref, sizeof(ref));
                memcpy(got, ref, sizeof(got));
                memset(ref + off, values[v], len);
                void *r = kmemset(got + off, values[v], len);
                cases++;
                if (r != got + off || memcmp(ref, got, sizeof(got)) != 0) {
                    if (bad++ < 5) {
                        tap_diag("memset c %d off %zu len %zu", values[v], off, len);
                    }
                }
            }
        }
    }
    tap_check(bad == 0, "memset: %u value/alignment/length cases match libc", cases);
}

static void
test_memcmp(void)
{
    unsigned char a[BUF_SIZE], b[BUF_SIZE];
    unsigned int bad = 0, cases = 0;

    for (int i = 0; i < 20000; i++) {
        size_t len = rng_next() % 64;

        fill_random(a, len);
        memcpy(b, a, len);
        if (len > 0 && rng_next() % 4 != 0) {
            b[rng_next() % len] = (unsigned char)rng_next();
        }
        cases++;
        if (sign(kmemcmp(a, b, len)) != sign(memcmp(a, b, len))) {
            if (bad++ < 5) {
                tap_diag("memcmp case %d len %zu", i, len);
            }
        }
    }
    tap_check(bad == 0, "memcmp: %u random cases have libc's sign", cases);
    TAP_CHECK(kmemcmp("\x80", "\x7f", 1) > 0);
    TAP_CHECK(kmemcmp("abc", "abd", 0) == 0);
}

/* Random string of length 0..maxlen over a small alphabet (to get ties). */
static void
random_string(char *s, size_t maxlen)
{
    static const char alphabet[] = "ab\x80\xff ,";
    size_t len = rng_next() % (maxlen + 1);

    for (size_t i = 0; i < len; i++) {
        s[i] = alphabet[rng_next() % (sizeof(alphabet) - 1)];
    }
    s[len] = '\0';
}

static void
test_str(void)
{
    char a[40], b[40];
    unsigned int bad_len = 0, bad_cmp = 0, bad_ncmp = 0, bad_chr = 0, bad_cspn = 0;
    const int cases = 20000;

    for (int i = 0; i < cases; i++) {
        random_string(a, 8);
        random_string(b, 8);
        size_t n = rng_next() % 10;
        int c = (int)(rng_next() % 6);
        static const int chars[] = { 'a', 'b', 0x80, (char)0xff, 0, 'z' };

        bad_len += kstrlen(a) != strlen(a);
        bad_cmp += sign(kstrcmp(a, b)) != sign(strcmp(a, b));
        bad_ncmp += sign(kstrncmp(a, b, n)) != sign(strncmp(a, b, n));
        bad_chr += kstrchr(a, chars[c]) != strchr(a, chars[c]);
        bad_cspn += kstrcspn(a, b) != strcspn(a, b);
    }
    tap_check(bad_len == 0, "strlen: %d random strings match libc", cases);
    tap_check(bad_cmp == 0, "strcmp: %d random pairs have libc's sign", cases);
    tap_check(bad_ncmp == 0, "strncmp: %d random pairs and lengths have libc's sign", cases);
    tap_check(bad_chr == 0, "strchr: %d random strings and chars match libc", cases);
    tap_check(bad_cspn == 0, "strcspn: %d random pairs match libc", cases);

    const char *s = "hello";
    TAP_CHECK(kstrchr(s, '\0') == s + 5);
    TAP_CHECK(kstrchr(s, 'l') == s + 2);
    TAP_CHECK(kstrchr(s, 'l' + 256) == s + 2);
    TAP_CHECK(kstrchr(s, 'x') == NULL);
    TAP_CHECK(kstrcmp("", "") == 0);
    TAP_CHECK(kstrcmp("a", "ab") < 0);
    TAP_CHECK(kstrcmp("\xff", "a") > 0);
    TAP_CHECK(kstrncmp("abcx", "abcy", 3) == 0);
    TAP_CHECK(kstrncmp("abcx", "abcy", 4) < 0);
    TAP_CHECK(kstrcspn("com1,vga", ",") == 4);
    TAP_CHECK(kstrcspn("", ",") == 0);
    TAP_CHECK(kstrcspn("abc", "") == 3);
}

static void
test_strlcpy(void)
{
    char buf[16];
    bool ok = true;

    for (size_t size = 0; size <= 12; size++) {
        memset(buf, 'X', sizeof(buf));
        size_t r = kstrlcpy(buf, "abcdefgh", size);
        ok = ok && r == 8;
        if (size > 0) {
            size_t n = size - 1 < 8 ? size - 1 : 8;

            ok = ok && memcmp(buf, "abcdefgh", n) == 0 && buf[n] == '\0';
            for (size_t i = n + 1; i < sizeof(buf); i++) {
                ok = ok && buf[i] == 'X';
            }
        } else {
            ok = ok && buf[0] == 'X';
        }
    }
    tap_check(ok, "strlcpy: return value, termination and no write past size 0..12");
    TAP_CHECK(kstrlcpy(buf, "", sizeof(buf)) == 0 && buf[0] == '\0');
}

int
main(void)
{
    test_memcpy();
    test_memmove();
    test_memset();
    test_memcmp();
    test_str();
    test_strlcpy();
    return tap_done();
}
