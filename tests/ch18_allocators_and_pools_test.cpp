// Chapter 18 (placeholder while the chapter builds).
#include <gtest/gtest.h>
#include "lesson.hpp"
#include "support.hpp"
