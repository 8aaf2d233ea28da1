/// Character-level checks of RFC 3986 productions that EIP-4361 uses: `URI`,
/// `authority`, `scheme` and `pchar`. Validation only: nothing is normalised, so a
/// message renders back exactly as it was written.
enum URIGrammar {
    /// RFC 3986 `URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]`.
    static func isURI(_ text: Substring) -> Bool {
        guard let colon = text.firstIndex(of: ":"), isScheme(text[..<colon]) else { return false }
        var rest = text[text.index(after: colon)...]
        var fragment: Substring?
        if let hash = rest.firstIndex(of: "#") {
            fragment = rest[rest.index(after: hash)...]
            rest = rest[..<hash]
        }
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if let fragment, !fragment.unicodeScalars.allSatisfy({ isPathCharacter($0) || $0 == "?" }) { return false }
        if let query, !query.unicodeScalars.allSatisfy({ isPathCharacter($0) || $0 == "?" }) { return false }
        var path = rest
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex(of: "/") ?? afterSlashes.endIndex
            guard isAuthority(afterSlashes[..<end], requiringHost: false) else { return false }
            path = afterSlashes[end...]
        }
        // path-abempty, path-absolute, path-rootless and path-empty are all *(pchar / "/")
        // once "//" has been taken by the authority.
        return path.unicodeScalars.allSatisfy(isPathCharacter) && !isPercentEncodingBroken(path)
            && !isPercentEncodingBroken(query ?? "") && !isPercentEncodingBroken(fragment ?? "")
    }

    /// RFC 3986 `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
    static func isScheme(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, isAlpha(first) else { return false }
        return text.unicodeScalars.dropFirst().allSatisfy { isAlpha($0) || isDigit($0) || "+-.".unicodeScalars.contains($0) }
    }

    /// RFC 3986 `authority = [ userinfo "@" ] host [ ":" port ]`; EIP-4361 domains
    /// also need a non-empty host.
    static func isAuthority(_ text: Substring, requiringHost: Bool) -> Bool {
        var hostAndPort = text
        if let at = text.firstIndex(of: "@") {
            let userinfo = text[..<at]
            guard userinfo.unicodeScalars.allSatisfy({ isUnreserved($0) || isSubDelimiter($0) || $0 == ":" || $0 == "%" }),
                  !isPercentEncodingBroken(userinfo) else { return false }
            hostAndPort = text[text.index(after: at)...]
        }
        var host = hostAndPort
        var port: Substring = ""
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else { return false }
            host = hostAndPort[...close]
            let after = hostAndPort[hostAndPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return false }
                port = after.dropFirst()
            }
            guard isIPLiteral(host) else { return false }
        } else {
            if let colon = hostAndPort.firstIndex(of: ":") {
                host = hostAndPort[..<colon]
                port = hostAndPort[hostAndPort.index(after: colon)...]
            }
            guard host.unicodeScalars.allSatisfy({ isUnreserved($0) || isSubDelimiter($0) || $0 == "%" }),
                  !isPercentEncodingBroken(host) else { return false }
        }
        if requiringHost && host.isEmpty { return false }
        return port.unicodeScalars.allSatisfy(isDigit)
    }

    /// RFC 3986 `pchar = unreserved / pct-encoded / sub-delims / ":" / "@"`, for whole strings.
    static func isPathCharacters(_ text: Substring) -> Bool {
        text.unicodeScalars.allSatisfy { isPathCharacter($0) && $0 != "/" } && !isPercentEncodingBroken(text)
    }

    /// RFC 3986 `reserved / unreserved` plus space: the EIP-4361 statement alphabet.
    static func isStatementCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isUnreserved(scalar) || isSubDelimiter(scalar) || ":/?#[]@ ".unicodeScalars.contains(scalar)
    }

    private static func isIPLiteral(_ text: Substring) -> Bool {
        let inner = text.dropFirst().dropLast()
        if inner.hasPrefix("v") || inner.hasPrefix("V") {
            // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
            guard let dot = inner.firstIndex(of: ".") else { return false }
            let version = inner.dropFirst()[..<dot]
            let address = inner[inner.index(after: dot)...]
            return !version.isEmpty && version.unicodeScalars.allSatisfy(isHexDigit) && !address.isEmpty
                && address.unicodeScalars.allSatisfy { isUnreserved($0) || isSubDelimiter($0) || $0 == ":" }
        }
        return isIPv6(inner)
    }

    /// RFC 3986 `IPv6address`: eight 16-bit groups, one "::" standing for one or more
    /// zero groups, and an optional dotted IPv4 tail counting as two groups.
    static func isIPv6(_ text: Substring) -> Bool {
        let halves = text.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (index, half) in halves.enumerated() where !half.isEmpty {
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (partIndex, part) in parts.enumerated() {
                let isLast = index == halves.count - 1 && partIndex == parts.count - 1
                if isLast, part.contains(".") {
                    guard isIPv4(part) else { return false }
                    groups += 2
                } else {
                    guard (1...4).contains(part.count), part.unicodeScalars.allSatisfy(isHexDigit) else { return false }
                    groups += 1
                }
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }

    private static func isIPv4(_ text: Substring) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { octet in
            guard (1...3).contains(octet.count), octet.unicodeScalars.allSatisfy(isDigit),
                  let value = Int(octet), value <= 255 else { return false }
            return octet.count == 1 || !octet.hasPrefix("0")
        }
    }

    /// Whether a "%" is not followed by two hex digits.
    private static func isPercentEncodingBroken(_ text: Substring) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "%" {
                guard index + 2 < scalars.count, isHexDigit(scalars[index + 1]), isHexDigit(scalars[index + 2]) else {
                    return true
                }
                index += 3
            } else {
                index += 1
            }
        }
        return false
    }

    private static func isPathCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isUnreserved(scalar) || isSubDelimiter(scalar) || ":@/%".unicodeScalars.contains(scalar)
    }

    private static func isUnreserved(_ scalar: Unicode.Scalar) -> Bool {
        isAlpha(scalar) || isDigit(scalar) || "-._~".unicodeScalars.contains(scalar)
    }

    private static func isSubDelimiter(_ scalar: Unicode.Scalar) -> Bool {
        "!$&'()*+,;=".unicodeScalars.contains(scalar)
    }

    static func isAlpha(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar)
    }

    private static func isHexDigit(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || ("a"..."f").contains(scalar) || ("A"..."F").contains(scalar)
    }
}
