// Timestamps as devices and network servers write them (RFC 3339), to and from microseconds since 1970.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace citytwin::drivers {

/// Microseconds since 1970-01-01T00:00:00Z of "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" (a space
/// instead of the T, and a lower-case t or z, are accepted); nothing when the text is not such a time.
/// Digits of the fraction beyond microseconds are dropped.
std::optional<std::int64_t> parse_rfc3339_us(std::string_view text);

/// "2026-01-05T12:34:56.789012Z": always UTC, always six fraction digits.
std::string format_rfc3339_us(std::int64_t us);

}  // namespace citytwin::drivers
