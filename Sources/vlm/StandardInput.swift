#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command's failure, printed by ArgumentParser as one line on stderr with a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}

enum StandardInput {
    /// All of stdin as bytes, exactly as sent.
    static func readAll() throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw CommandFailure(description: "cannot read stdin: \(String(cString: strerror(errno)))")
            }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    /// Stdin as text; it must be UTF-8.
    static func readText() throws -> String {
        guard let text = String(validating: try readAll(), as: UTF8.self) else {
            throw CommandFailure(description: "stdin is not valid UTF-8")
        }
        return text
    }
}
