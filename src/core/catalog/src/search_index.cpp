#include "search_index.hpp"

#include "internal.hpp"

#include <ecom/platform/log.hpp>

#include <soci/soci.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <malloc.h>
#include <stdexcept>
#include <string_view>

namespace ecom::catalog::detail {
namespace {

// The same fragments as the SQL path's (catalog.cpp): active products in (title, id) order, so
// that a document's position is its place in the name sort in the database's own collation.
constexpr const char* kLoadProducts =
    "SELECT id, slug, title, created_at, price_min, price_currency, in_stock, search::text FROM products "
    "WHERE status = 'active' ORDER BY title, id";
constexpr const char* kLoadCategories =
    "SELECT pc.product_id, pc.category_id FROM product_categories pc JOIN products p ON p.id = pc.product_id "
    "WHERE p.status = 'active'";
// Ordered as the facet statements order values, so ordinals follow the database's collation.
constexpr const char* kLoadAttributes =
    "SELECT a.product_id, a.name, a.value FROM product_attributes a JOIN products p ON p.id = a.product_id "
    "WHERE p.status = 'active' ORDER BY a.name, a.value";
// A card's image is the first by position, then id (ImageQuery's order).
constexpr const char* kLoadFirstImages =
    "SELECT DISTINCT ON (i.product_id) i.product_id, i.id, i.path, i.alt, i.width, i.height, i.position "
    "FROM product_images i JOIN products p ON p.id = i.product_id WHERE p.status = 'active' "
    "ORDER BY i.product_id, i.position, i.id";
// One word's stem as the search statement stems it (catalog.cpp's to_tsquery): "'shoe'" for
// "shoes", "" for a stop word.
constexpr const char* kStemWord = "SELECT to_tsquery('english'::regconfig, :word)::text";

constexpr std::size_t kMaxFacetRows = 2000;  // kFacetAttributes' LIMIT
constexpr std::size_t kMaxFacetValues = 50;  // per attribute, as count_facets keeps
constexpr std::size_t kMaxCachedStems = 10'000;
constexpr auto kMarkerTtl = std::chrono::hours(1);

// ts_rank (PostgreSQL's tsrank.c), reproduced so that the index ranks as the database does: the
// weights of D, C, B and A, and positions stored as PostgreSQL stores them, weight << 14 | position.
// Computed in float where PostgreSQL computes in float, so that ties stay ties.
constexpr float kWeights[4] = {0.1F, 0.2F, 0.4F, 1.0F};
constexpr int kMaxPosition = 16383;

float weight_of(std::uint16_t position) {
  return kWeights[position >> 14];
}

int position_of(std::uint16_t position) {
  return position & 0x3FFF;
}

// calc_rank_or's share of one lexeme in one document: positions in order, each weighed and damped
// by the square of its rank, the heaviest one counted whole.
float lexeme_score(const std::vector<std::uint16_t>& positions) {
  float wjm = -1.0F;
  int jm = 0;
  float resj = 0.0F;
  for (std::size_t j = 0; j < positions.size(); ++j) {
    const float w = weight_of(positions[j]);
    const int rank = static_cast<int>(j) + 1;
    resj = resj + w / static_cast<float>(rank * rank);
    if (w > wjm) {
      wjm = w;
      jm = static_cast<int>(j);
    }
  }
  const int top = (jm + 1) * (jm + 1);
  return static_cast<float>(static_cast<double>(wjm + resj - wjm / static_cast<float>(top)) / 1.64493406685);
}

// calc_rank_and's weight of two words standing distance apart.
float word_distance(int distance) {
  if (distance > 100) {
    return 1e-30F;
  }
  return static_cast<float>(1.0 /
                            (1.005 + 0.05 * std::exp(static_cast<double>(static_cast<float>(distance)) / 1.5 - 2)));
}

// Reads tsvector_out's text: 'lexeme':1A,2B 'other':3 ... Quotes and backslashes inside a lexeme
// are doubled; a position without a letter has weight D. Calls add(lexeme, positions) per lexeme.
template <typename Add>
void parse_tsvector(std::string_view text, Add add) {
  std::size_t i = 0;
  std::string lexeme;
  std::vector<std::uint16_t> positions;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    if (text[i] != '\'') {
      throw std::runtime_error("unexpected tsvector text");
    }
    ++i;
    lexeme.clear();
    while (true) {
      if (i >= text.size()) {
        throw std::runtime_error("unterminated tsvector lexeme");
      }
      const char c = text[i];
      if ((c == '\'' || c == '\\') && i + 1 < text.size() && text[i + 1] == c) {
        lexeme.push_back(c);
        i += 2;
      } else if (c == '\'') {
        ++i;
        break;
      } else {
        lexeme.push_back(c);
        ++i;
      }
    }
    positions.clear();
    if (i < text.size() && text[i] == ':') {
      ++i;
      while (i < text.size() && text[i] != ' ') {
        int position = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
          position = std::min(position * 10 + (text[i] - '0'), kMaxPosition);
          ++i;
        }
        int weight = 0;
        if (i < text.size() && text[i] >= 'A' && text[i] <= 'D') {
          weight = 3 - (text[i] - 'A');
          ++i;
        }
        positions.push_back(static_cast<std::uint16_t>((weight << 14) | position));
        if (i < text.size() && text[i] == ',') {
          ++i;
        }
      }
    }
    if (positions.empty()) {
      positions.push_back(static_cast<std::uint16_t>(kMaxPosition));  // ts_rank's POSNULL: weight D
    }
    add(lexeme, positions);
  }
}

