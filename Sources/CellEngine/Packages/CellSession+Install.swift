import Foundation

// `%install`: build a Swift package and make its products importable in the cells that follow.
//
// The package is built (or found in the cache) by `PackageBuilder`; then a *link cell* is compiled, whose
// library links the package's library, and run like a cell: the worker loads it with `RTLD_GLOBAL`, which
// loads the package. The link cell joins the history with its package, so later cells compile with the
// package's modules and link its library, and after a crash the replay loads the package again before the
// cells that use it. Nothing of the session is touched before the build has succeeded.

extension CellSession {
    /// The longest a package build may take.
    static let packageBuildLimit: Duration = PackageBuilder.defaultBuildLimit

    /// The packages this session has installed, oldest first.
    var installedPackages: [InstalledPackage] { history.compactMap(\.package) }

    func install(_ invocation: MagicInvocation) -> Result<CellSuccess, CellFailure> {
        let onEvent = invocation.request.onEvent
        var request: PackageRequest
        do throws(MagicUsageError) {
            request = try PackageRequest(parsing: invocation.line.argument)
        } catch {
            return .failure(error.failure)
        }
        if case .path(let path) = request.source { request.source = .path(resolvedPackagePath(path)) }
        let what = "\(request.products.joined(separator: ", ")) from \(request.source.manifestText)"

        let builder = PackageBuilder(
            root: compiler.layers.writable.root.appendingPathComponent("packages"), swiftc: configuration.swiftc,
            buildLimit: Self.packageBuildLimit, lockLimit: Self.packageBuildLimit + .seconds(60), stop: compiler.shouldStop)
        let installed = installedPackages
        do {
            let key = try builder.key(for: request)
            if installed.contains(where: { $0.key == key }) {
                onEvent(.stream(.stdout, "\(what) is already installed in this session.\n"))
                return .success(CellSuccess(result: nil))
            }
            if let earlier = installed.first(where: { $0.dependency == request.source.manifestText && $0.products == request.products }) {
                throw PackageBuilder.Failure(message: Self.alreadyLoaded(earlier, why: "the package has changed since it was installed"))
            }
        } catch let failure as PackageBuilder.Failure {
            return .failure(Self.installFailure(failure))
        } catch {
            return .failure(Self.installFailure(PackageBuilder.Failure(message: "\(error)")))
        }

        let outcome: PackageBuilder.Outcome
        do {
            onEvent(.stream(.stdout, "Installing \(what)\n"))
            outcome = try builder.install(request) { text in onEvent(.stream(.stdout, text)) }
        } catch let failure as PackageBuilder.Failure {
            return .failure(Self.installFailure(failure))
        } catch {
            return .failure(Self.installFailure(PackageBuilder.Failure(message: "\(error)")))
        }
        let package = outcome.package
        // A module of the kernel's own library would meet its namesake in every cell's compile.
        if let own = package.modules.first(where: LibraryModules.installed.contains) {
            return .failure(Self.installFailure(PackageBuilder.Failure(
                message: "the package has a module named \(own), as the kernel's own library does; cells cannot import both, so it is not loaded")))
        }
        // Two libraries holding one module cannot both be loaded into the worker.
        if let clash = installed.first(where: { !Set($0.modules).isDisjoint(with: package.modules) }) {
            let shared = Set(clash.modules).intersection(package.modules).sorted().joined(separator: ", ")
            return .failure(Self.installFailure(PackageBuilder.Failure(message: Self.alreadyLoaded(clash, why: "it also holds \(shared)"))))
        }

        let link: CellCompiler.Output
        do {
            link = try compiler.compileLink(package)
        } catch {
            return .failure(Self.installFailure(PackageBuilder.Failure(message: "cannot link the package for the cells: \(error)")))
        }
        let result = executeLocked(
            "", options: invocation.request.options, onEvent: onEvent, onInput: nil,
            mode: RunMode(displaySource: invocation.request.code, link: (link, package)))
        guard case .success = result else { return result }

        let modules = package.modules.isEmpty
            ? "The package has no Swift module to import (its code is loaded)."
            : "Cells can now import \(package.modules.joined(separator: ", "))."
        switch outcome {
        case .built(_, let took):
            onEvent(.stream(.stdout, "Built in \(Self.seconds(took)) and kept in the package cache. \(modules)\n"))
        case .cached:
            onEvent(.stream(.stdout, "Found in the package cache (built earlier; nothing to build). \(modules)\n"))
        }
        return result
    }

    /// A package path as the cells see it: `~` is the home folder, a relative path starts in the cells' folder.
    func resolvedPackagePath(_ path: String) -> String {
        var expanded = path
        if expanded == "~" || expanded.hasPrefix("~/") {
            expanded = FileManager.default.homeDirectoryForCurrentUser.path + expanded.dropFirst()
        }
        if !expanded.hasPrefix("/") {
            let base = workerDirectory ?? configuration.workingDirectory ?? FileManager.default.currentDirectoryPath
            expanded = base + "/" + expanded
        }
        var standardized = URL(fileURLWithPath: expanded).standardizedFileURL.path
        while standardized.count > 1 && standardized.hasSuffix("/") { standardized.removeLast() }
        return standardized
    }

    private static func alreadyLoaded(_ earlier: InstalledPackage, why: String) -> String {
        "this session already loaded \(earlier.products.joined(separator: ", ")) from \(earlier.dependency), and \(why); "
            + "a worker cannot load two builds of one module: restart the kernel (or %reset -f), then %install again"
    }

    private static func installFailure(_ failure: PackageBuilder.Failure) -> CellFailure {
        var traceback = ["InstallError: \(failure.message)"]
        // SwiftPM's error lines as it wrote them (with the file and line of a compile error).
        traceback += failure.details.filter { $0 != failure.message }
        traceback.append("Nothing was installed; the session's variables and definitions are unchanged.")
        return CellFailure(kind: failure.kind, name: "InstallError", message: failure.message, traceback: traceback)
    }

    private static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        return String(format: "%.1f s", value)
    }
}
