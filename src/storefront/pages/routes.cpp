#include "pages/routes.hpp"

#include "account/pages.hpp"
#include "account/shared.hpp"

#include <ecom/platform/error.hpp>
#include <ecom/platform/http/etag.hpp>

#include <boost/json.hpp>

#include <charconv>
#include <string>
#include <utility>
#include <vector>

namespace ecom::storefront::pages {
namespace {

using ecom::catalog::CatalogService;

struct Context {
  Site site;
  std::shared_ptr<const web::Templates> templates;
  CatalogService& service;
  identity::CustomerService* customers;  // none: every page is rendered signed out
};

using Viewer = std::optional<Visitor>;

// The header's visitor: only a request with a session cookie costs a session read.
Viewer visitor_of(const Context& ctx, const http::Request& request) {
  if (ctx.customers == nullptr) {
    return std::nullopt;
  }
  const auto session = account::cookie_session(request, *ctx.customers);
  if (!session) {
    return std::nullopt;
  }
  return account::visitor_of(*session);
}

// Pages change whenever the catalog does: caches must revalidate (cheap, thanks to the ETag). A
// page with a customer's name in its header is theirs alone: no shared cache may keep it.
http::Response page(const http::Request& request, int status, std::string body, bool personal = false) {
  auto response = http::Response::html(status, std::move(body));
  response.headers.set("Cache-Control", personal ? "private, no-cache" : "no-cache");
  response.headers.set("Vary", "Cookie");
  return http::with_etag(request, std::move(response));
}

http::Response render(const Context& ctx, const http::Request& request, std::string_view name, boost::json::value model,
                      const Viewer& viewer, int status = 200) {
  add_visitor(model, viewer);
  return page(request, status, ctx.templates->render(name, model), viewer.has_value());
}

// A client's mistake (400) or an unknown product or category (404) becomes a page in the shop's
// layout whatever the Accept header says: these are pages people open. Anything else (a database
// outage) goes on to the dispatcher's one error mapping.
template <typename Body>
http::Handler html_page(std::shared_ptr<const Context> ctx, Body body) {
  return [ctx = std::move(ctx), body = std::move(body)](http::Request& request) {
    const auto viewer = visitor_of(*ctx, request);
    try {
      return body(*ctx, request, viewer);
    } catch (const core::Error& e) {
      if (e.code() != core::ErrorCode::bad_request && e.code() != core::ErrorCode::not_found) {
        throw;
      }
      auto response = render(*ctx, request, "error", error_model(ctx->site, e), viewer, core::http_status(e.code()));
      response.headers.set("Cache-Control", "no-store");
      return response;
    }
  };
}

constexpr std::int64_t kNotAVariant = -1;

// The ?variant= id: nullopt when absent or empty, kNotAVariant when it is not a positive id.
std::optional<std::int64_t> variant_in(const http::Request& request) {
  auto text = request.query_param("variant");
  if (!text || text->empty()) {
    return std::nullopt;
  }
  std::int64_t id = 0;
  const auto* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, id);
  if (ec != std::errc() || ptr != end || id <= 0) {
    return kNotAVariant;
  }
  return id;
}

std::optional<std::int64_t> variant_param(const http::Request& request) {
  const auto variant = variant_in(request);
  if (variant == kNotAVariant) {
    throw core::Error::bad_parameter("variant", "must be a variant id");
  }
  return variant;
}

// The product_view name of a product page.
std::string page_view(std::optional<std::int64_t> variant) {
  return "page:" + (variant ? std::to_string(*variant) : std::string("-"));
}

bool names(const core::Error& e, std::string_view parameter) {
  return std::any_of(e.details().begin(), e.details().end(), [&](const auto& d) { return d.name == parameter; });
}

// Home, every category and every active product (read 100 at a time, newest first), bounded by
// kSitemapMaxUrls.
std::string render_sitemap(const Context& ctx) {
  std::vector<std::string> slugs;
  ecom::catalog::ListQuery query;
  query.limit = ecom::catalog::kMaxListLimit;
  query.sort = ecom::catalog::ListSort::newest;
  while (slugs.size() < kSitemapMaxUrls) {
    auto page = ctx.service.list_products(query);
    for (auto& item : page.items) {
      slugs.push_back(std::move(item.slug));
    }
    if (!page.next_cursor || page.items.empty()) {
      break;
    }
    query.cursor = std::move(page.next_cursor);
  }
  return sitemap_xml(ctx.site, ctx.service.category_tree(), slugs);
}

}  // namespace

