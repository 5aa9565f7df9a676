import Foundation

/// A temporary folder for `--allowed-local-media-path` tests: `allowed/ok.png`, a symlink inside it
/// that points outside, and `outside.png` next to it. Its paths are known at once (test arguments
/// quote them); `create()` writes the files.
struct MediaFolder {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("vlm-server-tests-\(UUID().uuidString)")
    var allowed: URL { root.appendingPathComponent("allowed") }

    func create() throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("allowed"), withIntermediateDirectories: true)
        try pngHeader(width: 28, height: 28).write(to: root.appendingPathComponent("allowed/ok.png"))
        try pngHeader(width: 28, height: 28).write(to: root.appendingPathComponent("outside.png"))
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("allowed/escape.png"), withDestinationURL: root.appendingPathComponent("outside.png"))
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
