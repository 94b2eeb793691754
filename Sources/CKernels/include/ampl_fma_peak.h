// The core's fp32 fused-multiply-add peak, the hardware yardstick of `ampl bench` (docs/performance.md).
#pragma once
#include <stddef.h>

/// Runs `iterations` rounds of 12 independent chains of 16-lane multiply-adds (12 × 16 × 2 = 384 flops a round)
/// on the widest vector unit the CPU has; returns a value of the chains so that the work is not optimised away.
float ampl_fma_peak_run(size_t iterations);

/// The instruction set the loader chose for `ampl_fma_peak_run`: "avx512", "avx2+fma" or "baseline".
const char *ampl_fma_peak_isa(void);
