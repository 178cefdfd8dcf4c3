import ArgumentParser

struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "kernel", abstract: "Not written yet.")

    func run() throws {
        throw ValidationError("'kernel' is not written yet")
    }
}
