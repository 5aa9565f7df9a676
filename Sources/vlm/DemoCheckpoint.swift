import Foundation
import Logging

/// The built-in demo `vlm serve` runs without MODEL: a tiny random-weight Qwen2-VL with the real tokenizer,
/// made on first run by the repository's `scripts/demo/make_demo.sh` (numpy + dashscope, ~20 s) into the
/// cache folder, then reused. Nothing of it is embedded in the binary.
enum DemoCheckpoint {
    static let folderName = "demo-qwen2-vl-tiny"

    /// `$VLM_CACHE_DIR`, else `$XDG_CACHE_HOME/vlm`, else `~/.cache/vlm`.
    static func cacheDirectory(environment: [String: String]) -> URL {
        if let explicit = environment["VLM_CACHE_DIR"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return URL(fileURLWithPath: xdg).appendingPathComponent("vlm") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/vlm")
    }

    /// The repository this binary was built from, where the demo script lives.
    static let builderScript = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/demo/make_demo.sh")

    /// The demo folder, built first if it is not there yet.
    static func prepare(logger: Logger, environment: [String: String]) throws -> String {
        let folder = cacheDirectory(environment: environment).appendingPathComponent(folderName)
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path) { return folder.path }
        guard FileManager.default.isExecutableFile(atPath: builderScript.path) else {
            throw DemoError("No demo checkpoint at \(folder.path), and the script that makes it (\(builderScript.path)) is not there: run `scripts/demo/make_demo.sh \(folder.path)` from a swift-vlm checkout, or give a checkpoint folder.")
        }
        logger.info("Building the demo checkpoint in \(folder.path) (first run only, about 20 s)...")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", builderScript.path, folder.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DemoError("Building the demo checkpoint failed (exit \(process.terminationStatus)); its output is above. It needs python3 with numpy and dashscope: pip install -r scripts/requirements-test.txt")
        }
        return folder.path
    }

    struct DemoError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
