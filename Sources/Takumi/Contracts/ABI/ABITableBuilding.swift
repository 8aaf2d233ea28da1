import BigInt
import Ethereum

// Shorthands for writing the ABI tables: each reads like the Vyper declaration
// it mirrors (`indexed("owner", .address)`), so a table can be checked by eye.

extension ABIParameter {
    /// An event parameter carried in a topic.
    static func indexed(_ name: String, _ type: ABIType) -> ABIParameter {
        ABIParameter(name: name, type: type, isIndexed: true)
    }

    /// A function input or output, or an event parameter carried in the data.
    static func named(_ name: String, _ type: ABIType) -> ABIParameter {
        ABIParameter(name: name, type: type)
    }
}

extension ABIFunction {
    /// A view without inputs returning one value: constants, counters, role ids.
    static func getter(_ name: String, _ type: ABIType) -> ABIFunction {
        ABIFunction(name: name, inputs: [], outputs: [.named("", type)])
    }

    /// A state-changing function without outputs.
    static func transaction(_ name: String, _ inputs: [ABIParameter]) -> ABIFunction {
        ABIFunction(name: name, inputs: inputs, outputs: [])
    }

    /// A function with inputs returning one value (a view, or a transaction
    /// whose result `eth_call` can preview, like `addSkill`'s new id).
    static func returning(_ name: String, _ inputs: [ABIParameter], returns type: ABIType) -> ABIFunction {
        ABIFunction(name: name, inputs: inputs, outputs: [.named("", type)])
    }
}

extension ABIValue {
    /// A `uint256` argument from a Swift id or count.
    static func uint64(_ value: UInt64) -> ABIValue { .uint(BigUInt(value)) }
}
