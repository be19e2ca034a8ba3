// engine/io/features.h -- checks that the running kernel has the io_uring
// features the shards use, so that start-up fails with a clear message
// (naming the kernel version) instead of serving half-broken.
//
// Needed: provided buffer rings (io_uring_register_buf_ring, Linux 5.19),
// multishot recvmsg (Linux 6.0), multishot accept (Linux 5.19), and the
// extended wait with a timeout (IORING_FEAT_EXT_ARG, Linux 5.11).
//
// Threads: any; it opens a private ring and a loopback socket pair.
#pragma once

#include <string>

namespace hadns::io {

// "6.1.0-18-amd64" etc.
std::string kernel_release();

// Empty if everything is there; else one line saying what is missing and
// naming the kernel release.
std::string missing_kernel_features();

}  // namespace hadns::io
