import SwiftParser
import SwiftSyntax

/// A declaration found in a cell's source: a top-level name or a member of a type the cell declares
/// or extends. The kernel uses these to complete members after `.` and to answer `inspect_request`.
public struct SourceSymbol: Sendable, Hashable {
    /// The declared name (`mean`, `init`, `sample(count:)` is reported as `sample`).
    public var name: String
    /// The enclosing type's name (`Point`, `Outer.Inner`), or `nil` at the top level.
    public var container: String?
    /// A short kind: `func`, `var`, `let`, `init`, `subscript`, `case`, `struct`, `class`, `enum`,
    /// `protocol`, `actor`, `typealias`.
    public var kind: String
    /// The declaration's header without its body, e.g. `func f(x: Int) -> Int`.
    public var signature: String
    /// The `///` or `/** */` comment above it, without the comment markers.
    public var documentation: String?

    public init(name: String, container: String?, kind: String, signature: String, documentation: String?) {
        self.name = name
        self.container = container
        self.kind = kind
        self.signature = signature
        self.documentation = documentation
    }

    /// Every declaration of a cell's source, top level and members, in source order.
    /// - Parameter code: the cell's source (it need not compile).
    /// - Returns: the declarations found.
    public static func scan(_ code: String) -> [SourceSymbol] {
        let visitor = SourceSymbolVisitor(viewMode: .sourceAccurate)
        visitor.walk(Parser.parse(source: code))
        return visitor.symbols
    }
}

private final class SourceSymbolVisitor: SyntaxVisitor {
    var symbols: [SourceSymbol] = []
    var containers: [String] = []
    /// Function bodies and closures are not scanned: their locals are not visible from later cells.
    var container: String? { containers.isEmpty ? nil : containers.joined(separator: ".") }

    func add(_ name: String, _ kind: String, _ decl: some SyntaxProtocol, signature: String? = nil) {
        let header = signature ?? decl.trimmedDescription
        symbols.append(
            SourceSymbol(
                name: name, container: container, kind: kind,
                signature: DeclarationText.oneLine(header),
                documentation: DeclarationText.documentation(decl.leadingTrivia)))
    }

    override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind {
        add(node.name.text, "struct", node, signature: DeclarationText.header(node, cutting: node.memberBlock))
        containers.append(node.name.text)
        return .visitChildren
    }
    override func visitPost(_ node: StructDeclSyntax) { containers.removeLast() }

    override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind {
        add(node.name.text, "class", node, signature: DeclarationText.header(node, cutting: node.memberBlock))
        containers.append(node.name.text)
        return .visitChildren
    }
    override func visitPost(_ node: ClassDeclSyntax) { containers.removeLast() }

    override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind {
        add(node.name.text, "actor", node, signature: DeclarationText.header(node, cutting: node.memberBlock))
        containers.append(node.name.text)
        return .visitChildren
    }
    override func visitPost(_ node: ActorDeclSyntax) { containers.removeLast() }

    override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind {
        add(node.name.text, "enum", node, signature: DeclarationText.header(node, cutting: node.memberBlock))
        containers.append(node.name.text)
        return .visitChildren
    }
    override func visitPost(_ node: EnumDeclSyntax) { containers.removeLast() }

    override func visit(_ node: ProtocolDeclSyntax) -> SyntaxVisitorContinueKind {
        add(node.name.text, "protocol", node, signature: DeclarationText.header(node, cutting: node.memberBlock))
        containers.append(node.name.text)
        return .visitChildren
    }
    override func visitPost(_ node: ProtocolDeclSyntax) { containers.removeLast() }

    override func visit(_ node: ExtensionDeclSyntax) -> SyntaxVisitorContinueKind {
        containers.append(node.extendedType.trimmedDescription)
        return .visitChildren
    }
    override func visitPost(_ node: ExtensionDeclSyntax) { containers.removeLast() }

    override func visit(_ node: FunctionDeclSyntax) -> SyntaxVisitorContinueKind {
        add(node.name.text, "func", node, signature: DeclarationText.header(node, cutting: node.body))
        return .skipChildren
    }

    override func visit(_ node: InitializerDeclSyntax) -> SyntaxVisitorContinueKind {
        add("init", "init", node, signature: DeclarationText.header(node, cutting: node.body))
        return .skipChildren
    }

    override func visit(_ node: SubscriptDeclSyntax) -> SyntaxVisitorContinueKind {
        add("subscript", "subscript", node, signature: DeclarationText.header(node, cutting: node.accessorBlock))
        return .skipChildren
    }

    override func visit(_ node: VariableDeclSyntax) -> SyntaxVisitorContinueKind {
        let keyword = node.bindingSpecifier.text
        for binding in node.bindings {
            guard let pattern = binding.pattern.as(IdentifierPatternSyntax.self) else { continue }
            var signature = "\(keyword) \(pattern.identifier.text)"
            if let type = binding.typeAnnotation { signature += type.trimmedDescription }
            let modifiers = node.modifiers.trimmedDescription
            if !modifiers.isEmpty { signature = modifiers + " " + signature }
            add(pattern.identifier.text, keyword, node, signature: signature)
        }
        return .skipChildren
    }

    override func visit(_ node: EnumCaseDeclSyntax) -> SyntaxVisitorContinueKind {
        for element in node.elements {
            add(element.name.text, "case", node, signature: "case " + element.trimmedDescription)
        }
        return .skipChildren
    }

    override func visit(_ node: TypeAliasDeclSyntax) -> SyntaxVisitorContinueKind {
        add(node.name.text, "typealias", node)
        return .skipChildren
    }

    override func visit(_ node: ClosureExprSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
    override func visit(_ node: CodeBlockSyntax) -> SyntaxVisitorContinueKind { .skipChildren }
}
