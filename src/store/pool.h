// A bounded pool of database connections shared by the threads of one Store.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "core/status.h"

namespace zhida::store {

// Keeps up to `size_max` connections of type `Conn`, opening them on demand with `open`.
// Acquire blocks while all of them are lent out. A lent connection is given back with Release
// (reusable) or Discard (broken: its slot is freed and a later Acquire opens a new one).
// Thread-safe. Every lent connection must be given back before the pool is destroyed.
template <typename Conn>
class Pool {
 public:
  using Opener = std::function<absl::StatusOr<std::unique_ptr<Conn>>()>;

  Pool(int size_max, Opener open) : size_max_(size_max), open_(std::move(open)) {
    ZCHECK(size_max_ >= 1);
  }
  ~Pool() { ZCHECK(lent_ == 0); }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Adds an already open connection (e.g. the one Store::Open checked) to the idle list.
  void Add(std::unique_ptr<Conn> conn) {
    std::lock_guard<std::mutex> lock(mu_);
    ZCHECK(static_cast<int>(idle_.size()) + lent_ < size_max_);
    idle_.push_back(std::move(conn));
  }

  // Lends an idle connection, or opens a new one when fewer than size_max exist; otherwise waits.
  // Errors: those of the opener.
  absl::StatusOr<std::unique_ptr<Conn>> Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || Total() < size_max_; });
    ++lent_;
    if (!idle_.empty()) {
      std::unique_ptr<Conn> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    lock.unlock();  // opening may take a network round trip: do not hold up other threads
    absl::StatusOr<std::unique_ptr<Conn>> conn = open_();
    lock.lock();
    if (!conn.ok()) {
      --lent_;
      cv_.notify_one();
    }
    return conn;
  }

  // Gives back a healthy connection.
  void Release(std::unique_ptr<Conn> conn) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ZCHECK(lent_ > 0);
      --lent_;
      idle_.push_back(std::move(conn));
    }
    cv_.notify_one();
  }

  // Closes a broken connection and frees its slot.
  void Discard(std::unique_ptr<Conn> conn) {
    conn.reset();
    {
      std::lock_guard<std::mutex> lock(mu_);
      ZCHECK(lent_ > 0);
      --lent_;
    }
    cv_.notify_one();
  }

 private:
  // Connections that exist or are being opened; `lent_` counts those being opened too.
  int Total() const { return static_cast<int>(idle_.size()) + lent_; }

  const int size_max_;
  const Opener open_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;
  int lent_ = 0;
};

}  // namespace zhida::store
