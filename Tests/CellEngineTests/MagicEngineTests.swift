import Foundation
import Testing

@testable import CellEngine

/// Magics through a real session: swiftc compiles the generated code and a worker runs it.
@Suite(.serialized) struct MagicEngineTests {
    nonisolated(unsafe) static let timeitLine = #/^\d+(\.\d+)? (ns|µs|ms|s) ± \d+(\.\d+)? (ns|µs|ms|s) per loop \(mean ± std\. dev\. of (\d+) runs?, ([\d,]+) loops? each\)\n$/#

    @Test func timeitSeesEarlierVariablesAndLeaksNothing() throws {
        let session = try makeSession()
        #expect(session.value("var total = 0\nlet step = 3") == nil)
        let (result, output) = session.run("%timeit -n 4 -r 2 let local = step; total += local")
        #expect(throws: Never.self) { try result.get() }
        let match = try #require(try Self.timeitLine.wholeMatch(in: output.stdout))
        #expect(match.output.5 == "2")
        #expect(match.output.6 == "4")
        // 2 runs of 4 loops ran the code 8 times; `local` stayed inside.
        #expect(session.value("total") == "24")
        let (leaked, _) = session.run("local")
        #expect(throws: CellFailure.self) { try leaked.get() }
    }

    @Test func cellTimeitRunsTheSetupOnceAndChoosesTheLoopCount() throws {
        let session = try makeSession()
        let (result, output) = session.run("%%timeit var calls = 0\ncalls += 1\nlet _ = calls")
        #expect(throws: Never.self) { try result.get() }
        let match = try #require(try Self.timeitLine.wholeMatch(in: output.stdout), "\(output.stdout)")
        #expect(match.output.5 == "7")
        // A trivial body takes many loops before a run lasts 0.2 s.
        #expect(Int(match.output.6.replacingOccurrences(of: ",", with: ""))! >= 10_000)
        // The setup's declarations stay inside, too.
        #expect(throws: CellFailure.self) { try session.run("calls").0.get() }
    }

    @Test func timeitCompileErrorPointsAtTheCellAsWritten() throws {
        let session = try makeSession()
        #expect(session.value("let a = 1") == nil)
        let (result, _) = session.run("%who\n%timeit -n 3 a + undefinedName")
        guard case .failure(let failure) = result else {
            Issue.record("the cell compiled")
            return
        }
        #expect(failure.kind == .compileError)
        #expect(failure.message.hasPrefix("line 2, column 18:"), "\(failure.message)")
        #expect(failure.traceback.contains("2 | %timeit -n 3 a + undefinedName"))
        #expect(failure.traceback.contains("  |                  ^"))
    }

    @Test func cellTimeitCompileErrorInTheBodyKeepsItsLine() throws {
        let session = try makeSession()
        let (result, _) = session.run("%%timeit\nlet b = 2\nb.nope")
        guard case .failure(let failure) = result else {
            Issue.record("the cell compiled")
            return
        }
        #expect(failure.message.hasPrefix("line 3, column 3:"), "\(failure.message)")
    }

    @Test func timeitOfATrapKeepsTheState() throws {
        let session = try makeSession()
        #expect(session.value("let xs = [1, 2, 3]") == nil)
        let (result, _) = session.run("%timeit -n 1 xs[5]")
        guard case .failure(let failure) = result else {
            Issue.record("the trap was not reported")
            return
        }
        #expect(failure.kind == .crash)
        #expect(failure.message.contains("Index out of range"), "\(failure.message)")
        #expect(session.value("xs.count") == "3")
    }

    @Test func timeitOfAnEndlessLoopCanBeInterrupted() throws {
        let session = try makeSession()
        #expect(session.value("var kept = 7") == nil)
        onOwnThread(after: 3) { session.interrupt() }
        let (result, _) = session.run("%timeit while kept > 0 { kept += 1; kept -= 1 }", timeout: .seconds(60))
        guard case .failure(let failure) = result else {
            Issue.record("the loop ended")
            return
        }
        #expect(failure.kind == .interrupted)
        #expect(session.value("kept") == "7")
    }

    @Test func malformedTimeitOptionsAreUsageErrors() throws {
        let session = try makeSession()
        let (result, _) = session.run("%timeit -n abc x")
        guard case .failure(let failure) = result else {
            Issue.record("accepted")
            return
        }
        #expect(failure.name == "UsageError")
        #expect(failure.message == "%timeit: -n needs a positive whole number of loops, not 'abc'")
    }

    @Test func timeKeepsDefinitionsAndReportsWallTime() throws {
        let session = try makeSession()
        let (result, output) = session.run("%time let squares = (1...4).map { $0 * $0 }")
        #expect(throws: Never.self) { try result.get() }
        #expect(output.stdout.contains(#/^CPU times: user .+, sys: .+, total: .+\nWall time: \d+(\.\d+)? (ns|µs|ms|s)\n$/#), "\(output.stdout)")
        #expect(session.value("squares") == "[1, 4, 9, 16]")
        let (cell, cellOutput) = session.run("%%time\nvar n = squares.count\nprint(n)")
        #expect(throws: Never.self) { try cell.get() }
        #expect(cellOutput.stdout.hasPrefix("4\nCPU times: "))
        #expect(session.value("n") == "4")
    }

