// Tests of the command centre's operators: priorities, abandonment, and the M/M/1 queue's mean wait.
#include "models/response/Platform.hpp"

#include <doctest/doctest.h>

#include <vector>

#include "sim/RandomStream.hpp"

using namespace citytwin;
using models::Platform;
using models::PlatformJob;
using sim::Time;

TEST_CASE("urgent jobs are served first, and jobs of one priority in the order they came") {
  sim::Simulation sim;
  std::vector<std::int64_t> started;
  Platform platform(sim, 1, 2, Time{}, [&](const PlatformJob& j) {
    started.push_back(j.id);
    return Time::seconds(10);
  }, [](const PlatformJob&) {}, [](const PlatformJob&) {});
  platform.submit({1, 1, false});  // taken at once: the operator is free
  platform.submit({2, 1, false});
  platform.submit({3, 0, false});
  platform.submit({4, 0, false});
  CHECK(platform.waiting(0) == 2);
  CHECK(platform.waiting(1) == 1);
  sim.run_until(Time::seconds(100));
  CHECK(started == std::vector<std::int64_t>{1, 3, 4, 2});
  CHECK(platform.busy() == 0);
}

TEST_CASE("a job nobody takes within the limit is abandoned and never served") {
  sim::Simulation sim;
  std::vector<std::int64_t> started, gave_up;
  Platform platform(sim, 1, 1, Time::seconds(30), [&](const PlatformJob& j) {
    started.push_back(j.id);
    return Time::seconds(60);
  }, [](const PlatformJob&) {}, [&](const PlatformJob& j) { gave_up.push_back(j.id); });
  platform.submit({1, 0, true});
  platform.submit({2, 0, true});   // waits 60 s: abandoned at 30 s
  sim.schedule_at(Time::seconds(50), [&] { platform.submit({3, 0, false}); });  // never abandoned
  sim.run_until(Time::seconds(300));
  CHECK(started == std::vector<std::int64_t>{1, 3});
  CHECK(gave_up == std::vector<std::int64_t>{2});
  CHECK(platform.waiting(0) == 0);
}

TEST_CASE("one operator with Poisson jobs and exponential service waits rho / (mu - lambda) on average") {
  // M/M/1 with lambda = 0.8/min, mu = 1/min: Wq = 4 min, utilisation 0.8.
  sim::Simulation sim;
  sim::RandomStream arrivals(1, 0, 0, "arrivals"), service(1, 0, 0, "service");
  std::vector<Time> queued;
  double wait_sum = 0.0;
  std::size_t served = 0;
  Platform platform(sim, 1, 1, Time{}, [&](const PlatformJob& j) {
    wait_sum += (sim.now() - queued[static_cast<std::size_t>(j.id)]).to_seconds();
    ++served;
    return Time::seconds(service.exponential(60.0));
  }, [](const PlatformJob&) {}, [](const PlatformJob&) {});
  std::function<void()> arrive = [&] {
    queued.push_back(sim.now());
    platform.submit({static_cast<std::int64_t>(queued.size() - 1), 0, false});
    sim.schedule_in(Time::seconds(arrivals.exponential(75.0)), arrive);
  };
  sim.schedule_at(Time{}, arrive);
  sim.run_until(Time::days(200));
  double wq_min = wait_sum / static_cast<double>(served) / 60.0;
  MESSAGE("mean wait " << wq_min << " min over " << served << " jobs; theory 4 min");
  CHECK(wq_min == doctest::Approx(4.0).epsilon(0.06));
  CHECK(platform.mean_busy(sim.now()) == doctest::Approx(0.8).epsilon(0.02));
}
