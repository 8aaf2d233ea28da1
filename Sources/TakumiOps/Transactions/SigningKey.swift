import Ethereum
import Foundation

/// Where a sending command gets its private key: a file (`--key-file`, mode
/// 0600 or stricter) or an environment variable (`EMERGENCY_ADMIN_KEY` for the
/// guardian, `MULTISIG_OWNER_KEY` for a multisig owner). Never the command
/// line: a key there ends up in shell history and `ps`.
///
/// Errors name the source, never the key: the text of a malformed key is not
/// echoed, not even in part.
///
/// ```swift
/// let key = try SigningKey.load(file: "/run/secrets/guardian", variable: "EMERGENCY_ADMIN_KEY", value: config.emergencyAdminKey)
/// print(key.address)   // the only thing ever shown
/// ```
public enum SigningKey {
    /// The key from `file` when given, else from `value` (the variable `variable`).
    public static func load(file: String?, variable: String, value: String?) throws(OperationsError) -> PrivateKey {
        if let file { return try load(file: file) }
        guard let value, !value.isEmpty else {
            throw .badConfiguration("no signing key: set \(variable) or pass --key-file FILE (mode 0600)")
        }
        return try parse(value, source: variable)
    }

    /// A key file: refused unless only its owner can read it, so a key left
    /// world-readable on a shared host is noticed before it is used.
    public static func load(file path: String) throws(OperationsError) -> PrivateKey {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw .badInput("--key-file \(path): cannot read it (\(error.localizedDescription))")
        }
        guard let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue else {
            throw .badInput("--key-file \(path): cannot read its permissions")
        }
        // Group or other may read (or write) it: refuse. 0600 and 0400 pass.
        guard mode & 0o077 == 0 else {
            throw .badInput("--key-file \(path) has mode \(String(format: "%04o", mode & 0o7777)): refusing a key others can read; run chmod 600 \(path)")
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .badInput("--key-file \(path): cannot read it as text")
        }
        return try parse(text, source: "--key-file \(path)")
    }

    static func parse(_ text: String, source: String) throws(OperationsError) -> PrivateKey {
        var hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !hex.hasPrefix("0x") { hex = "0x" + hex }
        guard hex.count == 66, let key = try? PrivateKey(hex: hex.lowercased()) else {
            throw .badInput("\(source) is not a private key (0x + 64 hex digits, a valid secp256k1 scalar)")
        }
        return key
    }
}
