/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for kern/boot_script.c. The input is a script: lines
 * split at '\n', where bytes 0xe0 and above stand for tokens of the
 * language ("${", "$(", "task-create", "host-port", ...) so that short
 * inputs reach deep states; the first byte picks which callback fails.
 * After the run the model of tests/unit/boot_script_env.h must have seen
 * no misuse (nothing done to a released task) and every task released.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <kern/boot_script.h>
#include "../unit/boot_script_env.h"

static const char *const tokens[] = {
    "${", "$(", "}", ")", "=", " ", "task-create", "task-resume", "prompt-task-resume",
    "host-port", "device-port", "kernel-command-line", "root", "x", "y", "#",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct boot_script bs;
    static struct env env;
    static char line[4096];
    size_t len = 0;

    if (size == 0) {
        return 0;
    }
    env_start(&env, &bs);
    boot_script_define_cmdline(&bs, "/boot/mach root=part:1 x=1");
    env.fail_create = data[0] & 3;
    env.fail_insert = (data[0] >> 2) & 3;
    env.fail_exec = (data[0] >> 4) & 3;
    env.fail_resume = (data[0] >> 6) & 3;
    for (size_t i = 1; i <= size; i++) {
        if (i == size || data[i] == '\n') {
            line[len] = '\0';
            boot_script_parse_line(&bs, line);
            len = 0;
            continue;
        }
        const char *piece = (const char *)&data[i];
        size_t n = 1;
        if (data[i] >= 0xe0) {
            piece = tokens[(data[i] - 0xe0) % (sizeof(tokens) / sizeof(tokens[0]))];
            n = strlen(piece);
        } else if (data[i] == 0) {
            piece = " ";
        }
        if (len + n < sizeof(line)) {
            memcpy(line + len, piece, n);
            len += n;
        }
    }
    boot_script_run(&bs);
    if (env.violations != 0 || env_live_tasks(&env) != 0) {
        abort();
    }
    return 0;
}
