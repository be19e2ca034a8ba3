// engine/control/prometheus_writer.h -- builds /metrics in the Prometheus
// text exposition format (version 0.0.4): one HELP and TYPE line per
// family, label values escaped, families never repeated.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hadns::control {

using labels = std::vector<std::pair<std::string, std::string>>;

class prometheus_writer {
 public:
  // Starts a family; `type` is "counter" or "gauge". Counter names end in _total.
  void family(const std::string& name, const std::string& type, const std::string& help);
  void sample(const labels& l, double value);
  void sample(const labels& l, uint64_t value);

  const std::string& text() const noexcept { return out_; }

 private:
  void write_labels(const labels& l);
  std::string name_;
  std::string out_;
};

}  // namespace hadns::control
