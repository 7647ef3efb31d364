// Prometheus metrics of the API (GET /metrics, text exposition format 0.0.4): request counts by
// route, method and status, a latency histogram, requests in flight, and build information.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace zhida::http {

class Metrics {
 public:
  // Records one finished request; `route` is the router's pattern (bounded cardinality), never
  // the raw path.
  void Record(const std::string& method, const std::string& route, int status, double seconds);
  void InFlight(int delta) { in_flight_ += delta; }
  // The exposition text.
  std::string Render() const;

 private:
  // Latency buckets in seconds: from a cached catalog page to a large import.
  static constexpr double kBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  static constexpr int kBucketCount = sizeof(kBuckets) / sizeof(kBuckets[0]);

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  uint64_t bucket_counts_[kBucketCount] = {};
  uint64_t count_ = 0;
  double sum_seconds_ = 0;
  std::atomic<int> in_flight_{0};
};

}  // namespace zhida::http
