#include "pages/routes.hpp"

#include "pages/form.hpp"
#include "pages/view_models.hpp"

#include <ecom/money/money.hpp>
#include <ecom/platform/error.hpp>
#include <ecom/platform/http/problem.hpp>
#include <ecom/storage/media_route.hpp>
#include <ecom/storage/storage.hpp>

#include <boost/json.hpp>

#include <array>
#include <functional>
#include <utility>

namespace ecom::admin::pages {
namespace {

namespace json = boost::json;
using core::Error;
using core::ErrorCode;
using ecom::catalog::CatalogAdmin;

constexpr int kPageSize = 50;
constexpr std::string_view kRead = "catalog.read";
constexpr std::string_view kWrite = "catalog.write";
constexpr std::string_view kConflictMessage =
    "This product was changed by someone else meanwhile; your changes were not saved. Your values are kept "
    "below: copy what you need, then reload the page to see the current version and apply them again.";

struct Context {
  Settings settings;
  Layout layout;
  std::shared_ptr<const web::Templates> templates;
  CatalogAdmin& catalog;
  ecom::catalog::ImageService& images;
};
using ContextPtr = std::shared_ptr<const Context>;

http::Response render(const Context& c, const http::Request& request, std::string_view name, json::object model,
                      int status = 200) {
  return render_page(*c.templates, request, name, std::move(model), status);
}

// A refusal a form can show in place, with what was typed.
bool refusal(ErrorCode code) noexcept {
  return code == ErrorCode::bad_request || code == ErrorCode::conflict || code == ErrorCode::precondition_failed ||
         code == ErrorCode::unprocessable;
}

http::Response error_page(const Context& c, const http::Request& request, const Error& e) {
  // The message goes below the heading here, not in the layout's notice above it.
  auto model = base_model(c.layout, core::title(e.code()), "", {});
  json::array reasons;
  for (const auto& d : e.details()) {
    reasons.push_back(json::object{{"name", d.name}, {"reason", d.reason}});
  }
  model["heading"] = core::title(e.code());
  model["message"] = e.message();
  model["has_reasons"] = !reasons.empty();
  model["reasons"] = std::move(reasons);
  return render(c, request, "error", model, core::http_status(e.code()));
}

template <typename Body>
http::Handler page(ContextPtr ctx, Body body) {
  return [ctx = std::move(ctx), body = std::move(body)](http::Request& request) {
    try {
      return body(*ctx, request);
    } catch (const Error& e) {
      // A server error (a database outage) goes on to the dispatcher's one error mapping.
      if (!core::is_client_error(e.code())) {
        throw;
      }
      return error_page(*ctx, request, e);
    }
  };
}

bool is_form(const http::Request& request) {
  return request.media_type() == "application/x-www-form-urlencoded";
}

// Every POST: refused when another site sent it, then its form parsed.
template <typename Body>
http::Handler form_post(ContextPtr ctx, Body body) {
  return page(std::move(ctx), [body = std::move(body)](const Context& c, http::Request& request) {
    refuse_cross_site(request);
    if (!is_form(request)) {
      throw Error(ErrorCode::unsupported_media, "The admin pages accept forms (application/x-www-form-urlencoded).");
    }
    return body(c, request, parse_form(request.body));
  });
}

std::int64_t path_id(const http::Request& request, std::string_view name, std::string_view what) {
  const auto text = request.param(name);
  if (auto id = parse_id(text)) {
    return *id;
  }
  throw Error(ErrorCode::not_found, "There is no " + std::string(what) + " \"" + std::string(text) + "\".");
}

std::int64_t form_version(const Form& form) {
  if (auto version = parse_id(form.value("version"))) {
    return *version;
  }
  throw Error::bad_parameter("version", "the form has no valid version; reload the page and try again");
}

std::string flash_of(const http::Request& request) {
  // A fixed table: the query names a message, it never supplies the text.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kMessages = {{
      {"created", "Product created."},
      {"saved", "Saved."},
      {"status", "Status changed."},
      {"deleted", "Product deleted."},
      {"variant_added", "Variant added."},
      {"variant_saved", "Variant saved."},
      {"variant_deleted", "Variant deleted."},
      {"image_saved", "Image saved."},
      {"image_deleted", "Image deleted."},
      {"category_created", "Category created."},
      {"category_saved", "Category saved."},
      {"category_deleted", "Category deleted."},
  }};
  const auto done = request.query_param("done").value_or("");
  for (const auto& [key, message] : kMessages) {
    if (key == done) {
      return std::string(message);
    }
  }
  return "";
}

