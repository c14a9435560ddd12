/*
 * lib/list.h - intrusive circular doubly-linked lists.
 *
 * A list head is a struct list_node that points at itself when empty. Nodes
 * are embedded in the objects they link; container_of() gets back to them.
 * No locking here: the owner of the list says which lock guards it.
 */
#ifndef KITE_LIB_LIST_H
#define KITE_LIB_LIST_H

#include "kernel/types.h"

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_node *head)
{
	head->next = head->prev = head;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

static inline void list_insert_between(struct list_node *n,
				       struct list_node *prev,
				       struct list_node *next)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
}

/* Add n right after head (stack order). */
static inline void list_push_front(struct list_node *head, struct list_node *n)
{
	list_insert_between(n, head, head->next);
}

/* Add n right before head (queue order). */
static inline void list_push_back(struct list_node *head, struct list_node *n)
{
	list_insert_between(n, head->prev, head);
}

static inline void list_remove(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

/* Remove and return the first node, or NULL if empty. */
static inline struct list_node *list_pop_front(struct list_node *head)
{
	struct list_node *n = head->next;

	if (n == head)
		return NULL;
	list_remove(n);
	return n;
}

#define list_entry(node, type, member) container_of(node, type, member)

#define list_for_each(it, head) \
	for ((it) = (head)->next; (it) != (head); (it) = (it)->next)

#endif
