/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtual memory routines of mach.defs by RPC, through GNU MIG's
 * user stubs (vm/vm_rpc.c; MACH-ABI.md 6.2): vm_allocate (anywhere,
 * fixed, taken, outside the user space, size 0), vm_protect (current and
 * maximum, bad bits), vm_inherit, vm_region (the next region, none
 * above), vm_read (out-of-line reply, unaligned, unmapped, unreadable),
 * vm_write (out-of-line request; 1 MiB; unmapped, read-only, unaligned),
 * vm_copy, vm_statistics, vm_machine_attribute, vm_map (anonymous, a
 * mask, size 0, a task port as memory object refused; tests/user/pager.c
 * maps real ones), vm_deallocate; then the same
 * calls on a child task made by task_create: written and read back, and
 * inherited copy-on-write with inherit_memory. Every call on a port that
 * is no task answers KERN_INVALID_ARGUMENT. Boot line:
 *     rpcvm $(task-create) $(task-resume)
 */
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/vm_inherit.h>
#include <mach/vm_prot.h>
#include <mach/vm_statistics.h>

#include "mach.h"
#include "mach_port.h"
#include "lib/ulib.h"
#include "lib/mach_traps.h"

#define PAGE    4096u

static mach_port_t self;

/* Fill n bytes at p with a pattern starting at seed. */
static void
fill(unsigned char *p, unsigned int n, unsigned int seed)
{
    for (unsigned int i = 0; i < n; i++) {
        p[i] = (unsigned char)(seed + i * 7);
    }
}

/* Whether n bytes at p hold fill()'s pattern for seed. */
static bool
check(const unsigned char *p, unsigned int n, unsigned int seed)
{
    for (unsigned int i = 0; i < n; i++) {
        if (p[i] != (unsigned char)(seed + i * 7)) {
            return false;
        }
    }
    return true;
}

static void
test_allocate(void)
{
    vm_address_t a = 0, b;
    kern_return_t kr;

    kr = vm_allocate(self, &a, 3 * PAGE, TRUE);
    tap_ok(kr == KERN_SUCCESS && a % PAGE == 0, "vm_allocate 3 pages anywhere: %d at 0x%x",
           kr, a);
    tap_ok(check((unsigned char *)a, 0, 0) && ((unsigned int *)a)[0] == 0
           && ((unsigned int *)a)[3 * PAGE / 4 - 1] == 0, "zero-filled");
    b = a + PAGE;
    kr = vm_allocate(self, &b, PAGE, FALSE);
    tap_ok(kr == KERN_NO_SPACE, "fixed inside it: KERN_NO_SPACE (%d)", kr);
    b = 0xC0000000u;
    kr = vm_allocate(self, &b, PAGE, FALSE);
    tap_ok(kr == KERN_INVALID_ADDRESS, "fixed at 0xC0000000: KERN_INVALID_ADDRESS (%d)", kr);
    b = 0x1234;
    kr = vm_allocate(self, &b, 0, TRUE);
    tap_ok(kr == KERN_SUCCESS, "size 0: KERN_SUCCESS (%d)", kr);
    b = 0;
    kr = vm_allocate(mach_host_self(), &b, PAGE, TRUE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "through the host port: KERN_INVALID_ARGUMENT (%d)", kr);
    tap_ok(vm_deallocate(self, a, 3 * PAGE) == KERN_SUCCESS
           && vm_deallocate(self, a, 3 * PAGE) == KERN_SUCCESS,
           "vm_deallocate, twice (holes are no error)");
}