// to_tsquery's text for one word: "" (a stop word) or one quoted lexeme. nullopt for anything
// else (a word PostgreSQL splits), which the index leaves to SQL.
std::optional<std::optional<std::string>> parse_stem(std::string_view text) {
  if (text.empty()) {
    return std::optional<std::string>{};
  }
  if (text.size() < 2 || text.front() != '\'' || text.back() != '\'') {
    return std::nullopt;
  }
  std::string lexeme;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == '\'' || text[i] == '\\') {
      if (i + 2 >= text.size() || text[i + 1] != text[i]) {
        return std::nullopt;
      }
      ++i;
    }
    lexeme.push_back(text[i]);
  }
  return std::optional<std::string>(std::move(lexeme));
}

// Flat per-document lists from (document, value) pairs.
void to_offsets(std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs, std::size_t docs,
                std::vector<std::uint32_t>& offsets, std::vector<std::uint32_t>& list) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  offsets.assign(docs + 1, 0);
  list.clear();
  list.reserve(pairs.size());
  std::size_t p = 0;
  for (std::size_t d = 0; d < docs; ++d) {
    offsets[d] = static_cast<std::uint32_t>(list.size());
    while (p < pairs.size() && pairs[p].first == d) {
      list.push_back(pairs[p].second);
      ++p;
    }
  }
  offsets[docs] = static_cast<std::uint32_t>(list.size());
}

// Per-thread scratch, reused across queries: a generation stamp per document saves clearing
// arrays of the catalog's size for every search, and the match lists keep their capacity.
struct Scratch {
  // One record per document: a posting touches one cache line, not three.
  struct Slot {
    std::uint32_t stamp = 0;
    float score = 0.0F;
    std::uint32_t hits = 0;
  };
  std::vector<Slot> slots;
  std::uint32_t generation = 0;
  std::vector<std::uint32_t> candidates;
  std::vector<std::uint32_t> matched;
  void prepare(std::size_t docs) {
    if (slots.size() != docs || generation == std::numeric_limits<std::uint32_t>::max()) {
      slots.assign(docs, Slot{});
      generation = 0;
    }
    ++generation;
  }
};

Scratch& scratch() {
  static thread_local Scratch instance;
  return instance;
}

// Marks a category and its whole sub-tree with value.
template <typename Nodes, typename T>
void mark_subtree(const Nodes& nodes, std::uint32_t root, std::vector<T>& marks, T value) {
  std::vector<std::uint32_t> stack{root};
  while (!stack.empty()) {
    const auto c = stack.back();
    stack.pop_back();
    marks[c] = value;
    stack.insert(stack.end(), nodes[c].children.begin(), nodes[c].children.end());
  }
}

}  // namespace

// An attribute filter as ordinals: its chosen values, and every value of its name in order.
struct SearchIndex::Filter {
  std::string name;
  std::vector<char> chosen;        // per ordinal
  std::vector<char> named;         // per ordinal: of this name
  std::vector<std::uint32_t> own;  // every ordinal of this name
};

// What the facets count while the matches are visited.
struct SearchIndex::Counts {
  std::int64_t in_stock = 0;
  bool any_price = false;
  std::int64_t min_price = 0;
  std::int64_t max_price = 0;
  std::uint16_t currency = 0;                         // the least code among the matches; 0: none
  std::vector<std::int64_t> values;                   // per ordinal, under every filter
  std::vector<std::vector<std::int64_t>> own_values;  // per filter, per ordinal, without that filter
  std::vector<std::int64_t> children;                 // per facet child category
  // Per category: the index in children of the facet child it sits under (-1: none).
  std::vector<std::int32_t> facet_child;
  // Per facet child: the last document counted, so a product in two of its sub-categories counts once.
  std::vector<std::uint32_t> child_seen;
};

std::shared_ptr<const SearchIndex> SearchIndex::load(soci::session& sql) {
  auto index = std::make_shared<SearchIndex>();
  const auto category_by_id = index->load_category_tree(sql);
  index->load_products(sql);
  // doc_of works from here on.
  const auto categories = index->load_product_categories(sql, category_by_id);
  const auto attributes = index->load_attribute_values(sql);
  index->load_first_images(sql);
  index->text_.shrink_to_fit();
  index->pack_lists(categories, attributes);
  return index;
}

std::unordered_map<std::int64_t, std::uint32_t> SearchIndex::load_category_tree(soci::session& sql) {
  // Flattened: children in tree order.
  const auto tree = load_tree(sql);
  std::unordered_map<std::int64_t, std::uint32_t> category_by_id;
  const auto flatten = [&](const auto& self, const std::vector<Category>& nodes,
                           std::optional<std::uint32_t> parent) -> void {
    for (const auto& node : nodes) {
      const auto at = static_cast<std::uint32_t>(categories_.size());
      categories_.push_back(CategoryNode{node.id, node.slug, node.name, {}});
      category_by_id.emplace(node.id, at);
      if (parent) {
        categories_[*parent].children.push_back(at);
      } else {
        roots_.push_back(at);
      }
      self(self, node.children, at);
    }
  };
  flatten(flatten, tree, std::nullopt);

  return category_by_id;
}

