// The `format` pattern language; see format_pattern.h for the behaviour.
#include "format_pattern.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "extract_pattern.h"  // pattern_internal: SplitPattern, UTF-8 helpers
#include "vl/common/time_util.h"

namespace vl::logsql::pipes {
namespace format_internal {
namespace {

using pattern_internal::AppendUtf8;
using pattern_internal::DecodeUtf8;

constexpr char kHexUpper[] = "0123456789ABCDEF";

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Unicode simple case mapping (UnicodeData.txt, as Go's unicode.ToUpper/ToLower apply it) for code
// points >= 0x80. A range maps lo, lo+stride, ... hi by adding delta; the code points between the
// strided ones map to themselves. Generated from the Unicode 14 character database.

struct CaseRange {
  uint32_t lo, hi;
  int32_t delta;
  uint32_t stride;
};

constexpr CaseRange kToUpper[] = {
  {0xB5, 0xB5, 743, 1}, {0xE0, 0xF6, -32, 1}, {0xF8, 0xFE, -32, 1}, {0xFF, 0xFF, 121, 1},
  {0x101, 0x12F, -1, 2}, {0x131, 0x131, -232, 1}, {0x133, 0x137, -1, 2}, {0x13A, 0x148, -1, 2},
  {0x14B, 0x177, -1, 2}, {0x17A, 0x17E, -1, 2}, {0x17F, 0x17F, -300, 1}, {0x180, 0x180, 195, 1},
  {0x183, 0x185, -1, 2}, {0x188, 0x188, -1, 1}, {0x18C, 0x18C, -1, 1}, {0x192, 0x192, -1, 1},
  {0x195, 0x195, 97, 1}, {0x199, 0x199, -1, 1}, {0x19A, 0x19A, 163, 1}, {0x19E, 0x19E, 130, 1},
  {0x1A1, 0x1A5, -1, 2}, {0x1A8, 0x1A8, -1, 1}, {0x1AD, 0x1AD, -1, 1}, {0x1B0, 0x1B0, -1, 1},
  {0x1B4, 0x1B6, -1, 2}, {0x1B9, 0x1B9, -1, 1}, {0x1BD, 0x1BD, -1, 1}, {0x1BF, 0x1BF, 56, 1},
  {0x1C5, 0x1C5, -1, 1}, {0x1C6, 0x1C6, -2, 1}, {0x1C8, 0x1C8, -1, 1}, {0x1C9, 0x1C9, -2, 1},
  {0x1CB, 0x1CB, -1, 1}, {0x1CC, 0x1CC, -2, 1}, {0x1CE, 0x1DC, -1, 2}, {0x1DD, 0x1DD, -79, 1},
  {0x1DF, 0x1EF, -1, 2}, {0x1F2, 0x1F2, -1, 1}, {0x1F3, 0x1F3, -2, 1}, {0x1F5, 0x1F5, -1, 1},
  {0x1F9, 0x21F, -1, 2}, {0x223, 0x233, -1, 2}, {0x23C, 0x23C, -1, 1}, {0x23F, 0x240, 10815, 1},
  {0x242, 0x242, -1, 1}, {0x247, 0x24F, -1, 2}, {0x250, 0x250, 10783, 1}, {0x251, 0x251, 10780, 1},
  {0x252, 0x252, 10782, 1}, {0x253, 0x253, -210, 1}, {0x254, 0x254, -206, 1},
  {0x256, 0x257, -205, 1}, {0x259, 0x259, -202, 1}, {0x25B, 0x25B, -203, 1},
  {0x25C, 0x25C, 42319, 1}, {0x260, 0x260, -205, 1}, {0x261, 0x261, 42315, 1},
  {0x263, 0x263, -207, 1}, {0x265, 0x265, 42280, 1}, {0x266, 0x266, 42308, 1},
  {0x268, 0x268, -209, 1}, {0x269, 0x269, -211, 1}, {0x26A, 0x26A, 42308, 1},
  {0x26B, 0x26B, 10743, 1}, {0x26C, 0x26C, 42305, 1}, {0x26F, 0x26F, -211, 1},
  {0x271, 0x271, 10749, 1}, {0x272, 0x272, -213, 1}, {0x275, 0x275, -214, 1},
  {0x27D, 0x27D, 10727, 1}, {0x280, 0x280, -218, 1}, {0x282, 0x282, 42307, 1},
  {0x283, 0x283, -218, 1}, {0x287, 0x287, 42282, 1}, {0x288, 0x288, -218, 1},
  {0x289, 0x289, -69, 1}, {0x28A, 0x28B, -217, 1}, {0x28C, 0x28C, -71, 1}, {0x292, 0x292, -219, 1},
  {0x29D, 0x29D, 42261, 1}, {0x29E, 0x29E, 42258, 1}, {0x345, 0x345, 84, 1}, {0x371, 0x373, -1, 2},
  {0x377, 0x377, -1, 1}, {0x37B, 0x37D, 130, 1}, {0x3AC, 0x3AC, -38, 1}, {0x3AD, 0x3AF, -37, 1},
  {0x3B1, 0x3C1, -32, 1}, {0x3C2, 0x3C2, -31, 1}, {0x3C3, 0x3CB, -32, 1}, {0x3CC, 0x3CC, -64, 1},
  {0x3CD, 0x3CE, -63, 1}, {0x3D0, 0x3D0, -62, 1}, {0x3D1, 0x3D1, -57, 1}, {0x3D5, 0x3D5, -47, 1},
  {0x3D6, 0x3D6, -54, 1}, {0x3D7, 0x3D7, -8, 1}, {0x3D9, 0x3EF, -1, 2}, {0x3F0, 0x3F0, -86, 1},
  {0x3F1, 0x3F1, -80, 1}, {0x3F2, 0x3F2, 7, 1}, {0x3F3, 0x3F3, -116, 1}, {0x3F5, 0x3F5, -96, 1},
  {0x3F8, 0x3F8, -1, 1}, {0x3FB, 0x3FB, -1, 1}, {0x430, 0x44F, -32, 1}, {0x450, 0x45F, -80, 1},
  {0x461, 0x481, -1, 2}, {0x48B, 0x4BF, -1, 2}, {0x4C2, 0x4CE, -1, 2}, {0x4CF, 0x4CF, -15, 1},
  {0x4D1, 0x52F, -1, 2}, {0x561, 0x586, -48, 1}, {0x10D0, 0x10FA, 3008, 1},
  {0x10FD, 0x10FF, 3008, 1}, {0x13F8, 0x13FD, -8, 1}, {0x1C80, 0x1C80, -6254, 1},
  {0x1C81, 0x1C81, -6253, 1}, {0x1C82, 0x1C82, -6244, 1}, {0x1C83, 0x1C84, -6242, 1},
  {0x1C85, 0x1C85, -6243, 1}, {0x1C86, 0x1C86, -6236, 1}, {0x1C87, 0x1C87, -6181, 1},
  {0x1C88, 0x1C88, 35266, 1}, {0x1D79, 0x1D79, 35332, 1}, {0x1D7D, 0x1D7D, 3814, 1},
  {0x1D8E, 0x1D8E, 35384, 1}, {0x1E01, 0x1E95, -1, 2}, {0x1E9B, 0x1E9B, -59, 1},
  {0x1EA1, 0x1EFF, -1, 2}, {0x1F00, 0x1F07, 8, 1}, {0x1F10, 0x1F15, 8, 1}, {0x1F20, 0x1F27, 8, 1},
  {0x1F30, 0x1F37, 8, 1}, {0x1F40, 0x1F45, 8, 1}, {0x1F51, 0x1F57, 8, 2}, {0x1F60, 0x1F67, 8, 1},
  {0x1F70, 0x1F71, 74, 1}, {0x1F72, 0x1F75, 86, 1}, {0x1F76, 0x1F77, 100, 1},
  {0x1F78, 0x1F79, 128, 1}, {0x1F7A, 0x1F7B, 112, 1}, {0x1F7C, 0x1F7D, 126, 1},
  {0x1F80, 0x1F87, 8, 1}, {0x1F90, 0x1F97, 8, 1}, {0x1FA0, 0x1FA7, 8, 1}, {0x1FB0, 0x1FB1, 8, 1},
  {0x1FB3, 0x1FB3, 9, 1}, {0x1FBE, 0x1FBE, -7205, 1}, {0x1FC3, 0x1FC3, 9, 1},
  {0x1FD0, 0x1FD1, 8, 1}, {0x1FE0, 0x1FE1, 8, 1}, {0x1FE5, 0x1FE5, 7, 1}, {0x1FF3, 0x1FF3, 9, 1},
  {0x214E, 0x214E, -28, 1}, {0x2170, 0x217F, -16, 1}, {0x2184, 0x2184, -1, 1},
  {0x24D0, 0x24E9, -26, 1}, {0x2C30, 0x2C5F, -48, 1}, {0x2C61, 0x2C61, -1, 1},
  {0x2C65, 0x2C65, -10795, 1}, {0x2C66, 0x2C66, -10792, 1}, {0x2C68, 0x2C6C, -1, 2},
  {0x2C73, 0x2C73, -1, 1}, {0x2C76, 0x2C76, -1, 1}, {0x2C81, 0x2CE3, -1, 2},
  {0x2CEC, 0x2CEE, -1, 2}, {0x2CF3, 0x2CF3, -1, 1}, {0x2D00, 0x2D25, -7264, 1},
  {0x2D27, 0x2D27, -7264, 1}, {0x2D2D, 0x2D2D, -7264, 1}, {0xA641, 0xA66D, -1, 2},
  {0xA681, 0xA69B, -1, 2}, {0xA723, 0xA72F, -1, 2}, {0xA733, 0xA76F, -1, 2},
  {0xA77A, 0xA77C, -1, 2}, {0xA77F, 0xA787, -1, 2}, {0xA78C, 0xA78C, -1, 1},
  {0xA791, 0xA793, -1, 2}, {0xA794, 0xA794, 48, 1}, {0xA797, 0xA7A9, -1, 2},
  {0xA7B5, 0xA7C3, -1, 2}, {0xA7C8, 0xA7CA, -1, 2}, {0xA7D1, 0xA7D1, -1, 1},
  {0xA7D7, 0xA7D9, -1, 2}, {0xA7F6, 0xA7F6, -1, 1}, {0xAB53, 0xAB53, -928, 1},
  {0xAB70, 0xABBF, -38864, 1}, {0xFF41, 0xFF5A, -32, 1}, {0x10428, 0x1044F, -40, 1},
  {0x104D8, 0x104FB, -40, 1}, {0x10597, 0x105A1, -39, 1}, {0x105A3, 0x105B1, -39, 1},
  {0x105B3, 0x105B9, -39, 1}, {0x105BB, 0x105BC, -39, 1}, {0x10CC0, 0x10CF2, -64, 1},
  {0x118C0, 0x118DF, -32, 1}, {0x16E60, 0x16E7F, -32, 1}, {0x1E922, 0x1E943, -34, 1},
};
constexpr CaseRange kToLower[] = {
  {0xC0, 0xD6, 32, 1}, {0xD8, 0xDE, 32, 1}, {0x100, 0x12E, 1, 2}, {0x130, 0x130, -199, 1},
  {0x132, 0x136, 1, 2}, {0x139, 0x147, 1, 2}, {0x14A, 0x176, 1, 2}, {0x178, 0x178, -121, 1},
  {0x179, 0x17D, 1, 2}, {0x181, 0x181, 210, 1}, {0x182, 0x184, 1, 2}, {0x186, 0x186, 206, 1},
  {0x187, 0x187, 1, 1}, {0x189, 0x18A, 205, 1}, {0x18B, 0x18B, 1, 1}, {0x18E, 0x18E, 79, 1},
  {0x18F, 0x18F, 202, 1}, {0x190, 0x190, 203, 1}, {0x191, 0x191, 1, 1}, {0x193, 0x193, 205, 1},
  {0x194, 0x194, 207, 1}, {0x196, 0x196, 211, 1}, {0x197, 0x197, 209, 1}, {0x198, 0x198, 1, 1},
  {0x19C, 0x19C, 211, 1}, {0x19D, 0x19D, 213, 1}, {0x19F, 0x19F, 214, 1}, {0x1A0, 0x1A4, 1, 2},
  {0x1A6, 0x1A6, 218, 1}, {0x1A7, 0x1A7, 1, 1}, {0x1A9, 0x1A9, 218, 1}, {0x1AC, 0x1AC, 1, 1},
  {0x1AE, 0x1AE, 218, 1}, {0x1AF, 0x1AF, 1, 1}, {0x1B1, 0x1B2, 217, 1}, {0x1B3, 0x1B5, 1, 2},
  {0x1B7, 0x1B7, 219, 1}, {0x1B8, 0x1B8, 1, 1}, {0x1BC, 0x1BC, 1, 1}, {0x1C4, 0x1C4, 2, 1},
  {0x1C5, 0x1C5, 1, 1}, {0x1C7, 0x1C7, 2, 1}, {0x1C8, 0x1C8, 1, 1}, {0x1CA, 0x1CA, 2, 1},
  {0x1CB, 0x1DB, 1, 2}, {0x1DE, 0x1EE, 1, 2}, {0x1F1, 0x1F1, 2, 1}, {0x1F2, 0x1F4, 1, 2},
  {0x1F6, 0x1F6, -97, 1}, {0x1F7, 0x1F7, -56, 1}, {0x1F8, 0x21E, 1, 2}, {0x220, 0x220, -130, 1},
  {0x222, 0x232, 1, 2}, {0x23A, 0x23A, 10795, 1}, {0x23B, 0x23B, 1, 1}, {0x23D, 0x23D, -163, 1},
  {0x23E, 0x23E, 10792, 1}, {0x241, 0x241, 1, 1}, {0x243, 0x243, -195, 1}, {0x244, 0x244, 69, 1},
  {0x245, 0x245, 71, 1}, {0x246, 0x24E, 1, 2}, {0x370, 0x372, 1, 2}, {0x376, 0x376, 1, 1},
  {0x37F, 0x37F, 116, 1}, {0x386, 0x386, 38, 1}, {0x388, 0x38A, 37, 1}, {0x38C, 0x38C, 64, 1},
  {0x38E, 0x38F, 63, 1}, {0x391, 0x3A1, 32, 1}, {0x3A3, 0x3AB, 32, 1}, {0x3CF, 0x3CF, 8, 1},
  {0x3D8, 0x3EE, 1, 2}, {0x3F4, 0x3F4, -60, 1}, {0x3F7, 0x3F7, 1, 1}, {0x3F9, 0x3F9, -7, 1},
  {0x3FA, 0x3FA, 1, 1}, {0x3FD, 0x3FF, -130, 1}, {0x400, 0x40F, 80, 1}, {0x410, 0x42F, 32, 1},
  {0x460, 0x480, 1, 2}, {0x48A, 0x4BE, 1, 2}, {0x4C0, 0x4C0, 15, 1}, {0x4C1, 0x4CD, 1, 2},
  {0x4D0, 0x52E, 1, 2}, {0x531, 0x556, 48, 1}, {0x10A0, 0x10C5, 7264, 1}, {0x10C7, 0x10C7, 7264, 1},
  {0x10CD, 0x10CD, 7264, 1}, {0x13A0, 0x13EF, 38864, 1}, {0x13F0, 0x13F5, 8, 1},
  {0x1C90, 0x1CBA, -3008, 1}, {0x1CBD, 0x1CBF, -3008, 1}, {0x1E00, 0x1E94, 1, 2},
  {0x1E9E, 0x1E9E, -7615, 1}, {0x1EA0, 0x1EFE, 1, 2}, {0x1F08, 0x1F0F, -8, 1},
  {0x1F18, 0x1F1D, -8, 1}, {0x1F28, 0x1F2F, -8, 1}, {0x1F38, 0x1F3F, -8, 1},
  {0x1F48, 0x1F4D, -8, 1}, {0x1F59, 0x1F5F, -8, 2}, {0x1F68, 0x1F6F, -8, 1},
  {0x1F88, 0x1F8F, -8, 1}, {0x1F98, 0x1F9F, -8, 1}, {0x1FA8, 0x1FAF, -8, 1},
  {0x1FB8, 0x1FB9, -8, 1}, {0x1FBA, 0x1FBB, -74, 1}, {0x1FBC, 0x1FBC, -9, 1},
  {0x1FC8, 0x1FCB, -86, 1}, {0x1FCC, 0x1FCC, -9, 1}, {0x1FD8, 0x1FD9, -8, 1},
  {0x1FDA, 0x1FDB, -100, 1}, {0x1FE8, 0x1FE9, -8, 1}, {0x1FEA, 0x1FEB, -112, 1},
  {0x1FEC, 0x1FEC, -7, 1}, {0x1FF8, 0x1FF9, -128, 1}, {0x1FFA, 0x1FFB, -126, 1},
  {0x1FFC, 0x1FFC, -9, 1}, {0x2126, 0x2126, -7517, 1}, {0x212A, 0x212A, -8383, 1},
  {0x212B, 0x212B, -8262, 1}, {0x2132, 0x2132, 28, 1}, {0x2160, 0x216F, 16, 1},
  {0x2183, 0x2183, 1, 1}, {0x24B6, 0x24CF, 26, 1}, {0x2C00, 0x2C2F, 48, 1}, {0x2C60, 0x2C60, 1, 1},
  {0x2C62, 0x2C62, -10743, 1}, {0x2C63, 0x2C63, -3814, 1}, {0x2C64, 0x2C64, -10727, 1},
  {0x2C67, 0x2C6B, 1, 2}, {0x2C6D, 0x2C6D, -10780, 1}, {0x2C6E, 0x2C6E, -10749, 1},
  {0x2C6F, 0x2C6F, -10783, 1}, {0x2C70, 0x2C70, -10782, 1}, {0x2C72, 0x2C72, 1, 1},
  {0x2C75, 0x2C75, 1, 1}, {0x2C7E, 0x2C7F, -10815, 1}, {0x2C80, 0x2CE2, 1, 2},
  {0x2CEB, 0x2CED, 1, 2}, {0x2CF2, 0x2CF2, 1, 1}, {0xA640, 0xA66C, 1, 2}, {0xA680, 0xA69A, 1, 2},
  {0xA722, 0xA72E, 1, 2}, {0xA732, 0xA76E, 1, 2}, {0xA779, 0xA77B, 1, 2},
  {0xA77D, 0xA77D, -35332, 1}, {0xA77E, 0xA786, 1, 2}, {0xA78B, 0xA78B, 1, 1},
  {0xA78D, 0xA78D, -42280, 1}, {0xA790, 0xA792, 1, 2}, {0xA796, 0xA7A8, 1, 2},
  {0xA7AA, 0xA7AA, -42308, 1}, {0xA7AB, 0xA7AB, -42319, 1}, {0xA7AC, 0xA7AC, -42315, 1},
  {0xA7AD, 0xA7AD, -42305, 1}, {0xA7AE, 0xA7AE, -42308, 1}, {0xA7B0, 0xA7B0, -42258, 1},
  {0xA7B1, 0xA7B1, -42282, 1}, {0xA7B2, 0xA7B2, -42261, 1}, {0xA7B3, 0xA7B3, 928, 1},
  {0xA7B4, 0xA7C2, 1, 2}, {0xA7C4, 0xA7C4, -48, 1}, {0xA7C5, 0xA7C5, -42307, 1},
  {0xA7C6, 0xA7C6, -35384, 1}, {0xA7C7, 0xA7C9, 1, 2}, {0xA7D0, 0xA7D0, 1, 1},
  {0xA7D6, 0xA7D8, 1, 2}, {0xA7F5, 0xA7F5, 1, 1}, {0xFF21, 0xFF3A, 32, 1},
  {0x10400, 0x10427, 40, 1}, {0x104B0, 0x104D3, 40, 1}, {0x10570, 0x1057A, 39, 1},
  {0x1057C, 0x1058A, 39, 1}, {0x1058C, 0x10592, 39, 1}, {0x10594, 0x10595, 39, 1},
  {0x10C80, 0x10CB2, 64, 1}, {0x118A0, 0x118BF, 32, 1}, {0x16E40, 0x16E5F, 32, 1},
  {0x1E900, 0x1E921, 34, 1},
};

template <size_t N>
uint32_t MapCase(const CaseRange (&table)[N], uint32_t cp) {
  const CaseRange* end = table + N;
  const CaseRange* it =
      std::upper_bound(table, end, cp, [](uint32_t c, const CaseRange& r) { return c < r.lo; });
  if (it == table) return cp;
  --it;
  if (cp > it->hi || (cp - it->lo) % it->stride != 0) return cp;
  return static_cast<uint32_t>(static_cast<int64_t>(cp) + it->delta);
}

template <size_t N>
void AppendCaseMapped(const CaseRange (&table)[N], bool upper, std::string_view v, std::string* out) {
  size_t i = 0;
  while (i < v.size()) {
    const char c = v[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      if (upper && c >= 'a' && c <= 'z') {
        out->push_back(static_cast<char>(c - 'a' + 'A'));
      } else if (!upper && c >= 'A' && c <= 'Z') {
        out->push_back(static_cast<char>(c - 'A' + 'a'));
      } else {
        out->push_back(c);
      }
      i++;
      continue;
    }
    uint32_t cp;
    i += DecodeUtf8(v.substr(i), &cp);
    AppendUtf8(MapCase(table, cp), out);
  }
}

constexpr double kPow10[32] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10,
                               1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
                               1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31};

// VictoriaLogs' tryParseFloat64 (no exponent; `_` separators; no leading/trailing dot).
bool ParseVlFloat64(std::string_view s, double* f) {
  if (s.empty() || s.size() > 27) return false;
  const bool minus = s[0] == '-';
  if (minus) s.remove_prefix(1);
  const size_t dot = s.find('.');
  double r;
  if (dot == std::string_view::npos) {
    uint64_t n;
    if (!ParseVlUint64(s, &n)) return false;
    r = static_cast<double>(n);
  } else {
    if (dot == 0 || dot == s.size() - 1) return false;
    uint64_t int_part, frac_part;
    if (!ParseVlUint64(s.substr(0, dot), &int_part)) return false;
    const std::string_view frac = s.substr(dot + 1);
    size_t z = 0;
    while (z + 1 < frac.size() && frac[z] == '0') z++;  // leading zeros would be rejected
    if (!ParseVlUint64(frac.substr(z), &frac_part)) return false;
    const size_t digits = frac.size() - static_cast<size_t>(std::count(frac.begin(), frac.end(), '_'));
    if (digits >= 32) return false;  // cannot happen within 27 bytes
    r = std::fma(static_cast<double>(frac_part), 1.0 / kPow10[digits], static_cast<double>(int_part));
  }
  *f = minus ? -r : r;
  return true;
}

// Go's int64(f) on amd64 for f >= 0 (out-of-range values give the minimum int64).
int64_t FloatToInt64(double f) {
  if (!(f < 9223372036854775808.0)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(f);
}

int64_t AddNoOverflow(int64_t n, double f) {
  const int64_t x = FloatToInt64(f);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (n < 0 || x < 0 || x > kMax - n) return kMax;
  return n + x;
}

// strconv.ParseInt(s, 10, 64): optional sign, decimal digits only.
bool ParseGoInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  uint64_t n = 0;
  const uint64_t limit = neg ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
    const auto d = static_cast<uint64_t>(c - '0');
    if (n > (limit - d) / 10) return false;
    n = n * 10 + d;
  }
  *out = neg ? static_cast<int64_t>(0 - n) : static_cast<int64_t>(n);
  return true;
}

constexpr int64_t kDecimalMultipliers[19] = {
    0,           10,           100,           1000,           10000,           100000,          1000000,
    10000000,    100000000,    1000000000,    10000000000,    100000000000,    1000000000000,   10000000000000,
    100000000000000, 1000000000000000, 10000000000000000, 100000000000000000, 1000000000000000000};

bool MultiplyByDecimalExp(int64_t n, int64_t exp, int64_t* out) {
  if (exp < 0 || exp >= 19) return false;
  if (exp == 0) {
    *out = n;
    return true;
  }
  const int64_t m = kDecimalMultipliers[exp];
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  if ((n >= 0 && n > kMax / m) || (n < 0 && n < kMin / m)) return false;
  *out = n * m;
  return true;
}

int64_t WrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

// "<int>.<frac>" as one integer in units of 10^-len(frac), VictoriaMetrics' way (the sign of the
// integer part applies to the fraction; the fraction itself goes through ParseInt too).
bool ParseFractional(std::string_view int_str, std::string_view frac_str, int64_t* out) {
  int64_t n;
  if (!ParseGoInt64(int_str, &n)) return false;
  int64_t num;
  if (!MultiplyByDecimalExp(n, static_cast<int64_t>(frac_str.size()), &num)) return false;
  int64_t frac;
  if (!ParseGoInt64(frac_str, &frac)) return false;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  // Go evaluates the bounds with wrapping int64 arithmetic.
  if (num >= 0) {
    if (num > WrapAdd(kMax, -frac)) return false;
    num = WrapAdd(num, frac);
  } else {
    if (num < WrapAdd(kMin, frac)) return false;
    num = WrapAdd(num, -frac);
  }
  *out = num;
  return true;
}

int64_t UnixToNanos(int64_t n) {
  constexpr int64_t k31 = int64_t{1} << 31;
  if (n < k31 && n >= -k31) return n * 1000000000;              // seconds
  if (n < 1000 * k31 && n >= -1000 * k31) return n * 1000000;   // milliseconds
  if (n < 1000000 * k31 && n >= -1000000 * k31) return n * 1000;  // microseconds
  return n;                                                     // nanoseconds
}

// strconv.AppendQuote-free JSON escaping of quicktemplate.AppendJSONString.
const char* JsonEscape(unsigned char c) {
  switch (c) {
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '<': return "\\u003c";
    case '\'': return "\\u0027";
    default: return nullptr;
  }
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Val(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

void AppendJsonQuoted(std::string_view v, std::string* out) {
  out->push_back('"');
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (const char* e = JsonEscape(c)) {
      out->append(e);
    } else if (c < 0x20) {
      static constexpr char kHexLower[] = "0123456789abcdef";
      out->append("\\u00");
      out->push_back(kHexLower[c >> 4]);
      out->push_back(kHexLower[c & 15]);
    } else {
      out->push_back(ch);
    }
  }
  out->push_back('"');
}

void AppendUpper(std::string_view v, std::string* out) { AppendCaseMapped(kToUpper, true, v, out); }
void AppendLower(std::string_view v, std::string* out) { AppendCaseMapped(kToLower, false, v, out); }

void AppendUrlEncoded(std::string_view v, std::string* out) {
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_') {
      out->push_back(ch);
    } else if (c == ' ') {
      out->push_back('+');
    } else {
      out->push_back('%');
      out->push_back(kHexUpper[c >> 4]);
      out->push_back(kHexUpper[c & 15]);
    }
  }
}

void AppendUrlDecoded(std::string_view v, std::string* out) {
  size_t i = 0;
  while (i < v.size()) {
    const char c = v[i++];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%' && i + 2 <= v.size() && HexVal(v[i]) >= 0 && HexVal(v[i + 1]) >= 0) {
      out->push_back(static_cast<char>(HexVal(v[i]) << 4 | HexVal(v[i + 1])));
      i += 2;
    } else {
      out->push_back(c);  // includes a '%' without two hex digits after it
    }
  }
}

