// How `zenhubctl model` prints objects and feed batches: for people by default, JSON (one
// document on stdout) with --json.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "store/store.h"

namespace zenhub::ctl {

std::string objectJson(const store::Object& object);
void printObject(std::ostream& out, const store::Object& object, bool json);
// Also prints the effective zProperties of a device or class (acquired), when `resolved` is set.
void printResolved(std::ostream& out, const store::Object& object, const model::Properties& resolved, bool json);
void printListing(std::ostream& out, const std::vector<store::Object>& objects, bool json);
// Each change with the class and path the feed recorded for it (its path after the change; for a
// delete, where it was). Entries from before schema version 2 have neither: text output leaves
// them out, JSON has "" and a committedAtMs of 0.
void printChanges(std::ostream& out, const store::ChangeBatch& batch, bool json);

}  // namespace zenhub::ctl
