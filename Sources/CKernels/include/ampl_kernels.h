// Elementwise hot loops of the trainer, in C so that they vectorise without compiler flags:
// each function is compiled three times (AVX-512, AVX2+FMA, baseline) by `target_clones` and the loader
// picks the widest the CPU has. Square roots use `__builtin_elementwise_sqrt`, which (unlike sqrtf) does not
// keep errno semantics and so becomes `vsqrtps`. All arrays are row-major Float32; `n` counts elements.
#pragma once
#include <stddef.h>

/// The activation functions the networks use; the numbers are stable (they are stored in checkpoints).
typedef enum {
    AMPL_ACT_IDENTITY = 0,
    AMPL_ACT_RELU = 1,
    AMPL_ACT_LEAKY_RELU = 2,   // slope = param (0.01 in AMPL)
    AMPL_ACT_SILU = 3,
    AMPL_ACT_TANH = 4,
    AMPL_ACT_SIGMOID = 5,
    AMPL_ACT_SOFTPLUS = 6,
} ampl_activation;

/// z: (rows, cols) pre-activations, bias: (cols) or NULL, h: (rows, cols) outputs (may alias z for identity).
/// z += bias (row-broadcast), then h = act(z).
void ampl_bias_act_forward(ampl_activation act, float param, float *z, const float *bias, float *h,
                           size_t rows, size_t cols);

/// dz = dh ⊙ act'(z), with h = act(z) from the forward pass (used where it is cheaper than z).
/// dz may alias dh.
void ampl_act_backward(ampl_activation act, float param, const float *z, const float *h, const float *dh,
                       float *dz, size_t n);

/// db[c] += Σ_r dz[r, c]   (the bias gradient of a linear layer); dz: (rows, cols), db: (cols).
void ampl_column_sums_add(const float *dz, float *db, size_t rows, size_t cols);

/// y = a·x + b·y  (Polyak averaging: a = τ, b = 1 − τ).
void ampl_axpby(size_t n, float a, const float *x, float b, float *y);

/// One Adam step over n parameters, PyTorch's formula with coupled L2 weight decay:
///   g' = g + wd·p;  m = β1·m + (1−β1)·g';  v = β2·v + (1−β2)·g'²;
///   p -= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps),   bc_k = 1 − β_k^t.
void ampl_adam_step(size_t n, float *p, const float *g, float *m, float *v, float lr, float beta1, float beta2,
                    float eps, float weight_decay, float bias_correction1, float bias_correction2);

/// Σ x[i]² accumulated in double (global-norm gradient clipping).
double ampl_sum_squares(size_t n, const float *x);

/// CRC-32C (Castagnoli) of `n` bytes, continuing from `crc` (start with 0). Uses the SSE4.2 instruction when
/// the CPU has it, a table otherwise. Checkpoints, wire frames and TensorBoard records all use this checksum.
unsigned int ampl_crc32c(unsigned int crc, const void *data, size_t n);
