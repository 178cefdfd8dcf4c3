import CellEngine
import Foundation
import Synchronization
import Testing

internal import SystemLibC

/// Async cells, trap messages and fault injection: every way a cell or its worker can go wrong ends in a
/// clear error, the session goes on, and the next cell sees what earlier successful cells defined.
@Suite(.serialized) struct ReliabilityTests {
    let session: CellSession

    init() throws {
        session = try makeSession()
    }

    private func failure(_ code: String, timeout: Duration? = nil) -> (CellFailure?, Recorder) {
        let (result, recorder) = session.run(code, timeout: timeout)
        if case .failure(let failure) = result { return (failure, recorder) }
        return (nil, recorder)
    }

    /// The worker's pid, read from inside a cell.
    private func workerPID() -> Int32? {
        session.value("import Foundation\nProcessInfo.processInfo.processIdentifier").flatMap { Int32($0) }
    }

    /// Runs a cell that never ends by itself and kills the worker at its first event that `when` picks (a
    /// fixed delay could land while the cell still compiles on a loaded machine). The time limit only ends
    /// the test if the kill were ever missed.
    private func killing(_ pid: Int32, _ code: String, when: @escaping @Sendable (CellEvent) -> Bool) throws -> CellFailure {
        let killed = Mutex(false)
        let result = session.execute(
            code, options: ExecuteOptions(timeout: .seconds(60)),
            onEvent: { event in
                guard when(event) else { return }
                killed.withLock { done in
                    if !done { _ = kill(pid, SIGKILL) }
                    done = true
                }
            })
        guard case .failure(let failure) = result else { throw CellCannotFinish() }
        return failure
    }

    // MARK: Swift concurrency

    @Test func topLevelAwaitKeepsStateAcrossCells() throws {
        _ = session.value("func slow(_ x: Int) async -> Int { try? await Task.sleep(nanoseconds: 5_000_000); return x }")
        let (first, recorder) = session.run("let awaited = await slow(20)\nvar after = awaited + 1\nprint(\"got\", awaited)")
        #expect(recorder.stdout == "got 20\n")
        if case .failure(let failure) = first { Issue.record("\(failure.traceback)") }
        // A later synchronous cell reads and writes what the async cell declared.
        #expect(session.value("after += 1; after") == "22")
        #expect(session.value("try await Task.sleep(nanoseconds: 1_000_000)\nawaited * 2") == "40")
        // A second async cell in a row (this hung the kernel once).
        #expect(session.value("await slow(awaited) + after") == "42")
    }

    @Test func actorsTaskGroupsAsyncLetAndAsyncSequences() {
        _ = session.value("actor Tally { var n = 0; func add(_ k: Int) -> Int { n += k; return n } }\nlet tally = Tally()")
        #expect(session.value("await tally.add(2)\nawait tally.add(3)") == "5")
        #expect(session.value("async let a = tally.add(10)\nasync let b = tally.add(100)\nlet both = await [a, b].max()!\nboth") == "115")
        #expect(session.value("await withTaskGroup(of: Int.self) { g in for i in 1...10 { g.addTask { i * i } }; return await g.reduce(0, +) }") == "385")
        let (result, recorder) = session.run(
            "let stream = AsyncStream<Int> { c in for i in 0..<3 { c.yield(i) }; c.finish() }\nfor await x in stream { print(\"item\", x) }")
        if case .failure(let failure) = result { Issue.record("\(failure.traceback)") }
        #expect(recorder.stdout == "item 0\nitem 1\nitem 2\n")
    }

    @Test func outputOfOtherTasksShowsInTheRunningCell() {
        let (result, recorder) = session.run(
            """
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<3 { group.addTask { print("task \\(i)") } }
            }
            let detached = Task.detached { print("detached"); return 1 }
            _ = await detached.value
            """)
        if case .failure(let failure) = result { Issue.record("\(failure.traceback)") }
        let lines = Set(recorder.stdout.split(separator: "\n").map(String.init))
        #expect(lines == ["task 0", "task 1", "task 2", "detached"])
    }

