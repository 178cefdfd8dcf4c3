import Foundation
import NotebookJSON

/// Puts the reports of several runs back together, usually the shards of one CI run
/// (`swift-inference merge-reports DIR… --output DIR`).
///
/// Each input folder is what `execute --reports DIR` writes: `summary.json`, `junit.xml` and `html/`
/// (a page per notebook). The output folder gets the same, with `html/index.html` listing every notebook.
/// Everything is read and checked before anything is written: a folder without a summary, a summary or
/// JUnit file that is not one the runner writes, two inputs with the same notebook or page, and — when
/// the inputs are shards — a shard missing, repeated or from a run with another shard count are errors
/// that name the folder. The merged exit code is the runner's rule over all notebooks: bad input in any
/// shard, else the first failing notebook's code in path order, else success.
public enum ReportMerge {
    public static let summaryName = "summary.json"
    public static let junitName = "junit.xml"
    public static let htmlName = "html"
    static let indexName = "index.html"

    /// What a merge found.
    public struct Outcome: Sendable {
        /// The merged exit code.
        public var exitCode: RunnerExitCode
        /// Notebooks in all inputs, and how many of them did not succeed.
        public var notebooks: Int
        public var failed: Int
    }

    /// One input folder, read.
    struct Input {
        var folder: String
        var summary: [String: JSONValue]
        var notebooks: [[String: JSONValue]]
        var shard: Shard?
        var suites: [Suite]?
        var pages: [String]
    }

    /// One `<testsuite>` element of a JUnit file, as written.
    struct Suite {
        var name: String
        var text: String
        var counts: (tests: Int, failures: Int, errors: Int, skipped: Int)
    }

    /// Merges the reports in `folders` into `output`.
    /// - Returns: the merged exit code and counts.
    /// - Throws: `NotebookError` naming the folder or file and the problem; nothing is written then.
    public static func merge(_ folders: [String], into output: String) throws(NotebookError) -> Outcome {
        guard !folders.isEmpty else { throw NotebookError(.badOptions, "give at least one report folder to merge") }
        var inputs: [Input] = []
        for folder in folders { inputs.append(try read(folder)) }
        try checkShards(inputs)

        var owner: [String: String] = [:]
        var pageOwner: [String: String] = [:]
        for input in inputs {
            for entry in input.notebooks {
                let name = entry["input"]?.stringValue ?? ""
                if let other = owner[name] {
                    throw NotebookError(.badOptions, file: input.folder, "notebook \(name) is also in \(other): merge each run once")
                }
                owner[name] = input.folder
            }
            for page in input.pages {
                if let other = pageOwner[page] {
                    throw NotebookError(
                        .badOptions, file: input.folder, "the HTML page \(page) is also in \(other) (two notebooks with one file name)")
                }
                pageOwner[page] = input.folder
            }
        }
        let withJUnit = inputs.filter { $0.suites != nil }
        if !withJUnit.isEmpty, let missing = inputs.first(where: { $0.suites == nil }) {
            throw NotebookError(
                .badOptions, file: missing.folder, "has no \(junitName) but \(withJUnit[0].folder) has one: give every run the same reports")
        }

        // The merged summary.
        var notebooks = inputs.flatMap { input in input.notebooks.map { (input, $0) } }
        notebooks.sort { Array(($0.1["input"]?.stringValue ?? "").utf8).lexicographicallyPrecedes(Array(($1.1["input"]?.stringValue ?? "").utf8)) }
        let inputErrors = inputs.flatMap { $0.summary["input_errors"]?.arrayValue ?? [] }
        let exitCode = mergedExitCode(inputs: inputs, notebooks: notebooks.map(\.1), inputErrors: inputErrors)
        let duration = inputs.compactMap { $0.summary["duration_seconds"]?.doubleValue }.max() ?? 0
        var merged: [String: JSONValue] = [
            "exit_code": .number(Double(exitCode.rawValue)),
            "status": .string(exitCode.meaning),
            "duration_seconds": .number(duration),
            "notebooks": .array(notebooks.map { input, entry in
                var entry = entry
                if let page = entry["html"]?.stringValue, input.pages.contains(FileSystem.baseName(page)) {
                    entry["html"] = .string(htmlName + "/" + FileSystem.baseName(page))
                }
                entry["report_folder"] = .string(input.folder)
                return .object(entry)
            }),
            "merged_from": .array(inputs.map { input in
                var part: [String: JSONValue] = [
                    "folder": .string(input.folder),
                    "exit_code": input.summary["exit_code"] ?? .null,
                    "duration_seconds": input.summary["duration_seconds"] ?? .null,
                ]
                if let shard = input.shard { part["shard"] = .string(shard.description) }
                return .object(part)
            }),
        ]
        if !inputErrors.isEmpty { merged["input_errors"] = .array(inputErrors) }

        // Write: summary, JUnit, pages and their index.
        try FileSystem.prepareWritableFolder(output)
        try FileSystem.writeAtomically(
            Array((JSONValue.object(merged).serialized(.pretty(indent: 2)) + "\n").utf8), to: output + "/" + summaryName)
        if !withJUnit.isEmpty {
            let suites = inputs.flatMap { $0.suites ?? [] }.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
            var totals = (tests: 0, failures: 0, errors: 0, skipped: 0)
            for suite in suites {
                totals.tests += suite.counts.tests
                totals.failures += suite.counts.failures
                totals.errors += suite.counts.errors
                totals.skipped += suite.counts.skipped
            }
            let xml = JUnitReport.document(
                suites: suites.map(\.text), totals: totals, time: JUnitReport.seconds(.milliseconds(Int64(duration * 1000))))
            try FileSystem.writeAtomically(Array(xml.utf8), to: output + "/" + junitName)
        }
        let htmlFolder = output + "/" + htmlName
        try FileSystem.prepareWritableFolder(htmlFolder)
        for input in inputs {
            for page in input.pages {
                try FileSystem.writeAtomically(try FileSystem.read(input.folder + "/" + htmlName + "/" + page), to: htmlFolder + "/" + page)
            }
        }
        let rows = notebooks.map { input, entry in
            let page = entry["html"]?.stringValue.map(FileSystem.baseName).flatMap { input.pages.contains($0) ? $0 : nil }
            return HTMLIndex.Row(
                input: entry["input"]?.stringValue ?? "", status: entry["status"]?.stringValue ?? "unknown",
                seconds: entry["duration_seconds"]?.doubleValue, page: page, message: entry["message"]?.stringValue)
        }
        let failed = rows.filter { $0.status != NotebookOutcome.succeeded.rawValue }.count
        let line = "\(rows.count - failed) of \(rows.count) notebooks succeeded; exit code \(exitCode.rawValue) (\(exitCode.meaning))"
            + (inputErrors.isEmpty ? "" : "; \(inputErrors.count) input error(s)")
        try FileSystem.writeAtomically(
            Array(HTMLIndex.html(rows, title: "Notebook reports", summary: line).utf8), to: htmlFolder + "/" + indexName)
        return Outcome(exitCode: exitCode, notebooks: rows.count, failed: failed)
    }

