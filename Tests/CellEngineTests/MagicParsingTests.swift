import Testing
import WorkerProtocol

@testable import CellEngine

/// How cells are read for magics, how options are read, and how times are written: no compiler involved.
@Suite struct MagicParsingTests {
    @Test func anOrdinaryCellIsSwift() {
        #expect(MagicCell("let x = 1\n!x") == .swift)
        #expect(MagicCell("x % 2") == .swift)
        #expect(MagicCell("") == .swift)
    }

    @Test func aCellMagicTakesTheWholeCell() throws {
        guard case .cell(let line, let body) = MagicCell("\n%%timeit -n 5 var a = [3, 1]\na.sort()\nprint(a)") else {
            Issue.record("not read as a cell magic")
            return
        }
        #expect(line.name == "timeit")
        #expect(line.isCellMagic)
        #expect(line.line == 2)
        #expect(line.argument == "-n 5 var a = [3, 1]")
        #expect(line.argumentColumn == 10)
        #expect(body == "a.sort()\nprint(a)")
    }

    @Test func leadingLineMagicsRunThenTheRestWithBlankLines() throws {
        guard case .lines(let lines, let remainder) = MagicCell("%cd data\n  !ls -l\n\nlet x = 1\n%who") else {
            Issue.record("not read as line magics")
            return
        }
        #expect(lines.map(\.name) == ["cd", "!"])
        #expect(lines.map(\.argument) == ["data", "ls -l"])
        #expect(lines.map(\.argumentColumn) == [5, 4])
        // The Swift lines keep their numbers; a `%` line after Swift code is Swift.
        #expect(remainder == "\n\n\nlet x = 1\n%who")
    }

    @Test func onlyMagicLinesLeaveNoRemainder() {
        #expect(MagicCell("%who\n\n") == .lines([MagicLine("%who", line: 1)!], remainder: nil))
    }

    @Test func optionsAttachedSeparatedOrEndedByDashes() throws {
        let options = try MagicOptions("-n10  -r 3 x - 1", magic: "%timeit", valued: ["n": "loops", "r": "runs"])
        #expect(options.values == ["n": "10", "r": "3"])
        #expect(options.rest == "x - 1")
        #expect(options.restOffset == 11)
        let dashed = try MagicOptions("-- -x", magic: "%timeit", valued: ["n": "loops"])
        #expect(dashed.rest == "-x")
        #expect(try MagicOptions("-1 + x", magic: "%timeit", valued: ["n": "loops"]).rest == "-1 + x")
    }

    @Test func malformedOptionsAreUsageErrors() throws {
        let letters = try MagicOptions("-n abc x", magic: "%timeit", valued: ["n": "loops"])
        #expect(throws: MagicUsageError("%timeit: -n needs a positive whole number of loops, not 'abc'")) {
            try letters.count("n", magic: "%timeit", meaning: "loops")
        }
        #expect(throws: MagicUsageError("%timeit: option -n needs loops")) {
            try MagicOptions("-n", magic: "%timeit", valued: ["n": "loops"])
        }
        #expect(throws: MagicUsageError.self) { try MagicOptions("-q x", magic: "%timeit", valued: ["n": "loops"]) }
        let zero = try MagicOptions("-r 0 x", magic: "%timeit", valued: ["r": "runs"])
        #expect(throws: MagicUsageError.self) { try zero.count("r", magic: "%timeit", meaning: "runs") }
    }

    @Test func unknownMagicsNameThemselvesAndListTheKnownOnes() {
        let failure = CellSession.unknownMagic(MagicLine("%tiemit x", line: 1)!)
        #expect(failure.name == "UnknownMagic")
        #expect(failure.message.hasPrefix("%tiemit is not a magic this kernel knows"))
        for known in ["%timeit", "%%timeit", "%time", "%who", "%whos", "%reset", "%env", "%cd", "%lsmagic", "!<command>"] {
            #expect(failure.message.contains(known), "\(known) missing from \(failure.message)")
        }
    }

    @Test func theListingHasEveryMagic() {
        let listing = CellSession.magicListing
        for magic in CellSession.magics { #expect(listing.contains(magic.usage)) }
        #expect(listing.hasPrefix("Line magics:\n"))
    }

    @Test func durationsAreWrittenAsIPythonWritesThem() {
        #expect(DurationText.format(seconds: 1.234e-6) == "1.23 µs")
        #expect(DurationText.format(seconds: 45.6e-9) == "45.6 ns")
        #expect(DurationText.format(seconds: 0.1) == "100 ms")
        #expect(DurationText.format(seconds: 2.5) == "2.5 s")
        #expect(DurationText.format(seconds: 0.99996e-3) == "1 ms")
        #expect(DurationText.format(seconds: 0) == "0 ns")
        #expect(DurationText.format(seconds: 65.25) == "1min 5.25s")
        #expect(DurationText.grouped(100_000) == "100,000")
        #expect(DurationText.grouped(7) == "7")
    }

    @Test func timedCodeKeepsItsLineAndColumn() {
        let source = TimeitSource.line("x * 2", at: (line: 2, column: 9), loops: 0, runs: 7)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[2] == "#sourceLocation(file: \"<cell>\", line: 2)")
        #expect(lines[3] == "        x * 2")
    }

    @Test func magicCellsAreCompleteWhenTheirSwiftIs() {
        #expect(CodeCompleteness(checking: "%timeit f(x)") == .complete)
        #expect(CodeCompleteness(checking: "!ls -l") == .complete)
        #expect(CodeCompleteness(checking: "%%timeit\nfor i in 0..<3 {") == .incomplete(indent: "    "))
        #expect(CodeCompleteness(checking: "%cd data\nlet x = (1,") != .complete)
        #expect(CodeCompleteness(checking: "%cd data\nlet x = 1") == .complete)
    }
}
