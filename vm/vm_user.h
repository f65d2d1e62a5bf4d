/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * User address maps and the Mach calls on them: vm_allocate,
 * vm_deallocate, vm_map (anonymous memory), vm_protect, vm_inherit,
 * vm_read, vm_write, vm_copy, vm_region, vm_wire, vm_wire_all, the size
 * limits, vm_machine_attribute, vm_allocate_contiguous, vm_pages_phys,
 * with GNU Mach's semantics and errors (../shared/MACH-ABI.md §6); and
 * the two halves of out-of-line message memory, vm_user_map_extract()
 * and vm_user_map_insert().
 *
 * A user map is a vm_map over [0, 0xC0000000) (VM_USER_MIN..VM_USER_MAX)
 * with its own pmap and a sleeping lock.
 * Every entry maps a range of an anonymous VM object (vm/vm_object.h)
 * and holds one reference to it; pages appear on first touch through
 * vm_fault() (vm/vm_fault.h).
 *
 *   error = vm_user_map_create(&map);
 *   kr = vm_user_allocate(map, &addr, size, true);     kern_return_t
 *   error = vm_fault(map, addr, VM_MAP_PROT_WRITE);     (the trap path)
 *   kr = vm_user_deallocate(map, addr, size);
 *   vm_user_map_destroy(map);                            every page back
 *
 * Locking: the map's mutex (kern/mutex.h), taken inside every call
 * here; it serializes the map's changes and its faults and may be held
 * while pages are allocated and zeroed. Thread context only, preemption
 * enabled, no spinlock held. The vm_map spinlock of the embedded map is
 * never used.
 *
 * Errors: the vm_user_* Mach calls return kern_return_t, converted once
 * from the kernel's negative codes by vm_user_kern_return().
 */
#ifndef VM_VM_USER_H
#define VM_VM_USER_H

#include <stdbool.h>
#include <stdint.h>

#include <include/mach/kern_return.h>
#include <kern/mutex.h>
#include <vm/vm_fault.h>
#include <vm/vm_map.h>

/* The user range of every map: Mach's VM_MIN_ADDRESS and VM_MAX_ADDRESS on i386. */
#define VM_USER_MIN             0x00000000UL
#define VM_USER_MAX             0xC0000000UL

/* Mach's vm_prot_t bits beyond VM_PROT_ALL that vm_protect accepts. */
#define VM_USER_PROT_NOTIFY     0x10

/* vm_wire_all's flags: Mach's vm_wire_t. */
#define VM_USER_WIRE_NONE       0
#define VM_USER_WIRE_CURRENT    1
#define VM_USER_WIRE_FUTURE     2
#define VM_USER_WIRE_ALL        3

/* What vm_wire lets a task wire with the unprivileged host port (GNU Mach's 8 MiB). */
#define VM_USER_WIRE_MAX        (8UL << 20)

/*
 * The size limit a map starts with: none. GNU Mach starts every task at
 * the size of physical memory, which refuses address space a task only
 * reserves; here memory is overcommitted and running out of it is the
 * out-of-memory policy's business (doc/vm.md), so the default is no
 * limit and vm_set_size_limit sets one.
 */
#define VM_USER_SIZE_LIMIT_DEFAULT UINTPTR_MAX

/* vm_allocate_contiguous: a pmax up to this limit means ISA DMA memory (GNU Mach). */
#define VM_USER_DMA_LIMIT       0x1000000ULL

struct pmap;
struct vm_object;

struct vm_user_map {
    struct mutex lock;
    struct vm_map map;          /* entries; locked by lock, not by its spinlock */
    struct pmap *pmap;
    uintptr_t size_cur_limit;   /* vm_set_size_limit; locked by lock */
    uintptr_t size_max_limit;
    bool wire_future;           /* vm_wire_all(VM_WIRE_FUTURE): new entries wired */
    struct vm_fault_counts events;  /* faults in this map (vm_fault.c), atomic */
};

/*
 * Convert a kernel error code (0 or negative, kern/error.h) into the
 * kern_return_t a Mach VM call returns: error_to_kern_return(), except
 * ERROR_EXIST (an overlap at a fixed address), which Mach's VM calls
 * report as KERN_NO_SPACE. Any context.
 */
kern_return_t vm_user_kern_return(int error);

