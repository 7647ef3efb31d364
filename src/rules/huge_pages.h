// Transparent huge pages for large arrays (the column table, screening's hits and output).
//
// Touching fresh memory costs a page fault per 4 KiB page; on a virtual machine a fault is
// expensive (measured on the development VM: ~900 ms to first touch 196 MB, 28–360 ms with
// 2 MiB pages). Where the kernel's THP mode is "madvise" (Debian's default), memory gets huge
// pages only when asked. AdviseHugePages asks, for the 2 MiB-aligned interior of a buffer; it is
// advice only (no effect where THP is off or "always"), and safe on any heap memory.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>

namespace zhida::rules {

// Buffers smaller than this are not worth a system call: they span at most one huge page.
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

inline void AdviseHugePages(const void* data, std::size_t bytes) {
  if (bytes < 2 * kHugePageBytes) return;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  const std::uintptr_t last = (begin + bytes) & ~(kHugePageBytes - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

// Reserves room for `n` elements in `v` (a vector or string) and advises huge pages for it.
template <typename Container>
void ReserveHuge(Container* v, std::size_t n) {
  v->reserve(n);
  AdviseHugePages(v->data(), v->capacity() * sizeof(*v->data()));
}

}  // namespace zhida::rules