void AppendHexEncoded(std::string_view v, std::string* out) {
  for (const char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    out->push_back(kHexUpper[c >> 4]);
    out->push_back(kHexUpper[c & 15]);
  }
}

void AppendHexDecoded(std::string_view v, std::string* out) {
  size_t i = 0;
  for (; i + 2 <= v.size(); i += 2) {
    const int hi = HexVal(v[i]), lo = HexVal(v[i + 1]);
    if (hi < 0 || lo < 0) {
      out->append(v.substr(i, 2));
    } else {
      out->push_back(static_cast<char>(hi << 4 | lo));
    }
  }
  out->append(v.substr(i));
}

void AppendBase64Encoded(std::string_view v, std::string* out) {
  size_t i = 0;
  for (; i + 3 <= v.size(); i += 3) {
    const uint32_t x = static_cast<uint32_t>(static_cast<unsigned char>(v[i])) << 16 |
                       static_cast<uint32_t>(static_cast<unsigned char>(v[i + 1])) << 8 |
                       static_cast<unsigned char>(v[i + 2]);
    out->push_back(kBase64[x >> 18]);
    out->push_back(kBase64[(x >> 12) & 63]);
    out->push_back(kBase64[(x >> 6) & 63]);
    out->push_back(kBase64[x & 63]);
  }
  const size_t rest = v.size() - i;
  if (rest == 0) return;
  uint32_t x = static_cast<uint32_t>(static_cast<unsigned char>(v[i])) << 16;
  if (rest == 2) x |= static_cast<uint32_t>(static_cast<unsigned char>(v[i + 1])) << 8;
  out->push_back(kBase64[x >> 18]);
  out->push_back(kBase64[(x >> 12) & 63]);
  out->push_back(rest == 2 ? kBase64[(x >> 6) & 63] : '=');
  out->push_back('=');
}

