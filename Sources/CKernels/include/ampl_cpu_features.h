// What the CPU can run, read with cpuid and xgetbv, so that `ampl` can tell whether OpenBLAS's kernel choice
// uses the hardware (Numerics/BLASKernelSelection.swift). x86-64 only; elsewhere every flag is 0.
#pragma once

typedef struct {
    char vendor[13];      // "GenuineIntel", "AuthenticAMD", ... (NUL-terminated)
    unsigned family;      // display family (base + extended), as /proc/cpuinfo's "cpu family"
    unsigned model;       // display model (base + extended << 4), as /proc/cpuinfo's "model"
    // Each flag is 1 only when the CPU has the instructions *and* the OS saves their registers (XCR0).
    int avx, avx2, fma;
    int avx512f, avx512dq, avx512bw, avx512vl, avx512bf16, avx512fp16;
} ampl_cpu_features;

/// Fills `out` for the CPU this thread runs on.
void ampl_read_cpu_features(ampl_cpu_features *out);
