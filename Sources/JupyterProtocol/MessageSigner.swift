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

    /// Whether `signature` is the right one for `parts`.
    ///
    /// The hex is decoded (either case) and handed to swift-crypto, whose check runs in constant time;
    /// a frame that is not 64 hex digits is simply not valid.
    /// - Parameters:
    ///   - signature: the signature frame as received.
    ///   - parts: header, parent header, metadata and content as received.
    /// - Returns: `true` when signing is off or the signature matches.
    public func isValid(signature: [UInt8], of parts: [[UInt8]]) -> Bool {
        guard let key else { return true }
        guard let code = Self.bytes(fromHex: signature), code.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: Array(parts.joined()), using: key)
    }

    /// The bytes a hex string spells, or `nil` when it has an odd length or a non-hex digit.
    static func bytes(fromHex hex: [UInt8]) -> [UInt8]? {
        guard hex.count.isMultiple(of: 2) else { return nil }
        func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = 0
        while index < hex.count {
            guard let high = nibble(hex[index]), let low = nibble(hex[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}