void SearchIndex::load_products(soci::session& sql) {
  std::unordered_map<std::string, Term> terms;
  std::vector<std::string> currency_of_doc;
  {
    long long id = 0;
    std::string slug;
    std::string title;
    long long created_at = 0;
    long long price = 0;
    soci::indicator price_ind = soci::i_null;
    std::string currency;
    soci::indicator currency_ind = soci::i_null;
    int in_stock = 0;
    std::string search;
    soci::indicator search_ind = soci::i_null;
    soci::statement st = (sql.prepare << kLoadProducts, soci::into(id), soci::into(slug), soci::into(title),
                          soci::into(created_at), soci::into(price, price_ind), soci::into(currency, currency_ind),
                          soci::into(in_stock), soci::into(search, search_ind));
    st.execute();
    while (st.fetch()) {
      const auto doc = static_cast<std::uint32_t>(ids_.size());
      const bool priced = price_ind == soci::i_ok;
      ids_.push_back(id);
      created_.push_back(created_at);
      Hot hot;
      hot.price = price_ind == soci::i_ok ? price : 0;
      hot.flags = static_cast<std::uint8_t>((in_stock != 0 ? kInStock : 0) | (priced ? kPriced : 0));
      hot_.push_back(hot);
      currency_of_doc.push_back(currency_ind == soci::i_ok ? currency : std::string());
      Card card;
      card.slug = static_cast<std::uint32_t>(text_.size());
      text_ += slug;
      card.title = static_cast<std::uint32_t>(text_.size());
      text_ += title;
      card.title_end = card.path = card.alt = card.end = static_cast<std::uint32_t>(text_.size());
      cards_.push_back(card);
      by_id_.emplace_back(id, doc);
      if (search_ind == soci::i_ok) {
        parse_tsvector(search, [&](const std::string& lexeme, const std::vector<std::uint16_t>& positions) {
          auto& term = terms[lexeme];
          term.docs.push_back(doc);
          term.scores.push_back(lexeme_score(positions));
          term.positions.insert(term.positions.end(), positions.begin(), positions.end());
          term.position_begin.push_back(static_cast<std::uint32_t>(term.positions.size()));
        });
      }
    }
  }
  std::sort(by_id_.begin(), by_id_.end());
  // Currencies as small numbers in byte order ("" first: none), so MIN(currency) is a minimum.
  currency_codes_ = currency_of_doc;
  std::sort(currency_codes_.begin(), currency_codes_.end());
  currency_codes_.erase(std::unique(currency_codes_.begin(), currency_codes_.end()), currency_codes_.end());
  if (currency_codes_.empty() || !currency_codes_.front().empty()) {
    currency_codes_.insert(currency_codes_.begin(), std::string());
  }
  for (std::size_t d = 0; d < currency_of_doc.size(); ++d) {
    const auto at = std::lower_bound(currency_codes_.begin(), currency_codes_.end(), currency_of_doc[d]);
    hot_[d].currency = static_cast<std::uint16_t>(at - currency_codes_.begin());
  }

  terms_.reserve(terms.size());
  for (auto& [lexeme, term] : terms) {
    term.lexeme = lexeme;
    term.docs.shrink_to_fit();
    term.scores.shrink_to_fit();
    term.position_begin.shrink_to_fit();
    term.positions.shrink_to_fit();
    terms_.push_back(std::move(term));
  }
  terms.clear();
  std::sort(terms_.begin(), terms_.end(), [](const Term& a, const Term& b) { return a.lexeme < b.lexeme; });
}

SearchIndex::DocLists SearchIndex::load_product_categories(
    soci::session& sql, const std::unordered_map<std::int64_t, std::uint32_t>& category_by_id) const {
  DocLists categories;
  long long product_id = 0;
  long long category_id = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  soci::statement st = (sql.prepare << kLoadCategories, soci::into(product_id), soci::into(category_id));
  st.execute();
  while (st.fetch()) {
    const auto doc = doc_of(product_id);
    const auto category = category_by_id.find(category_id);
    if (doc && category != category_by_id.end()) {
      pairs.emplace_back(*doc, category->second);
    }
  }
  to_offsets(pairs, ids_.size(), categories.offsets, categories.list);
  return categories;
}

SearchIndex::DocLists SearchIndex::load_attribute_values(soci::session& sql) {
  DocLists attributes;
  long long product_id = 0;
  std::string name;
  std::string value;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  soci::statement st = (sql.prepare << kLoadAttributes, soci::into(product_id), soci::into(name), soci::into(value));
  st.execute();
  while (st.fetch()) {
    if (values_.empty() || values_.back().name != name || values_.back().value != value) {
      values_.push_back(AttributeValue{name, value});
    }
    if (const auto doc = doc_of(product_id)) {
      pairs.emplace_back(*doc, static_cast<std::uint32_t>(values_.size() - 1));
    }
  }
  to_offsets(pairs, ids_.size(), attributes.offsets, attributes.list);
  return attributes;
}

void SearchIndex::load_first_images(soci::session& sql) {
  // The cards' images go after every title in text_: each card's path, alt and end are moved
  // to the image's text.
  long long product_id = 0;
  long long image_id = 0;
  std::string path;
  std::string alt;
  long long width = 0;
  long long height = 0;
  long long position = 0;
  soci::statement st = (sql.prepare << kLoadFirstImages, soci::into(product_id), soci::into(image_id), soci::into(path),
                        soci::into(alt), soci::into(width), soci::into(height), soci::into(position));
  st.execute();
  while (st.fetch()) {
    if (const auto doc = doc_of(product_id)) {
      Card& card = cards_[*doc];
      card.path = static_cast<std::uint32_t>(text_.size());
      text_ += path;
      card.alt = static_cast<std::uint32_t>(text_.size());
      text_ += alt;
      card.end = static_cast<std::uint32_t>(text_.size());
      card.image_id = image_id;
      card.width = static_cast<std::int32_t>(width);
      card.height = static_cast<std::int32_t>(height);
      card.position = static_cast<std::int32_t>(position);
    }
  }
}

