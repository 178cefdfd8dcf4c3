/// How the code the engine generates for a magic (`%cd`, `!cmd`, …) and the engine talk while it runs.
///
/// Such a cell's text is the same for every argument (`try _magicShell()`), so it is compiled once and then
/// found in the build cache; the argument travels at run time instead. The cell asks for it with an input
/// request whose prompt is `argumentPrompt`, and reports a value back (the new working folder) with one
/// whose prompt starts with `reportPrefix`. The engine answers these itself; they never reach a front end.
public enum MagicExchange {
    /// The prompt of the input request that asks the engine for the magic's argument.
    public static let argumentPrompt = "\u{1E}swift-inference:magic-argument"
    /// The start of the prompt of an input request that reports a value to the engine (answered with "").
    public static let reportPrefix = "\u{1E}swift-inference:magic-report "
}