    @Test func whoAndWhosListTheVariables() throws {
        let session = try makeSession()
        let (empty, emptyOutput) = session.run("%who")
        #expect(throws: Never.self) { try empty.get() }
        #expect(emptyOutput.stdout == "Interactive namespace is empty.\n")
        #expect(session.value("let answer = 42\nvar name = \"Ada\"\nfunc f() {}") == nil)
        #expect(session.run("%who").1.stdout == "answer\tname\n")
        let table = session.run("%whos").1.stdout.split(separator: "\n").map(String.init)
        #expect(table.count == 4)
        #expect(table[0].hasPrefix("Variable") && table[0].hasSuffix("Data/Info"))
        #expect(table[2].split(separator: " ", omittingEmptySubsequences: true) == ["answer", "Int", "42"])
        #expect(table[3].split(separator: " ", omittingEmptySubsequences: true) == ["name", "String", "Ada"])
    }

    @Test func resetNeedsForceAndThenForgets() throws {
        let session = try makeSession()
        #expect(session.value("let kept = 1") == nil)
        let (refused, _) = session.run("%reset")
        guard case .failure(let failure) = refused else {
            Issue.record("reset without -f went ahead")
            return
        }
        #expect(failure.message.contains("%reset -f"))
        #expect(session.value("kept") == "1")
        let (done, _) = session.run("%reset -f")
        #expect(throws: Never.self) { try done.get() }
        #expect(throws: CellFailure.self) { try session.run("kept").0.get() }
        #expect(session.run("%who").1.stdout == "Interactive namespace is empty.\n")
    }

    @Test func environmentAndFolderReachCellsAndSurviveACrash() throws {
        let session = try makeSession()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("magic-cd-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        let (set, setOutput) = session.run("%env GREETING=hello world")
        #expect(throws: Never.self) { try set.get() }
        #expect(setOutput.stdout == "env: GREETING=hello world\n")
        #expect(session.run("%env GREETING").1.stdout == "hello world\n")
        let (moved, movedOutput) = session.run("%cd \(folder)")
        #expect(throws: Never.self) { try moved.get() }
        #expect(movedOutput.stdout == real + "\n")
        let probe = "import Foundation\nString(cString: getenv(\"GREETING\")) + \" in \" + FileManager.default.currentDirectoryPath"
        #expect(session.value(probe) == "\"hello world in \(real)\"")
        // A trap replaces the worker; the new one starts in the same folder and environment.
        _ = session.run("fatalError(\"boom\")")
        #expect(session.value(probe) == "\"hello world in \(real)\"")
        let (missing, _) = session.run("%cd /no/such/folder")
        guard case .failure(let failure) = missing else {
            Issue.record("%cd to a missing folder succeeded")
            return
        }
        #expect(failure.message.contains("/no/such/folder"))
        #expect(session.value(probe) == "\"hello world in \(real)\"")
    }

    @Test func shellStreamsOutputAndFailsWithTheExitStatus() throws {
        let session = try makeSession()
        let (ok, okOutput) = session.run("!echo out; echo err >&2")
        #expect(throws: Never.self) { try ok.get() }
        #expect(okOutput.stdout == "out\n")
        #expect(okOutput.stderr.contains("err\n"))
        let (missing, missingOutput) = session.run("!no-such-command-anywhere")
        guard case .failure(let failure) = missing else {
            Issue.record("a missing command succeeded")
            return
        }
        #expect(failure.name == "ShellCommandError")
        #expect(failure.message == "`no-such-command-anywhere` exited with status 127 (command not found)")
        #expect(missingOutput.stderr.contains("not found"))
        let (failed, _) = session.run("!exit 3")
        guard case .failure(let three) = failed else {
            Issue.record("exit 3 succeeded")
            return
        }
        #expect(three.message.contains("status 3"))
    }

    @Test func shellCanBeInterruptedAndTheStateStays() throws {
        let session = try makeSession()
        #expect(session.value("let before = 5") == nil)
        onOwnThread(after: 2) { session.interrupt() }
        let started = ContinuousClock.now
        let (result, _) = session.run("!sleep 60", timeout: .seconds(90))
        guard case .failure(let failure) = result else {
            Issue.record("sleep finished")
            return
        }
        #expect(failure.kind == .interrupted)
        #expect(ContinuousClock.now - started < .seconds(50))
        #expect(session.value("before") == "5")
    }

    @Test func magicLinesThenSwift() throws {
        let session = try makeSession()
        let (result, output) = session.run("!echo first\nlet after = 2\nafter * 21")
        #expect(try result.get().result?.data["text/plain"] == "42")
        #expect(output.stdout == "first\n")
        let (broken, _) = session.run("%who\nlet y: Int = \"no\"")
        guard case .failure(let failure) = broken else {
            Issue.record("compiled")
            return
        }
        #expect(failure.message.hasPrefix("line 2, column "), "\(failure.message)")
    }

    @Test func unknownMagicIsAClearError() throws {
        let session = try makeSession()
        let (result, _) = session.run("%timeti x")
        guard case .failure(let failure) = result else {
            Issue.record("accepted")
            return
        }
        #expect(failure.name == "UnknownMagic")
        #expect(failure.message.contains("%timeti"))
        #expect(session.run("%lsmagic").1.stdout == CellSession.magicListing)
    }

    @Test func aQuestionMarkShowsTheUsage() throws {
        let session = try makeSession()
        let (result, output) = session.run("%timeit?")
        #expect(throws: Never.self) { try result.get() }
        #expect(output.stdout.hasPrefix("%timeit [-n <loops>] [-r <runs>] <code>\n    time compiled code"))
    }
}
