import Foundation
import Testing

@testable import CellEngine

/// Which earlier cells a cell imports: only what it mentions (and what that needs), so a trivial cell costs
/// the same at cell 200 as at cell 2.
@Suite struct ImportPlanTests {
    private func history(_ cells: [String]) -> [CompiledCell] {
        var history: [CompiledCell] = []
        for (index, code) in cells.enumerated() {
            let analysis = CellAnalysis(source: code)
            let plan = ImportPlan(for: analysis, history: history)
            history.append(
                CompiledCell(
                    moduleName: "Cell_\(index)", cacheKey: "\(index)", library: "", analysis: analysis,
                    executionIndex: index + 1, importedModules: plan.modules))
        }
        return history
    }

    @Test func aCellThatMentionsNoEarlierNameImportsNoEarlierCell() {
        let earlier = history((0..<200).map { "let v\($0) = \($0)" })
        let plan = ImportPlan(for: CellAnalysis(source: "1 + 1"), history: earlier)
        #expect(plan.modules.isEmpty)
        #expect(plan.scoped.isEmpty)
    }

    @Test func theNewestDeclarationOfAMentionedNameIsImportedScoped() {
        let earlier = history(["let x = 1", "let y = 2", "let x = \"two\""])
        let plan = ImportPlan(for: CellAnalysis(source: "x + \"!\""), history: earlier)
        #expect(plan.modules == ["Cell_2"])
        #expect(plan.scoped.map { "\($0.kind) \($0.module).\($0.name)" } == ["let Cell_2.x"])
    }

    @Test func whatAnImportedCellImportedComesToo() {
        // `p.x` reaches an internal member of a type two cells back: its module must be imported as well.
        let earlier = history(["struct P { var x = 1 }", "let unrelated = 0", "let p = P()"])
        let plan = ImportPlan(for: CellAnalysis(source: "p.x"), history: earlier)
        #expect(plan.modules == ["Cell_0", "Cell_2"])
        #expect(plan.scoped.map(\.name) == ["p"])
    }

    @Test func extensionsOperatorsAndImportsApplyWithoutBeingNamed() {
        let earlier = history([
            "extension Int { var doubled: Int { 2 * self } }", "infix operator <+>", "func <+>(a: Int, b: Int) -> Int { a + b }",
            "import Foundation", "let z = 3",
        ])
        let plan = ImportPlan(for: CellAnalysis(source: "1"), history: earlier)
        #expect(plan.modules == ["Cell_0", "Cell_1", "Cell_2"])
        #expect(plan.importLines == ["import Foundation"])
    }

    @Test func aCellRedefiningANameImportsTheOldOneWithoutShadowingItsOwn() {
        let earlier = history(["var total = 1"])
        let plan = ImportPlan(for: CellAnalysis(source: "let total = total + 1"), history: earlier)
        #expect(plan.modules == ["Cell_0"])
        #expect(plan.scoped.isEmpty)
    }

    @Test func aNameBeingDeclaredIsNotAMention() {
        let analysis = CellAnalysis(source: "let x = 1\nfunc f(y: Int) -> Int { y + g }\nstruct S {}")
        #expect(!analysis.mentionedNames.contains("x"))
        #expect(!analysis.mentionedNames.contains("f"))
        #expect(analysis.mentionedNames.contains("g"))
        #expect(!analysis.mentionedNames.contains("S"))
    }

    @Test func namesInStringInterpolationsAndBackticksAreMentions() {
        let analysis = CellAnalysis(source: "print(\"\\(alpha) and \\(`default`)\")")
        #expect(analysis.mentionedNames.isSuperset(of: ["alpha", "default", "print"]))
    }
}

@Suite struct AutolinkEntriesTests {
    /// The reader must agree with `swift-autolink-extract` on a real object of this toolchain.
    @Test func readsWhatTheToolReads() throws {
        let configuration = try testConfiguration()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("autolink-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = folder.appendingPathComponent("a.swift")
        try "import Foundation\nprint(Date())\n".write(to: source, atomically: false, encoding: .utf8)
        let object = folder.appendingPathComponent("a.o").path
        let compiled = try ProcessRunner.run(configuration.swiftc, ["-c", source.path, "-o", object, "-module-name", "A"])
        #expect(compiled.status == 0, "\(compiled.output)")
        let tool = URL(fileURLWithPath: configuration.swiftc).deletingLastPathComponent().appendingPathComponent("swift-autolink-extract").path
        let extracted = try ProcessRunner.run(tool, [object, "-o", "/dev/stdout"])
        #expect(extracted.status == 0)
        let expected = extracted.output.split(separator: "\n").map(String.init)
        let read = try #require(AutolinkEntries.read(objectAt: object))
        // The tool prints the entries in an order of its own; for shared libraries the linker does not care.
        #expect(read.count == Set(read).count)
        #expect(Set(read) == Set(expected))
        #expect(read.contains("-lswiftCore"))
        #expect(read.contains("-lFoundation"))
    }

    @Test func anythingElseIsNotReadAsAnObject() {
        #expect(AutolinkEntries.parse(Data()) == nil)
        #expect(AutolinkEntries.parse(Data("#!/bin/sh\necho hi\n".utf8)) == nil)
        var header = [UInt8](repeating: 0, count: 64)
        header[0...5] = [0x7f, 0x45, 0x4c, 0x46, 2, 1]
        header[0x28] = 0xff  // a section table past the end of the file
        header[0x3A] = 64
        header[0x3C] = 3
        header[0x3E] = 1
        #expect(AutolinkEntries.parse(Data(header)) == nil)
        #expect(AutolinkEntries.read(objectAt: "/nonexistent/object.o") == nil)
    }
}
