// The citytwin program: run, compare and validate scenarios, list models.
#include <cstdio>

int main() {
  std::puts("citytwin");
  return 0;
}
