// The driver API subset CUDADriver.swift resolves, on the host. Handles are small heap objects, device
// addresses are host addresses of 256-byte-aligned allocations, every copy and kernel runs at once (or is
// recorded during a capture). Ranges of copies and memsets are checked against live allocations.
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "Device.h"
#include "Registry.h"
#include "Scheduler.h"
#include "include/CUDAEmulator.h"

namespace emulator {
namespace {
enum : int {
    kSuccess = 0,
    kInvalidValue = 1,
    kOutOfMemory = 2,
    kNotFound = 500,
    kLaunchFailed = 719,
    kCaptureInvalidated = 901,
};

constexpr size_t kTotalMemory = size_t(4) << 30;

struct Graph {
    std::vector<std::function<void()>> work;
};

struct Event {
    double milliseconds = 0;
};

std::map<uint64_t, size_t> allocations;  // address → bytes
size_t allocated = 0;
std::vector<std::function<void()>> *capture = nullptr;
std::string launch_failure;
unsigned long long launches = 0;
int context_object, module_object, stream_object;

int check_range(uint64_t address, size_t bytes) { return is_device_range(address, bytes) ? kSuccess : kInvalidValue; }

double now_milliseconds() {
    timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return time.tv_sec * 1e3 + time.tv_nsec / 1e6;
}

int take_failure() {
    if (launch_failure.empty()) return kSuccess;
    return kLaunchFailed;
}

int cuInit(unsigned) { return kSuccess; }
int cuDriverGetVersion(int *version) {
    *version = 13000;
    return kSuccess;
}
int cuDeviceGetCount(int *count) {
    *count = 1;
    return kSuccess;
}
int cuDeviceGet(int *device, int ordinal) {
    if (ordinal != 0) return kInvalidValue;
    *device = 0;
    return kSuccess;
}
int cuDeviceGetName(char *name, int length, int) {
    std::strncpy(name, "CUDA host emulator", static_cast<size_t>(length));
    return kSuccess;
}
int cuDeviceGetAttribute(int *value, int attribute, int) {
    switch (attribute) {
        case 16: *value = 4; return kSuccess;  // multiprocessors: few, so automatic splits kick in early
        case 75: *value = 9; return kSuccess;  // compute capability 9.0: kernels compile for sm_90a
        case 76: *value = 0; return kSuccess;
        default: return kInvalidValue;
    }
}
int cuDeviceTotalMem(size_t *bytes, int) {
    *bytes = kTotalMemory;
    return kSuccess;
}
int cuDevicePrimaryCtxRetain(void **context, int) {
    *context = &context_object;
    return kSuccess;
}
int cuDevicePrimaryCtxRelease(int) { return kSuccess; }
int cuCtxSetCurrent(void *) { return kSuccess; }
int cuStreamCreate(void **stream, unsigned) {
    *stream = &stream_object;
    return kSuccess;
}
int cuStreamDestroy(void *) { return kSuccess; }
int cuStreamSynchronize(void *) {
    if (capture) return kCaptureInvalidated;  // as the driver: no synchronising while capturing
    return take_failure();
}
int cuEventCreate(void **event, unsigned) {
    *event = new Event();
    return kSuccess;
}
int cuEventRecord(void *event, void *) {
    enqueue([event] { static_cast<Event *>(event)->milliseconds = now_milliseconds(); });
    return kSuccess;
}
int cuEventSynchronize(void *) { return kSuccess; }
int cuEventElapsedTime(float *milliseconds, void *start, void *end) {
    *milliseconds = static_cast<float>(static_cast<Event *>(end)->milliseconds - static_cast<Event *>(start)->milliseconds);
    return kSuccess;
}
int cuEventDestroy(void *event) {
    delete static_cast<Event *>(event);
    return kSuccess;
}
int cuMemAlloc(uint64_t *address, size_t bytes) {
    if (bytes == 0) return kInvalidValue;
    if (allocated + bytes > kTotalMemory) return kOutOfMemory;
    void *memory = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
    if (!memory) return kOutOfMemory;
    std::memset(memory, 0xA5, bytes);  // never hand out zeros: unwritten outputs must show
    *address = reinterpret_cast<uint64_t>(memory);
    allocations[*address] = bytes;
    allocated += bytes;
    return kSuccess;
}
int cuMemFree(uint64_t address) {
    auto found = allocations.find(address);
    if (found == allocations.end()) return kInvalidValue;
    allocated -= found->second;
    allocations.erase(found);
    std::free(reinterpret_cast<void *>(address));
    return kSuccess;
}
int cuMemAllocHost(void **memory, size_t bytes) {
    *memory = std::malloc(bytes ? bytes : 1);
    return *memory ? kSuccess : kOutOfMemory;
}
int cuMemFreeHost(void *memory) {
    std::free(memory);
    return kSuccess;
}
int cuMemcpyHtoDAsync(uint64_t destination, const void *source, size_t bytes, void *) {
    if (int result = check_range(destination, bytes)) return result;
    enqueue([=] { std::memcpy(reinterpret_cast<void *>(destination), source, bytes); });
    return kSuccess;
}
int cuMemcpyDtoHAsync(void *destination, uint64_t source, size_t bytes, void *) {
    if (int result = check_range(source, bytes)) return result;
    enqueue([=] { std::memcpy(destination, reinterpret_cast<const void *>(source), bytes); });
    return kSuccess;
}
int cuMemcpyDtoDAsync(uint64_t destination, uint64_t source, size_t bytes, void *) {
    if (int result = check_range(destination, bytes)) return result;
    if (int result = check_range(source, bytes)) return result;
    enqueue([=] { std::memmove(reinterpret_cast<void *>(destination), reinterpret_cast<const void *>(source), bytes); });
    return kSuccess;
}
int cuMemsetD8Async(uint64_t destination, unsigned char value, size_t count, void *) {
    if (int result = check_range(destination, count)) return result;
    enqueue([=] { std::memset(reinterpret_cast<void *>(destination), value, count); });
    return kSuccess;
}
int cuMemGetInfo(size_t *free, size_t *total) {
    *total = kTotalMemory;
    *free = kTotalMemory - allocated;
    return kSuccess;
}
int cuModuleLoadData(void **module, const void *image) {
    if (!image) return kInvalidValue;
    *module = &module_object;  // the image is NVRTC's cubin; the host runs its own build of the same source
    return kSuccess;
}
int cuModuleGetFunction(void **function, void *, const char *name) {
    const KernelBinder *binder = find_kernel(name);
    if (!binder) return kNotFound;
    *function = const_cast<KernelBinder *>(binder);
    return kSuccess;
}
int cuModuleUnload(void *) { return kSuccess; }
int cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, unsigned shared, void *,
                   void **parameters, void **extra) {
    if (!function || !parameters || extra || shared != 0) return kInvalidValue;
    if (gx == 0 || gy == 0 || gz == 0 || gx > 0x7fffffffu || gy > 65535 || gz > 65535) return kInvalidValue;
    if (bx * by * bz == 0 || bx * by * bz > 1024 || bz > 64) return kInvalidValue;
    BoundKernel kernel = (*static_cast<KernelBinder *>(function))(parameters);
    const dim3 grid{gx, gy, gz}, block{bx, by, bz};
    launches += 1;
    enqueue([kernel, grid, block] {
        std::string failure = run_grid(grid, block, kernel);
        if (!failure.empty()) set_launch_failure(failure);
    });
    return kSuccess;
}
int cuStreamBeginCapture(void *, int) {
    if (capture) return kInvalidValue;
    capture = new std::vector<std::function<void()>>();
    return kSuccess;
}
int cuStreamEndCapture(void *, void **graph) {
    if (!capture) return kInvalidValue;
    *graph = new Graph{std::move(*capture)};
    delete capture;
    capture = nullptr;
    return kSuccess;
}
int cuGraphInstantiateWithFlags(void **executable, void *graph, unsigned long long) {
    *executable = new Graph(*static_cast<Graph *>(graph));
    return kSuccess;
}
int cuGraphLaunch(void *executable, void *) {
    for (auto &work : static_cast<Graph *>(executable)->work) enqueue(work);
    return kSuccess;
}
int cuGraphDestroy(void *graph) {
    delete static_cast<Graph *>(graph);
    return kSuccess;
}
int cuGetErrorName(int code, const char **name) {
    switch (code) {
        case kSuccess: *name = "CUDA_SUCCESS"; break;
        case kInvalidValue: *name = "CUDA_ERROR_INVALID_VALUE"; break;
        case kOutOfMemory: *name = "CUDA_ERROR_OUT_OF_MEMORY"; break;
        case kNotFound: *name = "CUDA_ERROR_NOT_FOUND"; break;
        case kLaunchFailed: *name = "CUDA_ERROR_LAUNCH_FAILED"; break;
        case kCaptureInvalidated: *name = "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED"; break;
        default: *name = "CUDA_ERROR_UNKNOWN"; break;
    }
    return kSuccess;
}
int cuGetErrorString(int code, const char **message) {
    static std::string text;
    if (code == kLaunchFailed && !launch_failure.empty()) {
        text = "emulated kernel failed: " + launch_failure;
        launch_failure.clear();  // reported once, so the next test starts clean
    } else {
        text = code == kSuccess ? "no error" : "emulated driver error";
    }
    *message = text.c_str();
    return kSuccess;
}

}  // namespace