    @Test func interruptingAnAwaitComesBackQuicklyWithState() throws {
        _ = session.value("let kept = 7")
        let started = ContinuousClock.now
        let (failure, _) = failure("try await Task.sleep(nanoseconds: 60_000_000_000)", timeout: .milliseconds(500))
        let elapsed = ContinuousClock.now - started
        #expect(failure?.kind == .timedOut)
        #expect(elapsed < .seconds(5))
        #expect(session.value("kept") == "7")
    }

    @Test func anErrorThrownAfterAnAwaitIsReported() {
        _ = session.value("struct Broken: Error {}\nlet before = 1")
        let (failure, _) = failure("try await Task.sleep(nanoseconds: 1_000_000)\nthrow Broken()")
        #expect(failure?.kind == .thrownError)
        #expect(failure?.name == "Broken")
        #expect(session.value("before") == "1")
    }

    // MARK: Traps

    /// The runtime names the cell's line for checks compiled into the cell (`precondition`, `fatalError`,
    /// `assert`, `!`); traps in the standard library (compiled -O: the runtime names its own file) and checks
    /// that print nothing (overflow) get the line from the cell's line table.
    @Test(arguments: [
        ("precondition(1 > 2, \"weights must sum to one\")", "Precondition failed", "weights must sum to one", 1),
        ("let w = 0\n\nfatalError(\"no convergence after \\(w) steps\")", "Fatal error", "no convergence after 0 steps", 3),
        ("let none: Int? = nil\nnone!", "Fatal error", "Unexpectedly found nil while unwrapping an Optional value", 2),
        ("assert(false, \"checked in debug builds\")", "Assertion failed", "checked in debug builds", 1),
        ("let xs = [1, 2, 3]\nlet i = xs.count + 2\nprint(xs[i])", "Fatal error", "Index out of range", 3),
        ("let big = Int(\"9223372036854775807\")!\nlet next = big + 1", "Trap", "arithmetic overflow", 2),
        ("let zero = Int(\"0\")!\n\nlet ratio = 10 / zero", "Fatal error", "Division by zero", 3),
    ])
    func trapsCarrySwiftsMessageAndTheCellLine(code: String, name: String, message: String, line: Int) {
        _ = session.value("let survivor = 3")
        let (failure, recorder) = failure(code)
        #expect(failure?.kind == .crash)
        #expect(failure?.name == name)
        #expect(failure?.message == "\(message) (line \(line))")
        #expect(failure?.traceback.first == "\(name): \(message) (line \(line))")
        expectNoInternals([recorder.stderr, failure?.message ?? ""] + (failure?.traceback ?? []))
        #expect(session.value("survivor") == "3")
    }

    // MARK: exit and abort

    @Test func exitEndsTheCellNotTheSession() {
        _ = session.value("import Foundation\nlet beforeExit = 5")
        let (failure, _) = failure("exit(3)")
        #expect(failure?.name == "Exit")
        #expect(failure?.message == "the cell called exit(3)")
        let (result, recorder) = session.run("print(\"before\")\nexit(0)\nprint(\"after\")")
        if case .failure(let failure) = result { Issue.record("\(failure.traceback)") }
        #expect(recorder.stdout == "before\n")
        let (aborted, _) = self.failure("abort()")
        #expect(aborted?.name == "Aborted")
        #expect(session.value("beforeExit") == "5")
    }

    // MARK: Fault injection

    @Test func workerKilledMidCellIsReportedAndStateRestored() throws {
        _ = session.value("var counter = 41")
        let pid = try #require(workerPID())
        // Killed once the cell runs (a fixed delay could land while it compiles on a loaded machine).
        let failure = try killing(pid, "import Foundation\nprint(\"running\")\nfflush(stdout)\nwhile true { usleep(1000) }") {
            if case .stream(.stdout, _) = $0 { true } else { false }
        }
        #expect(failure.kind == .crash)
        #expect(failure.name == "Killed")
        #expect(session.value("counter + 1") == "42")
    }

    @Test func workerKilledWhileIdleIsNoticedAtTheNextCell() throws {
        _ = session.value("let idleState = \"kept\"")
        let pid = try #require(workerPID())
        kill(pid, SIGKILL)
        Thread.sleep(forTimeInterval: 0.6)
        let (result, recorder) = session.run("idleState")
        guard case .success(let success) = result else { Issue.record("\(result)"); return }
        #expect(success.result?.data["text/plain"] == "\"kept\"")
        #expect(recorder.stderr.contains("the worker process had ended since the last cell"))
    }

