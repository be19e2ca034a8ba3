// engine/control/prometheus_writer.cc -- see prometheus_writer.h.
#include "engine/control/prometheus_writer.h"

#include <cmath>
#include <cstdio>

namespace hadns::control {

namespace {

std::string escape_help(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string escape_label(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '"') out += "\\\"";
    else out += c;
  }
  return out;
}

}  // namespace

void prometheus_writer::family(const std::string& name, const std::string& type, const std::string& help) {
  name_ = name;
  out_ += "# HELP " + name + " " + escape_help(help) + "\n";
  out_ += "# TYPE " + name + " " + type + "\n";
}

void prometheus_writer::write_labels(const labels& l) {
  out_ += name_;
  if (l.empty()) return;
  out_ += '{';
  for (size_t i = 0; i < l.size(); ++i) {
    if (i) out_ += ',';
    out_ += l[i].first + "=\"" + escape_label(l[i].second) + "\"";
  }
  out_ += '}';
}

void prometheus_writer::sample(const labels& l, double value) {
  write_labels(l);
  char buf[64];
  if (std::isnan(value)) std::snprintf(buf, sizeof buf, " NaN\n");
  else std::snprintf(buf, sizeof buf, " %.17g\n", value);
  out_ += buf;
}

void prometheus_writer::sample(const labels& l, uint64_t value) {
  write_labels(l);
  out_ += ' ';
  out_ += std::to_string(value);
  out_ += '\n';
}

}  // namespace hadns::control
