import CHDF5
import Foundation

/// One open HDF5 file, closed when the value is released. Internal: the rest of the target reads and writes
/// datasets through it, and nothing outside the target sees HDF5 handles.
///
/// Threading: the HDF5 library keeps global state and is only thread-safe when built so (Debian's is, Homebrew's
/// is not), so every use of an `HDF5File` must happen inside `HDF5Library.serialized`.
final class HDF5File {
    /// The path every error names: the file's own, or for a temporary file the one it will be renamed to.
    let path: String
    let id: hid_t

    private init(path: String, id: hid_t) {
        self.path = path
        self.id = id
    }

    deinit { H5Fclose(id) }

    /// Opens an existing file read-only, telling apart "missing", "not HDF5" and "cannot open".
    static func openForReading(_ path: String) throws -> HDF5File {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError.fileMissing(path: path)
        }
        guard !isDirectory.boolValue else {
            throw DatasetError.notReadable(path: path, reason: "it is a directory, not an HDF5 file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw DatasetError.notReadable(path: path, reason: "no permission to read it")
        }
        guard H5Fis_hdf5(path) > 0 else {
            throw DatasetError.notReadable(path: path, reason: "it is not an HDF5 file")
        }
        let id = H5Fopen(path, amplh5_acc_rdonly(), defaultProperties)
        guard id >= 0 else { throw DatasetError.notReadable(path: path, reason: "HDF5 cannot open it") }
        return HDF5File(path: path, id: id)
    }

    /// Creates (or truncates) a file for writing; errors name `destination`, the path the user asked for.
    static func create(_ path: String, destination: String) throws -> HDF5File {
        let id = H5Fcreate(path, amplh5_acc_trunc(), defaultProperties, defaultProperties)
        guard id >= 0 else { throw DatasetError.writeFailed(path: destination, reason: "HDF5 cannot create \(path)") }
        return HDF5File(path: destination, id: id)
    }

    /// Whether `key` (a path such as "infos/qpos") names a dataset. Each group on the way is checked first,
    /// because HDF5 reports a missing intermediate group as an error rather than as "no".
    func hasDataset(_ key: String) -> Bool {
        var prefix = ""
        for component in key.split(separator: "/") {
            prefix += prefix.isEmpty ? String(component) : "/" + component
            guard H5Lexists(id, prefix, defaultProperties) > 0 else { return false }
        }
        return objectType(key) == H5I_DATASET
    }

    /// Whether `key` names a group.
    func hasGroup(_ key: String) -> Bool {
        H5Lexists(id, key, defaultProperties) > 0 && objectType(key) == H5I_GROUP
    }

    private func objectType(_ key: String) -> H5I_type_t {
        let object = H5Oopen(id, key, defaultProperties)
        guard object >= 0 else { return H5I_BADID }
        defer { H5Oclose(object) }
        return H5Iget_type(object)
    }

    /// The paths of all datasets in the file, sorted, e.g. ["actions", "infos/qpos", "metadata/env", …].
    func datasetKeys() -> [String] {
        allLinkNames().filter { objectType($0) == H5I_DATASET }.sorted()
    }

    /// The full path of every link (group or dataset) in the file, at any depth.
    func allLinkNames() -> [String] {
        final class Collected { var names: [String] = [] }
        let collected = Collected()
        let box = Unmanaged.passUnretained(collected).toOpaque()
        // HDF5 calls back with each link's full path; the closure cannot capture, so the list travels in op_data.
        H5Lvisit(id, H5_INDEX_NAME, H5_ITER_NATIVE, { _, name, _, opData in
            guard let name, let opData else { return 0 }
            Unmanaged<Collected>.fromOpaque(opData).takeUnretainedValue().names.append(String(cString: name))
            return 0
        }, box)
        return withExtendedLifetime(collected) { collected.names }
    }
}

/// Process-wide serialisation of HDF5 calls (see `HDF5File`).
enum HDF5Library {
    private static let lock = NSLock()

    static func serialized<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        // Our errors carry the file and key; HDF5's own error stack printout on stderr would only add noise.
        // The setting is per thread in thread-safe builds, hence here rather than once.
        H5Eset_auto2(0, nil, nil)
        return try body()
    }
}

// H5P_DEFAULT and H5S_ALL import into Swift as Int32 literals, while the functions take hid_t (Int64).
/// "Use the default property list."
let defaultProperties = hid_t(H5P_DEFAULT)
/// "Select every element" (for memory and file dataspaces in H5Dread/H5Dwrite).
let wholeDataset = hid_t(H5S_ALL)
