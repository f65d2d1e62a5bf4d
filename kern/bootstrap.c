/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The first user tasks, from the boot loader's modules (MACH-ABI.md §4).
 *
 * Each module string is one line of GNU Mach's boot script, parsed by
 * kern/boot_script.c with the operations below: $(task-create) is
 * task_create_named(), ${host-port}/${device-port} and task variables insert
 * send rights into the command's task (names from 1, in argument
 * order), exec loads the module's ELF image (kern/elf.c) and starts the
 * first thread, $(task-resume) resumes the task once every command ran.
 *
 * exec runs in the bootstrap thread, which enters the new task for the
 * time of the load: the segments are vm_allocate'd at their fixed
 * addresses in the task's map, filled with copyout (faults zero-fill
 * the pages), then given their protection; the initial stack
 * (kern/boot_stack.c, 128 KiB at 0xBFFE0000 up to 0xC0000000, §4.4) is
 * built in a kernel buffer and copied to the top. So every error is
 * known before the script goes on, and printed with the module's name.
 * The task is then suspended and its first thread created: it enters
 * the task, stops in its suspend AST until $(task-resume), and starts
 * in user mode at the entry point through pcb_user_start().
 *
 * With `user-test` on the command line (doc/testing.md), startup then
 * waits in bootstrap_user_test_wait() until every task has ended, prints
 * "user-test: all tasks ended", runs the tests of `test=` if any, and
 * leaves QEMU with status 1.
 *
 * A module's bytes are read once, by its exec: right after, whether the
 * load worked or not, the module is given back to vm_page
 * (machine_module_release()), before any task runs, so the free page
 * count measured around the release rises by exactly the pages freed.
 * Modules that are no command's image (data for a later server, the
 * tests' checksum modules) stay reserved. The pages freed per segment
 * are kept for the user-test memory accounting (kern/ktest.h).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <include/mach/port.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_right.h>
#include <kern/boot_script.h>
#include <kern/boot_stack.h>
#include <kern/bootstrap.h>
#include <kern/cmdline.h>
#include <kern/copy.h>
#include <kern/elf.h>
#include <kern/host.h>
#include <kern/kmem.h>
#include <kern/macros.h>
#include <kern/panic.h>
#include <kern/percpu.h>
#include <kern/printf.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <machine/machine.h>
#include <machine/param.h>
#include <machine/pcb.h>
#include <vm/vm_map.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

#define BOOTSTRAP_STACK_TOP     0xc0000000u
#define BOOTSTRAP_STACK_SIZE    0x20000u        /* 128 KiB, GNU Mach's */

/* The error every failing callback returns to the parser. */
#define BOOTSTRAP_EFAIL         (-1)

/* The module being parsed and run: exec loads its bytes. */
struct bootstrap_module {
    unsigned int index;
    const void *data;
    size_t size;
};

/* What the first thread of a task needs to start. */
struct bootstrap_start {
    struct task *task;
    uint32_t entry;
    uint32_t esp;
};

static struct boot_script bootstrap_script;
static struct bootstrap_module bootstrap_modules[BOOT_SCRIPT_MAX_CMDS];
static unsigned int bootstrap_nr_modules;

/* exec calls come in command order: the next one loads this module. */
static unsigned int bootstrap_next;

/* Module releases, in order, and the pages they freed per segment. */
static struct bootstrap_release bootstrap_releases[BOOT_SCRIPT_MAX_CMDS];
static unsigned int bootstrap_nr_releases;
static unsigned long bootstrap_released[VM_PAGE_NR_SEGS];

static int
bootstrap_task_create(void *ctx, const char *name, void **taskp)
{
    struct task *task;
    kern_return_t kr;

    (void)ctx;
    kr = task_create_named(NULL, false, name, &task);
    if (kr != KERN_SUCCESS) {
        return BOOTSTRAP_EFAIL;
    }
    *taskp = task;
    return 0;
}

