/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * C prototypes of the trap stubs in traps.S (MACH-ABI.md §1.4). All
 * arguments and results are 32-bit words; pointers are user addresses.
 */
#ifndef TESTS_USER_MACH_TRAPS_H
#define TESTS_USER_MACH_TRAPS_H

#include <mach/kern_return.h>
#include <mach/message.h>
#include <mach/port.h>

typedef natural_t vm_address_t;
typedef natural_t vm_size_t;
typedef natural_t vm_offset_t;
typedef int vm_prot_t;
typedef int vm_inherit_t;
typedef int boolean_t;

kern_return_t evc_wait(unsigned int event);
kern_return_t evc_wait_clear(unsigned int event);
mach_msg_return_t mach_msg_trap(mach_msg_header_t *msg, mach_msg_option_t option,
                                mach_msg_size_t send_size, mach_msg_size_t rcv_size,
                                mach_port_name_t rcv_name, mach_msg_timeout_t timeout,
                                mach_port_name_t notify);
mach_port_t mach_reply_port(void);
mach_port_t mach_thread_self(void);
mach_port_t mach_task_self(void);
mach_port_t mach_host_self(void);
void mach_print(const char *s);
kern_return_t syscall_device_writev_request(mach_port_t device, mach_port_t reply, int mode,
                                            int recnum, void *iovec, natural_t count);
kern_return_t syscall_device_write_request(mach_port_t device, mach_port_t reply, int mode,
                                           int recnum, const void *data, natural_t count);
boolean_t swtch_pri(int priority);
boolean_t swtch(void);
kern_return_t thread_switch(mach_port_t thread, int option, natural_t time_ms);
kern_return_t syscall_vm_map(mach_port_t task, vm_address_t *address, vm_size_t size,
                             vm_address_t mask, boolean_t anywhere, mach_port_t object,
                             vm_offset_t offset, boolean_t copy, vm_prot_t cur_prot,
                             vm_prot_t max_prot, vm_inherit_t inheritance);
kern_return_t syscall_vm_allocate(mach_port_t task, vm_address_t *address, vm_size_t size,
                                  boolean_t anywhere);
kern_return_t syscall_vm_deallocate(mach_port_t task, vm_address_t address, vm_size_t size);
kern_return_t syscall_task_create(mach_port_t parent, boolean_t inherit, mach_port_t *child);
kern_return_t syscall_task_terminate(mach_port_t task);
kern_return_t syscall_task_suspend(mach_port_t task);
kern_return_t syscall_task_set_special_port(mach_port_t task, int which, mach_port_t port);
kern_return_t syscall_mach_port_allocate(mach_port_t task, mach_port_right_t right,
                                         mach_port_t *name);
kern_return_t syscall_mach_port_deallocate(mach_port_t task, mach_port_t name);
kern_return_t syscall_mach_port_insert_right(mach_port_t task, mach_port_t name,
                                             mach_port_t right, int type);
kern_return_t syscall_mach_port_allocate_name(mach_port_t task, mach_port_right_t right,
                                              mach_port_t name);
kern_return_t syscall_thread_depress_abort(mach_port_t thread);
kern_return_t thread_set_self_state(int flavor, natural_t *state, natural_t count);

/* Enter the kernel with %eax = eax unchanged (bad trap numbers). */
int trap_raw(int eax);

#endif /* TESTS_USER_MACH_TRAPS_H */
