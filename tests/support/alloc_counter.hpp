#pragma once
// Counts the heap allocations the current thread makes while an AllocationCount is alive (the test
// binary replaces the global operator new: support/alloc_counter.cpp). For "never allocates"
// claims of real-time blocks; other threads and code outside the scope are not counted.

#include <cstdint>

namespace pneuma::test {

class AllocationCount {
public:
  AllocationCount() noexcept;
  ~AllocationCount();
  AllocationCount(AllocationCount const&) = delete;
  AllocationCount& operator=(AllocationCount const&) = delete;
  /// Allocations by this thread since construction.
  std::uint64_t count() const noexcept;

private:
  std::uint64_t start_;
  bool was_counting_;
};

} // namespace pneuma::test
