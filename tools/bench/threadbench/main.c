/* Thread primitives, timed: the same source runs as a Cairn image and as a Linux
 * process on the host (bench.py builds both and prints their ratio). Every figure is
 * nanoseconds per operation on the monotonic clock, except the sleep figures, which
 * are how late a sleep woke up, in microseconds (mean of the runs).
 *
 *   thread create+join    create a thread that returns at once, join it
 *   yield switch          two threads alternate through sched_yield() (one switch each)
 *   mutex hand-off        two threads pass a turn under one mutex
 *   condvar round trip    two threads ping-pong through a mutex and two condvars
 *
 * On Linux, run it on one CPU (taskset -c 0) so that yields and hand-offs really switch
 * threads, as they must on Cairn's single CPU. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void* nothing(void* arg) { return arg; }

static double create_join(int n) {
  uint64_t start = now_ns();
  for (int i = 0; i < n; ++i) {
    pthread_t t;
    if (pthread_create(&t, NULL, nothing, NULL) != 0) return -1;
    pthread_join(t, NULL);
  }
  return (double)(now_ns() - start) / n;
}

static volatile int yield_stop;
static void* yielder(void* arg) {
  while (!yield_stop) sched_yield();
  return arg;
}

static double yield_switch(int n) {
  pthread_t t;
  yield_stop = 0;
  pthread_create(&t, NULL, yielder, NULL);
  sched_yield();
  uint64_t start = now_ns();
  for (int i = 0; i < n; ++i) sched_yield();
  uint64_t elapsed = now_ns() - start;
  yield_stop = 1;
  pthread_join(t, NULL);
  return (double)elapsed / (2.0 * n); /* each iteration is two switches */
}

static pthread_mutex_t turn_mutex = PTHREAD_MUTEX_INITIALIZER;
static int turn, turns_left;

static void* pass_turns(void* arg) {
  int me = (int)(intptr_t)arg;
  for (;;) {
    pthread_mutex_lock(&turn_mutex);
    while (turn != me && turns_left > 0) {
      pthread_mutex_unlock(&turn_mutex);
      sched_yield();
      pthread_mutex_lock(&turn_mutex);
    }
    if (turns_left <= 0) {
      pthread_mutex_unlock(&turn_mutex);
      return NULL;
    }
    --turns_left;
    turn = 1 - me;
    pthread_mutex_unlock(&turn_mutex);
  }
}

static double mutex_handoff(int n) {
  pthread_t a, b;
  turn = 0;
  turns_left = n;
  uint64_t start = now_ns();
  pthread_create(&a, NULL, pass_turns, (void*)0);
  pthread_create(&b, NULL, pass_turns, (void*)1);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return (double)(now_ns() - start) / n;
}

static pthread_mutex_t ping_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ping = PTHREAD_COND_INITIALIZER, pong = PTHREAD_COND_INITIALIZER;
static int ball; /* 0: ping's side, 1: pong's side */
static int rounds;

static void* ponger(void* arg) {
  pthread_mutex_lock(&ping_mutex);
  for (int i = 0; i < rounds; ++i) {
    while (ball != 1) pthread_cond_wait(&pong, &ping_mutex);
    ball = 0;
    pthread_cond_signal(&ping);
  }
  pthread_mutex_unlock(&ping_mutex);
  return arg;
}

static double condvar_round_trip(int n) {
  pthread_t t;
  rounds = n;
  ball = 0;
  pthread_create(&t, NULL, ponger, NULL);
  uint64_t start = now_ns();
  pthread_mutex_lock(&ping_mutex);
  for (int i = 0; i < n; ++i) {
    ball = 1;
    pthread_cond_signal(&pong);
    while (ball != 0) pthread_cond_wait(&ping, &ping_mutex);
  }
  pthread_mutex_unlock(&ping_mutex);
  uint64_t elapsed = now_ns() - start;
  pthread_join(t, NULL);
  return (double)elapsed / n;
}

static double sleep_late_us(long ns, int runs) {
  double late = 0;
  for (int i = 0; i < runs; ++i) {
    struct timespec request = {ns / 1000000000, ns % 1000000000};
    uint64_t start = now_ns();
    nanosleep(&request, NULL);
    late += (double)(now_ns() - start - (uint64_t)ns);
  }
  return late / runs / 1000.0;
}

int main(void) {
  create_join(50); /* warm up: stack caches, page faults */
  printf(
      "threadbench: create-join-ns=%.0f yield-switch-ns=%.0f mutex-handoff-ns=%.0f "
      "condvar-roundtrip-ns=%.0f\n",
      create_join(2000), yield_switch(20000), mutex_handoff(20000), condvar_round_trip(10000));
  printf("threadbench: sleep-late-us 1ms=%.0f 10ms=%.0f 100ms=%.0f\n", sleep_late_us(1000000, 20),
         sleep_late_us(10000000, 10), sleep_late_us(100000000, 5));
  return 0;
}
