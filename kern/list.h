/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intrusive doubly linked circular list.
 *
 * A list is a head node (struct list) whose next and prev point at the
 * first and last element, or at the head itself when the list is empty.
 * Elements embed a struct list and are recovered with list_entry().
 * Because the list is circular and headed, insertion and removal never
 * test for NULL and never need the head.
 *
 * None of these functions lock: the caller serializes access to a list.
 * None can fail. A removed node's links are left dangling; reinsert it or
 * forget it. The node-based iterators give struct list pointers; the
 * _entry variants give the containing objects (they use typeof).
 */
#ifndef KERN_LIST_H
#define KERN_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include <kern/macros.h>

struct list {
    struct list *prev;
    struct list *next;
};

/* Static initializer for an empty list head: struct list l = LIST_INITIALIZER(l); */
#define LIST_INITIALIZER(list)  { &(list), &(list) }

/* Make list an empty list head. */
static inline void
list_init(struct list *list)
{
    list->prev = list;
    list->next = list;
}

/* Return whether list has no elements. */
static inline bool
list_empty(const struct list *list)
{
    return list->next == list;
}

/* Return whether list has exactly one element. */
static inline bool
list_singular(const struct list *list)
{
    return !list_empty(list) && list->next == list->prev;
}

/* Link node between the adjacent nodes prev and next. */
static inline void
list_link(struct list *prev, struct list *next, struct list *node)
{
    node->prev = prev;
    node->next = next;
    prev->next = node;
    next->prev = node;
}

/* Insert node as the first element of list. */
static inline void
list_insert_head(struct list *list, struct list *node)
{
    list_link(list, list->next, node);
}

/* Insert node as the last element of list. */
static inline void
list_insert_tail(struct list *list, struct list *node)
{
    list_link(list->prev, list, node);
}

/* Insert node just before pos (an element, or the head: then at the tail). */
static inline void
list_insert_before(struct list *pos, struct list *node)
{
    list_link(pos->prev, pos, node);
}

/* Insert node just after pos (an element, or the head: then at the head). */
static inline void
list_insert_after(struct list *pos, struct list *node)
{
    list_link(pos, pos->next, node);
}

/* Remove node from the list it is on. */
static inline void
list_remove(struct list *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
}

/* Return the first element of list, NULL if it is empty. */
static inline struct list *
list_first(const struct list *list)
{
    return list_empty(list) ? NULL : list->next;
}

/* Return the last element of list, NULL if it is empty. */
static inline struct list *
list_last(const struct list *list)
{
    return list_empty(list) ? NULL : list->prev;
}

/* Return the element after node in list, NULL if node is the last. */
static inline struct list *
list_next(const struct list *list, const struct list *node)
{
    return (node->next == list) ? NULL : node->next;
}

/* Return the element before node in list, NULL if node is the first. */
static inline struct list *
list_prev(const struct list *list, const struct list *node)
{
    return (node->prev == list) ? NULL : node->prev;
}

/*
 * Move all elements of other to the tail of list, in order, leaving other
 * empty. O(1).
 */
static inline void
list_concat(struct list *list, struct list *other)
{
    if (list_empty(other)) {
        return;
    }
    other->next->prev = list->prev;
    list->prev->next = other->next;
    other->prev->next = list;
    list->prev = other->prev;
    list_init(other);
}

/* Return the object of type containing node as its member. */
#define list_entry(node, type, member)  structof(node, type, member)

/* Iterate over the nodes of list, first to last; do not remove node. */
#define list_foreach(list, node)                                            \
    for (node = (list)->next; node != (list); node = node->next)

/* Iterate last to first; do not remove node. */
#define list_foreach_reverse(list, node)                                    \
    for (node = (list)->prev; node != (list); node = node->prev)

/* Iterate over the nodes of list; the body may remove (or free) node. */
#define list_foreach_safe(list, node, tmp)                                  \
    for (node = (list)->next, tmp = node->next; node != (list);             \
         node = tmp, tmp = node->next)

/* Iterate over the objects of list; entry points at each object. */
#define list_foreach_entry(list, entry, member)                             \
    for (entry = list_entry((list)->next, __typeof__(*entry), member);      \
         &entry->member != (list);                                          \
         entry = list_entry(entry->member.next, __typeof__(*entry), member))

/* Iterate over the objects of list; the body may remove (or free) entry. */
#define list_foreach_entry_safe(list, entry, tmp, member)                   \
    for (entry = list_entry((list)->next, __typeof__(*entry), member),      \
         tmp = list_entry(entry->member.next, __typeof__(*entry), member);  \
         &entry->member != (list);                                          \
         entry = tmp,                                                       \
         tmp = list_entry(entry->member.next, __typeof__(*entry), member))

#endif /* KERN_LIST_H */
