import Foundation

/// Renders SVG to PNG with `rsvg-convert` (Debian `librsvg2-bin`) on a white background.
enum SVGRasterizer {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func executable() -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = directory + "/rsvg-convert"
            if FileManager.default.isExecutableFile(atPath: String(path)) { return String(path) }
        }
        return nil
    }

    static func png(_ svg: String) throws -> [UInt8] {
        guard let tool = executable() else {
            throw Failure(description: "rsvg-convert not found; install Debian package librsvg2-bin")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--format=png", "--background-color=white"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Write on another thread so a large SVG cannot dead-lock against a full output pipe.
        let data = Data(svg.utf8)
        let writer = Thread {
            input.fileHandleForWriting.write(data)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let png = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "rsvg-convert failed: \(String(decoding: message, as: UTF8.self))")
        }
        return [UInt8](png)
    }
}
