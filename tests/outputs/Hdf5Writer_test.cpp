// Tests of the HDF5 results file: written, then read back with the HDF5 C API and with h5py and pandas.
#include "outputs/Hdf5Writer.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "outputs/Hdf5Handle.hpp"

namespace fs = std::filesystem;
using citytwin::outputs::Hdf5Handle;
using citytwin::outputs::write_hdf5;
namespace sim = citytwin::sim;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

/// A directory of its own under the system's temporary directory, removed with its contents.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("citytwin-hdf5-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

/// The alert table of one replication: INT64 and FLOAT64 columns, a NaN where police never came.
sim::EventTable alert_table(std::uint32_t variant, std::uint32_t rep) {
  sim::EventTable table("alerts", "One row per alert pressed in a shop.",
                        {{"alert", sim::ColumnSpec::Type::INT64, "", "Alert number in the replication."},
                         {"shop", sim::ColumnSpec::Type::INT64, "", "Index of the shop."},
                         {"pressed_s", sim::ColumnSpec::Type::FLOAT64, "s", "When the button was pressed."},
                         {"time_to_police_s", sim::ColumnSpec::Type::FLOAT64, "s", "Press to police arrival."}});
  const double base = 100.0 * variant + 10.0 * rep;
  table.append({0, 7, base + 1.5, 600.0});
  table.append({1, -3, base + 2.5, NaN});
  table.append({2, 9007199254740992.0, base + 3.5, 900.25});  // 2^53 stays exact
  return table;
}

/// Two variants by three replications, with series, an alert table, an empty table, KPIs and warnings.
sim::RunResults sample_results() {
  sim::RunResults run;
  run.scenario_file = "scenarios/roanne-shop-alerts.yaml";
  run.scenario_resolved = "name: roanne\nplatform:\n  operators: 2\n";
  run.seed = 18446744073709551557ULL;  // above 2^63: needs an unsigned 64-bit attribute
  run.replications = 3;
  run.threads = 2;
  run.version = "0.1.0";
  run.started_utc = "2024-05-01T08:00:00Z";
  run.finished_utc = "2024-05-01T08:00:42Z";
  for (std::uint32_t v = 0; v < 2; ++v) {
    sim::VariantResults variant;
    variant.option = v == 0 ? "base" : "callback";
    variant.sweep_point = v == 0 ? "" : "platform.operators=2.5";
    variant.label = v == 0 ? "base" : "callback/platform.operators=2.5 — «opérateurs»";
    if (v == 1) {
      sim::EventTable gateways("gateways", "One row per gateway.",
                               {{"gateway", sim::ColumnSpec::Type::INT64, "", "Gateway index."},
                                {"x_m", sim::ColumnSpec::Type::FLOAT64, "m", "East."}});
      gateways.append({0, 1000.0});
      gateways.append({1, 2100.5});
      variant.layout.push_back(std::move(gateways));
      sim::EventTable data("sensor_data", "What each kind of sensor emits.",
                           {{"sensor", sim::ColumnSpec::Type::STRING, "", "Kind of sensor."},
                            {"count", sim::ColumnSpec::Type::INT64, "", "Sensors of that kind."},
                            {"emits", sim::ColumnSpec::Type::STRING, "", "What leaves the sensor."}});
      data.append({"camera", 2, "people counts — «never images»"});
      data.append({"microphone", 10, ""});
      variant.layout.push_back(std::move(data));
    }
    for (std::uint32_t r = 0; r < 3; ++r) {
      sim::ReplicationResults rep;
      rep.replication = r;
      rep.events = 1000 + 10 * v + r;
      rep.series.time_s = {0.0, 3600.0, 7200.0, 10800.0};
      rep.series.series.push_back({"queue_length", "", "Alerts waiting for an operator.", {0, 1, 2.0 + r, 0}});
      rep.series.series.push_back({"busy_operators", "", "Operators handling an alert.", {0, 1, 2, v + 0.5}});
      rep.tables.push_back(alert_table(v, r));
      rep.tables.push_back(sim::EventTable("messages", "One row per radio message.",
                                           {{"sent_s", sim::ColumnSpec::Type::FLOAT64, "s", "When sent."},
                                            {"bytes", sim::ColumnSpec::Type::INT64, "B", "Payload size."}}));
      rep.kpis.push_back({"callback_time_mean_s", "s", "Mean time to the callback.", 60.0 + v + r});
      rep.kpis.push_back({"police_time_p90_s", "s", "90th percentile of the time to police.", NaN});
      if (r == 1) rep.warnings = {"shop 3: sensor offline for 120 s", "queue full twice"};
      variant.replications.push_back(std::move(rep));
    }
    variant.summary.push_back({"callback_time_mean_s", "s", "Mean time to the callback.", 3, 61.0 + v, 1.0,
                               2.4841377118, 60.0 + v, 62.0 + v});
    variant.summary.push_back({"police_time_p90_s", "s", "90th percentile of the time to police.", 0, NaN, NaN,
                               NaN, NaN, NaN});
    run.variants.push_back(std::move(variant));
  }
  return run;
}

