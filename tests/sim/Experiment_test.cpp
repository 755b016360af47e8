// Tests of the experiment runner on an M/M/1 queue: determinism across thread counts and replication
// counts, variant order, errors, progress and cancellation, and the summary against queueing theory.
#include "sim/Experiment.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/Params.hpp"
#include "sim/RandomStream.hpp"
#include "sim/Registry.hpp"
#include "sim/Scenario.hpp"
#include "sim/Simulation.hpp"
#include "sim/Statistics.hpp"

using namespace citytwin::sim;

namespace {

// ---------------------------------------------------------------------------------------------------------
// A single-server queue with Poisson arrivals and exponential service.

struct QueueParams {
  std::uint64_t seed = 0;
  Time duration, warmup, record_interval;
  double arrivals_per_h = 0.0;
  double service_mean_s = 0.0;
  std::int64_t fail_replication = -1;

  static QueueParams from_scenario(const Json& scenario) {
    Params run(scenario, "");
    QueueParams p;
    p.seed = static_cast<std::uint64_t>(run.integer("seed"));
    p.duration = run.duration("duration");
    p.warmup = run.duration("warmup");
    p.record_interval = run.section("record").duration("interval");
    Params queue(scenario.at("queue"), "queue");
    p.arrivals_per_h = queue.number("arrivals_per_h");
    p.service_mean_s = queue.number("service_mean_s");
    p.fail_replication = queue.integer("fail_replication");
    return p;
  }
};

/// The state of one replication of the queue.
class QueueRun {
 public:
  QueueRun(const QueueParams& p, const ReplicationContext& ctx)
      : p_(p), ctx_(ctx), arrivals_(ctx.seed, ctx.replication, 0, "arrival"),
        services_(ctx.seed, ctx.replication, 0, "service") {}

  ReplicationResults run() {
    // Start the arrivals, the sampling and the end of the warm-up, then advance an hour at a time.
    schedule_arrival();
    sim_.schedule_periodic(Time{}, p_.record_interval, [this] { sample(); }, 100);
    sim_.schedule_at(p_.warmup, [this] { end_warmup(); }, -100);
    if (p_.fail_replication == static_cast<std::int64_t>(ctx_.replication))
      sim_.schedule_at(Time::us(p_.duration.count_us() / 2), [this] { fail(); });
    for (Time t{}; t < p_.duration;) {
      Time next = std::min(t + Time::hours(1), p_.duration);
      sim_.run_until(next);
      if (ctx_.progress_us) ctx_.progress_us->fetch_add((next - t).count_us(), std::memory_order_relaxed);
      t = next;
      if (ctx_.cancelled && ctx_.cancelled->load()) break;
    }
    return results();
  }

 private:
  void schedule_arrival() {
    sim_.schedule_in(Time::seconds(arrivals_.exponential(3600.0 / p_.arrivals_per_h)), [this] { arrive(); });
  }

  void arrive() {
    in_system_.add(sim_.now(), 1.0);
    if (busy_) {
      waiting_.push_back(sim_.now());
    } else {
      start_service(sim_.now());
    }
    schedule_arrival();
  }

  void start_service(Time arrived) {
    busy_ = true;
    if (arrived >= p_.warmup) wait_s_.add((sim_.now() - arrived).to_seconds());
    sim_.schedule_in(Time::seconds(services_.exponential(p_.service_mean_s)), [this] { depart(); });
  }

  void depart() {
    in_system_.add(sim_.now(), -1.0);
    ++served_;
    if (waiting_.empty()) {
      busy_ = false;
      return;
    }
    Time arrived = waiting_.front();
    waiting_.pop_front();
    start_service(arrived);
  }

  void end_warmup() {
    in_system_.reset(sim_.now());
    served_ = 0;
  }

  void sample() {
    series_.time_s.push_back(sim_.now().to_seconds());
    series_.series[0].values.push_back(in_system_.value());
  }

  void fail() {
    throw std::runtime_error("queue: replication " + std::to_string(ctx_.replication) + " failed on purpose");
  }

  ReplicationResults results() {
    ReplicationResults r;
    r.replication = ctx_.replication;
    r.events = sim_.events_run();
    r.series = std::move(series_);
    r.kpis = {
        {"wait_mean_s", "s", "Mean time a customer waits before service.", wait_s_.mean()},
        {"in_system_mean", "", "Time-average number of customers in the system.", in_system_.mean(sim_.now())},
        {"served", "", "Customers served after the warm-up.", static_cast<double>(served_)},
    };
    return r;
  }

