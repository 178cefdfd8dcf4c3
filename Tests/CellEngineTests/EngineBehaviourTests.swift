import CellEngine
import Foundation
import Testing

@Suite(.serialized) struct EngineBehaviourTests {
    let session: CellSession

    init() throws {
        session = try makeSession()
    }

    @Test func declarationsOfEveryKindAreSeenByLaterCells() throws {
        let (first, _) = session.run(
            """
            let base = 10
            func twice(_ x: Int) -> Int { 2 * x }
            struct Point { var x: Int; var y: Int }
            class Counter { var count = 0; func tick() { count += 1 } }
            enum Colour { case red, green }
            protocol Named { var name: String { get } }
            actor Box { var value = 1 }
            typealias Pair = (Int, Int)
            extension Point: Named { var name: String { "(\\(x), \\(y))" } }
            infix operator <+>: AdditionPrecedence
            func <+> (a: Point, b: Point) -> Point { Point(x: a.x + b.x, y: a.y + b.y) }
            """)
        if case .failure(let failure) = first { Issue.record("\(failure.traceback)") }
        #expect(session.value("twice(base)") == "20")
        #expect(session.value("(Point(x: 1, y: 2) <+> Point(x: 3, y: 4)).name") == "\"(4, 6)\"")
        #expect(session.value("let c = Counter(); c.tick(); c.tick(); c.count") == "2")
        #expect(session.value("Colour.green") == "Colour.green")
        #expect(session.value("let p: Pair = (1, 2); p.0 + p.1") == "3")
    }

    @Test func redefinitionWithAnotherTypeWins() {
        _ = session.value("var a = 1")
        _ = session.value("var a = \"now a string\"")
        #expect(session.value("a") == "\"now a string\"")
        _ = session.value("func f() -> Int { 1 }")
        _ = session.value("func f() -> Int { 2 }")
        #expect(session.value("f()") == "2")
    }

    @Test func topLevelControlFlow() {
        let (result, output) = session.run(
            """
            var total = 0
            for i in 1...4 { total += i }
            if total == 10 { print("ten") }
            guard total > 0 else { fatalError() }
            enum Oops: Error { case bad }
            do { throw Oops.bad } catch { print("caught", error) }
            total
            """)
        #expect(output.stdout == "ten\ncaught bad\n")
        #expect((try? result.get())?.result?.data["text/plain"] == "10")
    }

    @Test func voidAndEmptyCellsHaveNoResult() {
        #expect(session.value("print(\"hi\")") == nil)
        let (empty, output) = session.run("// only a comment\n\n")
        #expect((try? empty.get()) == CellSuccess(result: nil))
        #expect(output.events.isEmpty)
    }

    @Test func displayableValuesGiveTheirMIMEBundle() {
        let (result, _) = session.run(
            """
            struct Badge: NotebookDisplayable {
                var mimeBundle: MIMEBundle { MIMEBundle(plainText: "badge", ["text/html": "<b>badge</b>"]) }
            }
            Badge()
            """)
        let data = (try? result.get())?.result?.data
        #expect(data == ["text/plain": "badge", "text/html": "<b>badge</b>"])
    }

    @Test func displayAndUpdateArriveInOrderWithPrintedText() {
        let (_, output) = session.run(
            """
            print("before")
            display("progress 0", id: "bar")
            print("between")
            updateDisplay("progress 1", id: "bar")
            """)
        let events = output.events
        #expect(events.count == 4)
        #expect(events.first == .stream(.stdout, "before\n"))
        #expect(events[1] == .display(DisplayOutput(data: ["text/plain": "\"progress 0\""], displayID: "bar")))
        #expect(events[2] == .stream(.stdout, "between\n"))
        #expect(events[3] == .updateDisplay(DisplayOutput(data: ["text/plain": "\"progress 1\""], displayID: "bar")))
    }

    @Test func compileErrorPointsAtTheCellLineAndKeepsState() throws {
        _ = session.value("let kept = 5")
        let (result, _) = session.run("let a = 1\nlet b = undefinedName + 1")
        guard case .failure(let failure) = result else {
            Issue.record("expected a compile error")
            return
        }
        #expect(failure.kind == .compileError)
        #expect(failure.message == "line 2, column 9: cannot find 'undefinedName' in scope")
        let report = failure.traceback.joined(separator: "\n")
        #expect(report.contains("2 | let b = undefinedName + 1"))
        #expect(report.contains("  |         ^"))
        #expect(!report.contains("Cell_"))
        #expect(!report.contains("/tmp"))
        #expect(!report.contains("main.swift"))
        #expect(session.value("kept") == "5")
        let (later, _) = session.run("a")
        #expect(later.failureKind == .compileError)
    }

