#include "http/metrics.h"

#include <cstdio>

namespace zhida::http {

void Metrics::Record(const std::string& method, const std::string& route, int status,
                     double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, method, status}];
  for (int i = 0; i < kBucketCount; ++i) {
    if (seconds <= kBuckets[i]) ++bucket_counts_[i];
  }
  ++count_;
  sum_seconds_ += seconds;
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  out += "# HELP zhida_build_info Build information.\n# TYPE zhida_build_info gauge\n";
  out += "zhida_build_info{version=\"" ZHIDA_VERSION "\"} 1\n";
  out += "# HELP zhida_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE zhida_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out += "zhida_http_requests_total{route=\"" + route + "\",method=\"" + method +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP zhida_http_request_duration_seconds Time to answer a request.\n";
  out += "# TYPE zhida_http_request_duration_seconds histogram\n";
  for (int i = 0; i < kBucketCount; ++i) {
    char le[32];
    std::snprintf(le, sizeof le, "%g", kBuckets[i]);
    out += "zhida_http_request_duration_seconds_bucket{le=\"" + std::string(le) + "\"} " +
           std::to_string(bucket_counts_[i]) + "\n";
  }
  out += "zhida_http_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(count_) +
         "\n";
  char sum[64];
  std::snprintf(sum, sizeof sum, "%.6f", sum_seconds_);
  out += "zhida_http_request_duration_seconds_sum " + std::string(sum) + "\n";
  out += "zhida_http_request_duration_seconds_count " + std::to_string(count_) + "\n";
  out += "# HELP zhida_http_requests_in_flight Requests being handled.\n";
  out += "# TYPE zhida_http_requests_in_flight gauge\n";
  out += "zhida_http_requests_in_flight " + std::to_string(in_flight_.load()) + "\n";
  return out;
}

}  // namespace zhida::http
