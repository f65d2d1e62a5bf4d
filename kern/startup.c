/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's bring-up, in one order, top to bottom.
 *
 * The machine's boot code (i386/boot_main.c) does only what must come
 * before any of this: it puts the CPU in a known state (paging, GDT,
 * traps, interrupt controller), registers the console devices, hands the
 * memory map to biosmem (physical segments and a boot allocator, in
 * <machine/pmem.h>) and gathers the boot loader's information, then
 * calls startup(). From
 * here on, code calls down: into kern/, vm/ and ipc/, and into the
 * machine layer through <machine/...> headers. Nothing here calls back
 * into the boot code, and the machine layer never calls startup().
 *
 * Each step below says what it needs from the steps before it; that is
 * why they come in this order. A step that cannot complete panics: the
 * kernel cannot run without it (exhaustion at boot means the machine is
 * too small, which the message says).
 *
 * The boot report is a stable interface: tests/boot/run greps it and
 * doc/boot.md documents every line. Add lines, do not reword them.
 */
#include <stddef.h>
#include <stdint.h>

#include <device/device.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_mqueue.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_space.h>
#include <kern/bootstrap.h>
#include <kern/cmdline.h>
#include <kern/console.h>
#include <kern/gsync.h>
#include <kern/host.h>
#include <kern/kmem.h>
#include <kern/ktest.h>
#include <kern/panic.h>
#include <kern/printf.h>
#include <kern/processor.h>
#include <kern/rdxtree.h>
#include <kern/shell.h>
#include <kern/startup.h>
#include <kern/string.h>
#include <kern/task.h>
#include <kern/thread.h>
#include <machine/cpu.h>
#include <machine/machine.h>
#include <machine/param.h>
#include <machine/pmap.h>
#include <machine/pmem.h>
#include <machine/smp.h>
#include <vm/vm_kmem.h>
#include <vm/vm_object.h>
#include <vm/vm_pager.h>
#include <vm/vm_page.h>
#include <vm/vm_user.h>

#ifdef CONFIG_PAE
#define STARTUP_PAGING "PAE"
#else
#define STARTUP_PAGING "non-PAE"
#endif

/*
 * Smallest usable memory the kernel runs in (one CPU): test=all passes
 * with 705 usable pages (QEMU -m 3400K) and fails with 623 (-m 3M, a
 * kmem test runs out); this keeps a margin of about 9% over the first.
 * QEMU's smallest whole size that boots is therefore -m 4M.
 */
#define STARTUP_MEM_MIN_KIB     3072

static const struct startup_info *startup_info;

/* A command line too long for cmdline_parse(), cut. */
static char startup_cmdline_cut[CMDLINE_SIZE];

static void
startup_print_line(const char *line)
{
    printf("%s\n", line);
}

void
startup_report(void)
{
    printf("%s (i386, %s, up to %d CPUs)\n", PACKAGE_STRING, STARTUP_PAGING,
           CONFIG_NCPUS);
    printf("boot: loader \"%s\"\n", startup_info->loader);
    printf("boot: cmdline \"%s\"\n", cmdline_raw());
    machine_report();
}

/*
 * Return s, or when it is too long for cmdline_parse() its first
 * CMDLINE_SIZE - 1 bytes, cut back to the last space or tab if there is
 * one so that no word is cut in two, with a warning. What is cut off is
 * what ktest_setup() looks for test= in (the kept line is a prefix of s).
 */
static const char *
startup_cmdline_fit(const char *s)
{
    size_t len = strlen(s), cut = CMDLINE_SIZE - 1;

    if (len < CMDLINE_SIZE) {
        return s;
    }
    while (cut > 0 && s[cut] != ' ' && s[cut] != '\t') {
        cut--;
    }
    if (cut == 0) {
        cut = CMDLINE_SIZE - 1;
    }
    memcpy(startup_cmdline_cut, s, cut);
    startup_cmdline_cut[cut] = '\0';
    printf("boot: warning: command line of %zu bytes cut to %zu (limit %u bytes)\n",
           len, cut, CMDLINE_SIZE - 1);
    return startup_cmdline_cut;
}

/*
 * Below STARTUP_MEM_MIN_KIB of usable memory, say how much was found and
 * needed, and halt (in a test run, leave QEMU with the failure status).
 */
static void
startup_memory_check(void)
{
    uint64_t kib = pmem_nr_pages() << (PAGE_SHIFT - 10);

    if (kib >= STARTUP_MEM_MIN_KIB) {
        return;
    }
    printf("boot: found %llu KiB of usable memory, need at least %u KiB: halting\n",
           (unsigned long long)kib, STARTUP_MEM_MIN_KIB);
    ktest_boot_fail("too little memory");
    /*
     * Not a test run, or one whose state cannot be trusted: below about
     * 1.6 MiB the kernel's own data lies beyond the end of RAM. Leave
     * QEMU anyway (a no-op without its exit device), then halt.
     */
    machine_exit_qemu(false);
    cpu_halt_forever();
}

