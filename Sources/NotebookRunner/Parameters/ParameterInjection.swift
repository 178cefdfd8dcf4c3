import Foundation

/// A `-p name value` pair from the command line.
public struct NotebookParameter: Sendable, Hashable {
    /// The Swift name to (re)declare.
    public var name: String
    /// The value, typed.
    public var value: SwiftLiteral

    /// A parameter.
    /// - Parameters:
    ///   - name: a Swift identifier.
    ///   - value: its value.
    public init(name: String, value: SwiftLiteral) {
        self.name = name
        self.value = value
    }

    /// Pairs up command-line words: `name value`, or `name=value` in one word.
    /// - Parameters:
    ///   - words: the words given after each `-p`, in order.
    /// - Returns: the parameters in order; a later one with the same name replaces an earlier one.
    /// - Throws: `NotebookError(.badParameter)` for a name that is not an identifier or a name without a value.
    public static func parse(_ words: [String]) throws(NotebookError) -> [NotebookParameter] {
        var result: [NotebookParameter] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            let name: String
            let valueText: String
            if let equals = word.firstIndex(of: "="), isIdentifier(String(word[..<equals])) {
                name = String(word[..<equals])
                valueText = String(word[word.index(after: equals)...])
                index += 1
            } else {
                guard isIdentifier(word) else {
                    throw NotebookError(.badParameter, "parameter name '\(word)' is not a Swift identifier")
                }
                guard index + 1 < words.count else {
                    throw NotebookError(.badParameter, "parameter '\(word)' has no value (write -p \(word) VALUE)")
                }
                name = word
                valueText = words[index + 1]
                index += 2
            }
            result.removeAll { $0.name == name }
            result.append(NotebookParameter(name: name, value: SwiftLiteral(parsing: valueText)))
        }
        return result
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        guard first == "_" || first.properties.isAlphabetic else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}

/// A top-level `let`/`var` of a `parameters` cell: its name, declared or inferred type, and keyword.
public struct ParameterDeclaration: Sendable, Hashable {
    public var name: String
    /// The type written after `:`, or the type of the default literal, or `nil` when neither is known.
    public var type: String?
    /// `let` or `var`.
    public var keyword: String

    /// Finds the simple declarations (`let name: Type = value`, `var name = literal`) of a parameters cell.
    /// - Parameters:
    ///   - source: the cell's Swift source.
    /// - Returns: the declarations, in order.
    public static func scan(_ source: String) -> [ParameterDeclaration] {
        var found: [ParameterDeclaration] = []
        for rawLine in source.split(separator: "\n", omittingEmptySubsequences: true) {
            var line = Substring(String(rawLine).trimmingSpaces)
            var keyword: String
            if line.hasPrefix("let ") {
                keyword = "let"
            } else if line.hasPrefix("var ") {
                keyword = "var"
            } else {
                continue
            }
            line = line.dropFirst(4)
            guard let equals = line.firstIndex(of: "=") else { continue }
            let head = line[..<equals]
            var expression = String(line[line.index(after: equals)...])
            if let comment = expression.range(of: "//"), !expression[..<comment.lowerBound].contains("\"") {
                expression = String(expression[..<comment.lowerBound])
            }
            let name: String
            var type: String? = nil
            if let colon = head.firstIndex(of: ":") {
                name = String(head[..<colon]).trimmingSpaces
                type = String(head[head.index(after: colon)...]).trimmingSpaces
            } else {
                name = String(head).trimmingSpaces
            }
            guard NotebookParameter.isIdentifier(name) else { continue }
            if type == nil {
                let literal = SwiftLiteral(parsing: expression)
                let trimmed = expression.trimmingSpaces
                let isLiteral: Bool
                switch literal {
                case .string: isLiteral = trimmed.hasPrefix("\"")
                case .array: isLiteral = !literal.inferredType.contains("Any")
                default: isLiteral = true
                }
                type = isLiteral ? literal.inferredType : nil
            }
            keyword = keyword == "var" ? "var" : "let"
            found.append(ParameterDeclaration(name: name, type: type, keyword: keyword))
        }
        return found
    }
}

extension Notebook {
    /// The tag papermill puts on the cell holding a notebook's default parameters.
    public static let parametersTag = "parameters"
    /// The tag papermill puts on the cell it injects.
    public static let injectedParametersTag = "injected-parameters"

    /// Injects parameters the papermill way: a code cell tagged `injected-parameters` after the cell tagged
    /// `parameters` (at the top when there is none), redeclaring each name with a typed Swift literal.
    /// An earlier injected cell is replaced.
    ///
    /// A name declared in the parameters cell keeps its declared (or default literal's) type and keyword;
    /// other names get the type of their value.
    /// - Parameters:
    ///   - parameters: the values, in order.
    /// - Returns: the names not declared in the parameters cell (worth a warning).
    /// - Throws: `NotebookError(.badParameter)` when a value does not fit its declared type.
    @discardableResult
    public mutating func injectParameters(_ parameters: [NotebookParameter]) throws(NotebookError) -> [String] {
        guard !parameters.isEmpty else { return [] }
        cells.removeAll { $0.hasTag(Notebook.injectedParametersTag) }
        let parametersIndex = cells.firstIndex { $0.kind == .code && $0.hasTag(Notebook.parametersTag) }
        let declarations = parametersIndex.map { ParameterDeclaration.scan(cells[$0].source) } ?? []
        var lines = ["// Parameters injected by `swift-inference execute`."]
        var undeclared: [String] = []
        for parameter in parameters {
            let declaration = declarations.last { $0.name == parameter.name }
            if declaration == nil { undeclared.append(parameter.name) }
            let type = declaration?.type ?? parameter.value.inferredType
            guard !type.contains("Any") else {
                throw NotebookError(
                    .badParameter,
                    "cannot tell the type of parameter '\(parameter.name)'; declare it with a type in the parameters cell"
                )
            }
            let literal: String
            do {
                literal = try parameter.value.swiftSource(as: type)
            } catch {
                throw NotebookError(.badParameter, "parameter '\(parameter.name)': \(error.message)")
            }
            lines.append("\(declaration?.keyword ?? "let") \(parameter.name): \(type) = \(literal)")
        }
        let source = lines.joined(separator: "\n")
        let insertAt = parametersIndex.map { $0 + 1 } ?? 0
        let id = CellID.generate(index: insertAt, source: source, avoiding: Set(cells.map(\.id)))
        let cell = Cell(
            id: id, kind: .code, source: source, metadata: ["tags": [.string(Notebook.injectedParametersTag)]])
        cells.insert(cell, at: insertAt)
        return undeclared
    }
}