static void
test_protect_region(void)
{
    vm_address_t a = 0, r;
    vm_size_t size;
    vm_prot_t prot, max;
    vm_inherit_t inh;
    boolean_t shared;
    mach_port_t name;
    vm_offset_t off;
    kern_return_t kr;

    vm_allocate(self, &a, 2 * PAGE, TRUE);
    r = a;
    kr = vm_region(self, &r, &size, &prot, &max, &inh, &shared, &name, &off);
    tap_ok(kr == KERN_SUCCESS && r == a && size == 2 * PAGE && prot == VM_PROT_DEFAULT
           && max == VM_PROT_ALL && inh == VM_INHERIT_COPY && name == MACH_PORT_NULL,
           "vm_region: %d, 0x%x+0x%x prot %d max %d inherit %d", kr, r, size, prot, max, inh);
    kr = vm_protect(self, a + PAGE, PAGE, FALSE, VM_PROT_READ);
    r = a + PAGE;
    vm_region(self, &r, &size, &prot, &max, &inh, &shared, &name, &off);
    tap_ok(kr == KERN_SUCCESS && r == a + PAGE && size == PAGE && prot == VM_PROT_READ,
           "vm_protect READ on the second page: its own region (%d, prot %d)", kr, prot);
    kr = vm_protect(self, a, PAGE, TRUE, VM_PROT_READ);
    tap_ok(kr == KERN_SUCCESS, "vm_protect maximum READ (%d)", kr);
    kr = vm_protect(self, a, PAGE, FALSE, VM_PROT_READ | VM_PROT_WRITE);
    tap_ok(kr == KERN_PROTECTION_FAILURE, "above the maximum: KERN_PROTECTION_FAILURE (%d)", kr);
    kr = vm_protect(self, a, PAGE, FALSE, 0x100);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "unknown bits: KERN_INVALID_ARGUMENT (%d)", kr);
    kr = vm_inherit(self, a, 2 * PAGE, VM_INHERIT_SHARE);
    r = a;
    vm_region(self, &r, &size, &prot, &max, &inh, &shared, &name, &off);
    tap_ok(kr == KERN_SUCCESS && inh == VM_INHERIT_SHARE, "vm_inherit SHARE (%d, now %d)", kr, inh);
    kr = vm_inherit(self, a, PAGE, 5);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_inherit 5: KERN_INVALID_ARGUMENT (%d)", kr);
    r = 0xC0000000u;
    kr = vm_region(self, &r, &size, &prot, &max, &inh, &shared, &name, &off);
    tap_ok(kr == KERN_NO_SPACE, "vm_region at the end of the user space: KERN_NO_SPACE (%d)", kr);
    vm_deallocate(self, a, 2 * PAGE);
}

