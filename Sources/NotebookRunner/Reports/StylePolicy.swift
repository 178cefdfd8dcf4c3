/// The inline `style` declarations a report keeps from untrusted HTML.
///
/// Why `style` at all: the Figures tables align each column with `style="text-align: right;
/// font-variant-numeric: tabular-nums"`, and the exercise checks colour their verdict box
/// (`border-left`, `background`, `padding`, `color`, …); JupyterLab keeps such styles too.
///
/// What is kept: declarations of the properties in `properties` (colours, alignment, fonts, borders,
/// spacing, widths), whose values use only letters, digits, spaces and `#.,%+-!'"()`, whose only functions
/// are `rgb()`, `rgba()`, `hsl()` and `hsla()`, and whose quotes hold only a font name. So no `url(…)`,
/// `expression(…)`, `image-set(…)`, `var(…)`, escapes (`\75rl(`), comments, `@import`, or `behavior` and
/// `-moz-binding`; no positioning (`position`, `z-index`, `transform`, negative margins), so one output
/// cannot draw itself over another part of the report. The kept declarations are written anew as
/// `property: value` joined by `; `; a style with nothing left is dropped. The page's
/// Content-Security-Policy (`img-src data:`, `default-src 'none'`) blocks any load that got through anyway.
enum StylePolicy {
    static let properties: Set<String> = [
        "color", "background", "background-color", "opacity",
        "text-align", "vertical-align", "text-decoration", "text-transform", "white-space", "word-break",
        "font", "font-family", "font-size", "font-style", "font-weight", "font-variant", "font-variant-numeric",
        "line-height", "letter-spacing",
        "border", "border-top", "border-right", "border-bottom", "border-left", "border-color", "border-style",
        "border-width", "border-radius", "border-collapse", "border-spacing",
        "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
        "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
        "width", "min-width", "max-width",
    ]

    static let functions: Set<String> = ["rgb", "rgba", "hsl", "hsla"]

    /// The declarations of a `style` attribute that the report keeps.
    /// - Parameter style: the attribute's (decoded) value.
    /// - Returns: the kept declarations as `property: value; …`, or `nil` when none is kept.
    static func filtered(_ style: String) -> String? {
        // Characters that have no place in the declarations kept; their presence anywhere refuses the lot,
        // since they are how comments, escapes, blocks and at-rules change what a CSS parser sees.
        guard !style.unicodeScalars.contains(where: { "\\/*<>{}@&`".unicodeScalars.contains($0) || $0.value < 0x20 })
        else { return nil }
        var kept: [String] = []
        for declaration in style.split(separator: ";") {
            guard let colon = declaration.firstIndex(of: ":") else { continue }
            let property = String(declaration[..<colon]).trimmingSpaces.lowercased()
            let value = String(declaration[declaration.index(after: colon)...]).trimmingSpaces
            guard properties.contains(property), isSafe(value, for: property) else { continue }
            kept.append("\(property): \(value)")
        }
        return kept.isEmpty ? nil : kept.joined(separator: "; ")
    }

    private static func isSafe(_ value: String, for property: String) -> Bool {
        guard !value.isEmpty,
            value.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || " #.,%+-!'\"()".unicodeScalars.contains($0)
            })
        else { return false }
        if property.hasPrefix("margin"), value.contains("-") { return false }
        let characters = Array(value)
        var i = 0
        var inFunction = false
        while i < characters.count {
            let c = characters[i]
            switch c {
            case "\"", "'":
                // A quoted font name: letters, digits, spaces and hyphens up to the matching quote.
                guard let close = characters[(i + 1)...].firstIndex(of: c),
                    characters[(i + 1)..<close].allSatisfy({ $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" })
                else { return false }
                i = close + 1
                continue
            case "(":
                // Only the colour functions, never nested.
                var start = i
                while start > 0, characters[start - 1].isLetter || characters[start - 1] == "-" { start -= 1 }
                guard !inFunction, functions.contains(String(characters[start..<i]).lowercased()) else {
                    return false
                }
                inFunction = true
            case ")":
                guard inFunction else { return false }
                inFunction = false
            default:
                break
            }
            i += 1
        }
        return !inFunction
    }
}
