import SwiftParser
import SwiftSyntax

/// What the engine needs to know about a cell's source before compiling it.
struct CellAnalysis: Sendable {
    /// Top-level names the cell declares, in order.
    var declarations: [Declaration]
    /// Whether later cells must import this cell's module: it declares a name, an extension, an
    /// operator or a precedence group.
    var exportsAnything: Bool
    /// Where to append the result operator: the UTF-8 offset just after the last token of the cell's
    /// last top-level expression, when that expression can have a value.
    var resultInsertionOffset: Int?
    /// Whether the cell's top-level code awaits (`await`, `for await`, `async let`): Swift then runs it as a
    /// main-actor task and makes its top-level variables main-actor isolated.
    var isAsync = false
    /// Where `nonisolated(unsafe) ` goes in an async cell: before the `let`/`var` of each top-level variable.
    /// Without it the variables would be main-actor isolated, and later cells (whose top-level code is
    /// not isolated) could not read them; cells run one at a time, so nothing races on them.
    var isolationInsertions: [SourceInsertion] = []
    /// Names of top-level stored variables with an initial value, whose runtime types are reported.
    var reportableVariables: [String]
    /// Whether the cell has any code at all (not only comments and white space).
    var hasStatements: Bool
    /// The cell's top-level import declarations (`import Foundation`), which later cells repeat, so an
    /// import stays in effect for the rest of the session, as in a REPL.
    var imports: [String]
    /// Every name the cell's text mentions (identifiers, operators, and keywords, which can name things
    /// too): a later cell imports an earlier one only when it mentions a name that cell declares.
    var mentionedNames: Set<String> = []
    /// Whether the cell declares what later cells use without naming it: an extension, an operator, an
    /// operator function or a precedence group. Later cells always import such a cell.
    var isUsedImplicitly = false

    struct Declaration: Sendable, Hashable {
        var name: String
        var kind: CellDeclaration.Kind
        /// The scoped-import kind (`var`, `func`, `struct`, …) that names it, or `nil` for none.
        var importKind: String?
        var signature: String
        var documentation: String?
    }

    init(source: String) {
        let file = Parser.parse(source: source)
        var declarations: [Declaration] = []
        var exports = false
        var variables: [String] = []
        var lastExpression: Syntax?
        var imports: [String] = []

        for item in file.statements {
            lastExpression = nil
            switch item.item {
            case .decl(let decl):
                exports = true
                if CellAnalysis.isUsedImplicitly(decl) { isUsedImplicitly = true }
                if let importDecl = decl.as(ImportDeclSyntax.self) {
                    imports.append(importDecl.trimmed.description)
                }
                let found = CellAnalysis.declarations(in: decl)
                declarations.append(contentsOf: found)
                if let binding = decl.as(VariableDeclSyntax.self) {
                    for pattern in binding.bindings
                    where pattern.initializer != nil && pattern.accessorBlock == nil {
                        if let name = pattern.pattern.as(IdentifierPatternSyntax.self) {
                            variables.append(name.identifier.text)
                        }
                    }
                }
            case .expr(let expr):
                if CellAnalysis.canHaveValue(expr) { lastExpression = Syntax(expr) }
            case .stmt:
                break
            }
        }
        self.declarations = declarations
        self.exportsAnything = exports
        self.reportableVariables = variables
        self.hasStatements = !file.statements.isEmpty
        self.imports = imports
        for token in file.tokens(viewMode: .sourceAccurate) {
            switch token.tokenKind {
            case .identifier, .keyword, .binaryOperator, .prefixOperator, .postfixOperator:
                // A name being declared (`let x`, `func f`, a parameter) is not a use of an earlier one.
                if CellAnalysis.isDeclaredName(token) { continue }
                let text = token.text
                mentionedNames.insert(text.hasPrefix("`") && text.count > 1 ? String(text.dropFirst().dropLast()) : text)
            default:
                break
            }
        }
        let awaits = TopLevelAwaitFinder(viewMode: .sourceAccurate)
        for item in file.statements { awaits.walk(item) }
        if awaits.found {
            isAsync = true
            let converter = SourceLocationConverter(fileName: "", tree: file)
            for item in file.statements {
                guard let variable = item.item.as(VariableDeclSyntax.self),
                      !variable.modifiers.contains(where: { $0.name.tokenKind == .keyword(.async) || $0.name.text == "nonisolated" })
                else { continue }
                let position = variable.bindingSpecifier.positionAfterSkippingLeadingTrivia
                let location = converter.location(for: position)
                isolationInsertions.append(
                    SourceInsertion(
                        utf8Offset: position.utf8Offset, line: location.line, column: location.column,
                        text: "nonisolated(unsafe) "))
            }
        }
        if let lastExpression, let last = lastExpression.lastToken(viewMode: .sourceAccurate) {
            resultInsertionOffset = last.endPositionBeforeTrailingTrivia.utf8Offset
        } else {
            resultInsertionOffset = nil
        }
    }

