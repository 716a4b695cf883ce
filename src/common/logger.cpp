#include "vl/common/logger.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>

namespace vl {

namespace {

// `%*` in the json pattern: the message as the inside of a JSON string.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static const char* kHex = "0123456789abcdef";
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"': dest.append(std::string_view("\\\"")); break;
        case '\\': dest.append(std::string_view("\\\\")); break;
        case '\n': dest.append(std::string_view("\\n")); break;
        case '\t': dest.append(std::string_view("\\t")); break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            const char esc[6] = {'\\', 'u', '0', '0', kHex[(c >> 4) & 15], kHex[c & 15]};
            dest.append(esc, esc + 6);
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};

}  // namespace

Status SetUpLogger(const LoggerOptions& options) {
  spdlog::level::level_enum level;
  if (options.level == "INFO") level = spdlog::level::info;
  else if (options.level == "WARN") level = spdlog::level::warn;
  else if (options.level == "ERROR") level = spdlog::level::err;
  else if (options.level == "FATAL" || options.level == "PANIC") level = spdlog::level::critical;
  else return Status::InvalidArgument("-loggerLevel: want INFO, WARN, ERROR, FATAL or PANIC");

  std::shared_ptr<spdlog::logger> logger;
  if (options.output == "stderr") logger = spdlog::stderr_logger_mt("vl");
  else if (options.output == "stdout") logger = spdlog::stdout_logger_mt("vl");
  else return Status::InvalidArgument("-loggerOutput: want stderr or stdout");

  auto time_type = spdlog::pattern_time_type::utc;
  std::string zone_suffix = "Z";
  if (options.timezone != "UTC" && !options.timezone.empty()) {
    if (!std::filesystem::exists("/usr/share/zoneinfo/" + options.timezone)) {
      return Status::InvalidArgument("-loggerTimezone: unknown time zone \"" + options.timezone + "\"");
    }
    setenv("TZ", options.timezone.c_str(), 1);
    tzset();
    time_type = spdlog::pattern_time_type::local;
    zone_suffix = "%z";
  }
  auto formatter = std::make_unique<spdlog::pattern_formatter>(time_type);
  if (options.format == "json") {
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        "{\"ts\":\"%Y-%m-%dT%H:%M:%S.%e" + zone_suffix + "\",\"level\":\"%l\",\"msg\":\"%*\"}");
  } else if (options.format == "default") {
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e" + zone_suffix + "\t%l\t%v");
  } else {
    return Status::InvalidArgument("-loggerFormat: want default or json");
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
  return Status::OK();
}

}  // namespace vl
