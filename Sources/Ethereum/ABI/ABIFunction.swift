/// A contract function: its signature, 4-byte selector, and the codecs for its
/// calldata and return data.
///
/// Parse it from a human-readable signature: canonical (`transfer(address,uint256)`),
/// cast style with outputs (`version()(string)`), or with names, modifiers and
/// `returns` (`function balanceOf(address owner) view returns (uint256)`).
///
/// ```swift
/// let transfer = try ABIFunction("transfer(address,uint256)")
/// Hex.encode(transfer.selector)          // "0xa9059cbb"
/// let calldata = try transfer.encodeCall([.address(to), .uint(1_000)])
/// let version = try ABIFunction("version()(string)")
/// let values = try version.decodeOutput(returnData) // [.string("1.0.0")]
/// ```
public struct ABIFunction: Hashable, Sendable {
    public var name: String
    public var inputs: [ABIParameter]
    public var outputs: [ABIParameter]

    public init(name: String, inputs: [ABIParameter], outputs: [ABIParameter] = []) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Parses a human-readable function signature.
    public init(_ signature: String) throws(ABIError) {
        var parser = ABISignatureParser(signature, allowsNames: true)
        let parsed = try parser.parseSignature()
        self.init(name: parsed.name, inputs: parsed.inputs, outputs: parsed.outputs)
    }

    /// The canonical signature, e.g. `transfer(address,uint256)`.
    public var signature: String { canonicalSignature(name, inputs) }

    /// The first four bytes of keccak256(``signature``).
    public var selector: [UInt8] { Array(Keccak256.hash(Array(signature.utf8)).bytes.prefix(4)) }

    /// The calldata for a call with `arguments`: selector then the encoded inputs.
    public func encodeCall(_ arguments: [ABIValue]) throws(ABIError) -> [UInt8] {
        selector + (try ABI.encode(arguments, as: inputs.map(\.type)))
    }

    /// The arguments in `calldata`, after checking its selector.
    public func decodeCall(_ calldata: [UInt8]) throws(ABIError) -> [ABIValue] {
        try checkSelector(selector, of: calldata)
        return try ABI.decode(calldata.dropFirst(4), as: inputs.map(\.type))
    }

    /// The encoded return data for `values` (for fakes and tests).
    public func encodeOutput(_ values: [ABIValue]) throws(ABIError) -> [UInt8] {
        try ABI.encode(values, as: outputs.map(\.type))
    }

    /// The values in a call's return data.
    public func decodeOutput(_ data: [UInt8]) throws(ABIError) -> [ABIValue] {
        try ABI.decode(data, as: outputs.map(\.type))
    }
}

/// A custom Solidity/Vyper error, `error InsufficientBalance(uint256 available, uint256 required)`,
/// found in revert data by its selector.
///
/// ```swift
/// let insufficient = try ABICustomError("InsufficientBalance(uint256,uint256)")
/// let reason = try RevertReason(decoding: revertData, customErrors: [insufficient])
/// ```
public struct ABICustomError: Hashable, Sendable {
    public var name: String
    public var inputs: [ABIParameter]

    public init(name: String, inputs: [ABIParameter]) {
        self.name = name
        self.inputs = inputs
    }

    /// Parses `Name(type name, …)`, with or without the leading `error` keyword.
    public init(_ signature: String) throws(ABIError) {
        var parser = ABISignatureParser(signature, allowsNames: true)
        let parsed = try parser.parseSignature()
        self.init(name: parsed.name, inputs: parsed.inputs)
    }

    /// The canonical signature, e.g. `InsufficientBalance(uint256,uint256)`.
    public var signature: String { canonicalSignature(name, inputs) }

    /// The first four bytes of keccak256(``signature``).
    public var selector: [UInt8] { Array(Keccak256.hash(Array(signature.utf8)).bytes.prefix(4)) }

    /// Revert data for this error with `values`.
    public func encode(_ values: [ABIValue]) throws(ABIError) -> [UInt8] {
        selector + (try ABI.encode(values, as: inputs.map(\.type)))
    }

    /// The values in revert data that carries this error.
    public func decode(_ data: [UInt8]) throws(ABIError) -> [ABIValue] {
        try checkSelector(selector, of: data)
        return try ABI.decode(data.dropFirst(4), as: inputs.map(\.type))
    }
}

func canonicalSignature(_ name: String, _ parameters: [ABIParameter]) -> String {
    "\(name)(\(parameters.map(\.type.canonicalName).joined(separator: ",")))"
}

func checkSelector(_ selector: [UInt8], of data: [UInt8]) throws(ABIError) {
    guard data.count >= 4 else { throw .truncated(position: 0, needed: 4, available: data.count) }
    guard Array(data.prefix(4)) == selector else {
        throw .selectorMismatch(expected: selector, actual: Array(data.prefix(4)))
    }
}
