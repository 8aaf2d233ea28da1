import Ethereum

/// One call to a Takumi contract: the function, its typed arguments, and how
/// to read its return data. Use ``calldata()`` for `eth_call` or a transaction
/// (directly, or as a multisig proposal's data) and ``decodeOutput(_:)`` on
/// what `eth_call` returned.
///
/// ```swift
/// let call = SkillProfileCalls.getSkill(7)
/// let returned = try await client.call(RPCCall(to: skillProfile, data: try call.calldata()))
/// if let skill = try call.decodeOutput(returned) { print(skill.name) }
/// ```
public struct ContractCall<Output: Sendable>: Sendable {
    typealias OutputDecoder = @Sendable (inout ABIFields) throws(ContractBindingError) -> Output

    public let function: ABIFunction
    public let arguments: [ABIValue]
    private let readOutput: OutputDecoder

    init(_ function: ABIFunction, _ arguments: [ABIValue] = [], output readOutput: @escaping OutputDecoder) {
        self.function = function
        self.arguments = arguments
        self.readOutput = readOutput
    }

    /// The selector followed by the encoded arguments.
    public func calldata() throws(ContractBindingError) -> [UInt8] {
        do { return try function.encodeCall(arguments) } catch {
            throw .encodingFailed(function: function.name, error)
        }
    }

    /// The typed result in `returnData` (what `eth_call` returned).
    public func decodeOutput(_ returnData: [UInt8]) throws(ContractBindingError) -> Output {
        let values: [ABIValue]
        do { values = try function.decodeOutput(returnData) } catch {
            throw .malformedOutput(function: function.name, error)
        }
        var fields = ABIFields(values, parameters: function.outputs, context: function.name)
        return try readOutput(&fields)
    }
}

extension ContractCall where Output == Void {
    /// A state-changing call: what matters is its calldata.
    init(transaction function: ABIFunction, _ arguments: [ABIValue] = []) {
        self.init(function, arguments) { _ throws(ContractBindingError) in }
    }
}

extension ContractCall where Output == UInt64 {
    /// A call returning one integer that fits 64 bits (a counter, an id).
    init(integer function: ABIFunction, _ arguments: [ABIValue] = []) {
        self.init(function, arguments) { fields throws(ContractBindingError) in try fields.uint64() }
    }
}

extension ContractCall where Output == Bool {
    init(flag function: ABIFunction, _ arguments: [ABIValue] = []) {
        self.init(function, arguments) { fields throws(ContractBindingError) in try fields.bool() }
    }
}
