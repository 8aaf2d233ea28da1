import BigInt
import Ethereum

/// Reads decoded ABI values in declaration order into Swift types, naming the
/// field (from the ABI table) in every error. One reader per event, return
/// value or struct; each accessor consumes the next value.
struct ABIFields {
    private let values: [ABIValue]
    /// Named only when an error needs it (one reader per decoded event).
    private let parameters: [ABIParameter]
    /// The event, function or struct being read, for error messages.
    let context: String
    private var index = 0

    init(_ values: [ABIValue], parameters: [ABIParameter], context: String) {
        self.values = values
        self.parameters = parameters
        self.context = context
    }

    /// The name of the field the next accessor reads.
    private var fieldName: String {
        if index < parameters.count, let name = parameters[index].name, !name.isEmpty { return name }
        return "#\(index)"
    }

    private mutating func next<T>(_ expected: String, _ extract: (ABIValue) -> T?) throws(ContractBindingError) -> T {
        guard index < values.count, let value = extract(values[index]) else {
            throw .unexpectedValue(context: context, field: fieldName, expected: expected)
        }
        index += 1
        return value
    }

    mutating func address() throws(ContractBindingError) -> Address {
        try next("an address") { $0.address }
    }

    /// An address where the zero address means "none" (an unassigned verifier).
    mutating func optionalAddress() throws(ContractBindingError) -> Address? {
        let address = try address()
        return address == .zero ? nil : address
    }

    mutating func bool() throws(ContractBindingError) -> Bool {
        try next("a bool") { $0.bool }
    }

    mutating func string() throws(ContractBindingError) -> String {
        try next("a string") { $0.string }
    }

    mutating func bytes() throws(ContractBindingError) -> [UInt8] {
        try next("bytes") { value in
            if case .bytes(let bytes) = value { return bytes }
            return nil
        }
    }

    mutating func bytes32() throws(ContractBindingError) -> Bytes32 {
        try next("a bytes32") { $0.bytes32 }
    }

    mutating func bigUInt() throws(ContractBindingError) -> BigUInt {
        try next("an unsigned integer") { $0.uint }
    }

    /// A `uintN` that must fit 64 bits: ids, counts, timestamps.
    mutating func uint64() throws(ContractBindingError) -> UInt64 {
        let name = fieldName
        let value = try bigUInt()
        guard let small = UInt64(exactly: value) else {
            throw .valueOutOfRange(context: context, field: name, value: String(value))
        }
        return small
    }

    /// A `uint256` where 0 means "none" (a skill not verified by any claim yet).
    mutating func optionalUInt64() throws(ContractBindingError) -> UInt64? {
        let value = try uint64()
        return value == 0 ? nil : value
    }

    mutating func uint8() throws(ContractBindingError) -> UInt8 {
        let name = fieldName
        let value = try bigUInt()
        guard let small = UInt8(exactly: value) else {
            throw .valueOutOfRange(context: context, field: name, value: String(value))
        }
        return small
    }

    mutating func strings() throws(ContractBindingError) -> [String] {
        try next("a string[]") { value in
            guard let elements = value.elements else { return nil }
            let strings = elements.compactMap(\.string)
            return strings.count == elements.count ? strings : nil
        }
    }

    mutating func addresses() throws(ContractBindingError) -> [Address] {
        try next("an address[]") { value in
            guard let elements = value.elements else { return nil }
            let addresses = elements.compactMap(\.address)
            return addresses.count == elements.count ? addresses : nil
        }
    }

    mutating func uint64s() throws(ContractBindingError) -> [UInt64] {
        let name = fieldName
        let elements: [ABIValue] = try next("a uint256[]") { $0.elements }
        var result: [UInt64] = []
        result.reserveCapacity(elements.count)
        for (position, element) in elements.enumerated() {
            guard let value = element.uint else {
                throw .unexpectedValue(context: context, field: "\(name)[\(position)]", expected: "an unsigned integer")
            }
            guard let small = UInt64(exactly: value) else {
                throw .valueOutOfRange(context: context, field: "\(name)[\(position)]", value: String(value))
            }
            result.append(small)
        }
        return result
    }

    /// The components of the next value, a tuple (a struct a view returns), named by `fields`.
    mutating func tuple(_ fields: [ABIParameter], context: String) throws(ContractBindingError) -> ABIFields {
        let components: [ABIValue] = try next("a tuple") { value in
            if case .tuple(let components) = value { return components }
            return nil
        }
        return ABIFields(components, parameters: fields, context: context)
    }
}
