#include "ampl_kernels.h"
#include <stdint.h>
#include <string.h>

static uint32_t crc_table[256];
static int crc_table_ready = 0;

static void build_table(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        crc_table[i] = c;
    }
    crc_table_ready = 1;
}

static uint32_t crc_software(uint32_t crc, const uint8_t *p, size_t n) {
    if (!crc_table_ready) build_table();   // idempotent: racing threads write the same values
    for (size_t i = 0; i < n; i++) crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

__attribute__((target("sse4.2")))
static uint32_t crc_hardware(uint32_t crc, const uint8_t *p, size_t n) {
    uint64_t c = crc;
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        c = __builtin_ia32_crc32di(c, word);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (n--) c32 = __builtin_ia32_crc32qi(c32, *p++);
    return c32;
}

unsigned int ampl_crc32c(unsigned int crc, const void *data, size_t n) {
    uint32_t c = ~(uint32_t)crc;
    c = __builtin_cpu_supports("sse4.2") ? crc_hardware(c, data, n) : crc_software(c, data, n);
    return ~c;
}
