/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel messages: a message between mach_msg's copy from the sender
 * and its copy to the receiver, with the port rights it carries taken
 * out of the sender's space (doc/ipc.md, "Messages").
 *
 * A kmsg is one kmem buffer: this structure, then the message as the
 * sender wrote it (header and typed body, header.msgh_size bytes). Small
 * messages come from kmem's size-class caches, large ones from page
 * blocks; there is no fixed pool. Copyin replaces the names of the
 * header and of the body's port items with rights: the header's in
 * remote and local, the body's in ports[], in item order (the body keeps
 * its descriptors, their names rewritten to what the receiver sees).
 * Copyout gives the rights to the receiver's space and writes its names
 * back. Out-of-line memory is captured at copyin into vm_copy objects
 * (copies[], in item order; vm/vm_copy.h) and mapped into the receiver
 * at copyout, at an address the kernel picks; an out-of-line port
 * array's names are read from its copy at copyin, and the receiver's
 * names written into it at copyout.
 *
 * Locking: a kmsg belongs to one thread or one queue at a time and has
 * no lock; the functions take space and port locks as ipc/ipc_right.h
 * says. Nothing here touches user memory.
 */
#ifndef IPC_IPC_KMSG_H
#define IPC_IPC_KMSG_H

#include <stdint.h>

#include <include/mach/message.h>
#include <ipc/ipc_port.h>
#include <ipc/ipc_space.h>
#include <kern/list.h>

struct vm_copy;
struct vm_user_map;

/* Largest message mach_msg accepts (header and body), in bytes. */
#define IPC_KMSG_MAX_SIZE       (1024u * 1024u)

/*
 * Room after every message's last byte, zeroed before a kernel server
 * reads the message (kern/ipc_kobject.c): MIG's stubs hand an inline
 * string argument (c_string[*:N], N up to 128: dev_name_t) to the
 * routine without checking that it ends within the message, so a
 * routine reading up to N bytes stays in the buffer and finds a NUL.
 */
#define IPC_KMSG_SLACK          128u

/* Most port rights one message carries, inline and out of line. */
#define IPC_KMSG_MAX_PORTS      (1u << 20)

struct ipc_kmsg {
    struct list node;                   /* in a message queue */
    struct ipc_port *remote;            /* after copyin: the destination right */
    struct ipc_port *local;             /* the reply right: a port, NULL or IPC_PORT_DEAD */
    struct ipc_port **ports;            /* the body's rights, in item order */
    uint32_t nr_ports;
    struct vm_copy **copies;            /* the body's out-of-line memory, in item order */
    uint32_t nr_copies;
    uint32_t alloc_size;                /* bytes of the message part of the buffer */
    unsigned long stamp;                /* queued on a set's member: its arrival in the set */
    struct ipc_marequest *marequest;    /* MACH_SEND_NOTIFY's request (ipc/ipc_marequest.h),
                                           answered when the message is freed; or NULL */
    mach_msg_header_t header;           /* then the body */
};

/* The body of kmsg: header.msgh_size - 24 bytes after the header. */
static inline void *
ipc_kmsg_body(struct ipc_kmsg *kmsg)
{
    return &kmsg->header + 1;
}

/*
 * A kmsg with room for a message of size bytes (at least a header, at
 * most IPC_KMSG_MAX_SIZE), its header.msgh_size set to size and no
 * rights. Returns NULL when memory is out or size is beyond the limit.
 */
struct ipc_kmsg *ipc_kmsg_alloc(mach_msg_size_t size);

/*
 * Free kmsg, which carries no right any more (after copyout, or a failed
 * copyin); a msg-accepted request it carries is answered (thread context).
 */
void ipc_kmsg_free(struct ipc_kmsg *kmsg);

/*
 * Take the rights kmsg's header and body name out of space, the
 * sender's, and capture its out-of-line memory from map, the sender's
 * (the calling thread's), with every check of MACH-ABI.md 2.2-2.3, in
 * GNU Mach's order: MACH_SEND_INVALID_HEADER (dispositions),
 * MACH_SEND_INVALID_DEST, MACH_SEND_INVALID_REPLY (nothing has changed),
 * then, for a complex message, the body's MACH_SEND_MSG_TOO_SMALL or
 * MACH_SEND_INVALID_TYPE, then item by item MACH_SEND_INVALID_RIGHT and
 * MACH_SEND_INVALID_MEMORY (a range that cannot be read; with the
 * deallocate bit the range leaves the sender's map once captured), and
 * MACH_SEND_NO_BUFFER when memory is out. On a body error the rights and
 * memory already taken are destroyed, as GNU Mach does (header rights
 * included); the body is checked whole before its first right moves, so
 * a malformed body costs only the header's rights. On success the header
 * bits hold the received types and COMPLEX only when the body carries
 * rights or out-of-line items. Takes the space lock and port locks.
 */
mach_msg_return_t ipc_kmsg_copyin(struct ipc_kmsg *kmsg, struct ipc_space *space,
                                  struct vm_user_map *map);

/*
 * ipc_kmsg_copyin() under MACH_SEND_CANCEL: cancel names a receive right
 * of space (else MACH_SEND_INVALID_NOTIFY before anything else), and the
 * port-deleted notification the destination's copyin would send to that
 * port is dropped (ipc_right_copyin_header()).
 */
