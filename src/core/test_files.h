// Test data files (tests/data, tests/golden, tests/scenarios): reading one whole, and saying where
// an output differs from an expected file. Header-only: only test and benchmark binaries include
// it, so no library links it in.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace zhida::core::testing {

// The bytes of the regular file at `path`, unchanged (binary mode). A file that is missing or
// cannot be read whole means a wrong path or a broken checkout, never a case under test, so it
// aborts naming the path: the test (or benchmark) fails there instead of comparing against "".
inline std::string ReadTestFile(const std::filesystem::path& path) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(path, error);  // fails on a directory
  std::ifstream in(path, std::ios::binary);
  std::string bytes(error ? 0 : size, '\0');
  if (!error && in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) return bytes;
  std::fprintf(stderr, "cannot read test file %s%s%s\n", path.c_str(), error ? ": " : "",
               error ? error.message().c_str() : "");
  std::abort();
}

// For the message of a failed `got == want` on text files: both sizes and the first line that
// differs, as "12 vs 13 bytes; first difference at line 3: got …, want …". "" when equal.
inline std::string FirstDifference(std::string_view got, std::string_view want) {
  if (got == want) return "";
  const std::size_t at = static_cast<std::size_t>(
      std::mismatch(got.begin(), got.end(), want.begin(), want.end()).first - got.begin());
  // The line holding the first differing byte starts after the last newline before it (the
  // texts agree up to `at`); npos + 1 wraps to 0 when there is none.
  const std::size_t start = at == 0 ? 0 : got.rfind('\n', at - 1) + 1;
  const auto line_of = [start](std::string_view text) {
    return text.substr(start, text.find('\n', start) - start);
  };
  return std::to_string(got.size()) + " vs " + std::to_string(want.size()) +
         " bytes; first difference at line " +
         std::to_string(1 + std::count(got.begin(), got.begin() + start, '\n')) + ": got " +
         std::string(line_of(got)) + ", want " + std::string(line_of(want));
}

}  // namespace zhida::core::testing
