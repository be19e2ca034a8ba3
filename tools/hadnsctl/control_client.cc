// tools/hadnsctl/control_client.cc -- see control_client.h.
#include "tools/hadnsctl/control_client.h"

#include <httplib.h>

#include <fstream>
#include <sstream>

namespace hadns::ctl {

namespace {

// httplib names its errors ("Connection", "Read"); say what they mean.
std::string error_text(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection: return "connection refused or unreachable";
    case httplib::Error::Read: return "no reply (read failed or timed out)";
    case httplib::Error::Write: return "request could not be sent";
    case httplib::Error::ConnectionTimeout: return "connection timed out";
    default: return httplib::to_string(e);
  }
}

void split_address(const std::string& address, std::string& host, int& port) {
  std::string h, p;
  if (!address.empty() && address[0] == '[') {
    auto close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':')
      throw control_error("bad control address '" + address + "': expected HOST:PORT or [IPv6]:PORT");
    h = address.substr(1, close - 1);
    p = address.substr(close + 2);
  } else {
    auto colon = address.rfind(':');
    if (colon == std::string::npos)
      throw control_error("bad control address '" + address + "': expected HOST:PORT or [IPv6]:PORT");
    h = address.substr(0, colon);
    p = address.substr(colon + 1);
  }
  try {
    size_t used = 0;
    port = std::stoi(p, &used);
    if (used != p.size() || port <= 0 || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    throw control_error("bad control address '" + address + "': port must be 1..65535");
  }
  host = h;
}

}  // namespace

control_client::control_client(const std::string& address, std::string token)
    : address_(address), token_(std::move(token)) {
  split_address(address, host_, port_);
}

reply control_client::get(const std::string& path) {
  httplib::Client cli(host_, port_);
  cli.set_connection_timeout(2);
  cli.set_read_timeout(30);
  auto res = cli.Get(path);
  if (!res)
    throw control_error("cannot reach hadnsd's control listener at " + address_ + ": " +
                        error_text(res.error()) + " (is hadnsd running with control.listen there?)");
  return {res->status, res->body};
}

reply control_client::post(const std::string& path, const std::string& json_body) {
  httplib::Client cli(host_, port_);
  cli.set_connection_timeout(2);
  cli.set_read_timeout(60);
  httplib::Headers headers;
  if (!token_.empty()) headers.emplace("Authorization", "Bearer " + token_);
  auto res = cli.Post(path, headers, json_body, "application/json");
  if (!res)
    throw control_error("cannot reach hadnsd's control listener at " + address_ + ": " +
                        error_text(res.error()) + " (is hadnsd running with control.listen there?)");
  return {res->status, res->body};
}

std::string read_token_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw control_error("cannot read token file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string t = ss.str();
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.erase(t.begin());
  if (t.empty()) throw control_error("token file '" + path + "' is empty");
  return t;
}

std::string url_encode(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace hadns::ctl