// ---- Reading back with the C API ---------------------------------------------------------------

Hdf5Handle open_file(const fs::path& file) {
  return Hdf5Handle(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
}

Hdf5Handle open_group(hid_t loc, const char* path) { return Hdf5Handle(H5Gopen2(loc, path, H5P_DEFAULT), H5Gclose); }

Hdf5Handle open_dataset(hid_t loc, const std::string& path) {
  return Hdf5Handle(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), H5Dclose);
}

Hdf5Handle string_type() {
  Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

/// The strings of an attribute (one for a scalar), and whether it is stored as variable-length UTF-8.
std::vector<std::string> read_strings_attribute(hid_t object, const char* name, bool* utf8 = nullptr) {
  Hdf5Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  REQUIRE_MESSAGE(attribute, "no attribute " << name);
  Hdf5Handle file_type(H5Aget_type(attribute.get()), H5Tclose);
  if (utf8 != nullptr)
    *utf8 = H5Tis_variable_str(file_type.get()) > 0 && H5Tget_cset(file_type.get()) == H5T_CSET_UTF8;
  Hdf5Handle space(H5Aget_space(attribute.get()), H5Sclose);
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  std::vector<char*> texts(count, nullptr);
  const Hdf5Handle type = string_type();
  std::vector<std::string> result;
  if (count == 0) return result;
  REQUIRE(H5Aread(attribute.get(), type.get(), texts.data()) >= 0);
  for (char* t : texts) result.emplace_back(t);
  H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, texts.data());
  return result;
}

std::string read_string_attribute(hid_t object, const char* name, bool* utf8 = nullptr) {
  const std::vector<std::string> texts = read_strings_attribute(object, name, utf8);
  REQUIRE(texts.size() == 1);
  return texts.front();
}

std::uint64_t read_uint_attribute(hid_t object, const char* name) {
  Hdf5Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  REQUIRE_MESSAGE(attribute, "no attribute " << name);
  std::uint64_t value = 0;
  REQUIRE(H5Aread(attribute.get(), H5T_NATIVE_UINT64, &value) >= 0);
  return value;
}