void SearchIndex::pack_lists(const DocLists& categories, const DocLists& attributes) {
  lists_.reserve(categories.list.size() + attributes.list.size());
  for (std::size_t d = 0; d < ids_.size(); ++d) {
    Hot& hot = hot_[d];
    if (categories.offsets[d + 1] - categories.offsets[d] > std::numeric_limits<std::uint16_t>::max() ||
        attributes.offsets[d + 1] - attributes.offsets[d] > std::numeric_limits<std::uint16_t>::max()) {
      // Not a catalog this index is laid out for: listings stay on SQL (the build fails, logged).
      throw std::runtime_error("a product has more than 65535 categories or attribute values");
    }
    hot.list = static_cast<std::uint32_t>(lists_.size());
    hot.categories = static_cast<std::uint16_t>(categories.offsets[d + 1] - categories.offsets[d]);
    hot.attributes = static_cast<std::uint16_t>(attributes.offsets[d + 1] - attributes.offsets[d]);
    lists_.insert(lists_.end(), categories.list.begin() + categories.offsets[d],
                  categories.list.begin() + categories.offsets[d] + hot.categories);
    lists_.insert(lists_.end(), attributes.list.begin() + attributes.offsets[d],
                  attributes.list.begin() + attributes.offsets[d] + hot.attributes);
  }
}

std::optional<std::uint32_t> SearchIndex::doc_of(std::int64_t id) const {
  const auto it = std::lower_bound(by_id_.begin(), by_id_.end(), std::pair<std::int64_t, std::uint32_t>{id, 0});
  if (it == by_id_.end() || it->first != id) {
    return std::nullopt;
  }
  return it->second;
}

std::pair<const std::uint16_t*, std::size_t> SearchIndex::Term::positions_of(std::uint32_t doc) const {
  const auto it = std::lower_bound(docs.begin(), docs.end(), doc);
  if (it == docs.end() || *it != doc) {
    return {nullptr, 0};
  }
  const auto i = static_cast<std::size_t>(it - docs.begin());
  return {positions.data() + position_begin[i], position_begin[i + 1] - position_begin[i]};
}

float SearchIndex::rank_and(std::uint32_t doc, const std::vector<std::pair<std::size_t, std::size_t>>& ranges) const {
  // As calc_rank_and: items by lexeme; every position of each lexeme of an item against the
  // positions of the last lexeme found of each earlier item, closer pairs weighing more.
  float res = -1.0F;
  std::vector<std::pair<const std::uint16_t*, std::size_t>> seen(ranges.size(), {nullptr, 0});
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    for (auto t = ranges[i].first; t < ranges[i].second; ++t) {
      const auto mine = terms_[t].positions_of(doc);
      if (mine.first == nullptr) {
        continue;
      }
      seen[i] = mine;
      for (std::size_t k = 0; k < i; ++k) {
        const auto theirs = seen[k];
        for (std::size_t l = 0; l < mine.second; ++l) {
          for (std::size_t p = 0; p < theirs.second; ++p) {
            const int distance = std::abs(position_of(mine.first[l]) - position_of(theirs.first[p]));
            if (distance == 0) {
              continue;
            }
            const float curw = static_cast<float>(std::sqrt(
                static_cast<double>(weight_of(mine.first[l]) * weight_of(theirs.first[p]) * word_distance(distance))));
            res = res < 0.0F
                      ? curw
                      : static_cast<float>(1.0 - (1.0 - static_cast<double>(res)) * (1.0 - static_cast<double>(curw)));
          }
        }
      }
    }
  }
  return res < 0.0F ? 1e-20F : res;
}

std::size_t SearchIndex::postings() const noexcept {
  std::size_t total = 0;
  for (const auto& term : terms_) {
    total += term.docs.size();
  }
  return total;
}

std::size_t SearchIndex::bytes() const noexcept {
  std::size_t total = ids_.capacity() * sizeof(std::int64_t) * 2 + cards_.capacity() * sizeof(Card) + text_.capacity() +
                      by_id_.capacity() * sizeof(by_id_.front()) + hot_.capacity() * sizeof(Hot) +
                      lists_.capacity() * sizeof(std::uint32_t);
  for (const auto& term : terms_) {
    total += sizeof(Term) + term.lexeme.capacity() + term.docs.capacity() * sizeof(std::uint32_t) +
             term.scores.capacity() * sizeof(float) + term.position_begin.capacity() * sizeof(std::uint32_t) +
             term.positions.capacity() * sizeof(std::uint16_t);
  }
  return total;
}

std::optional<std::uint32_t> SearchIndex::category_index(std::string_view slug) const {
  for (std::size_t i = 0; i < categories_.size(); ++i) {
    if (categories_[i].slug == slug) {
      return static_cast<std::uint32_t>(i);
    }
  }
  return std::nullopt;
}

