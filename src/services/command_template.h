// `${dev/...}` and `${here/...}` in COMMAND datasources' command lines (Zenoss's TALES paths,
// the subset collectors rely on): `dev` is the device, `here` the object the template is bound
// to (the device itself, or a component). A path names an attribute: id, title (falls back to
// the id), manageIp, any stored property, or a zProperty (acquired from the device's classes).
#pragma once

#include <string>
#include <string_view>

#include "services/model_snapshot.h"

namespace zenhub::services {

struct Substitution {
  std::string text;   // the command after substitution
  std::string error;  // empty, or what could not be resolved (then `text` is meaningless)
};

Substitution substituteCommand(std::string_view commandTemplate, const ModelSnapshot& model,
                               const Object& device, const Object& here);

}  // namespace zenhub::services
