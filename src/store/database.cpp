#include "store/database.h"

#include <charconv>

#include "store/errors.h"

namespace zenhub::store {

const std::string& SqlResult::text(size_t row, size_t col) const {
  const auto& cell = cells_[row * columns_ + col];
  if (!cell) throw StoreError("unexpected NULL in column " + std::to_string(col));
  return *cell;
}

std::int64_t SqlResult::integer(size_t row, size_t col) const {
  const auto& cell = cells_[row * columns_ + col];
  if (!cell) return 0;
  std::int64_t value = 0;
  auto [p, ec] = std::from_chars(cell->data(), cell->data() + cell->size(), value);
  if (ec != std::errc() || p != cell->data() + cell->size()) {
    throw StoreError("expected an integer, got '" + *cell + "'");
  }
  return value;
}

}  // namespace zenhub::store
