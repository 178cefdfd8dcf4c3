import Foundation
internal import SystemLibC

/// The exact compiler and linker command lines for a cell, worked out once by asking the drivers what they
/// would run (`swiftc -###`, `clang -###`), then filled in for each cell.
///
/// Going through `swiftc` costs a cell seven processes: the driver, two front-end jobs that both parse
/// and type-check (one for the object, one for the module), and for linking the driver again, the
/// autolink extractor, clang and lld. The recipe runs three: one front-end job that writes both object
/// and module, the autolink extractor, and lld. The command lines are the drivers' own, so flags, search
/// paths and start files stay exactly what the toolchain would use; when the drivers print something
/// this code does not understand, there is no recipe and the engine compiles through `swiftc` as before.
struct CompileRecipe: Sendable, Codable, Equatable {
    /// The front end's arguments (first element the executable), with placeholders.
    var compile: [String]
    /// The autolink extractor, which lists the libraries an object file asks for.
    var autolinkExtract: String
    /// lld's arguments (first element the executable), with placeholders; the autolinked libraries
    /// go right after the object.
    var link: [String]

    enum Placeholder {
        static let source = "SWINF_PLACEHOLDER_SOURCE.swift"
        static let modulePath = "SWINF_PLACEHOLDER_MODULE_PATH"
        static let moduleName = "SWINF_PLACEHOLDER_MODULE"
        static let object = "SWINF_PLACEHOLDER_OBJECT.o"
        static let library = "SWINF_PLACEHOLDER_LIBRARY.so"
    }

    /// The driver arguments that compile a cell: one whole-module job writing object and module together.
    static func driverCompileArguments(
        source: String, moduleName: String, modulePath: String, object: String, includes: [String]
    ) -> [String] {
        var arguments = ["-wmo", "-no-emit-module-separately-wmo", "-c", source, "-module-name", moduleName]
        arguments += ["-emit-module-path", modulePath + ".swiftmodule"]
        arguments += CellCompiler.flags
        arguments += ["-diagnostic-style", "llvm", "-no-color-diagnostics"]
        for folder in includes { arguments += ["-I", folder] }
        arguments += ["-Xfrontend", "-entry-point-function-name", "-Xfrontend", "\(moduleName)_main", "-o", object]
        return arguments
    }

    static func driverLinkArguments(object: String, library: String) -> [String] {
        ["-emit-library", object, "-o", library, "-use-ld=lld"]
    }

    /// The compile command for one cell.
    func compileCommand(source: String, moduleName: String, modulePath: String, object: String) -> [String] {
        compile.map {
            $0.replacingOccurrences(of: Placeholder.source, with: source)
                .replacingOccurrences(of: Placeholder.modulePath, with: modulePath)
                .replacingOccurrences(of: Placeholder.moduleName, with: moduleName)
                .replacingOccurrences(of: Placeholder.object, with: object)
        }
    }

    /// The link command for one cell, given the libraries its object asks for.
    func linkCommand(object: String, library: String, autolinked: [String]) -> [String] {
        var command: [String] = []
        for argument in link {
            if argument == Placeholder.object {
                command.append(object)
                command += autolinked
            } else {
                command.append(argument.replacingOccurrences(of: Placeholder.library, with: library))
            }
        }
        return command
    }

    // MARK: Working the recipe out

    /// Asks the drivers for their command lines; `nil` when their answers are not as expected.
    static func derive(swiftc: String, includes: [String]) -> CompileRecipe? {
        let compileJobs = jobs(swiftc, ["-###"] + driverCompileArguments(
            source: Placeholder.source, moduleName: Placeholder.moduleName, modulePath: Placeholder.modulePath,
            object: Placeholder.object, includes: includes))
        guard let compileJobs, compileJobs.count == 1, let compile = compileJobs.first,
              compile.first.map({ $0.hasSuffix("swift-frontend") }) == true,
              compile.contains(Placeholder.object), compile.contains(Placeholder.source)
        else { return nil }

        // clang drops inputs that do not exist, so the link is worked out on an empty object file, in a
        // folder of this process's own (not Foundation's replacement folder: /tmp/TemporaryItems belongs to
        // whichever user made it first, mode 700, and every other user's kernel then fails).
        guard let folder = privateScratchFolder() else { return nil }
        defer { try? FileManager.default.removeItem(at: folder) }
        let object = folder.appendingPathComponent(Placeholder.object).path
        guard FileManager.default.createFile(atPath: object, contents: Data()),
              let linkJobs = jobs(swiftc, ["-###"] + driverLinkArguments(
                object: object, library: Placeholder.library)),
              linkJobs.count == 2,
              let extract = linkJobs[0].first, extract.hasSuffix("swift-autolink-extract"),
              var clang = linkJobs.last, clang.first.map({ $0.hasSuffix("clang") }) == true
        else { return nil }
        // The driver hands clang the extracted libraries in a response file; the recipe adds them itself.
        clang.removeAll { $0.hasPrefix("@") && $0.hasSuffix(".autolink") }
        guard let clangJobs = jobs(clang[0], ["-###"] + clang.dropFirst()), clangJobs.count == 1,
              let link = clangJobs.first.map({ $0.map { $0 == object ? Placeholder.object : $0 } }), link.first.map({ $0.hasSuffix("lld") }) == true,
              link.filter({ $0 == Placeholder.object }).count == 1, link.contains(Placeholder.library)
        else { return nil }
        return CompileRecipe(compile: compile, autolinkExtract: extract, link: link)
    }

    /// A new folder only this process uses, made by `mkdtemp` (mode 700) in `$TMPDIR`, else `/tmp`: a
    /// unique name per call, so users sharing `/tmp` never meet in it.
    private static func privateScratchFolder() -> URL? {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/swift-inference-recipe-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else { return nil }
        return URL(fileURLWithPath: String(cString: made))
    }

    /// The commands a driver prints for `-###`, one argument list per job.
    private static func jobs(_ executable: String, _ arguments: [String]) -> [[String]]? {
        guard let result = try? ProcessRunner.run(executable, arguments), result.status == 0 else { return nil }
        let commands = result.output.split(separator: "\n").compactMap { line -> [String]? in
            let words = ShellWords.split(String(line))
            // clang also prints its version, target and install folder; commands start with a path.
            guard let first = words?.first, first.hasPrefix("/") else { return nil }
            return words
        }
        return commands.isEmpty ? nil : commands
    }
}

/// Splits a command line as a POSIX shell would (single quotes, double quotes with backslash escapes,
/// backslash escapes outside quotes); `nil` for an unterminated quote.
enum ShellWords {
    static func split(_ line: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            switch character {
            case " ", "\t":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" { closed = true; break }
                    current.append(next)
                }
                if !closed { return nil }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" { closed = true; break }
                    if next == "\\", let escaped = iterator.next() {
                        current.append(escaped)
                    } else {
                        current.append(next)
                    }
                }
                if !closed { return nil }
            case "\\":
                inWord = true
                if let escaped = iterator.next() { current.append(escaped) }
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