std::vector<double> read_doubles(hid_t loc, const std::string& path) {
  const Hdf5Handle dataset = open_dataset(loc, path);
  REQUIRE_MESSAGE(dataset, "no dataset " << path);
  Hdf5Handle space(H5Dget_space(dataset.get()), H5Sclose);
  std::vector<double> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  if (!values.empty()) REQUIRE(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
  return values;
}

std::vector<std::string> member_names(hid_t dataset) {
  Hdf5Handle type(H5Dget_type(dataset), H5Tclose);
  std::vector<std::string> names;
  for (int i = 0; i < H5Tget_nmembers(type.get()); ++i) {
    char* name = H5Tget_member_name(type.get(), static_cast<unsigned>(i));
    names.emplace_back(name);
    H5free_memory(name);
  }
  return names;
}

hssize_t rows_of(hid_t dataset) {
  Hdf5Handle space(H5Dget_space(dataset), H5Sclose);
  return H5Sget_simple_extent_npoints(space.get());
}

/// Files, groups, datasets and attributes open anywhere in the library. Datatypes are left out: with
/// H5F_OBJ_ALL the count includes every transient type, such as the copies of predefined types that the
/// HDF5 C++ library makes when it is loaded; LeakProbe checks types.
ssize_t open_objects() {
  return H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_FILE | H5F_OBJ_GROUP | H5F_OBJ_DATASET | H5F_OBJ_ATTR);
}

/// Counts the identifiers of one kind (dataspaces, types, property lists) made after the probe that are still
/// open. Identifiers of a kind are numbered in sequence, so every one made after the probe lies between it
/// and a second probe.
class LeakProbe {
 public:
  using Make = hid_t (*)();
  LeakProbe(Make make, Hdf5Handle::Closer closer) : make_(make), close_(closer), first_(probe()) {}
  std::int64_t still_open() const {
    const hid_t last = probe();
    std::int64_t open = 0;
    for (hid_t id = first_ + 1; id < last; ++id) open += H5Iis_valid(id) > 0 ? 1 : 0;
    return open;
  }

 private:
  hid_t probe() const {
    const hid_t id = make_();
    close_(id);
    return id;
  }
  Make make_;
  Hdf5Handle::Closer close_;
  hid_t first_;
};

struct Written {
  TempDir dir;
  fs::path file = dir.path / "run.h5";
  sim::RunResults results = sample_results();
  Written() { write_hdf5(results, file.string()); }
};

}  // namespace

TEST_CASE("a written run is renamed from its partial file and records how it was made in /meta") {
  const Written w;
  CHECK(fs::exists(w.file));
  CHECK_FALSE(fs::exists(w.file.string() + ".partial"));

  const Hdf5Handle file = open_file(w.file);
  REQUIRE(file);
  const Hdf5Handle meta = open_group(file.get(), "/meta");
  REQUIRE(meta);
  bool utf8 = false;
  CHECK(read_string_attribute(meta.get(), "format", &utf8) == "citytwin-results 1");
  CHECK(utf8);
  CHECK(read_string_attribute(meta.get(), "scenario") == w.results.scenario_resolved);
  CHECK(read_string_attribute(meta.get(), "scenario_file") == "scenarios/roanne-shop-alerts.yaml");
  CHECK(read_string_attribute(meta.get(), "version") == "0.1.0");
  CHECK(read_string_attribute(meta.get(), "started_utc") == "2024-05-01T08:00:00Z");
  CHECK(read_string_attribute(meta.get(), "finished_utc") == "2024-05-01T08:00:42Z");
  CHECK(read_uint_attribute(meta.get(), "seed") == 18446744073709551557ULL);
  CHECK(read_uint_attribute(meta.get(), "replications") == 3);
  CHECK(read_uint_attribute(meta.get(), "threads") == 2);
  CHECK(read_uint_attribute(meta.get(), "variants") == 2);
}

TEST_CASE("variants are numbered groups whose labels, awkward characters included, are attributes") {
  const Written w;
  const Hdf5Handle file = open_file(w.file);
  const Hdf5Handle base = open_group(file.get(), "/variants/000");
  const Hdf5Handle callback = open_group(file.get(), "/variants/001");
  REQUIRE(base);
  REQUIRE(callback);
  CHECK(read_string_attribute(base.get(), "option") == "base");
  CHECK(read_string_attribute(base.get(), "sweep_point").empty());
  CHECK(read_string_attribute(callback.get(), "label") == "callback/platform.operators=2.5 — «opérateurs»");
  CHECK(read_uint_attribute(callback.get(), "index") == 1);

  const Hdf5Handle rep = open_group(file.get(), "/variants/001/rep_002");
  REQUIRE(rep);
  CHECK(read_uint_attribute(rep.get(), "replication") == 2);
  CHECK(read_uint_attribute(rep.get(), "events") == 1012);
}

