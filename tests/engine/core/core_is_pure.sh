#!/usr/bin/env bash
# tests/engine/core/core_is_pure.sh PROGRAM -- fails unless every symbol
# that the packet path (PROGRAM, see packet_path_only.cc) takes from outside
# its own objects is on the list below: memory copies and compares, the C
# runtime's start-up, and sanitizer hooks; and the C++ personality routine,
# which a noexcept function calling code the compiler cannot prove
# non-throwing (XXH3, compiled inline) carries to call std::terminate, and
# which runs only if something throws. Anything else (an allocation, a lock,
# a syscall wrapper, a clock, throwing an exception, a call into a shared
# library) fails the test, whether or not it is named here in advance.
set -euo pipefail

program=${1:?usage: core_is_pure.sh PROGRAM}
allowed='^(memcpy|memmove|memset|memcmp|bcmp|__memcpy_chk|__memmove_chk|__memset_chk|__stack_chk_fail|__libc_start_main|__gxx_personality_v0|__cxa_finalize|__gmon_start__|_ITM_deregisterTMCloneTable|_ITM_registerTMCloneTable|__asan_.*|__ubsan_.*|__sanitizer_.*|__tsan_.*)$'

defined=$(nm --defined-only "$program")
for entry in _ZN5hadns4core6answer _ZN5hadns4core12answer_batch _ZNK5hadns4zone8snapshot11choose_zone; do
  if ! grep -q " T ${entry}" <<<"$defined"; then
    echo "core_is_pure: $program does not define ${entry}*: nm failed or the packet path was not linked" >&2
    exit 1
  fi
done

undefined=$(nm --undefined-only "$program" | awk '{ sub(/@.*/, "", $NF); print $NF }' | sort -u)
if ! grep -q '^__libc_start_main$' <<<"$undefined"; then
  echo "core_is_pure: nm listed no undefined symbols of $program (expected at least __libc_start_main)" >&2
  exit 1
fi

outside=$(grep -vE "$allowed" <<<"$undefined" || true)
if [ -n "$outside" ]; then
  echo "core_is_pure: the packet path needs symbols it must not use:" >&2
  c++filt <<<"$outside" | sed 's/^/  /' >&2
  exit 1
fi
echo "core_is_pure: $(wc -l <<<"$undefined") undefined symbols, all allowed"
