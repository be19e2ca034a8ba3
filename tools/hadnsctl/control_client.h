// tools/hadnsctl/control_client.h -- HTTP calls to hadnsd's control listener.
//
// Wraps cpp-httplib so that every failure (daemon not running, refused,
// bad token) becomes one clear message for the operator.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace hadns::ctl {

struct reply {
  int status = 0;
  std::string body;
};

class control_error : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

class control_client {
 public:
  // `address` is HOST:PORT or [IPv6]:PORT; `token` empty = no Authorization.
  control_client(const std::string& address, std::string token);

  reply get(const std::string& path);
  reply post(const std::string& path, const std::string& json_body);

 private:
  std::string host_;
  int port_ = 0;
  std::string address_;
  std::string token_;
};

// Reads a token file (trailing whitespace trimmed); throws control_error.
std::string read_token_file(const std::string& path);

// Percent-encodes a query-string value.
std::string url_encode(const std::string& value);

}  // namespace hadns::ctl
