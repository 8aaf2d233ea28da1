import Ethereum

/// `ERC1967Proxy`'s own ABI: only the `Upgraded` event its constructor emits
/// (calls go through its fallback to the implementation's ABI).
/// `chain/abi/ERC1967Proxy.json` must match (`ContractBindingTests`).
///
/// ```swift
/// ERC1967ProxyABI.events == [GovernanceABI.upgraded] // true
/// ```
public enum ERC1967ProxyABI {
    public static let events: [ABIEvent] = [GovernanceABI.upgraded]
    public static let functions: [ABIFunction] = []
}
