#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where to look for a CUDA library: the file or folder named by an environment variable first, then the
/// sonames through the normal library search path.
enum LibraryLocations {
    static func candidates(variable: String, sonames: [String]) -> [String] {
        guard let value = getenv(variable).map({ String(cString: $0) }), !value.isEmpty else { return sonames }
        return isDirectory(value) ? sonames.map { value + "/" + $0 } : [value]
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Files in `folder` whose names start with `prefix`, sorted.
    static func files(in folder: String, prefix: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(prefix) { names.append(folder + "/" + name) }
        }
        return names.sorted()
    }

    /// The folder part of a path ("" for a bare name).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}
