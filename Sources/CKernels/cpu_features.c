// cpuid / xgetbv probe for Numerics.CPUFeatures. The bit positions are those of the Intel SDM, vol. 2A, CPUID:
// leaf 1 ECX (FMA 12, OSXSAVE 27, AVX 28), leaf 7.0 EBX (AVX2 5, AVX512F 16, DQ 17, BW 30, VL 31),
// leaf 7.0 EDX (AVX512_FP16 23), leaf 7.1 EAX (AVX512_BF16 5); XCR0 bits 1-2 (SSE/AVX state) and 5-7
// (opmask, ZMM0-15 upper halves, ZMM16-31).
#include "ampl_cpu_features.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long read_xcr0(void) {
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

void ampl_read_cpu_features(ampl_cpu_features *out) {
    memset(out, 0, sizeof *out);
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return;
    unsigned max_leaf = eax;
    memcpy(out->vendor + 0, &ebx, 4);
    memcpy(out->vendor + 4, &edx, 4);
    memcpy(out->vendor + 8, &ecx, 4);
    out->vendor[12] = 0;

    __cpuid(1, eax, ebx, ecx, edx);
    unsigned base_family = (eax >> 8) & 0xf, base_model = (eax >> 4) & 0xf;
    out->family = base_family == 0xf ? base_family + ((eax >> 20) & 0xff) : base_family;
    out->model = (base_family == 0x6 || base_family == 0xf) ? base_model + (((eax >> 16) & 0xf) << 4) : base_model;

    int osxsave = (ecx >> 27) & 1;
    unsigned long long xcr0 = osxsave ? read_xcr0() : 0;
    int ymm_state = (xcr0 & 0x6) == 0x6;
    int zmm_state = ymm_state && (xcr0 & 0xe0) == 0xe0;
    out->avx = ymm_state && ((ecx >> 28) & 1);
    out->fma = out->avx && ((ecx >> 12) & 1);
    if (max_leaf < 7) return;

    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    unsigned max_subleaf = eax;
    out->avx2 = out->avx && ((ebx >> 5) & 1);
    out->avx512f = zmm_state && ((ebx >> 16) & 1);
    out->avx512dq = out->avx512f && ((ebx >> 17) & 1);
    out->avx512bw = out->avx512f && ((ebx >> 30) & 1);
    out->avx512vl = out->avx512f && ((ebx >> 31) & 1);
    out->avx512fp16 = out->avx512f && ((edx >> 23) & 1);
    if (max_subleaf >= 1) {
        __cpuid_count(7, 1, eax, ebx, ecx, edx);
        out->avx512bf16 = out->avx512f && ((eax >> 5) & 1);
    }
}
#else
void ampl_read_cpu_features(ampl_cpu_features *out) { memset(out, 0, sizeof *out); }
#endif
