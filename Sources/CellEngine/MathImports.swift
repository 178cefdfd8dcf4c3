internal import SystemLibC

/// The C math library in every cell without an `import`: `exp(1.0)`, `log`, `sqrt`, `pow`, `atan2`,
/// `erf`, `lgamma` … work as in a Swift script that imports Foundation.
///
/// A cell gets one scoped import (`import func Glibc.exp`) for each of these names it mentions, and none
/// for a name that the cell itself or an earlier cell declares. Why scoped and per cell, not re-exported
/// from `CellRuntime` (which every cell imports):
/// - a cell that mentions none of them compiles exactly the source it did before (same text, same cache
///   key, same compile time);
/// - a re-exported `exp` stays visible next to a user's own `func exp(_: Double) -> Double` from an
///   earlier cell, and the compiler reports every later `exp(1.0)` as ambiguous; leaving the import out
///   when the session declares the name keeps the user's function the only candidate;
/// - the same function reached through `import Foundation` as well is the same declaration, never an
///   ambiguity.
enum MathImports {
    /// The overlay module (`Glibc`): the C functions plus Swift's `Float`/`Float80` overloads.
    static let overlay = CLibraryModule.overlay
    /// The C module alone (`SwiftGlibc`), where `lgamma` comes from; see `CLibraryModule.cOnly`.
    static let cOnly = CLibraryModule.cOnly

    /// C99's `<math.h>` functions a notebook reaches for; the rarer ones (`frexp`, `remquo`, `ilogb` …) still
    /// need `import Foundation`.
    static let functions: Set<String> = [
        "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "pow", "sqrt", "cbrt", "hypot",
        "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
        "erf", "erfc", "tgamma", "lgamma", "floor", "ceil", "round", "trunc", "fabs", "fmod", "remainder",
        "fmin", "fmax", "fma", "copysign", "nextafter",
    ]
    static let fromCOnly: Set<String> = ["lgamma"]

    /// The import lines for the math functions `analysis`'s cell mentions and the session does not declare.
    static func lines(for analysis: CellAnalysis, plan: ImportPlan) -> [String] {
        let mentioned = analysis.mentionedNames.intersection(functions)
        if mentioned.isEmpty { return [] }
        let declared = Set(analysis.declarations.map(\.name)).union(plan.scoped.map(\.name))
        return mentioned.subtracting(declared).sorted().map { name in
            let module = fromCOnly.contains(name) ? cOnly ?? overlay : overlay
            return "import func \(module).\(name)"
        }
    }
}