std::recursive_mutex &api_lock() {
    static std::recursive_mutex lock;
    return lock;
}

void enqueue(std::function<void()> work) {
    if (capture) {
        capture->push_back(std::move(work));
    } else {
        work();
    }
}

bool is_device_range(uint64_t address, size_t bytes) {
    auto after = allocations.upper_bound(address);
    if (after == allocations.begin()) return false;
    auto block = std::prev(after);
    return address >= block->first && address + bytes <= block->first + block->second;
}

void set_launch_failure(const std::string &why) {
    if (launch_failure.empty()) launch_failure = why;
}

#define VLM_DRIVER_SYMBOL(name, function) {name, reinterpret_cast<void *>(&Locked<function>::call)},
const std::map<std::string, void *> &driver_symbols() {
    static const std::map<std::string, void *> table = {
        VLM_DRIVER_SYMBOL("cuInit", cuInit)
        VLM_DRIVER_SYMBOL("cuDriverGetVersion", cuDriverGetVersion)
        VLM_DRIVER_SYMBOL("cuDeviceGetCount", cuDeviceGetCount)
        VLM_DRIVER_SYMBOL("cuDeviceGet", cuDeviceGet)
        VLM_DRIVER_SYMBOL("cuDeviceGetName", cuDeviceGetName)
        VLM_DRIVER_SYMBOL("cuDeviceGetAttribute", cuDeviceGetAttribute)
        VLM_DRIVER_SYMBOL("cuDeviceTotalMem_v2", cuDeviceTotalMem)
        VLM_DRIVER_SYMBOL("cuDevicePrimaryCtxRetain", cuDevicePrimaryCtxRetain)
        VLM_DRIVER_SYMBOL("cuDevicePrimaryCtxRelease_v2", cuDevicePrimaryCtxRelease)
        VLM_DRIVER_SYMBOL("cuCtxSetCurrent", cuCtxSetCurrent)
        VLM_DRIVER_SYMBOL("cuStreamCreate", cuStreamCreate)
        VLM_DRIVER_SYMBOL("cuStreamDestroy_v2", cuStreamDestroy)
        VLM_DRIVER_SYMBOL("cuStreamSynchronize", cuStreamSynchronize)
        VLM_DRIVER_SYMBOL("cuEventCreate", cuEventCreate)
        VLM_DRIVER_SYMBOL("cuEventRecord", cuEventRecord)
        VLM_DRIVER_SYMBOL("cuEventSynchronize", cuEventSynchronize)
        VLM_DRIVER_SYMBOL("cuEventElapsedTime_v2", cuEventElapsedTime)
        VLM_DRIVER_SYMBOL("cuEventDestroy_v2", cuEventDestroy)
        VLM_DRIVER_SYMBOL("cuMemAlloc_v2", cuMemAlloc)
        VLM_DRIVER_SYMBOL("cuMemFree_v2", cuMemFree)
        VLM_DRIVER_SYMBOL("cuMemAllocHost_v2", cuMemAllocHost)
        VLM_DRIVER_SYMBOL("cuMemFreeHost", cuMemFreeHost)
        VLM_DRIVER_SYMBOL("cuMemcpyHtoDAsync_v2", cuMemcpyHtoDAsync)
        VLM_DRIVER_SYMBOL("cuMemcpyDtoHAsync_v2", cuMemcpyDtoHAsync)
        VLM_DRIVER_SYMBOL("cuMemcpyDtoDAsync_v2", cuMemcpyDtoDAsync)
        VLM_DRIVER_SYMBOL("cuMemsetD8Async", cuMemsetD8Async)
        VLM_DRIVER_SYMBOL("cuMemGetInfo_v2", cuMemGetInfo)
        VLM_DRIVER_SYMBOL("cuModuleLoadData", cuModuleLoadData)
        VLM_DRIVER_SYMBOL("cuModuleGetFunction", cuModuleGetFunction)
        VLM_DRIVER_SYMBOL("cuModuleUnload", cuModuleUnload)
        VLM_DRIVER_SYMBOL("cuLaunchKernel", cuLaunchKernel)
        VLM_DRIVER_SYMBOL("cuStreamBeginCapture_v2", cuStreamBeginCapture)
        VLM_DRIVER_SYMBOL("cuStreamEndCapture", cuStreamEndCapture)
        VLM_DRIVER_SYMBOL("cuGraphInstantiateWithFlags", cuGraphInstantiateWithFlags)
        VLM_DRIVER_SYMBOL("cuGraphLaunch", cuGraphLaunch)
        VLM_DRIVER_SYMBOL("cuGraphExecDestroy", cuGraphDestroy)
        VLM_DRIVER_SYMBOL("cuGraphDestroy", cuGraphDestroy)
        VLM_DRIVER_SYMBOL("cuGetErrorName", cuGetErrorName)
        VLM_DRIVER_SYMBOL("cuGetErrorString", cuGetErrorString)
    };
    return table;
}

unsigned long long launch_count() {
    std::lock_guard<std::recursive_mutex> guard(api_lock());
    return launches;
}

}  // namespace emulator
