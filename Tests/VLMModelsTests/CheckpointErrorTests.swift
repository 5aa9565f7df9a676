import Foundation
import Testing
import VLMCompute
@testable import VLMModels

/// Damaged checkpoints give typed errors that name what is wrong.
@Suite struct CheckpointErrorTests {
    private func load(_ scratch: ScratchCheckpoint) throws {
        _ = try ModelRegistry.load(directory: scratch.directory, backend: CPUBackend())
    }

    @Test func missingTensorIsNamed() throws {
        let scratch = try ScratchCheckpoint(copying: "qwen2-vl-tiny")
        defer { scratch.delete() }
        let name = "model.layers.1.mlp.up_proj.weight"
        try scratch.write("model.safetensors", ScratchCheckpoint.rewrite(try scratch.original("model.safetensors"), dropping: name))
        #expect(throws: CheckpointError.missingTensor(name: name, directory: scratch.directory)) { try load(scratch) }
    }

    @Test func wrongShapeIsNamed() throws {
        let scratch = try ScratchCheckpoint(copying: "qwen2-vl-tiny")
        defer { scratch.delete() }
        let data = try ScratchCheckpoint.rewrite(try scratch.original("model.safetensors"), reshaping: ("model.norm.weight", [63]))
        try scratch.write("model.safetensors", data)
        #expect(throws: CheckpointError.wrongShape(tensor: "model.norm.weight", expected: [64], found: [63])) { try load(scratch) }
    }

    @Test func wrongShapeKeepsTheStoredNameOfNewLayoutCheckpoints() throws {
        let scratch = try ScratchCheckpoint(copying: "qwen2.5-vl-tiny")
        defer { scratch.delete() }
        let shard = "model-00002-of-00002.safetensors"
        try scratch.write(shard, ScratchCheckpoint.rewrite(try scratch.original(shard), reshaping: ("model.language_model.norm.weight", [47])))
        #expect(throws: CheckpointError.wrongShape(tensor: "model.language_model.norm.weight", expected: [48], found: [47])) {
            try load(scratch)
        }
    }

    @Test func truncatedShardNamesTheTensorCutOff() throws {
        let scratch = try ScratchCheckpoint(copying: "qwen2.5-vl-tiny")
        defer { scratch.delete() }
        let shard = "model-00002-of-00002.safetensors"
        let data = try scratch.original(shard)
        try scratch.write(shard, data.prefix(data.count - 1000))
        let expected = CheckpointError.truncated(file: scratch.directory + "/" + shard, tensor: "lm_head.weight",
                                                 expectedBytes: data.count, actualBytes: data.count - 1000)
        #expect(throws: expected) { try load(scratch) }
    }

    @Test func missingShardFileIsNamed() throws {
        let scratch = try ScratchCheckpoint(copying: "qwen2.5-vl-tiny")
        defer { scratch.delete() }
        try scratch.remove("model-00001-of-00002.safetensors")
        let expected = CheckpointError.missingShard(file: "model-00001-of-00002.safetensors",
                                                    index: scratch.directory + "/model.safetensors.index.json")
        #expect(throws: expected) { try load(scratch) }
    }

    @Test func unknownModelTypeListsTheSupportedOnes() throws {
        let scratch = try ScratchCheckpoint(copying: "qwen2-vl-tiny")
        defer { scratch.delete() }
        try scratch.write("config.json", #"{"model_type": "llava", "hidden_size": 64}"#)
        let expected = ModelConfigError.unknownModelType("llava", file: scratch.directory + "/config.json", known: ["qwen2_vl", "qwen2_5_vl"])
        #expect(throws: expected) { try load(scratch) }
    }

    @Test func malformedConfigIsReportedWithItsPosition() throws {
        let scratch = try ScratchCheckpoint(copying: "qwen2-vl-tiny")
        defer { scratch.delete() }
        try scratch.write("config.json", "{\"model_type\": \"qwen2_vl\",\n  \"hidden_size\": 64,,\n}")
        let error = #expect(throws: ModelConfigError.self) { try load(scratch) }
        guard case let .malformed(file, reason)? = error else {
            Issue.record("expected .malformed, got \(String(describing: error))")
            return
        }
        #expect(file == scratch.directory + "/config.json")
        #expect(reason == "invalid JSON at line 2, column 21: expected a string key")
    }

    @Test func missingRMSNormEpsIsNotGuessed() throws {
        let scratch = try ScratchCheckpoint(copying: "qwen2-vl-tiny")
        defer { scratch.delete() }
        let config = String(decoding: try scratch.original("config.json"), as: UTF8.self)
            .replacingOccurrences(of: "\"rms_norm_eps\": 1e-06,", with: "")
        try scratch.write("config.json", config)
        let expected = ModelConfigError.missingField(file: scratch.directory + "/config.json", key: "text_config.rms_norm_eps",
                                                     hint: "Qwen2-VL checkpoints set it (1e-6)")
        #expect(throws: expected) { try load(scratch) }
    }

    @Test func unsupportedDTypeIsNamed() throws {
        let scratch = try ScratchCheckpoint(copying: "qwen2-vl-tiny")
        defer { scratch.delete() }
        let header = #"{"model.norm.weight":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#
        var data = Data((0 ..< 8).map { UInt8(truncatingIfNeeded: header.utf8.count >> (8 * $0)) })
        data.append(Data(header.utf8))
        data.append(Data(count: 8))
        try scratch.write("model.safetensors", data)
        let expected = CheckpointError.unsupportedDType(tensor: "model.norm.weight", dtype: "I64",
                                                        file: scratch.directory + "/model.safetensors")
        #expect(throws: expected) { try load(scratch) }
    }
}

/// Hostile safetensors headers are refused with an error, never a trap.
@Suite struct HostileSafetensorsTests {
    private func file(header: String, headerLength: UInt64? = nil, payload: Int = 0) -> Data {
        let length = headerLength ?? UInt64(header.utf8.count)
        var data = Data((0 ..< 8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) })
        data.append(Data(header.utf8))
        data.append(Data(count: payload))
        return data
    }

    private func open(_ data: Data) throws {
        let scratch = try ScratchCheckpoint(copying: "qwen2-vl-tiny")
        defer { scratch.delete() }
        try scratch.write("model.safetensors", data)
        _ = try Checkpoint(directory: scratch.directory)
    }

    @Test(arguments: [
        #"{"a": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 0]}}"#,
        #"{"a": {"dtype": "F32", "shape": [2305843009213693952], "data_offsets": [0, 0]}}"#,
        #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [9223372036854775803, 9223372036854775807]}}"#,
        #"{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#,
        #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}"#,
        #"{"a": {"dtype": "F32", "shape": "1", "data_offsets": [0, 4]}}"#,
        #"[1, 2]"#,
        #"{"a": "#,
    ])
    func malformedHeaderIsRefused(header: String) throws {
        #expect(throws: CheckpointError.self) { try open(file(header: header, payload: 16)) }
    }

    @Test func headerLongerThanTheFileIsTruncation() throws {
        #expect(throws: CheckpointError.self) { try open(file(header: "{}", headerLength: UInt64.max)) }
    }

    @Test func fileShorterThanItsLengthFieldIsTruncation() throws {
        #expect(throws: CheckpointError.self) { try open(Data([1, 2, 3])) }
    }
}
