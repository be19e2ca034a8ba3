// probes/prober.cc -- the probe thread and its schedule (see prober.h).
#include "probes/prober.h"

#include <curl/curl.h>

#include <algorithm>

#include <fmt/format.h>

#include "probes/http_probe.h"
#include "probes/state_file.h"
#include "probes/tcp_probe.h"

namespace hadns::probes {
namespace {

using std::chrono::milliseconds;

CURLM* as_multi(void* m) { return static_cast<CURLM*>(m); }

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

double ms_between(steady_time a, steady_time b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

// One probe on the wire.
struct prober::in_flight {
  std::string check;
  uint64_t generation = 0;
  steady_time started{};
  steady_time deadline{};
  std::unique_ptr<http_probe> http;
  std::unique_ptr<tcp_probe> tcp;
};

prober::prober(std::vector<check_spec> checks, std::vector<live::failover_binding> bindings,
               log_fn log, const clock& time, std::string state_file)
    : clock_(time),
      log_(log ? std::move(log) : [](log_level, const std::string&) {}),
      state_file_(std::move(state_file)),
      board_(log_),
      rng_(std::random_device{}()) {
  global_init();
  multi_ = curl_multi_init();
  instant now = clock_.now();
  std::lock_guard lock(mutex_);
  board_.pause_decisions(true, now);
  board_.configure(checks, std::move(bindings), now);
  set_schedule(checks, now);
  if (!state_file_.empty()) {
    loaded_state loaded = load_state_file(state_file_, now.wall);
    if (!loaded.error.empty()) log_(log_level::warn, fmt::format("state file {}", loaded.error));
    for (const std::string& name : loaded.expired)
      log_(log_level::info, fmt::format("override on {} dropped: expired", name));
    board_.restore_overrides(loaded.overrides, now);
  }
}

prober::~prober() {
  stop();
  for (auto& f : flights_)
    if (f->http) curl_multi_remove_handle(as_multi(multi_), f->http->handle());
  flights_.clear();
  if (multi_) curl_multi_cleanup(as_multi(multi_));
}

void prober::set_schedule(const std::vector<check_spec>& checks, instant now) {
  std::map<std::string, scheduled> next;
  for (const check_spec& spec : checks) {
    if (!spec.probed()) continue;
    auto old = schedule_.find(spec.name);
    if (old != schedule_.end() && old->second.spec == spec) {
      next.emplace(spec.name, old->second);
      continue;
    }
    scheduled s;
    s.spec = spec;
    s.generation = next_generation_++;
    s.next_due = now.steady;
    next.emplace(spec.name, std::move(s));
  }
  schedule_ = std::move(next);
}

void prober::start() {
  if (started_) return;
  started_ = true;
  // The first round: every check at once, on this thread, until all are in.
  do {
    turn(true);
  } while (!flights_.empty() && !stopping_.load());
  {
    std::lock_guard lock(mutex_);
    board_.pause_decisions(false, clock_.now());
  }
  if (!stopping_.load()) thread_ = std::thread([this] { run(); });
}

void prober::stop() {
  stopping_.store(true);
  wake_loop();
  if (thread_.joinable()) thread_.join();
}

void prober::wake_loop() {
  if (multi_) curl_multi_wakeup(as_multi(multi_));
}

void prober::run() {
  while (!stopping_.load()) turn(false);
}

void prober::turn(bool first_round) {
  instant now = clock_.now();
  std::vector<launch> launches;
  {
    std::lock_guard lock(mutex_);
    board_.tick(now);
    launches = due(now, first_round);
    // Probes of removed or redefined checks are abandoned.
    std::erase_if(flights_, [&](const std::unique_ptr<in_flight>& f) {
      auto s = schedule_.find(f->check);
      bool stale = s == schedule_.end() || s->second.generation != f->generation;
      if (stale && f->http) curl_multi_remove_handle(as_multi(multi_), f->http->handle());
      return stale;
    });
  }
  std::vector<finished> done;
  for (const launch& l : launches) start_probe(l, now, done);
  collect(done);
  apply(done);
  wait(first_round);
}

std::vector<prober::launch> prober::due(instant now, bool first_round) {
  std::vector<launch> out;
  for (auto& [name, s] : schedule_) {
    if (s.in_flight || now.steady < s.next_due) continue;
    if (first_round && !s.first) continue;
    out.push_back({name, s.spec, s.generation});
    s.in_flight = true;
    const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::max(s.spec.interval, milliseconds(1)));
    if (s.first) {
      // A random phase within the first interval, then every interval.
      std::uniform_int_distribution<int64_t> phase(0, interval.count() - 1);
      s.next_due = now.steady + std::chrono::steady_clock::duration(phase(rng_));
      s.first = false;
    } else {
      s.next_due += interval;
      if (s.next_due <= now.steady) {
        auto behind = now.steady - s.next_due;
        s.next_due += interval * (behind / interval + 1);
      }
    }
  }
  return out;
}

void prober::start_probe(const launch& l, instant now, std::vector<finished>& done) {
  auto f = std::make_unique<in_flight>();
  f->check = l.check;
  f->generation = l.generation;
  f->started = now.steady;
  f->deadline = now.steady + l.spec.timeout;
  if (l.spec.type == check_type::tcp) {
    f->tcp = std::make_unique<tcp_probe>(l.spec);
    if (f->tcp->done()) {
      instant end = clock_.now();
      done.push_back({l.check, l.generation,
                      {f->tcp->ok(), ms_between(f->started, end.steady), f->tcp->reason(), end.wall}});
      return;
    }
  } else {
    f->http = std::make_unique<http_probe>(l.spec);
    if (!f->http->handle() || curl_multi_add_handle(as_multi(multi_), f->http->handle()) != CURLM_OK) {
      done.push_back({l.check, l.generation, {false, 0, "cannot start a transfer", clock_.now().wall}});
      return;
    }
  }
  flights_.push_back(std::move(f));
}

void prober::collect(std::vector<finished>& done) {
  int running = 0;
  curl_multi_perform(as_multi(multi_), &running);
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(as_multi(multi_), &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    CURLcode code = msg->data.result;
    auto it = std::find_if(flights_.begin(), flights_.end(), [&](const auto& f) {
      return f->http && f->http->handle() == easy;
    });
    curl_multi_remove_handle(as_multi(multi_), easy);
    if (it == flights_.end()) continue;
    instant end = clock_.now();
    probe_result r = (*it)->http->finish(code);
    r.latency_ms = ms_between((*it)->started, end.steady);
    r.at = end.wall;
    done.push_back({(*it)->check, (*it)->generation, std::move(r)});
    flights_.erase(it);
  }
  instant now = clock_.now();
  std::erase_if(flights_, [&](const std::unique_ptr<in_flight>& f) {
    if (!f->tcp) return false;
    if (f->tcp->done()) {
      done.push_back({f->check, f->generation,
                      {f->tcp->ok(), ms_between(f->started, now.steady), f->tcp->reason(), now.wall}});
      return true;
    }
    if (now.steady >= f->deadline) {
      done.push_back({f->check, f->generation, {false, ms_between(f->started, now.steady), "timeout", now.wall}});
      return true;
    }
    return false;
  });
}

void prober::apply(std::vector<finished>& done) {
  if (done.empty()) return;
  instant now = clock_.now();
  std::lock_guard lock(mutex_);
  for (finished& f : done) {
    auto s = schedule_.find(f.check);
    if (s == schedule_.end() || s->second.generation != f.generation) continue;
    s->second.in_flight = false;
    board_.record_result(f.check, f.result, now);
  }
}

void prober::wait(bool first_round) {
  if (first_round && flights_.empty()) return;  // the first round is in
  instant now = clock_.now();
  steady_time wake = now.steady + std::chrono::seconds(1);
  if (!first_round) {
    std::lock_guard lock(mutex_);
    for (const auto& [name, s] : schedule_)
      if (!s.in_flight) wake = std::min(wake, s.next_due);
    if (auto t = board_.next_timer(now)) wake = std::min(wake, *t);
  }
  std::vector<curl_waitfd> fds;
  std::vector<tcp_probe*> tcps;
  for (const auto& f : flights_) {
    if (!f->tcp || f->tcp->done()) continue;
    wake = std::min(wake, f->deadline);
    fds.push_back({f->tcp->fd(), CURL_WAIT_POLLOUT, 0});
    tcps.push_back(f->tcp.get());
  }
  int timeout_ms = 0;
  if (wake > now.steady) {
    auto left = std::chrono::ceil<milliseconds>(wake - now.steady);
    timeout_ms = static_cast<int>(std::min<int64_t>(left.count(), 1000));
  }
  if (stopping_.load()) return;
  curl_multi_poll(as_multi(multi_), fds.data(), static_cast<unsigned>(fds.size()), timeout_ms, nullptr);
  for (size_t i = 0; i < fds.size(); ++i)
    if (fds[i].revents) tcps[i]->on_ready();
}

override_outcome prober::set_override(const std::string& check, std::optional<health> state,
                                      std::optional<wall_time> until) {
  override_outcome out;
  std::lock_guard persist_lock(persist_mutex_);
  std::map<std::string, override_entry> overrides;
  {
    std::lock_guard lock(mutex_);
    instant now = clock_.now();
    std::optional<override_entry> o;
    if (state) o = override_entry{*state, until};
    if (!board_.set_override(check, o, now)) return out;
    out.known = true;
    overrides = board_.overrides(now);
  }
  wake_loop();
  std::string err = persist(overrides);
  if (!err.empty()) {
    out.persisted = false;
    out.error = err;
  }
  return out;
}

void prober::update(std::vector<check_spec> checks, std::vector<live::failover_binding> bindings) {
  std::lock_guard persist_lock(persist_mutex_);
  std::map<std::string, override_entry> before, after;
  {
    std::lock_guard lock(mutex_);
    instant now = clock_.now();
    before = board_.overrides(now);
    board_.configure(checks, std::move(bindings), now);
    set_schedule(checks, now);
    after = board_.overrides(now);
  }
  wake_loop();
  if (before != after) persist(after);
}

std::string prober::set_state_file(std::string path) {
  std::lock_guard persist_lock(persist_mutex_);
  state_file_ = std::move(path);
  std::map<std::string, override_entry> overrides;
  {
    std::lock_guard lock(mutex_);
    overrides = board_.overrides(clock_.now());
  }
  return persist(overrides);
}

std::string prober::persist(const std::map<std::string, override_entry>& overrides) {
  if (state_file_.empty()) return {};
  std::string err = save_state_file(state_file_, overrides);
  if (!err.empty()) log_(log_level::warn, fmt::format("state file not written: {}", err));
  return err;
}

status_snapshot prober::status() const {
  std::lock_guard lock(mutex_);
  return board_.status();
}

}  // namespace hadns::probes
