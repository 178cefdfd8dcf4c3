import CellEngine
import Foundation
import Kernel
import Testing

/// Completion and inspection read the symbol graphs of exactly the modules cells import.
@Suite struct SymbolExtractionTests {
    @Test func extractionCoversTheModulesCellsImport() throws {
        let configuration = try EngineConfiguration.locate(executable: buildFolder() + "/swift-inference-worker")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("symbols-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let extracted = LibrarySymbolIndex.extract(
            swiftc: configuration.swiftc, moduleDirectory: configuration.modulesDirectory, outputDirectory: output)
        #expect(extracted)
        let index = LibrarySymbolIndex.load(directory: output)
        #expect(index.modules == Set(LibraryModules.visible))
        // One symbol from each, as a cell would complete it.
        #expect(index.symbols.contains { $0.module == "Inference" && $0.name == "Categorical" })
        #expect(index.symbols.contains { $0.module == "Figures" && $0.name == "Chart" })
        #expect(index.symbols.contains { $0.module == "CellRuntime" && $0.name == "display" })
    }

    /// The build folder this test bundle runs from (`.build/<config>`).
    private func buildFolder() -> String {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.path + "/libNotebookSupport.so"), folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.path
    }
}
