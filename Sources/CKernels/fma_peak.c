// The fp32 FMA peak of one core. Each clone runs the same loop on 64-byte vectors (16 floats): one zmm FMA per
// chain with AVX-512, two ymm FMAs with AVX2 + FMA, separate multiplies and adds on xmm registers in the baseline.
// Twelve independent chains cover the FMA latency (4 cycles) times the two FMA ports of recent cores, so the loop
// is bound by throughput, not latency. The multiplier and addend keep the values bounded (x·0.999 + 0.001).
#include "ampl_fma_peak.h"

typedef float vec16 __attribute__((vector_size(64)));

#define AMPL_PEAK_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

AMPL_PEAK_CLONES
float ampl_fma_peak_run(size_t iterations) {
    vec16 acc[12];
    for (int c = 0; c < 12; c++)
        for (int l = 0; l < 16; l++) acc[c][l] = (float)(c + l) * 0.01f;
    const vec16 m = (vec16){0} + 0.999f, a = (vec16){0} + 0.001f;
    for (size_t i = 0; i < iterations; i++) {
        // Twelve statements, not a loop over c: each chain must stay in a register.
        acc[0] = acc[0] * m + a;   acc[1] = acc[1] * m + a;   acc[2] = acc[2] * m + a;
        acc[3] = acc[3] * m + a;   acc[4] = acc[4] * m + a;   acc[5] = acc[5] * m + a;
        acc[6] = acc[6] * m + a;   acc[7] = acc[7] * m + a;   acc[8] = acc[8] * m + a;
        acc[9] = acc[9] * m + a;   acc[10] = acc[10] * m + a; acc[11] = acc[11] * m + a;
    }
    vec16 sum = acc[0];
    for (int c = 1; c < 12; c++) sum += acc[c];
    float total = 0;
    for (int l = 0; l < 16; l++) total += sum[l];
    return total;
}

const char *ampl_fma_peak_isa(void) {
    // The rule by which the loader picks among the clones above: the first level the CPU supports.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return "avx512";
    if (__builtin_cpu_supports("x86-64-v3")) return "avx2+fma";
    return "baseline";
}
