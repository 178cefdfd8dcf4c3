@testable import CellEngine
import Foundation
import Testing

/// Fails the test when a text shown to the student has machine-level parts in it: raw addresses, mangled
/// names, the internal `Cell_` module names, the worker's frame lines, or paths of this machine.
func expectNoInternals(_ texts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    for text in texts {
        #expect(text.range(of: #"0x[0-9a-fA-F]{6,}"#, options: .regularExpression) == nil, "raw address in \(text)", sourceLocation: sourceLocation)
        #expect(!text.contains("libswiftCore"), "internal library in \(text)", sourceLocation: sourceLocation)
        #expect(!text.contains("$s"), "mangled name in \(text)", sourceLocation: sourceLocation)
        #expect(!text.contains("Cell_"), "internal module name in \(text)", sourceLocation: sourceLocation)
        #expect(!text.contains(CrashFrame.prefix), "frame line in \(text)", sourceLocation: sourceLocation)
        #expect(!text.contains(".so"), "library file in \(text)", sourceLocation: sourceLocation)
        #expect(text.range(of: #"(^|[\s:(])/[A-Za-z.]"#, options: .regularExpression) == nil, "path in \(text)", sourceLocation: sourceLocation)
        #expect(!text.contains(".swift:"), "library source location in \(text)", sourceLocation: sourceLocation)
    }
}

/// A trap names the line of the cell where it happened, wherever the trap itself is: in the cell, in the
/// standard library or the Inference library called from it, in a closure the library calls, or in a
/// function an earlier cell declared (then that cell's line, its execution count, and the calling line).
@Suite(.serialized) struct TrapLineTests {
    let session: CellSession

    init() throws {
        session = try makeSession()
    }

    private func failure(_ code: String) -> (CellFailure?, Recorder) {
        let (result, recorder) = session.run(code)
        if case .failure(let failure) = result { return (failure, recorder) }
        return (nil, recorder)
    }

    @Test func aTrapInAFunctionAnEarlierCellDeclaredNamesThatCellAndTheCallingLine() {
        // Execution [1] declares the function; its line 2 traps when [3] calls it on its line 2.
        #expect(session.value("func third(_ values: [Int]) -> Int {\n    return values[2]\n}") == nil)
        #expect(session.value("let short = [1]") == nil)
        let (failure, recorder) = failure("// one element only\nlet picked = third(short)")
        #expect(failure?.name == "Fatal error")
        #expect(failure?.message == "Index out of range (line 2 of cell [1], called from line 2)")
        expectNoInternals([recorder.stderr, failure?.message ?? ""] + (failure?.traceback ?? []))
        #expect(session.value("short.count") == "1")
    }

    @Test func aPreconditionInAnEarlierCellIsNotTakenForTheRunningCellsLine() {
        _ = session.value("func normalised(_ w: [Double]) -> [Double] {\n    let total = w.reduce(0, +)\n    precondition(total > 0, \"weights must not all be zero\")\n    return w.map { $0 / total }\n}")
        let (failure, recorder) = failure("let zeros = [0.0, 0.0]\nlet weights = normalised(zeros)")
        #expect(failure?.name == "Precondition failed")
        #expect(failure?.message == "weights must not all be zero (line 3 of cell [1], called from line 2)")
        // The runtime's own line, in the stream, says it is another cell's.
        #expect(recorder.stderr.contains("line 3 of an earlier cell: Precondition failed: weights must not all be zero"))
        expectNoInternals([recorder.stderr, failure?.message ?? ""] + (failure?.traceback ?? []))
    }

    @Test func aPreconditionOfTheInferenceLibraryNamesTheLineThatCalledIt() {
        // The library is built -O, where `precondition` keeps no message: its line table names the check.
        let (failure, recorder) = failure("let n = -1\nlet rows = n * 2\nlet m = Matrix(rows: rows, columns: 2)")
        #expect(failure?.kind == .crash)
        #expect(failure?.name == "Trap")
        #expect(failure?.message == "precondition failure (line 3)")
        expectNoInternals([recorder.stderr, failure?.message ?? ""] + (failure?.traceback ?? []))
    }

