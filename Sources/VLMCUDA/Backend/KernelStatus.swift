/// The codes kernels leave in the status word (Kernels/common.cuh, STATUS_*).
enum KernelStatus {
    static func describe(_ code: Int32) -> String {
        switch code {
        case 1: return "embedding: a token id is outside the embedding table"
        case 2: return "gatherRows: an index is outside the source rows"
        case 3: return "writeKV: a slot is outside the KV cache"
        case 4: return "pagedAttention: a block table entry is outside the KV cache"
        case 5: return "segmentAttention: the segment offsets do not cover the rows in order"
        case 6: return "pagedAttention: the query starts are not increasing within the batch"
        case 7: return "rotaryTable: a frequency's axis is not a row of the positions"
        case 8: return "pagedAttention: a sequence's keys exceed maxKeyLength"
        default: return "status code \(code)"
        }
    }
}