    @Test func thrownErrorIsReportedWithTypeAndDescription() {
        _ = session.value("var survivor = 7")
        let (result, _) = session.run(
            """
            struct Broken: Error, CustomStringConvertible { var description: String { "it broke" } }
            survivor = 8
            throw Broken()
            """)
        guard case .failure(let failure) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.kind == .thrownError)
        #expect(failure.name == "Broken")
        #expect(failure.message == "it broke")
        #expect(session.value("survivor") == "8")
    }

    @Test func trapsAreReportedAndEarlierStateRestored() {
        _ = session.value("var keep = [1, 2, 3]")
        _ = session.value("keep.append(4)")
        let cases: [(String, String)] = [
            ("fatalError(\"boom\")", "boom"),
            ("let i = 10\nkeep[i]", "Index out of range"),
            ("let o: Int? = nil\no!", "Unexpectedly found nil while unwrapping an Optional value"),
        ]
        for (code, expected) in cases {
            let (result, _) = session.run(code)
            guard case .failure(let failure) = result else {
                Issue.record("expected a crash for \(code)")
                continue
            }
            #expect(failure.kind == .crash)
            #expect(failure.message.contains(expected), "\(failure.message)")
            #expect(session.value("keep.count") == "4")
        }
    }

    @Test func overflowAndStackOverflowAreCrashesTheSessionSurvives() {
        _ = session.value("let marker = \"here\"")
        let (overflow, _) = session.run("var big = Int.max\nbig += 1")
        #expect(overflow.failureKind == .crash)
        let (deep, _) = session.run("func down(_ n: Int) -> Int { n == 0 ? 0 : 1 + down(n - 1) }\ndown(100_000_000)")
        #expect(deep.failureKind == .crash)
        #expect(session.value("marker") == "\"here\"")
    }

    @Test func interruptStopsAnInfiniteLoopAndKeepsState() async throws {
        _ = session.value("let before = 3")
        let session = self.session
        onOwnThread(after: 1.5) { session.interrupt() }
        let started = Date()
        let (result, _) = session.run("while true {}")
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.failureKind == .interrupted)
        #expect(elapsed < 10)
        #expect(session.value("before") == "3")
    }

    @Test func timeoutStopsTheCell() {
        let (result, _) = session.run("while true {}", timeout: .seconds(1))
        #expect(result.failureKind == .timedOut)
        #expect(session.value("1 + 1") == "2")
    }

    @Test func invalidUTF8IsReplacedNotFatal() {
        let (result, output) = session.run(
            """
            #if canImport(Glibc)
            import Glibc
            #endif
            let bytes: [UInt8] = [0x61, 0xFF, 0x62, 0x0A]
            _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            """)
        #expect(result.failureKind == nil)
        #expect(output.stdout == "a\u{FFFD}b\n")
    }

    @Test func largeOutputArrivesCompletely() {
        let (result, output) = session.run(
            """
            let line = String(repeating: "x", count: 999)
            for _ in 0..<50_000 { print(line) }
            """)
        #expect(result.failureKind == nil)
        #expect(output.stdout.utf8.count == 50_000_000)
    }

    @Test func readLineAsksForInput() {
        let (result, output) = session.run("let name = readLine() ?? \"nobody\"\nprint(\"hello\", name)", input: .some("Ada"))
        #expect(result.failureKind == nil)
        #expect(output.stdout == "hello Ada\n")
        let (_, noInput) = session.run("print(readLine() ?? \"none\")")
        #expect(noInput.stdout == "none\n")
    }

    @Test func outputStreamsWhileTheCellIsStillRunning() {
        // The cell prints, then waits for input; the printed line must have reached us by the time the
        // input request does, i.e. before the cell finished.
        let recorder = Recorder()
        let seenBeforeInput = LockedBox<String?>(nil)
        let result = session.execute(
            "print(\"first line\")\nlet answer = readLine()\nprint(\"second line\")",
            onEvent: { recorder.record($0) },
            onInput: { _ in
                seenBeforeInput.value = recorder.stdout
                return "ok"
            })
        #expect(result.failureKind == nil)
        #expect(seenBeforeInput.value == "first line\n")
        #expect(recorder.stdout == "first line\nsecond line\n")
    }

    @Test func exerciseChecksGiveAVerdictAndNeverTrap() {
        #expect(session.value("checkAnswer(\"Sum\", 1.0 + 1.0, equals: 2)") == "✓ Sum: correct — 2 (expected 2)")
        #expect(session.value("checkAnswer(\"Sum\", 2.1, equals: 2, tolerance: 1e-3)")
            == "✗ Sum: not yet — got 2.1, expected 2 (off by 0.1)")
        #expect(session.value("checkAnswer(\"KL\", Double.nan, equals: 0.5)")
            == "✗ KL: not yet — the answer is nan (not a number), expected 0.5: look for 0/0, ∞ − ∞ or the log of a negative number")
        #expect(session.value("checkAnswer(\"KL\", -Double.infinity, equals: 0.5)")
            == "✗ KL: not yet — the answer is −∞, expected the finite value 0.5")
        #expect(session.value("checkAnswer(\"List\", [1, 2], equals: [1, 2, 3])") == "✗ List: not yet — got 2 numbers, expected 3")
        #expect(session.value("checkAnswer(\"List\", [1, 2.5], equals: [1, 2])")?.contains("element 1") == true)
        #expect(session.value("checkAnswer(\"Sign\", 1 < 0, hint: \"think <again>\")") == "✗ Sign: not yet — think <again>")
        let (result, _) = session.run("checkAnswer(\"<b>\", true)")
        let html = (try? result.get())?.result?.data["text/html"] ?? ""
        #expect(html.contains("✓ &lt;b&gt;: correct"))
    }

    @Test func gradedChecksFailTheCellAndTheScoreKeepsTheLatestVerdicts() throws {
        // An infinite expected value is matched by the same infinity only.
        #expect(session.value("checkAnswer(\"Inf\", Double.infinity, equals: .infinity)") == "✓ Inf: correct — ∞")
        #expect(session.value("checkAnswer(\"Inf\", 1e300, equals: .infinity)") == "✗ Inf: not yet — got 1e300, expected ∞")
        #expect(session.value("try requireAnswer(\"Graded sum\", 2.0, equals: 2)") == "✓ Graded sum: correct — 2 (expected 2)")
        let (wrong, _) = session.run("try requireAnswer(\"Graded sign\", 1 < 0, hint: \"look again\")")
        guard case .failure(let failure) = wrong else {
            Issue.record("a wrong graded answer must fail the cell")
            return
        }
        #expect(failure.message.contains("✗ Graded sign: not yet — look again"), "\(failure)")
        // A check run again replaces its verdict; the score lists each title once, in first-seen order.
        _ = session.value("checkAnswer(\"Graded sign\", true)")
        let score = session.value("exerciseScore()") ?? ""
        #expect(score.contains("✓ Graded sum\n  ✓ Graded sign"), "\(score)")
        #expect(score.contains("✗ Inf"), "\(score)")
        #expect(score.hasPrefix("Score: "))
    }

    @Test func typesFromCellsTheCellDoesNotMentionStayUsable() {
        // A cell imports only the cells whose names it mentions, plus what those imported: `p.x` reaches an
        // internal member of a type declared two cells before the variable.
        _ = session.value("struct P { var x = 1; var label: String { \"p\\(x)\" } }")
        _ = session.value("let unrelated = 5")
        _ = session.value("let p = P()\nfunc make() -> P { P(x: 7) }")
        _ = session.value("let q = make()")
        #expect(session.value("p.x + q.x") == "8")
        #expect(session.value("q.label") == "\"p7\"")
        _ = session.value("extension P { var doubled: Int { 2 * x } }")
        #expect(session.value("q.doubled") == "14")
        // A trivial cell after all that names nothing and still works.
        #expect(session.value("40 + 2") == "42")
    }

    @Test func cellsRunInTheConfiguredWorkingFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cells-here-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "1,2\n".write(to: folder.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        var configuration = try testConfiguration()
        configuration.workingDirectory = folder.path
        let here = try CellSession(configuration: configuration)
        defer { here.shutdown() }
        #expect(here.value("import Foundation") == nil)
        #expect(here.value("try String(contentsOfFile: \"data.csv\", encoding: .utf8)") == "\"1,2\\n\"")
    }

    @Test func anImportStaysInEffectForLaterCells() {
        #expect(session.value("import Foundation\nlet root = sqrt(2.0)") == nil)
        #expect(session.value("String(format: \"%.3f\", root)") == "\"1.414\"")
        // A failed cell's import is not kept.
        let (failed, _) = session.run("import NoSuchModule")
        #expect(failed.failureKind == .compileError)
        #expect(session.value("1 + 1") == "2")
    }

    @Test func aTenThousandLineCellCompilesRunsAndIsSeenByTheNextCell() {
        let lines = (0..<10_000).map { "let v\($0) = \($0)" }
        #expect(session.value(lines.joined(separator: "\n") + "\nv9999 + v1") == "10000")
        // The next cell imports 10,000 names; it must still see them, and a redefinition must still win.
        #expect(session.value("v5000 * 2") == "10000")
        _ = session.value("let v7 = \"seven\"")
        #expect(session.value("v7 + \"!\"") == "\"seven!\"")
        // Completion still knows the types of the big cell's last variables.
        #expect(session.declarations.first { $0.name == "v9999" }?.typeName == "Int")
    }

    @Test func declarationsAreListedWithRuntimeTypes() {
        _ = session.value("/// The answer.\nlet answer = 42\nfunc greet(name: String) -> String { name }")
        let declarations = session.declarations
        let answer = declarations.first { $0.name == "answer" }
        #expect(answer?.typeName == "Int")
        #expect(answer?.documentation == "The answer.")
        #expect(declarations.first { $0.name == "greet" }?.signature == "func greet(name: String) -> String")
    }
}