TEST_CASE("series share the time axis as a dimension scale and carry their units") {
  const Written w;
  const Hdf5Handle file = open_file(w.file);
  const Hdf5Handle time = open_dataset(file.get(), "/variants/001/rep_002/series/time_s");
  const Hdf5Handle queue = open_dataset(file.get(), "/variants/001/rep_002/series/queue_length");
  REQUIRE(time);
  REQUIRE(queue);

  CHECK(H5DSis_scale(time.get()) > 0);
  CHECK(H5DSis_attached(queue.get(), time.get(), 0) > 0);
  CHECK(read_string_attribute(time.get(), "units") == "s");
  CHECK(read_string_attribute(queue.get(), "description") == "Alerts waiting for an operator.");
  CHECK(read_string_attribute(queue.get(), "units").empty());
  CHECK(read_doubles(file.get(), "/variants/001/rep_002/series/time_s") == std::vector<double>{0, 3600, 7200, 10800});
  CHECK(read_doubles(file.get(), "/variants/001/rep_002/series/queue_length") == std::vector<double>{0, 1, 4, 0});
  CHECK(read_doubles(file.get(), "/variants/001/rep_000/series/busy_operators") ==
        std::vector<double>{0, 1, 2, 1.5});
}

TEST_CASE("an event table is a chunked, shuffled and deflated compound dataset with one member per column") {
  const Written w;
  const Hdf5Handle file = open_file(w.file);
  const Hdf5Handle alerts = open_dataset(file.get(), "/variants/001/rep_001/events/alerts");
  REQUIRE(alerts);

  // Members in column order, integers as 64-bit integers.
  CHECK(member_names(alerts.get()) == std::vector<std::string>{"alert", "shop", "pressed_s", "time_to_police_s"});
  Hdf5Handle type(H5Dget_type(alerts.get()), H5Tclose);
  Hdf5Handle shop_type(H5Tget_member_type(type.get(), 1), H5Tclose);
  Hdf5Handle pressed_type(H5Tget_member_type(type.get(), 2), H5Tclose);
  CHECK(H5Tget_class(shop_type.get()) == H5T_INTEGER);
  CHECK(H5Tget_size(shop_type.get()) == 8);
  CHECK(H5Tget_class(pressed_type.get()) == H5T_FLOAT);

  // Values, read by member name into a struct of our own.
  struct Row {
    std::int64_t shop;
    double time_to_police_s;
    std::int64_t alert;
  };
  Hdf5Handle row_type(H5Tcreate(H5T_COMPOUND, sizeof(Row)), H5Tclose);
  H5Tinsert(row_type.get(), "shop", offsetof(Row, shop), H5T_NATIVE_INT64);
  H5Tinsert(row_type.get(), "time_to_police_s", offsetof(Row, time_to_police_s), H5T_NATIVE_DOUBLE);
  H5Tinsert(row_type.get(), "alert", offsetof(Row, alert), H5T_NATIVE_INT64);
  REQUIRE(rows_of(alerts.get()) == 3);
  std::vector<Row> rows(3);
  REQUIRE(H5Dread(alerts.get(), row_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) >= 0);
  CHECK(rows[0].shop == 7);
  CHECK(rows[1].shop == -3);
  CHECK(rows[2].shop == 9007199254740992LL);
  CHECK(rows[2].alert == 2);
  CHECK(rows[0].time_to_police_s == 600.0);
  CHECK(std::isnan(rows[1].time_to_police_s));

  // Chunked, with shuffle then deflate at level 4.
  Hdf5Handle dcpl(H5Dget_create_plist(alerts.get()), H5Pclose);
  CHECK(H5Pget_layout(dcpl.get()) == H5D_CHUNKED);
  hsize_t chunk[1] = {0};
  CHECK(H5Pget_chunk(dcpl.get(), 1, chunk) == 1);
  CHECK(chunk[0] == 3);
  REQUIRE(H5Pget_nfilters(dcpl.get()) == 2);
  unsigned flags = 0;
  std::size_t values_count = 1;
  unsigned level = 0;
  CHECK(H5Pget_filter2(dcpl.get(), 0, &flags, nullptr, nullptr, 0, nullptr, nullptr) == H5Z_FILTER_SHUFFLE);
  CHECK(H5Pget_filter2(dcpl.get(), 1, &flags, &values_count, &level, 0, nullptr, nullptr) == H5Z_FILTER_DEFLATE);
  CHECK(level == 4);

  // Descriptions and per-column units, in member order.
  CHECK(read_string_attribute(alerts.get(), "description") == "One row per alert pressed in a shop.");
  CHECK(read_strings_attribute(alerts.get(), "units") == std::vector<std::string>{"", "", "s", "s"});
  CHECK(read_strings_attribute(alerts.get(), "descriptions").at(1) == "Index of the shop.");
}

