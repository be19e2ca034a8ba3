// bench/answer_bench.cc -- the packet core on a generated zone of 100,000
// names: positive answers, NXDOMAIN, a CNAME chain, EDNS, a batch of 64
// mixed queries, and positive answers while another thread flips a
// failover slot; and the zone choice: the same 20,000 names served from
// one zone or from 20,000 zones.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <thread>

#include "engine/core/answer.h"
#include "engine/core/batch.h"
#include "engine/zone/compile.h"

namespace {

using namespace hadns;

constexpr int k_names = 100000;

std::vector<uint8_t> query(const std::string& name, uint16_t type, bool edns) {
  std::vector<uint8_t> q = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, uint8_t(edns ? 1 : 0)};
  size_t i = 0;
  while (i < name.size()) {
    size_t dot = name.find('.', i);
    if (dot == std::string::npos) dot = name.size();
    q.push_back(uint8_t(dot - i));
    q.insert(q.end(), name.begin() + long(i), name.begin() + long(dot));
    i = dot + 1;
  }
  q.insert(q.end(), {0, uint8_t(type >> 8), uint8_t(type), 0, 1});
  if (edns) q.insert(q.end(), {0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0});
  return q;
}

struct fixture {
  live::live_table table;
  zone::compiled c;
  std::shared_ptr<live::failover_slot> slot;
  core::client from;

