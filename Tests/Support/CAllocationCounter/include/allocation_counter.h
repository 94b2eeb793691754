// Test support: counts heap allocations made by the calling thread. The functions in allocation_counter.c
// replace malloc & co. for the whole test process (they forward to glibc's own __libc_* entry points), so that a
// test can show that a training step makes no allocation at all, even while other tests run in parallel.
#pragma once
#include <stddef.h>

/// Allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) made so far by this thread.
size_t ampl_thread_allocation_count(void);