bool AppendBase64Decoded(std::string_view v, std::string* out) {
  // Go's base64.StdEncoding: '\r' and '\n' are skipped anywhere; the rest must be whole quantums
  // of 4, padding only at the very end ("xx==" or "xxx="); unused trailing bits are not checked.
  const size_t orig = out->size();
  int quantum[4];
  int j = 0;
  bool padded = false;
  for (size_t i = 0; i < v.size(); i++) {
    const char c = v[i];
    if (c == '\r' || c == '\n') continue;
    if (padded) {  // only the second '=' of "xx==" may follow a '='
      if (c == '=' && j == 3 && quantum[2] == -2) {
        quantum[3] = -2;
        j = 4;
        continue;
      }
      out->resize(orig);
      return false;
    }
    if (c == '=') {
      if (j < 2) {
        out->resize(orig);
        return false;
      }
      quantum[j++] = -2;
      padded = true;
      continue;
    }
    const int d = Base64Val(c);
    if (d < 0) {
      out->resize(orig);
      return false;
    }
    quantum[j++] = d;
    if (j == 4) {
      const uint32_t x = static_cast<uint32_t>(quantum[0]) << 18 | static_cast<uint32_t>(quantum[1]) << 12 |
                         static_cast<uint32_t>(quantum[2]) << 6 | static_cast<uint32_t>(quantum[3]);
      out->push_back(static_cast<char>(x >> 16));
      out->push_back(static_cast<char>((x >> 8) & 0xFF));
      out->push_back(static_cast<char>(x & 0xFF));
      j = 0;
    }
  }
  if (padded) {
    // "xx=" without its second '=' is an error; otherwise decode the padded quantum.
    if (j != 4) {
      out->resize(orig);
      return false;
    }
    const uint32_t x = static_cast<uint32_t>(quantum[0]) << 18 | static_cast<uint32_t>(quantum[1]) << 12 |
                       (quantum[2] >= 0 ? static_cast<uint32_t>(quantum[2]) << 6 : 0);
    out->push_back(static_cast<char>(x >> 16));
    if (quantum[2] >= 0) out->push_back(static_cast<char>((x >> 8) & 0xFF));
    return true;
  }
  if (j != 0) {  // an incomplete quantum without padding
    out->resize(orig);
    return false;
  }
  return true;
}

