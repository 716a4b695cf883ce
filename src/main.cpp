// victoria-logs: flags in, roles out. Everything else lives in the modules.
#include <gflags/gflags.h>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "vl/cluster/inserter.h"
#include "vl/cluster/remote_backend.h"
#include "vl/common/logger.h"
#include "vl/common/metrics.h"
#include "vl/common/time_util.h"
#include "vl/common/time_zone.h"
#include "vl/http/router.h"
#include "vl/http/server.h"
#include "vl/logsql/pipe.h"
#include "vl/storage/storage.h"
#include "vl/syslog/syslog_flags.h"

DEFINE_string(httpListenAddr, ":9428", "TCP address to listen for HTTP requests");
DEFINE_string(storageDataPath, "victoria-logs-data", "Path to the directory with the stored logs");
DEFINE_string(retentionPeriod, "7d", "Logs older than this are dropped; units h, d, w, y (a bare number means months)");
DEFINE_string(futureRetention, "2d", "Logs with timestamps further than this in the future are rejected");
DEFINE_string(retention_maxDiskSpaceUsageBytes, "0",
              "Drop the oldest day partitions while the stored data is bigger than this (the 2 newest are kept); 0 = no limit");
DEFINE_string(storage_minFreeDiskSpaceBytes, "10000000",
              "Below this free space at -storageDataPath the storage turns read-only and inserts get 429; 0 = never");
DEFINE_int32(insert_maxFieldsPerLine, 1000, "Log entries with more fields than this are dropped (at most 2000)");
DEFINE_string(loggerLevel, "INFO", "Minimum level of logged messages: INFO, WARN, ERROR, FATAL or PANIC");
DEFINE_string(loggerOutput, "stderr", "Where log messages go: stderr or stdout");
DEFINE_string(loggerFormat, "default", "Log message format: default or json");
DEFINE_string(loggerTimezone, "UTC", "Time zone of log message timestamps, e.g. UTC or Europe/Berlin");
DEFINE_string(elasticsearch_version, "8.9.0", "Elasticsearch version reported to shippers at /insert/elasticsearch/");
DEFINE_bool(tls, false, "Serve HTTPS on -httpListenAddr (needs -tlsCertFile and -tlsKeyFile)");
DEFINE_string(tlsCertFile, "", "TLS certificate (chain) file for -tls; re-read when it changes");
DEFINE_string(tlsKeyFile, "", "TLS private key file for -tls; re-read when it changes");
DEFINE_string(tlsMinVersion, "", "Lowest TLS version accepted: TLS10, TLS11, TLS12 (default) or TLS13");
DEFINE_string(tlsCipherSuites, "", "Comma-separated cipher suites for -tls (OpenSSL names; TLS 1.3 suites by IANA name)");
DEFINE_bool(mtls, false, "Require a client certificate signed by -mtlsCAFile on every HTTPS connection");
DEFINE_string(mtlsCAFile, "", "CA file for verifying client certificates with -mtls (default: the system's CAs)");
DEFINE_string(httpAuth_username, "", "Basic auth username for every HTTP path but /health");
DEFINE_string(httpAuth_password, "", "Basic auth password (or file://path to read it from)");
DEFINE_string(metricsAuthKey, "", "authKey query arg /metrics requires (else Basic auth applies)");
DEFINE_string(flagsAuthKey, "", "authKey query arg /flags requires (else Basic auth applies)");
DEFINE_string(pprofAuthKey, "", "authKey for /debug/pprof/* (no such endpoints here; accepted for compatibility)");
DEFINE_string(forceMergeAuthKey, "", "authKey query arg /internal/force_merge requires");
DEFINE_string(forceFlushAuthKey, "", "authKey query arg /internal/force_flush requires");
DEFINE_string(storageNode_tls, "", "HTTPS to storage nodes: true, or a comma-separated true/false per -storageNode entry");
DEFINE_string(storageNode_tlsCAFile, "", "CA file(s) verifying storage nodes' certificates, per node");
DEFINE_string(storageNode_tlsCertFile, "", "Client certificate file(s) for mTLS to storage nodes, per node");
DEFINE_string(storageNode_tlsKeyFile, "", "Client key file(s) for mTLS to storage nodes, per node");
DEFINE_string(storageNode_tlsServerName, "", "Name storage nodes' certificates must carry, per node");
DEFINE_string(storageNode_tlsInsecureSkipVerify, "", "Skip verifying storage nodes' certificates, per node");
DEFINE_string(storageNode_username, "", "Basic auth username for storage nodes, per node");
DEFINE_string(storageNode_password, "", "Basic auth password for storage nodes, per node");
DEFINE_string(storageNode_passwordFile, "", "File(s) with the Basic auth password, re-read every second, per node");
DEFINE_string(storageNode_bearerToken, "", "Bearer token for storage nodes, per node");
DEFINE_string(storageNode_bearerTokenFile, "", "File(s) with the bearer token, re-read every second, per node");
DEFINE_int32(search_maxConcurrentRequests, 0,
             "Select requests running at once; others wait for a slot (0 = twice the CPUs up to 4 CPUs, "
             "else the CPU count, at most 16)");
