import ArgumentParser

/// `vlm serve [MODEL]`: the OpenAI-compatible server. Until the server lands it says so and exits.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Start the OpenAI-compatible server.")

    @Argument(help: "Checkpoint folder; a built-in demo model when omitted.")
    var model: String?

    func run() throws {
        print("vlm \(VLMVersion.string): no model yet — the server is not built; see the open server issue.")
    }
}
