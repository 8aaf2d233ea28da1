import BigInt
import Ethereum

// Random inputs for the differential tests, and their JSON form for oracle.py.

extension SeededGenerator {
    mutating func bigUInt(bits: Int) -> BigUInt {
        switch Int.random(in: 0..<6, using: &self) {
        case 0: return 0
        case 1: return (BigUInt(1) << bits) - 1
        case 2: return BigUInt(UInt64.random(in: 0...300, using: &self)) & ((BigUInt(1) << bits) - 1)
        default:
            let width = Int.random(in: 1...bits, using: &self)
            return BigUInt(bigEndian: bytes((width + 7) / 8)) & ((BigUInt(1) << width) - 1)
        }
    }

    mutating func bigInt(bits: Int) -> BigInt {
        let limit = BigInt(1) << (bits - 1)
        switch Int.random(in: 0..<6, using: &self) {
        case 0: return -limit
        case 1: return limit - 1
        case 2: return BigInt(Int.random(in: -100...100, using: &self))
        default:
            let magnitude = BigInt(bigUInt(bits: bits - 1))
            return Bool.random(using: &self) ? magnitude : -magnitude - (Bool.random(using: &self) ? 1 : 0)
        }
    }

    mutating func text(maximumLength: Int = 40) -> String {
        let alphabet: [String] = ["a", "Z", "0", " ", "-", "é", "ß", "日", "本", "😀", "\n", "\"", "\\", "\u{0}"]
        let count = Int.random(in: 0...maximumLength, using: &self)
        return (0..<count).map { _ in alphabet.randomElement(using: &self) ?? "a" }.joined()
    }

    mutating func address() -> Address {
        (try? Address(bytes: bytes(20))) ?? .zero
    }

    mutating func abiType(depth: Int = 0) -> ABIType {
        let choice = Int.random(in: 0..<(depth < 3 ? 10 : 7), using: &self)
        switch choice {
        case 0: return .uint(8 * Int.random(in: 1...32, using: &self))
        case 1: return .int(8 * Int.random(in: 1...32, using: &self))
        case 2: return .address
        case 3: return .bool
        case 4: return .fixedBytes(Int.random(in: 1...32, using: &self))
        case 5: return .bytes
        case 6: return .string
        case 7: return .array(abiType(depth: depth + 1))
        case 8: return .fixedArray(abiType(depth: depth + 1), Int.random(in: 1...3, using: &self))
        default: return .tuple((0..<Int.random(in: 1...3, using: &self)).map { _ in abiType(depth: depth + 1) })
        }
    }

    mutating func abiValue(_ type: ABIType) -> ABIValue {
        switch type {
        case .uint(let bits): return .uint(bigUInt(bits: bits))
        case .int(let bits): return .int(bigInt(bits: bits))
        case .address: return .address(address())
        case .bool: return .bool(Bool.random(using: &self))
        case .fixedBytes(let count): return .fixedBytes(bytes(count))
        case .bytes: return .bytes(bytes(length(upTo: 80, edges: [0, 31, 32, 33, 64])))
        case .string: return .string(text())
        case .array(let element): return .array((0..<Int.random(in: 0...3, using: &self)).map { _ in abiValue(element) })
        case .fixedArray(let element, let count): return .array((0..<count).map { _ in abiValue(element) })
        case .tuple(let components): return .tuple(components.map { abiValue($0) })
        }
    }

    mutating func rlpItem(depth: Int = 0) -> RLPItem {
        if depth < 3, Int.random(in: 0..<3, using: &self) == 0 {
            return .list((0..<Int.random(in: 0...5, using: &self)).map { _ in rlpItem(depth: depth + 1) })
        }
        return .bytes(bytes(length(upTo: 120, edges: [0, 1, 1, 1, 2, 55, 56, 57, 300])))
    }
}

extension ABIValue {
    /// The oracle's JSON form of this value as `type`.
    func json(as type: ABIType) -> JSON {
        switch (type, self) {
        case (.uint, .uint(let value)): return .string(String(value))
        case (.int, .int(let value)): return .string(String(value))
        case (.address, .address(let value)): return .string(value.lowercased)
        case (.bool, .bool(let value)): return .bool(value)
        case (_, .fixedBytes(let bytes)), (_, .bytes(let bytes)): return .string(Hex.encode(bytes))
        case (.string, .string(let value)): return .string(value)
        case (.array(let element), .array(let values)), (.fixedArray(let element, _), .array(let values)):
            return .array(values.map { $0.json(as: element) })
        case (.tuple(let components), .tuple(let values)):
            return .array(zip(values, components).map { $0.json(as: $1) })
        default: return .null
        }
    }
}

extension RLPItem {
    var json: JSON {
        switch self {
        case .bytes(let bytes): .string(Hex.encode(bytes))
        case .list(let items): .array(items.map(\.json))
        }
    }
}