std::string product_url(std::int64_t id) {
  return "/products/" + std::to_string(id);
}

// ---- products ----

http::Response products_page(const Context& c, const http::Request& request, const ecom::catalog::AdminListQuery& query,
                             const NewProductDraft& draft, const Notice& notice, int status) {
  const auto page = c.catalog.list_products(query, request.client_ip);
  auto model = base_model(c.layout, "Products", "products", notice);
  add_products_model(model, query, page, draft);
  return render(c, request, "products", model, status);
}

ecom::catalog::AdminListQuery list_query(const http::Request& request) {
  ecom::catalog::AdminListQuery query;
  query.limit = kPageSize;
  if (auto q = request.query_param("q")) {
    if (auto text = trim(*q); !text.empty()) {
      query.q = std::move(text);
    }
  }
  if (auto status = request.query_param("status"); status && !status->empty()) {
    query.status = ecom::catalog::status_from_string(*status);
    if (!query.status) {
      throw Error::bad_parameter("status", "must be draft, active or archived");
    }
  }
  if (auto after = request.query_param("after"); after && !after->empty()) {
    query.after = parse_id(*after);
    if (!query.after) {
      throw Error::bad_parameter("after", "must be a product id");
    }
  }
  return query;
}

struct EditorState {
  std::optional<ProductDraft> draft;  // the product form as submitted
  std::optional<VariantDraft> variant;
  Notice notice;
  bool conflict = false;
  int status = 200;
};

http::Response editor(const Context& c, const http::Request& request, const ecom::catalog::Product& product,
                      EditorState state) {
  const auto tree = c.catalog.category_tree(request.client_ip);
  auto model = base_model(c.layout, product.title.empty() ? product.slug : product.title, "products", state.notice);
  add_editor_model(model, EditorInput{product, tree, state.draft ? std::move(*state.draft) : draft_of(product),
                                      std::move(state.variant), c.settings.default_currency, c.settings.assets_base_url,
                                      state.conflict});
  return render(c, request, "product", model, state.status);
}

// Runs one change of a product. Success: 303 to location. A refusal (a stale version, a bad value,
// a slug or SKU in use) shows the editor again with the message and what was typed, and the
// version the form was based on, so that submitting again cannot overwrite the other change.
http::Response change_product(const Context& c, const http::Request& request, std::int64_t id, std::int64_t version,
                              const std::string& location, std::optional<ProductDraft> draft,
                              std::optional<VariantDraft> variant, const std::function<void()>& write) {
  try {
    write();
  } catch (const Error& e) {
    if (!refusal(e.code())) {
      throw;
    }
    const auto product = c.catalog.get_product(id, request.client_ip);
    const bool conflict = e.code() == ErrorCode::precondition_failed;
    EditorState state{std::move(draft), std::move(variant),
                      conflict ? Notice{"", std::string(kConflictMessage), {}} : notice_of(e), conflict,
                      conflict ? 409 : core::http_status(e.code())};
    if (!state.draft) {
      state.draft = draft_of(product);
    }
    state.draft->version = version;
    return editor(c, request, product, std::move(state));
  }
  return see_other(location);
}

const ecom::catalog::Variant& find_variant(const ecom::catalog::Product& product, std::int64_t variant_id) {
  for (const auto& v : product.variants) {
    if (v.id == variant_id) {
      return v;
    }
  }
  throw Error(ErrorCode::not_found, "This product has no variant " + std::to_string(variant_id) + ".");
}

