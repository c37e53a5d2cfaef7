#pragma once

#include <string>
#include <string_view>

namespace hector::tools::detail {

/// Readable text from an HTML document, for the model: script, style, template, svg and similar elements are
/// dropped, comments too; block elements (p, div, li, h1–h6, tr, br...) become line breaks, list items start with
/// "- "; character references (named, decimal, hex) are decoded; runs of whitespace collapse except inside <pre>;
/// at most one empty line in a row. A forgiving scanner, not a parser: malformed markup still gives text. Linear in
/// the input. Pure: thread-safe.
std::string html_to_text(std::string_view html);

/// Decodes one character reference starting at html[i] == '&'; on success appends its UTF-8 to `out` and returns
/// the length consumed, else 0.
std::size_t decode_entity(std::string_view html, std::size_t i, std::string& out);

}  // namespace hector::tools::detail