bool ParseVlUint64(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 26) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  uint64_t n = 0;
  for (const char c : s) {
    if (c == '_') continue;
    if (c < '0' || c > '9') return false;
    if (n > std::numeric_limits<uint64_t>::max() / 10) return false;
    n *= 10;
    const uint64_t n1 = n + static_cast<uint64_t>(c - '0');
    if (n1 < n) return false;
    n = n1;
  }
  *out = n;
  return true;
}

bool ParseVlInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  const bool minus = s[0] == '-';
  if (minus) s.remove_prefix(1);
  uint64_t n;
  if (!ParseVlUint64(s, &n)) return false;
  if (n >= (uint64_t{1} << 63)) {
    if (minus && n == (uint64_t{1} << 63)) {
      *out = std::numeric_limits<int64_t>::min();
      return true;
    }
    return false;
  }
  *out = minus ? -static_cast<int64_t>(n) : static_cast<int64_t>(n);
  return true;
}

bool ParseVlDuration(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  const bool minus = s[0] == '-';
  if (minus) s.remove_prefix(1);
  constexpr double kSecond = 1e9, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour,
                   kWeek = 7 * kDay, kYear = 365 * kDay;
  int64_t ns = 0;
  while (!s.empty()) {
    size_t k = 0;
    while (k < s.size() && ((s[k] >= '0' && s[k] <= '9') || s[k] == '.' || s[k] == '_')) k++;
    if (k == 0) return false;
    double f;
    if (!ParseVlFloat64(s.substr(0, k), &f)) return false;
    s.remove_prefix(k);
    if (s.empty()) return false;  // a number needs a unit
    if (s.substr(0, 3) == "\xC2\xB5s") {  // µs
      ns = AddNoOverflow(ns, f * 1e3);
      s.remove_prefix(3);
    } else if (s.substr(0, 2) == "ms") {
      ns = AddNoOverflow(ns, f * 1e6);
      s.remove_prefix(2);
    } else if (s.substr(0, 2) == "ns") {
      ns = AddNoOverflow(ns, f);
      s.remove_prefix(2);
    } else {
      double unit;
      switch (s[0]) {
        case 'y': unit = kYear; break;
        case 'w': unit = kWeek; break;
        case 'd': unit = kDay; break;
        case 'h': unit = kHour; break;
        case 'm': unit = kMinute; break;
        case 's': unit = kSecond; break;
        default: return false;
      }
      ns = AddNoOverflow(ns, f * unit);
      s.remove_prefix(1);
    }
  }
  *out = minus ? -ns : ns;
  return true;
}

