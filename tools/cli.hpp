#pragma once
// What the ipclab program's commands share.
#include <string>
#include <vector>

namespace ipclab::cli {

/// One sentence on stderr about bad usage; returns exit code 2.
int usage(const std::string& sentence);

/// `ipclab verify [NN] [--watch]`, `ipclab verify NN --program PATH`.
int verify(const std::vector<std::string>& args);
/// `ipclab hint NN`.
int hint(const std::vector<std::string>& args);
/// `ipclab reset NN`.
int reset(const std::vector<std::string>& args);

}  // namespace ipclab::cli