/* Create the kmem cache of user maps. Once, after vm_object_setup(). */
void vm_user_setup(void);

/*
 * Create an empty user map with its own pmap in *mapp. Returns 0 or
 * ERROR_NOMEM (nothing allocated).
 */
int vm_user_map_create(struct vm_user_map **mapp);

/*
 * Destroy map: every entry, object reference, page and page table goes.
 * Its pmap must be loaded on no CPU (no thread may use it any more).
 */
void vm_user_map_destroy(struct vm_user_map *map);

/*
 * Empty map (a terminated task's, kern/task.c): every entry goes with
 * its object reference and the pages only this map held, as a
 * vm_deallocate of the whole range; the map and its pmap stay, usable
 * and empty, until vm_user_map_destroy(). Takes the map's mutex.
 */
void vm_user_map_empty(struct vm_user_map *map);

/* The map's pmap, for thread_pmap_set(). */
static inline struct pmap *
vm_user_map_pmap(const struct vm_user_map *map)
{
    return map->pmap;
}

/*
 * Resident pages of map, as GNU Mach counts them for task_info's resident
 * size: the pages its pmap maps now (pmap_resident_count()), so pages
 * shared with another map count in each map that maps them, and pages
 * unmapped by vm_protect(NONE) do not count. Per object:
 * vm_object_nr_pages(). Lock-free snapshot.
 */
unsigned long vm_user_map_resident(const struct vm_user_map *map);

/*
 * vm_allocate: zero-filled memory, protection READ|WRITE, maximum ALL,
 * inheritance COPY. size 0: success, *addrp = 0. Otherwise size is
 * rounded up to pages; anywhere: at the lowest free address from the
 * map's start (address 0 included), else at *addrp truncated to a page.
 * Returns KERN_SUCCESS with *addrp set, KERN_INVALID_ADDRESS (fixed:
 * range not inside the map), KERN_NO_SPACE (fixed: overlap; anywhere:
 * nothing fits), KERN_RESOURCE_SHORTAGE (no memory for bookkeeping).
 */
kern_return_t vm_user_allocate(struct vm_user_map *map, uintptr_t *addrp,
                               uintptr_t size, bool anywhere);

/*
 * vm_deallocate: unmap [trunc(addr), round(addr + size)) clipped to the
 * map, freeing the pages no mapping uses any more. size 0, holes and
 * parts outside the map are not errors. Returns KERN_SUCCESS, or
 * KERN_RESOURCE_SHORTAGE when an entry could not be split (nothing
 * unmapped).
 */
kern_return_t vm_user_deallocate(struct vm_user_map *map, uintptr_t addr, uintptr_t size);

/*
 * vm_map of anonymous memory (no memory object). cur_prot and max_prot
 * must be within VM_PROT_ALL, inherit one of SHARE, COPY, NONE, size not
 * 0 (else KERN_INVALID_ARGUMENT). addr is truncated and size rounded to
 * pages. mask (anywhere only, as in GNU Mach): its low run of ones is
 * the alignment, its other bits an upper limit at the lowest of them.
 * copy changes nothing for anonymous memory. The protection stored is
 * cur_prot & max_prot. Errors as vm_user_allocate().
 */
kern_return_t vm_user_map(struct vm_user_map *map, uintptr_t *addrp, uintptr_t size,
                          uintptr_t mask, bool anywhere, bool copy,
                          unsigned int cur_prot, unsigned int max_prot,
                          unsigned int inherit);

/*
 * vm_map of a kernel memory object (the device pager of device "time",
 * device/dev_pager.h): [offset, offset + size) of object, a VM object
 * the kernel keeps and has marked shared (vm_object_share()), so that
 * unmapping never frees its pages. object_prot is the most the object
 * allows: cur_prot beyond it → KERN_PROTECTION_FAILURE, and max_prot is
 * cut to it. offset not page-aligned or the range beyond the object's
 * size → KERN_INVALID_ARGUMENT; other arguments and errors as
 * vm_user_map(). Without copy the entry maps the object itself (the
 * kernel's later writes show through); with copy it maps an eager
 * private copy of the range. The caller keeps its reference to object.
 */
kern_return_t vm_user_map_object(struct vm_user_map *map, uintptr_t *addrp, uintptr_t size,
                                 uintptr_t mask, bool anywhere, bool copy,
                                 struct vm_object *object, uint64_t offset,
                                 unsigned int object_prot, unsigned int cur_prot,
                                 unsigned int max_prot, unsigned int inherit);

