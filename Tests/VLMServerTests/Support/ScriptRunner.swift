import Foundation

/// Runs a client script from `Tests/VLMServerTests/Clients` without blocking a thread of the
/// concurrency pool (the server under test runs on it), output gathered in a temporary file.
enum ScriptRunner {
    static let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Clients")

    struct Result {
        var status: Int32
        var output: String
    }

    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> Result {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("vlm-client-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw TestFailure("cannot create \(log.path)") }
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.currentDirectoryURL = clients
        process.standardOutput = handle
        process.standardError = handle
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
            // A script that hangs is stopped, and fails.
            Task {
                try await Task.sleep(for: timeout)
                if process.isRunning { process.terminate() }
            }
        }
        try handle.close()
        return Result(status: status, output: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