    /// `if` and `switch` used as statements, closures and macro expansions are left alone; anything else
    /// at the top level is an expression whose value may be the cell's result.
    static func canHaveValue(_ expr: ExprSyntax) -> Bool {
        if expr.is(IfExprSyntax.self) || expr.is(SwitchExprSyntax.self) || expr.is(ClosureExprSyntax.self)
            || expr.is(MacroExpansionExprSyntax.self)
        {
            return false
        }
        // An assignment has no value, and in `_ = await f()` an operator appended after it would stand
        // outside what the `await` covers.
        if let sequence = expr.as(SequenceExprSyntax.self),
           sequence.elements.contains(where: { $0.is(AssignmentExprSyntax.self) })
        {
            return false
        }
        return true
    }

    static func isDeclaredName(_ token: TokenSyntax) -> Bool {
        guard let parent = token.parent else { return false }
        if parent.is(IdentifierPatternSyntax.self) || parent.is(FunctionParameterSyntax.self)
            || parent.is(ClosureShorthandParameterSyntax.self) || parent.is(ClosureParameterSyntax.self)
        {
            return true
        }
        if let function = parent.as(FunctionDeclSyntax.self) { return function.name.id == token.id }
        if let type = parent.as(StructDeclSyntax.self) { return type.name.id == token.id }
        if let type = parent.as(ClassDeclSyntax.self) { return type.name.id == token.id }
        if let type = parent.as(EnumDeclSyntax.self) { return type.name.id == token.id }
        if let type = parent.as(ActorDeclSyntax.self) { return type.name.id == token.id }
        if let type = parent.as(ProtocolDeclSyntax.self) { return type.name.id == token.id }
        if let alias = parent.as(TypeAliasDeclSyntax.self) { return alias.name.id == token.id }
        return false
    }

    static func isUsedImplicitly(_ decl: DeclSyntax) -> Bool {
        if decl.is(ExtensionDeclSyntax.self) || decl.is(OperatorDeclSyntax.self) || decl.is(PrecedenceGroupDeclSyntax.self)
            || decl.is(MacroDeclSyntax.self)
        {
            return true
        }
        if let function = decl.as(FunctionDeclSyntax.self) { return !CodeGenerator.isIdentifier(function.name.text) }
        return false
    }

