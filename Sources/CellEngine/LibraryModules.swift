/// The library modules cells are compiled against: the one list that the code generator, the cache
/// key, symbol extraction (completion and inspection), `install` and `doctor` all read.
public enum LibraryModules {
    /// The modules every cell imports, and whose public API completion and inspection show.
    public static let visible = ["Inference", "Figures", "CellRuntime"]

    /// The modules the visible ones import internally. Modules built without library evolution make
    /// their clients load what they import, so a cell's compile loads these too: Inference and Figures
    /// import NumericsCore, which imports WideKernels; CellRuntime imports WorkerProtocol, which imports
    /// NotebookJSON; all import SystemLibC. (WideKernels is resilient, so its C module stays hidden.)
    public static let supporting = ["NumericsCore", "WideKernels", "SystemLibC", "WorkerProtocol", "NotebookJSON"]

    /// Every `.swiftmodule` an installed kernel needs beside its support library.
    public static var installed: [String] { visible + supporting }
}
