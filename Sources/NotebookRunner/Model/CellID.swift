/// Cell ids as nbformat 4.5 defines them.
public enum CellID {
    /// Whether `id` is a valid nbformat 4.5 cell id: 1–64 characters from `a-z A-Z 0-9 - _`.
    /// - Parameters:
    ///   - id: the candidate id.
    /// - Returns: `true` when nbformat's schema accepts it.
    public static func isValid(_ id: String) -> Bool {
        guard (1...64).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }

    /// A deterministic 8-hex-digit id for a cell that has none, derived from its position and source,
    /// so that executing the same notebook twice gives the same ids.
    /// - Parameters:
    ///   - index: the cell's 0-based position.
    ///   - source: the cell's text.
    ///   - taken: ids already used in the notebook; the result is not among them.
    /// - Returns: a fresh, valid id.
    public static func generate(index: Int, source: String, avoiding taken: Set<String>) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        for byte in String(index).utf8 { mix(byte) }
        mix(0)
        for byte in source.utf8 { mix(byte) }
        while true {
            let candidate = hex8(UInt32(truncatingIfNeeded: hash ^ (hash >> 32)))
            if !taken.contains(candidate) { return candidate }
            mix(0x2A)
        }
    }

    static func hex8(_ value: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        for shift in stride(from: 28, through: 0, by: -4) {
            out.append(digits[Int((value >> UInt32(shift)) & 0xF)])
        }
        return out
    }
}
