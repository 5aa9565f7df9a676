// Vision embeddings by content hash within a budget of embedding rows (vLLM's EncoderCacheManager).
// An entry is reserved when the scheduler plans the chunk that needs it, filled by the encoder in that
// step, and kept while a sequence still has placeholder tokens of it to compute; after that it stays as
// a reusable leftover until its space is needed (least recently released first).

import VLMCompute

final class EncoderCache {
    private struct Entry {
        var rows: Int
        var embeddings: Tensor?
        var users: Set<ObjectIdentifier>
    }

    let capacity: Int
    private var entries: [String: Entry] = [:]
    /// Entries nobody uses, oldest first.
    private var leftovers: [String] = []
    private var usedRows = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    func contains(_ hash: String) -> Bool { entries[hash] != nil }

    func embeddings(_ hash: String) -> Tensor? { entries[hash]?.embeddings }

    /// Whether `rows` more rows fit next to `pendingRows` already planned, evicting leftovers if needed.
    func canReserve(rows: Int, pendingRows: Int) -> Bool {
        let leftoverRows = leftovers.reduce(0) { $0 + (entries[$1]?.rows ?? 0) }
        return capacity - usedRows + leftoverRows >= rows + pendingRows
    }

    /// Marks `user` as needing the entry, creating an empty one (to be filled by the encoder) if absent.
    func reserve(_ hash: String, rows: Int, for user: SequenceState) {
        let id = ObjectIdentifier(user)
        if var entry = entries[hash] {
            if entry.users.isEmpty { leftovers.removeAll { $0 == hash } }
            entry.users.insert(id)
            entries[hash] = entry
            return
        }
        while usedRows + rows > capacity, !leftovers.isEmpty {
            let evicted = leftovers.removeFirst()
            usedRows -= entries.removeValue(forKey: evicted)?.rows ?? 0
        }
        entries[hash] = Entry(rows: rows, embeddings: nil, users: [id])
        usedRows += rows
    }

    func store(_ embeddings: Tensor, for hash: String) {
        entries[hash]?.embeddings = embeddings
    }

    /// `user` no longer needs the entry. An entry left without users is kept if it holds embeddings;
    /// an empty reservation is dropped.
    func release(_ hash: String, by user: SequenceState) {
        guard var entry = entries[hash], entry.users.remove(ObjectIdentifier(user)) != nil else { return }
        guard entry.users.isEmpty else {
            entries[hash] = entry
            return
        }
        if entry.embeddings == nil {
            entries[hash] = nil
            usedRows -= entry.rows
        } else {
            entries[hash] = entry
            leftovers.append(hash)
        }
    }

    func releaseAll(of user: SequenceState) {
        for placed in user.vision { release(placed.item.contentHash, by: user) }
    }
}