/*
 * vm_protect: set the current protection of [trunc(addr), round(addr +
 * size)) to prot, or with set_max lower the maximum to prot (and the
 * current one to current & prot). prot bits beyond ALL|NOTIFY →
 * KERN_INVALID_ARGUMENT; prot above an entry's maximum →
 * KERN_PROTECTION_FAILURE with nothing changed. Holes are ignored.
 * Mappings losing rights are changed in the pmap at once.
 */
kern_return_t vm_user_protect(struct vm_user_map *map, uintptr_t addr, uintptr_t size,
                              bool set_max, unsigned int prot);

/*
 * vm_inherit: set the inheritance of the range (holes ignored); a value
 * other than SHARE, COPY, NONE → KERN_INVALID_ARGUMENT.
 */
kern_return_t vm_user_inherit(struct vm_user_map *map, uintptr_t addr, uintptr_t size,
                              unsigned int inherit);

/*
 * Fill child (a new, empty map) from parent by each entry's inheritance:
 * SHARE maps the same memory in both, COPY a copy-on-write copy, NONE
 * nothing. Protections and inheritance are kept. Takes both maps'
 * mutexes. Returns 0 or ERROR_NOMEM: the child then holds part of the
 * entries and the caller destroys it; the parent's contents never change
 * (its entries may have been given empty shadow objects).
 */
int vm_user_map_fork(struct vm_user_map *parent, struct vm_user_map *child);

/*
 * Make the bytes [addr, addr + size) of src appear copy-on-write in dst
 * at the lowest free address (the primitive behind out-of-line message
 * memory and vm_read/vm_copy): the pages [trunc(addr), round(addr +
 * size)) are mapped at a page boundary of dst, and *dst_addrp gets the
 * address of byte addr there (same offset in its page). The new entries
 * have protection READ|WRITE, maximum ALL, inheritance COPY (GNU Mach's
 * copyout). src may be dst. size 0: success, *dst_addrp = 0.
 * vm_user_map_extract() then vm_user_map_insert(): takes src's mutex,
 * then dst's. Returns 0, ERROR_FAULT (a hole in the
 * source range, or a range past the user space: KERN_INVALID_ADDRESS),
 * ERROR_PROT (a source page not readable: KERN_PROTECTION_FAILURE),
 * ERROR_NOSPC (no room in dst) or ERROR_NOMEM (dst unchanged; src's
 * contents unchanged).
 */
int vm_user_map_copy(struct vm_user_map *src, uintptr_t addr, uintptr_t size,
                     struct vm_user_map *dst, uintptr_t *dst_addrp);

/*
 * A range of an object held outside any map: what vm_user_map_extract()
 * takes out of a map and vm_user_map_insert() maps into one (out-of-line
 * message memory while the message is queued, vm/vm_copy.h).
 */
struct vm_user_piece {
    struct vm_object *object;   /* one reference, the piece's */
    uint64_t offset;            /* of the range in object */
    uintptr_t size;             /* bytes, a non-zero multiple of PAGE_SIZE */
};

/*
 * Take the pages [trunc(addr), round(addr + size)) of map (size > 0)
 * out as pieces, one per entry of the range, in address order. On
 * entry *piecesp and *nr_piecesp offer an array and its length (NULL
 * and 0: none); on success they give the pieces: in the offered array
 * when they fit, else in a new one the caller frees with
 * kmem_free(pieces, nr * sizeof(*pieces)). Without move each piece is a
 * copy-on-write shadow of what the entry shows (an eager copy for
 * shared or wired objects), map's pages write-protected as for a fork.
 * With move the range also leaves map, as vm_deallocate would remove
 * it, and an entry whose object nothing else references hands that
 * object over as it is (no shadow, no page touched); other entries are
 * shadowed first. Takes map's mutex. Returns 0, ERROR_FAULT (a hole or
 * a range past the user space), ERROR_PROT (a page not readable) or
 * ERROR_NOMEM (map's contents and entries unchanged).
 */
int vm_user_map_extract(struct vm_user_map *map, uintptr_t addr, uintptr_t size, bool move,
                        struct vm_user_piece **piecesp, unsigned int *nr_piecesp);

