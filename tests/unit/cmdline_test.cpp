#include "cairn/kernel/cmdline.h"

#include <errno.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cairn {
namespace {

using namespace std::string_view_literals;

// CommandLine is about 10 KiB; keep it off the test's stack and give each test a fresh one.
class CommandLineTest : public ::testing::Test {
 protected:
  std::unique_ptr<CommandLine> owner_ = std::make_unique<CommandLine>();
  CommandLine& cmdline_ = *owner_;

  std::vector<std::string> args() {
    std::vector<std::string> result;
    char** argv = cmdline_.argv("app");
    for (int i = 1; i < cmdline_.argc(); ++i) result.emplace_back(argv[i]);
    return result;
  }
  std::vector<std::string> devices() {
    std::vector<std::string> result;
    for (std::string_view d : cmdline_.virtio_mmio_devices()) result.emplace_back(d);
    return result;
  }
  // Options as "name=value" or "name" for flags, to compare whole lists at once.
  std::vector<std::string> options() {
    std::vector<std::string> result;
    for (const KernelOption& o : cmdline_.options()) {
      std::string option(o.name);
      if (o.has_value) option.append("=").append(o.value);
      result.push_back(option);
    }
    return result;
  }
};

using Strings = std::vector<std::string>;

// Built with append: GCC 12 gives false -Wrestrict warnings for "literal" + std::string at -O3.
std::string numbered(const char* prefix, std::size_t i, const char* suffix) {
  std::string result(prefix);
  result.append(std::to_string(i)).append(suffix);
  return result;
}

TEST_F(CommandLineTest, EmptyInput) {
  ASSERT_TRUE(cmdline_.parse("").ok());
  EXPECT_TRUE(cmdline_.options().empty());
  EXPECT_TRUE(cmdline_.virtio_mmio_devices().empty());
  EXPECT_EQ(cmdline_.argc(), 1);
  char** argv = cmdline_.argv("hello");
  EXPECT_STREQ(argv[0], "hello");
  EXPECT_EQ(argv[1], nullptr);
}

TEST_F(CommandLineTest, DefaultConstructedIsEmpty) {
  EXPECT_TRUE(cmdline_.options().empty());
  EXPECT_EQ(cmdline_.argc(), 1);
  EXPECT_EQ(cmdline_.argv("x")[1], nullptr);
}

TEST_F(CommandLineTest, WhitespaceOnly) {
  ASSERT_TRUE(cmdline_.parse(" \t\n\r  ").ok());
  EXPECT_TRUE(cmdline_.options().empty());
  EXPECT_EQ(cmdline_.argc(), 1);
}

TEST_F(CommandLineTest, OptionsWithValuesFlagsAndEmptyValues) {
  ASSERT_TRUE(cmdline_.parse("net.ip=10.0.2.15  debug\tvfs.root= a=b=c").ok());
  ASSERT_EQ(cmdline_.options().size(), 4u);
  const KernelOption& ip = cmdline_.options()[0];
  EXPECT_EQ(ip.name, "net.ip");
  EXPECT_EQ(ip.value, "10.0.2.15");
  EXPECT_TRUE(ip.has_value);
  const KernelOption& debug = cmdline_.options()[1];
  EXPECT_EQ(debug.name, "debug");
  EXPECT_EQ(debug.value, "");
  EXPECT_FALSE(debug.has_value);
  const KernelOption& root = cmdline_.options()[2];
  EXPECT_EQ(root.name, "vfs.root");
  EXPECT_EQ(root.value, "");
  EXPECT_TRUE(root.has_value);
  // Only the first '=' separates name from value.
  EXPECT_EQ(cmdline_.options()[3].name, "a");
  EXPECT_EQ(cmdline_.options()[3].value, "b=c");
  EXPECT_EQ(cmdline_.argc(), 1);  // no "--": everything is an option
}

TEST_F(CommandLineTest, OptionNamesAndValuesAreCStrings) {
  ASSERT_TRUE(cmdline_.parse("name=value flag empty=").ok());
  ASSERT_EQ(cmdline_.options().size(), 3u);
  for (const KernelOption& o : cmdline_.options()) {
    ASSERT_NE(o.value.data(), nullptr);
    EXPECT_EQ(std::strlen(o.name.data()), o.name.size()) << o.name;
    EXPECT_EQ(std::strlen(o.value.data()), o.value.size()) << o.name;
  }
  EXPECT_STREQ(cmdline_.options()[0].name.data(), "name");
  EXPECT_STREQ(cmdline_.options()[0].value.data(), "value");
}

TEST_F(CommandLineTest, SeparatorSplitsOptionsFromArguments) {
  ASSERT_TRUE(cmdline_.parse("loglevel=7 -- serve --port=80 -v").ok());
  EXPECT_EQ(options(), (Strings{"loglevel=7"}));
  EXPECT_EQ(args(), (Strings{"serve", "--port=80", "-v"}));
  EXPECT_EQ(cmdline_.argc(), 4);
}

TEST_F(CommandLineTest, ArgumentsMayLookLikeOptions) {
  ASSERT_TRUE(cmdline_.parse("-- a=b =c flag").ok());
  EXPECT_TRUE(cmdline_.options().empty());
  EXPECT_EQ(args(), (Strings{"a=b", "=c", "flag"}));
}

TEST_F(CommandLineTest, SecondSeparatorIsAnArgument) {
  ASSERT_TRUE(cmdline_.parse("x -- a -- b --").ok());
  EXPECT_EQ(options(), (Strings{"x"}));
  EXPECT_EQ(args(), (Strings{"a", "--", "b", "--"}));
}

TEST_F(CommandLineTest, SeparatorAloneGivesNoArguments) {
  ASSERT_TRUE(cmdline_.parse("--").ok());
  EXPECT_TRUE(cmdline_.options().empty());
  EXPECT_EQ(cmdline_.argc(), 1);
}

TEST_F(CommandLineTest, SeparatorMustStandAlone) {
  ASSERT_TRUE(cmdline_.parse("--x ---").ok());
  EXPECT_EQ(options(), (Strings{"--x", "---"}));
  EXPECT_EQ(cmdline_.argc(), 1);
}

TEST_F(CommandLineTest, QuotesAreRemovedAndJoinParts) {
  ASSERT_TRUE(cmdline_.parse(R"(-- "a b"c 'd "e" f' x"'"y "" '')").ok());
  EXPECT_EQ(args(), (Strings{"a bc", "d \"e\" f", "x'y", "", ""}));
}

TEST_F(CommandLineTest, QuotedOptionValue) {
  ASSERT_TRUE(cmdline_.parse(R"(motd="hello world" path='/a b/c')").ok());
  EXPECT_EQ(options(), (Strings{"motd=hello world", "path=/a b/c"}));
}

TEST_F(CommandLineTest, QuotedWhitespaceOfEveryKind) {
  ASSERT_TRUE(cmdline_.parse("-- \"a\tb\nc\"").ok());
  EXPECT_EQ(args(), (Strings{"a\tb\nc"}));
}

TEST_F(CommandLineTest, BackslashEscapesOutsideQuotes) {
  ASSERT_TRUE(cmdline_.parse(R"(-- a\ b \"q\" back\\slash \'s\x)").ok());
  EXPECT_EQ(args(), (Strings{"a b", "\"q\"", "back\\slash", "'sx"}));
}

TEST_F(CommandLineTest, BackslashInsideDoubleQuotesOnlyEscapesQuoteAndBackslash) {
  ASSERT_TRUE(cmdline_.parse(R"(-- "say \"hi\" \\ \n")").ok());
  EXPECT_EQ(args(), (Strings{R"(say "hi" \ \n)"}));
}

TEST_F(CommandLineTest, BackslashInsideSingleQuotesIsLiteral) {
  ASSERT_TRUE(cmdline_.parse(R"(-- 'a\b\\' c)").ok());
  EXPECT_EQ(args(), (Strings{R"(a\b\\)", "c"}));
}

TEST_F(CommandLineTest, TrailingBackslashIsKept) {
  ASSERT_TRUE(cmdline_.parse(R"(-- a\)").ok());
  EXPECT_EQ(args(), (Strings{"a\\"}));
}

TEST_F(CommandLineTest, QuotedSeparatorStillSeparates) {
  // Quotes only group characters; the word is still "--".
  ASSERT_TRUE(cmdline_.parse(R"(a "--" b)").ok());
  EXPECT_EQ(options(), (Strings{"a"}));
  EXPECT_EQ(args(), (Strings{"b"}));
}

TEST_F(CommandLineTest, VirtioMmioAfterArgumentsIsTakenOut) {
  // What QEMU microvm appends to the user's command line.
  ASSERT_TRUE(cmdline_
                  .parse("debug -- app-arg virtio_mmio.device=512@0xfeb00e00:12 "
                         "virtio_mmio.device=4K@0xd0000000:5")
                  .ok());
  EXPECT_EQ(options(), (Strings{"debug"}));
  EXPECT_EQ(args(), (Strings{"app-arg"}));
  EXPECT_EQ(devices(), (Strings{"512@0xfeb00e00:12", "4K@0xd0000000:5"}));
}

TEST_F(CommandLineTest, VirtioMmioBeforeSeparatorIsNotAnOption) {
  ASSERT_TRUE(
      cmdline_.parse("virtio_mmio.device=4K@0x1000:5 a=1 -- x virtio_mmio.device=4K@0x2000:6")
          .ok());
  EXPECT_EQ(options(), (Strings{"a=1"}));
  EXPECT_EQ(args(), (Strings{"x"}));
  EXPECT_EQ(devices(), (Strings{"4K@0x1000:5", "4K@0x2000:6"}));
}

TEST_F(CommandLineTest, VirtioMmioWithoutSeparator) {
  ASSERT_TRUE(cmdline_.parse("console=ttyS0 virtio_mmio.device=4K@0x1000:5").ok());
  EXPECT_EQ(options(), (Strings{"console=ttyS0"}));
  EXPECT_EQ(devices(), (Strings{"4K@0x1000:5"}));
  EXPECT_STREQ(cmdline_.virtio_mmio_devices()[0].data(), "4K@0x1000:5");
}

TEST_F(CommandLineTest, OnlyTheExactVirtioMmioPrefixIsTakenOut) {
  ASSERT_TRUE(cmdline_.parse("virtio_mmio.devices=1 virtio_mmio.device -- virtio_mmio.dev=2").ok());
  EXPECT_EQ(options(), (Strings{"virtio_mmio.devices=1", "virtio_mmio.device"}));
  EXPECT_EQ(args(), (Strings{"virtio_mmio.dev=2"}));
  EXPECT_TRUE(cmdline_.virtio_mmio_devices().empty());
}

TEST_F(CommandLineTest, ArgvIsNullTerminatedAndOwnsProgramName) {
  ASSERT_TRUE(cmdline_.parse("-- one two").ok());
  std::string name = "my-program";
  char** argv = cmdline_.argv(name);
  name.assign("clobbered!");  // argv[0] must be a copy, not a view of the caller's string
  ASSERT_EQ(cmdline_.argc(), 3);
  EXPECT_STREQ(argv[0], "my-program");
  EXPECT_STREQ(argv[1], "one");
  EXPECT_STREQ(argv[2], "two");
  EXPECT_EQ(argv[3], nullptr);
  // The application may write to its arguments, as C allows.
  argv[1][0] = 'O';
  EXPECT_STREQ(cmdline_.argv("my-program")[1], "One");
  EXPECT_STREQ(cmdline_.arguments()[0], "One");
}

TEST_F(CommandLineTest, LongProgramNameIsTruncated) {
  const std::string name(200, 'p');
  char** argv = cmdline_.argv(name);
  EXPECT_EQ(std::strlen(argv[0]), CommandLine::kMaxProgramName - 1);
  EXPECT_EQ(argv[1], nullptr);
}

TEST_F(CommandLineTest, ParseResetsPreviousState) {
  ASSERT_TRUE(cmdline_.parse("a=1 b -- x y virtio_mmio.device=4K@0x1000:5").ok());
  ASSERT_TRUE(cmdline_.parse("c=2 -- z").ok());
  EXPECT_EQ(options(), (Strings{"c=2"}));
  EXPECT_EQ(args(), (Strings{"z"}));
  EXPECT_TRUE(cmdline_.virtio_mmio_devices().empty());
  EXPECT_EQ(cmdline_.argv("p")[2], nullptr);

  ASSERT_TRUE(cmdline_.parse("").ok());
  EXPECT_TRUE(cmdline_.options().empty());
  EXPECT_EQ(cmdline_.argc(), 1);
  EXPECT_EQ(cmdline_.argv("p")[1], nullptr);
}

TEST_F(CommandLineTest, ParsedTextIsACopy) {
  std::string text = "name=value -- arg";
  ASSERT_TRUE(cmdline_.parse(text).ok());
  text.assign(text.size(), 'X');
  EXPECT_EQ(options(), (Strings{"name=value"}));
  EXPECT_EQ(args(), (Strings{"arg"}));
}

TEST_F(CommandLineTest, TextEndsAtFirstNul) {
  ASSERT_TRUE(cmdline_.parse("a=1\0b=2"sv).ok());
  EXPECT_EQ(options(), (Strings{"a=1"}));
}

TEST_F(CommandLineTest, UnterminatedQuoteKeepsEarlierWords) {
  Result<void> result = cmdline_.parse(R"(a=1 -- x "never closed y)");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), EINVAL);
  EXPECT_EQ(options(), (Strings{"a=1"}));
  EXPECT_EQ(args(), (Strings{"x"}));
}

TEST_F(CommandLineTest, UnterminatedSingleQuote) {
  Result<void> result = cmdline_.parse("flag 'oops");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), EINVAL);
  EXPECT_EQ(options(), (Strings{"flag"}));
}

TEST_F(CommandLineTest, EscapedQuoteIsNotUnterminated) {
  ASSERT_TRUE(cmdline_.parse(R"(-- \" "\"")").ok());
  EXPECT_EQ(args(), (Strings{"\"", "\""}));
}

TEST_F(CommandLineTest, EmptyOptionNameIsInvalid) {
  for (std::string_view text : {"a=1 =x b=2"sv, "a=1 = b=2"sv, "a=1 \"\" b=2"sv}) {
    Result<void> result = cmdline_.parse(text);
    ASSERT_FALSE(result.ok()) << text;
    EXPECT_EQ(result.error().code(), EINVAL) << text;
    EXPECT_EQ(options(), (Strings{"a=1"})) << text;
  }
}

TEST_F(CommandLineTest, ExactlyMaxLengthIsAccepted) {
  std::string text = "-- ";
  text.append(CommandLine::kMaxLength - text.size(), 'a');
  ASSERT_EQ(text.size(), CommandLine::kMaxLength);
  ASSERT_TRUE(cmdline_.parse(text).ok());
  ASSERT_EQ(cmdline_.argc(), 2);
  EXPECT_EQ(std::strlen(cmdline_.argv("p")[1]), CommandLine::kMaxLength - 3);
}

TEST_F(CommandLineTest, OneByteOverMaxLengthIsTooBig) {
  ASSERT_TRUE(cmdline_.parse("old=1").ok());
  const std::string text(CommandLine::kMaxLength + 1, 'a');
  Result<void> result = cmdline_.parse(text);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), E2BIG);
  EXPECT_TRUE(cmdline_.options().empty());  // nothing parsed, and the old line is gone
  EXPECT_EQ(cmdline_.argc(), 1);
}

TEST_F(CommandLineTest, MaxArgumentsAcceptedOneMoreIsTooBig) {
  std::string text = "--";
  for (std::size_t i = 0; i < CommandLine::kMaxArgs; ++i)
    text.append(" ").append(std::to_string(i));
  ASSERT_TRUE(cmdline_.parse(text).ok());
  ASSERT_EQ(cmdline_.argc(), static_cast<int>(CommandLine::kMaxArgs) + 1);
  char** argv = cmdline_.argv("p");
  EXPECT_STREQ(argv[CommandLine::kMaxArgs], std::to_string(CommandLine::kMaxArgs - 1).c_str());
  EXPECT_EQ(argv[CommandLine::kMaxArgs + 1], nullptr);

  text.append(" extra virtio_mmio.device=4K@0x1000:5");
  Result<void> result = cmdline_.parse(text);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), E2BIG);
  EXPECT_EQ(cmdline_.argc(), static_cast<int>(CommandLine::kMaxArgs) + 1);
  EXPECT_EQ(cmdline_.argv("p")[CommandLine::kMaxArgs + 1], nullptr);
}

