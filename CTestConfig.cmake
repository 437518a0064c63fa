# Dashboard settings, read by include(CTest) when the build is configured.
#   ctest -D ExperimentalTest        runs the suite and writes Testing/<tag>/Test.xml
#   ctest -D Experimental            configures, builds, tests and submits to CDash
#   ctest -S scripts/dashboard.cmake,CONFIGURATION   one configuration of the conformance matrix
# Nothing is submitted unless a CDash is named: configure with
# -DIPCLAB_CDASH_SUBMIT_URL=https://.../submit.php?project=ipclab, or set the
# environment variable of the same name.
set(CTEST_PROJECT_NAME "ipclab")
set(CTEST_NIGHTLY_START_TIME "01:00:00 UTC")

if(DEFINED IPCLAB_CDASH_SUBMIT_URL)
  set(CTEST_SUBMIT_URL "${IPCLAB_CDASH_SUBMIT_URL}")
elseif(DEFINED ENV{IPCLAB_CDASH_SUBMIT_URL})
  set(CTEST_SUBMIT_URL "$ENV{IPCLAB_CDASH_SUBMIT_URL}")
endif()
set(CTEST_DROP_SITE_CDASH TRUE)
