import CHDF5

extension HDF5File {
    /// Writes a float array as float32, gzip-compressed in chunks of about `targetChunkBytes` (whole rows), the
    /// way D4RL's files are stored. Groups on the way ("infos/" in "infos/qpos") are created as needed.
    func writeFloats(_ key: String, _ array: ShapedArray) throws {
        try array.values.withUnsafeBytes { bytes in
            try writeDataset(key, shape: array.shape, fileType: amplh5_native_float(),
                             memoryType: amplh5_native_float(), bytesPerElement: 4, data: bytes.baseAddress)
        }
    }

    /// Writes flags as h5py writes numpy bool: an 8-bit enum {FALSE = 0, TRUE = 1}.
    func writeBools(_ key: String, _ values: [Bool]) throws {
        let boolType = H5Tenum_create(amplh5_native_int8())
        defer { H5Tclose(boolType) }
        var falseValue: Int8 = 0
        var trueValue: Int8 = 1
        H5Tenum_insert(boolType, "FALSE", &falseValue)
        H5Tenum_insert(boolType, "TRUE", &trueValue)
        let bytes = values.map { $0 ? Int8(1) : Int8(0) }
        try bytes.withUnsafeBytes { raw in
            try writeDataset(key, shape: [values.count], fileType: boolType, memoryType: boolType,
                             bytesPerElement: 1, data: raw.baseAddress)
        }
    }

    /// Writes a scalar fixed-length string, NUL-padded, which h5py reads as `bytes` (D4RL's `metadata/algorithm`
    /// is stored this way).
    func writeString(_ key: String, _ value: String) throws {
        let utf8 = Array(value.utf8)
        let stringType = H5Tcopy(amplh5_c_s1())
        defer { H5Tclose(stringType) }
        H5Tset_size(stringType, max(utf8.count, 1))   // HDF5 rejects size 0; an empty string is one NUL
        H5Tset_strpad(stringType, H5T_STR_NULLPAD)
        let padded = utf8.isEmpty ? [UInt8(0)] : utf8
        try padded.withUnsafeBytes { raw in
            try writeDataset(key, shape: [], fileType: stringType, memoryType: stringType,
                             bytesPerElement: padded.count, data: raw.baseAddress)
        }
    }

    /// Writes a scalar float64.
    func writeDouble(_ key: String, _ value: Double) throws {
        var value = value
        try writeDataset(key, shape: [], fileType: amplh5_native_double(), memoryType: amplh5_native_double(),
                         bytesPerElement: 8, data: &value)
    }

    /// Chunks of roughly this many bytes compress well and read fast (h5py's own heuristic aims near 1 MiB).
    private static let targetChunkBytes = 256 * 1024
    /// zlib level; D4RL used h5py's default, 4.
    private static let deflateLevel: UInt32 = 4

    /// Creates `key` with `shape` (empty for a scalar) and writes `data`. Non-empty arrays are chunked by rows
    /// and deflated; scalars and empty arrays cannot be chunked and are stored contiguously.
    private func writeDataset(_ key: String, shape: [Int], fileType: hid_t, memoryType: hid_t,
                              bytesPerElement: Int, data: UnsafeRawPointer?) throws {
        let dims = shape.map { hsize_t($0) }
        let space = dims.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(dims.count), dims, nil)
        defer { H5Sclose(space) }

        let linkProperties = H5Pcreate(amplh5_p_link_create())
        defer { H5Pclose(linkProperties) }
        H5Pset_create_intermediate_group(linkProperties, 1)

        let creationProperties = H5Pcreate(amplh5_p_dataset_create())
        defer { H5Pclose(creationProperties) }
        let elementCount = shape.reduce(1, *)
        if !shape.isEmpty && elementCount > 0 {
            let rowBytes = max(1, elementCount / shape[0]) * bytesPerElement
            var chunk = dims
            chunk[0] = hsize_t(min(shape[0], max(1, Self.targetChunkBytes / rowBytes)))
            H5Pset_chunk(creationProperties, Int32(chunk.count), chunk)
            H5Pset_deflate(creationProperties, Self.deflateLevel)
        }

        let dataset = H5Dcreate2(id, key, fileType, space, linkProperties, creationProperties, defaultProperties)
        guard dataset >= 0 else { throw DatasetError.writeFailed(path: path, reason: "cannot create dataset \(key)") }
        defer { H5Dclose(dataset) }
        if elementCount > 0, H5Dwrite(dataset, memoryType, wholeDataset, wholeDataset, defaultProperties, data) < 0 {
            throw DatasetError.writeFailed(path: path, reason: "writing dataset \(key) failed")
        }
    }
}