/*
 * Map the pieces one after another at the lowest free range of map
 * that holds them all (protection READ|WRITE, maximum ALL, inheritance
 * COPY), its start in *addrp. On success the pieces' references belong
 * to map's new entries and the caller frees only the array, if it
 * allocated one. map's size limit applies (vm_user_set_size_limit(), as
 * GNU Mach's copyout). Takes map's mutex. Returns 0, ERROR_NOSPC (no
 * room, or over the limit), ERROR_INVAL (the size would wrap the
 * limit's count) or ERROR_NOMEM (map and pieces unchanged).
 */
int vm_user_map_insert(struct vm_user_map *map, const struct vm_user_piece *pieces,
                       unsigned int nr_pieces, uintptr_t *addrp);

/* Drop the pieces' references (not their array). Thread context. */
void vm_user_pieces_release(struct vm_user_piece *pieces, unsigned int nr_pieces);

/*
 * vm_read: the bytes [addr, addr + size) of map, copy-on-write, at a new
 * address of dst (the map the reply's out-of-line data lands in; the
 * caller's own for a trap) in *datap (same offset in its page as addr),
 * with *countp = size. size 0: *datap = 0. Returns KERN_SUCCESS,
 * KERN_INVALID_ARGUMENT (no map), KERN_INVALID_ADDRESS (a hole in the
 * range, or past the user space), KERN_PROTECTION_FAILURE (a page not
 * readable), KERN_NO_SPACE (dst full) or KERN_RESOURCE_SHORTAGE.
 */
kern_return_t vm_user_read(struct vm_user_map *map, uintptr_t addr, uintptr_t size,
                           struct vm_user_map *dst, uintptr_t *datap, uintptr_t *countp);

/*
 * vm_write: overwrite [addr, addr + size) of map with size bytes of data
 * (a kernel buffer: the message's out-of-line data once captured).
 * size 0: success. addr and size must be page-aligned
 * (KERN_INVALID_ARGUMENT, GNU Mach's overwrite rule); the range must be
 * mapped (else KERN_INVALID_ADDRESS) and writable (else
 * KERN_PROTECTION_FAILURE), checked before anything is written. Each
 * page becomes map's own (as a write fault) and is filled: an eager copy,
 * where GNU Mach maps the data copy-on-write. Takes map's mutex.
 * KERN_RESOURCE_SHORTAGE: no memory even after reclaim, the pages before
 * the failing one written.
 */
kern_return_t vm_user_write(struct vm_user_map *map, uintptr_t addr, const void *data,
                            uintptr_t size);

/*
 * vm_write from bytes a function gives: as vm_user_write(), with
 * read(arg, offset, dst, len) filling each destination page with the
 * bytes [offset, offset + len) of the data (len PAGE_SIZE), called with
 * map's mutex held and a page window mapped (it must not sleep or take
 * the map). The mach.defs vm_write reads its out-of-line copy so
 * (vm/vm_rpc.c), without a kernel buffer of the whole size.
 */
typedef void (*vm_user_reader_t)(void *arg, uintptr_t offset, void *dst, uintptr_t len);

kern_return_t vm_user_write_reader(struct vm_user_map *map, uintptr_t addr, uintptr_t size,
                                   vm_user_reader_t read, void *arg);

/*
 * vm_write from a range of a map: overwrite [addr, addr + size) of map
 * with the bytes [src_addr, src_addr + size) of src_map (which may be
 * map; overlapping ranges copy as memmove()). The source is checked
 * first, as GNU Mach's copyin: a hole or a range past the user space →
 * KERN_INVALID_ADDRESS, a page not readable → KERN_PROTECTION_FAILURE;
 * then src_addr, addr and size must be page-aligned
 * (KERN_INVALID_ARGUMENT); then the destination as vm_user_write().
 * Takes both mutexes (address order).
 */
kern_return_t vm_user_write_map(struct vm_user_map *map, uintptr_t addr,
                                struct vm_user_map *src_map, uintptr_t src_addr,
                                uintptr_t size);

/*
 * vm_copy (GNU Mach's argument order): overwrite [dst_addr, dst_addr +
 * size) of map with a copy of [src_addr, src_addr + size) of the same
 * map: vm_user_write_map(map, dst_addr, map, src_addr, size).
 */