static int
bootstrap_insert_right(void *ctx, void *taskp, enum boot_script_type type, void *object,
                       unsigned long *namep)
{
    struct task *task = taskp;
    struct ipc_port *port = object;
    mach_port_name_t name;
    kern_return_t kr;

    (void)ctx;
    if (type == BOOT_SCRIPT_TASK) {
        if (task_special_port_get(object, TASK_KERNEL_PORT, &port) != KERN_SUCCESS
            || port == NULL) {
            return BOOTSTRAP_EFAIL;
        }
    }
    kr = ipc_right_copyout(task->space, port, MACH_PORT_RIGHT_SEND, &name);
    if (type == BOOT_SCRIPT_TASK) {
        ipc_port_unref(port);
    }
    if (kr != KERN_SUCCESS) {
        return BOOTSTRAP_EFAIL;
    }
    *namep = name;
    return 0;
}

/* Load one segment into the calling thread's task. */
static kern_return_t
bootstrap_load_segment(struct task *task, const struct elf_segment *seg)
{
    uintptr_t start = P2TRUNC((uintptr_t)seg->vaddr, PAGE_SIZE);
    uintptr_t end = P2ROUND((uintptr_t)seg->vaddr + seg->memsz, PAGE_SIZE);
    uintptr_t addr = start;
    kern_return_t kr;

    kr = vm_user_allocate(task->map, &addr, end - start, false);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    if (seg->filesz != 0
        && copyout(seg->data, (void *)(uintptr_t)seg->vaddr, seg->filesz) != 0) {
        return KERN_INVALID_ADDRESS;
    }
    return vm_user_protect(task->map, start, end - start, false, seg->prot);
}

/* Build the initial stack in the calling thread's task; its ESP in *espp. */
static kern_return_t
bootstrap_load_stack(struct task *task, unsigned int prot, int argc, char **argv,
                     uint32_t *espp)
{
    static const char *const envp[] = { NULL };
    uintptr_t addr = BOOTSTRAP_STACK_TOP - BOOTSTRAP_STACK_SIZE;
    uint32_t size;
    void *buf;
    kern_return_t kr;
    int error;

    size = boot_stack_size(argc, (const char *const *)argv, 0, envp);
    if (size == 0 || size > BOOTSTRAP_STACK_SIZE) {
        return KERN_INVALID_ARGUMENT;
    }
    kr = vm_user_allocate(task->map, &addr, BOOTSTRAP_STACK_SIZE, false);
    if (kr != KERN_SUCCESS) {
        return kr;
    }
    buf = kmem_alloc(size);
    if (buf == NULL) {
        return KERN_RESOURCE_SHORTAGE;
    }
    error = boot_stack_build(buf, size, BOOTSTRAP_STACK_TOP, argc,
                             (const char *const *)argv, 0, envp, espp);
    assert(error == 0);
    if (copyout(buf, (void *)(uintptr_t)(BOOTSTRAP_STACK_TOP - size), size) != 0) {
        kr = KERN_INVALID_ADDRESS;
    }
    kmem_free(buf, size);
    if (kr == KERN_SUCCESS && prot != ELF_PROT_ALL) {
        kr = vm_user_protect(task->map, BOOTSTRAP_STACK_TOP - BOOTSTRAP_STACK_SIZE,
                             BOOTSTRAP_STACK_SIZE, false, prot);
    }
    return kr;
}

/* Free pages of vm_page, all segments (pools of other CPUs may lag). */
static unsigned long
bootstrap_free_pages(void)
{
    struct vm_page_seg_stats stats;
    unsigned long free = 0;

    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        if (vm_page_seg_stats_get(seg, &stats) == 0) {
            free += stats.nr_free;
        }
    }
    return free;
}

