import PackagePlugin

/// Turns the target's kernel sources (`*.cu`, `*.cuh`) into one Swift file of string constants, so the
/// binary carries its kernels and NVRTC compiles them at run time.
@main
struct EmbedKernels: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let sources = module.sourceFiles
            .filter { ["cu", "cuh"].contains($0.url.pathExtension) }
            .map(\.url)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedKernelSources.swift")
        return [.buildCommand(
            displayName: "Embedding \(sources.count) kernel sources",
            executable: try context.tool(named: "KernelEmbedder").url,
            arguments: [output.path] + sources.map(\.path),
            inputFiles: sources,
            outputFiles: [output])]
    }
}