void SearchIndex::match_text(const std::vector<SearchItem>& items, std::vector<std::uint32_t>& candidates,
                             std::vector<std::pair<std::size_t, std::size_t>>& ranges) const {
  // Candidates are the first item's documents; each later item advances the hit count of the
  // documents that had every item before it, so a document matches when its count is the number
  // of items. Scores add each matching lexeme's calc_rank_or share, in lexeme order.
  Scratch& s = scratch();
  s.prepare(ids_.size());
  const auto generation = s.generation;
  for (std::size_t k = 0; k < items.size(); ++k) {
    const auto& item = items[k];
    auto first = std::lower_bound(terms_.begin(), terms_.end(), item.lexeme,
                                  [](const Term& t, const std::string& l) { return t.lexeme < l; });
    auto last = first;
    if (item.prefix) {
      while (last != terms_.end() && std::string_view(last->lexeme).starts_with(item.lexeme)) {
        ++last;
      }
    } else if (last != terms_.end() && last->lexeme == item.lexeme) {
      ++last;
    }
    ranges.emplace_back(static_cast<std::size_t>(first - terms_.begin()),
                        static_cast<std::size_t>(last - terms_.begin()));
    for (auto term = first; term != last; ++term) {
      for (std::size_t p = 0; p < term->docs.size(); ++p) {
        const auto d = term->docs[p];
        auto& slot = s.slots[d];
        if (k == 0 && slot.stamp != generation) {
          slot = Scratch::Slot{generation, 0.0F, 0};
          candidates.push_back(d);
        }
        if (slot.stamp != generation) {
          continue;
        }
        if (slot.hits == k) {
          slot.hits = static_cast<std::uint32_t>(k + 1);
        }
        if (slot.hits == k + 1) {
          slot.score += term->scores[p];
        }
      }
    }
  }
}

std::vector<std::uint32_t> SearchIndex::select_rows(std::vector<std::uint32_t>& matched, ListSort sort, int limit,
                                                    const std::optional<CursorPosition>& after,
                                                    std::optional<std::uint32_t> name_after) const {
  // The rows after the cursor, their first limit + 1 in the sort's order (relevance: after its
  // offset): a partial sort, so a page out of 100,000 matches costs one pass, not a full sort.
  std::size_t skip = 0;
  std::vector<std::uint32_t> rows;
  const auto select = [&](auto before, auto after_cursor) {
    auto end = std::partition(matched.begin(), matched.end(), after_cursor);
    const auto count = static_cast<std::size_t>(end - matched.begin());
    const std::size_t wanted = std::min(count, skip + static_cast<std::size_t>(limit) + 1);
    const auto middle = matched.begin() + static_cast<std::ptrdiff_t>(wanted);
    std::partial_sort(matched.begin(), middle, end, before);
    if (skip < wanted) {
      rows.assign(matched.begin() + static_cast<std::ptrdiff_t>(skip), middle);
    }
  };
  const auto by_newest = [&](std::uint32_t a, std::uint32_t b) {
    return created_[a] != created_[b] ? created_[a] > created_[b] : ids_[a] > ids_[b];
  };
  // Products without a price sort after every priced one, both ways (the SQL path's sentinels).
  const auto price_key = [&](std::uint32_t d, bool ascending) -> std::int64_t {
    if ((hot_[d].flags & kPriced) != 0) {
      return hot_[d].price;
    }
    return ascending ? std::numeric_limits<std::int64_t>::max() : -1;
  };
  switch (sort) {
    case ListSort::relevance: {
      skip = after ? static_cast<std::size_t>(std::max<std::int64_t>(after->offset, 0)) : 0;
      const auto& slots = scratch().slots;
      select(
          [&](std::uint32_t a, std::uint32_t b) {
            return slots[a].score != slots[b].score ? slots[a].score > slots[b].score : by_newest(a, b);
          },
          [](std::uint32_t) { return true; });
      break;
    }
    case ListSort::newest:
      select(by_newest, [&](std::uint32_t d) {
        return !after || created_[d] < after->key || (created_[d] == after->key && ids_[d] < after->id);
      });
      break;
    case ListSort::price_asc:
      select(
          [&](std::uint32_t a, std::uint32_t b) {
            const auto ka = price_key(a, true);
            const auto kb = price_key(b, true);
            return ka != kb ? ka < kb : ids_[a] < ids_[b];
          },
          [&](std::uint32_t d) {
            const auto k = price_key(d, true);
            return !after || k > after->key || (k == after->key && ids_[d] > after->id);
          });
      break;
    case ListSort::price_desc:
      select(
          [&](std::uint32_t a, std::uint32_t b) {
            const auto ka = price_key(a, false);
            const auto kb = price_key(b, false);
            return ka != kb ? ka > kb : ids_[a] > ids_[b];
          },
          [&](std::uint32_t d) {
            const auto k = price_key(d, false);
            return !after || k < after->key || (k == after->key && ids_[d] < after->id);
          });
      break;
    case ListSort::name:
      // Documents are in (title, id) order: the name sort is the document order.
      select([](std::uint32_t a, std::uint32_t b) { return a < b; },
             [&](std::uint32_t d) { return !name_after || d > *name_after; });
      break;
  }
  return rows;
}

ProductSummary SearchIndex::summary_of(std::uint32_t doc) const {
  const Card& card = cards_[doc];
  const auto text = [&](std::uint32_t from, std::uint32_t to) { return text_.substr(from, to - from); };
  ProductSummary s{
      ids_[doc],   text(card.slug, card.title), text(card.title, card.title_end), created_[doc], std::nullopt,
      std::nullopt};
  const Hot& hot = hot_[doc];
  if ((hot.flags & kPriced) != 0 && hot.currency != 0) {
    s.price_from = Money{hot.price, currency_codes_[hot.currency]};
  }
  if (card.alt > card.path) {
    s.image = Image{card.image_id, text(card.path, card.alt), text(card.alt, card.end), card.width, card.height,
                    card.position};
  }
  return s;
}

