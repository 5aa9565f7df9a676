#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `file://` media, only from below `--allowed-local-media-path`. The path is resolved first (`..` and
/// symlinks followed), so a link or a `..` that leaves the folder is refused like any outside path.
struct LocalMediaAccess: Sendable {
    /// The allowed folder, resolved; nil: no local files at all.
    let root: String?

    /// Resolves and checks the folder once at start-up.
    init(allowedPath: String?) throws {
        guard let allowedPath, !allowedPath.isEmpty else { root = nil; return }
        guard let resolved = Self.resolve(allowedPath) else {
            throw ServeConfigurationError("Invalid `--allowed-local-media-path`: The path \(allowedPath) does not exist.")
        }
        var status = stat()
        guard stat(resolved, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
            throw ServeConfigurationError("Invalid `--allowed-local-media-path`: The path \(resolved) must be a directory.")
        }
        root = resolved
    }

    static func resolve(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    func read(_ url: URL, maxBytes: Int) throws -> [UInt8] {
        guard let root else {
            throw APIError.badRequest("Cannot load local files without `--allowed-local-media-path`.")
        }
        let host = url.host() ?? ""
        guard host.isEmpty || host == "localhost" else {
            throw APIError.badRequest("A file URL must name a local path (file:///path), not the host `\(host)`.")
        }
        let path = url.path(percentEncoded: false)
        // One message whether the file is missing or outside: no probing of what exists elsewhere.
        guard let resolved = Self.resolve(path), resolved.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw APIError.badRequest("The file path \(path) must be an existing file and a subpath of `--allowed-local-media-path \(root)`.")
        }
        var status = stat()
        guard stat(resolved, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw APIError.badRequest("The file path \(path) is not a regular file.")
        }
        guard Int(status.st_size) <= maxBytes else {
            throw APIError.badRequest("The file \(path) has \(status.st_size) bytes, more than the \(maxBytes) this server accepts.")
        }
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw APIError.badRequest("The file \(path) could not be read.")
        }
        return [UInt8](data)
    }
}
