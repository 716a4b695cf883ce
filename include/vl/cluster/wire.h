// Node-to-node wire formats of protocol v1 (docs: /work/shared/spec/cluster-and-storage.md §2.4, §3.2).
//
// /internal/insert body: concatenated rows, each
//   u32be AccountID, u32be ProjectID, varuint len + canonical stream tags, u64be timestamp,
//   varuint fieldsCount, fieldsCount × (varuint len + name, varuint len + value); `_msg` has an empty name.
// /internal/select/query response: frames of u64be length + payload, payload = zstd (unless
//   disabled) of concatenated DataBlocks: varuint rows, varuint columns, per column varuint len +
//   name, type byte (0 const: one value; 1 regular: rows values), values as varuint len + bytes.
//   A frame with length kErrorFrame carries varuint len + error text: the sender failed mid-stream.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/row_view.h"
#include "vl/common/status.h"
#include "vl/logsql/result.h"

namespace vl::cluster {

inline constexpr std::string_view kProtocolVersion = "v1";
inline constexpr uint64_t kErrorFrame = ~uint64_t{0};
inline constexpr size_t kMaxFieldsPerRow = 2000;

void AppendInsertRow(const RowView& row, std::string* out);
// Calls fn(const RowView&) for each row in order (stream ids recomputed from tags + tenant;
// the views are valid during the call). InvalidArgument on the first malformed row, after the
// rows before it were visited.
Status ParseInsertRows(std::string_view data, const std::function<void(const RowView&)>& fn);

void AppendDataBlock(const logsql::ResultBlock& block, std::string* out);
Status ParseDataBlocks(std::string_view data, std::vector<logsql::ResultBlock>* out);

// One frame around `payload`, compressing it first unless `compress` is false.
void AppendFrame(std::string_view payload, bool compress, std::string* out);
void AppendErrorFrame(std::string_view message, std::string* out);

// zstd level 1 (fast: the network, not the ratio, is what we trade against).
std::string Compress(std::string_view data);
// zstd's fast mode for row batches a router forwards: about 1.9x the speed of level 1 for 4x
// instead of 6x smaller bodies. Every forwarded byte passes here, so CPU is the scarce side.
inline constexpr int kInsertZstdLevel = -3;
// Like Compress but at kInsertZstdLevel into the front of *out, with a per-thread compression
// context. *out keeps at least ZSTD_compressBound(data) bytes between calls: shrinking it to
// the result would make the next call zero-fill the whole bound again. Returns the compressed
// size, 0 on failure.
size_t CompressTo(std::string_view data, std::string* out);
Result<std::string> Decompress(std::string_view data, size_t max_size);
// One zstd frame with its content size in the header, decompressed into the front of *buf
// (grown when too small, never shrunk: no zero-fill per call). Returns the bytes in *buf.
Result<std::string_view> DecompressInto(std::string_view data, size_t max_size, std::string* buf);

// 8 bytes per tenant: u32be AccountID + u32be ProjectID (the `tenant_ids` select arg).
std::string EncodeTenant(TenantID tenant);
Result<TenantID> DecodeTenant(std::string_view data);

}  // namespace vl::cluster
