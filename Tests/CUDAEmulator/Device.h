// State shared by the emulated driver and cuBLASLt: one lock around every call, the stream (work runs at
// once, or is recorded while a graph capture is open), device allocations and the last launch failure.
#pragma once
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace emulator {

std::recursive_mutex &api_lock();

// Runs `work` now, or appends it to the open capture.
void enqueue(std::function<void()> work);

// True when [address, address + bytes) lies inside one live device allocation.
bool is_device_range(uint64_t address, size_t bytes);

// Remembers a launch failure; the next stream synchronisation reports it (CUDA_ERROR_LAUNCH_FAILED).
void set_launch_failure(const std::string &why);

// `Locked<f>::call`: f behind the API lock (the tests run suites in parallel; the fibers' state is global).
template <auto Function>
struct Locked;
template <typename... Arguments, int (*Function)(Arguments...)>
struct Locked<Function> {
    static int call(Arguments... arguments) {
        std::lock_guard<std::recursive_mutex> guard(api_lock());
        return Function(arguments...);
    }
};

}  // namespace emulator
