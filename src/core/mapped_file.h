// A file's bytes mapped read-only into memory: a large import file is read by the kernel's page
// cache straight into the process, with no buffer to allocate, zero and copy.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace zhida::core {

class MappedFile {
 public:
  // Maps the whole file at `path`. Errors (InvalidArgument, field "file"): file.open when it
  // cannot be opened or is not a regular file, file.read when it cannot be mapped. An empty file
  // maps to no bytes.
  static absl::StatusOr<MappedFile> Open(const std::string& path);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  // The file's bytes; valid while this object lives. Changing the file meanwhile is undefined
  // (as for any reader of a file being rewritten).
  std::string_view bytes() const { return {data_, size_}; }

 private:
  MappedFile(const char* data, size_t size) : data_(data), size_(size) {}
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace zhida::core