DEFINE_string(search_maxQueueDuration, "10s", "How long a select request waits for a slot before a 503");
DEFINE_string(search_maxQueryDuration, "30s",
              "Longest a select query may run (a request's `timeout` arg may only lower it); then 503");
DEFINE_string(storageNode, "", "Comma-separated host:port list of storage nodes; enables the router role");
DEFINE_string(insert_maxLineSizeBytes, "256KiB", "Lines longer than this are skipped by line-based ingestion protocols");
DEFINE_bool(insert_disable, false, "Disable /insert/* endpoints");
DEFINE_int32(memory_allowedPercent, 60, "Percent of system memory queries may use; a query's stateful pipes "
             "(stats, sort, uniq, top, ...) together get 40% of it and fail with an error beyond that");
DEFINE_string(memory_allowedBytes, "0", "Bytes of memory queries may use (overrides -memory.allowedPercent when not 0)");
DEFINE_bool(select_disable, false, "Disable /select/* endpoints");
DEFINE_bool(internalinsert_disable, false, "Disable /internal/insert");
DEFINE_bool(internalselect_disable, false, "Disable /internal/select/*");
DEFINE_int32(insert_concurrency, 2, "Concurrent /internal/insert requests per storage node (router role)");
DEFINE_bool(insert_disableCompression, false, "Send /internal/insert bodies to storage nodes uncompressed");
DEFINE_bool(select_disableCompression, false, "Ask storage nodes for uncompressed /internal/select responses");
DEFINE_bool(search_allowPartialResponse, false,
            "Answer queries from the available storage nodes when some are down (marked by a VL-Partial-Response header)");
DEFINE_string(http_maxGracefulShutdownDuration, "7s", "How long to wait for in-flight requests on shutdown");
DEFINE_string(http_idleConnTimeout, "1m", "Close incoming connections idle for this long (0 = never)");
DEFINE_string(http_connTimeout, "2m",
              "Close incoming connections after this age, at the end of a request (0 = never); spreads "
              "clients over servers behind a TCP load balancer");