TEST_CASE("a variant's layout tables are written once, under /layout with the variant's number") {
  const Written w;
  const Hdf5Handle file = open_file(w.file);
  CHECK(H5Lexists(file.get(), "/layout/001", H5P_DEFAULT) > 0);
  CHECK(H5Lexists(file.get(), "/layout/000", H5P_DEFAULT) == 0);
  const Hdf5Handle gateways = open_dataset(file.get(), "/layout/001/gateways");
  REQUIRE(gateways);
  CHECK(member_names(gateways.get()) == std::vector<std::string>{"gateway", "x_m"});
  REQUIRE(rows_of(gateways.get()) == 2);
  struct Row {
    std::int64_t gateway;
    double x_m;
  };
  Hdf5Handle row_type(H5Tcreate(H5T_COMPOUND, sizeof(Row)), H5Tclose);
  H5Tinsert(row_type.get(), "gateway", offsetof(Row, gateway), H5T_NATIVE_INT64);
  H5Tinsert(row_type.get(), "x_m", offsetof(Row, x_m), H5T_NATIVE_DOUBLE);
  std::vector<Row> rows(2);
  REQUIRE(H5Dread(gateways.get(), row_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) >= 0);
  CHECK(rows[1].gateway == 1);
  CHECK(rows[1].x_m == 2100.5);
  CHECK(read_strings_attribute(gateways.get(), "units") == std::vector<std::string>{"", "m"});
}

