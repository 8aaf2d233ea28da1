extension SIWEMessage {
    /// Parses `text` according to the EIP-4361 ABNF. Lines are separated by LF only.
    ///
    /// One deliberate narrowing: a chain ID with leading zeros ("Chain ID: 01"),
    /// which the ABNF's `1*DIGIT` allows, is refused so that every parsed message
    /// renders back to exactly the text it came from.
    public init(parsing text: String) throws(SIWEError) {
        var reader = LineReader(text)
        let (scheme, domain) = try Self.parseHeader(reader.next())
        let address: Address
        do {
            address = try Address(checksummed: reader.next() ?? "")
        } catch {
            throw .invalidAddress(error)
        }
        try reader.expectEmpty("(empty line)")
        var statement: String?
        if reader.peek() != "" || reader.peek(offset: 1) == "" {
            let line = reader.next() ?? ""
            guard line.unicodeScalars.allSatisfy(URIGrammar.isStatementCharacter) else { throw .invalidStatement }
            statement = line
        }
        try reader.expectEmpty("(empty line)")

        let uri = try reader.field("URI")
        guard URIGrammar.isURI(uri[...]) else { throw .invalidURI(uri) }
        let version = try reader.field("Version")
        guard version == "1" else { throw .unsupportedVersion(version) }
        let chainText = try reader.field("Chain ID")
        guard !chainText.isEmpty, chainText.unicodeScalars.allSatisfy(URIGrammar.isDigit),
              chainText == "0" || !chainText.hasPrefix("0"), let chainID = UInt64(chainText) else {
            throw .invalidChainID(chainText)
        }
        let nonce = try reader.field("Nonce")
        guard nonce.unicodeScalars.count >= 8,
              nonce.unicodeScalars.allSatisfy({ URIGrammar.isAlpha($0) || URIGrammar.isDigit($0) }) else {
            throw .invalidNonce(nonce)
        }
        let issuedAt = try Self.timestamp(reader.field("Issued At"), field: "Issued At")

        let expirationTime = try reader.optionalField("Expiration Time").map { value throws(SIWEError) in
            try Self.timestamp(value, field: "Expiration Time")
        }
        let notBefore = try reader.optionalField("Not Before").map { value throws(SIWEError) in
            try Self.timestamp(value, field: "Not Before")
        }
        let requestID = reader.optionalField("Request ID")
        if let requestID, !URIGrammar.isPathCharacters(requestID[...]) { throw .invalidRequestID(requestID) }
        var resources: [String]?
        if reader.peek() == "Resources:" {
            _ = reader.next()
            var list: [String] = []
            while let line = reader.next() {
                guard line.hasPrefix("- "), URIGrammar.isURI(line.dropFirst(2)) else { throw .invalidResource(line) }
                list.append(String(line.dropFirst(2)))
            }
            resources = list
        }
        guard reader.isAtEnd else { throw .unexpectedLine(reader.lineNumber + 1) }

        self.init(
            scheme: scheme, domain: domain, address: address, statement: statement, uri: uri, version: version,
            chainID: chainID, nonce: nonce, issuedAt: issuedAt, expirationTime: expirationTime,
            notBefore: notBefore, requestID: requestID, resources: resources
        )
    }

    private static func parseHeader(_ line: String?) throws(SIWEError) -> (scheme: String?, domain: String) {
        guard let line, line.hasSuffix(headerSuffix) else { throw .invalidHeader }
        let prefix = line.dropLast(headerSuffix.count)
        var scheme: String?
        var domain = prefix
        if let separator = prefix.firstRange(of: "://") {
            let schemeText = prefix[..<separator.lowerBound]
            guard URIGrammar.isScheme(schemeText) else { throw .invalidScheme(String(schemeText)) }
            scheme = String(schemeText)
            domain = prefix[separator.upperBound...]
        }
        guard URIGrammar.isAuthority(domain, requiringHost: true) else { throw .invalidDomain(String(domain)) }
        return (scheme, String(domain))
    }

    private static func timestamp(_ value: String, field: String) throws(SIWEError) -> RFC3339Timestamp {
        guard let timestamp = RFC3339Timestamp(value) else { throw .invalidTimestamp(field: field, value: value) }
        return timestamp
    }
}

/// Walks the LF-separated lines of a message, keeping the line number for errors.
private struct LineReader {
    private let lines: [String]
    private(set) var lineNumber = 0

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    var isAtEnd: Bool { lineNumber >= lines.count }

    func peek(offset: Int = 0) -> String? {
        lineNumber + offset < lines.count ? lines[lineNumber + offset] : nil
    }

    mutating func next() -> String? {
        defer { lineNumber += 1 }
        return peek()
    }

    mutating func expectEmpty(_ description: String) throws(SIWEError) {
        guard next() == "" else { throw .expectedField(description, line: lineNumber) }
    }

    /// The value of the required line "`name`: value".
    mutating func field(_ name: String) throws(SIWEError) -> String {
        guard let value = optionalField(name) else { throw .expectedField("\(name): …", line: lineNumber + 1) }
        return value
    }

    /// The value of "`name`: value" if the next line is that field.
    mutating func optionalField(_ name: String) -> String? {
        let prefix = "\(name): "
        guard let line = peek(), line.hasPrefix(prefix) else { return nil }
        lineNumber += 1
        return String(line.dropFirst(prefix.count))
    }
}