TEST_F(CommandLineTest, TooManyOptions) {
  std::string text;
  for (std::size_t i = 0; i <= CommandLine::kMaxOptions; ++i) text.append(numbered("o", i, " "));
  Result<void> result = cmdline_.parse(text);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), E2BIG);
  ASSERT_EQ(cmdline_.options().size(), CommandLine::kMaxOptions);
  EXPECT_EQ(cmdline_.options().back().name, numbered("o", CommandLine::kMaxOptions - 1, ""));
}

TEST_F(CommandLineTest, TooManyVirtioMmioDevices) {
  std::string text = "a -- b";
  for (std::size_t i = 0; i <= CommandLine::kMaxVirtioMmio; ++i) {
    text.append(numbered(" virtio_mmio.device=4K@0x", i, ":5"));
  }
  Result<void> result = cmdline_.parse(text);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), E2BIG);
  EXPECT_EQ(cmdline_.virtio_mmio_devices().size(), CommandLine::kMaxVirtioMmio);
  EXPECT_EQ(options(), (Strings{"a"}));
  EXPECT_EQ(args(), (Strings{"b"}));
}

TEST_F(CommandLineTest, ViewsPointIntoTheObject) {
  ASSERT_TRUE(cmdline_.parse("k=v -- a virtio_mmio.device=d").ok());
  const char* begin = reinterpret_cast<const char*>(&cmdline_);
  const char* end = begin + sizeof(CommandLine);
  auto inside = [&](const char* p) { return p >= begin && p < end; };
  EXPECT_TRUE(inside(cmdline_.options()[0].name.data()));
  EXPECT_TRUE(inside(cmdline_.options()[0].value.data()));
  EXPECT_TRUE(inside(cmdline_.virtio_mmio_devices()[0].data()));
  EXPECT_TRUE(inside(cmdline_.argv("p")[1]));
}

}  // namespace
}  // namespace cairn