TEST_CASE("a text column of an event table is a variable-length UTF-8 member") {
  const Written w;
  const Hdf5Handle file = open_file(w.file);
  const Hdf5Handle data = open_dataset(file.get(), "/layout/001/sensor_data");
  REQUIRE(data);
  CHECK(member_names(data.get()) == std::vector<std::string>{"sensor", "count", "emits"});
  Hdf5Handle type(H5Dget_type(data.get()), H5Tclose);
  Hdf5Handle sensor_type(H5Tget_member_type(type.get(), 0), H5Tclose);
  CHECK(H5Tget_class(sensor_type.get()) == H5T_STRING);
  CHECK(H5Tis_variable_str(sensor_type.get()) > 0);
  CHECK(H5Tget_cset(sensor_type.get()) == H5T_CSET_UTF8);
  struct Row {
    char* emits;
    std::int64_t count;
  };
  Hdf5Handle text(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(text.get(), H5T_VARIABLE);
  H5Tset_cset(text.get(), H5T_CSET_UTF8);
  Hdf5Handle row_type(H5Tcreate(H5T_COMPOUND, sizeof(Row)), H5Tclose);
  H5Tinsert(row_type.get(), "emits", offsetof(Row, emits), text.get());
  H5Tinsert(row_type.get(), "count", offsetof(Row, count), H5T_NATIVE_INT64);
  REQUIRE(rows_of(data.get()) == 2);
  std::vector<Row> rows(2);
  REQUIRE(H5Dread(data.get(), row_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) >= 0);
  CHECK(std::string(rows[0].emits) == "people counts — «never images»");
  CHECK(std::string(rows[1].emits).empty());
  CHECK(rows[1].count == 10);
  Hdf5Handle space(H5Dget_space(data.get()), H5Sclose);
  H5Dvlen_reclaim(row_type.get(), space.get(), H5P_DEFAULT, rows.data());
}

TEST_CASE("an empty event table is a zero-row compound dataset that can still grow") {
  const Written w;
  const Hdf5Handle file = open_file(w.file);
  const Hdf5Handle messages = open_dataset(file.get(), "/variants/000/rep_000/events/messages");
  REQUIRE(messages);
  CHECK(rows_of(messages.get()) == 0);
  CHECK(member_names(messages.get()) == std::vector<std::string>{"sent_s", "bytes"});
  Hdf5Handle space(H5Dget_space(messages.get()), H5Sclose);
  hsize_t dims[1] = {99}, max_dims[1] = {0};
  H5Sget_simple_extent_dims(space.get(), dims, max_dims);
  CHECK(dims[0] == 0);
  CHECK(max_dims[0] == H5S_UNLIMITED);
  Hdf5Handle dcpl(H5Dget_create_plist(messages.get()), H5Pclose);
  hsize_t chunk[1] = {0};
  CHECK(H5Pget_chunk(dcpl.get(), 1, chunk) == 1);
  CHECK(chunk[0] == 1);
}

TEST_CASE("replication KPIs keep NaN and warnings are kept as strings") {
  const Written w;
  const Hdf5Handle file = open_file(w.file);
  const Hdf5Handle kpis = open_dataset(file.get(), "/variants/001/rep_001/kpis");
  REQUIRE(kpis);
  CHECK(member_names(kpis.get()) == std::vector<std::string>{"name", "unit", "description", "value"});
  struct Row {
    char* name;
    double value;
  };
  const Hdf5Handle text = string_type();
  Hdf5Handle row_type(H5Tcreate(H5T_COMPOUND, sizeof(Row)), H5Tclose);
  H5Tinsert(row_type.get(), "name", offsetof(Row, name), text.get());
  H5Tinsert(row_type.get(), "value", offsetof(Row, value), H5T_NATIVE_DOUBLE);
  REQUIRE(rows_of(kpis.get()) == 2);
  std::vector<Row> rows(2);
  REQUIRE(H5Dread(kpis.get(), row_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) >= 0);
  CHECK(std::string(rows[0].name) == "callback_time_mean_s");
  CHECK(rows[0].value == 62.0);
  CHECK(std::string(rows[1].name) == "police_time_p90_s");
  CHECK(std::isnan(rows[1].value));
  Hdf5Handle space(H5Dget_space(kpis.get()), H5Sclose);
  H5Dvlen_reclaim(row_type.get(), space.get(), H5P_DEFAULT, rows.data());

  const Hdf5Handle warnings = open_dataset(file.get(), "/variants/001/rep_001/warnings");
  REQUIRE(warnings);
  CHECK(rows_of(warnings.get()) == 2);
  CHECK(H5Lexists(file.get(), "/variants/001/rep_000/warnings", H5P_DEFAULT) == 0);
}

TEST_CASE("the summary has one row per variant and KPI, with its confidence interval and NaN kept") {
  const Written w;
  const Hdf5Handle file = open_file(w.file);
  const Hdf5Handle summary = open_dataset(file.get(), "/summary");
  REQUIRE(summary);
  CHECK(member_names(summary.get()) ==
        std::vector<std::string>{"variant", "option", "sweep_point", "label", "kpi", "unit", "description", "n",
                                 "mean", "sd", "half_width", "ci_low", "ci_high", "min", "max"});
  struct Row {
    std::int32_t variant;
    char* label;
    char* kpi;
    std::int64_t n;
    double mean, ci_low, ci_high, max;
  };
  const Hdf5Handle text = string_type();
  Hdf5Handle row_type(H5Tcreate(H5T_COMPOUND, sizeof(Row)), H5Tclose);
  H5Tinsert(row_type.get(), "variant", offsetof(Row, variant), H5T_NATIVE_INT32);
  H5Tinsert(row_type.get(), "label", offsetof(Row, label), text.get());
  H5Tinsert(row_type.get(), "kpi", offsetof(Row, kpi), text.get());
  H5Tinsert(row_type.get(), "n", offsetof(Row, n), H5T_NATIVE_INT64);
  H5Tinsert(row_type.get(), "mean", offsetof(Row, mean), H5T_NATIVE_DOUBLE);
  H5Tinsert(row_type.get(), "ci_low", offsetof(Row, ci_low), H5T_NATIVE_DOUBLE);
  H5Tinsert(row_type.get(), "ci_high", offsetof(Row, ci_high), H5T_NATIVE_DOUBLE);
  H5Tinsert(row_type.get(), "max", offsetof(Row, max), H5T_NATIVE_DOUBLE);
  REQUIRE(rows_of(summary.get()) == 4);
  std::vector<Row> rows(4);
  REQUIRE(H5Dread(summary.get(), row_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) >= 0);

  CHECK(rows[2].variant == 1);
  CHECK(std::string(rows[2].label) == "callback/platform.operators=2.5 — «opérateurs»");
  CHECK(std::string(rows[2].kpi) == "callback_time_mean_s");
  CHECK(rows[2].n == 3);
  CHECK(rows[2].mean == 62.0);
  CHECK(rows[2].ci_low == doctest::Approx(62.0 - 2.4841377118));
  CHECK(rows[2].ci_high == doctest::Approx(62.0 + 2.4841377118));
  CHECK(rows[2].max == 63.0);
  CHECK(std::string(rows[3].kpi) == "police_time_p90_s");
  CHECK(rows[3].n == 0);
  CHECK(std::isnan(rows[3].mean));
  CHECK(std::isnan(rows[3].ci_low));
  CHECK(std::isnan(rows[3].ci_high));
  Hdf5Handle space(H5Dget_space(summary.get()), H5Sclose);
  H5Dvlen_reclaim(row_type.get(), space.get(), H5P_DEFAULT, rows.data());
}

TEST_CASE("writing leaves no HDF5 file, group, dataset, attribute, type, space or property list open") {
  const TempDir dir;
  const ssize_t objects_before = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  const LeakProbe spaces([] { return H5Screate(H5S_SCALAR); }, H5Sclose);
  const LeakProbe types([] { return H5Tcopy(H5T_NATIVE_INT); }, H5Tclose);
  const LeakProbe lists([] { return H5Pcreate(H5P_DATASET_CREATE); }, H5Pclose);

  write_hdf5(sample_results(), (dir.path / "run.h5").string());

  CHECK(open_objects() == 0);
  CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == objects_before);
  CHECK(spaces.still_open() == 0);
  CHECK(types.still_open() == 0);
  CHECK(lists.still_open() == 0);
}

