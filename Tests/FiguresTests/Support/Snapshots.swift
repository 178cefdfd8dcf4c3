import Foundation

/// Stored expected outputs beside the tests; `RECORD_SNAPSHOTS=1` rewrites them.
enum Snapshots {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Snapshots")

    static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" }

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name + ".svg") }

    /// Compares with the stored snapshot (or records it); returns the stored text, or nil if missing.
    static func stored(_ name: String, actual: String) throws -> String? {
        let url = url(name)
        if recording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return actual
        }
        return try? String(contentsOf: url, encoding: .utf8)
    }
}
