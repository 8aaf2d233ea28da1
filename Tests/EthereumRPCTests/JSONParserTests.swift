import EthereumRPC
import Foundation
import Testing
import TestSupport

/// JSONParser and JSONWriter against Foundation: the decoding they replaced
/// (`JSONDecoder` through `JSONValue: Codable`) and `JSONSerialization`.
@Suite("JSON parser and writer")
struct JSONParserTests {
    // MARK: Differential against the old path

    @Test("differential: random documents in varied spellings parse as JSONDecoder decodes them")
    func differential() async throws {
        let baseSeed: UInt64 = 0x4A53_4F4E_0001
        for round in 0..<3000 {
            if round % 50 == 0 { await Task.yield() }
            let seed = baseSeed &+ UInt64(round)
            var generator = JSONTextGenerator(seed: seed)
            let bytes = Array(generator.document().utf8)
            let expected: JSONValue
            do { expected = try Self.legacyDecode(bytes) } catch {
                Issue.record("JSONDecoder refused generated document (seed \(seed)): \(String(decoding: bytes, as: UTF8.self))")
                continue
            }
            do {
                let parsed = try JSONParser.parse(bytes)
                #expect(parsed == expected, "seed \(seed): \(String(decoding: bytes, as: UTF8.self))")
            } catch {
                Issue.record("seed \(seed): \(error) in \(String(decoding: bytes, as: UTF8.self))")
            }
        }
    }

    // MARK: Rejection