    @Test func aTrapInAClosureTheLibraryCallsNamesTheClosuresLine() {
        let (failure, recorder) = failure("let zero = Int(\"0\")!\nlet ratios = [1, 2].map { value in\n    value / zero\n}")
        #expect(failure?.message == "Division by zero (line 3)")
        expectNoInternals([recorder.stderr, failure?.message ?? ""] + (failure?.traceback ?? []))
    }

    @Test func abortNamesItsLine() {
        let (failure, _) = failure("import Foundation\nlet reason = \"gave up\"\nabort()")
        #expect(failure?.name == "Aborted")
        #expect(failure?.message == "the cell called abort() (line 3)")
    }

    // MARK: The parts, on their own

    @Test func frameLinesAreParsedAndNeverShown() {
        let stderr = """
            Swift/ContiguousArrayBuffer.swift:692: Fatal error: Index out of range

            swift-inference: the cell was stopped by signal Illegal instruction
            swift-inference-frame ra 23ef /cache/libraries/libCell_00aa.so
            swift-inference-frame ra 2740 /cache/libraries/lib Cell_11bb.so
            swift-inference-frame ra zz /cache/libraries/libCell_11bb.so

            """
        #expect(CrashFrame.parse(stderr) == [
            CrashFrame(isTrappingInstruction: false, offset: 0x23ef, library: "/cache/libraries/libCell_00aa.so"),
            CrashFrame(isTrappingInstruction: false, offset: 0x2740, library: "/cache/libraries/lib Cell_11bb.so"),
        ])
        #expect(CrashFrame(isTrappingInstruction: false, offset: 0x2740, library: "").lookupAddress == 0x273f)
        #expect(CrashFrame(isTrappingInstruction: true, offset: 0x2740, library: "").lookupAddress == 0x2740)
        #expect(CrashFrame.parse("swift-inference-frame at 1f /lib/libNotebookSupport.so\n") == [
            CrashFrame(isTrappingInstruction: true, inCell: false, offset: 0x1f, library: "/lib/libNotebookSupport.so")
        ])
        var filter = StderrFilter(cellModule: "Cell_11bb")
        // Written in pieces, as pipes deliver it.
        var shown = ""
        for piece in stride(from: 0, to: stderr.count, by: 7) {
            let start = stderr.index(stderr.startIndex, offsetBy: piece)
            let end = stderr.index(start, offsetBy: min(7, stderr.distance(from: start, to: stderr.endIndex)))
            shown += filter.filter(String(stderr[start..<end]))
        }
        shown += filter.finish()
        #expect(shown == "Fatal error: Index out of range\n\n")
    }

    @Test func runtimeLocationsReadAsCellLines() {
        #expect(StderrFilter.readable("Cell_11bb/<cell>:3: Fatal error: x", cellModule: "Cell_11bb") == "line 3: Fatal error: x")
        #expect(StderrFilter.readable("Cell_00aa/<cell>:3: Fatal error: x", cellModule: "Cell_11bb") == "line 3 of an earlier cell: Fatal error: x")
        #expect(StderrFilter.readable("Inference/Matrix.swift:20: Precondition failed: no", cellModule: nil) == "Precondition failed: no")
        // Text a cell printed that merely looks alike stays as it is.
        #expect(StderrFilter.readable("see notes.swift:20 for a Fatal error: no", cellModule: nil) == "see notes.swift:20 for a Fatal error: no")
        let report = CrashReport(stderr: "Cell_00aa/<cell>:3: Precondition failed: no\n")
        #expect(report?.line(inCell: "Cell_00aa") == 3)
        #expect(report?.line(inCell: "Cell_11bb") == nil)
    }

    @Test func placesReadAsTheStudentCountsCells() {
        #expect(CrashPlace().suffix() == "")
        #expect(CrashPlace().suffix(fallbackLine: 4) == " (line 4)")
        #expect(CrashPlace(lines: [.init(cell: .running, line: 2)]).suffix(fallbackLine: 9) == " (line 2)")
        let nested = CrashPlace(lines: [
            .init(cell: .earlier(4), line: 7), .init(cell: .earlier(2), line: 1), .init(cell: .running, line: 3),
            .init(cell: .running, line: 1),
        ])
        #expect(nested.suffix() == " (line 7 of cell [4], called from line 3)")
        #expect(CrashPlace(lines: [.init(cell: .earlier(nil), line: 5)]).suffix() == " (line 5 of an earlier cell)")
    }
}
