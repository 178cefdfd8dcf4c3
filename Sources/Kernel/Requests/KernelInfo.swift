import Foundation
import CellEngine
import JupyterProtocol
import NotebookJSON

/// The `kernel_info_reply` content and the toolchain version it reports.
public enum KernelInfo {
    /// The kernel's own version.
    public static let implementationVersion = "0.1.0"

    /// The `kernel_info_reply` content.
    /// - Parameter swiftVersion: the version of the toolchain that compiles cells, e.g. `6.3.1`.
    public static func content(swiftVersion: String) -> JSONValue {
        [
            "status": "ok",
            "protocol_version": .string(MessageFactory.protocolVersion),
            "implementation": "swift-inference",
            "implementation_version": .string(implementationVersion),
            "language_info": [
                "name": "swift",
                "version": .string(swiftVersion),
                "mimetype": "text/x-swift",
                "file_extension": ".swift",
                "pygments_lexer": "swift",
                "codemirror_mode": "swift",
            ],
            "banner": .string(
                "Swift \(swiftVersion) — cells are compiled with swiftc and run against the Inference, Figures "
                    + "and CellRuntime modules.\nShift-Tab inspects a name; Tab completes."),
            "help_links": [
                ["text": "The Swift Programming Language", "url": "https://docs.swift.org/swift-book/"],
                [
                    "text": "Swift Standard Library",
                    "url": "https://developer.apple.com/documentation/swift/swift-standard-library",
                ],
                [
                    "text": "Jupyter messaging protocol",
                    "url": "https://jupyter-client.readthedocs.io/en/latest/messaging.html",
                ],
            ],
            "debugger": false,
        ]
    }

    /// The version `swiftc --version` prints (`6.3.1`), or `nil` when it cannot be run.
    /// - Parameter swiftc: the compiler's path.
    public static func toolchainVersion(swiftc: String) -> String? {
        Toolchain.version(swiftc: swiftc)
    }

    /// The version of the compiler that built the kernel: the fallback when `swiftc` cannot be asked.
    static var builtWith: String {
        #if compiler(>=6.4)
            "6.4"
        #elseif compiler(>=6.3)
            "6.3"
        #elseif compiler(>=6.2)
            "6.2"
        #else
            "6"
        #endif
    }
}
