// vlm_emulator_symbol: the lookup CUDALibraries uses in the tests instead of dlsym.
#include <map>
#include <string>

#include "include/CUDAEmulator.h"

namespace emulator {
const std::map<std::string, void *> &driver_symbols();
const std::map<std::string, void *> &blas_symbols();
unsigned long long launch_count();
}  // namespace emulator

extern "C" void *vlm_emulator_symbol(const char *name) {
    for (const auto *table : {&emulator::driver_symbols(), &emulator::blas_symbols()}) {
        auto found = table->find(name);
        if (found != table->end()) return found->second;
    }
    return nullptr;
}

extern "C" unsigned long long vlm_emulator_launch_count(void) { return emulator::launch_count(); }