  fixture() {
    auto dir = std::filesystem::temp_directory_path() / ("hadns-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    auto file = dir / "bench.test.zone";
    {
      std::ofstream z(file);
      z << "$ORIGIN bench.test.\n$TTL 3600\n@ SOA ns1 hostmaster 1 7200 900 1209600 300\n"
           "@ NS ns1\nns1 A 192.0.2.1\n";
      for (int i = 0; i < k_names; ++i)
        z << "host" << i << " A 10." << (i >> 16) << "." << ((i >> 8) & 255) << "." << (i & 255) << "\n";
      z << "c1 CNAME c2\nc2 CNAME host42\n";
    }
    config::config cfg;
    config::zone_config zc;
    zc.origin = "bench.test.";
    zc.file = file.string();
    config::failover_record f;
    f.name = "app.bench.test.";
    f.type = "A";
    f.qtype = 1;
    f.primary.values = {"192.0.2.2"};
    f.primary.health_check = "check";
    f.secondary.values = {"192.0.2.3"};
    zc.failover.push_back(f);
    cfg.zones.push_back(zc);
    c = zone::compile(cfg, table);
    slot = c.bindings.at(0).slot;
    std::filesystem::remove_all(dir);
    from.family = AF_INET;
    from.addr = {192, 0, 2, 200};
  }
};

fixture& fx() {
  static fixture f;
  return f;
}

// Queries for random existing names, so the lookups miss the cache the way
// real traffic does.
std::vector<std::vector<uint8_t>> host_queries(bool edns, int n = 4096) {
  std::mt19937 rng(7);
  std::vector<std::vector<uint8_t>> qs;
  for (int i = 0; i < n; ++i)
    qs.push_back(query("host" + std::to_string(rng() % k_names) + ".bench.test", 1, edns));
  return qs;
}

void run(benchmark::State& state, const std::vector<std::vector<uint8_t>>& qs) {
  const zone::snapshot& snap = *fx().c.snap;
  std::vector<uint8_t> out(1232);
  size_t i = 0;
  for (auto _ : state) {
    core::result r = core::answer(snap, fx().from, qs[i], out);
    benchmark::DoNotOptimize(r);
    if (++i == qs.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

void positive(benchmark::State& s) { run(s, host_queries(false)); }
// The same 64 names over and over: the table entries and bodies stay in
// cache, as for the popular names of real traffic.
void positive_hot(benchmark::State& s) { run(s, host_queries(false, 64)); }
void edns(benchmark::State& s) { run(s, host_queries(true)); }
void nxdomain(benchmark::State& s) {
  std::vector<std::vector<uint8_t>> qs;
  for (int i = 0; i < 4096; ++i) qs.push_back(query("nohost" + std::to_string(i) + ".bench.test", 1, false));
  run(s, qs);
}
void cname_chain(benchmark::State& s) { run(s, {query("c1.bench.test", 1, false)}); }

void batch64(benchmark::State& state) {
  const zone::snapshot& snap = *fx().c.snap;
  auto hosts = host_queries(false, 64);
  std::vector<std::vector<uint8_t>> qs;
  for (int i = 0; i < 64; ++i) {
    switch (i % 4) {
      case 0: qs.push_back(hosts[size_t(i)]); break;
      case 1: qs.push_back(query("nohost" + std::to_string(i) + ".bench.test", 1, false)); break;
      case 2: qs.push_back(query("c1.bench.test", 1, true)); break;
      default: qs.push_back(hosts[size_t(i)]); qs.back()[3] = 0; break;
    }
  }
  std::vector<std::vector<uint8_t>> outs(64, std::vector<uint8_t>(1232));
  std::vector<core::batch_item> items(64);
  for (size_t i = 0; i < 64; ++i) {
    items[i].query = qs[i];
    items[i].out = outs[i];
    items[i].from = fx().from;
  }
  for (auto _ : state) {
    core::answer_batch(snap, items);
    benchmark::DoNotOptimize(items.data());
  }
  state.SetItemsProcessed(state.iterations() * 64);
}

// Answers the failover name while another thread flips its slot every
// 10 microseconds (far more often than any health check would).
void positive_flipping(benchmark::State& state) {
  std::atomic<bool> stop{false};
  std::thread flipper([&] {
    bool secondary = false;
    while (!stop.load(std::memory_order_relaxed)) {
      secondary = !secondary;
      fx().slot->store(secondary ? live::slot_state::secondary : live::slot_state::primary);
      std::this_thread::sleep_for(std::chrono::microseconds(10));
    }
  });
  run(state, {query("app.bench.test", 1, false)});
  stop = true;
  flipper.join();
  fx().slot->store(live::slot_state::primary);
}
void failover_steady(benchmark::State& s) { run(s, {query("app.bench.test", 1, false)}); }

// Zone choice. The same 20,000 names www.zNNNNN.test. (one A record each)
// are served either from one zone, test., or from 20,000 zones zNNNNN.test.
// of one name length; the queries are the same bytes in both, so the
// difference is the cost of choosing among many zones.
constexpr int k_zone_names = 20000;

std::string zone_label(int i) {
  char b[16];
  std::snprintf(b, sizeof b, "z%05d", i);
  return b;
}

struct zones_fixture {
  live::live_table table;
  zone::compiled c;
  core::client from;
  std::vector<std::vector<uint8_t>> qs;

  explicit zones_fixture(int zones) {
    auto dir = std::filesystem::temp_directory_path() /
               ("hadns-bench-zones-" + std::to_string(getpid()) + "-" + std::to_string(zones));
    std::filesystem::create_directories(dir);
    const char* apex = "$TTL 3600\n@ SOA ns1.test. hostmaster.test. 1 7200 900 1209600 300\n@ NS ns1.test.\n";
    config::config cfg;
    if (zones == 1) {
      auto file = dir / "test.zone";
      std::ofstream z(file);
      z << "$ORIGIN test.\n" << apex << "ns1 A 192.0.2.1\n";
      for (int i = 0; i < k_zone_names; ++i)
        z << "www." << zone_label(i) << " A 10.0." << (i >> 8) << "." << (i & 255) << "\n";
      config::zone_config zc;
      zc.origin = "test.";
      zc.file = file.string();
      cfg.zones.push_back(zc);
    } else {
      for (int i = 0; i < zones; ++i) {
        std::string origin = zone_label(i) + ".test.";
        auto file = dir / (origin + "zone");
        std::ofstream z(file);
        z << "$ORIGIN " << origin << "\n" << apex << "www A 10.0." << (i >> 8) << "." << (i & 255) << "\n";
        config::zone_config zc;
        zc.origin = origin;
        zc.file = file.string();
        cfg.zones.push_back(zc);
      }
    }
    c = zone::compile(cfg, table);
    std::filesystem::remove_all(dir);
    from.family = AF_INET;
    from.addr = {192, 0, 2, 200};
    std::mt19937 rng(11);
    for (int i = 0; i < k_zone_names; ++i)
      qs.push_back(query("www." + zone_label(int(rng() % k_zone_names)) + ".test", 1, false));
  }
};

void zones(benchmark::State& state) {
  static std::map<int, std::unique_ptr<zones_fixture>> made;
  auto& f = made[int(state.range(0))];
  if (!f) f = std::make_unique<zones_fixture>(int(state.range(0)));
  std::vector<uint8_t> out(1232);
  size_t i = 0;
  for (auto _ : state) {
    core::result r = core::answer(*f->c.snap, f->from, f->qs[i], out);
    benchmark::DoNotOptimize(r);
    if (++i == f->qs.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

int registered = [] {
  benchmark::RegisterBenchmark("BM_Answer/positive", positive);
  benchmark::RegisterBenchmark("BM_Answer/positive_hot", positive_hot);
  benchmark::RegisterBenchmark("BM_Answer/nxdomain", nxdomain);
  benchmark::RegisterBenchmark("BM_Answer/cname_chain", cname_chain);
  benchmark::RegisterBenchmark("BM_Answer/edns", edns);
  benchmark::RegisterBenchmark("BM_Answer/batch64", batch64);
  benchmark::RegisterBenchmark("BM_Answer/failover", failover_steady);
  benchmark::RegisterBenchmark("BM_Answer/failover_while_flipping", positive_flipping);
  benchmark::RegisterBenchmark("BM_Answer/zones", zones)->Arg(1)->Arg(k_zone_names);
  return 0;
}();

}  // namespace

BENCHMARK_MAIN();
