/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * External memory managers: VM objects whose pages a user task (a
 * pager) supplies through GNU Mach's memory_object protocol (doc/vm.md,
 * "Memory objects").
 *
 * vm_map of a memory object port (an ordinary port: its receiver is the
 * pager) makes, or finds again, the one VM object that stands for that
 * port. A new object gets two kernel-object ports, its control port
 * (IPC_KOBJECT_PAGER_CONTROL, the "memory_control" the pager answers
 * on) and its name port (IPC_KOBJECT_PAGER_NAME), and the pager gets
 * memory_object_init. A fault on a page the object lacks sends
 * memory_object_data_request once per page and sleeps (interruptibly)
 * until data_supply, data_unavailable or data_error answers it. The
 * last reference to the object sends memory_object_terminate, which
 * hands the pager the receive rights of both ports.
 *
 * Locking: a global spinlock keeps the table of pager objects and
 * orders every drop of a pager object's reference count with the
 * lookups that take one (by memory object port, by control port);
 * then object->lock guards the pager's requests and attributes.
 * Messages are sent with no lock held.
 */
#ifndef VM_VM_PAGER_H
#define VM_VM_PAGER_H

#include <stdbool.h>
#include <stdint.h>

#include <include/mach/kern_return.h>

struct ipc_port;
struct vm_object;
struct vm_page;
struct vm_user_map;
struct vm_pager_request;

/* Create the kmem caches. Once, after kmem_setup(). */
void vm_pager_setup(void);

/*
 * The VM object standing for memory object port (valid, an ordinary
 * active port), with one more reference, in *objectp: the existing one,
 * or a new one (the pager then gets memory_object_init). Returns 0,
 * ERROR_INVAL (port is a kernel object or dead) or ERROR_NOMEM. The
 * caller's right to port is untouched. Thread context, no lock held.
 */
int vm_pager_object_get(struct ipc_port *port, struct vm_object **objectp);

/*
 * The page at offset (page-aligned, below the size) of pager object,
 * in *pagep, or NULL with *waitp set: the page is being asked for (a
 * memory_object_data_request was sent now or earlier, or the object is
 * not ready yet) and the caller must call vm_pager_wait(object, *waitp)
 * once it has released its locks, then look again. Returns 0,
 * ERROR_NOMEM, or ERROR_IO (the request could not be sent: the pager
 * is gone). access: the VM_MAP_PROT_* bits the fault wants. Called
 * with the map's mutex held; takes object->lock.
 */
int vm_pager_page_get(struct vm_object *object, uint64_t offset, unsigned int access,
                      struct vm_page **pagep, struct vm_pager_request **waitp);

/*
 * Sleep until wait (from vm_pager_page_get()) is answered. Returns 0
 * (look again), ERROR_IO (the pager answered memory_object_data_error)
 * or ERROR_INTR (thread_abort, termination: the thread goes back to
 * user mode, where its ASTs wait). The caller holds a reference to
 * object and no lock.
 */
int vm_pager_wait(struct vm_object *object, struct vm_pager_request *wait);

/*
 * Drop one reference to pager object; true when it was the last one
 * (the object has left the table and its ports answer no more lookups:
 * the caller frees its pages, calls vm_pager_object_terminate() and
 * frees it). Called by vm_object_unref() only.
 */
bool vm_pager_object_release(struct vm_object *object);

/*
 * Send memory_object_terminate for object (last reference gone, pages
 * freed) and free its pager state. Thread context, no lock held.
 */
void vm_pager_object_terminate(struct vm_object *object);

/* Pager objects alive now (for tests). */
unsigned long vm_pager_count(void);

#endif /* VM_VM_PAGER_H */