// Syslog listeners (vl/syslog). Array flags: one comma-separated value per listen address.
DEFINE_string(syslog_listenAddr_tcp, "", "Comma-separated TCP addresses to accept syslog messages on (RFC 3164/5424)");
DEFINE_string(syslog_listenAddr_udp, "", "Comma-separated UDP addresses to accept syslog messages on (RFC 3164/5424)");
DEFINE_string(syslog_tenantID_tcp, "", "Tenant (AccountID[:ProjectID]) per -syslog.listenAddr.tcp address (default 0:0)");
DEFINE_string(syslog_tenantID_udp, "", "Tenant (AccountID[:ProjectID]) per -syslog.listenAddr.udp address (default 0:0)");
DEFINE_string(syslog_compressMethod_tcp, "", "Compression per -syslog.listenAddr.tcp address: none, gzip, deflate or zstd");
DEFINE_string(syslog_compressMethod_udp, "", "Compression per -syslog.listenAddr.udp address: none, gzip, deflate or zstd");
DEFINE_string(syslog_useLocalTimestamp_tcp, "", "Per -syslog.listenAddr.tcp address: true = _time is the arrival time");
DEFINE_string(syslog_useLocalTimestamp_udp, "", "Per -syslog.listenAddr.udp address: true = _time is the arrival time");
DEFINE_string(syslog_streamFields_tcp, "", "Per -syslog.listenAddr.tcp address: JSON array of stream fields (default [\"hostname\",\"app_name\",\"proc_id\"])");
DEFINE_string(syslog_streamFields_udp, "", "Per -syslog.listenAddr.udp address: JSON array of stream fields (default [\"hostname\",\"app_name\",\"proc_id\"])");
DEFINE_string(syslog_ignoreFields_tcp, "", "Per -syslog.listenAddr.tcp address: JSON array of fields (or prefix*) to drop");
DEFINE_string(syslog_ignoreFields_udp, "", "Per -syslog.listenAddr.udp address: JSON array of fields (or prefix*) to drop");
DEFINE_string(syslog_decolorizeFields_tcp, "", "Per -syslog.listenAddr.tcp address: JSON array of fields to strip ANSI colors from");
DEFINE_string(syslog_decolorizeFields_udp, "", "Per -syslog.listenAddr.udp address: JSON array of fields to strip ANSI colors from");
DEFINE_string(syslog_extraFields_tcp, "", "Per -syslog.listenAddr.tcp address: JSON object of fields added to every message");
DEFINE_string(syslog_extraFields_udp, "", "Per -syslog.listenAddr.udp address: JSON object of fields added to every message");
DEFINE_string(syslog_tls, "", "Per -syslog.listenAddr.tcp address: true = TLS (needs -syslog.tlsCertFile and -syslog.tlsKeyFile)");
DEFINE_string(syslog_tlsCertFile, "", "Per -syslog.listenAddr.tcp address: TLS certificate file (re-read when it changes)");
DEFINE_string(syslog_tlsKeyFile, "", "Per -syslog.listenAddr.tcp address: TLS key file (re-read when it changes)");
DEFINE_string(syslog_tlsCipherSuites, "", "Comma-separated TLS cipher suites of the syslog TLS listeners");
DEFINE_string(syslog_tlsMinVersion, "TLS13", "Minimum TLS version of the syslog TLS listeners: TLS10, TLS11, TLS12 or TLS13");
DEFINE_string(syslog_timezone, "Local", "Time zone of RFC 3164 syslog timestamps (IANA name such as Europe/Berlin, UTC or Local)");
DEFINE_string(datadog_maxRequestSize, "64MiB", "Largest decoded /insert/datadog request body");
DEFINE_string(datadog_streamFields, "", "Comma-separated stream fields of DataDog logs when the request sets none");
DEFINE_string(datadog_ignoreFields, "", "Comma-separated fields (or prefix*) dropped from DataDog logs when the request sets none");
DEFINE_string(loki_maxRequestSize, "64MiB", "Largest decoded /insert/loki request body");
DEFINE_bool(loki_disableMessageParsing, false, "Keep Loki lines that are JSON objects as _msg instead of unpacking their fields");
DEFINE_string(opentelemetry_maxRequestSize, "64MiB", "Largest decoded /insert/opentelemetry request body");
DEFINE_string(journald_maxRequestSize, "", "Deprecated and ignored: /insert/journald/upload is streamed (as in VictoriaLogs)");
DEFINE_string(journald_streamFields, "_MACHINE_ID,_HOSTNAME,_SYSTEMD_UNIT", "Comma-separated stream fields of journald entries");
DEFINE_string(journald_ignoreFields, "", "Comma-separated journald fields (or prefix*) to drop");
DEFINE_string(journald_timeField, "__REALTIME_TIMESTAMP", "journald field holding the entry time (microseconds)");
DEFINE_string(journald_tenantID, "0:0", "Tenant (AccountID:ProjectID) of journald entries sent without tenant headers");
DEFINE_bool(journald_includeEntryMetadata, false, "Keep journald's __-prefixed entry metadata fields");

namespace {

// VictoriaLogs flag names contain dots (`-insert.maxLineSizeBytes`), which gflags cannot declare;
// they are declared with underscores and the dots in typed names are rewritten before parsing.
std::vector<std::string> RewriteDottedFlagNames(int argc, char** argv) {
  std::vector<std::string> out;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (i > 0 && arg.size() > 1 && arg[0] == '-') {
      size_t name_end = arg.find('=');
      if (name_end == std::string::npos) name_end = arg.size();
      for (size_t k = 1; k < name_end; ++k) {
        if (arg[k] == '.') arg[k] = '_';
      }
      // Per-node boolean lists given bare (`-storageNode.tls`) mean true for every node.
      if (name_end == arg.size() && (arg == "-storageNode_tls" || arg == "-storageNode_tlsInsecureSkipVerify")) {
        arg += "=true";
      }
    }
    out.push_back(std::move(arg));
  }
  return out;
}

[[noreturn]] void FailFlag(const std::string& flag, const std::string& value, const std::string& why) {
  std::fprintf(stderr, "invalid value \"%s\" for flag -%s: %s\n", value.c_str(), flag.c_str(), why.c_str());
  std::exit(2);
}

