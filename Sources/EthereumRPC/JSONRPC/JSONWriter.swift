/// Compact JSON text from a ``JSONValue``, as UTF-8 bytes: the request bodies
/// of ``HTTPJSONRPCClient``.
///
/// Strings escape `"`, `\` and control characters (`\n`, `\r`, `\t`, others as
/// `\u00XX`); `/` and non-ASCII characters are written as they are. Numbers
/// that are integers below 2^53 are written without a fraction (`1`, not
/// `1.0`: JSON-RPC ids); others in Swift's shortest round-trip form; NaN and
/// infinities, which JSON cannot carry, as `null`.
///
/// ```swift
/// let body = JSONWriter.write(["jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []])
/// ```
public enum JSONWriter {
    /// - Parameter sortedKeys: object members in key order (byte order of the
    ///   UTF-8), for stable output; otherwise in dictionary order.
    public static func write(_ value: JSONValue, sortedKeys: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, into: &output, sortedKeys: sortedKeys)
        return output
    }

    public static func write(_ value: JSONValue, into output: inout [UInt8], sortedKeys: Bool = false) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case let .bool(flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case let .number(number): writeNumber(number, into: &output)
        case let .string(string): writeString(string, into: &output)
        case let .array(elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output, sortedKeys: sortedKeys)
            }
            output.append(UInt8(ascii: "]"))
        case let .object(members):
            output.append(UInt8(ascii: "{"))
            var first = true
            func member(_ key: String, _ member: JSONValue) {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                write(member, into: &output, sortedKeys: sortedKeys)
            }
            if sortedKeys {
                for key in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                    if let value = members[key] { member(key, value) }
                }
            } else {
                for (key, value) in members { member(key, value) }
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static func writeNumber(_ number: Double, into output: inout [UInt8]) {
        guard number.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        if number == number.rounded(.towardZero), number.magnitude < 9_007_199_254_740_992 {
            if number == 0, number.sign == .minus { output.append(UInt8(ascii: "-")) }
            output.append(contentsOf: String(Int64(number)).utf8)
        } else {
            // Swift's description is the shortest text that reads back to the
            // same Double, and is valid JSON for finite values ("1e-05", "1.5e+300").
            output.append(contentsOf: number.description.utf8)
        }
    }

    static func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            var runStart = 0
            for position in bytes.indices {
                let byte = bytes[position]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
                appendEscaped(byte, into: &output)
                runStart = position + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        if done == nil {
            for byte in string.utf8 {
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    appendEscaped(byte, into: &output)
                } else {
                    output.append(byte)
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ byte: UInt8, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        default:
            // Only bytes below 0x20 get here: "\u00" then two hex digits.
            output.append(contentsOf: "u00".utf8)
            output.append(UInt8(ascii: "0") + byte >> 4)
            let low = byte & 0xF
            output.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") + low - 10)
        }
    }
}

extension JSONValue {
    /// Compact JSON text as UTF-8 bytes (see ``JSONWriter``).
    public var jsonBytes: [UInt8] { JSONWriter.write(self) }
}
