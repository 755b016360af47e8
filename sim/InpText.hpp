// The text of EPA's input files (EPANET and SWMM .inp): blanks separate tokens, '"' quotes one with blanks in it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace citytwin::sim {

/// Whether `c` separates tokens: a space, a tab or a line end.
inline bool inp_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// `s` without the blanks at either end.
inline std::string_view inp_trim(std::string_view s) {
  while (!s.empty() && inp_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && inp_blank(s.back())) s.remove_suffix(1);
  return s;
}

/// The tokens of a line's data (its comment already cut off): runs of non-blanks, or what lies between a '"' and
/// the next '"' (the end of the line when there is none).
inline std::vector<std::string> inp_tokens(std::string_view data) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  while (i < data.size()) {
    if (inp_blank(data[i])) {
      ++i;
      continue;
    }
    std::size_t end = 0;
    if (data[i] == '"') {
      ++i;
      end = data.find('"', i);
      if (end == std::string_view::npos) end = data.size();
      tokens.emplace_back(data.substr(i, end - i));
      i = end + 1;
    } else {
      end = i;
      while (end < data.size() && !inp_blank(data[end])) ++end;
      tokens.emplace_back(data.substr(i, end - i));
      i = end;
    }
  }
  return tokens;
}

}  // namespace citytwin::sim
