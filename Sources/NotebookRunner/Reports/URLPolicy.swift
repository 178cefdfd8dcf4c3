/// Which URLs an HTML report may contain: the one place that decides, for the sanitizer's `href` and
/// `src` attributes and for markdown links and images alike.
///
/// - Links may be `http:`, `https:`, `mailto:`, or relative (a path, `?query` or `#fragment`).
/// - Images may only be `data:image/png|jpeg|gif|webp;base64,…`: the report is one self-contained file,
///   and its Content-Security-Policy (`img-src data:`) would block anything else anyway.
///
/// Everything else is refused: `javascript:`, `vbscript:`, `data:text/html`, `file:` and any other scheme.
/// The scheme is judged on a deliberately harsher reading of the value than any browser makes: character
/// references are decoded (again) and every ASCII whitespace and control character is removed first, so
/// `java&#x09;script:`, `jav&#x0A;ascript:`, `&#106;avascript:`, ` JaVaScRiPt:` and `javascript&colon;` are
/// all seen as `javascript:`. Any `:` before the first `/`, `?` or `#` counts as the end of a scheme, so a
/// relative path that merely contains a colon there (`a:b`) is refused rather than guessed about.
enum URLPolicy {
    enum Context {
        /// `<a href>`: navigation when clicked.
        case link
        /// `<img src>`: loaded with the page.
        case image
    }

    /// Checks a URL for a context.
    /// - Parameters:
    ///   - value: the URL as the browser will see it (an attribute value already decoded, or a markdown
    ///     link destination).
    ///   - context: where it goes.
    /// - Returns: the URL to write (tabs and newlines removed, leading and trailing whitespace and control
    ///   characters trimmed, as a browser's URL parser does), or `nil` when it is refused.
    static func allowed(_ value: String, as context: Context) -> String? {
        var scalars = value.unicodeScalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" }
        while let first = scalars.first, first.value <= 0x20 { scalars.removeFirst() }
        while let last = scalars.last, last.value <= 0x20 { scalars.removeLast() }
        // A control character left inside has no business in a URL a notebook shows.
        guard !scalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        let url = String(String.UnicodeScalarView(scalars))

        let probe = String(
            String.UnicodeScalarView(
                HTMLEntities.decode(url).unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }
            )
        ).lowercased()
        switch context {
        case .link:
            guard let scheme = scheme(of: probe) else { return url }
            return ["http", "https", "mailto"].contains(scheme) ? url : nil
        case .image:
            return isDataImage(probe) ? url : nil
        }
    }

    /// The scheme: what comes before a `:` that precedes every `/`, `?` and `#`; `nil` for a relative URL.
    private static func scheme(of probe: String) -> String? {
        guard let colon = probe.firstIndex(of: ":") else { return nil }
        let head = probe[..<colon]
        guard !head.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) else { return nil }
        return String(head)
    }

    /// `data:image/png;base64,…` (also jpeg, gif, webp) with nothing but base64 after the comma.
    private static func isDataImage(_ probe: String) -> Bool {
        for mime in ["image/png", "image/jpeg", "image/gif", "image/webp"] {
            let prefix = "data:\(mime);base64,"
            if probe.hasPrefix(prefix) {
                return probe.dropFirst(prefix.count).unicodeScalars.allSatisfy(isBase64)
            }
        }
        return false
    }

    static func isBase64(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || scalar == "+" || scalar == "/" || scalar == "="
    }
}
