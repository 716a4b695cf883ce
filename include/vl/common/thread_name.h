// Names the calling thread (at most 15 characters are kept), so `top -H`, `perf` and /proc show
// which of the server's threads does what.
#pragma once

#include <pthread.h>

namespace vl {

inline void SetThreadName(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace vl