bool ParseVmUnixTimestamp(std::string_view s, int64_t* out) {
  size_t exp_idx = s.find('e');
  if (exp_idx == std::string_view::npos) exp_idx = s.find('E');
  if (exp_idx != std::string_view::npos) {
    // Scientific: 1.234e9
    int64_t exp;
    if (!ParseGoInt64(s.substr(exp_idx + 1), &exp)) return false;
    const std::string_view mant = s.substr(0, exp_idx);
    int64_t n;
    const size_t dot = mant.find('.');
    if (dot == std::string_view::npos) {
      int64_t m;
      if (!ParseGoInt64(mant, &m) || !MultiplyByDecimalExp(m, exp, &n)) return false;
    } else {
      const std::string_view frac = mant.substr(dot + 1);
      if (exp < static_cast<int64_t>(frac.size())) return false;
      int64_t m;
      if (!ParseFractional(mant.substr(0, dot), frac, &m)) return false;
      if (!MultiplyByDecimalExp(m, exp - static_cast<int64_t>(frac.size()), &n)) return false;
    }
    *out = UnixToNanos(n);
    return true;
  }
  const size_t dot = s.find('.');
  if (dot == std::string_view::npos) {
    int64_t n;
    if (!ParseGoInt64(s, &n)) return false;
    *out = UnixToNanos(n);
    return true;
  }
  const std::string_view frac = s.substr(dot + 1);
  int64_t n;
  if (!ParseFractional(s.substr(0, dot), frac, &n)) return false;
  // Scale to whole thousands (ms, µs, ns) before picking the unit by magnitude.
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  for (size_t e = frac.size(); e % 3 != 0; e++) {
    if ((n >= 0 && n > kMax / 10) || (n < 0 && n < kMin / 10)) return false;
    n *= 10;
  }
  *out = UnixToNanos(n);
  return true;
}