Facets SearchIndex::facets_of(const Counts& counts, const std::vector<std::uint32_t>& facet_children,
                              const std::vector<Filter>& filters, std::size_t total) const {
  Facets facets;
  facets.total = static_cast<std::int64_t>(total);
  facets.in_stock = counts.in_stock;
  if (counts.any_price && counts.currency != 0) {
    facets.min_price = Money{counts.min_price, currency_codes_[counts.currency]};
    facets.max_price = Money{counts.max_price, currency_codes_[counts.currency]};
  }
  for (std::size_t i = 0; i < facet_children.size(); ++i) {
    if (counts.children[i] > 0) {
      const auto& node = categories_[facet_children[i]];
      facets.categories.push_back(FacetValue{node.slug, node.name, counts.children[i]});
    }
  }
  // As kFacetAttributes: (name, value) rows in order, at most kMaxFacetRows, and count_facets'
  // kMaxFacetValues per name.
  std::size_t rows = 0;
  for (std::size_t v = 0; v < values_.size() && rows < kMaxFacetRows; ++v) {
    if (counts.values[v] == 0) {
      continue;
    }
    ++rows;
    if (facets.attributes.empty() || facets.attributes.back().first != values_[v].name) {
      facets.attributes.emplace_back(values_[v].name, std::vector<FacetValue>{});
    }
    auto& list = facets.attributes.back().second;
    if (list.size() < kMaxFacetValues) {
      list.push_back(FacetValue{values_[v].value, values_[v].value, counts.values[v]});
    }
  }
  // A filtered attribute lists its own values counted without its own filter (kFacetOneAttribute).
  for (std::size_t f = 0; f < filters.size(); ++f) {
    std::vector<FacetValue> list;
    for (const auto v : filters[f].own) {
      if (counts.own_values[f][v] > 0 && list.size() < kMaxFacetValues) {
        list.push_back(FacetValue{values_[v].value, values_[v].value, counts.own_values[f][v]});
      }
    }
    set_attribute_facet(facets, filters[f].name, std::move(list));
  }
  return facets;
}

std::vector<SearchIndex::Filter> SearchIndex::filters_of(const ListQuery& query) const {
  std::vector<Filter> filters;
  filters.reserve(query.attributes.size());
  for (const auto& [name, values] : query.attributes) {
    Filter f{name, std::vector<char>(values_.size(), 0), std::vector<char>(values_.size(), 0), {}};
    for (std::size_t v = 0; v < values_.size(); ++v) {
      if (values_[v].name == name) {
        f.named[v] = 1;
        f.own.push_back(static_cast<std::uint32_t>(v));
        if (std::find(values.begin(), values.end(), values_[v].value) != values.end()) {
          f.chosen[v] = 1;
        }
      }
    }
    filters.push_back(std::move(f));
  }
  return filters;
}

SearchIndex::Counts SearchIndex::empty_counts(const std::vector<std::uint32_t>& facet_children,
                                              std::size_t filters) const {
  Counts counts;
  counts.values.assign(values_.size(), 0);
  counts.own_values.assign(filters, std::vector<std::int64_t>(values_.size(), 0));
  counts.children.assign(facet_children.size(), 0);
  counts.facet_child.assign(categories_.size(), -1);
  for (std::size_t i = 0; i < facet_children.size(); ++i) {
    mark_subtree(categories_, facet_children[i], counts.facet_child, static_cast<std::int32_t>(i));
  }
  counts.child_seen.assign(facet_children.size(), std::numeric_limits<std::uint32_t>::max());
  return counts;
}

// Once per match, in query's inner loop: small, and in this file so that it inlines.
void SearchIndex::count_match(std::uint32_t d, Counts& counts) const {
  const Hot& hot = hot_[d];
  const std::uint32_t* const categories = lists_.data() + hot.list;
  const std::uint32_t* const attributes = categories + hot.categories;
  counts.in_stock += hot.flags & kInStock;
  if ((hot.flags & kPriced) != 0) {
    counts.min_price = counts.any_price ? std::min(counts.min_price, hot.price) : hot.price;
    counts.max_price = counts.any_price ? std::max(counts.max_price, hot.price) : hot.price;
    counts.any_price = true;
  }
  if (hot.currency != 0 && (counts.currency == 0 || hot.currency < counts.currency)) {
    counts.currency = hot.currency;
  }
  for (std::uint16_t i = 0; i < hot.attributes; ++i) {
    ++counts.values[attributes[i]];
  }
  for (std::uint16_t i = 0; i < hot.categories; ++i) {
    const auto child = counts.facet_child[categories[i]];
    if (child >= 0 && counts.child_seen[static_cast<std::size_t>(child)] != d) {
      counts.child_seen[static_cast<std::size_t>(child)] = d;
      ++counts.children[static_cast<std::size_t>(child)];
    }
  }
}

void SearchIndex::rank_by_proximity(const std::vector<SearchItem>& items,
                                    const std::vector<std::pair<std::size_t, std::size_t>>& ranges) const {
  // ts_rank of an AND of several lexemes weighs how close they stand (calc_rank_and), walking
  // the items in lexeme order; only the matches need it.
  std::vector<std::size_t> order(ranges.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    order[k] = k;
  }
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return items[a].lexeme < items[b].lexeme; });
  std::vector<std::pair<std::size_t, std::size_t>> by_lexeme;
  by_lexeme.reserve(order.size());
  for (const auto k : order) {
    by_lexeme.push_back(ranges[k]);
  }
  Scratch& s = scratch();
  for (const auto d : s.matched) {
    s.slots[d].score = rank_and(d, by_lexeme);
  }
}

