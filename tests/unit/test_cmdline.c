/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/cmdline.c: fixed cases for every rule of the syntax
 * and its limits, comma-separated lists, and random lines built from
 * known words (some quoted, some repeated) checked against the model
 * "each key has the value of its last word".
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <kern/cmdline.h>
#include <kern/macros.h>
#include "tests/unit/tap.h"

/* Whether cmdline_get(key) returns expect (NULL meaning absent). */
static bool
get_is(const char *key, const char *expect)
{
    const char *value = cmdline_get(key);

    if (expect == NULL || value == NULL) {
        return value == expect && cmdline_has(key) == (expect != NULL);
    }
    return strcmp(value, expect) == 0 && cmdline_has(key);
}

static void
test_basic(void)
{
    const char *line = "/boot/mach console=com1 test=a,b debug";

    TAP_CHECK(cmdline_parse(NULL) == 0 && strcmp(cmdline_raw(), "") == 0);
    TAP_CHECK(get_is("console", NULL));

    TAP_CHECK(cmdline_parse("") == 0 && strcmp(cmdline_raw(), "") == 0);
    TAP_CHECK(get_is("x", NULL));

    TAP_CHECK(cmdline_parse("  \t \t ") == 0 && strcmp(cmdline_raw(), "  \t \t ") == 0);
    TAP_CHECK(get_is(" ", NULL) && get_is("\t", NULL));

    TAP_CHECK(cmdline_parse(line) == 0);
    TAP_CHECK(strcmp(cmdline_raw(), line) == 0);
    TAP_CHECK(cmdline_raw() != line);
    TAP_CHECK(get_is("/boot/mach", ""));
    TAP_CHECK(get_is("console", "com1"));
    TAP_CHECK(get_is("test", "a,b"));
    TAP_CHECK(get_is("debug", ""));
    TAP_CHECK(get_is("cons", NULL));
    TAP_CHECK(get_is("consolex", NULL));
    TAP_CHECK(get_is("com1", NULL));
    TAP_CHECK(get_is("mach", NULL));
    TAP_CHECK(get_is("", NULL));
    TAP_CHECK(get_is("console=com1", NULL));
    TAP_CHECK(get_is("=", NULL));

    /* Separators: any run of spaces and tabs, leading and trailing too. */
    TAP_CHECK(cmdline_parse("\ta\t\tb=1 \t c  ") == 0);
    TAP_CHECK(get_is("a", "") && get_is("b", "1") && get_is("c", ""));
    TAP_CHECK(get_is("b=1", NULL));

    /* Values: empty, containing '=', key with no name. */
    TAP_CHECK(cmdline_parse("empty= eq==x k=a=b =v") == 0);
    TAP_CHECK(get_is("empty", ""));
    TAP_CHECK(get_is("eq", "=x"));
    TAP_CHECK(get_is("k", "a=b"));
    TAP_CHECK(get_is("", NULL));

    /* A path with '=' in the first word is still KEY=VALUE. */
    TAP_CHECK(cmdline_parse("/boot/a=b x") == 0 && get_is("/boot/a", "b"));
}

static void
test_repeated(void)
{
    TAP_CHECK(cmdline_parse("a=1 a=2") == 0 && get_is("a", "2"));
    TAP_CHECK(cmdline_parse("a=1 a=2 a") == 0 && get_is("a", ""));
    TAP_CHECK(cmdline_parse("a a=2") == 0 && get_is("a", "2"));
    TAP_CHECK(cmdline_parse("a=1 b=3 a=2 ab=4 a=") == 0 && get_is("a", "")
              && get_is("b", "3") && get_is("ab", "4"));
}

static void
test_quotes(void)
{
    TAP_CHECK(cmdline_parse("key=\"a b\" other=1") == 0);
    TAP_CHECK(get_is("key", "a b") && get_is("other", "1"));
    TAP_CHECK(strcmp(cmdline_raw(), "key=\"a b\" other=1") == 0);

    TAP_CHECK(cmdline_parse("\"quoted word\" x") == 0);
    TAP_CHECK(get_is("quoted word", "") && get_is("quoted", NULL) && get_is("x", ""));

    TAP_CHECK(cmdline_parse("k=a\"b \tc\"d") == 0 && get_is("k", "ab \tcd"));
    TAP_CHECK(cmdline_parse("k=\"\" j") == 0 && get_is("k", "") && get_is("j", ""));
    TAP_CHECK(cmdline_parse("\"k=v w\"") == 0 && get_is("k", "v w"));
    TAP_CHECK(cmdline_parse("k=\"x=y\"") == 0 && get_is("k", "x=y"));
    TAP_CHECK(cmdline_parse("k=\"a\"\"b\"") == 0 && get_is("k", "ab"));

    /* A word that unquotes to nothing is no word at all. */
    TAP_CHECK(cmdline_parse("\"\" a \"\"\"\"") == 0 && get_is("a", ""));
    TAP_CHECK(get_is("", NULL) && get_is("\"\"", NULL));

    /* Unterminated quote: rejected, nothing kept (even the earlier line). */
    TAP_CHECK(cmdline_parse("a=1") == 0 && get_is("a", "1"));
    TAP_CHECK(cmdline_parse("a=1 b=\"x y") == ERROR_INVAL);
    TAP_CHECK(get_is("a", NULL) && get_is("b", NULL) && strcmp(cmdline_raw(), "") == 0);
    TAP_CHECK(cmdline_parse("\"") == ERROR_INVAL && strcmp(cmdline_raw(), "") == 0);
    TAP_CHECK(cmdline_parse("a=\"1\" \"") == ERROR_INVAL && get_is("a", NULL));
}

