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
    /// Names of top-level stored variables with an initial value, whose runtime types are reported.
    var reportableVariables: [String]
    /// Whether the cell has any code at all (not only comments and white space).
    var hasStatements: Bool
    /// The cell's top-level import declarations (`import Foundation`), which later cells repeat, so an
    /// import stays in effect for the rest of the session, as in a REPL.
    var imports: [String]

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
        return true
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
