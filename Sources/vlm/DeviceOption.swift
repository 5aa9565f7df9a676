import ArgumentParser
import VLMCompute
import VLMCUDA

/// Which backend runs the model: `--device cpu` (the exact reference) or `--device cuda` (the GPU; on a
/// machine without the NVIDIA driver this fails with "no CUDA driver: ...").
enum Device: String, ExpressibleByArgument, CaseIterable {
    case cpu, cuda
}

struct DeviceOption: ParsableArguments {
    @Option(help: "Backend: cpu or cuda.")
    var device: Device = .cpu

    @Option(help: "CUDA device index.")
    var deviceIndex = 0

    /// The backend, bf16 activations on CUDA unless `activations` says otherwise.
    func makeBackend(activations: DType = .bf16) throws -> Backend {
        switch device {
        case .cpu: return CPUBackend()
        case .cuda: return try makeCUDABackend(activations: activations)
        }
    }

    func makeCUDABackend(activations: DType = .bf16, split: PagedAttentionSplit = .automatic) throws -> CUDABackend {
        try CUDABackend(options: CUDABackendOptions(activationType: activations, deviceIndex: deviceIndex, pagedAttentionSplit: split))
    }
}