  const QueueParams& p_;
  const ReplicationContext& ctx_;
  Simulation sim_;
  RandomStream arrivals_, services_;
  std::deque<Time> waiting_;
  bool busy_ = false;
  TimeWeighted in_system_;
  RunningStats wait_s_;
  std::uint64_t served_ = 0;
  SeriesSet series_{{}, {Series{"in_system", "", "Customers in the system.", {}}}};
};

class QueueModel final : public Model {
 public:
  explicit QueueModel(QueueParams p, std::atomic<int>* runs = nullptr) : p_(p), runs_(runs) {}
  ReplicationResults run(const ReplicationContext& ctx) const override {
    if (runs_) runs_->fetch_add(1);
    return QueueRun(p_, ctx).run();
  }

 private:
  QueueParams p_;
  std::atomic<int>* runs_;
};

Registry queue_registry() {
  Registry r;
  r.add({"queue",
         "A single-server queue with Poisson arrivals and exponential service.",
         {
             param("arrivals_per_h", ParamType::NUMBER, "1/h", 30, "Mean arrival rate.").at_least(0),
             param("service_mean_s", ParamType::NUMBER, "s", 60, "Mean service time.").at_least(0),
             param("fail_replication", ParamType::INTEGER, "", -1,
                   "A replication that throws half-way, to test error handling; -1 for none.")
                 .at_least(-1),
         },
         true});
  return r;
}

const ModelFactory queue_factory = [](const Variant& v) -> std::unique_ptr<const Model> {
  return std::make_unique<QueueModel>(QueueParams::from_scenario(v.params));
};

constexpr const char* QUEUE_SCENARIO = R"(
name: queue
description: A single server at half load, with two service speeds and two arrival rates.
seed: 2024
replications: 4
duration: 8h
warmup: 1h
record:
  interval: 30min
queue:
  arrivals_per_h: 30
  service_mean_s: 60
options:
  - name: slow
    description: Service takes 80 s on average.
    set:
      queue.service_mean_s: 80
  - name: fast
    description: Service takes 40 s on average.
    set:
      queue.service_mean_s: 40
sweep:
  queue.arrivals_per_h: [20, 35]
)";

/// One server, no options and no sweep.
constexpr const char* SINGLE_QUEUE_SCENARIO = R"(
name: single queue
seed: 7
replications: 10
duration: 300h
warmup: 20h
record:
  interval: 1h
queue:
  arrivals_per_h: 30
  service_mean_s: 60
)";

Scenario load(const std::vector<std::string>& overrides = {}, const char* text = QUEUE_SCENARIO) {
  static const Registry registry = queue_registry();
  return Scenario::load_string(text, "queue.yaml", registry, overrides);
}

RunResults run(const Scenario& s, unsigned threads) {
  ExperimentSettings settings;
  settings.threads = threads;
  return run_experiment(s, queue_factory, settings);
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// Whether two replications recorded exactly the same numbers, bit for bit.
bool identical(const ReplicationResults& a, const ReplicationResults& b) {
  if (a.replication != b.replication || a.events != b.events || a.kpis.size() != b.kpis.size()) return false;
  for (std::size_t i = 0; i < a.kpis.size(); ++i)
    if (a.kpis[i].name != b.kpis[i].name || !same_bits(a.kpis[i].value, b.kpis[i].value)) return false;
  if (a.series.time_s.size() != b.series.time_s.size() || a.series.series.size() != b.series.series.size())
    return false;
  for (std::size_t i = 0; i < a.series.time_s.size(); ++i)
    if (!same_bits(a.series.time_s[i], b.series.time_s[i])) return false;
  for (std::size_t s = 0; s < a.series.series.size(); ++s) {
    const auto& va = a.series.series[s].values;
    const auto& vb = b.series.series[s].values;
    if (va.size() != vb.size() || (!va.empty() && std::memcmp(va.data(), vb.data(), va.size() * sizeof(double))))
      return false;
  }
  return true;
}

bool identical(const KpiSummary& a, const KpiSummary& b) {
  return a.name == b.name && a.n == b.n && same_bits(a.mean, b.mean) && same_bits(a.sd, b.sd) &&
         same_bits(a.half_width, b.half_width) && same_bits(a.min, b.min) && same_bits(a.max, b.max);
}

}  // namespace