/* Give a module's memory back once its exec is done with it. */
static void
bootstrap_module_release(struct bootstrap_module *mod, const char *name)
{
    unsigned long pages[VM_PAGE_NR_SEGS] = { 0 };
    struct bootstrap_release *rel;
    unsigned long before, after, total = 0;
    int error;

    assert(bootstrap_nr_releases < ARRAY_SIZE(bootstrap_releases));
    preempt_disable();                  /* nothing of this CPU allocates meanwhile */
    before = bootstrap_free_pages();
    error = machine_module_release(mod->index, pages);
    after = bootstrap_free_pages();
    preempt_enable();
    if (error != 0) {
        printf("bootstrap: module %u (%s): memory kept: error %d\n", mod->index, name, error);
        return;
    }
    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        bootstrap_released[seg] += pages[seg];
        total += pages[seg];
    }
    rel = &bootstrap_releases[bootstrap_nr_releases++];
    *rel = (struct bootstrap_release){
        .index = mod->index, .start = (uintptr_t)mod->data, .size = mod->size,
        .pages = total, .free_before = before, .free_after = after,
    };
    mod->data = NULL;
    printf("bootstrap: module %u (%s): %lu pages given back, free pages %lu -> %lu\n",
           mod->index, name, total, before, after);
}

bool
bootstrap_release_get(unsigned int i, struct bootstrap_release *release)
{
    if (i >= bootstrap_nr_releases) {
        return false;
    }
    *release = bootstrap_releases[i];
    return true;
}

void
bootstrap_released_pages(unsigned long *pages)
{
    for (unsigned int seg = 0; seg < VM_PAGE_NR_SEGS; seg++) {
        pages[seg] += bootstrap_released[seg];
    }
}

/* The first thread of a boot task: wait for $(task-resume), then user mode. */
static void
bootstrap_thread_start(void *arg)
{
    struct bootstrap_start start = *(struct bootstrap_start *)arg;

    kmem_free(arg, sizeof(start));
    if (task_thread_enter(start.task) != KERN_SUCCESS) {
        task_unref(start.task);
        thread_exit();
    }
    task_unref(start.task);             /* the thread's own reference holds it now */
    thread_ast_check();                 /* suspended until resumed; terminated: no return */
    pcb_user_start(start.entry, start.esp);
}

/* Load mod into task and create its first thread, suspended. */
static int
bootstrap_exec_module(struct task *task, struct bootstrap_module *mod, int argc, char **argv)
{
    struct bootstrap_start *start;
    struct elf_image image;
    struct elf_segment seg;
    kern_return_t kr = KERN_SUCCESS;
    uint32_t esp = 0;
    int error;

    error = elf_parse(mod->data, mod->size, &image);
    if (error != 0) {
        printf("bootstrap: module %u (%s): not a boot image: %s\n", mod->index, argv[0],
               elf_strerror(error));
        return BOOTSTRAP_EFAIL;
    }
    if (task_thread_enter(task) != KERN_SUCCESS) {
        return BOOTSTRAP_EFAIL;
    }
    for (unsigned int i = 0; i < image.nsegments && kr == KERN_SUCCESS; i++) {
        error = elf_segment_get(&image, i, &seg);
        assert(error == 0);
        kr = bootstrap_load_segment(task, &seg);
    }
    if (kr == KERN_SUCCESS) {
        kr = bootstrap_load_stack(task, image.stack_prot, argc, argv, &esp);
    }
    task_thread_leave();
    if (kr != KERN_SUCCESS) {
        printf("bootstrap: module %u (%s): cannot load: error %d\n", mod->index, argv[0], kr);
        return BOOTSTRAP_EFAIL;
    }

    start = kmem_alloc(sizeof(*start));
    if (start == NULL || task_suspend(task) != KERN_SUCCESS) {
        kmem_free(start, sizeof(*start));
        return BOOTSTRAP_EFAIL;
    }
    task_ref(task);
    *start = (struct bootstrap_start){ task, image.entry, esp };
    if (thread_create_kernel(argv[0], bootstrap_thread_start, start, THREAD_ANY_CPU) == NULL) {
        task_unref(task);
        kmem_free(start, sizeof(*start));
        return BOOTSTRAP_EFAIL;
    }
    return 0;
}

