// rules_conformance DIR: runs the conformance cases in DIR (rules/conformance.h) and exits
// non-zero when any case fails or the cases cannot be read.
#include <iostream>

#include "rules/conformance.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: rules_conformance DIR\n";
    return 2;
  }
  absl::StatusOr<zhida::rules::ConformanceCounts> counts =
      zhida::rules::RunConformance(argv[1], std::cout);
  if (!counts.ok()) {
    std::cerr << counts.status().message() << "\n";
    return 2;
  }
  return counts->failed == 0 ? 0 : 1;
}
