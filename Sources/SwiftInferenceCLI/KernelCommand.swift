import ArgumentParser
import CellEngine
import Foundation
import JupyterProtocol
import Kernel

/// `swift-inference kernel --connection-file F`: the Jupyter kernel process.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Run the Jupyter kernel (started by Jupyter from the kernelspec).")

    @Option(name: .long, help: "The connection file Jupyter wrote (ports, key, transport).")
    var connectionFile: String

    func run() throws {
        guard let text = try? String(contentsOfFile: connectionFile, encoding: .utf8) else {
            throw ValidationError("cannot read the connection file '\(connectionFile)'")
        }
        let connection = try ConnectionInfo(parsing: text)
        let temporary = PrivateTemporaryFolder.enter()
        defer { PrivateTemporaryFolder.leave(temporary) }
        let engine = try EngineLocation.locate()
        let setup = JupyterKernel.Setup(
            makeExecutor: { try CellSession(configuration: engine) },
            loadLibrarySymbols: {
                LibrarySymbolIndex.loadOrExtract(
                    swiftc: engine.swiftc, moduleDirectory: EngineLocation.moduleDirectory(engine),
                    cacheDirectory: engine.cacheDirectory)
            },
            swiftc: engine.swiftc)
        let kernel = try JupyterKernel(connection: connection, setup: setup)
        kernel.interruptOnSIGINT()
        kernel.run()
    }
}

/// Where the running executable and its companions live, in the build folder or the installed layout.
enum EngineLocation {
    /// The folder of the running executable (`.build/debug` or `<data>/swift-inference/bin`).
    static var executableDirectory: URL {
        let path =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The engine configuration for this executable.
    /// The engine configuration for this executable (build folder or installed layout).
    static func locate() throws -> EngineConfiguration {
        try EngineConfiguration.locate()
    }

    /// `$SWIFTC`, else `swiftc` on `PATH`, else the toolchain in `/opt/swift`.
    static func swiftc() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["SWIFTC"], FileManager.default.isExecutableFile(atPath: explicit) {
            return explicit
        }
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/swiftc"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path
            }
        }
        return "/opt/swift/usr/bin/swiftc"
    }

    /// The folder holding `Inference.swiftmodule`: `modules/` when installed, `Modules/` in a build folder.
    static func moduleDirectory(_ configuration: EngineConfiguration) -> String {
        let candidates = [
            configuration.modulesDirectory, configuration.supportDirectory + "/Modules",
            executableDirectory.deletingLastPathComponent().appendingPathComponent("modules").path,
            executableDirectory.appendingPathComponent("Modules").path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/Inference.swiftmodule") }
            ?? configuration.supportDirectory
    }
}
