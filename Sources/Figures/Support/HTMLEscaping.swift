extension String {
    /// The text with `&`, `<`, `>` and `"` replaced by entities, safe inside HTML element content and
    /// double-quoted attribute values.
    public var htmlEscaped: String {
        var result = ""
        for character in self {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
