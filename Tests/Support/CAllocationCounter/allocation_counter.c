#include "allocation_counter.h"
#include <errno.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static __thread size_t thread_allocations;   // initial-exec TLS: no allocation to reach it

size_t ampl_thread_allocation_count(void) { return thread_allocations; }

void *malloc(size_t size) { thread_allocations++; return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { thread_allocations++; return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { thread_allocations++; return __libc_realloc(p, size); }
void free(void *p) { __libc_free(p); }
void *memalign(size_t alignment, size_t size) { thread_allocations++; return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { thread_allocations++; return __libc_memalign(alignment, size); }

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    thread_allocations++;
    void *p = __libc_memalign(alignment, size);
    if (!p && size) return ENOMEM;
    *out = p;
    return 0;
}
