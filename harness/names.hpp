#pragma once
/// \file
/// Unique names for segments and named objects.

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace ipclab::harness {

/// Every name ipclab gives a segment, semaphore or mutex starts with this.
inline constexpr std::string_view name_prefix = "ipclab-";

/// A name no other process or earlier call can hold:
/// `ipclab-TAG-PID-COUNTER-RANDOM`, for example `ipclab-ch01-4242-3-9f1c2a7e`.
/// The PID says who created it (the sweep reads it back), the counter keeps
/// names apart within one process, and the random part guards against a
/// reused PID meeting a stale segment. `tag` must not contain '-' or '/'.
std::string unique_name(std::string_view tag);

/// How many characters of `text`, from its start, are a whole name made by
/// unique_name() (`ipclab-TAG-PID-COUNTER-RANDOM`), or 0.
std::size_t unique_name_length(std::string_view text);

/// The creator's PID read back from a name made by unique_name(), or from its
/// /dev/shm entry (`ipclab-...` or, for a named semaphore, `sem.ipclab-...`).
/// Empty when the name is not one of ours.
std::optional<pid_t> creator_of(std::string_view name);

}  // namespace ipclab::harness
