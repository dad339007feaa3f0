#include "epoll_set.h"

namespace cairn::poll {

void EpollSet::push_back(EpollItem& item) {
  item.state = EpollItem::State::kQueued;
  item.next = nullptr;
  item.prev = tail_;
  if (tail_)
    tail_->next = &item;
  else
    head_ = &item;
  tail_ = &item;
  ++count_;
}

void EpollSet::unlink(EpollItem& item) {
  if (item.prev)
    item.prev->next = item.next;
  else
    head_ = item.next;
  if (item.next)
    item.next->prev = item.prev;
  else
    tail_ = item.prev;
  item.prev = item.next = nullptr;
  --count_;
}

bool EpollSet::notify(EpollItem& item, std::uint32_t events) {
  if (item.disabled || (events & item.wanted()) == 0) return false;
  switch (item.state) {
    case EpollItem::State::kIdle:
      push_back(item);
      return true;
    case EpollItem::State::kTaken:
      // Being polled right now: the poll may or may not have seen this change.
      item.renotified = true;
      return false;
    case EpollItem::State::kQueued:
      return false;
  }
  return false;
}

bool EpollSet::arm(EpollItem& item, std::uint32_t interest, std::uint64_t data,
                   std::uint32_t current) {
  item.interest = interest;
  item.data = data;
  item.disabled = false;
  if ((current & item.wanted()) == 0 || item.state != EpollItem::State::kIdle) return false;
  push_back(item);
  return true;
}

void EpollSet::remove(EpollItem& item) {
  if (item.state == EpollItem::State::kQueued) unlink(item);
  item.state = EpollItem::State::kIdle;
  item.renotified = false;
}

EpollItem* EpollSet::take() {
  EpollItem* item = head_;
  if (!item) return nullptr;
  unlink(*item);
  item->state = EpollItem::State::kTaken;
  item->renotified = false;
  return item;
}

std::uint32_t EpollSet::finish(EpollItem& item, std::uint32_t current) {
  item.state = EpollItem::State::kIdle;
  bool again = item.renotified;
  item.renotified = false;
  if (item.disabled) return 0;
  std::uint32_t events = current & item.wanted();
  if (events == 0) {
    // Not ready when polled; a notification during the poll may be newer than it.
    if (again) push_back(item);
    return 0;
  }
  if (item.interest & kEpollOneShot) {
    item.disabled = true;
  } else if (item.interest & kEpollEt) {
    if (again) push_back(item);
  } else {
    push_back(item);  // level-triggered: check again at the next wait
  }
  return events;
}

}  // namespace cairn::poll