void AppendShortestFloat(double f, std::string* out) {
  char buf[400];
  const auto res = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::fixed);
  out->append(buf, res.ptr);
}

void AppendVlDuration(int64_t ns, std::string* out) {
  if (ns == 0) {
    out->push_back('0');
    return;
  }
  if (ns < 0) {
    out->push_back('-');
    if (ns == std::numeric_limits<int64_t>::min()) return;  // Go's negation overflows: nothing follows
    ns = -ns;
  }
  constexpr int64_t kSecond = 1000000000, kMinute = 60 * kSecond, kHour = 60 * kMinute, kDay = 24 * kHour,
                    kWeek = 7 * kDay;
  const bool float_seconds = ns >= kSecond;
  auto put = [&](int64_t unit, const char* suffix) {
    if (ns < unit) return;
    const int64_t k = ns / unit;
    ns -= k * unit;
    out->append(std::to_string(k));
    out->append(suffix);
  };
  put(kWeek, "w");
  put(kDay, "d");
  put(kHour, "h");
  put(kMinute, "m");
  if (ns >= kSecond) {
    if (float_seconds) {  // seconds with their fraction, then done
      AppendShortestFloat(static_cast<double>(ns) / 1e9, out);
      out->push_back('s');
      return;
    }
    put(kSecond, "s");
  }
  put(1000000, "ms");
  put(1000, "\xC2\xB5s");
  if (ns > 0) {
    out->append(std::to_string(ns));
    out->append("ns");
  }
}

}  // namespace format_internal

