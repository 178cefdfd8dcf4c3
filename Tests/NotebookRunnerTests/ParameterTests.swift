import NotebookJSON
import NotebookRunner
import Testing

@Suite struct ParameterTests {
    @Test(arguments: [
        ("42", SwiftLiteral.int(42), "Int"),
        ("-7", .int(-7), "Int"),
        ("0.5", .double(0.5), "Double"),
        ("1e-3", .double(0.001), "Double"),
        ("true", .bool(true), "Bool"),
        ("hello world", .string("hello world"), "String"),
        ("\"42\"", .string("42"), "String"),
        ("nan", .string("nan"), "String"),
        ("[1, 2, 3]", .array([.int(1), .int(2), .int(3)]), "[Int]"),
        ("[1, 2.5]", .array([.int(1), .double(2.5)]), "[Double]"),
        ("[\"a\", \"b,c\"]", .array([.string("a"), .string("b,c")]), "[String]"),
        ("[[1], [2, 3]]", .array([.array([.int(1)]), .array([.int(2), .int(3)])]), "[[Int]]"),
    ])
    func typesCommandLineValues(text: String, literal: SwiftLiteral, type: String) {
        #expect(SwiftLiteral(parsing: text) == literal)
        #expect(literal.inferredType == type)
    }

    @Test func writesSwiftLiteralsForDeclaredTypes() throws {
        #expect(try SwiftLiteral.int(3).swiftSource(as: "Double") == "3.0")
        #expect(try SwiftLiteral.double(0.25).swiftSource(as: "Double") == "0.25")
        #expect(try SwiftLiteral.int(3).swiftSource(as: "String") == "\"3\"")
        #expect(try SwiftLiteral.string("a \"q\"\n").swiftSource(as: "String") == #""a \"q\"\n""#)
        #expect(try SwiftLiteral.array([.int(1), .double(2.5)]).swiftSource(as: "[Double]") == "[1.0, 2.5]")
        #expect(try SwiftLiteral.array([.int(1)]).swiftSource(as: "Array<Int>") == "[1]")
        #expect(throws: NotebookError.self) { try SwiftLiteral.double(0.5).swiftSource(as: "Int") }
        #expect(throws: NotebookError.self) { try SwiftLiteral.string("yes").swiftSource(as: "Bool") }
        #expect(throws: NotebookError.self) { try SwiftLiteral.int(1).swiftSource(as: "[Int]") }
    }

    @Test func pairsWordsInBothSpellings() throws {
        let parameters = try NotebookParameter.parse(["seed", "7", "rate=0.1", "name", "a=b", "seed", "8"])
        #expect(parameters.map(\.name) == ["rate", "name", "seed"])
        #expect(parameters[0].value == .double(0.1))
        #expect(parameters[1].value == .string("a=b"))
        #expect(parameters[2].value == .int(8))
        #expect(throws: NotebookError.self) { try NotebookParameter.parse(["seed"]) }
        #expect(throws: NotebookError.self) { try NotebookParameter.parse(["not-a-name", "1"]) }
    }

    @Test func scansTheParametersCell() {
        let declarations = ParameterDeclaration.scan(
            """
            // Defaults
            let seed = 42
            var learningRate: Double = 0.1  // step size
            let title = "EM"
            let sizes = [10, 20]
            let model = makeModel()
            """)
        #expect(declarations.map(\.name) == ["seed", "learningRate", "title", "sizes", "model"])
        #expect(declarations.map(\.type) == ["Int", "Double", "String", "[Int]", nil])
        #expect(declarations[1].keyword == "var")
    }

    @Test func injectsATaggedCellAfterTheParametersCell() throws {
        var notebook = Make.notebook([
            Make.markdown("m", "# Title"),
            Make.code("p", "let seed = 1\nvar rate: Double = 0.5", tags: ["parameters"]),
            Make.code("c", "print(seed)"),
        ])
        let undeclared = try notebook.injectParameters(
            NotebookParameter.parse(["seed", "9", "rate", "2", "extra", "[0.5, 1]"]))
        #expect(undeclared == ["extra"])
        #expect(notebook.cells.count == 4)
        #expect(notebook.cells[0].id == "m" && notebook.cells[1].id == "p" && notebook.cells[3].id == "c")
        let injected = notebook.cells[2]
        #expect(injected.tags == ["injected-parameters"])
        #expect(injected.kind == .code)
        #expect(injected.source.contains("let seed: Int = 9"))
        #expect(injected.source.contains("var rate: Double = 2.0"))
        #expect(injected.source.contains("let extra: [Double] = [0.5, 1.0]"))
        // Injecting again replaces the earlier injected cell.
        try notebook.injectParameters(NotebookParameter.parse(["seed", "10"]))
        #expect(notebook.cells.filter { $0.hasTag("injected-parameters") }.count == 1)
        #expect(notebook.cells[2].source.contains("let seed: Int = 10"))
    }

    @Test func injectsAtTheTopWithoutAParametersCell() throws {
        var notebook = Make.notebook([Make.code("c", "print(1)")])
        try notebook.injectParameters([NotebookParameter(name: "n", value: .int(3))])
        #expect(notebook.cells[0].hasTag("injected-parameters"))
        #expect(notebook.cells[0].source.hasSuffix("let n: Int = 3"))
    }

    @Test func refusesAValueOfTheWrongType() {
        var notebook = Make.notebook([Make.code("p", "let seed = 1", tags: ["parameters"])])
        #expect {
            try notebook.injectParameters([NotebookParameter(name: "seed", value: .double(0.5))])
        } throws: { error in
            (error as? NotebookError)?.kind == .badParameter && "\(error)".contains("seed")
        }
    }
}
