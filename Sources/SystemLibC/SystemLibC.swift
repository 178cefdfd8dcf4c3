// The one file that knows which C library this is.
//
// This project is built and tested on Linux only (x86-64, glibc; Debian's Swift 6.3 toolchain). The
// other modules write `internal import SystemLibC` and get the C library through it, so a port to
// another C library starts, and for the library's own names ends, here. macOS is not supported: the
// worker interposes glibc's `__getdelim`, reads ELF sections and links with `ld.lld`.

#if os(Linux)
#if canImport(Glibc)
@_exported public import Glibc
#elseif canImport(Musl)
@_exported public import Musl
#else
#error("no C library module: expected Glibc or Musl")
#endif
#else
#error("swift-inference-notebooks is built and tested on Linux only; see README.md (Platform)")
#endif

/// The C library's module names, for the source the engine generates for a cell.
public enum CLibraryModule {
    #if canImport(Glibc)
    /// The overlay module: the C functions plus Swift's `Float`/`Float80` overloads.
    public static let overlay = "Glibc"
    /// The C module alone, when it exists apart from the overlay. `lgamma` comes from here: the overlay adds
    /// `lgamma(_:) -> (Double, Int)`, which makes a bare `lgamma(5.0)` ambiguous (as it is in a script that
    /// imports Foundation on Linux).
    public static let cOnly: String? = "SwiftGlibc"
    #else
    public static let overlay = "Musl"
    public static let cOnly: String? = nil
    #endif
}