bool ParseSize(std::string_view s, size_t* out) {
  static const std::pair<const char*, double> kUnits[] = {
      {"KiB", 1024.0}, {"MiB", 1024.0 * 1024}, {"GiB", 1024.0 * 1024 * 1024},
      {"TiB", 1024.0 * 1024 * 1024 * 1024}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
      {"Ki", 1024.0}, {"Mi", 1024.0 * 1024}, {"Gi", 1024.0 * 1024 * 1024}, {"Ti", 1024.0 * 1024 * 1024 * 1024},
      {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"B", 1}};
  double mult = 1;
  for (const auto& [suffix, m] : kUnits) {
    std::string_view sv(suffix);
    if (s.size() > sv.size() && s.substr(s.size() - sv.size()) == sv) {
      mult = m;
      s.remove_suffix(sv.size());
      break;
    }
  }
  std::string num(s);
  char* end = nullptr;
  double v = std::strtod(num.c_str(), &end);
  if (num.empty() || end != num.c_str() + num.size() || v < 0) return false;
  *out = static_cast<size_t>(v * mult);
  return true;
}

std::vector<std::string> ValidateStorageNodes(const std::string& list) {
  std::vector<std::string> nodes;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    std::string node = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t colon = node.rfind(':');
    if (node.empty() || colon == std::string::npos || colon == 0 || colon + 1 == node.size() ||
        node.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
      FailFlag("storageNode", list, "each entry must be host:port, got \"" + node + "\"");
    }
    nodes.push_back(node);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return nodes;
}

