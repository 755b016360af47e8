// Writes a run's results to one HDF5 file: /meta, /variants/<i>/rep_<r>/{series,events,kpis,warnings}, /summary.
#include "outputs/Hdf5Writer.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "outputs/Hdf5Handle.hpp"

namespace citytwin::outputs {
namespace {

constexpr const char* FORMAT = "citytwin-results 1";
constexpr unsigned DEFLATE_LEVEL = 4;
constexpr hsize_t MAX_CHUNK_ROWS = 4096;

// ---- Errors --------------------------------------------------------------------------------------

/// Silences HDF5's printing of its error stack for the current thread and restores it afterwards.
class QuietHdf5Errors {
 public:
  QuietHdf5Errors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietHdf5Errors(const QuietHdf5Errors&) = delete;
  QuietHdf5Errors& operator=(const QuietHdf5Errors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

herr_t keep_innermost(unsigned n, const H5E_error2_t* err, void* client) {
  if (n == 0 && err->desc != nullptr) *static_cast<std::string*>(client) = err->desc;
  return 0;
}

/// The most specific message on the current thread's HDF5 error stack ("unable to open file: ... errno = 2").
std::string hdf5_error_detail() {
  std::string detail;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &detail);
  return detail;
}

[[noreturn]] void fail(std::string_view call, std::string_view object) {
  std::string message = std::string(call) + "() failed for '" + std::string(object) + "'";
  if (const std::string detail = hdf5_error_detail(); !detail.empty()) message += ": " + detail;
  throw std::runtime_error(message);
}

void check_status(herr_t status, std::string_view call, std::string_view object) {
  if (status < 0) fail(call, object);
}

/// Wraps the identifier returned by an HDF5 call, or throws naming the call and the object.
Hdf5Handle own(hid_t id, Hdf5Handle::Closer closer, std::string_view call, std::string_view object) {
  if (id < 0) fail(call, object);
  return Hdf5Handle(id, closer);
}

// ---- Names -----------------------------------------------------------------------------------------

/// `prefix` followed by `index` zero-padded to at least three digits, and as many as `largest` needs.
std::string index_name(std::string_view prefix, std::size_t index, std::size_t largest) {
  const std::size_t width = std::max<std::size_t>(3, std::to_string(largest).size());
  std::string digits = std::to_string(index);
  return std::string(prefix) + std::string(width - std::min(width, digits.size()), '0') + digits;
}

void check_link_name(const std::string& name, std::string_view what, const std::string& parent) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos)
    throw std::runtime_error(std::string(what) + " name '" + name + "' in " + parent +
                             " cannot name an HDF5 object: it must be non-empty, not '.', and contain no '/'");
}

std::string join(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

// ---- Types, groups, attributes ------------------------------------------------------------------

/// A variable-length UTF-8 string type.
Hdf5Handle utf8_string_type() {
  Hdf5Handle type = own(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy", "string type");
  check_status(H5Tset_size(type.get(), H5T_VARIABLE), "H5Tset_size", "string type");
  check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset", "string type");
  return type;
}

/// A group whose links are listed in creation order (as h5py does when the order is tracked).
Hdf5Handle create_group(hid_t parent, const std::string& name, const std::string& path) {
  Hdf5Handle gcpl = own(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "H5Pcreate", path);
  check_status(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
               "H5Pset_link_creation_order", path);
  return own(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose, "H5Gcreate2",
             path);
}

Hdf5Handle simple_space(hsize_t size, const std::string& path, bool unlimited = false) {
  const hsize_t dims[1] = {size};
  const hsize_t max_dims[1] = {unlimited ? H5S_UNLIMITED : size};
  return own(H5Screate_simple(1, dims, max_dims), H5Sclose, "H5Screate_simple", path);
}

void write_attribute(hid_t object, const char* name, hid_t type, const void* value, const std::string& path) {
  const std::string where = path + "@" + name;
  Hdf5Handle space = own(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate", where);
  Hdf5Handle attribute =
      own(H5Acreate2(object, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, "H5Acreate2", where);
  check_status(H5Awrite(attribute.get(), type, value), "H5Awrite", where);
}

void write_string_attribute(hid_t object, const char* name, const std::string& value, const std::string& path) {
  const Hdf5Handle type = utf8_string_type();
  const char* text = value.c_str();
  write_attribute(object, name, type.get(), &text, path);
}

void write_uint_attribute(hid_t object, const char* name, std::uint64_t value, const std::string& path) {
  write_attribute(object, name, H5T_NATIVE_UINT64, &value, path);
}

void write_strings_attribute(hid_t object, const char* name, const std::vector<std::string>& values,
                             const std::string& path) {
  const std::string where = path + "@" + name;
  const Hdf5Handle type = utf8_string_type();
  std::vector<const char*> texts;
  for (const std::string& v : values) texts.push_back(v.c_str());
  Hdf5Handle space = simple_space(texts.size(), where);
  Hdf5Handle attribute = own(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                             H5Aclose, "H5Acreate2", where);
  if (!texts.empty()) check_status(H5Awrite(attribute.get(), type.get(), texts.data()), "H5Awrite", where);
}

// ---- Datasets ----------------------------------------------------------------------------------------

/// A one-dimensional dataset of `rows` elements, written from `data` laid out as `type`; `file_type`
/// (defaults to `type`) is how they are stored. Tables are chunked (rows appendable), shuffled and
/// deflated; other datasets are contiguous.
Hdf5Handle write_rows(hid_t parent, const std::string& name, hid_t type, std::size_t rows, const void* data,
                      bool table, const std::string& path, hid_t file_type = H5I_INVALID_HID) {
  Hdf5Handle dcpl = own(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "H5Pcreate", path);
  if (table) {
    const hsize_t chunk[1] = {std::max<hsize_t>(1, std::min<hsize_t>(rows, MAX_CHUNK_ROWS))};
    check_status(H5Pset_chunk(dcpl.get(), 1, chunk), "H5Pset_chunk", path);
    check_status(H5Pset_shuffle(dcpl.get()), "H5Pset_shuffle", path);
    check_status(H5Pset_deflate(dcpl.get(), DEFLATE_LEVEL), "H5Pset_deflate", path);
  }
  Hdf5Handle space = simple_space(rows, path, table);
  Hdf5Handle dataset = own(H5Dcreate2(parent, name.c_str(), file_type < 0 ? type : file_type, space.get(),
                                      H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                           H5Dclose, "H5Dcreate2", path);
  if (rows > 0)
    check_status(H5Dwrite(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "H5Dwrite", path);
  return dataset;
}

Hdf5Handle write_doubles(hid_t parent, const std::string& name, const std::vector<double>& values,
                         const std::string& path) {
  return write_rows(parent, name, H5T_NATIVE_DOUBLE, values.size(), values.data(), false, path);
}

void write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values,
                   const std::string& path) {
  const Hdf5Handle type = utf8_string_type();
  std::vector<const char*> texts;
  for (const std::string& v : values) texts.push_back(v.c_str());
  write_rows(parent, name, type.get(), texts.size(), texts.data(), false, path);
}

/// Builds a packed compound type member by member.
class CompoundBuilder {
 public:
  CompoundBuilder(std::size_t size, std::string path)
      : type_(own(H5Tcreate(H5T_COMPOUND, size), H5Tclose, "H5Tcreate", path)), path_(std::move(path)) {}
  void add(const std::string& name, std::size_t offset, hid_t member_type) {
    check_status(H5Tinsert(type_.get(), name.c_str(), offset, member_type), "H5Tinsert", path_ + "." + name);
  }
  /// The type as laid out in memory.
  Hdf5Handle take() { return std::move(type_); }
  /// A copy without the padding of the memory layout, for storage.
  Hdf5Handle packed() const {
    Hdf5Handle copy = own(H5Tcopy(type_.get()), H5Tclose, "H5Tcopy", path_);
    check_status(H5Tpack(copy.get()), "H5Tpack", path_);
    return copy;
  }

 private:
  Hdf5Handle type_;
  std::string path_;
};

// ---- Event tables ----------------------------------------------------------------------------------

/// The value of an INT64 column as an integer; refuses values that are not whole numbers.
std::int64_t whole_number(double value, const sim::EventTable& table, std::size_t column, std::size_t row) {
  constexpr double LIMIT = 9223372036854775808.0;  // 2^63
  if (!std::isfinite(value) || std::trunc(value) != value || value < -LIMIT || value >= LIMIT)
    throw std::runtime_error("event table '" + table.name() + "', column '" + table.columns()[column].name +
                             "' (INT64), row " + std::to_string(row) + " holds " + std::to_string(value) +
                             ", which is not a 64-bit whole number; declare the column FLOAT64 or append whole numbers");
  return static_cast<std::int64_t>(value);
}

void write_event_table(hid_t events, const sim::EventTable& table, const std::string& parent) {
  const std::string path = join(parent, table.name());
  check_link_name(table.name(), "event table", parent);
  const std::vector<sim::ColumnSpec>& columns = table.columns();
  if (columns.empty()) throw std::runtime_error("event table " + path + " has no columns");

  // One 8-byte member per column, in declaration order: a number, or a pointer to variable-length text.
  constexpr std::size_t CELL = 8;
  static_assert(sizeof(std::int64_t) == CELL && sizeof(double) == CELL && sizeof(const char*) == CELL);
  const std::size_t row_size = CELL * columns.size();
  const Hdf5Handle text = utf8_string_type();
  CompoundBuilder builder(row_size, path);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    hid_t member = H5T_NATIVE_DOUBLE;
    if (columns[c].type == sim::ColumnSpec::Type::INT64) member = H5T_NATIVE_INT64;
    if (columns[c].type == sim::ColumnSpec::Type::STRING) member = text.get();
    builder.add(columns[c].name, c * CELL, member);
  }
  const Hdf5Handle type = builder.take();

  // Column-major values to row-major records; texts stay in the table, which outlives the write.
  const std::size_t rows = table.rows();
  std::vector<unsigned char> records(rows * row_size);
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].type == sim::ColumnSpec::Type::STRING) {
      const std::vector<std::string>& texts = table.text_column(c);
      for (std::size_t r = 0; r < rows; ++r) {
        const char* p = texts[r].c_str();
        std::memcpy(records.data() + r * row_size + c * CELL, &p, CELL);
      }
      continue;
    }
    const std::vector<double>& values = table.column(c);
    const bool integer = columns[c].type == sim::ColumnSpec::Type::INT64;
    for (std::size_t r = 0; r < rows; ++r) {
      unsigned char* cell = records.data() + r * row_size + c * CELL;
      if (integer) {
        const std::int64_t v = whole_number(values[r], table, c, r);
        std::memcpy(cell, &v, CELL);
      } else {
        std::memcpy(cell, &values[r], CELL);
      }
    }
  }

  const Hdf5Handle dataset = write_rows(events, table.name(), type.get(), rows, records.data(), true, path);
  std::vector<std::string> units, descriptions;
  for (const sim::ColumnSpec& column : columns) {
    units.push_back(column.unit);
    descriptions.push_back(column.description);
  }
  write_string_attribute(dataset.get(), "description", table.description(), path);
  write_strings_attribute(dataset.get(), "units", units, path);
  write_strings_attribute(dataset.get(), "descriptions", descriptions, path);
}

// ---- Replications ----------------------------------------------------------------------------------

void write_series(hid_t replication, const sim::SeriesSet& set, const std::string& parent) {
  const std::string path = join(parent, "series");
  const Hdf5Handle group = create_group(replication, "series", path);

  // The time axis, a dimension scale.
  const std::string time_path = join(path, "time_s");
  const Hdf5Handle time = write_doubles(group.get(), "time_s", set.time_s, time_path);
  check_status(H5DSset_scale(time.get(), "time"), "H5DSset_scale", time_path);
  write_string_attribute(time.get(), "units", "s", time_path);
  write_string_attribute(time.get(), "description", "Simulated time since the start of the replication.", time_path);

  // Each series, attached to the time axis.
  for (const sim::Series& series : set.series) {
    const std::string series_path = join(path, series.name);
    check_link_name(series.name, "series", path);
    if (series.name == "time_s")
      throw std::runtime_error("series name 'time_s' in " + path + " is taken by the time axis; rename the series");
    if (series.values.size() != set.time_s.size())
      throw std::runtime_error("series " + series_path + " has " + std::to_string(series.values.size()) +
                               " values but the time axis has " + std::to_string(set.time_s.size()));
    const Hdf5Handle dataset = write_doubles(group.get(), series.name, series.values, series_path);
    check_status(H5DSattach_scale(dataset.get(), time.get(), 0), "H5DSattach_scale", series_path);
    write_string_attribute(dataset.get(), "units", series.unit, series_path);
    write_string_attribute(dataset.get(), "description", series.description, series_path);
  }
}

struct KpiRecord {
  const char* name;
  const char* unit;
  const char* description;
  double value;
};

void write_kpis(hid_t replication, const std::vector<sim::Kpi>& kpis, const std::string& parent) {
  const std::string path = join(parent, "kpis");
  const Hdf5Handle text = utf8_string_type();
  CompoundBuilder builder(sizeof(KpiRecord), path);
  builder.add("name", offsetof(KpiRecord, name), text.get());
  builder.add("unit", offsetof(KpiRecord, unit), text.get());
  builder.add("description", offsetof(KpiRecord, description), text.get());
  builder.add("value", offsetof(KpiRecord, value), H5T_NATIVE_DOUBLE);
  const Hdf5Handle file_type = builder.packed();
  const Hdf5Handle type = builder.take();

  std::vector<KpiRecord> records;
  for (const sim::Kpi& k : kpis) records.push_back({k.name.c_str(), k.unit.c_str(), k.description.c_str(), k.value});
  write_rows(replication, "kpis", type.get(), records.size(), records.data(), false, path, file_type.get());
}

void write_replication(hid_t variant, const sim::ReplicationResults& rep, const std::string& name,
                       const std::string& parent) {
  const std::string path = join(parent, name);
  const Hdf5Handle group = create_group(variant, name, path);
  write_uint_attribute(group.get(), "replication", rep.replication, path);
  write_uint_attribute(group.get(), "events", rep.events, path);

  write_series(group.get(), rep.series, path);
  const std::string events_path = join(path, "events");
  const Hdf5Handle events = create_group(group.get(), "events", events_path);
  for (const sim::EventTable& table : rep.tables) write_event_table(events.get(), table, events_path);
  write_kpis(group.get(), rep.kpis, path);
  if (!rep.warnings.empty()) write_strings(group.get(), "warnings", rep.warnings, join(path, "warnings"));
}

void write_variants(hid_t file, const std::vector<sim::VariantResults>& variants) {
  const Hdf5Handle group = create_group(file, "variants", "/variants");
  for (std::size_t v = 0; v < variants.size(); ++v) {
    const sim::VariantResults& variant = variants[v];
    const std::string name = index_name("", v, variants.size() - 1);
    const std::string path = join("/variants", name);
    const Hdf5Handle variant_group = create_group(group.get(), name, path);
    write_uint_attribute(variant_group.get(), "index", v, path);
    write_string_attribute(variant_group.get(), "option", variant.option, path);
    write_string_attribute(variant_group.get(), "sweep_point", variant.sweep_point, path);
    write_string_attribute(variant_group.get(), "label", variant.label, path);

    std::uint32_t largest = 0;
    for (const sim::ReplicationResults& rep : variant.replications) largest = std::max(largest, rep.replication);
    for (const sim::ReplicationResults& rep : variant.replications)
      write_replication(variant_group.get(), rep, index_name("rep_", rep.replication, largest), path);
  }
}

// ---- Metadata and summary ----------------------------------------------------------------------------

void write_meta(hid_t file, const sim::RunResults& results) {
  const std::string path = "/meta";
  const Hdf5Handle meta = create_group(file, "meta", path);
  write_string_attribute(meta.get(), "format", FORMAT, path);
  write_string_attribute(meta.get(), "version", results.version, path);
  write_string_attribute(meta.get(), "scenario_file", results.scenario_file, path);
  write_string_attribute(meta.get(), "scenario", results.scenario_resolved, path);
  write_uint_attribute(meta.get(), "seed", results.seed, path);
  write_uint_attribute(meta.get(), "replications", results.replications, path);
  write_uint_attribute(meta.get(), "threads", results.threads, path);
  write_uint_attribute(meta.get(), "variants", results.variants.size(), path);
  write_string_attribute(meta.get(), "started_utc", results.started_utc, path);
  write_string_attribute(meta.get(), "finished_utc", results.finished_utc, path);
}

struct SummaryRecord {
  std::int32_t variant;
  const char* option;
  const char* sweep_point;
  const char* label;
  const char* kpi;
  const char* unit;
  const char* description;
  std::int64_t n;
  double mean, sd, half_width, ci_low, ci_high, min, max;
};

/// /layout/NNN: each variant's description of its city, when its model gives one.
void write_layouts(hid_t file, const std::vector<sim::VariantResults>& variants) {
  bool any = std::any_of(variants.begin(), variants.end(), [](const auto& v) { return !v.layout.empty(); });
  if (!any) return;
  const Hdf5Handle group = create_group(file, "layout", "/layout");
  for (std::size_t v = 0; v < variants.size(); ++v) {
    if (variants[v].layout.empty()) continue;
    const std::string name = index_name("", v, variants.size() - 1);
    const std::string path = join("/layout", name);
    const Hdf5Handle variant_group = create_group(group.get(), name, path);
    write_string_attribute(variant_group.get(), "label", variants[v].label, path);
    for (const sim::EventTable& table : variants[v].layout) write_event_table(variant_group.get(), table, path);
  }
}

void write_summary(hid_t file, const std::vector<sim::VariantResults>& variants) {
  const std::string path = "/summary";
  const Hdf5Handle text = utf8_string_type();
  CompoundBuilder builder(sizeof(SummaryRecord), path);
  builder.add("variant", offsetof(SummaryRecord, variant), H5T_NATIVE_INT32);
  builder.add("option", offsetof(SummaryRecord, option), text.get());
  builder.add("sweep_point", offsetof(SummaryRecord, sweep_point), text.get());
  builder.add("label", offsetof(SummaryRecord, label), text.get());
  builder.add("kpi", offsetof(SummaryRecord, kpi), text.get());
  builder.add("unit", offsetof(SummaryRecord, unit), text.get());
  builder.add("description", offsetof(SummaryRecord, description), text.get());
  builder.add("n", offsetof(SummaryRecord, n), H5T_NATIVE_INT64);
  builder.add("mean", offsetof(SummaryRecord, mean), H5T_NATIVE_DOUBLE);
  builder.add("sd", offsetof(SummaryRecord, sd), H5T_NATIVE_DOUBLE);
  builder.add("half_width", offsetof(SummaryRecord, half_width), H5T_NATIVE_DOUBLE);
  builder.add("ci_low", offsetof(SummaryRecord, ci_low), H5T_NATIVE_DOUBLE);
  builder.add("ci_high", offsetof(SummaryRecord, ci_high), H5T_NATIVE_DOUBLE);
  builder.add("min", offsetof(SummaryRecord, min), H5T_NATIVE_DOUBLE);
  builder.add("max", offsetof(SummaryRecord, max), H5T_NATIVE_DOUBLE);
  const Hdf5Handle file_type = builder.packed();
  const Hdf5Handle type = builder.take();

  std::vector<SummaryRecord> records;
  for (std::size_t v = 0; v < variants.size(); ++v) {
    const sim::VariantResults& variant = variants[v];
    for (const sim::KpiSummary& k : variant.summary)
      records.push_back({static_cast<std::int32_t>(v), variant.option.c_str(), variant.sweep_point.c_str(),
                         variant.label.c_str(), k.name.c_str(), k.unit.c_str(), k.description.c_str(),
                         static_cast<std::int64_t>(k.n), k.mean, k.sd, k.half_width, k.low(), k.high(), k.min,
                         k.max});
  }
  write_rows(file, "summary", type.get(), records.size(), records.data(), false, path, file_type.get());
}

// ---- The file ----------------------------------------------------------------------------------------

void write_file(const sim::RunResults& results, const std::string& file_name) {
  // Closing the file fails if any object in it is still open, rather than leaving it open silently.
  Hdf5Handle fapl = own(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "H5Pcreate", file_name);
  check_status(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI), "H5Pset_fclose_degree", file_name);
  Hdf5Handle file =
      own(H5Fcreate(file_name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose, "H5Fcreate", file_name);

  write_meta(file.get(), results);
  write_variants(file.get(), results.variants);
  write_layouts(file.get(), results.variants);
  write_summary(file.get(), results.variants);

  check_status(file.close(), "H5Fclose", file_name);
}

void remove_quietly(const std::string& file_name) {
  std::error_code ignored;
  std::filesystem::remove(file_name, ignored);
}

}  // namespace

void write_hdf5(const sim::RunResults& results, const std::string& path) {
  const std::string partial = path + ".partial";
  if (std::error_code ignored; std::filesystem::is_directory(path, ignored))
    throw std::runtime_error("write_hdf5(): cannot write results file '" + path + "': it is a directory");
  const QuietHdf5Errors quiet;
  try {
    write_file(results, partial);
  } catch (const std::runtime_error& e) {
    remove_quietly(partial);
    throw std::runtime_error("write_hdf5(): cannot write results file '" + path + "' (through '" + partial +
                             "'): " + e.what());
  } catch (...) {
    remove_quietly(partial);
    throw;
  }

  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) {
    remove_quietly(partial);
    throw std::runtime_error("write_hdf5(): cannot rename '" + partial + "' to '" + path + "': " + error.message());
  }
}

}  // namespace citytwin::outputs
