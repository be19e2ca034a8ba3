// probes/http_probe.h -- one HTTP or HTTPS probe: a libcurl easy handle set up
// for a check, and the judgement of what came back.
//
// The connection goes to `address:port` while the Host header and TLS SNI
// name `host` (CURLOPT_CONNECT_TO), with a fresh connection every time, no
// proxy, no redirects followed and, unless tls_verify, no certificate check.
// CURLOPT_TIMEOUT_MS bounds the whole probe. Reading stops as soon as the
// verdict is known: at the end of the headers when there is no
// search_string or the status is bad, else when the string is found or
// k_max_body_bytes of (decoded) body have arrived.
//
// Threads: owned by the probe thread; the caller adds handle() to its multi.
#pragma once

#include <curl/curl.h>

#include <string>

#include "probes/check_spec.h"
#include "probes/health.h"

namespace hadns::probes {

class http_probe {
 public:
  explicit http_probe(const check_spec& spec);
  ~http_probe();
  http_probe(const http_probe&) = delete;
  http_probe& operator=(const http_probe&) = delete;

  CURL* handle() const noexcept { return easy_; }

  // The result once the multi handle reports the transfer done with `code`.
  probe_result finish(CURLcode code);

 private:
  static size_t on_header(char* data, size_t size, size_t count, void* self);
  static size_t on_body(char* data, size_t size, size_t count, void* self);

  CURL* easy_ = nullptr;
  curl_slist* connect_to_ = nullptr;
  std::string search_;
  std::string body_;
  bool stopped_ = false;  // we ended the transfer on purpose: the verdict was known
  bool found_ = false;
  char error_[CURL_ERROR_SIZE] = {};
};

}  // namespace hadns::probes