TEST_CASE("results are bit-identical with one thread and with two") {
  Scenario s = load();
  RunResults one = run(s, 1), two = run(s, 2);
  CHECK(one.threads == 1);
  CHECK(two.threads == 2);
  REQUIRE(one.variants.size() == 4);
  REQUIRE(two.variants.size() == one.variants.size());
  for (std::size_t v = 0; v < one.variants.size(); ++v) {
    CAPTURE(v);
    REQUIRE(one.variants[v].replications.size() == 4);
    REQUIRE(two.variants[v].replications.size() == 4);
    for (std::size_t k = 0; k < 4; ++k)
      CHECK(identical(one.variants[v].replications[k], two.variants[v].replications[k]));
    REQUIRE(one.variants[v].summary.size() == two.variants[v].summary.size());
    for (std::size_t i = 0; i < one.variants[v].summary.size(); ++i)
      CHECK(identical(one.variants[v].summary[i], two.variants[v].summary[i]));
  }
  // The replications really differ from one another, so the comparison means something.
  CHECK_FALSE(identical(one.variants[0].replications[0], one.variants[0].replications[1]));
}

TEST_CASE("replication k is the same run whether 1, 3 or 8 replications are run") {
  RunResults r1 = run(load({"replications=1"}), 2);
  RunResults r3 = run(load({"replications=3"}), 2);
  RunResults r8 = run(load({"replications=8"}), 2);
  CHECK(r1.replications == 1);
  CHECK(r8.replications == 8);
  for (std::size_t v = 0; v < 4; ++v) {
    CAPTURE(v);
    REQUIRE(r1.variants[v].replications.size() == 1);
    REQUIRE(r3.variants[v].replications.size() == 3);
    REQUIRE(r8.variants[v].replications.size() == 8);
    for (std::size_t k = 0; k < 3; ++k) {
      CAPTURE(k);
      CHECK(r3.variants[v].replications[k].replication == k);
      CHECK(identical(r3.variants[v].replications[k], r8.variants[v].replications[k]));
    }
    CHECK(identical(r1.variants[v].replications[0], r8.variants[v].replications[0]));
  }
}

TEST_CASE("variants come in the scenario's order with its labels, replications in index order") {
  Scenario s = load();
  RunResults r = run(s, 2);
  REQUIRE(r.variants.size() == s.variants().size());
  for (std::size_t v = 0; v < r.variants.size(); ++v) {
    CHECK(r.variants[v].option == s.variants()[v].option);
    CHECK(r.variants[v].sweep_point == s.variants()[v].sweep_point);
    CHECK(r.variants[v].label == s.variants()[v].label);
    for (std::size_t k = 0; k < r.variants[v].replications.size(); ++k)
      CHECK(r.variants[v].replications[k].replication == k);
  }
  // Options outermost, then the sweep points.
  CHECK(r.variants[0].option == "slow");
  CHECK(r.variants[1].option == "slow");
  CHECK(r.variants[2].option == "fast");
  CHECK(r.variants[3].option == "fast");
  CHECK(r.variants[0].sweep_point != r.variants[1].sweep_point);
  CHECK(r.variants[0].sweep_point == r.variants[2].sweep_point);
  CHECK(r.variants[0].label != r.variants[1].label);

  // Faster service means shorter waits at the same arrival rate.
  CHECK(r.variants[2].summary[0].mean < r.variants[0].summary[0].mean);

  // What is needed to reproduce the run is recorded.
  CHECK(r.seed == 2024);
  CHECK(r.replications == 4);
  CHECK(r.threads == 2);
  CHECK(r.scenario_file == "queue.yaml");
  CHECK(r.scenario_resolved == s.resolved_yaml());
  CHECK_FALSE(r.version.empty());
  CHECK(r.started_utc.size() == 20);
  CHECK(r.started_utc[10] == 'T');
  CHECK(r.started_utc.back() == 'Z');
  CHECK(r.finished_utc >= r.started_utc);
}

TEST_CASE("the summary of each KPI is its mean and Student-t interval over the replications") {
  RunResults r = run(load(), 2);
  const VariantResults& v = r.variants[1];
  REQUIRE(v.summary.size() == 3);
  CHECK(v.summary[0].name == "wait_mean_s");
  CHECK(v.summary[0].unit == "s");
  CHECK(v.summary[1].name == "in_system_mean");
  CHECK(v.summary[2].name == "served");
  for (std::size_t i = 0; i < 3; ++i) {
    std::vector<double> values;
    for (const auto& rep : v.replications) values.push_back(rep.kpis[i].value);
    ConfidenceInterval ci = confidence_interval(values);
    CHECK(v.summary[i].n == 4);
    CHECK(same_bits(v.summary[i].mean, ci.mean));
    CHECK(same_bits(v.summary[i].half_width, ci.half_width));
  }
}

