// probes/http_probe.cc -- one HTTP/HTTPS probe (see http_probe.h).
#include "probes/http_probe.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace hadns::probes {
namespace {

std::string url_host(const std::string& name) {
  if (name.find(':') != std::string::npos && name.front() != '[') return "[" + name + "]";
  return name;
}

bool good_status(long code) { return code >= 200 && code < 400; }

std::string errno_reason(long os_errno, const char* fallback) {
  switch (os_errno) {
    case ECONNREFUSED: return "connect refused";
    case ECONNRESET: return "connection reset";
    case ETIMEDOUT: return "timeout";
    case EHOSTUNREACH: return "host unreachable";
    case ENETUNREACH: return "network unreachable";
    case 0: return fallback;
  }
  return fmt::format("{}: {}", fallback, std::strerror(static_cast<int>(os_errno)));
}

}  // namespace

http_probe::http_probe(const check_spec& spec) : search_(spec.search_string) {
  easy_ = curl_easy_init();
  if (!easy_) return;
  const bool https = spec.type == check_type::https;
  const std::string address = url_host(spec.address);
  const std::string name = spec.host.empty() ? address : url_host(spec.host);
  std::string path = spec.path.empty() || spec.path.front() != '/' ? "/" + spec.path : spec.path;
  std::string url = fmt::format("{}://{}:{}{}", https ? "https" : "http", name, spec.port, path);
  if (!spec.host.empty()) {
    connect_to_ = curl_slist_append(
        nullptr, fmt::format("{}:{}:{}:{}", name, spec.port, address, spec.port).c_str());
    curl_easy_setopt(easy_, CURLOPT_CONNECT_TO, connect_to_);
  }
  curl_easy_setopt(easy_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(spec.timeout.count()));
  curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(spec.timeout.count()));
  curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy_, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(easy_, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(easy_, CURLOPT_PROXY, "");
  curl_easy_setopt(easy_, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(easy_, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy_, CURLOPT_USERAGENT, "hadns-health-check");
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, spec.tls_verify ? 1L : 0L);
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, spec.tls_verify ? 2L : 0L);
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &http_probe::on_header);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &http_probe::on_body);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy_, CURLOPT_PRIVATE, this);
}

http_probe::~http_probe() {
  if (easy_) curl_easy_cleanup(easy_);
  if (connect_to_) curl_slist_free_all(connect_to_);
}

size_t http_probe::on_header(char* data, size_t size, size_t count, void* self) {
  auto* p = static_cast<http_probe*>(self);
  const size_t n = size * count;
  const bool end_of_headers = (n == 2 && data[0] == '\r' && data[1] == '\n') || (n == 1 && data[0] == '\n');
  if (!end_of_headers) return n;
  long code = 0;
  curl_easy_getinfo(p->easy_, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200) return n;  // an interim (1xx) response; the real one follows
  if (p->search_.empty() || !good_status(code)) {
    p->stopped_ = true;  // the status alone decides
    return 0;
  }
  return n;
}

size_t http_probe::on_body(char* data, size_t size, size_t count, void* self) {
  auto* p = static_cast<http_probe*>(self);
  const size_t n = size * count;
  const size_t room = k_max_body_bytes - p->body_.size();
  p->body_.append(data, n < room ? n : room);
  if (!p->search_.empty() && p->body_.find(p->search_) != std::string::npos) {
    p->found_ = true;
    p->stopped_ = true;
    return 0;
  }
  if (p->body_.size() >= k_max_body_bytes) {
    p->stopped_ = true;
    return 0;
  }
  return n;
}

probe_result http_probe::finish(CURLcode code) {
  probe_result r;
  if (!easy_) {
    r.reason = "cannot create a transfer";
    return r;
  }
  if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && stopped_)) {
    long status = 0;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
    if (!good_status(status)) {
      r.reason = fmt::format("status {}", status);
    } else if (!search_.empty() && !found_ && body_.find(search_) == std::string::npos) {
      r.reason = "string not found";
    } else {
      r.ok = true;
      r.reason = fmt::format("status {}", status);
    }
    return r;
  }
  long os_errno = 0;
  curl_easy_getinfo(easy_, CURLINFO_OS_ERRNO, &os_errno);
  const char* detail = error_[0] ? error_ : curl_easy_strerror(code);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: r.reason = "timeout"; break;
    case CURLE_COULDNT_CONNECT: r.reason = errno_reason(os_errno, "connect failed"); break;
    case CURLE_GOT_NOTHING: r.reason = "empty reply"; break;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: r.reason = errno_reason(os_errno, "connection error"); break;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL: r.reason = fmt::format("bad reply: {}", detail); break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR: r.reason = fmt::format("tls: {}", detail); break;
    default: r.reason = detail; break;
  }
  return r;
}

}  // namespace hadns::probes
