#include "rtc_date.h"

#include <cerrno>

namespace cairn::time {
namespace {

constexpr Error kInvalid{EINVAL, "the RTC holds an impossible date or time"};

// A register value in the RTC's encoding; -1 for a bad BCD digit.
int decode(std::uint8_t value, bool binary) {
  if (binary) return value;
  if ((value & 0x0f) > 9 || (value >> 4) > 9) return -1;
  return (value >> 4) * 10 + (value & 0x0f);
}

bool leap(std::int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned days_in_month(std::int64_t year, unsigned month) {
  constexpr std::uint8_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap(year) ? 29 : kDays[month - 1];
}

}  // namespace

// Howard Hinnant's days_from_civil: eras of 400 years, years starting in March so that
// the leap day comes last.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  auto year_of_era = static_cast<unsigned>(year - era * 400);
  unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

Result<std::int64_t> rtc_to_unix_seconds(const RtcRegisters& r) {
  bool binary = r.status_b & kRtcBinary;
  bool pm = !(r.status_b & kRtc24Hour) && (r.hours & 0x80);
  int seconds = decode(r.seconds, binary);
  int minutes = decode(r.minutes, binary);
  int hours = decode(r.status_b & kRtc24Hour ? r.hours : r.hours & 0x7f, binary);
  int day = decode(r.day, binary);
  int month = decode(r.month, binary);
  int year = decode(r.year, binary);
  int century = decode(r.century, binary);
  if (seconds < 0 || seconds > 59 || minutes < 0 || minutes > 59 || hours < 0 || year < 0 ||
      year > 99 || month < 1 || month > 12 || day < 1)
    return kInvalid;
  if (!(r.status_b & kRtc24Hour)) {  // 12 AM is midnight, 12 PM noon
    if (hours < 1 || hours > 12) return kInvalid;
    hours = hours % 12 + (pm ? 12 : 0);
  }
  if (hours > 23) return kInvalid;
  std::int64_t full_year = century >= 19 && century <= 99 ? century * 100 + year
                           : year >= 70                   ? 1900 + year
                                                          : 2000 + year;
  if (static_cast<unsigned>(day) > days_in_month(full_year, static_cast<unsigned>(month)))
    return kInvalid;
  std::int64_t days =
      days_from_civil(full_year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + hours * 3600 + minutes * 60 + seconds;
}

}  // namespace cairn::time
