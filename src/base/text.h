// Small text helpers that know UTF-8: counting characters, telling CJK from Latin, words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rw {

// Decodes UTF-8 into code points; invalid bytes become U+FFFD.
std::vector<char32_t> DecodeUtf8(std::string_view text);
std::string EncodeUtf8(const std::vector<char32_t>& code_points);
void AppendUtf8(std::string& out, char32_t code_point);
size_t CountCodePoints(std::string_view text);
bool IsCjk(char32_t c);
bool HasCjk(std::string_view text);
// Words for Latin text; one "word" per CJK character (for rates and estimates).
int CountWords(std::string_view text);

// Levenshtein distance between two texts, in code points (a Chinese character counts as one).
int EditDistance(std::string_view a, std::string_view b);
std::string Trim(std::string_view text);
std::vector<std::string> Split(std::string_view text, char sep);
std::string ToUpperAscii(std::string_view text);
std::string ToLowerAscii(std::string_view text);
bool StartsWith(std::string_view text, std::string_view prefix);
std::string ReplaceAll(std::string text, std::string_view from, std::string_view to);

}  // namespace rw
