// Holds the precompiled header that chapters and tests reuse (see CMakeLists.txt).
