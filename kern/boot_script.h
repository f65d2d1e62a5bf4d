/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GNU Mach's boot script: one line per multiboot module string
 * (MACH-ABI.md §4.1-§4.2).
 *
 * A line is "COMMAND ARG...", words separated by spaces and tabs; it
 * ends at its NUL or at a newline. A line whose first non-blank
 * character is '#' is a comment. COMMAND becomes argv[0]. There is no
 * quoting: quote characters are ordinary text (GRUB removes its own
 * quotes before the kernel sees the string). In an argument:
 *
 *  - ${NAME} is the value of variable NAME: a string is copied as text;
 *    a port or a task inserts a send right into this command's task when
 *    the commands run, and the decimal name is the text. Standing alone
 *    it is an argument of its own; after text ("--port=${host-port}")
 *    it is appended to that argument. A word breaks after the '}':
 *    "a${x}b" gives the two arguments "a<x>" and "b", as in GNU Mach.
 *    Only "${" breaks plain text; "$(" inside a word is literal.
 *  - $(task-create) creates the command's task while the line is
 *    parsed; $(VAR=task-create) also binds the task to variable VAR
 *    (in general $(A=B=...=X) assigns X's value down the chain).
 *  - $(task-resume) and $(prompt-task-resume) resume the task after
 *    every command has been executed.
 *
 * A variable used before it is defined (in a later line) is resolved
 * when the commands run, so forward references work. Predefined
 * variables come from boot_script_define() and boot_script_define_cmdline().
 *
 * boot_script_run() executes the commands in line order (build argv,
 * insert rights in argument order, load and start the task suspended)
 * and then performs the resumes. Commands without a task are skipped.
 *
 * Departures from GNU Mach, where it would abort the whole boot or loop:
 * a malformed line is rejected alone (the tasks it created are
 * terminated, the variables it set are restored); an exec-time error
 * skips that command (its task is not resumed and is terminated at the
 * end of the run, after the others, which may name it, have run); circular
 * variables are an error; $(NAME) with an unknown function and a second
 * $(task-create) in one line are errors; limits are fixed (below).
 *
 * Every error is reported through ops->report before the function
 * returns, so callers need not print. Pure code with callbacks: no
 * allocation, no locks; a struct boot_script is used by one thread.
 */
#ifndef KERN_BOOT_SCRIPT_H
#define KERN_BOOT_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

/* Limits. */
#define BOOT_SCRIPT_MAX_CMDS    32      /* command lines */
#define BOOT_SCRIPT_MAX_SYMS    64      /* variables, predefined ones included */
#define BOOT_SCRIPT_MAX_ARGS    512     /* arguments of all commands together */
#define BOOT_SCRIPT_MAX_ARGC    128     /* arguments of one command, argv[0] included */
#define BOOT_SCRIPT_MAX_RESUMES 4       /* resume calls in one line */
#define BOOT_SCRIPT_TEXT_SIZE   8192    /* lines and variable values kept */
#define BOOT_SCRIPT_ARGV_SIZE   8192    /* strings of one command's argv */

/* Errors (negative). */
#define BOOT_SCRIPT_ESYNTAX     (-1)    /* malformed ${...} or $(...) */
#define BOOT_SCRIPT_EFUNC       (-2)    /* function name inside ${...} */
#define BOOT_SCRIPT_EASSIGN     (-3)    /* assignment to a function */
#define BOOT_SCRIPT_ENOFUNC     (-4)    /* $(NAME): NAME is no function */
#define BOOT_SCRIPT_EUNDEF      (-5)    /* variable never defined, or circular */
#define BOOT_SCRIPT_ETOOBIG     (-6)    /* a limit above exceeded */
#define BOOT_SCRIPT_ETWICE      (-7)    /* second $(task-create) in one line */
#define BOOT_SCRIPT_EINVAL      (-8)    /* bad argument to boot_script_define() */
#define BOOT_SCRIPT_ETASK       (-9)    /* ops->task_create failed */
#define BOOT_SCRIPT_EINSERT     (-10)   /* ops->insert_right failed */
#define BOOT_SCRIPT_EEXEC       (-11)   /* ops->exec failed */
#define BOOT_SCRIPT_ERESUME     (-12)   /* ops->resume failed */
#define BOOT_SCRIPT_ENOTASK     (-13)   /* command without $(task-create): skipped */

/* Value types. */
enum boot_script_type {
    BOOT_SCRIPT_NONE,                   /* not (yet) defined */
    BOOT_SCRIPT_STRING,                 /* const char * */
    BOOT_SCRIPT_PORT,                   /* caller's port object */
    BOOT_SCRIPT_TASK,                   /* caller's task object */
    BOOT_SCRIPT_SYMREF,                 /* internal: value of another variable */
};

/*
 * Callbacks. Tasks and ports are the caller's objects, passed back as
 * given. Errors are negative; the parser reports them with its own code.
 */
struct boot_script_ops {
    /* Create a task for command name; store it in *task. */
    int (*task_create)(void *ctx, const char *name, void **task);

    /*
     * Insert a send right to object (a port, or a task's port when type
     * is BOOT_SCRIPT_TASK) into task; store the name in *name. Names are
     * tried from 1 up, so the order of calls fixes them.
     */
    int (*insert_right)(void *ctx, void *task, enum boot_script_type type,
                        void *object, unsigned long *name);

    /*
     * Load the command's image into task and start its first thread,
     * suspended, with argv[0..argc-1] (argv[argc] is NULL). The strings
     * live until exec returns.
     */
    int (*exec)(void *ctx, void *task, int argc, char **argv);

    /* Resume task (prompt: ask the console first). */
    int (*resume)(void *ctx, void *task, const char *name, bool prompt);

    /*
     * Drop the parser's reference to task; terminate: also terminate it
     * (its line or command failed). Called exactly once per created task:
     * at once when its line is rejected, else at the end of the run.
     */
    void (*task_release)(void *ctx, void *task, bool terminate);

    /* Report error for command name (detail: a variable name or NULL). */
    void (*report)(void *ctx, const char *name, int error, const char *detail);
};

struct boot_script_value {
    enum boot_script_type type;
    union {
        const char *string;
        void *object;
        unsigned int sym;               /* BOOT_SCRIPT_SYMREF: index */
    };
};

struct boot_script_sym {
    const char *name;
    struct boot_script_value value;
};

struct boot_script_arg {
    const char *text;                   /* NULL: the value alone */
    struct boot_script_value value;     /* NONE: text alone */
};

struct boot_script_cmd {
    const char *name;
    void *task;
    unsigned int first_arg, nargs;
    unsigned int nresumes;
    bool resume_prompt[BOOT_SCRIPT_MAX_RESUMES];
    bool failed;
};

/* The parser's state; opaque to users apart from its size (about 30 KiB). */
struct boot_script {
    const struct boot_script_ops *ops;
    void *ctx;
    unsigned int ncmds, nsyms, nargs;
    size_t text_used;
    struct boot_script_cmd cmds[BOOT_SCRIPT_MAX_CMDS];
    struct boot_script_sym syms[BOOT_SCRIPT_MAX_SYMS];
    struct boot_script_value saved[BOOT_SCRIPT_MAX_SYMS]; /* undo of one line */
    struct boot_script_arg args[BOOT_SCRIPT_MAX_ARGS];
    char text[BOOT_SCRIPT_TEXT_SIZE];
    char argv_text[BOOT_SCRIPT_ARGV_SIZE];
    char *argv[BOOT_SCRIPT_MAX_ARGC + 1];
};

/* Start an empty script using ops (every callback required) and ctx. */
void boot_script_init(struct boot_script *bs, const struct boot_script_ops *ops, void *ctx);

/*
 * Define (or redefine) variable name as a string (value: const char *,
 * copied) or a port (value: the port object). Returns 0, BOOT_SCRIPT_EINVAL
 * for another type or an empty name or one holding '=', '}', ')' or a
 * newline, or BOOT_SCRIPT_ETOOBIG.
 */
int boot_script_define(struct boot_script *bs, const char *name,
                       enum boot_script_type type, const void *value);

/*
 * Define a string variable for every KEY=VALUE word of the kernel command
 * line (words split at spaces and tabs, no quoting, as GNU Mach does),
 * and kernel-command-line as the whole line. Returns 0 or the first
 * error of boot_script_define() (later words are still defined).
 */
int boot_script_define_cmdline(struct boot_script *bs, const char *cmdline);

/*
 * Parse one line (a module string; need not stay valid after the call).
 * Runs $(task-create) now. Returns 0 (comments and blank lines too), or
 * an error: the line is dropped, its tasks are terminated, the variables
 * it assigned get their previous values back.
 */
int boot_script_parse_line(struct boot_script *bs, const char *line);

/*
 * Execute every command in line order, then the resumes, then release
 * every task. Returns the number of commands that failed (0: all well).
 * The script is empty afterwards (variables are kept).
 */
int boot_script_run(struct boot_script *bs);

/* A short text for a BOOT_SCRIPT_E* error. */
const char *boot_script_strerror(int error);

#endif /* KERN_BOOT_SCRIPT_H */
