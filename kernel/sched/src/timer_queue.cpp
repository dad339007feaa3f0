#include "timer_queue.h"

namespace cairn::sched {
namespace {

// Makes the later of two roots the first child of the earlier. Returns the root.
TimerNode* meld(TimerNode* a, TimerNode* b) {
  if (!a) return b;
  if (!b) return a;
  if (b->deadline < a->deadline) {
    TimerNode* t = a;
    a = b;
    b = t;
  }
  b->prev = a;
  b->sibling = a->child;
  if (a->child) a->child->prev = b;
  a->child = b;
  return a;
}

// The standard two-pass merge of a list of siblings into one heap, without recursion
// (a long sibling list must not overflow the stack): meld pairs left to right, then
// the pairs right to left.
TimerNode* merge_siblings(TimerNode* first) {
  TimerNode* pairs = nullptr;  // melded pairs, most recent first
  while (first) {
    TimerNode* a = first;
    TimerNode* b = a->sibling;
    first = b ? b->sibling : nullptr;
    a->sibling = a->prev = nullptr;
    if (b) b->sibling = b->prev = nullptr;
    TimerNode* pair = meld(a, b);
    pair->sibling = pairs;
    pairs = pair;
  }
  TimerNode* root = nullptr;
  while (pairs) {
    TimerNode* next = pairs->sibling;
    pairs->sibling = nullptr;
    root = meld(root, pairs);
    pairs = next;
  }
  return root;
}

void reset(TimerNode* node) {
  node->child = node->sibling = node->prev = nullptr;
  node->queued = false;
}

}  // namespace

void TimerQueue::insert(TimerNode* node) {
  node->child = node->sibling = node->prev = nullptr;
  node->queued = true;
  root_ = meld(root_, node);
}

TimerNode* TimerQueue::pop() {
  TimerNode* node = root_;
  if (!node) return nullptr;
  root_ = merge_siblings(node->child);
  reset(node);
  return node;
}

void TimerQueue::remove(TimerNode* node) {
  if (node == root_) {
    pop();
    return;
  }
  // Cut the node's subtree out of its parent's child list, then merge its children
  // back in.
  if (node->prev->child == node)
    node->prev->child = node->sibling;
  else
    node->prev->sibling = node->sibling;
  if (node->sibling) node->sibling->prev = node->prev;
  TimerNode* children = merge_siblings(node->child);
  reset(node);
  root_ = meld(root_, children);
}

}  // namespace cairn::sched
