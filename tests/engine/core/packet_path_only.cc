// tests/engine/core/packet_path_only.cc -- a program that references the
// packet path's entry points and nothing else, so that the linker pulls in
// exactly the objects a query can reach (core, the Snapshot lookup, wire).
// core_is_pure.sh lists what those objects need from outside. Never run.
#include "engine/core/answer.h"
#include "engine/core/batch.h"

int main() {
  auto* volatile single = &hadns::core::answer;
  auto* volatile batch = &hadns::core::answer_batch;
  return single != nullptr && batch != nullptr ? 0 : 1;
}