// A variant form as submitted; options and currency come from the form when adding, from the
// variant when editing (the row does not edit them).
VariantDraft variant_draft(const Form& form, std::int64_t id, std::string options, std::string currency) {
  return VariantDraft{.id = id,
                      .sku = form.value("sku"),
                      .title = form.value("title"),
                      .options = std::move(options),
                      .price = form.value("price"),
                      .compare_at = form.value("compare_at"),
                      .currency = std::move(currency),
                      .on_hand = form.value("on_hand"),
                      .weight_grams = form.value("weight_grams")};
}

std::optional<ecom::catalog::Money> optional_money(const std::string& text, const std::string& currency,
                                                   const std::string& field) {
  if (trim(text).empty()) {
    return std::nullopt;
  }
  return ecom::catalog::Money{money::parse_amount(text, currency, field), currency};
}

// POST /products: a new draft product, or the list again with the refusal and what was typed.
http::Response create_product(const Context& c, http::Request& request, const Form& form) {
  NewProductDraft draft{form.value("title"), form.value("slug")};
  ecom::catalog::NewProduct product;
  product.title = trim(draft.title);
  product.slug = trim(draft.slug);
  try {
    const auto created = c.catalog.create_product(product, request.client_ip);
    return see_other(product_url(created.id) + "?done=created");
  } catch (const Error& e) {
    if (!refusal(e.code())) {
      throw;
    }
    ecom::catalog::AdminListQuery query;
    query.limit = kPageSize;
    return products_page(c, request, query, draft, notice_of(e), core::http_status(e.code()));
  }
}

// POST /products/{id}: the editor's product fields.
http::Response save_product(const Context& c, http::Request& request, const Form& form) {
  const auto id = path_id(request, "id", "product");
  const auto version = form_version(form);
  const ProductDraft draft{.title = form.value("title"),
                           .slug = form.value("slug"),
                           .description = form.value("description"),
                           .seo_title = form.value("seo_title"),
                           .seo_description = form.value("seo_description"),
                           .categories = form.all("category"),
                           .attributes = form.value("attributes"),
                           .version = version};
  return change_product(c, request, id, version, product_url(id) + "?done=saved", draft, {}, [&] {
    ecom::catalog::ProductChanges changes;
    changes.title = trim(draft.title);
    changes.slug = trim(draft.slug);
    changes.description = draft.description;
    changes.seo_title = trim(draft.seo_title);
    changes.seo_description = trim(draft.seo_description);
    changes.category_slugs = draft.categories;
    std::vector<ecom::catalog::Attribute> attributes;
    for (auto& [name, value] : parse_pairs(draft.attributes, "attributes")) {
      attributes.push_back(ecom::catalog::Attribute{std::move(name), std::move(value)});
    }
    changes.attributes = std::move(attributes);
    c.catalog.update_product(id, changes, version, request.client_ip);
  });
}

void add_product_routes(http::Router& router, const ContextPtr& ctx) {
  const http::RouteOptions read{.execution = http::Execution::blocking, .permission = std::string(kRead)};
  const http::RouteOptions write{.execution = http::Execution::blocking, .permission = std::string(kWrite)};

  router.get("/products",
             page(ctx,
                  [](const Context& c, http::Request& request) {
                    return products_page(c, request, list_query(request), {}, Notice{flash_of(request), "", {}}, 200);
                  }),
             read);

  router.post("/products", form_post(ctx, create_product), write);

  router.get(
      "/products/{id}",
      page(ctx,
           [](const Context& c, http::Request& request) {
             const auto product = c.catalog.get_product(path_id(request, "id", "product"), request.client_ip);
             return editor(c, request, product, EditorState{{}, {}, Notice{flash_of(request), "", {}}, false, 200});
           }),
      read);

  router.post("/products/{id}", form_post(ctx, save_product), write);

  router.post("/products/{id}/status",
              form_post(ctx,
                        [](const Context& c, http::Request& request, const Form& form) {
                          const auto id = path_id(request, "id", "product");
                          const auto version = form_version(form);
                          const auto status = ecom::catalog::status_from_string(form.value("status"));
                          if (!status) {
                            throw Error::bad_parameter("status", "must be draft, active or archived");
                          }
                          return change_product(c, request, id, version, product_url(id) + "?done=status", {}, {},
                                                [&] { c.catalog.set_status(id, *status, version, request.client_ip); });
                        }),
              write);

  router.post("/products/{id}/delete",
              form_post(ctx,
                        [](const Context& c, http::Request& request, const Form& form) {
                          const auto id = path_id(request, "id", "product");
                          const auto version = form_version(form);
                          return change_product(c, request, id, version, "/products?done=deleted", {}, {}, [&] {
                            if (form.value("confirm") != "yes") {
                              throw Error(ErrorCode::unprocessable,
                                          "Tick \"Yes, delete this product\" to confirm; nothing was deleted.",
                                          {core::FieldError{"confirm", "must be ticked"}});
                            }
                            c.catalog.delete_product(id, version, request.client_ip);
                          });
                        }),
              write);
}