static void
test_read_write_copy(void)
{
    vm_address_t a = 0, ro = 0, hole;
    vm_offset_t data;
    mach_msg_type_number_t count;
    unsigned char page[PAGE] __attribute__((aligned(4096)));
    kern_return_t kr;

    vm_allocate(self, &a, 4 * PAGE, TRUE);
    fill((unsigned char *)a, 2 * PAGE, 3);
    kr = vm_read(self, a, 2 * PAGE, &data, &count);
    tap_ok(kr == KERN_SUCCESS && count == 2 * PAGE && data != a
           && check((unsigned char *)data, 2 * PAGE, 3),
           "vm_read 2 pages: out-of-line copy at 0x%x, %u bytes (%d)", data, count, kr);
    ((unsigned char *)a)[0] ^= 0xff;
    tap_ok(((unsigned char *)data)[0] == 3, "a copy: the source changing leaves it");
    vm_deallocate(self, data, count);
    kr = vm_read(self, a + PAGE + 8, 12, &data, &count);
    tap_ok(kr == KERN_SUCCESS && count == 12
           && check((unsigned char *)data, 12, 3 + (PAGE + 8) * 7),
           "vm_read 12 bytes at an odd address (%d)", kr);
    vm_deallocate(self, data, count);
    hole = a + 4 * PAGE;
    vm_deallocate(self, hole, PAGE);
    kr = vm_read(self, hole, PAGE, &data, &count);
    tap_ok(kr == KERN_INVALID_ADDRESS, "vm_read of a hole: KERN_INVALID_ADDRESS (%d)", kr);
    vm_protect(self, a + 3 * PAGE, PAGE, FALSE, VM_PROT_NONE);
    kr = vm_read(self, a + 3 * PAGE, PAGE, &data, &count);
    tap_ok(kr == KERN_PROTECTION_FAILURE, "vm_read of a PROT_NONE page: KERN_PROTECTION_FAILURE (%d)",
           kr);

    fill(page, PAGE, 11);
    kr = vm_write(self, a + 2 * PAGE, (vm_offset_t)page, PAGE);
    tap_ok(kr == KERN_SUCCESS && check((unsigned char *)a + 2 * PAGE, PAGE, 11),
           "vm_write a page (out-of-line request) (%d)", kr);
    kr = vm_write(self, a + 2 * PAGE + 4, (vm_offset_t)page, PAGE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_write at an odd address: KERN_INVALID_ARGUMENT (%d)", kr);
    kr = vm_write(self, hole, (vm_offset_t)page, PAGE);
    tap_ok(kr == KERN_INVALID_ADDRESS, "vm_write into a hole: KERN_INVALID_ADDRESS (%d)", kr);
    vm_allocate(self, &ro, PAGE, TRUE);
    vm_protect(self, ro, PAGE, FALSE, VM_PROT_READ);
    kr = vm_write(self, ro, (vm_offset_t)page, PAGE);
    tap_ok(kr == KERN_PROTECTION_FAILURE && ((unsigned int *)ro)[0] == 0,
           "vm_write into a read-only page: KERN_PROTECTION_FAILURE (%d), unchanged", kr);
    kr = vm_write(mach_host_self(), ro, (vm_offset_t)page, PAGE);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_write through the host port: KERN_INVALID_ARGUMENT (%d)",
           kr);

    {
        const unsigned int big = 1u << 20;
        vm_address_t src = 0, dst = 0;

        vm_allocate(self, &src, big, TRUE);
        vm_allocate(self, &dst, big, TRUE);
        fill((unsigned char *)src, big, 5);
        kr = vm_write(self, dst, src, big);
        tap_ok(kr == KERN_SUCCESS && check((unsigned char *)dst, big, 5),
               "vm_write 1 MiB, checked byte for byte (%d)", kr);
        kr = vm_read(self, dst, big, &data, &count);
        tap_ok(kr == KERN_SUCCESS && count == big && check((unsigned char *)data, big, 5),
               "vm_read it back (%d)", kr);
        vm_deallocate(self, data, count);
        vm_deallocate(self, src, big);
        vm_deallocate(self, dst, big);
    }
    kr = vm_copy(self, a + 2 * PAGE, PAGE, a);
    tap_ok(kr == KERN_SUCCESS && check((unsigned char *)a, PAGE, 11), "vm_copy a page (%d)", kr);
    kr = vm_copy(self, a, PAGE, ro);
    tap_ok(kr == KERN_PROTECTION_FAILURE, "vm_copy into read-only: KERN_PROTECTION_FAILURE (%d)", kr);
    vm_deallocate(self, ro, PAGE);
    vm_deallocate(self, a, 4 * PAGE);
}

static void
test_misc(void)
{
    vm_statistics_data_t st;
    vm_address_t a = 0;
    vm_machine_attribute_val_t val = 0;
    mach_port_urefs_t refs = 0, before = 0;
    kern_return_t kr;

    kr = vm_statistics(self, &st);
    tap_ok(kr == KERN_SUCCESS && st.pagesize == PAGE && st.free_count > 0,
           "vm_statistics: pagesize %d, %d free pages (%d)", st.pagesize, st.free_count, kr);
    kr = vm_map(self, &a, 2 * PAGE, 0xffff, TRUE, MACH_PORT_NULL, 0, FALSE,
                VM_PROT_DEFAULT, VM_PROT_ALL, VM_INHERIT_COPY);
    tap_ok(kr == KERN_SUCCESS && (a & 0xffff) == 0 && ((unsigned int *)a)[PAGE / 4] == 0,
           "vm_map anonymous, mask 0xffff: 0x%x (%d)", a, kr);
    kr = vm_machine_attribute(self, a, PAGE, MATTR_CACHE, &val);
    tap_ok(kr == KERN_INVALID_ADDRESS, "vm_machine_attribute: i386's KERN_INVALID_ADDRESS (%d)", kr);
    vm_deallocate(self, a, 2 * PAGE);
    kr = vm_map(self, &a, 0, 0, TRUE, MACH_PORT_NULL, 0, FALSE, VM_PROT_DEFAULT, VM_PROT_ALL,
                VM_INHERIT_COPY);
    tap_ok(kr == KERN_INVALID_ARGUMENT, "vm_map size 0: KERN_INVALID_ARGUMENT (%d)", kr);
    mach_port_get_refs(self, self, MACH_PORT_RIGHT_SEND, &before);
    kr = vm_map(self, &a, PAGE, 0, TRUE, self, 0, FALSE, VM_PROT_DEFAULT, VM_PROT_ALL,
                VM_INHERIT_COPY);
    mach_port_get_refs(self, self, MACH_PORT_RIGHT_SEND, &refs);
    tap_ok(kr == KERN_INVALID_ARGUMENT && refs == before,
           "vm_map of a task port as memory object: KERN_INVALID_ARGUMENT (%d), our send "
           "right kept", kr);
}