    @Test func workerKilledWhileWritingALargeOutput() throws {
        _ = session.value("let large = 9")
        let pid = try #require(workerPID())
        // Killed once the cell's output is flowing.
        let failure = try killing(pid, "let row = String(repeating: \"x\", count: 1 << 20)\nwhile true { display(row) }") {
            if case .display = $0 { true } else { false }
        }
        #expect(failure.kind == .crash)
        #expect(session.value("large") == "9")
    }

    @Test func workerKilledDuringReplayIsReplayedAgain() throws {
        _ = session.value("import Foundation\nlet replayed = 11\nusleep(200_000)")
        let old = try #require(workerPID())
        // After the crash below, the engine starts a new worker and replays the cells above in it; kill
        // that worker as soon as it appears.
        let killed = LockedBox(false)
        let session = self.session
        let watcher = Thread {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if let pid = session.workerProcessID, pid != old {
                    kill(pid, SIGKILL)
                    killed.value = true
                    return
                }
                usleep(1_000)
            }
        }
        watcher.start()
        let (crash, _) = failure("fatalError(\"during replay\")")
        #expect(crash?.name == "Fatal error")
        while !watcher.isFinished { usleep(10_000) }
        #expect(killed.value)
        #expect(session.value("replayed + 1") == "12")
    }

    @Test func aReplayThatHangsIsStoppedAndSaysWhy() throws {
        // The cell runs at once the first time and waits forever when it is run again after a crash: the
        // restore stops it at its limit (10 s for a cell that took no time) instead of hanging the session.
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("replay-hangs-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        _ = session.value("let safe = 1")
        _ = session.value(
            """
            import Foundation
            let marker = "\(marker)"
            if FileManager.default.fileExists(atPath: marker) { while true { usleep(50_000) } }
            FileManager.default.createFile(atPath: marker, contents: nil)
            let hangsOnReplay = 2
            """)
        let (crash, _) = failure("let empty: [Int] = []\nempty[1]")
        #expect(crash?.kind == .crash)
        let (after, recorder) = session.run("safe + 1")
        #expect((try? after.get())?.result?.data["text/plain"] == "2")
        #expect(recorder.stderr.contains("restoring earlier cells failed"), "\(recorder.stderr)")
        #expect(recorder.stderr.contains("ran longer than"), "\(recorder.stderr)")
    }

    @Test func cellClosingStandardOutputIsStopped() {
        _ = session.value("let beforeClose = 1")
        let started = ContinuousClock.now
        let (failure, _) = failure("import Foundation\nclose(1)\nwhile true { usleep(1000) }")
        #expect(failure?.name == "WorkerLost")
        #expect(failure?.message.contains("closed the worker's standard output") == true)
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(session.value("beforeClose") == "1")
    }

    @Test func cellClosingDescriptorsZeroToTwoIsStopped() {
        _ = session.value("let beforeCloseAll = 2")
        let (failure, _) = failure("import Foundation\nclose(0); close(1); close(2)\nwhile true { usleep(1000) }")
        #expect(failure?.kind == .crash)
        #expect(session.value("beforeCloseAll") == "2")
    }

    @Test func forkedChildHoldingThePipesDoesNotHoldTheSession() {
        _ = session.value("let beforeFork = 3")
        // The child keeps the worker's stdout and stderr open and lives on; the worker itself then traps.
        let started = ContinuousClock.now
        let (failure, _) = failure(
            "import Foundation\nif fork() == 0 { while true { sleep(1) } }\nfatalError(\"parent gone\")")
        #expect(failure?.name == "Fatal error")
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(session.value("beforeFork") == "3")
    }

    @Test func truncatedFrameIsDroppedAndTheCellStillEnds() {
        _ = session.value("let beforeFrame = 4")
        let (result, recorder) = session.run(
            """
            import Foundation
            let nonce = ProcessInfo.processInfo.environment["SWIFT_INFERENCE_CHANNEL"]!
            FileHandle.standardOutput.write(Data("\\u{1E}\\u{1E}SWINF\\(nonce):100000:{\\"t\\":\\"disp".utf8))
            print("still here")
            """)
        if case .failure(let failure) = result { Issue.record("\(failure.traceback)") }
        // What followed the broken header up to the next real frame cannot be told from its payload.
        #expect(recorder.stdout.contains("an incomplete output record was dropped"))
        let (next, output) = session.run("print(\"next cell\")\nbeforeFrame")
        #expect(output.stdout == "next cell\n")
        if case .success(let success) = next { #expect(success.result?.data["text/plain"] == "4") } else { Issue.record("\(next)") }
    }

    @Test func cellsEndingWithStandardErrorNeverStall() {
        // The reader once drained stderr early, then blocked reading it again while `done` waited in
        // stdout: the CI hang. A cell that writes stderr right before it ends was the way to hit it.
        for round in 0..<15 {
            let started = ContinuousClock.now
            let (result, recorder) = session.run("import Glibc\n_ = write(2, \"to stderr\\n\", 10)\nprint(\(round))")
            if case .failure(let failure) = result { Issue.record("round \(round): \(failure.traceback)") }
            #expect(recorder.stderr == "to stderr\n")
            #expect(recorder.stdout == "\(round)\n")
            #expect(ContinuousClock.now - started < .seconds(2))
        }
    }

    @Test func nonBlockingStandardOutputLosesNoFrames() {
        // With O_NONBLOCK on a full pipe, writes fail with EAGAIN; a dropped `done` frame hung the session.
        let (result, recorder) = session.run(
            """
            import Foundation
            _ = fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK)
            let line = String(repeating: "z", count: 1 << 16)
            for i in 0..<40 { display(line); if i % 10 == 0 { usleep(1000) } }
            40
            """)
        guard case .success(let success) = result else { Issue.record("\(result)"); return }
        #expect(success.result?.data["text/plain"] == "40")
        let displays = recorder.events.filter { if case .display = $0 { return true } else { return false } }
        #expect(displays.count == 40)
    }

    @Test func aLostEndRecordIsTakenFromTheStatusPipe() {
        _ = session.value("let beforeLoss = 6")
        let started = ContinuousClock.now
        // The cell points fd 1 at /dev/null (keeping the pipe open elsewhere), so the worker's `done`
        // frame goes nowhere; its copy on the status pipe still arrives.
        let (result, recorder) = session.run(
            "import Foundation\nlet keep = dup(1)\nlet null = open(\"/dev/null\", O_WRONLY)\n_ = dup2(null, 1)")
        guard case .failure(let failure) = result else { Issue.record("the cell succeeded"); return }
        #expect(failure.name == "WorkerLost")
        #expect(failure.message.contains("end record never arrived"))
        #expect(ContinuousClock.now - started < .seconds(15))
        _ = recorder
        // The worker was replaced (without that cell), so the next cell's output arrives again.
        let (next, output) = session.run("print(\"visible\")\nbeforeLoss")
        #expect(output.stdout == "visible\n")
        if case .success(let success) = next { #expect(success.result?.data["text/plain"] == "6") } else { Issue.record("\(next)") }
    }

    @Test func manyThreadsAndHugeOutputWithoutNewline() {
        let (threads, _) = session.run(
            """
            import Foundation
            let lock = NSLock()
            var started = 0
            let threads = (0..<1000).map { _ in Thread { lock.lock(); started += 1; lock.unlock() } }
            threads.forEach { $0.start() }
            while lock.withLock({ started }) < 1000 { usleep(1000) }
            started
            """)
        if case .failure(let failure) = threads { Issue.record("\(failure.traceback)") }
        let (result, recorder) = session.run(
            "let chunk = String(repeating: \"y\", count: 1 << 20)\nfor _ in 0..<50 { print(chunk, terminator: \"\") }")
        if case .failure(let failure) = result { Issue.record("\(failure.traceback)") }
        #expect(recorder.stdout.utf8.count == 50 << 20)
    }
}

/// A session whose worker may use little memory.
@Suite struct MemoryLimitTests {
    @Test func aCellOverTheLimitGetsAnOutOfMemoryErrorAndTheSessionGoesOn() throws {
        var configuration = try testConfiguration()
        configuration.memoryLimit = 1536 << 20
        let session = try CellSession(configuration: configuration)
        defer { session.shutdown() }
        _ = session.value("let small = [1, 2, 3]")
        let (result, _) = session.run("var huge = [UInt8](repeating: 1, count: 3 << 30)\nhuge[0]")
        guard case .failure(let failure) = result else { Issue.record("the cell ran"); return }
        #expect(failure.name == "OutOfMemory")
        #expect(failure.message == "out of memory (limit 1.5 GiB)")
        #expect(session.value("small.count") == "3")
    }

    @Test func limitsParse() {
        #expect(EngineConfiguration.parseByteCount("4G") == 4 << 30)
        #expect(EngineConfiguration.parseByteCount("512MiB") == 512 << 20)
        #expect(EngineConfiguration.parseByteCount("none") == 0)
        #expect(EngineConfiguration.parseByteCount("12x") == nil)
        #expect(EngineConfiguration.defaultMemoryLimit(environment: ["SWIFT_INFERENCE_MEMORY_LIMIT": "2G"]) == 2 << 30)
        #expect(EngineConfiguration.defaultMemoryLimit(environment: ["SWIFT_INFERENCE_MEMORY_LIMIT": "0"]) == nil)
    }

    @Test func theDefaultLimitIsHalfOfWhatTheContainerAllows() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cgroup-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("memory"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let physicalHalf = ProcessInfo.processInfo.physicalMemory / 2
        // No cgroup files: half the machine.
        #expect(EngineConfiguration.defaultMemoryLimit(environment: [:], cgroupRoot: root.path) == physicalHalf)
        // cgroup v1 with its "unlimited" value: half the machine.
        try "9223372036854771712\n".write(to: root.appendingPathComponent("memory/memory.limit_in_bytes"), atomically: false, encoding: .utf8)
        #expect(EngineConfiguration.defaultMemoryLimit(environment: [:], cgroupRoot: root.path) == physicalHalf)
        // cgroup v2 with a 2 GiB pod limit: 1 GiB.
        try "2147483648\n".write(to: root.appendingPathComponent("memory.max"), atomically: false, encoding: .utf8)
        #expect(EngineConfiguration.defaultMemoryLimit(environment: [:], cgroupRoot: root.path) == 1 << 30)
        try "max\n".write(to: root.appendingPathComponent("memory.max"), atomically: false, encoding: .utf8)
        #expect(EngineConfiguration.defaultMemoryLimit(environment: [:], cgroupRoot: root.path) == physicalHalf)
    }
}


/// Compilers that die or hang: the cell gets an error naming it, and an interrupt stops a hung compiler.
@Suite struct CompilerFaultTests {
    /// A `swiftc` stand-in that answers `--version` like the real one and then does `action` for a cell.
    private func session(withCompilerThat action: String) throws -> (CellSession, String) {
        var configuration = try testConfiguration(cache: FileManager.default.temporaryDirectory
            .appendingPathComponent("swift-inference-compiler-fault-\(getpid())-\(UInt32.random(in: 0 ... .max))").path)
        let script = configuration.cacheDirectory + "-swiftc"
        let text = """
            #!/bin/sh
            case "$1" in
              --version) exec "\(configuration.swiftc)" --version ;;
              -###) exit 1 ;;
            esac
            \(action)

            """
        // Written through a close-on-exec descriptor: a process another test spawns meanwhile must not
        // inherit it open for writing, or running the script fails with "text file busy".
        let fd = open(script, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        #expect(fd >= 0)
        _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        configuration.swiftc = script
        return (try CellSession(configuration: configuration), script)
    }

    @Test func aKilledCompilerIsNamed() throws {
        let (session, script) = try session(withCompilerThat: "kill -9 $$")
        defer { session.shutdown(); unlink(script) }
        let (result, _) = session.run("1 + 1")
        guard case .failure(let failure) = result else { Issue.record("compiled"); return }
        #expect(failure.kind == .compileError)
        #expect(failure.message == "the compiler was stopped by signal 9 (Killed)")
    }

    @Test func anInterruptStopsAHungCompiler() throws {
        let (session, script) = try session(withCompilerThat: "sleep 600")
        defer { session.shutdown(); unlink(script) }
        onOwnThread(after: 1) { session.interrupt() }
        let started = ContinuousClock.now
        let (result, _) = session.run("1 + 1")
        guard case .failure(let failure) = result else { Issue.record("compiled"); return }
        #expect(failure.kind == .interrupted)
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}

/// A cell that loops forever reported success.
private struct CellCannotFinish: Error {}