    /// Bad input anywhere, else the first failing notebook's code, else the first failing run's code.
    static func mergedExitCode(inputs: [Input], notebooks: [[String: JSONValue]], inputErrors: [JSONValue]) -> RunnerExitCode {
        if !inputErrors.isEmpty { return .badInput }
        for entry in notebooks {
            if let code = entry["exit_code"]?.intValue, code != 0 { return RunnerExitCode(rawValue: Int32(code)) ?? .cellError }
        }
        for input in inputs {
            if let code = input.summary["exit_code"]?.intValue, code != 0 { return RunnerExitCode(rawValue: Int32(code)) ?? .cellError }
        }
        return .success
    }

    /// Every shard of one run, each once.
    static func checkShards(_ inputs: [Input]) throws(NotebookError) {
        let sharded = inputs.filter { $0.shard != nil }
        guard let first = sharded.first else { return }
        if let plain = inputs.first(where: { $0.shard == nil }) {
            throw NotebookError(.badOptions, file: plain.folder, "is not a shard's report, but \(first.folder) is (shard \(first.shard!)): merge the shards of one run")
        }
        let count = first.shard!.count
        var seen: [Int: String] = [:]
        for input in sharded {
            let shard = input.shard!
            guard shard.count == count else {
                throw NotebookError(
                    .badOptions, file: input.folder, "is shard \(shard), but \(first.folder) is shard \(first.shard!): shards of different runs")
            }
            if let other = seen[shard.index] {
                throw NotebookError(.badOptions, file: input.folder, "shard \(shard) is also in \(other)")
            }
            seen[shard.index] = input.folder
        }
        let missing = (1...count).filter { seen[$0] == nil }
        if !missing.isEmpty {
            throw NotebookError(
                .badOptions,
                "shard\(missing.count == 1 ? "" : "s") \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) missing: no report folder given ran \(missing.count == 1 ? "it" : "them") (did a CI job fail before writing its reports?)")
        }
    }