static void
test_limits(void)
{
    static char line[CMDLINE_SIZE + 1];

    /* The longest accepted line: one word. */
    memset(line, 'x', CMDLINE_SIZE - 1);
    line[CMDLINE_SIZE - 1] = '\0';
    TAP_CHECK(cmdline_parse(line) == 0 && strlen(cmdline_raw()) == CMDLINE_SIZE - 1);
    TAP_CHECK(cmdline_has(line));

    /* One byte more: rejected whole, the previous line dropped. */
    memset(line, 'x', CMDLINE_SIZE);
    line[CMDLINE_SIZE] = '\0';
    TAP_CHECK(cmdline_parse(line) == ERROR_TOOBIG);
    TAP_CHECK(strcmp(cmdline_raw(), "") == 0 && !cmdline_has("x"));
    line[CMDLINE_SIZE - 1] = '\0';
    TAP_CHECK(!cmdline_has(line));

    /* A valid line after an error is parsed normally. */
    TAP_CHECK(cmdline_parse("after=error") == 0 && get_is("after", "error"));

    /* As many words as fit: "a a a ... a" with a final bare "z". */
    for (size_t i = 0; i < CMDLINE_SIZE - 1; i += 2) {
        line[i] = 'a';
        line[i + 1] = ' ';
    }
    line[CMDLINE_SIZE - 2] = 'z';
    line[CMDLINE_SIZE - 1] = '\0';
    TAP_CHECK(cmdline_parse(line) == 0 && get_is("a", "") && get_is("z", ""));

    /* Quotes only: 1023 bytes, the last one an unterminated quote. */
    memset(line, '"', CMDLINE_SIZE - 1);
    line[CMDLINE_SIZE - 1] = '\0';
    TAP_CHECK(cmdline_parse(line) == ERROR_INVAL);
    line[CMDLINE_SIZE - 2] = ' ';
    TAP_CHECK(cmdline_parse(line) == 0 && !cmdline_has("\""));
}

/* Collect every item of list, joined with '|', errors shown as "!". */
static const char *
list_items(const char *list, size_t size)
{
    static char out[256];
    char item[64];
    int ret;

    out[0] = '\0';
    while ((ret = cmdline_list_next(&list, item, size)) != 0) {
        if (out[0] != '\0') {
            strcat(out, "|");
        }
        strcat(out, ret == 1 ? item : (ret == ERROR_TOOBIG && item[0] == '\0') ? "!" : "?");
    }
    /* The end is sticky. */
    if (cmdline_list_next(&list, item, size) != 0) {
        strcat(out, "<not at end>");
    }
    return out;
}

static void
test_list(void)
{
    const char *list = NULL;
    char item[8];

    TAP_CHECK(cmdline_list_next(&list, item, sizeof(item)) == 0);
    TAP_CHECK(strcmp(list_items("", 8), "") == 0);
    TAP_CHECK(strcmp(list_items("a", 8), "a") == 0);
    TAP_CHECK(strcmp(list_items("a,b", 8), "a|b") == 0);
    TAP_CHECK(strcmp(list_items("com1,vga", 8), "com1|vga") == 0);
    TAP_CHECK(strcmp(list_items(",a,,b,", 8), "a|b") == 0);
    TAP_CHECK(strcmp(list_items(",,,", 8), "") == 0);
    TAP_CHECK(strcmp(list_items("a b,c", 8), "a b|c") == 0);

    /* An item needs its length plus one byte. */
    TAP_CHECK(strcmp(list_items("abc,abcd,de", 4), "abc|!|de") == 0);
    TAP_CHECK(strcmp(list_items("abcdefghij", 4), "!") == 0);
    TAP_CHECK(strcmp(list_items("abcdefghij,", 4), "!") == 0);
    TAP_CHECK(strcmp(list_items("a,b", 1), "!|!") == 0);

    /* size 0: nothing is written, even on error. */
    list = "a";
    item[0] = 'Q';
    TAP_CHECK(cmdline_list_next(&list, item, 0) == ERROR_TOOBIG && item[0] == 'Q');
    TAP_CHECK(cmdline_list_next(&list, item, 0) == 0);

    /* Straight from the command line. */
    TAP_CHECK(cmdline_parse("/boot/mach test=vm_page,,kmem,") == 0);
    list = cmdline_get("test");
    TAP_CHECK(cmdline_list_next(&list, item, sizeof(item)) == 1 && strcmp(item, "vm_page") == 0);
    TAP_CHECK(cmdline_list_next(&list, item, sizeof(item)) == 1 && strcmp(item, "kmem") == 0);
    TAP_CHECK(cmdline_list_next(&list, item, sizeof(item)) == 0);
    list = cmdline_get("absent");
    TAP_CHECK(list == NULL && cmdline_list_next(&list, item, sizeof(item)) == 0);
}

