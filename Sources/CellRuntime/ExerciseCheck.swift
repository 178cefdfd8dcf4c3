import Figures
import Synchronization

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
/// An infinite expected value is matched only by the same infinity.
/// - Parameters:
///   - title: what is checked, shown in the verdict.
///   - answer: the student's value.
///   - expected: the right value.
///   - tolerance: accepted when `|answer − expected| ≤ tolerance · max(1, |expected|)`.
@discardableResult
public func checkAnswer(
    _ title: String, _ answer: Double, equals expected: Double, tolerance: Double = 1e-6
) -> ExerciseCheck {
    ExerciseScore.record(compare(title, answer, expected, tolerance))
}

/// Checks a list of numbers element by element; the verdict names the first element that is wrong.
@discardableResult
public func checkAnswer(
    _ title: String, _ answer: [Double], equals expected: [Double], tolerance: Double = 1e-6
) -> ExerciseCheck {
    ExerciseScore.record(compare(title, answer, expected, tolerance))
}

/// Checks a condition; `hint` is shown when it does not hold.
@discardableResult
public func checkAnswer(_ title: String, _ condition: Bool, hint: String = "") -> ExerciseCheck {
    ExerciseScore.record(ExerciseCheck(title: title, passed: condition, detail: condition ? "" : hint))
}

// MARK: Graded checks

/// A graded check that did not pass. Thrown at the top level of a cell, it becomes the cell's error, which
/// is how a grader (nbgrader) sees that a test cell failed.
public struct ExerciseFailure: Error, CustomStringConvertible, Sendable {
    public let check: ExerciseCheck
    public var description: String { check.description }
}

/// Like `checkAnswer`, for the test cells a grader scores: shows the ✓ verdict when the answer is right
/// and throws `ExerciseFailure` (the cell fails, with the same words) when it is not.
///
/// ```swift
/// try requireAnswer("KL(p‖q) for the coin example", myKL, equals: 0.0823, tolerance: 1e-4)
/// ```
@discardableResult
public func requireAnswer(
    _ title: String, _ answer: Double, equals expected: Double, tolerance: Double = 1e-6
) throws -> ExerciseCheck {
    try require(checkAnswer(title, answer, equals: expected, tolerance: tolerance))
}

@discardableResult
public func requireAnswer(
    _ title: String, _ answer: [Double], equals expected: [Double], tolerance: Double = 1e-6
) throws -> ExerciseCheck {
    try require(checkAnswer(title, answer, equals: expected, tolerance: tolerance))
}

@discardableResult
public func requireAnswer(_ title: String, _ condition: Bool, hint: String = "") throws -> ExerciseCheck {
    try require(checkAnswer(title, condition, hint: hint))
}

private func require(_ check: ExerciseCheck) throws -> ExerciseCheck {
    guard check.passed else { throw ExerciseFailure(check: check) }
    return check
}

// MARK: The score

/// The verdicts of the session's checks, one per title (a check run again replaces its verdict), in the
/// order they were first made. `exerciseScore()` shows them, so a notebook can end with the student's score.
public struct ExerciseScore: NotebookDisplayable, CustomStringConvertible, Sendable {
    public let checks: [ExerciseCheck]

    public var passed: Int { checks.filter(\.passed).count }

    public var description: String {
        var text = "Score: \(passed) of \(checks.count) checks correct"
        for check in checks { text += "\n  \(check.passed ? "✓" : "✗") \(check.title)" }
        return text
    }

    public var mimeBundle: MIMEBundle {
        var html = "<div class=\"exercise-score\" style=\"font-family:sans-serif;margin:4px 0\">"
        html += "<strong>Score: \(passed) of \(checks.count) checks correct</strong><ul style=\"margin:4px 0\">"
        for check in checks {
            let colour = check.passed ? "#1a7f37" : "#cf222e"
            html += "<li><span style=\"color:\(colour)\">\(check.passed ? "✓" : "✗")</span> \(check.title.htmlEscaped)</li>"
        }
        html += "</ul></div>"
        return MIMEBundle(plainText: description, ["text/html": html])
    }

    private static let verdicts = Mutex<[ExerciseCheck]>([])

    static func record(_ check: ExerciseCheck) -> ExerciseCheck {
        verdicts.withLock { list in
            if let index = list.firstIndex(where: { $0.title == check.title }) {
                list[index] = check
            } else {
                list.append(check)
            }
        }
        return check
    }

    static var current: ExerciseScore { ExerciseScore(checks: verdicts.withLock { $0 }) }
}

/// The session's score so far: every check's latest verdict.
public func exerciseScore() -> ExerciseScore { ExerciseScore.current }

// MARK: Comparison

private func compare(_ title: String, _ answer: Double, _ expected: Double, _ tolerance: Double) -> ExerciseCheck {
    if expected.isInfinite {
        let passed = answer == expected
        return ExerciseCheck(
            title: title, passed: passed,
            detail: passed ? "\(format(answer))" : "got \(format(answer)), expected \(format(expected))")
    }
    guard answer.isFinite else {
        return ExerciseCheck(
            title: title, passed: false,
            detail: answer.isNaN
                ? "the answer is nan (not a number), expected \(format(expected)): look for 0/0, ∞ − ∞ or the log of a negative number"
                : "the answer is \(format(answer)), expected the finite value \(format(expected))")
    }
    let error = abs(answer - expected)
    let passed = error <= tolerance * max(1, abs(expected))
    let detail = passed
        ? "\(format(answer)) (expected \(format(expected)))"
        : "got \(format(answer)), expected \(format(expected)) (off by \(format(error)))"
    return ExerciseCheck(title: title, passed: passed, detail: detail)
}

private func compare(_ title: String, _ answer: [Double], _ expected: [Double], _ tolerance: Double) -> ExerciseCheck {
    guard answer.count == expected.count else {
        return ExerciseCheck(
            title: title, passed: false,
            detail: "got \(answer.count) numbers, expected \(expected.count)")
    }
    for index in answer.indices {
        let single = compare(title, answer[index], expected[index], tolerance)
        if !single.passed {
            return ExerciseCheck(title: title, passed: false, detail: "element \(index): \(single.detail)")
        }
    }
    return ExerciseCheck(title: title, passed: true, detail: "all \(answer.count) values match")
}

private func format(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "∞" : "−∞" }
    return DecimalFormat.significant(value, digits: 6)
}
