/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * GNU Mach's boot script (syntax and order of operations: kern/boot_script.h).
 *
 * Design: everything lives in one caller-provided struct with fixed
 * arrays, so the parser needs no allocator, runs unchanged on the host,
 * and every limit is one checked constant. Lines, names and string
 * values are copied into a text arena: module strings may be freed while
 * commands run. A variable's value is a tagged union; a use of a
 * variable that has no value yet stores a reference (SYMREF) to it,
 * resolved when commands run, which gives forward references, and
 * resolution stops after as many steps as there are variables, which
 * turns a circular definition into an error instead of a hang.
 *
 * A line is parsed all or nothing: before it, the counters and the
 * variables' values are saved; on an error they are restored and the
 * task the line created (if any) is released with terminate=true. The
 * text arena is not reclaimed after a run (it holds variable names).
 */
#include <stdbool.h>
#include <stddef.h>

#include <kern/boot_script.h>
#include <kern/string.h>

enum boot_script_builtin {
    BUILTIN_NONE,
    BUILTIN_TASK_CREATE,
    BUILTIN_TASK_RESUME,
    BUILTIN_PROMPT_TASK_RESUME,
};

static bool
bs_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool
bs_end(char c)
{
    return c == '\0' || c == '\n';
}

void
boot_script_init(struct boot_script *bs, const struct boot_script_ops *ops, void *ctx)
{
    bs->ops = ops;
    bs->ctx = ctx;
    bs->ncmds = 0;
    bs->nsyms = 0;
    bs->nargs = 0;
    bs->text_used = 0;
}

/* Copy s[len] NUL-terminated into the arena; NULL if it does not fit. */
static char *
bs_text_dup(struct boot_script *bs, const char *s, size_t len)
{
    char *copy;

    if (len >= sizeof(bs->text) - bs->text_used) {
        return NULL;
    }
    copy = bs->text + bs->text_used;
    memcpy(copy, s, len);
    copy[len] = '\0';
    bs->text_used += len + 1;
    return copy;
}

static enum boot_script_builtin
bs_builtin(const char *name, size_t len)
{
    static const struct {
        const char *name;
        enum boot_script_builtin builtin;
    } builtins[] = {
        { "task-create", BUILTIN_TASK_CREATE },
        { "task-resume", BUILTIN_TASK_RESUME },
        { "prompt-task-resume", BUILTIN_PROMPT_TASK_RESUME },
    };

    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
        if (strlen(builtins[i].name) == len && memcmp(builtins[i].name, name, len) == 0) {
            return builtins[i].builtin;
        }
    }
    return BUILTIN_NONE;
}

/* Index of variable name[len], created undefined if new; -1 if full. */
static int
bs_sym(struct boot_script *bs, const char *name, size_t len)
{
    const char *copy;

    for (unsigned int i = 0; i < bs->nsyms; i++) {
        if (strncmp(bs->syms[i].name, name, len) == 0 && bs->syms[i].name[len] == '\0') {
            return (int)i;
        }
    }
    if (bs->nsyms == BOOT_SCRIPT_MAX_SYMS) {
        return -1;
    }
    copy = bs_text_dup(bs, name, len);
    if (copy == NULL) {
        return -1;
    }
    bs->syms[bs->nsyms].name = copy;
    bs->syms[bs->nsyms].value.type = BOOT_SCRIPT_NONE;
    return (int)bs->nsyms++;
}

/* Define name[name_len] as a string value[value_len] or a port value. */
static int
bs_define(struct boot_script *bs, const char *name, size_t name_len,
          enum boot_script_type type, const void *value, size_t value_len)
{
    struct boot_script_value v;
    int sym;

    if (name_len == 0 || bs_builtin(name, name_len) != BUILTIN_NONE) {
        return BOOT_SCRIPT_EINVAL;
    }
    for (size_t i = 0; i < name_len; i++) {
        if (name[i] == '=' || name[i] == '}' || name[i] == ')' || bs_end(name[i])) {
            return BOOT_SCRIPT_EINVAL;
        }
    }
    v.type = type;
    if (type == BOOT_SCRIPT_STRING) {
        v.string = bs_text_dup(bs, value, value_len);
        if (v.string == NULL) {
            return BOOT_SCRIPT_ETOOBIG;
        }
    } else if (type == BOOT_SCRIPT_PORT) {
        v.object = (void *)value;
    } else {
        return BOOT_SCRIPT_EINVAL;
    }
    sym = bs_sym(bs, name, name_len);
    if (sym < 0) {
        return BOOT_SCRIPT_ETOOBIG;
    }
    bs->syms[sym].value = v;
    return 0;
}

int
boot_script_define(struct boot_script *bs, const char *name,
                   enum boot_script_type type, const void *value)
{
    size_t value_len = (type == BOOT_SCRIPT_STRING) ? strlen(value) : 0;