// The i-th value of a per-node flag: one value applies to every node.
std::string PerNode(const std::string& list, size_t i) {
  std::vector<std::string> values;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    values.push_back(list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (list.empty()) return "";
  if (values.size() == 1) return values[0];
  return i < values.size() ? values[i] : "";
}

bool IsTrue(const std::string& v) { return v == "true" || v == "1"; }

vl::cluster::NodeSecurity NodeSecurityFor(size_t i) {
  vl::cluster::NodeSecurity s;
  s.tls = IsTrue(PerNode(FLAGS_storageNode_tls, i));
  s.ca_file = PerNode(FLAGS_storageNode_tlsCAFile, i);
  s.cert_file = PerNode(FLAGS_storageNode_tlsCertFile, i);
  s.key_file = PerNode(FLAGS_storageNode_tlsKeyFile, i);
  s.server_name = PerNode(FLAGS_storageNode_tlsServerName, i);
  s.insecure_skip_verify = IsTrue(PerNode(FLAGS_storageNode_tlsInsecureSkipVerify, i));
  s.username = PerNode(FLAGS_storageNode_username, i);
  s.password = PerNode(FLAGS_storageNode_password, i);
  s.password_file = PerNode(FLAGS_storageNode_passwordFile, i);
  s.bearer_token = PerNode(FLAGS_storageNode_bearerToken, i);
  s.bearer_token_file = PerNode(FLAGS_storageNode_bearerTokenFile, i);
  return s;
}

// `file://path` reads the secret from a file (trailing newline dropped).
std::string SecretValue(const std::string& flag, const std::string& v) {
  if (v.rfind("file://", 0) != 0) return v;
  std::FILE* f = std::fopen(v.c_str() + 7, "rb");
  if (!f) FailFlag(flag, v, "cannot read the file");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  std::fclose(f);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

bool IsSecretFlag(const std::string& name) {
  return name.find("password") != std::string::npos || name.find("AuthKey") != std::string::npos ||
         name.find("bearerToken") != std::string::npos;
}

std::string RenderFlags() {
  std::string out;
  std::vector<gflags::CommandLineFlagInfo> flags;
  gflags::GetAllFlags(&flags);
  for (const auto& f : flags) {
    if (f.filename.find("main.cpp") == std::string::npos) continue;
    std::string name = f.name;
    for (char& c : name) {
      if (c == '_') c = '.';
    }
    const bool hide = IsSecretFlag(name) && name.find("File") == std::string::npos && !f.current_value.empty();
    out += "-" + name + "=\"" + (hide ? std::string("secret") : f.current_value) + "\"\n";
  }
  return out;
}

vl::TenantID ParseTenantFlag(const std::string& flag, const std::string& value) {
  vl::TenantID tenant;
  if (!vl::ParseTenantID(value, &tenant)) FailFlag(flag, value, "want AccountID[:ProjectID], two uint32 numbers");
  return tenant;
}

vl::insert::ProtocolSettings ProtocolSettingsFromFlags() {
  vl::insert::ProtocolSettings s;
  auto size = [](const char* flag, const std::string& value) {
    size_t n = 0;
    if (!ParseSize(value, &n) || n == 0) FailFlag(flag, value, "want a positive size such as 64MiB");
    return n;
  };
  s.datadog_max_request_bytes = size("datadog.maxRequestSize", FLAGS_datadog_maxRequestSize);
  s.loki_max_request_bytes = size("loki.maxRequestSize", FLAGS_loki_maxRequestSize);
  s.opentelemetry_max_request_bytes = size("opentelemetry.maxRequestSize", FLAGS_opentelemetry_maxRequestSize);
  if (!FLAGS_journald_maxRequestSize.empty()) {
    spdlog::warn("-journald.maxRequestSize is deprecated and ignored: journald uploads are streamed");
  }
  s.datadog_stream_fields = vl::insert::SplitList(FLAGS_datadog_streamFields);
  s.datadog_ignore_fields = vl::insert::SplitList(FLAGS_datadog_ignoreFields);
  s.loki_disable_message_parsing = FLAGS_loki_disableMessageParsing;
  s.journald_stream_fields = vl::insert::SplitList(FLAGS_journald_streamFields);
  s.journald_ignore_fields = vl::insert::SplitList(FLAGS_journald_ignoreFields);
  s.journald_time_field = FLAGS_journald_timeField;
  s.journald_tenant = ParseTenantFlag("journald.tenantID", FLAGS_journald_tenantID);
  s.journald_include_entry_metadata = FLAGS_journald_includeEntryMetadata;
  return s;
}

// The syslog listeners of -syslog.listenAddr.tcp / .udp; nullptr when none is set.
std::unique_ptr<vl::syslog::Server> StartSyslog(vl::insert::RowStore* rows, size_t max_line_size,
                                                const vl::insert::RowBuilderOptions& row_limits) {
  if (FLAGS_syslog_listenAddr_tcp.empty() && FLAGS_syslog_listenAddr_udp.empty()) return nullptr;
  vl::syslog::StreamOptions base;
  auto tz = vl::TimeZone::Load(FLAGS_syslog_timezone);
  if (!tz.ok()) FailFlag("syslog.timezone", FLAGS_syslog_timezone, tz.status().message());
  base.timezone = *tz;
  base.max_message_bytes = max_line_size;
  base.row_options = row_limits;
  vl::syslog::ServerOptions options;
  options.tls_min_version = FLAGS_syslog_tlsMinVersion;
  options.tls_cipher_suites = vl::insert::SplitList(FLAGS_syslog_tlsCipherSuites);
  using Transport = vl::syslog::ListenerOptions::Transport;
  const vl::syslog::TransportFlags tcp{FLAGS_syslog_listenAddr_tcp, FLAGS_syslog_tenantID_tcp,
                                       FLAGS_syslog_compressMethod_tcp, FLAGS_syslog_useLocalTimestamp_tcp,
                                       FLAGS_syslog_streamFields_tcp, FLAGS_syslog_ignoreFields_tcp,
                                       FLAGS_syslog_decolorizeFields_tcp, FLAGS_syslog_extraFields_tcp,
                                       FLAGS_syslog_tls, FLAGS_syslog_tlsCertFile, FLAGS_syslog_tlsKeyFile};
  const vl::syslog::TransportFlags udp{FLAGS_syslog_listenAddr_udp, FLAGS_syslog_tenantID_udp,
                                       FLAGS_syslog_compressMethod_udp, FLAGS_syslog_useLocalTimestamp_udp,
                                       FLAGS_syslog_streamFields_udp, FLAGS_syslog_ignoreFields_udp,
                                       FLAGS_syslog_decolorizeFields_udp, FLAGS_syslog_extraFields_udp, "", "", ""};
  for (const auto& [transport, flags] : {std::pair{Transport::kTcp, tcp}, std::pair{Transport::kUdp, udp}}) {
    auto listeners = vl::syslog::ListenersFromFlags(transport, flags, base);
    if (!listeners.ok()) {
      spdlog::critical("{}", listeners.status().message());
      std::exit(2);
    }
    for (auto& l : *listeners) options.listeners.push_back(std::move(l));
  }
  auto server = vl::syslog::Server::Start(std::move(options), rows);
  if (!server.ok()) {
    spdlog::critical("cannot start syslog listeners: {}", server.status().message());
    std::exit(1);
  }
  return std::move(*server);
}

}  // namespace

int main(int argc, char** argv) {
  // Ingestion allocates and frees multi-MiB batch buffers per request; with glibc's defaults each
  // one is a fresh mmap (page faults on every touch) or a heap trim. Keep them in the heap.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  gflags::SetVersionString(VL_VERSION);
  gflags::SetUsageMessage("victoria-logs: a log database compatible with VictoriaLogs");
  std::vector<std::string> args = RewriteDottedFlagNames(argc, argv);
  std::vector<char*> arg_ptrs;
  for (auto& a : args) arg_ptrs.push_back(a.data());
  int new_argc = static_cast<int>(arg_ptrs.size());
  char** new_argv = arg_ptrs.data();
  gflags::ParseCommandLineFlags(&new_argc, &new_argv, true);
  if (new_argc > 1) {
    std::fprintf(stderr, "unexpected command-line argument \"%s\"; flags look like -name=value\n", new_argv[1]);
    return 2;
  }

  vl::LoggerOptions logger;
  logger.output = FLAGS_loggerOutput;
  logger.format = FLAGS_loggerFormat;
  logger.level = FLAGS_loggerLevel;
  logger.timezone = FLAGS_loggerTimezone;
  if (vl::Status s = vl::SetUpLogger(logger); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return 2;
  }

  vl::StorageOptions storage_options;
  storage_options.data_path = FLAGS_storageDataPath;
  if (!vl::ParseRetention(FLAGS_retentionPeriod, &storage_options.retention_ns) ||
      storage_options.retention_ns < 24LL * 3600 * vl::kNanosPerSecond) {
    FailFlag("retentionPeriod", FLAGS_retentionPeriod, "want a duration of at least 1d such as 7d, 4w or 1y");
  }
  if (!vl::ParseRetention(FLAGS_futureRetention, &storage_options.future_retention_ns) ||
      storage_options.future_retention_ns < 24LL * 3600 * vl::kNanosPerSecond) {
    FailFlag("futureRetention", FLAGS_futureRetention, "want a duration of at least 1d such as 2d");
  }
  size_t max_line_size = 0;
  if (!ParseSize(FLAGS_insert_maxLineSizeBytes, &max_line_size) || max_line_size == 0) {
    FailFlag("insert.maxLineSizeBytes", FLAGS_insert_maxLineSizeBytes, "want a positive size such as 256KiB");
  }
  size_t max_disk_usage = 0, min_free_disk = 0;
  if (!ParseSize(FLAGS_retention_maxDiskSpaceUsageBytes, &max_disk_usage)) {
    FailFlag("retention.maxDiskSpaceUsageBytes", FLAGS_retention_maxDiskSpaceUsageBytes, "want a size such as 100GiB or 0");
  }
  if (!ParseSize(FLAGS_storage_minFreeDiskSpaceBytes, &min_free_disk)) {
    FailFlag("storage.minFreeDiskSpaceBytes", FLAGS_storage_minFreeDiskSpaceBytes, "want a size such as 10MB or 0");
  }
  storage_options.max_disk_space_usage_bytes = max_disk_usage;
  storage_options.min_free_disk_space_bytes = min_free_disk;
  size_t allowed_memory = 0;
  if (!ParseSize(FLAGS_memory_allowedBytes, &allowed_memory)) {
    FailFlag("memory.allowedBytes", FLAGS_memory_allowedBytes, "want a size such as 4GiB or 0");
  }
  if (allowed_memory == 0) {
    if (FLAGS_memory_allowedPercent < 1 || FLAGS_memory_allowedPercent > 100) {
      FailFlag("memory.allowedPercent", std::to_string(FLAGS_memory_allowedPercent), "want a percent from 1 to 100");
    }
    const size_t system = static_cast<size_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<size_t>(sysconf(_SC_PAGE_SIZE));
    allowed_memory = system / 100 * static_cast<size_t>(FLAGS_memory_allowedPercent);
  }
  // As VictoriaLogs sizes its stats state: 40% of the allowed memory per query.
  vl::logsql::QueryMemory::SetDefaultLimit(allowed_memory / 10 * 4);
  if (FLAGS_insert_maxFieldsPerLine < 1) {
    FailFlag("insert.maxFieldsPerLine", std::to_string(FLAGS_insert_maxFieldsPerLine), "want a positive number");
  }
  vl::insert::RowBuilderOptions row_limits;
  row_limits.max_fields = std::min<size_t>(FLAGS_insert_maxFieldsPerLine, vl::insert::kMaxFieldsPerLineCap);
  if (static_cast<size_t>(FLAGS_insert_maxFieldsPerLine) > vl::insert::kMaxFieldsPerLineCap) {
    spdlog::warn("-insert.maxFieldsPerLine={} is above the hard limit; using {}", FLAGS_insert_maxFieldsPerLine,
                 vl::insert::kMaxFieldsPerLineCap);
  }
  int64_t idle_conn_timeout_ns = 0, conn_timeout_ns = 0, graceful_shutdown_ns = 0;
  if (!vl::ParseDuration(FLAGS_http_maxGracefulShutdownDuration, &graceful_shutdown_ns) || graceful_shutdown_ns < 0) {
    FailFlag("http.maxGracefulShutdownDuration", FLAGS_http_maxGracefulShutdownDuration, "want a duration such as 7s or 0");
  }
  if (!vl::ParseDuration(FLAGS_http_idleConnTimeout, &idle_conn_timeout_ns) || idle_conn_timeout_ns < 0) {
    FailFlag("http.idleConnTimeout", FLAGS_http_idleConnTimeout, "want a duration such as 1m, 30s or 0");
  }
  if (!vl::ParseDuration(FLAGS_http_connTimeout, &conn_timeout_ns) || conn_timeout_ns < 0) {
    FailFlag("http.connTimeout", FLAGS_http_connTimeout, "want a duration such as 2m or 0");
  }
  int64_t max_queue_ns = 0, max_query_ns = 0;
  if (!vl::ParseDuration(FLAGS_search_maxQueueDuration, &max_queue_ns) || max_queue_ns < 0) {
    FailFlag("search.maxQueueDuration", FLAGS_search_maxQueueDuration, "want a duration such as 10s");
  }
  if (!vl::ParseDuration(FLAGS_search_maxQueryDuration, &max_query_ns) || max_query_ns < 0) {
    FailFlag("search.maxQueryDuration", FLAGS_search_maxQueryDuration, "want a duration such as 30s");
  }
  std::vector<std::string> storage_nodes;
  if (!FLAGS_storageNode.empty()) storage_nodes = ValidateStorageNodes(FLAGS_storageNode);
  if (FLAGS_insert_concurrency < 1) {
    FailFlag("insert.concurrency", std::to_string(FLAGS_insert_concurrency), "want a positive number");
  }

  // Signals are taken synchronously by the main thread; every other thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // Router role (-storageNode set): no local storage; rows and queries go to the storage nodes.
  std::unique_ptr<vl::Storage> storage;
  std::unique_ptr<vl::insert::RowStore> rows;
  std::unique_ptr<vl::select::QueryBackend> queries;
  if (!storage_nodes.empty()) {
    spdlog::info("starting victoria-logs {} as a cluster router over -storageNode={}", VL_VERSION, FLAGS_storageNode);
    vl::cluster::InserterOptions insert_options;
    insert_options.nodes = storage_nodes;
    insert_options.concurrency = FLAGS_insert_concurrency;
    insert_options.disable_compression = FLAGS_insert_disableCompression;
    for (size_t i = 0; i < storage_nodes.size(); ++i) insert_options.node_security.push_back(NodeSecurityFor(i));
    rows = std::make_unique<vl::cluster::Inserter>(insert_options);
    vl::cluster::RemoteBackendOptions select_options;
    select_options.nodes = storage_nodes;
    select_options.disable_compression = FLAGS_select_disableCompression;
    select_options.node_security = insert_options.node_security;
    // A node may compute for a long time before its first frame (big stats); down nodes are
    // caught by the connect timeout, so reads get a generous bound.
    select_options.client.io_timeout_ms = 10 * 60 * 1000;
    queries = std::make_unique<vl::cluster::RemoteBackend>(select_options);
  } else {
    spdlog::info("starting victoria-logs {} with -retentionPeriod={}", VL_VERSION, FLAGS_retentionPeriod);
    spdlog::info("opening storage at -storageDataPath={}", FLAGS_storageDataPath);
    auto opened = vl::Storage::Open(storage_options);
    if (!opened.ok()) {
      spdlog::critical("cannot open storage at {}: {}", FLAGS_storageDataPath, opened.status().message());
      return 1;
    }
    storage = std::move(*opened);
    rows = std::make_unique<vl::http::LocalRowStore>(storage.get());
    queries = std::make_unique<vl::select::LocalBackend>(*storage);
  }

  vl::http::RouterOptions router;
  router.storage = storage.get();
  router.rows = rows.get();
  router.queries = queries.get();
  router.allow_partial_default = FLAGS_search_allowPartialResponse;
  router.internal_insert_disabled = FLAGS_internalinsert_disable;
  router.internal_select_disabled = FLAGS_internalselect_disable;
  router.max_line_size_bytes = max_line_size;
  router.row_limits = row_limits;
  router.flags_text = RenderFlags;
  router.insert_disabled = FLAGS_insert_disable;
  router.select_disabled = FLAGS_select_disable;
  const int cpus = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  router.max_concurrent_requests = FLAGS_search_maxConcurrentRequests > 0
                                       ? static_cast<size_t>(FLAGS_search_maxConcurrentRequests)
                                       : static_cast<size_t>(std::min(16, cpus <= 4 ? 2 * cpus : cpus));
  router.max_queue_duration_ms = max_queue_ns / 1'000'000;
  router.elasticsearch_version = FLAGS_elasticsearch_version;
  router.protocol_settings = ProtocolSettingsFromFlags();
  router.http_auth_username = FLAGS_httpAuth_username;
  router.http_auth_password = SecretValue("httpAuth.password", FLAGS_httpAuth_password);
  router.auth_keys = {{"/metrics", FLAGS_metricsAuthKey},
                      {"/flags", FLAGS_flagsAuthKey},
                      {"/internal/force_merge", FLAGS_forceMergeAuthKey},
                      {"/internal/force_flush", FLAGS_forceFlushAuthKey}};
  router.max_query_duration_ms = max_query_ns / 1'000'000;
  vl::http::ServerOptions server_options;
  server_options.listen_addr = FLAGS_httpListenAddr;
  server_options.tls.enabled = FLAGS_tls;
  server_options.tls.cert_file = FLAGS_tlsCertFile;
  server_options.tls.key_file = FLAGS_tlsKeyFile;
  server_options.tls.min_version = FLAGS_tlsMinVersion;
  for (size_t i = 0; !FLAGS_tlsCipherSuites.empty(); ++i) {
    std::string c = PerNode(FLAGS_tlsCipherSuites, i);
    if (c.empty()) break;
    server_options.tls.cipher_suites.push_back(c);
    if (FLAGS_tlsCipherSuites.find(',') == std::string::npos) break;
  }
  server_options.tls.mtls = FLAGS_mtls;
  server_options.tls.mtls_ca_file = FLAGS_mtlsCAFile;
  if (FLAGS_tls && (FLAGS_tlsCertFile.empty() || FLAGS_tlsKeyFile.empty())) {
    FailFlag("tls", "true", "-tlsCertFile and -tlsKeyFile must be set with -tls");
  }
  if (FLAGS_mtls && !FLAGS_tls) FailFlag("mtls", "true", "-mtls needs -tls");
  server_options.max_graceful_shutdown_ms = graceful_shutdown_ns / 1'000'000;
  server_options.idle_conn_timeout_ms = idle_conn_timeout_ns / 1'000'000;
  server_options.conn_timeout_ms = conn_timeout_ns / 1'000'000;
  auto server = vl::http::Server::Start(server_options, vl::http::MakeRouter(router));
  if (!server.ok()) {
    spdlog::critical("cannot start HTTP server: {}", server.status().message());
    if (storage) storage->Close();
    return 1;
  }
  spdlog::info("started server at http://{}/", (*server)->bound_address());
  spdlog::info("listening for HTTP requests on {} (port {})", FLAGS_httpListenAddr, (*server)->port());
  std::unique_ptr<vl::syslog::Server> syslog = StartSyslog(rows.get(), max_line_size, row_limits);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("received signal {}; stopping gracefully", strsignal(sig));
  // In-flight requests finish first: on a router each one returns only after its rows were
  // acknowledged by storage nodes, so nothing acknowledged is pending here.
  // Syslog connections commit what they received before storage closes.
  if (syslog) syslog->Stop();
  (*server)->Stop();
  if (storage) {
    vl::Status closed = storage->Close();
    if (!closed.ok()) {
      spdlog::error("cannot flush storage on shutdown: {}", closed.message());
      return 1;
    }
    spdlog::info("stopped; all data flushed to {}", FLAGS_storageDataPath);
  } else {
    spdlog::info("stopped");
  }
  gflags::ShutDownCommandLineFlags();
  return 0;
}
