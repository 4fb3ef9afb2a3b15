// The in-process search and facet index (PostgreSQL): every active product's listing data, its
// full-text lexemes with their weights, its categories and attribute values, held in memory so
// that a faceted search is set work in this process instead of four SQL statements.
//
// Why: counting facets in SQL over thousands of matches costs ~100 ms of database time a request
// (docs/performance.md); here a search with facets over 100,000 products costs about a millisecond.
//
// Exactness: the index answers a listing exactly as the SQL path does (the same matches, facet
// counts, orders and cursors), or not at all (std::nullopt, and the caller uses SQL). It takes
// from PostgreSQL whatever depends on the database's configuration: the documents' lexemes (the
// stored tsvector), the search words' stems (to_tsquery, cached per word), the title order and the
// attribute value order (ORDER BY in the database's collation), and relevance is ts_rank's own
// formula over the stored positions and weights.
//
// Freshness: SearchIndexHolder keeps a marker under the listings and categories cache tags, which
// every catalog write invalidates. An index is used only while its marker is in the cache (read
// through the near cache, which invalidations clear before the writer returns), so a change stops
// it being used at once; a fresh one is then built (in the background, or in the
// request for tests) and the SQL path answers meanwhile.
#pragma once

#include "cursor.hpp"

#include <ecom/cache/cache.hpp>
#include <ecom/catalog/catalog.hpp>
#include <ecom/db/database.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace soci {
class session;
}

namespace ecom::catalog::detail {

// One item of a search: a stemmed lexeme, and whether it matches every lexeme it begins (the
// search's last word).
struct SearchItem {
  std::string lexeme;
  bool prefix = false;
  friend bool operator==(const SearchItem&, const SearchItem&) = default;
};

class SearchIndex {
 public:
  // Reads every active product; the statements run on sql as given (the caller picks the
  // connection and the transaction).
  static std::shared_ptr<const SearchIndex> load(soci::session& sql);

  // The page (up to limit + 1 rows, as the SQL path fetches) and, when asked, the facets.
  // items: the search's items (nullptr: no search; empty: a search of stop words only, which
  // matches nothing). nullopt when the index cannot answer exactly: an unknown category, or a
  // name cursor whose product it does not hold.
  [[nodiscard]] std::optional<ProductPage> query(const ListQuery& query, ListSort sort,
                                                 const std::vector<SearchItem>* items,
                                                 const std::optional<CursorPosition>& after) const;

  [[nodiscard]] std::size_t products() const noexcept { return ids_.size(); }
  [[nodiscard]] std::size_t lexemes() const noexcept { return terms_.size(); }
  [[nodiscard]] std::size_t postings() const noexcept;
  // Bytes held by the index's arrays (capacity), for the build's log line.
  [[nodiscard]] std::size_t bytes() const noexcept;

 private:
  struct Term {
    std::string lexeme;
    std::vector<std::uint32_t> docs;  // ascending
    std::vector<float> scores;        // calc_rank_or's share of this lexeme in each document
    // Each document's positions as PostgreSQL stores them (weight << 14 | position), for
    // calc_rank_and: positions[position_begin[i] .. position_begin[i + 1]) belong to docs[i].
    std::vector<std::uint32_t> position_begin{0};
    std::vector<std::uint16_t> positions;
    // The positions of doc, or an empty span when this lexeme is not in it.
    [[nodiscard]] std::pair<const std::uint16_t*, std::size_t> positions_of(std::uint32_t doc) const;
  };
  // What a product card shows, as offsets into text_ (slug up to title, title up to title_end,
  // image path up to alt, image alt up to end), and its first image's numbers (none when the path
  // is empty).
  struct Card {
    std::uint32_t slug = 0;
    std::uint32_t title = 0;
    std::uint32_t title_end = 0;
    std::uint32_t path = 0;
    std::uint32_t alt = 0;
    std::uint32_t end = 0;
    std::int64_t image_id = 0;
    std::int32_t width = 0;
    std::int32_t height = 0;
    std::int32_t position = 0;
  };
  struct CategoryNode {
    std::int64_t id = 0;
    std::string slug;
    std::string name;
    std::vector<std::uint32_t> children;  // in tree order
  };
  struct AttributeValue {
    std::string name;
    std::string value;
  };
  struct Filter;
  struct Counts;

  static constexpr std::uint8_t kInStock = 1;
  static constexpr std::uint8_t kPriced = 2;  // price_min is not null

  // Per document, a list of values (category or attribute-value ordinals):
  // list[offsets[d], offsets[d + 1]) are document d's.
  struct DocLists {
    std::vector<std::uint32_t> offsets;
    std::vector<std::uint32_t> list;
  };

  // load's steps, in this order: the tree (categories_, roots_), then the products (ids_, cards,
  // hot_, terms_; doc_of works after it), their categories and attribute values (values_), the
  // first images, and last the lists packed into lists_.
  std::unordered_map<std::int64_t, std::uint32_t> load_category_tree(soci::session& sql);
  void load_products(soci::session& sql);
  [[nodiscard]] DocLists load_product_categories(
      soci::session& sql, const std::unordered_map<std::int64_t, std::uint32_t>& category_by_id) const;
  DocLists load_attribute_values(soci::session& sql);
  void load_first_images(soci::session& sql);
  void pack_lists(const DocLists& categories, const DocLists& attributes);

