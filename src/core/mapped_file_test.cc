#include "core/mapped_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace zhida::core {
namespace {

std::string TempPath(const char* name) {
  return (std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + name)).string();
}

TEST(MappedFileTest, MapsTheBytes) {
  std::string path = TempPath("-mapped.csv");
  std::string content = "uscc,name\n91350581133456810F,泉州\n";
  content.push_back('\0');  // bytes, not a C string
  std::ofstream(path, std::ios::binary) << content;
  auto file = MappedFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->bytes(), content);
  MappedFile moved = std::move(*file);
  EXPECT_EQ(moved.bytes(), content);
  EXPECT_TRUE(file->bytes().empty());
  std::filesystem::remove(path);
}

TEST(MappedFileTest, EmptyFileHasNoBytes) {
  std::string path = TempPath("-empty.csv");
  std::ofstream(path, std::ios::binary).flush();
  auto file = MappedFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE(file->bytes().empty());
  std::filesystem::remove(path);
}

TEST(MappedFileTest, MissingFileAndDirectoryAreErrors) {
  auto missing = MappedFile::Open(TempPath("-no-such-file.csv"));
  EXPECT_EQ(ErrorCode(missing.status()), "file.open");
  auto directory = MappedFile::Open(std::filesystem::temp_directory_path().string());
  EXPECT_EQ(ErrorCode(directory.status()), "file.open");
}

}  // namespace
}  // namespace zhida::core
