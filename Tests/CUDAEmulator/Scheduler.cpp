// Emulated GPU threads: each thread of a block is a fiber with its own stack; a fiber runs until it
// reaches a barrier (__syncthreads, or the implicit warp barrier of a shuffle), then the next one runs.
// A round in which no fiber makes progress means threads wait at barriers the others never reach: the
// launch fails with that message instead of hanging. The order of fibers changes every round, so a
// missing barrier shows up as a wrong result rather than depending on thread order.
#include "Scheduler.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace emulator {
namespace {

constexpr size_t kStackBytes = 256 * 1024;
constexpr int kMaxThreads = 1024;

struct Fiber {
    void *stack_pointer = nullptr;
    char *stack = nullptr;  // lowest address of the mapping; its first page is a guard page
#if !defined(__x86_64__)
    ucontext_t context;
#endif
    dim3 index;
    bool done = false;
};

// A barrier of `size` threads; `generation` moves on each time all of them have arrived.
struct Barrier {
    int size = 0;
    int arrived = 0;
    uint64_t generation = 0;
};

struct Warp {
    Barrier barrier;
    uint64_t values[32] = {};
};

struct BlockState {
    std::vector<Fiber> fibers;
    std::vector<Warp> warps;
    Fiber *current = nullptr;
    int current_linear = 0;
    int threads = 0;
    int live = 0;
    Barrier block_barrier;
    uint64_t progress = 0;
    bool failed = false;
    std::string failure;
    dim3 grid, block, block_index;
    const std::function<void()> *body = nullptr;
#if defined(__x86_64__)
    void *scheduler_stack_pointer = nullptr;
#else
    ucontext_t scheduler;
#endif
    uint64_t random = 0x9E3779B97F4A7C15ull;
};

BlockState state;

#if defined(__x86_64__)
// Saves the callee-saved registers on the current stack, stores its stack pointer in *save, switches to
// `load` and restores the registers saved there; returns into the other context.
extern "C" void vlm_emulator_switch(void **save, void *load);
__asm__(
    ".text\n"
    ".globl vlm_emulator_switch\n"
    ".hidden vlm_emulator_switch\n"
    ".type vlm_emulator_switch,@function\n"
    "vlm_emulator_switch:\n"
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    movq %rsp, (%rdi)\n"
    "    movq %rsi, %rsp\n"
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    "    ret\n"
    ".size vlm_emulator_switch, .-vlm_emulator_switch\n");
#endif

void to_scheduler() {
#if defined(__x86_64__)
    vlm_emulator_switch(&state.current->stack_pointer, state.scheduler_stack_pointer);
#else
    swapcontext(&state.current->context, &state.scheduler);
#endif
}

void to_fiber(Fiber &fiber) {
    state.current = &fiber;
    state.current_linear = static_cast<int>(&fiber - state.fibers.data());
#if defined(__x86_64__)
    vlm_emulator_switch(&state.scheduler_stack_pointer, fiber.stack_pointer);
#else
    swapcontext(&state.scheduler, &fiber.context);
#endif
}

void fiber_entry() {
    (*state.body)();
    state.current->done = true;
    state.live -= 1;
    state.progress += 1;
    to_scheduler();
    std::abort();  // a finished fiber is never resumed
}

void fail(const std::string &why) {
    if (!state.failed) {
        state.failed = true;
        state.failure = why;
    }
}

void prepare(Fiber &fiber, dim3 index) {
    if (!fiber.stack) {
        const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
        void *mapping = mmap(nullptr, kStackBytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mapping == MAP_FAILED) {
            std::fputs("CUDA emulator: cannot map a thread stack\n", stderr);
            std::abort();
        }
        mprotect(mapping, page, PROT_NONE);  // an overflowing kernel faults instead of corrupting memory
        fiber.stack = static_cast<char *>(mapping);
    }
    fiber.index = index;
    fiber.done = false;
#if defined(__x86_64__)
    // A frame vlm_emulator_switch can return from: six zero registers, then fiber_entry as the return
    // address, then an empty slot so fiber_entry starts with the stack aligned as after a call.
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    uintptr_t top = reinterpret_cast<uintptr_t>(fiber.stack + page + kStackBytes) & ~static_cast<uintptr_t>(15);
    void **sp = reinterpret_cast<void **>(top);
    *--sp = nullptr;
    *--sp = reinterpret_cast<void *>(&fiber_entry);
    for (int i = 0; i < 6; i++) *--sp = nullptr;
    fiber.stack_pointer = sp;
#else
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    getcontext(&fiber.context);
    fiber.context.uc_stack.ss_sp = fiber.stack + page;
    fiber.context.uc_stack.ss_size = kStackBytes;
    fiber.context.uc_link = nullptr;
    makecontext(&fiber.context, fiber_entry, 0);
#endif
}

uint64_t next_random() {
    state.random ^= state.random << 13;
    state.random ^= state.random >> 7;
    state.random ^= state.random << 17;
    return state.random;
}

// Arrives at `barrier` and yields until every participant has (or the launch failed).
void arrive(Barrier &barrier) {
    state.progress += 1;
    if (++barrier.arrived == barrier.size) {
        barrier.arrived = 0;
        barrier.generation += 1;
        return;
    }
    const uint64_t seen = barrier.generation;
    while (barrier.generation == seen && !state.failed) to_scheduler();
}

void run_block() {
    const int n = state.threads;
    for (int i = 0; i < n; i++) {
        dim3 index;
        index.x = static_cast<unsigned>(i) % state.block.x;
        index.y = (static_cast<unsigned>(i) / state.block.x) % state.block.y;
        index.z = static_cast<unsigned>(i) / (state.block.x * state.block.y);
        prepare(state.fibers[i], index);
    }
    for (auto &warp : state.warps) warp.barrier.arrived = 0;
    state.live = n;
    state.block_barrier.arrived = 0;
    while (state.live > 0 && !state.failed) {
        const uint64_t before = state.progress;
        const int start = static_cast<int>(next_random() % static_cast<uint64_t>(n));
        const bool forward = next_random() & 1;
        for (int k = 0; k < n && !state.failed; k++) {
            const int i = forward ? (start + k) % n : (start + n - k) % n;
            if (!state.fibers[i].done) to_fiber(state.fibers[i]);
        }
        if (state.progress == before && state.live > 0) {
            fail("threads of a block wait at a __syncthreads or shuffle that others never reach (divergent barrier or early return)");
        }
    }
}

}  // namespace

