// Random durations: parsing from scenarios and sampling.
#include "sim/Distribution.hpp"

#include <cmath>
#include <sstream>

#include "sim/Units.hpp"

namespace citytwin::sim {

namespace {
using units::UnitError;

const Json& field(const Json& v, const char* dist, const char* key) {
  auto it = v.find(key);
  if (it == v.end()) throw UnitError(std::string("a ") + dist + " distribution needs '" + key + "'");
  return *it;
}

void only_fields(const Json& v, const char* dist, std::initializer_list<const char*> allowed) {
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it.key() == "dist") continue;
    bool ok = false;
    for (const char* a : allowed) ok = ok || it.key() == a;
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw UnitError("'" + it.key() + "' is not a parameter of a " + dist + " distribution (it takes " + list + ")");
    }
  }
}

double positive_number(const Json& v, const char* what) {
  if (!v.is_number() || !(v.get<double>() > 0.0))
    throw UnitError(std::string(what) + " must be a number greater than zero, got " + v.dump());
  return v.get<double>();
}
}  // namespace

Distribution Distribution::constant(double seconds) {
  Distribution d;
  d.kind_ = Kind::CONSTANT;
  d.a_ = seconds;
  return d;
}

Distribution Distribution::exponential(double mean_s) {
  Distribution d;
  d.kind_ = Kind::EXPONENTIAL;
  d.a_ = mean_s;
  return d;
}

Distribution Distribution::parse(const Json& v) {
  if (!v.is_object()) return constant(units::duration(v).to_seconds());
  auto it = v.find("dist");
  if (it == v.end() || !it->is_string())
    throw UnitError("a distribution object needs 'dist': one of constant, exponential, uniform, lognormal, gamma, "
                    "erlang, normal, triangular");
  const std::string dist = it->get<std::string>();
  auto dur = [&](const char* key) { return units::duration(field(v, dist.c_str(), key)).to_seconds(); };
  Distribution d;
  if (dist == "constant") {
    only_fields(v, "constant", {"value"});
    d = constant(dur("value"));
  } else if (dist == "exponential") {
    only_fields(v, "exponential", {"mean"});
    d = exponential(dur("mean"));
  } else if (dist == "uniform") {
    only_fields(v, "uniform", {"min", "max"});
    d.kind_ = Kind::UNIFORM;
    d.a_ = dur("min");
    d.b_ = dur("max");
    if (d.b_ < d.a_) throw UnitError("a uniform distribution needs min <= max");
  } else if (dist == "lognormal") {
    d.kind_ = Kind::LOGNORMAL;
    if (v.contains("median")) {
      only_fields(v, "lognormal", {"median", "sigma"});
      double median = dur("median");
      if (!(median > 0.0)) throw UnitError("a lognormal median must be greater than zero");
      d.a_ = std::log(median);
      d.b_ = v.contains("sigma") ? positive_number(v["sigma"], "sigma") : 0.5;
    } else {
      only_fields(v, "lognormal", {"mean", "sd"});
      double mean = dur("mean"), sd = dur("sd");
      if (!(mean > 0.0)) throw UnitError("a lognormal mean must be greater than zero");
      double s2 = std::log(1.0 + (sd * sd) / (mean * mean));
      d.a_ = std::log(mean) - 0.5 * s2;
      d.b_ = std::sqrt(s2);
    }
  } else if (dist == "gamma") {
    only_fields(v, "gamma", {"mean", "shape"});
    d.kind_ = Kind::GAMMA;
    d.b_ = positive_number(field(v, "gamma", "shape"), "shape");
    d.a_ = dur("mean") / d.b_;  // scale
  } else if (dist == "erlang") {
    only_fields(v, "erlang", {"mean", "k"});
    const Json& k = field(v, "erlang", "k");
    if (!k.is_number_integer() || k.get<long long>() < 1) throw UnitError("k must be a whole number >= 1, got " + k.dump());
    d.kind_ = Kind::GAMMA;
    d.b_ = k.get<double>();
    d.a_ = dur("mean") / d.b_;
  } else if (dist == "normal") {
    only_fields(v, "normal", {"mean", "sd"});
    d.kind_ = Kind::NORMAL;
    d.a_ = dur("mean");
    d.b_ = dur("sd");
  } else if (dist == "triangular") {
    only_fields(v, "triangular", {"min", "mode", "max"});
    d.kind_ = Kind::TRIANGULAR;
    d.a_ = dur("min");
    d.c_ = dur("mode");
    d.b_ = dur("max");
    if (!(d.a_ <= d.c_ && d.c_ <= d.b_ && d.a_ < d.b_))
      throw UnitError("a triangular distribution needs min <= mode <= max and min < max");
  } else {
    throw UnitError("unknown distribution '" + dist +
                    "': use one of constant, exponential, uniform, lognormal, gamma, erlang, normal, triangular");
  }
  return d;
}

double Distribution::sample_s(RandomStream& rng) const {
  switch (kind_) {
    case Kind::CONSTANT: return a_;
    case Kind::EXPONENTIAL: return rng.exponential(a_);
    case Kind::UNIFORM: return rng.uniform(a_, b_);
    case Kind::LOGNORMAL: return rng.lognormal(a_, b_);
    case Kind::GAMMA: return a_ > 0.0 ? rng.gamma(b_, a_) : 0.0;
    case Kind::NORMAL: {
      if (b_ <= 0.0) return std::max(a_, 0.0);
      for (int i = 0; i < 1000; ++i) {
        double x = rng.normal(a_, b_);
        if (x >= 0.0) return x;
      }
      return 0.0;
    }
    case Kind::TRIANGULAR: {
      double u = rng.uniform(), f = (c_ - a_) / (b_ - a_);
      return u < f ? a_ + std::sqrt(u * (b_ - a_) * (c_ - a_)) : b_ - std::sqrt((1.0 - u) * (b_ - a_) * (b_ - c_));
    }
  }
  return 0.0;
}

double Distribution::mean_s() const {
  switch (kind_) {
    case Kind::CONSTANT:
    case Kind::EXPONENTIAL: return a_;
    case Kind::UNIFORM: return 0.5 * (a_ + b_);
    case Kind::LOGNORMAL: return std::exp(a_ + 0.5 * b_ * b_);
    case Kind::GAMMA: return a_ * b_;
    case Kind::NORMAL: {
      // Mean of a normal truncated at zero.
      if (b_ <= 0.0) return std::max(a_, 0.0);
      double z = a_ / b_;
      double pdf = std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI), cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
      return a_ + b_ * pdf / cdf;
    }
    case Kind::TRIANGULAR: return (a_ + b_ + c_) / 3.0;
  }
  return 0.0;
}

std::string Distribution::describe() const {
  std::ostringstream s;
  switch (kind_) {
    case Kind::CONSTANT: s << "constant(" << a_ << " s)"; break;
    case Kind::EXPONENTIAL: s << "exponential(mean " << a_ << " s)"; break;
    case Kind::UNIFORM: s << "uniform(" << a_ << " s, " << b_ << " s)"; break;
    case Kind::LOGNORMAL: s << "lognormal(median " << std::exp(a_) << " s, sigma " << b_ << ")"; break;
    case Kind::GAMMA: s << "gamma(shape " << b_ << ", scale " << a_ << " s)"; break;
    case Kind::NORMAL: s << "normal(mean " << a_ << " s, sd " << b_ << " s, truncated at 0)"; break;
    case Kind::TRIANGULAR: s << "triangular(" << a_ << " s, " << c_ << " s, " << b_ << " s)"; break;
  }
  return s.str();
}

}  // namespace citytwin::sim