TEST_CASE("writing into a directory that does not exist throws, names the file and leaves nothing behind") {
  const TempDir dir;
  const fs::path missing = dir.path / "no-such-dir";
  const std::string file = (missing / "run.h5").string();
  try {
    write_hdf5(sample_results(), file);
    FAIL("write_hdf5 did not throw");
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    CHECK(message.find(file) != std::string::npos);
    CHECK(message.find("H5Fcreate") != std::string::npos);
    CHECK(message.find("No such file or directory") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(missing));
  CHECK(fs::is_empty(dir.path));
  CHECK(open_objects() == 0);
}

TEST_CASE("a failed write removes its partial file and leaves the previous result in place") {
  const TempDir dir;
  const std::string file = (dir.path / "run.h5").string();
  write_hdf5(sample_results(), file);
  const auto size = fs::file_size(file);

  // A fractional value in an INT64 column cannot be written.
  sim::RunResults bad = sample_results();
  bad.variants[1].replications[2].tables[0].append({3, 4.5, 0.0, 0.0});
  try {
    write_hdf5(bad, file);
    FAIL("write_hdf5 did not throw");
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    CHECK(message.find(file) != std::string::npos);
    CHECK(message.find("'alerts', column 'shop' (INT64), row 3 holds 4.5") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(file + ".partial"));
  CHECK(fs::file_size(file) == size);
  CHECK(open_objects() == 0);
}

TEST_CASE("a name HDF5 cannot hold is refused with the path where it was found") {
  const TempDir dir;
  sim::RunResults bad = sample_results();
  bad.variants[0].replications[1].series.series[0].name = "queue/length";
  const std::string file = (dir.path / "run.h5").string();
  CHECK_THROWS_WITH_AS(write_hdf5(bad, file),
                       doctest::Contains("series name 'queue/length' in /variants/000/rep_001/series"),
                       std::runtime_error);
  CHECK(fs::is_empty(dir.path));
}

TEST_CASE("h5py and pandas read the summary and an event table into data frames") {
  if (std::system("/usr/bin/python3 -c 'import h5py, pandas' >/dev/null 2>&1") != 0) {
    MESSAGE("skipped: /usr/bin/python3 cannot import h5py and pandas");
    return;
  }
  const Written w;
  const fs::path script = w.dir.path / "read.py";
  std::ofstream(script) << R"(import sys, h5py, numpy as np, pandas as pd
with h5py.File(sys.argv[1], "r") as f:
    assert f["meta"].attrs["format"] == "citytwin-results 1"
    assert f["meta"].attrs["seed"] == 18446744073709551557
    assert list(f["variants"]) == ["000", "001"]
    assert f["variants/001"].attrs["label"] == "callback/platform.operators=2.5 — «opérateurs»"
    summary = pd.DataFrame(f["summary"][()])
    for column in summary.columns[summary.dtypes == object]:
        summary[column] = summary[column].str.decode("utf-8")
    assert summary.shape == (4, 15), summary.shape
    assert summary.loc[2, "kpi"] == "callback_time_mean_s" and summary.loc[2, "mean"] == 62.0
    assert np.isnan(summary.loc[3, "ci_high"])
    alerts = pd.concat(pd.DataFrame(rep["events/alerts"][()]).assign(replication=rep.attrs["replication"])
                       for rep in f["variants/001"].values())
    assert list(alerts.columns) == ["alert", "shop", "pressed_s", "time_to_police_s", "replication"]
    assert alerts["shop"].dtype == np.int64 and len(alerts) == 9
    assert alerts["time_to_police_s"].isna().sum() == 3
    assert list(f["variants/000/rep_000/events/alerts"].attrs["units"]) == ["", "", "s", "s"]
    assert len(f["variants/000/rep_000/events/messages"]) == 0
    data = pd.DataFrame(f["layout/001/sensor_data"][()])
    assert data.loc[0, "emits"].decode("utf-8") == "people counts — «never images»", data
    assert data.loc[1, "count"] == 10
    series = f["variants/000/rep_000/series/queue_length"]
    assert series.dims[0][0].name == "/variants/000/rep_000/series/time_s"
    assert series.attrs["description"] == "Alerts waiting for an operator."
)";
  const std::string command = "/usr/bin/python3 " + script.string() + " " + w.file.string();
  CHECK(std::system(command.c_str()) == 0);
}
