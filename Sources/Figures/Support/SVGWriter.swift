/// Appends SVG text to a byte buffer: raw markup, escaped text and short fixed-format numbers.
///
/// Numbers are written with at most two decimals, trailing zeros dropped, no locale; a byte buffer
/// keeps 100,000-point charts fast.
struct SVGWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends markup as is.
    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Appends text with `&`, `<`, `>`, `"` and `'` escaped, for element content and attribute values.
    mutating func escaped(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): raw("&amp;")
            case UInt8(ascii: "<"): raw("&lt;")
            case UInt8(ascii: ">"): raw("&gt;")
            case UInt8(ascii: "\""): raw("&quot;")
            case UInt8(ascii: "'"): raw("&#39;")
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            case 0..<9, 11, 12, 14..<32: raw("?")
            default: bytes.append(byte)
            }
        }
    }

    /// Appends a number with at most two decimals (`12.5`, `3`, `-0.07`); non-finite values become `0`.
    mutating func number(_ value: Double) {
        guard value.isFinite else { bytes.append(UInt8(ascii: "0")); return }
        let clamped = Swift.max(-1e12, Swift.min(1e12, value))
        var hundredths = Int64((clamped * 100).rounded())
        if hundredths < 0 {
            bytes.append(UInt8(ascii: "-"))
            hundredths = -hundredths
        }
        appendInteger(hundredths / 100)
        let fraction = Int(hundredths % 100)
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10))
            if fraction % 10 != 0 { bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10)) }
        }
    }

    /// Appends ` name="value"` with a number value.
    mutating func attribute(_ name: String, _ value: Double) {
        bytes.append(UInt8(ascii: " "))
        raw(name)
        raw("=\"")
        number(value)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends ` name="value"` with an escaped text value.
    mutating func attribute(_ name: String, _ value: String) {
        bytes.append(UInt8(ascii: " "))
        raw(name)
        raw("=\"")
        escaped(value)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a text element at (x, y).
    mutating func text(
        _ content: String, x: Double, y: Double, anchor: String = "middle", size: Double = 12,
        weight: String? = nil, fill: String = "#222222", rotate: Bool = false
    ) {
        raw("<text")
        attribute("x", x)
        attribute("y", y)
        if anchor != "start" { attribute("text-anchor", anchor) }
        if size != 12 { attribute("font-size", size) }
        if let weight { attribute("font-weight", weight) }
        if fill != "#222222" { attribute("fill", fill) }
        if rotate {
            raw(" transform=\"rotate(-90 ")
            number(x)
            raw(" ")
            number(y)
            raw(")\"")
        }
        raw(">")
        escaped(content)
        raw("</text>\n")
    }

    private mutating func appendInteger(_ value: Int64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: [UInt8] = []
        var rest = value
        while rest > 0 {
            digits.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        }
        bytes.append(contentsOf: digits.reversed())
    }
}

/// Estimated width in pixels of a text in the chart's sans-serif font (no font metrics available).
func estimatedTextWidth(_ text: String, size: Double = 12) -> Double {
    var width = 0.0
    for character in text {
        switch character {
        case "i", "l", "j", "t", "f", "r", ".", ",", ":", ";", "'", "|", "!", "(", ")", "[", "]", " ":
            width += 0.33
        case "m", "w", "M", "W", "—":
            width += 0.9
        case "A"..."Z":
            width += 0.68
        default:
            width += 0.58
        }
    }
    return width * size
}
