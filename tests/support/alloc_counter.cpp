// The test binary's global operator new: malloc, plus a per-thread count while an AllocationCount
// asks for one (support/alloc_counter.hpp). Same replacement as bench/alloc_counter.cpp.
#include "support/alloc_counter.hpp"

#include <cstdlib>
#include <new>

// Under AddressSanitizer the sanitizer owns operator new/delete (it pairs each allocation with its
// release); a replacement here mixes the two ("alloc-dealloc-mismatch"). There the count stays 0:
// the allocation-free claims are checked by the plain build and the benchmark.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) // clang's spelling of GCC's __SANITIZE_ADDRESS__
#define PNEUMA_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(PNEUMA_UNDER_ASAN)
#define PNEUMA_COUNT_ALLOCATIONS 0
#else
#define PNEUMA_COUNT_ALLOCATIONS 1
#endif

namespace {
thread_local std::uint64_t t_allocations = 0;
thread_local bool t_counting = false;

[[maybe_unused]] void* allocate(std::size_t size) {
  if (t_counting) ++t_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
[[maybe_unused]] void* allocate_aligned(std::size_t size, std::align_val_t align) {
  if (t_counting) ++t_allocations;
  const std::size_t a = static_cast<std::size_t>(align);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
} // namespace

namespace pneuma::test {
AllocationCount::AllocationCount() noexcept : start_(t_allocations), was_counting_(t_counting) { t_counting = true; }
AllocationCount::~AllocationCount() { t_counting = was_counting_; }
std::uint64_t AllocationCount::count() const noexcept { return t_allocations - start_; }
} // namespace pneuma::test

#if PNEUMA_COUNT_ALLOCATIONS
void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, std::align_val_t align) { return allocate_aligned(size, align); }
void* operator new[](std::size_t size, std::align_val_t align) { return allocate_aligned(size, align); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
#endif
