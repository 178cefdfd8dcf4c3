import CellEngine
import Foundation
import Testing

/// `LibraryModules.installed` is exactly what a cell's compile needs: a folder holding just those
/// `.swiftmodule`s compiles a cell that uses the library, and without any one of the supporting modules
/// it does not.
@Suite struct LibraryModulesTests {
    private let cell = """
        import Inference
        import Figures
        import CellRuntime
        let fair = try Categorical(probabilities: [0.5, 0.5])
        display(Table(columns: ["KL"], rows: [[try klDivergence(fair, fair)]]))
        """

    /// Type-checks `cell` against a fresh folder holding the named modules from the build folder.
    private func typeCheck(with modules: [String]) throws -> (status: Int32, output: String) {
        let configuration = try testConfiguration()
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("library-modules-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for module in modules {
            try FileManager.default.copyItem(
                atPath: configuration.modulesDirectory + "/\(module).swiftmodule",
                toPath: folder.appendingPathComponent("\(module).swiftmodule").path)
        }
        let source = folder.appendingPathComponent("main.swift")
        try cell.write(to: source, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: configuration.swiftc)
        process.arguments = ["-typecheck", "-I", folder.path, source.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func theInstalledModulesAreEnoughForACell() throws {
        let checked = try typeCheck(with: LibraryModules.installed)
        #expect(checked.status == 0, "\(checked.output)")
    }

    @Test(arguments: LibraryModules.supporting)
    func eachSupportingModuleIsNeeded(_ left: String) throws {
        let checked = try typeCheck(with: LibraryModules.installed.filter { $0 != left })
        #expect(checked.status != 0)
        #expect(checked.output.contains("missing required module '\(left)'"), "\(checked.output)")
    }
}
