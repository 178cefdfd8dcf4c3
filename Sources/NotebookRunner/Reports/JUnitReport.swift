/// JUnit XML for CI systems (`--junit FILE`): a test suite per notebook, a test case per non-empty code cell.
///
/// A cell that failed is an `<error>` (its traceback as the body); a cell whose outputs did not reproduce
/// under `--check` is a `<failure>` (the diff as the body); cells not run after a stop are `<skipped>`.
public enum JUnitReport {
    /// The XML document.
    /// - Parameters:
    ///   - result: the batch.
    /// - Returns: the XML text.
    public static func xml(_ result: BatchResult) -> String {
        var suites: [String] = []
        var totals = (tests: 0, failures: 0, errors: 0, skipped: 0)
        for item in result.notebooks {
            var cases: [String] = []
            var counts = (tests: 0, failures: 0, errors: 0, skipped: 0)
            let mismatchByIndex = Dictionary(item.mismatches.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
            if let run = item.run {
                for record in run.cells where record.status != .empty {
                    counts.tests += 1
                    let name = "cell \(record.index) [\(record.id)]"
                    var body = ""
                    switch record.status {
                    case .failed:
                        counts.errors += 1
                        let failure = record.failure
                        body =
                            "<error type=\"\(attribute(failure?.name ?? "Error"))\" message=\"\(attribute(failure?.message ?? ""))\">"
                            + text((failure?.traceback ?? []).joined(separator: "\n")) + "</error>"
                    case .notRun:
                        counts.skipped += 1
                        body = "<skipped message=\"not run: an earlier cell stopped the notebook\"/>"
                    case .succeeded, .allowedFailure, .empty:
                        if let mismatch = mismatchByIndex[record.index] {
                            counts.failures += 1
                            body =
                                "<failure type=\"OutputMismatch\" message=\"outputs differ from the stored outputs\">"
                                + text(mismatch.diff) + "</failure>"
                        }
                    }
                    let open =
                        "<testcase classname=\"\(attribute(item.input))\" name=\"\(attribute(name))\" time=\"\(seconds(record.duration))\""
                    cases.append(body.isEmpty ? open + "/>" : open + ">" + body + "</testcase>")
                }
            } else {
                counts.tests += 1
                counts.errors += 1
                cases.append(
                    "<testcase classname=\"\(attribute(item.input))\" name=\"notebook\" time=\"0\">"
                        + "<error type=\"\(attribute(item.outcome.rawValue))\" message=\"\(attribute(item.message ?? ""))\"/></testcase>"
                )
            }
            let time = item.run.map { seconds($0.duration) } ?? "0"
            suites.append(
                "  <testsuite name=\"\(attribute(item.input))\" tests=\"\(counts.tests)\" failures=\"\(counts.failures)\" "
                    + "errors=\"\(counts.errors)\" skipped=\"\(counts.skipped)\" time=\"\(time)\">\n"
                    + cases.map { "    " + $0 + "\n" }.joined() + "  </testsuite>")
            totals.tests += counts.tests
            totals.failures += counts.failures
            totals.errors += counts.errors
            totals.skipped += counts.skipped
        }
        return document(suites: suites, totals: totals, time: seconds(result.duration))
    }

    /// The document around `<testsuite>` elements (each indented by two spaces, without a final newline).
    static func document(suites: [String], totals: (tests: Int, failures: Int, errors: Int, skipped: Int), time: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="swift-inference execute" tests="\(totals.tests)" failures="\(totals.failures)" \
        errors="\(totals.errors)" skipped="\(totals.skipped)" time="\(time)">
        \(suites.joined(separator: "\n"))
        </testsuites>

        """
    }

    static func seconds(_ duration: Duration) -> String {
        let millis = Int((duration.seconds * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// XML character data: escaped, ANSI sequences and characters XML 1.0 forbids removed.
    static func text(_ raw: String) -> String {
        var out = ""
        for scalar in HTML.withoutANSI(raw).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    static func attribute(_ raw: String) -> String {
        text(raw).replacingQuotesAndNewlines
    }
}

extension String {
    fileprivate var replacingQuotesAndNewlines: String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