  // query's steps: the attribute filters as ordinals; the facet counts, zero, for a scope whose
  // facet children are given; one match's share of them; the AND search's ranks by proximity
  // (into the thread's scratch scores of its matches).
  [[nodiscard]] std::vector<Filter> filters_of(const ListQuery& query) const;
  [[nodiscard]] Counts empty_counts(const std::vector<std::uint32_t>& facet_children, std::size_t filters) const;
  void count_match(std::uint32_t d, Counts& counts) const;
  // Whether document d passes the query's in_stock and price filters.
  [[nodiscard]] bool in_stock_and_price(std::uint32_t d, const ListQuery& query) const;
  // How many attribute filters document d fails, and the last one it fails.
  [[nodiscard]] std::pair<std::size_t, std::size_t> failed_filters(std::uint32_t d,
                                                                   const std::vector<Filter>& filters) const;
  // d's share of each filter's own counts (only: the one filter d fails, whose counts still see it).
  void count_own_values(std::uint32_t d, const std::vector<Filter>& filters, std::optional<std::size_t> only,
                        Counts& counts) const;
  void rank_by_proximity(const std::vector<SearchItem>& items,
                         const std::vector<std::pair<std::size_t, std::size_t>>& ranges) const;

  [[nodiscard]] std::optional<std::uint32_t> category_index(std::string_view slug) const;
  [[nodiscard]] std::optional<std::uint32_t> doc_of(std::int64_t id) const;
  // ts_rank of a document for a search of two or more lexemes (calc_rank_and); items by lexeme.
  [[nodiscard]] float rank_and(std::uint32_t doc, const std::vector<std::pair<std::size_t, std::size_t>>& ranges) const;
  // The documents having every item, with their calc_rank_or in scores (indexed by document).
  void match_text(const std::vector<SearchItem>& items, std::vector<std::uint32_t>& candidates,
                  std::vector<std::pair<std::size_t, std::size_t>>& ranges) const;
  // The page's rows of matched, in the sort's order after the cursor.
  [[nodiscard]] std::vector<std::uint32_t> select_rows(std::vector<std::uint32_t>& matched, ListSort sort, int limit,
                                                       const std::optional<CursorPosition>& after,
                                                       std::optional<std::uint32_t> name_after) const;
  [[nodiscard]] Facets facets_of(const Counts& counts, const std::vector<std::uint32_t>& facet_children,
                                 const std::vector<Filter>& filters, std::size_t total) const;
  [[nodiscard]] ProductSummary summary_of(std::uint32_t doc) const;

  // Per document, in (title, id) order of the database's collation: ids and creation times for
  // the sorts, hot_ (below) for filters and facets, cards only for the page's rows.
  std::vector<std::int64_t> ids_;
  std::vector<std::int64_t> created_;
  std::vector<Card> cards_;
  std::string text_;
  std::vector<std::string> currency_codes_;                    // bytewise, so the least is MIN()
  std::vector<std::pair<std::int64_t, std::uint32_t>> by_id_;  // (product id, document), by id
  std::vector<Term> terms_;                                    // by lexeme, bytewise
  std::vector<CategoryNode> categories_;
  std::vector<std::uint32_t> roots_;  // in tree order
  // What the filters and facets read of every match, packed in one record per document so that a
  // match costs one cache line plus its list: lists_[list, list + categories) are its direct
  // categories, the attributes values (ordinals into values_) follow.
  struct Hot {
    std::int64_t price = 0;
    std::uint32_t list = 0;
    std::uint16_t categories = 0;
    std::uint16_t attributes = 0;
    std::uint16_t currency = 0;
    std::uint8_t flags = 0;
  };
  std::vector<Hot> hot_;
  std::vector<std::uint32_t> lists_;
  std::vector<AttributeValue> values_;  // in (name, value) order of the database's collation
};

// One process's index and what keeps it fresh. Thread-safe.
class SearchIndexHolder {
 public:
  SearchIndexHolder(db::Database& db, cache::Cache& cache, SearchIndexMode mode,
                    std::chrono::milliseconds retry_after = std::chrono::seconds(1));
  ~SearchIndexHolder();
  SearchIndexHolder(const SearchIndexHolder&) = delete;
  SearchIndexHolder& operator=(const SearchIndexHolder&) = delete;

  // The listing from the index, or nullopt when there is no fresh index (one is then being
  // built) or it cannot answer this query exactly. words: the search words (empty: no search).
  [[nodiscard]] std::optional<ProductPage> query(const ListQuery& query, ListSort sort,
                                                 const std::vector<std::string>& words,
                                                 const std::optional<CursorPosition>& after);

  // Builds a fresh index now, in this thread; false when a write meanwhile made it stale already.
  bool rebuild();
  // True while a fresh index is held (starts nothing); for tests and operators.
  [[nodiscard]] bool ready();

 private:
  std::shared_ptr<const SearchIndex> fresh();
  // The marker's value in the cache, if any.
  std::optional<std::string> marker();
  void start_background_rebuild();
  // The search's items: each word's stem from PostgreSQL (cached); nullopt when a word has no
  // single stem (the index then leaves the search to SQL).
  std::optional<std::vector<SearchItem>> items_of(const std::vector<std::string>& words);

  db::Database& db_;
  cache::Cache& cache_;
  SearchIndexMode mode_;
  std::chrono::milliseconds retry_after_;
  std::string marker_key_;

  std::mutex mutex_;
  std::shared_ptr<const SearchIndex> index_;
  std::string token_;  // the marker's value when index_ was built
  std::chrono::steady_clock::time_point next_attempt_{};
  bool building_ = false;
  bool stopping_ = false;
  std::condition_variable idle_;
  std::thread builder_;

  std::mutex stems_mutex_;
  std::unordered_map<std::string, std::optional<std::string>> stems_;  // word -> lexeme (none: a stop word)
};

}  // namespace ecom::catalog::detail
