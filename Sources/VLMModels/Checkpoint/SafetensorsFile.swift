#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VLMCompute
import VLMJSON

/// One memory-mapped `.safetensors` file: an 8-byte little-endian header length, a JSON header
/// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`, then the raw row-major data.
/// Tensors are views into the mapping (no copy); the mapping lives as long as any of them.
struct SafetensorsFile {
    struct Entry {
        let dtype: DType
        let shape: [Int]
        /// Byte offset in the file.
        let offset: Int
        var byteCount: Int { shape.reduce(1, *) * dtype.byteSize }
    }

    let path: String
    let entries: [String: Entry]
    /// Names in header order (for stable error messages and listings).
    let names: [String]
    private let storage: TensorStorage

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CheckpointError.unreadable(file: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CheckpointError.unreadable(file: path, reason: String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        guard size >= 8 else { throw CheckpointError.truncated(file: path, tensor: nil, expectedBytes: 8, actualBytes: size) }
        guard let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapping != MAP_FAILED else {
            throw CheckpointError.unreadable(file: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        storage = TensorStorage(address: mapping, byteCount: size, location: "cpu") { address, length in
            munmap(address, length)
        }
        let declaredLength = UInt64(littleEndian: UnsafeRawPointer(mapping).loadUnaligned(as: UInt64.self))
        guard declaredLength <= UInt64(size - 8) else {
            let expected = declaredLength > UInt64(Int.max - 8) ? Int.max : 8 + Int(declaredLength)
            throw CheckpointError.truncated(file: path, tensor: nil, expectedBytes: expected, actualBytes: size)
        }
        let headerLength = Int(declaredLength)
        let header: JSONValue
        do {
            header = try JSONParser.parse(UnsafeRawBufferPointer(start: mapping + 8, count: headerLength))
        } catch {
            throw CheckpointError.malformedHeader(file: path, reason: "\(error)")
        }
        guard let object = header.objectValue else {
            throw CheckpointError.malformedHeader(file: path, reason: "the header is not a JSON object")
        }
        let dataStart = 8 + headerLength
        var entries: [String: Entry] = [:]
        var names: [String] = []
        for (name, value) in object where name != "__metadata__" {
            let entry = try Self.entry(name: name, value: value, dataStart: dataStart, path: path)
            entries[name] = entry
            names.append(name)
        }
        // Report the first tensor (in file order) that the file does not fully contain.
        let cut = entries.filter { $0.value.offset + $0.value.byteCount > size }.min { $0.value.offset < $1.value.offset }
        if let (name, entry) = cut {
            throw CheckpointError.truncated(file: path, tensor: name, expectedBytes: entry.offset + entry.byteCount, actualBytes: size)
        }
        self.entries = entries
        self.names = names
    }

    /// The tensor `name` as a view into the mapping.
    func tensor(_ name: String) -> Tensor? {
        guard let entry = entries[name] else { return nil }
        return Tensor(storage: storage, byteOffset: entry.offset, shape: entry.shape, dtype: entry.dtype)
    }

    private static func entry(name: String, value: JSONValue, dataStart: Int, path: String) throws -> Entry {
        guard let dtypeName = value["dtype"]?.stringValue,
              let shapeValues = value["shape"]?.arrayValue,
              let offsets = value["data_offsets"]?.arrayValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, end >= begin
        else {
            throw CheckpointError.malformedHeader(file: path, reason: "entry \(name) lacks dtype, shape or data_offsets")
        }
        let dtype: DType
        switch dtypeName {
        case "BF16": dtype = .bf16
        case "F16": dtype = .f16
        case "F32": dtype = .f32
        default: throw CheckpointError.unsupportedDType(tensor: name, dtype: dtypeName, file: path)
        }
        var shape: [Int] = []
        var count = 1
        for dimension in shapeValues {
            guard let d = dimension.intValue, d >= 0, count.multipliedReportingOverflow(by: d).overflow == false else {
                throw CheckpointError.malformedHeader(file: path, reason: "entry \(name) has an invalid shape")
            }
            shape.append(d)
            count *= d
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, end - begin == bytes, end <= Int.max - dataStart else {
            throw CheckpointError.malformedHeader(
                file: path, reason: "entry \(name) spans \(end - begin) bytes, which does not hold shape \(shape) of \(dtypeName)")
        }
        return Entry(dtype: dtype, shape: shape, offset: dataStart + begin)
    }
}
