import TestSupport
import NIOCore
import Testing
import TakumiRedis

/// The RESP decoder on its own: every reply type, frames split anywhere,
/// and input that is not RESP (which must fail, never crash or spin).
@Suite("RESP decoder")
struct RESPDecoderTests {
    /// Feeds `chunks` one at a time, as TCP reads arrive, and returns every
    /// value decoded, or the error that stopped decoding.
    static func decode(chunks: [[UInt8]], decoder: RESPDecoder = RESPDecoder()) -> Result<[RESPValue], RedisError> {
        var buffer = ByteBuffer()
        var values: [RESPValue] = []
        for chunk in chunks {
            buffer.writeBytes(chunk)
            do {
                while let value = try decoder.parse(&buffer) { values.append(value) }
            } catch {
                return .failure(error)
            }
        }
        return .success(values)
    }

    static func decode(_ text: String) -> Result<[RESPValue], RedisError> {
        decode(chunks: [Array(text.utf8)])
    }

    static func encoded(_ values: [RESPValue]) throws -> [UInt8] {
        var buffer = ByteBuffer()
        for value in values { try RESPEncoder.encode(value, into: &buffer) }
        return Array(buffer.readableBytesView)
    }

    @Test("RESP2 replies: strings, errors, integers, bulk strings, nulls, nested arrays")
    func resp2() throws {
        let text = "+OK\r\n-ERR unknown command 'FOO'\r\n:-42\r\n:9223372036854775807\r\n$5\r\na\r\nb\0\r\n$0\r\n\r\n$-1\r\n*-1\r\n"
            + "*3\r\n:1\r\n*2\r\n$1\r\nx\r\n*0\r\n$-1\r\n"
        let values = try Self.decode(text).get()
        #expect(values == [
            .simpleString("OK"), .error("ERR unknown command 'FOO'"), .integer(-42), .integer(.max),
            .bulk("a\r\nb\0"), .bulk(""), .null, .null,
            .array([.integer(1), .array([.bulk("x"), .array([])]), .null]),
        ])
    }

    @Test("RESP3 replies are decoded: null, boolean, double, big number, map, set, verbatim string, blob error")
    func resp3() throws {
        let text = "_\r\n#t\r\n#f\r\n,3.25\r\n,-inf\r\n,1e-05\r\n(3492890328409238509324850943850943825024385\r\n"
            + "%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n*1\r\n#f\r\n~2\r\n:1\r\n:2\r\n=15\r\ntxt:Some string\r\n!21\r\nSYNTAX invalid syntax\r\n"
        let values = try Self.decode(text).get()
        #expect(values == [
            .null, .boolean(true), .boolean(false), .double(3.25), .double(-.infinity), .double(0.00001),
            .bigNumber("3492890328409238509324850943850943825024385"),
            .map([.init(.simpleString("first"), .integer(1)), .init(.bulk("second"), .array([.boolean(false)]))]),
            .array([.integer(1), .integer(2)]), .bulk("Some string"), .error("SYNTAX invalid syntax"),
        ])
        guard case let .double(nan) = try Self.decode(",nan\r\n").get().first else {
            Issue.record("nan did not decode as a double")
            return
        }
        #expect(nan.isNaN)
    }

    @Test("RESP3 push and attribute frames are rejected with a clear error")
    func resp3Rejected() {
        #expect(Self.decode(">2\r\n+message\r\n+hi\r\n") == .failure(.protocolViolation(
            "RESP3 push frames are not supported (no HELLO 3, CLIENT TRACKING or SUBSCRIBE on this client)"
        )))
        #expect(Self.decode("|1\r\n+ttl\r\n:3\r\n+OK\r\n") == .failure(.protocolViolation("RESP3 attribute frames are not supported")))
    }

    @Test("malformed frames fail with a protocol violation", arguments: [
        ("?\r\n", "unknown reply type byte 0x3f"),
        ("$abc\r\n", "length is not a 64-bit decimal integer"),
        ("$-2\r\n", "bulk length -2 outside"),
        ("$3\r\nabcd\r\n", "not followed by CRLF"),
        (":12a\r\n", "integer is not"),
        (":+1\r\n", "integer is not"),
        (":99999999999999999999\r\n", "integer is not"),
        (":\r\n", "integer is not"),
        ("+OK\rX\n", "CR not followed by LF"),
        ("+O\nK\r\n", "bare LF"),
        ("*-2\r\n", "element count -2"),
        ("*999999999\r\n", "element count 999999999"),
        ("#x\r\n", "boolean must be t or f"),
        (",1.5x\r\n", "double is not a number"),
        (",infinity\r\n", "double is not a number"),
        ("(12x\r\n", "big number"),
        ("_x\r\n", "null with a payload"),
        ("=2\r\nab\r\n", "verbatim string"),
    ])
    func malformed(input: String, reason: String) {
        switch Self.decode(input) {
        case let .failure(.protocolViolation(message)):
            #expect(message.contains(reason), "\(input.debugDescription): \(message)")
        case let other:
            Issue.record("\(input.debugDescription) decoded as \(other)")
        }
    }

    @Test("limits: deep nesting, long lines and huge bulk lengths fail instead of exhausting the stack or memory")
    func limits() {
        // 100 000 levels would overflow the stack of a naive recursive parser.
        let deep = String(repeating: "*1\r\n", count: 100_000) + ":1\r\n"
        #expect(Self.decode(deep) == .failure(.protocolViolation("nesting deeper than 32 levels")))

        var limits = RESPDecoder.Limits()
        limits.maxLineLength = 16
        limits.maxBulkLength = 8
        let decoder = RESPDecoder(limits: limits)
        // No CRLF yet, but already longer than a line may be: fail now, do not buffer forever.
        #expect(Self.decode(chunks: [Array(("+" + String(repeating: "x", count: 40)).utf8)], decoder: decoder)
            == .failure(.protocolViolation("line longer than 16 bytes")))
        #expect(Self.decode(chunks: [Array("$9\r\n".utf8)], decoder: decoder)
            == .failure(.protocolViolation("bulk length 9 outside 0...8")))
        #expect(Self.decode("$99999999999\r\n") == .failure(.protocolViolation("bulk length 99999999999 outside 0...536870912")))
    }

    @Test("an incomplete frame consumes nothing and decodes once the rest arrives")
    func incomplete() throws {
        let decoder = RESPDecoder()
        var buffer = ByteBuffer(string: "*2\r\n$5\r\nhel")
        #expect(try decoder.parse(&buffer) == nil)
        #expect(buffer.readableBytes == 11)
        buffer.writeString("lo\r\n:7\r")
        #expect(try decoder.parse(&buffer) == nil)
        buffer.writeString("\n+next\r\n")
        #expect(try decoder.parse(&buffer) == .array([.bulk("hello"), .integer(7)]))
        #expect(try decoder.parse(&buffer) == .simpleString("next"))
        #expect(buffer.readableBytes == 0)
    }

    @Test("every split point of a valid stream decodes the same values")
    func everySplitPoint() throws {
        let values: [RESPValue] = [
            .array([.bulk("GET"), .null, .integer(-1), .array([.simpleString("a"), .error("ERR x")])]),
            .bulk("line\r\nbreak"), .map([.init(.bulk("k"), .double(2.5))]), .boolean(true), .bigNumber("-12"),
        ]
        let bytes = try Self.encoded(values)
        for split in 0...bytes.count {
            #expect(try Self.decode(chunks: [Array(bytes[..<split]), Array(bytes[split...])]).get() == values, "split at \(split)")
        }
        // And one byte at a time.
        #expect(try Self.decode(chunks: bytes.map { [$0] }).get() == values)
    }

    @Test("property: random values, encoded and cut at random points, decode to themselves")
    func randomSplits() async throws {
        var generator = SplitMix64(seed: 0x7A4B_1D)
        for round in 0..<400 {
            // CPU-bound loops yield now and then: tests share the cooperative
            // pool, and starving it would make the network tests' timeouts fire.
            if round % 20 == 0 { await Task.yield() }
            let values = (0..<Int.random(in: 1...6, using: &generator)).map { _ in Self.randomValue(depth: 0, using: &generator) }
            let bytes = try Self.encoded(values)
            var cuts = (0..<Int.random(in: 0...8, using: &generator)).map { _ in Int.random(in: 0...bytes.count, using: &generator) }
            cuts = ([0] + cuts.sorted() + [bytes.count])
            let chunks = zip(cuts, cuts.dropFirst()).map { Array(bytes[$0..<$1]) }
            #expect(try Self.decode(chunks: chunks).get() == values, "round \(round), cuts \(cuts)")
        }
    }

    @Test("fuzz: random bytes and mutated frames end in values, an error or a wait for more; never a crash or a spin")
    func garbage() async throws {
        var generator = SplitMix64(seed: 0xBAD_F00D)
        let alphabet = Array("+-:$*_#,(%~=!>|\r\n0123456789-abcOK".utf8)
        var errors = 0
        for round in 0..<3000 {
            if round % 50 == 0 { await Task.yield() }
            var bytes: [UInt8]
            if round % 2 == 0 {
                // RESP-looking noise: type bytes, digits and CRLFs in random order.
                bytes = (0..<Int.random(in: 1...64, using: &generator)).map { _ in
                    Bool.random(using: &generator) ? alphabet.randomElement(using: &generator) ?? 0 : UInt8.random(in: 0...255, using: &generator)
                }
            } else {
                // A valid stream with a few bytes changed.
                bytes = try Self.encoded([Self.randomValue(depth: 0, using: &generator)])
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = alphabet.randomElement(using: &generator) ?? 0
                }
            }
            // Returning at all is the property: each parse either consumes bytes or stops.
            if case .failure = Self.decode(chunks: [bytes]) { errors += 1 }
            // The same bytes split differently must reach the same verdict.
            let split = Int.random(in: 0...bytes.count, using: &generator)
            #expect(Self.decode(chunks: [bytes]) == Self.decode(chunks: [Array(bytes[..<split]), Array(bytes[split...])]), "round \(round)")
        }
        // Most noise is rejected rather than taken for a frame in progress.
        #expect(errors > 1500)
        // A stream that starts with a byte no RESP type has fails at the first byte.
        for byte in UInt8(0)...UInt8(255) where !"+-:$*_#,(%~=!>|".utf8.contains(byte) {
            guard case .failure(.protocolViolation) = Self.decode(chunks: [[byte]]) else {
                Issue.record("byte \(byte) was not rejected")
                continue
            }
        }
    }

    static func randomValue(depth: Int, using generator: inout SplitMix64) -> RESPValue {
        let kinds = depth >= 3 ? 7 : 9
        switch Int.random(in: 0..<kinds, using: &generator) {
        case 0: return .simpleString(String((0..<Int.random(in: 0...12, using: &generator)).map { _ in
            Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &generator)))
        }))
        case 1: return .error("ERR " + String(Int.random(in: 0...1000, using: &generator)))
        case 2: return .integer(Int64.random(in: .min ... .max, using: &generator))
        case 3:
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            return .bulkString(ByteBuffer(bytes: bytes))
        case 4: return .null
        case 5: return .boolean(Bool.random(using: &generator))
        case 6: return .double(Double.random(in: -1e9...1e9, using: &generator))
        case 7: return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            return .map((0..<Int.random(in: 0...3, using: &generator)).map { _ in
                .init(randomValue(depth: depth + 1, using: &generator), randomValue(depth: depth + 1, using: &generator))
            })
        }
    }
}

@Suite("RESP encoder")
struct RESPEncoderTests {
    @Test("a command is an array of bulk strings; lines with CR or LF are refused")
    func command() throws {
        var buffer = ByteBuffer()
        try RESPEncoder.encode(["SET", "k", "v\r\n"], into: &buffer)
        #expect(String(buffer: buffer) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv\r\n\r\n")
        #expect(throws: RedisError.protocolViolation("a RESP line cannot contain CR or LF")) {
            try RESPEncoder.encode(.simpleString("a\r\nb"), into: &buffer)
        }
    }
}
