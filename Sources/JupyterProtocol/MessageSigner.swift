import Crypto

/// Signs and verifies Jupyter messages with HMAC-SHA256.
///
/// The signature covers the header, parent header, metadata and content frames, in that order, and is
/// sent as lowercase hex. An empty key turns signing off: messages go out with an empty signature and
/// every received signature is accepted, as the messaging specification says.
public struct MessageSigner: Sendable {
    private let key: SymmetricKey?

    /// - Parameter key: the connection file's `key`, as UTF-8 bytes.
    public init(key: [UInt8]) {
        self.key = key.isEmpty ? nil : SymmetricKey(data: key)
    }

    /// Whether messages are signed at all.
    public var isEnabled: Bool { key != nil }

    /// The hex signature of the four signed frames; empty when signing is off.
    /// - Parameter parts: header, parent header, metadata and content, serialized.
    /// - Returns: 64 lowercase hex digits, or `""`.
    public func signature(of parts: [[UInt8]]) -> [UInt8] {
        guard let key else { return [] }
        var hmac = HMAC<SHA256>(key: key)
        for part in parts { hmac.update(data: part) }
        let digest = hmac.finalize()
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        let digits = Array("0123456789abcdef".utf8)
        for byte in digest {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return hex
    }

    /// Whether `signature` is the right one for `parts`, compared in constant time.
    /// - Parameters:
    ///   - signature: the signature frame as received.
    ///   - parts: header, parent header, metadata and content as received.
    /// - Returns: `true` when signing is off or the signature matches.
    public func isValid(signature: [UInt8], of parts: [[UInt8]]) -> Bool {
        guard isEnabled else { return true }
        let expected = self.signature(of: parts)
        // Lowercase the received hex so either case is accepted; length is not secret.
        guard signature.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(signature, expected) {
            let lowered = (a >= 0x41 && a <= 0x46) ? a | 0x20 : a
            difference |= lowered ^ b
        }
        return difference == 0
    }
}
