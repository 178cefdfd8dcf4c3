import Foundation
import NotebookJSON

/// Turns a code cell's outputs into a canonical text for `--check`, so that only meaningful differences
/// count: execution counts, output metadata, timing and tracebacks are left out; line endings, trailing
/// spaces, memory addresses and SVG/HTML white space between tags and generated element ids are normalised.
public enum OutputNormalizer {
    /// The MIME types compared; others (images in binary formats) are compared by length and checksum.
    public static let textMIMETypes = [
        "text/plain", "text/html", "image/svg+xml", "text/markdown", "text/latex", "application/json",
    ]

    /// The canonical text of a list of outputs.
    /// - Parameters:
    ///   - outputs: a code cell's outputs.
    /// - Returns: one block per output, each starting with a `[kind]` header line.
    public static func canonicalText(_ outputs: [Output]) -> String {
        var blocks: [String] = []
        for output in coalesced(outputs) {
            switch output {
            case .stream(let name, let text):
                blocks.append("[\(name)]\n" + normalizeText(text))
            case .displayData(let data, _):
                blocks.append(bundleText("display_data", data))
            case .executeResult(_, let data, _):
                blocks.append(bundleText("execute_result", data))
            case .error(let name, let value, _):
                blocks.append("[error]\n\(name): " + normalizeText(value))
            }
        }
        return blocks.joined(separator: "\n")
    }

    static func coalesced(_ outputs: [Output]) -> [Output] {
        var result: [Output] = []
        for output in outputs {
            if case .stream(let name, let text) = output, case .stream(let lastName, let lastText) = result.last,
                lastName == name
            {
                result[result.count - 1] = .stream(name: name, text: lastText + text)
            } else {
                result.append(output)
            }
        }
        return result
    }

    static func bundleText(_ kind: String, _ data: [String: JSONValue]) -> String {
        var parts: [String] = []
        for mime in data.keys.sorted() {
            let content = data[mime]!
            var text: String
            if case .string(let s) = content {
                text = s
            } else {
                text = content.serialized(.pretty(indent: 1))
            }
            if mime == "image/svg+xml" || mime == "text/html" {
                text = normalizeMarkup(text)
            } else if textMIMETypes.contains(mime) || mime.hasPrefix("text/") {
                text = normalizeText(text)
            } else {
                let compact = text.filter { !$0.isWhitespace }
                text = "<\(compact.utf8.count) bytes, checksum \(checksum(compact))>"
            }
            parts.append("[\(kind) \(mime)]\n" + text)
        }
        return parts.joined(separator: "\n")
    }

    /// Line endings to `\n`, trailing spaces and trailing blank lines removed, addresses masked.
    public static func normalizeText(_ text: String) -> String {
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> String in
                var s = Substring(line)
                while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
                return maskAddresses(String(s))
            }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// SVG and HTML: white space between tags removed, one tag per line, generated ids renumbered.
    public static func normalizeMarkup(_ markup: String) -> String {
        var text = normalizeText(markup)
        // White space between tags carries no meaning in the figures the library renders.
        var collapsed = ""
        var pendingSpace = ""
        var lastNonSpace: Character = " "
        for c in text {
            if c.isWhitespace {
                pendingSpace.append(c)
                continue
            }
            if !pendingSpace.isEmpty {
                if !(lastNonSpace == ">" && c == "<") { collapsed += " " }
                pendingSpace = ""
            }
            collapsed.append(c)
            lastNonSpace = c
        }
        text = collapsed.replacingOccurrences(of: "><", with: ">\n<")
        // Renumber id="…" in order of appearance, and their references.
        var ids: [String] = []
        var search = text.startIndex
        while let found = text.range(of: " id=\"", range: search..<text.endIndex),
            let close = text.range(of: "\"", range: found.upperBound..<text.endIndex)
        {
            let id = String(text[found.upperBound..<close.lowerBound])
            if !ids.contains(id) { ids.append(id) }
            search = close.upperBound
        }
        for (number, id) in ids.enumerated() where !id.isEmpty {
            let fresh = "id\(number + 1)-normalized"
            text = text.replacingOccurrences(of: "id=\"\(id)\"", with: "id=\"\(fresh)\"")
                .replacingOccurrences(of: "#\(id))", with: "#\(fresh))")
                .replacingOccurrences(of: "\"#\(id)\"", with: "\"#\(fresh)\"")
        }
        return text
    }

    /// `0x7f3a2c001230` (printed object addresses) becomes `0xADDRESS`.
    static func maskAddresses(_ line: String) -> String {
        guard line.contains("0x") else { return line }
        var out = ""
        let chars = Array(line)
        var i = 0
        while i < chars.count {
            if chars[i] == "0", i + 1 < chars.count, chars[i + 1] == "x" {
                var j = i + 2
                while j < chars.count, chars[j].isHexDigit { j += 1 }
                if j - (i + 2) >= 8 {
                    out += "0xADDRESS"
                    i = j
                    continue
                }
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }

    static func checksum(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }
}