    /// Reads and checks one folder.
    static func read(_ folder: String) throws(NotebookError) -> Input {
        let summaryFile = folder + "/" + summaryName
        guard FileManager.default.fileExists(atPath: summaryFile) else {
            throw NotebookError(.unreadable, file: folder, "no \(summaryName): not a folder written by `swift-inference execute --reports`")
        }
        let bytes = try FileSystem.read(summaryFile)
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: bytes)
        } catch {
            throw NotebookError(.notJSON, file: summaryFile, error.description)
        }
        guard let summary = parsed.objectValue, summary["exit_code"]?.intValue != nil,
              let list = summary["notebooks"]?.arrayValue
        else {
            throw NotebookError(.missingField, file: summaryFile, "not a run summary: it needs 'exit_code' and 'notebooks'")
        }
        var notebooks: [[String: JSONValue]] = []
        for (index, item) in list.enumerated() {
            guard let entry = item.objectValue, entry["input"]?.stringValue != nil, entry["status"]?.stringValue != nil else {
                throw NotebookError(.invalidField, file: summaryFile, at: "notebooks[\(index)]", "needs 'input' and 'status'")
            }
            notebooks.append(entry)
        }
        var shard: Shard?
        if let value = summary["shard"] {
            guard let index = value["index"]?.intValue, let count = value["count"]?.intValue,
                  let made = try? Shard(index: index, count: count)
            else {
                throw NotebookError(.invalidField, file: summaryFile, at: "shard", "needs 'index' and 'count' with 1 ≤ index ≤ count")
            }
            shard = made
        }
        var suites: [Suite]?
        let junitFile = folder + "/" + junitName
        if FileManager.default.fileExists(atPath: junitFile) {
            suites = try junitSuites(String(decoding: try FileSystem.read(junitFile), as: UTF8.self), file: junitFile)
        }
        var pages: [String] = []
        let htmlFolder = folder + "/" + htmlName
        if let names = try? FileManager.default.contentsOfDirectory(atPath: htmlFolder) {
            pages = names.filter { $0.hasSuffix(".html") && $0 != indexName }.sorted()
        }
        return Input(folder: folder, summary: summary, notebooks: notebooks, shard: shard, suites: suites, pages: pages)
    }

    /// The `<testsuite>` elements of a JUnit file written by `JUnitReport`, each with its counts.
    static func junitSuites(_ xml: String, file: String) throws(NotebookError) -> [Suite] {
        guard xml.hasPrefix("<?xml"), let root = xml.range(of: "<testsuites "), let end = xml.range(of: "</testsuites>") else {
            throw NotebookError(.invalidField, file: file, "not a JUnit report: no <testsuites> element")
        }
        var suites: [Suite] = []
        var rest = xml[root.upperBound..<end.lowerBound]
        while let open = rest.range(of: "<testsuite ") {
            guard let close = rest.range(of: "</testsuite>", range: open.upperBound..<rest.endIndex),
                  let tagEnd = rest.range(of: ">", range: open.upperBound..<rest.endIndex)
            else {
                throw NotebookError(.invalidField, file: file, "not a JUnit report: a <testsuite> element is not closed")
            }
            let tag = rest[open.upperBound..<tagEnd.lowerBound]
            func number(_ name: String) throws(NotebookError) -> Int {
                guard let value = attribute(name, in: tag), let count = Int(value) else {
                    throw NotebookError(
                        .invalidField, file: file, "testsuite \(attribute("name", in: tag) ?? "?") has no whole number '\(name)'")
                }
                return count
            }
            let counts = (tests: try number("tests"), failures: try number("failures"), errors: try number("errors"), skipped: try number("skipped"))
            suites.append(Suite(name: attribute("name", in: tag) ?? "", text: "  " + rest[open.lowerBound..<close.upperBound], counts: counts))
            rest = rest[close.upperBound...]
        }
        return suites
    }

    /// An attribute's value as written (still escaped), from a start tag's text.
    static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let start = tag.range(of: " " + name + "=\"") ?? (tag.hasPrefix(name + "=\"") ? tag.range(of: name + "=\"") : nil),
              let end = tag.range(of: "\"", range: start.upperBound..<tag.endIndex)
        else { return nil }
        return String(tag[start.upperBound..<end.lowerBound])
    }
}
