// zhida — the one binary: the server and the command line (DESIGN.md §7). Commands stay thin:
// they parse flags, open the store, call a service and print its result.
//
// Exit codes: 0 success; 1 failure (nothing changed); 2 partial import (some rows refused);
// 64 usage error (CLI11's own for bad flags is 105-109).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "CLI/CLI.hpp"
#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"直达 Zhida — 泉州惠企政策直达平台 (Quanzhou enterprise-policy platform)", "zhida"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("zhida ") + ZHIDA_VERSION);
  zhida::cli::Commands commands;
  commands.Register(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return commands.exit_code();
}
