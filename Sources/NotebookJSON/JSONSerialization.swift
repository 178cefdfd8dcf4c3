extension JSONValue {
    /// Layout of serialized JSON.
    public enum Layout: Sendable {
        /// No white space at all: for wire messages.
        case compact
        /// One member per line, indented by `indent` spaces, `": "` after keys: the layout `nbformat`
        /// writes notebooks in when `indent` is 1.
        case pretty(indent: Int)
    }

    /// The value as JSON text, with object keys sorted by their UTF-8 bytes.
    ///
    /// Integral numbers are written without a fraction, non-finite numbers as `null` (JSON has no
    /// spelling for them), and strings keep their non-ASCII characters.
    public func serialized(_ layout: Layout = .compact) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out, layout: layout, depth: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// The value as UTF-8 JSON bytes; see `serialized(_:)`.
    public func serializedBytes(_ layout: Layout = .compact) -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out, layout: layout, depth: 0)
        return out
    }

    private func write(into out: inout [UInt8], layout: Layout, depth: Int) {
        switch self {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n):
            out.append(contentsOf: JSONValue.format(number: n).utf8)
        case .string(let s):
            JSONValue.writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty {
                out.append(contentsOf: "[]".utf8)
                return
            }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.newline(into: &out, layout: layout, depth: depth + 1)
                item.write(into: &out, layout: layout, depth: depth + 1)
            }
            JSONValue.newline(into: &out, layout: layout, depth: depth)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                out.append(contentsOf: "{}".utf8)
                return
            }
            out.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (i, key) in keys.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.newline(into: &out, layout: layout, depth: depth + 1)
                JSONValue.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if case .pretty = layout { out.append(UInt8(ascii: " ")) }
                members[key]!.write(into: &out, layout: layout, depth: depth + 1)
            }
            JSONValue.newline(into: &out, layout: layout, depth: depth)
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(into out: inout [UInt8], layout: Layout, depth: Int) {
        guard case .pretty(let indent) = layout else { return }
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * depth))
    }

    static func format(number n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n.rounded() == n && abs(n) < 1e15 {
            return String(Int64(n))
        }
        return "\(n)"
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xF)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
