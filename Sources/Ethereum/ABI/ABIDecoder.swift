import BigInt

/// Reads ABI-encoded data. Every position is checked against the data before it is
/// read; offsets and lengths are read as 256-bit words and refused when they do not
/// fit in the data, so hostile input throws instead of trapping or allocating.
struct ABIDecoder {
    let data: [UInt8]

    /// Decodes the tuple of `types` whose head starts at `base`; dynamic components'
    /// offsets are relative to `base`.
    func decodeTuple(_ types: [ABIType], at base: Int) throws(ABIError) -> [ABIValue] {
        var values: [ABIValue] = []
        values.reserveCapacity(types.count)
        // A tail must start after the whole head and inside the data: offsets into the
        // head (overlapping values) are refused, as eth-abi does.
        var headSize = 0
        for type in types {
            let (sum, overflow) = headSize.addingReportingOverflow(type.headSize)
            headSize = overflow ? Int.max : sum
        }
        var head = base
        for type in types {
            if type.isDynamic {
                let offset = try smallWord(at: head, orThrow: .offsetOutOfBounds(position: head))
                guard offset >= headSize, offset < data.count - base else { throw .offsetOutOfBounds(position: head) }
                values.append(try decode(type, at: base + offset))
                head += 32
            } else {
                values.append(try decode(type, at: head))
                head = head > data.count - type.headSize ? data.count + 1 : head + type.headSize
            }
        }
        return values
    }

    /// Decodes `count` elements of `element`, laid out as a tuple starting at `base`.
    private func decodeElements(_ element: ABIType, count: Int, at base: Int, lengthPosition: Int) throws(ABIError) -> [ABIValue] {
        // Each element needs headSize bytes of head: refuse counts the data cannot hold
        // before allocating anything (zero-size elements are capped by the data size).
        let available = data.count - min(base, data.count)
        guard count <= available / max(element.headSize, 1) || (element.headSize == 0 && count <= data.count) else {
            throw .lengthOutOfBounds(position: lengthPosition)
        }
        return try decodeTuple(Array(repeating: element, count: count), at: base)
    }

    func decode(_ type: ABIType, at position: Int) throws(ABIError) -> ABIValue {
        switch type {
        case .uint(let bits):
            let word = try self.word(at: position)
            guard leadingBytesAreZero(word, count: 32 - bits / 8) else { throw .nonZeroPadding(position: position) }
            return .uint(BigUInt(bigEndian: word))
        case .int(let bits):
            let word = try self.word(at: position)
            let value = BigInt(twosComplement: Array(word))
            guard value.fits(signedBits: bits) else { throw .nonZeroPadding(position: position) }
            return .int(value)
        case .address:
            let word = try self.word(at: position)
            guard leadingBytesAreZero(word, count: 12) else { throw .nonZeroPadding(position: position) }
            return .address(Address(unchecked: Array(word.suffix(20))))
        case .bool:
            let word = try self.word(at: position)
            guard leadingBytesAreZero(word, count: 31), word.last.map({ $0 <= 1 }) == true else {
                throw .invalidBool(position: position)
            }
            return .bool(word.last == 1)
        case .fixedBytes(let count):
            let word = try self.word(at: position)
            guard word.dropFirst(count).allSatisfy({ $0 == 0 }) else { throw .nonZeroPadding(position: position) }
            return .fixedBytes(Array(word.prefix(count)))
        case .bytes:
            return .bytes(try dynamicBytes(at: position))
        case .string:
            let bytes = try dynamicBytes(at: position)
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(position: position) }
            return .string(text)
        case .array(let element):
            let count = try smallWord(at: position, orThrow: .lengthOutOfBounds(position: position))
            return .array(try decodeElements(element, count: count, at: position + 32, lengthPosition: position))
        case .fixedArray(let element, let count):
            return .array(try decodeElements(element, count: count, at: position, lengthPosition: position))
        case .tuple(let components):
            return .tuple(try decodeTuple(components, at: position))
        }
    }

    /// The 32 bytes at `position`.
    private func word(at position: Int) throws(ABIError) -> ArraySlice<UInt8> {
        guard position >= 0, position <= data.count - 32 else {
            throw .truncated(position: position, needed: 32, available: max(0, data.count - max(position, 0)))
        }
        return data[position..<(position + 32)]
    }

    /// A word that must be an offset or length no larger than the data (so it fits in Int).
    private func smallWord(at position: Int, orThrow error: ABIError) throws(ABIError) -> Int {
        let word = try self.word(at: position)
        guard leadingBytesAreZero(word, count: 24) else { throw error }
        var value: UInt64 = 0
        for byte in word.suffix(8) { value = value << 8 | UInt64(byte) }
        guard value <= UInt64(data.count) else { throw error }
        return Int(value)
    }

    /// A length word followed by that many bytes, zero-padded to a multiple of 32.
    private func dynamicBytes(at position: Int) throws(ABIError) -> [UInt8] {
        let length = try smallWord(at: position, orThrow: .lengthOutOfBounds(position: position))
        let start = position + 32
        let padded = (length + 31) / 32 * 32
        guard padded <= data.count - start else {
            throw .truncated(position: start, needed: padded, available: data.count - start)
        }
        guard data[(start + length)..<(start + padded)].allSatisfy({ $0 == 0 }) else {
            throw .nonZeroPadding(position: start)
        }
        return Array(data[start..<(start + length)])
    }

    private func leadingBytesAreZero(_ word: ArraySlice<UInt8>, count: Int) -> Bool {
        word.prefix(count).allSatisfy { $0 == 0 }
    }
}
