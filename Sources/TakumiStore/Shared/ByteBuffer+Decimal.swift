import NIOCore

extension ByteBuffer {
    /// `value` in decimal, its digits written straight into the buffer: no
    /// `description` String per number (COPY rows and JSON answers write
    /// many numbers each).
    public mutating func writeDecimal(_ value: Int64) {
        if value < 0 { writeInteger(UInt8(ascii: "-")) }
        var remaining = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes hold UInt64.max's 20 digits
        withUnsafeMutableBytes(of: &digits) { raw in
            var position = raw.count
            repeat {
                position -= 1
                raw[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0
            writeBytes(UnsafeRawBufferPointer(rebasing: raw[position...]))
        }
    }
}