mach_msg_return_t ipc_kmsg_copyin_cancel(struct ipc_kmsg *kmsg, struct ipc_space *space,
                                         struct vm_user_map *map, mach_port_name_t cancel);

/*
 * Give kmsg's rights to space and its out-of-line memory to map, the
 * receiver's (the calling thread's), and write the receiver's view of
 * the message into kmsg: the header swapped (remote: the reply right's
 * name and type, local: the destination's name in space, its type
 * PORT_SEND or PORT_SEND_ONCE), port items holding names, out-of-line
 * items the new addresses and the deallocate bit. Rights that cannot be
 * given (names or memory out) are destroyed and named MACH_PORT_NULL;
 * memory that cannot be mapped reads address 0 and size 0; the result
 * then has MACH_RCV_HEADER_ERROR (the reply right) or
 * MACH_RCV_BODY_ERROR, or'ed with MACH_MSG_IPC_SPACE, MACH_MSG_IPC_KERNEL,
 * MACH_MSG_VM_SPACE or MACH_MSG_VM_KERNEL. Either way kmsg carries
 * nothing afterwards. Takes the space lock and port locks.
 */
mach_msg_return_t ipc_kmsg_copyout(struct ipc_kmsg *kmsg, struct ipc_space *space,
                                   struct vm_user_map *map);

/*
 * ipc_kmsg_copyout() under MACH_RCV_NOTIFY: when the reply right gets a
 * new name in space, notify (a send-once right, or NULL) becomes its
 * dead-name request (ipc_right_copyout_reply()). notify is consumed.
 */
mach_msg_return_t ipc_kmsg_copyout_notify(struct ipc_kmsg *kmsg, struct ipc_space *space,
                                          struct vm_user_map *map, struct ipc_port *notify);

/*
 * Give kmsg's rights and memory back to space and map, the sender's,
 * when a send failed after copyin (MACH_SEND_TIMED_OUT,
 * MACH_SEND_INTERRUPTED): the header
 * keeps its orientation (remote: the destination's name, local: the
 * reply right's) and the bits their received types; body port items
 * hold names, out-of-line items new addresses. Rights that cannot be
 * given are destroyed and named MACH_PORT_NULL, and the result has the
 * modifier bits of ipc_kmsg_copyout() (else MACH_MSG_SUCCESS). kmsg carries no right
 * afterwards. Takes the space lock and port locks.
 */
mach_msg_return_t ipc_kmsg_copyout_pseudo(struct ipc_kmsg *kmsg, struct ipc_space *space,
                                          struct vm_user_map *map);

/*
 * What a receiver of a message too large for its buffer gets without
 * MACH_RCV_LARGE: the header alone, local holding the destination's name
 * in space (type PORT_SEND or PORT_SEND_ONCE), remote MACH_PORT_NULL;
 * the reply right, the body's rights and memory are destroyed. msgh_size stays
 * the message's size. kmsg carries no right afterwards. Takes port locks.
 */
void ipc_kmsg_copyout_dest(struct ipc_kmsg *kmsg, struct ipc_space *space);

/*
 * The kernel's view of a copied-in kmsg, for a kernel server
 * (kern/mig_kernel.h): the header's port fields and the body's port
 * items are rewritten to hold struct ipc_port pointers, and out-of-line
 * items the struct vm_copy pointer (a port array's copy then holds
 * pointers). kmsg still carries its rights and copies in remote, local,
 * ports[] and copies[]. Cannot fail.
 */
void ipc_kmsg_kernel_view(struct ipc_kmsg *kmsg);

/*
 * Free kmsg, whose header rights are gone (remote and local NULL) and
 * whose body rights and copies a kernel routine consumed: ports[] and
 * copies[] are freed, not released.
 */
void ipc_kmsg_forget(struct ipc_kmsg *kmsg);

/*
 * Take up a message the kernel built in kmsg in the kernel's view (see
 * ipc_kmsg_kernel_view()): the header's pointers become remote and
 * local (already counted rights, in received types), the body's port
 * items and out-of-line copies go to ports[] and copies[]. A body item
 * may give a right as MAKE_SEND, COPY_SEND or MAKE_SEND_ONCE of a port
 * the kernel keeps alive (the right is made here) or as a received
 * type (the right is the message's already). The result is what
 * ipc_kmsg_copyin() makes of a user's message. Returns
 * MACH_MSG_SUCCESS, or MACH_SEND_NO_BUFFER when memory is out: the
 * body's rights and memory are then released and the header's too.
 * Takes port locks.
 */
mach_msg_return_t ipc_kmsg_from_kernel(struct ipc_kmsg *kmsg);

/* Destroy a copied-in kmsg: release every right it carries, then free it. */
void ipc_kmsg_destroy(struct ipc_kmsg *kmsg);

/*
 * Release a right a message carried for port (valid): send and
 * send-once rights lose their count and reference; a receive right
 * kills the port, and the messages queued on it are destroyed. Takes
 * port locks.
 */
void ipc_kmsg_release_right(struct ipc_port *port, mach_msg_type_name_t type);

/*
 * port just died (ipc_port_destroy()): destroy the messages queued on
 * it, and those their receive rights bring down in turn (iteratively:
 * no recursion however long the chain). Takes port locks, and may be
 * called with a space lock held.
 */
void ipc_kmsg_port_died(struct ipc_port *port);

#endif /* IPC_IPC_KMSG_H */
