import Figures

/// The verdict of an exercise's check cell: shown as a green or red box in a notebook and as one line of
/// text in a terminal or CI log.
///
/// A check never throws or traps, whatever the student's answer is (`nan`, the wrong length, a
/// placeholder), so a notebook with unfinished exercises still runs to the end.
///
/// ```swift
/// checkAnswer("KL(p‖q) for the coin example", myKL, equals: 0.0823, tolerance: 1e-4)
/// ```
public struct ExerciseCheck: NotebookDisplayable, CustomStringConvertible, Sendable {
    /// What was checked, e.g. "Exercise 2: the ELBO gap".
    public let title: String
    /// Whether the answer is right.
    public let passed: Bool
    /// Why: what was expected and what was found, or a hint.
    public let detail: String

    public init(title: String, passed: Bool, detail: String) {
        self.title = title
        self.passed = passed
        self.detail = detail
    }

    public var description: String {
        let verdict = passed ? "✓ \(title): correct" : "✗ \(title): not yet"
        return detail.isEmpty ? verdict : "\(verdict) — \(detail)"
    }

    public var mimeBundle: MIMEBundle {
        let colour = passed ? "#1a7f37" : "#cf222e"
        let background = passed ? "#dafbe1" : "#ffebe9"
        let mark = passed ? "✓" : "✗"
        let verdict = passed ? "correct" : "not yet"
        var html = "<div class=\"exercise-check\" role=\"status\" style=\"border-left:4px solid \(colour);"
        html += "background:\(background);padding:6px 10px;margin:4px 0;font-family:sans-serif\">"
        html += "<strong style=\"color:\(colour)\">\(mark) \(title.htmlEscaped): \(verdict)</strong>"
        if !detail.isEmpty { html += "<br><span>\(detail.htmlEscaped)</span>" }
        html += "</div>"
        return MIMEBundle(plainText: description, ["text/html": html])
    }
}

/// Checks a number against the expected one, within an absolute or relative tolerance.
/// - Parameters:
///   - title: what is checked, shown in the verdict.
///   - answer: the student's value.
///   - expected: the right value.
///   - tolerance: accepted when `|answer − expected| ≤ tolerance · max(1, |expected|)`.
public func checkAnswer(
    _ title: String, _ answer: Double, equals expected: Double, tolerance: Double = 1e-6
) -> ExerciseCheck {
    guard answer.isFinite else {
        return ExerciseCheck(
            title: title, passed: false,
            detail: "the answer is \(answer); complete the exercise cell above and run it again")
    }
    let error = abs(answer - expected)
    let passed = error <= tolerance * max(1, abs(expected))
    let detail = passed
        ? "\(format(answer)) (expected \(format(expected)))"
        : "got \(format(answer)), expected \(format(expected)) (off by \(format(error)))"
    return ExerciseCheck(title: title, passed: passed, detail: detail)
}

/// Checks a list of numbers element by element; the verdict names the first element that is wrong.
public func checkAnswer(
    _ title: String, _ answer: [Double], equals expected: [Double], tolerance: Double = 1e-6
) -> ExerciseCheck {
    guard answer.count == expected.count else {
        return ExerciseCheck(
            title: title, passed: false,
            detail: "got \(answer.count) numbers, expected \(expected.count)")
    }
    for index in answer.indices {
        let single = checkAnswer(title, answer[index], equals: expected[index], tolerance: tolerance)
        if !single.passed {
            return ExerciseCheck(title: title, passed: false, detail: "element \(index): \(single.detail)")
        }
    }
    return ExerciseCheck(title: title, passed: true, detail: "all \(answer.count) values match")
}

/// Checks a condition; `hint` is shown when it does not hold.
public func checkAnswer(_ title: String, _ condition: Bool, hint: String = "") -> ExerciseCheck {
    ExerciseCheck(title: title, passed: condition, detail: condition ? "" : hint)
}

private func format(_ value: Double) -> String {
    DecimalFormat.significant(value, digits: 6)
}