    return bs_define(bs, name, strlen(name), type, value, value_len);
}

int
boot_script_define_cmdline(struct boot_script *bs, const char *cmdline)
{
    int first_error;

    first_error = boot_script_define(bs, "kernel-command-line", BOOT_SCRIPT_STRING, cmdline);
    for (const char *p = cmdline; *p != '\0';) {
        size_t len, key_len;

        while (bs_blank(*p)) {
            p++;
        }
        for (len = 0; p[len] != '\0' && !bs_blank(p[len]); len++) {
            continue;
        }
        key_len = strcspn(p, "= \t");
        if (len > 0 && key_len > 0 && key_len < len) {
            int error = bs_define(bs, p, key_len, BOOT_SCRIPT_STRING, p + key_len + 1,
                                  len - key_len - 1);

            if (first_error == 0) {
                first_error = error;
            }
        }
        p += len;
    }
    return first_error;
}

/* Add an argument to cmd; NULL if a limit is reached. */
static struct boot_script_arg *
bs_arg_add(struct boot_script *bs, struct boot_script_cmd *cmd, const char *text)
{
    struct boot_script_arg *arg;

    if (bs->nargs == BOOT_SCRIPT_MAX_ARGS || cmd->nargs + 1 >= BOOT_SCRIPT_MAX_ARGC) {
        return NULL;
    }
    arg = &bs->args[bs->nargs++];
    cmd->nargs++;
    arg->text = text;
    arg->value.type = BOOT_SCRIPT_NONE;
    return arg;
}

/*
 * Parse the ${...} or $(...) at *pp (arg: the text argument it is glued
 * to, or NULL) and advance *pp past it. *detail names the culprit.
 */
static int
bs_parse_expr(struct boot_script *bs, struct boot_script_cmd *cmd, const char **pp,
              struct boot_script_arg *arg, const char **detail)
{
    const char *p = *pp;
    char close = (p[1] == '{') ? '}' : ')';
    int target = -1;

    *detail = NULL;
    p += 2;
    for (;;) {
        const char *q = p;
        struct boot_script_value value;
        enum boot_script_builtin builtin;
        char c;

        while (!bs_end(*q) && *q != close && *q != '=') {
            q++;
        }
        if (q == p || bs_end(*q) || (close == '}' && *q != '}')) {
            return BOOT_SCRIPT_ESYNTAX;
        }
        c = *q;
        builtin = bs_builtin(p, (size_t)(q - p));
        if (builtin != BUILTIN_NONE) {
            if (close == '}') {
                return BOOT_SCRIPT_EFUNC;
            }
            if (c == '=') {
                return BOOT_SCRIPT_EASSIGN;
            }
        }

        if (builtin == BUILTIN_TASK_CREATE) {
            if (cmd->task != NULL) {
                return BOOT_SCRIPT_ETWICE;
            }
            if (bs->ops->task_create(bs->ctx, cmd->name, &cmd->task) != 0) {
                cmd->task = NULL;
                return BOOT_SCRIPT_ETASK;
            }
            value.type = BOOT_SCRIPT_TASK;
            value.object = cmd->task;
        } else if (builtin != BUILTIN_NONE) {
            /* A resume: recorded, assigns nothing. */
            if (cmd->nresumes == BOOT_SCRIPT_MAX_RESUMES) {
                return BOOT_SCRIPT_ETOOBIG;
            }
            cmd->resume_prompt[cmd->nresumes++] = (builtin == BUILTIN_PROMPT_TASK_RESUME);
            value.type = BOOT_SCRIPT_NONE;
        } else {
            int sym = bs_sym(bs, p, (size_t)(q - p));

            if (sym < 0) {
                return BOOT_SCRIPT_ETOOBIG;
            }
            *detail = bs->syms[sym].name;
            if (c == close && close == ')' && target < 0) {
                return BOOT_SCRIPT_ENOFUNC;
            }
            value = bs->syms[sym].value;
            if (value.type == BOOT_SCRIPT_NONE) {
                value.type = BOOT_SCRIPT_SYMREF;
                value.sym = (unsigned int)sym;
            }
            if (c == '=') {
                if (target >= 0) {
                    bs->syms[target].value = value;
                }
                target = sym;
                p = q + 1;
                continue;
            }
        }

        if (builtin != BUILTIN_TASK_RESUME && builtin != BUILTIN_PROMPT_TASK_RESUME) {
            if (target >= 0) {
                bs->syms[target].value = value;
            } else if (arg != NULL) {
                arg->value = value;
            } else if (close == '}') {
                arg = bs_arg_add(bs, cmd, NULL);
                if (arg == NULL) {
                    return BOOT_SCRIPT_ETOOBIG;
                }
                arg->value = value;
            }
        }
        *pp = q + 1;
        return 0;
    }
}

