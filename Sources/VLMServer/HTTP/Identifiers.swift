#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// 32 lowercase hex digits, like Python's `uuid4().hex` in vLLM's ids.
func randomHexId() -> String {
    UUID().uuidString.lowercased().filter { $0 != "-" }
}

/// Seconds since 1970, the `created` field.
func unixTime() -> Int {
    Int(Date().timeIntervalSince1970)
}