@Suite(.serialized) struct BuildCacheTests {
    @Test func rerunningACellThatDeclaresNothingCallsNoCompiler() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("swift-inference-rerun-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let session = try makeSession(cache: cache)
        defer { session.shutdown() }
        let libraries = { try FileManager.default.contentsOfDirectory(atPath: cache + "/libraries").count }
        _ = session.value("var n = 1")
        #expect(session.value("n += 1; print(n); n * 10") == "20")
        let compiled = try libraries()
        let (again, output) = session.run("n += 1; print(n); n * 10")
        #expect((try? again.get())?.result?.data["text/plain"] == "30")
        #expect(output.stdout == "3\n")
        #expect(try libraries() == compiled)
        // A cell that declares something is compiled afresh when re-run, and its new value wins.
        _ = session.value("let m = n")
        _ = session.value("n = 7")
        _ = session.value("let m = n")
        #expect(session.value("m") == "7")
    }

    @Test func rerunningANotebookFromTheTopCallsNoCompiler() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("swift-inference-cache-\(getpid())").path
        let cells = ["let a = 2", "func sq(_ x: Int) -> Int { x * x }", "sq(a)"]
        let first = try makeSession(cache: cache)
        for cell in cells { _ = first.run(cell) }
        first.shutdown()
        let libraries = cache + "/libraries"
        let before = try FileManager.default.contentsOfDirectory(atPath: libraries).sorted()
        // A rebuilt library is published by rename, so it would be a new file: compare file numbers (the
        // modification time now marks the entry's last use, for the cache's eviction).
        let files = try before.map { try FileManager.default.attributesOfItem(atPath: libraries + "/" + $0)[.systemFileNumber] as? Int }
        let second = try makeSession(cache: cache)
        var last: String?
        for cell in cells { last = second.value(cell) }
        #expect(last == "4")
        let after = try FileManager.default.contentsOfDirectory(atPath: libraries).sorted()
        #expect(after == before)
        let filesAfter = try after.map { try FileManager.default.attributesOfItem(atPath: libraries + "/" + $0)[.systemFileNumber] as? Int }
        #expect(filesAfter == files)
        #expect(!files.contains(nil))
    }
}

extension Result where Success == CellSuccess, Failure == CellFailure {
    var failureKind: CellFailure.Kind? {
        if case .failure(let failure) = self { return failure.kind }
        return nil
    }
}