void add_variant_routes(http::Router& router, const ContextPtr& ctx) {
  const http::RouteOptions write{.execution = http::Execution::blocking, .permission = std::string(kWrite)};

  router.post(
      "/products/{id}/variants",
      form_post(
          ctx,
          [](const Context& c, http::Request& request, const Form& form) {
            const auto id = path_id(request, "id", "product");
            const auto version = form_version(form);
            const auto draft = variant_draft(form, 0, form.value("options"), form.value("currency"));
            return change_product(c, request, id, version, product_url(id) + "?done=variant_added", {}, draft, [&] {
              ecom::catalog::NewVariant variant;
              const auto currency = trim(draft.currency);
              variant.sku = trim(draft.sku);
              variant.title = trim(draft.title);
              variant.options = parse_pairs(draft.options, "options");
              variant.price = ecom::catalog::Money{money::parse_amount(draft.price, currency, "price"), currency};
              variant.compare_at = optional_money(draft.compare_at, currency, "compare_at");
              variant.on_hand = parse_count(draft.on_hand, "on_hand");
              variant.weight_grams = parse_count(draft.weight_grams, "weight_grams");
              c.catalog.add_variant(id, variant, version, request.client_ip);
            });
          }),
      write);

  router.post(
      "/products/{id}/variants/{variant}",
      form_post(
          ctx,
          [](const Context& c, http::Request& request, const Form& form) {
            const auto id = path_id(request, "id", "product");
            const auto variant_id = path_id(request, "variant", "variant");
            const auto version = form_version(form);
            const auto current = find_variant(c.catalog.get_product(id, request.client_ip), variant_id);
            const auto currency = current.price.currency;
            const auto draft = variant_draft(form, variant_id, format_pairs(current.options), currency);
            return change_product(c, request, id, version, product_url(id) + "?done=variant_saved", {}, draft, [&] {
              ecom::catalog::VariantChanges changes;
              changes.sku = trim(draft.sku);
              changes.title = trim(draft.title);
              changes.price = ecom::catalog::Money{money::parse_amount(draft.price, currency, "price"), currency};
              changes.compare_at = optional_money(draft.compare_at, currency, "compare_at");
              changes.on_hand = parse_count(draft.on_hand, "on_hand");
              changes.weight_grams = parse_count(draft.weight_grams, "weight_grams");
              c.catalog.update_variant(id, variant_id, changes, version, request.client_ip);
            });
          }),
      write);

  router.post("/products/{id}/variants/{variant}/delete",
              form_post(ctx,
                        [](const Context& c, http::Request& request, const Form& form) {
                          const auto id = path_id(request, "id", "product");
                          const auto variant_id = path_id(request, "variant", "variant");
                          const auto version = form_version(form);
                          return change_product(
                              c, request, id, version, product_url(id) + "?done=variant_deleted", {}, {},
                              [&] { c.catalog.delete_variant(id, variant_id, version, request.client_ip); });
                        }),
              write);

  // Images carry no version: alt text and removal do not build on the product's other fields.
  router.post("/products/{id}/images/{image}",
              form_post(ctx,
                        [](const Context& c, http::Request& request, const Form& form) {
                          const auto id = path_id(request, "id", "product");
                          const auto image_id = path_id(request, "image", "image");
                          const auto version = form_version(form);
                          return change_product(c, request, id, version, product_url(id) + "?done=image_saved", {}, {},
                                                [&] {
                                                  ecom::catalog::ImageUpdate update;
                                                  update.alt = trim(form.value("alt"));
                                                  c.images.update_image(id, image_id, update, request.client_ip);
                                                });
                        }),
              write);

  router.post("/products/{id}/images/{image}/delete",
              form_post(ctx,
                        [](const Context& c, http::Request& request, const Form& form) {
                          const auto id = path_id(request, "id", "product");
                          const auto image_id = path_id(request, "image", "image");
                          const auto version = form_version(form);
                          return change_product(c, request, id, version, product_url(id) + "?done=image_deleted", {},
                                                {}, [&] { c.images.delete_image(id, image_id, request.client_ip); });
                        }),
              write);
}