const dim3 &thread_index() { return state.current->index; }
const dim3 &block_index() { return state.block_index; }
const dim3 &block_dim() { return state.block; }
const dim3 &grid_dim() { return state.grid; }

void sync_threads() { arrive(state.block_barrier); }

uint64_t shuffle_xor(uint64_t bits, int lane_mask) {
    Warp &warp = state.warps[state.current_linear / 32];
    const int lane = state.current_linear % 32;
    warp.values[lane] = bits;
    arrive(warp.barrier);
    const int source = lane ^ lane_mask;
    const uint64_t result = source < warp.barrier.size ? warp.values[source] : bits;
    arrive(warp.barrier);  // nobody overwrites a value before every lane has read its partner's
    return result;
}

std::string run_grid(dim3 grid, dim3 block, const std::function<void()> &body) {
    const long long threads = 1ll * block.x * block.y * block.z;
    if (threads <= 0 || threads > kMaxThreads) return "block of " + std::to_string(threads) + " threads";
    if (threads % 32 != 0) return "block of " + std::to_string(threads) + " threads is not whole warps";
    if (state.fibers.size() < static_cast<size_t>(threads)) state.fibers.resize(static_cast<size_t>(threads));
    state.threads = static_cast<int>(threads);
    state.block_barrier.size = state.threads;
    state.warps.assign(static_cast<size_t>((threads + 31) / 32), Warp());
    for (size_t w = 0; w < state.warps.size(); w++) {
        state.warps[w].barrier.size = static_cast<int>(std::min<long long>(32, threads - 32 * static_cast<long long>(w)));
    }
    state.grid = grid;
    state.block = block;
    state.body = &body;
    state.failed = false;
    state.failure.clear();
    for (unsigned z = 0; z < grid.z && !state.failed; z++) {
        for (unsigned y = 0; y < grid.y && !state.failed; y++) {
            for (unsigned x = 0; x < grid.x && !state.failed; x++) {
                state.block_index = dim3{x, y, z};
                run_block();
            }
        }
    }
    state.body = nullptr;
    return state.failed ? state.failure : std::string();
}

}  // namespace emulator
