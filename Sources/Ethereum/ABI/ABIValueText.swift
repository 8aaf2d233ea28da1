import BigInt

/// ABI values to and from the text an operator types or reads, as `cast`
/// does: decimal or 0x-hex integers, addresses (EIP-55 checked), `true`/`false`,
/// 0x-hex bytes, raw strings, `[a,b]` arrays and `(a,b)` tuples.
///
/// ```swift
/// try ABIValue(parsing: "[1,0x10]", as: ABIType("uint8[]"))  // .array([.uint(1), .uint(16)])
/// ABIValue.uint(42).text                                      // "42"
/// ```
extension ABIValue {
    public init(parsing text: String, as type: ABIType) throws(ABITextError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch type {
        case .uint(let bits):
            guard let value = ABIValue.parseInteger(trimmed), value.sign == .plus || value.isZero, value.magnitude.bitWidth <= bits
            else { throw .invalidArgument("'\(text)' is not a uint\(bits)") }
            self = .uint(value.magnitude)
        case .int(let bits):
            guard let value = ABIValue.parseInteger(trimmed), ABIValue.fitsSigned(value, bits: bits)
            else { throw .invalidArgument("'\(text)' is not an int\(bits)") }
            self = .int(value)
        case .address:
            do { self = .address(try Address(trimmed)) } catch { throw .invalidArgument("'\(text)': \(error)") }
        case .bool:
            switch trimmed {
            case "true": self = .bool(true)
            case "false": self = .bool(false)
            default: throw .invalidArgument("'\(text)' is not a bool (true or false)")
            }
        case .fixedBytes(let count):
            guard let bytes = try? Hex.decode(trimmed), bytes.count == count
            else { throw .invalidArgument("'\(text)' is not bytes\(count) (0x + \(count * 2) hex digits)") }
            self = .fixedBytes(bytes)
        case .bytes:
            guard let bytes = try? Hex.decode(trimmed) else { throw .invalidArgument("'\(text)' is not 0x-hex bytes") }
            self = .bytes(bytes)
        case .string:
            self = .string(ABIValue.unquoted(text))
        case .array(let element):
            self = .array(try ABIValue.parseList(trimmed, open: "[", close: "]").map { item throws(ABITextError) in
                try ABIValue(parsing: item, as: element)
            })
        case .fixedArray(let element, let count):
            let items = try ABIValue.parseList(trimmed, open: "[", close: "]")
            guard items.count == count else { throw .invalidArgument("'\(text)' has \(items.count) elements, \(type) needs \(count)") }
            self = .array(try items.map { item throws(ABITextError) in try ABIValue(parsing: item, as: element) })
        case .tuple(let components):
            let items = try ABIValue.parseList(trimmed, open: "(", close: ")")
            guard items.count == components.count else {
                throw .invalidArgument("'\(text)' has \(items.count) components, \(type) needs \(components.count)")
            }
            self = .tuple(try zip(items, components).map { item, component throws(ABITextError) in
                try ABIValue(parsing: item, as: component)
            })
        }
    }

    /// One-line text: integers in decimal, bytes as 0x-hex, addresses in
    /// EIP-55 form, strings as they are, arrays `[a, b]`, tuples `(a, b)`.
    public var text: String {
        switch self {
        case .uint(let value): UInt64(exactly: value).map { String($0) } ?? String(value)
        case .int(let value): String(value)
        case .address(let address): address.checksummed
        case .bool(let value): value ? "true" : "false"
        case .fixedBytes(let bytes), .bytes(let bytes): Hex.encode(bytes)
        case .string(let string): string
        case .array(let items): "[" + items.map(\.nestedText).joined(separator: ", ") + "]"
        case .tuple(let items): "(" + items.map(\.nestedText).joined(separator: ", ") + ")"
        }
    }

    /// Inside arrays and tuples strings are quoted so commas stay unambiguous.
    var nestedText: String {
        if case .string(let string) = self { return "\"" + string.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        return text
    }

    static func parseInteger(_ text: String) -> BigInt? {
        var body = Substring(text)
        var negative = false
        if body.hasPrefix("-") { negative = true; body = body.dropFirst() }
        let magnitude: BigUInt?
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            magnitude = body.count > 2 ? BigUInt(body.dropFirst(2), radix: 16) : nil
        } else if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            // Scientific shorthand, as `cast` takes: 1e18, 15e17.
            guard let mantissa = BigUInt(body[..<e], radix: 10), let exponent = Int(body[body.index(after: e)...]), (0...77).contains(exponent)
            else { return nil }
            magnitude = mantissa * BigUInt(10).power(exponent)
        } else {
            magnitude = body.isEmpty || !body.allSatisfy(\.isNumber) ? nil : BigUInt(body, radix: 10)
        }
        guard let magnitude else { return nil }
        return negative ? -BigInt(magnitude) : BigInt(magnitude)
    }

    static func fitsSigned(_ value: BigInt, bits: Int) -> Bool {
        let limit = BigInt(1) << (bits - 1)
        return value >= -limit && value < limit
    }

    static func unquoted(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") else { return text }
        return String(trimmed.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
    }

    /// Splits "[a, (b, c), \"d,e\"]" into its top-level items.
    static func parseList(_ text: String, open: Character, close: Character) throws(ABITextError) -> [String] {
        guard text.first == open, text.last == close else {
            throw .invalidArgument("'\(text)' must be written \(open)…\(close)")
        }
        let inner = text.dropFirst().dropLast()
        if inner.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
        var items: [String] = []
        var current = ""
        var depth = 0
        var quoted = false
        var previous: Character = " "
        for character in inner {
            if character == "\"" && previous != "\\" { quoted.toggle() }
            if !quoted {
                if character == "[" || character == "(" { depth += 1 }
                if character == "]" || character == ")" { depth -= 1 }
                if depth < 0 { throw .invalidArgument("'\(text)' has unbalanced brackets") }
            }
            if character == "," && depth == 0 && !quoted {
                items.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        guard depth == 0, !quoted else { throw .invalidArgument("'\(text)' has unbalanced brackets or quotes") }
        items.append(current.trimmingCharacters(in: .whitespaces))
        return items
    }
}

/// A typed-in ABI argument that does not fit its type; the message quotes it.
public struct ABITextError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String

    static func invalidArgument(_ description: String) -> ABITextError { ABITextError(description: description) }
}
