/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host test of kern/boot_script.c against the kernel-side model of
 * tests/unit/boot_script_env.h: hand-checked scripts from MACH-ABI.md
 * §4.2 and §4.6 (the argv each task gets, the send-right names, the
 * order of create, exec and resume), every syntax rule, every error with
 * the rest of the boot going on, failing callbacks and the limits. Each
 * case compares the whole event log with the expected text and checks
 * that every task was released exactly once.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <kern/boot_script.h>
#include "tests/unit/tap.h"
#include "tests/unit/boot_script_env.h"

static struct boot_script bs;
static struct env env;

/* Parse lines (NULL-terminated), run, compare the log; returns run's result. */
static int
script(const char *what, const char *cmdline, const char *const *lines, const char *expect,
       int expect_failed)
{
    int failed;

    env_start(&env, &bs);
    if (cmdline != NULL) {
        boot_script_define_cmdline(&bs, cmdline);
    }
    for (unsigned int i = 0; lines[i] != NULL; i++) {
        boot_script_parse_line(&bs, lines[i]);
    }
    failed = boot_script_run(&bs);
    if (!tap_check(strcmp(env.log, expect) == 0, "%s: log", what)) {
        printf("# got:\n%s# expected:\n%s", env.log, expect);
    }
    tap_check(failed == expect_failed, "%s: %d failed commands (expected %d)", what, failed,
              expect_failed);
    tap_check(env.violations == 0 && env_live_tasks(&env) == 0,
              "%s: callbacks used correctly, every task released", what);
    return failed;
}

#define LINES(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
test_abi_examples(void)
{
    /* MACH-ABI §4.2: argv[1]="1", argv[2]="2". */
    script("hello", NULL,
           LINES("hello ${host-port} ${device-port} $(task-create) $(task-resume)"),
           "create hello\n"
           "exec hello: [hello] [1] [2]\n"
           "resume hello\n"
           "release hello\n", 0);

    /* The same port after a different order gets other names. */
    script("order", NULL,
           LINES("hello ${device-port} ${host-port} ${device-port} $(task-create)"),
           "create hello\n"
           "exec hello: [hello] [1] [2] [1]\n"
           "release hello\n", 0);

    /* MACH-ABI §4.6: the classic ext2fs + exec script, forward reference. */
    script("hurd", "/boot/gnumach root=part:2:device:wd0 -s",
           LINES("ext2fs --readonly --multiboot-command-line=${kernel-command-line} "
                 "--host-priv-port=${host-port} --device-master-port=${device-port} "
                 "--exec-server-task=${exec-task} -T typed ${root} $(task-create) $(task-resume)",
                 "exec /hurd/exec $(exec-task=task-create)"),
           "create ext2fs\n"
           "create exec\n"
           "exec ext2fs: [ext2fs] [--readonly] "
           "[--multiboot-command-line=/boot/gnumach root=part:2:device:wd0 -s] "
           "[--host-priv-port=1] [--device-master-port=2] [--exec-server-task=3] [-T] [typed] "
           "[part:2:device:wd0]\n"
           "exec exec: [exec] [/hurd/exec]\n"
           "resume ext2fs\n"
           "release ext2fs\n"
           "release exec\n", 0);

    /* The modern chain: each server resumes the next through --next-task. */
    script("chain", NULL,
           LINES("pci-arbiter --host-priv-port=${host-port} --device-master-port=${device-port} "
                 "--next-task=${acpi-task} $(pci-task=task-create) $(task-resume)",
                 "acpi --next-task=${disk-task} $(acpi-task=task-create)",
                 "rumpdisk --next-task=${fs-task} $(disk-task=task-create)",
                 "ext2fs --exec-server-task=${exec-task} $(fs-task=task-create)",
                 "exec /hurd/exec $(exec-task=task-create)"),
           "create pci-arbiter\ncreate acpi\ncreate rumpdisk\ncreate ext2fs\ncreate exec\n"
           "exec pci-arbiter: [pci-arbiter] [--host-priv-port=1] [--device-master-port=2] "
           "[--next-task=3]\n"
           "exec acpi: [acpi] [--next-task=1]\n"
           "exec rumpdisk: [rumpdisk] [--next-task=1]\n"
           "exec ext2fs: [ext2fs] [--exec-server-task=1]\n"
           "exec exec: [exec] [/hurd/exec]\n"
           "resume pci-arbiter\n"
           "release pci-arbiter\nrelease acpi\nrelease rumpdisk\nrelease ext2fs\nrelease exec\n", 0);
}

