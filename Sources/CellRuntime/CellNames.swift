/// Cells are compiled into modules named `Cell_` followed by 16 hexadecimal digits. Those names are an
/// implementation detail: this strips `Cell_0123456789abcdef.` qualifiers from text shown to people.
public enum CellNames {
    static let prefix = Array("Cell_".utf8)

    /// `text` without cell-module qualifiers.
    public static func strip(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= prefix.count + 17 else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == prefix[0], i + prefix.count + 17 <= bytes.count, matches(bytes, at: i) {
                i += prefix.count + 17
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func matches(_ bytes: [UInt8], at start: Int) -> Bool {
        if start > 0 {
            let before = bytes[start - 1]
            if isIdentifierByte(before) { return false }
        }
        for (offset, byte) in prefix.enumerated() where bytes[start + offset] != byte { return false }
        let hexStart = start + prefix.count
        for index in hexStart..<hexStart + 16 {
            let b = bytes[index]
            let isHex = (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f"))
            if !isHex { return false }
        }
        return bytes[hexStart + 16] == UInt8(ascii: ".")
    }

    private static func isIdentifierByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
    }
}
