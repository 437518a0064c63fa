// A child that does on demand what real children sometimes do, for the harness tests.
//   misbehave exit N | print OUT ERR | args A... | env NAME | sleep S | segv | abort
//   misbehave stubborn S   (sleeps S seconds, ignoring SIGTERM)
//   misbehave orphan   (leaves a grandchild holding stdout, then exits 0)
//   misbehave touch PATH | await PATH   (create a file; wait until it exists)
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <thread>
#include <unistd.h>

int main(int argc, char** argv) {
  const std::string_view what = argc > 1 ? argv[1] : "";
  if (what == "exit" && argc == 3) return std::atoi(argv[2]);
  if (what == "print" && argc == 4) {
    std::cout << argv[2];
    std::cerr << argv[3];
    return 0;
  }
  if (what == "args") {
    for (int i = 2; i < argc; ++i) std::cout << '<' << argv[i] << ">\n";
    return 0;
  }
  if (what == "env" && argc == 3) {
    const char* value = std::getenv(argv[2]);
    std::cout << (value ? value : "(unset)");
    return 0;
  }
  if (what == "sleep" && argc == 3) {
    std::this_thread::sleep_for(std::chrono::seconds(std::atoi(argv[2])));
    return 0;
  }
  if (what == "stubborn" && argc == 3) {
    std::signal(SIGTERM, SIG_IGN);
    std::this_thread::sleep_for(std::chrono::seconds(std::atoi(argv[2])));
    return 0;
  }
  if (what == "touch" && argc == 3) {
    std::FILE* file = std::fopen(argv[2], "w");
    return file ? std::fclose(file) : 1;
  }
  if (what == "await" && argc == 3) {
    while (::access(argv[2], F_OK) != 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return 0;
  }
  if (what == "segv") std::raise(SIGSEGV);
  if (what == "abort") std::abort();
  if (what == "orphan") {
    if (::fork() == 0) ::pause();  // the grandchild keeps our stdout open
    return 0;
  }
  std::cerr << "misbehave: unknown request\n";
  return 64;
}