    static func declarations(in decl: DeclSyntax) -> [Declaration] {
        let documentation = DeclarationText.documentation(decl.leadingTrivia)
        func make(_ name: String, _ kind: CellDeclaration.Kind, _ importKind: String?) -> Declaration {
            Declaration(
                name: name, kind: kind, importKind: importKind, signature: signature(of: decl),
                documentation: documentation)
        }
        if let v = decl.as(VariableDeclSyntax.self) {
            let isLet = v.bindingSpecifier.tokenKind == .keyword(.let)
            var names: [String] = []
            for binding in v.bindings { collectNames(in: binding.pattern, into: &names) }
            return names.map { name in
                Declaration(
                    name: name, kind: isLet ? .constant : .variable, importKind: isLet ? "let" : "var",
                    signature: variableSignature(v, name: name), documentation: documentation)
            }
        }
        if let f = decl.as(FunctionDeclSyntax.self) { return [make(f.name.text, .function, "func")] }
        if let s = decl.as(StructDeclSyntax.self) { return [make(s.name.text, .structure, "struct")] }
        if let c = decl.as(ClassDeclSyntax.self) { return [make(c.name.text, .class, "class")] }
        if let e = decl.as(EnumDeclSyntax.self) { return [make(e.name.text, .enumeration, "enum")] }
        if let p = decl.as(ProtocolDeclSyntax.self) { return [make(p.name.text, .protocol, "protocol")] }
        // Actors have no scoped-import kind of their own; `class` names them.
        if let a = decl.as(ActorDeclSyntax.self) { return [make(a.name.text, .actor, "class")] }
        if let t = decl.as(TypeAliasDeclSyntax.self) { return [make(t.name.text, .typeAlias, "typealias")] }
        if let o = decl.as(OperatorDeclSyntax.self) { return [make(o.name.text, .operator, nil)] }
        if let m = decl.as(MacroDeclSyntax.self) { return [make(m.name.text, .macro, nil)] }
        return []
    }

    static func collectNames(in pattern: PatternSyntax, into names: inout [String]) {
        if let identifier = pattern.as(IdentifierPatternSyntax.self) {
            names.append(identifier.identifier.text)
        } else if let tuple = pattern.as(TuplePatternSyntax.self) {
            for element in tuple.elements { collectNames(in: element.pattern, into: &names) }
        }
    }

    /// A declaration's header on one line, without its body.
    static func signature(of decl: DeclSyntax) -> String {
        DeclarationText.oneLine(DeclarationText.header(decl, cutting: body(of: decl)))
    }

    static func variableSignature(_ v: VariableDeclSyntax, name: String) -> String {
        for binding in v.bindings {
            guard let identifier = binding.pattern.as(IdentifierPatternSyntax.self), identifier.identifier.text == name
            else { continue }
            var text = "\(v.bindingSpecifier.text) \(name)"
            if let type = binding.typeAnnotation { text += ": " + type.type.trimmed.description }
            return text
        }
        return "\(v.bindingSpecifier.text) \(name)"
    }

    static func body(of decl: DeclSyntax) -> Syntax? {
        if let f = decl.as(FunctionDeclSyntax.self) { return f.body.map(Syntax.init) }
        if let s = decl.as(StructDeclSyntax.self) { return Syntax(s.memberBlock) }
        if let c = decl.as(ClassDeclSyntax.self) { return Syntax(c.memberBlock) }
        if let e = decl.as(EnumDeclSyntax.self) { return Syntax(e.memberBlock) }
        if let p = decl.as(ProtocolDeclSyntax.self) { return Syntax(p.memberBlock) }
        if let a = decl.as(ActorDeclSyntax.self) { return Syntax(a.memberBlock) }
        return nil
    }
}

/// Text the engine inserts into a cell before compiling it, and where (so diagnostics can be mapped back).
struct SourceInsertion: Sendable, Hashable {
    var utf8Offset: Int
    /// 1-based line and column of the insertion point in the cell.
    var line: Int
    var column: Int
    var text: String
}

/// Finds `await`, `for await` and `async let` in top-level code, not inside closures, functions or types.
private final class TopLevelAwaitFinder: SyntaxVisitor {
    var found = false

    override func visit(_ node: AwaitExprSyntax) -> SyntaxVisitorContinueKind {
        found = true
        return .skipChildren
    }

    override func visit(_ node: ForStmtSyntax) -> SyntaxVisitorContinueKind {
        if node.awaitKeyword != nil { found = true }
        return .visitChildren
    }

    override func visit(_ node: VariableDeclSyntax) -> SyntaxVisitorContinueKind {
        if node.modifiers.contains(where: { $0.name.tokenKind == .keyword(.async) }) { found = true }
        return .visitChildren
    }

    override func visit(_ node: ClosureExprSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: FunctionDeclSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: InitializerDeclSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: AccessorBlockSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: ExtensionDeclSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: ProtocolDeclSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
}
