import Crypto
import Ethereum
import Foundation

/// Random tokens and their storage form.
enum Secrets {
    /// `count` bytes from the system's CSPRNG (`SystemRandomNumberGenerator`
    /// is cryptographically secure on every platform Swift supports).
    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// What the store keeps of a token or key: its SHA-256, lowercase hex.
    /// A plain hash suffices: the inputs are 256 random bits, not passwords.
    static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Array(token.utf8)), prefixed: false)
    }
}

/// API keys: `tk_` and 32 random bytes in base64url, shown once at creation.
public enum APIKeyMaterial {
    static let marker = "tk_"
    /// How much of a key lists show, to tell keys apart without revealing them.
    static let prefixLength = marker.count + 8

    static func generate() -> (key: String, prefix: String) {
        let key = marker + Base64URL.encode(Secrets.randomBytes(32))
        return (key, String(key.prefix(prefixLength)))
    }

    /// The `key_hash` of a presented key, for ``TakumiStore/AccessStore/activeAPIKey(hash:at:)``.
    public static func hash(_ key: String) -> String { Secrets.hash(key) }
}

/// RFC 4648 §5 base64url without padding, as JWS (RFC 7515) uses it.
enum Base64URL {
    static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Only the canonical encoding decodes: text whose unused trailing bits
    /// are not zero (another spelling of the same bytes) is refused, so a
    /// token has exactly one valid spelling.
    static func decode(_ text: Substring) -> [UInt8]? {
        guard !text.contains("="), text.utf8.count % 4 != 1 else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        guard !text.contains("+"), !text.contains("/"), let data = Data(base64Encoded: standard) else { return nil }
        let bytes = [UInt8](data)
        guard encode(bytes) == text else { return nil }
        return bytes
    }
}
