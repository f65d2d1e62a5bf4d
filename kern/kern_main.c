/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The boot report is a stable interface: tests/boot/run greps it and
 * doc/boot.md documents every line. Add lines, do not reword them.
 */
#include <i386/boot.h>
#include <i386/cpu_info.h>
#include <ipc/ipc_entry.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_space.h>
#include <kern/cmdline.h>
#include <kern/host.h>
#include <kern/kern_main.h>
#include <kern/ktest.h>
#include <kern/printf.h>
#include <kern/rdxtree.h>
#include <kern/shell.h>
#include <kern/task.h>
#include <vm/vm_object.h>
#include <vm/vm_user.h>

#ifdef CONFIG_PAE
#define KERN_PAGING "PAE"
#else
#define KERN_PAGING "non-PAE"
#endif

void
kern_report(void)
{
    printf("%s (i386, %s, up to %d CPUs)\n", PACKAGE_STRING, KERN_PAGING,
           CONFIG_NCPUS);
    printf("boot: loader \"%s\"\n", boot_loader_name());
    printf("boot: cmdline \"%s\"\n", cmdline_raw());
    cpu_info_report();
    boot_report_memory();
}

void
kern_main(void)
{
    rdxtree_setup();
    ipc_entry_setup();
    ipc_port_setup();
    ipc_space_setup();
    vm_object_setup();
    vm_user_setup();
    host_setup();
    task_setup();
    printf("boot: report done\n");
    ktest_run();
    shell_run();
}

static void
kern_shell_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    kern_report();
}

SHELL_CMD_DEFINE(report, "", "print the boot report again", kern_shell_report);
