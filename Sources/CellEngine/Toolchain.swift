import Foundation
import Synchronization

/// What the Swift compiler says about itself, asked once per compiler per process: the engine keys its
/// cache on it, and the kernel and the runner report the version in `language_info`.
public enum Toolchain {
    private static let answers = Mutex<[String: String]>([:])

    /// The full text `swiftc --version` prints, or `nil` when the compiler cannot be run.
    public static func versionText(swiftc: String) -> String? {
        if let known = answers.withLock({ $0[swiftc] }) { return known }
        guard let result = try? ProcessRunner.run(swiftc, ["--version"]), result.status == 0 else { return nil }
        answers.withLock { $0[swiftc] = result.output }
        return result.output
    }

    /// The version number (`6.3.1`), or `nil` when the compiler cannot be run or read.
    public static func version(swiftc: String) -> String? {
        versionText(swiftc: swiftc).flatMap(versionNumber)
    }

    /// `Swift version 6.3.1 (swift-6.3.1-RELEASE)` → `6.3.1`.
    public static func versionNumber(in text: String) -> String? {
        guard let range = text.range(of: "Swift version ") else { return nil }
        let version = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        return version.isEmpty ? nil : String(version)
    }
}