bool SearchIndex::in_stock_and_price(std::uint32_t d, const ListQuery& query) const {
  const Hot& hot = hot_[d];
  if (query.in_stock && ((hot.flags & kInStock) != 0) != *query.in_stock) {
    return false;
  }
  if (!query.min_price && !query.max_price) {
    return true;
  }
  return (hot.flags & kPriced) != 0 && (!query.min_price || hot.price >= *query.min_price) &&
         (!query.max_price || hot.price <= *query.max_price);
}

std::pair<std::size_t, std::size_t> SearchIndex::failed_filters(std::uint32_t d,
                                                                const std::vector<Filter>& filters) const {
  const Hot& hot = hot_[d];
  const std::uint32_t* const attributes = lists_.data() + hot.list + hot.categories;
  std::size_t failed = 0;
  std::size_t failed_at = 0;
  for (std::size_t f = 0; f < filters.size(); ++f) {
    bool has = false;
    for (std::uint16_t i = 0; i < hot.attributes && !has; ++i) {
      has = filters[f].chosen[attributes[i]] != 0;
    }
    if (!has) {
      ++failed;
      failed_at = f;
    }
  }
  return {failed, failed_at};
}

void SearchIndex::count_own_values(std::uint32_t d, const std::vector<Filter>& filters, std::optional<std::size_t> only,
                                   Counts& counts) const {
  // A filtered attribute counts its values over the products every other filter lets through.
  const Hot& hot = hot_[d];
  const std::uint32_t* const attributes = lists_.data() + hot.list + hot.categories;
  for (std::size_t f = 0; f < filters.size(); ++f) {
    if (only && *only != f) {
      continue;
    }
    for (std::uint16_t i = 0; i < hot.attributes; ++i) {
      if (filters[f].named[attributes[i]] != 0) {
        ++counts.own_values[f][attributes[i]];
      }
    }
  }
}

std::optional<ProductPage> SearchIndex::query(const ListQuery& query, ListSort sort,
                                              const std::vector<SearchItem>* items,
                                              const std::optional<CursorPosition>& after) const {
  // The listing's category with its sub-categories.
  std::optional<std::uint32_t> category;
  std::vector<char> in_scope;
  if (query.category) {
    category = category_index(*query.category);
    if (!category) {
      return std::nullopt;  // SQL names the parameter
    }
    in_scope.assign(categories_.size(), 0);
    mark_subtree(categories_, *category, in_scope, char{1});
  }
  // The name sort's cursor is the last product's id: its place in the title order.
  std::optional<std::uint32_t> name_after;
  if (after && sort == ListSort::name) {
    name_after = doc_of(after->id);
    if (!name_after) {
      return std::nullopt;  // no longer active: SQL reads its title back
    }
  }
  const std::vector<Filter> filters = filters_of(query);

  Scratch& s = scratch();
  s.candidates.clear();
  s.matched.clear();
  std::vector<std::pair<std::size_t, std::size_t>> ranges;  // per item, its lexemes in terms_
  if (items != nullptr) {
    match_text(*items, s.candidates, ranges);
  }

  // The category facet: each category below the scope maps to the scope's child it sits under.
  const auto& facet_children = category ? categories_[*category].children : roots_;
  Counts counts = query.facets ? empty_counts(facet_children, filters.size()) : Counts{};

  const auto visit = [&](std::uint32_t d) {
    if (!in_stock_and_price(d, query)) {
      return;
    }
    const Hot& hot = hot_[d];
    const std::uint32_t* const categories = lists_.data() + hot.list;
    if (category) {
      bool inside = false;
      for (std::uint16_t i = 0; i < hot.categories && !inside; ++i) {
        inside = in_scope[categories[i]] != 0;
      }
      if (!inside) {
        return;
      }
    }
    const auto [failed, failed_at] = failed_filters(d, filters);
    if (query.facets && failed <= 1) {
      count_own_values(d, filters, failed == 0 ? std::nullopt : std::optional<std::size_t>(failed_at), counts);
    }
    if (failed > 0) {
      return;
    }
    s.matched.push_back(d);
    if (query.facets) {
      count_match(d, counts);
    }
  };
  if (items != nullptr) {
    const auto item_count = items->size();
    for (const auto d : s.candidates) {
      if (s.slots[d].hits == item_count) {
        visit(d);
      }
    }
  } else {
    for (std::uint32_t d = 0; d < ids_.size(); ++d) {
      visit(d);
    }
  }
  const std::size_t total = s.matched.size();

  if (sort == ListSort::relevance && ranges.size() >= 2) {
    rank_by_proximity(*items, ranges);
  }

  ProductPage page;
  for (const auto d : select_rows(s.matched, sort, query.limit, after, name_after)) {
    page.items.push_back(summary_of(d));
  }
  if (query.facets) {
    page.facets = facets_of(counts, facet_children, filters, total);
  }
  return page;
}

SearchIndexHolder::SearchIndexHolder(db::Database& db, cache::Cache& cache, SearchIndexMode mode,
                                     std::chrono::milliseconds retry_after)
    : db_(db),
      cache_(cache),
      mode_(mode),
      retry_after_(retry_after),
      marker_key_("catalog:search-index:" + base64url_encode(random_key().substr(0, 12))) {
  // A process that just started builds its index at once rather than on its first listing.
  if (mode_ == SearchIndexMode::background) {
    start_background_rebuild();
  }
}

