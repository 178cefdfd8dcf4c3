// Core placement helpers for NumericsCore's pair worker thread (see `PairWorker.swift`).
// Linux only; elsewhere they do nothing.
#if defined(__linux__)
#define _GNU_SOURCE
#include <sched.h>
#endif
#include "CInferenceKernels.h"

int cik_current_cpu(void) {
#if defined(__linux__)
    return sched_getcpu();
#else
    return -1;
#endif
}

void cik_move_off_cpu(int cpu) {
#if defined(__linux__)
    if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getcpu() != cpu) return;
    cpu_set_t allowed, narrowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return;
    narrowed = allowed;
    CPU_CLR(cpu, &narrowed);
    if (CPU_COUNT(&narrowed) == 0) return;
    // Narrowing the mask migrates the thread now; restoring it leaves the thread where it is.
    if (sched_setaffinity(0, sizeof narrowed, &narrowed) != 0) return;
    (void)sched_setaffinity(0, sizeof allowed, &allowed);
#else
    (void)cpu;
#endif
}
