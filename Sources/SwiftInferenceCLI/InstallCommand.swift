import ArgumentParser

struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "install", abstract: "Not written yet.")

    func run() throws {
        throw ValidationError("'install' is not written yet")
    }
}