SearchIndexHolder::~SearchIndexHolder() {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  idle_.wait(lock, [&] { return !building_; });
  lock.unlock();
  if (builder_.joinable()) {
    builder_.join();
  }
}

bool SearchIndexHolder::rebuild() {
  // The marker first: a write that commits after it is set deletes it, so an index loaded after
  // this point and found with its marker intact saw every write before its check.
  const std::string token = base64url_encode(random_key().substr(0, 12));
  cache_.set(marker_key_, token, kMarkerTtl, {kListingsTag, kCategoriesTag});
  if (cache_.get(marker_key_) != token) {
    return false;  // refused within an invalidation's guard window, or the cache is down
  }
  auto index = db_.read("", db::Consistency::strong, [](soci::session& sql) { return SearchIndex::load(sql); });
  // The load's growing vectors and row buffers are freed by now; give the pages back to the system
  // (glibc keeps them otherwise), so the process's size is the index's, not the load's peak.
  malloc_trim(0);
  if (cache_.get(marker_key_) != token) {
    return false;
  }
  log::info("catalog search index built", {{"products", static_cast<std::int64_t>(index->products())},
                                           {"bytes", static_cast<std::int64_t>(index->bytes())},
                                           {"lexemes", static_cast<std::int64_t>(index->lexemes())},
                                           {"postings", static_cast<std::int64_t>(index->postings())}});
  std::lock_guard lock(mutex_);
  index_ = std::move(index);
  token_ = token;
  return true;
}

bool SearchIndexHolder::ready() {
  std::string token;
  {
    std::lock_guard lock(mutex_);
    if (!index_) {
      return false;
    }
    token = token_;
  }
  return marker() == token;
}

std::optional<std::string> SearchIndexHolder::marker() {
  // Asked on every listing: from the near cache when it holds the marker (no round trip), which an
  // invalidation clears before the writer returns, as it deletes the marker in Redis.
  if (auto near = cache_.peek(marker_key_)) {
    return near;
  }
  return cache_.get_near(marker_key_);
}

std::shared_ptr<const SearchIndex> SearchIndexHolder::fresh() {
  std::shared_ptr<const SearchIndex> index;
  std::string token;
  {
    std::lock_guard lock(mutex_);
    index = index_;
    token = token_;
  }
  if (index && marker() == token) {
    return index;
  }
  if (index) {
    // Stale: let its memory go now rather than when the next one is ready.
    std::lock_guard lock(mutex_);
    if (token_ == token) {
      index_.reset();
    }
  }
  if (mode_ == SearchIndexMode::synchronous) {
    if (rebuild()) {
      std::lock_guard lock(mutex_);
      return index_;
    }
    return nullptr;
  }
  start_background_rebuild();
  return nullptr;
}

void SearchIndexHolder::start_background_rebuild() {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (building_ || stopping_ || now < next_attempt_) {
    return;
  }
  building_ = true;
  if (builder_.joinable()) {
    builder_.join();  // finished: building_ was false
  }
  builder_ = std::thread([this] {
    bool built = false;
    try {
      built = rebuild();
    } catch (const std::exception& e) {
      log::warn("catalog search index: build failed; listings use SQL meanwhile", {{"error", e.what()}});
    }
    std::lock_guard done(mutex_);
    building_ = false;
    if (!built) {
      next_attempt_ = std::chrono::steady_clock::now() + retry_after_;
    }
    idle_.notify_all();
  });
}

std::optional<std::vector<SearchItem>> SearchIndexHolder::items_of(const std::vector<std::string>& words) {
  std::vector<SearchItem> items;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::optional<std::string> stem;
    bool known = false;
    {
      std::lock_guard lock(stems_mutex_);
      if (const auto it = stems_.find(words[i]); it != stems_.end()) {
        stem = it->second;
        known = true;
      }
    }
    if (!known) {
      const auto parsed = db_.read("", db::Consistency::any, [&](soci::session& sql) {
        std::string text;
        soci::indicator ind = soci::i_null;
        sql << kStemWord, soci::use(words[i], "word"), soci::into(text, ind);
        return parse_stem(ind == soci::i_ok ? text : std::string());
      });
      if (!parsed) {
        return std::nullopt;
      }
      stem = *parsed;
      std::lock_guard lock(stems_mutex_);
      if (stems_.size() >= kMaxCachedStems) {
        stems_.clear();
      }
      stems_.emplace(words[i], stem);
    }
    if (!stem) {
      continue;  // a stop word: to_tsquery drops it
    }
    SearchItem item{*stem, i + 1 == words.size()};
    const auto same =
        std::find_if(items.begin(), items.end(), [&](const auto& it) { return it.lexeme == item.lexeme; });
    if (same == items.end()) {
      items.push_back(std::move(item));
    } else if (same->prefix != item.prefix) {
      // ts_rank keeps one of the two (an unstable sort decides which): only SQL can rank this.
      return std::nullopt;
    }
  }
  return items;
}

std::optional<ProductPage> SearchIndexHolder::query(const ListQuery& query, ListSort sort,
                                                    const std::vector<std::string>& words,
                                                    const std::optional<CursorPosition>& after) {
  const auto index = fresh();
  if (!index) {
    return std::nullopt;
  }
  if (words.empty()) {
    return index->query(query, sort, nullptr, after);
  }
  const auto items = items_of(words);
  if (!items) {
    return std::nullopt;
  }
  return index->query(query, sort, &*items, after);
}

}  // namespace ecom::catalog::detail
