// Heads, pressures and flows as CSV tables in the layout of EPANET's reference results.
#include "outputs/HydraulicsCsv.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace citytwin::outputs {

namespace water = models::water;

namespace {

std::FILE* open_partial(const std::string& path) {
  std::FILE* f = std::fopen((path + ".partial").c_str(), "w");
  if (!f) throw std::runtime_error(path + ": cannot write (" + std::strerror(errno) + "); check the directory");
  return f;
}

}  // namespace

HydraulicsCsv::HydraulicsCsv(const water::WaterNetwork& net, const std::string& dir) : net_(net) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": cannot create the directory (" + ec.message() + ")");
  heads_.path = dir + "/heads.csv";
  pressures_.path = dir + "/pressures.csv";
  flows_.path = dir + "/flows.csv";
  for (Table* t : {&heads_, &pressures_, &flows_}) t->file = open_partial(t->path);
  for (Table* t : {&heads_, &pressures_}) {
    std::fputs("time_s", t->file);
    for (const water::Node& n : net.nodes) std::fprintf(t->file, ",%s", n.id.c_str());
    std::fputc('\n', t->file);
  }
  std::fputs("time_s", flows_.file);
  for (const water::Link& l : net.links) std::fprintf(flows_.file, ",%s", l.id.c_str());
  std::fputc('\n', flows_.file);
}

HydraulicsCsv::~HydraulicsCsv() {
  for (Table* t : {&heads_, &pressures_, &flows_}) {
    if (t->file) std::fclose(t->file);
    if (!committed_) std::remove((t->path + ".partial").c_str());
  }
}

void HydraulicsCsv::record(const water::HydraulicRun& run) {
  const long long t = static_cast<long long>(run.time_s());
  const water::FileUnits& u = net_.units;
  const auto& heads = run.heads_m();
  std::fprintf(heads_.file, "%lld", t);
  std::fprintf(pressures_.file, "%lld", t);
  for (std::size_t i = 0; i < net_.nodes.size(); ++i) {
    const int n = run.model().node(static_cast<int>(i));  // the same node, leak sites or not
    std::fprintf(heads_.file, ",%.6f", heads[n] / u.length_m);
    std::fprintf(pressures_.file, ",%.6f", run.pressure_m(n) / u.pressure_m);
  }
  std::fputc('\n', heads_.file);
  std::fputc('\n', pressures_.file);
  const auto& flows = run.flows_m3s();
  const auto& status = run.statuses();
  std::fprintf(flows_.file, "%lld", t);
  for (std::size_t k = 0; k < net_.links.size(); ++k) {
    const double q = status[k] <= water::HydraulicStatus::CLOSED ? 0.0 : flows[k] / u.flow_m3s;
    std::fprintf(flows_.file, ",%.6f", q);
  }
  std::fputc('\n', flows_.file);
  ++rows_;
}

void HydraulicsCsv::commit() {
  for (Table* t : {&heads_, &pressures_, &flows_}) {
    const bool bad = std::ferror(t->file) != 0;
    const bool closed = std::fclose(t->file) == 0;
    t->file = nullptr;
    if (bad || !closed) throw std::runtime_error(t->path + ": write failed; check the disk space");
  }
  for (Table* t : {&heads_, &pressures_, &flows_}) {
    std::error_code ec;
    std::filesystem::rename(t->path + ".partial", t->path, ec);
    if (ec) throw std::runtime_error(t->path + ": cannot rename into place (" + ec.message() + ")");
  }
  committed_ = true;
}

}  // namespace citytwin::outputs