static void
test_syntax(void)
{
    script("words", NULL,
           LINES("  \tprog\t a  b\t\tc   $(task-create)  'q' \"d e\"  "),
           "create prog\n"
           "exec prog: [prog] [a] [b] [c] ['q'] [\"d] [e\"]\n"
           "release prog\n", 0);
    script("glued", "v=VAL",
           LINES("prog a${v}b ${v}${v} x$(task-create) pre${host-port}post $(task-create)"),
           "create prog\n"
           "exec prog: [prog] [aVAL] [b] [VAL] [VAL] [x$(task-create)] [pre1] [post]\n"
           "release prog\n", 0);
    script("comments and blanks", NULL,
           LINES("# a comment $(task-create)", "   # indented", "", " \t ",
                 "prog #not-a-comment $(task-create)"),
           "create prog\n"
           "exec prog: [prog] [#not-a-comment]\n"
           "release prog\n", 0);
    script("newline ends the line", NULL,
           LINES("prog a $(task-create)\nnext $(task-resume)"),
           "create prog\n"
           "exec prog: [prog] [a]\n"
           "release prog\n", 0);
    script("prompt", NULL,
           LINES("prog $(task-create) $(prompt-task-resume)"),
           "create prog\nexec prog: [prog]\nresume prog prompt\nrelease prog\n", 0);
    script("chain assignment", NULL,
           LINES("one $(a=b=task-create)", "two ${a} ${b} ${host-port} $(task-create)"),
           "create one\ncreate two\n"
           "exec one: [one]\n"
           "exec two: [two] [1] [1] [2]\n"
           "release one\nrelease two\n", 0);
    script("variable copies", "s=str",
           LINES("one $(x=s) $(y=host-port) ${x} ${y} $(task-create)"),
           "create one\nexec one: [one] [str] [1]\nrelease one\n", 0);
    script("a task names itself", NULL,
           LINES("self ${host-port} $(me=task-create) ${me}"),
           "create self\nexec self: [self] [1] [2]\nrelease self\n", 0);
    script("no task: skipped", NULL,
           LINES("lonely a b", "prog $(task-create) $(task-resume)"),
           "create prog\n"
           "error lonely: no task-create: command skipped\n"
           "exec prog: [prog]\nresume prog\nrelease prog\n", 0);
    script("command line variables", "/boot/mach root=a=b -s console=com0 =x y= test=1,2",
           LINES("prog ${root} ${console} ${y} ${test} $(task-create)"),
           "create prog\nexec prog: [prog] [a=b] [com0] [] [1,2]\nrelease prog\n", 0);
}

static void
test_errors(void)
{
    static const struct { const char *line, *error; } parse_errors[] = {
        { "p $(task-create) ${", "syntax error" },
        { "p $(task-create) ${x", "syntax error" },
        { "p $(task-create) ${}", "syntax error" },
        { "p $(task-create) $()", "syntax error" },
        { "p $(task-create) $(task-create", "syntax error" },
        { "p $(task-create) ${a=b}", "syntax error" },
        { "p $(task-create) ${x\n}", "syntax error" },
        { "p $(task-create) ${task-create}", "function inside ${...}" },
        { "p $(task-create) ${task-resume}", "function inside ${...}" },
        { "p $(task-create) $(task-create=x)", "assignment to a function" },
        { "p $(task-create) $(task-resume=x)", "assignment to a function" },
        { "p $(task-create) $(foo)", "no such function (foo)" },
        { "p $(task-create) $(task-create)", "second task-create in one line" },
    };

    for (size_t i = 0; i < sizeof(parse_errors) / sizeof(parse_errors[0]); i++) {
        char expect[256];

        env_start(&env, &bs);
        int r = boot_script_parse_line(&bs, parse_errors[i].line);
        tap_check(r < 0, "parse error %zu: returns %d", i, r);
        boot_script_parse_line(&bs, "ok $(task-create)");
        boot_script_run(&bs);
        snprintf(expect, sizeof(expect),
                 "create p\nerror p: %s\nrelease p terminate\n"
                 "create ok\nexec ok: [ok]\nrelease ok\n", parse_errors[i].error);
        if (!tap_check(strcmp(env.log, expect) == 0, "parse error %zu: %s", i,
                       parse_errors[i].error)) {
            printf("# got:\n%s# expected:\n%s", env.log, expect);
        }
        tap_check(env.violations == 0 && env_live_tasks(&env) == 0, "parse error %zu: released", i);
    }

    /* A failed line's assignments are undone. */
    script("rollback", "v=old",
           LINES("bad $(t=task-create) $(v=host-port) ${",
                 "good ${v} $(task-create)",
                 "user ${t} $(task-create)"),
           "create bad\nerror bad: syntax error\nrelease bad terminate\n"
           "create good\ncreate user\n"
           "exec good: [good] [old]\n"
           "error user: undefined or circular variable (t)\n"
           "release good\n"
           "release user terminate\n", 1);

    script("undefined", NULL,
           LINES("a ${nope} $(task-create) $(task-resume)", "b $(task-create) $(task-resume)"),
           "create a\ncreate b\n"
           "error a: undefined or circular variable (nope)\n"
           "exec b: [b]\nresume b\nrelease a terminate\nrelease b\n", 1);
    script("a failed task named by another", NULL,
           LINES("a ${nope} $(t=task-create) $(task-resume)", "b ${t} $(task-create)"),
           "create a\ncreate b\n"
           "error a: undefined or circular variable (nope)\n"
           "exec b: [b] [1]\nrelease a terminate\nrelease b\n", 1);
    script("circular", NULL,
           LINES("a $(x=y)", "b $(y=x)", "c ${x} $(task-create)"),
           "create c\n"
           "error a: no task-create: command skipped\n"
           "error b: no task-create: command skipped\n"
           "error c: undefined or circular variable (y)\nrelease c terminate\n", 1);
}

