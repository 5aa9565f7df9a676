// The kernel sources compiled for the host: each file's VLM_KERNELS list registers its instantiations
// under their name expressions, the same list NVRTC compiles.
#include <cxxabi.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "Emulation.h"
#include "Registry.h"

#define VLM_KERNEL_ENTRY(...) emulator::KernelEntry{#__VA_ARGS__, emulator::binder(&__VA_ARGS__)},

namespace {
std::vector<emulator::KernelEntry> &entries() {
    static std::vector<emulator::KernelEntry> list;
    return list;
}

struct Registration {
    explicit Registration(std::vector<emulator::KernelEntry> list) { entries().insert(entries().end(), list.begin(), list.end()); }
};
}  // namespace

#include "../../Sources/VLMCUDA/Kernels/attention.cu"
static Registration attention_kernels({VLM_KERNELS(VLM_KERNEL_ENTRY)});
#undef VLM_KERNELS
#include "../../Sources/VLMCUDA/Kernels/elementwise.cu"
static Registration elementwise_kernels({VLM_KERNELS(VLM_KERNEL_ENTRY)});
#undef VLM_KERNELS
#include "../../Sources/VLMCUDA/Kernels/gather.cu"
static Registration gather_kernels({VLM_KERNELS(VLM_KERNEL_ENTRY)});
#undef VLM_KERNELS
#include "../../Sources/VLMCUDA/Kernels/kv_cache.cu"
static Registration kv_cache_kernels({VLM_KERNELS(VLM_KERNEL_ENTRY)});
#undef VLM_KERNELS
#include "../../Sources/VLMCUDA/Kernels/linear.cu"
static Registration linear_kernels({VLM_KERNELS(VLM_KERNEL_ENTRY)});
#undef VLM_KERNELS
#include "../../Sources/VLMCUDA/Kernels/norm.cu"
static Registration norm_kernels({VLM_KERNELS(VLM_KERNEL_ENTRY)});
#undef VLM_KERNELS
#include "../../Sources/VLMCUDA/Kernels/rotary.cu"
static Registration rotary_kernels({VLM_KERNELS(VLM_KERNEL_ENTRY)});
#undef VLM_KERNELS

namespace emulator {
namespace {
std::string without_spaces(const std::string &text) {
    std::string out;
    for (char c : text) {
        if (c != ' ') out += c;
    }
    return out;
}

// `void rms_norm<bf16>(bf16 const*, ...)` or `gather_rows(unsigned short const*, ...)` → the name with
// its template arguments, as written in VLM_KERNELS.
std::string function_name(const std::string &demangled) {
    std::string name = demangled.rfind("void ", 0) == 0 ? demangled.substr(5) : demangled;
    int depth = 0;
    for (size_t i = 0; i < name.size(); i++) {
        if (name[i] == '<') depth++;
        if (name[i] == '>') depth--;
        if (name[i] == '(' && depth == 0) return name.substr(0, i);
    }
    return name;
}
}  // namespace

const KernelBinder *find_kernel(const char *mangled) {
    static std::map<std::string, const KernelBinder *> by_name = [] {
        std::map<std::string, const KernelBinder *> map;
        for (const auto &entry : entries()) map[without_spaces(entry.expression)] = &entry.bind;
        return map;
    }();
    int status = 0;
    std::unique_ptr<char, void (*)(void *)> demangled(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
    const std::string name = status == 0 && demangled ? function_name(demangled.get()) : std::string(mangled);
    auto found = by_name.find(without_spaces(name));
    return found == by_name.end() ? nullptr : found->second;
}
}  // namespace emulator