/* Fixed-seed xorshift generator. */
static uint64_t rng_state = 0x853c49e6748fea9bULL;

static unsigned int
rng(unsigned int n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned int)(rng_state >> 32) % n;
}

#define RANDOM_LINES    3000

static void
test_random(void)
{
    static const char *const keys[] = { "a", "ab", "b", "console", "test", "x_y", "/boot/mach" };
    static const char *const values[] = { "", "1", "com1", "a,b", "two words", "x=y", "\t" };
    const char *model[ARRAY_SIZE(keys)];
    unsigned int bad = 0;

    for (int n = 0; n < RANDOM_LINES; n++) {
        char line[CMDLINE_SIZE];
        size_t pos = 0;
        unsigned int words = rng(12);

        for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
            model[k] = NULL;
        }
        for (unsigned int w = 0; w < words; w++) {
            size_t k = rng(ARRAY_SIZE(keys));
            const char *sep = rng(3) ? " " : " \t ";

            pos += (size_t)snprintf(line + pos, sizeof(line) - pos, "%s", w > 0 || rng(2) ? sep : "");
            if (rng(4) == 0) {
                model[k] = "";
                pos += (size_t)snprintf(line + pos, sizeof(line) - pos, rng(2) ? "%s" : "\"%s\"", keys[k]);
            } else {
                const char *v = values[rng(ARRAY_SIZE(values))];
                bool must_quote = strchr(v, ' ') != NULL || strchr(v, '\t') != NULL;

                model[k] = v;
                switch (must_quote ? rng(2) : rng(3)) {
                case 0:
                    pos += (size_t)snprintf(line + pos, sizeof(line) - pos, "%s=\"%s\"", keys[k], v);
                    break;
                case 1:
                    pos += (size_t)snprintf(line + pos, sizeof(line) - pos, "\"%s=%s\"", keys[k], v);
                    break;
                default:
                    pos += (size_t)snprintf(line + pos, sizeof(line) - pos, "%s=%s", keys[k], v);
                    break;
                }
            }
        }
        line[pos] = '\0';

        bool ok = cmdline_parse(line) == 0 && strcmp(cmdline_raw(), line) == 0;

        for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
            ok = ok && get_is(keys[k], model[k]);
        }
        ok = ok && get_is("c", NULL) && get_is("testx", NULL);
        if (!ok && bad++ < 5) {
            tap_diag("line %d: '%s'", n, line);
        }
    }
    tap_check(bad == 0, "random: %d lines of known words give each key its last value",
              RANDOM_LINES);
}

/* cmdline_key_end(): where the last word with a key ends, in any line. */
static void
test_key_end(void)
{
    static char long_line[3000];
    size_t len;

    tap_check(cmdline_key_end("a test=x b", "test") == 8, "key_end: end of test=x");
    tap_check(cmdline_key_end("test=a test=bcd", "test") == 15, "key_end: the last word counts");
    tap_check(cmdline_key_end("tests=a atest=b x", "test") == 0,
              "key_end: longer keys and other words do not match");
    tap_check(cmdline_key_end("a test", "test") == 6, "key_end: a bare key matches");
    tap_check(cmdline_key_end("\"te\"st=\"a b\" c", "test") == 12,
              "key_end: quotes anywhere in the word, spaces inside quotes");
    tap_check(cmdline_key_end("x \"y test=a", "test") == 0,
              "key_end: inside an unterminated quote, no word starts");
    tap_check(cmdline_key_end("test=a \"oops", "test") == 6,
              "key_end: a word before an unterminated quote is found");
    tap_check(cmdline_key_end("", "test") == 0 && cmdline_key_end("test=", "") == 0,
              "key_end: empty line or key");

    memset(long_line, 'x', sizeof(long_line) - 1);
    memcpy(long_line, "pad=", 4);
    memcpy(long_line + sizeof(long_line) - 12, " test=a,b,c", 11);
    len = strlen(long_line);
    tap_check(cmdline_parse(long_line) == ERROR_TOOBIG
              && cmdline_key_end(long_line, "test") == len
              && cmdline_key_end(long_line, "test") > strlen(cmdline_raw()),
              "key_end: test= past the limit of a rejected line is found (%zu bytes)", len);
}

int
main(void)
{
    test_basic();
    test_repeated();
    test_quotes();
    test_limits();
    test_list();
    test_random();
    test_key_end();
    return tap_done();
}
