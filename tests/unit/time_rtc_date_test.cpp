#include "../../kernel/time/src/rtc_date.h"

#include <gtest/gtest.h>

#include <cerrno>

using cairn::time::days_from_civil;
using cairn::time::kRtc24Hour;
using cairn::time::kRtcBinary;
using cairn::time::rtc_to_unix_seconds;
using cairn::time::RtcRegisters;

namespace {

constexpr std::uint8_t kBcd24 = kRtc24Hour;
constexpr std::uint8_t kBinary24 = kRtcBinary | kRtc24Hour;

std::uint8_t bcd(int v) { return static_cast<std::uint8_t>((v / 10) << 4 | (v % 10)); }

// A BCD, 24-hour register set, as QEMU's RTC starts.
RtcRegisters bcd_time(int year, int month, int day, int hour, int minute, int second) {
  return {bcd(second), bcd(minute),     bcd(hour),       bcd(day),
          bcd(month),  bcd(year % 100), bcd(year / 100), kBcd24};
}

std::int64_t unix_seconds(const RtcRegisters& r) {
  auto result = rtc_to_unix_seconds(r);
  EXPECT_TRUE(result.ok()) << result.error().message();
  return result.ok() ? result.value() : -1;
}

int error_of(const RtcRegisters& r) {
  auto result = rtc_to_unix_seconds(r);
  return result.ok() ? 0 : result.error().code();
}

}  // namespace

TEST(TimeRtcDate, DaysFromCivil) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(2038, 1, 19), 24855);
  EXPECT_EQ(days_from_civil(1600, 1, 1), -135140);
}

// Every day from 1900 to 2200 is the day after the one before it.
TEST(TimeRtcDate, DaysAreConsecutive) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::int64_t expected = days_from_civil(1900, 1, 1);
  for (int year = 1900; year < 2200; ++year) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    for (unsigned month = 1; month <= 12; ++month) {
      unsigned days = kDays[month - 1] + (month == 2 && leap);
      for (unsigned day = 1; day <= days; ++day)
        ASSERT_EQ(days_from_civil(year, month, day), expected++)
            << year << "-" << month << "-" << day;
    }
  }
}

TEST(TimeRtcDate, KnownInstants) {
  EXPECT_EQ(unix_seconds(bcd_time(1970, 1, 1, 0, 0, 0)), 0);
  EXPECT_EQ(unix_seconds(bcd_time(2000, 1, 1, 0, 0, 0)), 946684800);
  EXPECT_EQ(unix_seconds(bcd_time(2001, 9, 9, 1, 46, 40)), 1000000000);
  EXPECT_EQ(unix_seconds(bcd_time(2024, 2, 29, 12, 0, 0)), 1709208000);
  EXPECT_EQ(unix_seconds(bcd_time(2038, 1, 19, 3, 14, 8)), 2147483648);
  EXPECT_EQ(unix_seconds(bcd_time(2099, 12, 31, 23, 59, 59)), 4102444799);
  EXPECT_EQ(unix_seconds(bcd_time(2100, 3, 1, 0, 0, 0)), 4107542400);
}

TEST(TimeRtcDate, LeapYears) {
  EXPECT_EQ(error_of(bcd_time(2024, 2, 29, 0, 0, 0)), 0);
  EXPECT_EQ(error_of(bcd_time(2000, 2, 29, 0, 0, 0)), 0);  // divisible by 400
  EXPECT_EQ(error_of(bcd_time(2023, 2, 29, 0, 0, 0)), EINVAL);
  EXPECT_EQ(error_of(bcd_time(2100, 2, 29, 0, 0, 0)), EINVAL);  // divisible by 100 only
  EXPECT_EQ(
      unix_seconds(bcd_time(2024, 3, 1, 0, 0, 0)) - unix_seconds(bcd_time(2024, 2, 28, 0, 0, 0)),
      2 * 86400);
}

TEST(TimeRtcDate, Century) {
  // The century register decides; without a plausible one, 70..99 are 19xx.
  RtcRegisters r = bcd_time(2095, 6, 1, 0, 0, 0);
  EXPECT_EQ(unix_seconds(r), 3957724800);
  r.century = bcd(19);
  EXPECT_EQ(unix_seconds(r), 801964800);  // 1995-06-01
  r.century = 0;
  EXPECT_EQ(unix_seconds(r), 801964800);
  r.century = 0xff;
  EXPECT_EQ(unix_seconds(r), 801964800);
  r = bcd_time(2024, 6, 1, 0, 0, 0);
  r.century = 0;
  EXPECT_EQ(unix_seconds(r), 1717200000);  // 00..69 are 20xx
}

TEST(TimeRtcDate, BinaryMode) {
  RtcRegisters r{40, 46, 1, 9, 9, 1, 20, kBinary24};
  EXPECT_EQ(unix_seconds(r), 1000000000);
  r.seconds = 0x40;  // 64 in binary: no such second
  EXPECT_EQ(error_of(r), EINVAL);
}

TEST(TimeRtcDate, TwelveHourClock) {
  constexpr std::uint8_t kPm = 0x80;
  RtcRegisters r = bcd_time(2001, 9, 9, 0, 46, 40);
  r.status_b = 0;  // BCD, 12-hour
  r.hours = bcd(1);
  EXPECT_EQ(unix_seconds(r), 1000000000);  // 1 AM
  r.hours = bcd(12);
  EXPECT_EQ(unix_seconds(r), 1000000000 - 3600);  // 12 AM is midnight
  r.hours = bcd(12) | kPm;
  EXPECT_EQ(unix_seconds(r), 1000000000 - 3600 + 12 * 3600);  // 12 PM is noon
  r.hours = bcd(11) | kPm;
  EXPECT_EQ(unix_seconds(r), 1000000000 - 3600 + 23 * 3600);
  r = {40, 46, 7 | kPm, 9, 9, 1, 20, kRtcBinary};  // binary, 12-hour
  EXPECT_EQ(unix_seconds(r), 1000000000 - 3600 + 19 * 3600);
  r.hours = 0;  // there is no hour 0 on a 12-hour clock
  EXPECT_EQ(error_of(r), EINVAL);
}

TEST(TimeRtcDate, RejectsGarbage) {
  RtcRegisters none{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};  // no RTC there
  EXPECT_EQ(error_of(none), EINVAL);
  RtcRegisters r = bcd_time(2024, 1, 1, 0, 0, 0);
  r.minutes = 0x5a;  // not a BCD digit
  EXPECT_EQ(error_of(r), EINVAL);
  r = bcd_time(2024, 13, 1, 0, 0, 0);
  EXPECT_EQ(error_of(r), EINVAL);
  r = bcd_time(2024, 4, 31, 0, 0, 0);
  EXPECT_EQ(error_of(r), EINVAL);
  r = bcd_time(2024, 4, 1, 24, 0, 0);
  EXPECT_EQ(error_of(r), EINVAL);
  r = bcd_time(2024, 4, 0, 0, 0, 0);
  EXPECT_EQ(error_of(r), EINVAL);
}
