/// A package `%install` built: the shared library the worker loads and the modules cells compile against.
///
/// It lives in the engine's cache, `<cache>/packages/<key>/`, and joins the session's history as a *link
/// cell* (`CompiledCell.package`), so every later cell compiles with `-I modules` and links with `-L lib
/// -l<linkName>`, and a worker that replaces a crashed one loads the library again before the later cells run.
struct InstalledPackage: Sendable, Hashable, Codable {
    /// The cache key: a SHA-256 of the dependency, the products, the toolchain and (for a folder) its files.
    var key: String
    /// The dependency as the generated manifest writes it.
    var dependency: String
    var products: [String]
    /// The Swift modules cells can import (the products' modules and the modules they depend on).
    var modules: [String]
    /// The folder holding the `.swiftmodule` files.
    var modulesDirectory: String
    /// The folder holding the library.
    var libraryDirectory: String
    /// The library's name without `lib` and `.so` (the `-l` name): the wrapper product's name.
    var linkName: String

    var library: String { libraryDirectory + "/lib\(linkName).so" }

    /// What a cell compiled against the package depends on: the build and the folder its library is linked
    /// from (a cell's library names that folder in its run path), for the keys of the cells that use it.
    var identity: String { key + "@" + libraryDirectory }

    /// Arguments for `ld.lld`, after the object, that link a cell against the package.
    var linkerArguments: [String] { ["-L", libraryDirectory, "-l\(linkName)", "-rpath", libraryDirectory] }

    /// The same for the `swiftc` driver.
    var driverLinkArguments: [String] {
        ["-L", libraryDirectory, "-l\(linkName)", "-Xlinker", "-rpath", "-Xlinker", libraryDirectory]
    }
}
