// Random identifiers and tokens, behind an interface so that tests can make them deterministic.
//
// SecureIds() draws from libsodium's randombytes_buf (the kernel's CSPRNG): use it for session
// tokens, idempotency keys handed out to clients, request ids. SeqIds gives predictable values
// for tests and golden files.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace zhida::core {

class IdSource {
 public:
  // Tokens carry at most this many random bytes (2,048 hex characters); more is a programmer
  // error, as no use needs it.
  static constexpr int kTokenBytesMax = 1024;

  virtual ~IdSource();
  // A token of `bytes` (1..kTokenBytesMax) random bytes as 2 × bytes lowercase hex characters.
  // Hex, not base32: it is case-insensitive-safe in URLs, headers, file names and databases.
  // For secrets use at least 16 bytes (128 bits). Thread-safe.
  virtual std::string NewToken(int bytes) = 0;
  // An id to correlate the log lines and the response of one request: 16 lowercase hex
  // characters (64 random bits). Thread-safe.
  virtual std::string NewRequestId() = 0;
};

// The process-wide cryptographically secure source. Initializes libsodium on first use (aborts
// if that fails: without a CSPRNG the server must not run).
IdSource& SecureIds();

// Deterministic ids for tests: the n-th call (n = 1, 2, …, one counter shared by both methods)
// returns n in hex, zero-padded to 2 × bytes characters for NewToken (longer only if n does not
// fit), and "req-" followed by n in 12 decimal digits for NewRequestId ("req-000000000001").
// Thread-safe.
class SeqIds : public IdSource {
 public:
  explicit SeqIds(uint64_t first = 1) : next_(first) {}
  std::string NewToken(int bytes) override;
  std::string NewRequestId() override;

 private:
  std::atomic<uint64_t> next_;
};

}  // namespace zhida::core
