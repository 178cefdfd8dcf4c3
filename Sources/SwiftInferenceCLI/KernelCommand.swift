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
