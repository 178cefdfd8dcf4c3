extension String {
    /// The text with `&`, `<`, `>`, `"` and `'` replaced by entities, inert both as HTML element content
    /// and as a quoted attribute value (either quote). The one HTML escaper of the project: the figures,
    /// tables, exercise verdicts and the runner's reports all use it.
    public var htmlEscaped: String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