static int
bs_parse_args(struct boot_script *bs, struct boot_script_cmd *cmd, const char *p,
              const char **detail)
{
    for (;;) {
        struct boot_script_arg *arg = NULL;
        int error;

        while (bs_blank(*p)) {
            p++;
        }
        if (bs_end(*p)) {
            return 0;
        }
        if (!(p[0] == '$' && (p[1] == '{' || p[1] == '('))) {
            const char *q = p;
            char *text;

            while (!bs_end(*q) && !bs_blank(*q) && !(q[0] == '$' && q[1] == '{')) {
                q++;
            }
            text = bs_text_dup(bs, p, (size_t)(q - p));
            arg = (text == NULL) ? NULL : bs_arg_add(bs, cmd, text);
            if (arg == NULL) {
                return BOOT_SCRIPT_ETOOBIG;
            }
            p = q;
            if (!(p[0] == '$' && p[1] == '{')) {
                continue;
            }
        }
        error = bs_parse_expr(bs, cmd, &p, arg, detail);
        if (error != 0) {
            return error;
        }
    }
}

int
boot_script_parse_line(struct boot_script *bs, const char *line)
{
    unsigned int nargs = bs->nargs, nsyms = bs->nsyms;
    size_t text_used = bs->text_used;
    struct boot_script_cmd *cmd;
    const char *p = line, *q, *detail = NULL;
    int error;

    while (bs_blank(*p)) {
        p++;
    }
    if (*p == '#' || bs_end(*p)) {
        return 0;
    }
    for (q = p; !bs_end(*q) && !bs_blank(*q); q++) {
        continue;
    }
    if (bs->ncmds == BOOT_SCRIPT_MAX_CMDS) {
        bs->ops->report(bs->ctx, "", BOOT_SCRIPT_ETOOBIG, NULL);
        return BOOT_SCRIPT_ETOOBIG;
    }
    for (unsigned int i = 0; i < nsyms; i++) {
        bs->saved[i] = bs->syms[i].value;
    }
    cmd = &bs->cmds[bs->ncmds];
    cmd->task = NULL;
    cmd->first_arg = bs->nargs;
    cmd->nargs = 0;
    cmd->nresumes = 0;
    cmd->failed = false;
    cmd->name = bs_text_dup(bs, p, (size_t)(q - p));
    if (cmd->name == NULL) {
        bs->ops->report(bs->ctx, "", BOOT_SCRIPT_ETOOBIG, NULL);
        return BOOT_SCRIPT_ETOOBIG;
    }

    error = bs_parse_args(bs, cmd, q, &detail);
    if (error == 0) {
        bs->ncmds++;
        return 0;
    }

    bs->ops->report(bs->ctx, cmd->name, error, detail);
    if (cmd->task != NULL) {
        bs->ops->task_release(bs->ctx, cmd->task, true);
    }
    for (unsigned int i = 0; i < nsyms; i++) {
        bs->syms[i].value = bs->saved[i];
    }
    bs->nsyms = nsyms;
    bs->nargs = nargs;
    bs->text_used = text_used;
    return error;
}

/* Resolve value through variable references; NONE if undefined or circular. */
static struct boot_script_value
bs_resolve(const struct boot_script *bs, struct boot_script_value value, const char **detail)
{
    for (unsigned int steps = 0; value.type == BOOT_SCRIPT_SYMREF; steps++) {
        *detail = bs->syms[value.sym].name;
        if (steps == bs->nsyms) {
            value.type = BOOT_SCRIPT_NONE;
            break;
        }
        value = bs->syms[value.sym].value;
    }
    return value;
}

/* Append s[len] to the argv strings at *pos. */
static bool
bs_argv_append(struct boot_script *bs, size_t *pos, const char *s, size_t len)
{
    if (len > sizeof(bs->argv_text) - *pos) {
        return false;
    }
    memcpy(bs->argv_text + *pos, s, len);
    *pos += len;
    return true;
}