namespace fi = format_internal;

vl::Result<FormatPattern> FormatPattern::Parse(std::string_view pattern) {
  std::vector<pattern_internal::RawStep> raw;
  VL_RETURN_IF_ERROR(pattern_internal::SplitPattern(pattern, &raw));
  for (const auto& st : raw) {
    if (!st.field.empty() && st.field.back() == '*') {
      return vl::Status::InvalidArgument("'pattern' \"" + std::string(pattern) +
                                         "\" cannot contain wildcard fields like \"" + st.field + "\"");
    }
  }
  FormatPattern p;
  p.text_ = std::string(pattern);
  for (auto& st : raw) {
    Step step;
    step.prefix = std::move(st.prefix);
    if (!st.field.empty()) {
      const auto it = std::find(p.fields_.begin(), p.fields_.end(), st.field);
      step.field = static_cast<int>(it - p.fields_.begin());
      if (it == p.fields_.end()) p.fields_.push_back(std::move(st.field));
      static constexpr std::pair<std::string_view, Mod> kMods[] = {
          {"q", Mod::kQ},
          {"uc", Mod::kUc},
          {"lc", Mod::kLc},
          {"urlencode", Mod::kUrlEncode},
          {"urldecode", Mod::kUrlDecode},
          {"hexencode", Mod::kHexEncode},
          {"hexdecode", Mod::kHexDecode},
          {"base64encode", Mod::kBase64Encode},
          {"base64decode", Mod::kBase64Decode},
          {"hexnumencode", Mod::kHexNumEncode},
          {"hexnumdecode", Mod::kHexNumDecode},
          {"time", Mod::kTime},
          {"duration", Mod::kDuration},
          {"duration_seconds", Mod::kDurationSeconds},
          {"ipv4", Mod::kIpv4},
      };
      for (const auto& [name, mod] : kMods) {
        if (st.option == name) step.mod = mod;
      }
    }
    p.steps_.push_back(std::move(step));
  }
  return p;
}

