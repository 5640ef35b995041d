// How `zenhubctl model` prints objects and feed batches: for people by default, JSON (one
// document on stdout) with --json.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace zenhub::ctl {

std::string objectJson(const store::Object& object);
void printObject(std::ostream& out, const store::Object& object, bool json);
// Also prints the effective zProperties of a device or class (acquired), when `resolved` is set.
void printResolved(std::ostream& out, const store::Object& object, const model::Properties& resolved, bool json);
void printListing(std::ostream& out, const std::vector<store::Object>& objects, bool json);
// `paths` gives the current path of each updated oid that still exists.
void printChanges(std::ostream& out, const store::ChangeBatch& batch,
                  const std::vector<std::optional<std::string>>& paths, bool json);

}  // namespace zenhub::ctl
