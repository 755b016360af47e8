"""The hold model on SimPy 3: N pending timeouts, each rescheduling one more when it fires; prints events/s.

Usage: /usr/bin/python3 hold_simpy.py N EVENTS [--processes]

By default each pending event is a bare Timeout whose callback schedules the next one (SimPy's kernel with a
trivial handler, like the C++ peers). With --processes, N processes each loop on `yield env.timeout(...)`,
the way SimPy models are usually written. After N warm-up events (at most EVENTS), EVENTS events are timed
in CPU time of the thread, like the C++ peers.
"""

import random
import sys
import time

import simpy


def timed(env, state, n, events):
    """Runs N warm-up events (at most EVENTS), then EVENTS timed ones; returns their thread CPU time."""

    def run(count):
        state["remaining"] = count
        state["done"] = env.event()
        start = time.thread_time()
        env.run(until=state["done"])
        return time.thread_time() - start

    run(min(n, events))
    return run(events)


def run_callbacks(n, events):
    env = simpy.Environment()
    expovariate = random.expovariate
    timeout = env.timeout
    state = {"remaining": 0, "done": None}

    def hold(_event):
        timeout(expovariate(1.0)).callbacks.append(hold)
        state["remaining"] -= 1
        if state["remaining"] == 0:
            state["done"].succeed()

    for _ in range(n):
        timeout(expovariate(1.0)).callbacks.append(hold)

    return timed(env, state, n, events)


def run_processes(n, events):
    env = simpy.Environment()
    expovariate = random.expovariate
    state = {"remaining": 0, "done": None}

    def holder(env):
        while True:
            yield env.timeout(expovariate(1.0))
            state["remaining"] -= 1
            if state["remaining"] == 0:
                state["done"].succeed()

    for _ in range(n):
        env.process(holder(env))

    return timed(env, state, n, events)


def main(argv):
    if len(argv) < 3 or not argv[1].isdigit() or not argv[2].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    n, events = int(argv[1]), int(argv[2])
    random.seed(20240601)
    elapsed = (run_processes if "--processes" in argv[3:] else run_callbacks)(n, events)
    print(f"events_per_s {events / elapsed:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
