// CatalogAdmin: the category tree (create, rename, move without cycles, delete when empty).
#include "admin_rules.hpp"
#include "internal.hpp"

#include <ecom/audit/audit.hpp>
#include <ecom/catalog/admin.hpp>
#include <ecom/catalog/json.hpp>
#include <ecom/platform/error.hpp>

#include <soci/soci.h>

#include <vector>

namespace ecom::catalog {
namespace {

// The audit entry of a change to a category (its id and slug), with its values before and after.
void audit_category(soci::session& sql, std::string action, const Category* before, const Category* after) {
  const auto& c = after != nullptr ? *after : *before;
  audit::record(sql, audit::Change{std::move(action), "category", std::to_string(c.id), c.slug,
                                   before != nullptr ? to_json(*before) : boost::json::value(nullptr),
                                   after != nullptr ? to_json(*after) : boost::json::value(nullptr)});
}

Category category_of(std::int64_t id, std::string slug, std::string name, long long parent, soci::indicator parent_ind,
                     long long position) {
  Category c;
  c.id = id;
  c.slug = std::move(slug);
  c.name = std::move(name);
  c.position = position;
  if (parent_ind == soci::i_ok) {
    c.parent_id = parent;
  }
  return c;
}

using core::Error;
using core::ErrorCode;
using namespace detail;  // the shared rules, bounds and statements (admin_rules.hpp, internal.hpp)

constexpr const char* kSelectCategory = "SELECT parent_id, slug, name, position FROM categories WHERE id = :id";
constexpr const char* kSelectParent = "SELECT parent_id FROM categories WHERE id = :id";
constexpr const char* kInsertCategory =
    "INSERT INTO categories (parent_id, slug, name, position) VALUES (:parent_id, :slug, :name, :position) "
    "RETURNING id";
constexpr const char* kUpdateCategory =
    "UPDATE categories SET parent_id = :parent_id, slug = :slug, name = :name, position = :position WHERE id = :id";
constexpr const char* kCountChildren = "SELECT COUNT(*) FROM categories WHERE parent_id = :id";
constexpr const char* kCountCategoryProducts = "SELECT COUNT(*) FROM product_categories WHERE category_id = :id";
constexpr const char* kSelectCategoryProducts = "SELECT product_id FROM product_categories WHERE category_id = :id";
constexpr const char* kDeleteCategory = "DELETE FROM categories WHERE id = :id";

}  // namespace

std::vector<Category> CatalogAdmin::category_tree(std::string_view client) {
  return db_.read(client, db::Consistency::strong, [&](soci::session& sql) { return detail::load_tree(sql); });
}

Category CatalogAdmin::create_category(const NewCategory& category, std::string_view client) {
  check_slug(category.slug);
  if (category.name.empty()) {
    throw invalid("name", "must not be empty");
  }
  check_length(category.name, kMaxCategoryName, "name");
  Category created = detail::write(db_, client, [&](soci::session& sql) {
    if (find_id(sql, kSelectCategoryIdBySlug, category.slug)) {
      throw detail::taken(detail::kCategorySlugKey);
    }
    long long parent = 0;
    soci::indicator parent_ind = soci::i_null;
    if (category.parent_slug) {
      const auto found = find_id(sql, kSelectCategoryIdBySlug, *category.parent_slug);
      if (!found) {
        throw invalid("parent", "no such category");
      }
      parent = *found;
      parent_ind = soci::i_ok;
    }
    const long long position = category.position;
    long long id = 0;
    sql << kInsertCategory, soci::use(parent, parent_ind, "parent_id"), soci::use(category.slug, "slug"),
        soci::use(category.name, "name"), soci::use(position, "position"), soci::into(id);
    Category c;
    c.id = id;
    if (parent_ind == soci::i_ok) {
      c.parent_id = parent;
    }
    c.slug = category.slug;
    c.name = category.name;
    c.position = category.position;
    audit_category(sql, "category.create", nullptr, &c);
    return c;
  });
  cache_.invalidate_tag(detail::kCategoriesTag);
  cache_.invalidate_tag(detail::kListingsTag);
  return created;
}

Category CatalogAdmin::update_category(std::int64_t id, const CategoryChanges& changes, std::string_view client) {
  if (changes.slug) {
    check_slug(*changes.slug);
  }
  if (changes.name) {
    if (changes.name->empty()) {
      throw invalid("name", "must not be empty");
    }
    check_length(*changes.name, kMaxCategoryName, "name");
  }
  std::vector<long long> products;  // whose cached copies name this category
  Category updated = detail::write(db_, client, [&](soci::session& sql) {
    const long long cid = id;
    Category c;
    c.id = id;
    long long parent = 0;
    soci::indicator parent_ind = soci::i_null;
    long long position = 0;
    sql << kSelectCategory, soci::into(parent, parent_ind), soci::into(c.slug), soci::into(c.name),
        soci::into(position), soci::use(cid, "id");
    if (!sql.got_data()) {
      throw Error(ErrorCode::not_found, "No such category.");
    }
    const auto before = category_of(id, c.slug, c.name, parent, parent_ind, position);
    const bool renamed = (changes.slug && *changes.slug != c.slug) || (changes.name && *changes.name != c.name);
    if (changes.slug && *changes.slug != c.slug) {
      if (find_id(sql, kSelectCategoryIdBySlug, *changes.slug)) {
        throw detail::taken(detail::kCategorySlugKey);
      }
      c.slug = *changes.slug;
    }
    if (changes.name) {
      c.name = *changes.name;
    }
    if (changes.position) {
      position = *changes.position;
    }
    if (changes.parent_slug) {
      if (!*changes.parent_slug) {
        parent_ind = soci::i_null;
      } else {
        const auto found = find_id(sql, kSelectCategoryIdBySlug, **changes.parent_slug);
        if (!found) {
          throw invalid("parent", "no such category");
        }
        // The new parent must not be the category or below it: walk up from the new parent. The
        // tree has no cycle before this change, so the walk ends at a root.
        long long walk = *found;
        while (true) {
          if (walk == cid) {
            throw invalid("parent", "a category cannot move below itself or one of its descendants");
          }
          long long up = 0;
          soci::indicator up_ind = soci::i_null;
          sql << kSelectParent, soci::into(up, up_ind), soci::use(walk, "id");
          if (!sql.got_data() || up_ind != soci::i_ok) {
            break;
          }
          walk = up;
        }
        parent = *found;
        parent_ind = soci::i_ok;
      }
    }
    sql << kUpdateCategory, soci::use(parent, parent_ind, "parent_id"), soci::use(c.slug, "slug"),
        soci::use(c.name, "name"), soci::use(position, "position"), soci::use(cid, "id");
    if (renamed) {
      long long pid = 0;
      soci::statement st = (sql.prepare << kSelectCategoryProducts, soci::into(pid), soci::use(cid, "id"));
      st.execute();
      while (st.fetch()) {
        products.push_back(pid);
      }
    }
    if (parent_ind == soci::i_ok) {
      c.parent_id = parent;
    }
    c.position = position;
    audit_category(sql, "category.update", &before, &c);
    return c;
  });
  cache_.invalidate_tag(detail::kCategoriesTag);
  for (const auto pid : products) {
    cache_.invalidate_tag(product_tag(pid));
  }
  cache_.invalidate_tag(detail::kListingsTag);
  return updated;
}

void CatalogAdmin::delete_category(std::int64_t id, std::string_view client) {
  detail::write(db_, client, [&](soci::session& sql) {
    const long long cid = id;
    long long children = 0;
    long long products = 0;
    Category before;
    {
      long long parent = 0;
      soci::indicator parent_ind = soci::i_null;
      std::string slug;
      std::string name;
      long long position = 0;
      sql << kSelectCategory, soci::into(parent, parent_ind), soci::into(slug), soci::into(name), soci::into(position),
          soci::use(cid, "id");
      if (!sql.got_data()) {
        throw Error(ErrorCode::not_found, "No such category.");
      }
      before = category_of(id, slug, name, parent, parent_ind, position);
    }
    sql << kCountChildren, soci::into(children), soci::use(cid, "id");
    if (children > 0) {
      throw Error(ErrorCode::conflict, "The category has sub-categories: move or delete them first.");
    }
    sql << kCountCategoryProducts, soci::into(products), soci::use(cid, "id");
    if (products > 0) {
      throw Error(ErrorCode::conflict,
                  "The category holds " + std::to_string(products) + " product(s): take them out of it first.");
    }
    sql << kDeleteCategory, soci::use(cid, "id");
    audit_category(sql, "category.delete", &before, nullptr);
  });
  cache_.invalidate_tag(detail::kCategoriesTag);
  cache_.invalidate_tag(detail::kListingsTag);
}

}  // namespace ecom::catalog
