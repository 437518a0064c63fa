// Who may open what ipclab creates: every chapter creates its objects
// owner-only (0600); another user is refused; Boost's default (0644) would
// let any local user read them.
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <gtest/gtest.h>

#include "harness/catalog.hpp"
#include "harness/chapter.hpp"
#include "harness/names.hpp"
#include "harness/segment_owner.hpp"
#include "harness/spawn.hpp"
#include "harness/sweep.hpp"
#include "support.hpp"

using namespace boost::interprocess;
using namespace ipclab;
namespace fs = std::filesystem;

namespace {

unsigned mode_of(const std::string& file_name) {
  struct stat info {};
  return ::stat(("/dev/shm/" + file_name).c_str(), &info) == 0 ? info.st_mode & 07777 : 0;
}

// Documented for UNIX: permissions() is 0644, set_unrestricted() makes it
// 0666, and permissions(0600) holds what it is given; a segment created with
// each gets exactly that mode, the umask notwithstanding (Boost fchmods it).
TEST(Permissions, DefaultIsOwnerWriteEveryoneReadAndUnrestrictedIsEveryoneWrite) {
  IPCLAB_CLAIMS("SHM-10", "SHM-11");
  EXPECT_EQ(permissions().get_permissions(), 0644u);
  permissions unrestricted;
  unrestricted.set_unrestricted();
  EXPECT_EQ(unrestricted.get_permissions(), 0666u);
  EXPECT_EQ(permissions(0600).get_permissions(), 0600u);
  const ::mode_t umask_before = ::umask(077);  // would make a plain create owner-only
  for (const auto& [given, mode] : {std::pair{permissions(), 0644u}, std::pair{unrestricted, 0666u},
                                    std::pair{permissions(0600), 0600u}}) {
    harness::segment_owner owner(harness::unique_name("perms"));
    shared_memory_object object(create_only, owner.c_str(), read_write, given);
    EXPECT_EQ(mode_of(owner.name()), mode) << "created with " << std::oct << given.get_permissions();
  }
  ::umask(umask_before);
}

// Every chapter's parent, killed right after its first step (its objects are
// created by then), leaves them, and its temporary folder, for us to look at.
class EveryChapterPermissions : public ::testing::TestWithParam<harness::chapter_entry> {};

TEST_P(EveryChapterPermissions, CreatesItsObjectsOwnerReadWriteOnly) {
  IPCLAB_CHECKS_THE_CHAPTER();
  const auto parent = harness::spawn(GetParam().program, {}, {.environment = {{"IPCLAB_FAULT", "parent:kill@1"}}});
  ASSERT_EQ(parent.describe(), "killed by SIGKILL") << parent.err;
  const auto left = harness::entries_created_by(parent.pid);
  const auto folders = harness::entries_created_by(parent.pid, fs::temp_directory_path());
  EXPECT_FALSE(left.empty() && folders.empty()) << "the parent created nothing before its first step";
  for (const auto& entry : left) EXPECT_EQ(mode_of(entry.file_name), 0600u) << entry.file_name;
  for (const auto& entry : left) fs::remove("/dev/shm/" + entry.file_name);
  // A chapter that works on files keeps them in a folder only its owner may enter.
  for (const auto& entry : folders) {
    const auto folder = fs::temp_directory_path() / entry.file_name;
    EXPECT_EQ(fs::status(folder).permissions() & fs::perms::all, fs::perms::owner_all) << folder;
    for (const auto& file : fs::directory_iterator(folder))
      EXPECT_EQ(file.status().permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write) << file;
    fs::remove_all(folder);
  }
}

INSTANTIATE_TEST_SUITE_P(Permissions, EveryChapterPermissions, ::testing::ValuesIn(harness::lessons()),
                         [](const auto& info) { return "Chapter" + info.param.number; });

// Runs chapter `number`'s child role as the unprivileged user nobody. The
// program is copied to a fresh folder anyone may enter: the build tree need not be.
class AsAnotherUser : public ::testing::Test {
 protected:
  fs::path folder = fs::temp_directory_path() / harness::unique_name("asnobody");

  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "running a child as another user needs root";
    if (!fs::exists("/usr/bin/setpriv")) GTEST_SKIP() << "setpriv (util-linux) is not installed";
    fs::create_directories(folder);
    fs::permissions(folder, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);
  }
  void TearDown() override { fs::remove_all(folder); }

  harness::spawn_result child_as_nobody(const std::string& number, const std::vector<std::string>& args) {
    const auto program = folder / ("ipclab-ch" + number);
    fs::copy_file(support::chapter_program(number), program, fs::copy_options::overwrite_existing);
    std::vector<std::string> argv{"--reuid=65534", "--regid=65534", "--clear-groups", "--", program.string(),
                                  "child"};
    argv.insert(argv.end(), args.begin(), args.end());
    return harness::spawn("/usr/bin/setpriv", argv);
  }
};

shared_memory_object filled_object(const char* name, const permissions& who) {
  shared_memory_object shm(create_only, name, read_write, who);
  shm.truncate(1000);
  mapped_region region(shm, read_write);
  std::memset(region.get_address(), 1, region.get_size());
  return shm;
}

TEST_F(AsAnotherUser, CannotOpenAnOwnerOnlyObject) {
  IPCLAB_CHECKS_THE_CHAPTER();
  harness::segment_owner owner(harness::unique_name("permtest"));
  const auto shm = filled_object(owner.c_str(), harness::owner_only());
  ASSERT_EQ(mode_of(owner.name()), 0600u);
  const auto child = child_as_nobody("06", {"check", owner.name()});
  EXPECT_TRUE(support::rejected_cleanly(
      child, harness::exit_resource,
      "cannot open shared memory object '" + owner.name() + "': Permission denied"));
}

// Documented: permissions() defaults to 0644. The object is then readable by
// every local user: nobody maps it read-only and reads all 1000 bytes.
TEST_F(AsAnotherUser, CanReadAnObjectCreatedWithBoostsDefaultPermissions) {
  IPCLAB_CLAIMS("SHM-10");
  harness::segment_owner owner(harness::unique_name("permtest"));
  const auto shm = filled_object(owner.c_str(), permissions());
  ASSERT_EQ(mode_of(owner.name()), 0644u);
  const auto child = child_as_nobody("06", {"check", owner.name()});
  EXPECT_TRUE(child.succeeded()) << child.describe() << "\n" << child.err;
  EXPECT_EQ(child.out, "size 1000, every byte is 1\n");
}

TEST_F(AsAnotherUser, CannotOpenAnOwnerOnlyManagedSegment) {
  IPCLAB_CHECKS_THE_CHAPTER();
  harness::segment_owner owner(harness::unique_name("permtest"));
  managed_shared_memory segment(create_only, owner.c_str(), 64 * 1024, nullptr, harness::owner_only());
  const auto child = child_as_nobody("01", {owner.name(), "16"});
  EXPECT_TRUE(support::rejected_cleanly(child, harness::exit_resource,
                                        "cannot open segment '" + owner.name() + "': Permission denied"));
}

}  // namespace
