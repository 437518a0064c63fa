#pragma once
// What the ipclab program's commands share.
#include <string>
#include <vector>

namespace ipclab::cli {

/// One sentence on stderr about bad usage; returns exit code 2.
int usage(const std::string& sentence);

/// "done" (verify passed and the file has not changed since), "started"
/// (the learner's file differs from its starter) or "to do".
std::string exercise_state(const std::string& number);

/// `ipclab verify [NN] [--watch]`, and `ipclab verify NN --program PATH`,
/// which checks a built program (the suite checks starters and solutions so).
int verify(const std::vector<std::string>& args);
/// `ipclab hint NN`.
int hint(const std::vector<std::string>& args);
/// `ipclab reset NN`.
int reset(const std::vector<std::string>& args);

}  // namespace ipclab::cli