static void
test_callback_failures(void)
{
    static const char *const lines[] = {
        "a ${host-port} $(task-create) $(task-resume)",
        "b ${device-port} $(task-create) $(task-resume)",
        NULL,
    };

    env_start(&env, &bs);
    env.fail_create = 1;
    for (unsigned int i = 0; lines[i] != NULL; i++) {
        boot_script_parse_line(&bs, lines[i]);
    }
    int failed = boot_script_run(&bs);
    if (!tap_check(failed == 0 &&
              strcmp(env.log, "error a: cannot create the task\ncreate b\n"
                     "exec b: [b] [1]\nresume b\nrelease b\n") == 0,
              "task_create fails: that line only")) {
        printf("# got:\n%s", env.log);
    }

    static const struct { unsigned int which; const char *log; } runs[] = {
        { 1, "create a\ncreate b\nerror a: cannot insert a send right\n"
             "exec b: [b] [1]\nresume b\nrelease a terminate\nrelease b\n" },
        { 2, "create a\ncreate b\nerror a: cannot load or start the program\n"
             "exec b: [b] [1]\nresume b\nrelease a terminate\nrelease b\n" },
        { 3, "create a\ncreate b\nexec a: [a] [1]\nexec b: [b] [1]\n"
             "error a: cannot resume the task\nresume b\nrelease a\nrelease b\n" },
    };
    for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
        env_start(&env, &bs);
        env.fail_insert = (runs[r].which == 1);
        env.fail_exec = (runs[r].which == 2);
        env.fail_resume = (runs[r].which == 3);
        for (unsigned int i = 0; lines[i] != NULL; i++) {
            boot_script_parse_line(&bs, lines[i]);
        }
        int failed = boot_script_run(&bs);
        if (!tap_check(failed == 1 && strcmp(env.log, runs[r].log) == 0,
                       "callback %u fails: that command only", runs[r].which)) {
            printf("# got:\n%s", env.log);
        }
        tap_check(env.violations == 0 && env_live_tasks(&env) == 0, "callback %u: released",
                  runs[r].which);
    }
}

