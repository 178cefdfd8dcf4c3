import ArgumentParser

struct ExecuteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "execute", abstract: "Not written yet.")

    func run() throws {
        throw ValidationError("'execute' is not written yet")
    }
}
