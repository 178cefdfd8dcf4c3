import CellEngine

/// A value given on the command line with `-p name value`, as a typed Swift literal.
///
/// Values are typed the way papermill types them, in Swift's spelling: `42` is an `Int`, `0.5` or `1e-3`
/// a `Double`, `true`/`false` a `Bool`, `[1, 2, 3]` an array, `"text"` (or anything else) a `String`.
public enum SwiftLiteral: Sendable, Hashable {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case array([SwiftLiteral])

    /// Types a command-line value.
    /// - Parameters:
    ///   - text: the value as typed after the parameter's name.
    /// - Returns: the literal; text that is nothing else is a `String`.
    public init(parsing text: String) {
        let trimmed = text.trimmingSpaces
        if trimmed.hasPrefix("["), trimmed.hasSuffix("]"), let items = SwiftLiteral.parseArray(trimmed) {
            self = .array(items)
        } else if let scalar = SwiftLiteral.parseScalar(trimmed) {
            self = scalar
        } else {
            self = .string(text)
        }
    }

    /// The Swift type this literal has on its own: `Int`, `Double`, `Bool`, `String`, `[Int]`, …
    public var inferredType: String {
        switch self {
        case .int: return "Int"
        case .double: return "Double"
        case .bool: return "Bool"
        case .string: return "String"
        case .array(let items):
            let types = Set(items.map(\.inferredType))
            if types.count == 1, let only = types.first { return "[\(only)]" }
            if types == ["Int", "Double"] { return "[Double]" }
            return "[Any]"
        }
    }

    /// The literal as Swift source for a declaration of type `type`.
    /// - Parameters:
    ///   - type: the declared type (`Int`, `Double`, `Float`, `String`, `Bool`, or an array of them);
    ///     other types get the literal as typed and leave the check to the compiler.
    /// - Returns: Swift source.
    /// - Throws: `NotebookError(.badParameter)` when the value does not fit the type (`0.5` for an `Int`).
    public func swiftSource(as type: String) throws(NotebookError) -> String {
        let type = type.trimmingSpaces
        if let element = SwiftLiteral.arrayElementType(type) {
            switch self {
            case .array(let items):
                var parts: [String] = []
                for item in items { parts.append(try item.swiftSource(as: element)) }
                return "[" + parts.joined(separator: ", ") + "]"
            default:
                throw NotebookError(.badParameter, "expected an array literal such as [1, 2] for type \(type)")
            }
        }
        switch (type, self) {
        case ("Int", .int(let v)), ("Int64", .int(let v)), ("Int32", .int(let v)), ("UInt64", .int(let v)):
            return String(v)
        case ("Int", .double(let v)) where v.rounded() == v && abs(v) < 9e15:
            return String(Int(v))
        case ("Double", .int(let v)), ("Float", .int(let v)):
            return String(v) + ".0"
        case ("Double", .double(let v)), ("Float", .double(let v)):
            return SwiftLiteral.doubleSource(v)
        case ("Bool", .bool(let v)):
            return v ? "true" : "false"
        case ("String", _):
            return SwiftSourceText.stringLiteral(plainText)
        case ("Int", _), ("Double", _), ("Float", _), ("Bool", _), ("Int64", _), ("Int32", _), ("UInt64", _):
            throw NotebookError(.badParameter, "\(plainText) is not a value of type \(type)")
        default:
            return naturalSource
        }
    }

    /// The literal as Swift source with its own type.
    public var naturalSource: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return SwiftLiteral.doubleSource(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let s): return SwiftSourceText.stringLiteral(s)
        case .array:
            return (try? swiftSource(as: inferredType)) ?? "[]"
        }
    }

    /// The value as plain text (strings unquoted), for a `String` declaration.
    var plainText: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return SwiftLiteral.doubleSource(v)
        case .bool(let v): return v ? "true" : "false"
        case .string(let s): return s
        case .array(let items): return "[" + items.map(\.naturalSource).joined(separator: ", ") + "]"
        }
    }

    static func arrayElementType(_ type: String) -> String? {
        if type.hasPrefix("["), type.hasSuffix("]"), !type.contains(":") {
            return String(type.dropFirst().dropLast())
        }
        if type.hasPrefix("Array<"), type.hasSuffix(">") {
            return String(type.dropFirst(6).dropLast())
        }
        return nil
    }

    static func doubleSource(_ v: Double) -> String {
        let text = "\(v)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    static func parseScalar(_ text: String) -> SwiftLiteral? {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let v = Int(text.replacingUnderscores) { return .int(v) }
        if isDecimalNumber(text), let v = Double(text.replacingUnderscores), v.isFinite { return .double(v) }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
            return unquote(text).map { .string($0) }
        }
        return nil
    }

    /// `Double.init` also reads `nan`, `inf` and hexadecimal; Swift literals here are decimal only.
    static func isDecimalNumber(_ text: String) -> Bool {
        var sawDigit = false
        for (i, c) in text.enumerated() {
            if c.isASCII, c.isNumber {
                sawDigit = true
            } else if c == "-" || c == "+" {
                if i != 0, !text.dropLast(text.count - i).hasSuffix("e"), !text.dropLast(text.count - i).hasSuffix("E")
                {
                    return false
                }
            } else if c != "." && c != "e" && c != "E" && c != "_" {
                return false
            }
        }
        return sawDigit
    }

    static func unquote(_ text: String) -> String? {
        var out = ""
        var escaped = false
        for c in text.dropFirst().dropLast() {
            if escaped {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "0": out.append("\0")
                default: out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "\"" {
                return nil
            } else {
                out.append(c)
            }
        }
        return escaped ? nil : out
    }

    /// Splits `[a, b, [c]]` at its top-level commas, respecting quotes and nesting.
    static func parseArray(_ text: String) -> [SwiftLiteral]? {
        let inner = Array(text.dropFirst().dropLast())
        if String(inner).trimmingSpaces.isEmpty { return [] }
        var items: [SwiftLiteral] = []
        var depth = 0
        var inString = false
        var escaped = false
        var current = ""
        func flush() -> Bool {
            let piece = current.trimmingSpaces
            current = ""
            if piece.hasPrefix("[") {
                guard piece.hasSuffix("]"), let nested = parseArray(piece) else { return false }
                items.append(.array(nested))
            } else if let scalar = parseScalar(piece) {
                items.append(scalar)
            } else {
                return false
            }
            return true
        }
        for c in inner {
            if inString {
                current.append(c)
                if escaped {
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "\"" {
                    inString = false
                }
                continue
            }
            switch c {
            case "\"":
                inString = true
                current.append(c)
            case "[":
                depth += 1
                current.append(c)
            case "]":
                depth -= 1
                guard depth >= 0 else { return nil }
                current.append(c)
            case "," where depth == 0:
                guard flush() else { return nil }
            default:
                current.append(c)
            }
        }
        guard !inString, depth == 0, flush() else { return nil }
        return items
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }

    fileprivate var replacingUnderscores: String {
        String(filter { $0 != "_" })
    }
}
