import Figures
import Foundation

/// Escaping for HTML text and attribute values.
///
/// Untrusted markup is never passed through with parts cut out: `HTMLSanitizer` rebuilds it from an
/// allowlist, and everything else a report shows goes through `escape`.
enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'` (Figures' `htmlEscaped`), so the result is inert both as text and
    /// as a quoted attribute value.
    static func escape(_ text: String) -> String { text.htmlEscaped }

    /// Removes ANSI colour sequences (`ESC [ … m`), which tracebacks may carry.
    static func withoutANSI(_ text: String) -> String {
        guard text.contains("\u{1B}") else { return text }
        var out = ""
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\u{1B}" {
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let c = iterator.next(), !(("@"..."~").contains(c)) {}
                }
                continue
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
