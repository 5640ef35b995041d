#include "ctl/model_verbs.h"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ctl/model_output.h"
#include "store/json_codec.h"
#include "store/model_generator.h"
#include "store/model_loader.h"
#include "store/model_queries.h"
#include "store/model_validate.h"
#include "store/model_yaml.h"
#include "store/store.h"

namespace zenhub::ctl {

namespace {

std::unique_ptr<store::Store> open(const ModelContext& ctx, bool create) {
  if (ctx.storeUri.empty()) throw BadUsage("no store: give --store URI (or set ZENHUB_STORE)");
  store::OpenOptions options;
  options.create = create;
  return store::openStore(ctx.storeUri, options);
}

std::string readFile(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw BadUsage("cannot read " + file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void writeFile(const std::string& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw store::StoreError("cannot write " + file);
}

void reportWrite(const ModelContext& ctx, std::int64_t tid, const std::string& extraJson = {},
                 const std::string& extraText = {}) {
  if (ctx.json) {
    *ctx.out << "{\"tid\":" << tid << extraJson << "}\n";
  } else {
    if (!extraText.empty()) *ctx.out << extraText << "\n";
    *ctx.out << (tid ? "committed as transaction " + std::to_string(tid) : std::string("no change")) << "\n";
  }
}

void reportLoad(const ModelContext& ctx, const store::UpsertStats& stats, std::int64_t tid, double seconds) {
  if (ctx.json) {
    *ctx.out << "{\"created\":" << stats.created << ",\"updated\":" << stats.updated
             << ",\"unchanged\":" << stats.unchanged << ",\"tid\":" << tid << ",\"seconds\":" << seconds << "}\n";
  } else {
    *ctx.out << "created " << stats.created << ", updated " << stats.updated << ", unchanged " << stats.unchanged
             << " in " << seconds << " s; " << (tid ? "transaction " + std::to_string(tid) : std::string("no change"))
             << "\n";
  }
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void loadSpecs(const ModelContext& ctx, const std::vector<store::ObjectSpec>& specs) {
  auto start = std::chrono::steady_clock::now();
  auto s = open(ctx, true);
  auto txn = s->write();
  store::UpsertStats stats = store::loadModel(*txn, specs);
  std::int64_t tid = txn->commit();
  reportLoad(ctx, stats, tid, secondsSince(start));
}

}  // namespace

void modelInit(const ModelContext& ctx) {
  auto s = open(ctx, true);
  auto txn = s->read();
  std::int64_t cursor = txn->feedCursor();
  size_t count = txn->count();
  if (ctx.json) {
    *ctx.out << "{\"backend\":\"" << s->backendName() << "\",\"objects\":" << count << ",\"cursor\":" << cursor
             << "}\n";
  } else {
    *ctx.out << "store ready (" << s->backendName() << ", " << count << " objects, feed cursor " << cursor << ")\n";
  }
}

void modelLoad(const ModelContext& ctx, const std::string& file) {
  // Parse (and report every problem) before touching the store.
  std::vector<store::ObjectSpec> specs = store::parseModelYaml(readFile(file), file);
  loadSpecs(ctx, specs);
}

void modelExport(const ModelContext& ctx, const std::string& file) {
  auto s = open(ctx, false);
  auto txn = s->read();
  std::string yaml = "# zenhub model exported at feed cursor " + std::to_string(txn->feedCursor()) + "\n" +
                     store::emitModelYaml(txn->all());
  if (file.empty() || file == "-") {
    *ctx.out << yaml;
  } else {
    writeFile(file, yaml);
  }
}

void modelGet(const ModelContext& ctx, const std::string& path, bool resolve) {
  auto s = open(ctx, false);
  auto txn = s->read();
  auto object = txn->get(path);
  if (!object) throw store::NotFoundError(path + ": no such object");
  if (!resolve) {
    printObject(*ctx.out, *object, ctx.json);
    return;
  }
  std::vector<store::Object> chain = store::ancestry(*txn, *object);
  std::vector<const model::Properties*> props;
  model::Properties resolved = model::zPropertyDefaults();
  for (const auto& o : chain) {
    if (o.className != model::cls::kDevice && o.className != model::cls::kDeviceClass) continue;
    props.push_back(&o.properties);
    for (const auto& [key, value] : o.properties) {
      if (model::isZPropertyName(key)) resolved.insert_or_assign(key, value);
    }
  }
  for (auto& [key, value] : resolved) value = *model::acquire(props, key);
  printResolved(*ctx.out, *object, resolved, ctx.json);
}

void modelLs(const ModelContext& ctx, const std::string& path, bool recursive) {
  auto s = open(ctx, false);
  auto txn = s->read();
  auto object = txn->get(path);
  if (!object) throw store::NotFoundError(path + ": no such object");
  std::vector<store::Object> objects = recursive ? txn->subtree(path) : txn->children(object->oid);
  printListing(*ctx.out, objects, ctx.json);
}

void modelSet(const ModelContext& ctx, const std::string& path, const std::vector<std::string>& assignments,
              const std::vector<std::string>& unset) {
  if (assignments.empty() && unset.empty()) throw BadUsage("nothing to set: give key=value or --unset KEY");
  auto s = open(ctx, false);
  auto txn = s->write();
  auto object = txn->get(path);
  if (!object) throw store::NotFoundError(path + ": no such object");
  model::Properties set;
  std::vector<std::string> issues;
  for (const auto& assignment : assignments) {
    auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0) {
      issues.push_back("'" + assignment + "' is not key=value");
      continue;
    }
    std::string key = assignment.substr(0, eq);
    std::string text = assignment.substr(eq + 1);
    model::Value value = text;  // empty: the empty string
    if (!text.empty()) {
      try {
        if (auto problem = store::valueFromYaml(YAML::Load(text), value); !problem.empty()) {
          issues.push_back(key + ": " + problem);
          continue;
        }
      } catch (const YAML::Exception& e) {
        issues.push_back(key + ": cannot read value '" + text + "': " + e.msg);
        continue;
      }
    }
    if (auto problem = store::checkProperty(object->className, key, value); !problem.empty()) {
      issues.push_back(problem);
      continue;
    }
    set.insert_or_assign(key, std::move(value));
  }
  model::Properties after = object->properties;
  for (const auto& key : unset) after.erase(key);
  for (const auto& [key, value] : set) after.insert_or_assign(key, value);
  for (const auto& problem : store::checkRequired(object->className, after)) issues.push_back(path + ": " + problem);
  if (!issues.empty()) throw store::ModelError(std::move(issues));
  txn->update(path, set, unset);
  reportWrite(ctx, txn->commit());
}

void modelMove(const ModelContext& ctx, const std::string& path, const std::string& newParent) {
  auto s = open(ctx, false);
  auto txn = s->write();
  txn->move(path, newParent);
  reportWrite(ctx, txn->commit());
}

void modelRemove(const ModelContext& ctx, const std::string& path) {
  auto s = open(ctx, false);
  auto txn = s->write();
  size_t removed = txn->remove(path);
  reportWrite(ctx, txn->commit(), ",\"removed\":" + std::to_string(removed),
              "removed " + std::to_string(removed) + " object(s)");
}

void modelChanges(const ModelContext& ctx, std::int64_t since, std::int64_t limit) {
  auto s = open(ctx, false);
  printChanges(*ctx.out, s->changesSince(since, limit), ctx.json);
}

void modelCompact(const ModelContext& ctx, std::int64_t keep) {
  auto s = open(ctx, false);
  store::CompactResult r = s->compactFeed(keep);
  if (ctx.json) {
    *ctx.out << "{\"compactedThrough\":" << r.compactedThrough << ",\"entriesDeleted\":" << r.entriesDeleted << "}\n";
  } else {
    *ctx.out << "feed compacted through transaction " << r.compactedThrough << " (" << r.entriesDeleted
             << " entries deleted); readers behind it will resync\n";
  }
}

void modelGenerate(const ModelContext& ctx, const GenerateArgs& args) {
  if (args.devices < 0 || args.collectors < 1) throw BadUsage("--devices must be >= 0 and --collectors >= 1");
  auto specs = store::generateModel({args.devices, args.collectors, args.seed});
  if (!args.out.empty()) {
    writeFile(args.out, "# zenhub model generated: devices=" + std::to_string(args.devices) +
                            " collectors=" + std::to_string(args.collectors) + " seed=" + std::to_string(args.seed) +
                            "\n" + store::emitModelYaml(store::objectsFromSpecs(specs)));
    if (!ctx.json) *ctx.out << "wrote " << specs.size() << " objects to " << args.out << "\n";
    else *ctx.out << "{\"objects\":" << specs.size() << ",\"out\":" << store::jsonString(args.out) << "}\n";
    return;
  }
  loadSpecs(ctx, specs);
}

}  // namespace zenhub::ctl
