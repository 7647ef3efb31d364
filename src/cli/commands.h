// The subcommands of `zhida`. Those that use a database take --db (or ZHIDA_DB); each prints what
// it did and sets the exit code: 0 success, 1 failure with nothing changed, 2 partial (an import
// that refused some rows, a screening where some policies did not compile).
#pragma once

#include <memory>
#include <string>

#include "services/actor.h"
#include "store/store.h"

#include "CLI/CLI.hpp"

namespace zhida::cli {

class Commands {
 public:
  // Adds every subcommand to `app`; the chosen one runs from CLI11's callback.
  void Register(CLI::App& app);
  int exit_code() const { return exit_code_; }

 private:
  void AddServe(CLI::App& app);
  void AddMigrate(CLI::App& app);
  void AddImport(CLI::App& app);
  void AddDemo(CLI::App& app);
  void AddPolicy(CLI::App& app);
  void AddUser(CLI::App& app);
  void AddBackup(CLI::App& app);
  void AddGenerate(CLI::App& app);
  void AddRules(CLI::App& app);
  void AddScreen(CLI::App& app);
  void AddSimulate(CLI::App& app);  // commands_simulate.cc
  void AddLedger(CLI::App& app);  // commands_funds.cc
  void AddFunds(CLI::App& app);   // commands_funds.cc
  // The staff user `username` (the system when empty), for commands that act for an officer.
  absl::StatusOr<services::Actor> ActorFor(store::Store& store, const std::string& username);

  // Adds --db with ZHIDA_DB and the default var/zhida.db.
  void AddDbOption(CLI::App* command);
  // Opens --db (migrated and seeded unless `migrate` is false); on failure prints the error,
  // sets the exit code and returns null.
  std::unique_ptr<store::Store> OpenOrFail(bool migrate = true);

  std::string db_ = "var/zhida.db";
  bool unsafe_dev_ = false;
  int exit_code_ = 0;
};

}  // namespace zhida::cli