TEST_CASE("summaries follow the first replication's KPIs and skip missing or undefined values") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<ReplicationResults> reps(3);
  reps[0].kpis = {{"b", "s", "B.", 1.0}, {"a", "", "A.", 10.0}};
  reps[1].kpis = {{"a", "", "A.", 20.0}, {"b", "s", "B.", 3.0}};
  reps[2].kpis = {{"a", "", "A.", nan}};
  std::vector<KpiSummary> s = summarise(reps);
  REQUIRE(s.size() == 2);
  CHECK(s[0].name == "b");
  CHECK(s[0].unit == "s");
  CHECK(s[0].description == "B.");
  CHECK(s[0].n == 2);
  CHECK(s[0].mean == 2.0);
  CHECK(s[1].name == "a");
  CHECK(s[1].n == 2);
  CHECK(s[1].mean == 15.0);
  CHECK(s[1].min == 10.0);
  CHECK(s[1].max == 20.0);
  CHECK(summarise({}).empty());
}

TEST_CASE("an exception thrown in one replication propagates with its message") {
  Scenario s = load({"queue.fail_replication=2"});
  CHECK_THROWS_WITH_AS(run(s, 2), "queue: replication 2 failed on purpose", std::runtime_error);
  CHECK_THROWS_WITH_AS(run(s, 1), "queue: replication 2 failed on purpose", std::runtime_error);
}

TEST_CASE("a model that cannot be built stops the run before any replication runs") {
  std::atomic<int> runs{0};
  ModelFactory factory = [&runs](const Variant& v) -> std::unique_ptr<const Model> {
    if (v.option == "fast") throw ScenarioError("queue.yaml: error: at 'queue.service_mean_s': too fast");
    return std::make_unique<QueueModel>(QueueParams::from_scenario(v.params), &runs);
  };
  CHECK_THROWS_WITH_AS(run_experiment(load(), factory, {}), "queue.yaml: error: at 'queue.service_mean_s': too fast",
                       ScenarioError);
  CHECK(runs.load() == 0);
}

TEST_CASE("progress is reported while running and reaches one at the end") {
  Scenario s = load({"replications=6", "duration=400h"});
  std::mutex m;
  std::vector<double> fractions;
  std::vector<std::size_t> done;
  std::size_t total = 0;
  ExperimentSettings settings;
  settings.threads = 2;
  settings.progress_period_s = 0.001;
  settings.on_progress = [&](double f, std::size_t d, std::size_t t) {
    std::lock_guard lock(m);
    fractions.push_back(f);
    done.push_back(d);
    total = t;
  };
  RunResults r = run_experiment(s, queue_factory, settings);
  REQUIRE_FALSE(fractions.empty());
  CHECK(fractions.back() == 1.0);
  CHECK(done.back() == 24);
  CHECK(total == 24);
  for (std::size_t i = 1; i < fractions.size(); ++i) {
    CHECK(fractions[i] >= fractions[i - 1]);
    CHECK(done[i] >= done[i - 1]);
  }
  for (double f : fractions) CHECK((f >= 0.0 && f <= 1.0));
  CHECK(r.variants.size() == 4);
}

TEST_CASE("a cancelled run starts no more replications") {
  std::atomic<bool> cancelled{true};
  std::atomic<int> runs{0};
  ModelFactory factory = [&runs](const Variant& v) -> std::unique_ptr<const Model> {
    return std::make_unique<QueueModel>(QueueParams::from_scenario(v.params), &runs);
  };
  double last_fraction = -1.0;
  ExperimentSettings settings;
  settings.threads = 2;
  settings.cancelled = &cancelled;
  settings.on_progress = [&](double f, std::size_t, std::size_t) { last_fraction = f; };
  RunResults r = run_experiment(load(), factory, settings);
  CHECK(runs.load() == 0);
  REQUIRE(r.variants.size() == 4);
  for (const auto& v : r.variants) {
    CHECK(v.replications.empty());
    CHECK(v.summary.empty());
  }
  CHECK(last_fraction == 0.0);
}

TEST_CASE("the mean wait of an M/M/1 queue at half load agrees with queueing theory") {
  // Arrivals 30/h and service 60 s: rho = 0.5, Wq = rho / (mu - lambda) = 60 s, L = rho / (1 - rho) = 1.
  Scenario s = load({}, SINGLE_QUEUE_SCENARIO);
  REQUIRE(s.variants().size() == 1);
  RunResults r = run(s, 2);
  const std::vector<KpiSummary>& k = r.variants[0].summary;
  CHECK(std::fabs(k[0].mean - 60.0) <= 2.0 * k[0].half_width);
  CHECK(k[0].half_width < 10.0);
  CHECK(std::fabs(k[1].mean - 1.0) <= 2.0 * k[1].half_width);
}
