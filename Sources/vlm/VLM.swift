import ArgumentParser

/// The `vlm` command: one binary for serving, generation and the inspection verbs our tests call.
@main
struct VLM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vlm",
        abstract: "Serve and run Qwen2-VL / Qwen2.5-VL vision-language models.",
        version: VLMVersion.string,
        subcommands: [
            ServeCommand.self,
            GenerateCommand.self,
            TokenizeCommand.self,
            DetokenizeCommand.self,
            RenderChatCommand.self,
            PreprocessCommand.self,
            SelftestCommand.self,
            CompileKernelsCommand.self,
        ]
    )
}

enum VLMVersion {
    static let string = "0.1.0"
}