    static let invalidDocuments: [(String, [UInt8])] = {
        var documents: [(String, [UInt8])] = [
            "[,1]", "[1,,]", "[1 2]", "{,}", #"{"a" 1}"#, "{a:1}", #"{"a":1 "b":2}"#, #"{"a"}"#, "{1:2}",
            "01", "-01", "00", "1.", ".5", "+1", "-", "1e", "1e+", "1.e5", "-.5", "0x10", "1 2", "1e400", "-1e400",
            #""abc"#, #"["abc]"#, #""\x""#, #""\u12""#, #""\u12G4""#, #""\"#, #""\ud800""#, #""\ud800\u0041""#,
            #""\udc00""#, #""\ud800\ud800""#, #""\ud800x""#, "\"\u{01}\"", "\"a\tb\"", "\"a\nb\"",
            "[1] x", "[1]]", "{}}", "nan", "NaN", "Infinity", "-Infinity", "tru", "nul", "True", "'a'",
            "[1,\u{0B}2]", "[1,\u{0C}2]", "[1,\u{A0}2]", "// c\n1", "/* */1", "",
            "   ", "[", "{", "{\"a\":", "[1,",
            String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
            String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000),
            String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1),
            String(repeating: "[", count: 10_000),
        ].map { ($0, Array($0.utf8)) }
        documents += [
            ("invalid byte 0xFF", [0x22, 0xFF, 0x22]),
            ("lone continuation byte", [0x22, 0x80, 0x22]),
            ("overlong '/'", [0x22, 0xC0, 0xAF, 0x22]),
            ("overlong 3-byte", [0x22, 0xE0, 0x80, 0xAF, 0x22]),
            ("UTF-8 encoded surrogate", [0x22, 0xED, 0xA0, 0x80, 0x22]),
            ("truncated sequence", [0x22, 0xE2, 0x82, 0x22]),
            ("above U+10FFFF", [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]),
            ("0xF5 lead", [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22]),
            ("invalid UTF-8 in a key", Array(#"{""#.utf8) + [0xC3] + Array(#"":1}"#.utf8)),
            ("invalid UTF-8 after an escape", Array(#""\n"#.utf8) + [0xFF, 0x22]),
            ("raw NUL in a string", [0x22, 0x00, 0x22]),
            ("trailing NUL", Array("[1]".utf8) + [0x00]),
        ]
        return documents
    }()

    /// Invalid per RFC 8259, but Foundation on Linux (swift-foundation's
    /// scanner, behind both JSONSerialization and JSONDecoder) accepts a
    /// trailing comma in arrays and objects. We refuse them; so the old
    /// JSONDecoder path accepted them and the new one does not.
    static let trailingCommas = ["[1,]", #"{"a":1,}"#, "[1 , ]", #"[{"a":[1,],},]"#]

    @Test("invalid documents are refused, and JSONSerialization refuses each of them too")
    func rejection() throws {
        for (name, bytes) in Self.invalidDocuments {
            #expect(throws: JSONParseError.self, "\(name.prefix(40))") { try JSONParser.parse(bytes) }
            #expect(!Self.foundationAccepts(bytes), "JSONSerialization accepts \(name.prefix(40))")
        }
        for text in Self.trailingCommas {
            #expect(throws: JSONParseError.self, "\(text)") { try JSONParser.parse(text) }
            // The same document without its trailing commas is what Foundation read.
            let stripped = Self.removingTrailingCommas(Array(text.utf8))
            #expect(try JSONParser.parse(stripped) == Self.fromFoundation(JSONSerialization.jsonObject(with: Data(text.utf8))))
        }
    }

    @Test("errors carry the byte offset and a reason")
    func errorOffsets() {
        let cases: [(String, Int)] = [
            ("[1,]", 3), ("[1] x", 4), (#""\ud800""#, 1), ("01", 1), ("", 0), (#"{"a":tru}"#, 5),
            (#"["abc"#, 1), ("\"ab\u{01}\"", 3), (#""\x""#, 1),
        ]
        for (text, offset) in cases {
            switch Result(catching: { () throws(JSONParseError) -> JSONValue in try JSONParser.parse(text) }) {
            case .success: Issue.record("\(text) was accepted")
            case let .failure(error):
                #expect(error.offset == offset, "\(text): \(error)")
                #expect(!error.reason.isEmpty && error.description.hasSuffix("at byte \(offset)"), "\(error)")
            }
        }
    }

    @Test("edge cases that are valid JSON read as JSONSerialization reads them")
    func acceptedEdgeCases() throws {
        let cases: [(String, JSONValue)] = [
            (#""\u0000""#, .string("\u{0}")), ("-0", .number(-0.0)), ("1E2", 100), ("1e-400", .number(0)),
            ("0.0", 0), ("[]", []), ("{}", [:]), (" \t\n\r1 \t\n\r", 1), (#""\/""#, "/"), ("\"\u{7F}\"", "\u{7F}"),
            ("123456789012345678901234567890", .number(123456789012345678901234567890.0)),
            ("-9007199254740993", .number(-9007199254740992)), ("1.7976931348623157e308", .number(.greatestFiniteMagnitude)),
            ("5e-324", .number(.leastNonzeroMagnitude)), (#""\uD83D\uDE00\u00e9\uFFFF""#, "😀é\u{FFFF}"),
            (#"{"a":1,"a":2}"#, ["a": 2]), ("true", true), ("false", false), ("null", nil),
            (String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth),
             (1..<JSONParser.maxDepth).reduce(JSONValue.array([])) { inner, _ in .array([inner]) }),
        ]
        for (text, expected) in cases {
            let parsed = try JSONParser.parse(text)
            #expect(parsed == expected, "\(text.prefix(40))")
            let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            #expect(Self.fromFoundation(foundation) == expected, "JSONSerialization on \(text.prefix(40))")
        }
        // Duplicate keys: the last wins, as with JSONSerialization. (JSONDecoder
        // on Linux keeps the first, so the old path differed here.)
        #expect(try JSONParser.parse(#"{"a":1,"b":0,"a":{"c":2}}"#) == ["a": ["c": 2], "b": 0])
        // -0 keeps its sign.
        #expect(try JSONParser.parse("-0").numberSign == .minus)
    }

    @Test("Data, arrays, strings and non-contiguous collections parse the same")
    func inputKinds() throws {
        let text = #"{"result":["0x1",{"k":[true,null,-1.5e3]}],"id":7}"#
        let expected: JSONValue = ["result": ["0x1", ["k": [true, nil, .number(-1500)]]], "id": 7]
        #expect(try JSONParser.parse(text) == expected)
        #expect(try JSONParser.parse(Data(text.utf8)) == expected)
        #expect(try JSONParser.parse(Array(text.utf8)) == expected)
        #expect(try JSONParser.parse(text.utf8.lazy.map { $0 }) == expected)
        #expect(try JSONValue(parsing: Array(text.utf8)) == expected)
        let viaPointer = try Array(text.utf8).withUnsafeBytes { bytes throws -> JSONValue in try JSONParser.parse(bytes) }
        #expect(viaPointer == expected)
    }

    // MARK: Mutation fuzz

    @Test("fuzz: mutated documents never crash, and are accepted exactly when JSONSerialization accepts them")
    func mutationFuzz() async throws {
        let baseSeed: UInt64 = 0xF022_0000
        let interesting = Array("{}[]\",:\\/-+.eE0123456789tfnu \t\n\r".utf8) + [0x00, 0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xE2, 0xED, 0xF0, 0xF4, 0xFF]
        var accepted = 0
        var rejected = 0
        var trailingCommas = 0
        var otherEncodings = 0
        for round in 0..<4000 {
            if round % 50 == 0 { await Task.yield() }
            let seed = baseSeed &+ UInt64(round)
            var generator = JSONTextGenerator(seed: seed, maxDepth: 3)
            var random = SplitMix64(seed: ~seed)
            var bytes = Array(generator.document().utf8)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let position = Int.random(in: 0...bytes.count, using: &random)
                let byte = Bool.random(using: &random)
                    ? interesting.randomElement(using: &random) ?? 0 : UInt8.random(in: 0...255, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 4:
                    // A trailing comma before a closing bracket (Foundation's leniency).
                    if let closer = bytes.indices.filter({ bytes[$0] == UInt8(ascii: "]") || bytes[$0] == UInt8(ascii: "}") }).randomElement(using: &random) {
                        bytes.insert(UInt8(ascii: ","), at: closer)
                    }
                case 0 where position < bytes.count: bytes[position] ^= 1 << UInt8.random(in: 0...7, using: &random)
                case 1 where position < bytes.count: bytes[position] = byte
                case 2 where position < bytes.count: bytes.remove(at: position)
                default: bytes.insert(byte, at: position)
                }
            }
            let ours = Result { () throws(JSONParseError) -> JSONValue in try JSONParser.parse(bytes) }
            let theirs = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            let text = String(decoding: bytes, as: UTF8.self)
            // The documented difference: JSONSerialization sniffs the encoding
            // (a byte-order mark, or NUL among the first bytes means UTF-16/32)
            // and transcodes; RFC 8259 §8.1 requires UTF-8 without a BOM, and
            // JSON-RPC bodies are UTF-8, so we refuse such input.
            if Self.foundationSniffsAnotherEncoding(bytes) {
                otherEncodings += 1
                if case .success = ours { Issue.record("seed \(seed): accepted input with a BOM or NUL start: \(bytes.prefix(8))") }
                continue
            }
            switch (ours, theirs) {
            case let (.success(value), theirs?):
                accepted += 1
                #expect(Self.nearlyEqual(Self.fromFoundation(theirs), value), "seed \(seed): \(text)")
            case let (.failure, theirs?) where Self.removingTrailingCommas(bytes) != bytes:
                // The other documented difference: Foundation accepts trailing commas.
                trailingCommas += 1
                let stripped = Self.removingTrailingCommas(bytes)
                #expect(Self.nearlyEqual(Self.fromFoundation(theirs), try? JSONParser.parse(stripped)), "seed \(seed): \(text)")
            case (.failure, nil):
                rejected += 1
            case let (.success(value), nil):
                Issue.record("seed \(seed): we accept what JSONSerialization refuses: \(text) → \(value)")
            case let (.failure(error), _?):
                Issue.record("seed \(seed): we refuse what JSONSerialization accepts: \(text) (\(error))")
            }
        }
        // Both sides are exercised.
        #expect(accepted > 300 && rejected > 1500, "accepted \(accepted), rejected \(rejected)")
        print("JSONParser fuzz: \(accepted) accepted, \(rejected) rejected, \(trailingCommas) trailing-comma cases only Foundation accepts, \(otherEncodings) BOM/NUL starts")
    }

    // MARK: Writer

    @Test("writer: parse(write(v)) == v, JSONDecoder reads v, and JSONSerialization reads v (up to its rounding)")
    func writerRoundTrip() async throws {
        let baseSeed: UInt64 = 0x3717_E500
        for round in 0..<2000 {
            if round % 50 == 0 { await Task.yield() }
            let seed = baseSeed &+ UInt64(round)
            var generator = JSONTextGenerator(seed: seed)
            let value = try JSONParser.parse(generator.document())
            for sorted in [false, true] {
                let written = JSONWriter.write(value, sortedKeys: sorted)
                let text = String(decoding: written, as: UTF8.self)
                #expect(try JSONParser.parse(written) == value, "seed \(seed): \(text)")
                #expect(try Self.legacyDecode(written) == value, "seed \(seed): \(text)")
                let foundation = try JSONSerialization.jsonObject(with: Data(written), options: [.fragmentsAllowed])
                #expect(Self.nearlyEqual(Self.fromFoundation(foundation), value), "seed \(seed): \(text)")
            }
        }
    }

    @Test("writer: compact text, escapes, integers without a fraction, NaN as null")
    func writerText() throws {
        let value: JSONValue = [
            "b": [1, .number(-0.0), .number(1.5), .number(1e20), .number(0.1), .number(1e-5), .number(-42), .number(.nan), .number(.infinity), nil, true],
            "a": .string("q\"b\\n\n r\r t\t \u{01}\u{1F} / é😀 \u{7F}"),
            "c": [:], "d": [],
        ]
        let text = String(decoding: JSONWriter.write(value, sortedKeys: true), as: UTF8.self)
        #expect(text == #"{"a":"q\"b\\n\n r\r t\t \u0001\u001f / é😀 \#u{7F}","b":[1,-0,1.5,1e+20,0.1,1e-05,-42,null,null,null,true],"c":{},"d":[]}"#)
        #expect(JSONWriter.write(["id": 1, "jsonrpc": "2.0"], sortedKeys: true) == Array(#"{"id":1,"jsonrpc":"2.0"}"#.utf8))
        #expect(JSONWriter.write(.number(9_007_199_254_740_992)) == Array("9007199254740992.0".utf8))
        #expect(JSONWriter.write(.number(1e16)) == Array("1e+16".utf8))
        #expect(JSONWriter.write(.number(9_007_199_254_740_991)) == Array("9007199254740991".utf8))
        // jsonText keeps JSONEncoder's output: sorted keys, slashes as they are.
        #expect(JSONValue.object(["b": "x/y", "a": 1]).jsonText == #"{"a":1,"b":"x/y"}"#)
        let finiteNumbers = value["b"]?.arrayValue?.filter { element in
            if case let .number(number) = element { number.isFinite } else { true }
        } ?? []
        let finite: JSONValue = ["b": .array(finiteNumbers), "a": value["a"] ?? nil]
        #expect(try JSONParser.parse(finite.jsonBytes) == JSONParser.parse(finite.jsonText))
    }

    // MARK: eth_getLogs

    @Test("an eth_getLogs response parses to what JSONDecoder made of it")
    func getLogsResponse() throws {
        let body = Self.getLogsBody(logs: 400)
        let parsed = try JSONParser.parse(body)
        #expect(parsed == (try Self.legacyDecode(body)))
        let logs = try #require(parsed["result"]?.arrayValue)
        #expect(logs.count == 400)
        #expect(logs[7]["logIndex"] == "0x7" && logs[7]["removed"] == false && logs[7]["topics"]?.arrayValue?.count == 3)
        #expect(parsed["id"] == 1)
    }

    @Test("timing: old and new parse of a 5,000-log eth_getLogs body (printed, not asserted)")
    func timing() throws {
        let body = Self.getLogsBody(logs: 5000)
        let clock = ContinuousClock()
        let legacy: Duration
        var new = Duration.seconds(1000)
        legacy = try clock.measure { _ = try Self.legacyDecode(body) }
        for _ in 0..<3 {
            new = min(new, try clock.measure { _ = try JSONParser.parse(body) })
        }
        let ratio = legacy / new
        print("JSONParser timing, \(body.count) bytes, 5,000 logs: JSONDecoder \(legacy), JSONParser \(new), \(String(format: "%.1f", ratio))× faster")
    }

    // MARK: Support

    /// The decoding JSONParser replaced in HTTPJSONRPCClient.
    static func legacyDecode(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    static func foundationAccepts(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
    }

    /// JSONSerialization reads a byte-order mark, or a NUL among the first
    /// bytes, as a sign of another Unicode encoding than UTF-8.
    static func foundationSniffsAnotherEncoding(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) || bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE])
            || bytes.prefix(4).contains(0)
    }

    /// Equal, except that numbers may differ in the last few bits: JSONSerialization
    /// reads non-integers as NSDecimalNumber, whose doubleValue is not always
    /// the correctly rounded Double (JSONDecoder's is, and equals ours exactly).
    static func nearlyEqual(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch (a, b) {
        case let (.number(x)?, .number(y)?):
            return x == y || (x - y).magnitude <= 1e-14 * Swift.max(x.magnitude, y.magnitude)
        case let (.array(x)?, .array(y)?):
            return x.count == y.count && zip(x, y).allSatisfy { nearlyEqual($0, $1) }
        case let (.object(x)?, .object(y)?):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { nearlyEqual(value, $0) } ?? false }
        default:
            return a == b
        }
    }

    /// The bytes without commas that directly precede ']' or '}' (outside strings).
    static func removingTrailingCommas(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var inString = false
        var escaped = false
        var pendingComma: Int?  // index in output of a comma followed only by whitespace so far
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                output.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if let comma = pendingComma { output.remove(at: comma) }
                pendingComma = nil
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                break
            case UInt8(ascii: ","):
                pendingComma = output.count
            default:
                pendingComma = nil
                if byte == UInt8(ascii: "\"") { inString = true }
            }
            output.append(byte)
        }
        return output
    }

    static func fromFoundation(_ object: Any) -> JSONValue? {
        switch object {
        case is NSNull: return .null
        case let string as String: return .string(string)
        case let number as NSNumber:
            // Booleans come back as NSNumbers of their own class (__NSCFBoolean).
            if String(describing: type(of: number)).contains("Boolean") { return .bool(number.boolValue) }
            return .number(number.doubleValue)
        case let array as [Any]:
            var elements: [JSONValue] = []
            for element in array {
                guard let value = fromFoundation(element) else { return nil }
                elements.append(value)
            }
            return .array(elements)
        case let dictionary as [String: Any]:
            var members: [String: JSONValue] = [:]
            for (key, element) in dictionary {
                guard let value = fromFoundation(element) else { return nil }
                members[key] = value
            }
            return .object(members)
        default: return nil
        }
    }

    /// A JSON-RPC response of `logs` logs, shaped like a node's.
    static func getLogsBody(logs: Int) -> [UInt8] {
        var random = SplitMix64(seed: 0x6E7_1065)
        func hex(_ bytes: Int) -> String {
            var text = "0x"
            for _ in 0..<bytes {
                let byte = UInt8.random(in: 0...255, using: &random)
                text += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
            }
            return text
        }
        var entries: [String] = []
        for index in 0..<logs {
            let block = 0x1_0000 + index / 10
            entries.append(
                #"{"address":"\#(hex(20))","topics":["\#(hex(32))","\#(hex(32))","\#(hex(32))"],"#
                    + #""data":"\#(hex(32 * (1 + index % 4)))","blockNumber":"0x\#(String(block, radix: 16))","#
                    + #""transactionHash":"\#(hex(32))","transactionIndex":"0x\#(String(index % 10, radix: 16))","#
                    + #""blockHash":"\#(hex(32))","logIndex":"0x\#(String(index, radix: 16))","removed":false}"#
            )
        }
        return Array(#"{"jsonrpc":"2.0","id":1,"result":[\#(entries.joined(separator: ","))]}"#.utf8)
    }
}

extension JSONValue {
    fileprivate var numberSign: FloatingPointSign? {
        if case let .number(number) = self { return number.sign }
        return nil
    }
}

/// Random JSON text: nested objects and arrays, strings with raw and escaped
/// characters (control characters, quotes, BMP and astral scalars, surrogate
/// pairs), numbers in every form of the grammar, literals, random whitespace.
/// Object keys are unique (JSONDecoder and JSONSerialization disagree on
/// duplicates; a separate test covers them).
struct JSONTextGenerator {
    var random: SplitMix64
    let maxDepth: Int

    init(seed: UInt64, maxDepth: Int = 5) {
        random = SplitMix64(seed: seed)
        self.maxDepth = maxDepth
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }

    mutating func document() -> String { whitespace() + value(depth: 0) + whitespace() }

    mutating func whitespace() -> String {
        guard chance(0.3) else { return "" }
        return String((0..<int(1...3)).map { _ in [" ", "\t", "\n", "\r"][int(0...3)] })
    }

    mutating func value(depth: Int) -> String {
        switch int(0...(depth >= maxDepth ? 5 : 8)) {
        case 0, 1: return string(scalars())
        case 2: return hexString()
        case 3: return number()
        case 4: return chance(0.5) ? "true" : "false"
        case 5: return "null"
        case 6: return array(depth: depth + 1)
        default: return object(depth: depth + 1)
        }
    }

    mutating func array(depth: Int) -> String {
        let elements = (0..<int(0...5)).map { _ in whitespace() + value(depth: depth) + whitespace() }
        return "[" + (elements.isEmpty ? whitespace() : elements.joined(separator: ",")) + "]"
    }

    mutating func object(depth: Int) -> String {
        var keys: Set<[Unicode.Scalar]> = []
        var members: [String] = []
        for _ in 0..<int(0...5) {
            let key = chance(0.5) ? Array("k\(int(0...20))".unicodeScalars) : scalars()
            guard keys.insert(key).inserted else { continue }
            members.append(whitespace() + string(key) + whitespace() + ":" + whitespace() + value(depth: depth) + whitespace())
        }
        return "{" + (members.isEmpty ? whitespace() : members.joined(separator: ",")) + "}"
    }

    mutating func hexString() -> String {
        "\"0x" + String((0..<int(0...80)).map { _ in Array("0123456789abcdef")[int(0...15)] }) + "\""
    }

    mutating func scalars() -> [Unicode.Scalar] {
        (0..<int(0...12)).compactMap { _ in
            let value: UInt32
            switch int(0...9) {
            case 0...3: value = UInt32(int(0x20...0x7E))
            case 4: value = UInt32(int(0x00...0x1F))
            case 5: value = [0x22, 0x5C, 0x2F, 0x7F][int(0...3)]
            case 6: value = UInt32(int(0xA0...0x7FF))
            case 7: value = UInt32(chance(0.5) ? int(0x800...0xD7FF) : int(0xE000...0xFFFF))
            default: value = UInt32(int(0x10000...0x10FFFF))
            }
            return Unicode.Scalar(value)
        }
    }

    mutating func string(_ scalars: [Unicode.Scalar]) -> String {
        var text = "\""
        for scalar in scalars {
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            guard mustEscape || chance(0.2) else {
                text.unicodeScalars.append(scalar)
                continue
            }
            let short: String? = switch scalar {
            case "\"": #"\""#
            case "\\": #"\\"#
            case "/": #"\/"#
            case "\u{08}": #"\b"#
            case "\u{0C}": #"\f"#
            case "\n": #"\n"#
            case "\r": #"\r"#
            case "\t": #"\t"#
            default: nil
            }
            if let short, chance(0.6) {
                text += short
            } else {
                let upper = chance(0.5)
                for unit in String(scalar).utf16 {
                    let digits = String(unit, radix: 16, uppercase: upper)
                    text += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                }
            }
        }
        return text + "\""
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept inside
    /// Double's range (JSONDecoder refuses both overflow and underflow).
    mutating func number() -> String {
        var text = chance(0.3) ? "-" : ""
        if chance(0.3) {
            text += "0"
        } else {
            text += String(int(1...9)) + String((0..<int(0...19)).map { _ in Character(String(int(0...9))) })
        }
        if chance(0.4) { text += "." + String((0..<int(1...12)).map { _ in Character(String(int(0...9))) }) }
        if chance(0.3) {
            text += chance(0.5) ? "e" : "E"
            text += ["", "+", "-"][int(0...2)]
            let exponent = String(int(0...250))
            text += String(repeating: "0", count: int(0...2)) + exponent
        }
        return text
    }
}
