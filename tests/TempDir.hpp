// A temporary directory for a test's files, removed with its contents when the test ends.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

namespace citytwin::test {

/// A fresh directory under the system's temporary directory, unique to the process and the object.
struct TempDir {
  std::filesystem::path path;

  TempDir() {
    static std::atomic<int> counter{0};
    path = std::filesystem::temp_directory_path() /
           ("citytwin-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// Writes `content` to the file `name` in the directory and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    std::string file = (path / name).string();
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }
  /// A copy of the file `source`, cut to `fraction` of its size, as `name` in the directory.
  std::string truncated_copy(const std::string& source, const std::string& name, double fraction) const {
    std::ifstream in(source, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return write(name, data.substr(0, static_cast<std::size_t>(static_cast<double>(data.size()) * fraction)));
  }
};

}  // namespace citytwin::test
