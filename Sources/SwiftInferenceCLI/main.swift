import ArgumentParser

/// The project's one command-line tool.
struct SwiftInference: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swift-inference",
        abstract: "A Jupyter kernel and notebook runner for Swift lecture notebooks on variational inference.",
        subcommands: [KernelCommand.self, InstallCommand.self, ExecuteCommand.self, DoctorCommand.self, WarmCommand.self, MergeReportsCommand.self]
    )
}

SwiftInference.main()
