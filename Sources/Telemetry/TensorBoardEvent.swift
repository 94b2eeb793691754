// The few `tensorflow.Event` protobuf messages TensorBoard needs, encoded by hand so the package needs no
// protobuf dependency. Field numbers come from tensorflow/core/util/event.proto and summary.proto:
//
//   Event      { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5;
//                SessionLog session_log = 7; }
//   Summary    { repeated Value value = 1; }
//   Value      { string tag = 1; float simple_value = 2; }
//   SessionLog { SessionStatus status = 1; }   with START = 1

/// One event record's payload.
enum TensorBoardEvent {
    /// The first event of every file: tells readers the format version.
    static func fileVersion(wallTime: Double) -> [UInt8] {
        header(wallTime: wallTime, step: 0) + lengthDelimited(field: 3, Array("brain.Event:2".utf8))
    }

    /// Scalars logged at one step, as one Summary with a Value per tag.
    static func scalars(_ scalars: [(tag: String, value: Float)], step: Int64, wallTime: Double) -> [UInt8] {
        var summary: [UInt8] = []
        for (tag, value) in scalars {
            let summaryValue = lengthDelimited(field: 1, Array(tag.utf8))
                + key(field: 2, wireType: .fixed32) + littleEndian(value.bitPattern)
            summary += lengthDelimited(field: 1, summaryValue)
        }
        return header(wallTime: wallTime, step: step) + lengthDelimited(field: 5, summary)
    }

    /// A SessionLog START at `step`: TensorBoard then drops the points a crashed run logged at or after
    /// `step` in earlier files, so a resumed run's curves do not show the lost stretch twice.
    static func sessionStart(step: Int64, wallTime: Double) -> [UInt8] {
        let sessionLog = key(field: 1, wireType: .varint) + varint(1)
        return header(wallTime: wallTime, step: step) + lengthDelimited(field: 7, sessionLog)
    }

    // MARK: protobuf wire format

    private enum WireType: UInt64 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    private static func header(wallTime: Double, step: Int64) -> [UInt8] {
        key(field: 1, wireType: .fixed64) + littleEndian(wallTime.bitPattern)
            + key(field: 2, wireType: .varint) + varint(UInt64(bitPattern: step))
    }

    private static func key(field: UInt64, wireType: WireType) -> [UInt8] {
        varint(field << 3 | wireType.rawValue)
    }

    private static func lengthDelimited(field: UInt64, _ payload: [UInt8]) -> [UInt8] {
        key(field: field, wireType: .lengthDelimited) + varint(UInt64(payload.count)) + payload
    }

    /// Seven bits per byte, least significant first, high bit set on every byte but the last.
    private static func varint(_ value: UInt64) -> [UInt8] {
        var rest = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(rest & 0x7F)
            rest >>= 7
            if rest != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while rest != 0
        return bytes
    }
}

/// The bytes of `value` in little-endian order.
func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}