// ---- categories ----

http::Response categories_page(const Context& c, const http::Request& request, const CategoryDraft& draft,
                               const Notice& notice, int status) {
  auto model = base_model(c.layout, "Categories", "categories", notice);
  add_categories_model(model, c.catalog.category_tree(request.client_ip), draft);
  return render(c, request, "categories", model, status);
}

// A refused category change shows the tree again with the message (and, for a new one, what was
// typed); a delete refused because the category still holds something says what to do.
http::Response change_category(const Context& c, const http::Request& request, const std::string& done,
                               const CategoryDraft& draft, const std::function<void()>& write) {
  try {
    write();
  } catch (const Error& e) {
    if (!refusal(e.code())) {
      throw;
    }
    return categories_page(c, request, draft, notice_of(e), core::http_status(e.code()));
  }
  return see_other("/categories?done=" + done);
}

std::optional<std::string> parent_slug(const Form& form) {
  auto parent = trim(form.value("parent"));
  if (parent.empty()) {
    return std::nullopt;
  }
  return parent;
}

void add_category_routes(http::Router& router, const ContextPtr& ctx) {
  const http::RouteOptions read{.execution = http::Execution::blocking, .permission = std::string(kRead)};
  const http::RouteOptions write{.execution = http::Execution::blocking, .permission = std::string(kWrite)};

  router.get("/categories",
             page(ctx,
                  [](const Context& c, http::Request& request) {
                    return categories_page(c, request, {}, Notice{flash_of(request), "", {}}, 200);
                  }),
             read);

  router.post(
      "/categories",
      form_post(
          ctx,
          [](const Context& c, http::Request& request, const Form& form) {
            CategoryDraft draft{form.value("slug"), form.value("name"), form.value("parent"), form.value("position")};
            return change_category(c, request, "category_created", draft, [&] {
              ecom::catalog::NewCategory category;
              category.slug = trim(draft.slug);
              category.name = trim(draft.name);
              category.parent_slug = parent_slug(form);
              category.position = trim(draft.position).empty() ? 0 : parse_count(draft.position, "position");
              c.catalog.create_category(category, request.client_ip);
            });
          }),
      write);

  router.post("/categories/{id}",
              form_post(ctx,
                        [](const Context& c, http::Request& request, const Form& form) {
                          const auto id = path_id(request, "id", "category");
                          return change_category(c, request, "category_saved", {}, [&] {
                            ecom::catalog::CategoryChanges changes;
                            changes.slug = trim(form.value("slug"));
                            changes.name = trim(form.value("name"));
                            changes.parent_slug = parent_slug(form);
                            changes.position = parse_count(form.value("position"), "position");
                            c.catalog.update_category(id, changes, request.client_ip);
                          });
                        }),
              write);

  router.post("/categories/{id}/delete",
              form_post(ctx,
                        [](const Context& c, http::Request& request, const Form&) {
                          const auto id = path_id(request, "id", "category");
                          return change_category(c, request, "category_deleted", {},
                                                 [&] { c.catalog.delete_category(id, request.client_ip); });
                        }),
              write);
}

// ---- import ----

http::Response import_page(const Context& c, const http::Request& request, const ImportOutcome& outcome,
                           const Notice& notice, int status) {
  auto model = base_model(c.layout, "Import and export", "import", notice);
  add_import_model(model, outcome, c.settings.export_url);
  return render(c, request, "import", model, status);
}

