// The online engine: `EngineCore` stepped on its own thread. Requests and aborts enter through a locked
// inbox; outputs leave through each request's AsyncThrowingStream (whose continuation may be used from
// any thread). A consumer that stops listening aborts its request, which frees its blocks at once.

/// The engine stopped after a model failure; the server answers 503 from then on.
public struct EngineStoppedError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "The engine has stopped: \(reason)" }
}

public final class LLMEngine<Executor: ModelExecutor>: GenerationEngine, @unchecked Sendable {
    public let maxModelLen: Int
    private let validator: RequestValidator
    private let inbox = EngineInbox()
    private var thread: DedicatedThread?
    private let joinLock = ConditionLock()

    /// Starts the engine loop; the core belongs to the engine thread from now on.
    public init(core: EngineCore<Executor>) throws {
        maxModelLen = core.config.maxModelLen
        validator = RequestValidator(config: core.config, vocabSize: core.executor.vocabSize)
        let loop = EngineLoop(core: core, inbox: inbox)
        thread = try DedicatedThread { loop.run() }
    }

    deinit { shutdown() }

    public func submit(_ request: EngineRequest) throws -> AsyncThrowingStream<RequestOutput, Error> {
        _ = try validator.validate(request)
        try inbox.admit(request.id)
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: RequestOutput.self)
        let id = request.id
        continuation.onTermination = { [inbox] termination in
            if case .cancelled = termination { inbox.post(.abort(id)) }
        }
        inbox.post(.add(request, continuation))
        return stream
    }

    public func abort(requestId: String) { inbox.post(.abort(requestId)) }

    public var isHealthy: Bool { inbox.failure == nil }

    /// The latest counters, updated after every step.
    public var stats: EngineStats? { inbox.latestStats }

    /// Aborts everything still running and stops the engine thread.
    public func shutdown() {
        let thread = joinLock.withLock { () -> DedicatedThread? in
            defer { self.thread = nil }
            return self.thread
        }
        guard let thread else { return }
        inbox.fail(EngineStoppedError(reason: "the engine was shut down"))
        inbox.post(.shutdown)
        thread.join()
    }
}

/// What crosses from callers to the engine thread, under one lock.
final class EngineInbox: @unchecked Sendable {
    enum Command {
        case add(EngineRequest, AsyncThrowingStream<RequestOutput, Error>.Continuation)
        case abort(String)
        case shutdown
    }

    private let lock = ConditionLock()
    private var commands: [Command] = []
    private var activeIds: Set<String> = []
    private var storedFailure: EngineStoppedError?
    private var storedStats: EngineStats?
    /// Set when the engine thread has ended: nothing would read a new command.
    private var closed = false

    var failure: EngineStoppedError? { lock.withLock { storedFailure } }
    var latestStats: EngineStats? { lock.withLock { storedStats } }

    /// Reserves a request id; ids must be unique among running requests.
    func admit(_ id: String) throws {
        try lock.withLock {
            if let storedFailure { throw storedFailure }
            guard activeIds.insert(id).inserted else {
                throw EngineValidationError.invalidRequest(reason: "A request with id '\(id)' is already running.")
            }
        }
    }

    func post(_ command: Command) {
        let accepted = lock.withLock { () -> Bool in
            guard !closed else { return false }
            commands.append(command)
            lock.signal()
            return true
        }
        if !accepted, case let .add(_, continuation) = command {
            continuation.finish(throwing: EngineStoppedError(reason: "the engine was shut down"))
        }
    }

    /// The engine thread is ending: later commands are refused, and the pending ones are returned.
    func close() -> [Command] {
        lock.withLock {
            closed = true
            defer { commands.removeAll() }
            return commands
        }
    }

    /// The pending commands; blocks until there is one when `waitIfEmpty`.
    func take(waitIfEmpty: Bool) -> [Command] {
        lock.withLock {
            while waitIfEmpty && commands.isEmpty { lock.wait() }
            defer { commands.removeAll() }
            return commands
        }
    }

    func release(_ id: String) { _ = lock.withLock { activeIds.remove(id) } }

    func publish(_ stats: EngineStats) { lock.withLock { storedStats = stats } }

    func fail(_ error: EngineStoppedError) { lock.withLock { storedFailure = error } }
}

/// The engine thread's side: steps the core and routes outputs to their streams.
private final class EngineLoop<Executor: ModelExecutor>: @unchecked Sendable {
    private let core: EngineCore<Executor>
    private let inbox: EngineInbox
    private var streams: [String: (continuation: AsyncThrowingStream<RequestOutput, Error>.Continuation, openChoices: Int)] = [:]
    private var failure: EngineStoppedError?

    init(core: EngineCore<Executor>, inbox: EngineInbox) {
        self.core = core
        self.inbox = inbox
    }

    func run() {
        while true {
            let commands = inbox.take(waitIfEmpty: failure != nil || !core.hasUnfinishedRequests)
            for (index, command) in commands.enumerated() {
                switch command {
                case let .add(request, continuation): add(request, continuation)
                case let .abort(id): core.abort(requestId: id).forEach(deliver)
                case .shutdown:
                    shutDown(refusing: commands[(index + 1)...] + inbox.close())
                    return
                }
            }
            if failure == nil, core.hasUnfinishedRequests {
                do {
                    try core.step().forEach(deliver)
                } catch {
                    stop(because: error)
                }
            }
            inbox.publish(core.stats)
        }
    }

    /// Aborts every running request and refuses the requests that arrived too late.
    private func shutDown(refusing late: [EngineInbox.Command]) {
        for id in Array(streams.keys) { core.abort(requestId: id).forEach(deliver) }
        for case let .add(request, continuation) in late {
            continuation.finish(throwing: EngineStoppedError(reason: "the engine was shut down"))
            inbox.release(request.id)
        }
    }

    private func add(_ request: EngineRequest, _ continuation: AsyncThrowingStream<RequestOutput, Error>.Continuation) {
        do {
            if let failure { throw failure }
            try core.add(request)
            streams[request.id] = (continuation, request.sampling.n)
        } catch {
            continuation.finish(throwing: error)
            inbox.release(request.id)
        }
    }

    private func deliver(_ output: RequestOutput) {
        guard var stream = streams[output.requestId] else { return }
        stream.continuation.yield(output)
        if output.finishReason != nil { stream.openChoices -= 1 }
        if stream.openChoices == 0 {
            streams[output.requestId] = nil
            stream.continuation.finish()
            inbox.release(output.requestId)
        } else {
            streams[output.requestId] = stream
        }
    }

    /// A failed step leaves the KV cache in an unknown state: every stream ends with the error and the
    /// engine refuses new work.
    private func stop(because error: Error) {
        let stopped = EngineStoppedError(reason: "\(error)")
        failure = stopped
        inbox.fail(stopped)
        for (id, stream) in streams {
            _ = core.abort(requestId: id)
            stream.continuation.finish(throwing: stopped)
            inbox.release(id)
        }
        streams.removeAll()
    }
}