void FormatPattern::Render(const std::function<std::string_view(size_t)>& value, std::string* out) const {
  for (const Step& step : steps_) {
    out->append(step.prefix);
    if (step.field < 0) continue;
    const std::string_view v = value(static_cast<size_t>(step.field));
    switch (step.mod) {
      case Mod::kNone:
        out->append(v);
        break;
      case Mod::kQ:
        fi::AppendJsonQuoted(v, out);
        break;
      case Mod::kUc:
        fi::AppendUpper(v, out);
        break;
      case Mod::kLc:
        fi::AppendLower(v, out);
        break;
      case Mod::kUrlEncode:
        fi::AppendUrlEncoded(v, out);
        break;
      case Mod::kUrlDecode:
        fi::AppendUrlDecoded(v, out);
        break;
      case Mod::kHexEncode:
        fi::AppendHexEncoded(v, out);
        break;
      case Mod::kHexDecode:
        fi::AppendHexDecoded(v, out);
        break;
      case Mod::kBase64Encode:
        fi::AppendBase64Encoded(v, out);
        break;
      case Mod::kBase64Decode:
        if (!fi::AppendBase64Decoded(v, out)) out->append(v);
        break;
      case Mod::kHexNumEncode: {
        uint64_t n;
        if (!fi::ParseVlUint64(v, &n)) {
          out->append(v);
          break;
        }
        for (int shift = 60; shift >= 0; shift -= 4) out->push_back(fi::kHexUpper[(n >> shift) & 15]);
        break;
      }
      case Mod::kHexNumDecode: {
        if (v.size() > 16) {
          out->append(v);
          break;
        }
        uint64_t n = 0;
        bool ok = true;
        for (const char c : v) {
          const int h = fi::HexVal(c);
          if (h < 0) {
            ok = false;
            break;
          }
          n = n << 4 | static_cast<uint64_t>(h);
        }
        if (ok) {
          out->append(std::to_string(n));
        } else {
          out->append(v);
        }
        break;
      }
      case Mod::kTime: {
        int64_t ns;
        if (fi::ParseVmUnixTimestamp(v, &ns)) {
          vl::AppendRFC3339Nano(ns, out);
        } else {
          out->append(v);
        }
        break;
      }
      case Mod::kDuration: {
        int64_t ns;
        if (fi::ParseVlInt64(v, &ns)) {
          fi::AppendVlDuration(ns, out);
        } else {
          out->append(v);
        }
        break;
      }
      case Mod::kDurationSeconds: {
        int64_t ns;
        if (fi::ParseVlDuration(v, &ns)) {
          fi::AppendShortestFloat(static_cast<double>(ns) / 1e9, out);
        } else {
          out->append(v);
        }
        break;
      }
      case Mod::kIpv4: {
        uint64_t n;
        if (!fi::ParseVlUint64(v, &n) || n > 0xFFFFFFFFu) {
          out->append(v);
          break;
        }
        for (int shift = 24; shift >= 0; shift -= 8) {
          out->append(std::to_string((n >> shift) & 0xFF));
          if (shift > 0) out->push_back('.');
        }
        break;
      }
    }
  }
}

}  // namespace vl::logsql::pipes