void add_import_routes(http::Router& router, const ContextPtr& ctx) {
  router.get("/import",
             page(ctx, [](const Context& c, http::Request& request) { return import_page(c, request, {}, {}, 200); }),
             {.execution = http::Execution::blocking, .permission = std::string(kRead)});

  router.post(
      "/import",
      form_post(ctx,
                [](const Context& c, http::Request& request, const Form& form) {
                  ImportOutcome outcome{form.value("csv"), std::nullopt, {}};
                  if (trim(outcome.csv).empty()) {
                    return import_page(c, request, outcome,
                                       Notice{"", "Paste the CSV text (or choose a file) before importing.", {}}, 422);
                  }
                  try {
                    outcome.report = c.catalog.import_csv(outcome.csv, request.client_ip);
                  } catch (const ecom::catalog::ImportError& e) {
                    outcome.problems = e.problems();
                    return import_page(c, request, outcome,
                                       Notice{"", e.message() + " Fix the rows below and import again.", {}}, 422);
                  } catch (const Error& e) {
                    if (!refusal(e.code())) {
                      throw;
                    }
                    return import_page(c, request, outcome, notice_of(e), core::http_status(e.code()));
                  }
                  outcome.csv.clear();
                  return import_page(c, request, outcome, Notice{"Import done.", "", {}}, 200);
                }),
      {.execution = http::Execution::blocking, .permission = std::string(kWrite)});
}

void add_all(http::Router& router, Settings settings, const std::shared_ptr<const http::StaticFiles>& files,
             std::shared_ptr<const web::Templates> templates, CatalogAdmin& catalog,
             ecom::catalog::ImageService& images) {
  Layout layout{files->asset_url("admin/app.css"), files->asset_url("admin/app.js")};
  auto ctx = std::make_shared<const Context>(
      Context{std::move(settings), std::move(layout), std::move(templates), catalog, images});
  add_product_routes(router, ctx);
  add_variant_routes(router, ctx);
  add_category_routes(router, ctx);
  add_import_routes(router, ctx);
}

}  // namespace

bool cross_site_post(const http::Request& request) {
  if (const auto site = request.header("Sec-Fetch-Site")) {
    if (!http::iequals(*site, "same-origin") && !http::iequals(*site, "none")) {
      return true;
    }
  }
  if (const auto origin = request.header("Origin")) {
    const auto host = request.header("Host").value_or("");
    if (host.empty()) {
      return true;
    }
    const std::string host_text(host);
    return !http::iequals(*origin, "http://" + host_text) && !http::iequals(*origin, "https://" + host_text);
  }
  return false;
}

void refuse_cross_site(const http::Request& request) {
  if (cross_site_post(request)) {
    throw Error(ErrorCode::forbidden,
                "This form was sent from another web site, so it was refused. Open the admin portal directly and "
                "submit the form there.");
  }
}

void add_routes(http::Router& router, Settings settings, const std::shared_ptr<const http::StaticFiles>& files,
                std::shared_ptr<const web::Templates> templates, CatalogAdmin& catalog,
                ecom::catalog::ImageService& images) {
  add_all(router, std::move(settings), files, std::move(templates), catalog, images);
}

void add_routes(http::Router& router, const config::Config& config,
                const std::shared_ptr<const http::StaticFiles>& files, CatalogAdmin& catalog,
                ecom::catalog::ImageService& images) {
  Settings settings;
  const auto storage_options = storage::options_from(config);  // checks assets.base_url
  settings.assets_base_url = storage_options.asset_base_url;
  auto templates = web::Templates::load(std::filesystem::path(config.string("static.root")) / "admin" / "templates");
  if (settings.assets_base_url.starts_with('/')) {
    // A path on this host: nothing else serves the stored images to the admin, so its thumbnails
    // come from here. (An http(s) base URL names a CDN or the storefront instead.)
    storage::mount_media(router, storage_options.root, settings.assets_base_url,
                         {.execution = http::Execution::blocking, .permission = std::string(kRead)});
  }
  add_all(router, std::move(settings), files, std::move(templates), catalog, images);
}

}  // namespace ecom::admin::pages
