// The kernels compiled into the emulator, by name expression (`rms_norm<bf16>`), each with a binder that
// copies a launch's parameters (the driver's `void **kernelParams`) into a callable.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace emulator {

using BoundKernel = std::function<void()>;
using KernelBinder = std::function<BoundKernel(void **parameters)>;

template <typename... Arguments, size_t... I>
BoundKernel bind_parameters(void (*kernel)(Arguments...), void **parameters, std::index_sequence<I...>) {
    std::tuple<std::decay_t<Arguments>...> values{*static_cast<std::decay_t<Arguments> *>(parameters[I])...};
    return [kernel, values]() { std::apply(kernel, values); };
}

template <typename... Arguments>
KernelBinder binder(void (*kernel)(Arguments...)) {
    return [kernel](void **parameters) { return bind_parameters(kernel, parameters, std::index_sequence_for<Arguments...>{}); };
}

struct KernelEntry {
    const char *expression;
    KernelBinder bind;
};

// The binder of the kernel whose NVRTC-lowered (mangled) name is `mangled`, or nullptr.
const KernelBinder *find_kernel(const char *mangled);

}  // namespace emulator
