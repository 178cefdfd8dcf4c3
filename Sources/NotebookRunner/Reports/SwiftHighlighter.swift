/// Marks up Swift source for the HTML export: keywords, literals and comments in `<span>`s, all text escaped.
enum SwiftHighlighter {
    static let keywords: Set<String> = [
        "let", "var", "func", "struct", "class", "enum", "protocol", "extension", "actor", "import", "return",
        "if", "else", "guard", "for", "in", "while", "repeat", "switch", "case", "default", "break", "continue",
        "throw", "throws", "try", "catch", "do", "defer", "where", "as", "is", "nil", "true", "false", "self",
        "Self", "init", "inout", "static", "public", "private", "fileprivate", "internal", "mutating", "some",
        "any", "async", "await", "typealias", "associatedtype", "final", "override", "subscript", "lazy",
    ]

    static func html(_ source: String) -> String {
        let chars = Array(source)
        var out = ""
        var i = 0
        func span(_ kind: String, _ text: String) {
            out += "<span class=\"\(kind)\">" + HTML.escape(text) + "</span>"
        }
        while i < chars.count {
            let c = chars[i]
            if c == "/", i + 1 < chars.count, chars[i + 1] == "/" {
                var j = i
                while j < chars.count, chars[j] != "\n" { j += 1 }
                span("cm", String(chars[i..<j]))
                i = j
            } else if c == "/", i + 1 < chars.count, chars[i + 1] == "*" {
                var j = i + 2
                while j + 1 < chars.count, !(chars[j] == "*" && chars[j + 1] == "/") { j += 1 }
                j = min(j + 2, chars.count)
                span("cm", String(chars[i..<j]))
                i = j
            } else if c == "\"" {
                var j = i + 1
                while j < chars.count, chars[j] != "\"", chars[j] != "\n" {
                    if chars[j] == "\\" { j += 1 }
                    j += 1
                }
                j = min(j + 1, chars.count)
                span("st", String(chars[i..<j]))
                i = j
            } else if c.isNumber {
                var j = i
                while j < chars.count, chars[j].isNumber || chars[j] == "." || chars[j] == "_" || chars[j] == "e" {
                    j += 1
                }
                span("nu", String(chars[i..<j]))
                i = j
            } else if c.isLetter || c == "_" || c == "@" || c == "#" {
                var j = i + 1
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                let word = String(chars[i..<j])
                if keywords.contains(word) {
                    span("kw", word)
                } else if c == "@" || c == "#" {
                    span("at", word)
                } else if c.isUppercase {
                    span("ty", word)
                } else {
                    out += HTML.escape(word)
                }
                i = j
            } else {
                out += HTML.escape(String(c))
                i += 1
            }
        }
        return out
    }
}
