import CellEngine
import Kernel
import NotebookJSON
import Testing

@Suite struct CodeCompletenessTests {
    @Test(arguments: [
        "let x = 1", "print(\"hi\")", "struct S {\n    var x: Int\n}", "", "   \n", "func f() {}\n// done",
        "for i in 0..<3 { print(i) }",
    ])
    func complete(_ code: String) {
        #expect(CodeCompleteness(checking: code) == .complete)
    }

    @Test(arguments: [
        "func f() {", "let xs = [1, 2,", "if true {\n    print(1)", "\"\"\"\nmulti-line", "let x =", "1 +",
        "#if DEBUG", "/* an open comment",
    ])
    func incomplete(_ code: String) {
        guard case .incomplete = CodeCompleteness(checking: code) else {
            Issue.record("\(code.debugDescription) is \(CodeCompleteness(checking: code))")
            return
        }
    }

    @Test(arguments: ["let = 5", "}", "print(\"unterminated", "let x = )", "func (x: Int) {}"])
    func invalid(_ code: String) {
        #expect(CodeCompleteness(checking: code) == .invalid, "\(code.debugDescription)")
    }

    @Test func indentFollowsTheOpenBlock() {
        #expect(CodeCompleteness(checking: "func f() {") == .incomplete(indent: "    "))
        #expect(CodeCompleteness(checking: "func f() {\n    if x {") == .incomplete(indent: "        "))
        #expect(CodeCompleteness(checking: "func f() {\n    if x {\n    }") == .incomplete(indent: "    "))
    }
}

@Suite struct SourceSymbolTests {
    @Test func findsTopLevelAndMembers() {
        let symbols = SourceSymbol.scan(
            """
            /// A point in the plane.
            struct Point {
                var x: Double
                /// Distance from the origin.
                func norm() -> Double { (x * x).squareRoot() }
            }
            let origin = Point(x: 0)
            func helper(_ a: Int,
                        b: Int) -> Int { let hidden = 1; return a + b + hidden }
            """)
        let names = symbols.map { ($0.container ?? "") + "." + $0.name }
        #expect(names == [".Point", "Point.x", "Point.norm", ".origin", ".helper"])
        #expect(symbols[0].documentation == "A point in the plane.")
        #expect(symbols[0].signature == "struct Point")
        #expect(symbols[2].signature == "func norm() -> Double")
        #expect(symbols[2].documentation == "Distance from the origin.")
        #expect(symbols[4].signature == "func helper(_ a: Int, b: Int) -> Int")
    }
}

@Suite struct CodeAssistantTests {
    let library = LibrarySymbolIndex(symbols: [
        LibrarySymbol(
            module: "Inference", name: "Normal", path: [], kind: "struct", declaration: "struct Normal",
            documentation: "A normal distribution."),
        LibrarySymbol(
            module: "Inference", name: "mean", path: ["Normal"], kind: "property", declaration: "var mean: Double",
            documentation: "The mean."),
        LibrarySymbol(
            module: "Inference", name: "logDensity", path: ["Normal"], kind: "method",
            declaration: "func logDensity(_ x: Double) -> Double", documentation: "log p(x)."),
        LibrarySymbol(
            module: "Inference", name: "init", path: ["Normal"], kind: "init",
            declaration: "init(mean: Double, standardDeviation: Double)", documentation: nil),
        LibrarySymbol(
            module: "Figures", name: "Chart", path: [], kind: "struct", declaration: "struct Chart", documentation: nil),
    ])

    var assistant: CodeAssistant {
        CodeAssistant(
            declarations: [
                CellDeclaration(
                    name: "prior", kind: .constant, signature: "let prior = Normal(mean: 0, standardDeviation: 1)",
                    documentation: "The prior.", executionIndex: 1, typeName: "Inference.Normal"),
                CellDeclaration(
                    name: "samples", kind: .variable, signature: "var samples: [Double]", documentation: nil,
                    executionIndex: 2, typeName: "Swift.Array<Swift.Double>"),
                CellDeclaration(
                    name: "prettyPoint", kind: .constant, signature: "let prettyPoint = Point(x: 1)",
                    documentation: nil, executionIndex: 3, typeName: nil),
            ],
            cellSymbols: SourceSymbol.scan("struct Point {\n    var x: Double\n    func norm() -> Double { x }\n}"),
            library: library)
    }

    func matches(_ code: String, _ cursor: Int? = nil) -> [String] {
        assistant.completeReply(code: code, cursorPosition: cursor)["matches"]?.arrayValue?.compactMap(\.stringValue)
            ?? []
    }

    @Test func completesCellNamesLibraryAndKeywords() {
        #expect(matches("pri") == ["prior", "print", "private"])
        #expect(matches("No") == ["Normal"])
        #expect(matches("Infer") == ["Inference"])
        #expect(matches("fallth") == ["fallthrough"])
    }

    @Test func completesMembersFromRuntimeTypes() {
        #expect(matches("prior.") == ["logDensity", "mean"])
        #expect(matches("prior.me") == ["mean"])
        #expect(matches("samples.cou") == ["count"])
        #expect(matches("prettyPoint.") == ["x", "norm"])
        #expect(matches("Inference.") == ["Normal"])
        #expect(matches("prior.mean.isN") == ["isNaN"])
    }

    @Test func cursorCountsUnicodeScalars() {
        // "é" is one scalar but two UTF-8 bytes; "🙂" is one scalar and two UTF-16 units.
        let code = "let é🙂 = 1\npri"
        let reply = assistant.completeReply(code: code, cursorPosition: code.unicodeScalars.count)
        #expect(reply["cursor_start"] == 11)
        #expect(reply["cursor_end"] == 14)
        #expect(matches("pri(x)", 3) == ["prior", "print", "private"])
        #expect(reply["metadata"]?["_jupyter_types_experimental"]?.arrayValue?.first?["type"] == "variable")
    }

    @Test func inspectsCellLibraryAndMemberSymbols() {
        let cell = assistant.inspectReply(code: "prior", cursorPosition: 2)
        #expect(cell["found"] == true)
        #expect(cell["data"]?["text/plain"]?.stringValue?.contains("The prior.") == true)
        #expect(cell["data"]?["text/plain"]?.stringValue?.contains("type: Inference.Normal") == true)
        let member = assistant.inspectReply(code: "prior.logDensity(", cursorPosition: 17)
        #expect(
            member["data"]?["text/markdown"]?.stringValue?.contains("func logDensity(_ x: Double) -> Double") == true)
        let library = assistant.inspectReply(code: "Normal", cursorPosition: nil)
        #expect(library["data"]?["text/plain"]?.stringValue?.hasPrefix("struct Normal") == true)
        let missing = assistant.inspectReply(code: "nothingHere", cursorPosition: nil)
        #expect(missing["found"] == false)
        #expect(missing["status"] == "ok")
    }
}
