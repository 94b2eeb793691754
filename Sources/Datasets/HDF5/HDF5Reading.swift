import CHDF5

/// What one element of a stored dataset is, in numpy's words ("float32", "bool", …) so that messages and
/// `ampl dataset info` read like h5py's output.
enum HDF5ElementType: Equatable, CustomStringConvertible {
    case float(bytes: Int)
    case integer(bytes: Int, signed: Bool)
    /// A one-byte enum, which is how h5py stores numpy bool (FALSE = 0, TRUE = 1).
    case bool
    case string
    case other

    var description: String {
        switch self {
        case .float(let bytes): return "float\(bytes * 8)"
        case .integer(let bytes, let signed): return (signed ? "int" : "uint") + "\(bytes * 8)"
        case .bool: return "bool"
        case .string: return "string"
        case .other: return "other"
        }
    }
}

/// The shape and element type of a stored dataset.
struct HDF5DatasetInfo {
    var shape: [Int]
    var elementType: HDF5ElementType
    var elementCount: Int { shape.reduce(1, *) }
}

extension HDF5File {
    /// Opens `key` and hands its dataset, dataspace and file type to `body`, closing all three afterwards.
    private func withDataset<T>(_ key: String, _ body: (_ dataset: hid_t, _ space: hid_t, _ type: hid_t) throws -> T)
        throws -> T {
        guard hasDataset(key) else { throw DatasetError.missingKey(path: path, key: key) }
        let dataset = H5Dopen2(id, key, defaultProperties)
        guard dataset >= 0 else { throw DatasetError.notReadable(path: path, reason: "cannot open dataset \(key)") }
        defer { H5Dclose(dataset) }
        let space = H5Dget_space(dataset)
        defer { H5Sclose(space) }
        let type = H5Dget_type(dataset)
        defer { H5Tclose(type) }
        return try body(dataset, space, type)
    }

    func info(_ key: String) throws -> HDF5DatasetInfo {
        try withDataset(key) { _, space, type in
            HDF5DatasetInfo(shape: Self.shape(of: space), elementType: Self.elementType(of: type))
        }
    }

    /// Reads a float dataset of any precision as Float32; HDF5 converts float64 on the way.
    func readFloats(_ key: String) throws -> ShapedArray {
        try withDataset(key) { dataset, space, type in
            let shape = Self.shape(of: space)
            let elementType = Self.elementType(of: type)
            guard case .float = elementType else {
                throw DatasetError.unsupportedType(path: path, key: key, found: elementType.description,
                                                   expected: "float32 or float64")
            }
            let count = shape.reduce(1, *)
            let values = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                if count > 0, H5Dread(dataset, amplh5_native_float(), wholeDataset, wholeDataset, defaultProperties,
                                      buffer.baseAddress) < 0 {
                    throw DatasetError.notReadable(path: path, reason: "reading \(key) failed")
                }
                initialized = count
            }
            return ShapedArray(shape: shape, values: values)
        }
    }

    /// Reads a flag dataset: h5py's bool enum (read with the file's own type, one byte per element) or a
    /// one-byte integer. Any non-zero byte is true.
    func readBools(_ key: String) throws -> (shape: [Int], values: [Bool]) {
        try withDataset(key) { dataset, space, type in
            let shape = Self.shape(of: space)
            let elementType = Self.elementType(of: type)
            let memoryType: hid_t
            switch elementType {
            case .bool: memoryType = type
            case .integer(bytes: 1, signed: false): memoryType = amplh5_native_uint8()
            case .integer(bytes: 1, signed: true): memoryType = amplh5_native_int8()
            default:
                throw DatasetError.unsupportedType(path: path, key: key, found: elementType.description,
                                                   expected: "bool, uint8 or int8")
            }
            var bytes = [UInt8](repeating: 0, count: shape.reduce(1, *))
            if !bytes.isEmpty, H5Dread(dataset, memoryType, wholeDataset, wholeDataset, defaultProperties, &bytes) < 0 {
                throw DatasetError.notReadable(path: path, reason: "reading \(key) failed")
            }
            return (shape, bytes.map { $0 != 0 })
        }
    }

    /// Reads a scalar string, fixed-length (numpy bytes, as D4RL writes) or variable-length (Python str).
    func readString(_ key: String) throws -> String {
        try withDataset(key) { dataset, space, type in
            guard Self.elementType(of: type) == .string, H5Sget_simple_extent_npoints(space) == 1 else {
                throw DatasetError.unsupportedType(path: path, key: key, found: Self.elementType(of: type).description,
                                                   expected: "a scalar string")
            }
            if H5Tis_variable_str(type) > 0 {
                var pointer: UnsafeMutablePointer<CChar>? = nil
                guard H5Dread(dataset, type, wholeDataset, wholeDataset, defaultProperties, &pointer) >= 0 else {
                    throw DatasetError.notReadable(path: path, reason: "reading \(key) failed")
                }
                defer { H5Dvlen_reclaim(type, space, defaultProperties, &pointer) }
                return pointer.map { String(cString: $0) } ?? ""
            }
            var bytes = [UInt8](repeating: 0, count: H5Tget_size(type))
            guard H5Dread(dataset, type, wholeDataset, wholeDataset, defaultProperties, &bytes) >= 0 else {
                throw DatasetError.notReadable(path: path, reason: "reading \(key) failed")
            }
            // Fixed-length strings are padded with NULs (or spaces, for H5T_STR_SPACEPAD).
            let text = bytes.prefix { $0 != 0 }
            return String(decoding: text, as: UTF8.self).trimmingTrailingSpaces()
        }
    }

    /// Reads a scalar number of any float or integer type as Double.
    func readDouble(_ key: String) throws -> Double {
        try withDataset(key) { dataset, space, type in
            switch Self.elementType(of: type) {
            case .float, .integer: break
            default:
                throw DatasetError.unsupportedType(path: path, key: key, found: Self.elementType(of: type).description,
                                                   expected: "a scalar number")
            }
            guard H5Sget_simple_extent_npoints(space) == 1 else {
                throw DatasetError.badShape(path: path, key: key, shape: Self.shape(of: space), expected: "a scalar")
            }
            var value = 0.0
            guard H5Dread(dataset, amplh5_native_double(), wholeDataset, wholeDataset, defaultProperties, &value) >= 0 else {
                throw DatasetError.notReadable(path: path, reason: "reading \(key) failed")
            }
            return value
        }
    }

    private static func shape(of space: hid_t) -> [Int] {
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank > 0 else { return [] }
        var dims = [hsize_t](repeating: 0, count: rank)
        H5Sget_simple_extent_dims(space, &dims, nil)
        return dims.map { Int($0) }
    }

    private static func elementType(of type: hid_t) -> HDF5ElementType {
        let bytes = H5Tget_size(type)
        switch H5Tget_class(type) {
        case H5T_FLOAT: return .float(bytes: bytes)
        case H5T_INTEGER: return .integer(bytes: bytes, signed: H5Tget_sign(type) == H5T_SGN_2)
        case H5T_ENUM where bytes == 1: return .bool
        case H5T_STRING: return .string
        default: return .other
        }
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