/* Memory pressure in vm_page: give kmem's empty slabs and cached objects back. */
static void
startup_vm_page_low(void)
{
    kmem_gc();
}

void
startup(const struct startup_info *info)
{
    int error;

    assert(info != NULL && info->loader != NULL && info->cmdline != NULL);
    startup_info = info;

    /*
     * 1. The command line, first: `test=` decides how a failure ends
     * (an exit status for the test runner instead of a halt), and
     * `console=` which devices the rest of the boot writes to. Both only
     * need the console, which the boot code registered.
     */
    error = cmdline_parse(startup_cmdline_fit(info->cmdline));
    if (error == ERROR_INVAL) {
        printf("boot: command line has an unterminated double quote, ignored\n");
    }
    assert(error == 0 || error == ERROR_INVAL);     /* the line fits */
    ktest_setup(info->cmdline);
    console_setup();

    /*
     * 2. Enough memory to run in, or one clear line (and a failed test
     * run) instead of an exhaustion panic somewhere later. biosmem
     * counted the pages before startup; the test state is known now.
     */
    startup_memory_check();

    /*
     * 3. Interrupts on: the timer ticks (SMP start-up waits on it) and
     * the serial line interrupts (console input). The machine's trap
     * and interrupt tables are in place since boot.
     */
    machine_intr_start();

    /*
     * 4. The boot report: what the boot loader and the CPU said, and the
     * physical memory the boot code found. Before anything that could
     * fail for lack of memory, so a failure reads in context.
     */
    startup_report();

    /*
     * 5. The other CPUs. Their stacks and the real-mode trampoline come
     * from the boot allocator, so this precedes the hand-off to vm_page;
     * NX is decided first because the trampoline turns it on for each
     * CPU it starts.
     */
    pmap_nx_setup();
    smp_setup();

    /*
     * 6. Physical memory: the machine's segments to vm_page, vm_page's
     * descriptors from the boot allocator, then every free page to
     * vm_page, which closes the boot allocator. From here, pages come
     * from vm_page only.
     */
    pmem_load();
    vm_page_setup(pmem_bootalloc);
    pmem_handoff();
    vm_page_ready();
    vm_page_report(startup_print_line);

    /*
     * 7. Kernel memory: kmem's slabs come from vm_page's direct-mapped
     * pages; under pressure vm_page asks kmem for pages back. The kernel
     * page tables (pmap) take their pages from vm_page too, and vm_kmem,
     * the kernel's virtual space for large and guarded allocations,
     * needs both pmap and kmem (its map entries).
     */
    kmem_setup();
    vm_page_low_hook_set(startup_vm_page_low);
    pmap_setup();
    vm_kmem_setup();
    kmem_report(startup_print_line);

    /*
     * 8. Threads: stacks are guarded vm_kmem allocations, thread
     * structures come from kmem, and each online CPU gets an idle
     * thread, so every CPU must be up.
     */
    thread_setup();

    /*
     * 9. Data structures and IPC: radix-tree nodes and IPC objects are
     * kmem caches. IPC spaces are radix trees, so their node cache
     * comes first.
     */
    rdxtree_setup();
    ipc_entry_setup();
    ipc_port_setup();
    ipc_mqueue_setup();
    ipc_space_setup();

    /*
     * 10. User memory and tasks: VM objects and user maps are kmem caches
     * over vm_page; the host and device ports are kernel-object ports,
     * so IPC comes first; tasks hold a map and an IPC space; gsync
     * keys are words of their maps. The devices come after the host
     * ports (device_open checks the master port; the time page starts
     * from host_get_time64) and need VM objects for the time page.
     */
    vm_object_setup();
    vm_pager_setup();
    vm_user_setup();
    host_setup();
    device_setup();
    processor_setup();
    task_setup();
    gsync_setup();

    /*
     * 11. The boot tasks, from the boot loader's modules: needs tasks,
     * the host ports and threads (their first threads). With
     * `user-test`, wait for them all to end before the tests, and check
     * (test image) that they gave back all the memory they took.
     */
    ktest_user_begin();
    bootstrap_run();
    bootstrap_user_test_wait();
    ktest_user_end();

    /*
     * 12. The kernel is up: the tests named by `test=` (which end the
     * machine), or the shell.
     */
    printf("boot: report done\n");
    ktest_run();
    if (cmdline_has("user-test")) {
        machine_exit_qemu(true);        /* the boot tasks' verdict is the runner's */
    }
    shell_run();
}

static void
startup_shell_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    startup_report();
}

SHELL_CMD_DEFINE(report, "", "print the boot report again", startup_shell_report);