kern_return_t vm_user_copy(struct vm_user_map *map, uintptr_t src_addr, uintptr_t size,
                           uintptr_t dst_addr);

/*
 * Give dst src's size limits (task_create: a child starts with its
 * parent's, as in GNU Mach). Takes both mutexes.
 */
void vm_user_map_limits_copy(struct vm_user_map *dst, struct vm_user_map *src);

/*
 * vm_set_size_limit: set map's current and maximum limits on the bytes
 * it maps (entries with maximum protection NONE do not count), which
 * vm_allocate, vm_map and vm_allocate_contiguous enforce with
 * KERN_NO_SPACE; a map starts with VM_USER_SIZE_LIMIT_DEFAULT as both.
 * host_priv: the caller holds the privileged host port
 * (checking the port is the MIG side's; an invalid one is
 * KERN_INVALID_HOST there). Returns KERN_SUCCESS, KERN_INVALID_ARGUMENT
 * (current_limit > max_limit, checked first), KERN_INVALID_TASK (no map)
 * or KERN_NO_ACCESS (raising the maximum without host_priv). Takes the
 * map's mutex.
 */
kern_return_t vm_user_set_size_limit(struct vm_user_map *map, bool host_priv,
                                     uintptr_t current_limit, uintptr_t max_limit);

/* vm_get_size_limit: map's limits. KERN_SUCCESS or KERN_INVALID_TASK (no map). */
kern_return_t vm_user_get_size_limit(struct vm_user_map *map, uintptr_t *current_limitp,
                                     uintptr_t *max_limitp);

/*
 * vm_machine_attribute as GNU Mach answers on i386: KERN_INVALID_ARGUMENT
 * without a map or when addr + size (32-bit, may wrap) ends past the user
 * space, else KERN_INVALID_ADDRESS (its pmap has no attributes); *valuep
 * is never changed.
 */
kern_return_t vm_user_machine_attribute(struct vm_user_map *map, uintptr_t addr,
                                        uintptr_t size, unsigned int attribute, int *valuep);

/*
 * vm_wire: wire [trunc(addr), round(addr + size)) (clipped to the map)
 * for access (VM_MAP_PROT_* bits), or unwire it with access 0. There is
 * no pageout, so wiring makes every page present and mapped now and
 * records the access in the entries: memory stays resident anyway, but
 * wired entries are copied at once by task_create and vm_read instead of
 * copy-on-write, so their physical pages never move. host_priv: the
 * caller holds the privileged host port; without it at most
 * VM_USER_WIRE_MAX bytes may be wired (GNU Mach). Returns KERN_SUCCESS,
 * KERN_INVALID_TASK (no map), KERN_INVALID_ARGUMENT (access bits beyond
 * ALL), KERN_NO_ACCESS (over the unprivileged amount), KERN_NO_SPACE
 * (the start is not mapped, a hole, or an entry not allowing access:
 * nothing wired) or KERN_RESOURCE_SHORTAGE (memory ran out: the range is
 * marked wired, part of its pages present). Takes the map's mutex.
 */
kern_return_t vm_user_wire(struct vm_user_map *map, bool host_priv, uintptr_t addr,
                           uintptr_t size, unsigned int access);

/*
 * vm_wire_all: VM_USER_WIRE_CURRENT wires every entry for READ|WRITE
 * within its protection, VM_USER_WIRE_FUTURE wires every later mapping
 * for its protection, VM_USER_WIRE_NONE unwires everything and stops
 * wiring new mappings. Returns KERN_SUCCESS, KERN_INVALID_HOST (not
 * host_priv: GNU Mach takes only the privileged port), KERN_INVALID_TASK,
 * KERN_INVALID_ARGUMENT (other flag bits) or KERN_RESOURCE_SHORTAGE
 * (FUTURE left as it was). Takes the map's mutex.
 */
kern_return_t vm_user_wire_all(struct vm_user_map *map, bool host_priv, unsigned int flags);

