import Foundation
import Testing

@testable import CellEngine

/// `exp`, `log`, `lgamma` … in a cell that imports nothing, compiled by the real compiler, and the cases
/// where the same name also comes from elsewhere (Foundation, the user's own function, the library).
@Suite(.serialized) struct MathImportTests {
    let session: CellSession

    init() throws {
        session = try makeSession()
    }

    @Test func mathFunctionsWorkWithoutAnImport() {
        #expect(session.value("exp(1.0)") == "2.718281828459045")
        #expect(session.value("[log(1.0), sqrt(16.0), pow(2.0, 10.0), sin(0.0), cos(0.0), erf(0.0)]") == "[0.0, 4.0, 1024.0, 0.0, 1.0, 0.0]")
        #expect(session.value("atan2(1.0, 1.0) * 4 == .pi") == "true")
        // Bare, without a type to choose between `lgamma -> Double` and the overlay's `-> (Double, Int)`.
        #expect(session.value("lgamma(5.0)") == "3.1780538303479458")
        #expect(session.value("let small: Float = 4; sqrt(small)") == "2.0")
        #expect(session.value("log1p(0.0) + expm1(0.0) + floor(2.5) + ceil(0.5) + fabs(-1.0)") == "4.0")
    }

    @Test func aCellThatAlsoImportsFoundationCompiles() {
        #expect(session.value("import Foundation\nexp(0.0) + sqrt(4.0)") == "3.0")
        // Later cells inherit `import Foundation`, whose overlay adds `lgamma(_:) -> (Double, Int)`: with a
        // type, as in any Swift script that imports Foundation, it is unambiguous.
        #expect(session.value("let g: Double = lgamma(5.0); abs(g - log(24.0)) < 1e-12") == "true")
    }

    @Test func theUsersOwnFunctionOfTheSameNameWins() {
        #expect(session.value("func exp(_ x: Double) -> Double { 42 }\nexp(1.0)") == "42.0")
        // A later cell sees the user's `exp` only (a second candidate would make the call ambiguous) and
        // still the C library's other functions.
        #expect(session.value("exp(1.0) + log(1.0)") == "42.0")
        #expect(session.value("let sqrt = 3\nsqrt + 1") == "4")
    }

    @Test func theLibrarysFunctionsMixWithMath() {
        #expect(session.value("logSumExp([log(2.0), log(3.0)]) - log(5.0) < 1e-12") == "true")
        #expect(session.value("let n = try Normal()\nabs(exp(n.logDensity(0)) * sqrt(2 * .pi) - 1) < 1e-12") == "true")
    }

    @Test func aCellThatMentionsNoMathNameIsGeneratedAsBefore() {
        let analysis = CellAnalysis(source: "let x = 1")
        let plan = ImportPlan(for: analysis, history: [])
        #expect(MathImports.lines(for: analysis, plan: plan).isEmpty)
        #expect(!CodeGenerator.source(for: "let x = 1", analysis: analysis, plan: plan).contains("import func"))
        let mathCell = CellAnalysis(source: "exp(x) + lgamma(x)")
        #expect(MathImports.lines(for: mathCell, plan: plan).count == 2)
    }
}
