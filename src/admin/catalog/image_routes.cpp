#include "catalog/image_routes.hpp"

#include <ecom/platform/error.hpp>
#include <ecom/storage/image.hpp>

#include <boost/json.hpp>

#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ecom::admin::catalog {
namespace {

using core::Error;
using core::ErrorCode;
using ecom::catalog::ImageService;
using ecom::catalog::ImageUpdate;

constexpr std::string_view kImages = "/api/v1/admin/products/{id}/images";
constexpr std::string_view kImage = "/api/v1/admin/products/{id}/images/{image_id}";

// A path id that is not a positive integer names nothing: 404, like an unknown id.
std::int64_t path_id(const http::Request& request, std::string_view name) {
  const auto text = request.param(name);
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value <= 0) {
    throw Error(ErrorCode::not_found, name == "id" ? "No such product." : "No such image.");
  }
  return value;
}

Error unsupported_type(const std::string& reason) {
  return Error(ErrorCode::unsupported_media, "Unsupported Content-Type: " + reason + ".",
               {core::FieldError{"Content-Type", reason}});
}

ImageUpdate parse_update(const http::Request& request) {
  if (request.media_type() != "application/json") {
    throw unsupported_type("send application/json");
  }
  boost::system::error_code ec;
  const auto doc = boost::json::parse(request.body, ec);
  if (ec || !doc.is_object()) {
    throw Error::bad_parameter("body", "must be a JSON object");
  }
  ImageUpdate update;
  for (const auto& [key, value] : doc.as_object()) {
    if (key == "alt") {
      if (!value.is_string()) {
        throw Error::bad_parameter("alt", "must be a string");
      }
      update.alt = std::string(value.as_string());
    } else if (key == "position") {
      if (!value.is_int64() && !value.is_uint64()) {
        throw Error::bad_parameter("position", "must be an integer");
      }
      const auto position = value.to_number<std::int64_t>(ec);
      if (ec) {
        throw Error::bad_parameter("position", "must be an integer");
      }
      update.position = position;
    } else {
      throw Error::bad_parameter(std::string(key), "unknown field");
    }
  }
  if (!update.alt && !update.position) {
    throw Error::bad_parameter("body", "give alt and/or position");
  }
  return update;
}

// The admin's view of an image: everything it can change or needs to address it, plus the URL.
boost::json::value image_json(const ecom::catalog::Image& image, const std::string& asset_base_url) {
  return boost::json::object{
      {"id", image.id},
      {"path", image.path},
      {"url", asset_base_url + "/" + image.path},
      {"alt", image.alt},
      {"width", image.width},
      {"height", image.height},
      {"position", image.position},
  };
}

http::Response json(int status, const boost::json::value& value) {
  return http::Response::json(status, boost::json::serialize(value));
}

}  // namespace

void add_image_routes(http::Router& router, ImageService& service, std::string asset_base_url) {
  const http::RouteOptions read{http::Execution::blocking, "catalog.read"};
  const http::RouteOptions write{http::Execution::blocking, "catalog.write"};
  const auto base = std::make_shared<const std::string>(std::move(asset_base_url));

  router.add(
      http::Method::post, std::string(kImages),
      [&service, base](http::Request& request) {
        const auto product_id = path_id(request, "id");
        // Refused before the body is looked at: the declared type must be one we take at all.
        const auto type = request.media_type();
        if (!storage::image_type_of_mime(type)) {
          throw unsupported_type("send image/png, image/jpeg, image/gif or image/webp");
        }
        const auto alt = request.query_param("alt").value_or("");
        const auto image = service.add_image(product_id, request.body, alt, request.client_ip, type);
        return json(201, image_json(image, *base));
      },
      write);

  router.add(
      http::Method::get, std::string(kImages),
      [&service, base](http::Request& request) {
        boost::json::array items;
        for (const auto& image : service.list_images(path_id(request, "id"), request.client_ip)) {
          items.push_back(image_json(image, *base));
        }
        return json(200, boost::json::object{{"items", std::move(items)}});
      },
      read);

  router.add(
      http::Method::patch, std::string(kImage),
      [&service, base](http::Request& request) {
        const auto product_id = path_id(request, "id");
        const auto image_id = path_id(request, "image_id");
        const auto image = service.update_image(product_id, image_id, parse_update(request), request.client_ip);
        return json(200, image_json(image, *base));
      },
      write);

  router.add(
      http::Method::del, std::string(kImage),
      [&service](http::Request& request) {
        service.delete_image(path_id(request, "id"), path_id(request, "image_id"), request.client_ip);
        return http::Response::empty(204);
      },
      write);
}

void declare_image_config(config::Schema& schema) {
  storage::declare_config(schema);  // with assets.base_url
}

ImageRoutes::ImageRoutes(const config::Config& config, db::Database& db, cache::Cache& cache)
    : options_(storage::options_from(config)),
      storage_(options_.root),
      service_(db, cache, storage_, storage::ImageLimits{options_.max_image_bytes, options_.max_image_pixels}),
      asset_base_url_(options_.asset_base_url) {}

void ImageRoutes::add_to(http::Router& router) {
  add_image_routes(router, service_, asset_base_url_);
}

}  // namespace ecom::admin::catalog