static void
test_limits(void)
{
    char line[BOOT_SCRIPT_TEXT_SIZE + 64];
    int r = 0;

    env_start(&env, &bs);
    for (unsigned int i = 0; i < BOOT_SCRIPT_MAX_CMDS; i++) {
        r |= boot_script_parse_line(&bs, "c $(task-create)");
    }
    tap_check(r == 0, "%u commands fit", BOOT_SCRIPT_MAX_CMDS);
    tap_check(boot_script_parse_line(&bs, "c $(task-create)") == BOOT_SCRIPT_ETOOBIG,
              "one command more is refused");
    tap_check(boot_script_run(&bs) == 0 && env_live_tasks(&env) == 0
              && env.ntasks == BOOT_SCRIPT_MAX_CMDS, "the others run");

    /* Arguments of one command: argv[0] + 127. */
    env_start(&env, &bs);
    strcpy(line, "c $(task-create)");
    for (unsigned int i = 1; i < BOOT_SCRIPT_MAX_ARGC; i++) {
        strcat(line, " a");
    }
    tap_check(boot_script_parse_line(&bs, line) == 0, "%u arguments fit", BOOT_SCRIPT_MAX_ARGC);
    strcat(line, " a");
    tap_check(boot_script_parse_line(&bs, line) == BOOT_SCRIPT_ETOOBIG, "one more is refused");
    tap_check(boot_script_run(&bs) == 0 && env_live_tasks(&env) == 0 && env.violations == 0,
              "argument limit: released");

    /* Text: a line longer than the arena; argv longer than its buffer. */
    env_start(&env, &bs);
    memset(line, 'x', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    tap_check(boot_script_parse_line(&bs, line) == BOOT_SCRIPT_ETOOBIG, "huge line refused");
    memset(line, 'y', 3000);
    line[3000] = '\0';
    tap_check(boot_script_define(&bs, "big", BOOT_SCRIPT_STRING, line) == 0, "3000-byte variable");
    tap_check(boot_script_parse_line(&bs, "c ${big} ${big} ${big} $(task-create)") == 0,
              "three uses parse");
    tap_check(boot_script_run(&bs) == 1 && strstr(env.log, "error c: script too large") != NULL
              && env_live_tasks(&env) == 0, "argv over 8 KiB: command fails");

    /* Variables. */
    env_start(&env, &bs);
    r = 0;
    for (unsigned int i = 2; i < BOOT_SCRIPT_MAX_SYMS; i++) {
        char name[16];

        snprintf(name, sizeof(name), "v%u", i);
        r |= boot_script_define(&bs, name, BOOT_SCRIPT_PORT, &env_host_port);
    }
    tap_check(r == 0, "%u variables fit", BOOT_SCRIPT_MAX_SYMS);
    tap_check(boot_script_define(&bs, "one-more", BOOT_SCRIPT_PORT, &env_host_port)
              == BOOT_SCRIPT_ETOOBIG, "one more variable is refused");
    tap_check(boot_script_parse_line(&bs, "c ${new} $(task-create)") == BOOT_SCRIPT_ETOOBIG,
              "a new name in a line is refused");
    tap_check(boot_script_define(&bs, "v2", BOOT_SCRIPT_STRING, "redefined") == 0,
              "redefinition still works");

    env_start(&env, &bs);
    tap_check(boot_script_define(&bs, "", BOOT_SCRIPT_STRING, "x") == BOOT_SCRIPT_EINVAL
              && boot_script_define(&bs, "a=b", BOOT_SCRIPT_STRING, "x") == BOOT_SCRIPT_EINVAL
              && boot_script_define(&bs, "a}", BOOT_SCRIPT_STRING, "x") == BOOT_SCRIPT_EINVAL
              && boot_script_define(&bs, "task-create", BOOT_SCRIPT_PORT, &env_host_port)
                 == BOOT_SCRIPT_EINVAL
              && boot_script_define(&bs, "t", BOOT_SCRIPT_TASK, &env_host_port)
                 == BOOT_SCRIPT_EINVAL, "bad definitions refused");
    tap_check(boot_script_define_cmdline(&bs, "ok=1 b)d=2 fine=3") == BOOT_SCRIPT_EINVAL,
              "bad command-line key reported");
    tap_check(boot_script_parse_line(&bs, "c ${ok} ${fine} $(task-create)") == 0
              && boot_script_run(&bs) == 0 && strstr(env.log, "[c] [1] [3]") != NULL,
              "other command-line words still defined");
    tap_check(strcmp(boot_script_strerror(BOOT_SCRIPT_ESYNTAX), "syntax error") == 0
              && strcmp(boot_script_strerror(1), "unknown error") == 0
              && strcmp(boot_script_strerror(-99), "unknown error") == 0, "strerror");
}

static void
test_after_run(void)
{
    env_start(&env, &bs);
    boot_script_parse_line(&bs, "a $(t=task-create)");
    boot_script_run(&bs);
    boot_script_parse_line(&bs, "b ${t} $(task-create)");
    tap_check(boot_script_run(&bs) == 1 && strstr(env.log, "error b: undefined") != NULL
              && env.violations == 0 && env_live_tasks(&env) == 0,
              "a task variable does not outlive its run");
}

int
main(void)
{
    test_abi_examples();
    test_syntax();
    test_errors();
    test_callback_failures();
    test_limits();
    test_after_run();
    return tap_done();
}
