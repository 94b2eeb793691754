#include "ampl_kernels.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// x86-64-v4 = AVX-512, x86-64-v3 = AVX2 + FMA; "default" runs anywhere.
#define AMPL_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

// exp(x) for SiLU, written so the compiler can vectorise it (libm's expf is an opaque call).
// Range reduction x = k·ln2 + r with |r| ≤ ln2/2, a degree-6 polynomial for e^r, and 2^k built in the exponent
// bits. Relative error below 2e-7 over [−87, 88]; inputs outside are clamped (e^−87 ≈ 1.6e-38 underflows to a
// normal float, e^88 ≈ 1.65e38 stays finite).
static inline float ampl_vexp(float x) {
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    float k = __builtin_roundf(x * 1.44269504088896341f);
    float r = x - k * 0.693359375f;          // ln2 split in a high part exact in float ...
    r = r - k * (-2.12194440e-4f);           // ... and the rest
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    int32_t bits = ((int32_t)k + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline float softplus1(float x) {
    // log(1 + e^x) without overflow; PyTorch returns x itself above its threshold 20.
    return x > 20.0f ? x : log1pf(expf(x));
}

AMPL_CLONES
static void act_forward_rows(ampl_activation act, float param, float *z, const float *bias, float *h,
                             size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++) {
        float *zr = z + r * cols;
        float *hr = h + r * cols;
        if (bias) {
            for (size_t c = 0; c < cols; c++) zr[c] += bias[c];
        }
        switch (act) {
        case AMPL_ACT_IDENTITY:
            if (hr != zr) for (size_t c = 0; c < cols; c++) hr[c] = zr[c];
            break;
        case AMPL_ACT_RELU:
            for (size_t c = 0; c < cols; c++) { float v = zr[c]; hr[c] = v > 0.0f ? v : 0.0f; }
            break;
        case AMPL_ACT_LEAKY_RELU:
            for (size_t c = 0; c < cols; c++) { float v = zr[c]; hr[c] = v > 0.0f ? v : v * param; }
            break;
        case AMPL_ACT_SILU:
            for (size_t c = 0; c < cols; c++) { float v = zr[c]; hr[c] = v / (1.0f + ampl_vexp(-v)); }
            break;
        case AMPL_ACT_TANH:
            for (size_t c = 0; c < cols; c++) hr[c] = tanhf(zr[c]);
            break;
        case AMPL_ACT_SIGMOID:
            for (size_t c = 0; c < cols; c++) hr[c] = 1.0f / (1.0f + expf(-zr[c]));
            break;
        case AMPL_ACT_SOFTPLUS:
            for (size_t c = 0; c < cols; c++) hr[c] = softplus1(zr[c]);
            break;
        }
    }
}

void ampl_bias_act_forward(ampl_activation act, float param, float *z, const float *bias, float *h,
                           size_t rows, size_t cols) {
    act_forward_rows(act, param, z, bias, h, rows, cols);
}

AMPL_CLONES
void ampl_act_backward(ampl_activation act, float param, const float *z, const float *h, const float *dh,
                       float *dz, size_t n) {
    switch (act) {
    case AMPL_ACT_IDENTITY:
        if (dz != dh) for (size_t i = 0; i < n; i++) dz[i] = dh[i];
        break;
    case AMPL_ACT_RELU:
        // Both operands are loaded unconditionally: a conditional load would compile to a branch.
        for (size_t i = 0; i < n; i++) { float g = dh[i]; dz[i] = z[i] > 0.0f ? g : 0.0f; }
        break;
    case AMPL_ACT_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) { float g = dh[i]; dz[i] = z[i] > 0.0f ? g : g * param; }
        break;
    case AMPL_ACT_SILU:
        // d/dz z·σ(z) = σ(z)·(1 + z·(1 − σ(z)))
        for (size_t i = 0; i < n; i++) {
            float v = z[i];
            float s = 1.0f / (1.0f + ampl_vexp(-v));
            dz[i] = dh[i] * s * (1.0f + v * (1.0f - s));
        }
        break;
    case AMPL_ACT_TANH:
        for (size_t i = 0; i < n; i++) { float t = h[i]; dz[i] = dh[i] * (1.0f - t * t); }
        break;
    case AMPL_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++) { float s = h[i]; dz[i] = dh[i] * s * (1.0f - s); }
        break;
    case AMPL_ACT_SOFTPLUS:
        // d/dz log(1 + e^z) = σ(z); PyTorch's threshold makes it exactly 1 above 20.
        for (size_t i = 0; i < n; i++) {
            float v = z[i];
            float s = v > 20.0f ? 1.0f : 1.0f / (1.0f + expf(-v));
            dz[i] = dh[i] * s;
        }
        break;
    }
}

AMPL_CLONES
void ampl_column_sums_add(const float *dz, float *db, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++) {
        const float *row = dz + r * cols;
        for (size_t c = 0; c < cols; c++) db[c] += row[c];
    }
}

AMPL_CLONES
void ampl_axpby(size_t n, float a, const float *x, float b, float *y) {
    for (size_t i = 0; i < n; i++) y[i] = a * x[i] + b * y[i];
}

AMPL_CLONES
void ampl_adam_step(size_t n, float *p, const float *g, float *m, float *v, float lr, float beta1, float beta2,
                    float eps, float weight_decay, float bias_correction1, float bias_correction2) {
    const float step = lr / bias_correction1;
    const float inv_sqrt_bc2 = 1.0f / __builtin_sqrtf(bias_correction2);
    for (size_t i = 0; i < n; i++) {
        float grad = g[i] + weight_decay * p[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * grad;
        float vi = beta2 * v[i] + (1.0f - beta2) * grad * grad;
        m[i] = mi;
        v[i] = vi;
        float denom = __builtin_elementwise_sqrt(vi) * inv_sqrt_bc2 + eps;
        p[i] -= step * mi / denom;
    }
}

AMPL_CLONES
double ampl_sum_squares(size_t n, const float *x) {
    // 16 independent float lanes let the loop vectorise without -ffast-math; lanes are added in double.
    float lanes[16] = {0};
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        for (int j = 0; j < 16; j++) lanes[j] += x[i + j] * x[i + j];
    }
    double total = 0.0;
    for (int j = 0; j < 16; j++) total += (double)lanes[j];
    for (; i < n; i++) total += (double)x[i] * (double)x[i];
    return total;
}
