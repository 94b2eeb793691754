#pragma once
#include <hdf5.h>

// HDF5's H5T_NATIVE_*, H5F_ACC_* and H5P_* class names are macros that call H5open(); Swift cannot import
// them, so each is wrapped in a one-line function.
static inline hid_t amplh5_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t amplh5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t amplh5_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t amplh5_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t amplh5_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t amplh5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t amplh5_c_s1(void) { return H5T_C_S1; }
static inline unsigned amplh5_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned amplh5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned amplh5_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline hid_t amplh5_p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t amplh5_p_link_create(void) { return H5P_LINK_CREATE; }
