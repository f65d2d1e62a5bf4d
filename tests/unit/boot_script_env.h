/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A model of the kernel side of kern/boot_script.c for the unit test and
 * the fuzzer: tasks with IPC name spaces that insert like GNU Mach's
 * task_insert_send_right (the first free name from 1, the same name again
 * for a port the space already names), and an event log ("create NAME",
 * "exec NAME: ARGV...", "resume NAME", "release NAME[ terminate]",
 * "error NAME: TEXT[ (DETAIL)]") that tests compare with expected text.
 * It also checks the parser's duty to its callbacks: every created task
 * released exactly once, nothing done to a released task.
 */
#ifndef TESTS_UNIT_BOOT_SCRIPT_ENV_H
#define TESTS_UNIT_BOOT_SCRIPT_ENV_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kern/boot_script.h>

#define ENV_TASKS       64
#define ENV_NAMES       64

struct env_task {
    const char *name;                   /* the parser's copy: lives as long */
    bool live;
    void *space[ENV_NAMES];             /* index = port name; [0] unused */
};

struct env {
    struct env_task tasks[ENV_TASKS];
    unsigned int ntasks;
    char log[16384];
    size_t log_len;
    unsigned int violations;            /* misuse of a callback */
    /* Failure injection: fail the Nth call (1-based; 0 = never). */
    unsigned int fail_create, fail_insert, fail_exec, fail_resume;
    unsigned int calls_create, calls_insert, calls_exec, calls_resume;
};

/* Two ports, as the kernel's host and device ports. */
static char env_host_port, env_device_port;

static void
env_log(struct env *env, const char *fmt, const char *a, const char *b)
{
    int n = snprintf(env->log + env->log_len, sizeof(env->log) - env->log_len, fmt, a, b);

    if (n > 0 && (size_t)n < sizeof(env->log) - env->log_len) {
        env->log_len += (size_t)n;
    }
}

static struct env_task *
env_task_check(struct env *env, void *task)
{
    struct env_task *t = task;

    if (t < env->tasks || t >= env->tasks + env->ntasks || !t->live) {
        env->violations++;
        return NULL;
    }
    return t;
}

static int
env_task_create(void *ctx, const char *name, void **task)
{
    struct env *env = ctx;
    struct env_task *t;

    if (++env->calls_create == env->fail_create || env->ntasks == ENV_TASKS) {
        return -1;
    }
    t = &env->tasks[env->ntasks++];
    t->name = name;
    t->live = true;
    memset(t->space, 0, sizeof(t->space));
    env_log(env, "create %s%s\n", name, "");
    *task = t;
    return 0;
}

static int
env_insert_right(void *ctx, void *task, enum boot_script_type type, void *object,
                 unsigned long *name)
{
    struct env *env = ctx;
    struct env_task *t = env_task_check(env, task);

    if (t == NULL || (type != BOOT_SCRIPT_PORT && type != BOOT_SCRIPT_TASK)
        || (type == BOOT_SCRIPT_TASK && env_task_check(env, object) == NULL)) {
        env->violations++;
        return -1;
    }
    if (++env->calls_insert == env->fail_insert) {
        return -1;
    }
    for (unsigned long n = 1; n < ENV_NAMES; n++) {
        if (t->space[n] == NULL || t->space[n] == object) {
            t->space[n] = object;
            *name = n;
            return 0;
        }
    }
    return -1;
}

static int
env_exec(void *ctx, void *task, int argc, char **argv)
{
    struct env *env = ctx;
    struct env_task *t = env_task_check(env, task);

    if (t == NULL || argv[argc] != NULL || strcmp(argv[0], t->name) != 0) {
        env->violations++;
        return -1;
    }
    if (++env->calls_exec == env->fail_exec) {
        return -1;
    }
    env_log(env, "exec %s:%s", t->name, "");
    for (int i = 0; i < argc; i++) {
        env_log(env, " [%s]%s", argv[i], "");
    }
    env_log(env, "\n%s%s", "", "");
    return 0;
}

static int
env_resume(void *ctx, void *task, const char *name, bool prompt)
{
    struct env *env = ctx;
    struct env_task *t = env_task_check(env, task);

    if (t == NULL || strcmp(name, t->name) != 0) {
        return -1;
    }
    if (++env->calls_resume == env->fail_resume) {
        return -1;
    }
    env_log(env, "resume %s%s\n", name, prompt ? " prompt" : "");
    return 0;
}

static void
env_task_release(void *ctx, void *task, bool terminate)
{
    struct env *env = ctx;
    struct env_task *t = env_task_check(env, task);

    if (t != NULL) {
        t->live = false;
        env_log(env, "release %s%s\n", t->name, terminate ? " terminate" : "");
    }
}

static void
env_report(void *ctx, const char *name, int error, const char *detail)
{
    struct env *env = ctx;

    env_log(env, "error %s: %s", name, boot_script_strerror(error));
    if (detail != NULL) {
        env_log(env, " (%s)%s", detail, "");
    }
    env_log(env, "\n%s%s", "", "");
}

static const struct boot_script_ops env_ops = {
    .task_create = env_task_create,
    .insert_right = env_insert_right,
    .exec = env_exec,
    .resume = env_resume,
    .task_release = env_task_release,
    .report = env_report,
};

/* Start bs over env with host-port and device-port defined. */
static void
env_start(struct env *env, struct boot_script *bs)
{
    memset(env, 0, sizeof(*env));
    boot_script_init(bs, &env_ops, env);
    boot_script_define(bs, "host-port", BOOT_SCRIPT_PORT, &env_host_port);
    boot_script_define(bs, "device-port", BOOT_SCRIPT_PORT, &env_device_port);
}

/* Tasks still held by the parser (after a run: must be 0). */
static unsigned int
env_live_tasks(const struct env *env)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < env->ntasks; i++) {
        n += env->tasks[i].live;
    }
    return n;
}

#endif /* TESTS_UNIT_BOOT_SCRIPT_ENV_H */
