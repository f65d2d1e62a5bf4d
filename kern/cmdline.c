/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel command line.
 *
 * Design: cmdline_parse() checks the length first (a line that does not
 * fit is rejected whole rather than cut at an arbitrary byte, which could
 * change a value silently), then copies the words, quotes removed, into
 * a second static buffer as consecutive NUL-terminated strings. A word
 * keeps its '=' so KEY=VALUE and bare KEY need no extra marker; a lookup
 * compares the key and returns what follows the '=' (or the empty string
 * at the word's NUL for a bare key). Unquoting only drops characters and
 * each word ends at a separator or at the end of the line, so the words
 * never need more than the line's length plus one byte: both buffers
 * have CMDLINE_SIZE bytes. Lookups scan all words, which is cheap for a
 * line of at most 1 KiB read a few times at boot, and the last match wins.
 *
 * Words that unquote to nothing ("") are dropped: no key could find them.
 * An unterminated quote rejects the line, since guessing where the word
 * was meant to end could turn an option into a different one.
 */
#include <stdbool.h>
#include <stddef.h>

#include <kern/cmdline.h>
#include <kern/string.h>

static char cmdline_line[CMDLINE_SIZE];

/* Unquoted words, each NUL-terminated, in the first cmdline_words_size bytes. */
static char cmdline_words[CMDLINE_SIZE];
static size_t cmdline_words_size;

static void
cmdline_clear(void)
{
    cmdline_line[0] = '\0';
    cmdline_words_size = 0;
}

int
cmdline_parse(const char *s)
{
    size_t len = 0, n = 0, word_start = 0;
    bool quoted = false;

    cmdline_clear();
    if (s == NULL) {
        return 0;
    }
    while (len < CMDLINE_SIZE && s[len] != '\0') {
        len++;
    }
    if (len == CMDLINE_SIZE) {
        return ERROR_TOOBIG;
    }

    for (size_t i = 0; i <= len; i++) {
        char c = s[i];

        if (c == '"') {
            quoted = !quoted;
        } else if (c == '\0' || (!quoted && (c == ' ' || c == '\t'))) {
            if (n > word_start) {
                cmdline_words[n++] = '\0';
                word_start = n;
            }
        } else {
            cmdline_words[n++] = c;
        }
    }
    if (quoted) {
        return ERROR_INVAL;
    }
    cmdline_words_size = n;
    memcpy(cmdline_line, s, len + 1);
    return 0;
}

const char *
cmdline_raw(void)
{
    return cmdline_line;
}

const char *
cmdline_get(const char *key)
{
    const char *value = NULL;
    size_t key_len = strlen(key);

    if (key_len == 0 || strchr(key, '=') != NULL) {
        return NULL;
    }
    for (size_t i = 0; i < cmdline_words_size; i += strlen(cmdline_words + i) + 1) {
        const char *word = cmdline_words + i;

        if (strncmp(word, key, key_len) == 0) {
            if (word[key_len] == '=') {
                value = word + key_len + 1;
            } else if (word[key_len] == '\0') {
                value = word + key_len;
            }
        }
    }
    return value;
}

bool
cmdline_has(const char *key)
{
    return cmdline_get(key) != NULL;
}

int
cmdline_list_next(const char **listp, char *item, size_t size)
{
    const char *list = *listp;
    size_t len;

    if (list == NULL) {
        return 0;
    }
    while (*list == ',') {
        list++;
    }
    if (*list == '\0') {
        *listp = list;
        return 0;
    }
    len = strcspn(list, ",");
    *listp = (list[len] == ',') ? list + len + 1 : list + len;
    if (len >= size) {
        if (size > 0) {
            item[0] = '\0';
        }
        return ERROR_TOOBIG;
    }
    memcpy(item, list, len);
    item[len] = '\0';
    return 1;
}

size_t
cmdline_key_end(const char *s, const char *key)
{
    size_t key_len = strlen(key), end = 0, i = 0;
    bool quoted = false;

    while (s[i] != '\0') {
        size_t matched = 0;
        bool mismatch = false, keyed = false;

        if (!quoted && (s[i] == ' ' || s[i] == '\t')) {
            i++;
            continue;
        }
        /* One word: compare its unquoted characters with "key=". */
        for (; s[i] != '\0' && (quoted || (s[i] != ' ' && s[i] != '\t')); i++) {
            char c = s[i];

            if (c == '"') {
                quoted = !quoted;
            } else if (mismatch || keyed) {
                continue;
            } else if (matched < key_len) {
                mismatch = (c != key[matched++]);
            } else {
                keyed = (c == '=');
                mismatch = !keyed;
            }
        }
        if (key_len != 0 && matched == key_len && !mismatch) {
            end = i;
        }
    }
    return end;
}
