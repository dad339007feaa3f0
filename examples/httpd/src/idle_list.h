// Connections ordered by their last activity, each list with one timeout: touching a
// connection moves it to the tail, so the head is always the next to time out and
// expiring is O(1) per connection, however many there are.
#ifndef HTTPD_IDLE_LIST_H
#define HTTPD_IDLE_LIST_H

#include <stddef.h>

struct idle_node {
  struct idle_node *prev, *next;
  struct idle_list* list;  // NULL when in no list
  long long last_active_ms;
};

struct idle_list {
  struct idle_node *head, *tail;
  long long timeout_ms;
};

static inline void idle_remove(struct idle_node* n) {
  struct idle_list* l = n->list;
  if (l == NULL) return;
  if (n->prev)
    n->prev->next = n->next;
  else
    l->head = n->next;
  if (n->next)
    n->next->prev = n->prev;
  else
    l->tail = n->prev;
  n->prev = n->next = NULL;
  n->list = NULL;
}

// Puts n at the tail of l (moving it from wherever it was), active as of now_ms.
static inline void idle_touch(struct idle_list* l, struct idle_node* n, long long now_ms) {
  idle_remove(n);
  n->last_active_ms = now_ms;
  n->list = l;
  n->prev = l->tail;
  n->next = NULL;
  if (l->tail)
    l->tail->next = n;
  else
    l->head = n;
  l->tail = n;
}

// The head if its time is up, else NULL.
static inline struct idle_node* idle_expired(const struct idle_list* l, long long now_ms) {
  struct idle_node* n = l->head;
  return n != NULL && now_ms - n->last_active_ms >= l->timeout_ms ? n : NULL;
}

// Milliseconds until the head times out (0 if it has), or -1 for an empty list.
static inline long long idle_wait_ms(const struct idle_list* l, long long now_ms) {
  if (l->head == NULL) return -1;
  long long left = l->head->last_active_ms + l->timeout_ms - now_ms;
  return left > 0 ? left : 0;
}

#endif
