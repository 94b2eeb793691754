// TFRecord framing, the container of TensorBoard event files:
//
//   uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)     (little-endian)
//
// TensorBoard's reader verifies both checksums and rejects a record that fails either.
import Numerics

enum TFRecord {
    static func frame(_ data: [UInt8]) -> [UInt8] {
        let length = littleEndian(UInt64(data.count))
        return length + littleEndian(maskedCRC(length)) + data + littleEndian(maskedCRC(data))
    }

    /// CRC-32C rotated and offset, as TensorFlow does, because a CRC of data that itself embeds CRCs is weak.
    static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
        let crc = CRC32C.checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