/* Build cmd's argv in bs->argv, inserting rights in argument order. */
static int
bs_build_argv(struct boot_script *bs, const struct boot_script_cmd *cmd, int *argcp,
              const char **detail)
{
    size_t pos = 0;
    int argc = 0;

    bs->argv[argc++] = bs->argv_text;
    if (!bs_argv_append(bs, &pos, cmd->name, strlen(cmd->name) + 1)) {
        return BOOT_SCRIPT_ETOOBIG;
    }
    for (unsigned int i = 0; i < cmd->nargs; i++) {
        const struct boot_script_arg *arg = &bs->args[cmd->first_arg + i];
        struct boot_script_value value;
        char *start = bs->argv_text + pos;

        if (arg->text != NULL && !bs_argv_append(bs, &pos, arg->text, strlen(arg->text))) {
            return BOOT_SCRIPT_ETOOBIG;
        }
        if (arg->value.type != BOOT_SCRIPT_NONE) {
            value = bs_resolve(bs, arg->value, detail);
            if (value.type == BOOT_SCRIPT_STRING) {
                if (!bs_argv_append(bs, &pos, value.string, strlen(value.string))) {
                    return BOOT_SCRIPT_ETOOBIG;
                }
            } else if (value.type == BOOT_SCRIPT_PORT || value.type == BOOT_SCRIPT_TASK) {
                unsigned long name;
                char digits[24];
                size_t n = sizeof(digits);

                if (bs->ops->insert_right(bs->ctx, cmd->task, value.type, value.object,
                                          &name) != 0) {
                    return BOOT_SCRIPT_EINSERT;
                }
                do {
                    digits[--n] = (char)('0' + name % 10);
                    name /= 10;
                } while (name != 0);
                if (!bs_argv_append(bs, &pos, digits + n, sizeof(digits) - n)) {
                    return BOOT_SCRIPT_ETOOBIG;
                }
            } else {
                return BOOT_SCRIPT_EUNDEF;
            }
        }
        if (!bs_argv_append(bs, &pos, "", 1)) {
            return BOOT_SCRIPT_ETOOBIG;
        }
        bs->argv[argc++] = start;
    }
    bs->argv[argc] = NULL;
    *argcp = argc;
    return 0;
}

int
boot_script_run(struct boot_script *bs)
{
    const struct boot_script_ops *ops = bs->ops;
    int failed = 0;

    for (unsigned int i = 0; i < bs->ncmds; i++) {
        struct boot_script_cmd *cmd = &bs->cmds[i];
        const char *detail = NULL;
        int argc, error;

        if (cmd->task == NULL) {
            ops->report(bs->ctx, cmd->name, BOOT_SCRIPT_ENOTASK, NULL);
            continue;
        }
        error = bs_build_argv(bs, cmd, &argc, &detail);
        if (error == 0 && ops->exec(bs->ctx, cmd->task, argc, bs->argv) != 0) {
            error = BOOT_SCRIPT_EEXEC;
        }
        if (error != 0) {
            ops->report(bs->ctx, cmd->name, error, detail);
            cmd->failed = true;
            failed++;
        }
    }
    for (unsigned int i = 0; i < bs->ncmds; i++) {
        struct boot_script_cmd *cmd = &bs->cmds[i];
        bool resume_failed = false;

        for (unsigned int r = 0; cmd->task != NULL && !cmd->failed && r < cmd->nresumes; r++) {
            if (ops->resume(bs->ctx, cmd->task, cmd->name, cmd->resume_prompt[r]) != 0) {
                ops->report(bs->ctx, cmd->name, BOOT_SCRIPT_ERESUME, NULL);
                resume_failed = true;
            }
        }
        failed += resume_failed;
    }
    /* Last: a failed command's task may be named in another's argv. */
    for (unsigned int i = 0; i < bs->ncmds; i++) {
        if (bs->cmds[i].task != NULL) {
            ops->task_release(bs->ctx, bs->cmds[i].task, bs->cmds[i].failed);
        }
    }
    for (unsigned int i = 0; i < bs->nsyms; i++) {
        if (bs->syms[i].value.type == BOOT_SCRIPT_TASK) {
            bs->syms[i].value.type = BOOT_SCRIPT_NONE;
        }
    }
    bs->ncmds = 0;
    bs->nargs = 0;
    return failed;
}

const char *
boot_script_strerror(int error)
{
    static const char *const texts[] = {
        [-BOOT_SCRIPT_ESYNTAX] = "syntax error",
        [-BOOT_SCRIPT_EFUNC] = "function inside ${...}",
        [-BOOT_SCRIPT_EASSIGN] = "assignment to a function",
        [-BOOT_SCRIPT_ENOFUNC] = "no such function",
        [-BOOT_SCRIPT_EUNDEF] = "undefined or circular variable",
        [-BOOT_SCRIPT_ETOOBIG] = "script too large",
        [-BOOT_SCRIPT_ETWICE] = "second task-create in one line",
        [-BOOT_SCRIPT_EINVAL] = "invalid variable definition",
        [-BOOT_SCRIPT_ETASK] = "cannot create the task",
        [-BOOT_SCRIPT_EINSERT] = "cannot insert a send right",
        [-BOOT_SCRIPT_EEXEC] = "cannot load or start the program",
        [-BOOT_SCRIPT_ERESUME] = "cannot resume the task",
        [-BOOT_SCRIPT_ENOTASK] = "no task-create: command skipped",
    };

    if (error >= 0 || -error >= (int)(sizeof(texts) / sizeof(texts[0]))) {
        return "unknown error";
    }
    return texts[-error];
}