static int
bootstrap_exec(void *ctx, void *taskp, int argc, char **argv)
{
    struct bootstrap_module *mod;
    int error;

    (void)ctx;
    assert(bootstrap_next < bootstrap_nr_modules);
    mod = &bootstrap_modules[bootstrap_next++];
    error = bootstrap_exec_module(taskp, mod, argc, argv);
    bootstrap_module_release(mod, argv[0]);
    return error;
}

static int
bootstrap_resume(void *ctx, void *task, const char *name, bool prompt)
{
    (void)ctx;
    (void)name;
    (void)prompt;                       /* no console prompt: resume at once */
    return task_resume(task) == KERN_SUCCESS ? 0 : BOOTSTRAP_EFAIL;
}

static void
bootstrap_task_release(void *ctx, void *task, bool terminate)
{
    (void)ctx;
    if (terminate) {
        task_terminate(task);
    }
}

static void
bootstrap_report(void *ctx, const char *name, int error, const char *detail)
{
    (void)ctx;
    printf("bootstrap: %s: %s%s%s\n", name != NULL ? name : "(line)",
           boot_script_strerror(error), detail != NULL ? ": " : "",
           detail != NULL ? detail : "");
}

static const struct boot_script_ops bootstrap_ops = {
    .task_create = bootstrap_task_create,
    .insert_right = bootstrap_insert_right,
    .exec = bootstrap_exec,
    .resume = bootstrap_resume,
    .task_release = bootstrap_task_release,
    .report = bootstrap_report,
};

/* Ports alive before the first boot task (the kernel's own), for the leak check. */
static unsigned long bootstrap_ports_before;

void
bootstrap_user_test_wait(void)
{
    struct ipc_port_stats stats;

    if (!cmdline_has("user-test")) {
        return;
    }
    while (task_count() != 0) {
        thread_delay(1);
    }
    printf("user-test: all tasks ended\n");
    /* Every port, right and message the tasks made must be gone with them. */
    ipc_port_stats_get(&stats);
    if (stats.nr_ports == bootstrap_ports_before) {
        printf("user-test: no IPC port left behind (%lu kernel ports)\n", stats.nr_ports);
    } else {
        printf("user-test: IPC ports left behind: %lu before the tasks, %lu after\n",
               bootstrap_ports_before, stats.nr_ports);
    }
}

void
bootstrap_run(void)
{
    struct boot_script *bs = &bootstrap_script;
    unsigned int count = machine_module_count();
    struct ipc_port_stats stats;
    const char *line;

    ipc_port_stats_get(&stats);
    bootstrap_ports_before = stats.nr_ports;
    boot_script_init(bs, &bootstrap_ops, NULL);
    boot_script_define(bs, "host-port", BOOT_SCRIPT_PORT, host_priv_port());
    boot_script_define(bs, "device-port", BOOT_SCRIPT_PORT, host_device_master_port());
    boot_script_define_cmdline(bs, cmdline_raw());

    /*
     * boot_script_run() calls exec for each command that has a task, in
     * line order, and a line is at most one command: the modules whose
     * line made such a command are kept in that order, and each exec
     * takes the next one.
     */
    bootstrap_nr_modules = 0;
    for (unsigned int i = 0; i < count; i++) {
        struct bootstrap_module *mod;
        unsigned int ncmds = bs->ncmds;

        if (bootstrap_nr_modules == ARRAY_SIZE(bootstrap_modules)) {
            printf("bootstrap: module %u and later ignored: at most %u\n", i,
                   (unsigned int)ARRAY_SIZE(bootstrap_modules));
            break;
        }
        mod = &bootstrap_modules[bootstrap_nr_modules];
        if (machine_module_get(i, &mod->data, &mod->size, &line) != 0) {
            printf("bootstrap: module %u: not reachable, ignored\n", i);
            continue;
        }
        mod->index = i;
        if (boot_script_parse_line(bs, line) == 0 && bs->ncmds > ncmds
            && bs->cmds[ncmds].task != NULL) {
            bootstrap_nr_modules++;
        }
    }
    bootstrap_next = 0;
    if (bs->ncmds != 0) {
        boot_script_run(bs);
    }
}
