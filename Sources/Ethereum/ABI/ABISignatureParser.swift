/// Recursive-descent parser for ABI type strings and human-readable signatures.
///
/// In strict mode (`allowsNames == false`) it reads canonical types only: no
/// whitespace, no names. In signature mode it also reads parameter names, `indexed`,
/// data locations and whitespace, as in `Transfer(address indexed from, uint256 value)`.
struct ABISignatureParser {
    /// Deeper type nesting is refused rather than risking the stack.
    static let maximumDepth = 64

    private let text: String
    private let input: [UInt8]
    private var position = 0
    private let allowsNames: Bool
    private var depth = 0

    init(_ text: String, allowsNames: Bool) {
        self.text = text
        self.input = Array(text.utf8)
        self.allowsNames = allowsNames
    }

    /// A whole string that must be exactly one type.
    mutating func parseStandaloneType() throws(ABIError) -> ABIType {
        let type = try parseType()
        guard position == input.count else { throw typeError("unexpected characters at offset \(position)") }
        return type
    }

    /// `[function|event|error] name(params) [modifiers] [returns] [(params)] [anonymous]`.
    mutating func parseSignature() throws(ABIError) -> (name: String, inputs: [ABIParameter], outputs: [ABIParameter], anonymous: Bool) {
        skipSpaces()
        var name = try identifier()
        if ["function", "event", "error"].contains(name) {
            skipSpaces()
            name = try identifier()
        }
        skipSpaces()
        let inputs = try parameterList()
        var outputs: [ABIParameter] = []
        var anonymous = false
        var sawOutputs = false
        while true {
            skipSpaces()
            guard position < input.count else { break }
            if input[position] == UInt8(ascii: "("), !sawOutputs {
                outputs = try parameterList()
                sawOutputs = true
                continue
            }
            let word = try identifier()
            switch word {
            case "view", "pure", "payable", "nonpayable", "external", "public", "returns": continue
            case "anonymous": anonymous = true
            default: throw signatureError("unexpected \"\(word)\"")
            }
        }
        return (name, inputs, outputs, anonymous)
    }

    private mutating func parameterList() throws(ABIError) -> [ABIParameter] {
        try expect("(")
        var parameters: [ABIParameter] = []
        skipSpaces()
        if peek(")") {
            position += 1
            return parameters
        }
        while true {
            parameters.append(try parameter())
            skipSpaces()
            if peek(",") {
                position += 1
                continue
            }
            try expect(")")
            return parameters
        }
    }

    private mutating func parameter() throws(ABIError) -> ABIParameter {
        skipSpaces()
        var parameter = ABIParameter(type: try parseType())
        guard allowsNames else { return parameter }
        while true {
            let save = position
            skipSpaces()
            guard position > save, position < input.count, isIdentifierStart(input[position]) else {
                position = save
                return parameter
            }
            let word = try identifier()
            switch word {
            case "indexed": parameter.isIndexed = true
            case "memory", "calldata", "storage": continue
            default:
                guard parameter.name == nil else { throw signatureError("two names for one parameter") }
                parameter.name = word
            }
        }
    }

    private mutating func parseType() throws(ABIError) -> ABIType {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw typeError("nested deeper than \(Self.maximumDepth)") }
        var type: ABIType
        if peek("(") {
            type = .tuple(try parameterList().map(\.type))
        } else {
            let start = position
            while position < input.count, isTypeCharacter(input[position]) { position += 1 }
            let base = String(decoding: input[start..<position], as: UTF8.self)
            if base == "tuple", peek("(") {
                type = .tuple(try parameterList().map(\.type))
            } else {
                type = try elementaryType(base)
            }
        }
        while peek("[") {
            position += 1
            let start = position
            while position < input.count, input[position] >= UInt8(ascii: "0"), input[position] <= UInt8(ascii: "9") {
                position += 1
            }
            let digits = String(decoding: input[start..<position], as: UTF8.self)
            try expect("]")
            if digits.isEmpty {
                type = .array(type)
            } else {
                guard !digits.hasPrefix("0"), let count = Int(digits) else {
                    throw typeError("array size \(digits) must be a positive integer without leading zeros")
                }
                type = .fixedArray(type, count)
            }
        }
        return type
    }

    private func elementaryType(_ base: String) throws(ABIError) -> ABIType {
        switch base {
        case "address": return .address
        case "bool": return .bool
        case "string": return .string
        case "bytes": return .bytes
        case "uint": return .uint(256)
        case "int": return .int(256)
        case "": throw typeError("missing type at offset \(position)")
        default: break
        }
        for (prefix, make) in [("uint", ABIType.uint), ("int", ABIType.int)] where base.hasPrefix(prefix) {
            let digits = base.dropFirst(prefix.count)
            guard !digits.hasPrefix("0"), let bits = Int(digits), bits % 8 == 0, (8...256).contains(bits) else {
                throw typeError("\(base): width must be a multiple of 8 from 8 to 256")
            }
            return make(bits)
        }
        if base.hasPrefix("bytes") {
            let digits = base.dropFirst(5)
            guard !digits.hasPrefix("0"), let count = Int(digits), (1...32).contains(count) else {
                throw typeError("\(base): size must be from 1 to 32")
            }
            return .fixedBytes(count)
        }
        throw typeError("unsupported type \"\(base)\"")
    }

    private mutating func identifier() throws(ABIError) -> String {
        let start = position
        guard position < input.count, isIdentifierStart(input[position]) else {
            throw signatureError("expected a name at offset \(position)")
        }
        while position < input.count, isIdentifierStart(input[position]) || isDigit(input[position]) {
            position += 1
        }
        return String(decoding: input[start..<position], as: UTF8.self)
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(ABIError) {
        skipSpaces()
        guard peek(character) else {
            throw allowsNames
                ? signatureError("expected \"\(character)\" at offset \(position)")
                : typeError("expected \"\(character)\" at offset \(position)")
        }
        position += 1
    }

    private func peek(_ character: Unicode.Scalar) -> Bool {
        position < input.count && input[position] == UInt8(ascii: character)
    }

    private mutating func skipSpaces() {
        guard allowsNames else { return }
        while position < input.count, input[position] == UInt8(ascii: " ") || input[position] == UInt8(ascii: "\t")
            || input[position] == UInt8(ascii: "\n") {
            position += 1
        }
    }

    private func isTypeCharacter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || isDigit(byte)
    }

    private func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func typeError(_ reason: String) -> ABIError {
        allowsNames ? .invalidSignature(text, reason: reason) : .invalidType(text, reason: reason)
    }

    private func signatureError(_ reason: String) -> ABIError {
        .invalidSignature(text, reason: reason)
    }
}
