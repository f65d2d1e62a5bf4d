/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the MIG-generated kernel server stubs see (doc/ipc.md, "MIG").
 *
 * GNU MIG reads GNU Mach's interface definitions with KERNEL_SERVER
 * defined: a port argument then names a kernel object, turned from and
 * into a port by conversion functions the definitions name
 * (convert_port_to_task, convert_task_to_port, task_deallocate...).
 * tools/mig --kernel-server replaces the headers the stubs include,
 * named after GNU Mach's source tree, by this one: it maps each type of
 * the definitions onto mach's objects and declares the conversions
 * (kern/mig_convert.c). It must not declare the server routines
 * themselves: each generated stub declares the routine it calls, and
 * the file implementing a routine includes the generated BASE_S.h,
 * which checks its prototype.
 *
 * In a request the stub reads, the header's ports and the body's port
 * items hold struct ipc_port pointers, out-of-line items a struct
 * vm_copy pointer (a port array's copy holds pointers too); a reply the
 * stub builds has the same form (kern/ipc_kobject.c converts both ways).
 * A routine that succeeds consumes the rights and copies it is given;
 * one that fails consumes nothing.
 *
 * Object lifetimes: a conversion takes a reference that the stub's
 * destructor call drops after the routine. ipc_space_t and vm_map_t are
 * held through their task (a task reference keeps its space and map).
 */
#ifndef KERN_MIG_KERNEL_H
#define KERN_MIG_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <include/device/device_types.h>
#include <include/mach/boolean.h>
#include <include/mach/host_info.h>
#include <include/mach/kern_return.h>
#include <include/mach/machine/vm_types.h>
#include <include/mach/message.h>
#include <include/mach/mig_errors.h>
#include <include/mach/port.h>
#include <include/mach/processor_info.h>
#include <include/mach/task_info.h>
#include <include/mach/thread_info.h>
#include <include/mach/thread_status.h>
#include <include/mach/time_value.h>
#include <include/mach/machine/mach_i386_types.h>
#include <include/mach_debug/slab_info.h>
#include <kern/string.h>                /* strlen, for the string replies */

typedef void (*mig_routine_t)(mach_msg_header_t *request, mach_msg_header_t *reply);

/*
 * A routine the kernel lacks answers this (the stubs' weak default):
 * what GNU Mach answers for an id no subsystem has. doc/interface.md
 * lists them.
 */
#define MIG_EOPNOTSUPP          MIG_BAD_ID

/* Kernel objects behind the port types. */
struct ipc_port;
struct ipc_space;
struct task;
struct thread;
struct host;
struct processor;
struct processor_set;
struct vm_copy;

typedef struct ipc_port *ipc_port_t;
typedef struct ipc_space *ipc_space_t;
typedef struct task *task_t;
typedef struct thread *thread_t;
typedef struct task *vm_map_t;          /* vm_task_t: the task whose map it is */
typedef struct host *host_t;
typedef struct processor *processor_t;
typedef struct processor_set *processor_set_t;

typedef task_t *task_array_t;
typedef thread_t *thread_array_t;
typedef processor_t *processor_array_t;
typedef processor_set_t *processor_set_name_array_t;
typedef ipc_port_t *mach_port_array_t;

/* Addresses and sizes of the i386 user interface: 32 bits, as in the kernel. */
typedef uintptr_t vm_offset_t;
typedef uintptr_t vm_address_t;
typedef uintptr_t vm_size_t;
typedef uint32_t rpc_vm_offset_t;
typedef uint32_t rpc_vm_address_t;
typedef uint32_t rpc_vm_size_t;
typedef int vm_prot_t;
typedef int vm_inherit_t;
typedef int vm_machine_attribute_t;
typedef int vm_machine_attribute_val_t;
typedef int vm_sync_t;
typedef vm_offset_t pointer_t;
#define convert_vm_from_user(x)         ((vm_offset_t)(x))
#define convert_vm_to_user(x)           ((rpc_vm_offset_t)(x))

/* Out-of-line data a routine receives or returns: a struct vm_copy. */
typedef struct vm_copy *vm_map_copy_t;

/* mach_port.defs */
typedef mach_port_name_t *mach_port_name_array_t;
typedef mach_port_type_t *mach_port_type_array_t;
typedef unsigned int mach_port_mscount_t;
typedef unsigned int mach_port_msgcount_t;
typedef unsigned int mach_port_rights_t;
typedef unsigned long rpc_uintptr_t;
typedef struct mach_port_status {
    mach_port_name_t mps_pset;          /* the set it is in, or MACH_PORT_NULL */
    mach_port_seqno_t mps_seqno;
    mach_port_mscount_t mps_mscount;
    mach_port_msgcount_t mps_qlimit;
    mach_port_msgcount_t mps_msgcount;
    mach_port_rights_t mps_sorights;
    boolean_t mps_srights;
    boolean_t mps_pdrequest;
    boolean_t mps_nsrequest;
} mach_port_status_t;

/* mach.defs */
typedef vm_offset_t *emulation_vector_t;
typedef int memory_object_copy_strategy_t;
typedef int memory_object_return_t;
typedef struct vm_statistics {          /* GNU Mach's layout (mach/vm_statistics.h) */
    integer_t pagesize;
    integer_t free_count;
    integer_t active_count;
    integer_t inactive_count;
    integer_t wire_count;
    integer_t zero_fill_count;
    integer_t reactivations;
    integer_t pageins;
    integer_t pageouts;
    integer_t faults;
    integer_t cow_faults;
    integer_t lookups;
    integer_t hits;
} vm_statistics_data_t;

/*
 * Memory control ports (memory_object_* calls of mach.defs): the VM
 * object of an external pager, with a reference the routine drops
 * (vm/vm_pager.c), or NULL.
 */
struct vm_object;
#define null_conversion(port)           (port)      /* vm_map's memory_object: the port itself */
typedef struct vm_object *vm_object_t;
vm_object_t vm_object_lookup(ipc_port_t port);

/* mach_host.defs (kernel_boot_info_t: include/mach/host_info.h) */
typedef struct time_value rpc_time_value_t;
#define convert_time_value_from_user(t) (t)
#define convert_time_value_to_user(t)   (t)

/* gnumach.defs and the project's gnumach_ext.defs, mach_host_ext.defs */
typedef int vm_wire_t;
typedef uint64_t rpc_phys_addr_t;
typedef rpc_phys_addr_t *rpc_phys_addr_array_t;
typedef char kernel_debug_name_t[64];   /* c_string[*:64] */
typedef const char *const_kernel_debug_name_t;
typedef struct vm_cache_statistics {    /* GNU Mach's 11 counters */
    integer_t cache_object_count;
    integer_t cache_count;
    integer_t active_tmp_count;
    integer_t inactive_tmp_count;
    integer_t active_perm_count;
    integer_t inactive_perm_count;
    integer_t dirty_count;
    integer_t laundry_count;
    integer_t writeback_count;
    integer_t slab_count;
    integer_t slab_reclaim_count;
} vm_cache_statistics_data_t;

/* memory_object_name_t: no port names a VM object yet (vm_object_t above). */

/* mach_i386.defs: I/O permission objects, the machine's (i386/io_perm.c). */
struct io_perm;
typedef const descriptor_t *const_descriptor_list_t;
typedef unsigned short io_port_t;
typedef struct io_perm *io_perm_t;

/*
 * mach_debug.defs: the records of the calls mach does not answer are
 * kept as words of GNU Mach's sizes (the stubs check them).
 */
typedef struct hash_info_bucket {
    natural_t hib_count;
} hash_info_bucket_t;
typedef hash_info_bucket_t *hash_info_bucket_array_t;
typedef char symtab_name_t[32];
typedef const char *const_symtab_name_t;
typedef struct { natural_t words[11]; } vm_region_info_t;
typedef struct { natural_t words[14]; } vm_object_info_t;
typedef struct { natural_t words[6]; } vm_page_info_t;
typedef vm_page_info_t *vm_page_info_array_t;
/* device.defs (device/device.h): the device types and codes, the kernel's device_t. */
typedef struct device *device_t;
typedef natural_t rpc_recnum_t;
typedef char *io_buf_ptr_t;                     /* out of line: a struct vm_copy */
typedef short filter_t;
typedef filter_t *filter_array_t;
#define convert_long_natural_from_user(x)       ((recnum_t)(x))
#define convert_long_natural_to_user(x)         ((rpc_recnum_t)(x))

/* Port rights the stubs take and give (ipc/ipc_right.h). */
#define IP_NULL                         ((ipc_port_t)0)
#define IP_VALID(port)                  ((port) != IP_NULL && (port) != (ipc_port_t)-1)
void ipc_port_release_send(ipc_port_t port);
void ipc_port_release_sonce(ipc_port_t port);
boolean_t ipc_port_check_circularity(ipc_port_t port, ipc_port_t dest);

/*
 * Out-of-line reply data: size bytes of data in a new vm_copy stored
 * in *(struct vm_copy **)slot, the array argument of a routine (NULL
 * for 0 bytes). A port array is an array of ipc_port_t, each a right
 * the routine made. Returns KERN_SUCCESS or KERN_RESOURCE_SHORTAGE
 * (nothing made). Thread context.
 */
kern_return_t mig_reply_ool(const void *data, size_t size, void *slot);

/*
 * A send right a routine keeps as a port reference (the kernel holds
 * special and registered ports that way): mig_right_keep() takes the
 * reference (NULL for no valid port), mig_right_kept() finishes once
 * the routine knows its result: on success the right is released (the
 * reference stays with the object), on failure the reference is dropped
 * (the right stays the request's, destroyed with it).
 */
struct ipc_port *mig_right_keep(ipc_port_t right);
void mig_right_kept(struct ipc_port *port, kern_return_t kr);

/* Conversions (kern/mig_convert.c): NULL for a port of another kind or a dead one. */
ipc_space_t convert_port_to_space(ipc_port_t port);
void space_deallocate(ipc_space_t space);
task_t convert_port_to_task(ipc_port_t port);
ipc_port_t convert_task_to_port(task_t task);
void task_deallocate(task_t task);
vm_map_t convert_port_to_map(ipc_port_t port);
void vm_map_deallocate(vm_map_t map);
thread_t convert_port_to_thread(ipc_port_t port);
ipc_port_t convert_thread_to_port(thread_t thread);
void thread_deallocate(thread_t thread);
host_t convert_port_to_host(ipc_port_t port);
host_t convert_port_to_host_priv(ipc_port_t port);
ipc_port_t convert_host_to_port(host_t host);
processor_t convert_port_to_processor(ipc_port_t port);
processor_set_t convert_port_to_pset(ipc_port_t port);
processor_set_t convert_port_to_pset_name(ipc_port_t port);
ipc_port_t convert_pset_to_port(processor_set_t pset);
ipc_port_t convert_pset_name_to_port(processor_set_t pset);
void pset_deallocate(processor_set_t pset);
vm_object_t vm_object_lookup_name(ipc_port_t port);    /* NULL: no routine uses names yet */
void vm_object_deallocate(vm_object_t object);          /* vm/vm_pager.c */
io_perm_t convert_port_to_io_perm(ipc_port_t port);     /* i386/io_perm.c */
ipc_port_t convert_io_perm_to_port(io_perm_t io_perm);
void io_perm_deallocate(io_perm_t io_perm);
/*
 * The last send right to io_perm's port is gone (ipc_kobject_no_senders()):
 * the port dies, the object is dropped. Consumes the no-senders request's
 * send-once right. Thread context, no port lock held.
 */
void io_perm_no_senders(io_perm_t io_perm);
device_t dev_port_lookup(ipc_port_t port);              /* device/device.c */
ipc_port_t convert_device_to_port(device_t device);
void device_deallocate(device_t device);

#endif /* KERN_MIG_KERNEL_H */