void add_routes(http::Router& router, Site site, std::shared_ptr<const web::Templates> templates,
                CatalogService& service, identity::CustomerService* customers) {
  auto ctx = std::make_shared<const Context>(Context{std::move(site), std::move(templates), service, customers});

  // Blocking (the default): each reads the catalog.
  router.get("/", html_page(ctx, [](const Context& c, http::Request& request, const Viewer& viewer) {
               ecom::catalog::ListQuery featured;
               featured.limit = kFeaturedCount;
               featured.sort = ecom::catalog::ListSort::newest;
               return render(c, request, "home",
                             home_model(c.site, c.service.category_tree(), c.service.list_products(featured)), viewer);
             }));

  router.get("/c/{slug}", html_page(ctx, [](const Context& c, http::Request& request, const Viewer& viewer) {
               const auto category = c.service.get_category(request.param("slug"));
               const auto filters = parse_filters(request, c.site.currency, false);
               const auto products = c.service.list_products(list_query(filters, category.slug));
               return render(c, request, "category",
                             category_model(c.site, c.service.category_tree(), category, filters, products), viewer);
             }));

  router.get("/search", html_page(ctx, [](const Context& c, http::Request& request, const Viewer& viewer) {
               const auto filters = parse_filters(request, c.site.currency, true);
               const auto tree = c.service.category_tree();
               if (!filters.q) {
                 return render(c, request, "search",
                               search_model(c.site, tree, filters, nullptr, "Type a word to search the shop."), viewer);
               }
               try {
                 const auto products = c.service.list_products(list_query(filters, std::nullopt));
                 return render(c, request, "search", search_model(c.site, tree, filters, &products, ""), viewer);
               } catch (const core::Error& e) {
                 // A search of only punctuation, or too long: say so on the search page itself.
                 if (e.code() != core::ErrorCode::bad_request || !names(e, "q")) {
                   throw;
                 }
                 const auto reason = e.details().empty() ? e.message() : e.details().front().reason;
                 return render(c, request, "search",
                               search_model(c.site, tree, filters, nullptr, "We cannot search for that: " + reason),
                               viewer, 400);
               }
             }));

  // The rendered page is cached with the product (catalog product_view): a view costs one cache
  // read for the slug and one for the page, and no rendering, until the product or the tree
  // changes. Only variants the product has render, so ?variant= cannot fill the cache. A page this
  // process read from the cache before is answered on the I/O thread from its near copy; anything
  // else (a miss, a bad variant, an unknown product) goes to the pool, where the one answer is made.
  // The cached page is the signed-out one: a request with a session cookie goes to the pool, and a
  // signed-in customer's page (their name in the header) is rendered for them and never cached.
  router.get_with_fast_path(
      "/p/{slug}",
      [ctx](http::Request& request) -> std::optional<http::Response> {
        const auto variant = variant_in(request);
        if (variant == kNotAVariant || (ctx->customers != nullptr && request.cookie(account::kSessionCookie))) {
          return std::nullopt;
        }
        auto body = ctx->service.cached_product_view(request.param("slug"), page_view(variant));
        if (!body) {
          return std::nullopt;
        }
        return page(request, 200, std::move(*body));
      },
      html_page(ctx, [](const Context& c, http::Request& request, const Viewer& viewer) {
        const auto variant = variant_param(request);
        if (viewer) {
          const auto product = c.service.get_product(request.param("slug"), request.client_ip);
          return render(c, request, "product", product_model(c.site, c.service.category_tree(), product, variant),
                        viewer);
        }
        auto body = c.service.product_view(request.param("slug"), page_view(variant), [&](const auto& product) {
          return c.templates->render("product", product_model(c.site, c.service.category_tree(), product, variant));
        });
        return page(request, 200, std::move(body));
      }));

  // Rendered once and cached until the catalog changes: a crawler's request costs a cache read.
  router.get("/sitemap.xml", [ctx](http::Request& request) {
    auto body = ctx->service.catalog_view("sitemap.xml", [&] { return render_sitemap(*ctx); });
    auto response = http::Response::text(200, std::move(body), "application/xml; charset=utf-8");
    response.headers.set("Cache-Control", "no-cache");
    return http::with_etag(request, std::move(response));
  });

  // Depends on configuration only: computed once, answered on the I/O thread.
  const std::string robots = robots_txt(ctx->site);
  router.get(
      "/robots.txt",
      [robots](http::Request& request) {
        auto response = http::Response::text(200, robots);
        response.headers.set("Cache-Control", "public, max-age=3600");
        return http::with_etag(request, std::move(response));
      },
      http::RouteOptions{.execution = http::Execution::inline_io, .permission = ""});
}

}  // namespace ecom::storefront::pages