/* vm calls on another task, and its memory inherited copy-on-write. */
static void
test_child(void)
{
    mach_port_t child, copy;
    vm_address_t a = 0, ca = 0, mine = 0;
    vm_offset_t data;
    mach_msg_type_number_t count;
    kern_return_t kr;

    kr = task_create(self, FALSE, &child);
    tap_ok(kr == KERN_SUCCESS && MACH_PORT_VALID(child), "task_create by RPC (%d)", kr);
    kr = vm_allocate(child, &ca, 2 * PAGE, TRUE);
    tap_ok(kr == KERN_SUCCESS, "vm_allocate in the child at 0x%x (%d)", ca, kr);
    vm_allocate(self, &mine, PAGE, TRUE);
    fill((unsigned char *)mine, PAGE, 21);
    kr = vm_write(child, ca + PAGE, mine, PAGE);
    tap_ok(kr == KERN_SUCCESS, "vm_write into the child (%d)", kr);
    kr = vm_read(child, ca + PAGE, PAGE, &data, &count);
    tap_ok(kr == KERN_SUCCESS && count == PAGE && check((unsigned char *)data, PAGE, 21),
           "vm_read it back from the child (%d)", kr);
    vm_deallocate(self, data, count);
    kr = vm_read(child, ca, PAGE, &data, &count);
    tap_ok(kr == KERN_SUCCESS && ((unsigned int *)data)[7] == 0, "its untouched page reads zero");
    vm_deallocate(self, data, count);
    tap_ok(task_terminate(child) == KERN_SUCCESS, "task_terminate by RPC");
    kr = vm_allocate(child, &ca, PAGE, TRUE);
    tap_ok(kr == MACH_SEND_INVALID_DEST, "vm_allocate in the dead task: MACH_SEND_INVALID_DEST (0x%x)",
           kr);
    mach_port_deallocate(self, child);

    /* inherit_memory: COPY regions are copied, SHARE ones shared, NONE ones left out. */
    vm_allocate(self, &a, 3 * PAGE, TRUE);
    fill((unsigned char *)a, PAGE, 31);
    vm_inherit(self, a + PAGE, PAGE, VM_INHERIT_NONE);
    vm_inherit(self, a + 2 * PAGE, PAGE, VM_INHERIT_SHARE);
    kr = task_create(self, TRUE, &copy);
    tap_ok(kr == KERN_SUCCESS, "task_create inheriting memory (%d)", kr);
    fill((unsigned char *)a, PAGE, 41);
    kr = vm_read(copy, a, PAGE, &data, &count);
    tap_ok(kr == KERN_SUCCESS && check((unsigned char *)data, PAGE, 31),
           "the child has the page as it was at task_create (%d)", kr);
    vm_deallocate(self, data, count);
    kr = vm_read(copy, a + PAGE, PAGE, &data, &count);
    tap_ok(kr == KERN_INVALID_ADDRESS, "and not the INHERIT_NONE page (%d)", kr);
    fill((unsigned char *)mine, PAGE, 51);
    kr = vm_write(copy, a + 2 * PAGE, mine, PAGE);
    tap_ok(kr == KERN_SUCCESS && check((unsigned char *)a + 2 * PAGE, PAGE, 51),
           "the INHERIT_SHARE page: written in the child, seen here (%d)", kr);
    task_terminate(copy);
    mach_port_deallocate(self, copy);
    vm_deallocate(self, a, 3 * PAGE);
    vm_deallocate(self, mine, PAGE);
}

int
main(void)
{
    self = mach_task_self();
    tap_plan(45);
    test_allocate();
    test_protect_region();
    test_read_write_copy();
    test_misc();
    test_child();
    tap_done();
}
