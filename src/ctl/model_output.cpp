#include "ctl/model_output.h"

#include <ostream>

#include "store/json_codec.h"

namespace zenhub::ctl {

using store::jsonString;

std::string objectJson(const store::Object& o) {
  return "{\"oid\":" + std::to_string(o.oid) + ",\"parent\":" + std::to_string(o.parent) +
         ",\"path\":" + jsonString(o.path) + ",\"id\":" + jsonString(o.id) + ",\"class\":" + jsonString(o.className) +
         ",\"properties\":" + store::encodeProperties(o.properties) + "}";
}

void printObject(std::ostream& out, const store::Object& o, bool json) {
  if (json) {
    out << objectJson(o) << "\n";
    return;
  }
  out << o.path << "  (" << o.className << ", oid " << o.oid << ")\n";
  for (const auto& [key, value] : o.properties) out << "  " << key << ": " << model::toDisplayString(value) << "\n";
}

void printResolved(std::ostream& out, const store::Object& o, const model::Properties& resolved, bool json) {
  if (json) {
    std::string doc = objectJson(o);
    doc.pop_back();
    out << doc << ",\"resolvedZProperties\":" << store::encodeProperties(resolved) << "}\n";
    return;
  }
  printObject(out, o, false);
  out << "  resolved zProperties (by acquisition):\n";
  for (const auto& [key, value] : resolved) out << "    " << key << ": " << model::toDisplayString(value) << "\n";
}

void printListing(std::ostream& out, const std::vector<store::Object>& objects, bool json) {
  if (json) {
    out << "[";
    for (size_t i = 0; i < objects.size(); ++i) {
      const auto& o = objects[i];
      out << (i ? "," : "") << "{\"oid\":" << o.oid << ",\"path\":" << jsonString(o.path)
          << ",\"class\":" << jsonString(o.className) << "}";
    }
    out << "]\n";
    return;
  }
  for (const auto& o : objects) out << o.oid << "\t" << o.className << "\t" << o.path << "\n";
}

void printChanges(std::ostream& out, const store::ChangeBatch& batch, bool json) {
  if (json) {
    out << "{\"cursor\":" << batch.cursor << ",\"resyncRequired\":" << (batch.resyncRequired ? "true" : "false")
        << ",\"more\":" << (batch.more ? "true" : "false") << ",\"changes\":[";
    for (size_t i = 0; i < batch.changes.size(); ++i) {
      const auto& c = batch.changes[i];
      out << (i ? "," : "") << "{\"tid\":" << c.tid << ",\"oid\":" << c.oid << ",\"kind\":\"" << store::toString(c.kind)
          << "\",\"path\":" << jsonString(c.path) << ",\"class\":" << jsonString(c.className)
          << ",\"committedAtMs\":" << c.committedAtMs << "}";
    }
    out << "]}\n";
    return;
  }
  if (batch.resyncRequired) {
    out << "cursor predates the compacted feed (or is from another store): resync from cursor " << batch.cursor
        << "\n";
    return;
  }
  for (size_t i = 0; i < batch.changes.size(); ++i) {
    const auto& c = batch.changes[i];
    out << "tid " << c.tid << "\t" << store::toString(c.kind) << "\toid " << c.oid;
    if (!c.path.empty()) out << "\t" << c.className << "\t" << c.path;
    out << "\n";
  }
  out << "cursor " << batch.cursor << (batch.more ? " (more waiting)" : "") << "\n";
}

}  // namespace zenhub::ctl
