// tests/engine/control/prometheus_writer_test.cc -- exposition format details.
#include "engine/control/prometheus_writer.h"

#include <gtest/gtest.h>

namespace hadns::control {
namespace {

TEST(PrometheusWriter, WritesFamiliesWithEscapedLabels) {
  prometheus_writer w;
  w.family("hadns_queries_total", "counter", "Queries received.");
  w.sample({{"shard", "0"}, {"proto", "udp"}}, uint64_t{42});
  w.family("hadns_check_latency_seconds", "gauge", "Last probe latency.");
  w.sample({{"check", "a\"b\\c\nd"}}, 0.25);
  EXPECT_EQ(w.text(),
            "# HELP hadns_queries_total Queries received.\n"
            "# TYPE hadns_queries_total counter\n"
            "hadns_queries_total{shard=\"0\",proto=\"udp\"} 42\n"
            "# HELP hadns_check_latency_seconds Last probe latency.\n"
            "# TYPE hadns_check_latency_seconds gauge\n"
            "hadns_check_latency_seconds{check=\"a\\\"b\\\\c\\nd\"} 0.25\n");
}

}  // namespace
}  // namespace hadns::control
