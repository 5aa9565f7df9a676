// Runs a kernel's grid on emulated threads: blocks one after another, the threads of a block as fibers
// switched at __syncthreads and warp shuffles, in a shuffled order each round.
#pragma once
#include <functional>
#include <string>

#include "Emulation.h"

namespace emulator {
// Runs `body` (the kernel call with its arguments bound) for every thread of the grid. Returns an empty
// string, or why the launch failed (a barrier some threads never reach, a shuffle in divergent code).
std::string run_grid(dim3 grid, dim3 block, const std::function<void()> &body);
}  // namespace emulator
