import Foundation
import Testing

@testable import CellEngine

/// `%install` through real sessions: SwiftPM builds small local packages, the worker loads them.
///
/// The suite's sessions share one cache, so the good package is built once (by whichever test comes first)
/// and the other tests find it there; the packages that fail are never cached.
@Suite(.serialized) struct PackageInstallTests {
    /// Small packages in a folder of the test process's own, and the cache the suite's sessions share.
    static let fixtures = Fixtures()

    final class Fixtures: Sendable {
        let folder: URL
        let cache: String

        init() {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("swinf-packages-\(getpid())")
            cache = folder.appendingPathComponent("cache").path
            try? FileManager.default.removeItem(at: folder)
            // The packages, their builds and the cache go when the test process ends.
            atexit { try? FileManager.default.removeItem(at: PackageInstallTests.fixtures.folder) }
            write("Greeter/Package.swift", Self.manifest(name: "Greeter"))
            write("Greeter/Sources/Greeter/Greeter.swift", """
                public func greet(_ name: String) -> String { "Hello, \\(name)!" }
                public struct Tally {
                    public private(set) var count = 0
                    public init() {}
                    public mutating func add(_ n: Int) { count += n }
                }
                """)
            write("Broken/Package.swift", Self.manifest(name: "Broken"))
            write("Broken/Sources/Broken/Broken.swift", "public func answer() -> Int {\n    return \"forty-two\"\n}\n")
            write("NotAPackage/README.md", "no manifest here\n")
            write("Halted/Package.swift", Self.manifest(name: "Halted"))
            write("Halted/Sources/Halted/Halted.swift", "public let halted = true\n")
            write("Tagged/Package.swift", Self.manifest(name: "Tagged"))
            write("Tagged/Sources/Tagged/Tagged.swift", "public let taggedVersion = \"1.2.0\"\n")
            // A git repository with a version tag: the url: form, offline.
            let git = ["-C", folder.appendingPathComponent("Tagged").path]
            for command in [["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "v"], ["tag", "1.2.0"]] {
                _ = try? ProcessRunner.run("/usr/bin/env", ["git"] + git + command, limit: .seconds(60))
            }
            write("Odd \"dir\" it's/Package.swift", Self.manifest(name: "Odd"))
            write("Odd \"dir\" it's/Sources/Odd/Odd.swift", "public let odd = 3\n")
            write("Namesake/Package.swift", Self.manifest(name: "Figures"))
            write("Namesake/Sources/Figures/Figures.swift", "public let clash = 1\n")
            write("Racer/Package.swift", Self.manifest(name: "Racer"))
            write("Racer/Sources/Racer/Racer.swift", "public let lap = 7\n")
        }

        static func manifest(name: String) -> String {
            """
            // swift-tools-version:5.9
            import PackageDescription
            let package = Package(
                name: "\(name)",
                products: [.library(name: "\(name)", targets: ["\(name)"])],
                targets: [.target(name: "\(name)")])

            """
        }

        private func write(_ path: String, _ text: String) {
            let url = folder.appendingPathComponent(path)
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? text.write(to: url, atomically: true, encoding: .utf8)
        }

        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        func session() throws -> CellSession { try makeSession(cache: cache) }

        /// The Greeter's cache entry's record, once it is built.
        var records: [String] {
            let packages = URL(fileURLWithPath: cache).appendingPathComponent("packages")
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: packages.path)) ?? []
            return entries.map { packages.appendingPathComponent($0).appendingPathComponent(PackageBuilder.recordName).path }
                .filter { FileManager.default.fileExists(atPath: $0) }
        }
    }

    var greeter: String { #"%install .package(path: "\#(Self.fixtures.path("Greeter"))") Greeter"# }

    /// The failure of a cell that must fail.
    func failureOf(_ result: Result<CellSuccess, CellFailure>) -> CellFailure? {
        if case .failure(let failure) = result { return failure }
        Issue.record("the cell succeeded")
        return nil
    }

    @Test func installedProductIsImportableAndEarlierStateStays() throws {
        let session = try Self.fixtures.session()
        #expect(session.value("var kept = [1, 2, 3]\nlet base = 40") == nil)
        let (result, output) = session.run(greeter)
        #expect(throws: Never.self, "\(output.stdout)") { try result.get() }
        #expect(output.stdout.contains("Installing Greeter from .package(path: "))
        #expect(output.stdout.contains("Cells can now import Greeter."), "\(output.stdout)")
        #expect(session.value("import Greeter\ngreet(\"Ada\")") == "\"Hello, Ada!\"")
        #expect(session.value("var tally = Tally()\ntally.add(base)\ntally.add(2)\ntally.count") == "42")
        #expect(session.value("kept.count + base") == "43")
        // A later cell that does not write `import Greeter` again still finds it (imports stay, as in a REPL).
        #expect(session.value("greet(\"again\").count") == "13")
    }

    @Test func aSecondSessionFindsTheBuildInTheCacheAndBuildsNothing() throws {
        let first = try Self.fixtures.session()
        #expect(throws: Never.self) { try first.run(greeter).0.get() }
        first.shutdown()
        let record = try #require(Self.fixtures.records.first)
        let before = try FileManager.default.attributesOfItem(atPath: record)

        let second = try Self.fixtures.session()
        let (result, output) = second.run(greeter)
        #expect(throws: Never.self) { try result.get() }
        #expect(output.stdout.contains("Found in the package cache (built earlier; nothing to build)"), "\(output.stdout)")
        // SwiftPM did not run: none of its progress lines, and the record is the one written by the build.
        #expect(!output.stdout.contains("Compiling"), "\(output.stdout)")
        #expect(!output.stdout.contains("Build of product"), "\(output.stdout)")
        let after = try FileManager.default.attributesOfItem(atPath: record)
        #expect(after[.modificationDate] as? Date == before[.modificationDate] as? Date)
        #expect(second.value("import Greeter\ngreet(\"cache\")") == "\"Hello, cache!\"")
    }

    @Test func theURLFormResolvesAVersionAndIsCachedToo() throws {
        let url = "file://" + Self.fixtures.path("Tagged")
        let line = #"%install .package(url: "\#(url)", from: "1.0.0") Tagged"#
        let session = try Self.fixtures.session()
        let (result, output) = session.run(line)
        #expect(throws: Never.self, "\(output.stdout)") { try result.get() }
        // SwiftPM resolved the requirement to the tag.
        #expect(output.stdout.contains("at 1.2.0"), "\(output.stdout)")
        #expect(session.value("import Tagged\ntaggedVersion") == "\"1.2.0\"")

        let second = try Self.fixtures.session()
        let (again, log) = second.run(line)
        #expect(throws: Never.self) { try again.get() }
        #expect(log.stdout.contains("Found in the package cache"), "\(log.stdout)")

        // No version satisfies the requirement: SwiftPM's resolution error, and the session goes on.
        let (missing, _) = second.run(#"%install .package(url: "\#(url)", from: "2.0.0") Tagged"#)
        let failure = try #require(failureOf(missing))
        #expect(failure.name == "InstallError")
        #expect(failure.traceback.joined(separator: "\n").contains("2.0.0"), "\(failure.traceback)")
        #expect(second.value("import Tagged\ntaggedVersion.count") == "5")
    }

    @Test func aFolderWithQuotesAndBlanksInItsNameInstalls() throws {
        let session = try Self.fixtures.session()
        let path = Self.fixtures.path("Odd \"dir\" it's")
        let (result, output) = session.run("%install .package(path: \(SwiftSourceText.stringLiteral(path))) Odd")
        #expect(throws: Never.self, "\(output.stdout)") { try result.get() }
        #expect(session.value("import Odd\nodd * 14") == "42")
    }

    @Test func aPackageWithAModuleOfTheKernelsOwnNameIsRefused() throws {
        let session = try Self.fixtures.session()
        let (result, _) = session.run(#"%install .package(path: "\#(Self.fixtures.path("Namesake"))") Figures"#)
        let failure = try #require(failureOf(result))
        #expect(failure.message.contains("a module named Figures, as the kernel's own library does"), "\(failure.message)")
        #expect(session.installedPackages.isEmpty)
        // The package's Figures was not loaded: cells see the kernel's, which has no `clash`.
        #expect(failureOf(session.run("clash").0)?.kind == .compileError)
        #expect(session.value("1 + 2") == "3")
    }

    @Test func installingTwiceIsHarmless() throws {
        let session = try Self.fixtures.session()
        // A relative path starts in the cells' folder; the Swift after the magic line already sees the package.
        #expect(throws: Never.self) { try session.run("%cd \(Self.fixtures.folder.path)").0.get() }
        let (installed, log) = session.run("%install .package(path: \"./Greeter/\") Greeter\nimport Greeter\nlet first = greet(\"one\")")
        #expect(throws: Never.self, "\(log.stdout)") { try installed.get() }
        #expect(log.stdout.contains("Installing Greeter from .package(path: \"\(Self.fixtures.path("Greeter"))\")"), "\(log.stdout)")
        let (again, output) = session.run(greeter)
        #expect(throws: Never.self) { try again.get() }
        #expect(output.stdout.contains("is already installed in this session"), "\(output.stdout)")
        #expect(session.installedPackages.count == 1)
        #expect(session.value("first + greet(\"two\")") == "\"Hello, one!Hello, two!\"")
    }

    @Test func aCrashAfterTheInstallReplaysAndTheImportStillWorks() throws {
        let session = try Self.fixtures.session()
        #expect(throws: Never.self) { try session.run(greeter).0.get() }
        #expect(session.value("import Greeter\nvar tally = Tally()\ntally.add(5)") == nil)
        let pid = session.workerProcessID
        let crash = failureOf(session.run("let xs = [1]\nxs[3]").0)
        #expect(crash?.kind == .crash)
        #expect(session.workerProcessID != pid, "the worker was replaced")
        // The replay loaded the package before the cells that use it, so their state is back.
        #expect(session.value("tally.count") == "5")
        #expect(session.value("greet(\"after\")") == "\"Hello, after!\"")
    }

    @Test func aFolderThatIsNotAPackageGetsSwiftPMsMessage() throws {
        let session = try Self.fixtures.session()
        #expect(session.value("let still = 7") == nil)
        let folder = Self.fixtures.path("NotAPackage")
        let (result, _) = session.run(#"%install .package(path: "\#(folder)") Whatever"#)
        let failure = try #require(failureOf(result))
        #expect(failure.name == "InstallError")
        // SwiftPM's own words.
        #expect(failure.message.contains("Package.swift"), "\(failure.message)")
        #expect(failure.message.contains("doesn't exist"), "\(failure.message)")
        #expect(failure.traceback.last?.contains("unchanged") == true)
        #expect(session.value("still") == "7")
        #expect(session.installedPackages.isEmpty)
    }

    @Test func aProductThePackageDoesNotHaveGetsSwiftPMsMessage() throws {
        let session = try Self.fixtures.session()
        let (result, _) = session.run(#"%install .package(path: "\#(Self.fixtures.path("Greeter"))") Greeting"#)
        let failure = try #require(failureOf(result))
        #expect(failure.name == "InstallError")
        #expect(failure.message.contains("product 'Greeting'"), "\(failure.message)")
        #expect(failure.message.contains("not found in package 'greeter'") || failure.message.contains("not found in package 'Greeter'"), "\(failure.message)")
        #expect(session.value("1 + 1") == "2")
    }

    @Test func aPackageThatDoesNotCompileShowsTheCompilersMessageAndTheSessionGoesOn() throws {
        let session = try Self.fixtures.session()
        #expect(session.value("let survivor = \"yes\"") == nil)
        let (result, output) = session.run(#"%install .package(path: "\#(Self.fixtures.path("Broken"))") Broken"#)
        let failure = try #require(failureOf(result))
        #expect(failure.name == "InstallError")
        #expect(failure.message.contains("cannot convert return expression of type 'String' to return type 'Int'"), "\(failure.message)")
        #expect(failure.traceback.joined(separator: "\n").contains("Broken.swift:2"), "\(failure.traceback)")
        // The build's output streamed into the cell while it ran.
        #expect(output.stdout.contains("Compiling"), "\(output.stdout)")
        #expect(session.value("survivor") == "\"yes\"")
        #expect(session.installedPackages.isEmpty)
        // Nothing half-built is left to be taken for a finished build.
        let entry = URL(fileURLWithPath: Self.fixtures.cache).appendingPathComponent("packages")
            .appendingPathComponent(try failureKey(Self.fixtures.path("Broken"), "Broken"))
        #expect(!FileManager.default.fileExists(atPath: entry.path))
    }

    @Test func badArgumentsAreUsageErrorsAndChangeNothing() throws {
        let session = try Self.fixtures.session()
        #expect(session.value("var n = 1") == nil)
        for argument in ["", #".package(path: "/x")"#, #".package(path: “/x”) P"#, #".package(path: "/x") Gre"eter"#] {
            let failure = try #require(failureOf(session.run("%install " + argument).0), "\(argument)")
            #expect(failure.name == "UsageError", "\(argument): \(failure.message)")
        }
        #expect(session.value("n") == "1")
    }

    @Test func lsmagicAndTheUnknownMagicErrorListInstall() throws {
        #expect(CellSession.magicListing.contains("%install .package(path: \"…\") <Product>"))
        let unknown = CellSession.unknownMagic(MagicLine("%instal x", line: 1)!)
        #expect(unknown.message.contains("%install"))
    }

    @Test func twoKernelsInstallingAtOnceBuildOnce() throws {
        let sessions = [try Self.fixtures.session(), try Self.fixtures.session()]
        let line = #"%install .package(path: "\#(Self.fixtures.path("Racer"))") Racer"#
        let outputs = LockedBox<[String]>([])
        let finished = DispatchSemaphore(value: 0)
        for session in sessions {
            Thread {
                let (result, output) = session.run(line)
                if case .failure(let failure) = result { Issue.record("install failed: \(failure.traceback)") }
                outputs.value.append(output.stdout)
                finished.signal()
            }.start()
        }
        for _ in sessions { #expect(finished.wait(timeout: .now() + 600) == .success) }
        let texts = outputs.value
        #expect(texts.filter { $0.contains("Built in") }.count == 1, "\(texts)")
        #expect(texts.filter { $0.contains("Found in the package cache") }.count == 1, "\(texts)")
        for session in sessions { #expect(session.value("import Racer\nlap * 6") == "42") }
    }

    @Test func aHalfWrittenOrDamagedEntryIsNeverTakenForABuild() throws {
        let session = try Self.fixtures.session()
        #expect(throws: Never.self) { try session.run(greeter).0.get() }
        let package = try #require(session.installedPackages.first)
        let entry = URL(fileURLWithPath: package.libraryDirectory).deletingLastPathComponent()
        let builder = PackageBuilder(root: entry.deletingLastPathComponent(), swiftc: try testConfiguration().swiftc)
        #expect(throws: Never.self) { try builder.load(entry: entry, key: package.key) }

        // One byte of the library changed: its SHA-256 no longer matches the record.
        let copy = try Data(contentsOf: URL(fileURLWithPath: package.library))
        var damaged = copy
        damaged[damaged.count / 2] ^= 0xff
        try damaged.write(to: URL(fileURLWithPath: package.library), options: .atomic)  // a new file: the loaded one stays mapped
        #expect(throws: PackageBuilder.Failure.self) { try builder.load(entry: entry, key: package.key) }
        try copy.write(to: URL(fileURLWithPath: package.library), options: .atomic)

        // No record (a build cut short before its last step): a new kernel builds it again.
        try FileManager.default.removeItem(at: entry.appendingPathComponent(PackageBuilder.recordName))
        let other = try Self.fixtures.session()
        let (result, output) = other.run(greeter)
        #expect(throws: Never.self) { try result.get() }
        #expect(output.stdout.contains("Built in"), "\(output.stdout)")
        #expect(throws: Never.self) { try builder.load(entry: entry, key: package.key) }
        #expect(other.value("import Greeter\ngreet(\"rebuilt\")") == "\"Hello, rebuilt!\"")
    }

    @Test func anInterruptStopsTheBuildAndKeepsTheSession() throws {
        let session = try Self.fixtures.session()
        #expect(session.value("let untouched = 3") == nil)
        let interrupted = LockedBox(false)
        let recorder = Recorder()
        let line = #"%install .package(path: "\#(Self.fixtures.path("Halted"))") Halted"#
        // Interrupted once SwiftPM has said something: the build is under way.
        let result = session.execute(line, onEvent: { event in
            recorder.record(event)
            if case .stream(_, let text) = event, !text.hasPrefix("Installing"), !interrupted.value {
                interrupted.value = true
                session.interrupt()
            }
        })
        #expect(interrupted.value)
        let failure = try #require(failureOf(result))
        #expect(failure.kind == .interrupted, "\(failure)")
        #expect(failure.message == "the package build was interrupted")
        #expect(!recorder.stdout.contains("Build of product"), "\(recorder.stdout)")
        #expect(session.value("untouched") == "3")
        #expect(session.installedPackages.isEmpty)
        let entry = URL(fileURLWithPath: Self.fixtures.cache).appendingPathComponent("packages")
            .appendingPathComponent(try failureKey(Self.fixtures.path("Halted"), "Halted"))
        #expect(!FileManager.default.fileExists(atPath: entry.path))
    }

    @Test func aLockHeldTooLongIsAClearError() throws {
        let path = Self.fixtures.folder.appendingPathComponent("held.lock").path
        let holder = try FileLock(path: path)
        try holder.lock(limit: .seconds(5))
        let waiter = try FileLock(path: path)
        var waited = false
        let clock = ContinuousClock()
        let started = clock.now
        do throws(PackageBuilder.Failure) {
            try waiter.lock(limit: .milliseconds(300), onWait: { waited = true })
            Issue.record("took a lock someone else holds")
        } catch {
            #expect(error.message.contains("held \(path) for longer than"), "\(error.message)")
        }
        #expect(waited)
        #expect(clock.now - started >= .milliseconds(300))
        holder.unlock()
        try waiter.lock(limit: .seconds(5))
        waiter.unlock()
    }

    private func failureKey(_ path: String, _ product: String) throws -> String {
        let builder = PackageBuilder(
            root: URL(fileURLWithPath: Self.fixtures.cache).appendingPathComponent("packages"), swiftc: try testConfiguration().swiftc)
        return try builder.key(for: PackageRequest(source: .path(path), products: [product]))
    }
}
