// bench/compile_bench.cc -- compile time of a zone with 10,000 failover
// record sets: compile() plus handing the bindings to the live table, as
// start-up and reload do. First compile (every slot new) and a reload (every
// slot found again).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/live/live_table.h"
#include "engine/zone/compile.h"

namespace {

using namespace hadns;

config::config failover_config(int records, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  auto file = dir / "fo.test.zone";
  std::ofstream(file) << "$ORIGIN fo.test.\n$TTL 3600\n@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"
                         "@ NS ns1\nns1 A 192.0.2.1\n";
  config::zone_config zc;
  zc.origin = "fo.test.";
  zc.file = file.string();
  for (int i = 0; i < records; ++i) {
    config::failover_record f;
    f.name = "app" + std::to_string(i);
    f.type = "A";
    f.qtype = 1;
    f.ttl = 60;
    f.primary.values = {"10.0." + std::to_string(i >> 8) + "." + std::to_string(i & 255)};
    f.primary.health_check = "primary";
    f.secondary.values = {"192.0.2.2"};
    zc.failover.push_back(f);
  }
  config::config cfg;
  cfg.zones.push_back(zc);
  return cfg;
}

void compile_failover(benchmark::State& state, bool reload) {
  auto dir = std::filesystem::temp_directory_path() / ("hadns-compile-bench-" + std::to_string(getpid()));
  config::config cfg = failover_config(int(state.range(0)), dir);
  live::live_table kept;
  if (reload) kept.set_bindings(zone::compile(cfg, kept).bindings);
  for (auto _ : state) {
    live::live_table fresh;
    live::live_table& table = reload ? kept : fresh;
    zone::compiled c = zone::compile(cfg, table);
    table.set_bindings(c.bindings);
    benchmark::DoNotOptimize(c.snap.get());
  }
  std::filesystem::remove_all(dir);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

int registered = [] {
  benchmark::RegisterBenchmark("BM_Compile/failover", compile_failover, false)
      ->Arg(10000)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Compile/failover_reload", compile_failover, true)
      ->Arg(10000)->Unit(benchmark::kMillisecond);
  return 0;
}();

}  // namespace

BENCHMARK_MAIN();