/*
 * vm_allocate_contiguous: size bytes (rounded up to pages) of physically
 * contiguous, zero-filled memory below pmax, from the buddy allocator
 * (vm_page_alloc_contig(), the highest segment that fits first), mapped
 * anywhere in map READ|WRITE (maximum READ|WRITE, inheritance COPY) and
 * wired: *vaddrp gets its address, *paddrp the physical address of its
 * first page. GNU Mach's argument rules: pmin must be 0, palign 0 or a
 * divisor of PAGE_SIZE (meaning PAGE_SIZE) or PAGE_SIZE itself. pmax is
 * a strict bound (GNU Mach picks a whole segment by it), except that
 * one up to VM_USER_DMA_LIMIT, 0 included, means ISA DMA memory as
 * there. The size limit applies. Returns KERN_SUCCESS,
 * KERN_INVALID_HOST (not host_priv), KERN_INVALID_TASK,
 * KERN_INVALID_ARGUMENT (pmin, palign, size 0 after rounding),
 * KERN_RESOURCE_SHORTAGE (no such run free), or KERN_NO_SPACE (no room
 * or over the limit in map). Takes the map's mutex.
 */
kern_return_t vm_user_allocate_contiguous(struct vm_user_map *map, bool host_priv,
                                          uintptr_t *vaddrp, uint64_t *paddrp,
                                          uintptr_t size, uint64_t pmin, uint64_t pmax,
                                          uint64_t palign);

/*
 * vm_pages_phys: the physical address of each page of [addr, addr +
 * size) of map in pages[0 .. size / PAGE_SIZE), 0 where the entry's own
 * object holds no page (untouched, unmapped, or only in a backing
 * object: GNU Mach looks at the top object only). host: the caller holds
 * a host port. Returns KERN_SUCCESS, KERN_INVALID_HOST,
 * KERN_INVALID_TASK, or KERN_INVALID_ARGUMENT (addr or size not
 * page-aligned, or nr_pages too small: the MIG side sizes the array).
 * Takes the map's mutex.
 */
kern_return_t vm_user_pages_phys(struct vm_user_map *map, bool host, uintptr_t addr,
                                 uintptr_t size, uint64_t *pages, uintptr_t nr_pages);

/* What vm_region reports about one region. */
struct vm_user_region {
    uintptr_t start;
    uintptr_t size;
    unsigned int prot;          /* VM_MAP_PROT_* */
    unsigned int max_prot;
    unsigned int inherit;       /* VM_MAP_INHERIT_* */
    bool shared;                /* its memory is mapped by another map too (SHARE) */
    bool wired;                 /* vm_wire'd (mach_vm_region_info) */
    uint64_t offset;            /* of start in the region's object */
    uintptr_t object;           /* the object's kernel address (mach_vm_region_info) */
};

/*
 * vm_region: the region (entry) containing addr, or else the first one
 * above it, in *regionp. Entries are never merged here, so a range
 * split by vm_protect or vm_inherit reports as several regions (GNU Mach
 * sometimes merges them back). No memory object names: the caller
 * reports MACH_PORT_NULL. Returns KERN_SUCCESS, KERN_INVALID_ARGUMENT
 * (no map) or KERN_NO_SPACE (nothing at or above addr).
 */
kern_return_t vm_user_region(struct vm_user_map *map, uintptr_t addr,
                             struct vm_user_region *regionp);

/*
 * vm_statistics: GNU Mach's vm_statistics_data_t fields, in pages or
 * events. active_count is the pages held by VM objects (user memory),
 * wire_count the other allocated pages (the kernel's: kmem, page
 * tables, its own memory); nothing is inactive or paged (no pager), and
 * the object cache does not exist (lookups and hits stay 0).
 */
struct vm_user_statistics {
    unsigned long pagesize;
    unsigned long free_count;
    unsigned long active_count;
    unsigned long inactive_count;
    unsigned long wire_count;
    unsigned long zero_fill_count;
    unsigned long reactivations;
    unsigned long pageins;
    unsigned long pageouts;
    unsigned long faults;
    unsigned long cow_faults;
    unsigned long lookups;
    unsigned long hits;
};

/* Fill *stats with a snapshot of the system's counts. Any thread context. */
void vm_user_statistics(struct vm_user_statistics *stats);

/*
 * Print map's entries (range, protections, inheritance, object chain
 * depth, pages of the top object, shared) and its resident pages: the
 * report of the shell's vm_info. Takes the map's mutex.
 */
void vm_user_map_report(struct vm_user_map *map);

/* Lock and unlock map (its mutex), e.g. to walk its entries in a test or a report. */
void vm_user_map_lock(struct vm_user_map *map);
void vm_user_map_unlock(struct vm_user_map *map);

#endif /* VM_VM_USER_H */
